"""Which old text a changed one is an edit of, as msgmerge's fuzzy matching finds it.

``msgmerge`` gives a text the template changed the translation of the most similar old
text (a ratio of at least 0.6 by its ``fstrcmp``, a ratio of matching characters): a typo
fixed keeps its translation (fuzzy, for review), a paragraph rewritten whole does not take
the translation of a text that stood elsewhere. Here the ratio is difflib's (``2 *
matches / total length``, the same measure), asked of the old texts that share the most
words with the new one, so a catalog of thousands of entries costs a few comparisons per
changed text, not one per old entry. (catalog.merge asks it where the text's own place
held no text that is gone.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Generic, TypeVar

THRESHOLD = 0.6
"""The least similarity by which a text is an edit of another (msgmerge's)."""

LOOKED_AT = 16
"""How many old texts sharing the most words with a changed one are compared with it."""

_WORDS = re.compile(r"\w+")

Item = TypeVar("Item")


@lru_cache(maxsize=1 << 14)
def similarity(old: str, new: str) -> float:
    """How alike two texts are, from 0 to 1 (``SequenceMatcher.ratio`` without its junk
    heuristic, which reads a long paragraph's common letters as noise); its cheap upper
    bounds first, as most pairs are far apart (cached: the same pairs recur in every
    locale's merge)."""
    if old == new:
        return 1.0
    total = len(old) + len(new)
    if 2 * min(len(old), len(new)) < THRESHOLD * total:
        return 2 * min(len(old), len(new)) / total
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    bound = matcher.quick_ratio()
    return bound if bound < THRESHOLD else matcher.ratio()


class Nearest(Generic[Item]):
    """Old items (entries) by their text's words: the one a new text is most like."""

    def __init__(self, items: Sequence[Item], text: Callable[[Item], str]) -> None:
        self._items = items
        self._text = text
        self._index: dict[str, list[int]] | None = None

    def _words(self) -> dict[str, list[int]]:
        if self._index is None:  # built on the first question: most merges ask none
            self._index = {}
            for position, item in enumerate(self._items):
                for word in set(_WORDS.findall(self._text(item).lower())):
                    self._index.setdefault(word, []).append(position)
        return self._index

    def nearest(self, text: str, taken: Collection[int]) -> Item | None:
        """The item whose text ``text`` is most like (at least THRESHOLD; the first of
        equals), among those sharing a word with it that ``taken`` (ids) does not hold."""
        index = self._words()
        shared = Counter(position for word in set(_WORDS.findall(text.lower()))
                         for position in index.get(word, ()))
        best: Item | None = None
        best_ratio = THRESHOLD
        looked = 0
        for position, _count in sorted(shared.items(), key=lambda pair: (-pair[1], pair[0])):
            item = self._items[position]
            if id(item) in taken:
                continue
            ratio = similarity(self._text(item), text)
            if ratio > best_ratio or (best is None and ratio >= best_ratio):
                best, best_ratio = item, ratio
            looked += 1
            if looked == LOOKED_AT:
                break
        return best

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
from collections.abc import Callable, Collection, Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Generic, TypeVar

THRESHOLD = 0.6
"""The least similarity by which a text is an edit of another (msgmerge's)."""

LOOKED_AT = 16
"""How many old texts sharing the most words with a changed one are compared with it."""

COMMON = 64
"""A word more old texts than this (and than an eighth of them) hold is too common to
tell one from another (``Nearest``)."""

_WORDS = re.compile(r"\w+")

Item = TypeVar("Item")


SHORT = 6
"""Texts of fewer words than this together are compared by their characters (a typo in
a one-word heading is an edit of it); longer ones by their words, as fast as a line of a
few words is by its characters (difflib's matcher is quadratic, in Python: a pair of
paragraphs by characters took milliseconds, thousands of pairs seconds)."""

_TOKENS = re.compile(r"\w+|[^\w\s]")


@lru_cache(maxsize=1 << 14)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKENS.findall(text.lower()))


@lru_cache(maxsize=1 << 14)
def similarity(old: str, new: str) -> float:
    """How alike two texts are, from 0 to 1: the share of their words (of their
    characters, for a few words) that match in order (``SequenceMatcher.ratio`` without
    its junk heuristic, which reads a long text's common parts as noise); its cheap upper
    bounds first, as most pairs are far apart (cached: the same pairs recur in every
    locale's merge)."""
    if old == new:
        return 1.0
    words, others = _tokens(old), _tokens(new)
    a: Sequence[str] = words
    b: Sequence[str] = others
    if len(words) + len(others) < SHORT:
        a, b = old, new
    total = len(a) + len(b)
    if not total or 2 * min(len(a), len(b)) < THRESHOLD * total:
        return 2 * min(len(a), len(b)) / total if total else 0.0
    shared = sum((Counter(a) & Counter(b)).values())
    if 2 * shared < THRESHOLD * total:
        return 2 * shared / total
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


class Nearest(Generic[Item]):
    """Old items (entries) by group (their page) and their text's words: the one of a
    group a new text is most like. Only its own page's: a text edited as it moved within
    its page, or came back to it, finds its old translation; looking through the whole
    catalog for every new text of a page added (thousands, against the thousands of
    entries a page removed left) cost seconds a locale, where the same texts without it
    took milliseconds."""

    def __init__(self, items: Iterable[Item], text: Callable[[Item], str],
                 group: Callable[[Item], str]) -> None:
        self._text = text
        self._groups: dict[str, list[Item]] = {}
        for item in items:
            self._groups.setdefault(group(item), []).append(item)
        self._indexes: dict[str, dict[str, list[int]]] = {}

    def _words(self, group: str, items: Sequence[Item]) -> dict[str, list[int]]:
        index = self._indexes.get(group)
        if index is None:  # built on the group's first question: most merges ask none
            index = self._indexes[group] = {}
            for position, item in enumerate(items):
                for word in set(_WORDS.findall(self._text(item).lower())):
                    index.setdefault(word, []).append(position)
        return index

    def nearest(self, text: str, group: str, taken: Collection[int]) -> Item | None:
        """The item of ``group`` whose text ``text`` is most like (at least THRESHOLD;
        the first of equals), among those sharing a word with it that ``taken`` (ids)
        does not hold: a word most items hold ("the") tells none apart, and is not
        counted."""
        items = self._groups.get(group)
        if not items:
            return None
        index = self._words(group, items)
        common = max(COMMON, len(items) // 8)
        shared = Counter(position for word in set(_WORDS.findall(text.lower()))
                         if len(found := index.get(word, ())) <= common
                         for position in found)
        best: Item | None = None
        best_ratio = THRESHOLD
        looked = 0
        for position, _count in sorted(shared.items(), key=lambda pair: (-pair[1], pair[0])):
            item = items[position]
            if id(item) in taken:
                continue
            ratio = similarity(self._text(item), text)
            if ratio > best_ratio or (best is None and ratio >= best_ratio):
                best, best_ratio = item, ratio
            looked += 1
            if looked == LOOKED_AT:
                break
        return best

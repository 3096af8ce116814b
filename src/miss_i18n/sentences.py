"""Offline sentence splitting, so no engine ever downloads a splitter model.

Rules, not a model: a sentence ends at ``.``, ``!``, ``?``, ``…`` (or their CJK and
Devanagari forms), optionally followed by closing quotes or brackets, when whitespace
and an upper-case letter, digit or opening quote follow. Known abbreviations and
single-letter initials ("Prab R. Tumpati") do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al approx dept est fig figs no nos vol vols ed eds pp ca "
    "dr mr mrs ms prof sr jr st mt inc ltd co corp jan feb mar apr jun jul aug sep sept oct "
    "nov dec".split()
)
_END = re.compile(r"""([.!?…]+["'”’)\]]*)(\s+)(?=["'“‘(\[]?[\w])""")
_CJK_END = re.compile(r"([。！？]+[」』”’）]*)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str, keep: Sequence[re.Pattern[str]] = ()) -> list[str]:
    """Sentences of ``text``, whitespace between them dropped; never empty pieces.

    A sentence never ends inside a match of ``keep`` (do-not-translate terms): a term
    such as "Yahoo! Answers" cut after "Yahoo!" would reach an engine as two sentences,
    neither holding it whole, so it could not be kept."""
    spans = [found.span() for pattern in keep for found in pattern.finditer(text)]

    def inside(cut: int) -> bool:
        return any(start < cut < end for start, end in spans)

    cuts: list[tuple[int, int]] = []  # (where a sentence ends, where the next begins)
    start = 0
    for match in _END.finditer(text):
        end = match.end(1)
        if inside(end) or not _ends_sentence(text[start:end], text[match.end():]):
            continue
        cuts.append((end, match.end()))
        start = match.end()
    result: list[str] = []
    start = 0
    for end, after in [*cuts, (len(text), len(text))]:
        piece_start = start
        for mark in _CJK_END.finditer(text, start, end):
            if mark.end() < end and not inside(mark.end()):
                result.append(text[piece_start:mark.end()])
                piece_start = mark.end()
        result.append(text[piece_start:end])
        start = after
    result = [piece.strip() for piece in result if piece.strip()]
    return result or ([text.strip()] if text.strip() else [])


def _ends_sentence(before: str, after: str) -> bool:
    if not after[:1].isupper() and not after[:1].isdigit() and after[:1] not in "\"'“‘([":
        return False
    stripped = before.rstrip("\"'”’)]")
    if not stripped.endswith("."):
        return True
    word = _WORD_BEFORE.search(stripped[:-1])
    if word is None:
        return True
    token = word.group(1).lower()
    if token in ABBREVIATIONS:
        return False
    return not (len(token) == 1 and token.isalpha())  # an initial: "R. Tumpati"


NO_SPACE_SCRIPTS = frozenset({"zh", "ja", "yue"})


def joiner(locale: str) -> str:
    """What goes between translated sentences: nothing for scripts written without spaces."""
    return "" if locale.split("_", maxsplit=1)[0] in NO_SPACE_SCRIPTS else " "

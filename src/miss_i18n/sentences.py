"""Offline sentence splitting, so no engine ever downloads a splitter model.

Rules, not a model: a sentence ends at ``.``, ``!``, ``?``, ``…`` (or their CJK and
Devanagari forms), optionally followed by closing quotes or brackets, when whitespace
and an upper-case letter, digit or opening quote follow. Known abbreviations and
single-letter initials ("Prab R. Tumpati") do not end a sentence.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al approx dept est fig figs no nos vol vols ed eds pp ca "
    "dr mr mrs ms prof sr jr st mt inc ltd co corp jan feb mar apr jun jul aug sep sept oct "
    "nov dec".split()
)
_END = re.compile(r"""([.!?…]+["'”’)\]]*)(\s+)(?=["'“‘(\[]?[\w])""")
_CJK_END = re.compile(r"([。！？]+[」』”’）]*)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, whitespace between them dropped; never empty pieces."""
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end(1)
        if not _ends_sentence(text[start:end], text[match.end():]):
            continue
        pieces.append(text[start:end])
        start = match.end()
    pieces.append(text[start:])
    result: list[str] = []
    for piece in pieces:
        result.extend(p for p in _split_cjk(piece) if p.strip())
    return [p.strip() for p in result] or ([text.strip()] if text.strip() else [])


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


def _split_cjk(text: str) -> list[str]:
    parts = _CJK_END.split(text)
    joined: list[str] = []
    for index in range(0, len(parts), 2):
        chunk = parts[index] + (parts[index + 1] if index + 1 < len(parts) else "")
        if chunk:
            joined.append(chunk)
    return joined


NO_SPACE_SCRIPTS = frozenset({"zh", "ja", "yue"})


def joiner(locale: str) -> str:
    """What goes between translated sentences: nothing for scripts written without spaces."""
    return "" if locale.split("_", maxsplit=1)[0] in NO_SPACE_SCRIPTS else " "

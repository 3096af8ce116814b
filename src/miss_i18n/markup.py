"""The msgid/msgstr mini-language: plain text plus numbered placeholders.

``<1>…</1>`` stands for an inline element with content, ``<2/>`` for one kept whole.
A literal ``<`` in text is written ``&lt;`` (and an ``&`` that would read as ``&lt;`` or
``&amp;`` is written ``&amp;``), so decoding is exact. Nothing here parses HTML: a
translation can only reorder and fill the placeholders its source has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

_TOKEN = re.compile(r"<(\d{1,9})/>|<(\d{1,9})>|</(\d{1,9})>")
"""A placeholder: its number has at most nine digits (a page's texts number theirs from 1;
int() refuses a string of over 4,300 digits, which a hostile translation may hold: such a
``<99…9>`` is text, and ``check`` calls its ``<`` raw markup)."""
MAX_DEPTH = 100
"""Placeholders nested deeper than this make a string invalid: no real page comes near
it, and everything that walks a parsed string stays far from Python's recursion limit."""
# What a web page cannot hold (lxml refuses most of it; HTML calls the rest errors): C0
# controls but tab, newline and carriage return; DEL and C1 controls; lone surrogates;
# noncharacters.
_UNUSABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane << 16 | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
    + "]")
_ESCAPED = re.compile(r"&(lt|amp);")
_NEEDS_AMP = re.compile(r"&(?=(?:lt|amp);)")

HTML_SPACE = " \t\n\r\f"
"""ASCII whitespace as HTML has it: what a browser collapses, and trims around URLs."""


class MarkupError(ValueError):
    """A string whose placeholders are unbalanced or unknown."""


def escape_text(text: str) -> str:
    """Text as it appears in a msgid: ``<`` and ambiguous ``&`` escaped."""
    return _NEEDS_AMP.sub("&amp;", text).replace("<", "&lt;")


def unescape_text(text: str) -> str:
    if "&" not in text:  # most texts: no search
        return text
    return _ESCAPED.sub(lambda m: "<" if m.group(1) == "lt" else "&", text)


@dataclass
class Placeholder:
    """A placeholder in a parsed string; ``children is None`` for the ``<n/>`` form."""

    number: int
    children: list[Node] | None = field(default=None)


Node = str | Placeholder


def parse(text: str) -> list[Node]:
    """Parse text with placeholders into a tree. Raises MarkupError when unbalanced."""
    if "<" not in text:  # no placeholder (each starts so): most texts, no search
        return [unescape_text(text)] if text else []
    root: list[Node] = []
    stack: list[tuple[int, list[Node]]] = [(0, root)]
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            stack[-1][1].append(unescape_text(text[position : match.start()]))
        position = match.end()
        empty, opening, closing = match.groups()
        if empty is not None:
            stack[-1][1].append(Placeholder(int(empty)))
        elif opening is not None:
            if len(stack) > MAX_DEPTH:
                raise MarkupError(f"placeholders are nested more than {MAX_DEPTH} deep")
            children: list[Node] = []
            stack[-1][1].append(Placeholder(int(opening), children))
            stack.append((int(opening), children))
        else:
            number = int(closing)
            if len(stack) == 1 or stack[-1][0] != number:
                raise MarkupError(f"</{number}> closes a placeholder that is not open")
            stack.pop()
    if len(stack) > 1:
        raise MarkupError(f"<{stack[-1][0]}> is never closed")
    if position < len(text):
        root.append(unescape_text(text[position:]))
    return root


Token = str | tuple[int, str]
"""Unescaped text, or a placeholder as (number, "open" | "close" | "empty")."""


def tokens(text: str) -> Iterator[Token]:
    """The text and placeholders of a string, in order, without checking their balance."""
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            yield unescape_text(text[position:match.start()])
        position = match.end()
        empty, opening, closing = match.groups()
        if empty is not None:
            yield int(empty), "empty"
        elif opening is not None:
            yield int(opening), "open"
        else:
            yield int(closing), "close"
    if position < len(text):
        yield unescape_text(text[position:])


def walk(nodes: list[Node], parent: int = 0) -> Iterator[tuple[Placeholder, int]]:
    """Every placeholder with the number of its enclosing placeholder (0 for top level).

    In document order, without recursion.
    """
    pending: list[tuple[Iterator[Node], int]] = [(iter(nodes), parent)]
    while pending:
        children, number = pending[-1]
        node = next(children, None)
        if node is None:
            pending.pop()
        elif isinstance(node, Placeholder):
            yield node, number
            if node.children is not None:
                pending.append((iter(node.children), node.number))


def shape(text: str) -> dict[int, tuple[int, bool]]:
    """Placeholder number → (enclosing number, is ``<n/>``). Raises MarkupError.

    Two strings with equal shapes have the same placeholders, nested the same way.
    A number used twice is an error.
    """
    return shape_of(parse(text))


source_shape = lru_cache(maxsize=1 << 15)(shape)
"""``shape`` of a msgid, cached per process: a template's msgids recur in every locale's
catalog and pages (a MarkupError is raised again each time). Its dicts are shared: never
change one."""


def shape_of(nodes: list[Node]) -> dict[int, tuple[int, bool]]:
    """``shape`` of a string already parsed."""
    result: dict[int, tuple[int, bool]] = {}
    for node, parent in walk(nodes):
        if node.number in result:
            raise MarkupError(f"<{node.number}> is used twice")
        result[node.number] = (parent, node.children is None)
    return result


def strip_placeholders(text: str) -> str:
    """The string less its placeholder tokens, escapes kept (``&lt;`` stays ``&lt;``)."""
    return _TOKEN.sub("", text)


def plain_text(text: str) -> str:
    """The text with placeholders removed (for checks on numbers, terms, punctuation)."""
    return unescape_text(strip_placeholders(text))


def has_placeholders(text: str) -> bool:
    return _TOKEN.search(text) is not None


def has_letters(text: str) -> bool:
    """Whether text holds a letter: text without one (numbers, symbols, punctuation) is
    neither extracted nor sent to an engine."""
    if text.isascii():  # the letters str.isalpha finds there, searched in C
        return _ASCII_LETTER.search(text) is not None
    return any(char.isalpha() for char in text)


_ASCII_LETTER = re.compile("[A-Za-z]")


_BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u2800\u3164\uffa0")
"""Characters that draw nothing though Unicode does not call them spaces or format
characters: the combining grapheme joiner, the Hangul fillers, the blank Braille pattern."""


def shows_nothing(text: str) -> bool:
    """Whether text holds no character a reader sees: spaces (a tab, a no-break space),
    invisible format characters (a zero-width space, a word joiner, a bidi mark) and
    ``_BLANK_LETTERS`` alone."""
    return all(char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"
               for char in text)


def unusable_characters(text: str) -> list[str]:
    """The characters of text that a web page cannot hold, each once, in order."""
    if text.isprintable():  # none of them is (controls, surrogates, noncharacters): most
        return []           # texts, told at a byte's cost, not the search's
    return list(dict.fromkeys(_UNUSABLE.findall(text)))


def describe(characters: Iterable[str]) -> str:
    """``U+0008, U+202E`` for a message."""
    return ", ".join(f"U+{ord(char):04X}" for char in characters)

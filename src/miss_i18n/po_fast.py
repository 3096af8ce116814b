"""A fast reader for catalogs in exactly the form this project writes, else nothing.

``po_syntax.parse`` reads any PO file the way msgfmt does, token by token; on a site's
catalogs it was the largest part of a rerun. But every catalog and template here is
written by ``catalog.render`` (GNU ``msgcat --no-wrap`` form): UTF-8 declared, the header
first, one blank line between entries, each line ``[#~ |#~| |#| ]keyword "string"`` or a
continuation ``"string"``, comments before the entry's first keyword. That form can be read
a whole entry at a time: split the file into blocks at blank lines and match each block
with one regular expression (the common entry) or read its lines one by one (the rest).

``parse`` returns exactly the ``PoFile`` that ``po_syntax.parse`` returns for the same
bytes (the same entries, line numbers, comments, charset and codec), or None as soon as
anything is outside that form, a file po_syntax would refuse included (a BOM, a
duplicate, a bad escape, another charset, CRLF, a stray blank line); the caller then asks
po_syntax, which says what is wrong and where. It never accepts something po_syntax
refuses: strings are unescaped by po_syntax's own function, and charsets checked by it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# po_syntax's own helpers, so that what both accept reads the same.
from .po_syntax import _SIMPLE as _SIMPLE_ESCAPES
from .po_syntax import (
    BOM,
    PoEntry,
    PoFile,
    PoSyntaxError,
    _codec,
    _header_charset,
    _nul_error,
    _unescape,
)

_CODEC = "utf-8"
# A quoted string's body on one line: no bare quote, every backslash followed by a character.
_BODY = r'([^"\\\n]*(?:\\[^\n][^"\\\n]*)*)'
# The common entry: comments, [msgctxt] msgid msgstr, each string on its line.
_COMMON = re.compile(
    r"((?:#(?![~|])[^\n]*\n)*)"
    rf'(?:msgctxt "{_BODY}"\n)?'
    rf'msgid "{_BODY}"\n'
    rf'msgstr "{_BODY}"')
# One line of an entry once its ``#~ ``/``#| ``/``#~| `` prefix is off.
_DATA = re.compile(rf'(?:(msgctxt|msgid_plural|msgid|msgstr\[[0-9]+\]|msgstr) )?"{_BODY}"')
_ESCAPE = re.compile(r"\\(.)")
_MARKS = ("~", "|")  # after "#": an obsolete or previous line, not a comment
# The keywords of an entry in their order; "|" marks a previous (``#|``) one.
_ORDER = ("|msgctxt", "|msgid", "|msgid_plural", "msgctxt", "msgid", "msgid_plural")


class _NotCanonical(Exception):
    """Something outside the canonical form: po_syntax must read this file."""


def parse(data: bytes) -> PoFile | None:
    """What ``po_syntax.parse(data)`` returns, or None where only it can tell."""
    if data.startswith(BOM) or not data.endswith(b"\n") or b"\r" in data \
            or b"\\\n" in data:  # (a backslash before a line end joins lines: po_syntax)
        return None  # (our writer escapes a CR: one in the file is po_syntax's to judge)
    try:
        text = data.decode(_CODEC)
    except UnicodeDecodeError:
        return None
    try:
        entries = _entries(text[:-1])
    except _NotCanonical:
        return None
    header = entries[0]
    if header.obsolete or header.msgctxt is not None or header.msgid != "":
        return None
    charset = _header_charset(header)
    # ASCII: then po_syntax, which finds the charset in the file read as Latin-1, sees it too.
    if not charset.isascii() or _codec_of(charset) != _CODEC:
        return None
    if len({(entry.msgctxt, entry.msgid) for entry in entries}) != len(entries):
        return None  # a duplicate: po_syntax names both lines
    if b"\x04" in data and any(_holds_eot(entry) for entry in entries):
        return None  # msgfmt refuses an EOT in a string (one in a comment is fine)
    if b"\x00" in data and any(_nul_error(entry) for entry in entries):
        return None  # a NUL where gettext would read another message: po_syntax says so
    return PoFile(entries, charset, _CODEC)


def _holds_eot(entry: PoEntry) -> bool:
    """Whether a string of ``entry`` holds an EOT written as itself (po_syntax refuses it;
    an escaped one is declined by ``_text``)."""
    strings = (entry.msgctxt, entry.msgid, entry.msgstr, entry.msgid_plural,
               *entry.msgstr_plural, entry.previous_msgctxt, entry.previous_msgid,
               entry.previous_msgid_plural)
    return any(text is not None and "\x04" in text for text in strings)


@lru_cache(maxsize=16)
def _codec_of(charset: str) -> str | None:
    try:
        return _codec(charset, None)
    except PoSyntaxError:
        return None


def _entries(body: str) -> tuple[PoEntry, ...]:
    """The entries of the blocks between blank lines; ``line`` counts the lines before."""
    entries: list[PoEntry] = []
    line = 1
    common = _COMMON.fullmatch
    for block in body.split("\n\n"):
        match = common(block)
        if match is None:
            entries.append(_entry(block, line))
            line += block.count("\n") + 2
            continue
        comments, msgctxt, msgid, msgstr = match.groups()
        line += comments.count("\n") + (msgctxt is not None)  # the msgid's line
        entries.append(PoEntry(
            line, msgid if "\\" not in msgid else _text(msgid),
            msgstr if "\\" not in msgstr else _text(msgstr),
            msgctxt if msgctxt is None or "\\" not in msgctxt else _text(msgctxt),
            comments=tuple(comments[1:-1].split("\n#")) if comments else ()))
        line += 3  # msgid, msgstr, the blank line
    return tuple(entries)


def _text(body: str) -> str:
    """A string's value, as po_syntax unescapes it (and by its own function where rare)."""
    if "\\" not in body:
        return body
    if "\\\\" not in body:  # every backslash starts an escape: replace the common ones
        text = body.replace('\\"', '"').replace("\\n", "\n")
        if "\\" not in text:
            return text
    try:
        return _ESCAPE.sub(_simple_escape, body)
    except KeyError:  # an octal or hex escape (or a bad one)
        return _escaped_bytes(body)


def _escaped_bytes(body: str) -> str:
    """A string with octal or hex escapes, by po_syntax's function. One that makes a NUL
    (``\\0``) is declined: whether it may stand there is po_syntax's to say."""
    try:
        text = _unescape(body, 0, _CODEC)
    except PoSyntaxError:
        raise _NotCanonical from None
    if "\x00" in text:
        raise _NotCanonical
    return text


def _simple_escape(match: re.Match[str]) -> str:
    return _SIMPLE_ESCAPES[match.group(1)]


def _entry(block: str, start: int) -> PoEntry:
    """Any other entry (previous strings, plurals, obsolete, multi-line), line by line."""
    lines = block.split("\n")
    first = 0
    while first < len(lines) and lines[first][:1] == "#" and lines[first][1:2] not in _MARKS:
        first += 1
    if first == len(lines):
        raise _NotCanonical  # comments and no entry (or an empty line)
    obsolete = lines[first].startswith("#~")
    fields: list[tuple[str, list[str], int]] = []  # keyword ("|" first if previous), strings
    for number in range(first, len(lines)):
        previous, rest = _unprefixed(lines[number], obsolete)
        match = _DATA.fullmatch(rest)
        if match is None:
            raise _NotCanonical
        keyword, body = match.groups()
        if keyword is not None:
            fields.append((previous + keyword, [_text(body)], start + number))
        elif fields and fields[-1][0].startswith("|") == bool(previous):
            fields[-1][1].append(_text(body))
        else:
            raise _NotCanonical  # a string where a keyword is due
    return _fields_entry(fields, obsolete, tuple(line[1:] for line in lines[:first]))


def _unprefixed(line: str, obsolete: bool) -> tuple[str, str]:
    """``("|" if a previous-string line else "", the line after its prefix)``."""
    if obsolete:
        if line.startswith("#~ "):
            return "", line[3:]
        if line.startswith("#~| "):
            return "|", line[4:]
        raise _NotCanonical  # partly obsolete, or not a canonical obsolete line
    if line.startswith("#| "):
        return "|", line[3:]
    return "", line


def _fields_entry(fields: list[tuple[str, list[str], int]], obsolete: bool,
                  comments: tuple[str, ...]) -> PoEntry:
    """The entry, if its keywords come in msgfmt's order, each once."""
    keywords = [keyword for keyword, _, _ in fields]
    values = {keyword: "".join(parts) for keyword, parts, _ in fields}
    lines = {keyword: line for keyword, _, line in fields}
    order = [keyword for keyword in _ORDER if keyword in values]
    forms = keywords[len(order):]
    if keywords[:len(order)] != order or "msgid" not in values \
            or ("|msgid" not in values and any(k.startswith("|") for k in order)):
        raise _NotCanonical
    if "msgid_plural" in values:
        if not forms or forms != [f"msgstr[{n}]" for n in range(len(forms))]:
            raise _NotCanonical
        msgstr, plural = None, tuple(values[form] for form in forms)
    elif forms == ["msgstr"]:
        msgstr, plural = values["msgstr"], ()
    else:
        raise _NotCanonical
    return PoEntry(
        line=lines["msgid"], msgid=values["msgid"], msgstr=msgstr,
        msgctxt=values.get("msgctxt"), msgid_plural=values.get("msgid_plural"),
        msgstr_plural=plural, obsolete=obsolete,
        previous_msgctxt=values.get("|msgctxt"), previous_msgid=values.get("|msgid"),
        previous_msgid_plural=values.get("|msgid_plural"), comments=comments)

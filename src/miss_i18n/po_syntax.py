"""A strict reader of PO/POT files: accepts exactly what GNU msgfmt accepts as syntax.

polib and Babel forgive too much (an unterminated string, an unquoted msgstr, a
duplicate entry) and each understands a different subset of the escapes, so a broken
catalog used to be read as something else and silently rewritten. This module reads the
raw bytes first, the way msgfmt's lexer and grammar do, and stops at the first problem
with its line and what to do. One pass over the lines, linear in the file's size.

What it enforces, as msgfmt does (a backslash before a line end joins the next line on,
anywhere, as gettext's lexer reads it): quoted strings closed on their line; the escapes
``\\n \\t \\b \\r \\f \\v \\a \\\\ \\" \\ooo \\xhh`` and no other; no EOT (U+0004) in a
string; keywords in the order ``[#| previous] [msgctxt] msgid [msgid_plural] msgstr |
msgstr[0] msgstr[1]…``; comments only between entries; ``#~`` on every token of an
obsolete entry or none (``#~`` and ``#|`` mark the rest of their line wherever they
stand, and a comment on a ``#|`` line makes the next line ``#|`` too); no second entry
with the same msgctxt and msgid (obsolete ones included); a charset that gettext knows
as portable (msgfmt warns about any other, and we could not read it as text) and bytes
that decode in it. Stricter than msgfmt, and said so: a ``domain`` line; bytes that do
not decode anywhere in the file (msgfmt only looks inside strings, and not before the
header's charset nor in a file without one) or in the declared charset where glibc's iconv
takes them (C1 bytes in EUC-JP or EUC-KR); octal and hex escapes that do not make text;
the three portable charsets Python has no codec for (EUC-TW, GEORGIAN-PS, VISCII); a
carriage return alone inside a comment (classic Mac line ends, which gettext reads as one
comment running to the end of the file); a NUL in the header or in any string but a
translation (gettext ends a string there, and so reads another message: ``_nul_error``).

Not here: what msgfmt checks per message after parsing (a msgid and msgstr that do not
both end with a newline, format strings, plural counts); `check` reports those.

The result holds every field of every entry, so it could later replace polib's parse.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from .model import Key

BOM = b"\xef\xbb\xbf"
DEFAULT_CHARSET = "UTF-8"
# The charsets gettext calls portable (po-charset.c); msgfmt warns about any other.
_NUMBERED = (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)
PORTABLE_CHARSETS = frozenset({
    "ASCII", "ANSI_X3.4-1968", "US-ASCII",
    *(f"ISO-8859-{n}" for n in _NUMBERED), *(f"ISO_8859-{n}" for n in _NUMBERED),
    "KOI8-R", "KOI8-U", "KOI8-T", "CP850", "CP866", "CP874", "CP932", "CP949", "CP950",
    *(f"CP125{n}" for n in range(8)), "GB2312", "EUC-JP", "EUC-KR", "EUC-TW", "BIG5",
    "BIG5-HKSCS", "GBK", "GB18030", "SHIFT_JIS", "JOHAB", "TIS-620", "VISCII", "GEORGIAN-PS",
    "UTF-8",
})


_ICONV_REFUSES = {"tis-620": re.compile("[\x80-\x9f]"),
                  "cp932": re.compile("[\x80\uf8f0-\uf8f3]")}
"""Per codec, what Python decodes from bytes glibc's iconv (so msgfmt) refuses: TIS-620's
C1 bytes, CP932's 0x80, 0xA0 and 0xFD-0xFF (which Python maps to U+0080 and private use).
No other portable charset's single bytes differ so."""


class PoSyntaxError(ValueError):
    """The first thing msgfmt would refuse: a line (1-based, or None) and a message."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class PoEntry:
    """One entry as written: strings decoded, comments as their lines after ``#``."""

    line: int
    """The line of its msgid (where msgfmt reports it)."""
    msgid: str
    msgstr: str | None = None
    """None for an entry with plural forms."""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    obsolete: bool = False
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    comments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PoFile:
    entries: tuple[PoEntry, ...]
    charset: str
    """The declared charset as written (UTF-8 when none is declared)."""
    codec: str
    """Python's name for it."""

    @property
    def header(self) -> PoEntry | None:
        return next((e for e in self.entries
                     if not e.obsolete and e.msgctxt is None and e.msgid == ""), None)


# -- lexing -------------------------------------------------------------------------------
_SPACE = " \t\r\f\v"
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+)
  | "(?P<string>[^"\\]*(?:\\.[^"\\]*)*)"
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<number>[0-9]+)
  | (?P<bracket>[\[\]])
  | (?P<comment>\#.*)
""", re.VERBOSE | re.DOTALL)
_SIMPLE_LINE = re.compile(
    r'[ \t\r\f\v]*(?:(msgctxt|msgid_plural|msgid|msgstr)[ \t\r\f\v]*)?"([^"\\]*(?:\\.[^"\\]*)*)"'
    r"[ \t\r\f\v]*", re.DOTALL)
_BARE = re.compile(r'[^ \t\r\f\v"#]*')
_ESCAPE = re.compile(r"\\(?:([ntbrfva\\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a",
           "\\": "\\", '"': '"'}
KEYWORDS = ("msgctxt", "msgid", "msgid_plural", "msgstr")


@dataclass(slots=True)
class _Token:
    kind: str  # a keyword, "string", "number", "[", "]", "comment"
    value: str
    line: int
    obsolete: bool
    previous: bool


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of ``text`` with their numbers, as gettext's lexer reads them: a backslash
    directly before a line end joins the next line on, wherever it stands (in a string, a
    keyword or a comment), that backslash and line end dropped. One backslash per line end,
    as gettext's character reader takes one backslash-newline pair at a time and never looks
    again at what it joined: ``# C:\\\\`` before a blank line is the comment ``# C:\\``
    and the blank line ends it (joining again would run the next entry's ``#, fuzzy`` into
    that comment, and the entry would no longer be fuzzy)."""
    lines = text.split("\n")
    if "\\\n" not in text:
        yield from enumerate(lines, start=1)
        return
    at = 0
    while at < len(lines):
        first, line = at + 1, lines[at]
        while lines[at].endswith("\\") and at + 1 < len(lines):
            at += 1
            line = line[:-1] + lines[at]
        yield first, line
        at += 1


def _tokens(text: str, codec: str) -> Iterator[_Token]:
    """The tokens of ``text``, line by line.

    As gettext's lexer: ``#~`` makes the rest of its line obsolete and ``#|`` (or ``#~|``)
    previous, wherever they stand on it; any other ``#`` starts a comment to the line's end.
    A comment on a ``#|`` line takes its line end with it, so the ``#|`` holds on through
    the next line too (msgfmt reads ``#| #, fuzzy`` and then ``msgid "a"`` as ``#| msgid
    "a"``): its comment token is marked previous, and the next line read as ``#|``."""
    carried = False
    for number, line in _lines(text):
        obsolete, previous, carried = False, carried, False
        position = len(line) - len(line.lstrip(_SPACE))
        if line.startswith("#~", position):
            obsolete, position = True, position + 2
            if line.startswith("|", position):
                previous, position = True, position + 1
        elif line.startswith("#|", position):
            previous, position = True, position + 2
        elif line.startswith("#", position):
            yield _Token("comment", _comment(line[position + 1:], number), number, False,
                         previous)
            carried = previous
            continue
        simple = _SIMPLE_LINE.fullmatch(line, position)
        if simple is not None:  # the common line: [keyword] "string", at one match
            keyword, body = simple.groups()
            if keyword is not None:
                yield _Token(keyword, keyword, number, obsolete, previous)
            yield _Token("string", _unescape(body, number, codec), number, obsolete, previous)
            continue
        carried = yield from _scan(line, position, number, codec, obsolete=obsolete,
                                   previous=previous)


def _scan(line: str, position: int, number: int, codec: str, *, obsolete: bool,
          previous: bool) -> Generator[_Token, None, bool]:
    """The tokens of ``line`` from ``position``, any line; returns whether a comment on a
    ``#|`` line took its line end (the next line is ``#|`` too)."""
    end = len(line)
    strung = False  # a string was closed on this line: what follows it may be the text
    while position < end:
        match = _TOKEN.match(line, position)
        if match is None:
            raise _stray(line[position], strung, number)
        position = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        if strung and (kind == "number" or (kind == "word" and match.group() not in KEYWORDS)):
            raise _typed_quote(match.group(), number)
        if kind == "string":
            value = _unescape(match.group("string"), number, codec)
            yield _Token("string", value, number, obsolete, previous)
            strung = True
        elif kind == "word":
            yield _keyword(line, match, number, obsolete, previous)
            strung = False  # msgstr[1] "y" may follow msgstr[0] "x" on its line
        elif kind == "comment":
            marks = _MARKS.match(line, match.start())
            if marks is not None:  # "#~" or "#|" after a token: for the rest of the line
                obsolete = obsolete or marks.group(1) is not None
                previous = previous or marks.group(2) is not None
                position = marks.end()
                continue
            # "#~ # text" comments an obsolete entry, as msgcat reads it
            yield _Token("comment", _comment(match.group()[1:], number), number, False,
                         previous)
            return previous
        else:
            yield _Token(match.group() if kind == "bracket" else "number", match.group(),
                         number, obsolete, previous)
    return False


_MARKS = re.compile(r"#(?=[~|])(~)?(\|)?")
"""gettext's marks after ``#``: obsolete (``#~``), previous (``#|``) or both (``#~|``)."""


def _keyword(line: str, match: re.Match[str], number: int, obsolete: bool,
             previous: bool) -> _Token:
    """The token of a word on ``line``: a keyword, else the error msgfmt stops at."""
    word = match.group()
    if word == "domain":
        raise PoSyntaxError("a 'domain' line is not supported; keep one domain per catalog "
                            "and remove the line", number)
    if word not in KEYWORDS:
        bare = _BARE.match(line, match.start())
        word = bare.group() if bare else word  # the whole bare word, for the message
        raise PoSyntaxError(f"unknown keyword {word!r}; put text in quotes (the keywords "
                            f"are {', '.join(KEYWORDS)})", number)
    return _Token(word, word, number, obsolete, previous)


def _stray(char: str, strung: bool, line: int) -> PoSyntaxError:
    """The error for a character no token starts with (``strung``: after a string closed
    on its line)."""
    if strung and char != '"':
        return _typed_quote(char, line)
    if char == '"':
        return PoSyntaxError('a string is not closed on its line; end it with "', line)
    return PoSyntaxError(f"unexpected {char!r} outside a string; put text in quotes", line)


def _typed_quote(after: str, line: int) -> PoSyntaxError:
    """The error for text after a string on its line: a quote typed in a translation
    (``msgstr "Er sagte "Hallo""``) ended the string there."""
    return PoSyntaxError(f'the string ends at the quote (") before {after!r}; write a quote '
                         'inside a text as \\"', line)


def _comment(text: str, line: int) -> str:
    """A comment's text. A carriage return in it that ends no line (classic Mac line ends,
    CR alone) is refused: gettext reads the rest of the file as this comment, and a catalog
    written back from that would hold none of its entries."""
    if "\r" in text.rstrip("\r"):
        raise PoSyntaxError("a carriage return (CR) without a line feed ends a line in this "
                            "comment (classic Mac line ends), so gettext reads the rest of the "
                            "file as a comment; save the file with LF or CRLF line ends", line)
    return text


def _unescape(body: str, line: int, codec: str) -> str:
    """A string's value; msgfmt's escapes only. Octal and hex escapes are bytes.

    An EOT (U+0004), written or escaped, is refused in any string, as msgfmt refuses it:
    a .mo file joins a msgctxt to its msgid with it, so it cannot stand in a text."""
    value = _escaped(body, line, codec) if "\\" in body else body
    if "\x04" in value:
        raise PoSyntaxError("a string holds the control character EOT (U+0004), which gettext "
                            "keeps to join a msgctxt to its msgid (msgfmt refuses it); remove "
                            "it", line)
    return value


def _escaped(body: str, line: int, codec: str) -> str:
    """The value of a string ``body`` that holds a backslash."""
    pieces: list[str | int] = []
    position = 0
    for match in _ESCAPE.finditer(body):
        pieces.append(body[position:match.start()])
        position = match.end()
        simple, octal, hexadecimal, other = match.groups()
        if simple is not None:
            pieces.append(_SIMPLE[simple])
        elif other is not None:
            raise PoSyntaxError(f"invalid escape '\\{other}' in a string; write a backslash "
                                "as '\\\\'", line)
        else:  # msgfmt keeps the low byte
            value = (int(octal, 8) if octal is not None else int(hexadecimal, 16)) & 0xFF
            pieces.append(chr(value) if value < 0x80 else value)
    pieces.append(body[position:])
    text = [piece for piece in pieces if isinstance(piece, str)]
    if len(text) == len(pieces):
        return "".join(text)
    return _join_bytes(pieces, line, codec)


def _join_bytes(pieces: list[str | int], line: int, codec: str) -> str:
    """Escaped bytes >= 0x80 (``\\303\\244``), decoded with the text around them."""
    data = bytearray()
    for piece in pieces:
        if isinstance(piece, int):
            data.append(piece)
        else:
            data += piece.encode(codec)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise PoSyntaxError(f"octal or hex escapes in a string are not valid {codec} text; "
                            "write the characters themselves", line) from None


def _nul_error(entry: PoEntry) -> PoSyntaxError | None:
    """The error for a NUL where gettext would read another entry than the one written, or
    None. gettext's strings end at a NUL (C strings): in a msgctxt, msgid, msgid_plural or
    ``#|`` string that makes another message than the one written (msgid "a\\0z" is a
    second msgid "a"; msgid "\\0" a second header), and in the header the fields after
    it are not read. Stricter than msgfmt, which reads such a file cut short: no text we
    extract holds a NUL. One in a translation is left to ``check`` (unusable-characters),
    as msgfmt takes it."""
    if entry.msgctxt is None and entry.msgid == "" and not entry.obsolete \
            and entry.msgstr is not None and "\x00" in entry.msgstr:
        return PoSyntaxError("the header holds a NUL character (U+0000), where gettext ends "
                             "it and reads no field after it; remove it", entry.line)
    fields = (("msgctxt", entry.msgctxt), ("msgid", entry.msgid),
              ("msgid_plural", entry.msgid_plural), ("#| msgctxt", entry.previous_msgctxt),
              ("#| msgid", entry.previous_msgid),
              ("#| msgid_plural", entry.previous_msgid_plural))
    for keyword, value in fields:
        if value is not None and "\x00" in value:
            return PoSyntaxError(f"the {keyword} holds a NUL character (U+0000), where gettext "
                                 "ends the string, so it reads another message than the one "
                                 "written; remove it", entry.line)
    return None


# -- parsing ------------------------------------------------------------------------------
class _Parser:
    """msgfmt's grammar over the tokens, one entry at a time."""

    def __init__(self, tokens: Iterator[_Token]) -> None:
        self._tokens = tokens
        self._next: _Token | None = None
        self._obsolete: bool | None = None
        """While an entry is read: whether its first token is obsolete (``#~``)."""
        self._carried: int | None = None
        """The line of a comment on a ``#|`` line just before the entry being read."""
        self._nul = False
        """Whether a string of the entry being read holds a NUL (then ``_nul_error``)."""
        self._advance()

    def _advance(self) -> None:
        self._next = next(self._tokens, None)

    def _take(self) -> _Token:
        """The next token; in an entry, with ``#~`` where the entry's first token has it,
        as msgfmt checks every keyword, bracket, number and string of an entry."""
        token = self._next
        assert token is not None
        if self._obsolete is not None and token.obsolete != self._obsolete:
            raise PoSyntaxError("an entry is partly obsolete; put #~ before every line of an "
                                "obsolete entry or none", token.line)
        self._advance()
        return token

    def _strings(self, keyword: _Token, previous: bool) -> str:
        parts: list[str] = []
        while (token := self._next) is not None and token.kind == "string" \
                and token.previous == previous:
            parts.append(self._take().value)
        if not parts:
            raise PoSyntaxError(f"{keyword.value} is not followed by a quoted string; "
                                f"write {keyword.value} \"…\"", keyword.line)
        text = "".join(parts)
        if "\x00" in text:
            self._nul = True
        return text

    def _is(self, kind: str, previous: bool = False) -> bool:
        token = self._next
        return token is not None and token.kind == kind and token.previous == previous

    def entries(self) -> Iterator[PoEntry]:
        comments: list[str] = []
        while (token := self._next) is not None:
            if token.kind == "comment":
                self._carried = token.line if token.previous else None
                comments.append(self._take().value)
                continue
            self._obsolete = token.obsolete
            entry = self._entry(token, tuple(comments))
            self._obsolete = self._carried = None
            if self._nul:
                self._nul = False
                error = _nul_error(entry)
                if error is not None:
                    raise error
            yield entry
            comments = []

    def _entry(self, first: _Token, comments: tuple[str, ...]) -> PoEntry:
        if not first.previous:
            self._carried = None  # a line between: the #| comment carried to no token here
        fields: dict[str, str | None] = {}
        if first.previous:
            if self._is("msgctxt", True):
                fields["previous_msgctxt"] = self._strings(self._take(), True)
            if not self._is("msgid", True):
                raise self._unexpected("#| msgid")
            fields["previous_msgid"] = self._strings(self._take(), True)
            if self._is("msgid_plural", True):
                fields["previous_msgid_plural"] = self._strings(self._take(), True)
        if self._is("msgctxt"):
            fields["msgctxt"] = self._strings(self._take(), False)
        if not self._is("msgid"):
            raise self._unexpected("msgid")
        msgid_token = self._take()
        msgid = self._strings(msgid_token, False)
        if self._is("msgid_plural"):
            plural = self._strings(self._take(), False)
            forms = self._plural_forms(msgid_token)
            return PoEntry(line=msgid_token.line, msgid=msgid, msgstr=None,
                           msgctxt=fields.get("msgctxt"), msgid_plural=plural,
                           msgstr_plural=forms, obsolete=first.obsolete,
                           previous_msgctxt=fields.get("previous_msgctxt"),
                           previous_msgid=fields.get("previous_msgid"),
                           previous_msgid_plural=fields.get("previous_msgid_plural"),
                           comments=comments)
        if not self._is("msgstr"):
            raise PoSyntaxError('msgid has no msgstr; add msgstr "" after it',
                                msgid_token.line)
        keyword = self._take()
        if self._is("["):
            raise PoSyntaxError('msgstr[n] without msgid_plural; write msgstr "…"',
                                msgid_token.line)
        msgstr = self._strings(keyword, False)
        return PoEntry(line=msgid_token.line, msgid=msgid, msgstr=msgstr,
                       msgctxt=fields.get("msgctxt"), msgid_plural=None, msgstr_plural=(),
                       obsolete=first.obsolete,
                       previous_msgctxt=fields.get("previous_msgctxt"),
                       previous_msgid=fields.get("previous_msgid"),
                       previous_msgid_plural=fields.get("previous_msgid_plural"),
                       comments=comments)

    def _plural_forms(self, msgid: _Token) -> tuple[str, ...]:
        forms: list[str] = []
        while self._is("msgstr"):
            keyword = self._take()
            if not self._is("["):
                raise PoSyntaxError("msgid_plural with a plain msgstr; write msgstr[0], "
                                    "msgstr[1]…", keyword.line)
            self._take()
            number = self._take() if self._is("number") else None
            if number is None or not self._is("]"):
                raise PoSyntaxError("a malformed plural form; write msgstr[n]", keyword.line)
            self._take()
            if int(number.value) != len(forms):
                raise PoSyntaxError(f"plural form msgstr[{int(number.value)}] where "
                                    f"msgstr[{len(forms)}] is due; number them 0, 1, 2…",
                                    keyword.line)
            forms.append(self._strings(keyword, False))
        if not forms:
            raise PoSyntaxError('msgid_plural has no msgstr[0]; add msgstr[0] ""',
                                msgid.line)
        return tuple(forms)

    def _unexpected(self, wanted: str) -> PoSyntaxError:
        token = self._next
        carried = token.line if token is not None and token.kind == "comment" \
            and token.previous else self._carried
        if carried is not None:  # "#| #, fuzzy" then "msgid": gettext reads #| msgid
            return PoSyntaxError("a comment after #| on its line makes gettext read the next "
                                 "line as a #| line too; put the comment on a line of its "
                                 "own, before the #| lines", carried)
        if token is None:
            return PoSyntaxError(f"the file ends where {wanted} is due; complete the entry",
                                 None)
        shown = {"string": "a string", "comment": "a comment"}.get(token.kind, token.value)
        if token.previous:
            shown = f"#| {shown}"
        return PoSyntaxError(f"{shown} where {wanted} is due; write [msgctxt] msgid "
                             "[msgid_plural] msgstr, comments between entries", token.line)


def _header_charset(header: PoEntry | None) -> str:
    """The charset the header declares, read as gettext does (up to the next space)."""
    if header is None or header.msgstr is None:
        return DEFAULT_CHARSET
    start = header.msgstr.find("charset=")
    if start < 0:
        return DEFAULT_CHARSET
    value = header.msgstr[start + len("charset="):]
    return re.split(r"[ \t\n]", value, maxsplit=1)[0]


def _codec(charset: str, line: int | None) -> str:
    if charset.upper() not in PORTABLE_CHARSETS:
        raise PoSyntaxError(f"charset {charset!r} in the Content-Type header is not a text "
                            "encoding gettext knows; convert the file to UTF-8 and declare "
                            "charset=UTF-8", line)
    try:
        return codecs.lookup(charset).name
    except LookupError:
        raise PoSyntaxError(f"charset {charset!r} is not supported here; convert the file to "
                            "UTF-8 (iconv) and declare charset=UTF-8", line) from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_SWALLOWED = re.compile(rb"^[ \t\r\f\v]*#(?![~|])[^\n]*\\\n[ \t\r\f\v]*[^#\s]",
                        re.MULTILINE)
"""A comment line ending in a backslash before a line that is not a comment (a keyword's,
a string's): gettext reads that line as part of the comment."""

_CONFLICT = re.compile(rb"^(?:<{7}|={7}|>{7}|\|{7})(?:[ \r\n]|$)", re.MULTILINE)
"""A line git, hg or svn writes into a file a merge could not settle."""

# UTF-32's marks first: UTF-32LE's begins with UTF-16LE's.
_WIDE_BOMS = (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
              ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16"))


def _header(text: str, codec: str) -> PoEntry | None:
    for entry in _Parser(_tokens(text, codec)).entries():
        if not entry.obsolete and entry.msgctxt is None and entry.msgid == "":
            return entry
    return None


def _raise_as_utf8(data: bytes, error: PoSyntaxError) -> None:
    """An error found before the charset is known names text as Latin-1 ('GrÃ¶Ã\\x9fe'):
    where the file is UTF-8 and reads to the same error there, raise that one ('Größe')."""
    try:
        _header(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return
    except PoSyntaxError as again:
        if again.line == error.line:
            raise again from None


def parse(data: bytes) -> PoFile:
    """Parse a PO/POT file's bytes. Raises PoSyntaxError at the first problem."""
    if data.startswith(BOM):
        raise PoSyntaxError("the file starts with a byte order mark (BOM); save it as UTF-8 "
                            "without BOM", 1)
    for boms, name in _WIDE_BOMS:
        if data.startswith(boms):
            raise PoSyntaxError(f"the file is {name} (it starts with a {name} byte order mark); "
                                "save it as UTF-8", 1)
    try:
        return _parse(data)
    except PoSyntaxError as error:
        if b"\x00" in data[:2]:  # Notepad's "Unicode" without its mark: say what it is
            raise PoSyntaxError("the file looks like UTF-16 (NUL bytes between its "
                                "characters); save it as UTF-8", 1) from None
        swallowed = [_line_of(data, found.start()) for found in _SWALLOWED.finditer(data)]
        swallowed = [line for line in swallowed if error.line is None or line <= error.line]
        if swallowed:  # a person's note ending in a backslash, as "# see C:\\"
            line = swallowed[-1]
            raise PoSyntaxError("this comment ends with a backslash, which joins the next "
                                f"line to it (gettext reads line {line + 1} as part of the "
                                "comment); remove the backslash or put a space after it",
                                line) from None
        marker = _CONFLICT.search(data)
        if marker is not None:  # a merge left both sides: what the parser met is a symptom
            raise PoSyntaxError("a version-control conflict marker (<<<<<<<): the file holds "
                                "both sides of a merge; keep one side's lines and delete the "
                                "marker lines", _line_of(data, marker.start())) from None
        raise


def _parse(data: bytes) -> PoFile:
    # Until the header says otherwise, read bytes as themselves, as msgfmt does.
    try:
        header = _header(data.decode("latin-1"), "latin-1")
    except PoSyntaxError as exc:
        _raise_as_utf8(data, exc)
        raise
    charset = _header_charset(header)
    codec = _codec(charset, header.line if header else None)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise PoSyntaxError(f"bytes that are not valid {charset} (the header's charset); save "
                            f"the file as {charset} or declare its real charset",
                            _line_of(data, exc.start)) from None
    refused = _ICONV_REFUSES.get(codec)
    found = refused.search(text) if refused else None
    if found is not None:
        raise PoSyntaxError(f"bytes that are not valid {charset} (the header's charset); save "
                            f"the file as {charset} or declare its real charset",
                            text.count("\n", 0, found.start()) + 1)
    parser = _Parser(_tokens(text, codec))
    entries = tuple(parser.entries())
    seen: dict[Key, int] = {}
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            what = "the header" if key == (None, "") else "this msgctxt and msgid"
            raise PoSyntaxError(f"{what} already appears at line {seen[key]}; keep one of the "
                                "two entries", entry.line)
        seen[key] = entry.line
    return PoFile(entries, charset, codec)

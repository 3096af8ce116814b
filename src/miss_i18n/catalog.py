"""The only module that reads and writes PO, POT and MO files.

Files are written in GNU gettext's canonical no-wrap form (what ``msgcat --no-wrap``
prints), so gettext tools, Poedit (which preserves formatting) and our own re-runs agree
byte for byte: one message is one line, and a changed word is a one-line diff.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

import polib
from babel.messages.plurals import get_plural

from . import __version__, mo_file, po_fast, po_syntax
from .errors import CatalogError
from .files import NOT_A_FILE, NOT_A_FOLDER, blocked_by
from .languages import english_name
from .model import CatalogStats, Key, Segment, comment_text
from .provenance import (
    as_history,
    edited,
    is_accepted,
    is_edited,
    is_engine_text,
    is_memory_draft,
    settled_comment,
    unwrapped,
)
from .similar import Nearest

PROJECT = "miss-i18n"
DATE_KEYS = ("POT-Creation-Date", "PO-Revision-Date")
HEADER_ORDER = (
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Plural-Forms",
)


def format_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M%z")


def key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


# -- reading ------------------------------------------------------------------------------
def read_syntax(path: Path) -> po_syntax.PoFile:
    """Read a PO/POT file strictly (what msgfmt accepts), or a CatalogError naming file:line.

    The file is only read: a catalog we refuse is never rewritten.
    """
    return parse_syntax(read_data(path), path)


def read_data(path: Path) -> bytes:
    """A PO/POT file's bytes; a missing or unreadable one is a CatalogError that says what
    to do."""
    if not path.is_file():  # polib would even parse a mistyped path as PO content
        if path.is_dir():
            raise CatalogError(NOT_A_FILE, path=path)
        blocker = blocked_by(path)
        if blocker is not None:
            raise CatalogError(NOT_A_FOLDER, path=blocker)
        if path.suffix == ".pot":
            raise CatalogError("template does not exist; run `miss-i18n extract` first",
                               path=path)
        refuse_other_spelling(path)
        raise CatalogError("catalog does not exist; run `miss-i18n update` first", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read it ({exc.strerror}); check its permissions",
                           path=path) from None


def refuse_other_spelling(path: Path) -> None:
    """For a locale's missing catalog (``locales/pt_BR/LC_MESSAGES/miss.po``), a CatalogError
    where a folder that spells the locale otherwise (``pt-BR``, ``pt_br``: how some tools
    name them) holds one: its translations must not be passed over (for a new, empty
    catalog, or with "run update")."""
    messages, folder = path.parent, path.parent.parent
    locales, locale = folder.parent, folder.name
    if messages.name != "LC_MESSAGES" or path.suffix != ".po":
        return

    def spelled(name: str) -> str:
        return name.replace("-", "_").casefold()
    try:
        names = sorted(n.name for n in locales.iterdir()
                       if n.name != locale and spelled(n.name) == spelled(locale))
    except OSError:
        return
    for name in names:
        if (locales / name / messages.name / path.name).is_file():
            shown = locales.name
            raise CatalogError(f"missing, but {shown}/{name}/{messages.name}/{path.name} is a "
                               f"catalog for {locale} under another spelling of its name; "
                               f"rename the folder {shown}/{name} to {shown}/{locale}",
                               path=path)


def parse_syntax(data: bytes, path: Path) -> po_syntax.PoFile:
    """The bytes of the PO/POT file ``path``, read strictly (read_syntax)."""
    parsed = po_fast.parse(data)  # the form we write, quickly; anything else strictly
    if parsed is not None:
        return parsed
    try:
        return po_syntax.parse(data)
    except po_syntax.PoSyntaxError as exc:
        raise CatalogError(exc.message, path=path, line=exc.line) from None


def metadata(header: po_syntax.PoEntry | None) -> dict[str, str]:
    """The header's fields as polib reads them: ``Name: value`` lines, continuations joined."""
    return {name: _field_value(raw) for name, raw in _raw_fields(header).items()}


def _raw_fields(header: po_syntax.PoEntry | None) -> dict[str, str]:
    """The header's fields as written: each name, and all after its colon, continuation
    lines too (a name given twice: its last)."""
    fields: dict[str, str] = {}
    if header is None or not header.msgstr:
        return fields
    name = None
    for line in header.msgstr.splitlines():
        if ":" in line:
            name, raw = line.split(":", 1)
            fields[name] = raw
        elif name is not None:
            fields[name] += "\n" + line
    return fields


def _field_value(raw: str) -> str:
    """A field's value as polib reads it from what follows its colon: each line stripped."""
    first, *more = raw.split("\n")
    return "\n".join([first.strip(), *(line.strip() for line in more)])


def spelled_fields(header: po_syntax.PoEntry | None) -> tuple[tuple[str, str], ...]:
    """The fields a header writes otherwise than ``Name: value`` (``Last-Translator:  Ann
    <a@b>  ``, ``X-Flag:\tz``), with all after their colons: kept as they are while their
    values stand (``header_text``), as msgmerge and msgcat keep every line."""
    if header is None:
        return ()
    text = f"\n{header.msgstr}\n"  # (a line break but \n, such as \f, is read as one)
    return tuple((name, raw) for name, raw in _raw_fields(header).items()
                 if raw != " " + _field_value(raw) and f"\n{name}:{raw}\n" in text)


@dataclass
class _Comments:
    """An entry's comment lines, sorted by kind as polib and Babel sort them."""

    translator: list[str]
    extracted: list[str]
    references: list[tuple[str, str]]
    flags: list[str]

    @classmethod
    def of(cls, entry: po_syntax.PoEntry) -> _Comments:
        translator: list[str] = []
        extracted: list[str] = []
        references: list[tuple[str, str]] = []
        flags: list[str] = []
        for line in entry.comments:
            text = line.rstrip()
            kind = text[:1]
            if kind == ",":  # the last such line holds them all, as gettext reads them
                flags = list(_flags(text))
            elif kind == ":":
                references += _references(text[1:])
            elif kind == ".":
                extracted.append(text[2:] if text[1:2] == " " else text[1:])
            else:  # a person's words: trailing spaces kept, as msgcat keeps them
                words = line.rstrip("\r\n")
                translator.append(words[1:] if words[:1] == " " else words)
        if len(translator) > 1:  # a provenance line a tool wrapped: one line again
            translator = unwrapped(translator)
        return cls(translator, extracted, references, flags)


# The same flag lines recur on thousands of entries: each is split once. (References mostly
# differ from entry to entry: caching them was slower.)
@lru_cache(maxsize=256)
def _flags(text: str) -> tuple[str, ...]:
    """The flags of a ``#,`` comment (``text`` from the comma on)."""
    return tuple(flag.strip() for flag in text[1:].split(",") if flag.strip())


def reference(text: str) -> tuple[str, str]:
    """A place's (path, line) from its text, ``path:line`` or ``path`` (place_text)."""
    path, _, line = text.rpartition(":")
    return (path, line) if path and line.isdigit() else (text, "")


def place_text(path: str, line: str) -> str:
    """A place as its text: ``path:line``, or ``path`` without a line (reference)."""
    return f"{path}:{line}" if line else path


# The places on a ``#:`` line, as GNU gettext reads them: names end at a space or tab, but
# one that starts with U+2068 runs to U+2069 (how gettext writes a name holding a space), a
# line number after it.
_ISOLATED = re.compile("\u2068([^\u2069]*)(?:\u2069(?::([0-9]+)(?![^ \t]))?|$)|([^ \t]+)")


def _references(text: str) -> list[tuple[str, str]]:
    """The places a ``#:`` line (``text`` from the colon on) names."""
    if "\u2068" not in text:
        return [reference(r) for r in text.replace("\t", " ").split(" ") if r]
    return [(found[1], found[2] or "") if found[3] is None else reference(found[3])
            for found in _ISOLATED.finditer(text)]


def _place(path: str, line: str) -> str:
    """A place as GNU gettext writes it on a ``#:`` line: a name with a space in it
    between U+2068 and U+2069 (gettext would read it as two)."""
    if " " in path or "\t" in path:
        path = f"\u2068{path}\u2069"
    return place_text(path, line)


class HeaderNotes(NamedTuple):
    """What a header carries besides its fields, translator comment and fuzzy flag: its
    ``#.`` lines, ``#:`` places and other flags (``c-format``, ``no-wrap``), which msgcat
    keeps and msgmerge drops; and its fields' order in the file, where it is not ours,
    which msgcat keeps (msgmerge too, but for the ten fields it knows). polib's POFile has
    no place for them: they ride on it as an
    attribute (``header_notes``), which copies and pickles of it keep."""

    extracted: str = ""
    occurrences: tuple[tuple[str, str], ...] = ()
    flags: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    spelled: tuple[tuple[str, str], ...] = ()
    """Fields written otherwise than ``Name: value``, as they are (``spelled_fields``)."""


NO_HEADER_NOTES = HeaderNotes()
_HEADER_NOTES = "miss_i18n_header_notes"


def header_notes(po: polib.POFile) -> HeaderNotes:
    """The catalog header's HeaderNotes (none for a catalog we made: ``merge`` keeps only
    the fields' order, as msgmerge does)."""
    notes: HeaderNotes = getattr(po, _HEADER_NOTES, NO_HEADER_NOTES)
    return notes


def set_header_notes(po: polib.POFile, notes: HeaderNotes) -> None:
    setattr(po, _HEADER_NOTES, notes)


def header_flags(po: polib.POFile) -> list[str]:
    """The header's flags as its ``#,`` line gives them: fuzzy, then its HeaderNotes'."""
    return [*(["fuzzy"] if po.metadata_is_fuzzy else []), *header_notes(po).flags]


def to_polib(parsed: po_syntax.PoFile) -> polib.POFile:
    """The polib form of a strictly read file (polib's own reader forgives too much and
    misreads ``\\a``, octal and hex escapes)."""
    po = polib.POFile(wrapwidth=0)
    header = parsed.header
    po.metadata = metadata(header)
    if parsed.codec != "utf-8" and "Content-Type" in po.metadata:  # we write UTF-8 only
        po.metadata["Content-Type"] = re.sub(r"charset=\S*", "charset=UTF-8",
                                             po.metadata["Content-Type"])
    if header is not None:
        comments = _Comments.of(header)
        po.header = comment_text(comments.translator)
        po.metadata_is_fuzzy = "fuzzy" in comments.flags
        notes = HeaderNotes("\n".join(comments.extracted), tuple(comments.references),
                            tuple(flag for flag in comments.flags if flag != "fuzzy"),
                            kept_field_order(po.metadata), spelled_fields(header))
        if notes != NO_HEADER_NOTES:  # kept as msgcat keeps them
            set_header_notes(po, notes)
    make = _polib_entry if _BARE_POENTRY else _constructed_entry
    po.extend(_as_msgcat_keeps([make(entry) for entry in parsed.entries if entry is not header]))
    return po


def _as_msgcat_keeps(entries: list[polib.POEntry]) -> list[polib.POEntry]:
    """The entries as msgcat reads them, where nothing is lost by it: an untranslated
    entry loses its ``fuzzy`` flag (nothing to review), and an obsolete one with no text
    and no translator comment is dropped. (msgcat also does both where a plural entry's
    first form alone is empty, and drops a commented one: a person's words, kept here.)"""
    kept = []
    for entry in entries:
        if not entry.msgstr and not any(entry.msgstr_plural.values()):
            if entry.obsolete and not entry.tcomment:
                continue
            if "fuzzy" in entry.flags:
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        kept.append(entry)
    return kept


# What polib.POEntry.__init__ sets, in its order (polib 1.2). Where polib's constructor sets
# exactly these, entries are made without it: its 15 ``kwargs.get`` were half of to_polib.
_POENTRY_ATTRIBUTES = (
    "msgid", "msgstr", "msgid_plural", "msgstr_plural", "msgctxt", "obsolete", "encoding",
    "comment", "tcomment", "occurrences", "flags", "previous_msgctxt", "previous_msgid",
    "previous_msgid_plural", "linenum",
)
_BARE_POENTRY = tuple(vars(polib.POEntry())) == _POENTRY_ATTRIBUTES
_new = object.__new__


def _polib_entry(entry: po_syntax.PoEntry) -> polib.POEntry:
    """``_constructed_entry(entry)``, the same attributes set in the same order, faster."""
    comments = _Comments.of(entry)
    made: polib.POEntry = _new(polib.POEntry)
    made.msgid = entry.msgid
    made.msgstr = entry.msgstr or ""
    made.msgid_plural = entry.msgid_plural or ""
    made.msgstr_plural = dict(enumerate(entry.msgstr_plural)) if entry.msgstr_plural else {}
    made.msgctxt = entry.msgctxt  # type: ignore[assignment]  # None is polib's own default
    made.obsolete = entry.obsolete
    made.encoding = polib.default_encoding
    made.comment = "\n".join(comments.extracted)
    made.tcomment = comment_text(comments.translator)
    made.occurrences = comments.references
    made.flags = comments.flags
    made.previous_msgctxt = entry.previous_msgctxt
    made.previous_msgid = entry.previous_msgid
    made.previous_msgid_plural = entry.previous_msgid_plural
    made.linenum = entry.line
    return made


def _constructed_entry(entry: po_syntax.PoEntry) -> polib.POEntry:
    """The polib entry for a parsed one, by polib's constructor."""
    comments = _Comments.of(entry)
    return polib.POEntry(
        msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=entry.msgstr or "",
        msgid_plural=entry.msgid_plural or "",
        msgstr_plural=dict(enumerate(entry.msgstr_plural)),
        obsolete=entry.obsolete, flags=comments.flags,
        tcomment=comment_text(comments.translator), comment="\n".join(comments.extracted),
        occurrences=comments.references, previous_msgctxt=entry.previous_msgctxt,
        previous_msgid=entry.previous_msgid,
        previous_msgid_plural=entry.previous_msgid_plural, linenum=entry.line,
    )


def load(path: Path) -> polib.POFile:
    """Read a PO/POT file. A missing or invalid file is a CatalogError naming it."""
    return to_polib(read_syntax(path))


def load_optional(path: Path) -> polib.POFile | None:
    return load(path) if path.exists() else None


# -- writing: GNU canonical, no wrap ------------------------------------------------------
# Backslash first: the escapes after it add backslashes that must stay single.
_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\t", "\\t"), ("\r", "\\r"),
            ("\a", "\\a"), ("\b", "\\b"), ("\f", "\\f"), ("\v", "\\v"))
_NEEDS_ESCAPE = re.compile(r'[\\"\n\t\r\a\b\f\v]')


def _escape(text: str) -> str:
    # Most text needs no escape: finding that out (in C) is cheaper than replacing; and
    # str.replace per escaped character is many times faster than str.translate.
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    for char, escaped in _ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


def _add_string(lines: list[str], prefix: str, keyword: str, text: str) -> None:
    """``keyword "text"`` split after each embedded newline, as GNU gettext does."""
    newline = text.find("\n")
    if newline < 0 or newline == len(text) - 1:  # one line: the common case
        lines.append(f'{prefix}{keyword} "{_escape(text)}"')
        return
    pieces = text.split("\n")
    lines.append(f'{prefix}{keyword} ""')
    lines += [f'{prefix}"{_escape(piece)}\\n"' for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(f'{prefix}"{_escape(pieces[-1])}"')


_SHARED_LINES = 1 << 17
"""Rendered template lines kept (about two per entry): every locale's catalog has them."""


def _unjoined(line: str) -> str:
    """A comment line as written: one ending in a backslash (a note's ``C:\\``, a place
    ``page.html#x\\`` of an ``id="x\\"``) gets a space after it, else gettext, and so
    po_syntax, reads the next line (an entry's msgctxt, its ``#, fuzzy``) as part of it."""
    return f"{line} " if line.endswith("\\") else line


@lru_cache(maxsize=_SHARED_LINES)
def _source_lines(comment: str, places: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """An entry's extracted comment and places, as the template gives every locale."""
    lines = [_unjoined(f"#. {line}".rstrip()) for line in comment.split("\n")] if comment \
        else []
    if places:
        lines.append(_unjoined("#: " + " ".join([_place(path, line) for path, line in places])))
    return tuple(lines)


@lru_cache(maxsize=_SHARED_LINES)
def _string_lines(prefix: str, keyword: str, text: str) -> tuple[str, ...]:
    """_add_string of a template string (msgctxt, msgid), the same in every locale."""
    lines: list[str] = []
    _add_string(lines, prefix, keyword, text)
    return tuple(lines)


@lru_cache(maxsize=_SHARED_LINES)
def _untranslated_lines(msgctxt: str | None, msgid: str) -> tuple[str, ...]:
    lines: list[str] = []
    if msgctxt is not None:
        _add_string(lines, "", "msgctxt", msgctxt)
    _add_string(lines, "", "msgid", msgid)
    lines.append('msgstr ""')
    return tuple(lines)


def is_fresh(entry: polib.POEntry) -> bool:
    """Untranslated and unmarked, as a template's entry and as ``merge`` makes one of it:
    no msgstr, flags, translator comment, previous strings or plural; not obsolete. Such
    an entry is written the same in the template and in every catalog."""
    return not (entry.msgstr or entry.flags or entry.tcomment or entry.msgid_plural
                or entry.obsolete or entry.previous_msgid is not None
                or entry.previous_msgctxt is not None
                or entry.previous_msgid_plural is not None)


FORMATS = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp")
"""The format flags GNU gettext knows, in the order msgcat writes them."""
_FORMAT_FLAG = re.compile(r"(no-|possible-|impossible-)?([a-z-]+)-format")
_RANGE = re.compile(r"range: ([0-9]+)\.\.([0-9]+)")


@lru_cache(maxsize=256)
def _flags_of(flags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_normalized_flags(flags))


def flag_list(flags: Sequence[str]) -> tuple[str, ...]:
    """An entry's flags as msgcat writes them: ``fuzzy``, then each format flag GNU gettext
    knows in its order (the last said of a format wins; ``possible-`` is written as the
    flag, ``impossible-`` not at all), a valid ``range: a..b`` (the last), ``no-wrap``
    where the last of ``wrap``/``no-wrap`` says so; then any other flag, once each, in
    its order (msgcat drops those: a tool's own flag is kept, never lost)."""
    return _flags_of(tuple(flags))


def _normalized_flags(flags: tuple[str, ...]) -> list[str]:
    formats: dict[str, str] = {}
    known = set(FORMATS)
    ranged: str | None = None
    wrap: str | None = None
    others: list[str] = []
    for flag in flags:
        found = _FORMAT_FLAG.fullmatch(flag)
        if found is not None and found.group(2) in known:
            formats[found.group(2)] = found.group(1) or ""
        elif flag.startswith("range:"):
            bounds = _RANGE.fullmatch(flag)
            if bounds is not None and int(bounds.group(1)) <= int(bounds.group(2)):
                ranged = flag
        elif flag in ("wrap", "no-wrap"):
            wrap = flag
        elif flag != "fuzzy" and flag not in others:
            others.append(flag)
    written = ["fuzzy"] if "fuzzy" in flags else []
    for name in FORMATS:
        state = formats.get(name)
        if state in ("", "possible-"):
            written.append(f"{name}-format")
        elif state == "no-":
            written.append(f"no-{name}-format")
    written += [*([ranged] if ranged else []), *(["no-wrap"] if wrap == "no-wrap" else [])]
    return written + others


def add_entry(lines: list[str], entry: polib.POEntry) -> None:
    """An entry's lines: comments, previous strings, then its own strings.

    The lines every locale shares with the template (its comment, places, msgctxt and
    msgid) are rendered once per process and reused: the catalogs of a run are mostly
    those."""
    if entry.tcomment:
        lines += [_unjoined(f"# {line}") if line != "" else "#"  # (a BlankComment: true)
                  for line in entry.tcomment.split("\n")]
    places = entry.occurrences  # an obsolete entry's too, as msgcat keeps them
    if entry.comment or places:
        try:
            lines += _source_lines(entry.comment, tuple(places))
        except TypeError:  # unhashable places (lists, not tuples): not shared
            lines += _source_lines.__wrapped__(entry.comment, places)
    if is_fresh(entry):
        lines += _untranslated_lines(entry.msgctxt, entry.msgid)  # most of a new catalog
        return
    if entry.flags:
        flags = flag_list(entry.flags)
        if flags:
            lines.append(_unjoined("#, " + ", ".join(flags)))
    prefix, previous = ("#~ ", "#~| ") if entry.obsolete else ("", "#| ")
    if entry.previous_msgctxt is not None:
        _add_string(lines, previous, "msgctxt", entry.previous_msgctxt)
    if entry.previous_msgid is not None:
        _add_string(lines, previous, "msgid", entry.previous_msgid)
    if entry.previous_msgid_plural is not None:
        _add_string(lines, previous, "msgid_plural", entry.previous_msgid_plural)
    if entry.msgctxt is not None:
        lines += _string_lines(prefix, "msgctxt", entry.msgctxt)
    lines += _string_lines(prefix, "msgid", entry.msgid)
    if entry.msgid_plural:
        _add_string(lines, prefix, "msgid_plural", entry.msgid_plural)
        for index in sorted(entry.msgstr_plural):
            _add_string(lines, prefix, f"msgstr[{index}]", entry.msgstr_plural[index])
    else:
        _add_string(lines, prefix, "msgstr", entry.msgstr)


def segment_text(segment: Segment) -> str:
    """How a template writes the entry make_template makes of ``segment`` (add_entry's
    lines, joined): also how every new catalog writes it."""
    places = ((segment.reference, ""),) if segment.reference else ()
    return "\n".join([*_source_lines(segment.comment, places),
                      *_untranslated_lines(segment.context, segment.msgid)])


def header_bytes(catalog: polib.POFile) -> bytes:
    """The catalog's header as written, without the newline that ends it: what comes
    before its entries, each after a blank line (``to_bytes`` of it without entries)."""
    return render(header_only(catalog))[:-1].encode("utf-8")


def header_only(catalog: polib.POFile) -> polib.POFile:
    """The catalog without its entries: its fields, comment, fuzzy flag and HeaderNotes."""
    header = polib.POFile(wrapwidth=0)
    header.metadata = catalog.metadata
    header.header = catalog.header
    header.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    set_header_notes(header, header_notes(catalog))
    return header


_RANKS = {name: rank for rank, name in enumerate(HEADER_ORDER)}
_MSGMERGE_ORDERS = frozenset(HEADER_ORDER) - {"Plural-Forms"}


def _rank(name: str) -> tuple[int, str]:
    return (_RANKS[name], "") if name in _RANKS else (len(HEADER_ORDER), name)


def field_order(names: Iterable[str], kept: Sequence[str] = ()) -> list[str]:
    """Header field names in the order they are written: our order (HEADER_ORDER's, then
    the others by name); or, where the file had another (``kept``), the file's, each field
    it lacked where ours puts it, after the last one before it in our order (as msgmerge
    inserts POT-Creation-Date)."""
    ours = sorted(names, key=_rank)
    present = set(ours)
    order = [name for name in kept if name in present]
    for name in ours:
        if name not in order:
            rank = _rank(name)
            order.insert(max((at + 1 for at, have in enumerate(order) if _rank(have) < rank),
                             default=0), name)
    return order


def kept_field_order(metadata: dict[str, str]) -> tuple[str, ...]:
    """The fields' order, where it is not ours (for HeaderNotes.fields); else ()."""
    return () if list(metadata) == field_order(metadata) else tuple(metadata)


def header_text(metadata: dict[str, str], kept: Sequence[str] = (),
                spelled: Sequence[tuple[str, str]] = ()) -> str:
    """The header's msgstr: a ``Name: value`` line per field, in ``field_order``; a field
    ``spelled`` otherwise in the file, as it was there while its value stands."""
    raw = dict(spelled)
    return "".join(f"{k}:{raw[k]}\n" if k in raw and _field_value(raw[k]) == metadata[k]
                   else f"{k}: {metadata[k]}\n" for k in field_order(metadata, kept))


def render(catalog: polib.POFile) -> str:
    """The canonical text of a catalog (what ``msgcat --no-wrap`` would print)."""
    notes = header_notes(catalog)
    header = polib.POEntry(msgid="", msgstr=header_text(catalog.metadata, notes.fields,
                                                        notes.spelled),
                           tcomment=catalog.header, comment=notes.extracted,
                           occurrences=list(notes.occurrences),
                           flags=header_flags(catalog))
    lines: list[str] = []
    add_entry(lines, header)
    for entry in [e for e in catalog if not e.obsolete] + [e for e in catalog if e.obsolete]:
        lines.append("")  # the blank line between entries
        add_entry(lines, entry)
    return "\n".join(lines) + "\n"


def to_bytes(catalog: polib.POFile) -> bytes:
    return render(catalog).encode("utf-8")


def mo_bytes(catalog: polib.POFile) -> bytes:
    """A .mo image of the translated (non-fuzzy) entries, deterministic."""
    return mo_file.of_catalog(catalog)


# -- building -----------------------------------------------------------------------------
def _base_metadata(date: str) -> dict[str, str]:
    return {
        "Project-Id-Version": f"{PROJECT} {__version__}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def make_template(segments: Iterable[Segment], *, previous: polib.POFile | None,
                  now: datetime) -> polib.POFile:
    """The POT for these segments. Keeps the previous creation date if nothing changed."""
    return keep_dates(new_template(segments, now), previous)


def new_template(segments: Iterable[Segment], now: datetime) -> polib.POFile:
    """The POT for these segments, dated ``now`` (``make_template`` before ``keep_dates``)."""
    return template_of(segments, _base_metadata(format_date(now)), TEMPLATE_COMMENT)


TEMPLATE_COMMENT = ("Translation template for miss-i18n, generated from the source pages.\n"
                    "Do not edit: run `miss-i18n extract` to regenerate it.")


def template_of(segments: Iterable[Segment], metadata: dict[str, str], comment: str
                ) -> polib.POFile:
    """The template of these segments with this header (fields, comment): the entries
    make_template makes, as reading back the file it wrote gives them."""
    template = polib.POFile(wrapwidth=0)
    template.header = comment
    template.metadata = dict(metadata)
    template.extend([_fresh_entry(segment.context, segment.msgid,
                                  [(segment.reference, "")] if segment.reference else [],
                                  segment.comment) for segment in segments])
    return template


def keep_dates(catalog: polib.POFile, previous: polib.POFile | None) -> polib.POFile:
    """Use the previous file's date headers when they are the only difference. Where the
    two hold the very same entry objects (a template made from the one it replaces:
    extracting.template_and_previous), only their headers are rendered to compare."""
    if previous is None:
        return catalog
    if len(previous) != len(catalog) or any(
            old.obsolete or old.msgid != new.msgid or old.msgctxt != new.msgctxt
            for old, new in zip(previous, catalog, strict=True)):
        return catalog  # other entries: their texts differ, whatever the dates (no render)
    candidate = polib.POFile(wrapwidth=0)
    candidate.header = catalog.header
    candidate.metadata = dict(catalog.metadata)
    for name in DATE_KEYS:
        if name in previous.metadata and name in candidate.metadata:
            candidate.metadata[name] = previous.metadata[name]
    candidate.extend(catalog)
    if all(old is new for old, new in zip(previous, catalog, strict=True)):
        same = header_bytes(candidate) == header_bytes(previous)
    else:
        same = render(candidate) == render(previous)
    return candidate if same else catalog


_C_PLURAL = re.compile(r"[\sn0-9!=<>&|?:+\-*/%()]*")
"""What may stand in a C plural expression (gettext's plural.y): no names but n, no other
number than decimal."""


def refused_plural(forms: str) -> str | None:
    """What msgfmt --check refuses in a Plural-Forms value, or None: it reads the number
    after ``nplurals=`` and the expression after ``plural=`` up to a ``;`` (both as written,
    no space before ``=``), and evaluates the expression for n from 0 to 1000."""
    count = re.match(r"\s*(\d+)", forms[forms.find("nplurals=") + len("nplurals="):]) \
        if "nplurals=" in forms else None
    if "nplurals=" in forms and count is None:
        return "nplurals is not a number"
    at = forms.find("plural=")
    if at < 0:
        return None
    expression = forms[at + len("plural="):].split(";", 1)[0]
    try:  # gettext's own reader of C plural expressions: no eval of arbitrary text
        rule = gettext.c2py(expression) if _C_PLURAL.fullmatch(expression) else None
    except (ValueError, SyntaxError, RecursionError):
        rule = None
    if rule is None:
        return f"the plural expression {expression.strip()!r} cannot be read"
    try:
        largest = max(rule(n) for n in range(1001))
    except ArithmeticError:
        return "the plural expression can divide by zero"
    if count is not None and largest >= int(count.group(1)):
        return (f"nplurals = {count.group(1)} but the plural expression can produce values "
                f"as large as {largest}")
    return None


def plural_forms(locale: str) -> str:
    plural = get_plural(locale)
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


@dataclass(frozen=True)
class MergeResult:
    catalog: polib.POFile
    added: int
    fuzzied: int
    obsoleted: int


def _template_entry(source: polib.POEntry) -> polib.POEntry:
    """A new entry of the template's text and places, untranslated."""
    return _fresh_entry(source.msgctxt, source.msgid, list(source.occurrences), source.comment)


def _fresh_entry(msgctxt: str | None, msgid: str, occurrences: list[tuple[str, str]],
                 comment: str) -> polib.POEntry:
    """What ``polib.POEntry(msgctxt=…, msgid=…, msgstr="", occurrences=…, comment=…)``
    makes, without its constructor where that is safe (see _polib_entry)."""
    if not _BARE_POENTRY:
        return polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr="", occurrences=occurrences,
                             comment=comment)
    made: polib.POEntry = _new(polib.POEntry)
    made.msgid = msgid
    made.msgstr = ""
    made.msgid_plural = ""
    made.msgstr_plural = {}
    made.msgctxt = msgctxt  # type: ignore[assignment]  # None is polib's own default
    made.obsolete = False
    made.encoding = polib.default_encoding
    made.comment = comment
    made.tcomment = ""
    made.occurrences = occurrences
    made.flags = []
    made.previous_msgctxt = None
    made.previous_msgid = None
    made.previous_msgid_plural = None
    made.linenum = None
    return made


def merge(template: polib.POFile, old: polib.POFile | None, locale: str) -> MergeResult:
    """The catalog for ``locale``: the template's entries with every translation kept.

    Exact (context, msgid) matches keep their translation and flags (an obsolete one's
    comes back). A text that moved (its msgid elsewhere in the old catalog, or obsolete
    there) takes that translation (``_Twins``): as it was where a person accepted it, it
    only moved among its page's elements of the same kind (a paragraph inserted above
    renumbers the rest: ``body/p[3]`` is ``body/p[4]`` now) and the text has no other
    translation at another place, else fuzzy with ``#| msgctxt``. A text that changed
    takes the translation of the text its place held, if that is gone (an id anchors a
    heading: "Advantages" rewritten "Benefits" is still its heading), else of the old text
    of its page it is most like (``similar``, as msgmerge's fuzzy matching finds it) of
    those no other entry kept, fuzzy with the old text as ``#| msgid``; a text that moved
    untranslated into another's place takes none. Vanished translated entries become
    obsolete (``#~``); nothing translated is dropped. A plural entry (a person's: the
    template has none) never lends its forms to another entry: it becomes obsolete whole,
    unless its own key is the template's (``_unplural``).
    """
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = _merged_metadata(template, old, locale)
    # our comment is a new catalog's: one a person removed stays removed, as msgmerge
    # leaves a header without a comment
    catalog.header = old.header if old is not None else (
        f"{english_name(locale)} translation of miss-i18n.\n"
        "Machine drafts are marked fuzzy and carry their provenance; review them."
    )
    # the header's fuzzy flag too, as msgmerge keeps it (msgfmt compiles the header anyway)
    catalog.metadata_is_fuzzy = old is not None and bool(old.metadata_is_fuzzy)
    set_header_notes(catalog, _merged_header_notes(old))

    old_entries = [e for e in old if e.msgid] if old is not None else []
    exact = {key(e): e for e in old_entries}
    by_context: dict[str | None, list[polib.POEntry]] = {}
    for entry in old_entries:
        if not entry.msgid_plural:
            by_context.setdefault(entry.msgctxt, []).append(entry)
    moved = {e.msgid for e in old_entries if not e.obsolete}
    # Neither a text kept nor a text still in the template (moved: a list item removed
    # above it renumbers its context) lends its translation to another text.
    used = {id(found) for s in template if (found := exact.get(key(s))) is not None}
    # A moved text takes the translation of its own old place (one no text kept), else
    # of a place it left earlier (obsolete), else of a place it is still at (a text now
    # at one more place): each in order, paired as they come.
    free = _Twins(e for e in old_entries if not e.obsolete and id(e) not in used)
    back = _Twins(e for e in old_entries if e.obsolete)
    kept = _Twins(e for e in old_entries if not e.obsolete and id(e) in used)
    # ... and those of a moved text not taken (a text that was at two places is at one)
    # become obsolete, lent to no other text
    apart = {id(twin) for s in template if key(s) not in exact
             for twin in free.found.get(s.msgid) or back.found.get(s.msgid) or []}
    edits = Nearest((e for e in old_entries if e.msgstr and not e.msgid_plural
                     and id(e) not in used and id(e) not in apart), attrgetter("msgid"),
                    _page_of)
    added = fuzzied = 0
    for source in template:
        found = exact.get(key(source))
        entry = _template_entry(source)
        if found is not None:
            if found.msgid_plural:
                fuzzied += _unplural(entry, found)
            else:
                _keep(entry, found)
        elif (twin := _twin_of(source.msgid, free, back, kept)) is not None:
            used.add(id(twin))
            if is_accepted(twin) and not twin.obsolete and _same_place(twin, source) and len(
                    {e.msgstr for twins in (free, kept)
                     for e in twins.found.get(twin.msgid, ())}) == 1:  # one way only
                _keep(entry, twin)
            else:
                _take(entry, twin)
                fuzzied += 1
        elif source.msgid in moved:  # moved, untranslated: no other text's translation
            added += 1
        elif _edited(entry, [e for e in by_context.get(source.msgctxt, ())
                             if id(e) not in apart], edits, used):
            fuzzied += 1
        else:
            added += 1
        catalog.append(entry)
    catalog.extend(e for e in old_entries if e.obsolete and id(e) not in used)
    gone = _newly_obsolete(e for e in old_entries if not e.obsolete and id(e) not in used)
    catalog.extend(gone)
    return MergeResult(catalog=catalog, added=added, fuzzied=fuzzied, obsoleted=len(gone))


def _edited(entry: polib.POEntry, here: Iterable[polib.POEntry],
            edits: Nearest[polib.POEntry], used: set[int]) -> bool:
    """Give ``entry`` (a text new to the catalog) the translation of the old text it is
    an edit of: the one at its place (``here``: its element's text, changed, as an id
    anchors it, or whatever text stood at that place and is gone), else the most alike
    other (``edits``), as ``used`` (ids) leaves them; True where it took one. An
    untranslated old text at its place gives it its note (a person's ``# TODO``)."""
    before = next((e for e in here if id(e) not in used), None)
    if before is not None and not before.msgstr:
        used.add(id(before))
        entry.tcomment = before.tcomment
        before = None
    if before is None:
        before = edits.nearest(entry.msgid, _page_of(entry), used)
    if before is None:
        return False
    used.add(id(before))
    _take(entry, before)
    return True


def _take(entry: polib.POEntry, before: polib.POEntry) -> None:
    """``before``'s translation on ``entry``, fuzzy, naming the source it was made for as
    msgmerge --previous does (``#| msgctxt`` where that was elsewhere): for a fuzzy one
    that still names an earlier source, that one, context and text together."""
    entry.msgstr = before.msgstr
    # a person's note its place held (``_edited``) stays, before the translation's
    entry.tcomment = "\n".join(filter(None, (entry.tcomment, _carried_comment(before))))
    entry.flags = _fuzzy_flags(before.flags)
    if before.fuzzy and before.previous_msgid is not None:
        context = before.msgctxt if before.previous_msgctxt is None \
            else before.previous_msgctxt
        entry.previous_msgid = before.previous_msgid
    else:
        context, entry.previous_msgid = before.msgctxt, before.msgid
    entry.previous_msgctxt = None if context == entry.msgctxt else context


def _page_of(entry: polib.POEntry) -> str:
    """The page an entry's text is on (its msgctxt's part before the path)."""
    return (entry.msgctxt or "").partition(":")[0]


_POSITION = re.compile(r"\[\d+\]")


def _same_place(old: polib.POEntry, new: polib.POEntry) -> bool:
    """Whether two contexts name the same kind of place on one page, but for elements'
    positions among their siblings (``page:body/p[3]`` and ``page:body/p[4]``)."""
    return old.msgctxt is not None and new.msgctxt is not None and \
        _POSITION.sub("", old.msgctxt) == _POSITION.sub("", new.msgctxt)


def _merged_header_notes(old: polib.POFile | None) -> HeaderNotes:
    """What a merge keeps of the old header's HeaderNotes, as msgmerge keeps it: its
    fields' order, the ten fields msgmerge knows first, in their order, then the others as
    they were (its ``#.`` and ``#:`` lines and flags other than fuzzy are dropped)."""
    notes = header_notes(old) if old is not None else NO_HEADER_NOTES
    kept = notes.fields
    known = sorted((name for name in kept if name in _MSGMERGE_ORDERS), key=_rank)
    return HeaderNotes(fields=(*known, *(name for name in kept
                                         if name not in _MSGMERGE_ORDERS)),
                       spelled=notes.spelled)


class _Twins:
    """Per msgid, the entries whose translation a moved text takes, those a person
    accepted first, then drafts, each in the catalog's order (none plural: their msgstr is
    empty). Each moved text takes the next one (a text translated two ways at two places
    keeps both ways, in order), the first again once all are taken."""

    def __init__(self, entries: Iterable[polib.POEntry]) -> None:
        self.found: dict[str, list[polib.POEntry]] = {}
        for entry in entries:
            if entry.msgstr:
                self.found.setdefault(entry.msgid, []).append(entry)
        for twins in self.found.values():
            twins.sort(key=lambda entry: not is_accepted(entry))  # (stable: in order)
        self.taken: dict[str, int] = {}

    def take(self, msgid: str) -> polib.POEntry | None:
        twins = self.found.get(msgid)
        if not twins:
            return None
        taken = self.taken[msgid] = self.taken.get(msgid, 0) + 1
        return twins[taken - 1] if taken <= len(twins) else twins[0]

    def accepted_next(self, msgid: str) -> bool:
        """Whether the next ``take`` gives a person's translation."""
        twins = self.found.get(msgid)
        if not twins:
            return False
        taken = self.taken.get(msgid, 0)
        return is_accepted(twins[taken] if taken < len(twins) else twins[0])


def _twin_of(msgid: str, *pools: _Twins) -> polib.POEntry | None:
    """The translation a moved text takes from ``pools`` (its own old places, the places
    it left earlier, those it is still at): a person's first, wherever it is, then a
    draft, in the pools' order."""
    for pool in pools:
        if pool.accepted_next(msgid):
            return pool.take(msgid)
    return next((found for pool in pools if (found := pool.take(msgid)) is not None), None)


def _merged_metadata(template: polib.POFile, old: polib.POFile | None,
                     locale: str) -> dict[str, str]:
    """Header fields: the translators' own kept, the template's and the locale's set (a
    Project-Id-Version the catalog has is its own, as msgmerge keeps it, and so is a
    Language that names the locale otherwise spelled: ``pt-BR`` for ``pt_BR``)."""
    metadata = dict(old.metadata) if old is not None else {}
    metadata.update({k: v for k, v in template.metadata.items() if k != "PO-Revision-Date"
                     and not (k == "Project-Id-Version" and k in metadata)})
    metadata.setdefault("PO-Revision-Date", template.metadata["POT-Creation-Date"])
    metadata.setdefault("Last-Translator", "")
    # asked of Babel only where the catalog has none (its locale data: a millisecond each)
    if "Language-Team" not in metadata:
        metadata["Language-Team"] = english_name(locale)
    if metadata.get("Language", "").strip().replace("-", "_") != locale:
        metadata["Language"] = locale  # kept where it names the locale as BCP 47 does (pt-BR)
    if "Plural-Forms" not in metadata or refused_plural(metadata["Plural-Forms"]) is not None:
        metadata["Plural-Forms"] = plural_forms(locale)  # none msgfmt --check refuses
    return metadata


def _newly_obsolete(entries: Iterable[polib.POEntry]) -> list[polib.POEntry]:
    """Translated entries whose source vanished, kept as ``#~`` so no work is lost: with
    their plural forms, translator comment, flags and previous strings, as msgmerge keeps
    them (it drops places and extracted comments). So is an untranslated one that holds a
    person's note (``# TODO: ask the author``), which msgmerge drops and msgcat keeps.

    msgmerge also drops a plural entry whose ``msgstr[0]`` is empty whatever its other
    forms hold; here any translated form keeps it (msgcat would drop it: a person's work
    is not ours to drop)."""
    return [
        polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr,
                      msgid_plural=e.msgid_plural, msgstr_plural=dict(e.msgstr_plural),
                      tcomment=e.tcomment, flags=list(e.flags), obsolete=True,
                      previous_msgctxt=e.previous_msgctxt, previous_msgid=e.previous_msgid,
                      previous_msgid_plural=e.previous_msgid_plural)
        for e in entries
        if e.msgstr or any(e.msgstr_plural.values()) or e.tcomment
    ]


def _keep(entry: polib.POEntry, found: polib.POEntry) -> None:
    """Carry a translation whose source is unchanged over, as it was; but for a draft a
    person accepted (fuzzy cleared), whose draft line becomes history now (``accepted
    machine draft: …``, ``provenance.as_history``), not only once its source changes:
    a translator's own ``msgmerge`` would otherwise make it a fuzzy machine draft of an
    earlier source again, which the next ``translate`` replaces."""
    entry.msgstr = found.msgstr
    entry.tcomment = settled_comment(found)
    entry.flags = list(found.flags)
    if found.fuzzy:
        entry.previous_msgctxt = found.previous_msgctxt
        entry.previous_msgid = found.previous_msgid
        entry.previous_msgid_plural = found.previous_msgid_plural


PLURAL_NOTE = "was plural:"
"""The start of the translator comment lines that keep a plural entry's forms."""


def _unplural(entry: polib.POEntry, found: polib.POEntry) -> bool:
    """Carry a plural entry over to the template's singular entry of the same key; True
    where it held a translation (the entry is then fuzzy).

    The template wins: the entry is singular. Its plural forms cannot stay as an obsolete
    entry (msgfmt refuses two entries of one key, obsolete or not), and msgmerge keeps
    only ``msgstr[0]``, fuzzy, losing the other forms. So the entry is what msgmerge
    makes (fuzzy, the first translated form, ``#| msgid_plural``), and every form stays,
    escaped as in a PO file, on a translator comment line that every tool keeps
    (``# was plural: msgstr[1] "…"``) until a person removes it.
    """
    forms = [(n, found.msgstr_plural[n]) for n in sorted(found.msgstr_plural)]
    entry.tcomment = found.tcomment
    if not any(text for _n, text in forms):
        return False
    entry.msgstr = next(text for _n, text in forms if text)  # fuzzy wants a msgstr (msgcat)
    entry.flags = _fuzzy_flags(found.flags)
    entry.previous_msgid = found.msgid
    entry.previous_msgid_plural = found.msgid_plural
    entry.tcomment = "\n".join([*([found.tcomment] if found.tcomment else []), *(
        f'{PLURAL_NOTE} msgstr[{n}] "{_escape(text)}"' for n, text in forms)])
    return True


def _carried_comment(entry: polib.POEntry) -> str:
    """The translator comment of a translation that moves to a changed source.

    An accepted draft is a person's work from then on. Marked fuzzy for the changed
    source, its provenance line would make it a machine draft again, which the next
    ``translate`` replaces; so the line stays as history under another name
    (``provenance.as_history``: ``accepted …``, or ``edited …`` where the person changed
    the draft's text before accepting it) and neither an engine nor the translation memory ever
    replaces the entry. So is a machine draft a person edited and left fuzzy
    (``provenance.is_edited``): its line becomes ``edited machine draft: …``, as an XLIFF
    edit's does.
    """
    if is_accepted(entry):
        return as_history(entry)
    return edited(entry.tcomment) if is_edited(entry) else entry.tcomment


def _fuzzy_flags(flags: Sequence[str]) -> list[str]:
    return ["fuzzy", *[f for f in flags if f != "fuzzy"]]


def stats(catalog: polib.POFile, locale: str) -> CatalogStats:
    active = [e for e in catalog if not e.obsolete and e.msgid]
    fuzzy = [e for e in active  # (a plural entry a person added: its forms)
             if e.fuzzy and (e.msgstr or any(e.msgstr_plural.values()))]
    translated = [e for e in active if e.translated()]
    return CatalogStats(
        locale=locale,
        total=len(active),
        translated=len(translated),
        fuzzy=len(fuzzy),
        untranslated=len(active) - len(translated) - len(fuzzy),
        machine=sum(1 for e in fuzzy if is_engine_text(e)),
        obsolete=sum(1 for e in catalog if e.obsolete),
        memory=sum(1 for e in fuzzy if is_memory_draft(e)),
    )

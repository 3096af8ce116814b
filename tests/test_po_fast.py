"""po_fast against po_syntax, and the faster to_polib and render against the code they replaced.

po_fast may decline any file (None: po_syntax reads it); what it must never do is return
something po_syntax would not: a different result, or a result where po_syntax refuses.
It must read everything ``catalog.render`` writes. ``to_polib`` and ``render`` must give
what the code before them gave (kept below as the oracle): the same polib objects,
attribute for attribute, and the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from miss_i18n import catalog, po_fast, po_syntax
from miss_i18n.po_syntax import PoEntry, PoFile, PoSyntaxError

REPOSITORY_CATALOGS = sorted(
    path for folder in ("locales", "tests/fixtures", "tests/golden")
    for path in (ROOT / folder).rglob("*") if path.suffix in (".po", ".pot"))


def strict(data: bytes) -> PoFile | None:
    """po_syntax's reading, or None where it refuses the file."""
    try:
        return po_syntax.parse(data)
    except PoSyntaxError:
        return None


def assert_agrees(data: bytes, *, must_read: bool = False) -> PoFile | None:
    """po_fast's result is po_syntax's, or None (always None where po_syntax refuses)."""
    fast, expected = po_fast.parse(data), strict(data)
    if expected is None:
        assert fast is None
    elif fast is not None:
        assert fast == expected
    if must_read:
        assert fast is not None
    return fast


# -- the oracle: to_polib and render as they were before po_fast ---------------------------
def _old_reference(text: str) -> tuple[str, str]:
    path, _, line = text.rpartition(":")
    return (path, line) if path and line.isdigit() else (text, "")


def _old_references(text: str) -> list[tuple[str, str]]:
    """A ``#:`` line's places as GNU gettext reads them (read-catalog-abstract.c): names end
    at a space or tab; one that starts with U+2068 runs to U+2069, ``:line`` after it."""
    places: list[tuple[str, str]] = []
    rest = text.lstrip(" \t")
    while rest:
        if rest.startswith("\u2068"):
            name, closed, rest = rest[1:].partition("\u2069")
            end = next((i for i, c in enumerate(rest) if c in " \t"), len(rest))
            number = rest[1:end]
            if closed and rest[:1] == ":" and number.isdigit() and number.isascii():
                places.append((name, number))
                rest = rest[end:]
            else:
                places.append((name, ""))
        else:
            end = next((i for i, c in enumerate(rest) if c in " \t"), len(rest))
            places.append(_old_reference(rest[:end]))
            rest = rest[end:]
        rest = rest.lstrip(" \t")
    return places


def _old_place(path: str, line: str) -> str:
    """As msgcat writes a place: a name holding a space or tab between U+2068 and U+2069."""
    if " " in path or "\t" in path:
        path = f"\u2068{path}\u2069"
    return f"{path}:{line}" if line else path


def _old_entry(entry: PoEntry) -> polib.POEntry:
    translator: list[str] = []
    extracted: list[str] = []
    references: list[tuple[str, str]] = []
    flags: list[str] = []
    for line in entry.comments:
        text = line.rstrip()
        kind, rest = text[:1], text[1:]
        if kind == ",":  # the last such line's alone, as gettext reads them
            flags = [f.strip() for f in rest.split(",") if f.strip()]
        elif kind == ":":
            references += _old_references(rest)
        elif kind == ".":
            extracted.append(rest[1:] if rest.startswith(" ") else rest)
        else:  # a person's words: trailing spaces kept, as msgcat keeps them
            words = line.rstrip("\r\n")
            translator.append(words[1:] if words.startswith(" ") else words)
    return polib.POEntry(
        msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=entry.msgstr or "",
        msgid_plural=entry.msgid_plural or "", msgstr_plural=dict(enumerate(entry.msgstr_plural)),
        obsolete=entry.obsolete, flags=flags, tcomment="\n".join(translator),
        comment="\n".join(extracted), occurrences=references,
        previous_msgctxt=entry.previous_msgctxt, previous_msgid=entry.previous_msgid,
        previous_msgid_plural=entry.previous_msgid_plural, linenum=entry.line)


_OLD_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                              "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"})


def _old_string_lines(keyword: str, text: str, prefix: str = "") -> list[str]:
    if "\n" not in text[:-1]:
        return [f'{prefix}{keyword} "{text.translate(_OLD_ESCAPES)}"']
    pieces: list[str] = []
    rest = text
    while "\n" in rest[:-1]:
        cut = rest.index("\n") + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return [f'{prefix}{keyword} ""'] + [f'{prefix}"{p.translate(_OLD_ESCAPES)}"' for p in pieces]


def _old_unjoined(line: str) -> str:
    """A comment line that would end in a backslash, with a space after it: else gettext
    joins the next line to it (catalog._unjoined, the writer's rule)."""
    return f"{line} " if line.endswith("\\") else line


def _old_entry_lines(entry: polib.POEntry) -> list[str]:
    lines: list[str] = []
    lines += [_old_unjoined(f"# {line}") if line else "#" for line in entry.tcomment.split("\n")
              ] if entry.tcomment else []
    lines += [_old_unjoined(f"#. {line}".rstrip()) for line in entry.comment.split("\n")
              ] if entry.comment else []
    if entry.occurrences:  # an obsolete entry's too, as msgcat writes them
        lines.append(_old_unjoined(
            "#: " + " ".join(_old_place(p, n) for p, n in entry.occurrences)))
    if catalog.flag_list(entry.flags):  # as msgcat writes them (test_po_syntax's oracle)
        lines.append("#, " + ", ".join(catalog.flag_list(entry.flags)))
    prefix = "#~ " if entry.obsolete else ""
    previous = "#~| " if entry.obsolete else "#| "
    for keyword in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, f"previous_{keyword}")
        if value is not None:
            lines += _old_string_lines(keyword, value, previous)
    if entry.msgctxt is not None:
        lines += _old_string_lines("msgctxt", entry.msgctxt, prefix)
    lines += _old_string_lines("msgid", entry.msgid, prefix)
    if entry.msgid_plural:
        lines += _old_string_lines("msgid_plural", entry.msgid_plural, prefix)
        for index in sorted(entry.msgstr_plural):
            lines += _old_string_lines(f"msgstr[{index}]", entry.msgstr_plural[index], prefix)
    else:
        lines += _old_string_lines("msgstr", entry.msgstr, prefix)
    return lines


def old_render(po: polib.POFile) -> str:
    """render before HeaderNotes: but for the header fields' order a read file had, where it
    is not ours, and the fields it spelled otherwise than ``Name: value``, which render keeps
    (catalog.kept_field_order, catalog.spelled_fields)."""
    notes = catalog.header_notes(po)
    header = polib.POEntry(msgid="", msgstr=catalog.header_text(po.metadata, notes.fields,
                                                                notes.spelled),
                           tcomment=po.header, flags=["fuzzy"] if po.metadata_is_fuzzy else [])
    blocks = [_old_entry_lines(header)]
    blocks += [_old_entry_lines(e) for e in po if not e.obsolete]
    blocks += [_old_entry_lines(e) for e in po if e.obsolete]
    return "\n".join("\n".join(block) + "\n" for block in blocks)


def assert_same_polib(parsed: PoFile) -> None:
    """to_polib's entries are what polib's constructor made, attribute for attribute."""
    made = catalog.to_polib(parsed)
    entries = [_old_entry(e) for e in parsed.entries if e is not parsed.header]
    for entry in entries:  # as msgcat reads them, where nothing is lost (catalog.to_polib)
        if not entry.msgstr and not any(entry.msgstr_plural.values()):
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    entries = [e for e in entries if not (e.obsolete and not e.tcomment and not e.msgstr
                                          and not any(e.msgstr_plural.values()))]
    assert len(made) == len(entries)
    for new, old in zip(made, entries, strict=True):
        assert type(new) is polib.POEntry
        assert list(vars(new).items()) == list(vars(old).items())  # values and order


def test_polib_entries_are_made_without_the_constructor() -> None:
    """The fast path is the one tested: this polib sets what catalog expects."""
    assert catalog._BARE_POENTRY


# -- the repository's own catalogs --------------------------------------------------------
@pytest.mark.parametrize("path", REPOSITORY_CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_catalogs(path: Path) -> None:
    data = path.read_bytes()
    parsed = strict(data)
    assert_agrees(data, must_read=parsed is not None and catalog.render(
        catalog.to_polib(parsed)).encode() == data)
    if parsed is None:
        return
    assert_same_polib(parsed)
    po = catalog.to_polib(parsed)
    assert catalog.render(po) == old_render(po)
    assert_agrees(catalog.render(po).encode(), must_read=True)


def test_the_locales_are_read_fast() -> None:
    """The site's catalogs are written by render: po_fast reads every one itself."""
    locales = [p for p in REPOSITORY_CATALOGS if p.is_relative_to(ROOT / "locales")]
    assert locales
    for path in locales:
        assert po_fast.parse(path.read_bytes()) is not None, path


# -- generated catalogs -------------------------------------------------------------------
PIECES = ["a", "spine", " ", "  ", "\n", "\n\n", "\t", "\\", '"', "\\n", "\\\"", "\a", "\b",
          "\f", "\v", "\r", "\x00", "\x04", "\x7f", "é", "Wirbelsäule", "中文", "مرحبا", "😀",
          "\u2028", "\x85", "#", "#~", "#|", "msgid ", "msgstr[0]", "\\303\\244", "%(n)d", "<1>",
          "</1>"]
RAW = st.one_of(st.lists(st.sampled_from(PIECES), max_size=5).map("".join),
                st.text(st.characters(codec="utf-8"), max_size=8))
# No string holds an EOT (msgfmt refuses one: a .mo joins msgctxt and msgid with it), and
# none but a translation a NUL (gettext would read another message, or a header cut short).
TEXT = RAW.map(lambda text: text.replace("\x04", ""))
KEY = TEXT.map(lambda text: text.replace("\x00", ""))
# Comment lines hold no carriage return: the reader refuses one alone (classic Mac line
# ends), so a catalog never holds one, and nothing we make does. Nor does one end in a
# backslash: gettext, and so the reader, joins the next line to it.
COMMENT = RAW.map(lambda text: re.sub(r"\\+([^\S\n]*)$", r"\1", text.replace("\r", ""),
                                      flags=re.MULTILINE))
LINE = COMMENT.map(lambda text: text.replace("\n", " "))  # for flags and references
OPTIONAL = st.none() | KEY


@st.composite
def entries(draw: st.DrawFn) -> polib.POEntry:
    entry = polib.POEntry(
        msgctxt=draw(OPTIONAL), msgid=draw(KEY), msgstr=draw(TEXT),
        obsolete=draw(st.booleans()), tcomment=draw(COMMENT), comment=draw(COMMENT),
        flags=draw(st.lists(st.sampled_from(["fuzzy", "python-format", "no-wrap"]) | LINE,
                            max_size=2)),
        occurrences=draw(st.lists(st.tuples(LINE, st.sampled_from(["", "3", "x"])),
                                  max_size=2)))
    if draw(st.booleans()):
        entry.msgid_plural = draw(KEY.filter(bool))
        entry.msgstr_plural = dict(enumerate(draw(st.lists(TEXT, min_size=1, max_size=3))))
    if draw(st.booleans()):
        entry.previous_msgid = draw(KEY)
        entry.previous_msgctxt = draw(OPTIONAL)
        entry.previous_msgid_plural = draw(OPTIONAL)
    return entry


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.header = draw(COMMENT)
    po.metadata_is_fuzzy = draw(st.booleans())
    po.metadata = {"Project-Id-Version": draw(KEY), "Language": "de",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);", "X-Other": draw(KEY)}
    seen = {(None, "")}  # the header's key
    for entry in draw(st.lists(entries(), max_size=6)):
        if (entry.msgctxt, entry.msgid) not in seen:
            seen.add((entry.msgctxt, entry.msgid))
            po.append(entry)
    return po


def _ending_in_a_backslash() -> polib.POFile:
    """A comment whose last backslash COMMENT took off left one before a space, which the
    line's end then loses: the writer puts a space back after it (found by hypothesis)."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": "de", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="a", comment="\\ ", tcomment="b\\",
                            occurrences=[("c\\", "")]))
    return po


def _a_field_in_a_value() -> polib.POFile:
    """A header value whose second line holds a colon is read back as a field of its own,
    after ours: the file's order, not ours, which render keeps (found by hypothesis)."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": "de", "X-Other": "\n: "}
    return po


@settings(max_examples=200, deadline=None)
@given(catalogs())
@example(_ending_in_a_backslash())
@example(_a_field_in_a_value())
def test_what_render_writes_is_read_fast_and_alike(po: polib.POFile) -> None:
    text = catalog.render(po)
    assert text == old_render(po)
    data = text.encode()
    fast = assert_agrees(data, must_read=True)
    assert fast is not None
    assert_same_polib(fast)
    assert catalog.render(catalog.to_polib(fast)) == old_render(catalog.to_polib(fast))


COMMENTS = st.lists(st.sampled_from(["", " ", "~", "|", ",", ", fuzzy", ",fuzzy,,  c-format ",
                                     ":", ": a.html:3 b.html c:", ". x", ".x", " t", "# t",
                                     "## t", "  t  ", "\tt", ", a\t"]) | TEXT, max_size=5)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TEXT, COMMENTS, st.booleans()), max_size=5))
def test_to_polib_on_any_comments(rows: list[tuple[str, list[str], bool]]) -> None:
    parsed = PoFile((PoEntry(1, "", "Language: de\n", comments=(" h", ", fuzzy")),
                     *(PoEntry(n + 2, msgid, "x", comments=tuple(comments), obsolete=obsolete)
                       for n, (msgid, comments, obsolete) in enumerate(rows))),
                    "UTF-8", "utf-8")
    assert_same_polib(parsed)


# -- files po_fast must decline, or read as po_syntax does --------------------------------
SAMPLE = (
    '# German.\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: de\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '\n#. Paragraph\n#: page.html#lead\nmsgctxt "page:#lead"\nmsgid "Spine \\"surgery\\""\n'
    'msgstr "Wirbelsäulen\\tchirurgie"\n'
    '\n# machine-translated: argos\n#, fuzzy\n#| msgctxt "old"\n#| msgid ""\n#| "two\\n"\n'
    '#| "lines"\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] ""\n"eine\\n"\n"Datei"\n'
    'msgstr[1] "%d Dateien"\n'
    '\nmsgid "empty"\nmsgstr ""\n'
    '\n# kept\n#~| msgid "older"\n#~ msgctxt "c"\n#~ msgid "gone"\n#~ msgstr "weg"\n'
)
TRICKY_LINES = [
    "", " ", "#", "#~", "#|", "#~ ", "# c", "#, fuzzy", "#~ # c", "#| # c", '"cont"', '#~ "cont"',
    '#| "cont"', 'msgid "x"', 'msgstr "y"', 'msgctxt "c"', 'msgid_plural "p"', 'msgstr[0] "z"',
    'msgstr[1] "z"', 'msgstr[2] "z"', 'msgstr[00] "z"', 'msgstr [0] "z"', '#~ msgid "x"',
    '#~ msgstr "y"', '#~| msgid "o"', '#| msgid "o"', '#| msgctxt "o"', '#| msgid_plural "o"',
    'msgid "\\q"', 'msgid "\\303\\244"', 'msgid "\\303"', 'msgid "\\x41"', 'msgid "\\0"',
    'msgid "\\', 'msgid "a" "b"', 'msgid  "x"', 'msgid"x"', '\tmsgid "x"', 'msgid "x" ',
    'msgid "x"\r', 'domain "d"', 'msgid "unterminated', "msgid", "msgstr", 'msgstr ""\r',
    '"Content-Type: text/plain; charset=ISO-8859-1\\n"', '#~msgid "x"', '#~|msgid "x"',
    '#~ msgid "x" #~ msgstr "y"', 'msgstr[0] "z" msgstr[1] "z"', "# C:\\\\", '#| #, fuzzy',
    'msgid "\\x04"', 'msgstr "\x04"', 'msgid "\x00"', 'msgctxt "\\0"', '#~ msgctxt "c"',
]
CHARSETS = ["UTF-8", "utf-8", "Utf-8", "UTF8", "utf8", "ISO-8859-1", "ASCII", "latin1", "",
            "EUC-TW", "UTF-8 x", "UTF-8\\tx", "ſ"]


def test_the_sample_is_read_fast() -> None:
    assert_agrees(SAMPLE.encode(), must_read=True)


@pytest.mark.parametrize("data", [
    SAMPLE.encode("utf-8-sig"),  # BOM
    SAMPLE.replace("\n", "\r\n").encode(),  # CRLF
    SAMPLE.encode()[:-1], SAMPLE.encode() + b"\n", SAMPLE.encode() + b"\n\n",
    b"\n" + SAMPLE.encode(), b"", b"\n",
    SAMPLE.replace("charset=UTF-8", "charset=ISO-8859-1").encode("latin-1"),
    SAMPLE.replace("charset=UTF-8", "charset=latin1").encode(),
    SAMPLE.replace("säulen", "s\\303\\244ulen").encode(),  # octal escapes: valid
    SAMPLE.replace("säulen", "s\\303ulen").encode(),  # half a character
    SAMPLE.replace("säulen", "s\\qulen").encode(),  # no such escape
    SAMPLE.replace("säulen", "s\xe4ulen").encode("latin-1"),  # not UTF-8
    (SAMPLE + '\nmsgctxt "page:#lead"\nmsgid "Spine \\"surgery\\""\nmsgstr ""\n').encode(),
    (SAMPLE + '\n#~ msgid "empty"\n#~ msgstr "leer"\n').encode(),  # duplicate, obsolete
    (SAMPLE + '\nmsgid ""\nmsgstr ""\n').encode(),  # a second header
    SAMPLE.replace('msgid "empty"\nmsgstr ""', 'msgstr ""\nmsgid "empty"').encode(),
    SAMPLE.replace('#~ msgstr "weg"', 'msgstr "weg"').encode(),  # partly obsolete
    SAMPLE.replace("#. Paragraph\n", "").replace('msgid "empty"', '# c\nmsgid "empty"').encode(),
    SAMPLE.replace('msgid "empty"\n', 'msgid "empty"\n# c\n').encode(),
    SAMPLE.replace("msgstr[1]", "msgstr[2]").encode(),
    SAMPLE.replace("\n\nmsgid \"empty\"", "\nmsgid \"empty\"").encode(),  # no blank line
    SAMPLE.replace("\n\nmsgid \"empty\"", "\n\n\nmsgid \"empty\"").encode(),  # two
    (SAMPLE + "\n# a comment and no entry\n").encode(),
    SAMPLE.replace("# kept\n", "# kept\r").encode(),  # a CR alone in a comment: refused
    b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n',  # no charset: UTF-8
    b'msgid "a"\nmsgstr "b"\n\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; '
    b'charset=UTF-8\\n"\n',  # the header not first
    SAMPLE.replace("säulen", "s\x04ulen").encode(),  # EOT in a string: refused
    SAMPLE.replace("säulen", "s\\x04ulen").encode(),
    SAMPLE.replace("säulen", "s\\4ulen").encode(),
    SAMPLE.replace('#| msgid ""', '#| msgid "\x04"').encode(),
    SAMPLE.replace('msgid "empty"', 'msgid "em\x00pty"').encode(),  # NUL in a msgid: refused
    SAMPLE.replace('msgid "empty"', 'msgid "em\\0pty"').encode(),
    SAMPLE.replace('msgctxt "old"', 'msgctxt "\x00"').encode(),
    SAMPLE.replace('"Language: de\\n"', '"Language: de\x00\\n"').encode(),  # in the header
    SAMPLE.replace("säulen", "s\\0ulen").encode(),  # NUL written \0 in a translation
    SAMPLE.replace('#~ msgid "gone"', 'msgid "gone"').encode(),  # partly obsolete
    SAMPLE.replace('#~ msgctxt "c"', 'msgctxt "c"').encode(),
    SAMPLE.replace("# kept\n", "# kept\\\\\n\n").encode(),  # two backslashes, a blank line
    SAMPLE.replace("#, fuzzy\n#|", "#| #, fuzzy\n#|").encode(),  # a comment on a #| line
])
def test_malformed_or_unusual_files(data: bytes) -> None:
    assert_agrees(data)


@pytest.mark.parametrize("data", [
    SAMPLE.replace("säulen", "s\x00ulen").encode(),  # NUL in a translation: `check`'s
    SAMPLE.replace("# kept", "# k\x04ept").encode(),  # EOT in a comment: gettext's too
])
def test_what_msgfmt_takes_in_the_canonical_form_is_read_fast(data: bytes) -> None:
    assert assert_agrees(data, must_read=True) is not None


@pytest.mark.parametrize("charset", CHARSETS)
def test_charsets(charset: str) -> None:
    data = SAMPLE.replace("charset=UTF-8", f"charset={charset}").encode()
    fast = assert_agrees(data)
    if fast is not None:
        assert fast.codec == "utf-8"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A canonical file with a few lines inserted, dropped, swapped or changed."""
    lines = draw(st.sampled_from([SAMPLE, catalog.render(draw(catalogs()))])).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["insert", "drop", "swap", "double", "edit"]))
        if action == "insert":
            lines.insert(at, draw(st.sampled_from(TRICKY_LINES)))
        elif action == "drop":
            del lines[at]
        elif action == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif lines:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.sampled_from(
                ["", '"', "\\", " ", "#", "~", "|", "\r", "\\x", "é"])) + lines[at][cut + 1:]
        if not lines:
            lines = [""]
    data = "\n".join(lines).encode()
    return data[:draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_mutated_files_are_declined_or_read_alike(data: bytes) -> None:
    assert_agrees(data)


def test_a_duplicate_is_declined() -> None:
    data = (SAMPLE + '\nmsgid "empty"\nmsgstr "x"\n').encode()
    assert po_fast.parse(data) is None
    with pytest.raises(PoSyntaxError, match="already appears"):
        po_syntax.parse(data)


def test_line_numbers() -> None:
    parsed = po_fast.parse(SAMPLE.encode())
    assert parsed is not None
    numbers = [i + 1 for i, line in enumerate(SAMPLE.split("\n"))
               if re.match(r"(#~ )?msgid ", line)]
    assert [e.line for e in parsed.entries] == numbers

"""Hostile and broken catalogs through the command line: one line, an exit code, no file
touched (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import invoke
from miss_i18n import pages
from miss_i18n import source as page_source
from miss_i18n.config import load_config
from miss_i18n.po_syntax import parse

STAGES = ["check", "update", "translate", "compile", "build", "run", "status"]
ENTRY = 'msgid "Smaller scars"\nmsgstr ""'


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def catalog_path(project: Path) -> Path:
    return load_config(project / "pyproject.toml").po_path("de")


def edited(project: Path, change: Callable[[bytes], bytes]) -> Path:
    """The project built once, then its German catalog changed by ``change``."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = catalog_path(project)
    path.write_bytes(change(path.read_bytes()))
    return path


def line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1


def translated(text: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert ENTRY.encode() in data
        return data.replace(ENTRY.encode(), f'msgid "Smaller scars"\nmsgstr {text}'.encode())
    return change


def with_charset(charset: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"charset=UTF-8", f"charset={charset}".encode())


def duplicated(data: bytes) -> bytes:
    return data + b'\nmsgctxt "miss-i18n:language-menu"\nmsgid "Languages"\nmsgstr "Sprachen"\n'


CASES: dict[str, tuple[Callable[[bytes], bytes], bytes, str]] = {
    # name: (change, a byte string on the line reported, message)
    "unterminated": (translated('"unterminated'), b'msgstr "unterminated',
                     'a string is not closed on its line; end it with "'),
    "unquoted": (translated("Größe"), "msgstr Größe".encode(),
                 "unknown keyword 'Größe'; put text in quotes (the keywords are msgctxt, msgid, "
                 "msgid_plural, msgstr)"),
    "bad escape": (translated('"Narben\\q"'), b"Narben", "invalid escape '\\q' in a string; "
                   "write a backslash as '\\\\'"),
    "duplicate": (duplicated, b'"Sprachen"', "this msgctxt and msgid already appears at line "
                  "{first}; keep one of the two entries"),
    "charset foo": (with_charset("foo"), b'msgid ""',
                    "charset 'foo' in the Content-Type header is not a text encoding gettext "
                    "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset rot13": (with_charset("rot13"), b'msgid ""',
                      "charset 'rot13' in the Content-Type header is not a text encoding gettext "
                      "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset hex": (with_charset("hex"), b'msgid ""',
                    "charset 'hex' in the Content-Type header is not a text encoding gettext "
                    "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset zlib_codec": (with_charset("zlib_codec"), b'msgid ""',
                           "charset 'zlib_codec' in the Content-Type header is not a text "
                           "encoding gettext knows; convert the file to UTF-8 and declare "
                           "charset=UTF-8"),
    "classic Mac line ends": (lambda data: translated('"Kleinere Narben"')(data).replace(
        b"\n", b"\r"), b"#", "a carriage return (CR) without a line feed ends a line in this "
        "comment (classic Mac line ends), so gettext reads the rest of the file as a comment; "
        "save the file with LF or CRLF line ends"),
    "not UTF-8": (lambda data: data.replace(ENTRY.encode(), b'msgid "Smaller scars"\n'
                                                        b'msgstr "Gr\xf6\xdfe"'),
                  b'msgstr "Gr', "bytes that are not valid UTF-8 (the header's charset); save "
                  "the file as UTF-8 or declare its real charset"),
    "saved as UTF-16": (lambda data: data.decode().encode("utf-16"), b"\xff\xfe",
                        "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it "
                        "as UTF-8"),
}


@pytest.mark.parametrize("command", STAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_catalog_is_one_line_exit_4_and_nothing_changes(
        project: Path, case: str, command: str) -> None:
    change, needle, message = CASES[case]
    path = edited(project, change)
    data = path.read_bytes()
    line = line_of(data, needle)
    if case == "duplicate":
        first = line_of(data, b'msgid "Languages"')
        line = data[:data.rindex(b'msgid "Languages"')].count(b"\n") + 1
        message = message.format(first=first)
    before = snapshot(project)
    code, output = invoke(command)
    assert (code, output) == (4, f"error: {path}:{line}: {message}\n")
    assert snapshot(project) == before


@pytest.mark.parametrize("command", ["extract", "update", "run"])
def test_a_broken_template_is_one_line_exit_4_and_nothing_changes(project: Path,
                                                                   command: str) -> None:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    template = load_config(project / "pyproject.toml").pot_path
    data = template.read_bytes().replace(b'msgid "Smaller scars"', b'msgid "Smaller scars')
    template.write_bytes(data)
    before = snapshot(project)
    code, output = invoke(command)
    line = line_of(data, b'msgid "Smaller scars')
    assert (code, output) == (
        4, f'error: {template}:{line}: a string is not closed on its line; end it with "\n')
    assert snapshot(project) == before


# -- text a page cannot hold ------------------------------------------------------------------
PAGE = "minimally-invasive-spine-surgery.html"
SHOWN = "locales/de/LC_MESSAGES/miss.po"
TITLE = "minimally-invasive-spine-surgery:head/title"
DESCRIPTION = "minimally-invasive-spine-surgery:head/meta[description]@content"
HEADING = "minimally-invasive-spine-surgery:#overview/h2"
LEAD = "minimally-invasive-spine-surgery:#lead"


def translate_entry(data: bytes, context: str, msgstr: bytes) -> bytes:
    """Give the (untranslated) entry of ``context`` this msgstr, written as PO text."""
    start = data.index(f'msgctxt "{context}"'.encode())
    empty = data.index(b'msgstr ""\n', start)
    return data[:empty] + b'msgstr "' + msgstr + b'"\n' + data[empty + len(b'msgstr ""\n'):]


def entry_line(data: bytes, context: str) -> int:
    """The line of the msgid after ``context`` (where issues are reported)."""
    return line_of(data, f'msgctxt "{context}"'.encode()) + 1


UNUSABLE = {  # context: (msgstr as PO text, the characters named)
    TITLE: (b"Minimalinvasive\\bWirbels\xc3\xa4ulenchirurgie", "U+0008"),
    DESCRIPTION: (b"Beschreibung \x01 mit \\x00 und \\177", "U+0001, U+0000, U+007F"),
    HEADING: (b"\xc3\x9cber\\a\\033blick \xc2\x85 \xef\xb7\x90", "U+0007, U+001B, U+0085, U+FDD0"),
}


def unusable_project(project: Path) -> Path:
    def change(data: bytes) -> bytes:
        for context, (msgstr, _named) in UNUSABLE.items():
            data = translate_entry(data, context, msgstr)
        return data
    return edited(project, change)


def test_characters_a_page_cannot_hold_are_check_errors(project: Path) -> None:
    path = unusable_project(project)
    data = path.read_bytes()
    code, output = invoke("check", "-l", "de", "-q")
    assert code == 1
    lines = [line for line in output.splitlines() if "unusable-characters" in line]
    assert lines == [
        f"  {SHOWN}:{entry_line(data, context)}: error[unusable-characters]: the translation "
        f"holds characters a web page cannot hold ({named}); remove them ({context})"
        for context, (_msgstr, named) in UNUSABLE.items()]
    assert output.endswith("error: check failed: 3 error(s)\n")
    assert path.read_bytes() == data


@pytest.mark.parametrize("command", ["build", "run"])
def test_the_build_keeps_the_source_text_and_says_why(project: Path, command: str) -> None:
    path = unusable_project(project)
    data = path.read_bytes()
    code, output = invoke(command, "-l", "de", "--include-fuzzy", "--no-translate"
                          if command == "run" else "--include-fuzzy")
    assert code == 0, output
    for context, (_msgstr, named) in UNUSABLE.items():
        assert (f"warning: de/{PAGE}: translation of {context} holds characters a web page "
                f"cannot hold ({named}); the source text was kept\n") in output
    page = (project / "site" / "de" / PAGE).read_text(encoding="utf-8")
    source = (project / "source" / PAGE).read_text(encoding="utf-8")
    assert "<title>Minimally invasive spine surgery</title>" in page
    assert '<h2 lang="en">Overview</h2>' in page or ">Overview</h2>" in page
    assert 'content="Minimally Invasive Spine Surgery (MISS) is a type' in page
    assert "Beschreibung" not in page and "blick" not in page
    assert "<title>Minimally invasive spine surgery</title>" in source
    if command == "build":
        assert path.read_bytes() == data
    else:  # `run` writes the catalog as msgcat would (\\x00 as the character): same values
        assert parse(path.read_bytes()).entries == parse(data).entries


def test_placeholders_nested_a_thousand_deep(project: Path) -> None:
    deep = b"<1>" * 1000 + b"Minimalinvasive" + b"</1>" * 1000
    path = edited(project, lambda data: translate_entry(data, LEAD, deep))
    data = path.read_bytes()
    code, output = invoke("check", "-l", "de", "-q")
    assert code == 1
    assert (f"  {SHOWN}:{entry_line(data, LEAD)}: error[placeholders]: broken placeholders: "
            f"placeholders are nested more than 100 deep ({LEAD})\n") in output
    code, output = invoke("build", "-l", "de")
    assert code == 0, output
    assert (f"warning: de/{PAGE}: translation of {LEAD} does not match its placeholders; the "
            "source text was kept\n") in output
    assert "Minimalinvasive" not in (project / "site" / "de" / PAGE).read_text(encoding="utf-8")
    assert path.read_bytes() == data


def test_a_bidi_override_the_source_lacks_is_a_warning(project: Path) -> None:
    path = edited(project, lambda data: translate_entry(
        data, HEADING, "\u202eÜberblick\u202c \u2067x\u2069 \u200f".encode()))
    data = path.read_bytes()
    code, output = invoke("check", "-l", "de")
    assert code == 0, output
    assert (f"  {SHOWN}:{entry_line(data, HEADING)}: warning[bidi-controls]: the translation "
            "adds bidirectional controls (U+202E, U+202C, U+2067, U+2069) that can make it read "
            f"otherwise than it is written; remove them unless you meant them ({HEADING})\n"
            ) in output
    code, output = invoke("check", "-l", "de", "--strict")
    assert code == 1
    assert path.read_bytes() == data


def test_a_page_nested_too_deeply_to_walk_is_named_by_its_path(project: Path) -> None:
    """As every other page error, the line names the page's file (in a subfolder too)."""
    deep = project / "source" / "guides" / "deep.html"
    deep.parent.mkdir()
    deep.write_text("<html><body>" + "<div>" * 3000 + "<p>deep</p>" + "</div>" * 3000
                    + "</body></html>", encoding="utf-8")
    code, output = invoke("run", "--no-translate")
    assert code == 4, output
    assert output.strip().splitlines()[-1].endswith(
        f"{Path('source') / 'guides' / 'deep.html'}:1: elements are nested over 2,048 deep "
        "as the HTML parser reads the page (each <wbr>, <embed>, <source> or <track> counts "
        "as open until its block ends), and what follows would be lost; flatten the page's "
        "markup or split the block")


# -- characters a page's text cannot hold ---------------------------------------------------
def test_a_form_feed_in_a_page_is_the_space_it_shows_as(project: Path) -> None:
    """A form feed is HTML whitespace (texinfo and source listings hold them), yet the build
    stopped with lxml's traceback ('All strings must be XML compatible') when it marked the
    text as English. It is read as the space a browser shows."""
    (project / "source" / "listing.html").write_bytes(
        b"<html><body><p title='a\x0cb'>Page\x0cone &#12;two&#xC;three</p>\n"
        b"<pre>int x;\n\x0c\nint y;</pre></body></html>")
    code, output = invoke("run", "--no-translate", "-q")
    assert code == 0, output
    built = (project / "site" / "de" / "listing.html").read_text(encoding="utf-8")
    assert "<p title=\"a b\" lang=\"en\">Page one  two three</p>" in built
    assert "int x;\n \nint y;</pre>" in built


def test_a_carriage_return_reference_is_the_space_it_shows_as(project: Path) -> None:
    """The parser reads a CR written in a page as a newline, but ``&#13;`` put a CR in the
    tree: in a msgid where the text keeps its spaces (``<pre>``, a tooltip, ``<textarea>``)
    as ``\\r``, which xgettext warns of in its input, and on the built page written raw, where a
    browser reads it as a newline: a line break in a ``<pre>`` that showed none. A CR is
    HTML whitespace a browser shows as a space (CSS), read as one, as a form feed is."""
    (project / "source" / "cr.html").write_bytes(
        b"<html><body><p title='a&#13;b'>One&#13;two &#xD;&#10;three</p>\n"
        b"<pre>int x;&#13;int y;</pre><textarea>q&#13;r</textarea></body></html>")
    code, output = invoke("run", "--no-translate", "-q")
    assert code == 0, output
    for catalog in [project / "locales" / "miss.pot",
                    *(project / "locales").glob("*/LC_MESSAGES/miss.po")]:
        text = catalog.read_text(encoding="utf-8")
        assert "\\r" not in text and "\r" not in text
        assert 'msgid "int x; int y;"' in text and 'msgid "a b"' in text
    built = (project / "site" / "de" / "cr.html").read_bytes()
    assert b"\r" not in built
    assert b'<p title="a b" lang="en">One two  \nthree</p>' in built
    assert b"<pre lang=\"en\">int x; int y;</pre>" in built


@pytest.mark.parametrize("written, named", [
    (b"ESC \x1b[31m red", "the control character U+001B"),
    (b"a reference &#1; to it", "the control character U+0001"),
    (b"a reference &#x1B; to it", "the control character U+001B"),
    ("a noncharacter \ufffe".encode(), "the noncharacter U+FFFE"),
    (b"<a title='in an attribute \x1b'>link</a>", "the control character U+001B"),
    # windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: browsers (the Encoding
    # Standard) read them as the C1 controls of those numbers; they were read as U+FFFD
    (b"a byte \x81 of windows-1252", "the control character U+0081"),
    (b"<meta charset=windows-1252>a byte \x9d", "the control character U+009D"),
    ("a next line \x85 in UTF-8".encode(), "the control character U+0085"),
    (b"a reference &#x8F; to it", "the control character U+008F"),
    (b"a reference &#127; to it", "the control character U+007F")])
def test_a_control_character_in_a_page_is_one_line_exit_4(project: Path, written: bytes,
                                                           named: str) -> None:
    """The build stopped with lxml's traceback; HTML calls these characters parse errors,
    and a catalog or page cannot hold them: the page is refused, by file and line."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    page = project / "source" / "bad.html"
    page.write_bytes(b"<html><body>\n<p>Fine.</p>\n<p>" + written + b"</p></body></html>")
    before = snapshot(project)
    code, output = invoke("run", "--no-translate")
    assert (code, output) == (4, f"error: {page}:3: the page holds "
                                 f"{named}, which a web page cannot hold; remove it\n")
    assert snapshot(project) == before


def test_the_byte_gates_let_no_refused_character_through() -> None:
    """parse_page and sniff search a page for such characters only where deleting every
    byte none of them starts with leaves something: every character the search finds
    must start with a byte the gate keeps (all of Unicode), and so must every binary
    byte."""
    kept = set(range(256)) - set(pages._HOLDABLE_BYTES)
    refused = [code for code in range(0x110000) if not 0xd800 <= code <= 0xdfff
               and pages._UNHOLDABLE.match(chr(code))]
    assert len(refused) == 64
    assert {chr(code).encode()[0] for code in refused} <= kept
    assert kept == {*range(9), 11, 12, *range(14, 32), 127, 0xc2, 0xef}
    binary = {byte for byte in range(256) if page_source._BINARY_BYTES.match(bytes([byte]))}
    assert binary == set(range(256)) - set(page_source._TEXT_BYTES)


@pytest.mark.parametrize("spelling", ["pt-BR", "pt_br"])
@pytest.mark.parametrize("command", ["update", "run", "check", "status", "compile", "build"])
def test_a_catalog_folder_spelled_otherwise_is_named_not_replaced_by_an_empty_one(
        project: Path, spelling: str, command: str) -> None:
    """A tool that names folders by BCP 47 tags (``pt-BR``) moved a configured locale's
    catalog: its translations must not be passed over for a new, empty ``pt_BR`` one."""
    assert invoke("run", "--no-translate")[0] == 0
    locales = project / "locales"
    (locales / "pt_BR").rename(locales / spelling)
    before = snapshot(project)
    code, output = invoke(command, "--no-translate") if command == "run" else invoke(command)
    assert code == 4
    assert output == (f"error: {locales / 'pt_BR' / 'LC_MESSAGES' / 'miss.po'}: missing, but "
                      f"locales/{spelling}/LC_MESSAGES/miss.po is a catalog for pt_BR under "
                      f"another spelling of its name; rename the folder locales/{spelling} to "
                      "locales/pt_BR\n")
    assert snapshot(project) == before


@pytest.mark.parametrize("tag", ['<p {}="x">', '<p class="a"{x}y="1">', "<p/{}>",
                                 '<p lang="en" {}="y">'])
@pytest.mark.parametrize("misnested", [False, True])
def test_an_attribute_name_that_starts_with_a_brace_is_one_line_exit_4(
        project: Path, tag: str, misnested: bool) -> None:
    """A browser keeps an attribute named ``{}``; lxml reads such a name as a namespace
    and cannot set it again: a misnested page (read again as a browser reads it), a
    translated one or one in the source's language ended in lxml's traceback. Refused,
    by file and line; an attribute value with braces (Alpine.js's x-data) is fine."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    page = project / "source" / "bad.html"
    inner = "<b>one<p>two</b>" if misnested else "Text."
    page.write_text(f"<html><body>\n<p x-data=\"{{open: false}}\" @click=\"o = !o\">Fine.</p>"
                    f"\n{tag}{inner}</p></body></html>", encoding="utf-8")
    before = snapshot(project)
    code, output = invoke("run", "--no-translate")
    assert code == 4 and output.startswith(f"error: {page}:3: the attribute '{{")
    assert output.endswith("rename or remove it\n") and output.count("\n") == 1
    assert snapshot(project) == before
    page.write_text(page.read_text("utf-8").replace(tag, "<p>"), encoding="utf-8")
    assert invoke("run", "--no-translate", "-q")[0] == 0

"""TMX import: human translations from other tools become fuzzy drafts before any engine."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import make_project
from helpers import invoke
from miss_i18n import Project, catalog, provenance, tmx
from miss_i18n.cli import main
from miss_i18n.languages import match_locale
from miss_i18n.memory import Added

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext missing")
OVERVIEW = "minimally-invasive-spine-surgery:#overview/h2"
ADVANTAGES = "minimally-invasive-spine-surgery:#advantages/h2"
MEMORY = Path(".miss-i18n") / "memory.sqlite3"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="none"
          adminlang="en-US" srclang="en-US" datatype="plaintext"/>
  <body>
"""
TAIL = "  </body>\n</tmx>\n"

# pt-BR and de (region variants and case as other tools write them), a language the
# project lacks (fr), another script of one it has (zh-TW is not zh), spaces as a tool
# may wrap them, a unit without the source language.
PEOPLE = HEAD + """\
    <tu tuid="1">
      <tuv xml:lang="en-US"><seg>Overview</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Überblick</seg></tuv>
      <tuv xml:lang="PT-br"><seg>Visão geral</seg></tuv>
      <tuv xml:lang="fr"><seg>Aperçu</seg></tuv>
    </tu>
    <tu tuid="2">
      <tuv xml:lang="en"><seg>
        Advantages
      </seg></tuv>
      <tuv xml:lang="de"><seg>Vorteile &amp; Nutzen</seg></tuv>
      <tuv xml:lang="pt-BR"><seg>Vantagens (&lt;3 dias)</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>優點</seg></tuv>
    </tu>
    <tu tuid="3">
      <tuv xml:lang="de"><seg>Nur Deutsch</seg></tuv>
    </tu>
""" + TAIL

FUSION = "minimally-invasive-spine-surgery:#procedures/ul/li[3]"
PLASTY = "minimally-invasive-spine-surgery:#procedures/ul/li[4]"
CREDITS = "minimally-invasive-spine-surgery:#credits/p"
B, EB = '<bpt i="1" x="1">&lt;b&gt;</bpt>', '<ept i="1">&lt;/b&gt;</ept>'
B2, EB2 = '<bpt i="2" x="2">&lt;b&gt;</bpt>', '<ept i="2">&lt;/b&gt;</ept>'
INLINE = HEAD + f"""\
    <tu>
      <tuv xml:lang="en"><seg>{B}Spinal fusion{EB}: Joining of two or more vertebrae to
        stabilize the spine.</seg></tuv>
      <tuv xml:lang="de"><seg>{B}Spondylodese{EB}: Verbindung zweier oder mehrerer Wirbel
        zur Stabilisierung der Wirbelsäule.</seg></tuv>
      <tuv xml:lang="ar"><seg>{B}الإيثاق الفقري</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>{B}Vertebroplasty{EB} and {B2}Kyphoplasty{EB2}: Procedures to
        stabilize compressed vertebrae and relieve pain.</seg></tuv>
      <tuv xml:lang="de"><seg>{B2}Kyphoplastie{EB2} und {B}Vertebroplastie{EB}: Verfahren
        zur Stabilisierung komprimierter Wirbel und zur Schmerzlinderung.</seg></tuv>
      <tuv xml:lang="ar"><seg>{B}رأب الفقرات{EB} و{B2}رأب الحدبة{EB2}<ph x="9"/></seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>{B}Credits:{EB} Most images are courtesy of Wikimedia commons,
        and templates Wikipedia, licensed under <ph x="2">&lt;a/&gt;</ph> or similar.</seg></tuv>
      <tuv xml:lang="de"><seg>{B}Nachweise:{EB} Die meisten Bilder stammen von Wikimedia
        Commons, die Vorlagen von Wikipedia, lizenziert unter <ph x="2"/> o. Ä.</seg></tuv>
      <tuv xml:lang="ar"><seg>{B}شكر:{EB} <ph x="3"/></seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg><it pos="begin">&lt;b&gt;</it>Overview</seg></tuv>
      <tuv xml:lang="de"><seg><it pos="begin">&lt;b&gt;</it>Überblick</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>Advantages</seg></tuv>
      <tuv xml:lang="de"><seg><hi type="b">Vorteile</hi></seg></tuv>
      <tuv xml:lang="ar"><seg>المزايا</seg></tuv>
    </tu>
""" + TAIL

ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx [
  <!ENTITY lol "Overview">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<tmx version="1.4"><header/><body>
  <tu><tuv xml:lang="en"><seg>&lol2;</seg></tuv><tuv xml:lang="de"><seg>Boom</seg></tuv></tu>
</body></tmx>
"""

MALFORMED = HEAD + """\
    <tu>
      <tuv xml:lang="en"><seg>Overview</seg></tuv>
      <tuv xml:lang="de"><seg>Überblick</tuv>
    </tu>
""" + TAIL


def entry(project: Path, locale: str, msgctxt: str) -> polib.POEntry:
    po = catalog.load(project / "locales" / locale / "LC_MESSAGES" / "miss.po")
    found = next(e for e in po if e.msgctxt == msgctxt)
    assert isinstance(found, polib.POEntry)
    return found


def human_rows(project: Path) -> list[tuple[str, ...]]:
    if not (project / MEMORY).exists():
        return []
    with sqlite3.connect(project / MEMORY) as db:
        return sorted(db.execute("SELECT * FROM human"))


@pytest.fixture
def started(project: Path) -> Path:
    """The project with its catalogs made (nothing translated)."""
    code, output = invoke("run", "--no-translate", "-q")
    assert code == 0, output
    return project


PEOPLE_REPORT = """\
people.tmx: 3 unit(s)
  de: 2 imported (2 new, 0 updated), 0 already in the memory; 1 skipped (1 no segment in \
the source language)
  fr: 1 skipped (1 not one of the project's locales)
  pt_BR: 2 imported (2 new, 0 updated), 0 already in the memory
  zh-TW: 1 skipped (1 not one of the project's locales)
"""


@needs_gettext
def test_imported_translations_become_fuzzy_drafts_with_their_own_provenance(
        started: Path) -> None:
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx") == (0, PEOPLE_REPORT)
    assert human_rows(started) == [
        ("en", "de", "Advantages", "Vorteile & Nutzen", "people.tmx"),
        ("en", "de", "Overview", "Überblick", "people.tmx"),
        ("en", "pt_BR", "Advantages", "Vantagens (&lt;3 dias)", "people.tmx"),
        ("en", "pt_BR", "Overview", "Visão geral", "people.tmx"),
    ]
    code, output = invoke("translate", "--engine", "apertium")  # no engine for these locales
    assert code == 0, output
    assert "de: 2 draft(s) from human translations in the translation memory (imported TMX)" \
        in output
    for locale, overview, advantages in (("de", "Überblick", "Vorteile & Nutzen"),
                                         ("pt_BR", "Visão geral", "Vantagens (&lt;3 dias)")):
        for msgctxt, text in ((OVERVIEW, overview), (ADVANTAGES, advantages)):
            drafted = entry(started, locale, msgctxt)
            assert drafted.msgstr == text
            assert drafted.flags == ["fuzzy"]
            assert drafted.tcomment == provenance.memory_line("people.tmx", text=text,
                                                              source=drafted.msgid)
            assert not provenance.is_machine(drafted)
        po = catalog.load(started / "locales" / locale / "LC_MESSAGES" / "miss.po")
        assert catalog.stats(po, locale).machine == 0
        path = started / "locales" / locale / "LC_MESSAGES" / "miss.po"
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    assert entry(started, "ar", OVERVIEW).msgstr == ""


def test_the_python_api_imports_and_returns_what_it_did(started: Path) -> None:
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    project = Project.load(started / "pyproject.toml")
    result = project.import_tm([started / "people.tmx"])
    [done] = result.imports
    assert (done.path, done.units) == (started / "people.tmx", 3)
    assert done.added == {"de": Added(new=2), "pt_BR": Added(new=2)}
    assert done.skipped == {"de": {"no segment in the source language": 1},
                            "fr": {"not one of the project's locales": 1},
                            "zh-TW": {"not one of the project's locales": 1}}
    again = project.import_tm([started / "people.tmx"]).imports[0].added
    assert again == {"de": Added(unchanged=2), "pt_BR": Added(unchanged=2)}
    drafted = project.translate(engine="apertium")
    assert {r.locale: r.from_people for r in drafted.translations} == {
        "de": 2, "ar": 0, "pt_BR": 2}


def test_importing_twice_adds_nothing(started: Path) -> None:
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx")[0] == 0
    rows = human_rows(started)
    code, output = invoke("tm", "import", "people.tmx")
    assert code == 0
    assert "  de: 0 imported (0 new, 0 updated), 2 already in the memory; 1 skipped " \
           "(1 no segment in the source language)\n" in output
    assert human_rows(started) == rows
    # a later file with another translation of the same source replaces it
    (started / "later.tmx").write_text(PEOPLE.replace("Überblick", "Übersicht"), "utf-8")
    code, output = invoke("tm", "import", "later.tmx", "-q")
    assert (code, output) == (0, "")
    assert ("en", "de", "Overview", "Übersicht", "later.tmx") in human_rows(started)
    assert len(human_rows(started)) == len(rows)


@pytest.mark.parametrize(("content", "message"), [
    (MALFORMED, "bad.tmx:9: not well-formed XML (Opening and ending tag mismatch: seg line 9 "
                "and tuv); fix the file or export it again from your CAT tool; nothing was "
                "imported"),
    (ENTITY, "bad.tmx:3: declares entities (lol, lol2), which are never expanded; remove the "
             "declarations and type the text itself; nothing was imported"),
    ("<xliff version='2.0'/>", "bad.tmx:1: not a TMX file (its root element is <xliff>, not "
                               "<tmx>); nothing was imported"),
    ("<tmx xmlns='urn:x' version='1.4'><header/><body/></tmx>",  # it said "<tmx>, not <tmx>"
     "bad.tmx:1: not a TMX file (its root element is <tmx> in namespace 'urn:x', not TMX "
     "1.4's <tmx>, which has none); nothing was imported"),
    ("", "bad.tmx:1: not well-formed XML (no element found); fix the file or export it "
         "again from your CAT tool; nothing was imported"),
    # iterparse says "no element found" at line 0; libxml2's own log says what and where
    ("<tmx version='1.4'>\n<header/>\n<body><tu><tuv xml:lang='en'><seg>a&nbsp;b</seg>",
     "bad.tmx:3: not well-formed XML (Entity 'nbsp' not defined); fix the file or export it "
     "again from your CAT tool; nothing was imported"),
    ("<tmx version='1.4'>\n<header/>\n</tmx>", "bad.tmx:1: not a TMX file (no <body>); "
                                               "nothing was imported"),
])
def test_a_bad_file_imports_nothing_not_even_the_good_one_before_it(
        started: Path, content: str, message: str) -> None:
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    (started / "bad.tmx").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["tm", "import", "people.tmx", "bad.tmx"])
    assert result.exit_code == 4
    assert result.output == f"error: {message}\n"
    assert human_rows(started) == []


def test_an_entity_is_never_expanded_into_the_memory(started: Path) -> None:
    (started / "bad.tmx").write_text(ENTITY, encoding="utf-8")
    assert CliRunner().invoke(main, ["tm", "import", "bad.tmx"]).exit_code == 4
    assert not any("Overview" in value for row in human_rows(started) for value in row)


@needs_gettext
def test_inline_codes_become_placeholders_only_where_they_map_exactly(started: Path) -> None:
    (started / "inline.tmx").write_text(INLINE, encoding="utf-8")
    assert invoke("tm", "import", "inline.tmx") == (0, """\
inline.tmx: 5 unit(s)
  ar: 1 imported (1 new, 0 updated), 0 already in the memory; 3 skipped (2 inline codes \
that differ from the source's, 1 inline codes that do not map to placeholders)
  de: 3 imported (3 new, 0 updated), 0 already in the memory; 2 skipped (2 inline codes \
that do not map to placeholders)
""")
    code, output = invoke("translate", "--engine", "apertium")
    assert code == 0, output
    assert "de: 3 draft(s) from human translations" in output
    for msgctxt, text in (
            (FUSION, "<1>Spondylodese</1>: Verbindung zweier oder mehrerer Wirbel zur "
                     "Stabilisierung der Wirbelsäule."),
            (PLASTY, "<2>Kyphoplastie</2> und <1>Vertebroplastie</1>: Verfahren zur "
                     "Stabilisierung komprimierter Wirbel und zur Schmerzlinderung."),
            (CREDITS, "<1>Nachweise:</1> Die meisten Bilder stammen von Wikimedia Commons, die "
                      "Vorlagen von Wikipedia, lizenziert unter <2/> o. Ä.")):
        drafted = entry(started, "de", msgctxt)
        assert (drafted.msgstr, drafted.flags) == (text, ["fuzzy"])
    assert entry(started, "de", OVERVIEW).msgstr == ""
    assert entry(started, "ar", ADVANTAGES).msgstr == "المزايا"
    assert entry(started, "ar", FUSION).msgstr == ""
    for locale in ("de", "ar"):
        path = started / "locales" / locale / "LC_MESSAGES" / "miss.po"
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


def test_only_untranslated_entries_and_machine_drafts_take_a_human_translation(
        started: Path) -> None:
    path = started / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    for item in po:
        if item.msgctxt == OVERVIEW:  # a person's translation: never touched
            item.msgstr = "Übersicht"
        elif item.msgctxt == ADVANTAGES:  # an engine's draft: a person's beats it
            item.msgstr = "Vorzüge"
            item.flags = ["fuzzy"]
            item.tcomment = "a note\nmachine-translated: argos translate-en_de-1_0 1.0 (en→de)"
    path.write_bytes(catalog.to_bytes(po))
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    code, output = invoke("translate", "--engine", "apertium", "-l", "de")
    assert code == 0, output
    kept = entry(started, "de", OVERVIEW)
    assert (kept.msgstr, kept.flags, kept.tcomment) == ("Übersicht", [], "")
    replaced = entry(started, "de", ADVANTAGES)
    assert (replaced.msgstr, replaced.flags, replaced.tcomment) == (
        "Vorteile & Nutzen", ["fuzzy"],
        "a note\n" + provenance.memory_line("people.tmx", text="Vorteile & Nutzen",
                                             source=replaced.msgid))
    # a second translate changes nothing
    before = path.read_bytes()
    assert invoke("translate", "--engine", "apertium", "-l", "de")[0] == 0
    assert path.read_bytes() == before


def _change_the_overview_heading(project: Path) -> None:
    page = project / "source" / "minimally-invasive-spine-surgery.html"
    page.write_text(page.read_text("utf-8").replace("<h2>Overview</h2>",
                                                    "<h2>Overview of the method</h2>"), "utf-8")
    code, output = invoke("run", "--engine", "apertium", "-q")
    assert code == 0, output


WAS = provenance.memory_line("people.tmx", text="Überblick", source="Overview")
"""The line of the memory's draft of the Overview heading."""
NEW_OVERVIEW = HEAD + """\
    <tu><tuv xml:lang="en"><seg>Overview of the method</seg></tuv>
      <tuv xml:lang="de"><seg>Überblick über die Methode</seg></tuv></tu>
""" + TAIL


def test_a_draft_from_the_memory_whose_source_changed_takes_the_new_translation(
        started: Path) -> None:
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    assert invoke("translate", "--engine", "apertium", "-q")[0] == 0
    _change_the_overview_heading(started)
    stale = entry(started, "de", OVERVIEW)
    assert (stale.msgstr, stale.flags, stale.previous_msgid, stale.tcomment) == (
        "Überblick", ["fuzzy"], "Overview", WAS)
    (started / "new.tmx").write_text(NEW_OVERVIEW, encoding="utf-8")
    assert invoke("tm", "import", "new.tmx", "-q") == (0, "")
    assert invoke("run", "--engine", "apertium", "-q")[0] == 0
    fresh = entry(started, "de", OVERVIEW)
    assert (fresh.msgid, fresh.msgstr, fresh.flags, fresh.previous_msgid, fresh.tcomment) == (
        "Overview of the method", "Überblick über die Methode", ["fuzzy"], None,
        provenance.memory_line("new.tmx", text="Überblick über die Methode",
                               source="Overview of the method"))


def test_a_memory_draft_a_plain_msgmerge_carried_to_a_changed_text_is_drafted_again(
        started: Path) -> None:
    """A translator's ``msgmerge`` without ``--previous`` moves a memory draft onto the
    changed text with no ``#| msgid``: it kept the old text's translation, counted and
    shown as a memory draft of the new one, though the memory holds the new text's. Its
    line names the digest of the text it translated now, as a machine draft's does."""
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    assert invoke("translate", "--engine", "apertium", "-q")[0] == 0
    path = started / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    [merged] = [e for e in po if e.msgctxt == OVERVIEW]
    merged.msgid = "Overview of the method"  # as msgmerge leaves it: fuzzy, no #| msgid
    path.write_bytes(catalog.to_bytes(po))
    page = started / "source" / "minimally-invasive-spine-surgery.html"
    page.write_text(page.read_text("utf-8").replace("<h2>Overview</h2>",
                                                    "<h2>Overview of the method</h2>"), "utf-8")
    (started / "new.tmx").write_text(NEW_OVERVIEW, encoding="utf-8")
    assert invoke("tm", "import", "new.tmx", "-q") == (0, "")
    assert invoke("run", "--engine", "apertium", "-q")[0] == 0
    fresh = entry(started, "de", OVERVIEW)
    assert (fresh.msgstr, fresh.tcomment) == (
        "Überblick über die Methode",
        provenance.memory_line("new.tmx", text="Überblick über die Methode",
                               source="Overview of the method"))


def test_a_draft_from_the_memory_a_person_edited_is_theirs_when_its_source_changes(
        started: Path) -> None:
    """A person edits a memory draft in the PO file and leaves it fuzzy: when its source
    changes, the memory's translation of the new source replaced their edit (the line had
    no digest to tell it from the memory's text, as a machine draft's has)."""
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    assert invoke("translate", "--engine", "apertium", "-q")[0] == 0
    path = started / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    path.write_text(path.read_text("utf-8").replace('msgstr "Überblick"',
                                                     'msgstr "Überblick (bearbeitet)"'), "utf-8")
    _change_the_overview_heading(started)
    (started / "new.tmx").write_text(NEW_OVERVIEW, encoding="utf-8")
    assert invoke("tm", "import", "new.tmx", "-q") == (0, "")
    assert invoke("run", "--engine", "apertium", "-q")[0] == 0
    kept = entry(started, "de", OVERVIEW)
    assert (kept.msgstr, kept.flags, kept.previous_msgid) == (
        "Überblick (bearbeitet)", ["fuzzy"], "Overview")
    assert kept.tcomment.startswith("edited translation memory draft: people.tmx")


def test_an_accepted_draft_from_the_memory_is_a_persons_work_when_its_source_changes(
        started: Path) -> None:
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    assert invoke("translate", "--engine", "apertium", "-q")[0] == 0
    path = started / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    for item in po:  # accepted as Poedit does: fuzzy cleared, the comment left
        if item.msgctxt == OVERVIEW:
            item.flags = []
    path.write_bytes(catalog.to_bytes(po))
    _change_the_overview_heading(started)
    (started / "new.tmx").write_text(NEW_OVERVIEW, encoding="utf-8")
    assert invoke("tm", "import", "new.tmx", "-q") == (0, "")
    assert invoke("run", "--engine", "apertium", "-q")[0] == 0
    kept = entry(started, "de", OVERVIEW)
    assert (kept.msgstr, kept.flags, kept.previous_msgid, kept.tcomment) == (
        "Überblick", ["fuzzy"], "Overview", "accepted " + WAS.replace(": ", " draft: ", 1))


def test_an_import_makes_the_next_run_draft_although_nothing_else_changed(
        started: Path) -> None:
    assert invoke("run", "--engine", "apertium", "-q")[0] == 0
    code, output = invoke("run", "--engine", "apertium")
    assert "nothing changed since the last run" in output
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    code, output = invoke("run", "--engine", "apertium")
    assert code == 0, output
    assert "nothing changed" not in output
    assert entry(started, "pt_BR", OVERVIEW).msgstr == "Visão geral"


@pytest.mark.parametrize(("tag", "locales", "expected"), [
    ("pt-BR", ("de", "pt_BR"), "pt_BR"),
    ("PT-br", ("de", "pt_BR"), "pt_BR"),
    ("pt_BR", ("pt", "pt_BR"), "pt_BR"),
    ("pt-PT", ("pt", "pt_BR"), "pt"),
    ("pt-PT", ("pt_BR",), None),
    ("zh-CN", ("zh", "ja"), "zh"),
    ("zh-Hans", ("zh",), "zh"),
    ("zh-TW", ("zh",), None),
    ("zh-TW", ("zh", "zh_Hant"), "zh_Hant"),
    ("de-AT", ("de",), "de"),
    ("EN-us", ("en",), "en"),
    ("iw", ("he",), "he"),
    ("x-klingon", ("de",), None),
    ("", ("de",), None),
])
def test_language_tags_match_the_project_locales(tag: str, locales: tuple[str, ...],
                                                 expected: str | None) -> None:
    assert match_locale(tag, locales) == expected


def test_a_page_showing_memory_drafts_says_so_in_its_own_notice(started: Path) -> None:
    """Not 'translated by machine', nor 'an earlier version of the text': a notice of its
    own, and the report counts them as drafts awaiting review."""
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx")[0] == 0
    code, output = invoke("run", "--engine", "apertium", "--include-fuzzy", "-q")
    assert code == 0, output
    po = catalog.load(started / "locales" / "de" / "LC_MESSAGES" / "miss.po")
    assert catalog.stats(po, "de").memory == 2
    page = next((started / "site" / "de").glob("*.html")).read_text("utf-8")
    assert 'data-miss-i18n="memory-notice"' in page
    assert 'data-miss-i18n="review-notice"' not in page
    assert 'data-miss-i18n="machine-notice"' not in page
    assert "Parts of this page come from a translation memory" in page


def _in_xliff(project: Path, target: str, state: str) -> None:
    """Export de, give the Overview unit ``target`` and ``state``, import it back."""
    assert invoke("xliff", "export", "-l", "de", "-q") == (0, "")
    xlf = project / "build" / "xliff" / "de.xlf"
    ns = "urn:oasis:names:tc:xliff:document:2.0"
    root = etree.fromstring(xlf.read_bytes())
    unit = next(u for u in root.iter(f"{{{ns}}}unit") if u.get("name") == OVERVIEW)
    segment = unit.find(f"{{{ns}}}segment")
    assert segment is not None
    segment.set("state", state)
    found = segment.find(f"{{{ns}}}target")
    assert found is not None
    found.text = target
    xlf.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    code, output = invoke("xliff", "import", str(xlf))
    assert code == 0, output
    assert "de: 1 entries updated" in output


def _edit_in_po(project: Path, text: str) -> None:
    """A translator's edit in the PO file: new text, fuzzy cleared (Poedit's "reviewed")."""
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    for item in po:
        if item.msgctxt == OVERVIEW:
            item.msgstr, item.flags = text, []
    path.write_bytes(catalog.to_bytes(po))


@pytest.mark.parametrize(("edit", "line"), [
    (lambda p: _in_xliff(p, "Überblick (vom Übersetzer)", "translated"),
     "edited " + WAS.replace(": ", " draft: ", 1)),
    (lambda p: _edit_in_po(p, "Überblick (vom Übersetzer)"),  # the person's words
     "edited " + WAS.replace(": ", " draft: ", 1)),
    (lambda p: (_edit_in_po(p, "Überblick (vom Übersetzer)"),  # accepted, then sent back
                _in_xliff(p, "Überblick (vom Übersetzer)", "translated")),
     "edited " + WAS.replace(": ", " draft: ", 1)),

], ids=["xliff-translated", "po-fuzzy-cleared", "accepted-then-translated"])
def test_a_translators_edit_of_a_memory_draft_survives_a_source_change(
        started: Path, edit: Callable[[Path], object], line: str) -> None:
    """adv2 #1: an edited memory draft is a person's translation: neither the memory's
    translation of the new source nor an engine replaces it; it stays, fuzzy with #|."""
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    assert invoke("translate", "--engine", "apertium", "-q")[0] == 0
    edit(started)
    mine = entry(started, "de", OVERVIEW)
    assert provenance.is_accepted(mine) or not provenance.is_draft(mine)
    (started / "new.tmx").write_text(NEW_OVERVIEW, encoding="utf-8")
    assert invoke("tm", "import", "new.tmx", "-q") == (0, "")
    _change_the_overview_heading(started)
    kept = entry(started, "de", OVERVIEW)
    assert (kept.msgid, kept.msgstr, kept.flags, kept.previous_msgid, kept.tcomment) == (
        "Overview of the method", "Überblick (vom Übersetzer)", ["fuzzy"], "Overview", line)
    assert invoke("run", "--engine", "apertium", "-q")[0] == 0  # and stays so
    assert entry(started, "de", OVERVIEW).msgstr == "Überblick (vom Übersetzer)"


LATER_OVERVIEW = HEAD + """\
    <tu><tuv xml:lang="en"><seg>Overview</seg></tuv>
      <tuv xml:lang="de"><seg>Übersicht</seg></tuv></tu>
""" + TAIL


def test_a_draft_from_the_memory_whose_text_only_moved_stays(started: Path) -> None:
    """A later file's translation of the same source replaces the earlier one in the
    memory, but a draft already made stays until its source changes. Its section renamed
    (a new context, the same text: `#| msgctxt`, `#| msgid` its own), the draft was made
    again from the memory, and so replaced by the later file's translation."""
    (started / "people.tmx").write_text(PEOPLE, encoding="utf-8")
    assert invoke("tm", "import", "people.tmx", "-q") == (0, "")
    assert invoke("translate", "--engine", "apertium", "-q")[0] == 0
    assert entry(started, "de", OVERVIEW).msgstr == "Überblick"
    (started / "later.tmx").write_text(LATER_OVERVIEW, encoding="utf-8")
    assert invoke("tm", "import", "later.tmx", "-q") == (0, "")
    page = started / "source" / "minimally-invasive-spine-surgery.html"
    page.write_text(page.read_text("utf-8").replace('<section id="overview">',
                                                    '<section id="summary">'), "utf-8")
    code, output = invoke("run", "--engine", "apertium")
    assert code == 0, output
    assert "de: 1 draft(s) from human translations" not in output
    moved = entry(started, "de", "minimally-invasive-spine-surgery:#summary/h2")
    assert (moved.msgstr, moved.flags, moved.previous_msgid, moved.tcomment) == (
        "Überblick", ["fuzzy"], "Overview", WAS)


def test_units_translating_a_text_differently_give_it_no_translation() -> None:
    """OmegaT exports a text's alternative translations as units of their own: which one
    fits a page cannot be told, so none is taken (the last silently won, and the import
    counted both as updated); a unit repeating another is taken once."""
    data = HEAD + """\
    <tu><tuv xml:lang="en"><seg>Smaller scars</seg></tuv>
        <tuv xml:lang="de"><seg>Kleinere Narben</seg></tuv>
        <tuv xml:lang="pt-BR"><seg>Cicatrizes menores</seg></tuv></tu>
    <tu><tuv xml:lang="en"><seg>Smaller scars</seg></tuv>
        <tuv xml:lang="de"><seg>Weniger Narben</seg></tuv>
        <tuv xml:lang="pt-BR"><seg>Cicatrizes menores</seg></tuv></tu>
""" + TAIL
    found = tmx.read(data.encode(), Path("alt.tmx"), source_locale="en",
                     locales=("en", "de", "pt_BR"))
    assert [(t.locale, t.target) for t in found.translations] == [
        ("pt_BR", "Cicatrizes menores")]
    assert found.skipped == {"de": {tmx.SEVERAL_UNITS: 2}}


def test_paired_codes_a_translation_reorders_match_by_x_not_by_i() -> None:
    """TMX 1.4b pairs a <bpt> with its <ept> by ``i``, unique only within one segment, and
    matches codes across a unit's languages by ``x``: a tool that numbers ``i`` in each
    segment's own order (and gives ``x``) had a translation that swaps two codes read with
    the placeholders on the wrong words, as a human translation. A code with ``x`` is
    matched by it; one without keeps ``i``."""
    data = HEAD + """\
    <tu><tuv xml:lang="en"><seg><bpt i="1" x="1">&lt;b&gt;</bpt>Vertebroplasty<ept i="1">\
&lt;/b&gt;</ept> and <bpt i="2" x="2">&lt;i&gt;</bpt>Kyphoplasty<ept i="2">&lt;/i&gt;</ept>\
</seg></tuv>
        <tuv xml:lang="de"><seg><bpt i="1" x="2">&lt;i&gt;</bpt>Kyphoplastie<ept i="1">\
&lt;/i&gt;</ept> und <bpt i="2" x="1">&lt;b&gt;</bpt>Vertebroplastie<ept i="2">&lt;/b&gt;\
</ept></seg></tuv>
        <tuv xml:lang="pt-BR"><seg><bpt i="2">&lt;i&gt;</bpt>Cifoplastia<ept i="2">&lt;/i&gt;\
</ept> e <bpt i="1">&lt;b&gt;</bpt>Vertebroplastia<ept i="1">&lt;/b&gt;</ept></seg></tuv></tu>
""" + TAIL
    found = tmx.read(data.encode(), Path("x.tmx"), source_locale="en",
                     locales=("de", "pt_BR"))
    assert [(t.locale, t.source, t.target) for t in found.translations] == [
        ("de", "<1>Vertebroplasty</1> and <2>Kyphoplasty</2>",
         "<2>Kyphoplastie</2> und <1>Vertebroplastie</1>"),
        ("pt_BR", "<1>Vertebroplasty</1> and <2>Kyphoplasty</2>",
         "<2>Cifoplastia</2> e <1>Vertebroplastia</1>")]
    assert found.skipped == {}


def test_a_memory_in_the_source_language_is_read_whatever_territory_its_tags_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project whose source locale is ``en_US`` skipped every unit whose source segment
    was tagged ``en`` (most TMX files) or ``en-GB``: 'no segment in the source language'.
    It is English: such a segment is the source (its text must still be a msgid's, whole);
    a segment tagged as the source locale itself comes first, the others then being
    languages the project lacks, as before."""
    root = make_project(tmp_path / "us", ("de",), source="en_US")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    (root / "us.tmx").write_text(HEAD + """\
    <tu><tuv xml:lang="en"><seg>Overview</seg></tuv>
        <tuv xml:lang="de"><seg>Überblick</seg></tuv></tu>
    <tu><tuv xml:lang="en-GB"><seg>Advantages</seg></tuv>
        <tuv xml:lang="de"><seg>Vorteile</seg></tuv></tu>
    <tu><tuv xml:lang="en-GB"><seg>Smaller scars</seg></tuv>
        <tuv xml:lang="EN-us"><seg>Less scarring</seg></tuv>
        <tuv xml:lang="de"><seg>Kleinere Narben</seg></tuv></tu>
    <tu><tuv xml:lang="fr"><seg>Aperçu</seg></tuv>
        <tuv xml:lang="de"><seg>Überblick</seg></tuv></tu>
""" + TAIL, encoding="utf-8")
    assert invoke("tm", "import", "us.tmx") == (0, """\
us.tmx: 4 unit(s)
  de: 3 imported (3 new, 0 updated), 0 already in the memory; 1 skipped (1 no segment in \
the source language)
  en-GB: 1 skipped (1 not one of the project's locales)
  fr: 1 skipped (1 not one of the project's locales)
""")
    assert human_rows(root) == [
        ("en_US", "de", "Advantages", "Vorteile", "us.tmx"),
        ("en_US", "de", "Less scarring", "Kleinere Narben", "us.tmx"),
        ("en_US", "de", "Overview", "Überblick", "us.tmx"),
    ]

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import get_plural

from conftest import ARTICLE, make_project
from helpers import invoke
from miss_i18n import catalog, provenance, summary
from miss_i18n.errors import CatalogError
from miss_i18n.model import Segment
from miss_i18n.segments import extract_page

CLOCK = datetime(2026, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 6, 1, tzinfo=UTC)
needs_gettext = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext missing")


def seg(context: str, msgid: str) -> Segment:
    return Segment("p.html", f"p:{context}", msgid, "", "Paragraph")


def pot(*segments: Segment) -> polib.POFile:
    return catalog.make_template(segments, previous=None, now=CLOCK)


def test_new_catalog_headers_come_from_cldr() -> None:
    result = catalog.merge(pot(seg("a", "Hello")), None, "ar")
    meta = result.catalog.metadata
    assert meta["Language"] == "ar"
    forms = get_plural("ar")  # CLDR's, as this Babel gives it (its releases differ)
    assert meta["Plural-Forms"] == f"nplurals=6; plural={forms.plural_expr};"
    assert forms.num_plurals == 6
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert not result.catalog.metadata_is_fuzzy
    assert result.added == 1


def test_merge_keeps_human_work_and_marks_changed_source_fuzzy() -> None:
    old = catalog.merge(pot(seg("a", "Hello"), seg("b", "Old text"), seg("c", "Gone")),
                        None, "de").catalog
    for entry, text in zip(old, ["Hallo", "Alter Text", "Weg"], strict=True):
        entry.msgstr = text
    old[0].tcomment = "checked by Anna"
    new = catalog.merge(pot(seg("a", "Hello"), seg("b", "New text"), seg("moved", "Hello")),
                        old, "de")
    kept, changed, moved, gone = new.catalog
    assert (kept.msgstr, kept.flags, kept.tcomment) == ("Hallo", [], "checked by Anna")
    assert (changed.msgstr, changed.flags, changed.previous_msgid) == (
        "Alter Text", ["fuzzy"], "Old text")
    assert (moved.msgstr, moved.flags, moved.previous_msgctxt) == ("Hallo", ["fuzzy"], "p:a")
    assert gone.obsolete and gone.msgstr == "Weg"
    assert (new.fuzzied, new.obsoleted) == (2, 1)
    # an obsolete translation comes back when its source does
    again = catalog.merge(pot(seg("c", "Gone")), new.catalog, "de").catalog
    assert again[0].msgstr == "Weg" and not again[0].obsolete


@pytest.mark.parametrize(("text", "kind"), [("Überblick", "accepted machine draft: "),
                                             ("Übersicht", "edited machine draft: ")])
def test_an_accepted_draft_s_history_says_whether_a_person_changed_its_text(
        text: str, kind: str) -> None:
    """A draft a person rewrote ("Überblick" to "Übersicht") and then accepted was carried
    to its changed source as "accepted machine draft: …", as if the machine's words had
    been taken: its draft line's digest tells the text is the person's, so it says so."""
    line = (f"machine-translated: argos m 1.0 (en→de); confidence 0.90; msgstr "
            f"{provenance.text_digest('Überblick')}")
    old = catalog.merge(pot(seg("h", "Overview")), None, "de").catalog
    old[0].msgstr, old[0].tcomment = text, line
    [entry] = catalog.merge(pot(seg("h", "An overview")), old, "de").catalog
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == (text, True, "Overview")
    assert entry.tcomment == kind + line.removeprefix("machine-translated: ")
    assert not provenance.is_draft(entry)  # no engine or memory replaces it


@needs_gettext
def test_a_source_changed_twice_keeps_the_source_its_translation_was_made_for(
        tmp_path: Path) -> None:
    """A person translated "Candidates"; the heading became "Good candidates" (fuzzy,
    `#| msgid "Candidates"`), then "Good candidates today" before anyone reviewed it. The
    `#| msgid` became "Good candidates", a text the translation was never made for, so the
    reviewer's diff was wrong; msgmerge --previous keeps "Candidates", and so does update."""
    old = catalog.merge(pot(seg("h", "Candidates")), None, "de").catalog
    old[0].msgstr = "Kandidaten"
    once = catalog.merge(pot(seg("h", "Good candidates")), old, "de").catalog
    assert once[0].previous_msgid == "Candidates"
    twice = catalog.merge(pot(seg("h", "Good candidates today")), once, "de").catalog
    assert (twice[0].msgstr, twice[0].fuzzy, twice[0].previous_msgid) == (
        "Kandidaten", True, "Candidates")
    (tmp_path / "old.po").write_bytes(catalog.to_bytes(once))
    (tmp_path / "new.pot").write_bytes(catalog.to_bytes(pot(seg("h", "Good candidates today"))))
    merged = subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", "old.po", "new.pot"],
                            cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert '#| msgid "Candidates"\n' in merged


def test_a_list_item_removed_leaves_each_later_item_its_own_translation() -> None:
    """Removing one list item renumbers the later items' contexts: an item whose text a
    person translated keeps that translation as it was (it only moved among the list's
    items), an untranslated one that moved into the removed item's place does not take
    that item's translation (another text's), which becomes obsolete, and no translation
    of a text still on the page does."""
    old = catalog.merge(pot(seg("li", "Alpha"), seg("li[2]", "Bravo"), seg("li[3]", "Charlie"),
                            seg("li[4]", "Delta")), None, "de").catalog
    for entry, text in zip(old, ["Alfa", "", "Charlie!", "Delta!"], strict=True):
        entry.msgstr = text
    new = catalog.merge(pot(seg("li", "Bravo"), seg("li[2]", "Charlie"), seg("li[3]", "Delta")),
                        old, "de")
    bravo, charlie, delta, alpha = new.catalog
    assert (bravo.msgstr, bravo.fuzzy, bravo.previous_msgid) == ("", False, None)
    assert (charlie.msgstr, charlie.flags, charlie.previous_msgctxt) == ("Charlie!", [], None)
    assert (delta.msgstr, delta.flags, delta.previous_msgctxt) == ("Delta!", [], None)
    assert (alpha.msgid, alpha.msgstr, alpha.obsolete) == ("Alpha", "Alfa", True)
    assert (new.fuzzied, new.obsoleted) == (0, 1)


def test_a_text_moved_to_another_kind_of_place_or_page_is_for_review() -> None:
    """A translation follows its text as it was only among the same kind of elements of
    one page (``li[3]`` to ``li[2]``); to a heading, or to another page, it is fuzzy with
    ``#| msgctxt`` naming where it was, as msgmerge makes it."""
    old = catalog.merge(pot(seg("li", "Alpha"), seg("li[2]", "Bravo")), None, "de").catalog
    old[0].msgstr, old[1].msgstr = "Alfa", "Brav"
    template = pot(seg("h2", "Alpha"), Segment("q.html", "q:li[2]", "Bravo", "", "Item"))
    alpha, bravo = catalog.merge(template, old, "de").catalog
    assert (alpha.msgstr, alpha.flags, alpha.previous_msgctxt) == ("Alfa", ["fuzzy"], "p:li")
    assert (bravo.msgstr, bravo.flags, bravo.previous_msgctxt) == ("Brav", ["fuzzy"], "p:li[2]")


def test_an_item_inserted_above_leaves_each_draft_with_its_own_text() -> None:
    """An item inserted at the top of a list renumbers the others: a draft (fuzzy, a
    machine's or a person's) follows its own text, not the place it held, where the item
    after it showed it as its own."""
    old = catalog.merge(pot(seg("li", "Alpha"), seg("li[2]", "Bravo")), None, "de").catalog
    old[0].msgstr, old[0].flags = "Alfa?", ["fuzzy"]
    old[1].msgstr, old[1].flags = "Brav?", ["fuzzy"]
    old[1].tcomment = provenance.machine_line("argos x 1.0 (en→de)", text="Brav?")
    new = catalog.merge(pot(seg("li", "New"), seg("li[2]", "Alpha"), seg("li[3]", "Bravo")),
                        old, "de").catalog
    fresh, alpha, bravo = new
    assert fresh.msgstr == ""
    assert (alpha.msgstr, alpha.flags, alpha.previous_msgctxt) == ("Alfa?", ["fuzzy"], "p:li")
    assert (bravo.msgstr, bravo.tcomment) == ("Brav?", old[1].tcomment)
    # where a person's translation of the text is elsewhere too, it goes before a draft
    accepted = catalog.merge(pot(seg("li", "Alpha"), seg("li[2]", "Bravo"), seg("x", "Bravo")),
                             None, "de").catalog
    accepted[1].msgstr, accepted[1].flags = "Brav?", ["fuzzy"]
    accepted[2].msgstr = "Brav!"
    moved = catalog.merge(pot(seg("li", "Bravo"), seg("x", "Bravo")), accepted, "de").catalog
    assert (moved[0].msgstr, moved[0].previous_msgctxt) == ("Brav!", "p:x")
    # a draft of an earlier source, moved, still names that source
    old[0].previous_msgid = "Alpha, before"
    new = catalog.merge(pot(seg("li", "New"), seg("li[2]", "Alpha")), old, "de").catalog
    assert (new[1].previous_msgctxt, new[1].previous_msgid) == ("p:li", "Alpha, before")


def test_template_date_changes_only_with_content() -> None:
    first = pot(seg("a", "Hello"))
    same = catalog.make_template([seg("a", "Hello")], previous=first, now=LATER)
    assert catalog.render(same) == catalog.render(first)
    other = catalog.make_template([seg("a", "Hi")], previous=first, now=LATER)
    assert other.metadata["POT-Creation-Date"] == "2026-06-01 00:00+0000"
    # fewer, more, renamed or obsolete entries: a new date too
    two = pot(seg("a", "Hello"), seg("b", "Bye"))
    with_obsolete = pot(seg("a", "Hello"))
    with_obsolete.append(polib.POEntry(msgctxt="p:z", msgid="Gone", obsolete=True))
    for before, segments in [(two, [seg("a", "Hello")]), (first, [seg("a", "Hello"),
                             seg("b", "Bye")]), (first, [seg("x", "Hello")]),
                             (with_obsolete, [seg("a", "Hello")])]:
        made = catalog.make_template(segments, previous=before, now=LATER)
        assert made.metadata["POT-Creation-Date"] == "2026-06-01 00:00+0000", segments


def test_stats_never_count_fuzzy_as_translated() -> None:
    po = catalog.merge(pot(seg("a", "A"), seg("b", "B"), seg("c", "C")), None, "de").catalog
    po[0].msgstr = "A!"
    po[1].msgstr, po[1].flags = "B?", ["fuzzy"]
    stats = catalog.stats(po, "de")
    assert (stats.total, stats.translated, stats.fuzzy, stats.untranslated) == (3, 1, 1, 1)


def test_a_persons_plural_entry_counts_as_msgfmt_counts_it() -> None:
    """A plural entry a person added (the template has none): fuzzy with its forms filled
    counted as untranslated (msgfmt --statistics: fuzzy), and, translated, it kept a
    fully translated locale a preview (no page shows it, yet it counted as text not shown:
    45% of a catalog with 12 of them)."""
    po = catalog.merge(pot(seg("a", "A")), None, "de").catalog
    po[0].msgstr = "A!"
    po.append(polib.POEntry(msgid="pear", msgid_plural="pears", flags=["fuzzy"],
                            msgstr_plural={0: "Birne", 1: "Birnen"}))
    po.append(polib.POEntry(msgid="apple", msgid_plural="apples",
                            msgstr_plural={0: "Apfel", 1: "Äpfel"}))
    stats = catalog.stats(po, "de")
    assert (stats.total, stats.translated, stats.fuzzy, stats.untranslated) == (3, 2, 1, 0)
    assert summary.shown_percent(po, include_fuzzy=False) == 100.0


@needs_gettext
def test_written_files_are_gettext_canonical(tmp_path: Path) -> None:
    segments = extract_page(ARTICLE, ARTICLE.name)
    po = catalog.merge(catalog.make_template(segments, previous=None, now=CLOCK), None, "de")
    po.catalog[3].msgstr = 'Mit "Anführungszeichen"\nund Zeilenumbruch'
    po.catalog[4].msgstr, po.catalog[4].flags = "Unsicher", ["fuzzy"]
    path = tmp_path / "de.po"
    path.write_bytes(catalog.to_bytes(po.catalog))
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert canonical == path.read_bytes()
    assert catalog.render(catalog.load(path)) == path.read_text()
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "de.mo"), str(path)], check=True)


@needs_gettext
def test_a_persons_comment_lines_are_kept_as_msgcat_keeps_them(tmp_path: Path) -> None:
    """Trailing spaces, an empty line, indentation: read and written back as msgcat
    --no-wrap writes them."""
    path = tmp_path / "de.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                     b"# note  \n# \n#\n#  indented\n#   \nmsgid \"a\"\nmsgstr \"b\"\n")
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert catalog.to_bytes(catalog.load(path)) == canonical
    assert catalog.load(path)[0].tcomment == "note  \n\n\n indented\n  "


@needs_gettext
def test_a_comment_line_of_two_hashes_keeps_them_as_msgcat_does(tmp_path: Path) -> None:
    """A translator's ``## TODO: check the term`` (or ``##`` in the header's comment) is
    their words: msgcat --no-wrap writes it ``# # TODO: …``; it was written ``# TODO: …``,
    a ``#`` lost and the file differing from what gettext tools write of it."""
    path = tmp_path / "de.po"
    path.write_bytes(b"## Team notes\n#\nmsgid \"\"\nmsgstr \"\"\n"
                     b"\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
                     b"## TODO: check the term\n###\n##x\nmsgid \"a\"\nmsgstr \"b\"\n")
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert catalog.to_bytes(catalog.load(path)) == canonical
    assert catalog.load(path)[0].tcomment == "# TODO: check the term\n##\n#x"


@needs_gettext
def test_a_page_with_nothing_to_translate_leaves_the_catalogs_canonical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page without text has no entries: the template and the catalogs `run` writes
    are still what msgcat --no-wrap writes (no blank line for it), run after run."""
    root = make_project(tmp_path / "p", ("de", "ar"))
    (root / "source" / "figure.html").write_text('<html><body><img src="x.png"></body></html>')
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    for _ in range(2):
        assert invoke("run", "--no-translate", "-q")[0] == 0
        for path in [root / "locales" / "miss.pot",
                     *sorted((root / "locales").glob("*/LC_MESSAGES/miss.po"))]:
            canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                                       check=True).stdout
            assert canonical == path.read_bytes(), path
        (root / "source" / "figure.html").write_text(
            '<html><body><img src="y.png"></body></html>')  # extracted again, still empty


def test_a_missing_or_broken_catalog_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog does not exist"):
        catalog.load(tmp_path / "nope.po")
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "b"\nnonsense here\n')
    with pytest.raises(CatalogError) as caught:
        catalog.load(broken)
    assert str(caught.value) == (
        f"{broken}:3: unknown keyword 'nonsense'; put text in quotes (the keywords are "
        "msgctxt, msgid, msgid_plural, msgstr)")


def test_a_merged_entry_is_what_polibs_constructor_makes() -> None:
    """merge and make_template build their entries without polib's constructor
    (catalog._fresh_entry): the same attributes, in the same order, as it gives."""
    source = polib.POEntry(msgctxt="page:#a/p", msgid="Hello <1>world</1>",
                           occurrences=[("page.html#a", "")], comment="A paragraph.")
    made = catalog._template_entry(source)
    expected = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, msgstr="",
                             occurrences=list(source.occurrences), comment=source.comment)
    assert list(vars(made).items()) == list(vars(expected).items())
    assert made.occurrences is not source.occurrences


def _plural(context: str | None, msgid: str, forms: list[str], **kwargs: object
            ) -> polib.POEntry:
    return polib.POEntry(msgctxt=context, msgid=msgid, msgid_plural=msgid + "s",
                         msgstr_plural=dict(enumerate(forms)), **kwargs)


def test_merge_keeps_every_plural_form_a_person_wrote() -> None:
    """The template has no plural entries. A plural one whose key leaves (or was never
    there) becomes obsolete whole, as msgmerge keeps it; one that meets a singular entry
    of its key gives it its first form, fuzzy, and keeps every form on comment lines (an
    obsolete copy would be a second entry of the key, which msgfmt refuses); one whose
    context alone is the template's lends nothing and becomes obsolete."""
    old = catalog.merge(pot(seg("a", "Sub"), seg("b", "Text"), seg("c", "Gone")),
                        None, "de").catalog
    old[0].msgid_plural, old[0].msgstr_plural = "Subs", {0: "Unterseite", 1: 'Unter\n"seiten"'}
    old[1].msgid_plural, old[1].msgstr_plural = "Texts", {0: "Text", 1: "Texte"}
    old[2].msgstr, old[2].flags, old[2].previous_msgid = "Weg", ["fuzzy"], "Went"
    old.append(_plural(None, "apple", ["Apfel", "Äpfel"], tcomment="von Anna"))
    old.append(_plural(None, "pear", ["", ""]))  # nothing translated: dropped, as msgmerge
    old.append(_plural(None, "plum", ["", "Pflaumen"]))  # msgmerge drops it; we keep it
    merged = catalog.merge(pot(seg("a", "Sub"), seg("b", "New text")), old, "de")
    sub, text, *obsolete = merged.catalog
    assert (sub.msgid_plural, sub.msgstr, sub.flags) == ("", "Unterseite", ["fuzzy"])
    assert (sub.previous_msgid, sub.previous_msgid_plural) == ("Sub", "Subs")
    assert sub.tcomment == ('was plural: msgstr[0] "Unterseite"\n'
                            'was plural: msgstr[1] "Unter\\n\\"seiten\\""')
    assert (text.msgstr, text.flags, text.previous_msgid) == ("", [], None)
    assert [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural, e.tcomment,
             e.flags, e.previous_msgid) for e in obsolete] == [
        ("p:b", "Text", "Texts", "", {0: "Text", 1: "Texte"}, "", [], None),
        ("p:c", "Gone", "", "Weg", {}, "", ["fuzzy"], "Went"),
        (None, "apple", "apples", "", {0: "Apfel", 1: "Äpfel"}, "von Anna", [], None),
        (None, "plum", "plums", "", {0: "", 1: "Pflaumen"}, "", [], None)]
    assert all(e.obsolete for e in obsolete)
    assert (merged.added, merged.fuzzied, merged.obsoleted) == (1, 1, 4)
    # merged again: nothing changes (the singular entry is an exact match now)
    again = catalog.merge(pot(seg("a", "Sub"), seg("b", "New text")), merged.catalog, "de")
    assert catalog.render(again.catalog) == catalog.render(merged.catalog)


def _catalog_path(root: Path, locale: str = "de") -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / "miss.po"


def _assert_gettext_accepts(path: Path) -> None:
    """msgfmt --check accepts the catalog, and it is what msgcat --no-wrap writes of it."""
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert canonical == path.read_bytes()


@needs_gettext
def test_a_plural_entry_not_in_the_template_is_kept_obsolete_whole(project: Path) -> None:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    path.write_bytes(path.read_bytes() + 'msgid "apple"\nmsgid_plural "apples"\n'
                     'msgstr[0] "Apfel"\nmsgstr[1] "Äpfel"\n'.encode())
    for _ in range(2):  # the second run finds it obsolete already
        assert invoke("run", "--no-translate", "-q")[0] == 0
        assert path.read_text("utf-8").endswith(
            '\n\n#~ msgid "apple"\n#~ msgid_plural "apples"\n#~ msgstr[0] "Apfel"\n'
            '#~ msgstr[1] "Äpfel"\n')
        _assert_gettext_accepts(path)


@needs_gettext
def test_a_note_on_an_untranslated_entry_outlives_a_source_change(project: Path) -> None:
    """A translator's note on an entry they have not translated yet (``# TODO: ask the
    author``) was dropped when the source text changed (the new entry took nothing from
    the old one) or went (only translated entries became obsolete): it stays, on the
    changed entry or on an obsolete one, as msgcat keeps such an entry."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    page = project / "source" / ARTICLE.name
    notes = {"Overview": "TODO: ask the author", "Smaller scars": "Begriff klären"}
    text = path.read_text("utf-8")
    for msgid, note in notes.items():
        assert text.count(f'\nmsgid "{msgid}"\nmsgstr ""\n') == 1
        start = text.rindex("\n\n", 0, text.index(f'\nmsgid "{msgid}"\n')) + 2
        text = f"{text[:start]}# {note}\n{text[start:]}"
    path.write_text(text, "utf-8")
    assert invoke("run", "--no-translate", "-q")[0] == 0  # the catalog as edited, whole
    html = page.read_text()
    page.write_text(html.replace("<h2>Overview</h2>", "<h2>An overview</h2>")
                    .replace("<li>Smaller scars</li>", ""))
    for _ in range(2):  # the update from the record (incremental), then an unchanged rerun
        assert invoke("run", "--no-translate", "-q")[0] == 0
        text = path.read_text("utf-8")
        assert '# TODO: ask the author\n#. Section heading\n' in text
        assert 'msgid "An overview"' in text.split("# TODO: ask the author\n", 1)[1][:200]
        assert text.endswith('\n\n# Begriff klären\n#~ msgctxt "minimally-invasive-spine-'
                             'surgery:#advantages/ul/li[7]"\n#~ msgid "Smaller scars"\n'
                             '#~ msgstr ""\n')
        # (msgcat would drop that entry, note and all: kept here, as on reading)
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)


@needs_gettext
def test_no_comment_line_is_written_ending_in_a_backslash(project: Path) -> None:
    """gettext joins a line ending in a backslash to the next one: a ``#:`` line naming an
    element ``id="x\\"``, or a translator's note ending in one (kept from a CRLF file,
    where gettext does not join), was written so, and msgfmt, Poedit (and, reading it as
    gettext does, the next run) took the entry's msgctxt or ``#, fuzzy`` line for part of
    the comment. Such a line is written with a space after the backslash."""
    (project / "source" / "id.html").write_text(
        '<!doctype html><html lang="en"><head><title>T</title></head><body>'
        '<p id="x\\">Hello there</p></body></html>\n')
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    data = path.read_bytes().replace(b'msgid "Hello there"\nmsgstr ""',
                                     b'msgid "Hello there"\nmsgstr "Hallo"')
    start = data.index(b"\n\n", data.index(b"#. Main heading") - 200) + 2
    data = data[:start] + b"# siehe C:\\\n" + data[start:]  # a note ending in a backslash
    path.write_bytes(data.replace(b"\n", b"\r\n"))  # from a CRLF editor: not joined there
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    for _ in range(2):
        assert invoke("run", "--no-translate", "-q")[0] == 0
        for written in (path, project / "locales" / "miss.pot"):
            subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(written)], check=True)
            assert b"\\\n" not in written.read_bytes()
        text = path.read_text("utf-8")
        assert '#: id.html#x\\ \nmsgctxt "id:#x\\\\"\nmsgid "Hello there"\nmsgstr "Hallo"' in text
        assert "# siehe C:\\ \n#. Main heading\n" in text
        found = {e.msgid: e for e in catalog.load(path)}
        assert (found["Hello there"].msgctxt, found["Hello there"].translated()) == (
            "id:#x\\", True)


@needs_gettext
def test_a_plural_entry_of_a_template_key_keeps_its_forms(project: Path) -> None:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    entry = next(e for e in catalog.load(path) if e.msgctxt and e.msgctxt.endswith("title"))
    lines = [f'msgctxt "{entry.msgctxt}"', f'msgid "{entry.msgid}"']
    assert "\n".join([*lines, 'msgstr ""']) in path.read_text("utf-8")
    plural = [*lines, 'msgid_plural "Subs"', 'msgstr[0] "Unterseite"',
              'msgstr[1] "Unterseiten"']
    path.write_text(path.read_text("utf-8").replace("\n".join([*lines, 'msgstr ""']),
                                                    "\n".join(plural)), "utf-8")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    for _ in range(2):  # then an exact match, kept as it is
        assert invoke("run", "--no-translate", "-q")[0] == 0
        kept = "\n".join(['# was plural: msgstr[0] "Unterseite"',
                          '# was plural: msgstr[1] "Unterseiten"', "#. Page title"])
        text = path.read_text("utf-8")
        assert kept in text
        assert "\n".join(['#, fuzzy', f'#| msgid "{entry.msgid}"', '#| msgid_plural "Subs"',
                          *lines, 'msgstr "Unterseite"']) in text
        assert "#~" not in text
        _assert_gettext_accepts(path)


@needs_gettext
@pytest.mark.parametrize(("forms", "kept"), [
    ("nplurals=2; plural=(n != 1;", False), ("nplurals=1; plural=(n != 1);", False),
    ("nplurals=x; plural=(n != 1);", False), ("nplurals=2; plural=n / 0;", False),
    ("nplurals=2; plural=n != 1;", True), ("nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);", True),
])
def test_update_writes_no_plural_forms_msgfmt_check_refuses(
        tmp_path: Path, forms: str, kept: bool) -> None:
    """A hand-edited Plural-Forms that msgfmt --check refuses (Poedit and Weblate run it)
    is not written back: the catalog gets CLDR's, as one without the field does. One that
    msgfmt takes is the translator's, kept (check warns where it is not CLDR's)."""
    old = catalog.merge(pot(seg("a", "Hello")), None, "de").catalog
    old.metadata["Plural-Forms"] = forms
    old[0].msgstr = "Hallo"
    merged = catalog.merge(pot(seg("a", "Hello")), old, "de").catalog
    assert merged.metadata["Plural-Forms"] == (forms if kept else catalog.plural_forms("de"))
    path = tmp_path / "de.po"
    path.write_bytes(catalog.to_bytes(merged))
    subprocess.run(["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(path)],
                   check=True, capture_output=True)
    assert merged[0].msgstr == "Hallo"


@needs_gettext
def test_a_page_name_with_a_space_is_one_reference_everywhere(project: Path) -> None:
    """A page named ``my page.html`` was written raw on the ``#:`` lines, which gettext,
    ``status --format json`` and the XLIFF notes read as two references, ``my`` and
    ``page.html#lead``. It is written as GNU gettext writes such a name, between U+2068 and
    U+2069 (which msgcat and msgmerge keep), and read back whole."""
    import json  # noqa: PLC0415
    from xml.etree import ElementTree  # noqa: PLC0415

    (project / "source" / "my page.html").write_text(
        "<html><head><title>Mine</title></head><body><p id='lead'>Spaced out</p></body></html>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    pot = project / "locales" / "miss.pot"
    de = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    assert "\n#: \u2068my page.html#lead\u2069\n" in pot.read_text(encoding="utf-8")
    for path in (pot, de):
        assert subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                              check=True).stdout == path.read_bytes()
    merged = subprocess.run(["msgmerge", "-q", "--no-wrap", str(de), str(pot)],
                            capture_output=True, check=True).stdout.decode()
    assert "\n#: \u2068my page.html#lead\u2069\n" in merged
    po = catalog.load(de)
    [entry] = [e for e in po if e.msgid == "Spaced out"]
    assert entry.occurrences == [("my page.html#lead", "")]
    entry.msgstr, entry.flags = "Ausgespart", ["fuzzy"]
    entry.tcomment = "machine-translated: argos m 1.0 (en→de); confidence 0.50"
    de.write_bytes(catalog.to_bytes(po))
    code, output = invoke("status", "--least-confident", "1", "-l", "de", "--format", "json")
    assert code == 0, output
    [row] = json.loads(output)
    assert [d["references"] for d in row["least_confident"]] == [["my page.html#lead"]]
    assert invoke("xliff", "export", "-l", "de", "-q")[0] == 0
    notes = [note.text for note in ElementTree.parse(project / "build" / "xliff" / "de.xlf")
             .iter("{urn:oasis:names:tc:xliff:document:2.0}note")
             if note.get("category") == "po:reference"]
    assert "my page.html#lead" in notes and "my" not in notes


def test_a_reference_line_is_read_as_gnu_gettext_reads_it(tmp_path: Path) -> None:
    """Names between U+2068 and U+2069 are whole (a line number after them); others end at
    a space."""
    path = tmp_path / "de.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    "#: \u2068a b.c\u2069:12 other.c:3 \u2068x y.html#z\u2069 plain.html\n"
                    'msgid "a"\nmsgstr ""\n', encoding="utf-8")
    [entry] = catalog.load(path)
    assert entry.occurrences == [("a b.c", "12"), ("other.c", "3"), ("x y.html#z", ""),
                                 ("plain.html", "")]
    line = "#: \u2068a b.c\u2069:12 other.c:3 \u2068x y.html#z\u2069 plain.html\n"
    assert line in catalog.to_bytes(catalog.load(path)).decode()


@needs_gettext
def test_an_entry_with_two_flag_lines_has_the_last_ones_flags_as_gettext_reads_it(
        tmp_path: Path) -> None:
    """gettext takes an entry's flags from its last ``#,`` line alone (msgfmt --statistics
    counts ``#, fuzzy`` then ``#, no-wrap`` translated, msgcat keeps ``#, no-wrap``): a
    hand edit that added a second line read as fuzzy here, so a translation msgfmt
    compiles was left off the pages, and was written back with both flags."""
    path = tmp_path / "de.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    '#, fuzzy\n#, no-wrap\nmsgid "a"\nmsgstr "b"\n\n'
                    '#, no-wrap\n#, fuzzy\nmsgid "c"\nmsgstr "d"\n')
    stats = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
                           capture_output=True, text=True, check=True).stderr
    assert "1 translated message, 1 fuzzy translation" in stats
    po = catalog.load(path)
    assert [(e.msgid, e.flags) for e in po] == [("a", ["no-wrap"]), ("c", ["fuzzy"])]
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert catalog.render(po).encode() == canonical


@needs_gettext
@pytest.mark.parametrize("command", [("update", "-q"), ("run", "--no-translate", "-q")])
def test_a_lone_hash_comment_line_is_kept_as_msgcat_keeps_it(
        project: Path, command: tuple[str, ...]) -> None:
    """A ``#`` with no text (a blank line a translator typed in their comment) as the only
    comment line of an entry, or of the header, was dropped on rewrite (and the header's
    then replaced by ours), where msgcat --no-wrap keeps it; one between other lines was
    kept. Every rewrite keeps it as msgcat writes it."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    text = path.read_text("utf-8")
    header_comment = text[:text.index('msgid ""\n')]
    text = "#\n" + text[len(header_comment):]
    for heading, comment in (("Overview", "#\n"), ("Advantages", "# first\n#\n# second\n")):
        start = text.rindex("\n\n", 0, text.index(f'\nmsgid "{heading}"\n')) + 2
        text = f"{text[:start]}{comment}{text[start:]}"
    path.write_text(text, "utf-8")
    _assert_gettext_accepts(path)  # as msgcat writes it
    for _ in range(2):
        assert invoke(*command)[0] == 0
        assert path.read_text("utf-8") == text
    assert catalog.load(path).header == ""
    assert catalog.render(catalog.load(path)) == text


@needs_gettext
@pytest.mark.parametrize("command", [("update", "-q"), ("run", "--no-translate", "-q")])
def test_a_fuzzy_header_stays_fuzzy_as_msgmerge_keeps_it(
        project: Path, command: tuple[str, ...]) -> None:
    """``update`` (and ``run``) cleared a ``#, fuzzy`` flag on the header, which msgmerge
    keeps with the header's comments (msgfmt compiles the header all the same; ``check``
    reports it, for the person to clear). The flag and comments stay; our fields are
    refreshed as before."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    text = path.read_text("utf-8")
    text = text.replace('\nmsgid ""\n', '\n#, fuzzy\nmsgid ""\n', 1)
    path.write_text(text, "utf-8")
    _assert_gettext_accepts(path)
    merged = subprocess.run(["msgmerge", "--no-wrap", "-q", "--previous", str(path),
                             str(project / "locales" / "miss.pot")],
                            capture_output=True, check=True, text=True).stdout
    assert "\n#, fuzzy\nmsgid \"\"\n" in merged
    for _ in range(2):
        invoke(*command)
        assert path.read_text("utf-8") == text
    assert catalog.load(path).metadata_is_fuzzy
    code, output = invoke("check", "-q")
    assert code == 1 and "header-fuzzy" in output
    page = project / "source" / ARTICLE.name  # a source change: merged from the record
    page.write_text(page.read_text().replace("<h2>Overview</h2>", "<h2>An overview</h2>"))
    assert invoke("run", "--no-translate", "-q")[0] == 0
    assert '\n#, fuzzy\nmsgid ""\n' in path.read_text("utf-8")
    _assert_gettext_accepts(path)


# A header as a translator's tools leave it: Poedit's fields, a team, a comment with an
# empty line, and the extracted comment, places and format flags msgcat keeps on it.
EDITED_HEADER = '''\
# Jane's German catalog.
#
# Copyright (C) 2026 Jane Doe
#. header note for translators
#: somewhere.c:12 other.c
#, fuzzy, c-format, no-wrap
msgid ""
'''


def _translator_header(path: Path) -> str:
    """The catalog with EDITED_HEADER's comments and a translator's fields; its text."""
    text = path.read_text("utf-8")
    start = text.index('msgid ""\n')
    text = EDITED_HEADER + text[start + len('msgid ""\n'):]
    text = text.replace('"Last-Translator: \\n"',
                        '"Last-Translator: Jane Doe <jane@example.org>\\n"')
    text = text.replace('"Language-Team: German\\n"', '"Language-Team: German <de@li.org>\\n"')
    text = text.replace('plural=(n != 1);\\n"\n', 'plural=(n != 1);\\n"\n'
                        '"X-Generator: Poedit 3.4\\n"\n"X-Poedit-Basepath: ..\\n"\n'
                        '"X-Poedit-SearchPath-0: .\\n"\n', 1)
    path.write_text(text, "utf-8")
    _assert_gettext_accepts(path)
    return text


def _header(text: str) -> str:
    return text[:text.index("\n\n")]


def _drafted_from_memory(project: Path) -> tuple[int, str]:
    """``translate`` of de after a memory gave "Overview" its translation: the catalog
    rewritten with one memory draft (and Apertium's)."""
    (project / "one.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="en" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>Overview</seg></tuv>'
        '<tuv xml:lang="de"><seg>Überblick</seg></tuv></tu></body></tmx>\n', "utf-8")
    assert invoke("tm", "import", "one.tmx", "-q") == (0, "")
    return invoke("translate", "--engine", "apertium", "-l", "de")


def _imported_from_xliff(project: Path) -> tuple[int, str]:
    """``xliff import`` of de's export with "Advantages" translated in it."""
    assert invoke("xliff", "export", "-l", "de", "-q") == (0, "")
    xlf = project / "build" / "xliff" / "de.xlf"
    xlf.write_bytes(xlf.read_bytes().replace(
        b'<source xml:space="preserve">Advantages</source>',
        b'<source xml:space="preserve">Advantages</source><target>Vorteile</target>'))
    return invoke("xliff", "import", str(xlf))


@needs_gettext
def test_a_header_a_translator_edited_survives_translate_and_xliff_import(
        project: Path) -> None:
    """``translate`` and ``xliff import`` rewrite a catalog as msgcat does (no merge): they
    dropped the header's ``#.`` and ``#:`` lines and its flags other than fuzzy, which
    msgcat keeps. The header now comes back as it was, fields and comments; ``update``
    still writes it as msgmerge does (which drops them)."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    text = _translator_header(path)
    assert "#. header note" in _header(text) and "X-Poedit-Basepath" in _header(text)
    code, output = _drafted_from_memory(project)
    assert code == 0 and "1 draft(s) from human translations" in output, output
    assert "Überblick" in path.read_text("utf-8")
    assert _header(path.read_text("utf-8")) == _header(text)
    _assert_gettext_accepts(path)

    code, output = _imported_from_xliff(project)
    assert code == 0 and "1 entries updated" in output, output
    assert 'msgstr "Vorteile"' in path.read_text("utf-8")
    assert _header(path.read_text("utf-8")) == _header(text)
    _assert_gettext_accepts(path)

    merged = subprocess.run(["msgmerge", "--no-wrap", "-q", "--previous", str(path),
                             str(project / "locales" / "miss.pot")],
                            capture_output=True, check=True, text=True).stdout
    assert invoke("update", "-q") == (0, "")
    assert path.read_text("utf-8") == merged


@needs_gettext
@pytest.mark.parametrize("command", [("update", "-q"), ("run", "--no-translate", "-q")])
def test_a_header_comment_a_person_removed_does_not_come_back(
        project: Path, command: tuple[str, ...]) -> None:
    """A catalog whose header has no comment (a person removed ours) got our two-line
    default comment back on every update: a diff on every run, where msgmerge leaves the
    header without one. Our comment is only a new catalog's now."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    made = path.read_text("utf-8")
    assert made.startswith("# German translation of miss-i18n.\n# Machine drafts ")
    text = made[made.index('msgid ""\n'):]
    path.write_text(text, "utf-8")
    _assert_gettext_accepts(path)
    merged = subprocess.run(["msgmerge", "--no-wrap", "-q", "--previous", str(path),
                             str(project / "locales" / "miss.pot")],
                            capture_output=True, check=True, text=True).stdout
    assert merged == text
    for _ in range(2):
        assert invoke(*command)[0] == 0
        assert path.read_text("utf-8") == text
    page = project / "source" / ARTICLE.name  # a source change: merged from the record
    page.write_text(page.read_text().replace("<h2>Overview</h2>", "<h2>An overview</h2>"))
    assert invoke(*command)[0] == 0
    assert path.read_text("utf-8").startswith('msgid ""\n')
    _assert_gettext_accepts(path)


def _msgmerged_after_an_edit(project: Path, path: Path) -> str:
    """What GNU msgmerge makes of the catalog ``path`` after a heading of the article
    changed and ``extract`` wrote the template again: the merge to compare ours with."""
    page = project / "source" / ARTICLE.name
    page.write_text(page.read_text().replace("<h2>Overview</h2>", "<h2>An overview</h2>"))
    assert invoke("extract", "-q")[0] == 0
    return subprocess.run(["msgmerge", "--no-wrap", "-q", "--previous", str(path),
                           str(project / "locales" / "miss.pot")],
                          capture_output=True, check=True, text=True).stdout


@needs_gettext
@pytest.mark.parametrize("command", [("update", "-q"), ("run", "--no-translate", "-q")])
def test_a_translators_header_fields_are_merged_as_msgmerge_merges_them(
        project: Path, command: tuple[str, ...]) -> None:
    """A Project-Id-Version a translator set (Poedit's "Project name and version") was
    replaced by the template's on every update, where msgmerge keeps the catalog's (it
    takes POT-Creation-Date and Report-Msgid-Bugs-To from the template). A header a
    translator edited, Poedit's fields and all, now merges as msgmerge merges it."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    text = _translator_header(path).replace(
        '"Project-Id-Version: miss-i18n 0.1.0\\n"', '"Project-Id-Version: Spine article 2\\n"'
    ).replace('"Report-Msgid-Bugs-To: \\n"', '"Report-Msgid-Bugs-To: jane@example.org\\n"')
    path.write_text(text, "utf-8")
    merged = _msgmerged_after_an_edit(project, path)
    assert '"Project-Id-Version: Spine article 2\\n"' in merged
    assert invoke(*command)[0] == 0
    assert path.read_text("utf-8") == merged


@needs_gettext
@pytest.mark.parametrize("command", [("update", "-q"), ("run", "--no-translate", "-q")])
def test_a_language_spelled_as_bcp_47_is_kept_as_msgmerge_keeps_it(
        project: Path, command: tuple[str, ...]) -> None:
    """Poedit and Weblate write ``Language: pt-BR``; every update rewrote it ``pt_BR``, a
    change in the translator's file that msgmerge never makes (check accepts both). It is
    kept; a Language that names another locale is still set to the catalog's."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project, "pt_BR")
    text = path.read_text("utf-8")
    assert '"Language: pt_BR\\n"' in text
    path.write_text(text.replace('"Language: pt_BR\\n"', '"Language: pt-BR\\n"'), "utf-8")
    merged = _msgmerged_after_an_edit(project, path)
    assert '"Language: pt-BR\\n"' in _header(merged)
    assert invoke(*command)[0] == 0
    assert '"Language: pt-BR\\n"' in _header(path.read_text("utf-8"))
    assert invoke("check", "-q")[0] == 0
    other = _catalog_path(project)
    other.write_text(other.read_text("utf-8").replace('"Language: de\\n"',
                                                      '"Language: pt-BR\\n"'), "utf-8")
    invoke(*command)
    assert '"Language: de\\n"' in _header(other.read_text("utf-8"))


@needs_gettext
@pytest.mark.parametrize("command", [("update", "-q"), ("run", "--no-translate", "-q")])
def test_header_fields_spelled_otherwise_are_kept_as_msgmerge_keeps_them(
        project: Path, command: tuple[str, ...]) -> None:
    """A field written otherwise than ``Name: value`` (spaces a translator left, no space
    after the colon, a tab in a tool's own field) was rewritten on every update, where
    msgmerge keeps each line as it is: kept, while its value stands."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    text = path.read_text("utf-8").replace(
        '"Last-Translator: \\n"', '"Last-Translator:  Jane <jane@example.org>  \\n"').replace(
        '"Language-Team: German\\n"', '"Language-Team:German\\n"').replace(
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"\n"X-Poedit-Flag:\\tyes\\t\\n"')
    assert text.count("Jane") == text.count("X-Poedit-Flag") == text.count("Team:German") == 1
    path.write_text(text, "utf-8")
    merged = _msgmerged_after_an_edit(project, path)
    assert '"Language-Team:German\\n"' in _header(merged)
    assert invoke(*command)[0] == 0
    assert path.read_text("utf-8") == merged
    assert invoke("check", "-q")[0] == 0


# The header as Transifex orders it (Language after the encoding), with a Launchpad export's
# own fields after it, not in our order; no PO-Revision-Date.
OTHER_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
               "Last-Translator", "Language-Team", "MIME-Version", "Content-Type",
               "Content-Transfer-Encoding", "Language", "Plural-Forms",
               "X-Launchpad-Export-Date", "X-Generator")


def _fields(text: str) -> list[str]:
    return [line[1:line.index(":")] for line in _header(text).split("\n")
            if line.startswith('"') and ":" in line]


@needs_gettext
def test_a_headers_field_order_is_kept_as_msgcat_and_msgmerge_keep_it(project: Path) -> None:
    """The header's fields were written in our order (and fields we do not know sorted by
    name) on every rewrite: a catalog another tool wrote (Transifex puts Language after
    the encoding, Launchpad its own fields before X-Generator) changed order on each
    translate, xliff import and update, where msgcat and msgmerge keep the file's order.
    The order is kept as they keep it (msgmerge puts the ten fields it knows first, in
    their order); a field the file lacks goes where ours puts it (as msgmerge inserts
    POT-Creation-Date), and a new catalog is written in our order as before."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = _catalog_path(project)
    made = path.read_text("utf-8")
    fields = {line[1:line.index(":")]: line for line in _header(made).split("\n")
              if line.startswith('"')}
    fields["X-Launchpad-Export-Date"] = '"X-Launchpad-Export-Date: 2026-01-01 00:00+0000\\n"'
    fields["X-Generator"] = '"X-Generator: Launchpad (build 1)\\n"'
    start = made.index('msgstr ""\n') + len('msgstr ""\n')
    text = made[:start] + "\n".join(fields[name] for name in OTHER_ORDER) + \
        made[made.index("\n\n"):]
    path.write_text(text, "utf-8")
    _assert_gettext_accepts(path)
    assert _fields(text) == list(OTHER_ORDER)

    assert _drafted_from_memory(project)[0] == 0
    drafted = path.read_text("utf-8")
    assert "Überblick" in drafted
    with_date = [*OTHER_ORDER[:3], "PO-Revision-Date", *OTHER_ORDER[3:]]  # the draft's
    assert _fields(drafted) == with_date
    _assert_gettext_accepts(path)

    assert _imported_from_xliff(project)[0] == 0
    imported = path.read_text("utf-8")
    assert _header(imported) == _header(drafted) and 'msgstr "Vorteile"' in imported
    _assert_gettext_accepts(path)

    page = project / "source" / ARTICLE.name
    before = project / "before.po"
    for command, heading in ((("extract", "-q"), "Overview"), (("run", "--no-translate", "-q"),
                                                               "Advantages")):
        # run merges from its record (the last run's: it leaves the header as it is),
        # update the whole catalog
        if command[0] == "run":
            assert invoke(*command)[0] == 0
        before.write_bytes(path.read_bytes())
        page.write_text(page.read_text().replace(f"<h2>{heading}</h2>", f"<h2>New {heading}</h2>"))
        assert invoke(*command)[0] == 0
        if command[0] == "extract":
            assert invoke("update", "-q")[0] == 0
        merged = subprocess.run(["msgmerge", "--no-wrap", "-q", "--previous", str(before),
                                 str(project / "locales" / "miss.pot")],
                                capture_output=True, check=True, text=True).stdout
        assert f'msgid "New {heading}"' in path.read_text("utf-8")
        assert _header(path.read_text("utf-8")) == _header(merged)
        assert _fields(merged) != list(OTHER_ORDER)  # msgmerge orders the fields it knows
        _assert_gettext_accepts(path)


def _msgmerged(tmp_path: Path, old: polib.POFile, template: polib.POFile) -> polib.POFile:
    """What ``msgmerge --previous`` makes of a catalog and a template."""
    (tmp_path / "old.po").write_bytes(catalog.to_bytes(old))
    (tmp_path / "new.pot").write_bytes(catalog.to_bytes(template))
    merged = subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", "old.po", "new.pot"],
                            cwd=tmp_path, capture_output=True, check=True).stdout
    return polib.pofile(merged.decode())


def _kinds(po: polib.POFile) -> list[tuple[str, str, bool, bool]]:
    return [(e.msgid, e.msgstr, e.fuzzy, e.obsolete) for e in po]


@needs_gettext
def test_a_deleted_paragraphs_translation_is_kept_not_given_to_the_text_below(
        tmp_path: Path) -> None:
    """A translated paragraph deleted: the untranslated one below moves into its place
    (``body/p[2]`` to ``body/p``). It took the deleted text's translation (fuzzy), which
    the page then showed for it, and that translation was lost from the catalog; as
    msgmerge does, it takes none, and the deleted one's is kept as ``#~``."""
    old = catalog.merge(pot(seg("p", "Keep the lid closed."), seg("p[2]", "Call us on Monday.")),
                        None, "de").catalog
    old[0].msgstr = "Halten Sie den Deckel geschlossen."
    template = pot(seg("p", "Call us on Monday."))
    new = catalog.merge(template, old, "de")
    assert _kinds(new.catalog) == [
        ("Call us on Monday.", "", False, False),
        ("Keep the lid closed.", "Halten Sie den Deckel geschlossen.", False, True)]
    assert (new.added, new.fuzzied, new.obsoleted) == (1, 0, 1)
    assert _kinds(_msgmerged(tmp_path, old, template)) == _kinds(new.catalog)


@needs_gettext
def test_a_changed_text_elsewhere_takes_the_translation_of_the_text_it_is_an_edit_of(
        tmp_path: Path) -> None:
    """A text whose place held no text that is gone takes the translation of the old
    text it is an edit of, as msgmerge's fuzzy matching finds it (alike by 0.6): a
    paragraph moved to a list and its comma dropped keeps its own; one unlike any takes
    none."""
    old = catalog.merge(pot(seg("p", "Keep the lid closed."),
                            seg("p[2]", "Call us on Monday, or write to us.")), None, "de").catalog
    old[0].msgstr, old[1].msgstr = "Halten Sie den Deckel geschlossen.", "Rufen Sie uns an."
    template = pot(seg("p", "Keep the lid closed."), seg("ul/li", "Call us on Monday or write."),
                   seg("ul/li[2]", "Our offices open at nine every weekday."))
    new = catalog.merge(template, old, "de").catalog
    assert _kinds(new) == [
        ("Keep the lid closed.", "Halten Sie den Deckel geschlossen.", False, False),
        ("Call us on Monday or write.", "Rufen Sie uns an.", True, False),
        ("Our offices open at nine every weekday.", "", False, False)]
    assert (new[1].previous_msgctxt, new[1].previous_msgid) == (
        "p:p[2]", "Call us on Monday, or write to us.")
    assert _kinds(_msgmerged(tmp_path, old, template)) == _kinds(new)


@needs_gettext
def test_paragraphs_swapped_and_one_edited_each_keep_their_translation(
        tmp_path: Path) -> None:
    """Two paragraphs swapped and one of them edited in the same change: the edited one
    lost its translation (its place's old entry had gone to the other paragraph). It
    takes its own, fuzzy, with the text and place it was made for (``#| msgctxt``,
    ``#| msgid``); the one only moved keeps its own as it was."""
    old = catalog.merge(pot(seg("p", "Keep the lid closed."), seg("p[2]", "Call us on Monday.")),
                        None, "de").catalog
    old[0].msgstr, old[1].msgstr = "Halten Sie den Deckel geschlossen.", "Rufen Sie uns an."
    template = pot(seg("p", "Call us on Monday."), seg("p[2]", "Keep the lid shut."))
    call, keep = catalog.merge(template, old, "de").catalog
    assert (call.msgstr, call.flags, call.previous_msgid) == ("Rufen Sie uns an.", [], None)
    assert (keep.msgstr, keep.fuzzy, keep.previous_msgctxt, keep.previous_msgid) == (
        "Halten Sie den Deckel geschlossen.", True, "p:p", "Keep the lid closed.")
    merged = _msgmerged(tmp_path, old, template)
    assert [(e.msgstr, e.previous_msgid) for e in merged][1] == (
        keep.msgstr, keep.previous_msgid)


@needs_gettext
def test_an_obsolete_translation_comes_back_with_its_text_elsewhere(tmp_path: Path) -> None:
    """A page deleted (its entries obsolete) and restored in another folder, or a
    paragraph removed and added again at another place: its translations came back
    nowhere; as msgmerge does, the text takes its obsolete translation, fuzzy, naming the
    place it had (``#| msgctxt``), and the ``#~`` entry is gone."""
    old = catalog.merge(pot(seg("p", "About us")), None, "de").catalog
    old[0].msgstr = "Über uns"
    gone = catalog.merge(pot(seg("q", "Other")), old, "de").catalog
    assert _kinds(gone)[1] == ("About us", "Über uns", False, True)
    template = pot(seg("q", "Other"), Segment("info/p.html", "info/p:p", "About us", "", "P"))
    back = catalog.merge(template, gone, "de").catalog
    assert _kinds(back) == [("Other", "", False, False), ("About us", "Über uns", True, False)]
    assert (back[1].previous_msgctxt, back[1].previous_msgid) == ("p:p", "About us")
    assert _kinds(_msgmerged(tmp_path, gone, template)) == _kinds(back)


def test_a_review_names_the_place_and_text_its_translation_was_made_for_together() -> None:
    """A fuzzy translation that moves again keeps naming the source it was made for:
    ``#| msgctxt`` and ``#| msgid`` of one entry, not the latest place with the first
    text."""
    old = catalog.merge(pot(seg("p", "Tomatoes need sun.")), None, "de").catalog
    old[0].msgstr = "Tomaten brauchen Sonne."
    once = catalog.merge(pot(seg("h2", "Tomatoes need sun daily.")), old, "de").catalog
    assert (once[0].previous_msgctxt, once[0].previous_msgid) == ("p:p", "Tomatoes need sun.")
    twice = catalog.merge(pot(seg("h3", "Tomatoes need sun daily.")), once, "de").catalog
    assert (twice[0].msgstr, twice[0].fuzzy) == ("Tomaten brauchen Sonne.", True)
    assert (twice[0].previous_msgctxt, twice[0].previous_msgid) == ("p:p", "Tomatoes need sun.")


def test_a_page_added_as_another_goes_finds_no_translation_in_the_other_page() -> None:
    """A changed text looks for the text it is an edit of on its own page only: a page
    added while another went (a thousand texts each) cost seconds a locale when every new
    text was compared with every text that went; texts of another page take none."""
    gone = [seg("p" if n == 0 else f"p[{n + 1}]", f"Old text number {n} about backs.")
            for n in range(300)]
    old = catalog.merge(pot(*gone), None, "de").catalog
    for entry in old:
        entry.msgstr = entry.msgid.upper()
    added = [Segment("q.html", f"q:body/p[{n + 1}]", f"Old text number {n} about necks.",
                     "", "P") for n in range(300)]
    new = catalog.merge(pot(*added), old, "de")
    assert (new.added, new.fuzzied, new.obsoleted) == (300, 0, 300)


def test_a_text_translated_two_ways_that_moved_is_for_review() -> None:
    """A person translated one text two ways at two places ("Open": "Offen", "Öffnen");
    both moved (a paragraph inserted above): which way each place wants is a person's to
    say, so each takes one, in order, for review (fuzzy), none as accepted, and neither
    is lost."""
    old = catalog.merge(pot(seg("p[3]", "Open"), seg("p[5]", "Open")), None, "de").catalog
    old[0].msgstr, old[1].msgstr = "Offen", "Öffnen"
    new = catalog.merge(pot(seg("p[4]", "Open"), seg("p[6]", "Open")), old, "de").catalog
    assert [(e.msgstr, e.fuzzy, e.obsolete) for e in new] == [
        ("Offen", True, False), ("Öffnen", True, False)]
    once = catalog.merge(pot(seg("p[4]", "Open")), old, "de").catalog  # one place left
    assert [(e.msgstr, e.fuzzy, e.obsolete) for e in once] == [
        ("Offen", True, False), ("Öffnen", False, True)]


def test_a_text_at_two_places_moved_at_one_keeps_that_places_translation() -> None:
    """"Open" translated "Offen" in the first item and "Öffnen" in the third; an item
    inserted above the third moved it to the fourth: it took "Offen", accepted, and the
    page showed it with no notice. It takes its own place's "Öffnen" (fuzzy: the text has
    two translations, which place wants which is a person's to say)."""
    texts = ["Open", "Doors marked like this are unlocked.", "Open", "Press the button."]
    old = catalog.merge(pot(*(seg("li" if n == 0 else f"li[{n + 1}]", text)
                              for n, text in enumerate(texts))), None, "de").catalog
    old[0].msgstr, old[2].msgstr = "Offen", "Öffnen"
    texts.insert(1, "New item.")
    new = catalog.merge(pot(*(seg("li" if n == 0 else f"li[{n + 1}]", text)
                              for n, text in enumerate(texts))), old, "de").catalog
    assert [(e.msgstr, e.fuzzy) for e in new if e.msgid == "Open"] == [
        ("Offen", False), ("Öffnen", True)]
    assert not [e for e in new if e.obsolete]


def test_a_note_on_a_changed_untranslated_text_stays_when_it_takes_a_translation() -> None:
    """A person's note (# TODO) on an untranslated text: the text changed and took the
    translation of a text of its page it is an edit of; the note was lost."""
    old = catalog.merge(pot(seg("#x", "Hello world from here"),
                            seg("#y", "The spine surgery recovery period is quick")),
                        None, "de").catalog
    old[0].tcomment = "TODO: ask the author"
    old[1].msgstr = "Die Erholung nach der Operation ist kurz"
    [entry] = catalog.merge(pot(seg("#x", "The spine surgery recovery period is quicker")),
                            old, "de").catalog
    assert (entry.msgstr, entry.fuzzy) == ("Die Erholung nach der Operation ist kurz", True)
    assert entry.tcomment.splitlines()[0] == "TODO: ask the author"

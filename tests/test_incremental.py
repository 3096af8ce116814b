"""A catalog merged only where the template changed (incremental.py) is byte for byte the
catalog the whole merge makes, with the same .mo, summary, report and pages; and a summary
added up from an entry's facts is the one summary.summarize makes of the catalog."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import babel
import babel.localedata
import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PAGES, make_project
from helpers import invoke, paths_passed, snapshot
from miss_i18n import (
    buildcache,
    catalog,
    extracting,
    incremental,
    languages,
    mo_file,
    site_build,
    updating,
)
from miss_i18n.buildcache import PageCache
from miss_i18n.checks import EVERY_ENTRY_CHECKS, CheckContext, Header, Text
from miss_i18n.config import Config, Glossary, load_config
from miss_i18n.facts import Delta, Lookups, counted, summary_from, tally_of, weak_of
from miss_i18n.files import Snapshot, digest_of
from miss_i18n.project import Project
from miss_i18n.provenance import text_digest
from miss_i18n.summary import summarize

OTHERS = ("tricky.html", "npm-docs-npm-ls.html")
ARTICLE = "minimally-invasive-spine-surgery.html"
LOCALES = ("de", "ar")
MACHINE = "machine-translated: argos translate-en_de-1_0 1.0 (en→de); confidence 0.{n:02d}"
MEMORY = "translation memory: glossary.tmx"


def _translate(po: polib.POFile) -> None:
    """Every kind of entry a catalog holds: accepted, machine drafts with a confidence,
    drafts from the memory, stale fuzzy ones, some with issues (some the build rejects),
    and untranslated."""
    for n, entry in enumerate(e for e in po if e.msgid and not e.obsolete):
        kind = n % 7
        if kind == 6:
            continue
        entry.msgstr = entry.msgid.upper() if kind != 5 else entry.msgid + "  x"  # spaces
        if n % 11 == 0:  # placeholders the build rejects: not shown
            entry.msgstr = "<99>kaputt</99>"
        if kind in (1, 2):
            entry.flags = ["fuzzy"]
            entry.tcomment = MACHINE.format(n=n % 100)
            if kind == 2 and n % 3 != 2:  # failing a check: held back, unless edited since
                text = entry.msgstr if n % 3 == 0 else "the machine's own text"
                entry.tcomment += f"; msgstr {text_digest(text)}; fails: urls"
        elif kind == 3:
            entry.flags = ["fuzzy"]
            entry.tcomment = MEMORY
        elif kind == 4:  # a person's: of an earlier source, or their own marked fuzzy
            entry.flags = ["fuzzy"]
            entry.previous_msgid = (entry.msgid + " before", None, entry.msgid)[n % 3]


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose catalogs hold every kind of entry, after a run that recorded them."""
    root = make_project(tmp_path / "recorded", LOCALES)
    for name in OTHERS:
        shutil.copy(PAGES / name, root / "source" / name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    monkeypatch.chdir(root)
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    for locale in LOCALES:
        path = root / "locales" / locale / "LC_MESSAGES" / "miss.po"
        po = catalog.load(path)
        _translate(po)
        path.write_bytes(catalog.to_bytes(po))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0  # the whole way: recorded
    assert all((root / incremental.RECORDS / f"{locale}.json").is_file() for locale in LOCALES)
    return root


def _replace(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, old
    path.write_bytes(data.replace(old, new, 1))


def _edit(root: Path, edit: str) -> None:
    source = root / "source"
    if edit == "paragraph":
        _replace(source / ARTICLE, b"facilitate a quicker recovery period.",
                 b"facilitate a faster recovery period.")
    elif edit == "title":
        _replace(source / "tricky.html", b"<title>", b"<title>New ")
    elif edit == "paragraph removed":
        data = (source / ARTICLE).read_bytes()
        start = data.index(b"<p>", data.index(b"<p>") + 1)
        (source / ARTICLE).write_bytes(data[:start] + data[data.index(b"</p>", start) + 4:])
    elif edit == "paragraph added":
        _replace(source / "npm-docs-npm-ls.html", b"</body>",
                 b"<p>A new closing paragraph.</p></body>")
    elif edit == "anchor":  # an id: the paragraph's context changes, and its neighbours'
        _replace(source / ARTICLE, b"<p>", b'<p id="first-paragraph">')
    elif edit == "markup":  # the same text in another element: its comment changes
        _replace(source / ARTICLE, b"<strong>Credits:</strong>", b"<em>Credits:</em>")
    elif edit == "page removed":
        (source / "tricky.html").unlink()
    elif edit == "page added":
        shutil.copy(PAGES / "rust-reference-introduction.html", source / "added.html")
    elif edit == "nothing":
        (source / ARTICLE).touch()


EDITS = ("paragraph", "title", "paragraph removed", "paragraph added", "anchor", "markup",
         "page removed", "page added", "nothing")
SHORT = ("paragraph", "title", "markup", "page removed", "nothing")
"""The edits the shortcut must take (the others may need the whole merge)."""


def _shortcut_and_whole(recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        edit: str) -> list[str]:
    """Run after ``edit`` in a copy of ``recorded`` and in one without records: the same
    output, catalogs, pages and records. What each shortcut tried gave (``yes``, ``no``),
    all in the first copy (the second has no record to try)."""
    shortcut, whole = tmp_path / "shortcut", tmp_path / "whole"
    shutil.copytree(recorded, shortcut)
    shutil.copytree(recorded, whole)
    shutil.rmtree(whole / incremental.RECORDS)
    updated: list[str] = []
    real = incremental._update

    def counting(*args: Any, **kwargs: Any) -> Any:
        done = real(*args, **kwargs)
        updated.append("yes" if done is not None else "no")
        return done

    monkeypatch.setattr(incremental, "_update", counting)
    outputs = []
    for root in (shortcut, whole):
        _edit(root, edit)
        monkeypatch.chdir(root)
        code, output = invoke("run", "--no-translate", "--jobs", "1")
        assert code == 0, output
        outputs.append((output, snapshot(root, "locales", "site", str(incremental.RECORDS))))
        if root == shortcut:
            tried = len(updated)
    assert outputs[0] == outputs[1]  # the records too: the next run reads them
    assert len(updated) == tried  # the whole way: no record, no shortcut tried
    return updated


@pytest.mark.parametrize("edit", EDITS)
def test_an_incremental_update_writes_what_the_whole_merge_writes(
        recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    updated = _shortcut_and_whole(recorded, tmp_path, monkeypatch, edit)
    assert updated == ["yes", "yes"] or edit not in SHORT


@pytest.mark.parametrize("edit", ["title", "page removed"])
def test_plural_entries_a_person_wrote_update_as_the_whole_merge_does(
        recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """de: the title of a page made plural by hand (its key the template's), which the
    run after makes singular and fuzzy; ar: a plural entry the template never had, kept
    obsolete (then ar has no record: the whole way). An edit after that gives the same
    catalogs with the shortcut as without."""
    title = next(e for e in catalog.load(recorded / "locales" / "de" / "LC_MESSAGES" /
                                         "miss.po") if e.msgctxt == "tricky:head/title")
    lines = [f'msgctxt "{title.msgctxt}"', f'msgid "{title.msgid}"']
    _replace(recorded / "locales" / "de" / "LC_MESSAGES" / "miss.po",
             "\n".join([*lines, f'msgstr "{title.msgstr}"']).encode(),
             "\n".join([*lines, 'msgid_plural "Titles"', 'msgstr[0] "Titel"',
                        'msgstr[1] "Titel (mehrere)"']).encode())
    ar = recorded / "locales" / "ar" / "LC_MESSAGES" / "miss.po"
    ar.write_bytes(ar.read_bytes() + b'\nmsgid "apple"\nmsgid_plural "apples"\n'
                   + "".join(f'msgstr[{n}] "{n}"\n' for n in range(6)).encode())
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    de = catalog.load(recorded / "locales" / "de" / "LC_MESSAGES" / "miss.po")
    made = next(e for e in de if e.msgctxt == "tricky:head/title")
    assert (made.msgstr, made.previous_msgid_plural) == ("Titel", "Titles")
    assert any(e.obsolete and e.msgid_plural == "apples" for e in catalog.load(ar))
    stale = recorded / incremental.RECORDS / "ar.json"  # of the catalog before: not used
    assert json.loads(stale.read_bytes())["catalog"] != hashlib.sha256(
        ar.read_bytes()).hexdigest()
    stale.unlink()  # (the whole way's copy has none to compare)
    updated = _shortcut_and_whole(recorded, tmp_path, monkeypatch, edit)
    assert updated == ["yes"]  # de's: ar has no record


@pytest.mark.parametrize("edit", EDITS)
def test_a_page_key_taken_from_the_last_build_is_the_one_computed(
        recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """After each kind of edit, the pages whose source the template kept and whose
    catalog came up to the template by its record take the last build's keys
    (site_build._known_keys): the same keys, the same site, as computing every one."""
    taken, computed = tmp_path / "taken", tmp_path / "computed"
    shutil.copytree(recorded, taken)
    shutil.copytree(recorded, computed)
    calls: list[int] = []
    real = PageCache.page_key

    def counting(*args: Any, **kwargs: Any) -> str:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(PageCache, "page_key", staticmethod(counting))
    found = []
    for root in (taken, computed):
        _edit(root, edit)
        monkeypatch.chdir(root)
        if root == computed:
            monkeypatch.setattr(site_build, "_known_keys", lambda *_args: ({}, {}))
        calls.clear()
        code, output = invoke("run", "--no-translate", "--jobs", "1")
        assert code == 0, output
        index = PageCache.of(root, store=False)
        found.append((output, snapshot(root, "locales", "site"), index.built, len(calls)))
    assert found[0][:3] == found[1][:3]
    pages = len(list((taken / "source").glob("*.html"))) * (1 + len(LOCALES))
    assert found[1][3] == pages  # every key computed
    if edit in SHORT and edit != "page removed":
        assert found[0][3] < pages / 2  # most taken from the last build


def test_a_damaged_record_is_one_line_and_leaves_the_project_as_it_was(
        recorded: Path) -> None:
    """An edit's shortcut copies the lines of the entries it keeps without decoding them
    (the build decodes those its pages show): one that is not a row is found there, said
    in one line that says what to do, and nothing is committed."""
    record = recorded / incremental.RECORDS / "de.json"
    data = record.read_bytes()
    assert b'\n["' in data
    record.write_bytes(data.replace(b'\n["', b'\n[1"'))
    _edit(recorded, "paragraph added")  # (an entry merged again would be decoded first)
    before = snapshot(recorded, "locales", "site")
    code, output = invoke("run", "--no-translate", "--jobs", "1")
    assert code == 7, output
    assert output.strip().splitlines()[-1].endswith(
        "a catalog record in .miss-i18n/catalogs is damaged; delete that folder and run "
        "again (it is a cache: the next run makes it again)")
    assert snapshot(recorded, "locales", "site") == before
    shutil.rmtree(recorded / incremental.RECORDS)
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0


def test_a_catalog_edited_since_its_record_goes_the_whole_way(
        recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = recorded / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    next(e for e in po if e.msgid and not e.msgstr).msgstr = "Von Hand"
    path.write_bytes(catalog.to_bytes(po))
    _edit(recorded, "paragraph")
    tried: list[bool] = []
    real = incremental._update
    monkeypatch.setattr(incremental, "_update",
                        lambda *a, **k: tried.append(True) or real(*a, **k))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert len(tried) == 1  # ar only: de's bytes are not the recorded ones
    assert "Von Hand" in path.read_text("utf-8")


def test_a_summary_from_facts_is_the_summary_of_the_catalog(recorded: Path) -> None:
    for locale in LOCALES:
        po = catalog.load(recorded / "locales" / locale / "LC_MESSAGES" / "miss.po")
        for entry in po:  # as a merge leaves them: no lines
            entry.linenum = None
        glossary = Glossary(do_not_translate=("MISS",))
        ctx = CheckContext(locale, locale, glossary)
        facts = incremental.facts_of(po, ctx)
        for include_fuzzy in (False, True):
            made = incremental.summary_of(facts, incremental.header_findings(po, ctx), locale,
                                          include_fuzzy=include_fuzzy)
            assert made == summarize(po, locale, include_fuzzy=include_fuzzy,
                                     glossary=glossary)
            # what the record holds of the active entries, counted on the way
            active = [f for f in facts if not f[3] & incremental.OBSOLETE]
            assert counted(facts, (0, 0), locale, include_fuzzy=include_fuzzy)[1:] == (
                tally_of(active), weak_of(active))
        assert incremental.mo_of(po.metadata, facts) == catalog.mo_bytes(po)
        assert any(f[6] is not None for f in facts) and any(f[4] or f[5] for f in facts)
        assert any(f[3] & incremental.UNUSABLE for f in facts)
        assert any(f[3] & incremental.HELD for f in facts)
        # a person's fuzzy translation is of an earlier source only where `#| msgid` says so
        persons = {(e.msgctxt, e.msgid): e.previous_msgid for e in po
                   if e.fuzzy and not e.obsolete and not e.tcomment}
        stale = made.review.stale
        assert stale and stale < persons.keys()
        assert all(persons[key] not in (None, key[1]) for key in stale)
        others = [persons[key] == key[1] for key in persons.keys() - stale]
        assert None in {persons[key] for key in persons.keys() - stale} and any(others)


def test_entries_that_come_back_from_obsolete_take_the_whole_way(
        recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page removed (its translated entries kept as obsolete), then put back: its
    entries come back with their translations, as the whole merge brings them back."""
    shortcut, whole = tmp_path / "shortcut", tmp_path / "whole"
    outputs = []
    for root in (shortcut, whole):
        shutil.copytree(recorded, root)
        monkeypatch.chdir(root)
        _edit(root, "page removed")
        assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
        if root == whole:
            shutil.rmtree(whole / incremental.RECORDS)
        shutil.copy(PAGES / "tricky.html", root / "source" / "tricky.html")
        assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
        outputs.append(snapshot(root, "locales", "site"))
    assert outputs[0] == outputs[1]
    po = catalog.load(shortcut / "locales" / "de" / "LC_MESSAGES" / "miss.po")
    assert not [e for e in po if e.obsolete]
    assert any(e.msgstr for e in po if (e.msgctxt or "").startswith("tricky:"))


def test_records_behind_a_link_are_neither_read_nor_written(
        recorded: Path, tmp_path: Path) -> None:
    """A `.miss-i18n/catalogs` that is a link to elsewhere is not used: nothing is written
    there, and the run goes the whole way."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    records = recorded / incremental.RECORDS
    shutil.rmtree(records)
    records.symlink_to(elsewhere)
    _edit(recorded, "paragraph")
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert list(elsewhere.iterdir()) == []


def _entry(context: str, msgid: str, comment: str = "Paragraph.",
           place: str = "page.html") -> polib.POEntry:
    return polib.POEntry(msgctxt=context, msgid=msgid, msgstr="", comment=comment,
                         occurrences=[(place, "")])


def _template(entries: list[polib.POEntry]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=0)
    pot.metadata = {"Project-Id-Version": "miss-i18n test", "POT-Creation-Date":
                    "2026-11-26 00:00+0000", "MIME-Version": "1.0",
                    "Content-Type": "text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding": "8bit"}
    pot.extend(entries)
    return pot


def _edited(rng: random.Random, entries: list[polib.POEntry], words: list[str]
            ) -> list[polib.POEntry]:
    """A template's entries after one to three random edits: a text changed or rewritten,
    a comment changed, an entry removed, added, or moved to another context."""
    edited = [_entry(e.msgctxt or "", e.msgid, e.comment) for e in entries]
    for _ in range(rng.randrange(1, 4)):
        n = rng.randrange(len(edited))
        edit = rng.randrange(6)
        if edit == 0:
            edited[n].msgid += " changed"
        elif edit == 5:  # rewritten (most unlike the text before, some alike another)
            edited[n].msgid = f"{rng.choice(words)} {rng.choice(words)} {rng.randrange(9)}"
        elif edit == 1:
            edited[n].comment += " Changed."
        elif edit == 2 and len(edited) > 1:
            del edited[n]
        elif edit == 3:
            edited.insert(n, _entry(f"page:new{n}-{rng.randrange(99)}",
                                    rng.choice([*words, "fresh"])))
        else:
            edited[n].msgctxt = f"page:moved{n}"
    return edited


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_random_edits_update_as_the_whole_merge_does(seed: int, tmp_path_factory: Any) -> None:
    """Random templates, catalogs (accepted, drafts, stale, obsolete, untranslated) and
    template edits (texts changed, comments changed, entries removed, added, moved to
    another context): wherever the shortcut answers, it answers what the whole merge
    does, byte for byte, with the same facts."""
    rng = random.Random(seed)
    root = make_project(tmp_path_factory.mktemp("random"), ("de",))
    config = load_config(root / "pyproject.toml")
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    old_entries = [_entry(f"page:p[{n}]", f"{rng.choice(words)} {n % 5}",
                          comment=rng.choice(["Paragraph.", "Heading."]))
                   for n in range(rng.randrange(3, 14))]
    previous = _template(old_entries)
    po = catalog.merge(previous, None, "de").catalog
    for entry in po:
        kind = rng.randrange(5)
        if kind:
            entry.msgstr = entry.msgid.upper()
        if kind in (2, 3):
            entry.flags = ["fuzzy"]
            entry.tcomment = MACHINE.format(n=rng.randrange(100)) if kind == 2 else ""
    if rng.random() < 0.5:  # an earlier template's translated entry, kept as obsolete
        po.append(polib.POEntry(msgctxt="page:gone", msgid=rng.choice(words),
                                msgstr="WEG", obsolete=True))
    data = catalog.to_bytes(po)
    po = catalog.to_polib(catalog.parse_syntax(data, Path("de.po")))
    ctx = CheckContext("de", "de", config.glossary)
    facts = incremental.facts_of(po, ctx)
    pot = _template(_edited(rng, old_entries, words))
    diff = incremental.Diff.of(pot, previous)
    active = [f for f in facts if not f[3] & incremental.OBSOLETE]
    lines = [incremental._line(incremental._row(f)) for f in active]
    # the record's sizes, or none (an older record: the catalog split), or wrong ones (of
    # another file, or the right ones in another order): never a wrong catalog
    right = incremental._sizes(data)
    sizes = rng.choice([right, right, None, [1, 2, 3], rng.sample(right, len(right))])
    old_mo = incremental.mo_of(po.metadata, facts)
    old = incremental._Old(lines, facts[len(active):], sizes, tally_of(active),
                           weak_of(active), digest_of(old_mo))
    try:
        done = incremental._update(config, "de", pot, diff, data=data, old=old,
                                   recorded=incremental.context("de", config.glossary,
                                                                po.metadata))
    except ValueError:  # sizes that do not fit the bytes: update goes the whole way
        done = None
    whole = catalog.merge(pot, po, "de").catalog
    if done is None:
        return  # not proven equal: the caller goes the whole way
    data, header, made_facts, made = done
    assert data == catalog.to_bytes(whole)
    facts = incremental.facts_of(whole, ctx)
    if not isinstance(made_facts, Delta):
        assert made_facts == facts
        return
    keys = [(e.msgctxt, e.msgid) for e in pot]
    assert made_facts.facts(keys) == facts
    count = len(pot)
    assert (made_facts.tally, made_facts.weak, made_facts.obsolete) == (
        tally_of(facts[:count]), weak_of(facts[:count]), facts[count:])
    for include_fuzzy in (False, True):  # the summary looked up in the lines
        lookups = Lookups(made_facts.lines, {key: n for n, key in enumerate(keys)})
        assert summary_from(made_facts, lookups, keys, (1, 2), "de",
                            include_fuzzy=include_fuzzy) == incremental.summary_of(
            facts, (1, 2), "de", include_fuzzy=include_fuzzy)
    assert mo_file.splice(old_mo, mo_file.header_text(header.metadata), made_facts.removed,
                          made_facts.added) == catalog.mo_bytes(whole)
    assert made is not None  # what save would make of the whole merge's catalog
    assert made.lines == [incremental._line(incremental._row(f)) for f in facts[:count]]
    # (wrong sizes are checked where they are used, never trusted for the bytes)
    assert made.sizes == incremental._sizes(data) or sizes != right


@pytest.mark.parametrize("locale", ["de", "ar", "zh", "pt_BR"])
def test_a_new_catalog_is_the_template_body_under_its_header(
        recorded: Path, locale: str) -> None:
    """A locale without a catalog gets the whole merge's bytes and facts, written as its
    header and the template's own entries."""
    config = load_config(recorded / "pyproject.toml")
    pot = catalog.load(config.pot_path)
    state = extracting.template_state(config, pot, None, catalog.to_bytes(pot), Snapshot())
    made = incremental.fresh(config, state, locale)
    assert made is not None
    data, header, facts, _rows = made
    whole = catalog.merge(pot, None, locale).catalog
    assert data == catalog.to_bytes(whole)
    assert header.metadata == whole.metadata
    assert facts == incremental.facts_of(whole, CheckContext(locale, locale, config.glossary))


def test_new_catalogs_of_several_locales_share_the_templates_facts(recorded: Path) -> None:
    """``fresh`` takes the template's entries' facts once: each locale's equal its own whole
    merge's, whatever order the locales come in."""
    config = load_config(recorded / "pyproject.toml")
    pot = catalog.load(config.pot_path)
    state = extracting.template_state(config, pot, None, catalog.to_bytes(pot), Snapshot())
    for locale in ("ja", "ar", "de", "pt_BR", "ja", "zh"):
        made = incremental.fresh(config, state, locale)
        assert made is not None
        whole = catalog.merge(pot, None, locale).catalog
        assert made[2] == incremental.facts_of(
            whole, CheckContext(locale, locale, config.glossary))
    assert len(state.fresh_facts) == 1


def test_only_babels_checks_meet_untranslated_entries() -> None:
    """What ``Template.fresh_facts`` relies on: a new check that also runs on untranslated
    entries must be looked at there: Babel's find nothing in an empty translation whatever
    the header, and the newlines check (msgfmt --check's) looks at translations only."""
    assert [check.name for check in EVERY_ENTRY_CHECKS] == ["babel", "newlines"]
    newlines = EVERY_ENTRY_CHECKS[1]
    for entry in (polib.POEntry(msgid="\nA\n"), polib.POEntry(
            msgid="\none", msgid_plural="many\n", msgstr_plural={0: "", 1: ""})):
        assert list(newlines.run(Text(entry, entry.msgid, ""), CheckContext(
            "ar", "ar.po", Glossary()))) == []


FORMAT_TEXT = st.text(st.sampled_from(list("a %s%d%(x)s%%\n<1></1>{0}é\u200f")), min_size=1,
                      max_size=24)


@settings(max_examples=300, deadline=None)
@given(msgid=FORMAT_TEXT, msgctxt=st.none() | st.text(max_size=8),
       comment=st.text(max_size=8), line=st.none() | st.integers(1, 9),
       locale=st.sampled_from(["ar", "ja", "de", "pl", "cy"]),
       plural=st.sampled_from([None, "nplurals=1; plural=0;", "nplurals=2; plural=n != 1;",
                               "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : 2;", "bogus"]))
def test_an_entry_as_the_template_has_it_has_the_facts_the_whole_look_finds(
        *, msgid: str, msgctxt: str | None, comment: str, line: int | None, locale: str,
        plural: str | None) -> None:
    """facts_of's shortcut (``fresh_fact``) for an entry as the template has it: the facts
    its comments and every check would give, whatever its text (format strings, newlines,
    placeholders), context, extracted comment and places, and its catalog's header."""
    entry = polib.POEntry(msgid=msgid, msgctxt=msgctxt, comment=comment,
                          occurrences=[("a.html", str(line) if line else "")])
    assert catalog.is_fresh(entry)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": locale, **({"Plural-Forms": plural} if plural else {})}
    po.append(entry)
    ctx = replace(CheckContext(locale, f"{locale}.po", Glossary(do_not_translate=("MISS",))),
                  header=Header.of(po))
    assert incremental.facts_of(po, ctx) == [incremental.fact_of(entry, ctx)] == [
        incremental.fresh_fact(entry)]


def test_an_edit_takes_the_locales_names_from_the_index(
        recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel loads all its data on a locale to name it: a run that finds the names in the
    build index (same Babel), and the catalogs' language teams and plural forms in their
    headers, loads no locale's data."""
    monkeypatch.setattr(languages, "_LOCALES", {})
    asked: list[str] = []
    original = babel.localedata.load

    def load(name: str, merge_inherited: bool = True) -> Any:
        asked.append(name)
        return original(name, merge_inherited)

    monkeypatch.setattr(babel.localedata, "load", load)
    monkeypatch.setattr(babel.localedata, "_cache", {})
    before = snapshot(recorded, "site")
    _edit(recorded, "paragraph")
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert asked == []  # not even the source locale's: the catalogs' headers name theirs
    assert languages._LOCALES["ar"] == ("العربية", "rtl")
    assert snapshot(recorded, "site") != before  # the edit was built


@pytest.mark.parametrize(("version", "names", "learnt"), [
    (babel.__version__, {"de": ["Deutsch", "ltr"]}, True),
    ("0.0", {"de": ["Deutsch", "ltr"]}, False),
    (babel.__version__, {"de": ["Deutsch", "up"]}, False),
])
def test_names_in_the_index_are_learnt_only_from_the_same_babel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str,
        names: dict[str, list[str]], learnt: bool) -> None:
    monkeypatch.setattr(languages, "_LOCALES", {})
    index = PageCache.of(tmp_path)
    index.save(tmp_path / "site", full=True)
    head, rest = index.path.read_bytes().split(b"\n", 1)
    rows = [row for row in rest.split(b"\n") if not row.startswith(b'["names"')]
    rows.append(json.dumps(["names", version, names]).encode())
    body = b"\n".join(rows)
    header = json.loads(head)
    header["digest"] = buildcache._digest(body)
    index.path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    PageCache.of(tmp_path)
    assert ("de" in languages._LOCALES) == learnt


def _entries(po: polib.POFile) -> list[tuple[Any, ...]]:
    return [(e.msgctxt, e.msgid, e.msgstr, e.comment, e.occurrences, e.flags, e.obsolete)
            for e in po]


def _previous_template(config: Config, index: PageCache) -> polib.POFile | None:
    """The template on disk as an edit's run takes it: made again from the index's
    record of it where it is the one recorded, else read."""
    return extracting._previous_of(config, extracting._recorded_template(config, Snapshot(), index))


def test_a_build_alone_takes_the_summaries_from_the_records(
        recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``build`` (and the other commands that summarize the catalogs as they are) takes a
    catalog's summary from its record where the record shows the catalog as a run wrote
    it, merged with the template on disk: no catalog parsed, the same summaries (every
    kind of entry, fuzzy shown or not) as parsing and checking them whole, but for the
    drafts' line numbers; a catalog edited since, or a template changed since, is read
    whole."""
    config = load_config(recorded / "pyproject.toml")
    parsed: list[Path] = []  # the catalogs parsed whole (an update parses its header)
    parse = catalog.parse_syntax

    def parse_syntax(data: bytes, path: Path) -> Any:
        if path.is_file() and len(data) == path.stat().st_size:
            parsed.append(path)
        return parse(data, path)

    monkeypatch.setattr(catalog, "parse_syntax", parse_syntax)

    def summaries(fuzzy: bool) -> dict[str, Any]:
        """By locale: the summary, less its drafts' lines in the file (a record holds none,
        as an edit's run takes them; the report does not show them), and its basis."""
        found = updating.loaded_summaries(config, seen=Snapshot(), include_fuzzy=fuzzy)
        return {locale: (replace(summary, weakest=[replace(weak, line=None)
                                                   for weak in summary.weakest]),
                         summary.basis) for locale, summary in found.items()}

    def parsed_catalogs() -> list[str]:
        return [p.parent.parent.name for p in parsed if p.suffix == ".po"]

    for fuzzy in (True, False):
        parsed.clear()
        taken = summaries(fuzzy)
        assert parsed_catalogs() == []  # the template alone was parsed whole
        with pytest.MonkeyPatch.context() as whole:
            whole.setattr(updating, "_template_on_disk", lambda _config: None)
            assert taken == summaries(fuzzy)
        assert sorted(parsed_catalogs()) == sorted(LOCALES)
    de = config.po_path("de")
    _replace(de, b'msgstr "', b'msgstr "Edited: ')
    parsed.clear()
    summaries(True)
    assert parsed_catalogs() == ["de"]
    _replace(config.pot_path, b"msgid", b"# a note\nmsgid")
    parsed.clear()
    summaries(True)
    assert sorted(parsed_catalogs()) == sorted(LOCALES)


def test_status_takes_its_counts_from_the_records(recorded: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``status`` (without drafts to list) takes each catalog's counts and what it shows
    from its record, as ``build`` does: the same answer as reading every catalog, fuzzy
    shown or not."""
    config = load_config(recorded / "pyproject.toml")
    assert updating._template_on_disk(config) is not None  # (the records' way)
    for fuzzy in (True, False):
        project = Project(replace(config, include_fuzzy=fuzzy))
        taken = project.status()
        with pytest.MonkeyPatch.context() as whole:
            whole.setattr(updating, "_template_on_disk", lambda _config: None)
            assert project.status() == taken
        assert len({row.locale for row in taken.stats}) == len(LOCALES)


def test_compile_keeps_each_mo_its_catalogs_record_vouches_for(
        recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``compile`` leaves a .mo as it is, its catalog unparsed, where the catalog's record
    shows the catalog as the run wrote it and the .mo as the one it compiles to; a .mo
    removed or changed, a catalog edited, a record gone or of other code: compiled, as
    catalog.mo_bytes makes it (and msgfmt reads it)."""
    config = load_config(recorded / "pyproject.toml")
    made = {locale: config.mo_path(locale).read_bytes() for locale in LOCALES}
    assert all(made[locale] == catalog.mo_bytes(catalog.load(config.po_path(locale)))
               for locale in LOCALES)
    parsed = paths_passed(monkeypatch, catalog, "to_polib")
    assert invoke("compile", "-q")[0] == 0
    assert parsed == []
    de, ar, *_ = LOCALES
    config.mo_path(de).unlink()
    config.mo_path(ar).write_bytes(made[ar][:-1] + b"x")
    assert invoke("compile", "-q")[0] == 0
    assert len(parsed) == 2
    assert all(config.mo_path(locale).read_bytes() == made[locale] for locale in LOCALES)
    _replace(config.po_path(de), b'msgstr ""\n\n', b'msgstr "Von Hand"\n\n')
    (recorded / incremental.RECORDS / f"{ar}.json").unlink()
    parsed.clear()
    assert invoke("compile", "-q")[0] == 0
    assert len(parsed) == 2
    for locale in (de, ar):
        assert config.mo_path(locale).read_bytes() == catalog.mo_bytes(catalog.load(
            config.po_path(locale)))
    assert config.mo_path(de).read_bytes() != made[de]
    monkeypatch.setattr(incremental, "code_digest", lambda: "other code")
    parsed.clear()
    assert invoke("compile", "-q")[0] == 0
    assert len(parsed) == len(LOCALES)


def _counted_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths catalog.load reads from now on, in order."""
    return paths_passed(monkeypatch, catalog, "load")


def test_a_run_without_the_index_parses_only_the_header_of_a_template_it_keeps(
        recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone (no .miss-i18n/) needs the template on disk only to keep its dates:
    where its entries are byte for byte the ones this run makes, only its header is parsed
    (catalog.load is not called for it), and the run writes what it wrote; one entry
    changed by hand and the whole template is read, and the run puts the entry back (the
    template changed: dated anew)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later run: its dates differ
    before = snapshot(recorded, "locales", "site")
    loads = _counted_loads(monkeypatch)
    config = load_config(recorded / "pyproject.toml")
    for changed in (False, True):
        shutil.rmtree(recorded / ".miss-i18n")
        if changed:
            _replace(config.pot_path, b"\nmsgid \"", b"\nmsgid \"Changed by hand: ")
        assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
        assert (config.pot_path in loads) is changed
        assert (snapshot(recorded, "locales", "site") == before) is not changed
    assert b"Changed by hand" not in config.pot_path.read_bytes()


def test_the_template_on_disk_is_made_again_from_the_index_not_read(
        recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit needs the template it replaces: where the index recorded the template with
    the SHA-256 of the one on disk, it is made from its pages' segments (no parse), the
    same entries and header as reading it gives; a template changed by hand is read."""
    config = load_config(recorded / "pyproject.toml")
    index = PageCache.of(config.root)
    read = catalog.load(config.pot_path)
    loads = _counted_loads(monkeypatch)
    made = _previous_template(config, index)
    assert made is not None and loads == []
    assert _entries(made) == _entries(read)
    assert (made.metadata, made.header, made.metadata_is_fuzzy) == (
        read.metadata, read.header, read.metadata_is_fuzzy)
    assert catalog.to_bytes(made) == config.pot_path.read_bytes()
    _replace(config.pot_path, b"msgid", b"# a translator's note\nmsgid")
    again = _previous_template(config, index)
    assert loads == [config.pot_path] and again is not None
    assert catalog.to_bytes(again) == config.pot_path.read_bytes()


@pytest.mark.parametrize("edit", EDITS)
def test_the_template_is_written_from_the_one_it_replaces_as_rendered_whole(
        recorded: Path, edit: str) -> None:
    """The template's kept entries copied from the bytes of the one it replaces: the
    same bytes as rendering the whole, after each kind of edit."""
    _edit(recorded, edit)
    config = load_config(recorded / "pyproject.toml")
    seen = Snapshot()
    index = PageCache.of(config.root)
    pot, previous = extracting.template_and_previous(config, datetime.now(UTC), seen=seen,
                                                   index=index)
    assert previous is not None
    on_disk = config.pot_path.read_bytes()
    # made from the index, its pages' entries those of the new template's same pages
    assert index.previous_pages is not None and catalog.to_bytes(previous) == on_disk
    shared = {id(entry) for entry in pot}
    assert any(id(entry) in shared for entry in previous)
    diff = incremental.Diff.of(pot, previous)  # entry by entry, not page by page
    made = incremental.template_bytes(pot, diff, on_disk)
    assert made == catalog.to_bytes(pot)
    assert extracting.template_bytes(config, pot, previous, seen, index) == (made, diff)
    if edit == "nothing":  # the same entries: the dates kept, the bytes as they were
        assert made == on_disk


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_new_template_is_joined_from_the_entries_its_extraction_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Every page extracted in this run: the template is its header and the entries the
    workers wrote (catalog.segment_text), byte for byte ``catalog.to_bytes``; the same
    with a template already on disk that the index knows nothing of."""
    root = make_project(tmp_path / "new", LOCALES)
    for name in (*OTHERS, "rust-reference-introduction.html"):
        shutil.copy(PAGES / name, root / "source" / name)
    # a page with nothing to translate has no entries, and adds no blank line
    (root / "source" / "figure.html").write_text('<html><body><img src="x.png"></body></html>')
    config = replace(load_config(root / "pyproject.toml"), jobs=jobs)
    for _ in range(2):
        seen = Snapshot()
        index = PageCache.of(config.root, store=False)
        pot, previous = extracting.template_and_previous(config, datetime.now(UTC), seen=seen,
                                                       index=index)
        assert len(index.texts) == len(index.template_sources) == 5
        data, diff = extracting.template_bytes(config, pot, previous, seen, index)
        assert data == catalog.to_bytes(pot)
        assert (diff is None) == (previous is None)
        config.pot_path.parent.mkdir(parents=True, exist_ok=True)
        config.pot_path.write_bytes(data)


@pytest.mark.parametrize("row", [
    0, ("", 1, 0, 0, None, []),
    ("Ünïcode \"quoted\"\n\ttab \u2028 \x00", 41, 2, 1, 0.4242, ["a.html#b", "c d.html"]),
    ("x", 3, 0, 0, 1e-20, []), ("x", 3, 0, 0, float("nan"), []), [["nested"], {"k": "v"}],
])
def test_a_record_row_is_written_as_json_dumps_writes_it(row: Any) -> None:
    """Rows are encoded one at a time by json's C encoder, made once: byte for byte what
    ``json.dumps`` with the record's settings writes, and one line."""
    line = incremental._line(row)
    assert line == json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert b"\n" not in line

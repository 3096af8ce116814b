"""The translate stage's pure parts: choosing entries, cutting text, putting markup back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polib
import pytest

from miss_i18n import catalog, summary
from miss_i18n.checks import CheckContext
from miss_i18n.config import Glossary
from miss_i18n.engines import ct2
from miss_i18n.engines.base import ModelInfo, Progress
from miss_i18n.errors import EngineError
from miss_i18n.markup import parse
from miss_i18n.memory import Memory
from miss_i18n.provenance import MACHINE_MARK, PIECEWISE_NOTE, text_digest
from miss_i18n.sentences import split_sentences
from miss_i18n.summary import shown_percent, translations_of
from miss_i18n.translate import (
    TOKEN_BASE,
    LocaleResult,
    Protector,
    assemble_piecewise,
    assemble_whole,
    needs_translation,
    split_edges,
    translate_catalog,
    units_piecewise,
    units_whole,
    wants_human,
)

MODEL = ModelInfo("argos", "translate-en_de-1_0", "1.0", "en", "de", "de")


def entry(msgstr: str = "", flags: tuple[str, ...] = (), tcomment: str = "",
          previous: str | None = None) -> polib.POEntry:
    return polib.POEntry(msgid="Hello", msgstr=msgstr, flags=list(flags), tcomment=tcomment,
                         previous_msgid=previous)


def test_only_untranslated_entries_and_stale_drafts_are_chosen() -> None:
    machine = f"{MACHINE_MARK} argos x 1.0 (en→de)"
    assert needs_translation(entry())
    assert not needs_translation(entry("Hallo"))  # human
    assert not needs_translation(entry("Hallo", ("fuzzy",), previous="Hi"))  # human, fuzzy
    assert not needs_translation(entry("Hallo", ("fuzzy",), machine))  # draft, source same
    assert needs_translation(entry("Hallo", ("fuzzy",), machine, previous="Hi"))
    assert not needs_translation(entry("Hallo", ("fuzzy",), machine, previous="Hello"))  # moved
    assert not needs_translation(entry("Hallo", (), machine, previous="Hi"))  # reviewed
    # a memory draft of an earlier source is redrafted too (it kept the old text's
    # translation, labelled a memory draft, where a machine draft was redrafted)
    memory = "translation memory: old-site.tmx"
    assert not needs_translation(entry("Hallo", ("fuzzy",), memory))
    assert needs_translation(entry("Hallo", ("fuzzy",), memory, previous="Hi"))
    assert not needs_translation(entry("Hallo", ("fuzzy",), f"edited {memory}", previous="Hi"))
    # a person's own note that merely starts as a draft's line marks no draft: an engine
    # or the memory replaced such a fuzzy translation (and its note)
    for note in ("machine-translated: by Google, then reviewed by Anna",
                 "machine-translated: DeepL, checked", "translation memory: I checked it"):
        assert not needs_translation(entry("Hallo", ("fuzzy",), note, previous="Hi"))
        assert wants_human(entry("Hallo", ("fuzzy",), note)) is False
    # one of ours that a tool wrapped right after its language pair still is a draft
    wrapped = "machine-translated: nllb nllb-200 1.0 (en→de);\nconfidence 0.50"
    assert needs_translation(entry("Hallo", ("fuzzy",), wrapped, previous="Hi"))


def test_units_never_contain_placeholders() -> None:
    nodes = parse("Such as <1>MRI</1>s, <2>CT</2> scans.<3/>Next &lt; line")
    assert units_whole(nodes) == ["Such as MRIs, CT scans.", "MRI", "CT", "Next < line"]
    assert units_piecewise(nodes) == ["Such as ", "MRI", "s, ", "CT", " scans.", "Next < line"]


def test_markup_is_found_again_in_a_whole_translation() -> None:
    table = {"Such as MRIs, CT scans.": "Wie MRTs, CT-Scans.", "MRI": "MRT", "CT": "CT",
             "Next < line": "Nächste < Zeile"}
    nodes = parse("Such as <1>MRI</1>s, <2>CT</2> scans.<3/>Next &lt; line")
    assert assemble_whole(nodes, table.__getitem__) == (
        "Wie <1>MRT</1>s, <2>CT</2>-Scans.<3/>Nächste &lt; Zeile")


def test_markup_that_cannot_be_found_falls_back_to_pieces() -> None:
    table = {"Such as MRIs.": "Etwa Kernspins.", "MRI": "MRT", "Such as ": "Etwa ",
             "s.": "s."}
    nodes = parse("Such as <1>MRI</1>s.")
    assert assemble_whole(nodes, table.__getitem__) is None
    assert assemble_piecewise(nodes, table.__getitem__) == "Etwa <1>MRT</1>s."


def test_markup_never_closes_inside_a_word_the_source_does_not_cut() -> None:
    """An inflected word (Spanish plurals and genders: "fast" -> "rápido", the sentence's
    "rápidos") holds the inner text: the placeholder closed before the word's ending
    (``<1>rápido</1>s``). Found only as whole words now, else drafted piece by piece; a
    source that cuts a word itself (``<1>MRI</1>s``) still may be cut alike, and a script
    without case (Chinese) anywhere."""
    table = {"The fast cars.": "Los coches rápidos.", "fast": "rápido",
             "The ": "Los ", " cars.": " coches."}
    nodes = parse("The <1>fast</1> cars.")
    assert assemble_whole(nodes, table.__getitem__) is None
    assert assemble_piecewise(nodes, table.__getitem__) == "Los <1>rápido</1> coches."
    table = {"Red cars and red vans.": "Coches rojos y furgonetas rojas.", "red": "rojas"}
    assert assemble_whole(parse("Red cars and <1>red</1> vans."), table.__getitem__) == (
        "Coches rojos y furgonetas <1>rojas</1>.")
    table = {"Use the fast mode.": "使用快速模式。", "fast": "快速"}
    assert assemble_whole(parse("Use the <1>fast</1> mode."), table.__getitem__) == (
        "使用<1>快速</1>模式。")


def test_engine_output_that_looks_like_markup_stays_text() -> None:
    nodes = parse("Plain")
    assert assemble_whole(nodes, lambda _: "<1>evil</1> <script>") == (
        "&lt;1>evil&lt;/1> &lt;script>")


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("See e.g. this. And Dr. Who.", ["See e.g. this.", "And Dr. Who."]),
    ("Prab R. Tumpati, MD", ["Prab R. Tumpati, MD"]),
    ("Version 2.5 is out. Yes.", ["Version 2.5 is out.", "Yes."]),
    ("第一句。第二句！", ["第一句。", "第二句！"]),
])
def test_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_memory_is_keyed_by_model_version(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    with Memory(path) as memory:
        memory.store(MODEL, [("Hello", "Hallo")])
    newer = ModelInfo("argos", "translate-en_de-1_1", "1.1", "en", "de", "de")
    with Memory(path) as memory:
        assert memory.lookup(MODEL, ["Hello", "Bye"]) == {"Hello": "Hallo"}
        assert memory.lookup(newer, ["Hello"]) == {}
        assert len(memory) == 1



def test_brackets_at_the_edges_of_a_piece_never_reach_the_engine() -> None:
    assert split_edges(") is a type.") == (") ", "is a type.", "")
    assert split_edges("Surgery (") == ("", "Surgery", " (")
    assert split_edges(" (") == (" (", "", "")
    assert split_edges("  ") == ("  ", "", "")


# -- around an engine, with a fake one ---------------------------------------------------------
FAKE_MODEL = ModelInfo("fake", "reverse-upper", "1", "en", "de", "de")
FAKE_LINE = "machine-translated: fake reverse-upper 1 (en→de)"


def fake_line(text: str, source: str) -> str:
    """The fake engine's line for a draft ``text`` of ``source``: it names both digests, so
    that a person's edit of the draft is told from it (provenance.is_edited), and a draft
    merged onto another text without ``#|`` from a current one (is_of_earlier_source)."""
    return f"{FAKE_LINE}; msgid {text_digest(source)}; msgstr {text_digest(text)}"

NOW = datetime(2025, 1, 1, tzinfo=UTC)


class FakeEngine:
    """A fake engine for testing the code around engines, not a translation: it reverses
    the order of a sentence's words and upper-cases them ("Read the guide." → "GUIDE.
    THE READ"). It can also say nothing for one input, mangle the number tokens that hide
    do-not-translate terms, or fail."""

    name = "fake"

    def __init__(self, *, silent: str = "", mangle: bool = False, fail: bool = False) -> None:
        self.silent, self.mangle, self.fail = silent, mangle, fail
        self.calls: list[list[str]] = []

    def transform(self, sentence: str) -> str:
        if sentence == self.silent:
            return ""
        out = " ".join(reversed(sentence.split())).upper()
        return out.replace(str(TOKEN_BASE), "NINE") if self.mangle else out

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        self.calls.append(list(sentences))
        if self.fail:
            raise EngineError("the fake engine failed")
        return [self.transform(s) for s in sentences]


def run(po: polib.POFile, engine: FakeEngine, memory: Memory | None = None,
        keep: Sequence[str] = ()) -> LocaleResult:
    with memory or Memory(None) as store:
        return translate_catalog(po, "de", lambda _locale: (engine, FAKE_MODEL), store,
                                 now=NOW, keep=keep)


def catalog_of(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"PO-Revision-Date": "2020-01-01 00:00+0000"}
    po.extend(entries)
    return po


# Protector
def test_a_protected_term_goes_out_as_a_number_and_comes_back() -> None:
    protector = Protector(["MISS", "Dr. Lee"])
    text = "MISS helps. Ask Dr. Lee about MISS."
    assert protector.protect(text) == "9071 helps. Ask 9072 about 9071."
    assert protector.restore(text, "9072 HILFT 9071, 9071.") == "Dr. Lee HILFT MISS, MISS."


def test_only_whole_terms_are_protected() -> None:
    protector = Protector(["MISS", "  "])  # a blank term protects nothing
    assert protector.protect("MISSION MISSes a MISS-like MISS_x") == (
        "MISSION MISSes a 9071-like MISS_x")
    assert protector.protect("nothing here") == "nothing here"


def test_a_term_the_engine_drops_or_repeats_gives_no_translation() -> None:
    protector = Protector(["MISS"])
    text = "MISS and MISS"
    assert protector.restore(text, "9071 UND") is None  # dropped once
    assert protector.restore(text, "UND") is None  # dropped
    assert protector.restore(text, "9071 9071 9071") is None  # one too many
    assert protector.restore(text, "9071 UND 9071") == "MISS UND MISS"


def test_a_sentence_never_ends_inside_a_protected_term() -> None:
    """"Yahoo! Answers" split after "Yahoo!" reached the engine as two sentences, neither
    holding the term, so it was translated ("Antworten")."""
    text = "Yahoo! Answers is closed. Ask Dr. Lee! Then rest."
    assert split_sentences(text) == ["Yahoo!", "Answers is closed.", "Ask Dr. Lee!",
                                     "Then rest."]
    protector = Protector(["Yahoo! Answers", "Lee! Then"])
    assert protector.sentences(text) == ["Yahoo! Answers is closed.",
                                         "Ask Dr. Lee! Then rest."]
    assert Protector(["Yahoo!"]).sentences(text) == split_sentences(text)  # ends with it
    assert Protector(["第一句。第二句"]).sentences("第一句。第二句！") == ["第一句。第二句！"]
    engine = FakeEngine()
    po = catalog_of(polib.POEntry(msgctxt="p", msgid=text))
    run(po, engine, keep=["Yahoo! Answers"])
    assert engine.calls == [["9071 is closed.", "Ask Dr. Lee!", "Then rest."]]
    assert po[0].msgstr.startswith("CLOSED. IS Yahoo! Answers")


def test_overlapping_terms_come_back_exactly() -> None:
    """The first listed term that matches wins; whichever it is, the text comes back."""
    text = "the MISS Center and MISS"
    for terms in (["MISS", "MISS Center"], ["MISS Center", "MISS"]):
        protector = Protector(terms)
        protected = protector.protect(text)
        assert "MISS" not in protected
        assert protector.restore(text, protected) == text


def test_regex_characters_in_terms_are_plain_text() -> None:
    protector = Protector(["C++", "Node.js", "(MISS)", "a|b"])
    text = "C++ and Node.js (MISS), not NodeXjs or a or b; a|b."
    assert protector.protect(text) == "9071 and 9072 9073, not NodeXjs or a or b; 9074."
    assert protector.restore(text, protector.protect(text)) == text


@pytest.mark.parametrize(("text", "protected", "token"), [
    ("MISS costs 9071 euros", "9072 costs 9071 euros", "9072"),
    ("Overview 9071 MISS", "Overview 9071 9072", "9072"),
    ("MISS in 19071 and 90723", "9073 in 19071 and 90723", "9073"),  # digits in numbers
    ("9071 9072 MISS", "9071 9072 9073", "9073"),
])
def test_text_that_already_holds_a_token_is_protected_with_another(
        text: str, protected: str, token: str) -> None:
    """A sentence that holds the usual token's number gets the next number it does not
    hold: protected all the same, and its own number is never taken for a term."""
    protector = Protector(["MISS"])
    assert protector.protect(text) == protected
    assert protector.restore(text, protected) == text
    assert protector.restore(text, protected.replace(token, "X")) is None


def test_tokens_skip_numbers_every_term_and_sentence_holds() -> None:
    """Two terms, one holding the first token's digits, in a sentence holding the next:
    each term gets a number found nowhere else, and the engine's copy comes back exact."""
    protector = Protector(["Model 9071", "MISS"])
    text = "Model 9071 and MISS, see 9072."
    protected = protector.protect(text)
    assert protected == "9073 and 9074, see 9072."
    assert protector.restore(text, "SEE 9072. 9074 UND 9073") == "SEE 9072. MISS UND Model 9071"


def test_tokens_come_back_in_one_pass() -> None:
    """A term that looks like another term's token is put back as itself, not read again."""
    protector = Protector(["9072x", "MISS"])
    text = "MISS or 9072x"
    protected = protector.protect(text)
    assert protector.restore(text, protected) == text


def test_a_piece_of_nothing_but_terms_is_only_terms() -> None:
    protector = Protector(["MISS", "WikiMD"])
    for piece in ("MISS", "(MISS)", "MISS, WikiMD.", " MISS 2 "):
        assert protector.only_terms(piece), piece
    for piece in ("MISS helps", "MISSION", "", "(", "2024", "MISS-like"):
        assert not protector.only_terms(piece), piece
    assert not Protector([]).only_terms("MISS")


# translate_catalog
def test_only_untranslated_entries_and_stale_drafts_get_drafts_and_the_rest_is_untouched(
        ) -> None:
    fresh = polib.POEntry(msgid="Read the guide.")
    stale = polib.POEntry(msgid="Call us today.", msgstr="OLD", flags=["fuzzy"],
                          tcomment=f"{MACHINE_MARK} other m 1 (en→de)",
                          previous_msgid="Call us.")
    others = [
        polib.POEntry(msgid="Human.", msgstr="Mensch."),
        polib.POEntry(msgid="Human fuzzy.", msgstr="Alt.", flags=["fuzzy"],
                      previous_msgid="Human old."),
        polib.POEntry(msgid="Current draft.", msgstr="ENTWURF.", flags=["fuzzy"],
                      tcomment=f"{MACHINE_MARK} other m 1 (en→de)"),
        polib.POEntry(msgid="Reviewed draft.", msgstr="Geprüft.",
                      tcomment=f"{MACHINE_MARK} other m 1 (en→de)", previous_msgid="Old."),
        polib.POEntry(msgid="Gone.", msgstr="Weg.", obsolete=True),
        polib.POEntry(msgid="Gone untranslated.", obsolete=True),
        polib.POEntry(msgid="One file", msgid_plural="{n} files", msgstr_plural={0: "", 1: ""}),
    ]
    po = catalog_of(fresh, stale, *others)
    before = [str(e) for e in others]
    engine = FakeEngine()
    result = run(po, engine)
    assert engine.calls == [["Call us today.", "Read the guide."]]
    assert [fresh.msgstr, stale.msgstr] == ["GUIDE. THE READ", "TODAY. US CALL"]
    assert [(e.flags, e.tcomment) for e in (fresh, stale)] == [
        (["fuzzy"], fake_line(e.msgstr, e.msgid)) for e in (fresh, stale)]
    assert [str(e) for e in others] == before
    assert (result.waiting, result.drafted, result.failed, result.from_engine) == (2, 2, 0, 2)
    assert po.metadata["PO-Revision-Date"] == "2025-01-01 00:00+0000"


def test_a_draft_is_fuzzy_with_one_provenance_line_and_a_persons_comment_kept() -> None:
    stale = polib.POEntry(msgid="Call us today.", msgstr="OLD", flags=["fuzzy", "no-wrap"],
                          tcomment=f"ask Ana first\n{MACHINE_MARK} other m 1 (en→de)",
                          previous_msgid="Call us.", previous_msgctxt="old")
    po = catalog_of(stale)
    run(po, FakeEngine())
    assert stale.flags == ["fuzzy", "no-wrap"]
    assert stale.tcomment == f"ask Ana first\n{fake_line(stale.msgstr, stale.msgid)}"
    assert stale.previous_msgid is None and stale.previous_msgctxt is None


def test_placeholders_come_back_around_the_words_they_held() -> None:
    entry = polib.POEntry(msgid="Read <1>the guide</1> now.<2/>Then call.")
    run(catalog_of(entry), FakeEngine())
    assert entry.msgstr == "NOW. <1>GUIDE THE</1> READ<2/>CALL. THEN"
    assert entry.tcomment == fake_line(entry.msgstr, entry.msgid)


def test_markup_not_found_again_in_the_whole_translation_is_put_back_piece_by_piece(
        ) -> None:
    """"go" comes back twice in the whole sentence's translation, so where its markup
    goes is not known: each piece is translated alone, and the line says so."""
    entry = polib.POEntry(msgid="Go <1>go</1>.")
    result = run(catalog_of(entry), FakeEngine())
    assert entry.msgstr == "GO <1>GO</1>."
    assert entry.tcomment == f"{fake_line(entry.msgstr, entry.msgid)}; {PIECEWISE_NOTE}"
    assert (result.drafted, result.piecewise) == (1, 1)


def test_an_entry_whose_pieces_cannot_all_be_translated_stays_untranslated() -> None:
    broken = polib.POEntry(msgid="Broken <1>tag")  # a hand-edited template
    silent = polib.POEntry(msgid="Read <1>the guide</1> now.")
    po = catalog_of(broken, silent)
    result = run(po, FakeEngine(silent="the guide"))
    for entry in (broken, silent):
        assert (entry.msgstr, entry.flags, entry.tcomment) == ("", [], "")
    assert (result.waiting, result.drafted, result.failed) == (2, 0, 1)
    assert result.failures == ("Read <1>the guide</1> now.",)  # named for the user
    assert po.metadata["PO-Revision-Date"] == "2020-01-01 00:00+0000"
    silent.msgctxt = "page:#p"
    assert run(catalog_of(silent), FakeEngine(silent="the guide")).failures == ("page:#p",)


def test_sentences_the_memory_has_make_no_engine_call(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    with Memory(path) as memory:
        memory.store(FAKE_MODEL, [("Read the guide.", "GUIDE. THE READ")])
    entry = polib.POEntry(msgid="Read the guide.")
    engine = FakeEngine()
    result = run(catalog_of(entry), engine, Memory(path))
    assert engine.calls == []
    assert entry.msgstr == "GUIDE. THE READ"
    assert (result.drafted, result.from_memory, result.from_engine) == (1, 1, 0)


def test_a_protected_term_reaches_the_engine_as_a_number() -> None:
    entry = polib.POEntry(msgid="MISS heals backs.")
    engine = FakeEngine()
    run(catalog_of(entry), engine, keep=("MISS",))
    assert engine.calls == [["9071 heals backs."]]
    assert entry.msgstr == "BACKS. HEALS MISS"


def test_a_piece_of_only_terms_is_copied_and_never_reaches_the_engine() -> None:
    """``(<2>MISS</2>)``: the text inside the placeholder is only a term, so no engine sees
    it (an engine asked to translate a lone token or term makes a word of it); the term
    is copied wherever the markup ends up."""
    entry = polib.POEntry(msgid="<1>Spine surgery</1> (<2>MISS</2>) helps. WikiMD.")
    engine = FakeEngine()
    result = run(catalog_of(entry), engine, keep=("MISS", "WikiMD"))
    asked = [s for call in engine.calls for s in call]
    assert "MISS" not in asked and "9071" not in asked and "WikiMD." not in asked
    assert "<2>MISS</2>" in entry.msgstr and entry.msgstr.endswith("WikiMD.")
    assert result.drafted == 1


def test_a_sentence_holding_the_token_number_is_protected_with_another() -> None:
    entry = polib.POEntry(msgid="Overview 9071 MISS")
    engine = FakeEngine()
    run(catalog_of(entry), engine, keep=("MISS",))
    assert engine.calls == [["Overview 9071 9072"]]
    assert entry.msgstr == "MISS 9071 OVERVIEW"


def test_an_engine_error_leaves_the_catalog_and_the_memory_as_they_were(
        tmp_path: Path) -> None:
    """The error is the locale's result (one line: locale, model, fix), not a raise, so the
    other locales are still drafted; the catalog is untouched."""
    entry = polib.POEntry(msgid="Read the guide.")
    po = catalog_of(entry)
    before = catalog.render(po)
    result = run(po, FakeEngine(fail=True), Memory(tmp_path / "tm.sqlite3"))
    assert (result.drafted, result.waiting) == (0, 1)
    assert result.error.startswith("de: not drafted, fake ")
    assert "the fake engine failed" in result.error
    assert result.error.endswith("; or leave de out with `-l` for each other locale")
    assert catalog.render(po) == before
    with Memory(tmp_path / "tm.sqlite3") as memory:
        assert len(memory) == 0


def test_a_locale_without_a_model_is_counted_as_waiting() -> None:
    entry = polib.POEntry(msgid="Read the guide.")
    po = catalog_of(entry)
    with Memory(None) as memory:
        result = translate_catalog(po, "de", lambda _locale: None, memory, now=NOW)
    assert (result.model, result.waiting, result.drafted) == (None, 1, 0)
    assert entry.msgstr == ""


def test_an_empty_output_is_remembered_so_a_rerun_asks_no_engine(tmp_path: Path) -> None:
    """The entry stays untranslated (never filled with anything fake), counted as failed;
    the next run gets the same answer from memory without loading a model."""
    fake = FakeEngine(silent="Bye")
    outcomes = []
    for _ in range(2):
        po = polib.POFile()
        po.extend([polib.POEntry(msgid="Hello"), polib.POEntry(msgid="Bye")])
        with Memory(tmp_path / "tm.sqlite3") as memory:
            result = translate_catalog(po, "de", lambda _locale: (fake, MODEL), memory,
                                       now=datetime(2025, 1, 1, tzinfo=UTC))
        outcomes.append((result.drafted, result.failed, [e.msgstr for e in po]))
    assert outcomes == [(1, 1, ["HELLO", ""])] * 2
    assert fake.calls == [["Bye", "Hello"]]


def test_a_fallback_for_a_mangled_term_is_remembered_too(tmp_path: Path) -> None:
    """The unprotected retry's output is in the memory: a rerun asks no engine."""
    fake = FakeEngine(mangle=True)
    outcomes = []
    for _ in range(2):
        po = polib.POFile()
        po.append(polib.POEntry(msgid="MISS is a surgery"))
        with Memory(tmp_path / "tm.sqlite3") as memory:
            result = translate_catalog(po, "de", lambda _locale: (fake, MODEL), memory,
                                       now=datetime(2025, 1, 1, tzinfo=UTC), keep=("MISS",))
        outcomes.append((result.drafted, result.from_engine, po[0].msgstr))
    assert outcomes == [(1, 2, "SURGERY A IS MISS"), (1, 0, "SURGERY A IS MISS")]
    assert fake.calls == [["9071 is a surgery"], ["MISS is a surgery"]]


def test_full_batches_are_queued_together_and_a_short_one_alone() -> None:
    """ct2.decoded: runs of full chunks go to CTranslate2 in one call (cut again into
    batches of the same size), up to GROUP_CHUNKS; a chunk cut short by the token budget
    goes alone as one batch; results come back per chunk, in order. (A fake CTranslate2:
    each result echoes its index.)"""
    class Result:
        def __init__(self, index: int) -> None:
            self.index = index

        def result(self) -> Any:
            return SimpleNamespace(hypotheses=[[str(self.index)]], scores=[-float(self.index)])

    calls: list[tuple[list[int], int]] = []

    def submit(indices: list[int], size: int) -> list[Any]:
        calls.append((indices, size))
        return [Result(i) for i in indices]

    full = [[2 * n, 2 * n + 1] for n in range(ct2.GROUP_CHUNKS + 5)]
    short = [[100]]
    chunks = [*full[:3], short[0], *full[3:]]
    out = list(ct2.decoded(chunks, submit, max_sentences=2))
    assert [chunk for chunk, _ in out] == chunks
    assert all(done == [(i, [str(i)], -float(i)) for i in chunk] for chunk, done in out)
    sizes = [(len(indices), size) for indices, size in calls]
    assert sizes == [(6, 2), (1, 0), (2 * ct2.GROUP_CHUNKS, 2), (4, 2)]


# drafts that fail an error-level check
def test_a_draft_that_fails_an_error_check_is_kept_and_named_held_back(tmp_path: Path) -> None:
    """The fake engine upper-cases: the URL changes (``urls``), and a term whose token it
    mangles comes back from the unprotected retry upper-cased (``do-not-translate``). Both
    drafts are written, fuzzy, their line naming the checks they fail after the digest;
    a draft that passes has no such note. A rerun changes nothing."""
    url = polib.POEntry(msgid="Visit https://example.org/spine today.")
    term = polib.POEntry(msgid="WikiMD helps.")
    fine = polib.POEntry(msgid="Read the guide.")
    po = catalog_of(url, term, fine)
    result = run(po, FakeEngine(mangle=True), Memory(tmp_path / "tm.sqlite3"),
                 keep=("WikiMD",))
    assert url.msgstr == "TODAY. HTTPS://EXAMPLE.ORG/SPINE VISIT"
    assert term.msgstr == "HELPS. WIKIMD"
    assert url.tcomment == f"{fake_line(url.msgstr, url.msgid)}; fails: urls"
    assert term.tcomment == f"{fake_line(term.msgstr, term.msgid)}; fails: do-not-translate"
    assert fine.tcomment == fake_line(fine.msgstr, fine.msgid)
    assert [e.fuzzy for e in po] == [True] * 3
    held = summary.held_back(po, CheckContext("de", "", Glossary(do_not_translate=("WikiMD",))))
    assert [(e.msgctxt, e.msgid) in held for e in po] == [True, True, False]
    assert (result.drafted, result.held, result.failed) == (3, 2, 0)
    before = catalog.render(po)
    again = run(po, FakeEngine(mangle=True), Memory(tmp_path / "tm.sqlite3"),
                keep=("WikiMD",))
    assert (again.waiting, catalog.render(po)) == (0, before)


def test_a_held_back_draft_is_never_looked_up_but_a_persons_version_of_it_is() -> None:
    """What the build shows (translations_of, shown_percent): with fuzzy entries shown, a
    draft failing an error-level check as the checks find it now (``held_back``, with the
    catalog's glossary: a glossary change holds or frees it at once) is left out as if
    untranslated (the page keeps the source text); once a person edits it, leaving it
    fuzzy, or accepts it, it shows like any translation."""
    held = polib.POEntry(msgid="WikiMD helps.", msgstr="HELPS. WIKIMD", flags=["fuzzy"],
                         tcomment=f"{fake_line('HELPS. WIKIMD', 'WikiMD helps.')}; "
                                  "fails: do-not-translate")
    fine = polib.POEntry(msgid="Read the guide.", msgstr="GUIDE. THE READ", flags=["fuzzy"],
                         tcomment=fake_line("GUIDE. THE READ", "Read the guide."))
    po = catalog_of(held, fine)
    context = CheckContext("de", "", Glossary(do_not_translate=("WikiMD",)))

    def shown(include_fuzzy: bool = True) -> tuple[dict[Any, str], float]:
        hidden = summary.held_back(po, context)
        return (translations_of(po, include_fuzzy, hidden),
                shown_percent(po, include_fuzzy, hidden))

    assert shown() == ({(None, fine.msgid): fine.msgstr}, 50.0)
    assert shown(include_fuzzy=False) == ({}, 0.0)
    assert summary.held_back(po, CheckContext("de", "")) == frozenset()  # not a term now
    held.msgstr = "WikiMD hilft."  # a person's edit, still fuzzy
    assert (None, held.msgid) in shown()[0] and shown()[1] == 100.0
    held.msgstr = "HELPS. WIKIMD"
    held.flags = []  # accepted as it is: a person's call
    assert shown(include_fuzzy=False)[0] == {(None, held.msgid): held.msgstr}


def test_a_msgid_that_uses_a_placeholder_twice_is_left_to_people() -> None:
    """``<1/><1/>`` (a hand-edited template: msgfmt takes it) parses, but has no shape:
    the draft's check of its placeholders raised, and translate ended in a traceback. Such
    an entry is left untranslated; the others are drafted."""
    twice = [polib.POEntry(msgctxt="a", msgid="<1/><1/>"),
             polib.POEntry(msgctxt="b", msgid="A <1>b</1> and <1>c</1>.")]
    po = catalog_of(*twice, polib.POEntry(msgctxt="c", msgid="Read the guide."))
    run(po, FakeEngine())
    assert [entry.msgstr for entry in po] == ["", "", "GUIDE. THE READ"]


def test_a_text_holding_a_thousand_characters_without_a_space_is_left_to_people() -> None:
    """Data, not a sentence (a base64 blob): Apertium took minutes on one word of 100,000
    characters and timed out, and the whole locale went without drafts."""
    engine = FakeEngine()
    po = catalog_of(polib.POEntry(msgctxt="a", msgid="Blob " + "A" * 1000 + " end."),
                    polib.POEntry(msgctxt="b", msgid="Read the guide."))
    run(po, engine)
    assert [entry.msgstr for entry in po] == ["", "GUIDE. THE READ"]
    assert not any("A" * 1000 in sentence for call in engine.calls for sentence in call)

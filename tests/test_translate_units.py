"""The translate stage's pure parts: choosing entries, cutting text, putting markup back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from miss_i18n.engines.base import ModelInfo, Progress
from miss_i18n.markup import parse
from miss_i18n.memory import Memory
from miss_i18n.provenance import MACHINE_MARK
from miss_i18n.sentences import split_sentences
from miss_i18n.translate import (
    assemble_piecewise,
    assemble_whole,
    needs_translation,
    split_edges,
    translate_catalog,
    units_piecewise,
    units_whole,
)

MODEL = ModelInfo("argos", "translate-en_de-1_0", "1.0", "en", "de", "de")


def entry(msgstr: str = "", flags: tuple[str, ...] = (), tcomment: str = "",
          previous: str | None = None) -> polib.POEntry:
    return polib.POEntry(msgid="Hello", msgstr=msgstr, flags=list(flags), tcomment=tcomment,
                         previous_msgid=previous)


def test_only_untranslated_entries_and_stale_machine_drafts_are_chosen() -> None:
    machine = f"{MACHINE_MARK} argos x 1.0 (en→de)"
    assert needs_translation(entry())
    assert not needs_translation(entry("Hallo"))  # human
    assert not needs_translation(entry("Hallo", ("fuzzy",), previous="Hi"))  # human, fuzzy
    assert not needs_translation(entry("Hallo", ("fuzzy",), machine))  # draft, source same
    assert needs_translation(entry("Hallo", ("fuzzy",), machine, previous="Hi"))
    assert not needs_translation(entry("Hallo", (), machine, previous="Hi"))  # reviewed


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


class SilentOnOneEngine:
    """A fake engine (not a translation: it upper-cases) that says nothing for one input;
    for testing what the stage does around an engine."""

    name = "fake"

    def __init__(self, silent: str) -> None:
        self.silent = silent
        self.calls: list[list[str]] = []

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        self.calls.append(list(sentences))
        return ["" if s == self.silent else s.upper() for s in sentences]


def test_an_empty_output_is_remembered_so_a_rerun_asks_no_engine(tmp_path: Path) -> None:
    """The entry stays untranslated (never filled with anything fake), counted as failed;
    the next run gets the same answer from memory without loading a model."""
    fake = SilentOnOneEngine("Bye")
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


class TokenManglingEngine:
    """A fake engine (not a translation: it upper-cases) that does not copy the number
    tokens do-not-translate terms hide behind; for testing the stage's fallback."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        self.calls.append(list(sentences))
        return [s.upper().replace("9071", "NINE") for s in sentences]


def test_a_fallback_for_a_mangled_term_is_remembered_too(tmp_path: Path) -> None:
    """The unprotected retry's output is in the memory: a rerun asks no engine."""
    fake = TokenManglingEngine()
    outcomes = []
    for _ in range(2):
        po = polib.POFile()
        po.append(polib.POEntry(msgid="MISS is a surgery"))
        with Memory(tmp_path / "tm.sqlite3") as memory:
            result = translate_catalog(po, "de", lambda _locale: (fake, MODEL), memory,
                                       now=datetime(2025, 1, 1, tzinfo=UTC), keep=("MISS",))
        outcomes.append((result.drafted, result.from_engine, po[0].msgstr))
    assert outcomes == [(1, 2, "MISS IS A SURGERY"), (1, 0, "MISS IS A SURGERY")]
    assert fake.calls == [["9071 is a surgery"], ["MISS is a surgery"]]

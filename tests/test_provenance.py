"""The provenance line: what is written is what is read back."""

from __future__ import annotations

import polib
import pytest

from miss_i18n.engines.base import ModelInfo
from miss_i18n.provenance import (
    PIECEWISE_NOTE,
    Kind,
    accepted,
    draft_confidence,
    edited,
    is_draft,
    is_from_memory,
    is_machine,
    machine_line,
    memory_line,
    parse_line,
    read,
    with_line,
)

MODEL = ModelInfo("apertium", "eng-spa", "1.0", "en", "es", "es", "rule-based draft")


@pytest.mark.parametrize(("piecewise", "confidence"), [(False, None), (True, None),
                                                       (False, 0.42), (True, 0.05)])
def test_a_machine_line_reads_back_as_written(piecewise: bool, confidence: float | None
                                              ) -> None:
    line = machine_line(MODEL.provenance, piecewise=piecewise, confidence=confidence)
    found = parse_line(line)
    assert found is not None
    assert (found.kind, found.model, found.confidence, found.piecewise) == (
        Kind.MACHINE, "apertium eng-spa 1.0 (en→es); rule-based draft", confidence, piecewise)


def test_the_line_is_byte_for_byte_what_drafts_carry() -> None:
    assert machine_line("argos m 1.0 (en→de)", piecewise=True, confidence=0.3) == (
        f"machine-translated: argos m 1.0 (en→de); confidence 0.30; {PIECEWISE_NOTE}")
    assert memory_line("old.tmx") == "translation memory: old.tmx"


def test_a_new_draft_line_replaces_the_old_one_and_keeps_peoples_comments() -> None:
    comment = with_line("checked by Ana\nmachine-translated: x", memory_line("a.tmx"))
    assert comment == "checked by Ana\ntranslation memory: a.tmx"
    entry = polib.POEntry(msgid="Hi", msgstr="Hola", tcomment=comment)
    assert is_from_memory(entry) and not is_machine(entry)
    found = read(entry)
    assert found is not None and (found.kind, found.text) == (Kind.MEMORY, "a.tmx")


def test_history_lines_mark_no_draft() -> None:
    line = machine_line("argos m 1.0 (en→de)", confidence=0.5)
    memory = memory_line("a.tmx")
    for comment in (accepted(line), edited(line), accepted(memory), edited(memory)):
        entry = polib.POEntry(msgid="Hi", msgstr="Hallo", tcomment=comment)
        assert not is_machine(entry) and not is_from_memory(entry) and not is_draft(entry)
        assert draft_confidence(entry) is None
    assert accepted(line).startswith("accepted machine draft: argos m 1.0")
    assert edited(line).startswith("edited machine draft: argos m 1.0")
    assert edited(f"a note\n{memory}") == "a note\nedited translation memory draft: a.tmx"
    found = parse_line(edited(memory))
    assert found is not None and (found.kind, found.text) == (Kind.EDITED_MEMORY, "a.tmx")
    assert parse_line("a person's note") is None

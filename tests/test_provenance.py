"""The provenance line: what is written is what is read back."""

from __future__ import annotations

import polib
import pytest

from miss_i18n import catalog
from miss_i18n.engines.base import ModelInfo
from miss_i18n.model import BLANK_COMMENT
from miss_i18n.provenance import (
    PIECEWISE_NOTE,
    Kind,
    accepted,
    draft_confidence,
    edited,
    is_draft,
    is_edited,
    is_engine_text,
    is_from_memory,
    is_machine,
    is_of_earlier_source,
    machine_line,
    memory_line,
    parse_line,
    read,
    text_digest,
    unwrapped,
    with_line,
)
from miss_i18n.translate import needs_translation, wants_human

MODEL = ModelInfo("apertium", "eng-spa", "1.0", "en", "es", "es", "rule-based draft")


@pytest.mark.parametrize(("piecewise", "confidence", "text"), [
    (False, None, None), (True, None, "Hola"), (False, 0.42, None), (True, 0.05, "Hola")])
def test_a_machine_line_reads_back_as_written(piecewise: bool, confidence: float | None,
                                              text: str | None) -> None:
    line = machine_line(MODEL.provenance, piecewise=piecewise, confidence=confidence,
                        text=text)
    found = parse_line(line)
    assert found is not None
    assert (found.kind, found.model, found.confidence, found.piecewise, found.digest) == (
        Kind.MACHINE, "apertium eng-spa 1.0 (en→es); rule-based draft", confidence, piecewise,
        None if text is None else text_digest(text))


def test_the_line_is_byte_for_byte_what_drafts_carry() -> None:
    assert machine_line("argos m 1.0 (en→de)", piecewise=True, confidence=0.3) == (
        f"machine-translated: argos m 1.0 (en→de); confidence 0.30; {PIECEWISE_NOTE}")
    assert machine_line("argos m 1.0 (en→de)", confidence=0.3, text="Hallo") == (
        "machine-translated: argos m 1.0 (en→de); confidence 0.30; msgstr 753692ec")
    assert text_digest("Hallo") == "753692ec"


def test_a_fuzzy_draft_whose_text_is_not_the_digests_is_a_persons_edit() -> None:
    """Edited (digest differs): neither redrafted nor filled from the memory. Unedited, or
    written before drafts carried a digest: a machine draft, redrafted when its source
    changed, as before."""
    line = machine_line("argos m 1.0 (en→de)", text="Hallo")

    def entry(msgstr: str, comment: str) -> polib.POEntry:
        return polib.POEntry(msgid="Hello there", msgstr=msgstr, tcomment=comment,
                             flags=["fuzzy"], previous_msgid="Hello")

    mine = entry("Hallo (von Hand)", line)
    assert is_edited(mine) and is_machine(mine)
    assert not needs_translation(mine) and not wants_human(mine)
    for untouched in (entry("Hallo", line), entry("Hallo (von Hand)", "machine-translated: "
                                                   "argos m 1.0 (en→de)")):
        assert not is_edited(untouched)
        assert needs_translation(untouched) and wants_human(untouched)
    assert memory_line("old.tmx") == "translation memory: old.tmx"


def test_a_new_draft_line_replaces_the_old_one_and_keeps_peoples_comments() -> None:
    comment = with_line("checked by Ana\nmachine-translated: x", memory_line("a.tmx"))
    assert comment == "checked by Ana\ntranslation memory: a.tmx"
    entry = polib.POEntry(msgid="Hi", msgstr="Hola", tcomment=comment)
    assert is_from_memory(entry) and not is_machine(entry)
    found = read(entry)
    assert found is not None and (found.kind, found.text) == (Kind.MEMORY, "a.tmx")


def test_a_draft_line_keeps_a_persons_empty_comment_lines() -> None:
    """A ``#`` with no text among a person's comment lines (or alone) was dropped when a
    draft's line was added; msgcat keeps it, and so does the rewrite."""
    line = memory_line("a.tmx")
    assert with_line("first\n\nsecond", line) == f"first\n\nsecond\n{line}"
    assert with_line(BLANK_COMMENT, line) == f"\n{line}"
    assert with_line("", line) == line


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


def test_the_checks_a_draft_fails_are_named_after_its_digest_and_read_back() -> None:
    line = machine_line(MODEL.provenance, piecewise=True, confidence=0.5, text="Hola",
                        fails=("do-not-translate", "urls"))
    assert line == ("machine-translated: apertium eng-spa 1.0 (en→es); rule-based draft; "
                    f"confidence 0.50; msgstr {text_digest('Hola')}; "
                    f"fails: do-not-translate, urls; {PIECEWISE_NOTE}")
    found = parse_line(line)
    assert found is not None
    assert (found.model, found.fails, found.piecewise, found.digest, found.confidence) == (
        "apertium eng-spa 1.0 (en→es); rule-based draft", ("do-not-translate", "urls"),
        True, text_digest("Hola"), 0.5)
    passing = parse_line(machine_line(MODEL.provenance, text="Hola"))
    assert passing is not None and passing.fails == ()
    # the note is about a text: without one there is nothing to hold back
    assert machine_line(MODEL.provenance, fails=("urls",)) == machine_line(MODEL.provenance)


def test_only_a_fuzzy_machine_draft_no_one_edited_is_the_engines_text() -> None:
    """What summary.held_back may hold back: fuzzy, unedited machine drafts (an older
    line without a digest cannot tell, and counts as the engine's). A person's edit (left
    fuzzy), an accepted draft, a history line or a person's comment are theirs."""
    line = machine_line(MODEL.provenance, text="Hola", fails=("urls",))

    def entry(msgstr: str, comment: str, fuzzy: bool = True) -> polib.POEntry:
        return polib.POEntry(msgid="Hello", msgstr=msgstr, tcomment=comment,
                             flags=["fuzzy"] if fuzzy else [])

    assert is_engine_text(entry("Hola", f"checked by Ana\n{line}"))
    assert is_engine_text(entry("Hola", machine_line(MODEL.provenance)))  # no digest
    assert not is_engine_text(entry("Hola (von Hand)", line))  # edited: a person's
    assert not is_engine_text(entry("Hola", line, fuzzy=False))  # accepted
    assert not is_engine_text(entry("", line))
    assert not is_engine_text(entry("Hola", accepted(line)))
    assert not is_engine_text(entry("Hola", edited(line)))
    assert not is_engine_text(entry("Hola", "a person wrote; fails: urls"))


def test_a_provenance_line_a_tool_wrapped_is_read_as_one() -> None:
    """polib wraps comment lines at 78 columns: a catalog it saved is read with each
    draft's line whole again (its digest kept, so an edit is still told from the draft),
    and written back as one line; a person's comment lines around it stay as they are."""
    line = machine_line(MODEL.provenance, confidence=0.71, text="Hola", fails=(
        "do-not-translate", "urls"), piecewise=True)
    made = polib.POFile(wrapwidth=0)
    made.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    comment = f"checked by Ana; looks fine\n{line}\nsee the glossary"
    made.append(polib.POEntry(msgid="Hello", msgstr="Hola (Ana)", tcomment=comment,
                              flags=["fuzzy"]))
    for width in (40, 60, 78):
        made.wrapwidth = width
        text = str(made)
        assert f"# {line}" not in text  # wrapped
        [read] = catalog.to_polib(catalog.parse_syntax(text.encode(), None))
        assert read.tcomment == comment, width
        assert is_edited(read) and not is_engine_text(read)
    assert unwrapped(["machine-translated: x (en→de); msgstr", "abcdef12", "a note"]) == [
        "machine-translated: x (en→de); msgstr abcdef12", "a note"]
    # a line that ends as written, or a note that does not complete one, is left alone
    assert unwrapped([line, "msgstr abcdef12"]) == [line, "msgstr abcdef12"]
    assert unwrapped(["translation memory: a.tmx", "a note"]) == [
        "translation memory: a.tmx", "a note"]
    # a memory line never ends with a digest: a person's lines after it stay theirs, even
    # one that happens to end like a draft's line
    people = ["Ana: checked", "see the style guide; fails: urls", "note; msgstr abcdef12"]
    assert unwrapped(["translation memory: a.tmx", *people]) == [
        "translation memory: a.tmx", *people]
    made.wrapwidth = 24  # a piecewise draft's line in 13 lines (and a person's in two)
    [read] = catalog.to_polib(catalog.parse_syntax(str(made).encode(), None))
    assert line in read.tcomment.split("\n") and is_edited(read)


def test_a_draft_of_another_msgid_is_of_an_earlier_source_without_previous() -> None:
    """``msgmerge`` without ``--previous`` leaves no ``#| msgid``: a machine draft whose
    line names another msgid's digest is still one of an earlier source; its own msgid's,
    or none (an older line), is not; nor is a person's translation marked fuzzy."""
    line = machine_line("argos m 1 (en→de)", source="Old text.", text="Alter Text.")
    assert parse_line(line) is not None and parse_line(line).source == text_digest("Old text.")
    assert parse_line(line).model == "argos m 1 (en→de)"
    merged = polib.POEntry(msgid="New text.", msgstr="Alter Text.", flags=["fuzzy"],
                           tcomment=line)
    assert is_of_earlier_source(merged)
    same = polib.POEntry(msgid="Old text.", msgstr="Alter Text.", flags=["fuzzy"],
                         tcomment=line)
    older = polib.POEntry(msgid="New text.", msgstr="Alter Text.", flags=["fuzzy"],
                          tcomment=machine_line("argos m 1 (en→de)", text="Alter Text."))
    person = polib.POEntry(msgid="New text.", msgstr="Mein Text.", flags=["fuzzy"])
    accepted = polib.POEntry(msgid="New text.", msgstr="Alter Text.", tcomment=line)
    assert not any(map(is_of_earlier_source, (same, older, person, accepted)))
    moved = polib.POEntry(msgid="New text.", msgstr="Alter Text.", flags=["fuzzy"],
                          tcomment=line, previous_msgid="New text.")
    assert not is_of_earlier_source(moved)  # the #| says: the same text, moved

"""The provenance line: where a draft came from, written as a translator comment.

Every draft carries one line saying who made it, in the entry's translator comment (a
comment, not a flag: GNU msgcat and msgmerge drop flags they do not know, and every tool
keeps translator comments)::

    # machine-translated: argos translate-en_de-1_0 1.0 (en→de); confidence 0.42; msgid 9d3a41c0; …
    # machine-translated: apertium eng-spa 1.0 (en→es); rule-based draft; markup: …
    # translation memory: old-site.tmx; msgid 9d3a41c0; msgstr 0c4f7e21

A line's first words say its kind (``Kind``); an engine draft's rest is the model
(``ModelInfo.provenance``: engine, model, version, language pair and a note), then the
machine's confidence (see confidence.py), a digest of the msgid it translated (``msgid
9d3a41c0``: a draft merged onto another text without ``#| msgid`` is still one of an
earlier source, is_of_earlier_source), a digest of the text it wrote (``msgstr
5f1c09ab``: a fuzzy draft whose msgstr no longer has it was edited by a person, in the PO
file, and is theirs; drafts written before the digest have none), the error-level checks
that text failed when it was made (``fails: do-not-translate, urls``: for the reviewer;
the pages hold such a draft back by the checks as they are at each build,
summary.held_back) and whether the pieces between placeholders were translated one by one.
A memory draft's line names its TMX file and the digest of its text (older ones have none).
A line that a tool wrapped (polib does, at 78 columns) is read as one (``unwrapped``).
Once a person accepts a draft and its source then changes, the line is kept as history
under another kind (``accepted machine draft: …``), as it is when a person edits a draft in
an XLIFF tool (``edited machine draft: …``, ``edited translation memory draft: …``) or in
the PO file (see ``is_edited``). Only the two draft kinds mark an entry an engine or the
memory may replace. This module is the only one that writes or reads these lines; nothing
here prints or touches files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import polib


class Kind(StrEnum):
    """What a provenance line says made the draft (its text is the line's mark)."""

    MACHINE = "machine-translated:"
    """An engine's draft, awaiting review."""
    MEMORY = "translation memory:"
    """A person's translation imported from a TMX file: fuzzy for review, but never an
    engine's."""
    ACCEPTED_MACHINE = "accepted machine draft:"
    """A machine draft a person accepted, carried to a changed source."""
    ACCEPTED_MEMORY = "accepted translation memory draft:"
    """The same for a draft taken from the translation memory."""
    EDITED_MACHINE = "edited machine draft:"
    """A machine draft a person changed in an XLIFF tool and left for review."""
    EDITED_MEMORY = "edited translation memory draft:"
    """The same for a draft taken from the translation memory: a person's text now."""


MACHINE_MARK = Kind.MACHINE.value
TM_MARK = Kind.MEMORY.value
ACCEPTED_MARK = Kind.ACCEPTED_MACHINE.value
ACCEPTED_TM_MARK = Kind.ACCEPTED_MEMORY.value
EDITED_MARK = Kind.EDITED_MACHINE.value
EDITED_TM_MARK = Kind.EDITED_MEMORY.value
_MARKS = tuple(kind.value for kind in Kind)

PIECEWISE_NOTE = "markup: the pieces between placeholders were translated separately; check"\
    " the word order"
CONFIDENCE_LABEL = "confidence"
_CONFIDENCE = re.compile(rf"; {CONFIDENCE_LABEL} ([01]\.\d\d)(?=;|$)")
DIGEST_LABEL = "msgstr"
_DIGEST = re.compile(rf"; {DIGEST_LABEL} ([0-9a-f]{{8}})(?=;|$)")
SOURCE_LABEL = "msgid"
_SOURCE = re.compile(rf"; {SOURCE_LABEL} ([0-9a-f]{{8}})(?=;|$)")
FAILS_LABEL = "fails:"
_CHECK_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_FAILS = re.compile(rf"; {FAILS_LABEL} ({_CHECK_NAME}(?:, {_CHECK_NAME})*)(?=;|$)")
_COMPLETE = re.compile(rf"(?:; {DIGEST_LABEL} [0-9a-f]{{8}}|; {FAILS_LABEL} {_CHECK_NAME}"
                       rf"(?:, {_CHECK_NAME})*|; {re.escape(PIECEWISE_NOTE)})$")
"""How a draft's line written with its text's digest ends (``machine_line``): a line that
starts like one and ends otherwise, followed by such an ending, was wrapped."""
_WRAPPED_LINES = 20
"""The most lines a tool may have wrapped one provenance line into (polib at 24 columns
makes 13 of a piecewise draft's)."""
_DIGESTED = tuple(kind.value for kind in (Kind.MACHINE, Kind.ACCEPTED_MACHINE,
                                           Kind.EDITED_MACHINE))
"""The kinds of line that end with a digest (``machine_line``, and the history lines made
of one): only those are joined. A memory line written before it had a digest ends
otherwise, and the lines after it are a person's: so memory lines are never joined (one
wrapped, for a long file name, reads as having no digest, as an older one does)."""
_AS_WRITTEN = {
    Kind.MACHINE: re.compile(r"machine-translated: \S+ .*?\S \([^()\n→]+→[^()\n→]+\)"
                             r"(?:;[^\n]*)?"),  # (";" alone: a line a tool wrapped after it)
    Kind.MEMORY: re.compile(r"translation memory: (?:[^\n]*\.[tT][mM][xX]|[^\n]*; "
                            rf"{DIGEST_LABEL} [0-9a-f]{{8}})"),
}
"""A draft's line as this tool writes it (``machine_line``: a model named with its
language pair; ``memory_line``: a TMX file, or the text's digest): a person's comment that
merely starts so (``machine-translated: by Google, then reviewed by Anna``) marks no draft,
which an engine or the memory would replace."""
_ACCEPTED = {Kind.MACHINE: Kind.ACCEPTED_MACHINE, Kind.MEMORY: Kind.ACCEPTED_MEMORY}
_EDITED = {Kind.MACHINE: Kind.EDITED_MACHINE, Kind.MEMORY: Kind.EDITED_MEMORY}


def unwrapped(lines: Sequence[str]) -> list[str]:
    """Translator-comment lines with each provenance line that a tool wrapped joined back.

    polib, and scripts built on it, wrap comment lines at 78 columns (GNU's tools do not):
    a draft's line (about 100 characters) becomes ``…(en→es); confidence 0.71;`` and
    ``msgstr fe2b6a81; fails: urls``, and read line by line the draft would lose its digest
    (a person's edit no longer told from the draft). Wrapping breaks at spaces and after
    hyphens (``rule-`` / ``based``), so the following lines, joined with a single space
    (none after a hyphen), give the line back: they are joined where
    the line does not end as a line with a digest does (``_COMPLETE``) and a few following
    lines that start no line of their own make it end so. Any other comment line is kept
    as it is."""
    found: list[str] = []
    at = 0
    while at < len(lines):
        line, used = lines[at], 1
        if line.startswith(_DIGESTED) and not _COMPLETE.search(line):
            joined = line
            for ahead in range(at + 1, min(len(lines), at + 1 + _WRAPPED_LINES)):
                if not lines[ahead] or lines[ahead].startswith(_MARKS):
                    break
                glued = joined.endswith("-") and lines[ahead][:1].isalnum()
                joined = f"{joined}{'' if glued else ' '}{lines[ahead]}"
                if _COMPLETE.search(joined):
                    line, used = joined, ahead - at + 1
                    break
        found.append(line)
        at += used
    return found


# -- making lines ---------------------------------------------------------------------------
def model_text(*, engine: str, model: str, version: str, source: str, target: str,
               note: str = "") -> str:
    """How a line names a model: ``argos translate-en_de-1_0 1.0 (en→de)[; note]``."""
    text = f"{engine} {model} {version} ({source}→{target})"
    return f"{text}; {note}" if note else text


def confidence_note(shown: float) -> str:
    """The line's part for a confidence (a number between 0 and 1): ``confidence 0.42``."""
    return f"{CONFIDENCE_LABEL} {shown:.2f}"


def text_digest(text: str) -> str:
    """A short digest of a draft's text: enough to tell a person's edit from the draft."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def fails_note(checks: Sequence[str]) -> str:
    """The line's part naming the error-level checks a draft fails:
    ``fails: do-not-translate, urls``."""
    return f"{FAILS_LABEL} {', '.join(checks)}"


def machine_line(model: str, *, piecewise: bool = False, confidence: float | None = None,
                 source: str | None = None, text: str | None = None,
                 fails: Sequence[str] = ()) -> str:
    """``machine-translated: <model>[; confidence 0.42][; msgid <digest of source>]
    [; msgstr <digest of text>][; fails: <checks>][; <piecewise note>]``. ``fails`` needs
    ``text``: the note is about that text (what it failed when it was made; whether the
    pages show it is decided at each build, summary.held_back). ``source``: the msgid the
    draft translates, so that a draft of another text reads so however a tool merged it
    (``msgmerge`` without ``--previous`` leaves no ``#| msgid``: is_of_earlier_source)."""
    line = f"{MACHINE_MARK} {model}"
    if confidence is not None:
        line = f"{line}; {confidence_note(confidence)}"
    if source is not None:
        line = f"{line}; {SOURCE_LABEL} {text_digest(source)}"
    if text is not None:
        line = f"{line}; {DIGEST_LABEL} {text_digest(text)}"
        if fails:
            line = f"{line}; {fails_note(fails)}"
    return f"{line}; {PIECEWISE_NOTE}" if piecewise else line


def memory_line(origin: str, *, text: str | None = None, source: str | None = None) -> str:
    """``translation memory: <file>[; msgid <digest of source>][; msgstr <digest of
    text>]``: a draft from an imported human translation (the digests tell a draft merged
    onto another text, and a person's edit of it, as a machine line's do)."""
    line = f"{TM_MARK} {origin}"
    if source is not None:
        line = f"{line}; {SOURCE_LABEL} {text_digest(source)}"
    return line if text is None else f"{line}; {DIGEST_LABEL} {text_digest(text)}"


def with_line(tcomment: str, line: str) -> str:
    """A translator comment with ``line`` as its one draft provenance line (the earlier
    draft's line replaced, a person's own comments, empty lines too, and history lines
    kept)."""
    kept = [old for old in tcomment.split("\n")
            if not old.startswith((MACHINE_MARK, TM_MARK))] if tcomment else []
    return "\n".join([*kept, line])


def _renamed(tcomment: str, names: dict[Kind, Kind]) -> str:
    return "\n".join(next((renamed.value + line[len(mark):] for mark, renamed in
                           names.items() if line.startswith(mark)), line)
                     for line in tcomment.split("\n"))


def accepted(tcomment: str) -> str:
    """The comment of an accepted draft that moves to a changed source: its draft line
    renamed (``accepted machine draft: …``), so it no longer marks a draft."""
    return _renamed(tcomment, _ACCEPTED)


def edited(tcomment: str) -> str:
    """The comment of a draft a person changed (``edited machine draft: …``, ``edited
    translation memory draft: …``): the text is theirs, so no engine or memory replaces it."""
    return _renamed(tcomment, _EDITED)


# -- reading lines ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Provenance:
    """What one provenance line says."""

    kind: Kind
    text: str
    """The rest of the line: the model (with the notes below) or the TMX file."""
    confidence: float | None = None
    piecewise: bool = False
    digest: str | None = None
    """The digest of the text the engine wrote (``text_digest``); None on older lines."""
    source: str | None = None
    """The digest of the msgid the engine translated; None on older lines."""
    fails: tuple[str, ...] = ()
    """The error-level checks the engine's text failed when it was written (``fails:``)."""

    @property
    def model(self) -> str:
        """The model part of a machine line, without the confidence, digest, failed
        checks and piecewise notes."""
        text = self.text
        if self.piecewise:
            text = text.removesuffix(f"; {PIECEWISE_NOTE}")
        if self.fails:
            text = text.removesuffix(f"; {fails_note(self.fails)}")
        if self.digest is not None:
            text = text.removesuffix(f"; {DIGEST_LABEL} {self.digest}")
        if self.source is not None:
            text = text.removesuffix(f"; {SOURCE_LABEL} {self.source}")
        if self.confidence is not None:
            text = text.removesuffix(f"; {confidence_note(self.confidence)}")
        return text


def parse_line(line: str) -> Provenance | None:
    """The provenance a translator-comment line states, or None for any other line (a
    draft's line not as this tool writes it: ``_AS_WRITTEN``)."""
    kind = next((k for k in Kind if line.startswith(k.value)), None)
    if kind is None:
        return None
    written = _AS_WRITTEN.get(kind)
    if written is not None and written.fullmatch(line) is None:
        return None
    text = line[len(kind.value):].strip()
    found = _CONFIDENCE.search(line)
    digest = _DIGEST.search(line)
    source = _SOURCE.search(line)
    fails = _FAILS.search(line)
    return Provenance(kind=kind, text=text,
                      confidence=float(found.group(1)) if found else None,
                      piecewise=line.endswith(f"; {PIECEWISE_NOTE}"),
                      digest=digest.group(1) if digest else None,
                      source=source.group(1) if source else None,
                      fails=tuple(fails.group(1).split(", ")) if fails else ())


def read(entry: polib.POEntry, *kinds: Kind) -> Provenance | None:
    """The entry's first provenance line (of one of ``kinds``, if given), or None."""
    for line in entry.tcomment.split("\n"):
        found = parse_line(line)
        if found is not None and (not kinds or found.kind in kinds):
            return found
    return None


def _has(entry: polib.POEntry, kind: Kind) -> bool:
    """Whether the entry's comment has a draft line of ``kind`` as written (``_AS_WRITTEN``;
    a search for its mark first, as most comments have none)."""
    comment = entry.tcomment
    mark = kind.value
    if not comment or not (comment.startswith(mark) or f"\n{mark}" in comment):
        return False
    written = _AS_WRITTEN[kind]
    return any(written.fullmatch(line) for line in comment.split("\n") if line.startswith(mark))


def is_machine(entry: polib.POEntry) -> bool:
    """An engine's draft: its translator comment carries a machine line."""
    return _has(entry, Kind.MACHINE)


def is_edited(entry: polib.POEntry) -> bool:
    """A draft (an engine's or the memory's) a person changed in the PO file, fuzzy flag
    left on: its msgstr is not the text its line's digest names. Their work from then on,
    as an XLIFF edit is (``edited``); a line without a digest (an older draft) cannot
    tell, so it is not."""
    return entry.fuzzy and _not_the_drafts(entry)


def _not_the_drafts(entry: polib.POEntry) -> bool:
    """The entry's msgstr is not the text its draft line's digest names."""
    if not entry.msgstr:
        return False
    found = read(entry, Kind.MACHINE, Kind.MEMORY)
    return found is not None and found.digest is not None \
        and found.digest != text_digest(entry.msgstr)


def as_history(entry: polib.POEntry) -> str:
    """The comment of a translation a person accepted, leaving its draft line behind, once
    the entry is fuzzy again (its source changed, or sent back for review): the line kept
    as history, ``edited …`` where the person changed the draft's text before accepting
    it, else ``accepted …``; so it no longer marks a draft an engine may replace."""
    return edited(entry.tcomment) if _not_the_drafts(entry) else accepted(entry.tcomment)


def settled_comment(entry: polib.POEntry) -> str:
    """The translator comment an entry keeps as it stands: a draft a person accepted
    (fuzzy cleared, its draft line still there) has the line made history now
    (``as_history``), so that no later tool (a translator's own ``msgmerge``, which would
    make it a fuzzy draft of an earlier source) turns it back into a draft an engine may
    replace; any other entry keeps its comment."""
    return as_history(entry) if is_accepted(entry) and is_draft(entry) else entry.tcomment


def is_engine_text(entry: polib.POEntry) -> bool:
    """A fuzzy machine draft still as the engine wrote it: no person edited it (``is_edited``;
    an older line without a digest cannot tell, and is taken as the engine's). Such a draft
    that fails an error-level check is held back from the pages (summary.held_back)."""
    return entry.fuzzy and bool(entry.msgstr) and is_machine(entry) and not is_edited(entry)


def is_from_memory(entry: polib.POEntry) -> bool:
    """A draft taken from an imported human translation (``translation memory: …``)."""
    return _has(entry, Kind.MEMORY)


def is_memory_draft(entry: polib.POEntry) -> bool:
    """A draft from the translation memory still as it was taken: no person edited it
    (``is_edited``), as ``is_engine_text`` is for an engine's."""
    return is_from_memory(entry) and not is_edited(entry)


def is_of_earlier_source(entry: polib.POEntry) -> bool:
    """A fuzzy entry made for an earlier version of its source text: its ``#| msgid`` (what
    ``catalog.merge`` and ``msgmerge --previous`` write) is another text. Not a person's own
    translation they marked fuzzy (Poedit's "Needs work": no ``#|``), nor one whose
    ``#| msgid`` is its msgid (the same text, moved to another context). Without a ``#|``
    (``msgmerge`` without ``--previous`` writes none), a draft whose line names the digest
    of another msgid than its own (``machine_line``'s, ``memory_line``'s ``source``) is one
    too: merged onto a changed text, it would otherwise read as the current text's draft."""
    if not entry.fuzzy:
        return False
    if entry.previous_msgid is not None:
        return entry.previous_msgid != entry.msgid
    found = read(entry, Kind.MACHINE, Kind.MEMORY) if is_draft(entry) else None
    return found is not None and found.source is not None \
        and found.source != text_digest(entry.msgid)


def needs_translation(entry: polib.POEntry) -> bool:
    """Untranslated, or a fuzzy draft (an engine's or the memory's) whose source changed
    since it was made (``is_of_earlier_source``: by its ``#| msgid``, else by its line's
    msgid digest; not one a person edited: ``is_edited``). A draft whose text only moved
    (``#| msgctxt``, ``#| msgid`` its own msgid: an item inserted above renumbered it) is
    still the draft of its text."""
    if entry.obsolete or not entry.msgid or entry.msgid_plural:
        return False
    if not entry.msgstr:
        return True
    return is_draft(entry) and is_of_earlier_source(entry) and not is_edited(entry)


def is_draft(entry: polib.POEntry) -> bool:
    """A draft no person has touched: an engine's or one from the memory."""
    return is_machine(entry) or is_from_memory(entry)


def is_accepted(entry: polib.POEntry) -> bool:
    """A translation a person accepted: not fuzzy, whatever comments it carries.

    Clearing fuzzy (Poedit, Weblate, ``msgattrib --clear-fuzzy``, a hand edit) is how
    every tool says "reviewed"; a draft's provenance line often stays behind.
    """
    return bool(entry.msgstr) and not entry.fuzzy


def draft_confidence(entry: polib.POEntry) -> float | None:
    """The confidence on a machine draft's provenance line, or None if it has none."""
    found = read(entry, Kind.MACHINE)
    return None if found is None else found.confidence

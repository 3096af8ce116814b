"""An entry's facts as a catalog's record keeps them (incremental.py), and what a summary
needs of a whole catalog's, added up without the entries.

A record holds each active entry's facts on a line of its own (``incremental.save``), and
in its head their totals (``tally_of``) and where the drafts with a confidence are
(``weak_of``). An edit's run brings those up to date from the few entries it merged
(``Delta``), and its summary's translations and review are looked up in the lines as the
build asks for them (``Lookups``): a kept entry's line is copied, never decoded, unless a
page built in this run shows it.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import Any, cast

from .build import Review
from .chrome import CHROME_CONTEXT
from .confidence import WeakDraft
from .errors import StorageError
from .model import CatalogStats, Key
from .report import REPORT_DRAFTS, Findings
from .summary import Summary

(OBSOLETE, FUZZY, TRANSLATED, MACHINE, MEMORY, NEEDS, ACCEPTED, PLURAL, UNUSABLE, HELD,
 EARLIER) = (1 << n for n in range(11))

Fact = tuple[str | None, str, str, int, int, int, float | None, list[str]]
"""An entry as its catalog's summary sees it: msgctxt, msgid, msgstr, flags (the bits
above; UNUSABLE: a msgstr the build rejects, ``build.shows``, which does not count as
shown; HELD: a machine draft held back, ``summary.held_back``, not looked up at all;
EARLIER: fuzzy, made for an earlier source, ``provenance.is_of_earlier_source``),
errors and warnings the checks find in it, the confidence of a draft that has one (else
None), and where its source text is (for such a draft)."""

REVIEW_KINDS: dict[str, tuple[int, int]] = {
    "drafts": (FUZZY | MACHINE, FUZZY | MACHINE),
    "stale": (FUZZY | EARLIER | MACHINE | MEMORY, FUZZY | EARLIER),
    "memory": (FUZZY | MEMORY, FUZZY | MEMORY),
}
"""Review's kinds, each as (mask, bits): an active entry is of the kind where its flags
masked are those bits (``counted`` adds up the same)."""

TALLY = ("total", "translated", "fuzzy", "machine", "memory", "needing", "errors",
         "warnings", "pages", "shown", "shown_fuzzy")
"""What ``counted`` counts of active entries, in its order: the summary's numbers (shown:
what the pages show of them, fuzzy ones left out or, shown_fuzzy, shown)."""


def counted(facts: list[Fact], header: tuple[int, int], locale: str, *,
            include_fuzzy: bool) -> tuple[Summary, list[int], list[list[Any]]]:
    """What ``summary.summarize`` makes of the catalog whose facts these are, with what
    its record holds of the active entries, counted on the way: their TALLY, and each
    draft with a confidence as [confidence, position], in their order."""
    total = translated = fuzzy = machine = memory = obsolete = needing = 0
    errors = warnings = 0
    translations: dict[Key, str] = {}
    drafts: set[Key] = set()
    from_memory: set[Key] = set()
    stale: set[Key] = set()
    pages = reviewed = shown = 0  # (shown: fuzzy ones too)
    weak: list[list[Any]] = []
    for position, (msgctxt, msgid, msgstr, flags, bad, doubtful, sure, _places) in enumerate(
            facts):
        if flags == NEEDS and not (msgstr or bad or doubtful) and sure is None:  # untouched
            total += 1
            needing += 1
            pages += not (msgctxt or "").startswith(CHROME_CONTEXT)
            continue
        if flags & OBSOLETE:
            obsolete += 1
            continue
        key = (msgctxt, msgid)
        total += 1
        translated += bool(flags & TRANSLATED)
        needing += bool(flags & NEEDS)
        errors += bad
        warnings += doubtful
        is_fuzzy = bool(flags & FUZZY)
        if is_fuzzy:
            if flags & MACHINE:
                drafts.add(key)
            if flags & MEMORY:
                from_memory.add(key)
            if flags & EARLIER and not flags & (MACHINE | MEMORY):
                stale.add(key)
            if msgstr:
                fuzzy += 1
                machine += bool(flags & MACHINE)
                memory += bool(flags & MEMORY)
        if msgstr and (include_fuzzy or not is_fuzzy) and not flags & HELD:
            translations[key] = msgstr
        if not (msgctxt or "").startswith(CHROME_CONTEXT):
            pages += 1
            if msgstr and not flags & (UNUSABLE | HELD):
                shown += 1
                reviewed += not is_fuzzy
        if sure is not None:
            weak.append([sure, position])
    tally = [total, translated, fuzzy, machine, memory, needing, errors, warnings, pages,
             reviewed, shown]
    return _summary(tally, obsolete, header, locale, include_fuzzy=include_fuzzy,
                    translations=translations,
                    review=Review(drafts=drafts, stale=stale, memory=from_memory),
                    weakest=[_weak_draft(facts[position], include_fuzzy) for _sure, position
                             in _weakest(weak)]), tally, weak


def tally_of(active: list[Fact]) -> list[int]:
    """The TALLY of a catalog's active entries (``counted``)."""
    return counted(active, (0, 0), "", include_fuzzy=False)[1]


def weak_of(active: list[Fact]) -> list[list[Any]]:
    """The drafts with a confidence among a catalog's active entries (``counted``)."""
    return counted(active, (0, 0), "", include_fuzzy=False)[2]


def _weakest(weak: list[list[Any]]) -> list[list[Any]]:
    """The least sure drafts first (by position among equals): those the report lists."""
    return heapq.nsmallest(max(REPORT_DRAFTS, 0), weak)


def _weak_draft(fact: Fact, include_fuzzy: bool) -> WeakDraft:
    msgctxt, msgid, _msgstr, flags, _errors, _warnings, sure, references = fact
    assert sure is not None  # a draft with a confidence
    return WeakDraft(confidence=sure, line=None, msgctxt=msgctxt, msgid=msgid,
                     references=tuple(references), held=include_fuzzy and bool(flags & HELD))


def _summary(tally: list[int], obsolete: int, header: tuple[int, int], locale: str, *,
             include_fuzzy: bool, translations: Mapping[Key, str], review: Review,
             weakest: list[WeakDraft]) -> Summary:
    """The Summary of a catalog whose active entries' TALLY this is."""
    (total, translated, fuzzy, machine, memory, needing, errors, warnings, pages, reviewed,
     shown) = tally
    shown_now = shown if include_fuzzy else reviewed
    return Summary(
        stats=CatalogStats(locale=locale, total=total, translated=translated, fuzzy=fuzzy,
                           untranslated=total - translated - fuzzy, machine=machine,
                           obsolete=obsolete, memory=memory),
        translations=translations, review=review,
        shown=100.0 * shown_now / pages if pages else 100.0,
        findings=Findings(errors + header[0], warnings + header[1]),
        weakest=weakest, needing=needing)


class Lookups:
    """A catalog's active entries' facts as its record's lines hold them (``row``: each
    but its key, 0 for an untouched entry), decoded as asked; ``where``: the template's
    keys, each to its position."""

    def __init__(self, lines: Sequence[bytes], where: Mapping[Key, int]) -> None:
        self.lines = lines
        self.where = where
        self._rows: dict[int, Any] = {}

    def at(self, position: int) -> Any:
        """The row of the entry at ``position`` (StorageError where its line is not one:
        the record was damaged after this run's worker read it)."""
        row = self._rows.get(position)
        if row is None:
            line = self.lines[position]
            try:
                row = 0 if line == b"0" else json.loads(line)
                if row != 0 and not (type(row) is list and len(row) == 6
                                     and type(row[0]) is str and type(row[1]) is int
                                     and isinstance(row[5], list)):
                    raise ValueError("not a row")
            except ValueError:
                raise StorageError(
                    "a catalog record in .miss-i18n/catalogs is damaged; delete that folder "
                    "and run again (it is a cache: the next run makes it again)") from None
            self._rows[position] = row
        return row

    def flags(self, key: Key) -> tuple[str, int] | None:
        """The entry's msgstr and flags (None: not an active entry)."""
        position = self.where.get(key)
        if position is None:
            return None
        row = self.at(position)
        return ("", NEEDS) if row == 0 else (row[0], row[1])


class Shown(Mapping[Key, str]):
    """Summary.translations of the entries ``Lookups`` holds: what the build shows."""

    def __init__(self, lookups: Lookups, include_fuzzy: bool) -> None:
        self.lookups = lookups
        self.include_fuzzy = include_fuzzy

    def _text(self, found: tuple[str, int] | None) -> str | None:
        if found is None:
            return None
        msgstr, flags = found
        return msgstr if msgstr and (self.include_fuzzy or not flags & FUZZY) \
            and not flags & HELD else None

    def __getitem__(self, key: Key) -> str:
        text = self._text(self.lookups.flags(key))
        if text is None:
            raise KeyError(key)
        return text

    def __iter__(self) -> Iterator[Key]:
        return (key for key in self.lookups.where if self._text(self.lookups.flags(key)))

    def __len__(self) -> int:
        return sum(1 for _key in self)


class Kind(Set[Key]):
    """One of Review's kinds (REVIEW_KINDS) among the entries ``Lookups`` holds."""

    def __init__(self, lookups: Lookups, kind: str) -> None:
        self.lookups = lookups
        self.mask, self.bits = REVIEW_KINDS[kind]

    def __contains__(self, key: object) -> bool:
        found = self.lookups.flags(cast(Key, key)) if isinstance(key, tuple) else None
        return found is not None and found[1] & self.mask == self.bits

    def __iter__(self) -> Iterator[Key]:
        return (key for key in self.lookups.where if key in self)

    def __len__(self) -> int:
        return sum(1 for _key in self)


def looked_up(lookups: Lookups, include_fuzzy: bool) -> tuple[Shown, Review]:
    """A summary's translations and review, looked up in ``lookups``."""
    return Shown(lookups, include_fuzzy), Review(
        drafts=Kind(lookups, "drafts"), stale=Kind(lookups, "stale"),
        memory=Kind(lookups, "memory"))


@dataclass(frozen=True)
class Delta:
    """A catalog's facts as an edit's run made them (``incremental._update``), without a
    list of them: the active entries' TALLY and drafts (``weak_of``), its obsolete
    entries' facts, every active entry's record line, and for its .mo what the merge
    changed: the keys of translations gone (as the image holds them) and those new
    (key, translation), beside the digest of the .mo the old record describes."""

    tally: list[int]
    weak: list[list[Any]]
    obsolete: list[Fact]
    lines: list[bytes]
    mo: str | None
    removed: list[bytes]
    added: list[tuple[bytes, bytes]]

    def facts(self, keys: Sequence[Key]) -> list[Fact]:
        """Every fact, in order (``keys``: the template's)."""
        lookups = Lookups(self.lines, {})
        return [(msgctxt, msgid, "", NEEDS, 0, 0, None, []) if row == 0 else (
            msgctxt, msgid, row[0], row[1], row[2], row[3], row[4], row[5])
            for (msgctxt, msgid), row in zip(
                keys, map(lookups.at, range(len(self.lines))), strict=True)] + self.obsolete


def summary_from(delta: Delta, lookups: Lookups, keys: Sequence[Key],
                 header: tuple[int, int], locale: str, *, include_fuzzy: bool) -> Summary:
    """``counted``'s summary of the catalog ``delta`` describes (``lookups``: its lines;
    ``keys``: the template's)."""
    translations, review = looked_up(lookups, include_fuzzy)
    return _summary(delta.tally, len(delta.obsolete), header, locale,
                    include_fuzzy=include_fuzzy, translations=translations, review=review,
                    weakest=[_weak_draft((*keys[position], *lookups.at(position)),
                                         include_fuzzy)
                             for _sure, position in _weakest(delta.weak)])


@dataclass(frozen=True)
class PackedLines:
    """A summary whose translations and review are looked up in lines, on its way back
    from a worker process: the lines, joined, instead of a dict and sets."""

    summary: Summary
    lines: bytes
    include_fuzzy: bool


def pack(summary: Summary) -> PackedLines | None:
    """``summary`` packed, where its lookups are lines' (else None)."""
    found = summary.translations
    if not isinstance(found, Shown):
        return None
    return PackedLines(replace(summary, translations={}, review=Review()),
                  b"\n".join(found.lookups.lines), found.include_fuzzy)


def unpack(packed: PackedLines, where: Mapping[Key, int]) -> Summary:
    lookups = Lookups(packed.lines.split(b"\n") if packed.lines else [], where)
    translations, review = looked_up(lookups, packed.include_fuzzy)
    return replace(packed.summary, translations=translations, review=review)

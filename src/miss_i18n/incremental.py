"""A catalog brought up to a template that changed in a few entries, without reading the
rest of it.

Every catalog a run writes leaves a record (``.miss-i18n/catalogs/<locale>.json``): the
catalog's SHA-256, the SHA-256 of the template it was merged with, and per entry the facts
its summary needs (``Fact``: its text, flags, check counts, confidence). A later run that
finds the catalog byte for byte as recorded, and that template still on disk as the one the
new template replaces, merges only the entries whose template entry changed
(``catalog.merge``, against the entries they may take a translation from) and keeps every
other entry's text as written; the summary is added up from the facts (``summary_of``).

Anything it cannot prove equal to the whole merge goes the whole way (``update`` returns
None): a catalog edited since (by a person, another tool), a record of other code, a new
msgid that could take a translation from elsewhere in the catalog, an obsolete entry
coming back. ``tests/test_incremental.py`` holds it to the whole merge, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polib

from . import catalog
from .build import Review
from .buildcache import code_digest
from .checks import CheckContext, Header, check_header, entry_issues
from .chrome import CHROME_CONTEXT
from .confidence import WeakDraft
from .config import Config, Glossary
from .errors import MissI18nError
from .files import digest_of, write_if_changed
from .model import CatalogStats, Key, Severity
from .provenance import draft_confidence, is_accepted, is_from_memory, is_machine
from .report import REPORT_DRAFTS, Findings
from .summary import Summary
from .translate import needs_translation

FORMAT = 2
RECORDS = Path(".miss-i18n") / "catalogs"

OBSOLETE, FUZZY, TRANSLATED, MACHINE, MEMORY, NEEDS, ACCEPTED, PLURAL = (
    1 << n for n in range(8))

Fact = tuple[str | None, str, str, int, int, int, float | None, list[str]]
"""An entry as its catalog's summary sees it: msgctxt, msgid, msgstr, flags (the bits
above), errors and warnings the checks find in it, the confidence of a draft that has one
(else None), and where its source text is (for such a draft)."""


# -- facts, and a summary from them --------------------------------------------------------
def facts_of(po: polib.POFile, ctx: CheckContext) -> list[Fact]:
    """Every entry's facts, in the catalog's order (what ``summary.summarize`` reads)."""
    ctx = replace(ctx, header=Header.of(po))
    found: list[Fact] = []
    for entry in po:
        machine = is_machine(entry)
        flags = (OBSOLETE * entry.obsolete | FUZZY * entry.fuzzy
                 | TRANSLATED * entry.translated() | MACHINE * machine
                 | MEMORY * is_from_memory(entry) | NEEDS * needs_translation(entry)
                 | ACCEPTED * is_accepted(entry) | PLURAL * bool(entry.msgid_plural))
        errors = warnings = 0
        if not entry.obsolete and entry.msgid:
            for issue in entry_issues(entry, ctx):
                if issue.severity is Severity.ERROR:
                    errors += 1
                else:
                    warnings += 1
        sure = None
        references: list[str] = []
        if not entry.obsolete and entry.msgstr and entry.fuzzy and machine:
            sure = draft_confidence(entry)
            if sure is not None:
                references = [path + (f":{line}" if line else "")
                              for path, line in entry.occurrences]
        found.append((entry.msgctxt, entry.msgid, entry.msgstr, flags, errors, warnings,
                      sure, references))
    return found


def header_findings(po: polib.POFile, ctx: CheckContext) -> tuple[int, int]:
    """(errors, warnings) of the header checks."""
    issues = list(check_header(po, replace(ctx, header=Header.of(po))))
    errors = sum(1 for issue in issues if issue.severity is Severity.ERROR)
    return errors, len(issues) - errors


def summary_of(facts: list[Fact], header: tuple[int, int], locale: str, *,
               include_fuzzy: bool) -> Summary:
    """What ``summary.summarize`` makes of the catalog whose facts these are."""
    total = translated = fuzzy = machine = memory = obsolete = needing = 0
    errors, warnings = header
    translations: dict[Key, str] = {}
    drafts: set[Key] = set()
    from_memory: set[Key] = set()
    stale: set[Key] = set()
    pages = shown = 0
    weak: list[tuple[float, int]] = []
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
            if not flags & (MACHINE | MEMORY):
                stale.add(key)
            if msgstr:
                fuzzy += 1
                machine += bool(flags & MACHINE)
                memory += bool(flags & MEMORY)
        if msgstr and (include_fuzzy or not is_fuzzy):
            translations[key] = msgstr
        if not (msgctxt or "").startswith(CHROME_CONTEXT):
            pages += 1
            shown += bool(msgstr) and (include_fuzzy or not is_fuzzy)
        if sure is not None:
            weak.append((sure, position))
    # the least sure first (by position among equals): only those the report lists
    weakest = [_weak_draft(facts[position]) for _sure, position in
               heapq.nsmallest(max(REPORT_DRAFTS, 0), weak)]
    return Summary(
        stats=CatalogStats(locale=locale, total=total, translated=translated, fuzzy=fuzzy,
                           untranslated=total - translated - fuzzy, machine=machine,
                           obsolete=obsolete, memory=memory),
        translations=translations,
        review=Review(drafts=drafts, stale=stale, memory=from_memory),
        shown=100.0 * shown / pages if pages else 100.0,
        findings=Findings(errors, warnings),
        weakest=weakest,
        needing=needing)


def _weak_draft(fact: Fact) -> WeakDraft:
    msgctxt, msgid, _msgstr, _flags, _errors, _warnings, sure, references = fact
    assert sure is not None  # a draft with a confidence
    return WeakDraft(confidence=sure, line=None, msgctxt=msgctxt, msgid=msgid,
                     references=tuple(references))


def mo_of(metadata: dict[str, str], facts: list[Fact]) -> bytes:
    """``catalog.mo_bytes`` of the catalog whose header and facts these are."""
    compiled = polib.POFile(wrapwidth=0)
    compiled.metadata = dict(metadata)
    for fact in facts:
        if fact[3] & TRANSLATED:
            compiled.append(polib.POEntry(msgctxt=fact[0], msgid=fact[1], msgstr=fact[2]))
    return bytes(compiled.to_binary())


# -- the record -----------------------------------------------------------------------------
def context(locale: str, glossary: Glossary, metadata: dict[str, str]) -> str:
    """What the facts' check counts depend on besides the entry: the code, the locale, the
    glossary and the header's plural forms."""
    return hashlib.sha256(repr((code_digest(), FORMAT, locale, glossary,
                                metadata.get("Plural-Forms"))).encode()).hexdigest()


_UNTOUCHED: tuple[str, int, int, int, float | None, list[str]] = ("", NEEDS, 0, 0, None, [])
"""The facts (keys aside) of an entry no one translated and no check finds fault with:
most of a new catalog, recorded as 0."""


def save(config: Config, locale: str, *, data: bytes, template: str, metadata: dict[str, str],
         facts: list[Fact], digest: str | None = None, rows: list[Any] | None = None) -> None:
    """Record a catalog as it is about to be committed. Best effort: a record that
    cannot be written only costs the next run its shortcut; one that describes a catalog
    never committed (the run failed) does not match the file, and is not used.

    The active entries are the template's, in its order: their keys are not stored (the
    next run takes them from that template), only what else their facts hold.
    ``digest``: the SHA-256 of ``data``, where the caller has it; ``rows``: the active
    entries' record rows (``_row``), where the caller made them (``_update``: those it
    kept are the old record's), none plural."""
    if rows is None:
        active = [f for f in facts if not f[3] & OBSOLETE]
        if any(f[3] & PLURAL for f in facts):
            return  # not the shape of a merged catalog: no shortcut next time
        rows = [_row(f) for f in active]
    if any(not f[3] & OBSOLETE or f[3] & PLURAL for f in facts[len(rows):]):
        return
    path = _record(config, locale)
    if path is None:
        return
    record = {"format": FORMAT, "catalog": digest or digest_of(data), "template": template,
              "context": context(locale, config.glossary, metadata),
              "active": rows, "obsolete": facts[len(rows):]}
    with contextlib.suppress(MissI18nError, OSError):  # inside the project, links followed
        write_if_changed(path, json.dumps(record, ensure_ascii=False,
                                          separators=(",", ":")).encode("utf-8"),
                         config.root, durable=False)


def _row(fact: Fact) -> Any:
    """An active entry's row in the record: what its facts hold besides its key (0 for
    an untouched entry)."""
    return 0 if fact[2:] == _UNTOUCHED else fact[2:]


def _record(config: Config, locale: str) -> Path | None:
    """Where a locale's record is; None where a link is on the way (then it is neither
    read nor written, as the build index)."""
    path = config.root / RECORDS / f"{locale}.json"
    if any(p.is_symlink() for p in (path.parent.parent, path.parent, path)):
        return None
    return path


def _load(config: Config, locale: str) -> dict[str, Any] | None:
    path = _record(config, locale)
    if path is None:
        return None
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT \
            or not isinstance(record.get("active"), list) \
            or not isinstance(record.get("obsolete"), list):
        return None
    return record


# -- the update -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Diff:
    """How a template differs from the one it replaces: the same for every locale."""

    keep: list[int | None]
    """Per entry of the new template, the old entry whose text a catalog keeps (None:
    the entry is merged)."""
    todo: list[int]
    """The new entries to merge."""
    changed: list[int]
    """Old entries whose key stays but whose comments or places changed."""
    vanished: list[int]
    """Old entries whose key is gone."""
    keys: frozenset[Key]
    """The new template's keys."""
    runs: list[tuple[int | None, int]] = field(default_factory=list)
    """``keep`` in runs, in the new template's order: (the first old entry, how many) for
    consecutive old entries kept, (None, how many) for entries merged. An edit keeps
    nearly everything in a few runs, which a catalog copies whole."""
    untouched: list[Fact] = field(default_factory=list, repr=False)
    """The facts of each old entry as an untouched one (its record's 0), made once for
    every locale's catalog."""

    @classmethod
    def of(cls, pot: polib.POFile, previous: polib.POFile) -> Diff:
        untouched: list[Fact] = [(e.msgctxt, e.msgid, *_UNTOUCHED) for e in previous]
        where = {(fact[0], fact[1]): n for n, fact in enumerate(untouched)}
        keep: list[int | None] = []
        todo: list[int] = []
        changed: list[int] = []
        for number, entry in enumerate(pot):
            old = where.pop((entry.msgctxt, entry.msgid), None)
            if old is not None:
                before = previous[old]
                if before.comment == entry.comment and before.occurrences == entry.occurrences:
                    keep.append(old)
                    continue
                changed.append(old)
            keep.append(None)
            todo.append(number)
        runs: list[tuple[int | None, int]] = []
        for old in keep:
            if runs:
                start, length = runs[-1]
                if (start is None and old is None) or (
                        start is not None and old == start + length):
                    runs[-1] = (start, length + 1)
                    continue
            runs.append((old, 1))
        return cls(keep, todo, changed, sorted(where.values()),
                   frozenset((e.msgctxt, e.msgid) for e in pot), runs, untouched)


@dataclass(frozen=True)
class Template:
    """The template a run made, and the one it replaces (as it was on disk), with how
    they differ (computed once, before the worker processes fork)."""

    pot: polib.POFile
    digest: str
    """SHA-256 of the template as written."""
    previous: polib.POFile | None
    previous_digest: str | None
    diff: Diff | None = None
    body: bytes | None = None
    """The template as written, its header left out: every new catalog's entries, which
    are the template's, untranslated (``fresh``)."""
    fresh_facts: list[list[Fact]] = field(default_factory=list, compare=False, repr=False)
    """Per process, filled by the first ``fresh``: the facts of the template's entries in a
    new catalog. They are the same in every locale: such entries (``catalog.is_fresh``:
    untranslated, without flags or plural) meet only Babel's checks, which find nothing in
    an empty translation whatever the header."""


Made = tuple[bytes, polib.POFile, list[Fact], list[Any] | None]
"""A catalog made without the whole merge: its bytes, its header (metadata, comment, no
entries), its facts, and its active entries' record rows where known (``save``)
(``update``, ``fresh``)."""


def update(config: Config, template: Template, locale: str, data: bytes, held: str
           ) -> Made | None:
    """The catalog ``data`` (``locale``'s, as read; ``held``: its SHA-256) merged with the
    template as ``catalog.merge`` would merge it, if its record shows that only the
    entries the template changed need merging; None where the whole merge must run."""
    previous, diff = template.previous, template.diff
    if previous is None or diff is None:
        return None
    record = _load(config, locale)
    if record is None or record.get("catalog") != held \
            or record.get("template") != template.previous_digest \
            or len(record["active"]) != len(previous):
        return None
    try:
        if any(f != 0 and f[1] & (OBSOLETE | PLURAL) for f in record["active"]):
            return None
        facts: list[Fact] = [same if f == 0 else (same[0], same[1], *f)
                             for same, f in zip(diff.untouched, record["active"], strict=True)]
        facts += [(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7])
                  for f in record["obsolete"]]
        return _update(config, locale, template.pot, diff, data=data, facts=facts,
                       recorded=str(record.get("context")), rows=record["active"])
    except (MissI18nError, UnicodeDecodeError, ValueError, TypeError, IndexError):
        return None  # a record or file other than ours: the whole way


def _update(config: Config, locale: str, pot: polib.POFile, diff: Diff, *, data: bytes,
            facts: list[Fact], recorded: str, rows: list[Any]) -> Made | None:
    """The catalog's new bytes, its header, its facts and its record rows, or None. It
    works on the bytes: the file is UTF-8, as the record shows (its digest is that of what
    a run wrote), and no UTF-8 sequence holds a newline. ``rows``: the record's rows of
    the old active entries (none plural)."""
    count = len(diff.keep) - len(diff.todo) + len(diff.changed) + len(diff.vanished)
    # (the old template's entries: those kept, changed or vanished)
    blocks = data[:-1].split(b"\n\n") if data.endswith(b"\n") else []
    if len(blocks) != len(facts) + 1 or any(
            (f[0], f[1]) in diff.keys or not f[3] & OBSOLETE for f in facts[count:]):
        return None  # not as recorded, or an obsolete entry comes back
    # The old entries a changed one may take its translation from: its own (comments
    # changed), the vanished ones, the obsolete ones (contexts are unique in a template,
    # so its fuzzy match by context is always among those).
    wanted = sorted([*diff.changed, *diff.vanished]) + list(range(count, len(facts)))
    old_po = catalog.to_polib(catalog.parse_syntax(
        b"\n\n".join([blocks[0], *(blocks[1 + n] for n in wanted)]) + b"\n",
        config.po_path(locale)))
    todo = [pot[n] for n in diff.todo]
    keys = {(e.msgctxt, e.msgid) for e in old_po}
    contexts = {e.msgctxt for e in old_po}
    if any((e.msgctxt, e.msgid) not in keys and e.msgctxt not in contexts for e in todo):
        accepted = {f[1] for f in facts[:count] if f[3] & ACCEPTED}
        if any((e.msgctxt, e.msgid) not in keys and e.msgctxt not in contexts
               and e.msgid in accepted for e in todo):
            return None  # it could take a twin's translation from anywhere: the whole merge
    reduced = polib.POFile(wrapwidth=0)
    reduced.metadata = pot.metadata
    reduced.extend(todo)
    merged = catalog.merge(reduced, old_po, locale).catalog
    if context(locale, config.glossary, merged.metadata) != recorded:
        return None
    header = polib.POFile(wrapwidth=0)
    header.metadata = merged.metadata
    header.header = merged.header
    header.metadata_is_fuzzy = merged.metadata_is_fuzzy
    merged_facts = facts_of(merged, CheckContext(locale, locale, config.glossary))
    kept: list[bytes] = []
    new_facts: list[Fact] = []
    new_rows: list[Any] = []
    done = 0  # of the merged entries, in the template's order
    for old, length in diff.runs:
        if old is None:
            kept += [_written(entry).encode("utf-8") for entry in merged[done:done + length]]
            new_facts += merged_facts[done:done + length]
            new_rows += [_row(fact) for fact in merged_facts[done:done + length]]
            done += length
        else:
            kept += blocks[1 + old:1 + old + length]
            new_facts += facts[old:old + length]
            new_rows += rows[old:old + length]
    kept += [_written(entry).encode("utf-8") for entry in merged[len(todo):]]
    new_facts += merged_facts[len(todo):]
    written = b"\n\n".join([catalog.header_bytes(header), *kept]) + b"\n"
    plain = not any(f[3] & (PLURAL | OBSOLETE) for f in merged_facts[:len(todo)])
    return written, header, new_facts, new_rows if plain else None


def template_bytes(pot: polib.POFile, diff: Diff, data: bytes) -> bytes | None:
    """``catalog.to_bytes(pot)``, made from ``data``, the bytes the template it replaces
    was written as (canonical: ``catalog.to_bytes`` of it, as its record shows): an entry
    the diff keeps has the same key, comment and places, so is written as it was; the
    others are rendered. None where ``data`` does not have an entry per block."""
    blocks = data[:-1].split(b"\n\n") if data.endswith(b"\n") else []
    if len(blocks) != len(diff.keep) - len(diff.todo) + len(diff.changed) + len(
            diff.vanished) + 1 or not all(catalog.is_fresh(entry) for entry in pot):
        return None
    return b"\n\n".join([catalog.header_bytes(pot), *(
        _written(entry).encode("utf-8") if old is None else blocks[1 + old]
        for entry, old in zip(pot, diff.keep, strict=True))]) + b"\n"


def fresh(config: Config, template: Template, locale: str) -> Made | None:
    """A new catalog for ``locale`` (there is none yet): ``catalog.merge`` of the template
    with nothing, written as its header and then the template's own entries, which are
    untranslated and render as the template's do; and its facts, taken from the template's
    entries (the same fields) under the new catalog's header. None without the body."""
    if template.body is None:
        return None
    nothing = polib.POFile(wrapwidth=0)
    nothing.metadata = template.pot.metadata
    header = catalog.merge(nothing, None, locale).catalog
    view = polib.POFile(wrapwidth=0)
    view.metadata = header.metadata
    view.metadata_is_fuzzy = header.metadata_is_fuzzy
    view.extend(template.pot)
    if not template.fresh_facts:
        template.fresh_facts.append(facts_of(view, CheckContext(locale, locale,
                                                                config.glossary)))
    return (catalog.header_bytes(header) + template.body, header,
            list(template.fresh_facts[0]), None)


def _written(entry: polib.POEntry) -> str:
    lines: list[str] = []
    catalog.add_entry(lines, entry)
    return "\n".join(lines)

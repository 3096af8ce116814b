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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import polib

from . import catalog, mo_file
from .build import Review, shows
from .buildcache import code_digest
from .checks import CheckContext, Header, check_header, entry_issues
from .chrome import CHROME_CONTEXT
from .confidence import WeakDraft
from .config import Config, Glossary
from .errors import MissI18nError
from .files import digest_of, write_if_changed
from .model import CatalogStats, Key, Severity
from .provenance import (
    draft_confidence,
    is_accepted,
    is_engine_text,
    is_from_memory,
    is_machine,
    is_of_earlier_source,
)
from .report import REPORT_DRAFTS, Findings
from .summary import Summary
from .translate import needs_translation

FORMAT = 5
RECORDS = Path(".miss-i18n") / "catalogs"

(OBSOLETE, FUZZY, TRANSLATED, MACHINE, MEMORY, NEEDS, ACCEPTED, PLURAL, UNUSABLE, HELD,
 EARLIER) = (1 << n for n in range(11))

Fact = tuple[str | None, str, str, int, int, int, float | None, list[str]]
"""An entry as its catalog's summary sees it: msgctxt, msgid, msgstr, flags (the bits
above; UNUSABLE: a msgstr the build rejects, ``build.shows``, which does not count as
shown; HELD: a machine draft held back, ``summary.held_back``, not looked up at all;
EARLIER: fuzzy, made for an earlier source, ``provenance.is_of_earlier_source``),
errors and warnings the checks find in it, the confidence of a draft that has one (else
None), and where its source text is (for such a draft)."""


# -- facts, and a summary from them --------------------------------------------------------
def facts_of(po: polib.POFile, ctx: CheckContext) -> list[Fact]:
    """Every entry's facts, in the catalog's order (what ``summary.summarize`` reads)."""
    ctx = replace(ctx, header=Header.of(po))
    found: list[Fact] = []
    for entry in po:
        machine = is_machine(entry)
        errors = warnings = 0
        if not entry.obsolete and entry.msgid:
            for issue in entry_issues(entry, ctx):
                if issue.severity is Severity.ERROR:
                    errors += 1
                else:
                    warnings += 1
        flags = (OBSOLETE * entry.obsolete | FUZZY * entry.fuzzy
                 | TRANSLATED * entry.translated() | MACHINE * machine
                 | MEMORY * is_from_memory(entry) | NEEDS * needs_translation(entry)
                 | ACCEPTED * is_accepted(entry) | PLURAL * bool(entry.msgid_plural)
                 | UNUSABLE * bool(entry.msgstr and not shows(entry.msgstr, entry.msgid))
                 | HELD * bool(errors and machine and is_engine_text(entry))
                 | EARLIER * is_of_earlier_source(entry))
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
            shown += bool(msgstr) and (include_fuzzy or not is_fuzzy) \
                and not flags & (UNUSABLE | HELD)
        if sure is not None:
            weak.append((sure, position))
    # the least sure first (by position among equals): only those the report lists
    weakest = [_weak_draft(facts[position], include_fuzzy) for _sure, position in
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


def _weak_draft(fact: Fact, include_fuzzy: bool) -> WeakDraft:
    msgctxt, msgid, _msgstr, flags, _errors, _warnings, sure, references = fact
    assert sure is not None  # a draft with a confidence
    return WeakDraft(confidence=sure, line=None, msgctxt=msgctxt, msgid=msgid,
                     references=tuple(references), held=include_fuzzy and bool(flags & HELD))


def mo_of(metadata: dict[str, str], facts: list[Fact],
          template: Template | None = None) -> bytes:
    """``catalog.mo_bytes`` of the catalog whose header and facts these are (none plural:
    a merged catalog's active entries are the template's). With the ``template`` it was
    merged with, a mostly translated catalog's entries take its .mo order (made once a
    process) instead of being sorted again."""
    header = mo_file.header_text(metadata)
    translated = [bool(fact[3] & TRANSLATED) for fact in facts]
    count = len(template.pot) if template is not None else 0
    if template is not None and 8 * sum(translated) > count and not any(translated[count:]):
        if not template.mo_orders:
            template.mo_orders.append(mo_file.Order.of(list(_keys(template.pot))))
        order = template.mo_orders[0]
        if list(map(itemgetter(1), facts[:count])) == order.msgids \
                and list(map(itemgetter(0), facts[:count])) == order.contexts:
            return order.image(header, [fact[2] for fact in facts], translated)
    return mo_file.image(header, ((fact[0], fact[1], None, (fact[2],))
                                  for fact, chosen in zip(facts, translated, strict=True)
                                  if chosen))


# -- the record -----------------------------------------------------------------------------
def context(locale: str, glossary: Glossary, metadata: dict[str, str]) -> str:
    """What the facts' check counts depend on besides the entry: the code, the locale, the
    glossary and the header's plural forms."""
    return hashlib.sha256(repr((code_digest(), FORMAT, locale, glossary,
                                metadata.get("Plural-Forms"))).encode()).hexdigest()


_UNTOUCHED: tuple[str, int, int, int, float | None, list[str]] = ("", NEEDS, 0, 0, None, [])
"""The facts (keys aside) of an entry no one translated and no check finds fault with:
most of a new catalog, recorded as 0."""


@dataclass(frozen=True)
class Rows:
    """What a catalog's record holds besides its facts' keys, as made by the shortcut that
    wrote the catalog (``_update``, ``fresh``): the active entries' rows (``_row``) and
    each one's line in the record, the kept ones as read; the byte size of each block of
    the catalog (its header, then an entry each, a blank line between)."""

    rows: list[Any]
    lines: list[bytes]
    sizes: list[int]


def save(config: Config, locale: str, *, data: bytes, template: str, metadata: dict[str, str],
         facts: list[Fact], digest: str | None = None, made: Rows | None = None) -> None:
    """Record a catalog as it is about to be committed. Best effort: a record that
    cannot be written only costs the next run its shortcut; one that describes a catalog
    never committed (the run failed) does not match the file, and is not used.

    The active entries are the template's, in its order: their keys are not stored (the
    next run takes them from that template), only what else their facts hold, one row a
    line (a later shortcut copies the lines of the rows it keeps, and encodes only the
    rest); then the size of each block of the catalog (a later shortcut copies runs of
    entries without splitting the file). ``digest``: the SHA-256 of ``data``, where the
    caller has it; ``made``: the rows, lines and sizes, where the caller made them (none
    plural)."""
    if made is None:
        active = [f for f in facts if not f[3] & OBSOLETE]
        if any(f[3] & PLURAL for f in facts):
            return  # not the shape of a merged catalog: no shortcut next time
        rows = [_row(f) for f in active]
        made = Rows(rows, [_line(row) for row in rows], _sizes(data))
    if any(not f[3] & OBSOLETE or f[3] & PLURAL for f in facts[len(made.rows):]):
        return
    path = _record(config, locale)
    if path is None:
        return
    head = {"format": FORMAT, "catalog": digest or digest_of(data), "template": template,
            "context": context(locale, config.glossary, metadata),
            "obsolete": facts[len(made.rows):], "sizes": made.sizes}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with contextlib.suppress(MissI18nError, OSError):  # inside the project, links followed
        write_if_changed(path, text[:-1] + _ACTIVE + b",\n".join(made.lines) + _END,
                         config.root, durable=False)


_ACTIVE = b',"active":[\n'
_END = b"\n]}"
"""A record is its head's JSON object with the active rows last, one a line: still one
JSON text, and its rows' lines found by splitting (JSON writes no newline inside one)."""


def _encoder() -> Callable[[Any], str]:
    """``json.dumps(row, ensure_ascii=False, separators=(",", ":"))`` for one row of many:
    json's C encoder made once (``dumps`` makes one per call, which cost as much as the
    encoding), where this Python has it and it encodes as ``dumps`` does."""
    def unknown(value: object) -> object:
        raise TypeError(f"not a record value: {type(value).__name__}")

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    made = getattr(json.encoder, "c_make_encoder", None)
    try:
        encoder = made(None, unknown, json.encoder.encode_basestring, None, ":", ",", False,
                       False, True) if made is not None else None
        sample = ["é \"x\"\n", 1, 0, 2, 0.25, ["a.html#b"]]
        if encoder is None or "".join(encoder(sample, 0)) != dumps(sample):
            return dumps
    except TypeError:  # another signature
        return dumps
    return lambda row: "".join(encoder(row, 0))


_ENCODE = _encoder()


def _line(row: Any) -> bytes:
    return b"0" if row == 0 else _ENCODE(row).encode("utf-8")


def _sizes(data: bytes) -> list[int]:
    """The byte size of each block of a catalog written canonically."""
    return [len(block) for block in data[:-1].split(b"\n\n")] if data.endswith(b"\n") else []


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


def _load(config: Config, locale: str) -> tuple[dict[str, Any], list[bytes] | None] | None:
    """The record, and its active rows' lines as written (None where the file is not laid
    out as ``save`` writes it)."""
    path = _record(config, locale)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
        record = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT \
            or not isinstance(record.get("active"), list) \
            or not isinstance(record.get("obsolete"), list):
        return None
    start = raw.find(_ACTIVE)
    lines = None
    if start >= 0 and raw.endswith(_END):
        body = raw[start + len(_ACTIVE):len(raw) - len(_END)]
        lines = body.split(b",\n") if body else []
        if len(lines) != len(record["active"]):
            lines = None
    return record, lines


class _Blocks:
    """A catalog's bytes in blocks (its header, then an entry each, a blank line between),
    found by the sizes its record holds, else by splitting the bytes."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data = data
        self.sizes = sizes
        self.starts = list(accumulate((size + 2 for size in sizes), initial=0))

    @classmethod
    def of(cls, data: bytes, sizes: Any, count: int) -> _Blocks | None:
        """None where ``data`` does not hold ``count`` blocks."""
        if not data.endswith(b"\n"):
            return None
        if not (type(sizes) is list and len(sizes) == count
                and all(type(size) is int and size >= 0 for size in sizes)):
            sizes = _sizes(data)
        found = cls(data, sizes)
        return found if len(sizes) == count and found.starts[-1] - 1 == len(data) else None

    def run(self, first: int, count: int) -> bytes:
        """Blocks ``first`` to ``first + count - 1``, with the blank lines between."""
        last = first + count - 1
        start, end = self.starts[first], self.starts[last] + self.sizes[last]
        if (first and self.data[start - 2:start] != b"\n\n") or (
                self.data[end:end + 2] not in (b"\n\n", b"\n")):
            raise ValueError("a block is not where the record says")  # the whole way
        return self.data[start:end]


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
    def of(cls, pot: polib.POFile, previous: polib.POFile,
           pages: tuple[Sequence[tuple[str | None, int]],
                        Sequence[tuple[str | None, int]]] | None = None) -> Diff:
        """``pages``: where known, the pages of ``pot`` and of ``previous``, in order, each
        as its key (the digest of its source: the same key, the same entries) and how many
        entries it has. A page both hold is kept whole, without looking at its entries
        (an edit keeps nearly every page); only the others' entries are matched by key
        (contexts are unique in a template: no key is on two pages)."""
        untouched: list[Fact] = [(msgctxt, msgid, *_UNTOUCHED)
                                 for msgctxt, msgid in _keys(previous)]
        keys = frozenset(_keys(pot))
        keep: list[int | None] = []
        todo: list[int] = []
        changed: list[int] = []
        new: Sequence[tuple[str | None, int]] = [(None, len(pot))]
        old: Sequence[tuple[str | None, int]] = [(None, len(previous))]
        if pages is not None and sum(n for _key, n in pages[0]) == len(keys) == len(pot) \
                and sum(n for _key, n in pages[1]) == len(previous) == len(
                    set(map(itemgetter(0), untouched))):  # (contexts unique: keys too)
            new, old = pages  # else one page each, none kept whole: every entry by key
        starts = dict(zip((key for key, _n in old), accumulate(
            (n for _key, n in old), initial=0), strict=False))
        shared = {key for key, _n in new} & starts.keys() - {None}
        where = {(untouched[n][0], untouched[n][1]): n for key, count in old
                 if key not in shared for n in range(starts[key], starts[key] + count)}
        runs: list[tuple[int | None, int]] = []

        def add(first: int | None, length: int) -> None:  # to the last run, or a new one
            if runs:
                start, size = runs[-1]
                if (start is None and first is None) or (
                        start is not None and first == start + size):
                    runs[-1] = (start, size + length)
                    return
            runs.append((first, length))

        number = 0
        for key, count in new:
            if key in shared:
                keep += range(starts[key], starts[key] + count)
                add(starts[key], count)
                number += count
                continue
            for entry in pot[number:number + count]:
                found = where.pop((entry.msgctxt, entry.msgid), None)
                if found is not None:
                    before = previous[found]
                    if before.comment == entry.comment and \
                            before.occurrences == entry.occurrences:
                        keep.append(found)
                        add(found, 1)
                        number += 1
                        continue
                    changed.append(found)
                keep.append(None)
                add(None, 1)
                todo.append(number)
                number += 1
        return cls(keep, todo, changed, sorted(where.values()), keys, runs, untouched)


def _keys(entries: Sequence[polib.POEntry]) -> Iterator[Key]:
    return zip(map(attrgetter("msgctxt"), entries), map(attrgetter("msgid"), entries),
               strict=True)


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
    fresh_rows: list[Rows] = field(default_factory=list, compare=False, repr=False)
    """Per process, with ``fresh_facts``: what a new catalog's record holds of them, and
    the sizes of the template's entries as written (none where an entry is plural)."""
    mo_orders: list[mo_file.Order] = field(default_factory=list, compare=False, repr=False)
    """Per process, made by the first ``mo_of`` that needs it: the template's .mo order."""
    fresh_facts: list[list[Fact]] = field(default_factory=list, compare=False, repr=False)
    """Per process, filled by the first ``fresh``: the facts of the template's entries in a
    new catalog. They are the same in every locale: such entries (``catalog.is_fresh``:
    untranslated, without flags or plural) meet only Babel's checks, which find nothing in
    an empty translation whatever the header."""


Made = tuple[bytes, polib.POFile, list[Fact], "Rows | None"]
"""A catalog made without the whole merge: its bytes, its header (metadata, comment, no
entries), its facts, and what its record holds besides where known (``save``)
(``update``, ``fresh``)."""


def update(config: Config, template: Template, locale: str, data: bytes, held: str
           ) -> Made | None:
    """The catalog ``data`` (``locale``'s, as read; ``held``: its SHA-256) merged with the
    template as ``catalog.merge`` would merge it, if its record shows that only the
    entries the template changed need merging; None where the whole merge must run."""
    previous, diff = template.previous, template.diff
    if previous is None or diff is None:
        return None
    loaded = _load(config, locale)
    if loaded is None:
        return None
    record, lines = loaded
    if record.get("catalog") != held \
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
                       recorded=str(record.get("context")), rows=record["active"],
                       lines=lines, sizes=record.get("sizes"))
    except (MissI18nError, UnicodeDecodeError, ValueError, TypeError, IndexError):
        return None  # a record or file other than ours: the whole way


def _update(config: Config, locale: str, pot: polib.POFile, diff: Diff, *, data: bytes,
            facts: list[Fact], recorded: str, rows: list[Any],
            lines: list[bytes] | None = None, sizes: Any = None) -> Made | None:
    """The catalog's new bytes, its header, its facts and its record's rows, or None. It
    works on the bytes: the file is UTF-8, as the record shows (its digest is that of what
    a run wrote), and no UTF-8 sequence holds a newline. ``rows``: the record's rows of
    the old active entries (none plural), ``lines`` as written where known; ``sizes``:
    the blocks' sizes the record holds (ValueError where they do not fit the bytes:
    ``update`` goes the whole way)."""
    count = len(diff.keep) - len(diff.todo) + len(diff.changed) + len(diff.vanished)
    # (the old template's entries: those kept, changed or vanished)
    blocks = _Blocks.of(data, sizes, len(facts) + 1)
    if blocks is None or any(
            (f[0], f[1]) in diff.keys or not f[3] & OBSOLETE for f in facts[count:]):
        return None  # not as recorded, or an obsolete entry comes back
    # The old entries a changed one may take its translation from: its own (comments
    # changed), the vanished ones, the obsolete ones (contexts are unique in a template,
    # so its fuzzy match by context is always among those).
    wanted = sorted([*diff.changed, *diff.vanished]) + list(range(count, len(facts)))
    old_po = catalog.to_polib(catalog.parse_syntax(
        b"\n\n".join([blocks.run(0, 1), *(blocks.run(1 + n, 1) for n in wanted)]) + b"\n",
        config.po_path(locale)))
    todo = [pot[n] for n in diff.todo]
    keys = {(e.msgctxt, e.msgid) for e in old_po}
    if any((e.msgctxt, e.msgid) not in keys for e in todo):
        translated = {f[1] for f in facts[:count] if f[2]}
        if any((e.msgctxt, e.msgid) not in keys and e.msgid in translated for e in todo):
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
    parts = [catalog.header_bytes(header)]
    new_sizes = [len(parts[0])]
    new_facts: list[Fact] = []
    new_rows: list[Any] = []
    new_lines: list[bytes] = []
    done = 0  # of the merged entries, in the template's order
    for old, length in diff.runs:
        if old is None:
            texts = [_written(entry).encode("utf-8") for entry in merged[done:done + length]]
            parts += texts
            new_sizes += map(len, texts)
            made = [_row(fact) for fact in merged_facts[done:done + length]]
            new_facts += merged_facts[done:done + length]
            new_rows += made
            new_lines += map(_line, made)
            done += length
        else:  # a run of entries copied whole, with what the record holds of them
            parts.append(blocks.run(1 + old, length))
            new_sizes += blocks.sizes[1 + old:1 + old + length]
            new_facts += facts[old:old + length]
            new_rows += rows[old:old + length]
            new_lines += (lines[old:old + length] if lines is not None
                          else map(_line, rows[old:old + length]))
    texts = [_written(entry).encode("utf-8") for entry in merged[len(todo):]]
    parts += texts
    new_sizes += map(len, texts)
    new_facts += merged_facts[len(todo):]
    written = b"\n\n".join(parts) + b"\n"
    plain = not any(f[3] & (PLURAL | OBSOLETE) for f in merged_facts[:len(todo)])
    return written, header, new_facts, Rows(new_rows, new_lines, new_sizes) if plain else None


def template_bytes(pot: polib.POFile, diff: Diff, data: bytes) -> bytes | None:
    """``catalog.to_bytes(pot)``, made from ``data``, the bytes the template it replaces
    was written as (canonical: ``catalog.to_bytes`` of it, as its record shows): an entry
    the diff keeps has the same key, comment and places, so is written as it was; the
    others are rendered. None where ``data`` does not have an entry per block."""
    blocks = data[:-1].split(b"\n\n") if data.endswith(b"\n") else []
    if len(blocks) != len(diff.keep) - len(diff.todo) + len(diff.changed) + len(
            diff.vanished) + 1 or not all(catalog.is_fresh(entry) for entry in pot):
        return None
    parts = [catalog.header_bytes(pot)]
    number = 0
    for old, length in diff.runs:  # a run kept is one slice of the blocks
        parts += [_written(entry).encode("utf-8") for entry in pot[number:number + length]
                  ] if old is None else blocks[1 + old:1 + old + length]
        number += length
    return b"\n\n".join(parts) + b"\n"


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
    if not template.fresh_facts:  # the first new catalog of this process
        view = polib.POFile(wrapwidth=0)
        view.metadata = header.metadata
        view.metadata_is_fuzzy = header.metadata_is_fuzzy
        view.extend(template.pot)
        facts = facts_of(view, CheckContext(locale, locale, config.glossary))
        rows = [_row(fact) for fact in facts]
        template.fresh_facts.append(facts)
        if not any(f[3] & (PLURAL | OBSOLETE) for f in facts):
            template.fresh_rows.append(Rows(rows, [_line(row) for row in rows],
                                            _sizes(template.body[2:])))
    head = catalog.header_bytes(header)
    shared = template.fresh_rows[0] if template.fresh_rows else None
    return (head + template.body, header, list(template.fresh_facts[0]),
            None if shared is None else Rows(shared.rows, shared.lines,
                                             [len(head), *shared.sizes]))


def _written(entry: polib.POEntry) -> str:
    lines: list[str] = []
    catalog.add_entry(lines, entry)
    return "\n".join(lines)

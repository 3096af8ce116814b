"""A catalog brought up to a template that changed in a few entries, without reading the
rest of it.

Every catalog a run writes leaves a record (``.miss-i18n/catalogs/<locale>.json``): the
catalog's SHA-256, the SHA-256 of the template it was merged with, and per entry the facts
its summary needs (``Fact``: its text, flags, check counts, confidence). A later run that
finds the catalog byte for byte as recorded, and that template still on disk as the one the
new template replaces, merges only the entries whose template entry changed
(``catalog.merge``, against the entries they may take a translation from) and keeps every
other entry's text, and its line in the record, as written, not decoded: the summary's
totals are the record's less those of the entries merged again plus those of the merged
ones, its translations looked up in the lines as the build asks (``facts.Delta``,
``facts.summary_from``), and the .mo is the one on disk with those entries changed
(``mo_file.splice``). The first run's summary is added up from the facts
(``summary_of``).

Anything it cannot prove equal to the whole merge goes the whole way (``update`` returns
None): a catalog edited since (by a person, another tool), a record of other code, a new
msgid that could take a translation from elsewhere in the catalog, an obsolete entry
coming back. ``tests/test_incremental.py`` holds it to the whole merge, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import polib

from . import catalog, mo_file
from .build import shows
from .buildcache import code_digest
from .checks import CheckContext, Header, check_header, entry_issues
from .config import Config, Glossary
from .errors import MissI18nError
from .facts import (
    ACCEPTED,
    EARLIER,
    FUZZY,
    HELD,
    MACHINE,
    MEMORY,
    NEEDS,
    OBSOLETE,
    PLURAL,
    TRANSLATED,
    UNUSABLE,
    Delta,
    Fact,
    counted,
    tally_of,
    weak_of,
)
from .files import digest_of, write_if_changed
from .model import Key, Severity
from .provenance import (
    draft_confidence,
    is_accepted,
    is_edited,
    is_engine_text,
    is_from_memory,
    is_machine,
    is_of_earlier_source,
    needs_translation,
)
from .summary import Summary

FORMAT = 6
RECORDS = Path(".miss-i18n") / "catalogs"

# -- facts, and a summary from them --------------------------------------------------------
def facts_of(po: polib.POFile, ctx: CheckContext) -> list[Fact]:
    """Every entry's facts, in the catalog's order (what ``summary.summarize`` reads). An
    entry as the template has it (``catalog.is_fresh``: most of a new catalog) needs no
    look at its comments or checks: it needs a translation, and no check finds fault with
    an empty one (``fresh_fact``; ``tests/test_incremental.py`` holds the two equal)."""
    ctx = replace(ctx, header=Header.of(po))
    return [fresh_fact(entry) if entry.msgid and catalog.is_fresh(entry) else fact_of(entry, ctx)
            for entry in po]


def fresh_fact(entry: polib.POEntry) -> Fact:
    """``fact_of`` an untranslated entry without flags, comments, previous strings or
    plural, not obsolete (``catalog.is_fresh``), whatever its catalog's header: only
    Babel's checks and the newlines check meet an untranslated entry, and they find
    nothing in an empty translation (``checks.EVERY_ENTRY_CHECKS``)."""
    return (entry.msgctxt, entry.msgid, "", NEEDS, 0, 0, None, [])


def fact_of(entry: polib.POEntry, ctx: CheckContext) -> Fact:
    """One entry's facts (``ctx.header``: its catalog's)."""
    edited = is_edited(entry)  # a draft a person edited is theirs, no longer a draft
    machine = is_machine(entry) and not edited
    memory = is_from_memory(entry) and not edited
    errors = warnings = 0
    if not entry.obsolete and entry.msgid:
        for issue in entry_issues(entry, ctx):
            if issue.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
    flags = (OBSOLETE * entry.obsolete | FUZZY * entry.fuzzy
             | TRANSLATED * entry.translated() | MACHINE * machine
             | MEMORY * memory | NEEDS * needs_translation(entry)
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
    return (entry.msgctxt, entry.msgid, entry.msgstr, flags, errors, warnings, sure,
            references)


def header_findings(po: polib.POFile, ctx: CheckContext) -> tuple[int, int]:
    """(errors, warnings) of the header checks."""
    issues = list(check_header(po, replace(ctx, header=Header.of(po))))
    errors = sum(1 for issue in issues if issue.severity is Severity.ERROR)
    return errors, len(issues) - errors


def summary_of(facts: list[Fact], header: tuple[int, int], locale: str, *,
               include_fuzzy: bool) -> Summary:
    """What ``summary.summarize`` makes of the catalog whose facts these are
    (``facts.counted``)."""
    return counted(facts, header, locale, include_fuzzy=include_fuzzy)[0]


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
    wrote the catalog (``_update``, ``fresh``): each active entry's line in the record
    (``_row``), the kept ones as read; the byte size of each block of the catalog (its
    header, then an entry each, a blank line between)."""

    lines: list[bytes]
    sizes: list[int]


def save(config: Config, locale: str, *, data: bytes, template: str, metadata: dict[str, str],
         facts: list[Fact] | Delta, digest: str | None = None, made: Rows | None = None,
         mo: str | None = None, totals: tuple[list[int], list[list[Any]]] | None = None
         ) -> None:
    """Record a catalog as it is about to be committed. Best effort: a record that
    cannot be written only costs the next run its shortcut; one that describes a catalog
    never committed (the run failed) does not match the file, and is not used.

    The active entries are the template's, in its order: their keys are not stored (the
    next run takes them from that template), only what else their facts hold, one row a
    line (a later shortcut copies the lines of the rows it keeps, and decodes only those
    it needs); then the size of each block of the catalog (a later shortcut copies runs of
    entries without splitting the file), the active entries' totals and drafts
    (facts.tally_of, weak_of: a later shortcut brings them up to date from what it
    merged), and ``mo``, the SHA-256 of the catalog's .mo (a later shortcut changes only
    its entries the merge changed). ``digest``: the SHA-256 of ``data``, where the caller
    has it; ``made``: the lines and sizes, where the caller made them (none plural);
    ``totals``: the totals and drafts, where the caller counted them (``counted``)."""
    if isinstance(facts, Delta):
        if made is None:
            return
        obsolete, tally, weak = facts.obsolete, facts.tally, facts.weak
    else:
        if made is None:
            if any(f[3] & PLURAL for f in facts):
                return  # not the shape of a merged catalog: no shortcut next time
            made = Rows([_line(_row(f)) for f in facts if not f[3] & OBSOLETE], _sizes(data))
        active = facts[:len(made.lines)]
        obsolete = facts[len(made.lines):]
        tally, weak = totals if totals is not None else (tally_of(active), weak_of(active))
    if any(not f[3] & OBSOLETE or f[3] & PLURAL for f in obsolete):
        return
    path = _record(config, locale)
    if path is None:
        return
    head = {"format": FORMAT, "catalog": digest or digest_of(data), "template": template,
            "context": context(locale, config.glossary, metadata), "mo": mo,
            "tally": tally, "weak": weak, "obsolete": obsolete, "sizes": made.sizes}
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


def has_record(config: Config, locale: str) -> bool:
    """Whether a record of the locale's catalog may be there to use."""
    path = _record(config, locale)
    return path is not None and path.is_file()


def recorded_mo(config: Config, locale: str, data: bytes, held: str) -> str | None:
    """The SHA-256 of the .mo that the catalog ``data`` (``locale``'s; ``held``: its
    SHA-256) compiles to, where its record says so: the record of these very bytes, made by
    this code with this glossary and plural forms, by the run that wrote the catalog and its
    .mo. None where it cannot tell."""
    loaded = _load(config, locale, rows=False)
    end = data.find(b"\n\n")
    if loaded is None or loaded[0].get("catalog") != held or end < 0 \
            or not isinstance(loaded[0].get("mo"), str):
        return None
    try:
        header = catalog.parse_syntax(data[:end + 1], config.po_path(locale)).header
    except MissI18nError:
        return None
    if loaded[0].get("context") != context(locale, config.glossary, catalog.metadata(header)):
        return None
    return str(loaded[0]["mo"])


def _load(config: Config, locale: str, *, rows: bool = True
          ) -> tuple[dict[str, Any], list[bytes]] | None:
    """The record's head, and its active rows' lines as written, not decoded (none
    without ``rows``); None where the file is not laid out as ``save`` writes it."""
    path = _record(config, locale)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
        start = raw.find(_ACTIVE)  # (no string of the head holds a newline)
        if start < 0 or not raw.endswith(_END):
            return None
        head = json.loads(raw[:start] + b"}")
    except (OSError, ValueError):
        return None
    if not isinstance(head, dict) or head.get("format") != FORMAT \
            or not isinstance(head.get("obsolete"), list) \
            or not (isinstance(head.get("tally"), list) and len(head["tally"]) == 11
                    and all(type(n) is int for n in head["tally"])) \
            or not isinstance(head.get("weak"), list):
        return None
    body = raw[start + len(_ACTIVE):len(raw) - len(_END)] if rows else b""
    return head, body.split(b",\n") if body else []


class _Blocks:
    """A catalog's bytes in blocks (its header, then an entry each, a blank line between),
    found by the sizes its record holds, else by splitting the bytes."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data = data
        self.view = memoryview(data)
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

    def run(self, first: int, count: int) -> memoryview:
        """Blocks ``first`` to ``first + count - 1``, with the blank lines between (a view
        of the bytes: joined into the new catalog, copied once)."""
        last = first + count - 1
        start, end = self.starts[first], self.starts[last] + self.sizes[last]
        if (first and self.data[start - 2:start] != b"\n\n") or (
                self.data[end:end + 2] not in (b"\n\n", b"\n")):
            raise ValueError("a block is not where the record says")  # the whole way
        return self.view[start:end]


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
    @cached_property
    def by_msgid(self) -> dict[str, list[int]]:
        """The old entries' positions by msgid (made once a process)."""
        found: dict[str, list[int]] = {}
        for position, fact in enumerate(self.untouched):
            found.setdefault(fact[1], []).append(position)
        return found

    @cached_property
    def moved(self) -> list[int | None]:
        """Each old entry's position in the new template (None: it is not kept; made once
        a process)."""
        found: list[int | None] = [None] * len(self.untouched)
        for position, old in enumerate(self.keep):
            if old is not None:
                found[old] = position
        return found

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

    @cached_property
    def keys(self) -> list[Key]:
        """The template's keys, in its order (made once a process)."""
        return list(_keys(self.pot))

    @cached_property
    def where(self) -> dict[Key, int]:
        """The template's keys, each to its position (made once a process)."""
        return {key: position for position, key in enumerate(self.keys)}


Made = tuple[bytes, polib.POFile, "list[Fact] | Delta", "Rows | None"]
"""A catalog made without the whole merge: its bytes, its header (metadata, comment, no
entries), its facts (``Delta``: as an edit's shortcut made them), and what its record
holds besides where known (``save``) (``update``, ``fresh``)."""


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
    head, lines = loaded
    if head.get("catalog") != held or head.get("template") != template.previous_digest \
            or len(lines) != len(previous):
        return None
    try:
        old = _Old(lines, [(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7])
                           for f in head["obsolete"]], head.get("sizes"), head["tally"],
                   [[float(sure), int(position)] for sure, position in head["weak"]],
                   head.get("mo") if isinstance(head.get("mo"), str) else None)
        return _update(config, locale, template.pot, diff, data=data, old=old,
                       recorded=str(head.get("context")))
    except (MissI18nError, UnicodeDecodeError, ValueError, TypeError, IndexError):
        return None  # a record or file other than ours: the whole way


@dataclass(frozen=True)
class _Old:
    """What a catalog's record holds (``save``): its active entries' lines, its obsolete
    entries' facts, its blocks' sizes, its totals, its drafts and its .mo's digest."""

    lines: list[bytes]
    obsolete: list[Fact]
    sizes: Any
    tally: list[int]
    weak: list[list[Any]]
    mo: str | None

    def fact(self, diff: Diff, position: int) -> Fact:
        """An active entry's facts, decoded from its line (ValueError, TypeError where
        the line is not a row)."""
        same = diff.untouched[position]
        line = self.lines[position]
        if line == b"0":
            return same
        msgstr, flags, errors, warnings, sure, places = json.loads(line)
        if not (type(msgstr) is str and type(flags) is int and type(errors) is int
                and type(warnings) is int and isinstance(places, list)):
            raise ValueError("not a row")
        return (same[0], same[1], msgstr, flags, errors, warnings, sure, places)


def _update(config: Config, locale: str, pot: polib.POFile, diff: Diff, *, data: bytes,
            old: _Old, recorded: str) -> Made | None:
    """The catalog's new bytes, its header, its facts (a Delta, where no merged entry is
    plural) and its record's lines, or None. It works on the bytes: the file is UTF-8, as
    the record shows (its digest is that of what a run wrote), and no UTF-8 sequence holds
    a newline. ``old``: what the record holds (its sizes: ValueError where they do not
    fit the bytes: ``update`` goes the whole way)."""
    count = len(old.lines)
    if count != len(diff.keep) - len(diff.todo) + len(diff.changed) + len(diff.vanished):
        return None  # (the old template's entries: those kept, changed or vanished)
    blocks = _Blocks.of(data, old.sizes, count + len(old.obsolete) + 1)
    if blocks is None or any(
            (f[0], f[1]) in diff.keys or not f[3] & OBSOLETE for f in old.obsolete):
        return None  # not as recorded, or an obsolete entry comes back
    # The old entries a changed one may take its translation from: its own (comments
    # changed), the vanished ones, the obsolete ones (contexts are unique in a template,
    # so its fuzzy match by context is always among those).
    gone = sorted([*diff.changed, *diff.vanished])
    wanted = gone + list(range(count, count + len(old.obsolete)))
    old_po = catalog.to_polib(catalog.parse_syntax(
        b"\n\n".join([blocks.run(0, 1), *(blocks.run(1 + n, 1) for n in wanted)]) + b"\n",
        config.po_path(locale)))
    todo = [pot[n] for n in diff.todo]
    keys = {(e.msgctxt, e.msgid) for e in old_po}
    new_ids = {e.msgid for e in todo if (e.msgctxt, e.msgid) not in keys}
    by_msgid = diff.by_msgid if new_ids else {}
    merged_too = set(gone)
    if any(old.fact(diff, n)[2] or n not in merged_too
           for msgid in new_ids for n in by_msgid.get(msgid, ())):
        return None  # a twin's translation from anywhere, or a kept text's: the whole merge
    reduced = polib.POFile(wrapwidth=0)
    reduced.metadata = pot.metadata
    reduced.extend(todo)
    merged = catalog.merge(reduced, old_po, locale).catalog
    if context(locale, config.glossary, merged.metadata) != recorded:
        return None
    header = catalog.header_only(merged)
    merged_facts = facts_of(merged, CheckContext(locale, locale, config.glossary))
    parts: list[bytes | memoryview] = [catalog.header_bytes(header)]
    new_sizes = [len(parts[0])]
    new_lines: list[bytes] = []
    done = 0  # of the merged entries, in the template's order
    for first, length in diff.runs:
        if first is None:
            texts = [_written(entry).encode("utf-8") for entry in merged[done:done + length]]
            parts += texts
            new_sizes += map(len, texts)
            new_lines += (_line(_row(fact)) for fact in merged_facts[done:done + length])
            done += length
        else:  # a run of entries copied whole, with their lines in the record
            parts.append(blocks.run(1 + first, length))
            new_sizes += blocks.sizes[1 + first:1 + first + length]
            new_lines += old.lines[first:first + length]
    texts = [_written(entry).encode("utf-8") for entry in merged[len(todo):]]
    parts += texts
    new_sizes += map(len, texts)
    written = b"\n\n".join(parts) + b"\n"
    added = merged_facts[:len(todo)]
    removed = [old.fact(diff, n) for n in gone]
    delta = _delta(diff, old, removed, added, obsolete=merged_facts[len(todo):],
                   lines=new_lines)
    if any(f[3] & (PLURAL | OBSOLETE) for f in added):  # no record: not a merged shape
        return written, header, delta.facts(list(_keys(pot))), None
    return written, header, delta, Rows(new_lines, new_sizes)


def _delta(diff: Diff, old: _Old, removed: list[Fact], added: list[Fact], *,
           obsolete: list[Fact], lines: list[bytes]) -> Delta:
    """The catalog's facts as ``old`` less ``removed`` (the old entries merged again or
    gone) and with ``added`` (the merged ones, at the template's ``diff.todo``)."""
    tally = [now - less + more for now, less, more in zip(
        old.tally, tally_of(removed), tally_of(added), strict=True)]
    moved = diff.moved
    weak = [[sure, moved[position]] for sure, position in old.weak
            if moved[position] is not None]
    weak += [[fact[6], position] for fact, position in zip(added, diff.todo, strict=True)
             if fact[6] is not None]
    weak.sort(key=itemgetter(1))
    return Delta(tally, weak, obsolete, lines, old.mo,
                 [mo_file.key_of(f[0], f[1]) for f in removed if f[3] & TRANSLATED],
                 [(mo_file.key_of(f[0], f[1]), f[2].encode("utf-8"))
                  for f in added if f[3] & TRANSLATED])


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
        template.fresh_facts.append(facts)
        if not any(f[3] & (PLURAL | OBSOLETE) for f in facts):
            template.fresh_rows.append(Rows([_line(_row(fact)) for fact in facts],
                                            _sizes(template.body[2:])))
    head = catalog.header_bytes(header)
    shared = template.fresh_rows[0] if template.fresh_rows else None
    return (head + template.body, header, list(template.fresh_facts[0]),
            None if shared is None else Rows(shared.lines, [len(head), *shared.sizes]))


def _written(entry: polib.POEntry) -> str:
    lines: list[str] = []
    catalog.add_entry(lines, entry)
    return "\n".join(lines)

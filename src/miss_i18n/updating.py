"""Stage 2, update (and compile): each locale's catalog merged with the template, summarized
where it was merged (over processes: the catalogs never reach the main process) and
written beside its file with its ``.mo``; a catalog the last run wrote is merged only
where the template changed (``incremental.py``). Also the whole catalogs, held, for the
single commands (``update``, ``compile``) that work on them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import polib

from . import catalog, incremental, mo_file
from .checks import CheckContext
from .chrome import CHROME
from .config import Config
from .errors import MissI18nError, shown
from .facts import Delta, Fact, Lookups, PackedLines, counted, summary_from
from .facts import pack as pack_lines
from .facts import unpack as unpack_lines
from .files import (
    Pending,
    Snapshot,
    Staged,
    digest_of,
    ensure_inside,
    remove_leftovers,
    size_of,
    stage,
)
from .incremental import Template
from .languages import locale_names
from .model import CatalogStats, WriteResult
from .outputs import Output
from .parallel import jobs_for, map_shared
from .summary import (
    Packed,
    Summary,
    basis_of,
    pack,
    shown_of,
    stage_files,
    summarize,
    unpack,
)

R = TypeVar("R")
S = TypeVar("S")


def merged(config: Config, pot: polib.POFile, *, seen: Snapshot) -> dict[str, polib.POFile]:
    """Each target locale's catalog read and merged with the template; over processes
    where there are enough entries (a merged catalog pickles back in a third of the time
    reading and merging it took)."""
    locales = list(config.targets)
    jobs = jobs_for(config.jobs, len(pot) * len(locales) // ENTRIES_PER_UNIT)
    return recorded(config, seen, locales, map_shared(merged_one, (config, pot), locales,
                                                       jobs))


def recorded(config: Config, seen: Snapshot, locales: Sequence[str],
              results: Iterable[tuple[str, R]]) -> dict[str, R]:
    """Per locale, what a worker made of its catalog; what it read (the digest it took of
    the bytes it parsed) goes into ``seen``, as if read here."""
    found = {}
    for locale, (held, value) in zip(locales, results, strict=True):
        seen.record(config.po_path(locale), held)
        found[locale] = value
    return found


def _read_catalog(config: Config, locale: str, *, required: bool
                  ) -> tuple[str, polib.POFile | None]:
    """A locale's catalog (None: there is none yet, where not ``required``), and the
    Snapshot's digest of the very bytes parsed."""
    data = _catalog_bytes(config, locale, required=required)
    return digest_of(data), None if data is None else _parsed(config, locale, data)


def _held(config: Config, locale: str) -> tuple[str, bytes]:
    """A locale's catalog file as it is (required), and its SHA-256."""
    data = _catalog_bytes(config, locale, required=True)
    assert data is not None  # required: read_data raised otherwise
    return digest_of(data), data


def _parsed(config: Config, locale: str, data: bytes) -> polib.POFile:
    """The bytes of a locale's catalog, read strictly (CatalogError naming its line)."""
    return catalog.to_polib(catalog.parse_syntax(data, config.po_path(locale)))


def _catalog_bytes(config: Config, locale: str, *, required: bool) -> bytes | None:
    """A locale's catalog file as it is (None: there is none yet, where not
    ``required``), once sure no link leads it out of the locales folder."""
    path = config.po_path(locale)
    ensure_inside(path, config.locales_dir)
    if not path.exists():
        catalog.refuse_other_spelling(path)
    return catalog.read_data(path) if required or path.exists() else None


def own_chrome(config: Config) -> dict[tuple[str | None, str], str]:
    """The build's own text (chrome.CHROME: the language menu's label) in the source's
    language, for the source's pages, as each locale's pages take it from their catalog:
    from a catalog of the source locale where there is one (``locales/fr/LC_MESSAGES/
    miss.po`` for a French source, as ``msginit`` makes it from the template; read as any
    catalog is, its translated entries of that text alone). Else none: the English msgids."""
    _held, po = _read_catalog(config, config.source_locale, required=False)
    wanted = {(segment.context, segment.msgid) for segment in CHROME}
    return {} if po is None else {
        (entry.msgctxt, entry.msgid): entry.msgstr for entry in po
        if entry.msgstr and not entry.obsolete and not entry.fuzzy
        and (entry.msgctxt, entry.msgid) in wanted}


def parsed_catalog(config: Config, locale: str) -> tuple[str, None]:
    """The digest of a locale's catalog, once parsed (CatalogError if it cannot be)."""
    return _read_catalog(config, locale, required=False)[0], None


def merged_one(shared: tuple[Config, polib.POFile], locale: str
                ) -> tuple[str, polib.POFile]:
    """A locale's catalog merged with the template, and the digest of what was read."""
    config, pot = shared
    held, old = _read_catalog(config, locale, required=False)
    return held, catalog.merge(pot, old, locale).catalog


def merged_summaries(config: Config, template: Template, *, seen: Snapshot,
                     include_fuzzy: bool, check: bool,
                     locales: Sequence[str] | None = None) -> dict[str, Summary]:
    """``merged``, each catalog summarized and written beside its file (summary.py) where
    it was merged: the catalogs themselves never reach this process. A catalog the last
    run wrote is merged only where the template changed (incremental.py). ``locales``:
    those of the targets (default: all)."""
    locales = list(config.targets if locales is None else locales)
    jobs = jobs_for(config.jobs, len(template.pot) * len(locales) // ENTRIES_PER_UNIT)
    # over processes, each summary comes back packed by the template's keys (summary.pack)
    over = min(jobs, len(locales)) > 1
    keys, where = (template.keys, template.where) if over else ([], {})
    return {locale: unpack_lines(packed, where) if isinstance(packed, PackedLines)
            else unpack(packed, keys) for locale, packed in recorded(
                config, seen, locales, _summarized(
                    config, _merged_summary, (config, template, include_fuzzy, check, over),
                    locales, jobs)).items()}


def _merged_summary(shared: tuple[Config, Template, bool, bool, bool], locale: str
                    ) -> tuple[str, Summary | Packed | PackedLines]:
    config, template, include_fuzzy, check, over = shared
    held, summary = _merged_summary_of(config, template, locale, include_fuzzy=include_fuzzy,
                                       check=check)
    if not over:
        return held, summary
    return held, pack_lines(summary) or pack(summary, template.where)


def _merged_summary_of(config: Config, template: Template, locale: str, *,
                       include_fuzzy: bool, check: bool) -> tuple[str, Summary]:
    data = _catalog_bytes(config, locale, required=False)
    held = digest_of(data)
    # the shortcuts: only what the template changed merged, or a new locale's catalog
    # written as the template's body under its header (incremental.py)
    made = incremental.fresh(config, template, locale) if data is None else (
        incremental.update(config, template, locale, data, held))
    if made is not None:
        written, header, facts, rows = made
        summary = _files_of(
            config, locale, data=written, header=header, facts=facts,
            include_fuzzy=include_fuzzy, check=check, expected=held, template=template,
            read=data, made=rows)
        return held, summary if data is None else replace(
            summary, since=basis_of(held, include_fuzzy))
    old = None if data is None else _parsed(config, locale, data)
    po = catalog.merge(template.pot, old, locale).catalog
    return held, summary_and_files(config, po, locale, include_fuzzy=include_fuzzy,
                                    check=check, expected=held, template=template)


def summary_and_files(config: Config, po: polib.POFile, locale: str, *, include_fuzzy: bool,
                       check: bool, expected: str | None, template: Template) -> Summary:
    """A merged (and maybe drafted) catalog's summary, its files staged (or compared),
    and its record for the next run (incremental.py)."""
    facts = incremental.facts_of(po, CheckContext(locale, locale, config.glossary))
    return _files_of(config, locale, data=catalog.to_bytes(po), header=po, facts=facts,
                     include_fuzzy=include_fuzzy, check=check, expected=expected,
                     template=template)


def _files_of(config: Config, locale: str, *, data: bytes, header: polib.POFile,
              facts: list[Fact] | Delta, include_fuzzy: bool, check: bool,
              expected: str | None, template: Template, read: bytes | None = None,
              made: incremental.Rows | None = None) -> Summary:
    """The catalog's summary, its files staged (or compared) and its record. ``read``: the
    bytes of the file ``expected`` is the digest of, where the caller has them; ``made``:
    what the record holds besides its facts, where the caller made it (incremental.save).
    Facts as an edit's shortcut made them (a Delta) give a summary that looks its
    translations up in the record's lines, and a .mo changed where the merge changed
    the catalog (``mo_file.splice``), where the .mo is the one the record describes."""
    po_path = config.po_path(locale)
    # the catalog is written and flushed to the disk on a thread while the rest is made
    pending = None if check else Pending(partial(
        stage, po_path, data, config.locales_dir, expected, held=read))
    try:
        summary, totals = _summary_of(config, template, locale, header, facts,
                                      include_fuzzy=include_fuzzy)
        if isinstance(facts, Delta):
            mo = _spliced(config, locale, facts, header.metadata) or incremental.mo_of(
                header.metadata, facts.facts(template.keys), template)
        else:
            mo = incremental.mo_of(header.metadata, facts, template)
        po_digest, mo_digest = digest_of(data), digest_of(mo)
        if not check:
            incremental.save(config, locale, data=data, template=template.digest,
                             metadata=header.metadata, facts=facts, digest=po_digest,
                             made=made, mo=mo_digest, totals=totals)
        names = locale_names(locale)
        files = stage_files(po_path, config.mo_path(locale), (data, mo),
                            within=config.locales_dir, check=check, expected=expected,
                            po_digest=po_digest, po_staged=pending, mo_digest=mo_digest)
    except BaseException:
        if pending is not None:
            pending.abandon()
        raise
    return replace(summary, files=files, names=names,
                   basis=basis_of(po_digest, include_fuzzy))


def _summary_of(config: Config, template: Template, locale: str, header: polib.POFile,
                facts: list[Fact] | Delta, *, include_fuzzy: bool
                ) -> tuple[Summary, tuple[list[int], list[list[Any]]] | None]:
    """The summary of the catalog whose header and facts these are, and its totals where
    they were counted (not taken from a record: a Delta)."""
    findings = incremental.header_findings(header, CheckContext(locale, locale,
                                                                config.glossary))
    if isinstance(facts, Delta):
        return summary_from(facts, Lookups(facts.lines, template.where), template.keys,
                            findings, locale, include_fuzzy=include_fuzzy), None
    summary, tally, weak = counted(facts, findings, locale, include_fuzzy=include_fuzzy)
    return summary, (tally, weak)


def _spliced(config: Config, locale: str, delta: Delta, metadata: dict[str, str]
             ) -> bytes | None:
    """The .mo of the catalog ``delta`` describes, made from the one on disk where that is
    the .mo its record describes (else None)."""
    path = config.mo_path(locale)
    if delta.mo is None or path.is_symlink():
        return None
    try:
        old = path.read_bytes()
    except OSError:
        return None
    if digest_of(old) != delta.mo:
        return None
    return mo_file.splice(old, mo_file.header_text(metadata), delta.removed, delta.added)


def _summarized(config: Config, function: Callable[[Any, str], R], shared: Any,
                locales: list[str], jobs: int) -> list[R]:
    """``map_shared`` of a function that writes catalogs beside their files: if one fails,
    what the others wrote is removed."""
    try:
        return map_shared(function, shared, locales, jobs)
    except BaseException:
        remove_leftovers([path for locale in locales
                          for path in (config.po_path(locale), config.mo_path(locale))],
                         check=False)
        raise


def loaded_summaries(config: Config, *, seen: Snapshot, include_fuzzy: bool
                     ) -> dict[str, Summary]:
    """Each target locale's catalog read and summarized where it was read: from its record
    (incremental.py) where that shows the catalog as a run wrote it, merged with the
    template on disk; else parsed and checked whole."""
    return _over_catalogs(config, seen, _loaded_summary,
                          (config, include_fuzzy, _template_on_disk(config)))


def _over_catalogs(config: Config, seen: Snapshot, function: Callable[[S, str], tuple[str, R]],
                   shared: S) -> dict[str, R]:
    """``function(shared, locale)`` for each target locale, each the digest of the catalog
    it read and a result: over processes where the catalogs hold enough bytes, the largest
    sent out first; what was read goes into ``seen``, as if read here."""
    locales = list(config.targets)
    sizes = {locale: size_of(config.po_path(locale)) for locale in locales}
    jobs = jobs_for(config.jobs, sum(sizes.values()) // BYTES_PER_UNIT)
    return recorded(config, seen, locales, map_shared(function, shared, locales, jobs,
                                                       cost=sizes.__getitem__))


def _template_on_disk(config: Config) -> Template | None:
    """The template on disk as the one the catalogs were last merged with (itself, with
    nothing to merge): a catalog whose record names it is summarized from the record, as an
    edit's run does (a build alone parsed and checked every catalog: 10 s at 42 locales of
    8,600 entries). None where no catalog has a record (a fresh clone: not parsed for
    nothing), or it cannot be read as a template, or holds no entry."""
    if not any(incremental.has_record(config, locale) for locale in config.targets):
        return None
    path = config.pot_path
    try:
        ensure_inside(path, config.locales_dir)
        data = path.read_bytes()
        pot = catalog.to_polib(catalog.parse_syntax(data, path))
    except (OSError, MissI18nError):
        return None  # each catalog is read whole, as before
    if not len(pot):
        return None
    digest = digest_of(data)
    return Template(pot, digest, pot, digest, incremental.Diff.of(pot, pot))


BYTES_PER_UNIT = 25_000
"""About as much of a catalog file to read and summarize as building one page."""


def each_catalog(config: Config, seen: Snapshot,
                 function: Callable[[Config, polib.POFile, str], R]) -> dict[str, R]:
    """``function(config, catalog, locale)`` of each target locale's catalog, read where
    it runs: over processes where the catalogs are large enough (what ``function`` returns
    is pickled back); what was read goes into ``seen``, as if read here."""
    return _over_catalogs(config, seen, _of_catalog, (config, function))


def _of_catalog(shared: tuple[Config, Callable[[Config, polib.POFile, str], R]], locale: str
                ) -> tuple[str, R]:
    config, function = shared
    held, po = _read_catalog(config, locale, required=True)
    assert po is not None  # required: read_data raised otherwise
    return held, function(config, po, locale)


def shown_counts(config: Config, *, seen: Snapshot) -> dict[str, tuple[CatalogStats, float]]:
    """Each target locale's counts and how much of the pages' text it shows translated
    (``summary.shown_of``, with the config's include-fuzzy): from its record where that
    shows the catalog as a run wrote it (as ``loaded_summaries``), else from the catalog."""
    return _over_catalogs(config, seen, _shown_counts, (config, _template_on_disk(config)))


def _shown_counts(shared: tuple[Config, Template | None], locale: str
                  ) -> tuple[str, tuple[CatalogStats, float]]:
    config, template = shared
    held, data, summary = _from_record(config, template, locale,
                                       include_fuzzy=config.include_fuzzy)
    if summary is not None:
        return held, (summary.stats, summary.shown)
    po = _parsed(config, locale, data)
    return held, (catalog.stats(po, locale), shown_of(po, locale, glossary=config.glossary,
                                                      include_fuzzy=config.include_fuzzy))


def _loaded_summary(shared: tuple[Config, bool, Template | None], locale: str
                    ) -> tuple[str, Summary]:
    config, include_fuzzy, template = shared
    held, data, summary = _from_record(config, template, locale, include_fuzzy=include_fuzzy)
    if summary is None:
        po = _parsed(config, locale, data)
        summary = summarize(po, locale, include_fuzzy=include_fuzzy, glossary=config.glossary)
    return held, replace(summary, basis=basis_of(held, include_fuzzy))


def _from_record(config: Config, template: Template | None, locale: str, *,
                 include_fuzzy: bool) -> tuple[str, bytes, Summary | None]:
    """A locale's catalog as read (its SHA-256, its bytes) and, where its record shows it
    as a run wrote it, merged with ``template`` (``_template_on_disk``), its summary from
    the record (None: the catalog must be read whole)."""
    held, data = _held(config, locale)
    made = None if template is None else incremental.update(config, template, locale, data,
                                                            held)
    if made is None or template is None:
        return held, data, None
    _written, header, facts, _rows = made
    return held, data, _summary_of(config, template, locale, header, facts,
                                   include_fuzzy=include_fuzzy)[0]


def catalog_writes(config: Config, summaries: Mapping[str, Summary]
                   ) -> tuple[list[WriteResult], list[Staged]]:
    """What the summaries' processes did to the catalogs, then to their .mo files, and
    the files they left for commit to rename."""
    files = [f for s in summaries.values() for f in s.files if f.path.suffix != ".mo"]
    files += [f for s in summaries.values() for f in s.files if f.path.suffix == ".mo"]
    return ([WriteResult(shown(f.path, config.root), f.changed) for f in files],
            [f.staged for f in files if f.staged is not None])


def load_catalogs(config: Config, *, seen: Snapshot) -> dict[str, polib.POFile]:
    return {locale: catalog.load(catalog_path(config, locale, seen)) for locale in config.targets}


def catalog_path(config: Config, locale: str, seen: Snapshot) -> Path:
    """A catalog's path, once sure no link (``locales/de -> /x``) leads it elsewhere."""
    path = config.po_path(locale)
    ensure_inside(path, config.locales_dir)
    return seen.read(path)


def _render(catalogs: Mapping[str, polib.POFile], locale: str) -> bytes:
    return catalog.to_bytes(catalogs[locale])


def catalog_outputs(config: Config, catalogs: Mapping[str, polib.POFile]) -> list[Output]:
    """Each catalog's canonical bytes, over processes where there are enough entries."""
    locales = list(catalogs)
    rendered = map_shared(_render, catalogs, locales, _catalog_jobs(config, catalogs))
    return [Output(config.po_path(loc), data) for loc, data in zip(locales, rendered,
                                                                    strict=True)]


def mo_outputs(config: Config, seen: Snapshot) -> list[Output]:
    """Each target locale's .mo, made from its catalog where that was read (over processes,
    as each_catalog): the .mo on disk as it is where the catalog's record shows it is what
    the catalog compiles to (a catalog and .mo a run wrote), unread."""
    return [Output(config.mo_path(locale), data)
            for locale, data in _over_catalogs(config, seen, _mo_of, config).items()]


def _mo_of(config: Config, locale: str) -> tuple[str, bytes]:
    held, data = _held(config, locale)
    made = incremental.recorded_mo(config, locale, data, held)
    if made is not None:
        path = config.mo_path(locale)
        with contextlib.suppress(OSError, MissI18nError):
            ensure_inside(path, config.locales_dir)
            kept = path.read_bytes()
            if digest_of(kept) == made:
                return held, kept
    return held, catalog.mo_bytes(_parsed(config, locale, data))


ENTRIES_PER_UNIT = 100
"""About as much work checking a catalog's entries as building one page."""


def _catalog_jobs(config: Config, catalogs: Mapping[str, polib.POFile]) -> int:
    return jobs_for(config.jobs, sum(len(po) for po in catalogs.values()) // ENTRIES_PER_UNIT)


def stats(catalogs: Mapping[str, polib.POFile]) -> list[CatalogStats]:
    return [catalog.stats(po, locale) for locale, po in catalogs.items()]

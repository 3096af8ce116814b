"""The stages chained: each computes its outputs; `commit` writes or compares them.

Computing first and writing last is what makes ``--check`` exact: the check mode runs the
very same code and only skips the final write. Pages are the one exception to "in
memory": the build writes each beside its file as soon as it is made (``files.stage``),
so the site is never held whole, and `commit` renames them into place with the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import polib
from lxml import etree

from . import catalog, incremental
from .build import PageReport, Review, untranslated_titles
from .buildcache import Built, PageCache, code_digest, site_salt, source_line
from .checks import CheckContext
from .chrome import CHROME
from .config import Config
from .engines.base import (
    Engine,
    ModelInfo,
    MultiLocaleEngine,
    Progress,
    Scored,
    translate_many_scored,
)
from .errors import (
    ConflictError,
    EngineError,
    ExtractError,
    MissI18nError,
    PathError,
    WriteError,
)
from .executors import EngineSpec, Executor, Shard, executor_for, shards
from .files import (
    NOT_A_FOLDER,
    FolderId,
    Pending,
    Snapshot,
    Staged,
    blocked_by,
    checked_folder,
    digest_of,
    discard,
    ensure_inside,
    publish,
    remove_leftovers,
    resolved,
    stage,
    would_change,
    write_if_changed,
)
from .incremental import Template
from .languages import learn, locale_names
from .memory import Memory
from .model import CatalogStats, Key, Segment, WriteResult
from .pages import parse_page, read_bytes
from .parallel import jobs_for, map_shared
from .report import REPORT, report_page
from .segments import Located, Plan, source_plan
from .site_pages import index_page, sitemap
from .skeleton import PageBuilder
from .source import list_assets, list_pages, read
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
from .translate import (
    Chooser,
    LocaleResult,
    human_drafts,
    pending_sentences,
    translate_catalog,
)
from .website import Site
from .writer import plain_uris

R = TypeVar("R")


@dataclass(frozen=True)
class Output:
    path: Path
    data: bytes


def commit(outputs: Iterable[Output], *, check: bool, config: Config,
           seen: Snapshot, also: Sequence[Path] = (), staged: Sequence[Staged] = ()
           ) -> list[WriteResult]:
    """Write every output that differs (atomically), then rename the ``staged`` files
    (pages written as they were built) into place; in check mode only compare.

    Every output lives in the locales or the output folder (or a folder of ``also``, such
    as the XLIFF folder), and never leaves it through a link: all are checked before the
    first is written. A file the run read (``seen``) and someone changed since is not
    overwritten: when that is found before writing, nothing is written at all (the staged
    files are removed), since the other outputs (its .mo, its pages) were computed from
    the old version; the translation memory keeps the drafts, so running again is cheap.
    """
    outputs = list(outputs)
    pending = list(staged)
    published = 0
    try:
        for output in outputs:  # (a staged file was checked where it was written)
            ensure_inside(output.path, _folder_of(config, output.path, also))
        for path in [*(o.path for o in outputs), *(s.path for s in pending)]:
            if not check and seen.changed(path):
                raise ConflictError("changed on disk while miss-i18n was running; nothing "
                                    "was written: run the command again to take the edit in",
                                    path=path)
        results = clean([o.path for o in outputs], check=check, config=config,
                        keep={s.temp for s in pending})
        for output in outputs:
            name = _display(output.path, config.root)
            within = _folder_of(config, output.path, also)
            if check:
                results.append(WriteResult(name, would_change(output.path, output.data,
                                                              within)))
            else:
                results.append(WriteResult(name, write_if_changed(
                    output.path, output.data, within, seen.digests.get(output.path),
                    durable=_holds_work(config, output.path))))
        for staged_file in pending:
            publish(staged_file, seen)
            published += 1
    finally:
        for left in pending[published:]:  # not renamed into place: removed
            discard(left.temp)
    return results


def _holds_work(config: Config, path: Path) -> bool:
    """Whether a file holds people's work (catalogs, the template), which a write must get
    onto the disk before the rename; the rest is made from those (files.write_if_changed)."""
    return path.is_relative_to(config.locales_dir) and path.suffix != ".mo"


def clean(paths: Iterable[str | Path], *, check: bool, config: Config,
          keep: Collection[Path] = ()) -> list[WriteResult]:
    """Remove (in check mode: report) temporary files a killed run left beside ``paths``
    (``keep``: files this run staged there)."""
    return [WriteResult(_display(path, config.root), True, removed=True)
            for path in remove_leftovers(paths, check=check, keep=keep)]


def _folder_of(config: Config, path: Path, also: Sequence[Path] = ()) -> Path:
    for folder in (config.locales_dir, config.output_dir, *also):
        if path.is_relative_to(folder):
            return folder
    raise PathError("not inside the locales or the output folder; miss-i18n writes nothing "
                    "else", path=path)


SITE_FILES = ("index.html", "sitemap.xml", REPORT, ".miss-i18n-files")
"""What the build writes at the top of the output folder, besides the locales' folders:
the source folder's files of these names would be replaced (list_pages refuses them)."""
MANIFEST = SITE_FILES[-1]
"""In the output folder: every file the last build wrote, with the SHA-256 of what it
wrote (``sha256sum`` format), so a later build can remove those it no longer makes (a
dropped page or locale) and nothing else: a file whose content differs (a user's edit, a
user's own ``CNAME``) is not ours and is kept."""
_ENTRY = re.compile(r"([0-9a-f]{64})  (.+)")


@dataclass(frozen=True)
class Recorded:
    """A manifest line: a file name and the digest of what the build wrote there.

    ``digest`` is None for a line of the old format (names only): not provably ours.
    """

    name: str
    digest: str | None


@dataclass
class Pruned:
    removed: list[WriteResult] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files the build no longer makes but did not remove: changed since it wrote them."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(config: Config, seen: Snapshot, made: Collection[str] = frozenset()
                   ) -> dict[str, str | None]:
    """The last build's manifest: the files it recorded inside the output folder (links
    followed), by name. The names of ``made`` (written by this build, so inside) are
    taken as they are; only the others are resolved."""
    path = seen.read(config.output_dir / MANIFEST)
    if not path.is_file():
        return {}
    ensure_inside(path, config.output_dir)
    root = resolved(config.output_dir)
    entries: dict[str, str | None] = {}
    for line in read_bytes(path).decode("utf-8", "replace").splitlines():
        match = _ENTRY.fullmatch(line)
        name, recorded = (match.group(2), match.group(1)) if match else (line, None)
        if name in made or _inside(root, name):  # never outside it
            entries[name] = recorded
    return entries


def _manifest(config: Config, digests: Mapping[str, str], seen: Snapshot
              ) -> tuple[Output, list[Recorded]]:
    """The new manifest (of the files the build made: their SHA-256 by name below the
    output folder), and the files of the old one that the build no longer makes."""
    new = dict(digests)
    old = _read_manifest(config, seen, new)
    if config.targets != config.locales:  # a narrowed build keeps the other locales' files
        new = {name: sha for name, sha in old.items() if sha is not None} | new
    listing = "".join(f"{new[name]}  {name}\n" for name in sorted(new)).encode("utf-8")
    return Output(config.output_dir / MANIFEST, listing), [
        Recorded(name, sha) for name, sha in sorted(old.items()) if name not in new]


def _inside(root: Path, name: str) -> bool:
    """Whether ``name`` (from a manifest someone could have edited) stays in the folder
    ``root`` (resolved)."""
    try:
        return bool(name) and resolved(root / name).is_relative_to(root)
    except PathError:
        return False


def prune(config: Config, gone: Sequence[Recorded], *, check: bool) -> Pruned:
    """Delete files an earlier build wrote and this one no longer makes.

    Only a regular file inside the output folder whose content is still, byte for byte,
    what the manifest says the build wrote; anything else is kept.
    """
    pruned = Pruned()
    for entry in gone:
        target = config.output_dir / entry.name
        try:
            ensure_inside(target, config.output_dir)
        except PathError:
            continue
        if target.is_symlink() or not target.is_file():
            continue
        shown = _display(target, config.root)
        if entry.digest is None or digest(read_bytes(target)) != entry.digest:
            pruned.kept.append(shown)
            continue
        if not check:
            target.unlink()
            for folder in target.parents:
                if folder == config.output_dir or any(folder.iterdir()):
                    break
                folder.rmdir()
        pruned.removed.append(WriteResult(shown, True, removed=True))
    return pruned


def native(name: str) -> str:
    """A name below a folder (``/`` between its parts) with this system's separator."""
    return name if os.sep == "/" else name.replace("/", os.sep)


def _displayed(folder: Path, root: Path) -> Callable[[str], str]:
    """``_display`` of a file below ``folder`` by its name there, without a Path each."""
    shown = _display(folder, root)
    if shown == ".":
        return lambda name: name
    if not folder.is_relative_to(root):
        return lambda name: _display(folder / name, root)
    return lambda name: f"{shown}/{name}"


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# -- extract ------------------------------------------------------------------------------
EXTRACT_UNITS = 2
"""Extracting a page costs about as much as building it in two locales (parallel.MIN_WORK)."""


def template(config: Config, now: datetime, *, seen: Snapshot,
             index: PageCache | None = None) -> polib.POFile:
    """Every source page's segments (pages in name order), then the build's own, as the
    template: from the ``index`` for a page whose bytes it knows, else parsed (over
    processes where there are enough pages)."""
    return template_and_previous(config, now, seen=seen, index=index)[0]


def template_and_previous(config: Config, now: datetime, *, seen: Snapshot,
                          index: PageCache | None = None
                          ) -> tuple[polib.POFile, polib.POFile | None]:
    """``template``, and the template on disk it replaces (None if there is none)."""
    pages = list_pages(config.source_dir, SITE_FILES)
    if index is None:
        index = PageCache.of(config.root, store=False)
    keys = [index.source_key(page, read(config.source_dir, page)) for page in pages]
    by_page = dict(zip(pages, keys, strict=True))
    missing = [page for page, key in by_page.items() if index.segments(key) is None]
    found = dict(zip(missing, map_shared(
        _extracted, config.source_dir, [(page, by_page[page]) for page in missing],
        jobs_for(config.jobs, EXTRACT_UNITS * len(missing))) if missing else [], strict=True))
    recorded = _recorded_template(config, seen, index)  # before the index learns this run's
    segments: list[Segment] = []
    spans: dict[str, tuple[int, int]] = {}  # each page's entries in the template, by key
    for page, key in zip(pages, keys, strict=True):
        known = index.segments(key)
        if known is None:
            known, plan, text, line = found[page]
            index.add_source(key, known, plan, line)
            index.texts[key] = text
        else:
            index.use_source(key)
        spans[key] = (len(segments), len(known))
        segments += known
    index.template_sources = keys
    segments += CHROME
    _one_page_per_context(config.source_dir, segments)
    made = catalog.new_template(segments, now)
    previous = _previous_of(config, recorded, made, spans)
    index.previous_pages = None if recorded is None else [
        (key, len(page)) for key, page in zip(recorded[0], recorded[1], strict=True)]
    return catalog.keep_dates(made, previous), previous


def _one_page_per_context(source_dir: Path, segments: Sequence[Segment]) -> None:
    """ExtractError where two pages' texts share a context, as ``a.html``'s and ``a.htm``'s
    do (a page's contexts start with its name less the extension): the template would hold
    a text twice, which msgfmt rejects, and a translation could go to the wrong page."""
    contexts = [segment.context for segment in segments]
    if len(set(contexts)) == len(contexts):
        return
    pages: dict[str, str] = {}
    for segment in segments:
        first = pages.setdefault(segment.context, segment.page)
        if first != segment.page:
            named = first or "the build's own text"
            raise ExtractError(f"{named} and {segment.page} give their texts the same context "
                               f"({segment.context!r}): rename one of the pages",
                               path=source_dir / segment.page)


def _extracted(source_dir: Path, page: tuple[str, str]
               ) -> tuple[list[Segment], Plan, str, bytes]:
    """A source page's segments and plan (segments.source_plan), and what the main process
    would otherwise make of them on its own: the page's entries as the template writes
    them, and its row in the index (``page``: its name and source key)."""
    name, key = page
    segments, plan = source_plan(source_dir, name)
    return (segments, plan, "\n\n".join(map(catalog.segment_text, segments)),
            source_line(key, segments, plan))


OnDisk = tuple[list[str], list[list[Segment]], dict[str, str], str]
"""The template on disk as the index recorded it: its pages' source keys and segments, in
order, its header fields and comment."""


def _recorded_template(config: Config, seen: Snapshot, index: PageCache) -> OnDisk | None:
    """The template on disk as the index recorded it, where it did (with the same
    SHA-256, taken into ``seen``)."""
    seen.read(config.pot_path)
    known = index.template_of(seen.digests[config.pot_path])
    if known is None or index.template is None:
        return None
    pages, metadata, comment = known
    return list(index.template[1]), pages, metadata, comment


def _previous_of(config: Config, recorded: OnDisk | None, made: polib.POFile | None = None,
                 spans: Mapping[str, tuple[int, int]] | None = None) -> polib.POFile | None:
    """The template on disk: from what the index recorded of it, else read. A page it
    shares with the template ``made`` from this run's pages (``spans``: where each page's
    entries are in it, by source key) has the very same entries: those of ``made`` are
    taken, not made again (and catalog.keep_dates then compares the headers alone)."""
    if recorded is None:
        return catalog.load_optional(config.pot_path)
    keys, pages, metadata, comment = recorded
    if made is None or spans is None:
        return catalog.template_of([*(s for segments in pages for s in segments), *CHROME],
                                   metadata, comment)
    entries: list[polib.POEntry] = []
    for key, segments in zip(keys, pages, strict=True):
        start, count = spans.get(key, (0, -1))
        entries += made[start:start + count] if count == len(segments) else \
            catalog.template_of(segments, {}, "")
    entries += made[len(made) - len(CHROME):]
    previous = polib.POFile(wrapwidth=0)
    previous.header = comment
    previous.metadata = dict(metadata)
    previous.extend(entries)
    return previous


def template_bytes(config: Config, pot: polib.POFile, previous: polib.POFile | None,
                   seen: Snapshot, index: PageCache) -> tuple[bytes, incremental.Diff | None]:
    """The template's bytes (``catalog.to_bytes``), and how it differs from the one it
    replaces (None: there is none): joined from its pages' entries as the workers that
    extracted them wrote them, where that is every page; else, where the index recorded
    the replaced one's bytes, as they still are, the entries kept are copied from them
    (incremental.template_bytes)."""
    texts = [index.texts.get(key) for key in index.template_sources]
    whole = None if None in texts else catalog.written_from(  # every page extracted here
        pot, [*(text for text in texts if text is not None), *map(catalog.segment_text, CHROME)])
    if previous is None:
        return whole or catalog.to_bytes(pot), None
    diff = incremental.Diff.of(pot, previous, _pages(index))
    held = seen.digests.get(config.pot_path)
    if whole is None and index.template is not None and index.template[0] == held:
        with contextlib.suppress(OSError):
            data = config.pot_path.read_bytes()
            made = incremental.template_bytes(pot, diff, data) if digest_of(
                data) == held else None
            if made is not None:
                return made, diff
    return whole or catalog.to_bytes(pot), diff


def _pages(index: PageCache) -> tuple[list[tuple[str | None, int]],
                                     list[tuple[str | None, int]]] | None:
    """The pages of this run's template and of the one it replaces, for Diff.of, where
    the index made that one (then the build's own entries end both)."""
    if index.previous_pages is None:
        return None
    chrome: list[tuple[str | None, int]] = [("build's own", len(CHROME))]
    return ([*((key, len(index.sources[key])) for key in index.template_sources), *chrome],
            [*index.previous_pages, *chrome])


def template_state(config: Config, pot: polib.POFile, previous: polib.POFile | None,
                   data: bytes, seen: Snapshot, *, diff: incremental.Diff | None = None
                   ) -> Template:
    """The template ``pot`` (as ``data``) and the one it replaces, for incremental.update:
    the replaced one as ``template_and_previous`` read it from disk, with the digest the
    run took of it (``diff``: how they differ, where known)."""
    if previous is not None and diff is None:
        diff = incremental.Diff.of(pot, previous)
    return Template(pot, digest_of(data), previous,
                    seen.digests.get(config.pot_path) if previous is not None else None,
                    diff, _body(pot, data))


def _body(pot: polib.POFile, data: bytes) -> bytes | None:
    """The template's bytes after its header (the blank line before its first entry on),
    where they are what its entries render to: entries made by make_template, untranslated,
    without flags, none obsolete."""
    start = data.find(b"\n\n")
    if start < 0 or not all(catalog.is_fresh(entry) for entry in pot):
        return None
    return data[start:]


# -- update -------------------------------------------------------------------------------
def merged(config: Config, pot: polib.POFile, *, seen: Snapshot) -> dict[str, polib.POFile]:
    """Each target locale's catalog read and merged with the template; over processes
    where there are enough entries (a merged catalog pickles back in a third of the time
    reading and merging it took)."""
    locales = list(config.targets)
    jobs = jobs_for(config.jobs, len(pot) * len(locales) // ENTRIES_PER_UNIT)
    return _recorded(config, seen, locales, map_shared(_merged_one, (config, pot), locales,
                                                       jobs))


def _recorded(config: Config, seen: Snapshot, locales: Sequence[str],
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
    return digest_of(data), (None if data is None else catalog.to_polib(
        catalog.parse_syntax(data, config.po_path(locale))))


def _catalog_bytes(config: Config, locale: str, *, required: bool) -> bytes | None:
    """A locale's catalog file as it is (None: there is none yet, where not
    ``required``), once sure no link leads it out of the locales folder."""
    path = config.po_path(locale)
    ensure_inside(path, config.locales_dir)
    return catalog.read_data(path) if required or path.exists() else None


def _parsed_catalog(config: Config, locale: str) -> tuple[str, None]:
    """The digest of a locale's catalog, once parsed (CatalogError if it cannot be)."""
    return _read_catalog(config, locale, required=False)[0], None


def _merged_one(shared: tuple[Config, polib.POFile], locale: str
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
    keys = [(entry.msgctxt, entry.msgid) for entry in template.pot] if min(
        jobs, len(locales)) > 1 else []
    where = {key: position for position, key in enumerate(keys)}
    return {locale: unpack(packed, keys) for locale, packed in _recorded(
        config, seen, locales, _summarized(
            config, _merged_summary, (config, template, include_fuzzy, check, where),
            locales, jobs)).items()}


def _merged_summary(shared: tuple[Config, Template, bool, bool, dict[Key, int]], locale: str
                    ) -> tuple[str, Summary | Packed]:
    config, template, include_fuzzy, check, where = shared
    held, summary = _merged_summary_of(config, template, locale, include_fuzzy=include_fuzzy,
                                       check=check)
    return held, pack(summary, where) if where else summary


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
            include_fuzzy=include_fuzzy, check=check, expected=held, template=template.digest,
            read=data, made=rows)
        return held, summary if data is None else replace(
            summary, since=basis_of(held, include_fuzzy))
    old = None if data is None else catalog.to_polib(
        catalog.parse_syntax(data, config.po_path(locale)))
    po = catalog.merge(template.pot, old, locale).catalog
    return held, _summary_and_files(config, po, locale, include_fuzzy=include_fuzzy,
                                    check=check, expected=held, template=template.digest)


def _summary_and_files(config: Config, po: polib.POFile, locale: str, *, include_fuzzy: bool,
                       check: bool, expected: str | None, template: str) -> Summary:
    """A merged (and maybe drafted) catalog's summary, its files staged (or compared),
    and its record for the next run (incremental.py)."""
    facts = incremental.facts_of(po, CheckContext(locale, locale, config.glossary))
    return _files_of(config, locale, data=catalog.to_bytes(po), header=po, facts=facts,
                     include_fuzzy=include_fuzzy, check=check, expected=expected,
                     template=template)


def _files_of(config: Config, locale: str, *, data: bytes, header: polib.POFile,
              facts: list[incremental.Fact], include_fuzzy: bool, check: bool,
              expected: str | None, template: str, read: bytes | None = None,
              made: incremental.Rows | None = None) -> Summary:
    """The catalog's summary, its files staged (or compared) and its record. ``read``: the
    bytes of the file ``expected`` is the digest of, where the caller has them; ``made``:
    what the record holds besides its facts, where the caller made it (incremental.save)."""
    po_path = config.po_path(locale)
    # the catalog is written and flushed to the disk on a thread while the rest is made
    pending = None if check else Pending(partial(
        stage, po_path, data, config.locales_dir, expected, held=read))
    try:
        ctx = CheckContext(locale, locale, config.glossary)
        summary = incremental.summary_of(facts, incremental.header_findings(header, ctx),
                                         locale, include_fuzzy=include_fuzzy)
        mo = incremental.mo_of(header.metadata, facts)
        po_digest = digest_of(data)
        if not check:
            incremental.save(config, locale, data=data, template=template,
                             metadata=header.metadata, facts=facts, digest=po_digest,
                             made=made)
        names = locale_names(locale)
        files = stage_files(po_path, config.mo_path(locale), (data, mo),
                            within=config.locales_dir, check=check, expected=expected,
                            po_digest=po_digest, po_staged=pending)
    except BaseException:
        if pending is not None:
            pending.abandon()
        raise
    return replace(summary, files=files, names=names,
                   basis=basis_of(po_digest, include_fuzzy))


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
    """Each target locale's catalog read and summarized where it was read."""
    locales = list(config.targets)
    sizes = [config.po_path(locale).stat().st_size if config.po_path(locale).is_file() else 0
             for locale in locales]
    jobs = jobs_for(config.jobs, sum(sizes) // BYTES_PER_UNIT)
    return _recorded(config, seen, locales, map_shared(
        _loaded_summary, (config, include_fuzzy), locales, jobs))


BYTES_PER_UNIT = 25_000
"""About as much of a catalog file to read and summarize as building one page."""


def _loaded_summary(shared: tuple[Config, bool], locale: str) -> tuple[str, Summary]:
    config, include_fuzzy = shared
    held, po = _read_catalog(config, locale, required=True)
    assert po is not None  # required: read_data raised otherwise
    return held, replace(summarize(po, locale, include_fuzzy=include_fuzzy,
                                   glossary=config.glossary),
                         basis=basis_of(held, include_fuzzy))


def catalog_writes(config: Config, summaries: Mapping[str, Summary]
                   ) -> tuple[list[WriteResult], list[Staged]]:
    """What the summaries' processes did to the catalogs, then to their .mo files, and
    the files they left for commit to rename."""
    files = [f for s in summaries.values() for f in s.files if f.path.suffix != ".mo"]
    files += [f for s in summaries.values() for f in s.files if f.path.suffix == ".mo"]
    return ([WriteResult(_display(f.path, config.root), f.changed) for f in files],
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


def mo_outputs(config: Config, catalogs: Mapping[str, polib.POFile]) -> list[Output]:
    return [Output(config.mo_path(loc), catalog.mo_bytes(po)) for loc, po in catalogs.items()]


ENTRIES_PER_UNIT = 100
"""About as much work checking a catalog's entries as building one page."""


def _catalog_jobs(config: Config, catalogs: Mapping[str, polib.POFile]) -> int:
    return jobs_for(config.jobs, sum(len(po) for po in catalogs.values()) // ENTRIES_PER_UNIT)


def stats(catalogs: Mapping[str, polib.POFile]) -> list[CatalogStats]:
    return [catalog.stats(po, locale) for locale, po in catalogs.items()]


# -- translate ---------------------------------------------------------------------------
Drafting = Iterator[tuple[str, polib.POFile, int]]
"""Catalogs given the memory's human translations, with how many each took."""


@dataclass
class HeldCatalogs:
    """Catalogs held in memory (``translate``), each given its human translations once."""

    catalogs: Mapping[str, polib.POFile]
    source_locale: str
    now: datetime
    taken: dict[str, int] = field(default_factory=dict)

    @property
    def locales(self) -> list[str]:
        return list(self.catalogs)

    def each(self, memory: Memory, only: Collection[str] | None = None) -> Drafting:
        """The catalogs (of the locales ``only``), one after the other."""
        for locale, po in self.catalogs.items():
            if only is not None and locale not in only:
                continue
            if locale not in self.taken:
                self.taken[locale] = human_drafts(po, locale, memory,
                                                  source_locale=self.source_locale,
                                                  now=self.now)
            yield locale, po, self.taken[locale]


@dataclass
class ReadCatalogs:
    """Each locale's catalog read and merged with ``pot`` again on every pass, so that a
    run never holds two (``run``). A catalog whose bytes changed since the run first read
    it is a ConflictError: every pass must draft what the first one saw."""

    config: Config
    pot: polib.POFile
    locales: Sequence[str]
    seen: Snapshot
    now: datetime

    def each(self, memory: Memory, only: Collection[str] | None = None) -> Drafting:
        config = self.config
        for locale in self.locales:
            if only is not None and locale not in only:
                continue
            held, po = _merged_one((config, self.pot), locale)
            path = config.po_path(locale)
            if self.seen.digests.setdefault(path, held) != held:
                raise ConflictError("changed on disk while miss-i18n was translating; not "
                                    "overwritten: run the command again", path=path)
            yield locale, po, human_drafts(po, locale, memory,
                                           source_locale=config.source_locale, now=self.now)
            del po


CatalogPass = HeldCatalogs | ReadCatalogs


def drafted_summaries(config: Config, template: Template, choose: Chooser, *, seen: Snapshot,
                      include_fuzzy: bool, now: datetime,
                      progress: Callable[[str], Progress | None] = lambda _locale: None,
                      ) -> tuple[dict[str, Summary], list[LocaleResult]]:
    """A run's translate stage, holding one catalog at a time however many locales.

    A locale an engine or the memory's human translations can draft for is read, merged,
    drafted, summarized and written beside its file before the next is read (ReadCatalogs;
    a multi-locale engine's shared batches read them once more, first). The others have
    nothing to draft: they go as in ``merged_summaries``, over processes.
    """
    human: set[str] = set()
    if config.memory_path.exists():
        with Memory(config.memory_path) as memory:
            human = {locale for locale in config.targets
                     if memory.has_human(config.source_locale, locale)}
    draftable = [locale for locale in config.targets
                 if locale in human or choose(locale) is not None]
    others = [locale for locale in config.targets if locale not in draftable]
    pot = template.pot
    found = merged_summaries(config, template, seen=seen, include_fuzzy=include_fuzzy,
                             check=False, locales=others) if others else {}
    # every catalog read (and so found valid) before the memory is opened, let alone written
    _recorded(config, seen, draftable, map_shared(_parsed_catalog, config, draftable, jobs_for(
        config.jobs, len(pot) * len(draftable) // ENTRIES_PER_UNIT)))

    def drafted(locale: str, po: polib.POFile) -> None:
        found[locale] = _summary_and_files(config, po, locale, include_fuzzy=include_fuzzy,
                                           check=False,
                                           expected=seen.digests.get(config.po_path(locale)),
                                           template=template.digest)

    try:
        results = draft_each(config, ReadCatalogs(config, pot, draftable, seen, now), choose,
                             now=now, progress=progress, drafted=drafted)
    except BaseException:
        remove_leftovers([path for locale in config.targets
                          for path in (config.po_path(locale), config.mo_path(locale))],
                         check=False)
        raise
    results += [LocaleResult(locale, None, waiting=found[locale].needing) for locale in others]
    order = {locale: n for n, locale in enumerate(config.targets)}
    return ({locale: found[locale] for locale in config.targets},
            sorted(results, key=lambda result: order[result.locale]))


def translate_all(
    config: Config,
    catalogs: Mapping[str, polib.POFile],
    choose: Chooser,
    *,
    now: datetime,
    progress: Callable[[str], Progress | None] = lambda _locale: None,
    executor: Executor | None = None,
) -> list[LocaleResult]:
    """Machine drafts for every catalog, in place (draft_each of the catalogs held)."""
    return draft_each(config, HeldCatalogs(catalogs, config.source_locale, now), choose,
                      now=now, progress=progress, executor=executor)


def draft_each(
    config: Config,
    catalogs: CatalogPass,
    choose: Chooser,
    *,
    now: datetime,
    progress: Callable[[str], Progress | None] = lambda _locale: None,
    executor: Executor | None = None,
    drafted: Callable[[str, polib.POFile], None] | None = None,
) -> list[LocaleResult]:
    """Machine drafts for every catalog, through the project's translation memory.

    Human translations imported into the memory (TMX) come first, whole msgids only.
    Then locales that one multi-locale engine serves (nllb) are translated together, in
    shared batches, into the memory; each catalog is then drafted from it as usual. With a
    Dask scheduler configured (or an ``executor``), all the engine work goes there first
    instead, shard by shard, each stored as it completes; the drafting then loads no model.
    ``drafted`` gets each catalog once it is drafted (before the next is read).
    """
    keep = config.glossary.do_not_translate
    if executor is None:
        executor = executor_for(config)
    results = []
    with Memory(config.memory_path) as memory:
        if executor is None:
            early = _translate_together(catalogs, choose, memory, keep, progress)
        else:
            early = _translate_elsewhere(config, catalogs, choose, memory,
                                         executor=executor, progress=progress)
        for locale, po, human in catalogs.each(memory):
            result = translate_catalog(po, locale, choose, memory, now=now, keep=keep,
                                       progress=progress(locale))
            results.append(replace(result, from_memory=result.from_memory - early.get(locale, 0),
                                   from_engine=result.from_engine + early.get(locale, 0),
                                   from_people=human))
            if drafted is not None:
                drafted(locale, po)
    return results


def _pending(catalogs: Iterable[tuple[str, polib.POFile, int]], choose: Chooser,
             memory: Memory, keep: Sequence[str]
             ) -> list[tuple[str, Engine, ModelInfo, list[str]]]:
    """Per locale, the sentences its engine must still translate (pending_sentences); one
    that two locales would ask under one memory key (pt and pt_BR) goes with the first."""
    pending = []
    seen: dict[tuple[str, ...], set[str]] = {}
    for locale, po, _human in catalogs:
        found = pending_sentences(po, locale, choose, memory, keep=keep)
        if found is None:
            continue
        engine, model, sentences = found
        asked = seen.setdefault((model.engine, model.model, model.version, model.source,
                                 model.target), set())  # the memory's key
        sentences = [s for s in sentences if s not in asked]
        asked.update(sentences)
        if sentences:
            pending.append((locale, engine, model, sentences))
    return pending


def _translate_together(catalogs: CatalogPass, choose: Chooser, memory: Memory,
                        keep: Sequence[str], progress: Callable[[str], Progress | None]
                        ) -> dict[str, int]:
    """One ``translate_many`` call per multi-locale engine for all its locales' new
    sentences, stored in the memory; how many each locale got. Only the catalogs of
    locales that share such an engine are read for it."""
    sharing: dict[int, list[str]] = {}
    for locale in catalogs.locales:
        chosen = choose(locale)
        if chosen is not None and isinstance(chosen[0], MultiLocaleEngine):
            sharing.setdefault(id(chosen[0]), []).append(locale)
    wanted = {locale for locales in sharing.values() if len(locales) > 1 for locale in locales}
    if not wanted:
        return {}
    groups: dict[int, tuple[MultiLocaleEngine, list[tuple[str, ModelInfo, list[str]]]]] = {}
    for locale, engine, model, sentences in _pending(catalogs.each(memory, wanted), choose,
                                                     memory, keep):
        if isinstance(engine, MultiLocaleEngine):
            groups.setdefault(id(engine), (engine, []))[1].append((locale, model, sentences))
    done: dict[str, int] = {}
    for engine, jobs in groups.values():
        if len(jobs) < 2:
            continue  # one locale: translate_catalog makes the same call
        try:
            outputs = translate_many_scored(engine, [(model, sentences) for _, model, sentences
                                                     in jobs], progress(f"{len(jobs)} locales"))
        except EngineError:
            continue  # each locale then asks alone, and its failure is reported as its own
        for (locale, model, sentences), output in zip(jobs, outputs, strict=True):
            memory.store(model, [(s, o.text) for s, o in zip(sentences, output, strict=True)],
                         [o.score for o in output])
            done[locale] = len(sentences)
    return done


def _translate_elsewhere(config: Config, catalogs: CatalogPass,
                         choose: Chooser, memory: Memory, *, executor: Executor,
                         progress: Callable[[str], Progress | None]) -> dict[str, int]:
    """Every locale's engine work, cut in shards and run by ``executor``, each shard's
    outputs stored in the memory as it completes (a failure later loses none of them);
    how many sentences each locale got."""
    keep = config.glossary.do_not_translate
    done: dict[str, int] = {}

    def store(shard: Shard, outputs: list[Scored]) -> None:
        memory.store(shard.model, [(s, o.text) for s, o in zip(shard.sentences, outputs,
                                                               strict=True)],
                     [o.score for o in outputs])
        done[shard.locale] = done.get(shard.locale, 0) + len(shard.sentences)

    engines = {locale for locale in catalogs.locales if choose(locale) is not None}
    for _round in range(2):  # the sentences, then the unprotected retries they call for
        cut = [shard for locale, engine, model, sentences in _pending(
                   catalogs.each(memory, engines), choose, memory, keep)
               for shard in shards(locale, EngineSpec.of(engine.name, config), model,
                                   sentences, config.translate.shard_sentences)]
        if not cut:
            break
        executor.run(cut, store, progress(f"{len(cut)} shard(s)"))
    return done


# -- build --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _SiteWork:
    """What building any page in any locale needs (handed to workers by fork)."""

    config: Config
    site: Site
    locales: Sequence[str]
    lookups: Mapping[str, tuple[dict[Key, str], Review]]
    salts: Mapping[str, str]
    """Per locale: buildcache.site_salt."""
    cache: PageCache
    check: bool
    """Compare each page with the output folder's, write nothing."""
    output_root: Path
    """The output folder, links followed (files.ensure_inside)."""
    folders: Mapping[Path, FolderId]
    """The pages' folders, made and checked (files.checked_folder); none in a check."""
    below: str
    """The output folder as a string, with a separator after it: a page's file is this
    and its name (``native``), without a Path made for every page and locale."""
    known: Mapping[str, int] = field(default_factory=dict)
    """Where each source (by key) was among the last build's pages (PageCache.built)."""
    keys: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Per locale whose page keys are the last build's for every page whose source it
    had (``_known_keys``): those keys, in the order of ``known``."""


@dataclass
class _PageBuilds:
    """One source page in every locale, as written (or compared), and the index rows."""

    built: list[Built]
    source_key: str
    segments: list[Segment] | None
    """The page's segments, where the index does not hold them yet."""
    plan: Plan | None
    """And where they are (segments.Located.plan)."""
    rows: dict[str, dict[str, Any]]
    """The index rows this build made or changed, by page key."""
    keys: list[str] = field(default_factory=list)
    """Every locale's page key, in the order of the locales."""
    staged: list[Staged] = field(default_factory=list)
    """The pages that changed, written beside their files (commit renames them)."""


def _page_keys(work: _SiteWork, source_key: str, segments: Sequence[Segment]) -> list[str]:
    """The page's key in each locale (PageCache.page_key): the last build's where the
    site's ``keys`` hold it for its source (``known``), else computed."""
    known = work.known.get(source_key)
    keys: list[Key] | None = None
    found = []
    for locale in work.locales:
        same = work.keys.get(locale)
        if same is not None and known is not None:
            found.append(same[known])  # the same source and translations: the same key
            continue
        if keys is None:
            keys = [(segment.context, segment.msgid) for segment in segments]
        translations, review = work.lookups[locale]
        found.append(work.cache.page_key(source_key, work.salts[locale], keys,
                                         translations=translations, review=review))
    return found


def _build_page(work: _SiteWork, page: str) -> _PageBuilds:
    """One source page in every locale, each written as soon as it is made: from the index
    where the output is still what the same inputs made, else parsed and walked once (only
    if some locale needs it) and copied per locale."""
    config = work.config
    cache = work.cache
    source = read(config.source_dir, page)
    source_key = cache.source_key(page, source)
    located: Located | None = None
    segments = cache.segments(source_key)
    plan: Plan | None = None  # the index's, read only where a locale is built
    done = _PageBuilds([], source_key, None, None, {})
    if segments is None:
        located = Located.of(parse_page(source, config.source_dir / page), page)
        segments = done.segments = [slot.segment for slot in located.slots]
        plan = done.plan = located.plan()
    page_keys = _page_keys(work, source_key, segments)
    built: list[Built | None] = []
    due: list[tuple[int, str, str]] = []  # (where, locale, output name)
    for locale, key in zip(work.locales, page_keys, strict=True):
        name = work.site.path(locale, page)
        hit = cache.get(key, work.below + native(name), name, locale, page)
        if hit is None:
            due.append((len(built), locale, name))
        built.append(hit)
    builder: PageBuilder | None = None
    found_segments = segments

    def relocated() -> Located:  # where the template's extraction found them: no walk
        tree = parse_page(source, config.source_dir / page)
        known = plan if plan is not None else cache.plan(source_key)
        return Located.of(tree, page) if known is None else Located.planned(
            tree, found_segments, known)

    for where, locale, name in due:
        if builder is None:
            if located is None:
                located = relocated()
            builder = PageBuilder(located, page, work.site, plain=plain_uris(located.tree),
                                  due=len(due), reload=relocated)
        found, review = work.lookups[locale]
        data, report, title = builder.build(locale, found, review)
        path = config.output_dir / name
        if work.check:
            changed = would_change(path, data, config.output_dir)
        else:
            staged = stage(path, data, config.output_dir, durable=False, root=work.output_root,
                           folder=work.folders[path.parent])
            changed = staged is not None
            done.staged += [staged] if staged else []
        made = Built(name, digest(data), changed, report, title)
        built[where] = replace(made, row=cache.row(name, made))
    done.built = [b for b in built if b is not None]
    done.rows = {key: b.row for key, b in zip(page_keys, done.built, strict=True)
                 if b.row is not None}
    done.keys = page_keys
    return done


@dataclass
class SiteOutputs:
    """A build: the pages it wrote (or compared) as it made them, and the files left to
    commit (assets, index, sitemap, report, the manifest)."""

    outputs: list[Output]
    pages: list[WriteResult]
    staged: list[Staged]
    """The pages that changed: complete files beside theirs, for commit to rename."""
    digests: dict[str, str]
    """The SHA-256 of every file the build made (the manifest aside), pages included, by
    name below the output folder (as the manifest names them)."""
    index: PageCache
    """The build index, with this build's rows: to save once the pages are in place."""
    reports: list[PageReport]
    gone: list[Recorded]
    """Files of the last build that this one no longer makes (to prune)."""


def site_outputs(
    config: Config, summaries: Mapping[str, Summary], *, seen: Snapshot, check: bool = False,
    index: PageCache | None = None
) -> SiteOutputs:
    """Build the site: every page is written (``check``: compared) as soon as it is made,
    so that the site is never held in memory; the rest is returned to commit.

    Pages whose inputs are unchanged and whose output is still what the last build wrote
    are neither built nor written (buildcache.py); ``check`` only reads the index.
    """
    pages = list_pages(config.source_dir, SITE_FILES)
    assets = list_assets(config.source_dir)
    site = Site(pages, config.source_locale, config.locales, config.base_url, frozenset(assets))
    site = _linked(config, site, summaries)
    outputs = [Output(config.output_dir / name, read(config.source_dir, name)) for name in assets]
    locales = [config.source_locale, *config.targets]
    # every page of every locale by name, as strings: a Path each costs more than a rerun
    # spends on the page (42 locales, hundreds of pages)
    names = [site.path(locale, page) for locale in locales for page in pages]
    below = os.path.join(config.output_dir, "")  # noqa: PTH118
    page_files = [below + native(name) for name in names]
    output_root = resolved(config.output_dir)
    folders = _page_folders(config.output_dir, names, output_root, check=check)
    written = clean(page_files, check=check, config=config)
    lookups = {locale: (summaries[locale].translations, summaries[locale].review)
               if locale in summaries else ({}, Review()) for locale in locales}
    cache = PageCache.of(config.root, store=not check) if index is None else index
    salts = {locale: site_salt(site, locale, lookups[locale][0]) for locale in locales}
    work = _SiteWork(config, site, locales, lookups, salts, cache, check, output_root, folders,
                     below, *_known_keys(cache, summaries, salts, config.source_locale))
    jobs = jobs_for(config.jobs, len(pages) * len(locales))
    _know_locales(site, summaries)
    code_digest()
    reports: list[PageReport] = []
    titles: dict[tuple[str, str], str] = {}
    digests: dict[str, str] = {}
    staged: list[Staged] = []
    try:
        builds = map_shared(_build_page, work, pages, jobs)
    except BaseException:
        clean(page_files, check=False, config=config)  # what the workers staged
        raise
    shown = _displayed(config.output_dir, config.root)
    _record_keys(cache, builds, locales, summaries, salts)
    for page, done in zip(pages, builds, strict=True):
        staged += done.staged
        if done.segments is not None and done.plan is not None:
            cache.add_source(done.source_key, done.segments, done.plan)
        else:
            cache.use_source(done.source_key)
        cache.use_pages(done.keys)
        for key, row in done.rows.items():
            cache.add_page(key, row)
        for locale, built in zip(locales, done.built, strict=True):
            titles[(locale, page)] = built.title
            digests[built.name] = built.digest
            reports.append(built.report)
            written.append(WriteResult(shown(built.name), built.changed))
    digests.update((name, digest(output.data))
                   for name, output in zip(assets, outputs, strict=True))
    # a sitemap's URLs must be absolute: none without base_url (the manifest prunes one an
    # earlier build wrote with it)
    untranslated = _with_titles_on_disk(config, site, titles,
                                        set(untranslated_titles(site, reports)))
    made = [("index.html", index_page(site, titles, untranslated)),
            *([("sitemap.xml", sitemap(site))] if site.base_url else []),
            (REPORT, report_page(
                site, [s.stats for s in summaries.values()], reports, titles,
                {locale: s.findings for locale, s in summaries.items()},
                weakest={locale: s.weakest for locale, s in summaries.items()}))]
    outputs += [Output(config.output_dir / name, data) for name, data in made]
    digests.update((name, digest(data)) for name, data in made)
    manifest, gone = _manifest(config, digests, seen)
    outputs.append(manifest)
    return SiteOutputs(outputs, written, staged, digests, cache, reports, gone)


def _known_keys(cache: PageCache, summaries: Mapping[str, Summary], salts: Mapping[str, str],
                source_locale: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Where each source the last build had is among its pages, and that build's page keys
    for each locale whose pages show what they showed then: the same salt, and a catalog
    brought up to the template by its record (Summary.since) from the one that build
    read. Only sources that both this run's template and the one it replaces hold count:
    their entries the template kept whole, with the facts they had, so such a page shows
    what it showed, and has the same key (not computed again)."""
    if cache.built is None or cache.previous_pages is None:
        return {}, {}
    sources, locales = cache.built
    kept = {key for key, _count in cache.previous_pages} & set(cache.template_sources)
    keys = {}
    for locale, (basis, salt, page_keys) in locales.items():
        summary = summaries.get(locale)
        since = "" if locale == source_locale else None if summary is None else summary.since
        if since is not None and since == basis and salts.get(locale) == salt:
            keys[locale] = page_keys
    return {key: position for position, key in enumerate(sources) if key in kept}, keys


def _record_keys(cache: PageCache, builds: Sequence[_PageBuilds], locales: Sequence[str],
                 summaries: Mapping[str, Summary], salts: Mapping[str, str]) -> None:
    """Record this build's page keys in the index (PageCache.built), where every locale's
    basis is known (the source locale's is empty: it shows no translation)."""
    bases = {locale: summaries[locale].basis if locale in summaries else ""
             for locale in locales}
    if any(basis is None for basis in bases.values()):
        return
    cache.built = ([done.source_key for done in builds], {
        locale: (bases[locale] or "", salts[locale], [done.keys[n] for done in builds])
        for n, locale in enumerate(locales)})


def _page_folders(output_dir: Path, names: Sequence[str], output_root: Path, *, check: bool
                  ) -> dict[Path, FolderId]:
    """The folders of the pages ``names`` (below ``output_dir``) made and checked, each
    with the first page in it (``check``: only checked, and none returned)."""
    firsts = {posixpath.dirname(name): name for name in reversed(names)}
    folders: dict[Path, FolderId] = {}
    for folder, first in sorted((output_dir / name, output_dir / first)
                                for name, first in firsts.items()):
        ensure_inside(first, output_dir, output_root)  # the rest when written
        if not check:
            _make_folder(folder)
            folders[folder] = checked_folder(folder, output_dir, output_root)
    return folders


def _linked(config: Config, site: Site, summaries: Mapping[str, Summary]) -> Site:
    """The site with the locales its pages link and how much each shows translated. A
    narrowed build (-l) links the locales it builds and those an earlier build left in the
    output folder, never pages that do not exist; the latter's catalogs say whether they
    are published (``_shown_elsewhere``)."""
    linked = [locale for locale in config.locales if locale in config.targets or all(
        (config.output_dir / site.path(locale, page)).is_file() for page in site.pages)]
    progress = {locale: summary.shown for locale, summary in summaries.items()}
    progress.update(_shown_elsewhere(config, [
        locale for locale in linked if locale not in progress
        and locale != config.source_locale]))
    return replace(site, locales=linked, progress=progress, threshold=config.publish_threshold)


def _with_titles_on_disk(config: Config, site: Site, titles: dict[tuple[str, str], str],
                         untranslated: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """``titles`` completed with those of the pages a narrowed build (-l) links but does
    not build, as an earlier build wrote them (``index.html`` names each page by its title
    in each language); ``untranslated`` with those that are the source's title."""
    for locale in site.locales:
        for page in site.pages:
            if (locale, page) in titles:
                continue
            try:
                data = (config.output_dir / site.path(locale, page)).read_bytes()
            except OSError:
                continue
            root = etree.HTML(data) if data.strip() else None
            title = ((None if root is None else root.findtext("head/title")) or page).strip()
            titles[(locale, page)] = title
            if title == titles.get((config.source_locale, page)):
                untranslated.add((locale, page))
    return untranslated


def _shown_elsewhere(config: Config, locales: Sequence[str]) -> dict[str, float]:
    """How much a narrowed build's (``-l``) other linked locales show translated, from their
    catalogs as they are: what the menus, hreflang links and sitemap need to tell a
    published locale from a preview (without it, every other locale counted as
    published). A catalog that cannot be read counts as a preview."""
    found: dict[str, float] = {}
    for locale in locales:
        try:
            po = catalog.load_optional(config.po_path(locale))
        except MissI18nError:
            po = None
        found[locale] = 0.0 if po is None else shown_of(
            po, locale, include_fuzzy=config.include_fuzzy, glossary=config.glossary)
    return found


def _know_locales(site: Site, summaries: Mapping[str, Summary]) -> None:
    """Every locale's name and direction, known here before the workers fork: from the
    processes that merged the catalogs where they sent them, else loaded once here."""
    learn({locale: s.names for locale, s in summaries.items() if s.names is not None})
    for locale in site.all_locales:
        locale_names(locale)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise WriteError("a file where the build makes a folder; move or remove it",
                         path=folder) from None
    except OSError as exc:
        blocker = blocked_by(folder)
        if blocker is not None:
            raise WriteError(NOT_A_FOLDER, path=blocker) from None
        raise WriteError(f"cannot create the folder ({exc.strerror}); check permissions",
                         path=folder) from None

"""Stage 1, extract: every source page's segments as the template (``locales/<domain>.pot``),
from the build index for a page whose bytes it knows, else parsed (over processes where
there are enough pages); and the template on disk it replaces, with how the two differ
(``incremental.Diff``), so that the catalogs need merge only what changed.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polib

from . import catalog, incremental
from .buildcache import PageCache, code_digest, source_line
from .chrome import CHROME
from .config import Config
from .errors import (
    ExtractError,
)
from .files import (
    Snapshot,
    digest_of,
    size_of,
)
from .incremental import Template
from .model import Segment
from .outputs import SITE_FILES
from .parallel import jobs_for, map_shared
from .segments import Plan, source_plan
from .source import list_pages, may_stay_unlisted, read
from .website import served_path

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
    sources = _Sources(config.source_dir, frozenset(pages), served_path(config.base_url))
    sizes: dict[str, int] = {}
    by_page: dict[str, str] = {}
    unlisted: set[str] = set()
    if index.sources:  # each page keyed here: the index may hold its segments
        for page in pages:
            data = read(config.source_dir, page)
            sizes[page] = len(data)
            by_page[page] = index.key_of(page, data, sources.pages, sources.root_path)
            if may_stay_unlisted(data):
                unlisted.add(page)
    else:  # none found in an empty index (a first run): each keyed where it is extracted
        sizes = {page: size_of(config.source_dir / page) for page in pages}
    missing = [page for page in pages
               if page not in by_page or index.segments(by_page[page]) is None]
    if missing:  # every source key holds it: made once, here, the workers inherit it (and
        code_digest()  # so do those of the catalogs and the build), not made in each one
    found = dict(zip(missing, map_shared(
        _extracted, sources, [(page, by_page.get(page)) for page in missing],
        jobs_for(config.jobs, EXTRACT_UNITS * len(missing)),
        cost=lambda item: sizes[item[0]]) if missing else [], strict=True))
    for page, extracted in found.items():
        if extracted.unlisted:
            unlisted.add(page)
        if extracted.sha256 is not None:  # keyed there: the build's key_of takes it
            index.remember_key(page, extracted.sha256, sources.pages, sources.root_path,
                               extracted.key)
            by_page[page] = extracted.key
    index.unlisted = frozenset(unlisted)  # every page was read, here or in a worker
    keys = [by_page[page] for page in pages]
    recorded = _recorded_template(config, seen, index)  # before the index learns this run's
    segments: list[Segment] = []
    spans: dict[str, tuple[int, int]] = {}  # each page's entries in the template, by key
    for page, key in zip(pages, keys, strict=True):
        known = index.segments(key)
        if known is None:
            extracted = found[page]
            known = extracted.segments
            index.add_source(key, known, extracted.plan, extracted.line)
            index.texts[key] = extracted.text
        else:
            index.use_source(key)
        spans[key] = (len(segments), len(known))
        segments += known
    index.template_sources = keys
    segments += CHROME
    _one_page_per_context(config.source_dir, segments)
    made = catalog.new_template(segments, now)
    previous = _previous_of(config, recorded, made, spans, index)
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


@dataclass(frozen=True)
class _Sources:
    """What extracting a page reads besides the page: where the pages are, all their
    names and the root path the site is served at (its source key's, PageCache.key_of)."""

    folder: Path
    pages: frozenset[str]
    root_path: str


@dataclass(frozen=True)
class _Extracted:
    """A source page's segments and plan (segments.source_plan), and what the main process
    would otherwise make of them on its own: its source key (and, where the worker took
    it, the SHA-256 of its bytes), its entries as the template writes them, and its row in
    the index."""

    key: str
    sha256: bytes | None
    segments: list[Segment]
    plan: Plan
    text: str
    line: bytes
    unlisted: bool
    """source.may_stay_unlisted of its bytes."""


def _extracted(sources: _Sources, page: tuple[str, str | None]) -> _Extracted:
    """``page`` (its name, and its source key where the main process took it) extracted."""
    name, key = page
    data = read(sources.folder, name)
    sha256 = None
    if key is None:
        sha256 = hashlib.sha256(data).digest()
        key = PageCache.source_key(name, data, sources.pages, sources.root_path)
    segments, plan = source_plan(sources.folder, name, data)
    return _Extracted(key, sha256, segments, plan,
                      "\n\n".join(map(catalog.segment_text, segments)),
                      source_line(key, segments, plan), may_stay_unlisted(data))


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
                 spans: Mapping[str, tuple[int, int]] | None = None,
                 index: PageCache | None = None) -> polib.POFile | None:
    """The template on disk: from what the index recorded of it, else read. A page it
    shares with the template ``made`` from this run's pages (``spans``: where each page's
    entries are in it, by source key) has the very same entries: those of ``made`` are
    taken, not made again (and catalog.keep_dates then compares the headers alone)."""
    if recorded is None:
        return _read_previous(config.pot_path, made, None if made is None else index)
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


def _read_previous(path: Path, made: polib.POFile | None, index: PageCache | None
                   ) -> polib.POFile | None:
    """The template at ``path`` (None if there is none), read. Where its entries are byte
    for byte those of ``made`` as written (_entries_written of the ``index``: joined only
    where there is a template to compare, not on a first run), only its header
    is parsed, and its entries are ``made``'s own objects: the same entries, which
    catalog.keep_dates then compares by their headers alone. A run without the index (a
    fresh clone's, CI's) parsed the whole template it was about to write again, and
    rendered both to compare them: 170 ms of 8,600 entries, alone on one core."""
    if not path.exists():
        return None
    if made is not None and index is not None:
        with contextlib.suppress(OSError):
            data = path.read_bytes()
            start = data.find(b"\n\n")
            if start >= 0 and data.endswith(b"\n") and data[start + 2:-1] == _entries_written(
                    index):
                header = catalog.to_polib(catalog.parse_syntax(data[:start + 1], path))
                if not len(header):
                    header.extend(made)
                    return header
    return catalog.load(path)


def _entries_written(index: PageCache) -> bytes | None:
    """The template's entries as the workers that extracted its pages wrote them, then the
    build's own, a blank line between (None where a page's are not known)."""
    texts = [index.texts.get(key) for key in index.template_sources]
    if None in texts:
        return None
    return "\n\n".join(text for text in [*texts, *map(catalog.segment_text, CHROME)]
                         if text).encode("utf-8")


def template_bytes(config: Config, pot: polib.POFile, previous: polib.POFile | None,
                   seen: Snapshot, index: PageCache) -> tuple[bytes, incremental.Diff | None]:
    """The template's bytes (``catalog.to_bytes``), and how it differs from the one it
    replaces (None: there is none): joined from its pages' entries as the workers that
    extracted them wrote them, where that is every page; else, where the index recorded
    the replaced one's bytes, as they still are, the entries kept are copied from them
    (incremental.template_bytes)."""
    written = _entries_written(index)
    whole = None if written is None else b"\n\n".join(  # every page extracted here
        [catalog.header_bytes(pot), written]) + b"\n"
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

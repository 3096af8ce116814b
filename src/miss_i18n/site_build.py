"""Stage 5, build: every source page in every locale, written as soon as it is made (over
processes), unless the build index shows its output is still what the same inputs made;
then the index page, the sitemap, the report and the manifest, left for ``commit``.
"""

from __future__ import annotations

import math
import os
import posixpath
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from . import catalog
from .build import PageReport, Review, shows, untranslated_titles
from .buildcache import Built, PageCache, Row, code_digest, site_salt
from .config import Config
from .errors import (
    ExtractError,
    MissI18nError,
    PathError,
    WriteError,
)
from .files import (
    NOT_A_FOLDER,
    FolderId,
    Snapshot,
    Staged,
    blocked_by,
    checked_folder,
    discard,
    ensure_inside,
    resolved,
    stage,
    would_change,
)
from .languages import bcp47, learn, locale_names
from .model import Key, Segment, WriteResult, whole
from .outputs import (
    SITE_FILES,
    Manifests,
    Output,
    Recorded,
    clean,
    digest,
    displayed,
    native,
    new_manifest,
)
from .pages import parse_page
from .parallel import jobs_for, map_shared
from .report import REPORT, report_page
from .segments import Located, Plan
from .site_pages import index_page, sitemaps
from .skeleton import PageBuilder
from .source import ROBOTS, list_assets, list_pages, may_stay_unlisted, read
from .summary import Summary, shown_by_page
from .updating import own_chrome
from .website import Site, listed_title
from .writer import plain_uris


@dataclass(frozen=True)
class _SiteWork:
    """What building any page in any locale needs (handed to workers by fork)."""

    config: Config
    site: Site
    locales: Sequence[str]
    lookups: Mapping[str, tuple[Mapping[Key, str], Review]]
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
    elsewhere: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    """Per linked locale a narrowed build (-l) does not build, whose catalog it read: per
    page, its entries shown translated and its entries (summary.shown_by_page)."""


@dataclass
class _PageBuilds:
    """One source page in every locale, as written (or compared), and the index rows."""

    built: list[Built]
    source_key: str
    segments: list[Segment] | None
    """The page's segments, where the index does not hold them yet."""
    plan: Plan | None
    """And where they are (segments.Located.plan)."""
    rows: dict[str, Row]
    """The index rows this build made or changed, by page key."""
    keys: list[str] = field(default_factory=list)
    """Every locale's page key, in the order of the locales."""
    staged: list[Staged] = field(default_factory=list)
    """The pages that changed, written beside their files (commit renames them)."""
    withheld: frozenset[tuple[str, str]] = frozenset()
    """The page's (locale, page) of Site.withheld."""


LOOKUPS_PER_UNIT = 16
"""A page found in the index (its key known from the last build, its file as written)
costs about a sixteenth of a page build: a lookup and a stat."""


def _units(work: _SiteWork, pages: Sequence[str]) -> int:
    """The work of building ``pages`` in every locale, in page builds (parallel.jobs_for):
    a page whose source the last build had, in a locale whose translations it showed
    then, is likely found in the index (the keys the template stage gave its bytes tell),
    so an edit's run is not spread over processes for the one page it changed."""
    reused = sum(1 for locale in work.locales if locale in work.keys)
    units = 0
    for page in pages:
        keyed = work.cache.keyed.get(page)
        found = reused if keyed is not None and keyed[3] in work.known else 0
        units += LOOKUPS_PER_UNIT * (len(work.locales) - found) + found
    return units // LOOKUPS_PER_UNIT


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
    cache.read_again(page, source, config.source_dir / page)
    source_key = cache.key_of(page, source, work.site.page_set, work.site.root_path)
    located: Located | None = None
    segments = cache.segments(source_key)
    plan: Plan | None = None  # the index's, read only where a locale is built
    done = _PageBuilds([], source_key, None, None, {})
    if segments is None:
        located = Located.of(parse_page(source, config.source_dir / page), page)
        segments = done.segments = [slot.segment for slot in located.slots]
        plan = done.plan = located.plan()
    page_keys = _page_keys(work, source_key, segments)
    rows = [cache.row_of(key) for key in page_keys]
    done.withheld = _withheld(work, page, segments, rows)
    site = replace(work.site, withheld=done.withheld) if done.withheld else work.site
    listed = site.listed(page)
    built: list[Built | None] = []
    due: list[tuple[int, str, str]] = []  # (where, locale, output name)
    for locale, key, row in zip(work.locales, page_keys, rows, strict=True):
        name = site.path(locale, page)
        hit = cache.get(key, work.below + native(name), name, locale, page, listed=listed,
                        row=row)
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
            builder = PageBuilder(located, page, site, plain=plain_uris(located.tree),
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
        built[where] = replace(made, row=cache.row(page_keys[where], name, made, listed))
    done.built = [b for b in built if b is not None]
    done.rows = {key: b.row for key, b in zip(page_keys, done.built, strict=True)
                 if b.row is not None}
    done.keys = page_keys
    return done


def _unbuilt_relisted(site: Site, cache: PageCache, built: Collection[str]) -> list[str]:
    """The linked locales a narrowed build (-l) does not build, where its pages changed
    which locales some page's hreflang links name (Site.listed) from what the last build
    recorded: their pages of it name the others, the sitemap these (none where it
    changed nothing, or where no build recorded them)."""
    unbuilt = [locale for locale in site.locales if locale not in built]
    if not unbuilt or cache.listed is None:
        return []
    last = cache.listed
    return unbuilt if any(last.get(page, listed) != listed
                          for page in site.pages if (listed := site.listed(page))) else []


def _withheld(work: _SiteWork, page: str, segments: Sequence[Segment],
              rows: Sequence[dict[str, Any] | None]) -> frozenset[tuple[str, str]]:
    """The page's (locale, page) of Site.withheld: in each published locale, whether the
    page shows less than the publish threshold translated. Counted as its build counts
    (PageReport.translated of its segments): from the index's row of its key (``rows``,
    in the order of the locales built), else looked up; for a locale a narrowed build does
    not build, from its catalog (``elsewhere``; one it could not read is as published)."""
    site = work.site
    built = dict(zip(work.locales, rows, strict=True))
    found = []
    for locale in site.locales:
        if not site.is_published(locale):
            continue
        if locale in built:
            row = built[locale]
            counts = (int(row["translated"]), int(row["segments"])) if row is not None \
                and "translated" in row else _counts(segments, work.lookups[locale][0])
        elif locale in work.elsewhere:
            counts = work.elsewhere[locale].get(page, (0, 0))
        else:
            continue
        shown, total = counts
        if total and 100.0 * shown / total < site.threshold:
            found.append((locale, page))
    return frozenset(found)


def _counts(segments: Sequence[Segment], translations: Mapping[Key, str]) -> tuple[int, int]:
    """How many of ``segments`` a page shows translated (build.shows), of how many."""
    shown = 0
    for segment in segments:
        found = translations.get((segment.context, segment.msgid))
        shown += bool(found) and shows(found or "", segment.msgid)
    return shown, len(segments)


@dataclass
class SiteOutputs:
    """A build: the pages it wrote (or compared) as it made them, and the files left to
    commit (assets, index, sitemap, report, the manifest)."""

    outputs: list[Output]
    """The manifest last: the project writes it after ``prune``."""
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
    interim: Output | None = None
    """The manifest to write before the first page is renamed into place (Manifests)."""
    warnings: list[str] = field(default_factory=list)
    """Lines about the site as a whole (a linked locale's catalog that cannot be read)."""


Summaries = Callable[[Sequence[str]], Mapping[str, Summary]]
"""The summaries of more locales' catalogs, as the build's own were made: those of the
locales whose catalogs could be read."""


def site_outputs(
    config: Config, summaries: Mapping[str, Summary], *, seen: Snapshot, check: bool = False,
    index: PageCache | None = None, more: Summaries | None = None,
    reported: Mapping[str, Summary] | None = None
) -> SiteOutputs:
    """Build the site: every page is written (``check``: compared) as soon as it is made,
    so that the site is never held in memory; the rest is returned to commit.

    Pages whose inputs are unchanged and whose output is still what the last build wrote
    are neither built nor written (buildcache.py); ``check`` only reads the index.

    A narrowed build (-l) also builds the other linked locales whose pages list other
    languages than the site now publishes (``_relisted``: a locale it builds crossed the
    publish threshold, or was built for the first time), with their summaries from
    ``more``: else their menus and hreflang links named a language the sitemap did not.
    So does one that changes which locales a page's hreflang links name (a page of a
    locale it builds crossed the threshold: Site.withheld), for that page's sake: it
    builds again, every linked locale (``reported``: the locales its report is of).
    """
    pages = list_pages(config.source_dir, SITE_FILES)
    assets = list_assets(config.source_dir)
    site = Site(pages, config.source_locale, config.locales, config.base_url, frozenset(assets),
                unindexed=_unindexed(config, pages, None if index is None else index.unlisted))
    warnings: list[str] = []
    site, elsewhere = _linked(config, site, summaries, warnings)
    # report.html: the locales asked for, as an unwidened build has it
    reported = summaries if reported is None else reported
    if more is not None:
        config, summaries = _widened(config, site, summaries, more)
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
    lookups[config.source_locale] = (own_chrome(config), Review())
    cache = PageCache.of(config.root, store=not check) if index is None else index
    salts = {locale: site_salt(site, locale, lookups[locale][0]) for locale in locales}
    work = _SiteWork(config, site, locales, lookups, salts, cache, check, output_root, folders,
                     below, *_known_keys(cache, summaries, salts, config.source_locale),
                     elsewhere={locale: counts for locale, counts in elsewhere.items()
                                if locale not in lookups})
    jobs = jobs_for(config.jobs, _units(work, pages))
    _know_locales(site, summaries)
    code_digest()
    try:
        builds = map_shared(_build_page, work, pages, jobs, cost=_size_in(config.source_dir))
    except BaseException:
        clean(page_files, check=False, config=config)  # what the workers staged
        raise
    site = replace(site, withheld=frozenset().union(*(done.withheld for done in builds)))
    unbuilt = _unbuilt_relisted(site, cache, lookups) if more is not None else []
    if unbuilt and more is not None:
        clean(page_files, check=False, config=config)  # what this round staged
        widened = {**summaries, **more(unbuilt)}
        return site_outputs(replace(config, targets=tuple(
            locale for locale in config.locales if locale in widened)), widened, seen=seen,
            check=check, index=cache, reported=reported)
    _record_keys(cache, builds, locales, summaries, salts)
    cache.listed = {page: site.listed(page) for page in pages}
    reports, titles, digests, staged = _recorded(
        cache, pages, builds, locales, written=written,
        shown=displayed(config.output_dir, config.root))
    digests.update((name, digest(output.data))
                   for name, output in zip(assets, outputs, strict=True))
    made, manifests = _site_files(config, site, reported, reports=reports, titles=titles,
                                  digests=digests, seen=seen, staged=staged)
    outputs += [*made, manifests.final]
    return SiteOutputs(outputs, written, staged, digests, cache, reports, manifests.gone,
                       manifests.interim, warnings)


def _recorded(cache: PageCache, pages: Sequence[str], builds: Sequence[_PageBuilds],
              locales: Sequence[str], *, written: list[WriteResult],
              shown: Callable[[str], str]
              ) -> tuple[list[PageReport], dict[tuple[str, str], str], dict[str, str],
                         list[Staged]]:
    """The pages' builds added to the index and to ``written`` (by their ``shown`` names):
    their reports, titles by (locale, page), digests by file name and staged files."""
    reports: list[PageReport] = []
    titles: dict[tuple[str, str], str] = {}
    digests: dict[str, str] = {}
    staged: list[Staged] = []
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
    return reports, titles, digests, staged


def _site_files(config: Config, site: Site, summaries: Mapping[str, Summary], *,
                reports: Sequence[PageReport], titles: dict[tuple[str, str], str],
                digests: dict[str, str], seen: Snapshot, staged: Sequence[Staged]
                ) -> tuple[list[Output], Manifests]:
    """index.html, the sitemap and report.html (their digests added to ``digests``), the
    new manifest and what the old one names that the build no longer makes. Where one
    cannot be made, the ``staged`` pages are removed: none takes its place. The report is
    of the locales of ``summaries`` (a widened build's, those asked for: as the same
    build unwidened has it, so that running it again changes nothing)."""
    reported = [report for report in reports
                if report.locale in summaries or report.locale == site.source_locale]
    try:
        untranslated = _with_titles_on_disk(config, site, titles,
                                            set(untranslated_titles(site, reports)))
        made = [("index.html", index_page(site, titles, untranslated)),
                *_sitemap_files(config, site, site.assets),
                (REPORT, report_page(
                    site, [s.stats for s in summaries.values()], reported, titles,
                    {locale: s.findings for locale, s in summaries.items()},
                    weakest={locale: s.weakest for locale, s in summaries.items()}))]
        digests.update((name, digest(data)) for name, data in made)
        manifests = new_manifest(config, digests, seen)
    except BaseException:
        for left in staged:
            discard(left.temp)
        raise
    return [Output(config.output_dir / name, data) for name, data in made], manifests


def _sitemap_files(config: Config, site: Site, assets: Collection[str]
                   ) -> list[tuple[str, bytes]]:
    """The sitemap's files (site_pages.sitemaps): none without a base URL, since a
    sitemap's URLs must be absolute (the manifest prunes what an earlier build wrote).
    The parts of a large site's sitemap replace no asset of the source folder."""
    found = sitemaps(site) if site.base_url else []
    for name, _data in found[1:]:
        if name in assets:
            raise ExtractError(f"the build writes its own {name} at the top of the output "
                               "folder (the site's sitemap is too large for one file); "
                               "rename the file or move it into a subfolder",
                               path=config.source_dir / name)
    return found


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
    owners: dict[FolderId, Path] = {}
    for folder, first in sorted((output_dir / name, output_dir / first)
                                for name, first in firsts.items()):
        ensure_inside(first, output_dir, output_root)  # the rest when written
        if not check:
            _make_folder(folder)
            found = folders[folder] = checked_folder(folder, output_dir, output_root)
            other = owners.setdefault(found, folder)
            if other != folder:  # (a link inside the output folder: site/de -> ar)
                raise PathError(f"a link that makes {other.relative_to(output_dir)} and "
                                f"{folder.relative_to(output_dir)} one folder, whose pages "
                                "would overwrite each other; replace the link with a folder "
                                "of its own", path=folder if folder.is_symlink() else other)
    return folders


_INSTANT = re.compile(r"\s*[0.]+\s*[;,]?\s*[^\s;,]")
"""A refresh's content that leaves at once for a URL (``0; url=new.html``): a redirect."""


def _unindexed(config: Config, pages: Sequence[str], unlisted: Collection[str] | None = None
               ) -> frozenset[str]:
    """The pages whose source asks search engines not to index them (a ``<meta
    name="robots">``, or one naming Google's or Bing's crawler, whose content says
    ``noindex`` or ``none``: the sitemap is every engine's, and an engine's console flags a
    page it lists and may not index) or redirects at once (a
    ``<meta http-equiv="refresh" content="0; url=…">``, which they take as a permanent
    redirect). Parsed only where the page's bytes name either, or are not ASCII-based
    (``unlisted``: those pages, where this run's extraction found them; else every page is
    read: 10 ms of 128 pages, alone on one core)."""
    found = set()
    for page in pages:
        if unlisted is not None and page not in unlisted:
            continue
        data = read(config.source_dir, page)
        if not may_stay_unlisted(data):
            continue
        for meta in parse_page(data, config.source_dir / page).getroot().iter("meta"):
            content = meta.get("content") or ""
            words = set(content.lower().replace(",", " ").split())
            if ((meta.get("name") or "").strip().lower() in ROBOTS
                    and words & {"noindex", "none"}) or (
                    (meta.get("http-equiv") or "").strip().lower() == "refresh"
                    and _INSTANT.match(content)):
                found.add(page)
    return frozenset(found)


def _linked(config: Config, site: Site, summaries: Mapping[str, Summary],
            warnings: list[str]) -> tuple[Site, dict[str, dict[str, tuple[int, int]]]]:
    """The site with the locales its pages link and how much each shows translated. A
    narrowed build (-l) links the locales it builds and those an earlier build left in the
    output folder, never pages that do not exist; the latter's catalogs say whether they
    are published, and how much of each page they show translated (``_shown_elsewhere``,
    which adds to ``warnings``)."""
    linked = [locale for locale in config.locales if locale in config.targets or all(
        (config.output_dir / site.path(locale, page)).is_file() for page in site.pages)]
    progress = {locale: summary.shown for locale, summary in summaries.items()}
    elsewhere = _shown_elsewhere(config, [
        locale for locale in linked if locale not in progress
        and locale != config.source_locale], site.pages, warnings)
    progress.update((locale, shown) for locale, (shown, _pages) in elsewhere.items())
    return replace(site, locales=linked, progress=progress,
                   threshold=config.publish_threshold), {
        locale: pages for locale, (_shown, pages) in elsewhere.items() if pages is not None}


def _widened(config: Config, site: Site, summaries: Mapping[str, Summary], more: Summaries
              ) -> tuple[Config, Mapping[str, Summary]]:
    """The locales to build and their summaries: a narrowed build's, and the ``_relisted``
    ones whose summaries ``more`` gives."""
    relisted = _relisted(config, site)
    if not relisted:
        return config, summaries
    summaries = {**summaries, **more(relisted)}
    return replace(config, targets=tuple(locale for locale in config.locales
                                         if locale in summaries)), summaries


def _relisted(config: Config, site: Site) -> list[str]:
    """The locales a narrowed build (-l) links but does not build whose pages (the first
    page each, as the last build wrote it) list other languages in their menu than this
    build's pages will: every language the site publishes, and their own."""
    if config.targets == config.locales or not site.pages:
        return []
    found = []
    for locale in site.locales:
        if locale in config.targets:
            continue
        listed = [bcp47(other) for other in site.all_locales
                  if other == locale or site.is_published(other)]
        menu = _menu_on_disk(config, site, locale)
        if menu is not None and menu != listed:
            found.append(locale)
    return found


def _menu_on_disk(config: Config, site: Site, locale: str) -> list[str] | None:
    """The languages (tags) the language menu of a locale's first page that has one lists,
    as the last build wrote it; None where none has (a frameset page has no body)."""
    for page in site.pages:
        try:
            data = (config.output_dir / site.path(locale, page)).read_bytes()
        except OSError:
            continue
        root = etree.HTML(data) if data.strip() else None
        menu = None if root is None else root.xpath(
            "//nav[@data-miss-i18n='languages']//a[@data-miss-i18n='link']/@hreflang")
        if menu:
            return [str(tag) for tag in menu] if isinstance(menu, list) else None
    return None


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
            title = listed_title(None if root is None else root.findtext("head/title"), page)
            titles[(locale, page)] = title
            if title == titles.get((config.source_locale, page)):
                untranslated.add((locale, page))
    return untranslated


def _shown_elsewhere(config: Config, locales: Sequence[str], pages: Sequence[str],
                     warnings: list[str]
                     ) -> dict[str, tuple[float, dict[str, tuple[int, int]] | None]]:
    """How much a narrowed build's (``-l``) other linked locales show translated, from their
    catalogs as they are: what the menus, hreflang links and sitemap need to tell a
    published locale from a preview (without it, every other locale counted as
    published). A missing catalog counts as a preview. One that cannot be read (a syntax
    error) keeps the locale as the last build's index.html showed it, published or a
    preview (else a preview), with a line in ``warnings`` naming the catalog: its pages,
    which this build does not touch, were published, and leaving them out of every
    other page's menu, hreflang links and the sitemap would unpublish them unseen. With
    each, how much of each page of ``pages`` it shows translated (summary.shown_by_page;
    None where the catalog could not be read)."""
    found: dict[str, tuple[float, dict[str, tuple[int, int]] | None]] = {}
    for locale in locales:
        try:
            po = catalog.load_optional(config.po_path(locale))
        except MissI18nError as error:
            shown, published = _last_shown(config, locale)
            found[locale] = (shown, None)
            warnings.append(
                f"warning: {error.shown(config.root)}; {locale} is linked as the last build "
                f"left it ({'published' if published else 'a preview'}, "
                f"{whole(shown)}): fix the catalog, then build {locale} again")
            continue
        found[locale] = (0.0, {}) if po is None else shown_by_page(
            po, locale, pages, include_fuzzy=config.include_fuzzy, glossary=config.glossary)
    return found


def _last_shown(config: Config, locale: str) -> tuple[float, bool]:
    """How much ``locale`` showed translated and whether it was published, as the last
    build's index.html lists it (its first list: the published locales; the next, the
    previews); (0, False) where it does not."""
    try:
        data = (config.output_dir / "index.html").read_bytes()
    except OSError:
        data = b""
    root = etree.HTML(data) if data.strip() else None
    lists = [] if root is None else root.xpath(
        "//main/ul[@data-miss-i18n='languages']")
    assert isinstance(lists, list)
    for number, listing in enumerate(lists):
        for item in listing.iterchildren("li") if isinstance(listing, etree._Element) else ():
            if item.get("lang") != bcp47(locale):
                continue
            try:
                shown = float(item.findtext("span", "").strip().rstrip("%"))
            except ValueError:
                break
            threshold = config.publish_threshold
            if number == 0 or threshold <= 0:
                return max(shown, threshold), True
            return min(shown, math.nextafter(threshold, 0.0)), False
    return 0.0, False


def _size_in(folder: Path) -> Callable[[str], float]:
    """A page's work, roughly, for spreading pages over processes: its size in bytes (0
    where it cannot be read: its own build says why)."""
    def size(page: str) -> float:
        try:
            return float(os.stat(os.path.join(folder, page)).st_size)  # noqa: PTH116, PTH118
        except OSError:
            return 0.0
    return size


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

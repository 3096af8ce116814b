"""The Python API: a project and its pipeline, returning results; nothing here prints.

    from miss_i18n import Project

    project = Project.load()                  # the nearest pyproject.toml
    result = project.run(check=True)          # what `miss-i18n run --check` computes
    stale = [w.path for w in result.changed]
    report = project.check(strict=True)       # CheckResult: issues, stats, failed, reasons

Every command of the CLI is one method here (``extract``, ``update``, ``translate``,
``check``, ``compile``, ``build``, ``run``, ``status``, ``engines``, the models, XLIFF
and TMX commands, ``export_site``, ``preview``); each returns a result from
``miss_i18n.results`` whose ``error``, when set, is what the command fails with. The CLI
parses options, calls one method, renders the result and raises its ``error``.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import lazy, rerun
from .config import Config, load_config, typed_overrides
from .engines import store_for
from .errors import CatalogError, ConfigError, ModelPackageError, TmxError, shown
from .files import (
    Snapshot,
    Staged,
    catalogs_apart,
    digest_of,
    discard,
    remove_leftovers,
    resolved,
    size_of,
    write_if_changed,
)
from .lock import project_lock
from .model import CatalogStats, Issue, WriteResult
from .results import (
    BuildResult,
    CompileResult,
    ExtractResult,
    RunResult,
    TranslateResult,
    UpdateResult,
    waiting_locales,
)

# The stages and what only some commands use, loaded on first use (lazy.py): an
# unchanged rerun reads none of them.
if TYPE_CHECKING:
    import polib

    from . import (
        archive,
        buildcache,
        catalog,
        checks,
        confidence,
        drafting,
        extracting,
        outputs,
        parallel,
        serve,
        site_build,
        summary,
        tmx,
        updating,
        xliff,
    )
    from . import memory as tm
    from . import results_more as more
    from . import translate as translating
    from .build import PageReport
    from .engines import base, nllb, nllb_store, registry
    from .engines import store as model_store
else:
    (archive, buildcache, catalog, checks, confidence, drafting, extracting, outputs,
     parallel, serve, site_build, summary, tmx, updating, xliff, translating, tm) = (
        lazy.module(f"miss_i18n.{name}") for name in (
            "archive", "buildcache", "catalog", "checks", "confidence", "drafting",
            "extracting", "outputs", "parallel", "serve", "site_build", "summary", "tmx",
            "updating", "xliff", "translate", "memory"))
    base, nllb, nllb_store, registry, model_store = (
        lazy.module(f"miss_i18n.engines.{name}") for name in (
            "base", "nllb", "nllb_store", "registry", "store"))
    more = lazy.module("miss_i18n.results_more")

ProgressFactory = Callable[[str], "base.Progress | None"]
"""Given a locale, the progress callback of its engine calls (or None)."""

XLIFF_DIR = Path("build") / "xliff"
"""Where `xliff export` writes, in the project root, unless told otherwise."""


CHECK_BYTES_PER_UNIT = 32_000
"""Checking this many bytes of catalogs costs about a page build (parallel.jobs_for):
35 µs an entry of about 290 bytes."""


def _status_of(least_confident: int, config: Config, po: polib.POFile, locale: str
               ) -> tuple[CatalogStats, bool, tuple[int, list[confidence.WeakDraft]]]:
    """A target locale's counts, whether the site publishes it, and how many machine drafts
    carry a confidence with the ``least_confident`` of them (``status``, where the catalog
    was read)."""
    shown = summary.shown_of(po, locale, include_fuzzy=config.include_fuzzy,
                             glossary=config.glossary) >= config.publish_threshold
    drafts = confidence.scored_drafts(po)
    return catalog.stats(po, locale), shown, (len(drafts), drafts[:least_confident])


def _xliff_of(config: Config, po: polib.POFile, locale: str) -> bytes:
    """A target locale's catalog as XLIFF (``export_xliff``, where the catalog was read)."""
    path = config.po_path(locale)
    original = path.relative_to(config.root).as_posix() if path.is_relative_to(
        config.root) else path.name
    return _exported(po, path, source_locale=config.source_locale, locale=locale,
                     original=original)


def _checked(config: Config, locale: str) -> tuple[list[Issue], CatalogStats]:
    """A target locale's catalog checked, and its counts, from one read of it (``check``,
    in a worker process where there are enough catalogs)."""
    path = config.po_path(locale)
    found, po = checks.checked_file(path, locale, config.glossary, shown(path, config.root))
    return found, catalog.stats(po, locale)


CACHES = (Path(".miss-i18n") / "pages.json", Path(".miss-i18n") / "catalogs")
"""buildcache.INDEX and incremental.RECORDS, named here: an unchanged rerun sweeps their
folders too, and imports neither (tests/test_rerun.py holds them equal)."""


def _caches(config: Config) -> list[Path]:
    """The run's cache files in ``.miss-i18n`` (the build index, each target's catalog
    record), where neither it nor its catalogs folder is a link (then they are not used)."""
    index, records = (config.root / path for path in CACHES)
    if index.parent.is_symlink() or records.is_symlink():
        return []
    return [index, *(records / f"{locale}.json" for locale in config.targets)]


def _more(config: Config, seen: Snapshot, include_fuzzy: bool) -> site_build.Summaries:
    """How a narrowed build loads the summaries of other locales it must build too (their
    pages list other languages than the site now publishes): as ``build`` loads its own;
    a locale whose catalog cannot be read is left as it is (the build warns of it)."""
    def more(locales: Sequence[str]) -> dict[str, summary.Summary]:
        def load(these: Sequence[str]) -> dict[str, summary.Summary]:
            return updating.loaded_summaries(replace(config, targets=tuple(these)), seen=seen,
                                             include_fuzzy=include_fuzzy)
        try:
            return load(locales)
        except CatalogError:
            found: dict[str, summary.Summary] = {}
            for locale in locales:
                try:
                    found.update(load([locale]))
                except CatalogError:
                    continue
            return found
    return more


def now() -> datetime:
    """The clock for date headers; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            if not epoch.isascii() or not epoch.isdigit():  # as `date +%s` writes it, from
                raise ValueError(epoch)  # 1970 on (int() takes -5, "1_000", " 5", "١٢")
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):  # not a number, or no date (year 10000)
            raise ConfigError(f"SOURCE_DATE_EPOCH={epoch!r}: not a date; set it to a whole "
                              "number of seconds since 1970-01-01 UTC, as `git log -1 "
                              "--format=%ct` prints it") from None
    return datetime.now(tz=UTC)


def outside_folders(config: Config, path: Path, option: str) -> None:
    """Refuse (exit 2) a file we hand off written into the project's own folders: in the
    output folder the next export would ship it inside the site (the build keeps files
    it did not write), in the source folder the build would publish it, in the locales
    folder it would sit among the catalogs."""
    target = resolved(path.absolute())
    for what, folder, why in (
            ("output", config.output_dir, "the next export would ship it in the site"),
            ("source", config.source_dir, "the build would publish it"),
            ("locales", config.locales_dir, "it would sit among the catalogs")):
        if target.is_relative_to(resolved(folder.absolute())):
            raise ConfigError(f"{option} {path}: inside the {what} folder "
                              f"({shown(folder, config.root)}), where {why}; write it "
                              "elsewhere")


def rejected_lines(pages: Sequence[PageReport]) -> list[str]:
    """One warning line per translation a page could not use."""
    return [f"warning: {report.locale}/{report.page}: translation of {rejected.context} "
            f"{rejected.reason}; the source text was kept"
            for report in pages for rejected in report.rejected]


class Project:
    """One miss-i18n project: its configuration and the stages that work on it.

    The methods that write hold the project lock (shared with ``check``, which writes
    nothing and compares instead), as the CLI commands do.
    """

    def __init__(self, config: Config, *, kept: list[object] | None = None) -> None:
        self.config = config
        self.kept = kept
        """Where ``run`` leaves what it made (the template, the index, the summaries, the
        site's outputs) instead of freeing it, object by object, as it returns: for a
        process that ends without freeing anything (cli.script; 13 ms of a 128-page first
        run). None: freed."""

    @classmethod
    def load(cls, pyproject: Path | None = None, **overrides: Any) -> Project:
        """The project of ``pyproject`` (default: the nearest one with our table);
        ``overrides`` are load_config's (source_dir, locales_dir, only_locales, …)."""
        return cls(load_config(pyproject, **overrides))

    @contextmanager
    def _locked(self, check: bool) -> Iterator[Snapshot]:
        """The project lock, and the snapshot of what the command reads (see commit)."""
        with project_lock(self.config.root, shared=check):
            catalogs_apart(self.config)
            yield Snapshot()

    def _command(self, command: str, include_fuzzy: bool | None = None) -> str:
        """The command as the stale gate names it: narrowed as this one was (a narrowed
        build reports only its locales, so a full one would not satisfy this gate), and
        with the overrides of the config it was given (``Config.given``: ``--base-url ""``
        for none, ``--output-dir``, …) and its --include-fuzzy/--exclude-fuzzy where that
        is not the config's (pages built the config's way would not satisfy it either)."""
        config = self.config
        words = [command, *(f"-l {locale}" for locale in config.targets
                            if config.targets != config.locales), *config.given]
        if include_fuzzy is not None and include_fuzzy != config.include_fuzzy:
            words.append("--include-fuzzy" if include_fuzzy else "--exclude-fuzzy")
        return " ".join(words)

    def _commit(self, made: Sequence[outputs.Output], check: bool, seen: Snapshot,
                also: Sequence[Path] = (), staged: Sequence[Staged] = (), *, sweep: bool = True,
                first: outputs.Output | None = None) -> list[WriteResult]:
        return outputs.commit(made, check=check, config=self.config, seen=seen, also=also,
                              staged=staged, sweep=sweep, first=first)

    # -- the stages ---------------------------------------------------------------------
    def extract(self, *, check: bool = False,
                clock: Callable[[], datetime] = now) -> ExtractResult:
        """The source pages' text into the template (locales/<domain>.pot)."""
        config = self.config
        with self._locked(check) as seen:
            index = buildcache.PageCache.of(config.root, store=not check)
            pot = extracting.template(config, clock(), seen=seen, index=index)
            output = outputs.Output(config.pot_path, catalog.to_bytes(pot))
            writes = self._commit([output], check, seen)
            index.add_template(digest_of(output.data), pot.metadata, pot.header)
            index.save(config.output_dir, full=False)
        return ExtractResult(writes=writes, check=check,
                             command=" ".join(["extract", *config.given]),
                             template=shown(config.pot_path, config.root), entries=len(pot))

    def update(self, *, check: bool = False) -> UpdateResult:
        """Each locale's catalog created or merged from the template, translations kept."""
        config = self.config
        with self._locked(check) as seen:
            catalogs = updating.merged(config, catalog.load(config.pot_path), seen=seen)
            writes = self._commit(updating.catalog_outputs(config, catalogs), check, seen)
        return UpdateResult(writes=writes, check=check, command=self._command("update"),
                            stats=updating.stats(catalogs))

    def translate(self, *, engine: str | None = None,
                  progress: ProgressFactory = lambda _locale: None,
                  clock: Callable[[], datetime] = now) -> TranslateResult:
        """Untranslated entries filled with machine drafts (fuzzy), through the memory;
        ``engine`` forces one engine instead of the configured order."""
        config = self.config
        with self._locked(False) as seen:
            catalogs = updating.load_catalogs(config, seen=seen)
            found = registry.Engines(config, forced=engine)
            translations = drafting.translate_all(
                config, catalogs, found.choose, now=clock(), progress=progress)
            writes = self._commit(updating.catalog_outputs(config, catalogs), False, seen)
        waiting = waiting_locales(translations)
        return TranslateResult(writes=writes, command="translate",
                               stats=updating.stats(catalogs), translations=translations,
                               waiting=waiting, advice=found.advice(waiting))

    def check(self, *, strict: bool = False, min_translated: float | None = None
              ) -> more.CheckResult:
        """Every catalog validated (Babel and the QA checks); the result says whether the
        gate fails: any error (any warning too, with ``strict``), or a locale under
        ``min_translated`` percent translated."""
        config = self.config
        issues: list[Issue] = []
        rows: list[CatalogStats] = []
        catalogs_apart(config)
        locales = list(config.targets)
        sizes = {locale: size_of(config.po_path(locale)) for locale in locales}
        for found, row in parallel.map_shared(
                _checked, config, locales,
                parallel.jobs_for(config.jobs, sum(sizes.values()) // CHECK_BYTES_PER_UNIT),
                cost=sizes.__getitem__):
            issues += found
            rows.append(row)
        gated = [r.locale for r in rows
                 if min_translated is not None and r.percent < min_translated]
        return more.CheckResult(issues=issues, stats=rows, below_min_translated=gated,
                           min_translated=min_translated, strict=strict)

    def compile(self, *, check: bool = False) -> CompileResult:
        """Each catalog compiled to a .mo file (fuzzy entries left out)."""
        config = self.config
        with self._locked(check) as seen:
            writes = self._commit(updating.mo_outputs(config, seen), check, seen)
        return CompileResult(writes=writes, check=check, command=self._command("compile"))

    def build(self, *, check: bool = False, include_fuzzy: bool | None = None
              ) -> BuildResult:
        """The localized pages, index.html, sitemap.xml (with a base URL) and report.html;
        files an earlier build wrote and this one no longer makes are removed (if still
        ours)."""
        config = self.config
        with self._locked(check) as seen:
            fuzzy = config.include_fuzzy if include_fuzzy is None else include_fuzzy
            summaries = updating.loaded_summaries(config, seen=seen, include_fuzzy=fuzzy)
            built = site_build.site_outputs(config, summaries, seen=seen, check=check,
                                            more=_more(config, seen, fuzzy))
            # a killed build's temporary file beside the build index, which it writes too
            writes = outputs.clean(_caches(config)[:1], check=check, config=config)
            writes += self._commit(built.outputs[:-1], check, seen, staged=built.staged,
                                   first=built.interim)
            built.index.save(config.output_dir, full=config.targets == config.locales)
            pruned = outputs.prune(config, built.gone, check=check)
            # the manifest, last; its folder's leftovers were swept with index.html's
            writes += self._commit(built.outputs[-1:], check, seen, sweep=False)
        return BuildResult(writes=[*built.pages, *writes, *pruned.removed], check=check,
                           command=self._command("build", include_fuzzy),
                           rejected=[*built.warnings, *rejected_lines(built.reports)],
                           kept=list(pruned.kept))

    def status(self, *, least_confident: int = 0, include_fuzzy: bool | None = None
               ) -> more.StatusResult:
        """Entries, translated, fuzzy and untranslated counts per target locale, and
        whether the site publishes each (built with ``include_fuzzy``, None: the
        config's); with ``least_confident``, that many of each locale's least confident
        machine drafts (review those first)."""
        config = self.config if include_fuzzy is None else replace(
            self.config, include_fuzzy=include_fuzzy)
        catalogs_apart(config)
        if not least_confident:  # the catalogs' records answer where they can
            counts = updating.shown_counts(config, seen=Snapshot())
            return more.StatusResult(
                stats=[row for row, _shown in counts.values()],
                published={locale: shown >= config.publish_threshold
                           for locale, (_row, shown) in counts.items()})
        found = updating.each_catalog(config, Snapshot(), partial(_status_of, least_confident))
        result = more.StatusResult(
            stats=[row for row, _shown, _drafts in found.values()],
            published={locale: shown for locale, (_row, shown, _drafts) in found.items()})
        files = {}
        for locale in found:
            path = config.po_path(locale)
            files[locale] = str(path.relative_to(config.root)) \
                if path.is_relative_to(config.root) else str(path)
        return replace(result, least_confident={
            locale: drafts[1] for locale, (_row, _shown, drafts) in found.items()},
            scored={locale: drafts[0] for locale, (_row, _shown, drafts) in found.items()},
            files=files)

    def run(self, *, check: bool = False, include_fuzzy: bool | None = None,
            engine: str | None = None, translate: bool = True,
            progress: ProgressFactory = lambda _locale: None,
            clock: Callable[[], datetime] = now) -> RunResult:
        """Every stage: extract, update, translate, compile, build; then prune.

        With ``check`` nothing is written or translated, so the answer is the same with
        or without models. An unchanged rerun is skipped (``skipped``).
        """
        config = self.config
        with project_lock(config.root, shared=check):
            catalogs_apart(config)
            options = {"include_fuzzy": include_fuzzy, "engine": engine,
                       "no_translate": not translate}
            inputs = None if check else rerun.Inputs(config, options)
            if inputs is not None:
                last = rerun.unchanged(inputs)
                if last is not None:
                    # a run killed before it replaced anything changed no output, but
                    # may have left its temporary files
                    removed = [WriteResult(shown(path, config.root), True, removed=True)
                               for path in remove_leftovers([*last.outputs, *_caches(config)],
                                                            check=False)]
                    unchanged = [WriteResult(name, False) for name in last.outputs]
                    return RunResult(writes=[*removed, *unchanged], stats=last.stats,
                                     waiting=last.waiting, rejected=last.rejected,
                                     advice=last.advice, skipped=True)
            return self._run(check=check, include_fuzzy=include_fuzzy, engine=engine,
                             translate=translate, progress=progress, clock=clock,
                             inputs=inputs)

    def _run(self, *, check: bool, include_fuzzy: bool | None, engine: str | None,
             translate: bool, progress: ProgressFactory, clock: Callable[[], datetime],
             inputs: rerun.Inputs | None) -> RunResult:
        config = self.config
        seen = Snapshot()
        index = buildcache.PageCache.of(config.root, store=not check)
        pot, previous = extracting.template_and_previous(config, clock(), seen=seen, index=index)
        # rendered before the catalogs: every locale's untranslated entry is rendered as the
        # template's is, and the worker processes inherit those lines (catalog.render); an
        # edit copies the entries it keeps from the template it replaces
        data, diff = extracting.template_bytes(config, pot, previous, seen, index)
        template = outputs.Output(config.pot_path, data)
        state = extracting.template_state(config, pot, previous, data, seen, diff=diff)
        index.add_template(state.digest, pot.metadata, pot.header)
        fuzzy = config.include_fuzzy if include_fuzzy is None else include_fuzzy
        # a killed run's temporary files, before the catalogs (and the caches: the index,
        # the catalogs' records, where .miss-i18n is no link) are written beside theirs
        cleaned = outputs.clean([*(path for locale in config.targets
                                   for path in (config.po_path(locale), config.mo_path(locale))),
                                 *_caches(config)], check=check, config=config)
        translations: list[translating.LocaleResult] = []
        found = registry.Engines(config, forced=engine)
        if not check and translate:  # one catalog held at a time, however many locales
            summaries, translations = drafting.drafted_summaries(
                config, state, found.choose, seen=seen,
                include_fuzzy=fuzzy, now=clock(), progress=progress)
        else:  # nothing to translate: the catalogs never leave the processes that merge them
            summaries = updating.merged_summaries(config, state, seen=seen,
                                                  include_fuzzy=fuzzy, check=check)
        catalog_writes, staged = updating.catalog_writes(config, summaries)
        try:
            built = site_build.site_outputs(config, summaries, seen=seen, check=check,
                                          index=index, more=_more(config, seen, fuzzy))
        except BaseException:
            for left in staged:
                discard(left.temp)
            raise
        compared = not check or config.output_dir.exists()
        site = built.outputs if compared else []
        writes = self._commit([template, *site[:-1]], check, seen,
                              staged=[*staged, *built.staged],
                              first=built.interim if compared else None)
        index.save(config.output_dir, full=config.targets == config.locales)
        pruned = outputs.prune(config, built.gone if compared else [], check=check)
        writes += self._commit(site[-1:], check, seen,  # the manifest, once pruned
                               sweep=False)  # (its folder swept with index.html's)
        after = next(n for n, w in enumerate(writes) if not w.removed) + 1  # the template's
        writes[after:after] = catalog_writes
        if compared:
            writes += built.pages
        # what was removed first, by path; then the outputs in the order of the stages
        writes = sorted([*cleaned, *(w for w in writes if w.removed)], key=lambda w: w.path) + [
            w for w in writes if not w.removed]
        waiting = waiting_locales(translations)
        result = RunResult(writes=[*writes, *pruned.removed], check=check,
                           command=self._command("run", include_fuzzy),
                           stats=[s.stats for s in summaries.values()],
                           translations=translations,
                           waiting=waiting,
                           rejected=[*built.warnings, *rejected_lines(built.reports)],
                           advice=found.advice(waiting),
                           kept=list(pruned.kept), site_compared=compared)
        if inputs is not None and not result.failed:  # a failed locale is retried next run
            below = os.path.join(config.output_dir.absolute(), "")  # noqa: PTH118
            made = {str(path.absolute()): sha for path, sha in [
                (template.path, digest_of(template.data)),
                *((f.path, f.digest) for s in summaries.values() for f in s.files),
                *((o.path, digest_of(o.data)) for o in built.outputs)]}
            made.update((below + outputs.native(name), sha)
                        for name, sha in built.digests.items())
            rerun.save(inputs, made,
                       stats=result.stats, rejected=result.rejected, waiting=waiting,
                       advice=result.advice)
        if self.kept is not None:
            self.kept.append((index, pot, previous, state, summaries, built))
        return result

    # -- engines and models -------------------------------------------------------------
    def engines(self) -> more.EnginesResult:
        """Every engine (available or not, and why) with its models, and which one
        drafts each target locale; installed models that draft no locale, and why."""
        found = registry.Engines(self.config)
        rows = found.status()
        chosen: list[more.Choice] = []
        waiting: list[str] = []
        for locale in self.config.targets:
            pick = found.choose(locale)
            if pick is None:
                waiting.append(locale)
            else:
                chosen.append(more.Choice(locale, pick[0].name, pick[1]))
        return more.EnginesResult(engines=rows, chosen=chosen, waiting=waiting,
                                  advice=found.advice(waiting),
                                  unused=found.unused())

    def _multilingual(self) -> nllb_store.NllbStore:
        return nllb_store.NllbStore(store_for(self.config.models_dir))

    def _coverage(self, model: nllb_store.InstalledNllb) -> more.Multilingual:
        """Which configured locales a multilingual model serves, which it has no token for."""
        config = self.config
        served = [loc for loc in config.locales
                  if nllb.NllbEngine.info(model, config.source_locale, loc) is not None]
        return more.Multilingual(model, served,
                                 [loc for loc in config.locales if loc not in served])

    def models(self) -> more.ModelsResult:
        """The models in the project's store."""
        store = model_store.ModelStore(self.config.models_dir)
        return more.ModelsResult(store=store.root, installed=store.list(),
                            multilingual=[self._coverage(m) for m in self._multilingual().list()])

    def install_models(self, paths: Sequence[Path]) -> more.InstallResult:
        """Install .argosmodel files (or every one in a folder), or NLLB-200 / M2M-100
        CTranslate2 folders (or a .zip / .tar.gz of one): all of them or none.

        Every path is checked (and staged) before the stores change, so one bad path
        installs nothing and its error names it. A model that no locale would use is
        installed all the same; ``unused`` says which and why.
        """
        store = model_store.ModelStore(self.config.models_dir)
        multilingual = self._multilingual()
        nllb_paths = [p for p in paths if nllb_store.is_candidate(p)]
        with project_lock(self.config.root, shared=False), ExitStack() as stack:
            staged = [*store.stage([p for p in paths if p not in nllb_paths], stack),
                      *multilingual.stage(nllb_paths, stack)]
            model_store.commit(staged)
        staged.sort(key=lambda item: paths.index(item.given))  # stable: the order given
        installed: list[model_store.InstalledModel | more.Multilingual] = []
        for item in staged:
            model = item.store.get(item.new.name)
            assert model is not None  # just moved in, under the lock
            installed.append(self._coverage(model) if item.store is multilingual else model)
        unused = {u.model: u for u in self._unused()}
        return more.InstallResult(installed=installed, unused=[
            unused[item.new.name] for item in staged if item.new.name in unused])

    def _unused(self) -> list[registry.Unused]:
        """``Engines.unused``; none where a damaged folder stops reading a store (every
        command that reads it says so)."""
        try:
            return registry.Engines(self.config).unused()
        except ModelPackageError:
            return []

    def remove_models(self, specs: Sequence[str]) -> more.RemoveResult:
        """Remove models by package or folder name, or by language pair (``en_de``): all
        of them or none (a name that matches nothing removes nothing)."""
        store = model_store.ModelStore(self.config.models_dir)
        multilingual = self._multilingual()
        with project_lock(self.config.root, shared=False):
            chosen: list[tuple[model_store.FolderStore[Any], list[Path]]] = []
            for spec in specs:
                folders = multilingual.matching(spec)
                owner: model_store.FolderStore[Any] = multilingual
                if not folders:
                    folders, owner = store.matching(spec), store
                if not folders:  # a name that is not installed: bad usage, not a fault
                    raise ConfigError(model_store.not_installed(
                        spec, [*store.names(), *multilingual.names()]))
                chosen.append((owner, folders))
            removed: list[str] = []
            gone: set[Path] = set()
            for owner, folders in chosen:
                left = [f for f in folders if f not in gone]  # one named twice goes once
                if left:
                    owner.discard(left)
                    gone.update(left)
                    removed.extend(f.name for f in left)
        return more.RemoveResult(removed=removed)

    # -- XLIFF for CAT tools ------------------------------------------------------------
    def export_xliff(self, *, output_dir: Path | None = None,
                     check: bool = False) -> more.XliffExportResult:
        """One XLIFF 2.0 file per target locale (``<locale>.xlf``), in ``output_dir``
        (default: build/xliff in the project root)."""
        config = self.config
        with self._locked(check) as seen:
            folder = output_dir.resolve() if output_dir is not None else config.root / XLIFF_DIR
            if output_dir is not None:
                outside_folders(config, output_dir, "--output-dir")
            files = [outputs.Output(folder / f"{locale}.xlf", data) for locale, data
                     in updating.each_catalog(config, seen, _xliff_of).items()]
            writes = self._commit(files, check, seen, also=[folder])
        command = " ".join([self._command("xliff export"),
                            *typed_overrides(output_dir=output_dir)])
        return more.XliffExportResult(writes=writes, check=check, command=command)

    def import_xliff(self, files: Sequence[Path], *, check: bool = False) -> more.XliffImportResult:
        """Translations and states from XLIFF files back into their catalogs. Every file
        is read and checked before any catalog is written."""
        config = self.config
        with self._locked(check) as seen:
            catalogs: dict[str, Any] = {}
            changed: set[str] = set()  # the others stay as they are, not written again
            done: list[more.XliffImport] = []
            for path in files:
                document = xliff.read(_read(path), path)
                locale = xliff.locale_of(document, config.source_locale, config.locales)
                current = catalogs[locale] if locale in catalogs else catalog.load(
                    updating.catalog_path(config, locale, seen))
                result = xliff.apply(current, document)
                catalogs[locale] = result.catalog
                if result.updated or result.noted:
                    changed.add(locale)
                done.append(more.XliffImport(path=path, locale=locale, updated=result.updated,
                                        accepted=result.accepted,
                                        unknown=list(result.unknown),
                                        stale=list(result.stale),
                                        conflicts=list(result.conflicts),
                                        unproven=list(result.unproven),
                                        noted=result.noted,
                                        obsolete=list(result.obsolete)))
            made = {output.path: output for output in updating.catalog_outputs(
                config, {locale: catalogs[locale] for locale in catalogs if locale in changed})}
            writes = self._commit([made.get(config.po_path(locale)) or outputs.Output(
                config.po_path(locale), config.po_path(locale).read_bytes())
                for locale in catalogs], check, seen)
        command = " ".join([self._command("xliff import"),
                            *(shlex.quote(str(path)) for path in files)])
        return more.XliffImportResult(writes=writes, check=check, imports=done,
                                      command=command)

    # -- the translation memory ---------------------------------------------------------
    def import_tm(self, files: Sequence[Path]) -> more.TmImportResult:
        """People's translations from TMX files into the translation memory, for the
        translate stage to draft from. Every file is read and checked before anything is
        stored: a malformed one imports nothing at all. Importing again adds nothing."""
        config = self.config
        read = []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise TmxError(f"cannot read it ({exc.strerror}); check the path",
                               path=path) from None
            read.append(tmx.read(data, path, source_locale=config.source_locale,
                                 locales=config.locales))
        done = []
        with self._locked(False), tm.Memory(config.memory_path) as memory:
            for found in read:
                added = memory.add_human(config.source_locale, found.translations)
                done.append(more.TmImport(path=found.path, units=found.units, added=added,
                                     skipped=found.skipped))
        return more.TmImportResult(imports=done)

    # -- the built site -----------------------------------------------------------------
    def export_site(self, output: Path | None = None) -> more.ExportResult:
        """The built site as one reproducible archive (*.zip or *.tar.gz; default: the
        output folder's name plus .zip, next to it), read while no command writes it (the
        project's lock, shared)."""
        config = self.config
        target = output if output is not None else config.output_dir.with_name(
            f"{config.output_dir.name}.zip")
        outside_folders(config, target, "--output")
        kind = archive.archive_format(target)
        archive.replaceable(target, kind)
        with project_lock(config.root, shared=True):  # not a site a build is writing
            data, count = archive.site_archive(config.output_dir, kind, skip=target)
        changed = write_if_changed(target.absolute(), data, target.absolute().parent)
        return more.ExportResult(archive=shown(target, config.root), changed=changed, files=count,
                            size=len(data))

    def preview(self, host: str = "127.0.0.1", port: int = 8000, *,
                log: Callable[[str], None] | None = None) -> more.Preview:
        """A read-only server for the built site, bound (port 0: any free one)."""
        server = serve.make_server(self.config.output_dir, host, port, log=log)
        return more.Preview(server=server, folder=shown(self.config.output_dir, self.config.root))


def _exported(po: polib.POFile, path: Path, **where: str) -> bytes:
    """``xliff.export`` of the catalog at ``path``, which its errors name."""
    try:
        return xliff.export(po, **where)
    except CatalogError as exc:
        if exc.path is not None:
            raise
        raise CatalogError(exc.message, path=path, line=exc.line) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read ({exc.strerror}); check the path", path=path) from None

"""The Python API: a project and its pipeline, returning results; nothing here prints.

    from miss_i18n import Project

    project = Project.load()                  # the nearest pyproject.toml
    result = project.run(check=True)          # what `miss-i18n run --check` computes
    stale = [w.path for w in result.writes if w.changed]

The CLI parses options, calls this, renders the result and maps it to an exit code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import catalog, pipeline, rerun
from .build import PageReport
from .config import Config, load_config
from .engines.base import Progress
from .engines.registry import Engines
from .errors import ConfigError
from .files import Snapshot
from .lock import project_lock
from .model import CatalogStats, WriteResult
from .translate import LocaleResult, waiting_locales

ProgressFactory = Callable[[str], Progress | None]


@dataclass(frozen=True)
class RunResult:
    """What `run` did (or, with ``check``, would do)."""

    writes: list[WriteResult]
    stats: list[CatalogStats]
    translations: list[LocaleResult] = field(default_factory=list)
    """One per locale the translate stage looked at (empty when it did not run)."""
    waiting: list[str] = field(default_factory=list)
    """Locales that needed drafts but have no engine or model."""
    rejected: list[str] = field(default_factory=list)
    """One line per translation a page could not use (the source text was kept)."""
    kept: list[str] = field(default_factory=list)
    """Files an earlier build wrote that are no longer built but were changed since: kept."""
    skipped: bool = False
    """Nothing changed since the last run, so nothing ran (see ``rerun``)."""
    site_compared: bool = True
    """False when ``check`` found no output folder to compare the site with."""


def now() -> datetime:
    """The clock for date headers; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except ValueError:
            raise ConfigError("SOURCE_DATE_EPOCH must be an integer number of seconds") from None
    return datetime.now(tz=UTC)


def rejected_lines(pages: Sequence[PageReport]) -> list[str]:
    """One warning line per translation a page could not use."""
    return [f"warning: {report.locale}/{report.page}: translation of {rejected.context} "
            f"{rejected.reason}; the source text was kept"
            for report in pages for rejected in report.rejected]


class Project:
    """One miss-i18n project: its configuration and the stages that work on it."""

    def __init__(self, config: Config) -> None:
        self.config = config

    @classmethod
    def load(cls, pyproject: Path | None = None, **overrides: Any) -> Project:
        """The project of ``pyproject`` (default: the nearest one with our table);
        ``overrides`` are load_config's (source_dir, locales_dir, only_locales, …)."""
        return cls(load_config(pyproject, **overrides))

    def status(self) -> list[CatalogStats]:
        """Entries, translated, fuzzy and untranslated counts per target locale."""
        return pipeline.stats(pipeline.load_catalogs(self.config, seen=Snapshot()))

    def run(self, *, check: bool = False, include_fuzzy: bool | None = None,
            engine: str | None = None, translate: bool = True,
            progress: ProgressFactory = lambda _locale: None,
            clock: Callable[[], datetime] = now) -> RunResult:
        """Every stage: extract, update, translate, compile, build; then prune.

        With ``check`` nothing is written or translated, so the answer is the same with
        or without models. Holds the project lock (shared with ``check``).
        """
        config = self.config
        with project_lock(config.root, shared=check):
            options = {"include_fuzzy": include_fuzzy, "engine": engine,
                       "no_translate": not translate}
            if not check:
                last = rerun.unchanged(config, options)
                if last is not None:
                    # a run killed before it replaced anything changed no output, but
                    # may have left its temporary files
                    removed = pipeline.clean(map(Path, last.outputs), check=False,
                                             config=config)
                    unchanged = [WriteResult(name, False) for name in last.outputs]
                    return RunResult([*removed, *unchanged], last.stats,
                                     waiting=last.waiting, rejected=last.rejected,
                                     skipped=True)
            return self._run(check=check, include_fuzzy=include_fuzzy, engine=engine,
                             translate=translate, progress=progress, clock=clock,
                             options=options)

    def _run(self, *, check: bool, include_fuzzy: bool | None, engine: str | None,
             translate: bool, progress: ProgressFactory, clock: Callable[[], datetime],
             options: dict[str, Any]) -> RunResult:
        config = self.config
        seen = Snapshot()
        pot = pipeline.template(config, clock(), seen=seen)
        catalogs = pipeline.merged(config, pot, seen=seen)
        translations: list[LocaleResult] = []
        if not check and translate:
            translations = pipeline.translate_all(
                config, catalogs, Engines(config, forced=engine).choose, now=clock(),
                progress=progress)
        outputs = [pipeline.Output(config.pot_path, catalog.to_bytes(pot))]
        outputs += pipeline.catalog_outputs(config, catalogs)
        # .mo files are build outputs (git-ignored): the gate compares those that exist.
        outputs += [o for o in pipeline.mo_outputs(config, catalogs)
                    if not check or o.path.exists()]
        fuzzy = config.include_fuzzy if include_fuzzy is None else include_fuzzy
        site, pages, gone = pipeline.site_outputs(config, catalogs, include_fuzzy=fuzzy,
                                                  seen=seen, check=check)
        compared = not check or config.output_dir.exists()
        if not compared:
            site, gone = [], []
        writes = pipeline.commit([*outputs, *site], check=check, config=config, seen=seen)
        pruned = pipeline.prune(config, gone, check=check)
        waiting = waiting_locales(translations)
        result = RunResult([*writes, *pruned.removed], pipeline.stats(catalogs), translations,
                           waiting, rejected_lines(pages), list(pruned.kept),
                           site_compared=compared)
        if not check:
            rerun.save(config, options, [o.path for o in [*outputs, *site]],
                       stats=result.stats, rejected=result.rejected, waiting=waiting)
        return result


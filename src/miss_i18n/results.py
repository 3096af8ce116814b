"""What each ``Project`` method returns: frozen results, for the CLI or a script to read.

A result also carries the verdict of its gate (``error``): the exception the CLI raises
after rendering the rest, so the decision of what fails, and the one line that says why,
is the core's. Nothing here prints or touches files.

The results of the commands around the pipeline (check, status, engines, models, XLIFF,
the memory, export, preview) are defined in ``results_more.py`` and served from here,
loaded the first time one is asked for: a run, and an unchanged rerun, make only their
own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import EngineError, MissI18nError, StaleError
from .model import CatalogStats, WriteResult

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .translate import LocaleResult


def waiting_locales(results: Iterable[LocaleResult]) -> list[str]:
    """Locales that needed drafts but have no engine model (here, not in translate.py: a
    run without drafts loads neither it nor the translation memory)."""
    return [r.locale for r in results if r.model is None and r.waiting]


@dataclass(frozen=True, kw_only=True)
class Written:
    """Files a command wrote or removed (with ``check``: would), unchanged ones included."""

    writes: list[WriteResult]
    check: bool = False
    command: str = "run"
    """The command that brings the files up to date, for the stale gate's message."""

    @property
    def changed(self) -> list[WriteResult]:
        return [w for w in self.writes if w.changed]

    @property
    def error(self) -> MissI18nError | None:
        """With ``check``, files that would change are the gate's failure (exit 3)."""
        stale = [w.path for w in self.changed]
        if not self.check or not stale:
            return None
        # the template and catalogs are the project's to commit; .mo files and the site
        # are build outputs (git-ignored, as a fresh clone has none)
        commit = " and commit the result" if any(
            path.endswith((".po", ".pot")) for path in stale) else ""
        return StaleError(f"{len(stale)} file(s) out of date (first: {stale[0]}); "
                          f"run `miss-i18n {self.command}`{commit}")


@dataclass(frozen=True, kw_only=True)
class ExtractResult(Written):
    template: str
    """The template's path as shown (relative to the project root)."""
    entries: int


@dataclass(frozen=True, kw_only=True)
class UpdateResult(Written):
    stats: list[CatalogStats]


@dataclass(frozen=True, kw_only=True)
class TranslateResult(Written):
    stats: list[CatalogStats]
    translations: list[LocaleResult] = field(default_factory=list)
    """One per locale the translate stage looked at (empty when it did not run)."""
    waiting: list[str] = field(default_factory=list)
    """Locales that needed drafts but have no engine or model."""
    advice: list[str] = field(default_factory=list)
    """One line per waiting locale: which engine could serve it, and how to add a model."""

    @property
    def failed(self) -> list[LocaleResult]:
        """Locales whose engine failed: not drafted, everything else was written."""
        return [t for t in self.translations if t.error]

    @property
    def error(self) -> MissI18nError | None:
        """After the stale gate: a locale whose engine failed fails the command (exit 5),
        once the other locales' drafts (and, for `run`, the site) are written."""
        if (stale := super().error) is not None or not (failed := self.failed):
            return stale
        return EngineError(f"the engine failed for {len(failed)} locale(s): "
                           f"{', '.join(t.locale for t in failed)} (above); the other "
                           "locales were drafted and everything else written")


@dataclass(frozen=True, kw_only=True)
class CompileResult(Written):
    pass


@dataclass(frozen=True, kw_only=True)
class BuildResult(Written):
    rejected: list[str] = field(default_factory=list)
    """One line per translation a page could not use (the source text was kept), after a
    line per linked locale whose catalog could not be read (a narrowed build's)."""
    kept: list[str] = field(default_factory=list)
    """Files an earlier build wrote that are no longer built but were changed since: kept."""


@dataclass(frozen=True, kw_only=True)
class RunResult(TranslateResult, BuildResult):
    """What `run` did (or, with ``check``, would do)."""

    skipped: bool = False
    """Nothing changed since the last run, so nothing ran (see ``rerun``)."""
    site_compared: bool = True
    """False when ``check`` found no output folder to compare the site with."""


if TYPE_CHECKING:
    from .results_more import (
        CheckResult,
        Choice,
        EnginesResult,
        ExportResult,
        InstallResult,
        ModelsResult,
        Multilingual,
        Preview,
        RemoveResult,
        StatusResult,
        TmImport,
        TmImportResult,
        XliffExportResult,
        XliffImport,
        XliffImportResult,
    )

__all__ = [
    "BuildResult",
    "CheckResult",
    "Choice",
    "CompileResult",
    "EnginesResult",
    "ExportResult",
    "ExtractResult",
    "InstallResult",
    "ModelsResult",
    "Multilingual",
    "Preview",
    "RemoveResult",
    "RunResult",
    "StatusResult",
    "TmImport",
    "TmImportResult",
    "TranslateResult",
    "UpdateResult",
    "Written",
    "XliffExportResult",
    "XliffImport",
    "XliffImportResult",
]

_MORE = frozenset(__all__) - {"Written", "ExtractResult", "UpdateResult", "TranslateResult",
                               "CompileResult", "BuildResult", "RunResult"}


def __getattr__(name: str) -> object:
    """The results of the commands around the pipeline (results_more.py), loaded the first
    time one is asked for."""
    if name in _MORE:
        from . import results_more  # noqa: PLC0415

        return getattr(results_more, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

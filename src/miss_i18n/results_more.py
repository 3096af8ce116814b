"""The results of the commands around the pipeline (check, status, engines, models,
XLIFF, the translation memory, export, preview): ``miss_i18n.results`` serves them, and
loads this module the first time one is asked for. A run, and an unchanged rerun, need
only the pipeline's results, and each frozen dataclass costs its module's import about
0.4 ms (Python writes and compiles its methods).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MissI18nError, ValidationFailed
from .model import CatalogStats, Issue, Severity
from .results import Written

if TYPE_CHECKING:
    from .confidence import WeakDraft
    from .engines.base import ModelInfo
    from .engines.nllb_store import InstalledNllb
    from .engines.registry import EngineStatus, Unused
    from .engines.store import InstalledModel
    from .memory import Added
    from .serve import SiteServer
    from .xliff import Unit


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """What `check` found, and whether its gate fails."""

    issues: list[Issue]
    stats: list[CatalogStats]
    below_min_translated: list[str] = field(default_factory=list)
    """Locales under ``min_translated`` percent translated."""
    min_translated: float | None = None
    strict: bool = False
    """Warnings count as errors."""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if self.strict or i.severity is Severity.ERROR]

    @property
    def reasons(self) -> list[str]:
        """Why the gate fails, one phrase per reason; empty when it passes."""
        reasons = []
        errors = sum(1 for i in self.issues if i.severity is Severity.ERROR)
        warnings = len(self.errors) - errors  # (--strict's: warnings fail too)
        if warnings:
            reasons.append(f"{errors} error(s) and {warnings} warning(s), which --strict "
                           "counts" if errors else f"{warnings} warning(s), which --strict "
                           "counts as errors")
        elif errors:
            reasons.append(f"{errors} error(s)")
        if self.below_min_translated:  # each with its own figure (a tenth, rounded down)
            shown = {row.locale: f" ({row.tenths:g}%)" for row in self.stats}
            reasons.append(f"below {self.min_translated:g}% translated: " + ", ".join(
                f"{locale}{shown.get(locale, '')}" for locale in self.below_min_translated))
        return reasons

    @property
    def failed(self) -> bool:
        return bool(self.reasons)

    @property
    def error(self) -> MissI18nError | None:
        """The gate's failure (exit 1), or None."""
        return ValidationFailed("check failed: " + "; ".join(self.reasons)) if self.failed \
            else None


@dataclass(frozen=True, kw_only=True)
class StatusResult:
    stats: list[CatalogStats]
    published: dict[str, bool]
    """Per locale: whether the site publishes it (shown translation above the threshold)."""
    least_confident: dict[str, list[WeakDraft]] = field(default_factory=dict)
    """Per locale, when asked for: its least confident machine drafts, least first."""
    scored: dict[str, int] = field(default_factory=dict)
    """Per locale, when asked for: how many of its drafts carry a confidence."""
    files: dict[str, str] = field(default_factory=dict)
    """Per locale, when asked for: its catalog's path, relative to the project root."""

    @property
    def markdown(self) -> str:
        """The table as GitHub-flavoured Markdown, with each locale's site state (for CI
        job summaries)."""
        from .report import markdown_status  # noqa: PLC0415 - loads Babel and lxml

        return markdown_status(self.stats, self.published)


@dataclass(frozen=True)
class Choice:
    """The engine and model that draft one locale."""

    locale: str
    engine: str
    model: ModelInfo


@dataclass(frozen=True, kw_only=True)
class EnginesResult:
    engines: list[EngineStatus]
    """Every engine, available or not (and why), with its models."""
    chosen: list[Choice]
    """Per target locale with a model: the first engine in the configured order."""
    waiting: list[str]
    """Target locales no engine has a model for."""
    advice: list[str]
    """One line per waiting locale: which engine could serve it, and how to add a model."""
    unused: list[Unused] = field(default_factory=list)
    """Installed models that draft no locale with the configured order, and why."""


@dataclass(frozen=True)
class Multilingual:
    """An installed NLLB-200 / M2M-100 model and the configured locales it serves."""

    model: InstalledNllb
    served: list[str]
    missing: list[str]
    """Configured locales the model has no language token for."""


@dataclass(frozen=True, kw_only=True)
class ModelsResult:
    store: Path
    installed: list[InstalledModel]
    """Language-pair packages (.argosmodel)."""
    multilingual: list[Multilingual]


@dataclass(frozen=True, kw_only=True)
class InstallResult:
    installed: list[InstalledModel | Multilingual]
    """In the order given: the packages of each path, or the multilingual model."""
    unused: list[Unused] = field(default_factory=list)
    """Those of them that draft no locale with the configured order, and why (they are
    installed all the same)."""


@dataclass(frozen=True, kw_only=True)
class RemoveResult:
    removed: list[str]
    """The names removed: a multilingual model's as given, each package's own."""


@dataclass(frozen=True, kw_only=True)
class XliffExportResult(Written):
    command: str = "xliff export"


@dataclass(frozen=True)
class XliffImport:
    """What one XLIFF file did to its locale's catalog."""

    path: Path
    locale: str
    updated: int
    accepted: int
    unknown: list[Unit]
    """Units whose entry is gone from the catalog: not imported."""
    stale: list[Unit] = field(default_factory=list)
    """Units whose source text is not their entry's msgid any more: not imported."""
    conflicts: list[Unit] = field(default_factory=list)
    """Units changed in the file whose entry a person changed in the catalog since the
    export: not imported."""
    unproven: list[Unit] = field(default_factory=list)
    """Units without the digest of what they were exported as, whose entry holds a
    person's translation: not imported."""
    noted: int = 0
    """Entries that took a translator's own note from the file as ``#`` lines."""
    obsolete: list[Unit] = field(default_factory=list)
    """Units of obsolete entries (``translate="no"``) whose target was changed: not
    imported."""


@dataclass(frozen=True, kw_only=True)
class XliffImportResult(Written):
    command: str = "xliff import"
    imports: list[XliffImport]


@dataclass(frozen=True)
class TmImport:
    """What one TMX file brought into the translation memory."""

    path: Path
    units: int
    added: dict[str, Added]
    """Per project locale: translations new to the memory, changed, already there."""
    skipped: dict[str, dict[str, int]]
    """Per locale (or language tag the project lacks): reason → segments skipped."""


@dataclass(frozen=True, kw_only=True)
class TmImportResult:
    imports: list[TmImport]


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    archive: str
    """The archive's path as shown (relative to the project root when inside it)."""
    changed: bool
    files: int
    size: int


@dataclass(frozen=True, kw_only=True)
class Preview:
    server: SiteServer
    """Bound and ready: ``serve_forever`` until interrupted, inside ``with server``."""
    folder: str
    """The site folder as shown."""

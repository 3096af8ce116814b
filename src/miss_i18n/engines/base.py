"""The interface every machine translation engine implements.

An engine translates plain-text sentences: no markup, no placeholders, no PO files.
Markup protection, sentence splitting, batching across a catalog, the translation
memory and provenance live in ``miss_i18n.translate``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..provenance import model_text

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with sentence counts while a batch runs."""


@dataclass(frozen=True)
class ModelInfo:
    """One engine model serving one language pair."""

    engine: str
    """Engine name, e.g. ``"argos"``."""
    model: str
    """Model identifier, e.g. ``"translate-en_de-1_0"``."""
    version: str
    """Model (package) version, e.g. ``"1.0"``."""
    source: str
    """Engine's source language code, e.g. ``"en"``."""
    target: str
    """Engine's target language code, e.g. ``"pt"``."""
    locale: str
    """The Babel locale this model serves here, e.g. ``"pt_BR"``."""
    note: str = ""
    """Anything a reviewer should know, e.g. "served by a pt model (regional variant)"."""
    weights: str = ""
    """What tells the model's weights apart where ``version`` may not: argos's
    ``sha256:…`` of the package's files (a package re-trained with argos-train keeps its
    package_version). Part of the translation memory's key, so a new model is asked
    rather than the old one's drafts reused; not of the provenance line, which names the
    version a reviewer knows."""

    @property
    def memory_version(self) -> str:
        """The version the translation memory keys the model's sentences by."""
        return f"{self.version} {self.weights}" if self.weights else self.version

    @property
    def provenance(self) -> str:
        """How a draft's provenance line names the model (see ``provenance.machine_line``)."""
        return model_text(engine=self.engine, model=self.model, version=self.version,
                          source=self.source, target=self.target, note=self.note)


@dataclass(frozen=True)
class Scored:
    """One output and how sure the model was of it."""

    text: str
    score: float | None
    """Mean log-probability per target token (``</s>`` included, a forced target prefix
    not), the minimum over the parts a sentence was cut into; None where the engine gives
    no score (rule-based engines, an empty output)."""


@dataclass(frozen=True)
class Availability:
    """Whether an engine can run on this machine, and why not."""

    available: bool
    reason: str = ""


@runtime_checkable
class Engine(Protocol):
    """A machine translation engine. Implementations must never touch the network."""

    name: str

    def availability(self) -> Availability:
        """Cheap check (no model loading) that the engine's software is installed."""
        ...

    def models(self) -> list[ModelInfo]:
        """Every installed model (cheap: reads metadata, loads nothing)."""
        ...

    def model_for(self, source_locale: str, target_locale: str) -> ModelInfo | None:
        """The model serving this Babel locale pair, or None."""
        ...

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        """Translate plain sentences, in order; one output per input.

        Loads the model on first use. Raises ``EngineError`` on failure.
        """
        ...


@runtime_checkable
class MarkupEngine(Engine, Protocol):
    """An engine that can also move inline markup with the words it belongs to.

    Its input and output are in the placeholder language of ``miss_i18n.markup``
    (``<1>…</1>``, ``<2/>``, ``&lt;``). The caller verifies every result's placeholders and
    falls back to plain-text translation where they do not match.
    """

    def translate_markup(self, model: ModelInfo, texts: Sequence[str],
                         progress: Progress | None = None) -> list[str]:
        """Translate whole segments, placeholders included; one output per input."""
        ...


@runtime_checkable
class MultiLocaleEngine(Engine, Protocol):
    """An engine whose one model serves many locales, in the same batches (nllb)."""

    def translate_many(self, jobs: Sequence[tuple[ModelInfo, Sequence[str]]],
                       progress: Progress | None = None) -> list[list[str]]:
        """Each job's sentences translated with its model; one output list per job."""
        ...


@runtime_checkable
class Scoring(Protocol):
    """What an engine that says how sure its model was of each output adds."""

    def translate_scored(self, model: ModelInfo, sentences: Sequence[str],
                         progress: Progress | None = None) -> list[Scored]:
        """``translate``, each output with its score; one per input."""
        ...


@runtime_checkable
class ScoringEngine(Engine, Scoring, Protocol):
    """An engine that scores its outputs (argos, nllb: CTranslate2's hypothesis score)."""


@runtime_checkable
class ManyScoring(Protocol):
    """What a multi-locale engine that scores its outputs adds (nllb)."""

    def translate_many_scored(self, jobs: Sequence[tuple[ModelInfo, Sequence[str]]],
                              progress: Progress | None = None) -> list[list[Scored]]:
        """``translate_many``, each output with its score."""
        ...


def translate_scored(engine: Engine, model: ModelInfo, sentences: Sequence[str],
                     progress: Progress | None = None) -> list[Scored]:
    """Any engine's outputs with scores: those it gives, else None for each."""
    if isinstance(engine, Scoring):
        return engine.translate_scored(model, sentences, progress)
    return [Scored(text, None) for text in engine.translate(model, sentences, progress)]


def translate_many_scored(engine: MultiLocaleEngine,
                          jobs: Sequence[tuple[ModelInfo, Sequence[str]]],
                          progress: Progress | None = None) -> list[list[Scored]]:
    """Any multi-locale engine's outputs with scores: those it gives, else None for each."""
    if isinstance(engine, ManyScoring):
        return engine.translate_many_scored(jobs, progress)
    return [[Scored(text, None) for text in texts]
            for texts in engine.translate_many(jobs, progress)]

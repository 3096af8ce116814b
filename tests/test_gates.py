"""The CLI's gates and switches: `check` (exit 1, --strict, --min-translated, JSON),
`status --format json`, `--engine`, `--no-translate`."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from helpers import invoke

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"


def po_path(root: Path, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / "miss.po"


def translate_all(root: Path, locale: str, change: str = "") -> None:
    """A person's translation of every entry (here: the source behind a tag, which no
    check minds), ``change`` inserted into one."""
    po = polib.pofile(str(po_path(root, locale)))
    for number, entry in enumerate(e for e in po if not e.obsolete):
        entry.msgstr = f"DE{change if number == 3 else ''} {entry.msgid}"
    po.save(str(po_path(root, locale)))


@pytest.fixture
def built(project: Path) -> Path:
    assert invoke("run", "--no-translate")[0] == 0
    return project


def test_a_clean_catalog_passes_and_an_error_fails_with_exit_1(built: Path) -> None:
    translate_all(built, "de")
    assert invoke("check", "-l", "de")[0] == 0
    po = polib.pofile(str(po_path(built, "de")))
    entry = next(e for e in po if e.msgid.startswith("<1>"))
    entry.msgstr = entry.msgstr.replace("</1>", "")
    po.save(str(po_path(built, "de")))
    code, output = invoke("check", "-l", "de")
    assert code == 1
    assert "error[placeholders]" in output
    assert output.rstrip().endswith("error: check failed: 1 error(s)")


def test_strict_makes_warnings_fail(built: Path) -> None:
    translate_all(built, "de", change="  x")  # a double space: a warning
    code, output = invoke("check", "-l", "de")
    assert code == 0 and "warning[double-spaces]" in output
    code, output = invoke("check", "-l", "de", "--strict")
    # (said as what they are: warnings, which --strict fails on)
    assert code == 1 and output.rstrip().endswith(
        "check failed: 1 warning(s), which --strict counts as errors")
    # -q prints what fails the check: under --strict, the warnings too, not bare "failed"
    code, quiet = invoke("check", "-l", "de", "--strict", "-q")
    assert code == 1 and "warning[double-spaces]" in quiet and "translated" not in quiet
    assert "warning[" not in invoke("check", "-l", "de", "-q")[1]


def test_min_translated_names_the_locales_below_it(built: Path) -> None:
    translate_all(built, "de")
    code, output = invoke("check", "--min-translated", "50")
    assert code == 1
    assert "check failed: below 50% translated: ar (0%), pt_BR (0%)" in output
    assert invoke("check", "--min-translated", "50", "-l", "de")[0] == 0
    assert invoke("check", "--min-translated", "150")[0] == 2  # not a percentage


def test_check_json_is_machine_readable(built: Path) -> None:
    code, output = invoke("check", "--format", "json", "--min-translated", "1")
    assert code == 1
    data = json.loads(output[:output.rindex("}") + 1])
    assert data["below_min_translated"] == ["de", "ar", "pt_BR"]
    assert {row["locale"] for row in data["stats"]} == {"de", "ar", "pt_BR"}
    assert data["issues"] == []


def test_status_json(built: Path) -> None:
    translate_all(built, "de")
    code, output = invoke("status", "--format", "json")
    assert code == 0
    rows = {row["locale"]: row for row in json.loads(output)}
    assert rows["de"]["percent"] == 100.0 and rows["de"]["untranslated"] == 0
    assert rows["ar"]["percent"] == 0.0 and rows["ar"]["translated"] == 0


def test_engine_picks_one_engine_and_an_unknown_one_is_bad_usage(project: Path) -> None:
    assert invoke("models", "install", str(MODELS / "translate-en_de-1_0.argosmodel"))[0] == 0
    code, output = invoke("run", "-l", "de", "--engine", "apertium")
    assert code == 0
    assert "not drafted, for want of a model: 1 locale(s), de;" in output
    assert "machine-translated" not in po_path(project, "de").read_text()
    code, output = invoke("run", "-l", "de", "--engine", "google")
    assert code == 2
    assert "Invalid value for '--engine': 'google' is not one of" in output
    code, output = invoke("run", "-l", "de", "--engine", "argos")
    assert code == 0 and "draft(s) by argos translate-en_de-1_0" in output


def test_no_translate_drafts_nothing_even_with_a_model(project: Path) -> None:
    assert invoke("models", "install", str(MODELS / "translate-en_de-1_0.argosmodel"))[0] == 0
    code, output = invoke("run", "-l", "de", "--no-translate")
    assert code == 0 and "draft(s)" not in output
    assert "machine-translated" not in po_path(project, "de").read_text()

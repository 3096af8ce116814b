"""The Python API: every command is one `Project` method returning a frozen result that
never prints; the gates (stale, check) are decided there; cli.py holds no pipeline."""

from __future__ import annotations

import ast
import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import miss_i18n
from miss_i18n import CheckResult, Project, RunResult, catalog
from miss_i18n.cli import main
from miss_i18n.config import ENGINES
from miss_i18n.errors import CatalogError, ConfigError, ExitCode, StaleError, ValidationFailed
from miss_i18n.model import Issue, Severity
from miss_i18n.provenance import machine_line
from miss_i18n.results import Multilingual, StatusResult

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
CLI = Path(miss_i18n.__file__).with_name("cli.py")


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` and its bytes, to show that nothing changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def silent(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """The core never prints: every test here ends with nothing on stdout or stderr."""
    yield
    assert capsys.readouterr() == ("", "")


def test_run_check_status_through_the_api(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    checked = api.run(check=True)
    assert isinstance(checked, RunResult)
    assert not checked.skipped and not checked.site_compared
    assert all(w.changed for w in checked.writes)  # nothing exists yet
    assert isinstance(checked.error, StaleError)
    assert not (project / "locales").exists()
    done = api.run(translate=False)
    assert done.error is None
    assert {w.path for w in done.changed} >= {
        "locales/miss.pot", "locales/de/LC_MESSAGES/miss.po", "site/index.html"}
    assert [row.locale for row in done.stats] == ["de", "ar", "pt_BR"]
    assert [row.locale for row in api.status().stats] == ["de", "ar", "pt_BR"]
    again = api.run(translate=False)
    assert again.skipped and not again.changed
    fresh = api.run(check=True)
    assert fresh.site_compared and not fresh.changed and fresh.error is None


def test_a_run_leaves_what_it_made_where_it_is_asked_to(project: Path) -> None:
    """``kept`` (the command's, which ends without freeing anything): each run that works
    leaves what it made there, an unchanged rerun nothing; without it, nothing is kept."""
    kept: list[object] = []
    api = Project.load(project / "pyproject.toml")
    assert api.kept is None
    keeping = Project(api.config, kept=kept)
    assert keeping.run(translate=False).error is None and len(kept) == 1
    assert keeping.run(translate=False).skipped and len(kept) == 1
    assert keeping.run(check=True).error is None and len(kept) == 2


def test_overrides_narrow_the_project(project: Path) -> None:
    api = Project.load(project / "pyproject.toml", only_locales=["de"])
    assert [row.locale for row in api.run(translate=False).stats] == ["de"]


def test_each_stage_alone_and_its_stale_gate(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    would = api.extract(check=True)
    assert would.template == "locales/miss.pot" and would.entries > 10
    assert [w.path for w in would.changed] == ["locales/miss.pot"]
    assert isinstance(would.error, StaleError) and would.error.exit_code == ExitCode.STALE
    assert str(would.error) == ("1 file(s) out of date (first: locales/miss.pot); "
                                "run `miss-i18n extract` and commit the result")
    assert not (project / "locales").exists()

    extracted = api.extract()
    assert extracted.entries == would.entries and extracted.error is None
    assert api.extract(check=True).error is None

    stale = api.update(check=True)
    assert "run `miss-i18n update`" in str(stale.error)
    assert [w.path for w in stale.changed] == [
        f"locales/{loc}/LC_MESSAGES/miss.po" for loc in ("de", "ar", "pt_BR")]
    updated = api.update()
    assert [row.locale for row in updated.stats] == ["de", "ar", "pt_BR"]
    assert all(row.translated == 0 and row.total == extracted.entries for row in updated.stats)
    assert api.update(check=True).error is None

    assert "run `miss-i18n compile`" in str(api.compile(check=True).error)
    assert len(api.compile().changed) == 3
    assert api.compile(check=True).error is None

    assert "run `miss-i18n build`" in str(api.build(check=True).error)
    built = api.build()
    assert built.error is None and not built.kept and not built.rejected
    assert {"site/index.html", "site/report.html"} <= {w.path for w in built.changed}
    before = files(project)
    assert api.build(check=True).error is None
    assert api.build(check=True, include_fuzzy=True).error is None  # nothing is fuzzy yet
    assert files(project) == before


def test_check_gates_live_in_the_result(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    api.run(translate=False)
    passed = api.check()
    assert isinstance(passed, CheckResult)
    assert not passed.failed and passed.error is None and passed.reasons == []
    assert [row.locale for row in passed.stats] == ["de", "ar", "pt_BR"]
    gated = api.check(min_translated=50)
    assert gated.below_min_translated == ["de", "ar", "pt_BR"]
    assert gated.failed and gated.reasons == [
        "below 50% translated: de (0%), ar (0%), pt_BR (0%)"]  # each its own figure
    assert isinstance(gated.error, ValidationFailed)
    assert gated.error.exit_code == ExitCode.CHECK_FAILED
    assert str(gated.error) == "check failed: below 50% translated: de (0%), ar (0%), pt_BR (0%)"
    assert not api.check(min_translated=0).failed


def test_check_over_processes_finds_what_one_process_finds(project: Path) -> None:
    """``check``, ``status``, ``compile`` and ``xliff export`` spread the catalogs over
    processes where they are large enough (here: forced, ``jobs``): the same issues, in the
    same order, counts, drafts, .mo and XLIFF files; a catalog ``check`` cannot read is the
    same error."""
    Project.load(project / "pyproject.toml").run(translate=False)
    for locale, text in (("de", "Zwei  Leerzeichen <1>"), ("ar", "https://x.example 42")):
        path = project / "locales" / locale / "LC_MESSAGES" / "miss.po"
        po = catalog.load(path)
        for entry in po[:5]:
            entry.msgstr = text
        for number, entry in enumerate(po[5:9]):
            entry.msgstr = f"Entwurf {number}"
            entry.flags.append("fuzzy")
            entry.tcomment = machine_line("fake-engine test 1.0 (en→de)",
                                          confidence=0.25 * number, source=entry.msgid,
                                          text=entry.msgstr)
        path.write_bytes(catalog.to_bytes(po))
    alone, spread = (Project.load(project / "pyproject.toml", jobs=jobs) for jobs in (1, 2))
    assert alone.check().issues and (spread.check().issues, spread.check().stats) == (
        alone.check().issues, alone.check().stats)
    # status and compile read each catalog where they work on it, as check does
    assert alone.status(least_confident=2).least_confident["de"]
    assert spread.status(least_confident=2) == alone.status(least_confident=2)
    assert spread.compile(check=True).writes == alone.compile(check=True).writes
    for api, folder in ((alone, "one"), (spread, "two")):
        assert api.export_xliff(output_dir=project.parent / folder).error is None
    assert [p.read_bytes() for p in sorted((project.parent / "two").iterdir())] == [
        p.read_bytes() for p in sorted((project.parent / "one").iterdir())]
    (project / "locales" / "ar" / "LC_MESSAGES" / "miss.po").write_text('msgid "x"\n')
    errors = []
    for jobs in (1, 2):
        with pytest.raises(CatalogError) as raised:
            Project.load(project / "pyproject.toml", jobs=jobs).check()
        errors.append(str(raised.value))
    assert errors[0] == errors[1]


def test_strict_counts_warnings_as_errors() -> None:
    warning = Issue("double-spaces", Severity.WARNING, "two spaces", "de.po", 3)
    error = Issue("placeholders", Severity.ERROR, "missing <1>", "de.po", 9)
    lenient = CheckResult(issues=[warning], stats=[])
    assert not lenient.failed and lenient.errors == []
    strict = dataclasses.replace(lenient, strict=True)
    assert strict.errors == [warning] and str(strict.error) == (
        "check failed: 1 warning(s), which --strict counts as errors")
    assert dataclasses.replace(strict, issues=[warning, error]).reasons == [
        "1 error(s) and 1 warning(s), which --strict counts"]
    both = CheckResult(issues=[warning, error], stats=[], below_min_translated=["ar"],
                       min_translated=12.5)
    assert both.reasons == ["1 error(s)", "below 12.5% translated: ar"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        both.strict = True  # type: ignore[misc]


def test_status_says_what_the_site_publishes(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    api.run(translate=False)
    status = api.status()
    assert isinstance(status, StatusResult)
    assert status.published == {"de": False, "ar": False, "pt_BR": False}  # nothing translated
    assert status.markdown.splitlines()[2].startswith("| de | ")


def test_translate_with_a_forced_engine(project: Path) -> None:
    api = Project.load(project / "pyproject.toml", only_locales=["de"])
    api.run(translate=False)
    installed = api.install_models([MODELS / "translate-en_de-1_0.argosmodel"])
    assert [m.name for m in installed.installed
            if not isinstance(m, Multilingual)] == ["translate-en_de-1_0"]
    assert len(installed.installed) == 1
    waiting = api.translate(engine="apertium")  # no apertium pair here
    assert waiting.waiting == ["de"] and not waiting.changed
    assert waiting.command == "translate" and waiting.error is None
    drafted = api.translate(engine="argos")
    assert drafted.waiting == []
    [result] = drafted.translations
    assert result.locale == "de" and result.drafted > 0
    assert result.model is not None and result.model.model == "translate-en_de-1_0"
    assert [w.path for w in drafted.changed] == ["locales/de/LC_MESSAGES/miss.po"]
    assert drafted.stats[0].machine == result.drafted


def test_engines_and_models(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    empty = api.models()
    assert empty.installed == [] and empty.multilingual == []
    assert empty.store == project / ".miss-i18n" / "models"
    engines = api.engines()
    assert [row.name for row in engines.engines] == list(ENGINES)
    assert sorted([c.locale for c in engines.chosen] + engines.waiting) == ["ar", "de", "pt_BR"]

    api.install_models([MODELS / "translate-en_de-1_0.argosmodel"])
    listed = api.models()
    assert [(m.from_code, m.to_code) for m in listed.installed] == [("en", "de")]
    chosen = {c.locale: c for c in api.engines().chosen}
    assert chosen["de"].engine == "argos" and chosen["de"].model.model == "translate-en_de-1_0"
    assert api.remove_models(["en_de"]).removed == ["translate-en_de-1_0"]
    with pytest.raises(ConfigError):
        api.remove_models(["en_de"])


def test_a_multilingual_model_says_which_locales_it_serves(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    [model] = api.install_models([MODELS / "nllb-tiny"]).installed
    assert isinstance(model, Multilingual)
    assert sorted(model.served + model.missing) == ["ar", "de", "pt_BR"]
    assert api.models().multilingual == [model]
    assert api.remove_models([model.model.name]).removed == [model.model.name]


def test_xliff_round_trip_and_site_export(project: Path) -> None:
    api = Project.load(project / "pyproject.toml")
    api.run(translate=False)
    exported = api.export_xliff()
    assert [w.path for w in exported.changed] == [
        f"build/xliff/{loc}.xlf" for loc in ("de", "ar", "pt_BR")]
    assert api.export_xliff(check=True).error is None
    before = files(project / "locales")
    imported = api.import_xliff([project / "build" / "xliff" / "de.xlf"])
    assert [(i.locale, i.updated, i.accepted, i.unknown) for i in imported.imports] == [
        ("de", 0, 0, [])]
    assert not imported.changed  # its command names its files: `xliff import` alone fails
    assert imported.command == f"xliff import {project / 'build' / 'xliff' / 'de.xlf'}"
    assert files(project / "locales") == before

    archive = api.export_site()
    assert archive.archive == "site.zip" and archive.changed and archive.files > 3
    assert archive.size == (project / "site.zip").stat().st_size
    assert not api.export_site().changed

    preview = api.preview(port=0)
    with preview.server as server:
        assert preview.folder == "site" and server.url.startswith("http://127.0.0.1:")


ALLOWED = {"__future__", "atexit", "codecs", "contextlib", "errno", "functools", "gc", "io",
           "json", "math", "os", "signal", "sys", "threading", "collections.abc", "pathlib",
           "typing", "click",
           "miss_i18n", "miss_i18n.config", "miss_i18n.errors", "miss_i18n.model",
           "miss_i18n.project", "miss_i18n.results", "miss_i18n.results_more"}


def test_the_cli_holds_no_pipeline() -> None:
    """cli.py imports the API, the configuration, errors and result types, and nothing of
    the stages; from the project only ``Project`` and its progress type."""
    tree = ast.parse(CLI.read_text(encoding="utf-8"))
    imported: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported.setdefault(alias.name, set())
        elif isinstance(node, ast.ImportFrom):
            module = ("miss_i18n" + ("." + node.module if node.module else "")
                      if node.level else node.module or "")
            imported.setdefault(module, set()).update(a.name for a in node.names)
    assert set(imported) <= ALLOWED
    assert imported["miss_i18n"] == {"__version__"}
    assert imported["miss_i18n.project"] <= {"Project", "ProgressFactory"}


def test_a_write_failure_is_not_bad_input(project: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["run", "--no-translate", "-q"]).exit_code == 0
    shutil.rmtree(project / "site" / "de")
    (project / "site" / "de").write_text("a file where the build writes a folder")
    result = runner.invoke(main, ["build", "-q"])
    assert result.exit_code == ExitCode.IO == 7
    assert result.output == (f"error: {project / 'site' / 'de'}: a file where the build makes "
                             "a folder; move or remove it\n")

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import polib
import pytest
from click.testing import CliRunner

import miss_i18n
from conftest import PAGES
from helpers import invoke, invoke_unprivileged
from miss_i18n import catalog, outputs
from miss_i18n.cli import EXAMPLES, _progress, main
from miss_i18n.provenance import machine_line, memory_line

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext missing")
COMMANDS = sorted(
    [name, *(f"{name} {sub}" for sub in getattr(command, "commands", {}))]
    for name, command in main.commands.items()
)
COMMANDS = sorted(c for group in COMMANDS for c in group)
STAGES = ["build", "check", "compile", "engines", "extract", "run", "status", "translate",
          "update", "xliff export", "xliff import"]  # import: --locales-dir


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    code, output = invoke(*command.split(), "--help")
    assert code == 0
    assert "Usage: main " + command in output
    assert (command in STAGES) == ("--locale" in output)


def test_build_help_names_what_it_writes_at_the_top_of_the_site() -> None:
    """README's pipeline table: the pages, index.html, report.html, sitemap.xml."""
    output = " ".join(invoke("build", "--help")[1].split())
    assert "index.html, report.html and (with a base URL) sitemap.xml" in output


def test_run_builds_the_site_and_a_second_run_changes_nothing(project: Path) -> None:
    code, output = invoke("run")
    assert code == 0, output
    assert "de            37          0      0         0           37     0%" in output
    site = project / "site"
    for tag in ("en", "de", "ar", "pt-BR"):
        assert (site / tag / "minimally-invasive-spine-surgery.html").is_file()
    assert (site / "index.html").is_file()
    assert not (site / "sitemap.xml").exists()  # no base-url: its URLs could not be absolute
    before = snapshot(project)
    code, output = invoke("run")
    assert code == 0
    assert "0 file(s) written" in output
    assert snapshot(project) == before
    code, output = invoke("run", "--check")
    assert code == 0, output


def test_files_removed_are_counted_as_removed_not_written(project: Path) -> None:
    """A page gone from the source takes its built pages with it: the closing line counts
    them as removed, as the lines above it say."""
    shutil.copy(PAGES / "tricky.html", project / "source" / "copy.html")
    assert invoke("run", "--no-translate")[0] == 0
    (project / "source" / "copy.html").unlink()
    code, output = invoke("run", "--no-translate")
    assert code == 0, output
    removed = output.count("  removed ")
    assert removed >= 2  # (en/copy.html, de/copy.html, ...)
    written = output.count("  wrote ")
    assert f"{written} file(s) written, {removed} removed, " in output


def test_check_mode_names_stale_files_and_writes_nothing(project: Path) -> None:
    assert invoke("run")[0] == 0
    page = project / "source" / "minimally-invasive-spine-surgery.html"
    page.write_text(page.read_text().replace("Smaller scars", "Smaller scar"))
    before = snapshot(project)
    code, output = invoke("run", "--check")
    assert code == 3
    assert "would change: locales/miss.pot" in output
    assert "would change: locales/de/LC_MESSAGES/miss.po" in output
    assert "error: 9 file(s) out of date (first: locales/miss.pot); run `miss-i18n run`" in (
        output)
    assert snapshot(project) == before


def test_a_narrowed_gate_names_the_narrowed_command(project: Path) -> None:
    # A narrowed build reports only its locales, so after a full run `run --check -l de`
    # finds report.html out of date; the advice must be the command that makes the gate
    # pass: `miss-i18n run` (full) leaves it failing, `miss-i18n run -l de` does not.
    assert invoke("run", "--no-translate")[0] == 0
    code, output = invoke("run", "--check", "-l", "de", "--no-translate")
    assert code == 3
    assert output.rstrip().endswith("run `miss-i18n run -l de`")
    assert invoke("run", "--no-translate")[0] == 0  # (what the old advice said)
    assert invoke("run", "--check", "-l", "de", "--no-translate")[0] == 3
    assert invoke("run", "-l", "de", "--no-translate")[0] == 0
    assert invoke("run", "--check", "-l", "de", "--no-translate")[0] == 0


@pytest.mark.parametrize(("option", "advised"), [
    ("", '--base-url ""'), ("https://x.example/a&b/", "--base-url 'https://x.example/a&b/'")])
def test_a_gate_with_its_own_base_url_names_it_in_its_command(
        project: Path, option: str, advised: str) -> None:
    """`run --check --base-url ""` (a site built without a base URL, the config naming
    one) advised `miss-i18n run`, which builds with the config's base URL (a sitemap,
    absolute hreflang links), so the gate failed again after the advice was followed. The
    advice now names the --base-url it was checked with, as the README spells it."""
    with project.joinpath("pyproject.toml").open("a") as config:
        config.write('base-url = "https://example.org/"\n')
    assert invoke("run", "--no-translate", "-q")[0] == 0
    code, output = invoke("run", "--check", "--no-translate", "--base-url", option)
    assert code == 3
    assert output.rstrip().endswith(f"run `miss-i18n run {advised}`"), output
    code, output = invoke("build", "--check", "-l", "de", "--base-url", option)
    assert output.rstrip().endswith(f"run `miss-i18n build -l de {advised}`"), output
    assert invoke("run", "--no-translate", "--base-url", option)[0] == 0  # the advice
    assert invoke("run", "--check", "--no-translate", "--base-url", option)[0] == 0
    assert invoke("run", "--check", "--no-translate", "--base-url", "https://example.org/"
                  )[0] == 3
    code, output = invoke("run", "--check", "--no-translate")
    assert output.rstrip().endswith("run `miss-i18n run`"), output  # the config's: none


def test_a_gate_with_overrides_names_them_in_its_advice(project: Path) -> None:
    """`build --check --base-url URL` (or --output-dir, --source-dir, --locales-dir,
    --config): the advice repeats them. A bare `miss-i18n build` builds the config's way
    and leaves this gate failing."""
    assert invoke("run", "--no-translate")[0] == 0
    given = ["--config", "pyproject.toml", "--output-dir", "other site",
             "--base-url", "https://other.example/"]
    code, output = invoke("build", "--check", *given)
    assert code == 3
    advice = "run `miss-i18n build --config pyproject.toml --output-dir 'other site' " \
             "--base-url https://other.example/`"
    assert output.rstrip().endswith(advice), output
    assert invoke("build", *given)[0] == 0  # what it says, from the same folder
    assert invoke("build", "--check", *given)[0] == 0
    code, output = invoke("run", "--check", "-l", "de", "--base-url", "https://x.example/")
    assert code == 3
    assert output.rstrip().endswith(
        "run `miss-i18n run -l de --base-url https://x.example/`"), output


def test_human_translation_survives_a_source_change(project: Path) -> None:
    assert invoke("run", "-l", "de")[0] == 0
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    text = po.read_text()
    text = text.replace('msgid "Smaller scars"\nmsgstr ""',
                        'msgid "Smaller scars"\nmsgstr "Kleinere Narben"')
    text = text.replace('msgid "Lower risk of infection"\nmsgstr ""',
                        'msgid "Lower risk of infection"\nmsgstr "Geringeres Infektionsrisiko"')
    po.write_text(text)
    page = project / "source" / "minimally-invasive-spine-surgery.html"
    page.write_text(page.read_text().replace("Smaller scars", "Smaller scars only"))
    assert invoke("run", "-l", "de")[0] == 0
    merged = po.read_text()
    assert ('#, fuzzy\n#| msgid "Smaller scars"\nmsgctxt "minimally-invasive-spine-surgery:'
            '#advantages/ul/li[7]"\nmsgid "Smaller scars only"\nmsgstr "Kleinere Narben"') in merged
    assert 'msgstr "Geringeres Infektionsrisiko"' in merged
    built = (project / "site" / "de" / "minimally-invasive-spine-surgery.html").read_text()
    assert "<li>Geringeres Infektionsrisiko</li>" in built
    assert "Kleinere Narben" not in built  # fuzzy: only with --include-fuzzy
    assert 'data-miss-i18n="machine-notice" role' not in built
    assert invoke("build", "-l", "de", "--include-fuzzy")[0] == 0
    built = (project / "site" / "de" / "minimally-invasive-spine-surgery.html").read_text()
    assert "<li>Kleinere Narben</li>" in built
    # a person's translation of the earlier source: not called a machine draft, and the
    # notice the catalog does not translate is marked as English
    assert 'data-miss-i18n="machine-notice"' not in built
    assert ('<p data-miss-i18n="review-notice" role="note" lang="en" dir="ltr">Parts of this '
            'page are translations of an earlier version of the text, awaiting review.</p>'
            ) in built


def test_a_persons_own_translation_marked_fuzzy_is_not_called_an_earlier_version(
        project: Path) -> None:
    assert invoke("run", "-l", "de")[0] == 0
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    text = po.read_text()
    item = ('msgctxt "minimally-invasive-spine-surgery:#advantages/ul/li[{}]"\n'
            'msgid "{}"\nmsgstr ""')
    # Poedit's "Needs work" on a fresh translation: fuzzy, no `#| msgid`
    text = text.replace(item.format(7, "Smaller scars"), '#, fuzzy\n' + item.format(
        7, "Smaller scars").replace('msgstr ""', 'msgstr "Kleinere Narben"'))
    # a previous msgid that is the msgid itself: the same text, no earlier version of it
    text = text.replace(item.format(2, "Lower risk of infection"),
                        '#, fuzzy\n#| msgid "Lower risk of infection"\n'
                        + item.format(2, "Lower risk of infection").replace(
                            'msgstr ""', 'msgstr "Geringeres Infektionsrisiko"'))
    assert text.count("#, fuzzy") == 2
    po.write_text(text)
    page = project / "source" / "minimally-invasive-spine-surgery.html"
    # the catalog as edited, the whole update (edited since its record), then the shortcut
    # (from the record's facts: incremental.summary_of)
    for n, command in enumerate(("build", "run", "run")):
        code, output = invoke(command, "-l", "de", "--include-fuzzy")
        assert code == 0, output
        built = (project / "site" / "de" / page.name).read_text()
        assert "<li>Kleinere Narben</li>" in built
        assert "<li>Geringeres Infektionsrisiko</li>" in built
        assert "earlier version" not in built
        assert 'data-miss-i18n="review-notice"' not in built
        assert 'data-miss-i18n="machine-notice"' not in built
        assert 'data-miss-i18n="memory-notice"' not in built
        page.write_text(page.read_text().replace(f"<li>Shorter hospital stays{'!' * n}",
                                                 f"<li>Shorter hospital stays{'!' * (n + 1)}"))


def test_a_draft_edited_in_the_po_file_is_no_machine_draft(project: Path) -> None:
    """A machine draft a person edits in Poedit and leaves fuzzy ("Needs work") is theirs
    (its text is not the one its line's digest names): status counted it as a machine
    draft, listed it with the machine's confidence among the drafts to review first, and
    pages showing it said "machine-translated"."""
    assert invoke("run", "--no-translate", "-l", "de")[0] == 0
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    item = ('msgctxt "minimally-invasive-spine-surgery:#advantages/ul/li[7]"\n'
            'msgid "Smaller scars"\nmsgstr ""')
    line = machine_line("argos m 1.0 (en→de)", confidence=0.4, source="Smaller scars",
                        text="Kleinere Narben")
    text = po.read_text()
    assert item in text
    po.write_text(text.replace(item, f"# {line}\n#, fuzzy\n" + item.replace(
        'msgstr ""', 'msgstr "Kleine Narben, von Hand"')))
    for command in ("status", "run"):  # as saved, then as update leaves it
        if command == "run":
            code, output = invoke("run", "--no-translate", "-l", "de")
            assert code == 0, output
        code, output = invoke("status", "-l", "de", "--least-confident", "5",
                              "--format", "json")
        assert code == 0, output
        [row] = json.loads(output)
        assert (row["fuzzy"], row["machine"], row["least_confident"]) == (1, 0, [])
    assert invoke("build", "-l", "de", "--include-fuzzy")[0] == 0
    built = (project / "site" / "de" / "minimally-invasive-spine-surgery.html").read_text()
    assert "<li>Kleine Narben, von Hand</li>" in built
    assert 'data-miss-i18n="machine-notice"' not in built


def test_a_memory_draft_edited_in_the_po_file_is_no_memory_draft(project: Path) -> None:
    """The same for a draft from the translation memory: edited and left fuzzy, it is the
    person's (README), but status counted it as the memory's and pages showing it said it
    came from a translation memory."""
    assert invoke("run", "--no-translate", "-l", "de")[0] == 0
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    item = ('msgctxt "minimally-invasive-spine-surgery:#advantages/ul/li[7]"\n'
            'msgid "Smaller scars"\nmsgstr ""')
    text = po.read_text()
    assert item in text
    po.write_text(text.replace(item, f"# {memory_line('old.tmx', text='Kleinere Narben')}"
                               "\n#, fuzzy\n" + item.replace(
                                   'msgstr ""', 'msgstr "Kleine Narben, von Hand"')))
    for command in ("status", "run"):  # as saved, then as update leaves it
        if command == "run":
            code, output = invoke("run", "--no-translate", "-l", "de")
            assert code == 0, output
        code, output = invoke("status", "-l", "de", "--format", "json")
        assert code == 0, output
        [row] = json.loads(output)
        assert (row["fuzzy"], row["memory"]) == (1, 0)
    assert invoke("build", "-l", "de", "--include-fuzzy")[0] == 0
    built = (project / "site" / "de" / "minimally-invasive-spine-surgery.html").read_text()
    assert "<li>Kleine Narben, von Hand</li>" in built
    assert 'data-miss-i18n="memory-notice"' not in built


@needs_gettext
def test_every_catalog_passes_msgfmt_check(project: Path) -> None:
    assert invoke("run")[0] == 0
    files = [*sorted((project / "locales").rglob("*.po")), project / "locales" / "miss.pot"]
    for path in files:
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    for path in sorted((project / "locales").rglob("*.mo")):
        subprocess.run(["msgunfmt", str(path)], check=True, capture_output=True)


def test_bad_input_gives_one_line_and_an_exit_code(project: Path) -> None:
    code, output = invoke("update")
    assert (code, output) == (4, f"error: {project}/locales/miss.pot: template does not "
                                 "exist; run `miss-i18n extract` first\n")
    code, output = invoke("build")
    assert (code, output) == (4, f"error: {project}/locales/de/LC_MESSAGES/miss.po: catalog "
                                 "does not exist; run `miss-i18n update` first\n")
    code, output = invoke("run", "-l", "xx")
    assert code == 2
    assert output == ("error: unknown locale 'xx': use a Babel/CLDR code such as 'de', "
                      "'pt_BR' or 'zh'\n")
    code, output = invoke("run", "-l", "fr")
    assert (code, output) == (2, "error: --locale fr: not a configured target locale; add it "
                                 "to [tool.miss-i18n] locales first\n")
    code, output = invoke("run", "-l", "en")  # (whose advice the configuration refused)
    assert (code, output) == (2, "error: --locale en: the source locale, which is not "
                                 "translated (its pages are the source's, built with every "
                                 "locale); name target locales only\n")
    (project / "pyproject.toml").write_text('[tool.miss-i18n]\nlocales = ["de", "klingon"]\n')
    code, output = invoke("status")
    assert code == 2
    assert "locales: unknown locale 'klingon'" in output


def test_files_the_build_no_longer_makes_are_removed_and_nothing_else(project: Path) -> None:
    extra = project / "source" / "extra.html"
    extra.write_text("<html><body><p>Extra page</p></body></html>")
    assert invoke("run")[0] == 0
    mine = project / "site" / "notes.txt"
    mine.write_text("not the build's")
    assert (project / "site" / "ar" / "extra.html").is_file()
    assert invoke("run", "-l", "de")[0] == 0  # a narrowed build removes nothing
    assert (project / "site" / "ar" / "extra.html").is_file()
    extra.unlink()
    code, output = invoke("run", "--check")
    assert code == 3
    assert "would remove: site/ar/extra.html" in output
    code, output = invoke("run")
    assert code == 0, output
    assert "removed site/ar/extra.html" in output
    assert not any(p.name == "extra.html" for p in (project / "site").rglob("*"))
    assert mine.read_text() == "not the build's"
    assert invoke("run", "--check")[0] == 0


def test_a_file_the_build_cannot_remove_is_one_line_and_removed_by_a_later_run(
        project: Path) -> None:
    """A dropped page in an output folder the run may not write: it raised a
    PermissionError traceback, and the manifest, already written without the page, forgot
    it, so no later run removed it (the dropped page stayed published)."""
    extra = project / "source" / "extra.html"
    extra.write_text("<html><body><p>Extra page</p></body></html>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    extra.unlink()
    folder = project / "site" / "de"
    folder.chmod(0o555)
    try:
        code, output = invoke_unprivileged("run", "--no-translate", "-q")
    finally:
        folder.chmod(0o755)
    assert (code, output) == (7, f"error: {folder / 'extra.html'}: cannot remove this file the "
                                 "build no longer makes (Permission denied); check "
                                 "permissions, then run again\n")
    assert (folder / "extra.html").is_file()
    code, output = invoke("run", "--no-translate")
    assert code == 0, output
    assert "removed site/de/extra.html" in output
    assert not any(p.name == "extra.html" for p in (project / "site").rglob("*"))
    assert invoke("run", "--check")[0] == 0


@pytest.mark.parametrize("command", ["run", "build"])
def test_a_run_stopped_before_it_removed_the_dropped_pages_removes_them_next_time(
        project: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """A run killed after it wrote the new manifest but before it removed the pages
    dropped from the source left them published for good: the manifest no longer named
    them, so no later run removed them, and `run --check` passed."""
    extra = project / "source" / "extra.html"
    extra.write_text("<html><body><p>Extra page</p></body></html>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    extra.unlink()

    class Killed(BaseException):
        """What kill -9 leaves: nothing after this point runs."""

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(outputs, "prune", killed)
        with pytest.raises(Killed):
            invoke(command, *(["--no-translate"] if command == "run" else []))
    assert (project / "site" / "de" / "extra.html").is_file()
    assert "would remove: site/de/extra.html" in invoke(command, "--check")[1]
    code, output = invoke(command, *(["--no-translate"] if command == "run" else []))
    assert code == 0, output
    assert "removed site/de/extra.html" in output
    assert not any(p.name == "extra.html" for p in (project / "site").rglob("*"))
    assert invoke(command, "--check")[0] == 0


def test_every_option_can_be_set_from_the_environment_by_its_name(project: Path,
                                                                  tmp_path: Path) -> None:
    """README: MISS_I18N_<COMMAND>_<OPTION>. click named the variables after the Python
    parameters, so MISS_I18N_CHECK_FORMAT=json, MISS_I18N_RUN_CONFIG and
    MISS_I18N_RUN_LOCALE were silently ignored (a run on all locales of the nearest
    project, text where a job parsed JSON); the parameter names still work."""
    runner = CliRunner()
    assert invoke("run", "--no-translate", "-q")[0] == 0
    result = runner.invoke(main, ["check"], env={"MISS_I18N_CHECK_FORMAT": "json"})
    assert result.exit_code == 0 and result.output.startswith("{")
    result = runner.invoke(main, ["status"], env={"MISS_I18N_STATUS_FORMAT": "markdown"})
    assert result.exit_code == 0 and result.output.startswith("|")
    result = runner.invoke(main, ["status"], env={"MISS_I18N_STATUS_LOCALE": "de ar"})
    assert [line.split()[0] for line in result.output.splitlines()[1:]] == ["de", "ar"]
    missing = tmp_path / "elsewhere" / "pyproject.toml"
    for name in ("MISS_I18N_RUN_CONFIG", "MISS_I18N_RUN_CONFIG_PATH"):
        result = runner.invoke(main, ["run"], env={name: str(missing)})
        assert (result.exit_code, result.output) == (
            2, f"error: config file {missing} does not exist; pass an existing "
               "pyproject.toml\n")
    result = runner.invoke(main, ["models", "list"], env={"MISS_I18N_MODELS_LIST_CONFIG":
                                                          str(missing)})
    assert result.exit_code == 2
    # empty, as --base-url "": no base URL (click read an empty variable as none set)
    assert invoke("build", "-q", "--base-url", "https://example.org/")[0] == 0
    assert (project / "site" / "sitemap.xml").is_file()
    result = runner.invoke(main, ["build", "-q"], env={"MISS_I18N_BUILD_BASE_URL": ""})
    assert result.exit_code == 0 and not (project / "site" / "sitemap.xml").exists()


def test_progress_bars_on_a_terminal_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert _progress(quiet=True, tty=True)("de") is None
    assert _progress(quiet=False, tty=False)("de") is None
    bar = _progress(quiet=False, tty=True)("de")
    assert bar is not None
    for done, total in ((3, 10), (10, 10), (1, 2), (2, 2)):  # two engine calls
        bar(done, total)
    assert capsys.readouterr().err.count("translating de") == 2


def test_the_manifest_can_name_nothing_outside_the_site(project: Path) -> None:
    (project / "source" / "img 1.png").write_bytes(b"png")
    assert invoke("run")[0] == 0
    assert "img 1.png\n" in (project / "site" / ".miss-i18n-files").read_text()
    assert invoke("run", "--check")[0] == 0  # a name with a space is one name
    outside = project / "keep.txt"
    outside.write_text("mine")
    manifest = project / "site" / ".miss-i18n-files"
    manifest.write_text(manifest.read_text() + "../keep.txt\n")
    assert invoke("run")[0] == 0
    assert outside.read_text() == "mine"


def test_mo_files_are_build_outputs_the_gate_checks_only_where_they_exist(project: Path) -> None:
    """A fresh clone has no .mo files (git-ignored): `run --check` passes; a stale one that
    exists is named."""
    assert CliRunner().invoke(main, ["run"]).exit_code == 0
    mos = sorted((project / "locales").rglob("*.mo"))
    assert len(mos) == 3
    for mo in mos:
        mo.unlink()
    result = CliRunner().invoke(main, ["run", "--check"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["compile"]).exit_code == 0
    mos[0].write_bytes(b"stale")
    result = CliRunner().invoke(main, ["run", "--check"])
    assert result.exit_code == 3
    assert f"would change: {mos[0].relative_to(project)}" in result.output


def test_a_narrowed_build_links_only_pages_that_exist(project: Path) -> None:
    """`build -l de` into a fresh folder: index, menu and sitemap name en and de only;
    after a full build, a narrowed one links the other built locales as the full build
    does: a published one (pt_BR, translated) is linked, a preview (ar, 0%) is not, and
    the pages, index and sitemap are the full build's."""
    base = ("--base-url", "https://example.org/")  # a sitemap is written with one only
    assert invoke("run", "-l", "de", *base)[0] == 0
    index = (project / "site" / "index.html").read_text()
    assert 'hreflang="de"' in index and 'hreflang="en"' in index
    assert 'hreflang="ar"' not in index and 'hreflang="pt-BR"' not in index
    assert 'hreflang="ar"' not in (project / "site" / "sitemap.xml").read_text()
    (project / "source" / "second.html").write_text(
        "<html><head><title>Second page</title></head><body><p>More.</p></body></html>\n")
    assert invoke("run", "--no-translate", *base)[0] == 0
    path = project / "locales" / "pt_BR" / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    for entry in po:
        entry.msgstr = f"{entry.msgid} [pt]"  # a person's translation of everything
    path.write_bytes(catalog.to_bytes(po))
    assert invoke("run", "--no-translate", *base)[0] == 0
    names = ("de/minimally-invasive-spine-surgery.html", "index.html", "sitemap.xml")
    assert "Second page [pt]" in (project / "site" / "index.html").read_text()
    full = {name: (project / "site" / name).read_text() for name in names}
    assert 'hreflang="pt-BR"' in full[names[0]] and 'hreflang="ar"' not in full[names[0]]
    assert invoke("run", "--no-translate", "-l", "de", *base)[0] == 0
    assert {name: (project / "site" / name).read_text() for name in names} == full


def test_a_narrowed_build_keeps_a_locale_whose_catalog_is_broken_linked_and_says_so(
        project: Path) -> None:
    """`run -l de` while pt_BR's catalog (published, its pages built) has a syntax error:
    pt_BR silently left every menu, the hreflang links and the sitemap, as if a preview,
    though its pages stayed on the site. It is now linked as the last build left it
    (published), and a warning names the catalog's line and what to do; a preview (ar)
    stays a preview."""
    base = ("--base-url", "https://example.org/")
    path = project / "locales" / "pt_BR" / "LC_MESSAGES" / "miss.po"
    assert invoke("run", "--no-translate", "-q", *base)[0] == 0
    po = catalog.load(path)
    for entry in po:
        entry.msgstr = f"{entry.msgid} [pt]"  # a person's translation of everything
    path.write_bytes(catalog.to_bytes(po))
    assert invoke("run", "--no-translate", "-q", *base)[0] == 0
    names = ("de/minimally-invasive-spine-surgery.html", "index.html", "sitemap.xml")
    full = {name: (project / "site" / name).read_text() for name in names}
    assert 'hreflang="pt-BR"' in full[names[0]] and 'hreflang="pt-BR"' in full[names[2]]
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines) + b'msgid "broken\n')
    code, output = invoke("run", "--no-translate", "-l", "de", *base)
    assert code == 0, output
    assert {name: (project / "site" / name).read_text() for name in names} == full
    assert (f"warning: locales/pt_BR/LC_MESSAGES/miss.po:{len(lines) + 1}: "
            in output), output
    assert "pt_BR is linked as the last build left it (published, 100%)" in output
    assert "ar is linked" not in output


def _site_bytes(project: Path) -> dict[str, bytes]:
    return {path.relative_to(project).as_posix(): path.read_bytes()
            for path in sorted((project / "site").rglob("*")) if path.is_file()}


def test_a_narrowed_build_that_publishes_a_locale_relists_it_on_every_page(
        project: Path) -> None:
    """`run -l de` as de crossed the publish threshold (a person translated it, then
    emptied it again): de's pages and the sitemap changed, while the other locales' pages,
    not built, kept their menus and hreflang links as before (naming a preview, or leaving
    out a published locale: not reciprocal, and not the sitemap's). The other locales are
    now built too where their pages list other languages: the site is a full build's."""
    base = ("--base-url", "https://example.org/")
    assert invoke("run", "--no-translate", "-q", *base)[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    before = path.read_bytes()
    po = catalog.load(path)
    for entry in po:
        entry.msgstr = f"{entry.msgid} [de]"  # a person's translation of everything
    path.write_bytes(catalog.to_bytes(po))
    page = "minimally-invasive-spine-surgery.html"
    for published in (True, False):
        assert invoke("run", "--no-translate", "-q", "-l", "de", *base)[0] == 0
        for locale in ("ar", "pt-BR"):
            built = (project / "site" / locale / page).read_text()
            assert (f'href="../de/{page}" hreflang="de"' in built) is published, locale
        # run again, it changes nothing (its report is of de, as an unwidened one's)
        assert invoke("build", "--check", "-q", "-l", "de", *base)[0] == 0
        narrowed = _site_bytes(project)
        assert invoke("build", "-q", *base)[0] == 0
        full = _site_bytes(project)
        apart = ("site/report.html", "site/.miss-i18n-files")  # a full build's report is
        assert {k: v for k, v in full.items() if k not in apart} == {  # of every locale
            k: v for k, v in narrowed.items() if k not in apart}
        path.write_bytes(before)


def _translate_page(project: Path, locale: str, page: str) -> None:
    """A person's translation of every entry of ``page`` (by its contexts) in ``locale``."""
    path = project / "locales" / locale / "LC_MESSAGES" / "miss.po"
    po = catalog.load(path)
    for entry in po:
        if (entry.msgctxt or "").startswith(page.removesuffix(".html") + ":"):
            entry.msgstr = f"{entry.msgid} [{locale}]"
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None
    path.write_bytes(catalog.to_bytes(po))


def test_a_page_added_since_the_translation_is_kept_from_search_engines(
        project: Path) -> None:
    """de and pt_BR are published (a person translated the article); a page added since
    shows English in both: those two pages are previews (noindex, no hreflang links, not
    in the sitemap), while the rest of each locale stays published. Translated in pt_BR,
    its page is listed, and names only the languages that list it; translated in de too,
    a build of de alone (-l de) builds pt_BR's page again, whose hreflang links now name
    de, as a full build's do."""
    base = ("--base-url", "https://example.org/")
    article = "minimally-invasive-spine-surgery.html"
    for locale in ("de", "pt_BR"):
        assert invoke("run", "--no-translate", "-q", *base)[0] == 0
        _translate_page(project, locale, article)
    (project / "source" / "added.html").write_text(
        "<!DOCTYPE html><html lang=en><head><title>Recovery</title></head><body>"
        "<h1>Recovery</h1><p>Most patients walk the same day.</p></body></html>")
    assert invoke("run", "--no-translate", "-q", *base)[0] == 0
    site = project / "site"
    added = (site / "de" / "added.html").read_text()
    assert '<meta name="robots" content="noindex"' in added and 'rel="alternate"' not in added
    assert 'aria-current="page"' in added  # its menu still shows where the reader is
    assert 'hreflang="de"' in (site / "de" / article).read_text()  # de is published
    source = (site / "en" / "added.html").read_text()
    assert 'rel="alternate" hreflang="en"' in source and 'rel="alternate" hreflang="de"' \
        not in source
    sitemap = (site / "sitemap.xml").read_text()
    assert f"/de/{article}" in sitemap and "/de/added.html" not in sitemap
    assert "/en/added.html" in sitemap
    assert "3 shown translated; a preview, below 50%" in (site / "report.html").read_text()
    _translate_page(project, "pt_BR", "added.html")
    assert invoke("run", "--no-translate", "-q", *base)[0] == 0
    brazil = (site / "pt-BR" / "added.html").read_text()
    assert 'rel="alternate" hreflang="pt-BR"' in brazil and 'noindex' not in brazil
    assert 'rel="alternate" hreflang="de"' not in brazil
    assert "/pt-BR/added.html" in (site / "sitemap.xml").read_text()
    assert 'hreflang="pt-BR"' in (site / "en" / "added.html").read_text()
    _translate_page(project, "de", "added.html")
    assert invoke("run", "--no-translate", "-q", "-l", "de", *base)[0] == 0
    assert 'rel="alternate" hreflang="de"' in (site / "pt-BR" / "added.html").read_text()
    assert invoke("build", "--check", "-q", "-l", "de", *base)[0] == 0
    narrowed = _site_bytes(project)
    assert invoke("build", "-q", *base)[0] == 0
    apart = ("site/report.html", "site/.miss-i18n-files")
    assert {k: v for k, v in _site_bytes(project).items() if k not in apart} == {
        k: v for k, v in narrowed.items() if k not in apart}
    assert invoke("build", "--check", "-q", *base)[0] == 0


def test_quiet_prints_nothing_on_success(project: Path) -> None:
    """-q prints only errors: not the table, not the locales waiting for a model."""
    result = CliRunner().invoke(main, ["run", "-q"])
    assert (result.exit_code, result.output) == (0, "")


def test_a_build_index_that_cannot_be_written_costs_only_the_shortcuts(project: Path) -> None:
    """``.miss-i18n/pages.json`` is a cache: where it cannot be written (here a folder
    stands in its place), the run still succeeds and the site is built, as a read-only
    ``.miss-i18n`` once made it exit 7 after writing the whole site."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    index = project / ".miss-i18n" / "pages.json"
    index.unlink()
    index.mkdir()
    (project / "source" / "minimally-invasive-spine-surgery.html").write_text(
        (project / "source" / "minimally-invasive-spine-surgery.html").read_text().replace(
            "Lower risk of infection", "Lower infection risk"))
    code, output = invoke("run", "--no-translate", "-q")
    assert (code, output) == (0, "")
    assert "Lower infection risk" in (
        project / "site" / "de" / "minimally-invasive-spine-surgery.html").read_text()


def test_the_stale_gate_asks_to_commit_only_what_a_project_commits(project: Path) -> None:
    """.mo files and the site are build outputs (a fresh clone has none): `compile --check`
    says to run compile, not to commit them; a stale catalog still says to commit it."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    (project / "locales" / "de" / "LC_MESSAGES" / "miss.mo").unlink()
    code, output = invoke("compile", "--check", "-q")
    assert code == 3 and output.endswith("run `miss-i18n compile`\n"), output
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po.write_text(po.read_text() + '\nmsgid "stray"\nmsgstr ""\n')
    code, output = invoke("update", "--check", "-q")
    assert code == 3 and output.endswith("run `miss-i18n update` and commit the result\n")


def in_latin1(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own whose output encoding is Latin-1, as a terminal or
    CI runner with a legacy locale (LANG=de_DE.ISO-8859-1) gives it."""
    env = {**os.environ, "PYTHONIOENCODING": "latin-1",
           "PYTHONPATH": str(Path(miss_i18n.__file__).parent.parent)}
    return subprocess.run([sys.executable, "-m", "miss_i18n.cli", *args], capture_output=True,
                          text=True, encoding="latin-1", env=env, check=False)


def test_output_a_legacy_locale_cannot_show_is_escaped_not_a_traceback(project: Path) -> None:
    # `engines` advises "add an en→… .argosmodel" for de and ar: an arrow Latin-1 lacks
    done = in_latin1("engines")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert "add an en\\u2192\\u2026 .argosmodel" in done.stdout


def test_json_a_legacy_locale_cannot_show_is_still_json(project: Path) -> None:
    page = project / "source" / "minimally-invasive-spine-surgery.html"
    page.write_text(page.read_text().replace("Smaller scars", "Smaller scars \u2014 less pain"))
    assert invoke("run", "--no-translate", "-q")[0] == 0
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    text = po.read_text()
    po.write_text(text.replace('msgid "Smaller scars \u2014 less pain"\nmsgstr ""',
                               'msgid "Smaller scars \u2014 less pain"\n'
                               'msgstr "Smaller scars \u2014 less pain"'))
    done = in_latin1("check", "--format", "json", "-l", "de")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    issues = json.loads(done.stdout)["issues"]  # (the file: what `> check.json` keeps)
    assert "Smaller scars \u2014 less pain" in [issue["msgid"] for issue in issues]


def test_utf8_file_names_read_the_same_under_a_legacy_locale(project: Path) -> None:
    # File names are UTF-8 (README), whatever the locale: Python under a non-UTF-8 one
    # (here C without its UTF-8 mode: ASCII; de_DE.ISO-8859-1 likewise gives Latin-1)
    # decoded 'über-uns.html' by the locale, refusing it as not UTF-8 (or writing
    # 'Ã¼ber-uns' into every catalog's msgctxt, losing the translations keyed by it).
    shutil.copy(project / "source" / "minimally-invasive-spine-surgery.html",
                project / "source" / "über-uns.html")
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONPATH": str(Path(miss_i18n.__file__).parent.parent)}
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run([sys.executable, "-m", "miss_i18n.cli", "run", "--no-translate"],
                          capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr.decode("ascii", "replace")
    po = (project / "locales" / "de" / "LC_MESSAGES" / "miss.po").read_text()
    assert '#: über-uns.html\nmsgctxt "über-uns:head/title"' in po
    assert 'href="de/%C3%BCber-uns.html"' in (project / "site" / "index.html").read_text()


@pytest.mark.parametrize("epoch", ["1.5", "abc", "99999999999999", "100000000000000000000",
                                   # before 1970, or not as `date +%s` writes a number (which
                                   # int() took: a 1969 date, '1_000', Arabic-Indic digits)
                                   "-5", "+5", "1_000", " 5", "\u0661\u0662"])
def test_a_source_date_epoch_that_names_no_date_is_one_line(project: Path, epoch: str,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # a CI sets it for reproducible dates; one far out of range raised OverflowError (a
    # traceback, exit 1), one a little less so was said not to be an integer; a negative
    # one was taken (a date before 1970)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert invoke("extract", "-q") == (
        2, f"error: SOURCE_DATE_EPOCH={epoch!r}: not a date; set it to a whole number of "
           "seconds since 1970-01-01 UTC, as `git log -1 --format=%ct` prints it\n")


def test_the_gate_names_a_fuzzy_option_other_than_the_config_s(project: Path) -> None:
    """`run --check --include-fuzzy` after a run the config's way (fuzzy left out) said
    to run `miss-i18n run`, which builds the pages without the fuzzy translations again
    and leaves the gate failing; the advice names the option, as it names -l."""
    assert invoke("run", "--no-translate")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path))
    entry = po.find("Overview", msgctxt="minimally-invasive-spine-surgery:#overview/h2")
    assert entry is not None
    entry.msgstr, entry.flags = "Überblick", ["fuzzy"]
    po.save(str(path))
    assert invoke("run", "--no-translate")[0] == 0
    code, output = invoke("run", "--check", "--include-fuzzy", "--no-translate")
    assert code == 3
    assert output.rstrip().endswith("run `miss-i18n run --include-fuzzy`"), output
    assert invoke("run", "--include-fuzzy", "--no-translate")[0] == 0
    assert invoke("run", "--check", "--include-fuzzy", "--no-translate")[0] == 0


@pytest.mark.parametrize("value", ["nan", "NaN", "-1", "101"])
def test_min_translated_is_a_percentage_not_nan(value: str) -> None:
    """click's range let NaN through (no comparison with it is true): every locale would
    then pass, or fail, alike. A usage error, exit 2."""
    result = CliRunner().invoke(main, ["check", "--min-translated", value])
    assert result.exit_code == 2 and "--min-translated" in result.output


def test_every_command_that_spreads_work_over_cores_takes_jobs(project: Path) -> None:
    """`check`, `extract`, `update` and `compile` use the cores as `build` and `run` do
    (the `jobs` setting) but took no -j: each does now, and its result is the same."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    before = {p: p.read_bytes() for p in sorted(project.rglob("*.po*"))}
    for command in ("extract", "update", "compile", "check", "build", "run"):
        for jobs in ("1", "2"):
            code, output = invoke(command, "-j", jobs, "-q",
                                  *(["--no-translate"] if command == "run" else []))
            assert code == 0, (command, output)
    assert {p: p.read_bytes() for p in sorted(project.rglob("*.po*"))} == before


def test_every_example_in_the_help_parses() -> None:
    """The examples each --help shows are commands click accepts as written (options
    that exist, values of their types): help that is wrong is worse than none."""
    for names, lines in EXAMPLES.items():
        command: click.Command = main
        for name in names:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        assert command.epilog and all(line in command.epilog for line in lines)
        for line in lines:
            words = shlex.split(line.split("  #")[0].split(" >>")[0])
            assert words[: len(names) + 1] == ["miss-i18n", *names], line
            command.make_context(" ".join(names), words[len(names) + 1:])


def test_a_bad_value_from_the_environment_names_its_variable(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MISS_I18N_RUN_JOBS=0 was reported as a bad --jobs, an option no one had typed."""
    monkeypatch.setenv("MISS_I18N_RUN_JOBS", "0")
    code, output = invoke("run")
    assert code == 2 and output.endswith(
        "Error: Invalid value for MISS_I18N_RUN_JOBS (for --jobs / -j): 0 is not in the "
        "range x>=1.\n")
    monkeypatch.delenv("MISS_I18N_RUN_JOBS")
    assert "Invalid value for '--jobs' / '-j'" in invoke("run", "-j", "0")[1]

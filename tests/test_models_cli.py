"""`models install` / `models remove` as commands: all or nothing, under the project lock,
and plain about models no locale will use (and `engines` with them)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from helpers import invoke
from miss_i18n import Project, lock
from miss_i18n.engines import ct2
from miss_i18n.engines.nllb_store import NllbStore
from miss_i18n.errors import ConflictError, WriteError
from miss_i18n.lock import project_lock
from test_store import (
    DE,
    ES,
    NLLB_TINY,
    TOP,
    entries_of,
    one_error,
    renamed,
    snapshot,
    with_metadata,
    write_zip,
)

ARGOS = ct2.availability().available
"""Whether the argos engine can run here: `engines` lists its models only then."""


def project(tmp_path: Path, locales: str = '"de", "es"', translate: str = "") -> Path:
    """A project's pyproject.toml; ``translate`` is its [tool.miss-i18n.translate] body."""
    (tmp_path / "source").mkdir()
    config = tmp_path / "pyproject.toml"
    config.write_text(f"[tool.miss-i18n]\nlocales = [{locales}]\n"
                      + (f"[tool.miss-i18n.translate]\n{translate}\n" if translate else ""))
    return config


def package(folder: Path, from_code: str, to_code: str) -> Path:
    """The de fixture relabelled as a ``from_code``→``to_code`` package."""
    top = f"translate-{from_code}_{to_code}-1_0"
    entries = with_metadata(renamed(entries_of(DE), TOP, top), top, from_code=from_code,
                            to_code=to_code)
    folder.mkdir(exist_ok=True)
    return write_zip(folder / f"{top}.argosmodel", entries)


def store_state(tmp_path: Path) -> dict[str, bytes | None]:
    """The model stores (and the lock file): what an install may change."""
    return snapshot(tmp_path / ".miss-i18n") if (tmp_path / ".miss-i18n").exists() else {}


# -- all or nothing --------------------------------------------------------------------


def truncated(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "trunc.argosmodel"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(DE.read_bytes()[:1000])
    return path


def broken_nllb(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming" / "nllb-broken"
    shutil.copytree(NLLB_TINY, folder)
    (folder / "config.json").unlink()
    return folder


@pytest.mark.parametrize("bad", ["argos", "nllb"])
@pytest.mark.parametrize("first", [True, False])
def test_one_bad_path_installs_nothing_and_is_named(tmp_path: Path, bad: str,
                                                    first: bool) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(ES), "--config", str(config))[0] == 0
    before = store_state(tmp_path)
    wrong = truncated(tmp_path) if bad == "argos" else broken_nllb(tmp_path)
    good = [str(DE), str(NLLB_TINY)]
    paths = [str(wrong), *good] if first else [*good, str(wrong)]
    code, output = invoke("models", "install", *paths, "--config", str(config))
    assert code == 4
    one_error(output, wrong, "not a zip archive" if bad == "argos" else
              "not an NLLB-200 or M2M-100 CTranslate2 model: no config.json")
    assert store_state(tmp_path) == before


def test_several_paths_are_installed_in_the_order_given(tmp_path: Path) -> None:
    config = project(tmp_path, '"de", "es", "fr"')  # nllb drafts fr
    code, output = invoke("models", "install", str(NLLB_TINY), str(ES), str(DE), "-q",
                          "--config", str(config))
    assert (code, output) == (0, "")
    code, output = invoke("models", "install", str(NLLB_TINY), str(ES), str(DE),
                          "--config", str(config))
    assert code == 0
    assert [line.split(":")[0] for line in output.splitlines()] == [
        "installed nllb-tiny", "installed translate-en_es-1_0", f"installed {TOP}"]


def test_a_path_named_twice_is_installed_once(tmp_path: Path) -> None:
    config = project(tmp_path, '"de", "es", "fr"')
    code, output = invoke("models", "install", str(DE), str(DE.parent), str(NLLB_TINY),
                          str(NLLB_TINY), "--config", str(config))
    assert code == 0, output
    assert sorted(output.splitlines()) == [
        "installed nllb-tiny: NLLB-200 sha256:84ea3b8d73b4, can draft 3 of 3 locales: de, es, fr",
        f"installed {TOP}: en → de version 1.0",
        "installed translate-en_es-1_0: en → es version 1.0"]


def test_two_nllb_folders_of_one_name_are_refused(tmp_path: Path) -> None:
    config = project(tmp_path)
    other = tmp_path / "elsewhere" / "nllb-tiny"
    shutil.copytree(NLLB_TINY, other)
    code, output = invoke("models", "install", str(DE), str(NLLB_TINY), str(other),
                          "--config", str(config))
    assert code == 4
    one_error(output, other, f"{NLLB_TINY} and {other} would both be installed as nllb-tiny; "
                             "install only one of them")
    assert not (tmp_path / ".miss-i18n" / "models").exists()


def test_a_move_that_fails_undoes_the_moves_before_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The last step (renames into the stores) fails: the packages already moved in go out
    again and those they replaced come back."""
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), "--config", str(config))[0] == 0
    before = store_state(tmp_path)

    def fail(self: NllbStore, _staged: object) -> None:
        raise WriteError("cannot move the model into the store (No space left on device); "
                         "check its permissions", path=self.root)

    monkeypatch.setattr(NllbStore, "swap_in", fail)
    with pytest.raises(WriteError, match="cannot move the model into the store"):
        Project.load(config).install_models([DE, ES, NLLB_TINY])
    assert store_state(tmp_path) == before


# -- the project lock ------------------------------------------------------------------


@pytest.mark.parametrize("args", [("install", str(DE)), ("install", str(NLLB_TINY)),
                                  ("remove", "en_es")])
def test_models_install_and_remove_wait_for_the_lock(tmp_path: Path, args: tuple[str, ...],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "WAIT", 0.1)
    config = project(tmp_path)
    assert invoke("models", "install", str(ES), "--config", str(config))[0] == 0
    with project_lock(tmp_path, shared=False):  # another run, as far as flock can tell
        before = store_state(tmp_path)
        code, output = invoke("models", *args, "--config", str(config))
        assert code == 6
        assert output.startswith(f"error: {tmp_path / '.miss-i18n' / 'lock'}: another "
                                 "miss-i18n run"), output
        with pytest.raises(ConflictError):
            Project.load(config).remove_models(["en_es"])
        assert store_state(tmp_path) == before
    assert invoke("models", *args, "--config", str(config))[0] == 0


# -- models no locale uses -------------------------------------------------------------


def test_a_package_no_locale_can_use_is_installed_and_said_so(tmp_path: Path) -> None:
    config = project(tmp_path, '"de", "pt_BR"', 'engines = ["argos", "nllb"]')
    incoming = tmp_path / "incoming"
    paths = [package(incoming, *pair) for pair in (("xx", "yy"), ("de", "en"), ("en", "pt-BR"))]
    code, output = invoke("models", "install", str(DE), *map(str, paths), "-q",
                          "--config", str(config))
    assert code == 0
    assert output.splitlines() == [
        "warning: translate-xx_yy-1_0 (xx → yy) is installed, but no locale uses it: its "
        "source language is xx, and this project translates from en",
        "warning: translate-de_en-1_0 (de → en) is installed, but no locale uses it: its "
        "source language is de, and this project translates from en",
        "warning: translate-en_pt-BR-1_0 (en → pt-BR) is installed, but no locale uses it: "
        "argos names no target pt-BR: pt_BR takes an argos package to pb or pt"]
    again = Project.load(config).install_models([paths[0], DE])  # the API: data, no lines
    assert [(u.engine, u.model, u.pair) for u in again.unused] == [
        ("argos", "translate-xx_yy-1_0", "xx → yy")]
    listed = invoke("models", "list", "--config", str(config))[1]
    assert {"translate-xx_yy-1_0", "translate-de_en-1_0", "translate-en_pt-BR-1_0",
            TOP} <= {line.split()[3] for line in listed.splitlines()}
    if not ARGOS:
        return
    code, output = invoke("engines", "--config", str(config))
    assert code == 0
    assert ("  en → pt-BR  translate-en_pt-BR-1_0 1.0\n    not used by any locale: argos "
            "names no target pt-BR: pt_BR takes an argos package to pb or pt\n") in output
    assert ("  xx → yy  translate-xx_yy-1_0 1.0\n    not used by any locale: its source "
            "language is xx, and this project translates from en\n") in output
    assert f"  en → de  {TOP} 1.0\n  en → pt-BR" in output  # used: no note


@pytest.mark.skipif(not ARGOS, reason="needs ctranslate2 and sentencepiece ([mt] extra)")
def test_a_model_other_models_come_before_everywhere_is_said_so(tmp_path: Path) -> None:
    config = project(tmp_path, '"de", "pt_BR"',
                     'engines = ["argos", "nllb"]\nlocale-engines = { pt_BR = ["nllb"] }')
    incoming = tmp_path / "incoming"
    pb, pt = package(incoming, "en", "pb"), package(incoming, "en", "pt")
    code, output = invoke("models", "install", str(DE), str(pb), str(pt), str(NLLB_TINY),
                          "-q", "--config", str(config))
    assert code == 0
    assert output.splitlines() == [
        "warning: translate-en_pb-1_0 (en → pb) is installed, but no locale uses it: pt_BR "
        "is drafted by nllb (the engine order, nllb, leaves out argos)",
        "warning: translate-en_pt-1_0 (en → pt) is installed, but no locale uses it: pt_BR "
        "is drafted by nllb (the engine order, nllb, leaves out argos)"]
    config.write_text(config.read_text().replace('pt_BR = ["nllb"]', 'pt_BR = ["argos"]'))
    output = invoke("engines", "--config", str(config))[1]
    assert ("  en → pt  translate-en_pt-1_0 1.0\n    not used by any locale: pt_BR is "
            "drafted by translate-en_pb-1_0 (a closer match)\n") in output
    assert ("    not used by any locale: de is drafted by argos (ahead of nllb in the engine "
            "order); pt_BR is drafted by argos (the engine order, argos, leaves out nllb)\n"
            ) in output
    config.write_text(config.read_text().replace('pt_BR = ["argos"]', 'de = ["apertium"]'))
    output = invoke("engines", "--config", str(config))[1]
    assert (f"  en → de  {TOP} 1.0\n    not used by any locale: de is drafted by no engine "
            "(the engine order, apertium, leaves out argos)\n") in output


def test_several_nllb_folders_the_first_by_name_drafts(tmp_path: Path) -> None:
    config = project(tmp_path, '"de", "es"', 'engines = ["nllb"]')
    first = tmp_path / "incoming" / "nllb-a"
    shutil.copytree(NLLB_TINY, first)
    code, output = invoke("models", "install", str(NLLB_TINY), str(first), "-q",
                          "--config", str(config))
    assert code == 0
    assert output == ("warning: nllb-tiny (NLLB-200: en → *) is installed, but no locale uses "
                      "it: de, es are drafted by nllb-a (first by name)\n")
    if not ARGOS:
        return
    output = invoke("engines", "--config", str(config))[1]
    assert ("    not used by any locale: de, es are drafted by nllb-a (first by name)\n"
            "  several folders are installed: each locale is drafted by the first by name "
            "(in code-point order) that has its language token\n") in output
    assert "  de       nllb: nllb-a sha256:" in output


# -- models remove ---------------------------------------------------------------------


def test_remove_of_an_unknown_name_lists_nllb_folders_too_and_removes_nothing(
        tmp_path: Path) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), str(NLLB_TINY), "--config", str(config))[0] == 0
    before = store_state(tmp_path)
    code, output = invoke("models", "remove", "en_de", "nllb-tiny", "nllb-huge",
                          "--config", str(config))
    assert (code, output) == (2, "error: no installed model matches 'nllb-huge' (give a "
                                 "package or folder name, or a pair such as en_de); installed: "
                                 f"{TOP}, nllb-tiny\n")
    assert store_state(tmp_path) == before
    assert invoke("models", "remove", "en_de", TOP, "nllb-tiny", "--config", str(config)) == (
        0, f"removed {TOP}\nremoved nllb-tiny\n")


def test_a_file_where_a_store_goes_and_a_path_that_is_no_file_or_folder_say_so(
        tmp_path: Path) -> None:
    """The README's words for the case: a file where a model store goes is 'a file, not a
    folder' (exit 7); a path that exists but is neither a file nor a folder is not 'no
    such file'."""
    config = project(tmp_path)
    (tmp_path / ".miss-i18n").mkdir()
    (tmp_path / ".miss-i18n" / "models").write_text("")
    code, output = invoke("models", "install", str(DE), "--config", str(config))
    assert code == 7 and "models: a file, not a folder; move it away" in output, output
    (tmp_path / ".miss-i18n" / "models").unlink()
    (tmp_path / ".miss-i18n" / "models-nllb").write_text("")
    code, output = invoke("models", "install", str(NLLB_TINY), "--config", str(config))
    assert code == 7 and "models-nllb: a file, not a folder; move it away" in output, output
    code, output = invoke("models", "install", "/dev/null", "--config", str(config))
    assert code == 4 and "/dev/null: not a file or folder" in output, output


def test_a_package_named_like_an_installed_one_of_another_pair_is_refused(
        tmp_path: Path) -> None:
    """Its folder is the installed package's name, its pair another: installing it would
    silently replace that model, so it is refused, naming both, and nothing changes."""
    config = project(tmp_path, '"de", "fr"')
    assert invoke("models", "install", str(DE), "--config", str(config))[0] == 0
    before = store_state(tmp_path)
    (tmp_path / "pkgs").mkdir()
    other = write_zip(tmp_path / "pkgs" / "fr.argosmodel",
                      with_metadata(entries_of(DE), TOP, to_code="fr"))
    code, output = invoke("models", "install", str(other), "--config", str(config))
    assert code == 4, output
    one_error(output, other, f"it is en → fr, but its folder {TOP} is the name of the "
              f"installed en → de package; remove that one first (`miss-i18n models remove "
              f"{TOP}`)")
    assert store_state(tmp_path) == before


def test_install_help_names_every_archive_it_takes() -> None:
    """`models install --help` said "(or a .zip / .tar.gz of one)", while the README, and
    the store, take .tar.xz and .tar.bz2 too: a user with a .tar.xz was told it would not do."""
    code, output = invoke("models", "install", "--help")
    assert code == 0
    text = " ".join(output.split())
    for suffix in (".zip", ".tar.gz", ".tar.xz", ".tar.bz2"):
        assert suffix in text, suffix


def test_an_empty_store_points_to_both_kinds_of_model(project: Path) -> None:
    """`models list` with nothing installed said only "add one with `miss-i18n models
    install PATH.argosmodel`", though an NLLB-200 folder (the one model for every locale)
    installs with the same command."""
    code, output = invoke("models", "list")
    assert code == 0
    assert output == (
        f"no models in {project / '.miss-i18n' / 'models'}; add an .argosmodel (`miss-i18n "
        "models install PATH.argosmodel`) or an NLLB-200 folder (`miss-i18n models install "
        "FOLDER`, see README)\n")


def test_a_folder_with_no_model_says_what_to_give(project: Path, tmp_path: Path) -> None:
    """`models install FOLDER` of a folder holding neither .argosmodel files nor a model
    said only "no *.argosmodel files in this folder", not what would do."""
    empty = tmp_path / "downloads"
    empty.mkdir()
    code, output = invoke("models", "install", str(empty))
    assert code == 4
    assert output == (f"error: {empty}: no *.argosmodel files in this folder, and no "
                      "NLLB-200 / M2M-100 model (model.bin); give .argosmodel files, or a "
                      "converted model folder (see README)\n")


def test_a_model_folder_in_the_store_that_is_a_link_is_neither_read_nor_written(
        tmp_path: Path) -> None:
    """A folder linked into a store (planted there, it may point anywhere) was read as a
    model, and ``models list`` and ``engines`` wrote its digest file behind the link."""
    config = project(tmp_path, '"de", "es", "fr"')
    assert invoke("models", "install", str(NLLB_TINY), str(DE), "-q",
                  "--config", str(config)) == (0, "")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    for store in sorted((tmp_path / ".miss-i18n").iterdir()):
        if store.is_dir() and store.name.startswith("models"):
            model = next(store.iterdir())
            shutil.copytree(model, elsewhere / store.name)
            (store / "planted").symlink_to(elsewhere / store.name)
    for digest in elsewhere.rglob("miss-i18n.json"):
        digest.unlink()
    before = snapshot(elsewhere)
    for command in (["models", "list"], ["engines"]):
        code, output = invoke(*command, "--config", str(config))
        assert code == 0 and "planted" not in output, output
    assert snapshot(elsewhere) == before


def test_a_store_reached_through_a_linked_state_folder_is_refused(tmp_path: Path) -> None:
    """The model stores' default is in ``.miss-i18n``: one that is a link sent installs
    and removals behind it. Every command refuses, naming the link, until it is a folder
    or the stores are set elsewhere."""
    config = project(tmp_path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-state"
    elsewhere.mkdir()
    (tmp_path / ".miss-i18n").symlink_to(elsewhere)
    for command in (["models", "install", str(DE)], ["models", "remove", "x"], ["engines"]):
        code, output = invoke(*command, "--config", str(config))
        assert code == 2 and ".miss-i18n is a link" in output, (command, output)
    assert list(elsewhere.iterdir()) == []


def _rewritten(source: Path, target: Path, change: Any) -> Path:
    """``source`` (a zip) written again as ``target``, each entry through ``change``
    (which returns the entry and its bytes)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(*change(info, old.read(info)))
    return target


def _flagged(path: Path, name: str, *, method: int | None = None, flag: int = 0) -> Path:
    """The zip at ``path`` with entry ``name``'s compression method or flag bits set in its
    local and central headers (zipfile writes neither a deflate64 entry nor an encrypted
    one)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    places = [(local + 6, local + 8)]
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name.encode():
            places.append((at + 8, at + 10))
        at = data.find(b"PK\x01\x02", at + 4)
    for flags, kind in places:
        struct.pack_into("<H", data, flags, struct.unpack_from("<H", data, flags)[0] | flag)
        if method is not None:
            struct.pack_into("<H", data, kind, method)
    path.write_bytes(bytes(data))
    return path


def _in_metadata(extra: bytes) -> Any:
    def change(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
        return info, (data.rstrip()[:-1] + b', "x": ' + extra + b"}"
                      if info.filename.endswith("metadata.json") else data)
    return change


def _as_folder(name: str) -> Any:
    def change(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
        if info.filename.endswith(name):
            folder = zipfile.ZipInfo(info.filename + "/")
            folder.external_attr = 0o40755 << 16
            return folder, b""
        return info, data
    return change


def _versioned(version: str) -> Any:
    def change(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
        if info.filename.endswith("metadata.json"):
            return info, json.dumps({**json.loads(data), "package_version": version}).encode()
        return info, data
    return change


@pytest.mark.parametrize("kind", ["deflate64", "encrypted", "bigint", "deep", "folder",
                                  "tokenizer folder", "long name", "control"])
def test_a_hostile_archive_is_one_line_exit_4_and_installs_nothing(tmp_path: Path,
                                                                   kind: str) -> None:
    """Each ended the install in a traceback: an entry compressed by a method zipfile
    lacks (deflate64), an encrypted one, a metadata.json holding a number of 5,000 digits
    or nested 100,000 deep, or one that is a folder. A sentencepiece.model that is a folder
    was installed; a name over 255 bytes was exit 7, the disk's (it is the archive's)."""
    config = project(tmp_path)
    made = tmp_path / "made" / DE.name
    made.parent.mkdir()
    metadata = f"{TOP}/metadata.json"
    if kind in ("deflate64", "encrypted"):
        _flagged(_rewritten(DE, made, lambda info, data: (info, data)), metadata,
                 method=9 if kind == "deflate64" else None, flag=1 if kind == "encrypted" else 0)
    elif kind in ("folder", "tokenizer folder"):
        _rewritten(DE, made, _as_folder("metadata.json" if kind == "folder"
                                        else "sentencepiece.model"))
    elif kind == "control":  # printed on a line of its own: "error: injected" followed
        _rewritten(DE, made, _versioned("1.0\nerror: injected"))
    elif kind == "long name":
        _rewritten(DE, made, lambda info, data: (info, data))
        with zipfile.ZipFile(made, "a") as archive:
            archive.writestr(f"{TOP}/" + "x" * 300, b"1")
    else:
        _rewritten(DE, made, _in_metadata(b"9" * 5000 if kind == "bigint"
                                          else b"[" * 100_000 + b"]" * 100_000))
    code, output = invoke("models", "install", str(made), "--config", str(config))
    assert code == 4 and output.startswith(f"error: {made}: ") and output.count("\n") == 1, output
    assert store_state(tmp_path) == {"lock": b""}


def test_an_nllb_folder_holding_a_name_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    config = project(tmp_path, '"de", "es", "fr"')
    folder = tmp_path / "made" / "nllb-tiny"
    shutil.copytree(NLLB_TINY, folder)
    Path(os.fsdecode(os.fsencode(folder) + b"/caf\xff.txt")).write_bytes(b"x")
    code, output = invoke("models", "install", str(folder), "--config", str(config))
    assert (code, output) == (4, f"error: {folder}: a file name that is not UTF-8 "
                                 "(b'caf\\xff.txt'); rename or remove the file\n")

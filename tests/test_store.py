"""The model store: installs .argosmodel packages safely into an ARGOS_PACKAGES_DIR layout."""

from __future__ import annotations

import errno
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import invoke, invoke_unprivileged
from miss_i18n.engines.store import DIGEST_FILE, InstalledModel, ModelStore, package_digest
from miss_i18n.errors import ModelNotFound, ModelPackageError

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
DE = MODELS / "translate-en_de-1_0.argosmodel"
ES = MODELS / "translate-en_es-1_0.argosmodel"

Entries = dict[str, bytes]


def entries_of(archive: Path) -> Entries:
    """Every file entry of a zip (directories left out)."""
    with zipfile.ZipFile(archive) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


def write_zip(path: Path, entries: Entries, *, symlink: str | None = None) -> Path:
    """A zip of ``entries``; ``symlink`` names an extra entry marked as a symbolic link."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return path


def renamed(entries: Entries, old: str, new: str) -> Entries:
    """The same package under another top-level folder name."""
    return {new + name[len(old):]: data for name, data in entries.items()}


def with_metadata(entries: Entries, top: str, **changes: object) -> Entries:
    """The same package with metadata.json keys changed (None removes a key)."""
    metadata = json.loads(entries[f"{top}/metadata.json"])
    for key, value in changes.items():
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    return {**entries, f"{top}/metadata.json": json.dumps(metadata).encode()}


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    """An empty store in a project folder (staging folders would appear beside it)."""
    return ModelStore(tmp_path / "project" / ".miss-i18n" / "models")


def test_install_file(store: ModelStore) -> None:
    [model] = store.install(DE)
    assert model == InstalledModel(
        name="translate-en_de-1_0", from_code="en", to_code="de", from_name="English",
        to_name="German", version="1.0", path=store.root / "translate-en_de-1_0",
        argos_version="1.9")
    assert model.pair == "en_de"
    assert model.label == "translate-en_de-1_0  English → German  1.0"
    assert store.list() == [model]
    for name in ("metadata.json", "model/model.bin", "model/config.json",
                 "sentencepiece.model", "spacy/meta.json"):
        assert (model.path / name).is_file()


def test_the_digest_of_a_package_is_taken_at_install_and_again_when_a_file_changes(
        store: ModelStore) -> None:
    """package_digest: what tells a re-trained package (same package_version) from the old
    one. Install writes it; a package installed before gets it at its first use; a file
    changed in place (other size or time) makes it taken again."""
    [model] = store.install(DE)
    digest_file = model.path / DIGEST_FILE
    installed = json.loads(digest_file.read_text("utf-8"))["sha256"]
    assert package_digest(model.path) == installed
    digest_file.unlink()  # as a package installed before digests were kept
    assert package_digest(model.path) == installed
    assert json.loads(digest_file.read_text("utf-8"))["sha256"] == installed
    assert sorted(p.name for p in model.path.iterdir()) == sorted(  # no temporary left
        [DIGEST_FILE, "README.md", "metadata.json", "model", "sentencepiece.model", "spacy"])
    weights = model.path / "model" / "model.bin"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # the same size: the file's time tells the change
    weights.write_bytes(bytes(data))
    changed = package_digest(model.path)
    assert changed != installed
    assert json.loads(digest_file.read_text("utf-8"))["sha256"] == changed
    # the archive's own digest file, if it has one, is never taken for the package's
    top = "translate-en_de-1_0"
    forged = write_zip(store.root.parent / "forged.argosmodel", {
        **entries_of(DE), f"{top}/{DIGEST_FILE}": json.dumps({"sha256": "0" * 64}).encode()})
    [model] = store.install(forged)
    assert package_digest(model.path) == installed


def test_install_folder_and_list_sorted(store: ModelStore) -> None:
    installed = store.install(MODELS)
    assert [m.name for m in installed] == ["translate-en_de-1_0", "translate-en_es-1_0"]
    assert store.list() == installed
    assert [m.label for m in store.list()] == [
        "translate-en_de-1_0  English → German  1.0",
        "translate-en_es-1_0  English → Spanish  1.0",
    ]
    assert store.get("translate-en_es-1_0") == installed[1]
    assert store.get("translate-xx_yy-1_0") is None
    assert store.get("../models") is None


def test_layout_is_an_argos_packages_dir(store: ModelStore) -> None:
    """Exactly one folder per package, each with metadata.json; no leftovers anywhere."""
    store.install(MODELS)
    assert sorted(p.name for p in store.root.iterdir()) == [
        "translate-en_de-1_0", "translate-en_es-1_0"]
    assert all((p / "metadata.json").is_file() for p in store.root.iterdir())
    assert sorted(p.name for p in store.root.parent.iterdir()) == ["models"]
    installed = {  # the package's files, and the digest of them install writes
        f"translate-en_de-1_0/{p.relative_to(store.root / 'translate-en_de-1_0').as_posix()}":
        p.read_bytes() for p in (store.root / "translate-en_de-1_0").rglob("*") if p.is_file()}
    assert json.loads(installed.pop(f"translate-en_de-1_0/{DIGEST_FILE}"))["sha256"] == \
        package_digest(store.root / "translate-en_de-1_0")
    assert entries_of(DE) == installed


def test_list_of_a_missing_store_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    assert ModelStore(tmp_path / "nothing" / "models").list() == []
    assert not (tmp_path / "nothing").exists()


def test_reinstall_replaces(store: ModelStore) -> None:
    [first] = store.install(DE)
    (first.path / "stale.txt").write_text("from an older install")
    (first.path / "model" / "model.bin").write_bytes(b"damaged")
    [again] = store.install(DE)
    assert again == first
    assert not (again.path / "stale.txt").exists()
    assert (again.path / "model" / "model.bin").read_bytes() == \
        entries_of(DE)["translate-en_de-1_0/model/model.bin"]
    assert sorted(p.name for p in store.root.parent.iterdir()) == ["models"]


def test_newer_package_for_the_same_pair_replaces_the_old(store: ModelStore,
                                                          tmp_path: Path) -> None:
    store.install(MODELS)
    newer = renamed(entries_of(DE), "translate-en_de-1_0", "translate-en_de-1_1")
    newer = with_metadata(newer, "translate-en_de-1_1", package_version="1.1")
    [model] = store.install(write_zip(tmp_path / "newer.argosmodel", newer))
    assert (model.name, model.version) == ("translate-en_de-1_1", "1.1")
    assert [m.name for m in store.list()] == ["translate-en_de-1_1", "translate-en_es-1_0"]


@pytest.mark.parametrize("spec", ["translate-en_de-1_0", "en_de", "en-de", "EN_DE"])
def test_remove(store: ModelStore, spec: str) -> None:
    store.install(MODELS)
    [removed] = store.remove(spec)
    assert removed.name == "translate-en_de-1_0"
    assert not removed.exists()
    assert [m.name for m in store.list()] == ["translate-en_es-1_0"]
    assert sorted(p.name for p in store.root.parent.iterdir()) == ["models"]


def test_remove_unknown_says_what_is_installed(store: ModelStore) -> None:
    store.install(ES)
    before = snapshot(store.root.parent)
    with pytest.raises(ModelNotFound, match=r"'en_fr'.*installed: translate-en_es-1_0"):
        store.remove("en_fr")
    assert snapshot(store.root.parent) == before


def _corrupt_data(tmp: Path) -> Path:
    """A zip whose directory is fine but whose model.bin bytes are damaged (bad CRC)."""
    data = bytearray(DE.read_bytes())
    with zipfile.ZipFile(DE) as zf:
        info = zf.getinfo("translate-en_de-1_0/model/model.bin")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    data[start:start + 64] = bytes(64)
    path = tmp / "crc.argosmodel"
    path.write_bytes(bytes(data))
    return path


def _garbled(tmp: Path, compression: int) -> Path:
    """A compressed package (the argos index ships deflated ones) whose model.bin data is
    garbled halfway (a bad download): zlib's and lzma's errors came out as a traceback,
    bz2's as 'cannot extract … here; check free disk space' (exit 7)."""
    path = tmp / "garbled.argosmodel"
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in entries_of(DE).items():
            zf.writestr(name, data)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(f"{TOP}/model/model.bin")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename)
    for at in range(start + 2000, start + info.compress_size - 100, 97):
        data[at] ^= 0x55
    path.write_bytes(bytes(data))
    return path


TOP = "translate-en_de-1_0"
BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not a zip": (lambda t: _text(t, "x.argosmodel", "<html>404</html>"), "not a zip archive"),
    "truncated": (lambda t: _bytes(t, "t.argosmodel", DE.read_bytes()[:50_000]),
                  "not a zip archive"),
    "bad CRC": (_corrupt_data, "corrupt data in the archive"),
    "garbled deflate data": (lambda t: _garbled(t, zipfile.ZIP_DEFLATED),
                             "corrupt data in the archive"),
    "garbled bzip2 data": (lambda t: _garbled(t, zipfile.ZIP_BZIP2),
                           "corrupt data in the archive"),
    "garbled lzma data": (lambda t: _garbled(t, zipfile.ZIP_LZMA),
                          "corrupt data in the archive"),
    "empty zip": (lambda t: write_zip(t / "e.argosmodel", {}), "empty"),
    "two top folders": (lambda t: write_zip(t / "two.argosmodel", {
        **entries_of(DE), **renamed(entries_of(ES), "translate-en_es-1_0", "other")}),
        "exactly one top-level folder"),
    "no top folder": (lambda t: write_zip(t / "flat.argosmodel", {
        name.split("/", 1)[1]: data for name, data in entries_of(DE).items()}),
        "exactly one top-level folder"),
    "missing keys": (lambda t: write_zip(t / "k.argosmodel", with_metadata(
        entries_of(DE), TOP, to_code=None, package_version=None)),
        "lacks package_version, to_code"),
    "metadata not JSON": (lambda t: write_zip(t / "j.argosmodel", {
        **entries_of(DE), f"{TOP}/metadata.json": b"{from_code: en"}), "not valid JSON"),
    "not a translate package": (lambda t: write_zip(t / "s.argosmodel", with_metadata(
        entries_of(DE), TOP, type="sbd")), "not a translation package"),
    "no model.bin": (lambda t: write_zip(t / "m.argosmodel", {
        k: v for k, v in entries_of(DE).items() if not k.endswith("model.bin")}),
        "lacks model/model.bin"),
    "no tokenizer": (lambda t: write_zip(t / "tok.argosmodel", {
        k: v for k, v in entries_of(DE).items() if not k.endswith("sentencepiece.model")}),
        "lacks sentencepiece.model"),
    "BPE tokenizer": (lambda t: write_zip(t / "bpe.argosmodel", {
        k.replace("sentencepiece.model", "bpe.model"): v for k, v in entries_of(DE).items()}),
        # it replaced the working en_de package, and every translate of de then failed
        rf"{TOP} uses bpe.model \(BPE\), which the argos engine does not support"),
    "zip-slip ..": (lambda t: write_zip(t / "slip.argosmodel", {
        **entries_of(DE), f"{TOP}/../../evil.txt": b"owned"}), "unsafe path"),
    "absolute path": (lambda t: write_zip(t / "abs.argosmodel", {
        **entries_of(DE), "/tmp/evil.txt": b"owned"}), "unsafe path"),
    "symlink": (lambda t: write_zip(t / "link.argosmodel", entries_of(DE),
                                    symlink=f"{TOP}/model/link"), "symbolic link"),
}


def _text(tmp: Path, name: str, text: str) -> Path:
    (tmp / name).write_text(text)
    return tmp / name


def _bytes(tmp: Path, name: str, data: bytes) -> Path:
    (tmp / name).write_bytes(data)
    return tmp / name


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_package_leaves_the_store_as_it_was(store: ModelStore, tmp_path: Path,
                                                case: str) -> None:
    make, message = BAD[case]
    store.install(DE)
    (store.root / TOP / "marker").write_text("must survive")
    packages = tmp_path / "incoming"
    packages.mkdir()
    bad = make(packages)
    before = snapshot(tmp_path)
    with pytest.raises(ModelPackageError, match=message) as caught:
        store.install(bad)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{bad}: ")
    assert snapshot(tmp_path) == before  # nothing written anywhere under tmp_path either


def test_a_bad_package_in_a_folder_installs_nothing(store: ModelStore, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / DE.name).write_bytes(DE.read_bytes())
    (incoming / "z-broken.argosmodel").write_bytes(DE.read_bytes()[:1000])
    with pytest.raises(ModelPackageError, match=r"z-broken\.argosmodel: not a zip archive"):
        store.install(incoming)
    assert not store.root.parent.exists()


def test_two_packages_for_one_pair_in_one_install(store: ModelStore, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / DE.name).write_bytes(DE.read_bytes())
    write_zip(incoming / "copy.argosmodel",
              renamed(entries_of(DE), TOP, "translate-en_de-2_0"))
    with pytest.raises(ModelPackageError, match="both provide en_de; install only one"):
        store.install(incoming)


@pytest.mark.parametrize(("make", "message"), [
    (lambda t: t / "missing.argosmodel", "no such file or folder"),
    (lambda t: t, r"no \*\.argosmodel files"),
])
def test_nothing_to_install(store: ModelStore, tmp_path: Path,
                            make: Callable[[Path], Path], message: str) -> None:
    with pytest.raises(ModelPackageError, match=message):
        store.install(make(tmp_path))


def test_an_unpacked_package_folder_is_refused_with_a_hint(store: ModelStore) -> None:
    store.install(DE)
    with pytest.raises(ModelPackageError, match=r"unpacked package folder; give the \.argosmodel"):
        ModelStore(store.root.parent / "other").install(store.root / TOP)


def test_a_foreign_folder_in_the_store_is_reported(store: ModelStore) -> None:
    """argostranslate fails on such a folder too, so the store says so, with the fix."""
    store.install(DE)
    (store.root / "notes").mkdir()
    with pytest.raises(ModelPackageError, match=r"notes: not a complete model package "
                                                r"\(no metadata.json\).*remove it"):
        store.list()


def test_store_imports_nothing_heavy() -> None:
    """The store and the engine import neither argostranslate nor CTranslate2 up front."""
    code = ("import sys, miss_i18n.engines.store, miss_i18n.engines.argos; "
            "print(sorted(m for m in ('argostranslate', 'ctranslate2', 'sentencepiece', "
            "'torch', 'spacy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert done.stdout.strip() == "[]"


def test_zip_helpers_roundtrip(tmp_path: Path) -> None:
    """The helpers above build what they claim (guards the negative tests)."""
    path = write_zip(tmp_path / "x.zip", {"a/b": b"1"}, symlink="a/c")
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        assert [i.filename for i in zf.infolist()] == ["a/b", "a/c"]


# -- through the CLI -----------------------------------------------------------------


def project(tmp_path: Path) -> Path:
    """A project folder's pyproject.toml; its store is .miss-i18n/models."""
    (tmp_path / "source").mkdir()
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.miss-i18n]\nlocales = ["de", "es"]\n')
    return config


def one_error(output: str, path: Path, message: str) -> None:
    """``output`` is one line: ``error: <path>: <message…>``."""
    assert output.count("\n") == 1, output
    assert output.startswith(f"error: {path}: {message}"), output


def test_a_store_whose_parent_is_not_writable_is_one_line_exit_7(tmp_path: Path) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), "--config", str(config))[0] == 0
    parent = tmp_path / ".miss-i18n"
    before = snapshot(parent)
    parent.chmod(0o555)
    try:
        for args in (("install", str(ES)), ("remove", "en_de")):
            code, output = invoke_unprivileged("models", *args, "--config", str(config))
            assert code == 7
            one_error(output, parent, "cannot create a temporary folder here for the model "
                                      "store (Permission denied); make this folder writable")
    finally:
        parent.chmod(0o755)
    assert snapshot(parent) == before


NLLB_TINY = MODELS / "nllb-tiny"


@pytest.mark.parametrize(("link", "target"), [
    ("notes.txt", "/etc/passwd"), ("model.bin", "/etc/hostname"), ("again", "."),
    ("sub/deeper", "/etc")])
def test_a_link_in_an_nllb_folder_is_refused_and_not_followed(tmp_path: Path, link: str,
                                                              target: str) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(NLLB_TINY), "--config", str(config))[0] == 0
    before = snapshot(tmp_path / ".miss-i18n")
    folder = tmp_path / "incoming" / "nllb-tiny"
    shutil.copytree(NLLB_TINY, folder)
    (folder / "sub").mkdir()
    (folder / link).unlink(missing_ok=True)
    (folder / link).symlink_to(target)
    code, output = invoke("models", "install", str(folder), "--config", str(config))
    assert code == 4
    one_error(output, folder / link, "a symbolic link, which a model folder never needs "
                                     "(links are not followed); put the real file there")
    assert snapshot(tmp_path / ".miss-i18n") == before


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_an_nllb_archive_holding_a_file_twice_is_bad_input(tmp_path: Path, kind: str) -> None:
    """It was exit 7 blaming the project's folder (cannot unpack the archive here (File
    exists); check free disk space and permissions): the archive is at fault, as an
    .argosmodel holding a name twice is."""
    config = project(tmp_path)
    archive = tmp_path / f"nllb-dup.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted(NLLB_TINY.iterdir()):
                zf.write(path, f"nllb-dup/{path.name}")
            with pytest.warns(UserWarning, match="Duplicate name"):
                zf.writestr("nllb-dup/config.json", b"{}")
    else:
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(NLLB_TINY, "nllb-dup")
            tf.add(NLLB_TINY / "config.json", "nllb-dup/config.json")
    code, output = invoke("models", "install", str(archive), "--config", str(config))
    assert code == 4
    one_error(output, archive, "the archive holds 'nllb-dup/config.json' twice; get a fresh "
                               "copy")
    assert not (tmp_path / ".miss-i18n" / "models-nllb").exists()
    clash = tmp_path / "nllb-clash.zip"
    with zipfile.ZipFile(clash, "w") as zf:
        for path in sorted(NLLB_TINY.iterdir()):
            zf.write(path, f"nllb-clash/{path.name}")
        zf.writestr("nllb-clash/README.md/x", b"")  # a file inside a file
    code, output = invoke("models", "install", str(clash), "--config", str(config))
    assert code == 4
    one_error(output, clash, "the archive's entries clash: one is a file inside another file")


def test_a_refused_install_leaves_no_empty_store_behind(tmp_path: Path) -> None:
    config = project(tmp_path)
    folder = tmp_path / "incoming" / "nllb-tiny"
    shutil.copytree(NLLB_TINY, folder)
    (folder / "again").symlink_to(".")
    assert invoke("models", "install", str(folder), "--config", str(config))[0] == 4
    assert [p.name for p in (tmp_path / ".miss-i18n").iterdir()] == ["lock"]  # as any command


def _argos_with_weights(tmp: Path, change: Callable[[bytes], bytes]) -> Path:
    entries = entries_of(DE)
    weights = f"{TOP}/model/model.bin"
    return write_zip(tmp / DE.name, {**entries, weights: change(entries[weights])})


def _nllb_with_weights(tmp: Path, change: Callable[[bytes], bytes]) -> Path:
    folder = tmp / "nllb-tiny"
    shutil.copytree(NLLB_TINY, folder)
    (folder / "model.bin").write_bytes(change((folder / "model.bin").read_bytes()))
    return folder


NOT_A_MODEL = "model.bin is not a CTranslate2 model (no binary version in its first bytes); "
BAD_WEIGHTS = {
    "argos garbage": (_argos_with_weights, lambda b: b"garbage", NOT_A_MODEL),
    "argos empty": (_argos_with_weights, lambda b: b"", NOT_A_MODEL),
    "argos truncated": (_argos_with_weights, lambda b: b[:len(b) // 2],
                        "CTranslate2 cannot load model.bin (Variable "),
    "nllb garbage": (_nllb_with_weights, lambda b: b"garbage\n", NOT_A_MODEL),
    "nllb truncated": (_nllb_with_weights, lambda b: b[:-1000],
                       "CTranslate2 cannot load model.bin (Variable "),
}


def _argos_with_tokenizer(tmp: Path, change: Callable[[bytes], bytes]) -> Path:
    entries = entries_of(DE)
    tokenizer = f"{TOP}/sentencepiece.model"
    return write_zip(tmp / DE.name, {**entries, tokenizer: change(entries[tokenizer])})


def _nllb_with_tokenizer(tmp: Path, change: Callable[[bytes], bytes]) -> Path:
    folder = tmp / "nllb-tiny"
    shutil.copytree(NLLB_TINY, folder)
    tokenizer = folder / "sentencepiece.bpe.model"
    tokenizer.write_bytes(change(tokenizer.read_bytes()))
    return folder


BAD_TOKENIZERS = {
    "argos garbage": (_argos_with_tokenizer, lambda b: b"garbage\n",
                      "SentencePiece cannot load sentencepiece.model ("),
    "argos truncated": (_argos_with_tokenizer, lambda b: b[:len(b) // 2],
                        "SentencePiece cannot load sentencepiece.model ("),
    "nllb garbage": (_nllb_with_tokenizer, lambda b: b"garbage\n",
                     "SentencePiece cannot load sentencepiece.bpe.model ("),
}


BAD_FILES = {**{f"weights, {case}": how for case, how in BAD_WEIGHTS.items()},
             **{f"tokenizer, {case}": how for case, how in BAD_TOKENIZERS.items()}}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_model_its_libraries_cannot_load_replaces_nothing(tmp_path: Path, case: str
                                                            ) -> None:
    """A package whose weights CTranslate2, or whose SentencePiece model SentencePiece,
    cannot load is refused before it replaces the working one (a damaged tokenizer was
    installed over it, and every later translate of its locales failed)."""
    pytest.importorskip("ctranslate2")
    pytest.importorskip("sentencepiece")
    make, change, message = BAD_FILES[case]
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), str(NLLB_TINY), "--config",
                  str(config))[0] == 0
    before = snapshot(tmp_path / ".miss-i18n")
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    bad = make(incoming, change)
    code, output = invoke("models", "install", str(bad), "--config", str(config))
    assert code == 4
    one_error(output, bad, message)
    assert "staging" not in output  # the staged copy's path means nothing to the user
    assert snapshot(tmp_path / ".miss-i18n") == before


def test_garbage_weights_are_refused_without_ctranslate2(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # importing it fails
    config = project(tmp_path)
    bad = _argos_with_weights(tmp_path, lambda b: b"garbage")
    code, output = invoke("models", "install", str(bad), "--config", str(config))
    assert code == 4
    one_error(output, bad, NOT_A_MODEL)
    assert invoke("models", "install", str(DE), "--config", str(config))[0] == 0


def test_a_damaged_package_says_how_to_remove_it_and_can_be(tmp_path: Path) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(MODELS), "--config", str(config))[0] == 0
    damaged = tmp_path / ".miss-i18n" / "models" / TOP
    (damaged / "metadata.json").unlink()
    code, output = invoke("models", "list", "--config", str(config))
    assert code == 4
    one_error(output, damaged, "not a complete model package (no metadata.json), and every "
                               "folder in the model store must be one: remove it (`miss-i18n "
                               f"models remove {TOP}`), or install its .argosmodel again")
    assert invoke("models", "remove", "en_es", "--config", str(config)) == (
        0, "removed translate-en_es-1_0\n")
    assert invoke("models", "remove", TOP, "--config", str(config)) == (0, f"removed {TOP}\n")
    assert sorted(p.name for p in (tmp_path / ".miss-i18n").iterdir()) == ["lock", "models"]
    assert not any((tmp_path / ".miss-i18n" / "models").iterdir())


def test_installing_a_damaged_package_again_replaces_it(tmp_path: Path) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), "--config", str(config))[0] == 0
    good = digest_without_times(snapshot(tmp_path / ".miss-i18n"))
    (tmp_path / ".miss-i18n" / "models" / TOP / "metadata.json").unlink()
    assert invoke("models", "install", str(DE), "--config", str(config))[0] == 0
    assert digest_without_times(snapshot(tmp_path / ".miss-i18n")) == good


def digest_without_times(found: dict[str, bytes | None]) -> dict[str, bytes | None]:
    """A snapshot with the argos package's digest file holding only the digest (the file
    times it records are the install's)."""
    name = f"models/{TOP}/{DIGEST_FILE}"
    return {**found, name: json.loads(found[name] or b"")["sha256"].encode()}


def info_without_times(found: dict[str, bytes | None]) -> dict[str, bytes | None]:
    """A snapshot with the NLLB folder's miss-i18n.json without its files' stamps (the
    file times it records are the install's)."""
    name = f"models-nllb/nllb-tiny/{DIGEST_FILE}"
    info = json.loads(found[name] or b"")
    assert [name for name, _size, _time in info.pop("files")] == sorted(
        path.name for path in NLLB_TINY.iterdir())
    return {**found, name: json.dumps(info).encode()}


def test_a_damaged_nllb_folder_can_be_removed_or_installed_again(tmp_path: Path) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(NLLB_TINY), "--config", str(config))[0] == 0
    good = info_without_times(snapshot(tmp_path / ".miss-i18n"))
    info = tmp_path / ".miss-i18n" / "models-nllb" / "nllb-tiny" / "miss-i18n.json"
    info.unlink()
    code, output = invoke("models", "list", "--config", str(config))
    assert code == 4 and "remove it (`miss-i18n models remove nllb-tiny`)" in output
    assert invoke("models", "install", str(NLLB_TINY), "--config", str(config))[0] == 0
    assert info_without_times(snapshot(tmp_path / ".miss-i18n")) == good
    info.unlink()
    assert invoke("models", "remove", "nllb-tiny", "--config", str(config)) == (
        0, "removed nllb-tiny\n")
    assert not any((tmp_path / ".miss-i18n" / "models-nllb").iterdir())


@pytest.mark.parametrize(("args", "where", "message"), [
    (("install", str(ES)), "models",
     "cannot move the package into the model store (Permission denied); check its permissions"),
    (("install", str(NLLB_TINY)), "models-nllb",
     "cannot move the model into the store (Permission denied); check its permissions"),
    (("remove", "en_de"), f"models/{TOP}",
     "cannot remove the model (Permission denied); check the folder's permissions"),
    (("remove", "nllb-tiny"), "models-nllb/nllb-tiny",
     "cannot remove the model (Permission denied); check the folder's permissions"),
])
def test_a_store_that_cannot_be_written_is_exit_7(tmp_path: Path, args: tuple[str, ...],
                                                  where: str, message: str) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), str(NLLB_TINY), "--config", str(config))[0] == 0
    before = snapshot(tmp_path / ".miss-i18n")
    stores = [tmp_path / ".miss-i18n" / name for name in ("models", "models-nllb")]
    for store_folder in stores:
        store_folder.chmod(0o555)
    try:
        code, output = invoke_unprivileged("models", *args, "--config", str(config))
    finally:
        for store_folder in stores:
            store_folder.chmod(0o755)
    assert code == 7
    one_error(output, tmp_path / ".miss-i18n" / where, message)
    assert snapshot(tmp_path / ".miss-i18n") == before


@pytest.mark.parametrize("model", [DE, NLLB_TINY])
def test_a_store_that_cannot_be_created_is_exit_7(tmp_path: Path, model: Path) -> None:
    config = project(tmp_path)
    (tmp_path / ".miss-i18n").mkdir()
    (tmp_path / ".miss-i18n" / "lock").touch()  # a command before this one made it
    (tmp_path / ".miss-i18n").chmod(0o555)
    code, output = invoke_unprivileged("models", "install", str(model), "--config", str(config))
    assert code == 7
    store_folder = tmp_path / ".miss-i18n" / ("models" if model == DE else "models-nllb")
    one_error(output, store_folder, "cannot create the model store (Permission denied); check "
                                    "the permissions, or choose another folder")
    assert [p.name for p in (tmp_path / ".miss-i18n").iterdir()] == ["lock"]


@pytest.mark.parametrize(("model", "module", "message"), [
    (DE, "store", f"cannot extract {DE.name} here (No space left on device)"),
    (NLLB_TINY, "nllb_store", "cannot copy the model here (No space left on device)"),
])
def test_a_full_disk_while_staging_is_exit_7(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             model: Path, module: str, message: str) -> None:
    config = project(tmp_path)
    assert invoke("models", "install", str(DE), str(NLLB_TINY), "--config", str(config))[0] == 0
    before = snapshot(tmp_path / ".miss-i18n")

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(importlib.import_module(f"miss_i18n.engines.{module}"),
                        "extract_member", full)
    code, output = invoke("models", "install", str(model), "--config", str(config))
    assert code == 7
    one_error(output, tmp_path / ".miss-i18n", message + "; check free disk space and "
                                                         "permissions")
    assert snapshot(tmp_path / ".miss-i18n") == before

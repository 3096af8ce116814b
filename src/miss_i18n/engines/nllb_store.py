"""A project-local store of NLLB-200 and M2M-100 CTranslate2 model folders.

A user converts a model once (``ct2-transformers-converter --model
facebook/nllb-200-distilled-600M --quantization int8 --output_dir nllb-600m``) and copies
the tokenizer's ``sentencepiece.bpe.model`` beside it. ``install`` takes that folder (or a
.zip / .tar.gz of it), checks it, and copies it into the store atomically: the copy is
made in a staging folder beside the store and renamed into place, so the store only ever
holds complete folders.

Where: beside the argos store, never in it (``<models-dir>-nllb``, by default
``.miss-i18n/models-nllb``). The argos store must stay a valid ``ARGOS_PACKAGES_DIR``, in
which argostranslate fails on any folder without ``metadata.json``.

Each installed folder gets ``miss-i18n.json``, written at install time: the model
family (read from the vocabulary: ``eng_Latn`` tokens are NLLB-200, ``__en__`` tokens
M2M-100), the language tokens it holds, and a SHA-256 digest of its files. Listing and
choosing models reads only that small file; an NLLB vocabulary has 256,000 entries and
``model.bin`` is hundreds of megabytes.

Only the standard library: no CTranslate2, no network.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from miss_i18n.engines.store import (
    ARCHIVE_ERRORS,
    DIGEST_FILE,
    SAFE_NAME,
    FolderStore,
    Staged,
    Stamp,
    check_tokenizer,
    check_weights,
    commit,
    extract_member,
    keep_digest_file,
    stamp_of,
)
from miss_i18n.errors import ModelPackageError, WriteError, one_line

NLLB = "NLLB-200"
M2M100 = "M2M-100"
INFO = DIGEST_FILE
WEIGHTS = "model.bin"
CONFIG = "config.json"
VOCABULARIES = ("shared_vocabulary.json", "shared_vocabulary.txt")
TOKENIZERS = ("sentencepiece.bpe.model", "sentencepiece.model")
TARBALLS = (".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar")
"""What ``tarfile`` opens, compressed or not (xz is common for large weights)."""
ARCHIVES = (".zip", *TARBALLS)
UNPACKED = "unpacked"
_NLLB_TOKEN = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")
_M2M_TOKEN = re.compile(r"__[a-z]{2,3}__")
_HOW_TO_MAKE = ("convert it with ct2-transformers-converter and copy the tokenizer's "
                "sentencepiece.bpe.model beside model.bin (see README)")


def is_candidate(path: Path) -> bool:
    """Whether ``models install PATH`` should treat ``path`` as an NLLB/M2M-100 model:
    an archive, or a folder holding a CTranslate2 model rather than .argosmodel files."""
    if path.is_file():
        return path.name.lower().endswith(ARCHIVES)
    return path.is_dir() and any((path / name).exists() for name in
                                 (WEIGHTS, CONFIG, *VOCABULARIES, *TOKENIZERS))


@dataclass(frozen=True)
class InstalledNllb:
    """One model folder in the store, as its miss-i18n.json describes it."""

    name: str
    """The folder name, e.g. ``nllb-600m``."""
    path: Path
    family: str
    """``NLLB-200`` or ``M2M-100``."""
    languages: frozenset[str]
    """The language tokens in its vocabulary (``deu_Latn`` or ``__de__``)."""
    digest: str
    """SHA-256 of its files (names and contents), hex."""
    tokenizer: str = TOKENIZERS[0]

    @property
    def version(self) -> str:
        """What provenance and the translation memory name the model version by."""
        return f"sha256:{self.digest[:12]}"


class NllbStore(FolderStore[InstalledNllb]):
    """Install, list and remove NLLB-200 / M2M-100 folders in one folder."""

    def _read(self, folder: Path) -> InstalledNllb:
        return _read(folder)

    def install(self, path: Path) -> InstalledNllb:
        """Check and copy a model folder (or a .zip / .tar.gz of one) into the store.

        A model of the same name is replaced. Raises ModelPackageError naming what is
        wrong; the store is then unchanged.
        """
        with ExitStack() as stack:
            [staged] = self.stage([path], stack)
            commit([staged])
        installed = self.get(staged.new.name)
        assert installed is not None
        return installed

    def stage(self, paths: Sequence[Path], stack: ExitStack) -> list[Staged]:
        """Check each model folder (or archive of one) and copy it into a staging folder
        beside the store, where its weights are checked and miss-i18n.json written;
        nothing in the store changes. The store folder and the staging folder live as
        long as ``stack``. Raises ModelPackageError naming the first bad path."""
        for path in paths:
            if not path.exists():
                raise ModelPackageError("no such file or folder; give an NLLB-200 or M2M-100 "
                                        "model folder, or a .zip / .tar.gz of one", path=path)
        unique = list({path.resolve(): path for path in paths}.values())  # each once
        if not unique:
            return []
        stack.enter_context(self._created())
        staging = stack.enter_context(self._staging())
        staged: list[Staged] = []
        for number, path in enumerate(unique):
            work = staging / str(number)
            try:
                work.mkdir()
            except OSError as error:
                raise _unwritable(self.root.parent, error) from None
            new = self._stage_one(path, work)
            twin = next((s.given for s in staged if s.new.name == new.name), None)
            if twin is not None:
                raise ModelPackageError(f"{twin} and {path} would both be installed as "
                                        f"{new.name}; install only one of them", path=path)
            staged.append(Staged(self, new, work / "old", path))
        return staged

    def _stage_one(self, path: Path, work: Path) -> Path:
        """One model checked and copied below ``work``; returns its staged folder."""
        folder = _unpack(path, work, self.root.parent) if path.is_file() else path
        name = _name(path if folder.name == UNPACKED else folder, path)
        _refuse_links(folder, path)
        _refuse_undecodable_names(folder, path)
        info = _check(folder, path)
        new = work / "new" / name
        _copy(folder, new, path, self.root.parent)
        _refuse_links(new, path)  # one made while copying is not followed either
        check_weights(new, path, _HOW_TO_MAKE)
        check_tokenizer(new / info["tokenizer"], path, _HOW_TO_MAKE)
        stamp = stamp_of(new)
        info.update(digest=_digest(new, stamp), files=[list(item) for item in stamp])
        try:
            (new / INFO).write_text(_info_text(info), "utf-8")
        except OSError as error:
            raise _unwritable(self.root.parent, error) from None
        return new

    def remove(self, name: str) -> Path | None:
        """Remove the folder with this name, also a damaged one; None if there is none."""
        folder = self._named(name)
        if folder is not None:
            self.discard([folder])
        return folder

    def matching(self, name: str) -> list[Path]:
        """The folder ``remove`` would remove for ``name`` (damaged or not), or none."""
        folder = self._named(name)
        return [folder] if folder is not None else []

    # last: the method name `list` would shadow the builtin in the annotations above

    def list(self) -> list[InstalledNllb]:
        """Every installed model, by folder name (code-point order): the order in which
        the engine looks for a locale's model."""
        return self._installed()


def _read(folder: Path) -> InstalledNllb:
    """The InstalledNllb of a store folder (reads miss-i18n.json only)."""
    try:
        info = json.loads((folder / INFO).read_text("utf-8"))
        model = InstalledNllb(
            name=folder.name, path=folder, family=str(info["family"]),
            languages=frozenset(str(t) for t in info["languages"]),
            digest=_current_digest(folder, info), tokenizer=str(info["tokenizer"]))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        raise ModelPackageError(f"not a complete model folder (no readable {INFO}), and every "
                                "folder in the NLLB model store must be one: remove it "
                                f"(`miss-i18n models remove {folder.name}`), or install the "
                                "model again", path=folder) from None
    if model.family not in (NLLB, M2M100) or model.tokenizer not in TOKENIZERS:
        raise ModelPackageError(f"{INFO} is not one this version wrote; install the model "
                                "again", path=folder)
    return model


def _refuse_links(folder: Path, given: Path) -> None:
    """Only regular files and folders below ``folder``, as in an archive: a link could copy
    a file from anywhere (``notes.txt -> /etc/passwd``) into the store, or loop."""
    for parent, folders, files in os.walk(folder):
        for entry in sorted(folders + files):
            mode = (Path(parent) / entry).lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                shown = given / (Path(parent) / entry).relative_to(folder)
                kind = "a symbolic link" if stat.S_ISLNK(mode) else "a special file"
                raise ModelPackageError(f"{kind}, which a model folder never needs (links are "
                                        "not followed); put the real file there",
                                        path=shown)


def _copy(folder: Path, new: Path, given: Path, where: Path) -> None:
    """Copy the model's files into staging, never through a link (``O_NOFOLLOW``). A file
    that cannot be read is the input's fault (exit 4), one that cannot be written the
    store's (exit 7)."""
    for source in sorted(folder.rglob("*")):
        parts = source.relative_to(folder).parts
        if parts == (INFO,):  # install writes its own
            continue
        handle = None
        if not source.is_dir():
            try:
                handle = os.fdopen(os.open(source, os.O_RDONLY | os.O_NOFOLLOW), "rb")
            except OSError as error:
                raise ModelPackageError(f"cannot read {'/'.join(parts)} ({error.strerror}); "
                                        "check its permissions", path=given) from None
        try:
            extract_member(new, parts, handle is None, functools.partial(_opened, handle))
        except OSError as error:
            raise _unwritable(where, error) from None
        finally:
            if handle is not None:
                handle.close()


def _unwritable(where: Path, error: OSError) -> WriteError:
    """Writing into the staging folder beside the store failed: name the folder it is in
    (the store's parent)."""
    return WriteError(f"cannot copy the model here ({error.strerror}); check free disk space "
                      "and permissions", path=where)


def _check(folder: Path, given: Path) -> dict[str, Any]:
    """What install writes into miss-i18n.json, after checking every required file."""
    missing = [n for n in (WEIGHTS, CONFIG) if not (folder / n).is_file()]
    vocabulary = next((folder / n for n in VOCABULARIES if (folder / n).is_file()), None)
    tokenizer = next((n for n in TOKENIZERS if (folder / n).is_file()), None)
    if vocabulary is None:
        missing.append(" or ".join(VOCABULARIES))
    if tokenizer is None:
        missing.append(" or ".join(TOKENIZERS))
    if missing:
        raise ModelPackageError(f"not an NLLB-200 or M2M-100 CTranslate2 model: no "
                                f"{', '.join(missing)}; {_HOW_TO_MAKE}", path=given)
    try:
        config = json.loads((folder / CONFIG).read_text("utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise ModelPackageError(f"{CONFIG} is not valid JSON ({error}); {_HOW_TO_MAKE}",
                                path=given) from None
    if not isinstance(config, dict):
        raise ModelPackageError(f"{CONFIG} is not a JSON object; {_HOW_TO_MAKE}", path=given)
    assert vocabulary is not None and tokenizer is not None
    tokens = _vocabulary(vocabulary, given)
    nllb = sorted(t for t in tokens if _NLLB_TOKEN.fullmatch(t))
    m2m = sorted(t for t in tokens if _M2M_TOKEN.fullmatch(t))
    if "eng_Latn" in nllb:
        family, languages = NLLB, nllb
    elif "__en__" in m2m:
        family, languages = M2M100, m2m
    else:
        raise ModelPackageError(f"{vocabulary.name} has no eng_Latn (NLLB-200) or __en__ "
                                "(M2M-100) language token: not a model this engine can drive "
                                "from English; install a converted NLLB-200 or M2M-100 model "
                                "(facebook/nllb-200-distilled-600M, facebook/m2m100_418M: see "
                                "README)", path=given)
    if "</s>" not in tokens:
        raise ModelPackageError(f"{vocabulary.name} has no </s> token; {_HOW_TO_MAKE}",
                                path=given)
    return {"family": family, "languages": languages, "tokenizer": tokenizer}


def _vocabulary(path: Path, given: Path) -> set[str]:
    """The tokens of a CTranslate2 vocabulary file (JSON list, or one token a line)."""
    try:
        text = path.read_text("utf-8")
        if path.suffix == ".json":
            tokens = json.loads(text)
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise ValueError("not a JSON list of tokens")
            return set(tokens)
        return set(text.splitlines())
    except (OSError, ValueError, RecursionError) as error:
        raise ModelPackageError(f"unreadable vocabulary {path.name} ({one_line(error)}); "
                                f"{_HOW_TO_MAKE}", path=given) from None


def _info_text(info: dict[str, Any]) -> str:
    return json.dumps(info, indent=1, sort_keys=True) + "\n"


def _current_digest(folder: Path, info: dict[str, Any]) -> str:
    """The digest of the model's files as they are now: the one install took while every
    file has the size and time it had then (``files``), else taken again and kept in
    miss-i18n.json, so that a model.bin replaced by hand is never taken for the model
    the translation memory's drafts came from. A file that cannot be read (loading the
    model fails then, saying so) leaves the recorded digest."""
    stamp = stamp_of(folder)
    if info.get("files") == [list(item) for item in stamp]:
        return str(info["digest"])
    try:
        digest = _digest(folder, stamp)
    except OSError:
        return str(info["digest"])
    keep_digest_file(folder, _info_text({**info, "digest": digest,
                                         "files": [list(item) for item in stamp]}))
    return digest


@functools.lru_cache(maxsize=16)
def _refuse_undecodable_names(folder: Path, given: Path) -> None:
    """ModelPackageError where a file's name is not UTF-8 (``caf\\xff.txt``): the store's
    record of the files names each in UTF-8, and hashing it ended in a traceback."""
    for found in folder.rglob("*"):
        try:
            found.name.encode("utf-8")
        except UnicodeEncodeError:
            raise ModelPackageError(f"a file name that is not UTF-8 "
                                    f"({found.name.encode('utf-8', 'surrogateescape')!r}); "
                                    "rename or remove the file", path=given) from None


def _digest(folder: Path, stamp: Stamp) -> str:
    """SHA-256 over the stamped files' relative names and contents, in name order."""
    digest = hashlib.sha256()
    for name, _size, _time in stamp:
        digest.update(name.encode("utf-8") + b"\0")
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _name(named: Path, given: Path) -> str:
    """The store name: the folder's (``.`` and ``..`` named as what they stand for, links
    not followed), or the archive's without its suffix."""
    name = Path(os.path.abspath(named)).name  # noqa: PTH100 (resolve() follows links)
    for suffix in ARCHIVES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    if not SAFE_NAME.fullmatch(name):
        raise ModelPackageError(f"unusable model folder name {name!r}: use letters, digits, "
                                "'.', '_' and '-'", path=given)
    return name


def _unpack(archive: Path, staging: Path, where: Path) -> Path:
    """Extract a .zip / .tar(.gz) into staging; the model folder inside it. A write
    error names ``where`` (the folder staging is in)."""
    into = staging / UNPACKED
    into.mkdir()
    lower = archive.name.lower()
    try:
        if lower.endswith(".zip"):
            _unzip(archive, into)
        elif lower.endswith(TARBALLS):
            _untar(archive, into)
        else:
            raise ModelPackageError(f"not a model folder or a .zip / .tar.gz archive; "
                                    f"{_HOW_TO_MAKE}", path=archive)
    except OSError as error:
        if error.errno in (errno.EEXIST, errno.ENOTDIR, errno.EISDIR):  # entries that clash
            raise ModelPackageError(f"the archive's entries clash: one is a file inside "
                                    f"another file ({error.strerror}); get a fresh copy",
                                    path=archive) from None
        if error.errno == errno.ENAMETOOLONG:  # the archive's name, not the disk
            raise ModelPackageError(f"an entry's name is too long to unpack "
                                    f"({error.strerror}); get a fresh copy",
                                    path=archive) from None
        if error.errno in (errno.ENOSPC, errno.EDQUOT) or (
                error.filename is not None and Path(error.filename).is_relative_to(into)):
            raise WriteError(f"cannot unpack the archive here ({error.strerror}); check free "
                             "disk space and permissions", path=where) from None
        raise ModelPackageError(f"unreadable archive ({one_line(error)}); get a fresh copy",
                                path=archive) from None
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, lzma.LZMAError,
            zlib.error, *ARCHIVE_ERRORS) as error:  # zlib's: a garbled deflate or gzip stream
        raise ModelPackageError(f"unreadable archive ({one_line(error)}); get a fresh copy",
                                path=archive) from None
    entries = list(into.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return into


def _safe(name: str, archive: Path, is_dir: bool) -> tuple[str, ...]:
    """An archive entry's path parts; refuses anything that could land outside. A folder
    entry ``.`` or ``./`` (``tar -C folder .`` writes one) is the archive's own root."""
    parts = tuple(p for p in name.rstrip("/").split("/") if p not in ("", "."))
    if not parts and is_dir and name and not name.startswith("/"):
        return parts
    if (not parts or name.startswith("/") or "\\" in name or "\0" in name
            or ".." in parts or re.match(r"[A-Za-z]:", name) or PurePosixPath(name).is_absolute()):
        raise ModelPackageError(f"unsafe path {name!r} in the archive (it could write outside "
                                "the model folder); do not install this file", path=archive)
    return parts


def _special(name: str, archive: Path) -> ModelPackageError:
    return ModelPackageError(f"{name!r} in the archive is a link or a special file, which a "
                             "model never needs; do not install this file", path=archive)


def _once(parts: tuple[str, ...], is_dir: bool, seen: dict[tuple[str, ...], bool],
          archive: Path) -> None:
    """Refuse a name the archive holds twice, but for a folder listed again (which copy
    of a file is the model's is unclear)."""
    if parts in seen and not (is_dir and seen[parts]):
        raise ModelPackageError(f"the archive holds {'/'.join(parts)!r} twice; get a fresh "
                                "copy", path=archive)
    seen[parts] = is_dir


def _unzip(archive: Path, into: Path) -> None:
    seen: dict[tuple[str, ...], bool] = {}
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            parts = _safe(member.filename, archive, member.is_dir())
            if stat.S_IFMT(member.external_attr >> 16) not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise _special(member.filename, archive)
            _once(parts, member.is_dir(), seen, archive)
            extract_member(into, parts, member.is_dir(),
                           functools.partial(zf.open, member))


def _untar(archive: Path, into: Path) -> None:
    seen: dict[tuple[str, ...], bool] = {}
    with tarfile.open(archive) as tf:
        for member in tf:
            parts = _safe(member.name, archive, member.isdir())
            if not (member.isfile() or member.isdir()):
                raise _special(member.name, archive)
            _once(parts, member.isdir(), seen, archive)
            source = tf.extractfile(member) if member.isfile() else None
            extract_member(into, parts, member.isdir(),
                           functools.partial(_opened, source))


def _opened(source: IO[bytes] | None) -> IO[bytes]:
    assert source is not None  # a regular file, not a folder
    return source


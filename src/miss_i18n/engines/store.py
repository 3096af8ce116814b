"""A project-local store of Argos Translate model packages (``.argosmodel`` files).

The store is a folder (by default ``.miss-i18n/models`` in the project) laid out exactly
like argostranslate's ``ARGOS_PACKAGES_DIR``: one folder per package, each holding
``metadata.json``. So argostranslate's own loader can read it (point
``ARGOS_PACKAGES_DIR`` at it), and nothing is installed into the user's home.

Why not ``argostranslate.package.install_from_path``: importing argostranslate takes
seconds and creates folders in the home directory, and its installer extracts straight
into the live folder without checking anything (a zip entry named ``../x`` lands outside
it; a half-written package breaks every later load). Here a package is validated first,
extracted into a staging folder beside the store, and renamed into place, so the store
only ever holds complete packages, and a bad file leaves it exactly as it was.

The staging folder sits beside the store, not in it, on purpose: argostranslate fails
on any folder in ``ARGOS_PACKAGES_DIR`` without ``metadata.json``, so a temporary folder
inside the store would break concurrent (or, after a crash, every later) argos load.
Being in the same parent folder keeps the final renames on one file system (atomic).

Each installed package gets ``miss-i18n.json`` beside its metadata.json: a digest of its
files (``package_digest``), which the translation memory keys drafts by, since a package
re-trained with argos-train keeps its package_version.

Only ``zipfile`` and ``json``: no argostranslate, no network.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import importlib
import json
import lzma
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Generic, TypeVar

from miss_i18n.errors import ModelNotFound, ModelPackageError, WriteError, one_line
from miss_i18n.files import NOT_A_FOLDER, blocked_by

PACKAGE_SUFFIX = ".argosmodel"
METADATA = "metadata.json"
REQUIRED_KEYS = ("package_version", "from_code", "from_name", "to_code", "to_name")
REQUIRED_FILES = ("model/model.bin", "model/config.json")
TOKENIZERS = ("sentencepiece.model", "bpe.model")
MAX_METADATA_BYTES = 1 << 20
DIGEST_FILE = "miss-i18n.json"
"""Beside metadata.json in an installed package: the digest of its files (``package_digest``);
argostranslate reads no file it does not know."""
ARCHIVE_ERRORS = (NotImplementedError, RuntimeError, UnicodeError, KeyError, ValueError,
                  RecursionError)
"""What reading a hostile archive raises beside the archive modules' own errors: an entry
compressed by a method zipfile lacks (deflate64), or encrypted; a name flagged UTF-8 that
is not; a member that is no file; a number or nesting json refuses. Each ended the
install in a traceback: the archive is damaged, not the tool."""
ARCHIVE_FAULTS = (errno.ENAMETOOLONG, errno.EEXIST, errno.ENOTDIR, errno.EISDIR)
"""Unpacking errors an archive causes, not the disk: a name over 255 bytes, or entries
that clash (a file ``top/model`` and a folder of that name)."""
MAX_BINARY_VERSION = 255
"""CTranslate2 writes 6 (4.x); far above that is not a model file."""
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_PAIR = re.compile(r"([A-Za-z]{2,3})[-_]([A-Za-z]{2,3})")
_HOW_TO_GET = "get a fresh copy of the .argosmodel file"
Model = TypeVar("Model")


@dataclass(frozen=True)
class InstalledModel:
    """One package in the store, as its metadata.json describes it."""

    name: str
    """Package folder name, e.g. ``translate-en_de-1_0``."""
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    """``package_version`` from metadata.json, e.g. ``"1.0"``."""
    path: Path
    """The package folder in the store."""
    argos_version: str = ""
    target_prefix: str = ""
    """Token the decoder must start with (multilingual models); usually empty."""
    tokenizer: str = "sentencepiece.model"
    """The package's tokenizer file: ``sentencepiece.model`` or ``bpe.model``."""

    @property
    def pair(self) -> str:
        """``en_de``: the argos-style language pair."""
        return f"{self.from_code}_{self.to_code}"

    @property
    def label(self) -> str:
        """One line for listings: ``translate-en_de-1_0  English → German  1.0``."""
        return f"{self.name}  {self.from_name} → {self.to_name}  {self.version}"


@dataclass(frozen=True)
class _Archive:
    """A validated .argosmodel: its file, top-level folder and metadata."""

    path: Path
    top: str
    metadata: dict[str, Any]
    members: tuple[zipfile.ZipInfo, ...]

    @property
    def pair(self) -> tuple[str, str]:
        return str(self.metadata["from_code"]), str(self.metadata["to_code"])


@dataclass(frozen=True)
class Staged:
    """A checked model in a staging folder, ready to be moved into its store."""

    store: FolderStore[Any]
    new: Path
    """The staged folder, named as it will be in the store."""
    trash: Path
    """Where what it replaces is parked (in staging, deleted with it)."""
    given: Path
    """The path the install was given that this model came from."""


def commit(staged: Sequence[Staged]) -> None:
    """Move every staged model into its store, one rename each.

    If one move fails, the moves before it are undone too (best effort), so an install
    of several paths changes everything it was given or nothing.
    """
    done: list[Callable[[], None]] = []
    try:
        for item in staged:
            done.append(item.store.swap_in(item))
    except WriteError:
        for undo in reversed(done):
            with contextlib.suppress(OSError):
                undo()
        raise


class FolderStore(Generic[Model]):
    """A folder of installed models, one sub-folder each: what the argos and NLLB stores
    share (finding, creating, staging beside the store); ``_read`` makes one model."""

    _MOVE_FAILED = "cannot move the model into the store"
    """The start of the one line a failed move into the store gives."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get(self, name: str) -> Model | None:
        """The installed model in the folder of this name, or None."""
        folder = self.root / name
        if not SAFE_NAME.fullmatch(name) or not folder.is_dir():
            return None
        return self._read(folder)

    def _read(self, folder: Path) -> Model:
        raise NotImplementedError

    def _installed(self) -> list[Model]:
        """Every installed model, in folder-name order; raises on a damaged folder."""
        return [self._read(f) for f in self._folders()]

    def _folders(self) -> list[Path]:
        """Every folder in the store, in name order, damaged ones too; not a link (one
        planted there may point anywhere: reading a model writes its digest file in it)."""
        if not self.root.is_dir():
            return []
        return sorted(f for f in self.root.iterdir() if f.is_dir() and not f.is_symlink())

    def _readable(self) -> list[Model]:
        """Every model that can be read. A damaged folder is skipped, so that it does not
        stop removing or reinstalling models (itself included, by name)."""
        models = []
        for folder in self._folders():
            try:
                models.append(self._read(folder))
            except ModelPackageError:
                continue
        return models

    def _named(self, name: str) -> Path | None:
        """The store's folder of this name, damaged or not; None if there is none."""
        folder = self.root / name
        return folder if SAFE_NAME.fullmatch(name) and folder.is_dir() else None

    def names(self) -> list[str]:
        """The name of every folder in the store, damaged ones too, in name order."""
        return [f.name for f in self._folders()]

    def _replaced(self, new: Path) -> list[Path]:
        """The store folders a staged model replaces: the one of its name, damaged or not."""
        named = self._named(new.name)
        return [named] if named is not None else []

    def swap_in(self, staged: Staged) -> Callable[[], None]:
        """Move what ``staged`` replaces to its trash, then the staged folder into the
        store; returns what undoes both. Each step is one rename (atomic); if one fails,
        the folders already moved go back and WriteError names the store."""
        target = self.root / staged.new.name
        moved: list[tuple[Path, Path]] = []
        try:
            replaced = self._replaced(staged.new)
            staged.trash.mkdir()
            for folder in replaced:
                moved.append((folder, folder.rename(staged.trash / folder.name)))
            staged.new.rename(target)
        except OSError as error:
            _put_back(moved)
            raise WriteError(f"{self._MOVE_FAILED} ({error.strerror}); check its permissions",
                             path=self.root) from error

        def undo() -> None:
            target.rename(staged.new)
            _put_back(moved)

        return undo

    def discard(self, folders: Sequence[Path]) -> None:
        """Remove store folders: moved out of the store (one rename each), then deleted."""
        with self._staging() as staging:
            for folder in folders:
                try:
                    folder.rename(staging / folder.name)
                except OSError as error:
                    raise WriteError(f"cannot remove the model ({error.strerror}); "
                                     "check the folder's permissions",
                                     path=folder) from error

    @contextmanager
    def _created(self) -> Iterator[None]:
        """The store folder, made if missing; what it made is removed again if the body
        fails, so a refused install leaves no empty store (or parents) behind."""
        made = [p for p in (self.root, *self.root.parents) if not p.exists()]
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            blocker = blocked_by(self.root) or (self.root if self.root.exists() else None)
            if blocker is not None:  # a file where the store (or a folder above it) goes
                raise WriteError(NOT_A_FOLDER, path=blocker) from error
            raise WriteError(f"cannot create the model store ({error.strerror}); check the "
                             "permissions, or choose another folder", path=self.root) from error
        try:
            yield
        except BaseException:
            for folder in made:
                try:
                    folder.rmdir()
                except OSError:
                    break
            raise

    @contextmanager
    def _staging(self) -> Iterator[Path]:
        """A temporary folder beside the store (same file system), always cleaned up.

        Its parent must be writable for that, even when the store itself is.
        """
        try:
            folder = Path(tempfile.mkdtemp(prefix=f".{self.root.name}-staging-",
                                           dir=self.root.parent))
        except OSError as error:
            raise WriteError(f"cannot create a temporary folder here for the model store "
                             f"({error.strerror}); make this folder writable",
                             path=self.root.parent) from None
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class ModelStore(FolderStore[InstalledModel]):
    """Install, list and remove Argos Translate packages in one folder."""

    _MOVE_FAILED = "cannot move the package into the model store"

    # -- installing ------------------------------------------------------------------

    def install(self, *paths: Path) -> list[InstalledModel]:
        """Install .argosmodel files, or every ``*.argosmodel`` in a folder, all or none.

        Everything is validated and extracted before the store changes (see ``stage``).
        A package for a language pair that is already installed replaces the old one
        (same name or not): argostranslate serves one model per pair, and two would make
        its choice depend on folder order.
        """
        with ExitStack() as stack:
            staged = self.stage(paths, stack)
            commit(staged)
        return [self._read(self.root / item.new.name) for item in staged]

    def stage(self, paths: Sequence[Path], stack: ExitStack) -> list[Staged]:
        """Check every package ``paths`` name (each file, or the ``*.argosmodel`` files of
        a folder), then extract each into a staging folder and check its weights; nothing
        in the store changes. The store folder and the staging folder live as long as
        ``stack``. Raises ModelPackageError naming the first bad file."""
        found = _unique([(given, archive) for given in paths for archive in _archives_in(given)])
        archives = [(given, _check_archive(archive)) for given, archive in found]
        _refuse_duplicates([archive for _, archive in archives])
        if not archives:
            return []
        stack.enter_context(self._created())
        staging = stack.enter_context(self._staging())
        installed = {m.name: m for m in self._readable()}
        staged = []
        for number, (given, archive) in enumerate(archives):
            into = staging / f"new-{number}"
            _extract(archive, into)
            check_weights(into / archive.top / "model", archive.path, _HOW_TO_GET)
            for tokenizer in TOKENIZERS:  # a folder of the name is no tokenizer
                if (into / archive.top / tokenizer).is_dir():
                    raise ModelPackageError(f"{tokenizer} is a folder, not a tokenizer model; "
                                            f"{_HOW_TO_GET}", path=archive.path)
            if (into / archive.top / TOKENIZERS[0]).is_file():  # bpe.model is no SentencePiece
                check_tokenizer(into / archive.top / TOKENIZERS[0], archive.path, _HOW_TO_GET)
            (into / archive.top / DIGEST_FILE).unlink(missing_ok=True)  # never the archive's
            package_digest(into / archive.top)  # hashed now, not at the first translation
            _refuse_other_pair(self._read(into / archive.top), installed.get(archive.top),
                               archive.path)
            staged.append(Staged(self, into / archive.top, staging / f"old-{number}", given))
        return staged

    def _replaced(self, new: Path) -> list[Path]:
        """The folder of the same name (damaged or not) and any package for the same pair."""
        model = self._read(new)
        pair = (model.from_code, model.to_code)
        return [m.path for m in self._readable()
                if m.name != new.name and (m.from_code, m.to_code) == pair] + \
            super()._replaced(new)

    # -- removing --------------------------------------------------------------------

    def remove(self, spec: str) -> list[Path]:
        """Remove packages by folder name (``translate-en_de-1_0``, also a damaged one)
        or pair (``en_de``); returns the folders removed.

        Raises ModelNotFound when nothing matches, naming what is installed.
        """
        chosen = self.matching(spec)
        if not chosen:
            raise ModelNotFound(not_installed(spec, self.names()))
        self.discard(chosen)
        return chosen

    def matching(self, spec: str) -> list[Path]:
        """The folders ``remove`` would remove for ``spec``; empty when none matches."""
        named = self._named(spec)
        if named is not None:
            return [named]
        pair = _PAIR.fullmatch(spec.strip())
        if not pair:
            return []
        wanted = (pair[1].lower(), pair[2].lower())
        return [m.path for m in self._readable()
                if (m.from_code.lower(), m.to_code.lower()) == wanted]

    # -- reading (last: the method name `list` would shadow the builtin in the
    # annotations of methods defined after it) ------------------------------------

    def list(self) -> list[InstalledModel]:
        """Every installed package, sorted by language pair then name.

        Raises ModelPackageError for a folder argostranslate could not load either.
        """
        return sorted(self._installed(), key=lambda m: (m.from_code, m.to_code, m.name))

    def _read(self, folder: Path) -> InstalledModel:
        """The InstalledModel for one package folder (reads metadata.json only)."""
        try:
            metadata = _parse_metadata(folder / METADATA)
        except ModelPackageError as error:
            problem = error.message.split(";")[0]
            raise ModelPackageError(
                f"not a complete model package ({problem}), and every folder in the model "
                f"store must be one: remove it (`miss-i18n models remove {folder.name}`), or "
                "install its .argosmodel again",
                path=folder) from None
        tokenizer = next((t for t in TOKENIZERS if (folder / t).is_file()), TOKENIZERS[0])
        return _model(folder, metadata, tokenizer)


# -- validation (pure: reads the zip, writes nothing) --------------------------------


def _archives_in(path: Path) -> list[Path]:
    """The .argosmodel files that ``path`` names: itself, or those in the folder."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        what = "not a file or folder" if path.exists() else "no such file or folder"
        raise ModelPackageError(f"{what}; give an .argosmodel file or a folder holding some",
                                path=path)
    found = sorted(p for p in path.glob(f"*{PACKAGE_SUFFIX}") if p.is_file())
    if found:
        return found
    if (path / METADATA).is_file():
        raise ModelPackageError("this is an unpacked package folder; give the "
                                ".argosmodel file it came from", path=path)
    raise ModelPackageError(f"no *{PACKAGE_SUFFIX} files in this folder, and no NLLB-200 / "
                            "M2M-100 model (model.bin); give .argosmodel files, or a converted "
                            "model folder (see README)", path=path)


def not_installed(spec: str, names: Sequence[str]) -> str:
    """The message for a ``models remove`` argument that matches nothing."""
    return (f"no installed model matches {spec!r} (give a package or folder name, or a pair "
            f"such as en_de); installed: {', '.join(names) or 'none'}")


def _unique(found: list[tuple[Path, Path]]) -> list[tuple[Path, Path]]:
    """Each file once: the same package named twice (or by its folder too) is one."""
    seen: set[Path] = set()
    unique = []
    for given, archive in found:
        key = archive.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((given, archive))
    return unique


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    """Rename parked folders back where they were, last first."""
    for original, parked in reversed(moved):
        parked.rename(original)


def _refuse_duplicates(archives: list[_Archive]) -> None:
    """Two packages in one install for the same pair or folder: which one wins is unclear."""
    seen: dict[object, Path] = {}
    for archive in archives:
        for key in (archive.top, archive.pair):
            if key in seen:
                raise ModelPackageError(
                    f"{archive.path.name} and {seen[key].name} both provide "
                    f"{'_'.join(archive.pair)}; install only one of them", path=archive.path)
            seen[key] = archive.path


def _check_archive(path: Path) -> _Archive:
    """Validate an .argosmodel without extracting it; raise ModelPackageError if bad."""
    if not zipfile.is_zipfile(path):
        raise ModelPackageError(f"not a zip archive, so not an .argosmodel package "
                                f"(truncated or wrong file?); {_HOW_TO_GET}", path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = tuple(archive.infolist())
            top = _check_members(members)
            metadata = _read_zip_metadata(archive, f"{top}/{METADATA}")
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError,
            *ARCHIVE_ERRORS) as error:
        raise ModelPackageError(f"unreadable zip archive ({one_line(error)}); {_HOW_TO_GET}",
                                path=path) from None
    except ModelPackageError as error:
        raise ModelPackageError(error.message, path=path) from None
    return _Archive(path, top, metadata, members)


def _check_members(members: tuple[zipfile.ZipInfo, ...]) -> str:
    """Safe entry names, one top-level folder, the required files; returns the folder."""
    if not members:
        raise ModelPackageError(f"the zip archive is empty; {_HOW_TO_GET}")
    names: set[str] = set()
    for member in members:
        name = "/".join(_safe_parts(member))
        if name in names:
            raise ModelPackageError(f"the archive holds {name!r} twice; {_HOW_TO_GET}")
        names.add(name)
    tops = sorted({name.split("/")[0] for name in names})
    if len(tops) != 1:
        shown = ", ".join(map(repr, tops[:5])) + (", …" if len(tops) > 5 else "")
        raise ModelPackageError(f"an .argosmodel holds exactly one top-level folder, this "
                                f"one holds {len(tops)}: {shown}; {_HOW_TO_GET}")
    top = tops[0]
    if any(m.filename == top for m in members if not m.is_dir()):
        raise ModelPackageError(f"no top-level folder, only the file {top!r}; {_HOW_TO_GET}")
    if not SAFE_NAME.fullmatch(top):
        raise ModelPackageError(f"unusable package folder name {top!r}; {_HOW_TO_GET}")
    missing = [f for f in (METADATA, *REQUIRED_FILES) if f"{top}/{f}" not in names]
    if f"{top}/{TOKENIZERS[0]}" not in names:
        if not missing and f"{top}/{TOKENIZERS[1]}" in names:  # never loads: not installed
            raise ModelPackageError(f"{top} uses {TOKENIZERS[1]} (BPE), which the argos "
                                    "engine does not support; install a SentencePiece "
                                    "package (one with sentencepiece.model)")
        missing.append(TOKENIZERS[0])
    if missing:
        raise ModelPackageError(f"not a complete translation package: {top}/ lacks "
                                f"{', '.join(missing)}; {_HOW_TO_GET}")
    return top


def _safe_parts(member: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path parts; refuses anything that could land outside the package."""
    raw = member.filename
    parts = tuple(raw.rstrip("/").split("/"))
    unsafe = (not raw or raw.startswith("/") or "\\" in raw or "\0" in raw
              or re.match(r"[A-Za-z]:", raw) is not None
              or any(p in ("", ".", "..") for p in parts)
              or PurePosixPath(raw).is_absolute())
    if unsafe:
        raise ModelPackageError(f"unsafe path {raw!r} in the archive (it could write "
                                f"outside the package folder); do not install this file")
    kind_bits = stat.S_IFMT(member.external_attr >> 16)  # 0: no Unix type recorded
    if kind_bits not in (0, stat.S_IFREG, stat.S_IFDIR):
        kind = "a symbolic link" if kind_bits == stat.S_IFLNK else "a special file"
        raise ModelPackageError(f"{raw!r} in the archive is {kind}, which a model package "
                                f"never needs; do not install this file")
    return parts


def _read_zip_metadata(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    """metadata.json from inside the zip, checked."""
    if archive.getinfo(name).file_size > MAX_METADATA_BYTES:
        raise ModelPackageError(f"{name} is implausibly large; {_HOW_TO_GET}")
    return _check_metadata(archive.read(name), name)


def _parse_metadata(path: Path) -> dict[str, Any]:
    """metadata.json from an installed package folder, checked."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelPackageError(f"no {METADATA}") from None
    except OSError as error:
        raise ModelPackageError(f"cannot read {METADATA} ({error.strerror})") from None
    return _check_metadata(data, METADATA)


def _check_metadata(data: bytes, name: str) -> dict[str, Any]:
    """Parsed metadata with the keys argostranslate and this project rely on."""
    try:
        metadata = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # (a number of 5,000 digits: ValueError)
        raise ModelPackageError(f"{name} is not valid JSON ({error}); {_HOW_TO_GET}") from None
    if not isinstance(metadata, dict):
        raise ModelPackageError(f"{name} is not a JSON object; {_HOW_TO_GET}")
    missing = [k for k in REQUIRED_KEYS
               if not isinstance(metadata.get(k), str) or not metadata[k].strip()]
    if missing:
        raise ModelPackageError(f"{name} lacks {', '.join(missing)} (or they are not "
                                f"text); {_HOW_TO_GET}")
    for key in REQUIRED_KEYS:  # shown on a line of their own, and on each draft's line
        if not metadata[key].isprintable() or len(metadata[key]) > 200:
            raise ModelPackageError(f"{name}: {key} holds a control character or is over "
                                    f"200 characters long; {_HOW_TO_GET}")
    kind = metadata.get("type", "translate")
    if kind != "translate":
        raise ModelPackageError(f"{name} says type {kind!r}: not a translation package; "
                                "install a translate-<from>_<to> package instead")
    for key in ("from_code", "to_code"):
        if not _LANGUAGE_CODE.fullmatch(metadata[key]):
            raise ModelPackageError(f"{name}: {key} {metadata[key]!r} is not a language "
                                    f"code; {_HOW_TO_GET}")
    if not isinstance(metadata.get("target_prefix", ""), str):
        raise ModelPackageError(f"{name}: target_prefix is not text; {_HOW_TO_GET}")
    return metadata


def _model(folder: Path, metadata: dict[str, Any], tokenizer: str) -> InstalledModel:
    """An InstalledModel from checked metadata."""
    return InstalledModel(
        name=folder.name, from_code=metadata["from_code"], to_code=metadata["to_code"],
        from_name=metadata["from_name"], to_name=metadata["to_name"],
        version=metadata["package_version"], path=folder,
        argos_version=str(metadata.get("argos_version", "")),
        target_prefix=metadata.get("target_prefix", ""), tokenizer=tokenizer)


def _refuse_other_pair(new: InstalledModel, old: InstalledModel | None, path: Path) -> None:
    """A package whose folder is named like an installed package of another pair would
    replace that model without a word (an install replaces only its own pair's)."""
    if old is not None and (old.from_code, old.to_code) != (new.from_code, new.to_code):
        raise ModelPackageError(
            f"it is {new.from_code} → {new.to_code}, but its folder {old.name} is the name of "
            f"the installed {old.from_code} → {old.to_code} package; remove that one first "
            f"(`miss-i18n models remove {old.name}`)", path=path)


# -- the digest of a package's files --------------------------------------------------


def package_digest(folder: Path) -> str:
    """SHA-256 (hex) of an installed package's files, names and contents: what tells a
    re-trained package from the old one when its package_version stayed the same.

    Hashing reads the whole model (hundreds of MB), so the digest is kept in the package's
    miss-i18n.json with the size and time of each file it was taken of (written at
    install, or at the first use of a package installed before), and taken again only
    when a file changed. Where that file cannot be written it is taken once a process;
    where a file cannot be read (loading the model fails then, saying so) the files' sizes
    and times stand in for their contents. Never raises.
    """
    stamp = stamp_of(folder)
    try:
        known = json.loads((folder / DIGEST_FILE).read_text("utf-8"))
        if known["files"] == [list(item) for item in stamp]:
            return str(known["sha256"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        pass
    try:
        digest = _hashed(folder, stamp)
    except OSError:
        return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()
    keep_digest_file(folder, json.dumps({"sha256": digest, "files": stamp}, indent=1) + "\n")
    return digest


def keep_digest_file(folder: Path, text: str) -> None:
    """Replace ``folder``'s miss-i18n.json with ``text``, atomically; where it cannot be
    written (a read-only store), leave it: the digest is taken again by the next process."""
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(prefix=f".{DIGEST_FILE}-", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            Path(temporary).replace(folder / DIGEST_FILE)
        finally:
            Path(temporary).unlink(missing_ok=True)


Stamp = tuple[tuple[str, int, int], ...]


def stamp_of(folder: Path) -> Stamp:
    """Each regular file of a model folder but our miss-i18n.json (links are not
    followed): its name relative to ``folder``, size and modification time (ns), in name
    order. A digest taken of files with this stamp holds while the stamp does."""
    found = []
    for parent, _folders, files in os.walk(folder):
        for name in files:
            path = Path(parent) / name
            relative = path.relative_to(folder).as_posix()
            if relative == DIGEST_FILE or name.startswith(f".{DIGEST_FILE}-"):
                continue
            with contextlib.suppress(OSError):  # gone meanwhile: not part of it
                info = path.lstat()
                if stat.S_ISREG(info.st_mode):
                    found.append((relative, info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


@functools.lru_cache(maxsize=64)
def _hashed(folder: Path, stamp: Stamp) -> str:
    """SHA-256 over the stamped files' names and contents (each name, then the length and
    bytes of its file)."""
    digest = hashlib.sha256()
    for name, size, _time in stamp:
        digest.update(f"{name}\0{size}\0".encode())
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


# -- the weights (in staging, before anything is replaced) ----------------------------


def check_weights(model_dir: Path, given: Path, how: str) -> None:
    """Refuse a model.bin CTranslate2 cannot load, before it replaces a working model.

    The header's binary version is checked always (garbage reads as a version in the
    billions); where CTranslate2 is installed the model is loaded once, on the CPU,
    which also catches a truncated file or one that does not match config.json.
    """
    weights = model_dir / "model.bin"
    try:
        with weights.open("rb") as handle:
            header = handle.read(4)
    except OSError as error:
        raise ModelPackageError(f"cannot read model.bin ({error.strerror}); {how}",
                                path=given) from None
    version = int.from_bytes(header, "little") if len(header) == 4 else 0
    if not 1 <= version <= MAX_BINARY_VERSION:
        raise ModelPackageError(f"model.bin is not a CTranslate2 model (no binary version in "
                                f"its first bytes); {how}", path=given)
    try:
        ctranslate2 = importlib.import_module("ctranslate2")
    except ImportError:  # translating needs it anyway; the header check is all there is
        return
    try:
        ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1)
    except Exception as error:  # any library failure means unusable
        raise ModelPackageError(f"CTranslate2 cannot load model.bin "
                                f"({one_line(error)[:200]}); {how}", path=given) from None


def check_tokenizer(tokenizer: Path, given: Path, how: str) -> None:
    """Refuse a SentencePiece model that SentencePiece cannot load (garbage, truncated),
    before it replaces a working model: every translation needs it. Where SentencePiece
    is not installed there is nothing to check it with (translating needs it anyway)."""
    try:
        sentencepiece = importlib.import_module("sentencepiece")
    except ImportError:
        return
    try:
        sentencepiece.SentencePieceProcessor(model_file=str(tokenizer))
    except Exception as error:  # any library failure means unusable
        reason = one_line(error).replace(str(tokenizer), tokenizer.name)  # not staging's
        raise ModelPackageError(f"SentencePiece cannot load {tokenizer.name} "
                                f"({reason[:200]}); {how}", path=given) from None


# -- extraction (into staging only) ---------------------------------------------------


def extract_member(into: Path, parts: tuple[str, ...], is_dir: bool,
                   open_source: Callable[[], IO[bytes]]) -> None:
    """Write one archive entry (already checked safe) below ``into``: a folder, or a new
    file (``xb``: never over one that is there)."""
    target = into.joinpath(*parts)
    if is_dir:
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with open_source() as source, target.open("xb") as sink:
        shutil.copyfileobj(source, sink, 1 << 20)


def _extract(archive: _Archive, into: Path) -> None:
    """Write the package's files under ``into`` (a staging folder, never the store).

    Only regular files and folders, with ordinary permissions; a CRC or read error
    becomes ModelPackageError, a write error WriteError naming the store's parent folder
    (the store has not been touched yet).
    """
    try:
        into.mkdir()
        with zipfile.ZipFile(archive.path) as zf:
            for member in archive.members:
                extract_member(into, _safe_parts(member), member.is_dir(),
                               functools.partial(zf.open, member))
    except (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, *ARCHIVE_ERRORS) as error:
        raise ModelPackageError(f"corrupt data in the archive ({one_line(error)}); "
                                f"{_HOW_TO_GET}", path=archive.path) from None
    except OSError as error:
        if error.errno is None:  # bz2's garbled data ("Invalid data stream"), not the disk
            raise ModelPackageError(f"corrupt data in the archive ({error}); {_HOW_TO_GET}",
                                    path=archive.path) from None
        if error.errno in ARCHIVE_FAULTS:  # the archive's names, not the disk
            raise ModelPackageError(f"the archive's entries cannot be unpacked "
                                    f"({error.strerror}); {_HOW_TO_GET}",
                                    path=archive.path) from None
        raise WriteError(f"cannot extract {archive.path.name} here ({error.strerror}); check "
                         "free disk space and permissions", path=into.parent.parent) from None

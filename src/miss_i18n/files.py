"""Atomic, write-only-if-changed file output."""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConflictError, MissI18nError, PathError, WriteError

if TYPE_CHECKING:
    from .config import Config

ABSENT = ""
"""The digest the snapshot records for a file that did not exist."""


NOT_A_FILE = "a folder, not a file; move it away"
NOT_A_FOLDER = "a file, not a folder; move it away"


def blocked_by(path: Path) -> Path | None:
    """The file standing where a folder on the way to ``path`` should be (``locales`` is a
    file), if any: what an error "Not a directory" about ``path`` should name."""
    for folder in reversed(path.parents):
        if folder.exists() and not folder.is_dir():
            return folder
    return None


def _digest_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ABSENT
    except IsADirectoryError:
        raise MissI18nError(NOT_A_FILE, path=path) from None
    except OSError as exc:
        blocker = blocked_by(path)
        if blocker is not None:
            raise MissI18nError(NOT_A_FOLDER, path=blocker) from None
        raise MissI18nError(f"cannot read ({exc.strerror}); check its permissions",
                            path=path) from None


def digest_of(data: bytes | None) -> str:
    """A Snapshot's digest of a file's bytes (None: no such file)."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


def size_of(path: Path) -> int:
    """A file's size, to send the largest work out first (0 where it cannot be told:
    reading the file says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def signature(path: str | Path) -> list[int] | None:
    """What the file system says of a file, to tell cheaply that it was not touched since:
    size, modification and change times, inode (the change time cannot be set back by
    hand). None: no such file."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return _signature_of(info)


def _signature_of(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def still_holds(path: str | Path, digest: str, seen: list[int] | None) -> list[int] | None:
    """``path``'s signature now if the file still holds what had ``digest`` (SHA-256) when
    its signature was ``seen``: the same signature is taken for the same bytes, as git
    status does, else the bytes are hashed again. None: changed, or gone."""
    now = signature(path)
    if now is None or now == seen:
        return now
    try:
        with open(path, "rb") as opened:  # noqa: PTH123 - a string: once per output
            return now if hashlib.sha256(opened.read()).hexdigest() == digest else None
    except OSError:
        return None


class Snapshot:
    """What each input file held when the run read it, so that a write can tell whether
    someone (a translator saving a catalog) changed it since: such a file is not overwritten.

    A file is hashed before it is parsed: a change in between makes the write refuse (at
    worst a needless refusal, never a lost edit).

    Where a file had last changed well before the run started (``settled``), its signature
    taken after the read describes what the run read: a later change shows in it (a new
    change time), so the check compares signatures instead of reading and hashing the
    file again, as git's index does for files older than itself. Any other file is
    hashed again.
    """

    def __init__(self) -> None:
        self.digests: dict[Path, str] = {}
        self.signatures: dict[Path, list[int]] = {}
        self.started = time.time_ns()
        self.before: dict[Path, str] = {}
        """What a file the run wrote twice held before its first write (``wrote``)."""

    def read(self, path: Path) -> Path:
        """Record ``path`` as read now (the first read counts) and return it."""
        if path not in self.digests:
            self.digests[path] = _digest_of(path)
            self._settle(path)
        return path

    def record(self, path: Path, digest: str) -> None:
        """Record that the run read ``path`` elsewhere (a worker process), and what it held
        (digest_of); the first read counts."""
        if path not in self.digests:
            self.digests[path] = digest
            self._settle(path)

    def wrote(self, path: Path, data: bytes) -> None:
        """Record that the run itself wrote ``data`` to ``path`` (a file it writes twice):
        its next write there replaces no one's change, and is said to change the file
        where it differs from what the run found there (``before``)."""
        self.before.setdefault(path, self.digests.get(path, ABSENT))
        self.digests[path] = digest_of(data)
        self.signatures.pop(path, None)

    def _settle(self, path: Path) -> None:
        try:
            info = os.lstat(path)
        except OSError:
            return
        if stat.S_ISREG(info.st_mode) and settled(info, self.started):
            self.signatures[path] = _signature_of(info)

    def holds(self, path: Path, digest: str) -> bool:
        """Whether ``path`` still holds what had ``digest``: without reading it where the
        run read it with that digest and its signature is the one it had then."""
        if self.digests.get(path) == digest and path in self.signatures \
                and signature(path) == self.signatures[path]:
            return True
        return _digest_of(path) == digest

    def changed(self, path: Path) -> bool:
        return path in self.digests and not self.holds(path, self.digests[path])


def settled(info: os.stat_result, since_ns: int) -> bool:
    """Whether a file's last change (its change time, which no one can set back) came long
    enough before ``since_ns`` that a change after it shows as another change time: a
    tenth of a second where the file system keeps fractions of a millisecond, two seconds
    where its times look coarser."""
    if os.name != "posix":  # elsewhere the "change" time is the creation time
        return False
    margin = 100_000_000 if info.st_ctime_ns % 1_000_000 else 2_000_000_000
    return info.st_ctime_ns < since_ns - margin


def resolved(path: Path) -> Path:
    """``path`` with every link followed; a loop of links is a PathError."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python < 3.13 raises RuntimeError on a loop
        raise PathError("a loop of links; remove the link", path=path) from None


def ensure_inside(path: Path, folder: Path, root: Path | None = None) -> None:
    """Raise PathError unless ``path`` stays in ``folder`` once links are followed.

    Checks the file itself when it exists (or is a link), else its nearest existing folder:
    a linked ``locales/de`` or ``site/en`` must never make the tool read or write elsewhere.
    ``root``: ``folder`` resolved, where the caller checks many paths of one folder.
    """
    if root is None:
        root = resolved(folder)
    normal, top = os.path.normpath(path), os.path.normpath(folder)
    if not (normal == top or normal.startswith(top.rstrip(os.sep) + os.sep)):
        raise PathError(f"not inside {folder}; miss-i18n only writes inside its folders",
                        path=path)
    probe = normal  # strings, not Paths: this runs once per file written
    while not os.path.lexists(probe) and probe not in (top, os.path.dirname(probe)):  # noqa: PTH120
        probe = os.path.dirname(probe)  # noqa: PTH120
    target = resolved(Path(probe))
    if not target.is_relative_to(root):
        shown = os.path.relpath(probe, top) if probe.startswith(top) else probe
        raise PathError(f"{shown} is a link to {target}, outside {folder}; replace the link "
                        "with a real folder or file", path=path)


def catalogs_apart(config: Config) -> None:
    """Raise PathError where two catalog files (the template, each locale's .po and .mo)
    are one file: a link inside the locales folder (``locales/de -> ar``) would make two
    locales write one catalog, each relabelling it, and no run would ever settle."""
    if not _links_below(config):  # no link, no two names for one file: the usual case
        return
    folder = config.locales_dir
    root = resolved(folder)
    owners: dict[Path, tuple[str, Path]] = {}
    files = [("the template", config.pot_path), *(
        (locale, path) for locale in config.locales
        for path in (config.po_path(locale), config.mo_path(locale)))]
    for owner, path in files:
        target = resolved(path)
        first, other = owners.setdefault(target, (owner, path))
        if other == path:
            continue
        shown = target.relative_to(root) if target.is_relative_to(root) else target
        raise PathError(f"a link that makes {first} and {owner} share one catalog file, "
                        f"{shown}; replace the link with a folder or file of its own",
                        path=_link_on(path, folder) or _link_on(other, folder) or path)


def _links_below(config: Config) -> bool:
    """Whether any catalog path has a link below the locales folder (lstat calls on
    strings: an unchanged rerun of 42 locales pays for no Path and no resolve)."""
    islink, join = os.path.islink, os.path.join
    base = os.fspath(config.locales_dir)
    if islink(join(base, f"{config.domain}.pot")):
        return True
    for locale in config.locales:
        locale_folder = join(base, locale)
        messages = join(locale_folder, "LC_MESSAGES")
        if islink(locale_folder) or islink(messages) or any(
                islink(join(messages, f"{config.domain}.{kind}")) for kind in ("po", "mo")):
            return True
    return False


def _link_on(path: Path, folder: Path) -> Path | None:
    """The first link on the way from ``folder`` down to ``path``, if any."""
    for step in reversed(path.relative_to(folder).parents[:-1]):
        if (folder / step).is_symlink():
            return folder / step
    return path if path.is_symlink() else None


TEMP_SUFFIX = ".miss-i18n.tmp"
"""A file being written is ``.<name>.<8 random>.miss-i18n.tmp`` beside it until it is
complete: a run killed mid-write leaves one behind, and the next run removes it."""
_TEMP = re.compile(r"\.(.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
_OLD_TEMP = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")
"""Earlier versions named it without the marker: such a file is ours only beside its file."""


def leftovers(folder: Path, names: Collection[str]) -> list[Path]:
    """Temporary files a killed run left in ``folder``, which holds the files ``names``.

    Only regular files whose name is our own pattern: a user's file is never taken for one.
    """
    try:
        with os.scandir(folder) as listing:
            candidates = sorted(entry.name for entry in listing
                                if entry.name.startswith(".") and entry.is_file(
                                    follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:  # a folder the run writes in, so not an input's fault
        raise WriteError(f"cannot read the folder ({exc.strerror}); check its permissions",
                         path=folder) from None
    found = []
    for name in candidates:
        old = _OLD_TEMP.fullmatch(name)
        if _TEMP.fullmatch(name) or (old and old.group(1) in names):
            found.append(folder / name)
    return found


def remove_leftovers(paths: Iterable[str | Path], *, check: bool,
                     keep: Collection[Path] = ()) -> list[Path]:
    """Remove (``check``: only list) the temporary files a killed run left beside ``paths``;
    ``keep``: this run's own, staged in those folders (an asset folder named as a locale
    holds its pages too)."""
    folders: dict[str, set[str]] = {}
    for path in paths:  # strings: an unchanged rerun passes every output
        folder, sep, name = str(path).rpartition(os.sep)
        folders.setdefault(folder or sep or os.curdir, set()).add(name)
    found: list[Path] = []
    for folder, names in sorted(folders.items()):
        for left in leftovers(Path(folder), names):
            if left in keep:
                continue
            if not check:
                _remove(left)
            found.append(left)
    return found


def _remove(left: Path) -> None:
    try:
        left.unlink(missing_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot remove this temporary file a killed run left ({exc.strerror});"
                         " check the folder's permissions, or remove it", path=left) from None


def write_if_changed(path: Path, data: bytes, within: Path, expected: str | None = None, *,
                     durable: bool = True) -> bool:
    """Replace ``path`` with ``data`` atomically; do nothing if it already holds ``data``.

    Returns whether the file changed. A crash mid-write leaves the old file intact. The
    file must stay inside the folder ``within``, links followed (else PathError). With
    ``expected`` (a digest from a Snapshot), a file that no longer holds what the run read
    is not overwritten (ConflictError); only the instant between that check and the
    rename is left to chance.

    ``durable`` (catalogs, the template: files that hold people's work) also flushes the
    data to the disk before the rename, so that even a power cut leaves the old file or
    the new one. Only where there is an old file: a new catalog holds nothing the
    project's other files do not (the template, a memory, an XLIFF file, all still
    there), and a first run waited on nine flushes of megabytes each (half a second on a
    busy disk). Outputs made from those (pages, .mo files, caches) skip it: a rename is
    still atomic for every reader, and a file a power cut left empty is not what the run
    wrote, so the next run writes it again.
    """
    staged = stage(path, data, within, expected, durable=durable)
    if staged is None:
        return False
    try:
        publish(staged)
    except BaseException:  # Ctrl-C, SIGTERM between the two: no temporary file left
        discard(staged.temp)
        raise
    return True


@dataclass(frozen=True)
class Staged:
    """A complete new file beside the one it replaces, waiting to be renamed over it."""

    temp: Path
    path: Path
    expected: str | None = None
    """What ``path`` must still hold when it is replaced (a Snapshot digest), if anything."""


FolderId = tuple[int, int]
"""A folder's device and inode (``os.stat``, links followed): where it really is."""


def checked_folder(folder: Path, within: Path, root: Path | None = None) -> FolderId:
    """Check that the existing ``folder`` is inside ``within`` (ensure_inside) and return
    its FolderId, for ``stage`` to tell cheaply that it is still the same folder."""
    ensure_inside(folder, within, root)
    try:
        found = folder.stat()
    except OSError as exc:
        raise WriteError(f"cannot read the folder ({exc.strerror}); check permissions",
                         path=folder) from None
    return found.st_dev, found.st_ino


def stage(path: Path, data: bytes, within: Path, expected: str | None = None, *,
          durable: bool = True, root: Path | None = None,
          folder: FolderId | None = None, held: bytes | None = None) -> Staged | None:
    """Write ``data`` to a temporary file beside ``path`` (None: ``path`` holds it already).

    The checks and flags of write_if_changed; ``publish`` renames it into place,
    ``discard`` removes it. ``root``: ``within`` resolved (ensure_inside). ``held``: the
    bytes ``expected`` is the digest of, where the caller has them: a file that still
    holds them is not hashed again.
    ``folder``: ``path``'s folder exists and was found inside ``within`` in this run
    (checked_folder), so only ``path`` itself being a link needs the whole check; the
    temporary file is checked again either way, by the folder's identity where it is
    still the one checked (one stat, not a walk of every link on the way).
    """
    name = os.fspath(path)  # strings, not Paths: this runs once per page and locale
    try:
        found = os.lstat(name)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise _write_error(path, exc) from None
    if folder is None or (found is not None and stat.S_ISLNK(found.st_mode)):
        ensure_inside(path, within, root)
    current = None if found is None else _read(path)
    if current == data:
        return None
    mode = _mode_for(path, found)
    if expected is not None and (current is None or current != held) \
            and digest_of(current) != expected:
        raise ConflictError("changed on disk while miss-i18n was writing; not overwritten (files "
                            "before it were written): run the command again", path=path)
    parent = os.path.dirname(name)  # noqa: PTH120
    try:
        if folder is None:  # else the folder exists: the caller made it
            path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = _create_temp(parent, os.path.basename(name))  # noqa: PTH119
    except OSError as exc:
        raise _write_error(path, exc) from None
    temp = Path(temp_name)
    try:  # a folder swapped for a link since the check
        if folder is None or _folder_id(parent) != folder:
            ensure_inside(temp, within, root)
    except PathError:
        os.close(handle)
        discard(temp)
        raise
    try:
        try:
            os.fchmod(handle, mode)
            with memoryview(data) as view:
                written = 0
                while written < len(view):
                    written += os.write(handle, view[written:])
            if durable and found is not None:  # write_if_changed: an old file to keep
                os.fsync(handle)
        finally:
            os.close(handle)
    except OSError as exc:
        discard(temp)
        raise WriteError(f"cannot write ({exc.strerror}); check permissions and free space",
                            path=path) from None
    except BaseException:
        discard(temp)
        raise
    return Staged(temp, path, expected)


def _umask() -> int:
    """The process's umask (read once, as the process starts: reading it sets it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _mode_for(path: Path, found: os.stat_result | None) -> int:
    """The permission bits of the file replacing ``path``: those of the file there (a
    private 0600 catalog stays private, as msgmerge, editors and git keep them); for a new
    file or a link (the link is replaced, not its target), what the umask leaves of 0666,
    as any tool's new file (0644 under the usual 022; 0644 whatever the umask made new
    folders 0700 and their pages 0644 under 077). A file whose owner may not write it was
    made read-only on purpose (git never does): not replaced."""
    if found is None or not stat.S_ISREG(found.st_mode):
        return 0o666 & ~_UMASK
    mode = found.st_mode & 0o777
    if not mode & stat.S_IWUSR:
        raise WriteError(f"read-only (mode {mode:04o}), so not replaced; make it writable "
                         "(chmod u+w) for miss-i18n to update it", path=path)
    return mode


class Pending:
    """A ``stage`` (or any call) run on a thread: flushing a file to the disk waits on the
    disk, not on the processor, so the caller makes what else it needs meanwhile."""

    def __init__(self, call: Callable[[], Staged | None]) -> None:
        self._staged: Staged | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], Staged | None]) -> None:
        try:
            self._staged = call()
        except BaseException as error:  # raised again where the caller waits for it
            self._error = error

    def result(self) -> Staged | None:
        """Wait for the call; what it returned, or raise what it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._staged

    def abandon(self) -> None:
        """Wait for the call, and remove the file it staged (the caller failed)."""
        self._thread.join()
        if self._staged is not None:
            discard(self._staged.temp)


def _folder_id(folder: str) -> FolderId | None:
    try:
        found = os.stat(folder)  # noqa: PTH116 - a string: once per page written
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:  # a link to nothing
        return None
    except OSError as exc:  # the output, not an input: a fault of the folder we write
        raise _write_error(path, exc) from None


def _write_error(path: Path, error: OSError) -> WriteError:
    """Why the output ``path`` cannot be written, naming what stands in the way: a folder
    where the file goes, a file where a folder on the way goes."""
    if isinstance(error, IsADirectoryError):
        return WriteError(NOT_A_FILE, path=path)
    blocker = blocked_by(path)
    if blocker is not None:
        return WriteError(NOT_A_FOLDER, path=blocker)
    return WriteError(f"cannot write ({error.strerror}); check permissions", path=path)


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(
    os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """A new, empty temporary file for ``name`` in ``folder`` (``.<name>.<8 random>``
    TEMP_SUFFIX, as tempfile.mkstemp makes them, readable only by us until complete)."""
    for _ in range(100):
        random = base64.b32encode(os.urandom(5)).decode().lower()
        temp = os.path.join(folder, f".{name}.{random}{TEMP_SUFFIX}")  # noqa: PTH118
        try:
            return os.open(temp, _TEMP_FLAGS, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name")


def publish(staged: Staged, seen: Snapshot | None = None) -> None:
    """Rename a staged file over its path (removed instead if that fails, or if the path
    no longer holds what it was expected to: someone saved it meanwhile; ``seen``: what
    the run read, where it can tell that without reading the file again)."""
    if staged.expected is not None and not (
            seen.holds(staged.path, staged.expected) if seen is not None
            else _digest_of(staged.path) == staged.expected):
        discard(staged.temp)
        raise ConflictError("changed on disk while miss-i18n was writing; not overwritten (files "
                            "before it were written): run the command again", path=staged.path)
    try:  # Path.replace makes a Path of its target for its result: 10 µs a page
        os.replace(staged.temp, staged.path)  # noqa: PTH105
    except OSError as exc:
        discard(staged.temp)
        raise WriteError(f"cannot write ({exc.strerror}); check permissions and free space",
                         path=staged.path) from None


def discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


def would_change(path: Path, data: bytes, within: Path) -> bool:
    ensure_inside(path, within)
    try:
        return path.read_bytes() != data
    except FileNotFoundError:
        return True
    except OSError as exc:  # what a run would fail to write, said as it would say it
        raise _write_error(path, exc) from None

"""One run at a time per project: an advisory lock on ``.miss-i18n/lock``.

``flock`` rather than a lock file made with O_EXCL: the kernel drops the lock when the
process that holds it dies, however it dies, so a crashed or killed run never leaves a
stale lock behind (the file stays; nobody holds it). A run that writes takes the lock
exclusively; ``--check`` takes it shared, so checks run side by side but never see a
half-written project. A second run waits a short while, then gives up with exit 6.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import ConflictError, WriteError
from .files import NOT_A_FOLDER, blocked_by

LOCK = Path(".miss-i18n") / "lock"
WAIT = 10.0
"""Seconds a run waits for another to finish before it refuses."""


@contextlib.contextmanager
def project_lock(root: Path, *, shared: bool, wait: float | None = None) -> Iterator[None]:
    """The project's lock, held while the block runs. Where ``.miss-i18n`` is a link (not
    used at all: one planted in a clone may point anywhere), the project folder itself is
    locked, and nothing is written: the lock file lived behind the link, which the run
    truncated and wrote its number into."""
    path = root / LOCK
    linked = path.parent.is_symlink()
    try:
        if linked:
            handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        elif shared:  # a check writes nothing, not even the lock: no lock file, no writer yet
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        else:
            path.parent.mkdir(exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if shared:
            yield
            return
        if blocked_by(path) is not None:
            raise WriteError(f"{NOT_A_FOLDER} (miss-i18n keeps its state in this folder)",
                             path=path.parent) from None
        raise WriteError(f"cannot create the project lock ({exc.strerror}); check "
                         "permissions", path=path) from None
    held = False
    try:
        deadline = time.monotonic() + (WAIT if wait is None else wait)
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConflictError(
                        f"another miss-i18n run{'' if linked else _holder(path)} is working "
                        "on this project; run again when it has finished",
                        path=root if linked else path) from None
                time.sleep(0.05)
        held = not shared and not linked
        if held:  # who holds it, for the message a waiting run gives
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
        yield
    finally:
        if held:
            os.ftruncate(handle, 0)
        os.close(handle)


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        return f" (process {int(path.read_text().strip())})"
    return ""

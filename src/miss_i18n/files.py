"""Atomic, write-only-if-changed file output."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import MissI18nError


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically; do nothing if it already holds ``data``.

    Returns whether the file changed. A crash mid-write leaves the old file intact.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise MissI18nError(f"cannot read ({exc.strerror})", path=path) from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
    except OSError as exc:
        raise MissI18nError(f"cannot write ({exc.strerror}); check permissions",
                            path=path) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.chmod(0o644)
        temp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise MissI18nError(f"cannot write ({exc.strerror}); check permissions and free space",
                            path=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return True


def would_change(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except FileNotFoundError:
        return True

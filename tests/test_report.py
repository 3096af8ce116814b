"""report.html in the built site, and `status --format markdown`, for content teams."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import make_project
from helpers import invoke
from miss_i18n import catalog, po_fast, po_syntax, report, site_pages
from miss_i18n.build import PageReport, Rejection
from miss_i18n.checks import check_file
from miss_i18n.cli import main
from miss_i18n.confidence import WeakDraft
from miss_i18n.config import load_config
from miss_i18n.model import CatalogStats, Severity, whole
from miss_i18n.pages import parse_page
from miss_i18n.provenance import MACHINE_MARK, machine_line
from miss_i18n.report import Findings, count_findings, report_page
from miss_i18n.site_pages import index_page
from miss_i18n.website import Site

PAGE = "minimally-invasive-spine-surgery.html"
CTX = "minimally-invasive-spine-surgery:"


def review_state(project: Path) -> Path:
    """The de catalog with one of each: a person's translation, a machine draft, a person's
    translation of an earlier source (fuzzy with `#| msgid`, no provenance), and a
    translation whose placeholders do not match (the build rejects it, `check` reports it)."""
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path), wrapwidth=0)
    entries = {entry.msgctxt: entry for entry in po}
    entries[f"{CTX}#overview/h2"].msgstr = "Überblick"
    draft = entries[f"{CTX}#advantages/h2"]
    draft.msgstr = "Vorteile"
    draft.flags.append("fuzzy")
    draft.tcomment = f"{MACHINE_MARK} fake-engine test 1.0 (en→de)"
    stale = entries[f"{CTX}#title"]
    stale.msgstr = "Minimal-invasive Wirbelsäulenchirurgie"
    stale.flags.append("fuzzy")
    stale.previous_msgid = "Minimally invasive surgery"
    entries[f"{CTX}#lead"].msgstr = "<1>Minimal-invasive Wirbelsäulenchirurgie ist kaputt"
    po.save(str(path))
    return path


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_the_report_shows_progress_state_findings_pages_and_rejections(project: Path) -> None:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    review_state(project)
    code, output = invoke("build", "--include-fuzzy")
    assert code == 0, output
    site = project / "site"
    report = site / "report.html"
    assert "report.html" in [line.split("  ", 1)[1]
                             for line in (site / ".miss-i18n-files").read_text().splitlines()]
    root = parse_page(report.read_bytes()).getroot()
    rows = {row.get("id"): row for row in root.iter("tr") if row.get("id")}
    assert list(rows) == ["locale-de", "locale-ar", "locale-pt-BR"]
    de = rows["locale-de"]
    counts = [_text(li) for li in de.iterfind(".//ul[@data-miss-i18n='counts']/li")]
    assert counts == ["2 translated", "1 drafts", "1 by a person, to review",
                      "33 untranslated", "of 37 entries (5% translated)"]
    bar = [(span.get("data-kind"), span.get("style"))
           for span in de.iterfind(".//div[@data-miss-i18n='bar']/span")]
    assert bar == [("translated", "inline-size:5.41%"), ("drafts", "inline-size:2.70%"),
                   ("stale", "inline-size:2.70%"), ("untranslated", "inline-size:89.19%")]
    meter = de.find(".//meter")
    # 3 of 32 page texts shown: the rejected translation is not (the page keeps English)
    assert meter is not None and meter.get("value") == "9.4"
    assert meter.get("low") == "50" and meter.text == "9%"
    assert "Preview" in _text(de)
    findings = de.find(".//*[@data-miss-i18n='findings']")
    result = CliRunner().invoke(main, ["check", "--format", "json", "-l", "de"])
    checked = json.loads(result.stdout)["issues"]
    errors = sum(1 for issue in checked if issue["severity"] == "error")
    assert errors >= 1  # what `check` says, counted the same way
    assert findings is not None and _text(findings) == (
        f"{errors} error{'s' * (errors != 1)}, {len(checked) - errors} "
        f"warning{'s' * (len(checked) - errors != 1)}")
    assert _text(rows["locale-ar"].findall("td")[2]) == "none"
    [link] = de.iterfind(".//ul[@data-miss-i18n='pages']//a")
    assert link.get("href") == f"de/{PAGE}" and (site / "de" / PAGE).is_file()
    # the rejected translation is named with a link to its page
    [item] = root.iterfind(".//ul[@data-miss-i18n='rejected']/li")
    assert _text(item) == f"de/{PAGE}: {CTX}#lead (does not match its placeholders)"
    # nothing outside the site: no scripts, no external URLs
    assert not list(root.iter("script"))
    assert all("://" not in (e.get("href") or "") + (e.get("src") or "") for e in root.iter())
    index = (site / "index.html").read_text("utf-8")
    assert '<a href="report.html">Translation report</a>' in index
    assert invoke("build", "--include-fuzzy", "--check")[0] == 0  # reproducible


def test_a_persons_own_fuzzy_translation_is_not_counted_as_of_an_earlier_source(
        project: Path) -> None:
    """A translation a person marked fuzzy themselves (Poedit's "Needs work", no `#|`) is a
    person's awaiting review, as the page shows it (no notice calls it of an earlier
    source): the report neither labels nor explains it so."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == f"{CTX}#title")
    entry.msgstr = "Minimal-invasive Wirbelsäulenchirurgie"
    entry.flags.append("fuzzy")
    po.save(str(path))
    code, output = invoke("build", "--include-fuzzy")
    assert code == 0, output
    page = (project / "site" / "de" / PAGE).read_text("utf-8")
    assert "Minimal-invasive Wirbelsäulenchirurgie" in page and "earlier" not in page
    root = parse_page((project / "site" / "report.html").read_bytes()).getroot()
    de = next(row for row in root.iter("tr") if row.get("id") == "locale-de")
    counts = [_text(li) for li in de.iterfind(".//ul[@data-miss-i18n='counts']/li")]
    assert counts[2] == "1 by a person, to review"
    [legend] = root.iterfind(".//ul[@data-miss-i18n='legend']/li[@data-kind='stale']")
    assert _text(legend) == ("A person's translation awaiting review (fuzzy): of an earlier "
                             "source, or one they marked as needing work")


def test_the_report_of_a_published_locale_and_no_rejections(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", ("de",), extra="publish-threshold = 0\n")
    for number in range(3):  # four pages: each row folds its list of them
        (root / "source" / f"p{number}.html").write_text(
            f"<html><head><title>Page {number}</title></head><body><p>Text {number}</p>"
            "</body></html>")
    runner = CliRunner()
    args = ["--config", str(root / "pyproject.toml")]
    assert runner.invoke(main, ["run", "--no-translate", "-q", *args]).exit_code == 0
    report = (root / "site" / "report.html").read_text("utf-8")
    assert ">Published</span>" in report and ">Preview<" not in report
    assert "None: every translation could be used." in report
    assert "1 language besides English, 4 pages: 1 published, 0 previews." in report
    assert report.count("<summary>4 pages</summary>") == 1
    # the title is left in English: it says so (it was marked German)
    assert '<a href="de/p2.html" hreflang="de" lang="en" dir="ltr">Page 2</a>' in report


def test_a_title_left_in_the_source_language_is_marked_so_in_the_index_and_report(
        tmp_path: Path) -> None:
    """A page title shows in index.html and report.html in the language it has on the
    page: the locale's once translated, the source's (with its direction) where not."""
    root = make_project(tmp_path / "p", ("de", "ar"), extra="publish-threshold = 0\n")
    for number in range(2):
        (root / "source" / f"p{number}.html").write_text(
            f"<html><head><title>Page {number}</title></head><body><p>Text {number}</p>"
            "</body></html>")
    args = ["run", "--no-translate", "-q", "--config", str(root / "pyproject.toml")]
    assert CliRunner().invoke(main, args).exit_code == 0
    path = root / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path), wrapwidth=0)
    [entry] = [entry for entry in po if entry.msgid == "Page 0"]
    entry.msgstr = "Seite 0"
    po.save(str(path))
    made = []
    for _run in range(2):  # built, then found unchanged in the build index
        assert CliRunner().invoke(main, args).exit_code == 0
        made.append([(root / "site" / name).read_text("utf-8")
                     for name in ("index.html", "report.html")])
    assert made[0] == made[1]
    index, report = made[0]
    assert '<a href="de/p0.html" hreflang="de" lang="de" dir="ltr">Seite 0</a>' in report
    assert '<a href="de/p1.html" hreflang="de" lang="en" dir="ltr">Page 1</a>' in report
    assert '<a href="ar/p0.html" hreflang="ar" lang="en" dir="ltr">Page 0</a>' in report
    assert '<a href="de/p0.html" hreflang="de" dir="auto">Seite 0</a>' in index
    assert '<a href="de/p1.html" hreflang="de" dir="auto" lang="en">Page 1</a>' in index
    assert '<a href="ar/p0.html" hreflang="ar" dir="auto" lang="en">Page 0</a>' in index
    assert '<a href="en/p0.html" hreflang="en" dir="auto">Page 0</a>' in index


@pytest.mark.parametrize("base_url", [None, "https://example.org/docs/", "https://bü.example/ä b/"])
def test_the_index_and_report_skip_the_url_scan_only_where_it_would_change_nothing(
        monkeypatch: pytest.MonkeyPatch, base_url: str | None) -> None:
    """index.html and report.html tell serialize their links need no scan where they are
    all percent-encoded: the bytes are those of a full scan, whatever the page names,
    anchors and base URL."""
    pages = ["a.html", "sub dir/é & è.html", "100%/x?y#z.html"]
    site = Site(pages, "en", ["en", "de", "ar"], base_url, frozenset(),
                progress={"de": 80.0, "ar": 10.0}, threshold=50)
    titles = {(locale, page): f"{page} <{locale}> & co" for locale in site.locales
              for page in pages}
    reports = [PageReport(locale, page, 3, 1, [Rejection("ctx:#a b", "why")])
               for locale in site.locales for page in pages]
    weak = [WeakDraft(0.2, None, "ctx", "Text", (f"{pages[1]}#a b/é", f"{pages[2]}#?"))]
    stats = [CatalogStats(locale, 3, 1, 1, 1, 1) for locale in ("de", "ar")]

    def made() -> tuple[bytes, bytes]:
        return index_page(site, titles), report_page(
            site, stats, reports, titles, {"de": Findings(1, 0)},
            weakest={"de": weak, "ar": []})

    fast = made()
    real = site_pages.serialize
    monkeypatch.setattr(site_pages, "serialize", lambda tree, plain=False: real(tree))
    monkeypatch.setattr(report, "serialize", lambda tree, plain=False: real(tree))
    assert fast == made()


def test_status_markdown_table(project: Path) -> None:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:  # a person translated every entry (msgen-style)
        entry.msgstr = entry.msgid
    po.save(str(path))
    code, output = invoke("status", "--format", "markdown")
    assert code == 0
    assert output == (
        "| locale | entries | translated | fuzzy | (machine) | untranslated | done | site |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|\n"
        "| de | 37 | 37 | 0 | 0 | 0 | 100% | published |\n"
        "| ar | 37 | 0 | 0 | 0 | 37 | 0% | preview |\n"
        "| pt_BR | 37 | 0 | 0 | 0 | 37 | 0% | preview |\n"
    )


def test_findings_are_counted_on_the_catalogs_in_memory(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build counts on the catalogs it holds: nothing rendered or parsed again, and the
    counts are those `check` reports for the files written from them."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    review_state(project)
    config = load_config(project / "pyproject.toml")
    paths = {locale: project / "locales" / locale / "LC_MESSAGES" / "miss.po"
             for locale in ("de", "ar")}
    catalogs = {locale: catalog.load(path) for locale, path in paths.items()}
    expected = {}
    for locale, path in paths.items():
        issues = check_file(path, locale, config.glossary, str(path))
        errors = sum(1 for issue in issues if issue.severity is Severity.ERROR)
        expected[locale] = Findings(errors, len(issues) - errors)

    def refused(*args: object) -> None:
        raise AssertionError("count_findings rendered or parsed a catalog again")

    monkeypatch.setattr(catalog, "render", refused)
    monkeypatch.setattr(po_syntax, "parse", refused)
    monkeypatch.setattr(po_fast, "parse", refused)
    found = count_findings(catalogs, config.glossary)
    assert found == expected and found["de"].errors >= 1


def test_a_held_back_draft_among_those_to_review_says_the_page_shows_the_source() -> None:
    """A draft the pages hold back (it fails an error-level check) is listed for review
    like any other, with its page, and says that the page shows the source text there."""
    site = Site(["a.html"], "en", ["en", "de"], None, frozenset(), progress={"de": 80.0},
                threshold=50)
    weak = [WeakDraft(0.2, None, "a:#p", "Visit https://example.org", ("a.html#p",),
                      held=True),
            WeakDraft(0.3, None, "a:#q", "Fine", ("a.html#q",))]
    page = report_page(site, [CatalogStats("de", 2, 0, 2, 0, 2)], [], {},
                       {"de": Findings(1, 0)}, weakest={"de": weak}).decode()
    rows = page.split('<table data-miss-i18n="least-confident"')[1].split("<tr>")[2:]
    assert "held back: it fails an error-level check" in rows[0]
    assert "held back" not in rows[1] and 'href="de/a.html#q"' in rows[1]


@pytest.mark.parametrize("source", ["ar", "en"])
def test_the_report_is_english_and_marks_the_sources_language_where_it_shows(
        source: str) -> None:
    """report.html is the build's own English, whatever the source's language: an Arabic
    source's report was lang=ar dir=rtl throughout, its English read with an Arabic voice
    and laid out right to left. Now the page is English, and the source's text in it (its
    name, a draft's source text, a page title left untranslated) is marked as the source's."""
    site = Site(["a.html"], source, ["de"], None, frozenset(), progress={"de": 80.0},
                threshold=50)
    weak = [WeakDraft(0.3, None, "a:#q", "Source text", ("a.html#q",))]
    page = report_page(site, [CatalogStats("de", 2, 0, 2, 0, 2)],
                       [PageReport("de", "a.html", 2, 1)], {("de", "a.html"): "T"},
                       {"de": Findings(0, 0)}, weakest={"de": weak}).decode()
    assert '<html lang="en" dir="ltr">' in page
    assert '<span data-miss-i18n="shown">1 of 2 shown translated</span>' in page
    if source == "ar":
        assert '<span lang="ar" dir="rtl">العربية</span>, 1 page:' in page
        assert '<td lang="ar" dir="rtl">Source text</td>' in page
    else:
        assert "besides English, 1 page:" in page and "<td>Source text</td>" in page


@pytest.mark.parametrize("raw", [False, True])
def test_a_draft_on_a_page_whose_name_has_a_space_links_to_its_page(project: Path,
                                                                   raw: bool) -> None:
    """A page named ``about us.html`` was written raw on a catalog's ``#:`` line, which a
    reader splits at spaces (``about``, ``us.html#intro``): the report's "Drafts to review
    first" listed such a draft without any link to its page. The parts are joined again
    into the site's page names (a catalog written so before); the name is now written as
    GNU gettext writes it, between U+2068 and U+2069, which polib (here) does not know
    either, but keeps."""
    (project / "source" / "about us.html").write_text(
        '<html><head><title>About</title></head><body><p id="intro">Hello there.</p>'
        "</body></html>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path), wrapwidth=0)
    [draft] = [entry for entry in po if entry.msgid == "Hello there."]
    assert draft.occurrences == [("\u2068about", ""), ("us.html#intro\u2069", "")]
    draft.msgstr = "Hallo."
    draft.flags.append("fuzzy")
    draft.tcomment = machine_line("fake-engine test 1.0 (en→de)", confidence=0.2,
                                  text=draft.msgstr)
    po.save(str(path))
    if raw:  # as earlier versions wrote it
        path.write_text(path.read_text().replace("\u2068about us.html#intro\u2069",
                                                 "about us.html#intro"))
    assert invoke("build", "-q")[0] == 0
    page = (project / "site" / "report.html").read_text()
    rows = page.split('<table data-miss-i18n="least-confident"')[1].split("<tr>")[2:]
    assert 'href="de/about%20us.html#intro"' in rows[0]


_TITLES = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                blacklist_characters="\ufffe\uffff")
                  | st.sampled_from("&<>\"'\t\n\r"), max_size=8)


@settings(max_examples=150, deadline=None)
@given(pages=st.lists(st.text(min_size=1, max_size=6).filter(str.strip), min_size=1,
                      max_size=4, unique=True),
       locales=st.lists(st.sampled_from(["de", "pt_BR", "he", "zh_Hant", "ar"]), min_size=1,
                        max_size=4, unique=True),
       titles=st.lists(_TITLES, min_size=16, max_size=16),
       shown=st.lists(st.none() | st.tuples(st.integers(0, 9), st.integers(0, 9)),
                      min_size=16, max_size=16))
def test_the_lists_of_pages_are_lxmls_byte_for_byte(
        pages: list[str], locales: list[str], titles: list[str],
        shown: list[tuple[int, int] | None]) -> None:
    """Each locale's list of pages, written as text, is what lxml writes of it as elements
    (the way taken where libxml2 escapes otherwise: escapes_alike); folded or not."""
    site = Site(pages, "en", locales)
    cells = [(locale, page) for locale in locales for page in pages]
    named = dict(zip(cells, titles, strict=False))
    reports = [PageReport(locale, page, segments=total, translated=count,
                          title_translated=bool(count))
               for (locale, page), counts in zip(cells, shown, strict=False)
               if counts is not None for count, total in [counts]]
    stats = [CatalogStats(locale, 3, 1, 1, 1) for locale in locales]
    for folded in (0, 100):
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(report, "FOLDED_PAGES", folded)
            text = report_page(site, stats, reports, named)
            patched.setattr(report, "escapes_alike", lambda _tag: False)
            assert text == report_page(site, stats, reports, named)
        assert b"<!--" not in text


def test_percentages_are_rounded_down_where_people_read_them() -> None:
    """204 of 205 entries showed as 100% (an incomplete locale looked done, and failed a
    100% gate beside that 100%); 49.5% shown as 50% under "less than 50% translated"; the
    JSON's 2001 of 2002 as 100.0. Shown whole, and to a tenth in JSON, rounded down."""
    almost = CatalogStats("de", total=205, translated=204, fuzzy=0, untranslated=1)
    assert (whole(almost.percent), almost.tenths) == ("99%", 99.5)
    assert CatalogStats("de", 2002, 2001, 0, 1).tenths == 99.9
    assert (whole(49.5), whole(100.0), whole(0.49), whole(57.0)) == ("49%", "100%", "0%", "57%")
    assert CatalogStats("de", 0, 0, 0, 0).tenths == 100.0
    assert "| 99% |" in report.markdown_status([almost], {"de": True})


def test_status_says_published_as_a_build_with_the_same_fuzzy_option_does(project: Path) -> None:
    """A locale drafted whole (fuzzy) is published by a build that shows drafts and a
    preview by one that does not: `status` said published whatever `build
    --exclude-fuzzy` had made; it takes the same option, and answers as that build."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        entry.msgstr, entry.flags = entry.msgid, ["fuzzy"]
    po.save(str(path))
    for option, state in (("--include-fuzzy", "published"), ("--exclude-fuzzy", "preview")):
        assert invoke("build", option, "-q")[0] == 0
        index = (project / "site" / "index.html").read_text("utf-8")
        previews = index[index.index("Preview"):] if "Preview" in index else ""
        assert ("Deutsch" in previews) is (state == "preview")
        for fresh in (False, True):  # from the records, and from the catalogs
            if fresh:
                shutil.rmtree(project / ".miss-i18n")
            output = invoke("status", "--format", "markdown", option, "-l", "de")[1]
            assert f"| {state} |" in output.splitlines()[2], output

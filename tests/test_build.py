from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import quote

import polib
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import ARTICLE, GOLDEN, PAGES, golden, make_project
from helpers import (
    build_with,
    identity_catalog,
    invoke,
    po_translations,
    snapshot,
    structure,
    visible_text,
)
from miss_i18n import relink, site_pages
from miss_i18n.build import BLANK, Rejection, Review, localize, shows
from miss_i18n.chrome import MARK, UNTRANSLATED_NOTICE
from miss_i18n.cli import main
from miss_i18n.languages import bcp47
from miss_i18n.markup import escape_text, unescape_text
from miss_i18n.pages import parse_page
from miss_i18n.segments import Located, locate
from miss_i18n.site_pages import SITEMAP_NS, XHTML_NS, index_page, sitemap, sitemaps
from miss_i18n.skeleton import PageBuilder, compile_page, render
from miss_i18n.website import Site
from miss_i18n.writer import plain_uris

REAL_PAGES = sorted(PAGES.glob("*.html"))
FALLBACK = ("lang", "dir")


@pytest.mark.parametrize("path", [ARTICLE, *REAL_PAGES], ids=lambda p: p.stem)
def test_identity_translation_rebuilds_the_same_page(path: Path) -> None:
    """With msgstr = msgid (what msgen makes), the page shows the same text and elements;
    none of them says it is English any more (texinfo's <body lang="en">, DocBook's
    <div lang="en">): all of its text is translated, and every link leads where it led.
    (Two folders down: a real page's ``../std/index.html`` stays in the source folder.)"""
    data = path.read_bytes()
    page = f"docs/{path.stem}/{path.name}"
    built = build_with(data, page, "de", identity_catalog(data, page))
    assert visible_text(built) == visible_text(data)
    assert structure(built, FALLBACK, (f"de/{page}", "de/")) == structure(data, FALLBACK,
                                                                         (page, ""))
    assert [e.tag for e in parse_page(built).iter()
            if e.get("lang") == "en" and e.get(MARK) is None
            and not e.xpath("ancestor-or-self::*[@translate='no' or @class='notranslate']")
            ] == []  # but what translate="no" keeps in English


def test_translated_page_golden() -> None:
    """tricky.html + tricky.de.po → tricky.de.expected.html."""
    data = (PAGES / "tricky.html").read_bytes()
    translations = po_translations(polib.pofile(str(GOLDEN / "tricky.de.po")))
    built = build_with(data, "tricky.html", "de", translations)
    golden(GOLDEN / "tricky.de.expected.html", built.decode())


def test_a_translation_can_never_inject_markup() -> None:
    data = (PAGES / "tricky.html").read_bytes()
    slots = {s.segment.context: s.segment.msgid for s in locate(parse_page(data), "t.html")}
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)"> &lt;b&gt;'
    translations = {(ctx, msgid): evil for ctx, msgid in slots.items()
                    if "<" not in msgid.replace("&lt;", "")}
    built = build_with(data, "t.html", "de", translations).decode()
    assert "<script>alert" not in built and "<img src=x" not in built
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in built
    tags = [tag for tag, _attributes in structure(built.encode(), FALLBACK)]
    assert tags == [tag for tag, _attributes in structure(data, FALLBACK)]


@pytest.mark.parametrize("bad", [
    "Zeile eins<1/>zwei <2>Link</2>, <3>fett <4>x</4></3>",  # <5/> missing
    "Zeile eins<1/>zwei <2>Link</2>, <3>fett</3> <4>x</4> und <5/>.",  # <4> moved out
    "Zeile eins<1/>zwei <2>Link</2>, <3>fett <4>x</4></3> und <5/> <6/>.",  # <6/> unknown
    "Zeile <1>eins",  # unbalanced
])
def test_mismatched_placeholders_keep_the_source(bad: str) -> None:
    data = (PAGES / "tricky.html").read_bytes()
    [slot] = [s for s in locate(parse_page(data), "t.html") if s.segment.context == "t:body/p"]
    site = Site(["t.html"], "en", ["de"])
    built, report = localize(parse_page(data), "t.html", "de",
                             {("t:body/p", slot.segment.msgid): bad}, site=site)
    assert report.rejected == [Rejection("t:body/p", "does not match its placeholders")]
    assert visible_text(built) == visible_text(data)


@pytest.mark.parametrize("blank", [" ", "\t", "\u00a0", " \u3000 ", "\u200b", "\u2060\u200f"])
def test_a_translation_of_spaces_alone_keeps_the_source(blank: str) -> None:
    """A msgstr of spaces (a slip in an editor) would blank the paragraph or heading on
    the page, and count as translated: the source is kept, and the entry named."""
    data = (PAGES / "tricky.html").read_bytes()
    [slot] = [s for s in locate(parse_page(data), "t.html") if s.segment.context == "t:body/p"]
    site = Site(["t.html"], "en", ["de"])
    built, report = localize(parse_page(data), "t.html", "de",
                             {("t:body/p", slot.segment.msgid): blank}, site=site)
    assert report.rejected == [Rejection("t:body/p", BLANK)]
    assert visible_text(built) == visible_text(data)
    assert not shows(blank, slot.segment.msgid) and shows("Text", "Source")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]),
                        min_size=1, max_size=12), min_size=5, max_size=5))
def test_any_text_survives_as_text(words: list[str]) -> None:
    data = (PAGES / "tricky.html").read_bytes()
    [slot] = [s for s in locate(parse_page(data), "t.html") if s.segment.context == "t:body/p"]
    text = [escape_text(w) for w in words]
    translation = (f"{text[0]}<1/>{text[1]}<2>{text[2]}</2><3>{text[3]}<4>x</4></3>"
                   f"<5/>{text[4]}")
    built = build_with(data, "t.html", "de", {("t:body/p", slot.segment.msgid): translation})
    assert structure(built, FALLBACK, ("de/t.html", "de/")) == structure(data, FALLBACK,
                                                                        ("t.html", ""))


def test_rtl_page_and_links() -> None:
    data = ARTICLE.read_bytes()
    page = ARTICLE.name
    site = Site([page], "en", ["de", "ar"])
    built, _ = localize(parse_page(data), page, "ar", {}, site=site)
    root = parse_page(built).getroot()
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    links = {e.get("hreflang"): e.get("href") for e in root.iter("link")}
    assert links == {"en": f"../en/{page}", "de": f"../de/{page}", "ar": page,
                     "x-default": f"../en/{page}"}
    names = [a.text for a in root.iterfind(".//nav[@data-miss-i18n]//a")]
    assert names == ["English", "Deutsch", "العربية"]
    # untranslated text says it is English, read left to right
    heading = root.find(".//h1")
    assert heading is not None and (heading.get("lang"), heading.get("dir")) == ("en", "ltr")


RTL_SOURCE = (b"<html><head><title>Hello</title></head><body><h1>Hello <b>world</b></h1>"
              b"<div>\nDiv text <i>here</i> <p>para</p> tail text\n</div></body></html>")


def _body_of(built: bytes) -> str:
    """The page's own body: after the build's menu and notices (a page none of whose
    text is translated says so)."""
    return re.sub(r'^(<p data-miss-i18n="[a-z-]+-notice" role="note"[^>]*>[^<]*</p>\n)+', "",
                  built.decode().split("</nav>\n", 1)[1])


@pytest.mark.parametrize(("source", "locale", "marks"), [
    ("ar", "de", ' lang="ar" dir="rtl"'),  # an rtl source on an ltr page
    ("ar", "he", ' lang="ar"'),  # on an rtl page: the page's direction is the source's
    ("en", "de", ' lang="en"'),
    ("en", "he", ' lang="en" dir="ltr"'),
])
def test_fallback_text_has_the_source_language_and_direction(source: str, locale: str,
                                                             marks: str) -> None:
    """Untranslated text says its language, and its direction where the page's differs:
    on its element when it is all of it, else in a span (the spacing left outside)."""
    site = Site(["t.html"], source, ["de", "he"])
    built, _ = localize(parse_page(RTL_SOURCE), "t.html", locale, {}, site=site)
    assert _body_of(built) == (
        f"<h1{marks}>Hello <b>world</b></h1><div>\n<span{marks}>Div text <i>here</i></span> "
        f"<p{marks}>para</p> <span{marks}>tail text</span>\n</div></body></html>\n")


def test_translated_text_beside_blocks_is_not_wrapped() -> None:
    data = RTL_SOURCE
    site = Site(["t.html"], "ar", ["de"])
    found = {(s.segment.context, s.segment.msgid): "Text <1>hier</1>"
             for s in locate(parse_page(data), "t.html")
             if s.segment.context == "t:body/div/text()"}
    review = Review(drafts=frozenset(found))
    built, report = localize(parse_page(data), "t.html", "de", found, site=site, review=review)
    assert report.translated == 1
    # the notice is the build's own English text, not the source's Arabic: it was marked
    # lang="ar" dir="rtl", and its full stop showed at the wrong end
    assert ('<p data-miss-i18n="machine-notice" role="note" lang="en" dir="ltr">'
            in built.decode())
    skeleton = compile_page(Located.of(parse_page(data), "t.html"), "t.html", site)
    assert skeleton is not None
    assert render(skeleton, "de", found, site=site, review=review)[0] == built
    assert _body_of(built).endswith(
        '<div>\nText <i>hier</i> <p lang="ar" dir="rtl">para</p> '
        '<span lang="ar" dir="rtl">tail text</span>\n</div></body></html>\n')


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_a_page_none_of_whose_text_is_translated_says_so(locale: str) -> None:
    """A page that showed nothing but its source text in another locale (a language
    still in preview, one without a model; a page added since the last translation)
    looked broken: English under a German or Arabic menu, with no word why. It says so in
    a notice of its own, the build's English text (marked so) where the catalog leaves
    that untranslated; the source's own page carries none, nor a page that shows one text
    translated. The skeleton builds every one of them alike."""
    site = Site(["t.html"], "en", ["de", "ar"])
    slots = locate(parse_page(RTL_SOURCE), "t.html")
    notice = (UNTRANSLATED_NOTICE.context, UNTRANSLATED_NOTICE.msgid)
    heading = (slots[1].segment.context, slots[1].segment.msgid)
    skeleton = compile_page(Located.of(parse_page(RTL_SOURCE), "t.html"), "t.html", site)
    assert skeleton is not None
    for page_locale, found, says in (
            (locale, {}, f'<p {MARK}="untranslated-notice" role="note" lang="en" '
                         f'dir="ltr">{UNTRANSLATED_NOTICE.msgid}</p>'),
            (locale, {notice: "Noch nicht übersetzt."},
             f'<p {MARK}="untranslated-notice" role="note">Noch nicht übersetzt.</p>'),
            ("en", {}, None), (locale, {heading: "Hallo <1>Welt</1>"}, None)):
        built, report = localize(parse_page(RTL_SOURCE), "t.html", page_locale, found,
                                 site=site)
        text = built.decode()
        if says is None:
            assert "untranslated-notice" not in text
        else:
            assert report.translated == 0 and says in text
        assert render(skeleton, page_locale, found, site=site)[0] == built


def test_a_page_whose_only_translated_text_no_reader_sees_says_it_is_untranslated() -> None:
    """A page whose description alone was translated (a meta tag, structured data: text
    for search engines) showed its title, headings and paragraphs in English without the
    notice; a reader sees nothing translated, so it says so. A translated title counts:
    it is seen (the tab, the history)."""
    data = (b'<html lang="en"><head><title>Apple page</title><meta name="description" '
            b'content="All about apples"></head><body><h1>Apples</h1><p>Tasty.</p></body>'
            b'</html>')
    site = Site(["t.html"], "en", ["he"])
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(data), "t.html")}
    skeleton = compile_page(Located.of(parse_page(data), "t.html"), "t.html", site)
    assert skeleton is not None
    for found, notice in (({keys["All about apples"]: "הכל על תפוחים"}, True),
                          ({keys["Apple page"]: "דף תפוחים"}, False)):
        built, report = localize(parse_page(data), "t.html", "he", found, site=site)
        assert ("untranslated-notice" in built.decode()) is notice
        assert report.translated == 1
        assert render(skeleton, "he", found, site=site)[0] == built


SKIP_LINK = (b'<html lang="en"><head><title>T</title></head><body>\n'
             b'<a class="skip" href="#main">Skip to <b>content</b></a>\n'
             b'<nav aria-label="Site"><a href="t.html">Home</a></nav>'
             b'<main id="main"><h1>Apples</h1><p>Text.</p></main></body></html>')


@pytest.mark.parametrize("locale", ["de", "ar", "en"])
@pytest.mark.parametrize("translated", [False, True])
def test_a_skip_link_stays_the_first_thing_a_keyboard_reaches(locale: str,
                                                            translated: bool) -> None:
    """The language menu went first in the body, before the page's own skip link: the
    first Tab reached the menu. It follows the skip link (and the mark's span around an
    untranslated one), with the notices; the skeleton builds it alike. A link that is
    part of a sentence, or is not to a place on the page, is no skip link."""
    site = Site(["t.html"], "en", ["de", "ar"])
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(SKIP_LINK), "t.html")}
    found = {keys["Skip to <1>content</1>"]: "Zum <1>Inhalt</1>"} if translated else {}
    built, _ = localize(parse_page(SKIP_LINK), "t.html", locale, found, site=site)
    body = parse_page(built).getroot().find("body")
    first = next(body.iter("a", "summary"))
    assert (first.tag, first.get("href")) == ("a", "#main")
    order = [e.tag if e.get(MARK) is None else e.get(MARK) for e in body]
    assert order.index("languages") == 1 and order[-2:] == ["nav", "main"]
    skeleton = compile_page(Located.of(parse_page(SKIP_LINK), "t.html"), "t.html", site)
    assert skeleton is not None
    assert render(skeleton, locale, found, site=site)[0] == built
    for other in (SKIP_LINK.replace(b"\n<nav", b" now<nav"),
                  SKIP_LINK.replace(b'href="#main"', b'href="other.html"')):
        built, _ = localize(parse_page(other), "t.html", locale, found, site=site)
        assert parse_page(built).getroot().find("body")[0].get(MARK) == "languages"


SHOWN_ATTRIBUTES = (b'<html lang="en"><head><title>T</title></head><body><main>'
                    b'<p>Look <img src="a.png" alt="A red apple"> here.</p>'
                    b'<p><input type="submit" value="Send now"> <input type="text" '
                    b'placeholder="Your name"> <input type="image" src="b.png" alt="Go"></p>'
                    b'<div><img src="c.png" alt="A green pear"></div></main></body></html>')


@pytest.mark.parametrize(("locale", "marks"), [("ar", ' lang="en" dir="ltr"'),
                                               ("de", ' lang="en"')])
def test_an_image_or_button_says_the_language_of_the_text_it_shows(locale: str,
                                                                   marks: str) -> None:
    """An image's alt, a button's value left in English on a translated page were read
    in the page's language (and laid out rtl): the element says it is English, as text
    left untranslated does; an alt translated inside text left in English says the
    page's language. A text field's placeholder is not marked (a lang on the field would
    be that of what a person types in it). The skeleton builds them alike."""
    site = Site(["t.html"], "en", ["de", "ar"])
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(SHOWN_ATTRIBUTES), "t.html")}
    found = {keys["Look <1/> here."]: "Schau <1/> hier.", keys["A green pear"]: "Birne",
             keys["Your name"]: "Name"}
    built, _ = localize(parse_page(SHOWN_ATTRIBUTES), "t.html", locale, found, site=site)
    body = parse_page(built).getroot().find("body/main")
    images = {e.get("alt"): (e.get("lang"), e.get("dir")) for e in body.iter("img", "input")
              if e.get("alt")}
    tag, direction = ("en", "ltr" if locale == "ar" else None)
    assert images["A red apple"] == (tag, direction)
    assert images["Birne"] == (None, None)  # (its block is translated: inherits the page's)
    inputs = {e.get("type"): e.get("lang") for e in body.iter("input")}
    assert inputs["text"] is None
    text = built.decode()
    assert f'<input type="submit" value="Send now"{marks}>' in text or \
        inputs["submit"] is None  # (in a paragraph left in English: it inherits it)
    skeleton = compile_page(Located.of(parse_page(SHOWN_ATTRIBUTES), "t.html"), "t.html",
                            site)
    assert skeleton is not None
    assert render(skeleton, locale, found, site=site)[0] == built
    english = {keys["A red apple"]: "Apfel"}  # its sentence left in English
    built, _ = localize(parse_page(SHOWN_ATTRIBUTES), "t.html", locale, english, site=site)
    assert f'<p{marks}>Look <img src="../a.png" alt="Apfel" lang="{locale}"' in built.decode()
    assert render(skeleton, locale, english, site=site)[0] == built


WRAPPED = (b'<html><head><title>T</title></head><body><main><ul>'
           b'<li><a href="x.html">Lumbar discectomy</a></li>'
           b'<li> <a href="y.html"><strong>Spinal fusion</strong></a> </li>'
           b'<li><a href="z.html">Laminectomy</a></li>'
           b'<li><a href="w.html">Nested</a><ul><li>Inner</li></ul></li></ul>'
           b'<p><em>All of it</em></p><p>Some <a href="m.html">mixed</a> text</p>'
           b'<table><tr><th><code>a_b</code></th><td dir="auto"><b>Own dir</b></td></tr>'
           b'</table></main></body></html>')


@pytest.mark.parametrize(("locale", "marks"), [("ar", ' lang="en" dir="ltr"'),
                                               ("de", ' lang="en"')])
def test_a_block_all_of_whose_text_is_one_inline_element_says_its_language(
        locale: str, marks: str) -> None:
    """<li><a href="x.html">Lumbar discectomy</a></li> left in English on an Arabic page:
    the mark was on the <a>, so the item kept the page's direction (right-aligned, its
    bullet on the right). The block whose whole content it is says so now, the inline
    element unmarked; a block with more than that text, or a dir of its own, as before.
    The skeleton writes the same page."""
    site = Site(["t.html"], "en", ["de", "ar"])
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(WRAPPED), "t.html")}
    found = {keys["Laminectomy"]: "Laminektomie" if locale == "de" else "استئصال الصفيحة"}
    built, _ = localize(parse_page(WRAPPED), "t.html", locale, found, site=site)
    code = ' dir="ltr"' if locale == "ar" else ""  # code on an rtl page, as before
    table = code  # (a table left all in English: its columns in English order)
    assert _body_of(built) == (
        f'<main><ul><li{marks}><a href="x.html">Lumbar discectomy</a></li>'
        f'<li{marks}> <a href="y.html"><strong>Spinal fusion</strong></a> </li>'
        f'<li><a href="z.html">{found[keys["Laminectomy"]]}</a></li>'
        f'<li><a href="w.html"{marks}>Nested</a><ul><li{marks}>Inner</li></ul></li></ul>'
        f'<p{marks}><em>All of it</em></p><p{marks}>Some <a href="m.html">mixed</a> text</p>'
        f'<table{table}><tr><th{marks}><code{code}>a_b</code></th>'
        f'<td dir="auto"><b{marks}>Own dir</b></td></tr></table></main></body></html>\n')
    skeleton = compile_page(Located.of(parse_page(WRAPPED), "t.html"), "t.html", site)
    assert skeleton is not None
    assert render(skeleton, locale, found, site=site)[0] == built


def test_the_index_of_an_rtl_source_is_rtl() -> None:
    """The page's title is the source's (Arabic); the build's own words, English, are
    marked so, as the notices are: read by an English voice, laid out left to right."""
    index = index_page(Site(["a.html"], "ar", ["de"], progress={"de": 0.0}, threshold=50),
                       {("ar", "a.html"): "A"}).decode()
    assert '<html lang="ar" dir="rtl">' in index and "<h1>A</h1>" in index
    assert '<h2 data-miss-i18n="previews" lang="en" dir="ltr">' in index
    assert '<p data-miss-i18n="report" lang="en" dir="ltr">' in index
    several = index_page(Site(["a.html", "b.html"], "ar", ["de"]), {}).decode()
    assert '<h1 lang="en" dir="ltr">Languages</h1>' in several
    english = index_page(Site(["a.html", "b.html"], "en", ["de"]), {}).decode()
    assert "<h1>Languages</h1>" in english and '<p data-miss-i18n="report">' in english


SEO = (b'<!DOCTYPE html>\n<html lang="en"><head>\n<meta charset="utf-8">\n<title>T</title>\n'
       b'<link rel="canonical" href="https://x.example/a.html">\n'
       b'<link rel="alternate" hreflang="fr" href="https://fr.example/a.html">\n'
       b'<link rel="alternate" type="application/rss+xml" hreflang="en" href="feed.xml">\n'
       b'<link rel="stylesheet" href="s.css">\n</head><body><p>Text</p></body></html>')


@pytest.mark.parametrize("locale", ["en", "de"])
def test_the_sources_canonical_and_hreflang_links_give_way_to_the_builds(locale: str) -> None:
    """A source page with its own <link rel="canonical"> (to its old, unprefixed URL) and
    hreflang alternates got the build's as well: two canonicals, the German page's naming
    the English one (search engines then drop it). The build's are now the only ones;
    other links stay: a stylesheet, and a feed, though its hreflang says the language of
    the feed (it was taken out as if it were one of the page's alternates), each leading
    where it led from the locale folder."""
    site = Site(["a.html"], "en", ["de"], base_url="https://x.example/")
    located = Located.of(parse_page(SEO), "a.html")
    found = {("a:body/p", "Text"): "Text DE"}
    built, _ = localize(parse_page(SEO), "a.html", locale, found, site=site)
    head = built.decode().split("</head>")[0]
    assert head.count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="https://x.example/{locale}/a.html"' in head
    assert "fr.example" not in head and head.count('hreflang="') == 4  # en, de, x-default
    assert ('<title>T</title>\n<link rel="alternate" type="application/rss+xml" '
            'hreflang="en" href="../feed.xml">\n<link rel="stylesheet" href="../s.css">\n'
            ) in head
    skeleton = compile_page(located, "a.html", site)
    assert skeleton is not None
    assert render(skeleton, locale, found, site=site)[0] == built


@pytest.mark.parametrize(("locale", "tag"), [("de", "de"), ("pt_BR", "pt-BR"), ("en", "en")])
def test_a_content_language_meta_says_the_pages_language(locale: str, tag: str) -> None:
    """<meta http-equiv="content-language" content="en-US"> (what Bing reads a page's
    language from) stayed en-US on the German page; it now says the page's language."""
    data = (b'<html lang="en-US"><head><meta http-equiv="Content-Language" content="en-US">'
            b'<title>T</title></head><body><p>Text</p></body></html>')
    site = Site(["a.html"], "en", ["de", "pt_BR"])
    built, _ = localize(parse_page(data), "a.html", locale, {}, site=site)
    assert f'<meta http-equiv="Content-Language" content="{tag}">' in built.decode()
    skeleton = compile_page(Located.of(parse_page(data), "a.html"), "a.html", site)
    assert skeleton is not None
    assert render(skeleton, locale, {}, site=site)[0] == built


PLAINTEXT = (b"<!DOCTYPE html>\n<html><head><title>T</title></head><body><p>Hello.</p>\n"
             b"<plaintext>Tail <b>text</b> & more\n")


def test_a_page_that_ends_in_plaintext_ends_in_its_text() -> None:
    """A browser reads all after ``<plaintext>`` as text: the end tags libxml2 wrote after
    it (``</plaintext></body></html>``) were shown at the foot of every build, the
    English one too. Both ways of building leave them out."""
    site = Site(["x.html"], "en", ["de"])
    located = Located.of(parse_page(PLAINTEXT), "x.html")
    builder = PageBuilder(located, "x.html", site, plain=True, due=9)
    for locale in ("en", "de", "de"):
        built = localize(parse_page(PLAINTEXT), "x.html", locale, {}, site=site)[0]
        assert built.endswith(b"<plaintext>Tail <b>text</b> & more\n") or built.endswith(
            b'<plaintext lang="en">Tail <b>text</b> & more\n')
        assert builder.build(locale, {}, Review())[0] == built


XMP = (b'<!DOCTYPE html>\n<html><head><title>T</title></head><body><p>Write this:</p>\n'
       b'<xmp><b>bold</b> & <i>italic</i></xmp>\n<noembed><p>No plugin</p></noembed>\n'
       b'<iframe src="m.html">Old <b>browser</b></iframe></body></html>')


@pytest.mark.parametrize("translation", [
    "&lt;b>fett&lt;/b> & &lt;i>kursiv&lt;/i>",
    "&lt;/XMP>&lt;script>alert(1)&lt;/script>"])
def test_raw_text_elements_are_written_as_their_text(translation: str) -> None:
    """<xmp><b>bold</b></xmp> shows "<b>bold</b>" (its content is raw text, for libxml2
    as for a browser); libxml2 wrote it back escaped, so every build, the English one
    too, showed "&lt;b&gt;bold&lt;/b&gt;". Such text is now written as it is, translated or
    not; a translation that would end the element stays text (escaped), never markup."""
    site = Site(["x.html"], "en", ["de"])
    source, _ = localize(parse_page(XMP), "x.html", "en", {}, site=site)
    body = _body_of(source)
    assert ("<xmp><b>bold</b> & <i>italic</i></xmp>\n<noembed><p>No plugin</p></noembed>\n"
            '<iframe src="m.html">Old <b>browser</b></iframe>') in body
    located = Located.of(parse_page(XMP), "x.html")
    key = next((s.segment.context, s.segment.msgid) for s in located.slots
               if s.segment.context == "x:body/xmp")
    built, _ = localize(parse_page(XMP), "x.html", "de", {key: translation}, site=site)
    page = etree.fromstring(built, etree.HTMLParser())
    text = unescape_text(translation)
    if "</xmp" in text.lower():  # written escaped: shown as entities, but never markup
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert page.findtext("body/xmp") == text
    assert page.find(".//script") is None
    builder = PageBuilder(located, "x.html", site, plain=True, due=9)
    for locale, found in (("en", {}), ("de", {key: translation}), ("de", {key: translation})):
        assert builder.build(locale, found, Review())[0] == localize(
            parse_page(XMP), "x.html", locale, found, site=site)[0]


OG_URL = (b'<html><head><title>T</title><meta property="og:url" content="https://x.example/a.html">'
          b'<meta property="og:title" content="T"></head><body><p>Text</p></body></html>')


@pytest.mark.parametrize("base_url", ["https://x.example/", None])
@pytest.mark.parametrize("locale", ["en", "de"])
def test_an_og_url_names_the_pages_own_url(locale: str, base_url: str | None) -> None:
    """<meta property="og:url"> named the source's old URL on every page: a shared German
    page was known by the English one's URL, and showed its title and text. With a base
    URL it is now the page's own URL; without one (it must be absolute) it is taken off,
    as the canonical link is."""
    site = Site(["a.html"], "en", ["de"], base_url=base_url)
    built, _ = localize(parse_page(OG_URL), "a.html", locale, {}, site=site)
    head = built.decode().split("</head>")[0]
    if base_url:
        assert f'<meta property="og:url" content="https://x.example/{locale}/a.html">' in head
    else:
        assert "og:url" not in head
    assert '<meta property="og:title" content="T">' in head
    builder = PageBuilder(Located.of(parse_page(OG_URL), "a.html"), "a.html", site,
                          plain=True, due=9)
    for other in ("en", "de", locale):
        assert builder.build(other, {}, Review())[0] == localize(
            parse_page(OG_URL), "a.html", other, {}, site=site)[0]
    assert (builder.skeleton is not None) == bool(base_url)  # without: through lxml


OG_LOCALE = (b'<html><head><title>T</title><meta property="og:locale" content="en_GB">'
             b'<meta property="og:locale:alternate" content="fr_FR">'
             b'</head><body><p>Text</p></body></html>')


@pytest.mark.parametrize(("locale", "shown"), [
    ("en", "en_GB"), ("de", "de_DE"), ("zh", "zh_CN"), ("pt_BR", "pt_BR"), ("ar", "ar_EG"),
    ("pt", "pt_PT")])
def test_an_og_locale_names_the_pages_locale(locale: str, shown: str) -> None:
    """<meta property="og:locale" content="en_GB"> stayed on every translated page: a
    shared German page said it was British English. It now names the page's locale as
    Open Graph writes one (language_TERRITORY, the territory CLDR finds likely, but for
    ``pt``: European Portuguese, beside ``pt_BR``, not ``pt_BR`` as CLDR's likely
    Portuguese made it); the source's own pages keep the source's. The source's
    og:locale:alternate (a language of the site it came from) is taken off."""
    site = Site(["a.html"], "en", ["de", "zh", "pt_BR", "ar", "pt"])
    built, _ = localize(parse_page(OG_LOCALE), "a.html", locale, {}, site=site)
    assert f'<meta property="og:locale" content="{shown}">' in built.decode()
    assert b"fr_FR" not in built  # the source site's other language: not this site's
    builder = PageBuilder(Located.of(parse_page(OG_LOCALE), "a.html"), "a.html", site,
                          plain=True, due=9)
    for other in ("en", "de", locale):
        assert builder.build(other, {}, Review())[0] == localize(
            parse_page(OG_LOCALE), "a.html", other, {}, site=site)[0]
    assert builder.skeleton is not None


def lxml_sitemap(site: Site) -> bytes:
    """The sitemap as lxml wrote it before site_pages.sitemap wrote text: the oracle."""
    namespaces: dict[str | None, str] = {None: SITEMAP_NS, "xhtml": XHTML_NS}
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap=namespaces)  # type: ignore[arg-type]
    for page in site.pages:
        for locale in site.published:
            url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = site.url(locale, page)
            for other in [*site.published, None]:
                etree.SubElement(url, f"{{{XHTML_NS}}}link", {
                    "rel": "alternate",
                    "hreflang": "x-default" if other is None else bcp47(other),
                    "href": site.url(other or site.source_locale, page)})
    return bytes(etree.tostring(urlset, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


URL_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"))
                   | st.sampled_from("&<>\"'\t\n\r"), max_size=8)
# A base URL as the configuration accepts it: no noncharacter (U+FFFE, unassigned: "Cn"),
# which XML cannot hold and config._base_url refuses; a page name may hold any (it is
# percent-encoded).
BASE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
                    | st.sampled_from("&<>\"'\t\n\r"), max_size=8)


@settings(max_examples=200, deadline=None)
@given(pages=st.lists(URL_TEXT.filter(bool), max_size=3, unique=True),
       base=BASE_TEXT, locales=st.lists(st.sampled_from(["de", "pt_BR", "he", "zh_Hant"]),
                                       max_size=3, unique=True))
def test_the_sitemap_is_lxmls_byte_for_byte(pages: list[str], base: str,
                                            locales: list[str]) -> None:
    site = Site(pages, "en", locales, base_url=f"https://x.example/{base}/")
    assert sitemap(site) == lxml_sitemap(site)


TITLE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                   blacklist_characters="\ufffe\uffff")
                     | st.sampled_from("&<>\"'\t\n\r"), max_size=8)


@settings(max_examples=200, deadline=None)
@given(pages=st.lists(URL_TEXT.filter(bool), min_size=1, max_size=3, unique=True),
       locales=st.lists(st.sampled_from(["de", "pt_BR", "he", "zh_Hant", "ar"]), max_size=4,
                        unique=True),
       titles=st.lists(TITLE_TEXT, min_size=18, max_size=18),
       progress=st.lists(st.floats(0, 100), min_size=5, max_size=5),
       untranslated=st.lists(st.booleans(), min_size=18, max_size=18))
def test_the_index_is_lxmls_byte_for_byte(
        pages: list[str], locales: list[str], titles: list[str], progress: list[float],
        untranslated: list[bool]) -> None:
    """index.html's lists of languages, written as text, are what lxml writes of them as
    elements (the way taken where libxml2 escapes otherwise: escapes_alike)."""
    site = Site(pages, "en", locales, progress=dict(zip(locales, progress, strict=False)),
                threshold=50.0)
    cells = [(locale, page) for locale in site.all_locales for page in pages]
    named = dict(zip(cells, titles, strict=False))
    left = {cell for cell, flag in zip(cells, untranslated, strict=False) if flag}
    text = index_page(site, named, left)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(site_pages, "escapes_alike", lambda _tag: False)
        assert text == index_page(site, named, left)
    assert b"<!--" not in text


def test_sitemap_and_index() -> None:
    site = Site(["a.html"], "en", ["pt_BR"], base_url="https://x.example/")
    xml = sitemap(site).decode()
    assert "<loc>https://x.example/pt-BR/a.html</loc>" in xml
    assert ('<xhtml:link rel="alternate" hreflang="x-default" '
            'href="https://x.example/en/a.html"/>') in xml
    index = index_page(site, {("en", "a.html"): "A"}).decode()
    assert 'hreflang="pt-BR" dir="ltr">português (Brasil)</a>' in index
    assert "<title>A</title>" in index and "<h1>A</h1>" in index  # one page: its chooser
    assert 'rel="alternate"' not in index  # no page's cluster names index.html
    # many pages: each title is translated or left in English, so takes its own direction
    site = Site(["a.html", "b.html"], "en", ["he"], base_url="https://x.example/")
    index = index_page(site, {("en", "a.html"): "A", ("he", "a.html"): "שלום",
                              ("he", "b.html"): "B"}).decode()
    assert "<title>Languages</title>" in index and "<h1>Languages</h1>" in index
    assert 'rel="alternate"' not in index
    assert '<span dir="rtl">עברית</span>' in index
    assert 'hreflang="he" dir="auto">שלום</a>' in index
    assert 'hreflang="he" dir="auto">B</a>' in index


def test_a_withheld_page_is_left_out_of_its_pages_alternates_and_the_sitemap() -> None:
    """A page of a published locale that shows too little translated (Site.withheld) is
    a preview: noindex, no alternates; its other languages' pages and the sitemap leave
    it out; the locale's other pages and its menu links stay."""
    site = Site(["a.html", "b.html"], "en", ["de", "fr"], base_url="https://x.example/",
                withheld=frozenset({("de", "b.html")}))
    assert site.listed("a.html") == ["en", "de", "fr"] and site.listed("b.html") == ["en", "fr"]
    xml = sitemap(site).decode()
    assert "/de/a.html</loc>" in xml and "/de/b.html" not in xml and "/fr/b.html</loc>" in xml
    data = (PAGES / "tricky.html").read_bytes()
    pages = {(locale, page): localize(parse_page(data), page, locale, {}, site=site)[0]
             for locale in ("de", "fr") for page in ("a.html", "b.html")}
    assert b'content="noindex"' in pages[("de", "b.html")]
    assert b'rel="alternate"' not in pages[("de", "b.html")]
    assert b'hreflang="de"' in pages[("de", "b.html")]  # the menu
    assert b'rel="alternate" hreflang="de"' not in pages[("fr", "b.html")]
    assert b'rel="alternate" hreflang="de"' in pages[("fr", "a.html")]
    assert b'noindex' not in pages[("de", "a.html")]


def test_assets_are_copied_once_and_linked_from_every_locale(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    root = make_project(tmp_path / "p", ("de",))
    guides = root / "source" / "guides"
    (guides / "img").mkdir(parents=True)
    (guides / "img" / "spine 1.png").write_bytes(b"\x89PNG fake")
    (root / "source" / "style.css").write_text("p{}")
    (guides / "a.html").write_text(
        '<html><head><link rel="stylesheet" href="../style.css"></head><body>'
        '<p><img src="img/spine%201.png" srcset="img/spine%201.png 2x" alt="Spine">'
        '<a href="../minimally-invasive-spine-surgery.html#overview">Overview</a> '
        '<a href="https://example.org/x.png">out</a> <a href="#top">top</a></p></body></html>')
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["run", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = root / "site"
    assert (site / "guides" / "img" / "spine 1.png").read_bytes() == b"\x89PNG fake"
    built = (site / "de" / "guides" / "a.html").read_text()
    assert 'href="../../style.css"' in built
    assert 'src="../../guides/img/spine%201.png"' in built
    assert 'srcset="../../guides/img/spine%201.png 2x"' in built
    assert 'href="../minimally-invasive-spine-surgery.html#overview"' in built
    assert 'href="https://example.org/x.png"' in built and 'href="#top"' in built


def test_root_relative_links_to_the_sources_pages_and_assets_work_from_every_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site written to be served from its root links ``/guides/a.html`` and
    ``/style.css`` (or has ``<base href="/">``): kept as they were, such links led from
    ``de/…`` to the output's root, where no page is (404 on a server, nothing from disk).
    A link to a page of the source is now the same locale's page, one to an asset the
    copied asset, both relative; other root-relative links are left as they are."""
    root = make_project(tmp_path / "p", ("de",))
    (root / "source" / "guides").mkdir()
    (root / "source" / "style.css").write_text("p{}")
    (root / "source" / "guides" / "a.html").write_text(
        '<html><head><link rel="stylesheet" href="/style.css"></head><body>'
        '<p><a href="/minimally-invasive-spine-surgery.html#overview">Overview</a> '
        '<a href="/guides/a.html?x=1">self</a> <a href="/elsewhere/page.html">out</a> '
        '<a href="/">home</a></p></body></html>')
    (root / "source" / "based.html").write_text(
        '<html><head><base href="/"></head><body><p><a href="guides/a.html#top">A</a> '
        '<img src="style.css" alt="x"></p></body></html>')
    for built in _built_in_en_and_de(root, "guides/a.html", monkeypatch):
        assert 'href="../../style.css"' in built
        assert 'href="../minimally-invasive-spine-surgery.html#overview"' in built
        assert 'href="a.html?x=1"' in built
        assert 'href="/elsewhere/page.html"' in built and 'href="/"' in built
    for locale in ("en", "de"):
        based = (root / "site" / locale / "based.html").read_text()
        assert 'href="guides/a.html#top"' in based and 'src="../style.css"' in based


def test_root_relative_links_start_where_the_base_url_serves_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site served below a path (base-url ``https://example.org/docs/``) links its own
    pages as ``/docs/guides/a.html``: those are made relative as above, while
    ``/guides/a.html`` leads out of the site (to the server's own page of that name, not
    the source's ``guides/a.html``) and is left as it is."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/docs/"\n')
    (root / "source" / "guides").mkdir()
    (root / "source" / "style.css").write_text("p{}")
    (root / "source" / "guides" / "a.html").write_text(
        '<html><head><link rel="stylesheet" href="/docs/style.css"></head><body>'
        '<p><a href="/docs/minimally-invasive-spine-surgery.html#overview">Overview</a> '
        '<a href="/guides/a.html">not ours</a> <a href="/docs/guides/../guides/a.html">'
        'self</a> <a href="/style.css">theirs</a></p></body></html>')
    for built in _built_in_en_and_de(root, "guides/a.html", monkeypatch):
        assert 'href="../../style.css"' in built
        assert 'href="../minimally-invasive-spine-surgery.html#overview"' in built
        assert 'href="/guides/a.html"' in built and 'href="a.html"' in built
        assert 'href="/style.css"' in built


def test_root_relative_links_work_under_a_percent_encoded_base_url_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A base-url whose path needs escaping (a space, which the base-url must write as
    ``%20``, or ``ö`` as ``%C3%B6``): the page's root-relative links under it, escaped
    or not, named the source's pages and assets, yet were kept as they were, so from disk
    the stylesheet and the links led nowhere. They are made relative as for a plain path."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/my%20d%C3%B6cs/"\n')
    (root / "source" / "guides").mkdir()
    (root / "source" / "style.css").write_text("p{}")
    (root / "source" / "guides" / "a.html").write_text(
        '<html><head><link rel="stylesheet" href="/my%20d%C3%B6cs/style.css"></head><body>'
        '<p><a href="/my%20d%C3%B6cs/minimally-invasive-spine-surgery.html#overview">'
        'Overview</a> <a href="/my döcs/guides/a.html">self</a> '
        '<a href="/my%20docs/style.css">not ours</a></p></body></html>')
    for built in _built_in_en_and_de(root, "guides/a.html", monkeypatch):
        assert 'href="../../style.css"' in built
        assert 'href="../minimally-invasive-spine-surgery.html#overview"' in built
        assert 'href="a.html"' in built and 'href="/my%20docs/style.css"' in built


def test_absolute_links_into_the_base_url_work_from_every_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages that link their own site absolutely (``https://example.org/docs/b.html``, as
    WordPress exports do, or through ``<base href="https://example.org/docs/">``) kept
    those links: the page they named moved to ``…/docs/de/b.html``, so the link led to
    nothing once deployed, and from disk to the web (``//example.org/docs/b.html``, the
    scheme left off, too). Under the base-url they are now made
    relative as root-relative links are; another host, or a path outside, stays. A page
    named so only later rebuilds the pages that link to it."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/docs/"\n')
    (root / "source" / "style.css").write_text("p{}")
    (root / "source" / "a.html").write_text(
        '<html><head><link rel="stylesheet" href="https://example.org/docs/style.css">'
        '</head><body><p><a href="https://example.org/docs/b.html#x">B</a> '
        '<a href="http://EXAMPLE.org/docs/minimally-invasive-spine-surgery.html">M</a> '
        '<a href="https://example.org/docs/c.html">C</a> '
        '<a href="https://example.org/b.html">out</a> '
        '<a href="https://other.example/docs/b.html">other</a> '
        '<a href="//example.org/docs/b.html">same scheme</a> '
        '<a href="//other.example/docs/b.html">other, same scheme</a></p></body></html>')
    (root / "source" / "b.html").write_text(
        '<html><head><base href="https://example.org/docs/"></head><body><p>'
        '<a href="a.html">A</a> <img src="style.css" alt="x"></p></body></html>')
    for built in _built_in_en_and_de(root, "a.html", monkeypatch):
        assert 'href="../style.css"' in built
        assert 'href="b.html#x"' in built
        assert 'href="minimally-invasive-spine-surgery.html"' in built
        assert 'href="https://example.org/docs/c.html"' in built  # no such page (yet)
        assert 'href="https://example.org/b.html"' in built
        assert 'href="https://other.example/docs/b.html"' in built
        assert built.count('href="b.html"') == 1 and 'href="b.html">same scheme' in built
        assert 'href="//other.example/docs/b.html"' in built
    for locale in ("en", "de"):
        based = (root / "site" / locale / "b.html").read_text()
        assert 'href="a.html"' in based and 'src="../style.css"' in based
    (root / "source" / "c.html").write_text("<html><body><p>C</p></body></html>")
    for built in _built_in_en_and_de(root, "a.html", monkeypatch):
        assert 'href="c.html"' in built


def test_relative_links_that_leave_the_source_folder_lead_where_they_led(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Docs served below a larger site (base-url ``https://example.org/docs/``) link up
    out of their folder: ``../index.html`` (the main site), ``../theme/site.css``. Kept as
    written one folder down (``docs/de/a.html``), the first led to the language chooser and
    the stylesheet to nothing. Such links are now written from the locale folder, to the
    same place as before; links within the source folder stay as they are."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/docs/"\n')
    pages = {"a.html": '<html><head><link rel="stylesheet" href="../theme/site.css"></head>'
             '<body><p><a href="../index.html">home</a> <a href="../shop/?q=1#top">shop</a> '
             '<a href="guide/b.html">B</a> <a href="guide/../../x%20y.html">x</a></p>'
             '</body></html>',
             "guide/b.html": '<html><body><p><a href="../../blog/">blog</a> '
             '<a href="../a.html">A</a> <span style="background: url(../../img/bg.png)">bg'
             '</span></p></body></html>'}
    for built, nested in _built_with_nested(root, pages, monkeypatch):
        assert 'href="../../theme/site.css"' in built
        assert 'href="../../index.html"' in built and 'href="../../shop/?q=1#top"' in built
        assert 'href="guide/b.html"' in built and 'href="../../x%20y.html"' in built
        assert 'href="../../../blog/"' in nested and 'href="../a.html"' in nested
        assert "url(../../../img/bg.png)" in nested


def test_the_source_locales_pages_take_the_menus_label_from_its_catalog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A French source's own pages named their language menu "Languages", in English,
    while each locale's pages take its name from their catalog. The source's pages now
    take it from a catalog of the source locale where there is one (msginit's from the
    template; its translated entries of the build's own text alone), a rerun seeing
    an edit of it; without one, or with a fuzzy entry, it stays English, marked so."""
    root = make_project(tmp_path / "p", ("de",), extra='source-locale = "fr"\n')
    text = (root / "pyproject.toml").read_text().replace('source-locale = "en"\n', "")
    (root / "pyproject.toml").write_text(text)
    monkeypatch.chdir(root)
    page = root / "site" / "fr" / "minimally-invasive-spine-surgery.html"
    assert CliRunner().invoke(main, ["run", "--no-translate", "-q"]).exit_code == 0
    assert '<nav data-miss-i18n="languages" aria-label="Languages" lang="en">' in \
        page.read_text()
    own = root / "locales" / "fr" / "LC_MESSAGES" / "miss.po"
    own.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    entry = 'msgctxt "miss-i18n:language-menu"\nmsgid "Languages"\nmsgstr "Langues"\n'
    for flags, label in (("", ' aria-label="Langues">'),
                         ("#, fuzzy\n", ' aria-label="Languages" lang="en">')):
        own.write_text(header + flags + entry)
        result = CliRunner().invoke(main, ["run", "--no-translate"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert f'<nav data-miss-i18n="languages"{label}' in page.read_text()
    assert 'aria-label="Languages" lang="en">' in (
        root / "site" / "de" / "minimally-invasive-spine-surgery.html").read_text()


def test_relative_links_to_files_beside_the_site_lead_where_they_led(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page links ``feed.xml`` or ``downloads/x.zip``, files another tool puts beside the
    site, not in the source folder: kept as written one folder down (``de/…``), such a link
    led to nothing (``de/feed.xml``). It is now written from the locale folder, to lead
    where it led, as an asset's is; links named as pages, to folders, or names without a
    suffix (a server's URL of a page) stay within the locale, as do names with a dot that
    are the source's own: a folder of its pages (``v1.2``), a page with ``.html`` left off
    (``release-2.0``)."""
    root = make_project(tmp_path / "p", ("de",))
    pages = {"a.html": '<html><head><link rel="alternate" type="application/rss+xml" '
             'href="feed.xml"></head><body><p><a href="feed.xml">feed</a> <a href="sub/b">B'
             '</a> <a href="./">here</a> <a href="sub/b.html?x=1">B</a> <a href="c.html">C'
             '</a> <a href="docs/">docs</a> <a href="files/Report.PDF#page=2">PDF</a> '
             '<a href="v1.2">v1.2</a> <a href="sub/release-2.0#new">2.0</a> '
             '<a href="notes.v2">notes</a></p></body></html>',
             "sub/b.html": '<html><body><p><a href="../downloads/x.zip">zip</a> '
             '<a href="../a.html">A</a> <img src="../logo.svg" alt="logo"></p></body></html>',
             "v1.2/index.html": "<html><body><p>Version 1.2</p></body></html>",
             "sub/release-2.0.html": "<html><body><p>Release 2.0</p></body></html>"}
    for built, nested in _built_with_nested(root, pages, monkeypatch):
        assert 'type="application/rss+xml" href="../feed.xml">' in built
        assert 'href="../feed.xml">feed' in built
        assert 'href="../files/Report.PDF#page=2"' in built
        assert 'href="sub/b"' in built and 'href="./"' in built and 'href="docs/"' in built
        assert 'href="sub/b.html?x=1"' in built and 'href="c.html"' in built
        assert 'href="v1.2">' in built and 'href="sub/release-2.0#new"' in built
        assert 'href="../notes.v2"' in built
        assert 'href="../../downloads/x.zip"' in nested and 'href="../a.html"' in nested
        assert 'src="../../logo.svg"' in nested


@pytest.mark.parametrize(("content", "expected"), [
    ("0; url=/docs/new.html", "0; url=../new.html"),
    ("0; url=/docs/new.html#x", "0; url=../new.html#x"),
    ("0;URL='https://example.org/docs/new.html'", "0;URL='../new.html'"),
    ("5, url = ../../blog/", "5, url = ../../../blog/"),
    ("0; URL=../new.html", "0; URL=../new.html"),  # a page of the source: as it was
    ("0; url=/elsewhere/", "0; url=/elsewhere/"),
    ("30", "30"),
])
def test_a_redirect_stub_leads_to_the_same_locales_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str) -> None:
    """A redirect stub (``<meta http-equiv="refresh" content="0; url=/docs/new.html">``,
    as mdBook and Jekyll write them) kept its URL when its links were made to work from
    the locale folder: the redirect led to no page. Its URL is now relinked as a link
    is, and a page named so only later rebuilds the stub."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/docs/"\n')
    (root / "source" / "old").mkdir()
    (root / "source" / "old" / "a.html").write_text(
        f'<html><head><meta http-equiv="Refresh" content="{content}"></head></html>')
    (root / "source" / "new.html").write_text("<html><body><p>New</p></body></html>")
    for built in _built_in_en_and_de(root, "old/a.html", monkeypatch):
        assert f'<meta http-equiv="Refresh" content="{expected}">' in built
    if expected != content and "blog" not in content:  # the page named came only later
        (root / "source" / "new.html").unlink()
        (root / "source" / "old" / "a.html").write_text(
            f'<html><head><meta http-equiv="Refresh" content="{content}"></head></html>')
        for built in _built_in_en_and_de(root, "old/a.html", monkeypatch):
            assert f'content="{content}"' in built
        (root / "source" / "new.html").write_text("<html><body><p>New</p></body></html>")
        for built in _built_in_en_and_de(root, "old/a.html", monkeypatch):
            assert f'content="{expected}"' in built


def test_a_base_url_path_with_letters_beyond_ascii_is_percent_encoded_in_every_url(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """base-url ``https://example.org/dökü/``: the page names in the canonical, hreflang,
    og:url and sitemap URLs were percent-encoded but the base's path was written raw
    (``…/dökü/de/a%20b.html``), so the sitemap held URLs that are not escaped as the
    protocol requires. The base's path is now encoded too, its ``%`` escapes kept; its
    root-relative links, raw or escaped, are still the site's."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/dökü/x%20y"\n'
                              "publish-threshold = 0\n")
    (root / "source" / "style.css").write_text("p{}")
    (root / "source" / "a b.html").write_text(
        '<html><head><meta property="og:url" content="https://old.example/"><link '
        'rel="stylesheet" href="/dökü/x y/style.css"></head><body><p>Hi</p></body></html>')
    built = _built_in_en_and_de(root, "a b.html", monkeypatch)[1]
    url = "https://example.org/d%C3%B6k%C3%BC/x%20y/"
    assert f'<link rel="canonical" href="{url}de/a%20b.html"' in built
    assert f'<meta property="og:url" content="{url}de/a%20b.html">' in built
    assert f'hreflang="x-default" href="{url}en/a%20b.html"' in built
    assert 'href="../style.css"' in built
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert f"<loc>{url}de/a%20b.html</loc>" in sitemap and "dökü" not in sitemap


def _built_in_en_and_de(root: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``run --no-translate`` in the project ``root``; ``page`` as built in en and in de."""
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["run", "--no-translate", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [(root / "site" / locale / page).read_text() for locale in ("en", "de")]


def _built_with_nested(root: Path, pages: dict[str, str], monkeypatch: pytest.MonkeyPatch
                       ) -> list[tuple[str, str]]:
    """``pages`` (a page at the top, then one in a folder, then any others) written into
    the project's source; ``_built_in_en_and_de`` of the first, each beside the second as
    built in that locale."""
    for name, text in pages.items():
        (root / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "source" / name).write_text(text)
    page, nested = list(pages)[:2]
    return [(built, (root / "site" / locale / nested).read_text()) for locale, built in zip(
        ("en", "de"), _built_in_en_and_de(root, page, monkeypatch), strict=True)]


def test_asset_links_in_css_svg_and_padded_urls_work_from_every_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page moves one folder down (``de/…``), its assets stay: every relative link to one
    is made again from there, in a style attribute, a <style> element, an SVG link and a
    URL with spaces around it as well; other URLs are left as they are."""
    root = make_project(tmp_path / "p", ("de",))
    deeper = root / "source" / "sub" / "deeper"
    deeper.mkdir(parents=True)
    (root / "source" / "img").mkdir()
    for name in ("a.png", "b.svg", "c.png"):
        (root / "source" / "img" / name).write_bytes(b"x")
    (root / "source" / "s.css").write_text("p{}")
    (deeper / "p.html").write_text(
        '<html><head><style>@import "../../s.css"; p{background:url(../../img/c.png)}'
        ' q{background:URL( "../../img/a.png" )} i{background:url(x\\(.png)}</style>'
        '</head><body><p style="background: url(\'../../img/a.png\')">Text</p>'
        '<svg><use xlink:href="../../img/b.svg#i"></use></svg>'
        '<p><a href=" ../../img/a.png ">A</a> <a href="..%2F..%2Fimg/a.png">B</a>'
        ' <a href="../../img/missing.png">C</a></p></body></html>')
    for built in _built_in_en_and_de(root, "sub/deeper/p.html", monkeypatch):
        assert '@import "../../../s.css"' in built
        assert "url(../../../img/c.png)" in built
        assert 'URL( "../../../img/a.png" )' in built and "url(x\\(.png)" in built
        assert "background: url('../../../img/a.png')" in built
        assert 'xlink:href="../../../img/b.svg#i"' in built
        assert 'href="../../../img/a.png"' in built
        assert 'href="..%2F..%2Fimg/a.png"' in built  # one name, not a path: as it was
        assert 'href="../../../img/missing.png"' in built  # not in the source: as it led


@pytest.mark.parametrize("case", [
    ("../", "../index.html", "../../img/a.png", "../#top"),
    ("https://example.org/docs/", "https://example.org/docs/index.html",
     "https://example.org/docs/img/a.png", "https://example.org/docs/#top"),
    ("/docs/", "/docs/index.html", "/docs/img/a.png", "/docs/#top"),
])
def test_a_pages_base_is_resolved_into_its_links_and_taken_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[str, str, str, str]
) -> None:
    """``<base href>`` would make the page's links, the assets' new ones and the language
    menu resolve against another folder: each relative URL is written as the base made it
    resolve (then relinked from the locale folder), and the base's href is taken off."""
    base, home, image, top = case
    root = make_project(tmp_path / "p", ("de",))
    (root / "source" / "sub").mkdir()
    (root / "source" / "img").mkdir()
    (root / "source" / "img" / "a.png").write_bytes(b"x")
    (root / "source" / "sub" / "b.html").write_text(
        f'<html><head><base href="{base}" target="_top"><title>T</title></head><body><p>'
        '<a href="index.html">Home</a> <img src="img/a.png" alt="A"> <a href="#top">Top</a>'
        ' <a href="https://x.org/">out</a></p></body></html>')
    for built in _built_in_en_and_de(root, "sub/b.html", monkeypatch):
        assert '<base target="_top">' in built and "<base href" not in built
        assert f'<a href="{home}">Home</a>' in built
        assert f'<img src="{image}" alt="A">' in built
        assert f'<a href="{top}">Top</a>' in built and 'href="https://x.org/"' in built


def test_a_page_its_source_keeps_from_search_engines_is_not_offered_to_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A source page with ``<meta name="robots" content="noindex">`` (a draft, a search
    results page) was listed in sitemap.xml and given hreflang alternates and a canonical
    link, offering search engines a page they are told not to index (they report such a
    sitemap URL and such alternates as errors). It is now left out of the sitemap and gets
    none of them, as a preview is; people still reach it from the language menu. So is a
    page that tells Google's crawler alone (``<meta name="googlebot">``)."""
    root = make_project(tmp_path / "p", ("de",), extra='base-url = "https://example.org/"\n'
                        "publish-threshold = 0\n")
    (root / "source" / "draft.html").write_text(
        '<html><head><META NAME="Robots" content="nofollow, NoIndex"><title>D</title></head>'
        "<body><p>Draft.</p></body></html>")
    (root / "source" / "none.html").write_text(
        '<html><head><meta name="robots" content="none"></head><body><p>N</p></body></html>')
    (root / "source" / "google.html").write_text(  # Google's crawler told alone
        '<html><head><meta name="googlebot" content="noindex"></head><body><p>G</p></body>')
    (root / "source" / "open.html").write_text(
        '<html><head><!-- <meta name="robots" content="noindex"> --><meta name="robots" '
        'content="index, follow"></head><body><p>Open.</p></body></html>')
    for page in ("draft.html", "none.html", "google.html"):
        for built in _built_in_en_and_de(root, page, monkeypatch):
            assert 'rel="alternate"' not in built and 'rel="canonical"' not in built
            assert 'hreflang="de"' in built  # the language menu
    for built in _built_in_en_and_de(root, "open.html", monkeypatch):
        assert 'hreflang="de" href="https://example.org/de/open.html"' in built
        assert '<link rel="canonical"' in built
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert "draft.html" not in sitemap and "none.html" not in sitemap
    assert "google.html" not in sitemap
    assert "<loc>https://example.org/de/open.html</loc>" in sitemap


def test_a_page_keeps_itself_from_search_engines_on_an_edit_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which pages ask not to be indexed is told from the bytes extraction reads: in its
    workers on a first run, in the run itself where the index holds the pages (an edit).
    A page that comes to ask is left out of the sitemap, and stays out while another page
    changes."""
    root = make_project(tmp_path / "p", ("de",), extra='base-url = "https://example.org/"\n'
                        "publish-threshold = 0\n")
    (root / "source" / "b.html").write_text("<html><body><p>B.</p></body></html>")
    _built_in_en_and_de(root, "b.html", monkeypatch)
    assert "/de/b.html</loc>" in (root / "site" / "sitemap.xml").read_text()
    (root / "source" / "b.html").write_text(
        '<html><head><meta name="robots" content="noindex"></head><body><p>B.</p></body>'
        "</html>")
    for built in _built_in_en_and_de(root, "b.html", monkeypatch):
        assert 'rel="canonical"' not in built
    assert "b.html" not in (root / "site" / "sitemap.xml").read_text()
    article = root / "source" / "minimally-invasive-spine-surgery.html"
    article.write_bytes(article.read_bytes().replace(b"</p>", b" Edited.</p>", 1))
    _built_in_en_and_de(root, "b.html", monkeypatch)
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert "b.html" not in sitemap and "/de/minimally-invasive-spine-surgery.html" in sitemap


def test_a_redirect_stub_is_not_offered_to_search_engines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A redirect stub (``<meta http-equiv="refresh" content="0; url=new.html">``: search
    engines take it as a permanent redirect) was listed in sitemap.xml with hreflang
    alternates and a canonical link to itself, where its source named the page it leads
    to; such a stub is now left out of the sitemap and gets neither. A page that only
    reloads itself, or after a while, is a page like any other."""
    root = make_project(tmp_path / "p", ("de",), extra='base-url = "https://example.org/"\n'
                        "publish-threshold = 0\n")
    (root / "source" / "old.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=new.html"><link '
        'rel="canonical" href="https://example.org/new.html"></head><body><p>Moved.</p>'
        "</body></html>")
    (root / "source" / "new.html").write_text("<html><body><p>New.</p></body></html>")
    (root / "source" / "live.html").write_text(
        '<html><head><meta http-equiv="refresh" content="300"></head><body><p>Live.</p>'
        "</body></html>")
    for built in _built_in_en_and_de(root, "old.html", monkeypatch):
        assert 'rel="alternate"' not in built and 'rel="canonical"' not in built
        assert 'content="0; url=new.html"' in built
    for built in _built_in_en_and_de(root, "live.html", monkeypatch):
        assert '<link rel="canonical"' in built
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert "old.html" not in sitemap and "<loc>https://example.org/de/live.html</loc>" in sitemap


def test_a_page_with_a_blank_title_is_listed_by_its_file_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``<title> </title>`` (or an empty one, as some generators write) was listed in
    index.html and report.html as an empty link, which no one can see or click; a page
    without a title already showed its file name, and so does this one now, in every
    locale, a narrowed build's other locales (read back from disk) included."""
    root = make_project(tmp_path / "p", ("de", "ar"))
    (root / "source" / "blank.html").write_text(
        "<html><head><title> \n </title></head><body><p>Hello.</p></body></html>")
    (root / "source" / "empty.html").write_text(
        "<html><head><title></title></head><body><p>Bye.</p></body></html>")
    monkeypatch.chdir(root)
    for args, reported in ((["run", "--no-translate", "-q"], ("de", "ar")),
                           (["build", "-q", "-l", "de"], ("de",))):
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        for name, locales in (("index.html", ("en", "de", "ar")), ("report.html", reported)):
            listing = (root / "site" / name).read_text()
            for locale in locales:
                for page in ("blank.html", "empty.html"):
                    assert re.search(f'<a href="{locale}/{page}"[^>]*>{page}</a>', listing), (
                        name, locale, page)
            assert not re.search(r"<a href=[^>]*>\s*</a>", listing)


def test_an_asset_folder_named_as_a_locale_holds_its_pages_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``source/de/print.css`` is published as ``de/print.css``, in the folder where the
    German pages go: the commit that writes it leaves the pages staged beside it alone."""
    root = make_project(tmp_path / "p", ("de",))
    (root / "source" / "de").mkdir()
    (root / "source" / "de" / "print.css").write_text("p{}")
    monkeypatch.chdir(root)
    for _ in range(2):  # a first build, then one with every folder in place
        result = CliRunner().invoke(main, ["run", "--no-translate", "-q"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert (root / "site" / "de" / "print.css").read_text() == "p{}"
    assert (root / "site" / "de" / ARTICLE.name).is_file()
    assert not list((root / "site" / "de").glob(".*.tmp"))
    check = CliRunner().invoke(main, ["run", "--no-translate", "--check"])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("command", ["run", "build", "extract"])
def test_an_asset_named_like_a_file_the_build_writes_is_a_clear_error(
        project: Path, command: str) -> None:
    """``source/sitemap.xml`` would be replaced by the generated sitemap without a word; a
    page of such a name (``index.html``) goes below the locales' folders and is fine."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    (project / "source" / "index.html").write_bytes(ARTICLE.read_bytes())
    (project / "source" / "sub").mkdir()
    (project / "source" / "sub" / "sitemap.xml").write_text("<urlset>mine</urlset>")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    assert (project / "site" / "sub" / "sitemap.xml").read_text() == "<urlset>mine</urlset>"
    (project / "source" / "sitemap.xml").write_text("<urlset>mine</urlset>")
    before = snapshot(project, "locales", "site", ".miss-i18n")
    code, output = invoke(command, *(["--no-translate"] if command == "run" else []))
    assert (code, output) == (4, f"error: {project / 'source' / 'sitemap.xml'}: the build "
                                 "writes its own sitemap.xml at the top of the output folder; "
                                 "rename the file or move it into a subfolder\n")
    after = snapshot(project, "locales", "site", ".miss-i18n")
    assert {k: v for k, v in after.items() if k != ".miss-i18n/lock"} == {
        k: v for k, v in before.items() if k != ".miss-i18n/lock"}


@pytest.mark.parametrize("declaration", [
    '<meta charset="windows-1252">',
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    "<meta http-equiv='content-type' content='text/html;charset=\"iso-8859-1\"'>",
])
def test_a_page_in_another_charset_is_written_as_utf8_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declaration: str) -> None:
    root = make_project(tmp_path / "p", ("de",))
    page = (f"<html><head>{declaration}<title>Caf\u00e9</title></head>"
            "<body><p>Na\u00efve \u2013 r\u00e9sum\u00e9</p></body></html>")
    (root / "source" / "legacy.html").write_bytes(page.encode("cp1252"))
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["run", "--no-translate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for locale in ("en", "de"):
        built = (root / "site" / locale / "legacy.html").read_bytes().decode("utf-8")
        assert "Na\u00efve \u2013 r\u00e9sum\u00e9" in built
        head = parse_page(built.encode()).getroot().find("head")
        assert head is not None
        declared = [m.get("charset") or m.get("content") for m in head.iter("meta")
                    if m.get("charset") or m.get("http-equiv")]
        assert declared
        assert all("utf-8" in str(value).lower() for value in declared)
        assert "1252" not in built and "8859" not in built


def test_links_the_build_writes_are_encoded_and_page_links_are_kept_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page name is never read as a query, fragment or entity; a page's own links come
    out byte for byte (libxml2 would percent-encode `Bézier` and spaces)."""
    root = make_project(tmp_path / "p", ("de",),
                        extra='base-url = "https://example.org/"\npublish-threshold = 0\n')
    (root / "source" / "sub dir").mkdir()
    page = ('<html><head><title>T</title></head><body><p>See <a href="https://en.wikipedia'
            '.org/wiki/B\u00e9zier_curve">B\u00e9zier</a>, <a href="other page.html#a b">'
            'this</a> and <a href="x?a=1&amp;b=2">that</a>.</p></body></html>')
    (root / "source" / "sub dir" / "x&y#z?.html").write_text(page, encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["run", "--no-translate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    built = (root / "site" / "de" / "sub dir" / "x&y#z?.html").read_text("utf-8")
    url = "https://example.org/en/sub%20dir/x%26y%23z%3F.html"
    assert f'<link rel="alternate" hreflang="en" href="{url}"' in built
    assert f'<link rel="canonical" href="{url.replace("/en/", "/de/")}"' in built
    assert ('href="https://en.wikipedia.org/wiki/B\u00e9zier_curve"' in built
            and 'href="other page.html#a b"' in built and 'href="x?a=1&amp;b=2"' in built)
    sitemap_xml = (root / "site" / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{url}</loc>" in sitemap_xml
    assert "x&amp;y" not in sitemap_xml and "sub dir" not in sitemap_xml


def _links(page: str) -> dict[str, list[str]]:
    """hrefs of the language menu and of the hreflang alternates, and the canonical."""
    root = parse_page(page.encode()).getroot()
    return {
        "menu": [a.get("href") or "" for a in root.iter("a")
                 if a.get("data-miss-i18n") == "link"],
        "alternates": [link.get("href") or "" for link in root.iter("link")
                       if link.get("rel") == "alternate"],
        "canonical": [link.get("href") or "" for link in root.iter("link")
                      if link.get("rel") == "canonical"],
    }


@pytest.mark.parametrize("override", [None, "", "https://cdn.example.net/docs"])
def test_people_click_relative_links_search_engines_get_absolute_ones(
        project_with_base_url: Path, override: str | None) -> None:
    """The site works opened from disk: menu and index links are relative whatever the
    base URL; hreflang alternates, canonical and sitemap use it (`--base-url ""` clears)."""
    args = ["run", "--no-translate"] + ([] if override is None else ["--base-url", override])
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = project_with_base_url / "site"
    base = {None: "https://miss-i18n.example/", "": None,
            "https://cdn.example.net/docs": "https://cdn.example.net/docs/"}[override]
    links = _links((site / "de" / ARTICLE.name).read_text("utf-8"))
    assert len(links["menu"]) == 3 and all("://" not in h for h in links["menu"])
    for href in links["menu"]:  # every link leads to a built page
        assert (site / "de" / href).resolve().is_file()
    index = _links((site / "index.html").read_text("utf-8"))
    assert all("://" not in h for h in index["menu"])
    if base is None:
        assert links["canonical"] == []
        assert all("://" not in h for h in links["alternates"])
        assert not (site / "sitemap.xml").exists()  # its URLs must be absolute
    else:
        assert links["canonical"] == [f"{base}de/{ARTICLE.name}"]
        assert all(h.startswith(base) for h in links["alternates"])
        assert f"<loc>{base}en/{ARTICLE.name}</loc>" in (site / "sitemap.xml").read_text("utf-8")


def test_a_build_without_a_base_url_removes_the_sitemap_an_earlier_one_wrote(
        project_with_base_url: Path) -> None:
    """A sitemap's URLs must be absolute: without a base URL there is none, and the one a
    build with it wrote goes (the manifest's prune); an edited one is kept, as any file."""
    sitemap_xml = project_with_base_url / "site" / "sitemap.xml"
    manifest = project_with_base_url / "site" / ".miss-i18n-files"
    for edited in (False, True):
        assert invoke("run", "--no-translate")[0] == 0
        assert sitemap_xml.is_file() and "  sitemap.xml\n" in manifest.read_text("utf-8")
        if edited:
            sitemap_xml.write_text(sitemap_xml.read_text("utf-8") + "<!-- mine -->\n", "utf-8")
        code, output = invoke("run", "--no-translate", "--base-url", "")
        assert code == 0, output
        assert sitemap_xml.is_file() == edited
        assert ("  removed site/sitemap.xml\n" in output) != edited
        assert ("warning: site/sitemap.xml: no longer built" in output) == edited
        assert "sitemap.xml" not in manifest.read_text("utf-8")
        if edited:
            sitemap_xml.unlink()


def _locs(data: bytes) -> list[str]:
    return [str(loc.text) for loc in etree.fromstring(data).iter(f"{{{SITEMAP_NS}}}loc")]


def test_a_sitemap_past_the_protocols_limits_is_an_index_of_parts() -> None:
    """Search engines ignore a sitemap of more than 50,000 URLs or 50 MiB; each URL lists
    every language's page, so 42 locales pass 50 MiB at about 250 pages."""
    site = Site(["a.html", "b.html", "c.html"], "en", ["de", "he"],
                base_url="https://x.example/docs/")
    whole = sitemap(site)
    assert sitemaps(site) == [("sitemap.xml", whole)]
    head, tail = whole.index(b"  <url>"), len(b"</urlset>\n")
    for limits in ({"most_urls": 4}, {"most_bytes": len(whole) // 3}):
        files = sitemaps(site, **limits)
        names = [name for name, _data in files]
        assert len(files) > 2
        assert names == ["sitemap.xml", *(f"sitemap-{n}.xml" for n in range(1, len(files)))]
        assert etree.fromstring(files[0][1]).tag == f"{{{SITEMAP_NS}}}sitemapindex"
        assert _locs(files[0][1]) == [f"https://x.example/docs/{name}" for name in names[1:]]
        parts = [data for _name, data in files[1:]]
        assert all(len(_locs(part)) <= limits.get("most_urls", 9) for part in parts)
        assert all(len(part) <= limits.get("most_bytes", len(whole)) for part in parts)
        # the same <url> elements, in order, alternates and all
        assert b"".join(part[head:-tail] for part in parts) == whole[head:-tail]
        assert all(part[:head] == whole[:head] for part in parts)


def test_a_large_sites_sitemap_parts_are_built_pruned_and_replace_no_asset(
        project_with_base_url: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = project_with_base_url / "site"
    monkeypatch.setattr(site_pages, "SITEMAP_URLS", 2)  # 3 URLs: en, de, ar
    code, output = invoke("run", "--no-translate")
    assert code == 0, output
    assert _locs((site / "sitemap.xml").read_bytes()) == [
        "https://miss-i18n.example/sitemap-1.xml", "https://miss-i18n.example/sitemap-2.xml"]
    assert [len(_locs((site / f"sitemap-{n}.xml").read_bytes())) for n in (1, 2)] == [2, 1]
    assert "  sitemap-2.xml\n" in (site / ".miss-i18n-files").read_text("utf-8")
    monkeypatch.setattr(site_pages, "SITEMAP_URLS", 50_000)  # (build: run would find
    code, output = invoke("build")  # its inputs unchanged, and skip)
    assert code == 0, output
    assert "  removed site/sitemap-1.xml\n" in output
    assert not (site / "sitemap-1.xml").exists() and len(_locs(
        (site / "sitemap.xml").read_bytes())) == 3
    mine = project_with_base_url / "source" / "sitemap-2.xml"
    mine.write_text("<urlset>mine</urlset>", "utf-8")
    monkeypatch.setattr(site_pages, "SITEMAP_URLS", 2)
    code, output = invoke("build")
    assert (code, output.splitlines()[-1]) == (4, f"error: {mine}: the build writes its own "
                                               "sitemap-2.xml at the top of the output folder "
                                               "(the site's sitemap is too large for one "
                                               "file); rename the file or move it into a "
                                               "subfolder")
    assert not (site / "sitemap-2.xml").exists()


@pytest.fixture
def project_with_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "p", ("de", "ar"), extra=(
        'base-url = "https://miss-i18n.example/"\npublish-threshold = 0\n'))
    monkeypatch.chdir(root)
    return root


def test_a_locale_below_the_publish_threshold_is_a_preview(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An untranslated locale is built, but search engines and the menu never see it as a
    translation (duplicate content); the index lists it apart, with its progress."""
    root = make_project(tmp_path / "p", ("de", "ar"),
                        extra='base-url = "https://example.org/"\n')
    monkeypatch.chdir(root)
    assert CliRunner().invoke(main, ["run", "--no-translate"]).exit_code == 0
    po_path = root / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(po_path))
    for entry in po:  # a person translated every entry (msgen-style)
        entry.msgstr = entry.msgid
    po.save(str(po_path))
    result = CliRunner().invoke(main, ["run", "--no-translate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = root / "site"
    de = (site / "de" / ARTICLE.name).read_text("utf-8")
    ar = (site / "ar" / ARTICLE.name).read_text("utf-8")
    assert 'hreflang="de"' in de and 'hreflang="ar"' not in de
    assert '<meta name="robots" content="noindex"' in ar and 'rel="alternate"' not in ar
    assert 'aria-current="page"' in ar  # its own menu still shows where the reader is
    sitemap_xml = (site / "sitemap.xml").read_text("utf-8")
    assert "/de/" in sitemap_xml and "/ar/" not in sitemap_xml
    index = (site / "index.html").read_text("utf-8")
    published, previews = index.split("Previews: less than 50% translated")
    assert 'hreflang="de"' in published and 'hreflang="ar"' not in published
    assert 'hreflang="ar"' in previews and ">0%</span>" in previews
    assert ">100%</span>" in published


def test_translations_the_build_rejects_do_not_publish_a_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every de translation has placeholders unlike its source's: the pages show English,
    so de is a preview (as ``status`` says), also after an edit the record's facts serve."""
    root = make_project(tmp_path / "p", ("de", "ar"),
                        extra='base-url = "https://example.org/"\n')
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert CliRunner().invoke(main, ["run", "--no-translate"]).exit_code == 0
    for locale, text in (("de", "<99>kaputt</99>"), ("ar", None)):
        po_path = root / "locales" / locale / "LC_MESSAGES" / "miss.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = text or entry.msgid
        po.save(str(po_path))
    article = root / "source" / ARTICLE.name
    for edit in ("", "faster"):  # the whole way, then the record's shortcut
        if edit:
            article.write_text(article.read_text("utf-8").replace(
                "facilitate a quicker recovery", "facilitate a faster recovery"), "utf-8")
        result = CliRunner().invoke(main, ["run", "--no-translate"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        site = root / "site"
        de = (site / "de" / ARTICLE.name).read_text("utf-8")
        assert '<meta name="robots" content="noindex"' in de
        assert 'hreflang="de"' not in (site / "ar" / ARTICLE.name).read_text("utf-8")
        assert "/de/" not in (site / "sitemap.xml").read_text("utf-8")
        report = (site / "report.html").read_text("utf-8")
        assert 'value="0.0"' in report and ">Preview<" in report
        status = CliRunner().invoke(main, ["status", "--format", "markdown"])
        assert "| de |" in status.output and "% | preview |" in status.output
        assert "% | published |" in status.output  # ar


def test_the_builds_own_text_falls_back_to_english_when_unusable() -> None:
    data = (PAGES / "tricky.html").read_bytes()
    site = Site(["t.html"], "en", ["de"])
    menu = {("miss-i18n:language-menu", "Languages"): "Spra\x01chen"}
    built, report = localize(parse_page(data), "t.html", "de", menu, site=site)
    assert b'aria-label="Languages"' in built and report.rejected == []


@pytest.mark.parametrize(("source", "locale", "menu", "marks"), [
    ("en", "ar", None, (' lang="en"', ' lang="ar"')),
    ("en", "de", None, (' lang="en"', ' lang="de"')),
    ("ar", "de", None, (' lang="en"', ' lang="de"')),  # the build's text is English
    ("en", "de", "Sprachen", ("", "")),
    ("en", "en_GB", None, ("", "")),
])
def test_an_english_menu_name_is_marked_english(source: str, locale: str, menu: str | None,
                                               marks: tuple[str, str]) -> None:
    """The menu's accessible name left in English is read as English, not in the page's
    voice (as the notices are marked); the menu itself, the page's language name, keeps
    the page's language (and the nav its direction: no dir, it sits at the end)."""
    site = Site(["t.html"], source, ["de", "ar", "en_GB"])
    found = {} if menu is None else {("miss-i18n:language-menu", "Languages"): menu}
    built, _ = localize(parse_page(RTL_SOURCE), "t.html", locale, found, site=site)
    nav = etree.HTML(built).find(".//nav")
    assert nav is not None
    assert (nav.get("lang"), nav.get("dir")) == ((marks[0][7:-1] or None), None)
    summary = nav.find("details/summary")
    assert summary is not None and summary.get("lang") == (marks[1][7:-1] or None)
    skeleton = compile_page(Located.of(parse_page(RTL_SOURCE), "t.html"), "t.html", site)
    assert skeleton is not None
    assert render(skeleton, locale, found, site=site)[0] == built


KEPT_SOURCE = (b'<html lang="en"><head><title>T</title></head><body>'
               b'<p class="notranslate">Brand text.</p>'
               b'<div translate="no"><p>Kept <b>too</b>.</p><p translate="yes">Said.</p></div>'
               b'<p>Call <code translate="no">f()</code> now.</p>'
               b'<p translate="no" lang="fr">Merci.</p></body></html>')


@pytest.mark.parametrize(("locale", "marks"), [
    ("he", ' lang="en" dir="ltr"'), ("de", ' lang="en"'), ("en", "")])
def test_text_kept_by_translate_no_says_it_is_the_sources(locale: str, marks: str) -> None:
    """A block that translate="no" keeps in English was unmarked: on an rtl page it took
    the page's direction (its full stop at the wrong end: ".Brand text") and a screen
    reader read it in the page's language. It is marked as text left untranslated is; a
    translate="no" element inside a sentence is the sentence's, and a lang stays."""
    site = Site(["t.html"], "en", ["de", "he"])
    built, _ = localize(parse_page(KEPT_SOURCE), "t.html", locale, {}, site=site)
    code = ' dir="ltr"' if locale == "he" else ""  # code on an rtl page, as before
    assert _body_of(built) == (
        f'<p class="notranslate"{marks}>Brand text.</p><div translate="no">'
        f'<p{marks}>Kept <b>too</b>.</p><p translate="yes"{marks}>Said.</p></div>'
        f'<p{marks}>Call <code translate="no"{code}>'
        'f()</code> now.</p><p translate="no" lang="fr">Merci.</p></body></html>\n')
    builder = PageBuilder(Located.of(parse_page(KEPT_SOURCE), "t.html"), "t.html", site,
                          plain=True, due=99)
    for _ in range(2):  # the lxml build, then the skeleton's
        assert builder.build(locale, {}, Review())[0] == built
    assert builder.skeleton is not None


@pytest.mark.parametrize("path", [ARTICLE, *REAL_PAGES], ids=lambda p: p.stem)
def test_a_page_walked_once_builds_every_locale_as_a_fresh_walk_would(path: Path) -> None:
    """`Located.fresh()` (copy the tree, map the slots) gives the bytes of a new parse,
    and so does skipping the URL escaping pass where the source page's URLs are plain."""
    data = path.read_bytes()
    translations = {key: text.upper() for key, text in identity_catalog(data, path.name).items()}
    located = Located.of(parse_page(data), path.name)
    plain = plain_uris(located.tree)
    for base_url in (None, "https://example.org/", "https://exämple.org/a b/"):
        site = Site([path.name], "en", ["de", "ar"], base_url)
        for locale in ("de", "ar", "de"):
            tree, slots = located.fresh()
            once = localize(tree, path.name, locale, translations, site=site, slots=slots,
                            plain_uris=plain)
            again = localize(parse_page(data), path.name, locale, translations, site=site)
            assert once[0] == again[0]
            assert once[1] == again[1]


def test_comments_inside_a_translated_paragraph_are_kept() -> None:
    """Comments have no placeholder: those before the text stay first, the others follow
    the translation (inside the element that held them), in their order."""
    data = (b"<!DOCTYPE html><html lang=en><head><title>T</title></head><body>"
            b"<p><!--#include virtual=\"/lead.html\" -->Hello <!-- a --><b>big <!-- b -->"
            b"world</b> end<?php echo 1 ?></p></body></html>")
    [slot] = [s for s in locate(parse_page(data), "t.html") if s.run is not None]
    assert slot.segment.msgid == "Hello <1>big world</1> end"
    built = build_with(data, "t.html", "de", {
        (slot.segment.context, slot.segment.msgid): "Hallo <1>große Welt</1> Ende"}).decode()
    assert ('<p><!--#include virtual="/lead.html" -->Hallo <b>große Welt<!-- b --></b> Ende'
            '<!-- a --><!--?php echo 1 ?--></p>') in built


@pytest.mark.parametrize("here", ["de/a.html", "ar/sub/b.html", "en/x y/é.html"])
@pytest.mark.parametrize("page", ["a.html", "sub/b.html", "x y/é#?.html", "deep/er/c&d.html"])
def test_href_is_the_relative_url_of_the_target(here: str, page: str) -> None:
    """Site.href caches folders and names; its links are still exactly the relative path
    of the target from the linking page, percent-encoded."""
    site = Site([page], "en", ["de", "ar", "pt_BR"])
    for locale in site.all_locales:
        target = site.path(locale, page)
        expected = quote(posixpath.relpath(target, posixpath.dirname(here)), safe="/")
        assert site.href(here, locale, page) == expected


CLAIMS = (b'<html lang="en"><head><title>T</title></head><body lang="EN-gb" dir="ltr">'
          b'<div class="sect1" lang="en-US"><p>One</p><p>Two</p></div>'
          b'<p xml:lang="en" id="x">Three</p><p>Read <span lang="en">this</span> now</p>'
          b'<blockquote lang="fr" dir="ltr">Bonjour</blockquote></body></html>')


@pytest.mark.parametrize(("locale", "marks"), [("de", ' lang="en"'),
                                               ("ar", ' lang="en" dir="ltr"')])
def test_an_element_saying_it_is_in_the_source_language_stops_saying_so(
        locale: str, marks: str) -> None:
    """texinfo's <body lang="en">, DocBook's <div lang="en">: on a translated page such a
    lang (any case, any region, or xml:lang), and a dir that is the source's own, is taken
    off, so translated text inherits the page's language; text left untranslated inside
    is marked as English as anywhere else. Another language's lang stays."""
    site = Site(["t.html"], "en", ["de", "ar"])
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(CLAIMS), "t.html")}
    found = {keys["One"]: "Eins", keys["Read <1>this</1> now"]: "Lies <1>das</1> jetzt"}
    built, _ = localize(parse_page(CLAIMS), "t.html", locale, found, site=site)
    assert f'<html lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}">' in (
        built.decode())
    assert "<body><nav " in built.decode()
    assert _body_of(built) == (
        f'<div class="sect1"><p>Eins</p><p{marks}>Two</p></div><p id="x"{marks}>Three</p>'
        '<p>Lies <span>das</span> jetzt</p>'
        '<blockquote lang="fr" dir="ltr">Bonjour</blockquote></body></html>\n')


def test_a_body_in_the_sources_direction_takes_the_pages() -> None:
    """<body dir="ltr"> (no lang) laid every Arabic page out left to right: the root's
    dir said rtl, the body's overrode it for the whole page. Like the root's, it is now
    the page's: taken off on a page of the other direction, kept on the source's. An
    inner element's dir alone stays (code, numbers may need it)."""
    data = (b'<html dir="ltr"><head><title>T</title></head><body dir="LTR"><div '
            b'class="content"><p>Hello</p><div dir="ltr"><p>x = 1</p></div></div></body></html>')
    site = Site(["t.html"], "en", ["ar", "de"])
    located = Located.of(parse_page(data), "t.html")
    found = {(s.segment.context, s.segment.msgid): "مرحبا" for s in located.slots}
    builder = PageBuilder(located, "t.html", site, plain=True, due=9)
    for locale, body in (("ar", "<body>"), ("de", "<body>"), ("en", '<body dir="LTR">')):
        shown = found if locale != "en" else {}
        built, _ = localize(parse_page(data), "t.html", locale, shown, site=site)
        assert f"{body}<nav " in built.decode() and '<div dir="ltr">' in built.decode()
        assert builder.build(locale, shown, Review())[0] == built
    assert builder.skeleton is not None


def test_the_source_locale_keeps_its_elements_languages() -> None:
    site = Site(["t.html"], "en", ["de"])
    built, _ = localize(parse_page(CLAIMS), "t.html", "en", {}, site=site)
    assert '<body lang="EN-gb" dir="ltr"><nav ' in built.decode()
    assert _body_of(built) == (
        '<div class="sect1" lang="en-US"><p>One</p><p>Two</p></div>'
        '<p xml:lang="en" id="x">Three</p><p>Read <span lang="en">this</span> now</p>'
        '<blockquote lang="fr" dir="ltr">Bonjour</blockquote></body></html>\n')


XHTML_ROOT = (b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
              b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
              b'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-GB" lang="en-GB">'
              b'<head><title>Guide</title></head><body><h1>Guide</h1></body></html>')


@pytest.mark.parametrize(("locale", "tag"), [("de", "de"), ("ar", "ar"), ("en", "en")])
def test_an_xhtml_roots_xml_lang_says_the_pages_language(locale: str, tag: str) -> None:
    """An XHTML page's <html xml:lang="en" lang="en"> was built <html xml:lang="en"
    lang="de">: a page the validator refuses (the two must be equal) and that says it is
    English to whatever reads xml:lang. Both now name the page's language, in localize and
    in the skeleton."""
    site = Site(["t.html"], "en", ["de", "ar"])
    located = Located.of(parse_page(XHTML_ROOT), "t.html")
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid) for s in located.slots}
    found = {keys["Guide"]: "Anleitung"}
    built, _ = localize(parse_page(XHTML_ROOT), "t.html", locale, found, site=site)
    direction = "rtl" if locale == "ar" else "ltr"
    root = (f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{tag}" lang="{tag}" '
            f'dir="{direction}">')
    assert root in built.decode()
    skeleton = compile_page(located, "t.html", site)
    assert skeleton is not None
    assert render(skeleton, locale, found, site=site)[0] == built


def test_an_rtl_sources_own_language_and_direction_are_taken_off_too() -> None:
    data = (b'<html><body><div lang="ar" dir="RTL"><p>Hello</p><p>World</p></div>'
            b'<div lang="ar-EG" dir="ltr"><p>Left</p></div></body></html>')
    site = Site(["t.html"], "ar", ["en"])
    [hello] = [s for s in locate(parse_page(data), "t.html") if s.segment.msgid == "Hello"]
    found = {(hello.segment.context, "Hello"): "Hi"}
    built, _ = localize(parse_page(data), "t.html", "en", found, site=site)
    assert _body_of(built) == (  # a dir that is not the source's own stays
        '<div><p>Hi</p><p lang="ar" dir="rtl">World</p></div>'
        '<div dir="ltr"><p lang="ar" dir="rtl">Left</p></div></body></html>\n')


CODE = (b'<html><head><title>T</title></head><body><p>Call <code>puts()</code> now</p>'
        b'<pre class="example">int main() { return 0; }</pre><pre>left as it is</pre>'
        b'<p>Type <kbd>q</kbd>, see <samp>ok</samp></p><pre dir="auto">x = 1;</pre>'
        b'</body></html>')


def _code_translations() -> dict[tuple[str | None, str], str]:
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(CODE), "t.html")}
    return {keys["Call <1>puts()</1> now"]: "استدعِ <1>puts()</1> الآن",
            keys["int main() { return 0; }"]: "int main() { return 0; }",
            keys["Type <1>q</1>, see <2>ok</2>"]: "اكتب <1>q</1>، ترى <2>ok</2>",
            keys["x = 1;"]: "x = 1;"}


def test_code_on_an_rtl_page_is_laid_out_left_to_right() -> None:
    """pre, code, kbd and samp get dir="ltr" on a translated rtl page (else a C line shows
    as `;ret = fputs(…)`), translated or not, unless they have a dir of their own."""
    site = Site(["t.html"], "en", ["ar", "de"])
    built, _ = localize(parse_page(CODE), "t.html", "ar", _code_translations(), site=site)
    assert _body_of(built) == (
        '<p>استدعِ <code dir="ltr">puts()</code> الآن</p>'
        '<pre class="example" dir="ltr">int main() { return 0; }</pre>'
        '<pre lang="en" dir="ltr">left as it is</pre>'
        '<p>اكتب <kbd dir="ltr">q</kbd>، ترى <samp dir="ltr">ok</samp></p>'
        '<pre dir="auto">x = 1;</pre></body></html>\n')


@pytest.mark.parametrize(("source", "locale"), [("en", "en"), ("en", "de"), ("ar", "ar")])
def test_code_on_ltr_pages_and_the_source_locales_is_left_alone(source: str,
                                                                 locale: str) -> None:
    site = Site(["t.html"], source, ["ar" if source == "en" else "en", "de"])
    found = {} if locale == source else _code_translations()
    built, _ = localize(parse_page(CODE), "t.html", locale, found, site=site)
    assert ' dir="ltr">' not in _body_of(built)


@pytest.mark.parametrize(("title", "shown"), [("Titel", True), (None, False),
                                              ("Titel <1/>", False)])
def test_the_report_says_whether_the_title_shows_translated(title: str | None,
                                                            shown: bool) -> None:
    """What index.html and report.html read to mark a title left in the source language
    (a rejected translation leaves it too); another element's text does not count."""
    data = b"<html><head><title>Title</title></head><body><p>Title</p></body></html>"
    found = {} if title is None else {
        (s.segment.context, "Title"): title for s in locate(parse_page(data), "t.html")
        if s.attribute == ""}
    found[("t:body/p", "Title")] = "Titel"
    site = Site(["t.html"], "en", ["de"])
    _, report = localize(parse_page(data), "t.html", "de", found, site=site)
    assert report.title_translated is shown
    assert report.translated == 1 + shown


BARE = (b'<html><head><title>T</title></head><body>This page moved: see <a href="new.html">the '
        b'new page</a> instead.\n<p>More.</p></body></html>')


@pytest.mark.parametrize("translation", [None, "Siehe <1>die neue Seite</1>.",
                                         "<1>Die neue Seite</1> ersetzt diese."])
@pytest.mark.parametrize("draft", [False, True])
def test_the_language_menu_does_not_cut_a_sentence_the_body_begins_with(
        translation: str | None, draft: bool) -> None:
    """A body that begins with text of its own (a redirect stub's 'This page moved: see
    <a>…</a>') had the language menu put after that text's first words, in the middle of
    its sentence; the menu (and any notice) now come first, as on every other page."""
    key = ("t:body/text()", "This page moved: see <1>the new page</1> instead.")
    found = {key: translation} if translation else {}
    review = Review(drafts={key} if draft else frozenset())
    built, _report = localize(parse_page(BARE), "t.html", "de", found,
                              site=Site(["t.html"], "en", ["de"]), review=review)
    body = built[built.index(b"<body"):]
    first = body.index(b">") + 1
    assert body[first:].startswith(b"<nav ")
    last = (b"translated by machine and not yet reviewed.</p>\n" if draft and translation
            else b"</ul></details></nav>\n" if translation
            else b"shown in its original language.</p>\n")
    text = (translation or "This page moved: see <1>").split("<1>")[0]
    shown = (b'<span lang="en">' if not translation else b"") + text.encode() + b"<a"
    assert last + shown in body, body


def test_a_translated_run_of_thousands_of_elements_is_built_in_order() -> None:
    """A paragraph of 25,000 links and bold words (an index page, a generated glossary),
    translated: each element went in by its index, which lxml finds by counting siblings,
    so the build took 10 s (minutes at 50,000). Each now goes in after the one before it."""
    words = "".join(f'<b>w{i}</b> <a href="#{i}">l</a> ' for i in range(12_500))
    data = f"<html><body><p>Start {words}end.</p></body></html>".encode()
    [(key, msgid)] = identity_catalog(data, "p.html").items()
    built = build_with(data, "p.html", "de", {key: msgid.replace("Start", "Anfang")})
    assert b'<p>Anfang <b>w0</b> <a href="#0">l</a> <b>w1</b>' in built
    assert b'<b>w12499</b> <a href="#12499">l</a> end.</p>' in built


@pytest.mark.parametrize("body, translated", [
    ("".join(f"text {i} <div>block {i}</div>" for i in range(20_000)), False),
    ("<p>" + "".join(f"word {i} <!-- c{i} --> <b>b</b> " for i in range(20_000)) + "</p>", True),
])
def test_text_between_thousands_of_blocks_or_comments_is_built_in_order(
        body: str, translated: bool) -> None:
    """Text between 20,000 blocks, left in English (each piece wrapped in a marked span),
    took 17 s; a translated paragraph with 20,000 comments 6 s: each span or comment went
    in by its index, which lxml finds by counting siblings."""
    data = f"<html><body>{body}</body></html>".encode()
    found = {key: msgid.replace("word 0 ", "Wort 0 ") for key, msgid
             in identity_catalog(data, "p.html").items()} if translated else {}
    built = build_with(data, "p.html", "de", found)
    if translated:  # the comments follow the translation, in their order
        assert b"<p>Wort 0 <b>b</b> word 1 <b>b</b>" in built
        assert b"<b>b</b><!-- c0 --><!-- c1 -->" in built and b"<!-- c19999 --> </p>" in built
    else:
        assert b'<span lang="en">text 19999</span> <div lang="en">block 19999</div>' in built


QUIRKS = {
    "quirks.html": b"<html><head><title>Old</title></head><body><p>An old page</p></body>"
                   b"</html>\n",
    "legacy.html": b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>'
                   b"<head><title>Legacy</title></head><body><p>A legacy page</p></body></html>\n",
    "strict.html": b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                   b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><head><title>'
                   b"Strict</title></head><body><p>A strict page</p></body></html>\n",
}


def test_a_built_page_keeps_its_sources_doctype(project: Path) -> None:
    """A page without a doctype, or with HTML 4.01 Transitional's without its system id,
    is shown in quirks mode; every built page got <!DOCTYPE html>, which switches it to
    standards mode: its layout changed (box sizes, table fonts, line heights). A built
    page now has its source's doctype, or none, in every locale; the index and the report
    the build writes keep <!DOCTYPE html>."""
    for name, data in QUIRKS.items():
        (project / "source" / name).write_bytes(data)
    assert invoke("run", "--no-translate", "-q")[0] == 0
    for locale in ("en", "de", "ar", "pt-BR"):
        for name, data in QUIRKS.items():
            built = (project / "site" / locale / name).read_bytes()
            doctype = data[:data.index(b"<html>")]
            assert built.startswith(doctype + b"<html lang="), (locale, name, built[:120])
        article = (project / "site" / locale / ARTICLE.name).read_bytes()
        assert article.startswith(b"<!DOCTYPE html>\n<html lang=")
    for name in ("index.html", "report.html"):
        assert (project / "site" / name).read_bytes().startswith(b"<!DOCTYPE html>\n")
    assert invoke("build", "--check")[0] == 0


_PART = st.sampled_from(["a", "b", "de", "x.png", "sub", "ü b"])


@given(st.lists(st.sampled_from(["..", "a", "b", "x.zip"]), min_size=1, max_size=5),
       st.lists(_PART, max_size=4))
def test_relative_paths_are_posixpaths_relpaths(target: list[str], start: list[str]) -> None:
    """relink._relative, by names alone, is posixpath.relpath for the paths relinking asks
    about (a normalized target, maybe out of the folder, from a folder without ``..``),
    both taken deep enough below the root: relpath of relative paths resolves them in the
    process's working folder, so a link out of the source folder came out one ``..``
    short where that was near the root (``/``: ``../x.zip`` from ``de`` was ``../x.zip``)."""
    path = posixpath.normpath("/".join(target))
    folder = "/".join(start) or "."
    deep = "/r/" + "/".join("d" * 8)
    expected = posixpath.relpath(posixpath.join(deep, path), posixpath.join(deep, folder))
    assert relink._relative(path, folder) == expected


NUMBERS = (b'<html lang="en"><head><title>T</title></head><body><table id="t">'
           b'<tr><th>Step</th><th>Time</th></tr><tr><td>1</td><td>5 min</td></tr></table>'
           b'<table><tr><td><table><tr><td>Inner</td></tr></table></td></tr></table>'
           b'</body></html>')


@pytest.mark.parametrize("locale", ["ar", "de", "en"])
def test_a_table_none_of_whose_text_is_translated_takes_the_sources_direction(
        locale: str) -> None:
    """On a page of the other direction, a table whose text is all left in English gets
    the source's dir, cells of numbers alone or not (they say no language): its columns
    in English order; one with a cell translated (the outer table, through its inner
    one) keeps the page's. The skeleton builds it alike."""
    site = Site(["t.html"], "en", ["de", "ar"])
    keys = {s.segment.msgid: (s.segment.context, s.segment.msgid)
            for s in locate(parse_page(NUMBERS), "t.html")}
    skeleton = compile_page(Located.of(parse_page(NUMBERS), "t.html"), "t.html", site)
    assert skeleton is not None
    for found, dirs in (({}, ["ltr", "ltr", "ltr"]),
                        ({keys["Inner"]: "داخلي"}, ["ltr", None, None])):
        built, _ = localize(parse_page(NUMBERS), "t.html", locale, found, site=site)
        tables = list(parse_page(built).getroot().iter("table"))
        assert [t.get("dir") for t in tables] == (dirs if locale == "ar" else [None] * 3)
        assert render(skeleton, locale, found, site=site)[0] == built

"""The pages the build writes for the whole site rather than translates: ``index.html``
(the language chooser) and ``sitemap.xml``; and the shell its own pages start from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

from lxml import etree

from .chrome import MARK, SCRIPT_FONTS, chrome_marks
from .languages import bcp47, direction, native_name
from .model import whole
from .website import Site
from .writer import escapes_alike, html_attribute, html_text, serialize


def shell(markup: str) -> etree._Element:
    """A page the build writes itself, from its bare markup: parsed by etree's HTML parser,
    whose elements need no Python class lookup each (lxml.html's do: a third of building
    a page of thousands of links)."""
    return etree.fromstring(markup, etree.HTMLParser())


INDEX_TITLE = "Languages"
"""index.html's title and heading where the site has several pages (or none titled)."""


def index_page(site: Site, titles: Mapping[tuple[str, str], str],
               untranslated: Collection[tuple[str, str]] = frozenset()) -> bytes:
    """``index.html``: every language, named in itself, linking to its pages;
    ``untranslated``: the (locale, page) whose title is in the source language.

    It is a language chooser, not a translation of any page: titled by the one page of a
    one-page site (whose chooser it is), else "Languages". It carries no hreflang
    alternates: they must be reciprocal, and no page names index.html among its own (each
    page's cluster is its languages, with the source page as x-default), so listing a
    page's languages here, or calling index.html an x-default of a cluster of its own,
    would be an annotation no other page confirms."""
    tag = bcp47(site.source_locale)
    root = shell(
        f'<html lang="{tag}" dir="{direction(site.source_locale)}"><head><meta charset="utf-8">'
        "</head><body></body></html>"
    )
    head = root.find("head")
    body = root.find("body")
    assert head is not None and body is not None
    etree.SubElement(head, "meta", {"name": "viewport",
                                    "content": "width=device-width, initial-scale=1"})
    title = etree.SubElement(head, "title")
    title.text = titles.get((site.source_locale, site.pages[0]), INDEX_TITLE) if len(
        site.pages) == 1 else INDEX_TITLE
    style = etree.SubElement(head, "style", {MARK: "style"})
    style.text = ("body{font:16px/1.5 system-ui,sans-serif;max-inline-size:46rem;"
                  "margin-block:2rem;margin-inline:auto;padding-block:0;padding-inline:1rem}"
                  "[data-miss-i18n=languages]{list-style:none;padding:0;"
                  "display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));"
                  "gap:.3rem 1rem}[data-miss-i18n=languages] ul{padding-inline-start:1.2rem}"
                  "[data-miss-i18n=progress]{display:inline-block;min-inline-size:4ch;"
                  "color:#555;font-family:system-ui,sans-serif;font-size:.85em;"
                  "font-variant-numeric:tabular-nums}\n"
                  + SCRIPT_FONTS)
    main = etree.SubElement(body, "main", {MARK: "index"})
    # the build's own words are English (chrome.CHROME_LANGUAGE), whatever the source's
    english = chrome_marks(site.source_locale)
    heading = etree.SubElement(main, "h1", english if title.text == INDEX_TITLE else {})
    heading.text = title.text
    lists = [site.published]
    previews = [other for other in site.all_locales if not site.is_published(other)]
    as_text = all(map(escapes_alike, ("ul", "li", "span", "a")))
    _language_list(main, site, site.published, titles, untranslated, as_text=as_text)
    if previews:
        heading = etree.SubElement(main, "h2", {MARK: "previews", **english})
        heading.text = (f"Previews: less than {site.threshold:g}% translated, not published "
                        "to search engines")
        _language_list(main, site, previews, titles, untranslated, as_text=as_text)
        lists.append(previews)
    footer = etree.SubElement(main, "p", {MARK: "report", **english})
    link = etree.SubElement(footer, "a", {"href": "report.html"})
    link.text = "Translation report"
    link.tail = ": progress, drafts awaiting review and check findings of every language."
    # its links are Site.href's, percent-encoded: plain
    page = serialize(root.getroottree(), plain=True)
    if as_text:  # each list's place (a comment: no text the page writes holds "<!--")
        for number, locales in enumerate(lists):
            page = page.replace(f"<!--{_LIST}{number}-->".encode(), "".join(
                _language_items(site, locales, titles, untranslated)).encode("utf-8"), 1)
    return page


_LIST = "miss-i18n-languages-"
"""The comment that holds the place of a list of languages the index writes as text."""


def _language_items(site: Site, locales: Sequence[str], titles: Mapping[tuple[str, str], str],
                    untranslated: Collection[tuple[str, str]]) -> Iterator[str]:
    """``_language_list``'s items as libxml2 writes them (``escapes_alike``): a link per
    page and locale made as an element each cost 40 ms at 128 pages and 42 locales."""
    source = f" lang={html_attribute(bcp47(site.source_locale))}"
    for other in locales:
        tag, way = html_attribute(bcp47(other)), html_attribute(direction(other))
        yield (f"<li lang={tag}><span data-miss-i18n=\"progress\" lang=\"zxx\">"
               f"{html_text(whole(site.progress.get(other, 100.0)))}</span> ")
        name = html_text(native_name(other))
        if len(site.pages) == 1:
            href = html_attribute(site.href("index.html", other, site.pages[0]))
            yield f"<a href={href} hreflang={tag} dir={way}>{name}</a></li>"
            continue
        yield f"<span dir={way}>{name}</span><ul>"
        for page in site.pages:
            href = html_attribute(site.href("index.html", other, page))
            yield (f"<li><a href={href} hreflang={tag} dir=\"auto\""
                   f"{source if (other, page) in untranslated else ''}>"
                   f"{html_text(titles.get((other, page), page))}</a></li>")
        yield "</ul></li>"


def _language_list(parent: etree._Element, site: Site, locales: Sequence[str],
                   titles: Mapping[tuple[str, str], str],
                   untranslated: Collection[tuple[str, str]], *, as_text: bool) -> None:
    """A grid of languages, each named in itself with its progress, linking to its pages
    (``as_text``: its items are written as text, where a numbered comment holds their
    place: ``_language_items``)."""
    listing = etree.SubElement(parent, "ul", {MARK: "languages"})
    if as_text:
        number = sum(1 for _ in parent.iter(etree.Comment))
        listing.append(etree.Comment(f"{_LIST}{number}"))
        return
    for other in locales:
        item = etree.SubElement(listing, "li", {"lang": bcp47(other)})
        progress = etree.SubElement(item, "span", {MARK: "progress", "lang": "zxx"})
        progress.text = whole(site.progress.get(other, 100.0))
        progress.tail = " "
        if len(site.pages) == 1:
            link = etree.SubElement(item, "a", {
                "href": site.href("index.html", other, site.pages[0]),
                "hreflang": bcp47(other), "dir": direction(other)})
            link.text = native_name(other)
            continue
        name = etree.SubElement(item, "span", {"dir": direction(other)})
        name.text = native_name(other)
        pages = etree.SubElement(item, "ul")
        for page in site.pages:  # a title may be translated or left in the source language:
            link = etree.SubElement(etree.SubElement(pages, "li"), "a", {  # its own direction
                "href": site.href("index.html", other, page), "hreflang": bcp47(other),
                "dir": "auto"})
            if (other, page) in untranslated:  # read as the source's language
                link.set("lang", bcp47(site.source_locale))
            link.text = titles.get((other, page), page)


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


SITEMAP_URLS = 50_000
SITEMAP_BYTES = 50 * 1024 * 1024
"""The sitemap protocol's limits for one file (sitemaps.org: 50,000 URLs, 50 MiB
uncompressed): search engines ignore a larger one. Each URL lists every language's page,
so a site of 42 locales passes 50 MiB at about 250 pages."""


def sitemap(site: Site) -> bytes:
    """``sitemap.xml`` with an ``xhtml:link`` alternate for every language of every page,
    in one file whatever its size (``sitemaps`` keeps to the protocol's limits). Only for
    a site with a ``base_url``: the sitemap protocol requires absolute URLs."""
    return _urlset(_url_blocks(site))


def sitemaps(site: Site, *, most_urls: int | None = None, most_bytes: int | None = None
             ) -> list[tuple[str, bytes]]:
    """The site's sitemap files, by name below the output folder: ``sitemap.xml`` alone
    where it keeps to the protocol's limits, else an index of ``sitemap-1.xml``,
    ``sitemap-2.xml``, … (as many URLs each as the limits allow, in order), which it lists
    by absolute URL. The limits: the protocol's unless given."""
    most_urls = SITEMAP_URLS if most_urls is None else most_urls
    most_bytes = SITEMAP_BYTES if most_bytes is None else most_bytes
    blocks = _url_blocks(site)
    files: list[list[str]] = [[]]
    frame = len(_SITEMAP_HEAD) + len(_SITEMAP_TAIL)  # what every file has (ASCII)
    size = frame
    for block in blocks:
        grown = size + len(block.encode("utf-8"))
        if files[-1] and (len(files[-1]) >= most_urls or grown > most_bytes):
            files.append([])
            grown = frame + len(block.encode("utf-8"))
        files[-1].append(block)
        size = grown
    if len(files) == 1:
        return [("sitemap.xml", _urlset(blocks))]
    names = [f"sitemap-{number}.xml" for number in range(1, len(files) + 1)]
    assert site.base_url  # _url_blocks asserts it too
    index = "".join([
        f"<?xml version='1.0' encoding='UTF-8'?>\n<sitemapindex xmlns=\"{SITEMAP_NS}\">\n",
        *(f"  <sitemap>\n    <loc>{_text(site.base_url + name)}</loc>\n  </sitemap>\n"
          for name in names), "</sitemapindex>\n"])
    return [("sitemap.xml", index.encode("utf-8")),
            *((name, _urlset(part)) for name, part in zip(names, files, strict=True))]


def _url_blocks(site: Site) -> list[str]:
    """Each URL's ``<url>`` element as the sitemap writes it, in order.

    Written as text: each page's alternates are the same for each of its URLs, so they
    are written once a page and repeated; with lxml, an element each, a sitemap of
    pages x locales x locales elements cost 50 ms at 128 pages and 9 locales, a second
    at 42. The bytes are those of lxml's pretty-printed tree (``tests/test_build.py``
    holds them to it), escaped as libxml2 escapes."""
    assert site.base_url, "a sitemap's URLs must be absolute"
    blocks: list[str] = []
    for page in site.pages:
        if page in site.unindexed:
            continue
        listed = site.listed(page)
        languages = [*map(bcp47, listed), "x-default"]
        urls = [site.url(locale, page) for locale in listed]
        alternates = "".join(
            f'    <xhtml:link rel="alternate" hreflang="{_attribute(language)}" '
            f'href="{_attribute(href)}"/>\n'
            for language, href in zip(languages, [*urls, site.url(site.source_locale, page)],
                                      strict=True))
        blocks += (f"  <url>\n    <loc>{_text(address)}</loc>\n{alternates}  </url>\n"
                   for address in urls)
    return blocks


def _urlset(blocks: list[str]) -> bytes:
    """A sitemap file of these ``<url>`` elements."""
    if not blocks:  # the element is empty
        return _SITEMAP_HEAD[:-2].encode("utf-8") + b"/>\n"
    return "".join([_SITEMAP_HEAD, *blocks, _SITEMAP_TAIL]).encode("utf-8")


_SITEMAP_HEAD = (f"<?xml version='1.0' encoding='UTF-8'?>\n<urlset xmlns=\"{SITEMAP_NS}\" "
                 f'xmlns:xhtml="{XHTML_NS}">\n')
_SITEMAP_TAIL = "</urlset>\n"


def _text(value: str) -> str:
    """Text content as libxml2 writes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        "\r", "&#13;")


def _attribute(value: str) -> str:
    """An attribute's value, in double quotes, as libxml2 writes it."""
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\t", "&#9;")

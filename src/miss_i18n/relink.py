"""A page's relative links to the source folder's assets, made to work from its locale
folder, and its ``<base href>`` taken off (its URLs written as it made them resolve).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from lxml import etree

from .markup import HTML_SPACE

URL_ATTRIBUTES = ("href", "src", "poster", "data", "action", "cite", "background",
                  "xlink:href")
_FILE = ("(contains(., '.') and (" + " or ".join(f"name() = '{name}'" for name in URL_ATTRIBUTES)
         + ") and not(contains(substring-before(concat(substring-before(concat(., '#'), '#'),"
         " '?'), '?'), '.htm')))")
"""A URL attribute that may name a file beside the site (beside_the_site): a name with a
suffix, not a page's (which ``.htm`` finds in C, sparing most links their look in Python)."""
_ROOTED = etree.XPath("descendant-or-self::*/@*[starts-with(normalize-space(.), '/')"
                      f" or contains(., '..') or {_FILE}]")
"""The attributes that may be a root-relative URL (``/about.html``), a relative one that
leaves the source folder (``../index.html``), or one to a file beside the site
(``feed.xml``): their elements are taken in Python (``_holders``), not by XPath's
``/..``, which libxml2 merges in quadratic time (40,000 links: 1.4 s a locale); asking
each element of its attributes instead (``*[@*[…]]``) cost a tenth more on every page."""
@lru_cache(maxsize=8)
def _rooted_or_absolute(host: str) -> etree.XPath:
    """The same, and those with one that may be an absolute URL into the site at ``host``
    (``//host`` in it, as the host is written in the base-url: ``relink`` then checks
    the scheme and host), not the links to other sites, most of a page's: a search in C,
    where lowering every attribute's letters (``translate``) cost five times as much."""
    written = "".join(c for c in host if c not in "'\"")  # (a host holds neither)
    return etree.XPath("descendant-or-self::*/@*[starts-with(normalize-space(.), '/') or "
                       f"contains(., '..') or contains(., '//{written}') or {_FILE}]")


def _holders(hits: object) -> Iterator[etree._Element]:
    """The elements an XPath found, or whose attributes it found (lxml's attribute
    results know their element)."""
    assert isinstance(hits, list)
    for hit in hits:
        if isinstance(hit, etree._Element):
            yield hit
        else:
            parent = getattr(hit, "getparent", None)
            holder = parent() if parent is not None else None
            if isinstance(holder, etree._Element):
                yield holder


def _relative(target: str, start: str) -> str:
    """``posixpath.relpath(target, start)`` for a normalized relative ``target`` (which may
    start with ``..``) and a normalized relative folder ``start`` without ``..``, as every
    page's and locale folder's is: by their names alone, where relpath asks the process's
    working folder twice a call (thousands of calls a page set)."""
    to = [part for part in target.split("/") if part not in ("", ".")]
    at = [part for part in start.split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(to), len(at)) and to[common] == at[common]:
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def beside_the_site(path: str) -> bool:
    """Whether a relative link's ``path`` names a file that is no page (``feed.xml``,
    ``downloads/x.zip``; not ``about.html``, a folder, or a name without a suffix, which
    may be a page's URL on a server that leaves ``.html`` off): unless it is an asset, no
    locale folder holds it; the source had it beside the site, at the output's root.
    ``relink_assets`` then asks the site whether such a name is a folder of its own or one
    of its pages with ``.html`` left off (``v1.2``, ``release-2.0``)."""
    name = path.rpartition("/")[2]
    suffix = posixpath.splitext(name)[1].lower()
    return bool(suffix) and suffix not in (".html", ".htm") and name not in (".", "..")


_REFRESH = etree.XPath(
    "descendant-or-self::meta[translate(@http-equiv, 'REFSH', 'refsh') = 'refresh']")
"""A redirect stub's ``<meta http-equiv="refresh" content="0; url=…">``."""
_REFRESH_URL = re.compile(
    r"""\s*[0-9.]+\s*[;,]?\s*(?:url\s*=\s*)?(?P<q>['"]?)(?P<url>.*?)(?P=q)\s*""",
    re.IGNORECASE | re.DOTALL)
"""Its content: a delay, then (after ``;`` or ``,``, maybe ``url=`` and a quote) a URL."""
_SRCSET = etree.XPath("descendant-or-self::*[@srcset]")
_STYLED = etree.XPath("descendant-or-self::*/@style[contains(., 'url(') or contains(., "
                      "'@import')]")
_STYLESHEETS = etree.XPath(
    "descendant-or-self::style[contains(., 'url(') or contains(., '@import')]")
"""With _SRCSET and _STYLED (attributes: ``_holders``), the elements with URLs inside a
value: a srcset, CSS (relinked each: idempotent)."""
_CSS_URL = re.compile(
    r"""(?P<head>url\(\s*)(?:"(?P<dq>[^"\\\n]*)"|'(?P<sq>[^'\\\n]*)'|(?P<bare>[^)'"\s\\]+))"""
    r"""(?=\s*\))|(?P<imp>@import\s+)(?:"(?P<idq>[^"\\\n]*)"|'(?P<isq>[^'\\\n]*)')""",
    re.IGNORECASE)
"""A URL in CSS (a style attribute, a <style> element): ``url(…)``, bare or quoted, and
``@import "…"``; one with a backslash escape is left as it is."""


def relink_assets(root: etree._Element, page: str, here: str, assets: frozenset[str],
                  *, pages: Collection[str] = (), folders: Collection[str] = (),
                  root_path: str = "/", site_url: str | None = None) -> None:
    """Relative links to copied assets, made to work from the page's locale folder.

    Links between pages stay as they are: each locale folder mirrors the source folder.
    A root-relative link (``/about.html``, ``/css/site.css``) to one of the source folder's
    ``pages`` or assets is made relative: the page's own locale's page, the copied asset; at
    the output's root it would lead to no page, and from disk to nothing at all. The source
    folder is taken as served at ``root_path`` (website.served_path: ``/docs/`` for a
    base-url of ``https://example.org/docs/``): a root-relative link elsewhere (``/shop/``)
    leaves the site, and stays as it is. An absolute URL into the site (``site_url``'s
    host, http or https or protocol-relative: ``https://example.org/docs/about.html``,
    ``//example.org/docs/about.html``) is taken as its path.
    A relative link out of the source folder (``../index.html``: the larger site it is
    served in), or to a file that is neither named as a page nor an asset of it
    (``feed.xml``, ``downloads/x.zip``: another tool puts it beside the site; not one of
    the source's ``folders``, ``v1.2``, nor a page with ``.html`` left off), is written
    from the locale folder, to lead where it led.
    A page's ``<base href>`` would make its links, the build's own (the language menu) and
    the assets' new ones resolve against another folder: every relative URL is written as
    the base made it resolve, and the base's href taken off.
    """
    base = _base_href(root)
    if not assets and base is None and not pages:
        return
    source_dir = posixpath.dirname(page)
    out_dir = posixpath.dirname(here)
    rebase = _rebaser(base, source_dir) if base is not None else None
    only_rooted = not assets and base is None  # then a link to a page stays as it is
    host = urlsplit(site_url).netloc.lower() if site_url else None
    depth = source_dir.count("/") + 1 if source_dir else 0

    def relink(url: str) -> str:
        if only_rooted and not url.lstrip(HTML_SPACE).startswith("/") \
                and url.count("..") <= depth \
                and not (host and url.lstrip(HTML_SPACE)[:4].lower() == "http") \
                and not beside_the_site(unquote(url.split("#", 1)[0].split("?", 1)[0])
                                        .strip(HTML_SPACE)):
            return url  # (most links: another page's, relative, stays as it is; one with
            # no more '..' than the page is deep cannot leave the source folder)
        if rebase is not None:
            url = rebase(url)
        # a browser strips the spaces around a URL; an encoded slash is part of a name
        parts = urlsplit(url.strip(HTML_SPACE))
        if host and parts.scheme.lower() in ("http", "https", "") and parts.netloc.lower() == host:
            parts = parts._replace(scheme="", netloc="", path=parts.path or "/")
        if parts.scheme or parts.netloc or not parts.path or "%2f" in parts.path.lower():
            return url
        path = unquote(parts.path)
        rooted = path.startswith("/")
        if rooted and not path.startswith(root_path):
            return url  # outside the site
        target = posixpath.normpath(path[len(root_path):] if rooted
                                    else posixpath.join(source_dir, path))
        if rooted and target in pages:  # the same locale's page
            moved = _relative(target, source_dir or ".")
            return urlunsplit(("", "", quote(moved), parts.query, parts.fragment))
        out = not rooted and (target == ".." or target.startswith("../"))
        if target not in assets and not out and (
                rooted or not beside_the_site(path) or target in folders
                or f"{target}.html" in pages or f"{target}.htm" in pages):
            return url
        moved = _relative(target, out_dir or ".")
        if out and path.endswith(("/", "/.", "/..", ".")) and not moved.endswith("/"):
            moved += "/"  # a folder (``../shop/``) stays one
        return urlunsplit(("", "", quote(moved), parts.query, parts.fragment))

    def relink_css(css: str) -> str:
        def one(match: re.Match[str]) -> str:
            group = next(name for name in ("dq", "sq", "bare", "idq", "isq")
                         if match.group(name) is not None)
            text = match.string
            return (text[match.start():match.start(group)] + relink(match.group(group))
                    + text[match.end(group):match.end()])

        lowered = css.lower()
        return _CSS_URL.sub(one, css) if "url(" in lowered or "@import" in lowered else css

    if only_rooted:
        # only the elements that may hold a root-relative (or absolute, or outgoing) URL, or
        # one to a file beside the site: a page has thousands of elements, and most pages
        # few; each relinked once (a link out of the folder would leave it again)
        rooted = _rooted_or_absolute(host) if host else _ROOTED
        found: dict[etree._Element, None] = {}
        for query in (rooted, _REFRESH, _SRCSET, _STYLED, _STYLESHEETS):
            found.update(dict.fromkeys(_holders(query(root))))
        for element in found:
            _relink_element(element, relink, relink_css)
        return
    for element in root.iter():
        if isinstance(element.tag, str):
            _relink_element(element, relink, relink_css)
    if base is not None:
        for element in list(root.iter("base")):
            if "href" in element.attrib:
                del element.attrib["href"]
            if not element.attrib:
                _drop(element)


def _relink_element(element: etree._Element, relink: Callable[[str], str],
                    relink_css: Callable[[str], str]) -> None:
    """An element's URLs relinked: its URL attributes, srcset and style, a <style>'s text."""
    for name in URL_ATTRIBUTES:
        value = element.get(name)
        if value is not None and (moved := relink(value)) != value:
            element.set(name, moved)
    srcset = element.get("srcset")
    if srcset is not None:
        items = [item.strip().split(None, 1) for item in srcset.split(",") if item.strip()]
        moved = ", ".join(" ".join([relink(item[0]), *item[1:]]) for item in items)
        if moved != ", ".join(" ".join(item) for item in items):
            element.set("srcset", moved)
    if element.tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        content = element.get("content") or ""
        found = _REFRESH_URL.fullmatch(content)
        if found is not None and found.group("url"):
            element.set("content", content[:found.start("url")] + relink(found.group("url"))
                        + content[found.end("url"):])
    style = element.get("style")
    if style is not None and (moved := relink_css(style)) != style:
        element.set("style", moved)
    if element.tag == "style" and element.text and (
            moved := relink_css(element.text)) != element.text:
        element.text = moved


def _base_href(root: etree._Element) -> str | None:
    """The page's base URL (the first ``<base href>``, as a browser takes it), if any."""
    for element in root.iter("base"):
        href = element.get("href")
        if href is not None and href.strip(HTML_SPACE):
            return href.strip(HTML_SPACE)
    return None


def _rebaser(base: str, source_dir: str) -> Callable[[str], str]:
    """A URL of the page as its ``base`` makes it resolve, written for the page without a
    base: absolute against an absolute or root-relative base; against a relative one,
    relative to the page's own folder again (then relinked as any other)."""
    parts = urlsplit(base)
    absolute = bool(parts.scheme or parts.netloc or parts.path.startswith("/"))
    folder = posixpath.normpath(posixpath.join(source_dir, parts.path or "."))
    if parts.path and not parts.path.endswith("/"):
        folder = posixpath.dirname(folder)
    document = posixpath.normpath(posixpath.join(source_dir, parts.path)) if parts.path \
        else None

    def rebase(url: str) -> str:
        stripped = url.strip(HTML_SPACE)
        found = urlsplit(stripped)
        if found.scheme or found.netloc or stripped.startswith("/"):
            return urljoin(base, stripped) if absolute and not (
                found.scheme or found.netloc) else url
        if absolute:
            return urljoin(base, stripped)
        if not found.path:  # "#x", "?q": the base's own document
            if document is None:
                return url
            target, query = document, found.query or parts.query
        else:
            target = posixpath.normpath(posixpath.join(folder, found.path))
            query = found.query
        written = _relative(target, source_dir or ".")
        if found.path.endswith("/") or (not found.path and parts.path.endswith("/")):
            written += "/"
        return urlunsplit(("", "", written, query, found.fragment))

    return rebase


def _drop(element: etree._Element) -> None:
    """Take ``element`` out of its tree, its tail kept where it was."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)

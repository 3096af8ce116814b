"""A page's tree written as HTML: UTF-8, every attribute value as the tree holds it.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from lxml import etree, html

from .markup import HTML_SPACE
from .pages import unknown_voids

# What libxml2's HTML serializer leaves alone in href, src, action and <a name>; it
# percent-encodes everything else there (spaces, non-ASCII: Bézier → B%C3%A9zier).
_URI_SAFE = re.compile(r"[A-Za-z0-9\-_.!~*'()@/:=?;#%&,+]*")
_ESCAPED_URI_ATTRIBUTES = ("href", "src", "action")
_URI_CARRIERS = etree.XPath("//*[@href or @src or @action or (self::a and @name)]")


def _uri_carriers(tree: etree._ElementTree) -> list[etree._Element]:
    """The elements that may hold one, in document order (libxml2 finds them, in C)."""
    found = _URI_CARRIERS(tree)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _risky(tree: etree._ElementTree) -> list[tuple[etree._Element, str]]:
    """The URL attributes libxml2 would percent-encode, in document order."""
    return [(element, name) for element in _uri_carriers(tree)
            for name in (*_ESCAPED_URI_ATTRIBUTES, "name")
            if (name != "name" or element.tag == "a") and not plain_url(element.get(name) or "")]


def plain_url(url: str) -> bool:
    return _URI_SAFE.fullmatch(url) is not None


def plain_uris(tree: etree._ElementTree) -> bool:
    """Whether libxml2 writes every URL of a source page as it is: then so it does in the
    page's every build, whose other URLs are the build's own, percent-encoded (links,
    relinked assets) or ``base_url``'s, or copies of the page's (inline elements of a
    translation), and ``serialize`` can skip its search."""
    return not _risky(tree)


def serialize(tree: etree._ElementTree, *, plain: bool = False, own_doctype: bool = False
              ) -> bytes:
    """The page as UTF-8 HTML, every attribute value exactly as in the tree.

    URL attributes that libxml2 would percent-encode are swapped for ASCII tokens while it
    writes, then put back escaped as HTML attribute text: a page's own links come out
    byte for byte as written (and links we write are already encoded). ``plain``: the
    caller knows there are none (``plain_uris``). ``own_doctype``: the tree's doctype
    (a source page's, as ``pages.parse_page`` read it), or none where it has none, not
    ``<!DOCTYPE html>``: a doctype decides a browser's rendering mode (no doctype, or an
    old one, is quirks mode), so a built page keeps its source's.
    """
    doctype = None if own_doctype else "<!DOCTYPE html>"
    kept: dict[str, str] = {}
    risky = [] if plain else _risky(tree)
    if risky:
        before = written(tree, doctype=doctype)
        nonce = next(n for n in range(len(before) + 1) if f"miss-i18n-uri-{n}-" not in before)
        for index, (element, name) in enumerate(risky):
            token = f"miss-i18n-uri-{nonce}-{index}"
            kept[token] = element.get(name) or ""
            element.set(name, token)
    text = written(tree, doctype=doctype)
    for element, name in risky:
        token = element.get(name) or ""
        element.set(name, kept[token])
        text = text.replace(f'"{token}"', f'"{_attribute_text(kept[token])}"', 1)
    if "</plaintext>" in text:
        text = _PLAINTEXT_END.sub("", text, count=1)
    return (text if text.endswith("\n") else f"{text}\n").encode("utf-8")


_PLAINTEXT_END = re.compile(r"</plaintext>(?:\s*</(?:body|html)>)*\s*\Z")
"""The end tags libxml2 writes after a ``<plaintext>``'s text at the end of the page: a
browser reads everything after that start tag as text, and would show them on the page."""

RAW_TEXT = ("xmp", "noembed", "noframes", "iframe", "plaintext")
"""Elements whose content is raw text, in libxml2's parse as in a browser's: ``<xmp><b>``
shows ``<b>``. libxml2's serializer escapes it (``&lt;b&gt;``), which a browser would show
as written; it is written back raw."""


def written(node: etree._Element | etree._ElementTree, *, doctype: str | None = None,
            with_tail: bool = True) -> str:
    """libxml2's HTML for ``node``, without the end tag it writes for a void element it
    does not know (``</wbr>`` is not HTML), and with raw text elements' text as it is
    (RAW_TEXT): each such element holds a token while libxml2 writes, and the token with
    the end tag is then cut out, or replaced by the text."""
    def write() -> str:
        return str(html.tostring(node, doctype=doctype, encoding="unicode", method="html",
                                 with_tail=with_tail))

    voids = [e for e in unknown_voids(node) if e.text is None and not len(e)]
    raws = [e for e in node.iter(*RAW_TEXT) if e.text and not len(e)
            and any(char in e.text for char in "&<>") and not _ends(e.text, str(e.tag))]
    open_items = [e for e in node.iter("li") if e.text is None and not len(e)
                  and _swallows(e)]
    if not voids and not raws and not open_items:
        return write()
    texts = [e.text or "" for e in raws]
    for nonce in itertools.count():  # a token the page does not hold: one try, mostly
        token = f"miss-i18n-void-{nonce}"
        for element in [*voids, *open_items]:
            element.text = token
        for number, element in enumerate(raws):
            element.text = f"{token}-{number}-"
        try:
            text = write()
        finally:
            for element in [*voids, *open_items]:
                element.text = None
            for element, raw in zip(raws, texts, strict=True):
                element.text = raw
        if text.count(token) == len(voids) + len(raws) + len(open_items):
            break
    for tag in {str(e.tag) for e in voids}:
        text = text.replace(f">{token}</{tag}>", ">")
    if open_items:
        text = text.replace(f">{token}</li>", "></li>")
    for number, raw in enumerate(texts):
        text = text.replace(f">{token}-{number}-<", f">{raw}<", 1)
    return text


def _swallows(item: etree._Element) -> bool:
    """Whether an empty ``<li>``, which libxml2 writes without its end tag, would take in
    what follows it when the page is read again: anything but another item (which ends
    it) or the end of its parent (``<li></li><div>`` read back as the div inside it)."""
    following = item.getnext()
    if following is None:
        return bool(item.tail and item.tail.strip(HTML_SPACE))  # (a no-break space is text)
    return following.tag != "li" or bool(item.tail)  # (a space after it: it would hold it)


def _ends(text: str, tag: str) -> bool:
    """Whether ``text`` written raw would end its ``tag`` element (``</xmp``, any case): a
    translation may hold it, and must stay text (then libxml2 escapes it)."""
    return f"</{tag}" in text.lower()


def _attribute_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


# -- escaping, as libxml2 writes an HTML page ----------------------------------------------
def html_text(value: str) -> str:
    """Text as libxml2 writes it in an HTML element (not script or style: escapes_alike)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_attribute(value: str) -> str:
    """An attribute's value, quoted: in single quotes where it holds a double quote and
    no single one, else in double quotes (a double quote in it escaped)."""
    if '"' in value and "'" not in value:
        return f"'{html_text(value)}'"
    return f'"{html_text(value).replace(chr(34), "&quot;")}"'


_PROBE = ("\n\t\r" + "".join(chr(c) for c in range(32, 127)) + "&{&amp;&#1;\xa0\xe9\u2028"
          "\ufeff\U0001f600\ue002 ")


_QUOTED = 'a "quoted" & <value>'


@cache
def escapes_alike(tag: str) -> bool:
    """Whether libxml2 writes text in ``tag``, and attribute values, as ``html_text``
    and ``html_attribute`` do (it writes script and style raw; versions differ)."""
    parser = etree.HTMLParser(encoding="utf-8")
    root = etree.fromstring(b"<html><head></head><body></body></html>", parser)
    parent = root.find("head" if tag == "title" else "body")
    if parent is None:
        return False
    try:
        element = etree.SubElement(parent, tag, {"title": _PROBE, "alt": _QUOTED})
    except ValueError:
        return False
    element.text = _PROBE
    written = str(html.tostring(element, encoding="unicode", method="html", with_tail=False))
    return written == (f"<{tag} title={html_attribute(_PROBE)} "
                       f"alt={html_attribute(_QUOTED)}>{html_text(_PROBE)}</{tag}>")

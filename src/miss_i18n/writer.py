"""A page's tree written as HTML: UTF-8, every attribute value as the tree holds it.
"""

from __future__ import annotations

import itertools
import re

from lxml import etree, html

from .pages import UNKNOWN_VOID

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


def serialize(tree: etree._ElementTree, *, plain: bool = False) -> bytes:
    """The page as UTF-8 HTML, every attribute value exactly as in the tree.

    URL attributes that libxml2 would percent-encode are swapped for ASCII tokens while it
    writes, then put back escaped as HTML attribute text: a page's own links come out
    byte for byte as written (and links we write are already encoded). ``plain``: the
    caller knows there are none (``plain_uris``).
    """
    kept: dict[str, str] = {}
    risky = [] if plain else _risky(tree)
    if risky:
        before = _tostring(tree)
        nonce = next(n for n in range(len(before) + 1) if f"miss-i18n-uri-{n}-" not in before)
        for index, (element, name) in enumerate(risky):
            token = f"miss-i18n-uri-{nonce}-{index}"
            kept[token] = element.get(name) or ""
            element.set(name, token)
    text = _tostring(tree)
    for element, name in risky:
        token = element.get(name) or ""
        element.set(name, kept[token])
        text = text.replace(f'"{token}"', f'"{_attribute_text(kept[token])}"', 1)
    return (text if text.endswith("\n") else f"{text}\n").encode("utf-8")


def _tostring(tree: etree._ElementTree) -> str:
    return written(tree, doctype="<!DOCTYPE html>")


def written(node: etree._Element | etree._ElementTree, *, doctype: str | None = None,
            with_tail: bool = True) -> str:
    """libxml2's HTML for ``node``, without the end tag it writes for a void element it
    does not know (``</wbr>`` is not HTML): each such element holds a token while libxml2
    writes, and the token with the end tag is then cut out."""
    def write() -> str:
        return str(html.tostring(node, doctype=doctype, encoding="unicode", method="html",
                                 with_tail=with_tail))

    voids = [e for e in node.iter(*UNKNOWN_VOID) if e.text is None and not len(e)]
    if not voids:
        return write()
    for nonce in itertools.count():  # a token the page does not hold: one try, mostly
        token = f"miss-i18n-void-{nonce}"
        for element in voids:
            element.text = token
        try:
            text = write()
        finally:
            for element in voids:
                element.text = None
        if text.count(token) == len(voids):
            break
    for tag in {str(e.tag) for e in voids}:
        text = text.replace(f">{token}</{tag}>", ">")
    return text


def _attribute_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))

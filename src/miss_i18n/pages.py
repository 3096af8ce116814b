"""Reading a source page: its bytes, decoded as a browser would, parsed into a tree.

Every stage that reads a page (extract, build) comes through here, so a page is the same
tree whatever its charset, and an unreadable or non-HTML file is one ExtractError.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from . import source
from .errors import ExtractError
from .markup import HTML_SPACE


def read_bytes(path: Path) -> bytes:
    """A source file's bytes; an unreadable file is an ExtractError naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"cannot read ({exc.strerror}); check the file", path=path) from None


def read_page(path: Path) -> etree._ElementTree:
    """Parse a page. UTF-8 unless the page declares another charset."""
    return parse_page(read_bytes(path), path)


# A charset label in the page's first 1024 bytes, as <meta charset> or http-equiv gives it.
_DECLARED = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Labels the HTML standard reads as windows-1252 (browsers never use real ISO-8859-1).
_WINDOWS_1252 = {"ascii", "us-ascii", "latin1", "l1", "iso-8859-1", "iso8859-1", "iso_8859-1",
                 "iso88591", "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252"}


def page_encoding(data: bytes) -> str:
    """The encoding a browser would read ``data`` in (a simplified HTML-standard sniff).

    A byte-order mark wins; then valid UTF-8 is UTF-8; then the page's declared charset
    (a label Python does not know as a text encoding, such as ``rot13``, is ignored);
    then windows-1252, the standard's default for undeclared legacy pages.
    """
    for mark, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(mark):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    found = _DECLARED.search(data[:1024])
    label = found.group(1).decode("ascii").lower() if found else ""
    if label in _WINDOWS_1252 or not label:
        return "cp1252"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return "cp1252"
    if not getattr(info, "_is_text_encoding", True) or info.name.startswith("utf-16"):
        return "cp1252"
    return info.name


def parse_page(data: bytes, path: Path | None = None) -> etree._ElementTree:
    """Parse a page's bytes: decoded as a browser would (``page_encoding``), so the tree
    is the same whatever the page's charset, and every page is written as UTF-8."""
    source.sniff(data, path)  # bytes, not the name, say whether it is a page
    text = data.decode(page_encoding(data), errors="replace")
    # huge_tree: libxml2 otherwise drops, silently, whatever is nested over 256 deep.
    # etree's parser, not lxml.html's: its elements are the same libxml2 nodes, but lxml.html
    # asks a Python class lookup for every element Python touches (a third of copying a
    # page per locale), for methods the pipeline never calls.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_blank_text=False,
                              huge_tree=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"not an HTML page ({exc}); check the file", path=path) from None
    # A page may have no <body> (it is optional: a redirect stub is a head alone); one with
    # nothing but spaces, comments or a doctype is empty (above).
    gather_after_body(root, path)  # first: it comes before what follows </html>
    gather_trailing(root, path)
    hoist_voids(root)
    return root.getroottree()


def gather_trailing(root: etree._Element, path: Path | None = None) -> None:
    """Move what follows ``</html>`` to the end of ``<body>``, where a browser puts it.

    libxml2 parses it into another ``<html>`` after the page's, which lxml never writes: an
    appended paragraph or analytics ``<script>`` would be lost, unextracted and missing
    from every build. Only the whitespace before it, which libxml2 drops, is not kept.
    Comments after ``</html>`` stay there, as in a browser. A second page of its own
    (``<html lang>``, ``<head>``, ``<body>``, even nested in a ``<div>``) is refused:
    merging it would guess."""
    after = [e for e in root.itersiblings() if e.tag == "html"]
    if not after:
        return
    for extra in after:
        if extra.attrib or next(extra.iter("head", "body"), None) is not None:
            raise ExtractError("content after </html> is a page of its own (<html>, <head> "
                               "or <body> tags); move it inside <body>", path=path)
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    for extra in after:
        if extra.text:
            if len(body):
                body[-1].tail = (body[-1].tail or "") + extra.text
            else:
                body.text = (body.text or "") + extra.text
        for child in list(extra):
            body.append(child)  # its tail goes with it


def gather_after_body(root: etree._Element, path: Path | None = None) -> None:
    """Move what follows ``</body>`` inside ``<html>`` to the end of ``<body>``, where a
    browser puts it (the standard's "after body" insertion mode).

    libxml2 leaves it in ``<html>`` after ``<body>``: a paragraph, a ``<div>`` or text
    there was shown but never extracted, so every locale showed it in the source
    language. Comments and spaces before the first such content stay where they are, as
    in a browser; from that content on, everything (its comments too) moves, in its
    order. A second ``<head>`` or ``<body>`` there, even nested in what moves, is refused:
    merging it would guess."""
    body = root.find("body")
    if body is None:
        return
    after = list(body.itersiblings())
    text, moved = body.tail, after
    if _is_content(text):
        body.tail = None
    else:
        text, moved = None, []
        for at, node in enumerate(after):
            if isinstance(node.tag, str):
                moved = after[at:]
                break
            if _is_content(node.tail):
                text, node.tail, moved = node.tail, None, after[at + 1:]
                break
    if text is None and not moved:
        return
    # Anywhere in it: a <body> nested in a <div> there is kept by libxml2 and written too.
    if any(next(node.iter("head", "body"), None) is not None for node in moved):
        raise ExtractError("content between </body> and </html> has a <head> or <body> of "
                           "its own; move it inside <body>", path=path)
    if text:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + text
        else:
            body.text = (body.text or "") + text
    for node in moved:
        body.append(node)  # its tail goes with it


def _is_content(text: str | None) -> bool:
    """Text a browser's "after body" mode puts into ``<body>``, not only spaces."""
    return text is not None and text.strip(HTML_SPACE) != ""


UNKNOWN_VOID = ("wbr", "source", "track", "embed", "keygen", "bgsound")
"""Void elements (HTML standard) that libxml2's HTML4 parser reads as containers: it nests
what follows them, up to their parent's end, inside them, and writes them with an end tag
(``writer.written`` leaves that out)."""


def hoist_voids(root: etree._Element) -> None:
    """Move what libxml2 nested in a void element out after it, where a browser's parser
    leaves it: the text after ``<wbr>`` is the paragraph's, to extract and to translate."""
    for element in list(root.iter(*UNKNOWN_VOID)):
        parent = element.getparent()
        if parent is None or (element.text is None and not len(element)):
            continue
        children, after = list(element), element.tail
        element.tail, element.text = element.text, None
        at = parent.index(element)
        for offset, child in enumerate(children, 1):
            parent.insert(at + offset, child)  # its tail goes with it
        if after:
            last = children[-1] if children else element
            last.tail = (last.tail or "") + after

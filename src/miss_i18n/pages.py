"""Reading a source page: its bytes, decoded as a browser would, parsed into a tree.

Every stage that reads a page (extract, build) comes through here, so a page is the same
tree whatever its charset, and an unreadable or non-HTML file is one ExtractError.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import NoReturn
from xml.etree import ElementTree

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


# A charset label as <meta charset> or http-equiv gives it, or a comment (skipped: browsers
# do not read a <meta> commented out). Browsers take the first one anywhere in the page, not
# only in its first 1024 bytes: while they guess, a late <meta> makes them read it again.
# A <meta> is searched up to the next tag (one never closed, to the end of the page, made
# each of thousands search the rest of it).
_DECLARED = re.compile(rb"<!--.*?(?:-->|\Z)|<meta[^<>]*?charset\s*=\s*[\"']?\s*"
                       rb"([A-Za-z0-9_.:-]+)", re.IGNORECASE | re.DOTALL)
# The Encoding Standard's labels (what browsers read a <meta charset> as) by the Python
# codec that decodes the same bytes to the same text. Python's own lookup differs for many:
# browsers read Shift_JIS as Windows-31J (with ① and ㈱), EUC-KR as windows-949, GB2312 as
# GB18030, Big5 with HKSCS, ISO-8859-1 and ASCII as windows-1252, ISO-8859-9 and TIS-620 as
# windows-1254 and -874; and it knows no x-sjis, iso-8859-8-i or x-mac-roman.
_LABELS = {
    "utf_8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859_2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
                 "iso_8859-2:1987 l2 latin2",
    "iso8859_3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
                 "iso_8859-3:1988 l3 latin3",
    "iso8859_4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
                 "iso_8859-4:1988 l4 latin4",
    "iso8859_5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 "
                 "iso_8859-5 iso_8859-5:1988",
    "iso8859_6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
                 "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 "
                 "iso_8859-6 iso_8859-6:1987",
    "iso8859_7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 "
                 "iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso8859_8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
                 "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i "
                 "iso-8859-8-i logical",
    "iso8859_10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859_13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859_14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859_15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859_16": "iso-8859-16",
    "koi8_r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8_u": "koi8-ru koi8-u",
    "mac_roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
              "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii "
              "windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
              "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac_cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 "
               "x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 "
             "ks_c_5601-1989 ksc5601 ksc_5601 windows-949",
}
_BROWSER_CODEC = {label: codec for codec, labels in _LABELS.items() for label in labels.split()}


def page_encoding(data: bytes) -> str:
    """The encoding a browser would read ``data`` in (a simplified HTML-standard sniff).

    A byte-order mark wins; then valid UTF-8 is UTF-8 (but for ISO-2022-JP, declared and
    escaping: it is 7-bit, so valid UTF-8 too); then the page's declared charset, read as
    browsers read its label (another label Python does not know as a text encoding, such
    as ``rot13``, is ignored); then windows-1252, the standard's default for undeclared
    legacy pages.
    """
    for mark, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(mark):
            return name
    if b"\x1b" in data and _declared(data) == "iso2022_jp":
        return "iso2022_jp"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return _declared(data)


def _declared(data: bytes) -> str:
    """The codec of the page's declared charset (page_encoding), else windows-1252."""
    found = next((m for m in _DECLARED.finditer(data) if m.group(1)), None)
    label = found.group(1).decode("ascii").lower() if found else ""
    if label in _BROWSER_CODEC:
        return _BROWSER_CODEC[label]
    if not label:
        return "cp1252"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return "cp1252"
    if not getattr(info, "_is_text_encoding", True) or info.name.startswith("utf-16"):
        return "cp1252"
    return info.name


# The windows-125x and windows-874 codecs: the Encoding Standard reads a byte 0x80-0x9F
# that Microsoft's table leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D of windows-1252) as
# the C1 control of that number, as Windows itself does; Python's codecs leave it undefined.
_C1_FOR_UNDEFINED = {"cp874", *(f"cp125{digit}" for digit in range(9))}


def _c1_or_replacement(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    byte = error.object[error.start]
    return (chr(byte) if 0x80 <= byte < 0xA0 else "\ufffd"), error.start + 1


codecs.register_error("miss-i18n-c1", _c1_or_replacement)


def decode_page(data: bytes, encoding: str) -> str:
    """A page's bytes as text, as a browser decodes them in ``encoding`` (page_encoding):
    what no table defines is U+FFFD, but a windows codec's undefined 0x80-0x9F bytes are
    the C1 controls a browser reads (which parse_page then refuses, as other controls)."""
    return data.decode(encoding, errors="miss-i18n-c1" if encoding in _C1_FOR_UNDEFINED
                       else "replace")


FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
"""The HTML standard's formatting elements: a browser carries one that markup closes out
of order on (its "adoption agency"), libxml2 ends it there."""
_MISNESTED = re.compile(r"Unexpected end tag : (\w+)"
                        r"|Opening and ending tag mismatch: (\w+) and (\w+)")


_SPECIAL = frozenset("""address applet area article aside base basefont bgsound blockquote
body br button caption center col colgroup command dd details dir div dl dt embed fieldset
figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html
iframe image img input isindex keygen li link listing main marquee menu meta nav noembed
noframes noscript object ol p param plaintext pre script search section select source style
summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp mi mo mn ms
mtext annotation-xml foreignobject desc""".split())
"""The HTML standard's "special" elements (and html5lib's older ones), names as libxml2
holds them (lowercase, without namespace)."""
_SCOPE = frozenset("""applet caption html table td th marquee object template mi mo mn ms
mtext annotation-xml foreignobject desc title""".split())
"""The elements that bound the standard's "scope": a browser closes no ``p`` or ``button``
above one."""
_CLOSES_P = frozenset("""address article aside blockquote center details dialog dir div dl
fieldset figcaption figure footer header hgroup main menu nav ol p search section summary ul
h1 h2 h3 h4 h5 h6 pre listing form li dd dt plaintext hr xmp""".split())
"""The elements whose start tag closes an open ``p`` (in "button scope") in a browser
(and ``table`` in a page not in quirks mode: left out)."""
_LIST_STOP = _SPECIAL - {"address", "div", "p"}
"""Where a browser's parser stops looking for an ``li`` (``dd``, ``dt``) to close."""
_BUTTON_SCOPE = _SCOPE | {"button"}
_USUAL_PARENTS = {"li": ("ul", "ol", "menu"), "dd": ("dl",), "dt": ("dl",), "button": (),
                  "option": ("select", "optgroup", "datalist"),
                  "tr": ("table", "thead", "tbody", "tfoot"), "td": ("tr",), "th": ("tr",)}
"""Parents that a browser's parser may give these elements, where none is misplaced."""
_IN_PARAGRAPH = etree.XPath("//p/*//*")
"""What paragraphs hold inside their elements: in most pages a few inline elements. (A
block right in a ``<p>``, ``<p>a <section>b</section>``, which libxml2 does not know to end
the paragraph, is written as it was read, and read alike again.)"""
_Known = dict[tuple[str, ...], dict[etree._Element, bool]]
_HEADINGS = "h1 h2 h3 h4 h5 h6 "
_ENDED_AT_START = {"p": frozenset((_HEADINGS + "b big i p s small strike tt u").split()),
                   "center": frozenset("b font i p".split()),
                   "fieldset": frozenset((_HEADINGS + "a legend listing p pre").split()),
                   "table": frozenset((_HEADINGS + "a listing p pre").split())}
"""The start tags at which libxml2 ends, without a word, a formatting element where a
browser carries it on, each with what libxml2 ends there (the innermost open element,
then its parent, while they are named here). At the others that end one (``td``, ``th``,
an ``a`` ending an ``a``) a browser ends it too, or leaves it out of the new cell."""
_ENDED_INLINE = sorted(FORMATTING & frozenset().union(*_ENDED_AT_START.values()) - {"a"})
_END_TAG = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE)
            for name in (*_ENDED_INLINE, "a")}
_ENDED_UNSAID = ("a", "code", "nobr")
"""The formatting elements libxml2 ends, without a word, at an enclosing element's end
tag (``</p>``, ``</div>``, ``</li>``); it logs the others (_MISNESTED)."""
_ENDED_UNSAID_TAG = re.compile(r"</(a|code|nobr)[\t\n\f\r />]", re.IGNORECASE)


def _misshapen(root: etree._Element) -> bool:
    """Whether libxml2's tree holds a shape a browser's parser never builds, which libxml2
    builds without a word where an element whose end tag may be left out starts inside
    another (often a formatting one) that a browser would close first: an ``li`` in an
    ``li`` (``<li><i>one<li>two</i> three``), ``dd`` or ``dt`` in either, a ``p`` or
    another block that ends a paragraph in a ``p``, a ``button`` in a ``button``, an
    ``option`` in an ``option``, a row or cell out of its table's structure
    (``<td>a <span>x<tr><td>y</span>``). Written as it is, its text would land elsewhere
    than a browser shows it, or in other msgids. Cheap: most pages have few such
    elements, and those in their usual parent."""
    known: _Known = {}
    for node in root.iter(*_USUAL_PARENTS):
        parent = node.getparent()
        if (parent is not None and parent.tag not in _USUAL_PARENTS[str(node.tag)]
                and _never_built(node, known)):
            return True
    held = _IN_PARAGRAPH(root)
    assert isinstance(held, list)
    return any(isinstance(node, etree._Element) and node.tag in _CLOSES_P
               and _within(node, ("p",), _BUTTON_SCOPE, known) for node in held)


def _carried_on(root: etree._Element, text: str) -> bool:
    """Whether libxml2 ended, at a start tag, a formatting element never closed that a
    browser carries on: ``<p><b>one<p>two`` (a browser shows "two" bold: the standard's
    "reconstruct the active formatting elements"), ``<div><i>x<p>y``, ``<h1><b>x<p>y``
    (the paragraph in the italic, the bold), ``<a href=…>x<table>`` (the table in the
    link). In libxml2's tree such an element ends right before that start tag's element
    (``_ended_at_start``), as one closed there in the source does
    (``<p><b>one</b></p><p>``): the page's end tags of its name, fewer than its elements,
    tell them apart. Cheap: it looks at the few elements a ``<p>`` ends, and at what ends
    right before a table. An ``a`` without ``href`` shows nothing and is left out: gtk-doc
    writes its anchors ``<a name="x"/>``, which a browser leaves open (the ``/`` closes
    nothing) and libxml2 closes. (An ``a``, ``code`` or ``nobr`` that an enclosing end tag
    ends, ``<p><a href=…>x</p><p>y``, libxml2 ends without a word too, in a tree like one
    closed in the source: _end_tag_missing.)"""
    names = set()
    for found in root.iter(*_ENDED_INLINE, "table", "fieldset"):  # one walk: cheaper
        if found.tag not in _ENDED_AT_START:
            if found.tail is None and _ended_at_start(found):
                names.add(found.tag)
            continue
        node = found.getprevious()  # what ends right before a table: an ``a``?
        while node is not None and node.tail is None and "a" not in names:
            if node.tag == "a" and node.get("href") is not None and _ended_at_start(node):
                names.add("a")
            node = node[-1] if len(node) else None
    return any(sum(1 for _ in root.iter(name)) > len(_END_TAG[name].findall(text))
               for name in names)


def _end_tag_missing(root: etree._Element, text: str) -> bool:
    """Whether the page lacks the end tag of an ``a`` (a link), ``code`` or ``nobr`` that
    libxml2 ended for it, which it does without a word at an enclosing element's end tag
    (``<p><a href=…>x</p><p>y``, ``<li><code>x</li><li>y``), in a tree like one closed
    in the source, where a browser carries the element on into what follows ("y" linked,
    or code: the standard's "reconstruct the active formatting elements"). Fewer end tags
    of its name in the page than such elements tell it (one stray in a comment or a
    script's text hides one). Not counted: an ``a`` without ``href``, which shows nothing
    (gtk-doc writes its anchors ``<a name="x"/>``, _carried_on), and one that the next
    link's start tag ended (``<a href=1>x<a href=2>y</a>``), as a browser ends it. About a
    tenth of parse_page: a search for the three end tags, a walk over their elements."""
    counts = dict.fromkeys(_ENDED_UNSAID, 0)
    for node in root.iter(*_ENDED_UNSAID):
        if node.tag != "a":
            counts[str(node.tag)] += 1
        elif node.get("href") is not None and not (
                node.tail is None and (after := node.getnext()) is not None
                and after.tag == "a"):
            counts["a"] += 1
    if not any(counts.values()):
        return False
    for name in _ENDED_UNSAID_TAG.findall(text):
        counts[name.lower()] -= 1
    return any(count > 0 for count in counts.values())


def _ended_at_start(node: etree._Element) -> bool:
    """Whether libxml2's tree ends ``node`` right before an element (no text between)
    whose start tag ends it and each of its ancestors it ends with (_ENDED_AT_START)."""
    chain = []
    while node.tail is None:
        chain.append(node.tag)
        start = node.getnext()
        if start is not None:
            ended = _ENDED_AT_START.get(start.tag)
            return ended is not None and ended.issuperset(chain)
        above = node.getparent()
        if above is None:
            return False
        node = above
    return False


def _never_built(node: etree._Element, known: _Known) -> bool:
    """Whether a browser's parser never puts ``node`` (a list item, a button, an option, a
    row or a cell) where libxml2 put it."""
    tag = node.tag
    if tag == "li":
        return _within(node, ("li",), _LIST_STOP, known)
    if tag in ("dd", "dt"):
        return _within(node, ("dd", "dt"), _LIST_STOP, known)
    if tag == "button":
        return _within(node, ("button",), _SCOPE, known)
    if tag == "option":  # in an option in a <select> (outside one, a browser nests them)
        return (_within(node, ("option",), frozenset({"select"}), known)
                and _within(node, ("select",), frozenset(), known))
    parent = node.getparent()
    if parent is None or parent.tag in (("table", "thead", "tbody", "tfoot", "template")
                                        if tag == "tr" else ("tr", "template")):
        return False
    return not _within(node, ("svg", "math"), frozenset(), known)


def _within(node: etree._Element, names: tuple[str, ...], stops: frozenset[str],
            known: _Known) -> bool:
    """Whether the nearest of ``node``'s ancestors named one of ``names`` or ``stops`` is
    one of ``names``. ``known`` keeps what the walk up found (for each ``names``: all pass
    the same stops), so a deep page is walked once, not once per element."""
    found = known.setdefault(names, {})
    passed = []
    answer = False
    for above in node.iterancestors():
        if above in found:
            answer = found[above]
            break
        if above.tag in names:
            answer = True
            break
        if above.tag in stops:
            break
        passed.append(above)
    for above in passed:
        found[above] = answer
    return answer


def parse_page(data: bytes, path: Path | None = None) -> etree._ElementTree:
    """Parse a page's bytes: decoded as a browser would (``page_encoding``), so the tree
    is the same whatever the page's charset, and every page is written as UTF-8.

    Where the markup closes a formatting element (FORMATTING) out of order
    (``<b>one<p>two</b></p>``, ``<a><table>…</table></a>``), libxml2's HTML 4 parser ends
    the element there, where a browser carries it on: such a page is read again as a
    browser reads it (``browser_tree``), so its text stays bold (or linked). So is a page
    whose tree holds a shape no browser builds, which libxml2 makes without a word
    (``_misshapen``: ``<li><i>one<li>two</i> three``), so its text stays in its item, and
    one with a formatting element never closed that libxml2 ends, without a word, at a
    start tag where a browser carries it on (``_carried_on``: ``<p><b>one<p>two``), and one
    whose formatting end tag ends a block opened in it (``<b>x<h2>y</b> z</h2>``), which
    libxml2 logs only of the block's later end tag (``_block_ended``)."""
    source.sniff(data, path)  # bytes, not the name, say whether it is a page
    text = decode_page(data, page_encoding(data))
    if _END_BR_HINT.search(text):
        text = _MARKUP.sub(_br_for_end_br, text)
    # huge_tree: libxml2 otherwise drops, silently, whatever is nested over 256 deep.
    # etree's parser, not lxml.html's: its elements are the same libxml2 nodes, but lxml.html
    # asks a Python class lookup for every element Python touches (a third of copying a
    # page per locale), for methods the pipeline never calls.
    # default_doctype: libxml2 otherwise gives a page without a doctype HTML 4.0's, and the
    # build writes the tree's own (writer.serialize): a page in quirks mode stays in it.
    parser = _parser()
    encoded = text.encode("utf-8")
    try:
        root = etree.fromstring(encoded, parser=parser)
    except etree.ParserError as exc:  # libxml2's word for a file with nothing to parse
        root = None if str(exc) == "Document is empty" else _not_a_page(exc, path)
    except ValueError as exc:
        _not_a_page(exc, path)
    if root is None:
        raise ExtractError("an empty page: nothing but spaces, comments or a doctype; write "
                           "its content or remove the file", path=path)
    errors = parser.error_log  # (a copy each time it is asked for)
    _refuse_too_deep(errors, path)
    if "{" in text:
        _refuse_braced_names(root, path)
    # A page may have no <body> (it is optional: a redirect stub is a head alone); one with
    # nothing but spaces, comments or a doctype is empty (above).
    if (encoded.translate(None, _HOLDABLE_BYTES) and _UNHOLDABLE.search(text)) \
            or _UNHOLDABLE_REFERENCE.search(text):
        _hold(root, path)  # by line, on libxml2's tree: html5lib's elements have none
    log = [found.groups() for entry in errors
           if (found := _MISNESTED.fullmatch(entry.message)) is not None]
    if (any(_formatting_misnested(*names) for names in log) or _block_ended(root, log)
            or _misshapen(root) or _carried_on(root, text) or _end_tag_missing(root, text)):
        gather_after_body(root, path)  # their refusals, as for any page
        gather_trailing(root, path)
        browser_tree(text, root, path)
    gather_from_head(root)
    gather_after_body(root, path)  # first: it comes before what follows </html>
    gather_trailing(root, path)
    hoist_voids(root)
    return root.getroottree()


def _refuse_too_deep(errors: etree._ListErrorLog, path: Path | None) -> None:
    """ExtractError where libxml2 stopped reading the page: elements nested deeper than it
    goes (2,048, even with huge_tree), after which it drops the rest of the page without
    failing. Void elements its HTML 4 parser does not know (``<wbr>``, ``<embed>``,
    ``<source>``, ``<track>``) stay open until their block ends: 2,046 ``<wbr>`` in one
    paragraph are that deep."""
    for entry in errors:
        if entry.message.startswith("Excessive depth"):
            raise ExtractError("elements are nested over 2,048 deep as the HTML parser reads "
                               "the page (each <wbr>, <embed>, <source> or <track> counts as "
                               "open until its block ends), and what follows would be lost; "
                               "flatten the page's markup or split the block",
                               path=path, line=entry.line or None)


_BRACED = etree.XPath("//*[@*[starts-with(name(), '{')]]")
"""The elements with an attribute whose name starts with ``{`` (libxml2's search: a twentieth
of parsing the page, where it has a brace at all)."""


def _refuse_braced_names(root: etree._Element, path: Path | None) -> None:
    """ExtractError where an attribute's name starts with ``{`` (``<p {}="x">``, ``{a}b``,
    a template's leftover): a browser keeps it, but lxml reads such a name as a namespace
    (``{uri}name``) and cannot set it again, and a build that copies the element ended in
    a traceback. Said by the element's line, to rename or remove it."""
    found = _BRACED(root)
    assert isinstance(found, list)
    element = next((e for e in found if isinstance(e, etree._Element)), None)
    if element is None:
        return
    name = next(str(name) for name, _value in element.items() if str(name).startswith("{"))
    line = element.sourceline
    raise ExtractError(f"the attribute {name!r} of <{element.tag}> starts with '{{', which "
                       "the build cannot copy (lxml reads it as a namespace); rename or "
                       "remove it", path=path, line=line if isinstance(line, int) else None)


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lack default_doctype
        encoding="utf-8", remove_comments=False, remove_blank_text=False, huge_tree=True,
        default_doctype=False)


def _formatting_misnested(*names: str | None) -> bool:
    """Whether libxml2's error (its _MISNESTED names) is a formatting element closed out
    of order: an end tag it did not expect, or one that ended it (``</p>`` in
    ``<p><b>x</p>``), or a formatting element's end tag that ended a block opened in it
    (``</b>`` in ``<b>x<center>y</b>``; a browser ends the bold alone, in the block, its
    "adoption agency")."""
    stray, end, ended = (name.lower() if name else "" for name in names)
    return (stray in FORMATTING or ended in FORMATTING
            or (end in FORMATTING and ended in _SPECIAL))


def _block_ended(root: etree._Element, log: list[tuple[str | None, ...]]) -> bool:
    """Whether a formatting element's end tag ended a block opened in it, which libxml2
    does without a word for most blocks (``<h1><b>x<h2>y</b> z</h2>``): its log only says
    "Unexpected end tag" of the block's own end tag, later, as of a stray ``</p>``. A
    browser ends the bold alone, in the block (its "adoption agency"): " z" stays in the
    heading, where libxml2 puts it after. In libxml2's tree such a block (of a name its
    log gives so) is the last thing in its formatting element, and content follows that
    element. Free on pages without such a line in the log (``log``: the _MISNESTED names
    of its lines)."""
    names = {stray.lower() for stray, *_ in log if stray and stray.lower() in _SPECIAL}
    return bool(names) and any(_ends_formatting(node) for node in root.iter(*names))


def _ends_formatting(node: etree._Element) -> bool:
    """Whether ``node`` (a block) ends the formatting element it is in, with nothing after
    it there, and content after that element."""
    while node.tail is None and node.getnext() is None:
        above = node.getparent()
        if above is None or above.tag in _SPECIAL:
            return False
        if above.tag in FORMATTING:
            return _is_content(above.tail) or above.getnext() is not None
        node = above
    return False


_FOREIGN_ATTRIBUTE = {"http://www.w3.org/1999/xlink": "xlink:",
                      "http://www.w3.org/XML/1998/namespace": "xml:",
                      "http://www.w3.org/2000/xmlns/": "xmlns:"}
"""The prefix of an attribute html5lib puts in a namespace (in SVG and MathML), which
libxml2 keeps as a plain name (``xlink:href``)."""
_FIRST_NEWLINE_DROPPED = ("pre", "listing", "textarea")
"""Where a parser drops a newline that starts the text, as html5lib did: one that starts
its text is written after another, which a browser drops (libxml2 keeps the first)."""
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def browser_tree(text: str, root: etree._Element, path: Path | None = None) -> None:
    """Make ``root``, libxml2's reading of the page's ``text``, what a browser's parser
    builds of it (html5lib follows the HTML standard, its "adoption agency" for misnested
    formatting included), held as libxml2's HTML parser holds a page: in its document
    (its doctype as libxml2 read it, or none), names lowercase and without namespaces
    (``foreignobject``, ``viewbox``, ``xlink:href``), the comments before and after
    ``<html>`` there.

    Slow (pure Python): only for pages that need it. Its elements have no source line."""
    import html5lib  # type: ignore[import-untyped]  # noqa: PLC0415  # (only here: slow)

    builder = html5lib.getTreeBuilder("etree", fullTree=True)  # names and comments as read
    document = html5lib.HTMLParser(tree=builder, namespaceHTMLElements=False).parse(text)
    gone = etree.Element("gone")
    for node in [*root.itersiblings(preceding=True), *root.itersiblings()]:
        gone.append(node)  # out of the document (lxml removes none at its top)
    root.clear()
    html_at = next(at for at, node in enumerate(document) if node.tag == "html")
    for node in document[:html_at]:
        if node.tag is ElementTree.Comment:
            root.addprevious(_comment(node.text, path))
    for node in reversed(document[html_at + 1:]):
        if node.tag is ElementTree.Comment:
            root.addnext(_comment(node.text, path))
    stack = [(document[html_at], root)]
    while stack:
        read, made = stack.pop()
        for name, value in read.attrib.items():
            made.set(_attribute_name(name), _held(None, value, path))
        made.text = _held(None, read.text, path) if read.text else None
        if read.tag in _FIRST_NEWLINE_DROPPED and made.text and made.text[0] == "\n":
            made.text = "\n" + made.text
        for child in read:
            if child.tag is ElementTree.Comment:
                node = _comment(child.text, path)
                made.append(node)
            else:
                node = _element(made, _local(child.tag), path)
                stack.append((child, node))
            node.tail = _held(None, child.tail, path) if child.tail else None


def _local(name: str) -> str:
    """A name as libxml2 holds it: without html5lib's namespace, ASCII lowercase."""
    return name.rpartition("}")[2].translate(_ASCII_LOWER)


def _attribute_name(name: str) -> str:
    namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    prefix = _FOREIGN_ATTRIBUTE.get(namespace, "")
    return _local("xmlns" if prefix == "xmlns:" and local == "xmlns" else prefix + local)


def _comment(text: str | None, path: Path | None) -> etree._Comment:
    """A comment holding ``text`` as read, ``--`` too (``etree.Comment`` refuses it)."""
    node = etree.Comment()
    node.text = _held(None, text, path) if text else ""
    return node


def _element(parent: etree._Element, tag: str, path: Path | None) -> etree._Element:
    """A new last child ``tag`` of ``parent``; a name lxml refuses to make (``a<b``, from a
    typo, which libxml2's parser holds) made by libxml2's parser."""
    try:
        return etree.SubElement(parent, tag)
    except ValueError:
        pass
    try:
        read = etree.fromstring(f"<{tag}>".encode(), parser=_parser())
    except (etree.LxmlError, ValueError):
        read = None
    made = None if read is None else next((n for n in read.iter() if n.tag == tag), None)
    if made is None:
        raise ExtractError(f"the tag <{tag}> cannot be read; correct its name", path=path)
    parent.append(made)
    return made


# What lxml refuses to put in a tree from Python (XML's rule), though libxml2's parser puts it
# there: the C0 controls but tab, newline and CR; U+FFFE and U+FFFF. And the other controls
# (DEL, C1: HTML calls them parse errors too) a catalog or page cannot hold (markup's
# _UNUSABLE). Written raw, or as a character reference (``&#1;``, ``&#x1B;``, ``&#129;``;
# libxml2 reads ``&#150;`` as windows-1252's U+2013, as browsers do: the gate need not be
# exact, ``_hold`` is).
_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_HOLDABLE_BYTES = bytes(set(range(256)) - {
    chr(code).encode()[0] for code in (*range(0xa0), 0xfffe, 0xffff)
    if _UNHOLDABLE.match(chr(code))})
"""The bytes no such character starts with in UTF-8. Deleting them from a page's UTF-8
(bytes.translate, a table lookup a byte) leaves nothing of most pages, ten times faster
than the search, which runs where something is left (a C1 control starts with 0xC2, as
a no-break space does)."""
# What _hold changes: those, and a CR, which only a reference (``&#13;``) puts in the tree
# (the parser reads one written raw as a newline, as browsers do).
_HELD = re.compile("[\r" + _UNHOLDABLE.pattern[1:])
_UNHOLDABLE_REFERENCE = re.compile(r"&#(?:0*(?:\d|[12]\d|3[01]|1[2-5]\d|6553[45])(?!\d)"
                                   r"|[xX]0*(?:1?[0-9a-fA-F]|[7-9][0-9a-fA-F]|[fF]{3}[eEfF])"
                                   r"(?![0-9a-fA-F]))")


def _hold(root: etree._Element, path: Path | None) -> None:
    """Make the tree's text what the build can set again: the build stopped with lxml's
    traceback at a page holding such a character. A form feed, or a CR written ``&#13;``,
    is HTML whitespace, shown as a space, and read as one (a CR went into msgids as
    ``\\r``, and onto built pages raw, read there as a newline); the others (ESC, ``&#1;``,
    U+FFFE) are errors in HTML that no page shows, refused by the line of their element."""
    for node in root.iter():
        if node.tail and _HELD.search(node.tail):
            node.tail = _held(node, node.tail, path)
        if not isinstance(node.tag, str):
            continue  # a comment's own text is never set again
        if node.text and _HELD.search(node.text):
            node.text = _held(node, node.text, path)
        for name, value in node.attrib.items():
            if _HELD.search(str(value)):
                node.set(name, _held(node, str(value), path))


def _held(node: etree._Element | None, text: str, path: Path | None) -> str:
    """``text`` as ``_hold`` makes it, refused by its ``node``'s line where it has one."""
    text = text.replace("\x0c", " ").replace("\r", " ")
    found = _UNHOLDABLE.search(text)
    if found:
        char = found.group()
        kind = "control character" if char <= "\x9f" else "noncharacter"
        line = node.sourceline if node is not None and isinstance(node.sourceline, int) else None
        raise ExtractError(f"the page holds the {kind} U+{ord(char):04X}, which a web page "
                           "cannot hold; remove it", path=path, line=line)
    return text


_END_BR_HINT = re.compile(r"</br[\t\n\f\r />]", re.IGNORECASE)
# An end tag </br> (any case, attributes ignored) where a tag may be: not in a comment, a
# tag's attribute values, or the text of an element whose text is raw (a script).
# A quote never closed runs to the end, as in a browser (and keeps the scan linear).
_MARKUP = re.compile(r"""<!--.*?(?:-->|\Z)
    |<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)(?=[\t\n\f\r />])
     (?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^>"'])*(?:>|\Z).*?(?:</\1(?=[\t\n\f\r />])|\Z)
    |<[A-Za-z](?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^>"'])*(?:>|\Z)
    |(</br(?=[\t\n\f\r />])[^>]*>)""", re.IGNORECASE | re.DOTALL | re.VERBOSE)


def _br_for_end_br(match: re.Match[str]) -> str:
    """``<br>`` for an end tag ``</br>``, as a browser reads it (libxml2 drops it, and with
    it a line break of the page); any other markup as it is."""
    return "<br>" if match.group(2) else match.group()


def _not_a_page(error: Exception, path: Path | None) -> NoReturn:
    raise ExtractError(f"not an HTML page ({error}); check the file", path=path) from None


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


HEAD_CONTENT = frozenset("base basefont bgsound link meta noframes noscript script style "
                         "template title".split())
"""The elements a browser's parser keeps in ``<head>`` (its "in head" insertion mode)."""
METADATA = ("base", "link", "meta", "title")
"""Of those, the ones that show nothing and that the build reads and writes in the head."""


def gather_from_head(root: etree._Element) -> None:
    """Move what a browser shows out of ``<head>`` to the start of ``<body>``, where its
    parser puts it: the first element it does not keep in the head (HEAD_CONTENT) ends
    the head, and that element and what follows it go into the body.

    libxml2 keeps many there (``<select>``, ``<button>``, ``<nav>``, ``<details>``, a
    custom element): their text was shown but never extracted, so every locale showed
    it in the source language. What follows them moves too, in its order (a script
    after a ``<select>`` finds it), but for the metadata (METADATA), which shows nothing
    wherever it is and which the build reads and writes in the head."""
    head = root.find("head")
    if head is None:
        return
    start = next((at for at, node in enumerate(head)
                  if isinstance(node.tag, str) and node.tag not in HEAD_CONTENT), None)
    if start is None:
        return
    moved = [node for node in list(head)[start:] if node.tag not in METADATA]
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    text, body.text = body.text, None
    for at, node in enumerate(moved):
        body.insert(at, node)  # its tail goes with it
    if text:
        moved[-1].tail = (moved[-1].tail or "") + text


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
IMAGE = "image"
"""``<image>``, which a browser's parser reads as ``<img>`` (void), outside an ``<svg>`` or
``<math>``: so is it here (``unknown_voids``), its name kept. Inside a graphic it is SVG's
own element, which may hold a ``<title>`` and needs its end tag: left as it is."""


def unknown_voids(node: etree._Element | etree._ElementTree) -> list[etree._Element]:
    """The elements at or below ``node`` that a browser reads as void and libxml2 does not
    (UNKNOWN_VOID, and an HTML ``<image>``), in document order."""
    return [element for element in node.iter(*UNKNOWN_VOID, IMAGE)
            if element.tag != IMAGE or not any(
                above.tag in ("svg", "math") for above in element.iterancestors())]


def hoist_voids(root: etree._Element) -> None:
    """Move what libxml2 nested in a void element out after it, where a browser's parser
    leaves it: the text after ``<wbr>`` is the paragraph's, to extract and to translate."""
    for element in unknown_voids(root):
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

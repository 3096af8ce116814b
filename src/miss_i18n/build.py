"""Localized pages, rebuilt from the source page by lookup.

A translation only ever becomes text, or fills the placeholders its msgid has: every
element and attribute of a built page comes from the source page or from the build
itself (and then carries ``data-miss-i18n``, chrome.MARK). A translation whose
placeholders do not match its source is not used; the source text stays and the report
says so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from . import structured
from .chrome import (
    LANGUAGE_MENU,
    MACHINE_NOTICE,
    MARK,
    MEMORY_NOTICE,
    REVIEW_NOTICE,
    STYLE,
    UNTRANSLATED_NOTICE,
    chrome_marks,
)
from .languages import (
    bcp47,
    code_left_to_right,
    direction,
    fallback_dir,
    native_name,
    open_graph_locale,
    unclaim,
)
from .markup import (
    HTML_SPACE,
    MarkupError,
    Placeholder,
    describe,
    has_placeholders,
    parse,
    shape_of,
    shows_nothing,
    source_shape,
    unescape_text,
    unusable_characters,
)
from .model import Key, Segment
from .relink import relink_assets
from .segments import (
    INLINE,
    OPAQUE,
    Run,
    Slot,
    in_graphic,
    is_element,
    kept_in_source,
    locate,
    option_spacing,
    set_option_text,
)
from .website import Site
from .writer import plain_url, serialize

Translations = Mapping[Key, str]


@dataclass(frozen=True)
class Rejection:
    """A translation the page could not use: its entry's context and why."""

    context: str
    reason: str
    """Completes "the translation of <context> …"."""


MISMATCH = "does not match its placeholders"
BLANK = "shows nothing (spaces or invisible characters alone)"


@dataclass(frozen=True)
class Review:
    """The shown translations that await review (fuzzy), by kind: each kind has a notice."""

    drafts: Collection[Key] = frozenset()
    """Machine drafts."""
    stale: Collection[Key] = frozenset()
    """People's translations of an earlier source (``provenance.is_of_earlier_source``): not
    a person's own translation they marked fuzzy, which no notice calls anything."""
    memory: Collection[Key] = frozenset()
    """Drafts from the translation memory (TMX)."""


@dataclass
class PageReport:
    """What building one page in one locale did (for the warnings and report.html)."""

    locale: str
    """The locale built."""
    page: str
    """The source page's name."""
    segments: int = 0
    """Texts the page has (and the build's own)."""
    translated: int = 0
    """Of those, shown translated (drafts included where the build shows them)."""
    unseen: int = 0
    """Of the translated, those no reader sees on the page (``unseen``: a description)."""
    rejected: list[Rejection] = field(default_factory=list)
    """Translations not used (placeholders that do not match, characters a page cannot
    hold): the source text stays."""
    # Of the translated, those awaiting review, by kind (each kind has its notice):
    drafts: int = 0
    """Fuzzy entries that are machine drafts awaiting review, shown on the page."""
    stale: int = 0
    """Fuzzy entries that are a person's translation of an earlier source, shown."""
    memory: int = 0
    """Fuzzy entries that are drafts from the translation memory (TMX), shown."""
    title_translated: bool = False
    """Whether the page's title (its head's first ``<title>``) shows translated."""


def untranslated_titles(site: Site, reports: Iterable[PageReport]
                        ) -> frozenset[tuple[str, str]]:
    """The (locale, page) whose title a locale other than the source left in the source
    language: the index and the report say so where they list it."""
    return frozenset((report.locale, report.page) for report in reports
                     if report.locale != site.source_locale and not report.title_translated)


def localize(
    tree: etree._ElementTree,
    page: str,
    locale: str,
    translations: Translations,
    *,
    site: Site,
    review: Review | None = None,
    slots: list[Slot] | None = None,
    plain_uris: bool = False,
) -> tuple[bytes, PageReport]:
    """Return the page for ``locale`` as bytes; ``tree`` is modified in place.

    ``slots`` are the tree's own (``html.Located.fresh``), or None to walk it here.

    ``review`` names the keys of ``translations`` that await review (fuzzy), by kind: a
    page that shows any says so in a notice of that kind.

    ``plain_uris``: the source page's URLs are all written as they are (``plain_uris``
    of its parse), so the serializer needs no escaping pass unless ``base_url`` does.
    """
    review = review or Review()
    report = PageReport(locale, page)
    if slots is None:
        slots = locate(tree, page)
    report.segments = len(slots)
    tag = bcp47(locale)
    rtl = direction(locale) == "rtl"
    source_tag = bcp47(site.source_locale)
    source_dir = fallback_dir(site.source_locale, locale)
    title = tree.getroot().find("head/title")
    skip = skip_link(tree.getroot().find("body"))  # before marks wrap it
    tables = table_runs(tree.getroot(), slots) if source_dir is not None else []
    if locale != site.source_locale:
        unclaim(tree.getroot(), site.source_locale)
    kept = kept_in_source(tree.getroot(), slots) if locale != site.source_locale else []
    shown: set[int] = set()  # the slots of list items' shown text that are translated
    applied: set[int] = set()  # the runs shown translated
    # Attributes first: runs copy their inline elements, attributes included.
    for index in sorted(range(len(slots)), key=lambda i: slots[i].run is not None):
        slot = slots[index]
        found = translations.get((slot.segment.context, slot.segment.msgid))
        if found is None or found == "":
            if slot.run is not None and locale != site.source_locale:
                _mark_fallback(slot.run, slot.element, source_tag, source_dir)
            continue
        reason = _apply(slot, found)
        if reason is None:
            (shown if slot.attribute is not None else applied).add(index)
            report.translated += 1
            report.unseen += unseen(slot.segment.context)
            report.title_translated |= slot.attribute == "" and slot.element is title
            key = (slot.segment.context, slot.segment.msgid)
            report.drafts += key in review.drafts
            report.stale += key in review.stale
            report.memory += key in review.memory
        else:
            report.rejected.append(Rejection(slot.segment.context, reason))
            if slot.run is not None and locale != site.source_locale:
                _mark_fallback(slot.run, slot.element, source_tag, source_dir)
    root = tree.getroot()
    if locale != site.source_locale:
        _mark_items(slots, shown, (source_tag, tag),
                    None if source_dir is None else (source_dir, direction(locale)))
    _mark_kept(kept, source_tag, source_dir)
    _source_tables(tables, applied, source_dir)
    if rtl and locale != site.source_locale:
        code_left_to_right(root)
    relink_assets(root, page, site.path(locale, page), site.assets, pages=site.page_set,
                  folders=site.folders, root_path=site.root_path, site_url=site.base_url)
    _name_language(root, locale, own=locale == site.source_locale)
    root.set("dir", "rtl" if rtl else "ltr")
    _decorate(root, page, locale, site=site, chrome=lambda s: chrome_text(s, translations),
              notices=notices_of(report, site.source_locale), skip=skip)
    return serialize(tree, plain=plain_uris and plain_url(site.base_url or ""),
                     own_doctype=True), report


def _name_language(root: etree._Element, locale: str, *, own: bool) -> None:
    """The page says it is in ``locale``: its root's ``lang`` (and ``xml:lang``), a
    content-language meta; and where it is not the source's (``own``), its og:locale and
    its structured data's ``inLanguage``."""
    tag = bcp47(locale)
    root.set("lang", tag)
    if root.get("xml:lang") is not None:  # an XHTML page's: the two must be equal
        root.set("xml:lang", tag)
    for meta in content_languages(root):
        meta.set("content", tag)
    if not own:
        for meta in open_graph_locales(root):
            meta.set("content", open_graph_locale(locale))
        for script in structured_data(root):
            script.text = structured.with_language(script.text or "", tag)


_NO_PHRASING = frozenset("ul ol menu dl table thead tbody tfoot tr colgroup hgroup".split())
"""Elements a ``<span>`` may not be a child of (text there is misplaced already)."""


def fallback_mark(run: Run) -> str | None:
    """How a run left in the source language says so: on its element (``"element"``, the
    run is all of it), in a span around its text (``"span"``, the element holds blocks
    too), or not at all (None: the element names its own language, or holds no text)."""
    if run.parent.get("lang") is not None:
        return None
    if run.prev is None and _to_the_end(run):
        return "element"
    return None if run.parent.tag in _NO_PHRASING else "span"


def _to_the_end(run: Run) -> bool:
    """Whether the run reaches its element's last child (or the element has none): asked
    of the ends, where ``len`` counts every child (a body of 30,000 runs, each counting
    its siblings: quadratic)."""
    if run.nodes:
        return run.nodes[-1] is run.parent[-1]
    return next(iter(run.parent), None) is None


def fallback_element(run: Run, block: etree._Element) -> etree._Element:
    """The element a run marked on its element (``fallback_mark``) marks: the block whose
    whole content it is, inside inline elements alone (``<li><a>…</a></li>``), so that
    the block's alignment and list marker follow the text's direction too; else the run's
    element. Not through an element with a lang (or xml:lang) or dir of its own, nor up to
    ``<body>`` (the build's notices and menu go there) or a ``<datalist>`` (its fallback
    content is inline, not a block)."""
    element = run.parent
    while element is not block:
        parent = element.getparent()
        if (parent is None or parent[0] is not parent[-1]  # (its only child: len counts all)
                or parent.tag in ("body", "datalist")
                or (parent.text or "").strip(HTML_SPACE)
                or (element.tail or "").strip(HTML_SPACE)
                or any(parent.get(name) is not None for name in ("lang", "xml:lang", "dir"))):
            return run.parent
        element = parent
    return element


def _mark_fallback(run: Run, block: etree._Element, source_tag: str,
                   source_dir: str | None) -> None:
    """Text left in the source language says so, for screen readers and hyphenation, and
    keeps its own direction where the page's differs (``fallback_dir``)."""
    mark = fallback_mark(run)
    if mark is None:
        return
    marked = fallback_element(run, block) if mark == "element" else _wrap(run)
    marked.set("lang", source_tag)
    if source_dir is not None:
        marked.set("dir", source_dir)


def _mark_kept(kept: Iterable[etree._Element], source_tag: str, source_dir: str | None
               ) -> None:
    """Text translate="no" keeps (segments.kept_in_source) is the source's, and says so
    as text left untranslated does: an English brand line on an Arabic page is read as
    English and laid out left to right (not ".Brand text stays")."""
    for element in kept:
        if element.get("lang") is None and inherited_lang(element) is None:
            element.set("lang", source_tag)
            if source_dir is not None and element.get("dir") is None:
                element.set("dir", source_dir)


LIST_ITEMS = ("option", "optgroup")


def in_list(element: etree._Element) -> bool:
    """Whether an option or group is a list's (in a ``<select>`` or ``<datalist>``, maybe
    through groups), not one loose in a block, walked as a block."""
    parent = element.getparent()
    while parent is not None and parent.tag == "optgroup":
        parent = parent.getparent()
    return parent is not None and parent.tag in ("select", "datalist")


def shown_text(slot: Slot) -> bool:
    """Whether the slot is the text an element with none of its own shows in its place:
    a list's option or group (a group's label, an option's label where it has one, not
    empty, else its text), an image's ``alt``, a button input's ``value``. Its element says
    that text's language where it differs from the one it inherits (_mark_items)."""
    element = slot.element
    if slot.attribute is None:
        return False
    if element.tag in LIST_ITEMS:
        if not in_list(element):
            return False
        label = element.tag == "optgroup" or bool(element.get("label"))
        return slot.attribute == ("label" if label else "")
    return slot.attribute == _SHOWN.get((str(element.tag), (
        element.get("type") or "").strip(HTML_SPACE).lower() if element.tag == "input" else ""))


_SHOWN = {("img", ""): "alt", ("area", ""): "alt", ("input", "image"): "alt",
          ("input", "submit"): "value", ("input", "reset"): "value",
          ("input", "button"): "value"}
"""The attribute whose text an element without text of its own shows (an input's by its
type; a text field's placeholder is not one: a lang on the field would be its input's)."""


def inherited_lang(element: etree._Element) -> str | None:
    """The ``lang`` an element inherits from its ancestors below the root, if any."""
    for ancestor in element.iterancestors():
        if ancestor.getparent() is None:
            return None
        found = ancestor.get("lang")
        if found is not None:
            return found
    return None


def _mark_items(slots: Sequence[Slot], shown: Collection[int], tags: tuple[str, str],
                dirs: tuple[str, str] | None) -> None:
    """A list's option or group, an image or a button (shown_text) says the language of
    the text it shows where it differs from the one it inherits, as other text does
    (_mark_fallback): left untranslated,
    the source's (``tags[0]``); translated in a list kept whole in a run left in the
    source language, the page's (``tags[1]``); ``dirs`` likewise where the page's
    direction is not the source's. In document order: a group's mark is its options'."""
    for index, slot in enumerate(slots):
        if not shown_text(slot) or slot.element.get("lang") is not None:
            continue
        translated = index in shown
        wanted = tags[translated]
        if (inherited_lang(slot.element) or tags[1]) == wanted:
            continue
        slot.element.set("lang", wanted)
        if dirs is not None and slot.element.get("dir") is None:
            slot.element.set("dir", dirs[translated])


def _wrap(run: Run) -> etree._Element:
    """A span around a run that shares its element with blocks: its text, comments and
    inline elements, the spacing around them left outside (as a translation keeps it)."""
    parent, start, end = run.parent, run.start_text(), run.end_text()
    lead, trail = _spacing(start, end)
    text = start[len(lead):]
    if run.nodes:
        run.nodes[-1].tail = end[: len(end) - len(trail)]
    else:
        text = text[: len(text) - len(trail)]
    if run.prev is None:
        parent.text = lead
    else:
        run.prev.tail = lead
    span = parent.makeelement("span", {})
    span.text = text
    for node in run.nodes:
        span.append(node)  # with its tail
    span.tail = trail
    _place(parent, _Cursor(parent, tail=False) if run.prev is None
           else _Cursor(run.prev, tail=True), span)
    return span


def _spacing(start: str, end: str) -> tuple[str, str]:
    """The spacing before a run's text and after it (from its ``start_text`` and
    ``end_text``): it stays where it is, outside what takes the run's place (a
    translation, a fallback span). A run holds text (segments.locate), so the two never
    overlap."""
    return start[: len(start) - len(start.lstrip(HTML_SPACE))], end[len(end.rstrip(HTML_SPACE)):]


def notices_of(report: PageReport, source_locale: str) -> list[Segment]:
    """The notices a page shows, in their order: what it shows that awaits review; or,
    where none of its text a reader sees shows translated in a locale other than the
    source's (a language still in preview, a page added since the last translation), that
    it is shown in its original language."""
    if report.locale != source_locale and report.segments \
            and report.translated == report.unseen:
        return [UNTRANSLATED_NOTICE]
    return [notice for notice, shown in ((MACHINE_NOTICE, report.drafts),
                                         (MEMORY_NOTICE, report.memory),
                                         (REVIEW_NOTICE, report.stale))
            if shown]


def unseen(context: str) -> bool:
    """Whether the text of ``context`` is one no reader sees on the page: the head's but
    its title (a description, structured data for search engines). A page whose only
    translated texts are such shows its original language, and says so."""
    path = context.partition(":")[2]
    return path.startswith("head/") and not path.startswith("head/title")


def chrome_text(segment: Segment, translations: Translations) -> str | None:
    """The build's own text in the page's language; None when untranslated or unusable."""
    found = translations.get((segment.context, segment.msgid))
    if not found or has_placeholders(found) or unusable_characters(found):
        return None
    return found


def usable(translation: str, msgid: str, *, attribute: bool
           ) -> tuple[str | None, list[str | Placeholder]]:
    """Whether a page can show the translation of ``msgid``: (None, its parsed text), or
    (why not, []). An attribute's text (``attribute``) cannot hold placeholders."""
    unusable = unusable_characters(translation)
    if unusable:
        return f"holds characters a web page cannot hold ({describe(unusable)})", []
    if _blank(translation, msgid):
        return BLANK, []
    try:
        nodes = parse(translation)  # once: shape_of reads the same parse
        fits = all(isinstance(n, str) for n in nodes) if attribute else (
            shape_of(nodes) == source_shape(msgid))
        return (None, nodes) if fits else (MISMATCH, [])
    except MarkupError:
        return MISMATCH, []


def shows(translation: str, msgid: str) -> bool:
    """Whether the build shows ``translation`` rather than keep ``msgid``'s source text:
    what counts toward publishing a locale. Whether the entry is an attribute's need not
    be known: an attribute's msgid holds no placeholders (its ``<`` are escaped), and
    for such a msgid the attribute's test and the text's reject the same translations."""
    if "<" not in translation and "<" not in msgid:  # no placeholders: most text, cheaply
        return not unusable_characters(translation) and not _blank(translation, msgid)
    return usable(translation, msgid, attribute=False)[0] is None


def _blank(translation: str, msgid: str) -> bool:
    """A translation that shows nothing (spaces, a zero-width space: markup.shows_nothing)
    for a text that shows something: shown, it would blank a heading or a link; a slip,
    never a translation."""
    return shows_nothing(translation) and not shows_nothing(msgid)


def attribute_value(old: str, value: str) -> str:
    """An attribute's translated value, with the spacing around it as the page had it."""
    core = old.strip(HTML_SPACE)
    start = old.find(core) if core else len(old)
    return old[:start] + value + old[start + len(core):]


def _apply(slot: Slot, translation: str) -> str | None:
    """Put the translation in place; or leave the page alone and say why not."""
    reason, nodes = usable(translation, slot.segment.msgid, attribute=slot.attribute is not None)
    if reason is not None:
        return reason
    if slot.attribute is not None:
        value = unescape_text(translation)
        if slot.attribute.startswith(structured.SLOT):
            changed = structured.replaced(slot.element.text or "",
                                          slot.attribute[len(structured.SLOT):], value)
            if changed is None:  # pragma: no cover - extract found it in the same text
                return "its place in the structured data is gone"
            slot.element.text = changed
        elif slot.attribute == "" and slot.element.tag == "option":
            set_option_text(slot.element, value)
        elif slot.attribute == "" and in_graphic(slot.element):
            lead, _words, trail = option_spacing(slot.element.text or "")
            slot.element.text = lead + value + trail
        elif slot.attribute == "":
            slot.element.text = value
        else:
            slot.element.set(slot.attribute,
                             attribute_value(slot.element.get(slot.attribute) or "", value))
        return None
    assert slot.run is not None
    _fill(slot.run, nodes, slot.placeholders)
    return None


class _Cursor:
    """Where the next piece of text goes: an element's text or an element's tail."""

    def __init__(self, element: etree._Element, tail: bool) -> None:
        self.element = element
        self.tail = tail

    def add(self, text: str) -> None:
        if not text:
            return
        if self.tail:
            self.element.tail = (self.element.tail or "") + text
        else:
            self.element.text = (self.element.text or "") + text


def _place(parent: etree._Element, cursor: _Cursor, element: etree._Element) -> _Cursor:
    """Put ``element`` where ``cursor`` is: after its element, or first in ``parent``;
    the cursor after it. Never by index: lxml finds one by counting siblings, and a run
    among thousands took minutes."""
    if cursor.tail:
        cursor.element.addnext(element)
    else:
        parent.insert(0, element)
    return _Cursor(element, tail=True)


def _fill(run: Run, nodes: list[str | Placeholder], sources: dict[int, etree._Element]) -> None:
    lead, trail = _spacing(run.start_text(), run.end_text())
    parent = run.parent
    leading, later = run_comments(run)
    for node in run.nodes:
        parent.remove(node)
    if run.prev is None:
        parent.text = None
        cursor = _Cursor(parent, tail=False)
    else:
        run.prev.tail = None
        cursor = _Cursor(run.prev, tail=True)
    cursor.add(lead)
    cursor = _keep(parent, cursor, leading)
    cursor = _emit(parent, cursor, nodes, sources)
    cursor = _keep(parent, cursor, later)
    cursor.add(trail)


def run_comments(run: Run) -> tuple[list[etree._Element], list[etree._Element]]:
    """The comments (and processing instructions) among a run's nodes, which have no
    placeholder: those before any of its text or elements stay first, the others follow
    the translation (a translation's word order has no place for them)."""
    leading: list[etree._Element] = []
    later: list[etree._Element] = []
    text_before = bool(run.start_text().strip(HTML_SPACE))
    for node in run.nodes:
        if is_element(node):
            text_before = True
        else:
            (later if text_before else leading).append(node)
        text_before = text_before or bool((node.tail or "").strip(HTML_SPACE))
    return leading, later


def _keep(parent: etree._Element, cursor: _Cursor,
          comments: Sequence[etree._Element]) -> _Cursor:
    """Put a translated run's comments back, in their order, at ``cursor``."""
    for comment in comments:
        kept = copy.copy(comment)
        kept.tail = None
        cursor = _place(parent, cursor, kept)
    return cursor


def _emit(parent: etree._Element, cursor: _Cursor,
          nodes: Sequence[str | Placeholder], sources: dict[int, etree._Element]
          ) -> _Cursor:
    for node in nodes:
        if isinstance(node, str):
            cursor.add(node)
            continue
        source = sources[node.number]
        if node.children is None:
            # Moved, not copied (a placeholder is used once): what is inside keeps its
            # place in the page for the slots still to come (a <datalist>'s fallback text)
            # and for the options' language marks (_mark_options).
            element = source
        else:
            # its tag copied as the page has it: an attribute written without a value
            # (``hidden``) stays so, where set again it would be written hidden=""
            element = copy.copy(source)
            element.text = None
            del element[:]
            inside = _emit(element, _Cursor(element, tail=False), node.children, sources)
            _keep(element, inside, [c for c in source if not is_element(c)])
        element.tail = None
        cursor = _place(parent, cursor, element)
    return cursor


def prepare_head(root: etree._Element) -> etree._Element:
    """The page's head, made if missing, declaring UTF-8 and ending its last line: what
    the build does to it in every locale before adding its own elements."""
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    if not _declare_utf8(head):
        charset = head.makeelement("meta", {"charset": "utf-8", MARK: "charset"})
        charset.tail = "\n"
        head.insert(0, charset)
    for link in head.findall("link"):
        if _search_link(link):
            _take_out(link)
    for meta in head.findall("meta"):  # the source site's other languages, not this one's
        if (meta.get("property") or "").strip().lower() == "og:locale:alternate":
            _take_out(meta)
    if len(head) and not (head[-1].tail or "").endswith("\n"):
        head[-1].tail = (head[-1].tail or "") + "\n"
    return head


def content_languages(root: etree._Element) -> list[etree._Element]:
    """The page's ``<meta http-equiv="content-language">``: the language Bing takes the
    page to be in, which the build sets to the page's, as it sets ``lang``."""
    return [meta for meta in root.iterfind("head/meta")
            if (meta.get("http-equiv") or "").strip().lower() == "content-language"
            and meta.get("content") is not None]


def structured_data(root: etree._Element) -> list[etree._Element]:
    """The page's JSON-LD scripts that name the language it is in (``inLanguage``), which
    a localized page changes (structured.with_language)."""
    return [script for script in root.iter("script")
            if structured.is_structured(script.get("type"))
            and structured.LANGUAGE_KEY in (script.text or "")]


def open_graph_locales(root: etree._Element) -> list[etree._Element]:
    """The page's ``<meta property="og:locale">``: the language a shared page is in, the
    translated page's own (``de_DE``) on another locale's page."""
    return [meta for meta in root.iterfind("head/meta")
            if (meta.get("property") or "").strip().lower() == "og:locale"
            and meta.get("content") is not None]


def open_graph_urls(root: etree._Element) -> list[etree._Element]:
    """The page's ``<meta property="og:url">``: the URL a shared page is known by. The
    source's names its old place (on a German page, the English one, whose title and
    text a share then shows): with a ``base_url`` it is the page's own URL, else taken
    off (it must be absolute), as the canonical link."""
    return [meta for meta in root.iterfind("head/meta")
            if (meta.get("property") or "").strip().lower() == "og:url"]


def _search_link(link: etree._Element) -> bool:
    """Whether a source ``<link>`` tells search engines where the page and its languages
    are (canonical, hreflang alternates): the build writes its own, for the page's new
    place; two canonicals, or the English one on a German page, would drop it from the
    index. An alternate of another type (a feed: ``type="application/rss+xml"``) is
    not a language of the page, and stays."""
    rel = (link.get("rel") or "").lower().split()
    kind = (link.get("type") or "text/html").strip().lower()
    return "canonical" in rel or ("alternate" in rel and link.get("hreflang") is not None
                                  and kind in ("text/html", "application/xhtml+xml"))


def _take_out(element: etree._Element) -> None:
    """Remove ``element``, and its tail unless that is more than spacing (its line's end:
    the line before it ends already)."""
    parent = element.getparent()
    assert parent is not None
    tail = element.tail or ""
    if tail.strip(HTML_SPACE):
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + tail
        else:
            previous.tail = (previous.tail or "") + tail
    parent.remove(element)


def has_own_text(body: etree._Element) -> bool:
    """Whether the body starts with text of its own (not spacing) before any element: the
    menu and notices go before that text (``_decorate``; ``skeleton`` places them so)."""
    return bool(body.text and body.text.strip(HTML_SPACE))


def table_runs(root: etree._Element, slots: Sequence[Slot]
               ) -> list[tuple[etree._Element, frozenset[int]]]:
    """Each table of the body that says no language or direction of its own (read before
    the source's claims are taken off), with the runs inside it (any depth), by slot:
    where none shows translated on a page of the other direction, the table is laid out
    in the source's (its columns in the source's order, as its cells say they are in
    the source's language: "Step | Action | Time", not reversed), whatever cells of
    numbers alone it has, which say no language."""
    body = root.find("body")
    if body is None:
        return []
    tables = [table for table in body.iter("table") if not any(
        table.get(name) is not None for name in ("dir", "lang", "xml:lang"))]
    if not tables:
        return []
    inside: dict[etree._Element, set[int]] = {table: set() for table in tables}
    for index, slot in enumerate(slots):
        if slot.run is None:
            continue
        for ancestor in (slot.element, *slot.element.iterancestors("table")):
            if ancestor in inside:
                inside[ancestor].add(index)
    return [(table, frozenset(inside[table])) for table in tables]


def _source_tables(tables: Sequence[tuple[etree._Element, frozenset[int]]],
                   applied: set[int], source_dir: str | None) -> None:
    """The source's ``dir`` on each table (table_runs) none of whose runs shows
    translated."""
    for table, runs in tables:
        if source_dir is not None and runs and applied.isdisjoint(runs) \
                and table.get("dir") is None:
            table.set("dir", source_dir)


def skip_link(body: etree._Element | None) -> etree._Element | None:
    """The body's skip link, where it begins with one (``<a href="#main">Skip to
    content</a>``, no text of the body's own before it, a block or nothing after it): the
    first thing a keyboard reaches, which the language menu and notices follow rather
    than precede."""
    if body is None or not len(body) or has_own_text(body):
        return None
    first = body[0]
    href = first.get("href") or ""
    if first.tag != "a" or len(href) < 2 or href[0] != "#" or (
            first.tail and first.tail.strip(HTML_SPACE)) or any(
            isinstance(child.tag, str) and child.tag not in INLINE and child.tag not in OPAQUE
            for child in first.iterdescendants()):
        return None
    following = first.getnext()
    return first if following is None or (isinstance(following.tag, str) and following.tag
                                          not in INLINE and following.tag not in OPAQUE) \
        else None


def _decorate(root: etree._Element, page: str, locale: str, *, site: Site,
              chrome: Callable[[Segment], str | None], notices: Sequence[Segment],
              skip: etree._Element | None = None) -> None:
    head = prepare_head(root)
    here = site.path(locale, page)
    for meta in open_graph_urls(root):
        if site.base_url:
            meta.set("content", site.url(locale, page))
        else:
            _take_out(meta)

    def add(tag: str, attributes: dict[str, str], text: str | None = None) -> None:
        element = etree.SubElement(head, tag, {**attributes, MARK: attributes.get(MARK, tag)})
        element.text = text
        element.tail = "\n"

    if not site.is_listed(locale, page):  # a preview: mostly source text under another lang
        add("meta", {"name": "robots", "content": "noindex", MARK: "preview"})
    elif page not in site.unindexed:
        for other in [*site.listed(page), None]:
            add("link", {"rel": "alternate",
                         "hreflang": "x-default" if other is None else bcp47(other),
                         "href": site.alternate(here, other or site.source_locale, page),
                         MARK: "alternate"})
        if site.base_url:
            add("link", {"rel": "canonical", "href": site.url(locale, page)})
    body = root.find("body")
    if body is None:  # a head alone (a redirect stub): nothing shown, no menu to add
        return
    add("style", {}, STYLE)
    at = 0
    if skip is not None:  # after it (or the mark's span around it: the body's child)
        while (parent := skip.getparent()) is not None and parent is not body:
            skip = parent
        at = body.index(skip) + 1 if skip.getparent() is body else 0
    for notice in reversed(notices):
        note = body.makeelement("p", {MARK: notice.context.split(":", 1)[1], "role": "note"})
        translated = chrome(notice)
        note.text = unescape_text(translated or notice.msgid)
        if not translated:  # English (CHROME_LANGUAGE), whatever the source's language
            for name, value in chrome_marks(locale).items():
                note.set(name, value)
        note.tail = "\n"
        body.insert(at, note)
    label = chrome(LANGUAGE_MENU)
    nav = switcher(body, here, locale, page, site=site,
                   label=unescape_text(label or LANGUAGE_MENU.msgid))
    if not label and "lang" in (marks := chrome_marks(locale)):
        # the accessible name is English: read so, not in the page's voice. The visible
        # menu keeps the page's language (and the nav its direction: it sits at the end)
        nav.set("lang", marks["lang"])
        nav[0][0].set("lang", bcp47(locale))
    body.insert(at, nav)
    if not at and has_own_text(body):  # the menu and notices go before its sentence
        last = body[len(notices)]
        last.tail = (last.tail or "") + (body.text or "")
        body.text = None


def _declare_utf8(head: etree._Element) -> bool:
    """Make the page's charset declarations say UTF-8, what every page is written in.

    A windows-1252 page keeps its meaning when read (html.page_encoding), but written as
    UTF-8 under its old ``<meta charset="windows-1252">`` a browser would show mojibake.
    libxml2's serializer leaves most ``<meta http-equiv="Content-Type">`` out, so only a
    ``<meta charset>`` counts as a declaration; returns whether the page has one.
    """
    declared = False
    for meta in head.iter("meta"):
        charset = meta.get("charset")
        if charset is not None:
            declared = True
            if charset.strip().lower() not in ("utf-8", "utf8"):
                meta.set("charset", "utf-8")
        elif (meta.get("http-equiv") or "").strip().lower() == "content-type" and (
                "utf-8" not in (meta.get("content") or "").lower()):
            meta.set("content", "text/html; charset=utf-8")
    return declared


def switcher(parent: etree._Element, here: str, locale: str, page: str, *, site: Site,
             label: str) -> etree._Element:
    """The language menu: each language named in its own language."""
    nav = parent.makeelement("nav", {MARK: "languages", "aria-label": label})
    details = etree.SubElement(nav, "details", {MARK: "menu"})
    summary = etree.SubElement(details, "summary", {MARK: "current"})
    summary.text = native_name(locale)
    summary.tail = "\n"
    items = etree.SubElement(details, "ul", {MARK: "list"})
    items.text = "\n"
    for other in site.all_locales:
        if other != locale and not site.is_published(other):
            continue
        item = etree.SubElement(items, "li", {MARK: "item"})
        item.tail = "\n"
        attributes = {"href": site.href(here, other, page), "hreflang": bcp47(other),
                      "lang": bcp47(other), "dir": direction(other), MARK: "link"}
        if other == locale:
            attributes["aria-current"] = "page"
        link = etree.SubElement(item, "a", attributes)
        link.text = native_name(other)
    nav.tail = "\n"
    return nav

"""A source page compiled once into the text its every locale shares, and the places where
locales differ: building the page in one more locale is then joining strings, with no copy
of the tree and no run of the serializer.

The skeleton is libxml2's own serialization of the page, relinked and with its head
prepared as ``build.localize`` does in every locale, with markers at the places a locale
fills: each run of text (its source text, or its translation), each translated attribute,
the language marks of text left untranslated (and of a list's options), the attributes by
which an element says it is in the source language (the source locale's alone), the root's
``lang`` and ``dir``, the head's links and the language menu. What goes there is written
here with libxml2's escaping, which is checked against libxml2 itself once per process and
element (``_escapes_alike``).

A page the skeleton cannot express is built the old way (``compile`` returns None): a page
whose text holds the marker characters, whose URLs libxml2 rewrites, that has no
``<body>``, where a language mark would change an attribute in place, or whose structured
data (JSON-LD) holds texts or a language (a body whose text starts in it is expressed:
the menu and notices go before that text, as build._decorate puts them).

Where ``VERIFY`` is set (the test suite sets it), the first locale of each page is also
built through ``build.localize``, and a skeleton that gives other bytes, report or title
is an error (``SkeletonMismatch``): every page the suite builds holds both ways to the
same result, which a run does not pay for again (a second build of each page, 8% of a
first run at 8 locales).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from .build import (
    PageReport,
    Rejection,
    Review,
    Translations,
    attribute_value,
    chrome_text,
    content_languages,
    fallback_element,
    fallback_mark,
    has_own_text,
    inherited_lang,
    localize,
    notices_of,
    open_graph_locales,
    open_graph_urls,
    prepare_head,
    run_comments,
    shown_text,
    skip_link,
    structured_data,
    table_runs,
    unseen,
    usable,
)
from .chrome import LANGUAGE_MENU, MARK, STYLE, chrome_marks
from .languages import (
    CODE_TAGS,
    bcp47,
    claiming,
    direction,
    fallback_dir,
    native_name,
    open_graph_locale,
)
from .markup import HTML_SPACE, Placeholder, unescape_text
from .model import Key
from .relink import relink_assets
from .segments import (
    Located,
    Run,
    Slot,
    in_graphic,
    is_element,
    kept_in_source,
    option_spacing,
    option_value,
)
from .structured import SLOT
from .website import Site, listed_title
from .writer import RAW_TEXT, plain_uris, plain_url, serialize, written
from .writer import escapes_alike as _escapes_alike
from .writer import html_attribute as _attribute
from .writer import html_text as _text

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile("\ue000([a-zA-Z])(\\d+)\ue001")
"""A place; an attribute's value with its quotes (libxml2 picks them by the value) is one
(``_split``)."""
_MARKER_CHARS = re.compile("[\ue000\ue001]")

# Marker kinds: a run's start and end, an attribute's value, an element's text (the
# title's, an option's), a run parent's lang and dir marks (the whole ` name="…"` is the
# place), the root's lang and dir values, where the head's additions and the body's menu
# go; an attribute claiming the source language (languages.source_claims), kept in the source
# locale only, a code element's dir="ltr" on rtl pages, and the value a translated option
# without one gets (segments.set_option_text), and the lang and dir of a list's option or
# group (build._mark_items) (all four: the whole ` name="…"`, wherever it is).
RUN_START, RUN_END, ATTRIBUTE, TITLE = "S", "E", "a", "t"
LANG_MARK, DIR_MARK, ROOT_LANG, ROOT_DIR, HEAD, BODY = "l", "d", "R", "D", "h", "b"
PAGE_URL, OG_LOCALE = "u", "g"
"""The page's own URL (an og:url's, build.open_graph_urls); an og:locale's value, the
source's in the source locale (build.open_graph_locales)."""
OWN, CODE, VALUE, ITEM, KEPT, TABLE = "o", "c", "v", "m", "k", "T"
ATTRIBUTES = (ATTRIBUTE, OWN, CODE, VALUE, ITEM, KEPT, TABLE)
"""The places in attributes, which may be inside a run or one of its elements."""
INSIDE = (*ATTRIBUTES, TITLE)
"""The places that may be inside a run or one of its elements: an option's text too (a
``<select>`` is kept whole in its run)."""
TRANSLATED = (ATTRIBUTE, TITLE, VALUE, ITEM)
"""The places inside a run that depend on the translations (an ITEM, on the locale too)."""

Step = tuple[str, int | str]
"""Where a list item's inherited language may come from, from it up (``_items``): a run's
fallback mark (RUN_START, its slot), a group's mark (ITEM, its slot), an ancestor's own
lang (LANG_MARK, its value)."""

Part = str | tuple[str, int]
"""Text as written, or a place: (kind, index)."""


def _marker(kind: str, index: int = 0) -> str:
    return f"{_OPEN}{kind}{index}{_CLOSE}"


@dataclass(frozen=True)
class _Element:
    """A run's inline element as a translation copies it: whole, or its tags around new
    content (then followed by its own comments)."""

    whole: list[Part]
    start: list[Part]
    end: str
    comments: str


@dataclass(frozen=True)
class _Run:
    lead: str
    trail: str
    """The spacing around the run's text, kept around a translation (escaped)."""
    leading: str
    later: str
    """Its comments, written: before its text, and after (build.run_comments)."""
    placeholders: Mapping[int, etree._Element]
    """Its inline elements, by placeholder number (in the marked copy of the page)."""
    opaque: Collection[int]
    """Those always copied whole."""
    markable: bool
    """Left in the source language, it says so on its element (build._mark_fallback)."""
    wrapped: bool
    """Left in the source language, it says so in a span around its text."""
    code: bool
    """The element its mark goes on is code (languages.CODE_TAGS): on rtl pages its dir
    mark is ltr."""
    elements: dict[int, _Element] = field(default_factory=dict)
    """Its inline elements as written, once a translation needed them (``element``)."""

    def element(self, number: int) -> _Element:
        """Placeholder ``number``'s element, written; _Inexpressible where it cannot be."""
        found = self.elements.get(number)
        if found is None:
            found = self.elements[number] = _compile_element(
                self.placeholders[number], whole_only=number in self.opaque)
        return found


class _Inexpressible(Exception):
    """A translation needs an inline element the skeleton cannot write (render)."""


@dataclass(frozen=True)
class Skeleton:
    """A page compiled for ``render``: see the module's docstring."""

    page: str
    parts: list[Part]
    keys: list[Key]
    """Each slot's (context, msgid), in the page's order."""
    order: list[int]
    """The slots in the order build.localize applies them (attributes first)."""
    runs: dict[int, _Run]
    sources: dict[int, list[Part]]
    """By slot index: each run, and its text as the page has it."""
    attributes: dict[int, tuple[str, str]]
    """By slot index: the attribute's name ("" for an element's text: the title) and its
    source value."""
    title: tuple[int | None, str | None]
    """The slot that is the head's first title, if any, and that title's source text."""
    own: Mapping[int, str] = field(default_factory=dict)
    """By OWN place: the attribute claiming the source language, written."""
    values: Mapping[int, str] = field(default_factory=dict)
    """By slot index of an option without a value: the value it gets once translated,
    written (its VALUE place)."""
    items: Mapping[int, tuple[tuple[Step, ...], bool]] = field(default_factory=dict)
    """By slot index of a list item's shown text (build.shown_text), in order: where its
    inherited language comes from, and whether it may get a dir (its ITEM place)."""
    og_locales: Sequence[str] = ()
    """By OG_LOCALE place: the og:locale the source gives, written."""
    kept: Sequence[tuple[bool, bool]] = ()
    """By KEPT place (text translate="no" keeps in the source language, build.localize
    marks it): whether its element has a dir of its own, and whether it is code."""
    tables: Sequence[frozenset[int]] = ()
    """By TABLE place (build.table_runs): the runs inside the table, which gets the
    source's dir where none shows translated."""
    static: list[str] = field(init=False, compare=False, repr=False)
    """``parts`` with every place empty: a locale's page is a copy with its places filled."""
    places: list[tuple[int, str, int]] = field(init=False, compare=False, repr=False)
    """Each place in ``parts``: its position there, its kind and its number."""
    written: dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    """By slot index: what a locale that leaves the slot as it is writes there (its
    source text, written), where that does not depend on other slots' translations: an
    attribute, or a run without attributes. Filled by ``render`` as it needs them."""
    written_as: dict[tuple[int, tuple[bool, bool]], str] = field(
        default_factory=dict, compare=False, repr=False)
    """The same for a run whose only places are OWN and CODE ones (a source language's
    lang, code's dir: inline <code> is common), by slot index and ``_Filled.variant``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "static", [p if isinstance(p, str) else "" for p in self.parts])
        object.__setattr__(self, "places", [(n, p[0], p[1]) for n, p in enumerate(self.parts)
                                            if not isinstance(p, str)])


def compile_page(located: Located, page: str, site: Site, *, own: bool = False,
                 plain: bool | None = None) -> Skeleton | None:
    """The page's skeleton, or None where it cannot express the page (the module's
    docstring). ``located`` is left as it is (its copy is marked), unless the caller gives
    it up (``own``): then its own tree is marked, and is no longer the page. ``plain``:
    writer.plain_uris of the page, where the caller found it already."""
    if not _escapes_alike("p") or (site.base_url and not plain_url(site.base_url)) \
            or not (plain_uris(located.tree) if plain is None else plain):
        return None
    if any((slot.attribute or "").startswith(SLOT) for slot in located.slots) \
            or structured_data(located.tree.getroot()):
        return None  # JSON-LD changes inside a script's text: built the old way
    source_title = located.tree.getroot().findtext("head/title")
    tree, slots = (located.tree, located.slots) if own else located.fresh()
    root = tree.getroot()
    if _MARKER_CHARS.search(etree.tostring(tree, encoding="unicode")):
        return None
    relink_assets(root, page, site.path(site.source_locale, page), site.assets,
                  pages=site.page_set, folders=site.folders, root_path=site.root_path,
                  site_url=site.base_url)
    head = prepare_head(root)
    body = root.find("body")
    if body is None:
        return None
    skip = skip_link(body)  # before the runs' markers
    tables = table_runs(root, slots)  # before the claims' places
    claims = _own_places(root, site.source_locale)
    if claims is None:
        return None
    kept = _kept_places(root, slots)  # after the claims: localize unclaims first
    og_locales = [_text(meta.get("content") or "").replace('"', "&quot;")
                  for meta in open_graph_locales(root)]
    attributes: dict[int, tuple[str, str]] = {}
    values: dict[int, str] = {}
    items = _items(slots)
    for index, slot in enumerate(slots):  # first: runs' elements are written with them
        if not _attribute_place(slot, index, attributes, values):
            return None
    for index in items:  # after a VALUE place, as localize sets lang after value
        slots[index].element.set(f"{MARK}-item{index}", _marker(ITEM, index))
    for number, (table, _runs) in enumerate(tables):  # its dir: after all it has
        table.set(f"{MARK}-table", _marker(TABLE, number))
    runs: dict[int, _Run] = {}
    for index, slot in enumerate(slots):
        run = slot.run
        if run is None:
            continue
        if run.parent is body and run.prev is None and _spaced(body.text):
            return None  # the menu goes after the spacing where the run is marked English
        marked = fallback_element(run, slot.element)
        compiled = _compile_run(run, marked, slot.placeholders, slot.opaque)
        if compiled is None:
            return None
        runs[index] = compiled
        if compiled.markable:
            if marked.get("dir") is not None:
                return None
            marked.set("lang", _marker(LANG_MARK, index))
            marked.set("dir", _marker(DIR_MARK, index))
        _enclose(run, index)
    for element in root.iter(*CODE_TAGS):  # a marked one's dir is its mark's (render)
        if element.get("dir") is None and element.get(f"{MARK}-kept") is None:
            element.set(f"{MARK}-code", _marker(CODE))
    if not _page_places(root, site):
        return None
    root.set("dir", _marker(ROOT_DIR))
    _chrome_places(head, body, skip)
    found = _parts(serialize(tree, plain=True, own_doctype=True).decode("utf-8"))
    if found is None:
        return None
    parts, sources = found
    if set(sources) != set(runs) or len(runs) + len(attributes) != len(slots):
        return None
    title_element = root.find("head/title")
    title_slot = next((i for i, s in enumerate(slots)
                       if s.attribute == "" and s.element is title_element), None)
    order = sorted(range(len(slots)), key=lambda i: slots[i].run is not None)
    return Skeleton(page, parts, [(s.segment.context, s.segment.msgid) for s in slots], order,
                    runs, sources, attributes, (title_slot, source_title), claims, values,
                    items, og_locales, kept, [runs for _table, runs in tables])


def _spaced(text: str | None) -> bool:
    """Whether ``text`` starts with spacing: a run starting so in ``<body>`` leaves only
    that spacing there once it is marked as English (build.localize), and the menu goes
    after it, yet before the same text translated: no one place for it."""
    return text is not None and text != "" and text[0] in HTML_SPACE


def _chrome_places(head: etree._Element, body: etree._Element,
                   skip: etree._Element | None) -> None:
    """The places of the head's additions (after its last element) and of the body's menu
    and notices: first in the body, before any text of its own (a run's, maybe), or after
    its skip link (``skip``: the run around it ends in its tail), as build._decorate puts
    them."""
    if len(head):
        head[-1].tail = (head[-1].tail or "") + _marker(HEAD)
    else:
        head.text = (head.text or "") + _marker(HEAD)
    if skip is not None:
        skip.tail = (skip.tail or "") + _marker(BODY)
    elif has_own_text(body):
        body.text = _marker(BODY) + (body.text or "")
    else:
        body.text = (body.text or "") + _marker(BODY)


def _kept_places(root: etree._Element, slots: Sequence[Slot]) -> list[tuple[bool, bool]]:
    """A KEPT place on each element that translate="no" keeps in the source language
    and that build.localize marks so (segments.kept_in_source: none has a run's mark
    above it); returns, by place, whether it has a dir of its own and whether it is
    code."""
    kept: list[tuple[bool, bool]] = []
    for element in kept_in_source(root, slots):
        if element.get("lang") is None and inherited_lang(element) is None:
            element.set(f"{MARK}-kept", _marker(KEPT, len(kept)))
            kept.append((element.get("dir") is not None, element.tag in CODE_TAGS))
    return kept


def _page_places(root: etree._Element, site: Site) -> bool:
    """The places of the page's language (the root's lang, an XHTML root's xml:lang, a
    content-language meta's content) and of its URL (an og:url's), filled as
    build.localize and build._decorate fill them; False where an og:url is taken off
    (no base URL): such a page is built through lxml."""
    root.set("lang", _marker(ROOT_LANG))
    if root.get("xml:lang") is not None:
        root.set("xml:lang", _marker(ROOT_LANG))
    for meta in content_languages(root):
        meta.set("content", _marker(ROOT_LANG))
    for meta in open_graph_urls(root):
        if not site.base_url:
            return False
        meta.set("content", _marker(PAGE_URL))
    for index, meta in enumerate(open_graph_locales(root)):
        meta.set("content", _marker(OG_LOCALE, index))
    return True


def _items(slots: Sequence[Slot]) -> dict[int, tuple[tuple[Step, ...], bool]]:
    """The list items that may get a language mark (build._mark_items: the shown text of
    an option or group without a lang of its own), each with where the language it
    inherits comes from (Skeleton.items), the claims on the source language taken off."""
    element_runs: dict[etree._Element, int] = {}
    wrapped: dict[etree._Element, int] = {}
    for index, slot in enumerate(slots):
        if slot.run is not None:
            mark = fallback_mark(slot.run)
            if mark == "element":
                element_runs[fallback_element(slot.run, slot.element)] = index
            elif mark == "span":  # its span is between its nodes and its element
                wrapped.update((node, index) for node in slot.run.nodes)
    shown = {slot.element: index for index, slot in enumerate(slots) if shown_text(slot)}
    items: dict[int, tuple[tuple[Step, ...], bool]] = {}
    for element, index in shown.items():
        if element.get("lang") is not None:
            continue
        chain: list[Step] = []
        child = element
        for ancestor in element.iterancestors():
            if ancestor.getparent() is None:  # the root: the page's language
                break
            if child in wrapped:
                chain.append((RUN_START, wrapped[child]))
            lang = ancestor.get("lang")
            if lang is not None:
                chain.append((LANG_MARK, lang))
                break
            if ancestor in element_runs:
                chain.append((RUN_START, element_runs[ancestor]))
            elif ancestor in shown:
                chain.append((ITEM, shown[ancestor]))
            child = ancestor
        items[index] = (tuple(chain), element.get("dir") is None)
    return items


def _attribute_place(slot: Slot, index: int, attributes: dict[int, tuple[str, str]],
                     values: dict[int, str]) -> bool:
    """A slot that is an attribute, or an element's text, made a place (recorded in
    ``attributes``, and an option's value in ``values``); False where it cannot be."""
    name = slot.attribute
    if name == "" and slot.element.tag == "option":
        if not _escapes_alike("option"):
            return False
        _option_places(slot.element, index, attributes, values)
    elif name == "" and in_graphic(slot.element):  # as build._apply: its words
        lead, words, trail = option_spacing(slot.element.text or "")
        attributes[index] = ("", words)
        slot.element.text = lead + _marker(TITLE, index) + trail
    elif name == "":
        attributes[index] = ("", slot.element.text or "")
        slot.element.text = _marker(TITLE, index)
    elif name is not None:
        attributes[index] = (name, slot.element.get(name) or "")
        slot.element.set(name, _marker(ATTRIBUTE, index))
    return True


def _option_places(option: etree._Element, index: int, attributes: dict[int, tuple[str, str]],
                   values: dict[int, str]) -> None:
    """An option's text made a TITLE place, its spacing kept outside it; one without a
    value gets a VALUE place after its attributes (segments.set_option_text)."""
    lead, core, trail = option_spacing(option.text or "")
    attributes[index] = ("", core)
    option.text = lead + _marker(TITLE, index) + trail
    if option.get("value") is None:
        values[index] = f" value={_attribute(option_value(core))}"
        option.set(f"{MARK}-value{index}", _marker(VALUE, index))


def _valueless(element: etree._Element, names: Sequence[str]) -> bool:
    """Whether any of the attributes ``names`` (each empty) is written without a value
    (``hidden``, not ``hidden=""``): libxml2 tells them apart, lxml does not, and one set
    again gets a value. Told from the element's start tag as written, its content taken
    out meanwhile."""
    if not names:
        return False
    text, children = element.text, list(element)
    element.text = None
    for child in children:  # (each keeps its tail)
        element.remove(child)
    try:
        start = written(element, with_tail=False)
    finally:
        element.text = text
        element.extend(children)
    return any(re.search(f" {re.escape(name)}(?=[ >/])", start) for name in names)


def _own_places(root: etree._Element, source_locale: str) -> dict[int, str] | None:
    """Each attribute claiming the source language (languages.claiming) made an OWN place where
    it is among its element's attributes; returns them, written, by place. The attributes
    from the first claim on are set again, in their order (those before it are left as
    they are); None where one of them has no value (``_valueless``): set again,
    ``<span lang="en" hidden>``'s would be written ``hidden=""``, where build.localize
    leaves it as the page has it."""
    own: dict[int, str] = {}
    for element, names in claiming(root, source_locale):
        attributes = [(str(name), str(value)) for name, value in element.attrib.items()]
        first = next(at for at, (name, _value) in enumerate(attributes) if name in names)
        moved = attributes[first:]
        if _valueless(element, [name for name, value in moved
                                if not value and name not in names]):
            return None
        for name, _value in moved:
            del element.attrib[name]
        for name, value in moved:
            if name in names:
                index = len(own)
                own[index] = f" {name}={_attribute(value)}"
                element.set(f"{MARK}-own{index}", _marker(OWN, index))
            else:
                element.set(name, value)
    return own


def _compile_run(run: Run, marked: etree._Element, placeholders: Mapping[int, etree._Element],
                 opaque: Collection[int]) -> _Run | None:
    """What a run needs in every locale; ``marked``, the element its mark goes on
    (build.fallback_element). Its inline elements are written only when a translation
    first needs them (a page left untranslated never does)."""
    if not _escapes_alike(str(run.parent.tag)) or run.parent.tag in RAW_TEXT:
        return None  # (raw text: writer.written writes it as it is, where it can)
    start, end = run.start_text(), run.end_text()
    leading, later = run_comments(run)
    mark = fallback_mark(run)
    return _Run(_text(start[: len(start) - len(start.lstrip(HTML_SPACE))]),
                _text(end[len(end.rstrip(HTML_SPACE)):]),
                "".join(_written(c) for c in leading), "".join(_written(c) for c in later),
                dict(placeholders), frozenset(opaque), mark == "element", mark == "span",
                str(marked.tag) in CODE_TAGS)


def _compile_element(element: etree._Element, *, whole_only: bool) -> _Element:
    written = _written(element)
    whole = _fragment(written)
    if not whole:
        raise _Inexpressible
    if whole_only:  # always copied whole, as libxml2 wrote it
        return _Element(whole, [], "", "")
    # libxml2 writes `>` in attribute values as &gt; (_escapes_alike): the first one ends
    # the start tag.
    tag = str(element.tag)
    end_tag = f"</{tag}>"
    opening = _fragment(written[: written.find(">") + 1])
    if not _escapes_alike(tag) or not opening or not written.endswith(end_tag):
        raise _Inexpressible
    comments = "".join(_written(c) for c in element if not is_element(c))
    return _Element(whole, opening, end_tag, comments)


def _fragment(written: str) -> list[Part]:
    """An element written without its tail, as parts (its attributes may hold markers);
    [] if it holds any other marker."""
    if _OPEN not in written and _CLOSE not in written:
        return [written]
    parts = _split(written)
    if parts is None or any(not isinstance(p, str) and p[0] not in INSIDE for p in parts):
        return []
    return parts


def _written(node: etree._Element) -> str:
    return written(node, with_tail=False)


def _enclose(run: Run, index: int) -> None:
    """Markers around the run's text: at the start of its first text, after its last."""
    start, end = _marker(RUN_START, index), _marker(RUN_END, index)
    if run.prev is None:
        run.parent.text = start + (run.parent.text or "")
    else:
        run.prev.tail = start + (run.prev.tail or "")
    if run.nodes:
        run.nodes[-1].tail = (run.nodes[-1].tail or "") + end
    elif run.prev is None:
        run.parent.text = (run.parent.text or "") + end
    else:
        run.prev.tail = (run.prev.tail or "") + end


def _pieces(text: str) -> list[str] | None:
    """The text around each marker and each marker's kind and number: ``[text, kind,
    number, text, …]`` (re.split); None if a marker character is left over (an escaped
    marker)."""
    pieces = _MARKER.split(text)
    count = len(pieces) // 3
    return None if text.count(_OPEN) != count or text.count(_CLOSE) != count else pieces


def _unquoted(kind: str, before: str, after: str) -> tuple[str, str] | None:
    """The texts around a place in an attribute without what the place is: the value's
    quotes, and for the places other than ATTRIBUTE the attribute's name and the space
    before it; None where they are not there."""
    if before[-2:] != '="' or after[:1] != '"':
        return None
    before = before[:-1]
    if kind != ATTRIBUTE:
        cut = before.rfind(" ")
        if cut < 0:
            return None
        before = before[:cut]
    return before, after[1:]


def _split(text: str) -> list[Part] | None:
    """Text and markers; None if a marker character is left over (an escaped marker), or
    a place in an attribute is not written as one (_unquoted)."""
    pieces = _pieces(text)
    if pieces is None:
        return None
    parts: list[Part] = []
    before = pieces[0]
    for at in range(1, len(pieces), 3):
        kind, after = pieces[at], pieces[at + 2]
        if kind in ATTRIBUTES:
            found = _unquoted(kind, before, after)
            if found is None:
                return None
            before, after = found
        if before:
            parts.append(before)
        parts.append((kind, int(pieces[at + 1])))
        before = after
    if before:
        parts.append(before)
    return parts


_MARK_OPENINGS = {LANG_MARK: ' lang="', DIR_MARK: ' dir="'}
"""What comes before a language mark's marker: the mark's place is its whole attribute."""


def _parts(text: str) -> tuple[list[Part], dict[int, list[Part]]] | None:
    """The page's parts, each run one place, and each run's source text as parts; each
    language mark's whole `` name="…"`` is its place, as is an attribute place's (its
    value with its quotes, with its name for the places other than ATTRIBUTE: _unquoted).
    None where the page's markers do not nest as compiled (an escaped marker, a run in a
    run, a mark not in a start tag). One pass over the markers (re.split), not one per
    step: a sixth of compiling a page went to splitting, nesting and joining apart. Each
    text is followed by a place (or ends the page): none is ever next to another."""
    pieces = _pieces(text)
    if pieces is None:
        return None
    top: list[Part] = []
    sources: dict[int, list[Part]] = {}
    current, open_run = top, -1
    before = pieces[0]
    for at in range(1, len(pieces), 3):
        kind, after = pieces[at], pieces[at + 2]
        if kind in ATTRIBUTES:
            found = _unquoted(kind, before, after)
            if found is None:
                return None
            before, after = found
        elif (opening := _MARK_OPENINGS.get(kind)) is not None:
            if after[:1] != '"' or current is not top or not before.endswith(opening):
                return None
            before, after = before[:-len(opening)], after[1:]
        if before:
            current.append(before)
        if kind == RUN_START:
            if open_run >= 0:
                return None
            open_run = int(pieces[at + 1])
            top.append((kind, open_run))
            current = []
        elif kind == RUN_END:
            if open_run != int(pieces[at + 1]):
                return None
            sources[open_run] = current
            current, open_run = top, -1
        elif current is not top and kind not in INSIDE:
            return None
        else:
            current.append((kind, int(pieces[at + 1])))
        before = after
    if open_run >= 0:
        return None
    if before:
        top.append(before)
    return top, sources


# -- a locale's page ------------------------------------------------------------------------
def render(skeleton: Skeleton, locale: str, translations: Translations, *, site: Site,
           review: Review | None = None) -> tuple[bytes, PageReport, str]:
    """What ``build.localize`` makes of the page in ``locale``, and the page's title."""
    filled = _Filled(PageReport(locale, skeleton.page))
    rtl = direction(locale) == "rtl"
    if locale == site.source_locale:
        filled.places.update(((OWN, index), text) for index, text in skeleton.own.items())
    code_dir = rtl and locale != site.source_locale
    if code_dir:
        filled.places[CODE, 0] = ' dir="ltr"'
    filled.variant = (locale == site.source_locale, code_dir)
    filled.report.segments = len(skeleton.keys)
    title = _fill(filled, skeleton, locale, translations, site=site, review=review or Review())
    here = site.path(locale, skeleton.page)
    source_tag = bcp47(site.source_locale)
    source_dir = fallback_dir(site.source_locale, locale)
    span = (f'<span lang="{source_tag}"' + (f' dir="{source_dir}"' if source_dir else "")
            + ">")
    decorations = {
        (ROOT_LANG, 0): bcp47(locale), (ROOT_DIR, 0): "rtl" if rtl else "ltr",
        (PAGE_URL, 0): site.url(locale, skeleton.page),
        (HEAD, 0): _head(site, locale, skeleton.page, here),
        (BODY, 0): _menu(site, locale, skeleton.page, here, translations=translations,
                         report=filled.report),
    }
    values, written, marked = filled.values, filled.runs, filled.marked
    out = skeleton.static.copy()
    for position, kind, index in skeleton.places:
        if kind == RUN_START:
            out[position] = (written[index] if index in written else
                             _source_run(skeleton, index, filled))
            if index in marked and skeleton.runs[index].wrapped:
                out[position] = _wrapped(skeleton.runs[index], out[position], span)
        elif kind in (ATTRIBUTE, TITLE):
            out[position] = (values[index] if index in values else
                             _source_value(skeleton, index))
        elif kind == LANG_MARK:
            if index in marked:
                out[position] = f' lang="{source_tag}"'
        elif kind == DIR_MARK:
            if index in marked and source_dir:
                out[position] = f' dir="{source_dir}"'
            elif code_dir and skeleton.runs[index].code:
                out[position] = ' dir="ltr"'
        elif kind == TABLE:
            runs = skeleton.tables[index]
            out[position] = f' dir="{source_dir}"' if source_dir is not None and runs \
                and filled.applied.isdisjoint(runs) else ""
        elif kind == KEPT:
            out[position] = "" if locale == site.source_locale else _kept_mark(
                skeleton.kept[index], source_tag, source_dir, code_dir)
        elif kind in ATTRIBUTES:
            out[position] = filled.places.get((kind, index), "")
        elif kind == OG_LOCALE:
            out[position] = (skeleton.og_locales[index] if locale == site.source_locale
                             else open_graph_locale(locale))
        else:
            out[position] = decorations[kind, index]
    return "".join(out).encode("utf-8"), filled.report, listed_title(title, skeleton.page)


def _kept_mark(kept: tuple[bool, bool], source_tag: str, source_dir: str | None,
               code_dir: bool) -> str:
    """What build.localize writes on an element translate="no" keeps: the source's lang,
    and the direction it needs (the source's, else code's) where it has none of its own."""
    own_dir, code = kept
    wanted = source_dir or ("ltr" if code and code_dir else None)
    mark = f' lang="{source_tag}"'
    return mark if own_dir or wanted is None else mark + f' dir="{wanted}"'


@dataclass
class _Filled:
    """What a locale puts in a skeleton's places."""

    report: PageReport
    values: dict[int, str] = field(default_factory=dict)
    """Translated attributes (and title), written."""
    runs: dict[int, str] = field(default_factory=dict)
    """Translated runs, written."""
    marked: set[int] = field(default_factory=set)
    """Runs left in the source language that say so."""
    places: dict[tuple[str, int], str] = field(default_factory=dict)
    """What the locale writes at the places in attributes other than ATTRIBUTE (absent:
    nothing)."""
    shown: set[int] = field(default_factory=set)
    """The list items (Skeleton.items) whose shown text is translated."""
    applied: set[int] = field(default_factory=set)
    """The runs shown translated."""
    variant: tuple[bool, bool] = (False, False)
    """What those places depend on: whether the locale is the source (OWN places), and
    whether its code is written left to right against the page (CODE places)."""


def _fill(filled: _Filled, skeleton: Skeleton, locale: str, translations: Translations, *,
          site: Site, review: Review) -> str | None:
    """build.localize's loop over the slots; returns the page's title."""
    report = filled.report
    title_slot, title = skeleton.title
    translated: list[tuple[int, _Run, list[str | Placeholder]]] = []
    for index in skeleton.order:
        key = skeleton.keys[index]
        found = translations.get(key)
        run = skeleton.runs.get(index)
        if not found:
            if run is not None and locale != site.source_locale and (
                    run.markable or run.wrapped):
                filled.marked.add(index)
            continue
        reason, nodes = usable(found, key[1], attribute=run is None)
        if reason is not None:
            report.rejected.append(Rejection(key[0] or "", reason))
            if run is not None and locale != site.source_locale and (
                    run.markable or run.wrapped):
                filled.marked.add(index)
            continue
        report.translated += 1
        report.unseen += unseen(key[0] or "")
        report.drafts += key in review.drafts
        report.stale += key in review.stale
        report.memory += key in review.memory
        if run is not None:  # written once the list items' marks are known (below)
            translated.append((index, run, nodes))
            filled.applied.add(index)
            continue
        name, old = skeleton.attributes[index]
        value = unescape_text(found)
        filled.values[index] = _text(value) if name == "" else _attribute(
            attribute_value(old, value))
        if index in skeleton.items:
            filled.shown.add(index)
        if index in skeleton.values and option_value(value) != option_value(old):
            filled.places[VALUE, index] = skeleton.values[index]
        if index == title_slot:
            title = value
            report.title_translated = True
    if skeleton.items and locale != site.source_locale:
        source_dir = fallback_dir(site.source_locale, locale)
        _mark_items(filled, skeleton, (bcp47(site.source_locale), bcp47(locale)),
                    None if source_dir is None else (source_dir, direction(locale)))
    for index, run, nodes in translated:
        filled.runs[index] = "".join(_run_text(run, nodes, filled, skeleton))
    return title


def _mark_items(filled: _Filled, skeleton: Skeleton, tags: tuple[str, str],
                dirs: tuple[str, str] | None) -> None:
    """build._mark_items: each list item's ITEM place, where the language of the text it
    shows is not the one it inherits in this locale."""
    marks: dict[int, str] = {}
    for index, (chain, may_dir) in skeleton.items.items():
        translated = index in filled.shown
        wanted = tags[translated]
        if (_inherited(chain, filled, marks, tags[0]) or tags[1]) == wanted:
            continue
        marks[index] = wanted
        filled.places[ITEM, index] = f" lang={_attribute(wanted)}" + (
            f" dir={_attribute(dirs[translated])}" if dirs is not None and may_dir else "")


def _inherited(chain: Sequence[Step], filled: _Filled, marks: Mapping[int, str],
               source_tag: str) -> str | None:
    """The lang a list item inherits in this locale (build.inherited_lang), if any: a
    run's mark is there where the run is left in the source language (``filled.marked``),
    a group's where it got one."""
    for kind, value in chain:
        if kind == LANG_MARK:
            return str(value)
        if kind == RUN_START and value in filled.marked:
            return source_tag
        if kind == ITEM and value in marks:
            return marks[int(value)]
    return None


def _wrapped(run: _Run, text: str, span: str) -> str:
    """A run's source text in a span, the spacing around it outside (build._wrap)."""
    inner = len(text) - len(run.trail)
    if len(run.lead) > inner or not text.startswith(run.lead) or not text.endswith(run.trail):
        raise _Inexpressible
    return f"{run.lead}{span}{text[len(run.lead):inner]}</span>{run.trail}"


def _source_value(skeleton: Skeleton, index: int) -> str:
    found = skeleton.written.get(index)
    if found is None:
        name, old = skeleton.attributes[index]
        found = skeleton.written[index] = _text(old) if name == "" else _attribute(old)
    return found


def _source_run(skeleton: Skeleton, index: int, filled: _Filled) -> str:
    """A run left as it is: its source text, with its attributes as this locale has them."""
    found = skeleton.written.get(index)
    if found is None:
        found = skeleton.written_as.get((index, filled.variant))
    if found is not None:
        return found
    parts = skeleton.sources[index]
    text = "".join(_resolved(parts, filled, skeleton))
    if all(isinstance(part, str) for part in parts):
        skeleton.written[index] = text
    elif all(isinstance(part, str) or part[0] not in TRANSLATED for part in parts):
        skeleton.written_as[index, filled.variant] = text
    return text


def _resolved(parts: Sequence[Part], filled: _Filled, skeleton: Skeleton) -> list[str]:
    """Parts with their places (in attributes) as the locale fills them."""
    values = filled.values
    return [part if isinstance(part, str) else
            filled.places.get(part, "") if part[0] not in (ATTRIBUTE, TITLE) else
            values[part[1]] if part[1] in values else _source_value(skeleton, part[1])
            for part in parts]


def _run_text(run: _Run, nodes: Sequence[str | Placeholder], filled: _Filled,
              skeleton: Skeleton) -> list[str]:
    """A translated run as build._fill leaves it, written."""
    out = [run.lead, run.leading]
    _emit(nodes, run, filled, skeleton, out)
    out += [run.later, run.trail]
    return out


def _emit(nodes: Sequence[str | Placeholder], run: _Run, filled: _Filled, skeleton: Skeleton,
          out: list[str]) -> None:
    """``nodes`` of a translated run, written onto ``out`` (a function calling itself, not
    a closure that would hold itself and all it sees in a cycle: segments._Walker.render)."""
    for node in nodes:
        if isinstance(node, str):
            out.append(_text(node))
            continue
        element = run.element(node.number)
        if node.children is None:
            out.extend(_resolved(element.whole, filled, skeleton))
        else:
            out.extend(_resolved(element.start, filled, skeleton))
            _emit(node.children, run, filled, skeleton, out)
            out.append(element.comments)
            out.append(element.end)


def _head(site: Site, locale: str, page: str, here: str) -> str:
    """What build._decorate adds to the head."""
    out = []
    if not site.is_listed(locale, page):
        out.append(f'<meta name="robots" content="noindex" {MARK}="preview">\n')
    elif page not in site.unindexed:
        for other in [*site.listed(page), None]:
            tag = "x-default" if other is None else bcp47(other)
            href = site.alternate(here, other or site.source_locale, page)
            out.append(f'<link rel="alternate" hreflang={_attribute(tag)} '
                       f'href={_attribute(href)} {MARK}="alternate">\n')
        if site.base_url:
            out.append(f'<link rel="canonical" href={_attribute(site.url(locale, page))} '
                       f'{MARK}="link">\n')
    out.append(f'<style {MARK}="style">{STYLE}</style>\n')
    return "".join(out)


def _menu(site: Site, locale: str, page: str, here: str, *, translations: Translations,
          report: PageReport) -> str:
    """What build._decorate puts first in the body: the language menu, then the notices."""
    label = chrome_text(LANGUAGE_MENU, translations)
    name = unescape_text(label or LANGUAGE_MENU.msgid)
    english = "lang" in chrome_marks(locale) and not label  # as build._decorate marks it
    nav_lang = f' lang="{chrome_marks(locale)["lang"]}"' if english else ""
    summary_lang = f" lang={_attribute(bcp47(locale))}" if english else ""
    out = [f'<nav {MARK}="languages" aria-label={_attribute(name)}{nav_lang}>'
           f'<details {MARK}="menu">'
           f'<summary {MARK}="current"{summary_lang}>{_text(native_name(locale))}</summary>\n'
           f'<ul {MARK}="list">\n']
    for other in site.all_locales:
        if other != locale and not site.is_published(other):
            continue
        tag, way, name = _menu_locale(other)
        current = ' aria-current="page"' if other == locale else ""
        out.append(f'<li {MARK}="item"><a href={_attribute(site.href(here, other, page))} '
                   f'hreflang={tag} lang={tag} dir="{way}" {MARK}="link"'
                   f'{current}>{name}</a></li>\n')
    out.append("</ul></details></nav>\n")
    for notice in notices_of(report, site.source_locale):
        translated = chrome_text(notice, translations)
        marks = "" if translated else "".join(
            f' {name}="{value}"' for name, value in chrome_marks(locale).items())
        out.append(f'<p {MARK}={_attribute(notice.context.split(":", 1)[1])} role="note"'
                   f'{marks}>{_text(unescape_text(translated or notice.msgid))}</p>\n')
    return "".join(out)


@cache
def _menu_locale(locale: str) -> tuple[str, str, str]:
    """A locale as every menu lists it: its tag (quoted), direction and name, written."""
    return _attribute(bcp47(locale)), direction(locale), _text(native_name(locale))


# -- building a page in its locales -----------------------------------------------------------
COMPILE_FROM = 3
"""Compiling a page costs about two builds through lxml (measured on this project's pages):
worth it from this many builds of the page on."""


VERIFY = os.environ.get("MISS_I18N_VERIFY_SKELETON") == "1"
"""Build each compiled page's first locale through lxml as well and raise
``SkeletonMismatch`` where the two differ (tests/conftest.py sets the variable)."""


class SkeletonMismatch(AssertionError):
    """A skeleton built a page otherwise than ``build.localize``: a bug in this module."""


class PageBuilder:
    """One source page built in each locale it needs: where at least ``COMPILE_FROM``
    builds are due, through the page compiled (from the first on); else, or where the page
    has no skeleton (``compile_page``) or a translation it cannot express, through
    ``build.localize``."""

    def __init__(self, located: Located, page: str, site: Site, *, plain: bool,
                 due: int, reload: Callable[[], Located] | None = None) -> None:
        self.located: Located | None = located
        self.own = reload is not None
        """Whether the compiling marks ``located``'s own tree instead of a copy of it:
        where ``reload`` locates the page again (from its bytes), for a build through
        lxml after that (a translation the skeleton cannot write)."""
        self.reload: Callable[[], Located] = reload or (lambda: located)
        self.page = page
        self.site = site
        self.plain = plain
        """The source's URLs are all written as they are (writer.plain_uris): a skeleton
        needs that."""
        self.skeleton: Skeleton | None = None
        self.compile = plain and due >= COMPILE_FROM
        """Whether the page is yet to be compiled."""

    def build(self, locale: str, translations: Translations, review: Review
              ) -> tuple[bytes, PageReport, str]:
        if self.compile:
            self.compile = False
            made = self._localized(locale, translations, review) if VERIFY else None
            self.skeleton = self._compiled()
            if made is not None:
                return self._verified(made, locale, translations, review)
        if self.skeleton is not None:
            try:
                return render(self.skeleton, locale, translations, site=self.site,
                              review=review)
            except _Inexpressible:
                self.skeleton = None
        return self._localized(locale, translations, review)

    def _compiled(self) -> Skeleton | None:
        skeleton = compile_page(self._located(), self.page, self.site, own=self.own,
                                plain=self.plain)
        if self.own:  # its tree now holds the skeleton's marks
            self.located = None
        return skeleton

    def _located(self) -> Located:
        if self.located is None:
            self.located = self.reload()
        return self.located

    def _localized(self, locale: str, translations: Translations, review: Review
                   ) -> tuple[bytes, PageReport, str]:
        tree, slots = self._located().fresh()
        data, report = localize(tree, self.page, locale, translations, site=self.site,
                                review=review, slots=slots, plain_uris=self.plain)
        return data, report, listed_title(tree.getroot().findtext("head/title"), self.page)

    def _verified(self, made: tuple[bytes, PageReport, str], locale: str,
                  translations: Translations, review: Review) -> tuple[bytes, PageReport, str]:
        """``made`` (the page built through lxml), once the skeleton built it alike."""
        if self.skeleton is None:
            return made
        try:
            rendered = render(self.skeleton, locale, translations, site=self.site,
                              review=review)
        except _Inexpressible:
            self.skeleton = None
            return made
        if rendered != made:
            raise SkeletonMismatch(f"{self.page} in {locale}: the skeleton built it "
                                   "otherwise than build.localize")
        return made

"""Cutting a parsed page into segments: the text a translator sees, and where it lives.

The same walk serves `extract` (to write the template) and `build` (to find, in a fresh
parse of the page, where each translation goes), so the two can never disagree.
"""

from __future__ import annotations

import copy
import re
import sys
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from . import source
from .errors import ExtractError
from .markup import HTML_SPACE, MAX_DEPTH, escape_text, has_letters, unusable_characters
from .model import Segment
from .pages import parse_page, read_page
from .structured import SLOT, is_structured, key_of, texts

# Phrasing elements that become placeholders with content: <1>…</1>.
INLINE = frozenset(
    "a abbr acronym b bdi bdo big button cite code data del dfn em font i ins kbd "
    "label mark nobr noscript q rp rt ruby s samp small span strike strong sub sup time "
    "tt u var".split()
)
# Elements kept whole: inside a block they become <n/>; their content is never extracted
# (but a list's options and a datalist's fallback content: walk_options, walk_datalist).
OPAQUE = frozenset(
    "area audio br canvas datalist embed iframe image img input math meter object output "
    "picture progress script select style svg template textarea video wbr".split()
)
# Never walked into at block level either.
SKIP = frozenset(
    "script style template svg math iframe object canvas textarea select "
    "datalist".split()
)
# Of those, the ones whose own attributes are still text for people (textarea placeholder,
# an iframe's title, a select's aria-label); a select's options are too (walk_options).
SKIP_WITH_ATTRIBUTES = SKIP - {"script", "style", "template"}
PRESERVE_WHITESPACE = frozenset({"pre", "listing", "plaintext", "textarea"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_DOUBLE_SPACE = re.compile(r"  +")
# Attribute values that are text for people.
ANY_ELEMENT_ATTRIBUTES = ("title", "aria-label")
ELEMENT_ATTRIBUTES = {
    "img": ("alt",),
    "image": ("alt",),  # an <img> to a browser's parser (pages.IMAGE)
    "area": ("alt",),
    "input": ("alt", "placeholder"),
    "textarea": ("placeholder",),
    "option": ("label",),
    "optgroup": ("label",),
    "th": ("abbr",),
    "track": ("label",),
}
META_NAMES = frozenset(
    {"description", "og:title", "og:description", "og:image:alt", "twitter:title",
     "twitter:description", "twitter:image:alt"}
)
KIND = {
    "title": "Page title",
    "h1": "Main heading", "h2": "Section heading", "h3": "Subsection heading",
    "h4": "Heading (level 4)", "h5": "Heading (level 5)", "h6": "Heading (level 6)",
    "p": "Paragraph", "li": "List item", "dt": "Term in a definition list",
    "dd": "Definition", "td": "Table cell", "th": "Table header cell",
    "caption": "Table caption", "figcaption": "Figure caption", "blockquote": "Quotation",
    "summary": "Summary of a disclosure widget", "label": "Form label", "button": "Button",
    "option": "Option in a list", "legend": "Form group legend",
    "pre": "Preformatted text (spaces and line breaks are kept)",
}
SVG_TEXT = {"title": "Name of an SVG graphic or of a part of it (<title>)",
            "desc": "Description of an SVG graphic or of a part of it (<desc>)",
            "text": "Text drawn in an SVG graphic (<text>)"}
"""Text for people inside an inline ``<svg>`` (kept whole otherwise): each such element
holding text alone is an entry (a ``<text>`` with ``<tspan>`` parts is left as it is)."""
MATH_TEXT = {"mtext": "Words in a formula (<mtext>)"}
"""Likewise inside ``<math>``: an ``<mtext>``'s words ("if", "otherwise"); names and
numbers (``<mi>``, ``<mn>``) are not words to translate."""
ATTRIBUTE_KIND = {
    "alt": "Alternative text (alt), read when the image is not shown,",
    "title": "Tooltip (title)",
    "aria-label": "Accessible name (aria-label), read by screen readers,",
    "placeholder": "Placeholder text (placeholder)",
    "label": "Label shown in the list (label)",
    "abbr": "Short name of the header (abbr), read by screen readers with each cell,",
    "content": "Page metadata",
    "track@label": "Name of a captions, subtitles or descriptions track, shown in the "
                   "player's menu (label),",
}


def is_element(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def normalize_space(text: str) -> str:
    if "\n" in text or "  " in text or "\t" in text or "\r" in text or "\f" in text:
        return _HTML_SPACE.sub(" ", text)
    return text  # single spaces only (half the texts of real pages): no regex


def _translate_flag(element: etree._Element, inherited: bool,
                    foreign: Collection[etree._Element]) -> bool:
    """Whether an element's text is to be translated: ``translate="yes"``/``"no"``, the
    notranslate class, or a ``lang`` of its own naming another language than the page's
    (``foreign``: such elements, ``foreign_elements``: a quotation in French, a phrase in
    Latin, the source site's own language menu, ``<a lang="de">Deutsch</a>``, are kept as
    written, as translate="no" keeps text); else as its parent."""
    value = element.get("translate")
    if value is not None:
        value = value.strip().lower()
        if value == "no":
            return False
        if value == "yes":
            return True
    names = element.get("class")
    if names is not None and "notranslate" in names.split():
        return False
    if foreign and element in foreign:
        return False
    return inherited


_PRIMARY = re.compile("[a-z]{2,3}")
_NO_LANGUAGE = frozenset({"und", "mul", "mis"})
"""Undetermined, several, uncoded: no one language."""


_WITH_LANG = etree.XPath('//body/descendant-or-self::*[@lang or @*[name()="xml:lang"]]')


def foreign_elements(root: etree._Element) -> frozenset[etree._Element]:
    """The elements below ``<body>`` whose own ``lang`` names another language than the
    page's ``<html lang>`` (none where it has none): found once, in C, for a page's walk
    (most pages have none, and asking each element of its attributes cost a twentieth of
    the extraction)."""
    language = language_of(root)
    if language is None:
        return frozenset()
    found = _WITH_LANG(root)
    assert isinstance(found, list)
    return frozenset(element for element in found if isinstance(element, etree._Element)
                     and (language_of(element) or language) != language)


def language_of(element: etree._Element) -> str | None:
    """The primary language subtag an element's own ``lang`` (or ``xml:lang``) names
    (``fr`` for ``fr-CA``); None where it has none, or it names no one language (empty,
    not a language tag, ``und``)."""
    for name in ("lang", "xml:lang"):
        value = element.get(name)
        if value is not None:
            return primary_subtag(value)
    return None


def primary_subtag(tag: str) -> str | None:
    """A language tag's primary subtag, lower case (``fr`` for ``fr-CA``, ``en`` for
    ``EN_gb``); None where the tag names no one language (empty, not a language tag,
    ``und``)."""
    primary = re.split("[-_]", tag.strip(), maxsplit=1)[0].lower()
    return primary if _PRIMARY.fullmatch(primary) and primary not in _NO_LANGUAGE else None


@dataclass
class Run:
    """Consecutive text and inline elements of one container, between block children.

    It starts in ``parent.text`` (when ``prev`` is None) or ``prev.tail`` and covers
    ``nodes`` with their tails.
    """

    parent: etree._Element
    prev: etree._Element | None
    nodes: list[etree._Element]
    preserve: bool

    def start_text(self) -> str:
        holder = self.parent.text if self.prev is None else self.prev.tail
        return holder or ""

    def end_text(self) -> str:
        if self.nodes:
            return self.nodes[-1].tail or ""
        return self.start_text()


Plan = list[list[Any]]
"""Slots by their elements' positions in document order (Located.plan)."""


@dataclass
class Slot:
    """Where one segment lives in a parsed page."""

    segment: Segment
    element: etree._Element
    attribute: str | None = None
    run: Run | None = None
    placeholders: dict[int, etree._Element] = field(default_factory=dict)
    opaque: frozenset[int] = frozenset()


def context_prefix(page: str) -> str:
    """What the contexts of a page's entries start with, before a ``:`` and the place:
    its name without ``.html`` (``docs/a`` for ``docs/a.html``)."""
    return page.rsplit(".", 1)[0] if page.endswith((".html", ".htm")) else page


def page_of_context(context: str, prefixes: Mapping[str, str]) -> str | None:
    """The page whose entry has ``context``, of the pages ``prefixes`` maps each
    ``context_prefix`` to (a page name may hold a ``:``: the shortest prefix that is one)."""
    start = 0
    while (at := context.find(":", start)) >= 0:
        page = prefixes.get(context[:at])
        if page is not None:
            return page
        start = at + 1
    return None


class _Walker:
    def __init__(self, tree: etree._ElementTree, page: str) -> None:
        self.root = tree.getroot()
        self.page = page
        self.prefix = context_prefix(page)
        counts = Counter(el.get("id") for el in self.root.iter(etree.Element))
        # An id holding "/" or "@" would read as a path (id="a/p": the context of <p> in
        # <div id="a">); one a "#:" line cannot hold would break it: neither anchors.
        self.unique_ids = {key for key, count in counts.items()
                           if key and count == 1 and "/" not in key and "@" not in key
                           and source.fits_a_line(key)}
        self.paths: dict[etree._Element, str] = {}
        self.positions: dict[etree._Element, dict[etree._Element, int]] = {}
        self.inline_cache: dict[etree._Element, bool] = {}
        self.whole_cache: dict[etree._Element, bool] = {}
        self.slots: list[Slot] = []
        self.foreign = foreign_elements(self.root)
        """Elements said to be in another language than the page's: not translated."""

    # -- identity ---------------------------------------------------------------------
    def path(self, element: etree._Element) -> str:
        cached = self.paths.get(element)
        if cached is not None:
            return cached
        ident = element.get("id")
        parent = element.getparent()
        if ident in self.unique_ids:
            result = f"#{ident}"
        elif parent is None:
            result = ""
        else:
            index = self.position(parent, element)
            step = element.tag if index == 1 else f"{element.tag}[{index}]"
            base = self.path(parent)
            result = f"{base}/{step}" if base else step
        self.paths[element] = result
        return result

    def position(self, parent: etree._Element, element: etree._Element) -> int:
        """``element``'s 1-based position among ``parent``'s children of its tag.

        Counted once per parent for all its children: asking each child to scan its
        siblings made a page of 20,000 paragraphs take minutes.
        """
        known = self.positions.get(parent)
        if known is None:
            counts: Counter[object] = Counter()
            known = {}
            for child in parent:
                if is_element(child):
                    counts[child.tag] += 1
                    known[child] = counts[child.tag]
            self.positions[parent] = known
        return known[element]

    def anchor(self, element: etree._Element | None) -> str:
        while element is not None:
            ident = element.get("id")
            if ident in self.unique_ids:
                return str(ident)
            element = element.getparent()
        return ""

    def context(self, path: str) -> str:
        return f"{self.prefix}:{path}"

    # -- classification ---------------------------------------------------------------
    def is_inline(self, node: etree._Element) -> bool:
        if not is_element(node):
            return True  # comments and processing instructions flow with the text
        cached = self.inline_cache.get(node)
        if cached is None:
            tag = node.tag
            cached = tag in OPAQUE or (tag in INLINE and all(self.is_inline(c) for c in node))
            self.inline_cache[node] = cached
        return cached

    # -- walking ----------------------------------------------------------------------
    def walk(self) -> list[Slot]:
        head = self.root.find("head")
        if head is not None:
            self.walk_head(head)
        body = self.root.find("body")
        if body is not None:
            self.walk_block(body, _translate_flag(self.root, True, ()), preserve=False)
        self.walk_structured()
        return self.slots

    def walk_head(self, head: etree._Element) -> None:
        metas: Counter[str] = Counter()
        for element in head:
            if not is_element(element):
                continue
            if element.tag == "title":
                text = normalize_space(element.text or "").strip()
                if has_letters(text):
                    segment = Segment(self.page, self.context(self.path(element)),
                                      escape_text(text), "", KIND["title"])
                    self.slots.append(Slot(segment, element, attribute=""))
            elif element.tag == "meta":
                name = (element.get("name") or element.get("property") or "").lower()
                if name in META_NAMES:  # a theme's and a plugin's: numbered from the second
                    metas[name] += 1
                    number = "" if metas[name] == 1 else f"[{metas[name]}]"
                    self.add_attribute(element, "content", f"Page metadata ({name})",
                                       path=f"head/meta[{name}]{number}")

    def walk_structured(self) -> None:
        """The texts for people of the page's JSON-LD scripts (structured.py), after all
        others, each a slot whose ``attribute`` is ``structured.SLOT`` and its JSON
        Pointer; not in a script that ``translate="no"`` covers, nor in a template's,
        graphic's or formula's content, which no search engine reads."""
        for script in self.root.iter("script"):
            if not is_structured(script.get("type")):
                continue
            above = list(script.iterancestors())
            if any(element.tag in ("template", "svg", "math") for element in above):
                continue
            translatable = True
            for element in [*reversed(above), script]:
                translatable = _translate_flag(element, translatable, self.foreign)
            if translatable:
                self.structured(script)

    def structured(self, script: etree._Element) -> None:
        """One JSON-LD script's texts, each as its words (spaces collapsed): the build
        writes the translation back into the string it came from. A string whose escapes
        make a character no catalog or page can hold (``\\u0000``, a lone ``\\ud800``) is
        left as it is, untranslated: its page is valid, its JSON too."""
        for pointer, value in texts(script.text or ""):
            text = normalize_space(value).strip()
            if not has_letters(text) or unusable_characters(text):
                continue
            where = f"{SLOT}{pointer}"
            segment = Segment(self.page, self.context(f"{self.path(script)}@{where}"),
                              escape_text(text), self.anchor(script),
                              f"Structured data for search engines ({key_of(pointer)})")
            self.slots.append(Slot(segment, script, attribute=where))

    def add_attribute(
        self, element: etree._Element, attribute: str, kind: str, path: str | None = None
    ) -> None:
        value = element.get(attribute)
        if value is None:
            return
        # A tooltip shows its line breaks; other attribute text is read as one line.
        text = value.strip(HTML_SPACE)
        if attribute != "title":
            text = normalize_space(text)
        if not has_letters(text):
            return
        path = f"{path or self.path(element)}@{attribute}"
        segment = Segment(self.page, self.context(path), escape_text(text),
                          self.anchor(element), kind)
        self.slots.append(Slot(segment, element, attribute=attribute))

    def attributes(self, element: etree._Element) -> None:
        if not len(element.attrib):  # most elements: nothing to look up
            return
        tag = element.tag
        for attribute in (*ELEMENT_ATTRIBUTES.get(tag, ()), *ANY_ELEMENT_ATTRIBUTES):
            if element.get(attribute) is not None:
                what = ATTRIBUTE_KIND.get(f"{tag}@{attribute}") or ATTRIBUTE_KIND[attribute]
                self.add_attribute(element, attribute, f"{what} of <{tag}>")
        if tag == "input" and (element.get("type") or "").lower() in {"submit", "button", "reset"}:
            self.add_attribute(element, "value", "Button label (value of <input>)")

    def walk_block(self, block: etree._Element, translatable: bool, preserve: bool) -> None:
        if block.tag in SKIP:
            self.walk_inline_attributes(block, translatable)
            return
        translatable = _translate_flag(block, translatable, self.foreign)
        preserve = preserve or block.tag in PRESERVE_WHITESPACE
        if translatable:
            self.attributes(block)
        self.walk_content(block, translatable, preserve)

    def walk_content(self, block: etree._Element, translatable: bool, preserve: bool) -> None:
        """A block's runs, and its blocks in turn; in a ``<datalist>``, its options."""
        mixed = any(not self.is_inline(child) for child in block)
        current: list[etree._Element] = []
        prev: etree._Element | None = None
        number = 0

        def flush() -> None:
            nonlocal number
            if not current and not has_letters((block.text if prev is None else prev.tail)
                                               or ""):
                return  # between two blocks: no text, nothing inline
            run = Run(block, prev, current, preserve)
            if translatable:
                inner = self.unwrap(run)
                if self.run_has_text(inner):
                    number += 1
                    path = self.path(block)
                    if mixed:
                        path += "/text()" if number == 1 else f"/text()[{number}]"
                    self.add_run(block, inner, path)
            for node in run.nodes:
                self.walk_inline_attributes(node, translatable)

        for child in block:
            if self.is_inline(child):
                current.append(child)
                continue
            flush()
            current = []
            prev = child
            if block.tag == "datalist" and child.tag in ("option", "optgroup"):
                self.walk_option(child, translatable)
            else:
                self.walk_block(child, translatable, preserve)
        flush()

    def walk_inline_attributes(self, node: etree._Element, translatable: bool) -> None:
        if not is_element(node) or (node.tag in SKIP and node.tag not in SKIP_WITH_ATTRIBUTES):
            return
        translatable = _translate_flag(node, translatable, self.foreign)
        if not translatable:
            return
        self.attributes(node)
        if node.tag == "select":
            self.walk_options(node, translatable)
        elif node.tag == "datalist":
            self.walk_datalist(node, translatable)
        elif node.tag == "svg":
            self.walk_svg(node, translatable, SVG_TEXT)
        elif node.tag == "math":
            self.walk_svg(node, translatable, MATH_TEXT)
        elif node.tag in ("video", "audio"):  # its tracks' names; its fallback is kept
            for child in node:
                if is_element(child) and child.tag == "track":
                    self.walk_inline_attributes(child, translatable)
        elif node.tag not in OPAQUE:
            for child in node:
                self.walk_inline_attributes(child, translatable)

    def walk_svg(self, parent: etree._Element, translatable: bool,
                 texts: dict[str, str]) -> None:
        """An inline graphic's names, descriptions and drawn text (SVG_TEXT), or a
        formula's words (MATH_TEXT), and its parts' attributes; what a
        ``<foreignObject>`` holds is HTML (``<p>``, ``<div>``), walked as a block's."""
        for child in parent:
            if not is_element(child):
                continue
            flag = _translate_flag(child, translatable, self.foreign)
            if not flag:
                continue
            if child.tag == "foreignobject":
                preserve = any(a.tag in PRESERVE_WHITESPACE for a in child.iterancestors())
                self.walk_block(child, flag, preserve)
                continue
            self.attributes(child)
            if child.tag in texts:
                text = normalize_space(child.text or "").strip(HTML_SPACE)
                if not len(child) and has_letters(text):
                    segment = Segment(self.page, self.context(self.path(child)),
                                      escape_text(text), self.anchor(child),
                                      texts[child.tag])
                    self.slots.append(Slot(segment, child, attribute=""))
            else:
                self.walk_svg(child, flag, texts)

    def walk_options(self, parent: etree._Element, translatable: bool) -> None:
        """A list's options and groups (``<select>`` is kept whole in its run, and never
        walked as a block): their labels and each option's text, which the list shows.
        Its value, what the form sends (or puts in the input), is never an entry
        (``set_option_text``)."""
        for child in parent:
            if is_element(child) and child.tag in ("option", "optgroup"):
                self.walk_option(child, translatable)

    def walk_option(self, child: etree._Element, translatable: bool) -> None:
        """An option's or a group's label, and an option's text or a group's options."""
        flag = _translate_flag(child, translatable, self.foreign)
        if not flag:
            return
        self.attributes(child)
        if child.tag == "optgroup":
            self.walk_options(child, flag)
        else:
            self.add_option(child)

    def walk_datalist(self, datalist: etree._Element, translatable: bool) -> None:
        """An input's suggestions (kept whole in its run, as a ``<select>``): its options,
        as a list's, and what else it holds as a block's content. That is the HTML
        standard's fallback for browsers without datalists (``<label>Or choose:
        <select>…</select></label>``); the options of its ``<select>`` are the
        suggestions too, entries once."""
        preserve = any(a.tag in PRESERVE_WHITESPACE for a in datalist.iterancestors())
        self.walk_content(datalist, translatable, preserve)

    def add_option(self, option: etree._Element) -> None:
        """An option's text, as one line; an option holding markup or comments (which
        HTML does not allow there) is left as it is."""
        if len(option):
            return
        text = normalize_space(option.text or "").strip(HTML_SPACE)
        if not has_letters(text):
            return
        segment = Segment(self.page, self.context(self.path(option)), escape_text(text),
                          self.anchor(option), KIND["option"])
        self.slots.append(Slot(segment, option, attribute=""))

    def keeps_whole(self, node: etree._Element) -> bool:
        """An inline element that becomes ``<n/>``."""
        cached = self.whole_cache.get(node)
        if cached is None:
            cached = self.whole_cache[node] = (
                node.tag in OPAQUE or not _translate_flag(node, True, self.foreign)
                or (not has_letters(node.text or "") if not len(node) else (
                    not any(is_element(c) for c in node) and not has_letters(_all_text(node)))))
        return cached

    def unwrap(self, run: Run) -> Run:
        """A run that is exactly one inline element becomes that element's content."""
        while True:
            elements = [n for n in run.nodes if is_element(n)]
            if (
                len(run.nodes) != 1
                or len(elements) != 1
                or run.start_text().strip(HTML_SPACE)
                or (elements[0].tail or "").strip(HTML_SPACE)
                or self.keeps_whole(elements[0])
            ):
                return run
            inner = elements[0]
            preserve = run.preserve or inner.tag in PRESERVE_WHITESPACE
            run = Run(inner, None, list(inner), preserve)

    def run_has_text(self, run: Run) -> bool:
        if has_letters(run.start_text()):
            return True
        for node in run.nodes:
            if has_letters(node.tail or ""):
                return True
            if (is_element(node) and not self.keeps_whole(node)
                    and has_letters("".join(_visible_text(node, self.foreign)))):
                return True
        return False

    def add_run(self, block: etree._Element, run: Run, path: str) -> None:
        marked = _Marked(run.preserve)
        body = marked.text(run.start_text()) + self.render(run.nodes, marked)
        if not run.preserve:  # a comment between two spaces leaves two
            body = _DOUBLE_SPACE.sub(" ", body)
        msgid = body.strip(HTML_SPACE)
        kind = KIND.get(block.tag, f"Text in <{block.tag}>")
        if run.parent is not block:
            kind += f" (all of it inside <{run.parent.tag}>)"
        legend = marked.legend
        comment = kind + (". Markup: " + "; ".join(legend) + "." if legend else "")
        segment = Segment(self.page, self.context(path), msgid, self.anchor(block), comment)
        self.slots.append(Slot(segment, block, run=run, placeholders=marked.placeholders,
                               opaque=frozenset(marked.opaque)))

    def render(self, nodes: list[etree._Element], marked: _Marked, depth: int = 1) -> str:
        """A run's nodes as its msgid writes them, each element numbered in ``marked``.

        A method, not a closure of add_run calling itself: that closure and its cell
        held each other, and through them the walker, its slots and the page's tree, which
        then waited for the cyclic collector (a pass over 80,000 objects in each worker
        of an extraction of the bench's 128 pages)."""
        out: list[str] = []
        for node in nodes:
            if is_element(node):
                number = len(marked.placeholders) + 1
                marked.placeholders[number] = node
                if self.keeps_whole(node):
                    marked.opaque.add(number)
                    out.append(f"<{number}/>")
                    marked.legend.append(_describe_whole(number, node))
                elif depth > MAX_DEPTH:  # no translation of it could be read
                    raise _TooDeep(node.sourceline)
                else:
                    marked.legend.append(f"<{number}>…</{number}> is <{node.tag}>")
                    inner = self.render(list(node), marked, depth + 1)
                    out.append(f"<{number}>{marked.text(node.text)}{inner}</{number}>")
            out.append(marked.text(node.tail))
        return "".join(out)


@dataclass
class _Marked:
    """What writing a run's msgid numbers (_Walker.render): its elements by number, those
    kept whole, and the comment's legend of them."""

    preserve: bool
    placeholders: dict[int, etree._Element] = field(default_factory=dict)
    opaque: set[int] = field(default_factory=set)
    legend: list[str] = field(default_factory=list)

    def text(self, value: str | None) -> str:
        value = value or ""
        return escape_text(value if self.preserve else normalize_space(value))


def kept_in_source(root: etree._Element, slots: Sequence[Slot]) -> list[etree._Element]:
    """The elements below ``<body>`` that ``translate="no"`` (or the notranslate class)
    keeps in the source language whole, with text of their own: each such opt-out that is
    neither inside a run (there, a placeholder of a sentence) nor holds a slot (a
    ``translate="yes"`` inside it), in document order. On another locale's page their text
    is the source's, and says so (build._mark_fallback's marks)."""
    body = root.find("body")
    if body is None:
        return []
    found = [element for element in body.iter(etree.Element)
             if element.get("translate") is not None or "notranslate" in (
                 element.get("class") or "")]
    if not found:
        return []
    holders: set[etree._Element] = set()
    inline: set[etree._Element] = set()
    for slot in slots:
        holders.update(slot.element.iterancestors())
        holders.add(slot.element)
        if slot.run is not None:
            inline.update(slot.run.nodes)
    kept: list[etree._Element] = []
    foreign = foreign_elements(root)
    for element in found:
        chain = [element, *element.iterancestors()]
        flag = True
        for ancestor in reversed(chain[1:]):
            flag = _translate_flag(ancestor, flag, foreign)
        if flag and not _translate_flag(element, flag, foreign) \
                and not inline.intersection(chain) \
                and not any(node.tag in SKIP for node in chain[1:]):  # an svg's, a list's
            _keep(element, holders, kept)
    return kept


def _keep(element: etree._Element, holders: set[etree._Element],
          kept: list[etree._Element]) -> None:
    """``element`` into ``kept`` (kept_in_source) if it holds no slot and has text; else
    its children that way (a function, not a closure calling itself: _Walker.render)."""
    if element not in holders:
        if element.tag not in SKIP and has_letters("".join(
                str(text) for text in element.itertext(tag=etree.Element))):
            kept.append(element)
        return
    for child in element:  # its text beside a translatable block stays unmarked
        if is_element(child):
            _keep(child, holders, kept)


def _all_text(node: etree._Element) -> str:
    return "".join(map(str, node.itertext()))


def _visible_text(node: etree._Element, foreign: Collection[etree._Element]
                  ) -> Iterator[str]:
    """Text of an inline element, leaving out what is kept whole or not translated."""
    if node.text:
        yield node.text
    for child in node:
        if is_element(child) and child.tag not in OPAQUE \
                and _translate_flag(child, True, foreign):
            yield from _visible_text(child, foreign)
        if child.tail:
            yield child.tail


def _describe_whole(number: int, node: etree._Element) -> str:
    if node.tag == "br":
        return f"<{number}/> is a line break"
    if node.tag in ("img", "image"):
        return f"<{number}/> is an image"
    if node.tag == "select":
        return f"<{number}/> is a list to choose from (<select>), its options entries of their own"
    if node.tag == "datalist":
        return (f"<{number}/> is an input's suggestions (<datalist>), not shown here, its "
                "options entries of their own")
    words = normalize_space(_all_text(node)).strip() if node.tag not in SKIP else ""
    if words and len(words) <= 60:
        return f"<{number}/> is <{node.tag}> “{words}”, kept as it is"
    return f"<{number}/> is <{node.tag}>, kept as it is"


def in_graphic(element: etree._Element) -> bool:
    """Whether ``element`` is a graphic's or a formula's text (SVG_TEXT, MATH_TEXT), not
    the page's title: a translation replaces its words, the spacing around kept."""
    parent = element.getparent()
    return element.tag in ("desc", "text", "mtext") or (
        element.tag == "title" and parent is not None and parent.tag != "head")


def option_spacing(text: str) -> tuple[str, str, str]:
    """An option's text as the spacing before it, its words and the spacing after: a
    translation replaces only the words."""
    core = text.strip(HTML_SPACE)
    start = text.find(core) if core else len(text)
    return text[:start], core, text[start + len(core):]


def option_value(text: str) -> str:
    """What a form sends for an option without a ``value`` attribute: its text, with
    spaces stripped and collapsed (HTML's option value)."""
    return normalize_space(text).strip(HTML_SPACE)


def set_option_text(option: etree._Element, value: str) -> None:
    """Show ``value`` as the option's text, where the page had its text (the spacing
    around it kept), while the form still sends what it sent: an option without a
    ``value`` attribute sends its text, so it gets its source text as its value (where
    the text sent would change: a page whose text is kept stays as it is)."""
    old = option.text or ""
    if option.get("value") is None and option_value(value) != option_value(old):
        option.set("value", option_value(old))
    lead, _core, trail = option_spacing(old)
    option.text = lead + value + trail


class _TooDeep(Exception):
    """A text's inline markup nested deeper than ``markup.MAX_DEPTH`` (at ``line``)."""

    def __init__(self, line: object) -> None:
        super().__init__()
        self.line = line if isinstance(line, int) else None


WALK_FRAMES = 12_000
"""The recursion limit the walk runs under: a few frames an element, for the 2,048 levels
the parser reads (pages.parse_page refuses deeper ones). Under Python's default (1,000)
a page 320 deep was walked in one process and refused in a worker, whose stack starts
deeper: the verdict hung on --jobs."""


def locate(tree: etree._ElementTree, page: str, path: Path | None = None) -> list[Slot]:
    """Every segment of a parsed page with the place it lives, in document order
    (``path``: the page's file, where known, for an error to name)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, WALK_FRAMES))
    try:
        slots = _Walker(tree, page).walk()
    except RecursionError:  # pragma: no cover - the parser refuses pages this deep first
        raise ExtractError("elements are nested too deeply to walk; flatten the page's "
                           "markup", path=Path(page) if path is None else path) from None
    except _TooDeep as deep:
        raise ExtractError(f"inline markup is nested more than {MAX_DEPTH} deep in one text, "
                           "deeper than a translation may nest its placeholders; flatten the "
                           "page's markup", path=Path(page) if path is None else path,
                           line=deep.line) from None
    finally:
        sys.setrecursionlimit(limit)
    seen: set[str] = set()
    for slot in slots:
        if slot.segment.context in seen:  # pragma: no cover - paths are unique by construction
            raise ExtractError(f"two segments share the context {slot.segment.context!r}")
        seen.add(slot.segment.context)
    return slots


@dataclass(frozen=True)
class Located:
    """A parsed page and its slots, walked once; ``fresh()`` gives a copy per locale."""

    tree: etree._ElementTree
    slots: list[Slot]
    order: dict[etree._Element, int]
    """Each element's position in document order (where a copy's twin is)."""

    @classmethod
    def of(cls, tree: etree._ElementTree, page: str, path: Path | None = None) -> Located:
        slots = locate(tree, page, path)
        return cls(tree, slots, {e: n for n, e in enumerate(tree.getroot().iter())})

    def plan(self) -> Plan:
        """The slots by their elements' positions: what ``planned`` needs to find them in
        another parse of the same bytes without walking it (plain data: JSON, pickle)."""
        at = self.order
        return [[at[slot.element], slot.attribute,
                 None if slot.run is None else [
                     at[slot.run.parent], None if slot.run.prev is None else at[slot.run.prev],
                     [at[node] for node in slot.run.nodes], slot.run.preserve],
                 [[n, at[e]] for n, e in slot.placeholders.items()], sorted(slot.opaque)]
                for slot in self.slots]

    @classmethod
    def planned(cls, tree: etree._ElementTree, segments: Sequence[Segment], plan: Plan
                ) -> Located:
        """The page parsed from the same bytes as the Located that made ``plan`` (and its
        ``segments``), located without a walk: parsing is deterministic, so an element's
        position in document order names it."""
        elements = list(tree.getroot().iter())
        slots = []
        for segment, (element, attribute, run, placeholders, opaque) in zip(
                segments, plan, strict=True):
            slots.append(Slot(
                segment, elements[element], attribute,
                None if run is None else Run(
                    elements[run[0]], None if run[1] is None else elements[run[1]],
                    [elements[node] for node in run[2]], run[3]),
                {n: elements[e] for n, e in placeholders}, frozenset(opaque)))
        return cls(tree, slots, {e: n for n, e in enumerate(elements)})

    def fresh(self) -> tuple[etree._ElementTree, list[Slot]]:
        """An untouched copy of the tree and the same slots pointing into it.

        Building a page changes its tree, so each locale needs its own; copying the tree
        (libxml2, in C) and mapping the slots onto it costs a fraction of walking it again.
        """
        tree = copy.deepcopy(self.tree)
        copies = list(tree.getroot().iter())
        order = self.order

        def twin(element: etree._Element) -> etree._Element:
            return copies[order[element]]

        slots = []
        for slot in self.slots:  # the constructor, not dataclasses.replace: 4x cheaper
            run = slot.run
            slots.append(Slot(
                slot.segment, twin(slot.element), slot.attribute,
                None if run is None else Run(
                    twin(run.parent), None if run.prev is None else twin(run.prev),
                    [twin(node) for node in run.nodes], run.preserve),
                {n: twin(e) for n, e in slot.placeholders.items()}, slot.opaque))
        return tree, slots


def extract_page(path: Path, page: str) -> list[Segment]:
    return [slot.segment for slot in locate(read_page(path), page, path)]


def source_plan(source_dir: Path, page: str, data: bytes | None = None
                ) -> tuple[list[Segment], Plan]:
    """The segments of the source page ``page``, and where they are (Located.plan);
    ``data``: its bytes, where the caller read them (source.read)."""
    path = source_dir / page
    located = Located.of(parse_page(source.read(source_dir, page) if data is None else data,
                                    path), page, path)
    return [slot.segment for slot in located.slots], located.plan()


def extract(source_dir: Path) -> list[Segment]:
    """Segments of every page in ``source_dir``, pages in name order, blocks in page order."""
    return [segment for page in source.list_pages(source_dir)
            for segment in source_plan(source_dir, page)[0]]

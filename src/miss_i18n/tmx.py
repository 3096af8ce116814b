"""TMX import: translations people made elsewhere, for the translation memory.

Pure: bytes in, human translations and what was skipped out; the CLI reads the files and
the memory stores the result. A TMX file (1.4b, the format every CAT tool exports) is a
list of ``<tu>`` units, each with one ``<tuv xml:lang="…"><seg>…</seg></tuv>`` per
language. A unit gives a translation for each project locale whose language it has,
keyed by its segment in the project's source language, written as a msgid is (spaces
collapsed as on a page, ``<`` and ``&`` escaped), so the translate stage can find it by
a whole msgid.

The file is untrusted: entities are never expanded (a file that declares any is
refused), nothing is fetched, libxml2's size limits stay on. A file that is not
well-formed or not TMX is refused whole, naming file:line.

Inline codes become our placeholders where that is exact: in the source segment, in order
of appearance, each paired ``<bpt i="n">…<ept i="n">`` becomes ``<k>…</k>`` and each
``<ph>`` becomes ``<k/>`` (k = 1, 2, … as our msgids number inline elements); in a
translation, the same ``x`` (TMX's match across languages; else, for a ``<bpt>``, the same
``i``, for a ``<ph>``, the same position among the ``<ph>``) stands for the same
placeholder, and its placeholders must be the
source's, nested the same way. The codes' own content (the native markup) is never read.
Anything else is skipped and counted: isolated or unpaired codes (``<it>``, a ``<bpt>``
without its ``<ept>``), ``<hi>``, ``<sub>``, ``<ut>``, codes a translation does not share.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import TmxError
from .languages import match_locale, same_language
from .markup import MarkupError, escape_text, plain_text, shape, unusable_characters
from .memory import HumanTranslation
from .segments import normalize_space

INLINE = "inline codes that do not map to placeholders"
CODES_DIFFER = "inline codes that differ from the source's"
NO_SOURCE = "no segment in the source language"
NOT_A_LOCALE = "not one of the project's locales"
EMPTY = "empty segment"
UNUSABLE = "characters a web page cannot hold"
SEVERAL = "different translations in one unit"
SEVERAL_UNITS = "different translations of the same text in other units of the file"
SEVERAL_SOURCES = "different segments in the source language in one unit"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class TmxFile:
    """What one TMX file gives: translations for project locales, and what it skipped."""

    path: Path
    units: int = 0
    translations: list[HumanTranslation] = field(default_factory=list)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)
    """Locale (or, for a language the project lacks, the tag as written) → reason → count."""

    def skip(self, where: str, reason: str) -> None:
        reasons = self.skipped.setdefault(where, {})
        reasons[reason] = reasons.get(reason, 0) + 1


# -- reading ------------------------------------------------------------------------------
def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _check_root(root: etree._Element, data: bytes, path: Path) -> None:
    """Refuse a document that declares entities, or whose root is not ``<tmx>``."""
    docinfo: Any = root.getroottree().docinfo
    declared = docinfo.internalDTD is not None and list(docinfo.internalDTD.entities())
    if declared:
        at = data.find(b"<!ENTITY")
        line = data[:at].count(b"\n") + 1 if at >= 0 else 1
        raise TmxError(f"declares entities ({', '.join(e.name for e in declared)}), which "
                       "are never expanded; remove the declarations and type the text "
                       "itself; nothing was imported", path=path, line=line)
    name = etree.QName(root)
    if name.namespace is not None:
        raise TmxError(f"not a TMX file (its root element is <{name.localname}> in namespace "
                       f"{name.namespace!r}, not TMX 1.4's <tmx>, which has none); nothing was "
                       "imported", path=path, line=_line(root))
    if name.localname != "tmx":
        raise TmxError(f"not a TMX file (its root element is <{name.localname}>, not <tmx>); "
                       "nothing was imported", path=path, line=_line(root))


def _units(data: bytes, path: Path) -> Iterator[etree._Element]:
    """The ``<tu>`` elements of untrusted TMX, one at a time, each dropped once read (a
    large memory stays small in memory): no entities expanded, no network, libxml2's
    size limits kept. Raises TmxError naming file:line."""
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"),
                             resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    depth, body = 0, False
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element, data, path)
                body = body or (depth == 2 and element.tag == "body")
                continue
            depth -= 1
            parent = element.getparent()
            if depth == 2 and element.tag == "tu" and parent is not None and \
                    parent.tag == "body":
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        reason, line = _syntax_error(exc, events.error_log)
        raise TmxError(f"not well-formed XML ({reason}); fix the file or export it again "
                       "from your CAT tool; nothing was imported", path=path,
                       line=line) from None
    if not body:
        raise TmxError("not a TMX file (no <body>); nothing was imported", path=path, line=1)


def _syntax_error(exc: etree.XMLSyntaxError, log: etree._ListErrorLog) -> tuple[str, int]:
    """Why and where libxml2 first stopped: the first error in this parse's own log, where
    it has one (iterparse's message can be a later symptom: an undeclared ``&nbsp;`` reads
    as "no element found" at line 0; the exception's log also holds earlier parses')."""
    first = next(iter(log), None)
    if first is not None and first.message:
        return first.message.strip(), first.line or 1
    return str(exc.msg).split(" (line ")[0].split(", line ")[0], exc.lineno or 1


@dataclass
class _Codes:
    """How a unit's source numbered its inline codes; a translation reads them back."""

    pairs: dict[str, int] = field(default_factory=dict)
    """``<bpt>`` ``x`` (as ``x…``) and ``i`` (as ``i…``, for a translation without ``x``)
    → placeholder number. ``i`` pairs a ``<bpt>`` with its ``<ept>`` within a segment."""
    points: dict[str, int] = field(default_factory=dict)
    """``<ph>`` ``x`` (or ``#position``) → placeholder number."""
    count: int = 0


class _Unmapped(Exception):
    """A segment whose codes cannot become placeholders; the reason is the message."""


def _content(seg: etree._Element, codes: _Codes, numbering: bool) -> str:
    """A segment as msgid text: escaped text, and its codes as placeholders."""
    out: list[str] = [escape_text(seg.text or "")]
    opened: list[tuple[str, int]] = []  # the open <bpt>s: their i (pairs an <ept>), number
    points = 0

    def number(table: dict[str, int], key: str) -> int:
        if numbering:
            if not key or key in table:
                raise _Unmapped(INLINE)
            codes.count += 1
            table[key] = codes.count
        elif key not in table:
            raise _Unmapped(CODES_DIFFER)
        return table[key]

    for child in seg:
        name = child.tag if isinstance(child.tag, str) else ""  # "": an entity left as is
        if name == "bpt":
            pair, match = child.get("i", ""), child.get("x")
            if not pair:
                raise _Unmapped(INLINE)
            matched = bool(match) and (numbering or f"x{match}" in codes.pairs)
            opened.append((pair, number(codes.pairs, f"x{match}" if matched else f"i{pair}")))
            if numbering and matched:  # a translation without x is matched by i
                codes.pairs.setdefault(f"i{pair}", opened[-1][1])
            out.append(f"<{opened[-1][1]}>")
        elif name == "ept":
            if not opened or child.get("i", "") != opened[-1][0]:
                raise _Unmapped(INLINE)
            out.append(f"</{opened.pop()[1]}>")
        elif name == "ph":
            points += 1
            out.append(f"<{number(codes.points, child.get('x') or f'#{points}')}/>")
        else:
            raise _Unmapped(INLINE)
        out.append(escape_text(child.tail or ""))
    if opened:
        raise _Unmapped(INLINE)
    return "".join(out)


def _segment(tuv: etree._Element, codes: _Codes, numbering: bool) -> tuple[str | None, str]:
    """A ``<tuv>``'s segment as msgid text, or None and why it cannot be used."""
    seg = tuv.find("seg")
    if seg is None:
        return None, EMPTY
    try:
        text = normalize_space(_content(seg, codes, numbering)).strip()
    except _Unmapped as exc:
        return None, str(exc)
    if not plain_text(text).strip():
        return None, EMPTY
    if unusable_characters(text):
        return None, UNUSABLE
    return text, ""


def _shape(text: str) -> dict[int, tuple[int, bool]] | None:
    try:
        return shape(text)
    except MarkupError:
        return None


def read(data: bytes, path: Path, *, source_locale: str, locales: Sequence[str]) -> TmxFile:
    """The human translations a TMX file holds for the project's locales.

    Raises TmxError (naming file:line) for a file that is not well-formed TMX, or that
    declares entities.
    """
    result = TmxFile(path)
    for unit in _units(data, path):
        result.units += 1
        _unit(unit, result, source_locale, tuple(locales))
    _one_per_text(result)
    return result


def _one_per_text(result: TmxFile) -> None:
    """One translation of a text per locale: where units of the file translate the same
    text differently (OmegaT exports its alternative translations so), none is taken (the
    last silently won, and the import counted both); a unit that repeats another is one."""
    targets: dict[tuple[str, str], set[str]] = {}
    for item in result.translations:
        targets.setdefault((item.locale, item.source), set()).add(item.target)
    kept: list[HumanTranslation] = []
    seen: set[tuple[str, str]] = set()
    for item in result.translations:
        key = (item.locale, item.source)
        if len(targets[key]) > 1:
            result.skip(item.locale, SEVERAL_UNITS)
        elif key not in seen:
            seen.add(key)
            kept.append(item)
    result.translations = kept


def _unit(unit: etree._Element, result: TmxFile, source_locale: str,
          locales: tuple[str, ...]) -> None:
    """Add one ``<tu>``'s translations to ``result``, or count why each was skipped."""
    codes = _Codes()
    sources: set[tuple[str | None, str]] = set()
    targets: list[tuple[str, etree._Element]] = []
    kin: list[tuple[str, etree._Element]] = []  # the source's language, another territory
    own: list[etree._Element] = []
    for tuv in unit.iterfind("tuv"):
        tag = tuv.get(_LANG) or tuv.get("lang") or ""
        if match_locale(tag, (source_locale,)) is not None:
            own.append(tuv)
        elif match_locale(tag, locales) is None and same_language(tag, source_locale):
            kin.append((tag, tuv))
        else:
            targets.append((tag, tuv))
    if own:  # a segment tagged as the source locale is the source; the others are not
        targets += kin
    for tuv in own or [tuv for _tag, tuv in kin]:  # the first numbers the codes
        sources.add(_segment(tuv, codes if not sources else _Codes(), True))
    source, why = next(iter(sources)) if len(sources) == 1 else (
        None, NO_SOURCE if not sources else SEVERAL_SOURCES)
    expected = _shape(source) if source is not None else None
    found: dict[str, set[str]] = {}
    for tag, tuv in targets:
        locale = match_locale(tag, locales)
        text, reason = _segment(tuv, codes, False) if source is not None else (None, why)
        if locale is None:
            result.skip(tag or "(no xml:lang)", NOT_A_LOCALE)
        elif text is None:
            result.skip(locale, reason)
        else:
            found.setdefault(locale, set()).add(text)
    for locale, texts in found.items():
        text = next(iter(texts))
        if len(texts) > 1:
            result.skip(locale, SEVERAL)
        elif source is None or expected is None or _shape(text) != expected:
            result.skip(locale, CODES_DIFFER)
        else:
            result.translations.append(HumanTranslation(
                locale=locale, source=source, target=text, origin=result.path.name))

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
well-formed or not TMX is refused whole, naming file:line. Segments with inline markup
(``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<hi>``, ``<ut>``, ``<sub>``) are skipped and
counted: their codes do not say which of our placeholders they stand for.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from lxml import etree

from .errors import TmxError
from .html import normalize_space
from .markup import escape_text, unusable_characters
from .memory import HumanTranslation

INLINE = "inline markup"
NO_SOURCE = "no segment in the source language"
NOT_A_LOCALE = "not one of the project's locales"
EMPTY = "empty segment"
UNUSABLE = "characters a web page cannot hold"
SEVERAL = "different translations in one unit"
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


# -- languages ----------------------------------------------------------------------------
def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def _script(locale: Locale) -> str | None:
    """The locale's script, or the one CLDR says is likely (zh → Hans, zh_TW → Hant)."""
    if locale.script:
        return str(locale.script)
    likely: Any = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}", str(locale.language)):
        if key in likely:
            parts = str(likely[key]).split("_")
            return next((p for p in parts[1:] if len(p) == 4), None)
    return None


@functools.lru_cache(maxsize=512)
def match_locale(tag: str, locales: tuple[str, ...]) -> str | None:
    """The project locale a language tag stands for, or None.

    The same locale in any case and separator (``pt-br`` → ``pt_BR``); else the
    project's locale of that language with no territory and the same script
    (``zh-CN`` → ``zh``, ``de-AT`` → ``de``), never one of another script (``zh-TW``
    is not ``zh``) or another territory (``pt-PT`` is not ``pt_BR``).
    """
    wanted = _locale(tag)
    if wanted is None:
        return None
    exact = tag.strip().replace("-", "_").casefold()
    for locale in locales:
        if locale.casefold() == exact or str(_locale(locale) or "") == str(wanted):
            return locale
    for locale in locales:
        have = _locale(locale)
        if have is not None and have.language == wanted.language and \
                have.territory is None and _script(have) == _script(wanted):
            return locale
    return None


# -- reading ------------------------------------------------------------------------------
def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _parse(data: bytes, path: Path) -> etree._Element:
    """Parse untrusted XML: no entities expanded, no network, libxml2's size limits kept."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        reason = str(exc.msg).split(" (line ")[0].split(", line ")[0]
        raise TmxError(f"not well-formed XML ({reason}); fix the file or export it again "
                       "from your CAT tool; nothing was imported", path=path,
                       line=exc.lineno or None) from None
    docinfo: Any = root.getroottree().docinfo
    declared = docinfo.internalDTD is not None and list(docinfo.internalDTD.entities())
    if declared:
        at = data.find(b"<!ENTITY")
        line = data[:at].count(b"\n") + 1 if at >= 0 else 1
        raise TmxError(f"declares entities ({', '.join(e.name for e in declared)}), which "
                       "are never expanded; remove the declarations and type the text "
                       "itself; nothing was imported", path=path, line=line)
    if not isinstance(root.tag, str) or etree.QName(root).localname != "tmx" or \
            etree.QName(root).namespace is not None:
        raise TmxError(f"not a TMX file (its root element is <{etree.QName(root).localname}>, "
                       "not <tmx>); nothing was imported", path=path, line=_line(root))
    if root.find("body") is None:
        raise TmxError("not a TMX file (no <body>); nothing was imported", path=path,
                       line=_line(root))
    return root


def _segment(tuv: etree._Element) -> tuple[str | None, str]:
    """A ``<tuv>``'s segment as msgid text, or None and why it cannot be used."""
    seg = tuv.find("seg")
    if seg is None:
        return None, EMPTY
    if len(seg):  # an inline code, or an entity reference left unexpanded
        return None, INLINE
    text = normalize_space(seg.text or "").strip()
    if not text:
        return None, EMPTY
    if unusable_characters(text):
        return None, UNUSABLE
    return escape_text(text), ""


def read(data: bytes, path: Path, *, source_locale: str, locales: Sequence[str]) -> TmxFile:
    """The human translations a TMX file holds for the project's locales.

    Raises TmxError (naming file:line) for a file that is not well-formed TMX, or that
    declares entities.
    """
    root = _parse(data, path)
    targets = tuple(locales)
    result = TmxFile(path)
    origin = path.name
    for unit in root.iterfind("body/tu"):
        result.units += 1
        sources: set[str | None] = set()
        found: dict[str, set[str]] = {}
        for tuv in unit.iterfind("tuv"):
            tag = tuv.get(_LANG) or tuv.get("lang") or ""
            text, reason = _segment(tuv)
            if match_locale(tag, (source_locale,)) is not None:
                sources.add(text if text is not None else f"\0{reason}")
                continue
            locale = match_locale(tag, targets)
            if locale is None:
                result.skip(tag or "(no xml:lang)", NOT_A_LOCALE)
            elif text is None:
                result.skip(locale, reason)
            else:
                found.setdefault(locale, set()).add(text)
        source = next(iter(sources)) if len(sources) == 1 else None
        for locale, texts in found.items():
            if source is None:
                result.skip(locale, NO_SOURCE if not sources else SEVERAL_SOURCES)
            elif source.startswith("\0"):
                result.skip(locale, source[1:])
            elif len(texts) > 1:
                result.skip(locale, SEVERAL)
            else:
                result.translations.append(
                    HumanTranslation(locale, source, next(iter(texts)), origin))
    return result

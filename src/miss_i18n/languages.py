"""Languages as pages name them: locale tags, each locale's name in itself and its
direction; the source language's claims a translated page takes off its elements, the
direction its text left in the source language needs, and code's (left to right).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from lxml import etree

from .segments import primary_subtag


def bcp47(locale: str) -> str:
    """The language tag for ``lang``, ``hreflang`` and URLs: ``pt_BR`` → ``pt-BR``."""
    return locale.replace("_", "-")


_LOCALES: dict[str, tuple[str, str]] = {}
"""Per locale, its name in itself and its direction: Babel's, loaded once per process
(every page of every locale asks, for each language of its menu), or learnt from the
process that merged the locale's catalog (``learn``)."""


def locale_names(locale: str) -> tuple[str, str]:
    """The locale's name in itself, and its direction (``ltr`` or ``rtl``)."""
    found = _LOCALES.get(locale)
    if found is None:
        found = _LOCALES[locale] = _names(locale)[:2]
    return found


def english_name(locale: str) -> str:
    """The locale's name in English (a catalog's ``Language-Team``)."""
    return _names(locale)[2]


def _names(locale: str) -> tuple[str, str, str]:
    """The locale's name in itself, direction and English name: from the table written
    for the installed Babel (NAMES_TABLE), else from Babel itself."""
    return _table().get(locale) or _from_babel(locale)


def _from_babel(locale: str) -> tuple[str, str, str]:
    """What Babel says of ``locale``: its name in itself, direction and English name
    (loading the locale's CLDR data: 3 to 25 ms each, per process)."""
    parsed = Locale.parse(locale)
    return (parsed.get_display_name(locale) or locale,
            "rtl" if parsed.character_order == "right-to-left" else "ltr",
            parsed.get_display_name("en") or locale)


NAMES_TABLE = Path(__file__).with_name("locale_names.json")
"""``_from_babel`` of every locale Babel knows, written for one Babel version (``names_table``;
tests/test_languages.py holds it to Babel's): a run that names nine locales loaded each
one's CLDR data in every process that asked (a tenth of an edit's run, bench/bench.py).
With another Babel installed it is not used."""


@cache
def _table() -> Mapping[str, tuple[str, str, str]]:
    try:
        data = json.loads(NAMES_TABLE.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("babel") != babel.__version__:
        return {}
    return {locale: (str(own), str(way), str(english))
            for locale, (own, way, english) in data["names"].items()}


def names_table() -> bytes:
    """NAMES_TABLE's content for the installed Babel (one line per locale, sorted)."""
    from babel.localedata import locale_identifiers  # noqa: PLC0415 - the test's alone
    rows = [f"{json.dumps(locale)}: {json.dumps(list(_from_babel(locale)), ensure_ascii=False)}"
            for locale in sorted(locale_identifiers())]
    return (f'{{"babel": {json.dumps(babel.__version__)}, "names": {{\n'
            + ",\n".join(rows) + "\n}}\n").encode()


def learn(known: Mapping[str, tuple[str, str]]) -> None:
    """What other processes (or the last run) found (locale_names), so this one loads no
    locale data."""
    _LOCALES.update(known)


def known_names() -> dict[str, tuple[str, str]]:
    """Every locale's names this process knows (locale_names), by locale."""
    return dict(_LOCALES)


def direction(locale: str) -> str:
    return locale_names(locale)[1]


_OPEN_GRAPH = {"pt": "pt_PT"}
"""Where a bare language names another territory than CLDR's likely one: ``pt`` is
European Portuguese in gettext's use (and the translation platforms'), beside ``pt_BR``;
CLDR's likely Portuguese is Brazil's, which made ``pt``'s pages say ``pt_BR`` too."""


@cache
def open_graph_locale(locale: str) -> str:
    """The locale as Open Graph names one, language_TERRITORY: ``de`` → ``de_DE``,
    ``zh`` → ``zh_CN``, ``pt_BR`` as it is (the territory CLDR finds likely; ``pt`` →
    ``pt_PT``, _OPEN_GRAPH)."""
    parts = re.split("[-_]", locale)
    if len(parts) > 1 and (len(parts[-1]) == 2 or parts[-1].isdigit()):
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    if locale in _OPEN_GRAPH:
        return _OPEN_GRAPH[locale]
    likely: Mapping[str, str] = get_global("likely_subtags")
    found = likely.get(locale) or likely.get(parts[0]) or ""
    territory = found.split("_")[-1] if found.count("_") else ""
    return f"{parts[0].lower()}_{territory}" if territory else parts[0].lower()


def native_name(locale: str) -> str:
    return locale_names(locale)[0]

def fallback_dir(source_locale: str, locale: str) -> str | None:
    """The ``dir`` that text left in the source language needs on ``locale``'s page: the
    source's direction where it is not the page's, else None (it inherits the page's)."""
    source_dir = direction(source_locale)
    return None if source_dir == direction(locale) else source_dir


LANG_ATTRIBUTES = ("lang", "xml:lang")
_WITH_LANG = etree.XPath('//*[@lang or @*[name()="xml:lang"] or (self::body and @dir)]')


def source_claims(element: etree._Element, source_locale: str) -> list[str]:
    """The attributes by which an element says it is in the source language: its
    ``lang``/``xml:lang`` naming it (by primary subtag: ``en``, ``en-US``, ``EN-gb``), and
    then, where it names no other language, its ``dir`` if that is the source's direction.
    Once the text is translated they are wrong: screen readers would read German with an
    English voice, and browsers lay Arabic out left to right. ``<body>``'s dir, the whole
    page's direction as the root's is, is one with no lang too."""
    primary = primary_subtag(source_locale)
    names = [name for name in LANG_ATTRIBUTES
             if primary_subtag(element.get(name) or "") == primary]
    others = [name for name in LANG_ATTRIBUTES
              if name not in names and element.get(name) is not None]
    if (names or element.tag == "body") and not others and (
            element.get("dir") or "").strip().lower() == direction(source_locale):
        names.append("dir")
    return names


def claiming(root: etree._Element, source_locale: str
             ) -> list[tuple[etree._Element, list[str]]]:
    """The elements below the root that claim the source language (source_claims), with
    the attributes that do; not one inside an element of another language (``<blockquote
    lang="fr">… <span lang="en">``: its text is kept as written, segments.foreign_elements,
    and its claim is what keeps it read as English)."""
    found = _WITH_LANG(root)
    assert isinstance(found, list)
    primary = primary_subtag(source_locale)
    return [(element, names) for element in found
            if isinstance(element, etree._Element) and element is not root
            and (names := source_claims(element, source_locale))
            and not _inside_another_language(element, root, primary)]


def _inside_another_language(element: etree._Element, root: etree._Element,
                             primary: str | None) -> bool:
    """Whether the nearest ancestor below ``root`` with a lang names a language other than
    ``primary`` (none, or a lang naming no one language such as ``und``: not, as
    segments.foreign_elements reads them)."""
    for ancestor in element.iterancestors():
        if ancestor is root:
            return False
        value = ancestor.get("lang") or ancestor.get("xml:lang")
        if value and value.strip():
            return primary_subtag(value) not in (None, primary)
    return False


def unclaim(root: etree._Element, source_locale: str) -> None:
    """Take the source language's claims off a translated page's elements: they inherit
    the page's language from the root, and text left untranslated in them is marked as the
    source's like any other (fallback_mark)."""
    for element, names in claiming(root, source_locale):
        for name in names:
            del element.attrib[name]


CODE_TAGS = ("pre", "code", "kbd", "samp")
"""Code, input and output: written left to right, whatever the page's language."""


def code_left_to_right(root: etree._Element) -> None:
    """Code on a translated rtl page keeps its direction: inheriting the page's, a C line
    shows as ``;ret = fputs(…)``. Only where the element has no dir of its own (a fallback
    mark or the source's)."""
    for element in root.iter(*CODE_TAGS):
        if element.get("dir") is None:
            element.set("dir", "ltr")


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


@lru_cache(maxsize=512)
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


@lru_cache(maxsize=512)
def same_language(tag: str, locale: str) -> bool:
    """Whether a language tag names ``locale``'s language in its script, whatever
    territory either names (``en`` and ``en-GB`` are ``en_US``'s; ``zh-TW`` is not
    ``zh``'s)."""
    wanted, have = _locale(tag), _locale(locale)
    return wanted is not None and have is not None and wanted.language == have.language \
        and _script(wanted) == _script(have)

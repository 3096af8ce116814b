"""A page's structured data (JSON-LD): the texts search engines show, found and replaced in
place.

A ``<script type="application/ld+json">`` describes the page to search engines: its
headline, description and the names of its parts, which they show in results. Those texts
are the page's too: extract takes them (``texts``), each by its JSON Pointer (RFC 6901:
``/headline``, ``/@graph/0/name``), and the build writes a translation back into the very
string it came from (``replaced``), every other byte of the script as it was: layout,
other values, escapes. So an untranslated page keeps its script byte for byte, and a
translated one differs only in its texts (and its ``inLanguage``, ``with_language``).

Only the properties people read are taken (``TEXT_KEYS``); a ``name`` only where its
object is not a person, an organization, a brand, a place or the web site (proper names:
"WikiMD" is not translated), and nothing under ``@context``. A script that is not JSON
(or is JSON with ``NaN``), or whose object has a key twice (which one a reader takes is not
defined), is left alone: no texts, nothing replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

TYPE = "application/ld+json"
SLOT = "json-ld:"
"""How a slot (segments.Slot.attribute) names a JSON-LD text: then its JSON Pointer."""
TEXT_KEYS = frozenset({"headline", "alternativeHeadline", "description", "abstract",
                       "caption", "name", "alternateName", "disambiguatingDescription"})
"""schema.org properties whose string values are text for people."""
NAMES = frozenset({"name", "alternateName"})
PROPER = frozenset({
    "Person", "Organization", "Corporation", "NGO", "NewsMediaOrganization",
    "EducationalOrganization", "MedicalOrganization", "GovernmentOrganization", "Hospital",
    "LocalBusiness", "Brand", "Place", "WebSite", "SoftwareApplication"})
"""Types whose ``name`` is a proper name, kept as it is."""
LANGUAGE_KEY = "inLanguage"
_SPACE = " \t\n\r"
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WORDS = ("true", "false", "null")


def is_structured(script_type: str | None) -> bool:
    """Whether a ``<script>`` of this ``type`` holds JSON-LD."""
    return (script_type or "").strip().lower() == TYPE


def texts(text: str) -> list[tuple[str, str]]:
    """The texts for people in a JSON-LD script's ``text``, each with its JSON Pointer, in
    the order the script holds them; none where it is not JSON we can replace in."""
    data = _loaded(text)
    if data is None or not _spans(text):
        return []
    return list(_texts(data, ""))


def replaced(text: str, pointer: str, value: str) -> str | None:
    """``text`` with the string at ``pointer`` made ``value`` (None where there is none)."""
    span = _spans(text).get(pointer)
    if span is None:
        return None
    return text[:span[0]] + _literal(value) + text[span[1]:]


def with_language(text: str, tag: str) -> str:
    """``text`` with every ``inLanguage`` string made ``tag`` (the page's language now);
    as it was where it is not JSON we can replace in."""
    if _loaded(text) is None:
        return text
    places = sorted((span for pointer, span in _spans(text).items()
                     if pointer.rsplit("/", 1)[-1] == LANGUAGE_KEY), reverse=True)
    for start, end in places:  # from the end: the spans before stay where they were
        text = text[:start] + _literal(tag) + text[end:]
    return text


def key_of(pointer: str) -> str:
    """The property a pointer ends in (``headline`` of ``/@graph/0/headline``)."""
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _loaded(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a key twice in one object")
    return found


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _texts(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for number, item in enumerate(node):
            yield from _texts(item, f"{pointer}/{number}")
        return
    if not isinstance(node, dict):
        return
    kinds = node.get("@type")
    named = {kinds} if isinstance(kinds, str) else {k for k in kinds if isinstance(k, str)} \
        if isinstance(kinds, list) else set()
    proper = bool(named & PROPER)
    for key, value in node.items():
        if key == "@context":
            continue
        child = f"{pointer}/{_escaped(key)}"
        if isinstance(value, str):
            if key in TEXT_KEYS and not (proper and key in NAMES) and value.strip():
                yield child, value
        else:
            yield from _texts(value, child)


def _escaped(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _literal(value: str) -> str:
    """A JSON string for ``value`` that a ``<script>`` can hold: no ``<`` (which could
    start ``</script>`` or ``<!--`` there)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _spans(text: str) -> dict[str, tuple[int, int]]:
    """Each string value's JSON Pointer and where its literal (quotes included) is in
    ``text``; empty where ``text`` is not one JSON value."""
    found: dict[str, tuple[int, int]] = {}
    try:
        end = _value(text, _skip(text, 0), "", found)
    except (ValueError, IndexError, RecursionError):
        return {}
    return found if _skip(text, end) == len(text) else {}


def _skip(text: str, at: int) -> int:
    """Past JSON's whitespace from ``at``."""
    while at < len(text) and text[at] in _SPACE:
        at += 1
    return at


def _string_end(text: str, at: int) -> int:
    """Where the JSON string literal at ``at`` ends (past its closing quote)."""
    found = _STRING.match(text, at)
    if found is None:
        raise ValueError("not a JSON string")
    return found.end()


def _value(text: str, at: int, pointer: str, found: dict[str, tuple[int, int]]) -> int:
    """Scan the JSON value at ``at`` (no space before it); return where it ends."""
    char = text[at]
    if char == '"':
        end = _string_end(text, at)
        found[pointer] = (at, end)
        return end
    if char == "{":
        at = _skip(text, at + 1)
        if text[at] == "}":
            return at + 1
        while True:
            if text[at] != '"':
                raise ValueError("a key that is not a string")
            end = _string_end(text, at)
            key, at = json.loads(text[at:end]), end
            at = _skip(text, at)
            if text[at] != ":":
                raise ValueError("no colon after a key")
            at = _value(text, _skip(text, at + 1), f"{pointer}/{_escaped(key)}", found)
            at = _skip(text, at)
            if text[at] == "}":
                return at + 1
            if text[at] != ",":
                raise ValueError("no comma between members")
            at = _skip(text, at + 1)
    if char == "[":
        at = _skip(text, at + 1)
        if text[at] == "]":
            return at + 1
        number = 0
        while True:
            at = _skip(text, _value(text, at, f"{pointer}/{number}", found))
            if text[at] == "]":
                return at + 1
            if text[at] != ",":
                raise ValueError("no comma between items")
            at, number = _skip(text, at + 1), number + 1
    for word in _WORDS:
        if text.startswith(word, at):
            return at + len(word)
    number_found = _NUMBER.match(text, at)
    if number_found is None:
        raise ValueError("not a JSON value")
    return number_found.end()

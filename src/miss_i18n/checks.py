"""Catalog checks: one registry of small functions, run on the catalog every stage reads.

A check is a function registered with its stable kebab-case name, its fixed severity and
a one-line summary beside it (``@entry_check(...)``, ``@header_check(...)``), in report
order: errors first. It yields one message per problem; the runner makes the Issue
(path, line, msgctxt, msgid). Checks run on the polib model that ``catalog.load`` builds
from the strict parse (``po_syntax``), so a file is read and parsed once, and the build
counts findings on the very catalogs it writes (``report.count_findings``).

The runner does what every entry check would otherwise repeat: it skips the header,
obsolete and untranslated entries and those with plural forms (the extractor never writes
them, the build never uses them), and hands each check the entry's text pair (``Text``),
its placeholder-free form computed once on first use. Fuzzy entries are checked: a
machine draft with broken placeholders is reported like any other translation, at the
same severity. No check fixes anything. Untranslated and fuzzy entries are counted
(``catalog.stats``), not reported.

Babel's own checkers (python-format placeholders, the number of plural forms) run on every
active entry, translated or not, as Babel runs them; they are computed from the same
parse, with no Babel catalog built.
"""

from __future__ import annotations

import gettext
import html.entities
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TypeVar

import polib
from babel.messages.catalog import PYTHON_FORMAT, Message, TranslationError
from babel.messages.plurals import get_plural

from .catalog import plural_forms, read_syntax, refused_plural, to_polib
from .config import Glossary
from .markup import (
    MarkupError,
    describe,
    plain_text,
    shape,
    shows_nothing,
    source_shape,
    strip_placeholders,
    unusable_characters,
)
from .model import Issue, Severity

_E, _W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Header:
    """The catalog's header fields as written (``Name: value``) and its fuzzy flag."""

    fields: Mapping[str, str] = field(default_factory=dict)
    fuzzy: bool = False

    @classmethod
    def of(cls, catalog: polib.POFile) -> Header:
        # Without a field there is nothing for a compiler to skip: not reported as fuzzy.
        return cls(catalog.metadata, bool(catalog.metadata) and bool(catalog.metadata_is_fuzzy))

    def nplurals(self, locale: str) -> int:
        """The plural forms an entry must have: the header's ``nplurals`` if it has a
        readable one (as Babel and msgfmt read it), else CLDR's for the locale."""
        found = _NPLURALS.search(self.fields.get("Plural-Forms", ""))
        return int(found.group(1)) if found else get_plural(locale).num_plurals


_NPLURALS = re.compile(r"(?:^|;)\s*nplurals\s*=\s*(\d+)\s*(?:;|$)")


@dataclass(frozen=True)
class CheckContext:
    locale: str
    path: str
    """The catalog's path as the report shows it."""
    glossary: Glossary = field(default_factory=Glossary)
    header: Header = field(default_factory=Header, compare=False, repr=False)
    """The header of the catalog being checked (set by check_catalog)."""

    @property
    def language(self) -> str:
        return self.locale.split("_")[0]


@dataclass
class Text:
    """An entry as its checks see it, made once per entry by the runner."""

    entry: polib.POEntry
    source: str
    """The msgid, placeholders and escapes as written."""
    target: str
    """The msgstr."""

    @cached_property
    def plain_source(self) -> str:
        """The msgid as text: placeholders removed, ``&lt;`` decoded."""
        return _plain_source(self.source)

    @cached_property
    def plain_target(self) -> str:
        return plain_text(self.target)


SOURCE_TEXTS = 1 << 15
"""How many msgids' source-side results a process keeps (``lru_cache``): a template's
msgids recur in every locale's catalog, so each is parsed, searched for numbers, URLs
and its end punctuation once a process, not once a catalog. The results are never
changed by their users."""

_plain_source = lru_cache(maxsize=SOURCE_TEXTS)(plain_text)


# -- the registry -------------------------------------------------------------------------
HeaderFunction = Callable[[Header, CheckContext], Iterable[str]]
EntryFunction = Callable[[Text, CheckContext], Iterable[str]]
_H = TypeVar("_H", bound=HeaderFunction)
_F = TypeVar("_F", bound=EntryFunction)


@dataclass(frozen=True)
class Check:
    """A check's stable name, its fixed severity and what it checks, in one line."""

    name: str
    severity: Severity
    summary: str


@dataclass(frozen=True)
class HeaderCheck(Check):
    run: HeaderFunction


@dataclass(frozen=True)
class EntryCheck(Check):
    run: EntryFunction
    every_entry: bool = False
    """Run on every active entry, untranslated and plural ones too (Babel's checkers)."""


_HEADER_CHECKS: list[HeaderCheck] = []
_ENTRY_CHECKS: list[EntryCheck] = []


def _unique(name: str) -> str:
    if name in {c.name for c in (*_HEADER_CHECKS, *_ENTRY_CHECKS)}:
        raise ValueError(f"two checks are named {name!r}")
    return name


def header_check(name: str, severity: Severity, summary: str) -> Callable[[_H], _H]:
    """Register a header check; the order of registration is the report's order."""
    def register(function: _H) -> _H:
        _HEADER_CHECKS.append(HeaderCheck(name=_unique(name), severity=severity,
                                          summary=summary, run=function))
        return function
    return register


def entry_check(name: str, severity: Severity, summary: str, *,
                every_entry: bool = False) -> Callable[[_F], _F]:
    """Register an entry check; the order of registration is the report's order."""
    def register(function: _F) -> _F:
        _ENTRY_CHECKS.append(EntryCheck(name=_unique(name), severity=severity,
                                        summary=summary, run=function,
                                        every_entry=every_entry))
        return function
    return register


def _listed(items: Iterable[str]) -> str:
    return ", ".join(items)


# -- header checks ------------------------------------------------------------------------
@header_check("header-language", _E, "the Language header names the catalog's locale")
def check_header_language(header: Header, ctx: CheckContext) -> Iterator[str]:
    language = header.fields.get("Language", "").strip()
    if not language:
        yield f"Language header is missing, expected {ctx.locale!r} (`miss-i18n update` sets it)"
    elif language.replace("-", "_") != ctx.locale:
        yield (f"Language header is {language!r}, expected {ctx.locale!r} (`miss-i18n update` "
               "sets it)")


@header_check("header-plural-forms", _E, "the Plural-Forms header is there, with a number of "
              "forms and a plural expression msgfmt --check takes")
def check_header_plural_forms(header: Header, ctx: CheckContext) -> Iterator[str]:
    found = header.fields.get("Plural-Forms", "").strip()
    if not found:
        yield f"Plural-Forms header is missing, CLDR says {plural_forms(ctx.locale)!r}"
    elif _NPLURALS.search(found) is None:
        yield f"Plural-Forms is {found!r}, CLDR says {plural_forms(ctx.locale)!r}"
    elif (problem := refused_plural(found)) is not None:
        yield (f"Plural-Forms is {found!r}: {problem}, which msgfmt --check refuses; CLDR says "
               f"{plural_forms(ctx.locale)!r}")


def _squeeze(plural_forms: str) -> str:
    return "".join(plural_forms.split()).rstrip(";")


@header_check("header-fuzzy", _E, "the header is not fuzzy")
def check_header_fuzzy(header: Header, ctx: CheckContext) -> Iterator[str]:
    if header.fuzzy:
        yield ("the header is marked fuzzy: GNU msgfmt and miss-i18n compile the catalog all "
               "the same, but pybabel compile skips the whole catalog; once the header is "
               "reviewed, remove 'fuzzy' from its '#,' line")


@header_check("plural-forms-cldr", _W, "the Plural-Forms header agrees with CLDR for the "
              "locale, as this Babel gives it")
def check_plural_forms_cldr(header: Header, ctx: CheckContext) -> Iterator[str]:
    """A warning, not an error: CLDR's rules change between Babel releases (2.19 gave
    French, Spanish and Portuguese a third form, Hebrew and Hindi other rules), and a
    catalog's plural entries follow its own header, which gettext tools never change."""
    expected = plural_forms(ctx.locale)
    found = header.fields.get("Plural-Forms", "").strip()
    if found and _NPLURALS.search(found) is not None and not _same_rule(found, expected):
        yield f"Plural-Forms is {found!r}, CLDR says {expected!r}"


_PLURAL = re.compile(r"(?:^|;)\s*plural\s*=\s*([^;]+)")
_SAMPLES = (*range(1100), *(10**k + d for k in range(4, 8) for d in (0, 1, 2, 5, 11)))
"""Numbers enough to tell CLDR's rules apart (they look at n % 10, % 100, % 1000000)."""


def _same_rule(found: str, expected: str) -> bool:
    """Whether two Plural-Forms say the same: as written (spaces aside), or with the same
    number of forms and the same form for every number (Weblate and Lokalize write
    ``n != 1`` where CLDR's is ``(n != 1)``)."""
    if _squeeze(found) == _squeeze(expected):
        return True
    rules = []
    for forms in (found, expected):
        number, rule = _NPLURALS.search(forms), _PLURAL.search(forms)
        if number is None or rule is None:
            return False
        try:  # gettext's own reader of C plural expressions: no eval of arbitrary text
            rules.append((int(number.group(1)), gettext.c2py(rule.group(1).strip())))
        except (ValueError, SyntaxError, RecursionError):
            return False
    (count, one), (other_count, other) = rules
    try:
        return count == other_count and all(one(n) == other(n) for n in _SAMPLES)
    except (ArithmeticError, RecursionError):  # n % 0 in a hand-written rule
        return False


# -- entry checks -------------------------------------------------------------------------
@entry_check("babel", _E, "Babel's own checkers (python-format, number of plural forms)",
             every_entry=True)
def check_babel(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Babel's checkers, in its order: the number of plural forms, then python-format
    placeholders: on an entry flagged ``python-format``, or whose msgid reads as a format
    string (``reads_as_format``), unless it is flagged ``no-python-format``."""
    entry = text.entry
    if entry.msgid_plural:
        forms = tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
        expected = ctx.header.nplurals(ctx.locale)
        if len(forms) != expected:
            yield f"Wrong number of plural forms (expected {expected})"
        message = Message((entry.msgid, entry.msgid_plural), forms)
    elif "%" in entry.msgid:
        message = Message(entry.msgid, entry.msgstr)
    else:
        return
    formatted = "python-format" in entry.flags or (
        "no-python-format" not in entry.flags
        and any(map(reads_as_format, (entry.msgid, entry.msgid_plural))))
    message.flags.discard("python-format")
    if formatted:
        message.flags.add("python-format")
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    if formatted and any(strings):
        # imported here: babel.messages.checkers reads every installed package's entry
        # points as it loads (15 ms), most pages have no such text, and it checks only
        # translations (an empty one has nothing to check: a new catalog's every entry)
        from babel.messages.checkers import python_format  # noqa: PLC0415

        try:
            python_format(None, message)
        except TranslationError as error:
            yield str(error)


def reads_as_format(text: str) -> bool:
    """Whether ``text`` holds a python-format placeholder (``%s``, ``%(name)d``, ``%5.2f``).
    Babel's own test also takes a percent sign, a space and a letter for one (``% o``,
    its "space" flag), so that "5% of patients" or "20% off", which a page's text often
    holds, would have to keep "% o" in every translation: such a match does not count.
    Nor does text mixing named and positional placeholders (``%(name)s has %d``: code shown
    on a page), which Python cannot format: Babel's error on it ("mixes positional and
    named placeholders") was the source's, no translation could mend it."""
    found = [match for match in PYTHON_FORMAT.finditer(text) if " " not in (match.group(2) or "")]
    kinds = {match.group(1) is not None for match in found if match.group(3) != "%"}
    return bool(found) and len(kinds) < 2


@entry_check("newlines", _E, "a newline at the start and end where the source has one, "
             "as msgfmt --check requires", every_entry=True)
def check_newlines(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Each translation (each plural form, and the msgid_plural) begins and ends with a
    newline exactly where the msgid does: GNU ``msgfmt --check`` (which Poedit and
    Weblate run) refuses the catalog otherwise. An untranslated entry has none to match."""
    entry = text.entry
    if entry.msgid_plural:
        forms = [(f"msgstr[{n}]", entry.msgstr_plural[n]) for n in sorted(entry.msgstr_plural)]
        if not any(form for _name, form in forms):
            return
        forms.insert(0, ("msgid_plural", entry.msgid_plural))
    elif entry.msgstr:
        forms = [("msgstr", entry.msgstr)]
    else:
        return
    source = entry.msgid
    for name, form in forms:
        for side, has in (("begin", str.startswith), ("end", str.endswith)):
            if has(source, "\n") != has(form, "\n"):
                yield (f"msgid and {name} do not both {side} with a newline (\\n), which "
                       f"msgfmt --check refuses; make the {name} {side} as the msgid does")


_JOINED = re.compile(r"^#-#-#-#-#  .*  #-#-#-#-#$", re.MULTILINE)
"""The line msgcat (msgcat a.po b.po) writes above each of an entry's differing translations
that it keeps side by side in one msgstr, marking the entry fuzzy."""


@entry_check("joined-translations", _E, "not two translations msgcat joined in one msgstr "
             "(#-#-#-#-# lines)")
def check_joined_translations(text: Text, ctx: CheckContext) -> Iterator[str]:
    """A text holding msgcat's ``#-#-#-#-#  file  #-#-#-#-#`` lines: two translators'
    copies combined; left so, a page that shows fuzzy entries shows the whole block."""
    found = len(_JOINED.findall(text.entry.msgstr))
    if found:
        yield (f"msgcat joined {found} translations here, each under a '#-#-#-#-#  file  "
               "#-#-#-#-#' line; keep the one you mean and delete the rest")


@entry_check("placeholders", _E, "<n>…</n> and <n/> as in the source, nested the same")
def check_placeholders(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Placeholders <n>…</n> and <n/> identical in set, form and nesting."""
    try:
        expected = source_shape(text.source)
    except MarkupError:  # a hand-written msgid, or one nested past MAX_DEPTH: never usable
        return
    if not expected and "<" not in text.target:  # none on either side: most texts
        return
    try:
        found = shape(text.target)
    except MarkupError as exc:  # unbalanced, or a number used twice
        yield f"broken placeholders: {exc}"
        return
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    parts = []
    if missing:
        parts.append("missing " + _listed(_show(n, expected[n][1]) for n in missing))
    if extra:
        parts.append("unknown " + _listed(_show(n, found[n][1]) for n in extra))
    if parts:
        yield "placeholders differ: " + "; ".join(parts)
        return
    changed = [n for n in sorted(expected) if expected[n][1] != found[n][1]]
    if changed:
        yield "placeholders changed form: " + _listed(
            f"{_show(n, found[n][1])} should be {_show(n, expected[n][1])}" for n in changed)
        return
    moved = [n for n in sorted(expected) if expected[n] != found[n]]
    if moved:
        yield "placeholders nested differently: " + _listed(
            f"{_show(n, found[n][1])} should be {_where(expected[n][0])}" for n in moved)


def _show(number: int, empty: bool) -> str:
    return f"<{number}/>" if empty else f"<{number}>…</{number}>"


def _where(parent: int) -> str:
    return "at top level" if parent == 0 else f"inside <{parent}>…</{parent}>"


# A comment is searched as far as a tag (searched to the end, thousands of '<!--' never
# closed took seconds each pass).
_TAG_LIKE = re.compile(r"<!--.{0,200}?-->|<[/!?]?\s*[A-Za-z0-9][^<>]{0,200}>", re.DOTALL)


@entry_check("raw-markup", _E, "no raw '<' outside placeholders (no typed HTML tags)")
def check_raw_markup(text: Text, ctx: CheckContext) -> Iterator[str]:
    """A raw ``<`` outside placeholders: a typed tag, or a ``<`` that should be ``&lt;``."""
    if "<" not in text.target:  # most texts
        return
    target = strip_placeholders(text.target)
    if "<" not in target:
        return
    source = strip_placeholders(text.source)  # a msgid has none, unless written by hand
    known = set(_TAG_LIKE.findall(source))
    tags = [tag for tag in dict.fromkeys(_TAG_LIKE.findall(target)) if tag not in known]
    if tags:
        yield (f"text looks like an HTML tag ({_listed(tags)}); only <n>…</n> and <n/> "
               "placeholders are allowed")
    elif "<" in _TAG_LIKE.sub("", target) and "<" not in _TAG_LIKE.sub("", source):
        yield "raw '<' in the translation; write a literal '<' as &lt;"


_URL_CHAR = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_URL = re.compile(rf"(?<![A-Za-z0-9])(?:(?:https?|ftps?)://|www\.){_URL_CHAR}+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


_URL_HINT = re.compile(r"://|www\.", re.IGNORECASE)
"""What every URL holds: most texts have none, and this scan is far cheaper than _URL's."""


def _addresses(text: str) -> list[str]:
    """URLs and e-mail addresses in text, without the punctuation of the sentence."""
    found = ([_trim_url(match.group()) for match in _URL.finditer(text)]
             if _URL_HINT.search(text) else [])
    if "@" in text:
        found += [match.group() for match in _EMAIL.finditer(text)]
    return list(dict.fromkeys(found))


_source_addresses = lru_cache(maxsize=SOURCE_TEXTS)(_addresses)

_OPENER = {")": "(", "]": "["}


def _trim_url(url: str) -> str:
    """Drop sentence punctuation after a URL, and a bracket it does not open itself."""
    while url and (url[-1] in ".,;:!?'\"" or (
            url[-1] in _OPENER and url.count(_OPENER[url[-1]]) < url.count(url[-1]))):
        url = url[:-1]
    return url


@entry_check("urls", _E, "every URL and e-mail address of the source, unchanged")
def check_urls(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Every URL and e-mail address of the source appears unchanged in the translation,
    and no other."""
    wanted = _source_addresses(text.plain_source)
    target = text.plain_target
    if not wanted and not _URL_HINT.search(target) and "@" not in target:  # most texts
        return
    present = _addresses(target)
    missing = [address for address in wanted if address not in present]
    added = [address for address in present if address not in wanted]
    if missing:
        yield f"URL or e-mail address missing or changed: {_listed(missing)}"
    elif added:  # (an address to elsewhere slipped into the text)
        yield f"URL or e-mail address the source does not have: {_listed(added)}"


def _has_word(term: str, text: str, flags: int = 0) -> bool:
    """Whether text holds the term as a word of its own, or with an English plural's
    ending ("doctors", "MRIs": the source says the term all the same)."""
    return re.search(rf"(?<!\w){re.escape(term)}(?:e?s)?(?!\w)", text, flags) is not None


def _kind(char: str) -> str:
    """What a letter or digit is written in, as Unicode names it (LATIN, CYRILLIC, CJK,
    DIGIT, …)."""
    return unicodedata.name(char, "").partition(" ")[0]


def _begins_a_word(term: str, text: str, *, any_case: bool = False) -> bool:
    """Whether text holds ``term`` at the start of a word: not right after a letter or
    digit of the same kind ("Git" is not in "Digit", "RM" not in "normal"; a term is in
    CJK text beside it). What follows may be anything: a case ending ("Gitin",
    "Pythonu", "MISS'in"), a compound's other words; so "Gitter" holds "Git" too, which
    only a dictionary could tell."""
    if any_case:
        term, text = term.casefold(), text.casefold()
    if not term:
        return False
    at = text.find(term)
    while at >= 0:
        before = text[at - 1] if at else ""
        if not before.isalnum() or _kind(before) != _kind(term[0]):
            return True
        at = text.find(term, at + 1)
    return False


def _rendered(rendering: str, text: str) -> bool:
    """Whether text holds a preferred rendering, any case: anywhere in it (CJK and Thai
    write no spaces between words, German puts it at a compound's end: "Lendenwirbelsäule"),
    but for an abbreviation of three letters or fewer in a script with capitals, which
    must begin a word ("RM" is not in "normal"); or, for a single word of six letters or
    more, its stem (all but its last two letters: "операции" of "операция")."""
    folded = text.casefold()
    short = len(rendering) <= 3 and any(char.isupper() or char.islower() for char in rendering)
    if _begins_a_word(rendering, text, any_case=True) if short \
            else rendering.casefold() in folded:
        return True
    return len(rendering) >= 6 and rendering.isalpha() and rendering[:-2].casefold() in folded


@entry_check("do-not-translate", _E, "glossary do-not-translate terms, unchanged")
def check_do_not_translate(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Glossary terms found in the source (whole word, same case) stay unchanged.

    In the translation the term only has to begin a word as written (``_begins_a_word``),
    so an inflected form (MISS'in, Gitin, MISS-Verfahren) or one next to CJK text counts;
    the inside of another word ("Digit" for "Git") does not.
    """
    if not ctx.glossary.do_not_translate:
        return
    source, target = text.plain_source, text.plain_target
    missing = [term for term in dict.fromkeys(ctx.glossary.do_not_translate)
               if term and _has_word(term, source) and not _begins_a_word(term, target)]
    if missing:
        yield "do-not-translate term changed or missing: " + _listed(
            repr(term) for term in missing)


@entry_check("unusable-characters", _E, "no character a web page cannot hold (controls, "
             "lone surrogates, noncharacters)")
def check_unusable_characters(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Characters a page cannot hold (the build keeps the source text instead)."""
    found = unusable_characters(text.target)
    if found:
        yield (f"the translation holds characters a web page cannot hold ({describe(found)}); "
               "remove them")


@entry_check("blank", _E, "a translation that shows something where its source does")
def check_blank(text: Text, ctx: CheckContext) -> Iterator[str]:
    """A translation of spaces or invisible characters alone (a slip: a space typed, a
    zero-width space pasted) shows nothing where the source shows text: the build keeps
    the source text there, as for any translation it cannot use."""
    if shows_nothing(text.target) and not shows_nothing(text.source):
        seen = "".join(f" U+{ord(char):04X}" for char in dict.fromkeys(text.target))
        yield (f"the translation shows nothing (only{seen}); the page keeps the source "
               "text: write the translation, or empty it")


# Digits of any decimal system (\d is Unicode), grouped by . , ' and the right single
# quotation mark, the Arabic decimal and thousands separators, fullwidth . and , thin and
# no-break spaces, or by a plain space before exactly three digits ("1 000").
_NUMBER = re.compile(
    r"\d+(?:(?:[.,'\u2019\u066b\u066c\uff0c\uff0e\u00a0\u202f\u2009]|\x20(?=\d{3}(?!\d)))\d+)*"
)
_SEPARATOR = re.compile(r"[^\d]")
_GROUPING = frozenset("'\u2019\u066c\u00a0\u202f\u2009 ")
"""Separators that only ever group digits (a space, an apostrophe, the Arabic thousands
separator); the Arabic decimal separator (U+066B) only ever ends the whole part."""


@dataclass(frozen=True)
class _Number:
    """A number as written: the values it may mean, and, where spaces group it ("2 500",
    which in English is two numbers), its space-separated parts' values."""

    shown: str
    values: frozenset[str]
    parts: tuple[frozenset[str], ...] = ()


def _value(whole: str, fraction: str = "") -> str:
    """A number's value written alike: ``0012.50`` and ``12.5`` are ``12.5``."""
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _values(text: str, english: bool = False) -> frozenset[str]:
    """What a number may mean, its separators read as a locale's: the last one is the
    decimal separator unless it groups (a space, an apostrophe, one used before it too)
    or may (three digits after it: "1,000" is a thousand or, in German, one; read as
    English, ``english``, a comma groups there and a point ends the whole part); those
    before it group. "2.5" and "2,5" mean 2.5, never 25."""
    digits = "".join(str(unicodedata.decimal(char)) if unicodedata.decimal(char, None)
                     is not None else "|" for char in text)
    groups = digits.split("|")
    seps = _SEPARATOR.findall(text)
    if not seps:
        return frozenset({_value(groups[0])})
    last = seps[-1]
    grouped = _value("".join(groups))
    if last == "\u066b":
        return frozenset({_value("".join(groups[:-1]), groups[-1])})
    if last in _GROUPING or last in seps[:-1]:
        return frozenset({grouped})
    decimal = _value("".join(groups[:-1]), groups[-1])
    if len(groups[-1]) == 3 and not (len(seps) > 1 and seps[0] != last):
        if english and last in ",.":
            return frozenset({grouped if last == "," else decimal})
        return frozenset({grouped, decimal})
    return frozenset({decimal})


def _numbers(text: str, english: bool = False) -> tuple[_Number, ...]:
    """Numbers in text (any digit system), with what each may mean (``_values``)."""
    found = []
    for match in _NUMBER.finditer(text):
        shown = match.group()
        parts = shown.split(" ")
        found.append(_Number(shown, _values(shown, english), tuple(
            _values(part, english) for part in parts) if len(parts) > 1 else ()))
    return tuple(found)


@lru_cache(maxsize=SOURCE_TEXTS)
def _source_numbers(text: str) -> tuple[_Number, ...]:
    """A source text's numbers, read as English ("2,500 mg" is 2,500 mg there, so "2,5 mg"
    does not keep it; the sources of most projects are; a source in a language with a
    decimal comma may see a warning where three decimals follow it)."""
    return _numbers(text, english=True)


@entry_check("numbers", _W, "every number of the source (any digit system)")
def check_numbers(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Every number of the source appears in the translation, in any digit system.

    Group and decimal separators may change with the locale (1,000 → 1.000, 3.5 → 3,5 or
    Arabic-Indic digits with the Arabic decimal separator), the value may not (2.5 mg →
    25 mg is a tenfold dose). A number spaces group ("2 500 mg tablets", two numbers in
    English) is found whole or in its parts, on either side.
    """
    wanted = _source_numbers(text.plain_source)
    if not wanted:  # most texts: the translation is not searched
        return
    present: set[str] = set()
    for number in _numbers(text.plain_target):
        present.update(number.values)
        for part in number.parts:
            present.update(part)
    missing = [number.shown for number in wanted
               if not (number.values & present or (number.parts and all(
                   part & present for part in number.parts)))]
    if missing:
        yield f"number missing from the translation: {_listed(list(dict.fromkeys(missing)))}"


def _preferred(glossary: Glossary, ctx: CheckContext) -> dict[str, str]:
    """Renderings for the locale; ``pt`` entries also apply to ``pt_BR`` unless overridden."""
    terms = dict(glossary.preferred.get(ctx.language, {}))
    if ctx.locale != ctx.language:
        terms.update(glossary.preferred.get(ctx.locale, {}))
    return terms


@entry_check("preferred-term", _W, "glossary preferred renderings for the locale")
def check_preferred_terms(text: Text, ctx: CheckContext) -> Iterator[str]:
    """A glossary term in the source (a word of its own or its plural, any case; not in a
    URL) uses the preferred rendering (``_rendered``: beginning a word, or its stem)."""
    if not ctx.glossary.preferred:  # no glossary: most projects
        return
    source, target = _source_without_addresses(text.plain_source), text.plain_target
    wanted = _preferred(ctx.glossary, ctx)
    missing = [f"{term!r} should be rendered as {rendering!r}"
               for term, rendering in wanted.items()
               if term and _has_word(term, source, re.IGNORECASE)
               and not _rendered(rendering, target)]
    if missing:
        yield "preferred rendering missing: " + "; ".join(missing)


@entry_check("whitespace", _W, "leading and trailing whitespace as in the source")
def check_whitespace(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Leading and trailing whitespace of the translation match the source's. A side
    where one begins (ends) with a newline and the other does not is the ``newlines``
    error's to report, not this warning's too."""
    source, target = text.source, text.target
    parts = []
    for side, cut, has in (("leading", _leading, str.startswith),
                           ("trailing", _trailing, str.endswith)):
        if has(source, "\n") != has(target, "\n"):
            continue
        if cut(source) != cut(target):
            parts.append(f"{side} whitespace {cut(target)!r} where the source has "
                         f"{cut(source)!r}")
    if parts:
        yield "; ".join(parts)


def _leading(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trailing(text: str) -> str:
    return text[len(text.rstrip()):]


# Sentence-final punctuation by kind ("." "!" "?" ":" "…"), with each script's own marks.
# Written as escapes: several look like ASCII marks (ruff RUF001).
_ENDINGS: dict[str, str] = {"...": "…", "…": "…", ".": ".", "!": "!", "?": "?", ":": ":"}
_CJK = {
    "\u3002": ".", "\uff0e": ".", "\uff61": ".",  # ideographic, fullwidth, halfwidth stops
    "\uff01": "!", "\uff1f": "?", "\uff1a": ":",  # fullwidth ! ? :
    "……": "…", "\u22ef": "…",  # CJK ellipsis written twice; midline ellipsis
}
_INDIC = {"\u0964": ".", "\u0965": "."}  # danda, double danda
_ARABIC_QUESTION = {"\u061f": "?"}  # Arabic question mark
_ARABIC_STOP = {"\u061f": "?", "\u06d4": "."}  # Arabic question mark, Urdu full stop
_ETHIOPIC = {"\u1362": ".", "\u1367": "?"}  # Ethiopic full stop, question mark
_LOCAL_ENDINGS: dict[str, dict[str, str]] = {
    "zh": _CJK, "ja": _CJK, "yue": _CJK,
    "ar": _ARABIC_QUESTION, "fa": _ARABIC_QUESTION,
    "ur": _ARABIC_STOP, "ps": _ARABIC_STOP, "sd": _ARABIC_STOP,
    "hi": _INDIC, "mr": _INDIC, "ne": _INDIC, "sa": _INDIC, "bn": _INDIC, "as": _INDIC,
    "pa": _INDIC, "or": _INDIC,
    "my": {"\u104b": "."},  # Myanmar section mark
    "el": {";": "?", "\u037e": "?"},  # the Greek question mark is (or looks like) ;
    "am": _ETHIOPIC, "ti": _ETHIOPIC,
    "hy": {"\u0589": "."},  # Armenian full stop
}
_ONE_FULL_STOP = {"my"}
"""Languages whose full stop also ends questions and exclamations (Burmese U+104B)."""
_NO_FULL_STOP = {"th", "lo", "km"}
"""Languages that end statements without a mark."""
_CLOSERS = (  # quotes and brackets that may follow the final mark, in any script
    "\"'«»“”„\u2018\u2019\u201a\u2039\u203a「」『』()[]{}【】\uff08\uff09\u3014\u3015"
)


def _ending(text: str, language: str) -> tuple[str, str] | None:
    """(kind, mark) of the sentence punctuation ending text, or None (invisible format
    characters after it aside: a right-to-left mark after an Arabic full stop)."""
    text = text.rstrip().rstrip(_CLOSERS).rstrip()
    if text and unicodedata.category(text[-1]) == "Cf":
        text = "".join(char for char in text if unicodedata.category(char) != "Cf").rstrip()
        text = text.rstrip(_CLOSERS).rstrip()
    if text[-1:] not in _mark_ends(language):  # most texts: one set lookup
        return None
    for mark, kind in _marks(language):
        if text.endswith(mark):
            return kind, mark
    return None


_source_ending = lru_cache(maxsize=SOURCE_TEXTS)(_ending)


@cache
def _marks(language: str) -> tuple[tuple[str, str], ...]:
    """(mark, kind) of the language's end punctuation, longest marks first."""
    marks = _ENDINGS | _LOCAL_ENDINGS.get(language, {})
    return tuple((mark, marks[mark]) for mark in sorted(marks, key=len, reverse=True))


@cache
def _mark_ends(language: str) -> frozenset[str]:
    """The last character of each of the language's end punctuation marks."""
    return frozenset(mark[-1] for mark, _kind in _marks(language))


@entry_check("end-punctuation", _W, "sentence-final punctuation as in the source")
def check_end_punctuation(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Sentence-final punctuation of the source kept, in the target script's form."""
    expected = _source_ending(text.plain_source, "")
    found = _ending(text.plain_target, ctx.language)
    if expected is None and found is not None:
        yield f"the translation ends with '{found[1]}' but the source has no end punctuation"
    elif expected is not None and found is None:
        if expected[0] == "." and ctx.language in _NO_FULL_STOP:
            return
        yield f"the source ends with '{expected[1]}' but the translation has no end punctuation"
    elif expected is not None and found is not None and expected[0] != found[0]:
        if ctx.language in _ONE_FULL_STOP and {expected[0], found[0]} <= {".", "!", "?"}:
            return
        yield f"the source ends with '{expected[1]}' but the translation ends with '{found[1]}'"


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates: they can make text read otherwise than it is
stored ("Trojan Source"). The marks U+200E, U+200F and U+061C are ordinary in RTL text."""


@entry_check("bidi-controls", _W, "no bidirectional embedding, override or isolate the "
             "source lacks")
def check_bidi_controls(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Bidirectional controls the source does not have."""
    added = [char for char in dict.fromkeys(_BIDI.findall(text.target))
             if char not in text.source]
    if added:
        yield (f"the translation adds bidirectional controls ({describe(added)}) that can make "
               "it read otherwise than it is written; remove them unless you meant them")


# -- draft QA: what machine drafts get wrong (pofilter's and Weblate's checks) -------------
def _repeats(text: str) -> list[str]:
    """Each word said twice or more in a row, as its first two ("e e"; a run of 300 is
    named by its first two words). A word is letters and combining marks alone (Python's
    ``\\w`` holds no mark: a Hindi, Thai or vocalized Arabic word was cut at its first
    vowel sign, and its doubling never seen), between spaces."""
    found: list[str] = []
    tokens = text.split()
    for at in range(1, len(tokens)):
        word = tokens[at]
        if word.casefold() == tokens[at - 1].casefold() and (
                at < 2 or tokens[at - 2].casefold() != word.casefold()) and _is_word(word):
            found.append(f"{tokens[at - 1]} {word}")
    # an engine's loop: the same word three times or more, commas between ("entlassen,
    # entlassen, entlassen"; twice is a writer's "very, very")
    bare = [token.rstrip(_LOOP_PUNCTUATION).casefold() for token in tokens]
    at = 0
    while at < len(bare):
        end = at + 1
        while end < len(bare) and bare[end] == bare[at]:
            end += 1
        if end - at >= 3 and _is_word(bare[at]) and any(
                tokens[n][-1:] in _LOOP_PUNCTUATION for n in range(at, end - 1)):
            found.append(f"{tokens[at]} {tokens[at + 1]}")
        at = end
    return found


_LOOP_PUNCTUATION = ",;.،、，；。"


def _is_word(token: str) -> bool:
    """Letters and combining marks alone (no digit, punctuation or symbol)."""
    return token[:1].isalpha() and all(
        char.isalpha() or unicodedata.category(char)[0] == "M" for char in token)


@entry_check("repeated-words", _W, "no word doubled ('e e', 'the the') unless the source "
             "doubles it")
def check_repeated_words(text: Text, ctx: CheckContext) -> Iterator[str]:
    """A word twice in a row ("e e"), which the source does not do."""
    doubled = [found for found in dict.fromkeys(_repeats(text.plain_target))
               if not any(found.lower() == other.lower()
                          for other in _repeats(text.plain_source))]
    if doubled:
        yield "repeated word: " + _listed(repr(d) for d in doubled)


_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


@entry_check("double-spaces", _W, "no run of spaces the source does not have")
def check_double_spaces(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Two or more spaces between words where the source has none."""
    if "  " in text.plain_target and _SPACES.search(text.plain_target) \
            and not _SPACES.search(text.plain_source):
        yield "double space between words; use one"


def _letters(text: str) -> str:
    return "".join(filter(str.isalpha, text))


@lru_cache(maxsize=4096)
def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _without_kept(text: str, ctx: CheckContext) -> str:
    """The text less glossary terms kept as written and URLs, which stay Latin anywhere."""
    for term in ctx.glossary.do_not_translate:
        if term:
            text = text.replace(term, " ")
    return _without_addresses(text)


def _without_addresses(text: str) -> str:
    """The text less its URLs and e-mail addresses (which hold words: "…/spine")."""
    for address in _addresses(text):
        text = text.replace(address, " ")
    return text


_source_without_addresses = lru_cache(maxsize=SOURCE_TEXTS)(_without_addresses)


_WORD = re.compile(r"[^\W\d_]{3,}")
"""A word of three letters or more: "mm", "a b" are not text to translate."""
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{4,}")


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@entry_check("html-entity", _W, "no HTML character reference typed for a character "
             "('&nbsp;' is shown as typed)")
def check_html_entity(text: Text, ctx: CheckContext) -> Iterator[str]:
    """A translation is text, not HTML: a character reference typed in it (``&nbsp;``,
    ``&#8211;``) shows as typed on the page. The two the placeholder language has
    (``&lt;``, ``&amp;``) are fine, and so is one the source has too."""
    if "&" not in text.target:
        return
    source = set(_ENTITY.findall(text.source))
    typed = [ref for ref in dict.fromkeys(_ENTITY.findall(text.target))
             if ref not in source and ref not in ("&lt;", "&amp;")]
    named = [f"{ref} ({_character(ref)})" for ref in typed if _character(ref)]
    if named:
        yield (f"{_listed(named)} would show as typed, not as the character: the "
               "translation is text, not HTML; write the character itself")


def _character(reference: str) -> str | None:
    """What an HTML character reference stands for, as ``U+00A0 NO-BREAK SPACE``; None
    where it names no character (then it is plain text, not a slip)."""
    body = reference[1:-1]
    if body.startswith("#"):
        try:
            hexadecimal = body[1:2] in ("x", "X")
            char = chr(int(body[2:], 16) if hexadecimal else int(body[1:]))
        except (ValueError, OverflowError):
            return None
    else:
        found = html.entities.html5.get(body + ";")
        if found is None or len(found) != 1:
            return None
        char = found
    return f"U+{ord(char):04X} {unicodedata.name(char, 'character')}"


@entry_check("untranslated", _W, "not the source text left as it is")
def check_untranslated(text: Text, ctx: CheckContext) -> Iterator[str]:
    """The translation is the source as it was, though it has words to translate."""
    if ctx.language == "en":
        return
    source = text.plain_source
    if source.strip() == text.plain_target.strip() and _WORD.search(_without_kept(source, ctx)):
        yield ("the translation is the source text, untranslated; translate it (or keep it "
               "and say why in a comment)")


# Languages of the project's kind not written in the Latin alphabet, with their script's
# name as Unicode character names start (CJK ideographs, kana and hangul for zh, ja, ko).
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "zh": ("CJK",), "ja": ("CJK", "HIRAGANA", "KATAKANA"), "ko": ("HANGUL", "CJK"),
    "hi": ("DEVANAGARI",), "mr": ("DEVANAGARI",), "ne": ("DEVANAGARI",),
    "bn": ("BENGALI",), "pa": ("GURMUKHI",), "gu": ("GUJARATI",), "ta": ("TAMIL",),
    "te": ("TELUGU",), "kn": ("KANNADA",), "ml": ("MALAYALAM",), "si": ("SINHALA",),
    "th": ("THAI",), "lo": ("LAO",), "my": ("MYANMAR",), "km": ("KHMER",),
    "ar": ("ARABIC",), "fa": ("ARABIC",), "ur": ("ARABIC",), "ps": ("ARABIC",),
    "he": ("HEBREW",), "yi": ("HEBREW",), "el": ("GREEK",), "ru": ("CYRILLIC",),
    "uk": ("CYRILLIC",), "bg": ("CYRILLIC",), "sr": ("CYRILLIC",), "mk": ("CYRILLIC",),
    "be": ("CYRILLIC",), "kk": ("CYRILLIC",), "ka": ("GEORGIAN",), "hy": ("ARMENIAN",),
    "am": ("ETHIOPIC",),
}


def _script_name(name: str) -> str:
    """A script's name as people write it: ``Cyrillic``, ``CJK`` (Chinese characters)."""
    return "CJK (Han)" if name == "CJK" else name.title()


@entry_check("script", _W, "written in the locale's script (no Latin-only text in zh, ar, "
             "hi…)")
def check_script(text: Text, ctx: CheckContext) -> Iterator[str]:
    """Mostly Latin letters in a language written in another script (an engine that
    echoed English, or wrote a transliteration)."""
    scripts = _SCRIPTS.get(ctx.language)
    if scripts is None or "_Latn" in ctx.locale:
        return
    if text.plain_source.strip() == text.plain_target.strip():
        return  # check_untranslated says it
    kept = _without_kept(text.plain_target, ctx)
    if not _LATIN_WORD.search(kept):
        return
    letters = _letters(kept)
    latin = sum(map(_is_latin, letters))
    if latin * 2 > len(letters):
        yield (f"{latin} of {len(letters)} letters are Latin, but {ctx.locale} is written in "
               f"{_script_name(scripts[0])} script; translate the Latin text")


HEADER_CHECKS: tuple[HeaderCheck, ...] = tuple(_HEADER_CHECKS)
ENTRY_CHECKS: tuple[EntryCheck, ...] = tuple(_ENTRY_CHECKS)
EVERY_ENTRY_CHECKS = tuple(check for check in ENTRY_CHECKS if check.every_entry)
"""Those that also run on untranslated and plural entries, in the same order."""
CHECKS: tuple[Check, ...] = (*HEADER_CHECKS, *ENTRY_CHECKS)
"""Every check, in report order: the names and severities are part of the interface."""
ERROR_ENTRY_CHECKS = tuple(check for check in ENTRY_CHECKS if check.severity is _E)
"""The entry checks whose findings are errors, in the same order."""


# -- running ------------------------------------------------------------------------------
def check_header(catalog: polib.POFile, ctx: CheckContext) -> Iterator[Issue]:
    """Language and Plural-Forms agree with the locale; the header is not fuzzy."""
    header = Header.of(catalog)
    for check in HEADER_CHECKS:
        for message in check.run(header, ctx):
            yield Issue(check=check.name, severity=check.severity, message=message,
                        path=ctx.path)


def check_catalog(catalog: polib.POFile, ctx: CheckContext) -> list[Issue]:
    """Header issues first, then each entry's issues in file order, in check order."""
    ctx = replace(ctx, header=Header.of(catalog))
    issues = list(check_header(catalog, ctx))
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        issues.extend(entry_issues(entry, ctx))
    return issues


def entry_issues(entry: polib.POEntry, ctx: CheckContext) -> Iterator[Issue]:
    """One active entry's issues, in check order (``ctx.header``: its catalog's)."""
    text = Text(entry, entry.msgid, entry.msgstr)
    translated = bool(entry.msgstr) and not entry.msgid_plural
    for check in ENTRY_CHECKS if translated else EVERY_ENTRY_CHECKS:
        for message in check.run(text, ctx):
            yield Issue(check=check.name, severity=check.severity, message=message,
                        path=ctx.path, line=entry.linenum, context=entry.msgctxt,
                        msgid=entry.msgid)


def failed_errors(msgid: str, msgstr: str, ctx: CheckContext,
                  checks: Iterable[EntryCheck] = ERROR_ENTRY_CHECKS) -> list[str]:
    """The names of the ``checks`` (by default every error-level one) that ``msgstr``
    fails as the translation of ``msgid``, in check order: what holds a machine draft back
    from the pages (translate.py notes them on its provenance line)."""
    text = Text(polib.POEntry(msgid=msgid, msgstr=msgstr), msgid, msgstr)
    return [check.name for check in checks if next(iter(check.run(text, ctx)), None) is not None]


def check_file(path: Path, locale: str, glossary: Glossary, shown_path: str) -> list[Issue]:
    """Read one catalog once (CatalogError on a syntax error) and run every check on it;
    the header's findings name the line of its msgid, as an entry's do."""
    return checked_file(path, locale, glossary, shown_path)[0]


def checked_file(path: Path, locale: str, glossary: Glossary, shown_path: str
                 ) -> tuple[list[Issue], polib.POFile]:
    """``check_file``'s issues, and the catalog it read."""
    parsed = read_syntax(path)
    line = None if parsed.header is None else parsed.header.line
    po = to_polib(parsed)
    return [replace(issue, line=line) if issue.msgid is None else issue
            for issue in check_catalog(po, CheckContext(locale, shown_path, glossary))], po

"""Catalog checks: Babel reads the file, then small functions, one per check.

Every entry check has the same signature ``(entry, context) -> Iterable[Issue]``, a
stable kebab-case name (shown in the report and in JSON) and a fixed severity; header
checks take the catalog instead of an entry. Checks look at translated text only (a
non-empty msgstr), fuzzy entries included: a machine draft with broken placeholders is
reported like any other translation, at the same severity. No check fixes anything.
Untranslated and fuzzy entries are counted (``catalog.stats``), not reported.

Entries with plural forms are left to Babel's own checkers: the extractor never writes
them, and the build never uses them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from weakref import WeakKeyDictionary

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

from .catalog import metadata, read_syntax, to_babel
from .config import Glossary
from .markup import MarkupError, describe, plain_text, shape, unusable_characters
from .model import Issue, Severity


@dataclass(frozen=True)
class CheckContext:
    locale: str
    path: str
    """The catalog's path as the report shows it."""
    glossary: Glossary = field(default_factory=Glossary)
    catalog: Catalog | None = field(default=None, compare=False, repr=False)
    """The catalog being checked (set by check_catalog; Babel's plural checker needs it)."""

    @property
    def language(self) -> str:
        return self.locale.split("_")[0]


@dataclass(frozen=True)
class Check:
    """A check's stable name and its fixed severity."""

    name: str
    severity: Severity
    summary: str

    def issue(self, message: str, ctx: CheckContext, entry: Message | None = None) -> Issue:
        return Issue(
            check=self.name, severity=self.severity, message=message, path=ctx.path,
            line=entry.lineno if entry is not None else None,
            context=entry.context if entry is not None else None,
            msgid=str(entry.id) if entry is not None else None,
        )


_E, _W = Severity.ERROR, Severity.WARNING  # short names for the table below
HEADER_LANGUAGE = Check("header-language", _E, "the Language header names the catalog's locale")
HEADER_PLURAL_FORMS = Check("header-plural-forms", _E,
                            "the Plural-Forms header agrees with CLDR for the locale")
HEADER_FUZZY = Check("header-fuzzy", _E, "the header is not fuzzy")
BABEL = Check("babel", _E, "Babel's own checkers (python-format, number of plural forms)")
PLACEHOLDERS = Check("placeholders", _E, "<n>…</n> and <n/> as in the source, nested the same")
RAW_MARKUP = Check("raw-markup", _E, "no raw '<' outside placeholders (no typed HTML tags)")
URLS = Check("urls", _E, "every URL and e-mail address of the source, unchanged")
DO_NOT_TRANSLATE = Check("do-not-translate", _E, "glossary do-not-translate terms, unchanged")
NUMBERS = Check("numbers", _W, "every number of the source (any digit system)")
PREFERRED_TERM = Check("preferred-term", _W, "glossary preferred renderings for the locale")
WHITESPACE = Check("whitespace", _W, "leading and trailing whitespace as in the source")
END_PUNCTUATION = Check("end-punctuation", _W, "sentence-final punctuation as in the source")
UNUSABLE_CHARACTERS = Check("unusable-characters", _E,
                            "no character a web page cannot hold (controls, lone surrogates, "
                            "noncharacters)")
BIDI_CONTROLS = Check("bidi-controls", _W,
                      "no bidirectional embedding, override or isolate the source lacks")

REPEATED_WORDS = Check("repeated-words", _W, "no word doubled ('e e', 'the the') unless the "
                       "source doubles it")
DOUBLE_SPACES = Check("double-spaces", _W, "no run of spaces the source does not have")
UNTRANSLATED = Check("untranslated", _W, "not the source text left as it is")
SCRIPT = Check("script", _W, "written in the locale's script (no Latin-only text in zh, ar, "
               "hi…)")
CHECKS: tuple[Check, ...] = (
    HEADER_LANGUAGE, HEADER_PLURAL_FORMS, HEADER_FUZZY, BABEL, PLACEHOLDERS, RAW_MARKUP, URLS,
    DO_NOT_TRANSLATE, UNUSABLE_CHARACTERS, NUMBERS, PREFERRED_TERM, WHITESPACE,
    END_PUNCTUATION, BIDI_CONTROLS, REPEATED_WORDS, DOUBLE_SPACES, UNTRANSLATED, SCRIPT,
)
"""Every check, in report order: the names and severities are part of the interface."""


# -- reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Header:
    """The header as written in the file (Babel keeps only what it understands)."""

    fields: Mapping[str, str]
    fuzzy: bool


_HEADERS: WeakKeyDictionary[Catalog, _Header] = WeakKeyDictionary()


def read_catalog(path: Path, locale: str) -> Catalog:
    """Read with Babel, aborting on the first syntax error (reported as file:line).

    The header fields are also kept as written, so that check_header sees a missing
    Language or Plural-Forms field (Babel fills both in from ``locale``).
    """
    parsed = read_syntax(path)
    catalog = to_babel(parsed, locale)
    fields = metadata(parsed.header)
    # Babel parses the header's flags; without a header it reports the catalog as fuzzy.
    _HEADERS[catalog] = _Header(fields, fuzzy=bool(fields) and catalog.fuzzy)
    return catalog


def _header(catalog: Catalog) -> _Header:
    """The file's own header, or what Babel made of it for a catalog built in memory."""
    known = _HEADERS.get(catalog)
    if known is not None:
        return known
    return _Header(dict(catalog.mime_headers), bool(catalog.fuzzy))


# -- header checks ------------------------------------------------------------------------
HeaderCheck = Callable[[Catalog, CheckContext], Iterable[Issue]]


def check_header_language(catalog: Catalog, ctx: CheckContext) -> Iterator[Issue]:
    language = _header(catalog).fields.get("Language", "").strip()
    if not language:
        yield HEADER_LANGUAGE.issue(f"Language header is missing, expected {ctx.locale!r}", ctx)
    elif language.replace("-", "_") != ctx.locale:
        yield HEADER_LANGUAGE.issue(f"Language header is {language!r}, expected {ctx.locale!r}",
                                    ctx)


def check_header_plural_forms(catalog: Catalog, ctx: CheckContext) -> Iterator[Issue]:
    plural = get_plural(ctx.locale)
    expected = f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
    found = _header(catalog).fields.get("Plural-Forms", "").strip()
    if not found:
        yield HEADER_PLURAL_FORMS.issue(f"Plural-Forms header is missing, CLDR says {expected!r}",
                                        ctx)
    elif _squeeze(found) != _squeeze(expected):
        yield HEADER_PLURAL_FORMS.issue(f"Plural-Forms is {found!r}, CLDR says {expected!r}", ctx)


def _squeeze(plural_forms: str) -> str:
    return "".join(plural_forms.split()).rstrip(";")


def check_header_fuzzy(catalog: Catalog, ctx: CheckContext) -> Iterator[Issue]:
    if _header(catalog).fuzzy:
        yield HEADER_FUZZY.issue("the header is marked fuzzy, so compilers skip the whole file; "
                                 "remove the fuzzy flag from the header", ctx)


HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_header_language, check_header_plural_forms, check_header_fuzzy,
)


def check_header(catalog: Catalog, ctx: CheckContext) -> Iterator[Issue]:
    """Language and Plural-Forms agree with the locale; the header is not fuzzy."""
    for check in HEADER_CHECKS:
        yield from check(catalog, ctx)


# -- entry checks -------------------------------------------------------------------------
EntryCheck = Callable[[Message, CheckContext], Iterable[Issue]]


def _text(entry: Message) -> tuple[str, str] | None:
    """(msgid, msgstr) of a translated singular entry, or None."""
    if not isinstance(entry.id, str) or not isinstance(entry.string, str) or not entry.string:
        return None
    return entry.id, entry.string


def _plain(entry: Message) -> tuple[str, str] | None:
    """(msgid, msgstr) as text: placeholders removed, ``&lt;`` decoded."""
    pair = _text(entry)
    return None if pair is None else (plain_text(pair[0]), plain_text(pair[1]))


def _listed(items: Iterable[str]) -> str:
    return ", ".join(items)


def check_babel(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Babel's checkers: python-format placeholders, number of plural forms."""
    for error in entry.check(ctx.catalog):
        yield BABEL.issue(str(error), ctx, entry)


def check_placeholders(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Placeholders <n>…</n> and <n/> identical in set, form and nesting."""
    pair = _text(entry)
    if pair is None:
        return
    source, target = pair
    try:
        expected = shape(source)
    except MarkupError:  # a hand-written msgid, or one nested past MAX_DEPTH: never usable
        return
    try:
        found = shape(target)
    except MarkupError as exc:  # unbalanced, or a number used twice
        yield PLACEHOLDERS.issue(f"broken placeholders: {exc}", ctx, entry)
        return
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    parts = []
    if missing:
        parts.append("missing " + _listed(_show(n, expected[n][1]) for n in missing))
    if extra:
        parts.append("unknown " + _listed(_show(n, found[n][1]) for n in extra))
    if parts:
        yield PLACEHOLDERS.issue("placeholders differ: " + "; ".join(parts), ctx, entry)
        return
    changed = [n for n in sorted(expected) if expected[n][1] != found[n][1]]
    if changed:
        yield PLACEHOLDERS.issue("placeholders changed form: " + _listed(
            f"{_show(n, found[n][1])} should be {_show(n, expected[n][1])}" for n in changed),
            ctx, entry)
        return
    moved = [n for n in sorted(expected) if expected[n] != found[n]]
    if moved:
        yield PLACEHOLDERS.issue("placeholders nested differently: " + _listed(
            f"{_show(n, found[n][1])} should be {_where(expected[n][0])}" for n in moved),
            ctx, entry)


def _show(number: int, empty: bool) -> str:
    return f"<{number}/>" if empty else f"<{number}>…</{number}>"


def _where(parent: int) -> str:
    return "at top level" if parent == 0 else f"inside <{parent}>…</{parent}>"


_TOKEN = re.compile(r"<(\d+)/>|<(\d+)>|</(\d+)>")  # the placeholder tokens of markup.py
_TAG_LIKE = re.compile(r"<!--.*?-->|<[/!?]?\s*[A-Za-z0-9][^<>]{0,200}>", re.DOTALL)


def check_raw_markup(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """A raw ``<`` outside placeholders: a typed tag, or a ``<`` that should be ``&lt;``."""
    pair = _text(entry)
    if pair is None:
        return
    source, target = pair
    text = _TOKEN.sub("", target)
    if "<" not in text:
        return
    source = _TOKEN.sub("", source)  # a msgid has none, unless written by hand
    known = set(_TAG_LIKE.findall(source))
    tags = [tag for tag in dict.fromkeys(_TAG_LIKE.findall(text)) if tag not in known]
    if tags:
        yield RAW_MARKUP.issue(f"text looks like an HTML tag ({_listed(tags)}); only <n>…</n> "
                               "and <n/> placeholders are allowed", ctx, entry)
    elif "<" in _TAG_LIKE.sub("", text) and "<" not in _TAG_LIKE.sub("", source):
        yield RAW_MARKUP.issue("raw '<' in the translation; write a literal '<' as &lt;",
                               ctx, entry)


_URL_CHAR = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_URL = re.compile(rf"(?<![A-Za-z0-9])(?:(?:https?|ftps?)://|www\.){_URL_CHAR}+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def _addresses(text: str) -> list[str]:
    """URLs and e-mail addresses in text, without the punctuation of the sentence."""
    found = [_trim_url(match.group()) for match in _URL.finditer(text)]
    found += [match.group() for match in _EMAIL.finditer(text)]
    return list(dict.fromkeys(found))


_OPENER = {")": "(", "]": "["}


def _trim_url(url: str) -> str:
    """Drop sentence punctuation after a URL, and a bracket it does not open itself."""
    while url and (url[-1] in ".,;:!?'\"" or (
            url[-1] in _OPENER and url.count(_OPENER[url[-1]]) < url.count(url[-1]))):
        url = url[:-1]
    return url


def check_urls(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Every URL and e-mail address of the source appears unchanged in the translation."""
    pair = _plain(entry)
    if pair is None:
        return
    source, target = pair
    present = set(_addresses(target))
    missing = [address for address in _addresses(source) if address not in present]
    if missing:
        yield URLS.issue(f"URL or e-mail address missing or changed: {_listed(missing)}",
                         ctx, entry)


def _has_word(term: str, text: str, flags: int = 0) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags) is not None


def check_do_not_translate(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Glossary terms found in the source (whole word, same case) stay unchanged.

    In the translation the term only has to occur as written, so an inflected form
    (MISS'in, MISS-Verfahren) or one next to CJK text counts.
    """
    pair = _plain(entry)
    if pair is None or not ctx.glossary.do_not_translate:
        return
    source, target = pair
    missing = [term for term in dict.fromkeys(ctx.glossary.do_not_translate)
               if term and _has_word(term, source) and term not in target]
    if missing:
        yield DO_NOT_TRANSLATE.issue("do-not-translate term changed or missing: "
                                     + _listed(repr(term) for term in missing), ctx, entry)


# Digits of any decimal system (\d is Unicode), grouped by . , ' and the right single
# quotation mark, the Arabic decimal and thousands separators, fullwidth . and , thin and
# no-break spaces, or by a plain space before exactly three digits ("1 000").
_NUMBER = re.compile(
    r"\d+(?:(?:[.,'\u2019\u066b\u066c\uff0c\uff0e\u00a0\u202f\u2009]|\x20(?=\d{3}(?!\d)))\d+)*"
)


def _numbers(text: str) -> dict[str, str]:
    """Numbers in text, keyed by their digits in ASCII (separators left out)."""
    found: dict[str, str] = {}
    for match in _NUMBER.finditer(text):
        digits = "".join(str(unicodedata.decimal(char)) for char in match.group()
                         if unicodedata.decimal(char, None) is not None)
        found.setdefault(digits, match.group())
    return found


def check_numbers(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Every number of the source appears in the translation, in any digit system.

    Group and decimal separators may change with the locale (1,000 → 1.000, 3.5 → 3,5 or
    Arabic-Indic digits with the Arabic decimal separator).
    """
    pair = _plain(entry)
    if pair is None:
        return
    source, target = pair
    present = _numbers(target)
    missing = [shown for digits, shown in _numbers(source).items() if digits not in present]
    if missing:
        yield NUMBERS.issue(f"number missing from the translation: {_listed(missing)}",
                            ctx, entry)


def _preferred(glossary: Glossary, ctx: CheckContext) -> dict[str, str]:
    """Renderings for the locale; ``pt`` entries also apply to ``pt_BR`` unless overridden."""
    terms = dict(glossary.preferred.get(ctx.language, {}))
    if ctx.locale != ctx.language:
        terms.update(glossary.preferred.get(ctx.locale, {}))
    return terms


def check_preferred_terms(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """A glossary term in the source (whole word, any case) uses the preferred rendering."""
    pair = _plain(entry)
    if pair is None:
        return
    source, target = pair
    wanted = _preferred(ctx.glossary, ctx)
    missing = [f"{term!r} should be rendered as {rendering!r}"
               for term, rendering in wanted.items()
               if term and _has_word(term, source, re.IGNORECASE)
               and rendering.casefold() not in target.casefold()]
    if missing:
        yield PREFERRED_TERM.issue("preferred rendering missing: " + "; ".join(missing),
                                   ctx, entry)


def check_whitespace(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Leading and trailing whitespace of the translation match the source's."""
    pair = _text(entry)
    if pair is None:
        return
    source, target = pair
    parts = []
    for side, cut in (("leading", _leading), ("trailing", _trailing)):
        if cut(source) != cut(target):
            parts.append(f"{side} whitespace {cut(target)!r} where the source has "
                         f"{cut(source)!r}")
    if parts:
        yield WHITESPACE.issue("; ".join(parts), ctx, entry)


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
    """(kind, mark) of the sentence punctuation ending text, or None."""
    text = text.rstrip().rstrip(_CLOSERS).rstrip()
    marks = _ENDINGS | _LOCAL_ENDINGS.get(language, {})
    for mark in sorted(marks, key=len, reverse=True):
        if text.endswith(mark):
            return marks[mark], mark
    return None


def check_end_punctuation(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Sentence-final punctuation of the source kept, in the target script's form."""
    pair = _plain(entry)
    if pair is None:
        return
    source, target = pair
    expected = _ending(source, "")
    found = _ending(target, ctx.language)
    if expected is None and found is not None:
        yield END_PUNCTUATION.issue(
            f"the translation ends with '{found[1]}' but the source has no end punctuation",
            ctx, entry)
    elif expected is not None and found is None:
        if expected[0] == "." and ctx.language in _NO_FULL_STOP:
            return
        yield END_PUNCTUATION.issue(
            f"the source ends with '{expected[1]}' but the translation has no end punctuation",
            ctx, entry)
    elif expected is not None and found is not None and expected[0] != found[0]:
        if ctx.language in _ONE_FULL_STOP and {expected[0], found[0]} <= {".", "!", "?"}:
            return
        yield END_PUNCTUATION.issue(
            f"the source ends with '{expected[1]}' but the translation ends with '{found[1]}'",
            ctx, entry)


def check_unusable_characters(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Characters a page cannot hold (the build keeps the source text instead)."""
    pair = _text(entry)
    if pair is None:
        return
    found = unusable_characters(pair[1])
    if found:
        yield UNUSABLE_CHARACTERS.issue(
            f"the translation holds characters a web page cannot hold ({describe(found)}); "
            "remove them", ctx, entry)


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates: they can make text read otherwise than it is
stored ("Trojan Source"). The marks U+200E, U+200F and U+061C are ordinary in RTL text."""


def check_bidi_controls(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Bidirectional controls the source does not have."""
    pair = _text(entry)
    if pair is None:
        return
    source, target = pair
    added = [char for char in dict.fromkeys(_BIDI.findall(target)) if char not in source]
    if added:
        yield BIDI_CONTROLS.issue(
            f"the translation adds bidirectional controls ({describe(added)}) that can make "
            "it read otherwise than it is written; remove them unless you meant them",
            ctx, entry)


# -- draft QA: what machine drafts get wrong (pofilter's and Weblate's checks) -------------
_REPEATED = re.compile(r"(?<!\w)([^\W\d_]+)(?:\s+\1)+(?!\w)", re.IGNORECASE)


def _repeats(text: str) -> list[str]:
    return [match.group(0) for match in _REPEATED.finditer(text)]


def check_repeated_words(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """A word twice in a row ("e e"), which the source does not do."""
    pair = _plain(entry)
    if pair is None:
        return
    source, target = pair
    doubled = [found for found in dict.fromkeys(_repeats(target))
               if not any(found.lower() == other.lower() for other in _repeats(source))]
    if doubled:
        yield REPEATED_WORDS.issue("repeated word: " + _listed(repr(d) for d in doubled),
                                   ctx, entry)


_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def check_double_spaces(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Two or more spaces between words where the source has none."""
    pair = _plain(entry)
    if pair is None:
        return
    source, target = pair
    if _SPACES.search(target) and not _SPACES.search(source):
        yield DOUBLE_SPACES.issue("double space between words; use one", ctx, entry)


def _letters(text: str) -> str:
    return "".join(char for char in text if char.isalpha())


def _without_kept(text: str, ctx: CheckContext) -> str:
    """The text less glossary terms kept as written and URLs, which stay Latin anywhere."""
    for term in ctx.glossary.do_not_translate:
        if term:
            text = text.replace(term, " ")
    for address in _addresses(text):
        text = text.replace(address, " ")
    return text


_WORD = re.compile(r"[^\W\d_]{3,}")
"""A word of three letters or more: "mm", "a b" are not text to translate."""
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{4,}")


def check_untranslated(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """The translation is the source as it was, though it has words to translate."""
    pair = _plain(entry)
    if pair is None or ctx.language == "en":
        return
    source, target = pair
    if source.strip() == target.strip() and _WORD.search(_without_kept(source, ctx)):
        yield UNTRANSLATED.issue("the translation is the source text, untranslated; "
                                 "translate it (or keep it and say why in a comment)",
                                 ctx, entry)


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


def check_script(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Mostly Latin letters in a language written in another script (an engine that
    echoed English, or wrote a transliteration)."""
    scripts = _SCRIPTS.get(ctx.language)
    pair = _plain(entry)
    if scripts is None or pair is None or "_Latn" in ctx.locale:
        return
    source, target = pair
    if source.strip() == target.strip():
        return  # check_untranslated says it
    kept = _without_kept(target, ctx)
    letters = _letters(kept)
    latin = sum(1 for char in letters if unicodedata.name(char, "").startswith("LATIN"))
    if _LATIN_WORD.search(kept) and latin * 2 > len(letters):
        yield SCRIPT.issue(f"{latin} of {len(letters)} letters are Latin, but "
                           f"{ctx.locale} is written in {scripts[0].title()} script; "
                           "translate the Latin text", ctx, entry)


ENTRY_CHECKS: tuple[EntryCheck, ...] = (
    check_babel, check_placeholders, check_raw_markup, check_urls, check_do_not_translate,
    check_unusable_characters, check_numbers, check_preferred_terms, check_whitespace,
    check_end_punctuation, check_bidi_controls, check_repeated_words, check_double_spaces,
    check_untranslated, check_script,
)
"""Every entry check, in report order (errors first)."""


# -- running ------------------------------------------------------------------------------
def check_catalog(catalog: Catalog, ctx: CheckContext) -> list[Issue]:
    """Header issues first, then each entry's issues in file order."""
    if ctx.catalog is not catalog:
        ctx = replace(ctx, catalog=catalog)
    issues = list(check_header(catalog, ctx))
    for entry in catalog:
        if not entry.id:
            continue
        for check in ENTRY_CHECKS:
            issues.extend(check(entry, ctx))
    return issues


def check_file(path: Path, locale: str, glossary: Glossary, shown_path: str) -> list[Issue]:
    """Read one catalog (CatalogError on a syntax error) and run every check on it."""
    return check_catalog(read_catalog(path, locale), CheckContext(locale, shown_path, glossary))

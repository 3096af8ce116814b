"""Catalog checks: Babel reads the file, then small functions, one per check.

Every check has the same signature ``(entry, context) -> Iterable[Issue]`` and a fixed
severity; none of them fixes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

from .catalog import read_babel
from .config import Glossary
from .markup import MarkupError, shape
from .model import Issue, Severity


@dataclass(frozen=True)
class CheckContext:
    locale: str
    path: str
    glossary: Glossary


def read_catalog(path: Path, locale: str) -> Catalog:
    """Read with Babel, aborting on the first syntax error (reported as file:line)."""
    return read_babel(path, locale)


EntryCheck = Callable[[Message, CheckContext], Iterable[Issue]]


def _issue(check: str, severity: Severity, message: str, entry: Message | None,
           ctx: CheckContext) -> Issue:
    return Issue(
        check=check, severity=severity, message=message, path=ctx.path,
        line=entry.lineno if entry is not None else None,
        context=entry.context if entry is not None else None,
        msgid=str(entry.id) if entry is not None else None,
    )


def _text(entry: Message) -> tuple[str, str] | None:
    """(msgid, msgstr) of a translated singular entry, or None."""
    if not isinstance(entry.id, str) or not isinstance(entry.string, str) or not entry.string:
        return None
    return entry.id, entry.string


def check_placeholders(entry: Message, ctx: CheckContext) -> Iterator[Issue]:
    """Placeholders <n>…</n> and <n/> identical in set and nesting."""
    pair = _text(entry)
    if pair is None:
        return
    source, target = pair
    try:
        expected = shape(source)
    except MarkupError:  # pragma: no cover - extract never writes such a msgid
        return
    try:
        found = shape(target)
    except MarkupError as exc:
        yield _issue("placeholders", Severity.ERROR, f"broken placeholders: {exc}", entry, ctx)
        return
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    parts = []
    if missing:
        parts.append("missing " + ", ".join(_show(n, expected[n][1]) for n in missing))
    if extra:
        parts.append("unknown " + ", ".join(_show(n, found[n][1]) for n in extra))
    if parts:
        yield _issue("placeholders", Severity.ERROR, "placeholders differ: " + "; ".join(parts),
                     entry, ctx)
        return
    moved = [n for n in sorted(expected) if expected[n] != found[n]]
    if moved:
        yield _issue("placeholders", Severity.ERROR,
                     "placeholders nested differently: " + ", ".join(
                         _show(n, expected[n][1]) for n in moved), entry, ctx)


def _show(number: int, empty: bool) -> str:
    return f"<{number}/>" if empty else f"<{number}>…</{number}>"


ENTRY_CHECKS: tuple[EntryCheck, ...] = (check_placeholders,)


def check_header(catalog: Catalog, ctx: CheckContext) -> Iterator[Issue]:
    language = catalog.mime_headers and dict(catalog.mime_headers).get("Language", "")
    if language != ctx.locale:
        yield _issue("header-language", Severity.ERROR,
                     f"Language header is {language or 'missing'!r}, expected {ctx.locale!r}",
                     None, ctx)
    plural = get_plural(ctx.locale)
    expected = f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
    headers = dict(catalog.mime_headers)
    found = headers.get("Plural-Forms", "")
    if found.replace(" ", "") != expected.replace(" ", ""):
        yield _issue("header-plural-forms", Severity.ERROR,
                     f"Plural-Forms is {found or 'missing'!r}, CLDR says {expected!r}", None, ctx)
    if catalog.fuzzy:
        yield _issue("header-fuzzy", Severity.ERROR,
                     "the header is marked fuzzy, so compilers skip the whole file; remove "
                     "the fuzzy flag from the header", None, ctx)


def check_catalog(catalog: Catalog, ctx: CheckContext) -> list[Issue]:
    issues = list(check_header(catalog, ctx))
    for entry, errors in catalog.check():
        for error in errors:
            issues.append(_issue("babel", Severity.ERROR, str(error), entry, ctx))
    for entry in catalog:
        if not entry.id:
            continue
        for check in ENTRY_CHECKS:
            issues.extend(check(entry, ctx))
    return issues

"""What every page needs to know about the whole site: its pages and locales, which
locales are published, and the paths, URLs and links between its pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from urllib.parse import quote, unquote, urlsplit

from .languages import bcp47


def folders_of(names: Iterable[str]) -> frozenset[str]:
    """Every folder that holds one of ``names`` (paths below the source folder), however
    deep: ``docs/v1.2/index.html`` gives ``docs`` and ``docs/v1.2``."""
    found: set[str] = set()
    for name in names:
        folder = posixpath.dirname(name)
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return frozenset(found)


@dataclass(frozen=True)
class Site:
    """What every page needs to know about the whole site."""

    pages: Sequence[str]
    source_locale: str
    locales: Sequence[str]
    base_url: str | None = None
    assets: frozenset[str] = frozenset()
    """Files of the source folder (images, CSS…) copied once to the output root."""
    progress: Mapping[str, float] = field(default_factory=dict)
    """Percent of the site's text each locale shows translated (absent: complete)."""
    threshold: float = 0.0
    """Locales below it are built for preview only: marked noindex, and left out of the
    hreflang alternates, the sitemap and the language menu (the index lists them)."""
    unindexed: frozenset[str] = frozenset()
    """Pages whose source asks search engines not to index them (``<meta name="robots"
    content="noindex">``): no hreflang alternates or canonical link, not in the sitemap."""
    withheld: frozenset[tuple[str, str]] = frozenset()
    """(locale, page) of a published locale whose page shows less than ``threshold``
    translated (a page added since the last translation): built as a preview, as a
    preview locale's pages are (``is_listed``)."""

    @cached_property
    def page_set(self) -> frozenset[str]:
        """``pages``, to look a link's target up in."""
        return frozenset(self.pages)

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder below the source folder that holds a page or an asset, however
        deep (``docs``, ``docs/v1.2``): a link to one stays a link into the site."""
        return folders_of((*self.pages, *self.assets))

    @cached_property
    def root_path(self) -> str:
        """served_path of ``base_url``."""
        return served_path(self.base_url)

    @property
    def all_locales(self) -> list[str]:
        return [self.source_locale, *self.locales]

    def is_published(self, locale: str) -> bool:
        return locale == self.source_locale or self.progress.get(locale, 100.0) >= self.threshold

    @property
    def published(self) -> list[str]:
        """The locales search engines and the language menu are told about."""
        return [locale for locale in self.all_locales if self.is_published(locale)]

    def is_listed(self, locale: str, page: str) -> bool:
        """Whether search engines are told of ``page`` in ``locale``: its locale is
        published and the page is not ``withheld``."""
        return self.is_published(locale) and (locale, page) not in self.withheld

    def listed(self, page: str) -> list[str]:
        """The locales whose ``page`` its hreflang alternates and the sitemap name."""
        return [locale for locale in self.published if (locale, page) not in self.withheld]

    def path(self, locale: str, page: str) -> str:
        """The output file's path below the site root (a file name, not a URL)."""
        return f"{bcp47(locale)}/{page}"

    def url(self, locale: str, page: str) -> str:
        """The page's absolute URL (with ``base_url``) or its root-relative URL path."""
        return (self.base_url or "") + url_path(self.path(locale, page))

    def href(self, from_path: str, locale: str, page: str) -> str:
        """A link people click, from the file ``from_path`` to a page: always relative, so
        the site works wherever it is opened (from disk, a preview server, a subfolder)."""
        return _link(posixpath.dirname(from_path), self.path(locale, page))

    def alternate(self, from_path: str, locale: str, page: str) -> str:
        """A link for search engines (hreflang alternates): absolute with ``base_url``,
        as they require; relative without one."""
        return self.url(locale, page) if self.base_url else self.href(from_path, locale, page)


def listed_title(title: str | None, page: str) -> str:
    """How index.html and report.html name a page: its title, else (none, or one of spaces
    alone, which would make an empty link) its file name."""
    return (title or "").strip() or page


def served_path(base_url: str | None) -> str:
    """The URL path the site is served at, ending in ``/``: ``base_url``'s (``/docs/`` for
    ``https://example.org/docs/``), else ``/``. The source folder was served there too, so
    a root-relative link of its pages to one of its files starts with it. Decoded
    (``/my docs/`` for ``…/my%20docs/``), as the links are before they are compared."""
    path = unquote(urlsplit(base_url).path) if base_url else "/"
    return path if path.endswith("/") else path + "/"


@lru_cache(maxsize=1 << 16)  # every page's menu links the same pages of every locale
def _link(start: str, target: str) -> str:
    """``Site.href`` from a file in the folder ``start`` to the file ``target``."""
    folder, name = posixpath.split(target)
    up = _relative_folder(folder, start)
    return _quoted(name) if up == "." else f"{_quoted(up)}/{_quoted(name)}"


@cache  # a few folders, asked for every link of every page's menu and alternates
def _relative_folder(folder: str, start: str) -> str:
    return posixpath.relpath(folder or ".", start or ".")


@cache
def _quoted(path: str) -> str:
    return url_path(path)


def url_path(path: str) -> str:
    """A file path as a URL path: ``sub dir/x&y#z?.html`` → ``sub%20dir/x%26y%23z%3F.html``.

    Every character outside RFC 3986's unreserved set is percent-encoded (UTF-8), so a
    page name never turns into a query, a fragment or an entity.
    """
    return quote(path, safe="/")

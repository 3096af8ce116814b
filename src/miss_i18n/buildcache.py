"""Built pages kept between runs: an index of what each page was made of and where it is.

An edit to one paragraph changes one page, and one entry in each catalog: every other page
of every locale would come out byte for byte as before. So the build records, for each page
it wrote, a digest of everything that build read, and the output file it wrote (its
SHA-256, and its size and times as the file system gave them after the write):

- the page's source bytes and name, the site's pages its root-relative links name, and
  the code that builds it (this package's modules, lxml's, libxml2's, Babel's and
  html5lib's versions);
- for each entry the page uses, in order: its context, msgid, the translation the build
  shows (or none), and whether that is a machine draft, a stale translation or a memory
  draft;
- the locale, and what the page's language menu, alternates and notices read from the
  site: the locales linked and those published, the base URL, the assets, and the
  translations of the build's own text.

Which locales search engines are told the page is in (Site.listed: a page of a published
locale that shows too little translated is a preview) depends on the page's entries in
every locale: its row holds them, and a page whose row names others is built again.

A later build with the same digest for a page whose output file is still what it wrote
(same size and times, as ``git status`` decides; else the same SHA-256) neither builds nor
writes it. The output is its own cache: nothing is stored twice, and a page someone
changed, damaged or removed in the output folder is rebuilt. Each source page's segments
are kept too, by the digest of its bytes (and the code): extraction reads them instead of
parsing an unchanged page, and a page hit costs no parse.

The index is one file, ``.miss-i18n/pages.json`` (git-ignored): a header line with a digest
of the rest, then one JSON line per row. A damaged, truncated or foreign index is ignored
(every page is rebuilt), never trusted. It is replaced atomically; a full build keeps only
the rows it used.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import importlib.util
import json
import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import babel
from lxml import etree

from .build import PageReport, Rejection, Review
from .chrome import CHROME
from .errors import ConflictError, MissI18nError
from .files import signature, still_holds, write_if_changed
from .languages import known_names, learn
from .markup import HTML_SPACE
from .model import Key, Segment
from .pages import decode_page, page_encoding
from .segments import Plan
from .website import Site, folders_of

INDEX = Path(".miss-i18n") / "pages.json"
LEGACY = Path(".miss-i18n") / "pages"
"""Where format 2 kept whole pages (one file each): removed, ours only, on the first write."""
_LEGACY_BUCKET = re.compile(r"[0-9a-f]{2}")
_LEGACY_ENTRY = re.compile(r"[0-9a-f]{64}\.(?:html|keys)|\.[a-z0-9_]{8}\.tmp")
FORMAT = 10
_PACKAGE = Path(__file__).resolve().parent


@cache
def code_digest() -> str:
    """This package's code and the libraries that shape a page's bytes: html5lib's code as
    ours, by its files (pages.browser_tree; importing it, or asking its version of the
    installed distributions, cost 25 and 50 ms a run)."""
    hasher = hashlib.sha256(f"format {FORMAT}\0".encode())
    spec = importlib.util.find_spec("html5lib")
    html5lib = Path(spec.origin).parent if spec is not None and spec.origin else None
    for package in (_PACKAGE, *([html5lib] if html5lib is not None else [])):
        for path in sorted(package.rglob("*.py")):
            data = path.read_bytes()
            hasher.update(f"{path.relative_to(package).as_posix()}\0{len(data)}\0".encode())
            hasher.update(data)
    hasher.update(repr((etree.LXML_VERSION, etree.LIBXML_VERSION, babel.__version__)).encode())
    return hasher.hexdigest()


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


_ROOTED = re.compile(r"""=[ \t\n\r\f]*(?:"[ \t\n\r\f]*/(?!/)([^"?#]*)"""
                     r"""|'[ \t\n\r\f]*/(?!/)([^'?#]*)|/(?!/)([^ \t\n\r\f>?#"']*))""")
"""An attribute value that may be a root-relative URL (``href="/about.html"``), its path
(the bare form also finds a redirect's, ``content="0; url=/about.html"``)."""
_ABSOLUTE = re.compile(r"""=[ \t\n\r\f]*(?:"[ \t\n\r\f]*(?i:https?)://[^/"?#]*/([^"?#]*)"""
                       r"""|'[ \t\n\r\f]*(?i:https?)://[^/'?#]*/([^'?#]*)"""
                       r"""|(?i:https?)://[^/ \t\n\r\f>?#"']*/([^ \t\n\r\f>?#"']*))""")
"""One that may be an absolute URL into the site (``href="https://example.org/a.html"``),
its path: of any host (relink makes only the base-url's relative; more names here only
rebuild the page more often)."""
_BASE = re.compile(r"<base[\s/>]", re.IGNORECASE)


def rooted_pages(data: bytes, pages: frozenset[str], root_path: str = "/") -> bytes:
    """Which of ``pages`` the page's root-relative links (and absolute ones into the site)
    may name (relink.relink_assets makes those relative; ``root_path``: where the site is
    served, website.served_path):
    its build depends on them existing. All of them under a ``<base>``, which may make any
    link root-relative. Then the names with a dot that the site's pages make its own
    (``_dotted``) and that the page may link: relink leaves a relative link to one as it
    is, and writes one to a name that is not from the locale folder."""
    text = decode_page(data, page_encoding(data))
    if _BASE.search(text):
        return "\0".join(sorted(pages)).encode()
    found = ("/" + unquote(html.unescape("".join(paths).rstrip(HTML_SPACE)))
             for paths in [*_ROOTED.findall(text), *_ABSOLUTE.findall(text)])
    named = {posixpath.normpath(path[len(root_path):]) for path in found
             if path.startswith(root_path)}
    own = [name for name, last in _dotted(pages) if last in text]
    return "\0".join([*sorted(named & pages), *(["", *own] if own else [])]).encode()


@lru_cache(maxsize=4)
def _dotted(pages: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """The site's own names with a dot in their last part, which relink tells from a file
    beside the site by the pages alone: a folder of pages (``docs/v1.2``), a page's name
    with ``.html`` left off (``release-2.0``); each with that last part, which a page
    linking it holds. None on most sites."""
    stems = {page[:-len(suffix)] for page in pages for suffix in (".html", ".htm")
             if page.endswith(suffix)}
    names = {name for name in (*stems, *folders_of(pages)) if "." in name.rpartition("/")[2]}
    return tuple(sorted((name, name.rpartition("/")[2]) for name in names))


_PAGE_ROW = b'["page","'
_PAGE_KEY = re.compile(rb'[0-9a-f]{64}",')
"""A page row's line starts with its key (``_json`` of ``["page", key, row]``: keys come
first, in this order)."""


def _page_row(line: bytes) -> dict[str, Any] | None:
    """A page row from its line in the index file (None: not one)."""
    try:
        kind, _key, row = json.loads(line)
    except ValueError:
        return None
    return row if kind == "page" and isinstance(row, dict) else None


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode("utf-8")


def source_line(source_key: str, segments: Sequence[Segment], plan: Plan) -> bytes:
    """A source page's row in the index file (its plan as a JSON text of its own, read
    only where a page is built: PageCache.plan)."""
    return _json(["source", source_key,
                  [[s.page, s.context, s.msgid, s.anchor, s.comment] for s in segments],
                  json.dumps(plan, separators=(",", ":"))])


def site_salt(site: Site, locale: str, translations: Mapping[Key, str]) -> str:
    """What a page of ``locale`` reads from the site and the catalog besides its entries."""
    return _digest(_json([
        locale, site.source_locale, list(site.locales), site.base_url, sorted(site.assets),
        site.published, site.is_published(locale),
        [translations.get((c.context, c.msgid)) for c in CHROME]]))


Built_ = tuple[list[str], dict[str, tuple[str, str, list[str]]]]
"""PageCache.built: source keys; per locale (basis, salt, a page key per source)."""


@dataclass(frozen=True)
class Built:
    """A page of one locale as the build left it in the output folder."""

    name: str
    """Its file's name below the output folder (Site.path)."""
    digest: str
    """SHA-256 of the file's bytes."""
    changed: bool
    """Whether the build wrote it (or, in check mode, would have)."""
    report: PageReport
    title: str
    row: Row | None = None
    """Its index row where this build made or changed it (None: the index's stands)."""


Row = dict[str, Any] | tuple[str, bytes]
"""A page's index row that a build made or changed: whole, or as the line the build's
worker wrote for it with its file's name, the file's signature to be added once the file is
in place (PageCache.row, save)."""

_UNSIGNED = b',"stat":null,"title":'
"""Where a made row's line holds its file's signature (its keys are sorted; no text in a
line holds ``,"`` but its structure, where a quote is escaped)."""


def _built_of(sources: Any, locales: Any) -> Built_ | None:
    """PageCache.built from its row (None: not one)."""
    if not (isinstance(sources, list) and isinstance(locales, dict)
            and all(isinstance(key, str) for key in sources)):
        return None
    found: dict[str, tuple[str, str, list[str]]] = {}
    for locale, row in locales.items():
        basis, salt, keys = row
        if not (isinstance(basis, str) and isinstance(salt, str) and isinstance(keys, list)
                and len(keys) == len(sources) and all(isinstance(k, str) for k in keys)):
            return None
        found[str(locale)] = (basis, salt, keys)
    return sources, found


def _report_row(built: PageReport) -> dict[str, Any]:
    return {"segments": built.segments, "translated": built.translated,
            "unseen": built.unseen, "drafts": built.drafts, "stale": built.stale,
            "memory": built.memory,
            "rejected": [[r.context, r.reason] for r in built.rejected],
            "title_translated": built.title_translated}


def _report_of(row: Mapping[str, Any], locale: str, page: str) -> PageReport | None:
    try:
        return PageReport(
            locale=locale, page=page, segments=int(row["segments"]),
            translated=int(row["translated"]), unseen=int(row["unseen"]),
            drafts=int(row["drafts"]),
            stale=int(row["stale"]), memory=int(row["memory"]),
            rejected=[Rejection(str(c), str(r)) for c, r in row["rejected"]],
            title_translated=bool(row["title_translated"]))
    except (TypeError, ValueError, KeyError):
        return None


@dataclass
class PageCache:
    """The index of a project's pages (``store`` False: read only), for one run: what it
    looks up and adds is what a full build keeps."""

    path: Path
    store: bool = True
    usable: bool = True
    sources: dict[str, list[Segment]] = field(default_factory=dict)
    plans: dict[str, Plan | str] = field(default_factory=dict)
    """Where each source page's segments are (segments.Located.plan), by source key; as
    the index file writes it (JSON) until a build asks for it (``plan``): most runs build
    few pages, and the plans were most of reading the index."""
    pages: dict[str, dict[str, Any] | bytes] = field(default_factory=dict)
    """Each built page's row, by page key: as the index file holds it (its line) until a
    build looks it up (``get``, in the build's workers), and written back as it was unless
    the build changed it (``add_page``)."""
    used_sources: set[str] = field(default_factory=set)
    used_pages: set[str] = field(default_factory=set)
    template: tuple[str, list[str], dict[str, str], str] | None = None
    """The template the run that saved the index wrote: its SHA-256, its pages' source
    keys in order, its header fields and comment (``template_of``, ``add_template``)."""
    template_sources: list[str] = field(default_factory=list)
    """This run's pages' source keys, in the template's order (extraction's)."""
    built: Built_ | None = None
    """What the last build made of each page (as read), or this build (once it is done):
    its pages' source keys, in order, and per locale the basis of its translations
    (summary.Summary.basis), its salt, and each page's key."""
    previous_pages: list[tuple[str, int]] | None = None
    """The pages of the template on disk (source key, entry count), in its order, where
    this run made it from the index (extracting.template_and_previous)."""
    texts: dict[str, str] = field(default_factory=dict)
    """By source key: the page's entries as the template writes them (catalog.segment_text),
    where this run's extraction made them."""
    lines: dict[str, bytes] = field(default_factory=dict)
    """By source key: its row as the index file holds it (read, or made by extraction):
    written again as it is."""
    unsigned: dict[str, str] = field(default_factory=dict)
    """By page key: the file of each row this build made as a line (``add_page``), whose
    signature ``save`` adds."""
    unlisted: frozenset[str] | None = None
    """The pages whose bytes this run's extraction found naming robots or refresh
    (source.may_stay_unlisted), where it read every page: the build parses only those to
    tell which pages search engines are not to list (None: it reads every page)."""
    listed: dict[str, list[str]] | None = None
    """By page name: the locales whose page the last build told search engines of
    (Site.listed), as recorded; this build's, once it is done (a narrowed build that
    changes a page's goes on to the other linked locales: site_build.site_outputs)."""
    keyed: dict[str, tuple[bytes, frozenset[str], str, str]] = field(default_factory=dict)
    """By page: the SHA-256 of the bytes this run last keyed, the pages and root path it
    keyed them with, and the key (``key_of``): the build keys each page again after the
    template did, and finds it here unless the file changed between the two."""

    @classmethod
    def of(cls, root: Path, *, store: bool = True) -> PageCache:
        """The project's index, read; unused (not read or written) where a link leads
        ``.miss-i18n`` or the index out of the project."""
        path = root / INDEX
        linked = any(p.is_symlink() for p in (path.parent, path))
        found = cls(path, store=store and not linked, usable=not linked)
        if not linked:
            found._read()
        return found

    def _read(self) -> None:
        """The index file: a header line (format, code, the digest of the rest), then one
        line per row; anything else leaves the index empty."""
        try:
            head, newline, rest = self.path.read_bytes().partition(b"\n")
            header = json.loads(head)
            if not (newline and isinstance(header, dict) and header.get("format") == FORMAT
                    and header.get("code") == code_digest()
                    and header.get("digest") == _digest(rest)):
                return
            sources: dict[str, list[Segment]] = {}
            plans: dict[str, Plan | str] = {}
            pages: dict[str, dict[str, Any] | bytes] = {}
            template = None
            built = None
            listed: dict[str, list[str]] | None = None
            names: dict[str, tuple[str, str]] = {}
            lines: dict[str, bytes] = {}
            for line in rest.splitlines():
                if line.startswith(_PAGE_ROW) and _PAGE_KEY.fullmatch(line, len(_PAGE_ROW),
                                                                      len(_PAGE_ROW) + 66):
                    pages[line[len(_PAGE_ROW):len(_PAGE_ROW) + 64].decode()] = line
                    continue  # parsed where it is looked up
                kind, key, *value = json.loads(line)
                if kind == "source":
                    found, plan = value
                    if not {type(text) for fields in found for text in fields} <= {str}:
                        return  # not the index's own
                    sources[str(key)] = list(map(Segment._make, found))
                    plans[str(key)] = str(plan)
                    lines[str(key)] = line
                elif kind == "names":  # the locales' names, as this Babel gave them
                    if key == babel.__version__:
                        names = {str(k): (str(v[0]), str(v[1])) for k, v in dict(value[0]).items()
                                 if v[1] in ("ltr", "rtl")}
                elif kind == "template":
                    keys, metadata, comment = value
                    template = (str(key), [str(k) for k in keys],
                                {str(k): str(v) for k, v in dict(metadata).items()}, str(comment))
                elif kind == "built":
                    built = _built_of(key, value[0])
                elif kind == "listed":
                    listed = {str(page): [str(locale) for locale in locales]
                              for page, locales in dict(key).items()}
                else:
                    pages[str(key)] = dict(value[0])
            self.sources, self.plans, self.pages = sources, plans, pages
            self.template, self.lines, self.built = template, lines, built
            self.listed = listed
            learn(names)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.sources, self.plans, self.pages, self.template = {}, {}, {}, None
            self.lines = {}

    # -- keys -----------------------------------------------------------------------------
    @staticmethod
    def source_key(page: str, data: bytes, pages: frozenset[str] = frozenset(),
                   root_path: str = "/") -> str:
        """The digest of a source page (its name, bytes and the code), and of the site's
        ``pages`` its root-relative links name (rooted_pages, with ``root_path``): adding
        or removing a page rebuilds only the pages that link to it so."""
        return _digest(b"source", code_digest().encode(), page.encode("utf-8"), data,
                       root_path.encode("utf-8"), rooted_pages(data, pages, root_path))

    def read_again(self, page: str, data: bytes, path: Path) -> None:
        """Refuse (exit 6) a page read again (by the build) that does not hold the bytes
        this run keyed (the template stage): a writer saved it meanwhile, and its pages
        would show a text the catalogs do not hold, with no word of it."""
        known = self.keyed.get(page)
        if known is not None and known[0] != hashlib.sha256(data).digest():
            raise ConflictError("changed on disk while miss-i18n was running (after its "
                                "text was extracted): run the command again", path=path)

    def key_of(self, page: str, data: bytes, pages: frozenset[str] = frozenset(),
               root_path: str = "/") -> str:
        """``source_key``, remembered for this run: a page keyed again with the same bytes
        (a SHA-256 of them, not the scan of its links) takes the key it had."""
        digest = hashlib.sha256(data).digest()
        known = self.keyed.get(page)
        if known is not None and known[0] == digest and known[2] == root_path and (
                known[1] is pages or known[1] == pages):
            return known[3]
        key = self.source_key(page, data, pages, root_path)
        self.keyed[page] = (digest, pages, root_path, key)
        return key

    def remember_key(self, page: str, sha256: bytes, pages: frozenset[str], root_path: str,
                     key: str) -> None:
        """What ``key_of`` remembers of a page keyed elsewhere (an extraction process)."""
        self.keyed[page] = (sha256, pages, root_path, key)

    @staticmethod
    def page_key(source_key: str, salt: str, keys: Sequence[Key], *,
                 translations: Mapping[Key, str], review: Review) -> str:
        """The digest of a page's build: its source (whose bytes fix ``keys``, the entries
        it uses, in order), the site's salt, and per entry the translation shown (or none)
        and its review kind. Fed to the hash entry by entry, each length-prefixed: no
        encoding of the whole (this runs once per page and locale)."""
        hasher = hashlib.sha256(b"page\0" + source_key.encode() + b"\0" + salt.encode())
        drafts, stale, memory = review.drafts, review.stale, review.memory
        for key in keys:
            shown = translations.get(key)
            kind = (b"d" if key in drafts else b"-") + (b"s" if key in stale else b"-") + (
                b"m" if key in memory else b"-")
            if shown is None:
                hasher.update(kind + b"\0none")
            else:
                text = shown.encode()
                hasher.update(kind + len(text).to_bytes(8, "big") + text)
        return hasher.hexdigest()

    # -- lookups (also in the build's workers: the index is read before they fork) -------
    def segments(self, source_key: str) -> list[Segment] | None:
        """The segments of a source page, by its source_key."""
        return self.sources.get(source_key)

    def plan(self, source_key: str) -> Plan | None:
        """Where the page's segments are (None where the index has no plan that fits)."""
        found = self.plans.get(source_key)
        if isinstance(found, str):
            try:
                found = self.plans[source_key] = list(json.loads(found))
            except (ValueError, TypeError):
                return None
        segments = self.sources.get(source_key)
        return found if segments is not None and len(found or ()) == len(segments) else None

    def add_source(self, source_key: str, segments: list[Segment], plan: Plan,
                   line: bytes | None = None) -> None:
        """A source page's segments and plan; ``line``: its row as ``source_line`` makes
        it, where made already (a worker)."""
        self.sources[source_key] = segments
        self.plans[source_key] = plan
        self.used_sources.add(source_key)
        if line is not None:
            self.lines[source_key] = line

    def template_of(self, digest: str) -> tuple[list[list[Segment]], dict[str, str], str] | None:
        """The template whose SHA-256 is ``digest``, if the index knows it: its pages'
        segments in order, its header fields and comment (catalog.template_of)."""
        if self.template is None or self.template[0] != digest:
            return None
        found = [self.sources.get(key) for key in self.template[1]]
        if any(segments is None for segments in found):
            return None
        return [s for s in found if s is not None], self.template[2], self.template[3]

    def add_template(self, digest: str, metadata: dict[str, str], comment: str) -> None:
        """Record the template this run writes (its pages: ``template_sources``)."""
        self.template = (digest, list(self.template_sources), dict(metadata), comment)

    def use_source(self, source_key: str) -> None:
        """Keep a source's row on a full save: this run used it as it was."""
        self.used_sources.add(source_key)

    def row_of(self, key: str) -> dict[str, Any] | None:
        """The row of the page of ``key`` (None: the index has none)."""
        found = self.pages.get(key)
        return _page_row(found) if isinstance(found, bytes) else found

    def get(self, key: str, path: str, name: str, locale: str, page: str, *,
            listed: Sequence[str], row: dict[str, Any] | None) -> Built | None:
        """The page of ``key`` (its ``row``: ``row_of``) if the output file ``path``
        (``name`` below the output folder) is still what the build that recorded it wrote,
        for a page that search engines are told of in the locales ``listed``; with a row
        only where its file's signature changed."""
        if row is None or row.get("path") != name or row.get("listed") != list(listed):
            return None
        report = _report_of(row, locale, page)
        if report is None:
            return None
        now = still_holds(path, str(row.get("sha256")), row.get("stat"))
        if now is None:
            return None
        return Built(name, str(row["sha256"]), False, report, str(row.get("title", page)),
                     None if now == row.get("stat") else {**row, "stat": now})

    def add_page(self, key: str, row: Row) -> None:
        if isinstance(row, tuple):
            self.unsigned[key], self.pages[key] = row
        else:
            self.unsigned.pop(key, None)
            self.pages[key] = row
        self.used_pages.add(key)

    def use_pages(self, keys: Iterable[str]) -> None:
        """Keep these pages' rows as they are (the build found their files as recorded)."""
        self.used_pages.update(keys)

    @staticmethod
    def row(key: str, name: str, built: Built, listed: Sequence[str]) -> tuple[str, bytes]:
        """A page's row as its line in the index file, made where the page is built (a
        worker), and its file's name: its file's signature is added once the file is in
        place (``save``)."""
        return name, _json(["page", key, {"path": name, "sha256": built.digest, "stat": None,
                                          "title": built.title, "listed": list(listed),
                                          **_report_row(built.report)}])

    # -- the index file -------------------------------------------------------------------
    def save(self, output_dir: Path, *, full: bool) -> None:
        """Write the index, once this run's pages are in ``output_dir``: with only what the
        run used (``full``), or everything. Best effort: an index that cannot be written
        only costs a rebuild."""
        if not self.store:
            return
        below = os.path.join(output_dir, "")  # noqa: PTH118
        for key, name in self.unsigned.items():
            made = self.pages[key]
            assert isinstance(made, bytes)
            stat = signature(below + name)
            self.pages[key] = made.replace(_UNSIGNED, b',"stat":' + (
                b"null" if stat is None else b"[%d,%d,%d,%d]" % tuple(stat)) + b',"title":', 1)
        self.unsigned = {}
        if full:
            self.sources = {k: v for k, v in self.sources.items() if k in self.used_sources}
            self.plans = {k: v for k, v in self.plans.items() if k in self.used_sources}
            self.pages = {k: v for k, v in self.pages.items() if k in self.used_pages}
        # One line per row, each serialized on its own: the index is as large as the
        # site's text, and one json.dumps of it all held ten times its size in pieces.
        kept = {k: line for k, v in self.sources.items()
                if (line := self._source_row(k, v)) is not None}
        rows = b"\n".join([
            *kept.values(),
            *(v if isinstance(v, bytes) else _json(["page", k, v])
              for k, v in self.pages.items()),
            *([] if self.template is None or not set(self.template[1]) <= set(kept)
              else [_json(["template", *self.template])]),
            *([] if self.built is None else [_json(["built", *self.built])]),
            *([] if self.listed is None else [_json(["listed", self.listed])]),
            _json(["names", babel.__version__, {locale: list(names) for locale, names in
                                                sorted(known_names().items())}])])
        data = _json({"format": FORMAT, "code": code_digest(), "digest": _digest(rows)}) + (
            b"\n" + rows)
        # a cache: one that cannot be written (a read-only .miss-i18n) costs the next build
        # its shortcuts, not this build its result
        with contextlib.suppress(OSError, ValueError, MissI18nError):
            write_if_changed(self.path, data, self.path.parent.parent, durable=False)
        self._remove_legacy()

    def _source_row(self, source_key: str, segments: list[Segment]) -> bytes | None:
        """A source's row as read (or as extraction made it), else made from its plan;
        None where it has none."""
        line = self.lines.get(source_key)
        if line is not None:
            return line
        plan = self.plan(source_key)
        return None if plan is None else source_line(source_key, segments, plan)

    def _remove_legacy(self) -> None:
        """Format 2's folder of whole pages: its files of ours, and it once empty."""
        folder = self.path.parent.parent / LEGACY
        if folder.is_symlink() or not folder.is_dir():
            return
        for bucket in folder.iterdir():
            if bucket.is_symlink() or not bucket.is_dir() or not _LEGACY_BUCKET.fullmatch(
                    bucket.name):
                continue
            for path in bucket.iterdir():
                if _LEGACY_ENTRY.fullmatch(path.name) and path.is_file() \
                        and not path.is_symlink():
                    with contextlib.suppress(OSError):
                        path.unlink()
            with contextlib.suppress(OSError):
                bucket.rmdir()
        with contextlib.suppress(OSError):
            folder.rmdir()

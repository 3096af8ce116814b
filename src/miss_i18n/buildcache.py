"""Built pages kept between runs, addressed by what they are made of.

An edit to one paragraph changes one page, and one entry in each catalog: every other page
of every locale would come out byte for byte as before. So each built page (its bytes, its
report and title) is kept under ``.miss-i18n/pages/`` (git-ignored), named by a digest of
everything its build reads:

- the page's source bytes and name, and the code that builds it (this package's modules,
  lxml's, libxml2's and Babel's versions);
- for each entry the page uses, in order: its context, msgid, the translation the build
  shows (or none), and whether that is a machine draft or a stale translation;
- the locale, and what the page's language menu, alternates and notices read from the
  site: the locales linked and those published, the base URL, the assets, and the
  translations of the build's own text.

Which entries a page uses is itself kept, by the page's digest, so a hit costs no parse.
An entry holds a digest of its own content and the key it was stored under: a damaged,
truncated or foreign file (another key's, another version's) is ignored and rebuilt,
never trusted. Files are written atomically (a temporary file renamed); a full build
removes the entries it did not use, so the folder holds one site's pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import babel
from lxml import etree

from .build import PageReport, Rejection, Review, Site
from .chrome import CHROME
from .model import Key

FOLDER = Path(".miss-i18n") / "pages"
_BUCKET = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(?:html|keys)")
_TEMPORARY = re.compile(r"\.[a-z0-9_]{8}\.tmp")
FORMAT = 2
_PACKAGE = Path(__file__).resolve().parent


@cache
def code_digest() -> str:
    """This package's code and the libraries that shape a page's bytes."""
    hasher = hashlib.sha256(f"format {FORMAT}\0".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        data = path.read_bytes()
        hasher.update(f"{path.relative_to(_PACKAGE).as_posix()}\0{len(data)}\0".encode())
        hasher.update(data)
    hasher.update(repr((etree.LXML_VERSION, etree.LIBXML_VERSION, babel.__version__)).encode())
    return hasher.hexdigest()


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def site_salt(site: Site, locale: str, translations: Mapping[Key, str]) -> str:
    """What a page of ``locale`` reads from the site and the catalog besides its entries."""
    return _digest(_json([
        locale, site.source_locale, list(site.locales), site.base_url, sorted(site.assets),
        site.published, site.is_published(locale),
        [translations.get((c.context, c.msgid)) for c in CHROME]]))


@dataclass(frozen=True)
class Built:
    """A page built for one locale: what the pipeline needs of it."""

    data: bytes
    report: PageReport
    title: str


class PageCache:
    """Built pages and pages' entry keys under ``folder``; ``store`` False only reads."""

    def __init__(self, folder: Path, *, store: bool = True, usable: bool = True) -> None:
        self.folder = folder
        self.store = store and usable
        self.usable = usable

    @classmethod
    def of(cls, root: Path, *, store: bool = True) -> PageCache:
        """The project's cache; unused (not read, written or cleaned) where a link leads
        it out of the project's own ``.miss-i18n`` folder."""
        folder = root / FOLDER
        linked = any(path.is_symlink() for path in (folder.parent, folder))
        return cls(folder, store=store, usable=not linked)

    # -- keys -----------------------------------------------------------------------------
    @staticmethod
    def source_key(page: str, data: bytes) -> str:
        return _digest(b"source", code_digest().encode(), page.encode("utf-8"), data)

    @staticmethod
    def page_key(source_key: str, salt: str, keys: Sequence[Key], *,
                 translations: Mapping[Key, str], review: Review) -> str:
        entries = [[context, msgid, translations.get((context, msgid)),
                    (context, msgid) in review.drafts, (context, msgid) in review.stale,
                    (context, msgid) in review.memory]
                   for context, msgid in keys]
        return _digest(b"page", source_key.encode(), salt.encode(), _json(entries))

    @staticmethod
    def name(key: str, *, keys: bool = False) -> str:
        """The file name of a built page's entry (or, with ``keys``, a page's entry keys)."""
        return f"{key}.keys" if keys else f"{key}.html"

    # -- the entries a page uses ----------------------------------------------------------
    def slot_keys(self, source_key: str) -> list[Key] | None:
        found = self._load(self.name(source_key, keys=True), source_key)
        if found is None:
            return None
        meta, _ = found
        try:
            return [(None if c is None else str(c), str(m)) for c, m in meta["keys"]]
        except (TypeError, ValueError, KeyError):
            return None

    def put_slot_keys(self, source_key: str, keys: Sequence[Key]) -> None:
        self._save(self.name(source_key, keys=True), source_key,
                   {"keys": [list(k) for k in keys]}, b"")

    # -- built pages ----------------------------------------------------------------------
    def get(self, key: str, locale: str, page: str) -> Built | None:
        found = self._load(self.name(key), key)
        if found is None:
            return None
        meta, data = found
        try:
            report = PageReport(
                locale=locale, page=page, segments=int(meta["segments"]),
                translated=int(meta["translated"]), drafts=int(meta["drafts"]),
                stale=int(meta["stale"]), memory=int(meta["memory"]),
                rejected=[Rejection(str(c), str(r)) for c, r in meta["rejected"]])
            return Built(data, report, str(meta["title"]))
        except (TypeError, ValueError, KeyError):
            return None

    def put(self, key: str, built: Built) -> None:
        report = built.report
        self._save(self.name(key), key, {
            "title": built.title, "segments": report.segments, "translated": report.translated,
            "drafts": report.drafts, "stale": report.stale, "memory": report.memory,
            "rejected": [[r.context, r.reason] for r in report.rejected]}, built.data)

    # -- files ----------------------------------------------------------------------------
    def _path(self, name: str) -> Path:
        return self.folder / name[:2] / name

    def _load(self, name: str, key: str) -> tuple[dict[str, Any], bytes] | None:
        """An entry's fields and bytes, if the file is whole and was stored under ``key``."""
        if not self.usable:
            return None
        try:
            raw = self._path(name).read_bytes()
        except OSError:
            return None
        head, newline, data = raw.partition(b"\n")
        try:
            meta = json.loads(head)
            if not (newline and isinstance(meta, dict) and meta.get("key") == key):
                return None
            fields = {k: v for k, v in meta.items() if k != "digest"}
            if meta.get("digest") != _digest(_json(sorted(fields.items())), data):
                return None
        except ValueError:
            return None
        return fields, data

    def _save(self, name: str, key: str, fields: dict[str, object], data: bytes) -> None:
        """Best effort, atomically: a cache that cannot be written only costs a rebuild."""
        if not self.store:
            return
        fields = {**fields, "key": key, "format": FORMAT}
        meta = {**fields, "digest": _digest(_json(sorted(fields.items())), data)}
        path = self._path(name)
        temp: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            temp = Path(temp_name)
            with os.fdopen(handle, "wb") as out:
                out.write(_json(meta) + b"\n" + data)
            temp.replace(path)
        except OSError:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()

    def keep_only(self, names: Iterable[str]) -> int:
        """Remove every entry (and temporary file) of ours but those named; how many went.

        Only files named as this module names them, in its two-letter folders: anything
        else someone put there is left alone.
        """
        if not self.store or not self.folder.is_dir():
            return 0
        kept = set(names)
        removed = 0
        for folder in self.folder.iterdir():
            if folder.is_symlink() or not folder.is_dir() or not _BUCKET.fullmatch(folder.name):
                continue
            for path in folder.iterdir():
                ours = _ENTRY.fullmatch(path.name) or _TEMPORARY.fullmatch(path.name)
                if ours and path.name not in kept and path.is_file() and not path.is_symlink():
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += 1
        return removed

"""The build cache: an edit rebuilds only the pages it touches, in each locale; a damaged
or foreign cache entry is never trusted."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polib
import pytest

from conftest import ARTICLE, PAGES
from helpers import invoke, snapshot
from miss_i18n import buildcache, pipeline

ARTICLE_PAGE = ARTICLE.name
OTHERS = ("npm-docs-npm-ls.html", "tricky.html")
LOCALES = ("en", "de", "ar")


@pytest.fixture
def built(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The project (article + two real pages; de, ar) after a first run; returns the list
    the pages built from now on are recorded in, as (page, locale)."""
    for name in OTHERS:
        shutil.copy(PAGES / name, project / "source" / name)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"de", "ar", "pt_BR"', '"de", "ar"'))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    calls: list[tuple[str, str]] = []
    real = pipeline.localize

    def counting(tree: Any, page: str, locale: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((page, locale))
        return real(tree, page, locale, *args, **kwargs)

    monkeypatch.setattr(pipeline, "localize", counting)
    return calls


def fresh_build(project: Path) -> dict[str, bytes]:
    """What a build without any cache writes (to compare the cached build with)."""
    shutil.rmtree(project / ".miss-i18n" / "pages")
    shutil.rmtree(project / "site")
    assert invoke("build", "--jobs", "1")[0] == 0
    return snapshot(project, "site")


def test_a_one_paragraph_edit_rebuilds_that_page_only(project: Path,
                                                      built: list[tuple[str, str]]) -> None:
    page = project / "source" / ARTICLE_PAGE
    page.write_bytes(page.read_bytes().replace(b"facilitate a quicker recovery period.",
                                               b"facilitate a faster recovery period.", 1))
    code, output = invoke("run", "--no-translate", "--jobs", "1")
    assert code == 0, output
    assert sorted(built) == sorted((ARTICLE_PAGE, locale) for locale in LOCALES)
    cached = snapshot(project, "site")
    assert b"a faster recovery" in cached[f"site/de/{ARTICLE_PAGE}"]
    assert fresh_build(project) == cached


def test_a_changed_translation_rebuilds_the_pages_that_show_it(
        project: Path, built: list[tuple[str, str]]) -> None:
    po_path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(po_path), wrapwidth=0)
    [entry] = [e for e in po if e.occurrences and e.occurrences[0][0].startswith(OTHERS[1])][:1]
    entry.msgstr = f"«{entry.msgid}»"  # a stand-in translation, not MT
    po.save(str(po_path))
    code, output = invoke("run", "--no-translate", "--jobs", "1")
    assert code == 0, output
    assert built == [(OTHERS[1], "de")]
    cached = snapshot(project, "site")
    assert "«".encode() in cached[f"site/de/{OTHERS[1]}"]
    assert fresh_build(project) == cached


def test_nothing_changed_nothing_rebuilt_and_a_new_locale_builds_its_pages_only(
        project: Path, built: list[tuple[str, str]]) -> None:
    assert invoke("build", "--jobs", "1")[0] == 0
    assert built == []
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"de", "ar"', '"de", "ar", "ja"'))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    # a new locale changes every page's language menu: all pages of all locales
    assert len(built) == 3 * 4


def entry_files(project: Path) -> list[Path]:
    return sorted((project / ".miss-i18n" / "pages").rglob("*.html"))


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "foreign", "bad header",
                                    "empty"])
def test_a_damaged_or_foreign_entry_is_rebuilt_not_trusted(
        project: Path, built: list[tuple[str, str]], damage: str) -> None:
    before = snapshot(project, "site")
    entries = entry_files(project)
    assert len(entries) == 3 * len(LOCALES)
    target, other = entries[0], entries[1]
    data = target.read_bytes()
    if damage == "flipped byte":
        index = data.index(b"<html") + 2
        data = data[:index] + bytes([data[index] ^ 1]) + data[index + 1:]
    elif damage == "truncated":
        data = data[:-20]
    elif damage == "foreign":
        data = other.read_bytes()  # a valid entry, of another page or locale
    elif damage == "bad header":
        data = b"{not json\n" + data.partition(b"\n")[2]
    else:
        data = b""
    target.write_bytes(data)
    code, output = invoke("build", "--jobs", "1")
    assert code == 0, output
    assert len(built) == 1  # that entry only
    assert snapshot(project, "site") == before
    assert target.read_bytes() != data  # replaced by a good one


def test_check_reads_the_cache_but_writes_nothing(project: Path,
                                                  built: list[tuple[str, str]]) -> None:
    shutil.rmtree(project / ".miss-i18n" / "pages")
    code, output = invoke("run", "--check", "--jobs", "1")
    assert code == 0, output
    assert len(built) == 3 * len(LOCALES)
    assert not (project / ".miss-i18n" / "pages").exists()


def test_a_full_build_keeps_only_the_entries_it_used(project: Path,
                                                     built: list[tuple[str, str]]) -> None:
    (project / "source" / OTHERS[0]).unlink()
    stray = project / ".miss-i18n" / "pages" / "ab" / ("ab" + "0" * 62 + ".html")
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"an entry of an earlier build")
    foreign = [project / ".miss-i18n" / "pages" / "ab" / "notes.html",
               project / ".miss-i18n" / "pages" / "zz" / ("0" * 64 + ".html")]
    for path in foreign:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"someone's file: not named as ours are, kept")
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert built == []
    assert not stray.exists()
    assert all(path.exists() for path in foreign)
    assert len(entry_files(project)) == 2 * len(LOCALES) + len(foreign)
    # a build narrowed to one locale removes no entry
    kept = entry_files(project)
    assert invoke("build", "--jobs", "1", "--locale", "de")[0] == 0
    assert set(kept) <= set(entry_files(project))


def test_a_cache_folder_linked_elsewhere_is_not_used(project: Path, tmp_path: Path,
                                                     built: list[tuple[str, str]]) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(project / ".miss-i18n" / "pages", elsewhere)
    (project / ".miss-i18n" / "pages").symlink_to(elsewhere)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    (project / "source" / OTHERS[0]).unlink()  # a full build would clean the unused
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert len(built) == 2 * len(LOCALES)  # nothing read from it
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before


def test_the_key_covers_the_code_and_libraries() -> None:
    digest = buildcache.code_digest()
    assert len(digest) == 64
    one = buildcache.PageCache.source_key("a.html", b"<p>x</p>")
    assert one != buildcache.PageCache.source_key("b.html", b"<p>x</p>")
    assert one != buildcache.PageCache.source_key("a.html", b"<p>y</p>")

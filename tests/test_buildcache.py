"""The build index: an edit rebuilds only the pages it touches, in each locale; a damaged
index, or an output page someone changed, is never trusted."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest

from conftest import ARTICLE, PAGES
from helpers import invoke, snapshot
from miss_i18n import buildcache, extracting, rerun
from miss_i18n.skeleton import PageBuilder

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
    real = PageBuilder.build

    def counting(self: PageBuilder, locale: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((self.page, locale))
        return real(self, locale, *args, **kwargs)

    monkeypatch.setattr(PageBuilder, "build", counting)
    return calls


INDEX = Path(".miss-i18n") / "pages.json"


def fresh_build(project: Path) -> dict[str, bytes]:
    """What a build without any index writes (to compare the indexed build with)."""
    (project / INDEX).unlink()
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


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "not json", "empty",
                                    "another version"])
def test_a_damaged_or_foreign_index_is_ignored_and_replaced(
        project: Path, built: list[tuple[str, str]], damage: str) -> None:
    before = snapshot(project, "site")
    index = project / INDEX
    data = index.read_bytes()
    if damage == "flipped byte":
        at = data.index(b'"sha256":"') + 12
        data = data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
    elif damage == "truncated":
        data = data[:-20]
    elif damage == "not json":
        data = b"{not json" + data
    elif damage == "empty":
        data = b""
    else:
        head, _, rows = data.partition(b"\n")
        header = json.loads(head)
        header["format"] = buildcache.FORMAT - 1
        data = json.dumps(header).encode() + b"\n" + rows
    index.write_bytes(data)
    code, output = invoke("build", "--jobs", "1")
    assert code == 0, output
    assert len(built) == 3 * len(LOCALES)  # every page: nothing was taken from it
    assert snapshot(project, "site") == before
    header = json.loads(index.read_bytes().partition(b"\n")[0])
    assert header["format"] == buildcache.FORMAT  # a good one again


def _page_lines(project: Path) -> dict[str, bytes]:
    return {line[9:73].decode(): line for line in (project / INDEX).read_bytes().splitlines()
            if line.startswith(b'["page",')}


def test_an_edit_writes_the_index_rows_of_the_pages_it_did_not_touch_as_they_were(
        project: Path, built: list[tuple[str, str]]) -> None:
    """Rows stay lines until a build looks them up (in the workers), and go back to the
    file as read unless the build changed them: the same bytes a whole encoding gives."""
    before = _page_lines(project)
    page = project / "source" / ARTICLE_PAGE
    page.write_bytes(page.read_bytes().replace(b"facilitate a quicker recovery period.",
                                               b"facilitate a faster recovery period.", 1))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    after = _page_lines(project)
    kept = set(before) & set(after)
    assert len(kept) == 2 * len(LOCALES) and len(after) == 3 * len(LOCALES)
    assert all(after[key] == before[key] for key in kept)
    for key, line in after.items():  # each as _json writes the row it holds
        assert line == buildcache._json(["page", key, json.loads(line)[2]])


def test_each_row_a_build_makes_holds_its_files_signature_as_a_whole_encoding_would(
        project: Path) -> None:
    """The build's workers write each row's line, its file's signature added once the file
    is in place (save): whatever the page's title holds, the line is the one _json writes of
    the row, and the signature is the file's (so the next build trusts it)."""
    page = project / "source" / ARTICLE_PAGE
    page.write_bytes(page.read_bytes().replace(
        b"<title>", b'<title>,"stat":null,"title": \\" &quot;x&quot; ', 1))
    assert invoke("run", "--no-translate", "--jobs", "2")[0] == 0
    lines = _page_lines(project)
    assert lines and any(b',\\"stat\\":null,\\"title\\"' in line for line in lines.values())
    for key, line in lines.items():
        row = json.loads(line)[2]
        assert line == buildcache._json(["page", key, row])
        assert row["stat"] == buildcache.signature(project / "site" / row["path"])


def test_a_page_row_that_is_not_one_costs_only_its_page(
        project: Path, built: list[tuple[str, str]]) -> None:
    index = project / INDEX
    head, _, rows = index.read_bytes().partition(b"\n")
    lines = rows.split(b"\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(b'["page",'))
    lines[at] = lines[at][:75] + b'"not a row"]'
    rows = b"\n".join(lines)
    header = json.loads(head)
    header["digest"] = buildcache._digest(rows)
    index.write_bytes(buildcache._json(header) + b"\n" + rows)
    before = snapshot(project, "site")
    code, output = invoke("build", "--jobs", "1")
    assert code == 0, output
    assert len(built) == 1  # that page in that locale
    assert snapshot(project, "site") == before


@pytest.mark.parametrize("change", ["edited", "removed", "replaced by another page",
                                    "touched"])
def test_an_output_page_changed_since_is_rebuilt(
        project: Path, built: list[tuple[str, str]], change: str) -> None:
    before = snapshot(project, "site")
    target = project / "site" / "de" / OTHERS[0]
    if change == "edited":
        target.write_bytes(target.read_bytes().replace(b"<body", b"<body data-x", 1))
    elif change == "removed":
        target.unlink()
    elif change == "replaced by another page":
        target.write_bytes((project / "site" / "ar" / OTHERS[0]).read_bytes())
    else:  # the same bytes, new times: hashed again, found equal, not rebuilt
        os.utime(target, ns=(0, 0))
    code, output = invoke("build", "--jobs", "1")
    assert code == 0, output
    assert built == ([] if change == "touched" else [(OTHERS[0], "de")])
    assert snapshot(project, "site") == before
    assert invoke("build", "--jobs", "1")[0] == 0  # and the index knows it again
    assert built == ([] if change == "touched" else [(OTHERS[0], "de")])


def rows(project: Path) -> dict[str, dict[str, object]]:
    lines = (project / INDEX).read_bytes().splitlines()[1:]
    return {line[1]: line[2] for line in map(json.loads, lines) if line[0] == "page"}


def test_check_reads_the_index_but_writes_nothing(project: Path,
                                                  built: list[tuple[str, str]]) -> None:
    index = (project / INDEX).read_bytes()
    code, output = invoke("run", "--check", "--jobs", "1")
    assert code == 0, output
    assert built == []
    (project / INDEX).unlink()
    code, output = invoke("run", "--check", "--jobs", "1")
    assert code == 0, output
    assert len(built) == 3 * len(LOCALES)
    assert not (project / INDEX).exists()
    assert index  # (what the first check read)


def test_a_full_build_keeps_only_the_rows_it_used(project: Path,
                                                  built: list[tuple[str, str]]) -> None:
    assert len(rows(project)) == 3 * len(LOCALES)
    (project / "source" / OTHERS[0]).unlink()
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert built == []
    kept = rows(project)
    assert len(kept) == 2 * len(LOCALES)
    assert not any(OTHERS[0] in str(row["path"]) for row in kept.values())
    # a build narrowed to one locale removes no row
    assert invoke("build", "--jobs", "1", "--locale", "de")[0] == 0
    assert set(kept) <= set(rows(project))


def test_a_new_page_rebuilds_the_pages_whose_root_relative_links_name_it(
        project: Path, built: list[tuple[str, str]]) -> None:
    """``/new.html`` is made relative once new.html is a page of the site (relink): the
    page that links it so is built again when it comes and when it goes; the others are
    not (tricky.html's ``/only-link`` names no page)."""
    linking = project / "source" / "links.html"
    linking.write_text('<html><body><p><a href="/new.html#top">New</a></p></body></html>')
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    built.clear()
    (project / "source" / "new.html").write_text("<html><body><p>New page</p></body></html>")
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert sorted(built) == sorted((page, locale) for page in ("links.html", "new.html")
                                   for locale in LOCALES)
    assert 'href="new.html#top"' in (project / "site" / "de" / "links.html").read_text()
    built.clear()
    (project / "source" / "new.html").unlink()
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert sorted(built) == sorted(("links.html", locale) for locale in LOCALES)
    assert 'href="/new.html#top"' in (project / "site" / "de" / "links.html").read_text()


def test_a_new_page_rebuilds_the_pages_whose_relative_links_name_it_without_html(
        project: Path, built: list[tuple[str, str]]) -> None:
    """``release-2.0`` (a page with ``.html`` left off) is the site's own once
    release-2.0.html is a page, else a file beside the site (relink): the page linking it
    is built again when it comes and when it goes; the others are not."""
    linking = project / "source" / "links.html"
    linking.write_text('<html><body><p><a href="release-2.0">New</a></p></body></html>')
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert 'href="../release-2.0"' in (project / "site" / "de" / "links.html").read_text()
    built.clear()
    new = project / "source" / "release-2.0.html"
    new.write_text("<html><body><p>New page</p></body></html>")
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert sorted(built) == sorted((page, locale) for page in ("links.html", new.name)
                                   for locale in LOCALES)
    assert 'href="release-2.0"' in (project / "site" / "de" / "links.html").read_text()
    built.clear()
    new.unlink()
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert sorted(built) == sorted(("links.html", locale) for locale in LOCALES)
    assert 'href="../release-2.0"' in (project / "site" / "de" / "links.html").read_text()


def test_the_folder_of_format_2_is_removed_but_not_what_is_not_ours(
        project: Path, built: list[tuple[str, str]]) -> None:
    legacy = project / ".miss-i18n" / "pages"
    ours = [legacy / "ab" / ("ab" + "0" * 62 + ".html"),
            legacy / "cd" / ("cd" + "1" * 62 + ".keys")]
    theirs = [legacy / "ab" / "notes.html", legacy / "zz" / ("0" * 64 + ".html")]
    for path in [*ours, *theirs]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    page = project / "source" / ARTICLE_PAGE  # something to build, so the index is saved
    page.write_bytes(page.read_bytes().replace(b"quicker", b"faster", 1))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert not any(path.exists() for path in ours)
    assert not (legacy / "cd").exists()
    assert all(path.exists() for path in theirs)


def test_an_index_folder_linked_elsewhere_is_not_used(project: Path, tmp_path: Path,
                                                      built: list[tuple[str, str]]) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(project / ".miss-i18n", elsewhere)
    (project / ".miss-i18n").symlink_to(elsewhere)
    pyproject = project / "pyproject.toml"  # (the model stores and memory: not behind it)
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.miss-i18n]\n", f'[tool.miss-i18n]\nmodels-dir = "{tmp_path / "models"}"\n'
        f'memory = "{tmp_path / "tm.sqlite3"}"\n', 1))
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    assert invoke("build", "--jobs", "1")[0] == 0
    assert len(built) == 3 * len(LOCALES)  # nothing read from it
    after = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    assert after == before


def test_the_key_covers_the_code_and_libraries() -> None:
    digest = buildcache.code_digest()
    assert len(digest) == 64
    one = buildcache.PageCache.source_key("a.html", b"<p>x</p>")
    assert one != buildcache.PageCache.source_key("b.html", b"<p>x</p>")
    assert one != buildcache.PageCache.source_key("a.html", b"<p>y</p>")


def test_a_page_keyed_again_takes_its_key_unless_its_bytes_or_site_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = buildcache.PageCache(tmp_path / "pages.json")
    pages = frozenset({"a.html", "b.html"})
    link = b'<p><a href="/b.html">b</a></p>'
    key = index.key_of("a.html", link, pages)
    assert key == buildcache.PageCache.source_key("a.html", link, pages)
    scans: list[bytes] = []
    real = buildcache.rooted_pages

    def counting(data: bytes, *args: Any) -> bytes:
        scans.append(data)
        return real(data, *args)

    monkeypatch.setattr(buildcache, "rooted_pages", counting)
    assert index.key_of("a.html", bytes(link), frozenset(pages)) == key
    assert scans == []  # the build's second keying: no scan of the page's links
    for args in [(b"<p>changed</p>", pages, "/"), (link, frozenset({"a.html"}), "/"),
                 (link, pages, "/docs/")]:
        assert index.key_of("a.html", *args) == buildcache.PageCache.source_key("a.html",
                                                                                *args)
    assert len({index.key_of("a.html", *args) for args in [
        (link, pages, "/"), (link, frozenset({"a.html"}), "/"), (link, pages, "/docs/")]}) == 3


def test_extraction_parses_only_the_pages_whose_bytes_changed(
        project: Path, built: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = extracting.source_plan

    def counting(source_dir: Path, page: str, data: bytes | None = None) -> Any:
        parsed.append(page)
        return real(source_dir, page, data)

    monkeypatch.setattr(extracting, "source_plan", counting)
    pot = project / "locales" / "miss.pot"
    before = pot.read_bytes()
    assert invoke("extract")[0] == 0
    assert parsed == []
    assert pot.read_bytes() == before  # the template from the index is the parsed one
    page = project / "source" / OTHERS[1]
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>One more paragraph.</p></body>"))
    assert invoke("extract")[0] == 0
    assert parsed == [OTHERS[1]]
    with_index = pot.read_bytes()
    (project / INDEX).unlink()
    assert invoke("extract", "--check")[0] == 0  # parsing every page agrees
    assert sorted(parsed[1:]) == sorted([ARTICLE_PAGE, *OTHERS])
    assert not (project / INDEX).exists()
    assert b"One more paragraph." in with_index


def test_a_page_key_changes_with_each_thing_the_page_shows() -> None:
    from miss_i18n.build import Review  # noqa: PLC0415

    keys = [(None, "a"), ("ctx", "b")]
    base: dict[str, Any] = {"translations": {(None, "a"): "A"}, "review": Review()}
    key = buildcache.PageCache.page_key("s", "salt", keys, **base)
    assert key == buildcache.PageCache.page_key("s", "salt", keys, **base)
    others = [
        buildcache.PageCache.page_key("t", "salt", keys, **base),
        buildcache.PageCache.page_key("s", "pepper", keys, **base),
        buildcache.PageCache.page_key("s", "salt", keys[:1], **base),
        buildcache.PageCache.page_key("s", "salt", keys, translations={(None, "a"): "B"},
                                      review=Review()),
        buildcache.PageCache.page_key("s", "salt", keys, translations={("ctx", "b"): "A"},
                                      review=Review()),
        buildcache.PageCache.page_key("s", "salt", keys, translations={(None, "a"): "A",
                                                                       ("ctx", "b"): ""},
                                      review=Review()),
        *(buildcache.PageCache.page_key("s", "salt", keys, translations={(None, "a"): "A"},
                                        review=Review(**{kind: {(None, "a")}}))
          for kind in ("drafts", "stale", "memory")),
    ]
    assert len({key, *others}) == 1 + len(others)


def _rewrite_plans(project: Path, plan_text: str) -> None:
    """Every source row's plan replaced by ``plan_text``, the index's digest made again."""
    _rewrite_sources(project, lambda row: row.__setitem__(3, plan_text))


def _rewrite_sources(project: Path, change: Callable[[list[Any]], None]) -> None:
    """Every source row changed by ``change``, the index's digest made again."""
    path = project / INDEX
    head, rest = path.read_bytes().split(b"\n", 1)
    rows = []
    for line in rest.split(b"\n"):
        row = json.loads(line)
        if row[0] == "source":
            change(row)
        rows.append(json.dumps(row, ensure_ascii=False).encode())
    body = b"\n".join(rows)
    header = json.loads(head)
    header["digest"] = buildcache._digest(body)
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


@pytest.mark.parametrize("broken", ["not a plan", "[]", '{"a": 1}'])
def test_a_page_is_located_from_its_plan_read_only_when_it_is_built(
        project: Path, built: list[tuple[str, str]], broken: str) -> None:
    """The index keeps each page's plan as text until a build needs it: a page edited
    is located from it (no walk); a plan that is not one, or not one of this page's
    segments, makes the page walked again, to the same bytes."""
    index = buildcache.PageCache.of(project)
    assert index.plans and all(isinstance(plan, str) for plan in index.plans.values())
    key = next(iter(index.plans))
    assert isinstance(index.plan(key), list) and index.plans[key] == index.plan(key)
    page = project / "source" / ARTICLE_PAGE
    page.write_bytes(page.read_bytes().replace(b"facilitate a quicker recovery period.",
                                               b"facilitate a faster recovery period.", 1))
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    cached = snapshot(project, "site")
    _rewrite_plans(project, broken)
    for name in OTHERS:
        (project / "site" / "de" / name).unlink()
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert snapshot(project, "site") == cached
    assert fresh_build(project) == cached


def test_an_index_whose_segments_are_not_text_is_not_used(
        project: Path, built: list[tuple[str, str]]) -> None:
    """A segment's fields are strings; an index with anything else there is not ours
    (whatever its digest says), and is read as none: every page extracted and built."""
    cached = snapshot(project, "site")
    assert buildcache.PageCache.of(project).sources

    def number_for_text(row: list[Any]) -> None:
        row[2][0][2] = 42  # the first segment's msgid

    _rewrite_sources(project, number_for_text)
    assert not buildcache.PageCache.of(project).sources
    (project / rerun.RECORD).unlink()  # not a rerun skipped whole
    built.clear()
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    assert built  # the pages were built again, not found in the index
    assert snapshot(project, "site") == cached

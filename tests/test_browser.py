"""Built pages as a browser lays them out: headless Chromium, pages opened from disk.

Runs where Chromium is installed (`.ci/run` installs Debian's `chromium`, `fonts-noto-core`
and `fonts-noto-cjk`); skipped, visibly, otherwise. A probe script appended to a copy of a
built page measures what a reader would see and writes it into the DOM, which
`--dump-dom` prints; `--screenshot` shows that the page paints.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ARTICLE, PAGES, make_project
from miss_i18n.chrome import STYLE
from miss_i18n.cli import main

CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Chromium is not installed: apt-get install chromium")

PROBE = """
<script>
const box = (element) => element.getBoundingClientRect();
const style = (element) => getComputedStyle(element);
const page = document.documentElement;
const items = [...document.querySelectorAll("main li, article li, body > ul > li")];
const probe = {
  direction: style(page).direction,
  items: items.map((li) => ({
    list: style(li.parentElement).direction, item: style(li).direction,
    list_index: [...document.querySelectorAll("ul, ol")].indexOf(li.parentElement),
    marker: style(li).listStylePosition,
    inside: box(li).left >= box(li.parentElement).left - 0.5
            && box(li).right <= box(li.parentElement).right + 0.5,
  })),
  links: [...document.querySelectorAll("a[data-miss-i18n=link]")].map((a) => a.href),
};
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(probe);
document.body.append(out);
</script>
"""


def probe(page: Path, script: str = PROBE) -> dict[str, Any]:
    """What Chromium measures on ``page`` (a copy with the probe script appended)."""
    copy = page.with_name(f"probe-{page.name}")
    copy.write_bytes(page.read_bytes().replace(b"</body>", script.encode() + b"</body>"))
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           "--dump-dom", copy.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    copy.unlink()
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stderr[-2000:]
    data: dict[str, Any] = json.loads(found.group(1).replace("&amp;", "&")
                                      .replace("&lt;", "<").replace("&gt;", ">"))
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article built for ar (right to left) and de, untranslated: English fallback."""
    root = make_project(tmp_path_factory.mktemp("browser") / "p", ("ar", "de"),
                        extra="publish-threshold = 0\n")
    for translated in (False, True):  # then one list item translated by a person
        if translated:
            po = root / "locales" / "ar" / "LC_MESSAGES" / "miss.po"
            untranslated = b'msgid "Lower risk of infection"\nmsgstr ""\n'
            assert untranslated in po.read_bytes()
            po.write_bytes(po.read_bytes().replace(untranslated, (
                'msgid "Lower risk of infection"\nmsgstr "خطر أقل للعدوى"\n').encode()))
        result = CliRunner().invoke(main, ["run", "--config", str(root / "pyproject.toml"),
                                           "--no-translate", "-q"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return root / "site"


def test_an_rtl_page_lays_english_lists_out_left_to_right_inside_the_column(
        site: Path) -> None:
    """On an rtl page, a list left all in English is laid out as English (markers on the
    left, outside, as on the source page); in a list whose items are partly translated,
    the English ones keep their markers inside, so nothing leaves the column."""
    seen = probe(site / "ar" / ARTICLE.name)
    assert seen["direction"] == "rtl"
    lists: dict[int, list[dict[str, Any]]] = {}
    for item in seen["items"]:
        lists.setdefault(item.pop("list_index"), []).append(item)
    mixed = [items for items in lists.values() if {i["item"] for i in items} == {"ltr", "rtl"}]
    english = [items for items in lists.values() if {i["item"] for i in items} == {"ltr"}]
    assert len(mixed) == 1 and english and sum(map(len, english)) >= 3
    for item in (i for items in english for i in items):
        assert item == {"list": "ltr", "item": "ltr", "marker": "outside", "inside": True}
    for item in mixed[0]:
        assert item["list"] == "rtl" and item["inside"]
        assert item["marker"] == ("inside" if item["item"] == "ltr" else "outside")


def test_a_pages_own_list_style_wins_over_the_builds(site: Path) -> None:
    """The build's rule for lists left in English has no specificity: a page that puts
    its markers inside keeps them there."""
    built = site / "ar" / ARTICLE.name
    page = built.with_name("own-style.html")
    page.write_bytes(built.read_bytes().replace(
        b"</head>", b"<style>ul{list-style-position:inside}</style></head>"))
    try:
        items = probe(page)["items"]
    finally:
        page.unlink()
    english = [i for i in items if i["list"] == "ltr"]
    assert english and all(i["marker"] == "inside" for i in english)


def test_an_ltr_page_keeps_its_bullets_outside_as_usual(site: Path) -> None:
    seen = probe(site / "de" / ARTICLE.name)
    assert seen["direction"] == "ltr"
    assert seen["items"] and all(item["marker"] == "outside" for item in seen["items"])


def test_every_language_menu_link_opens_a_page_from_disk(site: Path) -> None:
    for page in (site / "ar" / ARTICLE.name, site / "de" / ARTICLE.name):
        links = probe(page)["links"]
        assert len(links) == 3
        for link in links:
            assert link.startswith("file://")
            assert Path(link.removeprefix("file://")).is_file(), link


KEPT = """
<script>
const kept = document.querySelector("p.notranslate"), text = document.createRange();
text.selectNodeContents(kept);
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify({
  direction: getComputedStyle(kept).direction, lang: kept.closest("[lang]").lang,
  fromLeft: text.getBoundingClientRect().left - kept.getBoundingClientRect().left,
});
document.body.append(out);
</script>
"""


def test_english_kept_by_translate_no_reads_left_to_right_on_an_rtl_page(
        tmp_path: Path) -> None:
    """tricky.html's <p class="notranslate">Brand text stays.</p> on the Arabic page: it
    took the page's direction (right-aligned, ".Brand text stays") and language; it is
    English, laid out as English."""
    root = make_project(tmp_path / "p", ("ar",), extra="publish-threshold = 0\n")
    shutil.copy(PAGES / "tricky.html", root / "source")
    result = CliRunner().invoke(main, ["run", "--config", str(root / "pyproject.toml"),
                                       "--no-translate", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    seen = probe(root / "site" / "ar" / "tricky.html", KEPT)
    assert (seen["direction"], seen["lang"]) == ("ltr", "en")
    assert abs(seen["fromLeft"]) < 1, seen  # its text starts at the left edge


LINKS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Procedures</title></head>
<body><main><h1>Procedures</h1><ul>
<li><a href="a.html">Lumbar discectomy</a></li>
<li><a href="b.html"><strong>Spinal fusion</strong></a></li>
<li><a href="c.html">Laminectomy</a></li>
</ul></main></body></html>
"""

ITEMS = """
<script>
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify([...document.querySelectorAll("main li")].map((li) => {
  const style = getComputedStyle(li), range = document.createRange();
  range.selectNodeContents(li);
  return {direction: style.direction, list: getComputedStyle(li.parentElement).direction,
          marker: style.listStylePosition,
          fromLeft: range.getBoundingClientRect().left - li.getBoundingClientRect().left};
}));
document.body.append(out);
</script>
"""


def test_english_list_items_that_are_links_read_left_to_right_on_an_rtl_page(
        tmp_path: Path) -> None:
    """<li><a href="…">Lumbar discectomy</a></li> left in English on the Arabic page: the
    English mark was on the link, so each item kept the page's direction, its text at the
    right edge and its bullet on the right. The item says it is English now: laid out as
    English, as an item without a link is."""
    root = make_project(tmp_path / "p", ("ar",), extra="publish-threshold = 0\n")
    (root / "source" / "links.html").write_text(LINKS, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "--config", str(root / "pyproject.toml"),
                                       "--no-translate", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    seen: Any = probe(root / "site" / "ar" / "links.html", ITEMS)
    assert len(seen) == 3
    for item in seen:
        assert (item["direction"], item["list"], item["marker"]) == ("ltr", "ltr", "outside")
        assert abs(item["fromLeft"]) < 1, item  # its text starts at the left edge


# -- every script: an ltr, an rtl and a CJK page, translated ---------------------------------
HAS_CJK_FONTS = shutil.which("fc-list") is not None and all(
    family in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                             check=False).stdout
    for family in ("Noto Sans CJK JP", "Noto Sans CJK SC"))
needs_cjk_fonts = pytest.mark.skipif(not HAS_CJK_FONTS,
                                     reason="Noto CJK fonts missing: apt-get install "
                                            "fonts-noto-cjk")

# A translator's work for the title and two headings, brought in as a TMX file (what the
# test writes itself: people's translations, not machine output).
TRANSLATED = {
    "Minimally invasive spine surgery": {"de": "Minimalinvasive Wirbelsäulenchirurgie",
                                         "ar": "جراحة العمود الفقري طفيفة التوغل",
                                         "ja": "低侵襲脊椎手術"},
    "Overview": {"de": "Überblick", "ar": "نظرة عامة", "ja": "概要"},
    "Advantages": {"de": "Vorteile", "ar": "المزايا", "ja": "利点"},
}

MEASURE = r"""
<script>
const textBox = (element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return range.getBoundingClientRect();
};
const column = (element) => {
  const box = element.getBoundingClientRect(), style = getComputedStyle(element);
  return {left: box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth),
          right: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth)};
};
const glyphs = (font, text) => {
  const canvas = document.createElement("canvas");
  canvas.width = 240; canvas.height = 90;
  const context = canvas.getContext("2d");
  context.font = font; context.textBaseline = "top"; context.fillStyle = "#000";
  context.fillText(text, 4, 4);
  return Array.from(context.getImageData(0, 0, 240, 90).data).join(",");
};
const heading = document.querySelector("#overview h2");
const text = textBox(heading), box = column(heading);
const family = getComputedStyle(heading).fontFamily;
const used = glyphs(`64px ${family}`, "直骨");
const stacks = {};
for (const lang of ["zh", "zh-TW", "ja", "ko", "hi", "ta", "ar", "ur", "he", "th", "my"]) {
  const span = document.createElement("span");
  span.lang = lang;
  document.body.append(span);
  stacks[lang] = getComputedStyle(span).fontFamily.split(",")[0].replaceAll('"', "");
  span.remove();
}
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify({
  direction: getComputedStyle(document.documentElement).direction,
  heading: heading.textContent, lang: heading.closest("[lang]").lang,
  fromLeft: text.left - box.left, fromRight: box.right - text.right,
  family: family,
  japaneseForms: used === glyphs('64px "Noto Sans CJK JP"', "直骨"),
  chineseForms: used === glyphs('64px "Noto Sans CJK SC"', "直骨"),
  tofu: used === glyphs(`64px ${family}`, "\u{10FFFD}\u{10FFFD}"),
  stacks: stacks,
});
document.body.append(out);
</script>
"""


def screenshot(page: Path, out: Path) -> bytes:
    """A PNG of ``page`` as headless Chromium paints it."""
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--window-size=900,1100",
                           f"--screenshot={out}", page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert out.is_file(), done.stderr[-2000:]
    return out.read_bytes()


def png_values(data: bytes) -> tuple[int, int, int]:
    """Width, height, and how many distinct byte values its pixel rows hold (a blank
    page, one colour, gives a handful whatever the PNG filters; text gives hundreds)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat, size = 8, b"", (0, 0)
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    return size[0], size[1], len(set(zlib.decompress(idat)))


@pytest.fixture(scope="module")
def scripts_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article for de (ltr), ar (rtl) and ja (CJK), its title and headings translated
    by people (imported from TMX, shown as drafts)."""
    root = make_project(tmp_path_factory.mktemp("scripts") / "p", ("de", "ar", "ja"),
                        extra="publish-threshold = 0\ninclude-fuzzy = true\n")
    config = ["--config", str(root / "pyproject.toml")]
    units = "".join(
        "<tu><tuv xml:lang='en'><seg>" + source + "</seg></tuv>"
        + "".join(f"<tuv xml:lang='{lang}'><seg>{text}</seg></tuv>" for lang, text in rows.items())
        + "</tu>\n" for source, rows in TRANSLATED.items())
    (root / "people.tmx").write_text(f"<tmx version='1.4'><header/><body>\n{units}</body></tmx>",
                                     encoding="utf-8")
    for command in (["tm", "import", str(root / "people.tmx")],
                    ["run", "--engine", "apertium"]):  # no engine model: people's text only
        result = CliRunner().invoke(main, [*command, *config, "-q"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return root / "site"


@pytest.mark.parametrize(("locale", "direction"), [("de", "ltr"), ("ar", "rtl"), ("ja", "ltr")])
def test_each_script_paints_its_text_at_the_start_of_the_column(
        scripts_site: Path, tmp_path: Path, locale: str, direction: str) -> None:
    page = scripts_site / locale / ARTICLE.name
    width, height, values = png_values(screenshot(page, tmp_path / f"{locale}.png"))
    assert (width, height) == (900, 1100)
    assert values > 50, f"the {locale} page painted (next to) nothing"
    seen = probe(page, MEASURE)
    assert (seen["direction"], seen["heading"], seen["lang"]) == (
        direction, TRANSLATED["Overview"][locale], locale)
    start, end = ("fromRight", "fromLeft") if direction == "rtl" else ("fromLeft", "fromRight")
    assert abs(seen[start]) < 1, seen  # the heading starts at the column's start edge
    assert seen[end] > 300, seen  # and a short heading leaves the far side empty


@needs_cjk_fonts
def test_a_japanese_page_renders_with_a_japanese_cjk_font(scripts_site: Path) -> None:
    seen = probe(scripts_site / "ja" / ARTICLE.name, MEASURE)
    assert seen["family"].startswith('"Noto Sans CJK JP"')
    assert seen["japaneseForms"] and not seen["chineseForms"] and not seen["tofu"], seen


def test_every_script_gets_its_own_font_stack_and_latin_keeps_the_pages_own(
        scripts_site: Path) -> None:
    assert probe(scripts_site / "de" / ARTICLE.name, MEASURE)["family"].startswith(
        "system-ui")  # the source page's own font
    stacks = probe(scripts_site / "ar" / ARTICLE.name, MEASURE)["stacks"]
    assert stacks == {
        "zh": "Noto Sans CJK SC", "zh-TW": "Noto Sans CJK TC", "ja": "Noto Sans CJK JP",
        "ko": "Noto Sans CJK KR", "hi": "Noto Sans Devanagari", "ta": "Noto Sans Tamil",
        "ar": "Noto Naskh Arabic", "ur": "Noto Nastaliq Urdu", "he": "Noto Sans Hebrew",
        "th": "Noto Sans Thai", "my": "Noto Sans Myanmar",
    }


CONTRAST = r"""
<script>
const rgba = (value) => [...value.match(/[\d.]+/g).map(Number), 1].slice(0, 4);
const canvas = document.createElement("i");
canvas.style.backgroundColor = "Canvas";  // the browser's page colour (dark in dark mode)
document.body.append(canvas);
const page = rgba(getComputedStyle(canvas).backgroundColor);
const backdrop = (element) => {  // the colour behind it: its and its ancestors' layers
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const colour = rgba(getComputedStyle(e).backgroundColor);
    layers.push(colour);
    if (colour[3] === 1) break;
  }
  return layers.reverse().reduce((under, c) => under.map((v, i) => v * (1 - c[3]) + c[i] * c[3]),
                                 page.slice(0, 3));
};
const luminance = (colour) => colour.slice(0, 3).map((v) => v / 255)
  .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
const contrast = (element) => {
  const [a, b] = [luminance(rgba(getComputedStyle(element).color)),
                  luminance(backdrop(element))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
};
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(Object.fromEntries(
  ["summary", "[data-miss-i18n$=-notice]", "[data-miss-i18n=list] a:not([aria-current])"]
    .map((selector) => [selector, contrast(document.querySelector(selector))])));
document.body.append(out);
</script>
"""


@pytest.mark.parametrize("theme", [
    "",  # the article's own: dark text on white
    "body{background:#161923;color:#bcbdd0}a{color:#8cc8ff}",  # a dark theme of its own
    ":root{color-scheme:dark}body{color:CanvasText}",  # the browser's dark mode, asked for
])
def test_the_menu_and_notice_read_on_a_light_and_a_dark_page(scripts_site: Path,
                                                              theme: str) -> None:
    """The menu button and the notice had a light background of their own (#fafafa,
    #eef4ff) but the page's text colour: on a dark theme (mdBook's, rustdoc's, or the
    browser's own for a page that asks for it), light grey on near-white. They now tint
    the page's background; their text keeps WCAG AA contrast (4.5:1) on any of these."""
    built = scripts_site / "de" / ARTICLE.name
    page = built.with_name("themed.html")
    page.write_bytes(built.read_bytes().replace(
        b"</head>", f"<style>{theme}</style></head>".encode()))
    try:
        seen = probe(page, CONTRAST)
    finally:
        page.unlink()
    assert len(seen) == 3 and all(ratio >= 4.5 for ratio in seen.values()), seen


MONOSPACE = r"""
<script>
const block = document.createElement("p");  // in the page's language, as translated text is
block.innerHTML = "<code>printf()</code> <kbd>Ctrl</kbd><pre>int <span>x</span>;</pre>";
document.querySelector("#overview").append(block);
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify({
  lang: block.closest("[lang]").lang,
  code: [...block.querySelectorAll("code, kbd, pre, pre span")]
    .map((e) => getComputedStyle(e).fontFamily),
  text: getComputedStyle(block).fontFamily.split(",")[0],
});
document.body.append(out);
</script>
"""


@pytest.mark.parametrize(("locale", "font"), [("ja", '"Noto Sans CJK JP"'),
                                              ("ar", '"Noto Naskh Arabic"')])
def test_code_keeps_its_monospace_font_on_a_page_with_a_script_font(
        scripts_site: Path, locale: str, font: str) -> None:
    """The script's font stack matched every element in the language: code, kbd and pre
    blocks (and a highlighter's spans in them) on a Japanese or Arabic page were drawn in
    the proportional CJK or Naskh font, columns and indentation lost. Code keeps the
    browser's monospace font; the text around it keeps the script's."""
    seen = probe(scripts_site / locale / ARTICLE.name, MONOSPACE)
    assert seen == {"lang": locale, "code": ["monospace"] * 4, "text": font}


HAS_NASTALIQ = shutil.which("fc-list") is not None and "Noto Nastaliq Urdu" in subprocess.run(
    ["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout

URDU_TEXT = "اردو ایک زبان ہے۔"
ENGLISH = "a (b) c. d: e, f • g (h) i. j: k, l • m"
ARABIC_STACK = '"Noto Naskh Arabic","Noto Sans Arabic",system-ui,sans-serif'
URDU = f"""<!DOCTYPE html><html lang="ur" dir="rtl"><head><meta charset="utf-8">
<style>{{style}}</style></head><body>
<p id="ur">{URDU_TEXT}</p><p id="naskh" style="font-family:'Noto Naskh Arabic'">{URDU_TEXT}</p>
<p lang="en" dir="ltr" id="en">{ENGLISH}</p>
<p lang="en" dir="ltr" id="latin" style='font-family:{ARABIC_STACK}'>{ENGLISH}</p>
</body></html>"""

WIDTHS = """
<script>
const width = (id) => {
  const range = document.createRange();
  range.selectNodeContents(document.getElementById(id));
  return range.getBoundingClientRect().width;
};
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(Object.fromEntries(
  ["ur", "naskh", "en", "latin"].map((id) => [id, width(id)])));
document.body.append(out);
</script>
"""


@pytest.mark.skipif(not HAS_NASTALIQ, reason="Noto Nastaliq Urdu missing: apt-get install "
                                             "fonts-noto-extra")
def test_english_on_an_urdu_page_is_not_drawn_with_nastaliq_punctuation(tmp_path: Path) -> None:
    """English left untranslated on an Urdu page (or its titles in the index) took Noto
    Nastaliq Urdu's space, stops and brackets: words ran together ("ClosureExample(libffi:
    the"), heavy stops and brackets, big bullets. Nastaliq now draws the Arabic script
    only: Urdu is still Nastaliq (not Naskh), English is drawn as on an Arabic page."""
    page = tmp_path / "ur.html"
    page.write_text(URDU.format(style=STYLE), encoding="utf-8")
    seen = probe(page, WIDTHS)
    assert abs(seen["en"] - seen["latin"]) < 1, seen
    assert abs(seen["ur"] - seen["naskh"]) > 5, seen


TABLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Steps</title></head>
<body><main><table><tr><th>Step</th><th>Action</th><th>Time</th></tr>
<tr><td>1</td><td>Wash hands</td><td> </td></tr></table>
<table><tr><th>Step</th><th>Action</th></tr></table></main></body></html>
"""

CELLS = """
<script>
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify([...document.querySelectorAll("main table")].map((table) =>
  ({direction: getComputedStyle(table).direction,
    order: [...table.querySelectorAll("th")].sort((a, b) =>
      a.getBoundingClientRect().left - b.getBoundingClientRect().left)
      .map((th) => th.textContent)})));
document.body.append(out);
</script>
"""


def test_an_english_table_on_an_rtl_page_keeps_its_columns_in_order(tmp_path: Path) -> None:
    """A table left all in English on a Hebrew page showed its columns reversed ("Time |
    Action | Step"): each cell said it was English, the table took the page's direction.
    One none of whose text is translated is laid out as English, whatever cells of
    numbers alone or spaces it has; one with a cell translated keeps the page's
    direction."""
    root = make_project(tmp_path / "p", ("he",), extra="publish-threshold = 0\n")
    (root / "source" / "steps.html").write_text(TABLE)
    po = root / "locales" / "he" / "LC_MESSAGES" / "miss.po"
    for translated in (False, True):
        if translated:
            po.write_bytes(po.read_bytes().replace(
                b'"steps:body/main/table[2]/tr/th[2]"\nmsgid "Action"\nmsgstr ""',
                '"steps:body/main/table[2]/tr/th[2]"\nmsgid "Action"\nmsgstr "פעולה"'.encode()))
        result = CliRunner().invoke(main, ["run", "--config", str(root / "pyproject.toml"),
                                           "--no-translate", "-q"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    first, second = probe(root / "site" / "he" / "steps.html", CELLS)
    assert first == {"direction": "ltr", "order": ["Step", "Action", "Time"]}
    assert second == {"direction": "rtl", "order": ["פעולה", "Step"]}

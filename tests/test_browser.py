"""Built pages as a browser lays them out: headless Chromium, pages opened from disk.

Runs where Chromium is installed (`.ci/run` installs Debian's `chromium`); skipped,
visibly, otherwise. A probe script appended to a copy of a built page measures what a
reader would see and writes it into the DOM, which `--dump-dom` prints.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ARTICLE, make_project
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


def probe(page: Path) -> dict[str, Any]:
    """What Chromium measures on ``page`` (a copy with the probe script appended)."""
    copy = page.with_name(f"probe-{page.name}")
    copy.write_bytes(page.read_bytes().replace(b"</body>", PROBE.encode() + b"</body>"))
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
    result = CliRunner().invoke(main, ["run", "--config", str(root / "pyproject.toml"),
                                       "--no-translate", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_an_rtl_page_keeps_english_list_items_inside_the_column(site: Path) -> None:
    seen = probe(site / "ar" / ARTICLE.name)
    assert seen["direction"] == "rtl"
    fallback = [item for item in seen["items"] if item["item"] == "ltr"]
    assert len(fallback) >= 10
    for item in fallback:
        assert item == {"list": "rtl", "item": "ltr", "marker": "inside", "inside": True}


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

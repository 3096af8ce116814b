"""Helpers for tests: what a page shows and how it is built, comparable across languages."""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import polib
import pytest
from click.testing import CliRunner
from lxml import etree

import miss_i18n
from miss_i18n.build import localize
from miss_i18n.chrome import MARK
from miss_i18n.cli import main
from miss_i18n.pages import parse_page
from miss_i18n.relink import URL_ATTRIBUTES
from miss_i18n.segments import locate
from miss_i18n.summary import translations_of
from miss_i18n.website import Site

HIDDEN = {"script", "style", "template", "head"}


def _body(data: bytes) -> etree._Element:
    root = parse_page(data).getroot()
    body = root.find("body")
    assert body is not None
    return body


def visible_text(data: bytes) -> str:
    """The body's text as a browser shows it (whitespace collapsed), build additions left out."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.get(MARK) is not None:
            return
        if element.text and element.tag not in HIDDEN:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in HIDDEN:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(_body(data))
    return re.sub(r"[ \t\n\r\f]+", " ", "".join(parts)).strip()


def structure(data: bytes, ignore: tuple[str, ...] = (), at: tuple[str, str] | None = None
              ) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every body element with its attributes, in document order, build additions left out.

    ``ignore`` names attributes to leave out (``lang``/``dir`` that mark source-language
    fallback text on a partly translated page); a ``<span>`` left with none is left out
    too (the span around fallback text that shares its element with blocks). ``at``: the
    page's file below the site root and its locale's folder (``("de/a/p.html", "de/")``,
    ``("a/p.html", "")``): a relative URL is then the path it leads to, that folder taken
    off (the build relinks a page's links to files from its locale folder).
    """
    out = []
    for element in _body(data).iter():
        if not isinstance(element.tag, str):
            continue
        if any(a.get(MARK) is not None for a in (element, *element.iterancestors())):
            continue
        attributes = {name: value if at is None or name not in URL_ATTRIBUTES
                      else _leads_to(value, *at)
                      for name, value in element.attrib.items() if name not in ignore}
        if ignore and element.tag == "span" and not attributes:
            continue
        out.append((element.tag, tuple(sorted(attributes.items()))))
    return out


def _leads_to(url: str, here: str, folder: str) -> str:
    """Where a relative ``url`` of the file ``here`` leads below the site root, ``folder``
    taken off; any other URL as it is."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return url
    target = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(parts.path)))
    return urlunsplit(("", "", target.removeprefix(folder), parts.query, parts.fragment))


def identity_catalog(data: bytes, page: str) -> dict[tuple[str | None, str], str]:
    """msgstr = msgid for every segment, as `msgen` makes it."""
    return {(s.segment.context, s.segment.msgid): s.segment.msgid
            for s in locate(parse_page(data), page)}


def build_with(data: bytes, page: str, locale: str,
               translations: dict[tuple[str | None, str], str]) -> bytes:
    site = Site([page], "en", [locale])
    built, _report = localize(parse_page(data), page, locale, translations, site=site)
    return built


def po_translations(po: polib.POFile) -> dict[tuple[str | None, str], str]:
    """What a build uses by default: translated, non-fuzzy entries."""
    return translations_of(po, include_fuzzy=False)


# Sentences from source/minimally-invasive-spine-surgery.html, plus one with numbers and
# the marks Apertium uses for unknown words (*, #, @), which must come through as text.
ENGINE_SENTENCES = [
    "Minimally Invasive Spine Surgery (MISS) is a type of surgery that utilizes "
    "specialized techniques to access the spine through small incisions.",
    "Lower risk of infection",
    "Less blood loss during surgery",
    "Lumbar discectomy: Removal of a portion of a herniated disc in the lower back "
    "to relieve nerve pressure.",
    "Laminectomy: Removal of the lamina (part of the vertebral bone) to relieve "
    "pressure on the spinal cord or nerves.",
    "Vertebroplasty and Kyphoplasty: Procedures to stabilize compressed vertebrae "
    "and relieve pain.",
    "These may include infection, bleeding, nerve damage, and the possibility of not "
    "fully resolving the patient's symptoms.",
    "Recovery takes 2 to 6 weeks* in 95% of cases (#3 @ the clinic).",
]


CONFIDENCE = re.compile(r"; confidence ([01]\.\d\d)(?=;|$)", re.M)
CONFIDENCE_STEP = 0.01
"""Confidences are shown to 2 decimals: an engine and the oracle a few float32 ulps apart
(another batch shape) may round to neighbours, never further apart."""


def drafts(po: polib.POFile) -> dict[tuple[str | None, str], tuple[str, bool, str]]:
    """Each entry's text, fuzzy flag and comments, the confidence number taken out."""
    return {(e.msgctxt, e.msgid): (e.msgstr, e.fuzzy, CONFIDENCE.sub("; confidence", e.tcomment))
            for e in po}


def confidences(po: polib.POFile) -> dict[tuple[str | None, str], float]:
    """The confidence on each entry's provenance line that has one."""
    return {(e.msgctxt, e.msgid): float(m.group(1)) for e in po
            if (m := CONFIDENCE.search(e.tcomment))}


def assert_same_drafts(actual: polib.POFile, expected: polib.POFile) -> None:
    """The same drafts and provenance; the same confidences, to the shown precision."""
    assert drafts(actual) == drafts(expected)
    mine, theirs = confidences(actual), confidences(expected)
    assert mine.keys() == theirs.keys()
    for key, value in mine.items():
        assert abs(value - theirs[key]) <= CONFIDENCE_STEP + 1e-9, key


def invoke(*args: str) -> tuple[int, str]:
    """The CLI through click's runner: exit code and output."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


_OBEY_MODES = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")
"""Root without its power to read, write and chmod what file modes deny it."""


@functools.cache
def _unprivileged() -> list[str] | None:
    """The command prefix that makes the CLI obey file modes; None where none can."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        return None
    probe = subprocess.run([*_OBEY_MODES, "true"], capture_output=True, check=False)
    return list(_OBEY_MODES) if probe.returncode == 0 else None


def invoke_without_access(path: Path, *args: str) -> tuple[int, str]:
    """``invoke_unprivileged`` while ``path`` grants no access at all (mode 0), its mode
    restored after."""
    mode = path.stat().st_mode & 0o777
    path.chmod(0)
    try:
        return invoke_unprivileged(*args)
    finally:
        path.chmod(mode)


def invoke_unprivileged(*args: str) -> tuple[int, str]:
    """The CLI in a process of its own that obeys file modes even as root (what a 0o000
    file means to every other user): exit code and output (stderr, then stdout). Skips
    the test where no such process can be made."""
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root, and setpriv cannot drop the power to bypass file modes")
    env = {**os.environ, "PYTHONPATH": str(Path(miss_i18n.__file__).parent.parent),
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([*prefix, sys.executable, "-m", "miss_i18n.cli", *args],
                          capture_output=True, text=True, env=env, check=False)
    return done.returncode, done.stderr + done.stdout


def snapshot(root: Path, *folders: str) -> dict[str, bytes]:
    """Every file below ``folders`` of ``root``, by path: to compare two runs' outputs."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in folders for p in sorted((root / folder).rglob("*")) if p.is_file()}


def paths_passed(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[Path]:
    """The paths ``module.name`` (a function of one path) is called with from now on, in
    order; it still does its work."""
    passed: list[Path] = []
    real = getattr(module, name)

    def counting(path: Path) -> object:
        passed.append(path)
        return real(path)

    monkeypatch.setattr(module, name, counting)
    return passed

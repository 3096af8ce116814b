"""A page's structured data (JSON-LD): its texts for people are extracted like the page's,
and a translation is written back into the very string it came from, every other byte of
the script as it was (structured.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import build_with, invoke, snapshot
from miss_i18n import structured
from miss_i18n.pages import parse_page
from miss_i18n.segments import locate

LD = """{
  "@context": {"@vocab": "https://schema.org/", "name": "https://schema.org/name"},
  "@type": "MedicalWebPage",
  "headline": "Minimally invasive spine surgery",
  "description":   "Surgery through \\u0073mall incisions.",
  "inLanguage": "en",
  "keywords": ["spine", "surgery"],
  "publisher": {"@type": "Organization", "name": "WikiMD"},
  "about": [{"@type": ["MedicalProcedure"], "name": "Spine surgery", "code": 1.5e3},
            {"@type": "Person", "name": "A. Surgeon", "description": "A surgeon."}],
  "a/b~c": {"caption": "A caption", "caption2": "Not text"},
  "dateModified": "2026-11-27", "isFamilyFriendly": true, "sameAs": null
}"""

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Spine surgery</title>
<script type="application/ld+json">
{LD}
</script>
<script type="application/ld+json" translate="no">{{"headline": "Kept as it is"}}</script>
</head>
<body>
<h1>Spine surgery</h1>
<p>Small incisions, less pain.</p>
<script type="application/ld+json">{{"@type": "FAQPage",
"mainEntity": [{{"@type": "Question", "name": "Is it safe?"}}]}}</script>
<script type="text/javascript">var headline = {{"headline": "Not structured data"}};</script>
<template><script type="application/ld+json">{{"headline": "Never read"}}</script></template>
</body>
</html>
"""


def test_the_texts_for_people_by_their_json_pointers() -> None:
    """Headline, description, captions and names of things; not the proper name of an
    organization or a person, nothing under @context, no keyword list, date or URL."""
    assert structured.texts(LD) == [
        ("/headline", "Minimally invasive spine surgery"),
        ("/description", "Surgery through small incisions."),
        ("/about/0/name", "Spine surgery"),
        ("/about/1/description", "A surgeon."),
        ("/a~1b~0c/caption", "A caption")]


@pytest.mark.parametrize("text", [
    "not json", '{"headline": "a", "headline": "b"}', '{"headline": NaN, "name": "x"}',
    '{"headline": "a"} trailing', '[{"headline": "a"},]', "", "{" * 100_000])
def test_a_script_that_is_not_json_we_can_write_into_is_left_alone(text: str) -> None:
    """Not JSON, a key twice (which one a reader takes is not defined), a constant JSON
    does not have, nested past what can be read: no texts, nothing replaced."""
    assert structured.texts(text) == []
    assert structured.with_language(text, "de") == text


def test_a_translation_replaces_its_string_and_nothing_else() -> None:
    changed = structured.replaced(LD, "/about/0/name", 'Wirbelsäulen-"Chirurgie" </script>')
    assert changed is not None and "<" not in changed  # no </script> or <!-- in a script
    data = json.loads(LD)
    data["about"][0]["name"] = 'Wirbelsäulen-"Chirurgie" </script>'
    assert json.loads(changed) == data
    start = LD.index('"Spine surgery"')
    assert changed[:start] == LD[:start]
    assert changed.endswith(LD[start + len('"Spine surgery"'):])
    assert structured.replaced(LD, "/nothing", "x") is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False,
                                                          allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(JSON, st.sampled_from([None, 0, 2]), st.booleans(), st.text())
def test_any_string_of_any_json_is_replaced_in_place(data: Any, indent: int | None,
                                                    ascii_only: bool, value: str) -> None:
    """Whatever the document and its layout: the string at each pointer, and only it,
    becomes ``value``; the document stays JSON."""
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    for pointer in _string_pointers(data, ""):
        changed = structured.replaced(text, pointer, value)
        assert changed is not None
        assert json.loads(changed) == _set(json.loads(text), pointer, value)


def _string_pointers(node: Any, pointer: str) -> list[str]:
    if isinstance(node, str):
        return [pointer]
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else []
    return [found for key, child in items for found in _string_pointers(
        child, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")]


def _set(node: Any, pointer: str, value: str) -> Any:
    if not pointer:
        return value
    first, slash, rest = pointer[1:].partition("/")
    key = first.replace("~1", "/").replace("~0", "~")
    below = slash + rest  # "/" alone: the empty key
    if isinstance(node, list):
        node[int(key)] = _set(node[int(key)], below, value)
    else:
        node[key] = _set(node[key], below, value)
    return node


def test_extract_takes_them_after_the_page_s_other_texts() -> None:
    """Each text with its pointer in the context and what it is in the extracted comment;
    not a script translate="no" covers, not a template's, not JavaScript."""
    slots = locate(parse_page(PAGE.encode()), "page.html")
    found = [(s.segment.context, s.segment.msgid, s.segment.comment) for s in slots
             if "json-ld" in s.segment.context]
    assert found == [
        ("page:head/script@json-ld:/headline", "Minimally invasive spine surgery",
         "Structured data for search engines (headline)"),
        ("page:head/script@json-ld:/description", "Surgery through small incisions.",
         "Structured data for search engines (description)"),
        ("page:head/script@json-ld:/about/0/name", "Spine surgery",
         "Structured data for search engines (name)"),
        ("page:head/script@json-ld:/about/1/description", "A surgeon.",
         "Structured data for search engines (description)"),
        ("page:head/script@json-ld:/a~1b~0c/caption", "A caption",
         "Structured data for search engines (caption)"),
        ("page:body/script@json-ld:/mainEntity/0/name", "Is it safe?",
         "Structured data for search engines (name)")]
    assert [s.segment.context for s in slots][-len(found):] == [c for c, _m, _k in found]


def _scripts(data: bytes) -> list[str]:
    tree = parse_page(data)
    return [s.text or "" for s in tree.getroot().iter("script")]


def test_the_build_writes_translations_into_the_script_and_names_its_language() -> None:
    """A translated page: each translated text in its string, inLanguage the page's
    language, everything else of every script as the source has it."""
    translations = {("page:head/script@json-ld:/headline", "Minimally invasive spine surgery"):
                    "Minimalinvasive &lt;Wirbelsäulen>-Chirurgie",
                    ("page:body/script@json-ld:/mainEntity/0/name", "Is it safe?"):
                    "Ist es sicher?"}
    source = _scripts(PAGE.encode())
    built = _scripts(build_with(PAGE.encode(), "page.html", "de", translations))
    expected = json.loads(source[0])
    expected.update(headline="Minimalinvasive <Wirbelsäulen>-Chirurgie", inLanguage="de")
    assert json.loads(built[0]) == expected
    assert built[0].replace('"de"', '"en"') == source[0].replace(
        '"Minimally invasive spine surgery"',
        '"Minimalinvasive \\u003cWirbelsäulen>-Chirurgie"')
    assert json.loads(built[2]) == {"@type": "FAQPage", "mainEntity": [
        {"@type": "Question", "name": "Ist es sicher?"}]}
    assert [built[1], *built[3:]] == [source[1], *source[3:]]
    untranslated = _scripts(build_with(PAGE.encode(), "page.html", "de", {}))
    assert untranslated[0] == source[0].replace('"inLanguage": "en"', '"inLanguage": "de"')
    assert untranslated[1:] == source[1:]
    assert _scripts(build_with(PAGE.encode(), "page.html", "en", {})) == source


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_a_run_carries_them_through_catalogs_and_pages(project: Path) -> None:
    """Through the CLI: the catalogs hold them (msgfmt --check accepts them), a person's
    translation reaches the page, and a second run writes nothing."""
    (project / "source" / "page.html").write_text(PAGE, encoding="utf-8")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = project / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    po = polib.pofile(str(path))
    entry = po.find("Is it safe?", msgctxt="page:body/script@json-ld:/mainEntity/0/name")
    assert entry is not None and entry.comment == "Structured data for search engines (name)"
    entry.msgstr = "Ist es sicher?"
    po.save(str(path))
    assert invoke("run", "--no-translate", "-q")[0] == 0
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    page = (project / "site" / "de" / "page.html").read_text(encoding="utf-8")
    assert '"name": "Ist es sicher?"' in page
    before = snapshot(project, "locales", "site")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    assert snapshot(project, "locales", "site") == before


@pytest.mark.parametrize("escaped", ["\\ud800 lone", "A\\u0000B", "Esc \\u001b here",
                                     "C1 \\u0085 one", "\\uffff x"])
def test_a_string_whose_escapes_make_a_character_no_page_holds_is_left_as_it_is(
        project: Path, escaped: str) -> None:
    """JSON lets a string escape a lone surrogate or a control character, which neither a
    catalog (UTF-8 has no surrogate; msgfmt reads NUL as an end) nor a page can hold: the
    run ended in a traceback (or wrote NUL into a msgid). Such a string is not extracted
    and stays as it is, in valid JSON; the page's other texts are translated as before."""
    page = PAGE.replace('"Spine surgery"', f'"{escaped}"')
    (project / "source" / "page.html").write_text(page, encoding="utf-8")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    template = (project / "locales" / "miss.pot").read_bytes()
    assert b"/about/0/name" not in template and b"\0" not in template
    assert b"Is it safe?" in template
    built = _scripts((project / "site" / "de" / "page.html").read_bytes())
    assert any(escaped in text for text in built)
    assert all(json.loads(text) for text in built if "@context" in text)
    assert invoke("check", "-q")[0] == 0

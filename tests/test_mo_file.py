"""mo_file against polib's ``to_binary`` (the writer every earlier run used, kept as the
oracle; but for an empty msgctxt, which polib drops), and against GNU gettext: msgunfmt
reads back what was compiled, an empty context is looked up as msgfmt's image has it."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from miss_i18n import catalog, incremental, mo_file
from miss_i18n.checks import CheckContext
from miss_i18n.config import Glossary
from miss_i18n.incremental import Template

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\x04"),
               max_size=12)


def oracle(po: polib.POFile) -> bytes:
    """What catalog.mo_bytes returned before mo_file: polib's quadratic writer."""
    compiled = polib.POFile(wrapwidth=0)
    compiled.metadata = dict(po.metadata)
    for entry in po.translated_entries():
        compiled.append(entry)
    return bytes(compiled.to_binary())


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = draw(st.dictionaries(st.sampled_from(
        ["Project-Id-Version", "Language", "Content-Type", "Plural-Forms", "X-Tool"]),
        TEXT.filter(lambda t: "\n" not in t), max_size=4))
    for _n in range(draw(st.integers(0, 12))):
        plural = draw(st.booleans())
        # (an empty context is polib's error: test_an_empty_context_is_kept_as_msgfmt_keeps_it)
        entry = polib.POEntry(msgctxt=draw(st.none() | TEXT.filter(bool)),
                              msgid=draw(TEXT.filter(bool)),
                              msgid_plural=draw(TEXT) if plural else "",
                              obsolete=draw(st.booleans()))
        if plural:
            entry.msgstr_plural = {n: draw(TEXT) for n in range(draw(st.integers(1, 3)))}
        else:
            entry.msgstr = draw(TEXT)
        if draw(st.booleans()):
            entry.flags.append("fuzzy")
        po.append(entry)
    return po


@settings(max_examples=300, deadline=None)
@given(catalogs())
def test_the_image_is_polibs_byte_for_byte(po: polib.POFile) -> None:
    assert catalog.mo_bytes(po) == oracle(po)


def test_the_repositorys_catalogs_compile_as_polib_compiled_them() -> None:
    paths = sorted((ROOT / "locales").rglob("*.po"))
    assert paths
    for path in paths:
        po = catalog.load(path)
        assert catalog.mo_bytes(po) == oracle(po), path


def test_equal_keys_keep_their_order_as_polib_keeps_them() -> None:
    # not a valid catalog (msgfmt refuses duplicates), but the order must not depend on
    # the translations: polib sorts on the key alone, stably
    po = polib.POFile(wrapwidth=0)
    po.extend([polib.POEntry(msgid="a", msgstr="z"), polib.POEntry(msgid="a", msgstr="b")])
    assert catalog.mo_bytes(po) == oracle(po)


@pytest.mark.skipif(shutil.which("msgunfmt") is None, reason="GNU gettext is not installed")
def test_msgunfmt_reads_back_every_translation(tmp_path: Path) -> None:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    po.extend([polib.POEntry(msgctxt="p#h1", msgid="Spine surgery", msgstr="Wirbelsäule"),
               polib.POEntry(msgid="Back", msgstr="Zurück"),
               polib.POEntry(msgid="draft", msgstr="Entwurf", flags=["fuzzy"]),
               polib.POEntry(msgid="one", msgid_plural="many",
                             msgstr_plural={0: "eins", 1: "viele"})])
    path = tmp_path / "miss.mo"
    path.write_bytes(catalog.mo_bytes(po))
    read = polib.pofile(subprocess.run(["msgunfmt", str(path)], check=True,
                                       capture_output=True, text=True).stdout)
    assert {(e.msgctxt, e.msgid, e.msgstr or tuple(e.msgstr_plural.values()))
            for e in read} == {("p#h1", "Spine surgery", "Wirbelsäule"),
                               (None, "Back", "Zurück"), (None, "one", ("eins", "viele"))}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_an_empty_context_is_kept_as_msgfmt_keeps_it(tmp_path: Path) -> None:
    """msgctxt "" is a context (pgettext("", ...)), not none: polib wrote such an entry
    under the key of the same msgid without context, two entries under one key."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    po.extend([polib.POEntry(msgctxt="", msgid="Back", msgstr="Zurück (leer)"),
               polib.POEntry(msgid="Back", msgstr="Zurück")])
    (tmp_path / "miss.po").write_bytes(catalog.to_bytes(po))
    subprocess.run(["msgfmt", "-o", str(tmp_path / "gnu.mo"), str(tmp_path / "miss.po")],
                   check=True)
    ours = catalog.mo_bytes(po)  # (msgfmt's image adds a hash table: the lookups compared)
    assert _lookups(ours) == _lookups((tmp_path / "gnu.mo").read_bytes()) == (
        "Zurück (leer)", "Zurück")
    template = Template(po, "digest", None, None)
    facts = incremental.facts_of(po, CheckContext("de", "de", Glossary()))
    assert incremental.mo_of(po.metadata, facts, template) == ours


def _lookups(image: bytes) -> tuple[str, str]:
    translations = gettext.GNUTranslations(io.BytesIO(image))
    return translations.pgettext("", "Back"), translations.gettext("Back")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.none() | TEXT.filter(bool), TEXT.filter(bool), TEXT.filter(bool),
                          st.booleans()), min_size=1, max_size=12,
                unique_by=lambda item: (item[0], item[1])))
def test_a_catalog_in_its_templates_order_compiles_as_any_other(
        items: list[tuple[str | None, str, str, bool]]) -> None:
    """incremental.mo_of with the template: its order made once, entries not sorted again;
    the same image as the catalog's own, translated or not, fuzzy or not."""
    pot = polib.POFile(wrapwidth=0)
    pot.extend(polib.POEntry(msgctxt=ctx, msgid=msgid) for ctx, msgid, _text, _fuzzy in items)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    po.extend(polib.POEntry(msgctxt=ctx, msgid=msgid, msgstr=text,
                            flags=["fuzzy"] if fuzzy else [])
              for ctx, msgid, text, fuzzy in items)
    po.append(polib.POEntry(msgid="gone", msgstr="weg", obsolete=True))
    template = Template(pot, "digest", None, None)
    facts = incremental.facts_of(po, CheckContext("de", "de", Glossary()))
    assert incremental.mo_of(po.metadata, facts, template) == catalog.mo_bytes(po)
    assert incremental.mo_of(po.metadata, facts) == catalog.mo_bytes(po)
    # the order is made where most entries are translated (made and used here)
    assert bool(template.mo_orders) == (8 * sum(not fuzzy for *_rest, fuzzy in items)
                                        > len(items))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.none() | TEXT, TEXT.filter(bool), TEXT), max_size=12,
                unique_by=lambda item: (item[0], item[1])),
       st.lists(st.booleans(), min_size=12, max_size=12),
       st.lists(st.tuples(st.none() | TEXT, TEXT.filter(bool), TEXT), max_size=4,
                unique_by=lambda item: (item[0], item[1])),
       TEXT.filter(lambda t: "\n" not in t))
def test_a_spliced_image_is_the_image_of_the_changed_catalog(
        before: list[tuple[str | None, str, str]], kept: list[bool],
        added: list[tuple[str | None, str, str]], header: str) -> None:
    """An edit's .mo: the image on disk less the entries gone, with those merged (a key
    gone and put in again with another text too), is the image made whole."""
    old = mo_file.image("Language: de\n", ((c, m, None, (t,)) for c, m, t in before))
    keep = [entry for entry, stays in zip(before, kept, strict=False) if stays]
    gone = [entry for entry, stays in zip(before, kept, strict=False) if not stays]
    added = [entry for entry in added if (entry[0], entry[1]) not in {
        (c, m) for c, m, _t in keep}]
    spliced = mo_file.splice(old, header, [mo_file.key_of(c, m) for c, m, _t in gone],
                             [(mo_file.key_of(c, m), t.encode()) for c, m, t in added])
    assert spliced == mo_file.image(header, ((c, m, None, (t,)) for c, m, t in keep + added))
    # what it cannot do, it says so: a key that is not there, one already there
    if keep:
        assert mo_file.splice(old, header, [], [(mo_file.key_of(*keep[0][:2]), b"x")]) is None
    assert mo_file.splice(old, header, [b"\xff not a key"], []) is None
    assert mo_file.splice(old[:-1], header, [], []) is None

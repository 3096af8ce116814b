"""languages.py: each locale's name in itself, direction and English name, from a table
written from Babel (loading a locale's CLDR data costs milliseconds per process), held
here to what the installed Babel says."""

from __future__ import annotations

import babel
from babel.localedata import locale_identifiers
from lxml import etree

from conftest import REGENERATE
from miss_i18n import languages
from miss_i18n.languages import NAMES_TABLE, english_name, locale_names, names_table
from miss_i18n.segments import primary_subtag


def test_the_names_table_is_what_babel_says_of_every_locale() -> None:
    """The table holds, for every locale Babel knows, what Babel gives (name in itself,
    direction, English name): regenerate it (MISS_I18N_REGENERATE_GOLDEN=1) with a new
    Babel. With another Babel installed than the table's, the table is not used."""
    made = names_table()
    if REGENERATE:
        NAMES_TABLE.write_bytes(made)
    table = languages._table()
    if languages.json.loads(NAMES_TABLE.read_bytes())["babel"] != babel.__version__:
        assert table == {}  # names come from Babel itself, as before the table
        return
    assert NAMES_TABLE.read_bytes() == made
    assert set(table) == set(locale_identifiers())


def test_names_and_directions_of_the_target_locales() -> None:
    for locale, own, way, english in (
            ("de", "Deutsch", "ltr", "German"), ("ar", "العربية", "rtl", "Arabic"),
            ("he", "עברית", "rtl", "Hebrew"), ("pt_BR", "português (Brasil)", "ltr",
                                              "Portuguese (Brazil)"),
            ("zh", "中文", "ltr", "Chinese")):
        assert locale_names(locale) == (own, way) == languages._from_babel(locale)[:2]
        assert english_name(locale) == english == languages._from_babel(locale)[2]


def test_a_claim_inside_another_languages_element_stays_and_one_inside_no_language_goes(
        ) -> None:
    """English inside a French quotation keeps its lang="en" (it is what keeps it read as
    English there); inside an element whose lang names no one language (``und``, empty,
    not a tag), which extraction reads as the page's language, the claim is taken off like
    any other. One rule reads the tags for both (segments.primary_subtag)."""
    root = etree.fromstring(
        '<html lang="en"><body><blockquote lang="fr-CA"><span lang="en">a</span></blockquote>'
        '<div lang="und"><span lang="EN_gb">b</span></div>'
        '<div lang="12"><span lang="en">c</span></div><p lang="en-US">d</p></body></html>')
    assert [element.text or element[0].text for element, _ in
            languages.claiming(root, "en")] == ["b", "c", "d"]
    assert [primary_subtag(tag) for tag in ("fr-CA", "EN_gb", "und", "", "12", "fil")] == [
        "fr", "en", None, None, None, "fil"]

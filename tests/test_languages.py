"""languages.py: each locale's name in itself, direction and English name, from a table
written from Babel (loading a locale's CLDR data costs milliseconds per process), held
here to what the installed Babel says."""

from __future__ import annotations

import babel
from babel.localedata import locale_identifiers

from conftest import REGENERATE
from miss_i18n import languages
from miss_i18n.languages import NAMES_TABLE, english_name, locale_names, names_table


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

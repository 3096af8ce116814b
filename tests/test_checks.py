"""The catalog checks, each pinned on a tiny PO file that Babel really parses."""

# The translations below are meant to hold other scripts' digits and punctuation.

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural

from conftest import ROOT
from miss_i18n import po_fast, po_syntax
from miss_i18n.build import shows
from miss_i18n.catalog import load, mo_bytes, plural_forms
from miss_i18n.checks import (
    CHECKS,
    ENTRY_CHECKS,
    HEADER_CHECKS,
    CheckContext,
    Header,
    check_catalog,
    check_file,
    check_header,
    entry_check,
    reads_as_format,
)
from miss_i18n.config import Glossary, load_config
from miss_i18n.errors import CatalogError
from miss_i18n.model import Issue, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING
SHOWN = "locales/xx/LC_MESSAGES/miss.po"
CONTEXT = "page:#p"
FIRST = 16
"""Line of the first entry's msgid: 13 header lines, a blank line, then msgctxt."""
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None,
                                  reason="GNU gettext (msgfmt) missing: apt-get install gettext")


# -- building PO files ----------------------------------------------------------------------
def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t") + '"'


def header(locale: str = "de", *, language: str | None = None, plural: str | None = None,
           fuzzy: bool = False) -> str:
    """A header like the one `update` writes; ``""`` for a field leaves it out."""
    forms = get_plural(locale)
    fields = [
        ("Project-Id-Version", "miss-i18n 0.1.0"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", "2026-01-01 00:00+0000"),
        ("PO-Revision-Date", "2026-01-01 00:00+0000"),
        ("Last-Translator", ""),
        ("Language-Team", "Test <>"),
        ("Language", locale if language is None else language),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", plural if plural is not None
         else f"nplurals={forms.num_plurals}; plural={forms.plural_expr};"),
    ]
    lines = ["#, fuzzy"] if fuzzy else []
    lines += ['msgid ""', 'msgstr ""']
    lines += [_quote(f"{name}: {value}\n") for name, value in fields
              if value or name in {"Report-Msgid-Bugs-To", "Last-Translator"}]
    return "\n".join(lines) + "\n"


def entry(msgid: str, msgstr: str, *, context: str = CONTEXT, flags: str = "",
          comment: str = "") -> str:
    lines = [f"# {comment}"] if comment else []
    lines += [f"#, {flags}"] if flags else []
    lines += [f"msgctxt {_quote(context)}", f"msgid {_quote(msgid)}", f"msgstr {_quote(msgstr)}"]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, *entries: str, head: str | None = None, locale: str = "de") -> Path:
    path = tmp_path / "miss.po"
    text = "\n".join([header(locale) if head is None else head, *entries])
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp_path: Path, *entries: str, locale: str = "de", head: str | None = None,
        glossary: Glossary | None = None) -> list[Issue]:
    path = write(tmp_path, *entries, head=head, locale=locale)
    return check_file(path, locale, glossary or Glossary(), SHOWN)


HEADER_LINE = 1
"""Line of the header's msgid in ``header()`` (2 below its ``#, fuzzy``)."""


HEADER_FUZZY = ("the header is marked fuzzy: GNU msgfmt and miss-i18n compile the catalog "
                "all the same, but pybabel compile skips the whole catalog; once the header is "
                "reviewed, remove 'fuzzy' from its '#,' line")


def issue(check: str, severity: Severity, message: str, msgid: str | None, *,
          line: int | None = FIRST, context: str | None = CONTEXT) -> Issue:
    if msgid is None:  # the header's: at its msgid
        line, context = HEADER_LINE if line == FIRST else line, None
    return Issue(check, severity, message, SHOWN, line, context, msgid)


def in_memory(*entries: polib.POEntry, locale: str = "de") -> polib.POFile:
    """A catalog as the pipeline holds it before writing it (no file, no line numbers)."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": locale, "Plural-Forms": plural_forms(locale)}
    po.extend(entries)
    return po


def one(tmp_path: Path, msgid: str, msgstr: str, **options: object) -> list[Issue]:
    """The issues of a catalog holding a single translated entry."""
    locale = str(options.pop("locale", "de"))
    glossary = options.pop("glossary", None)
    assert glossary is None or isinstance(glossary, Glossary)
    assert not options
    return run(tmp_path, entry(msgid, msgstr), locale=locale, glossary=glossary)


# -- the registry ---------------------------------------------------------------------------
SPEC = {
    "header-language": ERROR, "header-plural-forms": ERROR, "header-fuzzy": ERROR,
    "plural-forms-cldr": WARNING,
    "babel": ERROR, "newlines": ERROR, "joined-translations": ERROR, "placeholders": ERROR,
    "raw-markup": ERROR, "urls": ERROR,
    "do-not-translate": ERROR, "unusable-characters": ERROR, "blank": ERROR,
    "numbers": WARNING,
    "preferred-term": WARNING, "whitespace": WARNING, "end-punctuation": WARNING,
    "bidi-controls": WARNING, "repeated-words": WARNING, "double-spaces": WARNING,
    "html-entity": WARNING, "untranslated": WARNING, "script": WARNING,
}


def test_every_check_has_a_stable_name_and_a_fixed_severity() -> None:
    assert {check.name: check.severity for check in CHECKS} == SPEC
    assert [check.name for check in CHECKS] == list(SPEC)  # report order, errors first
    # (in each kind: the header's, then the entries')
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in SPEC)
    assert len(ENTRY_CHECKS) == len(set(ENTRY_CHECKS)) == 19
    assert [check.name for check in HEADER_CHECKS] == list(SPEC)[:4]
    assert all(check.summary and "\n" not in check.summary for check in CHECKS)


def test_readme_names_every_check_with_its_severity() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Checks\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    for check in CHECKS:
        [row] = [row for row in rows if f"`{check.name}`" in row]
        assert row.rstrip(" |").endswith(check.severity.value), check.name


def test_a_second_check_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="two checks are named 'urls'"):
        entry_check("urls", WARNING, "again")(lambda text, ctx: iter(()))
    assert len(ENTRY_CHECKS) == 19


def test_check_context_keeps_its_positional_form() -> None:
    ctx = CheckContext("pt_BR", SHOWN, Glossary())
    assert (ctx.locale, ctx.path, ctx.language, ctx.header) == ("pt_BR", SHOWN, "pt", Header())


# -- clean catalogs -------------------------------------------------------------------------
GLOSSARY = Glossary(
    do_not_translate=("MISS", "WikiMD"),
    preferred={"de": {"spine surgery": "Wirbelsäulenchirurgie"},
               "pt": {"spine surgery": "cirurgia da coluna"}},
)
CLEAN = (
    entry("Minimally invasive spine surgery", "Minimalinvasive Wirbelsäulenchirurgie"),
    entry("<1>Minimally Invasive Spine Surgery</1> (<2>MISS</2>) uses 3.5 mm tubes, "
          "see https://example.org/miss or write to info@example.org.",
          "<1>Minimalinvasive Wirbelsäulenchirurgie</1> (<2>MISS</2>) nutzt 3,5-mm-Röhren, "
          "siehe https://example.org/miss oder schreiben Sie an info@example.org.",
          context="page:#lead"),
    entry("<1>Contributors:</1> <2/>", "<1>Mitwirkende:</1> <2/>", context="page:#c"),
    entry("Values &lt; 1,000 are rare", "Werte &lt; 1.000 sind selten", context="page:#v"),
    entry("WikiMD is not a substitute for professional medical advice.",
          "WikiMD ist kein Ersatz für eine professionelle ärztliche Beratung.",
          context="page:#w", flags="fuzzy"),
    entry("Untranslated: 42 items at https://example.org/ <1>x</1>", "", context="page:#u"),
    entry(" Faster recovery times\n", " Schnellere Genesung\n", context="page:#r"),
    "#~ msgctxt \"page:#gone\"\n#~ msgid \"<1>Gone</1> 7\"\n#~ msgstr \"<2>Weg</2>\"\n",
)


def test_clean_catalog_has_no_issues(tmp_path: Path) -> None:
    assert run(tmp_path, *CLEAN, glossary=GLOSSARY) == []


@needs_msgfmt
def test_clean_catalog_passes_msgfmt_check(tmp_path: Path) -> None:
    path = write(tmp_path, *CLEAN)
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_in_memory_catalog_is_checked_as_it_would_be_written(tmp_path: Path) -> None:
    catalog = in_memory(polib.POEntry(msgctxt=CONTEXT, msgid="<1>MRI</1> scans",
                                      msgstr="MRT-Scans"))
    ctx = CheckContext("de", SHOWN, Glossary())
    assert list(check_header(catalog, ctx)) == []
    found = [issue("placeholders", ERROR, "placeholders differ: missing <1>…</1>",
                   "<1>MRI</1> scans", line=None)]
    assert check_catalog(catalog, ctx) == found
    path = tmp_path / "miss.po"
    catalog.save(str(path))
    assert [replace(i, line=None) for i in check_file(path, "de", Glossary(), SHOWN)] == found


def test_a_file_is_read_and_parsed_once_and_no_babel_catalog_is_built(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, entry("%(count)d files", "%(anzahl)d Dateien"),
                 '#, python-format\nmsgid "%d file"\nmsgid_plural "%d files"\n'
                 'msgstr[0] "%d Datei"\n')
    parses: list[int] = []
    real_parse, real_fast = po_syntax.parse, po_fast.parse

    def counted(data: bytes) -> po_syntax.PoFile:
        parses.append(len(data))
        return real_parse(data)

    def counted_fast(data: bytes) -> po_syntax.PoFile | None:
        parsed = real_fast(data)
        if parsed is not None:  # else po_syntax.parse reads it, and counts
            parses.append(len(data))
        return parsed

    def no_catalog(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Babel Catalog was built")

    monkeypatch.setattr(po_syntax, "parse", counted)
    monkeypatch.setattr(po_fast, "parse", counted_fast)
    monkeypatch.setattr(Catalog, "__init__", no_catalog)
    assert [i.message for i in check_file(path, "de", Glossary(), SHOWN)] == [
        "unknown named placeholder 'anzahl'", "Wrong number of plural forms (expected 2)"]
    assert parses == [path.stat().st_size]


# -- header -------------------------------------------------------------------------------
DE_FORMS = repr(plural_forms("de"))
SETS = " (`miss-i18n update` sets it)"
HEADER_CASES = {
    "wrong language": (header(language="fr"),
                       issue("header-language", ERROR,
                             f"Language header is 'fr', expected 'de'{SETS}", None)),
    "no language": (header(language=""),
                    issue("header-language", ERROR,
                          f"Language header is missing, expected 'de'{SETS}", None)),
    "other plural forms": (header(plural="nplurals=1; plural=0;"),
                           issue("plural-forms-cldr", WARNING,
                                 f"Plural-Forms is 'nplurals=1; plural=0;', CLDR says {DE_FORMS}",
                                 None)),
    "no plural forms": (header(plural=""),
                        issue("header-plural-forms", ERROR,
                              f"Plural-Forms header is missing, CLDR says {DE_FORMS}", None)),
    "fuzzy header": (header(fuzzy=True),
                     issue("header-fuzzy", ERROR, HEADER_FUZZY, None, line=HEADER_LINE + 1)),
}


@pytest.mark.parametrize("case", list(HEADER_CASES))
def test_header_checks(tmp_path: Path, case: str) -> None:
    head, expected = HEADER_CASES[case]
    assert run(tmp_path, entry("Overview", "Überblick"), head=head) == [expected]


@pytest.mark.parametrize(("head", "expected"), [
    (header(language="!!!"), [issue("header-language", ERROR,
                                    f"Language header is '!!!', expected 'de'{SETS}", None)]),
    (header(plural="nplurals=x; plural=n>;"), [issue(
        "header-plural-forms", ERROR, "Plural-Forms is 'nplurals=x; plural=n>;', CLDR says "
        f"{DE_FORMS}", None)]),
    (header().replace("2026-01-01 00:00+0000", "garbage"), []),
], ids=["language", "plural-forms", "dates"])
def test_header_fields_babel_cannot_parse_are_reported_not_raised(
        tmp_path: Path, head: str, expected: list[Issue]) -> None:
    assert run(tmp_path, entry("Overview", "Überblick"), head=head) == expected


@needs_msgfmt
@pytest.mark.parametrize("plural", [
    "nplurals=2; plural=(n != 1);", "nplurals=2; plural=n != 1", "nplurals=2;",
    "nplurals=2; plural=(n != 1;", "nplurals=2; plural=foo;", "nplurals=2; plural=;",
    "nplurals=2; plural= n !=1 garbage;", "nplurals=2; plural=0x1;",
    "nplurals=2; plural = foo;",  # msgfmt looks for "plural=": this one it never reads
    "nplurals=2; plural=n / 0;", "nplurals=2; plural=(n % (n - n));",
    "nplurals=1; plural=(n != 1);", "nplurals=0; plural=0;",
    "nplurals=2; plural=(n == 1000 ? 2 : n != 1);", "nplurals=2; plural=(n > 1000 ? 2 : 0);",
    "nplurals = 1; plural=(n != 1);",  # nor "nplurals =" (so nothing to compare with)
])
def test_a_plural_expression_is_an_error_exactly_where_msgfmt_check_refuses_it(
        tmp_path: Path, plural: str) -> None:
    """Poedit and Weblate run msgfmt --check: a Plural-Forms it refuses (an expression it
    cannot parse, one that can divide by zero or name more forms than nplurals) stops them."""
    found = [i for i in run(tmp_path, entry("Overview", "Überblick"), head=header(plural=plural))
             if i.check == "header-plural-forms"]
    gnu = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(tmp_path / "miss.po")],
                         capture_output=True, text=True, check=False,
                         env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""})
    assert bool(found) == ("plural expression" in gnu.stderr), gnu.stderr
    assert all("msgfmt --check refuses" in i.message for i in found)


def test_a_header_finding_names_the_headers_line(tmp_path: Path) -> None:
    """A translator's editor jumps to file:line: a header finding names the header's msgid
    line (after any comment above it), as an entry's finding names the entry's."""
    head = "# Hans Muster <hans@example.org>, 2026.\n" + header(language="fr", fuzzy=True)
    found = run(tmp_path, entry("Overview", "Überblick"), head=head)
    assert [(i.check, i.line) for i in found] == [("header-language", 3), ("header-fuzzy", 3)]


@needs_msgfmt
def test_what_the_header_fuzzy_message_says_compilers_do(tmp_path: Path) -> None:
    """The message said "compilers skip the whole file": pybabel does, but GNU msgfmt and
    miss-i18n's compile compile a catalog with a fuzzy header all the same (its header
    too), so the message says which does what."""
    path = write(tmp_path, entry("Overview", "Überblick"), head=header(fuzzy=True))
    gnu = tmp_path / "gnu.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(gnu), str(path)], check=True)
    assert polib.mofile(str(gnu)).find("Overview", msgctxt=CONTEXT).msgstr == "Überblick"
    ours = tmp_path / "ours.mo"
    ours.write_bytes(mo_bytes(load(path)))
    assert polib.mofile(str(ours)).find("Overview", msgctxt=CONTEXT).msgstr == "Überblick"
    babel = tmp_path / "babel.mo"
    done = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-i",
                           str(path), "-o", str(babel), "-l", "de"],
                          capture_output=True, text=True, check=False)
    assert "marked as fuzzy, skipping" in done.stderr + done.stdout and not babel.exists()
    assert [i.message for i in run(tmp_path, entry("Overview", "Überblick"),
                                   head=header(fuzzy=True))] == [HEADER_FUZZY]


def test_header_with_other_flags_is_not_fuzzy(tmp_path: Path) -> None:
    assert run(tmp_path, entry("Overview", "Überblick"), head="#, no-wrap\n" + header()) == []


def test_file_without_header_is_reported(tmp_path: Path) -> None:
    assert run(tmp_path, entry("Overview", "Überblick"), head="") == [
        replace(HEADER_CASES[case][1], line=None) for case in ("no language", "no plural forms")]


@pytest.mark.parametrize(("locale", "plural"), [
    ("de", "nplurals=2; plural=n != 1;"),  # as Weblate and Lokalize write it
    ("de", "nplurals=2; plural=(n!=1)"),
    ("ja", "nplurals=1; plural=0"),
    ("ru", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
           "(n%100<10 || n%100>=20) ? 1 : 2);"),  # the gettext manual's rule for Russian
])
def test_a_plural_rule_written_otherwise_but_the_same_is_no_warning(
        tmp_path: Path, locale: str, plural: str) -> None:
    """The rule Weblate, Lokalize or the gettext manual write for a language says the same
    as CLDR's, parenthesised or spaced otherwise: no plural-forms-cldr warning (each
    Weblate catalog had one, and `check --strict` failed on it)."""
    head = header(locale, plural=plural)
    assert [i.check for i in run(tmp_path, entry("Overview", "x"), head=head,
                                 locale=locale)] == []
    other = header(locale, plural=plural.replace("1", "2", 1) if locale != "ja" else
                   "nplurals=2; plural=n != 1;")
    assert "plural-forms-cldr" in [i.check for i in run(tmp_path, entry("Overview", "x"),
                                                        head=other, locale=locale)]


def test_header_accepts_a_dashed_language_and_loose_plural_spacing(tmp_path: Path) -> None:
    # CLDR's forms as this Babel gives them (2.19 gave Portuguese a third), spaces squeezed
    squeezed = plural_forms("pt_BR").replace(" ", "").rstrip(";")
    head = header("pt_BR", language="pt-BR", plural=squeezed)
    assert run(tmp_path, entry("Overview", "Visão geral"), head=head, locale="pt_BR") == []


# -- Babel's checkers -----------------------------------------------------------------------
def test_babel_python_format(tmp_path: Path) -> None:
    msgid = "%(count)d files in %(folder)s"
    issues = run(tmp_path, entry(msgid, "%(anzahl)d Dateien in %(folder)s", flags="python-format"))
    assert issues == [issue("babel", ERROR, "unknown named placeholder 'anzahl'", msgid,
                            line=FIRST + 1)]


def test_code_mixing_named_and_positional_placeholders_is_no_format(tmp_path: Path) -> None:
    """Text showing code (``%(name)s has %d``, unflagged) was read as a format string, and
    Babel's "mixes positional and named placeholders" was an error no translation could
    mend (every draft of it held back). Flagged python-format, Babel still judges it."""
    msgid = "Write <1>%(name)s has %d items</1> in the template."
    msgstr = "Schreiben Sie <1>%(name)s has %d items</1> in die Vorlage."
    assert [i for i in one(tmp_path, msgid, msgstr) if i.check == "babel"] == []
    assert reads_as_format("%(count)d files") and reads_as_format("%d of %s")
    assert not reads_as_format("%(name)s has %d") and not reads_as_format("5% of patients")


PLURAL = 'msgid "{one}"\nmsgid_plural "{many}"\n{forms}'


def plural(one: str, many: str, *forms: str) -> str:
    return PLURAL.format(one=one, many=many, forms="".join(
        f'msgstr[{n}] "{form}"\n' for n, form in enumerate(forms)))


BABEL_CASES = {
    # Babel reads any msgid holding a %-format as python-format, flagged or not
    "unflagged python-format": ("de", None, entry("%(count)d files", "%(anzahl)d Dateien"),
                                ["unknown named placeholder 'anzahl'"]),
    "python-format ok": ("de", None, entry("%d%% of %s", "%d%% von %s"), []),
    "python-format untranslated": ("de", None, entry("%(count)d files", ""), []),
    # a page's prose: "% o" reads as a format to Babel (its space flag), not to us
    "percent in prose": ("de", None, entry("Only 5% of patients, 20% off", "Nur 5 % der "
                                           "Patienten, 20 % Rabatt"), []),
    "a format in prose": ("de", None, entry("%d of them", "%s von ihnen"), [
        "incompatible format for placeholder 1: 'd' and 's' are not compatible"]),
    "unflagged, but no-python-format": ("de", None, entry(
        "%(count)d files", "%(anzahl)d Dateien", flags="no-python-format"), []),
    "plural forms ok": ("de", None, plural("%d file", "%d files", "%d Datei", "%d Dateien"), []),
    "untranslated plural, ok": ("de", None, plural("%d file", "%d files", "", ""), []),
    "untranslated plural, too many forms": ("ja", None, plural("%d file", "%d files", "", ""),
                                            ["Wrong number of plural forms (expected 1)"]),
    "too few forms, then a bad placeholder": (
        "de", None, plural("%(n)d file", "%(n)d files", "%(x)d Datei"),
        ["Wrong number of plural forms (expected 2)", "unknown named placeholder 'x'"]),
    "plural form checked against msgid_plural": (
        "de", None, plural("one file", "%(n)d files", "eine Datei", "%(m)d Dateien"),
        ["unknown named placeholder 'm'"]),
    "the header's nplurals counts": ("de", header(plural="nplurals=3; plural=n%3;"),
                                     plural("%d file", "%d files", "%d Datei", "%d Dateien"),
                                     ["Wrong number of plural forms (expected 3)"]),
}


@pytest.mark.parametrize("case", list(BABEL_CASES))
def test_babels_checkers(tmp_path: Path, case: str) -> None:
    locale, head, text, messages = BABEL_CASES[case]
    found = run(tmp_path, text, locale=locale, head=head)
    assert [(i.check, i.line, i.message) for i in found if i.check == "babel"] == [
        ("babel", FIRST if text.startswith("msgctxt") else FIRST - 1, m) for m in messages]


def test_untranslated_format_string_loads_no_checkers(tmp_path: Path) -> None:
    """Babel checks a format string's translations only: a new catalog's entries, all
    untranslated, check without loading its checkers (15 ms per process), and a
    translated one does load them."""
    code = ("import sys; from test_checks import entry, run; from pathlib import Path; "
            "import tempfile; folder = Path(tempfile.mkdtemp(dir=sys.argv[1])); "
            "assert run(folder, entry('%(count)d files', sys.argv[2])) == [] or sys.argv[2]; "
            "print('babel.messages.checkers' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    loaded = [subprocess.run([sys.executable, "-c", code, str(tmp_path), text], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
              for text in ("", "%(anzahl)d Dateien")]
    assert loaded == ["False", "True"]


# -- placeholders ---------------------------------------------------------------------------
PLACEHOLDER_CASES = [
    ("<1>MRI</1> scans", "MRT-Scans", "placeholders differ: missing <1>…</1>"),
    ("<1>MRI</1> scans", "<1>MRT</1>-Scans <3/>", "placeholders differ: unknown <3/>"),
    ("<1>MRI</1> and <2>CT</2>", "<1>MRT</1> und <4>CT</4>",
     "placeholders differ: missing <2>…</2>; unknown <4>…</4>"),
    ("<1>MRI</1> scans", "<1>MRT-Scans", "broken placeholders: <1> is never closed"),
    ("<1>MRI</1> scans", "MRT</1>-Scans", "broken placeholders: </1> closes a placeholder that "
     "is not open"),
    ("<1>MRI</1> scans", "<1>MRT</1>-Scans und <1>CT</1>",
     "broken placeholders: <1> is used twice"),
    ("<1>Credits</1> <2/>", "<1>Danksagung</1> <2>x</2>",
     "placeholders changed form: <2>…</2> should be <2/>"),
    ("<1>a <2>b</2></1>", "<1>a</1> <2>b</2>",
     "placeholders nested differently: <2>…</2> should be inside <1>…</1>"),
    ("<1>a</1> <2/>", "<1>a <2/></1>", "placeholders nested differently: <2/> should be at top "
     "level"),
]


@pytest.mark.parametrize(("msgid", "msgstr", "message"), PLACEHOLDER_CASES)
def test_placeholders(tmp_path: Path, msgid: str, msgstr: str, message: str) -> None:
    assert one(tmp_path, msgid, msgstr) == [issue("placeholders", ERROR, message, msgid)]


def test_placeholders_may_be_reordered(tmp_path: Path) -> None:
    assert one(tmp_path, "<1>Vertebroplasty</1> and <2>Kyphoplasty</2>",
               "<2>Kyphoplastie</2> und <1>Vertebroplastie</1>") == []


def test_placeholder_check_skips_untranslated_entries() -> None:
    catalog = in_memory(polib.POEntry(msgctxt=CONTEXT, msgid="<1>MRI</1>", msgstr=""))
    assert check_catalog(catalog, CheckContext("de", SHOWN)) == []


# -- typed markup ---------------------------------------------------------------------------
def test_raw_markup_html_tag(tmp_path: Path) -> None:
    msgid = "Bold text"
    assert one(tmp_path, msgid, "<b>Fetter</b> Text <br/>") == [issue(
        "raw-markup", ERROR, "text looks like an HTML tag (<b>, </b>, <br/>); only <n>…</n> and "
        "<n/> placeholders are allowed", msgid)]


def test_raw_markup_unescaped_less_than(tmp_path: Path) -> None:
    msgid = "values &lt; 5 mm"
    assert one(tmp_path, msgid, "Werte < 5 mm") == [issue(
        "raw-markup", ERROR, "raw '<' in the translation; write a literal '<' as &lt;", msgid)]


def test_comment_openers_never_closed_do_not_stall_the_raw_markup_check(tmp_path: Path
                                                                        ) -> None:
    """A msgstr of 20,000 '<!--x' (100 kB, an adversary's catalog) took 9 s in each
    raw-markup pass (check, and the build's report, twice a locale): each '<!--' was
    searched to the end for its '-->'. A comment is searched as far as a tag is."""
    msgid = "values &lt; 5 mm"
    found = one(tmp_path, msgid, "<!--x" * 20_000)
    assert "raw-markup" in [f.check for f in found]
    assert one(tmp_path, msgid, "Werte <!-- kurz --> &lt; 5 mm") == [issue(
        "raw-markup", ERROR, "text looks like an HTML tag (<!-- kurz -->); only <n>…</n> and "
        "<n/> placeholders are allowed", msgid)]


def test_malformed_placeholder_is_a_typed_tag_and_broken_placeholders(tmp_path: Path) -> None:
    msgid = "<1>MRI</1> scans"
    assert one(tmp_path, msgid, "< 1>MRT</1>-Scans") == [
        issue("placeholders", ERROR,
              "broken placeholders: </1> closes a placeholder that is not open", msgid),
        issue("raw-markup", ERROR, "text looks like an HTML tag (< 1>); only <n>…</n> and <n/> "
              "placeholders are allowed", msgid),
    ]


# -- characters a page cannot hold ----------------------------------------------------------
UNUSABLE = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                             *range(0x7F, 0xA0)]] + [
    "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]


@pytest.mark.parametrize("char", UNUSABLE, ids=[f"U+{ord(c):04X}" for c in UNUSABLE])
def test_unusable_characters(tmp_path: Path, char: str) -> None:
    msgid = "Lower risk"
    catalog = in_memory(polib.POEntry(msgctxt=CONTEXT, msgid=msgid,
                                      msgstr=f"Geringeres{char}Risiko", linenum=FIRST))
    assert check_catalog(catalog, CheckContext("de", SHOWN)) == [issue(
        "unusable-characters", ERROR, "the translation holds characters a web page cannot hold "
        f"(U+{ord(char):04X}); remove them", msgid)]


def test_unusable_characters_read_from_a_file(tmp_path: Path) -> None:
    msgid = "Lower risk"
    path = write(tmp_path, f'msgctxt "{CONTEXT}"\nmsgid "{msgid}"\n'
                           'msgstr "Geringeres\\bRisiko\\0 \\x01\x02"\n')
    assert check_file(path, "de", Glossary(), SHOWN) == [issue(
        "unusable-characters", ERROR, "the translation holds characters a web page cannot hold "
        "(U+0008, U+0000, U+0001, U+0002); remove them", msgid)]


def test_tab_newline_and_carriage_return_are_usable(tmp_path: Path) -> None:
    assert one(tmp_path, "a\tb\nc\rd", "A\tB\nC\rD") == []


def test_a_lone_surrogate_is_unusable() -> None:
    catalog = in_memory(polib.POEntry(msgctxt=CONTEXT, msgid="Lower risk",
                                      msgstr="Geringer\ud800"))
    [found] = check_catalog(catalog, CheckContext("de", SHOWN))
    assert found.message == ("the translation holds characters a web page cannot hold "
                             "(U+D800); remove them")


def test_placeholders_nested_too_deep(tmp_path: Path) -> None:
    msgid = "<1>Lower</1> risk"
    deep = "<1>" * 1000 + "x" + "</1>" * 1000
    assert one(tmp_path, msgid, deep) == [issue(
        "placeholders", ERROR, "broken placeholders: placeholders are nested more than 100 deep",
        msgid)]


def test_a_msgid_nested_too_deep_is_not_a_translators_error(tmp_path: Path) -> None:
    deep = "".join(f"<{n}>" for n in range(1, 102)) + "x" + "".join(
        f"</{n}>" for n in range(101, 0, -1))
    assert one(tmp_path, deep, deep.replace("x", "y")) == []


# -- bidirectional controls ------------------------------------------------------------------
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069"]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_the_source_lacks(tmp_path: Path, char: str) -> None:
    msgid = "Lower risk"
    assert one(tmp_path, msgid, f"Geringeres {char}Risiko") == [issue(
        "bidi-controls", WARNING, f"the translation adds bidirectional controls (U+{ord(char):04X})"
        " that can make it read otherwise than it is written; remove them unless you meant them",
        msgid)]


def test_bidi_controls_of_the_source_and_rtl_marks_are_fine(tmp_path: Path) -> None:
    assert one(tmp_path, "\u2067abc\u2069 x", "\u2067abc\u2069 \u200fس\u200e\u061c",
               locale="ar") == []


# -- URLs and e-mail addresses ---------------------------------------------------------------
@pytest.mark.parametrize(("msgid", "msgstr", "message"), [
    ("See https://example.org/guide (or www.who.int).",
     "Siehe https://example.org/anleitung (oder www.who.int).",
     "missing or changed: https://example.org/guide"),
    ("Write to info@example.org or https://example.org/contact.",
     "Schreiben Sie an info@beispiel.de.",
     "missing or changed: https://example.org/contact, info@example.org"),
    # an address the source does not have (an injected link passed)
    ("Ask your doctor.", "Fragen Sie https://evil.example/x oder a@b.example.",
     "the source does not have: https://evil.example/x, a@b.example"),
], ids=["url-changed", "email-changed", "added"])
def test_urls_and_addresses(tmp_path: Path, msgid: str, msgstr: str, message: str) -> None:
    assert one(tmp_path, msgid, msgstr) == [
        issue("urls", ERROR, f"URL or e-mail address {message}", msgid)]


def test_an_engines_loop_is_a_repeated_word(tmp_path: Path) -> None:
    """The same word three times or more, commas between: an engine's loop (twice is a
    writer's "very, very")."""
    msgid = "He was discharged."
    assert [i.message for i in one(tmp_path, msgid, "Er wurde entlassen, entlassen, "
                                   "entlassen, entlassen.") if i.check == "repeated-words"] \
        == ["repeated word: 'entlassen, entlassen,'"]
    assert [i for i in one(tmp_path, "Very, very good.", "Sehr, sehr gut.")
            if i.check == "repeated-words"] == []


def test_url_next_to_cjk_text_and_punctuation(tmp_path: Path) -> None:
    assert one(tmp_path, "See https://example.org/a_(b).", "参见https://example.org/a_(b)。",
               locale="zh") == []


# -- glossary -------------------------------------------------------------------------------
def test_do_not_translate_term_changed(tmp_path: Path) -> None:
    msgid = "WikiMD explains MISS."
    assert one(tmp_path, msgid, "WikiMD erklärt MIC.", glossary=GLOSSARY) == [issue(
        "do-not-translate", ERROR, "do-not-translate term changed or missing: 'MISS'", msgid)]


def test_do_not_translate_is_whole_word_and_case_sensitive(tmp_path: Path) -> None:
    assert one(tmp_path, "Do not miss MISSING data", "Verpassen Sie keine fehlenden Daten",
               glossary=GLOSSARY) == []


def test_do_not_translate_accepts_inflection(tmp_path: Path) -> None:
    assert one(tmp_path, "MISS is safe", "MISS'in güvenli olduğu", locale="tr",
               glossary=GLOSSARY) == []


def test_preferred_rendering_missing(tmp_path: Path) -> None:
    msgid = "Spine surgery heals."
    assert one(tmp_path, msgid, "Rückenchirurgie heilt.", glossary=GLOSSARY) == [issue(
        "preferred-term", WARNING, "preferred rendering missing: 'spine surgery' should be "
        "rendered as 'Wirbelsäulenchirurgie'", msgid)]


def test_preferred_rendering_of_the_language_applies_to_its_regions(tmp_path: Path) -> None:
    msgid = "About spine surgery"
    assert one(tmp_path, msgid, "Sobre cirurgia espinhal", locale="pt_BR",
               glossary=GLOSSARY) == [issue(
        "preferred-term", WARNING, "preferred rendering missing: 'spine surgery' should be "
        "rendered as 'cirurgia da coluna'", msgid)]
    assert one(tmp_path, msgid, "Sobre Cirurgia da Coluna", locale="pt_BR",
               glossary=GLOSSARY) == []


TERMS = Glossary(do_not_translate=("Git", "MISS"),
                 preferred={"de": {"doctor": "Arzt", "spine": "Wirbelsäule"},
                            "pt": {"MRI": "RM"}, "ru": {"surgery": "операция"},
                            "zh": {"surgery": "手术"}})


@pytest.mark.parametrize(("locale", "msgid", "msgstr", "finding"), [
    # a term inside another word was kept: "Git" in "Digit", "RM" in "normal"
    ("de", "Is Git a brand?", "Ist Digit eine Marke?",
     "do-not-translate term changed or missing: 'Git'"),
    ("pt_BR", "A normal MRI.", "Uma ressonância magnética normal.",
     "preferred rendering missing: 'MRI' should be rendered as 'RM'"),
    ("de", "Git-based, MISS'in", "Git-basiert, MISS-Verfahren", None),
    ("zh", "Use Git here.", "在这里使用Git。", None),
    # case endings and compounds: correct, never an error
    ("fi", "Install Git first.", "Asenna ensin Gitin uusin versio.", None),
    ("zh", "Spine surgery.", "脊柱手术。", None),
    ("de", "Lumbar spine.", "Lendenwirbelsäule.", None),
    # the source's plural says the term too; a URL's words are no term
    ("de", "Ask your doctors.", "Fragen Sie Ihren Apotheker.",
     "preferred rendering missing: 'doctor' should be rendered as 'Arzt'"),
    ("de", "Visit https://example.org/spine for details.",
     "Details unter https://example.org/spine.", None),
    # an inflected rendering: its stem
    ("ru", "After surgery.", "После операции.", None),
])
def test_glossary_terms_begin_words(tmp_path: Path, locale: str, msgid: str, msgstr: str,
                                    finding: str | None) -> None:
    found = [i.message for i in one(tmp_path, msgid, msgstr, locale=locale, glossary=TERMS)
             if i.check in ("do-not-translate", "preferred-term")]
    assert found == ([] if finding is None else [finding])


@pytest.mark.parametrize(("locale", "msgstr"), [
    ("ar", "تحذير: لا تتوقف.\u200f"), ("he", "אזהרה: אל תפסיק!\u200f"), ("de", "Halt.\u200b")])
def test_an_invisible_mark_after_the_end_punctuation_is_no_lack_of_it(
        tmp_path: Path, locale: str, msgstr: str) -> None:
    """A right-to-left mark after an Arabic full stop, which translators add: the end
    punctuation was reported missing."""
    msgid = "Warning: do not stop!" if locale == "he" else "Warning: do not stop."
    assert [i for i in one(tmp_path, msgid, msgstr, locale=locale)
            if i.check == "end-punctuation"] == []


# -- numbers --------------------------------------------------------------------------------
def test_number_missing(tmp_path: Path) -> None:
    msgid = "Recovery takes 3.5 to 6 weeks for 1,000 patients"
    assert one(tmp_path, msgid, "Die Genesung dauert 3,5 Wochen bei 1.000 Patienten") == [
        issue("numbers", WARNING, "number missing from the translation: 6", msgid)]


@pytest.mark.parametrize(("locale", "msgstr"), [
    ("fr", "La guérison dure de 3,5 à 6 semaines pour 1 000 patients"),
    ("fr", "La guérison dure de 3,5 à 6 semaines pour 1\u202f000 patients"),
    ("ar", "يستغرق التعافي من ٣٫٥ إلى ٦ أسابيع لـ ١٬٠٠٠ مريض"),
    ("fa", "بهبودی ۳٫۵ تا ۶ هفته برای ۱٬۰۰۰ بیمار طول می‌کشد"),
    ("hi", "१,००० मरीज़ों के लिए स्वास्थ्य लाभ में ३.५ से ६ सप्ताह लगते हैं"),
    ("bn", "১,০০০ রোগীর আরোগ্যে ৩.৫ থেকে ৬ সপ্তাহ লাগে"),
    ("ja", "１，０００人の患者の回復には３.５〜６週間かかります"),
], ids=["fr-space", "fr-narrow-nbsp", "ar", "fa", "hi", "bn", "ja-fullwidth"])
def test_numbers_in_other_digit_systems(tmp_path: Path, locale: str, msgstr: str) -> None:
    assert one(tmp_path, "Recovery takes 3.5 to 6 weeks for 1,000 patients", msgstr,
               locale=locale) == []


@pytest.mark.parametrize(("msgid", "msgstr", "missing"), [
    ("The dose is 2.5 mg.", "Die Dosis beträgt 25 mg.", "2.5"),  # a tenfold dose passed
    ("The temperature is 37.5 °C.", "Die Temperatur beträgt 375 °C.", "37.5"),
    ("About 95 % of patients", "Etwa 9,5 % der Patienten", "95"),
    ("The dose is 2.5 mg.", "Die Dosis beträgt 2,5 mg.", None),
    ("For 1,000 patients", "Für 1.000 Patienten", None),
    ("For 1,000 patients", "Pour 1 000 patients", None),
    ("For 1,000,000 patients", "Für 1.000.000 Patienten", None),
    ("A 1,000.5 g sample", "Eine Probe von 1.000,5 g", None),
    ("A 1,000.5 g sample", "Eine Probe von 10.005 g", "1,000.5"),
    ("Take 2.50 ml", "2,5 ml einnehmen", None),
    # a space groups digits in French, not in English: two numbers, found in parts
    ("Take 2 500 mg tablets", "Nehmen Sie 2 Tabletten zu je 500 mg", None),
    ("Take 2 tablets of 500 mg", "Nehmen Sie 2 500-mg-Tabletten", None),
    # the source read as English: "2,500" is two thousand five hundred, never 2.5
    ("Give 2,500 mg daily.", "Geben Sie täglich 2,5 mg.", "2,500"),
    ("For 1,000 dollars", "Für 1 Dollar", "1,000"),
    ("Give 2,500 mg daily.", "Geben Sie täglich 2.500 mg.", None),
])
def test_a_number_keeps_its_value_whatever_its_separators(
        tmp_path: Path, msgid: str, msgstr: str, missing: str | None) -> None:
    """Numbers were keyed by their digits alone: 2.5 and 25 were the same number, so a
    tenfold dose passed. The last separator is the decimal one, unless it groups (three
    digits after it: 1,000 is a thousand, or one in German: either passes)."""
    expected = [] if missing is None else [
        issue("numbers", WARNING, f"number missing from the translation: {missing}", msgid)]
    assert one(tmp_path, msgid, msgstr) == expected


@pytest.mark.parametrize("msgstr", [" ", "\u00a0", "\u200b", "\u2060", "\u200f ", "\u3164",
                                    "\u2800"])
def test_a_translation_that_shows_nothing_is_an_error(tmp_path: Path, msgstr: str) -> None:
    """A zero-width space alone passed every check and blanked the paragraph on the page;
    a space alone was a whitespace warning while the build kept the source text (a CI
    gate on check passed, the pages showed English). Both are errors now, as the build
    treats them."""
    found = [i for i in one(tmp_path, "Oxford", msgstr) if i.severity is ERROR]
    seen = "".join(f" U+{ord(char):04X}" for char in dict.fromkeys(msgstr))
    assert found == [issue("blank", ERROR, f"the translation shows nothing (only{seen}); the "
                           "page keeps the source text: write the translation, or empty it",
                           "Oxford")]
    assert not shows(msgstr, "Oxford")


# -- translations msgcat joined -------------------------------------------------------------
@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is not installed")
def test_two_translations_msgcat_joined_are_an_error(tmp_path: Path) -> None:
    """``msgcat mine.po theirs.po`` (two translators' copies combined) keeps both of two
    different translations in one msgstr, each under a line naming its file, fuzzy: a page
    that shows fuzzy entries would show that block. `check` names it, where it is."""
    for name in ("mine", "theirs"):
        (tmp_path / name).mkdir()
    mine = write(tmp_path / "mine", entry("Advantages", "Vorteile"))
    theirs = write(tmp_path / "theirs", entry("Advantages", "Vorzüge"))
    joined = tmp_path / "joined.po"
    subprocess.run(["msgcat", "--no-wrap", "-o", str(joined), str(mine), str(theirs)],
                   check=True)
    found = [i for i in check_file(joined, "de", Glossary(), SHOWN)
             if i.check == "joined-translations"]
    line = joined.read_text(encoding="utf-8").splitlines().index('msgid "Advantages"') + 1
    assert found == [replace(issue(
        "joined-translations", ERROR, "msgcat joined 2 translations here, each under a "
        "'#-#-#-#-#  file  #-#-#-#-#' line; keep the one you mean and delete the rest",
        "Advantages"), line=line)]
    assert one(tmp_path, "A #-#-#-#-# row", "Eine #-#-#-#-# Reihe") == []


# -- whitespace -----------------------------------------------------------------------------
def test_whitespace_differs(tmp_path: Path) -> None:
    msgid = " Faster recovery  "
    assert one(tmp_path, msgid, "Schnellere Genesung ") == [issue(
        "whitespace", WARNING, "leading whitespace '' where the source has ' '; trailing "
        "whitespace ' ' where the source has '  '", msgid)]


def test_a_newline_mismatch_is_reported_once(tmp_path: Path) -> None:
    """A side where only one of msgid and msgstr has a newline is the ``newlines`` error's
    (msgfmt --check refuses it); the whitespace warning speaks of the other side only."""
    msgid = " Faster recovery\n"
    assert one(tmp_path, msgid, "Schnellere Genesung ") == [issue(
        "newlines", ERROR, "msgid and msgstr do not both end with a newline (\\n), which "
        "msgfmt --check refuses; make the msgstr end as the msgid does", msgid), issue(
        "whitespace", WARNING, "leading whitespace '' where the source has ' '", msgid)]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize(("msgid", "msgstr"), [
    ("Recovery\n", "Genesung"), ("Recovery", "Genesung\n"), ("\nRecovery", "Genesung"),
    ("Recovery", "\nGenesung"), ("\nRecovery\n", "\nGenesung\n"), ("Recovery", "Genesung")])
def test_newlines_are_errors_exactly_where_msgfmt_check_refuses(
        tmp_path: Path, msgid: str, msgstr: str) -> None:
    """A translation beginning or ending with a newline where its msgid does not (or the
    other way round) is fatal for msgfmt --check, which Poedit and Weblate run."""
    found = [i for i in one(tmp_path, msgid, msgstr) if i.check == "newlines"]
    entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
    path = tmp_path / "newlines.po"
    path.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    f"{entry}", encoding="utf-8")
    gnu = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True,
                         text=True, check=False)
    assert bool(found) == ("do not both" in gnu.stderr), gnu.stderr


# -- end punctuation ------------------------------------------------------------------------
@pytest.mark.parametrize(("msgid", "msgstr", "message"), [
    ("Smaller scars.", "Kleinere Narben",
     "the source ends with '.' but the translation has no end punctuation"),
    ("Overview", "Überblick:",
     "the translation ends with ':' but the source has no end punctuation"),
    ("Is it safe?", "Es ist sicher.", "the source ends with '?' but the translation ends with '.'"),
    ("The advantages include:", "Die Vorteile sind…",
     "the source ends with ':' but the translation ends with '…'"),
])
def test_end_punctuation(tmp_path: Path, msgid: str, msgstr: str, message: str) -> None:
    assert one(tmp_path, msgid, msgstr) == [issue("end-punctuation", WARNING, message, msgid)]


OTHER_SCRIPTS = [
    ("zh", "Smaller scars.", "疤痕更小。"),
    ("zh", "The advantages include:", "优点包括："),
    ("ja", "Is it safe?", "安全ですか？"),
    ("ja", "Wait...", "待って……"),
    ("ur", "Smaller scars.", "چھوٹے نشانات۔"),
    ("ur", "Is it safe?", "کیا یہ محفوظ ہے؟"),
    ("ar", "Is it safe?", "هل هو آمن؟"),
    ("hi", "Smaller scars.", "छोटे निशान।"),
    ("mr", "Smaller scars.", "लहान व्रण।"),
    ("bn", "Smaller scars.", "ছোট দাগ।"),
    ("pa", "Smaller scars.", "ਛੋਟੇ ਨਿਸ਼ਾਨ।"),
    ("el", "Is it safe?", "Είναι ασφαλές;"),
    ("th", "Smaller scars.", "แผลเป็นเล็กลง"),
    ("my", "Is it safe?", "ဘေးကင်းပါသလား။"),
    ("de", "He said: \u201cStop.\u201d", "Er sagte: \u201eHalt.\u201c"),
    ("fr", "Is it safe?", "Est-ce sûr\u00a0?"),
]


@pytest.mark.parametrize(("locale", "msgid", "msgstr"), OTHER_SCRIPTS,
                         ids=[case[0] for case in OTHER_SCRIPTS])
def test_end_punctuation_of_other_scripts(tmp_path: Path, locale: str, msgid: str,
                                          msgstr: str) -> None:
    assert one(tmp_path, msgid, msgstr, locale=locale) == []


# -- what is checked ------------------------------------------------------------------------
def test_fuzzy_machine_draft_is_checked_at_the_same_severity(tmp_path: Path) -> None:
    msgid = "<1>MRI</1> scans"
    draft = entry(msgid, "MRT-Scans", context="page:#m", flags="fuzzy",
                  comment="machine-translated: argos en→de")
    issues = run(tmp_path, entry("Overview", "Überblick"), draft)
    # the first entry takes 3 lines and a blank one; the draft's msgid follows 3 lines later
    assert issues == [issue("placeholders", ERROR, "placeholders differ: missing <1>…</1>",
                            msgid, line=FIRST + 4 + 2, context="page:#m")]


def test_untranslated_and_obsolete_entries_are_not_checked(tmp_path: Path) -> None:
    obsolete = "#~ msgctxt \"page:#old\"\n#~ msgid \"<1>MRI</1> 7\"\n#~ msgstr \"<b>MRT</b>.\"\n"
    assert run(tmp_path, entry("<1>MRI</1> 7 <2/>.", ""), obsolete) == []


def test_issues_come_in_file_order_then_check_order(tmp_path: Path) -> None:
    first, second = "Smaller scars.", "<1>MRI</1> 3 scans."
    issues = run(tmp_path, entry(first, "Kleinere Narben"),
                 entry(second, "MRT-Scans", context="page:#m"))
    assert [(i.line, i.check) for i in issues] == [
        (FIRST, "end-punctuation"), (FIRST + 4, "placeholders"), (FIRST + 4, "numbers"),
        (FIRST + 4, "end-punctuation"),
    ]


# -- reading --------------------------------------------------------------------------------
@pytest.mark.parametrize(("after", "line", "reason"), [
    ('msgstrr "Überblick"\n', FIRST + 1, "unknown keyword 'msgstrr'; put text in quotes (the "
     "keywords are msgctxt, msgid, msgid_plural, msgstr)"),
    ('msgctxt "page:#q"\nmsgid "Next"\nmsgstr "Weiter"\n', FIRST,
     'msgid has no msgstr; add msgstr "" after it'),
])
def test_syntax_error_names_file_and_line(tmp_path: Path, after: str, line: int,
                                          reason: str) -> None:
    path = tmp_path / "miss.po"
    path.write_text(f'{header()}\nmsgctxt "{CONTEXT}"\nmsgid "Overview"\n{after}',
                    encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        check_file(path, "de", Glossary(), SHOWN)
    assert caught.value.line == line
    assert str(caught.value) == f"{path}:{line}: {reason}"


def test_missing_catalog_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog does not exist"):
        check_file(tmp_path / "nope.po", "de", Glossary(), SHOWN)


# -- the catalogs this repository ships -------------------------------------------------------
SHIPPED = sorted((ROOT / "locales").glob("*/LC_MESSAGES/miss.po"))


def test_the_repository_ships_catalogs() -> None:
    assert SHIPPED, "no locales/*/LC_MESSAGES/miss.po found"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.parent.parent.name for p in SHIPPED])
def test_shipped_catalog_has_no_errors(path: Path) -> None:
    locale = path.parent.parent.name
    glossary = load_config(ROOT / "pyproject.toml").glossary
    shown = str(path.relative_to(ROOT))
    errors = [i for i in check_file(path, locale, glossary, shown) if i.severity is ERROR]
    assert errors == []


@needs_msgfmt
@pytest.mark.parametrize("path", SHIPPED, ids=[p.parent.parent.name for p in SHIPPED])
def test_shipped_catalog_passes_msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# -- draft QA -----------------------------------------------------------------------------
@pytest.mark.parametrize("case", [
    ("pt_BR", "Vertebroplasty and Kyphoplasty", "Vertebroplastia e e Cifoplastia",
     "repeated-words", "repeated word: 'e e'"),
    ("de", "The the spine", "Die die Wirbelsäule und und", "repeated-words",
     "repeated word: 'Die die', 'und und'"),
    ("de", "Recovery", " ".join(["Genesung"] * 300), "repeated-words",  # named once, not 300 times
     "repeated word: 'Genesung Genesung'"),
    # words with vowel signs and points (combining marks, which \\w lacks): never seen
    ("hi", "The patient was discharged", "रोगी को को छुट्टी दी गई", "repeated-words",
     "repeated word: 'को को'"),
    ("th", "The patient went home", "ผู้ป่วย ผู้ป่วย กลับบ้าน", "repeated-words",
     "repeated word: 'ผู้ป่วย ผู้ป่วย'"),
    ("ar", "He left", "خَرَجَ خَرَجَ", "repeated-words", "repeated word: 'خَرَجَ خَرَجَ'"),
    ("es", "Small incisions", "Incisiones  pequeñas", "double-spaces",
     "double space between words; use one"),
    ("fr", "Lower risk", "Risque&nbsp;moindre &#8211; &lt;b&gt; &amp; &copy; &foo;",
     "html-entity", "&nbsp; (U+00A0 NO-BREAK SPACE), &#8211; (U+2013 EN DASH), &gt; "
     "(U+003E GREATER-THAN SIGN), &copy; (U+00A9 COPYRIGHT SIGN) would show as typed, "
     "not as the character: the translation is text, not HTML; write the character itself"),
    ("de", "Lower risk of infection", "Lower risk of infection", "untranslated",
     "the translation is the source text, untranslated; translate it (or keep it and say "
     "why in a comment)"),
    ("zh", "Lower risk of infection", "Lower risk of 感染", "script",
     "11 of 13 letters are Latin, but zh is written in CJK (Han) script; translate the Latin text"),
    ("ar", "Recovery", "Recuperation", "script",
     "12 of 12 letters are Latin, but ar is written in Arabic script; translate the Latin "
     "text"),
])
def test_draft_qa(tmp_path: Path, case: tuple[str, str, str, str, str]) -> None:
    locale, msgid, msgstr, check, message = case
    assert one(tmp_path, msgid, msgstr, locale=locale) == [
        issue(check, WARNING, message, msgid)]


@pytest.mark.parametrize(("locale", "msgid", "msgstr"), [
    ("de", "MISS", "MISS"),  # a kept term is not untranslated text
    ("de", "3.5 mm", "3.5 mm"),
    ("zh", "WikiMD and MISS", "WikiMD 和 MISS"),  # kept terms may be Latin anywhere
    ("ja", "See https://example.org/miss", "https://example.org/miss を参照"),
    ("sr_Latn", "Recovery", "Oporavak"),  # Serbian in Latin script
    ("zh", "Recovery", "恢复"),
    ("de", "Bora Bora", "Bora Bora"),  # the source doubles it: untranslated, not repeated
    ("fr", "Tom &amp; Jerry &copy; 2024", "Tom &amp; Jerry &copy; 2024 &lt;x> AT&T;"),
])
def test_draft_qa_leaves_good_translations_alone(tmp_path: Path, locale: str, msgid: str,
                                                 msgstr: str) -> None:
    found = one(tmp_path, msgid, msgstr, locale=locale, glossary=GLOSSARY)
    assert [i for i in found if i.check in {
        "repeated-words", "double-spaces", "untranslated", "script", "html-entity"}] == (
        [] if msgid != "Bora Bora" else [
        issue("untranslated", WARNING, "the translation is the source text, untranslated; "
              "translate it (or keep it and say why in a comment)", msgid)])

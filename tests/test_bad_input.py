"""Hostile and broken catalogs through the command line: one line, an exit code, no file
touched (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from miss_i18n.cli import main
from miss_i18n.config import load_config

STAGES = ["check", "update", "translate", "compile", "build", "run", "status"]
ENTRY = 'msgid "Smaller scars"\nmsgstr ""'


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def catalog_path(project: Path) -> Path:
    return load_config(project / "pyproject.toml").po_path("de")


def edited(project: Path, change: Callable[[bytes], bytes]) -> Path:
    """The project built once, then its German catalog changed by ``change``."""
    assert invoke("run", "--no-translate", "-q")[0] == 0
    path = catalog_path(project)
    path.write_bytes(change(path.read_bytes()))
    return path


def line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1


def translated(text: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert ENTRY.encode() in data
        return data.replace(ENTRY.encode(), f'msgid "Smaller scars"\nmsgstr {text}'.encode())
    return change


def with_charset(charset: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"charset=UTF-8", f"charset={charset}".encode())


def duplicated(data: bytes) -> bytes:
    return data + b'\nmsgctxt "miss-i18n:language-menu"\nmsgid "Languages"\nmsgstr "Sprachen"\n'


CASES: dict[str, tuple[Callable[[bytes], bytes], bytes, str]] = {
    # name: (change, a byte string on the line reported, message)
    "unterminated": (translated('"unterminated'), b'msgstr "unterminated',
                     'a string is not closed on its line; end it with "'),
    "unquoted": (translated("Größe"), "msgstr Größe".encode(),
                 "unknown keyword 'Größe'; put text in quotes (the keywords are msgctxt, msgid, "
                 "msgid_plural, msgstr)"),
    "bad escape": (translated('"Narben\\q"'), b"Narben", "invalid escape '\\q' in a string; "
                   "write a backslash as '\\\\'"),
    "duplicate": (duplicated, b'"Sprachen"', "this msgctxt and msgid already appears at line "
                  "{first}; keep one of the two entries"),
    "charset foo": (with_charset("foo"), b'msgid ""',
                    "charset 'foo' in the Content-Type header is not a text encoding gettext "
                    "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset rot13": (with_charset("rot13"), b'msgid ""',
                      "charset 'rot13' in the Content-Type header is not a text encoding gettext "
                      "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset hex": (with_charset("hex"), b'msgid ""',
                    "charset 'hex' in the Content-Type header is not a text encoding gettext "
                    "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset zlib_codec": (with_charset("zlib_codec"), b'msgid ""',
                           "charset 'zlib_codec' in the Content-Type header is not a text "
                           "encoding gettext knows; convert the file to UTF-8 and declare "
                           "charset=UTF-8"),
    "not UTF-8": (lambda data: data.replace(ENTRY.encode(), b'msgid "Smaller scars"\n'
                                                        b'msgstr "Gr\xf6\xdfe"'),
                  b'msgstr "Gr', "bytes that are not valid UTF-8 (the header's charset); save "
                  "the file as UTF-8 or declare its real charset"),
}


@pytest.mark.parametrize("command", STAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_catalog_is_one_line_exit_4_and_nothing_changes(
        project: Path, case: str, command: str) -> None:
    change, needle, message = CASES[case]
    path = edited(project, change)
    data = path.read_bytes()
    line = line_of(data, needle)
    if case == "duplicate":
        first = line_of(data, b'msgid "Languages"')
        line = data[:data.rindex(b'msgid "Languages"')].count(b"\n") + 1
        message = message.format(first=first)
    before = snapshot(project)
    code, output = invoke(command)
    assert (code, output) == (4, f"error: {path}:{line}: {message}\n")
    assert snapshot(project) == before

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miss_i18n import markup
from miss_i18n.markup import (
    MAX_DEPTH,
    MarkupError,
    Placeholder,
    escape_text,
    parse,
    plain_text,
    shape,
    unescape_text,
    unusable_characters,
    walk,
)


@given(st.text())
def test_escape_round_trips_any_text(text: str) -> None:
    escaped = escape_text(text)
    assert unescape_text(escaped) == text
    assert parse(escaped) == ([text] if text else [])


def test_text_that_looks_like_markup_stays_text() -> None:
    text = "<1>not a tag</1> &lt; &amp; a < b & c"
    assert parse(escape_text(text)) == [text]


def test_parse_nested_and_empty_placeholders() -> None:
    assert parse("a <1>b <2>c</2></1><3/>") == [
        "a ", Placeholder(1, ["b ", Placeholder(2, ["c"])]), Placeholder(3)]
    assert shape("a <1>b <2>c</2></1><3/>") == {1: (0, False), 2: (1, False), 3: (0, True)}
    assert plain_text("a <1>b &lt;</1><2/>") == "a b <"


@pytest.mark.parametrize(("text", "message"), [
    ("<1>open", "<1> is never closed"),
    ("close</1>", "</1> closes a placeholder that is not open"),
    ("<1><2></1></2>", "</1> closes a placeholder that is not open"),
])
def test_unbalanced_placeholders_are_errors(text: str, message: str) -> None:
    with pytest.raises(MarkupError, match=message):
        parse(text)


def test_a_number_used_twice_is_an_error() -> None:
    with pytest.raises(MarkupError, match="<1> is used twice"):
        shape("<1>a</1><1>b</1>")


def nested(depth: int) -> str:
    return "".join(f"<{n}>" for n in range(1, depth + 1)) + "x" + "".join(
        f"</{n}>" for n in range(depth, 0, -1))


def test_nesting_is_bounded_and_never_recursion() -> None:
    assert shape(nested(MAX_DEPTH)) == {n: (n - 1, False) for n in range(1, MAX_DEPTH + 1)}
    for depth in (MAX_DEPTH + 1, 1000, 100_000):
        with pytest.raises(MarkupError, match="placeholders are nested more than 100 deep"):
            shape(nested(depth))


def test_walk_goes_in_document_order() -> None:
    tree = parse("<1>a<2/><3>b<4>c</4></3></1><5/>")
    assert [(node.number, parent) for node, parent in walk(tree)] == [
        (1, 0), (2, 1), (3, 1), (4, 3), (5, 0)]


def test_unusable_characters_each_once_in_order() -> None:
    text = "a\x00b\x08\t\n\r\x7f\x85\ud800\ufdd0\U0001fffe\U0010ffff ok\u202e\x00 \u00a0é"
    assert unusable_characters(text) == [
        "\x00", "\x08", "\x7f", "\x85", "\ud800", "\ufdd0", "\U0001fffe", "\U0010ffff"]


def test_no_character_a_page_cannot_hold_is_printable() -> None:
    """unusable_characters answers a printable text (str.isprintable: most texts) without
    its search: that is sound only if no character the search finds is printable, over all
    of Unicode."""
    found = [code for code in range(0x110000) if markup._UNUSABLE.match(chr(code))]
    assert len(found) == 62 + 0x800 + 32 + 2 + 32  # C0 and C1, surrogates, noncharacters
    assert not any(chr(code).isprintable() for code in found)
    assert unusable_characters("Fine text, «quoted», 中文.") == []
    assert unusable_characters("a\tb\u00a0c\x07d\ufffe") == ["\x07", "\ufffe"]


def test_a_placeholder_number_of_thousands_of_digits_is_text() -> None:
    """int() refuses a string of over 4,300 digits: a translation holding ``<99…9>`` that
    long ended check, build, run and status in a traceback. A number of more than nine
    digits makes no placeholder: it is text, whose ``<`` check calls raw markup."""
    long = "9" * 5000
    text = f"Hallo <{long}>Welt</{long}> <{long}/>"
    assert parse(text) == [text]
    assert list(markup.tokens(text)) == [text]
    assert parse("<123456789>x</123456789>") == [Placeholder(123456789, ["x"])]

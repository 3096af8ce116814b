from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miss_i18n.markup import (
    MarkupError,
    Placeholder,
    escape_text,
    parse,
    plain_text,
    shape,
    unescape_text,
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

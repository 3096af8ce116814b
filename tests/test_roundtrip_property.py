"""Round trip on generated pages: any mix of blocks, inline markup, text and whitespace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import build_with, identity_catalog, structure, visible_text
from miss_i18n.markup import parse, shape
from miss_i18n.pages import parse_page
from miss_i18n.segments import locate

WORDS = st.sampled_from(["spine", "MRI", " ", "  ", "\n", "a < b", "&", "R&D", "x",
                         "é", "مرحبا", "中文", "1.5", "<1>", "&lt;", "&amp;"])
TEXT = st.lists(WORDS, max_size=4).map("".join)
# Attribute text other than title is read as one line: the extractor collapses its spaces.
ATTRIBUTE = st.lists(WORDS.filter(str.strip), max_size=3).map(" ".join)
INLINE = ["b", "em", "a", "span", "code", "abbr"]
BLOCK = ["p", "div", "li", "section", "blockquote", "td"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["text", "text", "tag", "br", "img", "no", "select"]
                                if depth < 2 else ["text"]))
    if kind == "text":
        return _escape(draw(TEXT))
    if kind == "select":  # with and without a value: their text is what the form sends
        options = draw(st.lists(TEXT.map(_escape), min_size=1, max_size=3))
        return ('<select name="s">' + "".join(
            f'<option value="{n}">{text}</option>' if n % 2 else f"<option>{text}</option>"
            for n, text in enumerate(options)) + "</select>")
    if kind == "br":
        return "<br>"
    if kind == "img":
        return f'<img src="i.png" alt="{_escape(draw(ATTRIBUTE))}">'
    tag = draw(st.sampled_from(INLINE))
    inner = "".join(draw(st.lists(inline(depth + 1), max_size=3)))
    extra = ' translate="no"' if kind == "no" else ' class="c" title="t"'
    return f"<{tag}{extra}>{inner}</{tag}>"


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(BLOCK))
    parts = draw(st.lists(st.one_of(inline(), block(depth + 1)) if depth < 2 else inline(),
                          max_size=4))
    return f"<{tag}>{''.join(parts)}</{tag}>"


@settings(max_examples=150, deadline=None)
@given(st.lists(block(), min_size=1, max_size=4))
def test_identity_translation_keeps_any_page(blocks: list[str]) -> None:
    data = f"<!DOCTYPE html><html><head><title>T</title></head><body>{''.join(blocks)}" \
           "</body></html>".encode()
    built = build_with(data, "p.html", "de", identity_catalog(data, "p.html"))
    assert visible_text(built) == visible_text(data)
    assert [(tag, tuple(a for a in attributes if a != ("lang", "en")))
            if ("translate", "no") in attributes else (tag, attributes)
            for tag, attributes in structure(built, at=("de/p.html", "de/"))
            ] == structure(data, at=("p.html", ""))
    for slot in locate(parse_page(data), "p.html"):
        shape(slot.segment.msgid)  # every msgid parses: text and placeholders never mix
        assert parse(slot.segment.msgid)

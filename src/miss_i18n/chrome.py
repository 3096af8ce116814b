"""What the build itself adds to every page: its text (the language menu's name, the
notices), the attribute that marks its elements, and their style.

The text is translated like page text: extracted into the template under the ``miss-i18n:``
context (so it never clashes with a page's), merged, drafted and checked with the rest.
"""

from __future__ import annotations

import re

from .model import Segment

MARK = "data-miss-i18n"
"""Carried by every element the build adds to a page (its value says which element)."""

CHROME_CONTEXT = "miss-i18n:"
CHROME_LANGUAGE = "en"
"""The language of the build's own text (the msgids below), whatever the source's: shown
untranslated, it is marked so (``lang="en" dir="ltr"``) on a page of another language."""


def chrome_marks(locale: str) -> dict[str, str]:
    """The lang and dir that the build's own text left untranslated needs on ``locale``'s
    page: none on an English page."""
    if re.split("[-_]", locale)[0].lower() == CHROME_LANGUAGE:
        return {}
    return {"lang": CHROME_LANGUAGE, "dir": "ltr"}
LANGUAGE_MENU = Segment(
    page="", context="miss-i18n:language-menu", msgid="Languages", anchor="",
    comment="Accessible name of the language menu that the build adds to every page")
MACHINE_NOTICE = Segment(
    page="", context="miss-i18n:machine-notice",
    msgid="Parts of this page were translated by machine and not yet reviewed.",
    anchor="", comment="Notice the build adds to a page that shows machine translations "
    "awaiting review")
REVIEW_NOTICE = Segment(
    page="", context="miss-i18n:review-notice",
    msgid="Parts of this page are translations of an earlier version of the text, awaiting "
          "review.",
    anchor="", comment="Notice the build adds to a page that shows translations a person "
    "made of an earlier version of the source (fuzzy after a source change)")
MEMORY_NOTICE = Segment(
    page="", context="miss-i18n:memory-notice",
    msgid="Parts of this page come from a translation memory and are not yet reviewed.",
    anchor="", comment="Notice the build adds to a page that shows drafts taken from a "
    "translation memory (translations imported from a TMX file), awaiting review")
UNTRANSLATED_NOTICE = Segment(
    page="", context="miss-i18n:untranslated-notice",
    msgid="This page has not been translated into this language yet; it is shown in its "
          "original language.",
    anchor="", comment="Notice the build adds to a page none of whose text is translated "
    "yet, which shows the source text (a language still in preview, a page added since "
    "the last translation)")
CHROME = (LANGUAGE_MENU, MACHINE_NOTICE, REVIEW_NOTICE, MEMORY_NOTICE, UNTRANSLATED_NOTICE)
"""In the template's order."""


def _stack(*families: str) -> str:
    """The script's fonts, then the system's (for Latin text: a Noto font of a script
    may have none, and English left untranslated inherits the stack), then generic."""
    return ",".join([*(f'"{family}"' for family in families), "system-ui", "sans-serif"])


NASTALIQ = "\n".join(
    f'@font-face{{font-family:"Noto Nastaliq Urdu";font-weight:{weight};src:{sources};'
    "unicode-range:U+0600-06FF,U+0750-077F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF,U+200C-200F}"
    for weight, sources in (
        (400, 'local("Noto Nastaliq Urdu"),local("Noto Nastaliq Urdu Regular"),'
              'local("NotoNastaliqUrdu-Regular")'),
        (700, 'local("Noto Nastaliq Urdu Bold"),local("NotoNastaliqUrdu-Bold")')))
"""Noto Nastaliq Urdu for the Arabic script alone: its space, Latin punctuation and bullet
are drawn for Nastaliq, so English left untranslated on an Urdu page (or an English title
under Urdu in the index) ran its words together with heavy stops and bullets. The rest
falls to the next fonts of the stack."""

_NOT_CODE = ":not(pre,code,kbd,samp,tt,:is(pre,code,kbd,samp,tt) *)"
"""Code keeps its monospace font (the browser's, or the page's own ``code{…}``): a script's
stack, more specific than either, made a Japanese page's code blocks proportional."""

SCRIPT_FONTS = NASTALIQ + "\n" + "\n".join(f"{selector}{_NOT_CODE}{{font-family:{stack}{extra}}}"
                         for selector, stack, extra in (
    # CJK: one stack per language, so each gets its own glyph forms (骨 and 直 differ).
    (":lang(zh)", _stack("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC"), ""),
    (":is(:lang(zh-Hant),:lang(zh-TW),:lang(zh-MO))",
     _stack("Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC"), ""),
    (":lang(zh-HK)", _stack("Noto Sans CJK HK", "Noto Sans HK", "Noto Sans CJK TC"), ""),
    (":lang(ja)", _stack("Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP"), ""),
    (":lang(ko)", _stack("Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR"), ""),
    # Indic scripts.
    (":is(:lang(hi),:lang(mr),:lang(ne),:lang(sa))", _stack("Noto Sans Devanagari"), ""),
    (":is(:lang(bn),:lang(as))", _stack("Noto Sans Bengali"), ""),
    (":lang(ta)", _stack("Noto Sans Tamil"), ""),
    (":lang(te)", _stack("Noto Sans Telugu"), ""),
    (":lang(kn)", _stack("Noto Sans Kannada"), ""),
    (":lang(ml)", _stack("Noto Sans Malayalam"), ""),
    (":lang(gu)", _stack("Noto Sans Gujarati"), ""),
    (":lang(pa)", _stack("Noto Sans Gurmukhi"), ""),
    (":lang(or)", _stack("Noto Sans Oriya"), ""),
    (":lang(si)", _stack("Noto Sans Sinhala"), ""),
    # Arabic script: Urdu in Nastaliq where installed (it needs taller lines), else Naskh.
    (":is(:lang(ar),:lang(fa),:lang(ps),:lang(ckb),:lang(sd),:lang(ug))",
     _stack("Noto Naskh Arabic", "Noto Sans Arabic"), ""),
    (":lang(ur)", _stack("Noto Nastaliq Urdu", "Noto Naskh Arabic", "Noto Sans Arabic"),
     ";line-height:2.2"),
    (":is(:lang(he),:lang(yi))", _stack("Noto Sans Hebrew"), ""),
    # Southeast Asia: Burmese stacks its marks high and low, so it needs taller lines too.
    (":lang(th)", _stack("Noto Sans Thai", "Noto Looped Thai"), ""),
    (":lang(lo)", _stack("Noto Sans Lao", "Noto Looped Lao"), ""),
    (":lang(km)", _stack("Noto Sans Khmer"), ""),
    (":lang(my)", _stack("Noto Sans Myanmar"), ";line-height:1.9"),
    (":is(:lang(am),:lang(ti))", _stack("Noto Sans Ethiopic"), ""),
    (":lang(hy)", _stack("Noto Sans Armenian"), ""),
    (":lang(ka)", _stack("Noto Sans Georgian"), ""),
))
"""Font stacks for the scripts system-ui does not cover well everywhere: the Noto family
for each (Debian's fonts-noto-core and fonts-noto-cjk), then the system's, then the generic
family. Matched by ``:lang()`` (specific enough to win over a page's ``body{font:…}``), so
a page and each language menu entry get their script's fonts; Latin, Greek and Cyrillic
keep the page's own."""

STYLE = """
[data-miss-i18n="languages"]{font:14px/1.4 system-ui,sans-serif;margin-block:0 1rem;
margin-inline:0;text-align:end}
[data-miss-i18n="languages"] summary{cursor:pointer;display:inline-block;
padding-block:.25rem;padding-inline:.6rem;border:1px solid rgba(127,127,127,.55);
border-radius:.4rem;background:rgba(127,127,127,.08)}
[data-miss-i18n="languages"] ul{list-style:none;margin-block:.4rem 0;margin-inline:0;
padding:.5rem;columns:10rem;border:1px solid rgba(127,127,127,.27);border-radius:.4rem;
text-align:start}
[data-miss-i18n="languages"] li{margin:0;padding-block:.1rem;padding-inline:0;
break-inside:avoid}
[data-miss-i18n="languages"] a{text-decoration:none}
[data-miss-i18n="languages"] a[aria-current]{font-weight:600}
@media print{[data-miss-i18n="languages"]{display:none}}
[data-miss-i18n$="-notice"]{font:14px/1.4 system-ui,sans-serif;margin-block:0 1rem;
margin-inline:0;padding-block:.4rem;padding-inline:.7rem;border-radius:.4rem;
background:rgba(59,130,246,.09);border:1px solid rgba(59,130,246,.28)}
:is(ul,ol,menu):dir(rtl):has(>li:not([dir=ltr]))>li[dir=ltr],
:is(ul,ol,menu):dir(ltr):has(>li:not([dir=rtl]))>li[dir=rtl]{list-style-position:inside}
:where(:is(ul,ol,menu):dir(rtl):has(>li):not(:has(>li:not([dir=ltr])))){direction:ltr}
:where(:is(ul,ol,menu):dir(ltr):has(>li):not(:has(>li:not([dir=rtl])))){direction:rtl}
""".strip() + "\n" + SCRIPT_FONTS
"""The style the build adds to every page. The language menu is left out of a printed
page (a button on paper). Its boxes take the page's text colour and tint
its background (translucent), so they read on a dark page as on a light one. Lists on a
page whose direction is not the source's: one left all in the source's language is laid
out in the source's direction
(``:where``: no specificity, so a page's own rule wins); in one partly translated, the
untranslated items keep their markers inside, so none stands outside the column. (A table
left so gets the source's dir from the build: build.table_runs.)"""

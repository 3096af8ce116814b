"""The text the build itself adds to every page (the language menu's name, the notices).

It is translated like page text: extracted into the template under the ``miss-i18n:``
context (so it never clashes with a page's), merged, drafted and checked with the rest.
"""

from __future__ import annotations

from .model import Segment

CHROME_CONTEXT = "miss-i18n:"
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
CHROME = (LANGUAGE_MENU, MACHINE_NOTICE, REVIEW_NOTICE, MEMORY_NOTICE)
"""In the template's order."""

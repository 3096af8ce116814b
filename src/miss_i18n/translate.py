"""The translate stage: machine drafts for the entries that need one.

Only untranslated entries, and fuzzy machine drafts whose source changed, are touched:
a human translation never is. Placeholders never reach a plain-text engine: each entry is
cut into plain-text units, units into sentences, and every sentence of a catalog goes to
the engine in one batched call (after the translation memory); an engine that moves
markup itself (``MarkupEngine``) also gets whole segments. Placeholders are put back and
verified; a draft is marked fuzzy and carries a provenance line, which names the
error-level checks (checks.py) the draft fails, if any: such a draft is kept for the
reviewer but held back from the pages (summary.held_back).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import polib

from .catalog import format_date
from .checks import ERROR_ENTRY_CHECKS, CheckContext, failed_errors
from .confidence import confidence, excerpt, least
from .config import Glossary
from .engines.base import Engine, MarkupEngine, ModelInfo, Progress, translate_scored
from .errors import EngineError
from .markup import (
    MarkupError,
    Node,
    Placeholder,
    escape_text,
    has_letters,
    parse,
    plain_text,
    shape,
)
from .memory import Memory
from .provenance import (
    is_edited,
    is_from_memory,
    is_machine,
    is_of_earlier_source,
    machine_line,
    memory_line,
    needs_translation,
    with_line,
)
from .sentences import joiner, split_sentences

Chooser = Callable[[str], tuple[Engine, ModelInfo] | None]


@dataclass(frozen=True)
class LocaleResult:
    """What the translate stage did for one locale."""

    locale: str
    model: ModelInfo | None
    waiting: int
    """Entries that needed a translation."""
    drafted: int = 0
    piecewise: int = 0
    failed: int = 0
    failures: tuple[str, ...] = ()
    """Which entries ``failed`` (the engine gave no text for a sentence of theirs): each
    one's context, else the start of its text, in catalog order."""
    held: int = 0
    """Drafts written (counted in ``drafted``) that fail an error-level check: kept in the
    catalog for review, never shown on a page (summary.held_back)."""
    texts: int = 0
    """Sentences (or, for a markup-aware engine, whole segments) the drafts needed."""
    from_memory: int = 0
    from_engine: int = 0
    from_people: int = 0
    """Drafts taken whole from human translations imported into the memory (TMX)."""
    error: str = ""
    """Why the engine failed for this locale (one line with the fix); nothing drafted by it."""


# -- human translations from the memory ---------------------------------------------------
def wants_human(entry: polib.POEntry) -> bool:
    """Untranslated, a fuzzy machine draft (a person's translation beats it), or a draft
    from the memory whose source changed: what an imported human translation may fill.
    Nothing a person wrote, edited or accepted, and no draft already taken from the memory
    for this very source (one whose text only moved, ``#| msgid`` its own, included)."""
    if entry.obsolete or not entry.msgid or entry.msgid_plural:
        return False
    if not entry.msgstr:
        return True
    return "fuzzy" in entry.flags and not is_edited(entry) and (is_machine(entry) or (
        is_from_memory(entry) and is_of_earlier_source(entry)))


def human_drafts(po: polib.POFile, locale: str, memory: Memory, *, source_locale: str,
                 now: datetime) -> int:
    """Give every entry that wants one the human translation the memory has for its whole
    msgid, as a fuzzy draft with a ``# translation memory: file`` line; how many.

    Before any engine, so those entries never reach one; never marked as machine output.
    A translation whose placeholders differ from the msgid's is not used.
    """
    jobs = [entry for entry in po if wants_human(entry)]
    if not jobs:
        return 0
    found = memory.human(source_locale, locale, (entry.msgid for entry in jobs))
    done = 0
    for entry in jobs:
        if entry.msgid not in found:
            continue
        text, origin = found[entry.msgid]
        try:
            expected = shape(entry.msgid)
        except MarkupError:
            continue
        if not text.strip() or not _same_shape(text, expected):
            continue
        _record_line(entry, text, memory_line(origin, text=text, source=entry.msgid))
        done += 1
    if done:
        po.metadata["PO-Revision-Date"] = format_date(now)
    return done


# -- cutting entries into units ------------------------------------------------------------
def _plain(nodes: Sequence[Node]) -> str:
    return "".join(n if isinstance(n, str) else _plain(n.children or []) for n in nodes)


def _sections(nodes: Sequence[Node]) -> list[list[Node] | Placeholder]:
    """Split at top-level ``<n/>``: each section is translated as one text."""
    out: list[list[Node] | Placeholder] = [[]]
    for node in nodes:
        if isinstance(node, Placeholder) and node.children is None:
            out.extend([node, []])
        else:
            section = out[-1]
            assert isinstance(section, list)
            section.append(node)
    return out


def _pairs(section: Sequence[Node]) -> list[Placeholder]:
    return [n for n in section if isinstance(n, Placeholder) and n.children is not None]


def units_whole(nodes: Sequence[Node]) -> list[str]:
    units: list[str] = []
    for section in _sections(nodes):
        if isinstance(section, list):
            units.append(_plain(section))
            units.extend(_plain(p.children or []) for p in _pairs(section))
    return units


def units_piecewise(nodes: Sequence[Node]) -> list[str]:
    units: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            units.append(node)
        elif node.children is not None:
            units.extend(units_piecewise(node.children))
    return units


# -- putting translations back -------------------------------------------------------------
Lookup = Callable[[str], str]


def assemble_whole(nodes: Sequence[Node], tr: Lookup) -> str | None:
    """Each section translated whole, each inner text found again in it; None if not."""
    out: list[str] = []
    for section in _sections(nodes):
        if isinstance(section, Placeholder):
            out.append(f"<{section.number}/>")
            continue
        full = tr(_plain(section))
        spans: list[tuple[int, int, int]] = []
        position = 0
        for pair in _pairs(section):
            if any(isinstance(c, Placeholder) for c in pair.children or []):
                return None
            inner = tr(_plain(pair.children or [])).strip()
            found = _find_once(full, inner, position, _cuts(section, pair))
            if found is None:
                return None
            spans.append((found, found + len(inner), pair.number))
            position = found + len(inner)
        piece: list[str] = []
        cursor = 0
        for start, end, number in spans:
            piece.append(escape_text(full[cursor:start]))
            piece.append(f"<{number}>{escape_text(full[start:end])}</{number}>")
            cursor = end
        piece.append(escape_text(full[cursor:]))
        out.append("".join(piece))
    return "".join(out)


def _find_once(text: str, part: str, start: int,
               cuts: tuple[bool, bool] = (False, False)) -> int | None:
    """Where ``part`` occurs in ``text`` after ``start``, if exactly once (any case); not
    cutting a word at an end where the source's placeholder does not (``cuts``: at its
    start, at its end): "rápido" in "rápidos" would close the placeholder before the
    word's ending (``<1>rápido</1>s``), and the entry is then drafted piece by piece."""
    if not part:
        return None
    for haystack, needle in ((text, part), (text.casefold(), part.casefold())):
        if len(haystack) != len(text):
            return None  # case folding changed lengths: positions would not map back
        found: list[int] = []
        at = haystack.find(needle, start)
        while at >= 0 and len(found) < 2:
            end = at + len(needle)
            if (cuts[0] or at == 0 or not _joined(text[at - 1], text[at])) and (
                    cuts[1] or end == len(text) or not _joined(text[end - 1], text[end])):
                found.append(at)
            at = haystack.find(needle, at + 1)
        if len(found) == 1:
            return found[0]
    return None


def _joined(left: str, right: str) -> bool:
    """Whether a cut between these two characters would cut a word: both letters of a
    cased script (Latin, Greek, Cyrillic…). Scripts written without spaces between words
    (Chinese, Japanese, Thai) have no case: a cut there is anywhere."""
    return left.lower() != left.upper() and right.lower() != right.upper()


def _cuts(section: Sequence[Node], pair: Placeholder) -> tuple[bool, bool]:
    """Whether the source's placeholder ``pair`` cuts a word at its start, at its end
    (``Such as <1>MRI</1>s``): its translation may too."""
    at = next(n for n, node in enumerate(section) if node is pair)
    inner = _plain(pair.children or [])
    left = section[at - 1] if at > 0 and isinstance(section[at - 1], str) else ""
    right = section[at + 1] if at + 1 < len(section) and isinstance(section[at + 1], str) else ""
    return (bool(left and inner) and _joined(str(left)[-1], inner[0]),
            bool(right and inner) and _joined(inner[-1], str(right)[0]))


def assemble_piecewise(nodes: Sequence[Node], tr: Lookup) -> str:
    """Every text run translated on its own; the placeholders stay exactly where they were."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape_text(tr(node)))
        elif node.children is None:
            out.append(f"<{node.number}/>")
        else:
            out.append(f"<{node.number}>{assemble_piecewise(node.children, tr)}</{node.number}>")
    return "".join(out)


# -- the stage -----------------------------------------------------------------------------
_EDGES = re.compile(r"^([\s)\]}»”’,;:]*)(.*?)([\s(\[{«“‘]*)$", re.S)


def split_edges(text: str) -> tuple[str, str, str]:
    """Split off what an engine should not see at a piece's edges: spaces, a closing
    bracket or comma that ends the previous piece, an opening bracket for the next one.

    A piece between placeholders such as ``) is a type of…`` loses its ``)`` in most
    engines; kept aside, it comes back exactly.
    """
    match = _EDGES.match(text)
    assert match is not None  # the pattern matches any string
    lead, core, trail = match.groups()
    return (text, "", "") if not core else (lead, core, trail)


class Protector:
    """Hides do-not-translate terms from the engine behind number tokens it copies.

    Engines copy numbers; they translate words ("MISS" → "SEÑORITA"). Each term becomes a
    number token; after translation every token must come back exactly as often as it went
    in, or the unprotected translation of the same sentence is used instead. The tokens
    are chosen per sentence (``_tokens``): the n-th term's is ``TOKEN_BASE + n`` unless
    that number already occurs in the sentence (or in a term), so a sentence that holds
    one ("Overview 9071 MISS") is protected too, and a token is never mistaken for the
    sentence's own text. A piece that is nothing but terms (``only_terms``) never reaches
    an engine at all: it is copied.
    """

    def __init__(self, terms: Sequence[str]) -> None:
        kept = [t for t in dict.fromkeys(terms) if t.strip()]
        self.patterns = [(re.compile(rf"(?<!\w){re.escape(t)}(?!\w)"), t) for t in kept]
        self._terms = "\0".join(kept)
        self._made: dict[str, tuple[str, dict[str, str]]] = {}
        self._only: dict[str, bool] = {}

    def _tokens(self, sentence: str) -> list[str]:
        """A token per term, in order: the next number from ``TOKEN_BASE`` that neither
        the sentence nor a term holds, nor that holds an earlier token (so counting one
        token in the engine's output never counts another, or the sentence's own text)."""
        tokens: list[str] = []
        number = TOKEN_BASE
        for _ in self.patterns:
            while (token := str(number)) in sentence or token in self._terms \
                    or any(earlier in token for earlier in tokens):
                number += 1
            tokens.append(token)
            number += 1
        return tokens

    def _protected(self, sentence: str) -> tuple[str, dict[str, str]]:
        """The sentence with each term replaced by its token, and token → term for the
        tokens used; the sentence as it is (and no tokens) if that would not come back
        exactly."""
        made = self._made.get(sentence)
        if made is None:
            made = (sentence, {})
            if self.patterns and any(p.search(sentence) for p, _t in self.patterns):
                text, used = sentence, {}
                for (pattern, term), token in zip(self.patterns, self._tokens(sentence),
                                                  strict=True):
                    text, found = pattern.subn(token, text)
                    if found:
                        used[token] = term
                if _put_back(text, used) == sentence:
                    made = (text, used)
            self._made[sentence] = made
        return made

    def sentences(self, text: str) -> list[str]:
        """``split_sentences`` of ``text``, never ending one inside a term."""
        return split_sentences(text, [pattern for pattern, _term in self.patterns])

    def protect(self, sentence: str) -> str:
        """What the engine gets for ``sentence``."""
        return self._protected(sentence)[0]

    def restore(self, sentence: str, output: str) -> str | None:
        """The engine's ``output`` for ``protect(sentence)`` with the terms back; None if it
        lost, repeated or changed a token."""
        protected, used = self._protected(sentence)
        if any(output.count(token) != protected.count(token) for token in used):
            return None
        return _put_back(output, used)

    def only_terms(self, text: str) -> bool:
        """Whether ``text`` holds a term and, besides its terms, no letter (only spaces,
        punctuation, numbers): nothing an engine should translate, so it is copied."""
        found = self._only.get(text)
        if found is None:
            rest = text
            for pattern, _term in self.patterns:
                rest = pattern.sub(" ", rest)
            found = self._only[text] = rest != text and not has_letters(rest)
        return found


def _put_back(text: str, used: Mapping[str, str]) -> str:
    """``text`` with every token of ``used`` replaced by its term, in one pass (a term is
    never read again as text that holds a token)."""
    if not used:
        return text
    return re.sub("|".join(map(re.escape, used)), lambda m: used[m.group()], text)


TOKEN_BASE = 9071


def translate_catalog(
    po: polib.POFile,
    locale: str,
    choose: Chooser,
    memory: Memory,
    *,
    now: datetime,
    keep: Sequence[str] = (),
    progress: Progress | None = None,
) -> LocaleResult:
    """Fill the entries of ``po`` that need it with fuzzy machine drafts, in place."""
    jobs = [entry for entry in po if needs_translation(entry)]
    if not jobs:
        return LocaleResult(locale=locale, model=None, waiting=0)
    chosen = choose(locale)
    if chosen is None:
        return LocaleResult(locale=locale, model=None, waiting=len(jobs))
    engine, model = chosen
    parsed = _parsed(jobs)
    protector = Protector(keep)
    path = _SentencePath(engine, model, memory, protector, joiner(locale))
    try:  # one locale's broken model must not cost the other locales their drafts
        marked, asked, fresh = _markup_drafts(engine, model, memory, protector=protector,
                                              progress=progress,
                                              msgids=[entry.msgid for entry, _nodes in parsed])
        path.translate(_units(parsed, marked), progress)
    except EngineError as error:
        return LocaleResult(locale=locale, model=model, waiting=len(jobs),
                            error=failure_line(locale, model, error))
    drafted = piecewise = held = 0
    failures: list[str] = []
    checking = CheckContext(locale, "", Glossary(do_not_translate=tuple(keep)))
    for entry, nodes in parsed:
        try:
            text, split, used = _draft(entry.msgid, nodes, path.lookup,
                                        marked.get(entry.msgid))
        except _EmptyOutput:
            text = None
        if text is None:
            failures.append(entry.msgctxt or excerpt(entry.msgid, 40))
            continue
        score = None if used is None else path.score(used)
        fails = failed_errors(entry.msgid, text, checking, DRAFT_CHECKS)
        _record(entry, text, model, split, score, fails=fails)
        drafted += 1
        piecewise += split
        held += bool(fails)
    if drafted:
        po.metadata["PO-Revision-Date"] = format_date(now)
    texts = path.asked + asked
    translated = path.translated + fresh
    return LocaleResult(locale=locale, model=model, waiting=len(jobs), drafted=drafted,
                        piecewise=piecewise, failed=len(failures), failures=tuple(failures),
                        held=held, texts=texts,
                        from_memory=texts - translated, from_engine=translated)


DRAFT_CHECKS = tuple(check for check in ERROR_ENTRY_CHECKS if check.name != "placeholders")
"""The error-level checks a new draft is put through: all but ``placeholders``, which
``_draft`` has verified already (a draft is only made with its source's placeholders)."""


_UNBROKEN = re.compile(r"\S{1000}")
"""A thousand characters without a space: no word of a sentence, but data (a base64 blob,
minified code), which no engine translates; Apertium took minutes on one of 100,000 (its
time grows with a word's length), timed out, and the whole locale went without drafts."""


def _parsed(jobs: Iterable[polib.POEntry]) -> list[tuple[polib.POEntry, list[Node]]]:
    parsed: list[tuple[polib.POEntry, list[Node]]] = []
    for entry in jobs:
        if _UNBROKEN.search(entry.msgid):  # data, not a sentence: left to people
            continue
        try:
            nodes = parse(entry.msgid)
            shape(entry.msgid)  # a placeholder used twice (<1/><1/>) parses, and has none
        except MarkupError:  # a hand-edited template; leave the entry to people
            continue
        parsed.append((entry, nodes))
    return parsed


def _units(parsed: Iterable[tuple[polib.POEntry, list[Node]]],
           marked: Mapping[str, str]) -> list[str]:
    """The plain-text units of the entries an engine's markup drafts did not cover."""
    units: list[str] = []
    for entry, nodes in parsed:
        if entry.msgid not in marked:  # the sentence path, for what the engine left
            units += units_whole(nodes) + units_piecewise(nodes)
    return units


def pending_sentences(po: polib.POFile, locale: str, choose: Chooser, memory: Memory, *,
                      keep: Sequence[str] = ()) -> tuple[Engine, ModelInfo, list[str]] | None:
    """The engine, model and sentences that ``translate_catalog`` would send to the engine
    given what the memory holds now, computed without translating anything: the sentences
    the memory lacks, and (once their protected form is remembered) the unprotected retries
    of those whose translation lost a do-not-translate term.

    So the sentences of many locales can go to one multi-locale engine call first, or to
    other machines (see drafting.translate_all); ``translate_catalog`` then finds them in
    the memory. None for a locale with nothing to do or no model, and for a markup engine
    (whose sentences depend on its own drafts).
    """
    jobs = [entry for entry in po if needs_translation(entry)]
    chosen = choose(locale) if jobs else None
    if chosen is None or isinstance(chosen[0], MarkupEngine):
        return None
    engine, model = chosen
    protector = Protector(keep)
    originals, sentences = _SentencePath.sentences(_units(_parsed(jobs), {}), protector)
    known = memory.lookup(model, sentences)
    missing = [s for s in sentences if s not in known]
    retry = _SentencePath.retries(originals, protector, known)
    retry = [s for s in retry if s not in memory.lookup(model, retry)]
    return engine, model, missing + retry


class _SentencePath:
    """Units → sentences → memory → one batched engine call → units translated."""

    def __init__(self, engine: Engine, model: ModelInfo, memory: Memory, protector: Protector,
                 glue: str) -> None:
        self.engine, self.model, self.memory = engine, model, memory
        self.protector = protector
        self.glue = glue
        self.known: dict[str, str] = {}
        self.scores: dict[str, float | None] = {}
        self.asked = self.translated = 0

    @staticmethod
    def sentences(units: Iterable[str], protector: Protector) -> tuple[set[str], list[str]]:
        """The units' sentences, and the same protected, sorted (what the engine gets)."""
        originals = {s for u in units if has_letters(u)
                     for s in protector.sentences(split_edges(u)[1])
                     if not protector.only_terms(s)}
        return originals, sorted({protector.protect(s) for s in originals})

    @staticmethod
    def retries(originals: Iterable[str], protector: Protector, known: Mapping[str, str]
                ) -> list[str]:
        """Sentences whose known translation lost a protected term (the engine did not copy
        it back): to translate unprotected instead, where that is not known already."""
        return sorted(s for s in originals if (p := protector.protect(s)) != s and p in known
                      and protector.restore(s, known[p]) is None and s not in known)

    def translate(self, units: Iterable[str], progress: Progress | None) -> None:
        protector = self.protector
        originals, sentences = self.sentences(units, protector)
        self._remembered(sentences)
        missing = [s for s in sentences if s not in self.known]
        self._fill(missing, progress)
        retry = self.retries(originals, protector, self.known)
        self._remembered(retry)  # a rerun loads no model
        unknown = [s for s in retry if s not in self.known]
        self._fill(unknown, progress)
        self.asked = len(sentences) + len(retry)
        self.translated = len(missing) + len(unknown)

    def _remembered(self, sentences: list[str]) -> None:
        for source, (text, score) in self.memory.lookup_scored(self.model, sentences).items():
            self.known[source] = text
            self.scores[source] = score

    def _fill(self, sentences: list[str], progress: Progress | None) -> None:
        """Translate ``sentences`` in one engine call, remembering the results."""
        if not sentences:
            return
        output = translate_scored(self.engine, self.model, sentences, progress)
        fresh = [(sentence, out.text) for sentence, out in zip(sentences, output, strict=True)]
        # Empty outputs too: the model says nothing for them, and a rerun must not load it
        # to hear that again (a new model version has a memory of its own).
        self.memory.store(self.model, fresh, [out.score for out in output])
        self.known.update(fresh)
        self.scores.update(zip(sentences, (out.score for out in output), strict=True))

    def _chosen(self, sentence: str) -> str:
        """The sentence whose translation ``_best`` uses: protected or as it is."""
        protected = self.protector.protect(sentence)
        if protected != sentence:
            restored = self.protector.restore(sentence, self.known.get(protected, ""))
            if restored is not None and restored.strip():
                return protected
        return sentence

    def _best(self, sentence: str) -> str:
        if self.protector.only_terms(sentence):
            return sentence  # never sent: copied
        chosen = self._chosen(sentence)
        if chosen != sentence:
            restored = self.protector.restore(sentence, self.known.get(chosen, ""))
            assert restored is not None  # _chosen checked it
            return restored
        return self.known.get(sentence, "")

    def score(self, units: Iterable[str]) -> float | None:
        """How sure the engine was of the sentences these units were drafted from: the
        least sure one's score, or None if any has none. Sentences copied, not translated
        (``Protector.only_terms``), have none and say nothing about it."""
        return least(self.scores.get(self._chosen(sentence))
                     for unit in units if has_letters(core := split_edges(unit)[1])
                     for sentence in self.protector.sentences(core)
                     if not self.protector.only_terms(sentence))

    def lookup(self, unit: str) -> str:
        """A unit's translation, its edges kept; raises _EmptyOutput if a sentence has none."""
        lead, core, trail = split_edges(unit)
        if not has_letters(core):
            return unit
        pieces = [self._best(s) for s in self.protector.sentences(core)]
        if not all(p.strip() for p in pieces):
            raise _EmptyOutput
        return lead + self.glue.join(p.strip() for p in pieces) + trail


class _EmptyOutput(Exception):
    """The engine returned nothing for a sentence."""


MARKUP_KEY = "\x1f"
"""Prefix of translation-memory keys for whole segments with markup (never in a sentence)."""


def _markup_drafts(engine: Engine, model: ModelInfo, memory: Memory, *, protector: Protector,
                   progress: Progress | None, msgids: Sequence[str]
                   ) -> tuple[dict[str, str], int, int]:
    """Whole segments, placeholders and all, from an engine that moves markup itself.

    One engine call for the catalog; only drafts whose placeholders check out are kept,
    and the sentence path handles the rest. Returns the drafts, how many texts were
    needed, and how many of those the engine translated (the rest came from memory).
    """
    if not isinstance(engine, MarkupEngine):
        return {}, 0, 0
    protected = {msgid: protector.protect(msgid) for msgid in msgids
                 if not protector.only_terms(plain_text(msgid))}  # those: the sentence path
    keys = sorted({MARKUP_KEY + text for text in protected.values()})
    known = memory.lookup(model, keys)
    missing = [key for key in keys if key not in known]
    if missing:
        output = engine.translate_markup(model, [key[1:] for key in missing], progress)
        fresh = list(zip(missing, output, strict=True))
        memory.store(model, fresh)  # empty ones too, as in _SentencePath._fill
        known.update(fresh)
    drafts = {}
    for msgid, text in protected.items():
        restored = protector.restore(msgid, known.get(MARKUP_KEY + text, ""))
        if restored and restored.strip() and _same_shape(restored, shape(msgid)):
            drafts[msgid] = restored
    return drafts, len(keys), len(missing)


def _draft(msgid: str, nodes: Sequence[Node], tr: Lookup, marked: str | None = None
           ) -> tuple[str | None, bool, list[str] | None]:
    """The translation with every placeholder back in place (verified), whether it was
    made piecewise, and the units it was made from (None: an engine's markup draft).

    First an engine's own markup-aware draft, then the whole text with the placeholder
    contents found again, then the pieces between placeholders one by one.
    """
    expected = shape(msgid)
    if marked is not None and _same_shape(marked, expected):
        return marked, False, None
    whole = assemble_whole(nodes, tr)
    if whole is not None and _same_shape(whole, expected):
        # The words are the sections' translations; the inner texts' own translations
        # were only looked for in them, so their scores say nothing about the draft.
        return whole, False, [_plain(s) for s in _sections(nodes) if isinstance(s, list)]
    pieces = assemble_piecewise(nodes, tr)
    if _same_shape(pieces, expected):
        return pieces, bool(expected), units_piecewise(nodes)
    return None, False, None


def _same_shape(text: str, expected: dict[int, tuple[int, bool]]) -> bool:
    try:
        return shape(text) == expected
    except MarkupError:
        return False


def _record(entry: polib.POEntry, text: str, model: ModelInfo, piecewise: bool,
            score: float | None = None, *, fails: Sequence[str] = ()) -> None:
    shown = None if score is None else confidence(score)
    _record_line(entry, text, machine_line(model.provenance, piecewise=piecewise,
                                           confidence=shown, source=entry.msgid, text=text,
                                           fails=fails))


def _record_line(entry: polib.POEntry, text: str, provenance: str) -> None:
    """A fuzzy draft with one provenance line (an earlier draft's line replaced)."""
    entry.msgstr = text
    if not entry.fuzzy:
        entry.flags.insert(0, "fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    entry.tcomment = with_line(entry.tcomment, provenance)


def failure_line(locale: str, model: ModelInfo, error: EngineError) -> str:
    """The one line naming a failed locale, its model and the two ways on."""
    return (f"{locale}: not drafted, {model.engine} {model.model} {model.version} failed: "
            f"{error}; or leave {locale} out with `-l` for each other locale")

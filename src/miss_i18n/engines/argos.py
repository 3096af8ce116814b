"""Argos Translate models, run directly on CTranslate2: the fast path.

An Argos Translate package is a CTranslate2 model plus the SentencePiece model it was
trained with (see engines/store.py). argostranslate itself has no batch API: its
``translate()`` splits text into paragraphs and sentences and calls CTranslate2 once per
paragraph, and its default ``intra_threads=0`` makes such small batches about 20 times
slower on a 2-core machine (shared/offline-mt.md). A catalog is thousands of independent
segments, so this engine tokenizes them all with the package's own SentencePiece model,
sorts them by length, and sends them to CTranslate2 in large token batches that
``inter_threads`` workers decode in parallel.

Decoding settings are argostranslate 1.11's own (``apply_packaged_translation``): beam 4,
``length_penalty=0.2``, ``replace_unknowns=True``, one hypothesis, CTranslate2's defaults
for everything else (``max_input_length=1024``, ``max_decoding_length=256``),
``compute_type="auto"``; its detokenization is copied too. So a sentence translates here
exactly as ``argostranslate.translate.translate()`` translates it (tests check this).
Scores are asked for as well (``return_scores`` changes no output): each output's mean
log-probability per token, which becomes the draft's confidence (miss_i18n.confidence).

argostranslate is never imported (it takes seconds and imports torch); neither is
anything else heavy until a translation runs. Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from miss_i18n.engines import ct2
from miss_i18n.engines.base import ModelInfo, Progress, Scored
from miss_i18n.engines.store import InstalledModel, ModelStore, package_digest
from miss_i18n.errors import EngineError, one_line

NAME = "argos"
LENGTH_PENALTY = 0.2  # argostranslate 1.11, translate.apply_packaged_translation
MAX_DECODING_LENGTH = 256  # CTranslate2's default, which argostranslate keeps
MAX_INPUT_LENGTH = 1024
"""CTranslate2's default input limit, past which it cuts a sentence without a word: such a
line (a few hundred words), or one whose translation reached ``MAX_DECODING_LENGTH``
(cut off too), gives its sentence no draft (counted failed, left untranslated) rather
than one that drops words."""
SPACE_MARKER = "▁"  # SentencePiece's word-start marker (U+2581)

# Babel locales that one argos code serves exactly (argos's index uses pb and zt).
_EXACT: dict[str, str] = {
    "pt_BR": "pb", "zh_Hans": "zh", "zh_CN": "zh", "zh_SG": "zh", "zh_Hans_CN": "zh",
    "zh_Hans_SG": "zh", "zh_Hant": "zt", "zh_TW": "zt", "zh_HK": "zt", "zh_MO": "zt",
    "zh_Hant_TW": "zt", "zh_Hant_HK": "zt", "zh_Hant_MO": "zt",
}
# Same language, other code (older ISO 639 codes that some packages still use).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "he": ("iw",), "iw": ("he",), "id": ("in",), "in": ("id",), "yi": ("ji",),
    "ji": ("yi",), "jv": ("jw",), "jw": ("jv",),
}
# A closely related code that can serve a language, with what a reviewer should know.
_RELATED: dict[str, tuple[tuple[str, str], ...]] = {
    "nb": (("no", "served by the no (Norwegian) model"),),
    "no": (("nb", "served by the nb (Norwegian Bokmål) model"),),
    "fil": (("tl", "served by the tl (Tagalog) model"),),
    "pt": (("pb", "served by the pb (Brazilian Portuguese) model"),),
}
# argos code -> the Babel locale it stands for, where they differ.
_BABEL: dict[str, str] = {"pb": "pt_BR", "zt": "zh_Hant", "iw": "he", "in": "id",
                          "ji": "yi", "jw": "jv"}
_TRADITIONAL = {"Hant", "TW", "HK", "MO"}


def argos_codes(locale: str) -> list[tuple[str, str]]:
    """Argos language codes that can serve a Babel locale, best first, with a note.

    ``pt_BR`` → ``pb`` (exact), then ``pt`` ("regional variant: served by the pt
    model"); ``zh_Hant`` → ``zt`` only (the ``zh`` model writes the other script);
    ``he`` → ``he``, ``iw``; ``nb`` → ``nb``, then ``no`` with a note.
    """
    normalized = locale.strip().replace("-", "_")
    language, *rest = normalized.split("_")
    language = language.lower()
    found: dict[str, str] = {}
    if normalized in _EXACT:
        found[_EXACT[normalized]] = ""
    if language == "zh" and _TRADITIONAL & set(rest):
        return list(found.items()) or [("zt", "")]
    for code in (language, *_SYNONYMS.get(language, ())):
        found.setdefault(code, _variant_note(rest, code))
    for code, note in _RELATED.get(language, ()):
        found.setdefault(code, note)
    return list(found.items())


def _variant_note(subtags: list[str], code: str) -> str:
    """What a reviewer should know when a plain language model serves a variant."""
    scripts = [t for t in subtags if len(t) == 4 and t.istitle()]
    if scripts:
        return f"script variant ({scripts[0]}): served by the {code} model"
    return f"regional variant: served by the {code} model" if subtags else ""


def babel_locale(code: str) -> str:
    """The Babel locale an argos language code stands for (``pb`` → ``pt_BR``)."""
    return _BABEL.get(code, code)


@dataclass(frozen=True)
class _Loaded:
    """A model ready to translate: the CTranslate2 translator and its tokenizer."""

    translator: Any
    tokenizer: Any
    target_prefix: str


class ArgosEngine(ct2.Ct2Engine[_Loaded]):
    """Argos Translate packages from a ModelStore, translated in large batches."""

    name = NAME

    def __init__(self, store: ModelStore, *, inter_threads: int = 2, intra_threads: int = 1,
                 beam_size: int = 4, max_batch_tokens: int = 2048,
                 batch_sentences: int = 8) -> None:
        """Thread and batch settings; the defaults were the fastest measured on 2 cores.

        ``inter_threads`` batches run in parallel, each on ``intra_threads`` threads
        (CTranslate2's own ``intra_threads=0`` default is about 20x slower for small
        batches here). A batch holds at most ``batch_sentences`` sentences and
        ``max_batch_tokens`` tokens counting padding; ``progress`` is called after each.
        All batches are queued at once, so the workers never wait for the caller.
        Small batches won: 8-16 sentences (beam 4) decoded 15-20% faster than 64 with a
        6 MB model and about twice as fast with a 61 MB one (32k vocabulary, 6+6 layers),
        and faster than one raw ``translate_batch`` call with 2048-token batches; with
        full batches queued 16 to a call (ct2.decoded), 8 beat 12 by 8-15% (0.92-0.94x
        against 0.78-0.85x raw CTranslate2 at its best, bench/bench_translate.py).
        """
        super().__init__(inter_threads=inter_threads, intra_threads=intra_threads,
                         beam_size=beam_size, max_batch_tokens=max_batch_tokens,
                         batch_sentences=batch_sentences)
        self.store = store

    def models(self) -> list[ModelInfo]:
        """Every installed package (reads metadata.json files, loads nothing)."""
        return [_info(m, babel_locale(m.to_code)) for m in self.store.list()]

    def model_for(self, source_locale: str, target_locale: str) -> ModelInfo | None:
        """The installed package that serves this Babel locale pair, or None."""
        installed = {(m.from_code.lower(), m.to_code.lower()): m for m in self.store.list()}
        for source, _ in argos_codes(source_locale):
            for target, note in argos_codes(target_locale):
                model = installed.get((source, target))
                if model is not None:
                    return _info(model, target_locale, note)
        return None

    @staticmethod
    def info(model: InstalledModel, source_locale: str, target_locale: str
             ) -> ModelInfo | None:
        """The ModelInfo of ``model`` for a locale pair it could serve (when no closer
        package is installed), or None."""
        if model.from_code.lower() not in dict(argos_codes(source_locale)):
            return None
        note = dict(argos_codes(target_locale)).get(model.to_code.lower())
        return None if note is None else _info(model, target_locale, note)

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        """Translate plain sentences, in order (see ``translate_scored``)."""
        return [out.text for out in self.translate_scored(model, sentences, progress)]

    def translate_scored(self, model: ModelInfo, sentences: Sequence[str],
                         progress: Progress | None = None) -> list[Scored]:
        """Translate plain sentences, in order, in length-sorted batches, with scores.

        Like argostranslate, each line of a sentence that spans lines is translated on
        its own and the lines are joined again; empty lines stay empty without reaching
        the model. A sentence's score is its least sure line's (ct2.mean_log_prob).
        ``progress`` counts whole sentences. Raises ModelNotFound if the package is gone,
        EngineError if CTranslate2 fails.
        """
        if not sentences:
            return []
        loaded = self._load(model)
        owners = [n for n, sentence in enumerate(sentences) for _ in sentence.split("\n")]
        lines = [line for sentence in sentences for line in sentence.split("\n")]
        tokens: list[list[str]] = loaded.tokenizer.encode(lines, out_type=str)
        outputs = [""] * len(lines)
        scores: list[float | None] = [None] * len(lines)
        cut = {i for i, t in enumerate(tokens) if len(t) > MAX_INPUT_LENGTH}  # (truncated)
        tracker = _Progress(owners, [not t or i in cut for i, t in enumerate(tokens)], progress)
        order = sorted((i for i in range(len(lines)) if tokens[i] and i not in cut),
                       key=lambda i: len(tokens[i]))
        chunks = list(ct2.batches(order, [len(t) + 1 for t in tokens],  # + </s>
                                  max_tokens=self.max_batch_tokens,
                                  max_sentences=self.batch_sentences))
        prefix = 1 if loaded.target_prefix else 0
        try:
            for chunk, done in ct2.decoded(
                    chunks, lambda chunk, size: self._submit(
                        loaded, [tokens[i] for i in chunk], size),
                    max_sentences=self.batch_sentences):
                for index, hypothesis, raw in done:
                    if len(hypothesis) >= MAX_DECODING_LENGTH:  # cut off: not a translation
                        cut.add(index)
                        continue
                    outputs[index] = _detokenize(loaded, hypothesis)
                    scores[index] = ct2.mean_log_prob(
                        raw, hypothesis, prefix=prefix,
                        length_penalty=LENGTH_PENALTY, max_decoding_length=MAX_DECODING_LENGTH)
                tracker.finished(chunk)
        except (RuntimeError, ValueError) as error:
            raise EngineError(f"CTranslate2 failed to translate with {model.model} "
                              f"({one_line(error)}); check the package, or reinstall it"
                              ) from error
        tracker.report_end()
        joined: list[list[str]] = [[] for _ in sentences]
        least: list[list[float]] = [[] for _ in sentences]
        failed = {owners[index] for index in cut}
        for owner, output, score in zip(owners, outputs, scores, strict=True):
            joined[owner].append(output)
            if score is not None:
                least[owner].append(score)
        return [Scored("", None) if n in failed else
                Scored("\n".join(parts), min(found, default=None))
                for n, (parts, found) in enumerate(zip(joined, least, strict=True))]

    def _submit(self, loaded: _Loaded, batch: list[list[str]], size: int) -> list[Any]:
        """Queue one call, cut into batches of ``size`` (0: one batch); CTranslate2's
        workers decode queued batches in parallel."""
        prefix = [[loaded.target_prefix]] * len(batch) if loaded.target_prefix else None
        results: list[Any] = loaded.translator.translate_batch(
            batch, target_prefix=prefix, asynchronous=True, max_batch_size=size,
            batch_type="examples",
            beam_size=self.beam_size, num_hypotheses=1, length_penalty=LENGTH_PENALTY,
            replace_unknowns=True, max_decoding_length=MAX_DECODING_LENGTH, return_scores=True)
        return results

    def _load(self, model: ModelInfo) -> _Loaded:
        """The loaded model, from the cache unless the package changed on disk."""
        return self._load_installed(
            model.model, self.store.get(model.model), self.store.root,
            weights="model/model.bin", install="install its .argosmodel file",
            again="install its .argosmodel file again", load=self._open)

    def _open(self, installed: InstalledModel) -> _Loaded:
        """Load the CTranslate2 model and the package's SentencePiece model."""
        if installed.tokenizer != "sentencepiece.model":
            raise EngineError(f"{installed.name} uses {installed.tokenizer} (BPE), which the "
                              "argos engine does not support; install a SentencePiece package")
        translator, tokenizer = self._open_translator(
            installed.name, installed.path / "model", installed.path / "sentencepiece.model",
            "the package")
        return _Loaded(translator, tokenizer, installed.target_prefix)


class _Progress:
    """Turns finished lines into ``progress(done, total)`` calls counting sentences."""

    def __init__(self, owners: list[int], finished: list[bool],
                 callback: Progress | None) -> None:
        self.owners = owners
        self.callback = callback
        self.total = max(owners) + 1
        self.left = [0] * self.total
        for owner, done in zip(owners, finished, strict=True):
            self.left[owner] += not done
        self.done = self.left.count(0)
        self.reported = -1

    def finished(self, lines: list[int]) -> None:
        """Lines ``lines`` are translated: report the sentences now complete."""
        for line in lines:
            self.left[self.owners[line]] -= 1
            self.done += self.left[self.owners[line]] == 0
        self._report()

    def report_end(self) -> None:
        """Make sure the last call says (total, total), even with nothing to translate."""
        self._report()

    def _report(self) -> None:
        if self.callback is not None and self.done != self.reported:
            self.reported = self.done
            self.callback(self.done, self.total)


def _detokenize(loaded: _Loaded, pieces: list[str]) -> str:
    """Text from output pieces, exactly as argostranslate 1.11 makes it.

    argos decodes the pieces, then turns every ``▁`` and ``_`` into a space (some
    packages' models write ``_`` between words) and drops one leading space. The target
    prefix token, if the package has one, is dropped before decoding.
    """
    if loaded.target_prefix and pieces[:1] == [loaded.target_prefix]:
        pieces = pieces[1:]
    text: str = loaded.tokenizer.decode_pieces(pieces)
    text = text.replace(SPACE_MARKER, " ").replace("_", " ")
    return text[1:] if text.startswith(" ") else text


def _info(model: InstalledModel, locale: str, note: str = "") -> ModelInfo:
    """The ModelInfo for an installed package serving ``locale``."""
    return ModelInfo(engine=NAME, model=model.name, version=model.version,
                     source=model.from_code, target=model.to_code, locale=locale, note=note,
                     weights=f"sha256:{package_digest(model.path)[:12]}")



"""NLLB-200 and M2M-100 models on CTranslate2: every target locale from one model.

One folder (``ct2-transformers-converter`` output plus the tokenizer's
``sentencepiece.bpe.model``; see engines/nllb_store.py) serves every language whose token
its vocabulary holds. CTranslate2's documented recipe: source tokens ``[<src_lang>] +
pieces + ["</s>"]``, ``target_prefix=[[<tgt_lang>]]``, the language token dropped from
the output. NLLB-200 writes its tokens ``zho_Hans``; M2M-100 writes ``__zh__`` in the same
places. Which family a folder holds is read from its vocabulary at install time.

Sentences of several locales can go into the same length-sorted batches
(``translate_many``): each example carries its own ``target_prefix``, so one loaded model
serves them all, with the thread and batch settings of the argos engine.

NLLB was trained on at most 512 tokens: a longer sentence is cut at word starts into
parts that fit, each translated, and the parts joined again; CTranslate2's own input limit
(which truncates silently) is turned off. An output that reaches the decoding limit is
treated as no output (the entry stays untranslated and the run reports it as failed),
never used cut off.

ctranslate2 and sentencepiece are imported only when a translation runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from miss_i18n.engines import ct2
from miss_i18n.engines.base import ModelInfo, Progress, Scored
from miss_i18n.engines.nllb_store import NLLB, InstalledNllb, NllbStore
from miss_i18n.errors import EngineError, one_line
from miss_i18n.sentences import joiner

NAME = "nllb"
MAX_INPUT_TOKENS = 512
"""NLLB-200's training length, language token and ``</s>`` included."""
MAX_DECODING_LENGTH = 512
"""Output tokens at most (CTranslate2's default of 256 could cut a long translation)."""
LENGTH_PENALTY = 1.0
"""CTranslate2's default (scores normalised by length), made explicit for the scores."""
WORD_START = "▁"  # SentencePiece's word-start marker (U+2581)
_CLAUSE_END = re.compile(r"[,;:.!?。，；：、)\]]$")

# Babel language -> NLLB-200 code (FLORES-200). Every locale the project lists is here;
# tests/test_nllb.py checks them one by one.
NLLB_CODES: dict[str, str] = {
    "af": "afr_Latn", "am": "amh_Ethi", "ar": "arb_Arab", "as": "asm_Beng",
    "az": "azj_Latn", "be": "bel_Cyrl", "bg": "bul_Cyrl", "bn": "ben_Beng",
    "bs": "bos_Latn", "ca": "cat_Latn", "cs": "ces_Latn", "cy": "cym_Latn",
    "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn",
    "es": "spa_Latn", "et": "est_Latn", "eu": "eus_Latn", "fa": "pes_Arab",
    "fi": "fin_Latn", "fil": "tgl_Latn", "fr": "fra_Latn", "ga": "gle_Latn",
    "gl": "glg_Latn", "gu": "guj_Gujr", "ha": "hau_Latn", "he": "heb_Hebr",
    "hi": "hin_Deva", "hr": "hrv_Latn", "hu": "hun_Latn", "hy": "hye_Armn",
    "id": "ind_Latn", "ig": "ibo_Latn", "is": "isl_Latn", "it": "ita_Latn",
    "ja": "jpn_Jpan", "jv": "jav_Latn", "ka": "kat_Geor", "kk": "kaz_Cyrl",
    "km": "khm_Khmr", "kn": "kan_Knda", "ko": "kor_Hang", "lb": "ltz_Latn",
    "lo": "lao_Laoo", "lt": "lit_Latn", "lv": "lvs_Latn", "mk": "mkd_Cyrl",
    "ml": "mal_Mlym", "mn": "khk_Cyrl", "mr": "mar_Deva", "ms": "zsm_Latn",
    "mt": "mlt_Latn", "my": "mya_Mymr", "nb": "nob_Latn", "ne": "npi_Deva",
    "nl": "nld_Latn", "nn": "nno_Latn", "or": "ory_Orya", "pa": "pan_Guru",
    "pl": "pol_Latn", "ps": "pbt_Arab", "pt": "por_Latn", "ro": "ron_Latn",
    "ru": "rus_Cyrl", "si": "sin_Sinh", "sk": "slk_Latn", "sl": "slv_Latn",
    "so": "som_Latn", "sq": "als_Latn", "sr": "srp_Cyrl", "su": "sun_Latn",
    "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml", "te": "tel_Telu",
    "th": "tha_Thai", "tl": "tgl_Latn", "tr": "tur_Latn", "uk": "ukr_Cyrl",
    "ur": "urd_Arab", "uz": "uzn_Latn", "vi": "vie_Latn", "xh": "xho_Latn",
    "yo": "yor_Latn", "yue": "yue_Hant", "zh": "zho_Hans", "zu": "zul_Latn",
}
# What a reviewer should know when the token stands for more (or less) than the locale.
_NLLB_NOTES: dict[str, str] = {
    "pt": "regional variant: served by the por_Latn token (NLLB's Portuguese leans "
          "Brazilian; check European spelling)",
    "pt_BR": "regional variant: served by the por_Latn (Portuguese) token",
    "no": "served by the nob_Latn (Norwegian Bokmål) token",
}
_NLLB_EXTRA: dict[str, str] = {"no": "nob_Latn", "iw": "heb_Hebr", "in": "ind_Latn"}
# The script a locale is written in, where a language has more than one NLLB token.
_SCRIPT_CODES: dict[tuple[str, str], str] = {
    ("zh", "Hans"): "zho_Hans", ("zh", "Hant"): "zho_Hant", ("pa", "Arab"): "pnb_Arab",
    ("pa", "Guru"): "pan_Guru", ("sr", "Cyrl"): "srp_Cyrl", ("uz", "Latn"): "uzn_Latn",
    ("yue", "Hant"): "yue_Hant", ("ms", "Latn"): "zsm_Latn", ("az", "Latn"): "azj_Latn",
}
_REGION_SCRIPT: dict[tuple[str, str], str] = {
    ("zh", "TW"): "Hant", ("zh", "HK"): "Hant", ("zh", "MO"): "Hant",
    ("zh", "CN"): "Hans", ("zh", "SG"): "Hans", ("pa", "PK"): "Arab",
}
# M2M-100 writes ISO 639-1 codes; these languages it knows under another code.
_M2M_CODES: dict[str, tuple[str, str]] = {
    "nb": ("no", "served by the __no__ (Norwegian) token"),
    "fil": ("tl", "served by the __tl__ (Tagalog) token"),
    "iw": ("he", ""), "in": ("id", ""),
}
# The one script M2M-100 writes a language in, where the language has several.
_M2M_SCRIPTS = {"zh": "Hans", "sr": "Cyrl", "pa": "Guru", "uz": "Latn", "az": "Latn",
                "ms": "Latn"}


def _parts(locale: str) -> tuple[str, str | None, list[str]]:
    """Language, script (explicit or implied by the region) and the explicit regions
    (those that imply no script)."""
    language, *rest = locale.strip().replace("-", "_").split("_")
    language = language.lower()
    script = next((t.title() for t in rest if len(t) == 4 and t.isalpha()), None)
    regions = [t.upper() for t in rest if len(t) != 4 or not t.isalpha()]
    implied = [_REGION_SCRIPT[(language, r)] for r in regions if (language, r) in _REGION_SCRIPT]
    return language, script or next(iter(implied), None), [
        r for r in regions if (language, r) not in _REGION_SCRIPT]


def nllb_token(locale: str) -> tuple[str, str] | None:
    """The NLLB-200 token for a Babel locale, with a note for reviewers, or None.

    ``zh`` → ``zho_Hans``; ``zh_TW`` → ``zho_Hant``; ``pt_BR`` → ``por_Latn`` (regional
    variant); ``sr_Latn`` → None (NLLB writes Serbian in Cyrillic only).
    """
    language, script, regions = _parts(locale)
    code = NLLB_CODES.get(language) or _NLLB_EXTRA.get(language)
    if code is None:
        return None
    if script is not None:
        scripted = _SCRIPT_CODES.get((language, script))
        if scripted is None and not code.endswith(f"_{script}"):
            return None  # NLLB writes this language in another script: no usable draft
        code = scripted or code
    for key in ("_".join([language, *regions]), language):
        if key in _NLLB_NOTES:
            return code, _NLLB_NOTES[key]
    return code, f"regional variant: served by the {code} token" if regions else ""


def m2m_token(locale: str) -> tuple[str, str] | None:
    """The M2M-100 token for a Babel locale (``__de__``), with a note, or None.

    M2M-100's Chinese is Simplified, its Serbian Cyrillic, its Punjabi Gurmukhi: a locale
    in another script gets None. Whether a model has the token is for its vocabulary to say.
    """
    language, script, regions = _parts(locale)
    if not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    if script is not None and script != _M2M_SCRIPTS.get(language, script):
        return None
    code, note = _M2M_CODES.get(language, (language, ""))
    if regions and not note:
        note = f"regional variant: served by the __{code}__ token"
    return f"__{code}__", note


def language_token(family: str, locale: str) -> tuple[str, str] | None:
    """The token a model of ``family`` (NLLB or M2M100) uses for a Babel locale."""
    return nllb_token(locale) if family == NLLB else m2m_token(locale)


@dataclass(frozen=True)
class _Loaded:
    """A model ready to translate: the CTranslate2 translator and its tokenizer."""

    translator: Any
    tokenizer: Any


@dataclass(frozen=True)
class _Example:
    """One model input: the pieces of a sentence (or part of one) and its target."""

    pieces: list[str]
    source: str
    target: str


class NllbEngine(ct2.Ct2Engine[_Loaded]):
    """NLLB-200 and M2M-100 folders from an NllbStore; all locales in the same batches."""

    name = NAME

    def __init__(self, store: NllbStore, *, inter_threads: int = 2, intra_threads: int = 1,
                 beam_size: int = 4, max_batch_tokens: int = 2048, batch_sentences: int = 8,
                 max_input_tokens: int = MAX_INPUT_TOKENS,
                 max_decoding_length: int = MAX_DECODING_LENGTH, source_locale: str = "en"
                 ) -> None:
        """The argos engine's thread and batch settings (measured there), NLLB's limits;
        ``source_locale`` only labels ``models()``."""
        super().__init__(inter_threads=inter_threads, intra_threads=intra_threads,
                         beam_size=beam_size, max_batch_tokens=max_batch_tokens,
                         batch_sentences=batch_sentences)
        if max_decoding_length < 1 or max_input_tokens < 3:
            raise EngineError("nllb engine settings must be positive (max_input_tokens at "
                              "least 3)")
        self.store = store
        self.max_input_tokens = max_input_tokens
        self.max_decoding_length = max_decoding_length
        self.source_locale = source_locale

    def models(self) -> list[ModelInfo]:
        """One entry per installed folder and target language it has a token for."""
        out = []
        for model in self.store.list():
            source = language_token(model.family, self.source_locale)
            out += [ModelInfo(engine=NAME, model=model.name, version=model.version,
                              source=self.source_locale, target=token, locale=token)
                    for token in sorted(model.languages) if source is None or token != source[0]]
        return out

    def model_for(self, source_locale: str, target_locale: str) -> ModelInfo | None:
        """The first installed folder (by name) with tokens for both locales, or None."""
        for model in self.store.list():
            info = self.info(model, source_locale, target_locale)
            if info is not None:
                return info
        return None

    @staticmethod
    def info(model: InstalledNllb, source_locale: str, target_locale: str
             ) -> ModelInfo | None:
        """The ModelInfo of ``model`` for a locale pair, or None if it lacks a token."""
        source = language_token(model.family, source_locale)
        target = language_token(model.family, target_locale)
        if source is None or target is None or not {source[0], target[0]} <= model.languages:
            return None
        return ModelInfo(engine=NAME, model=model.name, version=model.version,
                         source=source_locale, target=target[0], locale=target_locale,
                         note=target[1])

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        """Translate plain sentences into one locale (see ``translate_many``)."""
        return self.translate_many([(model, sentences)], progress)[0]

    def translate_scored(self, model: ModelInfo, sentences: Sequence[str],
                         progress: Progress | None = None) -> list[Scored]:
        """``translate``, each output with its score (see ``translate_many_scored``)."""
        return self.translate_many_scored([(model, sentences)], progress)[0]

    def translate_many(self, jobs: Sequence[tuple[ModelInfo, Sequence[str]]],
                       progress: Progress | None = None) -> list[list[str]]:
        """Translate several locales' sentences (see ``translate_many_scored``)."""
        return [[out.text for out in outputs]
                for outputs in self.translate_many_scored(jobs, progress)]

    def translate_many_scored(self, jobs: Sequence[tuple[ModelInfo, Sequence[str]]],
                              progress: Progress | None = None) -> list[list[Scored]]:
        """Translate several locales' sentences in the same length-sorted batches.

        Each line of a sentence is translated on its own (NLLB has no line break token);
        empty lines stay empty without reaching the model. A sentence's score is that of
        its least sure line or part (ct2.mean_log_prob). ``progress`` counts sentences
        of all jobs together. Raises ModelNotFound if a folder is gone, EngineError if
        CTranslate2 fails.
        """
        total = sum(len(sentences) for _, sentences in jobs)
        by_model: dict[str, list[int]] = {}
        for number, (model, _) in enumerate(jobs):
            by_model.setdefault(model.model, []).append(number)
        prepared = []
        for numbers in by_model.values():
            first = jobs[numbers[0]][0]
            loaded = self._load(first)
            prepared.append((first.model, loaded,
                             self._examples(loaded, [(n, *jobs[n]) for n in numbers])))
        count = sum(len(parts) for _, _, parts in prepared)
        finished = 0

        def tick(examples: int) -> None:
            """After each batch: the share of examples done, in sentences."""
            nonlocal finished
            finished += examples
            if progress is not None and finished < count:
                progress(total * finished // count, total)

        lines: dict[tuple[int, int, int], list[str]] = {}
        least: dict[tuple[int, int], list[float]] = {}
        for name, loaded, parts in prepared:
            outputs = self._run(loaded, name, [example for _, example in parts], tick)
            for (key, _), output in zip(parts, outputs, strict=True):
                lines.setdefault(key, []).append(output.text)
                if output.score is not None:
                    least.setdefault(key[:2], []).append(output.score)
        if progress is not None:
            progress(total, total)

        def line(job: int, sentence: int, number: int) -> str:
            parts = lines.get((job, sentence, number), [])
            return joiner(jobs[job][0].locale).join(parts) if all(parts) else ""

        return [[Scored("\n".join(line(job, n, k) for k in range(sentence.count("\n") + 1)),
                        min(least.get((job, n), []), default=None))
                 for n, sentence in enumerate(sentences)]
                for job, (_, sentences) in enumerate(jobs)]

    def _examples(self, loaded: _Loaded, jobs: list[tuple[int, ModelInfo, Sequence[str]]]
                  ) -> list[tuple[tuple[int, int, int], _Example]]:
        """Model inputs for every non-empty line, long ones split into parts that fit."""
        keys: list[tuple[int, int, int]] = []
        lines: list[str] = []
        targets: list[tuple[str, str]] = []
        for job, model, sentences in jobs:
            source = self._source_token(model)
            for number, sentence in enumerate(sentences):
                for line_number, line in enumerate(sentence.split("\n")):
                    if line.strip():
                        keys.append((job, number, line_number))
                        lines.append(line)
                        targets.append((source, model.target))
        encoded: list[list[str]] = loaded.tokenizer.encode(lines, out_type=str) if lines else []
        out = []
        for key, pieces, (source, target) in zip(keys, encoded, targets, strict=True):
            for part in split_pieces(pieces, self.max_input_tokens - 2):
                out.append((key, _Example(part, source, target)))
        return out

    def _source_token(self, model: ModelInfo) -> str:
        installed = self.store.get(model.model)
        token = language_token(installed.family if installed else NLLB, model.source)
        if token is None:
            raise EngineError(f"{model.model} has no token for the source locale "
                              f"{model.source}; use a model that covers it")
        return token[0]

    def _run(self, loaded: _Loaded, name: str, examples: list[_Example],
             tick: Callable[[int], None]) -> list[Scored]:
        """Every example translated and scored, in order, in length-sorted batches run in
        parallel; ``tick(n)`` after each batch of ``n``."""
        outputs = [Scored("", None)] * len(examples)
        order = sorted(range(len(examples)), key=lambda i: len(examples[i].pieces))
        chunks = list(ct2.batches(order, [len(e.pieces) + 2 for e in examples],  # + tokens
                                  max_tokens=self.max_batch_tokens,
                                  max_sentences=self.batch_sentences))
        try:
            for chunk, done in ct2.decoded(
                    chunks, lambda chunk, size: self._submit(
                        loaded, [examples[i] for i in chunk], size),
                    max_sentences=self.batch_sentences):
                for index, hypothesis, score in done:
                    text = self._text(loaded, hypothesis)
                    outputs[index] = Scored(text, ct2.mean_log_prob(
                        score, hypothesis, prefix=1, length_penalty=LENGTH_PENALTY,
                        max_decoding_length=self.max_decoding_length) if text else None)
                tick(len(chunk))
        except (RuntimeError, ValueError) as error:
            raise EngineError(f"CTranslate2 failed to translate with {name} "
                              f"({one_line(error)}); check the model folder, or install it "
                              "again") from error
        return outputs

    def _submit(self, loaded: _Loaded, batch: list[_Example], size: int) -> list[Any]:
        """Queue one call, cut into batches of ``size`` (0: one batch); each example
        carries its own target language token."""
        results: list[Any] = loaded.translator.translate_batch(
            [[e.source, *e.pieces, "</s>"] for e in batch],
            target_prefix=[[e.target] for e in batch], asynchronous=True, max_batch_size=size,
            batch_type="examples",
            beam_size=self.beam_size, num_hypotheses=1, max_input_length=0,
            max_decoding_length=self.max_decoding_length, length_penalty=LENGTH_PENALTY,
            return_scores=True)
        return results

    def _text(self, loaded: _Loaded, pieces: list[str]) -> str:
        """Text from output pieces; nothing if the output ran into the decoding limit."""
        if len(pieces) >= self.max_decoding_length:
            return ""
        text: str = loaded.tokenizer.decode(pieces[1:])
        return text

    def _load(self, model: ModelInfo) -> _Loaded:
        """The loaded model, from the cache unless the folder changed on disk."""
        return self._load_installed(
            model.model, self.store.get(model.model), self.store.root, weights="model.bin",
            install="install its folder with `miss-i18n models install`",
            again="install its folder again", load=self._open)

    def _open(self, installed: InstalledNllb) -> _Loaded:
        """Load the CTranslate2 model and its SentencePiece model."""
        translator, tokenizer = self._open_translator(
            installed.name, installed.path, installed.path / installed.tokenizer, "the folder")
        return _Loaded(translator, tokenizer)


def split_pieces(pieces: list[str], limit: int) -> list[list[str]]:
    """``pieces`` cut into runs of at most ``limit``, at word starts, never dropping one.

    A cut goes after the last clause-ending piece (``,`` ``;`` ``.`` …) that lets the run
    fit, else before the last word start that does, else (one word longer than the
    limit) anywhere.
    """
    parts: list[list[str]] = []
    rest = pieces
    while len(rest) > limit:
        starts = [i for i in range(1, limit + 1) if rest[i].startswith(WORD_START)]
        clauses = [i for i in starts if _CLAUSE_END.search(rest[i - 1])]
        cut = (clauses or starts or [limit])[-1]
        parts.append(rest[:cut])
        rest = rest[cut:]
    return [*parts, rest] if rest or not parts else parts


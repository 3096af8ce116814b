"""The oracle for machine output: what a model says, asked on this machine at test time.

A small model's beam-4 choice can flip with the CPU's GEMM backend (Intel MKL, oneDNN with
or without VNNI int8 kernels: ``CT2_USE_MKL``, ``ONEDNN_MAX_CPU_ISA``), so tests never
remember an engine's output from one machine. They ask this oracle instead: raw
CTranslate2 and SentencePiece with argostranslate 1.11's decoding settings, one sentence a
call, exactly as ``argostranslate.translate.translate()`` runs a package. It is written
apart from ``miss_i18n.engines.argos`` (no code shared), so agreeing with it means
something: batching, sorting, threads and detokenization there change nothing.

Also a script, for tools/make_test_model.py: ``python tests/oracle.py margins PACKAGE
SOURCE...`` prints, as JSON, each source's best output and the score gap to the second
hypothesis, under whatever backend the environment selects; ``nllb-margins FOLDER`` does
the same for an NLLB-200 / M2M-100 folder, reading ``[[source, language token], ...]``
from stdin (for tools/make_nllb_test_model.py).

Scores: each oracle also says how sure the model was (``scored``): the beam's own
``return_scores`` hypothesis score turned back into a mean log-probability per generated
token (CTranslate2 4.x divides the summed log-probability of the generated tokens and
``</s>`` by ``(returned tokens + </s>) ** length_penalty``), and ``forced_mean`` asks
``score_batch`` for the log-probability of each token of a given output, a second path
through the model that pins that reading down.

``NllbOracle`` is CTranslate2's documented NLLB recipe, one sentence a call: source tokens
``[<src_lang>] + pieces + ["</s>"]``, ``target_prefix=[[<tgt_lang>]]``, the first output
token dropped, ``sp.decode``. It too shares no code with ``miss_i18n.engines.nllb``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# argostranslate 1.11, translate.apply_packaged_translation
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
ARGOS_MAX_DECODING_LENGTH = 256  # CTranslate2's default, which argostranslate keeps
NLLB_LENGTH_PENALTY = 1.0  # CTranslate2's default
NLLB_MAX_DECODING_LENGTH = 512
"""The NLLB engine's output cap (miss_i18n.engines.nllb.MAX_DECODING_LENGTH): NLLB's own
length limit; CTranslate2's default of 256 could cut a long sentence's translation."""
MIN_MARGIN = 1.5
"""How far (log-probability) every memorised pair of a test fixture must lead the second
hypothesis on every CPU backend: tools/make_test_model.py asserts it when it makes them."""


@dataclass(frozen=True)
class Scored:
    """An output and its mean log-probability per token (what ``translate_scored`` gives)."""

    text: str
    score: float | None


class ArgosOracle:
    """One argos package folder (``model/``, ``sentencepiece.model``), asked directly."""

    def __init__(self, package: Path) -> None:
        import ctranslate2  # noqa: PLC0415 (tests without the [mt] extra never import this)
        import sentencepiece  # noqa: PLC0415

        metadata = json.loads((package / "metadata.json").read_text("utf-8"))
        self.prefix: str | None = metadata.get("target_prefix") or None
        self.sp: Any = sentencepiece.SentencePieceProcessor(
            model_file=str(package / "sentencepiece.model"))
        self.translator: Any = ctranslate2.Translator(str(package / "model"), device="cpu",
                                                      compute_type="auto", intra_threads=1)

    def _hypotheses(self, line: str, count: int) -> Any:
        tokens = self.sp.encode(line, out_type=str)
        prefix = [[self.prefix]] if self.prefix else None
        return self.translator.translate_batch(
            [tokens], target_prefix=prefix, beam_size=BEAM_SIZE, num_hypotheses=count,
            length_penalty=LENGTH_PENALTY, replace_unknowns=True, return_scores=True)[0]

    def _text(self, pieces: list[str]) -> str:
        if self.prefix and pieces[:1] == [self.prefix]:
            pieces = pieces[1:]
        text: str = self.sp.decode_pieces(pieces)
        text = text.replace("▁", " ").replace("_", " ")
        return text[1:] if text.startswith(" ") else text

    def translate(self, text: str) -> str:
        """``text`` as argostranslate translates it: line by line, empty lines kept."""
        return "\n".join(self._text(self._hypotheses(line, 1).hypotheses[0])
                         if line.strip() else "" for line in text.split("\n"))

    def scored(self, text: str) -> tuple[str, float | None]:
        """``translate(text)`` and the lowest mean log-probability per token of its lines."""
        means = []
        for line in text.split("\n"):
            if self.sp.encode(line, out_type=str):
                result = self._hypotheses(line, 1)
                means.append(_mean(result.scores[0], len(result.hypotheses[0]),
                                   1 if self.prefix else 0, LENGTH_PENALTY,
                                   ARGOS_MAX_DECODING_LENGTH))
        return self.translate(text), min(means) if means else None

    def forced_mean(self, line: str) -> float:
        """The mean log-probability per token of ``translate(line)``'s tokens and
        ``</s>``, each scored by ``score_batch`` (a forced prefix not counted)."""
        tokens = self.sp.encode(line, out_type=str)
        output = list(self._hypotheses(line, 1).hypotheses[0])
        scored = self.translator.score_batch([tokens], [output])[0].log_probs
        skip = 1 if self.prefix else 0
        return float(sum(scored[skip:]) / len(scored[skip:]))

    def margins(self, sources: Sequence[str]) -> dict[str, tuple[str, float]]:
        """Each source's best output and its score lead over the second hypothesis."""
        out = {}
        for source in sources:
            result = self._hypotheses(source, 2)
            scores = [*result.scores, float("-inf")]
            out[source] = (self._text(result.hypotheses[0]), scores[0] - scores[1])
        return out


class OracleEngine:
    """The oracle as an ``Engine`` (sentences only), for ``translate_catalog``.

    Fed the same catalog, it shows what the translate stage must write when the engine
    says what the model says; the real engine's catalog must be identical.
    """

    name = "oracle"

    def __init__(self, packages: Path) -> None:
        self.packages = packages
        self._oracles: dict[str, ArgosOracle] = {}

    def oracle(self, model: str) -> ArgosOracle:
        if model not in self._oracles:
            self._oracles[model] = ArgosOracle(self.packages / model)
        return self._oracles[model]

    def translate(self, model: Any, sentences: Sequence[str],
                  progress: Callable[[int, int], None] | None = None) -> list[str]:
        return [out.text for out in self.translate_scored(model, sentences, progress)]

    def translate_scored(self, model: Any, sentences: Sequence[str],
                         progress: Callable[[int, int], None] | None = None) -> list[Scored]:
        oracle = self.oracle(model.model)
        out = [Scored(*oracle.scored(sentence)) for sentence in sentences]
        if progress is not None:
            progress(len(out), len(out))
        return out


class NllbOracle:
    """An NLLB-200 or M2M-100 CTranslate2 folder (``sentencepiece.bpe.model`` beside it)."""

    def __init__(self, folder: Path, source_token: str = "eng_Latn") -> None:
        import ctranslate2  # noqa: PLC0415
        import sentencepiece  # noqa: PLC0415

        self.source_token = source_token
        self.sp: Any = sentencepiece.SentencePieceProcessor(
            model_file=str(folder / "sentencepiece.bpe.model"))
        self.translator: Any = ctranslate2.Translator(str(folder), device="cpu",
                                                      compute_type="auto", intra_threads=1)

    def _hypotheses(self, text: str, target_token: str, count: int) -> Any:
        tokens = [self.source_token, *self.sp.encode(text, out_type=str), "</s>"]
        return self.translator.translate_batch(
            [tokens], target_prefix=[[target_token]], beam_size=BEAM_SIZE,
            num_hypotheses=count, max_decoding_length=NLLB_MAX_DECODING_LENGTH,
            length_penalty=NLLB_LENGTH_PENALTY, return_scores=True)[0]

    def _text(self, pieces: list[str]) -> str:
        text: str = self.sp.decode(pieces[1:])
        return text

    def translate(self, text: str, target_token: str) -> str:
        """``text`` into the language ``target_token`` names (``deu_Latn``), line by
        line (a line break is not in NLLB's vocabulary), empty lines kept."""
        return "\n".join(self._text(self._hypotheses(line, target_token, 1).hypotheses[0])
                         if line.strip() else "" for line in text.split("\n"))

    def scored(self, text: str, target_token: str) -> tuple[str, float | None]:
        """``translate`` and the lowest mean log-probability per token of its lines."""
        means = []
        for line in text.split("\n"):
            if line.strip():
                result = self._hypotheses(line, target_token, 1)
                means.append(_mean(result.scores[0], len(result.hypotheses[0]), 1,
                                   NLLB_LENGTH_PENALTY, NLLB_MAX_DECODING_LENGTH))
        return self.translate(text, target_token), min(means) if means else None

    def forced_mean(self, line: str, target_token: str) -> float:
        """The mean log-probability per token of ``translate``'s output tokens and
        ``</s>``, each scored by ``score_batch`` (the language token not counted)."""
        tokens = [self.source_token, *self.sp.encode(line, out_type=str), "</s>"]
        output = list(self._hypotheses(line, target_token, 1).hypotheses[0])
        scored = self.translator.score_batch([tokens], [output])[0].log_probs
        return float(sum(scored[1:]) / len(scored[1:]))

    def margins(self, jobs: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """Each (source, language token)'s best output and how far its log-probability
        leads every other hypothesis of the beam with another text (another segmentation
        of the same text is no rival). Beam search ranks by length-normalized scores;
        the lead is in whole-sequence log-probability (``score_batch``), the units of
        ``MIN_MARGIN`` and of the argos fixtures' margins."""
        out = []
        for source, token in jobs:
            result = self._hypotheses(source, token, BEAM_SIZE)
            texts = [self._text(h) for h in result.hypotheses]
            tokens = [self.source_token, *self.sp.encode(source, out_type=str), "</s>"]
            scored = self.translator.score_batch([tokens] * len(result.hypotheses),
                                                 [list(h) for h in result.hypotheses])
            totals = [sum(s.log_probs) for s in scored]
            rivals = [t for text, t in zip(texts, totals, strict=True) if text != texts[0]]
            out.append((texts[0], totals[0] - max(rivals, default=float("-inf"))))
        return out


class NllbOracleEngine:
    """The NLLB oracle as an ``Engine`` (sentences only), for ``translate_catalog``."""

    name = "oracle"

    def __init__(self, folder: Path) -> None:
        self.oracle = NllbOracle(folder)

    def translate(self, model: Any, sentences: Sequence[str],
                  progress: Callable[[int, int], None] | None = None) -> list[str]:
        return [out.text for out in self.translate_scored(model, sentences, progress)]

    def translate_scored(self, model: Any, sentences: Sequence[str],
                         progress: Callable[[int, int], None] | None = None) -> list[Scored]:
        out = [Scored(*self.oracle.scored(sentence, model.target)) for sentence in sentences]
        if progress is not None:
            progress(len(out), len(out))
        return out


def _mean(score: float, returned: int, prefix: int, length_penalty: float,
          max_decoding_length: int) -> float:
    """A ``return_scores`` score as a mean log-probability per generated token."""
    finished = returned < max_decoding_length  # else cut off: no </s> was generated
    length = returned + finished
    return score * length**length_penalty / (length - prefix)


def main(argv: Sequence[str]) -> int:
    """``margins PACKAGE SOURCE...``: JSON {source: [output, margin]} on stdout;
    ``nllb-margins FOLDER`` < ``[[source, token], ...]``: JSON [[output, margin], ...]."""
    if len(argv) == 2 and argv[0] == "nllb-margins":
        jobs = [(str(s), str(t)) for s, t in json.load(sys.stdin)]
        print(json.dumps(NllbOracle(Path(argv[1])).margins(jobs), ensure_ascii=False))
        return 0
    if len(argv) < 2 or argv[0] != "margins":
        print("usage: oracle.py margins PACKAGE SOURCE... | nllb-margins FOLDER < JOBS",
              file=sys.stderr)
        return 2
    oracle = ArgosOracle(Path(argv[1]))
    print(json.dumps(oracle.margins(argv[2:]), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

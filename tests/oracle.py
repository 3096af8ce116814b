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
hypothesis, under whatever backend the environment selects.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# argostranslate 1.11, translate.apply_packaged_translation
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
MIN_MARGIN = 1.5
"""How far (log-probability) every memorised pair of a test fixture must lead the second
hypothesis on every CPU backend: tools/make_test_model.py asserts it when it makes them."""


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
        oracle = self.oracle(model.model)
        out = [oracle.translate(sentence) for sentence in sentences]
        if progress is not None:
            progress(len(out), len(out))
        return out


def main(argv: Sequence[str]) -> int:
    """``margins PACKAGE SOURCE...``: JSON {source: [output, margin]} on stdout."""
    if len(argv) < 2 or argv[0] != "margins":
        print("usage: oracle.py margins PACKAGE SOURCE...", file=sys.stderr)
        return 2
    oracle = ArgosOracle(Path(argv[1]))
    print(json.dumps(oracle.margins(argv[2:]), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

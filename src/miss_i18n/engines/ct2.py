"""What the engines that run CTranslate2 directly (argos, nllb) share."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence

from miss_i18n.engines.base import Availability


def availability() -> Availability:
    """Whether CTranslate2 and SentencePiece are installed (imports neither)."""
    missing = [m for m in ("ctranslate2", "sentencepiece") if importlib.util.find_spec(m) is None]
    if missing:
        return Availability(False, f"{' and '.join(missing)} not installed: pip install "
                                   f"{' '.join(missing)} (or the project's [mt] extra)")
    return Availability(True)


def batches(order: Sequence[int], widths: Sequence[int], *, max_tokens: int,
            max_sentences: int) -> Iterator[list[int]]:
    """Consecutive runs of the length-sorted inputs ``order`` that fit one batch.

    A batch's cost is its size times its longest input (padding included); ``widths``
    are the inputs' lengths in tokens with what the model adds. An input longer than the
    budget gets a batch of its own.
    """
    chunk: list[int] = []
    for index in order:
        if chunk and ((len(chunk) + 1) * widths[index] > max_tokens
                      or len(chunk) == max_sentences):
            yield chunk
            chunk = []
        chunk.append(index)
    if chunk:
        yield chunk


def mean_log_prob(score: float, hypothesis: Sequence[str], *, prefix: int,
                  length_penalty: float, max_decoding_length: int) -> float | None:
    """The mean log-probability per generated token of a ``return_scores`` hypothesis.

    CTranslate2 (4.x) returns a beam hypothesis's summed log-probability divided by
    ``length ** length_penalty``. The sum covers the generated tokens and ``</s>``, not a
    forced target prefix (its steps score 0); ``length`` counts the returned tokens
    (prefix included) plus ``</s>``. An output that ran into ``max_decoding_length``
    (prefix included) has no ``</s>``. tests/test_confidence.py checks this against
    ``score_batch``, which scores each token of a given output on its own. None when
    nothing was generated.
    """
    end = 1 if len(hypothesis) < max_decoding_length else 0
    generated = len(hypothesis) - prefix + end
    if generated <= 0:
        return None
    total: float = score * (len(hypothesis) + end) ** length_penalty
    return total / generated

"""What the engines that run CTranslate2 directly (argos, nllb) share."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from miss_i18n.engines.base import Availability
from miss_i18n.errors import EngineError, ModelNotFound, one_line

Loaded = TypeVar("Loaded")


class Installed(Protocol):
    """An installed model as a model store lists it."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> Path: ...


Found = TypeVar("Found", bound=Installed)


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


GROUP_CHUNKS = 16
"""Full batches handed to CTranslate2 in one call (CTranslate2 cuts it into the same
batches): each call costs, and 16 per call (translate_iterable's own read-ahead) was as fast
as one call for everything, where one call per batch was 10% slower (200 sentences, the
5.5 MB benchmark model, 2 cores)."""


def decoded(chunks: Sequence[list[int]], submit: Callable[[list[int], int], list[Any]], *,
            max_sentences: int
            ) -> Iterator[tuple[list[int], list[tuple[int, list[str], float]]]]:
    """Every chunk queued at once (CTranslate2's workers decode queued batches in
    parallel), then, in order, each chunk with its sentences' best hypothesis (tokens) and
    that hypothesis' score. CTranslate2's errors come out of the iteration.

    ``submit(indices, max_batch_size)`` queues one call. Runs of full chunks (cut by the
    sentence count, ``max_sentences``) go together, up to GROUP_CHUNKS, for CTranslate2 to
    cut again into batches of ``max_sentences`` (inputs sorted by length: the same
    batches); a chunk the token budget cut short goes alone, as one batch (size 0).
    """
    calls: list[tuple[list[list[int]], list[Any]]] = []
    run: list[list[int]] = []

    def flush() -> None:
        if run:
            calls.append((list(run), submit([i for chunk in run for i in chunk],
                                            max_sentences)))
            run.clear()

    for chunk in chunks:
        if len(chunk) == max_sentences:
            run.append(chunk)
            if len(run) == GROUP_CHUNKS:
                flush()
        else:
            flush()
            calls.append(([chunk], submit(chunk, 0)))
    flush()
    for group, pending in calls:
        start = 0
        for chunk in group:
            found = [result.result() for result in pending[start:start + len(chunk)]]
            start += len(chunk)
            yield chunk, [(index, best.hypotheses[0], best.scores[0])
                          for index, best in zip(chunk, found, strict=True)]


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


class Ct2Engine(Generic[Loaded]):
    """The thread and batch settings and the model cache of an engine on CTranslate2.

    ``inter_threads`` batches run in parallel, each on ``intra_threads`` threads; a batch
    holds at most ``batch_sentences`` sentences and ``max_batch_tokens`` tokens counting
    padding (the argos engine's docstring says how the defaults were measured). A loaded
    model is kept until its weights file changes on disk (another inode or mtime).
    """

    name: str

    def __init__(self, *, inter_threads: int, intra_threads: int, beam_size: int,
                 max_batch_tokens: int, batch_sentences: int) -> None:
        if min(inter_threads, beam_size, max_batch_tokens, batch_sentences) < 1 or (
                intra_threads < 0):
            raise EngineError(f"{self.name} engine settings must be positive (intra_threads "
                              "may be 0 for CTranslate2's automatic choice)")
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.batch_sentences = batch_sentences
        self._loaded: dict[tuple[str, int, int], Loaded] = {}
        self._lock = threading.Lock()
        self.loads = 0
        """How many times a model was loaded (tests check that one load serves all)."""

    def availability(self) -> Availability:
        """Whether CTranslate2 and SentencePiece are installed (imports neither)."""
        return availability()

    def _cached(self, name: str, weights: Path, missing: str, load: Callable[[], Loaded]
                ) -> Loaded:
        """The model ``name`` from the cache, or ``load()`` if its ``weights`` changed;
        ModelNotFound with ``missing`` when the weights file is gone."""
        try:
            found = weights.stat()
        except OSError as error:
            raise ModelNotFound(missing) from error
        key = (name, found.st_ino, found.st_mtime_ns)
        with self._lock:
            if key not in self._loaded:
                self._loaded = {k: v for k, v in self._loaded.items() if k[0] != name}
                self._loaded[key] = load()
                self.loads += 1
            return self._loaded[key]

    def _load_installed(self, model: str, installed: Found | None, root: Path, *,
                        weights: str, install: str, again: str,
                        load: Callable[[Found], Loaded]) -> Loaded:
        """The installed ``model``, from the cache unless its ``weights`` file (relative to
        its folder) changed on disk; ModelNotFound saying how to ``install`` it if it is
        not in the store at ``root``, or to install it ``again`` if its weights are gone."""
        if installed is None:
            raise ModelNotFound(f"model {model} is not installed in {root}; {install}")
        return self._cached(installed.name, installed.path / weights,
                            f"model {model} has no {weights}; {again}", lambda: load(installed))

    def _open_translator(self, name: str, model_dir: Path, tokenizer: Path, what: str
                         ) -> tuple[Any, Any]:
        """CTranslate2's translator and the SentencePiece model, loaded (``what``: the
        package or the folder, for the message that says to install it again)."""
        try:  # imported only when a translation runs: they are large and often absent
            import ctranslate2  # noqa: PLC0415
            import sentencepiece  # noqa: PLC0415
        except ImportError as error:
            raise EngineError(f"{error.name} is not installed: pip install ctranslate2 "
                              "sentencepiece (or the project's [mt] extra)") from error
        try:
            processor = sentencepiece.SentencePieceProcessor(model_file=str(tokenizer))
            translator = ctranslate2.Translator(
                str(model_dir), device="cpu", compute_type="auto",
                inter_threads=self.inter_threads, intra_threads=self.intra_threads)
        except (RuntimeError, OSError, ValueError) as error:
            raise EngineError(f"CTranslate2 cannot load {name} ({one_line(error)}); install "
                              f"{what} again, or a CTranslate2 version that reads it"
                              ) from error
        return translator, processor

"""Where the engine work of the translate stage runs: in this process, or on Dask.

A site of thousands of pages in 42 locales with a 600M-parameter model needs more cores
than one machine has. The client (the process running `translate` or `run`) still decides
everything: per locale, the sentences the translation memory lacks, cut into shards of a
few hundred (enough for the engine's length-sorted batches). An executor only turns a
shard's sentences into outputs; the client stores each shard's outputs in the memory as it
completes, so a failure later loses no finished shard, and then drafts the catalogs from
the memory exactly as a local run does. The memory and every file stay on the client.

Without a scheduler nothing here runs: the catalogs are drafted in this process as they
always were (drafting.translate_all). ``distributed`` is imported only when a scheduler is
asked for (``pip install 'dask[distributed]'``, the ``[dask]`` extra).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .config import Config, TranslateSettings
from .engines.base import Engine, ModelInfo, Progress, Scored, translate_scored
from .errors import EngineError, MissI18nError, one_line


class ClusterError(EngineError):
    """The Dask cluster cannot be used: not installed, not reachable, or a worker failed."""


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to make an engine: the engine's name, the model store and the
    engine settings of the project's configuration (picklable and hashable, no Config)."""

    name: str
    models_dir: Path
    source_locale: str
    inter_threads: int
    intra_threads: int
    beam_size: int
    batch_sentences: int
    max_batch_tokens: int

    @classmethod
    def of(cls, name: str, config: Config) -> EngineSpec:
        settings = config.translate
        return cls(name, config.models_dir, config.source_locale, settings.inter_threads,
                   settings.intra_threads, settings.beam_size, settings.batch_sentences,
                   settings.max_batch_tokens)

    def make(self) -> Engine:
        from .engines.registry import make  # noqa: PLC0415 (the registry imports config)

        settings = TranslateSettings(
            inter_threads=self.inter_threads, intra_threads=self.intra_threads,
            beam_size=self.beam_size, batch_sentences=self.batch_sentences,
            max_batch_tokens=self.max_batch_tokens)
        return make(self.name, self.models_dir, settings, self.source_locale)


@dataclass(frozen=True)
class Shard:
    """Some of one locale's sentences, for one engine call on a worker."""

    locale: str
    spec: EngineSpec
    model: ModelInfo
    sentences: tuple[str, ...]
    number: int
    count: int
    """This is shard ``number`` of the ``count`` of its locale (from 1), for messages."""

    @property
    def label(self) -> str:
        return f"{self.locale} shard {self.number}/{self.count}"


def shards(locale: str, spec: EngineSpec, model: ModelInfo, sentences: Sequence[str],
           size: int) -> list[Shard]:
    """``sentences`` cut into shards of at most ``size``, as even as possible."""
    count = -(-len(sentences) // size)
    bounds = [len(sentences) * n // count for n in range(count + 1)]
    return [Shard(locale=locale, spec=spec, model=model,
                  sentences=tuple(sentences[bounds[n]:bounds[n + 1]]), number=n + 1,
                  count=count)
            for n in range(count)]


_ENGINES: dict[EngineSpec, Engine] = {}
_MADE = threading.Lock()


def engine_for(spec: EngineSpec) -> Engine:
    """The engine of ``spec``, made once per process: it keeps each model it loads, so a
    worker loads a model once and reuses it for every later shard."""
    with _MADE:
        if spec not in _ENGINES:
            _ENGINES[spec] = spec.make()
        return _ENGINES[spec]


def translate_shard(spec: EngineSpec, model: ModelInfo, sentences: Sequence[str]
                    ) -> list[Scored]:
    """The task a worker runs: one call of the engine's own translate, with its scores."""
    return translate_scored(engine_for(spec), model, sentences)


Store = Callable[[Shard, list[Scored]], None]


class Executor(Protocol):
    """Runs shards somewhere; calls ``store(shard, outputs)`` on the client as each
    completes, in any order. Raises a MissI18nError if a shard cannot be done."""

    def run(self, shards: Sequence[Shard], store: Store, progress: Progress | None) -> None:
        ...


def _distributed() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise ClusterError("a Dask scheduler is set, but Dask distributed is not installed: "
                           "pip install 'dask[distributed]' (the [dask] extra), or leave out "
                           "--scheduler (and [tool.miss-i18n.translate] scheduler) to "
                           "translate here") from None


class DaskExecutor:
    """Shards as tasks on a Dask distributed cluster, each retried where it fails.

    A task that raises is retried ``retries`` times; one whose worker dies is given to
    another worker by the scheduler (up to its ``allowed-failures``). The cluster is
    connected to only when there is something to translate.
    """

    TIMEOUT = 30.0
    """Seconds to wait for the scheduler to answer."""

    def __init__(self, address: str, *, retries: int = 2) -> None:
        _distributed()  # asked for without it installed: say so before any work
        self.address = address
        self.retries = retries

    def run(self, shards: Sequence[Shard], store: Store, progress: Progress | None) -> None:
        if not shards:
            return
        distributed = _distributed()
        try:
            client = distributed.Client(self.address, timeout=self.TIMEOUT,
                                        set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address} "
                               f"({one_line(error)}); start it with `dask scheduler`, or "
                               "check the address") from None
        total = sum(len(shard.sentences) for shard in shards)
        done = 0
        with client:
            tasks = {client.submit(translate_shard, shard.spec, shard.model,
                                   list(shard.sentences), retries=self.retries,
                                   pure=False): shard for shard in shards}
            # Each result is fetched as soon as its task finishes, so a worker that dies
            # later takes no finished shard with it.
            for task, result in distributed.as_completed(
                    tasks, loop=client.loop, with_results=True, raise_errors=False):
                shard = tasks.pop(task)
                store(shard, _outputs(task.status, result, shard))
                task.release()
                done += len(shard.sentences)
                if progress is not None:
                    progress(done, total)


def _outputs(status: str, result: Any, shard: Shard) -> list[Scored]:
    """A task's outputs; its failure as one of our errors (one line)."""
    if status != "finished":  # an error comes as (type, exception, traceback)
        error = result[1] if isinstance(result, tuple) else result
        if isinstance(error, MissI18nError):  # the engine's own error, raised on the worker
            raise type(error)(f"on a Dask worker ({shard.label}): {error.message}",
                              path=error.path, line=error.line)
        raise ClusterError(f"a Dask worker failed on {shard.label} ({type(error).__name__}: "
                           f"{one_line(error)[:200]}); the shards finished before it are in "
                           "the translation memory: run again to translate the rest")
    outputs: list[Scored] = result
    if len(outputs) != len(shard.sentences):
        raise ClusterError(f"a Dask worker returned {len(outputs)} outputs for the "
                           f"{len(shard.sentences)} sentences of {shard.label}; check that "
                           "the workers run this version of miss-i18n")
    return outputs


def executor_for(config: Config) -> Executor | None:
    """The executor the configuration asks for; None: this process (the default)."""
    address = config.translate.scheduler
    return DaskExecutor(address) if address is not None else None

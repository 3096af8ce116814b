"""Page builds and per-locale checks spread over processes: both cores for the build.

Each source page is built in every locale from what all pages share (the site, each
locale's translations) and the page itself, and each catalog is checked on its own, so
pages (and catalogs) are mapped over a pool of forked worker processes. Forking hands
each worker the shared state as it is in memory, at no copying cost; only a page's (or
locale's) name goes in and its results (bytes, reports) come back. Results come back in
the order asked for, so the outputs, and the order they are written in, are those of
the in-process run byte for byte.

Where ``fork`` does not exist (Windows, and macOS where it is unsafe) the work runs in
process. An exception raised in a worker is raised again here, as itself (our errors
pickle), so the CLI prints the same line and exits with the same code.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from .errors import ConfigError

S = TypeVar("S")
K = TypeVar("K")
R = TypeVar("R")

MIN_WORK = 256
"""Below this many units of work (page builds: pages x locales) a pool costs more than it
saves. Measured on this project's 2-core machine (first runs of bench/bench.py's pages,
8 locales, jobs 1 and 2 alternating, other jobs busy): 72 page builds were slower in
processes 5 times out of 5 (0.85-1.5 s against 1.1-1.6 s); 1,152 faster 3 times out of 5."""

CHUNKS_PER_JOB = 16
"""Chunks per process where the work is sent largest first (map_shared's ``cost``): small
ones at the end even out the processes' finishing times, at one exchange per chunk."""

_held: dict[str, tuple[Callable[[Any, Any], Any], Any]] = {}
"""In a worker: the function it runs and the shared state (set once, as it starts)."""


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    """The processes a run uses unless told: one per core this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def jobs_for(asked: int | None, units: int) -> int:
    """How many processes to use for ``units`` of work when ``asked`` for (None: choose)."""
    if asked is not None:
        if asked < 1:
            raise ConfigError("jobs must be a whole number of processes, 1 or more "
                              "(1 works in this process)")
        return asked if can_fork() else 1
    if not can_fork() or units < MIN_WORK:
        return 1
    return default_jobs()


def _hold(function: Callable[[Any, Any], Any], shared: Any, parent: int) -> None:
    # SIGTERM ends a worker at once, as the pool expects (not the run's cli._terminate,
    # inherited through the fork): the run removes what its workers staged.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    _held["work"] = (function, shared)


def _die_with(parent: int) -> None:
    """End this worker when the run that forked it ends, however (kill -9 included):
    else it blocks for good writing its result to a pipe no one reads, holding the
    project lock it inherited, so that every later run waits, then exits 6."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the run died before the line above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class WorkerTraceback(Exception):
    """Where in a worker an error was raised: the cause of the error raised again in the
    run (as concurrent.futures gives one), so that a bug's traceback shows the worker's
    frames, which pickling the error drops."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}" if self.args else ""


def _call(key: Any) -> tuple[bool, Any]:
    """``(True, result)``, or ``(False, (the error, its traceback))`` that the key's work
    raised: sent back as a value, so that the run raises the first error in the order of
    the keys, as the in-process run does, whatever order the work went out in."""
    function, shared = _held["work"]
    try:
        return True, function(shared, key)
    except Exception as error:  # raised again in the run, as itself
        return False, (error, "".join(traceback.format_exception(error)))


def map_shared(function: Callable[[S, K], R], shared: S, keys: Sequence[K],
               jobs: int, cost: Callable[[K], float] | None = None) -> list[R]:
    """``[function(shared, key) for key in keys]``, over ``jobs`` forked processes.

    ``shared`` reaches the workers through the fork, never pickled; keys and results are.
    Keys go out in a few chunks per worker, so a slow one does not leave the other idle;
    ``cost`` (a key's work, roughly: a page's size) sends the largest first, so that the
    last chunks are small ones (a site's pages sorted by name cluster the large ones: the
    last chunk of 16 copies of one large page kept one core busy alone). The results come
    back in the order of ``keys`` either way.
    """
    jobs = min(jobs, len(keys))
    if jobs <= 1 or not can_fork():
        return [function(shared, key) for key in keys]
    order = list(range(len(keys)))
    if cost is not None:
        order.sort(key=lambda at: -cost(keys[at]))  # stable: ties keep their order
    context = multiprocessing.get_context("fork")
    # The workers' garbage collector would otherwise walk (and so copy, page by page) every
    # object they inherit: frozen, they share the parent's memory as it is.
    gc.freeze()
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_hold,
                                 initargs=(function, shared, os.getpid())) as pool:
            chunk = max(1, len(keys) // ((CHUNKS_PER_JOB if cost is not None else 4) * jobs))
            found = list(pool.map(_call, [keys[at] for at in order], chunksize=chunk))
    finally:
        gc.unfreeze()
    by_key = dict(zip(order, found, strict=True))
    results = [by_key[at] for at in range(len(keys))]
    for done, value in results:
        if not done:
            error, where = value
            raise error from WorkerTraceback(where)
    return [value for _done, value in results]

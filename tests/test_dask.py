"""The translate stage's engine work on Dask distributed: a LocalCluster of two worker
processes on loopback, the real argos fixture models.

What a model says depends on the CPU, so nothing here names an output: a run with
``--scheduler`` is compared with the in-process run of the same project on this machine,
byte for byte. Shards are made small (``shard-sentences``) so each locale has several.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import miss_i18n
from conftest import make_project
from helpers import invoke
from miss_i18n import drafting, executors, extracting, updating
from miss_i18n.catalog import to_bytes
from miss_i18n.config import load_config
from miss_i18n.engines.argos import ArgosEngine
from miss_i18n.engines.base import ModelInfo, Progress, Scored, translate_scored
from miss_i18n.executors import EngineSpec, Shard, Store, translate_shard
from miss_i18n.files import Snapshot
from miss_i18n.translate import TOKEN_BASE

pytest.importorskip("ctranslate2", reason="the argos engine needs ctranslate2 ([mt] extra)")

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
try:
    import distributed  # noqa: F401 (only whether it imports)
except ImportError:
    HAS_DASK = False
else:
    HAS_DASK = True
needs_dask = pytest.mark.skipif(not HAS_DASK, reason="Dask distributed is not installed "
                                                     "(the [dask] or [test] extra)")
SETTINGS = """\
[tool.miss-i18n.translate]
engines = ["argos"]
inter-threads = 1
shard-sentences = 16
[tool.miss-i18n.glossary]
do-not-translate = ["MISS"]
"""


MEMORY = Path(".miss-i18n") / "memory.sqlite3"
NOW = datetime(2025, 11, 24, tzinfo=UTC)


def make(root: Path) -> Path:
    """The article, locales de/es/fr (fr has no model), the fixture models installed."""
    make_project(root, ("de", "es", "fr"), extra=SETTINGS)
    code, output = invoke("models", "install", str(MODELS), "--config",
                          str(root / "pyproject.toml"))
    assert code == 0, output
    return root


def files(root: Path) -> dict[str, bytes]:
    """What a run wrote that people see: the catalogs, .mo files and the site."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("locales", "site") for p in sorted((root / folder).rglob("*"))
            if p.is_file()}


def memory(root: Path) -> set[tuple[str, ...]]:
    """Every row of the project's translation memory, but its score (see ``scores``)."""
    with sqlite3.connect(root / MEMORY) as db:
        return set(db.execute("SELECT engine, model, version, source_lang, target_lang, "
                              "source, target FROM sentences"))


def scores(root: Path) -> dict[tuple[str, ...], float | None]:
    """Each row's score. A batch of another shape may sum a few float32 ulps apart (see
    tests/test_confidence.py), so compare them with pytest.approx(abs=1e-4)."""
    with sqlite3.connect(root / MEMORY) as db:
        return {tuple(row[:-1]): row[-1] for row in db.execute(
            "SELECT engine, model, version, source_lang, target_lang, source, score "
            "FROM sentences")}


def report(output: str) -> list[str]:
    """The lines `run` prints per drafted locale (drafts, from memory, translated)."""
    return [line for line in output.splitlines() if line.startswith(("de: ", "es: "))]


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project after an in-process `run`: what every Dask run must equal."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        root = make(tmp_path_factory.mktemp("local") / "project")
        code, output = invoke("run", "--config", str(root / "pyproject.toml"))
        assert code == 0, output
        (root / "output.txt").write_text(output)
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    return make(tmp_path / "project")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two single-threaded worker processes on loopback, importing this miss_i18n and
    this test module (for the tasks that kill their worker)."""
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    here = [str(Path(miss_i18n.__file__).resolve().parent.parent), str(Path(__file__).parent)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join([*here, os.environ.get("PYTHONPATH", "")]))
        # the dashboard on a free port (8787 may be taken, e.g. by another suite), and
        # generous timeouts: on a loaded 2-core machine starting two worker processes that
        # import miss_i18n and CTranslate2 once took longer than the 30 s default
        slow = {"distributed.comm.timeouts.connect": "180s",
                "distributed.comm.timeouts.tcp": "180s"}
        with dask.config.set(slow), distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=":0") as cluster:
            yield cluster


# -- tasks run on the workers -----------------------------------------------------------
def logged(log: Path, spec: EngineSpec, model: ModelInfo, sentences: Sequence[str]
           ) -> list[str]:
    """translate_shard, writing down each sentence a worker translated."""
    outputs = translate_shard(spec, model, sentences)
    with log.open("a", encoding="utf-8") as handle:
        handle.writelines(f"{model.target}\t{s!r}\n" for s in sentences)
    return outputs


def dying(spec: EngineSpec, model: ModelInfo, sentences: Sequence[str], *, log: Path,
          victim: str, once: bool, store: Path) -> list[str]:
    """Kill the worker on the shards of the ``victim`` locale (the first time only, if
    ``once``), once the client has stored (in the translation memory ``store``) every
    shard finished so far, and at least one; translate the others.

    Waiting for that keeps the test about the client: a result still held by a worker
    that dies before the client fetched it is computed again by Dask, by design.
    """
    died = log.with_suffix(".died")
    if model.target == victim and not (once and died.exists()):
        for _ in range(600):
            if 0 < len(translated(log)) <= stored(store):
                break
            time.sleep(0.05)
        died.touch()
        os._exit(1)
    return logged(log, spec, model, sentences)


def stored(store: Path) -> int:
    """How many rows the client's translation memory holds now (0 while it is busy)."""
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1) as db:
            return int(db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0])
    except sqlite3.Error:
        return 0


def elsewhere(spec: EngineSpec, model: ModelInfo, sentences: Sequence[str], *,
              models: Path) -> list[str]:
    """translate_shard on a worker whose model store is at ``models`` (empty)."""
    return translate_shard(dataclasses.replace(spec, models_dir=models), model, sentences)


def translated(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def refuse(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the client loaded a model: the workers should have")


# -- the tests ----------------------------------------------------------------------------
@needs_dask
def test_catalogs_and_site_are_byte_identical_to_the_local_run(
        local: Path, project: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ArgosEngine, "_load", refuse)  # in this process only
    log = project.parent / "translated.log"
    monkeypatch.setattr(executors, "translate_shard", functools.partial(logged, log))
    code, output = invoke("run", "--config", str(project / "pyproject.toml"),
                          "--scheduler", cluster.scheduler_address)
    assert code == 0, output
    assert files(project) == files(local)
    assert memory(project) == memory(local)
    assert scores(project) == pytest.approx(scores(local), abs=1e-4)
    assert report(output) == report((local / "output.txt").read_text())
    # every sentence was translated once, on a worker, in several shards per locale
    sent = translated(log)
    assert len(sent) == len(set(sent)) == len(memory(local))
    assert "translating" not in output  # no progress bar off a terminal


@needs_dask
def test_nllb_locales_on_workers_equal_the_shared_local_batches(
        tmp_path: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Locally one multi-locale call serves every locale; on Dask each locale's shards
    go their own way: the same catalogs, and pt and pt_BR (one memory key) asked once."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    made = []
    for name in ("local", "dask"):
        root = make_project(tmp_path / name, ("de", "ar", "zh", "pt_BR", "pt"),
                            extra=SETTINGS.replace('"argos"', '"nllb"'))
        pyproject = str(root / "pyproject.toml")
        assert invoke("models", "install", str(MODELS / "nllb-tiny"), "--config",
                      pyproject)[0] == 0
        scheduler = ["--scheduler", cluster.scheduler_address] if name == "dask" else []
        code, output = invoke("run", "--config", pyproject, *scheduler)
        assert code == 0, output
        made.append((files(root), memory(root), output))
    (local, local_memory, local_output), (there, there_memory, output) = made
    assert there == local
    assert there_memory == local_memory
    drafted = [line for line in output.splitlines() if "draft(s) by nllb" in line]
    assert len(drafted) == 5
    assert drafted == [line for line in local_output.splitlines() if "draft(s) by" in line]


@needs_dask
def test_the_scheduler_from_the_environment_and_the_config(
        local: Path, project: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject = project / "pyproject.toml"
    assert invoke("run", "--no-translate", "--config", str(pyproject))[0] == 0
    monkeypatch.setattr(ArgosEngine, "_load", refuse)
    monkeypatch.setenv("MISS_I18N_TRANSLATE_SCHEDULER", cluster.scheduler_address)
    code, output = invoke("translate", "--config", str(pyproject), "-l", "de")
    assert code == 0, output
    monkeypatch.delenv("MISS_I18N_TRANSLATE_SCHEDULER")
    pyproject.write_text(pyproject.read_text().replace(
        "shard-sentences = 16", f'scheduler = "{cluster.scheduler_address}"'))
    code, output = invoke("translate", "--config", str(pyproject), "-l", "es")
    assert code == 0, output
    for locale in ("de", "es"):
        path = f"locales/{locale}/LC_MESSAGES/miss.po"
        assert files(project)[path] == files(local)[path]


@needs_dask
def test_a_worker_killed_mid_run_costs_no_finished_work(
        local: Path, project: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shard whose worker died is run again on another; nothing else twice."""
    log = project.parent / "translated.log"
    monkeypatch.setattr(executors, "translate_shard",
                        functools.partial(dying, log=log, victim="es", once=True,
                                          store=project / MEMORY))
    code, output = invoke("run", "--config", str(project / "pyproject.toml"),
                          "--scheduler", cluster.scheduler_address)
    assert code == 0, output
    assert log.with_suffix(".died").exists()
    assert files(project) == files(local)
    assert memory(project) == memory(local)
    sent = translated(log)
    assert len(sent) == len(set(sent)) == len(memory(local))


@needs_dask
def test_a_run_that_fails_keeps_every_finished_shard(
        local: Path, project: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every es shard kills its worker, and the scheduler gives up on the first death:
    the run fails in one line, the finished shards are in the memory, and the next run
    asks the engine for the rest only."""
    log = project.parent / "translated.log"
    monkeypatch.setattr(executors, "translate_shard",
                        functools.partial(dying, log=log, victim="es", once=False,
                                          store=project / MEMORY))
    monkeypatch.setattr(cluster.scheduler, "allowed_failures", 0)
    before = files(project)
    code, output = invoke("run", "--config", str(project / "pyproject.toml"),
                          "--scheduler", cluster.scheduler_address)
    assert code == 5, output
    [line] = output.splitlines()
    assert line.startswith("error: a Dask worker failed on es shard ")
    assert line.endswith("; the shards finished before it are in the translation memory: "
                         "run again to translate the rest")
    assert "KilledWorker" in line
    assert files(project) == before  # no catalog written
    kept = memory(project)
    assert kept and kept < memory(local)  # the shards finished before, stored as they came
    assert len(kept) <= len(translated(log))
    asked: list[tuple[str, str]] = []
    translate = ArgosEngine.translate_scored

    def record(self: ArgosEngine, model: ModelInfo, sentences: Sequence[str],
               progress: Progress | None = None) -> list[Scored]:
        asked.extend((model.target, s) for s in sentences)
        return translate(self, model, sentences, progress)

    monkeypatch.setattr(ArgosEngine, "translate_scored", record)
    code, output = invoke("run", "--config", str(project / "pyproject.toml"))
    assert code == 0, output
    assert files(project) == files(local)
    assert memory(project) == memory(local)
    assert len(asked) == len(set(asked))
    assert set(asked) == {(row[4], row[5]) for row in memory(local) - kept}


@needs_dask
def test_a_worker_without_the_models_is_one_clear_line(
        project: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = project.parent / "elsewhere"
    monkeypatch.setattr(executors, "translate_shard",
                        functools.partial(elsewhere, models=missing))
    before = files(project)
    code, output = invoke("run", "--config", str(project / "pyproject.toml"),
                          "--scheduler", cluster.scheduler_address)
    assert code == 5, output
    assert re.fullmatch(r"error: on a Dask worker \((de|es) shard \d/\d\): model translate-en_"
                        rf"(de|es)-1_0 is not installed in {re.escape(str(missing))}; install "
                        r"its \.argosmodel file\n", output), output
    assert files(project) == before


def test_without_dask_installed_one_clear_line(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The line said `pip install 'miss-i18n[dask]'`, which asks PyPI for a package named
    miss-i18n, not this checkout (README installs it with `pip install -e .`)."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    before = files(project)
    code, output = invoke("run", "--config", str(project / "pyproject.toml"),
                          "--scheduler", "tcp://127.0.0.1:8786")
    assert (code, output) == (5, (
        "error: a Dask scheduler is set, but Dask distributed is not installed: pip install "
        "'dask[distributed]' (the [dask] extra), or leave out --scheduler (and "
        "[tool.miss-i18n.translate] scheduler) to translate here\n"))
    assert files(project) == before


@needs_dask
def test_an_unreachable_scheduler_is_one_clear_line(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors.DaskExecutor, "TIMEOUT", 1.0)
    with socket.socket() as listener:  # a port nobody listens on once closed
        listener.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    before = files(project)
    code, output = invoke("run", "--config", str(project / "pyproject.toml"),
                          "--scheduler", address)
    assert code == 5, output
    [line] = output.splitlines()
    assert line.startswith(f"error: cannot reach the Dask scheduler at {address} (")
    assert line.endswith("); start it with `dask scheduler`, or check the address")
    assert files(project) == before


def test_a_bad_scheduler_is_a_usage_error(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    code, output = invoke("run", "--config", str(pyproject), "--scheduler", "host:8786")
    assert (code, output) == (2, "error: --scheduler must be a Dask scheduler address such "
                                 "as 'tcp://host:8786'\n")
    pyproject.write_text(pyproject.read_text().replace(
        "shard-sentences = 16", 'scheduler = "host:8786"'))
    code, output = invoke("run", "--config", str(pyproject))
    assert (code, output) == (2, (
        f"error: {pyproject}: [tool.miss-i18n.translate] scheduler must be a Dask "
        "scheduler address such as 'tcp://host:8786'\n"))


def test_an_empty_scheduler_variable_clears_the_configs_as_an_empty_option_does(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``MISS_I18N_TRANSLATE_SCHEDULER=`` kept the configuration's scheduler (click reads
    an empty variable as none set), where ``--scheduler ""`` clears it: the two agree."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "shard-sentences = 16", 'scheduler = "tcp://127.0.0.1:9"'))
    assert invoke("run", "--no-translate", "--config", str(pyproject), "-q")[0] == 0
    monkeypatch.setenv("MISS_I18N_TRANSLATE_SCHEDULER", "")
    code, output = invoke("translate", "--config", str(pyproject), "-l", "de", "-q")
    assert (code, output) == (0, "")  # drafted here, not sent to the unreachable scheduler


def test_shards_are_even_and_in_order() -> None:
    spec = EngineSpec("argos", Path("models"), "en", 1, 1, 4, 12, 2048)
    model = ModelInfo("argos", "m", "1", "en", "de", "de")
    cut = executors.shards("de", spec, model, [str(n) for n in range(35)], 16)
    assert [len(s.sentences) for s in cut] == [11, 12, 12]
    assert [s for shard in cut for s in shard.sentences] == [str(n) for n in range(35)]
    assert [s.label for s in cut] == ["de shard 1/3", "de shard 2/3", "de shard 3/3"]


class FakeEngine:
    """A fake engine (not MT): upper-cases each sentence and drops the token that hides a
    do-not-translate term, so every protected sentence must be asked again unprotected."""

    name = "fake"

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        self.asked += [(model.target, s) for s in sentences]
        return [s.replace(str(TOKEN_BASE), "").upper() for s in sentences]


class InProcess:
    """An executor running each shard on a fake engine here, in a shuffled order."""

    def __init__(self) -> None:
        self.engine = FakeEngine()
        self.rounds: list[list[Shard]] = []

    def run(self, shards: Sequence[Shard], store: Store, progress: Progress | None) -> None:
        self.rounds.append(list(shards))
        for shard in reversed(shards):
            store(shard, translate_scored(self.engine, shard.model, shard.sentences))


def fake(engine: FakeEngine, locale: str) -> tuple[FakeEngine, ModelInfo]:
    return engine, ModelInfo("fake", "fake-en_x", "1", "en", locale, locale)


def test_the_executor_seam_drafts_what_the_local_path_drafts(tmp_path: Path) -> None:
    """Shards, stored as they complete, then drafting from the memory: the same catalogs
    and counts as the local path, and the client's engine is never asked."""
    made = {}
    for name in ("local", "elsewhere"):
        root = make_project(tmp_path / name, ("de", "es"), extra=SETTINGS)
        config = load_config(root / "pyproject.toml")
        catalogs = updating.merged(config, extracting.template(config, NOW, seen=Snapshot()),
                                   seen=Snapshot())
        engine = FakeEngine()
        executor = InProcess() if name == "elsewhere" else None
        results = drafting.translate_all(config, catalogs, functools.partial(fake, engine),
                                         now=NOW, executor=executor)
        made[name] = ({loc: to_bytes(po) for loc, po in catalogs.items()}, results,
                      engine, executor)
    (local, local_results, local_engine, _), (there, results, engine, executor) = made.values()
    assert there == local
    assert results == local_results
    assert engine.asked == []
    assert executor is not None
    first, retries = executor.rounds  # the unprotected retries come second
    assert {len(s.sentences) for s in first} <= set(range(9, 17))
    assert retries and all("MISS" in s for shard in retries for s in shard.sentences)
    assert sorted(executor.engine.asked) == sorted(local_engine.asked)
    assert len(executor.engine.asked) == len(set(executor.engine.asked))

"""The per-locale and per-page work over worker processes (--jobs): the same bytes, the
same errors, as the run in one process."""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polib
import pytest

from conftest import ARTICLE, PAGES, make_project
from helpers import invoke, snapshot
from miss_i18n import extracting, parallel, site_build, updating
from miss_i18n.build import Review
from miss_i18n.config import load_config
from miss_i18n.errors import ExtractError
from miss_i18n.files import Snapshot
from miss_i18n.incremental import Template
from miss_i18n.model import CatalogStats
from miss_i18n.provenance import MACHINE_MARK
from miss_i18n.report import Findings
from miss_i18n.skeleton import PageBuilder
from miss_i18n.summary import Packed, Summary, pack, summarize, unpack

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")
LOCALES = ("de", "ar", "pt_BR", "zh")
NOW = datetime(2025, 11, 24, tzinfo=UTC)


def fill(po_path: Path, every: int) -> None:
    """Stand-in translations (not MT: the source text marked, to tell pages apart): every
    ``every``-th entry a person's, the next one a machine draft (fuzzy, with provenance)."""
    po = polib.pofile(str(po_path), wrapwidth=0)
    for index, entry in enumerate(e for e in po if not e.obsolete):
        if index % every == 0:
            entry.msgstr = f"«{entry.msgid}»"
        elif index % every == 1:
            entry.msgstr = f"‹{entry.msgid}›"
            entry.flags = ["fuzzy"]
            entry.tcomment = f"{MACHINE_MARK} fake-engine test 1.0 (en→{po_path.parts[-3]})"
    po.save(str(po_path))


@pytest.fixture
def twins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two identical projects (the article, the real pages of tests/pages, four locales,
    part translated) after a first run, for runs with different --jobs to compare."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    one = make_project(tmp_path / "one", LOCALES, 'include-fuzzy = true\n')
    for page in sorted(PAGES.glob("*.html")):
        shutil.copy(page, one / "source" / page.name)
    monkeypatch.chdir(one)
    assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
    for every, locale in enumerate(LOCALES[:3], start=2):
        fill(one / "locales" / locale / "LC_MESSAGES" / "miss.po", every)
    two = tmp_path / "two"
    shutil.copytree(one, two)
    return one, two


def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process counts each map over locales or pages used."""
    used: list[int] = []
    real = parallel.map_shared

    def counting(function: Callable[[Any, Any], Any], shared: Any, keys: Sequence[Any],
                 jobs: int, cost: Callable[[Any], float] | None = None) -> list[Any]:
        used.append(min(jobs, len(keys)))
        return real(function, shared, keys, jobs, cost)

    for stage in (extracting, updating, site_build):
        monkeypatch.setattr(stage, "map_shared", counting)
    return used


def _work(shared: dict[str, int], key: str) -> str:
    if key in shared:
        raise ValueError(f"{key} fails")
    return f"{key}:done"


@needs_fork
def test_work_sent_largest_first_comes_back_in_the_order_asked() -> None:
    """With a cost, the largest keys go out first (their chunks small), so that no large
    chunk is left to one process at the end; the results, and the error raised where
    two keys fail, are those of the in-process run, in the order of the keys."""
    keys = [f"page{n:03}" for n in range(200)]
    cost = {key: float(n % 7) for n, key in enumerate(keys)}.__getitem__
    found = parallel.map_shared(_work, {}, keys, 2, cost)
    assert [item.split(":")[0] for item in found] == keys
    shared = {"page146": 1, "page021": 1}  # page146 weighs more than page021: sent first
    assert cost("page146") > cost("page021")
    for jobs in (1, 2):
        with pytest.raises(ValueError, match="page021 fails") as raised:
            parallel.map_shared(_work, shared, keys, jobs, cost)
    # a bug's traceback shows where in the worker it was raised (pickling drops that)
    assert isinstance(raised.value.__cause__, parallel.WorkerTraceback)
    assert 'in _work\n    raise ValueError(f"{key} fails")' in str(raised.value.__cause__)


@needs_fork
def test_two_processes_write_what_one_process_writes(twins: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = twins
    used = spy(monkeypatch)
    monkeypatch.chdir(one)
    code, single = invoke("run", "--no-translate", "--jobs", "1")
    assert code == 0, single
    assert set(used) == {1}
    used.clear()
    monkeypatch.chdir(two)
    code, multi = invoke("run", "--no-translate", "--jobs", "2")
    assert code == 0, multi
    assert set(used) == {2}  # the pages, the catalogs' check findings
    assert multi == single
    expected = snapshot(one, "locales", "site")
    assert snapshot(two, "locales", "site") == expected
    assert any(name.endswith(".mo") for name in expected)
    drafts = expected["site/de/minimally-invasive-spine-surgery.html"]
    assert b'data-miss-i18n="machine-notice"' in drafts and "«".encode() in drafts
    # and the build and compile commands alone
    for command in (["build"], ["compile"]):
        monkeypatch.chdir(one)
        assert invoke(*command, "--locale", "de")[0] == 0
        monkeypatch.chdir(two)
        assert invoke(*command, "--locale", "de")[0] == 0
    assert snapshot(two, "locales", "site") == snapshot(one, "locales", "site")
    (two / ".miss-i18n" / "pages.json").unlink()  # the gate builds every page, in workers
    gate = invoke("run", "--check", "--jobs", "2")
    assert gate == invoke("run", "--check", "--jobs", "1")
    assert gate[0] == 3  # the site of the narrowed build above is not the full run's
    assert not (two / ".miss-i18n" / "pages.json").exists()


@needs_fork
def test_an_error_in_a_worker_is_the_same_line_and_exit_code(
        twins: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    real = PageBuilder.build

    def failing(self: PageBuilder, locale: str, *args: Any, **kwargs: Any) -> Any:
        if locale == "ar" and self.page == "tricky.html":
            raise ExtractError("cannot be built (test)", path=Path(self.page), line=3)
        return real(self, locale, *args, **kwargs)

    monkeypatch.setattr(PageBuilder, "build", failing)  # inherited by forked workers
    outcomes = []
    for jobs, root in zip(("1", "2"), twins, strict=True):
        monkeypatch.chdir(root)
        before = snapshot(root, "locales", "site")
        outcomes.append(invoke("run", "--no-translate", "--jobs", jobs))
        assert snapshot(root, "locales", "site") == before
    assert outcomes[0] == outcomes[1]
    code, output = outcomes[0]
    assert code == 4
    assert output.strip().splitlines()[-1] == "error: tricky.html:3: cannot be built (test)"


def test_jobs_must_be_a_positive_whole_number(project: Path) -> None:
    code, output = invoke("run", "--no-translate", "--jobs", "0")
    assert code == 2 and "--jobs" in output
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "jobs = 0\n")
    code, output = invoke("run", "--no-translate")
    assert code == 2
    assert output.strip().endswith("[tool.miss-i18n] jobs must be a whole number of "
                                   "processes, 1 or more (1 works in one process)")


def test_small_work_stays_in_process_unless_told() -> None:
    assert parallel.jobs_for(None, parallel.MIN_WORK - 1) == 1
    assert parallel.jobs_for(1, 10_000) == 1
    if parallel.can_fork():
        assert parallel.jobs_for(3, 1) == 3
        assert parallel.jobs_for(None, 10_000) == parallel.default_jobs()


@needs_fork
def test_an_edit_over_two_processes_writes_what_one_process_writes(
        twins: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a run that recorded the catalogs, an edit's shortcut (incremental.py) comes
    back from the workers as its record's lines (facts.PackedLines): the same catalogs,
    .mo files, pages and records as in one process."""
    for root in twins:
        monkeypatch.chdir(root)
        assert invoke("run", "--no-translate", "--jobs", "1")[0] == 0
        article = root / "source" / "minimally-invasive-spine-surgery.html"
        article.write_bytes(article.read_bytes().replace(
            b"facilitate a quicker recovery period.", b"facilitate a faster recovery period."))
    looked_up: list[str] = []
    real = updating.summary_from

    def counting(*args: Any, **kwargs: Any) -> Any:
        looked_up.append(args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(updating, "summary_from", counting)
    outputs = []
    for root, jobs in zip(twins, ("1", "2"), strict=True):
        monkeypatch.chdir(root)
        code, output = invoke("run", "--no-translate", "--jobs", jobs)
        assert code == 0, output
        outputs.append((output, snapshot(root, "locales", "site", ".miss-i18n/catalogs")))
    assert sorted(looked_up) == sorted(LOCALES)  # the shortcut, in the one process
    assert outputs[1] == outputs[0]
    assert "«".encode() in outputs[0][1]["site/de/minimally-invasive-spine-surgery.html"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_summary_made_where_the_catalog_was_merged_is_the_one_made_here(
        twins: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """run --no-translate summarizes each catalog in the process that merged it (the
    catalogs never come back); the same as merging here and summarizing the catalogs."""
    one, _ = twins
    monkeypatch.chdir(one)
    config = replace(load_config(), jobs=jobs)
    pot = extracting.template(config, NOW, seen=Snapshot())
    here = {locale: summarize(po, locale, include_fuzzy=True, glossary=config.glossary)
            for locale, po in updating.merged(config, pot, seen=Snapshot()).items()}
    seen = Snapshot()
    there = updating.merged_summaries(config, Template(pot, "", None, None), seen=seen,
                                      include_fuzzy=True, check=True)
    assert {locale: replace(s, files=()) for locale, s in there.items()} == here
    assert set(seen.digests) == {config.po_path(locale) for locale in LOCALES}
    assert any(summary.review.drafts for summary in there.values())  # the fill's drafts
    if jobs > 1:  # packed in the workers: every locale's keys are the template's tuples
        shared = {id(key) for summary in there.values() for key in summary.translations}
        assert len(shared) == len({key for s in there.values() for key in s.translations})
    # check mode: each catalog and each .mo compared, nothing written; the fill's
    # translations are not in the .mo files of the first run
    files = [f for s in there.values() for f in s.files]
    assert [f.path.suffix for f in files] == [".po", ".mo"] * len(LOCALES)
    assert all(f.staged is None for f in files)
    assert [f.changed for f in files if f.path.suffix == ".mo"][:3] == [True] * 3
    loaded = updating.loaded_summaries(config, seen=Snapshot(), include_fuzzy=False)
    assert {locale: s.translations for locale, s in loaded.items()} != {
        locale: s.translations for locale, s in there.items()}  # fuzzy ones left out


def test_a_packed_summary_is_the_summary_and_one_with_a_key_elsewhere_goes_as_it_is() -> None:
    keys = [("p#1", "One"), ("p#2", "Two"), ("p#3", "Three"), ("miss-i18n:x", "Chrome")]
    where = {key: position for position, key in enumerate(keys)}
    made = Summary(stats=CatalogStats("de", 4, 1, 2, 1), translations={
        keys[2]: "Drei", keys[0]: "Eins"}, review=Review(drafts={keys[0]}, stale={keys[3]}),
        shown=50.0, findings=Findings(1, 2), weakest=[], needing=1, names=("Deutsch", "ltr"))
    packed = pack(made, where)
    assert isinstance(packed, Packed)
    again = unpack(pickle.loads(pickle.dumps(packed)), list(keys))
    assert again == made and again.names == made.names
    assert list(again.translations) == [keys[2], keys[0]]  # in their order
    assert all(key is keys[2] or key is keys[0] for key in again.translations)
    elsewhere = replace(made, review=Review(memory={("q#1", "Other")}))
    assert pack(elsewhere, where) is elsewhere
    assert unpack(elsewhere, keys) is elsewhere


KILLED_PARENT = """
import sys, time
from pathlib import Path
from miss_i18n import parallel
from miss_i18n.lock import project_lock

def work(folder, key):
    (Path(folder) / f"worker-{key}").write_text(str(__import__("os").getpid()))
    time.sleep(60)
    return key

with project_lock(Path(sys.argv[1]), shared=False):
    parallel.map_shared(work, sys.argv[1], [0, 1], 2)
"""


@needs_fork
def test_workers_end_with_a_run_killed_under_them(tmp_path: Path) -> None:
    """kill -9 of a run while its workers built pages left them blocked for good on a pipe
    no one read, holding the project lock they inherited: every later run on the project
    waited 10 s, then exit 6 'another miss-i18n run (process <the dead one>)'."""
    import os  # noqa: PLC0415
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import time  # noqa: PLC0415

    from miss_i18n.lock import project_lock  # noqa: PLC0415

    env = {**os.environ, "PYTHONPATH": str(Path(parallel.__file__).parent.parent)}
    run = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, str(tmp_path)], env=env)
    try:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.read_text()) for p in tmp_path.glob("worker-*")]
        assert len(workers) == 2
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()

    def alive(pid: int) -> bool:
        try:
            status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return status != "Z"

    deadline = time.monotonic() + 5
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # not to leave them behind when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []
    with project_lock(tmp_path, shared=False, wait=1):
        pass


@needs_fork
def test_an_edits_pages_are_built_in_process_unless_many_are_due(
        twins: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A page the index holds as built is a lookup, not a build: an edit of one page of a
    small site is not spread over processes (parallel.MIN_WORK), a first build is."""
    one, _two = twins
    monkeypatch.chdir(one)
    assert invoke("run", "--no-translate")[0] == 0
    units: list[int] = []
    real = site_build.jobs_for

    def recording(asked: int | None, work: int) -> int:
        units.append(work)
        return real(asked, work)

    monkeypatch.setattr(site_build, "jobs_for", recording)
    article = one / "source" / ARTICLE.name
    article.write_text(article.read_text("utf-8").replace("quicker", "faster"), "utf-8")
    assert invoke("run", "--no-translate")[0] == 0
    pages, locales = len(list((one / "source").glob("*.html"))), len(LOCALES) + 1
    assert units == [locales + (pages - 1) * locales // site_build.LOOKUPS_PER_UNIT]
    (one / ".miss-i18n" / "pages.json").unlink()  # nothing known: every page a build
    article.write_text(article.read_text("utf-8").replace("faster", "quicker"), "utf-8")
    assert invoke("run", "--no-translate")[0] == 0
    assert units[-1] == pages * locales

"""A translation memory damaged before or after it was opened: one line, never a traceback.

Each file is really damaged: pages overwritten, a foreign table, a journal that cannot be
written, a file or folder without write permission.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from miss_i18n.cli import main
from miss_i18n.engines.base import ModelInfo
from miss_i18n.errors import ExitCode, TranslationMemoryError
from miss_i18n.memory import Memory

MODEL = ModelInfo("fake", "fake-model", "1", "en", "de", "de")  # no engine behind it
SENTENCES = [f"Sentence number {n} of a long text." for n in range(3000)]
# deleting it is safe but for `tm import`'s translations, which README says go with it
TMX_AGAIN = " (translations brought in with `tm import` go with it: import the TMX files again)"
DAMAGED = ("the translation memory is damaged or not ours ({}); delete it: it is only a cache "
           "and fills again as you translate" + TMX_AGAIN)
READ_ONLY = ("cannot write the translation memory ({}); make it and its folder writable, or "
             "delete it: it is only a cache" + TMX_AGAIN)


def filled(path: Path) -> Path:
    with Memory(path) as memory:
        memory.store(MODEL, [(s, s.upper()) for s in SENTENCES])
    return path


def expect(caught: pytest.ExceptionInfo[TranslationMemoryError], path: Path,
           message: str) -> None:
    assert str(caught.value) == f"{path}: {message}"
    assert caught.value.exit_code == ExitCode.IO


def test_pages_corrupted_after_opening(tmp_path: Path) -> None:
    path = filled(tmp_path / "tm.sqlite3")
    memory = Memory(path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # every page but the first two
        data[offset:offset + 100] = b"\xff" * 100
    path.write_bytes(bytes(data))
    with pytest.raises(TranslationMemoryError) as caught:
        memory.lookup(MODEL, SENTENCES)
    expect(caught, path, DAMAGED.format("database disk image is malformed"))
    memory.close()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    path.write_bytes(b"not a database " * 100)
    with pytest.raises(TranslationMemoryError) as caught:
        Memory(path)
    expect(caught, path, DAMAGED.format("file is not a database"))
    assert path.read_bytes() == b"not a database " * 100


def foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.executescript("DROP TABLE IF EXISTS sentences;"
                         "CREATE TABLE sentences (id INTEGER PRIMARY KEY, text TEXT);")
    db.close()


def test_a_foreign_schema(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    foreign(path)
    with pytest.raises(TranslationMemoryError) as caught:
        Memory(path)
    expect(caught, path, DAMAGED.format("no such column: engine"))


def test_a_foreign_schema_after_opening(tmp_path: Path) -> None:
    path = filled(tmp_path / "tm.sqlite3")
    memory = Memory(path)
    foreign(path)
    with pytest.raises(TranslationMemoryError) as caught:
        memory.lookup(MODEL, SENTENCES[:3])
    expect(caught, path, DAMAGED.format("no such column: source"))


def test_a_journal_that_cannot_be_written(tmp_path: Path) -> None:
    path = filled(tmp_path / "tm.sqlite3")
    memory = Memory(path)
    (tmp_path / "tm.sqlite3-journal").mkdir()  # where SQLite must write its journal
    with pytest.raises(TranslationMemoryError) as caught:
        memory.store(MODEL, [("new", "NEW")])
    expect(caught, path, READ_ONLY.format("disk I/O error"))


def test_a_full_disk_is_not_called_damage(tmp_path: Path) -> None:
    # SQLite's SQLITE_FULL, as a full disk gives it ("database or disk is full"): the
    # memory is sound, so the line must not tell the user to delete it (and lose `tm
    # import`'s translations), but to free space.
    path = filled(tmp_path / "tm.sqlite3")
    memory = Memory(path)
    pages = memory._db.execute("PRAGMA page_count").fetchone()[0]
    memory._db.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
    with pytest.raises(TranslationMemoryError) as caught:
        memory.store(MODEL, [(f"{s} More.", s) for s in SENTENCES])
    expect(caught, path, "cannot write the translation memory (database or disk is full); "
                         "free space on its disk and run again")
    with Memory(path) as again:  # nothing was lost
        assert again.lookup(MODEL, SENTENCES[:2]) == {s: s.upper() for s in SENTENCES[:2]}


def test_a_memory_another_process_holds(tmp_path: Path) -> None:
    path = filled(tmp_path / "tm.sqlite3")
    memory = Memory(path)
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        memory._db.execute("PRAGMA busy_timeout = 0")  # fail at once rather than in 5 s
        with pytest.raises(TranslationMemoryError) as caught:
            memory.store(MODEL, [("new", "NEW")])
    finally:
        other.rollback()
        other.close()
    expect(caught, path, "the translation memory is in use by another process (database is "
                         "locked); wait for it to finish and run again")


def as_another_user(action: Callable[[], None]) -> str:
    """Run ``action`` without root's power over permissions; what it raised, as text."""
    if os.geteuid() != 0:
        try:
            action()
        except TranslationMemoryError as exc:
            return str(exc)
        return ""
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns when a fork copies threads
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read)
        message = ""
        try:
            os.setgid(65534)
            os.setuid(65534)
            action()
        except TranslationMemoryError as exc:
            message = str(exc)
        except BaseException as exc:  # anything at all goes back to the parent
            message = f"unexpected {type(exc).__name__}: {exc}"
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(child, 0)
    return message


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder another user can reach (pytest's own are root's alone when run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="miss-i18n-tm-"))
    folder.chmod(0o755)
    yield folder
    for inner in folder.rglob("*"):
        inner.chmod(0o755 if inner.is_dir() else 0o644)
    shutil.rmtree(folder)


def test_a_read_only_file(shared: Path) -> None:
    path = filled(shared / "tm.sqlite3")
    shared.chmod(0o777)
    path.chmod(0o444)

    def store() -> None:
        with Memory(path) as memory:
            assert len(memory.lookup(MODEL, SENTENCES[:2])) == 2  # reading still works
            memory.store(MODEL, [("new", "NEW")])

    assert as_another_user(store) == (
        f"{path}: {READ_ONLY.format('attempt to write a readonly database')}")


def test_a_read_only_folder(shared: Path) -> None:
    folder = shared / "cache"
    folder.mkdir()
    path = filled(folder / "tm.sqlite3")
    path.chmod(0o666)
    folder.chmod(0o555)

    def store() -> None:
        with Memory(path) as memory:
            memory.store(MODEL, [("new", "NEW")])

    message = as_another_user(store)
    folder.chmod(0o755)
    assert message == f"{path}: {READ_ONLY.format('attempt to write a readonly database')}"


def test_the_command_line_says_it_in_one_line(project: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["extract", "-q"]).exit_code == 0
    assert runner.invoke(main, ["update", "-q"]).exit_code == 0
    path = project / ".miss-i18n" / "memory.sqlite3"
    path.parent.mkdir(exist_ok=True)  # the project lock lives there too
    path.write_bytes(b"\x00" * 5000)
    result = runner.invoke(main, ["translate", "-q"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (
        ExitCode.IO, f"error: {path}: {DAMAGED.format('file is not a database')}\n")
    assert path.read_bytes() == b"\x00" * 5000

"""How the ``miss-i18n`` command ends (cli.script, cli._exit): as ``sys.exit`` would, less
Python's teardown. Each case runs in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import miss_i18n
from helpers import invoke

ENV = {**os.environ, "PYTHONPATH": str(Path(miss_i18n.__file__).parent.parent)}


SCRIPT = "import sys\nfrom miss_i18n import cli\nsys.argv[0] = 'main'\ncli.script()"


def command(*args: str, cwd: Path | None = None, stdout: int = subprocess.PIPE
            ) -> subprocess.CompletedProcess[str]:
    """The command as installed (cli.script), named ``main`` as click's runner names it."""
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=cwd,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, env=ENV,
                          check=False)


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=ENV, check=False)


@pytest.mark.parametrize("args", [["run", "--help"], ["--version"],
                                  ["no-such-command"], ["run", "--jobs", "0"]])
def test_the_command_ends_as_the_runner_sees_it(args: list[str], tmp_path: Path) -> None:
    """The whole output, and the exit code click's runner gets for the same arguments
    (0, a usage error's 2, a configuration error's own)."""
    done = command(*args, cwd=tmp_path)
    os.chdir(tmp_path)
    code, output = invoke(*args)
    assert done.returncode == code
    assert " ".join(done.stdout.split()) in " ".join(output.split())  # wrapped apart
    assert (done.stdout + done.stderr).strip()


def test_a_run_ends_with_its_output_whole(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "source").mkdir(parents=True)
    (project / "source" / "a.html").write_text(
        "<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello.</p></body></html>")
    (project / "pyproject.toml").write_text(
        '[tool.miss-i18n]\nlocales = ["de", "fr"]\n', encoding="utf-8")
    done = command("run", "--no-translate", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("unchanged")
    assert (project / "build" / "site" / "de" / "a.html").is_file()


def test_a_closed_pipe_ends_as_click_ends_it() -> None:
    """Output to a pipe no one reads (``miss-i18n … | head`` after head left): click's
    exit 1, and no traceback."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = command("--help", stdout=write)
    finally:
        os.close(write)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_output_to_a_full_device_is_one_line(tmp_path: Path, unbuffered: str) -> None:
    """``miss-i18n --help > /dev/full`` (a full disk): a traceback from click.echo's
    flush, exit 1 unbuffered (as CI runs); one line now, and Python's 120."""
    with Path("/dev/full").open("w") as full:
        done = subprocess.run([sys.executable, "-c", SCRIPT, "--help"], cwd=tmp_path,
                              stdout=full, stderr=subprocess.PIPE, text=True, check=False,
                              env={**ENV, "PYTHONUNBUFFERED": unbuffered})
    assert (done.returncode, done.stderr) == (
        120, "error: cannot write the output (No space left on device)\n")


def test_a_command_started_without_its_output_ends_well(tmp_path: Path) -> None:
    """``miss-i18n … >&-``: sys.stdout is None; the exit's flush raised AttributeError."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, "--version"], cwd=tmp_path,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=ENV, check=False, close_fds=True,
                          preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (0, "")


def test_a_command_run_from_a_removed_folder_says_so(tmp_path: Path) -> None:
    """The shell's folder removed under it (a checkout deleted, then the command run
    again): os.getcwd's traceback, even with an absolute --config; one line now."""
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", f"import os; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r})"
         f"\n{SCRIPT}", "status", "--config", str(tmp_path / "pyproject.toml")],
        capture_output=True, text=True, env=ENV, check=False)
    assert (done.returncode, done.stderr) == (
        2, "error: the current folder no longer exists (removed since the shell entered it); "
           "cd into the project folder and run again\n")


def test_exit_handlers_run_and_the_code_is_kept() -> None:
    done = python("import atexit\nfrom miss_i18n import cli\n"
                  "atexit.register(print, 'handler ran')\n"
                  "print('before', end='')\ncli._exit(3)")
    assert (done.returncode, done.stdout) == (3, "beforehandler ran\n")


def test_a_message_exits_1_and_is_printed() -> None:
    done = python("from miss_i18n import cli\ncli._exit('stopped: why')")
    assert (done.returncode, done.stderr) == (1, "stopped: why\n")


def test_a_thread_still_running_is_waited_for() -> None:
    """A thread that is not a daemon (one a library left) ends its work first, as at
    Python's own exit."""
    done = python("import threading, time\nfrom miss_i18n import cli\n"
                  "def late():\n    time.sleep(0.3)\n    print('thread done', flush=True)\n"
                  "threading.Thread(target=late).start()\ncli._exit(4)")
    assert (done.returncode, done.stdout) == (4, "thread done\n")

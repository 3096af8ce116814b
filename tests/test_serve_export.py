"""`serve` previews the built site on localhost; `export` hands it off as one archive."""

from __future__ import annotations

import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import miss_i18n
from helpers import invoke, invoke_without_access
from miss_i18n.serve import SiteServer, make_server

PAGE = "minimally-invasive-spine-surgery.html"


@pytest.fixture
def site(project: Path) -> Path:
    assert invoke("run", "--no-translate", "-q")[0] == 0
    return project / "site"


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.is_symlink() and not p.name.startswith(".")}


# -- serve ------------------------------------------------------------------------------
@pytest.fixture
def server(site: Path) -> Iterator[SiteServer]:
    """A real server on 127.0.0.1 and a free port, in a thread, stopped by the test."""
    running = make_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive()


def get(server: SiteServer, path: str, method: str = "GET") -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        connection.request(method, path)  # sent as written: no client-side normalising
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def test_serve_answers_the_site_and_nothing_outside_it(server: SiteServer, site: Path) -> None:
    assert server.server_name == "127.0.0.1" and server.server_port > 0
    assert server.url == f"http://127.0.0.1:{server.server_port}/"
    status, body, headers = get(server, "/index.html")
    assert (status, body) == (200, (site / "index.html").read_bytes())
    assert headers["Content-Type"] == "text/html"
    assert get(server, "/")[:2] == (200, (site / "index.html").read_bytes())
    assert get(server, f"/de/{PAGE}")[:2] == (200, (site / "de" / PAGE).read_bytes())
    assert get(server, "/report.html")[0] == 200
    status, _body, headers = get(server, "/de")
    assert (status, headers["Location"]) == (301, "/de/")
    secret = site.parent / "secret.txt"
    secret.write_text("outside the site")
    (site / "leak.txt").symlink_to(secret)
    (site / "out").symlink_to(site.parent, target_is_directory=True)
    for path in ("/../secret.txt", "/de/../../secret.txt", "/%2e%2e/secret.txt",
                 "/..%2fsecret.txt", "/leak.txt", "/out/secret.txt", "/out/pyproject.toml",
                 "/.miss-i18n-files", "/de/", "/nothing.html", "//secret.txt",
                 f"/de/{PAGE}/", "/index.html/"):  # a file is no folder
        status, body, _headers = get(server, path)
        assert status == 404, path
        assert b"outside the site" not in body and b"tool.miss-i18n" not in body
    assert get(server, "/index.html", "POST")[0] == 501  # read-only
    assert get(server, "/index.html", "HEAD")[:2] == (200, b"")


def test_serve_answers_no_hidden_file_through_a_link_and_no_traceback(
        server: SiteServer, site: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A link in the site to the manifest or a hidden folder served them (the check looked
    at the name asked for only); a name too long for the file system, and a loop of
    links, ended the request in a traceback and no reply."""
    (site / "manifest.html").symlink_to(".miss-i18n-files")
    hidden = site / ".hid"
    hidden.mkdir()
    (hidden / "index.html").write_text("HIDDEN")
    (site / "hidlink").symlink_to(".hid", target_is_directory=True)
    (site / "loop.html").symlink_to("loop.html")
    for path in ("/manifest.html", "/hidlink/", "/hidlink/index.html", "/hidlink", "/.hid/",
                 "/loop.html", "/" + "a" * 300, "/de/" + "b" * 5000):
        status, body, _headers = get(server, path)
        assert status == 404 and b"HIDDEN" not in body, path
    assert "Traceback" not in capfd.readouterr().err


def test_serve_needs_a_built_site_and_a_free_port(project: Path) -> None:
    code, output = invoke("serve")
    assert (code, output) == (4, f"error: {project}/site: no built site here; run "
                                 "`miss-i18n build` first\n")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = invoke("serve", "--port", str(port))
    assert (code, output) == (2, f"error: port {port} on 127.0.0.1 is already in use; pick "
                                 "another with --port\n")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is how a terminal stops it")
def test_serve_prints_its_url_answers_and_stops_on_ctrl_c(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(miss_i18n.__file__).parents[1])}
    process = subprocess.Popen(
        [sys.executable, "-c", "from miss_i18n.cli import main; main()", "serve", "--port", "0"],
        cwd=site.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # click flushes each line
        assert line.startswith("serving site at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].split()[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/de/{PAGE}")
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, (site / "de" / PAGE).read_bytes())
        connection.close()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out == "stopped\n"
    assert f'"GET /de/{PAGE} HTTP/1.1" 200' in err  # the request log goes to stderr


# -- export ------------------------------------------------------------------------------
def test_export_zip_holds_the_site_and_is_byte_identical(site: Path) -> None:
    project = site.parent
    (site / ".de.html.x1.tmp").write_text("a write in progress")
    (site / "leak.txt").symlink_to(project / "pyproject.toml")
    code, output = invoke("export")
    files = site_files(site)
    assert (code, output) == (0, f"wrote site.zip ({len(files)} files, "
                                 f"{(project / 'site.zip').stat().st_size} bytes)\n")
    first = (project / "site.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names == sorted(names)
        assert {name.removeprefix("site/"): archive.read(name) for name in names
                if not name.endswith("/")} == files
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
        assert {info.external_attr >> 16 for info in infos} == {0o100644, 0o40755}
    assert "site/.miss-i18n-files" not in names and "site/leak.txt" not in names
    assert "site/index.html" in names and "site/report.html" in names
    for path in site.rglob("*.html"):  # new dates change nothing
        os.utime(path, (1_800_000_000, 1_800_000_000))
    assert invoke("export") == (0, f"unchanged: site.zip ({len(files)} files, "
                                   f"{len(first)} bytes)\n")
    assert invoke("export", "--output", "copy.zip")[0] == 0
    assert (project / "copy.zip").read_bytes() == first


def test_export_tar_gz_holds_the_site_and_is_byte_identical(site: Path) -> None:
    project = site.parent
    assert invoke("export", "-o", "out/a.tar.gz", "-q") == (0, "")
    assert invoke("export", "-o", "b.tgz", "-q") == (0, "")
    data = (project / "out" / "a.tar.gz").read_bytes()
    assert data == (project / "b.tgz").read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = archive.getmembers()
        contents = {m.name.removeprefix("site/"): archive.extractfile(m).read()  # type: ignore[union-attr]
                    for m in members if m.isfile()}
    assert contents == site_files(site)
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {
        (315532800, 0, 0, "", "")}
    assert {m.mode for m in members if m.isfile()} == {0o644}
    assert [m.name for m in members if m.isdir()][:2] == ["site", "site/ar"]


def test_export_errors_are_one_line(project: Path) -> None:
    code, output = invoke("export")
    assert (code, output) == (4, f"error: {project}/site: no built site here; run "
                                 "`miss-i18n build` first\n")
    assert invoke("run", "--no-translate", "-q")[0] == 0
    code, output = invoke("export", "-o", "site.rar")
    assert (code, output) == (2, "error: --output site.rar: name the archive *.zip or "
                                 "*.tar.gz\n")
    assert not (project / "site.rar").exists()


def test_export_refuses_a_site_folder_it_cannot_read(site: Path) -> None:
    """Skipped, its pages would be missing from the archive without a word."""
    folder = site / "de"
    code, output = invoke_without_access(folder, "export", "-q")
    assert (code, output) == (4, f"error: {folder}: cannot read the folder (Permission "
                                 "denied); check its permissions\n")
    assert not (site.parent / "site.zip").exists()


@pytest.mark.parametrize("archive", ["site.zip", "site.tar.gz"])
@pytest.mark.parametrize(("name", "shown", "why"), [
    # not UTF-8: a zip name must be (export crashed with a UnicodeEncodeError traceback),
    # and tar wrote a raw-bytes header most tools warn about
    (b"caf\xe9.txt", "caf\\xe9.txt", "the file name holds the byte \\xe9, which is not "
     "UTF-8; an archive cannot name it: rename or remove the file"),
    # extractors on Windows read a backslash as a folder's end: above the folder unpacked in
    (b"a\\..\\..\\..\\evil.css", "a\\..\\..\\..\\evil.css", "the file name holds a "
     "backslash, which extractors on Windows read as a folder's end (an archive's names use "
     "/): rename the file")])
def test_export_refuses_a_file_name_no_archive_can_hold_alike(
        site: Path, archive: str, name: bytes, shown: str, why: str) -> None:
    """A file someone left in the output folder (the build keeps it, or copies it as an
    asset) whose name an archive cannot hold as it is: named, not skipped."""
    (site / "de").joinpath(os.fsdecode(name)).write_bytes(b"x")
    assert invoke("export", "-o", archive) == (4, f"error: {site}/de/{shown}: {why}\n")
    assert not (site.parent / archive).exists()


@pytest.mark.parametrize("archive", ["notes.zip", "notes.tar.gz"])
def test_export_replaces_no_file_that_is_not_an_archive(site: Path, archive: str) -> None:
    """``-o notes.zip`` naming a file of notes by mistake replaced it: what it held was
    lost. An archive (an earlier export) is replaced as before."""
    notes = site.parent / archive
    notes.write_text("my notes\n")
    code, output = invoke("export", "-o", archive)
    kind = "zip" if archive.endswith(".zip") else "tar.gz"
    assert (code, output) == (4, f"error: {archive}: exists and is not a {kind} archive, "
                                 "which an export would replace, and what it holds would be "
                                 "lost; name another file, or remove this one\n")
    assert notes.read_text() == "my notes\n"
    notes.unlink()
    assert invoke("export", "-o", archive, "-q")[0] == 0
    assert invoke("export", "-o", archive, "-q")[0] == 0


@pytest.mark.parametrize(("option", "where", "why"), [
    ("site/inside.zip", "output folder (site)", "the next export would ship it in the site"),
    ("site/de/../x.tar.gz", "output folder (site)",
     "the next export would ship it in the site"),
    ("source/site.zip", "source folder (source)", "the build would publish it"),
    ("locales/site.zip", "locales folder (locales)", "it would sit among the catalogs"),
])
def test_export_refuses_an_archive_inside_the_projects_folders(site: Path, option: str,
                                                               where: str, why: str) -> None:
    """Else the next export ships the archive inside the site (the build keeps files it
    did not write)."""
    assert invoke("export", "-o", option) == (
        2, f"error: --output {option}: inside the {where}, where {why}; write it elsewhere\n")
    assert not (site.parent / option).exists()
    assert invoke("export", "-o", "elsewhere.zip", "-q") == (0, "")


def test_xliff_export_refuses_a_folder_the_build_would_publish(site: Path) -> None:
    assert invoke("xliff", "export", "--output-dir", "source/xliff") == (
        2, "error: --output-dir source/xliff: inside the source folder (source), where the "
           "build would publish it; write it elsewhere\n")
    assert not (site.parent / "source" / "xliff").exists()

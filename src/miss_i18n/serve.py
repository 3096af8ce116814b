"""A preview server for the built site: read-only, on localhost, for people, not the web.

It answers GET and HEAD with files inside the output folder only: a path that leaves the
folder (``..``, an encoded ``%2e%2e``, a symbolic link pointing out) or names a hidden file
(the build's manifest) is not found, and folders are never listed.
"""

from __future__ import annotations

import errno
import socket
import socketserver
from collections.abc import Callable
from email.utils import formatdate
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit, urlunsplit

from .errors import ConfigError, MissI18nError


class _Handler(SimpleHTTPRequestHandler):
    timeout = 60
    """Seconds a connection may wait for its request: one never finished held its thread
    for good (a browser sends its request at once)."""

    def __init__(self, *args: Any, root: Path, log: Callable[[str], None] | None,
                 **kwargs: Any) -> None:
        self.root = root
        self.log = log
        super().__init__(*args, directory=str(root), **kwargs)

    def send_head(self) -> BinaryIO | None:
        parts = urlsplit(self.path)
        target = Path(self.translate_path(self.path))
        try:
            folder = target.is_dir() and self._inside(target, folder=True) is not None
        except (OSError, RuntimeError):  # a name too long (pathlib lets ENAMETOOLONG out)
            folder = False
        if folder and not parts.path.endswith("/"):  # like a web server: add "/"
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", urlunsplit(
                ("", "", "/" + parts.path.lstrip("/") + "/", parts.query, "")))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if folder:
            target = target / "index.html"
        elif parts.path.endswith("/"):  # a file named as a folder (/de/a.html/): as a server
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        found = self._inside(target)
        if found is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            handle = found.open("rb")
            size = found.stat().st_size
            modified = found.stat().st_mtime
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(found)))
        self.send_header("Content-Length", str(size))
        self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.send_header("Cache-Control", "no-store")  # a rebuilt page shows at once
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        return handle

    def _inside(self, target: Path, *, folder: bool = False) -> Path | None:
        """The file (``folder``: the folder) ``target`` names, if it is a visible one inside
        the site: by the name asked for and by where its links lead (a link in the site to
        the manifest or a hidden folder served them)."""
        try:
            relative = target.relative_to(self.root)
            found = target.resolve(strict=True)
            resolved = found.relative_to(self.root)
        except (ValueError, OSError, RuntimeError):  # (a loop of links: RuntimeError < 3.13)
            return None
        if any(part.startswith(".") for part in (*relative.parts, *resolved.parts)):
            return None
        return found if (found.is_dir() if folder else found.is_file()) else None

    def list_directory(self, path: str | Any) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def log_message(self, format: str, *args: Any) -> None:
        if self.log is not None:
            self.log(f"{self.address_string()} {format % args}")


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        """Bind without the base class's reverse DNS lookup of the host (slow offline)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    @property
    def url(self) -> str:
        host = self.server_name
        return f"http://{f'[{host}]' if ':' in host else host}:{self.server_port}/"


class _SiteServer6(SiteServer):
    address_family = socket.AF_INET6


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000, *,
                log: Callable[[str], None] | None = None) -> SiteServer:
    """A server for ``folder``, bound and ready for ``serve_forever``; port 0 picks one."""
    if not folder.is_dir():
        raise MissI18nError("no built site here; run `miss-i18n build` first", path=folder)
    root = folder.resolve()
    handler = partial(_Handler, root=root, log=log)
    kind = _SiteServer6 if ":" in host else SiteServer
    try:
        return kind((host, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is already in use; pick another with "
                              "--port") from None
        raise ConfigError(f"cannot listen on {host} port {port} ({exc.strerror or exc}); "
                          "check --host and --port") from None

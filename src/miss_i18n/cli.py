"""The command line: parse options, make one call to the Python API (``Project``), render
its result, raise its ``error``. The only module that prints; no pipeline logic here."""

from __future__ import annotations

import atexit
import codecs
import contextlib
import errno
import functools
import gc
import io
import json
import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

import click

from . import __version__
from .config import ENGINES, Config, load_config, typed_overrides
from .errors import MissI18nError
from .model import CatalogStats, Issue, Severity, whole
from .project import ProgressFactory, Project
from .results import TranslateResult, Written

if TYPE_CHECKING:  # the results of the other commands load with them (results.py)
    from .results_more import Multilingual, TmImport

F = TypeVar("F", bound=Callable[..., Any])


GC_THRESHOLDS = (100_000, 50, 1000)
"""The cyclic garbage collector's thresholds while a command runs. A run makes millions of
objects that live until it ends (catalog entries, parsed pages) and few cycles; at the
default (700, 10, 10) the collector walked them again and again: 10% of an edit's rerun
(bench/bench.py's pages, measured with and without). Peak memory was the same."""


class Group(click.Group):
    """Turns every MissI18nError into one line on stderr and its exit code, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        before = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            return super().invoke(ctx)
        except MissI18nError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)
        except click.BadParameter as exc:  # a value from the environment: name its variable
            param, made = exc.param, exc.ctx
            if param is not None and made is not None and param.name and isinstance(
                    param, click.Option) and made.get_parameter_source(
                    param.name) is click.core.ParameterSource.ENVIRONMENT:
                names = [param.envvar] if isinstance(param.envvar, str) else param.envvar or []
                found = next((name for name in names if name in os.environ), None)
                if found is not None:
                    exc.param_hint = f"{found} (for {' / '.join(param.opts)})"
            raise
        finally:
            gc.set_threshold(*before)


class Percent(click.FloatRange):
    """A percentage from 0 to 100: not NaN, which click's range lets through (no
    comparison with it is true), and every locale would then pass or fail alike."""

    name = "percentage"

    def __init__(self) -> None:
        super().__init__(0, 100)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number from 0 to 100.", param, ctx)
        return number


PERCENT = Percent()


def path_option(*names: str, text: str) -> Callable[[F], F]:
    """An option naming a file or folder (a Path), with its --help ``text``."""
    return click.option(*names, type=click.Path(path_type=Path), help=text)


CONFIG_OPTION = path_option(
    "--config", "config_path",
    text="pyproject.toml holding [tool.miss-i18n] (default: nearest one).")
LOCALES_DIR_OPTION = path_option(
    "--locales-dir", text="Folder of the POT and the <locale>/LC_MESSAGES/*.po catalogs.")
QUIET_OPTION = click.option(
    "-q", "--quiet", is_flag=True,
    help="Print only errors and warnings (and a command's own result: status, engines, "
         "models list).")


def options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying click options in the order they are listed (as --help shows)."""
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


project_options = options(
    CONFIG_OPTION,
    path_option("--source-dir",
                text="Folder of source .html/.htm pages (overrides the config)."),
    LOCALES_DIR_OPTION,
    path_option("--output-dir", text="Folder the localized site is built into."),
    click.option("-l", "--locale", "locales", multiple=True, metavar="LOCALE",
                 help="Work on this locale only; repeat for several (default: all)."),
    QUIET_OPTION,
)
"""Options every pipeline command shares, defined once."""


def check_option(function: F) -> F:
    return click.option(
        "--check", is_flag=True,
        help="Write nothing; exit 3 naming every file that would change.")(function)


def _empty_from_environment(_context: click.Context, param: click.Parameter,
                            value: str | None) -> str | None:
    """click reads an empty environment variable as none set: ``MISS_I18N_BUILD_BASE_URL=``
    kept the config's base-url, where README says it clears it, as ``--base-url ""``."""
    if value is None:
        names = [param.envvar] if isinstance(param.envvar, str) else param.envvar or []
        if any(os.environ.get(name) == "" for name in names):
            return ""
    return value


def base_url_option(function: F) -> F:
    return click.option(
        "--base-url", metavar="URL", callback=_empty_from_environment,
        help="Absolute URL the site is published at, for hreflang, canonical and sitemap "
             "links; sitemap.xml is written only with one (overrides base-url in the "
             "config; an empty value clears it). Links people click are always "
             "relative.")(function)


def jobs_option(function: F) -> F:
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), metavar="N",
        help="Processes for the work spread over the cores (pages, catalogs, checks; 1: in "
             "this process) [default: jobs in the config, else one per core when the work is "
             "large enough].")(function)


def fuzzy_option(function: F) -> F:
    return click.option(
        "--include-fuzzy/--exclude-fuzzy", default=None, show_default=False,
        help="Show fuzzy entries (machine drafts awaiting review) in built pages, with a "
             "notice [default: include-fuzzy in the config, else exclude].")(function)


def _config(options: dict[str, Any]) -> Config:
    typed = typed_overrides(config=options["config_path"], source_dir=options["source_dir"],
                            locales_dir=options["locales_dir"], output_dir=options["output_dir"],
                            base_url=options.get("base_url"))
    return load_config(
        options.pop("config_path"),
        source_dir=options.pop("source_dir"),
        locales_dir=options.pop("locales_dir"),
        output_dir=options.pop("output_dir"),
        only_locales=options.pop("locales"),
        base_url=options.pop("base_url", None),
        scheduler=options.pop("scheduler", None),
        jobs=options.pop("jobs", None),
        typed=typed,
    )


_kept: list[object] | None = None
"""What a run made, where the process ends without freeing it (``script``)."""


def with_project(function: Callable[..., None]) -> Callable[..., None]:
    """Load the configuration from the shared options and pass the command its Project."""
    @functools.wraps(function)
    def wrapper(**options: Any) -> None:
        function(Project(_config(options), kept=_kept), **options)

    return wrapper


def _fail(error: MissI18nError | None) -> None:
    """A result's gate: its error, if any, becomes the exit (after it was rendered)."""
    if error is not None:
        raise error


def _say(quiet: bool, message: str = "", **style: Any) -> None:
    if not quiet:
        click.secho(message, **style)


def _report_writes(result: Written, quiet: bool) -> None:
    """What was written (or, with --check, would change); then the stale gate (exit 3)."""
    changed = result.changed
    for write in changed:
        if result.check:
            verb = "would remove" if write.removed else "would change"
            click.echo(f"{verb}: {write.path}", err=True)
        else:
            _say(quiet, f"  {'removed' if write.removed else 'wrote'} {write.path}")
    removed = sum(1 for write in changed if write.removed)
    done = f"{len(changed)} file(s) would change" if result.check else (
        f"{len(changed) - removed} file(s) written" + (f", {removed} removed" if removed
                                                      else ""))
    _say(quiet, f"{done}, {len(result.writes) - len(changed)} unchanged")
    _fail(result.error)


def _table(rows: Sequence[CatalogStats], quiet: bool) -> None:
    if quiet or not rows:
        return
    click.echo(f"{'locale':<8} {'entries':>7} {'translated':>10} {'fuzzy':>6} "
               f"{'(machine)':>9} {'untranslated':>12} {'done':>6}")
    for row in rows:
        click.echo(f"{row.locale:<8} {row.total:>7} {row.translated:>10} {row.fuzzy:>6} "
                   f"{row.machine:>9} {row.untranslated:>12} {whole(row.percent):>6}")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"],
                                          "auto_envvar_prefix": "MISS_I18N",
                                          "show_default": True})
@click.version_option(__version__, prog_name="miss-i18n")
def main() -> None:
    """Source HTML → gettext catalogs → offline machine drafts → localized pages.

    Run `miss-i18n run` to do everything; the other commands run one stage each.
    """


def stage_command(name: str | None = None) -> Callable[[Callable[..., None]], click.Command]:
    """A command that runs one stage: the shared options, --check, and its Project."""
    def make(function: Callable[..., None]) -> click.Command:
        return main.command(name=name)(project_options(check_option(jobs_option(
            with_project(function)))))

    return make


@stage_command()
def extract(project: Project, *, check: bool, quiet: bool) -> None:
    """Extract the source pages' text into the template (locales/<domain>.pot)."""
    result = project.extract(check=check)
    _say(quiet, f"{result.template}: {result.entries} entries")
    _report_writes(result, quiet)


@stage_command()
def update(project: Project, *, check: bool, quiet: bool) -> None:
    """Create or merge each locale's catalog from the template, keeping translations."""
    result = project.update(check=check)
    _table(result.stats, quiet)
    _report_writes(result, quiet)


def engine_option(function: F) -> F:
    return click.option(
        "--engine", type=click.Choice(ENGINES), default=None,
        help="Use only this engine (default: the configured preference per locale).")(function)


def scheduler_option(function: F) -> F:
    return click.option(
        "--scheduler", metavar="ADDRESS", default=None, callback=_empty_from_environment,
        help="Send the engine work to this Dask scheduler (tcp://host:8786; needs the "
             "[dask] extra); catalogs and the translation memory stay here [default: "
             "scheduler in [tool.miss-i18n.translate], else this process].")(function)


class _Bar:
    """The progress bar of one locale: a fresh bar for each engine call (each batch)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None or total != self.total or done < self.bar.pos:
            self.close()
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
            self.total = total
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _progress(quiet: bool, tty: bool | None = None) -> ProgressFactory:
    """A progress bar per locale, on a terminal only (``--quiet`` turns it off)."""
    if quiet or not (sys.stderr.isatty() if tty is None else tty):
        return lambda _locale: None
    return lambda locale: _Bar(f"translating {locale}")


FAILURES_NAMED = 3
"""How many entries a locale's line names where the engine gave no text (the rest counted)."""


def _report_translations(translated: TranslateResult, quiet: bool) -> None:
    for result in translated.translations:
        if result.from_people:
            _say(quiet, f"{result.locale}: {result.from_people} draft(s) from human translations "
                        "in the translation memory (imported TMX)")
        if result.error:  # an error: printed even with -q; the exit comes after the writes
            click.secho(result.error, fg="red", err=True)
            continue
        if result.model is None:
            continue
        detail = f", {result.piecewise} with markup translated piecewise" if result.piecewise \
            else ""
        named = ", ".join(result.failures[:FAILURES_NAMED]) + (
            f" and {len(result.failures) - FAILURES_NAMED} more"
            if len(result.failures) > FAILURES_NAMED else "")
        failed = (f", {result.failed} failed (the engine gave no text for a sentence; left "
                  f"untranslated: {named})") if result.failed else ""
        held = (f", {result.held} held back from the pages (they fail an error-level check: "
                "see `miss-i18n check`)") if result.held else ""
        _say(quiet, f"{result.locale}: {result.drafted} draft(s) by {result.model.provenance}"
                    f"{detail}{failed}{held}; {result.texts} text(s): "
                    f"{result.from_memory} from memory, {result.from_engine} translated")
    if waiting := translated.waiting:  # a notice (-q: not printed; `engines` says it)
        _say(quiet, f"not drafted, for want of a model: {len(waiting)} locale(s), "
                    f"{', '.join(waiting)}; what the translation memory did not draft stays "
                    "untranslated (see `miss-i18n engines`):",
             fg="yellow", err=True)
        for line in translated.advice:
            _say(quiet, f"  {line}", fg="yellow", err=True)


@main.command()
@project_options
@engine_option
@scheduler_option
@with_project
def translate(project: Project, *, engine: str | None, quiet: bool) -> None:
    """Fill untranslated entries with offline machine drafts, marked fuzzy for review."""
    result = project.translate(engine=engine, progress=_progress(quiet))
    _report_translations(result, quiet)
    _table(result.stats, quiet)
    _report_writes(result, quiet)


def _ascii_only() -> bool:
    """JSON goes out as text where the output is UTF-8, else in ASCII escapes: still JSON
    where the locale's encoding (Latin-1) lacks a character of it."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return codecs.lookup(encoding).name != "utf-8"


@main.command(name="check")
@project_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", help="Output for people, or JSON for machines.")
@click.option("--min-translated", type=PERCENT, default=None,
              metavar="PCT", help="Fail when a locale has less than PCT% translated.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@jobs_option
@with_project
def check_command(project: Project, *, output_format: str, min_translated: float | None,
                  strict: bool, quiet: bool) -> None:
    """Validate catalogs with Babel and the QA checks; exit 1 if any error is found.

    With -q, only what fails the check is printed: the errors, and the warnings under
    --strict."""
    result = project.check(strict=strict, min_translated=min_translated)
    if output_format == "json":
        click.echo(json.dumps({
            "issues": [vars(i) | {"severity": i.severity.value} for i in result.issues],
            "stats": _stats_json(result.stats),
            "below_min_translated": result.below_min_translated,
        }, ensure_ascii=_ascii_only(), indent=2))
    else:
        _print_issues(result.issues, quiet and not strict)  # (--strict fails on warnings)
        _table(result.stats, quiet)
    _fail(result.error)


def _print_issues(issues: Sequence[Issue], quiet: bool) -> None:
    current = None
    for issue in issues:
        if quiet and issue.severity is not Severity.ERROR:
            continue
        if issue.path != current:
            current = issue.path
            click.secho(issue.path, bold=True)
        where = f"{issue.path}:{issue.line}" if issue.line else issue.path
        colour = "red" if issue.severity is Severity.ERROR else "yellow"
        label = click.style(f"{issue.severity.value}[{issue.check}]", fg=colour)
        context = f" ({issue.context})" if issue.context else ""
        click.echo(f"  {where}: {label}: {issue.message}{context}")


@stage_command("compile")
def compile_command(project: Project, *, check: bool, quiet: bool) -> None:
    """Compile each catalog to a .mo file (fuzzy entries left out)."""
    _report_writes(project.compile(check=check), quiet)


@main.command()
@project_options
@check_option
@fuzzy_option
@base_url_option
@jobs_option
@with_project
def build(project: Project, *, check: bool, include_fuzzy: bool | None, quiet: bool) -> None:
    """Build the localized pages, index.html, report.html and (with a base URL)
    sitemap.xml into the output folder."""
    result = project.build(check=check, include_fuzzy=include_fuzzy)
    _warn_kept(result.kept)
    _warn(result.rejected)
    _report_writes(result, quiet)


def _warn_kept(kept: Sequence[str]) -> None:
    for name in kept:
        click.secho(f"warning: {name}: no longer built, but not what the build wrote there "
                    "(changed since, or not recorded); kept: delete it yourself if unwanted",
                    fg="yellow", err=True)


def _warn(lines: Sequence[str]) -> None:
    for line in lines:
        click.secho(line, fg="yellow", err=True)


def _stats_json(rows: Sequence[CatalogStats]) -> list[dict[str, Any]]:
    return [vars(r) | {"percent": r.tenths} for r in rows]


@main.command()
@project_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]),
              default="text", help="A table for people, JSON for machines, or a Markdown "
                                   "table (with each locale published or preview) for CI "
                                   "job summaries.")
@click.option("--least-confident", "least", type=click.IntRange(min=0), default=0,
              metavar="N", help="Also list each locale's N machine drafts the engine was "
                                "least sure of (file:line, confidence, text): review those "
                                "first.")
@fuzzy_option
@with_project
def status(project: Project, *, output_format: str, least: int, include_fuzzy: bool | None,
           quiet: bool) -> None:
    """Show entries, translated, fuzzy (machine drafts among them) and untranslated counts,
    and whether the site publishes each locale (as `build` with the same --include-fuzzy
    or --exclude-fuzzy does)."""
    result = project.status(least_confident=least, include_fuzzy=include_fuzzy)
    weakest = result.least_confident
    if output_format == "json":
        found = _stats_json(result.stats)
        for row in found if least else []:
            locale = row["locale"]
            row["least_confident"] = [
                {"confidence": d.confidence, "file": result.files[locale], "line": d.line,
                 "msgctxt": d.msgctxt, "msgid": d.msgid, "references": list(d.references)}
                for d in weakest[locale]]
        click.echo(json.dumps(found, ensure_ascii=_ascii_only(), indent=2))
    elif output_format == "markdown":
        click.echo(result.markdown, nl=False)
    else:
        _table(result.stats, quiet=False)
    if least and output_format == "text":
        click.echo("Least confident machine drafts (review these first):")
        for locale, drafts in weakest.items():
            if not drafts:
                click.echo(f"{locale}: no draft carries a confidence")
                continue
            click.echo(f"{locale}: {len(drafts)} of {result.scored[locale]} scored drafts")
            for d in drafts:
                line = f":{d.line}" if d.line else ""
                click.echo(f"  {d.confidence:.2f}  {result.files[locale]}{line}  {d.excerpt()}")
    elif least and output_format == "markdown":
        click.echo("\n**Least confident machine drafts** (review these first)\n")
        for locale, drafts in weakest.items():
            for d in drafts:
                line = f":{d.line}" if d.line else ""
                text = d.excerpt().replace("`", "'")
                click.echo(f"- {locale} {d.confidence:.2f} `{result.files[locale]}{line}` "
                           f"`{text}`")


@main.command()
@project_options
@check_option
@fuzzy_option
@base_url_option
@engine_option
@scheduler_option
@jobs_option
@click.option("--no-translate", is_flag=True, help="Skip machine translation.")
@with_project
def run(project: Project, *, check: bool, include_fuzzy: bool | None, engine: str | None,
        no_translate: bool, quiet: bool) -> None:
    """Run every stage: extract, update, translate, compile, build.

    With --check nothing is translated, so the gate answers the same with or without
    models installed. An unchanged rerun is skipped (see README).
    """
    result = project.run(check=check, include_fuzzy=include_fuzzy, engine=engine,
                         translate=not no_translate, progress=_progress(quiet))
    _report_translations(result, quiet)
    if not result.site_compared:
        _say(quiet, f"{project.config.output_dir} does not exist: the site was built in memory "
                    "but not compared")
    _warn(result.rejected)
    _warn_kept(result.kept)
    _table(result.stats, quiet)
    if result.skipped:
        changed = [w for w in result.writes if w.changed]
        for write in changed:
            _say(quiet, f"  removed {write.path}")
        removed = f", {len(changed)} removed" if changed else ""  # a killed run's temp files
        _say(quiet, f"nothing changed since the last run: 0 file(s) written{removed}, "
                    f"{len(result.writes) - len(changed)} unchanged")
        return
    _report_writes(result, quiet)


@main.command()
@project_options
@with_project
def engines(project: Project, *, quiet: bool) -> None:
    """List the engines (available or not, and why), their pairs, and who drafts each locale."""
    result = project.engines()
    for row in result.engines:
        state = click.style("available", fg="green") if row.availability.available else \
            click.style("not available", fg="yellow")
        click.echo(f"{row.name}: {state}" + (f" ({row.availability.reason})"
                                             if row.availability.reason else ""))
        unused = {u.model: u.reason for u in result.unused if u.engine == row.name}
        for (source, name, version), targets in _grouped(row.models):
            click.echo(f"  {source} → {targets}  {name} {version}")
            if name in unused:
                click.secho(f"    not used by any locale: {unused[name]}", fg="yellow")
        if row.choice:
            click.echo(f"  {row.choice}")
        if row.availability.available and not row.models:
            click.echo("  no models installed")
    click.echo("Per locale (first engine in the configured order with a model):")
    for chosen in result.chosen:
        model = chosen.model
        note = f" [{model.note}]" if model.note else ""
        click.echo(f"  {chosen.locale:<8} {chosen.engine}: {model.model} {model.version}{note}")
    if result.waiting:
        click.echo(f"  waiting for a model: {', '.join(result.waiting)}")
        for line in result.advice:
            click.echo(f"  {line}")


def _grouped(models: Sequence[Any]) -> list[tuple[tuple[str, str, str], str]]:
    """One line per model: a multilingual one (nllb) lists its targets on one line."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for model in models:
        note = f" [{model.note}]" if model.note else ""
        groups.setdefault((model.source, model.model, model.version), []).append(
            model.target + note)
    return [(key, ", ".join(targets) if len(targets) < 4 else
             f"{len(targets)} languages ({', '.join(targets)})")
            for key, targets in groups.items()]


store_options = options(
    CONFIG_OPTION,
    path_option("--models-dir", text="The model store (default: models-dir in the config, "
                                     "else .miss-i18n/models)."),
    QUIET_OPTION,
)


@main.group()
def models() -> None:
    """Install, list and remove translation models (.argosmodel files, NLLB-200/M2M-100).

    Models live in a project-local store, never in your global argos folder, and are
    used fully offline. No registry ships them: bring the files yourself.
    """


@models.command("install")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_options
def models_install(paths: tuple[Path, ...], config_path: Path | None,
                   models_dir: Path | None, quiet: bool) -> None:
    """Install .argosmodel files (or every one in a folder), or an NLLB-200 / M2M-100
    CTranslate2 folder (or a .zip, .tar.gz, .tar.xz or .tar.bz2 of one)."""
    from .results_more import Multilingual  # noqa: PLC0415 - loaded with the command

    result = Project.load(config_path, models_dir=models_dir).install_models(paths)
    for installed in result.installed:
        if isinstance(installed, Multilingual):
            model = installed.model
            _say(quiet, f"installed {model.name}: {model.family} {model.version}, "
                        f"{_coverage(installed)}")
        else:
            _say(quiet, f"installed {installed.name}: {installed.from_code} → "
                        f"{installed.to_code} version {installed.version}")
    _warn([f"warning: {u.model} ({u.pair}) is installed, but no locale uses it: {u.reason}"
           for u in result.unused])


def _coverage(model: Multilingual) -> str:
    """Which configured locales an NLLB/M2M-100 folder has a token for (it can draft them;
    whether it does is the engine order's call: `engines`), and which it has none for."""
    total = len(model.served) + len(model.missing)
    text = (f"can draft {len(model.served)} of {total} locales: "
            f"{', '.join(model.served) or '-'}")
    return text + (f"; no token in this model for: {', '.join(model.missing)}"
                   if model.missing else "")


@models.command("list")
@store_options
def models_list(config_path: Path | None, models_dir: Path | None, quiet: bool) -> None:
    """List installed models with their language pairs and versions."""
    project = Project.load(config_path, models_dir=models_dir)
    result = project.models()
    for model in result.installed:
        click.echo(f"{model.from_code} → {model.to_code}  {model.name}  version {model.version}")
    for nllb in result.multilingual:
        click.echo(f"{project.config.source_locale} → *  {nllb.model.name}  "
                   f"{nllb.model.family} {nllb.model.version}  {_coverage(nllb)}")
    if not result.installed and not result.multilingual:
        click.echo(f"no models in {result.store}; add an .argosmodel (`miss-i18n models "
                   "install PATH.argosmodel`) or an NLLB-200 folder (`miss-i18n models "
                   "install FOLDER`, see README)")


@models.command("remove")
@click.argument("specs", nargs=-1, required=True)
@store_options
def models_remove(specs: tuple[str, ...], config_path: Path | None, models_dir: Path | None,
                  quiet: bool) -> None:
    """Remove models by package or folder name (translate-en_de-1_0, nllb-600m) or pair
    (en_de)."""
    result = Project.load(config_path, models_dir=models_dir).remove_models(specs)
    for name in result.removed:
        _say(quiet, f"removed {name}")


# -- XLIFF for CAT tools -------------------------------------------------------------------
xliff_options = options(CONFIG_OPTION, LOCALES_DIR_OPTION, QUIET_OPTION, check_option)


@main.group(name="xliff")
def xliff_group() -> None:
    """Hand catalogs to CAT tools as XLIFF 2.0 and take the work back, losing nothing.

    `export` then `import` of an unedited file leaves every catalog byte for byte as it
    was; a segment set to final (or reviewed) is accepted: no longer fuzzy.
    """


@xliff_group.command("export")
@xliff_options
@click.option("-l", "--locale", "locales", multiple=True, metavar="LOCALE",
              help="Export this locale only; repeat for several (default: all).")
@click.option("--output-dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the <locale>.xlf files [default: build/xliff in the project "
                   "root].")
def xliff_export(*, config_path: Path | None, locales_dir: Path | None, quiet: bool,
                 check: bool, locales: tuple[str, ...], output_dir: Path | None) -> None:
    """Write one XLIFF 2.0 file per locale (<locale>.xlf) for CAT tools."""
    project = Project.load(config_path, locales_dir=locales_dir, only_locales=locales,
                           typed=typed_overrides(config=config_path, locales_dir=locales_dir))
    _report_writes(project.export_xliff(output_dir=output_dir, check=check), quiet)


class _Unit(Protocol):
    """An XLIFF unit as a warning names it (xliff.Unit: the CLI imports no stage)."""

    @property
    def id(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def msgctxt(self) -> str | None: ...


UNIT_WARNINGS = 20
"""Warnings printed per kind and file; the rest are counted (a file of 300,000 stale
units printed 300,000 lines)."""


def _unit_warnings(path: Path, units: Sequence[_Unit], why: str) -> None:
    for unit in units[:UNIT_WARNINGS]:
        named = f"unit {unit.id}" + (f" ({unit.msgctxt})" if unit.msgctxt else "")
        click.secho(f"warning: {path}:{unit.line}: {named} {why}", fg="yellow", err=True)
    if len(units) > UNIT_WARNINGS:
        click.secho(f"warning: {path}: … and {len(units) - UNIT_WARNINGS} more such units",
                    fg="yellow", err=True)


@xliff_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@xliff_options
def xliff_import(files: tuple[Path, ...], *, config_path: Path | None,
                 locales_dir: Path | None, quiet: bool, check: bool) -> None:
    """Bring translations and states from XLIFF files back into their catalogs.

    Every file is read and checked before any catalog is written: a malformed file or a
    translation with broken placeholders writes nothing.
    """
    project = Project.load(config_path, locales_dir=locales_dir,
                           typed=typed_overrides(config=config_path, locales_dir=locales_dir))
    result = project.import_xliff(files, check=check)
    for done in result.imports:
        # warnings: -q prints them too
        _unit_warnings(done.path, done.unknown, f"is not in the {done.locale} catalog any "
                       "more (its source changed or vanished): not imported; export again "
                       "and redo it")
        _unit_warnings(done.path, done.stale, "has a source text that is not the one "
                       "exported (edited in the file): its translation is of another "
                       "text, not imported; restore the source (edit the page to change "
                       "it) and import again")
        _unit_warnings(done.path, done.conflicts, "was changed in the file, and its "
                       "entry in the catalog since the export: the catalog's translation "
                       "stays, not imported; compare the two and make the change in one "
                       "place")
        _unit_warnings(done.path, done.unproven, "carries no mi:exported (the CAT tool "
                       "dropped it, or the file is from an older export), so the file "
                       "cannot tell whether its entry's translation, a person's, is newer: "
                       "the catalog's stays, not imported; make the change in the PO file, "
                       "or export again and redo it")
        _unit_warnings(done.path, done.obsolete, "is of an obsolete entry (#~: no page "
                       "shows its source any more; translate=\"no\"), yet its target was "
                       "changed: not imported")
        both = f", {len(done.conflicts)} changed in both" if done.conflicts else ""
        both += f", {len(done.unproven)} not told apart" if done.unproven else ""
        both += f", {done.noted} with new notes" if done.noted else ""
        both += f", {len(done.obsolete)} obsolete" if done.obsolete else ""
        _say(quiet, f"{done.path} → {done.locale}: {done.updated} entries updated, "
                    f"{done.accepted} accepted, {len(done.unknown)} not found, "
                    f"{len(done.stale)} with another source{both}")
    _report_writes(result, quiet)


# -- TMX into the translation memory ------------------------------------------------------
@main.group(name="tm")
def tm_group() -> None:
    """The translation memory: bring in human translations made with other tools.

    Imported translations become fuzzy drafts (`# translation memory: FILE`) for the
    entries whose whole source they match, before any engine runs.
    """


@tm_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@options(CONFIG_OPTION, QUIET_OPTION)
def tm_import(files: tuple[Path, ...], *, config_path: Path | None, quiet: bool) -> None:
    """Import the human translations of TMX files into the translation memory.

    Every file is read and checked first: a malformed one imports nothing at all.
    Importing a file again adds nothing; a later translation of the same source replaces
    the earlier one. Run `miss-i18n translate` (or `run`) to draft from them.
    """
    for done in Project.load(config_path).import_tm(files).imports:
        for line in _tm_lines(done):
            _say(quiet, line)


def _tm_lines(done: TmImport) -> list[str]:
    """One line per locale (and per language the project lacks): imported, skipped, why."""
    lines = [f"{done.path}: {done.units} unit(s)"]
    for where in sorted(set(done.added) | set(done.skipped)):
        parts = []
        if where in done.added:
            added = done.added[where]
            parts.append(f"{added.new + added.updated} imported ({added.new} new, "
                         f"{added.updated} updated), {added.unchanged} already in the memory")
        reasons = done.skipped.get(where, {})
        if reasons:
            parts.append(f"{sum(reasons.values())} skipped (" + ", ".join(
                f"{count} {reason}" for reason, count in sorted(reasons.items())) + ")")
        lines.append(f"  {where}: " + "; ".join(parts))
    return lines


site_options = options(
    CONFIG_OPTION,
    path_option("--output-dir", text="Folder the localized site was built into."),
    QUIET_OPTION,
)
"""Options of the commands that work on the built site only."""


@main.command()
@site_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000,
              help="Port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1",
              help="Address to listen on; the default is reachable from this machine only.")
def serve(config_path: Path | None, output_dir: Path | None, port: int, host: str,
          quiet: bool) -> None:
    """Preview the built site on localhost (read-only), until Ctrl-C."""
    log = None if quiet else functools.partial(click.echo, err=True)
    preview = Project.load(config_path, output_dir=output_dir).preview(host, port, log=log)
    with preview.server as server:
        click.echo(f"serving {preview.folder} at {server.url} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            _say(quiet, "stopped")


@main.command(name="export")
@site_options
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Archive to write, *.zip or *.tar.gz [default: the output folder's name "
                   "plus .zip, next to it: build/site.zip].")
def export_command(config_path: Path | None, output_dir: Path | None, output: Path | None,
                   quiet: bool) -> None:
    """Write the built site as one reproducible archive for hand-off."""
    result = Project.load(config_path, output_dir=output_dir).export_site(output)
    _say(quiet, f"{'wrote' if result.changed else 'unchanged:'} {result.archive} "
                f"({result.files} files, {result.size} bytes)")


def _name_variables(group: click.Group, prefix: str = "MISS_I18N") -> None:
    """Each option's environment variable, MISS_I18N_<COMMAND>_<OPTION> after its long
    name (MISS_I18N_RUN_CONFIG, MISS_I18N_CHECK_FORMAT), as README says: click's
    auto_envvar_prefix names it after the Python parameter (config_path), which still
    works too."""
    for name, command in group.commands.items():
        here = f"{prefix}_{name.replace('-', '_').upper()}"
        if isinstance(command, click.Group):
            _name_variables(command, here)
            continue
        for param in command.params:
            long = next((o for o in param.opts if o.startswith("--")), None)
            if isinstance(param, click.Option) and param.envvar is None and long:
                param.envvar = list(dict.fromkeys((
                    f"{here}_{long[2:].replace('-', '_').upper()}",
                    f"{here}_{(param.name or '').upper()}")))


_name_variables(main)


def _in_utf8_mode() -> None:
    """File names are UTF-8 (README) whatever the locale. Under a legacy one (ISO-8859-1,
    or C without Python's UTF-8 mode) Python decodes them by the locale, which would write
    'Ã¼ber-uns' into catalogs and links, or refuse 'über-uns.html' as not UTF-8: the
    command runs itself again in UTF-8 mode, its output still in the locale's encoding."""
    if sys.flags.utf8_mode or codecs.lookup(sys.getfilesystemencoding()).name == "utf-8":
        return
    env = {**os.environ, "PYTHONUTF8": "1"}
    env.setdefault("PYTHONIOENCODING", f"{sys.stdout.encoding or 'ascii'}:backslashreplace")
    os.execve(sys.executable, sys.orig_argv, env)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI's timeout, ``kill``, systemd stopping a job), raised where the run is,
    as Ctrl-C's KeyboardInterrupt is: the files being written are removed the same way
    (SIGTERM's default ended the process at once and left them to the next run)."""


_interrupted = False


def _interrupt(_signal: int, _frame: object) -> None:
    """Ctrl-C: a KeyboardInterrupt, as Python's own handler raises, remembered so that the
    process ends by the signal once it has cleaned up."""
    global _interrupted  # noqa: PLW0603 - the process's own
    _interrupted = True
    raise KeyboardInterrupt


def _terminate(_signal: int, _frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second one ends the process at once
    raise Terminated


def script() -> None:
    """The ``miss-i18n`` command: ``main`` in a process of its own. At exit, Python's last
    collection walked every object the run left (a first run of bench/bench.py's 128
    pages: 40 ms of 1.1 s); frozen, they are skipped. Then it ends without Python's
    teardown (``_exit``). Not in ``main``, which tests call in one long process. Stopped
    by SIGTERM, it cleans up as after Ctrl-C, then ends by the signal, as its sender
    expects."""
    _in_utf8_mode()
    for stream in (sys.stdout, sys.stderr):  # a legacy locale's terminal (Latin-1): a
        if isinstance(stream, io.TextIOWrapper):  # character it lacks shows as \u2192
            stream.reconfigure(errors="backslashreplace")
    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # (not one ignored)
        signal.signal(signal.SIGINT, _interrupt)
    global _kept  # noqa: PLW0603 - the process's own, set once as it starts
    _kept = []
    try:
        main()
    except SystemExit as done:  # how click's standalone main always ends
        code: str | int | None = done.code
    except OSError as error:  # the output itself (`> /dev/full`): every file the run
        if error.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT):  # writes says
            raise  # why it failed as a MissI18nError, so only printing got here
        with contextlib.suppress(OSError, ValueError):
            print(f"error: cannot write the output ({error.strerror})", file=sys.stderr)
        code = 120  # as Python exits where its last flush fails
    else:
        code = None
    finally:
        gc.freeze()
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # _terminate ran
            os.kill(os.getpid(), signal.SIGTERM)
    if _interrupted and code:  # a command Ctrl-C stopped (click said "Aborted!"), not
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # serve, which it ends normally
        os.kill(os.getpid(), signal.SIGINT)  # exit 130 to a shell, not check's 1
    _exit(code)


def _exit(code: str | int | None) -> NoReturn:
    """``sys.exit(code)``, less Python's teardown: freeing every object and module the run
    left, one by one (a first run of bench/bench.py's 128 pages: about 15 ms), only for
    the process to end. The exit handlers run and the output is flushed as at a normal
    exit (a flush that fails exits 120, as Python does); where a thread that is not a
    daemon still runs, the exit is Python's own, which waits for it."""
    if any(not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        sys.exit(code)
    status = code or 0
    if isinstance(status, str):  # as sys.exit prints it
        print(status, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started with it closed (`>&-`)
                stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`), a closed stream
            status = status or 120
    os._exit(status & 0xFF)


EXAMPLES = {
    ("run",): ["miss-i18n run                      # every stage, every locale",
               "miss-i18n run --no-translate -q    # no machine drafts; errors only",
               "miss-i18n run -l de -l fr          # those locales only",
               "miss-i18n run --check              # exit 3 if anything would change (CI)"],
    ("check",): ["miss-i18n check --strict          # warnings fail too (exit 1)",
                 "miss-i18n check --min-translated 80 --format json"],
    ("status",): ["miss-i18n status --least-confident 5",
                  'miss-i18n status --format markdown >> "$GITHUB_STEP_SUMMARY"'],
    ("translate",): ["miss-i18n translate -l de         # drafts for de, marked fuzzy",
                     "miss-i18n translate --engine apertium -l es"],
    ("build",): ["miss-i18n build --base-url https://example.org/docs/   # with a sitemap",
                 "miss-i18n build --exclude-fuzzy   # drafts awaiting review left out"],
    ("models", "install"): [
        "miss-i18n models install ~/Downloads/translate-en_de-1_0.argosmodel",
        "miss-i18n models install nllb-600m  # a converted NLLB-200 folder"],
    ("xliff", "export"): ["miss-i18n xliff export -l es --output-dir handoff/"],
    ("xliff", "import"): ["miss-i18n xliff import handoff/es.xlf"],
    ("tm", "import"): ["miss-i18n tm import memory.tmx"],
    ("export",): ["miss-i18n export -o site.tar.gz"],
    ("serve",): ["miss-i18n serve --port 8080"],
}
"""Each command's examples, shown under its --help (README.md says more)."""


def _add_examples() -> None:
    for names, lines in EXAMPLES.items():
        command: click.Command = main
        for name in names:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        command.epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


_add_examples()


if __name__ == "__main__":  # pragma: no cover
    script()

"""The command line: thin wrappers over the stages. The only module that prints."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, catalog, pipeline, xliff
from .archive import archive_format, site_archive
from .checks import check_file
from .config import ENGINES, Config, load_config
from .engines import nllb_store
from .engines.base import Progress
from .engines.nllb import NllbEngine
from .engines.registry import Engines
from .engines.store import ModelStore
from .errors import CatalogError, ConfigError, MissI18nError, ModelNotFound, ValidationFailed
from .files import Snapshot, write_if_changed
from .lock import project_lock
from .model import CatalogStats, Issue, Severity, WriteResult
from .project import Project, now, rejected_lines
from .report import markdown_status
from .serve import make_server
from .translate import LocaleResult, waiting_locales

F = TypeVar("F", bound=Callable[..., Any])


class Group(click.Group):
    """Turns every MissI18nError into one line on stderr and its exit code, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MissI18nError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)


CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(path_type=Path),
    help="pyproject.toml holding [tool.miss-i18n] (default: nearest one).")
LOCALES_DIR_OPTION = click.option(
    "--locales-dir", type=click.Path(path_type=Path),
    help="Folder of the POT and the <locale>/LC_MESSAGES/*.po catalogs.")
QUIET_OPTION = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")


def options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying click options in the order they are listed (as --help shows)."""
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


project_options = options(
    CONFIG_OPTION,
    click.option("--source-dir", type=click.Path(path_type=Path),
                 help="Folder of source .html pages (overrides the config)."),
    LOCALES_DIR_OPTION,
    click.option("--output-dir", type=click.Path(path_type=Path),
                 help="Folder the localized site is built into."),
    click.option("-l", "--locale", "locales", multiple=True, metavar="LOCALE",
                 help="Work on this locale only; repeat for several (default: all)."),
    QUIET_OPTION,
)
"""Options every pipeline command shares, defined once."""


def check_option(function: F) -> F:
    return click.option(
        "--check", is_flag=True,
        help="Write nothing; exit 3 naming every file that would change.")(function)


def base_url_option(function: F) -> F:
    return click.option(
        "--base-url", metavar="URL",
        help="Absolute URL the site is published at, for hreflang, canonical and sitemap "
             "links (overrides base-url in the config; an empty value clears it). Links "
             "people click are always relative.")(function)


def jobs_option(function: F) -> F:
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), metavar="N",
        help="Processes for building pages and catalogs (1: in this process) [default: "
             "jobs in the config, else one per core when the work is large enough].")(function)


def fuzzy_option(function: F) -> F:
    return click.option(
        "--include-fuzzy/--exclude-fuzzy", default=None, show_default=False,
        help="Show fuzzy entries (machine drafts awaiting review) in built pages, with a "
             "notice [default: include-fuzzy in the config, else exclude].")(function)


def _config(options: dict[str, Any]) -> Config:
    return load_config(
        options.pop("config_path"),
        source_dir=options.pop("source_dir"),
        locales_dir=options.pop("locales_dir"),
        output_dir=options.pop("output_dir"),
        only_locales=options.pop("locales"),
        base_url=options.pop("base_url", None),
        jobs=options.pop("jobs", None),
    )


def with_config(function: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(function)
    def wrapper(**options: Any) -> None:
        config = _config(options)
        function(config, **options)

    return wrapper


def locked(function: Callable[..., None]) -> Callable[..., None]:
    """Hold the project lock while the command runs: shared with --check, else exclusive."""
    @functools.wraps(function)
    def wrapper(config: Config, **options: Any) -> None:
        with project_lock(config.root, shared=bool(options.get("check"))):
            function(config, **options)

    return wrapper


def _say(quiet: bool, message: str = "", **style: Any) -> None:
    if not quiet:
        click.secho(message, **style)


def _report_writes(results: Sequence[WriteResult], quiet: bool, check: bool,
                   command: str = "run") -> None:
    changed = [r for r in results if r.changed]
    for result in changed:
        if check:
            verb = "would remove" if result.removed else "would change"
            click.echo(f"{verb}: {result.path}", err=True)
        else:
            _say(quiet, f"  {'removed' if result.removed else 'wrote'} {result.path}")
    _say(quiet, f"{len(changed)} file(s) {'would change' if check else 'written'}, "
                f"{len(results) - len(changed)} unchanged")
    if check:
        pipeline.ensure_fresh(results, command)


def _table(rows: Sequence[CatalogStats], quiet: bool) -> None:
    if quiet or not rows:
        return
    click.echo(f"{'locale':<8} {'entries':>7} {'translated':>10} {'fuzzy':>6} "
               f"{'(machine)':>9} {'untranslated':>12} {'done':>6}")
    for row in rows:
        click.echo(f"{row.locale:<8} {row.total:>7} {row.translated:>10} {row.fuzzy:>6} "
                   f"{row.machine:>9} {row.untranslated:>12} {row.percent:>5.0f}%")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"],
                                          "auto_envvar_prefix": "MISS_I18N",
                                          "show_default": True})
@click.version_option(__version__, prog_name="miss-i18n")
def main() -> None:
    """Source HTML → gettext catalogs → offline machine drafts → localized pages.

    Run `miss-i18n run` to do everything; the other commands run one stage each.
    """


@main.command()
@project_options
@check_option
@with_config
@locked
def extract(config: Config, *, check: bool, quiet: bool) -> None:
    """Extract the source pages' text into the template (locales/<domain>.pot)."""
    seen = Snapshot()
    pot = pipeline.template(config, now(), seen=seen)
    output = pipeline.Output(config.pot_path, catalog.to_bytes(pot))
    results = pipeline.commit([output], check=check, config=config, seen=seen)
    _say(quiet, f"{results[0].path}: {len(pot)} entries")
    _report_writes(results, quiet, check, "extract")


@main.command()
@project_options
@check_option
@with_config
@locked
def update(config: Config, *, check: bool, quiet: bool) -> None:
    """Create or merge each locale's catalog from the template, keeping translations."""
    seen = Snapshot()
    pot = catalog.load(config.pot_path)
    catalogs = pipeline.merged(config, pot, seen=seen)
    results = pipeline.commit(pipeline.catalog_outputs(config, catalogs), check=check,
                              config=config, seen=seen)
    _table(pipeline.stats(catalogs), quiet)
    _report_writes(results, quiet, check, "update")


def engine_option(function: F) -> F:
    return click.option(
        "--engine", type=click.Choice(ENGINES), default=None,
        help="Use only this engine (default: the configured preference per locale).")(function)


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


def _progress(quiet: bool, tty: bool | None = None) -> Callable[[str], Progress | None]:
    """A progress bar per locale, on a terminal only (``--quiet`` turns it off)."""
    if quiet or not (sys.stderr.isatty() if tty is None else tty):
        return lambda _locale: None
    return lambda locale: _Bar(f"translating {locale}")


def _translate(config: Config, catalogs: dict[str, Any], engine: str | None,
               quiet: bool) -> None:
    """Draft what needs it, and say what was done."""
    engines = Engines(config, forced=engine)
    results = pipeline.translate_all(config, catalogs, engines.choose, now=now(),
                                     progress=_progress(quiet))
    _report_translations(results, waiting_locales(results), quiet)


def _report_translations(results: Sequence[LocaleResult], waiting: Sequence[str],
                         quiet: bool) -> None:
    for result in results:
        if result.model is None:
            continue
        detail = f", {result.piecewise} with markup translated piecewise" if result.piecewise \
            else ""
        failed = f", {result.failed} failed (left untranslated)" if result.failed else ""
        _say(quiet, f"{result.locale}: {result.drafted} draft(s) by {result.model.provenance}"
                    f"{detail}{failed}; {result.texts} text(s): "
                    f"{result.from_memory} from memory, {result.from_engine} translated")
    if waiting:  # a warning, not an error: -q prints only errors
        _say(quiet, f"no engine or model for {len(waiting)} locale(s): {', '.join(waiting)}; "
                    "they stay untranslated. Add a model with `miss-i18n models install "
                    "PATH.argosmodel` (see `miss-i18n engines`)", fg="yellow", err=True)


@main.command()
@project_options
@engine_option
@with_config
@locked
def translate(config: Config, *, engine: str | None, quiet: bool) -> None:
    """Fill untranslated entries with offline machine drafts, marked fuzzy for review."""
    seen = Snapshot()
    catalogs = pipeline.load_catalogs(config, seen=seen)
    _translate(config, catalogs, engine, quiet)
    results = pipeline.commit(pipeline.catalog_outputs(config, catalogs), check=False,
                              config=config, seen=seen)
    _table(pipeline.stats(catalogs), quiet)
    _report_writes(results, quiet, False, "translate")


@main.command(name="check")
@project_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", help="Output for people, or JSON for machines.")
@click.option("--min-translated", type=click.FloatRange(0, 100), default=None,
              metavar="PCT", help="Fail when a locale has less than PCT% translated.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@with_config
def check_command(config: Config, *, output_format: str, min_translated: float | None,
                  strict: bool, quiet: bool) -> None:
    """Validate catalogs with Babel and the QA checks; exit 1 if any error is found."""
    issues: list[Issue] = []
    rows: list[CatalogStats] = []
    for locale in config.targets:
        path = config.po_path(locale)
        shown = str(path.relative_to(config.root)) if path.is_relative_to(config.root) else str(
            path)
        issues.extend(check_file(path, locale, config.glossary, shown))
        rows.append(catalog.stats(catalog.load(path), locale))
    gated = [r.locale for r in rows if min_translated is not None and r.percent < min_translated]
    errors = [i for i in issues if strict or i.severity is Severity.ERROR]
    if output_format == "json":
        click.echo(json.dumps({
            "issues": [vars(i) | {"severity": i.severity.value} for i in issues],
            "stats": _stats_json(rows),
            "below_min_translated": gated,
        }, ensure_ascii=False, indent=2))
    else:
        _print_issues(issues, quiet)
        _table(rows, quiet)
    if errors or gated:
        reasons = []
        if errors:
            reasons.append(f"{len(errors)} error(s)")
        if gated:
            reasons.append(f"below {min_translated:g}% translated: {', '.join(gated)}")
        raise ValidationFailed("check failed: " + "; ".join(reasons))


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


@main.command(name="compile")
@project_options
@check_option
@with_config
@locked
def compile_command(config: Config, *, check: bool, quiet: bool) -> None:
    """Compile each catalog to a .mo file (fuzzy entries left out)."""
    seen = Snapshot()
    catalogs = pipeline.load_catalogs(config, seen=seen)
    results = pipeline.commit(pipeline.mo_outputs(config, catalogs), check=check,
                              config=config, seen=seen)
    _report_writes(results, quiet, check, "compile")


@main.command()
@project_options
@check_option
@fuzzy_option
@base_url_option
@jobs_option
@with_config
@locked
def build(config: Config, *, check: bool, include_fuzzy: bool | None, quiet: bool) -> None:
    """Build the localized pages, index.html and sitemap.xml into the output folder."""
    seen = Snapshot()
    catalogs = pipeline.load_catalogs(config, seen=seen)
    fuzzy = config.include_fuzzy if include_fuzzy is None else include_fuzzy
    outputs, pages, gone = pipeline.site_outputs(config, catalogs, include_fuzzy=fuzzy,
                                                 seen=seen, check=check)
    results = pipeline.commit(outputs, check=check, config=config, seen=seen)
    results += _prune(config, gone, check)
    _warn(rejected_lines(pages))
    _report_writes(results, quiet, check, "build")


def _prune(config: Config, gone: Sequence[pipeline.Recorded], check: bool
           ) -> list[WriteResult]:
    pruned = pipeline.prune(config, gone, check=check)
    _warn_kept(pruned.kept)
    return pruned.removed


def _warn_kept(kept: Sequence[str]) -> None:
    for name in kept:
        click.secho(f"warning: {name}: no longer built, but not what the build wrote there "
                    "(changed since, or not recorded); kept: delete it yourself if unwanted",
                    fg="yellow", err=True)


def _warn(lines: Sequence[str]) -> None:
    for line in lines:
        click.secho(line, fg="yellow", err=True)


def _stats_json(rows: Sequence[CatalogStats]) -> list[dict[str, Any]]:
    return [vars(r) | {"percent": round(r.percent, 1)} for r in rows]


@main.command()
@project_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]),
              default="text", help="A table for people, JSON for machines, or a Markdown "
                                   "table (with each locale published or preview) for CI "
                                   "job summaries.")
@with_config
def status(config: Config, *, output_format: str, quiet: bool) -> None:
    """Show entries, translated, fuzzy (machine drafts among them) and untranslated counts."""
    catalogs = pipeline.load_catalogs(config, seen=Snapshot())
    rows = pipeline.stats(catalogs)
    if output_format == "json":
        click.echo(json.dumps(_stats_json(rows), ensure_ascii=False, indent=2))
    elif output_format == "markdown":
        published = {locale: pipeline.shown_percent(po, config.include_fuzzy)
                     >= config.publish_threshold for locale, po in catalogs.items()}
        click.echo(markdown_status(rows, published), nl=False)
    else:
        _table(rows, quiet=False)


@main.command()
@project_options
@check_option
@fuzzy_option
@base_url_option
@engine_option
@jobs_option
@click.option("--no-translate", is_flag=True, help="Skip machine translation.")
@with_config
def run(config: Config, *, check: bool, include_fuzzy: bool | None, engine: str | None,
        no_translate: bool, quiet: bool) -> None:
    """Run every stage: extract, update, translate, compile, build.

    With --check nothing is translated, so the gate answers the same with or without
    models installed. An unchanged rerun is skipped (see README).
    """
    result = Project(config).run(check=check, include_fuzzy=include_fuzzy, engine=engine,
                                 translate=not no_translate, progress=_progress(quiet))
    _report_translations(result.translations, result.waiting, quiet)
    if not result.site_compared:
        _say(quiet, f"{config.output_dir} does not exist: the site was built in memory "
                    "but not compared")
    _warn(result.rejected)
    _warn_kept(result.kept)
    _table(result.stats, quiet)
    if result.skipped:
        changed = [w for w in result.writes if w.changed]
        for write in changed:
            _say(quiet, f"  removed {write.path}")
        _say(quiet, f"nothing changed since the last run: {len(changed)} file(s) written, "
                    f"{len(result.writes) - len(changed)} unchanged")
        return
    _report_writes(result.writes, quiet, check, "run")


@main.command()
@project_options
@with_config
def engines(config: Config, *, quiet: bool) -> None:
    """List the engines (available or not, and why), their pairs, and who drafts each locale."""
    found = Engines(config)
    for row in found.status():
        state = click.style("available", fg="green") if row.availability.available else \
            click.style("not available", fg="yellow")
        click.echo(f"{row.name}: {state}" + (f" ({row.availability.reason})"
                                             if row.availability.reason else ""))
        for (source, name, version), targets in _grouped(row.models):
            click.echo(f"  {source} → {targets}  {name} {version}")
        if row.availability.available and not row.models:
            click.echo("  no models installed")
    click.echo("Per locale (first engine in the configured order with a model):")
    waiting = []
    for locale in config.targets:
        chosen = found.choose(locale)
        if chosen is None:
            waiting.append(locale)
            continue
        note = f" [{chosen[1].note}]" if chosen[1].note else ""
        click.echo(f"  {locale:<8} {chosen[0].name}: {chosen[1].model} {chosen[1].version}{note}")
    if waiting:
        click.echo(f"  waiting for a model: {', '.join(waiting)}")
        click.echo("Add one with `miss-i18n models install PATH.argosmodel`, or an NLLB-200 "
                   "folder for every locale at once (see README).")


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
    click.option("--models-dir", type=click.Path(path_type=Path),
                 help="The model store (default: models-dir in the config, else "
                      ".miss-i18n/models)."),
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
    CTranslate2 folder (or a .zip / .tar.gz of one)."""
    config = load_config(config_path, models_dir=models_dir)
    store = ModelStore(config.models_dir)
    for path in paths:
        if nllb_store.is_candidate(path):
            model = nllb_store.NllbStore(nllb_store.store_for(config.models_dir)).install(path)
            _say(quiet, f"installed {model.name}: {model.family} {model.version}, "
                        f"{_nllb_coverage(config, model)}")
            continue
        for installed in store.install(path):
            _say(quiet, f"installed {installed.name}: {installed.from_code} → "
                        f"{installed.to_code} version {installed.version}")


def _nllb_coverage(config: Config, model: nllb_store.InstalledNllb) -> str:
    """Which configured locales an NLLB/M2M-100 folder serves, and which it has no token for."""
    served = [loc for loc in config.locales
              if NllbEngine.info(model, config.source_locale, loc) is not None]
    missing = [loc for loc in config.locales if loc not in served]
    text = f"serves {len(served)} of {len(config.locales)} locales: {', '.join(served) or '-'}"
    return text + (f"; no token in this model for: {', '.join(missing)}" if missing else "")


@models.command("list")
@store_options
def models_list(config_path: Path | None, models_dir: Path | None, quiet: bool) -> None:
    """List installed models with their language pairs and versions."""
    config = load_config(config_path, models_dir=models_dir)
    store = ModelStore(config.models_dir)
    installed = store.list()
    for model in installed:
        click.echo(f"{model.from_code} → {model.to_code}  {model.name}  version {model.version}")
    multilingual = nllb_store.NllbStore(nllb_store.store_for(config.models_dir)).list()
    for nllb in multilingual:
        click.echo(f"{config.source_locale} → *  {nllb.name}  {nllb.family} {nllb.version}  "
                   f"{_nllb_coverage(config, nllb)}")
    if not installed and not multilingual:
        click.echo(f"no models in {store.root}; add one with "
                   "`miss-i18n models install PATH.argosmodel`")


@models.command("remove")
@click.argument("specs", nargs=-1, required=True)
@store_options
def models_remove(specs: tuple[str, ...], config_path: Path | None, models_dir: Path | None,
                  quiet: bool) -> None:
    """Remove models by package or folder name (translate-en_de-1_0, nllb-600m) or pair
    (en_de)."""
    config = load_config(config_path, models_dir=models_dir)
    store = ModelStore(config.models_dir)
    multilingual = nllb_store.NllbStore(nllb_store.store_for(config.models_dir))
    for spec in specs:
        if multilingual.remove(spec) is not None:
            _say(quiet, f"removed {spec}")
            continue
        try:
            removed = store.remove(spec)
        except ModelNotFound as exc:  # a name that is not installed: bad usage, not a fault
            raise ConfigError(exc.message) from None
        for model in removed:
            _say(quiet, f"removed {model.name}")


# -- XLIFF for CAT tools -------------------------------------------------------------------
XLIFF_DIR = Path("build") / "xliff"


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
    config = load_config(config_path, locales_dir=locales_dir, only_locales=locales)
    seen = Snapshot()
    with project_lock(config.root, shared=check):
        folder = output_dir.resolve() if output_dir is not None else config.root / XLIFF_DIR
        outputs = []
        for locale in config.targets:
            path = pipeline.catalog_path(config, locale, seen)
            original = path.relative_to(config.root).as_posix() if path.is_relative_to(
                config.root) else path.name
            data = xliff.export(catalog.load(path), source_locale=config.source_locale,
                                locale=locale, original=original)
            outputs.append(pipeline.Output(folder / f"{locale}.xlf", data))
        results = pipeline.commit(outputs, check=check, config=config, seen=seen, also=[folder])
        _report_writes(results, quiet, check, "xliff export")


def _read_xliff(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read ({exc.strerror}); check the path", path=path) from None


@xliff_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@xliff_options
def xliff_import(files: tuple[Path, ...], *, config_path: Path | None,
                 locales_dir: Path | None, quiet: bool, check: bool) -> None:
    """Bring translations and states from XLIFF files back into their catalogs.

    Every file is read and checked before any catalog is written: a malformed file or a
    translation with broken placeholders writes nothing.
    """
    config = load_config(config_path, locales_dir=locales_dir)
    seen = Snapshot()
    with project_lock(config.root, shared=check):
        catalogs: dict[str, Any] = {}
        done: list[tuple[Path, str, xliff.ImportResult]] = []
        for path in files:
            document = xliff.read(_read_xliff(path), path)
            locale = xliff.locale_of(document, config.source_locale, config.locales)
            current = catalogs[locale] if locale in catalogs else catalog.load(
                pipeline.catalog_path(config, locale, seen))
            result = xliff.apply(current, document)
            catalogs[locale] = result.catalog
            done.append((path, locale, result))
        results = pipeline.commit(pipeline.catalog_outputs(config, catalogs), check=check,
                                  config=config, seen=seen)
        for path, locale, result in done:
            for unit in result.unknown:
                if not quiet:
                    click.secho(f"warning: {path}:{unit.line}: unit {unit.id} ({unit.msgctxt}) is "
                                f"not in the {locale} catalog any more (its source changed or "
                                "vanished): not imported; export again and redo it",
                                fg="yellow", err=True)
            _say(quiet, f"{path} → {locale}: {result.updated} entries updated, "
                        f"{result.accepted} accepted, {len(result.unknown)} not found")
        _report_writes(results, quiet, check, "xliff import")


site_options = options(
    CONFIG_OPTION,
    click.option("--output-dir", type=click.Path(path_type=Path),
                 help="Folder the localized site was built into."),
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
    config = load_config(config_path, output_dir=output_dir)
    log = None if quiet else functools.partial(click.echo, err=True)
    server = make_server(config.output_dir, host, port, log=log)
    with server:
        click.echo(f"serving {_shown(config.output_dir, config.root)} at {server.url} "
                   "(Ctrl-C to stop)")
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
    config = load_config(config_path, output_dir=output_dir)
    target = output if output is not None else config.output_dir.with_name(
        f"{config.output_dir.name}.zip")
    data, count = site_archive(config.output_dir, archive_format(target), skip=target)
    changed = write_if_changed(target.absolute(), data, target.absolute().parent)
    _say(quiet, f"{'wrote' if changed else 'unchanged:'} {_shown(target, config.root)} "
                f"({count} files, {len(data)} bytes)")


def _shown(path: Path, root: Path) -> str:
    absolute = path.absolute()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else str(path)


def entry_point() -> None:  # pragma: no cover - console script shim
    main(prog_name="miss-i18n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

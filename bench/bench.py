"""Benchmark harness of issue 15: MT, the non-MT stages, reruns, edits, memory and scaling.

Not a test. One run measures, side by side in one process tree on the machine at hand,
so that the ratios it ends with are meaningful even where absolute times are noisy:

1. MT: our ``ArgosEngine.translate`` vs argostranslate's ``translate()`` loop vs raw
   CTranslate2 at its best batching, on the same model and real sentences (the
   functions of bench/bench_translate.py);
2. the non-MT stages (``miss-i18n run --no-translate``, first run, in a temporary
   project) vs translate-toolkit's ``html2po`` + ``pot2po`` + ``po2html`` doing the same
   work (extract, one catalog per locale, one page per page and locale) on the same
   pages and locales;
3. an unchanged rerun vs the first run, and 4. a one-paragraph edit vs the first run
   (at the largest size, ``--rounds`` rounds of ours and of translate-toolkit, alternating:
   the ratios are of the medians); then the same project translated (every catalog's
   entries accepted, as a translated site's are): its first run (a fresh clone: the
   catalogs, no build index, no site) and a one-paragraph edit of it;
5. peak memory: the largest RSS of the measured process (``ru_maxrss`` of a fresh
   wrapper process's children, one wrapper per measurement);
6. scaling: first runs at 1x, 4x and 16x the pages (time per page at 16x over 1x).

Pages: the article (source/) and the real multi-generator pages of tests/pages/,
replicated under new names to reach each size. Every command is the real CLI
(``python -m miss_i18n.cli`` with PYTHONPATH at the src under test). translate-toolkit
lives in a separate venv, never in the project's dependencies::

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install translate-toolkit rapidfuzz
    .venv/bin/python bench/bench.py --quick --tt-bin /work/bench-venv/bin

The output ends with one ``name: value`` line per ratio (see RATIOS).
"""

# Imports of this project's modules and of bench_translate are lazy on purpose (PLC0415):
# only after sys.path points at the src under test.
# ruff: noqa: PLC0415

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PAGES = [ROOT / "source" / "minimally-invasive-spine-surgery.html",
         *sorted((ROOT / "tests" / "pages").glob("*.html"))]
FIXTURE_MODEL = ROOT / "tests" / "fixtures" / "models" / "translate-en_de-1_0.argosmodel"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "miss-i18n" / "bench"
TT_ENV = "BENCH_TT_BIN"

# The ratio lines, in the order they are printed (the last lines of the output).
RATIOS = ("mt_vs_raw_ct2", "mt_vs_argos_loop", "nonmt_vs_tt", "rerun_vs_first",
          "edit_vs_first", "edit_translated_vs_first", "scaling_16x_vs_1x",
          "peak_mb_16x_vs_1x")
SCALES = (1, 4, 16)
# The tiny fixture model is about 100 times faster than the realistic one: more sentences,
# so that its times are not lost in the timer's and the thread pool's noise.
FIXTURE_SENTENCES = 400
FIXTURE_REPEAT = 7
"""And more runs of each: one takes a fifth of a second, where a neighbour's burst moves it
by a tenth."""
# --quick: a spread of scripts and directions (rtl, CJK, Indic, Cyrillic, Latin).
QUICK_LOCALES = ("de", "ar", "zh", "ja", "ru", "hi", "pt_BR", "he")
# The one-paragraph edit: one phrase of the article's lead paragraph.
EDIT = (b"facilitate a quicker recovery period.", b"facilitate a faster recovery period.")
# The translated project's edit: another phrase of the same paragraph.
EDIT_TRANSLATED = (b"reduce the physical trauma to the patient",
                   b"reduce the bodily trauma to the patient")

# Gives every untranslated entry of every catalog its msgid as msgstr ("copy source", as
# CAT tools offer), written as the project writes catalogs. Not a translation and never
# shown as one: it makes catalogs as large as translated ones, accepted entries that the
# checks, the .mo files and the pages all read, which the measured runs then work on.
FILL = r"""
import sys
from pathlib import Path
from miss_i18n import catalog
for path in sorted(Path(sys.argv[1]).glob("*/LC_MESSAGES/*.po")):
    po = catalog.load(path)
    for entry in po:
        if not entry.obsolete and not entry.msgid_plural and not entry.msgstr:
            entry.msgstr = entry.msgid
    path.write_bytes(catalog.to_bytes(po))
"""

PYPROJECT = """\
[tool.miss-i18n]
source-dir = "source"
locales-dir = "locales"
output-dir = "site"
domain = "miss"
source-locale = "en"
base-url = "https://miss-i18n.example/"
locales = [{locales}]
"""

# Runs the commands it is given one after another and reports their wall time and the
# largest RSS among them. A fresh process per measurement, so that RUSAGE_CHILDREN holds
# only the measured commands (ru_maxrss is the largest single process, in KiB on Linux).
MEASURE = r"""
import json, resource, subprocess, sys, time
job = json.load(sys.stdin)
started = time.perf_counter()
for command in job["commands"]:
    done = subprocess.run(command, cwd=job["cwd"], env=job["env"], check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.stderr.write(f"{' '.join(command)} exited {done.returncode}:\n"
                         f"{done.stderr[-3000:]}")
        sys.exit(1)
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kib / 1024}))
"""


@dataclass(frozen=True)
class Measured:
    """Wall seconds of a measured run and the peak RSS of its largest process."""

    seconds: float
    peak_mb: float


def format_ratios(ratios: Mapping[str, float | None]) -> str:
    """The closing ``name: value`` lines, in RATIOS order; n/a for what was skipped."""
    return "\n".join(f"{name}: {'n/a' if ratios.get(name) is None else f'{ratios[name]:.4g}'}"
                     for name in RATIOS)


def parse_ratios(output: str) -> dict[str, float | None]:
    """The ratio lines of a bench.py output, for scripts that compare runs."""
    found: dict[str, float | None] = {}
    for line in output.splitlines():
        name, sep, value = line.partition(": ")
        if sep and name in RATIOS:
            found[name] = None if value.strip() == "n/a" else float(value)
    return found


def measure(commands: Sequence[Sequence[str]], cwd: Path, env: Mapping[str, str]) -> Measured:
    """Run ``commands`` in a fresh wrapper process; their wall time and peak RSS.

    What the harness wrote before (a project's pages) is flushed to disk first, so that
    the kernel does not write it back during the measured run.
    """
    os.sync()
    job = json.dumps({"commands": [list(c) for c in commands], "cwd": str(cwd),
                      "env": dict(env)})
    done = subprocess.run([sys.executable, "-c", MEASURE], input=job, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"a measured command failed in {cwd}:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Measured(float(result["seconds"]), float(result["peak_mb"]))


def replicate(source: Path, factor: int) -> tuple[int, int]:
    """Write ``factor`` copies of every page into ``source``; (pages, bytes)."""
    source.mkdir(parents=True)
    pages = size = 0
    for page in PAGES:
        data = page.read_bytes()
        for copy in range(factor):
            name = page.name if copy == 0 else f"{page.stem}-copy{copy}{page.suffix}"
            (source / name).write_bytes(data)
            pages += 1
            size += len(data)
    return pages, size


def make_project(root: Path, factor: int, locales: Sequence[str]) -> tuple[int, int]:
    """A project of the replicated pages and ``locales``; (pages, bytes)."""
    pages = replicate(root / "source", factor)
    listed = ", ".join(f'"{locale}"' for locale in locales)
    (root / "pyproject.toml").write_text(PYPROJECT.format(locales=listed), encoding="utf-8")
    return pages


def expect_pages(folder: Path, pattern: str, pages: int, locales: Sequence[str]) -> None:
    """Stop unless a measured run wrote at least one page per page and locale."""
    wrote = sum(1 for _ in folder.glob(pattern))
    if wrote < pages * len(locales):
        raise SystemExit(f"{folder} holds {wrote} pages, not {pages} x {len(locales)} "
                         "locales: the measured run did not do the whole work")


def cli_env(src: Path) -> dict[str, str]:
    """The environment of every measured command: the src under test, fixed dates, and
    Python's bytecode cache on, as for any installed tool (translate-toolkit's venv has
    its .pyc files from pip; a PYTHONDONTWRITEBYTECODE left in the environment would make
    every one of our runs compile our modules again)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MISS_I18N_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(src), SOURCE_DATE_EPOCH="1764000000")
    return env


def compile_src(args: argparse.Namespace, env: Mapping[str, str]) -> None:
    """Write the src's .pyc files before anything is measured (pip does it at install)."""
    subprocess.run([str(args.python), "-m", "compileall", "-q", str(args.src)], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def ours_command(args: argparse.Namespace) -> list[str]:
    return [str(args.python), "-m", "miss_i18n.cli", "run", "--no-translate", "-q"]


def tt_commands(tt_bin: Path, locales: Sequence[str]) -> list[list[str]]:
    """translate-toolkit doing what ``run --no-translate`` does: extract, update, build."""
    commands = [[str(tt_bin / "html2po"), "--progress=none", "-P", "-i", "source",
                 "-o", "pot"]]
    for locale in locales:
        commands.append([str(tt_bin / "pot2po"), "--progress=none", "-i", "pot",
                         "-o", f"po/{locale}"])
        commands.append([str(tt_bin / "po2html"), "--progress=none", "-t", "source",
                         "-i", f"po/{locale}", "-o", f"out/{locale}"])
    return commands


def find_tt(given: Path | None) -> Path | None:
    """The folder holding html2po, pot2po and po2html: --tt-bin, $BENCH_TT_BIN, PATH."""
    if given is None and os.environ.get(TT_ENV):
        given = Path(os.environ[TT_ENV])
    if given is None and (found := shutil.which("html2po")):
        given = Path(found).parent
    if given is None:
        return None
    missing = [t for t in ("html2po", "pot2po", "po2html") if not (given / t).is_file()]
    if missing:
        raise SystemExit(f"{given} has no {', '.join(missing)}: point --tt-bin (or "
                         f"${TT_ENV}) at the bin/ of a venv with translate-toolkit")
    return given


def bench_mt(args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, float]:
    """Section 1: ours vs the argos loop vs raw CTranslate2 (bench_translate's code)."""
    sys.path.insert(0, str(BENCH))
    import bench_translate as bt

    sys.path.insert(0, str(args.src))  # the src under test, ahead of bench_translate's
    from miss_i18n.engines.store import ModelStore

    corpus = bt.real_sentences()
    cached = args.cache / f"{bt.PACKAGE}.argosmodel"
    if cached.exists():
        archive = cached
    elif args.quick:
        archive = FIXTURE_MODEL
        if not args.sentences_given:
            args.sentences = FIXTURE_SENTENCES
        if not args.repeat_given:  # best of 3 runs of 0.2 s was a matter of luck
            args.repeat = FIXTURE_REPEAT
        say(f"NOTE: the realistic benchmark model is not cached ({cached}); --quick uses "
            f"the tiny fixture model {archive.relative_to(ROOT)} instead ({args.sentences} "
            "sentences, as it is fast), so the MT figures are not those of a realistic "
            "model (run bench/bench_translate.py once, about 5 minutes, to cache it)")
    else:
        archive = bt.ensure_model(args.cache, corpus[:200])
    sentences = (corpus * (args.sentences // len(corpus) + 1))[:args.sentences]
    settings = argparse.Namespace(inter_threads=2, intra_threads=1, batch_sentences=8,
                                  max_batch_tokens=2048, beam_size=4, repeat=args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        store = ModelStore(Path(tmp) / "models")
        [installed] = store.install(archive)
        _, run_ours = bt.our_runner(store, sentences, settings)
        raw_setting, run_raw = bt.raw_runner(installed.path, sentences, settings)
        (ours, our_out), (raw, raw_out) = bt.head_to_head(run_ours, run_raw, args.repeat)
        # the argos loop is 50x slower: its rate from the first sentences only
        looped = sentences[:args.argos_sentences]
        argos, argos_out = bt.time_argos_loop(store, looped)
    n, m = len(sentences), len(looped)
    say(f"MT: model {archive.name}, {n} real sentences, best of {args.repeat} "
        f"for ours and raw, taken in turns; the argos loop on the first {m}")
    for label, seconds, count in (("ours (ArgosEngine.translate, one call)", ours, n),
                                  ("argostranslate translate() per sentence", argos, m),
                                  (f"raw CTranslate2 ({raw_setting})", raw, n)):
        say(f"  {label:<58} {seconds:7.2f} s {count / seconds:8.1f} segments/s")
    say(f"  outputs equal: ours = raw {sum(map(str.__eq__, our_out, raw_out))}/{n}, "
        f"ours = argos loop {sum(map(str.__eq__, our_out, argos_out))}/{m}")
    return {"mt_vs_raw_ct2": raw / ours, "mt_vs_argos_loop": (argos / m) / (ours / n)}


def bench_pipeline(args: argparse.Namespace, tt_bin: Path | None, locales: Sequence[str],
                   say: Callable[[str], None]) -> dict[str, float | None]:
    """Sections 2-6: first runs at each scale; at the largest, ``args.rounds`` rounds of
    (first run, unchanged rerun, edit; the project translated: its first run, an edit) and
    of translate-toolkit, alternating, each ratio
    taken of the medians (one run each made the ratios a matter of the machine's mood).

    Every project stays until the end. After the harness deleted a project, ext4 passed
    over each of its thousands of recently deleted inodes for every new file a measured
    run created (perf: ``recently_deleted`` in ``find_inode_bit``, for minutes after): a
    file creation cost 0.2-0.3 ms instead of 0.02-0.03 ms: 0.3 s more for the 1,152
    pages of a first run that takes about 1 s."""
    env = cli_env(args.src)
    compile_src(args, env)
    ours = ours_command(args)
    first: dict[int, Measured] = {}
    sizes: dict[int, tuple[int, int]] = {}
    ratios: dict[str, float | None] = {}
    top = SCALES[-1]
    say(f"non-MT stages: `run --no-translate`, {len(locales)} locales "
               f"({', '.join(locales)})")
    with tempfile.TemporaryDirectory(prefix="miss-i18n-bench-") as tmp:
        for scale in SCALES[:-1]:
            project = Path(tmp) / f"ours-{scale}x"
            sizes[scale] = make_project(project, scale, locales)
            first[scale] = measure([ours], project, env)
            expect_pages(project / "site", "*/*.html", sizes[scale][0], locales)
            _say_first(say, scale, sizes[scale], [first[scale]])
        rounds: dict[str, list[Measured]] = {
            "first": [], "rerun": [], "edit": [], "tt": [], "first_translated": [],
            "edit_translated": []}
        for number in range(args.rounds):
            project = Path(tmp) / f"ours-{top}x-{number}"
            sizes[top] = make_project(project, top, locales)
            for name, measured in zip(("first", "rerun", "edit"), _ours_round(
                    project, ours, env, sizes[top][0], locales), strict=True):
                rounds[name].append(measured)
            for name, measured in zip(("first_translated", "edit_translated"),
                                      _translated_round(args, project, ours, env=env,
                                                        pages=sizes[top][0], locales=locales),
                                      strict=True):
                rounds[name].append(measured)
            if tt_bin is not None:
                work = Path(tmp) / f"tt-{top}x-{number}"
                replicate(work / "source", top)
                (work / "po").mkdir()
                (work / "out").mkdir()
                rounds["tt"].append(measure(tt_commands(tt_bin, locales), work, env))
                expect_pages(work / "out", "*/*.html", sizes[top][0], locales)
        first[top] = median(rounds["first"])
        rerun, edit = median(rounds["rerun"]), median(rounds["edit"])
        _say_first(say, top, sizes[top], rounds["first"])
        say(f"  unchanged rerun {top}x: {_seconds(rounds['rerun'])}, "
            f"peak {rerun.peak_mb:6.1f} MB")
        say(f"  one-paragraph edit {top}x: {_seconds(rounds['edit'])}, "
            f"peak {edit.peak_mb:6.1f} MB")
        first_translated = median(rounds["first_translated"])
        edit_translated = median(rounds["edit_translated"])
        say(f"  translated {top}x, first run: {_seconds(rounds['first_translated'])}, "
            f"peak {first_translated.peak_mb:6.1f} MB")
        say(f"  translated {top}x, one-paragraph edit: "
            f"{_seconds(rounds['edit_translated'])}, peak {edit_translated.peak_mb:6.1f} MB")
        if tt_bin is None:
            say("  translate-toolkit: skipped (--skip-tt)")
            ratios["nonmt_vs_tt"] = None
        else:
            tt = median(rounds["tt"])
            say(f"  translate-toolkit html2po + pot2po + po2html {top}x: "
                f"{_seconds(rounds['tt'])}, peak {tt.peak_mb:6.1f} MB")
            ratios["nonmt_vs_tt"] = tt.seconds / first[top].seconds
    low = SCALES[0]
    per_page = {s: first[s].seconds / sizes[s][0] for s in SCALES}
    ratios.update(rerun_vs_first=rerun.seconds / first[top].seconds,
                  edit_vs_first=edit.seconds / first[top].seconds,
                  edit_translated_vs_first=edit_translated.seconds / first_translated.seconds,
                  scaling_16x_vs_1x=per_page[top] / per_page[low],
                  peak_mb_16x_vs_1x=first[top].peak_mb / first[low].peak_mb)
    return ratios


def _ours_round(project: Path, ours: Sequence[str], env: Mapping[str, str], pages: int,
                locales: Sequence[str]) -> tuple[Measured, Measured, Measured]:
    """A first run of ``project``, an unchanged rerun, then a one-paragraph edit's run."""
    first = measure([ours], project, env)
    expect_pages(project / "site", "*/*.html", pages, locales)
    rerun = measure([ours], project, env)
    edit(project, EDIT, "EDIT")
    return first, rerun, measure([ours], project, env)


def edit(project: Path, phrases: tuple[bytes, bytes], name: str) -> None:
    """Change one phrase of the article (``name``: the constant that holds it)."""
    article = project / "source" / PAGES[0].name
    text = article.read_bytes()
    if phrases[0] not in text:
        raise SystemExit(f"the edit's phrase is gone from {PAGES[0].name}: update {name} in "
                         "bench/bench.py")
    article.write_bytes(text.replace(phrases[0], phrases[1], 1))


def _translated_round(args: argparse.Namespace, project: Path, ours: Sequence[str], *,
                      env: Mapping[str, str], pages: int, locales: Sequence[str]
                      ) -> tuple[Measured, Measured]:
    """``project`` (after its round) translated (FILL), then as a fresh clone of it has it
    (no build index, no site: moved aside, not deleted, as bench_pipeline says why): its
    first run, then a one-paragraph edit's run."""
    subprocess.run([str(args.python), "-c", FILL, str(project / "locales")], env=env,
                   check=True)
    aside = project.with_name(f"{project.name}-aside")
    aside.mkdir()
    for name in (".miss-i18n", "site"):
        (project / name).rename(aside / name)
    first = measure([ours], project, env)
    expect_pages(project / "site", "*/*.html", pages, locales)
    edit(project, EDIT_TRANSLATED, "EDIT_TRANSLATED")
    return first, measure([ours], project, env)


def median(samples: Sequence[Measured]) -> Measured:
    """The median run by time (the lower middle one of an even number), with its peak."""
    return sorted(samples, key=lambda m: m.seconds)[(len(samples) - 1) // 2]


def _seconds(samples: Sequence[Measured]) -> str:
    """``1.02 s`` for one run; ``median 1.02 s of 1.02, 1.10, 1.31`` for several."""
    if len(samples) == 1:
        return f"{samples[0].seconds:7.2f} s"
    listed = ", ".join(f"{m.seconds:.2f}" for m in sorted(samples, key=lambda m: m.seconds))
    return f"median {median(samples).seconds:5.2f} s of {listed}"


def _say_first(say: Callable[[str], None], scale: int, size: tuple[int, int],
               samples: Sequence[Measured]) -> None:
    pages, data = size
    found = median(samples)
    say(f"  first run {scale:>2}x ({pages:>4} pages, {data / 1e6:5.2f} MB): "
        f"{_seconds(samples)}, {1000 * found.seconds / pages:7.1f} ms/page, "
        f"peak {found.peak_mb:6.1f} MB")


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every section, print the figures, end with the ratio lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"a few minutes: {len(QUICK_LOCALES)} locales, the argos loop "
                             "on 60 sentences, the fixture model if the realistic one is "
                             "not cached")
    parser.add_argument("--locales", help="comma-separated locales (default: all of the "
                        "repository's pyproject.toml; --quick: "
                        f"{','.join(QUICK_LOCALES)})")
    parser.add_argument("--sentences", type=int, help="MT sentences (default 200; ours and "
                        "raw CTranslate2 on all, the argos loop on 60 with --quick)")
    parser.add_argument("--repeat", type=int, help="MT: best of N (default 3; 7 with the "
                        "tiny fixture model, whose runs take a fifth of a second)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="non-MT stages at the largest size: rounds of our first run, "
                             "rerun and edit, and of translate-toolkit, alternating; each "
                             "ratio is of the medians (default 3)")
    parser.add_argument("--tt-bin", type=Path,
                        help=f"bin/ folder with translate-toolkit's html2po, pot2po, po2html "
                             f"(default: ${TT_ENV}, else PATH)")
    parser.add_argument("--skip-tt", action="store_true", help="leave out translate-toolkit")
    parser.add_argument("--skip-mt", action="store_true", help="leave out the MT section")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the miss_i18n sources under test (default: this checkout's)")
    parser.add_argument("--python", type=Path, default=Path(sys.executable),
                        help="the Python that runs the CLI (default: this one)")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help=f"where the realistic MT model is cached (default {CACHE})")
    args = parser.parse_args(argv)
    args.src = args.src.resolve()
    args.sentences_given = args.sentences is not None
    args.sentences = args.sentences or 200  # fewer made the MT ratio a matter of luck
    args.argos_sentences = min(args.sentences, 60) if args.quick else args.sentences
    args.repeat_given = args.repeat is not None
    args.repeat = args.repeat or 3
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if args.locales:
        locales: Sequence[str] = [loc.strip() for loc in args.locales.split(",") if loc.strip()]
    elif args.quick:
        locales = QUICK_LOCALES
    else:
        config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        locales = config["tool"]["miss-i18n"]["locales"]
    tt_bin = None if args.skip_tt else find_tt(args.tt_bin)
    if tt_bin is None and not args.skip_tt:
        raise SystemExit(f"translate-toolkit not found: create its venv (python3 -m venv "
                         f"/work/bench-venv && /work/bench-venv/bin/pip install "
                         f"translate-toolkit rapidfuzz), then pass --tt-bin "
                         f"/work/bench-venv/bin or set {TT_ENV}; or --skip-tt")

    say(f"bench.py{' --quick' if args.quick else ''}: src {args.src}, {os.cpu_count()} CPUs; "
        "timings are noisy on a shared machine, the ratios (measured side by side in this "
        "run) are what matters")
    if len(locales) < 42:
        say(f"NOTE: {len(locales)} locales, not the 42 of a full run")
    started = time.perf_counter()
    ratios: dict[str, float | None] = dict.fromkeys(RATIOS)
    if not args.skip_mt:
        ratios.update(bench_mt(args, say))
    ratios.update(bench_pipeline(args, tt_bin, locales, say))
    say(f"bench.py took {time.perf_counter() - started:.0f} s; the ratios:")
    print(format_ratios(ratios))
    return 0


def say(line: str) -> None:
    """Print a line of figures at once, so that a long run shows its progress."""
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())

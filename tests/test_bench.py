"""Smoke tests of bench/bench.py: its ratio lines and its --help. No timing is asserted."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_ratio_lines_are_printed_in_order_and_read_back() -> None:
    bench = load_bench()
    ratios = {"nonmt_vs_tt": 12.3456, "rerun_vs_first": 0.04, "mt_vs_raw_ct2": 0.93}
    text = bench.format_ratios(ratios)
    assert text.splitlines() == [
        "mt_vs_raw_ct2: 0.93", "mt_vs_argos_loop: n/a", "nonmt_vs_tt: 12.35",
        "rerun_vs_first: 0.04", "edit_vs_first: n/a", "edit_translated_vs_first: n/a",
        "scaling_16x_vs_1x: n/a", "peak_mb_16x_vs_1x: n/a"]
    assert bench.parse_ratios("figures above\n" + text) == {
        "mt_vs_raw_ct2": 0.93, "mt_vs_argos_loop": None, "nonmt_vs_tt": 12.35,
        "rerun_vs_first": 0.04, "edit_vs_first": None, "edit_translated_vs_first": None,
        "scaling_16x_vs_1x": None, "peak_mb_16x_vs_1x": None}


def test_help_runs_and_names_every_option() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    for option in ("--quick", "--tt-bin", "--skip-tt", "--skip-mt", "--src", "--locales",
                   "--rounds"):
        assert option in done.stdout


def test_replicated_pages_keep_every_page_under_a_new_name(tmp_path: Path) -> None:
    bench = load_bench()
    pages, size = bench.replicate(tmp_path / "source", 4)
    names = sorted(p.name for p in (tmp_path / "source").iterdir())
    assert pages == len(names) == 4 * len(bench.PAGES)
    assert size == 4 * sum(p.stat().st_size for p in bench.PAGES)
    assert bench.PAGES[0].name in names  # the page the edit changes keeps its name
    assert bench.EDIT[0] in bench.PAGES[0].read_bytes()
    assert bench.EDIT_TRANSLATED[0] in bench.PAGES[0].read_bytes()

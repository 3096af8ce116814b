"""Benchmark: extraction time against the number of sibling blocks on one page.

Linear extraction keeps the time per paragraph flat as a page grows; the old sibling scan
made it grow with the page (2,500 paragraphs 6.6 s, 20,000 about 318 s). Prints seconds
and microseconds per paragraph for each size, and the ratio of the largest to the
smallest per-paragraph cost (about 1 when linear)::

    .venv/bin/python bench/bench_extract.py
    .venv/bin/python bench/bench_extract.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import time

from miss_i18n.pages import parse_page
from miss_i18n.segments import locate


def page(paragraphs: int) -> bytes:
    body = "".join(f"<p>Paragraph {i} of a <b>long</b> page.</p>" for i in range(paragraphs))
    return f"<html><head><title>T</title></head><body>{body}</body></html>".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_500, 20_000, 100_000])
    args = parser.parse_args()
    costs = []
    for size in args.sizes:
        data = page(size)
        start = time.perf_counter()
        slots = locate(parse_page(data), "big.html")
        seconds = time.perf_counter() - start
        assert len(slots) == size + 1
        costs.append(seconds / size)
        print(f"{size:>8} paragraphs  {seconds:8.2f} s  {1e6 * seconds / size:8.1f} µs each")
    print(f"per-paragraph cost, largest / smallest page: {costs[-1] / costs[0]:.2f}")


if __name__ == "__main__":
    main()

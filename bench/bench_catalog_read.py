"""The strict PO reader against polib's and Babel's own readers, on a 6,000-entry catalog.

Run from the repository root: ``PYTHONPATH=src python bench/bench_catalog_read.py``
(best of 5 runs each, in milliseconds, all in one process so they compare).
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib
from babel.messages.pofile import read_po

from miss_i18n import catalog
from miss_i18n.po_syntax import parse

ENTRIES = 6000


def sample() -> str:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Language: de\\n"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]
    for n in range(ENTRIES):
        lines += [
            f"#. Paragraph {n}", f"#: page{n % 40}.html", "#, fuzzy",
            "# machine-translated: argos", f'msgctxt "page{n % 40}:#section-{n}/p"',
            f'msgid "<1>Minimally invasive</1> spine surgery {n} uses \\"small\\" incisions."',
            f'msgstr "<1>Minimalinvasive</1> Wirbelsäulenchirurgie {n} nutzt kleine Schnitte."',
            "",
        ]
    return "\n".join(lines)


def best(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "bench.po"
    path.write_text(sample(), encoding="utf-8")
    data = path.read_bytes()
    print(f"{len(data) / 1e6:.2f} MB, {ENTRIES + 1} entries")
    rows = {
        "po_syntax.parse": lambda: parse(data),
        "catalog.load (parse + polib form)": lambda: catalog.load(path),
        "polib.pofile (the old load)": lambda: polib.pofile(str(path), encoding="utf-8",
                                                            wrapwidth=0),
        "babel read_po (the old syntax check)": lambda: read_po(io.BytesIO(data), locale="de",
                                                                abort_invalid=True),
    }
    for name, action in rows.items():
        print(f"{name:<42} {best(action):7.1f} ms")


if __name__ == "__main__":
    main()

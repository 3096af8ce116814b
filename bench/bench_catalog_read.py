"""Reading and writing a 9,000-entry catalog: our readers side by side with polib's and Babel's.

Run from the repository root: ``PYTHONPATH=src python bench/bench_catalog_read.py``
(best of 5 runs each, in milliseconds, all in one process so they compare). With
``PYTHONPATH`` on an older checkout's ``src`` it times that code (rows it lacks are left out).

The catalog is in the form ``catalog.render`` writes (so ``po_fast`` reads it): entries like
a site's, most with a context, extracted comment and reference, a fifth fuzzy machine drafts,
some with a previous msgid, escapes, multi-line strings, plurals and obsolete entries.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib
from babel.messages.pofile import read_po

from miss_i18n import catalog
from miss_i18n.po_syntax import parse

try:
    from miss_i18n import po_fast
except ImportError:  # a checkout from before it, for the before/after figures
    po_fast = None  # type: ignore[assignment]

ENTRIES = 9000


def sample(entries: int = ENTRIES) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.header = "German translation of miss-i18n."
    po.metadata = {"Project-Id-Version": "miss-i18n 0.1.0", "Language": "de",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for n in range(entries):
        page = f"page{n % 40}"
        entry = polib.POEntry(
            msgctxt=f"{page}:#section-{n}/p", comment=f"Paragraph {n}. Markup: <1>…</1> is <b>.",
            occurrences=[(f"{page}.html#section-{n}", "")],
            msgid=f'<1>Minimally invasive</1> spine surgery {n} uses "small" incisions.',
            msgstr=f"<1>Minimalinvasive</1> Wirbelsäulenchirurgie {n} nutzt kleine Schnitte.")
        if n % 5 == 0:
            entry.flags = ["fuzzy"]
            entry.tcomment = "machine-translated: argos"
        if n % 50 == 0:
            entry.previous_msgid = f"Minimally invasive spine surgery {n}."
        if n % 100 == 0:
            entry.msgid = f"Line one {n}\nline two\n"
            entry.msgstr = f"Zeile eins {n}\nZeile zwei\n"
        if n % 200 == 0:
            entry.msgid_plural = f"{n} files"
            entry.msgstr_plural = {0: f"{n} Datei", 1: f"{n} Dateien"}
        entry.obsolete = n % 300 == 299
        po.append(entry)
    return po


def best(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def _to_polib_by_constructor(parsed: object) -> object:
    """to_polib with polib's own constructor for every entry (what it did before)."""
    catalog._BARE_POENTRY = False
    try:
        return catalog.to_polib(parsed)  # type: ignore[arg-type]
    finally:
        catalog._BARE_POENTRY = True


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--entries", type=int, default=ENTRIES)
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    path = Path(tempfile.mkdtemp()) / "bench.po"
    path.write_bytes(catalog.to_bytes(sample(args.entries)))
    data = path.read_bytes()
    parsed = parse(data)
    loaded = catalog.load(path)
    assert catalog.to_bytes(loaded) == data, "render must write what it read, byte for byte"
    print(f"{len(data) / 1e6:.2f} MB, {len(parsed.entries)} entries, best of {args.runs}")
    rows: dict[str, Callable[[], object]] = {
        "po_syntax.parse (strict, any PO file)": lambda: parse(data)}
    if po_fast is not None:
        assert po_fast.parse(data) == parsed, "po_fast must read what render writes, alike"
        rows["po_fast.parse (the form we write)"] = lambda: po_fast.parse(data)
    rows["catalog.to_polib"] = lambda: catalog.to_polib(parsed)
    if hasattr(catalog, "_BARE_POENTRY"):
        rows["catalog.to_polib, polib's constructor"] = lambda: _to_polib_by_constructor(parsed)
    rows.update({
        "catalog.load (read + parse + to_polib)": lambda: catalog.load(path),
        "catalog.render": lambda: catalog.render(loaded),
        "polib.pofile (the old load)": lambda: polib.pofile(str(path), encoding="utf-8",
                                                            wrapwidth=0),
        "babel read_po (the old syntax check)": lambda: read_po(io.BytesIO(data), locale="de",
                                                                abort_invalid=True),
    })
    for name, action in rows.items():
        print(f"{name:<42} {best(action, args.runs):7.1f} ms")


if __name__ == "__main__":
    main()

"""The binary .mo image of a catalog's translations, in linear time.

The image is polib's ``POFile.to_binary`` byte for byte (the format every earlier run
wrote, with no hash table), which builds its string tables by appending to ``bytes``:
quadratic in the catalog's size, 0.33 s for a translated catalog of 6,300 entries,
nearly all of an edit's run. Here each table is joined once.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate
from operator import itemgetter

import polib

MAGIC = 0x950412DE
_HEADER = struct.Struct("Iiiiiii")


def image(header: str, entries: Iterable[tuple[str | None, str, str | None, Sequence[str]]],
          ) -> bytes:
    """The .mo image of a header (the header entry's msgstr) and entries, each as
    (msgctxt, msgid, msgid_plural, msgstr or each plural form's msgstr in order): sorted
    by context and msgid as UTF-8 bytes, the header first."""
    keyed = [((f"{msgctxt}\x04{msgid}" if msgctxt else msgid).encode("utf-8"),
              b"" if msgid_plural is None else b"\0" + msgid_plural.encode("utf-8"),
              "\0".join(msgstrs).encode("utf-8"))
             for msgctxt, msgid, msgid_plural, msgstrs in entries]
    keyed.sort(key=itemgetter(0))  # stable, on the key alone, as polib sorts
    ids = [b"", *(key + plural for key, plural, _value in keyed)]
    strs = [header.encode("utf-8"), *map(itemgetter(2), keyed)]
    count = len(ids)
    keystart = _HEADER.size + 16 * count
    id_table = b"\0".join(ids) + b"\0"
    offsets = array("i", bytes(16 * count))
    for first, table, start in ((0, ids, keystart), (2 * count, strs, keystart + len(id_table))):
        sizes = list(map(len, table))
        offsets[first:first + 2 * count:2] = array("i", sizes)
        offsets[first + 1:first + 2 * count:2] = array("i", accumulate(
            (size + 1 for size in sizes[:-1]), initial=start))
    return b"".join((_HEADER.pack(MAGIC, 0, count, _HEADER.size, _HEADER.size + 8 * count,
                                  0, keystart),
                     offsets.tobytes(), id_table, b"\0".join(strs), b"\0"))


def header_text(metadata: dict[str, str]) -> str:
    """The header entry's msgstr that polib writes for ``metadata``."""
    holder = polib.POFile(wrapwidth=0)
    holder.metadata = dict(metadata)
    return str(holder.metadata_as_entry().msgstr)


def of_catalog(catalog: polib.POFile) -> bytes:
    """The .mo image of a catalog's translated (not fuzzy, not obsolete) entries."""
    return image(header_text(catalog.metadata), (
        (e.msgctxt, e.msgid, e.msgid_plural or None,
         [e.msgstr_plural[n] for n in sorted(e.msgstr_plural)] if e.msgid_plural
         else [e.msgstr]) for e in catalog if e.translated()))

"""XLIFF 2.0 for CAT tools: one catalog in, one document out, and the work back in.

Pure: bytes and catalogs in, bytes and catalogs out; the CLI reads and writes the files.

The mapping (README "XLIFF for CAT tools"):

- One document per locale: ``<xliff version="2.0" srcLang="en" trgLang="pt-BR">`` (BCP 47
  tags: ``pt_BR`` → ``pt-BR``) holding one ``<file original="locales/…/miss.po">``.
- The PO header travels in the file: its fields as ``<mda:meta type="Language">es</…>``
  in an ``<mda:metadata>`` group (XLIFF's own metadata module), in their order, its
  comment, ``#.`` and ``#:`` lines and flags as file-level notes.
- One ``<unit>`` per entry, obsolete (``#~``) ones included (``mi:obsolete="yes"`` and
  ``translate="no"``), but for obsolete plural entries: they are left out, as this mapping
  has no form for plural strings (an active plural entry is refused; miss-i18n's catalogs have
  none). Its ``id`` is a hash of msgctxt and msgid, so it is the same in
  every export; ``name`` is the msgctxt. Notes carry everything else of the entry, one
  category each: ``po:translator`` (``#`` lines, the provenance line among them),
  ``po:extracted`` (``#.``), ``po:reference`` (one per ``#:`` reference), ``po:flags``
  (``#,``), ``po:previous-msgctxt`` / ``po:previous-msgid`` (``#|``). With them the
  document alone rebuilds the catalog byte for byte (``to_catalog``), obsolete plural
  entries aside.
- Text is plain text; placeholders are inline codes a CAT tool protects: ``<n>…</n>`` is
  ``<pc id="n">…</pc>``, ``<n/>`` is ``<ph id="n"/>``, ``&lt;``/``&amp;`` are the plain
  characters, and a character XML cannot hold (a control character) is
  ``<cp hex="0007"/>``. A msgid or msgstr that does not parse in our placeholder
  language, or a msgstr whose placeholders differ from its msgid's, is given as its
  exact text instead (``mi:plain="source"``/``"target"`` on the unit, and a note saying
  so): never lost, never guessed at.
- States: untranslated → ``initial`` (no ``<target>``); a fuzzy machine draft →
  ``translated`` with ``subState="miss-i18n:machine"``; any other fuzzy entry →
  ``translated``; not fuzzy → ``final``.

Importing reads targets and states back (and a translator's notes, below), into the
project's current catalog; the catalog keeps its own comments and references. A unit whose
target and state are what the export wrote leaves its entry untouched, so export + import
changes no byte. Otherwise:
``final`` or ``reviewed`` is the translator's acceptance (fuzzy and ``#|`` cleared, the
entry is human work from then on, its provenance line kept as history); ``translated`` or
``initial`` with a target is a draft (fuzzy), but for a copy of the source left
``initial`` (what CAT tools fill empty targets with); an empty ``<target/>`` makes the entry
untranslated, a unit without one leaves it as it is. A machine draft whose text a
translator changed keeps its fuzzy mark but is no longer a machine draft: its provenance
line becomes ``# edited machine draft: …`` (a draft from the translation memory:
``# edited translation memory draft: …``), so neither an engine nor the memory replaces
it; an accepted entry sent back as ``translated`` keeps its line as ``# accepted …``.
A changed target whose placeholders differ from its source's, or that holds a character
a catalog or page cannot hold (NUL, controls, noncharacters), refuses the whole import
(nothing is written), as does a ``trgLang`` that is not the locale of the catalog the
file was exported from; units the catalog no longer has, and units whose source is not
their entry's msgid (edited in the file), are reported, not imported. A unit's
``mi:exported`` (a digest of its entry's kind and text at the export) tells work done in
the catalog since: a unit left as exported keeps the catalog's newer entry, and one a
translator changed whose entry a person changed too is reported, not imported.

A note a translator added to a unit in the CAT tool (any category but the ones export
writes) becomes ``#`` lines of its entry, after the ones it has, unless they are there
already, so a second import adds nothing (``_with_notes``); a line that reads as a
provenance line is kept as a plain note behind ``note:``, never one. A note on a
``<group>`` is one on each unit in it; a note on the ``<file>`` goes to the header's
comment, the catalog's own.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import polib
from lxml import etree

from .catalog import (
    HeaderNotes,
    flag_list,
    header_flags,
    header_notes,
    kept_field_order,
    place_text,
    reference,
    set_header_notes,
)
from .errors import CatalogError
from .languages import bcp47, match_locale, same_language
from .markup import (
    MarkupError,
    Node,
    describe,
    escape_text,
    parse,
    shape,
    unusable_characters,
)
from .model import comment_text
from .provenance import (
    Kind,
    as_history,
    edited,
    is_accepted,
    is_draft,
    is_engine_text,
    is_memory_draft,
    settled_comment,
)

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
MI_NS = "urn:miss-i18n:xliff:1"
NSMAP = {None: XLIFF_NS, "mda": MDA_NS, "mi": MI_NS}
VERSIONS = ("2.0", "2.1")  # 2.1 keeps the 2.0 namespace and core
MACHINE_SUBSTATE = "miss-i18n:machine"
HEADER_GROUP = "po:header"
FILE_ID = "catalog"

_X = f"{{{XLIFF_NS}}}"
_MDA = f"{{{MDA_NS}}}"
_MI = f"{{{MI_NS}}}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 cannot hold at all (written as <cp/> in source and target).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_STATES = ("initial", "translated", "reviewed", "final")
_HEX = re.compile("[0-9A-Fa-f]{1,8}")


def unit_ids(entries: list[polib.POEntry]) -> list[str]:
    """Stable unit ids: a hash of (obsolete, msgctxt, msgid), numbered if ever repeated."""
    seen: dict[str, int] = {}
    ids = []
    for entry in entries:
        ctxt = "\x00" if entry.msgctxt is None else "\x01" + entry.msgctxt
        digest = hashlib.sha256(f"{ctxt}\x04{entry.msgid}".encode()).hexdigest()[:16]
        base = ("o" if entry.obsolete else "u") + digest
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    """The entries in the order the catalog is written: active first, then obsolete."""
    return [e for e in po if not e.obsolete] + [e for e in po if e.obsolete]


def export_state(entry: polib.POEntry) -> tuple[str, str | None]:
    """The XLIFF state (and subState) of an entry."""
    if not entry.msgstr:
        return "initial", None
    if entry.fuzzy:
        return "translated", MACHINE_SUBSTATE if is_engine_text(entry) else None
    return "final", None


# -- writing ------------------------------------------------------------------------------
def _nodes(text: str) -> list[Node] | str:
    """The parsed text, or why it cannot be given as text plus inline codes.

    Only a string we would write back identically is parsed: ``&amp;x`` (an escape that
    was not needed) stays plain text rather than come back as ``&x``.
    """
    try:
        shape(text)
        nodes = parse(text)
    except MarkupError as exc:
        return str(exc)
    if _unparse(nodes) != text:
        return "escapes not in miss-i18n's canonical form"
    return nodes


def _unparse(nodes: list[Node]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape_text(node))
        elif node.children is None:
            out.append(f"<{node.number}/>")
        else:
            out.append(f"<{node.number}>{_unparse(node.children)}</{node.number}>")
    return "".join(out)


def _append_text(parent: etree._Element, text: str) -> None:
    """Add text at the end of ``parent``'s content, control characters as <cp/>."""
    position = 0
    for match in _NOT_XML.finditer(text):
        _add_string(parent, text[position:match.start()])
        char = match.group()
        if 0xD800 <= ord(char) <= 0xDFFF:  # a lone surrogate has no code point to give
            raise ValueError("a lone surrogate")
        etree.SubElement(parent, _X + "cp", hex=f"{ord(char):04X}")
        position = match.end()
    _add_string(parent, text[position:])


def _add_string(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _fill(parent: etree._Element, content: list[Node] | str) -> None:
    if isinstance(content, str):
        _append_text(parent, content)
        return
    for node in content:
        if isinstance(node, str):
            _append_text(parent, node)
        elif node.children is None:
            etree.SubElement(parent, _X + "ph", id=str(node.number))
        else:
            _fill(etree.SubElement(parent, _X + "pc", id=str(node.number)), node.children)


def _checked(text: str, what: str, entry: polib.POEntry) -> str:
    """Text for an attribute or note, which cannot hold control characters."""
    if _NOT_XML.search(text):
        raise CatalogError(
            f"the {what} of msgctxt {entry.msgctxt!r} msgid {entry.msgid[:40]!r} holds a "
            "control character XLIFF cannot carry; remove it from the catalog and export again")
    return text


def _note(notes: etree._Element, category: str, text: str, entry: polib.POEntry,
          applies_to: str | None = None) -> None:
    note = etree.SubElement(notes, _X + "note", category=category)
    if applies_to:
        note.set("appliesTo", applies_to)
    note.text = _checked(text, category, entry)


def _contents(entry: polib.POEntry) -> tuple[list[Node] | str, list[Node] | str, str, str]:
    """Source and target as nodes, or as their exact text with the reason why."""
    parsed_source = _nodes(entry.msgid)
    source_reason = parsed_source if isinstance(parsed_source, str) else ""
    source = entry.msgid if isinstance(parsed_source, str) else parsed_source
    if not entry.msgstr:
        return source, "", source_reason, ""
    parsed = _nodes(entry.msgstr)
    if source_reason:
        target_reason = "its source is given as exact text"
    elif isinstance(parsed, str):
        target_reason = parsed
    elif shape(entry.msgstr) != shape(entry.msgid):
        target_reason = "its placeholders differ from the source's"
    else:
        return source, parsed, "", ""
    return source, entry.msgstr, source_reason, target_reason


def _plural(entry: polib.POEntry) -> bool:
    return bool(entry.msgid_plural) or entry.previous_msgid_plural is not None


def _exported(po: polib.POFile) -> list[polib.POEntry]:
    """The entries that become units: an obsolete plural entry (one a translator added by
    hand, kept by the catalogs as it is) is left out, as nothing of it can be imported."""
    return [e for e in _entries(po) if not (e.obsolete and _plural(e))]


def _unit(file: etree._Element, entry: polib.POEntry, unit_id: str) -> None:
    if _plural(entry):
        line = getattr(entry, "linenum", None)
        raise CatalogError(f"msgid {entry.msgid[:40]!r} is a plural entry, which XLIFF export "
                           "cannot carry (miss-i18n's own catalogs have none); remove it or "
                           "make it obsolete (#~), then export again",
                           line=line if isinstance(line, int) and line > 0 else None)
    unit = etree.SubElement(file, _X + "unit", id=unit_id)
    if entry.msgctxt is not None:
        unit.set("name", _checked(entry.msgctxt, "msgctxt", entry))
    if entry.obsolete:
        unit.set("translate", "no")
        unit.set(_MI + "obsolete", "yes")
    source, target, source_reason, target_reason = _contents(entry)
    plain = [name for name, reason in (("source", source_reason), ("target", target_reason))
             if reason]
    if plain:
        unit.set(_MI + "plain", " ".join(plain))
    unit.set(_MI + "exported", _as_exported(_current(entry), entry.msgstr))
    notes = etree.SubElement(unit, _X + "notes")
    if entry.tcomment:
        _note(notes, "po:translator", entry.tcomment, entry)
    if entry.comment:
        _note(notes, "po:extracted", entry.comment, entry)
    for path, line in entry.occurrences:
        _note(notes, "po:reference", place_text(path, line), entry)
    if entry.flags:
        _note(notes, "po:flags", ", ".join(entry.flags), entry)
    if entry.previous_msgctxt is not None:
        _note(notes, "po:previous-msgctxt", entry.previous_msgctxt, entry)
    if entry.previous_msgid is not None:
        _note(notes, "po:previous-msgid", entry.previous_msgid, entry)
    if source_reason:
        _note(notes, "miss-i18n:plain-text", f"this source is given as its exact text "
              f"({source_reason}):"
              " keep its <n>…</n> and <n/> placeholders as typed", entry, "source")
    if target_reason:
        _note(notes, "miss-i18n:plain-text", f"this translation is given as its exact text "
              f"({target_reason}): give it the source's <n>…</n> and <n/> placeholders",
              entry, "target")
    if not len(notes):
        unit.remove(notes)
    state, sub_state = export_state(entry)
    segment = etree.SubElement(unit, _X + "segment", state=state)
    if sub_state:
        segment.set("subState", sub_state)
    element = etree.SubElement(segment, _X + "source")
    element.set(_SPACE, "preserve")
    _fill(element, source)
    if entry.msgstr:
        element = etree.SubElement(segment, _X + "target")
        element.set(_SPACE, "preserve")
        _fill(element, target)


_STRUCTURE = {_X + name for name in ("xliff", "file", "notes", "unit", "segment")} | {
    _MDA + "metadata", _MDA + "metaGroup"}


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent the structural elements only: text in source, target and notes is data."""
    if element.tag not in _STRUCTURE or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def export(po: polib.POFile, *, source_locale: str, locale: str, original: str) -> bytes:
    """The XLIFF 2.0 document of one catalog (deterministic: no dates, no tool stamps).

    ``original`` names the catalog (its path in the project). Raises CatalogError for an
    entry XLIFF cannot carry (a plural entry, a control character in a comment).
    """
    root = etree.Element(_X + "xliff", nsmap=NSMAP)  # type: ignore[arg-type]
    root.set("version", "2.0")
    root.set("srcLang", bcp47(source_locale))
    root.set("trgLang", bcp47(locale))
    file = etree.SubElement(root, _X + "file", id=FILE_ID, original=original,
                            canResegment="no")
    header = polib.POEntry(msgid="")
    metadata = etree.SubElement(file, _MDA + "metadata")
    group = etree.SubElement(metadata, _MDA + "metaGroup", category=HEADER_GROUP)
    for name, value in po.metadata.items():
        meta = etree.SubElement(group, _MDA + "meta", type=_checked(name, "header", header))
        meta.text = _checked(value, "header", header)
    if not len(group):
        file.remove(metadata)
    notes = etree.SubElement(file, _X + "notes")
    if po.header:
        _note(notes, "po:header-comment", po.header, header)
    kept = header_notes(po)
    if kept.extracted:
        _note(notes, "po:header-extracted", kept.extracted, header)
    for path, line in kept.occurrences:
        _note(notes, "po:header-reference", place_text(path, line), header)
    flags = flag_list(header_flags(po))
    if flags:
        _note(notes, "po:header-flags", ", ".join(flags), header)
    if not len(notes):
        file.remove(notes)
    entries = _exported(po)
    try:
        for entry, unit_id in zip(entries, unit_ids(entries), strict=True):
            _unit(file, entry, unit_id)
    except ValueError as exc:
        raise CatalogError(f"a string holds {exc}, which no XML file can carry; fix the "
                           "catalog and export again") from None
    _indent(root)
    text = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


# -- reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """What a translator sends back for one entry."""

    id: str
    line: int | None
    msgctxt: str | None
    msgid: str
    target: str
    has_target: bool
    """Whether the unit has a ``<target>`` at all (an empty one empties the entry)."""
    state: str
    """The least advanced of its segments' states; "" where none has one."""
    exported: str | None = None
    """``mi:exported``: the digest of the entry's kind and text when it was exported."""
    layout: tuple[bool, bool] = (False, False)
    """Whether the source, the target, leave their space unpreserved: white space with a
    line break at either end is then a tool's layout (``_without_layout``)."""
    notes: tuple[str, ...] = ()
    """The texts of the notes that are not ours, a translator's from the CAT tool: those of
    the groups it is in (the outermost first), then its own."""


@dataclass
class Document:
    """An XLIFF document we can import: its locale, its units, and the catalog it rebuilds."""

    path: Path
    source_lang: str
    target_lang: str
    original: str | None
    units: list[Unit]
    catalog: polib.POFile
    notes: tuple[str, ...] = ()
    """The texts of the ``<file>``'s notes that are not ours: a translator's, for the
    catalog as a whole (they go to the header's comment)."""


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _fail(path: Path, message: str, line: int | None = None) -> CatalogError:
    return CatalogError(message, path=path, line=line)


def _parse_xml(data: bytes, path: Path) -> etree._Element:
    """Parse untrusted XML: no DTD, no entities, no network, libxml2's size limits kept."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        reason = str(exc.msg).split(" (line ")[0].split(", line ")[0]
        raise _fail(path, f"not well-formed XML ({reason}); fix the file or export it again "
                          "from your CAT tool", exc.lineno or None) from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _fail(path, "XLIFF with a DOCTYPE is refused (entities are never expanded); "
                          "export the file again without one", 1)
    return root


def _qname(element: etree._Element) -> str:
    tag = etree.QName(element)
    if tag.namespace == XLIFF_NS:
        return f"<{tag.localname}>"
    return f"<{tag.localname}> in {tag.namespace}" if tag.namespace else f"<{tag.localname}>"


def _number(element: etree._Element, attribute: str, path: Path) -> str:
    value = element.get(attribute, "")
    if not value.isascii() or not value.isdigit():
        raise _fail(path, f"inline code {_qname(element)} has {attribute}={value!r}, not one "
                          "of this unit's placeholder numbers; restore the codes of the "
                          "source", _line(element))
    return value.lstrip("0") or "0"  # (not int(): 4,300 digits and more raise ValueError)


def _code_point(element: etree._Element, path: Path) -> str:
    """The character of a ``<cp hex="…"/>``: a Unicode scalar value, as UTF-8 (and so a
    catalog) can hold no surrogate and nothing above U+10FFFF."""
    value = element.get("hex", "")
    number = int(value, 16) if _HEX.fullmatch(value) else -1
    if not 0 <= number <= 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        raise _fail(path, f"<cp hex={value!r}> is not a character; remove it or give the "
                          "character itself", _line(element))
    return chr(number)


def _decode(element: etree._Element, markup: bool, path: Path) -> str:
    """Source or target content as a catalog string (our placeholders, our escapes)."""
    out: list[str] = []
    _decode_into(element, markup, path, out)
    return "".join(out)


def _text_into(value: str | None, markup: bool, out: list[str]) -> None:
    if value:
        out.append(escape_text(value) if markup else value)


def _decode_into(parent: etree._Element, markup: bool, path: Path, out: list[str]) -> None:
    """``parent``'s content onto ``out`` (_decode): a function calling itself, not a closure
    that would hold itself in a cycle (segments._Walker.render)."""
    _text_into(parent.text, markup, out)
    for child in parent:
        if not isinstance(child.tag, str):  # an entity reference left unexpanded
            raise _fail(path, "an entity reference in a translation is refused; type "
                              "the character itself", _line(child))
        name = child.tag
        if name == _X + "pc":
            number = _number(child, "id", path)
            out.append(f"<{number}>")
            _decode_into(child, markup, path, out)
            out.append(f"</{number}>")
        elif name == _X + "ph":
            out.append(f"<{_number(child, 'id', path)}/>")
        elif name == _X + "sc":
            out.append(f"<{_number(child, 'id', path)}>")
        elif name == _X + "ec":
            out.append(f"</{_number(child, 'startRef', path)}>")
        elif name == _X + "cp":
            out.append(_code_point(child, path))
        elif name == _X + "mrk":  # an annotation around text: keep the text
            _decode_into(child, markup, path, out)
        elif name in (_X + "sm", _X + "em"):  # annotation markers carry no text
            pass
        else:
            raise _fail(path, f"unknown inline element {_qname(child)} in a translation; "
                              "keep only text and the source's codes", _line(child))
        _text_into(child.tail, markup, out)


def _notes(unit: etree._Element) -> list[tuple[str, str]]:
    return [(note.get("category", ""), note.text or "")
            for note in unit.iterfind(f"{_X}notes/{_X}note")]


_OURS = frozenset({"po:translator", "po:extracted", "po:reference", "po:flags",
                   "po:previous-msgctxt", "po:previous-msgid", "miss-i18n:plain-text",
                   "po:header-comment", "po:header-flags", "po:header-extracted",
                   "po:header-reference"})
NOTE_MARK = "note:"
"""What a translator's note line that reads like a provenance line is kept behind, so
that it stays a person's words and never makes (or renames) a draft."""


def _their_notes(element: etree._Element) -> tuple[str, ...]:
    """The texts of a unit's, a group's or the file's notes a translator (or their CAT
    tool) added: any category but the ones export writes."""
    return tuple("".join(str(text) for text in note.itertext())
                 for note in element.iterfind(f"{_X}notes/{_X}note")
                 if note.get("category", "") not in _OURS)


def _group_notes(unit: etree._Element) -> tuple[str, ...]:
    """The notes a translator added to the ``<group>`` elements a unit is in, outermost
    first: each is about every unit of its group."""
    groups = list(unit.iterancestors(_X + "group"))
    return tuple(note for group in reversed(groups) for note in _their_notes(group))


def _note_lines(text: str) -> list[str]:
    """A note's lines (any line break, so none is left inside a ``#`` line), the layout
    around each dropped, empty ones left out."""
    return [line for line in (line.strip(_WHITE) for line in text.splitlines()) if line]


def _plain(line: str) -> str:
    """A note line as a translator-comment line: one that reads as a provenance line is
    kept as a plain note (``note: machine-translated: …``), as a person's words never say
    what made a draft."""
    return f"{NOTE_MARK} {line}" if line.startswith(tuple(k.value for k in Kind)) else line


def _not_echoes(entry: polib.POEntry, notes: tuple[str, ...]) -> tuple[str, ...]:
    """The notes that are not the entry's own ``po:*`` notes come back without their
    category (a CAT tool that drops categories): its ``#.`` comment, a ``#:`` reference,
    its flags, its ``#|`` lines, which became ``#`` lines of every entry."""
    own = {entry.comment, ", ".join(entry.flags), entry.previous_msgctxt,
           entry.previous_msgid, *(place_text(path, line) for path, line in entry.occurrences)}
    return tuple(note for note in notes if note.strip() not in own)


def _with_notes(entry: polib.POEntry, notes: tuple[str, ...]) -> bool:
    """Add each note not already in the entry's translator comment (_noted); whether any
    was added."""
    comment = _noted(entry.tcomment, notes)
    if comment == entry.tcomment:
        return False
    entry.tcomment = comment
    return True


def _with_file_notes(result: ImportResult, notes: tuple[str, ...]) -> None:
    """A translator's notes on the ``<file>``, about the catalog as a whole: added to the
    header's comment, the catalog's own (as ``_noted``)."""
    header = _noted(result.catalog.header, notes)
    if header != result.catalog.header:
        result.catalog.header = header
        result.noted += 1


def _noted(comment: str, notes: tuple[str, ...]) -> str:
    """A translator comment (an entry's, the header's) with each note not already in it
    (as it is, or as it would be added) added after its lines, so a second import of the
    same file adds nothing, nor a tool that sends the ``po:translator`` note back in a
    category of its own. Lines compare without white space at their end: the catalog
    writes a space after a line's final backslash."""
    have = comment.split("\n") if comment else []
    bare = "".join(f"\n{line.rstrip(_WHITE)}" for line in have) + "\n"  # each line framed:
    added = False  # a run of whole lines is found by one search (a note of 300,000 lines
    for note in notes:  # compared line by line at every line took minutes)
        given = _note_lines(note)
        lines = [_plain(line) for line in given]
        if not lines or any("\n" + "\n".join(form) + "\n" in bare for form in (lines, given)):
            continue
        have += lines
        bare += "".join(f"{line.rstrip(_WHITE)}\n" for line in lines)
        added = True
    return "\n".join(have) if added else comment


def _entry(unit: etree._Element, source: str, target: str) -> polib.POEntry:
    """The catalog entry a unit describes (the notes give what is not source or target)."""
    entry = polib.POEntry(msgctxt=unit.get("name"), msgid=source, msgstr=target,
                          obsolete=unit.get(_MI + "obsolete") == "yes")
    translator, extracted = [], []
    for category, text in _notes(unit):
        if category == "po:translator":
            translator.append(text)
        elif category == "po:extracted":
            extracted.append(text)
        elif category == "po:reference":
            entry.occurrences.append(reference(text))
        elif category == "po:flags":
            entry.flags = [flag.strip() for flag in text.split(",") if flag.strip()]
        elif category == "po:previous-msgctxt":
            entry.previous_msgctxt = text
        elif category == "po:previous-msgid":
            entry.previous_msgid = text
    entry.tcomment = comment_text(translator)
    entry.comment = "\n".join(extracted)
    return entry


def _content(unit: etree._Element, what: str, markup: bool,
             path: Path) -> tuple[str, bool, bool]:
    """The source or target text of a unit's segments (and ignorables) joined, whether any
    segment has one, and whether any of them leaves its space unpreserved. An ignorable
    without a target (XLIFF 2.0 makes it optional: the space a tool's sentence segmentation
    put between segments) gives its source's text. A target's ``order`` is its place
    among the unit's segments and ignorables (a translation may reorder sentences)."""
    children = [part for part in unit if part.tag in (_X + "segment", _X + "ignorable")]
    parts: list[tuple[int, bool, str, bool]] = []  # place, an ignorable's source?, text,
    # and whether it is a segment's text a tool may have laid out
    taken: set[int] = set()
    found = loose = False
    for index, part in enumerate(children, 1):
        element = part.find(_X + what)
        place = index
        if element is not None:
            found = True
            order = element.get("order") if what == "target" else None
            if order is not None:
                place = int(order) if order.isascii() and order.isdigit() and \
                    len(order) < 10 else 0
            if not 1 <= place <= len(children) or place in taken:
                given = f"has order={order!r}" if order is not None else \
                    f"without order is in place {place}"
                raise _fail(path, f"a <target> {given}, not a free place among its unit's "
                                  f"{len(children)} segments and ignorables; fix the order "
                                  "in your CAT tool", _line(element))
            taken.add(place)
        elif part.tag == _X + "ignorable":
            element = part.find(_X + "source")
        if element is not None:
            free = not _preserves_space(element)
            parts.append((place, part.find(_X + what) is None, _decode(element, markup, path),
                          free and part.tag == _X + "segment"))
            loose = loose or free
    if not found:
        return "", False, False
    ordered = sorted(parts, key=lambda p: p[:2])
    return "".join(_inner_layout(text, n > 0, n < len(ordered) - 1) if laid_out else text
                   for n, (_, _, text, laid_out) in enumerate(ordered)), True, loose


def _inner_layout(text: str, start: bool, end: bool) -> str:
    """A segment's text without the layout (white space with a line break) at its start
    (``start``) and end (``end``) where another segment or ignorable joins it: the unit's
    own ends are left to ``_without_layout``."""
    body = text.strip(_WHITE)
    head = text[:len(text) - len(text.lstrip(_WHITE))]
    tail = text[len(text.rstrip(_WHITE)):] if body else ""
    if start and "\n" in head:
        head = ""
    if end and "\n" in tail:
        tail = ""
    return head + body + tail


def _preserves_space(element: etree._Element) -> bool:
    """Whether ``xml:space="preserve"`` applies to the element (it is inherited)."""
    for holder in (element, *element.iterancestors()):
        value = holder.get(_SPACE)
        if value is not None:
            return value == "preserve"
    return False


_WHITE = " \t\r\n"  # XML's white space


def _laid_out(unit: Unit, msgid: str) -> Unit:
    """The unit without the layout a tool gave a source or target whose space it does not
    preserve (``Unit.layout``)."""
    loose_source, loose_target = unit.layout
    return replace(unit, msgid=_without_layout(unit.msgid, msgid) if loose_source else
                   unit.msgid,
                   target=_without_layout(unit.target, msgid) if loose_target else unit.target)


def _without_layout(text: str, source: str) -> str:
    """A source or target written without preserved space: a tool may have laid it out on
    lines of its own, indented. A run of white space with a line break at its start or end
    is layout, replaced by the msgid's own white space there (msgfmt --check wants a
    newline at either end exactly where the msgid has one)."""
    body = text.strip(_WHITE)
    if not body:
        return "" if "\n" in text else text
    start, end = text[:len(text) - len(text.lstrip(_WHITE))], text[len(text.rstrip(_WHITE)):]
    if "\n" in start:
        start = source[:len(source) - len(source.lstrip(_WHITE))]
    if "\n" in end:
        end = source[len(source.rstrip(_WHITE)):]
    return start + body + end


def _unit_state(unit: etree._Element, path: Path) -> str:
    """The least advanced state of a unit's segments (a CAT tool may have split it), or
    "" where none has a state (it is optional: a tool that drops it says nothing)."""
    states = []
    segments = list(unit.iterfind(_X + "segment"))
    if segments and all(segment.get("state") is None for segment in segments):
        return ""
    for segment in segments:
        state = segment.get("state", "initial")
        if state not in _STATES:
            raise _fail(path, f"unknown segment state {state!r}; use one of "
                              f"{', '.join(_STATES)}", _line(segment))
        states.append(_STATES.index(state))
    if not states:
        raise _fail(path, f"unit {unit.get('id')!r} has no <segment>; export the file again",
                    _line(unit))
    return _STATES[min(states)]


def read(data: bytes, path: Path) -> Document:
    """Parse an XLIFF 2 document we exported (and a translator edited).

    Untrusted input: malformed XML, a DOCTYPE, another root, namespace or version is one
    CatalogError naming the file and line.
    """
    root = _parse_xml(data, path)
    if root.tag != _X + "xliff":
        raise _fail(path, f"not an XLIFF 2.0 document (root element {_qname(root)}, expected "
                          f"<xliff> in {XLIFF_NS}); export it as XLIFF 2.0", _line(root))
    version = root.get("version", "")
    if version not in VERSIONS:
        raise _fail(path, f"XLIFF version {version!r} is not supported; export it as XLIFF 2.0",
                    _line(root))
    target_lang = root.get("trgLang")
    if not target_lang:
        raise _fail(path, "the <xliff> element has no trgLang: cannot tell which catalog it "
                          "belongs to; export it again with `miss-i18n xliff export`",
                    _line(root))
    files = root.findall(_X + "file")
    if len(files) != 1:
        raise _fail(path, f"{len(files)} <file> elements, expected one per document (one "
                          "catalog); export each locale on its own", _line(root))
    file = files[0]
    po = polib.POFile(wrapwidth=0)
    po.metadata = {meta.get("type", ""): meta.text or "" for meta in file.iterfind(
        f"{_MDA}metadata/{_MDA}metaGroup[@category='{HEADER_GROUP}']/{_MDA}meta")}
    listed = _notes(file)
    notes = dict(listed)
    po.header = comment_text([notes["po:header-comment"]]) if "po:header-comment" in notes \
        else ""
    flags = [flag.strip() for flag in notes.get("po:header-flags", "").split(",")]
    po.metadata_is_fuzzy = "fuzzy" in flags
    set_header_notes(po, HeaderNotes(
        notes.get("po:header-extracted", ""),
        tuple(reference(text) for category, text in listed
              if category == "po:header-reference"),
        tuple(flag for flag in flags if flag and flag != "fuzzy"),
        kept_field_order(po.metadata)))
    units: list[Unit] = []
    seen: set[str] = set()
    for unit in file.iter(_X + "unit"):
        unit_id = unit.get("id", "")
        if not unit_id or unit_id in seen:
            raise _fail(path, f"a <unit> with {'a repeated' if unit_id else 'no'} id; export "
                              "the file again", _line(unit))
        seen.add(unit_id)
        plain = set(unit.get(_MI + "plain", "").split())
        source, _, loose_source = _content(unit, "source", "source" not in plain, path)
        target, has_target, loose_target = _content(unit, "target", "target" not in plain,
                                                    path)
        entry = _entry(unit, source, target)
        po.append(entry)
        units.append(Unit(id=unit_id, line=_line(unit), msgctxt=entry.msgctxt, msgid=source,
                          target=target, has_target=has_target,
                          state=_unit_state(unit, path), exported=unit.get(_MI + "exported"),
                          layout=(loose_source, loose_target),
                          notes=_group_notes(unit) + _their_notes(unit)))
    return Document(path=path, source_lang=root.get("srcLang", ""), target_lang=target_lang,
                    original=file.get("original"), units=units, catalog=po,
                    notes=_their_notes(file))


def to_catalog(document: Document) -> polib.POFile:
    """The catalog the document describes on its own (header, entries, obsolete ones)."""
    return copy.deepcopy(document.catalog)


# -- importing ----------------------------------------------------------------------------
@dataclass
class ImportResult:
    """What an import did to one catalog."""

    catalog: polib.POFile
    updated: int = 0
    accepted: int = 0
    """Of the updated: entries the translator marked final/reviewed that were not before."""
    noted: int = 0
    """Entries that took a translator's note from the CAT tool as translator comment lines."""
    unknown: list[Unit] = field(default_factory=list)
    """Units the catalog has no entry for (its source changed or vanished since export)."""
    stale: list[Unit] = field(default_factory=list)
    """Units whose ``<source>`` is not their entry's msgid (edited in the file): their
    target translates another text, so it is not imported."""
    conflicts: list[Unit] = field(default_factory=list)
    """Units a translator changed whose entry a person also changed in the catalog since
    the export: neither is newer, so the catalog's stays and the unit is named."""
    unproven: list[Unit] = field(default_factory=list)
    """Units without ``mi:exported`` (a tool dropped it, or an older export) that would
    change an entry holding a person's translation, which may be newer than the unit: the
    catalog's stays and the unit is named."""
    obsolete: list[Unit] = field(default_factory=list)
    """Units of obsolete (``#~``) entries, exported ``translate="no"``, whose target was
    changed all the same: not imported (no page shows the entry), and named."""


def _as_exported(kind: str, text: str) -> str:
    """``mi:exported``: what an entry was (untranslated, fuzzy, accepted; its text) when
    exported, so an import tells the catalog's later work from the translator's."""
    return hashlib.sha256(f"{kind}\x00{text}".encode()).hexdigest()[:16]


def _kind(text: str, state: str) -> str:
    if not text:
        return "untranslated"
    return "accepted" if state in ("final", "reviewed") else "fuzzy"


def _current(entry: polib.POEntry) -> str:
    if not entry.msgstr:
        return "untranslated"
    return "fuzzy" if entry.fuzzy else "accepted"


def _placeholder_problem(entry: polib.POEntry, text: str) -> str | None:
    try:
        expected = shape(entry.msgid)
    except MarkupError:
        return None  # the source is not in our language: nothing to hold the target to
    try:
        found = shape(text)
    except MarkupError as exc:
        return str(exc)
    if found != expected:
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        if missing:
            return "missing " + ", ".join(f"<{n}>" for n in missing)
        if extra:
            return "unknown " + ", ".join(f"<{n}>" for n in extra)
        return "placeholders nested or closed differently"
    return None


def _set(entry: polib.POEntry, text: str, kind: str) -> None:
    others = [flag for flag in entry.flags if flag != "fuzzy"]
    if kind == "fuzzy":
        entry.tcomment = _fuzzy_comment(entry, text)
        entry.flags = ["fuzzy", *others]
    else:
        entry.flags = others
        entry.previous_msgctxt = entry.previous_msgid = None
    entry.msgstr = text
    entry.tcomment = settled_comment(entry)  # accepted: its draft line is history now


def _fuzzy_comment(entry: polib.POEntry, text: str) -> str:
    """The translator comment of an entry a translator leaves (or sets) fuzzy with ``text``.

    Fuzzy with a draft line is what an engine or the memory may replace. A person's text
    must not read so: a draft they changed is renamed ``edited …``, and a translation they
    had accepted and now send back for review keeps its old line only as history
    (``accepted …``).
    """
    if is_accepted(entry):
        return as_history(entry)
    if is_draft(entry) and text != entry.msgstr:
        return edited(entry.tcomment)
    return entry.tcomment


def _refuse_unusable(path: Path, unit: Unit) -> None:
    """A new translation must be one a catalog and a page can hold: GNU gettext cuts a
    string at a NUL, and ``check`` (unusable-characters) rejects the other controls,
    surrogates and noncharacters; better refused here than written and rejected later."""
    found = unusable_characters(unit.target)
    if found:
        raise _fail(path, f"unit {unit.id} ({unit.msgctxt}): the translation holds characters "
                          f"a catalog or web page cannot hold ({describe(found)}); remove them "
                          "in your CAT tool and import again; nothing was imported", unit.line)


def _refuse_line_breaks(path: Path, unit: Unit, source: str) -> None:
    """GNU ``msgfmt --check`` refuses a translation that begins (ends) with a newline where
    its msgid does not, or the other way round (``check``'s ``newlines``)."""
    for side, has in (("begins", str.startswith), ("ends", str.endswith)):
        if has(unit.target, "\n") != has(source, "\n"):
            how = (f"{side} with a line break where the source does not" if has(unit.target, "\n")
                   else f"does not {side[:-1]} with a line break where the source does")
            raise _fail(path, f"unit {unit.id} ({unit.msgctxt}): the translation {how}, which "
                              "msgfmt --check refuses; in your CAT tool, make it begin and end "
                              "as the source does and import again; nothing was imported",
                    unit.line)


def apply(po: polib.POFile, document: Document) -> ImportResult:
    """The catalog with the document's targets and states (``po`` is not changed).

    Raises CatalogError naming the first unit (and the count) whose changed target's
    placeholders differ from its source's: then nothing is imported.
    """
    result = ImportResult(copy.deepcopy(po))
    entries = _entries(result.catalog)
    by_id: Mapping[str, polib.POEntry] = dict(zip(unit_ids(entries), entries, strict=True))
    refused: list[tuple[Unit, str]] = []
    _with_file_notes(result, document.notes)
    for sent in document.units:
        entry = by_id.get(sent.id)
        if entry is None:
            result.unknown.append(sent)
            continue
        if _with_notes(entry, _not_echoes(entry, sent.notes)):  # a person's words, whatever
            # becomes of the target
            result.noted += 1
        unit = _laid_out(sent, entry.msgid)
        if unit.msgid != entry.msgid:
            result.stale.append(unit)
            continue
        if unit.state:
            kind = _kind(unit.target, unit.state)
        else:  # no state: a target left as it was keeps the entry's, a changed one is a draft
            kind = _current(entry) if unit.target == entry.msgstr else _kind(unit.target, "")
        if not unit.has_target and entry.msgstr:
            continue  # a tool that drops a target has not emptied the translation
        if unit.state in ("initial", "") and unit.target == entry.msgid:
            continue  # the CAT tool's copy of the source ("copy source"), no translation
        if unit.target == entry.msgstr and kind == _current(entry):
            continue
        if entry.obsolete:
            result.obsolete.append(unit)
            continue
        verdict = _against_catalog(unit, entry, kind)
        if verdict is not None:
            if verdict != "kept":
                (result.conflicts if verdict == "conflict" else result.unproven).append(unit)
            continue
        if unit.target != entry.msgstr:
            _refuse_unusable(document.path, unit)
            if unit.target:
                _refuse_line_breaks(document.path, unit, entry.msgid)
        problem = _placeholder_problem(entry, unit.target) if unit.target else None
        if problem is not None:
            refused.append((unit, problem))
            continue
        if kind == "accepted" and _current(entry) != "accepted":
            result.accepted += 1
        _set(entry, unit.target, kind)
        result.updated += 1
    if refused:
        unit, problem = refused[0]
        others = f" (and {len(refused) - 1} more unit(s))" if len(refused) > 1 else ""
        raise _fail(document.path, f"unit {unit.id} ({unit.msgctxt}): the translation's "
                                   f"placeholders do not match the source's ({problem})"
                                   f"{others}; keep the source's inline codes in your CAT tool "
                                   "and import again; nothing was imported", unit.line)
    return result


def _against_catalog(unit: Unit, entry: polib.POEntry, kind: str) -> str | None:
    """What the catalog's work since the export makes of a unit that would change its
    entry: ``"kept"`` (the catalog changed since, the unit is as exported: the catalog's
    entry is newer), ``"conflict"`` (a person's work on both sides), ``"unproven"`` (a
    person's entry where what the unit was exported as is unknown: a tool dropped
    ``mi:exported``, or an older export, and the unit may be older than the entry), None
    (import the unit)."""
    if unit.exported is None:
        return "unproven" if _persons(entry) else None
    if unit.exported == _as_exported(_current(entry), entry.msgstr):
        return None
    if not unit.has_target or unit.exported == _as_exported(kind, unit.target):
        return "kept"
    return "conflict" if _persons(entry) else None


def _persons(entry: polib.POEntry) -> bool:
    """Whether the entry holds a person's translation: not an engine's or the memory's
    draft as it was made."""
    return bool(entry.msgstr) and not (entry.fuzzy and (is_engine_text(entry)
                                                         or is_memory_draft(entry)))


def _exported_as(document: Document) -> list[tuple[str, str]]:
    """The locale the document says it was exported from, and where it says so: the
    catalog its ``<file original>`` names (``locales/<locale>/LC_MESSAGES/…``), and its
    header's Language field, where it has them."""
    found = []
    parts = PurePosixPath(document.original or "").parts
    if "LC_MESSAGES" in parts[1:]:
        found.append((parts[parts.index("LC_MESSAGES") - 1],
                      f"<file original={document.original!r}>"))
    language = document.catalog.metadata.get("Language")
    if language:
        found.append((language, f"the header's Language {language!r}"))
    return found


def locale_of(document: Document, source_locale: str, locales: tuple[str, ...]) -> str:
    """The configured locale a document's trgLang names; its srcLang must be the source's
    language and script, whatever territory (as `tm import` reads a source segment: a CAT
    tool may write ``en`` or ``en-GB`` back for ``en_US``), and the catalog it was
    exported from that locale's (a relabelled trgLang would put one language's
    translations into another's catalog)."""
    if not same_language(document.source_lang, source_locale):
        raise _fail(document.path, f"srcLang {document.source_lang!r} is not the project's "
                                   f"source locale {bcp47(source_locale)!r}; export "
                                   "the file again from this project")
    found = match_locale(document.target_lang, locales)  # de-DE is de, pt-PT not pt_BR
    if found is None:
        raise _fail(document.path, f"trgLang {document.target_lang!r} is not one of the "
                                   "project's locales; add it to the config or export the "
                                   "right locale")
    for locale, where in _exported_as(document):  # (Poedit writes Language: de_DE for de)
        if match_locale(locale, locales) != found:
            raise _fail(document.path, f"trgLang {document.target_lang!r} does not match the "
                                       f"catalog it was exported from ({where}); import a "
                                       f"file exported for {found}, or set trgLang back to "
                                       f"{bcp47(locale)!r}; nothing was imported")
    return found


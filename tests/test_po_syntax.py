"""The strict PO reader: the same verdict as GNU msgfmt on hostile and odd catalogs.

msgfmt's verdict is ``msgfmt --check-format -o /dev/null``: it accepts a file when it exits
0 without warning that the charset "is not a portable encoding name" (then it reads bytes
it cannot convert; we cannot read them as text at all, so we refuse). The corpus holds no
format flags and no msgid/msgstr pair that differ in a leading or trailing newline: those
are msgfmt's checks after parsing, which `check` reports as warnings, not syntax.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from miss_i18n import catalog
from miss_i18n.po_syntax import PoSyntaxError, parse

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None or shutil.which("msgcat") is None,
                                   reason="GNU gettext (msgfmt, msgcat) missing: apt-get install "
                                          "gettext")


def head(charset: str | None = "UTF-8", plural: bool = False) -> bytes:
    lines = ['msgid ""', 'msgstr ""']
    if charset is not None:
        lines.append(f'"Content-Type: text/plain; charset={charset}\\n"')
    if plural:
        lines.append('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"')
    return ("\n".join(lines) + "\n\n").encode("ascii")


H = head()
P = head(plural=True)
OK = b'msgid "a"\nmsgstr "b"\n'

CORPUS: dict[str, bytes] = {
    # accepted
    "plain": H + OK,
    "empty file": b"",
    "blank lines only": b"\n  \n\t\n",
    "comments only": b"# a comment\n#. extracted\n#: ref.html:3\n",
    "no header": OK,
    "fuzzy on an untranslated entry": H + b'#, fuzzy\nmsgid "a"\nmsgstr ""\n',
    "fuzzy after other flags": H + b'#, python-format, fuzzy\nmsgid "a %s"\nmsgstr "b %s"\n',
    "an obsolete entry with places": H + OK + b'\n#. x\n#: a.html:3 b.html\n#~ msgid "o"\n'
                                          b'#~ msgstr "p"\n',
    "an obsolete entry without text": H + OK + b'\n#, fuzzy\n#~ msgid "o"\n#~ msgstr ""\n',
    "no header, UTF-8 text": 'msgid "a"\nmsgstr "Größe"\n'.encode(),
    "header without charset": b'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n' + OK,
    "header not first": OK + b"\n" + H,
    "all escapes": H + b'msgid "a"\nmsgstr "\\a\\b\\f\\v\\t\\r\\n\\\\\\"\\101\\x41\\1011\\x4142"\n',
    "NUL escapes": H + b'msgid "a"\nmsgstr "a\\0b\\x00g\\000"\n',
    "octal and hex bytes of UTF-8": H + b'msgid "a"\nmsgstr "\\303\\244 \\xc3\\xa4"\n',
    "continuation lines": H + b'msgid ""\n"a"\n"b"\nmsgstr ""\n"c"\n\n"d"\n',
    "keywords without space": H + b'msgid"a"\nmsgstr"b"\n',
    "indented keywords": H + b'  msgid "a"\n\tmsgstr "b"\n',
    "two strings on a line": H + b'msgid "a" "b"\nmsgstr "c"\n',
    "form feed outside strings": H + b'msgid "a"\f\nmsgstr "b"\v\n',
    "raw controls in strings": H + b'msgid "a"\nmsgstr "x\x01\x07\x1b\x7f\ty\rz"\n',
    "raw NUL in a string": H + b'msgid "a"\nmsgstr "x\x00y"\n',
    "CRLF line ends": H.replace(b"\n", b"\r\n") + OK.replace(b"\n", b"\r\n"),
    "no final newline": H + OK[:-1],
    "comments everywhere": H + b'# t\n#. e\n#: r:1\n#, fuzzy\n#| msgid "old"\nmsgid "a"\n'
                                b'msgstr "b"\n# trailing\n#no space\n',
    "previous context and plural": P + b'#| msgctxt "x"\n#| msgid "y"\n#| msgid_plural "ys"\n'
                                       b'msgid "a"\nmsgstr "b"\n',
    "context": H + b'msgctxt "c"\nmsgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "b"\n',
    "empty context": H + b'msgctxt ""\nmsgid ""\nmsgstr "x"\n',
    "plural entry": P + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs"\n',
    "plural with spaces and 00": P + b'msgid "a"\nmsgid_plural "as"\nmsgstr [ 00 ] "b"\n'
                                     b'msgstr[1] "bs"\n',
    "obsolete entries": H + OK + b'\n#~ msgid "old"\n#~ msgstr "alt"\n#~ "er"\n',
    "obsolete plural and previous": P + b'#~| msgid "p"\n#~ msgid "a"\n#~ msgid_plural "as"\n'
                                        b'#~ msgstr[0] "b"\n#~ msgstr[1] "bs"\n',
    "obsolete with comments": H + b'#~ # translator\n#~ #, fuzzy\n#~ msgid "a"\n#~ msgstr "b"\n',
    "obsolete split by a blank line": H + b'#~ msgid "a"\n\n#~ msgstr "b"\n',
    "lone #~ line": H + b'#~\n' + OK,
    "ISO-8859-1": head("ISO-8859-1") + b'msgid "a"\nmsgstr "Gr\xf6\xdfe"\n',
    "iso-8859-2 lower case": head("iso-8859-2") + OK,
    "SHIFT_JIS with a backslash byte": head("SHIFT_JIS") + b'msgid "a"\nmsgstr "\x95\x5c"\n',
    # bytes Python's codecs decode and glibc's iconv refuses: refused by both
    "a C1 byte in TIS-620": head("TIS-620") + b'msgid "a"\nmsgstr "x\x85y"\n',
    "Thai in TIS-620": head("TIS-620") + b'msgid "a"\nmsgstr "\xa1\xd2"\n',
    "CP932 0x80": head("CP932") + b'msgid "a"\nmsgstr "x\x80y"\n',
    "CP932 0xA0": head("CP932") + b'msgid "a"\nmsgstr "x\xa0y"\n',
    "CP932 0xFD": head("CP932") + b'msgid "a"\nmsgstr "\xfd"\n',
    "CP932 text": head("CP932") + b'msgid "a"\nmsgstr "\x95\x5c\x87\x40"\n',
    "CP1252": head("CP1252") + b'msgid "a"\nmsgstr "\x80"\n',
    "a backslash before a line end joins the lines": H + b'msg\\\nid "a"\n'
                                                         b'msgstr "b\\\nc" \\\n"d"\n',
    "a comment ending in a backslash joins the next comment": H + b'# a\\\n# b\\\\\n'
                                                                  b'#, fuzzy\n' + OK,
    # one backslash per line end: "\\" before one is a backslash, then the next line joined
    "a comment ending in two backslashes before a blank line": H + b'# C:\\\\\n\n#, fuzzy\n'
                                                                   b'msgid "x"\nmsgstr "y"\n',
    "two backslashes, a blank line, an entry": H + b'# C:\\\\\n\nmsgid "x"\nmsgstr "y"\n',
    "#~ again after a token on its line": H + b'#~ msgid "a" #~ msgstr "b"\n',
    "#~#~": H + b'#~#~msgid "a"\n#~msgstr "b"\n',
    "#~ then #| after a space": H + b'#~ #| msgid "o"\n#~ msgid "a"\n#~ msgstr "b"\n',
    "msgstr[1] after a string on its line": P + b'msgid "a"\nmsgid_plural "as"\n'
                                                b'msgstr[0] "x" msgstr[1] "y"\n',
    # a comment on a #| line takes its line end: the next line is read as #| too
    "a comment on a #| line, then a blank line": H + b'#| # c\n\n' + OK,
    "a comment on a #| line, then a #| line": H + b'#| #, fuzzy\n#| msgid "old"\n' + OK,
    "a comment on a #~| line, then a blank line": H + b'#~| # c\n\n' + OK,
    "a lone #| line": H + b"#|\n" + OK,
    "EOT in a comment": H + b"# x\x04y\n" + OK,
    # refused
    "unterminated string": H + b'msgid "a"\nmsgstr "unterminated\n',
    "unquoted msgstr": H + 'msgid "a"\nmsgstr Größe\n'.encode(),
    "unquoted msgstr in the header": ('msgid ""\nmsgstr Größe\n'
                                      '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                      'msgid "a"\nmsgstr "b"\n').encode(),
    "unknown keyword": H + OK + b'nonsense here\n',
    "a quote typed in a string": H + b'msgid "a"\nmsgstr "Er sagte "Hallo" heute"\n',
    "a quote typed before a number": H + b'msgid "a"\nmsgstr "Seite "1" von 2"\n',
    "a quote typed before a sign": H + b'msgid "a"\nmsgstr "Klicken Sie auf "+""\n',
    "upper-case keyword": H + b'MSGID "a"\nmsgstr "b"\n',
    "string ends in a backslash": H + b'msgid "a"\nmsgstr "b\\"\n',
    "bad escape q": H + b'msgid "a"\nmsgstr "b\\q"\n',
    "bad escape quote": H + b'msgid "a"\nmsgstr "\\\'"\n',
    "bad escape 8": H + b'msgid "a"\nmsgstr "\\8"\n',
    "bad escape x without digits": H + b'msgid "a"\nmsgstr "\\xg"\n',
    "msgstr before msgid": H + b'msgstr "b"\nmsgid "a"\n',
    "msgctxt after msgid": H + b'msgid "a"\nmsgctxt "c"\nmsgstr "b"\n',
    "two msgctxt": H + b'msgctxt "x"\nmsgctxt "y"\nmsgid "a"\nmsgstr "b"\n',
    "missing msgstr": H + b'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n',
    "keyword without string": H + b'msgid\nmsgstr "b"\n',
    "comment inside an entry": H + b'msgid "a"\n# hello\nmsgstr "b"\n',
    "comment after a string": H + b'msgid "a" # c\nmsgstr "b"\n',
    "comment between #| and msgid": H + b'#| msgid "old"\n#, fuzzy\nmsgid "a"\nmsgstr "b"\n',
    "#| msgctxt without #| msgid": H + b'#| msgctxt "x"\nmsgid "a"\nmsgstr "b"\n',
    "#| msgstr": H + b'#| msgstr "x"\nmsgid "a"\nmsgstr "b"\n',
    "plural forms out of order": P + b'msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n'
                                     b'msgstr[0] "bs"\n',
    "plural form missing": P + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[2] "c"\n',
    "msgstr[0] without msgid_plural": H + b'msgid "a"\nmsgstr[0] "b"\n',
    "msgid_plural with plain msgstr": P + b'msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n',
    "partly obsolete": H + b'#~ msgid "old"\nmsgstr "x"\n',
    "obsolete without msgstr": H + b'#~ msgid "old"\n',
    "duplicate": H + OK + b"\n" + OK.replace(b'"b"', b'"c"'),
    "duplicate with context": H + b'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\n'
                                  b'msgctxt "x"\nmsgid "a"\nmsgstr "c"\n',
    "duplicate split differently": H + b'msgid "ab"\nmsgstr "b"\n\nmsgid "a"\n"b"\nmsgstr "c"\n',
    "duplicate obsolete": H + OK + b'\n#~ msgid "a"\n#~ msgstr "c"\n',
    "two obsolete duplicates": H + b'#~ msgid "a"\n#~ msgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n',
    "two headers": H + b'msgid ""\nmsgstr "x"\n',
    "NUL outside a string": H + b'msgid "a"\nmsgstr "b"\x00\n',
    "UTF-8 BOM": b"\xef\xbb\xbf" + H + OK,
    "UTF-16": (H + OK).decode().encode("utf-16"),
    "UTF-16 without a byte order mark": (H + OK).decode().encode("utf-16-le"),
    "NUL in a first comment (not UTF-16)": b"#\x00 c\n" + H + OK,
    "a comment ending in a backslash swallows the msgid": H + b'# see C:\\\n' + OK,
    "a merge conflict left in": H + b'msgid "a"\n<<<<<<< HEAD\nmsgstr "b"\n=======\nmsgstr "c"\n'
                                    b'>>>>>>> theirs\n',
    "bad UTF-8 in a string": H + b'msgid "a"\nmsgstr "b\xff"\n',
    "charset foo": head("foo") + 'msgid "a"\nmsgstr "Größe"\n'.encode(),
    "charset hex": head("hex") + OK,
    "charset rot13": head("rot13") + OK,
    "charset zlib_codec": head("zlib_codec") + OK,
    "charset base64": head("base64") + OK,
    "charset utf8 (Python's alias)": head("utf8") + OK,
    "charset latin1 (Python's alias)": head("latin1") + OK,
    "charset UTF-16": head("UTF-16") + OK,
    "charset CHARSET (a template's placeholder)": head("CHARSET") + OK,
    "charset in quotes": head('\\"UTF-8\\"') + OK,
    "a string ending in two backslashes before a blank line": H + b'msgid "x"\n'
                                                                  b'msgstr "y\\\\\n\n"\n',
    "EOT escaped in a msgstr": H + b'msgid "Hello"\nmsgstr "Hallo\\x04"\n',
    "EOT as octal in a msgctxt": H + b'msgctxt "c\\004"\nmsgid "a"\nmsgstr "b"\n',
    "EOT written in a msgid": H + b'msgid "a\x04b"\nmsgstr "b"\n',
    "EOT in a msgid_plural": P + b'msgid "a"\nmsgid_plural "a\\4s"\nmsgstr[0] ""\nmsgstr[1] ""\n',
    "EOT in a #| string": H + b'#| msgid "o\x04"\n' + OK,
    "EOT in an obsolete entry": H + b'#~ msgid "a"\n#~ msgstr "\\x04"\n',
    "EOT in the header": b'msgid ""\nmsgstr "X-A: \\x04\\n"\n',
    "a NUL msgid is another msgid (a duplicate)": H + OK + b'\nmsgid "a\\0z"\nmsgstr "c"\n',
    "a NUL msgid is another header": H + b'msgid "\\0"\nmsgstr "x"\n',
    "a NUL msgid is the header (charset=)": b'msgid "\\0"\nmsgstr "charset="\n',
    "partly obsolete: the msgid": H + b'msgctxt "c"\n#~ msgid "a"\nmsgstr "b"\n',
    "partly obsolete: the msgid only": H + b'#~ msgctxt "c"\nmsgid "a"\n#~ msgstr "b"\n',
    "partly obsolete: the msgid_plural": H + b'msgid "a"\n#~ msgid_plural "b"\nmsgstr[0] ""\n',
    "partly obsolete: a plural form": P + b'#~ msgid "a"\n#~ msgid_plural "as"\n'
                                          b'#~ msgstr[0] "b"\nmsgstr[1] "bs"\n',
    "partly obsolete: a continuation": H + b'#~ msgid "a"\n#~ msgstr "b"\n"c"\n',
    "partly obsolete: #| before #~": H + b'#| msgid "o"\n#~ msgid "a"\n#~ msgstr "b"\n',
    "partly obsolete: #~| before an entry": H + b'#~| msgid "o"\n' + OK,
    "partly obsolete: #~ after a token": H + b'msgid "a" #~ msgstr "b"\n',
    "a comment after #| msgid": H + b'#| msgid "old" # note\n' + OK,
    "a flag comment after #|": H + b"#| #, fuzzy\n" + OK,
    "a comment after #~|": H + b"#~| # c\n" + OK,
    "#| after a token on its line": H + b'#~ msgid "a" #| msgid "b"\n#~ msgstr "c"\n',
}


def msgfmt_accepts(path: Path) -> bool:
    result = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(path)],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""})
    return result.returncode == 0 and "is not a portable encoding name" not in result.stderr


def we_accept(data: bytes) -> bool:
    try:
        parse(data)
    except PoSyntaxError:
        return False
    return True


def test_the_corpus_is_large_and_has_both_verdicts() -> None:
    verdicts = [we_accept(data) for data in CORPUS.values()]
    assert len(CORPUS) >= 40
    assert verdicts.count(True) >= 20 and verdicts.count(False) >= 20


@needs_gettext
@pytest.mark.parametrize("case", list(CORPUS))
def test_we_accept_exactly_what_msgfmt_accepts(tmp_path: Path, case: str) -> None:
    path = tmp_path / "case.po"
    path.write_bytes(CORPUS[case])
    assert we_accept(CORPUS[case]) == msgfmt_accepts(path)


STRICTER = {
    "a domain line": H + b'domain "other"\n' + OK,
    "bad UTF-8 in a comment": H + b"# \xff\n" + OK,
    "escapes that are not UTF-8": H + b'msgid "a"\nmsgstr "\\377"\n',
    "a charset Python cannot decode (VISCII)": head("VISCII") + OK,
    "classic Mac (CR) line ends": (b"# a translator's comment\n" + H + OK).replace(b"\n", b"\r"),
    "a CR alone in a comment": H + b"# note\rmsgid \"x\"\n" + OK,
    # gettext ends a string at a NUL: another message than written, or a header cut short
    "a NUL in a msgid": H + b'msgid "a\\0z"\nmsgstr "b"\n',
    "a NUL written in a msgctxt": H + b'msgctxt "c\x00"\n' + OK,
    "a NUL in a #| msgid": H + b'#| msgid "o\\0"\n' + OK,
    "a NUL in the header before its charset": b'msgid ""\nmsgstr "X: y\\0\\nContent-Type: '
                                              b'text/plain; charset=foo\\n"\n\n' + OK,
    # bytes msgfmt does not look at (before the header's charset, or without one) or that
    # glibc's iconv takes where Python's codec does not: refused, we do not emulate iconv
    "bad UTF-8 in the header before its charset": b'msgid ""\nmsgstr ""\n"X: \xc3\\n"\n'
                                                  b'"Content-Type: text/plain; charset=UTF-8'
                                                  b'\\n"\n\n' + OK,
    "no charset, Latin-1 text": b'msgid "a"\nmsgstr "\xff"\n',
    "bad UTF-8 in an entry before the header": b'msgid "a"\nmsgstr "\xff"\n\n' + H,
    "a C1 byte in EUC-JP": head("EUC-JP") + b'msgid "a"\nmsgstr "\x85"\n',
    "a C1 byte in EUC-KR": head("EUC-KR") + b'msgid "a"\nmsgstr "\x83"\n',
    "BIG5 0x80": head("BIG5") + b'msgid "a"\nmsgstr "\x80I"\n',
}


@needs_gettext
@pytest.mark.parametrize("case", list(STRICTER))
def test_where_we_are_stricter_than_msgfmt(tmp_path: Path, case: str) -> None:
    """Files msgfmt takes that we could not read as one domain of text, or where gettext
    would read another message than the one written (a NUL): refused, said so."""
    path = tmp_path / "case.po"
    path.write_bytes(STRICTER[case])
    assert msgfmt_accepts(path)
    assert not we_accept(STRICTER[case])


def test_escapes_mean_what_msgfmt_says() -> None:
    parsed = parse(CORPUS["all escapes"] + b'\nmsgid "u"\nmsgstr "\\303\\244\\xc3\\xa4"\n')
    assert [e.msgstr for e in parsed.entries[1:]] == [
        "\a\b\f\v\t\r\n\\\"AAA1B", "ää"]
    assert parse(CORPUS["NUL escapes"]).entries[1].msgstr == "a\x00b\x00g\x00"
    raw_nul = parse(H + b'msgid "a"\nmsgstr "\x000\x00\\303\\244"\n')
    assert raw_nul.entries[1].msgstr == "\x000\x00ä"
    latin = parse(CORPUS["ISO-8859-1"])
    assert (latin.charset, latin.entries[1].msgstr) == ("ISO-8859-1", "Größe")
    assert parse(CORPUS["SHIFT_JIS with a backslash byte"]).entries[1].msgstr == "表"
    joined = parse(CORPUS["a backslash before a line end joins the lines"]).entries[1]
    assert (joined.line, joined.msgid, joined.msgstr) == (5, "a", "bcd")
    comment = parse(CORPUS["a comment ending in a backslash joins the next comment"]).entries[1]
    assert (comment.line, comment.comments) == (8, (" a# b\\#, fuzzy",))  # not fuzzy: one line


def test_a_comment_ending_in_a_backslash_leaves_the_next_entry_fuzzy(tmp_path: Path) -> None:
    """``# C:\\\\`` and a blank line: gettext drops one backslash and the line end, and the
    blank line ends the comment. Joining again ran ``#, fuzzy`` into the comment, and a
    fuzzy translation was read (and written back) as accepted."""
    data = CORPUS["a comment ending in two backslashes before a blank line"]
    entry = parse(data).entries[-1]
    assert (entry.line, entry.comments) == (8, (" C:\\", ", fuzzy"))
    path = tmp_path / "case.po"
    path.write_bytes(data)
    [read] = catalog.load(path)
    assert (read.tcomment, read.fuzzy) == ("C:\\", True)
    path.write_bytes(catalog.to_bytes(catalog.load(path)))
    [again] = catalog.load(path)  # written with a space after the backslash, so it ends none
    assert (again.tcomment, again.fuzzy) == ("C:\\ ", True)
    three = parse(H + b'# a\\\\\\\n# b\n\n' + OK).entries[1]  # "# a\\\" and "# b"
    assert three.comments == (" a\\\\# b",)


def test_a_comment_on_a_previous_line_makes_the_next_line_previous() -> None:
    """``#| #, fuzzy`` then ``#| msgid "old"``: msgfmt takes it, the flag a comment of the
    entry (fuzzy) and the next line a previous msgid, as gettext's lexer reads it."""
    entry = parse(CORPUS["a comment on a #| line, then a #| line"]).entries[1]
    assert (entry.comments, entry.previous_msgid, entry.msgid) == ((", fuzzy",), "old", "a")
    entry = parse(CORPUS["#~ then #| after a space"]).entries[1]
    assert (entry.obsolete, entry.previous_msgid, entry.msgid) == (True, "o", "a")
    entry = parse(CORPUS["msgstr[1] after a string on its line"]).entries[1]
    assert entry.msgstr_plural == ("x", "y")


def test_a_nul_in_a_translation_is_kept_for_check() -> None:
    """msgfmt takes a NUL in a msgstr (gettext ends the translation there): read as
    written, and `check` reports it (unusable-characters); in a msgid it is refused."""
    assert parse(H + b'msgid "a"\nmsgstr "x\\0y"\n').entries[1].msgstr == "x\x00y"
    plural = parse(P + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "\x00"\nmsgstr[1] ""\n')
    assert plural.entries[1].msgstr_plural == ("\x00", "")


def test_entries_keep_every_field() -> None:
    obsolete_plural = CORPUS["obsolete plural and previous"][len(P):].replace(b'"a"', b'"z"')
    parsed = parse(CORPUS["comments everywhere"] + obsolete_plural)
    header, active, obsolete = parsed.entries
    assert header.msgid == "" and parsed.header is header
    assert (active.line, active.msgid, active.msgstr, active.previous_msgid) == (
        10, "a", "b", "old")
    assert active.comments == (" t", ". e", ": r:1", ", fuzzy")
    assert (obsolete.obsolete, obsolete.msgid_plural, obsolete.msgstr_plural,
            obsolete.previous_msgid) == (True, "as", ("b", "bs"), "p")


CR_ALONE = ("a carriage return (CR) without a line feed ends a line in this comment (classic "
            "Mac line ends), so gettext reads the rest of the file as a comment; save the file "
            "with LF or CRLF line ends")
EOT = ("a string holds the control character EOT (U+0004), which gettext keeps to join a "
       "msgctxt to its msgid (msgfmt refuses it); remove it")
NUL = ("the {} holds a NUL character (U+0000), where gettext ends the string, so it reads "
       "another message than the one written; remove it")
PARTLY_OBSOLETE = ("an entry is partly obsolete; put #~ before every line of an obsolete entry "
                   "or none")
CARRIED = ("a comment after #| on its line makes gettext read the next line as a #| line too; "
           "put the comment on a line of its own, before the #| lines")
REFUSED_MESSAGES = {
    "unterminated string": (6, 'a string is not closed on its line; end it with "'),
    "unquoted msgstr": (6, "unknown keyword 'Größe'; put text in quotes (the keywords are msgctxt, "
                           "msgid, msgid_plural, msgstr)"),
    # found before the header's charset is known: the word as the file (UTF-8) shows it,
    # not each byte as a Latin-1 character ('GrÃ¶Ã\x9fe')
    "unquoted msgstr in the header": (2, "unknown keyword 'Größe'; put text in quotes (the "
                                         "keywords are msgctxt, msgid, msgid_plural, msgstr)"),
    "a quote typed in a string": (6, "the string ends at the quote (\") before 'Hallo'; write "
                                     "a quote inside a text as \\\""),
    "a quote typed before a number": (6, "the string ends at the quote (\") before '1'; write a "
                                         "quote inside a text as \\\""),
    "a quote typed before a sign": (6, "the string ends at the quote (\") before '+'; write a "
                                       "quote inside a text as \\\""),
    "bad escape q": (6, "invalid escape '\\q' in a string; write a backslash as '\\\\'"),
    "msgstr before msgid": (5, "msgstr where msgid is due; write [msgctxt] msgid [msgid_plural] "
                               "msgstr, comments between entries"),
    "missing msgstr": (5, 'msgid has no msgstr; add msgstr "" after it'),
    "partly obsolete": (6, PARTLY_OBSOLETE),
    "duplicate": (8, "this msgctxt and msgid already appears at line 5; keep one of the two "
                     "entries"),
    "duplicate obsolete": (8, "this msgctxt and msgid already appears at line 5; keep one of "
                              "the two entries"),
    "two headers": (5, "the header already appears at line 1; keep one of the two entries"),
    "plural forms out of order": (8, "plural form msgstr[1] where msgstr[0] is due; number "
                                     "them 0, 1, 2…"),
    "UTF-8 BOM": (1, "the file starts with a byte order mark (BOM); save it as UTF-8 without "
                     "BOM"),
    "UTF-16": (1, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as "
                  "UTF-8"),
    "UTF-16 without a byte order mark": (1, "the file looks like UTF-16 (NUL bytes between its "
                                            "characters); save it as UTF-8"),
    "a comment ending in a backslash swallows the msgid": (
        5, "this comment ends with a backslash, which joins the next line to it (gettext reads "
           "line 6 as part of the comment); remove the backslash or put a space after it"),
    "a merge conflict left in": (6, "a version-control conflict marker (<<<<<<<): the file "
                                    "holds both sides of a merge; keep one side's lines and "
                                    "delete the marker lines"),
    "bad UTF-8 in a string": (6, "bytes that are not valid UTF-8 (the header's charset); save "
                                 "the file as UTF-8 or declare its real charset"),
    "charset foo": (1, "charset 'foo' in the Content-Type header is not a text encoding gettext "
                       "knows; convert the file to UTF-8 and declare charset=UTF-8"),
    "charset zlib_codec": (1, "charset 'zlib_codec' in the Content-Type header is not a text "
                              "encoding gettext knows; convert the file to UTF-8 and declare "
                              "charset=UTF-8"),
    "a charset Python cannot decode (VISCII)": (1, "charset 'VISCII' is not supported here; "
                                                   "convert the file to UTF-8 (iconv) and "
                                                   "declare charset=UTF-8"),
    "a domain line": (5, "a 'domain' line is not supported; keep one domain per catalog and "
                         "remove the line"),
    "escapes that are not UTF-8": (6, "octal or hex escapes in a string are not valid utf-8 "
                                      "text; write the characters themselves"),
    "classic Mac (CR) line ends": (1, CR_ALONE),
    "a CR alone in a comment": (5, CR_ALONE),
    "bad UTF-8 in a comment": (5, "bytes that are not valid UTF-8 (the header's charset); save "
                                  "the file as UTF-8 or declare its real charset"),
    "no charset, Latin-1 text": (2, "bytes that are not valid UTF-8 (the header's charset); save "
                                    "the file as UTF-8 or declare its real charset"),
    "EOT escaped in a msgstr": (6, EOT),
    "EOT written in a msgid": (5, EOT),
    "a NUL msgid is another msgid (a duplicate)": (8, NUL.format("msgid")),
    "a NUL written in a msgctxt": (6, NUL.format("msgctxt")),
    "a NUL in a #| msgid": (6, NUL.format("#| msgid")),
    "a NUL in the header before its charset": (1, "the header holds a NUL character (U+0000), "
                                                  "where gettext ends it and reads no field "
                                                  "after it; remove it"),
    "partly obsolete: the msgid": (6, PARTLY_OBSOLETE),
    "partly obsolete: #~ after a token": (5, PARTLY_OBSOLETE),
    "a comment after #| msgid": (5, CARRIED),
    "a flag comment after #|": (5, CARRIED),
}


@pytest.mark.parametrize("case", list(REFUSED_MESSAGES))
def test_each_refusal_names_the_line_and_what_to_do(case: str) -> None:
    with pytest.raises(PoSyntaxError) as caught:
        parse({**CORPUS, **STRICTER}[case])
    assert (caught.value.line, caught.value.message) == REFUSED_MESSAGES[case]


# Not a comment ending in a backslash: msgcat writes it as it is, and the next line joins
# it when the file is read again; our writer puts a space after the backslash.
ENDS_IN_A_BACKSLASH = {"a comment ending in two backslashes before a blank line",
                       "two backslashes, a blank line, an entry"}
ROUND_TRIP = [c for c in CORPUS if we_accept(CORPUS[c]) and CORPUS[c].startswith(H)
              and "NUL" not in c and c not in ENDS_IN_A_BACKSLASH]


@needs_gettext
@pytest.mark.parametrize("case", ROUND_TRIP)
def test_an_accepted_catalog_is_written_back_as_msgcat_writes_it(tmp_path: Path,
                                                                 case: str) -> None:
    """Every value read exactly: our writer gives what msgcat --no-wrap gives.

    Not for NUL: msgcat cuts a string there (C strings); we keep it, and `check` reports it.
    """
    path = tmp_path / "case.po"
    path.write_bytes(CORPUS[case])
    ours = catalog.to_bytes(catalog.load(path))
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert ours == canonical
    path.write_bytes(ours)
    assert catalog.to_bytes(catalog.load(path)) == ours


@needs_gettext
@pytest.mark.parametrize("case", ["ISO-8859-1", "CP1252", "SHIFT_JIS with a backslash byte"])
def test_another_charset_is_read_and_written_as_utf8_as_msgconv_does(tmp_path: Path,
                                                                    case: str) -> None:
    path = tmp_path / "case.po"
    path.write_bytes(CORPUS[case])
    po = catalog.load(path)
    converted = subprocess.run(["msgconv", "--to-code=UTF-8", "--no-wrap", str(path)],
                               capture_output=True, check=True).stdout
    assert catalog.to_bytes(po) == converted
    mo = tmp_path / "case.mo"
    mo.write_bytes(catalog.mo_bytes(po))
    shown = subprocess.run(["msgunfmt", "--no-wrap", str(mo)], capture_output=True,
                           check=True).stdout
    assert shown == converted


FLAG_LINES = ["no-wrap, c-format", "fuzzy, fuzzy", "python-format, fuzzy",
              "range: 0..10, c-format, no-c-format", "impossible-c-format",
              "range: 0..10, range: 2..3", "range: 10..0", "c-format, no-c-format, c-format",
              "no-wrap, wrap", "wrap, no-wrap, possible-python-format", "fuzzy, range: 1..5"]


@needs_gettext
@pytest.mark.parametrize("flags", FLAG_LINES)
def test_flags_are_written_as_msgcat_writes_them(tmp_path: Path, flags: str) -> None:
    """A hand-written flag line (`#, no-wrap, c-format`, `#, fuzzy, fuzzy`) was written back
    as it was, where msgcat --no-wrap orders the flags, keeps one of each, the last of a
    format's or the wrap's, and leaves out what says nothing (`impossible-`, `wrap`)."""
    path = tmp_path / "flags.po"
    path.write_bytes(H + f'#, {flags}\nmsgid "a"\nmsgstr "b"\n'.encode())
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                               check=True).stdout
    assert catalog.to_bytes(catalog.load(path)) == canonical


def test_a_flag_gettext_does_not_know_is_kept_once_after_the_others() -> None:
    """msgcat drops a flag it does not know (a tool's own, `read-only`; a misspelt
    `Fuzzy`): kept instead, once, after the ones it writes, never lost."""
    assert catalog.flag_list(["read-only", "no-wrap", "fuzzy", "Fuzzy", "read-only",
                              "c-format"]) == ("fuzzy", "c-format", "no-wrap", "read-only",
                                               "Fuzzy")

"""A CSV file as a source table: its encoding and delimiter decided here, its lines read within bounds.

The encoding is never guessed by Frictionless (which takes Windows-1252 Swedish for Hebrew): UTF-8
(utf-8-sig with a BOM), else the code page of Excel that its Swedish letters point to
(Windows-1252, cp850 or Mac Roman); the delimiter is `;`, `,` or tab. Lines are read at most
MAX_LINE_CHARS at a time, so a file without line breaks, or a quote that never closes, costs no
more memory than that.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import Iterator

from backoffice.validation import limits
from backoffice.validation.sources import SourceError, SourceTable, check_width, text_row_checker

DELIMITERS = (";", ",", "\t")
_CHUNK = 1 << 20


def detect_encoding(path: Path, head: bytes) -> str:
    """utf-8-sig with a BOM, utf-8 when every byte decodes as UTF-8, else the one-byte code page
    Excel used: Windows-1252 (Excel's ANSI in Sweden) unless the letters say otherwise."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text": UTF-16 with tabs.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        with open(path, "rb") as handle:
            return code_page(handle.read(_CHUNK))
    return "utf-8"


# The bytes of å ä ö Å Ä Ö in the code pages Excel saves CSV in: "CSV (semikolonavgränsad)" is
# Windows-1252, "CSV (MS-DOS)" is cp850, "CSV (Macintosh)" is Mac Roman. Every byte decodes in
# each of them, so only the letters tell them apart: counted between two ASCII letters ("för",
# "möte"), where the same bytes in another code page (” „ … €) never stand.
_SWEDISH_LETTERS = {
    name: re.compile(b"[A-Za-z][" + re.escape("åäöÅÄÖ".encode(name)) + b"][A-Za-z]")
    for name in ("cp1252", "cp850", "mac_roman")
}


def code_page(sample: bytes) -> str:
    """The code page whose Swedish letters occur most often in the sample (Windows-1252 on a tie)."""
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SWEDISH_LETTERS.items()}
    return max(counts, key=lambda name: (counts[name], name == "cp1252"))


def detect_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most columns (`,` when there is only one)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _CountingReader(io.RawIOBase):
    """A raw byte stream that remembers how many bytes have been read, for the progress bar."""

    def __init__(self, handle):
        self.handle = handle
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        read = self.handle.readinto(buffer)
        self.count += read or 0
        return read

    def close(self):
        self.handle.close()
        super().close()


class _Lines:
    """The file's lines for csv.reader, each at most MAX_LINE_CHARS long and free of NUL characters;
    `row` counts the rows read so far (a quoted cell may span lines), for the messages."""

    def __init__(self, text: io.TextIOBase, name: str):
        self.text, self.name, self.row = text, name, 0
        self.chars = 0  # read since the last row: no cell of a row can be longer

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(limits.MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        if len(line) > limits.MAX_LINE_CHARS:
            raise SourceError(limits.line_too_long(self.name, self.row + 1))
        if "\x00" in line:
            raise SourceError(f"{self.name}, rad {self.row + 1}: raden har NUL-tecken, som inte hör hemma i en "
                              "textfil. Filen är skadad eller inte en CSV-fil: spara tabellen på nytt som CSV.")
        self.chars += len(line)
        return line


def open_csv(path: Path, head: bytes) -> SourceTable:
    """A CSV file as a SourceTable; SourceError when it is empty, binary or has no header row."""
    if not head.strip():
        raise SourceError(f"{path}: filen är tom. Den ska ha en rubrikrad med kolumnnamnen och en rad per svar.")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(f"{path}: filen är inte en textfil (CSV). Spara tabellen som CSV eller .xlsx och försök igen.")
    encoding = detect_encoding(path, head)
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first_line = handle.readline(limits.MAX_LINE_CHARS + 1)
    delimiter = "\t" if encoding == "utf-16" else detect_delimiter(first_line)
    counter: dict[str, _CountingReader] = {}

    def open_rows(with_header: bool = False) -> Iterator[list[str]]:
        raw = _CountingReader(open(path, "rb"))
        counter["raw"] = raw
        text = io.TextIOWrapper(io.BufferedReader(raw, _CHUNK), encoding=encoding, errors="replace", newline="")
        with text:
            lines = _Lines(text, str(path))
            reader = csv.reader(lines, delimiter=delimiter)
            try:
                header = next(reader, None)
                lines.row = 1
                if with_header:
                    yield header
                    return
                yield from _rows(reader, lines, str(path))
            except csv.Error:
                raise SourceError(_csv_message(str(path), lines.row)) from None

    header = next(open_rows(with_header=True))
    if not header or not any(cell.strip() for cell in header):
        raise SourceError(f"{path}: första raden är tom. Första raden ska vara rubrikraden med kolumnnamnen.")
    # Empty headings at the end (Excel's formatting dragged to the right) are no columns; a value
    # under one is still seen, as a value beyond the header.
    while not header[-1].strip():
        header.pop()
    check_width(str(path), header)
    return SourceTable(
        name=str(path), kind="csv", labels=header, open_rows=open_rows,
        total=path.stat().st_size, done=lambda: counter["raw"].count if "raw" in counter else 0,
        encoding=encoding, delimiter=delimiter,
    )


def _rows(reader, lines: _Lines, name: str) -> Iterator[list[str]]:
    """The rows below the header, each checked against the bounds; `lines.row` follows along."""
    check = text_row_checker(name)
    most_rows, most_chars = limits.MAX_SHEET_ROWS, limits.MAX_CELL_CHARS
    lines.chars = 0
    for row in reader:
        lines.row += 1
        # Only a row read from that many characters can hold a cell that long (a cheap test first).
        if lines.chars > most_chars or lines.row > most_rows:
            check(lines.row, row)
        lines.chars = 0
        yield row


def _csv_message(name: str, row: int) -> str:
    # csv's own words are English and may quote the file; the one it says most often here is a
    # cell past its size limit, which only an unclosed quote or a binary file makes.
    return (f"{name}, rad {row + 1}: raden går inte att läsa som CSV (ett citattecken som aldrig stängs, "
            f"eller en cell med över {limits.number(limits.MAX_CELL_CHARS)} tecken). "
            "Öppna filen i Excel och spara den som CSV igen.")

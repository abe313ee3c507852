"""One form's CSV in the store: where its rows end, its bytes checked and parsed, a torn tail told apart.

A file saved again in another encoding or with a BOM, with other columns than the form, or with a
version that is not a number is refused with a Swedish message naming the file (and the row); the
store never repairs such a file itself. The one damage it does repair is a torn last row, the mark
of a write that was cut off (backoffice.store.recovery): `torn_tail` tells it apart from damage.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterator

from backoffice.forms.schema import Form
from backoffice.store.rows import SYSTEM_FIELDS, StoreError, check_version, columns, old_columns

# A torn tail is less than one row; a row is far smaller than this, whatever its free text.
TORN_TAIL_LIMIT = 1 << 20
# Files are read in pieces of about this size, so that reading a large store takes little memory.
CHUNK = 1 << 20


def table_path(data_dir, form: Form) -> Path:
    """The CSV file holding one form's rows."""
    return Path(data_dir) / f"{form.id}.csv"


def record_ends(data: bytes) -> list[int]:
    """The offsets just after each whole row in `data` (which starts at a row's beginning).

    A line break ends a row when the quotes before it are balanced: inside a quoted field (a text
    with line breaks) the count is odd. The store's writer doubles quotes within fields, so this
    holds for every file it wrote.
    """
    ends, position, quotes = [], 0, 0
    find, count = data.find, data.count
    while (newline := find(b"\n", position)) >= 0:
        quotes += count(b'"', position, newline)
        position = newline + 1
        if not quotes & 1:
            ends.append(position)
            quotes = 0
    return ends


def whole_rows(fd: int, start: int, size: int, chunk: int = CHUNK) -> Iterator[tuple[int, bytes, list[int]]]:
    """The whole rows between `start` (a row's beginning) and `size`, in pieces: (offset, bytes, ends).

    `ends` are relative to the piece, whose bytes end with its last whole row. Whatever follows
    the last whole row (a torn row) is not yielded: the caller finds it at the last piece's end.
    """
    offset, length = start, chunk
    while offset < size:
        data = os.pread(fd, min(length, size - offset), offset)
        ends = record_ends(data)
        if not ends:
            if offset + len(data) >= size:
                return
            length *= 2  # one row longer than a piece
            continue
        yield offset, data[: ends[-1]], ends
        offset, length = offset + ends[-1], chunk


def decode(path: Path, data: bytes, offset: int = 0) -> str:
    """The bytes as text; StoreError when they are not the store's UTF-8 without BOM."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StoreError(
            f"{path} är inte UTF-8 (byte {offset + error.start}); den har troligen sparats om i ett "
            "kalkylprogram. Lagret skriver inte i filen: återställ den från säkerhetskopian, eller spara "
            "den som CSV UTF-8 med kommatecken."
        ) from None
    if offset == 0 and text.startswith("\ufeff"):
        raise StoreError(
            f"{path} börjar med ett BOM-tecken; den har troligen sparats om i Excel. Lagret skriver inte "
            "i filen: återställ den från säkerhetskopian, eller ta bort tecknet."
        )
    return text


def read_header(path: Path, line: bytes, form: Form) -> list[str]:
    """The header row's columns: the form's (or the old layout's, without avser, status, orsak)."""
    try:
        header = next(csv.reader(io.StringIO(decode(path, line), newline=""), strict=True), [])
    except csv.Error as error:
        raise StoreError(f"{path} går inte att läsa som CSV: {error}.") from None
    if header not in (columns(form), old_columns(form)):
        expected = columns(form)
        raise StoreError(
            f"Kolumnerna i {path} stämmer inte med blanketten {form.id}: filen har "
            f"{', '.join(header)}; schemat kräver {', '.join(expected)}. Lagret skriver inte i en fil "
            "med andra kolumner; flytta den gamla filen åt sidan och låt lagret börja en ny."
        )
    return header


def parse_rows(path: Path, data: bytes, header: list[str], *, offset: int = 0,
               first_line: int = 2) -> list[dict[str, str]]:
    """The rows in `data` (whole rows, no header), checked; StoreError naming the line otherwise.

    Rows of the old layout come back with the new columns empty: `backoffice.store.migrate`
    fills in which answer each belongs to.
    """
    reader = csv.reader(io.StringIO(decode(path, data, offset), newline=""), strict=True)
    width, missing = len(header), [name for name in SYSTEM_FIELDS if name not in header]
    rows = []
    try:
        for line_no, cells in enumerate(reader, start=first_line):
            if len(cells) != width:
                raise StoreError(f"Rad {line_no} i {path} har {len(cells)} värden i stället för {width}.")
            row = dict(zip(header, cells))
            for name in missing:
                row[name] = ""
            rows.append(check_version(row, f"Rad {line_no} i {path}"))
    except csv.Error as error:
        raise StoreError(f"{path} går inte att läsa som CSV: {error}.") from error
    return rows


def split(data: bytes) -> tuple[bytes, bytes, bytes]:
    """A form file's bytes as header row, whole rows and what follows the last whole row."""
    ends = record_ends(data)
    if not ends:
        return b"", b"", data
    return data[: ends[0]], data[ends[0]: ends[-1]], data[ends[-1]:]


def parse(path: Path, data: bytes, form: Form) -> list[dict[str, str]]:
    """Every whole row in a form file's bytes (header first); StoreError naming the line otherwise.

    A torn last row is left out; whoever holds the store's lock cuts it off (recovery.cut_tail).
    """
    head, body, rest = split(data)
    if not head:
        torn_tail(path, rest, len(columns(form)))
        return []
    header = read_header(path, head, form)
    torn_tail(path, rest, len(header))
    return parse_rows(path, body, header, offset=len(head))


def torn_tail(path: Path, rest: bytes, width: int) -> None:
    """Accept what follows the last whole row only if it is a torn row; StoreError for other damage.

    A write cut off leaves less than one row: at most one record, with no more cells than the
    header has, once a quote left open is closed. Anything else (a quote left open by a hand edit,
    far back in the file) must not be cut off automatically.
    """
    if not rest:
        return
    text = rest.decode("utf-8", errors="replace")
    if text.count('"') % 2:
        text += '"'
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        records = []
    if len(rest) <= TORN_TAIL_LIMIT and len(records) == 1 and len(records[0]) <= width:
        return
    raise StoreError(
        f"Slutet av {path} går inte att läsa som rader (ett citattecken som aldrig avslutas, eller "
        "flera rader som inte hänger ihop). Lagret rör inte filen: rätta den för hand efter att ha "
        "tagit en kopia, och kontrollera den sedan med `frictionless validate`."
    )

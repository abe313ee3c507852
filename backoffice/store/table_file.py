"""One form's CSV in the store: its bytes checked and parsed, and the index an append keeps of it.

A file that ends mid-row (written by something else), was saved again in another encoding or with
a BOM, has other columns than the form, or holds a version that is not a number is refused with a
Swedish message; the store never repairs a file itself.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from backoffice.forms.schema import Form
from backoffice.store import disk
from backoffice.store.rows import (Receipt, StoreError, check_version, columns, encode, highest_versions,
                                   stamp_rows)


def table_path(data_dir, form: Form) -> Path:
    """The CSV file holding one form's rows."""
    return Path(data_dir) / f"{form.id}.csv"


def check_complete(path: Path, data: bytes) -> None:
    """StoreError when the bytes end mid-row: only a crash elsewhere or a hand edit leaves that."""
    if data and not data.endswith(b"\n"):
        raise StoreError(
            f"Sista raden i {path} är ofullständig (filen slutar mitt i en rad). Lagret rör inte "
            "filen själv: flytta bort den ofullständiga raden för hand efter att ha tagit en kopia, "
            "och kontrollera sedan lagret med `frictionless validate`."
        )


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StoreError(
            f"{path} är inte UTF-8 (byte {error.start}); den har troligen sparats om i ett kalkylprogram. "
            "Lagret skriver inte i filen: återställ den från säkerhetskopian, eller spara den som "
            "CSV UTF-8 med kommatecken."
        ) from None
    if text.startswith("\ufeff"):
        raise StoreError(
            f"{path} börjar med ett BOM-tecken; den har troligen sparats om i Excel. Lagret skriver inte "
            "i filen: återställ den från säkerhetskopian, eller ta bort tecknet."
        )
    return text


def _check_header(path: Path, header: list[str], form: Form) -> None:
    expected = columns(form)
    if header != expected:
        raise StoreError(
            f"Kolumnerna i {path} stämmer inte med blanketten {form.id}: filen har "
            f"{', '.join(header)}; schemat kräver {', '.join(expected)}. Lagret skriver inte i en fil "
            "med andra kolumner; flytta den gamla filen åt sidan och låt lagret börja en ny."
        )


def parse(path: Path, data: bytes, form: Form) -> list[dict[str, str]]:
    """The rows in a form file's bytes (header first), checked; StoreError naming the line otherwise."""
    reader = csv.reader(io.StringIO(_decode(path, data), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return []
    _check_header(path, header, form)
    rows = []
    try:
        for line_no, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                raise StoreError(f"Rad {line_no} i {path} har {len(cells)} värden i stället för {len(header)}.")
            rows.append(check_version(dict(zip(header, cells)), f"Rad {line_no} i {path}"))
    except csv.Error as error:
        raise StoreError(f"{path} går inte att läsa som CSV: {error}.") from error
    return rows


class TableIndex:
    """What an append must know of a form's file: the versions per key and the receipts used.

    Kept between appends, it reads only what was added since; a file edited or replaced by hand
    (noticed by its inode and the bytes before the point read to) is read again from the start.
    """

    def __init__(self, path: Path, form: Form):
        self.path = path
        self.form = form
        self._reset(inode=None)

    def _reset(self, inode) -> None:
        self.offset = 0
        self.inode = inode
        self.tail = b""
        self.versions: dict[tuple, int] = {}
        self.receipts: set[str] = set()

    def _read_to(self, fd: int, size: int) -> None:
        self.offset = size
        self.tail = disk.tail(fd, size)

    def refresh(self, fd: int) -> None:
        """Bring the index up to date with the open file (StoreError if the file is not sound)."""
        stat = os.fstat(fd)
        if (stat.st_size < self.offset or stat.st_ino != self.inode
                or os.pread(fd, len(self.tail), self.offset - len(self.tail)) != self.tail):
            # Only appends keep what was read before: anything else is read again.
            self._reset(stat.st_ino)
        if stat.st_size == self.offset:
            return
        new = os.pread(fd, stat.st_size - self.offset, self.offset)
        check_complete(self.path, new)
        header = b"" if self.offset == 0 else encode([columns(self.form)])
        rows = parse(self.path, header + new, self.form)
        self.receipts.update(row["kvitto"] for row in rows)
        highest_versions(rows, self.form.key, self.versions)
        self._read_to(fd, stat.st_size)

    def append(self, fd: int, records: list[dict], kanal: str, received: str) -> list[Receipt]:
        """Stamp the records and append them in one write; the index counts them only once written."""
        versions, used = dict(self.versions), set(self.receipts)
        lines, receipts = stamp_rows(self.form, records, kanal, versions, used, received)
        disk.append_all(fd, encode(lines))
        self.versions, self.receipts = versions, used
        self._read_to(fd, os.fstat(fd).st_size)
        return receipts

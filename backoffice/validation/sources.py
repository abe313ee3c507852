"""Open a table to validate: CSV as Excel saves it, XLSX, or a Google Sheet, as a header and raw rows.

The encoding and delimiter of a CSV are decided here, never guessed by Frictionless (which takes
Windows-1252 Swedish for Hebrew): UTF-8 (utf-8-sig with a BOM), else the code page of Excel that its
Swedish letters point to (Windows-1252, cp850 or Mac Roman); `;`, `,` or tab.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from backoffice.errors import SipError

CSV_SUFFIXES = {".csv", ".txt", ".tsv", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
OLD_SPREADSHEETS = {".xls": "Excel 97–2003 (.xls)", ".ods": "OpenDocument (.ods)", ".numbers": "Numbers"}
GSHEET_PREFIX = "gsheet:"
DELIMITERS = (";", ",", "\t")
_CHUNK = 1 << 20


class SourceError(SipError):
    """An input that cannot be used as a table; the message is Swedish, names the input and says what to do."""


@dataclass
class SourceTable:
    """A table opened for reading: its header labels and a way to stream the rows below the header."""

    name: str
    kind: str  # "csv", "xlsx" or "gsheet"
    labels: list[str]
    open_rows: Callable[[], Iterator[list[Any]]]
    # For a progress bar: the total and a function giving how far reading has come (same unit).
    total: int | None = None
    done: Callable[[], int] = field(default=lambda: 0)
    encoding: str | None = None
    delimiter: str | None = None

    def rows(self) -> Iterator[list[Any]]:
        """The data rows (spreadsheet rows 2, 3, …), blank rows included so numbering stays right."""
        return self.open_rows()


def open_table(source: str | Path, *, sheet: str | None = None, credentials: str | None = None) -> SourceTable:
    """Open a CSV/XLSX file or `gsheet:KEY[/WORKSHEET]`; raises SourceError when it cannot be used."""
    text = str(source)
    if text.startswith(GSHEET_PREFIX):
        return _open_gsheet(text, sheet, credentials)
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{path}: filen finns inte. Kontrollera sökvägen och filnamnet.")
    if path.is_dir():
        raise SourceError(f"{path}: är en mapp, inte en fil. Ange filen med tabellen.")
    suffix = path.suffix.lower()
    if suffix in OLD_SPREADSHEETS:
        raise SourceError(f"{path}: filformatet {OLD_SPREADSHEETS[suffix]} kan inte läsas. "
                          "Spara filen som Excel-arbetsbok (.xlsx) eller som CSV och försök igen.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise SourceError(f"{path}: filen går inte att läsa ({error.strerror}).") from None
    if suffix in XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        if suffix not in XLSX_SUFFIXES and suffix in CSV_SUFFIXES and suffix:
            raise SourceError(f"{path}: filen är en Excel-arbetsbok fast den heter {suffix}. "
                              "Byt filändelsen till .xlsx eller spara den som CSV.")
        return _open_xlsx(path, sheet)
    if sheet:
        raise SourceError(f"{path}: --sheet gäller bara Excel-arbetsböcker (.xlsx), inte CSV-filer.")
    if suffix not in CSV_SUFFIXES:
        raise SourceError(f"{path}: filtypen {suffix} känns inte igen. Använd CSV (.csv), "
                          "Excel-arbetsbok (.xlsx) eller ett Google-kalkylark (gsheet:NYCKEL).")
    return _open_csv(path, head)


# CSV --------------------------------------------------------------------------------------------

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


def _open_csv(path: Path, head: bytes) -> SourceTable:
    if not head.strip():
        raise SourceError(f"{path}: filen är tom. Den ska ha en rubrikrad med kolumnnamnen och en rad per svar.")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(f"{path}: filen är inte en textfil (CSV). Spara tabellen som CSV eller .xlsx och försök igen.")
    encoding = detect_encoding(path, head)
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first_line = handle.readline()
    delimiter = "\t" if encoding == "utf-16" else detect_delimiter(first_line)
    counter: dict[str, _CountingReader] = {}

    def open_rows(with_header: bool = False) -> Iterator[list[str]]:
        raw = _CountingReader(open(path, "rb"))
        counter["raw"] = raw
        text = io.TextIOWrapper(io.BufferedReader(raw, _CHUNK), encoding=encoding, errors="replace", newline="")
        with text:
            reader = csv.reader(text, delimiter=delimiter)
            try:
                header = next(reader, None)
                if with_header:
                    yield header
                    return
                yield from reader
            except csv.Error as error:
                raise SourceError(f"{path}, rad {reader.line_num}: raden går inte att läsa som CSV ({error}). "
                                  "Öppna filen i Excel och spara den som CSV igen.") from None

    header = next(open_rows(with_header=True))
    if not header or not any(cell.strip() for cell in header):
        raise SourceError(f"{path}: första raden är tom. Första raden ska vara rubrikraden med kolumnnamnen.")
    return SourceTable(
        name=str(path), kind="csv", labels=header, open_rows=open_rows,
        total=path.stat().st_size, done=lambda: counter["raw"].count if "raw" in counter else 0,
        encoding=encoding, delimiter=delimiter,
    )


# XLSX -------------------------------------------------------------------------------------------

def _open_xlsx(path: Path, sheet: str | None) -> SourceTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    def load():
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise SourceError(f"{path}: filen går inte att öppna som Excel-arbetsbok. "
                              "Spara den på nytt som .xlsx i Excel och försök igen.") from None

    workbook = load()
    try:
        names = workbook.sheetnames
        if sheet and sheet not in names:
            raise SourceError(f"{path}: arbetsboken har inget blad som heter ”{sheet}”. "
                              f"Bladen heter: {', '.join(names)}.")
        if not names:
            raise SourceError(f"{path}: arbetsboken har inga blad.")
        title = sheet or names[0]
        worksheet = workbook[title]
        total = worksheet.max_row
        first = next(worksheet.iter_rows(max_row=1, values_only=True), None)
    finally:
        workbook.close()
    labels = [_excel_text(cell) for cell in (first or ())]
    while labels and not labels[-1].strip():
        labels.pop()
    if not labels:
        raise SourceError(f"{path}, bladet ”{title}”: första raden är tom. "
                          "Första raden ska vara rubrikraden med kolumnnamnen.")
    state = {"row": 0}

    def open_rows() -> Iterator[list[Any]]:
        book = load()
        try:
            for index, row in enumerate(book[title].iter_rows(min_row=2, values_only=True), start=2):
                state["row"] = index
                yield list(row)
        finally:
            book.close()

    return SourceTable(name=f"{path}" + (f" (bladet {title})" if sheet else ""), kind="xlsx",
                       labels=labels, open_rows=open_rows, total=total, done=lambda: state["row"])


def _excel_text(value: Any) -> str:
    return "" if value is None else str(value)


# Google Sheets ----------------------------------------------------------------------------------

def _open_gsheet(source: str, sheet: str | None, credentials: str | None) -> SourceTable:
    from backoffice import gsheets  # gspread is imported only when a Google Sheet is read.

    try:
        key, worksheet = gsheets.parse_gsheet_source(source)
        client = gsheets.open_client(credentials)
        title, values = gsheets.read_values(client, key, worksheet or sheet)
    except gsheets.GSheetError as error:
        raise SourceError(f"{source}: {error}") from None
    # An empty worksheet reads as [[]].
    header = [str(cell) for cell in (values[0] if values else [])]
    while header and not header[-1].strip():
        header.pop()
    if not header:
        raise SourceError(f"{source}: fliken ”{title}” är tom. Första raden ska vara rubrikraden med kolumnnamnen.")
    rows = values[1:]
    return SourceTable(name=source, kind="gsheet", labels=header, open_rows=lambda: iter(rows),
                       total=len(rows), done=lambda: 0)


def cell_text(value: Any) -> str:
    """A cell as the text a user sees: dates as ÅÅÅÅ-MM-DD, whole numbers without .0, booleans ja/nej."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if value is True:
        return "ja"
    if value is False:
        return "nej"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

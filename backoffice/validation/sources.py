"""Open a table to validate: CSV as Excel saves it, XLSX, or a Google Sheet, as a header and raw rows.

Every way a file can be unusable (missing, a folder, another format, damaged, past the bounds of
backoffice.validation.limits) is a SourceError with a Swedish message, here or while its rows are
read: nothing else leaves a SourceTable. CSV files are read by csv_table, workbooks by xlsx_table.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from openpyxl.utils import get_column_letter

from backoffice.errors import SipError
from backoffice.validation import limits

CSV_SUFFIXES = {".csv", ".txt", ".tsv", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
OLD_SPREADSHEETS = {".xls": "Excel 97–2003 (.xls)", ".ods": "OpenDocument (.ods)", ".numbers": "Numbers"}
GSHEET_PREFIX = "gsheet:"


class SourceError(SipError):
    """An input that cannot be used as a table; the message is Swedish, names the input and says what to do."""


class UnexpectedSourceError(SourceError):
    """A failure reading an input that no check foresaw: still a Swedish message, never a traceback.

    Seeing one is a bug to fix (the fuzz tests fail on it): the input deserves its own message.
    """


@contextlib.contextmanager
def reading(name: str):
    """Whatever escapes the readers' own checks while a table is opened or read becomes a SourceError."""
    try:
        yield
    except (SipError, MemoryError):
        raise
    except OSError as error:
        raise SourceError(f"{name}: filen går inte att läsa ({error.strerror or type(error).__name__}).") from None
    except Exception as error:  # noqa: BLE001 - the user gets a message, never a traceback
        raise UnexpectedSourceError(
            f"{name}: ett oväntat fel inträffade när filen lästes ({type(error).__name__}). Kontrollera att "
            "filen är en tabell och försök igen; kvarstår felet, kontakta den som förvaltar verktyget.") from error


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
        """The data rows (spreadsheet rows 2, 3, …), blank rows included so numbering stays right.

        Raises SourceError (and nothing else) when a row cannot be read or passes a bound.
        """
        with reading(self.name):
            yield from self.open_rows()


def open_table(source: str | Path, *, sheet: str | None = None, credentials: str | None = None) -> SourceTable:
    """Open a CSV/XLSX file or `gsheet:KEY[/WORKSHEET]`; raises SourceError (and nothing else) when it
    cannot be used."""
    with reading(str(source)):
        return _open(source, sheet, credentials)


def _open(source: str | Path, sheet: str | None, credentials: str | None) -> SourceTable:
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
        from backoffice.validation.xlsx_table import open_xlsx

        return open_xlsx(path, sheet)
    if sheet:
        raise SourceError(f"{path}: --sheet gäller bara Excel-arbetsböcker (.xlsx), inte CSV-filer.")
    if suffix not in CSV_SUFFIXES:
        raise SourceError(f"{path}: filtypen {suffix} känns inte igen. Använd CSV (.csv), "
                          "Excel-arbetsbok (.xlsx) eller ett Google-kalkylark (gsheet:NYCKEL).")
    from backoffice.validation.csv_table import open_csv

    return open_csv(path, head)


# Bounds every kind of source shares -------------------------------------------------------------

def column_name(number: int) -> str:
    """A column as a spreadsheet names it (A, B, …, XFD), or by its number past the last one."""
    return get_column_letter(number) if number <= 16_384 else f"nummer {limits.number(number)}"


def check_width(name: str, labels: list) -> None:
    """SourceError when the header reaches past MAX_COLUMNS (empty headings at its end not counted)."""
    width = len(labels)
    while width > limits.MAX_COLUMNS and not str(labels[width - 1] or "").strip():
        width -= 1
    if width > limits.MAX_COLUMNS:
        raise SourceError(limits.too_many_columns(name))


def text_row_checker(name: str) -> Callable[[int, list[str]], None]:
    """A check of one row of text cells at a row number: SourceError past the row or cell bounds."""
    most_rows, most_chars = limits.MAX_SHEET_ROWS, limits.MAX_CELL_CHARS

    def check(number: int, row: list[str]) -> None:
        if number > most_rows:
            raise SourceError(limits.too_many_sheet_rows(name))
        if row and max(map(len, row)) > most_chars:
            column = next(i for i, cell in enumerate(row) if len(cell) > most_chars)
            raise SourceError(limits.cell_too_long(name, number, column_name(column + 1)))

    return check


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
    check_width(source, header)
    rows = values[1:]
    check = text_row_checker(source)

    def open_rows() -> Iterator[list[Any]]:
        for number, row in enumerate(rows, start=2):
            row = [str(cell) for cell in row]
            check(number, row)
            yield row

    return SourceTable(name=source, kind="gsheet", labels=header, open_rows=open_rows,
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


# The CSV helpers' old home; callers may import them from here.
from backoffice.validation.csv_table import code_page, detect_delimiter, detect_encoding  # noqa: E402,F401

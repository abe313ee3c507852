"""An Excel workbook (.xlsx) as a source table: one sheet's rows, read cell by cell, within bounds.

A workbook is a zip of XML parts that anyone can damage or forge, so every part's unpacked size is
checked before openpyxl reads it, and whatever openpyxl raises on a broken part becomes one
Swedish message. Rows are read from the sheet's XML as they stand: a sheet that declares
A1:XFD1048576, or has one cell in its last row, costs the rows it has, not the rows it declares
(openpyxl's own reader fills every row up to the declared size).
"""
from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path
from typing import Any, Iterator

from backoffice.validation import limits
from backoffice.validation.sources import SourceError, SourceTable, cell_text, check_width, column_name

# A gap between two rows of the sheet: the rows in it are blank.
_BLANK: tuple = ()


def _unreadable(path: Path, where: str = "") -> SourceError:
    return SourceError(f"{path}{where}: filen går inte att öppna som Excel-arbetsbok (den är skadad eller inte "
                       "en .xlsx-fil). Spara den på nytt som .xlsx i Excel, eller som CSV, och försök igen.")


@contextlib.contextmanager
def _reading(path: Path, where=lambda: ""):
    """Any error of zipfile, zlib, XML or openpyxl on the way becomes a SourceError about the file.

    The parts are third-party parsers of untrusted bytes: whatever they raise (BadZipFile,
    zlib.error, ParseError, KeyError, TypeError, NotImplementedError, …) means a damaged file.
    """
    try:
        yield
    except SourceError:
        raise
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - see the docstring
        raise _unreadable(path, where()) from None


def check_archive(path: Path) -> None:
    """SourceError when the file is no zip, or a part unpacks past MAX_PART_BYTES (or packs too tightly)."""
    with _reading(path), zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            size = info.file_size
            # zipfile never unpacks more than a part's declared size, so the declared size bounds it.
            if size > limits.MAX_PART_BYTES or (size > limits.PACKING_CHECK_BYTES
                                                and size > limits.MAX_PACKING_RATIO * max(info.compress_size, 1)):
                raise SourceError(limits.part_too_large(str(path)))


def _load(path: Path):
    import warnings

    import openpyxl

    with _reading(path), warnings.catch_warnings():
        # openpyxl warns in English about parts it skips (odd validation rules, broken links); the
        # person is told in Swedish about anything that stops the reading, and nothing else matters.
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, read_only=True, data_only=True)


def _pick_sheet(path: Path, workbook, sheet: str | None):
    """The sheet to read: the named one, else the first that is a table (chart sheets have no cells)."""
    names = workbook.sheetnames
    tables = [ws.title for ws in workbook.worksheets]
    if sheet is not None:
        if sheet not in names:
            raise SourceError(f"{path}: arbetsboken har inget blad som heter ”{sheet}”. "
                              f"Bladen heter: {', '.join(names)}.")
        if sheet not in tables:
            raise SourceError(f"{path}: bladet ”{sheet}” är ett diagramblad, inte en tabell. "
                              f"Ange bladet med svaren med --sheet (tabellbladen heter: {', '.join(tables)}).")
        return sheet
    if not tables:
        raise SourceError(f"{path}: arbetsboken har inga blad med celler (bara diagram). "
                          "Spara tabellen med svaren som .xlsx eller CSV och försök igen.")
    return tables[0]


def _sheet_rows(path: Path, workbook, title: str, width: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) for each row the sheet's XML has, from row 1; `width` cuts a row after
    that many cells, keeping one filled cell from beyond it so that a value there is still seen."""
    from openpyxl.worksheet._reader import WorkSheetParser  # what openpyxl's read-only sheets use

    worksheet = workbook[title]
    with worksheet._get_source() as source:
        parser = WorkSheetParser(source, worksheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            parser.row_dimensions.clear()  # row heights and styles: kept by openpyxl for every row
            yield number, _values(cells, width)


def _values(cells: list[dict], width: int | None) -> list[Any]:
    """A row's values by column (1 = A), blank where the XML has no cell."""
    if not cells:
        return []
    last = max(cell["column"] for cell in cells)
    if width is not None and last > width:
        beyond = next((c["value"] for c in cells if c["column"] > width and cell_text(c["value"])), None)
        cells = [c for c in cells if c["column"] <= width]
        last = width + 1
        values = [None] * last
        values[width] = beyond
    else:
        values = [None] * last
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return values


def _check_cells(name: str, number: int, values: list[Any]) -> None:
    if number > limits.MAX_SHEET_ROWS:
        raise SourceError(limits.too_many_sheet_rows(name))
    for index, value in enumerate(values):
        if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
            raise SourceError(limits.cell_too_long(name, number, column_name(index + 1)))


def open_xlsx(path: Path, sheet: str | None) -> SourceTable:
    """A sheet of a workbook as a SourceTable: the named sheet, else the first table sheet."""
    check_archive(path)
    workbook = _load(path)
    try:
        title = _pick_sheet(path, workbook, sheet)
        with _reading(path, lambda: f", bladet ”{title}”, rad 1"), \
                contextlib.closing(_sheet_rows(path, workbook, title, limits.MAX_COLUMNS)) as rows:
            first = next(rows, None)
            total = workbook[title].max_row
        name = f"{path}" + (f" (bladet {title})" if sheet else "")
        labels = _labels(path, name, title, first)
    except BaseException:
        workbook.close()
        raise
    # The rows are read from the workbook already open (its shared texts loaded once); a second
    # reading opens it again.
    state: dict[str, Any] = {"row": 0, "open": workbook}

    def open_rows() -> Iterator[list[Any]]:
        book = state.pop("open", None) or _load(path)
        expected = 2  # the next row number; rows the XML skips are blank
        try:
            with _reading(path, lambda: f", rad {state['row'] + 1}"):
                for number, values in _sheet_rows(path, book, title, len(labels)):
                    if number < expected:
                        continue  # row 1 (the header), or a row number the XML repeats
                    _check_cells(name, number, values)
                    while expected < number:
                        expected += 1
                        yield _BLANK
                    state["row"] = number
                    expected = number + 1
                    yield values
        finally:
            book.close()

    return SourceTable(name=name, kind="xlsx", labels=labels, open_rows=open_rows,
                       total=total, done=lambda: state["row"])


def _labels(path: Path, name: str, title: str, first: tuple[int, list[Any]] | None) -> list[str]:
    """The header labels from the sheet's first row (empty ones at its end left out)."""
    labels = [_excel_text(cell) for cell in (first[1] if first and first[0] == 1 else ())]
    while labels and not labels[-1].strip():
        labels.pop()
    if not labels:
        raise SourceError(f"{path}, bladet ”{title}”: första raden är tom. "
                          "Första raden ska vara rubrikraden med kolumnnamnen.")
    check_width(name, labels)
    return labels


def _excel_text(value: Any) -> str:
    return "" if value is None else str(value)

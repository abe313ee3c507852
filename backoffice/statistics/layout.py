"""The tabular shape of compiled statistics: sheets of titled tables, and the cell grid they lay out to.

`sheets.py` builds the sheets; `workbook.py` (xlsx) and `publish.py` (Google Sheets) render exactly
the grid `sheet_grid` gives, cell for cell. A sheet is laid out once and the grid kept, so sizing
a progress bar, writing the workbook and publishing all read the same cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# Column kinds: how a value is typed and formatted (a DATETIME value is a date or a naive datetime
# in Swedish time: spreadsheet cells have no time zone).
TEXT, INT, PERCENT, DECIMAL, NUMBER, DATETIME = "text", "int", "percent", "decimal", "number", "datetime"


@dataclass
class Column:
    """One column of a table: its Swedish header, kind and readable width (characters)."""

    title: str
    kind: str = TEXT
    width: int = 14
    # Conditional formatting on a key column: "missing" (status), "scale" (a share), "bar" (a count).
    highlight: str | None = None
    wrap: bool = False


@dataclass
class Table:
    """A titled block of rows; `name` is the Excel table's name (unique, no spaces)."""

    name: str
    columns: list[Column]
    rows: list[list[Any]]
    title: str | None = None
    excel_table: bool = True


@dataclass
class Chart:
    """A chart of one table's columns (values) against its first column (labels)."""

    title: str
    table: str
    values: list[int]  # column indexes (0-based) of the series
    kind: str = "bar"  # "bar" (horizontal), "col" (vertical), "line"
    y_title: str = "Antal"
    percent: bool = False
    # The value axis: None lets the spreadsheet program choose (from 0); the survey's is 1–5.
    axis: tuple[float, float] | None = None


@dataclass
class Placement:
    """Where a table landed on its sheet (1-based rows and columns, header row included)."""

    header_row: int
    first_row: int
    last_row: int
    columns: int


@dataclass
class Sheet:
    """One worksheet: heading lines, then its tables one under the other, then its charts."""

    name: str
    tables: list[Table]
    heading: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # Freeze the header row and this many leading columns (only for a sheet whose table starts at A1).
    freeze_columns: int | None = None
    # The printed page's footer text beside the sheet's name and page number (the compile time).
    footer: str = ""

    @cached_property
    def laid_out(self) -> tuple[list[list[Any]], dict[str, Placement]]:
        """The cells as rows of values, and where each table sits in them (worked out once)."""
        grid: list[list[Any]] = [[line] for line in self.heading]
        if self.heading:
            grid.append([])
        placements = {}
        for index, table in enumerate(self.tables):
            if index:
                grid.append([])
            if table.title:
                grid.append([table.title])
            grid.append([c.title for c in table.columns])
            header_row = len(grid)
            grid.extend([cell_value(v) for v in row] for row in table.rows)
            placements[table.name] = Placement(header_row, header_row + 1, len(grid), len(table.columns))
        return grid, placements

    @property
    def cells(self) -> int:
        """How many cells the sheet writes."""
        return sum(len(row) for row in self.laid_out[0])


# Control characters no spreadsheet cell may hold (the same set openpyxl refuses).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: Any) -> Any:
    """A value as it goes into a cell: text without control characters, numbers as numbers."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        # xlsx stores at most 16-17 significant digits and rounds the last one differently from
        # JSON: ten decimals keep every figure exact enough and identical in both exports.
        return round(value, 10)
    return value


def sheet_grid(sheet: Sheet) -> tuple[list[list[Any]], dict[str, Placement]]:
    """The sheet's cells as rows of values, and where each table sits in them."""
    return sheet.laid_out

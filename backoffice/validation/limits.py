"""The bounds on what one input table may ask of the back office, and the Swedish words for passing them.

A table of a municipality has at most some hundred thousand rows and some tens of columns, and a
free-text answer at most a few thousand characters. Past these bounds a file is a mistake (a
column of formatting dragged to Excel's last row, a file saved in the wrong format) or an attack,
and reading on would only cost minutes and memory: reading stops there, with a message that says
where and what to do. Blank rows cost next to nothing (they never reach Frictionless), so their
only bound is the number of rows a spreadsheet can have.
"""
from __future__ import annotations

# Rows with at least one filled cell (the header not counted).
MAX_ROWS = 300_000
# The last row number of any table, blank rows included: Excel's own maximum.
MAX_SHEET_ROWS = 1_048_576
# Columns of the header row (up to its last heading); a form has some tens of fields.
MAX_COLUMNS = 200
# Characters in one cell: Excel's own maximum, well above any form's longest free-text answer.
MAX_CELL_CHARS = 32_767
# Characters on one line of a CSV file (a row with every column at its fullest fits many times).
MAX_LINE_CHARS = 1_000_000
# Problems reported for one table (a report longer than anyone reads); past them the table is
# surely the wrong file or not ready, and each further Frictionless error costs a third of a millisecond.
MAX_PROBLEMS = 5_000
# A workbook's parts, unpacked: one part (a sheet, the shared texts), and how much larger than
# its packed size a large part may be (a sheet of real answers packs 5-30 times; a "zip bomb" a thousand).
MAX_PART_BYTES = 256 * 2**20
MAX_PACKING_RATIO = 200
PACKING_CHECK_BYTES = 8 * 2**20


def number(value: int) -> str:
    """A number as Swedish text writes it: 1 048 576."""
    return f"{value:,}".replace(",", " ")


def too_many_rows(name: str) -> str:
    return (f"{name}: filen har fler än {number(MAX_ROWS)} rader med svar, mer än en tabell för "
            "uppföljningen kan ha. Kontrollera att det är rätt fil, eller dela upp den i flera filer.")


def too_many_sheet_rows(name: str) -> str:
    return (f"{name}: filen har fler än {number(MAX_SHEET_ROWS)} rader, mer än ett kalkylark rymmer. "
            "Kontrollera att det är rätt fil och spara tabellen på nytt från Excel.")


def too_many_columns(name: str) -> str:
    return (f"{name}: rubrikraden har fler än {number(MAX_COLUMNS)} kolumner. "
            "Kontrollera att det är rätt fil och att första raden är rubrikraden; ta bort kolumner "
            "som inte hör till blanketten.")


def cell_too_long(name: str, row: int, column: str) -> str:
    return (f"{name}, rad {row}, kolumn {column}: cellen har över {number(MAX_CELL_CHARS)} tecken, mer "
            "än en cell i Excel rymmer. Korta texten, eller kontrollera att filen är rätt sparad som CSV.")


def line_too_long(name: str, row: int) -> str:
    return (f"{name}, rad {row}: raden har över {number(MAX_LINE_CHARS)} tecken. Kontrollera att filen "
            "är en tabell sparad som CSV (ett citattecken som aldrig stängs gör resten av filen till en cell).")


def too_many_problems(row: int) -> str:
    return (f"Kontrollen avbröts vid rad {row} efter {number(MAX_PROBLEMS)} fel; raderna efter den är "
            "inte kontrollerade. Rätta felen ovan (är det rätt fil och rätt blankett?) och kontrollera igen.")


def part_too_large(name: str) -> str:
    return (f"{name}: en del av arbetsboken packas upp till för mycket (över {number(MAX_PART_BYTES // 2**20)} MB, "
            f"eller över {MAX_PACKING_RATIO} gånger sin packade storlek), mer än en tabell för uppföljningen kan "
            "vara. Kontrollera att det är rätt fil, eller spara bladet med svaren som CSV och försök igen.")

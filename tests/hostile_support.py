"""Generators of hostile tables: tiny files that declare huge work, and damaged workbooks.

Each writes its file into a folder the test gives and returns the path; nothing large is committed.
The shapes are those an audit found to run for minutes or end in a traceback.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from validate_support import fixture

HEADER = ("skolenhetskod,lasar,sip_initierade,sip_deltagit,behov,avvikelse_utredd,"
          "avvikelser_utredda,sip_kunnig_utsedd")
ROW = "40526633,2025/26,4,7,Mer tid för samordning.,ja,2,ja"
WORKBOOK = fixture("uppfoljning.xlsx")
SHEET = "xl/worksheets/sheet1.xml"


def rewrite_zip(source: Path, target: Path, change) -> Path:
    """A copy of a zip file with change(name, data) -> bytes | None applied to each entry (None drops it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def last_row_workbook(folder: Path) -> Path:
    """A few-KB workbook declaring A1:H1048576, with one cell in the sheet's last row."""
    def change(name, data):
        if name != SHEET:
            return data
        text = data.decode()
        text = text.replace('<dimension ref="A1:H6" />', '<dimension ref="A1:H1048576" />')
        last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>40526633</t></is></c></row>'
        return text.replace("</sheetData>", last + "</sheetData>").encode()
    return rewrite_zip(WORKBOOK, folder / "sista-raden.xlsx", change)


def wide_dimension_workbook(folder: Path) -> Path:
    """A workbook whose first sheet declares every column and row Excel has, with a cell in the far corner."""
    def change(name, data):
        if name != SHEET:
            return data
        text = data.decode().replace('<dimension ref="A1:H6" />', '<dimension ref="A1:XFD1048576" />')
        far = '<row r="7"><c r="XFD7" t="inlineStr"><is><t>x</t></is></c></row>'
        return text.replace("</sheetData>", far + "</sheetData>").encode()
    return rewrite_zip(WORKBOOK, folder / "bred.xlsx", change)


def bad_xml_workbook(folder: Path) -> Path:
    """A workbook whose first sheet's XML is cut in the middle of a row."""
    return rewrite_zip(WORKBOOK, folder / "trasig-xml.xlsx",
                       lambda name, data: data[: len(data) // 2] if name == SHEET else data)


def bad_deflate_workbook(folder: Path) -> Path:
    """A workbook whose first sheet's compressed bytes are damaged (the zip directory is intact)."""
    target = folder / "trasig-komprimering.xlsx"
    shutil.copy(WORKBOOK, target)
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(SHEET)
    raw = bytearray(target.read_bytes())
    # The entry's data start after its 30-byte local header, the name and the extra field.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 20, start + 60):
        raw[offset] ^= 0x5A
    target.write_bytes(bytes(raw))
    return target


def chart_sheet_workbook(folder: Path) -> Path:
    """A workbook whose first sheet is a chart sheet, written by openpyxl."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    data.append(HEADER.split(","))
    data.append(ROW.split(","))
    chart_sheet = book.create_chartsheet("Diagram", 0)
    chart = BarChart()
    chart.add_data(Reference(data, min_col=3, min_row=1, max_row=2), titles_from_data=True)
    chart_sheet.add_chart(chart)
    target = folder / "diagram-forst.xlsx"
    book.save(target)
    return target


def blank_lines_csv(folder: Path, count: int = 40_000, line: str = "") -> Path:
    """A CSV with a header, one row and `count` blank lines (empty, or of delimiters only)."""
    target = folder / "tomma-rader.csv"
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n" + ROW + "\n")
        handle.write((line + "\n") * count)
    return target


def duplicate_rows_csv(folder: Path, count: int = 1_000_000) -> Path:
    """A CSV with a header and the same row `count` times (one school and year over and over)."""
    target = folder / "dubbletter.csv"
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n")
        chunk = (ROW + "\n") * 10_000
        for _ in range(count // 10_000):
            handle.write(chunk)
        handle.write((ROW + "\n") * (count % 10_000))
    return target


def wide_csv(folder: Path, columns: int = 20_000) -> Path:
    """A CSV whose header has the form's columns and then thousands more."""
    target = folder / "manga-kolumner.csv"
    extra = ",".join(f"k{i}" for i in range(columns - 8))
    target.write_text(f"{HEADER},{extra}\n{ROW}\n", encoding="utf-8")
    return target


def long_cell_csv(folder: Path, size: int = 5_000_000) -> Path:
    """A CSV whose one free-text cell holds millions of characters."""
    target = folder / "lang-cell.csv"
    target.write_text(f"{HEADER}\n40526633,2025/26,4,7,{'a' * size},ja,2,ja\n", encoding="utf-8")
    return target


def endless_quote_csv(folder: Path, size: int = 5_000_000) -> Path:
    """A CSV where a quote opened in the second row is never closed: the rest of the file is one cell."""
    target = folder / "oppet-citat.csv"
    target.write_text(f'{HEADER}\n40526633,2025/26,4,7,"Början\n' + "rad;\n" * (size // 5), encoding="utf-8")
    return target


def nul_bytes_csv(folder: Path) -> Path:
    """A CSV that starts well and has NUL bytes further down (past the first 4 KB)."""
    target = folder / "nul.csv"
    body = (ROW + "\n") * 200
    target.write_bytes((HEADER + "\n" + body).encode() + b"4052\x006633,2025/26\x00,1,1,x,ja,1,ja\n")
    return target


DAMAGED_WORKBOOKS = [bad_xml_workbook, bad_deflate_workbook, chart_sheet_workbook, wide_dimension_workbook]


def many_rows_csv(folder: Path, count: int = 300_000) -> Path:
    """A CSV with `count` valid rows, every school and year once (the register's schools, years from 1000/01)."""
    from backoffice.register import load_register

    codes = sorted(load_register())
    target = folder / "manga-rader.csv"
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n")
        for index in range(count):
            year = 1000 + index // len(codes)
            handle.write(f"{codes[index % len(codes)]},{year}/{(year + 1) % 100:02d},4,7,Mer tid.,ja,2,ja\n")
    return target

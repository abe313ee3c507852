"""Write compiled statistics as an xlsx workbook (openpyxl) that opens in Excel and LibreOffice.

The cells come from `layout.sheet_grid`, the same grid `publish.py` sends to Google Sheets; this
module adds what only a workbook has: number formats, Excel tables, frozen headers, conditional
formatting, column widths and charts.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable, TableStyleInfo

from backoffice.statistics import layout
from backoffice.statistics.outputs import write_whole

FORMATS = {
    layout.INT: "#,##0",
    layout.PERCENT: "0.0%",
    layout.DECIMAL: "0.0",
}
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
HEADING_FONT = Font(bold=True, size=15)
WRAP = Alignment(wrap_text=True, vertical="top")
# Light red fill with dark red text: readable (contrast > 4.5:1) and not only a colour cue,
# since the status column says "Saknas" in words.
MISSING_FILL = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
MISSING_FONT = Font(color="9C0006")
# Characters that make a spreadsheet program treat typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def _write_value(cell, value: Any, kind: str) -> None:
    """Put one value in a cell: text always as text (never a formula), numbers as numbers."""
    if value is None:
        return
    if isinstance(value, str):
        cell.value = value
        # openpyxl turns any string starting with "=" into a formula: force it back to text, and
        # set the quote prefix so Excel keeps it text even after someone edits the cell.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return
    cell.value = value
    if kind == layout.NUMBER:
        cell.number_format = "#,##0" if isinstance(value, int) else "0.0"
    elif kind in FORMATS:
        cell.number_format = FORMATS[kind]


def _add_table(ws, table: layout.Table, place: layout.Placement, used_names: set[str]) -> None:
    last_row = max(place.last_row, place.header_row + 1)  # Excel wants at least one data row
    ref = f"A{place.header_row}:{get_column_letter(place.columns)}{last_row}"
    name = table.name
    while name in used_names:
        name += "_"
    used_names.add(name)
    excel_table = ExcelTable(displayName=name, ref=ref)
    excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(excel_table)


def _add_highlights(ws, table: layout.Table, place: layout.Placement) -> None:
    if place.last_row < place.first_row:
        return
    for index, column in enumerate(table.columns, start=1):
        if not column.highlight:
            continue
        letter = get_column_letter(index)
        cells = f"{letter}{place.first_row}:{letter}{place.last_row}"
        if column.highlight == "missing":
            rule = CellIsRule(operator="equal", formula=['"Saknas"'], fill=MISSING_FILL, font=MISSING_FONT)
        elif column.highlight == "scale":
            rule = ColorScaleRule(start_type="num", start_value=0, start_color="F8696B",
                                  mid_type="num", mid_value=0.5, mid_color="FFEB84",
                                  end_type="num", end_value=1, end_color="63BE7B")
        else:
            rule = DataBarRule(start_type="min", end_type="max", color="5B9BD5", showValue=True)
        ws.conditional_formatting.add(cells, rule)


def _add_chart(ws, chart: layout.Chart, place: layout.Placement, anchor: str) -> None:
    if chart.kind == "line":
        drawing = LineChart()
    else:
        drawing = BarChart()
        drawing.type = "bar" if chart.kind == "bar" else "col"
        if len(chart.values) > 1:
            # Parts of one whole (submitted + missing): one stacked bar per label.
            drawing.grouping, drawing.overlap = "stacked", 100
        if chart.kind == "bar":
            # Horizontal bars read top-down in the table's order, value axis at the bottom.
            drawing.x_axis.scaling.orientation = "maxMin"
            drawing.y_axis.crosses = "max"
    drawing.title = chart.title
    if len(chart.values) == 1:
        drawing.legend = None  # one series: its name is the title
    else:
        drawing.legend.position = "b"
    drawing.y_axis.title = chart.y_title
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them.
    drawing.x_axis.delete = False
    drawing.y_axis.delete = False
    if chart.percent:
        drawing.y_axis.number_format = "0%"
        drawing.y_axis.scaling.min = 0
        drawing.y_axis.scaling.max = 1
    last = max(place.last_row, place.first_row)
    for column in chart.values:
        data = Reference(ws, min_col=column + 1, min_row=place.header_row, max_row=last)
        drawing.add_data(data, titles_from_data=True)
    drawing.set_categories(Reference(ws, min_col=1, min_row=place.first_row, max_row=last))
    drawing.width, drawing.height = 18, 9 + 0.25 * max(0, last - place.first_row - 10)
    ws.add_chart(drawing, anchor)


def _write_sheet(wb: Workbook, sheet: layout.Sheet, used_names: set[str]) -> None:
    ws = wb.create_sheet(sheet.name)
    grid, placements = layout.sheet_grid(sheet)
    # What each row is: a heading line, a table's title, its header, or one of its data rows.
    roles: dict[int, tuple[str, layout.Table | None]] = {r: ("heading", None) for r in range(1, len(sheet.heading) + 1)}
    for table in sheet.tables:
        place = placements[table.name]
        if table.title:
            roles[place.header_row - 1] = ("title", table)
        roles[place.header_row] = ("header", table)
        for r in range(place.first_row, place.last_row + 1):
            roles[r] = ("data", table)
    widths: dict[int, int] = {}
    for row_index, values in enumerate(grid, start=1):
        role, table = roles.get(row_index, ("blank", None))
        if role in ("heading", "title"):
            cell = ws.cell(row=row_index, column=1)
            _write_value(cell, values[0], layout.TEXT)
            cell.font = HEADING_FONT if role == "heading" and row_index == 1 else TITLE_FONT
        elif role == "header":
            for col_index, value in enumerate(values, start=1):
                cell = ws.cell(row=row_index, column=col_index)
                _write_value(cell, value, layout.TEXT)
                cell.font = HEADER_FONT
                cell.alignment = WRAP
                widths[col_index] = max(widths.get(col_index, 0), table.columns[col_index - 1].width)
        elif role == "data":
            for col_index, value in enumerate(values, start=1):
                column = table.columns[col_index - 1]
                cell = ws.cell(row=row_index, column=col_index)
                _write_value(cell, value, column.kind)
                if column.wrap:
                    cell.alignment = WRAP
    for col_index, width in widths.items():
        ws.column_dimensions[get_column_letter(col_index)].width = width
    for table in sheet.tables:
        place = placements[table.name]
        if table.excel_table:
            _add_table(ws, table, place, used_names)
        _add_highlights(ws, table, place)
    if sheet.freeze_columns is not None and sheet.tables:
        first = placements[sheet.tables[0].name]
        ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{first.header_row + 1}"
    right = get_column_letter(max((len(t.columns) for t in sheet.tables), default=1) + 2)
    row = 1
    for chart in sheet.charts:
        place = placements[chart.table]
        _add_chart(ws, chart, place, f"{right}{row}")
        row += 20 + max(0, place.last_row - place.first_row - 10) // 2


def write_workbook(sheets: list[layout.Sheet], path: str | Path, *, title: str = "SIP-uppföljning",
                   progress: Callable[[int], None] | None = None) -> Path:
    """Write the laid-out sheets as a workbook at `path` (replaced whole, never left half-written).

    `title` is the file's document title; `progress` is called once per sheet written. An output
    that cannot be written raises OutputError (exit status 2).
    """
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "sip-backoffice"
    used_names: set[str] = set()
    for sheet in sheets:
        _write_sheet(wb, sheet, used_names)
        if progress:
            progress(1)
    return write_whole(path, wb.save, "Arbetsboken")

"""Write compiled statistics as an xlsx workbook (openpyxl) that opens, and prints, in Excel and LibreOffice.

The cells come from `layout.sheet_grid`, the same grid `publish.py` sends to Google Sheets; this
module adds what only a workbook has: number and date formats, Excel tables, frozen headers,
conditional formatting, column widths, row heights, charts and the print set-up (`printing`).
Styles are set on the cells themselves, not only through the Excel table style, because
LibreOffice prints an Excel table without its style.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable, TableStyleInfo

from backoffice.statistics import layout, printing
from backoffice.statistics.outputs import write_whole

FORMATS = {
    layout.INT: "#,##0",
    layout.PERCENT: "0.0%",
    layout.DECIMAL: "0.0",
}
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(start_color="D9E1F2", end_color="D9E1F2", fill_type="solid")
HEADER_BORDER = Border(bottom=Side(style="thin", color="44546A"))
TITLE_FONT = Font(bold=True, size=13)
HEADING_FONT = Font(bold=True, size=15)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# Light red fill with dark red text: readable (contrast > 4.5:1) and not only a colour cue,
# since the status column says "Saknas" in words.
MISSING_FILL = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
MISSING_FONT = Font(color="9C0006")
# Characters that make a spreadsheet program treat typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def _write_value(cell, value: Any, kind: str) -> None:
    """Put one value in a cell: text always as text (never a formula), numbers as numbers, dates as dates."""
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
    elif kind == layout.DATETIME:
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
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


def _text_size(points: float, bold: bool = False) -> RichText:
    """Text properties of a chart's axis or legend: a size that leaves the plot room on a printed page."""
    style = CharacterProperties(sz=int(points * 100), b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=style), endParaRPr=style)])


def _title(text: str, points: float) -> Title:
    """A chart or axis title of the given size (the programs' default, 14 pt, crowds out a small chart)."""
    style = CharacterProperties(sz=int(points * 100), b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=style), r=[RegularTextRun(rPr=style, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _value_axis(drawing, chart: layout.Chart, table: layout.Table) -> None:
    """An axis that fits what is counted: 0–100 % for shares, the survey's 1–5, whole numbers from 0."""
    axis = drawing.y_axis
    if chart.percent:
        axis.number_format, axis.scaling.min, axis.scaling.max = "0%", 0, 1
    elif chart.axis:
        axis.scaling.min, axis.scaling.max = chart.axis
        axis.majorUnit = 1
    else:
        axis.scaling.min = 0
        largest = max((row[c] for row in table.rows for c in chart.values if isinstance(row[c], (int, float))),
                      default=0)
        axis.number_format = "0"
        if largest <= 10:
            axis.majorUnit = 1  # no 0,5 steps for a handful of counts


def _add_chart(ws, place: printing.ChartPlace, table: layout.Table, where: layout.Placement) -> None:
    chart = place.chart
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
    drawing.title = _title(chart.title, 10)
    if len(chart.values) == 1:
        drawing.legend = None  # one series: its name is the title
    else:
        drawing.legend.position = "b"
        drawing.legend.txPr = _text_size(8)
    drawing.y_axis.title = _title(chart.y_title, 8)
    drawing.x_axis.txPr, drawing.y_axis.txPr = _text_size(8), _text_size(8)
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them.
    drawing.x_axis.delete = False
    drawing.y_axis.delete = False
    _value_axis(drawing, chart, table)
    last = max(where.last_row, where.first_row)
    for column in chart.values:
        drawing.add_data(Reference(ws, min_col=column + 1, min_row=where.header_row, max_row=last),
                         titles_from_data=True)
    drawing.set_categories(Reference(ws, min_col=1, min_row=where.first_row, max_row=last))
    drawing.width, drawing.height = place.width_cm, place.height_cm
    ws.add_chart(drawing, f"{get_column_letter(place.column)}{place.row}")


def _roles(sheet: layout.Sheet, placements: dict) -> dict[int, tuple[str, layout.Table | None]]:
    """What each row is: a heading line, a table's title, its header, or one of its data rows."""
    roles: dict[int, tuple[str, layout.Table | None]] = {r: ("heading", None) for r in range(1, len(sheet.heading) + 1)}
    for table in sheet.tables:
        place = placements[table.name]
        if table.title:
            roles[place.header_row - 1] = ("title", table)
        roles[place.header_row] = ("header", table)
        for r in range(place.first_row, place.last_row + 1):
            roles[r] = ("data", table)
    return roles


def _write_row(ws, row: int, values: list, role: str, table, heading_width: float, widths: dict) -> float:
    """Write one row of the grid; its height in points (what it needs to show every wrapped line)."""
    if role in ("heading", "title"):
        cell = ws.cell(row=row, column=1)
        _write_value(cell, values[0], layout.TEXT)
        if role == "title":
            cell.font = TITLE_FONT
            return printing.TITLE_LINE
        cell.font, cell.alignment = (HEADING_FONT if row == 1 else Font()), WRAP
        line = printing.HEADING_LINE if row == 1 else printing.LINE
        return line * printing.wrapped_lines(values[0], heading_width / (1.6 if row == 1 else 1))
    if role == "header":
        lines = 1
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index)
            _write_value(cell, value, layout.TEXT)
            cell.font, cell.alignment, cell.fill, cell.border = HEADER_FONT, WRAP, HEADER_FILL, HEADER_BORDER
            lines = max(lines, printing.wrapped_lines(value, widths[index], printing.BOLD_CHARACTERS))
        return printing.LINE * lines
    if role != "data":
        return printing.LINE
    lines, cells, columns = 1, [], table.columns
    for index, value in enumerate(values, start=1):
        if value is None:
            continue  # an empty cell is not written at all
        column = columns[index - 1]
        cell = ws.cell(row=row, column=index)
        _write_value(cell, value, column.kind)
        cells.append(cell)
        if column.wrap and value.__class__ is str:
            lines = max(lines, printing.wrapped_lines(value, widths[index]))
    if lines > 1:
        for cell in cells:
            cell.alignment = WRAP  # every cell of a tall row reads from its top line
    return printing.LINE * lines


def _write_sheet(wb: Workbook, sheet: layout.Sheet, used_names: set[str]) -> None:
    ws = wb.create_sheet(sheet.name)
    grid, placements = layout.sheet_grid(sheet)
    roles = _roles(sheet, placements)
    widths: dict[int, int] = {}
    for table in sheet.tables:
        for index, column in enumerate(table.columns, start=1):
            widths[index] = max(widths.get(index, 0), column.width)
    columns = max(widths, default=1)
    heading_width = sum(widths.values()) or 40
    heights = {}
    for row_index, values in enumerate(grid, start=1):
        role, table = roles.get(row_index, ("blank", None))
        heights[row_index] = _write_row(ws, row_index, values, role, table, heading_width, widths)
        if heights[row_index] != printing.LINE:
            ws.row_dimensions[row_index].height = heights[row_index]
        if role == "heading" and columns > 1:
            ws.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=columns)
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width
    for table in sheet.tables:
        place = placements[table.name]
        if table.excel_table:
            _add_table(ws, table, place, used_names)
        _add_highlights(ws, table, place)
    if sheet.freeze_columns is not None and sheet.tables:
        first = placements[sheet.tables[0].name]
        ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{first.header_row + 1}"
    _print_set_up(ws, sheet, placements, heights, widths)


def _print_set_up(ws, sheet: layout.Sheet, placements: dict, heights: dict[int, float], widths: dict) -> None:
    """Charts placed for the page, then the page breaks and the page set-up."""
    charts = printing.place_charts(sheet, placements, heights, widths)
    by_name = {t.name: t for t in sheet.tables}
    for place in charts:
        _add_chart(ws, place, by_name[place.chart.table], placements[place.chart.table])
    content = max(sum(printing.column_points(w) for w in widths.values()), printing.charts_points(charts, widths))
    page = printing.page_height(printing.fitted_scale(content))
    title_row = placements[sheet.tables[-1].name].header_row if sheet.tables else None
    blocks = _blocks(sheet, placements, heights, charts)
    breaks = printing.page_breaks(blocks, page)
    printing.set_up(ws, title_row=title_row, breaks=breaks, footer=sheet.footer)


def _blocks(sheet: layout.Sheet, placements: dict, heights: dict[int, float], charts) -> list[printing.Block]:
    """The sheet's rows in blocks that stay together on paper: each table with its title and the charts
    beside it (the sheet's heading goes with the first), a table a chart reaches into with the one
    before, and the charts under the tables as one block."""
    spans: list[list[int]] = []  # [first, last, last row kept with the first]
    for index, table in enumerate(sheet.tables):
        place = placements[table.name]
        first = 1 if index == 0 else place.header_row - (1 if table.title else 0)
        last = place.last_row + (1 if index < len(sheet.tables) - 1 else 0)  # with the blank row after it
        last = max([last] + [p.last_row for p in charts if p.chart.table == table.name and p.column > 1])
        kept = min(place.last_row, place.first_row + printing.TABLE_ROWS_KEPT - 1)
        if spans and first <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)  # a page break here would cut a chart
        else:
            spans.append([first, last, kept])
    below = [p for p in charts if p.column == 1 and p.row > len(heights)]
    if below:
        end = max(p.last_row for p in below)
        spans.append([below[0].row - 1, end, end])

    def height(first: int, last: int) -> float:
        return sum(heights.get(r, printing.LINE) for r in range(first, last + 1))

    return [printing.Block(first, last, height(first, last), height(first, max(first, kept)))
            for first, last, kept in spans]


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

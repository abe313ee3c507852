"""How a worksheet prints: row heights, where its charts go, its page breaks and its page set-up.

Every sheet prints on A4 landscape, fitted to the page width, with its last table's header row
repeated on every page that table runs on (the long list of schools is always last), a footer
with the sheet's name, the page and the compile time, and page breaks that keep a table together
with its title and header: a table that fits on a page is never split, and no total row ends up
alone. The pages are worked out with Excel's metrics (Calibri 11); LibreOffice without Calibri
draws wider columns and so shrinks the page more, which only leaves more room on each page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.page import PageMargins

from backoffice.statistics import layout

# A4 landscape in points, and the margins (inches) that leave room for the footer.
PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3
MARGINS = PageMargins(left=0.4, right=0.4, top=0.4, bottom=0.6, header=0.2, footer=0.25)
PRINTABLE_WIDTH = PAGE_WIDTH - (MARGINS.left + MARGINS.right) * 72
PRINTABLE_HEIGHT = PAGE_HEIGHT - (MARGINS.top + MARGINS.bottom) * 72
LINE = 15.0  # points per line of 11-point text
HEADING_LINE, TITLE_LINE = 20.0, 18.0  # the sheet's first heading (15 pt) and a table's title (13 pt)
# Characters of text per character of column width: bold headers are wider than body text. Both
# err on the narrow side, so a wrapped cell is given a line too many rather than one too few.
BODY_CHARACTERS, BOLD_CHARACTERS = 1.15, 1.0
# A chart: its width, its height (more for many bars) and the space kept around it (in points).
CHART_WIDTH_CM, CHART_HEIGHT_CM, CM = 12.0, 6.0, 72 / 2.54
BAR_CHART_FRAME_CM, BAR_CM, BAR_CHART_MINIMUM_CM = 2.2, 0.65, 4.5  # title and axis; each bar; at least
CHART_GAP_COLUMNS = 1
CHART_SPACE = 12.0  # points between two charts side by side
TABLE_ROWS_KEPT = 3  # a table that runs over pages starts with at least this many rows on its first


def column_points(width: float) -> float:
    """A column's printed width in points (Excel: 7 pixels per character and 5 of padding)."""
    return (width * 7 + 5) * 0.75


def wrapped_lines(text: str, width: float, per_character: float = BODY_CHARACTERS) -> int:
    """How many lines a wrapped cell of `width` characters needs for `text` (words kept whole)."""
    room = max(1, int(width * per_character))
    lines = 0
    for paragraph in str(text).split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > room:
                lines, used = lines + 1, 0
            used = used + (1 if used else 0) + size
            while used > room:  # a word longer than the column breaks wherever it must
                lines, used = lines + 1, used - room
    return max(lines, 1)


@dataclass
class ChartPlace:
    """Where a chart is anchored (1-based row and column) and its size in centimetres."""

    chart: layout.Chart
    row: int
    column: int
    width_cm: float
    height_cm: float
    last_row: int = 0  # the last sheet row the chart covers (see `cover`)

    def cover(self, heights: dict[int, float]) -> "ChartPlace":
        """Work out the last row the chart reaches down to, from the rows' heights."""
        row, left = self.row, self.height_cm * CM
        while left > 0.5:  # a chart that ends a hair into a row does not take it
            left -= heights.get(row, LINE)
            row += 1
        self.last_row = row - 1
        return self


def chart_height_cm(chart: layout.Chart, bars: int) -> float:
    """A horizontal bar chart as tall as its bars need (each label readable); others of one height."""
    if chart.kind != "bar":
        return CHART_HEIGHT_CM
    return max(BAR_CHART_MINIMUM_CM, BAR_CHART_FRAME_CM + BAR_CM * bars * (1 if len(chart.values) == 1 else 1.6))


def _column_after(widths: dict[int, int], points: float) -> int:
    """The first column that starts at least `points` from the left edge (columns past the tables are 8.43 wide)."""
    column, left = 1, 0.0
    while left < points:
        left += column_points(widths.get(column, 8.43))
        column += 1
    return column


def _left(widths: dict[int, int], column: int) -> float:
    """Where a column starts, in points from the left edge."""
    return sum(column_points(widths.get(c, 8.43)) for c in range(1, column))


def _extents(sheet: layout.Sheet, placements: dict, widths: dict[int, int]) -> list[tuple[int, int, float]]:
    """Each table's first and last row (title included) and how far right it reaches (points)."""
    return [(placements[t.name].header_row - (1 if t.title else 0), placements[t.name].last_row,
             _left(widths, len(t.columns) + 1)) for t in sheet.tables]


def place_charts(sheet: layout.Sheet, placements: dict, heights: dict[int, float],
                 widths: dict[int, int]) -> list[ChartPlace]:
    """Each chart beside the table it draws, as tall as that table, when the page is wide enough and
    no table lies under it; the others under the last table, two side by side."""
    width_points, extents = CHART_WIDTH_CM * CM, _extents(sheet, placements, widths)
    places, below, free = [], [], {}
    for chart, (first, last, _) in ((c, extents[_index(sheet, c.table)]) for c in sheet.charts):
        natural = chart_height_cm(chart, max(1, placements[chart.table].last_row - placements[chart.table].first_row + 1))
        # Anchored on the header row, not the title: a page break before the title then never cuts it.
        row = free.get(chart.table, placements[chart.table].header_row)
        beside_table = sum(heights.get(r, LINE) for r in range(row, last + 2)) / CM  # the table and its blank row
        spot = ChartPlace(chart, row, len(sheet.tables[_index(sheet, chart.table)].columns) + 1 + CHART_GAP_COLUMNS,
                          CHART_WIDTH_CM, max(beside_table, BAR_CHART_MINIMUM_CM)).cover(heights)
        left = _left(widths, spot.column)
        clear = all(reach <= left for top, bottom, reach in extents if top <= spot.last_row and bottom >= row)
        if left + width_points <= PRINTABLE_WIDTH and clear:
            places.append(spot)
            free[chart.table] = spot.last_row + 1
        else:
            spot.height_cm = natural
            below.append(spot)
    row = len(heights) + 2
    for index, spot in enumerate(below):
        if index % 2:  # the second of a pair stands beside the first
            spot.row, spot.column = below[index - 1].row, _column_after(widths, width_points + CHART_SPACE)
            row = max(spot.cover(heights).last_row, below[index - 1].last_row) + 2
        else:
            spot.row, spot.column = row, 1
            row = spot.cover(heights).last_row + 2
    return places + below


def _index(sheet: layout.Sheet, name: str) -> int:
    return next(i for i, t in enumerate(sheet.tables) if t.name == name)


def charts_points(places: list[ChartPlace], widths: dict[int, int]) -> float:
    """How far right the charts reach (points from the left edge): the width the page must fit."""
    return max((sum(column_points(widths.get(c, 8.43)) for c in range(1, p.column)) + p.width_cm * CM
                for p in places), default=0.0)


def page_height(scale: float) -> float:
    """The printable height in the sheet's own (unscaled) points."""
    return PRINTABLE_HEIGHT / scale


def fitted_scale(content_points: float) -> float:
    """The scale that fits the content to the page width, as spreadsheet programs pick it (whole percent)."""
    return min(100, math.floor(100 * PRINTABLE_WIDTH / max(content_points, 1))) / 100


@dataclass
class Block:
    """Rows that belong together on paper: a table with its title (and the sheet's heading before the first)."""

    first: int
    last: int
    height: float  # points
    keep: float  # the height that must not be split from the block's start (title, header, first rows)


def page_breaks(blocks: list[Block], page: float) -> list[int]:
    """The rows after which a new page starts, so that no block is split when it fits on a page of its own.

    A block longer than a page starts on a new page unless its start (`keep`) fits where it is, and
    runs on over as many pages as it needs; the block after it starts on a new page, because where
    the long one ends depends on the scale each spreadsheet program prints at.
    """
    breaks, used, ran_on = [], 0.0, False
    for block in blocks:
        if used and (ran_on or used + block.height > page and (block.height <= page or used + block.keep > page)):
            breaks.append(block.first - 1)
            used = 0.0
        used += block.height
        ran_on = used > page
    return breaks


def set_up(ws, *, title_row: int | None, breaks: list[int], footer: str) -> None:
    """A4 landscape fitted to the width, the repeated header row, the page breaks and the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes (and the page breaks are kept)
    ws.page_margins = MARGINS
    if title_row:
        ws.print_title_rows = f"{title_row}:{title_row}"
    ws.row_breaks = RowBreak()
    for row in breaks:
        ws.row_breaks.append(Break(id=row))
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.center.text = "Sida &P av &N"
    ws.oddFooter.right.text = footer.replace("&", "&&")

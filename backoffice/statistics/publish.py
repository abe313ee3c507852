"""Publish compiled statistics to a Google Sheet (gspread): the workbook's sheets, cell for cell.

The values come from `layout.sheet_grid`, the same grid `workbook.py` writes, and go out as RAW
values (text from submissions can never become a formula) in a few batched calls: one to add or
resize the worksheets, one to clear them, value updates in chunks, and one for formatting (bold
headers, number formats, widths). Quota errors (429) are retried with backoff by the client from
`backoffice.gsheets`, and whatever else Google answers becomes its `GSheetError` there.
Charts, tables and conditional formatting are the workbook's alone.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Iterable

from backoffice import gsheets
from backoffice.statistics import layout

# Cells per values:batchUpdate call: keeps each request well under the API's payload limits.
CELLS_PER_CALL = 50_000
ROWS_PER_RANGE = 2_000


# Spreadsheet day numbers count from 30 December 1899 (Google Sheets and Excel alike).
EPOCH = datetime(1899, 12, 30)


def cell(value: Any) -> Any:
    """One value as the Sheets API takes it: empty as "", a date or time as its day number (formatted
    as a date below, so it stays a date cell), anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (value - EPOCH).total_seconds() / 86400
    if isinstance(value, date):
        return (value - EPOCH.date()).days
    return value


def sheet_values(sheet: layout.Sheet) -> list[list[Any]]:
    """The sheet's cells as the Sheets API takes them: empty cells as "", numbers as numbers."""
    grid, _ = layout.sheet_grid(sheet)
    return [[cell(v) for v in row] for row in grid]


def count_cells(sheets: list[layout.Sheet]) -> int:
    """How many cells publishing writes (the length of a progress bar)."""
    return sum(sheet.cells for sheet in sheets)


def _a1_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _grid_properties(sheet: layout.Sheet, values: list[list[Any]]) -> dict[str, int]:
    props = {
        "rowCount": max(len(values), 1) + 10,
        "columnCount": max([len(r) for r in values] + [1]) + 2,
        "frozenRowCount": 0,
        "frozenColumnCount": 0,
    }
    if sheet.freeze_columns is not None:
        props["frozenRowCount"] = 1
        props["frozenColumnCount"] = sheet.freeze_columns
    return props


def _chunks(data: list[dict], limit: int) -> Iterable[list[dict]]:
    batch: list[dict] = []
    cells = 0
    for entry in data:
        size = sum(len(r) for r in entry["values"]) or 1
        if batch and cells + size > limit:
            yield batch
            batch, cells = [], 0
        batch.append(entry)
        cells += size
    if batch:
        yield batch


def publish_sheets(sheets: list[layout.Sheet], key: str, client=None,
                   progress: Callable[[int], None] | None = None) -> str:
    """Write every sheet to the Google Sheet `key`, one worksheet each; returns its URL.

    `progress` is called with the number of cells each values call wrote. Worksheets with the
    same names are resized and overwritten; other worksheets are left alone. Google's errors
    become a GSheetError with a Swedish message (`gsheets.google_errors`).
    """
    with gsheets.google_errors(key):
        spreadsheet = (client or gsheets.open_client()).open_by_key(key)
        existing = {ws.title: ws for ws in spreadsheet.worksheets()}
        values = {sheet.name: sheet_values(sheet) for sheet in sheets}
        sheet_ids = _prepare_worksheets(spreadsheet, sheets, existing, values)
        stale = [_a1_sheet(s.name) for s in sheets if s.name in existing]
        if stale:
            spreadsheet.values_batch_clear(body={"ranges": stale})
        data = []
        for sheet in sheets:
            rows = values[sheet.name]
            # A big sheet goes in blocks of rows, so no single request grows with the data.
            for start in range(0, len(rows), ROWS_PER_RANGE):
                data.append({"range": f"{_a1_sheet(sheet.name)}!A{start + 1}",
                             "values": rows[start:start + ROWS_PER_RANGE]})
        for batch in _chunks(data, CELLS_PER_CALL):
            spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": batch})
            if progress:
                progress(sum(len(row) for item in batch for row in item["values"]))
        formats = [r for sheet in sheets for r in _format_requests(sheet, sheet_ids[sheet.name])]
        if formats:
            spreadsheet.batch_update({"requests": formats})
        return spreadsheet.url


def _prepare_worksheets(spreadsheet, sheets: list[layout.Sheet], existing: dict, values: dict) -> dict[str, int]:
    """Add the missing worksheets and size every one, in one call; the worksheet id per name."""
    requests = []
    for sheet in sheets:
        props = _grid_properties(sheet, values[sheet.name])
        if sheet.name in existing:
            requests.append({"updateSheetProperties": {
                "properties": {"sheetId": existing[sheet.name].id, "gridProperties": props},
                "fields": "gridProperties(rowCount,columnCount,frozenRowCount,frozenColumnCount)",
            }})
        else:
            requests.append({"addSheet": {"properties": {"title": sheet.name, "gridProperties": props}}})
    reply = spreadsheet.batch_update({"requests": requests})
    sheet_ids = {name: ws.id for name, ws in existing.items()}
    for answer in reply.get("replies", []):
        added = (answer or {}).get("addSheet")
        if added:
            sheet_ids[added["properties"]["title"]] = added["properties"]["sheetId"]
    return sheet_ids


NUMBER_FORMATS = {
    layout.INT: {"type": "NUMBER", "pattern": "#,##0"},
    layout.DECIMAL: {"type": "NUMBER", "pattern": "0.0"},
    layout.PERCENT: {"type": "PERCENT", "pattern": "0.0%"},
    layout.DATETIME: {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"},
}


def _format_requests(sheet: layout.Sheet, sheet_id: int) -> list[dict]:
    """Formatting like the workbook's: bold headings and headers, number formats, column widths."""
    _, placements = layout.sheet_grid(sheet)
    requests = []

    def cells(row1, row2, col1, col2):  # 1-based inclusive → the API's 0-based half-open range
        return {"sheetId": sheet_id, "startRowIndex": row1 - 1, "endRowIndex": row2,
                "startColumnIndex": col1 - 1, "endColumnIndex": col2}

    bold = {"userEnteredFormat": {"textFormat": {"bold": True}}}
    if sheet.heading:
        requests.append({"repeatCell": {"range": cells(1, len(sheet.heading), 1, 1), "cell": bold,
                                        "fields": "userEnteredFormat.textFormat.bold"}})
    widths: dict[int, int] = {}
    for table in sheet.tables:
        place = placements[table.name]
        first_title_row = place.header_row - (1 if table.title else 0)
        requests.append({"repeatCell": {"range": cells(first_title_row, place.header_row, 1, place.columns),
                                        "cell": bold, "fields": "userEnteredFormat.textFormat.bold"}})
        for index, column in enumerate(table.columns, start=1):
            widths[index] = max(widths.get(index, 0), column.width)
            pattern = NUMBER_FORMATS.get(column.kind)
            if pattern and place.last_row >= place.first_row:
                requests.append({"repeatCell": {
                    "range": cells(place.first_row, place.last_row, index, index),
                    "cell": {"userEnteredFormat": {"numberFormat": pattern}},
                    "fields": "userEnteredFormat.numberFormat"}})
    for index, width in widths.items():
        requests.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index - 1, "endIndex": index},
            "properties": {"pixelSize": width * 7}, "fields": "pixelSize"}})
    return requests

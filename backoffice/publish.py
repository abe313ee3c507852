"""Publish compiled statistics to a Google Sheet (gspread): the workbook's sheets, cell for cell.

The values come from `statsheets.sheet_grid`, the same grid `workbook.py` writes, and go out as RAW
values (text from submissions can never become a formula) in a few batched calls: one to add or
resize the worksheets, one to clear them, and value updates in chunks. Quota errors (429) are
retried with backoff by the client from `backoffice.gsheets`.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from backoffice import statsheets

# Cells per values:batchUpdate call: keeps each request well under the API's payload limits.
CELLS_PER_CALL = 50_000
ROWS_PER_RANGE = 2_000


def sheet_values(sheet: statsheets.Sheet) -> list[list[Any]]:
    """The sheet's cells as the Sheets API takes them: empty cells as "", numbers as numbers."""
    grid, _ = statsheets.sheet_grid(sheet)
    return [["" if v is None else v for v in row] for row in grid]


def _a1_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _grid_properties(sheet: statsheets.Sheet, values: list[list[Any]]) -> dict[str, int]:
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


def publish_sheets(sheets: list[statsheets.Sheet], key: str, client=None,
                   progress: Callable[[int], None] | None = None) -> str:
    """Write every sheet to the Google Sheet `key`, one worksheet each; returns its URL.

    Worksheets with the same names are resized and overwritten; other worksheets are left alone.
    """
    if client is None:
        from backoffice.gsheets import open_client

        client = open_client()
    spreadsheet = client.open_by_key(key)
    existing = {ws.title: ws for ws in spreadsheet.worksheets()}
    values = {sheet.name: sheet_values(sheet) for sheet in sheets}

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
    spreadsheet.batch_update({"requests": requests})

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
            progress(len(batch))
    return spreadsheet.url

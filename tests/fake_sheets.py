"""A small fake of the Google Sheets v4 API (and the bit of Drive gspread uses) on 127.0.0.1 for tests.

It answers like Google does for the calls the project makes through gspread: spreadsheet metadata,
values get/update/append/clear, values batchGet/batchUpdate/batchClear, and spreadsheet batchUpdate
(addSheet, deleteSheet, updateSheetProperties, appendDimension; other requests are accepted and
recorded). Response bodies follow Google's documented shapes (Spreadsheet, ValueRange,
UpdateValuesResponse, AppendValuesResponse, ClearValuesResponse, BatchUpdateValuesResponse,
BatchGetValuesResponse, BatchUpdateSpreadsheetResponse) and errors come as
`{"error": {"code", "message", "status"}}`.

Use the `fake_sheets` fixture (it sets SIP_SHEETS_API_URL so `backoffice.gsheets.open_client()`
talks to the fake), or `with FakeSheets() as fake:` outside pytest. What tests can do:

    key = fake.create_spreadsheet("Uppföljning", {"Svar": [["a", "b"], ["1", "2"]]})
    fake.add_sheet(key, "Blad2", [["x"]])
    fake.values(key, "Svar")          # what the sheet holds, as Google shows it (strings, trimmed)
    fake.raw_values(key, "Svar")      # the stored cells (numbers stay numbers)
    fake.sheet_titles(key)            # the worksheet titles in order
    fake.fail_next(2, status=429)     # the next 2 requests get a quota error
    fake.writes                       # every values write: kind, range, valueInputOption
    fake.sheet_requests               # every spreadsheets.batchUpdate request, as sent
    fake.requests                     # every request: method, decoded path, params, body, status
    fake.token_refusal = "Invalid JWT Signature."   # POST /token answers invalid_grant, as Google's
                                      # token service does for a deleted key (else it gives a token)
"""
from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
# Where a service-account key's token_uri may point to get a token from the fake (Google's is
# https://oauth2.googleapis.com/token).
TOKEN_PATH = "/token"
_A1 = re.compile(r"^\$?([A-Za-z]*)\$?([0-9]*)(?::\$?([A-Za-z]*)\$?([0-9]*))?$")
_SAFE_TITLE = re.compile(r"^[A-Za-z0-9_]+$")


class ApiError(Exception):
    """An error answered as Google's JSON error body."""

    STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
              408: "DEADLINE_EXCEEDED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
    # What Google says with each status when a request fails for a reason outside the request.
    MESSAGES = {
        401: "Request had invalid authentication credentials.",
        403: "The caller does not have permission",
        429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' "
             "of service 'sheets.googleapis.com'.",
        500: "Internal error encountered.",
        503: "The service is currently unavailable.",
    }

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.STATUS.get(self.code, "UNKNOWN")}}


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = DEFAULT_ROWS
    cols: int = DEFAULT_COLS
    cells: list[list[Any]] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # frozen rows, tab colour, … as sent

    def properties(self, index: int) -> dict:
        grid = {"rowCount": self.rows, "columnCount": self.cols}
        grid.update(self.extra.get("gridProperties", {}))
        props = {"sheetId": self.sheet_id, "title": self.title, "index": index, "sheetType": "GRID",
                 "gridProperties": grid}
        props.update({k: v for k, v in self.extra.items() if k != "gridProperties"})
        return props


@dataclass
class Spreadsheet:
    key: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    body: Any
    status: int = 200


# A1 notation -------------------------------------------------------------------------------------

def quote_title(title: str) -> str:
    """A sheet title as Google writes it in a range: quoted unless plain letters and digits."""
    return title if _SAFE_TITLE.match(title) else "'" + title.replace("'", "''") + "'"


def split_range(text: str) -> tuple[str | None, str | None]:
    """('Sheet title' or None, 'A1:B2' or None) from a range in A1 notation."""
    text = text.strip()
    if text.startswith("'"):
        end, index = None, 1
        while index < len(text):
            if text[index] == "'":
                if text[index + 1:index + 2] == "'":
                    index += 2
                    continue
                end = index
                break
            index += 1
        if end is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        title = text[1:end].replace("''", "'")
        rest = text[end + 1:]
        if not rest:
            return title, None
        if not rest.startswith("!"):
            raise ApiError(400, f"Unable to parse range: {text}")
        return title, rest[1:]
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


@dataclass
class Box:
    """A rectangle of cells, 1-based and inclusive; None = to the end of the grid."""

    row1: int
    col1: int
    row2: int | None
    col2: int | None


def parse_cells(cells: str | None, sheet: Sheet) -> Box:
    if not cells:
        return Box(1, 1, sheet.rows, sheet.cols)
    match = _A1.match(cells)
    if not match or not any(match.groups()):
        raise ApiError(400, f"Unable to parse range: {quote_title(sheet.title)}!{cells}")
    c1, r1, c2, r2 = match.groups()
    single = match.group(3) is None and match.group(4) is None
    if single:
        if c1 and r1:
            return Box(int(r1), column_index_from_string(c1), int(r1), column_index_from_string(c1))
        raise ApiError(400, f"Unable to parse range: {quote_title(sheet.title)}!{cells}")
    return Box(int(r1) if r1 else 1, column_index_from_string(c1) if c1 else 1,
               int(r2) if r2 else None, column_index_from_string(c2) if c2 else None)


# The fake ----------------------------------------------------------------------------------------

class FakeSheets:
    """The fake API: state, recording, and an HTTP server on 127.0.0.1."""

    def __init__(self):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.requests: list[Recorded] = []
        self.writes: list[dict] = []
        self.sheet_requests: list[dict] = []
        self._failures: list[int] = []
        # Token requests (form fields) and, when set, Google's error_description for refusing them.
        self.token_requests: list[dict] = []
        self.token_refusal: str | None = None
        self._ids = itertools.count(1)
        self._keys = itertools.count(1)
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # Life cycle
    def start(self) -> "FakeSheets":
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="fake-sheets", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> "FakeSheets":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # What tests set up and read
    def create_spreadsheet(self, title: str = "Kalkylark", sheets: dict[str, list[list[Any]]] | None = None,
                           key: str | None = None) -> str:
        """Create a spreadsheet with worksheets {title: values}; returns its key."""
        with self.lock:
            key = key or f"fake-sheet-{next(self._keys):04d}"
            self.spreadsheets[key] = Spreadsheet(key, title)
            for sheet_title, values in (sheets or {"Sheet1": []}).items():
                self.add_sheet(key, sheet_title, values)
            return key

    def add_sheet(self, key: str, title: str, values: list[list[Any]] | None = None,
                  rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS) -> int:
        with self.lock:
            values = [list(row) for row in (values or [])]
            rows = max(rows, len(values))
            cols = max([cols] + [len(row) for row in values])
            sheet = Sheet(next(self._ids), title, rows, cols, values)
            self.spreadsheets[key].sheets.append(sheet)
            return sheet.sheet_id

    def sheet_titles(self, key: str) -> list[str]:
        with self.lock:
            return [s.title for s in self.spreadsheets[key].sheets]

    def raw_values(self, key: str, title: str) -> list[list[Any]]:
        """The stored cells, trailing empty cells and rows trimmed (numbers stay numbers)."""
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            return _trim([list(row) for row in sheet.cells])

    def values(self, key: str, title: str) -> list[list[str]]:
        """The sheet as Google shows it (FORMATTED_VALUE): every cell a string."""
        return [[_formatted(cell) for cell in row] for row in self.raw_values(key, title)]

    def fail_next(self, count: int, status: int = 429) -> None:
        """Answer the next `count` requests with an error as Google words it (429 = quota exceeded,
        403 = the sheet is not shared with the service account, 500/503 = Google's trouble)."""
        with self.lock:
            self._failures.extend([status] * count)

    def grid(self, key: str, title: str) -> tuple[int, int]:
        """(rowCount, columnCount) of a worksheet."""
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            return sheet.rows, sheet.cols

    # Request handling (called by the HTTP handler)
    def handle(self, method: str, path: str, params: dict, body: Any) -> tuple[int, Any]:
        with self.lock:
            record = Recorded(method, unquote(path), params, body)  # decoded, for readable assertions
            self.requests.append(record)
            if self._failures:
                status = self._failures.pop(0)
                record.status = status
                return status, ApiError(status, ApiError.MESSAGES.get(status, "Request failed.")).body()
            try:
                result = self._route(method, path, params, body)
                return 200, result
            except ApiError as error:
                record.status = error.code
                return error.code, error.body()

    def _route(self, method, path, params, body):
        drive = re.fullmatch(r"/drive/v3/files(?:/([^/]+))?", path)
        if drive:
            return self._drive(method, drive.group(1), params, body)
        match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(:batchUpdate)?(?:/values(?:/([^:]*))?(?::(\w+))?)?", path)
        if not match:
            raise ApiError(404, "Requested entity was not found.")
        key, sheets_batch, value_range, action = match.groups()
        spreadsheet = self.spreadsheets.get(key)
        if spreadsheet is None:
            raise ApiError(404, "Requested entity was not found.")
        is_values = "/values" in path
        if sheets_batch:
            return self._sheets_batch_update(spreadsheet, body or {})
        if not is_values:
            if method != "GET":
                raise ApiError(404, "Requested entity was not found.")
            return self._metadata(spreadsheet)
        rng = unquote(value_range) if value_range else None
        if rng is None or rng == "":
            if action == "batchGet" and method in ("GET", "POST"):
                ranges = params.get("ranges", []) if method == "GET" else (body or {}).get("ranges", [])
                options = params if method == "GET" else (body or {})
                return {"spreadsheetId": key,
                        "valueRanges": [self._get(spreadsheet, r, _first(options, "valueRenderOption"),
                                                  _first(options, "majorDimension")) for r in ranges]}
            if action == "batchUpdate" and method == "POST":
                return self._values_batch_update(spreadsheet, body or {})
            if action == "batchClear" and method == "POST":
                cleared = [self._clear(spreadsheet, r)["clearedRange"] for r in (body or {}).get("ranges", [])]
                return {"spreadsheetId": key, "clearedRanges": cleared}
            raise ApiError(404, "Requested entity was not found.")
        if action is None and method == "GET":
            return self._get(spreadsheet, rng, _first(params, "valueRenderOption"), _first(params, "majorDimension"))
        if action is None and method == "PUT":
            option = _first(params, "valueInputOption")
            return self._update(spreadsheet, rng, (body or {}).get("values", []), option, "update",
                                (body or {}).get("majorDimension"))
        if action == "append" and method == "POST":
            return self._append(spreadsheet, rng, (body or {}).get("values", []), _first(params, "valueInputOption"),
                                _first(params, "insertDataOption"))
        if action == "clear" and method == "POST":
            return self._clear(spreadsheet, rng)
        raise ApiError(404, "Requested entity was not found.")

    # Spreadsheet-level calls
    def _metadata(self, spreadsheet: Spreadsheet) -> dict:
        return {
            "spreadsheetId": spreadsheet.key,
            "properties": {"title": spreadsheet.title, "locale": "sv_SE", "autoRecalc": "ON_CHANGE",
                           "timeZone": "Europe/Stockholm"},
            "sheets": [{"properties": s.properties(i)} for i, s in enumerate(spreadsheet.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.key}/edit",
        }

    def _sheets_batch_update(self, spreadsheet: Spreadsheet, body: dict) -> dict:
        requests = body.get("requests", [])
        replies = []
        for index, request in enumerate(requests):
            self.sheet_requests.append(request)
            (kind, payload), = request.items()
            replies.append(self._sheet_request(spreadsheet, index, kind, payload or {}))
        result = {"spreadsheetId": spreadsheet.key, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            result["updatedSpreadsheet"] = self._metadata(spreadsheet)
        return result

    def _sheet_request(self, spreadsheet: Spreadsheet, index: int, kind: str, payload: dict) -> dict:
        if kind == "addSheet":
            props = payload.get("properties", {})
            title = props.get("title") or f"Sheet{len(spreadsheet.sheets) + 1}"
            if spreadsheet.sheet(title):
                raise ApiError(400, f'Invalid requests[{index}].addSheet: A sheet with the name "{title}" '
                                    "already exists. Please enter another name.")
            grid = props.get("gridProperties", {})
            sheet_id = self.add_sheet(spreadsheet.key, title, None, grid.get("rowCount", DEFAULT_ROWS),
                                      grid.get("columnCount", DEFAULT_COLS))
            sheet = spreadsheet.by_id(sheet_id)
            if "index" in props:
                spreadsheet.sheets.remove(sheet)
                spreadsheet.sheets.insert(min(props["index"], len(spreadsheet.sheets)), sheet)
            extra_grid = {k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")}
            if extra_grid:
                sheet.extra["gridProperties"] = extra_grid
            return {"addSheet": {"properties": sheet.properties(spreadsheet.sheets.index(sheet))}}
        if kind == "deleteSheet":
            sheet = self._sheet_by_id(spreadsheet, payload.get("sheetId"), index, kind)
            if len(spreadsheet.sheets) == 1:
                raise ApiError(400, f"Invalid requests[{index}].deleteSheet: You can't remove all the sheets in a document.")
            spreadsheet.sheets.remove(sheet)
            return {}
        if kind == "updateSheetProperties":
            props = payload.get("properties", {})
            sheet = self._sheet_by_id(spreadsheet, props.get("sheetId"), index, kind)
            fields = [f.strip() for f in payload.get("fields", "").split(",") if f.strip()]
            for name in fields:
                if name == "title":
                    sheet.title = props["title"]
                elif name.startswith("gridProperties"):
                    grid = props.get("gridProperties", {})
                    keys = [name.split(".", 1)[1]] if "." in name else list(grid)
                    for key in keys:
                        if key == "rowCount":
                            sheet.rows = grid[key]
                            del sheet.cells[sheet.rows:]
                        elif key == "columnCount":
                            sheet.cols = grid[key]
                            for row in sheet.cells:
                                del row[sheet.cols:]
                        elif key in grid:
                            sheet.extra.setdefault("gridProperties", {})[key] = grid[key]
                elif name == "index":
                    spreadsheet.sheets.remove(sheet)
                    spreadsheet.sheets.insert(min(props["index"], len(spreadsheet.sheets)), sheet)
                elif name in props:
                    sheet.extra[name] = props[name]
            return {}
        if kind == "appendDimension":
            sheet = self._sheet_by_id(spreadsheet, payload.get("sheetId"), index, kind)
            if payload.get("dimension") == "COLUMNS":
                sheet.cols += int(payload.get("length", 0))
            else:
                sheet.rows += int(payload.get("length", 0))
            return {}
        # Formatting, charts, filters … are accepted and recorded, as their effect is not read back.
        return {}

    @staticmethod
    def _sheet_by_id(spreadsheet: Spreadsheet, sheet_id, index: int, kind: str) -> Sheet:
        sheet = spreadsheet.by_id(sheet_id)
        if sheet is None:
            raise ApiError(400, f"Invalid requests[{index}].{kind}: No grid with id: {sheet_id}")
        return sheet

    # Values calls
    def _resolve(self, spreadsheet: Spreadsheet, rng: str) -> tuple[Sheet, Box]:
        title, cells = split_range(rng)
        if title is None:
            named = spreadsheet.sheet(cells or "")
            if named:  # A bare sheet title is a whole-sheet range.
                return named, parse_cells(None, named)
            sheet = spreadsheet.sheets[0]
        else:
            sheet = spreadsheet.sheet(title)
            if sheet is None:
                raise ApiError(400, f"Unable to parse range: {rng}")
        return sheet, parse_cells(cells, sheet)

    @staticmethod
    def _a1(sheet: Sheet, box: Box, row2: int | None = None, col2: int | None = None) -> str:
        row2 = row2 or box.row2 or sheet.rows
        col2 = col2 or box.col2 or sheet.cols
        start = f"{get_column_letter(box.col1)}{box.row1}"
        end = f"{get_column_letter(col2)}{row2}"
        return f"{quote_title(sheet.title)}!{start}" + ("" if start == end else f":{end}")

    def _get(self, spreadsheet: Spreadsheet, rng: str, render: str | None, dimension: str | None) -> dict:
        sheet, box = self._resolve(spreadsheet, rng)
        row2 = min(box.row2 or sheet.rows, sheet.rows)
        col2 = min(box.col2 or sheet.cols, sheet.cols)
        block = []
        for r in range(box.row1, row2 + 1):
            row = sheet.cells[r - 1] if r - 1 < len(sheet.cells) else []
            block.append([row[c - 1] if c - 1 < len(row) else "" for c in range(box.col1, col2 + 1)])
        block = _trim(block)
        if dimension == "COLUMNS":
            width = max((len(r) for r in block), default=0)
            block = _trim([[r[c] if c < len(r) else "" for r in block] for c in range(width)])
        if render != "UNFORMATTED_VALUE" and render != "FORMULA":
            block = [[_formatted(cell) for cell in row] for row in block]
        result = {"range": self._a1(sheet, box, row2, col2), "majorDimension": dimension or "ROWS"}
        if block:
            result["values"] = block
        return result

    def _write(self, sheet: Sheet, box: Box, values: list[list[Any]], option: str | None, rng: str) -> dict:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        height = len(values)
        width = max((len(row) for row in values), default=0)
        if box.row1 + height - 1 > sheet.rows or box.col1 + width - 1 > sheet.cols:
            raise ApiError(400, f"Range ({rng}) exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        for i, row in enumerate(values):
            r = box.row1 - 1 + i
            while len(sheet.cells) <= r:
                sheet.cells.append([])
            target = sheet.cells[r]
            for j, value in enumerate(row):
                c = box.col1 - 1 + j
                while len(target) <= c:
                    target.append("")
                if value is None:
                    continue  # Google leaves a cell unchanged for null.
                target[c] = _entered(value) if option == "USER_ENTERED" else value
        return {"updatedRange": self._a1(sheet, box, box.row1 + max(height, 1) - 1, box.col1 + max(width, 1) - 1),
                "updatedRows": height, "updatedColumns": width,
                "updatedCells": sum(len(row) for row in values)}

    def _update(self, spreadsheet, rng, values, option, kind, dimension=None) -> dict:
        sheet, box = self._resolve(spreadsheet, rng)
        if dimension == "COLUMNS":
            width = max((len(c) for c in values), default=0)
            values = [[c[r] if r < len(c) else None for c in values] for r in range(width)]
        self.writes.append({"spreadsheet": spreadsheet.key, "kind": kind, "range": rng, "valueInputOption": option,
                            "values": values})
        result = self._write(sheet, box, values, option, rng)
        return {"spreadsheetId": spreadsheet.key, **result}

    def _append(self, spreadsheet, rng, values, option, insert) -> dict:
        sheet, box = self._resolve(spreadsheet, rng)
        self.writes.append({"spreadsheet": spreadsheet.key, "kind": "append", "range": rng, "valueInputOption": option,
                            "values": values})
        used = _trim([list(row) for row in sheet.cells])
        last = len(used)
        width = max([len(r) for r in used] + [len(r) for r in values] + [1])
        table_range = self._a1(sheet, Box(1, 1, last, width), last, width) if last else None
        start = Box(last + 1, box.col1, None, None)
        needed = last + len(values)
        if insert == "INSERT_ROWS":
            sheet.rows += len(values)
        elif needed > sheet.rows:
            sheet.rows = needed
        if box.col1 + width - 1 > sheet.cols:
            sheet.cols = box.col1 + width - 1
        updates = self._write(sheet, start, values, option, rng)
        result = {"spreadsheetId": spreadsheet.key, "updates": {"spreadsheetId": spreadsheet.key, **updates}}
        if table_range:
            result["tableRange"] = table_range
        return result

    def _clear(self, spreadsheet, rng) -> dict:
        sheet, box = self._resolve(spreadsheet, rng)
        row2 = min(box.row2 or sheet.rows, len(sheet.cells))
        for r in range(box.row1, row2 + 1):
            row = sheet.cells[r - 1]
            for c in range(box.col1, min(box.col2 or sheet.cols, len(row)) + 1):
                row[c - 1] = ""
        self.writes.append({"spreadsheet": spreadsheet.key, "kind": "clear", "range": rng, "valueInputOption": None,
                            "values": []})
        return {"spreadsheetId": spreadsheet.key, "clearedRange": self._a1(sheet, box)}

    def _values_batch_update(self, spreadsheet, body) -> dict:
        option = body.get("valueInputOption")
        responses = [self._update(spreadsheet, item["range"], item.get("values", []), option, "batchUpdate",
                                  item.get("majorDimension")) for item in body.get("data", [])]
        titles = {split_range(item["range"])[0] for item in body.get("data", [])}
        return {
            "spreadsheetId": spreadsheet.key,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len(titles),
            "responses": responses,
        }

    # Drive: create, list and delete spreadsheets (gspread's Client.create/open/del_spreadsheet)
    def _drive(self, method, file_id, params, body):
        if method == "POST" and not file_id:
            key = self.create_spreadsheet((body or {}).get("name") or "Namnlöst kalkylark")
            return {"kind": "drive#file", "id": key, "name": self.spreadsheets[key].title,
                    "mimeType": "application/vnd.google-apps.spreadsheet"}
        if method == "GET" and not file_id:
            query = _first(params, "q") or ""
            wanted = re.search(r"name\s*=\s*'((?:[^'\\]|\\.)*)'", query)
            files = [{"kind": "drive#file", "id": s.key, "name": s.title,
                      "createdTime": "2026-01-01T00:00:00.000Z", "modifiedTime": "2026-01-01T00:00:00.000Z"}
                     for s in self.spreadsheets.values()
                     if not wanted or s.title == wanted.group(1).replace("\\'", "'")]
            return {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
        if method == "DELETE" and file_id:
            if self.spreadsheets.pop(file_id, None) is None:
                raise ApiError(404, f"File not found: {file_id}.")
            return None
        raise ApiError(404, "Requested entity was not found.")


def _first(params: dict, name: str):
    value = params.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _trim(block: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells of each row and trailing empty rows, as Google's responses do."""
    rows = []
    for row in block:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _formatted(cell: Any) -> str:
    if cell is None:
        return ""
    if cell is True:
        return "TRUE"
    if cell is False:
        return "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _entered(value: Any) -> Any:
    """USER_ENTERED parsing, as far as the fake goes: numeric text becomes a number."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return value
    return value


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSheets
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        if parts.path == TOKEN_PATH and method == "POST":
            return self._token()
        params = parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            status, payload = 400, ApiError(400, "Invalid JSON payload received.").body()
        else:
            status, payload = self.fake.handle(method, parts.path, params, body)
        data = b"" if payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(204 if payload is None and status == 200 else status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _token(self) -> None:
        """Google's OAuth token endpoint for a service-account key's JWT: a token, or invalid_grant."""
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("ascii"))
        with self.fake.lock:
            self.fake.token_requests.append(form)
            refusal = self.fake.token_refusal
        if refusal:
            status, payload = 400, {"error": "invalid_grant", "error_description": refusal}
        else:
            status, payload = 200, {"access_token": "ya29.fake-token", "expires_in": 3599, "token_type": "Bearer"}
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")


@pytest.fixture
def fake_sheets(monkeypatch):
    """A running fake Sheets API; SIP_SHEETS_API_URL points at it for the test's duration."""
    with FakeSheets() as fake:
        monkeypatch.setenv("SIP_SHEETS_API_URL", fake.url)
        yield fake

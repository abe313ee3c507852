"""A Google Sheet as the store instead of the data package: one worksheet per form, rows appended RAW.

Same columns, receipts and versions as the file store. Values are sent with
`value_input_option="RAW"`, so a text like `=HYPERLINK(...)` stays text and is never a formula;
gspread's backoff client (backoffice.gsheets) retries quota errors. Google Sheets has no lock
across processes, so appends are serialised within this process only: run one intake server per
sheet.
"""
from __future__ import annotations

import threading

import gspread

from backoffice.gsheets import GSheetError, open_client
from backoffice.store.versions import latest_versions
from backoffice.store.files import (CHANNELS, Receipt, StoreError, check_version, columns, key_fields,
                              stamp_rows)


class SheetStore:
    """A Google Sheet (by key) holding one worksheet per form."""

    def __init__(self, key: str, client: gspread.Client | None = None):
        self.key = key
        self._client = client
        self._lock = threading.Lock()

    def _spreadsheet(self):
        if self._client is None:
            self._client = open_client()
        try:
            return self._client.open_by_key(self.key)
        except gspread.SpreadsheetNotFound:
            raise GSheetError(f"Google-kalkylarket {self.key} finns inte eller är inte delat med tjänstekontot.") from None

    def _worksheet(self, form_id: str, create: bool):
        book = self._spreadsheet()
        try:
            sheet = book.worksheet(form_id)
        except gspread.WorksheetNotFound:
            if not create:
                return None
            sheet = book.add_worksheet(title=form_id, rows=1000, cols=len(columns(form_id)))
            sheet.update([columns(form_id)], "A1", value_input_option="RAW")
        return sheet

    def _rows(self, form_id: str, sheet) -> list[dict[str, str]]:
        values = sheet.get_all_values() if sheet is not None else []
        # Numbered before blank rows are skipped, so a message names the row a person sees.
        numbered = [(n, row) for n, row in enumerate(values, start=1) if any(cell != "" for cell in row)]
        if not numbered:
            return []
        header, expected = numbered[0][1][: len(columns(form_id))], columns(form_id)
        if header != expected:
            raise StoreError(
                f"Fliken {form_id} i Google-kalkylarket {self.key} har andra kolumner än blanketten: "
                f"{', '.join(header)}. Flytta fliken åt sidan så skapar lagret en ny.")
        width = len(expected)
        return [check_version(dict(zip(expected, (row + [""] * width)[:width])),
                              f"Rad {number} på fliken {form_id} i Google-kalkylarket {self.key}")
                for number, row in numbered[1:]]

    def read_rows(self, form_id: str) -> list[dict[str, str]]:
        """Every stored row of a form, in order."""
        return self._rows(form_id, self._worksheet(form_id, create=False))

    def read_latest(self, form_id: str) -> list[dict[str, str]]:
        """The latest version per key (every row for unkeyed forms)."""
        return latest_versions(self.read_rows(form_id), key_fields(form_id))

    def append(self, form_id: str, records: list[dict], kanal: str = "webb") -> list[Receipt]:
        """Append rows (already validated) in one append_rows call; returns their receipts."""
        if kanal not in CHANNELS:
            raise ValueError(f"kanal must be one of {CHANNELS}")
        if not records:
            return []
        keys = key_fields(form_id)
        with self._lock:
            sheet = self._worksheet(form_id, create=True)
            existing = self._rows(form_id, sheet)
            versions: dict[tuple, int] = {}
            used = {row["kvitto"] for row in existing}
            for row in existing:
                if keys:
                    key = tuple(row[k] for k in keys)
                    versions[key] = max(versions.get(key, 0), int(row["version"]))
            lines, receipts = stamp_rows(form_id, records, kanal, versions, used)
            # One call for all rows: Google applies an append as a whole or not at all.
            sheet.append_rows(lines, value_input_option="RAW", insert_data_option="INSERT_ROWS",
                              table_range="A1")
        return receipts

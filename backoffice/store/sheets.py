"""A Google Sheet as the store instead of the data package: one worksheet per form, rows appended RAW.

Same columns, receipts and versions as the file store (backoffice.store.rows). Values are sent
with `value_input_option="RAW"`, so a text like `=HYPERLINK(...)` stays text and is never a
formula; gspread's backoff client (backoffice.gsheets) retries quota errors, and every other
error of Google's becomes a Swedish GSheetError there. Google Sheets has no lock across
processes, so appends are serialised within this process only: run one intake server per sheet.
"""
from __future__ import annotations

import threading

import gspread

from backoffice.forms.schema import Form, load_form
from backoffice.gsheets import google_errors, open_client
from backoffice.store.rows import (Receipt, StoreError, check_channel, check_version, columns, highest_versions,
                                   stamp_rows)
from backoffice.store.versions import latest_versions


class SheetStore:
    """A Google Sheet (by key) holding one worksheet per form."""

    def __init__(self, key: str, client: gspread.Client | None = None):
        self.key = key
        self._client = client
        self._lock = threading.Lock()

    def _worksheet(self, form: Form, create: bool):
        if self._client is None:
            self._client = open_client()
        book = self._client.open_by_key(self.key)
        try:
            return book.worksheet(form.id)
        except gspread.WorksheetNotFound:
            if not create:
                return None
        sheet = book.add_worksheet(title=form.id, rows=1000, cols=len(columns(form)))
        sheet.update([columns(form)], "A1", value_input_option="RAW")
        return sheet

    def _rows(self, form: Form, sheet) -> list[dict[str, str]]:
        values = sheet.get_all_values() if sheet is not None else []
        # Numbered before blank rows are skipped, so a message names the row a person sees.
        numbered = [(n, row) for n, row in enumerate(values, start=1) if any(cell != "" for cell in row)]
        if not numbered:
            return []
        expected = columns(form)
        header = numbered[0][1][: len(expected)]
        if header != expected:
            raise StoreError(
                f"Fliken {form.id} i Google-kalkylarket {self.key} har andra kolumner än blanketten: "
                f"{', '.join(header)}. Flytta fliken åt sidan så skapar lagret en ny.")
        width = len(expected)
        return [check_version(dict(zip(expected, (row + [""] * width)[:width])),
                              f"Rad {number} på fliken {form.id} i Google-kalkylarket {self.key}")
                for number, row in numbered[1:]]

    def read_rows(self, form_id: str) -> list[dict[str, str]]:
        """Every stored row of a form, in order."""
        form = load_form(form_id)
        with google_errors(self.key):
            return self._rows(form, self._worksheet(form, create=False))

    def read_latest(self, form_id: str) -> list[dict[str, str]]:
        """The latest version per key (every row for unkeyed forms)."""
        return latest_versions(self.read_rows(form_id), load_form(form_id).key)

    def append(self, form_id: str, records: list[dict], kanal: str = "webb") -> list[Receipt]:
        """Append rows (already validated) in one append_rows call; returns their receipts."""
        check_channel(kanal)
        if not records:
            return []
        form = load_form(form_id)
        with self._lock, google_errors(self.key):
            sheet = self._worksheet(form, create=True)
            existing = self._rows(form, sheet)
            versions = highest_versions(existing, form.key)
            lines, receipts = stamp_rows(form, records, kanal, versions, {row["kvitto"] for row in existing})
            # One call for all rows: Google applies an append as a whole or not at all.
            sheet.append_rows(lines, value_input_option="RAW", insert_data_option="INSERT_ROWS",
                              table_range="A1")
        return receipts

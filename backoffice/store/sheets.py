"""A Google Sheet as the store instead of the data package: one worksheet per form, rows appended RAW.

Same columns, receipts and versions as the file store (backoffice.store.rows), and the same
corrections and withdrawals (backoffice.store.answers). A worksheet of the old layout (without
`avser`, `status`, `orsak`) gets the new columns added to its header on the first write; its old
rows read with them empty. Values are sent with `value_input_option="RAW"`, so a text like
`=HYPERLINK(...)` stays text and is never a formula; gspread's backoff client (backoffice.gsheets)
retries quota errors, and every other error of Google's becomes a Swedish GSheetError there.
Google Sheets has no lock across processes, so appends are serialised within this process only:
run one intake server per sheet. Lookups read the whole worksheet (there is no index).
"""
from __future__ import annotations

import threading
from typing import Mapping, Sequence

import gspread

from backoffice.forms.schema import Form, as_form, load_form
from backoffice.gsheets import google_errors, open_client
from backoffice.store import answers
from backoffice.store.rows import (Numbering, Receipt, StoreError, check_channel, check_version, columns,
                                   old_columns, stamp_rows, stamp_version, utc_now)
from backoffice.store.versions import (WITHDRAWN, answer_of, counted_versions, key_text, latest_versions,
                                       versions_of)


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

    def _values(self, form: Form, sheet) -> tuple[list[str] | None, list[dict[str, str]]]:
        """The worksheet's header (None when empty) and rows, in the new layout."""
        values = sheet.get_all_values() if sheet is not None else []
        # Numbered before blank rows are skipped, so a message names the row a person sees.
        numbered = [(n, row) for n, row in enumerate(values, start=1) if any(cell != "" for cell in row)]
        if not numbered:
            return None, []
        expected = columns(form)
        header = numbered[0][1][: len(expected)]
        if header != expected and header[: len(old_columns(form))] != old_columns(form):
            raise StoreError(
                f"Fliken {form.id} i Google-kalkylarket {self.key} har andra kolumner än blanketten: "
                f"{', '.join(header)}. Flytta fliken åt sidan så skapar lagret en ny.")
        width = len(expected)
        return header, [check_version(dict(zip(expected, (row + [""] * width)[:width])),
                                      f"Rad {number} på fliken {form.id} i Google-kalkylarket {self.key}")
                        for number, row in numbered[1:]]

    def _rows(self, form: Form, sheet) -> list[dict[str, str]]:
        return self._values(form, sheet)[1]

    def _upgrade(self, form: Form, sheet, header: list[str] | None) -> None:
        """Add the new system columns to the header of a worksheet of the old layout."""
        expected = columns(form)
        if header is None or header == expected:
            return
        if sheet.col_count < len(expected):
            sheet.add_cols(len(expected) - sheet.col_count)
        sheet.update([expected], "A1", value_input_option="RAW")

    def read_rows(self, form_id: str) -> list[dict[str, str]]:
        """Every stored row of a form, in order."""
        form = load_form(form_id)
        with google_errors(self.key):
            return self._rows(form, self._worksheet(form, create=False))

    def read_latest(self, form_id: str) -> list[dict[str, str]]:
        """The latest version of each answer, withdrawn answers left out."""
        return counted_versions(self.read_rows(form_id), load_form(form_id).key)

    def append(self, form_id: "Form | str", records: list[dict], kanal: str = "webb") -> list[Receipt]:
        """Append rows (already validated) in one append_rows call; returns their receipts."""
        check_channel(kanal)
        if not records:
            return []
        form = as_form(form_id)
        with self._lock, google_errors(self.key):
            sheet = self._worksheet(form, create=True)
            header, existing = self._values(form, sheet)
            lines, receipts = stamp_rows(form, records, kanal, Numbering.of_rows(form, existing))
            self._upgrade(form, sheet, header)
            # One call for all rows: Google applies an append as a whole or not at all.
            sheet.append_rows(lines, value_input_option="RAW", insert_data_option="INSERT_ROWS",
                              table_range="A1")
        return receipts

    # -- lookups, from the whole worksheet --------------------------------------------------------

    def find(self, form_id: str, kvitto: str) -> dict[str, str] | None:
        """The row with this receipt, or None."""
        return next((row for row in self.read_rows(form_id) if row["kvitto"] == kvitto), None)

    def versions(self, form_id: str, answer: str) -> list[dict[str, str]]:
        """Every version of the answer that the receipt `answer` belongs to, oldest first."""
        return versions_of(self.read_rows(form_id), load_form(form_id).key, answer)

    def latest(self, form_id: str, answer: str) -> dict[str, str] | None:
        """The latest version of the answer that the receipt `answer` belongs to, or None."""
        found = latest_versions(self.versions(form_id, answer), load_form(form_id).key)
        return found[0] if found else None

    def latest_for(self, form_id: str, key_values: Mapping[str, str] | Sequence[str]) -> dict[str, str] | None:
        """The latest version stored for a key, or None (only for forms with a key)."""
        form = load_form(form_id)
        values = [key_values[n] for n in form.key] if isinstance(key_values, Mapping) else list(key_values)
        wanted = key_text(values)
        rows = [row for row in self.read_rows(form_id) if key_text(row[n] for n in form.key) == wanted]
        found = latest_versions(rows, form.key)
        return found[0] if found else None

    def answered(self, form_id: str, lasar: str):
        """Per school code, the counted answers of a school year (followup.SchoolAnswers)."""
        from backoffice.followup import answers_by_school

        return answers_by_school(load_form(form_id), self.read_rows(form_id), lasar)

    # -- the coordinator's versions -------------------------------------------------------------

    def correct(self, form_id: str, answer: str, record: Mapping[str, object], reason: str) -> Receipt:
        """Store a correction of an answer as its next version (see FileStore.correct)."""
        form = load_form(form_id)
        return self._new_version(form, answer, reason, lambda latest: (answers.corrected(form, latest, record), ""))

    def withdraw(self, form_id: str, answer: str, reason: str) -> Receipt:
        """Withdraw an answer: a new version with status `återkallad` (see FileStore.withdraw)."""
        form = load_form(form_id)
        return self._new_version(form, answer, reason, lambda latest: (answers.withdrawn(latest, form), WITHDRAWN))

    def _new_version(self, form: Form, answer: str, reason: str, make) -> Receipt:
        reason = answers.check_reason(reason)
        with self._lock, google_errors(self.key):
            sheet = self._worksheet(form, create=False)
            header, rows = self._values(form, sheet)
            versions = versions_of(rows, form.key, answer)
            if not versions:
                raise answers.AnswerNotFound(form.id, answer)
            latest = latest_versions(versions, form.key)[0]
            values, status = make(latest)
            line, receipt = stamp_version(form, values, Numbering.of_rows(form, rows),
                                          version=int(latest["version"]) + 1, avser=answer_of(versions[0]),
                                          status=status, orsak=reason, received=utc_now())
            self._upgrade(form, sheet, header)
            sheet.append_rows([line], value_input_option="RAW", insert_data_option="INSERT_ROWS",
                              table_range="A1")
        return receipt

"""A source table's rows as Frictionless reads them: in the form's field order, cells converted, and
what only the raw rows show (values beyond the header or under an empty heading) noted on the way.

A blank row reaches Frictionless as an empty row, which its dialect (skip_blank_rows) passes over
while keeping the row numbers of the spreadsheet: a blank row costs no error objects. A source
that fails while being read, or a table past MAX_ROWS, ends the feed; `failure` then says why.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from openpyxl.utils import get_column_letter

from backoffice.forms.schema import Form
from backoffice.errors import SipError
from backoffice.validation import cells, limits, messages, sources
from backoffice.validation.header import HeaderMatch
from backoffice.validation.problems import Problem

# How often (in rows) the progress callback is told how far reading has come.
PROGRESS_EVERY = 2000


def filled(raw: list[Any], text_cells: bool) -> bool:
    """True when the row has any non-blank cell."""
    if text_cells:
        return any(raw) and bool("".join(raw).strip())
    return any(sources.cell_text(cell) for cell in raw)


class RowFeed:
    """Feeds one table to Frictionless; afterwards holds the row count, the raw rows' problems and
    (with keep_rows) every row's converted values by row number."""

    def __init__(self, table: sources.SourceTable, form: Form, header: HeaderMatch, *, keep_rows: bool,
                 progress: Callable[[], None] | None = None):
        self.table = table
        self.names = form.field_names
        self.keep_rows = keep_rows
        self.progress = progress
        self.rows = 0
        self.problems: list[Problem] = []
        self.kept: list[tuple[int, list[Any]]] = []
        self.failure: SipError | None = None
        text_cells = table.kind != "xlsx"
        indexes = [header.positions.get(name) for name in self.names]
        # A missing column reads as empty: any cell, converted to "".
        self.converters = [cells.blank if index is None else cells.converter(f, text_cells)
                           for f, index in zip(form.fields, indexes)]
        self.picks = [0 if index is None else index for index in indexes]
        self.text_cells = text_cells
        # A column without a heading is no field; a value typed there would be silently dropped.
        self.unlabelled = [i for i, label in enumerate(table.labels) if not str(label or "").strip()]

    def _fit(self, raw: list[Any], row_number: int) -> list[Any]:
        """The row cut or padded to the header's width, noting values outside the labelled columns."""
        width = len(self.table.labels)
        if len(raw) > width:
            beyond = raw[width:]
            if "".join(beyond).strip() if self.text_cells else any(map(sources.cell_text, beyond)):
                self.problems.append(Problem(row_number, None, "extra-cell",
                                             messages.extra_cells_message(get_column_letter(width + 1))))
            raw = raw[:width]
        elif len(raw) < width:
            raw = list(raw) + [""] * (width - len(raw))
        for index in self.unlabelled:
            if sources.cell_text(raw[index]):
                self.problems.append(Problem(row_number, None, "extra-cell",
                                             messages.unlabelled_cell_message(get_column_letter(index + 1))))
        return raw

    def __call__(self) -> Iterator[list[Any]]:
        """The header, then one list of values per source row (blank rows as empty rows, so the row
        numbers Frictionless gives stay those of the spreadsheet)."""
        yield list(self.names)
        try:
            yield from self._rows()
        except SipError as error:
            # Frictionless would wrap it in an English error of its own; the driver raises it.
            self.failure = error

    def _rows(self) -> Iterator[list[Any]]:
        width, text_cells, keep, kept = len(self.table.labels), self.text_cells, self.keep_rows, self.kept
        pairs, progress = list(zip(self.converters, self.picks)), self.progress
        most = limits.MAX_ROWS
        blank: tuple = ()
        row_number = 1
        for raw in self.table.rows():
            row_number += 1
            if progress is not None and row_number % PROGRESS_EVERY == 0:
                progress()
            if not (any(raw) and "".join(raw).strip() if text_cells else filled(raw, False)):
                yield blank  # Frictionless skips it.
                continue
            self.rows += 1
            if self.rows > most:
                raise sources.SourceError(limits.too_many_rows(self.table.name))
            if len(raw) != width or self.unlabelled:
                raw = self._fit(raw, row_number)
            values = [convert(raw[index]) for convert, index in pairs]
            if keep:
                kept.append((row_number, values))
            yield values

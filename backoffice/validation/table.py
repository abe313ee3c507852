"""Validate a table or web-form records against a form: Frictionless checks plus the project's own.

The path of a table: sources (raw rows) → header matched to the form (header) → cells normalised
(cells: spaces trimmed, ja/nej and list values to their written form) and fed to a Frictionless
resource with the form's schema and the custom checks (feed, checks) → Problems with Swedish
messages, row numbers as a spreadsheet shows them (problems).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
import frictionless

from backoffice.forms.schema import Form, load_form
from backoffice.register import load_register
from backoffice.validation import cells, checks, limits, sources
from backoffice.validation.feed import RowFeed
from backoffice.validation.header import HeaderMatch, match_header, unusable_header
from backoffice.validation.records import normalise_records, validate_records  # noqa: F401
# Problem, TableResult, the codes and record validation have their own homes; users import them from here.
from backoffice.validation.problems import (HEADER_CODES, PARTIAL_CODES, UNUSABLE_CODES, Problem,  # noqa: F401
                                            TableResult, from_frictionless, ordered)

# Show a progress bar above this many bytes (CSV) or rows (XLSX).
PROGRESS_MIN_BYTES = 2_000_000
PROGRESS_MIN_ROWS = 20_000


def validate_table(source: str | Path, form_id: str, *, sheet: str | None = None, register: dict | None = None,
                   progress: bool = False, credentials: str | None = None, keep_rows: bool = True,
                   today: dt.date | None = None) -> TableResult:
    """Validate a CSV/XLSX file or `gsheet:KEY[/WORKSHEET]` against a form.

    Raises schemas.UnknownFormError, sources.SourceError or register.RegisterError when the input
    cannot be used, and no other exception. `keep_rows=False` streams without collecting
    valid_rows (memory stays flat).
    """
    form = load_form(form_id)
    table = sources.open_table(source, sheet=sheet, credentials=credentials)
    register = load_register() if register is None else register
    with sources.reading(table.name):
        return _validate_table(table, form, register, progress=progress, keep_rows=keep_rows, today=today)


def _validate_table(table: sources.SourceTable, form: Form, register: dict, *, progress: bool,
                    keep_rows: bool, today: dt.date | None) -> TableResult:
    header = match_header(table.labels, form)
    early = unusable_header(table.labels, form, header)
    if early is not None:
        return TableResult(path=table.name, form=form.id, rows=0, problems=[early], valid_rows=[])
    bar = _progress_bar(table) if progress else None
    try:
        return _validate(table, form, header, register, keep_rows=keep_rows, today=today, bar=bar)
    finally:
        if bar is not None:
            bar.update(max(0, (table.total or 0) - bar.pos))
            bar.render_finish()


def validate_tables(paths, form_id: str, **options) -> list[TableResult]:
    """Validate several tables against one form (options as for validate_table, rows not kept).

    A table that cannot be used becomes a result with one problem saying why, so one bad file
    never hides what is wrong with the others.
    """
    from backoffice.validation.report import unusable

    results = []
    for path in paths:
        try:
            results.append(validate_table(path, form_id, keep_rows=False, **options))
        except sources.SourceError as error:
            results.append(unusable(str(path), form_id, str(error)))
    return results


def _validate(table: sources.SourceTable, form: Form, header: HeaderMatch, register: dict, *,
              keep_rows: bool, today: dt.date | None, bar=None) -> TableResult:
    """Run Frictionless and the form's checks over the table's rows; the header is already matched."""
    progress = (lambda: bar.update(table.done() - bar.pos)) if bar is not None else None
    feed = RowFeed(table, form, header, keep_rows=keep_rows, progress=progress)
    missing = frozenset(header.missing)
    resource = frictionless.Resource(data=feed, schema=cells.validation_schema(form, missing), name="tabell",
                                     dialect=frictionless.Dialect(header_rows=[1], skip_blank_rows=True))
    checklist = frictionless.Checklist(checks=checks.build_checks(form, frozenset(register), today=today))
    found, stopped_at = _check_rows(resource, checklist, form, missing, feed)
    if feed.failure is not None:
        raise feed.failure
    problems = ordered(header.problems + found + feed.problems, form.field_names)
    if stopped_at is not None:
        problems.append(Problem(None, None, "too-many-problems", limits.too_many_problems(stopped_at)))
    return TableResult(path=table.name, form=form.id, rows=feed.rows, problems=problems,
                       valid_rows=_valid_rows(feed, problems, form) if keep_rows else [], columns=header.columns)


def _check_rows(resource: frictionless.Resource, checklist: frictionless.Checklist, form: Form,
                missing: frozenset, feed: RowFeed) -> tuple[list[Problem], int | None]:
    """The checks of Frictionless' own validate loop, each error made a Problem as it comes.

    Frictionless keeps every error object (about a kilobyte and a third of a millisecond each)
    until its report is built; here none outlives its row, and the run stops at MAX_PROBLEMS
    with the row it stopped at (else None).
    """
    found: list[Problem] = []
    try:
        with resource:
            connected = checklist.connect(resource)
            for check in connected:
                found.extend(from_frictionless(check.validate_start(), form, missing))
            for row in resource.row_stream:
                errors = [error for check in connected for error in check.validate_row(row)]
                if errors:
                    found.extend(from_frictionless(errors, form, missing))
                if len(found) + len(feed.problems) >= limits.MAX_PROBLEMS:
                    return found, row.row_number
            for check in connected:
                found.extend(from_frictionless(check.validate_end(), form, missing))
    except frictionless.FrictionlessException:
        if feed.failure is None:
            raise sources.SourceError(f"{feed.table.name}: tabellen går inte att läsa. "
                                      "Spara den på nytt som CSV eller .xlsx och försök igen.") from None
    return found, None


def _valid_rows(feed: RowFeed, problems: list[Problem], form: Form) -> list[dict[str, str]]:
    """The kept rows without a problem, as text; none when the header makes every row doubtful."""
    if any(p.code in HEADER_CODES or p.code in PARTIAL_CODES for p in problems):
        return []
    bad_rows = {p.row for p in problems}
    kept, names, rows = feed.kept, form.field_names, []
    for index, (number, values) in enumerate(kept):
        kept[index] = None  # each row held once, as values or as a dict, never both
        if number not in bad_rows:
            rows.append(dict(zip(names, map(cells.as_text, values))))
    kept.clear()
    return rows


def _progress_bar(table: sources.SourceTable):
    large = table.total and (table.total >= (PROGRESS_MIN_BYTES if table.kind == "csv" else PROGRESS_MIN_ROWS))
    if not large:
        return None
    bar = click.progressbar(length=table.total, label=f"Kontrollerar {Path(table.name).name}", file=sys.stderr)
    bar.render_progress()
    return bar

"""Web-form posts checked one record at a time, with the same checks and messages as a table.

A table is validated by streaming it through a Frictionless resource; opening one costs some
17 ms (Frictionless copies and re-validates every field), which a single post should not pay.
A post is one row: its cells are converted as a table's are (`cells.converter`), read by the
same Frictionless cell readers (type and every constraint) and checked by the same custom
checks, so the messages are identical — `tests/test_intake.py` compares them with batch
validation's. The cell readers are built once per form.
"""
from __future__ import annotations

import datetime as dt

from frictionless.table import Row, create_cell_handlers

from backoffice.forms.schema import Form, as_form
from backoffice.validation import cells, checks
from backoffice.validation.problems import Problem, from_frictionless, ordered

_PREPARED: dict[Form, tuple] = {}


def _prepared(form: Form) -> tuple:
    """The form's cell readers and converters (a schema changed on disk is a new Form)."""
    prepared = _PREPARED.get(form)
    if prepared is None:
        if len(_PREPARED) > 64:  # forms edited many times in a long-running process
            _PREPARED.clear()
        handlers = create_cell_handlers(list(cells.validation_schema(form).fields))
        converters = [cells.converter(f, True) for f in form.fields]
        prepared = _PREPARED[form] = (handlers, converters)
    return prepared


def validate_records(form_id: "Form | str", records: list[dict[str, str]], *, register: dict | None = None,
                     today: dt.date | None = None) -> list[Problem]:
    """Validate web-form posts with the same checks and messages; records count as rows 2, 3, ….

    A field missing from a record counts as empty (an unticked checkbox group posts nothing);
    keys that are not fields of the form are ignored. A record with every cell blank is skipped,
    as a blank row of a table is.
    """
    from backoffice.register import load_register

    form = as_form(form_id)
    handlers, converters = _prepared(form)
    register = load_register() if register is None else register
    form_checks = checks.build_checks(form, frozenset(register), today=today)
    problems: list[Problem] = []
    for number, record in enumerate(records, start=2):
        raw = cells.record_cells(record, form.field_names)
        if not "".join(raw).strip():
            continue
        row = Row([convert(cell) for convert, cell in zip(converters, raw)], handlers=handlers, row_number=number)
        errors = list(row.errors)  # Frictionless' own: each cell's type and constraints
        for check in form_checks:
            errors.extend(check.validate_row(row))
        problems.extend(from_frictionless(errors, form, frozenset()))
    return ordered(problems, form.field_names)


def normalise_records(form_id: "Form | str", records: list[dict]) -> list[dict[str, str]]:
    """Records as validation sees and stores them: trimmed, ja/nej lowercase, choices and lists as in the schema.

    The same normalisation `valid_rows` gets from a table, for the web form's accepted posts.
    """
    form = as_form(form_id)
    _, converters = _prepared(form)
    return [dict(zip(form.field_names, (cells.as_text(convert(cell)) for convert, cell in
                                        zip(converters, cells.record_cells(record, form.field_names)))))
            for record in records]

"""Validate a table or web-form records against a form: Frictionless checks plus the project's own.

The path of a table: sources (raw rows) → header matched to the schema → cells normalised
(spaces trimmed, ja/nej and list values to their written form) → a Frictionless resource with the
form's schema and the custom checks → Problems with Swedish messages, row numbers as a
spreadsheet shows them (the header is row 1).
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import click
import frictionless
from openpyxl.utils import get_column_letter

from backoffice.validation import checks as checks_module
from backoffice.validation import messages
from backoffice.forms import schema as schemas
from backoffice.validation import sources
from backoffice.register import load_register

# Problems that concern the whole header and make every row unreliable.
HEADER_CODES = {"missing-label", "duplicate-label", "no-header"}
# Problems that make a table unusable as given (exit status 2 in the CLI), not merely invalid.
UNUSABLE_CODES = {"source-error", "wrong-form", "no-header"}
# Show a progress bar above this many bytes (CSV) or rows (XLSX).
PROGRESS_MIN_BYTES = 2_000_000
PROGRESS_MIN_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    """One problem: row as a spreadsheet shows it (header = 1; None = the whole table), field, code, Swedish message."""

    row: int | None
    field: str | None
    code: str
    message: str


@dataclass
class TableResult:
    """The outcome for one table: its problems and (when asked for) its rows without problems."""

    path: str
    form: str
    rows: int
    problems: list[Problem]
    valid_rows: list[dict[str, str]]
    # Field name → the column letter it has in the source (A, B, …), for the report.
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_table(source: str | Path, form_id: str, *, sheet: str | None = None, register: dict | None = None,
                   progress: bool = False, credentials: str | None = None, keep_rows: bool = True,
                   today: dt.date | None = None) -> TableResult:
    """Validate a CSV/XLSX file or `gsheet:KEY[/WORKSHEET]` against a form.

    Raises schemas.UnknownFormError, sources.SourceError or register.RegisterError when the input
    cannot be used. `keep_rows=False` streams without collecting valid_rows (memory stays flat).
    """
    schema = _form_schema(form_id)
    table = sources.open_table(source, sheet=sheet, credentials=credentials)
    register = load_register() if register is None else register
    return _validate(table, form_id, schema, register, keep_rows=keep_rows, progress=progress,
                     today=today, strict_header=True)


def validate_records(form_id: str, records: list[dict[str, str]], *, register: dict | None = None,
                     today: dt.date | None = None) -> list[Problem]:
    """Validate web-form posts with the same checks and messages; records count as rows 2, 3, ….

    A field missing from a record counts as empty (an unticked checkbox group posts nothing);
    keys that are not fields of the form are ignored.
    """
    schema = _form_schema(form_id)
    names = schema.field_names
    rows = [_record_cells(record, names) for record in records]
    table = sources.SourceTable(name="formulär", kind="records", labels=list(names), open_rows=lambda: iter(rows))
    register = load_register() if register is None else register
    return _validate(table, form_id, schema, register, keep_rows=False, progress=False, today=today,
                     strict_header=False).problems


def normalise_records(form_id: str, records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Records as validation sees and stores them: trimmed, ja/nej lowercase, choices and lists as in the schema.

    The same normalisation `valid_rows` gets from a table, for the web form's accepted posts.
    """
    schema = schemas.load_schema(form_id)
    names = schema.field_names
    converters = [_converter(f, True) for f in schema.fields]
    return [dict(zip(names, (_as_text(convert(cell)) for convert, cell in zip(converters, _record_cells(record, names)))))
            for record in records]


def _record_cells(record: dict[str, Any], names: list[str]) -> list[str]:
    cells = []
    for name in names:
        value = record.get(name)
        cells.append(value if isinstance(value, str) else sources.cell_text(value))
    return cells


# Header ------------------------------------------------------------------------------------------

def match_header(labels: list[str], schema: frictionless.Schema) -> tuple[dict[str, int], list[Problem]]:
    """Map field names to column indexes, ignoring case and surrounding spaces; problems for the rest.

    A column may also be headed by the field's title (the question as written on the web form).
    """
    lookup: dict[str, str] = {}
    for f in schema.fields:
        if f.title:
            lookup.setdefault(schemas.label_key(f.title), f.name)
    for f in schema.fields:
        lookup[schemas.label_key(f.name)] = f.name
    found: dict[str, list[int]] = {}
    problems: list[Problem] = []
    for index, label in enumerate(labels):
        name = lookup.get(schemas.label_key(label))
        if name:
            found.setdefault(name, []).append(index)
        elif str(label or "").strip():
            problems.append(Problem(1, None, "extra-label", messages.unknown_column_message(
                str(label), get_column_letter(index + 1), schema.field_names)))
    for f in schema.fields:
        if f.name not in found:
            problems.append(Problem(1, f.name, "missing-label", messages.missing_column_message(f)))
        elif len(found[f.name]) > 1:
            letters = [get_column_letter(i + 1) for i in found[f.name]]
            problems.append(Problem(1, f.name, "duplicate-label", messages.duplicate_column_message(f.name, letters)))
    return {name: indexes[0] for name, indexes in found.items()}, problems


# Cells -------------------------------------------------------------------------------------------

class _Memo(dict):
    """A dict that computes and remembers a cell's converted value: lookups of known values run in C.

    Choice and list columns repeat a few values over and over, so most cells are a dict hit.
    """

    LIMIT = 20_000

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, key):
        value = self.convert(key)
        if len(self) < self.LIMIT:
            self[key] = value
        return value


def _normalise_text(f: frictionless.Field):
    """A function from a cell's text to its normalised text: trimmed, choices and lists as written in the schema."""
    spec = schemas.list_spec(f)
    enum = f.constraints.get("enum") if f.type == "string" else None
    if spec:
        canonical = {str(v).casefold(): str(v) for v in spec["values"]}
        return lambda value: ", ".join(canonical.get(p.casefold(), p) for p in schemas.split_list(value))
    if enum:
        canonical = {str(v).casefold(): str(v) for v in enum}
        return lambda value: canonical.get(value.strip().casefold(), value.strip())
    return str.strip


def _to_frictionless(f: frictionless.Field):
    """A function from normalised text to what Frictionless gets: exact ints and ISO dates pre-parsed.

    Frictionless still checks them (constraints, required); anything unusual stays text so that
    Frictionless reports the type error in its usual way.
    """
    if f.type == "integer":
        return lambda value: int(value) if value.isascii() and value.isdigit() else value
    if f.type == "date" and f.format == "default":
        def typed_date(value: str):
            if len(value) == 10 and value[4] == "-" and value[7] == "-":
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    return value
            return value
        return typed_date
    return None


def _converter(f: frictionless.Field, text_cells: bool):
    """One callable per field from a raw cell to its value for Frictionless (C-level for most cells)."""
    normalise = _normalise_text(f)
    typed = _to_frictionless(f)
    if text_cells:
        if normalise is str.strip and typed is None and f.type == "string" and not f.constraints.get("enum"):
            return str.strip  # Free text: too varied to remember.
        step = (lambda value: typed(normalise(value))) if typed else normalise
    else:
        keep = typed or (lambda v: v)
        if f.type == "date":
            # A date cell holding a time of day (=NOW(), a pasted timestamp) is that day: Excel
            # often shows only the date, and the form asks for nothing finer.
            step = lambda value: keep(normalise(sources.cell_text(  # noqa: E731
                value.date() if isinstance(value, dt.datetime) else value)))
        else:
            step = lambda value: keep(normalise(sources.cell_text(value)))  # noqa: E731
    return _Memo(step).__getitem__ if text_cells else step


_MEMO_CLASSES: dict[type, type] = {}


def _memo_field_class(cls: type) -> type:
    """A subclass of a Frictionless field class whose cell reader remembers valid cells it has read.

    Frictionless' reader (type cast plus every constraint) runs once per distinct value; a value
    that failed is never remembered, so every bad cell still gets its own error. Frictionless
    changes the notes it gets back, which is why only results without notes are shared.
    """
    if cls not in _MEMO_CLASSES:
        class MemoField(cls):
            @classmethod
            def metadata_select_class(klass, type=None):  # keep this class when copied
                return klass

            def create_cell_reader(self):
                read = super().create_cell_reader()

                class Seen(dict):
                    def __missing__(self, cell):
                        result = read(cell)
                        if result[1] is None and len(self) < _Memo.LIMIT:
                            self[cell] = result
                        return result

                return Seen().__getitem__

        MemoField.__name__ = MemoField.__qualname__ = "Memo" + cls.__name__
        _MEMO_CLASSES[cls] = MemoField
    return _MEMO_CLASSES[cls]


@lru_cache(maxsize=None)
def _form_schema(form_id: str) -> frictionless.Schema:
    # Building a Schema runs Frictionless' metadata validation; a web-form post should not pay for it.
    # The cached object is only read.
    return schemas.load_schema(form_id)


@lru_cache(maxsize=None)
def _cached_validation_schema(form_id: str) -> frictionless.Schema:
    return _validation_schema(_form_schema(form_id), schemas.free_text_fields(form_id))


def _validation_schema(schema: frictionless.Schema, free_text: list[str]) -> frictionless.Schema:
    """A copy of the schema whose fields (except free text, where values rarely repeat) read through a memo."""
    copy = frictionless.Schema.from_descriptor(schema.to_descriptor())
    copy.fields = [
        f if f.name in free_text else _memo_field_class(type(f)).from_descriptor(f.to_descriptor())
        for f in copy.fields
    ]
    return copy


def _blank(_value: Any) -> str:
    return ""


def _as_text(value: Any) -> str:
    """The normalised text of a value given to Frictionless (ints and dates back to text)."""
    return value if isinstance(value, str) else str(value)


# Validation --------------------------------------------------------------------------------------

def _validate(table: sources.SourceTable, form_id: str, schema: frictionless.Schema, register: dict, *,
              keep_rows: bool, progress: bool, today: dt.date | None, strict_header: bool) -> TableResult:
    positions, header_problems = match_header(table.labels, schema)
    if not strict_header:
        header_problems = []
    elif any(p.code == "missing-label" for p in header_problems):
        other = schemas.guess_form(table.labels)
        if other and other != form_id:
            # A table of another form would drown in one message per column and row: say it once.
            problem = Problem(1, None, "wrong-form", messages.wrong_form_message(
                form_id, other, schemas.form_title(other)))
            return TableResult(path=table.name, form=form_id, rows=0, problems=[problem], valid_rows=[])
        if not positions:
            # No header at all (row 1 holds answers) or a foreign one: one message instead of one
            # per column, and the cells of row 1 are never repeated.
            problem = Problem(1, None, "no-header", messages.no_header_message(form_id, schema.field_names))
            return TableResult(path=table.name, form=form_id, rows=0, problems=[problem], valid_rows=[])
    names = schema.field_names
    columns = {name: get_column_letter(index + 1) for name, index in positions.items()}
    missing = {p.field for p in header_problems if p.code == "missing-label"}
    width = len(table.labels)
    # A column without a heading is no field; a value typed there would be silently dropped.
    unlabelled = [i for i, label in enumerate(table.labels) if not str(label or "").strip()]
    text_cells = table.kind != "xlsx"
    converters = [_converter(f, text_cells) for f in schema.fields]
    indexes = [positions.get(name) for name in names]
    extra_problems: list[Problem] = []
    kept: list[tuple[int, list[Any]]] = []
    counts = {"rows": 0}
    bar = _progress_bar(table) if progress else None
    empty = [""] * len(names)
    # A missing column reads as empty: any cell, converted to "".
    converters = [_blank if index is None else convert for convert, index in zip(converters, indexes)]
    picks = [0 if index is None else index for index in indexes]

    def data() -> Iterator[list[Any]]:
        yield names
        row_number = 1
        for raw in table.rows():
            row_number += 1
            if bar is not None and row_number % 2000 == 0:
                bar.update(table.done() - bar.pos)
            if not _filled(raw, text_cells):
                yield empty  # Frictionless marks it blank; the row numbers stay right.
                continue
            counts["rows"] += 1
            size = len(raw)
            if size > width:
                if any(sources.cell_text(cell) for cell in raw[width:]):
                    extra_problems.append(Problem(row_number, None, "extra-cell",
                                                  messages.extra_cells_message(get_column_letter(width + 1))))
                raw = raw[:width]
            elif size < width:
                raw = list(raw) + [""] * (width - size)
            for index in unlabelled:
                if sources.cell_text(raw[index]):
                    extra_problems.append(Problem(row_number, None, "extra-cell", messages.unlabelled_cell_message(
                        get_column_letter(index + 1))))
            values = [convert(raw[index]) for convert, index in zip(converters, picks)]
            if keep_rows:
                kept.append((row_number, values))
            yield values

    resource = frictionless.Resource(data=data, schema=_cached_validation_schema(form_id), name="tabell")
    checklist = frictionless.Checklist(checks=checks_module.build_checks(
        schemas.load_form(form_id), frozenset(register), today=today))
    try:
        report = resource.validate(checklist, limit_errors=0)
    finally:
        if bar is not None:
            bar.update(max(0, (table.total or 0) - bar.pos))
            bar.render_finish()
    task_errors = report.tasks[0].errors if report.tasks else report.errors
    row_problems = _to_problems(task_errors, schema, missing)
    problems = _ordered(header_problems + row_problems + extra_problems, names)
    valid_rows: list[dict[str, str]] = []
    if keep_rows and not any(p.code in HEADER_CODES for p in problems):
        bad_rows = {p.row for p in problems}
        valid_rows = [dict(zip(names, map(_as_text, values))) for number, values in kept if number not in bad_rows]
    return TableResult(path=table.name, form=form_id, rows=counts["rows"], problems=problems,
                       valid_rows=valid_rows, columns=columns)


def _filled(raw: list[Any], text_cells: bool) -> bool:
    """True when the row has any non-blank cell."""
    if text_cells:
        return any(raw) and bool("".join(raw).strip())
    return any(sources.cell_text(cell) for cell in raw)


def _to_problems(task_errors, schema: frictionless.Schema, missing: set) -> list[Problem]:
    problems = []
    for error in task_errors:
        code = error.type
        row = getattr(error, "row_number", None)
        name = getattr(error, "field_name", None)
        if code == "blank-row" or name in missing:
            continue
        if code == "primary-key" and 'all "None"' in (error.note or ""):
            continue  # A blank row, or empty key cells, which are reported as missing values.
        f = schema.get_field(name) if name and schema.has_field(name) else None
        if code == "type-error" and f:
            message = messages.type_message(f)
        elif code == "constraint-error" and f:
            if schemas.list_spec(f) and '"pattern"' in (error.note or ""):
                continue  # The list check names the wrong value's position instead.
            message = messages.constraint_message(f, error.note)
        elif code in ("primary-key", "unique-error"):
            message = messages.duplicate_key_message(schema, error.note)
        elif isinstance(error, frictionless.errors.CellError) and error.template == "{note}":
            message = error.note  # Our own checks: the note is the Swedish message.
        elif code in ("source-error", "scheme-error", "format-error", "encoding-error"):
            raise sources.SourceError(f"Tabellen går inte att läsa: {error.note}")
        else:
            message = f"Fel i tabellen ({error.title}). Kontrollera raden och kolumnen."
        problems.append(Problem(row, name, code, message))
    return problems


def _ordered(problems: list[Problem], names: list[str]) -> list[Problem]:
    """One problem per cell (the first found), ordered by row and then by the form's field order."""
    order = {name: index for index, name in enumerate(names)}
    seen: set = set()
    unique = []
    for problem in problems:
        key = (problem.row, problem.field, problem.code if problem.field is None else "")
        if problem.field is not None and key in seen:
            continue
        seen.add(key)
        unique.append(problem)
    return sorted(unique, key=lambda p: (p.row or 0, -1 if p.field is None else order.get(p.field, len(order))))


def _progress_bar(table: sources.SourceTable):
    large = table.total and (table.total >= (PROGRESS_MIN_BYTES if table.kind == "csv" else PROGRESS_MIN_ROWS))
    if not large:
        return None
    bar = click.progressbar(length=table.total, label=f"Kontrollerar {Path(table.name).name}", file=sys.stderr)
    bar.render_progress()
    return bar

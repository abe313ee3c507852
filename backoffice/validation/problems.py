"""What validation finds: Problems with Swedish messages, at rows as a spreadsheet shows them (header = 1).

Frictionless' own errors become Problems here, with the messages of backoffice.validation.messages;
the checks of backoffice.validation.checks carry their Swedish message as the error's note.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import frictionless

from backoffice.forms import schema as schemas
from backoffice.forms.schema import Form
from backoffice.validation import messages
from backoffice.validation.sources import SourceError

# Problems that concern the whole header and make every row unreliable.
HEADER_CODES = {"missing-label", "duplicate-label", "no-header", "wrong-header"}
# Problems after which the rest of the table was not checked: no row of it can be trusted.
PARTIAL_CODES = {"too-many-problems"}
# Problems that make a table unusable as given (exit status 2 in the CLI), not merely invalid.
UNUSABLE_CODES = {"source-error", "wrong-form", "no-header"}
# Frictionless errors saying the data could not be read at all.
_READ_ERRORS = ("source-error", "scheme-error", "format-error", "encoding-error")


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


def _message(error, f: frictionless.Field | None, form: Form) -> str | None:
    """The Swedish message of one Frictionless error, or None for one reported another way."""
    code = error.type
    if code == "type-error" and f:
        return messages.type_message(f)
    if code == "constraint-error" and f:
        if schemas.list_spec(f) and '"pattern"' in (error.note or ""):
            return None  # The list check names the wrong value's position instead.
        return messages.constraint_message(f, error.note)
    if code in ("primary-key", "unique-error"):
        return messages.duplicate_key_message(form.schema, error.note)
    if isinstance(error, frictionless.errors.CellError) and error.template == "{note}":
        return error.note  # Our own checks: the note is the Swedish message.
    if code in _READ_ERRORS:
        raise SourceError("Tabellen går inte att läsa. Spara den på nytt som CSV eller .xlsx och försök igen.")
    return f"Fel i tabellen ({error.title}). Kontrollera raden och kolumnen."


def from_frictionless(errors, form: Form, missing: set[str]) -> list[Problem]:
    """Problems for Frictionless' errors, leaving out blank rows and cells of missing columns."""
    problems = []
    for error in errors:
        row = getattr(error, "row_number", None)
        name = getattr(error, "field_name", None)
        if error.type == "blank-row" or name in missing:
            continue
        if error.type == "primary-key" and 'all "None"' in (error.note or ""):
            continue  # A blank row, or empty key cells, which are reported as missing values.
        message = _message(error, form.field(name) if name else None, form)
        if message is not None:
            problems.append(Problem(row, name, error.type, message))
    return problems


def ordered(problems: list[Problem], names: tuple[str, ...]) -> list[Problem]:
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

"""A table's header row matched to a form: which column holds which field, and what is wrong with it.

A column may be headed by the field's name or by its title (the question as the web form asks
it), in any case and spacing. A header that belongs to another form, or is no header at all, is
said once instead of once per column and row.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from backoffice.forms import schema as schemas
from backoffice.forms.schema import Form, load_form
from backoffice.validation import messages
from backoffice.validation.problems import Problem


@dataclass
class HeaderMatch:
    """Where each field's column is (index from 0) and the header's problems."""

    positions: dict[str, int]
    problems: list[Problem]

    absent: frozenset[str] = frozenset()

    @property
    def missing(self) -> set[str]:
        """The fields without a column: their cells are not reported one by one."""
        return set(self.absent)

    @property
    def columns(self) -> dict[str, str]:
        """Field name → the column letter it has in the source (A, B, …)."""
        return {name: get_column_letter(index + 1) for name, index in self.positions.items()}


def _lookup(form: Form) -> dict[str, str]:
    """Header label keys → field names: titles first, so a field's own name wins over another's title."""
    lookup: dict[str, str] = {}
    for f in form.fields:
        if f.title:
            lookup.setdefault(schemas.label_key(f.title), f.name)
    for f in form.fields:
        lookup[schemas.label_key(f.name)] = f.name
    return lookup


def match_header(labels: list[str], form: Form) -> HeaderMatch:
    """Map field names to column indexes; problems for unknown, missing and repeated columns."""
    lookup = _lookup(form)
    found: dict[str, list[int]] = {}
    problems: list[Problem] = []
    for index, label in enumerate(labels):
        name = lookup.get(schemas.label_key(label))
        if name:
            found.setdefault(name, []).append(index)
        elif str(label or "").strip():
            problems.append(Problem(1, None, "extra-label", messages.unknown_column_message(
                str(label), get_column_letter(index + 1), list(form.field_names))))
    for f in form.fields:
        if f.name not in found:
            problems.append(Problem(1, f.name, "missing-label", messages.missing_column_message(f)))
        elif len(found[f.name]) > 1:
            letters = [get_column_letter(i + 1) for i in found[f.name]]
            problems.append(Problem(1, f.name, "duplicate-label", messages.duplicate_column_message(f.name, letters)))
    absent = frozenset(f.name for f in form.fields if f.name not in found)
    return HeaderMatch({name: indexes[0] for name, indexes in found.items()}, _said_once(problems, labels, form), absent)


def _said_once(problems: list[Problem], labels: list[str], form: Form) -> list[Problem]:
    """Several unknown or missing columns as one problem (a Swedish-headed copy would otherwise get
    one message per column, each repeating the whole header); a single one keeps its own message."""
    wrong = [p for p in problems if p.code in ("extra-label", "missing-label")]
    if len(wrong) < 2:
        return problems
    lookup = _lookup(form)
    unknown = [(get_column_letter(i + 1), str(label)) for i, label in enumerate(labels)
               if str(label or "").strip() and not lookup.get(schemas.label_key(label))]
    missing = [form.field(p.field) for p in wrong if p.code == "missing-label"]
    summary = Problem(1, None, "wrong-header", messages.header_mismatch_message(unknown, missing, list(form.field_names)))
    return [summary] + [p for p in problems if p not in wrong]


def unusable_header(labels: list[str], form: Form, match: HeaderMatch) -> Problem | None:
    """The one problem of a header of another form, or of no header at all (row 1 holds answers)."""
    if not match.missing:
        return None
    other = schemas.guess_form(labels)
    if other and other != form.id:
        # A table of another form would drown in one message per column and row: say it once.
        return Problem(1, None, "wrong-form", messages.wrong_form_message(form.id, other, load_form(other).title))
    if not match.positions:
        # One message instead of one per column, and the cells of row 1 are never repeated.
        return Problem(1, None, "no-header", messages.no_header_message(form.id, list(form.field_names)))
    return None

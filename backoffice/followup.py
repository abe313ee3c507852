"""The follow-up year, read live from the store: which schools have answered a form, and when.

The coordinator's overview, the e-mail reminders and the links for "only those who have not
answered" all ask this one module, so they always agree on who counts as having answered: a
school whose latest version of an answer falls in the school year and is not withdrawn.
`answered(store, form, lasar)` asks a store's index when it has one (backoffice.store.files);
the functions over plain rows serve table files and the Google Sheet store.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from backoffice.forms.schema import SCHOOL, Form
# The system column that marks a version as withdrawn by the coordinator (a later version can
# restore the answer); an empty value is an ordinary answer. Its home is the versions rule.
from backoffice.store.versions import STATUS, WITHDRAWN, counted_versions, is_withdrawn  # noqa: F401


@dataclass
class SchoolAnswers:
    """One school's counted rows of a form in a school year."""

    skolenhetskod: str
    rows: int = 0
    latest_received: str = ""
    latest_receipt: str = ""


def counted_rows(form: Form, rows: Iterable[Mapping[str, str]], lasar: str) -> list[Mapping[str, str]]:
    """The rows of a school year that count: the latest version of each answer, withdrawn ones left out.

    The latest version decides the school year: a report whose date a correction moved to another
    school year counts there only.
    """
    return [row for row in counted_versions(rows, form.key) if form.year_of(row) == lasar]


def answers_by_school(form: Form, rows: Iterable[Mapping[str, str]], lasar: str) -> dict[str, SchoolAnswers]:
    """Per school code: how many counted rows of the school year it has, and its latest receipt."""
    out: dict[str, SchoolAnswers] = {}
    for row in counted_rows(form, rows, lasar):
        code = str(row.get(SCHOOL) or "").strip()
        if not code:
            continue  # a row from an organisation outside school
        entry = out.setdefault(code, SchoolAnswers(code))
        entry.rows += 1
        received = str(row.get("mottagen") or "")
        if received >= entry.latest_received:
            entry.latest_received, entry.latest_receipt = received, str(row.get("kvitto") or "")
    return out


def answered(store, form: Form, lasar: str) -> dict[str, SchoolAnswers]:
    """`answers_by_school` for what a store holds: from its index when it has one, else from its rows."""
    if hasattr(store, "answered"):
        return store.answered(form.id, lasar)
    return answers_by_school(form, store.read_rows(form.id), lasar)


def missing(register: Mapping[str, object], answered: Mapping[str, SchoolAnswers]) -> list[str]:
    """The register's school codes without a counted answer, in the register's order."""
    return [code for code in register if code not in answered]

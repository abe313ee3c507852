"""The follow-up year, read live from the store: which schools have answered a form, and when.

The coordinator's overview, the e-mail reminders and the links for "only those who have not
answered" all ask this one module, so they always agree on who counts as having answered: a
school whose latest version of an answer for the school year is not withdrawn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from backoffice.forms.schema import SCHOOL, Form
from backoffice.store.versions import latest_versions

# The system column that marks a version as withdrawn by the coordinator (a later version can
# restore the answer); an empty value is an ordinary answer.
STATUS = "status"
WITHDRAWN = "återkallad"


@dataclass
class SchoolAnswers:
    """One school's counted rows of a form in a school year."""

    skolenhetskod: str
    rows: int = 0
    latest_received: str = ""
    latest_receipt: str = ""


def is_withdrawn(row: Mapping[str, str]) -> bool:
    return str(row.get(STATUS) or "").strip() == WITHDRAWN


def counted_rows(form: Form, rows: Iterable[Mapping[str, str]], lasar: str) -> list[Mapping[str, str]]:
    """The rows of a school year that count: the latest version per key, withdrawn ones left out."""
    in_year = [row for row in rows if form.year_of(row) == lasar]
    return [row for row in latest_versions(in_year, form.key) if not is_withdrawn(row)]


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


def missing(register: Mapping[str, object], answered: Mapping[str, SchoolAnswers]) -> list[str]:
    """The register's school codes without a counted answer, in the register's order."""
    return [code for code in register if code not in answered]

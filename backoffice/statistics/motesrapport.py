"""The meeting reports' statistics: meetings counted, and the share with each good sign, per unit.

Every report of the school year counts (in the year of its date): a school's under its school and
group, a report from outside school under its organisation; both in the total.
"""
from __future__ import annotations

from typing import Iterable

from backoffice.forms.schema import ORGANISATION, SCHOOL, Form
from backoffice.statistics.figures import ADMINISTRATION, MeetingStats, SchoolStats
from backoffice.statistics.values import Row, answer, swedish_key, text

FORM = "motesrapport"
# Each meeting figure: (figure, field, the answer counted).
FLAGS = (
    ("barnet_i_motet", "barnet_deltog", "i mötet"),
    ("barnet_annat", "barnet_deltog", "på annat sätt"),
    ("alla_deltog", "alla_kallade_deltog", "ja"),
    ("inom_tre_veckor", "inom_tre_veckor", "ja"),
    ("uppfoljning_bokad", "uppfoljning_bokad", "ja"),
)
# Each figure's name in the workbook and on the statistics page. A name that states one region's
# rule says whose: three weeks from the initiative is Gävleborg's routine, not everyone's.
LABELS = {
    "barnet_i_motet": "Barnet deltog i mötet",
    "barnet_annat": "Barnet delaktigt på annat sätt",
    "alla_deltog": "Alla kallade deltog",
    "inom_tre_veckor": "Mötet inom tre veckor (Gävleborgs rutin)",
    "uppfoljning_bokad": "Uppföljning bokad",
}
FIELDS = {figure: name for figure, name, _ in FLAGS}


def asked_figures(questions) -> tuple[str, ...]:
    """The meeting figures whose question the edition asks (`questions`: the form's field names)."""
    return tuple(figure for figure, name, _ in FLAGS if name in questions)


def trend_fields(form: Form) -> None:
    """The trend reads no meeting reports: other school years are not read at all."""
    return None


def _add(stats: MeetingStats, row: Row) -> None:
    """Count one meeting report."""
    stats.moten += 1
    for attribute, name, wanted in FLAGS:
        if (answer(row.get(name)) or "") == wanted:
            setattr(stats, attribute, getattr(stats, attribute) + 1)


def count(rows: Iterable[Row], schools: list[SchoolStats]):
    """(all, per group of schools, per school with reports, per organisation outside school)."""
    total = MeetingStats(ADMINISTRATION)
    by_code: dict[str, MeetingStats] = {}
    by_org: dict[str, MeetingStats] = {}
    for row in rows:
        _add(total, row)
        code = text(row, SCHOOL)
        if code:
            _add(by_code.setdefault(code, MeetingStats("", skolenhetskod=code)), row)
        else:
            name = text(row, ORGANISATION)
            _add(by_org.setdefault(name, MeetingStats(name)), row)
    groups: dict[str, MeetingStats] = {}
    per_school = []
    for school in schools:  # already in Swedish name order
        groups.setdefault(school.omrade, MeetingStats(school.omrade))
        counted = by_code.get(school.skolenhetskod)
        if counted is not None:
            counted.namn = school.skolnamn
            groups[school.omrade].merge(counted)
            per_school.append(counted)
    return (total, sorted(groups.values(), key=lambda g: swedish_key(g.namn)), per_school,
            sorted(by_org.values(), key=lambda g: swedish_key(g.namn)))

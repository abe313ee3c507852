"""The overview's figures for one form and school year, live from the store: who has answered, and when.

Plain functions over the store's rows and the register (backoffice.followup decides what counts),
so the page, its tests and a later export all see the same thing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from backoffice import followup, schoolyear
from backoffice.forms.schema import Form
from backoffice.statistics.aggregates import suppress


@dataclass(frozen=True)
class SchoolLine:
    code: str
    name: str
    area: str
    rows: int
    latest_received: str
    latest_receipt: str

    @property
    def answered(self) -> bool:
        return self.rows > 0


@dataclass
class FormOverview:
    form: Form
    lasar: str
    lines: list[SchoolLine] = field(default_factory=list)
    schools: int = 0
    answered: int = 0
    rows: int = 0
    latest_received: str = ""
    # Anonymous forms: only how many answered, suppressed like everything published (`..` for 1–4).
    anonymous_count: int | str | None = None

    @property
    def missing(self) -> list[SchoolLine]:
        return [line for line in self.lines if not line.answered]


YEARS_SHOWN = 6


def school_years(today: dt.date | None = None, count: int = YEARS_SHOWN) -> list[str]:
    """The school years to choose among, newest first: the current one and those before it."""
    start = schoolyear.start_year(schoolyear.current(today))
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(start, start - count, -1)]


def form_overview(form: Form, store, register: Mapping, lasar: str, *,
                  areas: Mapping[str, str] | None = None, search: str = "", area: str = "") -> FormOverview:
    """Per school of the register (filtered by area and name): its counted answers of the year."""
    overview = FormOverview(form, lasar)
    if form.anonymous:
        # Organisations' answers count too; the survey is small enough to read whole.
        overview.anonymous_count = suppress(len(followup.counted_rows(form, store.read_rows(form.id), lasar)))
        return overview
    answers = followup.answered(store, form, lasar)
    wanted = search.strip().casefold()
    for code, school in register.items():
        school_area = (areas or {}).get(code, "")
        if (wanted and wanted not in school.skolnamn.casefold() and wanted != code) or (area and school_area != area):
            continue
        answer = answers.get(code)
        overview.lines.append(SchoolLine(code, school.skolnamn, school_area, answer.rows if answer else 0,
                                         answer.latest_received if answer else "",
                                         answer.latest_receipt if answer else ""))
    overview.lines.sort(key=lambda line: (line.answered, line.name.casefold()))
    overview.schools = len(overview.lines)
    overview.answered = sum(line.answered for line in overview.lines)
    overview.rows = sum(line.rows for line in overview.lines)
    overview.latest_received = max((line.latest_received for line in overview.lines), default="")
    return overview

"""The survey's statistics: answers per statement, in all and per kind of respondent.

The statements are the schema's 1–5 fields, the kinds of respondent the choices of its audience
field; averages from too few answers are left to the exporters to hide.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from backoffice.forms.schema import Form
from backoffice.statistics.figures import Answers, StatementStats, Survey
from backoffice.statistics.values import Row, as_int, text

FORM = "delaktighet"
SCALE = ["1", "2", "3", "4", "5"]


def statements(form: Form) -> list[tuple[str, str]]:
    """The survey's 1–5 statements (field, title) from its schema."""
    return [(f["name"], f.get("title") or f["name"]) for f in form.descriptor["fields"]
            if f.get("type") == "integer" and sorted(form.enum(f["name"])) == SCALE]


def audiences(form: Form) -> tuple[str, ...]:
    """The kinds of respondent: the choices of the field that says who answers."""
    return tuple(form.enum(form.audience)) if form.audience else ()


def trend_fields(form: Form) -> None:
    """The trend reads no survey answers: other school years are not read at all."""
    return None


def count(rows: Iterable[Row], form: Form) -> Survey:
    """The school year's answers per statement and kind of respondent."""
    kinds = audiences(form)
    respondents: Counter[str] = Counter()
    result = [StatementStats(name, title, Answers(), {a: Answers() for a in kinds})
              for name, title in statements(form)]
    total = 0
    for row in rows:
        total += 1
        who = text(row, form.audience).lower() if form.audience else ""
        respondents[who] += 1
        for item in result:
            value = as_int(row.get(item.field))
            if value is None or not 1 <= value <= 5:
                continue
            item.alla.add(value)
            item.per_svarande.setdefault(who, Answers()).add(value)
    return Survey(svar=total, per_svarande={a: respondents.get(a, 0) for a in kinds}, pastaenden=result)

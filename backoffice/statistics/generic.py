"""The generic statistic: what any form without a statistic of its own gets, read from its schema alone.

Per register school, per organisation outside school (when the form has an organisation field),
per group of schools and for the whole administration: the number of rows, for each field with
fixed choices the rows per choice (and without an answer, when the field may be left empty), and
for each whole-number field its sum. A new `forms/<id>.schema.yaml` is counted without any code.
"""
from __future__ import annotations

from typing import Iterable

from backoffice.forms.schema import ORGANISATION, SCHOOL, Form
from backoffice.statistics.figures import ADMINISTRATION, ROWS, FormCounts, Measure, SchoolStats, Tally
from backoffice.statistics.values import Row, as_int, swedish_key, text


def measures(form: Form) -> list[Measure]:
    """The figures counted for a form: rows, rows per choice of each choice field, sums of whole numbers.

    The fields a link fills in (school, organisation, school year) are what rows are counted by,
    and whole numbers in the key (a document's number) identify rows rather than measure anything.
    """
    out = [ROWS]
    for spec in form.descriptor["fields"]:
        name = spec["name"]
        if name in form.bound_fields:
            continue
        title = spec.get("title") or name
        kind = spec.get("type", "string")
        if kind == "string" and form.enum(name):
            out += [Measure(f"{name}={value}", f"{title}: {value}", name, value) for value in form.enum(name)]
            if not (spec.get("constraints") or {}).get("required"):
                out.append(Measure(f"{name}=", f"{title}: inget svar", name, ""))
        elif kind == "integer" and name not in form.key:
            out.append(Measure(f"{name}+", f"{title}: summa", name))
    return out


class _Counter:
    """Adds one row to a unit's figures, with the lookups worked out once per form."""

    def __init__(self, measures: list[Measure]):
        self.keys = [m.key for m in measures]
        self.choices: dict[str, dict[str, str]] = {}
        self.blank: dict[str, str] = {}
        self.sums = [(m.field, m.key) for m in measures if m.is_sum]
        for m in measures:
            if m.value:
                self.choices.setdefault(m.field, {})[m.value.casefold()] = m.key
            elif m.value == "":
                self.blank[m.field] = m.key

    def zero(self) -> dict[str, int]:
        return dict.fromkeys(self.keys, 0)

    def add(self, values: dict[str, int], row: Row) -> None:
        values[ROWS.key] += 1
        for name, choices in self.choices.items():
            given = text(row, name)
            key = choices.get(given.casefold()) if given else self.blank.get(name)
            if key is not None:
                values[key] += 1
        for name, key in self.sums:
            values[key] += as_int(row.get(name)) or 0


def _merge(into: dict[str, int], values: dict[str, int]) -> None:
    for key, value in values.items():
        into[key] += value


def count(form: Form, rows: Iterable[Row], schools: list[SchoolStats]) -> FormCounts:
    """A form's rows of the school year counted per school, organisation, group and in all.

    `rows` are those the compiler counts: the latest version per key, of register schools or of
    organisations outside school. Every register school is listed, so are the schema's organisations.
    """
    figures = measures(form)
    counter = _Counter(figures)
    total = Tally(ADMINISTRATION, counter.zero())
    by_code = {s.skolenhetskod: Tally(s.skolnamn, counter.zero(), s.skolenhetskod, s.omrade) for s in schools}
    by_org = ({name: Tally(name, counter.zero()) for name in form.organisations}
              if form.has(ORGANISATION) else {})
    for row in rows:
        counter.add(total.values, row)
        code = text(row, SCHOOL)
        if code in by_code:
            counter.add(by_code[code].values, row)
        elif not code and text(row, ORGANISATION) and form.has(ORGANISATION):
            name = text(row, ORGANISATION)
            counter.add(by_org.setdefault(name, Tally(name, counter.zero())).values, row)
    groups: dict[str, Tally] = {}
    for school in by_code.values():
        group = groups.setdefault(school.omrade, Tally(school.omrade, counter.zero()))
        _merge(group.values, school.values)
    return FormCounts(form=form.id, title=form.title, measures=figures, total=total,
                      groups=sorted(groups.values(), key=lambda g: swedish_key(g.namn)),
                      schools=list(by_code.values()), organisations=list(by_org.values()))

"""The documentation audit's statistics: audited documents and the requirements they meet.

The requirements are the schema's ja/nej fields outside the key; the rows given are the latest
version of each audited document (the compiler sees to that).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from backoffice.forms.schema import NO, SCHOOL, YES, Form
from backoffice.statistics.figures import Audit, Count, Requirement, RequirementStats, SchoolStats
from backoffice.statistics.values import Row, answer, swedish_key, text

FORM = "stickprov"


def requirements(form: Form) -> tuple[Requirement, ...]:
    """The documentation requirements: every ja/nej field of the schema that is not part of the key."""
    return tuple(
        Requirement(name, form.field(name).title or name)
        for name in form.field_names
        if name not in form.key and sorted(v.lower() for v in form.enum(name)) == [YES, NO]
    )


def trend_fields(form: Form) -> tuple[str, ...]:
    """The trend counts other years' documents and the requirements they meet."""
    return tuple(r.field for r in requirements(form))


def count(rows: list[Row], requirements: tuple[Requirement, ...]) -> Audit:
    """The audit of the school year: documents, requirements checked and met, per requirement and case type."""
    met: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    fully = 0
    case_types: Counter[str] = Counter()
    for row in rows:
        case_types[text(row, "arendetyp")] += 1
        all_met = True
        for req in requirements:
            result = answer(row.get(req.field))
            if result is None:
                all_met = False
                continue
            checked[req.field] += 1
            met[req.field] += result == YES
            all_met = all_met and result == YES
        fully += all_met
    return Audit(
        dokument=len(rows),
        kontroller=sum(checked.values()),
        uppfyllda=sum(met.values()),
        helt_uppfyllda=fully,
        per_krav=[RequirementStats(r.field, r.title, checked[r.field], met[r.field]) for r in requirements],
        per_arendetyp=[Count(k, v) for k, v in sorted(case_types.items(), key=lambda kv: swedish_key(kv[0]))],
    )


def add_to_schools(schools: Mapping[str, SchoolStats], rows: Iterable[Row],
                   requirements: tuple[Requirement, ...]) -> None:
    """Each school's audited documents, requirements checked and requirements met."""
    for row in rows:
        school = schools.get(text(row, SCHOOL))
        if school is None:
            continue
        school.stickprov_dokument += 1
        for req in requirements:
            result = answer(row.get(req.field))
            if result is not None:
                school.stickprov_kontroller += 1
                school.stickprov_uppfyllda += result == YES


def trend_figures(years: Mapping[str, list[Row]], requirements: tuple[Requirement, ...]) -> dict[str, dict[str, int]]:
    """Per school year: documents audited, requirements checked and met."""
    out = {}
    for year, rows in years.items():
        audit = count(rows, requirements)
        out[year] = {"stickprov_dokument": audit.dokument, "stickprov_kontroller": audit.kontroller,
                     "stickprov_uppfyllda": audit.uppfyllda}
    return out

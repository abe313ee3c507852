"""Compile one school year's statistics: rows per form and the register in, `Statistics` out.

Pure: the rows are the store's (every value a string), the forms are read from their schemas, and
nothing is written. The orchestration is the same for every form (latest version per key, rows of
register schools or of organisations outside school, the school year from `Form.year_of`); what is
counted is each form's own module, or the generic statistic for any form without one.
"""
from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from backoffice import schoolyear
from backoffice.forms.schema import ORGANISATION, SCHOOL, Form, UnknownFormError, all_forms
from backoffice.statistics import arsuppfoljning, avvikelse, delaktighet, generic, motesrapport, stickprov
from backoffice.statistics.figures import ADMINISTRATION, GroupStats, SchoolStats, Statistics
from backoffice.statistics.trend import trend
from backoffice.statistics.values import Row, by_year, swedish_key, text
from backoffice.store.versions import ANSWER, RECEIPT, RECEIVED, STATUS, VERSION, counted_versions

# The forms whose statistics are their own; every other form gets the generic statistic.
SPECIFIC = {module.FORM: module for module in (arsuppfoljning, avvikelse, stickprov, motesrapport, delaktighet)}


def _year_of(form: Form, lasar: str):
    """How a form's rows are given a school year; a form without one counts every row in every year.

    A row's year follows from its year field alone, and a national store repeats the same few
    thousand dates and school years: each is worked out by `form.year_of` once, not once per row.
    """
    if form.year is None:
        return lambda row: lasar
    field, known = form.year.field, {}

    def year_of(row: Row) -> str | None:
        value = row.get(field)
        if value not in known:
            known[value] = form.year_of(row)
        return known[value]

    return year_of


def rows_needed(form: Form, lasar: str, rows: Iterable[Row]) -> list[Row]:
    """The rows compiling `lasar` reads: that year's whole, other years' cut to what the trend counts.

    A form whose statistic reads no other years (meetings, the survey, the generic statistic) keeps
    only the compiled year, so a store with many school years need not be held in memory whole.
    """
    module = SPECIFIC.get(form.id)
    extra = module.trend_fields(form) if module is not None else None
    keep = None
    if extra is not None:
        # What tells answers apart and which version counts (a withdrawal, a correction of a
        # report), then what the trend itself reads.
        identity = (SCHOOL, *form.key, form.year.field, VERSION, RECEIVED, RECEIPT, ANSWER, STATUS)
        keep = tuple(dict.fromkeys(identity + tuple(extra)))
    year_of = _year_of(form, lasar)
    out = []
    for row in rows:
        if year_of(row) == lasar:
            out.append(row)
        elif keep is not None:
            # Interned: the same few answers ("ja", "2019/20") are then held once, not once per row.
            out.append({name: sys.intern(row[name]) for name in keep if name in row})
    return out


def _counted(form: Form, lasar: str, register: Mapping[str, Any], rows: Iterable[Row],
             outside: Counter[str]) -> dict[str, list[Row]]:
    """A form's rows that count, per school year: the latest version of each answer unless withdrawn
    (backoffice.store.versions), of a register school,
    or of an organisation outside school when the form has that field. Rows of the compiled year
    for schools outside the register are counted in `outside`; other years are the trend's business.
    """
    year_of = _year_of(form, lasar)
    by_school, by_organisation = form.has(SCHOOL), form.has(ORGANISATION)
    kept = []
    for row in counted_versions(rows, form.key):
        code = text(row, SCHOOL)
        if code in register or not by_school or (not code and by_organisation and text(row, ORGANISATION)):
            kept.append(row)
        elif year_of(row) == lasar:
            outside[form.id] += 1
    return by_year(kept, year_of)


def _counted_years(forms: Mapping[str, Form], lasar: str, register: Mapping[str, Any],
                   rows: Mapping[str, Iterable[Row]]) -> tuple[dict[str, dict[str, list[Row]]], Counter[str]]:
    """Per form, its counted rows per school year; and per form the rows left out for their school."""
    # Rows of a form that has no schema (or that the edition does not use): a Swedish error.
    unknown = sorted(set(rows) - set(forms))
    if unknown:
        raise UnknownFormError(unknown[0], sorted(forms))
    outside: Counter[str] = Counter()
    years = {form_id: _counted(form, lasar, register, rows.get(form_id, ()), outside)
             for form_id, form in forms.items()}
    return years, outside


def _schools(register: Mapping[str, Any], areas: Mapping[str, str] | None) -> list[SchoolStats]:
    """Every register school, without figures yet, in Swedish name order."""
    schools = []
    for code, school in register.items():
        pupils_parts = [p for p in (school.elever_f, school.elever_1_9) if p is not None]
        area = areas.get(code) if areas is not None else school.huvudmannatyp
        schools.append(SchoolStats(
            skolenhetskod=code, skolnamn=school.skolnamn, huvudman=school.huvudman,
            huvudmannatyp=school.huvudmannatyp, omrade=area or "Utan område",
            elever=sum(pupils_parts) if pupils_parts else None))
    schools.sort(key=lambda s: (swedish_key(s.skolnamn), s.skolenhetskod))
    return schools


def _groups(schools: list[SchoolStats]) -> tuple[list[GroupStats], list[GroupStats], GroupStats]:
    """The schools' totals per group, per huvudman and for the whole administration."""
    groups: dict[str, GroupStats] = {}
    owners: dict[str, GroupStats] = {}
    total = GroupStats(namn=ADMINISTRATION)
    for school in schools:
        groups.setdefault(school.omrade, GroupStats(namn=school.omrade)).add(school)
        owners.setdefault(school.huvudman, GroupStats(namn=school.huvudman)).add(school)
        total.add(school)
    return (sorted(groups.values(), key=lambda g: swedish_key(g.namn)),
            sorted(owners.values(), key=lambda g: swedish_key(g.namn)), total)


def _add_to_schools(schools: list[SchoolStats], this_year, requirements) -> None:
    """Each school's own answers, deviations and audited documents of the compiled year."""
    by_code = {s.skolenhetskod: s for s in schools}
    arsuppfoljning.add_to_schools(by_code, this_year(arsuppfoljning))
    avvikelse.add_to_schools(by_code, this_year(avvikelse))
    stickprov.add_to_schools(by_code, this_year(stickprov), requirements)


def compile_statistics(
    lasar: str,
    register: Mapping[str, Any],
    rows: Mapping[str, Iterable[Row]] | None = None,
    *,
    areas: Mapping[str, str] | None = None,
    sources: Iterable[str] = (),
    compiled_at: datetime | None = None,
    forms_dir: Path | None = None,
    register_file: str = "skolor.csv",
) -> Statistics:
    """Compile one school year's statistics over the register's schools.

    `rows` maps a form id to its rows, for any form in `forms_dir` (a form left out has none). The
    store keeps every version of an answer: only the latest counts, and not at all when it is a
    withdrawal (backoffice.store.versions). `areas` maps skolenhetskod → område; without it schools are grouped by huvudmannatyp.
    Rows for schools outside the register are left out; those of `lasar` are counted in `outside_register`.
    A form with statistics of its own that the edition does not use is simply not counted.
    """
    lasar = schoolyear.parse(lasar)
    forms = {form.id: form for form in all_forms(forms_dir)}
    years, outside = _counted_years(forms, lasar, register, rows or {})

    def this_year(module) -> list[Row]:
        return years.get(module.FORM, {}).get(lasar, [])

    def all_years(module) -> dict[str, list[Row]]:
        return years.get(module.FORM, {})

    schools = _schools(register, areas)
    audit_form, deviation_form = forms.get(stickprov.FORM), forms.get(avvikelse.FORM)
    requirements = stickprov.requirements(audit_form) if audit_form else ()
    deviation_facts = avvikelse.facts(deviation_form) if deviation_form else avvikelse.DeviationFacts((), ())
    _add_to_schools(schools, this_year, requirements)
    groups, owners, total = _groups(schools)
    meetings, meeting_groups, meeting_schools, meeting_orgs = motesrapport.count(this_year(motesrapport), schools)
    survey_form = forms.get(delaktighet.FORM)
    return Statistics(
        lasar=lasar,
        compiled_at=compiled_at or datetime.now(timezone.utc).replace(microsecond=0),
        sources=list(sources),
        grouping="område" if areas is not None else "huvudmannatyp",
        schools=schools, groups=groups, by_huvudman=owners, total=total,
        deviations=avvikelse.count(this_year(avvikelse), lasar, deviation_facts),
        audit=stickprov.count(this_year(stickprov), requirements),
        trend=trend(len(register), [arsuppfoljning.trend_figures(all_years(arsuppfoljning)),
                                    avvikelse.trend_figures(all_years(avvikelse)),
                                    stickprov.trend_figures(all_years(stickprov), requirements)]),
        outside_register=dict(outside),
        meetings=meetings, meetings_by_group=meeting_groups, meetings_by_school=meeting_schools,
        meetings_by_organisation=meeting_orgs,
        survey=delaktighet.count(this_year(delaktighet), survey_form) if survey_form else None,
        other_forms=[generic.count(form, years[form.id].get(lasar, []), schools)
                     for form in forms.values() if form.id not in SPECIFIC],
        asked={form.id: {f.name: f.title or f.name for f in form.fields} for form in forms.values()},
        register_file=register_file,
    )

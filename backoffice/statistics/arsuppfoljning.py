"""The annual follow-up's statistics: which schools answered the school year, and their SIP figures.

The rows given are the latest version per school and school year of register schools (the
compiler sees to that); a school that has a row for the year has submitted.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from backoffice.forms.schema import SCHOOL, Form
from backoffice.statistics.figures import SchoolStats
from backoffice.statistics.values import Row, answer, as_int, per_hundred, text
from backoffice.store.versions import RECEIVED

FORM = "arsuppfoljning"


def trend_fields(form: Form) -> tuple[str, ...]:
    """What the trend reads of other school years' answers (besides school, key and version)."""
    return ("sip_initierade", "sip_deltagit", "sip_kunnig_utsedd")


def add_to_schools(schools: Mapping[str, SchoolStats], rows: Iterable[Row]) -> None:
    """Mark the schools that answered and fill in their answers."""
    for row in rows:
        school = schools.get(text(row, SCHOOL))
        if school is None:
            continue
        school.inskickad = True
        school.sip_initierade = as_int(row.get("sip_initierade"))
        school.sip_deltagit = as_int(row.get("sip_deltagit"))
        school.sip_per_100 = per_hundred(school.sip_initierade, school.elever)
        school.avvikelse_utredd = answer(row.get("avvikelse_utredd"))
        school.avvikelser_utredda = as_int(row.get("avvikelser_utredda"))
        school.sip_kunnig_utsedd = answer(row.get("sip_kunnig_utsedd"))
        school.behov = str(row.get("behov") or "")
        school.mottagen = str(row.get(RECEIVED) or "")


def trend_figures(years: Mapping[str, list[Row]]) -> dict[str, dict[str, int]]:
    """Per school year: the schools that answered and their SIP totals."""
    return {year: {
        "inskickade": len(rows),
        "sip_initierade": sum(as_int(r.get("sip_initierade")) or 0 for r in rows),
        "sip_deltagit": sum(as_int(r.get("sip_deltagit")) or 0 for r in rows),
        "sip_kunnig_utsedd": sum(answer(r.get("sip_kunnig_utsedd")) == "ja" for r in rows),
    } for year, rows in years.items()}

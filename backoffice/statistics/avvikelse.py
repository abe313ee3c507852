"""The deviations' statistics: counted per category, organisation touched, month and handling.

Every report counts, in the school year of its date. The categories and the organisations come
from the form's schema (the category's choices, the organisations' `sip:list`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from backoffice import schoolyear
from backoffice.forms.schema import SCHOOL, Form, list_spec
from backoffice.statistics.figures import Count, Deviations, SchoolStats
from backoffice.statistics.values import Row, answer, swedish_key, text

FORM = "avvikelse"
CATEGORY = "kategori"
ORGANISATIONS = "berorda_verksamheter"
RESOLVED = ("ja", "nej", "pågår")


@dataclass(frozen=True)
class DeviationFacts:
    """What counting deviations needs from the schema: its categories and organisations."""

    categories: tuple[str, ...]
    organisations: tuple[str, ...]
    separator: str = ","


def facts(form: Form) -> DeviationFacts:
    """The categories (the category's choices) and organisations (their `sip:list`) of the schema."""
    touched = form.field(ORGANISATIONS)
    listing = (list_spec(touched) if touched is not None else None) or {}
    return DeviationFacts(categories=tuple(form.enum(CATEGORY)),
                          organisations=tuple(listing.get("values") or []),
                          separator=listing.get("separator") or ",")


def trend_fields(form: Form) -> tuple[str, ...]:
    """The trend counts other years' deviations: their school and date are enough."""
    return ()


def split_organisations(value: str, facts: DeviationFacts) -> list[str]:
    """The organisations of a multi-valued cell, matched to the schema's spelling."""
    canonical = {o.casefold(): o for o in facts.organisations}
    parts = re.split(r"\s*[" + re.escape(facts.separator) + r";]\s*", value or "")
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if part:
            name = canonical.get(part.casefold(), part)
            if name not in out:
                out.append(name)
    return out


def _listed(counter: Counter[str], known: Iterable[str]) -> list[Count]:
    """Every known value, even at zero, then anything unexpected in the data."""
    known = list(known)
    extra = sorted((k for k in counter if k not in known), key=swedish_key)
    return [Count(name, counter.get(name, 0)) for name in known + extra]


def count(rows: list[Row], lasar: str, facts: DeviationFacts) -> Deviations:
    """The school year's deviations per category, organisation, month and handling."""
    categories: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    months: Counter[str] = Counter()
    matrix: dict[str, Counter[str]] = defaultdict(Counter)
    resolved: Counter[str] = Counter()
    analyses = reported = 0
    for row in rows:
        category = text(row, CATEGORY)
        categories[category] += 1
        months[text(row, "datum")[:7]] += 1
        for org in split_organisations(str(row.get(ORGANISATIONS, "")), facts):
            organisations[org] += 1
            matrix[category][org] += 1
        resolved[answer(row.get("lost_i_chefslinjen")) or ""] += 1
        analyses += answer(row.get("handelseanalys")) == "ja"
        reported += answer(row.get("rapporterad_medcontrol")) == "ja"
    per_category = _listed(categories, facts.categories)
    return Deviations(
        totalt=len(rows),
        per_kategori=per_category,
        per_verksamhet=_listed(organisations, facts.organisations),
        per_manad=_listed(months, schoolyear.months(lasar)),
        kategori_verksamhet={c.namn: dict(matrix.get(c.namn, {})) for c in per_category},
        lost_i_chefslinjen={k: resolved.get(k, 0) for k in RESOLVED},
        handelseanalys=analyses,
        rapporterad_medcontrol=reported,
    )


def add_to_schools(schools: Mapping[str, SchoolStats], rows: Iterable[Row]) -> None:
    """Each school's number of reported deviations."""
    for code, number in Counter(text(r, SCHOOL) for r in rows).items():
        if code in schools:
            schools[code].avvikelser = number


def trend_figures(years: Mapping[str, list[Row]]) -> dict[str, dict[str, int]]:
    """Per school year: the deviations reported."""
    return {year: {"avvikelser": len(rows)} for year, rows in years.items()}

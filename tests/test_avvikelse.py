"""The deviations' statistics: per category, month and organisation, against plain loops."""
from __future__ import annotations

import pytest

from backoffice import schoolyear
from backoffice.forms.schema import load_form
from backoffice.statistics import avvikelse
from backoffice.statistics.compiler import compile_statistics
from stats_support import AVVIKELSE, LASAR, SCHOOL_ROWS, register, school_year


@pytest.fixture(scope="module")
def facts():
    return avvikelse.facts(load_form("avvikelse"))


@pytest.fixture(scope="module")
def stats():
    return compile_statistics(LASAR, register(), SCHOOL_ROWS)


def test_categories_and_organisations_come_from_the_schema(facts):
    assert "Annat" in facts.categories and "BUP" in facts.organisations
    assert facts.categories == tuple(load_form("avvikelse").enum("kategori")) and facts.separator == ","


@pytest.mark.parametrize("datum, lasar", [("2025-08-14", "2025/26"), ("2025-07-01", "2025/26"),
                                          ("2025-06-30", "2024/25"), ("2026-01-01", "2025/26"),
                                          ("1999-12-31", "1999/00")])
def test_a_date_belongs_to_the_school_year_starting_1_july(datum, lasar):
    assert schoolyear.of_date_text(datum) == lasar
    row = dict(AVVIKELSE[0], datum=datum)
    stats = compile_statistics(lasar, register(), {"avvikelse": [row]})
    assert stats.deviations.totalt == 1 and [t.lasar for t in stats.trend] == [lasar]


def test_deviations_by_category_month_and_organisation(stats, facts):
    rows = [r for r in AVVIKELSE if school_year(r["datum"]) == LASAR]
    assert stats.deviations.totalt == len(rows) == 5
    by_category = {c.namn: c.antal for c in stats.deviations.per_kategori}
    for category in facts.categories:
        assert by_category[category] == sum(r["kategori"] == category for r in rows)
    by_month = {c.namn: c.antal for c in stats.deviations.per_manad}
    assert list(by_month)[0] == "2025-07" and list(by_month)[-1] == "2026-06"
    for month, count in by_month.items():
        assert count == sum(r["datum"][:7] == month for r in rows)
    by_org = {c.namn: c.antal for c in stats.deviations.per_verksamhet}
    for org in facts.organisations:
        expected = 0
        for r in rows:
            parts = [p.strip() for p in r["berorda_verksamheter"].replace(";", ",").split(",")]
            expected += org in parts
        assert by_org[org] == expected
    assert stats.deviations.lost_i_chefslinjen == {
        answer: sum(r["lost_i_chefslinjen"].lower() == answer for r in rows) for answer in ("ja", "nej", "pågår")}
    assert stats.deviations.handelseanalys == sum(r["handelseanalys"].lower() == "ja" for r in rows)


def test_organisations_are_matched_to_the_schemas_spelling(facts):
    assert avvikelse.split_organisations("Skola; bup ,skola, okänd", facts) == ["skola", "BUP", "okänd"]


def test_each_school_counts_its_own_deviations(stats):
    by_code = {s.skolenhetskod: s.avvikelser for s in stats.schools}
    for code, count in by_code.items():
        assert count == sum(r["skolenhetskod"] == code and school_year(r["datum"]) == LASAR for r in AVVIKELSE)

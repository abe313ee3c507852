"""The statistics themselves: compile_statistics over fixture rows, checked against plain loops."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from backoffice.statistics.compiler import compile_statistics, lasar_of_date, load_form_facts
from stats_support import (ARSUPPFOLJNING, AREAS, AVVIKELSE, LASAR, REQUIREMENTS, SCHOOLS, STICKPROV,
                           latest_by, register, school_year)


@pytest.fixture(scope="module")
def facts():
    return load_form_facts()


@pytest.fixture(scope="module")
def stats(facts):
    return compile_statistics(LASAR, register(), facts, arsuppfoljning=ARSUPPFOLJNING, avvikelse=AVVIKELSE,
                              stickprov=STICKPROV, compiled_at=datetime(2026, 9, 1, tzinfo=timezone.utc))


def test_requirements_come_from_the_schema(facts):
    assert [r.field for r in facts.requirements] == REQUIREMENTS
    assert "Annat" in facts.categories and "BUP" in facts.organisations


@pytest.mark.parametrize("datum, lasar", [("2025-08-14", "2025/26"), ("2025-07-01", "2025/26"),
                                          ("2025-06-30", "2024/25"), ("2026-01-01", "2025/26"),
                                          ("1999-12-31", "1999/00")])
def test_a_date_belongs_to_the_school_year_starting_1_july(datum, lasar):
    assert lasar_of_date(datum) == lasar


def test_only_the_latest_version_counts(stats):
    angs = next(s for s in stats.schools if s.skolenhetskod == "10000001")
    latest = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar"))
              if r["skolenhetskod"] == "10000001" and r["lasar"] == LASAR][0]
    assert latest["version"] == "2"
    assert angs.sip_initierade == int(latest["sip_initierade"]) == 7
    assert angs.behov == latest["behov"]


def test_totals_match_a_plain_count(stats):
    rows = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar")) if r["lasar"] == LASAR]
    assert stats.total.skolor == len(SCHOOLS)
    assert stats.total.inskickade == len(rows)
    assert stats.total.sip_initierade == sum(int(r["sip_initierade"]) for r in rows)
    assert stats.total.sip_deltagit == sum(int(r["sip_deltagit"]) for r in rows)
    assert stats.total.sip_kunnig_utsedd == sum(r["sip_kunnig_utsedd"].lower() == "ja" for r in rows)
    assert stats.total.avvikelse_utredd == sum(r["avvikelse_utredd"].lower() == "ja" for r in rows)


def test_status_of_every_register_school(stats):
    submitted = {r["skolenhetskod"] for r in ARSUPPFOLJNING if r["lasar"] == LASAR}
    assert {s.skolenhetskod for s in stats.schools} == {s.skolenhetskod for s in SCHOOLS}
    for school in stats.schools:
        assert school.status == ("Inskickad" if school.skolenhetskod in submitted else "Saknas")
    assert {s.skolenhetskod for s in stats.missing} == {"10000005", "10000006"}


def test_swedish_order_of_school_names(stats):
    names = [s.skolnamn for s in stats.schools]
    assert names[-2:] == ["Åbyskolan", "Ängsskolan F-9"]


def test_sip_per_100_pupils_uses_known_pupil_counts(stats):
    by_code = {s.skolenhetskod: s for s in stats.schools}
    assert by_code["10000001"].sip_per_100 == pytest.approx(7 * 100 / (20 + 200))
    assert by_code["10000002"].sip_per_100 == pytest.approx(4 * 100 / 150)  # no förskoleklass count
    assert by_code["10000003"].sip_per_100 is None  # pupils unknown
    assert by_code["10000005"].sip_per_100 is None  # not submitted
    # The administration's rate counts only submitted schools with known pupils.
    assert stats.total.sip_per_100 == pytest.approx((7 + 4 + 12) * 100 / (220 + 150 + 330))


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


def test_audit_compliance_per_requirement_and_school(stats):
    docs = [r for r in latest_by(STICKPROV, ("skolenhetskod", "lasar", "dokument_nr")) if r["lasar"] == LASAR]
    assert stats.audit.dokument == len(docs) == 3
    for req in stats.audit.per_krav:
        assert req.granskade == len(docs)
        assert req.uppfyllda == sum(d[req.field].lower() == "ja" for d in docs)
    met = sum(d[f].lower() == "ja" for d in docs for f in REQUIREMENTS)
    assert stats.audit.andel == pytest.approx(met / (len(docs) * len(REQUIREMENTS)))
    assert stats.audit.helt_uppfyllda == sum(all(d[f].lower() == "ja" for f in REQUIREMENTS) for d in docs)
    angs = next(s for s in stats.schools if s.skolenhetskod == "10000001")
    angs_docs = [d for d in docs if d["skolenhetskod"] == "10000001"]
    assert angs.stickprov_dokument == 2
    assert angs.stickprov_uppfyllda == sum(d[f].lower() == "ja" for d in angs_docs for f in REQUIREMENTS)


def test_groups_by_huvudmannatyp_without_areas_and_by_area_with_them(stats, facts):
    assert stats.grouping == "huvudmannatyp"
    types = {g.namn: g for g in stats.groups}
    assert set(types) == {"Kommunal", "Enskild"}
    assert types["Enskild"].skolor == 2 and types["Enskild"].inskickade == 1
    with_areas = compile_statistics(LASAR, register(), facts, arsuppfoljning=ARSUPPFOLJNING, areas=AREAS)
    areas = {g.namn: g for g in with_areas.groups}
    assert with_areas.grouping == "område"
    assert areas["Norr"].sip_initierade == 7 + 4
    assert areas["Väster"].inskickade == 0


def test_trend_over_school_years(stats):
    years = {t.lasar: t for t in stats.trend}
    assert list(years) == ["2024/25", "2025/26"]
    old = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar")) if r["lasar"] == "2024/25"]
    assert years["2024/25"].inskickade == len(old)
    assert years["2024/25"].sip_initierade == sum(int(r["sip_initierade"]) for r in old)
    assert years["2024/25"].avvikelser == sum(school_year(r["datum"]) == "2024/25" for r in AVVIKELSE)


def test_rows_outside_the_register_are_left_out_and_counted(facts):
    stranger = dict(ARSUPPFOLJNING[1], skolenhetskod="99999999")
    earlier = dict(stranger, lasar="2024/25")
    stats = compile_statistics(LASAR, register(), facts, arsuppfoljning=[stranger, earlier])
    assert stats.total.inskickade == 0 and all(t.inskickade == 0 for t in stats.trend)
    # The summary speaks of the compiled year: the other year's stranger is not in its count.
    assert stats.outside_register == {"arsuppfoljning": 1}


def test_a_malformed_school_year_is_refused(facts):
    with pytest.raises(ValueError, match="2025/26"):
        compile_statistics("2025-26", register(), facts)


def test_rows_of_other_years_cut_down_give_the_same_workbook(facts):
    """compile reads a store with rows_needed: the year's rows whole, other years' only for the trend."""
    from backoffice.statistics import sheets as statsheets
    from backoffice.statistics.compiler import rows_needed
    from test_meeting_stats import DELAKTIGHET, MOTESRAPPORT

    given = {"arsuppfoljning": ARSUPPFOLJNING, "avvikelse": AVVIKELSE, "stickprov": STICKPROV,
             "motesrapport": MOTESRAPPORT, "delaktighet": DELAKTIGHET}
    when = datetime(2026, 9, 1, tzinfo=timezone.utc)
    whole = compile_statistics(LASAR, register(), facts, compiled_at=when, **given)
    cut = {form: rows_needed(form, LASAR, rows, facts) for form, rows in given.items()}
    assert len(cut["motesrapport"]) < len(MOTESRAPPORT) and len(cut["avvikelse"]) == len(AVVIKELSE)
    assert set(cut["avvikelse"][-1]) == {"skolenhetskod", "datum"}  # 2024-10-01: another year, cut down
    assert len(whole.trend) == 2
    for name in ("motesrapport", "delaktighet"):
        assert all(school_year(r["datum"]) == LASAR if name == "motesrapport" else r["lasar"] == LASAR
                   for r in cut[name])
    reduced = compile_statistics(LASAR, register(), facts, compiled_at=when, **cut)
    assert ([statsheets.sheet_grid(s)[0] for s in statsheets.build_sheets(reduced)]
            == [statsheets.sheet_grid(s)[0] for s in statsheets.build_sheets(whole)])

"""Compiling a school year (backoffice.statistics.compiler): the register, versions, groups and what is read."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from backoffice.forms.schema import UnknownFormError, load_form
from backoffice.schoolyear import SchoolYearError
from backoffice.statistics.compiler import compile_statistics, rows_needed
from backoffice.statistics.pipeline import lay_out
from stats_support import (ALL_ROWS, ARSUPPFOLJNING, AREAS, AVVIKELSE, LASAR, MOTESRAPPORT, SCHOOL_ROWS, SCHOOLS,
                           latest_by, register, school_year)

WHEN = datetime(2026, 9, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def stats():
    return compile_statistics(LASAR, register(), SCHOOL_ROWS, compiled_at=WHEN)


def test_only_the_latest_version_counts(stats):
    angs = next(s for s in stats.schools if s.skolenhetskod == "10000001")
    latest = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar"))
              if r["skolenhetskod"] == "10000001" and r["lasar"] == LASAR][0]
    assert latest["version"] == "2"
    assert angs.sip_initierade == int(latest["sip_initierade"]) == 7
    assert angs.behov == latest["behov"]


def test_status_of_every_register_school(stats):
    submitted = {r["skolenhetskod"] for r in ARSUPPFOLJNING if r["lasar"] == LASAR}
    assert {s.skolenhetskod for s in stats.schools} == {s.skolenhetskod for s in SCHOOLS}
    for school in stats.schools:
        assert school.status == ("Inskickad" if school.skolenhetskod in submitted else "Saknas")
    assert {s.skolenhetskod for s in stats.missing} == {"10000005", "10000006"}


def test_swedish_order_of_school_names(stats):
    names = [s.skolnamn for s in stats.schools]
    assert names[-2:] == ["Åbyskolan", "Ängsskolan F-9"]


def test_groups_by_huvudmannatyp_without_areas_and_by_area_with_them(stats):
    assert stats.grouping == "huvudmannatyp"
    types = {g.namn: g for g in stats.groups}
    assert set(types) == {"Kommunal", "Enskild"}
    assert types["Enskild"].skolor == 2 and types["Enskild"].inskickade == 1
    with_areas = compile_statistics(LASAR, register(), {"arsuppfoljning": ARSUPPFOLJNING}, areas=AREAS)
    areas = {g.namn: g for g in with_areas.groups}
    assert with_areas.grouping == "område"
    assert areas["Norr"].sip_initierade == 7 + 4
    assert areas["Väster"].inskickade == 0


def test_rows_outside_the_register_are_left_out_and_counted():
    stranger = dict(ARSUPPFOLJNING[1], skolenhetskod="99999999")
    earlier = dict(stranger, lasar="2024/25")
    stats = compile_statistics(LASAR, register(), {"arsuppfoljning": [stranger, earlier]})
    assert stats.total.inskickade == 0 and all(t.inskickade == 0 for t in stats.trend)
    # The summary speaks of the compiled year: the other year's stranger is not in its count.
    assert stats.outside_register == {"arsuppfoljning": 1}


@pytest.mark.parametrize("lasar", ["2025-26", "2025/27"])
def test_a_malformed_school_year_is_refused(lasar):
    with pytest.raises(ValueError, match="2025/26"):
        compile_statistics(lasar, register())
    with pytest.raises(SchoolYearError, match="andra året följer direkt"):
        compile_statistics(lasar, register())


def test_rows_of_a_form_without_a_schema_are_refused():
    with pytest.raises(UnknownFormError, match="okand"):
        compile_statistics(LASAR, register(), {"okand": [{"skolenhetskod": "10000001"}]})


def test_rows_of_other_years_cut_down_give_the_same_workbook():
    """compile reads a store with rows_needed: the year's rows whole, other years' only for the trend."""
    whole = compile_statistics(LASAR, register(), ALL_ROWS, compiled_at=WHEN)
    cut = {form: rows_needed(load_form(form), LASAR, rows) for form, rows in ALL_ROWS.items()}
    assert len(cut["motesrapport"]) < len(MOTESRAPPORT) and len(cut["avvikelse"]) == len(AVVIKELSE)
    # 2024-10-01: another year, cut down to its school and date, and what says which version counts.
    identity = {"version", "mottagen", "kvitto", "avser", "status"} & set(AVVIKELSE[-1])
    assert set(cut["avvikelse"][-1]) == {"skolenhetskod", "datum"} | identity
    assert len(whole.trend) == 2
    for name in ("motesrapport", "delaktighet"):
        assert all(school_year(r["datum"]) == LASAR if name == "motesrapport" else r["lasar"] == LASAR
                   for r in cut[name])
    reduced = compile_statistics(LASAR, register(), cut, compiled_at=WHEN)
    assert [s.laid_out[0] for s in lay_out(reduced)] == [s.laid_out[0] for s in lay_out(whole)]


def test_the_trend_keeps_what_tells_versions_apart_and_what_it_counts():
    # Another year's annual answer: its school, key, version and the three figures the trend sums.
    old = [r for r in ARSUPPFOLJNING if r["lasar"] != LASAR][0]
    cut = rows_needed(load_form("arsuppfoljning"), LASAR, [old])[0]
    identity = {"kvitto", "avser", "status"} & set(old)  # a withdrawal must stay one in the trend
    assert set(cut) == {"skolenhetskod", "lasar", "version", "mottagen", "sip_initierade", "sip_deltagit",
                        "sip_kunnig_utsedd"} | identity
    assert cut["sip_initierade"] == old["sip_initierade"]

"""The trend: the administration's totals school year by school year, against plain loops."""
from __future__ import annotations

from backoffice.statistics.compiler import compile_statistics
from stats_support import ARSUPPFOLJNING, AVVIKELSE, LASAR, REQUIREMENTS, SCHOOL_ROWS, SCHOOLS, STICKPROV, latest_by, register, school_year


def test_trend_over_school_years():
    stats = compile_statistics(LASAR, register(), SCHOOL_ROWS)
    years = {t.lasar: t for t in stats.trend}
    assert list(years) == ["2024/25", "2025/26"]
    old = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar")) if r["lasar"] == "2024/25"]
    assert years["2024/25"].inskickade == len(old)
    assert years["2024/25"].sip_initierade == sum(int(r["sip_initierade"]) for r in old)
    assert years["2024/25"].avvikelser == sum(school_year(r["datum"]) == "2024/25" for r in AVVIKELSE)
    assert all(t.skolor == len(SCHOOLS) for t in stats.trend)
    old_docs = [d for d in STICKPROV if d["lasar"] == "2024/25"]
    assert years["2024/25"].stickprov_dokument == len(old_docs)
    assert years["2024/25"].stickprov_uppfyllda == sum(d[f] == "ja" for d in old_docs for f in REQUIREMENTS)


def test_a_year_with_only_deviations_has_zeros_for_the_rest():
    stats = compile_statistics(LASAR, register(), {"avvikelse": AVVIKELSE})
    years = {t.lasar: t for t in stats.trend}
    assert years["2024/25"].inskickade == 0 and years["2024/25"].stickprov_dokument == 0
    assert years["2024/25"].avvikelser == 2 and years["2024/25"].andel_inskickade == 0

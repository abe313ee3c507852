"""The annual follow-up's statistics: the schools' answers and their totals, against plain loops."""
from __future__ import annotations

import pytest

from backoffice.statistics.compiler import compile_statistics
from stats_support import ARSUPPFOLJNING, LASAR, SCHOOL_ROWS, SCHOOLS, latest_by, register


@pytest.fixture(scope="module")
def stats():
    return compile_statistics(LASAR, register(), SCHOOL_ROWS)


def test_totals_match_a_plain_count(stats):
    rows = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar")) if r["lasar"] == LASAR]
    assert stats.total.skolor == len(SCHOOLS)
    assert stats.total.inskickade == len(rows)
    assert stats.total.sip_initierade == sum(int(r["sip_initierade"]) for r in rows)
    assert stats.total.sip_deltagit == sum(int(r["sip_deltagit"]) for r in rows)
    assert stats.total.sip_kunnig_utsedd == sum(r["sip_kunnig_utsedd"].lower() == "ja" for r in rows)
    assert stats.total.avvikelse_utredd == sum(r["avvikelse_utredd"].lower() == "ja" for r in rows)


def test_sip_per_100_pupils_uses_known_pupil_counts(stats):
    by_code = {s.skolenhetskod: s for s in stats.schools}
    assert by_code["10000001"].sip_per_100 == pytest.approx(7 * 100 / (20 + 200))
    assert by_code["10000002"].sip_per_100 == pytest.approx(4 * 100 / 150)  # no förskoleklass count
    assert by_code["10000003"].sip_per_100 is None  # pupils unknown
    assert by_code["10000005"].sip_per_100 is None  # not submitted
    # The administration's rate counts only submitted schools with known pupils.
    assert stats.total.sip_per_100 == pytest.approx((7 + 4 + 12) * 100 / (220 + 150 + 330))


def test_answers_in_any_case_are_counted(stats):
    # Åbyskolan wrote "JA" and "Nej": read as ja and nej.
    aby = next(s for s in stats.schools if s.skolenhetskod == "10000002")
    assert aby.avvikelse_utredd == "ja" and aby.sip_kunnig_utsedd == "nej" and aby.avvikelser_utredda == 2

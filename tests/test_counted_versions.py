"""What the statistics count after the coordinator's corrections and withdrawals: the latest version only."""
from __future__ import annotations

from backoffice.statistics.pipeline import compile_year
from backoffice.store.files import FileStore
from test_store import ANSWER, DEVIATION


def school(stats, code):
    return next(s for s in stats.schools if s.skolenhetskod == code)


def test_a_withdrawn_answer_is_missing_and_a_corrected_report_counts_once(tmp_path):
    store = FileStore(tmp_path)
    (annual,) = store.append("arsuppfoljning", [ANSWER])
    (deviation,) = store.append("avvikelse", [dict(DEVIATION, datum="2025-09-15")])  # in 2025/26 too
    before = compile_year("2025/26", data_dir=tmp_path).stats
    assert school(before, "40526633").inskickad and before.deviations.totalt == 1

    store.withdraw("arsuppfoljning", annual.kvitto, "Skolan svarade för fel läsår.")
    store.correct("avvikelse", deviation.kvitto, {"kategori": "Annat"}, "Fel kategori valdes.")
    after = compile_year("2025/26", data_dir=tmp_path).stats
    assert not school(after, "40526633").inskickad
    assert after.total.inskickade == before.total.inskickade - 1
    assert after.deviations.totalt == 1  # the report and its correction are one deviation
    counts = {c.namn: c.antal for c in after.deviations.per_kategori}
    assert counts["Annat"] == 1 and counts[DEVIATION["kategori"]] == 0

    # A correction of the withdrawn answer restores it.
    store.correct("arsuppfoljning", annual.kvitto, {"sip_initierade": "4"}, "Rätt läsår bekräftat.")
    restored = compile_year("2025/26", data_dir=tmp_path).stats
    assert school(restored, "40526633").inskickad and school(restored, "40526633").sip_initierade == 4

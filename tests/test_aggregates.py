"""The aggregates JSON for the handbook: suppression at its boundaries, what is (not) published."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from backoffice.aggregates import build_aggregates, read_aggregates, suppress, suppress_breakdown, write_aggregates
from backoffice.compile import compile_statistics, load_form_facts
from stats_support import ARSUPPFOLJNING, AVVIKELSE, LASAR, STICKPROV, latest_by, register  # isort: skip
from macros.stats import render_page  # noqa: E402 (importable once stats_support has set the path)

COMPILED = datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def facts():
    return load_form_facts()


def deviations(counts: dict[str, int]) -> list[dict]:
    """Deviation rows in 2025/26: `count` rows for each category."""
    rows = []
    for category, count in counts.items():
        for i in range(count):
            rows.append({"skolenhetskod": "10000001", "datum": f"2025-10-{i + 1:02d}", "kategori": category,
                         "berorda_verksamheter": "skola", "lost_i_chefslinjen": "ja", "handelseanalys": "nej",
                         "rapporterad_medcontrol": "ja", "beskrivning": ""})
    return rows


@pytest.mark.parametrize("count, shown", [(0, 0), (1, ".."), (4, ".."), (5, 5), (6, 6), (1000, 1000)])
def test_suppression_boundaries_with_the_default_threshold(count, shown):
    assert suppress(count) == shown


@pytest.mark.parametrize("threshold, count, shown", [(3, 2, ".."), (3, 3, 3), (1, 1, 1), (10, 9, ".."), (10, 10, 10)])
def test_the_threshold_is_configurable(threshold, count, shown):
    assert suppress(count, threshold) == shown


def test_a_threshold_below_one_is_refused():
    with pytest.raises(ValueError):
        suppress(3, 0)


def test_a_lone_hidden_part_of_a_total_takes_the_next_smallest_with_it():
    assert suppress_breakdown([10, 3, 0, 8]) == [10, "..", 0, ".."]
    assert suppress_breakdown([10, 3, 2]) == [10, "..", ".."]  # two hidden already: nothing more
    assert suppress_breakdown([0, 0, 7]) == [0, 0, 7]


def test_categories_at_the_boundaries_in_the_json(facts):
    a, b, c, d = facts.categories[:4]
    stats = compile_statistics(LASAR, register(), facts, avvikelse=deviations({a: 0, b: 1, c: 4, d: 5}),
                               compiled_at=COMPILED)
    shown = {x["namn"]: x["antal"] for x in build_aggregates(stats)["avvikelser_per_kategori"]}
    assert [shown[a], shown[b], shown[c], shown[d]] == [0, "..", "..", 5]
    # With threshold 2 only the 1 is small; the 4 is hidden too, so the 1 cannot be subtracted out.
    shown = {x["namn"]: x["antal"] for x in build_aggregates(stats, threshold=2)["avvikelser_per_kategori"]}
    assert [shown[a], shown[b], shown[c], shown[d]] == [0, "..", "..", 5]
    shown = {x["namn"]: x["antal"] for x in build_aggregates(stats, threshold=1)["avvikelser_per_kategori"]}
    assert [shown[a], shown[b], shown[c], shown[d]] == [0, 1, 4, 5]


@pytest.fixture(scope="module")
def stats(facts):
    return compile_statistics(LASAR, register(), facts, arsuppfoljning=ARSUPPFOLJNING, avvikelse=AVVIKELSE,
                              stickprov=STICKPROV, compiled_at=COMPILED)


def test_administration_figures_threshold_and_date_are_stored(stats, tmp_path):
    path = write_aggregates(stats, tmp_path / "statistik.json", threshold=5)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == read_aggregates(path)
    annual = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar")) if r["lasar"] == LASAR]
    initiated = sum(int(r["sip_initierade"]) for r in annual)
    assert initiated >= 5 and data["forvaltning"]["sip_initierade"] == initiated
    assert data["forvaltning"]["skolor"] == 6 and data["forvaltning"]["inskickade"] == len(annual)
    assert data["troskel"] == 5 and data["sammanstalld"] == "2026-09-01T07:30:00Z" and data["lasar"] == LASAR
    assert data["demo"] is False
    # 3 audited documents: hidden, and so is the share computed from them.
    assert data["forvaltning"]["stickprov_dokument"] == ".."
    assert data["forvaltning"]["stickprov_andel_uppfyllda"] == ".."


def test_groups_hide_small_child_counts_but_not_school_counts(stats):
    data = build_aggregates(stats)
    groups = {g["namn"]: g for g in data["grupper"]}
    assert groups["Enskild"]["skolor"] == 2 and groups["Enskild"]["inskickade"] == 1
    assert groups["Enskild"]["sip_initierade"] == ".."  # 4 processes
    assert groups["Enskild"]["sip_per_100_elever"] == ".."
    # Kommunal has 19, but it is the only other part of the total 23: hidden as well.
    assert groups["Kommunal"]["sip_initierade"] == ".."


def test_per_school_figures_only_when_configured(stats):
    assert "skolor" not in build_aggregates(stats)
    data = build_aggregates(stats, per_school=True)
    schools = {s["skolenhetskod"]: s for s in data["skolor"]}
    assert data["skolor_publiceras"] is True and len(schools) == 6
    assert schools["10000004"]["sip_initierade"] == 12
    assert schools["10000001"]["sip_initierade"] == 7
    assert schools["10000002"]["sip_initierade"] == ".."
    assert schools["10000005"]["status"] == "Saknas" and schools["10000005"]["sip_initierade"] is None


def test_the_page_shows_suppressed_values_and_explains_them(stats):
    page = render_page(build_aggregates(stats))
    assert ">..<" in page
    assert "1–4" in page and "peka ut ett barn" in page
    assert "Demosiffror" not in page and "Siffror per skola" not in page
    assert "1–2" in render_page(build_aggregates(stats, threshold=3))
    assert "Siffror per skola" in render_page(build_aggregates(stats, per_school=True))
    assert "Demosiffror" in render_page(build_aggregates(stats, demo=True))


def test_the_page_without_statistics_says_so_kindly(tmp_path):
    assert read_aggregates(tmp_path / "saknas.json") is None
    text = render_page(None)
    assert "Det finns ingen statistik ännu" in text

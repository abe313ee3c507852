"""The aggregates JSON for the handbook: suppression at its boundaries, what is (not) published."""
from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import pytest

from backoffice.statistics.aggregates import SUPPRESSED, build_aggregates, read_aggregates, suppress, suppress_breakdown, write_aggregates
from backoffice.forms.schema import load_form
from backoffice.statistics import avvikelse
from backoffice.statistics.compiler import compile_statistics
from stats_support import ARSUPPFOLJNING, LASAR, SCHOOL_ROWS, SCHOOLS, latest_by, register  # isort: skip
from macros.stats import render_page  # noqa: E402 (importable once stats_support has set the path)

COMPILED = datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def facts():
    return avvikelse.facts(load_form("avvikelse"))


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
    stats = compile_statistics(LASAR, register(), {"avvikelse": deviations({a: 0, b: 1, c: 4, d: 5})},
                               compiled_at=COMPILED)
    shown = {x["namn"]: x["antal"] for x in build_aggregates(stats)["avvikelser_per_kategori"]}
    assert [shown[a], shown[b], shown[c], shown[d]] == [0, "..", "..", 5]
    # With threshold 2 only the 1 is small; the 4 is hidden too, so the 1 cannot be subtracted out.
    shown = {x["namn"]: x["antal"] for x in build_aggregates(stats, threshold=2)["avvikelser_per_kategori"]}
    assert [shown[a], shown[b], shown[c], shown[d]] == [0, "..", "..", 5]
    shown = {x["namn"]: x["antal"] for x in build_aggregates(stats, threshold=1)["avvikelser_per_kategori"]}
    assert [shown[a], shown[b], shown[c], shown[d]] == [0, 1, 4, 5]


@pytest.fixture(scope="module")
def stats():
    return compile_statistics(LASAR, register(), SCHOOL_ROWS, compiled_at=COMPILED)


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


def test_a_rate_is_hidden_when_it_would_give_away_the_sip_of_schools_without_pupil_counts():
    # Bergsskolan has no pupil count in the register: its SIP are outside the rate's numerator.
    rows = [dict(ARSUPPFOLJNING[4], sip_initierade="30"), dict(ARSUPPFOLJNING[3], sip_initierade="2")]
    assert {r["skolenhetskod"] for r in rows} == {"10000004", "10000003"}
    stats = compile_statistics(LASAR, register(), {"arsuppfoljning": rows})
    total = build_aggregates(stats)["forvaltning"]
    # 32 − rate × 330 / 100 would be Bergsskolan's 2.
    assert total["sip_initierade"] == 32 and total["sip_per_100_elever"] == ".."
    rows[1]["sip_initierade"] = "5"
    total = build_aggregates(compile_statistics(LASAR, register(), {"arsuppfoljning": rows}))["forvaltning"]
    assert total["sip_per_100_elever"] == round(30 * 100 / 330, 4)


def test_per_school_figures_only_when_configured(stats):
    assert "skolor" not in build_aggregates(stats)
    data = build_aggregates(stats, per_school=True)
    schools = {s["skolenhetskod"]: s for s in data["skolor"]}
    assert data["skolor_publiceras"] is True and len(schools) == 6
    assert schools["10000004"]["sip_initierade"] == 12
    assert schools["10000002"]["sip_initierade"] == ".."  # 4 processes
    # Kommunal's 19 is hidden (else Enskild's 4 = 23 − 19), so its schools' 12 + 7 may not both be
    # shown: the smaller goes too.
    assert schools["10000001"]["sip_initierade"] == ".."
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


# ---------------------------------------------------------------- nothing hidden can be worked out

GROUP_OF = {s.skolenhetskod: s.huvudmannatyp for s in SCHOOLS}
ORGANISATIONS = ["socialtjänst", "region"]
SVARANDE = ["barn/ung", "vårdnadshavare"]


def random_rows(rng: random.Random, facts) -> dict[str, list[dict]]:
    """A school year's rows with many small counts, for the six schools and two organisations."""
    annual, deviation, meetings, answers = [], [], [], []
    for school in SCHOOLS:
        if rng.random() < 0.8:
            annual.append({"skolenhetskod": school.skolenhetskod, "lasar": LASAR,
                           "sip_initierade": str(rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14])),
                           "sip_deltagit": str(rng.choice([0, 1, 3, 5, 8])), "behov": "", "avvikelse_utredd": "nej",
                           "avvikelser_utredda": "0", "sip_kunnig_utsedd": "ja", "version": "1"})
        for _ in range(rng.choice([0, 0, 1, 2, 3, 6])):
            deviation.append({"skolenhetskod": school.skolenhetskod,
                              "datum": f"{rng.choice(['2025-09', '2025-10', '2026-03'])}-0{rng.randint(1, 9)}",
                              "kategori": rng.choice(facts.categories[:3]),
                              "berorda_verksamheter": rng.choice(["skola", "skola, BUP", "socialtjänst"]),
                              "lost_i_chefslinjen": "ja", "handelseanalys": "nej", "rapporterad_medcontrol": "nej"})
    for where in [s.skolenhetskod for s in SCHOOLS] + ORGANISATIONS:
        for _ in range(rng.choice([0, 1, 2, 4, 5, 7])):
            meetings.append({"skolenhetskod": "" if where in ORGANISATIONS else where,
                             "organisation": where if where in ORGANISATIONS else "", "datum": "2025-11-11",
                             "barnet_deltog": rng.choice(["i mötet", "på annat sätt", "nej"]),
                             "alla_kallade_deltog": rng.choice(["ja", "nej"]), "inom_tre_veckor": rng.choice(["ja", "nej"]),
                             "uppfoljning_bokad": rng.choice(["ja", "ja", "nej"])})
    for who in SVARANDE:
        for _ in range(rng.choice([0, 1, 3, 4, 5, 6, 9])):
            answers.append({"skolenhetskod": "10000001", "organisation": "", "lasar": LASAR, "svarande": who,
                            **{f: str(rng.randint(1, 5)) for f in STATEMENT_FIELDS}})
    return {"arsuppfoljning": annual, "avvikelse": deviation, "motesrapport": meetings, "delaktighet": answers}


STATEMENT_FIELDS = ["blev_lyssnad", "forstod_beslut", "utgar_fran_behov", "vet_vem_kontakta", "kandes_tryggt"]


def published_sums(data: dict) -> list[tuple[object, list[object]]]:
    """What a reader of the JSON knows: each published figure, and which figures add up to which.

    A cell is (table, row, figure); its value is a number or `..`. Group membership comes from the
    public register, as a reader would have it.
    """
    values, sums = {}, []
    total = data["forvaltning"]
    groups = {g["namn"]: g for g in data["grupper"]}
    schools = {s["skolenhetskod"]: s for s in data.get("skolor", [])}
    for key in ("sip_initierade", "sip_deltagit", "avvikelser", "stickprov_dokument"):
        values[("T", key)] = total[key]
        values.update({("G", name, key): g[key] for name, g in groups.items()})
        sums.append((("T", key), [("G", name, key) for name in groups]))
        for code, s in schools.items():
            if s[key] is not None:
                values[("S", code, key)] = s[key]
        for name in groups:
            members = [("S", code, key) for code in schools if GROUP_OF[code] == name and ("S", code, key) in values]
            if schools:
                sums.append((("G", name, key), members))
    for listing in ("avvikelser_per_kategori", "avvikelser_per_manad"):
        cells = [(listing, c["namn"]) for c in data[listing]]
        values.update({(listing, c["namn"]): c["antal"] for c in data[listing]})
        sums.append((("T", "avvikelser"), cells))
    meetings = data["moten"]
    parts = [("MG", m["namn"]) for m in meetings["grupper"]] + [("MO", m["namn"]) for m in meetings["organisationer"]]
    entries = {("MT",): meetings["totalt"], **{p: m for p, m in zip(parts, meetings["grupper"] + meetings["organisationer"])}}
    for flag in ("moten", "barnet_i_motet", "barnet_annat", "alla_deltog", "inom_tre_veckor", "uppfoljning_bokad"):
        for cell, m in entries.items():
            if flag == "moten":
                values[cell + (flag,)] = m["moten"]
            else:  # a published share of published meetings is a published count
                andel = m[f"andel_{flag}"]
                values[cell + (flag,)] = (SUPPRESSED if SUPPRESSED in (andel, m["moten"])
                                          else round((andel or 0) * m["moten"]))
        sums.append((("MT", flag), [p + (flag,) for p in parts]))
    survey = data["delaktighet"]
    values[("D",)] = survey["svar"]
    values.update({("D", who): n for who, n in survey["per_svarande"].items()})
    sums.append((("D",), [("D", who) for who in SVARANDE]))
    for item in survey["pastaenden"]:
        for cell, figures in [(("P", item["falt"]), item)] + [
                (("P", item["falt"], who), item["per_svarande"][who]) for who in SVARANDE]:
            values[cell] = figures["svar"]
            # n answers with a published average is a published sum of answers
            values[cell + ("summa",)] = (SUPPRESSED if SUPPRESSED in (figures["svar"], figures["medel"])
                                         else round(figures["medel"] * figures["svar"]) if figures["svar"] else 0)
        for suffix in ((), ("summa",)):
            sums.append((("P", item["falt"]) + suffix, [("P", item["falt"], who) + suffix for who in SVARANDE]))
    return values, sums


def worked_out(values: dict, sums: list) -> dict:
    """Every hidden figure a reader can compute by adding and subtracting published ones."""
    known = {cell: v for cell, v in values.items() if v != SUPPRESSED}
    found = {}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            unknown = [c for c in [total] + parts if c not in known]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            rest = sum(known[p] for p in parts if p in known)
            known[cell] = found[cell] = rest if cell == total else known[total] - rest
            changed = True
    return found


def small_hidden_sums(values: dict, sums: list, threshold: int) -> list:
    """Sums whose hidden parts together make a small count (1 to threshold − 1) a reader can compute."""
    small = []
    for total, parts in sums:
        if values.get(total, SUPPRESSED) == SUPPRESSED:
            continue
        hidden = [p for p in parts if values[p] == SUPPRESSED]
        together = values[total] - sum(values[p] for p in parts if values[p] != SUPPRESSED)
        if hidden and (0 < together < threshold or together == len(hidden)):
            small.append((total, hidden, together))
    return small


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("per_school", [False, True])
def test_no_hidden_count_can_be_worked_out_from_the_published_figures(facts, seed, per_school):
    rows = random_rows(random.Random(seed), facts)
    stats = compile_statistics(LASAR, register(), rows, compiled_at=COMPILED)
    data = build_aggregates(stats, per_school=per_school)
    values, sums = published_sums(data)
    assert any(v == SUPPRESSED for v in values.values())  # the data do have small counts
    found = worked_out(values, sums)
    small = {cell: v for cell, v in found.items() if 0 < v < 5}
    assert not small, f"hidden counts worked out by subtraction: {small}"
    assert not small_hidden_sums(values, sums, 5)
    # The compiled year in the trend is the administration's figures, hidden alike.
    current = [t for t in data["trend"] if t["lasar"] == LASAR]
    for key in ("sip_initierade", "sip_deltagit", "avvikelser", "stickprov_dokument"):
        assert all(t[key] == data["forvaltning"][key] for t in current)
    survey = data["delaktighet"]["pastaenden"]
    assert all(s["medel"] == SUPPRESSED or s["svar"] == 0 or s["svar"] >= 5
               for item in survey for s in [item] + list(item["per_svarande"].values()))


def test_organisations_that_add_up_to_the_total_are_a_breakdown_too(facts):
    # Every deviation touches one organisation: 10 + 3 = 13, so the 3 must not stand alone.
    rows = deviations({facts.categories[0]: 13})
    for row in rows[10:]:
        row["berorda_verksamheter"] = "socialtjänst"
    data = build_aggregates(compile_statistics(LASAR, register(), {"avvikelse": rows}, compiled_at=COMPILED))
    shown = {c["namn"]: c["antal"] for c in data["avvikelser_per_verksamhet"]}
    assert data["forvaltning"]["avvikelser"] == 13
    assert shown["socialtjänst"] == ".." and shown["skola"] == ".." and shown["BUP"] == 0

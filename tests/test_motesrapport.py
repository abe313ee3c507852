"""The meeting reports' statistics: the workbook's figures against plain loops, suppression, the page."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from backoffice.statistics.aggregates import build_aggregates
from backoffice.statistics.compiler import compile_statistics
from backoffice.statistics.sheets import build_sheets
from backoffice.statistics.workbook import write_workbook
from stats_support import AREAS, DELAKTIGHET, LASAR, MOTESRAPPORT, SCHOOLS, answer, register, school_year, table_rows

NAMES = {s.skolenhetskod: s.skolnamn for s in SCHOOLS}
FLAGS = [  # (workbook column, field, answer counted)
    ("Andel: barnet deltog i mötet", "barnet_deltog", "i mötet"),
    ("Andel: barnet delaktigt på annat sätt", "barnet_deltog", "på annat sätt"),
    ("Andel: alla kallade deltog", "alla_kallade_deltog", "ja"),
    ("Andel: mötet inom tre veckor (Gävleborgs rutin)", "inom_tre_veckor", "ja"),
    ("Andel: uppföljning bokad", "uppfoljning_bokad", "ja"),
]


def compiled():
    return compile_statistics(LASAR, register(), {"motesrapport": MOTESRAPPORT, "delaktighet": DELAKTIGHET},
                              areas=AREAS, sources=["fixturrader"],
                              compiled_at=datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = write_workbook(build_sheets(compiled()), tmp_path_factory.mktemp("wb") / "statistik.xlsx")
    return load_workbook(path)


# ---------------------------------------------------------------- the independent computation


def counted_meetings():
    rows = []
    for row in MOTESRAPPORT:
        if school_year(row["datum"]) != LASAR:
            continue
        if row["skolenhetskod"] and row["skolenhetskod"] not in NAMES:
            continue
        rows.append(row)
    return rows


def figures(rows):
    """Meetings and shares of a list of meeting rows, with plain loops."""
    result = {"Rapporterade möten": len(rows)}
    for column, field, wanted in FLAGS:
        hits = 0
        for row in rows:
            if row[field].lower() == wanted:
                hits += 1
        result[column] = hits / len(rows) if rows else None
    return result


def check(row, expected):
    for key, value in expected.items():
        assert row[key] == pytest.approx(value) if value is not None else row[key] is None, key


def test_meeting_sheet_per_area_school_and_organisation_equals_a_plain_count(workbook):
    ws = workbook["Möten"]
    rows = counted_meetings()
    assert len(rows) == 12
    per_area = {r["Område"]: r for r in table_rows(ws, "MotenPerGrupp")}
    assert sorted(per_area) == ["Norr", "Söder", "Väster"]
    for area in per_area:
        check(per_area[area], figures([r for r in rows if AREAS.get(r["skolenhetskod"]) == area]))
    per_school = {r["Skolenhetskod"]: r for r in table_rows(workbook["Möten per skola"], "MotenPerSkola")}
    assert sorted(per_school) == ["10000001", "10000002", "10000004", "10000005"]
    for code, row in per_school.items():
        assert row["Skolnamn"] == NAMES[code]
        check(row, figures([r for r in rows if r["skolenhetskod"] == code]))
    per_org = {r["Organisation utanför skolan"]: r for r in table_rows(ws, "MotenPerOrganisation")}
    assert sorted(per_org) == ["region", "socialtjänst"]
    for name, row in per_org.items():
        check(row, figures([r for r in rows if r["organisation"] == name]))
    total = {r["Mått"]: r for r in table_rows(ws, "MotenTotalt")}
    assert total["Rapporterade SIP-möten"]["Antal"] == 12
    assert total["Möten utanför skolan"]["Antal"] == 3
    everyone = figures(rows)
    assert total["Barnet deltog i mötet"]["Andel"] == pytest.approx(everyone["Andel: barnet deltog i mötet"])
    assert total["Uppföljning bokad"]["Andel"] == pytest.approx(everyone["Andel: uppföljning bokad"])
    child = sum(1 for r in rows if r["barnet_deltog"].lower() in ("i mötet", "på annat sätt"))
    assert total["Barnet delaktigt (i mötet eller på annat sätt)"]["Antal"] == child


def test_meeting_counts_from_one_to_four_are_suppressed_in_the_aggregates():
    data = build_aggregates(compiled())
    meetings = data["moten"]
    assert meetings["totalt"]["moten"] == 12
    orgs = {o["namn"]: o for o in meetings["organisationer"]}
    # Two and one meetings: hidden, and every share built on them too.
    assert orgs["socialtjänst"]["moten"] == ".." and orgs["region"]["moten"] == ".."
    assert set(orgs["region"].values()) == {"region", ".."}
    groups = {g["namn"]: g for g in meetings["grupper"]}
    rows = counted_meetings()
    norr = [r for r in rows if AREAS.get(r["skolenhetskod"]) == "Norr"]
    assert groups["Norr"]["moten"] == len(norr) == 6
    # A share whose part is 1–4 is hidden even when the meetings it is a share of are shown.
    hits = sum(1 for r in norr if r["inom_tre_veckor"] == "ja")
    assert hits == 4 and groups["Norr"]["andel_inom_tre_veckor"] == ".."
    other_way = sum(1 for r in norr if r["barnet_deltog"] == "på annat sätt")
    assert other_way == 1 and groups["Norr"]["andel_barnet_annat"] == ".."
    # Söder has 2 and Väster 1 meeting: both hidden.
    assert groups["Söder"]["moten"] == ".." and groups["Väster"]["moten"] == ".."
    # With the threshold at 1 nothing is hidden, and the shares are the plain ones.
    open_data = build_aggregates(compiled(), threshold=1)["moten"]
    norr_open = {g["namn"]: g for g in open_data["grupper"]}["Norr"]
    assert norr_open["andel_inom_tre_veckor"] == pytest.approx(round(hits / 6, 4))


def test_statistics_page_shows_the_meeting_and_survey_figures():
    from macros.stats import render_page

    stats = compile_statistics(LASAR, register(), {
        "motesrapport": MOTESRAPPORT * 1,
        "delaktighet": DELAKTIGHET + [answer("10000006", "barn/ung", [5, 5, 5, 5, 5])]})
    page = render_page(build_aggregates(stats, demo=True))
    assert "## SIP-möten" in page and "## Barnets och vårdnadshavarnas delaktighet" in page
    assert "Rapporterade SIP-möten: **12**" in page
    assert "Andel av de rapporterade mötena" in page
    # Five children's answers now: the average of "Jag blev lyssnad på." is shown with a decimal comma.
    count, average = 5, (5 + 4 + 3 + 2 + 5) / 5
    assert f"<td class=\"tal\">{count}</td><td class=\"tal\">{average:.1f}".replace(".", ",") in page.replace("\u00a0", " ")
    assert "Demosiffror" in page

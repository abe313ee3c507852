"""Meeting and survey statistics: workbook figures against plain loops, suppression, page and Google Sheet."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from backoffice import gsheets
from backoffice.statistics import sheets as statsheets
from backoffice.statistics.aggregates import build_aggregates
from backoffice.statistics.compiler import compile_statistics, load_form_facts
from backoffice.statistics.publish import publish_sheets
from backoffice.statistics.workbook import write_workbook
from fake_sheets import fake_sheets  # noqa: F401 - the fixture
from stats_support import AREAS, LASAR, SCHOOLS, register, table_rows
from test_publish import workbook_cells

NAMES = {s.skolenhetskod: s.skolnamn for s in SCHOOLS}
FLAGS = [  # (workbook column, field, answer counted)
    ("Andel: barnet deltog i mötet", "barnet_deltog", "i mötet"),
    ("Andel: barnet delaktigt på annat sätt", "barnet_deltog", "på annat sätt"),
    ("Andel: alla kallade deltog", "alla_kallade_deltog", "ja"),
    ("Andel: mötet inom tre veckor", "inom_tre_veckor", "ja"),
    ("Andel: uppföljning bokad", "uppfoljning_bokad", "ja"),
]


def meeting(code, datum, barnet, alla, tre, bokad, organisation=""):
    return {"skolenhetskod": code, "organisation": organisation, "datum": datum, "sammankallande": "skola",
            "antal_verksamheter": "3", "alla_kallade_deltog": alla,
            "ersattare_skickades": "ej aktuellt" if alla == "ja" else "nej", "barnet_deltog": barnet,
            "vardnadshavare_deltog": "ja", "inom_tre_veckor": tre, "huvudansvarig_utsedd": "ja",
            "uppfoljning_bokad": bokad, "mal_kort_sikt": "ja", "mal_lang_sikt": "nej",
            "mottagen": datum + "T15:00:00Z", "kvitto": "M" + datum + code, "version": "1", "kanal": "webb"}


MOTESRAPPORT = [
    meeting("10000001", "2025-08-20", "i mötet", "ja", "ja", "ja"),
    meeting("10000001", "2025-09-11", "på annat sätt", "nej", "ja", "nej"),
    meeting("10000001", "2025-10-02", "I mötet", "JA", "nej", "ja"),
    meeting("10000002", "2025-11-13", "nej", "ja", "ja", "ja"),
    meeting("10000002", "2026-02-05", "i mötet", "nej", "nej", "ja"),
    meeting("10000002", "2026-03-19", "i mötet", "ja", "ja", "nej"),
    meeting("10000004", "2026-04-23", "på annat sätt", "ja", "ja", "ja"),
    meeting("10000004", "2026-06-30", "i mötet", "ja", "nej", "ja"),
    meeting("10000005", "2026-05-07", "nej", "nej", "nej", "nej"),
    meeting("", "2025-09-30", "i mötet", "ja", "ja", "ja", organisation="socialtjänst"),
    meeting("", "2026-01-15", "på annat sätt", "nej", "ja", "ja", organisation="socialtjänst"),
    meeting("", "2025-12-01", "i mötet", "ja", "nej", "ja", organisation="region"),
    # Outside the school year (1 July starts the next one), and a school that is not in the register.
    meeting("10000001", "2025-06-30", "i mötet", "ja", "ja", "ja"),
    meeting("10000006", "2026-07-01", "nej", "nej", "nej", "nej"),
    meeting("99999999", "2025-10-10", "i mötet", "ja", "ja", "ja"),
]
STATEMENTS = ["blev_lyssnad", "forstod_beslut", "utgar_fran_behov", "vet_vem_kontakta", "kandes_tryggt"]


def answer(code, svarande, values, lasar=LASAR, organisation=""):
    row = {"skolenhetskod": code, "organisation": organisation, "lasar": lasar, "svarande": svarande,
           "kommentar": "", "mottagen": "2026-03-01T10:00:00Z", "kvitto": "E", "version": "1", "kanal": "webb"}
    row.update(zip(STATEMENTS, (str(v) for v in values)))
    return row


# Four children's answers (one short of an average) and five guardians' (just enough); one guardian
# skipped a statement (a file may have blanks), another year's answer and one outside the register.
DELAKTIGHET = [
    answer("10000001", "barn/ung", [5, 4, 3, 2, 1]),
    answer("10000001", "barn/ung", [4, 4, 4, 4, 4]),
    answer("10000002", "Barn/ung", [3, 5, 2, 5, 5]),
    answer("", "barn/ung", [2, 3, 5, 1, 4], organisation="region"),
    answer("10000001", "vårdnadshavare", [5, 5, 4, 3, 5]),
    answer("10000001", "vårdnadshavare", [4, 3, 4, 4, 5]),
    answer("10000002", "vårdnadshavare", [3, 2, 1, 5, 4]),
    answer("10000004", "vårdnadshavare", [5, 4, 4, 4, 4]),
    answer("", "vårdnadshavare", [1, 5, 3, 2, 3], organisation="socialtjänst"),
    dict(answer("10000004", "vårdnadshavare", [4, 4, 4, 4, 4]), forstod_beslut=""),
    answer("10000001", "barn/ung", [1, 1, 1, 1, 1], lasar="2024/25"),
    answer("99999999", "barn/ung", [1, 1, 1, 1, 1]),
]


def compiled():
    return compile_statistics(LASAR, register(), load_form_facts(), areas=AREAS, sources=["fixturrader"],
                              compiled_at=datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc),
                              motesrapport=MOTESRAPPORT, delaktighet=DELAKTIGHET)


# ---------------------------------------------------------------- the independent computation

def school_year_of(datum):
    year, month = int(datum[:4]), int(datum[5:7])
    start = year if month >= 7 else year - 1
    return f"{start}/{str(start + 1)[2:]}"


def counted_meetings():
    rows = []
    for row in MOTESRAPPORT:
        if school_year_of(row["datum"]) != LASAR:
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


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = write_workbook(compiled(), tmp_path_factory.mktemp("wb") / "statistik.xlsx")
    return load_workbook(path)


def test_meeting_sheet_per_area_school_and_organisation_equals_a_plain_count(workbook):
    ws = workbook["Möten"]
    rows = counted_meetings()
    assert len(rows) == 12
    per_area = {r["Område"]: r for r in table_rows(ws, "MotenPerGrupp")}
    assert sorted(per_area) == ["Norr", "Söder", "Väster"]
    for area in per_area:
        check(per_area[area], figures([r for r in rows if AREAS.get(r["skolenhetskod"]) == area]))
    per_school = {r["Skolenhetskod"]: r for r in table_rows(ws, "MotenPerSkola")}
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


def plain_average(svarande, statement):
    values = []
    for row in DELAKTIGHET:
        if row["lasar"] != LASAR or (row["skolenhetskod"] and row["skolenhetskod"] not in NAMES):
            continue
        if svarande and row["svarande"].lower() != svarande:
            continue
        if row[statement]:
            values.append(int(row[statement]))
    return len(values), (sum(values) / len(values) if values else None)


def test_survey_sheet_averages_equal_a_plain_count_and_hide_averages_of_fewer_than_five(workbook):
    ws = workbook["Delaktighet"]
    rows = {r["Påstående"]: r for r in table_rows(ws, "DelaktighetPastaenden")}
    titles = {name: title for name, title in zip(STATEMENTS, rows)}
    assert list(rows)[2] == "Planen utgår från mina behov."
    for statement in STATEMENTS:
        row = rows[titles[statement]]
        count, average = plain_average(None, statement)
        assert row["Svar"] == count and row["Medelvärde (1–5)"] == pytest.approx(average)
        count, _ = plain_average("barn/ung", statement)
        assert count == 4 and row["Svar: barn/ung"] == 4
        assert row["Medelvärde: barn/ung"] == ".."  # four answers: no average
        count, average = plain_average("vårdnadshavare", statement)
        assert count >= 5 and row["Svar: vårdnadshavare"] == count
        # Enough answers, but shown beside the average of all it would give the children's away.
        assert row["Medelvärde: vårdnadshavare"] == ".."
    # Counted by hand: six guardians answered, one skipped "forstod_beslut" (five left).
    assert [rows[titles[s]]["Svar: vårdnadshavare"] for s in STATEMENTS] == [6, 5, 6, 6, 6]


def test_a_guardians_average_is_shown_when_the_childrens_is_too(tmp_path):
    rows = ([answer("10000001", "barn/ung", [4, 4, 4, 4, 2]) for _ in range(5)]
            + [answer("10000001", "vårdnadshavare", [5, 3, 4, 4, 4]) for _ in range(6)])
    stats = compile_statistics(LASAR, register(), load_form_facts(), delaktighet=rows)
    ws = load_workbook(write_workbook(stats, tmp_path / "s.xlsx"))["Delaktighet"]
    first = table_rows(ws, "DelaktighetPastaenden")[0]
    assert first["Medelvärde: barn/ung"] == 4.0 and first["Medelvärde: vårdnadshavare"] == 5.0
    assert first["Medelvärde (1–5)"] == pytest.approx((5 * 4 + 6 * 5) / 11)
    # No children's answers at all: nothing to hide, the guardians' average is shown.
    stats = compile_statistics(LASAR, register(), load_form_facts(), delaktighet=rows[5:])
    ws = load_workbook(write_workbook(stats, tmp_path / "t.xlsx"))["Delaktighet"]
    first = table_rows(ws, "DelaktighetPastaenden")[0]
    assert first["Medelvärde: barn/ung"] is None and first["Medelvärde: vårdnadshavare"] == 5.0


def test_the_boundary_of_the_average_four_answers_hidden_five_shown():
    def stats_with(children):
        rows = [answer("10000001", "barn/ung", [4, 4, 4, 4, 2]) for _ in range(children)]
        return compile_statistics(LASAR, register(), load_form_facts(), delaktighet=rows)

    four, five = build_aggregates(stats_with(4)), build_aggregates(stats_with(5))
    assert four["delaktighet"]["pastaenden"][0]["medel"] == ".."
    assert four["delaktighet"]["pastaenden"][0]["per_svarande"]["barn/ung"] == {"svar": "..", "medel": ".."}
    assert five["delaktighet"]["pastaenden"][0]["medel"] == 4.0
    assert five["delaktighet"]["pastaenden"][4]["per_svarande"]["barn/ung"] == {"svar": 5, "medel": 2.0}
    # A lower threshold for counts never lowers the five answers an average needs.
    assert build_aggregates(stats_with(4), threshold=2)["delaktighet"]["pastaenden"][0]["medel"] == ".."
    none = build_aggregates(stats_with(0))["delaktighet"]["pastaenden"][0]
    assert none["svar"] == 0 and none["medel"] is None


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

    stats = compile_statistics(LASAR, register(), load_form_facts(), motesrapport=MOTESRAPPORT * 1,
                               delaktighet=DELAKTIGHET + [answer("10000006", "barn/ung", [5, 5, 5, 5, 5])])
    page = render_page(build_aggregates(stats, demo=True))
    assert "## SIP-möten" in page and "## Barnets och vårdnadshavarnas delaktighet" in page
    assert "Rapporterade SIP-möten: **12**" in page
    assert "Andel av de rapporterade mötena" in page
    # Five children's answers now: the average of "Jag blev lyssnad på." is shown with a decimal comma.
    count, average = 5, (5 + 4 + 3 + 2 + 5) / 5
    assert f"<td class=\"tal\">{count}</td><td class=\"tal\">{average:.1f}".replace(".", ",") in page.replace("\u00a0", " ")
    assert "Demosiffror" in page


def test_the_published_sheets_equal_the_workbook(fake_sheets, tmp_path):  # noqa: F811
    stats = compiled()
    wb = load_workbook(write_workbook(stats, tmp_path / "s.xlsx"))
    key = fake_sheets.create_spreadsheet("SIP-statistik", {})
    publish_sheets(statsheets.build_sheets(stats), key, gsheets.open_client())
    for name in ("Möten", "Delaktighet"):
        assert fake_sheets.raw_values(key, name) == workbook_cells(wb[name]), name

"""The xlsx workbook, reopened with openpyxl: its figures, types, tables and formatting."""
from __future__ import annotations

import zipfile
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from backoffice.statistics.compiler import compile_statistics
from backoffice.statistics.outputs import OutputError
from backoffice.statistics.sheets import SHEET_NAMES, build_sheets
from backoffice.statistics.workbook import write_workbook
from stats_support import (ARSUPPFOLJNING, AREAS, AVVIKELSE, FORMULA_TEXTS, LASAR, REQUIREMENTS, SCHOOL_ROWS, SCHOOLS,
                           STICKPROV, latest_by, register, school_year, table_rows)


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory):
    stats = compile_statistics(LASAR, register(), SCHOOL_ROWS, areas=AREAS, sources=["fixturrader"],
                               compiled_at=datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc))
    return write_workbook(build_sheets(stats), tmp_path_factory.mktemp("wb") / "statistik.xlsx",
                          title=f"SIP-uppföljning {LASAR}")


@pytest.fixture(scope="module")
def wb(workbook_path):
    return load_workbook(workbook_path)


def expected_per_school():
    """Each register school's figures, computed with loops straight from the fixture rows."""
    annual = {r["skolenhetskod"]: r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar"))
              if r["lasar"] == LASAR}
    docs = [d for d in latest_by(STICKPROV, ("skolenhetskod", "lasar", "dokument_nr")) if d["lasar"] == LASAR]
    out = {}
    for school in SCHOOLS:
        code = school.skolenhetskod
        row = annual.get(code)
        pupils = [p for p in (school.elever_f, school.elever_1_9) if p is not None]
        my_docs = [d for d in docs if d["skolenhetskod"] == code]
        met = sum(d[f].lower() == "ja" for d in my_docs for f in REQUIREMENTS)
        out[code] = {
            "Status": "Inskickad" if row else "Saknas",
            "SIP-processer initierade": int(row["sip_initierade"]) if row else None,
            "SIP-möten deltagit": int(row["sip_deltagit"]) if row else None,
            "Elever F–9": sum(pupils) if pupils else None,
            "SIP per 100 elever": (int(row["sip_initierade"]) * 100 / sum(pupils)) if row and pupils else None,
            "Rapporterade avvikelser": sum(1 for r in AVVIKELSE if r["skolenhetskod"] == code
                                           and school_year(r["datum"]) == LASAR),
            "Granskade dokument": len(my_docs),
            "Andel uppfyllda krav": met / (len(my_docs) * len(REQUIREMENTS)) if my_docs else None,
        }
    return out


def test_the_workbook_has_every_sheet(wb):
    assert wb.sheetnames == list(SHEET_NAMES)


def test_per_school_lists_every_register_school_with_its_figures(wb):
    ws = wb["Per skola"]
    rows = {r["Skolenhetskod"]: r for r in table_rows(ws, "PerSkola")}
    expected = expected_per_school()
    assert set(rows) == set(expected)
    for code, figures in expected.items():
        for column, value in figures.items():
            if isinstance(value, float):
                assert rows[code][column] == pytest.approx(value), (code, column)
            else:
                assert rows[code][column] == value, (code, column)


def test_numbers_are_numbers_and_codes_are_text(wb):
    ws = wb["Per skola"]
    for row in table_rows(ws, "PerSkola"):
        assert isinstance(row["Skolenhetskod"], str)
        assert row["Elever F–9"] is None or type(row["Elever F–9"]) is int
        assert row["Rapporterade avvikelser"] is None or type(row["Rapporterade avvikelser"]) is int
    header = [c.value for c in ws[1]]
    col = header.index("Andel uppfyllda krav") + 1
    shares = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value is not None]
    assert shares and all(c.number_format == "0.0%" for c in shares)


def test_formula_like_text_stays_text(wb, workbook_path):
    texts = [r["Vad skolan behöver för att alla barn med behov ska få en SIP"] for r in table_rows(wb["Behov"], "Behov")]
    for formula in FORMULA_TEXTS[:3]:
        assert formula in texts
    assert FORMULA_TEXTS[3] + " och " + FORMULA_TEXTS[4] in texts
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    # And in the file itself: no formula element anywhere.
    with zipfile.ZipFile(workbook_path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_missing_sheet_lists_schools_without_a_submission(wb):
    codes = {r["Skolenhetskod"] for r in table_rows(wb["Saknas"], "Saknas")}
    submitted = {r["skolenhetskod"] for r in ARSUPPFOLJNING if r["lasar"] == LASAR}
    assert codes == {s.skolenhetskod for s in SCHOOLS} - submitted


def test_per_school_is_a_filterable_table_with_frozen_header_and_highlights(wb):
    ws = wb["Per skola"]
    table = ws.tables["PerSkola"]
    assert table.ref.startswith("A1:") and table.ref.endswith(str(len(SCHOOLS) + 1))
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["B"].width >= 28
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    header = [c.value for c in ws[1]]
    status_letter = chr(ord("A") + header.index("Status"))
    assert any(r.startswith(status_letter + "2") for r in ranges)


def test_overview_has_key_figures_charts_time_and_sources(wb):
    ws = wb["Översikt"]
    figures = {r["Mått"]: r for r in table_rows(ws, "Nyckeltal")}
    annual = [r for r in latest_by(ARSUPPFOLJNING, ("skolenhetskod", "lasar")) if r["lasar"] == LASAR]
    assert figures["Skolor i registret"]["Antal"] == len(SCHOOLS)
    assert figures["Skolor som skickat in"]["Antal"] == len(annual)
    assert figures["Skolor som skickat in"]["Andel"] == pytest.approx(len(annual) / len(SCHOOLS))
    assert figures["SIP-processer initierade"]["Antal"] == sum(int(r["sip_initierade"]) for r in annual)
    assert figures["Skolor med utsedd SIP-kunnig"]["Antal"] == sum(r["sip_kunnig_utsedd"].lower() == "ja" for r in annual)
    categories = {r["Kategori"]: r["Antal"] for r in table_rows(ws, "AvvikelserKategoriOversikt")}
    assert categories["Kallad verksamhet deltog inte"] == 2
    assert len(ws._charts) == 2
    text = " ".join(str(c.value) for c in ws["A"][:4] if c.value)
    # 07:30 UTC is 09:30 in Swedish summer time.
    assert "Sammanställd 2026-09-01 kl. 09.30 (svensk tid)" in text and "fixturrader" in text


def test_deviation_and_audit_sheets(wb):
    months = {r["Månad"]: r["Antal"] for r in table_rows(wb["Avvikelser"], "AvvikelserManad")}
    assert months["2025-07"] == 1 and months["2026-06"] == 1 and sum(months.values()) == 5
    orgs = {r["Berörd verksamhet"]: r["Antal"] for r in table_rows(wb["Avvikelser"], "AvvikelserVerksamhet")}
    assert orgs["socialtjänst"] == 2 and orgs["BUP"] == 2
    per_req = {r["Krav"]: r for r in table_rows(wb["Stickprov"], "StickprovKrav")}
    assert len(per_req) == len(REQUIREMENTS)
    assert per_req["Är samtycket dokumenterat?"]["Uppfyllda"] == 3
    assert per_req["Är barnets delaktighet dokumenterad?"]["Uppfyllda"] == 1


def test_groups_by_area_and_trend(wb):
    groups = {r["Område"]: r for r in table_rows(wb["Per huvudman och område"], "PerGrupp")}
    assert groups["Norr"]["SIP-processer initierade"] == 11
    assert groups["Väster"]["Inskickade"] == 0
    trend = {r["Läsår"]: r for r in table_rows(wb["Trend"], "Trend")}
    assert trend["2024/25"]["Inskickade"] == 2 and trend["2025/26"]["Inskickade"] == 4


def test_the_workbook_is_titled_and_every_requirement_is_explained(wb):
    assert wb.properties.title == f"SIP-uppföljning {LASAR}"
    explained = {r["Fält"]: r["Krav"] for r in table_rows(wb["Om statistiken"], "Dokumentationskrav")}
    assert list(explained) == REQUIREMENTS and explained["ratt_arendetyp"].startswith("Är dokumentet")


def test_a_workbook_that_cannot_be_written_is_a_swedish_error_and_leaves_nothing_behind(tmp_path):
    stats = compile_statistics(LASAR, register(), SCHOOL_ROWS)
    blocked = tmp_path / "fil"
    blocked.write_text("en fil, ingen katalog", encoding="utf-8")
    with pytest.raises(OutputError, match="Arbetsboken .* kunde inte skrivas"):
        write_workbook(build_sheets(stats), blocked / "sip.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["fil"]


def test_received_is_a_date_cell_in_swedish_time(wb):
    ws = wb["Per skola"]
    rows = {r["Skolenhetskod"]: r for r in table_rows(ws, "PerSkola")}
    # The counted (second) version of Ängsskolan came 2026-06-10T08:00:00Z: 10.00 Swedish summer time.
    assert rows["10000001"]["Mottagen (svensk tid)"] == datetime(2026, 6, 10, 10, 0)
    assert rows["10000005"]["Mottagen (svensk tid)"] is None  # never answered
    header = [c.value for c in ws[1]]
    cell = ws.cell(2 + [r["Skolenhetskod"] for r in table_rows(ws, "PerSkola")].index("10000001"),
                   header.index("Mottagen (svensk tid)") + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm"


def test_the_charts_say_what_their_axes_measure_and_empty_ones_are_not_drawn(tmp_path):
    from stats_support import ALL_ROWS

    stats = compile_statistics(LASAR, register(), {"arsuppfoljning": ARSUPPFOLJNING}, areas=AREAS)
    book = load_workbook(write_workbook(build_sheets(stats), tmp_path / "tom.xlsx"))
    # No deviations, meetings or survey answers: no chart of nothing, a sentence instead.
    assert book["Avvikelser"]._charts == [] and book["Delaktighet"]._charts == []
    assert "Inga avvikelser har rapporterats för läsåret." in [c.value for c in book["Avvikelser"]["A"]]
    assert any(str(c.value).startswith("Inget medelvärde kan visas ännu") for c in book["Delaktighet"]["A"])
    full = compile_statistics(LASAR, register(), {**ALL_ROWS, "delaktighet": ALL_ROWS["delaktighet"] * 2},
                              areas=AREAS)
    book = load_workbook(write_workbook(build_sheets(full), tmp_path / "full.xlsx"))
    (survey,) = book["Delaktighet"]._charts
    assert (survey.y_axis.scaling.min, survey.y_axis.scaling.max) == (1, 5)
    (shares,) = book["Möten"]._charts
    assert (shares.y_axis.scaling.min, shares.y_axis.scaling.max, shares.y_axis.numFmt.formatCode) == (0, 1, "0%")

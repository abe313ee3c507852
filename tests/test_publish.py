"""Publishing to Google Sheets through the real gspread client and the fake Sheets API on 127.0.0.1."""
from __future__ import annotations

from datetime import datetime, timezone

import gspread.http_client
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from backoffice import gsheets
from backoffice.cli import main
from backoffice.gsheets import GSheetError
from backoffice.statistics.compiler import compile_statistics
from backoffice.statistics.pipeline import lay_out
from backoffice.statistics.publish import cell, publish_sheets
from backoffice.statistics.workbook import write_workbook
from backoffice.store.files import FileStore
from fake_sheets import fake_sheets  # noqa: F401 - the fixture
from stats_support import AREAS, ARSUPPFOLJNING, FORMULA_TEXTS, LASAR, SCHOOL_ROWS, register, write_register_csv
from test_motesrapport import compiled as compiled_meetings


def workbook_cells(ws) -> list[list]:
    """A reopened worksheet's values as the Sheets API holds them: empty as "", trailing blanks trimmed."""
    rows = []
    for row in ws.iter_rows(values_only=True):
        # A date cell goes to Google as its day number (formatted as a date there).
        row = [cell(v) for v in row]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def compiled(rows):
    return compile_statistics(LASAR, register(), rows, areas=AREAS, sources=["fixturrader"],
                              compiled_at=datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc))


@pytest.fixture
def published(fake_sheets, tmp_path):  # noqa: F811
    sheets = lay_out(compiled(SCHOOL_ROWS))
    path = write_workbook(sheets, tmp_path / "statistik.xlsx")
    key = fake_sheets.create_spreadsheet("SIP-statistik", {"Anteckningar": [["egen text"]]})
    publish_sheets(sheets, key, gsheets.open_client())
    return key, load_workbook(path)


def test_the_published_sheet_equals_the_workbook_cell_by_cell(fake_sheets, published):  # noqa: F811
    key, wb = published
    assert fake_sheets.sheet_titles(key) == ["Anteckningar"] + wb.sheetnames
    for ws in wb.worksheets:
        assert fake_sheets.raw_values(key, ws.title) == workbook_cells(ws), ws.title
    assert fake_sheets.raw_values(key, "Anteckningar") == [["egen text"]]  # other worksheets left alone


def test_values_go_raw_in_batched_calls_and_formula_text_stays_text(fake_sheets, published):  # noqa: F811
    key, _ = published
    writes = [w for w in fake_sheets.writes if w["kind"] != "clear"]
    assert writes and all(w["valueInputOption"] == "RAW" for w in writes)
    assert {w["kind"] for w in writes} == {"batchUpdate"}
    # Two metadata reads, one structure call, one values call and one formatting call: not per sheet.
    assert len(fake_sheets.requests) <= 6
    shown = [cell for row in fake_sheets.values(key, "Behov") for cell in row]
    for text in FORMULA_TEXTS[:3]:
        assert text in shown
    numbers = fake_sheets.raw_values(key, "Per skola")
    header = numbers[0]
    column = header.index("SIP-processer initierade")
    assert all(type(row[column]) is int for row in numbers[1:] if len(row) > column and row[column] != "")


def test_publishing_again_replaces_the_old_figures(fake_sheets, published, tmp_path):  # noqa: F811
    key, _ = published
    fewer = lay_out(compiled({"arsuppfoljning": [r for r in ARSUPPFOLJNING if r["skolenhetskod"] == "10000004"]}))
    path = write_workbook(fewer, tmp_path / "ny.xlsx")
    publish_sheets(fewer, key, gsheets.open_client())
    wb = load_workbook(path)
    assert fake_sheets.sheet_titles(key).count("Per skola") == 1
    for ws in wb.worksheets:
        assert fake_sheets.raw_values(key, ws.title) == workbook_cells(ws), ws.title


def test_quota_errors_are_retried_with_backoff(fake_sheets, monkeypatch, tmp_path):  # noqa: F811
    waits = []
    monkeypatch.setattr(gspread.http_client.time, "sleep", waits.append)
    sheets = lay_out(compiled({"arsuppfoljning": ARSUPPFOLJNING}))
    key = fake_sheets.create_spreadsheet("SIP-statistik")
    fake_sheets.fail_next(2, status=429)
    publish_sheets(sheets, key, gsheets.open_client())
    assert waits == [2, 4]
    wb = load_workbook(write_workbook(sheets, tmp_path / "x.xlsx"))
    assert fake_sheets.raw_values(key, "Per skola") == workbook_cells(wb["Per skola"])


def test_publish_command_and_compile_with_gsheet(fake_sheets, tmp_path):  # noqa: F811
    register_csv = write_register_csv(tmp_path / "skolor.csv")
    FileStore(tmp_path / "lager").append("arsuppfoljning", [
        {k: v for k, v in ARSUPPFOLJNING[1].items() if k not in ("mottagen", "kvitto", "version", "kanal")}])
    key = fake_sheets.create_spreadsheet("SIP-statistik")
    common = ["--lasar", LASAR, "--data", str(tmp_path / "lager"), "--register", str(register_csv)]
    result = CliRunner().invoke(main, ["publish", *common, "--gsheet", key])
    assert result.exit_code == 0, result.output
    assert "Publicerat i Google Kalkylark" in result.stdout
    missing_codes = [row[0] for row in fake_sheets.values(key, "Saknas")[1:]]
    assert "10000002" not in missing_codes and "10000001" in missing_codes and len(missing_codes) == 5
    out = tmp_path / "sip.xlsx"
    result = CliRunner().invoke(main, ["compile", *common, "--out", str(out), "--gsheet", key])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    for ws in wb.worksheets:
        assert fake_sheets.raw_values(key, ws.title) == workbook_cells(ws), ws.title
    missing = CliRunner().invoke(main, ["publish", *common, "--gsheet", "finns-inte"])
    assert missing.exit_code == 2 and "finns inte" in missing.output and "Traceback" not in missing.output


def test_the_published_meeting_and_survey_sheets_equal_the_workbook(fake_sheets, tmp_path):  # noqa: F811
    sheets = lay_out(compiled_meetings())
    wb = load_workbook(write_workbook(sheets, tmp_path / "s.xlsx"))
    key = fake_sheets.create_spreadsheet("SIP-statistik", {})
    publish_sheets(sheets, key, gsheets.open_client())
    for name in ("Möten", "Delaktighet"):
        assert fake_sheets.raw_values(key, name) == workbook_cells(wb[name]), name


def test_a_spreadsheet_that_is_not_there_is_a_swedish_error(fake_sheets):  # noqa: F811
    sheets = lay_out(compiled({"arsuppfoljning": ARSUPPFOLJNING}))
    with pytest.raises(GSheetError, match="finns inte eller är inte delat med tjänstekontot"):
        publish_sheets(sheets, "finns-inte", gsheets.open_client())

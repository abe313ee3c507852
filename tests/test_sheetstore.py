"""A Google Sheet as the store: real gspread against the fake Sheets API on 127.0.0.1."""
from __future__ import annotations

import requests

from backoffice.gsheets import open_client
from backoffice.store.sheets import SheetStore
from backoffice.forms.schema import load_form
from backoffice.store.rows import columns, old_columns
from fake_sheets import fake_sheets  # noqa: F401
from intake_support import ARSUPPFOLJNING, LASAR, receipt_number, running_server, schools, submit  # noqa: F401

ANSWER = {"skolenhetskod": "40526633", "lasar": "2025/26", **ARSUPPFOLJNING}


def test_appends_raw_rows_with_versions_to_a_worksheet_per_form(fake_sheets):
    key = fake_sheets.create_spreadsheet("SIP-svar", {"Blad1": []})
    store = SheetStore(key, open_client())
    store.append("arsuppfoljning", [ANSWER])
    # Text that looks like a formula must stay text (RAW), never be evaluated by Google.
    tricky = dict(ANSWER, lasar="2024/25", behov="=HYPERLINK(\"http://elak.example\";\"klicka\")")
    store.append("arsuppfoljning", [tricky, ANSWER], kanal="import")
    assert fake_sheets.sheet_titles(key) == ["Blad1", "arsuppfoljning"]
    values = fake_sheets.values(key, "arsuppfoljning")
    assert values[0] == columns(load_form("arsuppfoljning"))
    rows = [dict(zip(values[0], row)) for row in values[1:]]
    assert [(r["lasar"], r["version"], r["kanal"]) for r in rows] == [
        ("2025/26", "1", "webb"), ("2024/25", "1", "import"), ("2025/26", "2", "import")]
    assert rows[1]["behov"] == tricky["behov"]
    appends = [w for w in fake_sheets.writes if w["kind"] == "append"]
    assert [len(w["values"]) for w in appends] == [1, 2]  # one call per submission, all rows at once
    assert {w["valueInputOption"] for w in fake_sheets.writes} == {"RAW"}
    latest = store.read_latest("arsuppfoljning")
    assert sorted((r["lasar"], r["version"]) for r in latest) == [("2024/25", "1"), ("2025/26", "2")]


def test_quota_errors_are_retried(fake_sheets):
    key = fake_sheets.create_spreadsheet("SIP-svar", {"Blad1": []})
    store = SheetStore(key, open_client())
    store.append("avvikelse", [{"skolenhetskod": "40526633", "datum": "2025-03-14", "kategori": "Annat",
                                "berorda_verksamheter": "skola", "lost_i_chefslinjen": "ja",
                                "handelseanalys": "nej", "rapporterad_medcontrol": "nej", "beskrivning": ""}])
    fake_sheets.fail_next(2, status=429)
    store.append("avvikelse", [{"skolenhetskod": "66906957", "datum": "2025-03-15", "kategori": "Annat",
                                "berorda_verksamheter": "BUP", "lost_i_chefslinjen": "nej",
                                "handelseanalys": "nej", "rapporterad_medcontrol": "nej", "beskrivning": ""}])
    assert [r["skolenhetskod"] for r in store.read_rows("avvikelse")] == ["40526633", "66906957"]
    assert [r.status for r in fake_sheets.requests].count(429) == 2


def test_the_intake_service_can_store_in_a_sheet(fake_sheets, built_site, tmp_path, schools):
    key = fake_sheets.create_spreadsheet("SIP-svar", {"Blad1": []})
    store = SheetStore(key, open_client())
    with running_server(built_site, tmp_path / "store", store=store) as server:
        response = submit(requests.Session(), server, "arsuppfoljning",
                          server.link("arsuppfoljning", schools[0]), ARSUPPFOLJNING)
        kvitto = receipt_number(response.text)
    values = fake_sheets.values(key, "arsuppfoljning")
    row = dict(zip(values[0], values[1]))
    assert (row["kvitto"], row["skolenhetskod"], row["lasar"]) == (kvitto, schools[0], LASAR)
    assert not (tmp_path / "store" / "arsuppfoljning.csv").exists()


def test_a_version_edited_by_hand_in_the_sheet_stops_the_store_with_the_row_named(fake_sheets):
    import pytest

    from backoffice.store.files import StoreError

    header = old_columns(load_form("arsuppfoljning"))  # a worksheet written before corrections existed
    row = [ANSWER.get(c, "") for c in header[:-4]] + ["2025-09-01T08:00:00Z", "SIP-2025-ABCDEF", "två", "webb"]
    key = fake_sheets.create_spreadsheet("SIP-svar", {"arsuppfoljning": [header, [""] * len(header), row]})
    store = SheetStore(key, open_client())
    with pytest.raises(StoreError, match=r"Rad 3 på fliken arsuppfoljning .* versionen ”två”"):
        store.append("arsuppfoljning", [ANSWER])
    assert fake_sheets.values(key, "arsuppfoljning")[2] == row  # nothing appended or changed
    assert len(fake_sheets.values(key, "arsuppfoljning")) == 3


def test_google_refusing_the_store_is_a_swedish_message(fake_sheets):
    import pytest

    from backoffice.gsheets import GSheetError

    with pytest.raises(GSheetError, match="finns inte eller är inte delat med tjänstekontot"):
        SheetStore("finns-inte", open_client()).read_rows("arsuppfoljning")
    key = fake_sheets.create_spreadsheet("SIP-svar", {"Blad1": []})
    fake_sheets.fail_next(1, status=403)
    with pytest.raises(GSheetError, match=f"Tjänstekontot har inte behörighet till Google-kalkylarket {key}"):
        SheetStore(key, open_client()).append("arsuppfoljning", [ANSWER])
    assert fake_sheets.sheet_titles(key) == ["Blad1"]  # nothing written

"""The gspread client from backoffice.gsheets against the fake Sheets API on 127.0.0.1."""
import json

import gspread
import gspread.http_client
import pytest
import requests

from backoffice import gsheets
from fake_sheets import FakeSheets, fake_sheets  # noqa: F401 - the fixture


def test_client_reads_a_worksheet_with_a_quoted_title(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Uppföljning", {"Blad 1": [["a"]], "Svar från skolor": [["kod", "antal"], ["40526633", "4"]]})
    client = gsheets.open_client()
    assert isinstance(client.http_client, gspread.http_client.BackOffHTTPClient)
    title, values = gsheets.read_values(client, key, "Svar från skolor")
    assert (title, values) == ("Svar från skolor", [["kod", "antal"], ["40526633", "4"]])
    # gspread quotes the title: GET …/values/'Svar från skolor'
    gets = [r.path for r in fake_sheets.requests if "/values/" in r.path]
    assert gets == [f"/v4/spreadsheets/{key}/values/'Svar från skolor'"]
    assert gsheets.read_values(client, key) == ("Blad 1", [["a"]])


def test_empty_sheet_reads_as_one_empty_row(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Tom", {"Blad1": []})
    sheet = gsheets.open_client().open_by_key(key).sheet1
    assert sheet.get_all_values() == [[]]
    response = sheet.spreadsheet.values_get("'Blad1'")
    assert "values" not in response and response["range"] == "Blad1!A1:Z1000"


def test_update_is_raw_and_formula_text_stays_text(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Publicering", {"Översikt": []})
    sheet = gsheets.open_client().open_by_key(key).worksheet("Översikt")
    response = sheet.update([["Skola", "Behov"], ["Algebraskolan", '=HYPERLINK("http://x.example","klicka")'], ["Summa", 12]], "A1")
    assert response == {"spreadsheetId": key, "updatedRange": "'Översikt'!A1:B3", "updatedRows": 3,
                        "updatedColumns": 2, "updatedCells": 6}
    assert fake_sheets.writes[-1]["valueInputOption"] == "RAW"
    assert fake_sheets.values(key, "Översikt")[1][1] == '=HYPERLINK("http://x.example","klicka")'
    assert fake_sheets.raw_values(key, "Översikt")[2] == ["Summa", 12]


def test_append_rows_after_the_last_row(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Lager", {"arsuppfoljning": [["skolenhetskod", "lasar"], ["40526633", "2025/26"]]})
    sheet = gsheets.open_client().open_by_key(key).worksheet("arsuppfoljning")
    response = sheet.append_rows([["66906957", "2025/26"], ["42558944", "2025/26"]], value_input_option="RAW")
    assert response["tableRange"] == "arsuppfoljning!A1:B2"
    assert response["updates"]["updatedRange"] == "arsuppfoljning!A3:B4"
    assert response["updates"]["updatedRows"] == 2
    assert fake_sheets.values(key, "arsuppfoljning")[-1] == ["42558944", "2025/26"]
    assert [w["kind"] for w in fake_sheets.writes] == ["append"]
    assert fake_sheets.writes[0]["valueInputOption"] == "RAW"


def test_add_rename_freeze_resize_clear_and_delete_worksheets(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Publicering", {"Blad1": [["x"]]})
    spreadsheet = gsheets.open_client().open_by_key(key)
    sheet = spreadsheet.add_worksheet("Per skola", rows=5, cols=3)
    assert (sheet.title, sheet.row_count, sheet.col_count) == ("Per skola", 5, 3)
    assert fake_sheets.sheet_titles(key) == ["Blad1", "Per skola"]
    sheet.update([["a", "b", "c"]] * 5, "A1")
    with pytest.raises(gspread.exceptions.APIError) as info:
        sheet.update([["too"]] * 6, "A1")  # Google refuses writes beyond the grid
    assert info.value.code == 400 and "exceeds grid limits" in str(info.value)
    sheet.resize(rows=10)
    sheet.freeze(rows=1)
    sheet.update_title("Skolor")
    properties = spreadsheet.fetch_sheet_metadata()["sheets"][1]["properties"]
    assert properties["title"] == "Skolor"
    assert properties["gridProperties"] == {"rowCount": 10, "columnCount": 3, "frozenRowCount": 1}
    sheet.clear()
    assert fake_sheets.values(key, "Skolor") == []
    with pytest.raises(gspread.exceptions.APIError):
        spreadsheet.add_worksheet("Blad1", rows=1, cols=1)  # a title that exists
    spreadsheet.del_worksheet(sheet)
    assert fake_sheets.sheet_titles(key) == ["Blad1"]
    kinds = [next(iter(r)) for r in fake_sheets.sheet_requests]
    assert kinds == ["addSheet", "updateSheetProperties", "updateSheetProperties", "updateSheetProperties",
                     "addSheet", "deleteSheet"]


def test_values_batch_update_and_batch_get(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Publicering", {"A": [], "B b": []})
    spreadsheet = gsheets.open_client().open_by_key(key)
    response = spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": [
        {"range": "A!A1", "values": [["1", "2"]]}, {"range": "'B b'!B2", "values": [["x"], ["y"]]}]})
    assert response["totalUpdatedCells"] == 4 and response["totalUpdatedSheets"] == 2
    assert [r["updatedRange"] for r in response["responses"]] == ["A!A1:B1", "'B b'!B2:B3"]
    assert {w["valueInputOption"] for w in fake_sheets.writes} == {"RAW"}
    got = spreadsheet.values_batch_get(["A!A1:B1", "'B b'"])
    assert [vr.get("values") for vr in got["valueRanges"]] == [[["1", "2"]], [[], ["", "x"], ["", "y"]]]
    sheet = spreadsheet.worksheet("B b")
    sheet.batch_update([{"range": "A1", "values": [["=1+1"]]}])  # gspread's default here: RAW
    assert fake_sheets.writes[-1]["valueInputOption"] == "RAW"
    assert fake_sheets.values(key, "B b")[0] == ["=1+1"]


def test_user_entered_is_recorded_so_tests_can_refuse_it(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("X", {"Blad1": []})
    sheet = gsheets.open_client().open_by_key(key).sheet1
    sheet.update_acell("A1", "5")  # gspread always sends USER_ENTERED here
    assert fake_sheets.writes[-1]["valueInputOption"] == "USER_ENTERED"
    assert fake_sheets.raw_values(key, "Blad1") == [[5]]


def test_backoff_on_429_then_success(fake_sheets, monkeypatch):  # noqa: F811
    waits = []
    monkeypatch.setattr(gspread.http_client.time, "sleep", waits.append)
    key = fake_sheets.create_spreadsheet("X", {"Blad1": [["a"]]})
    client = gsheets.open_client()
    fake_sheets.fail_next(3, status=429)
    assert client.open_by_key(key).sheet1.get_all_values() == [["a"]]
    assert waits == [2, 4, 8]
    statuses = [r.status for r in fake_sheets.requests]
    assert statuses[:4] == [429, 429, 429, 200] and set(statuses[4:]) == {200}


def test_429_response_is_shaped_like_google(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("X")
    fake_sheets.fail_next(1)
    response = requests.get(f"{fake_sheets.url}/v4/spreadsheets/{key}")
    assert response.status_code == 429
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED") and "Quota exceeded" in error["message"]


def test_unknown_spreadsheet_is_404_and_a_swedish_message(fake_sheets):  # noqa: F811
    response = requests.get(f"{fake_sheets.url}/v4/spreadsheets/nope")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}
    with pytest.raises(gsheets.GSheetError) as info:
        gsheets.read_values(gsheets.open_client(), "nope")
    assert "finns inte eller är inte delat" in str(info.value)


def test_a_sheet_not_shared_is_403_and_a_swedish_message(fake_sheets):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Delas inte")
    fake_sheets.fail_next(1, status=403)
    response = requests.get(f"{fake_sheets.url}/v4/spreadsheets/{key}")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": 403, "message": "The caller does not have permission",
                                         "status": "PERMISSION_DENIED"}}
    fake_sheets.fail_next(1, status=403)
    with pytest.raises(gsheets.GSheetError) as info:
        gsheets.read_values(gsheets.open_client(), key)
    assert "har inte behörighet" in str(info.value) and "Dela arket" in str(info.value)


def _service_account_key(path, token_uri):
    """A service-account key file as Google Cloud Console gives it, with a fresh RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "sip-test", "private_key_id": "1",
        "private_key": private.decode("ascii"), "client_email": "sip@sip-test.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": token_uri}), encoding="utf-8")
    return str(path)


def test_a_refused_key_gives_a_swedish_message(fake_sheets, monkeypatch, tmp_path):  # noqa: F811
    # Only the token request can go to the fake: with a real key, Sheets calls go to Google.
    monkeypatch.delenv("SIP_SHEETS_API_URL")
    fake_sheets.token_refusal = "Invalid JWT Signature."
    key_file = _service_account_key(tmp_path / "nyckel.json", fake_sheets.url + "/token")
    with pytest.raises(gsheets.GSheetError) as info:
        gsheets.read_values(gsheets.open_client(key_file), "abc")
    assert "Google godtog inte tjänstekontots nyckel" in str(info.value)
    [form] = fake_sheets.token_requests
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]


def test_google_out_of_reach_gives_a_swedish_message(monkeypatch, tmp_path):
    import socket

    monkeypatch.delenv("SIP_SHEETS_API_URL", raising=False)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    key_file = _service_account_key(tmp_path / "nyckel.json", f"http://127.0.0.1:{port}/token")
    with pytest.raises(gsheets.GSheetError) as info:
        gsheets.read_values(gsheets.open_client(key_file), "abc")
    assert "Kunde inte nå Google Sheets" in str(info.value)


def test_drive_create_goes_to_the_fake_too(fake_sheets):  # noqa: F811
    spreadsheet = gsheets.open_client().create("Statistik 2025/26")
    assert fake_sheets.spreadsheets[spreadsheet.id].title == "Statistik 2025/26"
    assert spreadsheet.sheet1.title == "Sheet1"


def test_session_rewrites_sheets_and_drive_urls_only():
    session = gsheets.RedirectingSession("http://127.0.0.1:9/")
    assert session.rewrite("https://sheets.googleapis.com/v4/spreadsheets/k") == "http://127.0.0.1:9/v4/spreadsheets/k"
    assert session.rewrite("https://www.googleapis.com/drive/v3/files") == "http://127.0.0.1:9/drive/v3/files"
    assert session.rewrite("https://example.org/x") == "https://example.org/x"


def test_credentials_are_required_without_the_fake(monkeypatch, tmp_path):
    monkeypatch.delenv("SIP_SHEETS_API_URL", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(gsheets.GSheetError, match="--credentials"):
        gsheets.open_client()
    with pytest.raises(gsheets.GSheetError, match="finns inte"):
        gsheets.open_client(str(tmp_path / "saknas.json"))
    broken = tmp_path / "nyckel.json"
    broken.write_text(json.dumps({"type": "service_account"}), encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(broken))
    with pytest.raises(gsheets.GSheetError, match="inte en JSON-nyckel"):
        gsheets.open_client()


def test_fake_can_run_outside_pytest_fixtures():
    with FakeSheets() as fake:
        key = fake.create_spreadsheet("X", {"Blad1": [["1"]]})
        assert requests.get(f"{fake.url}/v4/spreadsheets/{key}/values/Blad1").json()["values"] == [["1"]]

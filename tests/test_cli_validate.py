"""`sip-backoffice validate` as a coordinator uses it: exit codes, Swedish report, JSON equal to the text."""
import re
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from backoffice.cli import main
from fake_sheets import fake_sheets  # noqa: F401 - the fixture
from validate_support import fixture

ROOT = fixture("x").parents[3]


def run(*args):
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def test_valid_swedish_excel_csv_exits_0():
    result = run(fixture("arsuppfoljning-excel-ansi.csv"), "--form", "arsuppfoljning")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("arsuppfoljning-excel-ansi.csv: inga fel (5 rader, blanketten arsuppfoljning).")
    assert lines[-1] == "Sammanfattning: 1 tabell med 5 rader kontrollerade, inga fel."


def test_invalid_file_exits_1_with_row_column_and_what_to_do():
    result = run(fixture("fel-heltal.csv"), "--form", "arsuppfoljning")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(str(fixture("fel-heltal.csv")) + ", rad 3, kolumn C (sip_initierade): ")
    assert "Värdet är inte ett heltal. Skriv ett heltal" in first
    assert "tre" not in result.output
    assert result.output.splitlines()[-1].startswith("Sammanfattning: 1 tabell med 5 rader kontrollerade, 1 fel i 1 av 1 tabell.")


def test_personal_data_is_never_repeated_in_the_report():
    result = run(fixture("fel-personnummer.csv"), "--form", "arsuppfoljning")
    assert result.exit_code == 1
    assert "rad 4, kolumn E (behov): Texten verkar innehålla personnummer" in result.output
    assert "1212" not in result.output.replace(str(fixture("fel-personnummer.csv")), "")


def test_xlsx_first_sheet_and_named_sheet():
    assert run(fixture("uppfoljning.xlsx"), "--form", "arsuppfoljning").exit_code == 0
    named = run(fixture("uppfoljning.xlsx"), "--form", "avvikelse", "--sheet", "Avvikelser")
    assert named.exit_code == 0, named.output
    assert "(bladet Avvikelser): inga fel (4 rader" in named.output


def _human_error_lines(output):
    return [line for line in output.splitlines() if not line.startswith("Sammanfattning:") and "inga fel (" not in line]


def test_json_report_has_the_same_errors_as_the_human_report():
    files = [fixture(n) for n in ("fel-heltal.csv", "fel-saknad-kolumn.csv", "fel-dubblett.csv",
                                  "fel-extra-varden.csv", "arsuppfoljning-excel-utf8.csv")]
    human = run(*files, "--form", "arsuppfoljning")
    as_json = run(*files, "--form", "arsuppfoljning", "--json")
    assert human.exit_code == as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["valid"] is False
    assert [t["path"] for t in report["tables"]] == [str(f) for f in files]
    assert set(report) == {"valid", "tables"}
    assert all(set(t) == {"path", "form", "rows", "errors"} for t in report["tables"])
    errors = [(t["path"], e) for t in report["tables"] for e in t["errors"]]
    lines = _human_error_lines(human.output)
    assert len(lines) == len(errors) == 4
    for line, (path, error) in zip(lines, errors):
        assert set(error) == {"row", "field", "column", "code", "message"}
        assert line.startswith(path)
        assert line.endswith(": " + error["message"])
        assert f"rad {error['row']}" in line
        if error["field"]:
            # One column format everywhere: the letter the spreadsheet shows, then the name.
            where = f"kolumn {error['column']} ({error['field']})" if error["column"] else f"kolumn {error['field']}"
            assert where in line
    assert report["tables"][4] == {"path": str(files[4]), "form": "arsuppfoljning", "rows": 5, "errors": []}


def test_row_and_column_are_those_excel_shows_when_the_table_does_not_start_at_a1(tmp_path):
    import openpyxl

    # Columns in another order than the form's, an empty column A, blank rows kept in the numbering.
    header = ["lasar", "Skolenhetskod", "behov", "sip_kunnig_utsedd", "sip_initierade", "sip_deltagit",
              "avvikelse_utredd", "avvikelser_utredda"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([None] + header)
    sheet.append([None, "2025/26", 40526633, "", "ja", 2, 1, "nej", None])
    sheet.append([])
    sheet.append([None, "2025/26", 66906957, "", "ja", "två", 1, "nej", None])
    path = tmp_path / "svar.xlsx"
    workbook.save(path)
    result = run(path, "--form", "arsuppfoljning")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{path}, rad 4, kolumn F (sip_initierade): Värdet är inte ett heltal. Skriv ett heltal med bara "
        "siffror (inga decimaler, mellanslag eller ord), till exempel 3.")
    assert openpyxl.load_workbook(path)["Sheet"]["F4"].value == "två"  # where Excel shows the cell


def test_json_equals_the_human_report_for_unusable_tables_too():
    files = [fixture("tom.csv"), fixture("fel-rubrikrad-saknas.csv"), fixture("fel-varde-utan-rubrik.csv"), "saknas.csv"]
    human = run(*files, "--form", "arsuppfoljning")
    as_json = run(*files, "--form", "arsuppfoljning", "--json")
    assert human.exit_code == as_json.exit_code == 2
    errors = [(t["path"], e) for t in json.loads(as_json.output)["tables"] for e in t["errors"]]
    lines = _human_error_lines(human.output)
    assert len(lines) == len(errors) == 4
    for line, (path, error) in zip(lines, errors):
        where = path if error["row"] is None else f"{path}, rad {error['row']}"
        assert line == f"{where}: {error['message']}"
    assert [e["code"] for _, e in errors] == ["source-error", "no-header", "extra-cell", "source-error"]
    assert human.output.splitlines()[-1].startswith("Sammanfattning: 4 tabeller med 4 rader kontrollerade, 4 fel i 4 av 4 tabeller.")


def test_json_valid_run():
    result = run(fixture("stickprov-excel-utf8.csv"), "--form", "stickprov", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["valid"] is True


@pytest.mark.parametrize("args, text", [
    (["finns-inte.csv", "--form", "arsuppfoljning"], "filen finns inte"),
    ([fixture("inte-en-tabell.csv"), "--form", "arsuppfoljning"], "inte en textfil"),
    ([fixture("tom.csv"), "--form", "arsuppfoljning"], "filen är tom"),
    ([fixture("trasig.xlsx"), "--form", "arsuppfoljning"], "Excel-arbetsbok"),
    ([fixture("uppfoljning.xlsx"), "--form", "avvikelse", "--sheet", "Blad9"], "inget blad som heter ”Blad9”"),
    ([fixture("fel-heltal.csv"), "--form", "enkat"], "Det finns ingen blankett som heter ”enkat”"),
    ([fixture("fel-heltal.csv")], "Ange vilken blankett"),
    (["--form", "avvikelse"], "Ange minst en fil"),
    ([fixture("fel-heltal.csv"), "--form", "arsuppfoljning", "--bogus"], "Okänt alternativ: --bogus"),
    ([fixture("fel-heltal.csv"), "--form"], "Alternativet --form behöver ett värde"),
    ([fixture("fel-heltal.csv"), "--form", "arsuppfoljning", "--sheet", "Blad1"], "gäller bara Excel"),
    ([fixture("fel-heltal.csv"), "--form", "arsuppfoljning", "--register", "saknas.csv"], "Skolregistret saknas.csv finns inte"),
])
def test_unusable_input_exits_2_with_a_swedish_message(args, text):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert text in result.output
    assert "Traceback" not in result.output and "Error:" not in result.output


def test_a_missing_file_is_named_once():
    result = run("finns-inte.csv", "--form", "arsuppfoljning")
    assert result.output.splitlines()[0] == "finns-inte.csv: filen finns inte. Kontrollera sökvägen och filnamnet."


def test_a_table_of_another_form_gets_one_message_naming_the_right_form():
    result = run(fixture("avvikelse-excel-ansi.csv"), "--form", "arsuppfoljning", "--json")
    assert result.exit_code == 2
    [error] = json.loads(result.output)["tables"][0]["errors"]
    assert error["code"] == "wrong-form" and error["row"] == 1
    assert "hör till blanketten avvikelse" in error["message"] and "--form avvikelse" in error["message"]
    # The right form still validates the same file.
    assert run(fixture("avvikelse-excel-ansi.csv"), "--form", "avvikelse").exit_code == 0


def test_a_table_without_header_row_exits_2_without_repeating_row_1():
    path = fixture("fel-rubrikrad-saknas.csv")
    human = run(path, "--form", "arsuppfoljning")
    assert human.exit_code == 2
    assert human.output.splitlines()[0].startswith(f"{path}, rad 1: Ingen rubrik i första raden hör till blanketten")
    assert "1212" not in human.output.replace(str(path), "") and "070" not in human.output
    [error] = json.loads(run(path, "--form", "arsuppfoljning", "--json").output)["tables"][0]["errors"]
    assert (error["row"], error["field"], error["code"]) == (1, None, "no-header")


def test_one_unusable_file_among_good_ones_exits_2_and_reports_all():
    result = run(fixture("fel-heltal.csv"), fixture("tom.csv"), "--form", "arsuppfoljning", "--json")
    assert result.exit_code == 2
    tables = json.loads(result.output)["tables"]
    assert [t["errors"][0]["code"] for t in tables] == ["type-error", "source-error"]
    assert tables[1]["errors"][0]["row"] is None


def test_python_dash_m_backoffice_and_quiet_progress_when_not_a_terminal():
    done = subprocess.run([sys.executable, "-m", "backoffice", "validate", str(fixture("fel-epost.csv")),
                           "--form", "arsuppfoljning"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "rad 2, kolumn E (behov): Texten verkar innehålla e-postadress" in done.stdout
    assert done.stderr == ""  # no progress bar when stderr is not a terminal


def test_progress_bar_on_a_large_file_when_stderr_is_a_terminal(tmp_path):
    # A real pseudo-terminal for stderr, as when a coordinator runs the command by hand.
    import os
    import pty

    from backoffice.register import load_register

    codes = sorted(load_register())
    path = tmp_path / "stor.csv"
    header = "skolenhetskod,lasar,sip_initierade,sip_deltagit,behov,avvikelse_utredd,avvikelser_utredda,sip_kunnig_utsedd\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header)
        for year in range(1700, 2100):
            for code in codes:
                handle.write(f"{code},{year}/{(year + 1) % 100:02d},1,1,,nej,,ja\n")
    assert path.stat().st_size > 2_000_000
    primary, secondary = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "backoffice", "validate", str(path), "--form", "arsuppfoljning",
                           "--json"], stdout=subprocess.PIPE, stderr=secondary, cwd=ROOT)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert done.returncode == 0
    assert "Kontrollerar stor.csv".encode() in shown
    assert json.loads(done.stdout)["tables"][0]["rows"] == 400 * len(codes)


def test_google_sheet_through_the_fake_api(fake_sheets):  # noqa: F811
    header = ["skolenhetskod", "lasar", "sip_initierade", "sip_deltagit", "behov", "avvikelse_utredd",
              "avvikelser_utredda", "sip_kunnig_utsedd"]
    key = fake_sheets.create_spreadsheet("Årsuppföljning 2025/26", {
        "Instruktioner": [["Fyll i fliken Svar."]],
        "Svar": [header, ["40526633", "2025/26", "4", "7", "Mer tid för samordning.", "Ja", "2", "ja"],
                 ["66906957", "2025/26", "2", "1", "", "nej", "3", "ja"]],
    })
    result = run(f"gsheet:{key}/Svar", "--form", "arsuppfoljning")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        f"gsheet:{key}/Svar, rad 3, kolumn G (avvikelser_utredda): Antalet utredda avvikelser ska vara 0 eller "
        "tomt när svaret på frågan om utredd avvikelse är nej. Töm fältet, eller ändra svaret till ja.")
    # Nothing was written to the sheet.
    assert fake_sheets.writes == []
    # Without a worksheet the first one is read: here the instructions, which are not the table.
    first_sheet = run(f"gsheet:{key}", "--form", "arsuppfoljning")
    assert first_sheet.exit_code == 2
    assert "Ingen rubrik i första raden hör till blanketten arsuppfoljning. Kontrollera att det är rätt fil och rätt blad." in first_sheet.output


def test_google_sheet_quota_errors_are_retried(fake_sheets, monkeypatch):  # noqa: F811
    import gspread.http_client

    waits = []
    monkeypatch.setattr(gspread.http_client.time, "sleep", waits.append)
    header = ["skolenhetskod", "lasar", "dokument_nr", "arendetyp"] + [
        "samtycke_dokumenterat", "samtycke_avgransat", "barnets_delaktighet", "huvudansvarig_namngiven",
        "insatser_med_ansvarig", "mal_kort_sikt", "mal_lang_sikt", "uppfoljning_tid_plats", "ratt_arendetyp"]
    key = fake_sheets.create_spreadsheet("Stickprov", {"Blad1": [header, ["40526633", "2025/26", "1", "skolan kallar"] + ["ja"] * 9]})
    fake_sheets.fail_next(2, status=429)
    result = run(f"gsheet:{key}", "--form", "stickprov")
    assert result.exit_code == 0, result.output
    assert waits == [2, 4]
    assert [r.status for r in fake_sheets.requests[:3]] == [429, 429, 200]


@pytest.mark.parametrize("source, text", [
    ("gsheet:finns-inte", "finns inte eller är inte delat med tjänstekontot"),
    ("gsheet:{key}/Nej", "har ingen flik som heter ”Nej”. Flikarna heter: Svar"),
    ("gsheet:{key}/Svar", "fliken ”Svar” är tom"),
    ("gsheet:", "saknar kalkylarkets nyckel"),
])
def test_google_sheet_problems_exit_2(fake_sheets, source, text):  # noqa: F811
    key = fake_sheets.create_spreadsheet("Tom", {"Svar": []})
    result = run(source.format(key=key), "--form", "arsuppfoljning")
    assert result.exit_code == 2, result.output
    assert text in result.output


def test_google_sheet_without_credentials_says_how_to_give_them(monkeypatch):
    monkeypatch.delenv("SIP_SHEETS_API_URL", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    result = run("gsheet:abc", "--form", "arsuppfoljning")
    assert result.exit_code == 2
    assert "--credentials" in result.output and "GOOGLE_APPLICATION_CREDENTIALS" in result.output


def test_help_is_swedish_with_examples():
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Kontrollera tabeller mot en blankett" in result.output
    assert "Exempel:" in result.output and "sip-backoffice validate" in result.output
    # Every form in forms/ is named, so a coordinator need not look them up.
    for form_id in ("arsuppfoljning", "avvikelse", "stickprov", "motesrapport", "delaktighet"):
        assert form_id in result.output


def test_a_header_in_other_words_gets_one_message_that_lists_the_header_once(tmp_path):
    path = tmp_path / "egna-rubriker.csv"
    path.write_text("Skolenhetskod;Läsår;Antal initierade;Antal deltagit;Behov;Utredd;Antal utredda;SIP-kunnig\n"
                    "40526633;2025/26;4;3;;nej;;ja\n", encoding="utf-8")
    result = run(str(path), "--form", "arsuppfoljning")
    lines = _human_error_lines(result.output)
    assert len(lines) == 1
    assert "kolumn C (”Antal initierade”)" in lines[0] and "sip_kunnig_utsedd (Har rektor utsett" in lines[0]
    assert lines[0].count("skolenhetskod, lasar, sip_initierade") == 1


def test_import_names_the_column_as_validate_does(tmp_path):
    result = CliRunner().invoke(main, ["import", str(fixture("fel-heltal.csv")), "--form", "arsuppfoljning",
                                       "--data", str(tmp_path / "store")])
    assert result.exit_code == 1
    validated = _human_error_lines(run(str(fixture("fel-heltal.csv")), "--form", "arsuppfoljning").output)
    assert validated and all(line in result.output for line in validated)
    assert re.search(r"kolumn [A-Z]+ \(\w+\)", result.output)

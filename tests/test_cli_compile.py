"""`sip-backoffice compile`: from the store and from table files, as a coordinator runs it."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from backoffice.cli import main
from backoffice.store.files import FileStore
from fake_sheets import fake_sheets  # noqa: F401 - the fixture
from stats_support import LASAR, table_rows, write_register_csv

ANNUAL_HEADER = ["skolenhetskod", "lasar", "sip_initierade", "sip_deltagit", "behov", "avvikelse_utredd",
                 "avvikelser_utredda", "sip_kunnig_utsedd"]


def annual(code, initiated, behov="", lasar=LASAR, kunnig="ja"):
    return {"skolenhetskod": code, "lasar": lasar, "sip_initierade": str(initiated), "sip_deltagit": "2",
            "behov": behov, "avvikelse_utredd": "nej", "avvikelser_utredda": "0", "sip_kunnig_utsedd": kunnig}


@pytest.fixture
def register_csv(tmp_path):
    return write_register_csv(tmp_path / "skolor.csv")


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result


def per_school(path):
    return {r["Skolenhetskod"]: r for r in table_rows(load_workbook(path)["Per skola"], "PerSkola")}


def test_compile_from_the_store_counts_the_latest_version_only(tmp_path, register_csv):
    store = FileStore(tmp_path / "lager")
    store.append("arsuppfoljning", [annual("10000001", 3), annual("10000002", 4)])
    store.append("arsuppfoljning", [annual("10000001", 9, "Rättat svar.")])  # version 2 of Ängsskolan
    out = tmp_path / "sip.xlsx"
    result = run("compile", "--lasar", LASAR, "--data", str(tmp_path / "lager"), "--register", str(register_csv),
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = per_school(out)
    assert rows["10000001"]["SIP-processer initierade"] == 9
    assert rows["10000002"]["SIP-processer initierade"] == 4
    assert rows["10000005"]["Status"] == "Saknas" and rows["10000001"]["Status"] == "Inskickad"
    assert "2 av 6 skolor har skickat in, 13 SIP-processer initierade" in result.stdout
    assert "Skriver arbetsboken" not in result.output  # no progress bar when not on a terminal
    figures = {r["Mått"]: r["Antal"] for r in table_rows(load_workbook(out)["Översikt"], "Nyckeltal")}
    assert figures["SIP-processer initierade"] == 13


def write_excel_csv(path, header, rows):
    """A CSV the way Swedish Excel saves it: `;`, CRLF, Windows-1252."""
    lines = [";".join(header)] + [";".join(row.get(h, "") for h in header) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def write_deviation_xlsx(path):
    wb = Workbook()
    ws = wb.active
    header = ["skolenhetskod", "datum", "kategori", "berorda_verksamheter", "lost_i_chefslinjen",
              "handelseanalys", "rapporterad_medcontrol", "beskrivning"]
    ws.append(header)
    ws.append(["10000004", "2025-09-15", "Annat", "skola, BUP", "ja", "nej", "ja", "Mötet ställdes in."])
    ws.append(["10000004", "2025-10-15", "Påhittad kategori", "skola", "ja", "nej", "ja", ""])
    wb.save(path)
    return path


def test_compile_from_files_recognises_forms_and_leaves_out_invalid_rows(tmp_path, register_csv):
    csv_path = write_excel_csv(tmp_path / "svar.csv", ANNUAL_HEADER, [
        annual("10000001", 5, '=HYPERLINK("http://x","y")'),
        annual("10000002", 6, "@SUM(A1) och =1+1"),
        annual("10000004", "många"),  # not a number: left out
        annual("99999999", 2),  # not in the register: left out
    ])
    xlsx_path = write_deviation_xlsx(tmp_path / "avvikelser.xlsx")
    out = tmp_path / "sip.xlsx"
    result = run("compile", "--lasar", LASAR, "--from", str(csv_path), "--from", str(xlsx_path),
                 "--register", str(register_csv), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "rad 4" in result.stderr and "rad 5" in result.stderr and "rad 3" in result.stderr
    assert "3 ogiltiga rader lämnades utanför" in result.stdout
    rows = per_school(out)
    assert rows["10000004"]["Status"] == "Saknas"  # its only row was invalid
    assert rows["10000001"]["SIP-processer initierade"] == 5
    assert rows["10000004"]["Rapporterade avvikelser"] == 1
    wb = load_workbook(out)
    needs = {r["Skolenhetskod"]: r["Vad skolan behöver för att alla barn med behov ska få en SIP"]
             for r in table_rows(wb["Behov"], "Behov")}
    assert needs == {"10000001": '=HYPERLINK("http://x","y")', "10000002": "@SUM(A1) och =1+1"}
    sources = " ".join(str(c.value) for c in wb["Översikt"]["A"][:4] if c.value)
    assert "svar.csv (arsuppfoljning: 2 giltiga rader av 4)" in sources


def test_areas_and_aggregates(tmp_path, register_csv):
    store = FileStore(tmp_path / "lager")
    store.append("arsuppfoljning", [annual("10000001", 3), annual("10000002", 6), annual("10000004", 12)])
    areas = tmp_path / "omraden.csv"
    areas.write_text("skolenhetskod;omrade\n10000001;Norr\n10000002;Norr\n10000004;Söder\n", encoding="utf-8")
    out, aggregates = tmp_path / "sip.xlsx", tmp_path / "site" / "statistik.json"
    result = run("compile", "--lasar", LASAR, "--data", str(tmp_path / "lager"), "--register", str(register_csv),
                 "--omraden", str(areas), "--out", str(out), "--aggregates", str(aggregates), "--troskel", "4")
    assert result.exit_code == 0, result.output
    groups = {r["Område"]: r for r in table_rows(load_workbook(out)["Per huvudman och område"], "PerGrupp")}
    assert groups["Norr"]["SIP-processer initierade"] == 9 and groups["Söder"]["Inskickade"] == 1
    assert groups["Utan område"]["Skolor i registret"] == 3
    data = json.loads(aggregates.read_text(encoding="utf-8"))
    assert data["troskel"] == 4 and data["gruppering"] == "område"
    assert {g["namn"]: g["sip_initierade"] for g in data["grupper"]} == {"Norr": 9, "Söder": 12, "Utan område": 0}


@pytest.mark.parametrize("args, message", [
    (["--lasar", "2025-26"], "2025/26"),
    # The one school-year sentence: the second year must follow the first.
    (["--lasar", "2025/27"], "Läsåret ”2025/27” ska skrivas som 2025/26, där andra året följer direkt på det första."),
    (["--from", "finns-inte.csv"], "finns inte"),
    (["--form", "okand", "--from", "x.csv"], "okand"),
    (["--data", "lager", "--from", "x.csv"], "antingen --data eller --from"),
    (["--omraden", "saknas.csv"], "Områdesfilen"),
])
def test_unusable_input_exits_2_with_a_swedish_message(tmp_path, register_csv, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lager").mkdir()
    (tmp_path / "x.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    base = {"--lasar": LASAR}
    full = ["compile"] + (["--lasar", LASAR] if "--lasar" not in args else []) + args + \
        ["--register", str(register_csv), "--out", "ut.xlsx"]
    if "--data" not in args and "--from" not in args:
        full += ["--data", "lager"]
    result = run(*full)
    assert base and result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ut.xlsx").exists()


def test_a_file_matching_no_form_is_refused(tmp_path, register_csv):
    path = tmp_path / "okand.csv"
    path.write_text("namn;antal\nx;1\n", encoding="utf-8")
    result = run("compile", "--lasar", LASAR, "--from", str(path), "--register", str(register_csv),
                 "--out", str(tmp_path / "ut.xlsx"))
    assert result.exit_code == 2
    assert "passar ingen av blanketterna" in result.output


def test_compile_from_a_google_sheet(fake_sheets, tmp_path, register_csv):  # noqa: F811
    rows = [ANNUAL_HEADER] + [[annual("10000004", 12)[h] for h in ANNUAL_HEADER],
                              [annual("10000002", 3, "=1+1")[h] for h in ANNUAL_HEADER]]
    key = fake_sheets.create_spreadsheet("Svar", {"Årsuppföljning": rows})
    out = tmp_path / "sip.xlsx"
    result = run("compile", "--lasar", LASAR, "--from", f"gsheet:{key}/Årsuppföljning",
                 "--register", str(register_csv), "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = per_school(out)
    assert rows["10000004"]["SIP-processer initierade"] == 12 and rows["10000002"]["Status"] == "Inskickad"


def test_a_workbook_that_cannot_be_written_exits_2(tmp_path, register_csv):
    (tmp_path / "fil").write_text("ingen katalog", encoding="utf-8")
    (tmp_path / "lager").mkdir()
    result = run("compile", "--lasar", LASAR, "--data", str(tmp_path / "lager"), "--register", str(register_csv),
                 "--out", str(tmp_path / "fil" / "sip.xlsx"))
    assert result.exit_code == 2, result.output
    assert "Arbetsboken" in result.stderr and "kunde inte skrivas" in result.stderr
    assert "Traceback" not in result.output


def test_a_store_that_is_not_there_exits_2_but_the_default_store_may_be_empty(tmp_path, register_csv, monkeypatch):
    result = run("compile", "--lasar", LASAR, "--data", str(tmp_path / "saknas"), "--register", str(register_csv),
                 "--out", str(tmp_path / "sip.xlsx"))
    assert result.exit_code == 2 and "Lagret" in result.stderr and "finns inte" in result.stderr
    monkeypatch.setenv("SIP_DATA", str(tmp_path / "inget-lager-an"))
    result = run("compile", "--lasar", LASAR, "--register", str(register_csv), "--out", str(tmp_path / "sip.xlsx"))
    assert result.exit_code == 0, result.output
    assert "finns inte ännu" in result.stderr and "0 av 6 skolor har skickat in" in result.stdout
    assert {r["Status"] for r in per_school(tmp_path / "sip.xlsx").values()} == {"Saknas"}


def test_aggregates_without_a_path_go_beside_the_store_and_the_page_reads_them(tmp_path, register_csv, monkeypatch):
    from backoffice.config import ROOT
    from backoffice.statistics.outputs import page_figures_path

    demo = (ROOT / "data" / "statistik.json").read_bytes()
    store = FileStore(tmp_path / "lager")
    store.append("arsuppfoljning", [annual("10000001", 3)])
    monkeypatch.delenv("SIP_STATISTIK", raising=False)
    monkeypatch.setenv("SIP_DATA", str(tmp_path / "lager"))
    assert page_figures_path() == ROOT / "data" / "statistik.json"  # nothing compiled yet: the demo figures
    result = run("compile", "--lasar", LASAR, "--register", str(register_csv), "--out", str(tmp_path / "sip.xlsx"),
                 "--aggregates")
    assert result.exit_code == 0, result.output
    written = tmp_path / "statistik.json"
    assert f"Siffrorna för handboken är skrivna: {written}" in result.stdout
    assert json.loads(written.read_text(encoding="utf-8"))["demo"] is False
    assert (ROOT / "data" / "statistik.json").read_bytes() == demo  # the tracked demo figures are untouched
    assert page_figures_path() == written
    monkeypatch.setenv("SIP_STATISTIK", str(tmp_path / "annan.json"))
    assert page_figures_path() == tmp_path / "annan.json"


def test_compile_recognises_a_filled_template_by_its_questions(tmp_path, register_csv):
    from backoffice.forms.template import write_template

    path = write_template("arsuppfoljning", tmp_path / "mall.xlsx")
    book = load_workbook(path)
    book["Svar"].append(["10000004", LASAR, 12, 2, "", "nej", 0, "ja"])
    book.save(path)
    out = tmp_path / "sip.xlsx"
    result = run("compile", "--lasar", LASAR, "--from", str(path), "--register", str(register_csv), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert per_school(out)["10000004"]["SIP-processer initierade"] == 12

"""The offline template: written from the schema, filled in like a rector would, validated and imported."""
from __future__ import annotations

import datetime as dt
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.forms.schema import load_form
from backoffice.store.files import read_rows
from backoffice.validation.table import validate_table
from intake_support import frictionless_validate


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def template(tmp_path):
    def write(form_id):
        out = tmp_path / f"{form_id}-mall.xlsx"
        result = run("template", form_id, "--out", out)
        assert result.exit_code == 0, result.output
        return out
    return write


FIELDS = ["skolenhetskod", "lasar", "sip_initierade", "sip_deltagit", "behov", "avvikelse_utredd",
          "avvikelser_utredda", "sip_kunnig_utsedd"]


def rules_by_column(sheet):
    rules = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        rules[column] = validation
    return rules


def test_template_has_the_columns_rules_messages_and_instructions(template):
    book = openpyxl.load_workbook(template("arsuppfoljning"))
    assert book.sheetnames[:2] == ["Svar", "Instruktioner"]
    sheet = book["Svar"]
    header = [cell.value for cell in sheet[1]]
    # The header asks the questions; each column's field name is a defined name of its answer cells.
    form = load_form("arsuppfoljning")
    assert header == [form.field(name).title for name in FIELDS]
    assert header[2] == "Hur många SIP-processer har du initierat under det gångna läsåret?"
    assert {name: book.defined_names[name].attr_text for name in FIELDS}["sip_initierade"] in ("Svar!$C$2:$C$1001", "'Svar'!$C$2:$C$1001")
    assert sheet.max_row == 1  # nothing below the header that could read as a blank row
    rules = rules_by_column(sheet)
    count = rules["C"]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert "heltal" in count.prompt and count.showInputMessage
    answer = rules["F"]
    assert answer.type == "list"
    listed = book[answer.formula1.split("!")[0].strip("'")]
    cells = answer.formula1.split("!")[1].replace("$", "").split(":")
    assert [c.value for row in listed[cells[0]:cells[1]] for c in row] == ["ja", "nej"]
    assert rules["E"].type == "textLength" and rules["E"].formula1 == "2000"
    instructions = " ".join(str(c.value) for row in book["Instruktioner"].iter_rows() for c in row if c.value)
    assert "frågorna: ändra inte dem" in instructions and "sip_kunnig_utsedd" in instructions


def test_deviation_template_checks_dates_and_lists_every_category(template):
    book = openpyxl.load_workbook(template("avvikelse"))
    rules = rules_by_column(book["Svar"])
    assert rules["B"].type == "date" and rules["B"].formula2 == "TODAY()"
    category = rules["C"]
    sheet_name, cells = category.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    values = [c.value for row in book[sheet_name.strip("'")][first:last] for c in row]
    assert "Kallad verksamhet deltog inte" in values and "Annat" in values and len(values) == 8


def fill(path, rows, number_formats=None):
    """Type rows into the template's answer sheet, as a rector would in Excel, and save it."""
    book = openpyxl.load_workbook(path)
    sheet = book["Svar"]
    for row in rows:
        sheet.append(row)
    for cell_ref, number_format in (number_formats or {}).items():
        sheet[cell_ref].number_format = number_format
    book.save(path)
    return path


def test_a_filled_annual_template_validates_and_imports(template, tmp_path):
    path = fill(template("arsuppfoljning"), [
        ["40526633", "2025/26", 3, 5, "Mer tid för samordning", "Ja", 2, "nej"],
        ["66906957", "2025/26", 0, 1, None, "nej", None, "ja"],
    ])
    result = run("validate", path, "--form", "arsuppfoljning")
    assert result.exit_code == 0, result.output
    data = tmp_path / "store"
    result = run("import", path, "--form", "arsuppfoljning", "--data", data)
    assert result.exit_code == 0, result.output
    rows = read_rows(data, "arsuppfoljning")
    assert [(r["skolenhetskod"], r["sip_initierade"], r["avvikelse_utredd"], r["kanal"]) for r in rows] == [
        ("40526633", "3", "ja", "import"), ("66906957", "0", "nej", "import")]
    for row in rows:
        assert row["kvitto"] in result.output  # a receipt per row, printed
    assert frictionless_validate(data).returncode == 0
    # The same file again is refused unless asked for; then it is a correction: version 2 of both answers.
    assert run("import", path, "--form", "arsuppfoljning", "--data", data).exit_code == 2
    assert run("import", path, "--form", "arsuppfoljning", "--data", data, "--igen").exit_code == 0
    assert [r["version"] for r in read_rows(data, "arsuppfoljning")] == ["1", "1", "2", "2"]


def test_a_filled_deviation_template_with_a_date_cell_imports(template, tmp_path):
    path = fill(template("avvikelse"), [
        ["40526633", dt.date(2025, 3, 14), "Annat", "skola, BUP", "pågår", "nej", "ja", "Ingen kom."],
    ], {"B2": "yyyy-mm-dd"})
    assert validate_table(path, "avvikelse").valid
    data = tmp_path / "store"
    assert run("import", path, "--form", "avvikelse", "--data", data).exit_code == 0
    (row,) = read_rows(data, "avvikelse")
    assert (row["datum"], row["berorda_verksamheter"], row["lost_i_chefslinjen"]) == ("2025-03-14", "skola, BUP", "pågår")


def test_one_bad_row_means_nothing_is_imported(template, tmp_path):
    data = tmp_path / "store"
    good = fill(template("arsuppfoljning"), [["40526633", "2025/26", 1, 1, None, "nej", None, "ja"]])
    assert run("import", good, "--form", "arsuppfoljning", "--data", data).exit_code == 0
    before = (data / "arsuppfoljning.csv").read_bytes()
    bad = tmp_path / "fel.xlsx"
    bad.write_bytes(template("arsuppfoljning").read_bytes())
    fill(bad, [
        ["66906957", "2025/26", 2, 2, None, "nej", None, "ja"],
        ["40526633", "2025/26", -1, 2, None, "nej", None, "ja"],
    ])
    result = run("import", bad, "--form", "arsuppfoljning", "--data", data)
    assert result.exit_code == 1
    assert "rad 3" in result.output and "sip_initierade" in result.output
    assert "ingenting har lagts in" in result.output
    assert (data / "arsuppfoljning.csv").read_bytes() == before


def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    result = run("import", tmp_path / "finns-inte.xlsx", "--form", "arsuppfoljning", "--data", tmp_path / "store")
    assert result.exit_code == 2
    assert "finns-inte.xlsx" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "store").exists()


def test_the_site_offers_each_template_for_download(built_site):
    index = (built_site / "blanketter" / "index.html").read_text(encoding="utf-8")
    for form_id, first_columns in [("arsuppfoljning", ["skolenhetskod", "lasar", "sip_initierade"]),
                                   ("avvikelse", ["skolenhetskod", "datum", "kategori"]),
                                   ("stickprov", ["skolenhetskod", "lasar", "dokument_nr"])]:
        assert f'href="../blanketter/mallar/{form_id}-mall.xlsx" download' in index
        book = openpyxl.load_workbook(built_site / "blanketter" / "mallar" / f"{form_id}-mall.xlsx")
        form = load_form(form_id)
        assert [c.value for c in book["Svar"][1]][:3] == [form.field(name).title for name in first_columns]
        assert "Instruktioner" in book.sheetnames


def test_a_template_filled_with_typed_cells_and_saved_by_libreoffice_imports(template, tmp_path):
    # As a spreadsheet stores what a person types: numbers as numbers (the school code too, when
    # typed into a cell that is not text), dates as date cells; then saved again by LibreOffice Calc.
    path = fill(template("avvikelse"), [
        [40526633, dt.datetime(2025, 3, 14), "Annat", "skola, BUP", "Pågår", "Nej", "ja", "Ingen kom."],
        ["66906957", dt.datetime(2025, 4, 2), "Annat", "BUP", "ja", "nej", "nej", None],
    ], {"B2": "YYYY-MM-DD", "B3": "D MMMM YYYY"})
    saved = tmp_path / "libreoffice"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profil'}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                          capture_output=True, text=True, timeout=120)
    resaved = saved / path.name
    assert resaved.exists(), done.stderr
    book = openpyxl.load_workbook(resaved)
    assert isinstance(book["Svar"]["B2"].value, dt.datetime)  # still a date cell, not text
    data = tmp_path / "store"
    result = run("import", resaved, "--form", "avvikelse", "--data", data)
    assert result.exit_code == 0, result.output
    rows = read_rows(data, "avvikelse")
    assert [(r["skolenhetskod"], r["datum"], r["lost_i_chefslinjen"], r["handelseanalys"]) for r in rows] == [
        ("40526633", "2025-03-14", "pågår", "nej"), ("66906957", "2025-04-02", "ja", "nej")]
    assert frictionless_validate(data).returncode == 0


def test_a_template_that_cannot_be_written_is_a_clear_message(tmp_path):
    blocker = tmp_path / "mallar"
    blocker.write_text("en fil, ingen mapp\n", encoding="utf-8")
    result = run("template", "arsuppfoljning", "--out", blocker / "mall.xlsx")
    assert result.exit_code == 2
    assert result.output.startswith(f"Fel: Kunde inte skriva {blocker / 'mall.xlsx'} (")


def libreoffice_saved(path, tmp_path):
    """The file as LibreOffice Calc saves it again (its own profile)."""
    saved = tmp_path / "sparad-av-libreoffice"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profil-mall'}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert (saved / path.name).exists(), done.stderr
    return saved / path.name


def test_a_template_prefilled_for_one_school_is_filled_in_saved_by_libreoffice_and_imports(tmp_path):
    out = tmp_path / "algebraskolan.xlsx"
    result = run("template", "arsuppfoljning", "--skola", "40526633", "--lasar", "2025/26", "--out", out)
    assert result.exit_code == 0, result.output
    assert "för Algebraskolan (40526633)" in result.output
    book = openpyxl.load_workbook(out)
    sheet = book["Svar"]
    assert [sheet["A2"].value, sheet["B2"].value] == ["40526633", "2025/26"] and sheet["A2"].data_type == "s"
    code_rule = rules_by_column(sheet)["A"]
    assert (code_rule.type, code_rule.formula1) == ("list", '"40526633"')
    instructions = " ".join(str(c.value) for row in book["Instruktioner"].iter_rows() for c in row if c.value)
    assert "Mallen gäller Algebraskolan (40526633), läsår 2025/26." in instructions
    # The rector answers the questions in the prefilled row, as in Excel, and LibreOffice saves it.
    for column, value in zip("CDEFGH", [3, 5, "Mer tid för samordning", "ja", 2, "nej"]):
        sheet[f"{column}2"] = value
    book.save(out)
    resaved = libreoffice_saved(out, tmp_path)
    header = [c.value for c in openpyxl.load_workbook(resaved)["Svar"][1]]
    assert header[2] == "Hur många SIP-processer har du initierat under det gångna läsåret?"
    assert validate_table(resaved, "arsuppfoljning").valid
    assert run("validate", resaved, "--form", "arsuppfoljning").exit_code == 0
    data = tmp_path / "store"
    result = run("import", resaved, "--form", "arsuppfoljning", "--data", data)
    assert result.exit_code == 0, result.output
    (row,) = read_rows(data, "arsuppfoljning")
    assert (row["skolenhetskod"], row["lasar"], row["sip_initierade"], row["behov"], row["sip_kunnig_utsedd"]) == (
        "40526633", "2025/26", "3", "Mer tid för samordning", "nej")


def test_a_template_for_a_school_not_in_the_register_is_refused_in_swedish(tmp_path):
    result = run("template", "arsuppfoljning", "--skola", "99999999", "--out", tmp_path / "mall.xlsx")
    assert result.exit_code == 2
    assert "Fel: Skolenhetskoden 99999999 finns inte i skolregistret." in result.output
    assert not (tmp_path / "mall.xlsx").exists()
    result = run("template", "arsuppfoljning", "--lasar", "2025/27", "--out", tmp_path / "mall.xlsx")
    assert result.exit_code == 2 and "2025/26" in result.output


def test_the_library_hands_out_a_prefilled_template_as_bytes():
    import io

    from backoffice.forms.template import school_prefill, template_bytes

    content = template_bytes("avvikelse", school_prefill("66906957", None))
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Svar"]
    assert sheet["A2"].value == "66906957" and sheet["B2"].value is None  # the date is the rector's to write
    assert sheet["B1"].value == load_form("avvikelse").field("datum").title

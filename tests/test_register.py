"""The school register: Skolverket's export as downloaded becomes data/skolor.csv."""
import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from backoffice import register
from backoffice.cli import main
from backoffice.config import REGISTER_PATH

FIXTURES = Path(__file__).parent / "fixtures" / "skolverket"
EXPORT = FIXTURES / "grundskolan-elever-per-arskurs-2023-utdrag.csv"


def _goteborg_lines(path):
    # Independent of the code under test: the raw data lines whose 4th column is 1480.
    text = path.read_bytes().decode("utf-8-sig")
    return [line.split(";") for line in text.splitlines() if line.count(";") >= 20 and line.split(";")[3] == "1480"]


def test_import_writes_goteborg_register(tmp_path):
    out = tmp_path / "skolor.csv"
    result = CliRunner().invoke(main, ["register", "import", str(EXPORT), "--kommun", "1480", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Skrev 174 skolenheter i kommun 1480" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == len(_goteborg_lines(EXPORT)) == 174
    assert list(rows[0]) == register.COLUMNS
    by_code = {row["skolenhetskod"]: row for row in rows}
    assert by_code["40526633"] == {
        "skolenhetskod": "40526633", "skolnamn": "Algebraskolan", "kommunkod": "1480",
        "kommun": "Göteborg", "huvudmannatyp": "Enskild", "huvudman": "Algebrautbildning Föreningen",
        "elever_f": "22", "elever_1_9": "205",
    }
    # "." in the export (no förskoleklass) becomes empty.
    assert by_code["85656343"]["skolnamn"] == "Glöstorpsskolan 7-9"
    assert by_code["85656343"]["elever_f"] == "" and by_code["85656343"]["elever_1_9"] == "329"
    assert sum(row["huvudmannatyp"] == "Kommunal" for row in rows) == 129
    assert out.read_bytes()[:3] != b"\xef\xbb\xbf"  # plain UTF-8


def test_import_without_kommun_takes_all_schools(tmp_path):
    schools = register.read_export(EXPORT)
    assert len(schools) == 184
    assert {s.kommun for s in schools} == {"Ale", "Göteborg", "Övertorneå"}


def test_shipped_register_matches_the_export_rows():
    shipped = register.load_register(REGISTER_PATH)
    expected = {line[1]: line for line in _goteborg_lines(EXPORT)}
    assert set(shipped) == set(expected)
    for code, line in expected.items():
        school = shipped[code]
        assert school.skolnamn == line[0] and school.huvudman == line[5]
        assert school.elever_1_9 == (None if line[9] in (".", "..") else int(line[9].replace(" ", "")))


def test_load_register_types():
    school = register.load_register()["40526633"]
    assert isinstance(school, register.School)
    assert school.elever_f == 22 and school.elever_1_9 == 205
    with pytest.raises(Exception):
        school.skolnamn = "x"  # frozen


def test_export_of_another_year_imports(tmp_path):
    out = tmp_path / "skolor.csv"
    result = CliRunner().invoke(main, ["register", "import", str(FIXTURES / "grundskolan-elever-per-arskurs-annat-ar.csv"),
                                       "--kommun", "1480", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(register.load_register(out)) == 174


@pytest.mark.parametrize("encoding", ["cp1252", "cp850"])
def test_export_resaved_by_excel_keeps_swedish_letters(tmp_path, encoding):
    # Opened in Excel and saved as "CSV (semikolonavgränsad)" (Windows-1252) or "CSV (MS-DOS)"
    # (cp850): no BOM, CRLF.
    text = EXPORT.read_bytes().decode("utf-8-sig")
    path = tmp_path / "export-excel.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    schools = {s.skolenhetskod: s for s in register.read_export(path, "1480")}
    assert len(schools) == 174
    assert schools["85656343"].skolnamn == "Glöstorpsskolan 7-9" and schools["85656343"].kommun == "Göteborg"
    assert schools["40526633"].huvudman == "Algebrautbildning Föreningen"


def test_suppressed_count_becomes_empty(tmp_path):
    text = EXPORT.read_bytes().decode("utf-8-sig").replace("Algebraskolan;40526633;Göteborg;1480;Enskild;Algebrautbildning Föreningen;8024730445;22;",
                                                            "Algebraskolan;40526633;Göteborg;1480;Enskild;Algebrautbildning Föreningen;8024730445;..;")
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    school = {s.skolenhetskod: s for s in register.read_export(path, "1480")}["40526633"]
    assert school.elever_f is None and school.elever_1_9 == 205


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("avbruten", None, "rad 46: raden har 3 kolumner"),
        ("inte-export.csv", "skolenhetskod;namn\n12345678;Skolan\n", "ser inte ut som Skolverkets export"),
        ("saknas.csv", False, "finns inte"),
    ],
)
def test_malformed_export_gets_a_clear_swedish_message(tmp_path, name, content, expected):
    if content is None:
        path = FIXTURES / "export-avbruten.csv"
    else:
        path = tmp_path / name
        if content:
            path.write_text(content, encoding="utf-8")
    out = tmp_path / "skolor.csv"
    out.write_text("gammalt register\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["register", "import", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert expected in result.output
    assert result.output.startswith("Fel: ")
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "gammalt register\n"  # the old register is untouched


def test_unknown_kommun_is_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["register", "import", str(EXPORT), "--kommun", "9999", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "inga skolenheter i kommun 9999" in result.output


def test_a_register_that_cannot_be_written_is_a_clear_message(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("en fil, ingen mapp\n", encoding="utf-8")
    out = blocker / "skolor.csv"
    result = CliRunner().invoke(main, ["register", "import", str(EXPORT), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Fel: Kunde inte skriva {out} (")
    assert "Traceback" not in result.output

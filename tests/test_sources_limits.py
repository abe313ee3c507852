"""Hostile tables: tiny files that declare huge work finish or stop with a Swedish message saying where.

The files are generated (tests/hostile_support.py); a test asserts what a coordinator sees: the
rows counted, the problem at the row a spreadsheet shows, or the message that stopped the run.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import hostile_support as hostile
from backoffice.cli import main
from backoffice.validation import limits, sources
from backoffice.validation.table import validate_table


def stopped(path, form="arsuppfoljning") -> str:
    with pytest.raises(sources.SourceError) as info:
        validate_table(path, form)
    assert not isinstance(info.value, sources.UnexpectedSourceError)
    return str(info.value)


def test_a_cell_in_the_last_row_of_a_tiny_workbook_is_read_as_that_row(tmp_path):
    result = validate_table(hostile.last_row_workbook(tmp_path), "arsuppfoljning")
    assert result.rows == 6
    last = [p for p in result.problems if p.row == 1_048_576]
    assert last and {p.code for p in last} == {"constraint-error"}  # the row's other cells are empty
    assert all(p.row in (1_048_576,) for p in result.problems)


def test_a_workbook_declaring_every_column_reports_the_value_beyond_the_header(tmp_path):
    result = validate_table(hostile.wide_dimension_workbook(tmp_path), "arsuppfoljning")
    assert [(p.row, p.code) for p in result.problems] == [(7, "extra-cell")]
    assert "från kolumn I" in result.problems[0].message


@pytest.mark.parametrize("line", ["", ",,,,,,,", " , , "])
def test_blank_lines_cost_nothing_and_rows_keep_their_numbers(tmp_path, line):
    path = hostile.blank_lines_csv(tmp_path, 40_000, line)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("40526633,2024/25,tre,7,,nej,,ja\n")
    result = validate_table(path, "arsuppfoljning")
    assert result.rows == 2
    assert [(p.row, p.field) for p in result.problems] == [(40_003, "sip_initierade")]


def test_a_million_duplicate_rows_stop_after_the_most_problems(tmp_path):
    result = validate_table(hostile.duplicate_rows_csv(tmp_path), "arsuppfoljning")
    *duplicates, last = result.problems
    assert len(duplicates) == limits.MAX_PROBLEMS
    assert {p.code for p in duplicates} == {"primary-key"}
    assert duplicates[0].row == 3 and "finns redan på rad 2" in duplicates[0].message
    assert last.code == "too-many-problems" and last.row is None
    assert last.message.startswith(f"Kontrollen avbröts vid rad {limits.MAX_PROBLEMS + 2} efter 5 000 fel")
    assert result.valid_rows == []  # a table checked in part gives no rows to compile or import


def test_more_rows_than_a_table_can_have_stop_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 1_000)
    path = hostile.many_rows_csv(tmp_path, 1_001)
    message = stopped(path)
    assert message == limits.too_many_rows(str(path))
    assert "filen har fler än 1 000 rader med svar" in message
    monkeypatch.setattr(limits, "MAX_ROWS", 1_001)
    assert validate_table(path, "arsuppfoljning").valid


def test_more_lines_than_a_spreadsheet_has_stop(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 500)
    path = hostile.blank_lines_csv(tmp_path, 600)
    assert "filen har fler än 500 rader, mer än ett kalkylark rymmer" in stopped(path)


def test_a_header_of_twenty_thousand_columns_stops_before_any_row(tmp_path):
    path = hostile.wide_csv(tmp_path)
    assert stopped(path) == f"{path}: rubrikraden har fler än 200 kolumner. Kontrollera att det är rätt fil " \
        "och att första raden är rubrikraden; ta bort kolumner som inte hör till blanketten."


def test_empty_headings_at_the_end_of_the_header_do_not_count_as_columns(tmp_path):
    path = tmp_path / "tomma-rubriker.csv"
    path.write_text(hostile.HEADER + "," * 5000 + "\n" + hostile.ROW + "," * 5000 + "\n", encoding="utf-8")
    assert validate_table(path, "arsuppfoljning").valid


def test_a_cell_longer_than_excel_allows_is_named_by_row_and_column(tmp_path):
    path = hostile.long_cell_csv(tmp_path, limits.MAX_CELL_CHARS + 1)
    assert stopped(path) == limits.cell_too_long(str(path), 2, "E")
    assert "rad 2, kolumn E: cellen har över 32 767 tecken" in stopped(path)


def test_a_line_of_millions_of_characters_stops_at_its_row(tmp_path):
    path = hostile.long_cell_csv(tmp_path)
    assert stopped(path) == limits.line_too_long(str(path), 2)


def test_a_quote_that_never_closes_stops_at_its_row(tmp_path):
    message = stopped(hostile.endless_quote_csv(tmp_path))
    assert ", rad 2" in message and "32 767 tecken" in message


def test_nul_bytes_past_the_start_are_found_at_their_row(tmp_path):
    path = hostile.nul_bytes_csv(tmp_path)
    assert stopped(path).startswith(f"{path}, rad 202: raden har NUL-tecken")


@pytest.mark.parametrize("make", hostile.DAMAGED_WORKBOOKS[:2], ids=lambda f: f.__name__)
def test_a_damaged_workbook_is_one_swedish_message(tmp_path, make):
    path = make(tmp_path)
    message = stopped(path)
    assert message.startswith(str(path)) and "går inte att öppna som Excel-arbetsbok" in message


def test_a_chart_sheet_first_is_passed_over_and_a_named_one_refused(tmp_path):
    path = hostile.chart_sheet_workbook(tmp_path)
    assert validate_table(path, "arsuppfoljning").valid
    with pytest.raises(sources.SourceError, match="bladet ”Diagram” är ett diagramblad, inte en tabell"):
        validate_table(path, "arsuppfoljning", sheet="Diagram")


def test_a_part_unpacking_far_past_its_size_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "PACKING_CHECK_BYTES", 1_000)
    monkeypatch.setattr(limits, "MAX_PACKING_RATIO", 3)
    assert "en del av arbetsboken packas upp till för mycket (över 256 MB, eller över 3 gånger" \
        in stopped(hostile.last_row_workbook(tmp_path))


@pytest.mark.parametrize("make", [hostile.bad_xml_workbook, hostile.bad_deflate_workbook, hostile.wide_csv,
                                  hostile.nul_bytes_csv, hostile.endless_quote_csv], ids=lambda f: f.__name__)
def test_every_command_says_it_in_swedish_with_exit_2(tmp_path, make):
    path = str(make(tmp_path))
    runner = CliRunner()
    for args in (["validate", path, "--form", "arsuppfoljning"],
                 ["import", path, "--form", "arsuppfoljning", "--data", str(tmp_path / "lager")],
                 ["compile", "--lasar", "2025/26", "--from", path, "--form", "arsuppfoljning",
                  "--out", str(tmp_path / "ut.xlsx")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert path in result.output and "Traceback" not in result.output


def test_the_report_names_the_row_where_reading_stopped(tmp_path):
    path = str(hostile.nul_bytes_csv(tmp_path))
    result = CliRunner().invoke(main, ["validate", path, "--form", "arsuppfoljning"])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"{path}, rad 202: raden har NUL-tecken, som inte hör hemma i en " \
        "textfil. Filen är skadad eller inte en CSV-fil: spara tabellen på nytt som CSV."
    as_json = CliRunner().invoke(main, ["validate", path, "--form", "arsuppfoljning", "--json"])
    assert '"row": 202' in as_json.output and '"code": "source-error"' in as_json.output

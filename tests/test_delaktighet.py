"""The survey's statistics: averages against plain loops, and no average from fewer than five answers."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from backoffice.forms.schema import load_form
from backoffice.statistics import delaktighet
from backoffice.statistics.aggregates import build_aggregates
from backoffice.statistics.compiler import compile_statistics
from backoffice.statistics.sheets import build_sheets
from backoffice.statistics.workbook import write_workbook
from stats_support import DELAKTIGHET, LASAR, SCHOOLS, STATEMENTS, answer, register, table_rows
from test_motesrapport import workbook  # noqa: F401 - the fixture

NAMES = {s.skolenhetskod: s.skolnamn for s in SCHOOLS}


def test_statements_and_respondents_come_from_the_schema():
    form = load_form("delaktighet")
    assert [name for name, _ in delaktighet.statements(form)] == STATEMENTS
    assert delaktighet.audiences(form) == ("barn/ung", "vårdnadshavare")


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
    stats = compile_statistics(LASAR, register(), {"delaktighet": rows})
    ws = load_workbook(write_workbook(build_sheets(stats), tmp_path / "s.xlsx"))["Delaktighet"]
    first = table_rows(ws, "DelaktighetPastaenden")[0]
    assert first["Medelvärde: barn/ung"] == 4.0 and first["Medelvärde: vårdnadshavare"] == 5.0
    assert first["Medelvärde (1–5)"] == pytest.approx((5 * 4 + 6 * 5) / 11)
    # No children's answers at all: nothing to hide, the guardians' average is shown.
    stats = compile_statistics(LASAR, register(), {"delaktighet": rows[5:]})
    ws = load_workbook(write_workbook(build_sheets(stats), tmp_path / "t.xlsx"))["Delaktighet"]
    first = table_rows(ws, "DelaktighetPastaenden")[0]
    assert first["Medelvärde: barn/ung"] is None and first["Medelvärde: vårdnadshavare"] == 5.0


def test_the_boundary_of_the_average_four_answers_hidden_five_shown():
    def stats_with(children):
        rows = [answer("10000001", "barn/ung", [4, 4, 4, 4, 2]) for _ in range(children)]
        return compile_statistics(LASAR, register(), {"delaktighet": rows})

    four, five = build_aggregates(stats_with(4)), build_aggregates(stats_with(5))
    assert four["delaktighet"]["pastaenden"][0]["medel"] == ".."
    assert four["delaktighet"]["pastaenden"][0]["per_svarande"]["barn/ung"] == {"svar": "..", "medel": ".."}
    assert five["delaktighet"]["pastaenden"][0]["medel"] == 4.0
    assert five["delaktighet"]["pastaenden"][4]["per_svarande"]["barn/ung"] == {"svar": 5, "medel": 2.0}
    # A lower threshold for counts never lowers the five answers an average needs.
    assert build_aggregates(stats_with(4), threshold=2)["delaktighet"]["pastaenden"][0]["medel"] == ".."
    none = build_aggregates(stats_with(0))["delaktighet"]["pastaenden"][0]
    assert none["svar"] == 0 and none["medel"] is None

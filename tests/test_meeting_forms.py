"""The meeting report and the survey as schemas and in batch validation: fields, Swedish texts, one file per error."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backoffice.forms import schema as schemas
from backoffice.cli import main
from backoffice.validation.table import validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "moten"
TODAY = dt.date(2026, 1, 31)


def test_the_survey_statements_are_one_to_five_with_words_and_a_guardian_wording():
    schema = schemas.load_form("delaktighet").schema
    statements = [f for f in schema.fields if f.type == "integer"]
    assert [f.name for f in statements] == ["blev_lyssnad", "forstod_beslut", "utgar_fran_behov",
                                            "vet_vem_kontakta", "kandes_tryggt"]
    for field in statements:
        assert field.constraints == {"required": True, "enum": [1, 2, 3, 4, 5]}
        assert set(schemas.ui_hints(field)["labels"]) == {1, 2, 3, 4, 5}
    needs = schema.get_field("utgar_fran_behov")
    assert "mina behov" in needs.title
    assert "mitt barns behov" in schemas.ui_hints(needs)["title_by"]["vårdnadshavare"]
    assert schema.get_field("svarande").constraints["enum"] == ["barn/ung", "vårdnadshavare"]
    # The comment is the one free-text field, and the guard checks it.
    assert list(schemas.load_form("delaktighet").free_text) == ["kommentar"]


def test_the_meeting_report_has_no_free_text_and_names_school_or_organisation():
    schema = schemas.load_form("motesrapport").schema
    assert list(schemas.load_form("motesrapport").free_text) == []
    assert all(f.type != "string" or f.constraints.get("enum") or f.name == "skolenhetskod" for f in schema.fields)
    assert schemas.load_form("motesrapport").descriptor["sip:form"]["one_of"] == ["skolenhetskod", "organisation"]
    assert not schema.get_field("skolenhetskod").constraints.get("required")
    assert schema.get_field("antal_verksamheter").constraints["minimum"] == 2
    assert schema.get_field("ersattare_skickades").constraints["enum"] == ["ja", "nej", "ej aktuellt"]
    assert schema.get_field("barnet_deltog").constraints["enum"] == ["i mötet", "på annat sätt", "nej"]
    # The cross-field rules are stated where a person reads the schema.
    assert "ej aktuellt" in schema.description and "organisation" in schema.description


@pytest.mark.parametrize("name, form_id", [
    ("motesrapport-excel-ansi.csv", "motesrapport"),
    ("motesrapport.xlsx", "motesrapport"),
    ("delaktighet-excel-utf8.csv", "delaktighet"),
])
def test_valid_tables_normalise_their_answers(name, form_id):
    result = validate_table(FIXTURES / name, form_id, today=TODAY)
    assert result.problems == [] and result.rows == 4
    if form_id == "motesrapport":
        # Windows-1252 or xlsx: the Swedish letters and the written forms of the choices come out right.
        assert [r["barnet_deltog"] for r in result.valid_rows] == ["i mötet", "på annat sätt", "nej", "i mötet"]
        assert result.valid_rows[1]["sammankallande"] == "elevhälsa"
        assert result.valid_rows[3]["ersattare_skickades"] == "ej aktuellt"
        assert (result.valid_rows[2]["skolenhetskod"], result.valid_rows[2]["organisation"]) == ("", "socialtjänst")
        assert result.valid_rows[0]["datum"] == "2025-09-12"
    else:
        assert [r["svarande"] for r in result.valid_rows] == ["barn/ung", "vårdnadshavare", "vårdnadshavare",
                                                              "barn/ung"]


ERROR_FILES = [
    ("fel-mote-skola-och-organisation.csv", "motesrapport", (3, "organisation", "one-of"), "Både skolenhetskod och organisation"),
    ("fel-mote-varken-skola-eller-organisation.csv", "motesrapport", (4, "skolenhetskod", "one-of"), "saknas"),
    ("fel-mote-ersattare-ej-aktuellt.csv", "motesrapport", (3, "ersattare_skickades", "replacement-answer"), "inte ej aktuellt"),
    ("fel-mote-ersattare-vid-ja.csv", "motesrapport", (2, "ersattare_skickades", "replacement-answer"), "ska vara ej aktuellt"),
    ("fel-mote-antal-verksamheter.csv", "motesrapport", (5, "antal_verksamheter", "constraint-error"), "2 eller mer"),
    ("fel-mote-barnet-deltog.csv", "motesrapport", (4, "barnet_deltog", "constraint-error"), "i mötet, på annat sätt, nej"),
    ("fel-mote-organisation.csv", "motesrapport", (4, "organisation", "constraint-error"), "central elevhälsa"),
    ("fel-mote-datum-i-framtiden.csv", "motesrapport", (5, "datum", "future-date"), "dagen då mötet hölls"),
    ("fel-mote-okand-skola.csv", "motesrapport", (2, "skolenhetskod", "unknown-school"), "skolregistret"),
    ("fel-enkat-skala.csv", "delaktighet", (3, "forstod_beslut", "constraint-error"), "1, 2, 3, 4, 5"),
    ("fel-enkat-svarande.csv", "delaktighet", (4, "svarande", "constraint-error"), "barn/ung, vårdnadshavare"),
    ("fel-enkat-personnummer.csv", "delaktighet", (5, "kommentar", "personal-data"), "personnummer"),
    ("fel-enkat-epost.csv", "delaktighet", (3, "kommentar", "personal-data"), "e-postadress"),
    ("fel-enkat-lasar.csv", "delaktighet", (2, "lasar", "school-year"), "2025/26"),
    ("fel-enkat-for-lang-kommentar.csv", "delaktighet", (2, "kommentar", "constraint-error"), "högst 500 tecken"),
    ("fel-enkat-skola-och-organisation.csv", "delaktighet", (5, "organisation", "one-of"), "inte båda"),
]
NEVER_ECHOED = {"fel-enkat-personnummer.csv": "1212", "fel-enkat-epost.csv": "example.se",
                "fel-mote-organisation.csv": "polisen", "fel-mote-barnet-deltog.csv": "kanske",
                "fel-enkat-svarande.csv": "mamma", "fel-mote-okand-skola.csv": "12345678"}


@pytest.mark.parametrize("name, form_id, expected, text", ERROR_FILES, ids=[e[0] for e in ERROR_FILES])
def test_each_kind_of_error_at_its_row_and_column(name, form_id, expected, text):
    result = validate_table(FIXTURES / name, form_id, today=TODAY)
    assert [(p.row, p.field, p.code) for p in result.problems] == [expected]
    message = result.problems[0].message
    assert text in message
    assert NEVER_ECHOED.get(name, "\0") not in message
    assert len(result.valid_rows) == result.rows - 1


def test_every_fixture_file_is_used():
    used = {e[0] for e in ERROR_FILES} | {"motesrapport-excel-ansi.csv", "motesrapport.xlsx",
                                          "delaktighet-excel-utf8.csv"}
    assert {p.name for p in FIXTURES.iterdir()} == used


def test_validate_command_reports_in_swedish_with_exit_status_and_the_same_json():
    runner = CliRunner()
    path = str(FIXTURES / "fel-mote-ersattare-ej-aktuellt.csv")
    human = runner.invoke(main, ["validate", path, "--form", "motesrapport"])
    assert human.exit_code == 1
    assert "rad 3, kolumn G (ersattare_skickades)" in human.output
    as_json = runner.invoke(main, ["validate", path, "--form", "motesrapport", "--json"])
    assert as_json.exit_code == 1
    (table,) = json.loads(as_json.output)["tables"]
    assert [(e["row"], e["field"], e["code"]) for e in table["errors"]] == [(3, "ersattare_skickades",
                                                                            "replacement-answer")]
    assert table["errors"][0]["message"] in human.output
    ok = runner.invoke(main, ["validate", str(FIXTURES / "delaktighet-excel-utf8.csv"), "--form", "delaktighet"])
    assert ok.exit_code == 0 and "inga fel" in ok.output

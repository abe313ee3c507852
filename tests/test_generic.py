"""A sixth form is one file: a schema the repository has never seen is counted, shown and published.

The forms directory is a copy of forms/ plus `fortbildning.schema.yaml`; in-process it is given to
compile_statistics, and the command line finds it through $SIP_FORMS. Expected figures are counted
with plain loops over the rows below.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from backoffice.statistics.aggregates import SUPPRESSED, build_aggregates
from backoffice.statistics.compiler import compile_statistics
from backoffice.statistics.form_sheets import sheet_name
from backoffice.statistics.pipeline import lay_out
from backoffice.statistics.sheets import SHEET_NAMES
from backoffice.statistics.workbook import write_workbook
from macros.stats import render_page
from stats_support import AREAS, LASAR, ROOT, SCHOOL_ROWS, SCHOOLS, register, table_rows, write_register_csv
from test_aggregates import worked_out

SCHEMA = """
title: Fortbildning om SIP
sip:form:
  title: "Fortbildning: SIP/samverkan för skolans personal"
  key: [skolenhetskod, organisation, lasar, tillfalle]
  one_of: [skolenhetskod, organisation]
fields:
  - {name: skolenhetskod, type: string, title: Skolenhetskod, constraints: {pattern: "[0-9]{8}"}}
  - {name: organisation, type: string, title: Organisation, constraints: {enum: [förskola, socialtjänst, region]}}
  - {name: lasar, type: string, title: Läsår, constraints: {required: true, pattern: "[0-9]{4}/[0-9]{2}"}}
  - {name: tillfalle, type: integer, title: Tillfälle, constraints: {required: true, minimum: 1}}
  - name: form
    type: string
    title: Form
    constraints: {required: true, enum: [kurs, handledning, webbinarium]}
  - {name: intyg, type: string, title: Intyg utfärdat, constraints: {enum: [ja, nej]}}
  - {name: deltagare, type: integer, title: Deltagare, constraints: {required: true, minimum: 0}}
  - {name: timmar, type: integer, title: Timmar, constraints: {minimum: 0}}
  - {name: kommentar, type: string, title: Kommentar}
"""
TITLE = "Fortbildning: SIP/samverkan för skolans personal"
SHEET = "Fortbildning SIP samverkan för"  # no : or /, at most 31 characters


def session(code, form, intyg, deltagare, timmar, tillfalle=1, lasar=LASAR, organisation="", version=1):
    return {"skolenhetskod": code, "organisation": organisation, "lasar": lasar, "tillfalle": str(tillfalle),
            "form": form, "intyg": intyg, "deltagare": str(deltagare), "timmar": str(timmar), "kommentar": "",
            "mottagen": f"2026-0{version}-01T10:00:00Z", "kvitto": "F", "version": str(version), "kanal": "webb"}


ROWS = [
    session("10000001", "kurs", "ja", 12, 3),
    # Ängsskolan's first session corrected: this version counts, the one above does not.
    session("10000001", "handledning", "ja", 14, 2, version=2),
    session("10000001", "webbinarium", "", 30, 1, tillfalle=2),
    session("10000002", "kurs", "nej", 8, 3),
    session("10000004", "Kurs", "JA", 3, 2),
    session("", "handledning", "ja", 6, 2, organisation="socialtjänst"),
    session("10000001", "kurs", "ja", 99, 9, lasar="2024/25"),  # another school year
    session("99999999", "kurs", "ja", 5, 5),  # not in the register
]


def counted() -> list[dict]:
    """The rows that count, with plain loops: the school year's, the highest version per session."""
    latest: dict[tuple, dict] = {}
    for row in ROWS:
        if row["lasar"] != LASAR or row["skolenhetskod"] == "99999999":
            continue
        key = (row["skolenhetskod"], row["organisation"], row["tillfalle"])
        if key not in latest or int(row["version"]) > int(latest[key]["version"]):
            latest[key] = row
    return list(latest.values())


def expected(rows: list[dict]) -> dict[str, int]:
    """Rows, rows per answer and sums, by the measures' column titles."""
    out = {"Svar": len(rows)}
    for answer in ("kurs", "handledning", "webbinarium"):
        out[f"Form: {answer}"] = sum(r["form"].lower() == answer for r in rows)
    for answer in ("ja", "nej"):
        out[f"Intyg utfärdat: {answer}"] = sum(r["intyg"].lower() == answer for r in rows)
    out["Intyg utfärdat: inget svar"] = sum(r["intyg"] == "" for r in rows)
    out["Deltagare: summa"] = sum(int(r["deltagare"]) for r in rows)
    out["Timmar: summa"] = sum(int(r["timmar"]) for r in rows)
    return out


def copy_forms_with_fortbildning(target):
    """forms/ copied to `target`, with the new form beside the others."""
    for schema in (ROOT / "forms").glob("*.schema.yaml"):
        shutil.copy(schema, target / schema.name)
    (target / "fortbildning.schema.yaml").write_text(SCHEMA, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def forms_dir(tmp_path_factory):
    return copy_forms_with_fortbildning(tmp_path_factory.mktemp("forms"))


@pytest.fixture(scope="module")
def stats(forms_dir):
    return compile_statistics(LASAR, register(), {**SCHOOL_ROWS, "fortbildning": ROWS}, areas=AREAS,
                              forms_dir=forms_dir, compiled_at=datetime(2026, 9, 1, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def workbook(stats, tmp_path_factory):
    return load_workbook(write_workbook(lay_out(stats), tmp_path_factory.mktemp("wb") / "sip.xlsx"))


def test_the_new_form_gets_its_own_sheet_after_the_forms_with_statistics(workbook):
    names = workbook.sheetnames
    assert SHEET in names and len(SHEET) <= 31
    assert names == list(SHEET_NAMES[:8]) + [SHEET] + list(SHEET_NAMES[8:])


def test_the_sheet_counts_per_school_group_organisation_and_in_all(workbook):
    ws = workbook[SHEET]
    rows = counted()
    assert len(rows) == 5
    total = {r["Mått"]: r["Antal"] for r in table_rows(ws, "fortbildning_Totalt")}
    assert total == expected(rows)
    assert total["Deltagare: summa"] == 14 + 30 + 8 + 3 + 6 and total["Form: kurs"] == 2
    schools = {r["Skolenhetskod"]: r for r in table_rows(ws, "fortbildning_PerSkola")}
    assert set(schools) == {s.skolenhetskod for s in SCHOOLS}  # every register school, answered or not
    for code, row in schools.items():
        figures = expected([r for r in rows if r["skolenhetskod"] == code])
        assert {k: row[k] for k in figures} == figures, code
    assert schools["10000001"]["Skolnamn"] == "Ängsskolan F-9" and schools["10000001"]["Område"] == "Norr"
    groups = {r["Område"]: r for r in table_rows(ws, "fortbildning_PerGrupp")}
    for area, row in groups.items():
        figures = expected([r for r in rows if AREAS.get(r["skolenhetskod"]) == area])
        assert {k: row[k] for k in figures} == figures, area
    organisations = {r["Organisation utanför skolan"]: r for r in table_rows(ws, "fortbildning_PerOrganisation")}
    assert list(organisations) == ["förskola", "socialtjänst", "region"]
    assert organisations["socialtjänst"]["Svar"] == 1 and organisations["socialtjänst"]["Deltagare: summa"] == 6
    assert organisations["region"]["Svar"] == 0


def test_rows_outside_the_register_are_reported_for_the_new_form_too(stats, workbook):
    assert stats.outside_register == {"fortbildning": 1}
    sources = {r["Källa"]: r["Beskrivning"] for r in table_rows(workbook["Om statistiken"], "Kallor")}
    assert sources["Utanför registret (fortbildning)"].startswith("1 rader")
    terms = {r["Begrepp"] for r in table_rows(workbook["Om statistiken"], "Definitioner")}
    assert "Övriga blanketter" in terms


def test_the_json_has_the_new_form_with_exact_figures_at_threshold_one(stats):
    data = build_aggregates(stats, threshold=1, per_school=True)
    [form] = data["blanketter"]
    assert form["blankett"] == "fortbildning" and form["namn"] == TITLE
    titles = {m["nyckel"]: m["namn"] for m in form["matt"]}
    by_title = lambda entry: {titles[key]: value for key, value in entry["antal"].items()}  # noqa: E731
    rows = counted()
    assert by_title(form["totalt"]) == expected(rows)
    for group in form["grupper"]:
        assert by_title(group) == expected([r for r in rows if AREAS.get(r["skolenhetskod"]) == group["namn"]])
    for school in form["skolor"]:
        assert by_title(school) == expected([r for r in rows if r["skolenhetskod"] == school["skolenhetskod"]])
    assert {o["namn"]: o["antal"]["svar"] for o in form["organisationer"]} == {
        "förskola": 0, "socialtjänst": 1, "region": 0}


def published_sums(form: dict) -> tuple[dict, list]:
    """What a reader of the JSON knows of the form: its figures, and which add up to which."""
    keys = [m["nyckel"] for m in form["matt"]]
    units = {("T",): form["totalt"], **{("G", g["namn"]): g for g in form["grupper"]},
             **{("O", o["namn"]): o for o in form["organisationer"]},
             **{("S", s["skolenhetskod"]): s for s in form.get("skolor", [])}}
    values = {unit + (key,): entry["antal"][key] for unit, entry in units.items() for key in keys}
    sums = []
    parts = [u for u in units if u[0] in ("G", "O")]
    for key in keys:
        sums.append((("T", key), [u + (key,) for u in parts]))
        for group in form["grupper"]:
            members = [("S", code) for code, area in AREAS.items() if area == group["namn"]]
            if form.get("skolor"):
                sums.append((("G", group["namn"], key), [m + (key,) for m in members]))
    for unit in units:
        for field in ("form", "intyg"):
            sums.append((unit + ("svar",), [unit + (key,) for key in keys if key.startswith(field + "=")]))
    return values, sums


@pytest.mark.parametrize("per_school", [False, True])
def test_the_json_hides_small_counts_and_nothing_hidden_can_be_worked_out(stats, per_school):
    form = build_aggregates(stats, per_school=per_school)["blanketter"][0]
    assert form["totalt"]["antal"]["svar"] == 5 and form["totalt"]["antal"]["deltagare+"] == 61
    assert form["totalt"]["antal"]["form=kurs"] == SUPPRESSED  # two sessions
    values, sums = published_sums(form)
    assert any(v == SUPPRESSED for v in values.values())
    found = worked_out(values, sums)
    assert not {cell: v for cell, v in found.items() if 0 < v < 5}, found


def test_the_statistics_page_has_a_table_for_the_new_form(stats):
    page = render_page(build_aggregates(stats, threshold=1))
    assert "## Fortbildning: SIP/samverkan för skolans personal" in page
    assert "Fortbildning: SIP/samverkan för skolans personal: svar per område" in page
    assert "<th scope=\"col\" class=\"tal\">Deltagare: summa</th>" in page
    assert "<th scope=\"row\">Hela förvaltningen</th><td class=\"tal\">5</td>" in page
    assert "<th scope=\"row\">socialtjänst</th><td class=\"tal\">1</td>" in page


@pytest.mark.parametrize("title, taken, name", [
    ("Fortbildning: SIP/samverkan för skolans personal", set(), "Fortbildning SIP samverkan för"),
    ("Möten", set(SHEET_NAMES), "Möten (2)"),
    ("möten", {"Möten", "Möten (2)"}, "möten (3)"),
    ("[*?]", set(), "Blankett"),
    ("'Citat'", set(), "Citat"),
    ("history", set(), "history (2)"),
    ("A" * 40, {"A" * 31}, "A" * 27 + " (2)"),
])
def test_a_sheet_name_is_what_spreadsheet_programs_take(title, taken, name):
    assert sheet_name(title, set(taken)) == name
    assert len(name) <= 31 and not any(c in name for c in "[]:*?/\\")


def run_cli(forms_dir, cwd, *args):
    env = dict(os.environ, SIP_FORMS=str(forms_dir))
    return subprocess.run([sys.executable, "-m", "backoffice", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_the_command_line_compiles_the_new_form_from_a_store_and_from_a_file(forms_dir, tmp_path):
    register_csv = write_register_csv(tmp_path / "skolor.csv")
    # The store: the real append path, in a process that reads the forms from $SIP_FORMS.
    append = ("import json, sys; from backoffice.store.files import FileStore; "
              "FileStore(sys.argv[1]).append('fortbildning', json.loads(sys.argv[2]))")
    system = ("mottagen", "kvitto", "version", "kanal")
    records = [{k: v for k, v in row.items() if k not in system} for row in ROWS if row["version"] == "1"]
    env = dict(os.environ, SIP_FORMS=str(forms_dir))
    done = subprocess.run([sys.executable, "-c", append, str(tmp_path / "lager"), json.dumps(records)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = run_cli(forms_dir, tmp_path, "compile", "--lasar", LASAR, "--data", "lager", "--register",
                     str(register_csv), "--out", "sip.xlsx", "--aggregates", "statistik.json", "--troskel", "1")
    assert result.returncode == 0, result.stderr
    assert f"{TITLE}: 5 svar." in result.stdout  # the first session once: version 1 only here
    total = {r["Mått"]: r["Antal"] for r in table_rows(load_workbook(tmp_path / "sip.xlsx")[SHEET],
                                                        "fortbildning_Totalt")}
    first_versions = [r for r in records if r["lasar"] == LASAR and r["skolenhetskod"] != "99999999"]
    assert total == expected(first_versions)
    data = json.loads((tmp_path / "statistik.json").read_text(encoding="utf-8"))
    assert data["blanketter"][0]["totalt"]["antal"]["deltagare+"] == sum(int(r["deltagare"]) for r in first_versions)
    # A table file of the new form, recognised by its header and validated against its schema.
    header = ["skolenhetskod", "organisation", "lasar", "tillfalle", "form", "intyg", "deltagare", "timmar",
              "kommentar"]
    with open(tmp_path / "fortbildning.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[r[h] for h in header] for r in records[:3]] + [["10000002", "", LASAR, "1", "föreläsning",
                                                                          "ja", "4", "1", ""]])
    result = run_cli(forms_dir, tmp_path, "compile", "--lasar", LASAR, "--from", "fortbildning.csv",
                     "--register", str(register_csv), "--out", "fil.xlsx")
    assert result.returncode == 1, result.stderr  # the fourth row's form is no choice: left out
    assert "rad 5" in result.stderr and "1 ogiltiga rader lämnades utanför" in result.stdout
    workbook = load_workbook(tmp_path / "fil.xlsx")
    assert "fortbildning.csv (fortbildning: 3 giltiga rader av 4)" in workbook["Översikt"]["A3"].value
    total = {r["Mått"]: r["Antal"] for r in table_rows(workbook[SHEET], "fortbildning_Totalt")}
    assert total == expected(records[:3])

"""A sixth form, never seen by the code, is validated, imported and stored from its schema alone.

The schema (tests/fixtures/ny-blankett) declares a key, a choice, a ja/nej question, a count, free
text and a cross-field rule; it is put beside copies of the real forms in a temporary folder that
$SIP_FORMS points to, and the command line is run as a coordinator runs it.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intake_support import frictionless_validate

ROOT = Path(__file__).resolve().parent.parent
NEW = Path(__file__).parent / "fixtures" / "ny-blankett"
FIELDS = ["skolenhetskod", "lasar", "utbildning_genomford", "antal_deltagare", "utbildningsform", "kommentar"]


@pytest.fixture
def cli(tmp_path):
    """Run `sip-backoffice` in a fresh process whose forms folder also holds the new form."""
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    shutil.copy(NEW / "fortbildning.schema.yaml", forms)
    env = {**os.environ, "SIP_FORMS": str(forms)}

    def run(*args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "backoffice", *map(str, args)], capture_output=True,
                              text=True, env=env, cwd=tmp_path)
    return run


def test_validate_reports_every_kind_of_error_of_the_new_form(cli):
    path = NEW / "fortbildning-fel.csv"
    done = cli("validate", path, "--form", "fortbildning")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] == [f"{path}, {where}: {message}" for where, message in [
        ("rad 2, kolumn C (utbildning_genomford)", "Värdet är inte ett av de tillåtna svaren. Skriv ett av: ja, nej."),
        ("rad 3, kolumn D (antal_deltagare)", "Antalet deltagare ska vara 0 eller tomt när ingen utbildning "
                                              "har genomförts. Töm fältet, eller ändra svaret till ja."),
        ("rad 4, kolumn D (antal_deltagare)", "Värdet är inte ett heltal. Skriv ett heltal med bara siffror "
                                              "(inga decimaler, mellanslag eller ord), till exempel 3."),
        ("rad 5, kolumn E (utbildningsform)", "Värdet är inte ett av de tillåtna svaren. Skriv ett av: "
                                              "digitalt, på plats, både och."),
        ("rad 6, kolumn F (kommentar)", "Texten verkar innehålla telefonnummer. Ta bort uppgiften: skriv aldrig "
                                        "personnummer, samordningsnummer, e-postadresser, telefonnummer eller "
                                        "annat som kan peka ut ett barn."),
        ("rad 7, kolumn A (skolenhetskod)", "Skolenhetskoden finns inte i skolregistret. Kontrollera koden mot "
                                            "Skolverkets skolenhetsregister; saknas skolan i registret, kontakta "
                                            "den centrala SIP-samordnaren."),
        ("rad 8", "Samma skolenhetskod och läsår finns redan på rad 2. Varje kombination får bara finnas en gång "
                  "i filen: ta bort dubbletten eller rätta värdena."),
    ]]
    assert lines[-1] == "Sammanfattning: 1 tabell med 7 rader kontrollerade, 7 fel i 1 av 1 tabell. " \
                        "Rätta felen och kontrollera igen."
    assert "070" not in done.stdout
    report = json.loads(cli("validate", path, "--form", "fortbildning", "--json").stdout)
    assert [e["code"] for e in report["tables"][0]["errors"]] == [
        "constraint-error", "deltagare-utan-utbildning", "type-error", "constraint-error", "personal-data",
        "unknown-school", "primary-key"]


def test_import_stores_the_new_form_in_the_data_package(cli, tmp_path):
    store = tmp_path / "lager"
    done = cli("import", NEW / "fortbildning-excel-ansi.csv", "--form", "fortbildning", "--data", store)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].endswith("Lade in 3 rader från "
                                                 f"{NEW / 'fortbildning-excel-ansi.csv'} i lagret för fortbildning.")
    with open(store / "fortbildning.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == FIELDS + ["mottagen", "kvitto", "version", "kanal", "avser", "status", "orsak"]
    # Choices as the schema writes them, the receipt printed for each row, version 1 of each key.
    assert [row[:6] for row in rows] == [
        ["40526633", "2025/26", "ja", "12", "digitalt", "Halvdag med elevhälsan."],
        ["66906957", "2025/26", "nej", "", "", "Planeras till hösten."],
        ["40526633", "2024/25", "ja", "8", "på plats", ""]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[6]) for row in rows)
    assert [row[7] in done.stdout for row in rows] == [True] * 3
    assert [row[8:10] for row in rows] == [["1", "import"]] * 3
    package = json.loads((store / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = package["resources"]
    assert (resource["name"], resource["path"], resource["title"]) == (
        "fortbildning", "fortbildning.csv", "Fortbildning i SIP")
    assert [f["name"] for f in resource["schema"]["fields"]] == header
    assert resource["schema"]["fields"][4]["constraints"]["enum"] == ["digitalt", "på plats", "både och"]
    assert frictionless_validate(store).returncode == 0

    # The same file again (asked for) is a correction (the key is declared), and a bad file adds nothing.
    assert cli("import", NEW / "fortbildning-excel-ansi.csv", "--form", "fortbildning", "--data", store,
               "--igen").returncode == 0
    before = (store / "fortbildning.csv").read_bytes()
    refused = cli("import", NEW / "fortbildning-fel.csv", "--form", "fortbildning", "--data", store)
    assert refused.returncode == 1
    assert "7 fel; ingenting har lagts in i lagret" in refused.stderr
    assert "rad 3, kolumn D (antal_deltagare): Antalet deltagare ska vara 0 eller tomt" in refused.stderr
    assert (store / "fortbildning.csv").read_bytes() == before
    with open(store / "fortbildning.csv", encoding="utf-8", newline="") as handle:
        assert [row["version"] for row in csv.DictReader(handle)] == ["1", "1", "1", "2", "2", "2"]


def test_the_new_form_is_offered_where_the_forms_are_listed(cli):
    assert "fortbildning" in cli("validate", "--help").stdout
    unknown = cli("validate", NEW / "fortbildning-fel.csv", "--form", "fortbildningar")
    assert unknown.returncode == 2
    assert "Välj en av: arsuppfoljning, avvikelse, delaktighet, fortbildning, motesrapport, stickprov." in unknown.stderr

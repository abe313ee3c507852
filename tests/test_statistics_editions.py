"""An edition that asks less: the figures of what it does not ask are left out, never shown as 0."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
import yaml
from openpyxl import load_workbook

from backoffice.statistics.aggregates import build_aggregates
from backoffice.statistics.compiler import compile_statistics
from backoffice.statistics.pipeline import lay_out
from backoffice.statistics.workbook import write_workbook
from macros.stats import render_page
from stats_support import ARSUPPFOLJNING, AREAS, AVVIKELSE, LASAR, MOTESRAPPORT, ROOT, register, table_rows

REWORDED = "Hölls mötet en fredag inom tre veckor (Gävleborgs rutin)?"


def edition_forms(target):
    """forms/ as an edition uses it: no SIP-kunnig question, no MedControl question, no audit form,
    and its own wording of the three-week question."""
    shutil.copytree(ROOT / "forms", target)
    (target / "stickprov.schema.yaml").unlink()
    for form_id, omitted in (("arsuppfoljning", "sip_kunnig_utsedd"), ("avvikelse", "rapporterad_medcontrol")):
        path = target / f"{form_id}.schema.yaml"
        schema = yaml.safe_load(path.read_text(encoding="utf-8"))
        schema["fields"] = [f for f in schema["fields"] if f["name"] != omitted]
        path.write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
    path = target / "motesrapport.schema.yaml"
    schema = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "inom_tre_veckor")["title"] = REWORDED
    path.write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    forms = edition_forms(tmp_path_factory.mktemp("utgava") / "forms")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIP_FORMS", str(forms))
        stats = compile_statistics(LASAR, register(), {"arsuppfoljning": ARSUPPFOLJNING, "avvikelse": AVVIKELSE,
                                                       "motesrapport": MOTESRAPPORT}, areas=AREAS,
                                   compiled_at=datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc))
    path = write_workbook(lay_out(stats), tmp_path_factory.mktemp("wb") / "sip.xlsx")
    return stats, load_workbook(path)


def test_the_workbook_leaves_out_what_is_not_asked(compiled):
    _, wb = compiled
    assert "Stickprov" not in wb.sheetnames and "Avvikelser" in wb.sheetnames
    figures = {r["Mått"] for r in table_rows(wb["Översikt"], "Nyckeltal")}
    assert "Skolor med utsedd SIP-kunnig" not in figures and "Granskade SIP-dokument (stickprov)" not in figures
    assert "SIP-processer initierade" in figures and "Rapporterade avvikelser" in figures
    handling = {r["Hantering"] for r in table_rows(wb["Avvikelser"], "AvvikelserHantering")}
    assert "Rapporterad i MedControl" not in handling and "Händelseanalys gjord" in handling
    header = [c.value for c in wb["Per skola"][1]]
    assert "SIP-kunnig utsedd" not in header and "Granskade dokument" not in header and "Status" in header
    groups = [c.value for c in wb["Per huvudman och område"][2]]
    assert "Skolor med SIP-kunnig" not in groups and "Inskickade" in groups
    trend = [c.value for c in wb["Trend"][3]]
    assert "Skolor med SIP-kunnig" not in trend and "Granskade dokument" not in trend


def test_the_meeting_figure_quotes_the_editions_own_question(compiled):
    _, wb = compiled
    terms = {r["Begrepp"]: r["Förklaring"] for r in table_rows(wb["Om statistiken"], "Definitioner")}
    assert REWORDED in terms["Mötet inom tre veckor (Gävleborgs rutin)"]
    assert "Granskade dokument" not in terms


def test_the_site_shows_no_figure_of_what_is_not_asked(compiled):
    stats, _ = compiled
    data = build_aggregates(stats)
    assert "sip_kunnig_utsedd" not in data["forvaltning"] and "stickprov_dokument" not in data["forvaltning"]
    assert "stickprov_per_krav" not in data and "avvikelser_per_kategori" in data
    assert all("sip_kunnig_utsedd" not in g for g in data["grupper"])
    page = render_page(data)
    assert "SIP-kunnig" not in page and "Stickprov" not in page and "MedControl" not in page
    assert "Rapporterade avvikelser" in page

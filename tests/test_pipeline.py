"""The statistics pipeline (backoffice.statistics.pipeline): what the CLI, the bench and a web page call."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from backoffice.errors import SipError
from backoffice.forms.schema import UnknownFormError
from backoffice.statistics.pipeline import Compilation, compile_year, load_files, load_store
from backoffice.statistics.sheets import SHEET_NAMES
from backoffice.statistics.workbook import write_workbook
from backoffice.store.files import FileStore
from stats_support import ARSUPPFOLJNING, LASAR, MOTESRAPPORT, SCHOOL_ROWS, register, table_rows, write_register_csv

SYSTEM = ("mottagen", "kvitto", "version", "kanal")


def stored(rows):
    return [{k: v for k, v in row.items() if k not in SYSTEM} for row in rows]


@pytest.fixture
def store(tmp_path):
    """A store with the fixture rows of the three school forms and the meeting reports, appended for real."""
    files = FileStore(tmp_path / "lager")
    for form_id, rows in {**SCHOOL_ROWS, "motesrapport": MOTESRAPPORT}.items():
        for row in stored(rows):  # one append each: resubmissions get their next version
            files.append(form_id, [row])
    return tmp_path / "lager"


@pytest.fixture
def register_csv(tmp_path):
    return write_register_csv(tmp_path / "skolor.csv")


def test_compile_year_from_the_store_gives_figures_and_laid_out_sheets(store, register_csv, tmp_path):
    when = datetime(2026, 9, 1, tzinfo=timezone.utc)
    compilation = compile_year(LASAR, data_dir=store, register=register_csv, compiled_at=when)
    assert isinstance(compilation, Compilation)
    assert compilation.stats.total.inskickade == 4 and compilation.stats.total.sip_initierade == 7 + 4 + 0 + 12
    assert [s.name for s in compilation.sheets] == list(SHEET_NAMES)
    assert compilation.cells == sum(len(row) for sheet in compilation.sheets for row in sheet.laid_out[0])
    assert compilation.title == f"SIP-uppföljning {LASAR}"
    assert compilation.sources[0].startswith("Lagret (arsuppfoljning: 7 rader, avvikelse: 7 rader")
    assert str(store) not in " ".join(compilation.sources)  # no server path in what people read
    assert compilation.left_out == 0 and compilation.problems == [] and compilation.notes == []
    assert "Läsår 2025/26: 4 av 6 skolor har skickat in, 23 SIP-processer initierade" in compilation.summary()
    assert "1 rader gällde skolor som inte finns i skolregistret" in compilation.summary()  # a meeting
    path = write_workbook(compilation.sheets, tmp_path / "sip.xlsx", title=compilation.title)
    rows = {r["Skolenhetskod"]: r for r in table_rows(load_workbook(path)["Per skola"], "PerSkola")}
    assert rows["10000001"]["SIP-processer initierade"] == 7


def test_load_store_reads_every_form_and_cuts_other_school_years(store):
    loaded = load_store(store, LASAR)
    assert set(loaded.rows) == {"arsuppfoljning", "avvikelse", "delaktighet", "motesrapport", "stickprov"}
    assert loaded.rows["delaktighet"] == []
    # Meeting reports of other years are not read; annual answers of other years only for the trend.
    assert len(loaded.rows["motesrapport"]) == sum(1 for r in MOTESRAPPORT if "2025-07-01" <= r["datum"] <= "2026-06-30")
    older = [r for r in loaded.rows["arsuppfoljning"] if r["lasar"] != LASAR]
    assert len(older) == sum(1 for r in ARSUPPFOLJNING if r["lasar"] != LASAR) and "behov" not in older[0]


def test_table_files_leave_out_invalid_rows_and_say_where(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("skolenhetskod;lasar;sip_initierade;sip_deltagit;behov;avvikelse_utredd;avvikelser_utredda;"
                    "sip_kunnig_utsedd\n10000001;2025/26;3;1;;nej;0;ja\n10000002;2025/26;många;1;;nej;0;ja\n",
                    encoding="utf-8")
    loaded = load_files([str(path)], register())
    assert loaded.left_out == 1 and [r["skolenhetskod"] for r in loaded.rows["arsuppfoljning"]] == ["10000001"]
    assert any("rad 3" in line and "sip_initierade" in line for line in loaded.problems)
    assert loaded.problems[-1] == f"{path}: 1 av 2 rader har fel och lämnas utanför sammanställningen."
    assert loaded.sources == [f"{path.name} (arsuppfoljning: 1 giltiga rader av 2)"]


def test_the_default_store_may_be_missing_but_a_given_one_may_not(tmp_path, register_csv, monkeypatch):
    monkeypatch.setenv("SIP_DATA", str(tmp_path / "inget"))
    compilation = compile_year(LASAR, register=register_csv)
    assert compilation.notes == [f"Obs: lagret {tmp_path / 'inget'} finns inte ännu, så inga svar har kommit in. "
                                 "Alla skolor redovisas som saknade."]
    assert len(compilation.stats.missing) == 6
    with pytest.raises(SipError, match="finns inte") as raised:
        compile_year(LASAR, data_dir=tmp_path / "inget", register=register_csv)
    assert raised.value.exit_status == 2


def test_unusable_input_is_a_swedish_sip_error_with_exit_status_2(tmp_path, register_csv, store):
    for call, message in [
        (lambda: compile_year("2025/27", data_dir=store, register=register_csv), "andra året följer direkt"),
        (lambda: compile_year(LASAR, data_dir=store, register=tmp_path / "saknas.csv"), "saknas.csv"),
        (lambda: compile_year(LASAR, files=[str(tmp_path / "saknas.csv")], register=register_csv), "finns inte"),
        (lambda: compile_year(LASAR, data_dir=store, register=register_csv, areas=tmp_path / "x.csv"),
         "Områdesfilen"),
    ]:
        with pytest.raises(SipError, match=message) as raised:
            call()
        assert raised.value.exit_status == 2
    with pytest.raises(UnknownFormError, match="okand"):
        compile_year(LASAR, files=["x.csv"], form="okand", register=register_csv)


def test_an_area_file_naming_schools_outside_the_register_gives_a_note(store, register_csv, tmp_path):
    areas = tmp_path / "omraden.csv"
    areas.write_text("skolenhetskod;omrade\n10000001;Norr\n99999999;Söder\n", encoding="utf-8")
    compilation = compile_year(LASAR, data_dir=store, register=register_csv, areas=areas)
    assert compilation.notes == [f"Obs: 1 skolenhetskoder i {areas} finns inte i skolregistret och används inte "
                                 "(till exempel 99999999)."]
    assert {g.namn for g in compilation.stats.groups} == {"Norr", "Utan område"}

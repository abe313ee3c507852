"""The coordinator's corrections and withdrawals as new versions, and stores of the old layout migrated."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from backoffice import followup
from backoffice.forms.schema import load_form
from backoffice.store.answers import AnswerNotFound, VersionRefused
from backoffice.store.files import FileStore, read_latest, read_rows
from backoffice.store.versions import latest_versions
from backoffice.validation.checks import personal_data_message
from fake_sheets import fake_sheets  # noqa: F401
from intake_support import frictionless_validate
from test_store import ANSWER, DEVIATION

OLD_STORE = Path(__file__).parent / "fixtures" / "lager-gammal"
NEW_COLUMNS = ["mottagen", "kvitto", "version", "kanal", "avser", "status", "orsak"]


def test_a_correction_is_the_next_version_of_the_answer_with_its_reason(tmp_path):
    store = FileStore(tmp_path)
    (first,) = store.append("arsuppfoljning", [ANSWER])
    (second,) = store.append("arsuppfoljning", [dict(ANSWER, sip_initierade="9")])  # the school again
    fixed = store.correct("arsuppfoljning", first.kvitto, {"sip_initierade": "4"}, "Rektorn skrev fel antal.")
    assert (fixed.version, fixed.row["kanal"], fixed.row["avser"]) == (3, "samordnare", first.kvitto)
    assert (fixed.row["sip_initierade"], fixed.row["behov"]) == ("4", ANSWER["behov"])  # the rest is kept
    assert fixed.row["orsak"] == "Rektorn skrev fel antal." and fixed.row["status"] == ""
    # Every stored version, the old ones untouched; the correction is the one that counts.
    rows = read_rows(tmp_path, "arsuppfoljning")
    assert [(r["version"], r["sip_initierade"], r["avser"]) for r in rows] == [
        ("1", "3", first.kvitto), ("2", "9", first.kvitto), ("3", "4", first.kvitto)]
    assert [r["kvitto"] for r in read_latest(tmp_path, "arsuppfoljning")] == [fixed.kvitto]
    assert [r["kvitto"] for r in store.versions("arsuppfoljning", second.kvitto)] == [
        first.kvitto, second.kvitto, fixed.kvitto]
    # The next answer from the school continues the count.
    assert store.append("arsuppfoljning", [ANSWER])[0].version == 4
    assert frictionless_validate(tmp_path).returncode == 0


def test_a_withdrawn_answer_counts_as_not_given_until_a_correction_restores_it(tmp_path):
    store = FileStore(tmp_path)
    form = load_form("arsuppfoljning")
    (answer,) = store.append("arsuppfoljning", [ANSWER])
    other = store.append("arsuppfoljning", [dict(ANSWER, skolenhetskod="66906957")])[0]
    gone = store.withdraw("arsuppfoljning", answer.kvitto, "Skolan svarade för fel läsår.")
    assert (gone.version, gone.row["status"], gone.row["kanal"]) == (2, "återkallad", "samordnare")
    assert gone.row["sip_initierade"] == ANSWER["sip_initierade"]  # a withdrawal changes no answer
    assert list(store.answered("arsuppfoljning", "2025/26")) == ["66906957"]
    assert [r["kvitto"] for r in read_latest(tmp_path, "arsuppfoljning")] == [other.kvitto]
    assert followup.missing({"40526633": 1, "66906957": 1}, store.answered("arsuppfoljning", "2025/26")) == [
        "40526633"]
    with pytest.raises(VersionRefused, match="redan återkallat"):
        store.withdraw("arsuppfoljning", answer.kvitto, "En gång till.")
    back = store.correct("arsuppfoljning", gone.kvitto, {}, "Återkallad av misstag.")
    assert (back.version, back.row["status"]) == (3, "")
    assert sorted(store.answered("arsuppfoljning", "2025/26")) == ["40526633", "66906957"]
    rows = read_rows(tmp_path, "arsuppfoljning")
    assert store.answered("arsuppfoljning", "2025/26") == followup.answers_by_school(form, rows, "2025/26")
    assert frictionless_validate(tmp_path).returncode == 0


def test_a_corrected_deviation_report_replaces_the_report_it_points_at(tmp_path):
    store = FileStore(tmp_path)
    first, second = store.append("avvikelse", [DEVIATION, dict(DEVIATION, datum="2025-06-30")])
    moved = store.correct("avvikelse", second.kvitto, {"datum": "2025-07-02"}, "Fel datum i rapporten.")
    assert (moved.version, moved.row["avser"]) == (2, second.kvitto)
    latest = read_latest(tmp_path, "avvikelse")
    assert [(r["kvitto"], r["datum"]) for r in latest] == [(first.kvitto, "2025-03-14"), (moved.kvitto, "2025-07-02")]
    # The corrected date moves the report to the next school year (it starts 1 July).
    assert store.answered("avvikelse", "2024/25")["40526633"].rows == 1
    assert store.answered("avvikelse", "2025/26")["40526633"].latest_receipt == moved.kvitto
    store.withdraw("avvikelse", first.kvitto, "Rapporten gällde en annan kommun.")
    assert store.answered("avvikelse", "2024/25") == {}
    assert [r["kvitto"] for r in read_latest(tmp_path, "avvikelse")] == [moved.kvitto]
    assert frictionless_validate(tmp_path).returncode == 0


@pytest.mark.parametrize("reason, message", [
    ("Mamman har personnummer 19121212-1212.", personal_data_message(["personnummer"])),
    ("Ring 070-123 45 67.", personal_data_message(["telefonnummer"])),
    ("", "Skriv varför svaret rättas eller återkallas"),
    ("x" * 1001, "högst 1000 tecken"),
])
def test_the_reason_is_guarded_like_every_free_text(tmp_path, reason, message):
    store = FileStore(tmp_path)
    (answer,) = store.append("arsuppfoljning", [ANSWER])
    before = (tmp_path / "arsuppfoljning.csv").read_bytes()
    with pytest.raises(VersionRefused, match="Ingenting har sparats") as refused:
        store.withdraw("arsuppfoljning", answer.kvitto, reason)
    assert message in str(refused.value)
    with pytest.raises(VersionRefused):
        store.correct("arsuppfoljning", answer.kvitto, {"sip_initierade": "1"}, reason)
    assert (tmp_path / "arsuppfoljning.csv").read_bytes() == before


def test_what_a_correction_cannot_do(tmp_path):
    store = FileStore(tmp_path)
    (answer,) = store.append("arsuppfoljning", [ANSWER])
    with pytest.raises(VersionRefused, match="kan inte ändra skolenhetskod"):
        store.correct("arsuppfoljning", answer.kvitto, {"skolenhetskod": "66906957"}, "Fel skola.")
    with pytest.raises(VersionRefused, match="ändrar ingenting"):
        store.correct("arsuppfoljning", answer.kvitto, {"sip_initierade": "3"}, "Samma igen.")
    with pytest.raises(AnswerNotFound, match="inget svar med kvittot SIP-2025-AAAAAA i blanketten arsuppfoljning"):
        store.withdraw("arsuppfoljning", "SIP-2025-AAAAAA", "Finns inte.")
    with pytest.raises(AnswerNotFound):
        store.withdraw("avvikelse", answer.kvitto, "Ingen sådan blankett i lagret än.")
    with pytest.raises(ValueError):  # the coordinator's channel carries a reason: only through correct/withdraw
        store.append("arsuppfoljning", [ANSWER], kanal="samordnare")
    assert len(read_rows(tmp_path, "arsuppfoljning")) == 1


def test_latest_versions_of_rows_without_a_key_follow_what_they_point_at():
    rows = [{"kvitto": "A", "avser": "A", "version": "1", "x": "1"},
            {"kvitto": "B", "avser": "B", "version": "1", "x": "2"},
            {"kvitto": "C", "avser": "A", "version": "2", "x": "3"},
            {"x": "table file row, no receipt"}, {"x": "another"}]
    assert [r["x"] for r in latest_versions(rows, ())] == ["2", "3", "table file row, no receipt", "another"]


def copy_old_store(tmp_path) -> Path:
    data = tmp_path / "lager"
    shutil.copytree(OLD_STORE, data)
    return data


def test_a_store_of_the_old_layout_is_migrated_once_with_its_old_files_kept(tmp_path, caplog):
    data = copy_old_store(tmp_path)
    old = {name: (data / name).read_bytes() for name in ("arsuppfoljning.csv", "avvikelse.csv")}
    with caplog.at_level("WARNING", logger="sip.store"):
        (receipt,) = FileStore(data).append("arsuppfoljning", [ANSWER])
    assert receipt.version == 3  # the count goes on from the old rows
    (backup,) = data.glob("arsuppfoljning.csv.fore-*")
    assert backup.read_bytes() == old["arsuppfoljning.csv"]
    (line,) = [r.getMessage() for r in caplog.records if "gamla kolumnlayouten" in r.getMessage()]
    assert str(data / "arsuppfoljning.csv") in line and str(backup) in line and "3 rader" in line
    with open(data / "arsuppfoljning.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[-7:] == NEW_COLUMNS
    # Each old version now says which answer it belongs to: the key's first receipt.
    first = rows[0][header.index("kvitto")]
    assert [(r[0], r[header.index("version")], r[header.index("avser")], r[-2], r[-1]) for r in rows] == [
        ("40526633", "1", first, "", ""), ("66906957", "1", rows[1][header.index("kvitto")], "", ""),
        ("40526633", "2", first, "", ""), ("40526633", "3", first, "", "")]
    # A form not yet written to is migrated when it is read; once only.
    reports = read_rows(data, "avvikelse")
    assert [r["avser"] == r["kvitto"] for r in reports] == [True, True]
    assert reports[0]["beskrivning"] == "BUP kom inte.\nIngen ersättare skickades."
    FileStore(data).append("avvikelse", [DEVIATION])
    assert len(list(data.glob("*.fore-*"))) == 2
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"]: [f["name"] for f in r["schema"]["fields"]][-7:] for r in package["resources"]} == {
        "arsuppfoljning": NEW_COLUMNS, "avvikelse": NEW_COLUMNS}
    assert frictionless_validate(data).returncode == 0


def test_a_migrated_answer_is_corrected_like_a_new_one(tmp_path):
    data = copy_old_store(tmp_path)
    store = FileStore(data)
    old = read_rows(data, "arsuppfoljning")
    fixed = store.correct("arsuppfoljning", old[2]["kvitto"], {"sip_deltagit": "6"}, "Sex deltog.")
    assert (fixed.version, fixed.row["avser"], fixed.row["sip_initierade"]) == (3, old[0]["kvitto"], "4")
    assert [r["kvitto"] for r in store.versions("arsuppfoljning", old[0]["kvitto"])] == [
        old[0]["kvitto"], old[2]["kvitto"], fixed.kvitto]


def test_the_sheet_store_gets_the_new_columns_and_the_same_versions(fake_sheets):
    from backoffice.gsheets import open_client
    from backoffice.store.rows import columns, old_columns
    from backoffice.store.sheets import SheetStore

    form = load_form("arsuppfoljning")
    old_row = [ANSWER.get(c, "") for c in old_columns(form)[:-4]] + ["2025-09-01T08:00:00Z", "SIP-2025-ABCDEF",
                                                                    "1", "webb"]
    key = fake_sheets.create_spreadsheet("SIP-svar", {"Blad1": []})
    fake_sheets.add_sheet(key, "arsuppfoljning", [old_columns(form), old_row], cols=len(old_columns(form)))
    store = SheetStore(key, open_client())
    (again,) = store.append("arsuppfoljning", [dict(ANSWER, sip_initierade="7")])
    assert (again.version, again.row["avser"]) == (2, "SIP-2025-ABCDEF")
    values = fake_sheets.values(key, "arsuppfoljning")
    assert values[0] == columns(form)  # the old header grew the new columns
    assert fake_sheets.grid(key, "arsuppfoljning")[1] == len(columns(form))
    gone = store.withdraw("arsuppfoljning", "SIP-2025-ABCDEF", "Fel skola svarade.")
    assert (gone.version, gone.row["status"], gone.row["avser"]) == (3, "återkallad", "SIP-2025-ABCDEF")
    assert store.answered("arsuppfoljning", "2025/26") == {}
    assert store.read_latest("arsuppfoljning") == []
    back = store.correct("arsuppfoljning", again.kvitto, {"sip_initierade": "8"}, "Rätt skola trots allt.")
    assert [r["version"] for r in store.versions("arsuppfoljning", back.kvitto)] == ["1", "2", "3", "4"]
    assert store.latest_for("arsuppfoljning", ANSWER)["sip_initierade"] == "8"
    assert store.find("arsuppfoljning", gone.kvitto)["orsak"] == "Fel skola svarade."


def test_a_copy_that_cannot_be_written_is_read_in_either_layout_as_it_is(tmp_path, monkeypatch):
    import errno

    from backoffice.store.lock import StoreLock

    data = copy_old_store(tmp_path)
    before = {p.name: p.read_bytes() for p in data.iterdir()}

    def refused(self, *args, **kwargs):  # what a read-only folder answers (root is never refused)
        raise PermissionError(errno.EACCES, "Permission denied", self.lock_file)

    monkeypatch.setattr(StoreLock, "_lock_file", refused)
    rows = read_rows(data, "arsuppfoljning")
    assert [(r["version"], r["avser"]) for r in rows] == [
        ("1", rows[0]["kvitto"]), ("1", rows[1]["kvitto"]), ("2", rows[0]["kvitto"])]
    assert [r["kvitto"] for r in read_latest(data, "arsuppfoljning")] == [rows[1]["kvitto"], rows[2]["kvitto"]]
    store = FileStore(data)
    assert store.find("arsuppfoljning", rows[2]["kvitto"]) == rows[2]
    assert store.latest("arsuppfoljning", rows[0]["kvitto"]) == rows[2]
    assert sorted(store.answered("arsuppfoljning", "2025/26")) == ["40526633", "66906957"]
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.name in before} == before  # nothing migrated

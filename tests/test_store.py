"""The append-only store: versions, receipts, concurrent appends, torn rows and frictionless validity."""
from __future__ import annotations

import csv
import json
import multiprocessing
import re
import threading
from pathlib import Path

import pytest

from backoffice.forms.schema import UnknownFormError
from backoffice.store import files as store_module
from backoffice.store.files import FileStore, StoreError, read_latest, read_rows
from intake_support import frictionless_validate

ANSWER = {
    "skolenhetskod": "40526633", "lasar": "2025/26", "sip_initierade": "3", "sip_deltagit": "5",
    "behov": "Tid för samverkan, och en rutin för kallelser", "avvikelse_utredd": "nej",
    "avvikelser_utredda": "", "sip_kunnig_utsedd": "ja",
}
DEVIATION = {
    "skolenhetskod": "40526633", "datum": "2025-03-14", "kategori": "Kallad verksamhet deltog inte",
    "berorda_verksamheter": "skola, BUP", "lost_i_chefslinjen": "pågår", "handelseanalys": "nej",
    "rapporterad_medcontrol": "ja", "beskrivning": "BUP kom inte.\nIngen ersättare skickades.",
}


def raw_lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def test_append_writes_schema_columns_then_system_columns(tmp_path):
    (receipt,) = FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    with open(tmp_path / "arsuppfoljning.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(ANSWER) + ["mottagen", "kvitto", "version", "kanal", "avser", "status", "orsak"]
    assert rows[1][: len(ANSWER)] == list(ANSWER.values())
    mottagen, kvitto, version, kanal, avser, status, orsak = rows[1][len(ANSWER):]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mottagen)
    assert kvitto == receipt.kvitto and re.fullmatch(r"SIP-\d{4}-[0-9A-Z]{6}", kvitto)
    assert (version, kanal) == ("1", "webb")
    # A first version is an answer of its own; it is neither withdrawn nor corrected.
    assert (avser, status, orsak) == (kvitto, "", "")
    assert b"\r" not in (tmp_path / "arsuppfoljning.csv").read_bytes()


def test_resubmission_is_a_new_version_and_latest_counts(tmp_path):
    store = FileStore(tmp_path)
    store.append("arsuppfoljning", [ANSWER])
    store.append("arsuppfoljning", [dict(ANSWER, lasar="2024/25")])
    store.append("arsuppfoljning", [dict(ANSWER, sip_initierade="9")], kanal="import")
    rows = read_rows(tmp_path, "arsuppfoljning")
    assert [(r["lasar"], r["sip_initierade"], r["version"]) for r in rows] == [
        ("2025/26", "3", "1"), ("2024/25", "3", "1"), ("2025/26", "9", "2")]
    latest = read_latest(tmp_path, "arsuppfoljning")
    assert sorted((r["lasar"], r["sip_initierade"], r["version"]) for r in latest) == [
        ("2024/25", "3", "1"), ("2025/26", "9", "2")]
    # A fresh store object (another process) continues the numbering from the file.
    (receipt,) = FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    assert receipt.version == 3


def test_deviations_are_never_versioned(tmp_path):
    store = FileStore(tmp_path)
    store.append("avvikelse", [DEVIATION, DEVIATION])
    store.append("avvikelse", [DEVIATION])
    rows = read_latest(tmp_path, "avvikelse")
    assert [r["version"] for r in rows] == ["1", "1", "1"]
    assert len({r["kvitto"] for r in rows}) == 3
    assert rows[0]["beskrivning"] == DEVIATION["beskrivning"]  # newline kept inside the field


def test_store_passes_stock_frictionless_validate(tmp_path):
    store = FileStore(tmp_path)
    store.append("arsuppfoljning", [ANSWER, dict(ANSWER, lasar="2024/25")])
    store.append("arsuppfoljning", [ANSWER])
    store.append("avvikelse", [DEVIATION])
    result = frictionless_validate(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}
    assert names["avvikelse"][-7:] == ["mottagen", "kvitto", "version", "kanal", "avser", "status", "orsak"]


def test_frictionless_notices_a_broken_store(tmp_path):
    # The check above can fail: a duplicated receipt breaks the declared key.
    FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    path = tmp_path / "arsuppfoljning.csv"
    lines = raw_lines(path)
    path.write_bytes(b"\n".join([lines[0], lines[1], lines[1], b""]))
    assert frictionless_validate(tmp_path).returncode != 0


def test_fifty_threads_append_fifty_intact_rows(tmp_path):
    stores = [FileStore(tmp_path), FileStore(tmp_path)]  # two objects: locking is not per object
    barrier = threading.Barrier(50)

    def post(i):
        barrier.wait()
        stores[i % 2].append("avvikelse", [dict(DEVIATION, beskrivning=f"Rapport {i}, med komma")])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = read_rows(tmp_path, "avvikelse")
    assert sorted(r["beskrivning"] for r in rows) == sorted(f"Rapport {i}, med komma" for i in range(50))
    assert len({r["kvitto"] for r in rows}) == 50


def _append_from_process(data_dir, start):
    store = FileStore(data_dir)
    for i in range(start, start + 20):
        store.append("arsuppfoljning", [dict(ANSWER, sip_initierade=str(i))])


def test_processes_share_the_lock_and_the_version_count(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_from_process, args=(tmp_path, n * 20)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    rows = read_rows(tmp_path, "arsuppfoljning")
    assert sorted(int(r["version"]) for r in rows) == list(range(1, 41))
    assert frictionless_validate(tmp_path).returncode == 0


def test_a_torn_last_row_is_cut_back_logged_and_kept_aside(tmp_path, caplog):
    FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    path = tmp_path / "arsuppfoljning.csv"
    whole = path.read_bytes()
    torn = b'40526633,2025/26,1,2,"Tid f\xc3\xb6r\nsamverkan'  # cut off inside a text with a line break
    with open(path, "ab") as handle:  # what a crash in some other writer could leave behind
        handle.write(torn)
    with caplog.at_level("WARNING", logger="sip.store"):
        (receipt,) = FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    assert receipt.version == 2  # the torn row never counted
    assert path.read_bytes().startswith(whole) and len(read_rows(tmp_path, "arsuppfoljning")) == 2
    (message,) = [r.getMessage() for r in caplog.records if "ofullständig" in r.getMessage()]
    assert str(path) in message and f"{len(torn)} byte klipptes bort" in message
    (side,) = (tmp_path / ".avklippt").iterdir()
    assert side.read_bytes() == torn and side.name.startswith("arsuppfoljning.csv.")
    assert frictionless_validate(tmp_path).returncode == 0


def test_a_reader_leaves_out_a_torn_row_and_cuts_it(tmp_path):
    FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    path = tmp_path / "arsuppfoljning.csv"
    whole = path.read_bytes()
    with open(path, "ab") as handle:
        handle.write(b"40526633,2025/26,1")
    assert [r["sip_initierade"] for r in read_rows(tmp_path, "arsuppfoljning")] == ["3"]
    assert path.read_bytes() == whole


def test_damage_far_back_in_the_file_is_not_cut_but_refused(tmp_path):
    store = FileStore(tmp_path)
    store.append("avvikelse", [DEVIATION, DEVIATION])
    path = tmp_path / "avvikelse.csv"
    # A quote opened by hand in the first row and never closed: everything after it looks torn.
    data = path.read_bytes().replace(b'"skola, BUP",', b'"skola, BUP,', 1)
    path.write_bytes(data)
    with pytest.raises(StoreError, match="går inte att läsa som (rader|CSV)"):
        FileStore(tmp_path).append("avvikelse", [DEVIATION])
    with pytest.raises(StoreError, match="går inte att läsa som (rader|CSV)"):
        read_rows(tmp_path, "avvikelse")
    assert path.read_bytes() == data and not (tmp_path / ".avklippt").exists()


def test_a_failed_write_leaves_no_partial_row(tmp_path, monkeypatch):
    store = FileStore(tmp_path)
    store.append("arsuppfoljning", [ANSWER])
    path = tmp_path / "arsuppfoljning.csv"
    before = path.read_bytes()
    real_write = store_module.os.write

    def half_then_disk_full(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "write", half_then_disk_full)
    with pytest.raises(OSError):
        store.append("arsuppfoljning", [ANSWER, ANSWER])
    monkeypatch.undo()
    assert path.read_bytes() == before
    (receipt,) = store.append("arsuppfoljning", [ANSWER])
    assert receipt.version == 2  # the failed rows never counted


def test_a_file_with_other_columns_is_refused(tmp_path):
    (tmp_path / "arsuppfoljning.csv").write_text("skolenhetskod,antal\n40526633,3\n", encoding="utf-8")
    with pytest.raises(StoreError, match="stämmer inte med blanketten"):
        FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    assert (tmp_path / "arsuppfoljning.csv").read_text(encoding="utf-8") == "skolenhetskod,antal\n40526633,3\n"


def test_unknown_form_ids_cannot_reach_other_files(tmp_path):
    (tmp_path / "secret.csv").write_text("hemligt\n", encoding="utf-8")
    for form_id in ("../secret", "arsuppfoljning.csv", "finns_inte", str(tmp_path / "secret")):
        with pytest.raises(UnknownFormError, match="Det finns ingen blankett som heter .* Välj en av: arsuppfoljning"):
            read_rows(tmp_path, form_id)
        with pytest.raises(UnknownFormError):
            FileStore(tmp_path).append(form_id, [ANSWER])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.csv"]


def test_a_file_edited_by_hand_while_the_server_runs_is_read_again(tmp_path):
    store = FileStore(tmp_path)  # one object kept between appends, as in the server
    store.append("arsuppfoljning", [ANSWER, dict(ANSWER, skolenhetskod="66906957")])
    path = tmp_path / "arsuppfoljning.csv"
    # A typo fixed in place in a text editor: the first answer grows by one character.
    path.write_text(path.read_text(encoding="utf-8").replace(",3,5,", ",13,5,", 1), encoding="utf-8")
    (receipt,) = store.append("arsuppfoljning", [ANSWER])
    assert receipt.version == 2
    rows = read_rows(tmp_path, "arsuppfoljning")
    assert [(r["skolenhetskod"], r["sip_initierade"], r["version"]) for r in rows] == [
        ("40526633", "13", "1"), ("66906957", "3", "1"), ("40526633", "3", "2")]
    assert frictionless_validate(tmp_path).returncode == 0


@pytest.mark.parametrize("damage, message", [
    (lambda data: data.replace(",1,webb".encode(), ",ett,webb".encode(), 1), "versionen ”ett”"),
    (lambda data: data.replace("för".encode(), "för".encode("cp1252"), 1), "inte UTF-8"),
    (lambda data: b"\xef\xbb\xbf" + data, "BOM"),
])
def test_a_file_saved_again_in_a_spreadsheet_program_is_refused_in_swedish(tmp_path, damage, message):
    FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    path = tmp_path / "arsuppfoljning.csv"
    path.write_bytes(damage(path.read_bytes()))
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        read_rows(tmp_path, "arsuppfoljning")
    with pytest.raises(StoreError, match=message):
        FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    assert path.read_bytes() == before


def test_a_survey_answer_refused_by_a_broken_file_uses_no_place_on_its_link(tmp_path):
    from backoffice.store.files import AnswerCounter

    answer = {"skolenhetskod": "40526633", "lasar": "2025/26", "svarande": "barn/ung", "blev_lyssnad": "4",
              "forstod_beslut": "4", "utgar_fran_behov": "4", "vet_vem_kontakta": "4", "kandes_tryggt": "4"}
    store = FileStore(tmp_path)
    store.append("delaktighet", [answer], counter=("lank-1", 4))
    path = tmp_path / "delaktighet.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # saved again by a spreadsheet program
    with pytest.raises(StoreError, match="BOM"):
        store.append("delaktighet", [answer], counter=("lank-1", 4))
    assert AnswerCounter(tmp_path).used("lank-1") == 1


def test_text_pasted_from_word_is_stored_without_control_characters(tmp_path):
    # Word's line break is a vertical tab; a stray NUL or form feed would break spreadsheet programs.
    pasted = "Första raden\x0bandra raden\r\ntredje\x00 och\tslut\x0c"
    FileStore(tmp_path).append("arsuppfoljning", [dict(ANSWER, behov=pasted)])
    (row,) = read_rows(tmp_path, "arsuppfoljning")
    assert row["behov"] == "Första raden\nandra raden\ntredje och\tslut\n"
    assert frictionless_validate(tmp_path).returncode == 0


def test_a_foreign_file_in_the_folder_is_left_alone_and_named_once(tmp_path, caplog):
    (tmp_path / "lankar.csv").write_text("skola,länk\n40526633,https://example.se\n", encoding="utf-8")
    with caplog.at_level("INFO", logger="sip.store"):
        store = FileStore(tmp_path)
        store.append("arsuppfoljning", [ANSWER])
        store.append("avvikelse", [DEVIATION])
        FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    named = [r.getMessage() for r in caplog.records if "lankar.csv" in r.getMessage()]
    assert len(named) == 1 and "hör inte till någon blankett" in named[0]
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == ["arsuppfoljning", "avvikelse"]
    assert (tmp_path / "lankar.csv").read_text(encoding="utf-8") == "skola,länk\n40526633,https://example.se\n"
    assert frictionless_validate(tmp_path).returncode == 0


def test_datapackage_json_is_written_when_a_form_is_first_stored_not_on_each_post(tmp_path):
    store = FileStore(tmp_path)
    store.append("arsuppfoljning", [ANSWER])
    target = tmp_path / "datapackage.json"
    written = target.stat()
    for _ in range(3):
        store.append("arsuppfoljning", [ANSWER])
    FileStore(tmp_path).append("arsuppfoljning", [ANSWER])
    assert (target.stat().st_ino, target.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    store.append("avvikelse", [DEVIATION])  # a form stored for the first time
    assert [r["name"] for r in json.loads(target.read_text(encoding="utf-8"))["resources"]] == [
        "arsuppfoljning", "avvikelse"]
    # Damaged or edited by hand: the next post puts it right.
    target.write_text("{}", encoding="utf-8")
    store.append("arsuppfoljning", [ANSWER])
    assert frictionless_validate(tmp_path).returncode == 0

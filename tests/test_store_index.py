"""The store's index: lookups that agree with the rows, read one row, and survive another process, hand edits and damage."""
from __future__ import annotations

import multiprocessing
import os
import random
from pathlib import Path

import pytest

from backoffice import followup
from backoffice.forms.schema import load_form
from backoffice.store import index as index_module
from backoffice.store.files import FileStore, read_rows
from backoffice.store.versions import latest_versions, versions_of
from test_store import ANSWER, DEVIATION

SCHOOLS = ["40526633", "66906957", "10000001", "10000002"]


def busy_store(data_dir, seed=7):
    """A store with answers, answers again, corrections and withdrawals, for both kinds of form."""
    rng = random.Random(seed)
    store = FileStore(data_dir)
    for _ in range(40):
        school, lasar = rng.choice(SCHOOLS), rng.choice(["2024/25", "2025/26"])
        store.append("arsuppfoljning", [dict(ANSWER, skolenhetskod=school, lasar=lasar,
                                             sip_initierade=str(rng.randint(0, 9)))])
        store.append("avvikelse", [dict(DEVIATION, skolenhetskod=school, datum=rng.choice(
            ["2024-10-01", "2025-03-14", "2025-06-30", "2025-08-20"]))])
    for form_id in ("arsuppfoljning", "avvikelse"):
        for row in rng.sample(read_rows(data_dir, form_id), 12):
            latest = store.latest(form_id, row["kvitto"])
            if latest["status"] or rng.random() < 0.5:
                store.correct(form_id, row["kvitto"], {"sip_deltagit": str(rng.randint(10, 99))}
                              if form_id == "arsuppfoljning" else {"datum": "2025-09-01"}, "Rättat efter samtal.")
            else:
                store.withdraw(form_id, row["kvitto"], "Skickat av misstag.")
    return store


@pytest.mark.parametrize("form_id", ["arsuppfoljning", "avvikelse"])
def test_every_lookup_agrees_with_the_rows(tmp_path, form_id):
    store = busy_store(tmp_path)
    form = load_form(form_id)
    rows = read_rows(tmp_path, form_id)
    for row in rows:
        assert store.find(form_id, row["kvitto"]) == row
        versions = versions_of(rows, form.key, row["kvitto"])
        assert store.versions(form_id, row["kvitto"]) == versions
        assert store.latest(form_id, row["kvitto"]) == latest_versions(versions, form.key)[0]
        if form.key:
            assert store.latest_for(form_id, row) == store.latest(form_id, row["kvitto"])
    for lasar in ("2024/25", "2025/26", "2026/27"):
        assert store.answered(form_id, lasar) == followup.answers_by_school(form, rows, lasar)
    assert store.find(form_id, "SIP-2025-AAAAAA") is None and store.versions(form_id, "SIP-2025-AAAAAA") == []
    # A new process (no index in memory) gives the same answers from the index on disk.
    again = FileStore(tmp_path)
    assert again.answered(form_id, "2025/26") == store.answered(form_id, "2025/26")


def test_a_receipt_lookup_reads_one_row_not_the_form(tmp_path, monkeypatch):
    store = FileStore(tmp_path)
    receipts = store.append("avvikelse", [dict(DEVIATION, beskrivning=f"Rapport {i}.") for i in range(3000)])
    store.find("avvikelse", receipts[0].kvitto)  # the index is up to date
    size = (tmp_path / "avvikelse.csv").stat().st_size
    read = []
    real_pread = os.pread

    def counting_pread(fd, length, offset):
        data = real_pread(fd, length, offset)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "pread", counting_pread)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read all of {self}"))
    found = store.find("avvikelse", receipts[1234].kvitto)
    assert found["beskrivning"] == "Rapport 1234."
    assert sum(read) < 1000 < size  # one row's bytes, of a file of hundreds of kilobytes


def _append_elsewhere(data_dir, count):
    FileStore(data_dir).append("arsuppfoljning", [dict(ANSWER, skolenhetskod="66906957", sip_initierade=str(count))])


def test_rows_appended_by_another_process_are_found(tmp_path):
    store = FileStore(tmp_path)  # as a running server holds it
    (mine,) = store.append("arsuppfoljning", [ANSWER])
    context = multiprocessing.get_context("spawn")
    worker = context.Process(target=_append_elsewhere, args=(tmp_path, 7))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    (other,) = [r for r in read_rows(tmp_path, "arsuppfoljning") if r["kvitto"] != mine.kvitto]
    assert store.find("arsuppfoljning", other["kvitto"])["sip_initierade"] == "7"
    assert store.latest_for("arsuppfoljning", ("66906957", "2025/26"))["kvitto"] == other["kvitto"]
    assert sorted(store.answered("arsuppfoljning", "2025/26")) == ["40526633", "66906957"]


def test_an_index_that_is_missing_damaged_or_stale_is_built_again(tmp_path, caplog):
    store = FileStore(tmp_path)
    (first, second) = store.append("arsuppfoljning", [ANSWER, dict(ANSWER, skolenhetskod="66906957")])
    index_file = tmp_path / ".index" / "arsuppfoljning.sqlite"
    assert index_file.exists()
    # Deleted: a new process builds it again.
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / ".index" / f"arsuppfoljning.sqlite{suffix}").unlink(missing_ok=True)
    assert FileStore(tmp_path).find("arsuppfoljning", second.kvitto)["skolenhetskod"] == "66906957"
    # Damaged: overwritten with other bytes (a disk error, a bad restore).
    fresh = FileStore(tmp_path)
    index_file.write_bytes(b"inte en databas" * 500)
    for suffix in ("-wal", "-shm"):
        (tmp_path / ".index" / f"arsuppfoljning.sqlite{suffix}").unlink(missing_ok=True)
    with caplog.at_level("WARNING", logger="sip.store"):
        assert fresh.find("arsuppfoljning", first.kvitto)["skolenhetskod"] == "40526633"
    assert any("var skadat och byggs om" in r.getMessage() for r in caplog.records)
    # Stale: a school code corrected by hand in a text editor, same length, while the server runs.
    path = tmp_path / "arsuppfoljning.csv"
    path.write_bytes(path.read_bytes().replace(b"66906957", b"66906958"))
    assert store.find("arsuppfoljning", second.kvitto)["skolenhetskod"] == "66906958"
    assert sorted(store.answered("arsuppfoljning", "2025/26")) == ["40526633", "66906958"]
    # Replaced by hand with a shorter file: the index follows, and the store goes on.
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:2] + [b""]))
    assert store.find("arsuppfoljning", second.kvitto) is None
    assert store.append("arsuppfoljning", [ANSWER])[0].version == 2


def test_an_index_that_cannot_be_kept_on_disk_is_kept_in_memory(tmp_path):
    FileStore(tmp_path).append("avvikelse", [DEVIATION])
    for path in (tmp_path / index_module.INDEX_DIR).iterdir():
        path.unlink()
    (tmp_path / index_module.INDEX_DIR).rmdir()
    (tmp_path / index_module.INDEX_DIR).write_text("a file where the index folder should be\n")
    store = FileStore(tmp_path)
    (receipt,) = store.append("avvikelse", [DEVIATION])
    assert store.find("avvikelse", receipt.kvitto)["kvitto"] == receipt.kvitto
    assert len(read_rows(tmp_path, "avvikelse")) == 2

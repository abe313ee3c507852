"""Imports are remembered: the import log, a file imported twice refused, and batches cut off by a crash undone."""
from __future__ import annotations

import hashlib
import json
import os

import pytest
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.store import import_log, recovery
from backoffice.store.files import FileStore, read_rows
from backoffice.store.import_log import AlreadyImported, swedish_time
from backoffice.store.importing import import_table
from intake_support import frictionless_validate
from store_support import write_deviations
from test_store import DEVIATION


def deviation_file(path, rows=3, text="Rapport"):
    return write_deviations(path, rows, text)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("utc, swedish", [
    ("2026-12-03T13:05:00Z", "3 december 2026 kl. 14.05"),  # winter: UTC+1
    ("2026-07-01T12:00:00Z", "1 juli 2026 kl. 14.00"),      # summer: UTC+2
    ("2026-03-29T00:30:00Z", "29 mars 2026 kl. 01.30"),     # the night the clocks go forward
])
def test_times_are_given_in_swedish_local_time(utc, swedish):
    assert swedish_time(utc) == swedish


def test_each_import_is_logged_and_the_same_file_again_is_refused(tmp_path):
    data = tmp_path / "lager"
    source = deviation_file(tmp_path / "avvikelser.csv")
    done = run("import", source, "--form", "avvikelse", "--data", data)
    assert done.exit_code == 0, done.output
    (record,) = import_log.import_log(data).records()
    assert record["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert (record["handelse"], record["blankett"], record["fil"], record["rader"], record["igen"]) == (
        "inlasning", "avvikelse", "avvikelser.csv", 3, False)
    rows = read_rows(data, "avvikelse")
    assert record["kvitton"] == [rows[0]["kvitto"], rows[-1]["kvitto"]]
    assert f"Inläsningen är antecknad i {data / 'inlasningar.jsonl'} ({swedish_time(record['tid'])}" in done.output
    assert done.output.splitlines()[-1] == f"Lade in 3 rader från {source} i lagret för avvikelse."
    # The same bytes under another name: refused, naming the earlier import; nothing appended.
    copy = tmp_path / "kopia.csv"
    copy.write_bytes(source.read_bytes())
    refused = run("import", copy, "--form", "avvikelse", "--data", data)
    assert refused.exit_code == 2
    assert (f"Fel: kopia.csv har redan lästs in i lagret för avvikelse den {swedish_time(record['tid'])} "
            "(3 rader, från avvikelser.csv).") in refused.output
    assert "--igen" in refused.output and "Traceback" not in refused.output
    assert len(read_rows(data, "avvikelse")) == 3
    # Asked for: imported again, and said so.
    again = run("import", copy, "--form", "avvikelse", "--data", data, "--igen")
    assert again.exit_code == 0, again.output
    assert "Obs: samma fil lästes in tidigare den" in again.output
    assert len(read_rows(data, "avvikelse")) == 6
    assert [r["igen"] for r in import_log.import_log(data).records()] == [False, True]
    # Another file of the same name is another file.
    deviation_file(source, text="Ny rapport")
    assert run("import", source, "--form", "avvikelse", "--data", data).exit_code == 0


def test_the_same_file_is_refused_even_when_validated_meanwhile(tmp_path):
    data = tmp_path / "lager"
    source = deviation_file(tmp_path / "avvikelser.csv")
    store = FileStore(data)
    import_table(source, "avvikelse", store=store)
    # Two imports of one file started at once both pass the early check; the store checks again.
    batch = import_log.new_record("avvikelse", source.name, import_log.file_digest(source), 3, False)
    with pytest.raises(AlreadyImported):
        store.import_rows("avvikelse", [DEVIATION] * 3, batch)
    assert len(read_rows(data, "avvikelse")) == 3


def test_a_large_import_lists_some_receipts_and_says_how_many(tmp_path):
    source = deviation_file(tmp_path / "manga.csv", rows=120)
    done = run("import", source, "--form", "avvikelse", "--data", tmp_path / "lager")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert sum(line.startswith("SIP-") for line in lines) == 50
    last = read_rows(tmp_path / "lager", "avvikelse")[-1]["kvitto"]
    assert f"… och 70 rader till (till och med kvitto {last})." in lines


def cut_off_batch(data, rows, committed: bool):
    """What a kill in the middle of an import leaves: the intent, some of the rows, maybe the commit."""
    store = FileStore(data)
    store.ensure("avvikelse")
    path = data / "avvikelse.csv"
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        intent = {"id": "parti-1", "fil": path.name, "start": os.fstat(fd).st_size, "inode": os.fstat(fd).st_ino,
                  "rader": 2, "logg": True, "blankett": "avvikelse", "kalla": "avvikelser.csv"}
        (data / recovery.MARKER_NAME).write_text(json.dumps(intent))
        os.write(fd, rows)
    finally:
        os.close(fd)
    if committed:
        import_log.import_log(data).append({"handelse": "inlasning", "id": "parti-1", "blankett": "avvikelse",
                                            "fil": "avvikelser.csv", "sha256": "0" * 64, "rader": 2})


def test_a_batch_cut_off_before_its_commit_is_rolled_back_when_the_store_opens(tmp_path, caplog):
    data = tmp_path / "lager"
    (kept,) = FileStore(data).append("avvikelse", [DEVIATION])
    before = (data / "avvikelse.csv").read_bytes()
    whole_row = before.split(b"\n", 1)[1]
    cut_off_batch(data, whole_row + whole_row[:40], committed=False)  # one whole row, one torn
    with caplog.at_level("WARNING", logger="sip.store"):
        (posted,) = FileStore(data).append("avvikelse", [DEVIATION])  # the next web post
    assert [r["kvitto"] for r in read_rows(data, "avvikelse")] == [kept.kvitto, posted.kvitto]
    assert not (data / recovery.MARKER_NAME).exists()
    assert any("avbröts innan den var klar" in r.getMessage() and str(data / "avvikelse.csv") in r.getMessage()
               for r in caplog.records)
    (rolled_back,) = import_log.import_log(data).records()
    assert (rolled_back["handelse"], rolled_back["fil"], rolled_back["byte"]) == (
        "inlasning-aterstalld", "avvikelser.csv", len(whole_row) + 40)
    assert frictionless_validate(data).returncode == 0


def test_a_batch_whose_commit_was_written_is_kept(tmp_path):
    data = tmp_path / "lager"
    FileStore(data).append("avvikelse", [DEVIATION])
    whole_row = (data / "avvikelse.csv").read_bytes().split(b"\n", 1)[1]
    second = whole_row.replace(b"BUP kom inte.", b"Ingen kom.")
    cut_off_batch(data, second.replace(whole_row.split(b",")[-6], b"SIP-2026-ZZZZZZ"), committed=True)
    rows = read_rows(data, "avvikelse")
    assert len(rows) == 2 and rows[1]["beskrivning"].startswith("Ingen kom.")
    assert not (data / recovery.MARKER_NAME).exists()

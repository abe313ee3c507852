"""A real `sip-backoffice import` killed with SIGKILL at random instants: the store stays whole and open.

After every kill the store is opened as the next writer or reader opens it, and then: the CSV
parses, it holds all of the batch or none of it (and the import log agrees), every row
acknowledged before is there, Frictionless validates the data package (as `frictionless validate`
does; the last state through that command itself), and a web-form-style append works. Half of the
kills fall anywhere in the command's run, half within its write (from the intent record on). The
batches are of a few thousand rows so that the test takes seconds per kill: the intent and commit
records do not depend on a batch's size (bench/bench_store.py imports 200,000 rows).
"""
from __future__ import annotations

import csv
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from backoffice.store.files import FileStore, read_rows
from backoffice.store.import_log import earlier, file_digest
from backoffice.store.recovery import MARKER_NAME
from intake_support import frictionless_validate
from store_support import write_deviations
from test_store import DEVIATION

SIP = Path(sys.executable).with_name("sip-backoffice")
ROWS = 2000
KILLS = 20


def write_batch(path: Path, trial: int, rows: int = ROWS) -> Path:
    """A deviation file of `rows` reports, each saying which batch it belongs to."""
    return write_deviations(path, rows, f"Parti {trial}, rapport")


def start_import(source: Path, data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen([str(SIP), "import", str(source), "--form", "avvikelse", "--data", str(data_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_until(process: subprocess.Popen, marker: Path, instant: float, in_write: bool) -> tuple[float, float | None]:
    """Let the process run, then kill it `instant` seconds after its start (or after its write began)."""
    started, write_began = time.monotonic(), None
    while process.poll() is None:
        now = time.monotonic()
        if write_began is None and marker.exists():
            write_began = now
        origin = write_began if in_write else started
        if origin is not None and now - origin >= instant:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.0005)
    process.wait()
    return time.monotonic() - started, (write_began - started if write_began else None)


def batch_rows(rows: list[dict], trial: int) -> list[dict]:
    return [row for row in rows if row["beskrivning"].startswith(f"Parti {trial},")]


def validate_package(descriptor: str) -> list[str]:
    """Frictionless's validation of a data package, as `frictionless validate` runs it: its errors."""
    import frictionless

    report = frictionless.validate(descriptor)
    return [] if report.valid else [str(error) for error in report.flatten(["rowNumber", "fieldName", "note"])[:5]]


class Validator:
    """Frictionless's validation of each state, on a copy of the store, in a worker process (on the
    other core, started once) while the next batch is imported; the last state through the command."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.running: tuple[Future, str] | None = None

    def check(self, data_dir: Path, note: str) -> None:
        self.wait()
        copy = self.folder / f"tillstand-{len(list(self.folder.iterdir()))}"
        copy.mkdir()
        for name in ("datapackage.json", "avvikelse.csv"):
            shutil.copy2(data_dir / name, copy / name)
        self.running = (self.pool.submit(validate_package, str(copy / "datapackage.json")), note)

    def wait(self) -> None:
        if self.running is not None:
            errors, note = self.running[0].result(), self.running[1]
            assert errors == [], f"{note}: frictionless validate: {errors}"
            self.running = None

    def close(self, data_dir: Path) -> None:
        self.wait()
        result = frictionless_validate(data_dir)
        assert result.returncode == 0, result.stdout


def check_store(data_dir: Path, trial: int, source: Path, acknowledged: set[str], note: str,
                validator: Validator) -> list[dict]:
    """Every promise of the store after a kill; returns the batch's rows (all of them, or none)."""
    rows = read_rows(data_dir, "avvikelse")  # opened as the next reader opens it
    with open(data_dir / "avvikelse.csv", encoding="utf-8", newline="") as handle:
        parsed = list(csv.reader(handle))
    assert all(len(row) == len(parsed[0]) for row in parsed), note
    assert len(parsed) - 1 == len(rows), note
    mine = batch_rows(rows, trial)
    assert len(mine) in (0, ROWS), f"{note}: {len(mine)} of {ROWS} rows of the batch are in the store"
    logged = earlier(data_dir, "avvikelse", file_digest(source))
    assert len(logged) == (1 if mine else 0), f"{note}: the import log does not agree with the store"
    assert acknowledged <= {row["kvitto"] for row in rows}, f"{note}: acknowledged rows are missing"
    assert not (data_dir / MARKER_NAME).exists(), note
    validator.check(data_dir, note)
    (receipt,) = FileStore(data_dir).append("avvikelse", [dict(DEVIATION, beskrivning=f"Webb efter {trial}.")])
    assert FileStore(data_dir).find("avvikelse", receipt.kvitto)["beskrivning"] == f"Webb efter {trial}."
    acknowledged.add(receipt.kvitto)
    return mine


def test_an_import_killed_at_random_instants_leaves_all_of_the_batch_or_none(tmp_path):
    seed = int(os.environ.get("SIP_CRASH_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    data_dir = tmp_path / "lager"
    marker = data_dir / MARKER_NAME
    acknowledged = {r.kvitto for r in FileStore(data_dir).append("avvikelse", [DEVIATION])}
    # One import run to its end: how long a run takes, and when its write begins.
    source = write_batch(tmp_path / "parti-0.csv", 0)
    total, write_at = run_until(start_import(source, data_dir), marker, 1e9, False)
    assert write_at is not None
    validator = Validator(tmp_path / "kopior")
    validator.folder.mkdir()
    acknowledged |= {row["kvitto"] for row in check_store(data_dir, 0, source, acknowledged, "hela körningen",
                                                          validator)}
    try:
        outcomes = [kill_and_check(tmp_path, trial, rng, (total, write_at), acknowledged, validator, seed)
                    for trial in range(1, KILLS + 1)]
        validator.close(data_dir)
    finally:
        validator.pool.shutdown(cancel_futures=True)
    # Kills before the commit and after it both happened, or the test proved less than it says.
    assert any(outcomes), f"seed {seed}: no kill fell after a commit"
    assert not all(outcomes), f"seed {seed}: every kill fell after the commit"


def kill_and_check(tmp_path, trial, rng, timing, acknowledged, validator, seed) -> bool:
    """One batch imported and killed at a random instant, then the store checked; True if the batch is in."""
    data_dir, (total, write_at) = tmp_path / "lager", timing
    source = write_batch(tmp_path / f"parti-{trial}.csv", trial)
    in_write = trial % 2 == 0
    instant = rng.uniform(0, total - write_at) if in_write else rng.uniform(0, total)
    process = start_import(source, data_dir)
    run_until(process, data_dir / MARKER_NAME, instant, in_write)
    note = (f"seed {seed}, batch {trial}: killed {instant:.4f} s after its "
            f"{'write began' if in_write else 'start'} (exit {process.returncode})")
    mine = check_store(data_dir, trial, source, acknowledged, note, validator)
    if process.returncode == 0:
        assert mine, note  # the command finished: the batch must be there
    acknowledged |= {row["kvitto"] for row in mine}
    return bool(mine)

"""What a crash can leave in the store, found and undone under the store's lock before anything else.

Two things: a batch of rows (an import) written without its commit record, rolled back whole; and
a torn last row, cut back to the last whole row. Cut bytes are kept in a hidden side folder, so
nothing is lost, and a Swedish log line names the file and how many bytes were cut.

A batch is bracketed by an intent record (`.skrivning-pagar.json`, written and fsynced before the
first row) that says where the file ended before it. The batch's commit is its record in the import
log (or, for a batch no log records, the intent's removal once every row is on disk); an intent
found without its commit means the writer died mid-batch, and the file is cut back to where it ended.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from backoffice.store import disk, import_log
from backoffice.store.rows import utc_now

MARKER_NAME = ".skrivning-pagar.json"
CUT_DIR = ".avklippt"
log = logging.getLogger("sip.store")


@contextmanager
def batch(data_dir: Path, path: Path, fd: int, rows: int, logged: bool, **about) -> Iterator[str]:
    """Around a write of many rows to `path`: the intent record before, removed after; yields the batch id.

    Inside the block the caller appends the rows and, when `logged`, the import log's record with
    this id (the commit). If the block fails before its commit, the rows are cut off again here;
    if the process is killed, `recover` does it when the store next opens.
    """
    stat = os.fstat(fd)
    intent = {"id": uuid.uuid4().hex, "fil": path.name, "start": stat.st_size, "inode": stat.st_ino,
              "rader": rows, "logg": logged, **about}
    marker = Path(data_dir) / MARKER_NAME
    disk.create_file(marker, json.dumps(intent, ensure_ascii=False).encode("utf-8"))
    try:
        yield intent["id"]
    except BaseException:
        if not (logged and import_log.committed(data_dir, intent["id"])):
            os.ftruncate(fd, intent["start"])
            os.fsync(fd)
        _remove(marker)
        raise
    _remove(marker)


def _remove(marker: Path) -> None:
    marker.unlink(missing_ok=True)
    disk.fsync_dir(marker.parent)


def recover(data_dir: Path) -> None:
    """Finish or undo a batch that a crash cut off (call it holding the store's lock)."""
    marker = Path(data_dir) / MARKER_NAME
    try:
        intent = json.loads(marker.read_bytes())
        intent["id"], intent["fil"], int(intent["start"])
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError):
        # The intent is written whole before the first row: a torn one means no row was written.
        log.warning("Lagret: %s var ofullständig (avbruten innan några rader skrevs) och tas bort.", marker)
        _remove(marker)
        return
    if intent.get("logg") and import_log.committed(data_dir, intent["id"]):
        _remove(marker)  # the batch was committed; only the tidying up was cut off
        return
    cut = _roll_back(Path(data_dir) / intent["fil"], intent)
    if intent.get("logg"):
        import_log.import_log(data_dir).append({
            "handelse": import_log.ROLLED_BACK, "id": intent["id"], "blankett": intent.get("blankett"),
            "fil": intent.get("kalla"), "rader": intent.get("rader"), "byte": cut})
    _remove(marker)


def _roll_back(path: Path, intent: dict) -> int:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return 0
    try:
        stat = os.fstat(fd)
        if stat.st_ino != intent.get("inode"):
            log.error("Lagret: en avbruten skrivning till %s kan inte rullas tillbaka, eftersom filen har "
                      "bytts ut sedan dess. Kontrollera filens sista rader för hand.", path)
            return 0
        cut = max(0, stat.st_size - int(intent["start"]))
        if cut:
            os.ftruncate(fd, int(intent["start"]))
            os.fsync(fd)
    finally:
        os.close(fd)
    log.warning("Lagret: en skrivning av %s rader till %s avbröts innan den var klar; de %d byte som hann "
                "skrivas har tagits bort, så ingen av raderna finns i lagret. Läs in filen igen.",
                intent.get("rader", "?"), path, cut)
    return cut


def cut_tail(data_dir: Path, path: Path, fd: int, at: int) -> None:
    """Cut the file back to offset `at` (its last whole row), keeping the cut bytes in a side file."""
    size = os.fstat(fd).st_size
    if size <= at:
        return
    side_dir = Path(data_dir) / CUT_DIR
    side_dir.mkdir(exist_ok=True)
    side = side_dir / f"{path.name}.{utc_now().replace(':', '')}.{at}"
    n = 0
    while True:
        try:
            disk.create_file(side, os.pread(fd, size - at, at))
            break
        except FileExistsError:
            n += 1
            side = side.with_name(f"{side.name.split('~')[0]}~{n}")
    os.ftruncate(fd, at)
    os.fsync(fd)
    log.warning("Lagret: sista raden i %s var ofullständig (en avbruten skrivning); %d byte klipptes bort "
                "tillbaka till sista hela raden och sparades i %s.", path, size - at, side)

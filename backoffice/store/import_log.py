"""The log of imports beside the store (inlasningar.jsonl): what was imported, when, from which file.

Each import batch leaves one record, written as the batch's commit: the form, the file's name and
SHA-256, the time and the number of rows (and `igen` when the coordinator imported a file again on
purpose). A batch cut off by a crash before its record was written is rolled back
(backoffice.store.recovery), which adds a record of its own. The same file (the same SHA-256)
imported again into the same form is refused, naming the earlier import, unless asked for.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

from backoffice.errors import SipError
from backoffice.journal import Journal

LOG_NAME = "inlasningar.jsonl"
IMPORTED = "inlasning"
ROLLED_BACK = "inlasning-aterstalld"
_SWEDEN = ZoneInfo("Europe/Stockholm")
_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
           "oktober", "november", "december")


class AlreadyImported(SipError):
    """The same file was imported into the form before; nothing was appended (Swedish message)."""


def import_log(data_dir) -> Journal:
    """The import log of a store."""
    return Journal(Path(data_dir) / LOG_NAME)


def file_digest(path) -> str:
    """The SHA-256 of a file's bytes, in hex (read in pieces: an import file can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def committed(data_dir, batch_id: str) -> bool:
    """Whether the batch with this id has its record in the log (then it is in the store)."""
    return any(r.get("id") == batch_id and r.get("handelse") == IMPORTED for r in import_log(data_dir).records())


def earlier(data_dir, form_id: str, sha256: str) -> list[dict]:
    """The earlier imports of a file with this SHA-256 into the form, oldest first."""
    return [r for r in import_log(data_dir).records()
            if r.get("handelse") == IMPORTED and r.get("blankett") == form_id and r.get("sha256") == sha256]


def swedish_time(utc_text: str) -> str:
    """A log time (UTC, ISO 8601) as a Swede reads it in Swedish time: 3 december 2026 kl. 14.05."""
    try:
        moment = dt.datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError):
        return str(utc_text)
    local = moment.astimezone(_SWEDEN)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} kl. {local:%H.%M}"


def count_text(count: int, one: str = "rad", many: str = "rader") -> str:
    """A count the Swedish way: 1 rad, 200 000 rader."""
    return f"{count:,}".replace(",", " ") + " " + (one if count == 1 else many)


def describe(record: dict) -> str:
    """One earlier import in words: when, how many rows, from which file."""
    return (f"den {swedish_time(record.get('tid', ''))} ({count_text(int(record.get('rader') or 0))}, "
            f"från {record.get('fil', '?')})")


def refuse_repeat(data_dir, form_id: str, sha256: str, name: str, how_again: str = "lägg till --igen") -> None:
    """AlreadyImported when a file with this SHA-256 was imported into the form before; the message
    ends with `how_again`, the way to import it anyway where the coordinator is (a command, a page)."""
    before = earlier(data_dir, form_id, sha256)
    if before:
        raise AlreadyImported(
            f"{name} har redan lästs in i lagret för {form_id} {describe(before[-1])}. Samma fil en gång "
            "till skulle lägga in alla rader igen (för blanketter med nyckel blir varje svar en ny "
            f"version). Ingenting har lagts in. Menar du att läsa in den igen, {how_again}.")


def new_record(form_id: str, name: str, sha256: str, rows: int, again: bool) -> dict:
    """The record of an import batch, without its id and time (the store adds those as it commits)."""
    return {"handelse": IMPORTED, "blankett": form_id, "fil": name, "sha256": sha256, "rader": rows,
            "igen": again}

"""The append-only store: one CSV per form plus a datapackage.json, written safely under a file lock.

Layout of a data directory (the statistics read it, the stock `frictionless validate` checks it):

    <data dir>/datapackage.json
    <data dir>/<form_id>.csv     UTF-8, `,`, header row, LF line endings

Columns are the form's schema fields in schema order, then the system columns `mottagen`,
`kvitto`, `version` and `kanal`. Rows are only ever appended. An append takes the store's file
lock, checks that the file ends with a newline, writes every encoded row in one `os.write` on an
O_APPEND descriptor and fsyncs, so a crash can never leave half a row behind; if the file ever
does end mid-row (written by something else), the store refuses to go on and says so; so it does
for a CSV saved again in another encoding, with a BOM, or with a version that is not a number.
`datapackage.json` is derived from the schemas and written again whenever it differs, so edit the
schemas in forms/, never that file.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml
from filelock import FileLock

from backoffice import config
from backoffice.store.versions import latest_versions

SYSTEM_FIELDS = ("mottagen", "kvitto", "version", "kanal")
# Anonymous forms keep only the day an answer came: a time to the second would let anyone who
# knows when a meeting ended pick out that family's answers. Nothing counts these by time.
ANONYMOUS_FORMS = frozenset({"delaktighet"})
CHANNELS = ("webb", "import")
# Receipt alphabet without look-alikes (0/O, 1/I/L, U/V) so a receipt can be read over the phone.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
_FORM_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_LOCK_NAME = ".store.lock"
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# How many answers each survey link has taken: kept apart from the answers (which never carry the
# link), keyed by a hash of the link's token, so stored answers cannot be grouped by meeting.
COUNTER_NAME = ".svar-per-lank.json"
_SCHEMAS: dict[str, tuple[int, dict]] = {}


class StoreError(Exception):
    """A problem with the store that a person must look at; the message is Swedish."""


class AnswerLimitReached(Exception):
    """A survey link has taken all the answers it may take; nothing was stored."""


class AnswerCounter:
    """The per-link answer counts of survey links: `<data dir>/.svar-per-lank.json`, hash → count.

    Callers hold the store's lock around `take` and the append that follows, so two answers sent
    at once can never both take the last place.
    """

    def __init__(self, data_dir):
        self.path = Path(data_dir) / COUNTER_NAME

    def counts(self) -> dict[str, int]:
        """Every link's count (empty when no survey link has been used)."""
        try:
            return {str(k): int(v) for k, v in json.loads(self.path.read_text(encoding="utf-8")).items()}
        except FileNotFoundError:
            return {}
        except (ValueError, AttributeError) as error:
            raise StoreError(f"Räknaren för enkätlänkar ({self.path}) går inte att läsa ({error}). "
                             "Flytta filen åt sidan efter att ha tagit en kopia; då börjar räkningen om.") from None

    def used(self, key: str) -> int:
        """How many answers the link with this key has taken."""
        return self.counts().get(key, 0)

    def take(self, key: str, limit: int, count: int = 1) -> int:
        """Count `count` more answers for a link, or raise AnswerLimitReached; returns the new count."""
        counts = self.counts()
        used = counts.get(key, 0)
        if used + count > limit:
            raise AnswerLimitReached(key)
        counts[key] = used + count
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{COUNTER_NAME}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(counts, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)
        return counts[key]


@dataclass(frozen=True)
class Receipt:
    """What the sender gets back for one stored row."""

    form_id: str
    kvitto: str
    version: int
    mottagen: str
    row: dict


# ---------------------------------------------------------------- schema access


def form_schema(form_id: str) -> dict:
    """The form's schema as a plain dict, read from forms/<id>.schema.yaml (the data contract)."""
    if not _FORM_ID.match(form_id or ""):
        raise StoreError(f"Okänd blankett: {form_id!r}.")
    path = config.FORMS_DIR / f"{form_id}.schema.yaml"
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise StoreError(f"Okänd blankett: {form_id!r} (det finns ingen {path.name}).") from None
    cached = _SCHEMAS.get(form_id)
    if cached is None or cached[0] != stamp:
        with path.open(encoding="utf-8") as handle:
            cached = _SCHEMAS[form_id] = (stamp, yaml.safe_load(handle))
    return cached[1]


def form_fields(form_id: str) -> list[str]:
    """The form's field names in schema order."""
    return [field["name"] for field in form_schema(form_id)["fields"]]


def key_fields(form_id: str) -> list[str]:
    """The fields whose values identify one answer that can be resubmitted (empty: every row is new)."""
    return list((form_schema(form_id).get("sip:form") or {}).get("key") or [])


def columns(form_id: str) -> list[str]:
    """Every column of the form's CSV in the store, in order."""
    return form_fields(form_id) + list(SYSTEM_FIELDS)


# ---------------------------------------------------------------- reading


def csv_path(data_dir, form_id: str) -> Path:
    """The CSV file holding one form's rows."""
    form_schema(form_id)  # rejects ids that are not forms (and any path tricks)
    return Path(data_dir) / f"{form_id}.csv"


def _check_complete(path: Path, data: bytes) -> None:
    if data and not data.endswith(b"\n"):
        raise StoreError(
            f"Sista raden i {path} är ofullständig (filen slutar mitt i en rad). Lagret rör inte "
            "filen själv: flytta bort den ofullständiga raden för hand efter att ha tagit en kopia, "
            "och kontrollera sedan lagret med `frictionless validate`."
        )


def check_version(row: dict[str, str], where: str) -> dict[str, str]:
    """The row, if its version is a whole number of 1 or more; else StoreError naming `where`.

    Versions are counted on, so a version edited by hand must stop the store, not crash it.
    """
    if not (row["version"].isdigit() and int(row["version"]) >= 1):
        raise StoreError(f"{where} har versionen ”{row['version']}”; den ska vara ett heltal, 1 eller mer. "
                         "Rätta raden för hand.")
    return row


def _parse(path: Path, data: bytes, form_id: str) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StoreError(
            f"{path} är inte UTF-8 (byte {error.start}); den har troligen sparats om i ett kalkylprogram. "
            "Lagret skriver inte i filen: återställ den från säkerhetskopian, eller spara den som "
            "CSV UTF-8 med kommatecken."
        ) from None
    if text.startswith("\ufeff"):
        raise StoreError(
            f"{path} börjar med ett BOM-tecken; den har troligen sparats om i Excel. Lagret skriver inte "
            "i filen: återställ den från säkerhetskopian, eller ta bort tecknet."
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return []
    expected = columns(form_id)
    if header != expected:
        raise StoreError(
            f"Kolumnerna i {path} stämmer inte med blanketten {form_id}: filen har "
            f"{', '.join(header)}; schemat kräver {', '.join(expected)}. Lagret skriver inte i en fil "
            "med andra kolumner; flytta den gamla filen åt sidan och låt lagret börja en ny."
        )
    rows = []
    try:
        for line_no, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                raise StoreError(f"Rad {line_no} i {path} har {len(cells)} värden i stället för {len(header)}.")
            rows.append(check_version(dict(zip(header, cells)), f"Rad {line_no} i {path}"))
    except csv.Error as error:
        raise StoreError(f"{path} går inte att läsa som CSV: {error}.") from error
    return rows


def read_rows(data_dir, form_id: str) -> list[dict[str, str]]:
    """Every stored row of a form, every version, in the order received (empty if none yet)."""
    path = csv_path(data_dir, form_id)
    if not path.exists():
        return []
    try:
        # Under the writers' lock, so a reader never sees an append that is still being written.
        with FileLock(str(Path(data_dir) / _LOCK_NAME), timeout=30):
            data = path.read_bytes()
    except PermissionError:  # a read-only copy of a store: nobody can be writing to it
        data = path.read_bytes()
    _check_complete(path, data)
    return _parse(path, data, form_id)


def read_latest(data_dir, form_id: str) -> list[dict[str, str]]:
    """The rows statistics should count: the latest version per key, or every row for unkeyed forms."""
    return latest_versions(read_rows(data_dir, form_id), key_fields(form_id))


# ---------------------------------------------------------------- writing


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_receipt(year: int | None = None) -> str:
    """A fresh receipt number like SIP-2026-7K3QF9 (uniqueness is checked by the caller)."""
    year = year or datetime.now(timezone.utc).year
    return f"SIP-{year}-" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(6))


def stamp_rows(form_id: str, records: list[dict], kanal: str, versions: dict[tuple, int],
               used: set[str]) -> tuple[list[list[str]], list[Receipt]]:
    """Give validated records their system columns: one receipt time, a new receipt number each, and
    the next version of their key. `versions` and `used` (the store's state) are updated in place.

    Both stores call this, so a row means the same in a data package and in a Google Sheet.
    """
    fields, keys = form_fields(form_id), key_fields(form_id)
    mottagen, lines, receipts = _now(), [], []
    if form_id in ANONYMOUS_FORMS:
        mottagen = mottagen[:10]
    for record in records:
        row = {name: _clean(record.get(name)) for name in fields}
        version = 1
        if keys:
            key = tuple(row[k] for k in keys)
            version = versions[key] = versions.get(key, 0) + 1
        kvitto = new_receipt()
        while kvitto in used:
            kvitto = new_receipt()
        used.add(kvitto)
        row.update(mottagen=mottagen, kvitto=kvitto, version=str(version), kanal=kanal)
        lines.append([row[c] for c in fields + list(SYSTEM_FIELDS)])
        receipts.append(Receipt(form_id, kvitto, version, mottagen, row))
    return lines, receipts


def _encode(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _clean(value) -> str:
    # Browsers send CRLF from textareas; the store keeps LF only so the file stays uniform. Text
    # pasted from Word brings vertical tabs (its line breaks) and the odd control character, which
    # spreadsheet programs and the Sheets API refuse: line breaks stay line breaks, the rest goes.
    text = "" if value is None else str(value)
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def _resource(form_id: str) -> dict:
    schema = form_schema(form_id)
    fields = []
    for field in schema["fields"]:
        # UI hints belong to the form, not the store; the primary key becomes (key, version).
        fields.append({k: v for k, v in field.items() if not k.startswith("sip:")})
    received = ({"name": "mottagen", "type": "date", "title": "Mottagen",
                 "description": "Dagen då svaret togs emot (UTC); anonyma svar sparar inte klockslaget.",
                 "constraints": {"required": True}}
                if form_id in ANONYMOUS_FORMS else
                {"name": "mottagen", "type": "datetime", "title": "Mottagen",
                 "description": "När raden togs emot (UTC).", "constraints": {"required": True}})
    fields += [
        received,
        {"name": "kvitto", "type": "string", "title": "Kvitto",
         "description": "Kvittonumret avsändaren fick.",
         "constraints": {"required": True, "unique": True, "pattern": "SIP-[0-9]{4}-[0-9A-Z]{6}"}},
        {"name": "version", "type": "integer", "title": "Version",
         "description": "1 för första svaret för en nyckel, sedan +1 för varje nytt svar.",
         "constraints": {"required": True, "minimum": 1}},
        {"name": "kanal", "type": "string", "title": "Kanal",
         "description": "Hur raden kom in: webb (webbformuläret) eller import (mall eller fil).",
         "constraints": {"required": True, "enum": list(CHANNELS)}},
    ]
    table_schema = {"fields": fields, "primaryKey": ["kvitto"]}
    return {
        "name": form_id,
        "path": f"{form_id}.csv",
        "profile": "tabular-data-resource",
        "title": schema.get("title", form_id),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "schema": table_schema,
    }


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_datapackage(data_dir: Path) -> None:
    forms = sorted(p.stem for p in data_dir.glob("*.csv") if _FORM_ID.match(p.stem))
    package = {
        "name": "sip-uppfoljning",
        "title": "SIP-uppföljning: inkomna svar",
        "profile": "tabular-data-package",
        "resources": [_resource(form_id) for form_id in forms],
    }
    target = data_dir / "datapackage.json"
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return
    # Metadata (not rows) may be replaced; do it atomically so a reader never sees half a file.
    tmp = data_dir / f".datapackage.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    _fsync_dir(data_dir)


class _Index:
    """What an append needs to know about a form's file: versions per key and used receipts."""

    def __init__(self):
        self.offset = 0
        # The file's inode and the bytes just before `offset`, to notice a file edited or replaced by hand.
        self.inode = None
        self.tail = b""
        self.versions: dict[tuple, int] = {}
        self.receipts: set[str] = set()


class FileStore:
    """A data-package directory on disk; safe for many threads and processes appending at once."""

    def __init__(self, data_dir=None):
        self.data_dir = Path(data_dir) if data_dir is not None else config.default_data_dir()
        self._lock = FileLock(str(self.data_dir / _LOCK_NAME), timeout=30)
        self._thread_lock = threading.Lock()
        self._indexes: dict[str, _Index] = {}

    def read_rows(self, form_id: str) -> list[dict[str, str]]:
        """Every stored row of a form, in order."""
        return read_rows(self.data_dir, form_id)

    def read_latest(self, form_id: str) -> list[dict[str, str]]:
        """The latest version per key (every row for unkeyed forms)."""
        return read_latest(self.data_dir, form_id)

    def ensure(self, form_id: str) -> Path:
        """Create the form's CSV (header only) and declare it in datapackage.json if needed."""
        with self._thread_lock, self._lock:
            return self._ensure_locked(form_id)

    def _ensure_locked(self, form_id: str) -> Path:
        path = csv_path(self.data_dir, form_id)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, _encode([columns(form_id)]))
                os.fsync(fd)
            finally:
                os.close(fd)
            _fsync_dir(self.data_dir)
        _write_datapackage(self.data_dir)
        return path

    def _refresh_index(self, form_id: str, fd: int, path: Path) -> _Index:
        index = self._indexes.setdefault(form_id, _Index())
        stat = os.fstat(fd)
        size = stat.st_size
        if (size < index.offset or stat.st_ino != index.inode
                or os.pread(fd, len(index.tail), index.offset - len(index.tail)) != index.tail):
            # Edited or replaced behind our back (only appends keep what we read): read it all again.
            index = self._indexes[form_id] = _Index()
            index.inode = stat.st_ino
        if size == index.offset:
            return index
        new = os.pread(fd, size - index.offset, index.offset)
        _check_complete(path, new)
        keys = key_fields(form_id)
        if index.offset == 0:
            rows = _parse(path, new, form_id)
        else:
            rows = _parse(path, _encode([columns(form_id)]) + new, form_id)
        for row in rows:
            index.receipts.add(row["kvitto"])
            if keys:
                key = tuple(row[k] for k in keys)
                index.versions[key] = max(index.versions.get(key, 0), int(row["version"]))
        index.offset = size
        index.tail = os.pread(fd, min(size, 256), size - min(size, 256))
        return index

    def append(self, form_id: str, records: list[dict], kanal: str = "webb",
               counter: tuple[str, int] | None = None) -> list[Receipt]:
        """Append rows (already validated) in one write: all of them or none; returns their receipts.

        With `counter` (a survey link's answer key and limit) the rows are first counted for that
        link under the same lock; AnswerLimitReached is raised, and nothing stored, past the limit.
        """
        if kanal not in CHANNELS:
            raise ValueError(f"kanal must be one of {CHANNELS}")
        if not records:
            return []
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, self._lock:
            path = self._ensure_locked(form_id)
            fd = os.open(path, os.O_RDWR | os.O_APPEND)
            try:
                index = self._refresh_index(form_id, fd, path)
                if counter is not None:
                    # Counted once the file is known to be sound and just before the write: a crash
                    # between the two loses a place, never adds one.
                    AnswerCounter(self.data_dir).take(counter[0], counter[1], len(records))
                pending, used = dict(index.versions), set(index.receipts)
                lines, receipts = stamp_rows(form_id, records, kanal, pending, used)
                self._write_all(fd, _encode(lines))
                index.versions, index.receipts = pending, used
                index.offset = os.fstat(fd).st_size
                index.tail = os.pread(fd, min(index.offset, 256), index.offset - min(index.offset, 256))
            finally:
                os.close(fd)
        return receipts

    @staticmethod
    def _write_all(fd: int, data: bytes) -> None:
        start = os.fstat(fd).st_size
        try:
            written = os.write(fd, data)
            # A regular file takes the whole buffer at once; loop only for the odd short write.
            while written < len(data):
                written += os.write(fd, data[written:])
            os.fsync(fd)
        except BaseException:
            # Undo our own partial tail (never earlier rows) so no torn row is left behind.
            os.ftruncate(fd, start)
            os.fsync(fd)
            raise

"""A derived index of one form's CSV, kept in SQLite beside the store: lookups without parsing the form.

The CSV stays the one truth. The index (`<data dir>/.index/<form>.sqlite`) remembers where each row
starts and how long it is, which answer it is a version of, and for every answer its latest
version with what the follow-up asks (school year, school, time received, receipt, withdrawn or
not). A lookup then reads one row of the CSV instead of all of them.

It is brought up to date from the bytes appended since it was last (by this process or another):
the file's inode, size and modification time, and the bytes just before the point it had read
to, tell an append from anything else. A file replaced, cut, or edited in place is indexed again
from the start, and so is a missing or damaged index; when the folder cannot be written (a
read-only copy of a store) the index is kept in memory. Measurements: bench/bench_store.py.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from backoffice.forms.schema import SCHOOL, Form
from backoffice.store.rows import Numbering, StoreError, columns
from backoffice.store.table_file import parse_rows, read_header, table_path, torn_tail, whole_rows
from backoffice.store.versions import WITHDRAWN, answer_key, is_withdrawn

INDEX_DIR = ".index"
# Raised whenever what the index keeps changes: an index of another format is built again.
FORMAT = 2
_TAIL = 256
log = logging.getLogger("sip.store")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS row (
    nr INTEGER PRIMARY KEY, start INTEGER NOT NULL, length INTEGER NOT NULL,
    kvitto TEXT NOT NULL, answer TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS row_kvitto ON row(kvitto);
CREATE INDEX IF NOT EXISTS row_answer ON row(answer);
CREATE TABLE IF NOT EXISTS latest (
    answer TEXT PRIMARY KEY, nr INTEGER NOT NULL, version INTEGER NOT NULL, mottagen TEXT NOT NULL,
    kvitto TEXT NOT NULL, avser TEXT NOT NULL, lasar TEXT, skola TEXT, status TEXT NOT NULL) WITHOUT ROWID;
-- Covers the follow-up's question (who answered a school year) without reading the table.
CREATE INDEX IF NOT EXISTS latest_year ON latest(lasar, status, skola, mottagen, nr, kvitto);
"""
# The latest version of an answer wins by the rule of backoffice.store.versions.rank.
_UPSERT = """
INSERT INTO latest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(answer) DO UPDATE SET nr = excluded.nr, version = excluded.version, mottagen = excluded.mottagen,
    kvitto = excluded.kvitto, lasar = excluded.lasar, skola = excluded.skola, status = excluded.status
WHERE (excluded.version, excluded.mottagen, excluded.nr) > (latest.version, latest.mottagen, latest.nr)
"""


_PLACE = "SELECT r.start, r.length, l.avser, r.answer FROM row r JOIN latest l ON l.answer = r.answer"


@dataclass(frozen=True)
class Place:
    """Where one row is in the CSV, and the answer it belongs to."""

    start: int
    length: int
    avser: str
    answer: str


@dataclass(frozen=True)
class Seen:
    """What the index says about the file it describes."""

    inode: int = -1
    size: int = 0
    mtime: int = -1
    tail: bytes = b""
    rows: int = 0
    header: str = ""
    format: int = 0

    def state(self) -> tuple[int, int, int]:
        return (self.inode, self.size, self.mtime)


def _state(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class FormIndex:
    """The index of one form's file in one store; safe for the threads of a process (one connection)."""

    def __init__(self, data_dir: Path, form: Form):
        self.data_dir = Path(data_dir)
        self.form = form
        self.path = table_path(data_dir, form)
        self.db_path = self.data_dir / INDEX_DIR / f"{form.id}.sqlite"
        self._mutex = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._known: tuple[int, int, int] | None = None

    # -- the database ---------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is not None and self._pid == os.getpid():
            return self._db
        self._pid = os.getpid()
        try:
            self.db_path.parent.mkdir(exist_ok=True)
            self._db = self._open(str(self.db_path))
        except (OSError, sqlite3.OperationalError):
            self._db = self._open(":memory:")  # a folder we may not write to: the index lives in memory
        except sqlite3.DatabaseError:
            self._discard()
            self._db = self._open(str(self.db_path))
        return self._db

    @staticmethod
    def _open(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=30, isolation_level=None, check_same_thread=False)
        if target != ":memory:":
            # WAL keeps the file whole whatever happens; NORMAL may lose the last updates in a power
            # cut, which the next check of the CSV notices and makes up for.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        try:
            found = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        except sqlite3.OperationalError:
            found = None  # a new index
        if found is not None and found[0] != FORMAT:
            db.executescript("DROP TABLE IF EXISTS row; DROP TABLE IF EXISTS latest; DROP TABLE IF EXISTS meta;")
        db.executescript(_SCHEMA)
        return db

    def _discard(self) -> None:
        """Forget a damaged index: close it and delete its files (it is derived; it is built again)."""
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db, self._known = None, None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        log.warning("Lagret: indexet %s var skadat och byggs om från %s.", self.db_path, self.path)

    def _seen(self, db: sqlite3.Connection) -> Seen:
        values = dict(db.execute("SELECT name, value FROM meta"))
        return Seen(**{k: values[k] for k in Seen.__dataclass_fields__ if k in values})

    # -- bringing it up to date -----------------------------------------------------------------

    def current(self) -> bool:
        """Whether the index describes the file as it is now (a stat; the database only if another process moved on)."""
        try:
            state = _state(os.stat(self.path))
        except FileNotFoundError:
            return False
        if state == self._known:
            return True
        with self._mutex:
            if self._call(lambda db: self._seen(db).state()) == state:
                self._known = state
                return True
        return False

    def built(self) -> bool:
        """Whether the index has ever been built (a reader must wait for the first build)."""
        with self._mutex:
            return self._call(lambda db: self._seen(db).size) > 0

    def sync(self, fd: int, cut=None) -> None:
        """Index what was appended to the open file since the index last saw it (all of it if need be).

        What follows the last whole row must be a torn row (else StoreError); `cut(offset)`, given
        by a caller holding the store's lock, cuts it off. Without `cut` it is left out.
        """
        with self._mutex:
            try:
                self._sync(self._connection(), fd, cut)
            except sqlite3.DatabaseError:
                self._discard()
                self._sync(self._connection(), fd, cut)

    def _sync(self, db: sqlite3.Connection, fd: int, cut) -> None:
        stat = os.fstat(fd)
        seen = self._seen(db)
        if seen.state() == _state(stat) and seen.format == FORMAT:
            self._known = seen.state()
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            if not self._continues(fd, stat, seen):
                db.execute("DELETE FROM row")
                db.execute("DELETE FROM latest")
                seen = Seen()
            end, rows, header = self._index_from(db, fd, stat.st_size, seen)
            if end < stat.st_size:
                torn_tail(self.path, os.pread(fd, stat.st_size - end, end), len(header) or len(columns(self.form)))
                if cut is not None:
                    cut(end)
                    stat = os.fstat(fd)
            mtime = stat.st_mtime_ns if end == stat.st_size else -1
            tail = os.pread(fd, min(end, _TAIL), end - min(end, _TAIL))
            meta = {"inode": stat.st_ino, "size": end, "mtime": mtime, "tail": tail, "rows": rows,
                    "header": ",".join(header), "format": FORMAT}
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._known = (stat.st_ino, end, mtime)

    def _continues(self, fd: int, stat: os.stat_result, seen: Seen) -> bool:
        """Whether the file is the one indexed with rows appended (or nothing changed but the time)."""
        if seen.format != FORMAT or seen.inode != stat.st_ino or not seen.size or seen.size > stat.st_size:
            return False
        if seen.header != ",".join(self._columns()):
            return False  # the file was migrated, or the form's fields changed
        if seen.size == stat.st_size and seen.mtime not in (-1, stat.st_mtime_ns):
            return False  # the same size and written to: edited in place
        return os.pread(fd, len(seen.tail), seen.size - len(seen.tail)) == seen.tail

    def _columns(self) -> list[str]:
        with open(self.path, "rb") as handle:
            return read_header(self.path, handle.readline(), self.form)

    def _index_from(self, db: sqlite3.Connection, fd: int, size: int, seen: Seen) -> tuple[int, int, list[str]]:
        """Index the whole rows from where the index ended; returns (end of the last whole row, rows, header)."""
        if seen.size:
            header, start, nr = seen.header.split(","), seen.size, seen.rows
        else:
            line = os.pread(fd, min(size, 1 << 16), 0)
            if b"\n" not in line:
                return 0, 0, []
            head = line[: line.index(b"\n") + 1]
            header, start, nr = read_header(self.path, head, self.form), len(head), 0
        end = start
        for offset, data, ends in whole_rows(fd, start, size):
            rows = parse_rows(self.path, data, header, offset=offset, first_line=nr + 2)
            if len(rows) != len(ends):
                raise StoreError(f"{self.path} går inte att läsa som CSV efter byte {offset}: radbrytningar och "
                                 "citattecken stämmer inte. Rätta filen för hand efter att ha tagit en kopia.")
            self._insert(db, rows, offset, ends, nr)
            nr, end = nr + len(rows), offset + len(data)
        return end, nr, header

    def _insert(self, db: sqlite3.Connection, rows: list[dict], offset: int, ends: list[int], nr: int) -> None:
        form, firsts, year_of = self.form, {}, self._years()
        starts = [0] + ends[:-1]
        placed, latest = [], []
        for i, row in enumerate(rows):
            n, kvitto = nr + i + 1, row["kvitto"]
            answer = answer_key(row, form.key) or f"#{n}"
            avser = row["avser"] or firsts.get(answer) or self._first_of(db, answer) or kvitto
            firsts.setdefault(answer, avser)
            placed.append((n, offset + starts[i], ends[i] - starts[i], kvitto, answer))
            latest.append((answer, n, int(row["version"]), row["mottagen"], kvitto, avser, year_of(row),
                           str(row.get(SCHOOL) or "").strip(), WITHDRAWN if is_withdrawn(row) else ""))
        db.executemany("INSERT INTO row VALUES (?, ?, ?, ?, ?)", placed)
        db.executemany(_UPSERT, latest)

    def _years(self):
        """The school year of a row, remembered per value of the field it comes from (dates repeat)."""
        rule, known = self.form.year, {}
        if rule is None:
            return lambda row: None

        def year_of(row):
            value = row.get(rule.field)
            if value not in known:
                known[value] = rule.of(row)
            return known[value]
        return year_of

    @staticmethod
    def _first_of(db: sqlite3.Connection, answer: str) -> str | None:
        found = db.execute("SELECT avser FROM latest WHERE answer = ?", (answer,)).fetchone()
        return found[0] if found else None

    # -- lookups --------------------------------------------------------------------------------

    def _call(self, query):
        """Run a query; a damaged index is dropped (the next sync builds it again) and reads as empty."""
        with self._mutex:
            try:
                return query(self._connection())
            except sqlite3.DatabaseError:
                self._discard()
                return query(self._connection())

    def _places(self, sql: str, args: tuple) -> list[Place]:
        return [Place(*found) for found in self._call(lambda db: db.execute(sql, args).fetchall())]

    def place(self, kvitto: str) -> Place | None:
        """Where the row with this receipt is (None if no row has it)."""
        found = self._places(f"{_PLACE} WHERE r.kvitto = ? ORDER BY r.nr LIMIT 1", (kvitto,))
        return found[0] if found else None

    def versions(self, answer: str) -> list[Place]:
        """Where every version of an answer (by its index key) is, in the order stored."""
        return self._places(f"{_PLACE} WHERE r.answer = ? ORDER BY r.nr", (answer,))

    def latest(self, answer: str) -> Place | None:
        """Where the latest version of an answer (by its index key) is."""
        found = self._places(f"{_PLACE} WHERE r.nr = (SELECT nr FROM latest WHERE answer = ?)", (answer,))
        return found[0] if found else None

    def answered(self, lasar: str) -> list[tuple[str, int, str, str]]:
        """Per school: (school code, counted answers, latest time received, its receipt) for a school year."""
        # Ties on the time go to the row stored last, as in backoffice.followup.answers_by_school.
        sql = ("SELECT skola, count(*), max(mottagen || char(31) || printf('%012d', nr) || char(31) || kvitto) "
               "FROM latest WHERE lasar = ? AND status = '' AND skola != '' GROUP BY skola ORDER BY skola")
        found = self._call(lambda db: db.execute(sql, (lasar,)).fetchall())
        out = []
        for skola, count, best in found:
            mottagen, _, kvitto = best.split("\x1f")
            out.append((skola, count, mottagen, kvitto))
        return out

    def numbering(self, rows: int = 1) -> Numbering:
        """What stamping `rows` new rows must know, asked of the index as it goes.

        For a large batch the receipts in use are read once, into memory: one question per row
        would cost more than all of them at once.
        """
        def latest_of_key(key: tuple) -> tuple[int, str] | None:
            from backoffice.store.versions import key_text

            sql = "SELECT version, avser FROM latest WHERE answer = ?"
            found = self._call(lambda db: db.execute(sql, (key_text(key),)).fetchone())
            return (found[0], found[1]) if found else None

        def taken(kvitto: str) -> bool:
            sql = "SELECT 1 FROM row WHERE kvitto = ? LIMIT 1"
            return self._call(lambda db: db.execute(sql, (kvitto,)).fetchone()) is not None

        if rows > 1000:
            used = {kvitto for (kvitto,) in self._call(lambda db: db.execute("SELECT kvitto FROM row").fetchall())}
            return Numbering(latest_of_key, used.__contains__)
        return Numbering(latest_of_key, taken)

    def read(self, fd: int, place: Place) -> dict[str, str] | None:
        """The row at a place, or None when the file no longer holds it there (changed since indexed)."""
        header = self._call(lambda db: self._seen(db).header).split(",")
        try:
            rows = parse_rows(self.path, os.pread(fd, place.length, place.start), header, offset=place.start)
        except StoreError:
            return None
        if len(rows) != 1:
            return None
        row = rows[0]
        row["avser"] = row["avser"] or place.avser  # a file of the old layout, read where it cannot be migrated
        return row if (answer_key(row, self.form.key) or place.answer) == place.answer else None

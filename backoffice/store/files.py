"""The append-only store: one CSV per form plus a datapackage.json, written safely under a file lock.

Layout of a data directory (the statistics read it, the stock `frictionless validate` checks it):

    <data dir>/datapackage.json
    <data dir>/<form_id>.csv     UTF-8, `,`, header row, LF line endings

Columns are the form's schema fields in schema order, then the system columns `mottagen`,
`kvitto`, `version` and `kanal` (backoffice.store.rows). Rows are only ever appended. An append
takes the store's file lock, checks that the file is sound (backoffice.store.table_file), writes
every encoded row in one `os.write` on an O_APPEND descriptor and fsyncs, so a crash can never
leave half a row behind.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from filelock import FileLock

from backoffice import config
from backoffice.forms.schema import Form, load_form
from backoffice.store import disk
from backoffice.store.package import write_package
# The counter, Receipt and StoreError have homes of their own; users of the store import them from here.
from backoffice.store.counter import COUNTER_NAME, AnswerCounter, AnswerLimitReached  # noqa: F401
from backoffice.store.rows import Receipt, StoreError, check_channel, columns, encode  # noqa: F401
from backoffice.store.rows import utc_now as _now  # looked up here at each append: tests set the clock
from backoffice.store.table_file import TableIndex, check_complete, parse, table_path
from backoffice.store.versions import latest_versions

LOCK_NAME = ".store.lock"
_LOCK_TIMEOUT = 30


def key_fields(form_id: str) -> list[str]:
    """Deprecated: use `load_form(form_id).key`. The fields identifying one answer (empty: every row is new)."""
    return list(load_form(form_id).key)


def read_rows(data_dir, form_id: str) -> list[dict[str, str]]:
    """Every stored row of a form, every version, in the order received (empty if none yet)."""
    form = load_form(form_id)
    path = table_path(data_dir, form)
    if not path.exists():
        return []
    try:
        # Under the writers' lock, so a reader never sees an append that is still being written.
        with FileLock(str(Path(data_dir) / LOCK_NAME), timeout=_LOCK_TIMEOUT):
            data = path.read_bytes()
    except PermissionError:  # a read-only copy of a store: nobody can be writing to it
        data = path.read_bytes()
    check_complete(path, data)
    return parse(path, data, form)


def read_latest(data_dir, form_id: str) -> list[dict[str, str]]:
    """The rows statistics should count: the latest version per key, or every row for unkeyed forms."""
    return latest_versions(read_rows(data_dir, form_id), load_form(form_id).key)


class FileStore:
    """A data-package directory on disk; safe for many threads and processes appending at once."""

    def __init__(self, data_dir=None):
        self.data_dir = Path(data_dir) if data_dir is not None else config.default_data_dir()
        self._lock = FileLock(str(self.data_dir / LOCK_NAME), timeout=_LOCK_TIMEOUT)
        self._thread_lock = threading.Lock()
        self._indexes: dict[str, TableIndex] = {}

    def read_rows(self, form_id: str) -> list[dict[str, str]]:
        """Every stored row of a form, in order."""
        return read_rows(self.data_dir, form_id)

    def read_latest(self, form_id: str) -> list[dict[str, str]]:
        """The latest version per key (every row for unkeyed forms)."""
        return read_latest(self.data_dir, form_id)

    def ensure(self, form_id: str) -> Path:
        """Create the form's CSV (header only) and declare it in datapackage.json if needed."""
        with self._thread_lock, self._lock:
            return self._ensure_locked(load_form(form_id))

    def _ensure_locked(self, form: Form) -> Path:
        path = table_path(self.data_dir, form)
        if not path.exists():
            disk.create_file(path, encode([columns(form)]))
        write_package(self.data_dir)
        return path

    def _index(self, form: Form, path: Path) -> TableIndex:
        index = self._indexes.get(form.id)
        if index is None or index.form is not form:  # a schema edited while the server runs
            index = self._indexes[form.id] = TableIndex(path, form)
        return index

    def append(self, form_id: str, records: list[dict], kanal: str = "webb",
               counter: tuple[str, int] | None = None) -> list[Receipt]:
        """Append rows (already validated) in one write: all of them or none; returns their receipts.

        With `counter` (a survey link's answer key and limit) the rows are first counted for that
        link under the same lock; AnswerLimitReached is raised, and nothing stored, past the limit.
        """
        check_channel(kanal)
        if not records:
            return []
        form = load_form(form_id)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, self._lock:
            path = self._ensure_locked(form)
            index = self._index(form, path)
            fd = os.open(path, os.O_RDWR | os.O_APPEND)
            try:
                index.refresh(fd)
                if counter is not None:
                    # Counted once the file is known to be sound and just before the write: a crash
                    # between the two loses a place, never adds one.
                    AnswerCounter(self.data_dir).take(counter[0], counter[1], len(records))
                return index.append(fd, records, kanal, _now())
            finally:
                os.close(fd)


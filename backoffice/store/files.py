"""The append-only store: one CSV per form plus datapackage.json, written safely under a file lock.

Layout of a data directory (the statistics read it, the stock `frictionless validate` checks it):

    datapackage.json            the forms' tables described (backoffice.store.package)
    <form>.csv                  UTF-8, `,`, header row, LF line endings: the one truth
    inlasningar.jsonl           every import batch: file, SHA-256, time, rows (backoffice.store.import_log)
    .index/<form>.sqlite        derived lookups, rebuilt when missing or stale (backoffice.store.index)
    .store.lock                 the writers' lock, shared by every process
    .skrivning-pagar.json       only while a batch of rows is written (backoffice.store.recovery)
    .avklippt/                  torn last rows cut off after a crash, kept
    <form>.csv.fore-<tid>       a table as it was before its migration (backoffice.store.migrate)
    .svar-per-lank.json         survey links' answer counts (backoffice.store.counter)

Columns are the form's schema fields in schema order, then the system columns of
backoffice.store.rows. Rows are only ever appended: a school's new answer, and a coordinator's
correction or withdrawal, is a new version of its answer. Every write holds the store's lock and
first undoes what a crash may have left (a batch without its commit, a torn last row), migrates a
table of the old layout and brings the index up to date; rows are then written in one `os.write`
on an O_APPEND descriptor and fsynced, a batch of many rows between an intent and a commit record.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Mapping, Sequence

from filelock import Timeout

from backoffice import config
from backoffice.forms.schema import Form, as_form, load_form
from backoffice.store import answers, disk, import_log, migrate, recovery
# The counter, Receipt and StoreError have homes of their own; users of the store import them from here.
from backoffice.store.counter import COUNTER_NAME, AnswerCounter, AnswerLimitReached  # noqa: F401
from backoffice.store.index import FormIndex, Place
from backoffice.store.opening import LOCK_NAME, held, prepare, store_lock  # noqa: F401
from backoffice.store.rows import Receipt, StoreError, check_channel, columns, encode, stamp_rows, stamp_version  # noqa: F401
from backoffice.store.rows import utc_now as _now  # looked up here at each append: tests set the clock
from backoffice.store.table_file import parse_rows, read_header, split, table_path, torn_tail
from backoffice.store.versions import WITHDRAWN, answer_of, counted_versions, key_text

log = logging.getLogger("sip.store")


def read_rows(data_dir, form_id: str) -> list[dict[str, str]]:
    """Every stored row of a form, every version, in the order received (empty if none yet)."""
    form, data_dir = load_form(form_id), Path(data_dir)
    path = table_path(data_dir, form)
    if not path.exists():
        return []
    # Under the writers' lock, so a reader never sees an append that is still being written.
    with held(store_lock(data_dir)) as locked:
        if locked:
            prepare(data_dir, form, create=False)
        data = path.read_bytes()
    head, body, rest = split(data)
    header = read_header(path, head, form) if head else columns(form)
    torn_tail(path, rest, len(header))
    if rest and locked:
        _cut_if_unchanged(data_dir, path, len(data), len(data) - len(rest))
    rows = parse_rows(path, body, header, offset=len(head))
    migrate.fill_answers(rows, form)  # only a read-only copy can still have the old layout here
    return rows


def _cut_if_unchanged(data_dir: Path, path: Path, size: int, end: int) -> None:
    with held(store_lock(data_dir)):
        fd = os.open(path, os.O_RDWR)
        try:
            if os.fstat(fd).st_size == size:  # else a writer has dealt with it meanwhile
                recovery.cut_tail(data_dir, path, fd, end)
        finally:
            os.close(fd)


def read_latest(data_dir, form_id: str) -> list[dict[str, str]]:
    """The rows statistics should count: the latest version of each answer, withdrawn answers left out."""
    return counted_versions(read_rows(data_dir, form_id), load_form(form_id).key)


GROUP_LIMIT = 64


@dataclass(eq=False)
class _Waiting:
    """A single row waiting to be written, and how its write ended."""

    form: Form
    record: dict
    kanal: str
    receipt: Receipt | None = None
    error: BaseException | None = None
    done: bool = False


class FileStore:
    """A data-package directory on disk; safe for many threads and processes appending at once.

    Besides appending, it answers lookups through its index in bounded time and memory, whatever
    the size of the form: `find` (a row by receipt), `versions` and `latest` (an answer's versions,
    by any of its receipts), `latest_for` (the latest version for a key) and `answered` (who has
    answered in a school year). Rows are dicts of text, as `read_rows` gives them.
    """

    def __init__(self, data_dir=None):
        self.data_dir = Path(data_dir) if data_dir is not None else config.default_data_dir()
        self._lock = store_lock(self.data_dir)
        self._thread_lock = threading.Lock()
        self._indexes: dict[str, FormIndex] = {}
        # Single rows waiting for the lock (web posts arriving together), written in one go.
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()

    def read_rows(self, form_id: str) -> list[dict[str, str]]:
        """Every stored row of a form, in order."""
        return read_rows(self.data_dir, form_id)

    def read_latest(self, form_id: str) -> list[dict[str, str]]:
        """The latest version of each answer, withdrawn answers left out."""
        return read_latest(self.data_dir, form_id)

    def ensure(self, form_id: str) -> Path:
        """Create the form's CSV (header only) and declare it in datapackage.json if needed."""
        form = load_form(form_id)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with held(self._lock):
            return self._open_locked(form, create=True)[0]

    # -- writing --------------------------------------------------------------------------------

    def append(self, form_id: "Form | str", records: list[dict], kanal: str = "webb",
               counter: tuple[str, int] | None = None) -> list[Receipt]:
        """Append rows (already validated) in one write: all of them or none; returns their receipts.

        With `counter` (a survey link's answer key and limit) the rows are first counted for that
        link under the same lock; AnswerLimitReached is raised, and nothing stored, past the limit.
        A batch of more than one row is all or nothing across a crash too.
        """
        check_channel(kanal)
        if not records:
            return []
        form = as_form(form_id)
        if len(records) == 1 and counter is None:
            return [self._append_one(form, records[0], kanal)]
        return self._append(form, records, kanal, counter, None)[0]

    def _append_one(self, form: Form, record: dict, kanal: str) -> Receipt:
        """One row, written together with the rows other threads are waiting to write to the same form.

        Group commit: whoever gets the lock writes every waiting row of its form in one write and
        one fsync, and each waiting thread returns its own receipt (or the write's error). Each
        row is still acknowledged only after the fsync that holds it, and a crash in the write
        leaves whole rows or a torn tail that the next open cuts off.
        """
        mine = _Waiting(form, record, kanal)
        with self._waiting_lock:
            self._waiting.append(mine)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with held(self._lock):
            if not mine.done:
                self._write_group(self._take_group(mine))
        if mine.error is not None:
            raise mine.error
        return mine.receipt

    def _take_group(self, mine: "_Waiting") -> list["_Waiting"]:
        with self._waiting_lock:
            group = [w for w in self._waiting if w.form is mine.form and w.kanal == mine.kanal][:GROUP_LIMIT]
            if mine not in group:
                group = [mine] + group[: GROUP_LIMIT - 1]
            for waiting in group:
                self._waiting.remove(waiting)
        return group

    def _write_group(self, group: list["_Waiting"]) -> None:
        form, kanal = group[0].form, group[0].kanal
        try:
            path, index = self._open_locked(form, create=True)
            lines, receipts = stamp_rows(form, [w.record for w in group], kanal, index.numbering(len(group)), _now())
            self._write(path, index, encode(lines), len(lines), None, receipts, group=True)
            for waiting, receipt in zip(group, receipts):
                waiting.receipt = receipt
        except BaseException as error:
            for waiting in group:
                waiting.error = error
            if not isinstance(error, Exception):
                raise
        finally:
            for waiting in group:
                waiting.done = True

    def import_rows(self, form_id: str, records: list[dict], batch: dict) -> tuple[list[Receipt], dict]:
        """Append an import batch, all or nothing across a crash; returns the receipts and its log record.

        `batch` is `import_log.new_record(...)`; its record in the import log is the batch's commit.
        The same file imported before is refused (AlreadyImported) unless `batch["igen"]`.
        """
        return self._append(load_form(form_id), records, "import", None, batch)

    def _append(self, form: Form, records: list[dict], kanal: str, counter, batch):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with held(self._lock):
            path, index = self._open_locked(form, create=True)
            if batch is not None and batch.get("sha256") and not batch.get("igen"):
                import_log.refuse_repeat(self.data_dir, form.id, batch["sha256"], batch["fil"])
            lines, receipts = stamp_rows(form, records, kanal, index.numbering(len(records)), _now())
            if counter is not None:
                # Counted once the file is known to be sound and just before the write: a crash
                # between the two loses a place, never adds one.
                AnswerCounter(self.data_dir).take(counter[0], counter[1], len(records))
            record = self._write(path, index, encode(lines), len(lines), batch, receipts)
        return receipts, record

    def _write(self, path: Path, index: FormIndex, data: bytes, count: int, batch, receipts,
               group: bool = False) -> dict | None:
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
        record = None
        try:
            if (count == 1 or group) and batch is None:
                # Single rows (or single posts written together): one write, and a torn tail is cut
                # on the next open; no all-or-nothing is owed between separate posts.
                disk.append_all(fd, data)
            else:
                about = {"blankett": index.form.id, "kalla": (batch or {}).get("fil")}
                with recovery.batch(self.data_dir, path, fd, count, batch is not None, **about) as batch_id:
                    disk.append_all(fd, data)
                    if batch is not None:
                        record = import_log.import_log(self.data_dir).append({
                            "tid": _now(), "id": batch_id, **batch,
                            "kvitton": [receipts[0].kvitto, receipts[-1].kvitto]})
            if (count > 1 and not group) or batch is not None:
                # A batch is indexed at once; a single post is indexed by the next lookup or append
                # (each syncs first), so a post costs one index transaction, not two.
                try:
                    index.sync(fd)
                except Exception:  # the rows are stored; the index catches up on the next lookup
                    log.exception("Lagret: indexet för %s kunde inte uppdateras", path)
        finally:
            os.close(fd)
        return record

    def _open_locked(self, form: Form, create: bool) -> tuple[Path | None, FormIndex | None]:
        path = prepare(self.data_dir, form, create)
        if path is None:
            return None, None
        index = self._index(form)
        fd = os.open(path, os.O_RDWR)
        try:
            index.sync(fd, cut=partial(recovery.cut_tail, self.data_dir, path, fd))
        finally:
            os.close(fd)
        return path, index

    def _index(self, form: Form) -> FormIndex:
        with self._thread_lock:
            index = self._indexes.get(form.id)
            if index is None or index.form is not form:  # a schema edited while the server runs
                index = self._indexes[form.id] = FormIndex(self.data_dir, form)
            return index

    # -- lookups --------------------------------------------------------------------------------

    def _reader(self, form: Form, wait: bool) -> FormIndex | None:
        """The form's index, up to date unless a writer is busy (it brings the index up to date itself)."""
        if not table_path(self.data_dir, form).exists():
            return None
        index = self._index(form)
        if index.current() and not wait:
            return index
        try:
            with held(self._lock, blocking=wait or not index.built()) as locked:
                if locked:
                    self._open_locked(form, create=False)
                else:
                    self._sync_read_only(form, index)
        except Timeout:
            pass
        return index

    def _sync_read_only(self, form: Form, index: FormIndex) -> None:
        fd = os.open(table_path(self.data_dir, form), os.O_RDONLY)
        try:
            index.sync(fd)
        finally:
            os.close(fd)

    def _rows_at(self, form: Form, where: Callable[[FormIndex], Sequence[Place | None]],
                 check: Callable[[dict], bool] = lambda row: True) -> list[dict[str, str]]:
        """The rows at the places `where` finds in the index (read again if the file moved on meanwhile)."""
        for wait in (False, True):
            index = self._reader(form, wait)
            if index is None:
                return []
            places = [p for p in where(index) if p is not None]
            rows = self._read(form, index, places)
            if rows is not None and all(check(row) for row in rows):
                return rows
        raise StoreError(f"Lagret för {form.id} ändrades medan det lästes; försök igen.")

    def _read(self, form: Form, index: FormIndex, places: list[Place]) -> list[dict] | None:
        if not places:
            return []
        fd = os.open(table_path(self.data_dir, form), os.O_RDONLY)
        try:
            rows = [index.read(fd, place) for place in places]
        finally:
            os.close(fd)
        return None if any(row is None for row in rows) else rows

    def find(self, form_id: str, kvitto: str) -> dict[str, str] | None:
        """The row with this receipt (any version of any answer), or None."""
        found = self._rows_at(load_form(form_id), lambda index: [index.place(kvitto)],
                              lambda row: row["kvitto"] == kvitto)
        return found[0] if found else None

    def versions(self, form_id: str, answer: str) -> list[dict[str, str]]:
        """Every version of the answer that the receipt `answer` belongs to (any of its versions' receipts), oldest first."""
        def where(index: FormIndex):
            place = index.place(answer)
            return index.versions(place.answer) if place else []
        return self._rows_at(load_form(form_id), where)

    def latest(self, form_id: str, answer: str) -> dict[str, str] | None:
        """The latest version of the answer that the receipt `answer` belongs to (it may be a withdrawal), or None."""
        def where(index: FormIndex):
            place = index.place(answer)
            return [index.latest(place.answer)] if place else []
        found = self._rows_at(load_form(form_id), where)
        return found[0] if found else None

    def latest_for(self, form_id: str, key_values: Mapping[str, str] | Sequence[str]) -> dict[str, str] | None:
        """The latest version stored for a key (e.g. {"skolenhetskod": …, "lasar": …}), or None.

        Only for forms with a key. The row may be a withdrawal: see `versions.is_withdrawn`.
        """
        form = load_form(form_id)
        if not form.key:
            raise ValueError(f"form {form.id} has no key")
        values = [key_values[name] for name in form.key] if isinstance(key_values, Mapping) else list(key_values)
        found = self._rows_at(form, lambda index: [index.latest(key_text(values))])
        return found[0] if found else None

    def answered(self, form_id: str, lasar: str):
        """Per school code, the counted answers of a school year: `followup.SchoolAnswers` (rows, latest time, receipt).

        The same as `followup.answers_by_school(form, read_rows(...), lasar)`, from the index.
        """
        from backoffice.followup import SchoolAnswers

        form = load_form(form_id)
        index = self._reader(form, wait=False)
        if index is None:
            return {}
        return {code: SchoolAnswers(code, count, mottagen, kvitto)
                for code, count, mottagen, kvitto in index.answered(lasar)}

    # -- the coordinator's versions -------------------------------------------------------------

    def correct(self, form_id: str, answer: str, record: Mapping[str, object], reason: str) -> Receipt:
        """Store a correction of an answer (named by any of its receipts) as its next version.

        `record` holds the corrected values (already validated against the form); fields it leaves
        out keep the latest version's values. A correction of a withdrawn answer restores it.
        Raises AnswerNotFound, or VersionRefused (no reason, personal data in it, a key changed).
        """
        form = load_form(form_id)
        return self._new_version(form, answer, reason, lambda latest: (answers.corrected(form, latest, record), ""))

    def withdraw(self, form_id: str, answer: str, reason: str) -> Receipt:
        """Withdraw an answer (named by any of its receipts): a new version with status `återkallad`.

        The answer then counts as not given. Raises AnswerNotFound, or VersionRefused.
        """
        form = load_form(form_id)
        return self._new_version(form, answer, reason, lambda latest: (answers.withdrawn(latest, form), WITHDRAWN))

    def _new_version(self, form: Form, answer: str, reason: str, make) -> Receipt:
        reason = answers.check_reason(reason)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with held(self._lock):
            path, index = self._open_locked(form, create=False)
            place = index.place(answer) if index else None
            latest = index.latest(place.answer) if place else None
            rows = self._read(form, index, [latest]) if latest else None
            if not rows:
                raise answers.AnswerNotFound(form.id, answer)
            values, status = make(rows[0])
            line, receipt = stamp_version(form, values, index.numbering(), version=int(rows[0]["version"]) + 1,
                                          avser=answer_of(rows[0]), status=status, orsak=reason, received=_now())
            self._write(path, index, encode([line]), 1, None, [receipt])
        return receipt

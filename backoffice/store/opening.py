"""Opening a form's table under the store's lock: what every writer, and every reader that can write, does first.

It undoes what a crash may have left (backoffice.store.recovery), creates the table with its header
(or writes the header again when a crash tore it), migrates a table of the old layout
(backoffice.store.migrate) and makes datapackage.json describe it (backoffice.store.package).
"""
from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

from filelock import Timeout

from backoffice.forms.schema import Form
from backoffice.store import disk, migrate, package, recovery
from backoffice.store.lock import StoreLock
from backoffice.store.rows import StoreError, columns, encode
from backoffice.store.table_file import table_path, torn_tail

LOCK_NAME = ".store.lock"
_LOCK_TIMEOUT = 30


def store_lock(data_dir) -> StoreLock:
    """The store's lock: one per folder and process, re-entrant within a thread, exclusive between threads."""
    return StoreLock.for_path(Path(data_dir) / LOCK_NAME, _LOCK_TIMEOUT)


@contextmanager
def held(lock: StoreLock, blocking: bool = True):
    """Hold the lock; yields False instead when the folder cannot be written (a read-only copy of a store)."""
    try:
        lock.acquire(blocking=blocking)
    except Timeout:
        if not blocking:
            raise
        raise StoreError(f"Lagret i {Path(lock.lock_file).parent} är upptaget: en annan skrivning har pågått i "
                         f"mer än {_LOCK_TIMEOUT} sekunder. Försök igen om en stund.") from None
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def prepare(data_dir: Path, form: Form, create: bool) -> Path | None:
    """Under the lock: undo what a crash left, create or migrate the form's table, declare it.

    Returns the table's path, or None when the form has no table yet and `create` is false.
    """
    recovery.recover(data_dir)
    path = table_path(data_dir, form)
    try:
        identity = os.stat(path).st_ino
    except FileNotFoundError:
        if not create:
            return None
        disk.create_file(path, encode([columns(form)]))
        identity = None
    if identity is None or _prepared.get((path, form)) != identity:
        # Once per file and form in a process: a replaced file (another inode) is looked at again.
        if identity is not None and not _has_header(path):
            _renew_header(data_dir, path, form)
        migrate.migrate(data_dir, path, form)
        _prepared[(path, form)] = os.stat(path).st_ino
    package.declare(data_dir, form)
    return path


# The files whose header and layout this process has checked, with the inode it checked.
_prepared: dict[tuple[Path, Form], int] = {}


def _has_header(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.readline().endswith(b"\n")


def _renew_header(data_dir: Path, path: Path, form: Form) -> None:
    """A table that is empty, or holds only a torn header (a crash as it was created): header written anew."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        torn_tail(path, os.pread(fd, 1 << 16, 0), len(columns(form)))
        recovery.cut_tail(data_dir, path, fd, 0)
        disk.append_all(fd, encode([columns(form)]))
    finally:
        os.close(fd)

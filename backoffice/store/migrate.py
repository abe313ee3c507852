"""Stores written before corrections existed: a form file with the four old system columns, brought up to date.

The old layout ends in `mottagen, kvitto, version, kanal`; the new one adds `avser` (the receipt
of the answer's first version), `status` and `orsak`. A file of the old layout is rewritten once,
under the store's lock, when the store opens it for writing: the new file is written beside it
and renamed over it (a crash leaves the old file or the new one, never half of either), and the
old file stays beside it as `<form>.csv.fore-<tid>` so nothing is lost. A Swedish log line says so.
Readers that cannot write (a read-only copy) fill the new columns in memory instead (`fill_answers`).
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Iterable

from backoffice.forms.schema import Form
from backoffice.store import disk, recovery
from backoffice.store.rows import columns, encode, old_columns, utc_now
from backoffice.store.table_file import CHUNK, parse_rows, read_header, torn_tail, whole_rows
from backoffice.store.versions import key_text

log = logging.getLogger("sip.store")


def fill_answers(rows: Iterable[dict[str, str]], form: Form, firsts: dict[str, str] | None = None) -> None:
    """Fill in `avser` where it is empty: the first receipt of the key (forms with a key), else the row's own."""
    firsts = {} if firsts is None else firsts
    for row in rows:
        if row["avser"]:
            continue
        if form.key:
            row["avser"] = firsts.setdefault(key_text(row[name] for name in form.key), row["kvitto"])
        else:
            row["avser"] = row["kvitto"]


def is_old(path: Path, form: Form) -> bool:
    """Whether the form file has the old layout's header."""
    with open(path, "rb") as handle:
        line = handle.readline()
    return bool(line) and read_header(path, line, form) == old_columns(form)


def migrate(data_dir: Path, path: Path, form: Form) -> bool:
    """Rewrite a form file of the old layout with the new columns (True if it was); hold the store's lock."""
    if not is_old(path, form):
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.migrering")
    fd = os.open(path, os.O_RDWR)
    try:
        count = _rewrite(data_dir, path, fd, form, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    backup = path.with_name(f"{path.name}.fore-{utc_now().replace(':', '')}")
    try:
        os.link(path, backup)  # the old file stays, under its new name, at no cost in space
    except OSError:  # a file system without hard links
        shutil.copy2(path, backup)
    os.replace(tmp, path)
    disk.fsync_dir(path.parent)
    log.warning("Lagret: %s hade den gamla kolumnlayouten och har skrivits om med kolumnerna avser, status "
                "och orsak (%d rader); den gamla filen finns kvar som %s.", path, count, backup)
    return True


def _rewrite(data_dir: Path, path: Path, fd: int, form: Form, tmp: Path) -> int:
    size = os.fstat(fd).st_size
    first = os.pread(fd, min(size, CHUNK), 0)
    head = first[: first.index(b"\n") + 1]
    header, names, firsts, count, end = read_header(path, head, form), columns(form), {}, 0, len(head)
    with open(tmp, "wb") as out:
        out.write(encode([names]))
        for offset, data, ends in whole_rows(fd, len(head), size):
            rows = parse_rows(path, data, header, offset=offset, first_line=count + 2)
            fill_answers(rows, form, firsts)
            out.write(encode([[row[c] for c in names] for row in rows]))
            count, end = count + len(rows), offset + len(data)
        out.flush()
        os.fsync(out.fileno())
    if end < size:
        torn_tail(path, os.pread(fd, size - end, end), len(header))
        recovery.cut_tail(data_dir, path, fd, end)
    return count

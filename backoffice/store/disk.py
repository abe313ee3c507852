"""Durable writes: a crash leaves a file as it was or as it became, never half written."""
from __future__ import annotations

import os
import threading
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a file created, renamed or replaced in this directory survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(target: Path, text: str) -> None:
    """Write `target` whole: to a temporary name beside it, then renamed over it, so a reader never
    sees half a file. For metadata and counters, never for rows (those are only appended)."""
    # Per process and thread, so two writers never share a temporary file.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    fsync_dir(target.parent)


def create_file(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet, holding `data` (FileExistsError if it does)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def append_all(fd: int, data: bytes) -> None:
    """Append `data` to an O_APPEND descriptor and fsync: all of it, or nothing left behind."""
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


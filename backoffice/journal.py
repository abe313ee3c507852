"""Append-only JSON-lines logs beside the store: the e-mail deliveries, the coordinator's actions, imports.

One record per line, appended in a single write on an O_APPEND descriptor and fsynced before the
caller goes on, under a file lock shared by every process. A line torn by a crash is never a
record: readers skip it (it was never acknowledged), and the next append starts on a fresh line.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any, Callable, Iterator

from filelock import FileLock

log = logging.getLogger("sip.journal")


def utc_now() -> str:
    """The time of a record: UTC to the second, ISO 8601 with Z."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class Journal:
    """One JSON-lines file; safe for many threads and processes appending at once."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = FileLock(str(self.path.with_name(f".{self.path.name}.lock")), timeout=30)

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Append one record (a `tid` is added when missing) and return it, durable on disk."""
        record = {"tid": utc_now(), **record}
        line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
            try:
                size = os.fstat(fd).st_size
                # After a crash mid-line, start on a new line so the torn one stays alone.
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = "\n" + line
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return record

    def append_once(self, record: dict[str, Any], seen: Callable[[dict[str, Any]], bool]) -> bool:
        """Append `record` unless a record for which `seen` is true exists; False if one did.

        Check and append happen under the lock, so two processes can never both append (a sign-in
        link used twice at the same moment works once).
        """
        with self._lock:  # re-entrant: append() takes it again
            if any(seen(existing) for existing in self.records()):
                return False
            self.append(record)
            return True

    def records(self) -> Iterator[dict[str, Any]]:
        """Every whole record, oldest first (torn or foreign lines are skipped and logged once)."""
        try:
            handle = open(self.path, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.endswith("\n"):
                    log.warning("%s: rad %d är ofullständig (avbruten skrivning) och hoppas över", self.path.name, number)
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    if line.strip():
                        log.warning("%s: rad %d är inte en post och hoppas över", self.path.name, number)
                    continue
                if isinstance(record, dict):
                    yield record

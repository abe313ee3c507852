"""The store's lock: threads of one process queue on a thread lock, processes on flock(2) of `.store.lock`.

Every post takes this lock. filelock (which the journals use) costs some 150 µs per acquisition in
its 4.x releases (fork tracking, soft-lock checks) against a microsecond or two for the
operating system's own call, and waits for a lock held elsewhere by polling every 50 ms; so the
store calls flock directly — the primitive filelock itself uses on Linux, and compatible with it.
The thread lock is re-entrant, as a store operation may open the table from within another.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from filelock import Timeout

_REGISTRY: dict[str, "StoreLock"] = {}
_REGISTRY_GUARD = threading.Lock()


class StoreLock:
    """One store's lock in this process (get it with `for_path`, so every user shares one)."""

    def __init__(self, path: Path, timeout: float):
        self.lock_file = str(path)
        self.timeout = timeout
        self._threads = threading.RLock()
        self._depth = 0  # touched only by the thread holding _threads
        self._fd: int | None = None

    @classmethod
    def for_path(cls, path: Path, timeout: float) -> "StoreLock":
        with _REGISTRY_GUARD:
            lock = _REGISTRY.get(str(path))
            if lock is None:
                lock = _REGISTRY[str(path)] = cls(path, timeout)
            return lock

    def acquire(self, blocking: bool = True) -> None:
        """Take the lock (Timeout after `timeout` seconds, or at once when not blocking).

        An OSError (a store folder that cannot be written) reaches the caller, lock not taken.
        """
        if not self._threads.acquire(blocking, self.timeout if blocking else -1):
            raise Timeout(self.lock_file)
        try:
            if self._depth == 0:
                self._lock_file(blocking)
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()

    def _lock_file(self, blocking: bool) -> None:
        if self._fd is None:
            self._fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        deadline, pause = time.monotonic() + self.timeout, 0.001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                # Held by another process (an import, the command line): wait, briefly at first.
                if not blocking or time.monotonic() > deadline:
                    raise Timeout(self.lock_file) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)

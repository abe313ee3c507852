"""A sliding-window rate limiter in memory, for the posts of forms answered through meeting links."""
from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """At most `limit` events per key within `window` seconds (a sliding window, in memory).

    In memory is enough: one waitress process serves the forms. Keys are client addresses and
    hashes of links; the oldest keys are dropped when there are very many, so memory stays small.
    """

    MAX_KEYS = 20_000

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when the key is over its limit."""
        now = self.clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events  # re-inserted: the dict's order is least recently used first
            if len(self._events) > self.MAX_KEYS:
                del self._events[next(iter(self._events))]
            return allowed

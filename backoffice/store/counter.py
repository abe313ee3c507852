"""How many answers each survey link has taken, kept apart from the answers themselves.

The answers never carry the link, and the counts are keyed by a hash of the link's token, so
stored answers cannot be grouped by meeting.
"""
from __future__ import annotations

import json
from pathlib import Path

from backoffice.store.disk import replace_file
from backoffice.store.rows import StoreError

COUNTER_NAME = ".svar-per-lank.json"


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
        replace_file(self.path, json.dumps(counts, sort_keys=True))
        return counts[key]

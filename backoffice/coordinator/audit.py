"""The coordinator's audit log beside the store: who did what, when, to which answer (handelser.jsonl)."""
from __future__ import annotations

from pathlib import Path

from backoffice.journal import Journal

AUDIT_NAME = "handelser.jsonl"


def audit_log(data_dir: Path) -> Journal:
    """The audit log of a store."""
    return Journal(Path(data_dir) / AUDIT_NAME)


def record(data_dir: Path, who: str, action: str, **details) -> dict:
    """Log one action (details: blankett, kvitto, skolenhetskod, orsak, …); returns the record."""
    return audit_log(data_dir).append({"vem": who, "handling": action, **details})


def recent(data_dir: Path, limit: int = 200) -> list[dict]:
    """The latest actions, newest first."""
    records = list(audit_log(data_dir).records())
    return records[::-1][:limit]

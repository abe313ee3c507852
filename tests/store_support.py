"""Helpers for the store's tests: deviation files to import."""
from __future__ import annotations

import csv
from pathlib import Path

from test_store import DEVIATION


def write_deviations(path: Path, rows: int, text: str = "Rapport") -> Path:
    """A CSV file of `rows` deviation reports as a coordinator exports them, each text numbered."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(DEVIATION))
        writer.writeheader()
        for i in range(rows):
            writer.writerow(dict(DEVIATION, beskrivning=f"{text} {i}.\nMed en radbrytning."))
    return path

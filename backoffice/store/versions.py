"""Which version of an answer counts: the one rule every reader of the store follows."""
from __future__ import annotations

from typing import Iterable, Mapping, TypeVar

Row = TypeVar("Row", bound=Mapping[str, str])
VERSION = "version"
RECEIVED = "mottagen"


def _version(row: Mapping[str, str]) -> int:
    text = str(row.get(VERSION) or "").strip()
    return int(text) if text.isdigit() else 0


def latest_versions(rows: Iterable[Row], key: Iterable[str]) -> list[Row]:
    """The latest row per key, in the order the winners were given; every row when there is no key.

    Latest is the highest version, then the latest time received, then the one given last: rows
    from table files carry no version, so among them the last one wins, as a person would expect.
    """
    key = tuple(key)
    if not key:
        return list(rows)
    best: dict[tuple, tuple[tuple, Row]] = {}
    for index, row in enumerate(rows):
        k = tuple(str(row.get(name, "")).strip() for name in key)
        rank = (_version(row), str(row.get(RECEIVED) or ""), index)
        if k not in best or rank > best[k][0]:
            best[k] = (rank, row)
    return [row for _, row in sorted(best.values(), key=lambda item: item[0][2])]

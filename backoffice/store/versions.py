"""Which version of an answer counts: the one rule every reader of the store follows.

An answer is one school's answer for a key (forms with a key: every row with the same key is a
version of it), or one report (forms without a key: a report and the coordinator's corrections of
it, which point at it with `avser`). The latest version is the one that counts, unless it is a
withdrawal (`status` is `återkallad`): then the answer counts as not given, until a later
version restores it.
"""
from __future__ import annotations

from typing import Iterable, Mapping, TypeVar

Row = TypeVar("Row", bound=Mapping[str, str])
VERSION = "version"
RECEIVED = "mottagen"
RECEIPT = "kvitto"
# The receipt of the answer's first version; empty in rows from table files and old stores.
ANSWER = "avser"
STATUS = "status"
WITHDRAWN = "återkallad"
REASON = "orsak"
# Joins a key's values into one text (the index keeps it); a unit separator is never in a value.
_KEY_JOIN = "\x1f"


def _version(row: Mapping[str, str]) -> int:
    text = str(row.get(VERSION) or "").strip()
    return int(text) if text.isdigit() else 0


def is_withdrawn(row: Mapping[str, str]) -> bool:
    """True for a version that withdraws its answer (the answer then counts as not given)."""
    return str(row.get(STATUS) or "").strip() == WITHDRAWN


def answer_of(row: Mapping[str, str]) -> str:
    """The receipt of the first version of the row's answer (its own receipt for a first version)."""
    return str(row.get(ANSWER) or "").strip() or str(row.get(RECEIPT) or "").strip()


def key_text(values: Iterable[str]) -> str:
    """A key's values as one text, as the index keeps it."""
    return _KEY_JOIN.join(str(value).strip() for value in values)


def answer_key(row: Mapping[str, str], key: tuple[str, ...]):
    """What groups a row's versions: its key for a keyed form, else the answer it belongs to.

    A row from a table file without receipts is an answer of its own (None: never grouped).
    """
    if key:
        return key_text(row.get(name, "") for name in key)
    return answer_of(row) or None


def rank(row: Mapping[str, str], order: int) -> tuple:
    """How late a version is: the highest version, then the latest time received, then the last given.

    Rows from table files carry no version, so among them the last one wins, as a person would expect.
    """
    return (_version(row), str(row.get(RECEIVED) or ""), order)


def latest_versions(rows: Iterable[Row], key: Iterable[str]) -> list[Row]:
    """The latest version of each answer, in the order the winners were given (withdrawals included)."""
    key = tuple(key)
    best: dict[object, tuple[tuple, Row]] = {}
    alone: list[tuple[tuple, Row]] = []
    for index, row in enumerate(rows):
        group = answer_key(row, key)
        entry = (rank(row, index), row)
        if group is None:
            alone.append(entry)
        elif group not in best or entry[0] > best[group][0]:
            best[group] = entry
    winners = list(best.values()) + alone
    return [row for _, row in sorted(winners, key=lambda item: item[0][2])]


def counted_versions(rows: Iterable[Row], key: Iterable[str]) -> list[Row]:
    """The rows that count: the latest version of each answer, withdrawn answers left out."""
    return [row for row in latest_versions(rows, key) if not is_withdrawn(row)]


def versions_of(rows: Iterable[Row], key: Iterable[str], kvitto: str) -> list[Row]:
    """Every version of the answer that the receipt `kvitto` belongs to, in the order stored."""
    rows, key = list(rows), tuple(key)
    found = next((row for row in rows if row.get(RECEIPT) == kvitto), None)
    if found is None:
        return []
    group = answer_key(found, key)
    return [row for row in rows if answer_key(row, key) == group]

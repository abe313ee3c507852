"""Small helpers the statistics share: store text read as numbers and answers, shares, Swedish order."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Mapping

Row = Mapping[str, str]


def text(row: Row, name: str) -> str:
    """A cell of a row as trimmed text ("" when the row has no such column)."""
    return str(row.get(name, "") or "").strip()


def as_int(value: Any) -> int | None:
    """A whole number from store text (decimal comma accepted, decimals dropped); None when empty or not a number."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return int(float(value.replace(",", ".")))
    except ValueError:
        return None


def answer(value: Any) -> str | None:
    """An answer (ja/nej/pågår, a choice) written in any case, lowercased; None when empty."""
    value = str(value or "").strip().lower()
    return value or None


def share(part: int, whole: int) -> float | None:
    """part/whole, or None when the whole is zero (no meaningful share)."""
    return part / whole if whole else None


def per_hundred(count: int | None, pupils: int | None) -> float | None:
    """A count per 100 pupils, None when either is unknown or there are no pupils."""
    if count is None or not pupils:
        return None
    return count * 100 / pupils


_SV_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_key(value: str) -> str:
    """Sort key that puts å, ä, ö after z, as a Swedish reader expects."""
    return (value or "").casefold().translate(_SV_ORDER)


def by_year(rows: Iterable[Row], year_of: Callable[[Row], str | None]) -> dict[str, list[Row]]:
    """Rows grouped by school year in one pass (the trend would otherwise rescan them per year)."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        year = year_of(row)
        if year:
            grouped[year].append(row)
    return grouped

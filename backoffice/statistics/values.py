"""Small helpers the statistics share: store text read as numbers and answers, shares, Swedish order and time."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone, tzinfo
from functools import lru_cache
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


# ---------------------------------------------------------------- times a person reads

_STAMP = "%Y-%m-%dT%H:%M:%SZ"
LOCAL_ZONE = "Europe/Stockholm"


@lru_cache(maxsize=1)
def _zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(LOCAL_ZONE)
    except Exception:  # no time zone data installed: UTC is still right, and said to be UTC
        return timezone.utc


def local(moment: datetime) -> datetime:
    """A moment in Swedish time (a naive moment is taken to be UTC, as the store writes it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(_zone())


def local_text(moment: datetime) -> str:
    """A moment as a Swede reads it: 2026-09-01 kl. 09.30 (svensk tid)."""
    zone = "UTC" if _zone() is timezone.utc else "svensk tid"
    return local(moment).strftime("%Y-%m-%d kl. %H.%M") + f" ({zone})"


def local_cell(stamp: str) -> datetime | date | None:
    """A store time stamp as a spreadsheet date cell in Swedish time (naive: cells have no zone).

    A store that keeps only the day (anonymous forms) gives a date; anything else gives None.
    """
    stamp = (stamp or "").strip()
    try:
        if len(stamp) == 10:
            return date.fromisoformat(stamp)
        return local(datetime.strptime(stamp, _STAMP)).replace(tzinfo=None)
    except ValueError:
        return None

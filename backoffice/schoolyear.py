"""The school year (läsår): written 2025/26, it runs from 1 July to 30 June.

The one home for reading, checking and deriving a school year, so every command refuses `2025/27`
with the same Swedish sentence and every form finds the school year of a date the same way.
"""
from __future__ import annotations

import datetime as dt
import re

from backoffice.errors import SipError

PATTERN = re.compile(r"^([0-9]{4})/([0-9]{2})$")
# The school year starts in July: a date from 1 July belongs to the year that starts then.
FIRST_MONTH = 7
EXAMPLE = "2025/26"


class SchoolYearError(SipError, ValueError):
    """A school year or date that cannot be used; the message is Swedish and gives an example."""


def is_valid(text: str | None) -> bool:
    """True when `text` is written like 2025/26 and the second year follows the first."""
    match = PATTERN.match(text or "")
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def parse(text: str | None) -> str:
    """The school year `text`, checked; SchoolYearError (one Swedish message everywhere) otherwise."""
    value = (text or "").strip()
    if not is_valid(value):
        raise SchoolYearError(f"Läsåret ”{value}” ska skrivas som {EXAMPLE}, där andra året följer direkt "
                              "på det första.")
    return value


def start_year(lasar: str) -> int:
    """The calendar year a school year starts in: 2025 for 2025/26."""
    return int(parse(lasar)[:4])


def of_date(day: dt.date | str) -> str:
    """The school year a date belongs to: 2025-08-14 → 2025/26, 2026-03-01 → 2025/26."""
    if isinstance(day, str):
        day = parse_date(day)
    start = day.year if day.month >= FIRST_MONTH else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def of_date_text(text: str | None) -> str | None:
    """The school year of a date written ÅÅÅÅ-MM-DD, or None when the text is not such a date."""
    try:
        return of_date(str(text or "").strip())
    except SchoolYearError:
        return None


def parse_date(text: str) -> dt.date:
    """A date written ÅÅÅÅ-MM-DD; SchoolYearError otherwise."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise SchoolYearError(f"Datumet ”{text}” ska skrivas ÅÅÅÅ-MM-DD, till exempel 2025-11-14.")


def months(lasar: str) -> list[str]:
    """The twelve months of a school year as ÅÅÅÅ-MM, July to June."""
    start = start_year(lasar)
    return [f"{start}-{m:02d}" for m in range(FIRST_MONTH, 13)] + \
           [f"{start + 1}-{m:02d}" for m in range(1, FIRST_MONTH)]


def first_day(lasar: str) -> dt.date:
    """1 July of the school year's first calendar year."""
    return dt.date(start_year(lasar), FIRST_MONTH, 1)


def last_day(lasar: str) -> dt.date:
    """30 June of the school year's second calendar year."""
    return dt.date(start_year(lasar) + 1, FIRST_MONTH, 1) - dt.timedelta(days=1)


def current(today: dt.date | None = None) -> str:
    """The school year going on today."""
    return of_date(today or dt.date.today())


def last_completed(today: dt.date | None = None) -> str:
    """The school year that ended last summer: the one the annual follow-up asks about."""
    start = start_year(current(today)) - 1
    return f"{start}/{(start + 1) % 100:02d}"

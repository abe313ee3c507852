"""The personal-data guard: finds identity numbers, e-mail addresses and phone numbers in free text.

It answers only with the KIND of data found, never the value, so nothing found is ever repeated
in a report, a log or a page.
"""
from __future__ import annotations

import datetime as dt
import re

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
EMAIL = "e-postadress"
PHONE = "telefonnummer"
KINDS = (PERSONNUMMER, SAMORDNINGSNUMMER, EMAIL, PHONE)

# Word, Outlook and Excel turn a typed - into – (or a minus sign) and glue numbers together with
# no-break spaces; a pasted number may carry a line break, a zero-width space or a soft hyphen
# between its parts. The guard reads every dash as -, every space or line break as one space and
# drops the invisible characters, so pasted text is checked like typed text.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_PLAIN = str.maketrans({
    **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2212"},
    **{space: " " for space in "\u00a0\u2007\u2009\u202f\t\n\r\v\f\u0085\u2028\u2029"},
    **{invisible: None for invisible in _INVISIBLE},
})
_SPACES = re.compile(r" {2,}")
# A cheap first pass: only text with an @ or a run of digits (spaced, dashed, dotted or broken in
# any of the ways above) can hold anything the guard looks for; most text is never normalised.
_CANDIDATE = re.compile(r"@|\d[\d\s\-+()./" + _INVISIBLE + r"\u2010-\u2014\u2212]{5,}\d")
# An identity number: the date YYMMDD, with or without the century and with or without one kind of
# separator inside it (1912-12-12, 12 12 12), then an optional separator (- + . / or a space),
# then four digits; not inside a longer number.
_IDENTITY = re.compile(
    r"(?<!\d)(?P<century>18|19|20)?(?P<date>\d\d(?P<inner>[ ./-]?)\d\d(?P=inner)\d\d)"
    r"(?P<sep> ?[-+] ?|[ ./])?(?P<serial>\d{4})(?!\d)"
)
# Bounded parts (as RFC 5321 bounds them) keep the search linear: unbounded ones made a long
# text with one @ take seconds, and a web-form post reaches the guard before any length check.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}")
# An area code in parentheses, "(031)" or the "(0)" after +46, is read without them.
_AREA_CODE = re.compile(r"\((0\d{0,3})\)")
# Swedish numbers: 0 + area code + subscriber number (7 to 9 digits after the 0; an area code never
# starts with 0), or +46/0046 and the same, with or without the 0; digits may be grouped with
# spaces or dashes ("070 - 123 45 67" too).
# Not a phone number: a number that continues a longer one ("2025-0123456", "2025-03-14 10 st"),
# a date written DD-MM-YYYY, or two clock times such as 0830-1000.
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[-/.:,])"
    r"(?!\d\d[-/.]\d\d[-/.]\d{4}(?!\d))"
    r"(?![01]\d[0-5]\d ?- ?[0-2]\d[0-5]\d(?!\d))"
    r"(?:(?:\+|00)46 ?-? ?(?:0 ?-? ?)?|0)[1-9](?:(?: ?- ?| )?\d){6,8}(?!\d)"
)
# The same grouped with dots (070.123.45.67): two to three groups of two or three digits after the
# area code, so that a date (01.02.2025) or a time (08.30) is never one.
_DOTTED_PHONE = re.compile(r"(?<![\w+.])(?:(?:\+|00)46\.?|0)[1-9]\d{0,2}(?:\.\d{2,3}){2,3}(?![\d]|\.\d)")
# A date-time stamp (20250101-0900) is no identity number when its four digits are a time of day
# and its date lies from two years before today to a year after: the children in a school's SIP
# are older, and the stamps in a follow-up are of its own school year or the one before.
STAMP_PAST_DAYS = 731
STAMP_FUTURE_DAYS = 366


def luhn_ok(digits: str) -> bool:
    """True when the digits pass the Luhn checksum used for Swedish identity numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _birth_date(century: str, digits: str) -> tuple[str, dt.date] | None:
    """(kind, date) when YYMMDD (with its century, or either century) is a real date; day+60 for a
    samordningsnummer. None when it is no date."""
    month, day = int(digits[2:4]), int(digits[4:6])
    kind = PERSONNUMMER
    if day > 60:
        day -= 60
        kind = SAMORDNINGSNUMMER
    for prefix in ([century] if century else ["20", "19"]):  # without a century either may be meant
        try:
            return kind, dt.date(int(prefix + digits[:2]), month, day)
        except ValueError:
            continue
    return None


def _is_stamp(date: dt.date, serial: str, today: dt.date) -> bool:
    """A recent date followed by a time of day: a date-time stamp (20250101-0900)."""
    return (int(serial[:2]) < 24 and int(serial[2:]) < 60
            and -STAMP_PAST_DAYS <= (date - today).days <= STAMP_FUTURE_DAYS)


def _match_kind(match: re.Match, today: dt.date | None, strict: bool) -> str | None:
    """The kind of identity number a match is, or None.

    A valid number (a date and the right check digit) counts in every writing, unless it reads
    as a date-time stamp. Written the way a personnummer is written (YYMMDD-NNNN or +NNNN), the
    number counts even with a wrong check digit: a reader still takes it for one (not when strict).
    A date written with separators (2025-03-14) followed by a plain number is a date and a count.
    """
    century, digits, inner, serial = match["century"] or "", match["date"], match["inner"], match["serial"]
    sep = (match["sep"] or "").strip()
    if inner:
        if sep not in ("-", "+"):
            return None
        digits = digits.replace(inner, "")
    found = _birth_date(century, digits)
    if found is None:
        return None
    kind, date = found
    if today is not None and _is_stamp(date, serial, today):
        return None
    if luhn_ok(digits + serial):
        return kind
    written_as_one = not century and not inner and sep in ("-", "+")
    return kind if written_as_one and not strict else None


def identity_kind(text: str) -> str | None:
    """The kind of one identity number (any common writing), or None if it is not a valid one."""
    match = _IDENTITY.fullmatch(_plain(text).strip())
    return _match_kind(match, None, strict=True) if match else None


def _plain(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_PLAIN))


def find_personal_data(text: str | None, *, today: dt.date | None = None) -> list[str]:
    """The kinds of personal data in the text, in the order of KINDS; empty when none is found.

    `today` (default: today) decides which date-time stamps are too recent to be a birth date.
    Linear in the text's length: every pattern's parts are bounded.
    """
    if not text or not _CANDIDATE.search(text):
        return []
    today = today or dt.date.today()
    text = _plain(text)
    found: set[str] = set()
    rest = text
    if "@" in text:
        if _EMAIL.search(text):
            found.add(EMAIL)
        rest = _EMAIL.sub(" ", rest)
    kinds = {}
    for match in _IDENTITY.finditer(rest):
        kinds[match.start()] = _match_kind(match, today, strict=False)
    found.update(kind for kind in kinds.values() if kind)
    # An identity number, or a number written like one (with its - or +), is not also counted as a
    # phone number; 0701234567 without a separator may well be a mobile number.
    rest = _IDENTITY.sub(lambda m: " " if kinds.get(m.start()) or (m["sep"] or "").strip() in ("-", "+")
                         else m.group(0), rest)
    if _PHONE.search(_SPACES.sub(" ", _AREA_CODE.sub(r" \1 ", rest))) or _DOTTED_PHONE.search(rest):
        found.add(PHONE)
    return [kind for kind in KINDS if kind in found]

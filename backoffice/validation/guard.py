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
# no-break spaces; the guard reads every dash as - and every run of spaces as one space, so pasted
# text is checked like typed text.
_PLAIN = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
})
_SPACES = re.compile(r" {2,}")
# A cheap first pass: only text with an @ or a run of digits (spaced and dashed in any of the ways
# above) can hold anything the guard looks for; most text is never normalised.
_CANDIDATE = re.compile(r"@|\d[\d \-+()\u00a0\u2007\u2009\u202f\t\u2010-\u2014\u2212]{5,}\d")
# YYMMDD or YYYYMMDD, then an optional -, + or space, then four digits; not inside a longer number.
_IDENTITY = re.compile(r"(?<![\d])((?:18|19|20)?\d{6})[ ]?([-+]?)[ ]?(\d{4})(?![\d])")
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


def _date_kind(date_part: str) -> str | None:
    """PERSONNUMMER or SAMORDNINGSNUMMER if the date part is a real date (day+60 for the latter)."""
    if len(date_part) == 8:
        centuries = [date_part[:2]]
        date_part = date_part[2:]
    else:
        centuries = ["19", "20"]  # Without a century either may be meant (leap days differ).
    month, day = int(date_part[2:4]), int(date_part[4:6])
    kind = PERSONNUMMER
    if day > 60:
        day -= 60
        kind = SAMORDNINGSNUMMER
    for century in centuries:
        try:
            dt.date(int(century + date_part[:2]), month, day)
            return kind
        except ValueError:
            continue
    return None


def identity_kind(text: str) -> str | None:
    """The kind of one identity number (any common writing), or None if it is not a valid one."""
    match = _IDENTITY.fullmatch(_plain(text).strip())
    if not match:
        return None
    return _identity_match_kind(match)


def _plain(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_PLAIN))


def _identity_match_kind(match: re.Match) -> str | None:
    date_part, _, serial = match.groups()
    kind = _date_kind(date_part)
    if kind and luhn_ok(date_part[-6:] + serial):
        return kind
    return None


def find_personal_data(text: str | None) -> list[str]:
    """The kinds of personal data in the text, in the order of KINDS; empty when none is found."""
    if not text:
        return []
    if not _CANDIDATE.search(text):
        return []
    text = _plain(text)
    found: set[str] = set()
    rest = text
    if "@" in text:
        if _EMAIL.search(text):
            found.add(EMAIL)
        rest = _EMAIL.sub(" ", rest)
    for match in _IDENTITY.finditer(rest):
        kind = _identity_match_kind(match)
        if kind:
            found.add(kind)
    # A valid identity number, or one written with its - or + (a mistyped one), is not also
    # counted as a phone number; 0701234567 without a separator may well be a mobile number.
    rest = _IDENTITY.sub(lambda m: " " if m.group(2) or _identity_match_kind(m) else m.group(0), rest)
    if _PHONE.search(_SPACES.sub(" ", _AREA_CODE.sub(r" \1 ", rest))):
        found.add(PHONE)
    return [kind for kind in KINDS if kind in found]

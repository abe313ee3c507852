"""What a stored row is, in both stores: the form's fields, then receipt time, receipt, version and channel.

A row means the same in a data package and in a Google Sheet because both stores stamp, clean and
check rows here.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Mapping

from backoffice.errors import SipError
from backoffice.forms.schema import Form

SYSTEM_FIELDS = ("mottagen", "kvitto", "version", "kanal")
CHANNELS = ("webb", "import")
# Receipt alphabet without look-alikes (0/O, 1/I/L, U/V) so a receipt can be read over the phone.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class StoreError(SipError):
    """A problem with the store that a person must look at; the message is Swedish."""


@dataclass(frozen=True)
class Receipt:
    """What the sender gets back for one stored row."""

    form_id: str
    kvitto: str
    version: int
    mottagen: str
    row: dict


def columns(form: Form) -> list[str]:
    """Every column of the form's table in the store, in order."""
    return list(form.field_names) + list(SYSTEM_FIELDS)


def check_channel(kanal: str) -> None:
    """Refuse a channel that is not one of CHANNELS (a programming error, not a person's)."""
    if kanal not in CHANNELS:
        raise ValueError(f"kanal must be one of {CHANNELS}")


def check_version(row: dict[str, str], where: str) -> dict[str, str]:
    """The row, if its version is a whole number of 1 or more; else StoreError naming `where`.

    Versions are counted on, so a version edited by hand must stop the store, not crash it.
    """
    if not (row["version"].isdigit() and int(row["version"]) >= 1):
        raise StoreError(f"{where} har versionen ”{row['version']}”; den ska vara ett heltal, 1 eller mer. "
                         "Rätta raden för hand.")
    return row


def highest_versions(rows: Iterable[Mapping[str, str]], key: tuple[str, ...],
                     versions: dict[tuple, int] | None = None) -> dict[tuple, int]:
    """The highest stored version per key (added to `versions` when given); empty for unkeyed forms."""
    versions = {} if versions is None else versions
    if key:
        for row in rows:
            k = tuple(row[name] for name in key)
            versions[k] = max(versions.get(k, 0), int(row["version"]))
    return versions


def utc_now() -> str:
    """The time an answer is received: UTC to the second, as ÅÅÅÅ-MM-DDTHH:MM:SSZ."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_receipt(year: int | None = None) -> str:
    """A fresh receipt number like SIP-2026-7K3QF9 (uniqueness is checked by the caller)."""
    year = year or datetime.now(timezone.utc).year
    return f"SIP-{year}-" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(6))


def stamp_rows(form: Form, records: list[dict], kanal: str, versions: dict[tuple, int], used: set[str],
               received: str | None = None) -> tuple[list[list[str]], list[Receipt]]:
    """Give validated records their system columns: one receipt time, a new receipt number each, and
    the next version of their key. `versions` and `used` (the store's state) are updated in place.
    """
    mottagen = received or utc_now()
    if form.anonymous:
        # Only the day: a time to the second would let anyone who knows when a meeting ended pick
        # out that family's answers. Nothing counts anonymous answers by time.
        mottagen = mottagen[:10]
    names, lines, receipts = columns(form), [], []
    for record in records:
        row = {name: clean(record.get(name)) for name in form.field_names}
        version = 1
        if form.key:
            key = tuple(row[k] for k in form.key)
            version = versions[key] = versions.get(key, 0) + 1
        kvitto = new_receipt()
        while kvitto in used:
            kvitto = new_receipt()
        used.add(kvitto)
        row.update(mottagen=mottagen, kvitto=kvitto, version=str(version), kanal=kanal)
        lines.append([row[c] for c in names])
        receipts.append(Receipt(form.id, kvitto, version, mottagen, row))
    return lines, receipts


def clean(value) -> str:
    """A value as the store keeps it: text with LF line breaks and no control characters."""
    # Browsers send CRLF from textareas; the store keeps LF only so the file stays uniform. Text
    # pasted from Word brings vertical tabs (its line breaks) and the odd control character, which
    # spreadsheet programs and the Sheets API refuse: line breaks stay line breaks, the rest goes.
    text = "" if value is None else str(value)
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def encode(rows: list[list[str]]) -> bytes:
    """Rows as the store's CSV bytes: UTF-8, `,`, LF line endings."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")

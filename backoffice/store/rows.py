"""What a stored row is, in both stores: the form's fields, then the system columns that stamp it.

A row means the same in a data package and in a Google Sheet because both stores stamp, clean and
check rows here. The system columns say when the row came (`mottagen`), its receipt (`kvitto`),
which version of which answer it is (`version`, `avser`: the receipt of the answer's first
version), how it came (`kanal`), and for a coordinator's version whether it withdraws the answer
(`status`) and why (`orsak`).
"""
from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping

from backoffice.errors import SipError
from backoffice.forms.schema import Form

SYSTEM_FIELDS = ("mottagen", "kvitto", "version", "kanal", "avser", "status", "orsak")
# Stores written before corrections existed have only these; they are migrated (backoffice.store.migrate).
OLD_SYSTEM_FIELDS = SYSTEM_FIELDS[:4]
WEB, IMPORT, COORDINATOR = "webb", "import", "samordnare"
CHANNELS = (WEB, IMPORT, COORDINATOR)
# Receipt alphabet without look-alikes (0/O, 1/I/L, U/V) so a receipt can be read over the phone.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Whatever `clean` changes; most values hold none of it.
_UNCLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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


def old_columns(form: Form) -> list[str]:
    """The columns a store written before corrections existed has for the form."""
    return list(form.field_names) + list(OLD_SYSTEM_FIELDS)


def check_channel(kanal: str) -> None:
    """Refuse a channel an ordinary append may not use (a programming error, not a person's).

    Rows of the coordinator's channel are written only as corrections and withdrawals, which
    carry a reason.
    """
    if kanal not in CHANNELS or kanal == COORDINATOR:
        raise ValueError(f"kanal must be one of {CHANNELS[:2]} (corrections use correct/withdraw)")


def check_version(row: dict[str, str], where: str) -> dict[str, str]:
    """The row, if its version is a whole number of 1 or more; else StoreError naming `where`.

    Versions are counted on, so a version edited by hand must stop the store, not crash it.
    """
    if not (row["version"].isdigit() and int(row["version"]) >= 1):
        raise StoreError(f"{where} har versionen ”{row['version']}”; den ska vara ett heltal, 1 eller mer. "
                         "Rätta raden för hand.")
    return row


def utc_now() -> str:
    """The time an answer is received: UTC to the second, as ÅÅÅÅ-MM-DDTHH:MM:SSZ."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_receipt(year: int | None = None) -> str:
    """A fresh receipt number like SIP-2026-7K3QF9 (uniqueness is checked by the caller)."""
    year = year or datetime.now(timezone.utc).year
    # One draw for all six characters: an import stamps hundreds of thousands of rows.
    number, letters = secrets.randbelow(len(_RECEIPT_ALPHABET) ** 6), []
    for _ in range(6):
        number, digit = divmod(number, len(_RECEIPT_ALPHABET))
        letters.append(_RECEIPT_ALPHABET[digit])
    return f"SIP-{year}-" + "".join(letters)


@dataclass
class Numbering:
    """What stamping must know of the rows already stored, asked as it goes.

    `latest_of_key(key)` gives the highest version and the answer (`avser`) stored for a key, or
    None; `taken(kvitto)` whether a receipt is used. Rows stamped in the same batch are counted here.
    """

    latest_of_key: Callable[[tuple], tuple[int, str] | None]
    taken: Callable[[str], bool]
    batch_keys: dict[tuple, tuple[int, str]] = field(default_factory=dict)
    batch_receipts: set[str] = field(default_factory=set)

    @classmethod
    def of_rows(cls, form: Form, rows: Iterable[Mapping[str, str]]) -> "Numbering":
        """The numbering of rows held in memory (the Google Sheet store reads them all anyway)."""
        from backoffice.store.versions import answer_of

        keys: dict[tuple, tuple[int, str]] = {}
        receipts = set()
        for row in rows:
            receipts.add(row["kvitto"])
            if form.key:
                k = tuple(row[name] for name in form.key)
                version, avser = keys.get(k, (0, ""))
                keys[k] = (max(version, int(row["version"])), avser or answer_of(row))
        return cls(keys.get, receipts.__contains__)

    def receipt(self) -> str:
        """A receipt number used by no stored row and no row of this batch."""
        kvitto = new_receipt()
        while kvitto in self.batch_receipts or self.taken(kvitto):
            kvitto = new_receipt()
        self.batch_receipts.add(kvitto)
        return kvitto

    def next_version(self, key: tuple, kvitto: str) -> tuple[int, str]:
        """The version and answer a new row for `key` gets (version 1 of its own answer if the key is new)."""
        known = self.batch_keys.get(key) or self.latest_of_key(key)
        version, avser = (known[0] + 1, known[1] or kvitto) if known else (1, kvitto)
        self.batch_keys[key] = (version, avser)
        return version, avser


def _received(form: Form, received: str | None) -> str:
    mottagen = received or utc_now()
    # Only the day for anonymous forms: a time to the second would let anyone who knows when a
    # meeting ended pick out that family's answers. Nothing counts anonymous answers by time.
    return mottagen[:10] if form.anonymous else mottagen


def _stamped(form: Form, row: dict, system: dict, names: list[str]) -> tuple[list[str], Receipt]:
    row.update(system)
    return [row[c] for c in names], Receipt(form.id, row["kvitto"], int(row["version"]), row["mottagen"], row)


def stamp_rows(form: Form, records: list[dict], kanal: str, numbering: Numbering,
               received: str | None = None) -> tuple[list[list[str]], list[Receipt]]:
    """Give validated records their system columns: one receipt time, a new receipt number each, and
    the next version of their key's answer (forms without a key: version 1 of a new answer each).
    """
    mottagen, names = _received(form, received), columns(form)
    lines, receipts = [], []
    for record in records:
        row = {name: clean(record.get(name)) for name in form.field_names}
        kvitto = numbering.receipt()
        version, avser = numbering.next_version(tuple(row[k] for k in form.key), kvitto) if form.key else (1, kvitto)
        line, receipt = _stamped(form, row, {"mottagen": mottagen, "kvitto": kvitto, "version": str(version),
                                             "kanal": kanal, "avser": avser, "status": "", "orsak": ""}, names)
        lines.append(line)
        receipts.append(receipt)
    return lines, receipts


def stamp_version(form: Form, values: Mapping[str, str], numbering: Numbering, *, version: int, avser: str,
                  status: str, orsak: str, received: str | None = None) -> tuple[list[str], Receipt]:
    """A coordinator's new version of an answer (a correction or a withdrawal), stamped."""
    row = {name: clean(values.get(name)) for name in form.field_names}
    return _stamped(form, row, {"mottagen": _received(form, received), "kvitto": numbering.receipt(),
                                "version": str(version), "kanal": COORDINATOR, "avser": avser,
                                "status": status, "orsak": clean(orsak)}, columns(form))


def clean(value) -> str:
    """A value as the store keeps it: text with LF line breaks and no control characters."""
    # Browsers send CRLF from textareas; the store keeps LF only so the file stays uniform. Text
    # pasted from Word brings vertical tabs (its line breaks) and the odd control character, which
    # spreadsheet programs and the Sheets API refuse: line breaks stay line breaks, the rest goes.
    text = "" if value is None else str(value)
    if not _UNCLEAN.search(text):
        return text
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def encode(rows: list[list[str]]) -> bytes:
    """Rows as the store's CSV bytes: UTF-8, `,`, LF line endings."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")

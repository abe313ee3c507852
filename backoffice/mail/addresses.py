"""Each school's e-mail address (the rector's or the school's function mailbox), kept beside the register.

The coordinator imports them from a table `skolenhetskod;epost` as Excel saves it (Swedish CSV in
UTF-8 or Windows-1252, or xlsx). The whole file is checked first (address syntax, school codes in
the register, one address per school) and written only when every row is right, so a file is
never half-imported. The addresses live beside the school register, never in the store: the store
holds answers, and its backups travel further.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from backoffice.errors import InvalidData, SipError
from backoffice.forms.schema import label_key

ADDRESSES_NAME = "adresser.csv"
COLUMNS = ("skolenhetskod", "epost")
# Headings a person may give the address column.
ADDRESS_LABELS = {"epost", "e-post", "e-postadress", "mejl", "mail", "email"}


class AddressFileRefused(InvalidData):
    """The address file has errors, so nothing was imported; `problems` are Swedish report lines."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} fel; inga adresser har lästs in. Rätta felen och läs in filen igen.")


@dataclass(frozen=True)
class Imported:
    """What an import wrote: the addresses per school and where."""

    addresses: dict[str, str]
    path: Path


def addresses_path(register_path: Path) -> Path:
    """Where the addresses of a register's schools are kept: beside the register."""
    return Path(register_path).with_name(ADDRESSES_NAME)


def read_address_table(source: str | Path, register: dict) -> dict[str, str]:
    """The addresses in a table file, every row checked; AddressFileRefused listing every problem."""
    from backoffice.validation.sources import open_table

    table = open_table(source)
    labels = [label_key(label) for label in table.labels]
    code_column = labels.index("skolenhetskod") if "skolenhetskod" in labels else None
    address_column = next((i for i, label in enumerate(labels) if label in ADDRESS_LABELS), None)
    if code_column is None or address_column is None:
        raise SipError(f"{table.name}: första raden ska vara rubrikerna skolenhetskod och epost "
                       "(i den ordningen eller någon annan). Lägg till den rubrik som saknas.")
    problems: list[str] = []
    found: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(table.rows(), start=2):
        cells = ["" if cell is None else str(cell).strip() for cell in row]
        if not any(cells):
            continue
        code = cells[code_column] if code_column < len(cells) else ""
        address = cells[address_column] if address_column < len(cells) else ""
        where = f"{table.name}, rad {number}"
        problem = _row_problem(code, address, register, found, where)
        if problem:
            problems.append(problem)
            continue
        found[code] = (_normalised(address), number)
    if problems:
        raise AddressFileRefused(table.name, problems)
    if not found:
        raise SipError(f"{table.name}: filen har inga adresser (bara rubrikraden).")
    return {code: address for code, (address, _) in found.items()}


def _row_problem(code: str, address: str, register: dict, found: dict, where: str) -> str | None:
    if not (len(code) == 8 and code.isdigit()):
        return f"{where}, kolumn skolenhetskod: skolenhetskoden ska vara åtta siffror."
    if code not in register:
        return (f"{where}, kolumn skolenhetskod: skolenheten finns inte i skolregistret. Kontrollera "
                "koden, eller uppdatera registret med `sip-backoffice register import`.")
    if code in found:
        return (f"{where}: skolenheten {code} har redan en adress på rad {found[code][1]}. En skola får "
                "en adress: välj rektorns eller skolans funktionsbrevlåda och ta bort den andra raden.")
    if not address:
        return f"{where}, kolumn epost: adressen saknas. Fyll i den eller ta bort raden."
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return (f"{where}, kolumn epost: adressen är inte en giltig e-postadress. Skriv den som "
                "namn@example.se, utan mellanslag.")
    return None


def _normalised(address: str) -> str:
    return validate_email(address, check_deliverability=False).normalized


def write_addresses(addresses: dict[str, str], path: Path) -> Path:
    """Write the addresses (replacing the file whole, never half-written), sorted by school code."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(sorted(addresses.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def import_addresses(source: str | Path, register: dict, register_path: Path) -> Imported:
    """Check a table of addresses and, when every row is right, keep it beside the register."""
    addresses = read_address_table(source, register)
    return Imported(addresses, write_addresses(addresses, addresses_path(register_path)))


def load_addresses(register_path: Path) -> dict[str, str]:
    """The imported addresses per school code (empty when none have been imported)."""
    path = addresses_path(register_path)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return {row["skolenhetskod"]: row["epost"] for row in csv.DictReader(handle)}
    except FileNotFoundError:
        return {}
    except (KeyError, csv.Error, UnicodeDecodeError):
        raise SipError(f"Adressfilen {path.name} bredvid skolregistret går inte att läsa. Läs in "
                       "adresserna igen med `sip-backoffice register adresser FIL`.") from None

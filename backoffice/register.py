"""The school register: import Skolverket's school-unit export and load `data/skolor.csv`."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from backoffice.config import REGISTER_PATH
from backoffice.errors import SipError
from backoffice.validation.sources import code_page

COLUMNS = [
    "skolenhetskod", "skolnamn", "kommunkod", "kommun",
    "huvudmannatyp", "huvudman", "elever_f", "elever_1_9",
]

# Skolverket's header labels, compared without case, spaces and hyphens ("Skol-enhetskod").
SOURCE_COLUMNS = {
    "skolenhetskod": "skolenhetskod",
    "skola": "skolnamn",
    "kommunkod": "kommunkod",
    "skolkommun": "kommun",
    "typavhuvudman": "huvudmannatyp",
    "huvudman": "huvudman",
    "elever,förskoleklass": "elever_f",
    "elever,årskurs19": "elever_1_9",
}
TITLE = re.compile(r"grundskolan?\s*[-–—]\s*antal elever per årskurs", re.IGNORECASE)
SCHOOL_CODE = re.compile(r"[0-9]{8}")
MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")
# "." = no value exists, ".." = suppressed for confidentiality; both become empty.
MISSING = {"", ".", ".."}


@dataclass(frozen=True)
class School:
    """One school unit in the register, with Skolverket's pupil counts (None where missing)."""

    skolenhetskod: str
    skolnamn: str
    kommunkod: str
    kommun: str
    huvudmannatyp: str
    huvudman: str
    elever_f: int | None
    elever_1_9: int | None


class RegisterError(SipError):
    """An export or register file that cannot be used; the message is Swedish and says what to do."""


def _label_key(label: str) -> str:
    return re.sub(r"[\s\-]+", "", label.strip().lstrip("\ufeff")).lower()


def _count(value: str, where: str) -> int | None:
    text = value.strip().replace("\u00a0", "").replace(" ", "")
    if text in MISSING:
        return None
    if not text.isdigit():
        raise RegisterError(f"{where}: antalet elever är inte ett heltal. Kontrollera att filen är "
                            "Skolverkets export och inte har ändrats i ett kalkylprogram.")
    return int(text)


def _decode(data: bytes) -> str:
    # Skolverket exports UTF-8 with a BOM; a file re-saved by Excel has Excel's code page.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(code_page(data), errors="replace")


def _header_row(lines: list[str], source: str) -> int:
    """The index of the table's header line, after checking that the text is the export it should be."""
    if not any(TITLE.search(line) for line in lines[:10]):
        raise RegisterError(
            f"{source}: filen ser inte ut som Skolverkets export ”Grundskolan – Antal elever per "
            "årskurs” (rubriken saknas i början av filen). Ladda ner rapporten på skolenhetsnivå "
            "som CSV från Skolverkets statistiktjänst och använd filen som den är."
        )
    header_index = next(
        (i for i, line in enumerate(lines[:30]) if _label_key(line.split(";")[0]) == "skola"), None
    )
    if header_index is None:
        raise RegisterError(f"{source}: hittar ingen rubrikrad som börjar med ”Skola;”. "
                            "Använd exporten på skolenhetsnivå, som den laddades ner.")
    return header_index


def _positions(header: list[str], where: str) -> dict[str, int]:
    """Register column → the index of its column in the export; RegisterError naming any missing."""
    positions = {}
    for index, label in enumerate(header):
        name = SOURCE_COLUMNS.get(_label_key(label))
        if name and name not in positions:
            positions[name] = index
    missing = [name for name in COLUMNS if name not in positions]
    if missing:
        wanted = {v: k for k, v in SOURCE_COLUMNS.items()}
        raise RegisterError(
            f"{where}: kolumnen för {', '.join(missing)} saknas "
            f"(väntade rubriker som {', '.join(repr(wanted[m]) for m in missing)}). "
            "Välj rapporten ”Antal elever per årskurs” på skolenhetsnivå."
        )
    return positions


def _record(cells: list[str], positions: dict[str, int], width: int, where: str) -> dict:
    """One export row as register values (counts still text), its codes checked."""
    if len(cells) < width - 1:
        raise RegisterError(f"{where}: raden har {len(cells)} kolumner men rubrikraden har {width}. "
                            "Filen verkar avkortad eller ändrad; ladda ner exporten igen.")
    record = {name: cells[i].strip() for name, i in positions.items()}
    if not SCHOOL_CODE.fullmatch(record["skolenhetskod"]):
        raise RegisterError(f"{where}: skolenhetskoden är inte åtta siffror. "
                            "Ladda ner exporten igen och ändra den inte.")
    if not MUNICIPALITY_CODE.fullmatch(record["kommunkod"]):
        raise RegisterError(f"{where}: kommunkoden är inte fyra siffror. "
                            "Ladda ner exporten igen och ändra den inte.")
    return record


def parse_export(text: str, source: str = "exporten", kommun: str | None = None) -> list[School]:
    """The schools in the text of a Skolverket export, optionally only one municipality's."""
    lines = text.splitlines()
    header_index = _header_row(lines, source)
    header = next(csv.reader([lines[header_index]], delimiter=";"))
    positions = _positions(header, f"{source}, rad {header_index + 1}")
    schools: list[School] = []
    seen: set[str] = set()
    for offset, cells in enumerate(csv.reader(lines[header_index + 1:], delimiter=";")):
        where = f"{source}, rad {header_index + 2 + offset}"
        if not any(cell.strip() for cell in cells):
            break  # The table ends at the first empty line; notes about the statistics follow.
        record = _record(cells, positions, len(header), where)
        if kommun and record["kommunkod"] != kommun:
            continue
        if record["skolenhetskod"] in seen:
            raise RegisterError(f"{where}: skolenhetskoden finns redan på en tidigare rad. "
                                "Ladda ner exporten igen.")
        seen.add(record["skolenhetskod"])
        record["elever_f"] = _count(record["elever_f"], where)
        record["elever_1_9"] = _count(record["elever_1_9"], where)
        schools.append(School(**record))
    if not schools:
        raise RegisterError(
            f"{source}: exporten innehåller inga skolenheter"
            + (f" i kommun {kommun}. Kontrollera kommunkoden (Göteborg är 1480)." if kommun else ".")
        )
    return schools


def read_export(path: str | Path, kommun: str | None = None) -> list[School]:
    """The schools in a Skolverket export file as downloaded."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RegisterError(f"Filen {path} finns inte. Kontrollera sökvägen.") from None
    except OSError as error:
        raise RegisterError(f"Filen {path} går inte att läsa ({error.strerror}).") from None
    if kommun is not None and not MUNICIPALITY_CODE.fullmatch(kommun):
        raise RegisterError(f"Kommunkoden ”{kommun}” är inte fyra siffror (Göteborg är 1480).")
    return parse_export(_decode(data), str(path), kommun)


def write_register(schools: list[School], path: str | Path) -> None:
    """Write the register as UTF-8 CSV with `,`, one row per school unit, sorted by name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for school in sorted(schools, key=lambda s: (s.skolnamn.casefold(), s.skolenhetskod)):
        row = asdict(school)
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    # Written whole to a temporary name first, so a failed import leaves the old register intact.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    temporary.replace(path)


def default_register_path() -> Path:
    """The register this installation uses: the edition's (or $SIP_REGISTER), else data/skolor.csv."""
    from backoffice.edition import EditionError, load_edition

    try:
        return load_edition().register_path
    except EditionError:
        return REGISTER_PATH


def load_register(path: str | Path | None = None) -> dict[str, School]:
    """The register as {skolenhetskod: School}: the file at `path`, by default the edition's register."""
    path = Path(path) if path is not None else default_register_path()
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise RegisterError(f"Skolregistret {path} finns inte. Skapa det med "
                            f"`sip-backoffice register import EXPORT --out {path}`.") from None
    with handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or [f for f in COLUMNS if f not in reader.fieldnames]:
            raise RegisterError(f"Skolregistret {path} har inte kolumnerna {', '.join(COLUMNS)}. "
                                "Skapa det på nytt med `sip-backoffice register import`.")
        register = {}
        for line_no, row in enumerate(reader, start=2):
            where = f"{path}, rad {line_no}"
            values = {f.name: (row[f.name] or "").strip() for f in fields(School)}
            for name in ("elever_f", "elever_1_9"):
                values[name] = _count(values[name], where)
            register[values["skolenhetskod"]] = School(**values)
    return register

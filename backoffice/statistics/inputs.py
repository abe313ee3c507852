"""Read what a compile needs besides the rows: the area mapping file and a table file's header."""
from __future__ import annotations

from pathlib import Path

from backoffice.errors import SipError


class InputError(SipError, ValueError):
    """An input file that cannot be used; the message is Swedish and says what to do."""


def read_header(source: str | Path, sheet: str | None = None, credentials: str | None = None) -> list[str]:
    """The header labels of a CSV/XLSX file or Google Sheet, read the way validation reads it."""
    from backoffice.validation.sources import SourceError, open_table

    try:
        return [str(label or "").strip() for label in open_table(source, sheet=sheet, credentials=credentials).labels]
    except SourceError as error:
        raise InputError(str(error)) from None


def read_areas(path: str | Path) -> dict[str, str]:
    """The mapping skolenhetskod → område from a CSV or XLSX file with those two columns."""
    from backoffice.validation.sources import SourceError, open_table

    try:
        table = open_table(path)
        rows = [list(table.labels)] + [["" if c is None else str(c) for c in row] for row in table.rows()]
    except SourceError as error:
        raise InputError(f"Områdesfilen: {error}") from None
    if not rows or not any(rows[0]):
        raise InputError(f"Områdesfilen {path} är tom. Den ska ha kolumnerna skolenhetskod och omrade.")
    header = [h.strip().lower() for h in rows[0]]
    try:
        code_col = header.index("skolenhetskod")
        area_col = next(header.index(n) for n in ("omrade", "område") if n in header)
    except (ValueError, StopIteration):
        raise InputError(f"Områdesfilen {path} saknar kolumnen skolenhetskod eller omrade "
                         "(första raden ska vara rubrikerna skolenhetskod,omrade).") from None
    areas = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(code_col, area_col):
            raise InputError(f"Områdesfilen {path}, rad {line_no}: raden har för få kolumner.")
        code, area = row[code_col].strip(), row[area_col].strip()
        if not (len(code) == 8 and code.isdigit()):
            raise InputError(f"Områdesfilen {path}, rad {line_no}, kolumn skolenhetskod: "
                             "skolenhetskoden ska vara åtta siffror.")
        if not area:
            raise InputError(f"Områdesfilen {path}, rad {line_no}, kolumn omrade: området är tomt. "
                             "Fyll i ett område eller ta bort raden.")
        if code in areas and areas[code] != area:
            raise InputError(f"Områdesfilen {path}, rad {line_no}: skolan {code} står redan i området "
                             f"”{areas[code]}”. En skola kan bara höra till ett område.")
        areas[code] = area
    return areas

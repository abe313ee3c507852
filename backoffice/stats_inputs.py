"""Read what a compile needs besides the rows: the area mapping file, and which form a table file holds."""
from __future__ import annotations

import csv
import io
from pathlib import Path


class InputError(ValueError):
    """An input file that cannot be used; the message is Swedish and says what to do."""


def decode_text(data: bytes) -> str:
    """Text from a CSV as Excel or an editor saved it: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        text = decode_text(path.read_bytes())
    except OSError as error:
        raise InputError(f"Filen {path} går inte att läsa ({error.strerror}).") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_header(path: str | Path, sheet: str | None = None) -> list[str]:
    """The header row of a CSV or XLSX file (first sheet unless named)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"Filen {path} finns inte. Kontrollera sökvägen.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise InputError(f"Filen {path} går inte att öppna som en xlsx-arbetsbok.") from None
        try:
            ws = wb[sheet] if sheet else wb.worksheets[0]
        except KeyError:
            raise InputError(f"Arbetsboken {path} har inget blad som heter ”{sheet}”.") from None
        for row in ws.iter_rows(max_row=1, values_only=True):
            wb.close()
            return [str(v).strip() if v is not None else "" for v in row]
        wb.close()
        return []
    rows = _csv_rows(path)
    return [c.strip() for c in rows[0]] if rows else []


def detect_form(header: list[str], forms: dict[str, list[str]]) -> str | None:
    """The form whose fields best match a header (ignoring case and spaces), or None when unclear.

    A form matches when every one of its key fields is present; the best is the one whose fields
    cover most of the header.
    """
    names = {h.strip().lower() for h in header if h and h.strip()}
    best, best_score = None, 0.0
    for form_id, fields in forms.items():
        wanted = {f.lower() for f in fields}
        score = len(names & wanted) / max(len(wanted | names), 1)
        if score > best_score:
            best, best_score = form_id, score
    return best if best_score >= 0.5 else None


def read_areas(path: str | Path) -> dict[str, str]:
    """The mapping skolenhetskod → område from a CSV with those two columns (`,` or `;`)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"Områdesfilen {path} finns inte. Kontrollera sökvägen.")
    rows = _csv_rows(path)
    if not rows:
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

"""Write a form's offline spreadsheet template (xlsx) from its schema, ready for `sip-backoffice validate`.

The first sheet's header row asks the form's questions in Swedish (the fields' titles, which
validation and import match as well as the field names); each column also carries its field's
name as a defined name of the workbook, and the instructions list both. A filled-in template,
saved by Excel or LibreOffice, validates and imports unchanged. Excel's own data validation
guides the person filling it in: lists for fixed answers, whole numbers at or above the minimum,
dates that are not in the future, text lengths, and an input message per column. An
"Instruktioner" sheet explains it all in Swedish; the fixed lists live on a hidden "Listor" sheet
(Excel limits inline lists). A template can be prefilled for one school (`Prefill`): its code
and school year on the first answer row, its code the only choice in the code column.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from backoffice import schoolyear
from backoffice.errors import SipError
from backoffice.forms import schema as schemas
from backoffice.forms.schema import SCHOOL, Form, load_form

DATA_SHEET = "Svar"
ROWS = 1000  # rows covered by the validation rules; enough for any school or audit
_HEADER_FILL = PatternFill("solid", fgColor="1A237E")
# A defined name Excel takes: a letter or _ first, no spaces, and nothing that reads as a cell (A1, R1C1).
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[RrCc]|[Rr][0-9]*[Cc][0-9]*)$")


class TemplateSchoolError(SipError):
    """A school a template cannot be prefilled for (not in the register); the message says what to do."""


@dataclass(frozen=True)
class Prefill:
    """What a template is prefilled with for one school: its code and name, and the school year."""

    skolenhetskod: str | None = None
    skolnamn: str = ""
    lasar: str | None = None


def school_prefill(skolenhetskod: str | None, lasar: str | None = None, register: dict | None = None) -> Prefill:
    """The prefill for a school of the register (its name looked up there) and a school year, both checked."""
    if lasar is not None:
        lasar = schoolyear.parse(lasar)
    if skolenhetskod is None:
        return Prefill(lasar=lasar)
    if register is None:
        from backoffice.register import load_register

        register = load_register()
    code = str(skolenhetskod).strip()
    school = register.get(code)
    if school is None:
        raise TemplateSchoolError(f"Skolenhetskoden {code} finns inte i skolregistret. Kontrollera koden (åtta "
                                  "siffror) eller uppdatera registret med sip-backoffice register import.")
    return Prefill(code, school.skolnamn, lasar)


def _cut(text: str, limit: int) -> str:
    # Excel refuses a file whose input message or title exceeds its limits (255 / 32 characters).
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_year(form: Form, field) -> bool:
    """True for the field a row's school year is written in (as 2025/26)."""
    return form.year is not None and not form.year.from_date and field.name == form.year.field


def _rule_text(form: Form, field) -> str:
    c = field.constraints
    spec = schemas.list_spec(field)
    if spec:
        return "En eller flera av: " + ", ".join(spec.get("values") or []) + " (åtskilda med kommatecken)."
    if c.get("enum"):
        return "Välj i listan: " + ", ".join(str(v) for v in c["enum"]) + "."
    if field.type == "integer":
        return f"Ett heltal, {c.get('minimum', 0)} eller mer."
    if field.type == "date":
        return "Ett datum som ÅÅÅÅ-MM-DD, inte i framtiden."
    if field.name == SCHOOL:
        return "Åtta siffror."
    if _is_year(form, field):
        return "Som 2025/26."
    if c.get("maxLength"):
        return f"Text, högst {c['maxLength']} tecken."
    return "Text."


def _prompt(field) -> str:
    hint = schemas.ui_hints(field).get("hint") or field.description or ""
    required = "Obligatorisk. " if field.constraints.get("required") else "Frivillig. "
    return _cut(required + hint, 255)


def _validation(field, column: str, lists, list_row: dict, prefill: Prefill | None = None) -> DataValidation | None:
    c = field.constraints
    kind = {}
    if field.name == SCHOOL and prefill is not None and prefill.skolenhetskod:
        # A template for one school: its code is the one choice (typed or picked on each new row).
        kind = dict(type="list", formula1=f'"{prefill.skolenhetskod}"', allow_blank=True,
                    error=f"Mallen gäller skolenhetskoden {prefill.skolenhetskod}.")
    elif c.get("enum") and not schemas.list_spec(field):
        letter = get_column_letter(list_row[field.name])
        count = len(c["enum"])
        ref = f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${count}"
        kind = dict(type="list", formula1=ref, allow_blank=True,
                    error="Välj ett av värdena i listan.")
    elif field.type == "integer":
        kind = dict(type="whole", operator="greaterThanOrEqual", formula1=str(c.get("minimum", 0)),
                    error=f"Skriv ett heltal, {c.get('minimum', 0)} eller mer.")
    elif field.type == "date":
        kind = dict(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="TODAY()",
                    error="Skriv ett datum som ÅÅÅÅ-MM-DD som inte ligger i framtiden.")
    elif field.name == SCHOOL:
        kind = dict(type="textLength", operator="equal", formula1="8",
                    error="Skolenhetskoden har åtta siffror.")
    elif c.get("maxLength"):
        kind = dict(type="textLength", operator="lessThanOrEqual", formula1=str(c["maxLength"]),
                    error=f"Högst {c['maxLength']} tecken.")
    validation = DataValidation(
        showInputMessage=True, promptTitle=_cut(field.title or field.name, 32), prompt=_prompt(field),
        showErrorMessage=bool(kind), errorTitle="Fel värde", errorStyle="stop",
        **{"allow_blank": True, **kind},
    )
    validation.add(f"{column}2:{column}{ROWS + 1}")
    return validation


def _for_whom(form: Form, prefill: Prefill | None) -> list[tuple[str, Font | None]]:
    """The line saying which school and school year a prefilled template is for."""
    if prefill is None or not (prefill.skolenhetskod or prefill.lasar):
        return []
    school = f"{prefill.skolnamn} ({prefill.skolenhetskod})" if prefill.skolenhetskod else ""
    year = f"läsår {prefill.lasar}" if prefill.lasar and form.year is not None and not form.year.from_date else ""
    text = "Mallen gäller " + ", ".join(part for part in (school, year) if part) + \
        ". Det är redan ifyllt på rad 2; skriv samma uppgifter på varje ny rad."
    return [(text, Font(bold=True))]


def _instructions(sheet, form: Form, prefill: Prefill | None = None) -> None:
    lines = [
        (form.title, Font(bold=True, size=14)),
        (form.intro, None),
        *_for_whom(form, prefill),
        ("", None),
        ("Så fyller du i mallen", Font(bold=True, size=12)),
        (f"1. Skriv en rad per svar på bladet {DATA_SHEET}, med början på rad 2. Rubrikerna på rad 1 är "
         "frågorna: ändra inte dem.", None),
        ("2. Markera en cell för att se en förklaring av frågan. Fasta svar väljer du i listan i cellen.", None),
        ("3. Skriv aldrig namn, personnummer, e-postadresser eller telefonnummer i fritextsvaren.", None),
        ("4. Spara som Excel-arbetsbok (.xlsx) och skicka filen till SIP-samordnaren.", None),
        ("SIP-samordnaren kontrollerar filen med sip-backoffice validate och läser in den; är något fel "
         "får du veta rad och kolumn.", None),
        ("", None),
        ("Kolumnerna", Font(bold=True, size=12)),
    ]
    for text, font in lines:
        sheet.append([text])
        if font:
            sheet.cell(sheet.max_row, 1).font = font
    sheet.append(["Fältets namn", "Fråga (rubriken på rad 1)", "Obligatorisk", "Tillåtna värden", "Förklaring"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for field in form.fields:
        sheet.append([field.name, field.title or "", "ja" if field.constraints.get("required") else "nej",
                      _rule_text(form, field), field.description or ""])
    for letter, width in zip("ABCDE", (24, 60, 13, 45, 70)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _lists(book: Workbook, form: Form):
    """The hidden sheet of fixed answers, a column per choice field; and field name → its column number."""
    lists = book.create_sheet("Listor")
    lists.sheet_state = "hidden"
    list_row = {}
    for field in form.fields:
        if field.constraints.get("enum") and not schemas.list_spec(field):
            column = len(list_row) + 1
            list_row[field.name] = column
            for i, value in enumerate(field.constraints["enum"], start=1):
                lists.cell(i, column, value)
    return lists, list_row


def _answer_sheet(sheet, form: Form, lists, list_row: dict, prefill: Prefill | None) -> None:
    """The header row (the questions), a note and a validation rule per column, column-wide formats, and
    the prefilled school and school year."""
    lines = 1
    for index, field in enumerate(form.fields, start=1):
        column = get_column_letter(index)
        question = field.title or field.name
        cell = sheet.cell(1, index, question)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(_cut(f"{question}\n({field.name})\n\n{_rule_text(form, field)}", 500), "SIP-handboken")
        dimension = sheet.column_dimensions[column]
        dimension.width = max(14, min(40, len(question) + 2))
        lines = max(lines, -(-len(question) // int(dimension.width)))
        # Column-wide formats (no styled empty cells, which would read as blank rows).
        if field.type == "date":
            dimension.number_format = "yyyy-mm-dd"
        elif field.type == "string":
            dimension.number_format = "@"
        sheet.add_data_validation(_validation(field, column, lists, list_row, prefill))
        _name_column(sheet, field.name, column)
    sheet.row_dimensions[1].height = 15 * min(lines, 5) + 3  # the questions wrap; keep them readable
    sheet.freeze_panes = "A2"
    _prefill_row(sheet, form, prefill)


def _name_column(sheet, name: str, column: str) -> None:
    """The field's name as a defined name of its answer cells, for whoever works with the file by name."""
    if _NAME.match(name) and not _CELL_LIKE.match(name):
        reference = f"{quote_sheetname(sheet.title)}!${column}$2:${column}${ROWS + 1}"
        sheet.parent.defined_names[name] = DefinedName(name, attr_text=reference)


def _prefill_row(sheet, form: Form, prefill: Prefill | None) -> None:
    """The school's code and the school year on the first answer row, as text (a code keeps its zeros)."""
    if prefill is None:
        return
    values = {SCHOOL: prefill.skolenhetskod}
    if form.year is not None and not form.year.from_date:
        values[form.year.field] = prefill.lasar
    for index, field in enumerate(form.fields, start=1):
        value = values.get(field.name)
        if value:
            cell = sheet.cell(2, index, value)
            cell.data_type, cell.number_format = "s", "@"


def _book(form_id: str, prefill: Prefill | None) -> Workbook:
    form = load_form(form_id)
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    instructions = book.create_sheet("Instruktioner")
    lists, list_row = _lists(book, form)
    _answer_sheet(data, form, lists, list_row, prefill)
    _instructions(instructions, form, prefill)
    book.properties.title = form.title + (f", {prefill.skolnamn}" if prefill and prefill.skolnamn else "")
    return book


def write_template(form_id: str, out, prefill: Prefill | None = None) -> Path:
    """Write the form's xlsx template to `out` (prefilled for one school when given) and return its path."""
    book = _book(form_id, prefill)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def template_bytes(form_id: str, prefill: Prefill | None = None) -> bytes:
    """The template as the bytes of an xlsx file, for a web page to hand out."""
    buffer = io.BytesIO()
    _book(form_id, prefill).save(buffer)
    return buffer.getvalue()

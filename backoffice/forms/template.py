"""Write a form's offline spreadsheet template (xlsx) from its schema, ready for `sip-backoffice validate`.

The first sheet holds only the header row (the schema's field names, which validation matches),
so a filled-in template validates unchanged. Excel's own data validation guides the person
filling it in: lists for fixed answers, whole numbers at or above the minimum, dates that are not
in the future, text lengths, and an input message per column. An "Instruktioner" sheet explains
it all in Swedish; the fixed lists live on a hidden "Listor" sheet (Excel limits inline lists).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from backoffice.forms import schema as schemas
from backoffice.forms.schema import SCHOOL, Form, load_form

DATA_SHEET = "Svar"
ROWS = 1000  # rows covered by the validation rules; enough for any school or audit
_HEADER_FILL = PatternFill("solid", fgColor="1A237E")


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


def _validation(field, column: str, lists, list_row: dict) -> DataValidation | None:
    c = field.constraints
    kind = {}
    if c.get("enum") and not schemas.list_spec(field):
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


def _instructions(sheet, form: Form) -> None:
    lines = [
        (form.title, Font(bold=True, size=14)),
        (form.intro, None),
        ("", None),
        ("Så fyller du i mallen", Font(bold=True, size=12)),
        (f"1. Skriv en rad per svar på bladet {DATA_SHEET}, med början på rad 2. Ändra inte rubrikerna på rad 1.", None),
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
    sheet.append(["Kolumn", "Fråga", "Obligatorisk", "Tillåtna värden", "Förklaring"])
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


def _answer_sheet(sheet, form: Form, lists, list_row: dict) -> None:
    """The header row, a note and a validation rule per column, and column-wide formats."""
    for index, field in enumerate(form.fields, start=1):
        column = get_column_letter(index)
        cell = sheet.cell(1, index, field.name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.comment = Comment(_cut(f"{field.title}\n\n{_rule_text(form, field)}", 500), "SIP-handboken")
        dimension = sheet.column_dimensions[column]
        dimension.width = max(14, min(40, len(field.name) + 4))
        # Column-wide formats (no styled empty cells, which would read as blank rows).
        if field.type == "date":
            dimension.number_format = "yyyy-mm-dd"
        elif field.type == "string":
            dimension.number_format = "@"
        sheet.add_data_validation(_validation(field, column, lists, list_row))
    sheet.freeze_panes = "A2"


def write_template(form_id: str, out) -> Path:
    """Write the form's xlsx template to `out` and return its path."""
    form = load_form(form_id)
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    instructions = book.create_sheet("Instruktioner")
    lists, list_row = _lists(book, form)
    _answer_sheet(data, form, lists, list_row)
    _instructions(instructions, form)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out

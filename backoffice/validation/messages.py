"""Swedish messages for Frictionless' own errors and for header problems: what is wrong, what to do.

No message repeats the value found in the cell (it may be personal data); they name the column,
the rule and an example of a right value instead.
"""
from __future__ import annotations

import re

import frictionless

from backoffice.validation import guard
from backoffice.forms import schema as schemas

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)
_POSITION = re.compile(r"position (\d+)")

PATTERN_HELP = {
    schemas.SCHOOL: "Skolenhetskoden ska vara åtta siffror. Skriv koden utan mellanslag eller andra "
                     "tecken, till exempel 12345678.",
    schemas.SCHOOL_YEAR: "Läsåret ska skrivas som fyra siffror, snedstreck och två siffror, till exempel 2025/26.",
}
TYPE_HELP = {
    "integer": "Värdet är inte ett heltal. Skriv ett heltal med bara siffror (inga decimaler, "
               "mellanslag eller ord), till exempel 3.",
    "number": "Värdet är inte ett tal. Skriv ett tal, till exempel 3 eller 2,5.",
    "date": "Värdet är inte ett datum. Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-03-14.",
}


def _hint(field: frictionless.Field) -> str:
    return schemas.ui_hints(field).get("hint") or field.description or ""


def type_message(field: frictionless.Field) -> str:
    """A cell whose value is not of the field's type."""
    return TYPE_HELP.get(field.type, f"Värdet har fel form. {_hint(field)}").strip()


def constraint_message(field: frictionless.Field, note: str) -> str:
    """A cell breaking one of the field's constraints (the constraint's name is inside the note)."""
    match = _CONSTRAINT.search(note or "")
    name = match.group(1) if match else ""
    constraints = field.constraints
    if name == "required":
        return f"Värdet saknas. Fyll i ”{field.title}”. {_hint(field)}".strip()
    if name == "pattern":
        return PATTERN_HELP.get(field.name) or f"Värdet har fel form. {_hint(field)}".strip()
    if name == "enum":
        values = ", ".join(str(v) for v in constraints["enum"])
        return f"Värdet är inte ett av de tillåtna svaren. Skriv ett av: {values}."
    if name == "minimum":
        return (f"Värdet är för litet: det får inte vara mindre än {constraints['minimum']}. "
                "Skriv ett heltal som är " + f"{constraints['minimum']} eller mer.")
    if name == "maximum":
        return f"Värdet är för stort: det får vara högst {constraints['maximum']}."
    if name == "maxLength":
        return (f"Texten är för lång: högst {constraints['maxLength']} tecken är tillåtet. "
                "Korta texten.")
    if name == "minLength":
        return f"Texten är för kort: minst {constraints['minLength']} tecken behövs."
    return f"Värdet följer inte reglerna för kolumnen. {_hint(field)}".strip()


def duplicate_key_message(schema: frictionless.Schema, note: str) -> str:
    """A row with the same primary key as an earlier row."""
    match = _POSITION.search(note or "")
    where = f"rad {match.group(1)}" if match else "en tidigare rad"
    key = [(schema.get_field(name).title or name).lower() for name in schema.primary_key]
    what = key[0] if len(key) == 1 else ", ".join(key[:-1]) + " och " + key[-1]
    return (f"Samma {what} finns redan på {where}. Varje kombination får bara finnas en gång i "
            "filen: ta bort dubbletten eller rätta värdena.")


def missing_column_message(field: frictionless.Field) -> str:
    return (f"Kolumnen ”{field.name}” ({field.title}) saknas. Lägg till en kolumn med rubriken "
            f"{field.name} i första raden.")


def wrong_form_message(form_id: str, other: str, other_title: str) -> str:
    return (f"Rubrikraden hör till blanketten {other} ({other_title}), inte till {form_id}. "
            f"Kontrollera att det är rätt fil, eller kontrollera den mot rätt blankett med --form {other}.")


def unknown_column_message(label: str, letter: str, field_names: list[str]) -> str:
    # A header cell is normally safe to show, but a row of answers typed into row 1 is not.
    if guard.find_personal_data(label):
        which = f"Kolumn {letter} har en rubrik som verkar innehålla personuppgifter (den visas inte här)"
    else:
        which = f"Kolumn {letter} har rubriken ”{label.strip() or '(tom rubrik)'}”"
    return (f"{which}, som inte hör till blanketten. Rätta rubriken eller ta bort kolumnen. "
            f"Rubrikerna ska vara: {', '.join(field_names)}.")


def header_mismatch_message(unknown: list[tuple[str, str]], missing: list, field_names: list[str]) -> str:
    """Several columns wrong at once: one message naming each once, and what the header should be."""
    parts = []
    if unknown:
        named = ", ".join(f"{letter} (”{label.strip()}”)" if label.strip() and not guard.find_personal_data(label)
                          else letter for letter, label in unknown)
        parts.append(f"kolumn {named} hör inte till blanketten")
    if missing:
        parts.append("de här frågorna saknas: " + "; ".join(f"{f.name} ({f.title})" for f in missing))
    return (f"Rubrikraden stämmer inte med blanketten: {' och '.join(parts)}. Första raden ska ha en kolumn per "
            f"fråga, med frågan eller kolumnnamnet som rubrik: {', '.join(field_names)}. Enklast är att "
            "utgå från blankettens mall.")


def no_header_message(form_id: str, field_names: list[str]) -> str:
    return (f"Ingen rubrik i första raden hör till blanketten {form_id}. Kontrollera att det är rätt "
            f"fil och rätt blad. Första raden ska vara rubrikraden: {', '.join(field_names)}. "
            "Saknas rubrikraden, lägg till den överst; annars rätta rubrikerna.")


def duplicate_column_message(name: str, letters: list[str]) -> str:
    return (f"Kolumnen ”{name}” finns flera gånger (kolumn {', '.join(letters)}). Behåll en av dem "
            "och ta bort de andra.")


def extra_cells_message(letter: str) -> str:
    return (f"Raden har värden utanför tabellen (från kolumn {letter}), där det inte finns någon "
            "rubrik. Ta bort värdena eller flytta dem till rätt kolumn.")


def unlabelled_cell_message(letter: str) -> str:
    return (f"Raden har ett värde i kolumn {letter}, som saknar rubrik. Ta bort värdet, flytta det till "
            "rätt kolumn eller ge kolumnen rätt rubrik.")

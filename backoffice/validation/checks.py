"""Custom Frictionless checks for the forms: register, school year, conditional answers, date, lists, privacy.

Each check is a Frictionless `Check` yielding its own `CellError` subclass, so its problems land
in the same report as Frictionless' type and constraint errors. The error's note is the Swedish
message (what is wrong and what to do); no note ever repeats the cell's value.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

import attrs
import frictionless
from frictionless import errors

from backoffice.validation import guard
from backoffice.forms import schema as schemas

_SCHOOL_CODE = re.compile(r"[0-9]{8}")
_SCHOOL_YEAR = re.compile(r"([0-9]{4})/([0-9]{2})")
_NOTHING: tuple = ()


def _cell_error(cls, row, field_name: str, note: str):
    # Built by hand instead of CellError.from_row: the row's cells are not copied into the error,
    # so a found personal identity number is never kept in a report object.
    return cls(note=note, cells=[], row_number=row.row_number, cell="",
               field_name=field_name, field_number=row.field_names.index(field_name) + 1)


class UnknownSchoolError(errors.CellError):
    type = "unknown-school"
    title = "Okänd skolenhet"
    description = "Skolenhetskoden finns inte i skolregistret."
    template = "{note}"


class SchoolYearError(errors.CellError):
    type = "school-year"
    title = "Felaktigt läsår"
    description = "Läsårets andra år ska följa direkt på det första, som i 2025/26."
    template = "{note}"


class ConditionalCountError(errors.CellError):
    type = "conditional-count"
    title = "Antal stämmer inte med svaret"
    description = "Antalet utredda avvikelser ska vara minst 1 vid ja och 0 eller tomt vid nej."
    template = "{note}"


class FutureDateError(errors.CellError):
    type = "future-date"
    title = "Datum i framtiden"
    description = "Datumet ligger efter dagens datum."
    template = "{note}"


class ListValueError(errors.CellError):
    type = "list-value"
    title = "Otillåtet värde i listan"
    description = "Ett av värdena i en lista är inte ett av de tillåtna."
    template = "{note}"


class OneOfError(errors.CellError):
    type = "one-of"
    title = "Skola eller organisation"
    description = "Exakt ett av två fält ska vara ifyllt."
    template = "{note}"


class ReplacementError(errors.CellError):
    type = "replacement-answer"
    title = "Svaret om ersättare stämmer inte"
    description = "Ej aktuellt när alla kallade deltog, annars ja eller nej."
    template = "{note}"


class PersonalDataError(errors.CellError):
    type = "personal-data"
    title = "Personuppgifter i fritext"
    description = "Fritexten verkar innehålla personnummer, samordningsnummer, e-postadress eller telefonnummer."
    template = "{note}"


@attrs.define(kw_only=True, repr=False)
class SchoolInRegister(frictionless.Check):
    """The school code is a school unit in the register."""

    type = "sip-school-in-register"
    Errors = [UnknownSchoolError]
    field_name: str = "skolenhetskod"
    codes: frozenset = frozenset()

    def validate_row(self, row) -> Iterable[Any]:
        code = row[self.field_name]
        # A code of the wrong form is already a pattern error; only well-formed codes are looked up.
        if code is None or code in self.codes or not _SCHOOL_CODE.fullmatch(code):
            return _NOTHING
        return (_cell_error(UnknownSchoolError, row, self.field_name,
                            "Skolenhetskoden finns inte i skolregistret. Kontrollera koden mot "
                            "Skolverkets skolenhetsregister; saknas skolan i registret, kontakta "
                            "den centrala SIP-samordnaren."),)


@attrs.define(kw_only=True, repr=False)
class SchoolYearFollows(frictionless.Check):
    """The second year of a school year follows the first (2025/26)."""

    type = "sip-school-year"
    Errors = [SchoolYearError]
    field_name: str = "lasar"

    def validate_row(self, row) -> Iterable[Any]:
        value = row[self.field_name]
        match = _SCHOOL_YEAR.fullmatch(value) if value else None
        if not match or (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            return _NOTHING
        return (_cell_error(SchoolYearError, row, self.field_name,
                            "Läsårets andra år följer inte på det första. Skriv läsåret som två år "
                            "i följd, till exempel 2025/26."),)


@attrs.define(kw_only=True, repr=False)
class CountMatchesAnswer(frictionless.Check):
    """A count is at least 1 when its yes/no question is answered ja, and 0 or empty when nej."""

    type = "sip-count-matches-answer"
    Errors = [ConditionalCountError]
    answer_field: str = "avvikelse_utredd"
    count_field: str = "avvikelser_utredda"

    def validate_row(self, row) -> Iterable[Any]:
        answer, count = row[self.answer_field], row[self.count_field]
        if answer == schemas.YES and row.cells[row.field_names.index(self.count_field)] in ("", None):
            note = ("Antalet utredda avvikelser saknas fast svaret på frågan om utredd avvikelse är ja. "
                    "Skriv hur många avvikelser som utretts (minst 1), eller ändra svaret till nej.")
        elif answer == schemas.YES and count is not None and count < 1:
            note = ("Antalet utredda avvikelser måste vara minst 1 när svaret på frågan om utredd "
                    "avvikelse är ja. Skriv hur många som utretts, eller ändra svaret till nej.")
        elif answer == schemas.NO and count:
            note = ("Antalet utredda avvikelser ska vara 0 eller tomt när svaret på frågan om utredd "
                    "avvikelse är nej. Töm fältet, eller ändra svaret till ja.")
        else:
            return _NOTHING
        return (_cell_error(ConditionalCountError, row, self.count_field, note),)


@attrs.define(kw_only=True, repr=False)
class DateNotInFuture(frictionless.Check):
    """A date is today or earlier."""

    type = "sip-date-not-in-future"
    Errors = [FutureDateError]
    field_name: str = "datum"
    today: dt.date = attrs.field(factory=dt.date.today)
    # What the date is, as the message says it (the deviation's day, the meeting's day).
    what: str = "dagen då avvikelsen inträffade"

    def validate_row(self, row) -> Iterable[Any]:
        value = row[self.field_name]
        if value is None or value <= self.today:
            return _NOTHING
        return (_cell_error(FutureDateError, row, self.field_name,
                            f"Datumet ligger i framtiden. Skriv {self.what} "
                            "(ÅÅÅÅ-MM-DD), i dag eller tidigare."),)


@attrs.define(kw_only=True, repr=False)
class ListValues(frictionless.Check):
    """Every value of a multi-valued field is one of its allowed values."""

    type = "sip-list-values"
    Errors = [ListValueError]
    field_name: str = "berorda_verksamheter"
    values: list = attrs.field(factory=list)
    _seen: dict = attrs.field(factory=dict, init=False)

    def validate_row(self, row) -> Iterable[Any]:
        value = row[self.field_name]
        if not value:
            return _NOTHING
        # Few distinct combinations occur, so the answer per written value is remembered.
        bad = self._seen.get(value)
        if bad is None:
            allowed = set(self.values)
            bad = tuple(i for i, part in enumerate(schemas.split_list(value), start=1) if part not in allowed)
            if len(self._seen) < 10_000:
                self._seen[value] = bad
        if not bad:
            return _NOTHING
        which = ", ".join(str(i) for i in bad)
        return (_cell_error(ListValueError, row, self.field_name,
                            f"Värde nummer {which} i listan är inte tillåtet. Skriv ett eller flera av "
                            f"{', '.join(self.values)}, åtskilda med kommatecken."),)


@attrs.define(kw_only=True, repr=False)
class ExactlyOneOf(frictionless.Check):
    """Exactly one of two fields is filled in: the school code, or the organisation outside school."""

    type = "sip-exactly-one-of"
    Errors = [OneOfError]
    field_names: list = attrs.field(factory=lambda: ["skolenhetskod", "organisation"])

    def validate_row(self, row) -> Iterable[Any]:
        # The raw cells decide: a malformed code is still "filled in" (its own error says why).
        filled = [name for name in self.field_names
                  if row.cells[row.field_names.index(name)] not in ("", None)]
        if len(filled) == 1:
            return _NOTHING
        if filled:
            note = ("Både skolenhetskod och organisation är ifyllda. Fyll i skolenhetskoden för ett möte "
                    "som skolan kallade till, eller organisationen för ett möte utanför skolan, inte båda.")
        else:
            note = ("Skolenhetskod eller organisation saknas. Fyll i skolenhetskoden för ett möte som "
                    "skolan kallade till, eller organisationen för ett möte utanför skolan.")
        return (_cell_error(OneOfError, row, self.field_names[-1] if filled else self.field_names[0], note),)


@attrs.define(kw_only=True, repr=False)
class ReplacementMatchesAttendance(frictionless.Check):
    """`ej aktuellt` about a substitute exactly when everyone called attended."""

    type = "sip-replacement-matches-attendance"
    Errors = [ReplacementError]
    attended_field: str = "alla_kallade_deltog"
    replacement_field: str = "ersattare_skickades"

    def validate_row(self, row) -> Iterable[Any]:
        attended, replacement = row[self.attended_field], row[self.replacement_field]
        if attended is None or replacement is None:
            return _NOTHING  # a missing or unknown answer has its own error
        if attended == schemas.YES and replacement != "ej aktuellt":
            note = ("Svaret om ersättare ska vara ej aktuellt när alla kallade verksamheter deltog. "
                    "Ändra svaret till ej aktuellt, eller svara nej på frågan om alla deltog.")
        elif attended == schemas.NO and replacement == "ej aktuellt":
            note = ("Någon kallad verksamhet deltog inte: svara ja eller nej på om en ersättare "
                    "skickades, inte ej aktuellt.")
        else:
            return _NOTHING
        return (_cell_error(ReplacementError, row, self.replacement_field, note),)


@attrs.define(kw_only=True, repr=False)
class NoPersonalData(frictionless.Check):
    """Free-text fields hold no identity number, e-mail address or phone number."""

    type = "sip-no-personal-data"
    Errors = [PersonalDataError]
    field_names: list = attrs.field(factory=list)

    def validate_row(self, row) -> Iterable[Any]:
        found = []
        for name in self.field_names:
            kinds = guard.find_personal_data(row[name])
            if kinds:
                found.append(_cell_error(PersonalDataError, row, name, personal_data_message(kinds)))
        return found


def personal_data_message(kinds: list[str]) -> str:
    """The Swedish message for personal data found in a free-text field (naming kinds, never values)."""
    named = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " och " + kinds[-1]
    return (f"Texten verkar innehålla {named}. Ta bort uppgiften: skriv aldrig personnummer, "
            "samordningsnummer, e-postadresser, telefonnummer eller annat som kan peka ut ett barn.")


def build_checks(schema: frictionless.Schema, form_id: str, register_codes: frozenset,
                 today: dt.date | None = None) -> list[frictionless.Check]:
    """The checks that apply to a form, chosen from the fields its schema has."""
    names = set(schema.field_names)
    checks: list[frictionless.Check] = []
    if "skolenhetskod" in names:
        checks.append(SchoolInRegister(codes=register_codes))
    if "lasar" in names:
        checks.append(SchoolYearFollows())
    if {"avvikelse_utredd", "avvikelser_utredda"} <= names:
        checks.append(CountMatchesAnswer())
    if "datum" in names:
        what = "dagen då mötet hölls" if form_id == "motesrapport" else "dagen då avvikelsen inträffade"
        checks.append(DateNotInFuture(today=today or dt.date.today(), what=what))
    one_of = list(schemas.form_info(form_id).get("one_of") or [])
    if len(one_of) == 2 and set(one_of) <= names:
        checks.append(ExactlyOneOf(field_names=one_of))
    if {"alla_kallade_deltog", "ersattare_skickades"} <= names:
        checks.append(ReplacementMatchesAttendance())
    for field in schema.fields:
        spec = schemas.list_spec(field)
        if spec:
            checks.append(ListValues(field_name=field.name, values=list(spec["values"])))
    free_text = [name for name in schemas.free_text_fields(form_id) if name in names]
    if free_text:
        checks.append(NoPersonalData(field_names=free_text))
    return checks

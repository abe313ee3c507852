"""Custom Frictionless checks for the forms: register, school year, lists, one-of, declared rules, privacy.

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

from backoffice import schoolyear
from backoffice.validation import guard
from backoffice.forms import schema as schemas
from backoffice.forms.rules import Rule
from backoffice.forms.schema import ORGANISATION, SCHOOL, SCHOOL_YEAR, Form

_SCHOOL_CODE = re.compile(r"[0-9]{8}")
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


def rule_error(code: str) -> type:
    """The error class of a declared rule's code (one per code, so reports keep their codes)."""
    if code not in _RULE_ERRORS:
        _RULE_ERRORS[code] = type(f"RuleError_{code}", (errors.CellError,), {
            "type": code, "title": "Regel i blanketten", "template": "{note}",
            "description": "Svaret stämmer inte med en regel i blanketten."})
    return _RULE_ERRORS[code]


_RULE_ERRORS: dict[str, type] = {}


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
    field_name: str = SCHOOL
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
    field_name: str = SCHOOL_YEAR

    def validate_row(self, row) -> Iterable[Any]:
        value = row[self.field_name]
        # A value of the wrong form is already a pattern error; only the years' order is checked here.
        if not value or not schoolyear.PATTERN.match(value) or schoolyear.is_valid(value):
            return _NOTHING
        return (_cell_error(SchoolYearError, row, self.field_name,
                            "Läsårets andra år följer inte på det första. Skriv läsåret som två år "
                            "i följd, till exempel 2025/26."),)


@attrs.define(kw_only=True, repr=False)
class FormRule(frictionless.Check):
    """One cross-field rule declared in the form's schema (`sip:form.rules`)."""

    type = "sip-form-rule"
    Errors = []  # set per rule code by `_rule_check`
    rule: Rule = attrs.field(default=None)
    today: dt.date = attrs.field(factory=dt.date.today)

    def validate_row(self, row) -> Iterable[Any]:
        rule = self.rule
        value = row[rule.field]
        if rule.not_after_today:
            broken = value is not None and value > self.today
        else:
            # A missing or unreadable answer has an error of its own: the rule waits for it.
            if any(row[name] is None for name, _ in rule.when) or not rule.applies(row):
                return _NOTHING
            filled = row.cells[row.field_names.index(rule.field)] not in ("", None)
            if filled and value is None:
                return _NOTHING
            broken = not rule.holds(value, filled)
        if not broken:
            return _NOTHING
        return (_cell_error(rule_error(rule.code), row, rule.field, rule.message),)


def _rule_check(rule: Rule, today: dt.date) -> FormRule:
    # Frictionless keeps only errors whose type a check declares, so each code gets its class.
    cls = _RULE_CHECKS.get(rule.code)
    if cls is None:
        cls = _RULE_CHECKS[rule.code] = type(f"FormRule_{rule.code}", (FormRule,), {"Errors": [rule_error(rule.code)]})
    return cls(rule=rule, today=today)


_RULE_CHECKS: dict[str, type] = {}


@attrs.define(kw_only=True, repr=False)
class ListValues(frictionless.Check):
    """Every value of a multi-valued field is one of its allowed values."""

    type = "sip-list-values"
    Errors = [ListValueError]
    field_name: str = ""
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
    field_names: list = attrs.field(factory=lambda: [SCHOOL, ORGANISATION])

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
class NoPersonalData(frictionless.Check):
    """Free-text fields hold no identity number, e-mail address or phone number."""

    type = "sip-no-personal-data"
    Errors = [PersonalDataError]
    field_names: list = attrs.field(factory=list)
    # The day that decides which date-time stamps are too recent to be a birth date (guard).
    today: Any = attrs.field(default=None)

    def validate_row(self, row) -> Iterable[Any]:
        found = []
        for name in self.field_names:
            kinds = guard.find_personal_data(row[name], today=self.today)
            if kinds:
                found.append(_cell_error(PersonalDataError, row, name, personal_data_message(kinds)))
        return found


def personal_data_message(kinds: list[str]) -> str:
    """The Swedish message for personal data found in a free-text field (naming kinds, never values)."""
    named = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " och " + kinds[-1]
    return (f"Texten verkar innehålla {named}. Ta bort uppgiften: skriv aldrig personnummer, "
            "samordningsnummer, e-postadresser, telefonnummer eller annat som kan peka ut ett barn.")


def build_checks(form: Form, register_codes: frozenset, today: dt.date | None = None) -> list[frictionless.Check]:
    """The checks a form's schema declares: register, school year, lists, one-of, rules, free text."""
    today = today or dt.date.today()
    checks: list[frictionless.Check] = []
    if form.has(SCHOOL):
        checks.append(SchoolInRegister(codes=register_codes))
    if form.year is not None and not form.year.from_date:
        checks.append(SchoolYearFollows(field_name=form.year.field))
    for field in form.fields:
        spec = schemas.list_spec(field)
        if spec:
            checks.append(ListValues(field_name=field.name, values=list(spec["values"])))
    if len(form.one_of) == 2:
        checks.append(ExactlyOneOf(field_names=list(form.one_of)))
    checks.extend(_rule_check(rule, today) for rule in form.rules)
    if form.free_text:
        checks.append(NoPersonalData(field_names=list(form.free_text), today=today))
    return checks

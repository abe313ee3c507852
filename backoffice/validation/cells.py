"""Cells on their way to Frictionless: normalised text (trimmed, choices and lists as the schema writes
them), pre-parsed where that is exact, and remembered where values repeat.

Speed lives here: choice and list columns repeat a few values over and over, so most cells are a
lookup in a dict (which runs in C), and Frictionless reads each distinct valid value only once.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Callable

import frictionless

from backoffice.forms import schema as schemas
from backoffice.forms.schema import Form
from backoffice.validation import sources

# How many distinct values a column remembers; past it, values are converted each time.
MEMO_LIMIT = 20_000


class Memo(dict):
    """A dict that computes and remembers a cell's converted value: lookups of known values run in C."""

    def __init__(self, convert: Callable[[Any], Any]):
        super().__init__()
        self.convert = convert

    def __missing__(self, key):
        value = self.convert(key)
        if len(self) < MEMO_LIMIT:
            self[key] = value
        return value


def normalise_text(f: frictionless.Field) -> Callable[[str], str]:
    """A function from a cell's text to its normalised text: trimmed, choices and lists as written in the schema."""
    spec = schemas.list_spec(f)
    enum = f.constraints.get("enum") if f.type == "string" else None
    if spec:
        canonical = {str(v).casefold(): str(v) for v in spec["values"]}
        return lambda value: ", ".join(canonical.get(p.casefold(), p) for p in schemas.split_list(value))
    if enum:
        canonical = {str(v).casefold(): str(v) for v in enum}
        return lambda value: canonical.get(value.strip().casefold(), value.strip())
    return str.strip


def _typed_date(value: str):
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def to_frictionless(f: frictionless.Field) -> Callable[[str], Any] | None:
    """A function from normalised text to what Frictionless gets: exact ints and ISO dates pre-parsed.

    Frictionless still checks them (constraints, required); anything unusual stays text so that
    Frictionless reports the type error in its usual way.
    """
    if f.type == "integer":
        return lambda value: int(value) if value.isascii() and value.isdigit() else value
    if f.type == "date" and f.format == "default":
        return _typed_date
    return None


def _spreadsheet_cell(f: frictionless.Field, normalise, typed) -> Callable[[Any], Any]:
    """For a cell as a spreadsheet stores it (numbers, dates, booleans): its text, then as for text."""
    keep = typed or (lambda v: v)
    if f.type == "date":
        # A date cell holding a time of day (=NOW(), a pasted timestamp) is that day: Excel often
        # shows only the date, and the form asks for nothing finer.
        return lambda value: keep(normalise(sources.cell_text(
            value.date() if isinstance(value, dt.datetime) else value)))
    return lambda value: keep(normalise(sources.cell_text(value)))


def converter(f: frictionless.Field, text_cells: bool) -> Callable[[Any], Any]:
    """One callable per field from a raw cell to its value for Frictionless (C-level for most cells)."""
    normalise = normalise_text(f)
    typed = to_frictionless(f)
    if not text_cells:
        return _spreadsheet_cell(f, normalise, typed)
    if normalise is str.strip and typed is None and f.type == "string" and not f.constraints.get("enum"):
        return str.strip  # Free text: too varied to remember.
    step = (lambda value: typed(normalise(value))) if typed else normalise
    return Memo(step).__getitem__


def blank(_value: Any) -> str:
    """The converter of a field whose column is missing: every cell reads as empty."""
    return ""


def as_text(value: Any) -> str:
    """The normalised text of a value given to Frictionless (ints and dates back to text)."""
    return value if isinstance(value, str) else str(value)


def record_cells(record: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """A web-form record as a row of cells in the form's field order (a missing field is empty)."""
    return [value if isinstance(value, str) else sources.cell_text(value)
            for value in (record.get(name) for name in names)]


_MEMO_CLASSES: dict[type, type] = {}


def _memo_field_class(cls: type) -> type:
    """A subclass of a Frictionless field class whose cell reader remembers valid cells it has read.

    Frictionless' reader (type cast plus every constraint) runs once per distinct value; a value
    that failed is never remembered, so every bad cell still gets its own error. Frictionless
    changes the notes it gets back, which is why only results without notes are shared.
    """
    if cls not in _MEMO_CLASSES:
        class MemoField(cls):
            @classmethod
            def metadata_select_class(klass, type=None):  # keep this class when copied
                return klass

            def create_cell_reader(self):
                read = super().create_cell_reader()

                class Seen(dict):
                    def __missing__(self, cell):
                        result = read(cell)
                        if result[1] is None and len(self) < MEMO_LIMIT:
                            self[cell] = result
                        return result

                return Seen().__getitem__

        MemoField.__name__ = MemoField.__qualname__ = "Memo" + cls.__name__
        _MEMO_CLASSES[cls] = MemoField
    return _MEMO_CLASSES[cls]


@lru_cache(maxsize=64)
def validation_schema(form: Form, missing: frozenset = frozenset()) -> frictionless.Schema:
    """A copy of the form's schema whose fields (except free text, where values rarely repeat) read
    through a memo. Built once per form (a schema edited on disk is a new Form); only ever read.

    The fields in `missing` have no column: their constraints are dropped, so that their empty
    cells cost no error object per row (the missing column is reported once, by the header).
    """
    copy = frictionless.Schema.from_descriptor(form.schema.to_descriptor())
    for f in copy.fields:
        if f.name in missing:
            f.constraints = {}
    copy.fields = [
        f if f.name in form.free_text else _memo_field_class(type(f)).from_descriptor(f.to_descriptor())
        for f in copy.fields
    ]
    return copy

"""A posted form as the row it describes: typed answers plus what the signed link binds.

The link alone decides the bound fields (`Form.bound_fields`: the school, the organisation, the
school year); a post that names other values is refused, never corrected. The row is then checked
with the same checks and messages as batch validation.
"""
from __future__ import annotations

from backoffice.errors import SipError
from backoffice.forms import schema as schemas
from backoffice.forms.schema import Form
from backoffice.forms.webform import Binding, FieldError
from backoffice.intake.links import LinkError
from backoffice.validation.table import validate_records

# No answer in any form is longer than 2000 characters; far longer means a misuse, not a typo.
HARD_FIELD_LIMIT = 8000


class FieldTooLong(SipError):
    """A posted value far beyond any field's limit (answered with the "too much text" page)."""

    def __init__(self, field: str):
        self.field = field
        super().__init__(f"Svaret i fältet {field} är mycket längre än blanketten tillåter. Inget har sparats.")


def record_from_post(form: Form, post, binding: Binding) -> dict:
    """The row a post (a werkzeug MultiDict) describes; LinkError or FieldTooLong when it cannot be one."""
    record = {}
    for field in form.fields:
        name = field.name
        if name in form.bound_fields:
            sent = post.get(name)
            bound = binding.bound_value(name)
            # Only the link decides the school; a post naming another one is refused, not fixed.
            if sent is not None and sent.strip() != bound:
                raise LinkError("fel_skola")
            record[name] = bound
            continue
        values = post.getlist(name)
        if any(len(v) > HARD_FIELD_LIMIT for v in values):
            raise FieldTooLong(name)
        if schemas.list_spec(field):
            record[name] = ", ".join(v.strip() for v in values if v.strip())
        else:
            value = values[0] if values else ""
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            widget = schemas.ui_hints(field).get("widget")
            record[name] = value if widget == "textarea" else value.strip()
    return record


def problems(form: Form, record: dict, register: dict) -> list[FieldError]:
    """What batch validation says about the row, as messages for the form's fields."""
    return [FieldError(p.field, p.message) for p in validate_records(form, [record], register=register)]

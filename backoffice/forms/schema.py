"""The forms as Frictionless Table Schemas: find, load and describe `forms/<id>.schema.yaml`."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import frictionless
import yaml

from backoffice.config import FORMS_DIR

SUFFIX = ".schema.yaml"
# The one namespaced key per field holding web-form hints, and the schema-level form description.
UI_KEY = "sip:ui"
FORM_KEY = "sip:form"
# A multi-valued text field: allowed values and the separator they are written with.
LIST_KEY = "sip:list"
# Yes/no answers are written ja/nej in any case; they are stored lowercase.
YES, NO = "ja", "nej"


class UnknownFormError(LookupError):
    """A form id with no schema in forms/; the message is Swedish and lists the known forms."""

    def __init__(self, form_id: str, known: list[str]):
        self.form_id = form_id
        self.known = known
        super().__init__(
            f"Det finns ingen blankett som heter ”{form_id}”. "
            f"Välj en av: {', '.join(known) or '(inga blanketter hittades)'}."
        )


def form_ids(forms_dir: Path = FORMS_DIR) -> list[str]:
    """The ids of all forms, sorted: the file names in forms/ without `.schema.yaml`."""
    return sorted(p.name[: -len(SUFFIX)] for p in Path(forms_dir).glob("*" + SUFFIX))


def label_key(label) -> str:
    """A header label as it is compared with field names and titles: case and spacing ignored."""
    return " ".join(str(label or "").split()).casefold()


def guess_form(labels: list[str], forms_dir: Path = FORMS_DIR) -> str | None:
    """The form whose field names best match a header row (ignoring case and spaces), or None.

    The score is the overlap of header and fields over their union; below one half no form is named,
    so a header with a few typos still points at its form but an unrelated table points at none.
    """
    names = {label_key(label) for label in labels} - {""}
    best, best_score = None, 0.0
    for form_id in form_ids(forms_dir):
        wanted = {f["name"].casefold() for f in _descriptor(schema_path(form_id, forms_dir))["fields"]}
        score = len(names & wanted) / max(len(wanted | names), 1)
        if score > best_score:
            best, best_score = form_id, score
    return best if best_score >= 0.5 else None


def schema_path(form_id: str, forms_dir: Path = FORMS_DIR) -> Path:
    """The schema file of a form; raises UnknownFormError when there is none."""
    known = form_ids(forms_dir)
    if form_id not in known:
        raise UnknownFormError(form_id, known)
    return Path(forms_dir) / (form_id + SUFFIX)


@lru_cache(maxsize=None)
def _descriptor(path: Path) -> dict:
    # Cached: the web form, intake and validation all read the same few files many times.
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_descriptor(form_id: str, forms_dir: Path = FORMS_DIR) -> dict:
    """The schema of a form as a plain dict (a fresh copy the caller may change)."""
    import copy

    return copy.deepcopy(_descriptor(schema_path(form_id, forms_dir)))


def load_schema(form_id: str, forms_dir: Path = FORMS_DIR) -> frictionless.Schema:
    """The form's Frictionless Schema; custom keys are on `schema.custom` and `field.custom`."""
    return frictionless.Schema.from_descriptor(load_descriptor(form_id, forms_dir))


def form_info(form_id: str, forms_dir: Path = FORMS_DIR) -> dict:
    """The schema-level `sip:form` mapping: title, intro, key, free_text."""
    return dict(load_descriptor(form_id, forms_dir).get(FORM_KEY) or {})


def form_title(form_id: str, forms_dir: Path = FORMS_DIR) -> str:
    """The form's Swedish title."""
    descriptor = load_descriptor(form_id, forms_dir)
    return (descriptor.get(FORM_KEY) or {}).get("title") or descriptor.get("title") or form_id


def form_key(form_id: str, forms_dir: Path = FORMS_DIR) -> list[str]:
    """The fields identifying one submission (for versioning); empty: every row is its own report."""
    return list(form_info(form_id, forms_dir).get("key") or [])


def free_text_fields(form_id: str, forms_dir: Path = FORMS_DIR) -> list[str]:
    """The free-text fields that the personal-data guard checks."""
    return list(form_info(form_id, forms_dir).get("free_text") or [])


def ui_hints(field: frictionless.Field) -> dict:
    """A field's `sip:ui` mapping (widget, group, hint, show_if, placeholder); empty if none."""
    return dict(field.custom.get(UI_KEY) or {})


def list_spec(field: frictionless.Field) -> dict | None:
    """A multi-valued field's `sip:list` mapping (separator, values), or None for a plain field."""
    spec = field.custom.get(LIST_KEY)
    return dict(spec) if spec else None


def split_list(value: str) -> list[str]:
    """Split a multi-valued cell; both `,` and `;` are accepted as separators, blanks dropped."""
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]

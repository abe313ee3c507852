"""The forms as data: `forms/<id>.schema.yaml` read once into a `Form` that says all that sets it apart.

Each schema is a Frictionless Table Schema. Its `sip:form` mapping declares what code must never
decide by a form's id: the key of an answer, where a row's school year comes from, whether the form
is anonymous, how its links are made, what its receipt hands out, its free text and cross-field
rules. Every key has a default, so a schema that only lists fields is a working form.

    sip:form:
      title: …                 # the form's Swedish title (else the schema's title, else its id)
      intro: …                 # a sentence above the form
      key: [skolenhetskod, lasar]   # one answer per key, resubmitted as new versions; [] = one row per event
      year: lasar              # or {from_date: datum}; default: `lasar` if the form has it, else its first date field
      anonymous: false         # true: no receipt page, the store keeps only the day an answer came
      link: school             # school: a link per school and school year; meeting: a survey link for one meeting
      answers_per_link: 4      # meeting links: answers one link takes (default 4)
      link_valid_days: 120     # default validity of the form's links (meeting links: 60)
      receipt_link: delaktighet   # the receipt offers a meeting link to this form
      again: Rapportera ett till möte   # the receipt's link for another row (forms without a key)
      free_text: [behov]       # fields the personal-data guard reads
      one_of: [skolenhetskod, organisation]   # exactly one is filled in
      layout: enkat            # the child-friendly survey layout
      audience: svarande       # the field whose answer chooses the wording (sip:ui title_by)
      rules: […]               # cross-field rules, see backoffice.forms.rules
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import frictionless
import yaml

from backoffice import config
from backoffice.errors import SipError
from backoffice.forms.editions import adapt, edition_forms
from backoffice.forms.rules import Rule, parse_rules

SUFFIX = ".schema.yaml"
# The one namespaced key per field holding web-form hints, and the schema-level form description.
UI_KEY = "sip:ui"
FORM_KEY = "sip:form"
# A multi-valued text field: allowed values and the separator they are written with.
LIST_KEY = "sip:list"
# Yes/no answers are written ja/nej in any case; they are stored lowercase.
YES, NO = "ja", "nej"
# The names the data contract gives the school, the school year and an organisation outside school.
SCHOOL = "skolenhetskod"
SCHOOL_YEAR = "lasar"
ORGANISATION = "organisation"
LINK_KINDS = ("school", "meeting")
DEFAULT_LINK_DAYS = {"school": 120, "meeting": 60}
DEFAULT_ANSWERS_PER_LINK = 4


class UnknownFormError(SipError, LookupError):
    """A form id with no schema in forms/; the message is Swedish and lists the known forms."""

    def __init__(self, form_id: str, known: list[str]):
        self.form_id = form_id
        self.known = known
        super().__init__(
            f"Det finns ingen blankett som heter ”{form_id}”. "
            f"Välj en av: {', '.join(known) or '(inga blanketter hittades)'}."
        )


class FormDefinitionError(SipError):
    """A schema whose `sip:form` cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class YearRule:
    """Where a row's school year comes from: a field holding it, or the school year of a date field."""

    field: str
    from_date: bool = False

    def of(self, row: Mapping[str, Any]) -> str | None:
        """The school year of a row (store text), or None when it has none."""
        from backoffice import schoolyear

        value = str(row.get(self.field) or "").strip()
        if self.from_date:
            return schoolyear.of_date_text(value)
        return value or None


@dataclass(frozen=True, eq=False)
class Form:
    """One form: its schema and every trait declared in `sip:form` (defaults filled in)."""

    id: str
    path: Path
    descriptor: dict = field(repr=False)
    title: str = ""
    intro: str = ""
    key: tuple[str, ...] = ()
    year: YearRule | None = None
    anonymous: bool = False
    link: str = "school"
    answers_per_link: int = DEFAULT_ANSWERS_PER_LINK
    link_valid_days: int = 120
    receipt_link: str | None = None
    again: str = ""
    free_text: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    layout: str = ""
    audience: str | None = None
    rules: tuple[Rule, ...] = ()

    @cached_property
    def schema(self) -> frictionless.Schema:
        """The Frictionless Schema (built once: it costs milliseconds). Treat it as read-only."""
        return frictionless.Schema.from_descriptor(copy.deepcopy(self.descriptor))

    @property
    def fields(self) -> list[frictionless.Field]:
        return list(self.schema.fields)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f["name"] for f in self.descriptor["fields"])

    def field(self, name: str) -> frictionless.Field | None:
        """The field called `name`, or None."""
        return next((f for f in self.schema.fields if f.name == name), None)

    def has(self, name: str) -> bool:
        return name in self.field_names

    def enum(self, name: str) -> list[str]:
        """A field's allowed values as text (empty when it has none or does not exist)."""
        for f in self.descriptor["fields"]:
            if f["name"] == name:
                return [str(v) for v in (f.get("constraints") or {}).get("enum") or []]
        return []

    @property
    def keyed(self) -> bool:
        """True when a new answer for the same key is a new version of one answer."""
        return bool(self.key)

    @property
    def meeting_link(self) -> bool:
        """True when the form is answered only through a meeting's survey link."""
        return self.link == "meeting"

    @property
    def organisations(self) -> list[str]:
        """The organisations outside school the form takes rows from (empty for school-only forms)."""
        return self.enum(ORGANISATION)

    @property
    def bound_fields(self) -> tuple[str, ...]:
        """The fields a signed link fills in: never typed by the sender."""
        names = [SCHOOL, ORGANISATION]
        if self.year is not None and not self.year.from_date:
            names.append(self.year.field)
        return tuple(n for n in names if self.has(n))

    def year_of(self, row: Mapping[str, Any]) -> str | None:
        """The school year a row counts in (None for a form without one)."""
        return self.year.of(row) if self.year else None

    def ui(self, name: str) -> dict:
        """A field's `sip:ui` hints (empty when none)."""
        for f in self.descriptor["fields"]:
            if f["name"] == name:
                return dict(f.get(UI_KEY) or {})
        return {}


# ---------------------------------------------------------------- reading the files

_CACHE: dict[tuple, Form] = {}
_LISTINGS: dict[Path, tuple[int, list[str]]] = {}


def _schema_files(folder: Path) -> list[str]:
    """The form ids in a folder, listed again only when a file is added or removed (its mtime changes)."""
    try:
        stamp = folder.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    cached = _LISTINGS.get(folder)
    if cached is None or cached[0] != stamp:
        cached = _LISTINGS[folder] = (stamp, sorted(p.name[: -len(SUFFIX)] for p in folder.glob("*" + SUFFIX)))
    return list(cached[1])


def form_ids(forms_dir: Path | None = None) -> list[str]:
    """The ids of the edition's forms, sorted: schema files in the forms folder without `.schema.yaml`.

    The folder is forms/ in the repository, or $SIP_FORMS (read at each call, so a test or an
    installation can point every part of the back office at another set of forms). An edition
    that lists its forms (backoffice.forms.editions) sees only those."""
    found = _schema_files(Path(forms_dir or config.forms_dir()))
    _, settings = edition_forms()
    return found if settings is None else [f for f in found if f in settings]


def schema_path(form_id: str, forms_dir: Path | None = None) -> Path:
    """The schema file of a form; raises UnknownFormError when there is none."""
    known = form_ids(forms_dir)
    if form_id not in known:
        raise UnknownFormError(str(form_id), known)
    return Path(forms_dir or config.forms_dir()) / (form_id + SUFFIX)


def load_form(form_id: str, forms_dir: Path | None = None) -> Form:
    """The form with this id (read again only when its file changes); UnknownFormError if none."""
    # Called several times per request: one look at the edition, the folder and the file each.
    folder = Path(forms_dir or config.forms_dir())
    edition, settings = edition_forms()
    if form_id not in _schema_files(folder) or (settings is not None and form_id not in settings):
        raise UnknownFormError(str(form_id), form_ids(forms_dir))
    path = folder / (form_id + SUFFIX)
    own = (settings or {}).get(form_id) or {}
    # Read again when the file changes, and per edition (its settings are part of the form).
    key = (path, path.stat().st_mtime_ns, edition, repr(own))
    if key not in _CACHE:
        _CACHE[key] = _read_form(form_id, path, own, edition)
    return _CACHE[key]


def as_form(form: "Form | str") -> Form:
    """A Form as given, or the form with that id (library functions take either)."""
    return form if isinstance(form, Form) else load_form(form)


def all_forms(forms_dir: Path | None = None) -> list[Form]:
    """Every form, sorted by id."""
    return [load_form(form_id, forms_dir) for form_id in form_ids(forms_dir)]


def _read_form(form_id: str, path: Path, settings: dict | None = None, edition: str = "") -> Form:
    try:
        with open(path, encoding="utf-8") as handle:
            descriptor = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise FormDefinitionError(f"{path.name}: filen är inte giltig YAML ({error}).") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        raise FormDefinitionError(f"{path.name}: schemat saknar listan fields.")
    descriptor = adapt(descriptor, settings, f"Utgåvan {edition}, forms.{form_id}")
    info = dict(descriptor.get(FORM_KEY) or {})
    names = [f.get("name") for f in descriptor["fields"]]
    where = f"{path.name}, {FORM_KEY}"

    def known(key: str, values) -> tuple[str, ...]:
        values = tuple(values or ())
        unknown = [v for v in values if v not in names]
        if unknown:
            raise FormDefinitionError(f"{where}.{key}: fältet {', '.join(map(str, unknown))} finns inte i schemat.")
        return values

    link = info.get("link", "school")
    if link not in LINK_KINDS:
        raise FormDefinitionError(f"{where}.link ska vara {' eller '.join(LINK_KINDS)}, inte {link!r}.")
    return Form(
        id=form_id,
        path=path,
        descriptor=descriptor,
        title=str(info.get("title") or descriptor.get("title") or form_id),
        intro=str(info.get("intro") or ""),
        key=known("key", info.get("key")),
        year=_year_rule(info.get("year"), descriptor["fields"], where),
        anonymous=bool(info.get("anonymous", False)),
        link=link,
        answers_per_link=int(info.get("answers_per_link", DEFAULT_ANSWERS_PER_LINK)),
        link_valid_days=int(info.get("link_valid_days", DEFAULT_LINK_DAYS[link])),
        receipt_link=info.get("receipt_link") or None,
        again=str(info.get("again") or "Skicka in en till"),
        free_text=known("free_text", info.get("free_text")),
        one_of=known("one_of", info.get("one_of")),
        layout=str(info.get("layout") or ""),
        audience=(known("audience", [info["audience"]])[0] if info.get("audience") else None),
        rules=parse_rules(info.get("rules") or [], names, where),
    )


def _year_rule(declared, fields: list[dict], where: str) -> YearRule | None:
    types = {f.get("name"): f.get("type", "string") for f in fields}
    if declared is None:
        # The default: a school-year field, else the first date (a deviation's or a meeting's day).
        if SCHOOL_YEAR in types:
            return YearRule(SCHOOL_YEAR)
        first_date = next((name for name, kind in types.items() if kind == "date"), None)
        return YearRule(first_date, from_date=True) if first_date else None
    if declared is False:
        return None
    if isinstance(declared, str) and declared in types:
        return YearRule(declared)
    if isinstance(declared, dict) and types.get(declared.get("from_date")) == "date":
        return YearRule(declared["from_date"], from_date=True)
    raise FormDefinitionError(f"{where}.year ska vara ett fält med läsåret eller {{from_date: ett datumfält}}, "
                              f"inte {declared!r}.")


# ---------------------------------------------------------------- fields and headers

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


def label_key(label) -> str:
    """A header label as it is compared with field names and titles: case and spacing ignored."""
    return " ".join(str(label or "").split()).casefold()


def guess_form(labels: list[str], forms_dir: Path | None = None) -> str | None:
    """The form whose field names best match a header row (ignoring case and spaces), or None.

    The score is the overlap of header and fields over their union; below one half no form is named,
    so a header with a few typos still points at its form but an unrelated table points at none.
    """
    names = {label_key(label) for label in labels} - {""}
    best, best_score = None, 0.0
    for form in all_forms(forms_dir):
        wanted = {name.casefold() for name in form.field_names}
        score = len(names & wanted) / max(len(wanted | names), 1)
        if score > best_score:
            best, best_score = form.id, score
    return best if best_score >= 0.5 else None

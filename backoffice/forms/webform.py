"""Render a form from its schema as accessible HTML: for the page at build time and for the intake service.

One function, `render_form`, is used by the site macro (an unbound preview of the form) and by the
server (the form bound to one school's link, re-rendered with the values entered and the errors
found). The markup follows the GOV.UK / Designsystemet patterns: fieldset and legend per group, a
label and hint per question, an error summary at the top (role=alert, focused on load) linking to
each field, and `aria-describedby` tying hints and errors to their inputs. Everything works
without JavaScript; `forms.js` only adds the character counter and hides the conditional field.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from html import escape

from backoffice.forms import schema as schemas
from backoffice.forms.schema import ORGANISATION, SCHOOL, SCHOOL_YEAR, Form
# The page markers belong to the page shell; the site's macro reads them from here.
from backoffice.intake.shell import END, START  # noqa: F401 - re-exported
from backoffice.intake.links import TOKEN_PARAM

_YES_NO_LABELS = {"ja": "Ja", "nej": "Nej", "pågår": "Pågår"}


@dataclass
class Binding:
    """What a signed link fixes for one form: the school (or organisation) and the school year."""

    skolenhetskod: str
    skolnamn: str
    lasar: str
    organisation: str = ""
    # Meeting links: the meeting's date (shown, never stored: answers keep only the school year).
    datum: str = ""
    # The form's field holding the school year the link gives.
    year_field: str = SCHOOL_YEAR

    def bound_value(self, name: str) -> str:
        """The value the link gives a bound field (see `Form.bound_fields`)."""
        return {SCHOOL: self.skolenhetskod, ORGANISATION: self.organisation,
                self.year_field: self.lasar}.get(name, "")


@dataclass
class FieldError:
    """One message to show at a field (or, with field None, only in the summary)."""

    field: str | None
    message: str


@dataclass
class FormState:
    """Everything that varies between renderings of the same form."""

    values: dict = dc_field(default_factory=dict)
    errors: list = dc_field(default_factory=list)
    binding: Binding | None = None
    token: str = ""
    csrf: str = ""
    action: str = ""
    # The coordinator's correction adds its own field (the reason) and button text.
    extra_html: str = ""
    button: str = ""


def _attr(name: str, value) -> str:
    return f' {name}="{escape(str(value), quote=True)}"'


def field_id(name: str) -> str:
    """The id of a field's (first) input, the target of the error summary's links."""
    return f"f-{name}"


def _first_input_id(name: str, widget: str) -> str:
    return f"f-{name}-0" if widget in ("radio", "checkboxes") else field_id(name)


def _widget(field) -> str:
    ui = schemas.ui_hints(field)
    if ui.get("widget"):
        return ui["widget"]
    if field.type == "integer":
        return "number"
    if field.type == "date":
        return "date"
    return "radio" if field.constraints.get("enum") else "text"


def _options(field) -> list[str]:
    spec = schemas.list_spec(field)
    if spec:
        return list(spec.get("values") or [])
    return [str(v) for v in field.constraints.get("enum") or []]


def _option_label(value: str, field=None) -> str:
    labels = schemas.ui_hints(field).get("labels") or {} if field is not None else {}
    for key, label in labels.items():
        if str(key) == value:
            # A scale's number stays visible beside its words (1 Nej, inte alls … 5 Ja, helt).
            return f"{value} {label}" if field.type == "integer" else str(label)
    return _YES_NO_LABELS.get(value, value[:1].upper() + value[1:])


def _survey(form: Form) -> bool:
    """The child-friendly layout: big answer targets, one statement at a time on a small screen."""
    return form.layout == "enkat"


def _is_required(field) -> bool:
    return bool(field.constraints.get("required"))


def _title_html(field) -> str:
    """The question; where the wording depends on who answers, every wording with a data-for.

    The survey's stylesheet shows the wording that matches the chosen answer to "Vem svarar?"
    (CSS :has, no JavaScript); the default wording is shown until another is chosen.
    """
    title = escape(field.title or field.name)
    others = schemas.ui_hints(field).get("title_by") or {}
    if not others:
        return title
    spans = [f'<span class="sip-for sip-for--standard">{title}</span>']
    for audience, text in others.items():
        spans.append(f'<span class="sip-for"{_attr("data-for", audience)}>{escape(str(text))}</span>')
    return "".join(spans)


def _label_text(field, survey: bool = False) -> str:
    text = _title_html(field)
    if survey:
        # The survey asks every statement; only the optional comment says so (in plain words).
        return text if _is_required(field) else f'{text} <span class="sip-optional">(om du vill)</span>'
    if _is_required(field):
        return f'{text} <span class="sip-required">(obligatorisk)</span>'
    return f'{text} <span class="sip-optional">(frivillig)</span>'


def _selected_values(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return schemas.split_list(str(value or ""))


def _field_html(field, state: FormState, form: Form, position: str = "") -> str:
    name, widget, ui = field.name, _widget(field), schemas.ui_hints(field)
    survey = _survey(form)
    fid = field_id(name)
    messages = [e.message for e in state.errors if e.field == name]
    value = state.values.get(name, "")
    described = []
    hint = ui.get("hint") or ""
    show_if = ui.get("show_if") or {}
    if show_if:
        (control, wanted), = list(show_if.items())[:1]
        # Without JavaScript the field stays visible, so the hint says when to answer it.
        hint = (hint + " " if hint else "") + f"Svara bara om du har svarat {wanted} på frågan ovan."
    parts = []
    if hint:
        parts.append(f'<p class="sip-hint" id="{fid}-hint">{escape(hint)}</p>')
        described.append(f"{fid}-hint")
    if messages:
        text = " ".join(escape(m) for m in messages)
        parts.append(f'<p class="sip-error-message" id="{fid}-error">'
                     f'<span class="sip-visually-hidden">Fel: </span>{text}</p>')
        described.append(f"{fid}-error")
    invalid = ' aria-invalid="true"' if messages else ""
    describedby = _attr("aria-describedby", " ".join(described)) if described else ""
    required = ' aria-required="true"' if _is_required(field) else ""
    wrapper_attrs = f' class="sip-field{" sip-field--error" if messages else ""}" id="falt-{name}"'
    if show_if:
        (control, wanted), = list(show_if.items())[:1]
        wrapper_attrs += _attr("data-show-if", control) + _attr("data-show-value", wanted)

    if widget in ("radio", "checkboxes"):
        legend = _label_text(field, survey)
        if position:
            legend = f'<span class="sip-step">{escape(position)}</span> {legend}'
        css, choices = _choices_html(field, widget, value, survey)
        return (f'<div{wrapper_attrs}><fieldset class="{css}"{describedby}>'
                f'<legend class="sip-label">{legend}</legend>{"".join(parts)}{choices}</fieldset></div>')
    label = f'<label class="sip-label" for="{fid}">{_label_text(field, survey)}</label>'
    common = f'id="{fid}"{_attr("name", name)}{describedby}{invalid}{required}'
    return f"<div{wrapper_attrs}>{label}{''.join(parts)}{_control_html(field, widget, common, value)}</div>"


def _choices_html(field, widget: str, value, survey: bool) -> tuple[str, str]:
    """A radio or checkbox group: the class of its fieldset, and its choices."""
    name = field.name
    kind = "radio" if widget == "radio" else "checkbox"
    chosen = _selected_values(value) if kind == "checkbox" else [str(value)]
    items = []
    for i, option in enumerate(_options(field)):
        checked = " checked" if option in chosen else ""
        items.append(
            f'<div class="sip-choice"><input type="{kind}" id="f-{name}-{i}"{_attr("name", name)}'
            f'{_attr("value", option)}{checked}> '
            f'<label for="f-{name}-{i}">{escape(_option_label(option, field))}</label></div>'
        )
    inline = len(items) <= 3 and kind == "radio" and not survey
    scale = " sip-question--scale" if survey and field.type == "integer" else ""
    css = f'sip-question{" sip-question--inline" if inline else ""}{scale}'
    return css, f'<div class="sip-choices">{"".join(items)}</div>'


def _control_html(field, widget: str, common: str, value) -> str:
    """The one control of a field that is not a choice group (`common`: its id, name and aria attributes)."""
    if widget == "select":
        options = ['<option value="">Välj ett alternativ</option>']
        for option in _options(field):
            selected = " selected" if option == value else ""
            options.append(f'<option{_attr("value", option)}{selected}>{escape(option)}</option>')
        return f'<select {common}>{"".join(options)}</select>'
    limit = field.constraints.get("maxLength")
    if widget == "textarea":
        if not limit:
            return f'<textarea {common} rows="6">{escape(str(value))}</textarea>'
        # The server-rendered text is right without JavaScript; forms.js keeps it live.
        return (f'<textarea {common} rows="6"{_attr("maxlength", limit)}{_attr("data-counter", limit)}>'
                f"{escape(str(value))}</textarea>"
                f'<p class="sip-counter" id="{field_id(field.name)}-counter" aria-live="polite">'
                f"Högst {limit} tecken. Du har {limit - len(str(value))} tecken kvar.</p>")
    if widget == "number":
        # A text input with the numeric keyboard, not type=number: a browser sends an empty value
        # for what a number input cannot parse ("1e"), and the person would be told it is missing.
        return (f'<input type="text" {common} inputmode="numeric" autocomplete="off" spellcheck="false" '
                f'class="sip-input sip-input--short"{_attr("value", value)}>')
    if widget == "date":
        return f'<input type="date" {common} class="sip-input sip-input--short"{_attr("value", value)}>'
    placeholder = schemas.ui_hints(field).get("placeholder")
    extra = _attr("placeholder", placeholder) if placeholder else ""
    extra += _attr("maxlength", limit) if limit else ""
    return f'<input type="text" {common} class="sip-input"{extra}{_attr("value", value)}>'


def _error_summary(form: Form, errors: list[FieldError]) -> str:
    if not errors:
        return ""
    items = []
    for error in errors:
        field = form.field(error.field) if error.field else None
        if field is not None and error.field not in form.bound_fields:
            target = _first_input_id(field.name, _widget(field))
            title = field.title or field.name
            # Out of context a message needs its question, unless it already names it.
            joiner = " " if title.endswith(("?", ".", ":")) else ": "
            lead = "" if title in error.message else escape(title) + joiner
            items.append(f'<li><a href="#{target}">{lead}{escape(error.message)}</a></li>')
        else:
            items.append(f"<li>{escape(error.message)}</li>")
    # autofocus moves focus here without JavaScript too; role=alert makes readers announce it.
    return (
        '<div class="sip-error-summary" role="alert" aria-labelledby="sip-error-summary-title" '
        'tabindex="-1" autofocus>'
        '<h2 id="sip-error-summary-title">Det finns fel i formuläret</h2>'
        "<p>Rätta uppgifterna nedan och skicka igen. Inget har sparats ännu.</p>"
        f'<ul class="sip-error-summary__list">{"".join(items)}</ul></div>'
    )


def _binding_html(form: Form, binding: Binding | None) -> str:
    has_year = form.year is not None and form.year.field in form.bound_fields
    if binding is None and form.meeting_link:
        return ('<div class="sip-binding sip-binding--preview"><p><strong>Du behöver en länk för att '
                "svara.</strong> Du får länken av den som kallade till mötet. Här kan du se frågorna.</p></div>")
    if binding is None:
        return (
            '<div class="sip-binding sip-binding--preview">'
            "<p><strong>Du behöver en personlig länk för att skicka in blanketten.</strong> "
            "Länken kommer från SIP-samordnaren och fyller i skolan"
            f'{" eller verksamheten" if form.organisations else ""}'
            f'{" och läsåret" if has_year else ""} åt dig. Här kan du se frågorna i förväg.</p></div>'
        )
    if binding.organisation:
        rows = [f"<dt>Verksamhet</dt><dd>{escape(binding.skolnamn)}</dd>"]
    else:
        rows = [f"<dt>Skola</dt><dd>{escape(binding.skolnamn)}"
                + ("" if _survey(form) else f" (skolenhetskod {escape(binding.skolenhetskod)})") + "</dd>"]
    if binding.datum:
        rows.append(f"<dt>Mötet</dt><dd>{escape(binding.datum)}</dd>")
    elif has_year:
        rows.append(f"<dt>Läsår</dt><dd>{escape(binding.lasar)}</dd>")
    return f'<div class="sip-binding"><dl>{"".join(rows)}</dl></div>'


def render_form(form_id: str, state: FormState | None = None) -> str:
    """The whole form as HTML, unbound (a preview on the site) or bound to one school's link."""
    state = state or FormState()
    form = schemas.load_form(form_id)
    # One fieldset per group, in the order groups first appear (a group is never split in two).
    groups: dict[str, list] = {}
    for field in form.fields:
        if field.name not in form.bound_fields:
            groups.setdefault(schemas.ui_hints(field).get("group") or "", []).append(field)
    survey = _survey(form)
    body = []
    for legend, fields in groups.items():
        # A survey's run of 1–5 statements pages one at a time on a small screen ("2 av 5").
        paging = survey and len(fields) > 1 and all(f.type == "integer" for f in fields)
        inner = "".join(_field_html(f, state, form, f"{i} av {len(fields)}" if paging else "")
                        for i, f in enumerate(fields, start=1))
        if paging:
            inner = f'<div class="sip-pages">{inner}</div>'
        if legend:
            css = "sip-group sip-group--pages" if paging else "sip-group"
            body.append(f'<fieldset class="{css}"><legend>{escape(legend)}</legend>{inner}</fieldset>')
        else:
            body.append(inner)
    hidden = ""
    if state.token:
        hidden += f'<input type="hidden"{_attr("name", TOKEN_PARAM)}{_attr("value", state.token)}>'
    if state.csrf:
        hidden += f'<input type="hidden" name="csrf"{_attr("value", state.csrf)}>'
    action = _attr("action", state.action) if state.action else ""
    intro = form.intro
    note = ("Välj ett svar på varje fråga. Det finns inga rätt eller fel svar." if survey
            else "Frågor märkta (obligatorisk) måste besvaras.")
    button = state.button or ("Skicka svaren" if survey else "Skicka in")
    return (
        f'<div class="sip-form{" sip-form--enkat" if survey else ""}" id="sip-form-{escape(form_id)}" '
        f'data-form="{escape(form_id)}">'
        + _error_summary(form, state.errors)
        + (f'<p class="sip-intro">{escape(intro)}</p>' if intro else "")
        + _binding_html(form, state.binding)
        + f'<form method="post"{action} novalidate accept-charset="utf-8">'
        + hidden
        + f'<p class="sip-required-note">{note}</p>'
        + "".join(body)
        + state.extra_html
        + f'<p><button type="submit" class="md-button md-button--primary sip-submit">{escape(button)}</button></p>'
        + "</form></div>"
    )

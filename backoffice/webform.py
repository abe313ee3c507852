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

from backoffice import schemas

# Fields whose value comes from the signed link, never from what the sender types.
BOUND_FIELDS = ("skolenhetskod", "lasar")
_YES_NO_LABELS = {"ja": "Ja", "nej": "Nej", "pågår": "Pågår"}


@dataclass
class Binding:
    """What a signed link fixes for one form: the school and the school year."""

    skolenhetskod: str
    skolnamn: str
    lasar: str


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
    return list(field.constraints.get("enum") or [])


def _option_label(value: str) -> str:
    return _YES_NO_LABELS.get(value, value[:1].upper() + value[1:])


def _is_required(field) -> bool:
    return bool(field.constraints.get("required"))


def _label_text(field) -> str:
    text = escape(field.title or field.name)
    if _is_required(field):
        return f'{text} <span class="sip-required">(obligatorisk)</span>'
    return f'{text} <span class="sip-optional">(frivillig)</span>'


def _selected_values(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return schemas.split_list(str(value or ""))


def _field_html(field, state: FormState, form_id: str) -> str:
    name, widget, ui = field.name, _widget(field), schemas.ui_hints(field)
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
        kind = "radio" if widget == "radio" else "checkbox"
        chosen = _selected_values(value) if kind == "checkbox" else [str(value)]
        items = []
        for i, option in enumerate(_options(field)):
            checked = " checked" if option in chosen else ""
            items.append(
                f'<div class="sip-choice"><input type="{kind}" id="f-{name}-{i}"{_attr("name", name)}'
                f'{_attr("value", option)}{checked}> '
                f'<label for="f-{name}-{i}">{escape(_option_label(option))}</label></div>'
            )
        return (
            f"<div{wrapper_attrs}>"
            f'<fieldset class="sip-question{" sip-question--inline" if len(items) <= 3 and kind == "radio" else ""}"'
            f"{describedby}>"
            f'<legend class="sip-label">{_label_text(field)}</legend>'
            + "".join(parts)
            + f'<div class="sip-choices">{"".join(items)}</div>'
            "</fieldset></div>"
        )

    label = f'<label class="sip-label" for="{fid}">{_label_text(field)}</label>'
    common = f'id="{fid}"{_attr("name", name)}{describedby}{invalid}{required}'
    if widget == "select":
        options = ['<option value="">Välj ett alternativ</option>']
        for option in _options(field):
            selected = " selected" if option == value else ""
            options.append(f'<option{_attr("value", option)}{selected}>{escape(option)}</option>')
        control_html = f'<select {common}>{"".join(options)}</select>'
    elif widget == "textarea":
        limit = field.constraints.get("maxLength")
        extra = ""
        if limit:
            extra = _attr("maxlength", limit) + _attr("data-counter", limit)
        control_html = f'<textarea {common} rows="6"{extra}>{escape(str(value))}</textarea>'
        if limit:
            # The server-rendered text is right without JavaScript; forms.js keeps it live.
            left = limit - len(str(value))
            control_html += (f'<p class="sip-counter" id="{fid}-counter" aria-live="polite">'
                             f"Högst {limit} tecken. Du har {left} tecken kvar.</p>")
    elif widget == "number":
        minimum = field.constraints.get("minimum")
        extra = _attr("min", minimum) if minimum is not None else ""
        control_html = (f'<input type="number" {common}{extra} step="1" inputmode="numeric" '
                        f'class="sip-input sip-input--short"{_attr("value", value)}>')
    elif widget == "date":
        control_html = f'<input type="date" {common} class="sip-input sip-input--short"{_attr("value", value)}>'
    else:
        placeholder = ui.get("placeholder")
        extra = _attr("placeholder", placeholder) if placeholder else ""
        limit = field.constraints.get("maxLength")
        extra += _attr("maxlength", limit) if limit else ""
        control_html = f'<input type="text" {common} class="sip-input"{extra}{_attr("value", value)}>'
    return f"<div{wrapper_attrs}>{label}{''.join(parts)}{control_html}</div>"


def _error_summary(fields_by_name: dict, errors: list[FieldError]) -> str:
    if not errors:
        return ""
    items = []
    for error in errors:
        field = fields_by_name.get(error.field)
        if field is not None and error.field not in BOUND_FIELDS:
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


def _binding_html(form_id: str, field_names: list[str], binding: Binding | None) -> str:
    has_year = "lasar" in field_names
    if binding is None:
        return (
            '<div class="sip-binding sip-binding--preview">'
            "<p><strong>Du behöver en personlig länk för att skicka in blanketten.</strong> "
            "Länken kommer från SIP-samordnaren och fyller i skolan"
            f'{" och läsåret" if has_year else ""} åt dig. Här kan du se frågorna i förväg.</p></div>'
        )
    rows = [f"<dt>Skola</dt><dd>{escape(binding.skolnamn)} (skolenhetskod {escape(binding.skolenhetskod)})</dd>"]
    if has_year:
        rows.append(f"<dt>Läsår</dt><dd>{escape(binding.lasar)}</dd>")
    return f'<div class="sip-binding"><dl>{"".join(rows)}</dl></div>'


def render_form(form_id: str, state: FormState | None = None) -> str:
    """The whole form as HTML, unbound (a preview on the site) or bound to one school's link."""
    state = state or FormState()
    schema = schemas.load_schema(form_id)
    fields_by_name = {f.name: f for f in schema.fields}
    names = list(fields_by_name)
    info = schemas.form_info(form_id)
    # One fieldset per group, in the order groups first appear (a group is never split in two).
    groups: dict[str, list] = {}
    for field in schema.fields:
        if field.name not in BOUND_FIELDS:
            groups.setdefault(schemas.ui_hints(field).get("group") or "", []).append(field)
    body = []
    for legend, fields in groups.items():
        inner = "".join(_field_html(f, state, form_id) for f in fields)
        if legend:
            body.append(f'<fieldset class="sip-group"><legend>{escape(legend)}</legend>{inner}</fieldset>')
        else:
            body.append(inner)
    hidden = ""
    if state.token:
        hidden += f'<input type="hidden" name="lank"{_attr("value", state.token)}>'
    if state.csrf:
        hidden += f'<input type="hidden" name="csrf"{_attr("value", state.csrf)}>'
    action = _attr("action", state.action) if state.action else ""
    intro = info.get("intro") or ""
    return (
        f'<div class="sip-form" id="sip-form-{escape(form_id)}" data-form="{escape(form_id)}">'
        + _error_summary(fields_by_name, state.errors)
        + (f'<p class="sip-intro">{escape(intro)}</p>' if intro else "")
        + _binding_html(form_id, names, state.binding)
        + f'<form method="post"{action} novalidate accept-charset="utf-8">'
        + hidden
        + '<p class="sip-required-note">Frågor märkta (obligatorisk) måste besvaras.</p>'
        + "".join(body)
        + '<p><button type="submit" class="md-button md-button--primary sip-submit">Skicka in</button></p>'
        + "</form></div>"
    )

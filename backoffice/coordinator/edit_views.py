"""Correct or withdraw an answer from the coordinator's page: always a new version, with a reason.

A correction goes through the same form and the same checks as the school's own answer, prefilled
with the version that counts; a withdrawal only needs its reason. Both are stored by the store as
new versions on the channel `samordnare` (nothing is overwritten) and written to the audit log.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote

from flask import abort, redirect, request

from backoffice.coordinator.console import blueprint, log_action, page
from backoffice.coordinator.session import csrf_code
from backoffice.forms.schema import ORGANISATION, SCHOOL, Form, UnknownFormError, load_form
from backoffice.forms.webform import Binding, FieldError, FormState, render_form

REASON = "orsak"


def _intake():
    from backoffice.intake.service import current_intake

    return current_intake()


def _answer(form_id: str, kvitto: str) -> tuple[Form, dict]:
    """The form and the latest version of the answer a receipt belongs to (404 when there is none)."""
    try:
        form = load_form(form_id)
    except UnknownFormError:
        abort(404)
    if form.id not in _intake().forms or form.anonymous:
        abort(404)
    latest = _intake().store.latest(form.id, kvitto)
    if latest is None:
        abort(404)
    return form, latest


def _binding(form: Form, row: dict) -> Binding:
    """What the answer is bound to, as a school's link would bind it: the school (or organisation) and year."""
    code, organisation = row.get(SCHOOL, ""), row.get(ORGANISATION, "")
    school = _intake().register.get(code)
    name = school.skolnamn if school else (organisation[:1].upper() + organisation[1:] if organisation else code)
    year_field = form.year.field if form.year else ""
    return Binding(code, name, row.get(year_field, "") if form.year and not form.year.from_date else "",
                   organisation=organisation if not code else "", year_field=year_field)


def _reason_field(value: str = "", error: str = "") -> str:
    """The reason's text field, inside the form (guarded like every free text)."""
    described = "orsak-hint" + (" orsak-error" if error else "")
    message = (f'<p class="sip-error-message" id="orsak-error"><span class="sip-visually-hidden">Fel: </span>'
               f"{escape(error)}</p>") if error else ""
    return ('<div class="sip-field' + (" sip-field--error" if error else "") + '" id="falt-orsak">'
            '<label class="sip-label" for="f-orsak">Varför rättas svaret? <span class="sip-required">(obligatorisk)</span></label>'
            '<p class="sip-hint" id="orsak-hint">Orsaken sparas med den nya versionen och i loggen. Skriv aldrig namn, '
            "personnummer eller annat som kan peka ut ett barn.</p>" + message
            + f'<textarea id="f-orsak" name="{REASON}" rows="3" maxlength="1000" aria-describedby="{described}"'
            + (' aria-invalid="true"' if error else "") + f">{escape(value)}</textarea></div>")


def _correction_page(form: Form, latest: dict, values: dict, errors=(), reason: str = "", reason_error: str = "",
                     status: int = 200):
    state = FormState(values=values, errors=list(errors), binding=_binding(form, latest), csrf=csrf_code(),
                      action="", extra_html=_reason_field(reason, reason_error), button="Spara rättelsen")
    return page(f"Rätta svaret {latest['kvitto']}", "ratta.html", status, form=form, latest=latest,
                form_html=render_form(form.id, state))


@blueprint.get("/svar/<form_id>/<kvitto>/ratta")
def correction_form(form_id: str, kvitto: str):
    """The answer in its own form, prefilled with the version that counts (or the withdrawn one's values)."""
    form, latest = _answer(form_id, kvitto)
    return _correction_page(form, latest, dict(latest))


@blueprint.post("/svar/<form_id>/<kvitto>/ratta")
def correct(form_id: str, kvitto: str):
    """Check the corrected answer like the school's own, then store it as a new version."""
    from backoffice.intake.posts import FieldTooLong, problems, record_from_post
    from backoffice.intake.links import LinkError
    from backoffice.store.answers import VersionRefused
    from backoffice.validation.table import normalise_records

    form, latest = _answer(form_id, kvitto)
    reason = request.form.get(REASON, "")
    try:
        record = record_from_post(form, request.form, _binding(form, latest))
    except (LinkError, FieldTooLong) as error:
        return _correction_page(form, latest, dict(latest), [FieldError(None, str(error))], reason, status=422)
    errors = problems(form, record, _intake().register)
    if errors:
        return _correction_page(form, latest, record, errors, reason, status=422)
    (record,) = normalise_records(form.id, [record])
    try:
        receipt = _intake().store.correct(form.id, kvitto, record, reason)
    except VersionRefused as refused:
        return _correction_page(form, latest, record, reason=reason, reason_error=str(refused), status=422)
    log_action("rättade svar", blankett=form.id, kvitto=receipt.kvitto, avser=latest.get("avser") or kvitto,
               skolenhetskod=latest.get(SCHOOL, ""), version=receipt.version, orsak=receipt.row.get(REASON, ""))
    return redirect(_answer_page(form.id, receipt.kvitto, f"Rättelsen är sparad som version {receipt.version}."),
                    code=303)


@blueprint.post("/svar/<form_id>/<kvitto>/aterkalla")
def withdraw(form_id: str, kvitto: str):
    """Withdraw the answer (the school then counts as not answered); the rows stay."""
    from backoffice.store.answers import VersionRefused

    form, latest = _answer(form_id, kvitto)
    try:
        receipt = _intake().store.withdraw(form.id, kvitto, request.form.get(REASON, ""))
    except VersionRefused as refused:
        return redirect(_answer_page(form.id, kvitto, str(refused)), code=303)
    log_action("återkallade svar", blankett=form.id, kvitto=receipt.kvitto, avser=latest.get("avser") or kvitto,
               skolenhetskod=latest.get(SCHOOL, ""), version=receipt.version, orsak=receipt.row.get(REASON, ""))
    what = "skolan räknas nu som att den inte har svarat" if form.keyed else "rapporten räknas inte längre"
    return redirect(_answer_page(form.id, receipt.kvitto, f"Svaret är återkallat (version {receipt.version}): {what}."),
                    code=303)


def _answer_page(form_id: str, kvitto: str, notice: str) -> str:
    return f"/samordnare/svar/{form_id}/{kvitto}/?klart={quote(notice)}"

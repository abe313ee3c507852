"""The form pages: a GET through a signed link shows the bound form, a POST is checked and stored.

A post is checked in order (rate limits for meeting links, the link, the origin, the bound
fields and sizes, the CSRF token, then the same validation as `sip-backoffice validate`) and either
shown again with the errors and the values entered, or stored and redirected to its receipt.
Everything that sets a form apart comes from its declared traits (`Form`), never from its id.
"""
from __future__ import annotations

import logging
from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request

from backoffice.forms.schema import Form, load_form
from backoffice.forms.webform import Binding, FormState, render_form
from backoffice.intake import receipts
from backoffice.intake.links import FORMS_PREFIX, TOKEN_PARAM, LinkError, form_path
from backoffice.intake.pages import cross_site, error_page, html_response, refused, too_many
from backoffice.intake.posts import FieldTooLong, problems, record_from_post
from backoffice.intake.security import same_origin
from backoffice.intake.service import EXTENSION, current_intake
from backoffice.intake.site import site_file
from backoffice.store.files import AnswerLimitReached, StoreError
from backoffice.validation.table import normalise_records

log = logging.getLogger("sip.intake")

# ?vem=barn chooses the answer to the audience question (and so the wording) in advance.
PRESET_PARAM = "vem"
# After a post: the receipt's number, or (anonymous forms) only that thanks are due.
RECEIPT_PARAM, THANKS_PARAM = "kvitto", "tack"
CSRF_NOTICE = ("<p><strong>Formuläret kunde inte tas emot:</strong> säkerhetskoden saknas eller har "
               "gått ut, till exempel för att sidan har stått öppen länge. Inget har sparats. Dina "
               "svar finns kvar nedan; kontrollera dem och skicka in igen.</p>")

blueprint = Blueprint("forms", __name__)


@blueprint.record
def _add_form_rule(state) -> None:
    # The rule names the forms served (those with a built page), so any other path under the forms
    # prefix stays a plain file of the site.
    forms = state.app.extensions[EXTENSION].forms
    choices = ", ".join(f"'{form_id}'" for form_id in forms) or "'ingen'"
    state.add_url_rule(f"{FORMS_PREFIX}/<any({choices}):form_id>/", view_func=form_page, methods=["GET", "POST"])


def form_page(form_id: str) -> Response:
    """The form's page: as built without a link; through a link the bound form, its receipt or thanks."""
    if request.method == "POST":
        return receive(load_form(form_id))
    token = request.args.get(TOKEN_PARAM)
    if token is None:
        return site_file(form_path(form_id).lstrip("/"))
    form, intake = load_form(form_id), current_intake()
    try:
        claims = intake.signer.check_token(form_id, token)
        binding = intake.bind(form, claims)
    except LinkError as error:
        return refused(error, form_id)
    if form.anonymous and request.args.get(THANKS_PARAM):
        return receipts.thanks_page(form)
    if not form.anonymous and request.args.get(RECEIPT_PARAM):
        return receipts.receipt_page(form, binding, token, request.args[RECEIPT_PARAM])
    if form.meeting_link and intake.answers_left(claims, token) < 1:
        return refused(LinkError("fullt"), form_id)
    values, notice = _presets(form), ""
    previous = intake.previous_answer(form, binding)
    if previous:
        values = previous
        notice = (f"<p>Skolan har redan svarat (version {escape(previous['version'])}, kvitto "
                  f"{escape(previous['kvitto'])}). Svaret visas nedan. Skickar du in igen sparas "
                  "ett nytt svar som räknas i stället; det gamla finns kvar.</p>")
    return html_response(bound_form(form, binding, token, values, notice=notice))


def _presets(form: Form) -> dict:
    """The answer chosen in advance by the link's `?vem=`, from the audience field's `sip:ui.presets`."""
    if not form.audience:
        return {}
    chosen = (form.ui(form.audience).get("presets") or {}).get(request.args.get(PRESET_PARAM, ""))
    return {form.audience: str(chosen)} if chosen else {}


def bound_form(form: Form, binding: Binding, token: str, values=None, errors=(), notice: str = "") -> str:
    """The form's page with the form bound to the link: values entered, errors found, a notice on top."""
    intake = current_intake()
    state = FormState(values=values or {}, errors=list(errors), binding=binding, token=token,
                      csrf=intake.signer.make_csrf(token), action="./")
    form_html = render_form(form.id, state)
    if notice:
        form_html = f'<div class="sip-notice">{notice}</div>{form_html}'
    return intake.shell.bound_form_page(form.id, form_html, title_prefix="Fel i formuläret: " if errors else "")


def receive(form: Form) -> Response:
    """Check one post and store it, or say why not (the form again, or a refusal page)."""
    intake = current_intake()
    post = request.form  # parsing may raise 413 for an oversized body
    token = post.get(TOKEN_PARAM) or request.args.get(TOKEN_PARAM)
    if form.meeting_link and not intake.allow_meeting_post(request.remote_addr, token):
        log.info("rate limit for %s", form.id)
        return too_many()
    try:
        claims = intake.signer.check_token(form.id, token)
        binding = intake.bind(form, claims)
    except LinkError as error:
        log.info("refused post to %s: %s", form.id, error.reason)
        return refused(error, form.id)
    if not same_origin(request.headers, [request.host_url, intake.public_url]):
        return cross_site(form.id)
    try:
        record = record_from_post(form, post, binding)
    except LinkError as error:
        return refused(error, form.id)
    except FieldTooLong:
        return error_page(413)
    if not intake.signer.check_csrf(token, post.get("csrf")):
        # Most often a page left open for hours: give the answers back with a fresh code
        # (same-origin posts only, checked above) rather than lose what the person wrote.
        return html_response(bound_form(form, binding, token, record, notice=CSRF_NOTICE), 403)
    errors = problems(form, record, intake.register)
    if errors:
        return html_response(bound_form(form, binding, token, record, errors), 422)
    # Stored as batch validation would store it: ja/nej lowercase, list values as the schema writes them.
    (record,) = normalise_records(form, [record])
    try:
        receipt = intake.store_answer(form, record, claims, token)
    except AnswerLimitReached:
        return refused(LinkError("fullt"), form.id)
    except StoreError:
        log.exception("store refused an append")
        raise
    # Post/redirect/get: reloading the receipt must not send the answer a second time. An anonymous
    # answer's receipt number stays out of the address, so a shared device's history cannot point
    # anyone to that answer in the store.
    done = {THANKS_PARAM: "1"} if form.anonymous else {RECEIPT_PARAM: receipt.kvitto}
    return redirect(f"{form_path(form.id)}?{urlencode({TOKEN_PARAM: token, **done})}", code=303)

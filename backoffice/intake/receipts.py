"""What a sender gets back: the receipt page for a stored answer, or the thanks page of an anonymous form.

A receipt shows its number, when the answer came and what was received, and how to correct it
(keyed forms: send again, a new version counts) or report another (`Form.again`). A form with a
`receipt_link` also hands out a meeting link to that form, the same on every view of the receipt.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from flask import Response, request

from backoffice.forms.schema import ORGANISATION, SCHOOL, Form, load_form
from backoffice.forms.webform import Binding
from backoffice.intake.links import TOKEN_PARAM, form_url
from backoffice.intake.pages import render_page
from backoffice.intake.service import Intake, bound_to, current_intake
from backoffice.store.files import Receipt
from backoffice.store.versions import is_withdrawn

_STAMP = "%Y-%m-%dT%H:%M:%SZ"


@lru_cache(maxsize=1)
def _stockholm():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Stockholm")


def local_time(stamp: str) -> str:
    """A store time stamp (UTC) as a Swede reads it."""
    moment = datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(_stockholm()).strftime("%Y-%m-%d kl. %H.%M (svensk tid)")
    except Exception:  # no time zone data installed: UTC is still right, just less friendly
        return moment.strftime("%Y-%m-%d kl. %H.%M (UTC)")


def receipt_page(form: Form, binding: Binding, token: str, kvitto: str) -> Response:
    """The receipt of one stored answer, shown only to a link for the same school (and year)."""
    intake = current_intake()
    # Looked up in the store's index: a receipt costs the same with ten rows or two hundred thousand.
    row = intake.store.find(form.id, kvitto)
    if row is None or not bound_to(form, binding, row):
        body = ("<p>Det finns inget svar med det kvittonumret för den här skolan. Kontrollera "
                f'numret, eller <a href="./?{escape(urlencode({TOKEN_PARAM: token}))}">öppna '
                "blanketten</a>.</p>")
        return render_page("Kvittot finns inte", body, 404, form_id=form.id)
    receipt = Receipt(form.id, row["kvitto"], int(row["version"]), row["mottagen"], row)
    # The configured public address only: a request's Host header never writes a link.
    extra = meeting_link_section(intake, form, row, intake.public_url or "") if form.receipt_link else ""
    newest = intake.store.latest(form.id, kvitto)
    if newest is not None and newest["kvitto"] != row["kvitto"]:
        # An old receipt opened again (a bookmark, the history): say what counts now.
        extra = _later_version_notice(newest) + extra
    return render_page("Tack! Ditt svar är mottaget", extra + receipt_body(form, receipt, binding, token),
                       form_id=form.id)


def _later_version_notice(newest: dict) -> str:
    if is_withdrawn(newest):
        text = ("Det här svaret har återkallats av SIP-samordnaren och räknas inte längre. Kontakta "
                "SIP-samordnaren om du undrar varför.")
    elif newest.get("kanal") == "samordnare":
        text = f"Det här svaret har rättats av SIP-samordnaren: version {newest['version']} är den som räknas nu."
    else:
        text = (f"Det här svaret har ersatts: version {newest['version']} har skickats in senare och är den "
                "som räknas.")
    return f'<div class="sip-notice"><p>{escape(text)}</p></div>'


def _received_rows(form: Form, receipt: Receipt, binding: Binding) -> str:
    rows = []
    for field in form.fields:
        value = receipt.row.get(field.name, "")
        if field.name in form.one_of and not value:
            continue  # one of them is filled in (a school or an organisation): show that one
        if field.name == SCHOOL:
            label, shown = "Skola", f"{binding.skolnamn} ({value})"
        else:
            label, shown = field.title or field.name, value or "(inget svar)"
        rows.append(f"<dt>{escape(label)}</dt><dd>{escape(shown)}</dd>")
    return "".join(rows)


def receipt_body(form: Form, receipt: Receipt, binding: Binding, token: str) -> str:
    """The receipt's number, time, version and the answer received, and what to do if it is wrong."""
    again = escape("./?" + urlencode({TOKEN_PARAM: token}))
    if form.keyed:
        correct = (
            "<p>Vill du ändra något? Öppna samma länk igen och skicka in på nytt. Det nya svaret "
            "sparas som en ny version och räknas i stället för det här; alla versioner sparas.</p>"
            f'<p><a href="{again}">Öppna blanketten igen för att rätta svaret</a></p>'
        )
        version = f"<p>Version {receipt.version} av svaret.</p>"
    else:
        correct = (
            "<p>Varje inskickad rapport sparas som en egen rapport. Har något blivit fel, kontakta "
            "SIP-samordnaren och uppge kvittonumret. Samma länk kan användas för nästa rapport.</p>"
            f'<p><a href="{again}">{escape(form.again)}</a></p>'
        )
        version = ""
    return (
        '<div class="sip-receipt" role="status">'
        "<p>Kvittonummer</p>"
        f'<p class="sip-kvitto">{escape(receipt.kvitto)}</p>'
        f"<p>Mottaget {escape(local_time(receipt.mottagen))}.</p>{version}</div>"
        "<p>Spara kvittonumret. Du behöver det om du vill fråga något om ditt svar.</p>"
        "<h2>Det här tog vi emot</h2>"
        f'<dl class="sip-kvitto-svar">{_received_rows(form, receipt, binding)}</dl>'
        "<h2>Om något blev fel</h2>" + correct
    )


def meeting_link_section(intake: Intake, form: Form, row: dict, base_url: str) -> str:
    """The meeting link to `form.receipt_link` for the meeting this row reports (its date and school)."""
    target = load_form(form.receipt_link)
    try:
        # Nonce and validity both come from the stored report, so the link is the same on every
        # view of the receipt (and so is its answer count), valid from the day of the report.
        received = datetime.strptime(row["mottagen"], _STAMP).replace(tzinfo=timezone.utc)
        datum = row[form.year.field] if form.year and form.year.from_date else ""
        token = intake.signer.make_meeting_token(
            target.id, datum, skolenhetskod=row.get(SCHOOL, ""), organisation=row.get(ORGANISATION, ""),
            nonce=intake.signer.meeting_nonce(row["kvitto"]), now=received.timestamp())
    except (KeyError, ValueError):
        return ""
    heading = ('<section class="sip-enkatlank" aria-labelledby="enkatlank-rubrik">'
               '<h2 id="enkatlank-rubrik">Enkät till barnet och vårdnadshavarna</h2>')
    until = received + timedelta(days=target.link_valid_days)
    if until < datetime.now(timezone.utc):
        # An old receipt opened again: its link no longer opens the form, so do not hand it out.
        return (heading + f"<p>Enkätlänken för det här mötet gällde till och med {until:%Y-%m-%d} och "
                "har slutat gälla.</p></section>")
    url = form_url(base_url, target.id, token)
    anonymous = (" Enkäten är anonym: länken säger bara vilken skola eller verksamhet och vilket datum "
                 "mötet gällde." if target.anonymous else "")
    return (
        heading
        + "<p>Ge barnet eller den unga och vårdnadshavarna den här länken efter mötet, till exempel i "
        f"ett sms eller på en lapp.{anonymous} Länken tar emot {target.answers_per_link} svar och gäller "
        f"i {target.link_valid_days} dagar från rapporten.</p>"
        f'<p class="sip-lank"><a href="{escape(url)}">{escape(url)}</a></p>'
        "<p>Samma kvitto visar alltid samma länk.</p></section>"
    )


def thanks_page(form: Form) -> Response:
    """An anonymous form's receipt: plain words, and no answer shown again (the device may be shared)."""
    why = ("<p>Dina svar hjälper oss att göra mötena bättre för barn och familjer.</p>"
           if form.meeting_link else "")
    body = ('<div class="sip-receipt" role="status"><p>Vi har fått dina svar. Tack för att du svarade!</p></div>'
            f"{why}<p>Ingen kan se vad just du har svarat.</p><p>Du kan stänga sidan nu.</p>")
    return render_page("Tack för dina svar!", body, form_id=form.id)

"""A mailing from start to end, as the command line and the coordinator's page both run it.

`prepare` gathers what a mailing needs (the edition's letter, the register, the addresses, who
has answered, what was delivered before) into a plan; `send` sends it through the relay; the
`describe`, `preview` and `summary` texts are the Swedish a coordinator reads either way.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from backoffice import followup, schoolyear
from backoffice.errors import SipError
from backoffice.forms.schema import load_form
from backoffice.mail.addresses import load_addresses
from backoffice.mail.mailing import (FIRST, REMINDER, Letter, Plan, Result, deliveries, delivered_schools,
                                     plan_mailing, send_mailing)
from backoffice.mail.message import swedish_date, templates
from backoffice.mail.relay import Relay, SmtpSettings

DEFAULT_PER_MINUTE = 60


@dataclass(frozen=True)
class MailingRequest:
    """What the coordinator asked for."""

    form_id: str
    lasar: str
    reminder: bool = False
    again: bool = False
    base_url: str = "http://127.0.0.1:8000"
    deadline: dt.date | None = None
    valid_days: int | None = None
    per_minute: int | None = None
    data_dir: Path | None = None


def _letter(edition, deadline: dt.date, kind: str) -> Letter:
    mail = edition.section("mail")
    reply_to = mail.get("reply_to") or edition.coordinator_mailbox
    sender = mail.get("from") or reply_to
    if not sender:
        raise SipError(f"Utgåvan {edition.id} anger ingen avsändare för e-post. Lägg till mail.from (eller en "
                       "kontakt med rollen central-samordnare) i utgåvans fil.")
    return Letter(sender=str(sender), reply_to=str(reply_to) if reply_to else None,
                  template=templates(mail)[kind], deadline=deadline)


def prepare(request: MailingRequest, today: dt.date | None = None) -> Plan:
    """The plan of a mailing; SipError (Swedish) when it cannot be made."""
    from backoffice.edition import load_edition
    from backoffice.intake.links import LinkSigner, form_url, load_secret
    from backoffice.register import load_register
    from backoffice.store.files import read_rows

    today = today or dt.date.today()
    lasar = schoolyear.parse(request.lasar)
    form = load_form(request.form_id)
    if not request.base_url.startswith(("http://", "https://")):
        raise SipError(f"--base-url ska börja med http:// eller https://, inte ”{request.base_url}”.")
    valid_days = request.valid_days or form.link_valid_days
    expires = today + dt.timedelta(days=valid_days - 1)
    deadline = request.deadline or expires
    if deadline < today:
        raise SipError(f"Sista svarsdagen {deadline.isoformat()} har redan passerat. Ange en dag från och med i dag.")
    if deadline > expires:
        raise SipError(f"Sista svarsdagen {deadline.isoformat()} ligger efter att länkarna slutar gälla "
                       f"({expires.isoformat()}). Ange en tidigare dag, eller fler dagar med --giltig-dagar.")
    edition = load_edition()
    register = load_register(edition.register_path)
    data_dir = Path(request.data_dir)
    signer = LinkSigner(load_secret(data_dir))
    kind = REMINDER if request.reminder else FIRST
    answered = followup.answers_by_school(form, read_rows(data_dir, form.id), lasar) if request.reminder else {}
    already = () if request.again else delivered_schools(deliveries(data_dir), form.id, lasar, kind)

    def make_link(code: str) -> str:
        return form_url(request.base_url, form.id, signer.make_token(form.id, code, lasar, valid_days=valid_days))

    return plan_mailing(form, lasar, register, load_addresses(edition.register_path), kind=kind,
                        letter=_letter(edition, deadline, kind), make_link=make_link,
                        answered=answered, already=already)


def send(request: MailingRequest, plan: Plan, progress: Callable[[int], None] | None = None) -> Result:
    """Send a prepared plan through the edition's relay (RelayError stops it; the log keeps what went)."""
    from backoffice.edition import load_edition

    mail = load_edition().section("mail")
    settings = SmtpSettings.from_config(dict(mail.get("smtp") or {}))
    per_minute = request.per_minute or int(mail.get("per_minute") or DEFAULT_PER_MINUTE)
    with Relay(settings, per_minute=per_minute) as relay:
        return send_mailing(plan, relay, deliveries(Path(request.data_dir)), progress=progress)


def _names(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" och {len(names) - limit} till" if len(names) > limit else "")


def describe(plan: Plan) -> str:
    """What a mailing will do, in Swedish: how many get a message, who does not and why."""
    what = "påminnelser" if plan.kind == REMINDER else "mejl"
    lines = [f"{plan.form.title}, läsår {plan.lasar}: {len(plan.messages)} {what} att skicka."]
    if plan.answered:
        lines.append(f"{len(plan.answered)} skolor har redan svarat och får ingen påminnelse.")
    if plan.already_sent:
        lines.append(f"{len(plan.already_sent)} skolor har redan fått samma mejl och får det inte igen "
                     f"(ange --igen för att skicka ändå): {_names(plan.already_sent)}.")
    if plan.without_address:
        lines.append(f"{len(plan.without_address)} skolor saknar e-postadress och får inget mejl: "
                     f"{_names(plan.without_address)}. Lägg till dem med `sip-backoffice register adresser`.")
    return "\n".join(lines)


def preview(plan: Plan) -> str:
    """The recipients and the first message in full, for a dry run."""
    if not plan.messages:
        return "Inga mejl att visa."
    first = plan.messages[0].message
    lines = ["Mottagare:"] + [f"  {p.skolnamn} <{p.to}>" for p in plan.messages]
    lines += ["", f"Första mejlet (till {plan.messages[0].to}):", f"Ämne: {first['Subject']}",
              f"Svar till: {first['Reply-To'] or first['From']}", "", first.get_body(("plain",)).get_content()]
    return "\n".join(lines)


def summary(plan: Plan, result: Result) -> str:
    """After sending: what was delivered, which addresses were refused, what failed for now."""
    lines = [f"{len(result.delivered)} av {len(plan.messages)} mejl kom fram till e-postservern."]
    if result.refused:
        lines.append("E-postservern tog inte emot de här adresserna. Rätta dem och kör `register adresser` igen:")
        lines += [f"  {p.skolnamn} <{p.to}>: {o.code} {o.answer}" for p, o in result.refused]
    if result.failed:
        lines.append("De här mejlen kunde inte skickas nu (tillfälligt fel hos e-postservern). Kör samma "
                     "kommando igen senare; de som redan kom fram skickas inte igen:")
        lines += [f"  {p.skolnamn} <{p.to}>: {o.code} {o.answer}".rstrip() for p, o in result.failed]
    return "\n".join(lines)


__all__ = ["MailingRequest", "describe", "prepare", "preview", "send", "summary", "swedish_date"]

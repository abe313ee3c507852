"""A mailing: one message per school with its own link, planned, then sent and logged message by message.

Planning decides who gets a message (every school with an address, or only those without an
answer) and leaves out what was already delivered for the same form, school year and kind unless
asked to send again. Sending logs each message's outcome in the delivery log beside the store
before the next one goes, so a mailing stopped half-way can be started again without sending twice.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Iterable, Mapping

from backoffice.errors import SipError
from backoffice.forms.schema import Form
from backoffice.journal import Journal
from backoffice.mail.message import FIRST, REMINDER, Template, build_message, fill, swedish_date
from backoffice.mail.relay import DELIVERED, REFUSED, Outcome, Relay

DELIVERIES_NAME = "utskick.jsonl"


@dataclass(frozen=True)
class Planned:
    """One message to send."""

    skolenhetskod: str
    skolnamn: str
    to: str
    message: EmailMessage


@dataclass
class Plan:
    """Who gets a message, and who does not and why."""

    form: Form
    lasar: str
    kind: str
    messages: list[Planned] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)  # school names
    already_sent: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)


@dataclass
class Result:
    """What a mailing did: delivered, refused (address) and failed (temporary errors to the end)."""

    delivered: list[Planned] = field(default_factory=list)
    refused: list[tuple[Planned, Outcome]] = field(default_factory=list)
    failed: list[tuple[Planned, Outcome]] = field(default_factory=list)


def deliveries(data_dir: Path) -> Journal:
    """The delivery log beside the store."""
    return Journal(Path(data_dir) / DELIVERIES_NAME)


def delivered_schools(journal: Journal, form_id: str, lasar: str, kind: str) -> set[str]:
    """The schools whose message of this kind was delivered for the form and school year."""
    return {r["skolenhetskod"] for r in journal.records()
            if r.get("blankett") == form_id and r.get("lasar") == lasar and r.get("typ") == kind
            and r.get("status") == DELIVERED}


def refused_records(journal: Journal, form_id: str, lasar: str) -> list[dict]:
    """The latest outcome per school when it was a refusal: the addresses to correct."""
    latest: dict[str, dict] = {}
    for record in journal.records():
        if record.get("blankett") == form_id and record.get("lasar") == lasar:
            latest[record.get("skolenhetskod", "")] = record
    return [r for r in latest.values() if r.get("status") == REFUSED]


@dataclass(frozen=True)
class Letter:
    """What every message of a mailing shares: sender, reply address, template, last day."""

    sender: str
    reply_to: str | None
    template: Template
    deadline: dt.date


def plan_mailing(form: Form, lasar: str, register: Mapping, addresses: Mapping[str, str], *,
                 kind: str, letter: Letter, make_link: Callable[[str], str],
                 answered: Iterable[str] = (), already: Iterable[str] = ()) -> Plan:
    """The messages of a mailing. `answered` are left out of a reminder; `already` were delivered before."""
    if form.meeting_link:
        raise SipError(f"{form.title} besvaras med enkätlänkar för ett visst möte och skickas inte per skola.")
    plan = Plan(form, lasar, kind)
    answered, already = set(answered), set(already)
    for code, school in register.items():
        name = school.skolnamn
        if kind == REMINDER and code in answered:
            plan.answered.append(name)
        elif code in already:
            plan.already_sent.append(name)
        elif code not in addresses:
            plan.without_address.append(name)
        else:
            values = {"skola": name, "blankett": form.title, "lasar": lasar, "lank": make_link(code),
                      "sista_dag": swedish_date(letter.deadline), "samordnare": letter.reply_to or letter.sender}
            subject, text = fill(letter.template, values)
            message = build_message(sender=letter.sender, to=addresses[code], subject=subject, text=text,
                                    reply_to=letter.reply_to)
            plan.messages.append(Planned(code, name, addresses[code], message))
    return plan


def send_mailing(plan: Plan, relay: Relay, journal: Journal,
                 progress: Callable[[int], None] | None = None) -> Result:
    """Send every planned message, logging each outcome before the next; RelayError stops the mailing."""
    result = Result()
    for planned in plan.messages:
        outcome = relay.send(planned.message)
        journal.append({"skolenhetskod": planned.skolenhetskod, "blankett": plan.form.id, "lasar": plan.lasar,
                        "typ": plan.kind, "till": planned.to, "message_id": planned.message["Message-ID"],
                        "status": outcome.status, "kod": outcome.code, "svar": outcome.answer})
        if outcome.status == DELIVERED:
            result.delivered.append(planned)
        elif outcome.status == REFUSED:
            result.refused.append((planned, outcome))
        else:
            result.failed.append((planned, outcome))
        if progress:
            progress(1)
    return result


__all__ = ["FIRST", "REMINDER", "Letter", "Plan", "Planned", "Result", "deliveries", "delivered_schools",
           "plan_mailing", "refused_records", "send_mailing"]

"""One school's message: a Swedish template filled in, as a proper multipart text/HTML e-mail.

The edition may give its own templates (`mail.templates.utskick` and `.paminnelse`, each with a
`subject` and a `body`); the defaults below are written in plain Swedish. A template names its
values in braces: {skola}, {blankett}, {lasar}, {lank}, {sista_dag}, {samordnare}. Nothing about
a child is ever in a message: it carries the school, the form, the school year and the link.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from backoffice.errors import SipError

FIRST, REMINDER = "utskick", "paminnelse"
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")
PLACEHOLDERS = ("skola", "blankett", "lasar", "lank", "sista_dag", "samordnare")


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


DEFAULT_TEMPLATES = {
    FIRST: Template(
        subject="{blankett}: dags att svara för läsåret {lasar}",
        body=(
            "Hej!\n\n"
            "Nu är det dags att svara på {blankett} för {skola}, läsåret {lasar}.\n\n"
            "Svara senast {sista_dag}. Använd länken nedan. Den gäller bara för er skola.\n\n"
            "{lank}\n\n"
            "Det tar några minuter. Skriv aldrig namn, personnummer eller annat som kan peka ut ett barn.\n\n"
            "Har du frågor? Svara på det här mejlet, så når du SIP-samordnaren.\n\n"
            "Vänliga hälsningar\nSIP-samordnaren"
        ),
    ),
    REMINDER: Template(
        subject="Påminnelse: {blankett} för läsåret {lasar}",
        body=(
            "Hej!\n\n"
            "Vi har inte fått något svar på {blankett} från {skola} för läsåret {lasar}.\n\n"
            "Svara senast {sista_dag}. Använd länken nedan. Den gäller bara för er skola.\n\n"
            "{lank}\n\n"
            "Har ni redan svarat efter att det här mejlet skickades? Då kan ni bortse från det.\n\n"
            "Har du frågor? Svara på det här mejlet, så når du SIP-samordnaren.\n\n"
            "Vänliga hälsningar\nSIP-samordnaren"
        ),
    ),
}


class TemplateError(SipError):
    """A template in the edition that names a value no message has; the message is Swedish."""


def swedish_date(day: dt.date) -> str:
    """A date as a Swedish reader writes it: 15 oktober 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def templates(edition_mail: dict) -> dict[str, Template]:
    """The edition's templates where it gives them, else the defaults."""
    given = edition_mail.get("templates") or {}
    out = dict(DEFAULT_TEMPLATES)
    for kind in (FIRST, REMINDER):
        entry = given.get(kind) or {}
        if entry:
            out[kind] = Template(str(entry.get("subject") or out[kind].subject),
                                 str(entry.get("body") or out[kind].body))
    return out


class _Values(dict):
    def __missing__(self, key):
        raise TemplateError(f"Mallen för e-post nämner {{{key}}}, som inte finns. Använd bara "
                            f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}.")


def fill(template: Template, values: dict[str, str]) -> tuple[str, str]:
    """(subject, text body) with the values filled in."""
    values = _Values(values)
    # One line: a subject with a line break would be a header injection.
    subject = " ".join(template.subject.format_map(values).split())
    return subject, template.body.format_map(values)


_URL = re.compile(r"https?://\S+")


def html_body(text: str) -> str:
    """The text body as simple HTML: a paragraph per block, links clickable, everything escaped."""
    paragraphs = []
    for block in text.split("\n\n"):
        escaped = html.escape(block.strip())
        escaped = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append(f"<p>{escaped.replace(chr(10), '<br>')}</p>")
    return ('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"></head><body>'
            + "".join(paragraphs) + "</body></html>")


def build_message(*, sender: str, to: str, subject: str, text: str, reply_to: str | None = None,
                  now: dt.datetime | None = None) -> EmailMessage:
    """A multipart/alternative message (text and HTML, UTF-8) with Message-ID and Date."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = formatdate((now or dt.datetime.now(dt.timezone.utc)).timestamp(), localtime=True)
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text, charset="utf-8")
    message.add_alternative(html_body(text), subtype="html", charset="utf-8")
    return message

"""Sending through the organisation's SMTP relay, politely: a steady rate, retries, a clear stop.

Settings come from the edition's `mail.smtp` (host, port, starttls) and are overridden by
SIP_SMTP_HOST, SIP_SMTP_PORT, SIP_SMTP_STARTTLS, SIP_SMTP_USER and SIP_SMTP_PASSWORD (the password
only ever from the environment). A temporary answer (4xx, or a dropped connection) is retried
with growing pauses; an address the relay refuses (5xx at RCPT or DATA) is recorded and sending
goes on; a relay that refuses us (connection, login, or our sender address) stops everything with
a Swedish message, since every later message would fail the same way.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from typing import Callable

from backoffice.errors import SipError

DELIVERED, REFUSED, FAILED = "levererad", "avvisad", "ej levererad"


class RelayError(SipError):
    """The relay itself cannot be used (unreachable, login refused, sender refused): sending stops."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    # A CA bundle for a relay with its own certificate authority (the tests' self-signed relay).
    cafile: str | None = None
    # Seconds before the first retry after a temporary answer; doubled for each further try.
    retry_pause: float = 2.0

    @classmethod
    def from_config(cls, smtp: dict, environ=os.environ) -> "SmtpSettings":
        """The edition's `mail.smtp` with the environment's SIP_SMTP_* on top."""
        host = environ.get("SIP_SMTP_HOST") or smtp.get("host")
        if not host:
            raise RelayError("Ingen e-postserver är angiven. Sätt SIP_SMTP_HOST (och vid behov SIP_SMTP_PORT, "
                             "SIP_SMTP_USER och SIP_SMTP_PASSWORD), eller mail.smtp.host i utgåvans fil.")
        port = environ.get("SIP_SMTP_PORT") or smtp.get("port") or 587
        starttls = environ.get("SIP_SMTP_STARTTLS")
        try:
            port = int(port)
        except ValueError:
            raise RelayError(f"SIP_SMTP_PORT ska vara ett portnummer, inte ”{port}”.") from None
        return cls(host=str(host), port=port,
                   starttls=(starttls not in ("0", "nej", "false")) if starttls is not None else bool(smtp.get("starttls", True)),
                   user=environ.get("SIP_SMTP_USER") or smtp.get("user") or None,
                   password=environ.get("SIP_SMTP_PASSWORD") or None,
                   cafile=environ.get("SIP_SMTP_CAFILE") or smtp.get("cafile") or None,
                   retry_pause=float(environ.get("SIP_SMTP_RETRY_PAUSE") or smtp.get("retry_pause") or 2.0))


@dataclass(frozen=True)
class Outcome:
    """What became of one message: its status and the relay's own answer."""

    status: str
    code: int
    answer: str


class _Temporary(Exception):
    def __init__(self, code: int, answer: str):
        self.code, self.answer = code, answer


class Relay:
    """One connection to the relay, reopened when it drops; send messages with `send`."""

    def __init__(self, settings: SmtpSettings, *, per_minute: float = 60, attempts: int = 4,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.attempts = attempts
        self.sleep, self.clock = sleep, clock
        self._smtp: smtplib.SMTP | None = None
        self._last_sent: float | None = None

    def __enter__(self) -> "Relay":
        self._connect()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None

    def _connect(self) -> None:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=s.cafile))
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password or "")
        except smtplib.SMTPAuthenticationError:
            raise RelayError(f"E-postservern {where} godtog inte inloggningen för {s.user}. Kontrollera "
                             "SIP_SMTP_USER och SIP_SMTP_PASSWORD.") from None
        except smtplib.SMTPNotSupportedError:
            raise RelayError(f"E-postservern {where} erbjuder inte STARTTLS. Sätt SIP_SMTP_STARTTLS=0 bara om "
                             "servern nås över ett skyddat nät.") from None
        except ssl.SSLError as error:
            raise RelayError(f"Den krypterade förbindelsen till e-postservern {where} gick inte att upprätta "
                             f"({error.reason or error}). Kontrollera serverns certifikat.") from None
        except (OSError, smtplib.SMTPException) as error:
            raise RelayError(f"Kunde inte nå e-postservern {where} ({error.strerror if isinstance(error, OSError) and error.strerror else error}). "
                             "Kontrollera SIP_SMTP_HOST och SIP_SMTP_PORT och att servern tar emot från den här datorn.") from None
        self._smtp = smtp

    def _pace(self) -> None:
        if self._last_sent is not None and self.interval:
            wait = self._last_sent + self.interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_sent = self.clock()

    def send(self, message: EmailMessage) -> Outcome:
        """Deliver one message: DELIVERED, REFUSED (the address) or FAILED (still temporary after retries)."""
        pause, last = self.settings.retry_pause, (0, "")
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(pause)
                pause *= 2
            self._pace()
            try:
                return self._transaction(message)
            except _Temporary as temporary:
                last = (temporary.code, temporary.answer)
            except (smtplib.SMTPServerDisconnected, socket.timeout, ConnectionError) as error:
                last = (0, f"förbindelsen bröts ({error})")
                self._smtp = None
        return Outcome(FAILED, last[0], last[1])

    def _transaction(self, message: EmailMessage) -> Outcome:
        if self._smtp is None:
            self._connect()
        smtp = self._smtp
        sender = message["From"].addresses[0].addr_spec
        recipient = message["To"].addresses[0].addr_spec
        code, answer = smtp.mail(sender)
        if code >= 400:
            smtp.rset()
            if code < 500:
                raise _Temporary(code, _text(answer))
            raise RelayError(f"E-postservern tar inte emot meddelanden från {sender} ({code} {_text(answer)}). "
                             "Kontrollera avsändaradressen i utgåvans mail.from med den som sköter e-postservern.")
        code, answer = smtp.rcpt(recipient)
        if code >= 400:
            smtp.rset()
            if code < 500:
                raise _Temporary(code, _text(answer))
            return Outcome(REFUSED, code, _text(answer))
        try:
            code, answer = smtp.data(message.as_bytes(policy=SMTP))
        except smtplib.SMTPDataError as refused:  # the DATA command itself was refused
            code, answer = refused.smtp_code, refused.smtp_error
        if code >= 500:
            return Outcome(REFUSED, code, _text(answer))
        if code >= 400:
            raise _Temporary(code, _text(answer))
        return Outcome(DELIVERED, code, _text(answer))


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)

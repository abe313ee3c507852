"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives and can be told to refuse."""
from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the relay got it: envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage
    raw: bytes = b""

    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


@dataclass
class Relay:
    """The relay's behaviour, set by a test, and what it received."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)            # 550 at RCPT for these addresses
    busy: dict[str, int] = field(default_factory=dict)       # 451 at RCPT this many times first
    refuse_sender: bool = False                              # 553 at MAIL FROM
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    # aiosmtpd's handler hooks -----------------------------------------------------------------

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return "553 5.7.1 Sender address rejected: not allowed to send"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.refuse:
                return "550 5.1.1 Mailbox unavailable"
            if self.busy.get(address, 0) > 0:
                self.busy[address] -= 1
                return "451 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))
            number = len(self.received)
        return f"250 2.0.0 Ok: queued as TEST{number:04d}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_relay(relay: Relay, **options) -> Controller:
    """Run the relay in a thread on a free loopback port (options go to aiosmtpd's Controller)."""
    controller = Controller(relay, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller

"""The intake's shared state (`Intake`): page shell, link signer, store, register and limits.

One `Intake` lives in each app, under `app.extensions[EXTENSION]`; views get it with
`current_intake()`. Its methods hold what the views decide from a link and a form's declared
traits: what a link binds, whether a meeting link may post again, how an answer is stored, and
which earlier answer a link may show.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field as dc_field
from pathlib import Path

from flask import current_app

from backoffice.forms.schema import Form
from backoffice.forms.webform import Binding
from backoffice.intake.links import LinkClaims, LinkError, LinkSigner, answer_key
from backoffice.intake.ratelimit import RateLimiter
from backoffice.intake.shell import Shell
from backoffice.store.files import AnswerCounter, FileStore, Receipt
from backoffice.store.versions import is_withdrawn

EXTENSION = "sip_intake"


@dataclass
class Intake:
    """Everything the request handlers share."""

    shell: Shell
    signer: LinkSigner
    store: object
    register: dict
    # The ids of the forms served: those the site was built with a page for.
    forms: tuple[str, ...]
    data_dir: Path
    per_client: RateLimiter
    per_link: RateLimiter
    # The address people use (https://sip.example.se behind a proxy); None: the request's own.
    public_url: str | None = None
    counter_lock: threading.Lock = dc_field(default_factory=threading.Lock)

    def bind(self, form: Form, claims: LinkClaims) -> Binding:
        """What a valid link fixes in this form; LinkError when the form cannot be answered through it."""
        if form.meeting_link and not (claims.datum and claims.max_answers >= 1):
            raise LinkError("ogiltig")  # a meeting-link form is answered only through a meeting's link
        year_field = form.year.field if form.year else ""
        if claims.organisation and not claims.skolenhetskod:
            if claims.organisation not in form.organisations:
                raise LinkError("okand_organisation")
            name = claims.organisation[:1].upper() + claims.organisation[1:]
            return Binding("", name, claims.lasar, organisation=claims.organisation, datum=claims.datum,
                           year_field=year_field)
        school = self.register.get(claims.skolenhetskod)
        if school is None:
            raise LinkError("okand_skola")
        return Binding(claims.skolenhetskod, school.skolnamn, claims.lasar, datum=claims.datum, year_field=year_field)

    def allow_meeting_post(self, client: str | None, token: str | None) -> bool:
        """Count a post to a meeting-link form against both limits, per client and per link."""
        # Both are counted on every post, valid or not, before any other work.
        client_ok = self.per_client.allow(client or "okänd")
        link_ok = self.per_link.allow(answer_key(token or ""))
        return client_ok and link_ok

    def answers_left(self, claims: LinkClaims, token: str) -> int:
        """How many more answers a meeting link takes."""
        return max(0, claims.max_answers - AnswerCounter(self.data_dir).used(answer_key(token)))

    def store_answer(self, form: Form, record: dict, claims: LinkClaims, token: str) -> Receipt:
        """Store one answer; through a meeting link only if the link still takes one (else AnswerLimitReached)."""
        if not form.meeting_link:
            (receipt,) = self.store.append(form, [record], kanal="webb")
            return receipt
        counter = (answer_key(token), claims.max_answers)
        if isinstance(self.store, FileStore):
            (receipt,) = self.store.append(form, [record], kanal="webb", counter=counter)
            return receipt
        # Another store (a Google Sheet): the count is kept on disk beside it under its own lock.
        with self.counter_lock:
            AnswerCounter(self.data_dir).take(*counter)
            (receipt,) = self.store.append(form, [record], kanal="webb")
        return receipt

    def previous_answer(self, form: Form, binding: Binding) -> dict | None:
        """The answer that counts now for what the link binds, when the link alone identifies one."""
        # Only when the link fixes the whole key (school and year) is the answer the link's own.
        if not form.keyed or not set(form.key) <= set(form.bound_fields):
            return None
        latest = self.store.latest_for(form.id, {name: binding.bound_value(name) for name in form.key})
        # A withdrawn answer counts as not given: the school starts again from an empty form.
        return None if latest is None or is_withdrawn(latest) else latest


def bound_to(form: Form, binding: Binding, row: dict) -> bool:
    """Whether a stored row is the school's (or organisation's, and year's) the link binds: a link
    never shows another's answer."""
    return all(row.get(name, "") == binding.bound_value(name) for name in form.bound_fields)


def current_intake() -> Intake:
    """The Intake of the app handling the current request."""
    return current_app.extensions[EXTENSION]

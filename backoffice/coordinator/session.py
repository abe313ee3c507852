"""The coordinator's session: a signed cookie, HttpOnly, SameSite=Strict once signed in, 8 hours at most.

Flask's signed-cookie session holds who signed in, how and when, a session id and the CSRF code.
While a sign-in through the identity provider is under way the cookie is SameSite=Lax, because
the provider's answer arrives as a navigation from another site and must find the sign-in state;
from the moment someone is signed in it is Strict, so no other site can make the browser act in
the coordinator's name. The 8 hours run from signing in (not from the last click), and signing
out revokes the session id on the server too.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Callable

from flask import Flask, g, session
from flask.sessions import SecureCookieSessionInterface

COOKIE_NAME = "sip_samordnare"
COOKIE_PATH = "/samordnare/"
LIFETIME = dt.timedelta(hours=8)
PERSON, VIA, SINCE, SID, CSRF = "person", "via", "since", "sid", "csrf"


class CoordinatorSessionInterface(SecureCookieSessionInterface):
    """SameSite=Strict for a signed-in session, Lax for the state of a sign-in under way."""

    def save_session(self, app, session_, response):
        g.sip_signed_in = bool(session_.get(PERSON))
        super().save_session(app, session_, response)

    def get_cookie_samesite(self, app):
        return "Strict" if g.get("sip_signed_in") else "Lax"


def configure(app: Flask, secret: str, secure: bool) -> None:
    """Give the app the coordinator's sessions (its own key, derived from the service's secret)."""
    app.secret_key = hmac.new(secret.encode(), b"sip-handboken/samordnare/session", hashlib.sha256).hexdigest()
    app.session_interface = CoordinatorSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_PATH=COOKIE_PATH, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=secure, PERMANENT_SESSION_LIFETIME=LIFETIME,
        # The lifetime counts from signing in: never extended by activity.
        SESSION_REFRESH_EACH_REQUEST=False,
    )


def sign_in(person: str, via: str, clock: Callable[[], float] = time.time) -> str:
    """Start a new session for `person` (a fresh id and CSRF code); returns the session id."""
    session.clear()
    session.permanent = True
    sid = secrets.token_urlsafe(16)
    session.update({PERSON: person, VIA: via, SINCE: int(clock()), SID: sid, CSRF: secrets.token_urlsafe(24)})
    return sid


def signed_in_person(revoked: set[str], clock: Callable[[], float] = time.time) -> str | None:
    """The signed-in coordinator, or None (no session, expired, or signed out elsewhere)."""
    person = session.get(PERSON)
    if not person:
        return None
    since = session.get(SINCE)
    if not isinstance(since, int) or clock() - since > LIFETIME.total_seconds() or session.get(SID) in revoked:
        session.clear()
        return None
    return str(person)


def csrf_code() -> str:
    return str(session.get(CSRF) or "")


def csrf_ok(sent: str | None) -> bool:
    code = csrf_code()
    return bool(code and sent) and secrets.compare_digest(code, str(sent))


def sign_out() -> str | None:
    """End the session; returns its id so the server can refuse it from now on."""
    sid = session.get(SID)
    session.clear()
    return sid

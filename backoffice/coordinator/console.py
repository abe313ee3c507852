"""The coordinator's pages as one Flask blueprint under /samordnare/, and the gate in front of them.

`install(app, …)` adds the blueprint to the intake app with its own state (`Console`): who may
sign in, the identity provider, the revoked sessions and the background work. Every request to
/samordnare/ passes `_gate`: without a signed-in coordinator it gets the sign-in page and nothing
else; every post must carry the session's CSRF code and come from this site's own pages.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, Response, current_app, g, render_template, request

from backoffice.coordinator import session as sessions
from backoffice.coordinator.audit import record
from backoffice.coordinator.config import SignInConfig

EXTENSION = "sip_samordnare"
PREFIX = "/samordnare"
# Endpoints that must open without a session: the ways in.
OPEN_ENDPOINTS = {"samordnare.sign_in_page", "samordnare.invite_page", "samordnare.invite_use",
                  "samordnare.oidc_start", "samordnare.oidc_answer"}

# Endpoints that take a file, and how large it may be.
UPLOADS = {"samordnare.upload_addresses", "samordnare.upload_areas", "samordnare.upload_import"}
UPLOAD_LIMIT = 2 * 1024 * 1024

blueprint = Blueprint("samordnare", __name__, url_prefix=PREFIX, template_folder="templates")


@dataclass
class Console:
    """What the coordinator's pages share in one app."""

    data_dir: Path
    config: SignInConfig
    secret: str = field(repr=False, default="")
    provider: object | None = None  # an IdentityProvider when one is configured
    public_url: str | None = None
    clock: Callable[[], float] = time.time
    revoked: set[str] = field(default_factory=set)
    jobs: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def install(app: Flask, *, data_dir: Path, secret: str, public_url: str | None, config: SignInConfig,
            clock: Callable[[], float] = time.time) -> Console:
    """Add the coordinator's side to an app (its sessions, its state, its pages)."""
    # The pages register their routes on the blueprint when imported.
    from backoffice.coordinator import (compile_views, edit_views, import_views, mail_views,  # noqa: F401
                                        signin_views, views)
    from backoffice.coordinator.oidc import IdentityProvider

    sessions.configure(app, secret, secure=bool(public_url and public_url.startswith("https://")))
    console = Console(data_dir=Path(data_dir), config=config, secret=secret, public_url=public_url, clock=clock,
                      revoked=_revoked_sessions(Path(data_dir), clock))
    app.extensions[EXTENSION] = console
    if config.identity_provider:
        console.provider = IdentityProvider(app, config)
    app.register_blueprint(blueprint)
    return console


def _revoked_sessions(data_dir: Path, clock: Callable[[], float]) -> set[str]:
    """Sessions signed out in the last 8 hours (they must stay refused after a restart)."""
    from backoffice.coordinator.audit import audit_log

    return {r["session"] for r in audit_log(data_dir).records() if r.get("handling") == "utloggning" and r.get("session")}


def current_console() -> Console:
    return current_app.extensions[EXTENSION]


def person() -> str:
    """The signed-in coordinator (the gate has made sure there is one)."""
    return g.sip_person


def log_action(action: str, **details) -> dict:
    """Write one of the signed-in coordinator's actions to the audit log."""
    return record(current_console().data_dir, person(), action, **details)


def page(title: str, template: str, status: int = 200, **context) -> Response:
    """A coordinator page: a template's body in the site's frame, with the coordinator's menu."""
    from backoffice.intake.pages import render_page

    context.setdefault("person", g.get("sip_person"))
    context.setdefault("csrf", sessions.csrf_code())
    body = render_template(f"samordnare/{template}", **context)
    response = render_page(title, body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def base_url() -> str:
    """The address people use: the configured public address, never the request's Host header
    (without one, links are written from the site's root, as relative addresses)."""
    return (current_console().public_url or "").rstrip("/")


@blueprint.before_app_request
def _gate():
    # App-wide, so an address under /samordnare/ that matches no page (or not with this method)
    # also meets the gate first: without a session, nothing but the sign-in page is answered.
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return None
    console = current_console()
    g.sip_person = sessions.signed_in_person(console.revoked, console.clock)
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if g.sip_person is None:
        from backoffice.coordinator.signin_views import sign_in_page

        return sign_in_page(status=401)
    if request.endpoint in UPLOADS:
        # An address file may be larger than any form post (the app's limit is 64 KB).
        request.max_content_length = request.max_form_memory_size = UPLOAD_LIMIT
    if request.method == "POST" and not _genuine_post():
        return page("Åtgärden gjordes inte", "avvisad.html", 403)
    return None


def _genuine_post() -> bool:
    """A post from this site's own page in this session (CSRF code and origin both checked)."""
    from backoffice.intake.security import same_origin

    return sessions.csrf_ok(request.form.get("csrf")) and same_origin(
        request.headers, [request.host_url, current_console().public_url])


@blueprint.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest: str):
    """Any other address under /samordnare/: past the gate (signed in), a Swedish 404."""
    from backoffice.intake.pages import error_page

    return error_page(404)

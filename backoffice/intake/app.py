"""The intake service: the built site plus the form pages and their posts, as one Flask app.

`create_app(site_dir, data_dir)` returns a WSGI app that `sip-backoffice serve` runs under waitress.
It holds one `Intake` (see `service`) and the blueprints listed in `BLUEPRINTS`; every page the
service writes is a built page of the site with its article swapped (`shell`), so it looks like
the handbook, every error is a Swedish page (`pages`), and every response carries security
headers and a CSP derived from the built site (`security`).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from backoffice import config
from backoffice.errors import SipError
from backoffice.forms import schema as schemas
from backoffice.intake import form_routes, site
from backoffice.intake.links import LinkSigner, load_secret
from backoffice.intake.pages import add_error_pages
from backoffice.intake.ratelimit import RateLimiter
from backoffice.intake.security import add_security_headers
from backoffice.intake.service import EXTENSION, Intake
from backoffice.intake.shell import Shell
from backoffice.store.files import FileStore

MAX_BODY = 64 * 1024
# Posts to meeting-link forms (anonymous links handed to families) are rate-limited: (posts,
# seconds) per client address and per link. A family of four on one network stays far below either.
MEETING_RATE_PER_CLIENT = (30, 600)
MEETING_RATE_PER_LINK = (10, 600)
# Every part of the service, registered in this order. The site's files come last only for the
# reader: routing prefers the more specific rules whatever the order.
BLUEPRINTS = (form_routes.blueprint, site.blueprint)


class SiteNotBuilt(SipError):
    """The site directory has no built site to serve."""


def create_app(site_dir, data_dir=None, *, store=None, register=None, secret: str | None = None,
               max_body: int = MAX_BODY, meeting_rate_per_client: tuple[int, float] = MEETING_RATE_PER_CLIENT,
               meeting_rate_per_link: tuple[int, float] = MEETING_RATE_PER_LINK,
               public_url: str | None = None, sign_in=None, clock=None) -> Flask:
    """The intake service as a Flask app: the built site plus the form pages and their posts.

    `public_url` is the address people use (https://sip.example.se behind a proxy); links the
    service writes, such as the meeting link on a meeting report's receipt, start with it.
    `sign_in` (a SignInConfig) says who may sign in on the coordinator's side (default: the
    edition's and the environment's settings); `clock` is the time the sign-in sessions go by.
    """
    shell = Shell(_built_site(site_dir))
    data_dir = Path(data_dir) if data_dir is not None else config.default_data_dir()
    if register is None:
        from backoffice.register import load_register

        register = load_register()
    secret = secret or load_secret(data_dir)
    intake = Intake(
        shell=shell,
        signer=LinkSigner(secret),
        store=store if store is not None else FileStore(data_dir),
        register=register,
        forms=tuple(f for f in schemas.form_ids() if shell.has_form_page(f)),
        data_dir=data_dir,
        per_client=RateLimiter(*meeting_rate_per_client),
        per_link=RateLimiter(*meeting_rate_per_link),
        public_url=public_url,
    )
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=max_body, MAX_FORM_MEMORY_SIZE=max_body, MAX_FORM_PARTS=200)
    app.extensions[EXTENSION] = intake
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    _install_coordinator(app, data_dir, secret, public_url, sign_in, clock)
    add_error_pages(app)
    add_security_headers(app, shell)
    return app


def _install_coordinator(app: Flask, data_dir: Path, secret: str, public_url, sign_in, clock) -> None:
    import time

    from backoffice.coordinator.config import SignInConfig
    from backoffice.coordinator.console import install
    from backoffice.edition import load_edition

    config = sign_in if sign_in is not None else SignInConfig.from_edition(load_edition().section("sign_in"))
    install(app, data_dir=data_dir, secret=secret, public_url=public_url, config=config, clock=clock or time.time)


def _built_site(site_dir) -> Path:
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").exists():
        raise SiteNotBuilt(f"Webbplatsen är inte byggd: {site_dir / 'index.html'} saknas. Bygg den med "
                           "`mkdocs build` (till exempel med `make site`).")
    return site_dir


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8, proxy: str | None = None) -> None:
    """Run the app under waitress until interrupted.

    With `proxy` (the address of nginx in front), waitress takes the client's address and scheme
    from that proxy's X-Forwarded-For and X-Forwarded-Proto, and from nobody else: the rate limits
    then see each client, not the proxy. Without it, forwarded headers are dropped.
    """
    import sys

    import waitress

    from backoffice.coordinator.console import UPLOAD_LIMIT

    # A thread holding the store's lock gives up the interpreter at every fsync and system call;
    # at Python's default of 5 ms it may then wait that long to get it back while the others
    # parse requests. 1 ms keeps the lock moving (bench/bench_intake.py: ~0.4 → ~0.55 of a bare app).
    sys.setswitchinterval(0.001)

    # The app refuses larger bodies itself, per page (64 KB for a form post); waitress stops only
    # what no page takes at all: more than the coordinator's largest upload.
    trust = {"trusted_proxy": proxy, "trusted_proxy_count": 1,
             "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}} if proxy else {}
    # Slow clients are the proxy's to absorb (deploy/nginx-sip-handboken.conf buffers whole requests);
    # waitress's own limits are set for a service that nginx alone talks to.
    waitress.serve(app, host=host, port=port, threads=threads, ident="sip-backoffice",
                   max_request_body_size=UPLOAD_LIMIT * 2, clear_untrusted_proxy_headers=True,
                   channel_timeout=60, connection_limit=200, cleanup_interval=15, **trust)

"""A real OpenID provider on 127.0.0.1 for the sign-in tests, and a proxy that plays a man in the middle.

The provider is node-oidc-provider (tests/oidc, installed by `make test`) with its development login
form: any user name signs in, and a name with an @ is that person's e-mail address.
"""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests

from mail_support import free_port

OIDC_DIR = Path(__file__).parent / "oidc"
CLIENT_ID = "sip-handboken-test"
CLIENT_SECRET = "test-klienthemlighet-" + "x" * 24


class MissingProvider(RuntimeError):
    pass


@dataclass
class Provider:
    issuer: str
    port: int
    process: subprocess.Popen = field(repr=False)


@contextlib.contextmanager
def running_provider(redirect_uris: list[str], *, id_token_ttl: int = 3600, groups: str = "",
                     issuer: str | None = None, port: int | None = None):
    """Start node-oidc-provider on a free port (or `port`); yields it. `issuer` is the address it
    calls itself, when a proxy stands in front of it."""
    node = shutil.which("node")
    if node is None or not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        raise MissingProvider("OpenID-leverantören för testerna saknas: kör make test (den installerar "
                              "tests/oidc med npm).")
    port = port or free_port()
    own = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_ISSUER": issuer or own, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "OIDC_REDIRECT_URIS": ",".join(redirect_uris), "OIDC_ID_TOKEN_TTL": str(id_token_ttl),
           "OIDC_GROUPS": groups}
    process = subprocess.Popen([node, "provider.mjs"], cwd=OIDC_DIR, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{own}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise MissingProvider(f"OpenID-leverantören startade inte: {process.stdout.read()}")
            time.sleep(0.1)
        yield Provider(issuer or own, port, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


class Tamper:
    """What the man in the middle does to the provider's token answers (to this server, never the browser)."""

    def __init__(self):
        self.token_delay = 0.0                             # seconds before passing the answer on
        self.id_token: Callable[[str], str] | None = None  # rewrites the ID token in the answer


@contextlib.contextmanager
def man_in_the_middle(port: int, upstream: str, tamper: Tamper):
    """A reverse proxy on 127.0.0.1:`port` in front of the provider (which calls itself by the
    proxy's address); everything passes through unchanged except what `tamper` says."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _relay(self, method: str):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "connection")}
            answer = requests.request(method, upstream + self.path, data=body, headers=headers, timeout=10,
                                      allow_redirects=False, stream=True)
            content = answer.raw.read(decode_content=True)
            if self.path.startswith("/token"):
                time.sleep(tamper.token_delay)
                if tamper.id_token and answer.ok:
                    document = json.loads(content)
                    document["id_token"] = tamper.id_token(document["id_token"])
                    content = json.dumps(document).encode()
            self.send_response(answer.status_code)
            skip = ("content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive")
            for name, value in answer.raw.headers.items():  # each Set-Cookie on its own line
                if name.lower() not in skip:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def do_GET(self):
            self._relay("GET")

        def do_POST(self):
            self._relay("POST")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def sign_in_at_provider(page, user: str) -> None:
    """Fill in the provider's development login form (any password) and go on."""
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", "vilket-som-helst")
    page.click("button[type=submit]")

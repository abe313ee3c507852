"""Helpers for the intake tests: a real waitress server on 127.0.0.1 and a few form-filling helpers."""
from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
import requests
import waitress

from backoffice.intake.app import create_app
from backoffice.intake.links import LinkSigner, form_url
from backoffice.register import load_register

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
SIP_BACKOFFICE = Path(sys.executable).with_name("sip-backoffice")
SECRET = "intake-tests-secret-" + "k" * 40
LASAR = "2025/26"

# A complete, valid answer to the annual form, as a rector would fill it in.
ARSUPPFOLJNING = {
    "sip_initierade": "4",
    "sip_deltagit": "7",
    "behov": "Mer tid för samordning och en tydligare rutin för kallelser.",
    "avvikelse_utredd": "ja",
    "avvikelser_utredda": "2",
    "sip_kunnig_utsedd": "ja",
}
AVVIKELSE = {
    "datum": "2025-03-14",
    "kategori": "Kallad verksamhet deltog inte",
    "berorda_verksamheter": ["skola", "BUP"],
    "lost_i_chefslinjen": "pågår",
    "handelseanalys": "nej",
    "rapporterad_medcontrol": "ja",
    "beskrivning": "BUP var kallad men kom inte till mötet och skickade ingen ersättare.",
}


@dataclass
class Server:
    """A running intake service: its address, store directory and a signer for making links."""

    base_url: str
    data_dir: Path
    signer: LinkSigner

    def link(self, form_id: str, school: str, lasar: str = LASAR, **kwargs) -> str:
        """A signed link for one school, as `sip-backoffice links` would write it."""
        return form_url(self.base_url, form_id, self.signer.make_token(form_id, school, lasar, **kwargs))

    def form_url(self, form_id: str) -> str:
        return f"{self.base_url}/blanketter/{form_id}/"


@contextlib.contextmanager
def running_server(site_dir: Path, data_dir: Path, threads: int = 8, store=None, port: int = 0, **app_options):
    """Start the intake app under waitress on a free port of 127.0.0.1; stop it afterwards.

    `app_options` go to create_app (for example smaller rate limits for a test).
    """
    # The service writes links with its configured address only (never the request's Host), as
    # `serve` configures it: the test server's own address unless a test gives another.
    port = port or free_port()
    app_options.setdefault("public_url", f"http://127.0.0.1:{port}")
    app = create_app(site_dir, data_dir, secret=SECRET, store=store, **app_options)
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=threads)
    stop = threading.Event()

    def loop():
        # Poll in short rounds so the loop's own thread closes the sockets (no select on a closed fd).
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown()
        server.asyncore.close_all(server._map)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.effective_port}", data_dir, LinkSigner(SECRET))
    finally:
        stop.set()
        thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_command(site_dir: Path, data_dir: Path, env: dict, *options: str):
    """Run `sip-backoffice serve` in its own process on a free port of 127.0.0.1, as an operator would.

    Yields the base URL and the file the command writes its output to; stops the server afterwards.
    """
    port = free_port()
    log_path = Path(data_dir).parent / f"serve-{port}.log"
    command = [str(SIP_BACKOFFICE), "serve", "--host", "127.0.0.1", "--port", str(port), "--site", str(site_dir),
               "--data", str(data_dir), *options]
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "w", encoding="utf-8") as log:
        # The output goes to a file: an unread pipe fills up and would stall the server.
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(base_url, process, log_path)
            yield base_url, log_path
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(base_url: str, process, log_path: Path, attempts: int = 300) -> None:
    for _ in range(attempts):
        if process.poll() is not None:
            pytest.fail(f"sip-backoffice serve stopped:\n{log_path.read_text(encoding='utf-8')}")
        try:
            requests.get(base_url + "/", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail(f"sip-backoffice serve did not answer on {base_url}")


@pytest.fixture
def intake_server(built_site, tmp_path):
    """A fresh intake service (own empty store) serving the site built once per session."""
    with running_server(built_site, tmp_path / "store") as server:
        yield server


@pytest.fixture(scope="session")
def schools() -> list[str]:
    """Real school codes from the shipped register, sorted."""
    return sorted(load_register())


def page_text(html: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs (link token and CSRF token) of a rendered form."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def open_form(session: requests.Session, url: str) -> dict[str, str]:
    """GET a form through its link, as a browser would; returns the hidden fields to send back."""
    response = session.get(url, timeout=10)
    assert response.status_code == 200, response.text[:500]
    fields = hidden_fields(response.text)
    assert {"lank", "csrf"} <= set(fields), "the bound form should carry the link and CSRF tokens"
    return fields


def submit(session: requests.Session, server: Server, form_id: str, link: str, answer: dict):
    """Open a link and post an answer through it (no JavaScript, like a plain browser)."""
    fields = open_form(session, link)
    return session.post(server.form_url(form_id), data={**fields, **answer}, timeout=30)


def receipt_number(html: str) -> str:
    """The receipt number shown on a receipt page."""
    match = re.search(r'class="sip-kvitto">(SIP-\d{4}-[0-9A-Z]{6})<', html)
    assert match, "no receipt number on the page"
    return match.group(1)


def frictionless_validate(data_dir: Path) -> subprocess.CompletedProcess:
    """Run the stock `frictionless validate` on a store's datapackage.json."""
    return subprocess.run([str(FRICTIONLESS), "validate", str(Path(data_dir) / "datapackage.json")],
                          capture_output=True, text=True)

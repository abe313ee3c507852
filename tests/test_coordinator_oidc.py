"""Signing in with the organisation's identity provider: a real OpenID provider on 127.0.0.1, a real browser.

The provider is node-oidc-provider (tests/oidc). Each refusal the issue names is played for real:
a wrong issuer, a bad signature (a man in the middle changes the ID token on its way to this
server), an expired token (the token answer is delayed past the token's life), a person who is
not a coordinator.
"""
from __future__ import annotations

import base64
import contextlib

import pytest

from backoffice.coordinator.config import SignInConfig
from intake_support import running_server
from mail_support import free_port
from oidc_support import CLIENT_ID, CLIENT_SECRET, Tamper, man_in_the_middle, running_provider, sign_in_at_provider

COORDINATOR = "anna.samordnare@example.se"


@contextlib.contextmanager
def service(built_site, tmp_path, issuer: str, *, leeway: int = 60, port: int | None = None):
    port = port or free_port()
    config = SignInConfig(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          coordinators=frozenset({COORDINATOR}), leeway=leeway)
    with running_server(built_site, tmp_path / "store", port=port, sign_in=config,
                        public_url=f"http://127.0.0.1:{port}") as server:
        yield server


def callback(port: int) -> str:
    return f"http://127.0.0.1:{port}/samordnare/oidc/svar"


def start_sign_in(browser_context, server, user: str):
    page = browser_context.new_page()
    page.goto(f"{server.base_url}/samordnare/")
    assert "Logga in som SIP-samordnare" in page.inner_text("main")
    page.click("text=Logga in med organisationens konto")
    sign_in_at_provider(page, user)
    page.wait_for_load_state("networkidle")
    return page


def test_a_coordinator_signs_in_with_the_organisations_account(built_site, tmp_path, browser_context):
    port = free_port()
    with running_provider([callback(port)]) as provider, service(built_site, tmp_path, provider.issuer, port=port) as server:
        page = start_sign_in(browser_context, server, COORDINATOR)
        page.wait_for_url(f"{server.base_url}/samordnare/")
        assert f"Inloggad som {COORDINATOR}" in page.inner_text("main")
        cookie = next(c for c in browser_context.cookies() if c["name"] == "sip_samordnare")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/samordnare/"
        log = (server.data_dir / "handelser.jsonl").read_text(encoding="utf-8")
        assert COORDINATOR in log and "identitetsleverantör" in log


def test_someone_not_on_the_list_is_refused_in_swedish(built_site, tmp_path, browser_context):
    port = free_port()
    with running_provider([callback(port)]) as provider, service(built_site, tmp_path, provider.issuer, port=port) as server:
        page = start_sign_in(browser_context, server, "rektor@example.se")
        assert "finns inte bland SIP-samordnarna" in page.inner_text("main")
        page.goto(f"{server.base_url}/samordnare/")
        assert "Logga in som SIP-samordnare" in page.inner_text("main")


def test_a_provider_calling_itself_another_issuer_is_refused(built_site, tmp_path, browser_context):
    port = free_port()
    with running_provider([callback(port)]) as provider:
        # The same provider under another name: its discovery document names 127.0.0.1, not localhost.
        wrong = provider.issuer.replace("127.0.0.1", "localhost")
        with service(built_site, tmp_path, wrong, port=port) as server:
            page = browser_context.new_page()
            page.goto(f"{server.base_url}/samordnare/oidc/start")
            assert "en annan utfärdare än den som är inställd" in page.inner_text("main")
            assert page.url.startswith(server.base_url)  # nobody was sent to the provider


def flip_signature(token: str) -> str:
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return f"{head}.{body}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


@pytest.mark.parametrize("case", ["signature", "expired"])
def test_a_tampered_or_expired_id_token_is_refused(built_site, tmp_path, browser_context, case):
    port, proxy_port = free_port(), free_port()
    tamper = Tamper()
    ttl, leeway = 3600, 60
    if case == "signature":
        tamper.id_token = flip_signature
    else:
        # A token living one second, handed over three seconds late, with no slack allowed.
        ttl, leeway, tamper.token_delay = 1, 0, 3.0
    proxy = f"http://127.0.0.1:{proxy_port}"
    with running_provider([callback(port)], issuer=proxy, id_token_ttl=ttl) as provider, \
            man_in_the_middle(proxy_port, f"http://127.0.0.1:{provider.port}", tamper), \
            service(built_site, tmp_path, proxy, port=port, leeway=leeway) as server:
        page = start_sign_in(browser_context, server, COORDINATOR)
        text = page.inner_text("main")
        expected = "inte korrekt signerat" if case == "signature" else "hann gå ut"
        assert expected in text
        assert "Inloggad som" not in text
        page.goto(f"{server.base_url}/samordnare/")
        assert "Logga in som SIP-samordnare" in page.inner_text("main")
        assert "inloggning nekad" in (server.data_dir / "handelser.jsonl").read_text(encoding="utf-8")


def test_the_coordinators_pages_pass_axe(built_site, tmp_path, browser_context):
    from browser_support import format_violations, run_axe

    port = free_port()
    with running_provider([callback(port)]) as provider, service(built_site, tmp_path, provider.issuer, port=port) as server:
        page = browser_context.new_page()
        page.goto(f"{server.base_url}/samordnare/")
        violations = run_axe(page)
        assert not violations, format_violations(violations, "inloggningssidan: ")
        page = start_sign_in(browser_context, server, COORDINATOR)
        page.wait_for_url(f"{server.base_url}/samordnare/")
        for path in ("/samordnare/", "/samordnare/logg", "/samordnare/?blankett=avvikelse",
                     "/samordnare/?blankett=delaktighet"):
            page.goto(server.base_url + path)
            violations = run_axe(page)
            assert not violations, format_violations(violations, f"{path}: ")

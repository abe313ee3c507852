"""The service's security headers: a Content-Security-Policy derived from the built site, and the rest.

Also the same-origin check that backs the CSRF token on every post.
"""
from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response

from backoffice.intake.shell import Shell

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # The links carry tokens: never send the address on to another page or site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def inline_script_hashes(shell: Shell) -> list[str]:
    """CSP hash sources for every inline script in the built site."""
    found = set()
    for body in shell.inline_scripts():
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        found.add("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return sorted(found)


def content_security_policy(shell: Shell) -> str:
    """The CSP for the site: only its own files, plus the exact inline scripts it was built with."""
    scripts = " ".join(["'self'"] + inline_script_hashes(shell))
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        # Material's stylesheet draws its icons from data: URIs.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def add_security_headers(app: Flask, shell: Shell) -> None:
    """Give every response of `app` the CSP and the security headers."""
    headers = {"Content-Security-Policy": content_security_policy(shell), **SECURITY_HEADERS}

    @app.after_request
    def secure(response: Response) -> Response:
        response.headers.update(headers)
        return response


def same_origin(headers, origins: list[str | None]) -> bool:
    """Whether a post comes from a page of this site (a CSRF defence beside the token)."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # Every current browser says where a post comes from, whatever proxy sits in between.
        return fetch_site in ("same-origin", "none")
    origin = headers.get("Origin")
    # "null" is what browsers send under our Referrer-Policy: no-referrer.
    return origin in (None, "null") or origin.rstrip("/") in {o.rstrip("/") for o in origins if o}

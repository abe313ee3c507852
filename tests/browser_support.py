"""Browser test helpers: Debian's Chromium via Playwright, a loopback web server, axe, request log."""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
# The flags the project requires; never `playwright install`.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LOCAL_HOSTS = {"127.0.0.1"}
# Schemes that never reach a network.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}


class MissingChromium(RuntimeError):
    """Chromium is not installed where the tests expect it."""


def launch_chromium(playwright):
    """Launch Debian's Chromium headless with the required flags; a clear error when it is missing."""
    if not CHROMIUM.exists():
        raise MissingChromium(
            f"{CHROMIUM} saknas: installera Debians Chromium "
            "(apt-get install -y --no-install-recommends chromium), som .ci/run gör."
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@contextlib.contextmanager
def serve_directory(directory):
    """Serve a directory on 127.0.0.1 on a free port; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def is_local(url: str) -> bool:
    """True when fetching this URL stays on the loopback host (or needs no network at all)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


class RequestRecorder:
    """Records every request a browser context makes (attach before the first navigation)."""

    def __init__(self, context_or_page):
        self.urls: list[str] = []
        context_or_page.on("request", lambda request: self.urls.append(request.url))

    def foreign(self) -> list[str]:
        """The recorded requests that left 127.0.0.1."""
        return [url for url in self.urls if not is_local(url)]


def run_axe(page, tags=AXE_TAGS, context=None) -> list[dict]:
    """Run the bundled axe-core on the loaded page; returns its violations (empty when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return Axe().run(page, context=context, options=options).response["violations"]


def format_violations(violations, label: str = "") -> str:
    """A readable summary of axe violations: rule, impact, help and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"{label}{violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"[{len(violation['nodes'])} element]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)

"""Shared fixtures: the built handbook site, a loopback server for it, and Debian's Chromium."""
from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import MissingChromium, launch_chromium, serve_directory
from site_support import build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The default edition built with --strict into a temporary directory (once per session)."""
    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def skane_site(tmp_path_factory) -> Path:
    """The sydvästra Skåne edition built with --strict (once per session)."""
    return build_site(tmp_path_factory.mktemp("skane"), edition="sydvastra-skane")


@pytest.fixture(scope="session")
def site_pages(built_site) -> list[Path]:
    """Every built HTML page (not the 404 page), sorted."""
    return sorted(p for p in built_site.rglob("index.html"))


@pytest.fixture(scope="session")
def site_server(built_site) -> str:
    """The built site served on 127.0.0.1; the base URL ends in '/'."""
    with serve_directory(built_site) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright driver for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's Chromium, headless; fails (never skips) with a clear message when it is missing."""
    try:
        chromium = launch_chromium(playwright_instance)
    except MissingChromium as error:
        pytest.fail(str(error))
    yield chromium
    chromium.close()


@pytest.fixture
def browser_context(browser):
    """A fresh browser context (own localStorage) per test, closed afterwards."""
    context = browser.new_context(locale="sv-SE")
    yield context
    context.close()

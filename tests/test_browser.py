"""The built handbook in a real browser: axe on every page, no foreign requests, search, checklists."""
from __future__ import annotations

import re

import pytest

from browser_support import RequestRecorder, format_violations, run_axe, serve_directory

SEARCH_INPUT = "input.md-search__input"
CONSENT_CHECKLIST = "checklistor/samtycke/"


@pytest.fixture(scope="module")
def page_urls(built_site, site_pages, site_server) -> list[str]:
    """The URL of every built page, served on 127.0.0.1."""
    urls = []
    for page in site_pages:
        relative = page.relative_to(built_site).parent.as_posix()
        urls.append(site_server + ("" if relative == "." else relative + "/"))
    # The "page not found" page is a page too.
    if (built_site / "404.html").exists():
        urls.append(site_server + "404.html")
    return urls


@pytest.fixture(scope="module")
def visited(browser, page_urls):
    """Every page loaded once in one context: the axe violations per URL and every request made."""
    context = browser.new_context(locale="sv-SE")
    recorder = RequestRecorder(context)
    violations = {}
    for url in page_urls:
        page = context.new_page()
        page.goto(url, wait_until="load")
        violations[url] = run_axe(page)
        page.close()
    context.close()
    return violations, recorder


def test_every_page_has_no_axe_violations(visited, page_urls):
    violations, _ = visited
    assert len(violations) == len(page_urls) >= 30
    failing = {url: found for url, found in violations.items() if found}
    report = "\n".join(format_violations(found, label=f"{url}: ") for url, found in failing.items())
    assert not failing, f"axe hittade brister (WCAG 2.0/2.1 A/AA och best practice):\n{report}"


def test_no_request_leaves_the_loopback_host(visited):
    _, recorder = visited
    assert recorder.urls, "inga förfrågningar registrerades"
    assert not recorder.foreign(), f"förfrågningar till andra värdar: {recorder.foreign()}"


def test_swedish_search_for_samtycke_finds_the_consent_checklist(browser_context, site_server):
    recorder = RequestRecorder(browser_context)
    page = browser_context.new_page()
    page.goto(site_server, wait_until="load")
    page.click(SEARCH_INPUT)
    page.keyboard.type("samtycke")
    result = page.locator(f'.md-search-result__item a[href*="{CONSENT_CHECKLIST}"]').first
    result.wait_for(state="visible", timeout=30000)
    assert "Samtycke" in result.inner_text()
    assert not recorder.foreign()


def test_a_ticked_checklist_box_stays_ticked_after_reload(browser_context, site_server):
    page = browser_context.new_page()
    page.goto(site_server + CONSENT_CHECKLIST, wait_until="load")
    boxes = page.locator(".sip-checklista input.sip-kryss")
    assert boxes.count() >= 3
    first = boxes.nth(0)
    # Ticking by the label proves the label is tied to its box.
    label_for = first.get_attribute("id")
    page.click(f'label[for="{label_for}"]')
    assert first.is_checked()
    page.reload(wait_until="load")
    boxes = page.locator(".sip-checklista input.sip-kryss")
    assert boxes.nth(0).is_checked()
    assert not boxes.nth(1).is_checked()
    # "Töm listan" clears the list, also after another reload.
    page.get_by_role("button", name="Töm listan").click()
    page.reload(wait_until="load")
    assert not page.locator(".sip-checklista input.sip-kryss").nth(0).is_checked()


def test_checklist_prints_without_navigation_and_with_visible_boxes(browser_context, site_server):
    page = browser_context.new_page()
    page.goto(site_server + CONSENT_CHECKLIST, wait_until="load")
    page.locator(".sip-checklista input.sip-kryss").first.check()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
                   ".md-search", ".sip-nollstall"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} syns i utskrift"
    boxes = page.locator(".sip-checklista input.sip-kryss")
    assert boxes.count() >= 3
    assert all(boxes.nth(i).is_visible() for i in range(boxes.count()))
    assert boxes.first.is_checked()
    assert page.locator("h1").is_visible()
    # How to tick on screen is no use on paper.
    assert not page.get_by_text("Kryssen sparas bara i din webbläsare").is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_text("Kryssen sparas bara i din webbläsare").is_visible()


def test_every_checklist_prints_on_one_a4_sheet(browser_context, site_server, built_site):
    page = browser_context.new_page()
    checklists = sorted(p.parent.name for p in (built_site / "checklistor").glob("*/index.html"))
    assert len(checklists) >= 8
    sheets = {}
    for checklist in checklists:
        page.goto(f"{site_server}checklistor/{checklist}/", wait_until="load")
        pdf = page.pdf(format="A4")
        sheets[checklist] = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert all(count == 1 for count in sheets.values()), f"antal A4-sidor per checklista: {sheets}"


@pytest.mark.parametrize("path", ["", "steg-for-steg/kalla/", CONSENT_CHECKLIST, "rutiner/avvikelser/"])
def test_phone_sized_pages_have_no_axe_violations(browser, site_server, path):
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site_server + path, wait_until="load")
    violations = run_axe(page)
    context.close()
    assert not violations, format_violations(violations, label=f"{path or '/'} (mobil): ")


@pytest.fixture(scope="module")
def skane_visited(browser, skane_site):
    """Every page the sydvästra Skåne edition builds, loaded once on a phone-sized screen: axe per URL."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844}, is_mobile=True)
    recorder = RequestRecorder(context)
    violations = {}
    with serve_directory(skane_site) as base_url:
        paths = [p.relative_to(skane_site).parent.as_posix() for p in sorted(skane_site.rglob("index.html"))]
        for path in paths + ["404.html"]:
            page = context.new_page()
            page.goto(base_url + ("" if path == "." else path if path.endswith(".html") else path + "/"),
                      wait_until="load")
            violations[path] = run_axe(page)
            page.close()
    context.close()
    return violations, recorder


def test_every_skane_edition_page_has_no_axe_violations_and_stays_on_the_host(skane_visited, skane_site):
    # The edition's own pages differ: its practice, other regions' facts labelled, its own forms.
    violations, recorder = skane_visited
    assert len(violations) == len(list(skane_site.rglob("index.html"))) + 1 >= 30
    failing = {path: found for path, found in violations.items() if found}
    report = "\n".join(format_violations(found, label=f"Skåne {path} (mobil): ") for path, found in failing.items())
    assert not failing, report
    assert recorder.urls and not recorder.foreign(), recorder.foreign()

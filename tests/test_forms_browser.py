"""The forms in a real browser (Debian's Chromium): keyboard only, error summary, receipt, axe, CSP."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backoffice.store.files import read_rows
from browser_support import format_violations, run_axe
from intake_support import LASAR, intake_server, schools  # noqa: F401

# Collects Content-Security-Policy violations in the page, so a blocked script fails the test.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def page(browser_context):
    browser_context.add_init_script(CSP_WATCH)
    page = browser_context.new_page()
    yield page
    page.close()


def assert_clean(page, label: str):
    violations = run_axe(page)
    assert not violations, f"axe hittade brister på {label}:\n{format_violations(violations)}"
    assert page.evaluate("window.__cspViolations") == [], f"CSP blockerade något på {label}"


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 250):
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab nådde aldrig #{element_id}")


def test_annual_form_with_the_keyboard_only(page, intake_server, schools):
    school = schools[3]
    page.goto(intake_server.link("arsuppfoljning", school), wait_until="load")
    assert page.locator(".sip-binding").inner_text().count(school) == 1
    assert_clean(page, "blanketten med länk")
    # The conditional question is hidden until "ja" is chosen (JavaScript is on here).
    assert page.locator("#falt-avvikelser_utredda").is_hidden()

    tab_to(page, "f-sip_initierade")
    page.keyboard.type("-2")  # a bad value: fewer than 0
    page.keyboard.press("Tab")
    assert active_id(page) == "f-sip_deltagit"
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert active_id(page) == "f-behov"
    page.keyboard.type("Tid för samordning.")
    # The live counter follows the typing (after a short pause, so readers are not flooded).
    expect(page.locator("#f-behov-counter")).to_contain_text("1981 tecken kvar")
    page.keyboard.press("Tab")
    assert active_id(page) == "f-avvikelse_utredd-0"  # "Ja", the first radio
    page.keyboard.press("Space")
    assert page.locator("#falt-avvikelser_utredda").is_visible()
    page.keyboard.press("Tab")
    assert active_id(page) == "f-avvikelser_utredda"
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    assert active_id(page) == "f-sip_kunnig_utsedd-0"
    page.keyboard.press("ArrowRight")  # arrows move within a radio group and choose "Nej"
    assert page.locator("#f-sip_kunnig_utsedd-1").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".sip-error-summary")
    assert summary.is_visible()
    assert "sip-error-summary" in page.evaluate("document.activeElement.className")  # focus moved there
    assert read_rows(intake_server.data_dir, "arsuppfoljning") == []
    # What was typed is still there, and the error is also shown at the field.
    assert page.locator("#f-sip_initierade").input_value() == "-2"
    assert page.locator("#f-behov").input_value() == "Tid för samordning."
    assert page.locator("#f-sip_initierade-error").is_visible()
    assert_clean(page, "blanketten med fel")

    page.keyboard.press("Tab")  # the first link in the summary
    link = page.evaluate("document.activeElement.getAttribute('href')")
    assert link == "#f-sip_initierade"
    page.keyboard.press("Enter")
    assert active_id(page) == "f-sip_initierade"
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from the field
    receipt = page.locator(".sip-receipt")
    assert receipt.is_visible()
    number = page.locator(".sip-kvitto").inner_text().strip()
    assert page.locator("h1").inner_text() == "Tack! Ditt svar är mottaget"
    (row,) = read_rows(intake_server.data_dir, "arsuppfoljning")
    assert (row["kvitto"], row["skolenhetskod"], row["lasar"]) == (number, school, LASAR)
    assert (row["sip_initierade"], row["sip_deltagit"], row["avvikelser_utredda"], row["sip_kunnig_utsedd"]) == \
        ("2", "3", "1", "nej")
    assert_clean(page, "kvittot")


def test_without_javascript_the_conditional_question_is_shown_with_its_hint(browser, intake_server, schools):
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    page.goto(intake_server.link("arsuppfoljning", schools[4]), wait_until="load")
    assert page.locator("#f-avvikelser_utredda").is_visible()
    assert "Svara bara om du har svarat ja" in page.locator("#f-avvikelser_utredda-hint").inner_text()
    page.check("#f-avvikelse_utredd-1")  # nej
    page.fill("#f-avvikelser_utredda", "3")  # contradicts "nej": the server says so
    page.fill("#f-sip_initierade", "1")
    page.fill("#f-sip_deltagit", "0")
    page.check("#f-sip_kunnig_utsedd-0")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator(".sip-error-summary a[href='#f-avvikelser_utredda']").is_visible()
    assert read_rows(intake_server.data_dir, "arsuppfoljning") == []
    context.close()


@pytest.mark.parametrize("form_id", ["arsuppfoljning", "avvikelse", "stickprov"])
def test_form_pages_pass_axe_with_and_without_a_link(page, intake_server, schools, form_id):
    page.goto(intake_server.form_url(form_id), wait_until="load")
    assert page.locator(f"#sip-form-{form_id} form").count() == 1
    assert_clean(page, f"{form_id} utan länk")
    page.goto(intake_server.link(form_id, schools[5]), wait_until="load")
    assert page.locator(".sip-binding").is_visible()
    assert_clean(page, f"{form_id} med länk")
    with page.expect_navigation():
        page.click("button[type=submit]")  # everything empty: every required question is listed
    assert page.locator(".sip-error-summary li").count() >= 3
    assert_clean(page, f"{form_id} med fel")


def test_the_refusal_page_passes_axe(page, intake_server):
    response = page.goto(intake_server.form_url("arsuppfoljning") + "?lank=ogiltig", wait_until="load")
    assert response.status == 403
    assert "Länken kan inte användas" in page.locator("h1").inner_text()
    assert_clean(page, "sidan för en ogiltig länk")


def test_the_whole_site_runs_under_the_services_csp(page, intake_server, built_site, site_pages):
    blocked = {}
    for built in site_pages:
        relative = built.relative_to(built_site).parent.as_posix()
        page.goto(f"{intake_server.base_url}/{'' if relative == '.' else relative + '/'}", wait_until="load")
        found = page.evaluate("window.__cspViolations")
        if found:
            blocked[relative] = found
    assert len(site_pages) >= 30 and not blocked, f"CSP blockerade: {blocked}"
    # Search runs in a web worker: it must still answer under the policy.
    page.goto(intake_server.base_url + "/", wait_until="load")
    page.click("input.md-search__input")
    page.keyboard.type("avvikelse")
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15000)
    assert page.evaluate("window.__cspViolations") == []


def test_a_deviation_is_reported_through_the_browser(page, intake_server, schools):
    page.goto(intake_server.link("avvikelse", schools[6]), wait_until="load")
    page.fill("#f-datum", "2025-03-14")
    page.select_option("#f-kategori", "Ingen ersättare skickades")
    page.check("label[for='f-berorda_verksamheter-0']")  # skola, by its label
    page.check("label[for='f-berorda_verksamheter-3']")  # socialtjänst
    page.check("#f-lost_i_chefslinjen-2")
    page.check("#f-handelseanalys-1")
    page.check("#f-rapporterad_medcontrol-0")
    page.fill("#f-beskrivning", "Socialtjänsten skickade ingen ersättare till mötet.")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Tack! Ditt svar är mottaget"
    (row,) = read_rows(intake_server.data_dir, "avvikelse")
    assert (row["datum"], row["kategori"], row["berorda_verksamheter"], row["lost_i_chefslinjen"]) == (
        "2025-03-14", "Ingen ersättare skickades", "skola, socialtjänst", "pågår")
    assert row["kvitto"] == page.locator(".sip-kvitto").inner_text().strip()


def test_what_a_person_types_in_a_number_field_is_never_called_missing(page, intake_server, schools):
    page.goto(intake_server.link("arsuppfoljning", schools[5]), wait_until="load")
    page.fill("#f-sip_initierade", "1e")
    page.fill("#f-sip_deltagit", "2")
    page.check("#f-avvikelse_utredd-1")
    page.check("#f-sip_kunnig_utsedd-0")
    page.click("button.sip-submit")
    message = page.locator("#f-sip_initierade-error").inner_text()
    assert "inte ett heltal" in message and "saknas" not in message
    assert page.input_value("#f-sip_initierade") == "1e"  # what was typed is given back to correct
    assert read_rows(intake_server.data_dir, "arsuppfoljning") == []

"""The child-friendly survey in Debian's Chromium: keyboard only, phone size, big targets, axe, no JavaScript, LIX."""
from __future__ import annotations

import pytest
import requests

from backoffice.intake.links import form_url
from backoffice.store.files import read_rows
from browser_support import format_violations, run_axe
from intake_support import intake_server, schools  # noqa: F401
from site_support import article_blocks, lix

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
STATEMENTS = ["blev_lyssnad", "forstod_beslut", "utgar_fran_behov", "vet_vem_kontakta", "kandes_tryggt"]
LIX_LIMIT = 25


def survey_link(server, school, **kwargs):
    return form_url(server.base_url, "delaktighet",
                    server.signer.make_meeting_token("delaktighet", "2025-10-03", skolenhetskod=school, **kwargs))


def assert_axe_clean(page, label):
    violations = run_axe(page)
    assert not violations, f"axe hittade brister på {label}:\n{format_violations(violations)}"


def active_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id, limit=200):
    for _ in range(limit):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab nådde aldrig #{element_id}")


def in_view(page, element_id) -> bool:
    """True when the statement's card lies wholly inside the window, left to right."""
    return page.evaluate(
        """id => { const r = document.getElementById(id).getBoundingClientRect();
                   return r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1; }""", element_id)


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="sv-SE", viewport=PHONE, has_touch=True)
    yield context.new_page()
    context.close()


def test_a_guardian_answers_with_the_keyboard_only_on_a_phone(phone, intake_server, schools):
    page = phone
    page.goto(survey_link(intake_server, schools[0]), wait_until="load")
    assert_axe_clean(page, "enkäten i mobilstorlek")
    # The default wording speaks to the child.
    needs = page.locator("#falt-utgar_fran_behov legend")
    assert "mina behov" in needs.inner_text() and "mitt barns" not in needs.inner_text()

    tab_to(page, "f-svarande-0")
    page.keyboard.press("ArrowDown")  # arrows choose within the group: "Jag är förälder"
    assert page.locator("#f-svarande-1").is_checked()
    assert "mitt barns behov" in needs.inner_text() and "mina behov" not in needs.inner_text()

    chosen = {"blev_lyssnad": 4, "forstod_beslut": 5, "utgar_fran_behov": 3, "vet_vem_kontakta": 1,
              "kandes_tryggt": 2}
    for index, name in enumerate(STATEMENTS):
        page.keyboard.press("Tab")
        assert active_id(page) == f"f-{name}-0", f"Tab ledde inte till påstående {index + 1}"
        page.keyboard.press("Space")  # 1
        for _ in range(chosen[name] - 1):
            page.keyboard.press("ArrowDown")
        assert page.locator(f"#f-{name}-{chosen[name] - 1}").is_checked()
        # One statement at a time: the one being answered is in view, its neighbours are not.
        page.wait_for_function(
            """id => { const r = document.getElementById(id).getBoundingClientRect();
                       return r.left >= -1 && r.right <= window.innerWidth + 1; }""", arg=f"falt-{name}")
        others = [n for n in STATEMENTS if n != name]
        assert [n for n in others if in_view(page, f"falt-{n}")] == []
        assert page.locator(f"#falt-{name} .sip-step").inner_text() == f"{index + 1} av 5"
    page.keyboard.press("Tab")
    assert active_id(page) == "f-kommentar"
    page.keyboard.type("Bra att vi fick tid.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Tack för dina svar!"
    assert_axe_clean(page, "tacksidan")
    (row,) = read_rows(intake_server.data_dir, "delaktighet")
    assert row["svarande"] == "vårdnadshavare"
    assert {name: int(row[name]) for name in STATEMENTS} == chosen
    assert row["kommentar"] == "Bra att vi fick tid."


def test_answer_targets_are_at_least_44_by_44_css_pixels(phone, intake_server, schools):
    phone.goto(survey_link(intake_server, schools[1]), wait_until="load")
    labels = phone.locator(".sip-form--enkat .sip-choice label")
    assert labels.count() == 2 + 5 * 5
    small = []
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        if box["width"] < 44 or box["height"] < 44:
            small.append((labels.nth(i).inner_text(), box["width"], box["height"]))
    assert small == []
    button = phone.locator(".sip-submit").bounding_box()
    assert button["width"] >= 44 and button["height"] >= 44
    # Choosing by the label (the large target) checks the radio.
    phone.locator("label[for='f-blev_lyssnad-4']").click()
    assert phone.locator("#f-blev_lyssnad-4").is_checked()


def test_the_error_state_is_axe_clean_and_keeps_what_was_chosen(phone, intake_server, schools):
    page = phone
    page.goto(survey_link(intake_server, schools[2]) + "&vem=barn", wait_until="load")
    assert page.locator("#f-svarande-0").is_checked()
    tab_to(page, "f-blev_lyssnad-0")
    page.keyboard.press("Space")
    tab_to(page, "f-kommentar")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".sip-error-summary")
    assert summary.is_visible() and "Jag förstod vad vi bestämde." in summary.inner_text()
    assert page.locator("#f-blev_lyssnad-0").is_checked()
    assert_axe_clean(page, "enkäten med fel")
    assert read_rows(intake_server.data_dir, "delaktighet") == []


def test_on_a_large_screen_all_statements_are_shown_and_axe_clean(browser, intake_server, schools):
    context = browser.new_context(locale="sv-SE", viewport=DESKTOP)
    page = context.new_page()
    page.goto(survey_link(intake_server, schools[0]) + "&vem=vuxen", wait_until="load")
    assert all(in_view(page, f"falt-{name}") for name in STATEMENTS)
    assert "mitt barns behov" in page.locator("#falt-utgar_fran_behov legend").inner_text()
    assert_axe_clean(page, "enkäten på stor skärm")
    context.close()


def test_without_javascript_every_statement_is_there_and_the_answer_goes_in(browser, intake_server, schools):
    context = browser.new_context(locale="sv-SE", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_link(intake_server, schools[3]), wait_until="load")
    for name in STATEMENTS:
        assert page.locator(f"#falt-{name}").is_visible()
    tab_to(page, "f-svarande-0")
    page.keyboard.press("Space")
    for name in STATEMENTS:
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")  # 2
    tab_to(page, "f-kommentar")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Tack för dina svar!"
    (row,) = read_rows(intake_server.data_dir, "delaktighet")
    assert [row[name] for name in STATEMENTS] == ["2"] * 5 and row["svarande"] == "barn/ung"
    context.close()


@pytest.mark.parametrize("vem", ["barn", "vuxen", None])
def test_the_survey_page_is_plain_swedish_lix_at_most_25(intake_server, schools, built_site, vem):
    if vem is None:  # the page on the site, before a link is used
        html = (built_site / "blanketter" / "delaktighet" / "index.html").read_text("utf-8")
    else:
        html = requests.get(survey_link(intake_server, schools[0]) + f"&vem={vem}", timeout=10).text
    blocks = article_blocks(html)
    assert any("Jag blev lyssnad på." in block for block in blocks)
    value = lix(blocks)
    assert value <= LIX_LIMIT, f"LIX {value:.1f} > {LIX_LIMIT}"


def test_the_meeting_report_page_is_axe_clean(browser, intake_server, schools):
    context = browser.new_context(locale="sv-SE", viewport=PHONE)
    page = context.new_page()
    page.goto(intake_server.link("motesrapport", schools[0]), wait_until="load")
    assert page.locator("h1").inner_text() == "Rapportera ett SIP-möte"
    assert f"skolenhetskod {schools[0]}" in page.locator(".sip-binding").inner_text()
    assert_axe_clean(page, "mötesrapporten")
    context.close()

"""The coordinator's side as a new user meets it after `make demo`: the printed link, the demo answers,
a withdrawal and a correction with reasons, and the workbook with the same figures as `compile`."""
from __future__ import annotations

import os
import re

import openpyxl
from click.testing import CliRunner

from backoffice.cli import main
from intake_support import serve_command
from test_coordinator_compile import cells

SECRET = "demo-test-secret-" + "d" * 40


def overview_count(page) -> tuple[int, int]:
    match = re.search(r"(\d+) av (\d+) skolor har svarat", page.inner_text("main"))
    assert match, page.inner_text("main")[:400]
    return int(match.group(1)), int(match.group(2))


def test_after_make_demo_the_coordinator_withdraws_corrects_and_downloads(built_site, tmp_path, browser_context):
    env = {**os.environ, "SIP_SECRET_KEY": SECRET, "SIP_EDITION": "goteborg-gsf"}
    data = tmp_path / "store"
    with serve_command(built_site, data, env, "--demo") as (base_url, log_path):
        output = log_path.read_text(encoding="utf-8")
        assert "Demo: lagret fylldes med påhittade svar" in output
        link = re.search(r"(http://127\.0\.0\.1:\d+/samordnare/inloggning\?lank=\S+)", output).group(1)

        page = browser_context.new_page()
        page.goto(link)
        page.click("button:has-text('Logga in')")
        page.wait_for_url(f"{base_url}/samordnare/")
        answered, schools = overview_count(page)
        assert 0 < answered < schools == 174

        # Open one school's answer and withdraw it with a reason.
        page.click("table a:has-text('Svarat')")
        page.wait_for_url("**/samordnare/svar/**")
        counting = int(re.search(r"Version (\d+) är den som räknas", page.inner_text("main")).group(1))
        school = re.search(r"Årlig uppföljning av SIP för (.+?) \(\d{8}\)", page.inner_text("main")).group(1)
        page.fill("#aterkalla-orsak", "Skolan svarade för fel skolenhet.")
        page.click("button:has-text('Återkalla svaret')")
        assert (f"Svaret är återkallat (version {counting + 1}): skolan räknas nu som att den inte har svarat."
                in page.inner_text("main"))
        page.goto(f"{base_url}/samordnare/")
        assert overview_count(page) == (answered - 1, schools)
        row = page.locator("tbody tr", has_text=school)
        assert "Saknas" in row.inner_text()

        # Correct another school's answer through its own form, with a reason; a bad value is refused.
        page.click("table a:has-text('Svarat')")
        page.wait_for_url("**/samordnare/svar/**")
        corrected = int(re.search(r"Version (\d+) är den som räknas", page.inner_text("main")).group(1))
        page.click("a:has-text('Rätta svaret')")
        page.wait_for_url("**/ratta")
        page.fill("#f-sip_initierade", "-3")
        page.fill("#f-orsak", "Rektor meddelade rätt antal.")
        page.click("button:has-text('Spara rättelsen')")
        assert "Det finns fel i formuläret" in page.inner_text("main")
        page.fill("#f-sip_initierade", "11")
        page.click("button:has-text('Spara rättelsen')")
        assert f"Rättelsen är sparad som version {corrected + 1}." in page.inner_text("main")
        assert "samordnare" in page.inner_text("table")
        assert "Rektor meddelade rätt antal." in page.inner_text("table")

        # The log shows both actions with their reasons.
        page.goto(f"{base_url}/samordnare/logg")
        log = page.inner_text("main")
        assert "återkallade svar" in log and "rättade svar" in log and "Skolan svarade för fel skolenhet." in log

        # The workbook from the page has the same figures as `compile` on the same store.
        page.goto(f"{base_url}/samordnare/sammanstall")
        page.click("button:has-text('Sammanställ')")
        page.wait_for_selector("text=Klart.", timeout=60_000)
        with page.expect_download() as download:
            page.click("a[download]")
        assert download.value.suggested_filename.endswith(".xlsx")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        from_page = openpyxl.load_workbook(saved)
    out = tmp_path / "compile.xlsx"
    lasar = re.search(r"Sammanställning läsår (\d{4}/\d{2})", page.content()).group(1)
    result = CliRunner().invoke(main, ["compile", "--lasar", lasar, "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert cells(from_page) == cells(openpyxl.load_workbook(out))
    missing = [r for r in from_page["Saknas"].iter_rows(values_only=True) if r and r[1] == school]
    assert missing, f"{school} should be on the Saknas sheet after the withdrawal"


def test_every_coordinator_page_passes_axe_at_desktop_and_phone_size(built_site, tmp_path, browser):
    from browser_support import format_violations, run_axe

    env = {**os.environ, "SIP_SECRET_KEY": SECRET, "SIP_EDITION": "goteborg-gsf"}
    with serve_command(built_site, tmp_path / "store", env, "--demo") as (base_url, log_path):
        link = re.search(r"(http://127\.0\.0\.1:\d+/samordnare/inloggning\?lank=\S+)", log_path.read_text()).group(1)
        for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
            context = browser.new_context(locale="sv-SE", viewport=size)
            page = context.new_page()
            page.goto(f"{base_url}/samordnare/")
            checked = {"inloggningssidan": run_axe(page)}
            if size["width"] != 1280:  # a link works once: the second browser gets a new one
                invite = CliRunner().invoke(main, ["samordnare", "bjud-in", "--epost", "samordnare@example.se",
                                                   "--base-url", base_url, "--data", str(tmp_path / "store")],
                                            env={"SIP_SECRET_KEY": SECRET})
                link = invite.output.strip().splitlines()[-1]
            page.goto(link)
            checked["inbjudan"] = run_axe(page)
            page.click("button:has-text('Logga in')")
            page.wait_for_url(f"{base_url}/samordnare/")
            answer = page.locator("table a:has-text('Svarat')").first.get_attribute("href")
            page.goto(f"{base_url}/samordnare/?blankett=avvikelse")
            reports = page.locator("tbody a[href*='/samordnare/skola/']").first.get_attribute("href")
            page.goto(base_url + reports)
            report = page.locator("tbody a").first.get_attribute("href")
            paths = ["/samordnare/", "/samordnare/?blankett=avvikelse", "/samordnare/?blankett=delaktighet",
                     answer, answer + "ratta", reports, report, report + "ratta",
                     "/samordnare/sammanstall", "/samordnare/utskick", "/samordnare/inlasning", "/samordnare/logg"]
            for path in paths:
                page.goto(base_url + path)
                checked[path] = run_axe(page)
            page.goto(base_url + answer + "ratta")
            page.fill("#f-sip_initierade", "-1")
            page.click("button:has-text('Spara rättelsen')")
            checked["rättelse med fel"] = run_axe(page)
            page.goto(base_url + "/samordnare/inlasning")
            page.set_input_files("#inlasning-fil", files=[{"name": "mall.csv", "mimeType": "text/csv",
                                                           "buffer": b"skolenhetskod;lasar\n40526633;2025/27\n"}])
            page.click("button:has-text('Läs in')")
            assert "ingenting har lagts in" in page.inner_text("main")
            checked["inläsning med fel"] = run_axe(page)
            problems = "\n".join(format_violations(v, f"{name}: ") for name, v in checked.items() if v)
            assert not problems, f"{size}: {problems}"
            context.close()

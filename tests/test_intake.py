"""The intake service over real HTTP (waitress on 127.0.0.1): links, CSRF, validation, storage, headers."""
from __future__ import annotations

import csv
import re
import threading
import time
from html import unescape

import requests
from backoffice.store.files import read_latest, read_rows
from backoffice.validation.table import validate_table
from intake_support import (ARSUPPFOLJNING, AVVIKELSE, LASAR, frictionless_validate, hidden_fields,  # noqa: F401
                            intake_server, open_form, page_text, receipt_number, schools, submit)


def stored(server, form_id="arsuppfoljning"):
    return read_rows(server.data_dir, form_id)


def test_a_valid_post_is_stored_and_answered_with_a_receipt(intake_server, schools):
    school = schools[0]
    session = requests.Session()
    form = session.get(intake_server.link("arsuppfoljning", school), timeout=10)
    assert "Skola" in form.text and school in form.text  # the school the link is for, by name and code
    response = submit(session, intake_server, "arsuppfoljning", intake_server.link("arsuppfoljning", school),
                      ARSUPPFOLJNING)
    assert response.status_code == 200
    text = page_text(response.text)
    assert "Tack! Ditt svar är mottaget" in text
    kvitto = receipt_number(response.text)
    assert "Öppna samma länk igen" in text  # how to correct the answer
    assert ARSUPPFOLJNING["behov"] in text  # what was received
    (row,) = stored(intake_server)
    assert row["kvitto"] == kvitto
    assert (row["skolenhetskod"], row["lasar"], row["version"], row["kanal"]) == (school, LASAR, "1", "webb")
    assert {k: row[k] for k in ARSUPPFOLJNING} == ARSUPPFOLJNING


def test_a_deviation_with_several_organisations_is_stored(intake_server, schools):
    session = requests.Session()
    response = submit(session, intake_server, "avvikelse", intake_server.link("avvikelse", schools[1]), AVVIKELSE)
    assert response.status_code == 200, page_text(response.text)[:400]
    (row,) = stored(intake_server, "avvikelse")
    assert row["berorda_verksamheter"] == "skola, BUP"
    assert (row["datum"], row["lost_i_chefslinjen"], row["skolenhetskod"]) == ("2025-03-14", "pågår", schools[1])


def refused_and_nothing_stored(server, response, expected_text):
    assert response.status_code == 403
    text = page_text(response.text)
    assert expected_text in text and "Inget har sparats" in text
    assert "Traceback" not in response.text
    assert stored(server) == []


def post_with(server, token, answer=ARSUPPFOLJNING, csrf=None, **extra):
    data = {"lank": token, "csrf": csrf if csrf is not None else server.signer.make_csrf(token or ""),
            **answer, **extra}
    return requests.post(server.form_url("arsuppfoljning"), data=data, timeout=10)


def test_forged_token_is_refused(intake_server, schools):
    forged = "eyJmIjoiYXJzdXBwZm9sam5pbmciLCJzIjoiNDA1MjY2MzMifQ.dGhpc2lzbm90YXNpZ25hdHVyZQ"
    refused_and_nothing_stored(intake_server, post_with(intake_server, forged), "Länken är inte giltig")


def test_altered_token_is_refused(intake_server, schools):
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    other = intake_server.signer.make_token("arsuppfoljning", schools[1], LASAR)
    # Another school's payload with this token's signature.
    altered = other.split(".")[0] + "." + token.split(".")[1]
    refused_and_nothing_stored(intake_server, post_with(intake_server, altered), "Länken är inte giltig")


def test_expired_token_is_refused_on_open_and_on_post(intake_server, schools):
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR, valid_days=1,
                                            now=time.time() - 3 * 86400)
    opened = requests.get(intake_server.form_url("arsuppfoljning"), params={"lank": token}, timeout=10)
    assert opened.status_code == 403 and "slutat gälla" in page_text(opened.text)
    refused_and_nothing_stored(intake_server, post_with(intake_server, token), "slutat gälla")


def test_a_post_for_another_school_than_the_link_is_refused(intake_server, schools):
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    response = post_with(intake_server, token, skolenhetskod=schools[1])
    refused_and_nothing_stored(intake_server, response, "annan skola")
    response = post_with(intake_server, token, lasar="2024/25")
    refused_and_nothing_stored(intake_server, response, "annan skola")


def test_a_link_for_another_form_is_refused(intake_server, schools):
    token = intake_server.signer.make_token("avvikelse", schools[0], LASAR)
    refused_and_nothing_stored(intake_server, post_with(intake_server, token), "Länken är inte giltig")


def test_missing_token_is_refused(intake_server):
    refused_and_nothing_stored(intake_server, post_with(intake_server, ""), "utan en personlig länk")
    response = requests.post(intake_server.form_url("arsuppfoljning"), data=ARSUPPFOLJNING, timeout=10)
    refused_and_nothing_stored(intake_server, response, "utan en personlig länk")


def test_missing_or_foreign_csrf_token_is_refused(intake_server, schools):
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    other = intake_server.signer.make_token("arsuppfoljning", schools[1], LASAR)
    for csrf in ("", intake_server.signer.make_csrf(other), "nonsense"):
        response = post_with(intake_server, token, csrf=csrf)
        assert response.status_code == 403
        assert "säkerhetskod" in page_text(response.text)
        # What was written is given back with a fresh code, so it can be sent again.
        assert ARSUPPFOLJNING["behov"] + "</textarea>" in response.text
        assert intake_server.signer.check_csrf(token, hidden_fields(response.text)["csrf"])
    assert stored(intake_server) == []
    # A post from another site's page is refused even with the right tokens.
    data = {"lank": token, "csrf": intake_server.signer.make_csrf(token), **ARSUPPFOLJNING}
    response = requests.post(intake_server.form_url("arsuppfoljning"), data=data, timeout=10,
                             headers={"Origin": "https://elak.example"})
    assert response.status_code == 403
    # What a current browser sends for a post from another site's page (Origin is "null" under our
    # Referrer-Policy, so Sec-Fetch-Site is what tells the two apart).
    response = requests.post(intake_server.form_url("arsuppfoljning"), data=data, timeout=10,
                             headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and "annan webbplats" in page_text(response.text)
    assert ARSUPPFOLJNING["behov"] not in response.text
    assert stored(intake_server) == []


def test_a_post_through_an_https_proxy_is_accepted(intake_server, schools):
    # Behind nginx the browser's origin (https, the public name) is not the address waitress sees.
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    data = {"lank": token, "csrf": intake_server.signer.make_csrf(token), **ARSUPPFOLJNING}
    response = requests.post(intake_server.form_url("arsuppfoljning"), data=data, timeout=10,
                             headers={"Origin": "https://sip.example.se", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200, page_text(response.text)[:300]
    assert len(stored(intake_server)) == 1


def batch_messages(tmp_path, form_id, record) -> list[dict]:
    """What batch validation of a CSV file says about the same row."""
    path = tmp_path / "samma-rad.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(record))
        writer.writeheader()
        writer.writerow(record)
    result = validate_table(path, form_id)
    assert result.problems
    return [{"field": p.field, "message": p.message} for p in result.problems]


def test_invalid_values_re_render_the_form_with_errors_and_kept_values(intake_server, schools, tmp_path):
    school = schools[0]
    bad = dict(ARSUPPFOLJNING, sip_initierade="-3", avvikelse_utredd="ja", avvikelser_utredda="",
               behov="Ring mig på 070-123 45 67 så pratar vi.")
    session = requests.Session()
    response = submit(session, intake_server, "arsuppfoljning", intake_server.link("arsuppfoljning", school), bad)
    assert response.status_code == 422
    html = response.text
    assert 'class="sip-error-summary" role="alert"' in html
    summary = html.split('class="sip-error-summary"', 1)[1].split("</div>", 1)[0]
    expected = batch_messages(tmp_path, "arsuppfoljning", {"skolenhetskod": school, "lasar": LASAR, **bad})
    assert {e["field"] for e in expected} == {"sip_initierade", "avvikelser_utredda", "behov"}
    for error in expected:
        # The same Swedish message as batch validation, in the summary, linking to the field.
        assert unescape(summary).count(error["message"]) == 1, error
        assert f'href="#f-{error["field"]}"' in summary
        assert f'id="f-{error["field"]}-error"' in html
    assert 'value="-3"' in html and "Ring mig på 070-123 45 67 så pratar vi.</textarea>" in html
    assert re.search(r'value="ja" checked', html)  # the chosen radio is still chosen
    assert stored(intake_server) == []
    # The page works as a form again: correcting and resending stores one row.
    fields = hidden_fields(html)
    response = session.post(intake_server.form_url("arsuppfoljning"), data={**fields, **ARSUPPFOLJNING}, timeout=10)
    assert response.status_code == 200 and len(stored(intake_server)) == 1


def test_a_resubmission_is_version_two_and_the_latest_counts(intake_server, schools):
    school = schools[2]
    link = intake_server.link("arsuppfoljning", school)
    session = requests.Session()
    first = receipt_number(submit(session, intake_server, "arsuppfoljning", link, ARSUPPFOLJNING).text)
    again = session.get(link, timeout=10)
    assert "Skolan har redan svarat" in page_text(again.text) and 'value="4"' in again.text
    second_page = submit(session, intake_server, "arsuppfoljning", link, dict(ARSUPPFOLJNING, sip_initierade="6"))
    assert "Version 2" in page_text(second_page.text)
    second = receipt_number(second_page.text)
    rows = stored(intake_server)
    assert [(r["kvitto"], r["version"], r["sip_initierade"]) for r in rows] == [(first, "1", "4"), (second, "2", "6")]
    (latest,) = read_latest(intake_server.data_dir, "arsuppfoljning")
    assert (latest["kvitto"], latest["version"]) == (second, "2")
    # The first receipt, opened again from the history, says it no longer counts.
    old = session.get(intake_server.form_url("arsuppfoljning"),
                      params={"lank": link.split("lank=")[1], "kvitto": first}, timeout=10)
    assert receipt_number(old.text) == first
    assert "version 2 har skickats in senare och är den som räknas" in page_text(old.text)
    assert "har ersatts" not in page_text(second_page.text)


def test_fifty_concurrent_posts_give_fifty_intact_rows(intake_server, schools):
    sessions = [requests.Session() for _ in range(50)]
    links = [intake_server.link("arsuppfoljning", schools[i % 10]) for i in range(50)]
    prepared = [open_form(s, link) for s, link in zip(sessions, links)]
    barrier = threading.Barrier(50)
    results = [None] * 50

    def post(i):
        barrier.wait()
        answer = dict(ARSUPPFOLJNING, sip_deltagit=str(i), behov=f"Svar nummer {i}, med kommatecken och \"citat\"")
        response = sessions[i].post(intake_server.form_url("arsuppfoljning"), data={**prepared[i], **answer}, timeout=60)
        results[i] = (response.status_code, receipt_number(response.text) if response.status_code == 200 else None)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in results] == [200] * 50
    rows = stored(intake_server)
    assert len(rows) == 50
    assert sorted(r["kvitto"] for r in rows) == sorted(k for _, k in results)
    assert sorted(int(r["sip_deltagit"]) for r in rows) == list(range(50))
    # Ten schools, five posts each: versions 1..5 per school, none lost or doubled.
    for code in {r["skolenhetskod"] for r in rows}:
        assert sorted(int(r["version"]) for r in rows if r["skolenhetskod"] == code) == [1, 2, 3, 4, 5]
    lines = (intake_server.data_dir / "arsuppfoljning.csv").read_bytes()
    assert lines.endswith(b"\n") and lines.count(b"\n") == 51
    assert frictionless_validate(intake_server.data_dir).returncode == 0


def test_every_response_carries_security_headers(intake_server, schools):
    urls = [intake_server.base_url + "/", intake_server.form_url("arsuppfoljning"),
            intake_server.link("arsuppfoljning", schools[0]), intake_server.base_url + "/finns-inte/"]
    for url in urls:
        response = requests.get(url, timeout=10)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        assert re.search(r"script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+", csp)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        assert "camera=()" in headers["Permissions-Policy"]


def test_error_pages_are_swedish_and_never_a_traceback(intake_server, schools):
    base = intake_server.base_url
    not_found = requests.get(base + "/finns-inte/", timeout=10)
    assert not_found.status_code == 404 and "Sidan finns inte" in page_text(not_found.text)
    traversal = requests.get(base + "/%2e%2e/secret.key", timeout=10)
    assert traversal.status_code == 404
    # A directory outside the site is neither revealed nor a redirect to another host ("//tmp" → http://tmp/).
    for path in ("//tmp", "//etc", "/%2e%2e/%2e%2e/tmp"):
        outside = requests.get(base + path, timeout=10, allow_redirects=False)
        assert outside.status_code == 404 and "Location" not in outside.headers, path
    not_allowed = requests.post(base + "/index.html", data={"a": "b"}, timeout=10)
    assert not_allowed.status_code == 405 and "Det går inte att göra så här" in page_text(not_allowed.text)
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    huge = post_with(intake_server, token, behov="x" * 100_000)
    assert huge.status_code == 413 and "För mycket text" in page_text(huge.text)
    for response in (not_found, not_allowed, huge):
        assert "Traceback" not in response.text and '<html lang="sv"' in response.text
    assert stored(intake_server) == []


def test_text_over_the_field_limit_gets_the_validation_message(intake_server, schools):
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    response = post_with(intake_server, token, behov="ord " * 600)  # 2400 characters, limit 2000
    assert response.status_code == 422 and "2000" in page_text(response.text)
    assert stored(intake_server) == []


def test_a_link_without_trailing_slash_keeps_its_token(intake_server, schools):
    token = intake_server.signer.make_token("arsuppfoljning", schools[0], LASAR)
    response = requests.get(intake_server.base_url + "/blanketter/arsuppfoljning", params={"lank": token}, timeout=10)
    assert response.status_code == 200 and hidden_fields(response.text)["lank"] == token


def test_the_form_page_without_a_link_explains_what_is_needed(intake_server):
    response = requests.get(intake_server.form_url("arsuppfoljning"), timeout=10)
    assert response.status_code == 200
    assert "Du behöver en personlig länk" in page_text(response.text)
    assert 'name="csrf"' not in response.text


def test_the_receipt_survives_a_reload_without_storing_twice(intake_server, schools):
    session = requests.Session()
    link = intake_server.link("arsuppfoljning", schools[0])
    response = submit(session, intake_server, "arsuppfoljning", link, ARSUPPFOLJNING)
    assert [r.status_code for r in response.history] == [303]  # post/redirect/get
    again = session.get(response.url, timeout=10)
    assert receipt_number(again.text) == receipt_number(response.text)
    assert len(stored(intake_server)) == 1
    # Another school's link cannot show this receipt.
    other = intake_server.signer.make_token("arsuppfoljning", schools[1], LASAR)
    peek = session.get(intake_server.form_url("arsuppfoljning"),
                       params={"lank": other, "kvitto": receipt_number(response.text)}, timeout=10)
    assert peek.status_code == 404 and "Kvittot finns inte" in page_text(peek.text)
    assert ARSUPPFOLJNING["behov"] not in peek.text


def test_serve_explains_a_missing_site_and_a_busy_port(tmp_path, built_site, intake_server):
    from click.testing import CliRunner

    from backoffice.cli import main

    missing = CliRunner().invoke(main, ["serve", "--site", str(tmp_path / "ingen-site"), "--data", str(tmp_path / "s")])
    assert missing.exit_code == 2 and "inte byggd" in missing.output and "Traceback" not in missing.output
    port = intake_server.base_url.rsplit(":", 1)[1]
    busy = CliRunner().invoke(main, ["serve", "--site", str(built_site), "--data", str(tmp_path / "s"),
                                     "--port", port])
    assert busy.exit_code == 2 and "Används porten redan" in busy.output
    bad_url = CliRunner().invoke(main, ["serve", "--site", str(built_site), "--base-url", "sip.example.se"])
    assert bad_url.exit_code == 2 and "ska börja med http:// eller https://" in bad_url.output


def test_a_broken_store_gives_a_swedish_error_page_and_is_left_alone(intake_server, schools, caplog):
    session = requests.Session()
    link = intake_server.link("arsuppfoljning", schools[0])
    assert submit(session, intake_server, "arsuppfoljning", link, ARSUPPFOLJNING).status_code == 200
    fields = open_form(session, link)
    path = intake_server.data_dir / "arsuppfoljning.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # saved again by a spreadsheet program
    before = path.read_bytes()
    opened = session.get(link, timeout=10)
    posted = session.post(intake_server.form_url("arsuppfoljning"), data={**fields, **ARSUPPFOLJNING}, timeout=10)
    for response in (opened, posted):
        assert response.status_code == 500
        assert "har det inte sparats" in page_text(response.text) and "Traceback" not in response.text
    assert path.read_bytes() == before
    assert any("BOM" in record.getMessage() or "BOM" in str(record.exc_info)
               for record in caplog.records)  # the operator's log says what is wrong

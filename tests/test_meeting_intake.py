"""Meeting reports and the anonymous survey over real HTTP: links, answer limit, rate limits, refusals."""
from __future__ import annotations

import base64
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import requests
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.intake.links import form_url
from backoffice.store.files import COUNTER_NAME, read_rows
from fake_sheets import fake_sheets  # noqa: F401,E402 - the fixture
from intake_support import (LASAR, SECRET, frictionless_validate, hidden_fields, intake_server, open_form,  # noqa: F401
                            page_text, running_server, schools, submit)

MEETING = {
    "datum": "2025-10-03", "sammankallande": "skola", "antal_verksamheter": "3", "alla_kallade_deltog": "nej",
    "ersattare_skickades": "ja", "barnet_deltog": "på annat sätt", "vardnadshavare_deltog": "ja",
    "inom_tre_veckor": "ja", "huvudansvarig_utsedd": "ja", "uppfoljning_bokad": "ja", "mal_kort_sikt": "ja",
    "mal_lang_sikt": "nej",
}
ANSWER = {"svarande": "barn/ung", "blev_lyssnad": "4", "forstod_beslut": "5", "utgar_fran_behov": "3",
          "vet_vem_kontakta": "2", "kandes_tryggt": "5", "kommentar": "Det var bra att jag fick vara med."}
MEETING_DAY = "2025-10-03"


def payload(token: str) -> dict:
    """What a link token carries (its signed JSON payload, readable by anyone who has the link)."""
    body = token.split(".")[1] if token.startswith(".") else token.split(".")[0]
    compressed = token.startswith(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    if compressed:
        import zlib

        raw = zlib.decompress(raw)
    return json.loads(raw)


def survey_link(server, school: str = "", *, organisation: str = "", datum: str = MEETING_DAY, **kwargs) -> str:
    token = server.signer.make_meeting_token("delaktighet", datum, skolenhetskod=school, organisation=organisation, **kwargs)
    return form_url(server.base_url, "delaktighet", token)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["lank"][0]


# ---------------------------------------------------------------- the meeting report

def test_a_meeting_report_is_stored_and_its_receipt_offers_the_survey_link(intake_server, schools):
    session = requests.Session()
    link = intake_server.link("motesrapport", schools[0])
    response = submit(session, intake_server, "motesrapport", link, MEETING)
    assert response.status_code == 200, page_text(response.text)[:400]
    text = page_text(response.text)
    assert "Tack! Ditt svar är mottaget" in text and "Enkät till barnet och vårdnadshavarna" in text
    (row,) = read_rows(intake_server.data_dir, "motesrapport")
    assert (row["skolenhetskod"], row["organisation"], row["barnet_deltog"]) == (schools[0], "", "på annat sätt")
    # The survey link on the receipt: for this school and meeting date only, four answers.
    survey = unescape(re.search(r'class="sip-lank"><a href="([^"]+)"', response.text).group(1))
    claims = payload(token_of(survey))
    assert set(claims) == {"f", "s", "l", "d", "m", "n", "e"}
    assert (claims["f"], claims["s"], claims["d"], claims["l"], claims["m"]) == (
        "delaktighet", schools[0], "2025-10-03", "2025/26", 4)
    # The same receipt shows the same link when it is opened again, later too (same answer count).
    time.sleep(1.1)
    again = session.get(response.url, timeout=10)
    assert unescape(re.search(r'class="sip-lank"><a href="([^"]+)"', again.text).group(1)) == survey
    opened = session.get(survey.replace("http://localhost", intake_server.base_url), timeout=10)
    assert opened.status_code == 200 and "Vad tyckte du om mötet?" in page_text(opened.text)


def test_behind_a_proxy_the_receipt_offers_the_survey_at_the_public_address(built_site, tmp_path, schools):
    with running_server(built_site, tmp_path / "store", public_url="https://sip.example.se") as server:
        session = requests.Session()
        response = submit(session, server, "motesrapport", server.link("motesrapport", schools[0]), MEETING)
        assert response.status_code == 200, page_text(response.text)[:400]
    survey = unescape(re.search(r'class="sip-lank"><a href="([^"]+)"', response.text).group(1))
    assert survey.startswith("https://sip.example.se/blanketter/delaktighet/?lank=")


def test_an_old_receipt_says_its_survey_link_has_expired(intake_server, schools, monkeypatch):
    from backoffice.store import files as store_module

    # A report received 70 days ago; its survey link was valid for 60 days from then.
    long_ago = date.today() - timedelta(days=70)
    monkeypatch.setattr(store_module, "_now", lambda: f"{long_ago.isoformat()}T09:30:00Z")
    (receipt,) = store_module.FileStore(intake_server.data_dir).append(
        "motesrapport", [dict(MEETING, skolenhetskod=schools[0], organisation="")])
    link = intake_server.link("motesrapport", schools[0])
    response = requests.get(link + "&kvitto=" + receipt.kvitto, timeout=10)
    assert response.status_code == 200, page_text(response.text)[:400]
    text = page_text(response.text)
    assert receipt.kvitto in text
    assert f"gällde till och med {(long_ago + timedelta(days=60)).isoformat()} och har slutat gälla" in text
    assert 'class="sip-lank"' not in response.text


def test_a_meeting_outside_school_is_reported_with_an_organisation_link(intake_server):
    token = intake_server.signer.make_token("motesrapport", "", LASAR, organisation="socialtjänst")
    link = form_url(intake_server.base_url, "motesrapport", token)
    session = requests.Session()
    form = session.get(link, timeout=10)
    assert "Verksamhet" in page_text(form.text) and "Socialtjänst" in page_text(form.text)
    answer = dict(MEETING, sammankallande="socialtjänst")
    response = submit(session, intake_server, "motesrapport", link, answer)
    assert response.status_code == 200, page_text(response.text)[:400]
    (row,) = read_rows(intake_server.data_dir, "motesrapport")
    assert (row["skolenhetskod"], row["organisation"]) == ("", "socialtjänst")
    survey = unescape(re.search(r'class="sip-lank"><a href="([^"]+)"', response.text).group(1))
    assert payload(token_of(survey))["o"] == "socialtjänst" and payload(token_of(survey))["s"] == ""
    checked = frictionless_validate(intake_server.data_dir)
    assert checked.returncode == 0, checked.stdout[-2000:]


def test_an_invalid_meeting_report_is_shown_again_with_the_message_and_not_stored(intake_server, schools):
    session = requests.Session()
    link = intake_server.link("motesrapport", schools[0])
    response = submit(session, intake_server, "motesrapport", link, dict(MEETING, ersattare_skickades="ej aktuellt"))
    assert response.status_code == 422
    assert "inte ej aktuellt" in page_text(response.text)
    assert read_rows(intake_server.data_dir, "motesrapport") == []


def refused(server, response, form_id, text):
    assert response.status_code == 403, page_text(response.text)[:300]
    assert text in page_text(response.text) and "Inget har sparats" in page_text(response.text)
    assert read_rows(server.data_dir, form_id) == []


def post(server, form_id, token, answer, **extra):
    data = {"lank": token, "csrf": server.signer.make_csrf(token), **answer, **extra}
    return requests.post(server.form_url(form_id), data=data, timeout=10)


def test_meeting_report_refuses_forged_expired_and_other_school_tokens(intake_server, schools):
    good = intake_server.signer.make_token("motesrapport", schools[0], LASAR)
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    refused(intake_server, post(intake_server, "motesrapport", forged, MEETING), "motesrapport", "inte giltig")
    expired = intake_server.signer.make_token("motesrapport", schools[0], LASAR, valid_days=1,
                                              now=time.time() - 3 * 86400)
    refused(intake_server, post(intake_server, "motesrapport", expired, MEETING), "motesrapport", "slutat gälla")
    other = post(intake_server, "motesrapport", good, MEETING, skolenhetskod=schools[1])
    refused(intake_server, other, "motesrapport", "annan skola")
    # A school's link cannot report in an organisation's name either.
    refused(intake_server, post(intake_server, "motesrapport", good, MEETING, organisation="region"),
            "motesrapport", "annan skola")
    unknown = intake_server.signer.make_token("motesrapport", "", LASAR, organisation="polisen")
    refused(intake_server, post(intake_server, "motesrapport", unknown, MEETING), "motesrapport", "Organisationen")


# ---------------------------------------------------------------- the survey

def test_a_survey_answer_is_stored_without_the_date_or_the_link(intake_server, schools):
    link = survey_link(intake_server, schools[2])
    session = requests.Session()
    response = submit(session, intake_server, "delaktighet", link, ANSWER)
    assert response.status_code == 200, page_text(response.text)[:400]
    assert "Tack för dina svar!" in page_text(response.text)
    assert ANSWER["kommentar"] not in response.text  # the answer is not shown again
    (row,) = read_rows(intake_server.data_dir, "delaktighet")
    assert (row["skolenhetskod"], row["lasar"], row["svarande"], row["utgar_fran_behov"]) == (
        schools[2], "2025/26", "barn/ung", "3")
    stored = (intake_server.data_dir / "delaktighet.csv").read_text("utf-8")
    assert MEETING_DAY not in stored and token_of(link) not in stored
    # Only the day it came, not the time: a time to the second could be matched to when a meeting ended.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["mottagen"]), row["mottagen"]
    # Nor does the receipt's address name the stored row (a shared device keeps its history).
    assert row["kvitto"] not in response.url and "kvitto" not in response.url
    assert frictionless_validate(intake_server.data_dir).returncode == 0
    # The count is kept apart, under a hash of the link: neither the link nor the answer is in it.
    counts = json.loads((intake_server.data_dir / COUNTER_NAME).read_text("utf-8"))
    assert list(counts.values()) == [1]
    assert token_of(link) not in json.dumps(counts) and schools[2] not in json.dumps(counts)


def test_the_fifth_answer_on_a_default_link_is_refused_and_nothing_is_stored(intake_server, schools):
    link = survey_link(intake_server, schools[0])
    for who in ("barn/ung", "vårdnadshavare", "vårdnadshavare", "vårdnadshavare"):
        response = submit(requests.Session(), intake_server, "delaktighet", link, dict(ANSWER, svarande=who))
        assert response.status_code == 200
    session = requests.Session()
    # Opening the used-up link says so at once ...
    opened = session.get(link, timeout=10)
    assert opened.status_code == 403 and "redan tagit emot alla svar" in page_text(opened.text)
    # ... and a post prepared before the fourth answer went in is refused too.
    fifth = post(intake_server, "delaktighet", token_of(link), dict(ANSWER, svarande="vårdnadshavare"))
    assert fifth.status_code == 403 and "Inget har sparats" in page_text(fifth.text)
    assert len(read_rows(intake_server.data_dir, "delaktighet")) == 4
    # Another meeting's link still takes answers.
    other = submit(requests.Session(), intake_server, "delaktighet", survey_link(intake_server, schools[0]), ANSWER)
    assert other.status_code == 200
    assert len(read_rows(intake_server.data_dir, "delaktighet")) == 5
    # The store with survey answers is still a valid data package for the stock tool.
    checked = frictionless_validate(intake_server.data_dir)
    assert checked.returncode == 0, checked.stdout[-2000:]


def test_the_answer_limit_is_set_per_link_and_holds_under_concurrent_posts(intake_server, schools):
    token = token_of(survey_link(intake_server, schools[1], max_answers=2))
    barrier = threading.Barrier(8)

    def send(_):
        barrier.wait()
        return post(intake_server, "delaktighet", token, ANSWER).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(send, range(8)))
    assert statuses == [200] * 2 + [403] * 6, statuses
    assert len(read_rows(intake_server.data_dir, "delaktighet")) == 2


def test_survey_refuses_forged_expired_other_school_and_non_survey_tokens(intake_server, schools):
    good = token_of(survey_link(intake_server, schools[0]))
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    refused(intake_server, post(intake_server, "delaktighet", forged, ANSWER), "delaktighet", "inte giltig")
    expired = token_of(survey_link(intake_server, schools[0], valid_days=1, now=time.time() - 3 * 86400))
    refused(intake_server, post(intake_server, "delaktighet", expired, ANSWER), "delaktighet", "slutat gälla")
    refused(intake_server, post(intake_server, "delaktighet", good, ANSWER, skolenhetskod=schools[1]),
            "delaktighet", "annan skola")
    refused(intake_server, post(intake_server, "delaktighet", good, ANSWER, lasar="2024/25"),
            "delaktighet", "annan skola")
    # A school's ordinary link (no meeting date, no answer limit) does not open the survey.
    plain = intake_server.signer.make_token("delaktighet", schools[0], LASAR)
    refused(intake_server, post(intake_server, "delaktighet", plain, ANSWER), "delaktighet", "inte giltig")
    # Nor does a meeting report's link.
    report = intake_server.signer.make_token("motesrapport", schools[0], LASAR)
    refused(intake_server, post(intake_server, "delaktighet", report, ANSWER), "delaktighet", "inte giltig")
    assert not (intake_server.data_dir / COUNTER_NAME).exists()


def test_a_comment_with_personal_data_is_refused_without_repeating_it(intake_server, schools):
    link = survey_link(intake_server, schools[0])
    response = submit(requests.Session(), intake_server, "delaktighet", link,
                      dict(ANSWER, kommentar="Ring mamma på 070-123 45 67"))
    assert response.status_code == 422
    assert "telefonnummer" in page_text(response.text) and "123 45 67" not in response.text.split("<textarea")[0]
    assert read_rows(intake_server.data_dir, "delaktighet") == []
    # A refused answer takes no place on the link.
    assert not (intake_server.data_dir / COUNTER_NAME).exists()


def test_survey_posts_are_rate_limited_per_link_and_per_client(built_site, tmp_path, schools):
    with running_server(built_site, tmp_path / "store", meeting_rate_per_link=(3, 600),
                        meeting_rate_per_client=(5, 600)) as server:
        token = token_of(survey_link(server, schools[0]))
        bad = dict(ANSWER, blev_lyssnad="9")  # invalid posts count as well: guessing costs tries
        assert [post(server, "delaktighet", token, bad).status_code for _ in range(3)] == [422] * 3
        limited = post(server, "delaktighet", token, ANSWER)
        assert limited.status_code == 429
        assert "För många försök" in page_text(limited.text) and "Inget har sparats" in page_text(limited.text)
        assert limited.headers["Retry-After"] == "600"
        # Every post counts for the client, the refused one too (4 so far): one more on a fresh link
        # is the fifth and goes in, the sixth reaches the per-client limit.
        fresh = token_of(survey_link(server, schools[1]))
        assert post(server, "delaktighet", fresh, ANSWER).status_code == 200
        last = post(server, "delaktighet", token_of(survey_link(server, schools[2])), ANSWER)
        assert last.status_code == 429
        assert len(read_rows(server.data_dir, "delaktighet")) == 1
        # The other forms are not limited by the survey's limits.
        report = requests.Session()
        response = submit(report, server, "motesrapport", server.link("motesrapport", schools[0]), MEETING)
        assert response.status_code == 200


def test_guardian_wording_is_chosen_by_the_link_and_shown_without_javascript(intake_server, schools):
    link = survey_link(intake_server, schools[0])
    page = requests.get(link + "&vem=vuxen", timeout=10).text
    assert 'value="vårdnadshavare" checked' in page
    assert "Planen utgår från mitt barns behov." in page and "Planen utgår från mina behov." in page


# ---------------------------------------------------------------- the links command

def test_links_command_writes_survey_links_for_one_meeting(tmp_path, schools, monkeypatch):
    monkeypatch.setenv("SIP_SECRET_KEY", SECRET)
    from backoffice.intake.links import LinkSigner

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    result = CliRunner().invoke(main, ["links", "--form", "delaktighet", "--skola", schools[0], "--datum", yesterday,
                                       "--antal", "2", "--svar-per-lank", "3", "--base-url", "https://sip.example.se"])
    assert result.exit_code == 0, result.output
    urls = re.findall(r"https://sip\.example\.se/blanketter/delaktighet/\?lank=\S+", result.output)
    assert len(urls) == 2 and urls[0] != urls[1]
    claims = LinkSigner(SECRET).check_token("delaktighet", token_of(urls[0]))
    assert (claims.skolenhetskod, claims.datum, claims.max_answers) == (schools[0], yesterday, 3)
    # Without --svar-per-lank and --giltig-dagar the form's own numbers hold: 4 answers, 60 days.
    default = CliRunner().invoke(main, ["links", "--form", "delaktighet", "--organisation", "region",
                                        "--datum", yesterday])
    assert default.exit_code == 0, default.output
    assert "tar emot 4 svar och gäller i 60 dagar" in default.output
    (url,) = re.findall(r"http://\S+/blanketter/delaktighet/\?lank=\S+", default.output)
    claims = LinkSigner(SECRET).check_token("delaktighet", token_of(url))
    assert (claims.organisation, claims.max_answers) == ("region", 4)
    assert 59 < (claims.expires - time.time()) / 86400 <= 60
    unknown = CliRunner().invoke(main, ["links", "--form", "delaktighet", "--skola", "99999999", "--datum", yesterday])
    assert unknown.exit_code == 2 and "finns inte i skolregistret" in unknown.output
    bad = CliRunner().invoke(main, ["links", "--form", "delaktighet", "--datum", yesterday])
    assert bad.exit_code == 2 and "--skola" in bad.output
    future = CliRunner().invoke(main, ["links", "--form", "delaktighet", "--skola", schools[0],
                                       "--datum", (date.today() + timedelta(days=3)).isoformat()])
    assert future.exit_code == 2 and "framtiden" in future.output
    # A file asked for is not silently left unwritten.
    to_file = CliRunner().invoke(main, ["links", "--form", "delaktighet", "--skola", schools[0], "--datum", yesterday,
                                        "--out", str(tmp_path / "enkat.csv")])
    assert to_file.exit_code == 2 and "skrivs ut på skärmen" in to_file.output


def test_links_command_for_meeting_reports_adds_the_organisations(tmp_path, monkeypatch):
    monkeypatch.setenv("SIP_SECRET_KEY", SECRET)
    import csv

    out = tmp_path / "moten.csv"
    result = CliRunner().invoke(main, ["links", "--form", "motesrapport", "--lasar", LASAR, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";"))
    outside = [r for r in rows if not r["skolenhetskod"]]
    assert [r["skolnamn"] for r in outside] == ["förskola", "central elevhälsa", "socialtjänst", "region", "annan"]
    from backoffice.intake.links import LinkSigner

    claims = LinkSigner(SECRET).check_token("motesrapport", token_of(outside[2]["lank"]))
    assert (claims.organisation, claims.skolenhetskod) == ("socialtjänst", "")


def test_with_a_google_sheet_as_store_the_answer_count_stays_on_disk(built_site, tmp_path, schools, fake_sheets):  # noqa: F811
    from backoffice.gsheets import open_client
    from backoffice.store.sheets import SheetStore

    key = fake_sheets.create_spreadsheet("SIP-svar", {"Blad1": []})
    with running_server(built_site, tmp_path / "store", store=SheetStore(key, open_client())) as server:
        link = survey_link(server, schools[0], max_answers=2)
        for _ in range(2):
            assert submit(requests.Session(), server, "delaktighet", link, ANSWER).status_code == 200
        third = post(server, "delaktighet", token_of(link), ANSWER)
        assert third.status_code == 403 and "Inget har sparats" in page_text(third.text)
    values = fake_sheets.values(key, "delaktighet")
    assert len(values) == 1 + 2 and MEETING_DAY not in str(values)
    assert list(json.loads((tmp_path / "store" / COUNTER_NAME).read_text("utf-8")).values()) == [2]


def test_the_rate_limit_is_a_sliding_window():
    from backoffice.intake.ratelimit import RateLimiter

    now = [1000.0]
    limiter = RateLimiter(2, 600, clock=lambda: now[0])
    assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a"), limiter.allow("b")] == [True, True, False, True]
    now[0] += 599
    assert not limiter.allow("a")  # the refused try is not counted, the first two still are
    now[0] += 2
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")

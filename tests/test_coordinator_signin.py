"""The coordinator's side is closed to everyone not signed in; one-time links and sessions behave as promised."""
from __future__ import annotations

import re
import time

import pytest
import requests
from click.testing import CliRunner
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from backoffice.cli import main
from backoffice.coordinator.config import SignInConfig
from intake_support import ARSUPPFOLJNING, SECRET, page_text, running_server, schools, submit  # noqa: F401 (fixture)

PROTECTED = ["/samordnare/", "/samordnare/logg", "/samordnare/lankar?blankett=arsuppfoljning&lasar=2025/26",
             "/samordnare/svar/arsuppfoljning/SIP-2026-ABCDEF/", "/samordnare/sammanstall", "/samordnare/utskick",
             "/samordnare/finns/inte/"]
WITHOUT_PROVIDER = SignInConfig()


class Clock:
    """The time the server's sessions go by, moved on by the test."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def server(built_site, tmp_path, clock):
    with running_server(built_site, tmp_path / "store", sign_in=WITHOUT_PROVIDER, clock=clock) as server:
        yield server


def invite_link(server, person="samordnare@example.se") -> str:
    result = CliRunner().invoke(main, ["samordnare", "bjud-in", "--epost", person, "--base-url", server.base_url,
                                       "--data", str(server.data_dir)], env={"SIP_SECRET_KEY": SECRET})
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def sign_in(server, session=None, person="samordnare@example.se") -> requests.Session:
    session = session or requests.Session()
    link = invite_link(server, person)
    page = session.get(link, timeout=10)
    assert page.status_code == 200 and "Logga in" in page.text
    token = re.search(r'name="lank" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{server.base_url}/samordnare/inloggning", data={"lank": token}, allow_redirects=False,
                          timeout=10)
    assert answer.status_code == 303, answer.text[:300]
    return session


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", PROTECTED)
def test_every_coordinator_address_gives_only_the_sign_in_page(server, schools, path):
    # An answer exists, so there is something to hide.
    submit(requests.Session(), server, "arsuppfoljning", server.link("arsuppfoljning", schools[0]), ARSUPPFOLJNING)
    for method in ("get", "post"):
        response = getattr(requests, method)(server.base_url + path, timeout=10, allow_redirects=False)
        assert response.status_code == 401
        text = page_text(response.text)
        assert "Logga in som SIP-samordnare" in text
        assert schools[0] not in response.text and "Svarat" not in text
        assert "Set-Cookie" not in response.headers or "person" not in response.headers["Set-Cookie"]


def test_a_rectors_or_survey_link_never_opens_the_coordinators_side(server, schools):
    rector = server.link("arsuppfoljning", schools[0]).split("lank=")[1]
    for token in (rector, server.signer.make_meeting_token("delaktighet", "2025-11-14", skolenhetskod=schools[0])):
        response = requests.get(f"{server.base_url}/samordnare/inloggning", params={"lank": token}, timeout=10)
        assert response.status_code == 403
        assert "Inloggningslänken är inte giltig" in page_text(response.text)
        assert requests.get(f"{server.base_url}/samordnare/", cookies=response.cookies, timeout=10).status_code == 401


def test_a_one_time_link_signs_in_once_with_a_strict_httponly_cookie(server):
    session = requests.Session()
    link = invite_link(server)
    # Opening the link (as a mail program's link scanner would) uses nothing up.
    for _ in range(2):
        assert "Logga in" in session.get(link, timeout=10).text
    token = link.split("lank=")[1]
    answer = session.post(f"{server.base_url}/samordnare/inloggning", data={"lank": token}, allow_redirects=False,
                          timeout=10)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/samordnare/" in cookie
    overview = session.get(f"{server.base_url}/samordnare/", timeout=10)
    assert overview.status_code == 200 and "Inloggad som samordnare@example.se" in page_text(overview.text)
    # The same link again, even from another browser, is refused.
    again = requests.post(f"{server.base_url}/samordnare/inloggning", data={"lank": token}, timeout=10)
    assert again.status_code == 403 and "redan använts" in page_text(again.text)
    log = session.get(f"{server.base_url}/samordnare/logg", timeout=10)
    assert "inloggning" in page_text(log.text) and "engångslänk" in page_text(log.text)


def test_a_link_older_than_fifteen_minutes_is_refused(server):
    class SixteenMinutesAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 16 * 60

    # A genuine invite, signed with the service's secret, as if made 16 minutes ago.
    token = URLSafeTimedSerializer(SECRET, salt="sip-handboken/samordnare/inbjudan", signer=SixteenMinutesAgo).dumps(
        {"p": "samordnare@example.se", "j": "gammal"})
    response = requests.get(f"{server.base_url}/samordnare/inloggning", params={"lank": token}, timeout=10)
    assert response.status_code == 403
    assert "har slutat gälla" in page_text(response.text)


def test_a_session_ends_after_eight_hours_and_on_signing_out(server, clock):
    session = sign_in(server)
    assert session.get(f"{server.base_url}/samordnare/", timeout=10).status_code == 200
    clock.now += 8 * 3600 + 1
    assert session.get(f"{server.base_url}/samordnare/", timeout=10).status_code == 401
    clock.now = time.time()
    session = sign_in(server)
    page = session.get(f"{server.base_url}/samordnare/", timeout=10).text
    kept = dict(session.cookies)
    out = session.post(f"{server.base_url}/samordnare/logga-ut", data={"csrf": csrf_of(page)}, timeout=10)
    assert out.status_code == 200 and "Du är utloggad" in page_text(out.text)
    assert session.get(f"{server.base_url}/samordnare/", timeout=10).status_code == 401
    # The old cookie, kept by someone, no longer opens the page either.
    assert requests.get(f"{server.base_url}/samordnare/", cookies=kept, timeout=10).status_code == 401


def test_every_action_needs_the_sessions_csrf_code_and_this_sites_page(server):
    session = sign_in(server)
    page = session.get(f"{server.base_url}/samordnare/", timeout=10).text
    for data, headers in [({}, {}), ({"csrf": "fel"}, {}),
                          ({"csrf": csrf_of(page)}, {"Sec-Fetch-Site": "cross-site"})]:
        response = session.post(f"{server.base_url}/samordnare/logga-ut", data=data, headers=headers, timeout=10)
        assert response.status_code == 403
        assert "Åtgärden gjordes inte" in page_text(response.text)
    assert session.get(f"{server.base_url}/samordnare/", timeout=10).status_code == 200

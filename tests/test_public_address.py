"""Links the service writes start with its configured address, never the request's Host header; forwarded
headers count only from the configured proxy (the real `serve`, over real HTTP)."""
from __future__ import annotations

import os
import re
from html import unescape

import pytest
import requests

from backoffice.intake.links import LinkSigner, form_url
from backoffice.register import load_register
from intake_support import open_form, serve_command
from test_meeting_intake import ANSWER, MEETING

SECRET = "public-address-secret-" + "p" * 40
PUBLIC = "https://sip.example.se"


def env():
    return {**os.environ, "SIP_SECRET_KEY": SECRET}


@pytest.mark.parametrize("options", [("--base-url", PUBLIC), ()], ids=["base-url", "without"])
def test_a_receipts_survey_link_uses_the_configured_address_whatever_the_host_header(built_site, tmp_path, options):
    school = sorted(load_register())[0]
    with serve_command(built_site, tmp_path / "store", env(), *options) as (base, _log):
        public = PUBLIC if options else base  # without --base-url: the address serve listens on
        token = LinkSigner(SECRET).make_token("motesrapport", school, "2025/26")
        session = requests.Session()
        fields = open_form(session, form_url(base, "motesrapport", token))
        posted = session.post(f"{base}/blanketter/motesrapport/", data={**fields, **MEETING},
                              headers={"Host": "evil.example"}, allow_redirects=False, timeout=10)
        assert posted.status_code == 303
        assert not posted.headers["Location"].startswith("http://evil.example")
        receipt = session.get(base + posted.headers["Location"], headers={"Host": "evil.example"}, timeout=10)
        survey = unescape(re.search(r'class="sip-lank"><a href="([^"]+)"', receipt.text).group(1))
        assert survey.startswith(f"{public}/blanketter/delaktighet/?lank=")
        assert "evil.example" not in receipt.text


def survey_posts(base: str, forwarded_for: list[str]) -> list[int]:
    """One survey answer per client address claimed in X-Forwarded-For; the statuses."""
    statuses = []
    for number, client in enumerate(forwarded_for):
        token = LinkSigner(SECRET).make_meeting_token("delaktighet", "2025-10-03",
                                                      skolenhetskod=sorted(load_register())[number])
        session = requests.Session()
        fields = open_form(session, form_url(base, "delaktighet", token))
        answer = session.post(f"{base}/blanketter/delaktighet/", data={**fields, **ANSWER}, allow_redirects=False,
                              headers={"X-Forwarded-For": client}, timeout=10)
        statuses.append(answer.status_code)
    return statuses


def test_forwarded_addresses_count_only_from_the_configured_proxy(built_site, tmp_path):
    clients = ["192.0.2.10", "192.0.2.11", "192.0.2.12"]
    limits = ("--enkat-per-klient", "2", "--enkat-per-lank", "50")
    # Without --proxy a client cannot claim to be others: its third answer meets the limit.
    with serve_command(built_site, tmp_path / "a", env(), *limits) as (base, _log):
        assert survey_posts(base, clients) == [303, 303, 429]
    # Behind the configured proxy (here: this machine), each forwarded client has its own limit.
    with serve_command(built_site, tmp_path / "b", env(), *limits, "--proxy", "127.0.0.1") as (base, _log):
        assert survey_posts(base, clients) == [303, 303, 303]

"""Signed links: what a token binds, when it is refused, the secret file and the mail-merge CSV."""
from __future__ import annotations

import csv
import os
import stat
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.intake.links import LinkError, LinkSigner, demo_links, load_secret, secret_path
from backoffice.register import load_register

SIGNER = LinkSigner("links-tests-secret-" + "s" * 40)


def test_a_token_binds_form_school_and_year():
    token = SIGNER.make_token("arsuppfoljning", "40526633", "2025/26")
    claims = SIGNER.check_token("arsuppfoljning", token)
    assert (claims.form_id, claims.skolenhetskod, claims.lasar) == ("arsuppfoljning", "40526633", "2025/26")


@pytest.mark.parametrize("make, reason", [
    (lambda: None, "saknas"),
    (lambda: "", "saknas"),
    (lambda: "eyJmIjoiYXJzdXBwZm9sam5pbmcifQ.forged", "ogiltig"),
    # The same token with its payload's last character changed: the signature no longer fits.
    (lambda: (lambda t: t[:10] + ("A" if t[10] != "A" else "B") + t[11:])(
        SIGNER.make_token("arsuppfoljning", "40526633", "2025/26")), "ogiltig"),
    (lambda: LinkSigner("another-secret-" + "x" * 40).make_token("arsuppfoljning", "40526633", "2025/26"), "ogiltig"),
    (lambda: SIGNER.make_token("avvikelse", "40526633", "2025/26"), "ogiltig"),
    (lambda: SIGNER.make_token("arsuppfoljning", "40526633", "2025/26", valid_days=1, now=0), "utgangen"),
])
def test_bad_tokens_are_refused_with_a_reason(make, reason):
    with pytest.raises(LinkError) as caught:
        SIGNER.check_token("arsuppfoljning", make())
    assert caught.value.reason == reason
    assert str(caught.value)  # a Swedish sentence for the 403 page


def test_expiry_is_counted_from_the_day_the_link_was_made():
    token = SIGNER.make_token("arsuppfoljning", "40526633", "2025/26", valid_days=10, now=1_000_000)
    assert SIGNER.check_token("arsuppfoljning", token, now=1_000_000 + 9 * 86400).lasar == "2025/26"
    with pytest.raises(LinkError):
        SIGNER.check_token("arsuppfoljning", token, now=1_000_000 + 11 * 86400)


def test_csrf_token_is_bound_to_its_link():
    token_a = SIGNER.make_token("arsuppfoljning", "40526633", "2025/26")
    token_b = SIGNER.make_token("arsuppfoljning", "66906957", "2025/26")
    csrf = SIGNER.make_csrf(token_a)
    assert SIGNER.check_csrf(token_a, csrf)
    assert not SIGNER.check_csrf(token_b, csrf)
    assert not SIGNER.check_csrf(token_a, "")
    assert not SIGNER.check_csrf(token_a, token_a)  # a link token is not a CSRF token


def test_secret_file_is_created_once_with_mode_600(tmp_path, monkeypatch):
    monkeypatch.delenv("SIP_SECRET_KEY", raising=False)
    data_dir = tmp_path / "var" / "store"
    first = load_secret(data_dir)
    path = secret_path(data_dir)
    assert path == tmp_path / "var" / "secret.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret(data_dir) == first and len(first) >= 32
    monkeypatch.setenv("SIP_SECRET_KEY", "from-the-environment-" + "e" * 30)
    assert load_secret(data_dir).startswith("from-the-environment-")


def test_links_command_writes_one_link_per_school(tmp_path, monkeypatch):
    monkeypatch.delenv("SIP_SECRET_KEY", raising=False)
    out = tmp_path / "lankar.csv"
    data_dir = tmp_path / "var" / "store"
    result = CliRunner().invoke(main, [
        "links", "--form", "arsuppfoljning", "--lasar", "2025/26", "--base-url", "https://sip.example.se",
        "--out", str(out), "--giltig-dagar", "30", "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # what Swedish Excel opens cleanly
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    register = load_register()
    assert sorted(r["skolenhetskod"] for r in rows) == sorted(register)
    signer = LinkSigner(load_secret(data_dir))
    for row in rows[:5]:
        assert row["skolnamn"] == register[row["skolenhetskod"]].skolnamn
        url = urlsplit(row["lank"])
        assert (url.scheme, url.netloc, url.path) == ("https", "sip.example.se", "/blanketter/arsuppfoljning/")
        claims = signer.check_token("arsuppfoljning", parse_qs(url.query)["lank"][0])
        assert (claims.skolenhetskod, claims.lasar) == (row["skolenhetskod"], "2025/26")


@pytest.mark.parametrize("args, message", [
    (["--lasar", "2025/27"], "2025/26"),
    (["--lasar", "2025/26", "--base-url", "sip.example.se"], "http"),
    # A school-link form takes no meeting: the options for one say which forms they are for.
    (["--lasar", "2025/26", "--skola", "40526633"], "möteslänkar (delaktighet)"),
])
def test_links_command_refuses_bad_options_in_swedish(tmp_path, args, message):
    result = CliRunner().invoke(main, ["links", "--form", "avvikelse", "--out", str(tmp_path / "x.csv"),
                                       "--data", str(tmp_path / "store"), *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_short_secret_is_refused_in_swedish(tmp_path, monkeypatch):
    monkeypatch.setenv("SIP_SECRET_KEY", "kort")  # guessable: every school's link could be forged
    store = str(tmp_path / "store")
    for args in (["links", "--form", "arsuppfoljning", "--lasar", "2025/26", "--out", str(tmp_path / "l.csv")],
                 ["serve", "--site", str(tmp_path)]):
        result = CliRunner().invoke(main, [*args, "--data", store])
        assert result.exit_code == 2, result.output
        assert "för kort" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "l.csv").exists()
    monkeypatch.delenv("SIP_SECRET_KEY")
    path = secret_path(tmp_path / "store")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("kort\n", encoding="ascii")
    result = CliRunner().invoke(main, ["links", "--form", "arsuppfoljning", "--lasar", "2025/26",
                                       "--out", str(tmp_path / "l.csv"), "--data", str(tmp_path / "store")])
    assert result.exit_code == 2 and "för kort" in result.output and "Ta bort filen" in result.output


def test_demo_links_give_one_working_link_per_form():
    register = load_register()
    found = demo_links(SIGNER, register, "http://127.0.0.1:8000", "2024/25", today=date(2025, 11, 15))
    by_form = {urlsplit(url).path.split("/")[2]: (label, parse_qs(urlsplit(url).query)["lank"][0])
               for label, url in found}
    assert len(found) == len(by_form) == 5  # every form in forms/, once
    schools = set()
    for form_id in ("arsuppfoljning", "avvikelse", "motesrapport", "stickprov"):
        claims = SIGNER.check_token(form_id, by_form[form_id][1])
        assert claims.lasar == "2024/25" and claims.skolenhetskod in register and not claims.datum
        assert register[claims.skolenhetskod].skolnamn in by_form[form_id][0]
        schools.add(claims.skolenhetskod)
    assert len(schools) == 4  # each form tried out at another school
    meeting = SIGNER.check_token("delaktighet", by_form["delaktighet"][1])
    assert (meeting.datum, meeting.lasar, meeting.max_answers) == ("2025-11-14", "2025/26", 4)
    assert "(möte 2025-11-14)" in by_form["delaktighet"][0]

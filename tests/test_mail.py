"""E-mail to the schools: addresses imported, links and reminders sent through a real SMTP server on loopback."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
import requests
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.config import REGISTER_PATH
from backoffice.mail.relay import Relay as SmtpRelay, SmtpSettings
from backoffice.register import load_register
from intake_support import ARSUPPFOLJNING, SECRET, running_server, submit
from mail_support import Relay, start_relay

LASAR = "2025/26"
DEADLINE = (dt.date.today() + dt.timedelta(days=30))


@pytest.fixture
def relay():
    relay = Relay()
    controller = start_relay(relay)
    yield relay, controller.port
    controller.stop()


@pytest.fixture
def mail_env(tmp_path, monkeypatch, relay):
    """A copy of the register (addresses are written beside it), an empty store and the relay's address."""
    register_path = tmp_path / "register" / "skolor.csv"
    register_path.parent.mkdir()
    shutil.copy(REGISTER_PATH, register_path)
    monkeypatch.setenv("SIP_REGISTER", str(register_path))
    monkeypatch.setenv("SIP_SECRET_KEY", SECRET)
    monkeypatch.setenv("SIP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SIP_SMTP_PORT", str(relay[1]))
    monkeypatch.setenv("SIP_SMTP_STARTTLS", "0")
    monkeypatch.setenv("SIP_SMTP_RETRY_PAUSE", "0.01")
    schools = sorted(load_register(register_path))[:5]
    return {"register": register_path, "data": tmp_path / "store", "schools": schools, "tmp": tmp_path}


def address(code: str) -> str:
    return f"rektor.{code}@skola.example.se"


def write_address_file(path, rows, encoding="utf-8-sig"):
    lines = ["Skolenhetskod;E-post"] + [f"{code};{mail}" for code, mail in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def import_addresses(env, codes=None):
    codes = codes or env["schools"]
    source = write_address_file(env["tmp"] / "rektorer.csv", [(c, address(c)) for c in codes])
    status, output = run("register", "adresser", str(source))
    assert status == 0, output
    return output


def send(env, base_url, *extra):
    return run("skicka", "--form", "arsuppfoljning", "--lasar", LASAR, "--sista-dag", DEADLINE.isoformat(),
               "--base-url", base_url, "--data", str(env["data"]), *extra)


# ---------------------------------------------------------------- addresses


def test_an_address_file_with_errors_is_refused_whole_naming_each_row(mail_env):
    good, other = mail_env["schools"][:2]
    source = write_address_file(mail_env["tmp"] / "adresser.csv", [
        (good, address(good)),
        ("12345678", "rektor@skola.example.se"),      # not in the register
        (other, "rektor vid skolan@example"),          # not an address
        (good, "annan@skola.example.se"),              # the same school twice
    ])
    status, output = run("register", "adresser", str(source))
    assert status == 1
    assert "rad 3, kolumn skolenhetskod: skolenheten finns inte i skolregistret" in output
    assert "rad 4, kolumn epost: adressen är inte en giltig e-postadress" in output
    assert f"rad 5: skolenheten {good} har redan en adress på rad 2" in output
    assert "inga adresser har lästs in" in output
    assert not (mail_env["register"].parent / "adresser.csv").exists()


def test_addresses_saved_by_swedish_excel_are_kept_beside_the_register(mail_env):
    output = import_addresses(mail_env)
    kept = (mail_env["register"].parent / "adresser.csv").read_text(encoding="utf-8").splitlines()
    assert kept[0] == "skolenhetskod,epost"
    assert sorted(kept[1:]) == sorted(f"{c},{address(c)}" for c in mail_env["schools"])
    assert "Läste in 5 adresser" in output
    # Windows-1252 (Excel's "CSV (semikolonavgränsad)") is read too; a new file replaces the old whole.
    source = write_address_file(mail_env["tmp"] / "ansi.csv", [(mail_env["schools"][0], "rektor.ö@skola.example.se")],
                                encoding="cp1252")
    status, output = run("register", "adresser", str(source))
    assert status == 0, output
    assert (mail_env["register"].parent / "adresser.csv").read_text(encoding="utf-8").count("@") == 1


# ---------------------------------------------------------------- sending


@pytest.fixture
def intake(built_site, mail_env):
    with running_server(built_site, mail_env["data"]) as server:
        yield server


def links_in(received) -> list[str]:
    return re.findall(r"https?://\S+", received.text())


def test_links_then_reminders_reach_exactly_the_schools_without_an_answer(mail_env, relay, intake):
    relay, _ = relay
    import_addresses(mail_env)
    register = load_register(mail_env["register"])
    status, output = send(mail_env, intake.base_url)
    assert status == 0, output
    assert "5 av 5 mejl kom fram" in output
    assert sorted(r.rcpt_tos[0] for r in relay.received) == sorted(address(c) for c in mail_env["schools"])

    first = relay.to(address(mail_env["schools"][0]))[0]
    message = first.message
    assert message["Subject"] == "Årlig uppföljning av SIP: dags att svara för läsåret 2025/26"
    assert message["Reply-To"] == "sip-samordnare@example.se"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    # On the wire the subject is 7-bit ASCII, its å, ä and ö encoded as UTF-8 (RFC 2047).
    raw_subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", first.raw, re.M).group(1)
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject.lower()
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    text = first.text()
    assert register[mail_env["schools"][0]].skolnamn in text
    assert f"Svara senast {DEADLINE.day} " in text and str(DEADLINE.year) in text
    assert "personnummer" in text  # the plain reminder never to name a child
    assert links_in(first)[0] in first.html()

    # Each link opens its own school's form.
    session = requests.Session()
    for received in relay.received:
        code = next(c for c in mail_env["schools"] if address(c) in received.rcpt_tos)
        page = session.get(links_in(received)[0], timeout=10)
        assert page.status_code == 200
        assert f"skolenhetskod {code}" in page.text

    # A second run sends nothing again.
    status, output = send(mail_env, intake.base_url)
    assert status == 0 and len(relay.received) == 5
    assert "5 skolor har redan fått samma mejl" in output

    # Two schools answer; the reminder goes to exactly the other three.
    answered = mail_env["schools"][:2]
    for code in answered:
        link = links_in(relay.to(address(code))[0])[0]
        assert submit(session, intake, "arsuppfoljning", link, ARSUPPFOLJNING).status_code == 200
    status, output = send(mail_env, intake.base_url, "--bara-saknade")
    assert status == 0, output
    reminders = relay.received[5:]
    assert sorted(r.rcpt_tos[0] for r in reminders) == sorted(address(c) for c in mail_env["schools"][2:])
    assert all(r.message["Subject"].startswith("Påminnelse:") for r in reminders)
    assert "2 skolor har redan svarat" in output

    log = (mail_env["data"] / "utskick.jsonl").read_text(encoding="utf-8")
    assert log.count('"status": "levererad"') == 8
    assert "TEST0001" in log  # the relay's own answer is kept


def test_a_dry_run_shows_the_messages_and_sends_nothing(mail_env, relay):
    relay, _ = relay
    import_addresses(mail_env, mail_env["schools"][:3])
    status, output = send(mail_env, "https://sip.example.se", "--provkor")
    assert status == 0, output
    assert relay.received == []
    assert "3 mejl att skicka" in output
    assert "skolor saknar e-postadress" in output
    assert "https://sip.example.se/blanketter/arsuppfoljning/?lank=" in output
    assert "Provkörning: inget har skickats." in output
    assert not (mail_env["data"] / "utskick.jsonl").exists()


def test_temporary_answers_are_retried_and_refused_addresses_listed(mail_env, relay):
    relay, _ = relay
    import_addresses(mail_env)
    busy, refused, stuck = (address(c) for c in mail_env["schools"][:3])
    relay.busy[busy] = 2        # 451 twice, then accepted
    relay.refuse.add(refused)   # 550: the address does not exist
    relay.busy[stuck] = 99      # 451 to the end of this run
    status, output = send(mail_env, "https://sip.example.se")
    assert status == 1
    assert len(relay.to(busy)) == 1
    assert "3 av 5 mejl kom fram" in output
    assert f"<{refused}>: 550 5.1.1 Mailbox unavailable" in output
    assert f"<{stuck}>: 451" in output and "Kör samma kommando igen senare" in output
    # Later the relay takes the stuck one; a new run sends only what did not arrive.
    relay.busy[stuck] = 0
    relay.refuse.clear()
    status, output = send(mail_env, "https://sip.example.se")
    assert status == 0, output
    assert len(relay.to(stuck)) == 1 and len(relay.to(refused)) == 1
    assert len(relay.received) == 5


def test_a_relay_that_refuses_the_sender_stops_the_mailing(mail_env, relay):
    relay, _ = relay
    import_addresses(mail_env)
    relay.refuse_sender = True
    status, output = send(mail_env, "https://sip.example.se")
    assert status == 2
    assert "E-postservern tar inte emot meddelanden från sip-samordnare@example.se (553" in output
    assert "Traceback" not in output
    assert relay.received == []


def test_an_unreachable_relay_is_a_swedish_error(mail_env, monkeypatch):
    import_addresses(mail_env)
    from mail_support import free_port

    monkeypatch.setenv("SIP_SMTP_PORT", str(free_port()))
    status, output = send(mail_env, "https://sip.example.se")
    assert status == 2
    assert "Kunde inte nå e-postservern 127.0.0.1:" in output
    assert "Traceback" not in output


def test_a_deadline_after_the_links_expire_is_refused(mail_env):
    import_addresses(mail_env)
    status, output = run("skicka", "--form", "arsuppfoljning", "--lasar", LASAR, "--giltig-dagar", "10",
                         "--sista-dag", (dt.date.today() + dt.timedelta(days=20)).isoformat(), "--provkor",
                         "--data", str(mail_env["data"]))
    assert status == 2
    assert "ligger efter att länkarna slutar gälla" in output


def test_a_survey_form_is_not_sent_per_school(mail_env):
    status, output = run("skicka", "--form", "delaktighet", "--lasar", LASAR, "--provkor", "--data", str(mail_env["data"]))
    assert status == 2
    assert "enkätlänkar för ett visst möte" in output


def test_messages_are_paced_to_the_rate_asked_for(relay):
    from backoffice.mail.message import build_message

    _, port = relay
    now, pauses = [0.0], []

    def sleep(seconds):
        pauses.append(round(seconds, 3))
        now[0] += seconds

    settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False)
    with SmtpRelay(settings, per_minute=30, sleep=sleep, clock=lambda: now[0]) as smtp:
        for i in range(3):
            smtp.send(build_message(sender="sip@example.se", to=f"skola{i}@example.se", subject="Test", text="Hej"))
    assert pauses == [2.0, 2.0]


def test_starttls_and_login_with_the_relays_own_certificate(tmp_path):
    import ssl

    from aiosmtpd.smtp import AuthResult

    from backoffice.mail.message import build_message

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    relay = Relay()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"sip" and auth_data.password == b"hemligt"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    # PLAIN only: smtplib would otherwise try LOGIN after a refused PLAIN, which aiosmtpd answers differently.
    controller = start_relay(relay, tls_context=context, require_starttls=True, authenticator=authenticate,
                             auth_exclude_mechanism=["LOGIN"])
    try:
        settings = SmtpSettings(host="127.0.0.1", port=controller.port, user="sip", password="hemligt", cafile=str(cert))
        with SmtpRelay(settings) as smtp:
            outcome = smtp.send(build_message(sender="sip@example.se", to="skola@example.se", subject="Å", text="Hej"))
        assert outcome.status == "levererad"
        assert relay.received[0].message["Subject"] == "Å"
        from backoffice.mail.relay import RelayError

        with pytest.raises(RelayError, match="godtog inte inloggningen"):
            with SmtpRelay(SmtpSettings(host="127.0.0.1", port=controller.port, user="sip", password="fel",
                                        cafile=str(cert))):
                pass
    finally:
        controller.stop()

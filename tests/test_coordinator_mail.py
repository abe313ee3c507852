"""E-mail from the coordinator's page: addresses uploaded, a mailing previewed and sent to a real SMTP server."""
from __future__ import annotations

import re
import shutil
import time

import pytest
import requests

from backoffice.config import REGISTER_PATH
from backoffice.register import load_register
from intake_support import ARSUPPFOLJNING, SECRET, page_text, running_server, submit
from mail_support import Relay, start_relay
from test_coordinator_signin import WITHOUT_PROVIDER, csrf_of, sign_in


@pytest.fixture
def office(built_site, tmp_path, monkeypatch):
    """A signed-in coordinator, the service on a copy of the register, and an SMTP relay on loopback."""
    register_path = tmp_path / "register" / "skolor.csv"
    register_path.parent.mkdir()
    shutil.copy(REGISTER_PATH, register_path)
    relay = Relay()
    controller = start_relay(relay)
    for name, value in {"SIP_REGISTER": str(register_path), "SIP_SECRET_KEY": SECRET, "SIP_SMTP_HOST": "127.0.0.1",
                        "SIP_SMTP_PORT": str(controller.port), "SIP_SMTP_STARTTLS": "0",
                        "SIP_SMTP_RETRY_PAUSE": "0.01"}.items():
        monkeypatch.setenv(name, value)
    with running_server(built_site, tmp_path / "store", sign_in=WITHOUT_PROVIDER) as server:
        yield server, sign_in(server), relay, sorted(load_register(register_path))[:4], tmp_path
    controller.stop()


def post(session, server, path, data, **kwargs):
    page = session.get(f"{server.base_url}/samordnare/utskick", timeout=10).text
    return session.post(f"{server.base_url}{path}", data={"csrf": csrf_of(page), **data}, timeout=30, **kwargs)


def upload(session, server, content: bytes, name="rektorer.csv"):
    return post(session, server, "/samordnare/utskick/adresser", {}, files={"fil": (name, content, "text/csv")})


def wait_for_job(session, response) -> str:
    assert response.history and response.history[0].status_code == 303
    for _ in range(100):
        text = page_text(response.text)
        if "Pågår" not in text:
            return text
        assert response.headers.get("Refresh") == "2"
        time.sleep(0.2)
        response = session.get(response.url, timeout=10)
    raise AssertionError("the mailing never finished")


def test_a_coordinator_uploads_addresses_and_sends_links_then_reminders_from_the_page(office):
    server, session, relay, schools, _ = office
    bad = upload(session, server, "skolenhetskod;epost\r\n12345678;rektor@skola.example.se\r\n".encode("cp1252"))
    assert bad.status_code == 422
    assert "rektorer.csv, rad 2, kolumn skolenhetskod: skolenheten finns inte i skolregistret" in page_text(bad.text)
    good = "Skolenhetskod;E-post\r\n" + "".join(f"{c};rektor.{c}@skola.example.se\r\n" for c in schools)
    answer = upload(session, server, good.encode("utf-8-sig"))
    assert answer.status_code == 200 and f"Läste in {len(schools)} adresser från rektorer.csv" in page_text(answer.text)

    fields = {"blankett": "arsuppfoljning", "lasar": "2025/26", "mottagare": "alla",
              "sista_dag": time.strftime("%Y-%m-%d", time.localtime(time.time() + 20 * 86400))}
    preview = post(session, server, "/samordnare/utskick/forhandsvisa", fields)
    text = page_text(preview.text)
    assert f"{len(schools)} mejl att skicka" in text and "Första mejlet" in text
    assert relay.received == []
    done = wait_for_job(session, post(session, server, "/samordnare/utskick/skicka", fields))
    assert f"{len(schools)} av {len(schools)} mejl kom fram" in done
    assert sorted(r.rcpt_tos[0] for r in relay.received) == sorted(f"rektor.{c}@skola.example.se" for c in schools)

    # One school answers through its own link; the reminder goes to the others only.
    link = re.search(r"https?://\S+", relay.to(f"rektor.{schools[0]}@skola.example.se")[0].text()).group(0)
    assert submit(requests.Session(), server, "arsuppfoljning", link, ARSUPPFOLJNING).status_code == 200
    done = wait_for_job(session, post(session, server, "/samordnare/utskick/skicka", {**fields, "mottagare": "saknade"}))
    reminders = relay.received[len(schools):]
    assert sorted(r.rcpt_tos[0] for r in reminders) == sorted(f"rektor.{c}@skola.example.se" for c in schools[1:])
    log = page_text(session.get(f"{server.base_url}/samordnare/logg", timeout=10).text)
    assert "läste in adresser" in log and log.count("skickade utskick") == 2


def test_a_mailing_without_a_relay_says_so_and_sends_nothing(office, monkeypatch):
    server, session, relay, schools, _ = office
    upload(session, server, ("skolenhetskod;epost\r\n" + f"{schools[0]};rektor@skola.example.se\r\n").encode())
    monkeypatch.delenv("SIP_SMTP_HOST")
    fields = {"blankett": "arsuppfoljning", "lasar": "2025/26", "mottagare": "alla",
              "sista_dag": time.strftime("%Y-%m-%d", time.localtime(time.time() + 20 * 86400))}
    done = wait_for_job(session, post(session, server, "/samordnare/utskick/skicka", fields))
    assert "Ingen e-postserver är angiven" in done
    assert relay.received == []

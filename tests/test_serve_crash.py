"""`kill -9` of the server while rectors post: every acknowledged answer is in the store, none torn,
and the form takes posts again after a restart (posts arriving together are written as one group)."""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import threading
import time

import requests

from backoffice.intake.links import LinkSigner, form_url
from backoffice.register import load_register
from backoffice.store.files import FileStore, read_rows
from intake_support import ARSUPPFOLJNING, SIP_BACKOFFICE, _wait_until_up
from mail_support import free_port

SECRET = "crash-test-secret-" + "c" * 40
KILLS = 6


def start(site, data, port):
    env = {**os.environ, "SIP_SECRET_KEY": SECRET}
    log = open(data.parent / f"serve-{port}.log", "a", encoding="utf-8")
    process = subprocess.Popen([str(SIP_BACKOFFICE), "serve", "--host", "127.0.0.1", "--port", str(port), "--site",
                                str(site), "--data", str(data)], env=env, stdout=log, stderr=subprocess.STDOUT)
    _wait_until_up(f"http://127.0.0.1:{port}", process, data.parent / f"serve-{port}.log")
    return process


def poster(base, link, acknowledged, stop):
    session = requests.Session()
    try:
        page = session.get(link, timeout=5).text
    except requests.RequestException:
        return
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    while not stop.is_set():
        try:
            answer = session.post(f"{base}/blanketter/arsuppfoljning/", data={**hidden, **ARSUPPFOLJNING},
                                  allow_redirects=False, timeout=5)
        except requests.RequestException:
            return  # the server is gone: this post was never acknowledged
        match = re.search(r"kvitto=(SIP-\d{4}-[0-9A-Z]{6})", answer.headers.get("Location", ""))
        if answer.status_code == 303 and match:
            acknowledged.append(match.group(1))


def test_no_acknowledged_answer_is_lost_when_the_server_is_killed(built_site, tmp_path):
    rng = random.Random(int(os.environ.get("SIP_CRASH_SEED", "7")))
    data, port = tmp_path / "store", free_port()
    base = f"http://127.0.0.1:{port}"
    signer = LinkSigner(SECRET)
    links = [form_url(base, "arsuppfoljning", signer.make_token("arsuppfoljning", code, "2025/26"))
             for code in sorted(load_register())[:20]]
    acknowledged: list[str] = []
    for _ in range(KILLS):
        server = start(built_site, data, port)
        stop = threading.Event()
        threads = [threading.Thread(target=poster, args=(base, link, acknowledged, stop)) for link in links]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        # Every answer the server acknowledged is stored whole (the CSV parses, the receipts are there).
        stored = {row["kvitto"] for row in read_rows(data, "arsuppfoljning")}
        assert set(acknowledged) <= stored, f"lost: {sorted(set(acknowledged) - stored)[:5]}"
    assert len(acknowledged) > 50  # the kills fell while posts were being stored
    # After the last kill the form still takes posts, and the receipts are found through the index.
    server = start(built_site, data, port)
    try:
        session = requests.Session()
        page = session.get(links[0], timeout=10).text
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        answer = session.post(f"{base}/blanketter/arsuppfoljning/", data={**hidden, **ARSUPPFOLJNING}, timeout=10)
        assert answer.status_code == 200 and "sip-kvitto" in answer.text
    finally:
        server.terminate()
        server.wait(timeout=10)
    store = FileStore(data)
    assert all(store.find("arsuppfoljning", kvitto) is not None for kvitto in acknowledged[-20:])

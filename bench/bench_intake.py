"""Measure the intake service against a bare baseline: submissions per second with 50 concurrent clients.

Starts `sip-backoffice serve` on a free port of 127.0.0.1 with a temporary store, lets N clients
(threads, one HTTP session each, like N rectors at once) open their own signed link and post the
annual form repeatedly, then checks that the store holds exactly the rows that were answered
with a receipt. Then the same clients post the same number of times, in the same run, to a bare
Flask app under waitress that does nothing but append one CSV row and fsync it (the least any
intake must do): the ratio of the two throughputs is what the intake's checks cost.
Loopback only; bounded by --posts and a timeout.

    .venv/bin/python bench/bench_intake.py [--clients 50] [--posts 1000] [--site site]
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice.intake.links import LinkSigner, form_url  # noqa: E402
from backoffice.register import load_register  # noqa: E402
from backoffice.store.files import read_rows  # noqa: E402

SECRET = "bench-secret-" + "b" * 40
ANSWER = {"sip_initierade": "3", "sip_deltagit": "5", "behov": "Mer tid för samordning.",
          "avvikelse_utredd": "ja", "avvikelser_utredda": "1", "sip_kunnig_utsedd": "ja"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped; see its log")
        try:
            requests.get(base + "/", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def client(base, link, count, latencies, failures, receipts=True):
    """One rector posting the annual form `count` times through a link; with `receipts`, each post
    is followed to its receipt page as a browser does (post/redirect/get), else it ends at the 303."""
    session = requests.Session()
    page = session.get(link, timeout=30).text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    for _ in range(count):
        started = time.perf_counter()
        try:
            response = session.post(f"{base}/blanketter/arsuppfoljning/", data={**hidden, **ANSWER}, timeout=60,
                                    allow_redirects=receipts)
        except requests.RequestException as error:
            failures.append(type(error).__name__)
            continue
        elapsed = time.perf_counter() - started
        done = ('class="sip-kvitto"' in response.text) if receipts else "kvitto=" in response.headers.get("Location", "")
        if response.status_code == (200 if receipts else 303) and done:
            latencies.append(elapsed)
        else:
            failures.append(response.status_code)


def stored_only(base, link, count, latencies, failures):
    client(base, link, count, latencies, failures, receipts=False)


BARE_APP = r"""
import csv, io, os, sys, threading
import waitress
from flask import Flask, request
app, lock = Flask(__name__), threading.Lock()
path = sys.argv[2]
@app.get("/")
def up():
    return "ok"
@app.post("/")
def append():
    line = io.StringIO(); csv.writer(line).writerow(list(request.form.values()))
    with lock:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line.getvalue().encode()); os.fsync(fd)
        finally:
            os.close(fd)
    return '<p class="sip-kvitto">ok</p>'
waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[3]), _quiet=True)
"""


def bare_client(base, link, count, latencies, failures):
    """Like `client`, against the bare baseline: one post of the same answer per submission."""
    session = requests.Session()
    for _ in range(count):
        started = time.perf_counter()
        try:
            response = session.post(f"{base}/", data={"lank": link, **ANSWER}, timeout=60)
        except requests.RequestException as error:
            failures.append(type(error).__name__)
            continue
        if response.status_code == 200 and 'class="sip-kvitto"' in response.text:
            latencies.append(time.perf_counter() - started)
        else:
            failures.append(response.status_code)


def run_clients(target, base, links, clients, per_client):
    latencies, failures = [], []
    threads = [threading.Thread(target=target, args=(base, links[i % len(links)], per_client, latencies, failures))
               for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies, failures, time.perf_counter() - started


def bare_baseline(tmp: str, links, args, per_client) -> float:
    """Submissions per second of the bare append-and-fsync app, with the same clients."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port), str(Path(tmp) / "bare.csv"),
                               str(args.threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        latencies, failures, wall = run_clients(bare_client, f"http://127.0.0.1:{port}", links, args.clients, per_client)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failures:
        raise SystemExit(f"the bare baseline failed {len(failures)} posts")
    return len(latencies) / wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--posts", type=int, default=1000, help="total posts (bounded)")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument("--site", default=str(ROOT / "site"), help="the built site")
    args = parser.parse_args()
    if not (Path(args.site) / "index.html").exists():
        raise SystemExit(f"build the site first (make site): {args.site} has no index.html")
    posts = min(args.posts, 20000)
    per_client = max(1, posts // args.clients)

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "store"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, SIP_SECRET_KEY=SECRET)
        # The server's log goes to a file: an unread pipe fills up (waitress logs queue depth) and
        # would stall the server.
        log = open(Path(tmp) / "server.log", "w+", encoding="utf-8")
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("sip-backoffice")), "serve", "--host", "127.0.0.1",
             "--port", str(port), "--data", str(data_dir), "--site", args.site, "--threads", str(args.threads)],
            env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            wait_until_up(base, server)
            signer = LinkSigner(SECRET)
            schools = sorted(load_register())[: args.clients]
            links = [form_url(base, "arsuppfoljning", signer.make_token("arsuppfoljning", code, "2025/26"))
                     for code in schools]
            latencies, failures, wall = run_clients(client, base, links, args.clients, per_client)
            posts_only, post_failures, posts_wall = run_clients(stored_only, base, links, args.clients, per_client)
            failures += post_failures
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
        stored = len(read_rows(data_dir, "arsuppfoljning")) - len(posts_only)
        bare = bare_baseline(tmp, links, args, per_client)

    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"clients: {args.clients}, server threads: {args.threads}, posts: {len(latencies) + len(failures)}")
    print(f"accepted with receipt: {len(latencies)}, failed: {len(failures)}, rows in store: {stored}")
    print(f"throughput: {len(latencies) / wall:.1f} submissions/s over {wall:.1f} s")
    print(f"latency ms: p50 {p(0.50):.0f}, p95 {p(0.95):.0f}, p99 {p(0.99):.0f}, "
          f"max {latencies[-1] * 1000:.0f}, mean {statistics.mean(latencies) * 1000:.0f}")
    posts = len(posts_only) / posts_wall
    print(f"posts alone (checked and stored, answered 303 to the receipt): {posts:.1f} submissions/s")
    print(f"bare Flask + waitress appending and fsyncing one CSV row: {bare:.1f} submissions/s")
    print(f"ratio intake / bare: {posts / bare:.2f} for the post alone, {len(latencies) / wall / bare:.2f} with "
          "the receipt page a browser then loads")
    if stored != len(latencies):
        raise SystemExit("MISMATCH: the store does not hold exactly the receipted posts")


if __name__ == "__main__":
    main()

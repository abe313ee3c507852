"""Measure the intake service: submissions per second and latency with 50 concurrent clients.

Starts `sip-backoffice serve` on a free port of 127.0.0.1 with a temporary store, lets N clients
(threads, one HTTP session each, like N rectors at once) open their own signed link and post the
annual form repeatedly, then checks that the store holds exactly the rows that were answered
with a receipt. Loopback only; bounded by --posts and a timeout.

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


def client(base, link, count, latencies, failures):
    session = requests.Session()
    page = session.get(link, timeout=30).text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    for _ in range(count):
        started = time.perf_counter()
        try:
            response = session.post(f"{base}/blanketter/arsuppfoljning/", data={**hidden, **ANSWER}, timeout=60)
        except requests.RequestException as error:
            failures.append(type(error).__name__)
            continue
        elapsed = time.perf_counter() - started
        if response.status_code == 200 and 'class="sip-kvitto"' in response.text:
            latencies.append(elapsed)
        else:
            failures.append(response.status_code)


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
            latencies, failures = [], []
            threads = [threading.Thread(target=client, args=(base, links[i % len(links)], per_client,
                                                             latencies, failures))
                       for i in range(args.clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
        stored = len(read_rows(data_dir, "arsuppfoljning"))

    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"clients: {args.clients}, server threads: {args.threads}, posts: {len(latencies) + len(failures)}")
    print(f"accepted with receipt: {len(latencies)}, failed: {len(failures)}, rows in store: {stored}")
    print(f"throughput: {len(latencies) / wall:.1f} submissions/s over {wall:.1f} s")
    print(f"latency ms: p50 {p(0.50):.0f}, p95 {p(0.95):.0f}, p99 {p(0.99):.0f}, "
          f"max {latencies[-1] * 1000:.0f}, mean {statistics.mean(latencies) * 1000:.0f}")
    if stored != len(latencies):
        raise SystemExit("MISMATCH: the store does not hold exactly the receipted posts")


if __name__ == "__main__":
    main()

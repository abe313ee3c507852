"""Measure the store's lookups with a large form: why the index is SQLite beside the store.

Writes N deviation reports (default 200,000) to a temporary store in one batch, then, each in a
fresh process so that its peak memory (ru_maxrss) is its own, measures:

  scan      what a receipt view cost before the index: read and parse the whole form, find the row
  dict      the alternative index: an in-process dict of receipt → file offset, built by a scan
  build     the SQLite index built from nothing (the first lookup of a process with no index)
  lookups   a process opening the existing index: receipt lookups, an answer's versions, the
            latest version per key, who answered a school year
  posts     one-row appends (a web post) on top of the large form, the index kept up to date
  served    the real `sip-backoffice serve` on that store: receipt pages viewed by 10 clients at
            once, each view's time and the server's peak memory (VmHWM)

and prints times and peak memory, plus the index's size on disk.

    .venv/bin/python bench/bench_store.py [--rows 200000] [--posts 200] [--lookups 2000]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHOOLS = ["40526633", "66906957", "10000001", "10000002", "10000004", "10000006"]
KEYED_SCHOOLS = 400


def deviation(i: int) -> dict:
    month = 1 + i % 12
    return {"skolenhetskod": SCHOOLS[i % len(SCHOOLS)], "datum": f"{2023 + i % 3}-{month:02d}-{1 + i % 28:02d}",
            "kategori": "Kallad verksamhet deltog inte", "berorda_verksamheter": "skola, BUP",
            "lost_i_chefslinjen": "pågår", "handelseanalys": "nej", "rapporterad_medcontrol": "ja",
            "beskrivning": f"Rapport {i}: BUP kom inte.\nIngen ersättare skickades, trots kallelse."}


def annual(school: int, lasar: str) -> dict:
    return {"skolenhetskod": f"{20000000 + school}", "lasar": lasar, "sip_initierade": "3", "sip_deltagit": "5",
            "behov": "Tid för samverkan.", "avvikelse_utredd": "nej", "avvikelser_utredda": "",
            "sip_kunnig_utsedd": "ja"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_write(data_dir: Path, rows: int) -> dict:
    from backoffice.store.files import FileStore

    store = FileStore(data_dir)
    started = time.perf_counter()
    receipts = store.append("avvikelse", [deviation(i) for i in range(rows)], kanal="import")
    batch = time.perf_counter() - started
    # A keyed form too: schools answering three school years, a third of them twice.
    answers = [annual(s, y) for y in ("2023/24", "2024/25", "2025/26") for s in range(KEYED_SCHOOLS)]
    store.append("arsuppfoljning", answers + answers[: len(answers) // 3], kanal="import")
    chosen = random.Random(1).sample(receipts, 2000)
    (data_dir / "sample.json").write_text(json.dumps([r.kvitto for r in chosen]))
    # The served receipt views need each receipt's school: its link is that school's.
    (data_dir / "sample-schools.json").write_text(json.dumps([(r.kvitto, r.row["skolenhetskod"]) for r in chosen]))
    return {"batch_s": batch, "rows_per_s": rows / batch, "peak_mb": peak_mb()}


def phase_scan(data_dir: Path, lookups: int) -> dict:
    from backoffice.store.files import read_rows

    sample = json.loads((data_dir / "sample.json").read_text())[: max(1, lookups // 200)]
    started = time.perf_counter()
    for kvitto in sample:
        rows = read_rows(data_dir, "avvikelse")
        assert any(row["kvitto"] == kvitto for row in rows)
        del rows
    return {"lookup_ms": (time.perf_counter() - started) / len(sample) * 1000, "peak_mb": peak_mb()}


def phase_dict(data_dir: Path, lookups: int) -> dict:
    from backoffice.store.table_file import record_ends

    started = time.perf_counter()
    offsets: dict[str, tuple[int, int]] = {}
    data = (data_dir / "avvikelse.csv").read_bytes()
    ends = record_ends(data)
    for start, end in zip(ends, ends[1:]):
        line = data[start:end]
        # The receipt is the second system column: found from the end of the line.
        offsets[line.rsplit(b",", 6)[1].decode()] = (start, end - start)
    del data, ends
    build = time.perf_counter() - started
    sample = json.loads((data_dir / "sample.json").read_text())
    assert all(k in offsets for k in sample)
    return {"build_s": build, "peak_mb": peak_mb(), "entries": len(offsets)}


def phase_build(data_dir: Path, lookups: int) -> dict:
    from backoffice.store.files import FileStore

    shutil.rmtree(data_dir / ".index", ignore_errors=True)
    sample = json.loads((data_dir / "sample.json").read_text())
    started = time.perf_counter()
    assert FileStore(data_dir).find("avvikelse", sample[0]) is not None
    return {"build_s": time.perf_counter() - started, "peak_mb": peak_mb()}


def _timed(function, args_list) -> float:
    started = time.perf_counter()
    for args in args_list:
        function(*args)
    return (time.perf_counter() - started) / len(args_list) * 1000


def phase_lookups(data_dir: Path, lookups: int) -> dict:
    from backoffice.store.files import FileStore

    store = FileStore(data_dir)
    sample = json.loads((data_dir / "sample.json").read_text())
    started = time.perf_counter()
    assert store.find("avvikelse", sample[0]) is not None
    first = (time.perf_counter() - started) * 1000
    picks = [("avvikelse", sample[i % len(sample)]) for i in range(lookups)]
    keys = [("arsuppfoljning", (f"{20000000 + i % KEYED_SCHOOLS}", "2024/25")) for i in range(lookups)]
    return {
        "first_lookup_ms": first,
        "find_ms": _timed(store.find, picks),
        "versions_ms": _timed(store.versions, picks[: lookups // 4]),
        "latest_for_ms": _timed(store.latest_for, keys),
        "answered_ms": _timed(store.answered, [("avvikelse", "2024/25")] * 20),
        "answered_keyed_ms": _timed(store.answered, [("arsuppfoljning", "2024/25")] * 20),
        "peak_mb": peak_mb(),
    }


def phase_posts(data_dir: Path, posts: int) -> dict:
    from backoffice.store.files import FileStore

    store = FileStore(data_dir)
    store.find("avvikelse", "SIP-0000-AAAAAA")  # the index opened, as in a running server
    package = (data_dir / "datapackage.json").stat().st_mtime_ns
    started = time.perf_counter()
    for i in range(posts):
        (receipt,) = store.append("avvikelse", [deviation(i)])
        assert store.find("avvikelse", receipt.kvitto) is not None  # the receipt view after the post
    per_post = (time.perf_counter() - started) / posts * 1000
    return {"post_and_receipt_ms": per_post, "package_rewritten": (data_dir / "datapackage.json").stat().st_mtime_ns
            != package, "peak_mb": peak_mb()}


PHASES = {"write": phase_write, "scan": phase_scan, "dict": phase_dict, "build": phase_build,
          "lookups": phase_lookups, "posts": phase_posts}


def served_receipts(data_dir: Path, clients: int = 10, views: int = 30) -> dict:
    """Receipt pages from the real server, `clients` at once; per-view times and the server's peak memory."""
    import os
    import socket
    import statistics
    import threading

    import requests

    from backoffice.intake.links import LinkSigner, form_url
    from backoffice.register import load_register

    site = ROOT / "site"
    if not (site / "index.html").exists():
        raise SystemExit("build the site first (make site): site/ has no index.html")
    secret = "bench-store-secret-" + "s" * 40
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(Path(sys.executable).with_name("sip-backoffice")), "serve", "--host", "127.0.0.1",
                               "--port", str(port), "--data", str(data_dir), "--site", str(site)],
                              env={**os.environ, "SIP_SECRET_KEY": secret}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        # Links are refused for a school outside the register, as they should be: view only those in it.
        known = load_register()
        signer = LinkSigner(secret)
        sample = [pair for pair in json.loads((data_dir / "sample-schools.json").read_text()) if pair[1] in known]
        times: list[float] = []

        def viewer(offset: int) -> None:
            session = requests.Session()
            for kvitto, school in sample[offset * views:(offset + 1) * views]:
                link = form_url(base, "avvikelse", signer.make_token("avvikelse", school, "2025/26"))
                started = time.perf_counter()
                page = session.get(f"{link}&kvitto={kvitto}", timeout=30)
                times.append(time.perf_counter() - started)
                assert kvitto in page.text, (page.status_code, " ".join(re.sub("<[^>]+>", " ", page.text.split("<h1", 1)[-1]).split())[:400])

        viewer(clients)  # one round alone first: the server opens the index
        times.clear()
        threads = [threading.Thread(target=viewer, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    finally:
        server.terminate()
        server.wait(timeout=10)
    times.sort()
    return {"p50_ms": statistics.median(times) * 1000, "p95_ms": times[int(0.95 * len(times))] * 1000,
            "server_peak_mb": peak, "views": len(times), "clients": clients}


def run_phase(name: str, data_dir: Path, amount: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--phase", name, "--data", str(data_dir), "--amount", str(amount)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--data")
    parser.add_argument("--amount", type=int)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](Path(args.data), args.amount)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "lager"
        results = {"write": run_phase("write", data_dir, args.rows)}
        size = (data_dir / "avvikelse.csv").stat().st_size
        for name, amount in [("scan", args.lookups), ("dict", args.lookups), ("build", args.lookups),
                             ("lookups", args.lookups), ("posts", args.posts)]:
            results[name] = run_phase(name, data_dir, amount)
        index_mb = sum(p.stat().st_size for p in (data_dir / ".index").iterdir()) / 2**20
        served = served_receipts(data_dir)
    print(f"{args.rows:,} deviation reports, {size / 2**20:.1f} MB of CSV; index on disk {index_mb:.1f} MB")
    print(f"  one batch of {args.rows:,} rows: {results['write']['batch_s']:.1f} s "
          f"({results['write']['rows_per_s']:,.0f} rows/s), peak {results['write']['peak_mb']:.0f} MB")
    print(f"  scan (before the index): {results['scan']['lookup_ms']:.0f} ms per receipt view, "
          f"peak {results['scan']['peak_mb']:.0f} MB")
    print(f"  in-process dict of offsets: built in {results['dict']['build_s']:.1f} s per process, "
          f"peak {results['dict']['peak_mb']:.0f} MB")
    print(f"  SQLite index built from nothing: {results['build']['build_s']:.1f} s once, "
          f"peak {results['build']['peak_mb']:.0f} MB")
    look = results["lookups"]
    print(f"  SQLite index, a fresh process: first lookup {look['first_lookup_ms']:.1f} ms; then find "
          f"{look['find_ms']:.2f} ms, versions {look['versions_ms']:.2f} ms, latest_for {look['latest_for_ms']:.2f} ms, "
          f"answered {look['answered_ms']:.1f} ms (keyed form {look['answered_keyed_ms']:.1f} ms); "
          f"peak {look['peak_mb']:.0f} MB")
    posts = results["posts"]
    print(f"  a web post and its receipt view: {posts['post_and_receipt_ms']:.1f} ms; datapackage.json "
          f"rewritten: {'yes' if posts['package_rewritten'] else 'no'}; peak {posts['peak_mb']:.0f} MB")
    print(f"  receipt view, scan / index: {results['scan']['lookup_ms'] / look['find_ms']:,.0f} times faster")
    print(f"  served receipt pages, {served['clients']} clients at once ({served['views']} views): "
          f"p50 {served['p50_ms']:.0f} ms, p95 {served['p95_ms']:.0f} ms; server peak {served['server_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()

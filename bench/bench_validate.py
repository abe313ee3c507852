"""Time `sip-backoffice validate` against the stock `frictionless validate` on generated deviation rows.

Usage: .venv/bin/python bench/bench_validate.py [--rows 200000] [--keep FILE]

Generates realistic `avvikelse` rows (UTF-8 CSV with `,`) over the register's schools, then runs
both command lines on the same file in this run and prints wall time, the ratio and each child's
peak memory (max RSS from resource.getrusage of the waited-for child).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice.forms import schema as schemas  # noqa: E402
from backoffice.register import load_register  # noqa: E402

PHRASES = [
    "Kallad verksamhet kom inte till mötet och meddelade inte förhinder.",
    "Kallelsen skickades tre veckor innan men inget svar kom.",
    "Mötet fick flyttas eftersom ingen ersättare kunde komma.",
    "Uppföljningen som planerades i planen blev inte av under terminen.",
    "Samtycket gällde inte alla verksamheter som kallades.",
    "Information från förra mötet hade inte förts vidare till mottagande skola.",
    "Elevhälsan och socialtjänsten hade olika bild av vem som skulle kalla.",
    "Avvikelsen löstes i dialog mellan rektor och enhetschef.",
]


def generate(path: Path, rows: int, seed: int = 20251125) -> None:
    """Write `rows` valid avvikelse rows over the register's schools."""
    rng = random.Random(seed)
    form = schemas.load_form("avvikelse")
    categories = form.enum("kategori")
    organisations = schemas.list_spec(form.field("berorda_verksamheter"))["values"]
    codes = sorted(load_register())
    start = dt.date(2023, 8, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(form.field_names)
        for _ in range(rows):
            writer.writerow([
                rng.choice(codes),
                (start + dt.timedelta(days=rng.randrange(800))).isoformat(),
                rng.choice(categories),
                ", ".join(rng.sample(organisations, rng.randint(1, 3))),
                rng.choice(["ja", "nej", "pågår"]),
                rng.choice(["ja", "nej"]),
                rng.choice(["ja", "nej"]),
                " ".join(rng.sample(PHRASES, rng.randint(1, 3))),
            ])


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} failed:\n{output.decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="write the generated CSV here instead of a temp file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the fastest counts")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    ours_cmd = [str(bin_dir / "sip-backoffice"), "validate", "--form", "avvikelse"]
    # --trusted: the stock CLI refuses absolute paths as "not safe" otherwise.
    stock_cmd = [str(bin_dir / "frictionless"), "validate", "--trusted", "--schema",
                 str(ROOT / "forms" / "avvikelse.schema.yaml")]
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "avvikelser.csv"
        small = Path(tmp) / "avvikelser-liten.csv"
        generate(path, args.rows)
        generate(small, max(args.rows // 10, 1))
        size = path.stat().st_size / 2**20
        print(f"{args.rows} avvikelse rows, {size:.1f} MiB; best of {args.repeat} runs each, alternating")
        ours, stock = [], []
        for _ in range(args.repeat):
            ours.append(run(ours_cmd + [str(path)]))
            stock.append(run(stock_cmd + [str(path)]))
        small_ours = run(ours_cmd + [str(small)])
    best_ours = min(ours)
    best_stock = min(stock)
    print(f"sip-backoffice validate: {best_ours[0]:6.2f} s wall  {min(r[1] for r in ours):6.2f} s CPU  "
          f"peak RSS {max(r[2] for r in ours)} MiB")
    print(f"frictionless validate:   {best_stock[0]:6.2f} s wall  {min(r[1] for r in stock):6.2f} s CPU  "
          f"peak RSS {max(r[2] for r in stock)} MiB")
    print(f"ratio (ours / stock):    {best_ours[0] / best_stock[0]:6.2f} wall  "
          f"{min(r[1] for r in ours) / min(r[1] for r in stock):6.2f} CPU")
    print(f"memory check: sip-backoffice on {max(args.rows // 10, 1)} rows: peak RSS {small_ours[2]} MiB "
          f"(vs {max(r[2] for r in ours)} MiB on {args.rows})")


if __name__ == "__main__":
    main()

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

from backoffice import schemas  # noqa: E402
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
    schema = schemas.load_schema("avvikelse")
    categories = schema.get_field("kategori").constraints["enum"]
    organisations = schemas.list_spec(schema.get_field("berorda_verksamheter"))["values"]
    codes = sorted(load_register())
    start = dt.date(2023, 8, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(schema.field_names)
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


def run(command: list[str]) -> tuple[float, int, int]:
    """Wall seconds, exit status and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="write the generated CSV here instead of a temp file")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "avvikelser.csv"
        generate(path, args.rows)
        size = path.stat().st_size / 2**20
        print(f"{args.rows} avvikelse rows, {size:.1f} MiB: {path}")
        ours = run([str(bin_dir / "sip-backoffice"), "validate", str(path), "--form", "avvikelse"])
        stock = run([str(bin_dir / "frictionless"), "validate", "--schema",
                     str(ROOT / "forms" / "avvikelse.schema.yaml"), str(path)])
    print(f"sip-backoffice validate: {ours[0]:6.2f} s  exit {ours[1]}  peak RSS {ours[2]} MiB")
    print(f"frictionless validate:   {stock[0]:6.2f} s  exit {stock[1]}  peak RSS {stock[2]} MiB")
    print(f"ratio (ours / stock):    {ours[0] / stock[0]:6.2f}")


if __name__ == "__main__":
    main()

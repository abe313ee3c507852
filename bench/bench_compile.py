"""Time `sip-backoffice compile` on national-scale data and report its peak memory.

Generates a register of 4,700 school units (about Sweden's count of compulsory school units) and a
store holding ten school years of annual answers (with some resubmissions), deviations and audits,
then runs the real command in a child process (workbook + aggregates JSON) and prints wall time
and peak resident memory, followed by the time of each stage measured in this process.

    .venv/bin/python bench/bench_compile.py [--schools 4700] [--years 10] [--keep DIR] [--publish]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice.demo import demo_rows, write_demo_store  # noqa: E402
from backoffice.register import School, load_register, write_register  # noqa: E402
from backoffice.statistics.aggregates import write_aggregates  # noqa: E402
from backoffice.statistics.compiler import compile_statistics  # noqa: E402
from backoffice.statistics.pipeline import lay_out, load_store  # noqa: E402
from backoffice.statistics.workbook import write_workbook  # noqa: E402

TYPES = ["Kommunal"] * 4 + ["Enskild"]
# Runs `sip-backoffice ARGS` and prints the process's peak resident memory (VmHWM) to stderr at exit.
PEAK_WRAPPER = """
import atexit, sys
atexit.register(lambda: print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0], file=sys.stderr))
sys.argv = ['sip-backoffice'] + sys.argv[1:]
from backoffice.cli import main
main()
"""


def national_register(count: int, seed: int = 7) -> list[School]:
    """Invented school units spread over 290 municipalities, with pupil counts like real ones."""
    rng = random.Random(seed)
    schools = []
    for i in range(count):
        kommun = 1000 + i % 290
        kind = rng.choice(TYPES)
        schools.append(School(
            skolenhetskod=f"{10_000_000 + i * 7:08d}", skolnamn=f"Skola {i + 1}", kommunkod=str(kommun),
            kommun=f"Kommun {kommun}", huvudmannatyp=kind,
            huvudman=f"Kommun {kommun}" if kind == "Kommunal" else f"Skolbolag {i % 120} AB",
            elever_f=rng.choice([None, rng.randint(10, 60)]), elever_1_9=rng.choice([None] + [rng.randint(40, 800)] * 9),
        ))
    return schools


def school_years(count: int, last_start: int = 2025) -> list[str]:
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(last_start - count + 1, last_start + 1)]


def generate(work: Path, schools: int, years: list[str]) -> dict:
    """Write the register and a demo store of `years` into `work`; the register read back."""
    started = time.perf_counter()
    register_path = work / "skolor.csv"
    write_register(national_register(schools), register_path)
    register = load_register(register_path)
    written = write_demo_store(work / "lager", demo_rows(register, years, seed=11))
    print(f"Generated {len(register)} schools x {len(years)} school years in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{form} {n:,} rows" for form, n in written.items()))
    sizes = {p.name: p.stat().st_size for p in (work / "lager").glob("*.csv")}
    print("Store: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(sizes.items())))
    return register


def time_command(work: Path, lasar: str) -> None:
    """The real command, in a child process: total time and the child's own peak memory.

    VmHWM is read inside the child: the rusage of a child forked from this (large) process would
    count this process's pages from before the exec.
    """
    out, aggregates = work / "sip.xlsx", work / "statistik.json"
    command = [sys.executable, "-c", PEAK_WRAPPER, "compile", "--lasar", lasar,
               "--data", str(work / "lager"), "--register", str(work / "skolor.csv"), "--out", str(out),
               "--aggregates", str(aggregates)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n")
        raise SystemExit(f"compile failed with status {result.returncode}")
    peak_kb = int(result.stderr.rsplit("VmHWM:", 1)[1].split()[0])
    print(f"sip-backoffice compile --lasar {lasar}: {elapsed:.2f} s wall, peak RSS {peak_kb / 1024:.0f} MB, "
          f"workbook {out.stat().st_size / 1e6:.1f} MB")
    print("  " + result.stdout.strip().splitlines()[-1])


def time_publishing(sheets, timings: dict[str, float]) -> int:
    """Publish to the tests' fake Sheets API on 127.0.0.1 (our side: requests, JSON; not Google); the calls made."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_sheets import FakeSheets

    from backoffice.gsheets import open_client
    from backoffice.statistics.publish import publish_sheets

    with FakeSheets() as fake:
        os.environ["SIP_SHEETS_API_URL"] = fake.url
        key = fake.create_spreadsheet("SIP-statistik")
        started = time.perf_counter()
        publish_sheets(sheets, key, open_client())
        timings["publish (fake Sheets API)"] = time.perf_counter() - started
        return len(fake.requests)


def time_stages(work: Path, lasar: str, register: dict, publish: bool) -> None:
    """The stages of the pipeline (backoffice.statistics.pipeline.compile_year), timed in this process."""
    timings: dict[str, float] = {}

    def timed(name, call):
        started = time.perf_counter()
        result = call()
        timings[name] = time.perf_counter() - started
        return result

    loaded = timed("read store", lambda: load_store(work / "lager", lasar))
    stats = timed("compile (pure)", lambda: compile_statistics(lasar, register, loaded.rows))
    sheets = timed("lay out sheets", lambda: lay_out(stats))
    timed("write xlsx", lambda: write_workbook(sheets, work / "sip-stage.xlsx"))
    timed("write aggregates", lambda: write_aggregates(stats, work / "statistik-stage.json"))
    calls = time_publishing(sheets, timings) if publish else None
    print(f"Stages ({sum(sheet.cells for sheet in sheets):,} cells in {len(sheets)} sheets): "
          + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items()))
    if calls is not None:
        print(f"Publishing took {calls} API calls.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=4700)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keep", help="Keep the generated store, register and outputs in this directory.")
    parser.add_argument("--publish", action="store_true", help="Also time publishing to the tests' fake Sheets API.")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-compile-"))
    work.mkdir(parents=True, exist_ok=True)
    years = school_years(args.years)
    register = generate(work, args.schools, years)
    time_command(work, years[-1])
    time_stages(work, years[-1], register, args.publish)
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""Time and peak memory of `validate` and `import` on hostile tables (tiny files declaring huge work).

Usage: .venv/bin/python bench/bench_inputs.py [NAME ...]

Generates each file of tests/hostile_support.py in a temporary folder, runs both commands on it as
child processes and prints wall time, the child's peak memory (max RSS) and the first line of the
message; a run is cut at 120 s.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_support as hostile  # noqa: E402

FILES = {
    "sista-raden.xlsx": hostile.last_row_workbook,
    "bred.xlsx": hostile.wide_dimension_workbook,
    "tomma-rader.csv": hostile.blank_lines_csv,
    "miljon-tomma-rader.csv": lambda folder: hostile.blank_lines_csv(folder, 1_000_000, ",,,,,,,"),
    "dubbletter.csv": hostile.duplicate_rows_csv,
    "manga-kolumner.csv": hostile.wide_csv,
    "lang-cell.csv": hostile.long_cell_csv,
    "oppet-citat.csv": hostile.endless_quote_csv,
    "trasig-xml.xlsx": hostile.bad_xml_workbook,
    "trasig-komprimering.xlsx": hostile.bad_deflate_workbook,
    "diagram-forst.xlsx": hostile.chart_sheet_workbook,
    "nul.csv": hostile.nul_bytes_csv,
    "manga-rader.csv": hostile.many_rows_csv,
    "for-manga-rader.csv": lambda folder: hostile.many_rows_csv(folder, 320_000),
}


def run(args: list[str], folder: Path) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB (this child's max RSS), exit status and the last line of output."""
    env = dict(os.environ, SIP_DATA=str(folder / "lager"))
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, text=True, env=env)
        timer = threading.Timer(120, child.kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().strip()
    seconds = time.perf_counter() - start
    line = text.splitlines()[-1] if text else ""
    if "Traceback" in text:
        line = "TRACEBACK " + line
    if child.returncode == -9:
        line = "(avbruten efter 120 s)"
    return seconds, usage.ru_maxrss / 1024, child.returncode, line[:150]


def main(names: list[str]) -> None:
    cli = str(ROOT / ".venv" / "bin" / "sip-backoffice")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in FILES.items():
            if names and name not in names:
                continue
            path = make(folder)
            size = path.stat().st_size
            for command in (["validate", str(path), "--form", "arsuppfoljning"],
                            ["import", str(path), "--form", "arsuppfoljning", "--data", str(folder / "lager")]):
                seconds, mb, status, line = run([cli, *command], folder)
                print(f"{name:26} {size:>10} B {command[0]:9} {seconds:6.1f} s {mb:7.0f} MB "
                      f"exit {status}: {line}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

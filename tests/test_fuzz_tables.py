"""Damaged tables never end in a traceback: thousands of mutated CSV and xlsx files, seeded.

Each mutation starts from a real fixture (byte flips, cuts, repeated or deleted slices, zip parts
removed or damaged, XML snippets an attacker or a broken program writes) and goes through the
library's validate_table; a sample of the unusable ones goes through the real command line
(`validate`, `import`, `compile --from`). The seeds are fixed, so a failure is reproducible: its
message names the seed and the mutation.
"""
from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.errors import SipError
from backoffice.forms.template import write_template
from backoffice.register import load_register
from backoffice.validation.sources import UnexpectedSourceError
from backoffice.validation.table import validate_table
from hostile_support import chart_sheet_workbook
from validate_support import FIXTURES

CSV_MUTANTS = 1200
XLSX_MUTANTS = 1000
# English words and Python's own phrases that would mean a library's message leaked through.
_FOREIGN = re.compile(r"\b(?:error|Error|invalid|Invalid|line \d+, column|not|No such|Traceback|"
                      r"object|attribute|index|unpack|expected)\b")

_SWEDISH = re.compile(r"[åäöÅÄÖ]|\b(?:och|inte|eller|finns|ska|Skriv|Kontrollera|Fyll)\b")

SPECIAL_BYTES = [b"\x00", b'"', b";", b",", b"\t", b"\r", b"\n", b"\r\n", b"\xff\xfe", b"\xfe\xff",
                 b"\xef\xbb\xbf", b"\xe5", b"\xc3", b"\x80", b"\xed\xa0\x80", b'"""', b"=1+1", b"\x1a"]
XML_SNIPPETS = [
    '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>',
    '<row r="-5"><c r="A1"/></row>', '<row r="2.5">', '<row r="x">', "<row>", "</row>",
    '<c r="A2" t="s"><v>99999</v></c>', '<c r="B2" t="s"><v>x</v></c>', '<c r="C2" t="d"><v>hej</v></c>',
    '<c r="D2" t="n"><v>1e400</v></c>', '<c r="E2" t="b"><v>7</v></c>', '<c r="ZZZZ2"><v>1</v></c>',
    '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c>', '<c r="A2" s="99999"><v>45000</v></c>',
    '<c r="A2" t="e"><v>#N/A</v></c>', '<c t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c>',
    '<dimension ref="A1:XFD1048576"/>', '<dimension ref="nonsense"/>', '<mergeCells count="1"><mergeCell ref="A1:Z9"/></mergeCells>',
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>', "&b;", "&#0;", "]]>", "<?xml?>",
    '<sheetFormatPr defaultRowHeight="x"/>', '<cols><col min="0" max="99999999" width="x"/></cols>',
    '<f t="shared" si="0" ref="A1:A9">SUM(</f>', '<c r="A2"><f>1/0</f><v>#DIV/0!</v></c>',
]


def is_swedish(message: str) -> bool:
    """A message a person can read: Swedish words, and none of a library's English."""
    return bool(_SWEDISH.search(message)) and not _FOREIGN.search(message)


def check_outcome(path: Path, register: dict, what: str) -> str:
    """'ok', 'invalid' or 'unusable'; fails on any exception but a SipError with a Swedish message."""
    try:
        result = validate_table(path, "arsuppfoljning", register=register, keep_rows=True)
    except SipError as error:
        assert not isinstance(error, UnexpectedSourceError), f"{what}: oförutsett fel: {error}"
        assert is_swedish(str(error)), f"{what}: {error}"
        return "unusable"
    except Exception as error:  # noqa: BLE001 - what this test is for
        pytest.fail(f"{what}: {type(error).__name__}: {error}")
    for problem in result.problems:
        assert is_swedish(problem.message) and not problem.message.startswith("Fel i tabellen ("), \
            f"{what}: {problem.message}"
    return "invalid" if result.problems else "ok"


# Mutations of bytes ------------------------------------------------------------------------------

def flip(rng: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return bytes(raw)


def cut(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(SPECIAL_BYTES) * rng.randint(1, 40) + data[at:]


def repeat(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 100))
    return data[:end] + data[start:end] * rng.randint(2, 20) + data[end:]


def delete(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 100):]


BYTE_MUTATIONS = [flip, cut, insert, repeat, delete]


def mutate_bytes(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    names = []
    for _ in range(rng.randint(1, 3)):
        if not data:
            break
        mutation = rng.choice(BYTE_MUTATIONS)
        data = mutation(rng, data)
        names.append(mutation.__name__)
    return data, names


# Mutations of workbooks --------------------------------------------------------------------------

def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def _zip(parts: list[tuple[str, bytes]], stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)
    return out.getvalue()


def _pick_part(rng: random.Random, parts) -> int:
    # The sheets and the shared texts are where the cells are: damaged there most often.
    weights = [8 if "worksheets/" in name or "sharedStrings" in name else 1 for name, _ in parts]
    return rng.choices(range(len(parts)), weights)[0]


def xlsx_mutation(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    parts = _parts(data)
    kind = rng.choice(["raw", "drop", "part-bytes", "part-bytes", "snippet", "snippet", "snippet", "stored"])
    if kind == "raw":
        return mutate_bytes(rng, data)[0], "raw"
    index = _pick_part(rng, parts)
    name, content = parts[index]
    if kind == "drop":
        del parts[index]
    elif kind == "part-bytes":
        parts[index] = (name, mutate_bytes(rng, content)[0])
    elif kind == "snippet":
        text = content.decode("utf-8", "replace")
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(XML_SNIPPETS) + text[at:]
        parts[index] = (name, text.encode())
    else:
        parts[index] = (name, mutate_bytes(rng, content)[0])
        return _zip(parts, stored=True), f"{kind} {name}"
    return _zip(parts), f"{kind} {name}"


# The tests ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def register():
    return load_register()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> list[bytes]:
    folder = tmp_path_factory.mktemp("arbetsbocker")
    write_template("arsuppfoljning", folder / "mall.xlsx")
    # (The workbook with a cell in its last row is left out: its million blank rows take a second.)
    made = [folder / "mall.xlsx", chart_sheet_workbook(folder), FIXTURES / "uppfoljning.xlsx"]
    return [path.read_bytes() for path in made]


def fuzz(path: Path, sources: list[bytes], mutate, count: int, seed: int, register: dict) -> dict:
    """Run `count` mutants of the sources through validate_table; how many ended in each outcome."""
    rng = random.Random(seed)
    outcomes = {"ok": 0, "invalid": 0, "unusable": 0}
    for number in range(count):
        source = rng.randrange(len(sources))
        data, what = mutate(rng, sources[source])
        path.write_bytes(data)
        outcomes[check_outcome(path, register, f"{path.suffix} nr {number} (källa {source}, {what})")] += 1
    return outcomes


def test_mutated_csv_files_give_swedish_messages_only(tmp_path, register):
    sources = [path.read_bytes() for path in sorted(FIXTURES.glob("*.csv")) if path.stat().st_size]
    outcomes = fuzz(tmp_path / "muterad.csv", sources, mutate_bytes, CSV_MUTANTS, 20251201, register)
    # The mutations reach every outcome: the test is not only opening files that fail at once.
    assert min(outcomes.values()) > 0 and outcomes["unusable"] > CSV_MUTANTS // 50, outcomes


def test_mutated_workbooks_give_swedish_messages_only(tmp_path, register, workbooks):
    outcomes = fuzz(tmp_path / "muterad.xlsx", workbooks, xlsx_mutation, XLSX_MUTANTS, 20251202, register)
    assert min(outcomes.values()) > 0 and outcomes["unusable"] > XLSX_MUTANTS // 50, outcomes


def _unusable_sample(folder: Path, register: dict, count: int) -> list[Path]:
    """`count` mutated files (CSV and xlsx alternately) that validate_table finds unusable."""
    rng = random.Random(20251203)
    csv_sources = [p.read_bytes() for p in sorted(FIXTURES.glob("arsuppfoljning-*.csv"))]
    xlsx_source = (FIXTURES / "uppfoljning.xlsx").read_bytes()
    found: list[Path] = []
    while len(found) < count:
        suffix = ".xlsx" if len(found) % 2 else ".csv"
        if suffix == ".csv":
            data, _ = mutate_bytes(rng, rng.choice(csv_sources))
        else:
            data, _ = xlsx_mutation(rng, xlsx_source)
        path = folder / f"trasig-{len(found)}{suffix}"
        path.write_bytes(data)
        if check_outcome(path, register, path.name) == "unusable":
            found.append(path)
    return found


def test_damaged_files_through_the_command_line_exit_2_in_swedish(tmp_path, register):
    sample = _unusable_sample(tmp_path, register, 12)
    runner = CliRunner()
    store = tmp_path / "lager"
    for path in sample:
        for args in (["validate", str(path), "--form", "arsuppfoljning"],
                     ["import", str(path), "--form", "arsuppfoljning", "--data", str(store)],
                     ["compile", "--lasar", "2025/26", "--from", str(path), "--out", str(tmp_path / "ut.xlsx")],
                     ["compile", "--lasar", "2025/26", "--from", str(path), "--form", "arsuppfoljning",
                      "--out", str(tmp_path / "ut.xlsx")]):
            result = runner.invoke(main, args)
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (args, result.output, result.exception)
            assert result.exit_code == 2, (args, result.output)
            assert "Traceback" not in result.output
    assert not store.exists() or not any(store.glob("*.csv")), "nothing of a damaged file reaches the store"
    # And as a coordinator starts it: the installed command in its own process, for a few of them.
    command = [sys.executable, "-m", "backoffice"]
    for path in sample[:2]:
        for args in (["validate", str(path), "--form", "arsuppfoljning"],
                     ["import", str(path), "--form", "arsuppfoljning", "--data", str(store)],
                     ["compile", "--lasar", "2025/26", "--from", str(path), "--out", str(tmp_path / "ut.xlsx")]):
            done = subprocess.run(command + args, capture_output=True, text=True, timeout=120)
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            assert "Traceback" not in done.stdout + done.stderr

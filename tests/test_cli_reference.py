"""The command reference on the site is written from the commands and is never out of date."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backoffice.cli.reference import commands

PAGE = Path(__file__).resolve().parent.parent / "docs" / "om-webbplatsen" / "kommandon.md"


def test_the_reference_page_says_what_help_says():
    cog = Path(sys.executable).with_name("cog")
    result = subprocess.run([str(cog), "--check", str(PAGE)], capture_output=True, text=True)
    assert result.returncode == 0, ("docs/om-webbplatsen/kommandon.md stämmer inte med kommandonas --help. "
                                    f"Skriv om den med `.venv/bin/cog -r {PAGE.relative_to(PAGE.parents[2])}`.\n"
                                    + result.stdout + result.stderr)


def test_every_command_has_its_section():
    text = PAGE.read_text(encoding="utf-8")
    for path, _ in commands():
        assert f"## sip-backoffice {' '.join(path)}\n" in text


def test_the_page_names_no_path_of_this_machine():
    text = PAGE.read_text(encoding="utf-8")
    assert str(PAGE.parents[2]) not in text

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


def test_every_command_the_readme_shows_exists_with_the_options_it_uses():
    import re
    import shlex

    known = dict(commands())
    readme = (PAGE.parents[2] / "README.md").read_text(encoding="utf-8")
    # Every command written out, in a code block or inline (`sip-backoffice KOMMANDO` is a placeholder).
    shown = re.findall(r"sip-backoffice ([a-z][^`\n|]*)", readme)
    assert shown, "README.md visar inga kommandon"
    for rest in shown:
        words = shlex.split(rest.split("#")[0])
        path = tuple(words[:2]) if tuple(words[:2]) in known else tuple(words[:1])
        assert path in known, f"README.md visar `sip-backoffice {rest.strip()}`, men kommandot finns inte"
        options = {p for param in known[path].params for p in getattr(param, "opts", [])}
        for word in words[len(path):]:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"README.md: `sip-backoffice {' '.join(path)}` har inte {word}"

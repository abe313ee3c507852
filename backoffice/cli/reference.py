"""The command reference for the handbook's site, written from the commands themselves.

`cog` runs `reference_markdown()` inside docs/om-webbplatsen/kommandon.md, and the test suite
checks (`cog --check`) that the page says exactly what `--help` says: a new option or command
can never be missing from the documentation.
"""
from __future__ import annotations

from typing import Iterator

import click
from click.testing import CliRunner

PROGRAM = "sip-backoffice"
WIDTH = 96


def commands(group: click.Group | None = None, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and sub-command, in the order `--help` lists them."""
    from backoffice.cli import main

    group = group or main
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


def help_text(path: tuple[str, ...] = ()) -> str:
    """A command's `--help`, as a person sees it in a terminal of WIDTH columns."""
    from backoffice.cli import main

    result = CliRunner().invoke(main, [*path, "--help"], prog_name=PROGRAM, terminal_width=WIDTH)
    return result.output.rstrip() + "\n"


def reference_markdown() -> str:
    """The reference: the program's own help, then a section per command with its help text."""
    parts = ["{% raw %}\n", f"## {PROGRAM}\n\n```text\n{help_text()}```\n"]
    for path, _command in commands():
        parts.append(f"\n## {PROGRAM} {' '.join(path)}\n\n```text\n{help_text(path)}```\n")
    parts.append("{% endraw %}\n")
    return "".join(parts)

"""The command line as a whole: every command documented, everything the user reads in Swedish."""
import click
import pytest
from click.testing import CliRunner

from backoffice.cli import main

ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Error:", "[default:", "Try '",
           " INTEGER", " FILE", " DIRECTORY", " PATH")


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


ALL_COMMANDS = list(_commands(main))


def test_the_group_lists_only_real_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Kommandon:")[1].splitlines() if line.strip()}
    assert listed == set(main.commands)


@pytest.mark.parametrize("path,command", ALL_COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_swedish_help_with_an_example(path, command):
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="sip-backoffice")
    assert result.exit_code == 0, result.output
    assert "Användning: sip-backoffice" in result.output
    assert "Exempel:" in result.output, f"{' '.join(path)} --help saknar ett exempel"
    for english in ENGLISH:
        assert english not in result.output, f"{' '.join(path)} --help innehåller {english!r}"


@pytest.mark.parametrize("args,expected", [
    (["finns-inte"], "Det finns inget kommando som heter finns-inte."),
    (["validate", "--okand"], "Okänt alternativ: --okand."),
    (["register", "import"], "Argumentet FIL saknas."),
])
def test_usage_errors_are_swedish_with_exit_status_2(args, expected):
    result = CliRunner().invoke(main, args, prog_name="sip-backoffice")
    assert result.exit_code == 2
    assert expected in result.output
    assert "--help" in result.output
    for english in ENGLISH:
        assert english not in result.output

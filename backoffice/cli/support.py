"""What every `sip-backoffice` command shares: Swedish errors, help and usage messages.

click writes its own texts in English ("Usage:", "Error: No such option"). Our users read
Swedish, so the group translates them in one place instead of in each command.
"""
from __future__ import annotations

import contextlib
import re
import sys

import click

from backoffice.errors import InvalidData, SipError


class CliError(SipError):
    """A Swedish message about how a command was used or what it was given; exit status 2."""


class InvalidDataError(CliError, InvalidData):
    """The input could be read but holds invalid data: exit status 1."""

    exit_status = 1


@contextlib.contextmanager
def writing(path):
    """Say in Swedish that the file a person asked for could not be written (exit status 2)."""
    try:
        yield
    except OSError as error:
        raise CliError(f"Kunde inte skriva {path} ({error.strerror or error}).") from None


_USAGE_MESSAGES = [
    (re.compile(r"No such option:? '?([^'\s]+)'?"), "Okänt alternativ: {0}."),
    (re.compile(r"No such command '([^']+)'"), "Det finns inget kommando som heter {0}."),
    (re.compile(r"Option '(\S+)' requires an argument"), "Alternativet {0} behöver ett värde."),
    (re.compile(r"Option '(\S+)' does not take a value"), "Alternativet {0} tar inget värde."),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "Oväntade argument: {0}."),
    (re.compile(r"Missing argument '(\S+)'"), "Argumentet {0} saknas."),
    (re.compile(r"Missing option '(\S+)'"), "Alternativet {0} saknas."),
    (re.compile(r"Invalid value for '?([^':]+)'?: '?(.*?)'? is not a valid integer"),
     "Alternativet {0} ska vara ett heltal."),
    (re.compile(r"Invalid value for '?([^':]+)'?: .* is not one of (.*)\."),
     "Alternativet {0} ska vara ett av {1}."),
    (re.compile(r"Invalid value for '?([^':]+)'?: (?:File|Path|Directory) '(.*)' does not exist"),
     "Filen eller mappen {1} (för {0}) finns inte."),
    (re.compile(r"Invalid value for '?([^':]+)'?"), "Ogiltigt värde för {0}."),
]

_HELP_TEXTS = {
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
}
_HEADINGS = {"Options": "Alternativ", "Commands": "Kommandon", "Arguments": "Argument"}
_MARKERS = [("[default: ", "[standard: "), ("[required]", "[krävs]")]
# click's metavars for option types, as they appear after an option's name.
_METAVARS = [(" INTEGER RANGE", " HELTAL"), (" INTEGER", " HELTAL"), (" FLOAT", " TAL"),
             (" FILE", " FIL"), (" DIRECTORY", " KATALOG"), (" PATH", " SÖKVÄG")]


def swedish_usage_message(error: click.UsageError) -> str:
    """The Swedish sentence for a click usage error, with where to find help."""
    text = error.format_message()
    for pattern, swedish in _USAGE_MESSAGES:
        match = pattern.search(text)
        if match:
            text = swedish.format(*match.groups())
            break
    else:
        text = f"Fel i kommandoraden ({text})."
    command = error.ctx.command_path if error.ctx else "sip-backoffice"
    return f"{text} Se `{command} --help`."


class SwedishHelpFormatter(click.HelpFormatter):
    """click's help layout with Swedish headings and option texts."""

    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, prefix="Användning: ")

    def write_heading(self, heading):
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows, col_max=30, col_spacing=2):
        rows = [(_swedish_metavar(term), _swedish_help(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


def _swedish_metavar(term: str) -> str:
    for english, swedish in _METAVARS:
        if term.endswith(english):
            return term[: -len(english)] + swedish
    return term


def _swedish_help(text: str) -> str:
    text = _HELP_TEXTS.get(text, text)
    for english, swedish in _MARKERS:
        text = text.replace(english, swedish)
    return text


class SwedishContext(click.Context):
    formatter_class = SwedishHelpFormatter


class SwedishGroup(click.Group):
    """The top-level group: every usage error, abort and error message reaches the user in Swedish."""

    context_class = SwedishContext

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _use_swedish_context(self)

    def add_command(self, cmd, name=None):
        _use_swedish_context(cmd)
        super().add_command(cmd, name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # Without standalone mode click returns ctx.exit()'s status instead of exiting.
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            click.echo(f"Fel: {swedish_usage_message(error)}", err=True)
            sys.exit(2)
        except SipError as error:
            # Every error a person must read, from any layer: its message and its exit status.
            click.echo(f"Fel: {error}", err=True)
            sys.exit(error.exit_status)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Avbrutet.", err=True)
            sys.exit(1)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        sys.exit(status if isinstance(status, int) else 0)


def _use_swedish_context(command: click.Command) -> None:
    """Give a command, and every subcommand under it, the Swedish help formatter."""
    command.context_class = SwedishContext
    command.options_metavar = "[ALTERNATIV]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENT]..."
    for sub in getattr(command, "commands", {}).values():
        _use_swedish_context(sub)

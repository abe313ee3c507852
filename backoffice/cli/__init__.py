"""The `sip-backoffice` command line: one click group; the commands live beside their stage.

Each module of this package holds the thin commands for one part of the data's path and lists them in
`COMMANDS`; this module only gathers them, so `--help` lists exactly what exists.
"""
import click

from backoffice.cli import coordinator, intake, mail, statistics, store, tables
from backoffice.cli.support import SwedishGroup


@click.group(cls=SwedishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sip-handboken", message="%(version)s",
                      help="Visa versionen och avsluta.")
def main():
    """Backoffice för SIP-handboken: kontrollera, ta emot och sammanställ uppföljningen, skicka länkar."""


# `register adresser` joins `register import` first, so the group gets its Swedish texts whole.
for _command in mail.REGISTER_COMMANDS:
    tables.register_group.add_command(_command)
for _module in (tables, store, intake, statistics, mail, coordinator):
    for _command in _module.COMMANDS:
        main.add_command(_command)

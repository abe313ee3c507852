"""Commands for the core stage: `validate` tables against a form and `register import`."""
from __future__ import annotations

import click

from backoffice import register as register_module
from backoffice.config import REGISTER_PATH


class CliError(click.ClickException):
    """A Swedish error message for the user, shown without a traceback; exit status 2 by default."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"Fel: {self.format_message()}", err=True)


class InvalidDataError(CliError):
    """The input could be read but holds invalid data: exit status 1."""

    exit_code = 1


@click.group(name="register")
def register_group():
    """Skolregistret: skolenheterna som inskickade uppgifter kontrolleras mot.

    \b
    Exempel:
      sip-backoffice register import grundskolan-elever-per-arskurs-2023.csv --kommun 1480 --out data/skolor.csv
    """


@register_group.command(name="import")
@click.argument("export_file", metavar="FIL", type=click.Path(dir_okay=False))
@click.option("--kommun", metavar="KOD", help="Ta bara med skolenheter i kommunen med denna kod (Göteborg: 1480).")
@click.option("--out", "out_path", metavar="FIL", type=click.Path(dir_okay=False),
              default=str(REGISTER_PATH), show_default=True, help="Registret som skrivs.")
def register_import(export_file, kommun, out_path):
    """Skapa skolregistret från Skolverkets export ”Grundskolan – Antal elever per årskurs”.

    FIL är exporten på skolenhetsnivå som CSV, precis som den laddades ner från Skolverkets
    statistiktjänst (alla läsår går). Registret skrivs som UTF-8-CSV med en rad per skolenhet.

    \b
    Exempel:
      sip-backoffice register import grundskolan-elever-per-arskurs-2023.csv --kommun 1480 --out data/skolor.csv
    """
    try:
        schools = register_module.read_export(export_file, kommun)
        register_module.write_register(schools, out_path)
    except register_module.RegisterError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"Kunde inte skriva {out_path} ({error.strerror}).") from None
    where = f" i kommun {kommun}" if kommun else ""
    click.echo(f"Skrev {len(schools)} skolenheter{where} till {out_path}.")


COMMANDS = [register_group]

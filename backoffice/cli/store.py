"""Commands for the store: `import` a filled template or table into it."""
from __future__ import annotations

import click

from backoffice.cli.options import data_dir_of, data_option, form_choice, gsheet_option, open_store
from backoffice.forms.schema import SCHOOL


@click.command(name="import")
@click.argument("source", metavar="FIL")
@click.option("--form", "form_id", required=True, type=form_choice(), help="Blanketten filen följer.")
@click.option("--sheet", metavar="BLAD", help="Bladet att läsa i en xlsx-fil (standard: det första).")
@data_option
@gsheet_option
def import_command(source, form_id, sheet, data_dir, gsheet_key, credentials):
    """Kontrollera en ifylld mall eller tabell och lägg in alla rader i lagret (alla eller inga).

    Filen kontrolleras precis som med `validate`. Finns ett enda fel läggs ingenting in, och
    felen skrivs ut med rad och kolumn. Annars läggs alla rader in och varje rad får ett kvitto.

    \b
    Exempel:
      sip-backoffice import ifylld-mall.xlsx --form arsuppfoljning
      sip-backoffice import avvikelser.csv --form avvikelse --data var/store
      sip-backoffice import ifylld-mall.xlsx --form arsuppfoljning --gsheet 1AbC… --credentials tjanstekonto.json
    """
    from backoffice.store.importing import import_table

    store = open_store(data_dir_of(data_dir), gsheet_key, credentials)
    result = import_table(source, form_id, store=store, sheet=sheet, credentials=credentials)
    for receipt in result:
        click.echo(f"{receipt.kvitto}  version {receipt.version}  skolenhet {receipt.row.get(SCHOOL, '')}")
    count = f"{len(result)} rad" if len(result) == 1 else f"{len(result)} rader"
    click.echo(f"Lade in {count} från {source} i lagret för {form_id}.")


COMMANDS = [import_command]

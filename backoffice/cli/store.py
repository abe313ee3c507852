"""Commands for the store: `import` a filled template or table into it."""
from __future__ import annotations

import click

from backoffice.cli.options import data_dir_of, data_option, form_choice, gsheet_option, open_store
from backoffice.forms.schema import SCHOOL

# Beyond this many rows the receipts are not listed one by one (they are in the store).
LISTED_RECEIPTS = 50


@click.command(name="import")
@click.argument("source", metavar="FIL")
@click.option("--form", "form_id", required=True, type=form_choice(), help="Blanketten filen följer.")
@click.option("--sheet", metavar="BLAD", help="Bladet att läsa i en xlsx-fil (standard: det första).")
@click.option("--igen", "again", is_flag=True,
              help="Läs in filen fast samma fil redan har lästs in (då blir varje rad en rad till, eller en ny version).")
@data_option
@gsheet_option
def import_command(source, form_id, sheet, again, data_dir, gsheet_key, credentials):
    """Kontrollera en ifylld mall eller tabell och lägg in alla rader i lagret (alla eller inga).

    Filen kontrolleras precis som med `validate`. Finns ett enda fel läggs ingenting in, och
    felen skrivs ut med rad och kolumn. Annars läggs alla rader in och varje rad får ett kvitto.
    Varje inläsning antecknas i lagrets inlasningar.jsonl (filens namn och SHA-256, tid, rader).
    Samma fil läses inte in två gånger, om du inte anger --igen.

    \b
    Exempel:
      sip-backoffice import ifylld-mall.xlsx --form arsuppfoljning
      sip-backoffice import avvikelser.csv --form avvikelse --data var/store
      sip-backoffice import ifylld-mall.xlsx --form arsuppfoljning --igen
      sip-backoffice import ifylld-mall.xlsx --form arsuppfoljning --gsheet 1AbC… --credentials tjanstekonto.json
    """
    from backoffice.store.import_log import LOG_NAME, count_text, describe, swedish_time
    from backoffice.store.importing import import_table

    folder = data_dir_of(data_dir)
    store = open_store(folder, gsheet_key, credentials)
    done = import_table(source, form_id, data_dir=folder, store=store, sheet=sheet, credentials=credentials,
                        again=again)
    for receipt in done.receipts[:LISTED_RECEIPTS]:
        click.echo(f"{receipt.kvitto}  version {receipt.version}  skolenhet {receipt.row.get(SCHOOL, '')}")
    if len(done.receipts) > LISTED_RECEIPTS:
        click.echo(f"… och {count_text(len(done.receipts) - LISTED_RECEIPTS)} till "
                   f"(till och med kvitto {done.receipts[-1].kvitto}).")
    for earlier in done.earlier:
        click.echo(f"Obs: samma fil lästes in tidigare {describe(earlier)}; den lästes in igen på begäran (--igen).")
    record = done.record
    digest = f", SHA-256 {record['sha256'][:16]}…" if record.get("sha256") else ""
    click.echo(f"Inläsningen är antecknad i {folder / LOG_NAME} ({swedish_time(record.get('tid', ''))}{digest}).")
    click.echo(f"Lade in {count_text(len(done.receipts))} från {source} i lagret för {form_id}.")


COMMANDS = [import_command]

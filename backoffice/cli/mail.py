"""Commands for e-mail: `register adresser` (each school's address) and `skicka` (links and reminders)."""
from __future__ import annotations

import datetime as dt
import sys

import click

from backoffice.cli.options import data_dir_of, data_option, form_choice
from backoffice.cli.support import CliError, InvalidDataError

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@click.command(name="adresser")
@click.argument("source", metavar="FIL")
def import_addresses_command(source):
    """Läs in skolornas e-postadresser (rektorns eller skolans funktionsbrevlåda).

    FIL är en tabell med kolumnerna skolenhetskod och epost: CSV som Excel sparar den (semikolon,
    UTF-8 eller Windows-1252) eller en Excel-arbetsbok. Hela filen kontrolleras först: att varje
    adress är en giltig e-postadress, att skolan finns i registret och att ingen skola står två
    gånger. Finns ett enda fel läses ingenting in. Adresserna sparas bredvid skolregistret, aldrig
    i lagret.

    \b
    Exempel:
      sip-backoffice register adresser rektorer.csv
    """
    from backoffice.edition import load_edition
    from backoffice.mail.addresses import AddressFileRefused, import_addresses
    from backoffice.register import load_register

    edition = load_edition()
    register = load_register(edition.register_path)
    try:
        imported = import_addresses(source, register, edition.register_path)
    except AddressFileRefused as refused:
        for line in refused.problems:
            click.echo(line)
        raise
    without = len(register) - len(imported.addresses)
    click.echo(f"Läste in {len(imported.addresses)} adresser till {imported.path}."
               + (f" {without} skolor i registret har ingen adress." if without else ""))


@click.command(name="skicka")
@click.option("--form", "form_id", required=True, type=form_choice(), help="Blanketten som mejlet gäller.")
@click.option("--lasar", required=True, metavar="LÄSÅR", help="Läsåret, till exempel 2025/26.")
@click.option("--bara-saknade", is_flag=True, help="Skicka en påminnelse bara till skolor som inte har svarat.")
@click.option("--provkor", is_flag=True, help="Visa vad som skulle skickas, men skicka ingenting.")
@click.option("--sista-dag", metavar="ÅÅÅÅ-MM-DD", help="Sista dag att svara (standard: dagen då länken slutar gälla).")
@click.option("--igen", is_flag=True, help="Skicka också till skolor som redan har fått samma mejl.")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="Webbplatsens adress i länkarna.")
@click.option("--giltig-dagar", type=click.IntRange(1, 3650), help="Hur många dagar länkarna gäller (standard: blankettens).")
@click.option("--per-minut", type=click.IntRange(1, 6000), help="Högst så många mejl per minut (standard 60).")
@data_option
def send_command(form_id, lasar, bara_saknade, provkor, sista_dag, igen, base_url, giltig_dagar, per_minut, data_dir):
    """Skicka länken till varje skola med e-post, eller en påminnelse till dem som inte har svarat.

    Varje skola får ett eget mejl med sin personliga länk, skrivet på enkel svenska efter utgåvans
    mall, med sista svarsdag och SIP-samordnarens brevlåda som svarsadress. Mejlen går genom
    organisationens e-postserver (SIP_SMTP_HOST, SIP_SMTP_PORT, SIP_SMTP_USER, SIP_SMTP_PASSWORD).
    Varje mejl loggas i utskick.jsonl bredvid lagret, så att ett nytt `skicka` inte skickar samma
    mejl två gånger (om du inte anger --igen). Adresser som e-postservern inte tar emot listas efteråt.

    Slutstatus: 0 när alla mejl kom fram, 1 när några adresser inte tog emot, 2 när inget kunde skickas.

    \b
    Exempel:
      sip-backoffice skicka --form arsuppfoljning --lasar 2025/26 --sista-dag 2026-09-30 --provkor
      sip-backoffice skicka --form arsuppfoljning --lasar 2025/26 --sista-dag 2026-09-30 --base-url https://sip.example.se
      sip-backoffice skicka --form arsuppfoljning --lasar 2025/26 --bara-saknade --sista-dag 2026-10-07
    """
    from backoffice.mail import service

    request = service.MailingRequest(
        form_id=form_id, lasar=lasar, reminder=bara_saknade, again=igen, base_url=base_url,
        deadline=_date(sista_dag), valid_days=giltig_dagar, per_minute=per_minut, data_dir=data_dir_of(data_dir))
    plan = service.prepare(request)
    click.echo(service.describe(plan))
    if provkor:
        click.echo(service.preview(plan))
        click.echo("Provkörning: inget har skickats.")
        return
    if not plan.messages:
        return
    with click.progressbar(length=len(plan.messages), label="Skickar", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        result = service.send(request, plan, progress=bar.update)
    click.echo(service.summary(plan, result))
    if result.refused or result.failed:
        raise InvalidDataError(f"{len(result.refused) + len(result.failed)} mejl kom inte fram; se listan ovan.")


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--sista-dag ska skrivas ÅÅÅÅ-MM-DD, till exempel 2026-09-30, inte ”{text}”.") from None


COMMANDS = [send_command]
# `register adresser` belongs to the register group, beside `register import`.
REGISTER_COMMANDS = [import_addresses_command]

"""Commands for the coordinator's side: `samordnare bjud-in` prints a one-time sign-in link."""
from __future__ import annotations

import os

import click

from backoffice.cli.options import data_dir_of, data_option
from backoffice.cli.support import CliError

BASE_URL_ENV = "SIP_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@click.group(name="samordnare")
def coordinator_group():
    """Samordnarens sida (/samordnare/ på webbplatsen): inloggning utan identitetsleverantör.

    \b
    Exempel:
      sip-backoffice samordnare bjud-in --epost anna.andersson@example.se
    """


@coordinator_group.command(name="bjud-in")
@click.option("--epost", required=True, metavar="ADRESS", help="Samordnarens e-postadress (visas i loggen).")
@click.option("--base-url", default=None, metavar="URL",
              help=f"Webbplatsens adress (standard: ${BASE_URL_ENV}, annars {DEFAULT_BASE_URL}).")
@data_option
def invite_command(epost, base_url, data_dir):
    """Skriv ut en inloggningslänk till samordnarens sida, för en person, som gäller en gång i 15 minuter.

    Länken är signerad med tjänstens hemlighet (SIP_SECRET_KEY eller secret.key bredvid lagret),
    så kör kommandot med samma --data som servern. Den som öppnar länken trycker på Logga in och
    är sedan inloggad i högst 8 timmar. Varje inloggning skrivs i loggen på samordnarens sida.

    \b
    Exempel:
      sip-backoffice samordnare bjud-in --epost anna.andersson@example.se
      sip-backoffice samordnare bjud-in --epost anna.andersson@example.se --base-url https://sip.example.se --data /srv/sip/store
    """
    from email_validator import EmailNotValidError, validate_email

    from backoffice.coordinator.invites import VALID_MINUTES, invite_url, make_invite
    from backoffice.intake.links import load_secret

    try:
        person = validate_email(epost, check_deliverability=False).normalized
    except EmailNotValidError:
        raise CliError(f"”{epost}” är inte en e-postadress. Skriv den som namn@example.se.") from None
    base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise CliError(f"--base-url ska börja med http:// eller https://, inte ”{base_url}”.")
    token = make_invite(load_secret(data_dir_of(data_dir)), person)
    click.echo(f"Inloggningslänk för {person} (gäller en gång, i {VALID_MINUTES} minuter):")
    click.echo(invite_url(base_url, token))


COMMANDS = [coordinator_group]

"""Commands for the intake stage: `serve` the site and the forms, make `links`."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from backoffice import config
from backoffice.forms import schema as schemas
from backoffice.cli.options import data_dir_of, data_option, form_choice, gsheet_option, open_store
from backoffice.cli.support import CliError

DEFAULT_SITE = config.ROOT / "site"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _secret(data_dir: Path) -> str:
    """The links' signing secret, or a Swedish error when it is unusable."""
    from backoffice.intake.links import SecretError, load_secret

    try:
        return load_secret(data_dir)
    except SecretError as error:
        raise CliError(str(error)) from None


def current_lasar(today: date | None = None) -> str:
    """The school year the annual follow-up asks about: the one that ended last summer."""
    today = today or date.today()
    first = today.year - 1 if today.month >= 7 else today.year - 2
    return f"{first}/{(first + 1) % 100:02d}"


def _load_register():
    from backoffice.register import RegisterError, load_register

    try:
        return load_register()
    except (RegisterError, OSError) as error:
        raise CliError(f"Skolregistret går inte att läsa: {error}") from None


def demo_links(signer, register, base_url: str, lasar: str, count: int = 3) -> list[tuple[str, str]]:
    """A few links for real schools in the register, for trying the forms out."""
    from backoffice.intake.links import form_url

    forms = ("arsuppfoljning", "avvikelse", "stickprov", "motesrapport")
    schools = sorted(register.values(), key=lambda s: s.skolenhetskod)[:max(count, len(forms))]
    found = []
    for i, school in enumerate(schools):
        form_id = forms[i % len(forms)]
        token = signer.make_token(form_id, school.skolenhetskod, lasar, valid_days=30)
        found.append((f"{schemas.form_title(form_id)} – {school.skolnamn}", form_url(base_url, form_id, token)))
    if schools:
        # The survey after a meeting held yesterday at the first school: a child and three guardians.
        yesterday = (date.today() - timedelta(days=1)).isoformat()
        token = signer.make_survey_token(yesterday, skolenhetskod=schools[0].skolenhetskod, valid_days=30)
        found.append((f"{schemas.form_title('delaktighet')} – {schools[0].skolnamn} (möte {yesterday})",
                      form_url(base_url, "delaktighet", token)))
    return found


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@data_option
@click.option("--site", "site_dir", metavar="KATALOG", type=click.Path(file_okay=False),
              default=str(DEFAULT_SITE), show_default=True, help="Den byggda webbplatsen (mkdocs build).")
@click.option("--trådar", "--threads", "threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Antal trådar som tar emot anrop.")
@click.option("--demo-lankar", is_flag=True, help="Skriv ut några provlänkar för riktiga skolor i registret.")
@click.option("--enkat-per-klient", default=30, show_default=True, type=click.IntRange(1, 10_000),
              help="Högst så många enkätsvar per tio minuter från samma adress.")
@click.option("--enkat-per-lank", default=10, show_default=True, type=click.IntRange(1, 10_000),
              help="Högst så många försök per tio minuter med samma enkätlänk.")
@click.option("--base-url", help="Adressen som användarna når servern på, till exempel https://sip.example.se "
                                 "bakom en proxy (standard: http://VÄRD:PORT). Länkar på kvittona börjar med den.")
@gsheet_option
def serve(host, port, data_dir, site_dir, threads, demo_lankar, enkat_per_klient, enkat_per_lank, base_url,
          gsheet_key, credentials):
    """Visa handboken och ta emot blanketterna (webbserver).

    Servern visar den byggda webbplatsen och tar emot svar från blanketterna. Ett svar tas bara
    emot via en personlig länk (se `links`); det kontrolleras som `validate` gör och sparas i
    lagret, och den som svarade får ett kvitto.

    \b
    Exempel:
      mkdocs build && sip-backoffice serve --port 8000 --data var/store
      sip-backoffice serve --demo-lankar
      sip-backoffice serve --base-url https://sip.example.se --data /srv/sip/store
      sip-backoffice serve --gsheet 1AbC… --credentials tjanstekonto.json
    """
    from backoffice.intake.app import create_app, serve as run
    from backoffice.intake.links import LinkSigner

    if base_url and not base_url.startswith(("http://", "https://")):
        raise CliError(f"--base-url ska börja med http:// eller https://, inte ”{base_url}”.")
    data = data_dir_of(data_dir)
    register = _load_register()
    base = (base_url or f"http://{host}:{port}").rstrip("/")
    secret = _secret(data)
    try:
        app = create_app(site_dir, data, register=register, store=open_store(data, gsheet_key, credentials), secret=secret,
                         survey_rate_per_client=(enkat_per_klient, 600), survey_rate_per_link=(enkat_per_lank, 600),
                         public_url=base_url)
    except FileNotFoundError as error:
        raise CliError(f"{error} (till exempel med `make site`).") from None
    click.echo(f"SIP-handboken och blanketterna: {base}/  (avsluta med Ctrl+C)")
    click.echo(f"Svaren sparas i {'Google-kalkylarket ' + gsheet_key if gsheet_key else data}")
    if demo_lankar:
        signer = LinkSigner(secret)
        click.echo("\nProvlänkar (gäller 30 dagar):")
        for label, url in demo_links(signer, register, base, current_lasar()):
            click.echo(f"  {label}\n    {url}")
        click.echo("")
    try:
        run(app, host=host, port=port, threads=threads)
    except OSError as error:
        raise CliError(f"Servern kunde inte starta på {host}:{port} ({error.strerror or error}). "
                       "Används porten redan? Välj en annan med --port.") from None


def _organisations(form_id: str) -> list[str]:
    """The organisations outside school a form takes reports from (empty for school-only forms)."""
    for field in schemas.load_descriptor(form_id)["fields"]:
        if field["name"] == "organisation":
            return [str(v) for v in (field.get("constraints") or {}).get("enum") or []]
    return []


def _survey_links(signer, register, skola, organisation, datum, base_url, antal, svar_per_lank, giltig_dagar):
    """Print survey links for one meeting (school or organisation, and date)."""
    from backoffice.intake.links import SURVEY_FORM, form_url, lasar_of_date

    if not datum:
        raise CliError("Enkätlänkar gäller ett möte: ange mötesdatumet med --datum ÅÅÅÅ-MM-DD.")
    if bool(skola) == bool(organisation):
        raise CliError("Ange antingen --skola SKOLENHETSKOD eller --organisation, inte båda.")
    try:
        lasar_of_date(datum)
        if date.fromisoformat(datum) > date.today():
            raise ValueError(f"Mötesdatumet {datum} ligger i framtiden. Skriv dagen då mötet hölls.")
    except ValueError as error:
        raise CliError(str(error)) from None
    if skola and skola not in register:
        raise CliError(f"Skolenhetskoden {skola} finns inte i skolregistret.")
    if organisation and organisation not in _organisations(SURVEY_FORM):
        raise CliError(f"Organisationen ”{organisation}” finns inte. Välj en av: "
                       f"{', '.join(_organisations(SURVEY_FORM))}.")
    who = register[skola].skolnamn if skola else organisation
    click.echo(f"Enkätlänkar för mötet {datum} ({who}); varje länk tar emot {svar_per_lank} svar "
               f"och gäller i {giltig_dagar} dagar:")
    for _ in range(antal):
        token = signer.make_survey_token(datum, skolenhetskod=skola or "", organisation=organisation or "",
                                         max_answers=svar_per_lank, valid_days=giltig_dagar)
        click.echo(form_url(base_url, SURVEY_FORM, token))


@click.command()
@click.option("--form", "form_id", required=True, type=form_choice(), help="Blanketten länkarna gäller.")
@click.option("--lasar", metavar="LÄSÅR", help="Läsåret, till exempel 2025/26 (alla blanketter utom enkäten).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="Webbplatsens adress.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="CSV-filen som skrivs (inte för enkäten).")
@click.option("--giltig-dagar", type=click.IntRange(1, 3650),
              help="Hur många dagar länkarna gäller (standard 120, för enkäten 60).")
@click.option("--skola", metavar="KOD", help="Enkäten: skolenhetskoden för skolan där mötet hölls.")
@click.option("--organisation", metavar="NAMN", help="Enkäten: verksamheten utanför skolan som höll mötet.")
@click.option("--datum", metavar="ÅÅÅÅ-MM-DD", help="Enkäten: mötets datum.")
@click.option("--antal", default=1, show_default=True, type=click.IntRange(1, 50),
              help="Enkäten: hur många länkar (en per möte samma dag).")
@click.option("--svar-per-lank", default=4, show_default=True, type=click.IntRange(1, 20),
              help="Enkäten: hur många svar en länk tar emot (barnet och vårdnadshavarna).")
@data_option
def links(form_id, lasar, base_url, out_path, giltig_dagar, skola, organisation, datum, antal, svar_per_lank,
          data_dir):
    """Skriv en personlig länk per skola i registret, för koppling av brev; eller enkätlänkar för ett möte.

    Filen har kolumnerna skolenhetskod, skolnamn och lank. Den är UTF-8 med BOM och semikolon,
    så att svenska Excel och Word öppnar den med å, ä och ö rätt. Varje länk gäller en blankett,
    en skola och ett läsår, och slutar gälla efter --giltig-dagar. För mötesrapporten får filen
    också en rad per verksamhet utanför skolan (tom skolenhetskod).

    För enkäten (--form delaktighet) skrivs länkar för ett möte ut i stället: de bär bara skolan
    (eller verksamheten) och mötesdatumet, och tar emot --svar-per-lank svar var.

    \b
    Exempel:
      sip-backoffice links --form arsuppfoljning --lasar 2025/26 --base-url https://sip.example.se --out lankar.csv
      sip-backoffice links --form avvikelse --lasar 2025/26 --giltig-dagar 365 --out avvikelse-lankar.csv
      sip-backoffice links --form motesrapport --lasar 2025/26 --out moteslankar.csv
      sip-backoffice links --form delaktighet --skola 12345678 --datum 2025-11-14
    """
    from backoffice.intake.links import (SURVEY_FORM, SURVEY_VALID_DAYS, LinkSigner, check_lasar, organisation_links,
                                  school_links, write_links_csv)

    if not base_url.startswith(("http://", "https://")):
        raise CliError(f"--base-url ska börja med http:// eller https://, inte ”{base_url}”.")
    if form_id == SURVEY_FORM:
        if lasar or out_path:
            raise CliError("--lasar och --out gäller inte enkäten: enkätlänkarna skrivs ut på skärmen, och "
                           "läsåret följer av --datum.")
        register = _load_register()
        signer = LinkSigner(_secret(data_dir_of(data_dir)))
        return _survey_links(signer, register, skola, organisation, datum, base_url, antal, svar_per_lank,
                             giltig_dagar or SURVEY_VALID_DAYS)
    if skola or organisation or datum:
        raise CliError("--skola, --organisation och --datum gäller bara enkäten (--form delaktighet).")
    if not lasar or not out_path:
        raise CliError("Ange läsåret med --lasar och filen som ska skrivas med --out.")
    giltig_dagar = giltig_dagar or 120
    try:
        check_lasar(lasar)
    except ValueError as error:
        raise CliError(str(error)) from None
    register = _load_register()
    signer = LinkSigner(_secret(data_dir_of(data_dir)))
    rows = school_links(signer, register, form_id, lasar, base_url, valid_days=giltig_dagar)
    rows += organisation_links(signer, _organisations(form_id), form_id, lasar, base_url, valid_days=giltig_dagar)
    try:
        write_links_csv(rows, out_path)
    except OSError as error:
        raise CliError(f"Kunde inte skriva {out_path} ({error.strerror}).") from None
    click.echo(f"Skrev {len(rows)} länkar för {schemas.form_title(form_id)} ({lasar}) till {out_path}; "
               f"de gäller i {giltig_dagar} dagar.")


COMMANDS = [serve, links]

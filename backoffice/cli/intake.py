"""Commands for the intake stage: `serve` the site and the forms, make `links`."""
from __future__ import annotations

from pathlib import Path

import click

from backoffice import config, schoolyear
from backoffice.cli.options import data_dir_of, data_option, form_choice, gsheet_option, open_store
from backoffice.cli.support import CliError
from backoffice.forms import schema as schemas

DEFAULT_SITE = config.ROOT / "site"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _check_base_url(base_url: str | None) -> None:
    if base_url and not base_url.startswith(("http://", "https://")):
        raise CliError(f"--base-url ska börja med http:// eller https://, inte ”{base_url}”.")


DEMO_COORDINATOR = "samordnare@example.se"
DEMO_YEARS = 3


def _seed_demo_store(data: Path, register) -> None:
    """Fill an empty store with invented answers for the last few school years (never touch a store in use)."""
    from backoffice.demo import demo_rows, write_demo_store

    if any(data.glob("*.csv")):
        click.echo("Demo: lagret har redan svar och lämnas som det är.")
        return
    last = schoolyear.start_year(schoolyear.last_completed())
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(last - DEMO_YEARS + 1, last + 1)]
    written = write_demo_store(data, demo_rows(register, years))
    click.echo(f"Demo: lagret fylldes med påhittade svar för {years[0]}–{years[-1]} "
               f"({sum(written.values())} rader).")


def _load_register():
    from backoffice.register import RegisterError, load_register

    try:
        return load_register()
    except (RegisterError, OSError) as error:
        raise CliError(f"Skolregistret går inte att läsa: {error}") from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@data_option
@click.option("--site", "site_dir", metavar="KATALOG", type=click.Path(file_okay=False),
              default=str(DEFAULT_SITE), show_default=False,
              help="Den byggda webbplatsen (standard: site/ i projektet, som make site bygger).")
@click.option("--trådar", "--threads", "threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Antal trådar som tar emot anrop.")
@click.option("--demo-lankar", is_flag=True, help="Skriv ut en provlänk per blankett för riktiga skolor i registret.")
@click.option("--demo", is_flag=True, help="Som --demo-lankar, och fyll ett tomt lager med påhittade svar för de "
                                           "senaste läsåren och skriv ut en inloggningslänk till samordnarens sida.")
@click.option("--enkat-per-klient", default=30, show_default=True, type=click.IntRange(1, 10_000),
              help="Högst så många svar via möteslänkar (enkäten) per tio minuter från samma adress.")
@click.option("--enkat-per-lank", default=10, show_default=True, type=click.IntRange(1, 10_000),
              help="Högst så många försök per tio minuter med samma möteslänk.")
@click.option("--base-url", help="Adressen som användarna når servern på, till exempel https://sip.example.se "
                                 "bakom en proxy (standard: http://VÄRD:PORT). Alla länkar servern skriver börjar "
                                 "med den, aldrig med adressen i anropet.")
@click.option("--proxy", metavar="ADRESS",
              help="Proxyns adress (till exempel 127.0.0.1 för nginx på samma dator): bara från den godtas "
                   "X-Forwarded-For och X-Forwarded-Proto. Utan --proxy godtas de inte från någon.")
@gsheet_option
def serve(host, port, data_dir, site_dir, threads, demo_lankar, demo, enkat_per_klient, enkat_per_lank, base_url,
          proxy, gsheet_key, credentials):
    """Visa handboken och ta emot blanketterna (webbserver).

    Servern visar den byggda webbplatsen och tar emot svar från blanketterna. Ett svar tas bara
    emot via en personlig länk (se `links`); det kontrolleras som `validate` gör och sparas i
    lagret, och den som svarade får ett kvitto.

    \b
    Exempel:
      mkdocs build && sip-backoffice serve --port 8000 --data var/store
      sip-backoffice serve --demo
      sip-backoffice serve --base-url https://sip.example.se --data /srv/sip/store
      sip-backoffice serve --gsheet 1AbC… --credentials tjanstekonto.json
    """
    from backoffice.intake.app import create_app, serve as run
    from backoffice.intake.links import DEMO_VALID_DAYS, LinkSigner, demo_links, load_secret

    _check_base_url(base_url)
    data = data_dir_of(data_dir)
    register = _load_register()
    base = (base_url or f"http://{host}:{port}").rstrip("/")
    secret = load_secret(data)
    app = create_app(site_dir, data, register=register, store=open_store(data, gsheet_key, credentials),
                     secret=secret, meeting_rate_per_client=(enkat_per_klient, 600),
                     meeting_rate_per_link=(enkat_per_lank, 600), public_url=base)
    click.echo(f"SIP-handboken och blanketterna: {base}/  (avsluta med Ctrl+C)")
    click.echo(f"Svaren sparas i {'Google-kalkylarket ' + gsheet_key if gsheet_key else data}")
    if demo and not gsheet_key:
        _seed_demo_store(data, register)
    if demo_lankar or demo:
        click.echo(f"\nProvlänkar (gäller {DEMO_VALID_DAYS} dagar):")
        for label, url in demo_links(LinkSigner(secret), register, base, schoolyear.last_completed()):
            click.echo(f"  {label}\n    {url}")
        click.echo("")
    if demo:
        from backoffice.coordinator.invites import VALID_MINUTES, invite_url, make_invite

        click.echo(f"Samordnarens sida (länken fungerar en gång, inom {VALID_MINUTES} minuter; en ny får du med "
                   "`sip-backoffice samordnare bjud-in --epost DIN-ADRESS`):")
        click.echo(f"  {invite_url(base, make_invite(secret, DEMO_COORDINATOR))}\n")
    try:
        run(app, host=host, port=port, threads=threads, proxy=proxy)
    except OSError as error:
        raise CliError(f"Servern kunde inte starta på {host}:{port} ({error.strerror or error}). "
                       "Används porten redan? Välj en annan med --port.") from None


def _meeting_links(form, base_url, skola, organisation, datum, antal, svar_per_lank, giltig_dagar, data_dir):
    """Print links to a meeting-link form for one meeting (school or organisation, and date)."""
    from backoffice.intake.links import LinkSigner, load_secret, meeting_links

    if not datum:
        raise CliError("Möteslänkar gäller ett möte: ange mötesdatumet med --datum ÅÅÅÅ-MM-DD.")
    if bool(skola) == bool(organisation):
        raise CliError("Ange antingen --skola SKOLENHETSKOD eller --organisation, inte båda.")
    register = _load_register()
    signer = LinkSigner(load_secret(data_dir_of(data_dir)))
    urls = meeting_links(signer, register, form.id, base_url, datum, skolenhetskod=skola or "",
                         organisation=organisation or "", count=antal, max_answers=svar_per_lank,
                         valid_days=giltig_dagar)
    who = register[skola].skolnamn if skola else organisation
    click.echo(f"Länkar till {form.title} för mötet {datum} ({who}); varje länk tar emot "
               f"{svar_per_lank or form.answers_per_link} svar och gäller i "
               f"{giltig_dagar or form.link_valid_days} dagar:")
    for url in urls:
        click.echo(url)


@click.command()
@click.option("--form", "form_id", required=True, type=form_choice(), help="Blanketten länkarna gäller.")
@click.option("--lasar", metavar="LÄSÅR", help="Läsåret, till exempel 2025/26 (inte för möteslänkar).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="Webbplatsens adress.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="CSV-filen som skrivs (inte för möteslänkar).")
@click.option("--giltig-dagar", type=click.IntRange(1, 3650),
              help="Hur många dagar länkarna gäller (standard: blankettens, oftast 120, för möteslänkar 60).")
@click.option("--skola", metavar="KOD", help="Möteslänkar: skolenhetskoden för skolan där mötet hölls.")
@click.option("--organisation", metavar="NAMN", help="Möteslänkar: verksamheten utanför skolan som höll mötet.")
@click.option("--datum", metavar="ÅÅÅÅ-MM-DD", help="Möteslänkar: mötets datum.")
@click.option("--antal", default=1, show_default=True, type=click.IntRange(1, 50),
              help="Möteslänkar: hur många länkar (en per möte samma dag).")
@click.option("--svar-per-lank", type=click.IntRange(1, 20),
              help="Möteslänkar: hur många svar en länk tar emot (standard: blankettens, oftast 4: "
                   "barnet och vårdnadshavarna).")
@data_option
def links(form_id, lasar, base_url, out_path, giltig_dagar, skola, organisation, datum, antal, svar_per_lank,
          data_dir):
    """Skriv en personlig länk per skola i registret, för koppling av brev; eller möteslänkar för ett möte.

    Filen har kolumnerna skolenhetskod, skolnamn och lank. Den är UTF-8 med BOM och semikolon,
    så att svenska Excel och Word öppnar den med å, ä och ö rätt. Varje länk gäller en blankett,
    en skola och ett läsår, och slutar gälla efter --giltig-dagar. Tar blanketten emot svar från
    verksamheter utanför skolan får filen också en rad per verksamhet (tom skolenhetskod).

    En blankett som besvaras efter ett möte (enkäten till barnet och vårdnadshavarna) får i stället
    möteslänkar, som skrivs ut på skärmen: de bär bara skolan (eller verksamheten) och mötesdatumet,
    och tar emot --svar-per-lank svar var.

    \b
    Exempel:
      sip-backoffice links --form BLANKETT --lasar 2025/26 --base-url https://sip.example.se --out lankar.csv
      sip-backoffice links --form BLANKETT --lasar 2025/26 --giltig-dagar 365 --out lankar.csv
      sip-backoffice links --form MÖTESBLANKETT --skola 12345678 --datum 2025-11-14
    """
    from backoffice.intake.links import LinkSigner, link_rows, load_secret, meeting_forms, write_links_csv

    _check_base_url(base_url)
    form = schemas.load_form(form_id)
    if form.meeting_link:
        if lasar or out_path:
            raise CliError("--lasar och --out gäller inte möteslänkar: länkarna skrivs ut på skärmen, och "
                           "läsåret följer av --datum.")
        return _meeting_links(form, base_url, skola, organisation, datum, antal, svar_per_lank, giltig_dagar,
                              data_dir)
    if skola or organisation or datum or svar_per_lank:
        raise CliError("--skola, --organisation, --datum och --svar-per-lank gäller bara blanketter som "
                       f"besvaras via möteslänkar ({', '.join(meeting_forms())}).")
    if not lasar or not out_path:
        raise CliError("Ange läsåret med --lasar och filen som ska skrivas med --out.")
    lasar = schoolyear.parse(lasar)
    signer = LinkSigner(load_secret(data_dir_of(data_dir)))
    rows = link_rows(signer, _load_register(), form.id, lasar, base_url, valid_days=giltig_dagar)
    write_links_csv(rows, out_path)
    click.echo(f"Skrev {len(rows)} länkar för {form.title} ({lasar}) till {out_path}; "
               f"de gäller i {giltig_dagar or form.link_valid_days} dagar.")


COMMANDS = [serve, links]

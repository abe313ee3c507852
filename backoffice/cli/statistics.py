"""Commands for the statistics stage: `compile` (workbook, Google Sheet, aggregates) and `publish`.

Each parses its options, calls `backoffice.statistics.pipeline.compile_year` and writes what was
asked for; every error is a SipError that `SwedishGroup` turns into `Fel: …` and an exit status.
"""
from __future__ import annotations

import sys

import click

from backoffice import config
from backoffice.cli.support import CliError, InvalidDataError

# `--aggregates` alone writes where the statistics page looks first (backoffice.statistics.outputs):
# $SIP_STATISTIK, else var/statistik.json beside the default store; never the tracked demo figures.
DEFAULT_AGGREGATES = "-"
# Below this many cells writing takes a blink: no progress bar.
LARGE_CELLS = 20_000


def _interactive() -> bool:
    return sys.stderr.isatty()


def _compile(lasar, data_dir, from_files, form, omraden, register_path, credentials):
    """The compiled school year, with the problems and notes on the way printed to stderr."""
    from backoffice.statistics.pipeline import compile_year

    if data_dir is not None and from_files:
        raise CliError("Ange antingen --data eller --from, inte båda.")
    if form is not None and not from_files:
        raise CliError("--form gäller bara tabellfiler som ges med --from.")
    compilation = compile_year(lasar, data_dir=data_dir, files=from_files, form=form, areas=omraden,
                               register=register_path, credentials=credentials, progress=_interactive())
    for line in compilation.problems + compilation.notes:
        click.echo(line, err=True)
    return compilation


def _progress(label: str, length: int, compilation):
    """A progress bar on stderr, shown only on a terminal and for a large workbook."""
    hidden = not (_interactive() and compilation.cells >= LARGE_CELLS)
    return click.progressbar(length=length, label=label, file=sys.stderr, hidden=hidden)


def _publish(compilation, key, credentials) -> None:
    from backoffice.gsheets import open_client
    from backoffice.statistics.publish import publish_sheets

    client = open_client(credentials)
    with _progress("Publicerar", compilation.cells, compilation) as bar:
        url = publish_sheets(compilation.sheets, key, client, progress=bar.update)
    click.echo(f"Publicerat i Google Kalkylark: {url}")


def _finish(compilation) -> None:
    click.echo(compilation.summary())
    if compilation.left_out:
        raise InvalidDataError(f"{compilation.left_out} ogiltiga rader räknades inte.")


def input_options(command):
    """The options every statistics command shares: school year and where the rows come from."""
    options = [
        click.option("--lasar", required=True, help="Läsåret som sammanställs, till exempel 2025/26."),
        click.option("--data", "data_dir", type=click.Path(file_okay=False),
                     help="Lagrets katalog (standard: $SIP_DATA eller var/store)."),
        click.option("--from", "from_files", multiple=True, metavar="FIL",
                     help="Tabellfil (CSV eller XLSX) i stället för lagret; kan upprepas."),
        click.option("--form", default=None, help="Blankett för filerna i --from (annars känns den igen på rubrikerna)."),
        click.option("--omraden", type=click.Path(dir_okay=False), default=None,
                     help="CSV med kolumnerna skolenhetskod,omrade (annars grupperas efter huvudmannatyp)."),
        click.option("--register", "register_path", type=click.Path(dir_okay=False), default=None,
                     help="Skolregistret (standard: utgåvans register, för Göteborg data/skolor.csv)."),
        click.option("--credentials", default=None, metavar="FIL",
                     help="Tjänstekontots nyckelfil för Google (annars miljövariabeln)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command("compile", short_help="Sammanställ ett läsår till en arbetsbok (xlsx) m.m.")
@input_options
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="FIL.xlsx",
              help="Arbetsboken som skrivs.")
@click.option("--gsheet", default=None, metavar="NYCKEL", help="Publicera också till detta Google-kalkylark.")
@click.option("--aggregates", is_flag=False, flag_value=str(DEFAULT_AGGREGATES), default=None, metavar="FIL",
              help="Skriv sammanräknade siffror för handbokens statistiksida som JSON (utan FIL: $SIP_STATISTIK, "
                   "annars statistik.json bredvid lagret, i en utcheckning var/statistik.json).")
@click.option("--troskel", type=click.IntRange(min=1), default=5, show_default=True,
              help="Antal från 1 till TRÖSKEL−1 visas som .. i JSON-filen.")
@click.option("--per-skola", is_flag=True, help="Ta med siffror per skola i JSON-filen.")
@click.option("--demo", is_flag=True, help="Märk JSON-filen som demosiffror.")
def compile_command(lasar, data_dir, from_files, form, omraden, register_path, credentials, out, gsheet,
                    aggregates, troskel, per_skola, demo):
    """Sammanställ ett läsårs uppföljning till en arbetsbok (och ev. Google-kalkylark och JSON).

    Läser lagret (senaste versionen per skola och läsår) eller tabellfiler med --from. Varje fil
    kontrolleras först; ogiltiga rader skrivs ut och lämnas utanför. Finns samma skola och läsår i
    flera filer räknas raden i den fil som anges sist. Slutstatus 0 när allt räknades, 1 när
    ogiltiga rader lämnades utanför (arbetsboken skrivs ändå), 2 när indata inte går att använda.

    Exempel:

    \b
        sip-backoffice compile --lasar 2025/26 --out sip-2025-26.xlsx
        sip-backoffice compile --lasar 2025/26 --from svar.csv --from avvikelser.xlsx \\
            --omraden omraden.csv --out sip.xlsx --aggregates
        sip-backoffice compile --lasar 2025/26 --data var/store --out sip.xlsx --gsheet 1AbC...
    """
    from backoffice.statistics.aggregates import write_aggregates
    from backoffice.statistics.workbook import write_workbook

    compilation = _compile(lasar, data_dir, from_files, form, omraden, register_path, credentials)
    with _progress("Skriver arbetsboken", len(compilation.sheets), compilation) as bar:
        write_workbook(compilation.sheets, out, title=compilation.title, progress=bar.update)
    click.echo(f"Arbetsboken är skriven: {out}")
    if aggregates:
        if aggregates == DEFAULT_AGGREGATES:
            from backoffice.statistics.outputs import site_figures_path

            aggregates = site_figures_path()
        write_aggregates(compilation.stats, aggregates, threshold=troskel, per_school=per_skola, demo=demo)
        click.echo(f"Siffrorna för handboken är skrivna: {aggregates}")
    if gsheet:
        _publish(compilation, gsheet, credentials)
    _finish(compilation)


@click.command("publish", short_help="Sammanställ ett läsår till ett Google-kalkylark.")
@input_options
@click.option("--gsheet", required=True, metavar="NYCKEL", help="Google-kalkylarkets nyckel (ur dess adress).")
def publish_command(lasar, data_dir, from_files, form, omraden, register_path, credentials, gsheet):
    """Sammanställ ett läsår och skriv det till ett Google-kalkylark, ett blad per flik.

    Bladen får samma innehåll som arbetsboken från `compile`. Blad med samma namn skrivs över,
    andra blad lämnas orörda. Tjänstekontot måste ha fått redigera kalkylarket.

    Exempel:

    \b
        sip-backoffice publish --lasar 2025/26 --gsheet 1AbCdEf... --credentials nyckel.json
    """
    compilation = _compile(lasar, data_dir, from_files, form, omraden, register_path, credentials)
    _publish(compilation, gsheet, credentials)
    _finish(compilation)


COMMANDS = [compile_command, publish_command]

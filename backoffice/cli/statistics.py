"""Commands for the statistics stage: `compile` (workbook, Google Sheet, aggregates) and `publish`."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from backoffice import config
# Input that cannot be used exits 2; invalid rows left out of the figures exit 1.
from backoffice.cli.support import CliError as UnusableInput
from backoffice.cli.support import InvalidDataError as RowsLeftOut

# The forms the statistics count (compile_statistics takes one argument per form).
FORMS = ("arsuppfoljning", "avvikelse", "stickprov", "motesrapport", "delaktighet")
DEFAULT_AGGREGATES = config.ROOT / "data" / "statistik.json"


@dataclass
class Loaded:
    """Rows per form, where they came from, and how many were left out as invalid."""

    rows: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {f: [] for f in FORMS})
    sources: list[str] = field(default_factory=list)
    left_out: int = 0


# Below this many cells writing takes a blink: no progress bar.
LARGE_CELLS = 20_000


def _interactive() -> bool:
    return sys.stderr.isatty()


def _show_progress(sheets) -> bool:
    """A progress bar only on a terminal and only for a large workbook or sheet."""
    from backoffice.statistics.publish import count_cells

    return _interactive() and count_cells(sheets) >= LARGE_CELLS


def _load_store(data_dir: Path, given: bool, lasar: str) -> Loaded:
    from backoffice.statistics.compiler import load_form_facts, rows_needed
    from backoffice.store.files import StoreError, read_rows

    loaded = Loaded()
    if not data_dir.is_dir():
        if given:
            raise UnusableInput(f"Lagret {data_dir} finns inte. Ange rätt katalog med --data, "
                                "eller tabellfiler med --from.")
        # The default store appears with the first submission: before that, every school is missing.
        click.echo(f"Obs: lagret {data_dir} finns inte ännu, så inga svar har kommit in. "
                   "Alla skolor redovisas som saknade.", err=True)
        loaded.sources.append(f"Lagret {data_dir} (tomt: inga svar ännu)")
        return loaded
    facts = load_form_facts()
    counts = []
    try:
        for form_id in FORMS:
            # Every version is read (compile keeps the latest per key itself), one form at a time, and
            # other school years cut down at once: a national store then fits in far less memory.
            rows = read_rows(data_dir, form_id)
            counts.append(f"{form_id}: {len(rows)} rader")
            loaded.rows[form_id] = rows_needed(form_id, lasar, rows, facts)
            del rows
    except StoreError as error:
        raise UnusableInput(str(error)) from None
    counts = ", ".join(counts)
    loaded.sources.append(f"Lagret {data_dir} ({counts})")
    return loaded


def _load_files(paths: tuple[str, ...], form: str | None, register, credentials: str | None) -> Loaded:
    from backoffice.gsheets import GSheetError
    from backoffice.register import RegisterError
    from backoffice.validation.report import problem_line
    from backoffice.forms.schema import UnknownFormError, guess_form, load_descriptor
    from backoffice.validation.sources import SourceError
    from backoffice.statistics.inputs import InputError, read_header
    from backoffice.validation.table import validate_table

    try:
        if form is not None:
            load_descriptor(form)
    except UnknownFormError as error:
        raise UnusableInput(str(error)) from None
    if form is not None and form not in FORMS:
        raise UnusableInput(f"Blanketten ”{form}” ingår inte i statistiken. Välj en av: {', '.join(FORMS)}.")
    loaded = Loaded()
    for path in paths:
        form_id = form
        if form_id is None:
            try:
                form_id = guess_form(read_header(path, credentials=credentials))
            except InputError as error:
                raise UnusableInput(str(error)) from None
            if form_id is None:
                raise UnusableInput(f"{path}: rubrikraden passar ingen av blanketterna {', '.join(FORMS)}. "
                                    "Kontrollera första raden eller ange blankett med --form.")
        try:
            result = validate_table(path, form_id, register=register, progress=_interactive(),
                                    credentials=credentials)
        except (SourceError, UnknownFormError, RegisterError, GSheetError) as error:
            raise UnusableInput(str(error)) from None
        for problem in result.problems:
            click.echo(problem_line(result, problem), err=True)
        # Rows with a problem are left out; a problem with the whole table (a missing column)
        # leaves out every row that validation could not accept.
        left_out = result.rows - len(result.valid_rows)
        loaded.left_out += left_out
        loaded.rows[form_id].extend(result.valid_rows)
        loaded.sources.append(f"{path} ({form_id}: {len(result.valid_rows)} giltiga rader av {result.rows})")
        if left_out:
            click.echo(f"{path}: {left_out} av {result.rows} rader har fel och lämnas utanför sammanställningen.",
                       err=True)
    return loaded


def _compile(lasar, data_dir, from_files, form, omraden, register_path, credentials=None):
    """Load the inputs and compile; every unusable input becomes exit status 2."""
    from backoffice.statistics.compiler import compile_statistics, lasar_months, load_form_facts
    from backoffice.register import RegisterError, load_register
    from backoffice.statistics.inputs import InputError, read_areas

    try:
        lasar_months(lasar)
    except ValueError as error:
        raise UnusableInput(str(error)) from None
    try:
        register = load_register(register_path)
    except RegisterError as error:
        raise UnusableInput(str(error)) from None
    if data_dir is not None and from_files:
        raise UnusableInput("Ange antingen --data eller --from, inte båda.")
    if form is not None and not from_files:
        raise UnusableInput("--form gäller bara tabellfiler som ges med --from.")
    areas = None
    if omraden:
        try:
            areas = read_areas(omraden)
        except InputError as error:
            raise UnusableInput(str(error)) from None
        unknown = sorted(set(areas) - set(register))
        if unknown:
            click.echo(f"Obs: {len(unknown)} skolenhetskoder i {omraden} finns inte i skolregistret och "
                       f"används inte (till exempel {unknown[0]}).", err=True)
    if from_files:
        loaded = _load_files(from_files, form, register, credentials)
    else:
        loaded = _load_store(Path(data_dir) if data_dir else config.default_data_dir(), given=data_dir is not None,
                             lasar=lasar)
    stats = compile_statistics(lasar, register, load_form_facts(), areas=areas, sources=loaded.sources,
                               **loaded.rows)
    loaded.rows = {}  # the figures are compiled: let the rows go before the workbook is built
    return stats, loaded


def _summary(stats, loaded) -> str:
    t = stats.total
    lines = [f"Läsår {stats.lasar}: {t.inskickade} av {t.skolor} skolor har skickat in, "
             f"{t.sip_initierade} SIP-processer initierade, {stats.deviations.totalt} avvikelser, "
             f"{stats.audit.dokument} granskade dokument, {stats.meetings.moten} rapporterade SIP-möten, "
             f"{stats.survey.svar if stats.survey else 0} enkätsvar om delaktighet."]
    if loaded.left_out:
        lines.append(f"{loaded.left_out} ogiltiga rader lämnades utanför (se felen ovan). "
                     "Rätta raderna och kör kommandot igen för att få med dem.")
    skipped = sum(stats.outside_register.values())
    if skipped:
        lines.append(f"{skipped} rader gällde skolor som inte finns i skolregistret och räknades inte.")
    return "\n".join(lines)


def _publish(stats, key, credentials):
    import gspread

    from backoffice.statistics import sheets as statsheets
    from backoffice.gsheets import GSheetError, open_client
    from backoffice.statistics.publish import count_cells, publish_sheets

    try:
        client = open_client(credentials)
    except GSheetError as error:
        raise UnusableInput(str(error)) from None
    sheets = statsheets.build_sheets(stats)
    try:
        with click.progressbar(length=count_cells(sheets), label="Publicerar", file=sys.stderr,
                               hidden=not _show_progress(sheets)) as bar:
            return publish_sheets(sheets, key, client, progress=bar.update)
    except gspread.exceptions.SpreadsheetNotFound:
        raise UnusableInput(f"Kalkylarket {key} finns inte, eller så har tjänstekontot inte fått "
                            "behörighet att redigera det. Dela kalkylarket med tjänstekontots adress.") from None
    except gspread.exceptions.APIError as error:
        raise UnusableInput(f"Google Kalkylark svarade med ett fel ({error.response.status_code}). "
                            "Försök igen om en stund.") from None


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
        click.option("--register", "register_path", type=click.Path(dir_okay=False),
                     default=str(config.REGISTER_PATH), show_default=False,
                     help="Skolregistret (standard: data/skolor.csv)."),
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
              help="Skriv sammanräknade siffror för handboken som JSON (utan FIL: data/statistik.json).")
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
    from backoffice.statistics import sheets as statsheets
    from backoffice.statistics.aggregates import write_aggregates
    from backoffice.statistics.workbook import write_workbook

    stats, loaded = _compile(lasar, data_dir, from_files, form, omraden, register_path, credentials)
    sheets = statsheets.build_sheets(stats)
    try:
        with click.progressbar(length=len(sheets), label="Skriver arbetsboken", file=sys.stderr,
                               hidden=not _show_progress(sheets)) as bar:
            write_workbook(stats, out, sheets=sheets, progress=bar.update)
    except OSError as error:
        raise UnusableInput(f"Arbetsboken {out} kunde inte skrivas ({error.strerror}).") from None
    click.echo(f"Arbetsboken är skriven: {out}")
    if aggregates:
        try:
            write_aggregates(stats, aggregates, threshold=troskel, per_school=per_skola, demo=demo)
        except OSError as error:
            raise UnusableInput(f"JSON-filen {aggregates} kunde inte skrivas ({error.strerror}).") from None
        click.echo(f"Siffrorna för handboken är skrivna: {aggregates}")
    if gsheet:
        url = _publish(stats, gsheet, credentials)
        click.echo(f"Publicerat i Google Kalkylark: {url}")
    click.echo(_summary(stats, loaded))
    if loaded.left_out:
        raise RowsLeftOut(f"{loaded.left_out} ogiltiga rader räknades inte.")


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
    stats, loaded = _compile(lasar, data_dir, from_files, form, omraden, register_path, credentials)
    url = _publish(stats, gsheet, credentials)
    click.echo(f"Publicerat i Google Kalkylark: {url}")
    click.echo(_summary(stats, loaded))
    if loaded.left_out:
        raise RowsLeftOut(f"{loaded.left_out} ogiltiga rader räknades inte.")


COMMANDS = [compile_command, publish_command]

"""Commands for tables: `validate` them against a form, write a form's `template`, `register import`."""
from __future__ import annotations

import sys

import click

from backoffice import register as register_module
from backoffice.cli.options import form_choice
from backoffice.cli.support import CliError, writing
from backoffice.config import REGISTER_PATH
from backoffice.forms.schema import form_ids, load_form


@click.command(name="validate")
@click.argument("paths", metavar="FIL...", nargs=-1)
@click.option("--form", "form_id", metavar="BLANKETT",
              help=f"Blanketten som tabellerna ska följa: {', '.join(form_ids())}.")
@click.option("--json", "as_json", is_flag=True, help="Skriv rapporten som JSON i stället för text.")
@click.option("--sheet", metavar="BLAD", help="Bladet i en Excel-arbetsbok (annars det första bladet).")
@click.option("--credentials", metavar="FIL", type=click.Path(dir_okay=False),
              help="Google-tjänstekontots JSON-nyckel för gsheet:-källor "
                   "(annars miljövariabeln GOOGLE_APPLICATION_CREDENTIALS).")
@click.option("--register", "register_path", metavar="FIL", type=click.Path(dir_okay=False),
              help=f"Skolregistret som skolenhetskoderna kontrolleras mot (standard: {REGISTER_PATH.name}).")
@click.pass_context
def validate_command(ctx, paths, form_id, as_json, sheet, credentials, register_path):
    """Kontrollera tabeller mot en blankett och få en rapport på svenska.

    FIL är en CSV-fil (som Excel sparar den: semikolon, Windows-1252 eller UTF-8), en
    Excel-arbetsbok (.xlsx) eller ett Google-kalkylark skrivet gsheet:NYCKEL eller
    gsheet:NYCKEL/FLIK. Rapporten anger fil, rad (rubrikraden är rad 1), kolumn, vad som är
    fel och vad du ska göra, men upprepar aldrig själva värdet.

    Slutstatus: 0 när allt är rätt, 1 när data har fel, 2 när en fil inte går att använda.

    \b
    Exempel:
      sip-backoffice validate arsuppfoljning-2025.csv --form arsuppfoljning
      sip-backoffice validate avvikelser.xlsx --form avvikelse --sheet Avvikelser
      sip-backoffice validate gsheet:1AbC…xyz/Svar --form arsuppfoljning --credentials nyckel.json
      sip-backoffice validate *.csv --form stickprov --json
    """
    from backoffice.register import load_register
    from backoffice.validation import report
    from backoffice.validation import table as validate

    forms = form_ids()
    example = forms[0] if forms else "BLANKETT"
    if not form_id:
        raise CliError("Ange vilken blankett tabellerna ska följa med --form, till exempel "
                       f"--form {example}. Blanketterna är: {', '.join(forms)}.")
    if not paths:
        raise CliError("Ange minst en fil att kontrollera, till exempel "
                       f"`sip-backoffice validate svar.csv --form {example}`.")
    load_form(form_id)  # an unknown form is said once, before any file is read
    register = load_register(register_path) if register_path else load_register()
    results = validate.validate_tables(paths, form_id, sheet=sheet, register=register,
                                       progress=sys.stderr.isatty(), credentials=credentials)
    click.echo(report.json_text(results) if as_json else report.human_report(results))
    ctx.exit(report.exit_status(results))


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
              default=str(REGISTER_PATH), show_default=False,
              help="Registret som skrivs (standard: data/skolor.csv i projektet).")
def register_import(export_file, kommun, out_path):
    """Skapa skolregistret från Skolverkets export ”Grundskolan – Antal elever per årskurs”.

    FIL är exporten på skolenhetsnivå som CSV, precis som den laddades ner från Skolverkets
    statistiktjänst (alla läsår går). Registret skrivs som UTF-8-CSV med en rad per skolenhet.

    \b
    Exempel:
      sip-backoffice register import grundskolan-elever-per-arskurs-2023.csv --kommun 1480 --out data/skolor.csv
    """
    schools = register_module.read_export(export_file, kommun)
    with writing(out_path):
        register_module.write_register(schools, out_path)
    where = f" i kommun {kommun}" if kommun else ""
    click.echo(f"Skrev {len(schools)} skolenheter{where} till {out_path}.")


@click.command()
@click.argument("form_id", metavar="BLANKETT", type=form_choice())
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Excel-filen som skrivs (.xlsx).")
@click.option("--skola", metavar="KOD", help="Fyll i mallen för en skola: dess skolenhetskod (namnet hämtas ur registret).")
@click.option("--lasar", metavar="LÄSÅR", help="Fyll i läsåret, till exempel 2025/26.")
@click.option("--register", "register_path", metavar="FIL", type=click.Path(dir_okay=False),
              help=f"Skolregistret som skolan slås upp i (standard: {REGISTER_PATH.name}).")
def template(form_id, out_path, skola, lasar, register_path):
    """Skriv en mall i Excel för en blankett, för den som hellre fyller i ett kalkylark.

    Mallen har en kolumn per fråga, med frågan som rubrik, en förklaring när en cell markeras,
    listor och kontroller för heltal och datum, och ett blad med instruktioner. Med --skola (och
    --lasar) är mallen ifylld för en skola: skolenhetskoden och läsåret står på första raden. En
    ifylld mall går att kontrollera med `validate` och läsa in med `import` som den är.

    \b
    Exempel:
      sip-backoffice template arsuppfoljning --out arsuppfoljning-mall.xlsx
      sip-backoffice template arsuppfoljning --skola 40526633 --lasar 2025/26 --out algebraskolan.xlsx
    """
    from backoffice.forms.template import school_prefill, write_template

    if not out_path.lower().endswith(".xlsx"):
        raise CliError(f"Mallen skrivs som Excel-arbetsbok: ge filen ändelsen .xlsx ({out_path}).")
    prefill = None
    if skola or lasar:
        register = register_module.load_register(register_path) if register_path and skola else None
        prefill = school_prefill(skola, lasar, register)
    with writing(out_path):
        write_template(form_id, out_path, prefill)
    who = f" för {prefill.skolnamn} ({prefill.skolenhetskod})" if prefill and prefill.skolenhetskod else ""
    click.echo(f"Skrev mallen för {load_form(form_id).title}{who} till {out_path}.")


COMMANDS = [validate_command, register_group, template]

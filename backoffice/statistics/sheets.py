"""Lay compiled statistics out as named sheets of tables: the one tabular truth both exporters write.

`workbook.py` (xlsx) and `publish.py` (Google Sheets) render exactly these sheets, cell for cell
(see `layout`); only styling, print set-up, Excel tables and charts are added on the xlsx side.
The sheets of the forms' own statistics and of every other form are in `form_sheets`. A figure of
a question the edition does not ask, or of a form it does not use, is left out (never shown as 0).
"""
from __future__ import annotations

from backoffice.statistics import arsuppfoljning, avvikelse, delaktighet, form_sheets, motesrapport, stickprov
from backoffice.statistics.about import about
from backoffice.statistics.figures import GroupStats, Statistics
from backoffice.statistics.form_sheets import chart_or_note, group_label, pick, school_group, spec_table
from backoffice.statistics.layout import DATETIME, DECIMAL, INT, NUMBER, PERCENT, TEXT, Chart, Column, Sheet, Table
from backoffice.statistics.values import local_cell, local_text, share

ANNUAL, DEVIATIONS, AUDIT = arsuppfoljning.FORM, avvikelse.FORM, stickprov.FORM
MEETINGS, SURVEY = motesrapport.FORM, delaktighet.FORM

# The sheets a workbook can have, in order (those of forms the edition does not use are left out);
# a sheet per other form follows "Delaktighet".
SHEET_NAMES = (
    "Översikt", "Per skola", "Per huvudman och område", "Avvikelser", "Stickprov", "Möten", "Möten per skola", "Delaktighet", "Saknas", "Behov", "Trend", "Om statistiken",
)


def _group_specs(label: str):
    """The columns of a table of groups: (column, its value of a group, the question it needs)."""
    return [
        (Column(label, TEXT, 30, wrap=True), lambda g: g.namn, None),
        (Column("Skolor i registret", INT, 10), lambda g: g.skolor, None),
        (Column("Inskickade", INT, 11), lambda g: g.inskickade, (ANNUAL, None)),
        (Column("Andel inskickade", PERCENT, 10, "scale"), lambda g: g.andel_inskickade, (ANNUAL, None)),
        (Column("SIP-processer initierade", INT, 11), lambda g: g.sip_initierade, (ANNUAL, "sip_initierade")),
        (Column("SIP-möten deltagit", INT, 10), lambda g: g.sip_deltagit, (ANNUAL, "sip_deltagit")),
        (Column("Elever (inskickade skolor)", INT, 11), lambda g: g.elever or None, (ANNUAL, "sip_initierade")),
        (Column("SIP per 100 elever", DECIMAL, 10), lambda g: g.sip_per_100, (ANNUAL, "sip_initierade")),
        (Column("Skolor med SIP-kunnig", INT, 10), lambda g: g.sip_kunnig_utsedd, (ANNUAL, "sip_kunnig_utsedd")),
        (Column("Skolor som utrett avvikelse", INT, 11), lambda g: g.avvikelse_utredd, (ANNUAL, "avvikelse_utredd")),
        (Column("Avvikelser utredda", INT, 10), lambda g: g.avvikelser_utredda, (ANNUAL, "avvikelser_utredda")),
        (Column("Rapporterade avvikelser", INT, 13), lambda g: g.avvikelser, (DEVIATIONS, None)),
        (Column("Granskade dokument", INT, 10), lambda g: g.stickprov_dokument, (AUDIT, None)),
        (Column("Andel uppfyllda krav", PERCENT, 10, "scale"), lambda g: g.stickprov_andel, (AUDIT, None)),
    ]


def _key_figures(stats: Statistics) -> Table:
    t, audit, left = stats.total, stats.audit, stats.total.skolor - stats.total.inskickade
    rows = [  # (what, how many, share, the question it needs)
        ("Skolor i registret", t.skolor, None, None),
        ("Skolor som skickat in", t.inskickade, t.andel_inskickade, (ANNUAL, None)),
        ("Skolor som inte skickat in", left, share(left, t.skolor), (ANNUAL, None)),
        ("SIP-processer initierade", t.sip_initierade, None, (ANNUAL, "sip_initierade")),
        ("SIP-möten deltagit i (utöver egna)", t.sip_deltagit, None, (ANNUAL, "sip_deltagit")),
        ("SIP-processer per 100 elever", t.sip_per_100, None, (ANNUAL, "sip_initierade")),
        ("Skolor med utsedd SIP-kunnig", t.sip_kunnig_utsedd, share(t.sip_kunnig_utsedd, t.inskickade),
         (ANNUAL, "sip_kunnig_utsedd")),
        ("Skolor som utrett avvikelse", t.avvikelse_utredd, share(t.avvikelse_utredd, t.inskickade),
         (ANNUAL, "avvikelse_utredd")),
        ("Avvikelser utredda av skolorna", t.avvikelser_utredda, None, (ANNUAL, "avvikelser_utredda")),
        ("Rapporterade avvikelser", stats.deviations.totalt, None, (DEVIATIONS, None)),
        ("Granskade SIP-dokument (stickprov)", audit.dokument, None, (AUDIT, None)),
        ("Uppfyllda dokumentationskrav", audit.uppfyllda, audit.andel, (AUDIT, None)),
        ("Dokument som uppfyller alla krav", audit.helt_uppfyllda, share(audit.helt_uppfyllda, audit.dokument),
         (AUDIT, None)),
        ("Rapporterade SIP-möten", stats.meetings.moten, None, (MEETINGS, None)),
        ("Svar på enkäten om delaktighet", stats.survey.svar if stats.survey else 0, None, (SURVEY, None)),
    ]
    return Table("Nyckeltal", [Column("Mått", TEXT, 40), Column("Antal", NUMBER, 10), Column("Andel", PERCENT, 10)],
                 [[what, count, part] for what, count, part, need in rows if _asked(stats, need)], title="Nyckeltal")


def _asked(stats: Statistics, need) -> bool:
    return need is None or stats.asks(*need)


def _overview(stats: Statistics) -> Sheet:
    tables, charts, notes = [_key_figures(stats)], [], []
    if stats.asks(DEVIATIONS):
        categories = Table("AvvikelserKategoriOversikt", [Column("Kategori", TEXT, 40), Column("Antal", INT, 10)],
                           [[c.namn, c.antal] for c in stats.deviations.per_kategori], title="Avvikelser per kategori")
        tables.append(categories)
        chart_or_note(charts, notes, Chart("Avvikelser per kategori", categories.name, [1], "bar"),
                      stats.deviations.totalt, "Inga avvikelser har rapporterats för läsåret.")
    if stats.asks(ANNUAL):
        label = group_label(stats)
        submitted = Table("InskickatOversikt", [Column(label, TEXT, 40, wrap=True), Column("Inskickade", INT, 11),
                                                Column("Saknas", INT, 10)],
                          [[g.namn, g.inskickade, g.skolor - g.inskickade] for g in stats.groups],
                          title=f"Inskickat per {label.lower()}")
        tables.append(submitted)
        charts.append(Chart(f"Inskickat per {label.lower()}", submitted.name, [1, 2], "bar"))
    heading = [f"SIP-uppföljning läsår {stats.lasar}", f"Sammanställd {local_text(stats.compiled_at)}",
               "Källor: " + ("; ".join(stats.sources) if stats.sources else "inga angivna"), *notes]
    return Sheet("Översikt", tables, heading=heading, charts=charts)


def _per_school(stats: Statistics) -> Sheet:
    specs = pick(stats, [
        (Column("Skolenhetskod", TEXT, 14), lambda s: s.skolenhetskod, None),
        (Column("Skolnamn", TEXT, 28, wrap=True), lambda s: s.skolnamn, None),
        (Column("Huvudman", TEXT, 24, wrap=True), lambda s: s.huvudman, None),
        (Column("Huvudmannatyp", TEXT, 14), lambda s: s.huvudmannatyp, None),
        (Column(school_group(stats), TEXT, 14, wrap=True), lambda s: s.omrade, None),
        (Column("Status", TEXT, 10, "missing"), lambda s: s.status, (ANNUAL, None)),
        (Column("Elever F–9", INT, 8), lambda s: s.elever, None),
        (Column("SIP-processer initierade", INT, 11, "bar"), lambda s: s.sip_initierade, (ANNUAL, "sip_initierade")),
        (Column("SIP-möten deltagit", INT, 10), lambda s: s.sip_deltagit, (ANNUAL, "sip_deltagit")),
        (Column("SIP per 100 elever", DECIMAL, 10, "bar"), lambda s: s.sip_per_100, (ANNUAL, "sip_initierade")),
        (Column("Utrett avvikelse", TEXT, 9), lambda s: s.avvikelse_utredd, (ANNUAL, "avvikelse_utredd")),
        (Column("Avvikelser utredda", INT, 10), lambda s: s.avvikelser_utredda, (ANNUAL, "avvikelser_utredda")),
        (Column("SIP-kunnig utsedd", TEXT, 9), lambda s: s.sip_kunnig_utsedd, (ANNUAL, "sip_kunnig_utsedd")),
        (Column("Rapporterade avvikelser", INT, 13, "bar"), lambda s: s.avvikelser, (DEVIATIONS, None)),
        (Column("Granskade dokument", INT, 10), lambda s: s.stickprov_dokument, (AUDIT, None)),
        (Column("Uppfyllda krav", INT, 10), lambda s: s.stickprov_uppfyllda if s.stickprov_dokument else None,
         (AUDIT, None)),
        (Column("Andel uppfyllda krav", PERCENT, 10, "scale"), lambda s: s.stickprov_andel, (AUDIT, None)),
        (Column("Mottagen (svensk tid)", DATETIME, 16), lambda s: local_cell(s.mottagen), (ANNUAL, None)),
    ])
    return Sheet("Per skola", [spec_table("PerSkola", specs, stats.schools)], freeze_columns=2)


def _per_group(stats: Statistics) -> Sheet:
    label = group_label(stats)

    def table(name: str, first: str, groups: list[GroupStats], title: str) -> Table:
        return spec_table(name, pick(stats, _group_specs(first)), groups, title=title)

    # The whole administration first: a total never ends up alone at the bottom of a page.
    return Sheet("Per huvudman och område", [
        table("HelaForvaltningen", "Hela förvaltningen", [stats.total], "Totalt"),
        table("PerGrupp", label, stats.groups, f"Per {label.lower()}"),
        table("PerHuvudman", "Huvudman", stats.by_huvudman, "Per huvudman"),
    ])


def _missing(stats: Statistics) -> Sheet:
    columns = [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36, wrap=True),
               Column("Huvudman", TEXT, 30, wrap=True), Column("Huvudmannatyp", TEXT, 14),
               Column(school_group(stats), TEXT, 18, wrap=True), Column("Elever F–9", INT, 10)]
    rows = [[s.skolenhetskod, s.skolnamn, s.huvudman, s.huvudmannatyp, s.omrade, s.elever] for s in stats.missing]
    return Sheet("Saknas", [Table("Saknas", columns, rows)], freeze_columns=2)


def _needs(stats: Statistics) -> Sheet:
    columns = [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 28, wrap=True),
               Column(school_group(stats), TEXT, 14, wrap=True),
               Column("Vad skolan behöver för att alla barn med behov ska få en SIP", TEXT, 70, wrap=True),
               Column("Grupp (fyll i själv)", TEXT, 14)]
    rows = [[s.skolenhetskod, s.skolnamn, s.omrade, s.behov, None] for s in stats.needs]
    return Sheet("Behov", [Table("Behov", columns, rows)], freeze_columns=2)


def _trend(stats: Statistics) -> Sheet:
    specs = pick(stats, [
        (Column("Läsår", TEXT, 10), lambda t: t.lasar, None),
        (Column("Skolor i registret", INT, 10), lambda t: t.skolor, None),
        (Column("Inskickade", INT, 11), lambda t: t.inskickade, (ANNUAL, None)),
        (Column("Andel inskickade", PERCENT, 10), lambda t: t.andel_inskickade, (ANNUAL, None)),
        (Column("SIP-processer initierade", INT, 11), lambda t: t.sip_initierade, (ANNUAL, "sip_initierade")),
        (Column("SIP-möten deltagit", INT, 10), lambda t: t.sip_deltagit, (ANNUAL, "sip_deltagit")),
        (Column("Skolor med SIP-kunnig", INT, 10), lambda t: t.sip_kunnig_utsedd, (ANNUAL, "sip_kunnig_utsedd")),
        (Column("Rapporterade avvikelser", INT, 13), lambda t: t.avvikelser, (DEVIATIONS, None)),
        (Column("Granskade dokument", INT, 10), lambda t: t.stickprov_dokument, (AUDIT, None)),
        (Column("Andel uppfyllda krav", PERCENT, 10), lambda t: t.stickprov_andel, (AUDIT, None)),
    ])
    table = spec_table("Trend", specs, stats.trend)
    heading = ["Läsår för läsår, så långt lagret räcker."]
    titles = [c.title for c in table.columns]
    lines = [titles.index(t) for t in ("SIP-processer initierade", "Rapporterade avvikelser") if t in titles]
    charts = []
    if len(stats.trend) < 2:
        heading.append("Lagret har bara ett läsår: trenden syns när fler läsår har skickats in.")
    elif lines:
        charts.append(Chart("SIP-processer och avvikelser per läsår", "Trend", lines, "line"))
    return Sheet("Trend", [table], heading=heading, charts=charts)


def build_sheets(stats: Statistics) -> list[Sheet]:
    """Every sheet of the workbook, in order: those of SHEET_NAMES the edition has, and one per other form."""
    taken = set(SHEET_NAMES)
    sheets = [_overview(stats), _per_school(stats), _per_group(stats)]
    if stats.asks(DEVIATIONS):
        sheets.append(form_sheets.deviations(stats))
    if stats.asks(AUDIT):
        sheets.append(form_sheets.audit(stats))
    if stats.asks(MEETINGS):
        sheets += form_sheets.meetings(stats)
    if stats.asks(SURVEY):
        sheets.append(form_sheets.survey(stats))
    sheets += [form_sheets.other_form(stats, counts, taken) for counts in stats.other_forms]
    if stats.asks(ANNUAL):
        sheets.append(_missing(stats))
    if stats.asks(ANNUAL, "behov"):
        sheets.append(_needs(stats))
    sheets += [_trend(stats), about(stats)]
    footer = f"Sammanställd {local_text(stats.compiled_at)}"
    for sheet in sheets:
        sheet.footer = footer
    return sheets

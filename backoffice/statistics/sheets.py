"""Lay compiled statistics out as named sheets of tables: the one tabular truth both exporters write.

`workbook.py` (xlsx) and `publish.py` (Google Sheets) render exactly these sheets, cell for cell
(see `layout`); only styling, Excel tables and charts are added on the xlsx side. The sheets of
the forms' own statistics and of every other form are in `form_sheets`.
"""
from __future__ import annotations

from typing import Any

from backoffice.statistics import form_sheets
from backoffice.statistics.figures import GroupStats, Statistics
from backoffice.statistics.form_sheets import group_label, school_group
from backoffice.statistics.layout import DECIMAL, INT, NUMBER, PERCENT, TEXT, Chart, Column, Sheet, Table
from backoffice.statistics.values import share

# The sheets every workbook has, in order; a sheet per other form follows "Delaktighet".
SHEET_NAMES = (
    "Översikt", "Per skola", "Per huvudman och område", "Avvikelser", "Stickprov", "Möten", "Delaktighet",
    "Saknas", "Behov", "Trend", "Om statistiken",
)


def _group_columns(label: str) -> list[Column]:
    return [
        Column(label, TEXT, 34),
        Column("Skolor i registret", INT, 11),
        Column("Inskickade", INT, 11),
        Column("Andel inskickade", PERCENT, 11, "scale"),
        Column("SIP-processer initierade", INT, 13),
        Column("SIP-möten deltagit", INT, 12),
        Column("Elever (inskickade skolor)", INT, 13),
        Column("SIP per 100 elever", DECIMAL, 11),
        Column("Skolor med SIP-kunnig", INT, 12),
        Column("Skolor som utrett avvikelse", INT, 13),
        Column("Avvikelser utredda", INT, 11),
        Column("Rapporterade avvikelser", INT, 12),
        Column("Granskade dokument", INT, 11),
        Column("Andel uppfyllda krav", PERCENT, 11, "scale"),
    ]


def _group_row(g: GroupStats) -> list[Any]:
    return [
        g.namn, g.skolor, g.inskickade, g.andel_inskickade, g.sip_initierade, g.sip_deltagit,
        g.elever or None, g.sip_per_100, g.sip_kunnig_utsedd, g.avvikelse_utredd,
        g.avvikelser_utredda, g.avvikelser, g.stickprov_dokument, g.stickprov_andel,
    ]


def _overview(stats: Statistics) -> Sheet:
    t = stats.total
    audit = stats.audit
    figures = Table("Nyckeltal", [Column("Mått", TEXT, 46), Column("Antal", NUMBER, 12),
                                  Column("Andel", PERCENT, 10)], [
        ["Skolor i registret", t.skolor, None],
        ["Skolor som skickat in", t.inskickade, t.andel_inskickade],
        ["Skolor som inte skickat in", t.skolor - t.inskickade,
         share(t.skolor - t.inskickade, t.skolor)],
        ["SIP-processer initierade", t.sip_initierade, None],
        ["SIP-möten deltagit i (utöver egna)", t.sip_deltagit, None],
        ["SIP-processer per 100 elever", t.sip_per_100, None],
        ["Skolor med utsedd SIP-kunnig", t.sip_kunnig_utsedd,
         share(t.sip_kunnig_utsedd, t.inskickade)],
        ["Skolor som utrett avvikelse", t.avvikelse_utredd,
         share(t.avvikelse_utredd, t.inskickade)],
        ["Avvikelser utredda av skolorna", t.avvikelser_utredda, None],
        ["Rapporterade avvikelser", stats.deviations.totalt, None],
        ["Granskade SIP-dokument (stickprov)", audit.dokument, None],
        ["Uppfyllda dokumentationskrav", audit.uppfyllda, audit.andel],
        ["Dokument som uppfyller alla krav", audit.helt_uppfyllda,
         share(audit.helt_uppfyllda, audit.dokument)],
    ], title="Nyckeltal")
    categories = Table("AvvikelserKategoriOversikt", [Column("Kategori", TEXT, 46), Column("Antal", INT, 12)],
                       [[c.namn, c.antal] for c in stats.deviations.per_kategori],
                       title="Avvikelser per kategori")
    label = group_label(stats)
    submitted = Table("InskickatOversikt", [Column(label, TEXT, 46), Column("Inskickade", INT, 12),
                                            Column("Saknas", INT, 10)],
                      [[g.namn, g.inskickade, g.skolor - g.inskickade] for g in stats.groups],
                      title=f"Inskickat per {label.lower()}")
    heading = [
        f"SIP-uppföljning läsår {stats.lasar}",
        f"Sammanställd {stats.compiled_at.strftime('%Y-%m-%d %H:%M')} UTC",
        "Källor: " + ("; ".join(stats.sources) if stats.sources else "inga angivna"),
    ]
    return Sheet("Översikt", [figures, categories, submitted], heading=heading, charts=[
        Chart("Avvikelser per kategori", categories.name, [1], "bar"),
        Chart(f"Inskickat per {label.lower()}", submitted.name, [1, 2], "bar"),
    ])


def _per_school(stats: Statistics) -> Sheet:
    columns = [
        Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36), Column("Huvudman", TEXT, 30),
        Column("Huvudmannatyp", TEXT, 14), Column(school_group(stats), TEXT, 18),
        Column("Status", TEXT, 11, "missing"), Column("Elever F–9", INT, 10),
        Column("SIP-processer initierade", INT, 13, "bar"), Column("SIP-möten deltagit", INT, 12),
        Column("SIP per 100 elever", DECIMAL, 11, "bar"), Column("Utrett avvikelse", TEXT, 10),
        Column("Avvikelser utredda", INT, 11), Column("SIP-kunnig utsedd", TEXT, 10),
        Column("Rapporterade avvikelser", INT, 12, "bar"), Column("Granskade dokument", INT, 11),
        Column("Uppfyllda krav", INT, 10), Column("Andel uppfyllda krav", PERCENT, 11, "scale"),
        Column("Mottagen", TEXT, 21),
    ]
    rows = [[
        s.skolenhetskod, s.skolnamn, s.huvudman, s.huvudmannatyp, s.omrade, s.status, s.elever,
        s.sip_initierade, s.sip_deltagit, s.sip_per_100, s.avvikelse_utredd, s.avvikelser_utredda,
        s.sip_kunnig_utsedd, s.avvikelser, s.stickprov_dokument,
        s.stickprov_uppfyllda if s.stickprov_dokument else None, s.stickprov_andel, s.mottagen or None,
    ] for s in stats.schools]
    return Sheet("Per skola", [Table("PerSkola", columns, rows)], freeze_columns=2)


def _per_group(stats: Statistics) -> Sheet:
    label = group_label(stats)
    return Sheet("Per huvudman och område", [
        Table("PerGrupp", _group_columns(label), [_group_row(g) for g in stats.groups],
              title=f"Per {label.lower()}"),
        Table("PerHuvudman", _group_columns("Huvudman"), [_group_row(g) for g in stats.by_huvudman],
              title="Per huvudman"),
        Table("HelaForvaltningen", _group_columns("Hela förvaltningen"), [_group_row(stats.total)],
              title="Totalt"),
    ])

def _missing(stats: Statistics) -> Sheet:
    columns = [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36), Column("Huvudman", TEXT, 30),
               Column("Huvudmannatyp", TEXT, 14), Column(school_group(stats), TEXT, 18),
               Column("Elever F–9", INT, 10)]
    rows = [[s.skolenhetskod, s.skolnamn, s.huvudman, s.huvudmannatyp, s.omrade, s.elever] for s in stats.missing]
    return Sheet("Saknas", [Table("Saknas", columns, rows)], freeze_columns=2)


def _needs(stats: Statistics) -> Sheet:
    columns = [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36),
               Column(school_group(stats), TEXT, 18),
               Column("Vad skolan behöver för att alla barn med behov ska få en SIP", TEXT, 90, wrap=True),
               Column("Grupp (fyll i själv)", TEXT, 20)]
    rows = [[s.skolenhetskod, s.skolnamn, s.omrade, s.behov, None] for s in stats.needs]
    return Sheet("Behov", [Table("Behov", columns, rows)], freeze_columns=2)


def _trend(stats: Statistics) -> Sheet:
    columns = [Column("Läsår", TEXT, 10), Column("Skolor i registret", INT, 11), Column("Inskickade", INT, 11),
               Column("Andel inskickade", PERCENT, 11), Column("SIP-processer initierade", INT, 13),
               Column("SIP-möten deltagit", INT, 12), Column("Skolor med SIP-kunnig", INT, 12),
               Column("Rapporterade avvikelser", INT, 12), Column("Granskade dokument", INT, 11),
               Column("Andel uppfyllda krav", PERCENT, 11)]
    rows = [[t.lasar, t.skolor, t.inskickade, t.andel_inskickade, t.sip_initierade, t.sip_deltagit,
             t.sip_kunnig_utsedd, t.avvikelser, t.stickprov_dokument, t.stickprov_andel] for t in stats.trend]
    heading = ["Läsår för läsår, så långt lagret räcker."]
    if len(stats.trend) < 2:
        heading.append("Lagret har bara ett läsår: trenden syns när fler läsår har skickats in.")
    return Sheet("Trend", [Table("Trend", columns, rows)], heading=heading,
                 charts=[Chart("SIP-processer och avvikelser per läsår", "Trend", [4, 7], "line")]
                 if len(stats.trend) >= 2 else [])


DEFINITIONS = [
    ("Skolor i registret", "Skolenheterna i skolregistret (Skolverkets skolenhetsstatistik, data/skolor.csv)."),
    ("Inskickad", "Skolan har lämnat årsuppföljningen för läsåret. Har skolan skickat in flera gånger räknas "
                  "bara den senaste versionen."),
    ("Saknas", "Skolan finns i registret men har inte lämnat årsuppföljningen för läsåret."),
    ("SIP-processer initierade", "Summan av skolornas svar på frågan hur många SIP-processer de har initierat "
                                 "under läsåret."),
    ("SIP-möten deltagit", "SIP-möten som skolan deltagit i utöver de processer den själv initierat."),
    ("Elever F–9", "Elever i förskoleklass och årskurs 1–9 enligt Skolverket. Tomt när Skolverket inte redovisar "
                   "antalet (. eller ..)."),
    ("SIP per 100 elever", "Initierade SIP-processer per 100 elever. För en grupp räknas bara inskickade skolor "
                           "med känt elevantal, både i täljare och nämnare."),
    ("Rapporterade avvikelser", "Avvikelser rapporterade i avvikelseblanketten, räknade till läsåret efter sitt "
                                "datum (läsåret börjar 1 juli). Varje rapport räknas."),
    ("Berörd verksamhet", "En avvikelse kan beröra flera verksamheter och räknas då under var och en."),
    ("Avvikelser utredda", "Skolornas eget svar i årsuppföljningen om hur många avvikelser de har utrett."),
    ("Granskade dokument", "SIP-dokument som granskats i stickprovet. Bara den senaste versionen av varje "
                           "dokument räknas."),
    ("Andel uppfyllda krav", "Uppfyllda krav delat med kontrollerade krav (dokument × dokumentationskrav)."),
    ("Behov", "Skolornas fritextsvar, ordagrant. Texten är skriven som text och räknas aldrig som formel."),
    ("Rapporterade möten", "SIP-möten rapporterade i mötesrapporten, räknade till läsåret efter mötets datum. "
                           "Möten utanför skolan redovisas per organisation och ingår i totalen."),
    ("Andel av mötena", "Möten där svaret var det angivna (till exempel att barnet deltog i mötet) delat med "
                        "alla rapporterade möten i gruppen."),
    ("Delaktighet", "Anonyma svar från barn, unga och vårdnadshavare efter ett möte, 1 (stämmer inte alls) till 5 "
                    "(stämmer helt). Medelvärdet visas bara när minst fem har svarat."),
    ("Trend", "Samma mått läsår för läsår, så långt lagret räcker. Antalet skolor i registret är dagens "
              "register för alla läsår."),
    ("Område", "Området enligt den områdesfil samordnaren angav. Utan områdesfil grupperas skolorna efter "
               "huvudmannatyp (kommunal eller enskild)."),
]
# Shown when forms/ has forms without statistics of their own.
OTHER_FORMS = ("Övriga blanketter", "Blanketter utan egen statistik räknas ur sitt schema: antal svar per skola, "
                                    "grupp och organisation, svar per alternativ i fält med fasta alternativ och "
                                    "summan av fält med heltal. Bara den senaste versionen av ett svar räknas.")


def _about(stats: Statistics) -> Sheet:
    definitions = Table("Definitioner", [Column("Begrepp", TEXT, 28), Column("Förklaring", TEXT, 100, wrap=True)],
                        [list(d) for d in DEFINITIONS] + ([list(OTHER_FORMS)] if stats.other_forms else []),
                        title="Definitioner")
    requirements = Table("Dokumentationskrav", [Column("Fält", TEXT, 28), Column("Krav", TEXT, 100)],
                         [[r.field, r.title] for r in stats.audit.per_krav],
                         title="Dokumentationskrav i stickprovet (från blankettens schema)")
    sources = Table("Kallor", [Column("Källa", TEXT, 28), Column("Beskrivning", TEXT, 100, wrap=True)],
                    [["Underlag", s] for s in stats.sources] + [
                        ["Skolregistret", "data/skolor.csv, från Skolverkets export Grundskolan – Antal elever "
                                          "per årskurs."],
                        ["Sammanställd", f"{stats.compiled_at.strftime('%Y-%m-%d %H:%M')} UTC"],
                        ["Gruppering", "Område enligt mappningsfil" if stats.grouping == "område"
                         else "Huvudmannatyp enligt skolregistret (ingen områdesfil angavs)"],
                    ] + [[f"Utanför registret ({form})", f"{n} rader gällde skolor som inte finns i registret och "
                                                         "räknades inte."]
                         for form, n in sorted(stats.outside_register.items()) if n],
                    title="Källor")
    return Sheet("Om statistiken", [definitions, requirements, sources],
                 heading=[f"Om statistiken för läsår {stats.lasar}"])


def build_sheets(stats: Statistics) -> list[Sheet]:
    """Every sheet of the workbook, in order: those of SHEET_NAMES, and one per other form after Delaktighet."""
    taken = set(SHEET_NAMES)
    return [_overview(stats), _per_school(stats), _per_group(stats), form_sheets.deviations(stats),
            form_sheets.audit(stats), form_sheets.meetings(stats), form_sheets.survey(stats),
            *(form_sheets.other_form(stats, counts, taken) for counts in stats.other_forms),
            _missing(stats), _needs(stats), _trend(stats), _about(stats)]

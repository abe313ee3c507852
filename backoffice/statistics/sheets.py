"""Lay compiled statistics out as named sheets of tables: the one tabular truth both exporters write.

`workbook.py` (xlsx) and `publish.py` (Google Sheets) render exactly these sheets, cell for cell,
via `sheet_grid`; only styling, Excel tables and charts are added on the xlsx side.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from backoffice.statistics.aggregates import protect
from backoffice.statistics.compiler import AUDIENCES, MEETING_FLAGS, MIN_ANSWERS, GroupStats, MeetingStats, Statistics, share

# Column kinds: how a value is typed and formatted.
TEXT, INT, PERCENT, DECIMAL, NUMBER = "text", "int", "percent", "decimal", "number"

SHEET_NAMES = (
    "Översikt", "Per skola", "Per huvudman och område", "Avvikelser", "Stickprov", "Möten", "Delaktighet",
    "Saknas", "Behov", "Trend", "Om statistiken",
)


@dataclass
class Column:
    """One column of a table: its Swedish header, kind and readable width (characters)."""

    title: str
    kind: str = TEXT
    width: int = 14
    # Conditional formatting on a key column: "missing" (status), "scale" (a share), "bar" (a count).
    highlight: str | None = None
    wrap: bool = False


@dataclass
class Table:
    """A titled block of rows; `name` is the Excel table's name (unique, no spaces)."""

    name: str
    columns: list[Column]
    rows: list[list[Any]]
    title: str | None = None
    excel_table: bool = True


@dataclass
class Chart:
    """A chart of one table's columns (values) against its first column (labels)."""

    title: str
    table: str
    values: list[int]  # column indexes (0-based) of the series
    kind: str = "bar"  # "bar" (horizontal), "col" (vertical), "line"
    y_title: str = "Antal"
    percent: bool = False


@dataclass
class Sheet:
    """One worksheet: heading lines, then its tables one under the other, then its charts."""

    name: str
    tables: list[Table]
    heading: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # Freeze the header row and this many leading columns (only for a sheet whose table starts at A1).
    freeze_columns: int | None = None


@dataclass
class Placement:
    """Where a table landed on its sheet (1-based rows and columns, header row included)."""

    header_row: int
    first_row: int
    last_row: int
    columns: int


# Control characters no spreadsheet cell may hold (the same set openpyxl refuses).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: Any) -> Any:
    """A value as it goes into a cell: text without control characters, numbers as numbers."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        # xlsx stores at most 16-17 significant digits and rounds the last one differently from
        # JSON: ten decimals keep every figure exact enough and identical in both exports.
        return round(value, 10)
    return value


def sheet_grid(sheet: Sheet) -> tuple[list[list[Any]], dict[str, Placement]]:
    """The sheet's cells as rows of values, and where each table sits in them."""
    grid: list[list[Any]] = [[line] for line in sheet.heading]
    if sheet.heading:
        grid.append([])
    placements = {}
    for index, table in enumerate(sheet.tables):
        if index:
            grid.append([])
        if table.title:
            grid.append([table.title])
        grid.append([c.title for c in table.columns])
        header_row = len(grid)
        grid.extend([cell_value(v) for v in row] for row in table.rows)
        placements[table.name] = Placement(header_row, header_row + 1, len(grid), len(table.columns))
    return grid, placements


# ---------------------------------------------------------------- building the sheets

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
    label = "Område" if stats.grouping == "område" else "Huvudmannatyp"
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
        Column("Huvudmannatyp", TEXT, 14), Column("Område" if stats.grouping == "område" else "Grupp", TEXT, 18),
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
    label = "Område" if stats.grouping == "område" else "Huvudmannatyp"
    return Sheet("Per huvudman och område", [
        Table("PerGrupp", _group_columns(label), [_group_row(g) for g in stats.groups],
              title=f"Per {label.lower()}"),
        Table("PerHuvudman", _group_columns("Huvudman"), [_group_row(g) for g in stats.by_huvudman],
              title="Per huvudman"),
        Table("HelaForvaltningen", _group_columns("Hela förvaltningen"), [_group_row(stats.total)],
              title="Totalt"),
    ])


def _deviations(stats: Statistics) -> Sheet:
    d = stats.deviations
    total = d.totalt

    def pct(n):
        return share(n, total)

    categories = Table("AvvikelserKategori", [Column("Kategori", TEXT, 40), Column("Antal", INT, 10),
                                              Column("Andel", PERCENT, 10)],
                       [[c.namn, c.antal, pct(c.antal)] for c in d.per_kategori], title="Per kategori")
    organisations = Table("AvvikelserVerksamhet", [Column("Berörd verksamhet", TEXT, 40), Column("Antal", INT, 10),
                                                   Column("Andel av avvikelserna", PERCENT, 10)],
                          [[c.namn, c.antal, pct(c.antal)] for c in d.per_verksamhet],
                          title="Per berörd verksamhet (en avvikelse kan beröra flera)")
    months = Table("AvvikelserManad", [Column("Månad", TEXT, 40), Column("Antal", INT, 10)],
                   [[c.namn, c.antal] for c in d.per_manad], title="Per månad")
    orgs = [c.namn for c in d.per_verksamhet]
    matrix = Table("AvvikelserKategoriVerksamhet",
                   [Column("Kategori", TEXT, 40)] + [Column(o, INT, 10) for o in orgs],
                   [[c] + [d.kategori_verksamhet.get(c, {}).get(o, 0) for o in orgs] for c in d.kategori_verksamhet],
                   title="Kategori och berörd verksamhet")
    handling = Table("AvvikelserHantering", [Column("Hantering", TEXT, 40), Column("Antal", INT, 10),
                                              Column("Andel", PERCENT, 10)], [
        ["Löst i chefslinjen: ja", d.lost_i_chefslinjen["ja"], pct(d.lost_i_chefslinjen["ja"])],
        ["Löst i chefslinjen: pågår", d.lost_i_chefslinjen["pågår"], pct(d.lost_i_chefslinjen["pågår"])],
        ["Löst i chefslinjen: nej", d.lost_i_chefslinjen["nej"], pct(d.lost_i_chefslinjen["nej"])],
        ["Händelseanalys gjord", d.handelseanalys, pct(d.handelseanalys)],
        ["Rapporterad i MedControl", d.rapporterad_medcontrol, pct(d.rapporterad_medcontrol)],
    ], title="Hantering")
    return Sheet("Avvikelser", [categories, organisations, months, matrix, handling],
                 heading=[f"Rapporterade avvikelser läsår {stats.lasar}: {total}"],
                 charts=[Chart("Avvikelser per månad", months.name, [1], "col"),
                         Chart("Avvikelser per berörd verksamhet", organisations.name, [1], "bar")])


def _audit(stats: Statistics) -> Sheet:
    a = stats.audit
    overall = Table("StickprovTotalt", [Column("Mått", TEXT, 46), Column("Antal", INT, 12),
                                        Column("Andel", PERCENT, 10)], [
        ["Granskade dokument", a.dokument, None],
        ["Kontrollerade krav (dokument × krav)", a.kontroller, None],
        ["Uppfyllda krav", a.uppfyllda, a.andel],
        ["Dokument som uppfyller alla krav", a.helt_uppfyllda,
         share(a.helt_uppfyllda, a.dokument)],
    ] + [[f"Ärendetyp: {c.namn}", c.antal, share(c.antal, a.dokument)]
         for c in a.per_arendetyp], title="Totalt")
    per_requirement = Table("StickprovKrav", [Column("Krav", TEXT, 46), Column("Granskade", INT, 12),
                                              Column("Uppfyllda", INT, 10), Column("Andel uppfyllda", PERCENT, 10, "scale")],
                            [[r.title, r.granskade, r.uppfyllda, r.andel] for r in a.per_krav],
                            title="Per dokumentationskrav")
    per_school = Table("StickprovSkola", [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36),
                                          Column("Granskade dokument", INT, 12), Column("Kontrollerade krav", INT, 12),
                                          Column("Uppfyllda krav", INT, 12), Column("Andel uppfyllda", PERCENT, 10, "scale")],
                       [[s.skolenhetskod, s.skolnamn, s.stickprov_dokument, s.stickprov_kontroller,
                         s.stickprov_uppfyllda, s.stickprov_andel] for s in stats.schools if s.stickprov_dokument],
                       title="Per skola (skolor med granskade dokument)")
    return Sheet("Stickprov", [overall, per_requirement, per_school],
                 heading=[f"Stickprov i SIP-dokumentationen läsår {stats.lasar}"],
                 charts=[Chart("Andel uppfyllda per krav", per_requirement.name, [3], "bar",
                               y_title="Andel", percent=True)])


# The meeting figures' Swedish names, in MEETING_FLAGS order.
MEETING_LABELS = {
    "barnet_i_motet": "Barnet deltog i mötet",
    "barnet_annat": "Barnet delaktigt på annat sätt",
    "alla_deltog": "Alla kallade deltog",
    "inom_tre_veckor": "Mötet inom tre veckor",
    "uppfoljning_bokad": "Uppföljning bokad",
}
SUPPRESSED_TEXT = ".."


def _meeting_columns(label: str, width: int = 34) -> list[Column]:
    return [Column(label, TEXT, width), Column("Rapporterade möten", INT, 12, "bar")] + [
        Column(f"Andel: {MEETING_LABELS[a].lower()}", PERCENT, 13, "scale") for a, _, _ in MEETING_FLAGS]


def _meeting_row(m: MeetingStats) -> list[Any]:
    return [m.namn, m.moten] + [m.andel(a) for a, _, _ in MEETING_FLAGS]


def _meetings(stats: Statistics) -> Sheet:
    m = stats.meetings
    outside = sum(o.moten for o in stats.meetings_by_organisation)
    overall = Table("MotenTotalt", [Column("Mått", TEXT, 46), Column("Antal", INT, 12), Column("Andel", PERCENT, 10)], [
        ["Rapporterade SIP-möten", m.moten, None],
        ["Möten som skolor rapporterat", m.moten - outside, share(m.moten - outside, m.moten)],
        ["Möten utanför skolan", outside, share(outside, m.moten)],
        ["Barnet delaktigt (i mötet eller på annat sätt)", m.barnet_delaktigt, share(m.barnet_delaktigt, m.moten)],
    ] + [[MEETING_LABELS[a], getattr(m, a), m.andel(a)] for a, _, _ in MEETING_FLAGS], title="Totalt")
    label = "Område" if stats.grouping == "område" else "Huvudmannatyp"
    per_group = Table("MotenPerGrupp", _meeting_columns(label), [_meeting_row(g) for g in stats.meetings_by_group],
                      title=f"Per {label.lower()}")
    per_school = Table("MotenPerSkola", [Column("Skolenhetskod", TEXT, 14)] + _meeting_columns("Skolnamn", 36),
                       [[s.skolenhetskod] + _meeting_row(s) for s in stats.meetings_by_school],
                       title="Per skola (skolor som rapporterat möten)")
    per_org = Table("MotenPerOrganisation", _meeting_columns("Organisation utanför skolan"),
                    [_meeting_row(o) for o in stats.meetings_by_organisation],
                    title="Möten utanför skolan, per organisation")
    return Sheet("Möten", [overall, per_group, per_school, per_org],
                 heading=[f"Rapporterade SIP-möten läsår {stats.lasar}: {m.moten}"],
                 charts=[Chart("Andel av mötena", overall.name, [2], "bar", y_title="Andel", percent=True)])


def _averages(item) -> list[Any]:
    """A statement's averages (all, then each kind of respondent) as the sheet shows them.

    `..` from 1 to MIN_ANSWERS−1 answers, empty from none. The children's and the guardians'
    answers make up all answers, so when one group's average is hidden the other's is too: else
    the hidden one follows from the two shown (all × n − guardians × n, divided by the rest).
    """
    answers = {"alla": item.alla, **{a: item.per_svarande[a] for a in AUDIENCES}}
    hidden = protect({k: v.antal for k, v in answers.items()}, [("alla", list(AUDIENCES))], MIN_ANSWERS)
    return [None if not answers[k].antal else SUPPRESSED_TEXT if k in hidden else answers[k].summa / answers[k].antal
            for k in answers]


def _survey(stats: Statistics) -> Sheet:
    survey = stats.survey
    statements = survey.pastaenden if survey else []
    columns = [Column("Påstående", TEXT, 46), Column("Svar", INT, 10), Column("Medelvärde (1–5)", DECIMAL, 12)]
    for audience in AUDIENCES:
        columns += [Column(f"Svar: {audience}", INT, 12), Column(f"Medelvärde: {audience}", DECIMAL, 14)]
    rows = []
    for item in statements:
        averages = _averages(item)
        row = [item.title, item.alla.antal, averages[0]]
        for audience, average in zip(AUDIENCES, averages[1:]):
            row += [item.per_svarande[audience].antal, average]
        rows.append(row)
    per_audience = ", ".join(f"{a} {n}" for a, n in (survey.per_svarande.items() if survey else []))
    heading = [f"Enkäten om delaktighet efter SIP-möten, läsår {stats.lasar}: {survey.svar if survey else 0} svar"
               + (f" ({per_audience})" if per_audience else ""),
               f"Svaren går från 1 (stämmer inte alls) till 5 (stämmer helt). Ett medelvärde visas bara när "
               f"minst {MIN_ANSWERS} har svarat, annars står det {SUPPRESSED_TEXT} (två punkter). Döljs den ena "
               "gruppens medelvärde döljs också den andras, så att det dolda inte kan räknas fram ur det totala."]
    table = Table("DelaktighetPastaenden", columns, rows, title="Per påstående")
    return Sheet("Delaktighet", [table], heading=heading,
                 charts=[Chart("Medelvärde per påstående", table.name, [2], "bar", y_title="Medelvärde")])


def _missing(stats: Statistics) -> Sheet:
    columns = [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36), Column("Huvudman", TEXT, 30),
               Column("Huvudmannatyp", TEXT, 14), Column("Område" if stats.grouping == "område" else "Grupp", TEXT, 18),
               Column("Elever F–9", INT, 10)]
    rows = [[s.skolenhetskod, s.skolnamn, s.huvudman, s.huvudmannatyp, s.omrade, s.elever] for s in stats.missing]
    return Sheet("Saknas", [Table("Saknas", columns, rows)], freeze_columns=2)


def _needs(stats: Statistics) -> Sheet:
    columns = [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36),
               Column("Område" if stats.grouping == "område" else "Grupp", TEXT, 18),
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


def _about(stats: Statistics) -> Sheet:
    definitions = Table("Definitioner", [Column("Begrepp", TEXT, 28), Column("Förklaring", TEXT, 100, wrap=True)],
                        [list(d) for d in DEFINITIONS], title="Definitioner")
    requirements = Table("Dokumentationskrav", [Column("Fält", TEXT, 28), Column("Krav", TEXT, 100)],
                         [[r.field, r.title] for r in stats.facts.requirements],
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
    """Every sheet of the workbook, in order (names as in SHEET_NAMES)."""
    return [_overview(stats), _per_school(stats), _per_group(stats), _deviations(stats), _audit(stats),
            _meetings(stats), _survey(stats), _missing(stats), _needs(stats), _trend(stats), _about(stats)]

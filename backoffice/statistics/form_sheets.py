"""The sheets of the forms with statistics of their own (deviations, audit, meetings, survey) and of
every other form (the generic statistic), laid out as tables for `sheets.build_sheets`.

Only what the edition asks is laid out: a handling question it does not ask has no row, a meeting
question no column. A chart with nothing to show is left out and a sentence says so instead.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from backoffice.statistics import avvikelse, motesrapport, stickprov
from backoffice.statistics.aggregates import protect
from backoffice.statistics.figures import MIN_ANSWERS, ROWS, FormCounts, MeetingStats, Statistics, Tally
from backoffice.statistics.layout import DECIMAL, INT, PERCENT, TEXT, Chart, Column, Sheet, Table
from backoffice.statistics.motesrapport import LABELS as MEETING_LABELS
from backoffice.statistics.values import share

SUPPRESSED_TEXT = ".."
DEVIATIONS, AUDIT, MEETINGS = avvikelse.FORM, stickprov.FORM, motesrapport.FORM
# (column, its value of an item, the (form, question) it needs or None)
Spec = tuple[Column, Callable[[Any], Any], "tuple[str, str | None] | None"]


def group_label(stats: Statistics) -> str:
    """What the schools are grouped by, as a column header."""
    return "Område" if stats.grouping == "område" else "Huvudmannatyp"


def school_group(stats: Statistics) -> str:
    """The header of a school's group in a table of schools."""
    return "Område" if stats.grouping == "område" else "Grupp"


def pick(stats: Statistics, specs: Iterable[Spec]) -> list[Spec]:
    """The columns whose question the edition asks."""
    return [spec for spec in specs if spec[2] is None or stats.asks(*spec[2])]


def spec_table(name: str, specs: list[Spec], items: Iterable[Any], title: str | None = None) -> Table:
    """A table with a column per spec and a row per item."""
    return Table(name, [column for column, _, _ in specs], [[value(item) for _, value, _ in specs] for item in items],
                 title=title)


def chart_or_note(charts: list[Chart], notes: list[str], chart: Chart, shown: Any, note: str) -> None:
    """The chart when it has something to show, else the sentence that says there is nothing (no empty axes)."""
    if shown:
        charts.append(chart)
    else:
        notes.append(note)


def deviations(stats: Statistics) -> Sheet:
    """The deviations per category, organisation, month and handling (of the questions asked)."""
    d, total = stats.deviations, stats.deviations.totalt

    def asked(name: str) -> bool:
        return stats.asks(DEVIATIONS, name)

    def share_of(n: int) -> float | None:
        return share(n, total)

    counted = [Column("Antal", INT, 10), Column("Andel", PERCENT, 10)]
    tables, charts, notes = [], [], []
    if asked(avvikelse.CATEGORY):
        tables.append(Table("AvvikelserKategori", [Column("Kategori", TEXT, 40)] + counted,
                            [[c.namn, c.antal, share_of(c.antal)] for c in d.per_kategori], title="Per kategori"))
    if asked(avvikelse.ORGANISATIONS):
        organisations = Table("AvvikelserVerksamhet", [Column("Berörd verksamhet", TEXT, 40), Column("Antal", INT, 10),
                                                       Column("Andel av avvikelserna", PERCENT, 12)],
                              [[c.namn, c.antal, share_of(c.antal)] for c in d.per_verksamhet],
                              title="Per berörd verksamhet (en avvikelse kan beröra flera)")
        tables.append(organisations)
        chart_or_note(charts, notes, Chart("Avvikelser per berörd verksamhet", organisations.name, [1], "bar"),
                      total, "Inga avvikelser har rapporterats för läsåret.")
    months = Table("AvvikelserManad", [Column("Månad", TEXT, 40), Column("Antal", INT, 10)],
                   [[c.namn, c.antal] for c in d.per_manad], title="Per månad")
    tables.append(months)
    if total:
        charts.insert(0, Chart("Avvikelser per månad", months.name, [1], "col"))
    if asked(avvikelse.CATEGORY) and asked(avvikelse.ORGANISATIONS):
        orgs = [c.namn for c in d.per_verksamhet]
        tables.append(Table("AvvikelserKategoriVerksamhet",
                            [Column("Kategori", TEXT, 40)] + [Column(o, INT, 10) for o in orgs],
                            [[c] + [d.kategori_verksamhet.get(c, {}).get(o, 0) for o in orgs]
                             for c in d.kategori_verksamhet], title="Kategori och berörd verksamhet"))
    handling = [(f"Löst i chefslinjen: {answer}", d.lost_i_chefslinjen[answer], "lost_i_chefslinjen")
                for answer in avvikelse.RESOLVED]
    handling += [("Händelseanalys gjord", d.handelseanalys, "handelseanalys"),
                 ("Rapporterad i MedControl", d.rapporterad_medcontrol, "rapporterad_medcontrol")]
    rows = [[what, n, share_of(n)] for what, n, name in handling if asked(name)]
    if rows:
        tables.append(Table("AvvikelserHantering", [Column("Hantering", TEXT, 40)] + counted, rows, title="Hantering"))
    return Sheet("Avvikelser", tables, heading=[f"Rapporterade avvikelser läsår {stats.lasar}: {total}", *notes],
                 charts=charts)


def audit(stats: Statistics) -> Sheet:
    """The documentation audit: in all and per requirement (each school's is on the sheet Per skola)."""
    a = stats.audit
    overall = Table("StickprovTotalt", [Column("Mått", TEXT, 40), Column("Antal", INT, 10),
                                        Column("Andel", PERCENT, 10)], [
        ["Granskade dokument", a.dokument, None],
        ["Kontrollerade krav (dokument × krav)", a.kontroller, None],
        ["Uppfyllda krav", a.uppfyllda, a.andel],
        ["Dokument som uppfyller alla krav", a.helt_uppfyllda, share(a.helt_uppfyllda, a.dokument)],
    ] + [[f"Ärendetyp: {c.namn}", c.antal, share(c.antal, a.dokument)] for c in a.per_arendetyp], title="Totalt")
    per_requirement = Table("StickprovKrav", [Column("Krav", TEXT, 36, wrap=True), Column("Granskade", INT, 10),
                                              Column("Uppfyllda", INT, 10),
                                              Column("Andel uppfyllda", PERCENT, 10, "scale")],
                            [[r.title, r.granskade, r.uppfyllda, r.andel] for r in a.per_krav],
                            title="Per dokumentationskrav")
    charts, notes = [], []
    chart_or_note(charts, notes, Chart("Andel uppfyllda per krav", per_requirement.name, [3], "bar", y_title="Andel",
                                       percent=True), a.kontroller,
                  "Inga dokument har granskats för läsåret.")
    heading = [f"Stickprov i SIP-dokumentationen läsår {stats.lasar}",
               "Varje skolas granskade dokument och uppfyllda krav står på bladet Per skola.", *notes]
    return Sheet("Stickprov", [overall, per_requirement], charts=charts, heading=heading)


def _meeting_columns(label: str, figures: tuple[str, ...], width: int = 30) -> list[Column]:
    return [Column(label, TEXT, width, wrap=True), Column("Rapporterade möten", INT, 11, "bar")] + [
        Column(f"Andel: {MEETING_LABELS[a][0].lower()}{MEETING_LABELS[a][1:]}", PERCENT, 14, "scale")
        for a in figures]


def _meeting_row(m: MeetingStats, figures: tuple[str, ...]) -> list[Any]:
    return [m.namn, m.moten] + [m.andel(a) for a in figures]


def meetings(stats: Statistics) -> list[Sheet]:
    """The reported meetings: in all, per group and per organisation outside school; and a sheet per school."""
    m, figures = stats.meetings, motesrapport.asked_figures(stats.asked.get(MEETINGS, {}))
    outside = sum(o.moten for o in stats.meetings_by_organisation)
    child = [["Barnet delaktigt (i mötet eller på annat sätt)", m.barnet_delaktigt, share(m.barnet_delaktigt, m.moten)]
             ] if "barnet_i_motet" in figures else []
    overall = Table("MotenTotalt", [Column("Mått", TEXT, 40, wrap=True), Column("Antal", INT, 10),
                                    Column("Andel", PERCENT, 10)], [
        ["Rapporterade SIP-möten", m.moten, None],
        ["Möten som skolor rapporterat", m.moten - outside, share(m.moten - outside, m.moten)],
        ["Möten utanför skolan", outside, share(outside, m.moten)],
    ] + child + [[MEETING_LABELS[a], getattr(m, a), m.andel(a)] for a in figures], title="Totalt")
    label = group_label(stats)
    per_group = Table("MotenPerGrupp", _meeting_columns(label, figures),
                      [_meeting_row(g, figures) for g in stats.meetings_by_group], title=f"Per {label.lower()}")
    per_org = Table("MotenPerOrganisation", _meeting_columns("Organisation utanför skolan", figures),
                    [_meeting_row(o, figures) for o in stats.meetings_by_organisation],
                    title="Möten utanför skolan, per organisation")
    per_school = Table("MotenPerSkola", [Column("Skolenhetskod", TEXT, 14)] + _meeting_columns("Skolnamn", figures),
                       [[s.skolenhetskod] + _meeting_row(s, figures) for s in stats.meetings_by_school])
    charts, notes = [], []
    chart_or_note(charts, notes, Chart("Andel av mötena", overall.name, [2], "bar", y_title="Andel", percent=True),
                  m.moten, "Inga SIP-möten har rapporterats för läsåret.")
    return [Sheet("Möten", [overall, per_group, per_org], charts=charts,
                  heading=[f"Rapporterade SIP-möten läsår {stats.lasar}: {m.moten}", *notes]),
            Sheet("Möten per skola", [per_school], freeze_columns=2,
                  heading=["Skolor som rapporterat SIP-möten under läsåret."])]


def _averages(item, audiences: tuple[str, ...]) -> list[Any]:
    """A statement's averages (all, then each kind of respondent) as the sheet shows them.

    `..` from 1 to MIN_ANSWERS−1 answers, empty from none. The children's and the guardians'
    answers make up all answers, so when one group's average is hidden the other's is too: else
    the hidden one follows from the two shown (all × n − guardians × n, divided by the rest).
    """
    answers = {"alla": item.alla, **{a: item.per_svarande[a] for a in audiences}}
    hidden = protect({k: v.antal for k, v in answers.items()}, [("alla", list(audiences))], MIN_ANSWERS)
    return [None if not answers[k].antal else SUPPRESSED_TEXT if k in hidden else answers[k].summa / answers[k].antal
            for k in answers]


def survey(stats: Statistics) -> Sheet:
    """The survey's answers and averages per statement, in all and per kind of respondent."""
    found = stats.survey
    statements = found.pastaenden if found else []
    audiences = found.audiences if found else ()
    columns = [Column("Påstående", TEXT, 40, wrap=True), Column("Svar", INT, 8), Column("Medelvärde (1–5)", DECIMAL, 11)]
    for audience in audiences:
        columns += [Column(f"Svar: {audience}", INT, 13), Column(f"Medelvärde: {audience}", DECIMAL, 14)]
    rows = []
    for item in statements:
        averages = _averages(item, audiences)
        row = [item.title, item.alla.antal, averages[0]]
        for audience, average in zip(audiences, averages[1:]):
            row += [item.per_svarande[audience].antal, average]
        rows.append(row)
    per_audience = ", ".join(f"{a} {n}" for a, n in (found.per_svarande.items() if found else []))
    heading = [f"Enkäten om delaktighet efter SIP-möten, läsår {stats.lasar}: {found.svar if found else 0} svar"
               + (f" ({per_audience})" if per_audience else ""),
               f"Svaren går från 1 (stämmer inte alls) till 5 (stämmer helt). Ett medelvärde visas bara när "
               f"minst {MIN_ANSWERS} har svarat, annars står det {SUPPRESSED_TEXT} (två punkter). Döljs den ena "
               "gruppens medelvärde döljs också den andras, så att det dolda inte kan räknas fram ur det totala."]
    table = Table("DelaktighetPastaenden", columns, rows, title="Per påstående")
    charts: list[Chart] = []
    shown = any(isinstance(row[2], float) for row in rows)
    chart_or_note(charts, heading, Chart("Medelvärde per påstående (1–5)", table.name, [2], "bar",
                                         y_title="Medelvärde", axis=(1, 5)), shown,
                  f"Inget medelvärde kan visas ännu: det behövs minst {MIN_ANSWERS} svar på ett påstående.")
    return Sheet("Delaktighet", [table], heading=heading, charts=charts)


# ---------------------------------------------------------------- every other form

# What a worksheet's name may not hold (Excel's rule; Google Sheets takes the same names).
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31


def sheet_name(title: str, taken: set[str]) -> str:
    """A worksheet name from a form's title: no []:*?/\\, at most 31 characters, unlike any in `taken`.

    The name is added to `taken`. Spreadsheet programs compare names without case, and so does this.
    """
    base = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split())[:SHEET_NAME_LENGTH].strip(" '") or "Blankett"
    used = {name.casefold() for name in taken} | {"history"}  # Excel keeps "History" for itself
    name, number = base, 2
    while name.casefold() in used:
        suffix = f" ({number})"
        name = base[:SHEET_NAME_LENGTH - len(suffix)].rstrip(" '") + suffix
        number += 1
    taken.add(name)
    return name


def _measure_columns(counts: FormCounts) -> list[Column]:
    """A column per measure; titles made unique, as an Excel table needs."""
    columns, seen = [], set()
    for measure in counts.measures:
        title, number = measure.title, 2
        while title.casefold() in seen:
            title, number = f"{measure.title} ({number})", number + 1
        seen.add(title.casefold())
        columns.append(Column(title, INT, max(10, min(24, len(title) // 2))))
    return columns


def _tally_row(tally: Tally, counts: FormCounts) -> list[Any]:
    return [tally.values[m.key] for m in counts.measures]


def other_form(stats: Statistics, counts: FormCounts, taken: set[str]) -> Sheet:
    """A form without statistics of its own: its rows, answers per choice and sums, per unit."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", counts.form)
    base = base if base[:1].isalpha() else "B_" + base
    measures = _measure_columns(counts)
    overall = Table(f"{base}_Totalt", [Column("Mått", TEXT, 40, wrap=True), Column("Antal", INT, 10)],
                    [[column.title, counts.total.values[m.key]] for column, m in zip(measures, counts.measures)],
                    title="Totalt")
    label = group_label(stats)
    tables = [overall, Table(f"{base}_PerGrupp", [Column(label, TEXT, 30, wrap=True)] + measures,
                             [[g.namn] + _tally_row(g, counts) for g in counts.groups], title=f"Per {label.lower()}")]
    if counts.organisations:
        tables.append(Table(f"{base}_PerOrganisation", [Column("Organisation utanför skolan", TEXT, 30, wrap=True)]
                            + measures, [[o.namn] + _tally_row(o, counts) for o in counts.organisations],
                            title="Per organisation utanför skolan"))
    # The long list of schools last: it is the table whose header repeats on every printed page.
    tables.append(Table(f"{base}_PerSkola", [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 30, wrap=True),
                                             Column(school_group(stats), TEXT, 14, wrap=True)] + measures,
                        [[s.skolenhetskod, s.namn, s.omrade] + _tally_row(s, counts) for s in counts.schools],
                        title="Per skola"))
    heading = [f"{counts.title}, läsår {stats.lasar}: {counts.total.values[ROWS.key]} svar",
               "Blanketten har ingen egen statistik: svaren räknas ur dess schema (antal svar, svar per "
               "alternativ och summan av fält med heltal). Bara den senaste versionen av ett svar räknas."]
    return Sheet(sheet_name(counts.title, taken), tables, heading=heading)

"""The sheets of the forms with statistics of their own (deviations, audit, meetings, survey) and of
every other form (the generic statistic), laid out as tables for `sheets.build_sheets`.
"""
from __future__ import annotations

import re
from typing import Any

from backoffice.statistics.aggregates import protect
from backoffice.statistics.figures import MEETING_FIGURES, MIN_ANSWERS, ROWS, FormCounts, MeetingStats, Statistics, Tally
from backoffice.statistics.layout import DECIMAL, INT, PERCENT, TEXT, Chart, Column, Sheet, Table
from backoffice.statistics.values import share

SUPPRESSED_TEXT = ".."


def group_label(stats: Statistics) -> str:
    """What the schools are grouped by, as a column header."""
    return "Område" if stats.grouping == "område" else "Huvudmannatyp"


def school_group(stats: Statistics) -> str:
    """The header of a school's group in a table of schools."""
    return "Område" if stats.grouping == "område" else "Grupp"


def deviations(stats: Statistics) -> Sheet:
    """The deviations per category, organisation, month and handling."""
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


def audit(stats: Statistics) -> Sheet:
    """The documentation audit: in all, per requirement and per school."""
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


# The meeting figures' Swedish names, in MEETING_FIGURES order.
MEETING_LABELS = {
    "barnet_i_motet": "Barnet deltog i mötet",
    "barnet_annat": "Barnet delaktigt på annat sätt",
    "alla_deltog": "Alla kallade deltog",
    "inom_tre_veckor": "Mötet inom tre veckor",
    "uppfoljning_bokad": "Uppföljning bokad",
}
def _meeting_columns(label: str, width: int = 34) -> list[Column]:
    return [Column(label, TEXT, width), Column("Rapporterade möten", INT, 12, "bar")] + [
        Column(f"Andel: {MEETING_LABELS[a].lower()}", PERCENT, 13, "scale") for a in MEETING_FIGURES]


def _meeting_row(m: MeetingStats) -> list[Any]:
    return [m.namn, m.moten] + [m.andel(a) for a in MEETING_FIGURES]


def meetings(stats: Statistics) -> Sheet:
    """The reported meetings: in all, per group, per school and per organisation outside school."""
    m = stats.meetings
    outside = sum(o.moten for o in stats.meetings_by_organisation)
    overall = Table("MotenTotalt", [Column("Mått", TEXT, 46), Column("Antal", INT, 12), Column("Andel", PERCENT, 10)], [
        ["Rapporterade SIP-möten", m.moten, None],
        ["Möten som skolor rapporterat", m.moten - outside, share(m.moten - outside, m.moten)],
        ["Möten utanför skolan", outside, share(outside, m.moten)],
        ["Barnet delaktigt (i mötet eller på annat sätt)", m.barnet_delaktigt, share(m.barnet_delaktigt, m.moten)],
    ] + [[MEETING_LABELS[a], getattr(m, a), m.andel(a)] for a in MEETING_FIGURES], title="Totalt")
    label = group_label(stats)
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
    columns = [Column("Påstående", TEXT, 46), Column("Svar", INT, 10), Column("Medelvärde (1–5)", DECIMAL, 12)]
    for audience in audiences:
        columns += [Column(f"Svar: {audience}", INT, 12), Column(f"Medelvärde: {audience}", DECIMAL, 14)]
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
    return Sheet("Delaktighet", [table], heading=heading,
                 charts=[Chart("Medelvärde per påstående", table.name, [2], "bar", y_title="Medelvärde")])


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
    overall = Table(f"{base}_Totalt", [Column("Mått", TEXT, 46), Column("Antal", INT, 12)],
                    [[column.title, counts.total.values[m.key]] for column, m in zip(measures, counts.measures)],
                    title="Totalt")
    label = group_label(stats)
    tables = [overall,
              Table(f"{base}_PerGrupp", [Column(label, TEXT, 34)] + measures,
                    [[g.namn] + _tally_row(g, counts) for g in counts.groups], title=f"Per {label.lower()}"),
              Table(f"{base}_PerSkola", [Column("Skolenhetskod", TEXT, 14), Column("Skolnamn", TEXT, 36),
                                         Column(school_group(stats), TEXT, 18)] + measures,
                    [[s.skolenhetskod, s.namn, s.omrade] + _tally_row(s, counts) for s in counts.schools],
                    title="Per skola")]
    if counts.organisations:
        tables.append(Table(f"{base}_PerOrganisation", [Column("Organisation utanför skolan", TEXT, 34)] + measures,
                            [[o.namn] + _tally_row(o, counts) for o in counts.organisations],
                            title="Per organisation utanför skolan"))
    heading = [f"{counts.title}, läsår {stats.lasar}: {counts.total.values[ROWS.key]} svar",
               "Blanketten har ingen egen statistik: svaren räknas ur dess schema (antal svar, svar per "
               "alternativ och summan av fält med heltal). Bara den senaste versionen av ett svar räknas."]
    return Sheet(sheet_name(counts.title, taken), tables, heading=heading)

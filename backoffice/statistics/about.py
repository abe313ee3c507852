"""The "Om statistiken" sheet: what each figure means, the audit's requirements and where the figures come from.

The definitions are also the handbook's page about the statistics (`macros/stats.py`). In the
workbook only those of the questions the edition asks are listed, and the meeting figures quote
the question as the edition's form asks it.
"""
from __future__ import annotations

from backoffice.statistics import arsuppfoljning, avvikelse, delaktighet, motesrapport, stickprov
from backoffice.statistics.figures import Statistics
from backoffice.statistics.layout import TEXT, Column, Sheet, Table
from backoffice.statistics.values import local_text

ANNUAL, DEVIATIONS, AUDIT = arsuppfoljning.FORM, avvikelse.FORM, stickprov.FORM
MEETINGS, SURVEY = motesrapport.FORM, delaktighet.FORM

# (term, what it means, the (form, question) it is about or None)
_DEFINED = [
    ("Skolor i registret", "Skolenheterna i skolregistret (Skolverkets skolenhetsstatistik).", None),
    ("Inskickad", "Skolan har lämnat årsuppföljningen för läsåret. Har skolan skickat in flera gånger räknas "
                  "bara den senaste versionen.", (ANNUAL, None)),
    ("Saknas", "Skolan finns i registret men har inte lämnat årsuppföljningen för läsåret.", (ANNUAL, None)),
    ("SIP-processer initierade", "Summan av skolornas svar på frågan hur många SIP-processer de har initierat "
                                 "under läsåret.", (ANNUAL, "sip_initierade")),
    ("SIP-möten deltagit", "SIP-möten som skolan deltagit i utöver de processer den själv initierat.",
     (ANNUAL, "sip_deltagit")),
    ("Elever F–9", "Elever i förskoleklass och årskurs 1–9 enligt Skolverket. Tomt när Skolverket inte redovisar "
                   "antalet (. eller ..).", None),
    ("SIP per 100 elever", "Initierade SIP-processer per 100 elever. För en grupp räknas bara inskickade skolor "
                           "med känt elevantal, både i täljare och nämnare.", (ANNUAL, "sip_initierade")),
    ("Rapporterade avvikelser", "Avvikelser rapporterade i avvikelseblanketten, räknade till läsåret efter sitt "
                                "datum (läsåret börjar 1 juli). Varje rapport räknas.", (DEVIATIONS, None)),
    ("Berörd verksamhet", "En avvikelse kan beröra flera verksamheter och räknas då under var och en.",
     (DEVIATIONS, avvikelse.ORGANISATIONS)),
    ("Avvikelser utredda", "Skolornas eget svar i årsuppföljningen om hur många avvikelser de har utrett.",
     (ANNUAL, "avvikelser_utredda")),
    ("Granskade dokument", "SIP-dokument som granskats i stickprovet. Bara den senaste versionen av varje "
                           "dokument räknas.", (AUDIT, None)),
    ("Andel uppfyllda krav", "Uppfyllda krav delat med kontrollerade krav (dokument × dokumentationskrav).",
     (AUDIT, None)),
    ("Behov", "Skolornas fritextsvar, ordagrant. Texten är skriven som text och räknas aldrig som formel.",
     (ANNUAL, "behov")),
    ("Rapporterade möten", "SIP-möten rapporterade i mötesrapporten, räknade till läsåret efter mötets datum. "
                           "Möten utanför skolan redovisas per organisation och ingår i totalen.", (MEETINGS, None)),
    ("Andel av mötena", "Möten där svaret var det angivna (till exempel att barnet deltog i mötet) delat med "
                        "alla rapporterade möten i gruppen.", (MEETINGS, None)),
    ("Delaktighet", "Anonyma svar från barn, unga och vårdnadshavare efter ett möte, 1 (stämmer inte alls) till 5 "
                    "(stämmer helt). Medelvärdet visas bara när minst fem har svarat.", (SURVEY, None)),
    ("Trend", "Samma mått läsår för läsår, så långt lagret räcker. Antalet skolor i registret är dagens "
              "register för alla läsår.", None),
    ("Område", "Området enligt den områdesfil samordnaren angav. Utan områdesfil grupperas skolorna efter "
               "huvudmannatyp (kommunal eller enskild).", None),
    ("Tider", "Alla tider är svensk tid (Europe/Stockholm).", None),
]
# Every definition, for the handbook's page about the statistics.
DEFINITIONS = [(term, text) for term, text, _ in _DEFINED]
# Shown when forms/ has forms without statistics of their own.
OTHER_FORMS = ("Övriga blanketter", "Blanketter utan egen statistik räknas ur sitt schema: antal svar per skola, "
                                    "grupp och organisation, svar per alternativ i fält med fasta alternativ och "
                                    "summan av fält med heltal. Bara den senaste versionen av ett svar räknas.")


def definitions(stats: Statistics) -> list[list[str]]:
    """The definitions of what the edition asks, and each meeting figure with the question it counts."""
    rows = [[term, text] for term, text, need in _DEFINED if need is None or stats.asks(*need)]
    questions = stats.asked.get(MEETINGS, {})
    for figure in motesrapport.asked_figures(questions):
        field = motesrapport.FIELDS[figure]
        answer = next(wanted for name, _, wanted in motesrapport.FLAGS if name == figure)
        rows.append([motesrapport.LABELS[figure], f"Möten där svaret på frågan ”{questions[field]}” var "
                                                  f"”{answer}”, delat med alla rapporterade möten."])
    return rows + ([list(OTHER_FORMS)] if stats.other_forms else [])


def _sources(stats: Statistics) -> list[list[str]]:
    """Where the figures come from, named without any server path."""
    grouping = ("Område enligt mappningsfil" if stats.grouping == "område"
                else "Huvudmannatyp enligt skolregistret (ingen områdesfil angavs)")
    return [["Underlag", s] for s in stats.sources] + [
        ["Skolregistret", f"{stats.register_file}, från Skolverkets export Grundskolan – Antal elever per årskurs."],
        ["Sammanställd", local_text(stats.compiled_at)],
        ["Gruppering", grouping],
    ] + [[f"Utanför registret ({form})", f"{n} rader gällde skolor som inte finns i registret och räknades inte."]
         for form, n in sorted(stats.outside_register.items()) if n]


def about(stats: Statistics) -> Sheet:
    """The sheet: definitions, the audit's requirements (when the audit is used) and the sources."""
    tables = [Table("Definitioner", [Column("Begrepp", TEXT, 28, wrap=True), Column("Förklaring", TEXT, 100, wrap=True)],
                    definitions(stats), title="Definitioner")]
    if stats.asks(AUDIT):
        tables.append(Table("Dokumentationskrav", [Column("Fält", TEXT, 28), Column("Krav", TEXT, 100, wrap=True)],
                            [[r.field, r.title] for r in stats.audit.per_krav],
                            title="Dokumentationskrav i stickprovet (från blankettens schema)"))
    tables.append(Table("Kallor", [Column("Källa", TEXT, 28, wrap=True), Column("Beskrivning", TEXT, 100, wrap=True)],
                        _sources(stats), title="Källor"))
    return Sheet("Om statistiken", tables, heading=[f"Om statistiken för läsår {stats.lasar}"])

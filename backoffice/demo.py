"""Generate a realistic demo data set over the register's schools (for `make demo`, the bench and tests).

The figures are invented but plausible: most schools answer, SIP counts follow the pupil count,
deviations fall on school days through the year, and audits cover a sample of schools. A seed
makes every run the same.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from backoffice import schoolyear
from backoffice.forms.schema import NO, ORGANISATION, SCHOOL, SCHOOL_YEAR, YES, load_form
from backoffice.statistics import arsuppfoljning, avvikelse, delaktighet, motesrapport, stickprov

NEEDS = [
    "Mer tid för elevhälsan att förbereda och följa upp SIP-möten.",
    "Tydligare kontaktvägar till socialtjänsten och BUP.",
    "Utbildning för mentorer om när en SIP behövs och hur man kallar.",
    "En utsedd SIP-kunnig med avsatt tid i tjänsten.",
    "Gemensam digital plats för kallelser och planer med de andra verksamheterna.",
    "Stöd från central samordnare vid första mötet.",
    "Bättre rutin för att följa upp planen på utsatt datum.",
    "Tolk och material på fler språk för vårdnadshavare.",
    "Att regionens verksamheter skickar ersättare när den kallade inte kan komma.",
    "",
]
DESCRIPTIONS = [
    "Kallad verksamhet meddelade förhinder samma dag och ingen ersättare kom.",
    "Kallelsen skickades men inget svar kom inom tre veckor.",
    "Uppföljningsmötet ställdes in och fick inget nytt datum.",
    "Samtycket omfattade inte alla verksamheter som behövde delta.",
    "Information från mötet nådde inte mentor.",
    "",
]


def _school_year_days(lasar: str, today: date) -> list[date]:
    """The school days of a school year (15 August to 12 June), up to today."""
    start = schoolyear.start_year(lasar)
    first = date(start, 8, 15)
    last = min(date(start + 1, 6, 12), today)
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and day.month != 7:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class _Choices:
    """What the demo picks answers from, read from the forms' schemas."""

    categories: list[str]
    organisations: list[str]  # organisations a deviation can touch besides the school
    case_types: list[str]
    requirements: list[str]
    child_took_part: list[str]  # in the meeting, in another way, not at all
    statements: list[str]
    child: str
    guardian: str

    @classmethod
    def read(cls) -> "_Choices":
        deviations = avvikelse.facts(load_form(avvikelse.FORM))
        survey = load_form(delaktighet.FORM)
        child, guardian = delaktighet.audiences(survey)
        return cls(
            categories=list(deviations.categories) or ["Annat"],
            organisations=[o for o in deviations.organisations if o != "skola"] or ["annan"],
            case_types=load_form(stickprov.FORM).enum("arendetyp"),
            requirements=[r.field for r in stickprov.requirements(load_form(stickprov.FORM))],
            child_took_part=load_form(motesrapport.FORM).enum("barnet_deltog"),
            statements=[name for name, _ in delaktighet.statements(survey)],
            child=child, guardian=guardian,
        )


FORMS = (arsuppfoljning.FORM, avvikelse.FORM, stickprov.FORM, motesrapport.FORM, delaktighet.FORM)


def demo_rows(register: Mapping[str, Any], years: Iterable[str], *, seed: int = 2025,
              answer_rate: float = 0.86, audit_share: float = 0.3, today: date | None = None,
              resubmit_rate: float = 0.05) -> dict[str, list[dict[str, str]]]:
    """Rows for the five forms, as the store holds them (strings; a few schools submit twice)."""
    rng = random.Random(seed)
    today = today or date.today()
    choices = _Choices.read()
    rows: dict[str, list[dict[str, str]]] = {form_id: [] for form_id in FORMS}
    for year_index, lasar in enumerate(sorted(years)):
        days = _school_year_days(lasar, today)
        # Answering grows a little year by year, as routines settle.
        rate = min(0.97, answer_rate + 0.03 * year_index)
        for code in sorted(register):
            school = register[code]
            pupils = (school.elever_f or 0) + (school.elever_1_9 or 0) or 200
            if rng.random() < rate:
                _demo_annual(rng, rows, code, lasar, pupils, year_index, resubmit_rate)
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2]) if days else 0):
                _demo_deviation(rng, rows, choices, code, days)
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3]) if days else 0):
                _demo_meeting(rng, rows, choices, {SCHOOL: code, ORGANISATION: ""}, rng.choice(days),
                              year_index, lasar)
            if rng.random() < audit_share:
                _demo_audit(rng, rows, choices, code, lasar, year_index)
        # Meetings outside school (preschool, social services, the region), a few per organisation.
        for organisation in MEETING_ORGANISATIONS:
            for _ in range(rng.randint(6, 14) if days else 0):
                _demo_meeting(rng, rows, choices, {SCHOOL: "", ORGANISATION: organisation}, rng.choice(days),
                              year_index, lasar)
    return rows


def _demo_annual(rng: random.Random, rows: dict, code: str, lasar: str, pupils: int, year_index: int,
                 resubmit_rate: float) -> None:
    """A school's annual answer (SIP counts follow the pupils), now and then corrected by a second version."""
    initiated = max(0, round(rng.gauss(pupils / 90, 1.5)))
    investigated = rng.random() < 0.25
    row = {
        SCHOOL: code, SCHOOL_YEAR: lasar, "sip_initierade": str(initiated),
        "sip_deltagit": str(max(0, round(rng.gauss(pupils / 120, 1.5)))),
        "behov": rng.choice(NEEDS),
        "avvikelse_utredd": YES if investigated else NO,
        "avvikelser_utredda": str(rng.randint(1, 3)) if investigated else "0",
        "sip_kunnig_utsedd": YES if rng.random() < 0.6 + 0.05 * year_index else NO,
    }
    rows[arsuppfoljning.FORM].append(row)
    if rng.random() < resubmit_rate:
        rows[arsuppfoljning.FORM].append(dict(row, sip_initierade=str(initiated + rng.randint(1, 3))))


def _demo_deviation(rng: random.Random, rows: dict, choices: _Choices, code: str, days: list[date]) -> None:
    """One deviation on a school day, touching the school and one or two other organisations."""
    involved = ["skola"] + rng.sample(choices.organisations, rng.randint(1, 2))
    rows[avvikelse.FORM].append({
        SCHOOL: code, "datum": rng.choice(days).isoformat(),
        "kategori": rng.choice(choices.categories), "berorda_verksamheter": ", ".join(involved),
        "lost_i_chefslinjen": rng.choice([YES, YES, NO, "pågår"]),
        "handelseanalys": rng.choice([YES, NO, NO]),
        "rapporterad_medcontrol": rng.choice([YES, YES, NO]),
        "beskrivning": rng.choice(DESCRIPTIONS),
    })


def _demo_audit(rng: random.Random, rows: dict, choices: _Choices, code: str, lasar: str, year_index: int) -> None:
    """Two to four audited documents of a school, meeting each requirement more often year by year."""
    for number in range(1, rng.randint(2, 4) + 1):
        doc = {SCHOOL: code, SCHOOL_YEAR: lasar, "dokument_nr": str(number),
               "arendetyp": rng.choice(choices.case_types)}
        for requirement in choices.requirements:
            doc[requirement] = YES if rng.random() < 0.7 + 0.03 * year_index else NO
        rows[stickprov.FORM].append(doc)


MEETING_ORGANISATIONS = ("förskola", "socialtjänst", "region")


def _demo_meeting(rng: random.Random, rows: dict, choices: _Choices, who: dict, day: date, year_index: int,
                  lasar: str) -> None:
    """One reported meeting and the survey answers after it (a child sometimes, guardians more often)."""
    everyone = rng.random() < 0.75
    child = rng.choices(choices.child_took_part, [0.55 + 0.05 * year_index, 0.25, 0.2])[0]
    rows[motesrapport.FORM].append({
        **who, "datum": day.isoformat(), "sammankallande": "skola" if who[SCHOOL] else who[ORGANISATION],
        "antal_verksamheter": str(rng.randint(2, 5)), "alla_kallade_deltog": YES if everyone else NO,
        "ersattare_skickades": "ej aktuellt" if everyone else rng.choice([YES, NO]),
        "barnet_deltog": child, "vardnadshavare_deltog": YES if rng.random() < 0.9 else NO,
        "inom_tre_veckor": YES if rng.random() < 0.6 + 0.05 * year_index else NO,
        "huvudansvarig_utsedd": YES if rng.random() < 0.85 else NO,
        "uppfoljning_bokad": YES if rng.random() < 0.7 else NO,
        "mal_kort_sikt": YES if rng.random() < 0.8 else NO, "mal_lang_sikt": YES if rng.random() < 0.6 else NO,
    })
    took_part = child != choices.child_took_part[-1]
    answering = ([choices.child] if took_part and rng.random() < 0.5 else []) + \
        [choices.guardian] * rng.choice([0, 1, 1, 2])
    for svarande in answering:
        mood = rng.gauss(3.9 if svarande == choices.guardian else 3.6, 0.7)
        answer = {SCHOOL: who[SCHOOL], ORGANISATION: who[ORGANISATION], SCHOOL_YEAR: lasar,
                  "svarande": svarande, "kommentar": ""}
        for statement in choices.statements:
            answer[statement] = str(min(5, max(1, round(rng.gauss(mood, 0.8)))))
        rows[delaktighet.FORM].append(answer)


def write_demo_store(data_dir, rows: Mapping[str, list[dict[str, str]]]) -> dict[str, int]:
    """Append demo rows to a store (the real append path), returning rows written per form."""
    from backoffice.store.files import FileStore

    store = FileStore(data_dir)
    written = {}
    for form_id, form_rows in rows.items():
        # One append per form keeps versions right: a resubmitted school gets version 2.
        store.append(form_id, form_rows, kanal="import")
        written[form_id] = len(form_rows)
    return written


DEMO_YEARS = ("2023/24", "2024/25", "2025/26")


def main(argv: list[str] | None = None) -> None:
    """`python -m backoffice.demo`: write a demo store and, from it, the site's demo aggregates."""
    import argparse
    import tempfile
    from pathlib import Path

    from backoffice.config import ROOT
    from backoffice.register import load_register
    from backoffice.statistics.aggregates import write_aggregates
    from backoffice.statistics.compiler import compile_statistics
    from backoffice.statistics.pipeline import load_store

    parser = argparse.ArgumentParser(prog="python -m backoffice.demo",
                                     description="Skapa ett demolager och demosiffror för statistiksidan.")
    parser.add_argument("--data", help="Katalog för demolagret (standard: en tillfällig katalog).")
    parser.add_argument("--aggregates", default=str(ROOT / "data" / "statistik.json"),
                        help="JSON-filen för statistiksidan (standard: data/statistik.json).")
    parser.add_argument("--lasar", default=DEMO_YEARS[-1], help="Läsåret som sammanställs.")
    parser.add_argument("--seed", type=int, default=2025, help="Slumpfrö (samma frö ger samma data).")
    args = parser.parse_args(argv)

    register = load_register()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(args.data or scratch)
        if any(data_dir.glob("*.csv")):
            parser.error(f"{data_dir} innehåller redan ett lager; ange en tom katalog.")
        written = write_demo_store(data_dir, demo_rows(register, DEMO_YEARS, seed=args.seed))
        stats = compile_statistics(args.lasar, register, load_store(data_dir, args.lasar).rows,
                                   sources=["Demodata (python -m backoffice.demo)"])
        write_aggregates(stats, args.aggregates, demo=True)
    print(f"Demolagret: {', '.join(f'{f} {n} rader' for f, n in written.items())}"
          + (f" i {args.data}" if args.data else " (tillfälligt)") + f". Demosiffrorna: {args.aggregates}")


if __name__ == "__main__":
    main()

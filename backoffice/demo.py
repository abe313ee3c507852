"""Generate a realistic demo data set over the register's schools (for `make demo`, the bench and tests).

The figures are invented but plausible: most schools answer, SIP counts follow the pupil count,
deviations fall on school days through the year, and audits cover a sample of schools. A seed
makes every run the same.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from backoffice.statistics.compiler import FormFacts, lasar_months

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
    months = lasar_months(lasar)
    first = date(int(months[0][:4]), 8, 15)
    last = min(date(int(months[-1][:4]), 6, 12), today)
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and day.month != 7:
            days.append(day)
        day += timedelta(days=1)
    return days


def demo_rows(register: Mapping[str, Any], years: Iterable[str], facts: FormFacts, *, seed: int = 2025,
              answer_rate: float = 0.86, audit_share: float = 0.3, today: date | None = None,
              resubmit_rate: float = 0.05) -> dict[str, list[dict[str, str]]]:
    """Rows for the five forms, as the store holds them (strings; a few schools submit twice)."""
    rng = random.Random(seed)
    today = today or date.today()
    rows: dict[str, list[dict[str, str]]] = {"arsuppfoljning": [], "avvikelse": [], "stickprov": [],
                                             "motesrapport": [], "delaktighet": []}
    codes = sorted(register)
    categories = list(facts.categories) or ["Annat"]
    organisations = [o for o in facts.organisations if o != "skola"] or ["annan"]
    for year_index, lasar in enumerate(sorted(years)):
        days = _school_year_days(lasar, today)
        # Answering grows a little year by year, as routines settle.
        rate = min(0.97, answer_rate + 0.03 * year_index)
        for code in codes:
            school = register[code]
            pupils = (school.elever_f or 0) + (school.elever_1_9 or 0) or 200
            if rng.random() < rate:
                initiated = max(0, round(rng.gauss(pupils / 90, 1.5)))
                investigated = rng.random() < 0.25
                row = {
                    "skolenhetskod": code, "lasar": lasar, "sip_initierade": str(initiated),
                    "sip_deltagit": str(max(0, round(rng.gauss(pupils / 120, 1.5)))),
                    "behov": rng.choice(NEEDS),
                    "avvikelse_utredd": "ja" if investigated else "nej",
                    "avvikelser_utredda": str(rng.randint(1, 3)) if investigated else "0",
                    "sip_kunnig_utsedd": "ja" if rng.random() < 0.6 + 0.05 * year_index else "nej",
                }
                rows["arsuppfoljning"].append(row)
                if rng.random() < resubmit_rate:
                    corrected = dict(row, sip_initierade=str(initiated + rng.randint(1, 3)))
                    rows["arsuppfoljning"].append(corrected)
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2]) if days else 0):
                involved = ["skola"] + rng.sample(organisations, rng.randint(1, 2))
                rows["avvikelse"].append({
                    "skolenhetskod": code, "datum": rng.choice(days).isoformat(),
                    "kategori": rng.choice(categories), "berorda_verksamheter": ", ".join(involved),
                    "lost_i_chefslinjen": rng.choice(["ja", "ja", "nej", "pågår"]),
                    "handelseanalys": rng.choice(["ja", "nej", "nej"]),
                    "rapporterad_medcontrol": rng.choice(["ja", "ja", "nej"]),
                    "beskrivning": rng.choice(DESCRIPTIONS),
                })
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3]) if days else 0):
                _demo_meeting(rng, rows, {"skolenhetskod": code, "organisation": ""}, rng.choice(days), year_index,
                              lasar)
            if rng.random() < audit_share:
                for number in range(1, rng.randint(2, 4) + 1):
                    doc = {"skolenhetskod": code, "lasar": lasar, "dokument_nr": str(number),
                           "arendetyp": rng.choice(["skolan kallar", "skolan blir kallad"])}
                    for requirement in facts.requirements:
                        doc[requirement.field] = "ja" if rng.random() < 0.7 + 0.03 * year_index else "nej"
                    rows["stickprov"].append(doc)
        # Meetings outside school (preschool, social services, the region), a few per organisation.
        for organisation in MEETING_ORGANISATIONS:
            for _ in range(rng.randint(6, 14) if days else 0):
                _demo_meeting(rng, rows, {"skolenhetskod": "", "organisation": organisation}, rng.choice(days),
                              year_index, lasar)
    return rows


MEETING_ORGANISATIONS = ("förskola", "socialtjänst", "region")
STATEMENTS = ("blev_lyssnad", "forstod_beslut", "utgar_fran_behov", "vet_vem_kontakta", "kandes_tryggt")


def _demo_meeting(rng: random.Random, rows: dict, who: dict, day: date, year_index: int, lasar: str) -> None:
    """One reported meeting and the survey answers after it (a child sometimes, guardians more often)."""
    everyone = rng.random() < 0.75
    child = rng.choices(["i mötet", "på annat sätt", "nej"], [0.55 + 0.05 * year_index, 0.25, 0.2])[0]
    calling = "skola" if who["skolenhetskod"] else who["organisation"]
    rows["motesrapport"].append({
        **who, "datum": day.isoformat(), "sammankallande": calling,
        "antal_verksamheter": str(rng.randint(2, 5)), "alla_kallade_deltog": "ja" if everyone else "nej",
        "ersattare_skickades": "ej aktuellt" if everyone else rng.choice(["ja", "nej"]),
        "barnet_deltog": child, "vardnadshavare_deltog": "ja" if rng.random() < 0.9 else "nej",
        "inom_tre_veckor": "ja" if rng.random() < 0.6 + 0.05 * year_index else "nej",
        "huvudansvarig_utsedd": "ja" if rng.random() < 0.85 else "nej",
        "uppfoljning_bokad": "ja" if rng.random() < 0.7 else "nej",
        "mal_kort_sikt": "ja" if rng.random() < 0.8 else "nej", "mal_lang_sikt": "ja" if rng.random() < 0.6 else "nej",
    })
    answering = (["barn/ung"] if child != "nej" and rng.random() < 0.5 else []) + \
        ["vårdnadshavare"] * rng.choice([0, 1, 1, 2])
    for svarande in answering:
        mood = rng.gauss(3.9 if svarande == "vårdnadshavare" else 3.6, 0.7)
        answer = {"skolenhetskod": who["skolenhetskod"], "organisation": who["organisation"], "lasar": lasar,
                  "svarande": svarande, "kommentar": ""}
        for statement in STATEMENTS:
            answer[statement] = str(min(5, max(1, round(rng.gauss(mood, 0.8)))))
        rows["delaktighet"].append(answer)


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

    from backoffice.statistics.aggregates import write_aggregates
    from backoffice.statistics.compiler import compile_statistics, load_form_facts
    from backoffice.config import ROOT
    from backoffice.register import load_register
    from backoffice.store.files import read_rows

    parser = argparse.ArgumentParser(prog="python -m backoffice.demo",
                                     description="Skapa ett demolager och demosiffror för statistiksidan.")
    parser.add_argument("--data", help="Katalog för demolagret (standard: en tillfällig katalog).")
    parser.add_argument("--aggregates", default=str(ROOT / "data" / "statistik.json"),
                        help="JSON-filen för statistiksidan (standard: data/statistik.json).")
    parser.add_argument("--lasar", default=DEMO_YEARS[-1], help="Läsåret som sammanställs.")
    parser.add_argument("--seed", type=int, default=2025, help="Slumpfrö (samma frö ger samma data).")
    args = parser.parse_args(argv)

    register = load_register()
    facts = load_form_facts()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(args.data or scratch)
        if any(data_dir.glob("*.csv")):
            parser.error(f"{data_dir} innehåller redan ett lager; ange en tom katalog.")
        written = write_demo_store(data_dir, demo_rows(register, DEMO_YEARS, facts, seed=args.seed))
        rows = {form: read_rows(data_dir, form) for form in written}
        stats = compile_statistics(args.lasar, register, facts, sources=["Demodata (python -m backoffice.demo)"],
                                   **rows)
        write_aggregates(stats, args.aggregates, demo=True)
    print(f"Demolagret: {', '.join(f'{f} {n} rader' for f, n in written.items())}"
          + (f" i {args.data}" if args.data else " (tillfälligt)") + f". Demosiffrorna: {args.aggregates}")


if __name__ == "__main__":
    main()

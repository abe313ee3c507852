"""Fixture data for the statistics tests: a small register and store-shaped rows, written out by hand.

The expected figures in the tests are computed from these rows with plain loops in the tests
themselves (never with backoffice.statistics), so a wrong statistic cannot agree with itself.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

from backoffice.register import School, write_register

# The site's macros package lives at the repository root (it is not installed): make it importable
# however pytest is started.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LASAR = "2025/26"
FORMULA_TEXTS = ['=HYPERLINK("http://x","y")', "=1+1", "+46 31 123 45 67", "@SUM(A1)", "-5 elever"]

# Six schools: one with two versions, one without pupil counts, one that never answers, one that
# answered only the year before, and names that test Swedish sorting.
SCHOOLS = [
    School("10000001", "Ängsskolan F-9", "1480", "Göteborg", "Kommunal", "Göteborgs kommun", 20, 200),
    School("10000002", "Åbyskolan", "1480", "Göteborg", "Enskild", "Friskolan AB", None, 150),
    School("10000003", "Bergsskolan", "1480", "Göteborg", "Kommunal", "Göteborgs kommun", None, None),
    School("10000004", "Centralskolan", "1480", "Göteborg", "Kommunal", "Göteborgs kommun", 30, 300),
    School("10000005", "Dalskolan", "1480", "Göteborg", "Enskild", "Friskolan AB", 10, 90),
    School("10000006", "Ekskolan", "1480", "Göteborg", "Kommunal", "Göteborgs kommun", 25, 250),
]
AREAS = {"10000001": "Norr", "10000002": "Norr", "10000003": "Söder", "10000004": "Söder",
         "10000005": "Väster", "10000006": "Väster"}

REQUIREMENTS = ["samtycke_dokumenterat", "samtycke_avgransat", "barnets_delaktighet",
                "huvudansvarig_namngiven", "insatser_med_ansvarig", "mal_kort_sikt", "mal_lang_sikt",
                "uppfoljning_tid_plats", "ratt_arendetyp"]


def register() -> dict[str, School]:
    return {s.skolenhetskod: s for s in SCHOOLS}


def write_register_csv(path: Path) -> Path:
    write_register(SCHOOLS, path)
    return path


def _annual(code, lasar, initiated, attended, behov, utredd, utredda, kunnig, version=1, received="2026-06-20T10:00:00Z"):
    return {"skolenhetskod": code, "lasar": lasar, "sip_initierade": str(initiated), "sip_deltagit": str(attended),
            "behov": behov, "avvikelse_utredd": utredd, "avvikelser_utredda": str(utredda),
            "sip_kunnig_utsedd": kunnig, "mottagen": received, "kvitto": f"K{code[-2:]}{version}{lasar[:4]}",
            "version": str(version), "kanal": "webb"}


ARSUPPFOLJNING = [
    _annual("10000001", LASAR, 3, 2, "Mer tid för elevhälsan.", "nej", 0, "ja", 1, "2026-06-01T08:00:00Z"),
    _annual("10000002", LASAR, 4, 1, FORMULA_TEXTS[0], "JA", 2, "Nej"),
    # The corrected answer from Ängsskolan: this version counts, the first does not.
    _annual("10000001", LASAR, 7, 5, FORMULA_TEXTS[1], "ja", 1, "JA", 2, "2026-06-10T08:00:00Z"),
    _annual("10000003", LASAR, 0, 0, FORMULA_TEXTS[2], "nej", 0, "nej"),
    _annual("10000004", LASAR, 12, 6, FORMULA_TEXTS[3] + " och " + FORMULA_TEXTS[4], "Ja", 3, "ja"),
    _annual("10000001", "2024/25", 2, 1, "", "nej", 0, "nej"),
    _annual("10000006", "2024/25", 5, 4, "Tolk.", "nej", 0, "ja"),
]


# Every stored row has a receipt of its own: a report without a key is one answer per receipt.
_RECEIPTS = itertools.count(1)


def _receipt(prefix: str) -> str:
    return f"{prefix}{next(_RECEIPTS):05d}"


def _deviation(code, datum, kategori, orgs, lost="ja", analys="nej", medcontrol="ja", text=""):
    return {"skolenhetskod": code, "datum": datum, "kategori": kategori, "berorda_verksamheter": orgs,
            "lost_i_chefslinjen": lost, "handelseanalys": analys, "rapporterad_medcontrol": medcontrol,
            "beskrivning": text, "mottagen": datum + "T12:00:00Z", "kvitto": _receipt("A"),
            "version": "1", "kanal": "webb"}


AVVIKELSE = [
    _deviation("10000001", "2025-08-14", "Kallad verksamhet deltog inte", "skola, BUP"),
    _deviation("10000001", "2025-09-02", "Kallad verksamhet deltog inte", "socialtjänst", "Pågår", "JA"),
    _deviation("10000002", "2026-01-20", "Ingen ersättare skickades", "skola,elevhälsa, socialtjänst", "nej"),
    _deviation("10000004", "2026-06-30", "Annat", "BUP", "ja", "nej", "NEJ", FORMULA_TEXTS[0]),
    _deviation("10000004", "2025-07-01", "Kallelsen besvarades inte", "habilitering; primärvård"),
    # Belongs to 2024/25 (the school year starts 1 July): not in 2025/26.
    _deviation("10000004", "2025-06-30", "Annat", "skola"),
    _deviation("10000006", "2024-10-01", "Ingen SIP trots behov", "förskola"),
]


def _document(code, lasar, nr, answers, version=1, arendetyp="skolan kallar"):
    row = {"skolenhetskod": code, "lasar": lasar, "dokument_nr": str(nr), "arendetyp": arendetyp}
    row.update({field: answer for field, answer in zip(REQUIREMENTS, answers)})
    row.update({"mottagen": "2026-05-01T09:00:00Z", "kvitto": f"S{code[-2:]}{nr}{version}", "version": str(version),
                "kanal": "import"})
    return row


STICKPROV = [
    _document("10000001", LASAR, 1, ["ja"] * 9),
    _document("10000001", LASAR, 2, ["nej"] * 9),
    # Document 2 of Ängsskolan re-audited: version 2 counts.
    _document("10000001", LASAR, 2, ["ja", "JA", "nej", "ja", "ja", "Nej", "ja", "ja", "ja"], version=2),
    _document("10000004", LASAR, 1, ["ja", "nej", "nej", "ja", "nej", "ja", "ja", "nej", "ja"],
              arendetyp="skolan blir kallad"),
    _document("10000006", "2024/25", 1, ["ja"] * 9),
]


def meeting(code, datum, barnet, alla, tre, bokad, organisation=""):
    return {"skolenhetskod": code, "organisation": organisation, "datum": datum, "sammankallande": "skola",
            "antal_verksamheter": "3", "alla_kallade_deltog": alla,
            "ersattare_skickades": "ej aktuellt" if alla == "ja" else "nej", "barnet_deltog": barnet,
            "vardnadshavare_deltog": "ja", "inom_tre_veckor": tre, "huvudansvarig_utsedd": "ja",
            "uppfoljning_bokad": bokad, "mal_kort_sikt": "ja", "mal_lang_sikt": "nej",
            "mottagen": datum + "T15:00:00Z", "kvitto": _receipt("M"), "version": "1", "kanal": "webb"}


MOTESRAPPORT = [
    meeting("10000001", "2025-08-20", "i mötet", "ja", "ja", "ja"),
    meeting("10000001", "2025-09-11", "på annat sätt", "nej", "ja", "nej"),
    meeting("10000001", "2025-10-02", "I mötet", "JA", "nej", "ja"),
    meeting("10000002", "2025-11-13", "nej", "ja", "ja", "ja"),
    meeting("10000002", "2026-02-05", "i mötet", "nej", "nej", "ja"),
    meeting("10000002", "2026-03-19", "i mötet", "ja", "ja", "nej"),
    meeting("10000004", "2026-04-23", "på annat sätt", "ja", "ja", "ja"),
    meeting("10000004", "2026-06-30", "i mötet", "ja", "nej", "ja"),
    meeting("10000005", "2026-05-07", "nej", "nej", "nej", "nej"),
    meeting("", "2025-09-30", "i mötet", "ja", "ja", "ja", organisation="socialtjänst"),
    meeting("", "2026-01-15", "på annat sätt", "nej", "ja", "ja", organisation="socialtjänst"),
    meeting("", "2025-12-01", "i mötet", "ja", "nej", "ja", organisation="region"),
    # Outside the school year (1 July starts the next one), and a school that is not in the register.
    meeting("10000001", "2025-06-30", "i mötet", "ja", "ja", "ja"),
    meeting("10000006", "2026-07-01", "nej", "nej", "nej", "nej"),
    meeting("99999999", "2025-10-10", "i mötet", "ja", "ja", "ja"),
]
STATEMENTS = ["blev_lyssnad", "forstod_beslut", "utgar_fran_behov", "vet_vem_kontakta", "kandes_tryggt"]


def answer(code, svarande, values, lasar=LASAR, organisation=""):
    row = {"skolenhetskod": code, "organisation": organisation, "lasar": lasar, "svarande": svarande,
           "kommentar": "", "mottagen": "2026-03-01T10:00:00Z", "kvitto": _receipt("E"), "version": "1",
           "kanal": "webb"}
    row.update(zip(STATEMENTS, (str(v) for v in values)))
    return row


# Four children's answers (one short of an average) and five guardians' (just enough); one guardian
# skipped a statement (a file may have blanks), another year's answer and one outside the register.
DELAKTIGHET = [
    answer("10000001", "barn/ung", [5, 4, 3, 2, 1]),
    answer("10000001", "barn/ung", [4, 4, 4, 4, 4]),
    answer("10000002", "Barn/ung", [3, 5, 2, 5, 5]),
    answer("", "barn/ung", [2, 3, 5, 1, 4], organisation="region"),
    answer("10000001", "vårdnadshavare", [5, 5, 4, 3, 5]),
    answer("10000001", "vårdnadshavare", [4, 3, 4, 4, 5]),
    answer("10000002", "vårdnadshavare", [3, 2, 1, 5, 4]),
    answer("10000004", "vårdnadshavare", [5, 4, 4, 4, 4]),
    answer("", "vårdnadshavare", [1, 5, 3, 2, 3], organisation="socialtjänst"),
    dict(answer("10000004", "vårdnadshavare", [4, 4, 4, 4, 4]), forstod_beslut=""),
    answer("10000001", "barn/ung", [1, 1, 1, 1, 1], lasar="2024/25"),
    answer("99999999", "barn/ung", [1, 1, 1, 1, 1]),
]


def school_year(datum: str) -> str:
    """The school year of a date, written out independently of backoffice.schoolyear."""
    year, month = int(datum[:4]), int(datum[5:7])
    start = year if month >= 7 else year - 1
    return f"{start}/{str(start + 1)[2:]}"


def latest_by(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    """The highest version per key, with a plain loop."""
    latest: dict[tuple, dict] = {}
    for row in rows:
        k = tuple(row[name] for name in key)
        if k not in latest or int(row["version"]) > int(latest[k]["version"]):
            latest[k] = row
    return list(latest.values())


def table_rows(ws, name: str) -> list[dict]:
    """The data rows of an Excel table on a reopened worksheet, as {header: value}."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ws.tables[name].ref)
    header = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
    rows = []
    for r in range(min_row + 1, max_row + 1):
        values = [ws.cell(r, c).value for c in range(min_col, max_col + 1)]
        if any(v is not None for v in values):
            rows.append(dict(zip(header, values)))
    return rows


# The three school forms' fixture rows, as compile_statistics takes them (form id → rows).
SCHOOL_ROWS = {"arsuppfoljning": ARSUPPFOLJNING, "avvikelse": AVVIKELSE, "stickprov": STICKPROV}
ALL_ROWS = {**SCHOOL_ROWS, "motesrapport": MOTESRAPPORT, "delaktighet": DELAKTIGHET}

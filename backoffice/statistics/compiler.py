"""Compile the follow-up statistics: pure functions from submitted rows and the register to figures.

Nothing here reads files or knows a spreadsheet: the input is lists of row dicts (the store's shape,
every value a string) and the school register, the output plain dataclasses that the exporters
(`statsheets`, `workbook`, `publish`, `aggregates`) render.
"""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from backoffice.store.versions import latest_versions

# The store's system columns (issue 5): which version of a keyed row is the latest.
VERSION_COLUMN = "version"
RECEIVED_COLUMN = "mottagen"

LASAR_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")
STATUS_SUBMITTED = "Inskickad"
STATUS_MISSING = "Saknas"


# ---------------------------------------------------------------- form facts (from the schemas)

@dataclass(frozen=True)
class Requirement:
    """One documentation requirement of the audit (a ja/nej field of the stickprov form)."""

    field: str
    title: str


@dataclass(frozen=True)
class FormFacts:
    """What the statistics need to know about the forms, read from their schemas."""

    requirements: tuple[Requirement, ...]
    categories: tuple[str, ...]
    organisations: tuple[str, ...]
    organisation_separator: str = ","


def _descriptor(schema: Any) -> dict:
    """A schema as a plain dict, whether it came as a dict or a Frictionless Schema."""
    if isinstance(schema, Mapping):
        return dict(schema)
    return schema.to_descriptor()


def _field_enum(fld: Mapping) -> list[str]:
    return list((fld.get("constraints") or {}).get("enum") or [])


def form_facts(stickprov_schema: Any, avvikelse_schema: Any) -> FormFacts:
    """Read the audit requirements, deviation categories and organisations from the two schemas."""
    stickprov = _descriptor(stickprov_schema)
    key = set((stickprov.get("sip:form") or {}).get("key") or stickprov.get("primaryKey") or [])
    requirements = tuple(
        Requirement(f["name"], f.get("title") or f["name"])
        for f in stickprov.get("fields", [])
        if f["name"] not in key and sorted(v.lower() for v in _field_enum(f)) == ["ja", "nej"]
    )
    avvikelse = {f["name"]: f for f in _descriptor(avvikelse_schema).get("fields", [])}
    categories = tuple(_field_enum(avvikelse.get("kategori", {})))
    listing = avvikelse.get("berorda_verksamheter", {}).get("sip:list") or {}
    return FormFacts(
        requirements=requirements,
        categories=categories,
        organisations=tuple(listing.get("values") or []),
        organisation_separator=listing.get("separator") or ",",
    )


# ---------------------------------------------------------------- small value helpers

def lasar_of_date(datum: str) -> str | None:
    """The school year a date belongs to (it starts 1 July): 2025-08-14 → 2025/26."""
    try:
        year, month = int(datum[:4]), int(datum[5:7])
    except (ValueError, TypeError):
        return None
    start = year if month >= 7 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def lasar_months(lasar: str) -> list[str]:
    """The twelve months of a school year as YYYY-MM, July to June."""
    match = LASAR_PATTERN.match(lasar)
    if not match:
        raise ValueError(f"Läsåret ska skrivas som 2025/26, inte {lasar!r}.")
    start = int(match.group(1))
    return [f"{start}-{m:02d}" for m in range(7, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 7)]


def _int(value: Any) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(float(text.replace(",", ".")))
    except ValueError:
        return None


def _yes_no(value: Any) -> str | None:
    """Normalise a yes/no(/pågår) answer written in any case; None when empty."""
    text = str(value or "").strip().lower()
    return text or None


def share(part: int, whole: int) -> float | None:
    """part/whole, or None when the whole is zero (no meaningful share)."""
    return part / whole if whole else None


def per_hundred(count: int | None, pupils: int | None) -> float | None:
    """A count per 100 pupils, None when either is unknown or there are no pupils."""
    if count is None or not pupils:
        return None
    return count * 100 / pupils


_SV_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_key(text: str) -> str:
    """Sort key that puts å, ä, ö after z, as a Swedish reader expects."""
    return (text or "").casefold().translate(_SV_ORDER)


# ---------------------------------------------------------------- results

@dataclass
class SchoolStats:
    """One register school's figures for the compiled school year."""

    skolenhetskod: str
    skolnamn: str
    huvudman: str
    huvudmannatyp: str
    omrade: str
    inskickad: bool
    elever: int | None
    sip_initierade: int | None = None
    sip_deltagit: int | None = None
    sip_per_100: float | None = None
    avvikelse_utredd: str | None = None
    avvikelser_utredda: int | None = None
    sip_kunnig_utsedd: str | None = None
    behov: str = ""
    mottagen: str = ""
    avvikelser: int = 0
    stickprov_dokument: int = 0
    stickprov_kontroller: int = 0
    stickprov_uppfyllda: int = 0

    @property
    def status(self) -> str:
        return STATUS_SUBMITTED if self.inskickad else STATUS_MISSING

    @property
    def stickprov_andel(self) -> float | None:
        return share(self.stickprov_uppfyllda, self.stickprov_kontroller)


@dataclass
class GroupStats:
    """Totals for a group of schools (an area, a huvudman type), or for the whole administration."""

    namn: str
    skolor: int = 0
    inskickade: int = 0
    sip_initierade: int = 0
    sip_deltagit: int = 0
    # Pupils of submitted schools whose pupil count is known: the base of SIP per 100 pupils.
    elever: int = 0
    sip_initierade_med_elevtal: int = 0
    sip_kunnig_utsedd: int = 0
    avvikelse_utredd: int = 0
    avvikelser_utredda: int = 0
    avvikelser: int = 0
    stickprov_dokument: int = 0
    stickprov_kontroller: int = 0
    stickprov_uppfyllda: int = 0

    @property
    def andel_inskickade(self) -> float | None:
        return share(self.inskickade, self.skolor)

    @property
    def sip_per_100(self) -> float | None:
        return per_hundred(self.sip_initierade_med_elevtal, self.elever)

    @property
    def stickprov_andel(self) -> float | None:
        return share(self.stickprov_uppfyllda, self.stickprov_kontroller)

    def add(self, school: SchoolStats) -> None:
        """Count one school into the group."""
        self.skolor += 1
        self.avvikelser += school.avvikelser
        self.stickprov_dokument += school.stickprov_dokument
        self.stickprov_kontroller += school.stickprov_kontroller
        self.stickprov_uppfyllda += school.stickprov_uppfyllda
        if not school.inskickad:
            return
        self.inskickade += 1
        self.sip_initierade += school.sip_initierade or 0
        self.sip_deltagit += school.sip_deltagit or 0
        if school.elever and school.sip_initierade is not None:
            self.elever += school.elever
            self.sip_initierade_med_elevtal += school.sip_initierade
        self.sip_kunnig_utsedd += school.sip_kunnig_utsedd == "ja"
        self.avvikelse_utredd += school.avvikelse_utredd == "ja"
        self.avvikelser_utredda += school.avvikelser_utredda or 0


@dataclass
class Count:
    """A labelled count (a category, an organisation, a month)."""

    namn: str
    antal: int


@dataclass
class Deviations:
    """The school year's deviations, counted several ways."""

    totalt: int
    per_kategori: list[Count]
    per_verksamhet: list[Count]
    per_manad: list[Count]
    # kategori → verksamhet → count (a deviation touching two organisations counts under both).
    kategori_verksamhet: dict[str, dict[str, int]]
    lost_i_chefslinjen: dict[str, int]
    handelseanalys: int
    rapporterad_medcontrol: int


@dataclass
class RequirementStats:
    """How many audited documents meet one requirement."""

    field: str
    title: str
    granskade: int
    uppfyllda: int

    @property
    def andel(self) -> float | None:
        return share(self.uppfyllda, self.granskade)


@dataclass
class Audit:
    """The documentation audit (stickprov) of the school year."""

    dokument: int
    kontroller: int
    uppfyllda: int
    helt_uppfyllda: int  # documents meeting every requirement
    per_krav: list[RequirementStats]
    per_arendetyp: list[Count]

    @property
    def andel(self) -> float | None:
        return share(self.uppfyllda, self.kontroller)


@dataclass
class TrendRow:
    """The administration's totals for one school year."""

    lasar: str
    skolor: int
    inskickade: int
    sip_initierade: int
    sip_deltagit: int
    sip_kunnig_utsedd: int
    avvikelser: int
    stickprov_dokument: int
    stickprov_kontroller: int
    stickprov_uppfyllda: int

    @property
    def andel_inskickade(self) -> float | None:
        return share(self.inskickade, self.skolor)

    @property
    def stickprov_andel(self) -> float | None:
        return share(self.stickprov_uppfyllda, self.stickprov_kontroller)


# The meeting report's figures: (attribute, field, the answer counted).
MEETING_FLAGS = (
    ("barnet_i_motet", "barnet_deltog", "i mötet"),
    ("barnet_annat", "barnet_deltog", "på annat sätt"),
    ("alla_deltog", "alla_kallade_deltog", "ja"),
    ("inom_tre_veckor", "inom_tre_veckor", "ja"),
    ("uppfoljning_bokad", "uppfoljning_bokad", "ja"),
)
# No average is shown from fewer answers than this (the survey is about children and families).
MIN_ANSWERS = 5
AUDIENCES = ("barn/ung", "vårdnadshavare")


@dataclass
class MeetingStats:
    """Reported SIP meetings of a school, a group of schools, an organisation outside school or all."""

    namn: str
    moten: int = 0
    barnet_i_motet: int = 0
    barnet_annat: int = 0
    alla_deltog: int = 0
    inom_tre_veckor: int = 0
    uppfoljning_bokad: int = 0
    skolenhetskod: str = ""

    def add(self, row: Mapping[str, str]) -> None:
        """Count one meeting report."""
        self.moten += 1
        for attribute, name, answer in MEETING_FLAGS:
            if (_yes_no(row.get(name)) or "") == answer:
                setattr(self, attribute, getattr(self, attribute) + 1)

    def merge(self, other: "MeetingStats") -> None:
        """Add another's counts (a school's into its group)."""
        self.moten += other.moten
        for attribute, _, _ in MEETING_FLAGS:
            setattr(self, attribute, getattr(self, attribute) + getattr(other, attribute))

    def andel(self, attribute: str) -> float | None:
        """The share of meetings with the flag (None without meetings)."""
        return share(getattr(self, attribute), self.moten)

    @property
    def barnet_delaktigt(self) -> int:
        """Meetings where the child took part in the meeting or in another way."""
        return self.barnet_i_motet + self.barnet_annat


@dataclass
class Answers:
    """The answers to one statement: how many, and their sum (the average is sum / count)."""

    antal: int = 0
    summa: int = 0

    def add(self, value: int) -> None:
        self.antal += 1
        self.summa += value

    def medel(self, minimum: int = MIN_ANSWERS) -> float | None:
        """The average, or None from fewer than `minimum` answers."""
        return self.summa / self.antal if self.antal and self.antal >= minimum else None


@dataclass
class StatementStats:
    """One statement of the survey: all answers, and the answers per kind of respondent."""

    field: str
    title: str
    alla: Answers
    per_svarande: dict[str, Answers]


@dataclass
class Survey:
    """The child and guardian survey of the school year."""

    svar: int
    per_svarande: dict[str, int]
    pastaenden: list[StatementStats]


@dataclass
class Statistics:
    """Everything compiled for one school year, ready for the exporters."""

    lasar: str
    compiled_at: datetime
    sources: list[str]
    grouping: str  # "område" (from a mapping file) or "huvudmannatyp"
    facts: FormFacts
    schools: list[SchoolStats]
    groups: list[GroupStats]
    by_huvudman: list[GroupStats]
    total: GroupStats
    deviations: Deviations
    audit: Audit
    trend: list[TrendRow]
    # Rows of the compiled school year left out because their school is not in the register, per form.
    outside_register: dict[str, int] = field(default_factory=dict)
    # Meeting reports: all, per group of schools, per school (with reports), per organisation outside school.
    meetings: MeetingStats = field(default_factory=lambda: MeetingStats("Hela förvaltningen"))
    meetings_by_group: list[MeetingStats] = field(default_factory=list)
    meetings_by_school: list[MeetingStats] = field(default_factory=list)
    meetings_by_organisation: list[MeetingStats] = field(default_factory=list)
    survey: Survey | None = None

    @property
    def missing(self) -> list[SchoolStats]:
        return [s for s in self.schools if not s.inskickad]

    @property
    def needs(self) -> list[SchoolStats]:
        return [s for s in self.schools if s.inskickad and s.behov.strip()]


# ---------------------------------------------------------------- compiling

def split_organisations(value: str, facts: FormFacts) -> list[str]:
    """The organisations of a multi-valued cell, matched to the schema's spelling."""
    canonical = {o.casefold(): o for o in facts.organisations}
    parts = re.split(r"\s*[" + re.escape(facts.organisation_separator) + r";]\s*", value or "")
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if part:
            name = canonical.get(part.casefold(), part)
            if name not in out:
                out.append(name)
    return out


def _count_deviations(rows: list[Mapping[str, str]], lasar: str, facts: FormFacts) -> Deviations:
    categories: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    months: Counter[str] = Counter()
    matrix: dict[str, Counter[str]] = defaultdict(Counter)
    resolved: Counter[str] = Counter()
    analyses = reported = 0
    for row in rows:
        category = str(row.get("kategori", "")).strip()
        categories[category] += 1
        months[str(row.get("datum", "")).strip()[:7]] += 1
        for org in split_organisations(str(row.get("berorda_verksamheter", "")), facts):
            organisations[org] += 1
            matrix[category][org] += 1
        resolved[_yes_no(row.get("lost_i_chefslinjen")) or ""] += 1
        analyses += _yes_no(row.get("handelseanalys")) == "ja"
        reported += _yes_no(row.get("rapporterad_medcontrol")) == "ja"

    def listed(counter: Counter[str], known: Iterable[str]) -> list[Count]:
        # Every known value is listed, even at zero, then anything unexpected in the data.
        known = list(known)
        extra = sorted((k for k in counter if k not in known), key=swedish_key)
        return [Count(name, counter.get(name, 0)) for name in known + extra]

    return Deviations(
        totalt=len(rows),
        per_kategori=listed(categories, facts.categories),
        per_verksamhet=listed(organisations, facts.organisations),
        per_manad=listed(months, lasar_months(lasar)),
        kategori_verksamhet={c: dict(matrix.get(c, {})) for c in [x.namn for x in listed(categories, facts.categories)]},
        lost_i_chefslinjen={k: resolved.get(k, 0) for k in ("ja", "nej", "pågår")},
        handelseanalys=analyses,
        rapporterad_medcontrol=reported,
    )


def _count_audit(rows: list[Mapping[str, str]], facts: FormFacts) -> Audit:
    met = Counter()
    checked = Counter()
    fully = 0
    case_types: Counter[str] = Counter()
    for row in rows:
        case_types[str(row.get("arendetyp", "")).strip()] += 1
        all_met = True
        for req in facts.requirements:
            answer = _yes_no(row.get(req.field))
            if answer is None:
                all_met = False
                continue
            checked[req.field] += 1
            met[req.field] += answer == "ja"
            all_met = all_met and answer == "ja"
        fully += all_met
    return Audit(
        dokument=len(rows),
        kontroller=sum(checked.values()),
        uppfyllda=sum(met.values()),
        helt_uppfyllda=fully,
        per_krav=[RequirementStats(r.field, r.title, checked[r.field], met[r.field]) for r in facts.requirements],
        per_arendetyp=[Count(k, v) for k, v in sorted(case_types.items(), key=lambda kv: swedish_key(kv[0]))],
    )


def _school_stats(register: Mapping[str, Any], annual: list[Mapping[str, str]],
                  deviations: list[Mapping[str, str]], audits: list[Mapping[str, str]],
                  facts: FormFacts, areas: Mapping[str, str] | None) -> list[SchoolStats]:
    by_code = {str(r.get("skolenhetskod", "")).strip(): r for r in annual}
    deviation_count = Counter(str(r.get("skolenhetskod", "")).strip() for r in deviations)
    audit_docs: Counter[str] = Counter()
    audit_checks: Counter[str] = Counter()
    audit_met: Counter[str] = Counter()
    for row in audits:
        code = str(row.get("skolenhetskod", "")).strip()
        audit_docs[code] += 1
        for req in facts.requirements:
            answer = _yes_no(row.get(req.field))
            if answer is not None:
                audit_checks[code] += 1
                audit_met[code] += answer == "ja"
    schools = []
    for code, school in register.items():
        pupils_parts = [p for p in (school.elever_f, school.elever_1_9) if p is not None]
        pupils = sum(pupils_parts) if pupils_parts else None
        area = (areas or {}).get(code) if areas is not None else school.huvudmannatyp
        stats = SchoolStats(
            skolenhetskod=code, skolnamn=school.skolnamn, huvudman=school.huvudman,
            huvudmannatyp=school.huvudmannatyp, omrade=area or "Utan område",
            inskickad=code in by_code, elever=pupils,
            avvikelser=deviation_count.get(code, 0), stickprov_dokument=audit_docs.get(code, 0),
            stickprov_kontroller=audit_checks.get(code, 0), stickprov_uppfyllda=audit_met.get(code, 0),
        )
        row = by_code.get(code)
        if row is not None:
            stats.sip_initierade = _int(row.get("sip_initierade"))
            stats.sip_deltagit = _int(row.get("sip_deltagit"))
            stats.sip_per_100 = per_hundred(stats.sip_initierade, pupils)
            stats.avvikelse_utredd = _yes_no(row.get("avvikelse_utredd"))
            stats.avvikelser_utredda = _int(row.get("avvikelser_utredda"))
            stats.sip_kunnig_utsedd = _yes_no(row.get("sip_kunnig_utsedd"))
            stats.behov = str(row.get("behov") or "")
            stats.mottagen = str(row.get(RECEIVED_COLUMN) or "")
        schools.append(stats)
    schools.sort(key=lambda s: (swedish_key(s.skolnamn), s.skolenhetskod))
    return schools


def _by_year(rows: Iterable[Mapping[str, str]], year_of) -> dict[str, list[Mapping[str, str]]]:
    """Rows grouped by school year in one pass (the trend would otherwise rescan them per year)."""
    grouped: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for row in rows:
        year = year_of(row)
        if year:
            grouped[year].append(row)
    return grouped


def _trend(register: Mapping[str, Any], annual: dict[str, list], deviations: dict[str, list],
           audits: dict[str, list], facts: FormFacts) -> list[TrendRow]:
    rows = []
    for year in sorted(y for y in set(annual) | set(deviations) | set(audits) if LASAR_PATTERN.match(y)):
        year_annual = annual.get(year, [])
        year_audit = _count_audit(audits.get(year, []), facts)
        rows.append(TrendRow(
            lasar=year, skolor=len(register), inskickade=len(year_annual),
            sip_initierade=sum(_int(r.get("sip_initierade")) or 0 for r in year_annual),
            sip_deltagit=sum(_int(r.get("sip_deltagit")) or 0 for r in year_annual),
            sip_kunnig_utsedd=sum(_yes_no(r.get("sip_kunnig_utsedd")) == "ja" for r in year_annual),
            avvikelser=len(deviations.get(year, [])),
            stickprov_dokument=year_audit.dokument, stickprov_kontroller=year_audit.kontroller,
            stickprov_uppfyllda=year_audit.uppfyllda,
        ))
    return rows


# What the trend reads from another school year's rows (besides the requirements of an audit).
TREND_FIELDS = {
    "arsuppfoljning": ("skolenhetskod", "lasar", "sip_initierade", "sip_deltagit", "sip_kunnig_utsedd",
                       VERSION_COLUMN, RECEIVED_COLUMN),
    "avvikelse": ("skolenhetskod", "datum"),
    "stickprov": ("skolenhetskod", "lasar", "dokument_nr", VERSION_COLUMN, RECEIVED_COLUMN),
}


def year_of_row(form: str, row: Mapping[str, str]) -> str | None:
    """The school year a row counts in: its `lasar`, or for deviations and meetings the year of its date."""
    if form in ("avvikelse", "motesrapport"):
        return lasar_of_date(str(row.get("datum", "")).strip())
    return str(row.get("lasar", "")).strip() or None


def rows_needed(form: str, lasar: str, rows: Iterable[Mapping[str, str]], facts: FormFacts) -> list[Mapping[str, str]]:
    """The rows compiling `lasar` reads: that year's whole, other years' cut to what the trend counts.

    Meeting reports and survey answers of other years are not in any sheet and are left out, so a
    store with many school years need not be held in memory whole.
    """
    keep = TREND_FIELDS.get(form)
    if keep is not None and form == "stickprov":
        keep = keep + tuple(r.field for r in facts.requirements)
    out = []
    for row in rows:
        if year_of_row(form, row) == lasar:
            out.append(row)
        elif keep is not None:
            # Interned: the same few answers ("ja", "2019/20") are then held once, not once per row.
            out.append({name: sys.intern(row[name]) for name in keep if name in row})
    return out


def compile_statistics(
    lasar: str,
    register: Mapping[str, Any],
    facts: FormFacts,
    *,
    arsuppfoljning: Iterable[Mapping[str, str]] = (),
    avvikelse: Iterable[Mapping[str, str]] = (),
    stickprov: Iterable[Mapping[str, str]] = (),
    motesrapport: Iterable[Mapping[str, str]] = (),
    delaktighet: Iterable[Mapping[str, str]] = (),
    delaktighet_schema: Mapping | None = None,
    areas: Mapping[str, str] | None = None,
    sources: Iterable[str] = (),
    compiled_at: datetime | None = None,
) -> Statistics:
    """Compile one school year's statistics over the register's schools.

    `arsuppfoljning` and `stickprov` may hold several versions of a row (the store keeps them all):
    only the latest per key counts. Every `avvikelse` row counts, in the school year of its date.
    `areas` maps skolenhetskod → område; without it schools are grouped by huvudmannatyp.
    Rows for schools outside the register are left out; those of `lasar` are counted in `outside_register`.
    Every `motesrapport` row counts in the school year of its date (a school's, or an organisation's
    outside school); `delaktighet` rows count in their `lasar`. The survey's statements are read
    from `delaktighet_schema` (the form's schema; loaded from forms/ when not given).
    """
    lasar_months(lasar)  # rejects a malformed school year early, with a Swedish message
    outside: Counter[str] = Counter()

    def left_out(row: Mapping[str, str], form: str) -> None:
        # Reported for the compiled school year only: other years' rows are the trend's business.
        if year_of_row(form, row) == lasar:
            outside[form] += 1

    def in_register(rows: Iterable[Mapping[str, str]], form: str) -> list[Mapping[str, str]]:
        kept = []
        for row in rows:
            if str(row.get("skolenhetskod", "")).strip() in register:
                kept.append(row)
            else:
                left_out(row, form)
        return kept

    annual_all = in_register(latest_versions(arsuppfoljning, ("skolenhetskod", "lasar")), "arsuppfoljning")
    audit_all = in_register(latest_versions(stickprov, ("skolenhetskod", "lasar", "dokument_nr")), "stickprov")
    deviation_all = in_register(list(avvikelse), "avvikelse")

    def school_or_organisation(rows: Iterable[Mapping[str, str]], form: str) -> list[Mapping[str, str]]:
        # A row outside school names its organisation instead of a school code.
        kept = []
        for row in rows:
            if str(row.get("skolenhetskod", "")).strip():
                kept.extend(in_register([row], form))
            elif str(row.get("organisation", "")).strip():
                kept.append(row)
            else:
                left_out(row, form)
        return kept

    meeting_rows = [r for r in school_or_organisation(motesrapport, "motesrapport")
                    if lasar_of_date(str(r.get("datum", "")).strip()) == lasar]
    survey_rows = [r for r in school_or_organisation(delaktighet, "delaktighet")
                   if str(r.get("lasar", "")).strip() == lasar]
    if delaktighet_schema is None:
        from backoffice.forms.schema import load_descriptor

        delaktighet_schema = load_descriptor("delaktighet")

    annual_years = _by_year(annual_all, lambda r: str(r.get("lasar", "")).strip())
    deviation_years = _by_year(deviation_all, lambda r: lasar_of_date(str(r.get("datum", "")).strip()))
    audit_years = _by_year(audit_all, lambda r: str(r.get("lasar", "")).strip())
    annual = annual_years.get(lasar, [])
    deviations = deviation_years.get(lasar, [])
    audits = audit_years.get(lasar, [])

    schools = _school_stats(register, annual, deviations, audits, facts, areas)
    groups: dict[str, GroupStats] = {}
    owners: dict[str, GroupStats] = {}
    total = GroupStats("Hela förvaltningen")
    for school in schools:
        groups.setdefault(school.omrade, GroupStats(school.omrade)).add(school)
        owners.setdefault(school.huvudman, GroupStats(school.huvudman)).add(school)
        total.add(school)
    meetings, meeting_groups, meeting_schools, meeting_orgs = _count_meetings(meeting_rows, schools)
    return Statistics(
        lasar=lasar,
        compiled_at=compiled_at or datetime.now(timezone.utc).replace(microsecond=0),
        sources=list(sources),
        grouping="område" if areas is not None else "huvudmannatyp",
        facts=facts,
        schools=schools,
        groups=sorted(groups.values(), key=lambda g: swedish_key(g.namn)),
        by_huvudman=sorted(owners.values(), key=lambda g: swedish_key(g.namn)),
        total=total,
        deviations=_count_deviations(deviations, lasar, facts),
        audit=_count_audit(audits, facts),
        trend=_trend(register, annual_years, deviation_years, audit_years, facts),
        outside_register=dict(outside),
        meetings=meetings,
        meetings_by_group=meeting_groups,
        meetings_by_school=meeting_schools,
        meetings_by_organisation=meeting_orgs,
        survey=_count_survey(survey_rows, _statements(delaktighet_schema)),
    )


def _statements(delaktighet_schema: Mapping | None) -> list[tuple[str, str]]:
    """The survey's 1–5 statements (field, title) from its schema."""
    fields = (delaktighet_schema or {}).get("fields", [])
    return [(f["name"], f.get("title") or f["name"]) for f in fields
            if f.get("type") == "integer" and sorted(_field_enum(f)) == [1, 2, 3, 4, 5]]


def _count_meetings(rows: list[Mapping[str, str]], schools: list[SchoolStats]):
    """Meeting reports counted for all, per school, per group of schools and per organisation."""
    total = MeetingStats("Hela förvaltningen")
    by_code: dict[str, MeetingStats] = {}
    by_org: dict[str, MeetingStats] = {}
    for row in rows:
        total.add(row)
        code = str(row.get("skolenhetskod", "")).strip()
        if code:
            by_code.setdefault(code, MeetingStats("", skolenhetskod=code)).add(row)
        else:
            name = str(row.get("organisation", "")).strip()
            by_org.setdefault(name, MeetingStats(name)).add(row)
    groups: dict[str, MeetingStats] = {}
    per_school = []
    for school in schools:  # already in Swedish name order
        groups.setdefault(school.omrade, MeetingStats(school.omrade))
        counted = by_code.get(school.skolenhetskod)
        if counted is not None:
            counted.namn = school.skolnamn
            groups[school.omrade].merge(counted)
            per_school.append(counted)
    return (total, sorted(groups.values(), key=lambda g: swedish_key(g.namn)), per_school,
            sorted(by_org.values(), key=lambda g: swedish_key(g.namn)))


def _count_survey(rows: list[Mapping[str, str]], statements: list[tuple[str, str]]) -> Survey:
    respondents: Counter[str] = Counter()
    result = [StatementStats(name, title, Answers(), {a: Answers() for a in AUDIENCES})
              for name, title in statements]
    for row in rows:
        who = str(row.get("svarande", "")).strip().lower()
        respondents[who] += 1
        for item in result:
            value = _int(row.get(item.field))
            if value is None or not 1 <= value <= 5:
                continue
            item.alla.add(value)
            item.per_svarande.setdefault(who, Answers()).add(value)
    return Survey(svar=len(rows), per_svarande={a: respondents.get(a, 0) for a in AUDIENCES}, pastaenden=result)


def load_form_facts() -> FormFacts:
    """The form facts read from forms/stickprov and forms/avvikelse (the only file access here)."""
    from backoffice.forms.schema import load_descriptor

    return form_facts(load_descriptor("stickprov"), load_descriptor("avvikelse"))

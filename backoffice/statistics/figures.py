"""The compiled figures: plain dataclasses the form statistics fill in and the exporters render.

Nothing here reads a row: `arsuppfoljning`, `avvikelse`, `stickprov`, `motesrapport`, `delaktighet`
and `generic` count, `compiler` puts the counts together, and `sheets`, `workbook`, `publish` and
`aggregates` show them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from backoffice.statistics.values import per_hundred, share

STATUS_SUBMITTED = "Inskickad"
STATUS_MISSING = "Saknas"
ADMINISTRATION = "Hela förvaltningen"
# The meeting figures: meetings with the child in the meeting, the child taking part another way,
# everyone called present, held within three weeks, follow-up booked.
MEETING_FIGURES = ("barnet_i_motet", "barnet_annat", "alla_deltog", "inom_tre_veckor", "uppfoljning_bokad")
# No average is shown from fewer answers than this (the survey is about children and families).
MIN_ANSWERS = 5


@dataclass
class SchoolStats:
    """One register school's figures for the compiled school year."""

    skolenhetskod: str
    skolnamn: str
    huvudman: str
    huvudmannatyp: str
    omrade: str
    elever: int | None
    inskickad: bool = False
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
class Totals:
    """The counts that add up over schools: a group's, the administration's, a school year's in the trend."""

    skolor: int = 0
    inskickade: int = 0
    sip_initierade: int = 0
    sip_deltagit: int = 0
    sip_kunnig_utsedd: int = 0
    avvikelser: int = 0
    stickprov_dokument: int = 0
    stickprov_kontroller: int = 0
    stickprov_uppfyllda: int = 0

    @property
    def andel_inskickade(self) -> float | None:
        return share(self.inskickade, self.skolor)

    @property
    def stickprov_andel(self) -> float | None:
        return share(self.stickprov_uppfyllda, self.stickprov_kontroller)


@dataclass
class GroupStats(Totals):
    """Totals for a group of schools (an area, a huvudman type), or for the whole administration."""

    namn: str = ""
    # Pupils of submitted schools whose pupil count is known: the base of SIP per 100 pupils.
    elever: int = 0
    sip_initierade_med_elevtal: int = 0
    avvikelse_utredd: int = 0
    avvikelser_utredda: int = 0

    @property
    def sip_per_100(self) -> float | None:
        return per_hundred(self.sip_initierade_med_elevtal, self.elever)

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


@dataclass(frozen=True)
class Requirement:
    """One documentation requirement of the audit (a ja/nej field of its schema)."""

    field: str
    title: str


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
class TrendRow(Totals):
    """The administration's totals for one school year (each form's statistic fills in its own)."""

    lasar: str = ""


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

    def merge(self, other: "MeetingStats") -> None:
        """Add another's counts (a school's into its group)."""
        self.moten += other.moten
        for attribute in MEETING_FIGURES:
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

    @property
    def audiences(self) -> tuple[str, ...]:
        """The kinds of respondent (from the survey's schema), in its order."""
        return tuple(self.per_svarande)


@dataclass(frozen=True)
class Measure:
    """One figure the generic statistic gives a form: its rows, the rows with one answer, or a field's sum."""

    key: str  # "svar", "field=answer", "field=" (rows without an answer) or "field+" (the sum)
    title: str
    field: str | None = None
    value: str | None = None  # the answer counted ("" for no answer); None for rows and sums

    @property
    def is_sum(self) -> bool:
        return self.key.endswith("+")


ROWS = Measure("svar", "Svar")


@dataclass
class Tally:
    """A form's generic figures for one school, group, organisation or the whole administration."""

    namn: str
    values: dict[str, int]
    skolenhetskod: str = ""
    omrade: str = ""


@dataclass
class FormCounts:
    """The generic statistic of a form that has no statistic of its own: its rows counted per unit."""

    form: str
    title: str
    measures: list[Measure]
    total: Tally
    groups: list[Tally]
    schools: list[Tally]  # every register school, in the schools' order
    organisations: list[Tally]  # organisations outside school (forms with an organisation field)

    def breakdowns(self) -> list[list[str]]:
        """Per answered field, the measures whose counts add up to the rows (a published sum)."""
        fields: dict[str, list[str]] = {}
        for measure in self.measures:
            if measure.value is not None:
                fields.setdefault(measure.field, []).append(measure.key)
        return list(fields.values())


@dataclass
class Statistics:
    """Everything compiled for one school year, ready for the exporters."""

    lasar: str
    compiled_at: datetime
    sources: list[str]
    grouping: str  # "område" (from a mapping file) or "huvudmannatyp"
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
    meetings: MeetingStats = field(default_factory=lambda: MeetingStats(ADMINISTRATION))
    meetings_by_group: list[MeetingStats] = field(default_factory=list)
    meetings_by_school: list[MeetingStats] = field(default_factory=list)
    meetings_by_organisation: list[MeetingStats] = field(default_factory=list)
    survey: Survey | None = None
    # Every other form in forms/, counted by the generic statistic, in form id order.
    other_forms: list[FormCounts] = field(default_factory=list)
    # The questions the edition asks: form id → its field names → their titles (a form it does not
    # use is absent). A figure of a question that is not asked is left out, never shown as 0.
    asked: dict[str, dict[str, str]] = field(default_factory=dict)
    register_file: str = "skolor.csv"  # the school register's own file name (never a server path)

    def asks(self, form: str, name: str | None = None) -> bool:
        """True when the edition uses the form (and, given a field name, asks that question)."""
        fields = self.asked.get(form)
        return fields is not None and (name is None or name in fields)

    @property
    def missing(self) -> list[SchoolStats]:
        return [s for s in self.schools if not s.inskickad]

    @property
    def needs(self) -> list[SchoolStats]:
        return [s for s in self.schools if s.inskickad and s.behov.strip()]

"""Write the administration- and area-level aggregates as JSON for the handbook's statistics page.

Counts that concern children (SIP processes, meetings, deviations, audited documents, survey answers)
from 1 up to the threshold minus one are replaced by `..`, zero stays 0, and wherever published
figures add up to a published total (groups to the administration, schools to their group,
categories and months to all deviations, respondents to all answers, a form's answers per choice to
its rows) more cells are hidden until no hidden count can be worked out by subtraction. Counts of
schools are not about children and are shown as they are. Per-school figures are included only when
asked for.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Hashable, Iterable, Mapping

from backoffice.statistics import delaktighet as survey_module
from backoffice.statistics.asked import asked_only
from backoffice.statistics.figures import MEETING_FIGURES, MIN_ANSWERS, ROWS, FormCounts, GroupStats, Statistics, Tally
from backoffice.statistics.outputs import write_whole
from backoffice.statistics.values import share

FORMAT = "sip-statistik/1"
SUPPRESSED = ".."
DEFAULT_THRESHOLD = 5

Value = int | float | str | None
# A published sum: (the total's cell, the cells of its parts).
Sum = tuple[Hashable, list[Hashable]]


def suppress(count: int, threshold: int = DEFAULT_THRESHOLD) -> int | str:
    """A count as published: `..` when 1 ≤ count < threshold, else the count (0 stays 0)."""
    if threshold < 1:
        raise ValueError("Tröskeln för undertryckning måste vara minst 1.")
    return SUPPRESSED if 0 < count < threshold else count


def _one_more(values: Mapping[Hashable, int], hidden: set, total: Hashable, parts: list[Hashable],
              threshold: int) -> Hashable | None:
    """The next cell to hide so that `total = sum(parts)` gives no hidden count away, or None."""
    hidden_parts = [p for p in parts if p in hidden]
    # The smallest shown non-zero part (the first of equals), the one to hide next if need be.
    shown = min(((values[p], i) for i, p in enumerate(parts) if p not in hidden and values[p] > 0), default=None)
    smallest = parts[shown[1]] if shown else None
    if total in hidden:
        # A hidden total must not be the sum of published parts (it is a part of a sum above).
        return smallest if not hidden_parts else None
    if not hidden_parts:
        return None
    # Hidden cells are known to be at least 1 (0 is shown). The hidden ones together are
    # total − shown: safe when that is not a small count itself and not pinned to all ones.
    together = sum(values[p] for p in hidden_parts)
    if len(hidden_parts) >= 2 and together >= threshold and together > len(hidden_parts):
        return None
    return smallest if smallest is not None else total


def protect(values: Mapping[Hashable, int], sums: Iterable[Sum], threshold: int = DEFAULT_THRESHOLD,
            hidden: Iterable[Hashable] = ()) -> set:
    """The cells to publish as `..`: the small counts, and as few more as keep every sum from giving one away.

    `hidden` are cells already unpublished for another reason (their share's base is hidden).
    Cells are hidden one at a time, smallest first, until every sum is safe.
    """
    if threshold < 1:
        raise ValueError("Tröskeln för undertryckning måste vara minst 1.")
    sums = list(sums)
    out = {k for k, v in values.items() if 0 < v < threshold} | set(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            extra = _one_more(values, out, total, parts, threshold)
            if extra is not None:
                out.add(extra)
                changed = True
    return out


def suppress_breakdown(counts: list[int], threshold: int = DEFAULT_THRESHOLD) -> list[int | str]:
    """Suppress a breakdown whose parts add up to a published total (secondary suppression)."""
    values = {("del", i): c for i, c in enumerate(counts)}
    values["summa"] = sum(counts)
    hidden = protect(values, [("summa", [("del", i) for i in range(len(counts))])], threshold)
    return [SUPPRESSED if ("del", i) in hidden else c for i, c in enumerate(counts)]


def _ratio(value: float | None, *hidden: bool) -> Value:
    """A share or rate, hidden when a count it is computed from is hidden; rounded for display."""
    if any(hidden):
        return SUPPRESSED
    return None if value is None else round(value, 4)


# The child-related counts of schools, groups and the whole administration.
SCHOOL_COUNTS = ("sip_initierade", "sip_deltagit", "avvikelser", "stickprov_dokument")
# The counts of meetings: all meetings, then the meetings with each flag (the parts of the shares).
MEETING_COUNTS = ("moten",) + MEETING_FIGURES
TOTAL = "totalt"


def _school_cells(stats: Statistics, key: str, per_school: bool, breakdowns: Mapping[str, list[int]]):
    """One count's cells (total, groups, schools when published, breakdowns of the total) and its sums."""
    values: dict[Hashable, int] = {TOTAL: getattr(stats.total, key)}
    groups = [("grupp", g.namn) for g in stats.groups]
    values.update({("grupp", g.namn): getattr(g, key) for g in stats.groups})
    sums: list[Sum] = [(TOTAL, groups)]
    for name, counts in breakdowns.items():
        cells = [(name, i) for i in range(len(counts))]
        values.update(zip(cells, counts))
        sums.append((TOTAL, cells))
    if per_school:
        members: dict[str, list[Hashable]] = {g.namn: [] for g in stats.groups}
        for s in stats.schools:
            # Schools that have not answered have no SIP figures: they are no part of those sums.
            if s.inskickad or key not in ("sip_initierade", "sip_deltagit"):
                values[("skola", s.skolenhetskod)] = getattr(s, key) or 0
                members[s.omrade].append(("skola", s.skolenhetskod))
        sums += [(("grupp", name), cells) for name, cells in members.items()]
    return values, sums


def _meeting_cells(stats: Statistics, key: str, per_school: bool):
    """One meeting count's cells (all, groups, organisations, schools when published) and its sums."""
    values: dict[Hashable, int] = {TOTAL: getattr(stats.meetings, key)}
    parts = []
    for kind, items in (("grupp", stats.meetings_by_group), ("organisation", stats.meetings_by_organisation)):
        for m in items:
            values[(kind, m.namn)] = getattr(m, key)
            parts.append((kind, m.namn))
    sums: list[Sum] = [(TOTAL, parts)]
    if per_school:
        area = {s.skolenhetskod: s.omrade for s in stats.schools}
        members: dict[str, list[Hashable]] = {m.namn: [] for m in stats.meetings_by_group}
        for m in stats.meetings_by_school:
            values[("skola", m.skolenhetskod)] = getattr(m, key)
            members[area[m.skolenhetskod]].append(("skola", m.skolenhetskod))
        sums += [(("grupp", name), cells) for name, cells in members.items()]
    return values, sums


def _published(value: int, cell: Hashable, hidden: set) -> int | str:
    return SUPPRESSED if cell in hidden else value


def _survey(stats: Statistics, threshold: int) -> dict[str, Any]:
    """Survey averages per statement with their number of answers; no average from too few answers.

    Each statement's answers are the children's plus the guardians': when one group is hidden, so
    is the other, or its average could be worked out from the overall average.
    """
    minimum = max(threshold, MIN_ANSWERS)
    survey = stats.survey
    if survey is None:
        return {"svar": 0, "per_svarande": {}, "pastaenden": [], "minsta_antal": minimum}
    audiences = list(survey.audiences)
    values = {TOTAL: survey.svar, **{a: survey.per_svarande[a] for a in audiences}}
    hidden = protect(values, [(TOTAL, audiences)], threshold)
    statements = []
    for item in survey.pastaenden:
        answers = {TOTAL: item.alla, **{a: item.per_svarande[a] for a in audiences}}
        small = protect({k: v.antal for k, v in answers.items()}, [(TOTAL, audiences)], minimum)

        def figures(cell: str) -> dict[str, Any]:
            if cell in small:
                return {"svar": SUPPRESSED, "medel": SUPPRESSED}
            average = answers[cell].medel(minimum)
            return {"svar": answers[cell].antal, "medel": None if average is None else round(average, 2)}

        statements.append({"falt": item.field, "namn": item.title, **figures(TOTAL),
                           "per_svarande": {a: figures(a) for a in audiences}})
    return {
        "svar": _published(survey.svar, TOTAL, hidden),
        "per_svarande": {a: _published(n, a, hidden) for a, n in survey.per_svarande.items()},
        "minsta_antal": minimum,
        "pastaenden": statements,
    }


# Published counts per cell, and the cells hidden: per child-related count of the schools.
Counts = dict[str, tuple[dict[Hashable, int], set]]


def _school_counts(stats: Statistics, threshold: int, per_school: bool) -> Counts:
    """Every child-related count of schools, groups and the administration, with what it must hide."""
    d = stats.deviations
    breakdowns = {"avvikelser": {
        "kategori": [c.antal for c in d.per_kategori],
        "manad": [c.antal for c in d.per_manad],
        # A deviation may touch several organisations, so these need not add up to the total;
        # when they do (or nearly do), they are a breakdown like the others.
        "verksamhet": [c.antal for c in d.per_verksamhet],
    }}
    counts: Counts = {}
    for key in SCHOOL_COUNTS:
        values, sums = _school_cells(stats, key, per_school, breakdowns.get(key, {}))
        counts[key] = (values, protect(values, sums, threshold))
    return counts


def _school_figures(counts: Counts, cell: Hashable, item, rate: float | None, threshold: int) -> dict[str, Any]:
    """A school's, group's or the administration's counts as published, and the shares built on them."""
    shown = {key: _published(values[cell], cell, hidden) if cell in values else None
             for key, (values, hidden) in counts.items()}
    # A group's rate counts only schools with a known pupil count (public in the register): the
    # SIP of the others is then the total minus rate × pupils, and must not be a small count.
    unrated = item.sip_initierade - item.sip_initierade_med_elevtal if isinstance(item, GroupStats) else 0
    shown["sip_per_100_elever"] = _ratio(rate, shown["sip_initierade"] == SUPPRESSED,
                                         suppress(unrated, threshold) == SUPPRESSED)
    shown["stickprov_andel_uppfyllda"] = _ratio(item.stickprov_andel, shown["stickprov_dokument"] == SUPPRESSED)
    return shown


def _group(g: GroupStats, cell: Hashable, counts: Counts, threshold: int) -> dict[str, Any]:
    # School counts are not about children: shown as they are.
    return {"namn": g.namn, "skolor": g.skolor, "inskickade": g.inskickade,
            "andel_inskickade": _ratio(g.andel_inskickade), "sip_kunnig_utsedd": g.sip_kunnig_utsedd,
            **_school_figures(counts, cell, g, g.sip_per_100, threshold)}


def _administration(stats: Statistics, counts: Counts, threshold: int) -> dict[str, Any]:
    """The whole administration's figures, with the audit's documents meeting every requirement."""
    audit = stats.audit
    total = _group(stats.total, TOTAL, counts, threshold)
    whole = suppress(audit.helt_uppfyllda, threshold)
    total.update({
        "avvikelse_utredd": stats.total.avvikelse_utredd,
        "stickprov_helt_uppfyllda": whole,
        "stickprov_andel_helt_uppfyllda": _ratio(share(audit.helt_uppfyllda, audit.dokument),
                                                 total["stickprov_dokument"] == SUPPRESSED, whole == SUPPRESSED),
    })
    return total


def _requirements(stats: Statistics, threshold: int) -> list[dict[str, Any]]:
    """Each audit requirement's documents checked and met (suppressed), and the share met."""
    out = []
    for r in stats.audit.per_krav:
        checked, met = suppress(r.granskade, threshold), suppress(r.uppfyllda, threshold)
        out.append({"falt": r.field, "namn": r.title, "granskade": checked, "uppfyllda": met,
                    "andel": _ratio(r.andel, checked == SUPPRESSED, met == SUPPRESSED)})
    return out


def build_aggregates(stats: Statistics, *, threshold: int = DEFAULT_THRESHOLD, per_school: bool = False,
                     demo: bool = False) -> dict[str, Any]:
    """The aggregates as a JSON-ready dict, suppression applied."""
    if threshold < 1:
        raise ValueError("Tröskeln för undertryckning måste vara minst 1.")
    counts = _school_counts(stats, threshold, per_school)
    total = _administration(stats, counts, threshold)
    _, hidden = counts["avvikelser"]

    def listed(name: str, items) -> list[dict[str, Any]]:
        return [{"namn": c.namn, "antal": _published(c.antal, (name, i), hidden)} for i, c in enumerate(items)]

    d = stats.deviations
    data: dict[str, Any] = {
        "format": FORMAT,
        "demo": demo,
        "lasar": stats.lasar,
        "sammanstalld": stats.compiled_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "troskel": threshold,
        "skolor_publiceras": per_school,
        "gruppering": stats.grouping,
        "forvaltning": total,
        "grupper": [_group(g, ("grupp", g.namn), counts, threshold) for g in stats.groups],
        "avvikelser_per_kategori": listed("kategori", d.per_kategori),
        "avvikelser_per_verksamhet": listed("verksamhet", d.per_verksamhet),
        "avvikelser_per_manad": listed("manad", d.per_manad),
        "stickprov_per_krav": _requirements(stats, threshold),
        "trend": [_trend_row(t, threshold, total if t.lasar == stats.lasar else None) for t in stats.trend],
        "moten": _meetings(stats, threshold, per_school),
        # The survey's section is keyed by its form's id (the published format).
        survey_module.FORM: _survey(stats, threshold),
    }
    if stats.other_forms:
        # Present only when forms/ has forms without statistics of their own.
        data["blanketter"] = [_other_form(form, threshold, per_school) for form in stats.other_forms]
    if per_school:
        data["skolor"] = [{"skolenhetskod": s.skolenhetskod, "namn": s.skolnamn, "status": s.status,
                           "sip_kunnig_utsedd": s.sip_kunnig_utsedd,
                           **_school_figures(counts, ("skola", s.skolenhetskod), s, s.sip_per_100, threshold)}
                          for s in stats.schools]
    return asked_only(data, stats)



def _trend_row(t, threshold: int, current: Mapping[str, Any] | None) -> dict[str, Any]:
    """One school year's totals; the compiled year's counts exactly as published for the administration."""
    shown = {key: suppress(getattr(t, key), threshold) for key in SCHOOL_COUNTS}
    if current is not None:
        shown = {key: current[key] for key in SCHOOL_COUNTS}
    return {"lasar": t.lasar, "skolor": t.skolor, "inskickade": t.inskickade,
            "andel_inskickade": _ratio(t.andel_inskickade), **shown,
            "stickprov_andel_uppfyllda": _ratio(t.stickprov_andel, shown["stickprov_dokument"] == SUPPRESSED)}


def _meetings(stats: Statistics, threshold: int, per_school: bool) -> dict[str, Any]:
    """Meeting counts suppressed; each share hidden when its meetings or its part are hidden."""
    cells = {}
    for key in MEETING_COUNTS:
        values, sums = _meeting_cells(stats, key, per_school)
        # A share is published only with its base: where the meetings are hidden, so is every part.
        base = cells["moten"][1] if key != "moten" else ()
        cells[key] = (values, protect(values, sums, threshold, hidden=base))

    def entry(m, cell: Hashable) -> dict[str, Any]:
        values, hidden = cells["moten"]
        out: dict[str, Any] = {"namn": m.namn, "moten": _published(m.moten, cell, hidden)}
        for attribute in MEETING_FIGURES:
            out[f"andel_{attribute}"] = _ratio(m.andel(attribute), cell in hidden, cell in cells[attribute][1])
        return out

    out = {
        "totalt": entry(stats.meetings, TOTAL),
        "grupper": [entry(m, ("grupp", m.namn)) for m in stats.meetings_by_group],
        "organisationer": [entry(m, ("organisation", m.namn)) for m in stats.meetings_by_organisation],
    }
    if per_school:
        out["skolor"] = [entry(m, ("skola", m.skolenhetskod)) for m in stats.meetings_by_school]
    return out


def _other_form_cells(counts: FormCounts, per_school: bool):
    """A generic form's cells (unit, measure) and its sums: over the units, and over each field's answers."""
    units: dict[Hashable, Tally] = {TOTAL: counts.total}
    units.update({("grupp", g.namn): g for g in counts.groups})
    units.update({("organisation", o.namn): o for o in counts.organisations})
    if per_school:
        units.update({("skola", s.skolenhetskod): s for s in counts.schools})
    values = {(unit, key): value for unit, tally in units.items() for key, value in tally.values.items()}
    parts = [("grupp", g.namn) for g in counts.groups] + [("organisation", o.namn) for o in counts.organisations]
    sums: list[Sum] = []
    for measure in counts.measures:
        key = measure.key
        sums.append(((TOTAL, key), [(unit, key) for unit in parts]))
        if per_school:
            sums += [((("grupp", g.namn), key), [(("skola", s.skolenhetskod), key) for s in counts.schools
                                                 if s.omrade == g.namn]) for g in counts.groups]
    for unit in units:
        sums += [((unit, ROWS.key), [(unit, key) for key in answers]) for answers in counts.breakdowns()]
    return units, values, sums


def _other_form(counts: FormCounts, threshold: int, per_school: bool) -> dict[str, Any]:
    """A form counted by the generic statistic: every count and sum suppressed as the others are."""
    units, values, sums = _other_form_cells(counts, per_school)
    hidden = protect(values, sums, threshold)

    def entry(unit: Hashable, tally: Tally) -> dict[str, Any]:
        figures = {m.key: _published(tally.values[m.key], (unit, m.key), hidden) for m in counts.measures}
        return {"namn": tally.namn, **({"skolenhetskod": tally.skolenhetskod} if tally.skolenhetskod else {}),
                "antal": figures}

    out = {
        "blankett": counts.form,
        "namn": counts.title,
        "matt": [{"nyckel": m.key, "namn": m.title} for m in counts.measures],
        "totalt": entry(TOTAL, counts.total),
        "grupper": [entry(("grupp", g.namn), g) for g in counts.groups],
        "organisationer": [entry(("organisation", o.namn), o) for o in counts.organisations],
    }
    if per_school:
        out["skolor"] = [entry(("skola", s.skolenhetskod), s) for s in counts.schools]
    return out


def write_aggregates(stats: Statistics, path: str | Path, **options) -> Path:
    """Write the aggregates JSON to `path` (replaced whole); options as for `build_aggregates`."""
    text = json.dumps(build_aggregates(stats, **options), ensure_ascii=False, indent=1) + "\n"
    return write_whole(path, lambda temporary: temporary.write_text(text, encoding="utf-8"), "JSON-filen")


def read_aggregates(path: str | Path) -> dict[str, Any] | None:
    """The aggregates written earlier, or None when there are none (no file yet)."""
    path = Path(path)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} är inte en statistikfil i formatet {FORMAT}.")
    return data

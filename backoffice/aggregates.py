"""Write the administration- and area-level aggregates as JSON for the handbook's statistics page.

Counts that concern children (SIP processes, meetings, deviations, audited documents) from 1 up to
the threshold minus one are replaced by `..`, zero stays 0, and where a breakdown adds up to a
published total one more cell is hidden so the small one cannot be worked out by subtraction.
Counts of schools are not about children and are shown as they are. Per-school figures are
included only when asked for.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from backoffice.compile import (AUDIENCES, MEETING_FLAGS, MIN_ANSWERS, GroupStats, MeetingStats, SchoolStats,
                                Statistics, share)

FORMAT = "sip-statistik/1"
SUPPRESSED = ".."
DEFAULT_THRESHOLD = 5

Value = int | float | str | None


def suppress(count: int, threshold: int = DEFAULT_THRESHOLD) -> int | str:
    """A count as published: `..` when 1 ≤ count < threshold, else the count (0 stays 0)."""
    if threshold < 1:
        raise ValueError("Tröskeln för undertryckning måste vara minst 1.")
    return SUPPRESSED if 0 < count < threshold else count


def suppress_breakdown(counts: list[int], threshold: int = DEFAULT_THRESHOLD) -> list[int | str]:
    """Suppress a breakdown whose parts add up to a published total.

    When exactly one part is hidden, the smallest other non-zero part is hidden too (secondary
    suppression), so the hidden one cannot be found as total minus the rest.
    """
    out: list[int | str] = [suppress(c, threshold) for c in counts]
    hidden = [i for i, v in enumerate(out) if v == SUPPRESSED]
    total = sum(counts)
    if len(hidden) == 1 and suppress(total, threshold) != SUPPRESSED:
        others = [(c, i) for i, c in enumerate(counts) if i not in hidden and c > 0]
        if others:
            out[min(others)[1]] = SUPPRESSED
    return out


def _ratio(value: float | None, *published: Value) -> Value:
    """A share or rate, hidden when a count it is computed from is hidden; rounded for display."""
    if any(p == SUPPRESSED for p in published):
        return SUPPRESSED
    return None if value is None else round(value, 4)


def _figures(sip: Value, rate: float | None, deltagit: Value, item: GroupStats | SchoolStats,
             threshold: int) -> dict[str, Any]:
    """The child-related figures shared by groups and schools, suppressed."""
    documents = suppress(item.stickprov_dokument, threshold)
    return {
        "sip_initierade": sip,
        "sip_deltagit": deltagit,
        "sip_per_100_elever": _ratio(rate, sip),
        "avvikelser": suppress(item.avvikelser, threshold),
        "stickprov_dokument": documents,
        "stickprov_andel_uppfyllda": _ratio(item.stickprov_andel, documents),
    }


def _group(g: GroupStats, threshold: int) -> dict[str, Any]:
    """A group of schools (or the whole administration): school counts as they are, the rest suppressed."""
    entry = {"namn": g.namn, "skolor": g.skolor, "inskickade": g.inskickade,
             "andel_inskickade": _ratio(g.andel_inskickade), "sip_kunnig_utsedd": g.sip_kunnig_utsedd}
    sip = suppress(g.sip_initierade, threshold)
    entry.update(_figures(sip, g.sip_per_100, suppress(g.sip_deltagit, threshold), g, threshold))
    return entry


def _school(s: SchoolStats, threshold: int) -> dict[str, Any]:
    """One school (only when per-school figures are to be published); None where it has not answered."""
    entry = {"skolenhetskod": s.skolenhetskod, "namn": s.skolnamn, "status": s.status,
             "sip_kunnig_utsedd": s.sip_kunnig_utsedd}
    sip = suppress(s.sip_initierade or 0, threshold) if s.inskickad else None
    deltagit = suppress(s.sip_deltagit or 0, threshold) if s.inskickad else None
    entry.update(_figures(sip, s.sip_per_100, deltagit, s, threshold))
    return entry


def _meetings(m: MeetingStats, threshold: int, count: int | str | None = None) -> dict[str, Any]:
    """Meeting figures: the count suppressed, each share hidden when its count or its part is."""
    count = suppress(m.moten, threshold) if count is None else count
    entry: dict[str, Any] = {"namn": m.namn, "moten": count}
    for attribute, _, _ in MEETING_FLAGS:
        entry[f"andel_{attribute}"] = _ratio(m.andel(attribute), count, suppress(getattr(m, attribute), threshold))
    return entry


def _survey(stats: Statistics, threshold: int) -> dict[str, Any]:
    """Survey averages per statement with their number of answers; no average from too few answers."""
    minimum = max(threshold, MIN_ANSWERS)
    survey = stats.survey

    def figures(answers) -> dict[str, Any]:
        if 0 < answers.antal < minimum:
            return {"svar": suppress(answers.antal, minimum), "medel": SUPPRESSED}
        average = answers.medel(minimum)
        return {"svar": answers.antal, "medel": None if average is None else round(average, 2)}

    if survey is None:
        return {"svar": 0, "per_svarande": {}, "pastaenden": [], "minsta_antal": minimum}
    return {
        "svar": suppress(survey.svar, threshold),
        "per_svarande": {a: suppress(n, threshold) for a, n in survey.per_svarande.items()},
        "minsta_antal": minimum,
        "pastaenden": [{"falt": item.field, "namn": item.title, **figures(item.alla),
                        "per_svarande": {a: figures(item.per_svarande[a]) for a in AUDIENCES}}
                       for item in survey.pastaenden],
    }


def _counts(items, threshold: int, breakdown: bool) -> list[dict[str, Any]]:
    counts = [c.antal for c in items]
    values = suppress_breakdown(counts, threshold) if breakdown else [suppress(c, threshold) for c in counts]
    return [{"namn": c.namn, "antal": v} for c, v in zip(items, values)]


def build_aggregates(stats: Statistics, *, threshold: int = DEFAULT_THRESHOLD, per_school: bool = False,
                     demo: bool = False) -> dict[str, Any]:
    """The aggregates as a JSON-ready dict, suppression applied."""
    if threshold < 1:
        raise ValueError("Tröskeln för undertryckning måste vara minst 1.")
    groups = [_group(g, threshold) for g in stats.groups]
    # Groups add up to the administration's total: hide one more where only one is hidden.
    for key in ("sip_initierade", "sip_deltagit", "avvikelser", "stickprov_dokument"):
        raw = [getattr(g, key) for g in stats.groups]
        for row, value in zip(groups, suppress_breakdown(raw, threshold)):
            if value == SUPPRESSED and row[key] != SUPPRESSED:
                row[key] = SUPPRESSED
                if key == "sip_initierade":
                    row["sip_per_100_elever"] = SUPPRESSED
                if key == "stickprov_dokument":
                    row["stickprov_andel_uppfyllda"] = SUPPRESSED
    audit = stats.audit
    documents = suppress(audit.dokument, threshold)
    requirements = []
    for r in audit.per_krav:
        checked, met = suppress(r.granskade, threshold), suppress(r.uppfyllda, threshold)
        requirements.append({"falt": r.field, "namn": r.title, "granskade": checked, "uppfyllda": met,
                             "andel": _ratio(r.andel, checked, met)})
    total = _group(stats.total, threshold)
    total.update({
        "avvikelse_utredd": stats.total.avvikelse_utredd,
        "stickprov_helt_uppfyllda": suppress(audit.helt_uppfyllda, threshold),
        "stickprov_andel_helt_uppfyllda": _ratio(share(audit.helt_uppfyllda, audit.dokument), documents,
                                                 suppress(audit.helt_uppfyllda, threshold)),
    })
    data: dict[str, Any] = {
        "format": FORMAT,
        "demo": demo,
        "lasar": stats.lasar,
        "sammanstalld": stats.compiled_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "troskel": threshold,
        "skolor_publiceras": per_school,
        "gruppering": stats.grouping,
        "forvaltning": total,
        "grupper": groups,
        "avvikelser_per_kategori": _counts(stats.deviations.per_kategori, threshold, breakdown=True),
        "avvikelser_per_verksamhet": _counts(stats.deviations.per_verksamhet, threshold, breakdown=False),
        "avvikelser_per_manad": _counts(stats.deviations.per_manad, threshold, breakdown=True),
        "stickprov_per_krav": requirements,
        "trend": [{
            "lasar": t.lasar, "skolor": t.skolor, "inskickade": t.inskickade,
            "andel_inskickade": _ratio(t.andel_inskickade),
            "sip_initierade": suppress(t.sip_initierade, threshold),
            "sip_deltagit": suppress(t.sip_deltagit, threshold),
            "avvikelser": suppress(t.avvikelser, threshold),
            "stickprov_dokument": suppress(t.stickprov_dokument, threshold),
            "stickprov_andel_uppfyllda": _ratio(t.stickprov_andel, suppress(t.stickprov_dokument, threshold)),
        } for t in stats.trend],
    }
    # Groups of schools and organisations outside school add up to all meetings.
    parts = list(stats.meetings_by_group) + list(stats.meetings_by_organisation)
    counts = suppress_breakdown([p.moten for p in parts], threshold)
    entries = [_meetings(p, threshold, c) for p, c in zip(parts, counts)]
    data["moten"] = {
        "totalt": _meetings(stats.meetings, threshold),
        "grupper": entries[:len(stats.meetings_by_group)],
        "organisationer": entries[len(stats.meetings_by_group):],
    }
    data["delaktighet"] = _survey(stats, threshold)
    if per_school:
        data["skolor"] = [_school(s, threshold) for s in stats.schools]
        data["moten"]["skolor"] = [_meetings(m, threshold) for m in stats.meetings_by_school]
    return data


def write_aggregates(stats: Statistics, path: str | Path, **options) -> Path:
    """Write the aggregates JSON to `path` (replaced whole); options as for `build_aggregates`."""
    path = Path(path)
    data = build_aggregates(stats, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def read_aggregates(path: str | Path) -> dict[str, Any] | None:
    """The aggregates written earlier, or None when there are none (no file yet)."""
    path = Path(path)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} är inte en statistikfil i formatet {FORMAT}.")
    return data

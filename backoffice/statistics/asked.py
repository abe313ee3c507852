"""The published aggregates cut to what the edition asks: a question it does not ask, or a form it
does not use, has no figure on the statistics page (not a 0)."""
from __future__ import annotations

from typing import Any

from backoffice.statistics import arsuppfoljning, avvikelse, delaktighet, motesrapport, stickprov
from backoffice.statistics.figures import Statistics
ANNUAL, DEVIATIONS, AUDIT = arsuppfoljning.FORM, avvikelse.FORM, stickprov.FORM
# The published figures of a school, group, the administration or a school year, and what each needs.
FIGURE_NEEDS = {
    "inskickade": (ANNUAL, None), "andel_inskickade": (ANNUAL, None), "status": (ANNUAL, None),
    "sip_initierade": (ANNUAL, "sip_initierade"), "sip_per_100_elever": (ANNUAL, "sip_initierade"),
    "sip_deltagit": (ANNUAL, "sip_deltagit"), "sip_kunnig_utsedd": (ANNUAL, "sip_kunnig_utsedd"),
    "avvikelse_utredd": (ANNUAL, "avvikelse_utredd"), "avvikelser": (DEVIATIONS, None),
    "stickprov_dokument": (AUDIT, None), "stickprov_andel_uppfyllda": (AUDIT, None),
    "stickprov_helt_uppfyllda": (AUDIT, None), "stickprov_andel_helt_uppfyllda": (AUDIT, None),
}
# Whole sections, and what each needs.
SECTION_NEEDS = {
    "avvikelser_per_kategori": (DEVIATIONS, avvikelse.CATEGORY),
    "avvikelser_per_verksamhet": (DEVIATIONS, avvikelse.ORGANISATIONS),
    "avvikelser_per_manad": (DEVIATIONS, None), "stickprov_per_krav": (AUDIT, None),
    "moten": (motesrapport.FORM, None), delaktighet.FORM: (delaktighet.FORM, None),
}


def asked_only(data: dict[str, Any], stats: Statistics) -> dict[str, Any]:
    """The aggregates without the figures of questions the edition does not ask (never published as 0)."""
    def keep(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if k not in FIGURE_NEEDS or stats.asks(*FIGURE_NEEDS[k])}

    out = {k: v for k, v in data.items() if k not in SECTION_NEEDS or stats.asks(*SECTION_NEEDS[k])}
    out["forvaltning"] = keep(data["forvaltning"])
    for key in ("grupper", "trend", "skolor"):
        if key in out:
            out[key] = [keep(entry) for entry in out[key]]
    if "moten" in out:
        unasked = [f"andel_{f}" for f, _, _ in motesrapport.FLAGS
                   if f not in motesrapport.asked_figures(stats.asked.get(motesrapport.FORM, {}))]
        out["moten"] = {part: ([{k: v for k, v in e.items() if k not in unasked} for e in entries]
                               if isinstance(entries, list) else {k: v for k, v in entries.items() if k not in unasked})
                        for part, entries in out["moten"].items()}
    return out

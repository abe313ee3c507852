"""Macros for the statistics pages: the compiled aggregates rendered at build time.

The figures are $SIP_STATISTIK, else those `compile --aggregates` wrote beside the store
(var/statistik.json), else the repository's demo figures (data/statistik.json, shown as demo
figures): `backoffice.statistics.outputs.page_figures_path`. Every chart is an SVG bar chart with
a title and a description giving every figure for screen readers, each bar's figure beside it and a
table with the same figures after it. A zero is drawn as a zero and a hidden value (`..`) as an
empty, dashed bar, each explained under the chart. Styling is done with SVG attributes and the
page's own stylesheet only: the intake service's CSP allows no inline style or script. A figure
the aggregates do not have (a question the edition does not ask) is left out.
"""
from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any

from backoffice.statistics.about import DEFINITIONS
from backoffice.statistics.svg_chart import is_number, bar_chart, chart_note, fmt_number, fmt_share
from backoffice.statistics.aggregates import SUPPRESSED, read_aggregates
from backoffice.statistics.delaktighet import FORM as SURVEY
from backoffice.statistics.motesrapport import LABELS as MEETING_LABELS
from backoffice.statistics.outputs import page_figures_path
from backoffice.statistics.values import local_text

GROUP_LABELS = {"område": "Område", "huvudmannatyp": "Huvudmannatyp"}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- building blocks

def data_table(caption: str, header: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """An HTML table with caption and column headers; cells from `numeric_from` are right-aligned figures.

    It sits in a focusable region so a keyboard user can scroll it sideways on a narrow screen.
    """
    table_id = "tabell-" + _slug(caption)
    head = "".join(f'<th scope="col"{_num(i, numeric_from)}>{_e(h)}</th>' for i, h in enumerate(header))
    body = []
    for row in rows:
        cells = [f'<th scope="row">{_e(row[0])}</th>'] + [
            f"<td{_num(i, numeric_from)}>{_e(c)}</td>" for i, c in enumerate(row[1:], start=1)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="sip-tabell" role="region" tabindex="0" aria-labelledby="{table_id}">'
            f'<table class="sip-tabell__tabell"><caption id="{table_id}">{_e(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _num(index: int, numeric_from: int) -> str:
    return ' class="tal"' if index >= numeric_from else ""


def _slug(text: str) -> str:
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def chart_with_table(chart_id: str, title: str, label: str, items: list[tuple[str, Any]], *,
                     percent: bool = False, value_header: str = "Antal", maximum: float | None = None,
                     decimals: int = 0, minimum: float = 0, threshold: int | None = None, empty: str = "") -> str:
    """A figure (SVG bars, what empty bars mean) followed by its data table; `empty` instead when no
    item has a figure at all (no chart of nothing)."""
    fmt = fmt_share if percent else (lambda v: fmt_number(v, decimals))
    table = data_table(title, [label, value_header], [[name, fmt(v)] for name, v in items])
    if empty and not any(is_number(v) and v for _, v in items) and SUPPRESSED not in [v for _, v in items]:
        return f'<p class="sip-inget">{_e(empty)}</p>\n' + table
    chart = bar_chart(chart_id, title, items, percent=percent, maximum=maximum, decimals=decimals, minimum=minimum)
    note = chart_note(items, threshold)
    caption = _e(title) + (f'<span class="sip-diagram__not"> {_e(note)}</span>' if note else "")
    return f'<figure class="sip-diagram">{chart}<figcaption>{caption}</figcaption></figure>\n' + table


# ---------------------------------------------------------------- the page

NO_STATISTICS = (
    "Det finns ingen statistik ännu. När skolorna har skickat in årets uppföljning och de centrala "
    "SIP-samordnarna har sammanställt den, visas siffrorna för hela förvaltningen här.\n\n"
    "Skolorna lämnar sina svar under [Blanketter](../blanketter/index.md)."
)


def suppression_note(threshold: int) -> str:
    """Why some figures are shown as `..`."""
    if threshold <= 1:
        return ("Alla antal visas som de är. Statistiken gäller skolor och förvaltningen, aldrig "
                "enskilda barn.")
    upper = threshold - 1
    span = "1" if upper == 1 else f"1–{upper}"
    return (f"`..` betyder att antalet är {span} och därför inte visas, så att ingen siffra kan peka ut "
            "ett barn. Andelar som bygger på ett sådant antal visas inte heller, och ibland döljs fler "
            "antal så att inget dolt kan räknas fram ur en summa. 0 betyder noll. "
            "Antal skolor visas alltid, eftersom de inte handlar om barn.")


def _present(specs: list[tuple], entries: list[dict]) -> list[tuple]:
    """The columns (key, header, format) whose figure the aggregates have: an edition's unasked ones are absent."""
    return [spec for spec in specs if entries and spec[0] in entries[0]]


def _number(decimals: int = 0):
    return lambda value: fmt_number(value, decimals)


def _key_figures(data: dict) -> str:
    f = data["forvaltning"]
    submitted = f"{fmt_number(f['inskickade'])} ({fmt_share(f['andel_inskickade'])})" if "inskickade" in f else None
    rows = [
        ("skolor", "Skolor i registret", fmt_number(f["skolor"])),
        ("inskickade", "Skolor som skickat in", submitted),
        ("sip_initierade", "SIP-processer som skolorna initierat", fmt_number(f.get("sip_initierade"))),
        ("sip_deltagit", "SIP-möten som skolorna deltagit i utöver egna", fmt_number(f.get("sip_deltagit"))),
        ("sip_per_100_elever", "Initierade SIP-processer per 100 elever", fmt_number(f.get("sip_per_100_elever"), 1)),
        ("sip_kunnig_utsedd", "Skolor med utsedd SIP-kunnig", fmt_number(f.get("sip_kunnig_utsedd"))),
        ("avvikelser", "Rapporterade avvikelser", fmt_number(f.get("avvikelser"))),
        ("stickprov_dokument", "Granskade SIP-dokument i stickprovet", fmt_number(f.get("stickprov_dokument"))),
        ("stickprov_andel_uppfyllda", "Uppfyllda dokumentationskrav i stickprovet",
         fmt_share(f.get("stickprov_andel_uppfyllda"))),
    ]
    return data_table(f"Nyckeltal för läsår {data['lasar']}", ["Mått", "Värde"],
                      [[name, value] for key, name, value in rows if key in f])


GROUP_COLUMNS = [
    ("skolor", "Skolor", fmt_number), ("inskickade", "Inskickade", fmt_number),
    ("andel_inskickade", "Andel inskickade", fmt_share), ("sip_initierade", "SIP-processer", fmt_number),
    ("sip_per_100_elever", "Per 100 elever", _number(1)), ("avvikelser", "Avvikelser", fmt_number),
    ("stickprov_andel_uppfyllda", "Uppfyllda krav i stickprovet", fmt_share),
]


def _groups(data: dict) -> str:
    label = GROUP_LABELS.get(data.get("gruppering"), "Grupp")
    columns = _present(GROUP_COLUMNS, data["grupper"])
    rows = [[g["namn"]] + [fmt(g[key]) for key, _, fmt in columns] for g in data["grupper"]]
    table = data_table(f"Siffror per {label.lower()}", [label] + [name for _, name, _ in columns], rows)
    if "andel_inskickade" not in data["forvaltning"]:
        return table
    chart = chart_with_table("inskickat-per-grupp", f"Andel skolor som skickat in, per {label.lower()}", label,
                             [(g["namn"], g["andel_inskickade"]) for g in data["grupper"]], percent=True,
                             value_header="Andel inskickade")
    return chart + "\n\n" + table


TREND_COLUMNS = [
    ("inskickade", "Inskickade skolor", fmt_number), ("andel_inskickade", "Andel inskickade", fmt_share),
    ("sip_initierade", "SIP-processer", fmt_number), ("avvikelser", "Avvikelser", fmt_number),
    ("stickprov_dokument", "Granskade dokument", fmt_number), ("stickprov_andel_uppfyllda", "Uppfyllda krav", fmt_share),
]


def _trend(data: dict) -> str:
    trend = data.get("trend") or []
    if len(trend) < 2:
        return "Trenden visas här när uppföljningen finns för fler än ett läsår."
    columns = _present(TREND_COLUMNS, trend)
    table = data_table("Läsår för läsår", ["Läsår"] + [name for _, name, _ in columns],
                       [[t["lasar"]] + [fmt(t[key]) for key, _, fmt in columns] for t in trend])
    if "sip_initierade" not in trend[0]:
        return table
    items = [(t["lasar"], t["sip_initierade"]) for t in trend]
    chart = bar_chart("trend-sip", "Initierade SIP-processer per läsår", items)
    note = chart_note(items, data.get("troskel"))
    return (f'<figure class="sip-diagram">{chart}<figcaption>Initierade SIP-processer per läsår'
            + (f'<span class="sip-diagram__not"> {_e(note)}</span>' if note else "")
            + "</figcaption></figure>\n" + table)


AUDIENCE_LABELS = {"barn/ung": "Barn och unga", "vårdnadshavare": "Vårdnadshavare"}


def _meeting_shares(entry: dict) -> list[tuple[str, str]]:
    """The meeting shares the aggregates have (key, name), in the workbook's order and with its names."""
    return [(f"andel_{figure}", name) for figure, name in MEETING_LABELS.items() if f"andel_{figure}" in entry]


def _meeting_table(caption: str, label: str, entries: list[dict], shares: list[tuple[str, str]]) -> str:
    header = [label, "Möten"] + [name for _, name in shares]
    rows = [[e["namn"], fmt_number(e["moten"])] + [fmt_share(e[key]) for key, _ in shares] for e in entries]
    return data_table(caption, header, rows)


def _meetings(data: dict) -> str:
    meetings = data["moten"]
    total = meetings["totalt"]
    if not total["moten"]:
        return "Inga SIP-möten har rapporterats för läsåret ännu."
    shares = _meeting_shares(total)
    out = [f"Rapporterade SIP-möten: **{fmt_number(total['moten'])}**. Andelarna räknas på alla rapporterade möten.",
           chart_with_table("moten-andelar", "Andel av de rapporterade mötena", "Mått",
                            [(name, total[key]) for key, name in shares], percent=True, value_header="Andel",
                            threshold=data.get("troskel"))]
    label = GROUP_LABELS.get(data.get("gruppering"), "Grupp")
    if meetings["grupper"]:
        out.append(_meeting_table(f"SIP-möten per {label.lower()}", label, meetings["grupper"], shares))
    if meetings["organisationer"]:
        out.append(_meeting_table("SIP-möten utanför skolan, per organisation", "Organisation",
                                  meetings["organisationer"], shares))
    if data.get("skolor_publiceras") and meetings.get("skolor"):
        out.append(_meeting_table("SIP-möten per skola", "Skola", meetings["skolor"], shares))
    return "\n\n".join(out)


def _survey(data: dict) -> str:
    survey = data[SURVEY]
    if not survey["pastaenden"] or not survey["svar"]:
        return "Inga svar på enkäten om delaktighet har kommit in för läsåret ännu."
    minimum = survey["minsta_antal"]
    who = ", ".join(f"{AUDIENCE_LABELS.get(a, a).lower()} {fmt_number(n)}" for a, n in survey["per_svarande"].items())
    header = ["Påstående", "Svar", "Medelvärde"]
    for audience in AUDIENCE_LABELS.values():
        header += [f"{audience}: svar", f"{audience}: medelvärde"]
    rows = []
    for item in survey["pastaenden"]:
        row = [item["namn"], fmt_number(item["svar"]), fmt_number(item["medel"], 1)]
        for audience in AUDIENCE_LABELS:
            part = item["per_svarande"].get(audience, {"svar": 0, "medel": None})
            row += [fmt_number(part["svar"]), fmt_number(part["medel"], 1)]
        rows.append(row)
    return "\n\n".join([
        f"Barn, unga och vårdnadshavare svarar efter mötet, utan namn: {fmt_number(survey['svar'])} svar ({who}). "
        f"Svaren går från 1 (stämmer inte alls) till 5 (stämmer helt). Ett medelvärde visas bara när minst "
        f"{minimum} har svarat; annars står det `..`.",
        chart_with_table("delaktighet-medel", "Medelvärde per påstående (1–5)", "Påstående",
                         [(item["namn"], item["medel"]) for item in survey["pastaenden"]],
                         value_header="Medelvärde", maximum=5, minimum=1, decimals=1, threshold=minimum,
                         empty=f"Inget medelvärde kan visas ännu: det behövs minst {minimum} svar på ett påstående."),
        data_table("Enkäten om delaktighet per påstående", header, rows),
    ])


def _other_form(data: dict, form: dict) -> str:
    """A form without statistics of its own: a table of its counts in all, per group and organisation."""
    label = GROUP_LABELS.get(data.get("gruppering"), "Grupp")
    keys = [m["nyckel"] for m in form["matt"]]
    header = [f"{label} eller organisation"] + [m["namn"] for m in form["matt"]]

    def rows(entries: list[dict]) -> list[list[str]]:
        return [[e["namn"]] + [fmt_number(e["antal"][key]) for key in keys] for e in entries]

    out = [f"Blanketten har ingen egen statistik: svaren räknas ur dess fält. Antal svar, svar per alternativ "
           f"och summan av fält med heltal, för hela förvaltningen, per {label.lower()} och per organisation "
           "utanför skolan. Bara den senaste versionen av ett svar räknas.",
           data_table(f"{form['namn']}: svar per {label.lower()}", header,
                      rows([form["totalt"]] + form["grupper"] + form["organisationer"]))]
    if data.get("skolor_publiceras") and form.get("skolor"):
        out.append(data_table(f"{form['namn']}: svar per skola", ["Skola"] + header[1:], rows(form["skolor"])))
    return "\n\n".join(out)


SCHOOL_COLUMNS = [
    ("status", "Status", str), ("sip_initierade", "SIP-processer", fmt_number),
    ("sip_per_100_elever", "Per 100 elever", _number(1)), ("avvikelser", "Avvikelser", fmt_number),
    ("stickprov_andel_uppfyllda", "Uppfyllda krav", fmt_share),
]


def _schools(data: dict) -> str:
    columns = _present(SCHOOL_COLUMNS, data["skolor"])
    rows = [[s["namn"]] + [fmt(s[key]) for key, _, fmt in columns] for s in data["skolor"]]
    return data_table("Siffror per skola", ["Skola"] + [name for _, name, _ in columns], rows)


def _deviations(data: dict) -> list[str]:
    """The deviation charts the aggregates have (an edition may not ask for categories or organisations)."""
    out, threshold = [], data.get("troskel")
    none = "Inga avvikelser har rapporterats för läsåret."
    for key, chart_id, title, label, after in (
            ("avvikelser_per_kategori", "avvikelser-kategori", "Avvikelser per kategori", "Kategori", ""),
            ("avvikelser_per_verksamhet", "avvikelser-verksamhet", "Avvikelser per berörd verksamhet", "Verksamhet",
             "\n\nEn avvikelse kan beröra flera verksamheter och räknas då under var och en."),
            ("avvikelser_per_manad", "avvikelser-manad", "Avvikelser per månad", "Månad", "")):
        if key in data:
            out.append(chart_with_table(chart_id, title, label, [(c["namn"], c["antal"]) for c in data[key]],
                                        threshold=threshold, empty=none) + after)
    return out


def render_page(data: dict | None) -> str:
    """The statistics page body (Markdown with HTML blocks) for the aggregates, or the no-data text."""
    if data is None:
        return NO_STATISTICS
    # The page's own stylesheet sits beside it (a file, so the intake service's CSP allows it).
    out = ['<div class="sip-statistik-stil"><link rel="stylesheet" href="statistik.css"></div>']
    if data.get("demo"):
        out.append('!!! warning "Demosiffror"\n    Siffrorna på den här sidan är påhittade. De är gjorda ur ett '
                   "demodataset för att visa hur sidan ser ut och säger ingenting om verkliga skolor.")
    compiled = datetime.strptime(data["sammanstalld"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    out.append(f"Uppföljningen av SIP för läsår **{_e(data['lasar'])}**, sammanställd {local_text(compiled)}. "
               "Siffrorna gäller hela förvaltningen och grupper av skolor. Hur de räknas står under "
               "[Om statistiken](om-statistiken.md).")
    out.append(f'!!! info "Dolda värden"\n    {suppression_note(int(data["troskel"]))}')
    out.append("## Nyckeltal\n\n" + _key_figures(data))
    deviations = _deviations(data)
    if deviations:
        out.append("## Avvikelser\n\n" + "\n\n".join(deviations))
    if "stickprov_per_krav" in data:
        out.append("## Stickprov i SIP-dokumentationen\n\n" + chart_with_table(
            "stickprov-krav", "Andel granskade dokument som uppfyller kravet", "Dokumentationskrav",
            [(r["namn"], r["andel"]) for r in data["stickprov_per_krav"]], percent=True, value_header="Andel",
            threshold=data.get("troskel"), empty="Inga dokument har granskats för läsåret."))
    if data.get("moten"):
        out.append("## SIP-möten\n\n" + _meetings(data))
    if data.get(SURVEY):
        out.append("## Barnets och vårdnadshavarnas delaktighet\n\n" + _survey(data))
    for form in data.get("blanketter") or []:
        out.append(f"## {_e(form['namn'])}\n\n" + _other_form(data, form))
    label = GROUP_LABELS.get(data.get("gruppering"), "Grupp")
    out.append(f"## Per {label.lower()}\n\n" + _groups(data))
    out.append("## Över tid\n\n" + _trend(data))
    if data.get("skolor_publiceras") and data.get("skolor"):
        out.append("## Per skola\n\n" + _schools(data))
    return "\n\n".join(out) + "\n"


def render_about() -> str:
    """The definitions behind the figures (the workbook's Om statistiken sheet uses the same list)."""
    return "\n".join(f"{term}\n:   {text}\n" for term, text in DEFINITIONS)


def register(env):
    """Register the `statistik_sida` and `statistik_definitioner` macros."""
    # $SIP_STATISTIK (or extra.statistik in mkdocs.yml), else the figures compile wrote, else the demo ones.
    path = page_figures_path((env.conf.get("extra") or {}).get("statistik"))

    @env.macro
    def statistik_sida() -> str:
        """The statistics page body from the aggregates JSON (or a friendly text when there is none)."""
        return render_page(read_aggregates(path))

    @env.macro
    def statistik_definitioner() -> str:
        """The definitions of the statistics as a Markdown definition list."""
        return render_about()

"""Macros for the statistics pages: the compiled aggregates (data/statistik.json) rendered at build time.

Every chart is an SVG with a title for screen readers and is followed by a table with the same
figures. Suppressed values (`..`) are drawn as no bar and explained on the page. Styling is done
with SVG attributes only, so the page needs no inline CSS under the intake service's CSP.
"""
from __future__ import annotations

import html
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from backoffice.statistics.delaktighet import FORM as SURVEY
from backoffice.statistics.aggregates import SUPPRESSED, read_aggregates
from backoffice.config import ROOT
from backoffice.statistics.about import DEFINITIONS

DEFAULT_PATH = ROOT / "data" / "statistik.json"
PATH_ENV = "SIP_STATISTIK"
BAR_COLOUR = "#303f9f"  # Material indigo 700: 9:1 against white, well over the 3:1 for graphics
TEXT_COLOUR = "#1f1f1f"
NBSP = "\u00a0"

GROUP_LABELS = {"område": "Område", "huvudmannatyp": "Huvudmannatyp"}


# ---------------------------------------------------------------- formatting

def fmt_number(value: Any, decimals: int = 0) -> str:
    """A figure the Swedish way: space between thousands, decimal comma, `..` kept, – for none."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text


def fmt_share(value: Any) -> str:
    """A share (0–1) as a Swedish percentage: 0,862 → 86 %."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None:
        return "–"
    return f"{round(value * 100)}{NBSP}%"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- building blocks

def bar_chart(chart_id: str, title: str, items: list[tuple[str, Any]], *, percent: bool = False,
              maximum: float | None = None, decimals: int = 0) -> str:
    """A horizontal bar chart as an accessible SVG (a titled image; the table after it has the data).

    Each label stands above its bar, so the chart stays narrow and its text readable on a phone.
    """
    width, bar_width, row_height, top = 440, 340, 40, 4
    numbers = [v for _, v in items if isinstance(v, (int, float)) and not isinstance(v, bool)]
    scale_max = 1.0 if percent else (maximum or max(numbers + [1]))
    height = top * 2 + row_height * len(items)
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}-titel" viewBox="0 0 {width} {height}" '
        # Fixed size in pixels; the page's stylesheet lets it shrink on a narrow screen.
        f'width="{width}" height="{height}" focusable="false">',
        f'<title id="{chart_id}-titel">{_e(title)}: stapeldiagram. Siffrorna finns i tabellen under diagrammet.</title>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * row_height
        parts.append(f'<text x="0" y="{y + 14}" font-size="14" fill="{TEXT_COLOUR}">{_e(label)}</text>')
        shown = fmt_share(value) if percent else fmt_number(value, decimals)
        length = 0.0
        if isinstance(value, (int, float)) and value:
            length = max(2.0, bar_width * value / scale_max)
            parts.append(f'<rect x="0" y="{y + 19}" width="{length:.1f}" height="14" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{length + 6:.1f}" y="{y + 31}" font-size="13" fill="{TEXT_COLOUR}">{_e(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


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
                     decimals: int = 0) -> str:
    """A figure (SVG bars) followed by its data table."""
    fmt = fmt_share if percent else (lambda v: fmt_number(v, decimals))
    chart = bar_chart(chart_id, title, items, percent=percent, maximum=maximum, decimals=decimals)
    return (f'<figure class="sip-diagram">{chart}'
            f"<figcaption>{_e(title)}</figcaption></figure>\n"
            + data_table(title, [label, value_header], [[name, fmt(v)] for name, v in items]))


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


def _key_figures(data: dict) -> str:
    f = data["forvaltning"]
    rows = [
        ["Skolor i registret", fmt_number(f["skolor"])],
        ["Skolor som skickat in", f"{fmt_number(f['inskickade'])} ({fmt_share(f['andel_inskickade'])})"],
        ["SIP-processer som skolorna initierat", fmt_number(f["sip_initierade"])],
        ["SIP-möten som skolorna deltagit i utöver egna", fmt_number(f["sip_deltagit"])],
        ["Initierade SIP-processer per 100 elever", fmt_number(f["sip_per_100_elever"], 1)],
        ["Skolor med utsedd SIP-kunnig", fmt_number(f["sip_kunnig_utsedd"])],
        ["Rapporterade avvikelser", fmt_number(f["avvikelser"])],
        ["Granskade SIP-dokument i stickprovet", fmt_number(f["stickprov_dokument"])],
        ["Uppfyllda dokumentationskrav i stickprovet", fmt_share(f["stickprov_andel_uppfyllda"])],
    ]
    return data_table(f"Nyckeltal för läsår {data['lasar']}", ["Mått", "Värde"], rows)


def _groups(data: dict) -> str:
    label = GROUP_LABELS.get(data.get("gruppering"), "Grupp")
    header = [label, "Skolor", "Inskickade", "Andel inskickade", "SIP-processer", "Per 100 elever",
              "Avvikelser", "Uppfyllda krav i stickprovet"]
    rows = [[g["namn"], fmt_number(g["skolor"]), fmt_number(g["inskickade"]), fmt_share(g["andel_inskickade"]),
             fmt_number(g["sip_initierade"]), fmt_number(g["sip_per_100_elever"], 1), fmt_number(g["avvikelser"]),
             fmt_share(g["stickprov_andel_uppfyllda"])] for g in data["grupper"]]
    chart = chart_with_table("inskickat-per-grupp", f"Andel skolor som skickat in, per {label.lower()}", label,
                             [(g["namn"], g["andel_inskickade"]) for g in data["grupper"]], percent=True,
                             value_header="Andel inskickade")
    return chart + "\n\n" + data_table(f"Siffror per {label.lower()}", header, rows)


def _trend(data: dict) -> str:
    trend = data.get("trend") or []
    if len(trend) < 2:
        return "Trenden visas här när uppföljningen finns för fler än ett läsår."
    header = ["Läsår", "Inskickade skolor", "Andel inskickade", "SIP-processer", "Avvikelser",
              "Granskade dokument", "Uppfyllda krav"]
    rows = [[t["lasar"], fmt_number(t["inskickade"]), fmt_share(t["andel_inskickade"]),
             fmt_number(t["sip_initierade"]), fmt_number(t["avvikelser"]), fmt_number(t["stickprov_dokument"]),
             fmt_share(t["stickprov_andel_uppfyllda"])] for t in trend]
    chart = bar_chart("trend-sip", "Initierade SIP-processer per läsår",
                      [(t["lasar"], t["sip_initierade"]) for t in trend])
    return (f'<figure class="sip-diagram">{chart}<figcaption>Initierade SIP-processer per läsår</figcaption>'
            f"</figure>\n" + data_table("Läsår för läsår", header, rows))


MEETING_SHARES = [
    ("andel_barnet_i_motet", "Barnet deltog i mötet"),
    ("andel_barnet_annat", "Barnet var delaktigt på annat sätt"),
    ("andel_alla_deltog", "Alla kallade deltog"),
    ("andel_inom_tre_veckor", "Mötet hölls inom tre veckor"),
    ("andel_uppfoljning_bokad", "Uppföljning bokades"),
]
AUDIENCE_LABELS = {"barn/ung": "Barn och unga", "vårdnadshavare": "Vårdnadshavare"}


def _meeting_table(caption: str, label: str, entries: list[dict]) -> str:
    header = [label, "Möten"] + [name for _, name in MEETING_SHARES]
    rows = [[e["namn"], fmt_number(e["moten"])] + [fmt_share(e[key]) for key, _ in MEETING_SHARES] for e in entries]
    return data_table(caption, header, rows)


def _meetings(data: dict) -> str:
    meetings = data["moten"]
    total = meetings["totalt"]
    if not total["moten"]:
        return "Inga SIP-möten har rapporterats för läsåret ännu."
    out = [f"Rapporterade SIP-möten: **{fmt_number(total['moten'])}**. Andelarna räknas på alla rapporterade möten.",
           chart_with_table("moten-andelar", "Andel av de rapporterade mötena", "Mått",
                            [(name, total[key]) for key, name in MEETING_SHARES], percent=True,
                            value_header="Andel")]
    label = GROUP_LABELS.get(data.get("gruppering"), "Grupp")
    if meetings["grupper"]:
        out.append(_meeting_table(f"SIP-möten per {label.lower()}", label, meetings["grupper"]))
    if meetings["organisationer"]:
        out.append(_meeting_table("SIP-möten utanför skolan, per organisation", "Organisation",
                                  meetings["organisationer"]))
    if data.get("skolor_publiceras") and meetings.get("skolor"):
        out.append(_meeting_table("SIP-möten per skola", "Skola", meetings["skolor"]))
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
                         value_header="Medelvärde", maximum=5, decimals=1),
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


def _schools(data: dict) -> str:
    header = ["Skola", "Status", "SIP-processer", "Per 100 elever", "Avvikelser", "Uppfyllda krav"]
    rows = [[s["namn"], s["status"], fmt_number(s["sip_initierade"]), fmt_number(s["sip_per_100_elever"], 1),
             fmt_number(s["avvikelser"]), fmt_share(s["stickprov_andel_uppfyllda"])] for s in data["skolor"]]
    return data_table("Siffror per skola", header, rows)


def render_page(data: dict | None) -> str:
    """The statistics page body (Markdown with HTML blocks) for the aggregates, or the no-data text."""
    if data is None:
        return NO_STATISTICS
    # The page's own stylesheet sits beside it (a file, so the intake service's CSP allows it).
    out = ['<div class="sip-statistik-stil"><link rel="stylesheet" href="statistik.css"></div>']
    if data.get("demo"):
        out.append('!!! warning "Demosiffror"\n    Siffrorna på den här sidan är påhittade. De är gjorda ur ett '
                   "demodataset för att visa hur sidan ser ut och säger ingenting om verkliga skolor.")
    compiled = datetime.strptime(data["sammanstalld"], "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d kl. %H:%M UTC")
    out.append(f"Uppföljningen av SIP för läsår **{_e(data['lasar'])}**, sammanställd {compiled}. Siffrorna "
               "gäller hela förvaltningen och grupper av skolor. Hur de räknas står under "
               "[Om statistiken](om-statistiken.md).")
    out.append(f'!!! info "Dolda värden"\n    {suppression_note(int(data["troskel"]))}')
    out.append("## Nyckeltal\n\n" + _key_figures(data))
    out.append("## Avvikelser\n\n" + chart_with_table(
        "avvikelser-kategori", "Avvikelser per kategori", "Kategori",
        [(c["namn"], c["antal"]) for c in data["avvikelser_per_kategori"]]))
    out.append(chart_with_table("avvikelser-verksamhet", "Avvikelser per berörd verksamhet", "Verksamhet",
                                [(c["namn"], c["antal"]) for c in data["avvikelser_per_verksamhet"]])
               + "\n\nEn avvikelse kan beröra flera verksamheter och räknas då under var och en.")
    out.append(chart_with_table("avvikelser-manad", "Avvikelser per månad", "Månad",
                                [(c["namn"], c["antal"]) for c in data["avvikelser_per_manad"]]))
    out.append("## Stickprov i SIP-dokumentationen\n\n" + chart_with_table(
        "stickprov-krav", "Andel granskade dokument som uppfyller kravet", "Dokumentationskrav",
        [(r["namn"], r["andel"]) for r in data["stickprov_per_krav"]], percent=True, value_header="Andel"))
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
    # $SIP_STATISTIK (or extra.statistik in mkdocs.yml) builds the page from another aggregates file.
    configured = os.environ.get(PATH_ENV) or (env.conf.get("extra") or {}).get("statistik")
    path = Path(configured) if configured else DEFAULT_PATH
    if not path.is_absolute():
        path = ROOT / path

    @env.macro
    def statistik_sida() -> str:
        """The statistics page body from the aggregates JSON (or a friendly text when there is none)."""
        return render_page(read_aggregates(path))

    @env.macro
    def statistik_definitioner() -> str:
        """The definitions of the statistics as a Markdown definition list."""
        return render_about()

"""The statistics page's bar charts as accessible SVG, and Swedish number formats (used by `macros/stats.py`).

A chart is a titled image whose description reads every figure; each bar's figure stands beside
it. A zero is a bar of no length marked 0, a hidden value (`..`) an empty dashed bar, and
`chart_note` says what either means. Only SVG attributes style it: the intake service's CSP
allows no inline style.
"""
from __future__ import annotations

import html
from typing import Any

from backoffice.statistics.aggregates import SUPPRESSED

BAR_COLOUR = "#303f9f"  # Material indigo 700: 9:1 against white, well over the 3:1 for graphics
TEXT_COLOUR = "#1f1f1f"
HIDDEN_COLOUR = "#5c5c5c"  # the dashed outline of a hidden value: 6.7:1 against white
NBSP = "\u00a0"

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


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def bar_chart(chart_id: str, title: str, items: list[tuple[str, Any]], *, percent: bool = False,
              maximum: float | None = None, decimals: int = 0, minimum: float = 0) -> str:
    """A horizontal bar chart as an accessible SVG: titled, described figure by figure, each bar's figure
    beside it. A hidden value is an empty dashed bar marked `..`, a zero a bar of no length marked 0.

    Each label stands above its bar, so the chart stays narrow and its text readable on a phone.
    """
    width, bar_width, row_height, top = 440, 320, 40, 4
    numbers = [v for _, v in items if is_number(v)]
    scale_max = 1.0 if percent else (maximum or max(numbers + [1]))
    shown = fmt_share if percent else (lambda v: fmt_number(v, decimals))
    height = top * 2 + row_height * len(items)
    described = "; ".join(f"{label}: {_spoken(value, shown)}" for label, value in items)
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}-titel {chart_id}-text" viewBox="0 0 {width} {height}" '
        # Fixed size in pixels; the page's stylesheet lets it shrink on a narrow screen.
        f'width="{width}" height="{height}" focusable="false">',
        f'<title id="{chart_id}-titel">{_e(title)}: stapeldiagram.</title>',
        f'<desc id="{chart_id}-text">{_e(described)}. Siffrorna finns också i tabellen under diagrammet.</desc>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * row_height
        parts.append(f'<text x="0" y="{y + 14}" font-size="14" fill="{TEXT_COLOUR}">{_e(label)}</text>')
        length = 0.0
        if value == SUPPRESSED:
            length = bar_width * 0.25
            parts.append(f'<rect x="0.5" y="{y + 19.5}" width="{length:.1f}" height="13" fill="none" '
                         f'stroke="{HIDDEN_COLOUR}" stroke-width="1" stroke-dasharray="4 3"/>')
        elif is_number(value) and value > minimum:
            length = max(2.0, bar_width * (value - minimum) / (scale_max - minimum))
            parts.append(f'<rect x="0" y="{y + 19}" width="{length:.1f}" height="14" fill="{BAR_COLOUR}"/>')
        elif is_number(value):
            parts.append(f'<rect x="0" y="{y + 18}" width="1.5" height="16" fill="{TEXT_COLOUR}"/>')
        parts.append(f'<text x="{length + 6:.1f}" y="{y + 31}" font-size="13" fill="{TEXT_COLOUR}">'
                     f"{_e(shown(value))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _spoken(value: Any, shown) -> str:
    """A figure as the chart's description reads it: `..` and – said in words."""
    if value == SUPPRESSED:
        return "dolt (för få)"
    return "inget värde" if value is None else shown(value)


def chart_note(items: list[tuple[str, Any]], threshold: int | None) -> str:
    """What the chart's empty bars mean, when it has any: a zero, a hidden value, no value."""
    values = [v for _, v in items]
    notes = []
    if any(v == 0 for v in values):
        notes.append("0 betyder noll och har ingen stapel.")
    if SUPPRESSED in values:
        few = f" ({threshold_span(threshold)})" if threshold and threshold > 1 else ""
        notes.append(f"En streckad stapel med .. är ett dolt värde: för få{few} för att visas, så att "
                     "ingen siffra kan peka ut ett barn.")
    if None in values:
        notes.append("– betyder att det inte finns något värde att räkna.")
    return " ".join(notes)


def threshold_span(threshold: int) -> str:
    upper = threshold - 1
    return "1" if upper == 1 else f"1–{upper}"

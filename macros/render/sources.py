"""The governing documents: the sources page, the note that ends every page, and the glossary."""
from __future__ import annotations

from ..handbook_data import Handbook
from ..pages import SOURCES_PAGE
from .context import PageContext, date_text, plain_text

# The kinds of governing document, with the name the sources page gives each.
KIND_NAMES = {
    "anvisning": "Anvisning",
    "rutin": "Rutin",
    "vägledning": "Vägledning",
    "överenskommelse": "Överenskommelse",
    "yttrande": "Yttrande",
}
# The Swedish alphabet's order, for sorting the glossary.
SWEDISH_ORDER = "abcdefghijklmnopqrstuvwxyzåäö"


def sources_page(ctx: PageContext) -> str:
    """Each governing document with its kind, decision, dates and scope, anchored by id."""
    blocks = []
    for source in ctx.handbook.sources:
        rows = [
            ("Kort namn", source.get("short", "")),
            ("Utgivare", source.get("organisation", "")),
            ("Typ av dokument", KIND_NAMES.get(source.get("kind"), source.get("kind", ""))),
            ("Beslutad av", source.get("decided_by") or "anges inte"),
            ("Beslutsdatum", date_text(source.get("decided"))),
            ("Daterat", date_text(source.get("dated"))),
            ("Senast reviderad", date_text(source.get("revised"))),
            ("Gäller för", source.get("scope", "")),
            ("Senast granskad av oss", date_text(source.get("reviewed"))),
        ]
        table = "\n\n".join(f"{label}\n:   {str(value).strip()}" for label, value in rows)
        ctx.note_sources([source["id"]])
        note = f"\n\n{source['note'].strip()}" if source.get("note") else ""
        blocks.append(f"## {source['title']} {{#{source['id']}}}\n\n{table}{note}")
    return "\n\n".join(blocks)


def source_dates(source: dict) -> str:
    """The dates a document gives (decided, revised, dated) and when we last checked it, in words."""
    parts = []
    if source.get("decided"):
        parts.append(f"beslutad {date_text(source['decided'])}")
    if source.get("revised") and source.get("revised") != source.get("decided"):
        parts.append(f"reviderad {date_text(source['revised'])}")
    if source.get("dated") and not source.get("decided"):
        parts.append(f"daterad {date_text(source['dated'])}")
    if not parts:
        parts.append("dokumentet har inget datum")
    parts.append(f"granskad av oss {date_text(source.get('reviewed'))}")
    return ", ".join(parts)


def source_note(ctx: PageContext, extra_ids=(), reviewed=None) -> str:
    """The "Källa / senast granskad" note for the end of a page, from the sources it cited."""
    ids = list(ctx.cited)
    for source_id in extra_ids or []:
        if source_id not in ids:
            ids.append(source_id)
    lines = []
    for source in (ctx.handbook.get("sources", source_id) for source_id in ids):
        link = ctx.link(SOURCES_PAGE, source["id"])
        label = source.get("short") or source["title"]
        lines.append(f"- [{label}]({link}): {source_dates(source)}.")
    if not lines:
        dates = [s.get("reviewed") for s in ctx.handbook.sources if s.get("reviewed")]
        last = reviewed or (max(dates) if dates else None)
        lines.append(
            "- Sidan bygger inte på något styrdokument. "
            f"Texten granskades senast {date_text(last)}."
        )
    return (
        '<div class="sip-kallnot" markdown>\n\n'
        "**Källa / senast granskad**\n\n" + "\n".join(lines) + "\n\n</div>"
    )


def glossary(ctx: PageContext) -> str:
    """All terms as a definition list, sorted the Swedish way."""

    def key(entry):
        return [SWEDISH_ORDER.find(ch) if ch in SWEDISH_ORDER else ord(ch) for ch in entry["term"].casefold()]

    lines = []
    for entry in sorted(ctx.handbook.glossary, key=key):
        citation = ctx.cite(entry.get("sources"))
        ours = ""
        if entry.get("expansion_ours"):
            # What the letters stand for is the handbook's explanation, not the document's: say so.
            ours = (f" Förkortningen står för {entry['expansion']}. Den förklaringen är handbokens egen: "
                    "dokumenten skriver inte ut förkortningen.")
        lines.append(f"{entry['term']} {{#{entry['id']}}}\n:   {entry['definition'].strip()} {citation}{ours}")
    return "\n\n".join(lines)


def abbreviation_lines(handbook: Handbook) -> str:
    """Markdown `*[ABBR]: definition` lines for every abbreviation in the glossary."""
    return "\n".join(
        f"*[{entry['term']}]: {plain_text(entry.get('expansion') or entry['definition'])}"
        for entry in handbook.glossary
        if entry.get("abbreviation")
    )

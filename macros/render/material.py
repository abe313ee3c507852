"""The public material the documents point to (data/handbook/material.yaml): plain links, by kind."""
from __future__ import annotations

from .context import PageContext, applies_here_first, region_lead

# The kinds of material, in the order the page shows them, with the heading of each.
KINDS = {
    "webbplats": "Webbplatser",
    "styrdokument": "Styrdokument och rutiner",
    "mall": "Mallar och blanketter",
    "manual": "Manualer och lathundar",
    "film": "Filmer",
    "fordjupning": "Fördjupning",
}
# Said of material a document names without an address we could find, and of an address we looked up.
NO_ADDRESS = "Adressen står inte i vår kopia av dokumentet."
FOUND_ADDRESS = "Adressen står inte i dokumentet. Vi har letat upp den."


def material_line(ctx: PageContext, entry: dict) -> str:
    """One piece of material: its link (or its name), what it is, whose it is and who names it."""
    name = f"[{entry['title']}]({entry['url']})" if entry.get("url") else f"**{entry['title']}**"
    what = f" – {entry['what'].strip()}" if entry.get("what") else ""
    if not entry.get("url"):
        missing = f" {NO_ADDRESS}"
    else:
        missing = "" if entry.get("url_in_source") else f" {FOUND_ADDRESS}"
    return f"- {region_lead(ctx, entry)}{name}{what}{missing} {ctx.cite(entry.get('sources'))}"


def material_page(ctx: PageContext) -> str:
    """Every piece of material under the heading of its kind; the edition's own and shared ones first."""
    blocks = []
    for kind, heading in KINDS.items():
        entries = applies_here_first(ctx, [e for e in ctx.handbook.material if e.get("kind") == kind])
        if entries:
            blocks.append(f"## {heading}\n\n" + "\n".join(material_line(ctx, e) for e in entries))
    return "\n\n".join(blocks)


def material_link(ctx: PageContext, material_id: str) -> str:
    """A plain link to one piece of material, for a page's prose."""
    entry = ctx.handbook.get("material", material_id)
    return f"[{entry['title']}]({entry['url']})" if entry.get("url") else entry["title"]

"""The routines, placed on the pages of the "Rutiner" section by their `page`, and the children's page."""
from __future__ import annotations

from ..pages import routine_pages, unknown_routine_page
from .context import PageContext, bullet_list, region_lead, region_suffix, within


def _points(ctx: PageContext, entry: dict) -> str:
    """A routine's points, labelled for reading inside it: numbered when a sequence, else a plain list."""
    return bullet_list(ctx, within(ctx, entry, entry.get("points")), ordered=bool(entry.get("ordered", True)))


def routine(ctx: PageContext, routine_id: str, heading_level: int = 0) -> str:
    """One routine: its summary and its points, under a heading when a level is given.

    Another region's routine says whose it is: in its heading and before its summary."""
    entry = ctx.handbook.get("routines", routine_id)
    parts = []
    if heading_level:
        where = region_suffix(ctx, entry, entry["title"])
        parts.append(f"{'#' * heading_level} {entry['title']}{where} {{#{routine_id}}}")
    if entry.get("summary"):
        parts.append(f"{region_lead(ctx, entry)}{entry['summary'].strip()} {ctx.cite(entry.get('sources'))}")
    if entry.get("points"):
        parts.append(_points(ctx, entry))
    return "\n\n".join(parts)


def _ids_on(ctx: PageContext, page: str) -> list[str]:
    ids = routine_pages(ctx.handbook).get(page)
    if not ids:
        raise unknown_routine_page(page)
    return ids


def routines_on_page(ctx: PageContext, page: str, heading_level: int = 2) -> str:
    """Every routine placed on one page, each under its own heading, in the order of routines.yaml
    (a page's routines build on each other: experiences, then the advice about them)."""
    return "\n\n".join(routine(ctx, routine_id, heading_level) for routine_id in _ids_on(ctx, page))


def routine_page_body(ctx: PageContext, page: str) -> str:
    """A generated routine page: its one routine under the page's own title, or each under a heading."""
    ids = _ids_on(ctx, page)
    if len(ids) == 1:
        return routine(ctx, ids[0])
    return routines_on_page(ctx, page)


def routines_overview(ctx: PageContext) -> str:
    """Every routine in the data, linked to its place in the "Rutiner" section, with its summary."""
    lines = []
    for page, ids in routine_pages(ctx.handbook).items():
        for routine_id in ids:
            entry = ctx.handbook.get("routines", routine_id)
            # A routine alone on its page is the page: the link needs no anchor.
            link = ctx.link(page, routine_id if len(ids) > 1 else None)
            ctx.note_sources(entry.get("sources"))
            where = region_suffix(ctx, entry, entry["title"])
            lines.append(f"- **[{entry['title']}]({link})**{where} – {entry.get('summary', '').strip()}")
    return "\n".join(lines)


def children_page(ctx: PageContext) -> str:
    """The plain-Swedish sections for children and guardians."""
    children = ctx.handbook.children
    parts = []
    for section in children.get("sections") or []:
        paragraphs = "\n\n".join(p.strip() for p in section.get("paragraphs") or [])
        citation = ctx.cite(section.get("sources") or children.get("sources"))
        parts.append(f"## {section['heading']}\n\n{paragraphs}\n\n{citation}")
    return "\n\n".join(parts)

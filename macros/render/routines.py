"""The routines, placed on the pages of the "Rutiner" section by their `page`, and the children's page."""
from __future__ import annotations

from ..pages import routine_pages, unknown_routine_page
from .context import PageContext, bullet_list


def routine(ctx: PageContext, routine_id: str, heading_level: int = 0) -> str:
    """One routine: its summary and its numbered points, under a heading when a level is given."""
    entry = ctx.handbook.get("routines", routine_id)
    parts = []
    if heading_level:
        parts.append(f"{'#' * heading_level} {entry['title']} {{#{routine_id}}}")
    if entry.get("summary"):
        parts.append(f"{entry['summary'].strip()} {ctx.cite(entry.get('sources'))}")
    # Numbered: several routines are sequences (the deviation chain, Gävleborg's eight steps).
    parts.append(bullet_list(ctx, entry.get("points"), ordered=True))
    return "\n\n".join(parts)


def _ids_on(ctx: PageContext, page: str) -> list[str]:
    ids = routine_pages(ctx.handbook).get(page)
    if not ids:
        raise unknown_routine_page(page)
    return ids


def routines_on_page(ctx: PageContext, page: str, heading_level: int = 2) -> str:
    """Every routine placed on one page, each under its own heading."""
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
            lines.append(f"- **[{entry['title']}]({link})** – {entry.get('summary', '').strip()}")
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

"""The steps of the process and the checklists: overviews, step pages, variants and tickable lists."""
from __future__ import annotations

import html

from ..pages import checklist_page, step_page
from .context import (PageContext, applies_here_first, bullet_list, is_own_region, region_label, region_lead,
                      region_suffix, within)
from .edition import system_note
from .roles import role_link

# The overviews (steps, checklists, routines, roles) are signposts: each line links to the page that
# cites every fact, so they carry no inline "Källa" (on a phone it buried the links); the documents
# still appear in the overview page's source note.


# Numbers as Swedish words, for prose such as "Arbetet går i sju steg" (neuter: "ett steg").
NUMBER_WORDS = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")


def steps_count(ctx: PageContext) -> str:
    """How many steps there are, in words up to twelve ("sju"), so prose stays true when one is added."""
    count = len(ctx.handbook.steps)
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def step_number(ctx: PageContext, step_id: str) -> int:
    """A step's number: its place in steps.yaml, counted from 1."""
    ctx.handbook.get("steps", step_id)
    return next(n for n, step in enumerate(ctx.handbook.steps, start=1) if step["id"] == step_id)


def step_title(ctx: PageContext, step_id: str) -> str:
    """A step's page title with its number ("3. Kalla")."""
    return f"{step_number(ctx, step_id)}. {ctx.handbook.get('steps', step_id)['title']}"


def steps_overview(ctx: PageContext, first: int | None = None) -> str:
    """A numbered list of the steps (all, or the first few), each linking to its page with its summary."""
    lines = []
    for number, step in enumerate(ctx.handbook.steps[:first], start=1):
        link = ctx.link(step_page(step["id"]))
        ctx.note_sources(step.get("sources"))
        lines.append(f"{number}. **[{step['title']}]({link})** – {step.get('summary', '').strip()}")
    return "\n".join(lines)


def step_body(ctx: PageContext, step_id: str) -> str:
    """The whole body of a step page: who, what, documentation, time limits, variants, checklists."""
    step = ctx.handbook.get("steps", step_id)
    parts = [f"{step.get('summary', '').strip()} {ctx.cite(step.get('sources'))}"]
    if step.get("who"):
        roles = applies_here_first(ctx, [ctx.handbook.get("roles", role_id) for role_id in step["who"]])
        people = "\n".join(f"- {role_link(ctx, role['id'])}" for role in roles)
        parts.append(f"## Vem gör det?\n\n{people}")
    if step.get("actions"):
        parts.append(f"## Vad ska göras?\n\n{bullet_list(ctx, step['actions'])}")
    if step.get("documentation"):
        parts.append("## Vad dokumenteras och var?\n\n" + documentation(ctx, step["documentation"]))
    if step.get("time_limits"):
        parts.append(f"## Tidsgränser\n\n{bullet_list(ctx, step['time_limits'])}")
    if step.get("variants"):
        parts.append("## Så gör man på olika håll\n\n" + variants(ctx, step["variants"]))
    for checklist_id in step.get("checklists") or []:
        parts.append(checklist(ctx, checklist_id, heading_level=2))
    return "\n\n".join(parts)


def documentation(ctx: PageContext, entries) -> str:
    """What is documented where, this edition's way first, then the edition's own system."""
    lines = []
    for entry in applies_here_first(ctx, entries):
        where = f" **Var:** {entry['where']}." if entry.get("where") else ""
        lines.append(f"- {region_lead(ctx, entry)}{entry['text'].strip()}{where} {ctx.cite(entry.get('sources'))}")
    return "\n".join(lines) + system_note(ctx, "documentation")


def variants(ctx: PageContext, entries) -> str:
    """Local variants grouped by region, the edition's own region first and marked."""
    regions: dict[str, list] = {}
    for entry in entries:
        regions.setdefault(entry.get("region", "Övrigt"), []).append(entry)
    ordered = sorted(regions, key=lambda region: not is_own_region(ctx.edition, region))
    blocks = []
    for region in ordered:
        own = is_own_region(ctx.edition, region)
        heading = f"### {region}" + (" (hos oss)" if own else "")
        body = bullet_list(ctx, regions[region], labelled=False)
        if own:
            body = f'<div class="sip-egen-region" markdown>\n\n{body}\n\n</div>'
        blocks.append(f"{heading}\n\n{body}")
    return "\n\n".join(blocks)


def checklist(ctx: PageContext, checklist_id: str, heading_level: int = 2, heading: bool = True) -> str:
    """A checklist with real checkboxes; checklist.js keeps their state in localStorage."""
    entry = ctx.handbook.get("checklists", checklist_id)
    parts = []
    if heading:
        page = checklist_page(checklist_id)
        # The region goes inside the link: a heading that is a link and more text fails axe's link check.
        title = f"{entry['title']}{region_suffix(ctx, entry, entry['title'])}"
        if ctx.src_uri != page:
            title = f"[{title}]({ctx.link(page)})"
        parts.append(f"{'#' * heading_level} {title}")
    if entry.get("intro"):
        parts.append(f"{region_lead(ctx, entry)}{entry['intro'].strip()} {ctx.cite(entry.get('sources'))}")
    items = []
    # The intro names the list's region: its own items need no label, other regions' come last.
    for item in applies_here_first(ctx, within(ctx, entry, entry.get("items"))):
        box_id = f"kryss-{checklist_id}-{item['id']}"
        region = region_label(ctx, item)
        lead = f"<strong>{html.escape(region)}:</strong> " if region else ""
        items.append(
            f'- <input type="checkbox" class="sip-kryss" id="{box_id}"> '
            f'<label for="{box_id}">{lead}{item["text"].strip()}</label> {ctx.cite(item.get("sources"))}'
        )
    parts.append(
        f'<div class="sip-checklista" data-checklista="{html.escape(checklist_id)}" markdown>\n\n'
        + "\n".join(items)
        + "\n\n</div>"
    )
    return "\n\n".join(parts)


def checklists_overview(ctx: PageContext) -> str:
    """A list linking every checklist page, with its intro."""
    lines = []
    for entry in ctx.handbook.checklists:
        ctx.note_sources(entry.get("sources"))
        intro = entry.get("intro", "").strip()
        where = region_suffix(ctx, entry, entry["title"])
        lines.append(f"- **[{entry['title']}]({ctx.link(checklist_page(entry['id']))})**{where} – {intro}")
    return "\n".join(lines)

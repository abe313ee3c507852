"""The roles: a card per role, the cards of one group, and the overview of the groups."""
from __future__ import annotations

from ..pages import role_group_page, step_page
from .context import PageContext, bullet_list, region_label, region_lead, region_suffix


def role_link(ctx: PageContext, role_id: str) -> str:
    """A link to a role's card, naming the region when the role is another region's."""
    role = ctx.handbook.get("roles", role_id)
    region = region_label(ctx, role)
    where = f" ({region})" if region else ""
    return f"[{role['title']}]({ctx.link(role_group_page(role['group']), role_id)}){where}"


def role_card(ctx: PageContext, role: dict) -> str:
    """One role as a heading with an anchor, its summary and its tasks."""
    parts = [
        f"## {role['title']} {{#{role['id']}}}",
        f"{region_lead(ctx, role)}{role.get('summary', '').strip()} {ctx.cite(role.get('sources'))}",
    ]
    if role.get("tasks"):
        parts.append(f"**Uppgifter:**\n\n{bullet_list(ctx, role['tasks'])}")
    steps = [s for s in ctx.handbook.steps if role["id"] in (s.get("who") or [])]
    if steps:
        links = ", ".join(f"[{s['title']}]({ctx.link(step_page(s['id']))})" for s in steps)
        parts.append(f"Med i stegen: {links}.")
    return "\n\n".join(parts)


def _roles_of(ctx: PageContext, group: str) -> list:
    return [role for role in ctx.handbook.roles if role.get("group") == group]


def role_group(ctx: PageContext, group: str) -> str:
    """A group's page body: its intro, then the card of every role in the group."""
    intro = str(ctx.handbook.get("role_groups", group).get("intro") or "").strip()
    cards = [role_card(ctx, role) for role in _roles_of(ctx, group)]
    return "\n\n".join(([intro] if intro else []) + cards)


def roles_overview(ctx: PageContext) -> str:
    """The groups of roles in the order of role_groups.yaml, each with links to its roles."""
    blocks = []
    for group in ctx.handbook.role_groups:
        roles = _roles_of(ctx, group["id"])
        if not roles:
            continue
        page = role_group_page(group["id"])
        lines = [f"- [{role['title']}]({ctx.link(page, role['id'])}){region_suffix(ctx, role, role['title'])}"
                 for role in roles]
        # Only titles are shown here; the source note still names the documents they come from.
        for role in roles:
            ctx.note_sources(role.get("sources"))
        blocks.append(f"## [{group['title']}]({ctx.link(page)})\n\n" + "\n".join(lines))
    return "\n\n".join(blocks)

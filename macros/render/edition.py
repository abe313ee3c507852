"""The edition's own parts: its systems, role mailboxes and local rules."""
from __future__ import annotations

from ..handbook_data import HandbookDataError
from .context import PageContext, bullet_list

# The purposes an edition may name a system for, with the label the systems table gives each.
SYSTEM_LABELS = {
    "documentation": "Dokumentation",
    "followup": "Uppföljning",
    "deviation": "Avvikelser",
    "collaboration": "Samverkan",
}
# Contact roles that take problems with the site itself.
FEEDBACK_ROLES = ("webbplats", "tillganglighet", "webbansvarig")


def system_note(ctx: PageContext, key: str) -> str:
    """A sentence naming the edition's own system for a purpose, or nothing."""
    system = (ctx.edition.get("systems") or {}).get(key)
    if not system:
        return ""
    text = f" {system['text'].strip()}" if system.get("text") else ""
    short = ctx.edition.get("short") or ctx.edition.get("name", "")
    return f"\n\n**Hos {short}:** {system['name']}.{text}"


def systems_table(ctx: PageContext) -> str:
    """The edition's systems, one row per purpose."""
    systems = ctx.edition.get("systems") or {}
    rows = [
        f"| {SYSTEM_LABELS.get(key, key)} | {value.get('name', '')} | {value.get('text', '').strip()} |"
        for key, value in systems.items()
    ]
    if not rows:
        return ""
    table = "| Till vad | System | Så används det |\n|---|---|---|\n" + "\n".join(rows)
    if ctx.edition.get("sources"):
        table += f"\n\n{ctx.cite(ctx.edition['sources'])}"
    return table


def contacts_list(ctx: PageContext) -> str:
    """The edition's role mailboxes."""
    return "\n".join(
        f"- {contact['title']}: [{contact['mailbox']}](mailto:{contact['mailbox']})"
        for contact in ctx.edition.get("contacts") or []
        if contact.get("mailbox")
    )


def feedback_mailbox(edition: dict) -> str:
    """The mailbox for problems with the site: a web/accessibility contact if named, else the first."""
    contacts = [c for c in edition.get("contacts") or [] if c.get("mailbox")]
    for contact in contacts:
        if contact.get("role") in FEEDBACK_ROLES:
            return contact["mailbox"]
    if not contacts:
        raise HandbookDataError(
            f"Utgåvan '{edition.get('id')}' saknar contacts med mailbox: "
            "webbplatsen behöver en adress för synpunkter."
        )
    return contacts[0]["mailbox"]


def local_rules(ctx: PageContext) -> str:
    """The edition's local rules as a cited list."""
    return bullet_list(ctx, ctx.edition.get("local_rules"))

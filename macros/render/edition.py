"""The edition's own parts: its systems, its practice (routines and forms), role mailboxes and local rules."""
from __future__ import annotations

from backoffice.forms import schema as schemas

from ..handbook_data import HandbookDataError
from ..pages import ROUTINES, form_page, routine_slug
from .context import PageContext, bullet_list

# The purposes an edition may name a system for, with the label the systems table gives each.
SYSTEM_LABELS = {
    "documentation": "Dokumentation",
    "followup": "Uppföljning",
    "deviation": "Avvikelser",
    "collaboration": "Samverkan",
}
# The parts of the work an edition declares its own way of doing (its `practice:`), with the label the
# start page gives each and the sentence that names the form the edition uses for it, if any.
PRACTICE = {
    "documentation": ("Dokumentation", ""),
    "deviation": ("Avvikelser", "I den här utgåvan rapporterar ni en avvikelse i blanketten {form}."),
    "followup": ("Årlig uppföljning", "I den här utgåvan svarar rektor på frågorna i blanketten {form}, med "
                                      "den länk som SIP-samordnaren skickar."),
    "sample_audit": ("Stickprov", "I den här utgåvan fyller samordnarna i blanketten {form} för varje "
                                  "granskat dokument."),
    "collaboration": ("Samverkan", ""),
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


def practice_of(ctx: PageContext, slot: str) -> dict:
    """The edition's declaration for one part of the work (empty when it declares none)."""
    return dict((ctx.edition.get("practice") or {}).get(slot) or {})


def _form_sentence(ctx: PageContext, slot: str, form_id: str) -> str:
    template = PRACTICE.get(slot, ("", ""))[1]
    if not template or form_id not in schemas.form_ids():
        return ""
    title = schemas.load_form(form_id).title
    return " " + template.format(form=f"[{title}]({ctx.link(form_page(form_id))})")


def _routine_sentence(ctx: PageContext, routine_id: str) -> str:
    """'Läs mer: …' linking the edition's routine for this part, unless this page shows it."""
    routine = ctx.handbook.by_id("routines").get(routine_id)
    if not routine:
        return ""
    page = ROUTINES.page(routine_slug(routine))
    if page == ctx.src_uri:
        return ""
    return f" Läs mer under [{routine['title']}]({ctx.link(page, routine_id)})."


def practice_text(ctx: PageContext, slot: str, with_links: bool = True) -> str:
    """What the edition's documents say about one part of the work, cited, then the form it uses."""
    declared = practice_of(ctx, slot)
    if not declared.get("text"):
        return ""
    text = f"{declared['text'].strip()} {ctx.cite(declared.get('sources'))}"
    if with_links:
        text += _form_sentence(ctx, slot, str(declared.get("form") or ""))
        text += _routine_sentence(ctx, str(declared.get("routine") or ""))
    return text


def practice_note(ctx: PageContext, slot: str, with_links: bool = True) -> str:
    """'**Hos <edition>:** …' for one part of the work, or nothing when the edition declares none."""
    text = practice_text(ctx, slot, with_links)
    if not text:
        return ""
    short = ctx.edition.get("short") or ctx.edition.get("name", "")
    return f'<div class="sip-hos-oss" markdown>\n\n**Hos {short}:** {text}\n\n</div>'


def practice_list(ctx: PageContext) -> str:
    """Every part of the work the edition declares, as a list (the start page's "Hos oss")."""
    lines = []
    for slot, (label, _) in PRACTICE.items():
        text = practice_text(ctx, slot)
        if text:
            lines.append(f"- **{label}:** {text}")
    return "\n".join(lines)


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

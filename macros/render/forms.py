"""What each form rests on and who answers it (data/handbook/forms.yaml), as the edition asks it."""
from __future__ import annotations

from backoffice.forms import schema as schemas

from ..pages import form_page
from .context import PageContext, bullet_list
from .edition import practice_text

# A form the data says nothing about is the handbook's own tool: its page says so instead of a source.
NO_BASIS = "Blanketten är handbokens egen. Den bygger inte på något av styrdokumenten."


def _entry(ctx: PageContext, form_id: str) -> dict:
    return ctx.handbook.by_id("forms").get(form_id) or {}


def asked_basis(ctx: PageContext, form_id: str) -> list[dict]:
    """The form's basis, without the points about questions this edition does not ask (`field`)."""
    asked = set(schemas.load_form(form_id).field_names)
    return [point for point in _entry(ctx, form_id).get("basis") or []
            if not point.get("field") or point["field"] in asked]


def form_basis(ctx: PageContext, form_id: str) -> str:
    """The section "Vad blanketten bygger på": its cited basis, then what this edition's documents say."""
    points = asked_basis(ctx, form_id)
    if not points:
        return f"## Vad blanketten bygger på\n\n{NO_BASIS}"
    parts = ["## Vad blanketten bygger på", bullet_list(ctx, points)]
    slot = _entry(ctx, form_id).get("practice")
    own = practice_text(ctx, slot, with_links=False) if slot else ""
    if own:
        short = ctx.edition.get("short") or ctx.edition.get("name", "")
        parts.append(f"**Hos {short}:** {own}")
    return "\n\n".join(parts)


def ordered_forms(ctx: PageContext) -> list[str]:
    """The edition's forms: in the order of forms.yaml, then any others sorted."""
    known = schemas.form_ids()
    listed = [entry["id"] for entry in ctx.handbook.forms if entry.get("id") in known]
    return listed + [form_id for form_id in known if form_id not in listed]


def forms_table(ctx: PageContext) -> str:
    """The table of the edition's forms: title (linked), who answers and when."""
    rows = []
    for form_id in ordered_forms(ctx):
        entry = _entry(ctx, form_id)
        title = schemas.load_form(form_id).title
        rows.append(f"| [{title}]({ctx.link(form_page(form_id))}) | {entry.get('who', '')} | {entry.get('when', '')} |")
    return "| Blankett | Vem svarar | När |\n|---|---|---|\n" + "\n".join(rows)

"""Macros for the handbook pages: steps, roles, checklists, routines, sources and the edition."""
from __future__ import annotations

import functools
from pathlib import Path

from .handbook_data import for_edition, load_edition, load_handbook
from .render import context, edition as edition_parts, forms as form_parts, material, roles, routines, sources, steps

# The context of the page being rendered; reset whenever a new page starts.
_current: dict = {"ctx": None}


def page_context(env) -> context.PageContext:
    """The current page's context, created on first use for that page."""
    src_uri = env.page.file.src_uri
    ctx = _current["ctx"]
    if ctx is None or ctx.src_uri != src_uri:
        data_dir = Path(env.project_dir) / "data"
        edition = load_edition(env.conf["extra"]["edition"], data_dir)
        ctx = context.PageContext(
            src_uri=src_uri,
            handbook=for_edition(load_handbook(data_dir), edition),
            edition=edition,
        )
        _current["ctx"] = ctx
    return ctx


def _title_of(ctx, kind, entry_id):
    """The Swedish title of an entry in one of the data files (checklists, routines, ...)."""
    return ctx.handbook.get(kind, entry_id)["title"]


def _children_title(ctx):
    """The title of the page for children and guardians."""
    return ctx.handbook.children.get("title", "För barn och vårdnadshavare")


def _routines_here(ctx, heading_level=2):
    """Every routine placed on the current page, each under its own heading."""
    return routines.routines_on_page(ctx, ctx.src_uri, heading_level)


def _routine_page(ctx):
    """The body of a generated routine page (data/handbook/templates/routines.md)."""
    return routines.routine_page_body(ctx, ctx.src_uri)


def _cite(ctx, *source_ids):
    """Källa-note for a fact written in a page's prose."""
    return ctx.cite(source_ids)


def _shows(ctx, kind, entry_id):
    """True when this edition shows an entry (a checklist, routine, …): not left out by its `omit:`."""
    return entry_id in ctx.handbook.by_id(kind)


def _feedback_mailbox(ctx):
    """The mailbox for problems with the site."""
    return edition_parts.feedback_mailbox(ctx.edition)


# Every macro the pages call, by name: a function of the current page's context and the arguments.
PAGE_MACROS = {
    "cite": _cite,
    "title_of": _title_of,
    "step_title": steps.step_title,
    "steps_count": steps.steps_count,
    "steps_overview": steps.steps_overview,
    "step": steps.step_body,
    "checklist": steps.checklist,
    "checklists_overview": steps.checklists_overview,
    "roles_overview": roles.roles_overview,
    "role_group": roles.role_group,
    "routines_here": _routines_here,
    "routine_page": _routine_page,
    "routines_overview": routines.routines_overview,
    "children_title": _children_title,
    "children_page": routines.children_page,
    "glossary": sources.glossary,
    "sources_page": sources.sources_page,
    "systems_table": edition_parts.systems_table,
    "system_note": edition_parts.system_note,
    "contacts": edition_parts.contacts_list,
    "feedback_mailbox": _feedback_mailbox,
    "local_rules": edition_parts.local_rules,
    "practice_note": edition_parts.practice_note,
    "practice_list": edition_parts.practice_list,
    "blankett_underlag": form_parts.form_basis,
    "blanketter_tabell": form_parts.forms_table,
    "material_page": material.material_page,
    "material_link": material.material_link,
    "shows": _shows,
}


def _page_macro(env, function):
    """`function` as a macro: called with the current page's context before the page's arguments."""

    @functools.wraps(function)
    def macro(*args, **kwargs):
        return function(page_context(env), *args, **kwargs)

    return macro


def register(env):
    """Register this part's macros and the edition's variables on the mkdocs-macros environment."""
    data_dir = Path(env.project_dir) / "data"
    edition = load_edition(env.conf["extra"]["edition"], data_dir)
    if edition.get("site_name"):
        env.conf["site_name"] = edition["site_name"]
    if edition.get("name") and not env.conf.get("copyright"):
        # The footer names who stands behind this edition.
        env.conf["copyright"] = f"Utgåva för {edition['name']}"
    env.variables["edition"] = edition
    # The edition's own statistics (its `statistik:`), unless $SIP_STATISTIK or mkdocs.yml names a file:
    # another organisation's figures are not shown as this one's.
    extra = env.conf.setdefault("extra", {})
    if edition.get("statistik") and not extra.get("statistik"):
        extra["statistik"] = edition["statistik"]
    for name, function in PAGE_MACROS.items():
        env.macro(_page_macro(env, function), name)


def on_post_page_macros(env):
    """Append the page's source note and the abbreviation definitions to its Markdown."""
    ctx = page_context(env)
    meta = env.page.meta or {}
    note = sources.source_note(ctx, meta.get("sources"), meta.get("reviewed"))
    abbreviations = sources.abbreviation_lines(ctx.handbook)
    env.markdown = f"{env.markdown}\n\n{note}\n\n{abbreviations}\n"
    _current["ctx"] = None

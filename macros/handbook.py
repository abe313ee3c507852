"""Macros for the handbook pages: steps, roles, checklists, routines, sources and the edition."""
from __future__ import annotations

from pathlib import Path

from . import handbook_render as render
from .handbook_data import load_edition, load_handbook

# The context of the page being rendered; reset whenever a new page starts.
_current: dict = {"ctx": None}


def page_context(env) -> render.PageContext:
    """The current page's context, created on first use for that page."""
    src_uri = env.page.file.src_uri
    ctx = _current["ctx"]
    if ctx is None or ctx.src_uri != src_uri:
        data_dir = Path(env.project_dir) / "data"
        ctx = render.PageContext(
            src_uri=src_uri,
            handbook=load_handbook(data_dir),
            edition=load_edition(env.conf["extra"]["edition"], data_dir),
        )
        _current["ctx"] = ctx
    return ctx


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

    @env.macro
    def cite(*source_ids):
        """Källa-note for a fact written in a page's prose."""
        return page_context(env).cite(source_ids)

    @env.macro
    def step_title(step_id):
        """A step's page title with its number."""
        entry = page_context(env).handbook.get("steps", step_id)
        return f"{entry.get('number', '')}. {entry['title']}".lstrip(". ")

    @env.macro
    def title_of(kind, entry_id):
        """The Swedish title of an entry in one of the data files (checklists, routines, ...)."""
        return page_context(env).handbook.get(kind, entry_id)["title"]

    @env.macro
    def steps_overview(first=None):
        """Numbered list of the steps (all, or the first few) with links."""
        return render.steps_overview(page_context(env), first)

    @env.macro
    def step(step_id):
        """The body of one step's page."""
        return render.step_body(page_context(env), step_id)

    @env.macro
    def checklist(checklist_id, heading_level=2, heading=True):
        """One tickable checklist."""
        return render.checklist(page_context(env), checklist_id, heading_level, heading)

    @env.macro
    def checklists_overview():
        """Links to every checklist."""
        return render.checklists_overview(page_context(env))

    @env.macro
    def roles_overview():
        """Role groups with links to each role."""
        return render.roles_overview(page_context(env))

    @env.macro
    def role_group(group):
        """Every role card of one group."""
        return render.role_group(page_context(env), group)

    @env.macro
    def routines_here(heading_level=2):
        """Every routine placed on the current page."""
        return render.routines_on_page(page_context(env), env.page.file.src_uri, heading_level)

    @env.macro
    def routines_overview():
        """Links to every routine page."""
        return render.routines_overview(page_context(env))

    @env.macro
    def children_title():
        """The title of the page for children and guardians."""
        return page_context(env).handbook.children.get("title", "För barn och vårdnadshavare")

    @env.macro
    def children_page():
        """The plain-Swedish sections for children and guardians."""
        return render.children_page(page_context(env))

    @env.macro
    def glossary():
        """The glossary as a definition list."""
        return render.glossary(page_context(env))

    @env.macro
    def sources_page():
        """Every governing document with its dates."""
        return render.sources_page(page_context(env))

    @env.macro
    def systems_table():
        """The edition's systems."""
        return render.systems_table(page_context(env))

    @env.macro
    def system_note(key):
        """A sentence naming the edition's system for a purpose."""
        return render.system_note(page_context(env), key)

    @env.macro
    def contacts():
        """The edition's role mailboxes."""
        return render.contacts_list(page_context(env))

    @env.macro
    def feedback_mailbox():
        """The mailbox for problems with the site."""
        return render.feedback_mailbox(edition)

    @env.macro
    def local_rules():
        """The edition's local rules."""
        return render.local_rules(page_context(env))


def on_post_page_macros(env):
    """Append the page's source note and the abbreviation definitions to its Markdown."""
    ctx = page_context(env)
    meta = env.page.meta or {}
    note = render.source_note(ctx, meta.get("sources"), meta.get("reviewed"))
    abbreviations = render.abbreviation_lines(ctx.handbook)
    env.markdown = f"{env.markdown}\n\n{note}\n\n{abbreviations}\n"
    _current["ctx"] = None

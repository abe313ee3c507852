"""Macros for the forms part of the site: each form page renders its form from the schema."""
from pathlib import Path

from backoffice.forms import schema as schemas
from backoffice.forms.webform import END, START, render_form

from .pages import FORMS, nav_slugs

ASSETS = ("forms.css", "forms.js")
# The offline templates are written into the built site, so a rector can download them.
TEMPLATE_DIR = "blanketter/mallar"


def _asset_prefix(env) -> str:
    # Page URLs are directory-style ("blanketter/<id>/"): climb to the site root.
    url = getattr(getattr(env, "page", None), "url", "") or ""
    return "../" * url.count("/")


def form_block(form_id: str, prefix: str = "") -> str:
    """The form's HTML between the markers, with its local stylesheet and script."""
    css, js = (f"{prefix}blanketter/{name}" for name in ASSETS)
    # One raw-HTML block (a div), so Markdown wraps nothing in <p>.
    return (
        f'<div class="sip-form-page"><link rel="stylesheet" href="{css}">\n'
        f"{START.format(form_id=form_id)}\n{render_form(form_id)}\n{END}\n"
        f'<script src="{js}" defer></script></div>\n'
    )


def template_name(form_id: str) -> str:
    """The file name of a form's downloadable template."""
    return f"{form_id}-mall.xlsx"


def template_link(form_id: str, prefix: str = "") -> str:
    """A download link (raw HTML: the file exists only in the built site) to a form's template."""
    href = f"{prefix}{TEMPLATE_DIR}/{template_name(form_id)}"
    return f'<a href="{href}" download>{schemas.load_form(form_id).title} (Excel, .xlsx)</a>'


def forms_in_menu_order(nav) -> list[str]:
    """Every form id, in the order the Blanketter menu shows their pages (the rest sorted after)."""
    known = schemas.form_ids()
    listed = [slug for slug in nav_slugs(nav, FORMS) if slug in known]
    return listed + [form_id for form_id in known if form_id not in listed]


def register(env):
    """Register the `blankett`, `blankett_mall`, `blankett_mallar` and `blankett_titel` macros."""

    @env.macro
    def blankett(form_id: str) -> str:
        """Render the web form for `form_id` (forms/<id>.schema.yaml) as HTML."""
        return form_block(form_id, _asset_prefix(env))

    @env.macro
    def blankett_mall(form_id: str) -> str:
        """A download link to a form's template."""
        return template_link(form_id, _asset_prefix(env))

    @env.macro
    def blankett_mallar() -> str:
        """A Markdown list of download links to every form's template, in menu order."""
        prefix = _asset_prefix(env)
        return "\n".join(f"- {template_link(form_id, prefix)}" for form_id in forms_in_menu_order(env.conf["nav"]))

    @env.macro
    def blankett_titel(form_id: str) -> str:
        """The Swedish title of a form."""
        return schemas.load_form(form_id).title


def on_post_build(env):
    """Write each form's xlsx template into the built site (generated, never kept in docs/)."""
    from backoffice.forms.template import write_template

    target = Path(env.conf["site_dir"]) / TEMPLATE_DIR
    for form_id in schemas.form_ids():
        write_template(form_id, target / template_name(form_id))

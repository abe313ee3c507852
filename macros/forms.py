"""Macros for the forms part of the site: each form page renders its form from the schema."""
from backoffice import schemas
from backoffice.webform import render_form

# The intake service swaps the form between these markers for the one bound to a school's link.
START, END = "<!--sip-form:{form_id}-->", "<!--/sip-form-->"
ASSETS = ("forms.css", "forms.js")


def _asset_prefix(env) -> str:
    # Page URLs are directory-style ("blanketter/arsuppfoljning/"): climb to the site root.
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


def register(env):
    """Register the `blankett` and `blankett_titel` macros."""

    @env.macro
    def blankett(form_id: str) -> str:
        """Render the web form for `form_id` (forms/<id>.schema.yaml) as HTML."""
        return form_block(form_id, _asset_prefix(env))

    @env.macro
    def blankett_titel(form_id: str) -> str:
        """The Swedish title of a form."""
        return schemas.form_title(form_id)

"""The page shell over the built site: a page of the service looks like the handbook's own pages."""
from __future__ import annotations

import re

from backoffice.forms import webform
from backoffice.intake import shell as shell_module
from backoffice.intake.shell import END, START, Shell


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def article_of(html: str) -> str:
    return re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)


def test_a_message_page_has_the_sites_frame_and_a_new_title_and_article(built_site):
    shell = Shell(built_site)
    site_name = title_of(shell.page("404.html")).rsplit(" - ", 1)[-1]
    html = shell.message_page("Länken kan inte användas", "<p>Inget har sparats.</p>")
    assert title_of(html) == f"Länken kan inte användas - {site_name}"
    assert '<html lang="sv"' in html and 'class="md-header' in html  # the theme's frame is kept
    assert article_of(html) == "<h1>Länken kan inte användas</h1><p>Inget har sparats.</p>"


def test_on_a_form_page_the_skip_link_leads_to_the_new_heading(built_site):
    shell = Shell(built_site)
    html = shell.message_page("Kvittot finns inte", "<p>Kontrollera numret.</p>", form_id="avvikelse")
    skip = re.search(r'<a href="#([^"]+)" class="md-skip">', html).group(1)
    assert article_of(html) == f'<h1 id="{skip}">Kvittot finns inte</h1><p>Kontrollera numret.</p>'
    assert START.format(form_id="avvikelse") not in html  # the form's preview is gone with the article


def test_a_bound_form_replaces_only_what_lies_between_the_markers(built_site):
    shell = Shell(built_site)
    built = shell.form_page("arsuppfoljning")
    html = shell.bound_form_page("arsuppfoljning", '<div id="bunden">…</div>', title_prefix="Fel i formuläret: ")
    start = START.format(form_id="arsuppfoljning")
    assert html.count(start) == 1 and html.count(END) == 1
    assert html.split(start)[1].split(END)[0].strip() == '<div id="bunden">…</div>'
    assert html.split(start)[0] == built.split(start)[0].replace(
        f"<title>{title_of(built)}</title>", f"<title>Fel i formuläret: {title_of(built)}</title>")
    assert html.split(END)[1] == built.split(END)[1]


def test_the_inline_scripts_are_the_sites_code_not_its_json_config(built_site):
    scripts = list(Shell(built_site).inline_scripts())
    assert scripts and all(body.strip() for body in scripts)
    assert not any(body.lstrip().startswith("{") for body in scripts)


def test_the_form_markers_have_one_home():
    # The site's macro imports them from the form renderer; they are the shell's.
    assert (webform.START, webform.END) == (shell_module.START, shell_module.END)
    assert webform.START is shell_module.START

"""The page shell: the built site's pages as the frame of every page the intake service writes.

The one module that knows the theme's HTML (MkDocs Material): where a page's article and title
are, its "skip to content" link and its inline scripts, and the markers between which a form page
holds its form. Everything else hands it a title and a body, or a bound form.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Iterator

from backoffice.intake.links import form_path

# The built page wraps its form in these markers (written by the site's macro); the intake service
# swaps what lies between them for the form bound to one link.
START, END = "<!--sip-form:{form_id}-->", "<!--/sip-form-->"
NOT_FOUND_PAGE = "404.html"
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_SKIP = re.compile(r'<a href="#([^"]+)" class="md-skip">')
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


def form_page_file(form_id: str) -> str:
    """The built file of a form's page, relative to the site."""
    return form_path(form_id).lstrip("/") + "index.html"


class Shell:
    """The built site's pages, used as the frame for every page the service writes."""

    def __init__(self, site_dir: Path):
        self.site_dir = Path(site_dir)
        self._cache: dict[str, str] = {}

    def page(self, relative: str) -> str:
        """The HTML of one built page (cached; the site does not change while serving)."""
        if relative not in self._cache:
            self._cache[relative] = (self.site_dir / relative).read_text(encoding="utf-8")
        return self._cache[relative]

    def has_form_page(self, form_id: str) -> bool:
        """Whether the site was built with a page for this form (only such forms are served)."""
        return (self.site_dir / form_page_file(form_id)).exists()

    def form_page(self, form_id: str) -> str:
        return self.page(form_page_file(form_id))

    def bound_form_page(self, form_id: str, form_html: str, *, title_prefix: str = "") -> str:
        """The form's page with `form_html` between the markers, its title led by `title_prefix`."""
        html = self.form_page(form_id)
        if title_prefix:
            html = _TITLE.sub(lambda m: f"<title>{escape(title_prefix)}{m.group(1)}</title>", html, count=1)
        start = START.format(form_id=form_id)
        before, _, rest = html.partition(start)
        _, _, after = rest.partition(END)
        return f"{before}{start}\n{form_html}\n{END}{after}"

    def message_page(self, title: str, body: str, *, form_id: str | None = None) -> str:
        """A page with a heading and body in the site's frame (the form's page or the 404 page)."""
        base = self.form_page(form_id) if form_id else self.page(NOT_FOUND_PAGE)
        # Keep the theme's "skip to content" link pointing at something: the new heading.
        skip = _SKIP.search(base)
        anchor = f' id="{skip.group(1)}"' if skip else ""
        return with_article(base, title, f"<h1{anchor}>{escape(title)}</h1>{body}")

    def inline_scripts(self) -> Iterator[str]:
        """The code of every inline script in the built site (Material ships a few)."""
        for page in sorted(self.site_dir.rglob("*.html")):
            for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
                attrs = match.group("attrs")
                # External scripts and JSON data blocks (Material's config) are not inline code.
                if "src=" in attrs or "application/json" in attrs or not match.group("body"):
                    continue
                yield match.group("body")


def with_article(html: str, title: str, body: str) -> str:
    """The page with its title and article content replaced (the site's name stays in the title)."""
    site_title = _TITLE.search(html).group(1).rsplit(" - ", 1)[-1]
    html = _TITLE.sub(lambda _: f"<title>{escape(title)} - {site_title}</title>", html, count=1)
    return _ARTICLE.sub(lambda m: m.group(1) + body + m.group(3), html, count=1)

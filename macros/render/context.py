"""What a page's macros share (where it is, its edition, the sources it cited) and the small pieces."""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field

from ..handbook_data import Handbook, HandbookDataError
from ..pages import SOURCES_PAGE


@dataclass
class PageContext:
    """What a page's macros share: where the page is, its edition, and the sources it cited."""

    src_uri: str
    handbook: Handbook
    edition: dict = field(default_factory=dict)
    cited: list = field(default_factory=list)

    def link(self, target: str, anchor: str | None = None) -> str:
        """A link from this page to another docs file, relative so MkDocs can check it."""
        if target == self.src_uri:
            path = ""
        else:
            path = posixpath.relpath(target, posixpath.dirname(self.src_uri) or ".")
        return f"{path}#{anchor}" if anchor else path

    def note_sources(self, source_ids) -> None:
        """Remember sources for the page's source note without an inline citation."""
        for source_id in source_ids or []:
            self.handbook.get("sources", source_id)
            if source_id not in self.cited:
                self.cited.append(source_id)

    def cite(self, source_ids) -> str:
        """The inline "Källa: …" note for a fact; remembers the ids for the page's source note."""
        ids = list(source_ids or [])
        if not ids:
            raise HandbookDataError("En uppgift saknar källa (sources är tom).")
        links = []
        for source_id in ids:
            source = self.handbook.get("sources", source_id)
            if source_id not in self.cited:
                self.cited.append(source_id)
            label = source.get("short") or source.get("title") or source_id
            links.append(f"[{label}]({self.link(SOURCES_PAGE, source_id)})")
        return f'<small class="sip-kalla">Källa: {", ".join(links)}</small>'


def is_own_region(edition: dict, region: str) -> bool:
    """True when `region` is the region the edition is built for."""
    own = (edition.get("own_region") or "").casefold()
    return bool(own) and (region or "").casefold() == own


def region_label(ctx: PageContext, entry: dict) -> str:
    """The region an entry applies to, when that is not the edition's own region; else ''."""
    region = entry.get("region")
    return "" if not region or is_own_region(ctx.edition, region) else region


def region_suffix(ctx: PageContext, entry: dict, title: str) -> str:
    """' (Gävleborg)' after the title of another region's entry, unless the title already names it."""
    region = region_label(ctx, entry)
    if not region or region.split(",")[0].casefold() in title.casefold():
        return ""
    return f" ({region})"


def within(ctx: PageContext, parent: dict, entries) -> list:
    """The entries of a routine or checklist that belongs to one region, labelled for reading inside it.

    An entry of the parent's region needs no label: the parent's heading names it. Inside another
    region's list, an entry of a third region, or of the edition's own, names its region in its text,
    so it is not read as the parent's."""
    parent_region = parent.get("region")
    parent_labelled = bool(region_label(ctx, parent))
    out = []
    for entry in entries or []:
        region = entry.get("region")
        if region and region == parent_region:
            entry = dict(entry, region=None)
        elif region and parent_labelled and not region_label(ctx, entry):
            entry = dict(entry, region=None, text=f"**{region}:** {entry['text'].strip()}")
        out.append(entry)
    return out


def applies_here_first(ctx: PageContext, entries) -> list:
    """Entries that apply everywhere or in the edition's region, then other regions' (order kept)."""
    return sorted(entries or [], key=lambda entry: bool(region_label(ctx, entry)))


def region_lead(ctx: PageContext, entry: dict) -> str:
    """'**Göteborg, skolor:** ' before a fact of another region than the edition's, else ''."""
    # A Skåne reader must not take a Göteborg system for their own: such facts say whose they are.
    region = region_label(ctx, entry)
    return f"**{region}:** " if region else ""


def fact(ctx: PageContext, entry: dict, labelled: bool = True) -> str:
    """One fact's text followed by its citation, led by its region when it is another region's."""
    lead = region_lead(ctx, entry) if labelled else ""
    return f"{lead}{entry['text'].strip()} {ctx.cite(entry.get('sources'))}"


def bullet_list(ctx: PageContext, points, ordered: bool = False, labelled: bool = True) -> str:
    """A Markdown list of cited facts; an unordered list puts other regions' facts last."""
    if not ordered:
        points = applies_here_first(ctx, points)
    lines = []
    for number, point in enumerate(points or [], start=1):
        marker = f"{number}." if ordered else "-"
        lines.append(f"{marker} {fact(ctx, point, labelled)}")
    return "\n".join(lines)


def date_text(value) -> str:
    """An ISO date, or a plain note when the document gives none."""
    if value in (None, ""):
        return "anges inte"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to plain text, for attributes such as an abbreviation's title."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())

"""Turn handbook data into Markdown for one page, citing every fact's source as it goes."""
from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from dataclasses import dataclass, field

from .handbook_data import Handbook, HandbookDataError

# Where each kind of entry is shown; links between pages are built from these.
SOURCES_PAGE = "kallor.md"
GLOSSARY_PAGE = "ordlista.md"
STEPS_INDEX = "steg-for-steg/index.md"
CHECKLISTS_INDEX = "checklistor/index.md"
ROLES_INDEX = "roller/index.md"
ROUTINES_INDEX = "rutiner/index.md"
ACCESSIBILITY_PAGE = "om-webbplatsen/tillganglighet.md"

# Role groups in the order the roles page shows them, with their Swedish headings.
ROLE_GROUPS = {
    "barn-och-familj": "Barnet och familjen",
    "skola": "Skolan",
    "central": "Centrala funktioner",
    "samverkan": "Andra huvudmän och aktörer",
}

KIND_NAMES = {
    "anvisning": "Anvisning",
    "rutin": "Rutin",
    "vägledning": "Vägledning",
    "överenskommelse": "Överenskommelse",
    "yttrande": "Yttrande",
}


def step_page(step_id: str) -> str:
    """The docs path of a step's page."""
    return f"steg-for-steg/{step_id}.md"


def checklist_page(checklist_id: str) -> str:
    """The docs path of a checklist's page."""
    return f"checklistor/{checklist_id}.md"


# The pages of the "Rutiner" section and the routines each shows, in order.
ROUTINE_PAGES = {
    "rutiner/avvikelser.md": ["avvikelse"],
    "rutiner/kvalitetsarbete.md": [
        "stickprov", "rakna-planer", "fragor-till-rektor", "stadsrevisionen", "arbetsgruppen",
    ],
    "rutiner/dokumentation-i-pmo.md": ["pmo-dokumentation"],
    "rutiner/erfarenheter-fran-gavleborg.md": ["gavleborg-erfarenheter", "gavleborg-samordning"],
    "rutiner/andra-satt-att-samverka.md": [
        "andra-samverkansformer", "radgivande-samtal", "organisationsformer",
    ],
    "rutiner/varfor-sip.md": ["syfte", "lagar", "vuxna-behandling"],
}


def routine_page(routine_id: str) -> str:
    """The docs path of the page that shows a routine."""
    for page, ids in ROUTINE_PAGES.items():
        if routine_id in ids:
            return page
    raise HandbookDataError(
        f"Rutinen '{routine_id}' i data/handbook/routines.yaml visas inte på någon sida. "
        "Lägg till den i ROUTINE_PAGES i macros/handbook_render.py."
    )


def role_group_page(group: str) -> str:
    """The docs path of the page holding one group of role cards."""
    return f"roller/{group}.md"


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


# ---------------------------------------------------------------- small pieces


def region_label(ctx: PageContext, entry: dict) -> str:
    """The region an entry applies to, when that is not the edition's own region; else ''."""
    region = entry.get("region")
    return "" if not region or _is_own_region(ctx.edition, region) else region


def applies_here_first(ctx: PageContext, entries) -> list:
    """Entries that apply everywhere or in the edition's region, then other regions' (order kept)."""
    return sorted(entries or [], key=lambda entry: bool(region_label(ctx, entry)))


def _region_lead(ctx: PageContext, entry: dict) -> str:
    """'**Göteborg, skolor:** ' before a fact of another region than the edition's, else ''."""
    # A Skåne reader must not take a Göteborg system for their own: such facts say whose they are.
    region = region_label(ctx, entry)
    return f"**{region}:** " if region else ""


def _fact(ctx: PageContext, entry: dict, labelled: bool = True) -> str:
    """One fact's text followed by its citation, led by its region when it is another region's."""
    lead = _region_lead(ctx, entry) if labelled else ""
    return f"{lead}{entry['text'].strip()} {ctx.cite(entry.get('sources'))}"


def bullet_list(ctx: PageContext, points, ordered: bool = False, labelled: bool = True) -> str:
    """A Markdown list of cited facts; an unordered list puts other regions' facts last."""
    if not ordered:
        points = applies_here_first(ctx, points)
    lines = []
    for number, point in enumerate(points or [], start=1):
        marker = f"{number}." if ordered else "-"
        lines.append(f"{marker} {_fact(ctx, point, labelled)}")
    return "\n".join(lines)


def _date(value) -> str:
    """An ISO date, or a plain note when the document gives none."""
    if value in (None, ""):
        return "anges inte"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _role_link(ctx: PageContext, role_id: str) -> str:
    role = ctx.handbook.get("roles", role_id)
    group = role.get("group", "samverkan")
    region = region_label(ctx, role)
    where = f" ({region})" if region else ""
    return f"[{role['title']}]({ctx.link(role_group_page(group), role_id)}){where}"


def _is_own_region(edition: dict, region: str) -> bool:
    own = (edition.get("own_region") or "").casefold()
    return bool(own) and (region or "").casefold() == own


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to plain text, for attributes such as an abbreviation's title."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


# ---------------------------------------------------------------- steps

# The overviews (steps, checklists, routines, roles) are signposts: each line links to the page that
# cites every fact, so they carry no inline "Källa" (on a phone it buried the links); the documents
# still appear in the overview page's source note.


def steps_overview(ctx: PageContext, first: int | None = None) -> str:
    """A numbered list of the steps (all, or the first few), each linking to its page with its summary."""
    lines = []
    for step in ctx.handbook.steps[:first]:
        link = ctx.link(step_page(step["id"]))
        ctx.note_sources(step.get("sources"))
        lines.append(f"{step.get('number', '')}. **[{step['title']}]({link})** – {step.get('summary', '').strip()}")
    return "\n".join(lines)


def step_body(ctx: PageContext, step_id: str) -> str:
    """The whole body of a step page: who, what, documentation, time limits, variants, checklists."""
    step = ctx.handbook.get("steps", step_id)
    parts = [f"{step.get('summary', '').strip()} {ctx.cite(step.get('sources'))}"]
    if step.get("who"):
        roles = applies_here_first(ctx, [ctx.handbook.get("roles", role_id) for role_id in step["who"]])
        people = "\n".join(f"- {_role_link(ctx, role['id'])}" for role in roles)
        parts.append(f"## Vem gör det?\n\n{people}")
    if step.get("actions"):
        parts.append(f"## Vad ska göras?\n\n{bullet_list(ctx, step['actions'])}")
    if step.get("documentation"):
        docs = []
        for entry in applies_here_first(ctx, step["documentation"]):
            where = f" **Var:** {entry['where']}." if entry.get("where") else ""
            docs.append(f"- {_region_lead(ctx, entry)}{entry['text'].strip()}{where} {ctx.cite(entry.get('sources'))}")
        parts.append("## Vad dokumenteras och var?\n\n" + "\n".join(docs) + system_note(ctx, "documentation"))
    if step.get("time_limits"):
        parts.append(f"## Tidsgränser\n\n{bullet_list(ctx, step['time_limits'])}")
    if step.get("variants"):
        parts.append("## Så gör man på olika håll\n\n" + variants(ctx, step["variants"]))
    for checklist_id in step.get("checklists") or []:
        parts.append(checklist(ctx, checklist_id, heading_level=2))
    return "\n\n".join(parts)


def variants(ctx: PageContext, entries) -> str:
    """Local variants grouped by region, the edition's own region first and marked."""
    regions: dict[str, list] = {}
    for entry in entries:
        regions.setdefault(entry.get("region", "Övrigt"), []).append(entry)
    ordered = sorted(regions, key=lambda region: not _is_own_region(ctx.edition, region))
    blocks = []
    for region in ordered:
        own = _is_own_region(ctx.edition, region)
        heading = f"### {region}" + (" (hos oss)" if own else "")
        body = bullet_list(ctx, regions[region], labelled=False)
        if own:
            body = f'<div class="sip-egen-region" markdown>\n\n{body}\n\n</div>'
        blocks.append(f"{heading}\n\n{body}")
    return "\n\n".join(blocks)


# ---------------------------------------------------------------- checklists


def checklist(ctx: PageContext, checklist_id: str, heading_level: int = 2, heading: bool = True) -> str:
    """A checklist with real checkboxes; checklist.js keeps their state in localStorage."""
    entry = ctx.handbook.get("checklists", checklist_id)
    parts = []
    if heading:
        page = checklist_page(checklist_id)
        title = entry["title"]
        if ctx.src_uri != page:
            title = f"[{title}]({ctx.link(page)})"
        parts.append(f"{'#' * heading_level} {title}")
    if entry.get("intro"):
        parts.append(f"{entry['intro'].strip()} {ctx.cite(entry.get('sources'))}")
    items = []
    for item in applies_here_first(ctx, entry.get("items")):
        box_id = f"kryss-{checklist_id}-{item['id']}"
        region = region_label(ctx, item)
        lead = f"<strong>{html.escape(region)}:</strong> " if region else ""
        items.append(
            f'- <input type="checkbox" class="sip-kryss" id="{box_id}"> '
            f'<label for="{box_id}">{lead}{item["text"].strip()}</label> {ctx.cite(item.get("sources"))}'
        )
    parts.append(
        f'<div class="sip-checklista" data-checklista="{html.escape(checklist_id)}" markdown>\n\n'
        + "\n".join(items)
        + "\n\n</div>"
    )
    return "\n\n".join(parts)


def checklists_overview(ctx: PageContext) -> str:
    """A list linking every checklist page, with its intro."""
    lines = []
    for entry in ctx.handbook.checklists:
        ctx.note_sources(entry.get("sources"))
        intro = entry.get("intro", "").strip()
        lines.append(f"- **[{entry['title']}]({ctx.link(checklist_page(entry['id']))})** – {intro}")
    return "\n".join(lines)


# ---------------------------------------------------------------- roles


def role_card(ctx: PageContext, role: dict) -> str:
    """One role as a heading with an anchor, its summary and its tasks."""
    parts = [
        f"## {role['title']} {{#{role['id']}}}",
        f"{_region_lead(ctx, role)}{role.get('summary', '').strip()} {ctx.cite(role.get('sources'))}",
    ]
    if role.get("tasks"):
        parts.append(f"**Uppgifter:**\n\n{bullet_list(ctx, role['tasks'])}")
    steps = [s for s in ctx.handbook.steps if role["id"] in (s.get("who") or [])]
    if steps:
        links = ", ".join(f"[{s['title']}]({ctx.link(step_page(s['id']))})" for s in steps)
        parts.append(f"Med i stegen: {links}.")
    return "\n\n".join(parts)


def role_group(ctx: PageContext, group: str) -> str:
    """Every role card of one group."""
    roles = [role for role in ctx.handbook.roles if role.get("group") == group]
    return "\n\n".join(role_card(ctx, role) for role in roles)


def roles_overview(ctx: PageContext) -> str:
    """The groups of roles, each with links to its roles."""
    blocks = []
    for group, heading in ROLE_GROUPS.items():
        roles = [role for role in ctx.handbook.roles if role.get("group") == group]
        if not roles:
            continue
        lines = [
            f"- [{role['title']}]({ctx.link(role_group_page(group), role['id'])})" for role in roles
        ]
        # Only titles are shown here; the source note still names the documents they come from.
        for role in roles:
            ctx.note_sources(role.get("sources"))
        blocks.append(f"## [{heading}]({ctx.link(role_group_page(group))})\n\n" + "\n".join(lines))
    return "\n\n".join(blocks)


# ---------------------------------------------------------------- routines, children, glossary


def routine(ctx: PageContext, routine_id: str, heading_level: int = 0) -> str:
    """One routine: its summary and its numbered points."""
    entry = ctx.handbook.get("routines", routine_id)
    parts = []
    if heading_level:
        parts.append(f"{'#' * heading_level} {entry['title']} {{#{routine_id}}}")
    if entry.get("summary"):
        parts.append(f"{entry['summary'].strip()} {ctx.cite(entry.get('sources'))}")
    # Numbered: several routines are sequences (the deviation chain, Gävleborg's eight steps).
    parts.append(bullet_list(ctx, entry.get("points"), ordered=True))
    return "\n\n".join(parts)


def routines_on_page(ctx: PageContext, page: str, heading_level: int = 2) -> str:
    """Every routine ROUTINE_PAGES places on one page, each under its own heading."""
    return "\n\n".join(routine(ctx, routine_id, heading_level) for routine_id in ROUTINE_PAGES[page])


def routines_overview(ctx: PageContext) -> str:
    """Every routine in the data, linked to its place in the "Rutiner" section, with its summary."""
    lines = []
    for entry in ctx.handbook.routines:
        link = ctx.link(routine_page(entry["id"]), entry["id"])
        ctx.note_sources(entry.get("sources"))
        lines.append(f"- **[{entry['title']}]({link})** – {entry.get('summary', '').strip()}")
    return "\n".join(lines)


def children_page(ctx: PageContext) -> str:
    """The plain-Swedish sections for children and guardians."""
    parts = []
    for section in ctx.handbook.children.get("sections") or []:
        paragraphs = "\n\n".join(p.strip() for p in section.get("paragraphs") or [])
        parts.append(
            f"## {section['heading']}\n\n{paragraphs}\n\n{ctx.cite(section.get('sources') or ctx.handbook.children.get('sources'))}"
        )
    return "\n\n".join(parts)


def glossary(ctx: PageContext) -> str:
    """All terms as a definition list, sorted the Swedish way."""
    order = "abcdefghijklmnopqrstuvwxyzåäö"

    def key(entry):
        return [order.find(ch) if ch in order else ord(ch) for ch in entry["term"].casefold()]

    lines = []
    for entry in sorted(ctx.handbook.glossary, key=key):
        lines.append(f"{entry['term']} {{#{entry['id']}}}\n:   {entry['definition'].strip()} {ctx.cite(entry.get('sources'))}")
    return "\n\n".join(lines)


def abbreviation_lines(handbook: Handbook) -> str:
    """Markdown `*[ABBR]: definition` lines for every abbreviation in the glossary."""
    return "\n".join(
        f"*[{entry['term']}]: {plain_text(entry.get('expansion') or entry['definition'])}"
        for entry in handbook.glossary
        if entry.get("abbreviation")
    )


# ---------------------------------------------------------------- sources


def sources_page(ctx: PageContext) -> str:
    """Each governing document with its kind, decision, dates and scope, anchored by id."""
    blocks = []
    for source in ctx.handbook.sources:
        rows = [
            ("Kort namn", source.get("short", "")),
            ("Utgivare", source.get("organisation", "")),
            ("Typ av dokument", KIND_NAMES.get(source.get("kind"), source.get("kind", ""))),
            ("Beslutad av", source.get("decided_by") or "anges inte"),
            ("Beslutsdatum", _date(source.get("decided"))),
            ("Daterat", _date(source.get("dated"))),
            ("Senast reviderad", _date(source.get("revised"))),
            ("Gäller för", source.get("scope", "")),
            ("Senast granskad av oss", _date(source.get("reviewed"))),
        ]
        table = "\n\n".join(f"{label}\n:   {str(value).strip()}" for label, value in rows)
        ctx.note_sources([source["id"]])
        note = f"\n\n{source['note'].strip()}" if source.get("note") else ""
        blocks.append(f"## {source['title']} {{#{source['id']}}}\n\n{table}{note}")
    return "\n\n".join(blocks)


def source_dates(source: dict) -> str:
    """The dates a document gives (decided, revised, dated) and when we last checked it, in words."""
    parts = []
    if source.get("decided"):
        parts.append(f"beslutad {_date(source['decided'])}")
    if source.get("revised") and source.get("revised") != source.get("decided"):
        parts.append(f"reviderad {_date(source['revised'])}")
    if source.get("dated") and not source.get("decided"):
        parts.append(f"daterad {_date(source['dated'])}")
    if not parts:
        parts.append("dokumentet har inget datum")
    parts.append(f"granskad av oss {_date(source.get('reviewed'))}")
    return ", ".join(parts)


def source_note(ctx: PageContext, extra_ids=(), reviewed=None) -> str:
    """The "Källa / senast granskad" note for the end of a page, from the sources it cited."""
    ids = list(ctx.cited)
    for source_id in extra_ids or []:
        if source_id not in ids:
            ids.append(source_id)
    sources = [ctx.handbook.get("sources", source_id) for source_id in ids]
    lines = []
    for source in sources:
        link = ctx.link(SOURCES_PAGE, source["id"])
        label = source.get("short") or source["title"]
        lines.append(f"- [{label}]({link}): {source_dates(source)}.")
    if not lines:
        dates = [s.get("reviewed") for s in ctx.handbook.sources if s.get("reviewed")]
        last = reviewed or (max(dates) if dates else None)
        lines.append(
            "- Sidan bygger inte på något styrdokument. "
            f"Texten granskades senast {_date(last)}."
        )
    return (
        '<div class="sip-kallnot" markdown>\n\n'
        "**Källa / senast granskad**\n\n" + "\n".join(lines) + "\n\n</div>"
    )


# ---------------------------------------------------------------- edition


def system_note(ctx: PageContext, key: str) -> str:
    """A sentence naming the edition's own system for a purpose, or nothing."""
    system = (ctx.edition.get("systems") or {}).get(key)
    if not system:
        return ""
    text = f" {system['text'].strip()}" if system.get("text") else ""
    short = ctx.edition.get("short") or ctx.edition.get("name", "")
    return f"\n\n**Hos {short}:** {system['name']}.{text}"


SYSTEM_LABELS = {
    "documentation": "Dokumentation",
    "followup": "Uppföljning",
    "deviation": "Avvikelser",
    "collaboration": "Samverkan",
}


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
        if contact.get("role") in ("webbplats", "tillganglighet", "webbansvarig"):
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

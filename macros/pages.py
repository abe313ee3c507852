"""Where each kind of entry is shown: the docs path of its page, and every page the data calls for."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from .handbook_data import Handbook, HandbookDataError

# The page written by hand that every citation links to.
SOURCES_PAGE = "kallor.md"


@dataclass(frozen=True)
class Section:
    """A part of the site with one page per data entry: its folder, the page template, its source."""

    kind: str  # the data file (steps, checklists, …) or "forms" for forms/<id>.schema.yaml
    folder: str  # the folder under docs/, which holds the section's index.md
    template: str  # data/handbook/templates/<template>.md, used when no page is written by hand

    @property
    def index(self) -> str:
        return f"{self.folder}/index.md"

    def page(self, slug: str) -> str:
        return f"{self.folder}/{slug}.md"


STEPS = Section("steps", "steg-for-steg", "step")
ROLE_GROUPS = Section("role_groups", "roller", "role-group")
CHECKLISTS = Section("checklists", "checklistor", "checklist")
ROUTINES = Section("routines", "rutiner", "routines")
FORMS = Section("forms", "blanketter", "form")
SECTIONS = (STEPS, ROLE_GROUPS, CHECKLISTS, ROUTINES, FORMS)


def step_page(step_id: str) -> str:
    """The docs path of a step's page."""
    return STEPS.page(step_id)


def checklist_page(checklist_id: str) -> str:
    """The docs path of a checklist's page."""
    return CHECKLISTS.page(checklist_id)


def role_group_page(group: str) -> str:
    """The docs path of the page holding one group of role cards."""
    return ROLE_GROUPS.page(group)


def form_page(form_id: str) -> str:
    """The docs path of a form's page."""
    return FORMS.page(form_id)


def routine_slug(routine: dict) -> str:
    """The name of the page a routine is shown on: its `page`, else a page of its own."""
    return str(routine.get("page") or routine["id"])


def routine_pages(handbook: Handbook) -> dict[str, list[str]]:
    """Each routine page's docs path and the routines it shows, both in the order of routines.yaml."""
    pages: dict[str, list[str]] = {}
    for routine in handbook.routines:
        pages.setdefault(ROUTINES.page(routine_slug(routine)), []).append(routine["id"])
    return pages


@dataclass(frozen=True)
class PlannedPage:
    """A page the data calls for: where it goes and the entry it is made from."""

    section: Section
    src_uri: str
    entry: str  # the id the page's template is filled in with


def planned_pages(handbook: Handbook, form_ids) -> list[PlannedPage]:
    """Every page made from an entry, section by section, in the order of the data."""
    planned = [PlannedPage(STEPS, step_page(s["id"]), s["id"]) for s in handbook.steps]
    planned += [PlannedPage(ROLE_GROUPS, role_group_page(g["id"]), g["id"]) for g in handbook.role_groups]
    planned += [PlannedPage(CHECKLISTS, checklist_page(c["id"]), c["id"]) for c in handbook.checklists]
    # A routine page shows every routine whose `page` names it; its template takes the first one's title.
    planned += [PlannedPage(ROUTINES, page, ids[0]) for page, ids in routine_pages(handbook).items()]
    planned += [PlannedPage(FORMS, form_page(form_id), form_id) for form_id in form_ids]
    return planned


def orphan_problem(section: Section, src_uri: str) -> str:
    """The message for a hand-written page in a data section that no entry calls for."""
    slug = src_uri[len(section.folder) + 1 : -len(".md")]
    if section is FORMS:
        return (f"docs/{src_uri} hör inte till någon blankett: forms/{slug}.schema.yaml finns inte. "
                "Lägg till schemat eller ta bort sidan.")
    key = "id (eller page)" if section is ROUTINES else "id"
    return (f"docs/{src_uri} hör inte till någon post med {key} '{slug}' i data/handbook/{section.kind}.yaml. "
            "Lägg till posten i filen eller ta bort sidan.")


def section_of(src_uri: str) -> Section | None:
    """The data section a page in docs/ belongs to (None for the other pages and the index pages)."""
    folder, _, name = src_uri.rpartition("/")
    if name == "index.md" or not name.endswith(".md"):
        return None
    return next((section for section in SECTIONS if section.folder == folder), None)


def unknown_routine_page(src_uri: str) -> HandbookDataError:
    """The error for a page that asks for the routines of a page no routine is placed on."""
    return HandbookDataError(
        f"docs/{src_uri} visar rutiner, men ingen rutin i data/handbook/routines.yaml har "
        f"page: {src_uri.rsplit('/', 1)[-1][:-3]}. Ange page på rutinerna som ska visas här."
    )


# ---------------------------------------------------------------- the menu (mkdocs.yml's nav)


def _paths(items) -> Iterator[str]:
    """Every page path in a nav list and its sections, in order."""
    for item in items or []:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                yield from _paths(value)


def _direct_paths(items) -> list[str]:
    """The page paths listed directly in one nav list (not in its sub-sections)."""
    found = []
    for item in items:
        values = item.values() if isinstance(item, dict) else [item]
        found += [value for value in values if isinstance(value, str)]
    return found


def section_items(nav, section: Section) -> list | None:
    """The nav list of the menu section that starts at the section's index page, or None."""
    for item in nav or []:
        for value in (item.values() if isinstance(item, dict) else []):
            if not isinstance(value, list):
                continue
            if section.index in _direct_paths(value):
                return value
            found = section_items(value, section)
            if found is not None:
                return found
    return None


def nav_slugs(nav, section: Section) -> list[str]:
    """The names of the section's pages in the order its menu section lists them."""
    prefix = f"{section.folder}/"
    return [path[len(prefix):-len(".md")] for path in _direct_paths(section_items(nav, section) or [])
            if path.startswith(prefix) and path != section.index and path.endswith(".md")]


def remove_from_nav(nav: list, src_uris: set[str]) -> None:
    """Take the given pages out of the menu, wherever it lists them (an edition that does not show them)."""
    for item in list(nav or []):
        values = list(item.values()) if isinstance(item, dict) else [item]
        if any(isinstance(value, str) and value in src_uris for value in values):
            nav.remove(item)
        for value in values:
            if isinstance(value, list):
                remove_from_nav(value, src_uris)


def add_to_nav(nav: list, planned: list[PlannedPage]) -> None:
    """Append each planned page the nav does not list yet to its section, in the order of the data."""
    listed = set(_paths(nav))
    for page in planned:
        if page.src_uri in listed:
            continue
        items = section_items(nav, page.section)
        if items is None:
            raise HandbookDataError(
                f"mkdocs.yml: nav har inget avsnitt som börjar med {page.section.index}, så sidan "
                f"{page.src_uri} får ingen plats i menyn. Lägg tillbaka avsnittet med sin index.md."
            )
        items.append(page.src_uri)
        listed.add(page.src_uri)

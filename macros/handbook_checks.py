"""Integrity checks of the handbook data and an edition, run by every build and by the tests.

Each problem is one Swedish line naming the file, the entry and what to do, so the person who
edited a YAML file can fix it without reading code. `check_handbook` stops the build with all of
them at once (a `HandbookDataError`, which MkDocs prints without a traceback).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

from .handbook_data import LIST_FILES, OMITTABLE, HandbookDataError
from .render.edition import PRACTICE, SYSTEM_LABELS
from .render.material import KINDS as MATERIAL_KINDS
from .render.sources import KIND_NAMES

HANDBOOK_DIR = "data/handbook"
EDITIONS_DIR = "data/editions"
# The regions a fact, a role or a variant may be limited to.
REGIONS = ("Gävleborg", "Göteborg, vuxna", "Sydvästra Skåne", "Göteborg, skolor")
# Ids become file names and anchors: lowercase letters, digits and single hyphens.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RULE = "små bokstäver a–z, siffror och bindestreck, till exempel 'fore-kallelse'"

# The key that holds each file's Swedish name for an entry (None: the entry has no title of its own;
# a form's title is in its schema).
TITLE_KEY = {"glossary": "term", "forms": None}
# Files whose entries are prose or documents themselves, not facts that cite a document (a form's
# entry cites in its basis points).
UNCITED_FILES = ("sources", "role_groups", "forms")
# Sub-lists whose entries state facts and therefore must cite a source.
CITED_SUBLISTS = {
    "roles": ("tasks",),
    "steps": ("actions", "documentation", "time_limits", "variants"),
    "checklists": ("items",),
    "routines": ("points",),
    "forms": ("basis",),
}
# Sub-lists whose entries carry an id: unique in the whole file (variants) or within the entry (items).
ID_SUBLISTS = {"steps": ("variants",), "checklists": ("items",)}
FILE_WIDE_IDS = ("variants",)


def _file(name: str) -> str:
    return f"{HANDBOOK_DIR}/{name}.yaml"


def _where(name: str, entry_id) -> str:
    return f"{_file(name)}: id '{entry_id}'"


def _choices(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _source_problems(where: str, entry: dict, known: set) -> list[str]:
    sources = entry.get("sources")
    if not sources:
        return [f"{where}: saknar sources. Ange id för det styrdokument uppgiften bygger på (se sources.yaml)."]
    return [
        f"{where}: okänd källa '{source_id}'. Använd ett id från sources.yaml eller lägg till dokumentet där."
        for source_id in sources
        if source_id not in known
    ]


def _region_problem(where: str, region) -> list[str]:
    if region in REGIONS:
        return []
    return [f"{where}: okänd region '{region}'. Välj en av {_choices(REGIONS)}."]


def _id_problems(where: str, entry_id, seen: set, named: bool = True) -> list[str]:
    """A missing, repeated or unusable id; `named` says the id itself (where does not yet)."""
    if not entry_id:
        return [f"{where}: en post saknar id. Ge den ett id med {ID_RULE}."]
    label = f"id '{entry_id}'" if named else "id"
    problems = []
    if entry_id in seen:
        problems.append(f"{where}: {label} finns två gånger. Ge den ena posten ett annat id.")
    if not ID_PATTERN.match(str(entry_id)):
        problems.append(f"{where}: {label} går inte att använda. Skriv det med {ID_RULE}.")
    seen.add(entry_id)
    return problems


def _sublist_problems(name: str, entry: dict, where: str, known: set, file_ids: dict) -> list[str]:
    """The cited facts and the ids inside one entry (actions, items, variants, …)."""
    problems = []
    for sub in CITED_SUBLISTS.get(name, ()):
        for index, item in enumerate(entry.get(sub) or []):
            item_where = f"{where}, {sub} '{item.get('id') or f'{sub}[{index}]'}'"
            problems += _source_problems(item_where, item, known)
            if not str(item.get("text") or "").strip():
                problems.append(f"{item_where}: saknar text. Skriv texten eller ta bort punkten.")
            if "region" in item:
                problems += _region_problem(item_where, item["region"])
    for sub in ID_SUBLISTS.get(name, ()):
        seen = file_ids.setdefault(sub, set()) if sub in FILE_WIDE_IDS else set()
        for item in entry.get(sub) or []:
            problems += _id_problems(f"{where}, {sub}", item.get("id"), seen)
    return problems


def _list_problems(name: str, entries: list, known: set) -> list[str]:
    """Ids, titles and sources of every entry of one list file."""
    problems: list[str] = []
    seen: set = set()
    file_ids: dict = {}
    title_key = TITLE_KEY.get(name, "title")
    for entry in entries:
        where = _where(name, entry.get("id"))
        if entry.get("id"):
            problems += _id_problems(where, entry["id"], seen, named=False)
        else:
            problems.append(f"{_file(name)}: en post saknar id ({entry.get(title_key or 'id')!r}). "
                            f"Ge den ett id med {ID_RULE}.")
        if title_key and not str(entry.get(title_key) or "").strip():
            problems.append(f"{where}: saknar svensk {title_key}. Skriv en rubrik på svenska.")
        if name not in UNCITED_FILES:
            problems += _source_problems(where, entry, known)
        if "region" in entry:
            problems += _region_problem(where, entry["region"])
        problems += _sublist_problems(name, entry, where, known, file_ids)
    return problems


def _sources_problems(sources: list) -> list[str]:
    problems = []
    for source in sources:
        where = _where("sources", source.get("id"))
        if source.get("kind") not in KIND_NAMES:
            problems.append(f"{where}: okänd kind '{source.get('kind')}'. Välj en av {_choices(KIND_NAMES)}.")
        if not source.get("decided_by"):
            problems.append(f"{where}: saknar decided_by. Skriv vem som beslutade dokumentet "
                            "(en funktion, aldrig ett namn), eller 'Framgår inte av dokumentet'.")
    return problems


def _roles_problems(roles: list, group_ids: set) -> list[str]:
    problems = []
    for role in roles:
        where = _where("roles", role.get("id"))
        if role.get("group") not in group_ids:
            problems.append(f"{where}: okänd group '{role.get('group')}'. Välj en av "
                            f"{_choices(sorted(group_ids))} eller lägg till gruppen i role_groups.yaml.")
    return problems


def _material_problems(material: list) -> list[str]:
    problems = []
    for entry in material:
        where = _where("material", entry.get("id"))
        if entry.get("kind") not in MATERIAL_KINDS:
            problems.append(f"{where}: okänd kind '{entry.get('kind')}'. Välj en av {_choices(MATERIAL_KINDS)}.")
        url = entry.get("url")
        if url is not None and not re.match(r"^https?://[^\s]+$", str(url)):
            problems.append(f"{where}: url '{url}' är ingen webbadress. Skriv hela adressen med https:// "
                            "eller ta bort url när dokumentet inte anger någon.")
    return problems


def _steps_problems(steps: list, role_ids: set, checklist_ids: set) -> list[str]:
    problems = []
    for step in steps:
        where = _where("steps", step.get("id"))
        if "number" in step:
            problems.append(f"{where}: number behövs inte: stegets nummer är dess plats i filen. Ta bort number.")
        for role_id in step.get("who") or []:
            if role_id not in role_ids:
                problems.append(f"{where}: rollen '{role_id}' i who finns inte i roles.yaml. "
                                "Rätta id:t eller lägg till rollen i roles.yaml.")
        for checklist_id in step.get("checklists") or []:
            if checklist_id not in checklist_ids:
                problems.append(f"{where}: checklistan '{checklist_id}' finns inte i checklists.yaml. "
                                "Rätta id:t eller lägg till checklistan.")
        # A variant is a region's way of doing the step; a region it does not name is checked with the facts.
        for variant in step.get("variants") or []:
            if not variant.get("region"):
                problems.append(f"{where}, variants '{variant.get('id')}': saknar region. "
                                f"Ange vilken region varianten gäller, en av {_choices(REGIONS)}.")
    return problems


def _routines_problems(routines: list) -> list[str]:
    return [
        f"{_where('routines', routine.get('id'))}: page '{routine['page']}' går inte att använda "
        f"som sidnamn. Skriv det med {ID_RULE}."
        for routine in routines
        if "page" in routine and not ID_PATTERN.match(str(routine["page"]))
    ]


def _children_problems(children: dict, known: set) -> list[str]:
    where = _file("children")
    problems = []
    if not str(children.get("title") or "").strip():
        problems.append(f"{where}: saknar svensk title. Skriv sidans rubrik på svenska.")
    problems += _source_problems(where, children, known)
    for index, section in enumerate(children.get("sections") or []):
        section_where = f"{where}: avsnitt {index + 1} ('{section.get('heading')}')"
        if not str(section.get("heading") or "").strip():
            problems.append(f"{section_where}: saknar heading. Skriv avsnittets rubrik.")
        problems += _source_problems(section_where, section, known)
    return problems


def edition_problems(file: str, edition: dict, known: set, handbook_ids: dict | None = None) -> list[str]:
    """The problems of one edition file (data/editions/<file>)."""
    where = f"{EDITIONS_DIR}/{file}"
    handbook_ids = handbook_ids or {}
    problems = []
    if edition.get("id") != Path(file).stem:
        problems.append(f"{where}: id '{edition.get('id')}' stämmer inte med filnamnet. "
                        f"Skriv id: {Path(file).stem} eller byt namn på filen.")
    for key in ("name", "short", "site_name"):
        if not str(edition.get(key) or "").strip():
            problems.append(f"{where}: saknar {key}. Skriv organisationens {key} på svenska.")
    if edition.get("own_region") not in REGIONS:
        problems.append(f"{where}: okänd own_region '{edition.get('own_region')}'. Välj en av {_choices(REGIONS)}.")
    problems += [f"{where}: okänd källa '{source_id}'. Använd ett id från sources.yaml."
                 for source_id in edition.get("sources") or [] if source_id not in known]
    for key, system in (edition.get("systems") or {}).items():
        if key not in SYSTEM_LABELS or not system.get("name") or not system.get("text"):
            problems.append(f"{where}: systemet '{key}' ska ha känd nyckel ({_choices(SYSTEM_LABELS)}), "
                            "name och text.")
    for index, rule in enumerate(edition.get("local_rules") or []):
        problems += _source_problems(f"{where}: local_rules[{index}]", rule, known)
    problems += _practice_problems(where, edition.get("practice") or {}, known, handbook_ids)
    for kind, ids in (edition.get("omit") or {}).items():
        if kind not in OMITTABLE:
            problems.append(f"{where}: omit.{kind} går inte: bara {_choices(OMITTABLE)} kan utelämnas.")
            continue
        problems += [f"{where}: omit.{kind}: '{entry_id}' finns inte i data/handbook/{kind}.yaml. Rätta id:t."
                     for entry_id in ids or [] if entry_id not in handbook_ids.get(kind, set())]
    return problems


def _practice_problems(where: str, practice: dict, known: set, handbook_ids: dict) -> list[str]:
    """An edition's `practice:`: known parts of the work, each with a cited text and a known routine."""
    problems = []
    for slot, declared in practice.items():
        slot_where = f"{where}: practice.{slot}"
        if slot not in PRACTICE:
            problems.append(f"{slot_where}: okänd del av arbetet. Välj en av {_choices(PRACTICE)}.")
            continue
        declared = declared or {}
        if not str(declared.get("text") or "").strip():
            problems.append(f"{slot_where}: saknar text. Skriv vad organisationens dokument säger.")
        problems += _source_problems(slot_where, declared, known)
        routine = declared.get("routine")
        if routine and routine not in handbook_ids.get("routines", set()):
            problems.append(f"{slot_where}: rutinen '{routine}' finns inte i data/handbook/routines.yaml.")
    return problems


def integrity_problems(handbook: Mapping, editions: Mapping[str, dict] | None = None) -> list[str]:
    """All integrity problems in the handbook data (a mapping of file stem to content) and editions."""
    def entries(name):
        return handbook.get(name) or []

    known = {source.get("id") for source in entries("sources")}
    problems: list[str] = []
    for name in LIST_FILES:
        problems += _list_problems(name, entries(name), known)
    problems += _sources_problems(entries("sources"))
    problems += _roles_problems(entries("roles"), {group.get("id") for group in entries("role_groups")})
    problems += _steps_problems(entries("steps"), {r.get("id") for r in entries("roles")},
                                {c.get("id") for c in entries("checklists")})
    problems += _routines_problems(entries("routines"))
    problems += _material_problems(entries("material"))
    problems += _children_problems(handbook.get("children") or {}, known)
    handbook_ids = {name: {e.get("id") for e in entries(name)} for name in LIST_FILES}
    for file, edition in (editions or {}).items():
        problems += edition_problems(file, edition, known, handbook_ids)
    return problems


def check_handbook(handbook, editions: Mapping[str, dict] | None = None) -> None:
    """Stop the build with every problem in the data (a `Handbook` or a mapping) at once."""
    data = handbook if isinstance(handbook, Mapping) else vars(handbook)
    problems = integrity_problems(data, editions)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise HandbookDataError(
            f"Handbokens data har {len(problems)} fel. Rätta dem och bygg igen:\n{lines}"
        )

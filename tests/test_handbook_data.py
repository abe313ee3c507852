"""Integrity and coverage checks for the handbook content in data/handbook and data/editions."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK_DIR = ROOT / "data" / "handbook"
EDITIONS_DIR = ROOT / "data" / "editions"

LIST_FILES = ("sources", "roles", "steps", "checklists", "glossary", "routines")
REGIONS = ("Gävleborg", "Göteborg, vuxna", "Sydvästra Skåne", "Göteborg, skolor")
KINDS = ("anvisning", "rutin", "vägledning", "överenskommelse", "yttrande")
ROLE_GROUPS = ("skola", "central", "samverkan", "barn-och-familj")
SYSTEM_KEYS = ("documentation", "followup", "deviation", "collaboration")

# The file and the key that holds each entry's Swedish name.
TITLE_KEY = {"glossary": "term"}
# Sub-lists whose entries state facts and therefore must cite a source.
CITED_SUBLISTS = {
    "roles": ("tasks",),
    "steps": ("actions", "documentation", "time_limits", "variants"),
    "checklists": ("items",),
    "routines": ("points",),
}
# Sub-lists whose entries also carry an id that must be unique within the file.
ID_SUBLISTS = {"steps": ("variants",), "checklists": ("items",)}


# ---------------------------------------------------------------- loading


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_handbook(directory: Path = HANDBOOK_DIR) -> dict:
    """Every handbook file as plain data, keyed by file stem."""
    data = {name: read_yaml(directory / f"{name}.yaml") or [] for name in LIST_FILES}
    data["children"] = read_yaml(directory / "children.yaml") or {}
    return data


def load_editions(directory: Path = EDITIONS_DIR) -> dict:
    """Every edition file keyed by its file name."""
    return {path.name: read_yaml(path) or {} for path in sorted(directory.glob("*.yaml"))}


# ---------------------------------------------------------------- checks


def _where(file: str, entry_id) -> str:
    return f"{file}: id '{entry_id}'"


def _check_sources(where: str, entry: dict, known: set, problems: list, required: bool = True):
    sources = entry.get("sources")
    if not sources:
        if required:
            problems.append(f"{where}: saknar sources")
        return
    for source_id in sources:
        if source_id not in known:
            problems.append(f"{where}: okänd källa '{source_id}'")


def integrity_problems(handbook: dict, editions: dict | None = None) -> list[str]:
    """All integrity problems in the handbook data (and editions), each naming file and id."""
    problems: list[str] = []
    known_sources = {s.get("id") for s in handbook.get("sources") or []}

    for name in LIST_FILES:
        file = f"{name}.yaml"
        seen: set = set()
        sub_seen: dict = {}
        for entry in handbook.get(name) or []:
            entry_id = entry.get("id")
            where = _where(file, entry_id)
            if not entry_id:
                problems.append(f"{file}: en post saknar id ({entry.get(TITLE_KEY.get(name, 'title'))!r})")
            elif entry_id in seen:
                problems.append(f"{where}: id finns två gånger")
            seen.add(entry_id)
            title_key = TITLE_KEY.get(name, "title")
            if not str(entry.get(title_key) or "").strip():
                problems.append(f"{where}: saknar svensk {title_key}")
            if name != "sources":
                _check_sources(where, entry, known_sources, problems)
            for sub in CITED_SUBLISTS.get(name, ()):
                for index, item in enumerate(entry.get(sub) or []):
                    label = item.get("id") or f"{sub}[{index}]"
                    item_where = f"{where}, {sub} '{label}'"
                    _check_sources(item_where, item, known_sources, problems)
                    if not str(item.get("text") or "").strip():
                        problems.append(f"{item_where}: saknar text")
                    if "region" in item and item["region"] not in REGIONS:
                        problems.append(f"{item_where}: okänd region '{item['region']}'")
            for sub in ID_SUBLISTS.get(name, ()):
                ids = sub_seen.setdefault(sub, set()) if sub == "variants" else set()
                for item in entry.get(sub) or []:
                    if not item.get("id"):
                        problems.append(f"{where}, {sub}: en post saknar id")
                    elif item["id"] in ids:
                        problems.append(f"{where}, {sub}: id '{item['id']}' finns två gånger")
                    ids.add(item.get("id"))

    role_ids = {r.get("id") for r in handbook.get("roles") or []}
    checklist_ids = {c.get("id") for c in handbook.get("checklists") or []}
    for source in handbook.get("sources") or []:
        where = _where("sources.yaml", source.get("id"))
        if source.get("kind") not in KINDS:
            problems.append(f"{where}: okänd kind '{source.get('kind')}'")
        if not source.get("decided_by"):
            problems.append(f"{where}: saknar decided_by")
    for role in handbook.get("roles") or []:
        if role.get("group") not in ROLE_GROUPS:
            problems.append(f"{_where('roles.yaml', role.get('id'))}: okänd group '{role.get('group')}'")
        if "region" in role and role["region"] not in REGIONS:
            problems.append(f"{_where('roles.yaml', role.get('id'))}: okänd region '{role['region']}'")
    for step in handbook.get("steps") or []:
        where = _where("steps.yaml", step.get("id"))
        for role_id in step.get("who") or []:
            if role_id not in role_ids:
                problems.append(f"{where}: rollen '{role_id}' i who finns inte i roles.yaml")
        for checklist_id in step.get("checklists") or []:
            if checklist_id not in checklist_ids:
                problems.append(f"{where}: checklistan '{checklist_id}' finns inte i checklists.yaml")
        for variant in step.get("variants") or []:
            if variant.get("region") not in REGIONS:
                problems.append(f"{where}: variant '{variant.get('id')}' har okänd region '{variant.get('region')}'")

    children = handbook.get("children") or {}
    if not str(children.get("title") or "").strip():
        problems.append("children.yaml: saknar svensk title")
    _check_sources("children.yaml", children, known_sources, problems)
    for index, section in enumerate(children.get("sections") or []):
        where = f"children.yaml: avsnitt {index + 1} ('{section.get('heading')}')"
        if not str(section.get("heading") or "").strip():
            problems.append(f"{where}: saknar heading")
        _check_sources(where, section, known_sources, problems)

    for file, edition in (editions or {}).items():
        where = f"editions/{file}"
        if edition.get("id") != Path(file).stem:
            problems.append(f"{where}: id '{edition.get('id')}' stämmer inte med filnamnet")
        for key in ("name", "short", "site_name"):
            if not str(edition.get(key) or "").strip():
                problems.append(f"{where}: saknar {key}")
        if edition.get("own_region") not in REGIONS:
            problems.append(f"{where}: okänd own_region '{edition.get('own_region')}'")
        for source_id in edition.get("sources") or []:
            if source_id not in known_sources:
                problems.append(f"{where}: okänd källa '{source_id}'")
        for key, system in (edition.get("systems") or {}).items():
            if key not in SYSTEM_KEYS or not system.get("name") or not system.get("text"):
                problems.append(f"{where}: systemet '{key}' ska ha känd nyckel, name och text")
        for contact in edition.get("contacts") or []:
            if not str(contact.get("mailbox", "")).endswith("@example.se"):
                problems.append(f"{where}: kontakten '{contact.get('role')}' ska ha en påhittad adress @example.se")
        for index, rule in enumerate(edition.get("local_rules") or []):
            _check_sources(f"{where}: local_rules[{index}]", rule, known_sources, problems)
    return problems


def all_text(handbook: dict, editions: dict) -> str:
    """Every string value in the data, joined, for fact searches."""
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            out.append(node)

    walk(handbook)
    walk(editions)
    return "\n".join(out)


# ---------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def handbook() -> dict:
    return load_handbook()


@pytest.fixture(scope="module")
def editions() -> dict:
    return load_editions()


def test_real_data_has_no_integrity_problems(handbook, editions):
    problems = integrity_problems(handbook, editions)
    assert problems == [], "\n".join(problems)


def test_sources_are_the_five_documents(handbook):
    by_id = {s["id"]: s for s in handbook["sources"]}
    assert list(by_id) == [
        "gsf-anvisning", "gsn-yttrande", "gavleborg-overenskommelse", "gbg-vuxna-rutin", "skane-vagledning",
    ]
    assert by_id["gsf-anvisning"]["kind"] == "anvisning"
    assert str(by_id["gsf-anvisning"]["decided"]) == "2026-01-20"
    assert by_id["gsf-anvisning"]["decided_by"] == "Verksamhetschef Kvalitet"
    assert by_id["gsn-yttrande"]["kind"] == "yttrande"
    assert by_id["gavleborg-overenskommelse"]["kind"] == "överenskommelse"
    assert by_id["gbg-vuxna-rutin"]["kind"] == "rutin"
    assert by_id["skane-vagledning"]["kind"] == "vägledning"
    assert str(by_id["skane-vagledning"]["dated"]) == "2026-05-20"
    # Only the GSF anvisning states a decision and a revision (both 2026-01-20); the others give no
    # such date, and the Skåne vägledning's date is printed on it, not said to be a decision date.
    assert str(by_id["gsf-anvisning"]["revised"]) == "2026-01-20"
    for source_id in ("gsn-yttrande", "gavleborg-overenskommelse", "gbg-vuxna-rutin", "skane-vagledning"):
        assert by_id[source_id]["decided"] is None and by_id[source_id]["revised"] is None, source_id
    for source_id in ("gsn-yttrande", "gavleborg-overenskommelse", "gbg-vuxna-rutin"):
        assert by_id[source_id]["dated"] is None, source_id
    for source in handbook["sources"]:
        assert source["file"].startswith(("000_", "001_", "002_", "003_", "004_")), source["id"]
        assert str(source["reviewed"]) == "2026-11-25", source["id"]


def test_steps_are_in_process_order(handbook):
    assert [s["id"] for s in handbook["steps"]] == [
        "upptack-behov", "forbered", "kalla", "sip-mote", "genomfor", "folj-upp", "avsluta",
    ]
    assert [s["number"] for s in handbook["steps"]] == list(range(1, 8))
    for step in handbook["steps"]:
        assert step["who"], f"steps.yaml: id '{step['id']}' saknar who"
        assert step["actions"], f"steps.yaml: id '{step['id']}' saknar actions"
        assert step["documentation"], f"steps.yaml: id '{step['id']}' saknar documentation"


REQUIRED_ROLES = (
    "barnet", "vardnadshavare", "skolpersonal", "elevhalsan", "rektor", "sip-kunnig",
    "central-elevhalsa", "central-samordnare", "elevhalsochef", "huvudansvarig",
    "kallad-verksamhet", "socialsekreterare", "regionen", "aktorer-utan-skyldighet",
    "delregional-samordnare",
)
REQUIRED_CHECKLISTS = (
    "fore-kallelse", "samtycke", "sip-dokumentet", "under-motet", "efter-motet", "avsluta-sip",
    "avvikelse", "arlig-uppfoljning",
)
REQUIRED_ROUTINES = (
    "avvikelse", "stickprov", "rakna-planer", "fragor-till-rektor", "stadsrevisionen",
    "gavleborg-erfarenheter", "andra-samverkansformer", "organisationsformer", "radgivande-samtal",
)


@pytest.mark.parametrize(
    "kind, required",
    [("roles", REQUIRED_ROLES), ("checklists", REQUIRED_CHECKLISTS), ("routines", REQUIRED_ROUTINES)],
)
def test_required_ids_exist(handbook, kind, required):
    ids = {entry["id"] for entry in handbook[kind]}
    missing = [entry_id for entry_id in required if entry_id not in ids]
    assert missing == [], f"{kind}.yaml saknar id: {missing}"


def test_every_region_has_variants(handbook):
    regions = {v["region"] for step in handbook["steps"] for v in step.get("variants") or []}
    assert regions == set(REGIONS)


def test_consent_checklist_items_all_mention_samtycke(handbook):
    consent = next(c for c in handbook["checklists"] if c["id"] == "samtycke")
    assert len(consent["items"]) >= 5
    for item in consent["items"]:
        assert "samtycke" in item["text"].casefold(), f"checklists.yaml: samtycke, item '{item['id']}'"


def test_sip_document_checklist_has_the_eight_points_and_more(handbook):
    items = next(c for c in handbook["checklists"] if c["id"] == "sip-dokumentet")["items"]
    gavleborg = [i for i in items if "gavleborg-overenskommelse" in i["sources"]]
    assert len(gavleborg) >= 8
    text = " ".join(i["text"] for i in items).casefold()
    for fact in ("kort", "lång sikt", "plats och datum", "huvudman", "önskemål", "delaktig", "försäkringskassan"):
        assert fact in text, fact


def test_closing_checklist_names_three_reasons(handbook):
    items = next(c for c in handbook["checklists"] if c["id"] == "avsluta-sip")["items"]
    reasons = [i for i in items if i["text"].startswith("Skäl ")]
    assert len(reasons) == 3


def test_deviation_routine_in_order(handbook):
    points = next(r for r in handbook["routines"] if r["id"] == "avvikelse")["points"]
    text = [p["text"] for p in points]
    order = ["chefslinjen", "elevhälsochefen", "FCA-koordinatorn", "MedControl", "händelseanalys"]
    positions = [next(i for i, t in enumerate(text) if word in t) for word in order]
    assert positions == sorted(positions)
    assert any("MLA" in t and "PLA" in t for t in text)
    assert any("NOSAM" in t for t in text)


def test_four_rector_questions(handbook):
    points = next(r for r in handbook["routines"] if r["id"] == "fragor-till-rektor")["points"]
    assert len(points) == 4
    assert all(p["text"].endswith("?") for p in points)


def test_audit_recommendations_each_answered(handbook):
    points = next(r for r in handbook["routines"] if r["id"] == "stadsrevisionen")["points"]
    for number in (1, 2, 3):
        point = next(p["text"] for p in points if p["text"].startswith(f"Rekommendation {number}:"))
        assert "Svar:" in point


KEY_FACTS = (
    "fredag", "tre veckor", "0–17", "webbenkät", "enkät", "Lifecare", "MedControl", "NOSAM", "SAMSA",
    "Treserva", "Stratsys", "PMO", "SMART", "mötescirkel", "åtgärdsprogram", "sjukhus", "undantagsfall",
    "Försäkringskassan", "Arbetsförmedlingen", "Kriminalvården", "ersättare", "Ospecificerat",
    "Kallelse/inbjudan", "SIP, skolan kallar/bjuder in", "SIP, skolan blir kallad", "stickprov",
    "händelseanalys", "chefslinjen", "neutral mötesledare", "rådgivande samtal", "nätverksmöte",
    "lång sikt", "BUP", "habilitering", "primärvård", "huvudansvarig", "förplanering", "närstående",
)


@pytest.mark.parametrize("fact", KEY_FACTS)
def test_key_fact_present(handbook, editions, fact):
    assert fact.casefold() in all_text(handbook, editions).casefold(), f"Faktan '{fact}' saknas i data"


def test_children_page_covers_what_sip_is_consent_and_taking_part(handbook):
    children = handbook["children"]
    headings = " ".join(s["heading"] for s in children["sections"]).casefold()
    body = " ".join(p for s in children["sections"] for p in s["paragraphs"]).casefold()
    assert "vad är en sip" in headings
    assert "samtycke" in body
    assert "mötet" in body
    assert "fråga" in headings


def test_no_personal_names_or_real_addresses_from_the_documents(handbook, editions):
    text = all_text(handbook, editions)
    # The Skåne document names its coordinator; contacts are configuration, never copied.
    assert not re.search(r"Therese|Larsson|Spetz", text)
    addresses = re.findall(r"[\w.+-]+@[\w.-]+", text)
    assert all(a.endswith("@example.se") for a in addresses), addresses


def test_editions(editions):
    assert set(editions) >= {"goteborg-gsf.yaml", "sydvastra-skane.yaml"}
    gsf = editions["goteborg-gsf.yaml"]
    assert gsf["own_region"] == "Göteborg, skolor"
    assert {k: v["name"] for k, v in gsf["systems"].items()} == {
        "documentation": "PMO", "followup": "Stratsys", "deviation": "MedControl", "collaboration": "SAMSA",
    }
    skane = editions["sydvastra-skane.yaml"]
    assert skane["own_region"] == "Sydvästra Skåne"
    # The vägledning names no system, so the edition must not invent one.
    assert not skane.get("systems")
    assert skane["sources"] == ["skane-vagledning"]


# ---------------------------------------------------------------- the checks can fail


def minimal_valid() -> tuple[dict, dict]:
    """A tiny, correct handbook and edition to break one thing at a time."""
    src = ["a"]
    handbook = {
        "sources": [{"id": "a", "title": "Dokument A", "kind": "rutin", "decided_by": "Nämnden"}],
        "roles": [{"id": "r", "title": "Roll", "group": "skola", "sources": src,
                   "tasks": [{"text": "Gör något.", "sources": src}]}],
        "steps": [{"id": "s", "number": 1, "title": "Steg", "sources": src, "who": ["r"],
                   "actions": [{"text": "Gör.", "sources": src}],
                   "documentation": [{"text": "Skriv.", "where": "PMO", "sources": src}],
                   "time_limits": [], "checklists": ["c"],
                   "variants": [{"id": "v", "region": "Gävleborg", "text": "Fredag.", "sources": src}]}],
        "checklists": [{"id": "c", "title": "Lista", "sources": src,
                        "items": [{"id": "i", "text": "Punkt.", "sources": src}]}],
        "glossary": [{"id": "g", "term": "SIP", "abbreviation": True, "definition": "Plan.", "sources": src}],
        "routines": [{"id": "x", "title": "Rutin", "sources": src, "points": [{"text": "Punkt.", "sources": src}]}],
        "children": {"title": "Om SIP", "sources": src,
                     "sections": [{"heading": "Vad?", "paragraphs": ["En plan."], "sources": src}]},
    }
    editions = {"e.yaml": {"id": "e", "name": "Org", "short": "Org", "site_name": "Handbok",
                           "own_region": "Göteborg, skolor", "sources": src, "systems": {},
                           "contacts": [{"role": "r", "mailbox": "r@example.se"}],
                           "local_rules": [{"text": "Regel.", "sources": src}]}}
    return handbook, editions


def test_minimal_example_is_valid():
    assert integrity_problems(*minimal_valid()) == []


def set_path(data, path, value):
    """Set (or delete, for _DELETE) the value at a key path inside nested data."""
    *parents, last = path
    for key in parents:
        data = data[key]
    if value is _DELETE:
        del data[last]
    else:
        data[last] = value


_DELETE = object()

BROKEN = [
    ("dangling source on role", ("roles", 0, "sources"), ["b"], "roles.yaml: id 'r': okänd källa 'b'"),
    ("dangling source on task", ("roles", 0, "tasks", 0, "sources"), ["zz"], "tasks 'tasks[0]': okänd källa 'zz'"),
    ("dangling source on item", ("checklists", 0, "items", 0, "sources"), ["zz"], "items 'i': okänd källa 'zz'"),
    ("undefined role in who", ("steps", 0, "who"), ["ghost"], "rollen 'ghost' i who finns inte"),
    ("undefined checklist", ("steps", 0, "checklists"), ["nope"], "checklistan 'nope' finns inte"),
    ("missing title", ("steps", 0, "title"), "  ", "steps.yaml: id 's': saknar svensk title"),
    ("missing term", ("glossary", 0, "term"), _DELETE, "glossary.yaml: id 'g': saknar svensk term"),
    ("missing children title", ("children", "title"), "", "children.yaml: saknar svensk title"),
    ("no sources on step", ("steps", 0, "sources"), [], "steps.yaml: id 's': saknar sources"),
    ("no sources on action", ("steps", 0, "actions", 0, "sources"), _DELETE, "actions 'actions[0]': saknar sources"),
    ("no sources on point", ("routines", 0, "points", 0, "sources"), [], "points 'points[0]': saknar sources"),
    ("no sources on glossary", ("glossary", 0, "sources"), _DELETE, "glossary.yaml: id 'g': saknar sources"),
    ("no sources on section", ("children", "sections", 0, "sources"), [], "avsnitt 1 ('Vad?'): saknar sources"),
    ("unknown region", ("steps", 0, "variants", 0, "region"), "Skåne", "okänd region 'Skåne'"),
    ("unknown region on a fact", ("steps", 0, "documentation", 0, "region"), "Göteborg",
     "documentation 'documentation[0]': okänd region 'Göteborg'"),
    ("unknown region on a role", ("roles", 0, "region"), "Malmö", "roles.yaml: id 'r': okänd region 'Malmö'"),
    ("unknown kind", ("sources", 0, "kind"), "policy", "okänd kind 'policy'"),
]


@pytest.mark.parametrize("label, path, value, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_check_catches_its_error(label, path, value, message):
    handbook, editions = minimal_valid()
    set_path(handbook, path, value)
    problems = integrity_problems(handbook, editions)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("kind", ["roles", "steps", "checklists", "glossary", "routines", "sources"])
def test_duplicate_id_is_caught(kind):
    handbook, editions = minimal_valid()
    handbook[kind].append(copy.deepcopy(handbook[kind][0]))
    entry_id = handbook[kind][0]["id"]
    problems = integrity_problems(handbook, editions)
    assert f"{kind}.yaml: id '{entry_id}': id finns två gånger" in problems


def test_duplicate_item_id_in_a_checklist_is_caught():
    handbook, editions = minimal_valid()
    handbook["checklists"][0]["items"].append(copy.deepcopy(handbook["checklists"][0]["items"][0]))
    problems = integrity_problems(handbook, editions)
    assert "checklists.yaml: id 'c', items: id 'i' finns två gånger" in problems


def test_duplicate_variant_id_across_steps_is_caught():
    handbook, editions = minimal_valid()
    second = copy.deepcopy(handbook["steps"][0])
    second["id"] = "s2"
    handbook["steps"].append(second)
    problems = integrity_problems(handbook, editions)
    assert "steps.yaml: id 's2', variants: id 'v' finns två gånger" in problems


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("sources", ["b"], "editions/e.yaml: okänd källa 'b'"),
        ("own_region", "Stockholm", "okänd own_region 'Stockholm'"),
        ("contacts", [{"role": "r", "mailbox": "namn@kommun.se"}], "påhittad adress @example.se"),
        ("local_rules", [{"text": "Regel."}], "editions/e.yaml: local_rules[0]: saknar sources"),
        ("systems", {"documentation": {"name": "PMO"}}, "systemet 'documentation'"),
        ("id", "other", "stämmer inte med filnamnet"),
    ],
)
def test_edition_checks_catch_errors(key, value, message):
    handbook, editions = minimal_valid()
    editions["e.yaml"][key] = value
    problems = integrity_problems(handbook, editions)
    assert any(message in p for p in problems), problems

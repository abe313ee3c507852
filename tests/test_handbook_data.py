"""Integrity and coverage checks for the handbook content in data/handbook and data/editions.

The integrity checks themselves live in macros/handbook_checks.py, so every build runs them; here
they are run on the real data and shown to catch each error on a small example. The build itself
stopping on broken data is tested in tests/test_handbook_pages.py.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

import site_support  # noqa: F401  (puts the repository root, and so the macros package, on sys.path)
from macros.handbook_checks import REGIONS, integrity_problems
from macros.handbook_data import LIST_FILES

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK_DIR = ROOT / "data" / "handbook"
EDITIONS_DIR = ROOT / "data" / "editions"


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


def made_up_contact_problems(editions: dict) -> list[str]:
    """The repository's editions are examples: every mailbox in them is made up (@example.se)."""
    # A real organisation's edition has real mailboxes, so this is the repository's rule, not the build's.
    return [
        f"editions/{file}: kontakten '{contact.get('role')}' ska ha en påhittad adress @example.se"
        for file, edition in editions.items()
        for contact in edition.get("contacts") or []
        if not str(contact.get("mailbox", "")).endswith("@example.se")
    ]


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
    problems = integrity_problems(handbook, editions) + made_up_contact_problems(editions)
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
    # A step's number is its place in the file, never a key that can disagree with it.
    assert not [s["id"] for s in handbook["steps"] if "number" in s]
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
    # The anvisning's own order: the line managers, an event analysis if needed, then the report.
    order = ["chefslinjen", "händelseanalys", "elevhälsochefen", "FCA-koordinatorn", "MedControl"]
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
    "lång sikt", "BUP", "habilitering", "huvudansvarig", "förplanering", "närstående", "sex moment",
    "mötescirkel", "bedömer att de planerade åtgärderna",
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
    # Each edition declares how it does each part of the work; Skåne's documents have no sample audit,
    # no deviation routine and no SIP-kunnig, so it leaves out Göteborg's and does not ask about them.
    for parts in (gsf["practice"], skane["practice"]):
        assert {"documentation", "deviation", "followup", "sample_audit"} <= set(parts)
    assert gsf["practice"]["deviation"]["routine"] == "avvikelse" and "routine" not in skane["practice"]["deviation"]
    assert "form" not in skane["practice"]["sample_audit"]
    assert "stickprov" not in skane["forms"] and "forms" not in gsf
    assert skane["forms"]["arsuppfoljning"]["omit"] == ["sip_kunnig_utsedd"]
    assert skane["forms"]["avvikelse"]["omit"] == ["rapporterad_medcontrol"]
    assert {"stickprov", "pmo-dokumentation", "fragor-till-rektor"} <= set(skane["omit"]["routines"])
    assert skane["register"] == "data/editions/sydvastra-skane/skolor.csv"


def test_a_rule_of_one_region_carries_that_region(handbook):
    # The audit's examples: the Friday rule and three weeks are Gävleborg's, the advisory talk Skåne's,
    # the closing reasons the adults' routine's in Göteborg.
    facts = [item for step in handbook["steps"] for key in ("actions", "time_limits", "documentation")
             for item in step.get(key) or []]
    facts += [dict(item, region=item.get("region") or checklist.get("region"))
              for checklist in handbook["checklists"] for item in checklist["items"]]
    facts += [dict(point, region=point.get("region") or routine.get("region"))
              for routine in handbook["routines"] for point in routine.get("points") or []]
    for pattern, region in ((r"fredag|tre veckor", "Gävleborg"), (r"rådgivande samtal", "Sydvästra Skåne"),
                            (r"MedControl|Stratsys|\bPMO\b", "Göteborg, skolor"), (r"Treserva", "Göteborg, vuxna")):
        for fact in facts:
            if re.search(pattern, fact["text"]):
                assert fact.get("region") == region, fact["text"]


# ---------------------------------------------------------------- the checks can fail


def minimal_valid() -> tuple[dict, dict]:
    """A tiny, correct handbook and edition to break one thing at a time."""
    src = ["a"]
    handbook = {
        "sources": [{"id": "a", "title": "Dokument A", "kind": "rutin", "decided_by": "Nämnden"}],
        "role_groups": [{"id": "skola", "title": "Skolan", "intro": "Rollerna i skolan."}],
        "roles": [{"id": "r", "title": "Roll", "group": "skola", "sources": src,
                   "tasks": [{"text": "Gör något.", "sources": src}]}],
        "steps": [{"id": "s", "title": "Steg", "sources": src, "who": ["r"],
                   "actions": [{"text": "Gör.", "sources": src}],
                   "documentation": [{"text": "Skriv.", "where": "PMO", "sources": src}],
                   "time_limits": [], "checklists": ["c"],
                   "variants": [{"id": "v", "region": "Gävleborg", "text": "Fredag.", "sources": src}]}],
        "checklists": [{"id": "c", "title": "Lista", "sources": src,
                        "items": [{"id": "i", "text": "Punkt.", "sources": src}]}],
        "glossary": [{"id": "g", "term": "SIP", "abbreviation": True, "definition": "Plan.", "sources": src}],
        "forms": [{"id": "f", "who": "Rektor", "basis": [{"text": "Bygger på A.", "sources": src}]}],
        "material": [{"id": "m", "title": "Material", "kind": "webbplats", "url": "https://example.se/",
                      "sources": src}],
        "routines": [{"id": "x", "page": "rutiner-x", "title": "Rutin", "sources": src,
                      "points": [{"text": "Punkt.", "sources": src}]}],
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
    ("unknown region", ("steps", 0, "variants", 0, "region"), "Skåne", "variants 'v': okänd region 'Skåne'"),
    ("variant without a region", ("steps", 0, "variants", 0, "region"), _DELETE, "variants 'v': saknar region"),
    ("unknown region on a fact", ("steps", 0, "documentation", 0, "region"), "Göteborg",
     "documentation 'documentation[0]': okänd region 'Göteborg'"),
    ("unknown region on a role", ("roles", 0, "region"), "Malmö", "roles.yaml: id 'r': okänd region 'Malmö'"),
    ("unknown kind", ("sources", 0, "kind"), "policy", "okänd kind 'policy'"),
    ("unknown group", ("roles", 0, "group"), "skolan", "roles.yaml: id 'r': okänd group 'skolan'"),
    ("missing group title", ("role_groups", 0, "title"), "", "role_groups.yaml: id 'skola': saknar svensk title"),
    ("a number on a step", ("steps", 0, "number"), 1, "steps.yaml: id 's': number behövs inte"),
    ("an id that cannot be a file name", ("checklists", 0, "id"), "Före kallelse",
     "checklists.yaml: id 'Före kallelse': id går inte att använda"),
    ("a routine page that cannot be a file name", ("routines", 0, "page"), "rutiner/x",
     "routines.yaml: id 'x': page 'rutiner/x' går inte att använda"),
    ("a step's checklist missing", ("checklists", 0, "id"), "c2", "checklistan 'c' finns inte"),
    ("unknown region on a routine", ("routines", 0, "region"), "Skåne", "routines.yaml: id 'x': okänd region 'Skåne'"),
    ("no sources on a form's basis", ("forms", 0, "basis", 0, "sources"), [], "forms.yaml: id 'f', basis 'basis[0]': saknar sources"),
    ("unknown kind of material", ("material", 0, "kind"), "bok", "material.yaml: id 'm': okänd kind 'bok'"),
    ("material with no address", ("material", 0, "url"), "www.example.se", "url 'www.example.se' är ingen webbadress"),
]


@pytest.mark.parametrize("label, path, value, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_check_catches_its_error(label, path, value, message):
    handbook, editions = minimal_valid()
    set_path(handbook, path, value)
    problems = integrity_problems(handbook, editions)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("kind", ["roles", "steps", "checklists", "glossary", "routines", "sources", "role_groups"])
def test_duplicate_id_is_caught(kind):
    handbook, editions = minimal_valid()
    handbook[kind].append(copy.deepcopy(handbook[kind][0]))
    entry_id = handbook[kind][0]["id"]
    problems = integrity_problems(handbook, editions)
    assert any(p.startswith(f"data/handbook/{kind}.yaml: id '{entry_id}': id finns två gånger. ") for p in problems), problems


def test_duplicate_item_id_in_a_checklist_is_caught():
    handbook, editions = minimal_valid()
    handbook["checklists"][0]["items"].append(copy.deepcopy(handbook["checklists"][0]["items"][0]))
    problems = integrity_problems(handbook, editions)
    assert any("data/handbook/checklists.yaml: id 'c', items: id 'i' finns två gånger" in p for p in problems)


def test_duplicate_variant_id_across_steps_is_caught():
    handbook, editions = minimal_valid()
    second = copy.deepcopy(handbook["steps"][0])
    second["id"] = "s2"
    handbook["steps"].append(second)
    problems = integrity_problems(handbook, editions)
    assert any("data/handbook/steps.yaml: id 's2', variants: id 'v' finns två gånger" in p for p in problems)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("sources", ["b"], "editions/e.yaml: okänd källa 'b'"),
        ("own_region", "Stockholm", "okänd own_region 'Stockholm'"),
        ("local_rules", [{"text": "Regel."}], "editions/e.yaml: local_rules[0]: saknar sources"),
        ("systems", {"documentation": {"name": "PMO"}}, "systemet 'documentation'"),
        ("id", "other", "stämmer inte med filnamnet"),
        ("omit", {"routines": ["finns-inte"]}, "omit.routines: 'finns-inte' finns inte i data/handbook/routines.yaml"),
        ("omit", {"steps": ["s"]}, "omit.steps går inte"),
        ("practice", {"semester": {"text": "Ja.", "sources": ["a"]}}, "practice.semester: okänd del av arbetet"),
        ("practice", {"deviation": {"text": "Ja."}}, "practice.deviation: saknar sources"),
        ("practice", {"deviation": {"text": "Ja.", "sources": ["a"], "routine": "y"}}, "rutinen 'y' finns inte"),
    ],
)
def test_edition_checks_catch_errors(key, value, message):
    handbook, editions = minimal_valid()
    editions["e.yaml"][key] = value
    problems = integrity_problems(handbook, editions)
    assert any(message in p for p in problems), problems


def test_every_problem_names_the_file_and_says_what_to_do():
    handbook, editions = minimal_valid()
    handbook["steps"][0]["who"] = ["ghost"]
    handbook["roles"][0]["sources"] = ["b"]
    editions["e.yaml"]["own_region"] = "Stockholm"
    problems = integrity_problems(handbook, editions)
    assert problems == [
        "data/handbook/roles.yaml: id 'r': okänd källa 'b'. Använd ett id från sources.yaml eller lägg till "
        "dokumentet där.",
        "data/handbook/steps.yaml: id 's': rollen 'ghost' i who finns inte i roles.yaml. Rätta id:t eller "
        "lägg till rollen i roles.yaml.",
        "data/editions/e.yaml: okänd own_region 'Stockholm'. Välj en av 'Gävleborg', 'Göteborg, vuxna', "
        "'Sydvästra Skåne', 'Göteborg, skolor'.",
    ]


def test_the_repositorys_editions_have_only_made_up_mailboxes():
    _, editions = minimal_valid()
    editions["e.yaml"]["contacts"] = [{"role": "r", "mailbox": "namn@kommun.se"}]
    assert made_up_contact_problems(editions) == [
        "editions/e.yaml: kontakten 'r' ska ha en påhittad adress @example.se"
    ]

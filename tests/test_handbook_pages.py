"""Pages made from data: a new step, routine, checklist, role group or form is one entry, and broken
data stops `mkdocs build --strict` with a Swedish message. Each build runs on a copy of the project."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from browser_support import RequestRecorder, format_violations, run_axe, serve_directory
from site_support import article_text, build_site, copy_project, run_build

NEW_FORM_SCHEMA = """\
title: Fortbildning i SIP
sip:form:
  title: Fortbildning i SIP
  intro: Svara för din skolenhet. Hur många i personalen gick utbildningen om SIP i år?
  key: [skolenhetskod, lasar]
fields:
  - name: skolenhetskod
    type: string
    title: Skolenhetskod
    constraints: {required: true, pattern: "[0-9]{8}"}
  - name: lasar
    type: string
    title: Läsår
    constraints: {required: true, pattern: "[0-9]{4}/[0-9]{2}"}
  - name: utbildade
    type: integer
    title: Antal i personalen som gick utbildningen
    constraints: {required: true, minimum: 0}
"""

NEW_STEP = {
    "id": "forankra", "title": "Förankra med rektor", "summary": "Rektor får veta att en SIP kan behövas.",
    "sources": ["gsf-anvisning"], "who": ["rektor"],
    "actions": [{"text": "Berätta för rektor vad du har sett.", "sources": ["gsf-anvisning"]}],
    "documentation": [{"text": "Skriv en rad i elevhälsans ärende.", "sources": ["gsf-anvisning"]}],
    "checklists": ["ny-lista"],
}
NEW_CHECKLIST = {
    "id": "ny-lista", "title": "Efter samtalet med rektor", "intro": "Gå igenom listan efter samtalet.",
    "sources": ["gsf-anvisning"],
    "items": [{"id": f"punkt-{n}", "text": f"Punkt {n} är klar.", "sources": ["gsf-anvisning"]} for n in (1, 2, 3)],
}
NEW_ROUTINE = {
    "id": "introduktion", "title": "Introduktion för nyanställda", "summary": "Den som är ny får veta hur SIP går till.",
    "sources": ["gsf-anvisning"], "points": [{"text": "Visa handboken första veckan.", "sources": ["gsf-anvisning"]}],
}
NEW_GROUP = {"id": "fritid", "title": "Fritiden", "intro": "Här är de som barnet möter på fritiden."}
NEW_ROLE = {"id": "fritidsledare", "title": "Fritidsledare", "group": "fritid", "summary": "Ser barnet efter skolan.",
            "sources": ["gsf-anvisning"]}


def edit_yaml(path: Path, change) -> None:
    """Change a data file of the copy in place (its comments are not kept; it is a copy)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def menu(html: str, section: str) -> list[tuple[str, str]]:
    """The links (href, text) to the pages of one section of a page's main menu (not its index), in order."""
    block = html.split(f'aria-label="{section}"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link[^"]*">(.*?)</a>', block, re.S)
    return [(href, " ".join(re.sub(r"<[^>]+>", "", text).split())) for href, text in links]


def h1(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).split())


def page(site: Path, path: str) -> str:
    file = site / path / "index.html"
    assert file.exists(), f"sidan {path} byggdes inte"
    return file.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the real site


def test_menu_sections_follow_the_order_of_the_data(built_site):
    data = Path(__file__).resolve().parent.parent / "data" / "handbook"
    home = page(built_site, "")

    def ids(name):
        return [entry["id"] for entry in yaml.safe_load((data / f"{name}.yaml").read_text(encoding="utf-8"))]

    assert [href for href, _ in menu(home, "Steg för steg")] == [f"steg-for-steg/{i}/" for i in ids("steps")]
    assert [href for href, _ in menu(home, "Checklistor")] == [f"checklistor/{i}/" for i in ids("checklists")]
    assert [href for href, _ in menu(home, "Roller")] == [f"roller/{i}/" for i in ids("role_groups")]
    titles = [step["title"] for step in yaml.safe_load((data / "steps.yaml").read_text(encoding="utf-8"))]
    assert [text for _, text in menu(home, "Steg för steg")] == [f"{n}. {t}" for n, t in enumerate(titles, start=1)]
    assert "Arbetet med en SIP går i sju steg." in article_text(page(built_site, "steg-for-steg"))
    # The hand-written step page keeps its prose and its place in the order of the data.
    assert "Efter mötet: rapportera och fråga barnet" in article_text(page(built_site, "steg-for-steg/sip-mote"))
    assert h1(page(built_site, "steg-for-steg/sip-mote")) == "4. SIP-mötet: planen görs"


# ---------------------------------------------------------------- one entry, one page


@pytest.fixture(scope="module")
def extended_site(tmp_path_factory) -> Path:
    """A copy of the project with a new step, checklist, routine, role group and form, built --strict."""
    project = copy_project(tmp_path_factory.mktemp("projekt"))
    handbook = project / "data" / "handbook"
    edit_yaml(handbook / "steps.yaml", lambda steps: steps.insert(2, NEW_STEP))
    edit_yaml(handbook / "checklists.yaml", lambda lists: lists.append(NEW_CHECKLIST))
    edit_yaml(handbook / "routines.yaml", lambda routines: routines.append(NEW_ROUTINE))
    edit_yaml(handbook / "role_groups.yaml", lambda groups: groups.append(NEW_GROUP))
    edit_yaml(handbook / "roles.yaml", lambda roles: roles.append(NEW_ROLE))
    (project / "forms" / "fortbildning.schema.yaml").write_text(NEW_FORM_SCHEMA, encoding="utf-8")
    return build_site(tmp_path_factory.mktemp("utokad"), project=project)


def test_a_new_step_gets_its_page_its_number_and_its_place(extended_site):
    html = page(extended_site, "steg-for-steg/forankra")
    assert h1(html) == "3. Förankra med rektor"
    text = article_text(html)
    assert "Berätta för rektor vad du har sett." in text and "Vem gör det?" in text
    assert 'data-checklista="ny-lista"' in html
    # The steps after it move one number on.
    assert h1(page(extended_site, "steg-for-steg/kalla")) == "4. Kalla och bjud in"
    steps = [text for _, text in menu(page(extended_site, ""), "Steg för steg")]
    assert steps[1:4] == ["2. Förbered: samtycke och förplanering", "3. Förankra med rektor", "4. Kalla och bjud in"]
    overview = article_text(page(extended_site, "steg-for-steg"))
    assert "Arbetet med en SIP går i åtta steg." in overview
    assert overview.index("Förbered:") < overview.index("Förankra med rektor") < overview.index("Kalla och bjud in")


def test_a_new_checklist_gets_a_page_with_its_boxes_and_a_menu_entry(extended_site):
    html = page(extended_site, "checklistor/ny-lista")
    assert h1(html) == "Efter samtalet med rektor"
    assert len(re.findall(r'<input type="checkbox" class="sip-kryss" id="kryss-ny-lista-punkt-\d"', html)) == 3
    assert menu(page(extended_site, ""), "Checklistor")[-1] == ("checklistor/ny-lista/", "Efter samtalet med rektor")


def test_a_new_routine_without_a_page_gets_a_page_of_its_own(extended_site):
    html = page(extended_site, "rutiner/introduktion")
    assert h1(html) == "Introduktion för nyanställda"
    text = article_text(html)
    assert "Visa handboken första veckan." in text
    # The page's title is the routine's: it is not repeated as a heading below it.
    assert text.count("Introduktion för nyanställda") == 1
    assert menu(page(extended_site, ""), "Rutiner")[-1] == ("rutiner/introduktion/", "Introduktion för nyanställda")
    assert 'href="introduktion/"' in page(extended_site, "rutiner")


def test_a_new_role_group_gets_a_page_with_its_roles(extended_site):
    html = page(extended_site, "roller/fritid")
    assert h1(html) == "Fritiden"
    assert 'id="fritidsledare"' in html and "Här är de som barnet möter på fritiden." in article_text(html)
    assert menu(page(extended_site, ""), "Roller")[-1] == ("roller/fritid/", "Fritiden")


def test_a_new_schema_gets_a_form_page_with_its_form_and_template(extended_site):
    html = page(extended_site, "blanketter/fortbildning")
    assert h1(html) == "Fortbildning i SIP"
    assert "<!--sip-form:fortbildning-->" in html and 'id="sip-form-fortbildning"' in html
    assert 'name="utbildade"' in html
    assert article_text(html).count("Hur många i personalen gick utbildningen om SIP i år?") == 1
    assert 'href="../../blanketter/mallar/fortbildning-mall.xlsx" download' in html
    book = openpyxl.load_workbook(extended_site / "blanketter" / "mallar" / "fortbildning-mall.xlsx")
    # The template's header asks the schema's questions (issue 15).
    assert [cell.value for cell in book["Svar"][1]][:3] == ["Skolenhetskod", "Läsår",
                                                            "Antal i personalen som gick utbildningen"]
    # In the menu under Blanketter, after the forms placed there by hand, and in the index's template list.
    forms = menu(page(extended_site, ""), "Blanketter")
    assert forms[-1] == ("blanketter/fortbildning/", "Fortbildning i SIP")
    assert [href for href, _ in forms][:-1] == [f"blanketter/{form_id}/" for form_id in
                                                 ("arsuppfoljning", "avvikelse", "stickprov", "motesrapport", "delaktighet")]
    assert 'href="../blanketter/mallar/fortbildning-mall.xlsx" download' in page(extended_site, "blanketter")


NEW_PAGES = ("steg-for-steg/forankra/", "checklistor/ny-lista/", "rutiner/introduktion/", "roller/fritid/",
             "blanketter/fortbildning/")


def test_generated_pages_have_no_axe_violations_and_stay_on_the_host(browser, extended_site):
    context = browser.new_context(locale="sv-SE")
    recorder = RequestRecorder(context)
    found = {}
    with serve_directory(extended_site) as base_url:
        for path in NEW_PAGES:
            tab = context.new_page()
            tab.goto(base_url + path, wait_until="load")
            found[path] = run_axe(tab)
            tab.close()
    context.close()
    failing = {path: violations for path, violations in found.items() if violations}
    assert not failing, "\n".join(format_violations(v, label=f"{path}: ") for path, v in failing.items())
    assert recorder.urls and not recorder.foreign(), recorder.foreign()


def test_the_hand_written_form_pages_keep_their_prose(extended_site):
    text = article_text(page(extended_site, "blanketter/motesrapport"))
    assert "Skola eller verksamhet utanför skolan" in text


# ---------------------------------------------------------------- broken data stops the build


def _break_source(data):
    next(s for s in data if s["id"] == "kalla")["sources"].append("finns-inte")


def _break_role(data):
    next(s for s in data if s["id"] == "forbered")["who"].append("spoke")


def _break_duplicate(data):
    data.append(dict(data[0]))


def _break_title(data):
    next(r for r in data if r["id"] == "lagar")["title"] = ""


BROKEN = [
    ("steps", _break_source, "data/handbook/steps.yaml: id 'kalla': okänd källa 'finns-inte'. Använd ett id från sources.yaml"),
    ("steps", _break_role, "data/handbook/steps.yaml: id 'forbered': rollen 'spoke' i who finns inte i roles.yaml. Rätta"),
    ("checklists", _break_duplicate, "data/handbook/checklists.yaml: id 'fore-kallelse': id finns två gånger. Ge den"),
    ("routines", _break_title, "data/handbook/routines.yaml: id 'lagar': saknar svensk title. Skriv en rubrik"),
]


def _assert_build_stops(project: Path, tmp_path: Path, message: str, edition: str = "goteborg-gsf"):
    result = run_build(project, tmp_path / "site", edition)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert message in output, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("name, change, message", BROKEN, ids=[b[1].__name__ for b in BROKEN])
def test_broken_data_stops_the_build_with_a_swedish_message(tmp_path, name, change, message):
    project = copy_project(tmp_path / "projekt")
    edit_yaml(project / "data" / "handbook" / f"{name}.yaml", change)
    _assert_build_stops(project, tmp_path, message)


def test_a_broken_edition_stops_the_build_of_that_edition(tmp_path):
    project = copy_project(tmp_path / "projekt")
    edit_yaml(project / "data" / "editions" / "sydvastra-skane.yaml", lambda e: e.update(own_region="Skåne"))
    _assert_build_stops(project, tmp_path, "data/editions/sydvastra-skane.yaml: okänd own_region 'Skåne'. Välj en av",
                        edition="sydvastra-skane")


def test_a_hand_written_page_no_entry_calls_for_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "projekt")
    (project / "docs" / "steg-for-steg" / "gammalt-steg.md").write_text("# Gammalt steg\n", encoding="utf-8")
    _assert_build_stops(project, tmp_path, "docs/steg-for-steg/gammalt-steg.md hör inte till någon post med id "
                                           "'gammalt-steg' i data/handbook/steps.yaml")

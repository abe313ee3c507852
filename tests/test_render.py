"""The macros' plain functions (macros/render, macros/pages), called without MkDocs."""
from __future__ import annotations

import pytest

import site_support  # noqa: F401  (puts the repository root, and so the macros package, on sys.path)
from macros import pages
from macros.handbook_data import Handbook, HandbookDataError, load_handbook
from macros.render import context, routines, sources, steps
from macros.render.context import PageContext


def tiny_handbook() -> Handbook:
    return Handbook(
        sources=[{"id": "doc-a", "short": "Dokument A", "title": "A", "decided": None, "revised": None,
                  "dated": None, "reviewed": "2026-11-25"}],
        glossary=[{"id": "pmo", "term": "PMO", "abbreviation": True, "expansion": "ett journalsystem",
                   "definition": "Lång [förklaring](x.md).", "sources": ["doc-a"]},
                  {"id": "stickprov", "term": "Stickprov", "definition": "Ett urval.", "sources": ["doc-a"]}],
        steps=[{"id": "forst", "title": "Först", "summary": "Ett.", "sources": ["doc-a"]},
               {"id": "sedan", "title": "Sedan", "summary": "Två.", "sources": ["doc-a"]}],
        routines=[{"id": "a", "page": "samlat", "title": "A", "sources": ["doc-a"], "points": []},
                  {"id": "ensam", "title": "Ensam", "summary": "Bara en.", "sources": ["doc-a"], "points": []},
                  {"id": "b", "page": "samlat", "title": "B", "sources": ["doc-a"], "points": []}],
    )


def test_links_between_pages_are_relative():
    ctx = PageContext(src_uri="steg-for-steg/kalla.md", handbook=Handbook())
    assert ctx.link("kallor.md", "doc-a") == "../kallor.md#doc-a"
    assert ctx.link("steg-for-steg/avsluta.md") == "avsluta.md"
    assert PageContext(src_uri="index.md", handbook=Handbook()).link("roller/skola.md", "rektor") == "roller/skola.md#rektor"


def test_a_steps_number_is_its_place_in_the_file():
    ctx = PageContext(src_uri="steg-for-steg/index.md", handbook=tiny_handbook())
    assert steps.step_title(ctx, "sedan") == "2. Sedan"
    assert steps.steps_overview(ctx).splitlines()[1].startswith("2. **[Sedan](sedan.md)**")
    with pytest.raises(HandbookDataError, match=r"steps\.yaml saknar id 'tredje'"):
        steps.step_title(ctx, "tredje")


def test_routines_are_placed_on_pages_by_their_page_key_in_file_order():
    handbook = tiny_handbook()
    assert pages.routine_pages(handbook) == {"rutiner/samlat.md": ["a", "b"], "rutiner/ensam.md": ["ensam"]}
    ctx = PageContext(src_uri="rutiner/index.md", handbook=handbook)
    overview = routines.routines_overview(ctx).splitlines()
    # A routine sharing a page is linked to its heading; one alone on its page to the page.
    assert [line.split("](")[1].split(")")[0] for line in overview] == ["samlat.md#a", "samlat.md#b", "ensam.md"]
    alone = routines.routine_page_body(PageContext(src_uri="rutiner/ensam.md", handbook=handbook), "rutiner/ensam.md")
    # The page's own title is the routine's: no second heading.
    assert alone.startswith("Bara en. <small") and "{#ensam}" not in alone
    shared = routines.routine_page_body(PageContext(src_uri="rutiner/samlat.md", handbook=handbook), "rutiner/samlat.md")
    assert "## A {#a}" in shared and "## B {#b}" in shared


def test_a_page_asking_for_routines_no_routine_is_placed_on_says_what_to_do():
    ctx = PageContext(src_uri="rutiner/tom.md", handbook=tiny_handbook())
    with pytest.raises(HandbookDataError, match=r"ingen rutin i data/handbook/routines\.yaml har page: tom"):
        routines.routines_on_page(ctx, "rutiner/tom.md")


def test_the_real_data_plans_a_page_per_entry_in_data_order():
    handbook = load_handbook()
    planned = pages.planned_pages(handbook, ["ny-blankett"])
    steps_planned = [p.src_uri for p in planned if p.section is pages.STEPS]
    assert steps_planned == [f"steg-for-steg/{s['id']}.md" for s in handbook.steps]
    routine_pages = [p.src_uri for p in planned if p.section is pages.ROUTINES]
    assert routine_pages[:2] == ["rutiner/avvikelser.md", "rutiner/kvalitetsarbete.md"]
    assert planned[-1].src_uri == "blanketter/ny-blankett.md" and planned[-1].entry == "ny-blankett"


def test_new_pages_are_added_to_their_menu_section_after_the_listed_ones():
    nav = [{"Start": "index.md"},
           {"Blanketter": ["blanketter/index.md", "blanketter/b.md"]},
           {"Steg för steg": ["steg-for-steg/index.md"]}]
    planned = [pages.PlannedPage(pages.STEPS, "steg-for-steg/ett.md", "ett"),
               pages.PlannedPage(pages.STEPS, "steg-for-steg/tva.md", "tva"),
               pages.PlannedPage(pages.FORMS, "blanketter/a.md", "a"),
               pages.PlannedPage(pages.FORMS, "blanketter/b.md", "b")]
    pages.add_to_nav(nav, planned)
    assert nav[1] == {"Blanketter": ["blanketter/index.md", "blanketter/b.md", "blanketter/a.md"]}
    assert nav[2] == {"Steg för steg": ["steg-for-steg/index.md", "steg-for-steg/ett.md", "steg-for-steg/tva.md"]}
    assert pages.nav_slugs(nav, pages.FORMS) == ["b", "a"]


def test_a_menu_without_the_section_says_where_the_page_would_go():
    with pytest.raises(HandbookDataError, match=r"mkdocs\.yml: nav har inget avsnitt som börjar med checklistor/index\.md"):
        pages.add_to_nav([{"Start": "index.md"}], [pages.PlannedPage(pages.CHECKLISTS, "checklistor/x.md", "x")])


def test_variants_put_the_editions_region_first_and_mark_it():
    ctx = PageContext(src_uri="steg-for-steg/kalla.md", handbook=tiny_handbook(),
                      edition={"own_region": "Sydvästra Skåne"})
    markdown = steps.variants(ctx, [
        {"region": "Gävleborg", "text": "Fredag.", "sources": ["doc-a"]},
        {"region": "Sydvästra Skåne", "text": "Mötescirkeln.", "sources": ["doc-a"]},
    ])
    assert markdown.index("### Sydvästra Skåne (hos oss)") < markdown.index("### Gävleborg")
    assert ctx.cited == ["doc-a"]


def test_other_regions_facts_come_last_and_name_their_region():
    ctx = PageContext(src_uri="steg-for-steg/kalla.md", handbook=tiny_handbook(),
                      edition={"own_region": "Sydvästra Skåne"})
    markdown = context.bullet_list(ctx, [
        {"region": "Göteborg, skolor", "text": "Skriv i PMO.", "sources": ["doc-a"]},
        {"text": "Gäller alla.", "sources": ["doc-a"]},
        {"region": "Sydvästra Skåne", "text": "Skriv i journalen.", "sources": ["doc-a"]},
    ])
    lines = markdown.splitlines()
    assert lines[0].startswith("- Gäller alla.") and lines[1].startswith("- Skriv i journalen.")
    assert lines[2].startswith("- **Göteborg, skolor:** Skriv i PMO.")
    # Numbered lists are sequences: their order stays.
    numbered = context.bullet_list(ctx, [{"region": "Gävleborg", "text": "Först.", "sources": ["doc-a"]},
                                         {"text": "Sedan.", "sources": ["doc-a"]}], ordered=True)
    assert numbered.startswith("1. **Gävleborg:** Först.")


def test_an_unknown_or_missing_source_stops_the_build_with_a_swedish_message():
    ctx = PageContext(src_uri="index.md", handbook=tiny_handbook())
    with pytest.raises(HandbookDataError, match=r"sources\.yaml saknar id 'doc-x'"):
        ctx.cite(["doc-x"])
    with pytest.raises(HandbookDataError, match="saknar källa"):
        ctx.cite([])


def test_a_broken_data_file_stops_with_a_swedish_message_naming_file_and_line(tmp_path):
    (tmp_path / "handbook").mkdir()
    (tmp_path / "handbook" / "roles.yaml").write_text('- id: rektor\n  title: "Rektor\n\n  group: skola\n',
                                                       encoding="utf-8")
    with pytest.raises(HandbookDataError, match=r"roles\.yaml, rad \d+, kolumn \d+: filen är inte giltig YAML"):
        load_handbook(tmp_path)


def test_abbreviations_use_the_short_expansion_and_skip_plain_terms():
    assert sources.abbreviation_lines(tiny_handbook()) == "*[PMO]: ett journalsystem"


def test_source_note_for_a_page_without_facts_says_so_with_a_date():
    ctx = PageContext(src_uri="om-webbplatsen/index.md", handbook=tiny_handbook())
    assert "Sidan bygger inte på något styrdokument. Texten granskades senast 2026-11-25." in sources.source_note(ctx)
    ctx.cite(["doc-a"])
    assert "[Dokument A](../kallor.md#doc-a): dokumentet har inget datum, granskad av oss 2026-11-25." in sources.source_note(ctx)


# ---------------------------------------------------------------- editions and regions (issue 14)


def regional_handbook() -> Handbook:
    src = ["doc-a"]
    return Handbook(
        sources=tiny_handbook().sources,
        steps=[{"id": "kalla", "title": "Kalla", "sources": src, "who": ["r", "g"], "checklists": ["egen", "annan"]}],
        roles=[{"id": "r", "title": "Rektor", "group": "skola", "sources": src},
               {"id": "g", "title": "SIP-kunnig", "group": "skola", "region": "Göteborg, skolor", "sources": src}],
        checklists=[{"id": "egen", "title": "Egen", "sources": src, "items": []},
                    {"id": "annan", "title": "Annan", "region": "Göteborg, skolor", "intro": "Så gör GSF.",
                     "sources": src, "items": [{"id": "a", "text": "Rapportera.", "region": "Göteborg, skolor",
                                                "sources": src},
                                               {"id": "b", "text": "Fredag.", "region": "Gävleborg", "sources": src}]}],
        routines=[{"id": "avvikelse", "page": "avvikelser", "title": "Avvikelser", "region": "Göteborg, skolor",
                   "summary": "Så gör GSF.", "sources": src,
                   "points": [{"text": "Chefslinjen.", "region": "Göteborg, skolor", "sources": src},
                              {"text": "Fredag.", "region": "Gävleborg", "sources": src}]},
                  {"id": "spelregler", "page": "gavleborg", "title": "Spelregler i Gävleborg", "region": "Gävleborg",
                   "ordered": False, "sources": src, "points": [{"text": "Fredag.", "sources": src}]}],
    )


SKANE = {"own_region": "Sydvästra Skåne", "short": "Elevhälsan i sydvästra Skåne"}


def test_an_edition_leaves_out_what_it_omits_and_every_reference_to_it():
    from macros.handbook_data import for_edition

    shown = for_edition(regional_handbook(), {"omit": {"checklists": ["annan"], "roles": ["g"]}})
    assert [c["id"] for c in shown.checklists] == ["egen"]
    assert shown.steps[0]["checklists"] == ["egen"] and shown.steps[0]["who"] == ["r"]
    assert for_edition(regional_handbook(), {}).checklists == regional_handbook().checklists


def test_another_regions_routine_says_whose_it_is_once():
    ctx = PageContext(src_uri="rutiner/avvikelser.md", handbook=regional_handbook(), edition=SKANE)
    markdown = routines.routine(ctx, "avvikelse", heading_level=2)
    assert "## Avvikelser (Göteborg, skolor) {#avvikelse}" in markdown
    assert "**Göteborg, skolor:** Så gör GSF." in markdown
    # Its own region's points need no label of their own; another region's point keeps its label.
    assert "1. Chefslinjen." in markdown and "2. **Gävleborg:** Fredag." in markdown
    # A title that names its region gets no second label; `ordered: false` is a plain list.
    gavleborg = routines.routine(ctx, "spelregler", heading_level=2)
    assert gavleborg.startswith("## Spelregler i Gävleborg {#spelregler}") and "\n- Fredag." in gavleborg
    own = PageContext(src_uri="rutiner/avvikelser.md", handbook=regional_handbook(),
                      edition={"own_region": "Göteborg, skolor"})
    assert routines.routine(own, "avvikelse", heading_level=2).startswith("## Avvikelser {#avvikelse}\n\nSå gör GSF.")


def test_a_regions_checklist_names_its_region_in_the_intro_not_on_each_item():
    ctx = PageContext(src_uri="steg-for-steg/kalla.md", handbook=regional_handbook(), edition=SKANE)
    markdown = steps.checklist(ctx, "annan")
    assert "## [Annan (Göteborg, skolor)](../checklistor/annan.md)" in markdown
    assert "**Göteborg, skolor:** Så gör GSF." in markdown
    assert '<label for="kryss-annan-a">Rapportera.</label>' in markdown
    assert '<label for="kryss-annan-b"><strong>Gävleborg:</strong> Fredag.</label>' in markdown


def test_the_editions_practice_is_said_with_its_source_and_its_form():
    from macros.render import edition as edition_parts

    declared = {**SKANE, "practice": {"deviation": {"text": "Vägledningen säger inget.", "sources": ["doc-a"],
                                                    "form": "avvikelse"}}}
    ctx = PageContext(src_uri="rutiner/avvikelser.md", handbook=tiny_handbook(), edition=declared)
    note = edition_parts.practice_note(ctx, "deviation")
    assert "**Hos Elevhälsan i sydvästra Skåne:** Vägledningen säger inget." in note
    assert "I den här utgåvan rapporterar ni en avvikelse i blanketten [Rapportera en avvikelse kopplad till SIP]" \
           "(../blanketter/avvikelse.md)." in note
    assert edition_parts.practice_note(ctx, "sample_audit") == ""
    assert ctx.cited == ["doc-a"]


def test_a_form_page_leaves_out_the_basis_of_a_question_the_edition_does_not_ask(monkeypatch):
    from macros.render import forms as form_parts

    handbook = Handbook(sources=tiny_handbook().sources, forms=[{"id": "arsuppfoljning", "basis": [
        {"text": "De fyra frågorna.", "sources": ["doc-a"]},
        {"text": "Frågan om SIP-kunnig.", "field": "sip_kunnig_utsedd", "sources": ["doc-a"]}]}])
    ctx = PageContext(src_uri="blanketter/arsuppfoljning.md", handbook=handbook)
    assert "Frågan om SIP-kunnig." in form_parts.form_basis(ctx, "arsuppfoljning")
    monkeypatch.setenv("SIP_EDITION", "sydvastra-skane")
    basis = form_parts.form_basis(ctx, "arsuppfoljning")
    assert "De fyra frågorna." in basis and "SIP-kunnig" not in basis
    bare = PageContext(src_uri="blanketter/arsuppfoljning.md", handbook=tiny_handbook())
    assert form_parts.NO_BASIS in form_parts.form_basis(bare, "arsuppfoljning")


def test_material_says_when_the_document_gives_no_address_or_we_found_it():
    from macros.render import material

    ctx = PageContext(src_uri="stod-och-material.md", handbook=tiny_handbook(), edition=SKANE)
    named = material.material_line(ctx, {"title": "Mall", "what": "En mall.", "sources": ["doc-a"],
                                         "region": "Göteborg, skolor"})
    assert named.startswith("- **Göteborg, skolor:** **Mall** – En mall. " + material.NO_ADDRESS)
    found = material.material_line(ctx, {"title": "Film", "url": "https://example.se/film", "sources": ["doc-a"]})
    assert found.startswith("- [Film](https://example.se/film) " + material.FOUND_ADDRESS)
    given = material.material_line(ctx, {"title": "Film", "url": "https://example.se/film", "url_in_source": True,
                                         "sources": ["doc-a"]})
    assert given.startswith("- [Film](https://example.se/film) <small")


def test_pages_an_edition_does_not_show_leave_the_menu():
    nav = [{"Start": "index.md"}, {"Blanketter": ["blanketter/index.md", "blanketter/a.md", "blanketter/b.md"]}]
    pages.remove_from_nav(nav, {"blanketter/b.md"})
    assert nav[1] == {"Blanketter": ["blanketter/index.md", "blanketter/a.md"]}

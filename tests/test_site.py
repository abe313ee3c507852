"""The built handbook carries the facts of issue 3, cites its sources and stays self-contained."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
import yaml

from site_support import ROOT
from site_support import article_text

DATA = ROOT / "data" / "handbook"
STEP_PAGES = {
    "upptack-behov": "Upptäck behov",
    "forbered": "Förbered",
    "kalla": "Kalla",
    "sip-mote": "SIP-mötet",
    "genomfor": "Insatserna genomförs",
    "folj-upp": "Följ upp",
    "avsluta": "Avsluta",
}


def load(name):
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


def edition_mailboxes(edition: str) -> set[str]:
    path = ROOT / "data" / "editions" / f"{edition}.yaml"
    return {c["mailbox"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["contacts"]}


def statement_mailboxes(site: Path) -> set[str]:
    return set(re.findall(r'href="mailto:([^"]+)"', html_of(site, "om-webbplatsen/tillganglighet")))


def html_of(site: Path, page: str) -> str:
    path = site / page / "index.html" if page else site / "index.html"
    assert path.exists(), f"sidan {page or '/'} byggdes inte ({path})"
    return path.read_text(encoding="utf-8")


def text_of(site: Path, *pages: str) -> str:
    return "\n".join(article_text(html_of(site, page)) for page in pages)


def assert_mentions(text: str, *patterns: str, where: str = ""):
    missing = [p for p in patterns if not re.search(p, text, re.IGNORECASE)]
    assert not missing, f"{where}: saknar {missing}"


# ---------------------------------------------------------------- roles


def test_roles_pages_name_every_role_of_the_issue(built_site):
    text = text_of(built_site, "roller/barn-och-familj", "roller/skola", "roller/central", "roller/samverkan")
    assert_mentions(
        text,
        r"Barnet eller eleven", r"Vårdnadshavare", r"Skolpersonal", r"Elevhälsan", r"Rektor",
        r"SIP-kunnig", r"Central elevhälsa", r"råd", r"neutral mötesledare", r"Central samordnare SIP",
        r"Elevhälsochef", r"Huvudansvarig för planen", r"Verksamhet som blir kallad", r"ersättare",
        r"vem som kommer", r"Socialsekreterare", r"BUP", r"habilitering",
        r"den vård som regionen betalar", r"Försäkringskassan", r"Arbetsförmedlingen", r"Kriminalvården",
        r"SIP-samordnare i delregion",
        where="Roller",
    )


def test_roles_index_groups_roles_and_links_their_cards(built_site):
    html = html_of(built_site, "roller")
    for heading in ("Barnet och familjen", "Skolan", "Centrala funktioner", "Andra huvudmän och aktörer"):
        assert heading in html
    assert 'href="../roller/skola/#sip-kunnig"' in html or 'href="skola/#sip-kunnig"' in html
    assert 'id="sip-kunnig"' in html_of(built_site, "roller/skola")


# ---------------------------------------------------------------- steps


@pytest.mark.parametrize("step_id,title", STEP_PAGES.items())
def test_each_step_has_its_page_with_who_and_what(built_site, step_id, title):
    html = html_of(built_site, f"steg-for-steg/{step_id}")
    h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
    assert title in h1
    text = article_text(html)
    assert_mentions(text, r"Vem gör det\?", r"Vad ska göras\?", where=step_id)
    assert 'href="../../roller/' in html, "stegets roller länkar inte till rollsidorna"


def test_every_step_and_role_in_the_data_is_on_the_site(built_site):
    for step in load("steps"):
        assert (built_site / "steg-for-steg" / step["id"] / "index.html").exists(), step["id"]
    roles_html = "".join(p.read_text(encoding="utf-8") for p in (built_site / "roller").rglob("index.html"))
    for role in load("roles"):
        assert f'id="{role["id"]}"' in roles_html, role["id"]


def test_step_pages_say_what_is_documented_where_and_time_limits(built_site):
    assert_mentions(text_of(built_site, "steg-for-steg/upptack-behov"),
                    r"Vad dokumenteras och var\?", r"Var: PMO", r"SIP, skolan kallar/bjuder in",
                    where="Upptäck behov")
    assert_mentions(text_of(built_site, "steg-for-steg/kalla"),
                    r"Tidsgränser", r"fredag inom tre veckor", where="Kalla")


def test_steps_overview_lists_all_seven_steps_in_order(built_site):
    text = text_of(built_site, "steg-for-steg")
    positions = [text.find(title) for title in STEP_PAGES.values()]
    assert -1 not in positions and positions == sorted(positions), positions


def test_local_variants_of_all_four_regions(built_site):
    steps = text_of(built_site, *(f"steg-for-steg/{step}" for step in STEP_PAGES))
    # Gävleborg: target group, Friday within three weeks, web survey, survey to child and guardians.
    assert_mentions(steps, r"0–17 år", r"fredag inom tre veckor", r"webbenkät",
                    r"vårdnadshavare[^.]*enkät|enkät[^.]*vårdnadshavare", where="Gävleborg")
    # Göteborg adults: hospital discharge, refusal only exceptionally with the reason, SAMSA, Treserva.
    assert_mentions(steps, r"sjukhus", r"undantagsfall[^.]*\.[^.]*skäl[^.]*Treserva", r"SAMSA",
                    where="Göteborg, vuxna")
    # Sydvästra Skåne: four steps to call, the meeting circle, SMART goals, plan written in the
    # meeting, SIP alongside åtgärdsprogram, other forms of collaboration.
    assert_mentions(steps, r"Steg 4 av 4|fyra steg", r"mötescirkel", r"SMART", r"planen under mötet",
                    r"åtgärdsprogram", r"andra sätt än med en SIP", where="Sydvästra Skåne")
    # Göteborg schools: PMO's two case types.
    assert_mentions(steps, r"SIP, skolan kallar/bjuder in", r"SIP, skolan blir kallad", where="Göteborg, skolor")
    pmo = text_of(built_site, "rutiner/dokumentation-i-pmo")
    assert_mentions(pmo, r"tre dokument", r"Kallelse/inbjudan", r"Samtycke", r"SIP-dokument",
                    where="PMO:s tre dokument")


def _variant_headings(html: str) -> list[str]:
    section = html.split('id="sa-gor-man-pa-olika-hall"', 1)[1].split("<h2", 1)[0]
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", section, re.S)]


def test_own_regions_variants_come_first_in_each_edition(built_site, skane_site):
    assert _variant_headings(html_of(built_site, "steg-for-steg/kalla"))[0] == "Göteborg, skolor (hos oss)"
    skane = _variant_headings(html_of(skane_site, "steg-for-steg/kalla"))
    assert skane[0] == "Sydvästra Skåne (hos oss)"
    assert "Göteborg, skolor" in skane[1:]


# ---------------------------------------------------------------- checklists


def checklist_items(html: str) -> list[str]:
    return re.findall(r'<li><input type="checkbox" class="sip-kryss"[^>]*>(.*?)</li>', html, re.S)


@pytest.mark.parametrize("checklist", [c["id"] for c in load("checklists")])
def test_every_checklist_has_a_page_with_labelled_cited_boxes(built_site, checklist):
    html = html_of(built_site, f"checklistor/{checklist}")
    items = checklist_items(html)
    assert len(items) >= 3
    for item in items:
        assert '<label for="kryss-' in item, item
        assert 'class="sip-kalla"' in item, f"punkten saknar källa: {item}"


def test_checklist_before_calling(built_site):
    text = text_of(built_site, "checklistor/fore-kallelse")
    assert_mentions(text, r"flera verksamheter", r"samtycke", r"hur länge", r"vilka (frågor|områden)",
                    r"[Ss]amtycket är dokumenterat", r"tillsammans med familjen", r"aktörer",
                    r"för många", r"[Ss]yftet[^.]*kallelsen", where="Innan du kallar")


def test_checklist_for_the_sip_document_has_the_eight_points_and_more(built_site):
    html = html_of(built_site, "checklistor/sip-dokumentet")
    assert len(checklist_items(html)) >= 8
    assert_mentions(article_text(html), r"huvudman[^.]*ansvar", r"såg behovet", r"samtycke",
                    r"delaktig", r"insatser", r"ansvarar för varje insats", r"kort[^.]*lång sikt",
                    r"[Pp]lats och datum[^.]*uppföljning", r"behov och önskemål", r"på annat sätt",
                    where="SIP-dokumentet")


def test_checklists_for_meeting_closing_deviation_and_annual_follow_up(built_site):
    for page in ("under-motet", "efter-motet", "avsluta-sip", "avvikelse", "arlig-uppfoljning"):
        assert len(checklist_items(html_of(built_site, f"checklistor/{page}"))) >= 3, page
    assert_mentions(text_of(built_site, "checklistor/avsluta-sip"), r"Skäl 1", r"Skäl 2", r"Skäl 3",
                    r"Varje huvudman har dokumenterat avslutet", where="Avsluta")


def test_checklist_index_is_a_short_list_of_links_with_its_sources_in_the_note(built_site):
    html = html_of(built_site, "checklistor")
    article = html.split('<div class="sip-kallnot">', 1)[0]
    for checklist in load("checklists"):
        assert f'href="{checklist["id"]}/"' in article, checklist["id"]
    assert 'class="sip-kalla"' not in article.split("<article", 1)[1]
    note = html.split('<div class="sip-kallnot">', 1)[1]
    cited = {source for c in load("checklists") for source in c["sources"]}
    assert all(f"#{source}" in note for source in cited), cited


def test_step_pages_show_their_checklists(built_site):
    html = html_of(built_site, "steg-for-steg/sip-mote")
    for checklist in ("under-motet", "sip-dokumentet", "efter-motet"):
        assert f'data-checklista="{checklist}"' in html


# ---------------------------------------------------------------- routines, children, experiences


def test_deviation_chain_in_order(built_site):
    # The routine itself, after the edition's note on its own practice.
    text = text_of(built_site, "rutiner/avvikelser").split("Avvikelser i samverkan", 1)[1]
    # In the order the anvisning takes them up: the event analysis comes right after the line managers.
    chain = ["chefslinjen", "händelseanalys", "elevhälsochefen", "FCA-koordinatorn", "HSL", "MLA", "PLA",
             "MedControl", "NOSAM"]
    positions = [text.find(word) for word in chain]
    assert -1 not in positions, dict(zip(chain, positions))
    assert positions == sorted(positions), dict(zip(chain, positions))


def test_quality_work(built_site):
    text = text_of(built_site, "rutiner/kvalitetsarbete")
    assert_mentions(text, r"[Ss]tickprov", r"(räknar|räkna)[^.]*(SIP|planer)", r"[Ff]yra frågor", r"Stratsys",
                    r"Rekommendation 1[^.]*styrning", r"Rekommendation 2[^.]*uppföljning",
                    r"Rekommendation 3[^.]*digital", where="Kvalitetsarbete")


def test_children_and_guardians_page(built_site):
    text = text_of(built_site, "for-barn-och-vardnadshavare")
    assert_mentions(text, r"Vad är en SIP\?", r"[Ss]amtycke", r"vara med", where="För barn och vårdnadshavare")


def test_gavleborg_experiences(built_site):
    text = text_of(built_site, "rutiner/erfarenheter-fran-gavleborg")
    assert_mentions(text, r"Det här fungerar", r"svårt", where="Erfarenheter från Gävleborg")


def test_other_forms_of_collaboration_and_advisory_talk(built_site):
    assert_mentions(text_of(built_site, "rutiner/andra-satt-att-samverka"), r"Andra sätt att samverka",
                    r"Rådgivande samtal", where="Andra sätt att samverka")


def test_every_routine_is_shown_somewhere(built_site):
    html = "".join(p.read_text(encoding="utf-8") for p in (built_site / "rutiner").rglob("index.html"))
    for routine in load("routines"):
        assert f'id="{routine["id"]}"' in html, routine["id"]


def test_start_page_answers_what_to_do(built_site):
    html = html_of(built_site, "")
    assert "Vad gör jag när en elev behöver samordnat stöd?" in html
    for link in ('href="steg-for-steg/upptack-behov/"', 'href="steg-for-steg/forbered/"',
                 'href="checklistor/fore-kallelse/"', 'href="checklistor/bli-kallad/"'):
        assert link in html
    # Two paths, chosen at the top: seeing a need, or being called.
    for path in ("jag-ser-ett-behov-av-samordning", "jag-har-blivit-kallad-till-en-sip"):
        assert f'href="#{path}"' in html and f'id="{path}"' in html
    # The very first things to do come first, each with its source, before the process overview.
    first = html.split('id="det-forsta-du-gor"', 1)[1].split("<h3", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", first, re.S)
    assert len(items) == 3 and all('class="sip-kalla"' in item for item in items)
    assert_mentions(re.sub(r"<[^>]+>", "", first), r"elevhälsan", r"kan få en SIP", r"samtycke", where="Det första du gör")
    assert html.index('id="det-forsta-du-gor"') < html.index('id="de-tre-forsta-stegen"')


# ---------------------------------------------------------------- sources, notes, abbreviations


def test_sources_page_shows_each_document_with_kind_decision_and_dates(built_site):
    html = html_of(built_site, "kallor")
    for source in load("sources"):
        assert f'id="{source["id"]}"' in html
        assert source["title"] in html
    text = article_text(html)
    gsf = text.split("Grundskoleförvaltningens anvisning", 1)[1].split("Yttrande över", 1)[0]
    assert_mentions(gsf, r"Anvisning", r"Verksamhetschef Kvalitet", r"Beslutsdatum\s+2026-01-20",
                    r"Gäller för", where="GSF:s anvisning")
    for kind in ("Anvisning", "Yttrande", "Överenskommelse", "Rutin", "Vägledning"):
        assert re.search(rf"Typ av dokument\s+{kind}\b", text), kind


def test_every_page_has_a_source_note(built_site, site_pages):
    missing = []
    for page in site_pages:
        html = page.read_text(encoding="utf-8")
        note = re.search(r'<div class="sip-kallnot">(.*?)</div>', html, re.S)
        if not note or "Källa / senast granskad" not in note.group(1) or not re.search(r"\d{4}-\d{2}-\d{2}", note.group(1)):
            missing.append(str(page.relative_to(built_site)))
    assert not missing, f"sidor utan Källa / senast granskad: {missing}"


def test_source_note_lists_the_documents_the_page_cites(built_site):
    html = html_of(built_site, "rutiner/avvikelser")
    note = re.search(r'<div class="sip-kallnot">(.*?)</div>', html, re.S).group(1)
    assert 'href="../../kallor/#gsf-anvisning"' in note
    assert "beslutad 2026-01-20" in note and "granskad av oss 2026-" in note
    skane = re.search(r'<div class="sip-kallnot">(.*?)</div>', html_of(built_site, "steg-for-steg/kalla"), re.S).group(1)
    assert "daterad 2026-05-20" in skane and "dokumentet har inget datum" in skane


def test_facts_carry_inline_citations(built_site):
    html = html_of(built_site, "steg-for-steg/kalla")
    items = re.findall(r"<li>(.*?)</li>", html.split('id="vad-ska-goras"', 1)[1].split("<h2", 1)[0], re.S)
    assert items and all('class="sip-kalla"' in item for item in items)


def test_accessibility_statement_linked_from_every_footer(built_site, site_pages):
    statement = built_site / "om-webbplatsen" / "tillganglighet" / "index.html"
    assert statement.exists()
    for page in site_pages:
        html = page.read_text(encoding="utf-8")
        footer = html.split("<footer", 1)[1]
        links = re.findall(r'<a href="([^"]*)">Tillgänglighetsredogörelse</a>', footer)
        assert links, f"{page.relative_to(built_site)}: ingen länk till tillgänglighetsredogörelsen i sidfoten"
        base = page.parent.relative_to(built_site).as_posix()
        target = posixpath.normpath(posixpath.join(base, links[0]))
        assert (built_site / target / "index.html") == statement, (page, links[0])


def test_accessibility_statement_has_what_digg_requires(built_site):
    text = text_of(built_site, "om-webbplatsen/tillganglighet")
    assert_mentions(
        text, r"helt förenlig med lagen", r"Innehåll som inte är tillgängligt",
        r"Rapportera brister", r"DIGG", r"Tillsyn", r"anmäla det till DIGG",
        r"Hur vi testat webbplatsen", r"bedömningen gjordes den \d+ \w+ \d{4}",
        r"uppdaterades senast den \d+ \w+ \d{4}", where="Tillgänglighetsredogörelse",
    )


def test_abbreviations_are_explained_with_abbr(built_site):
    html = html_of(built_site, "steg-for-steg/upptack-behov")
    assert re.search(r'<abbr title="[^"]+">PMO</abbr>', html)
    assert re.search(r'<abbr title="samordnad individuell plan">SIP</abbr>', html_of(built_site, ""))
    deviation = html_of(built_site, "rutiner/avvikelser")
    for term in ("NOSAM", "HSL", "FCA"):
        if any(e["term"] == term and e.get("abbreviation") for e in load("glossary")):
            assert re.search(rf'<abbr title="[^"]+">{term}</abbr>', deviation), term


def test_glossary_page_lists_every_term(built_site):
    text = text_of(built_site, "ordlista")
    for entry in load("glossary"):
        assert entry["term"] in text, entry["term"]


# ---------------------------------------------------------------- self-contained


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def test_no_page_loads_scripts_styles_fonts_or_images_from_another_host(built_site, site_pages):
    offenders = []
    for page in site_pages:
        html = page.read_text(encoding="utf-8")
        refs = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
        refs += re.findall(r"<img[^>]*\ssrc=\"([^\"]+)\"", html)
        refs += [href for tag in re.findall(r"<link[^>]*>", html)
                 if "canonical" not in tag and "alternate" not in tag
                 for href in re.findall(r'href="([^"]+)"', tag)]
        offenders += [(page.relative_to(built_site).as_posix(), ref) for ref in refs if EXTERNAL.match(ref)]
        assert "fonts.googleapis" not in html and "unpkg.com" not in html
    for css in built_site.rglob("*.css"):
        offenders += [(css.name, url) for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_no_material_generator_link(built_site):
    assert "squidfunk.github.io" not in html_of(built_site, "")


# ---------------------------------------------------------------- editions


def test_default_edition_names_its_organisation_systems_and_mailboxes(built_site):
    html = html_of(built_site, "")
    assert "<title>SIP-handboken – grundskoleförvaltningen</title>" in html
    assert "Utgåva för Göteborgs Stad, grundskoleförvaltningen" in html.split("<footer", 1)[1]
    text = article_text(html)
    assert_mentions(text, r"Göteborgs Stad, grundskoleförvaltningen", r"PMO", r"Stratsys", r"MedControl",
                    r"SAMSA", r"sip-samordnare@example\.se", where="GSF-utgåvans startsida")
    assert ("Hos Grundskoleförvaltningen: En avvikelse hanteras enligt anvisningens rutin och rapporteras i "
            "MedControl") in text_of(built_site, "rutiner/avvikelser")


def test_skane_edition_names_its_own_organisation_and_mailboxes(skane_site):
    html = html_of(skane_site, "")
    assert "<title>SIP-handboken – elevhälsan i sydvästra Skåne</title>" in html
    assert "Utgåva för Elevhälsan i Svedala, Trelleborg och Vellinge" in html.split("<footer", 1)[1]
    text = article_text(html)
    assert_mentions(text, r"Elevhälsan i Svedala, Trelleborg och Vellinge", r"sip-samordnare-sydvast@example\.se",
                    r"mötescirkeln", where="Skåne-utgåvans startsida")
    # The Göteborg systems are not this organisation's.
    assert "Stratsys" not in text and "MedControl" not in text
    statement = text_of(skane_site, "om-webbplatsen/tillganglighet")
    mailboxes = statement_mailboxes(skane_site)
    assert mailboxes and mailboxes <= edition_mailboxes("sydvastra-skane"), mailboxes
    assert "Elevhälsan i Svedala, Trelleborg och Vellinge står bakom" in statement


GOTEBORG_SYSTEMS = re.compile(r"\b(PMO|Stratsys|MedControl|SAMSA|Treserva)\b")


def _without_variants(html: str) -> str:
    # The variants section groups facts under region headings; everything else must name its region.
    head, found, tail = html.partition('id="sa-gor-man-pa-olika-hall"')
    return head + ("<h2" + tail.split("<h2", 1)[1] if found and "<h2" in tail else "")


def test_skane_edition_says_whose_goteborg_systems_are(skane_site):
    pages = [f"steg-for-steg/{step}" for step in STEP_PAGES]
    pages += [f"checklistor/{c['id']}" for c in load("checklists") if c["id"] not in ("avvikelse", "arlig-uppfoljning")]
    # (Every page of both editions is checked for every organisation's terms in test_editions_trust.py.)
    unlabelled = []
    for page in pages:
        blocks = article_text(_without_variants(html_of(skane_site, page)), skip_classes={"sip-kalla"}).splitlines()
        unlabelled += [f"{page}: {block}" for block in blocks
                       if GOTEBORG_SYSTEMS.search(block) and "Göteborg" not in block]
    assert not unlabelled, "Göteborgs system visas som om de gällde i sydvästra Skåne:\n" + "\n".join(unlabelled)
    # Skåne's own way comes first and unlabelled; Göteborg's follows under its name.
    text = article_text(html_of(skane_site, "steg-for-steg/forbered"), skip_classes={"sip-kalla"})
    documented = text.split("Vad dokumenteras och var?", 1)[1].splitlines()
    assert documented[1] == "Dokumentera samtycket i elevens journal."
    assert "Göteborg, skolor: Dokumentera samtycket i PMO, i dokumentet Samtycke. Var: PMO." in documented
    who = text_of(skane_site, "steg-for-steg/upptack-behov")
    assert "Central elevhälsa: ger råd och leder möten (Göteborg, skolor)" in who
    # Göteborg-only roles say so in this edition too; Göteborg's own checklists are not built here.
    assert not (skane_site / "checklistor" / "avvikelse" / "index.html").exists()
    assert re.search(r"Central samordnare SIP\nGöteborg, skolor: ", text_of(skane_site, "roller/central"))


def test_default_edition_shows_its_own_facts_unlabelled_and_others_named(built_site):
    text = article_text(html_of(built_site, "steg-for-steg/forbered"), skip_classes={"sip-kalla"})
    documented = text.split("Vad dokumenteras och var?", 1)[1].splitlines()
    assert documented[1] == "Dokumentera samtycket i PMO, i dokumentet Samtycke. Var: PMO."
    assert "Sydvästra Skåne: Dokumentera samtycket i elevens journal." in documented
    items = text_of(built_site, "checklistor/bli-kallad")
    assert "Du har valt ärendetypen 'SIP, skolan blir kallad' i PMO." in items
    assert "Göteborg, skolor:" not in items
    assert "Gävleborg: Du kommer till mötet, för den som blir kallad måste delta." in items

"""The statistics page in a real browser, built from given aggregates: figures, `..`, no data, axe."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from backoffice.statistics.aggregates import build_aggregates
from backoffice.statistics.compiler import compile_statistics
from browser_support import format_violations, run_axe, serve_directory
from stats_support import LASAR, ROOT, SCHOOL_ROWS, register
from test_generic import ROWS as FORTBILDNING, copy_forms_with_fortbildning

MKDOCS = Path(sys.executable).with_name("mkdocs")


def build_with(aggregates: Path, target: Path) -> Path:
    """Build the site with $SIP_STATISTIK pointing at `aggregates` (which may not exist)."""
    env = dict(os.environ, SIP_STATISTIK=str(aggregates), NO_MKDOCS_2_WARNING="1")
    command = [str(MKDOCS) if MKDOCS.exists() else "mkdocs", "build", "--strict", "--quiet",
               "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(target)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"mkdocs build misslyckades:\n{result.stdout}\n{result.stderr}"
    return target


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two builds: one from fixture aggregates (small counts, per-school figures on, a sixth form), one with none."""
    base = tmp_path_factory.mktemp("statistiksidor")
    forms = copy_forms_with_fortbildning(tmp_path_factory.mktemp("forms"))
    stats = compile_statistics(LASAR, register(), {**SCHOOL_ROWS, "fortbildning": FORTBILDNING}, forms_dir=forms,
                               compiled_at=datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc))
    data = base / "statistik.json"
    data.write_text(json.dumps(build_aggregates(stats, per_school=True), ensure_ascii=False), encoding="utf-8")
    return {"med": build_with(data, base / "med"), "utan": build_with(base / "finns-inte.json", base / "utan")}


@pytest.mark.parametrize("width", [1280, 375])
def test_the_statistics_page_is_axe_clean_and_shows_the_figures(browser, sites, width):
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    page = context.new_page()
    with serve_directory(sites["med"]) as base_url:
        page.goto(base_url + "statistik/", wait_until="load")
        violations = run_axe(page)
        text = page.inner_text("article")
        key_figures = page.locator("table", has_text="Nyckeltal").first.inner_text()
        charts = page.locator("svg[role=img]").count()
        chart_titles = page.locator("svg[role=img] title").all_text_contents()
        named = page.get_by_role("img", name="Avvikelser per kategori: stapeldiagram.").count()
        categories = page.locator("figure", has=page.get_by_role("img", name="Avvikelser per kategori: stapeldiagram."))
        category_bars = categories.locator("svg rect").count()
        category_text = categories.inner_text()
        category_description = categories.locator("svg desc").text_content()
        dashed = categories.locator("svg rect[stroke-dasharray]").count()
        other_form = page.locator("table", has_text="svar per huvudmannatyp").first.inner_text()
    context.close()
    assert not violations, format_violations(violations, label=f"statistik/ ({width} px): ")
    # 07:30 UTC is 09:30 Swedish (summer) time.
    assert "läsår 2025/26" in text and "2026-09-01 kl. 09.30 (svensk tid)" in text
    assert "Skolor i registret\t6" in key_figures
    assert "SIP-processer som skolorna initierat\t23" in key_figures
    assert ".." in text and "1–4" in text
    assert "Siffror per skola" in text and "Centralskolan" in text
    assert charts >= 5 and all("stapeldiagram" in t for t in chart_titles) and named == 1
    # Every category is drawn: the hidden ones as dashed empty bars marked "..", the zeros as zeros,
    # each said in the description and explained under the chart.
    assert category_bars == 8 and dashed >= 1
    assert "dolt (för få)" in category_description and "Kallad verksamhet deltog inte: 2" not in category_description
    assert "En streckad stapel med .. är ett dolt värde: för få (1–4)" in category_text
    assert "0 betyder noll" in category_text
    # The form the repository has never seen: its own section and table, small counts hidden.
    assert "Fortbildning: SIP/samverkan för skolans personal: svar per huvudmannatyp" in text
    assert "Hela förvaltningen\t5\t..\t" in other_form


def test_without_statistics_the_page_says_so(browser, sites):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    with serve_directory(sites["utan"]) as base_url:
        page.goto(base_url + "statistik/", wait_until="load")
        text = page.inner_text("article")
        violations = run_axe(page)
    context.close()
    assert "Det finns ingen statistik ännu" in text
    assert not violations, format_violations(violations, label="statistik/ utan data: ")

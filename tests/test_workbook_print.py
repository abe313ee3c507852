"""The workbook on paper: the Göteborg register's demo year printed to PDF by LibreOffice, page by page."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from backoffice.demo import DEMO_YEARS, demo_rows, write_demo_store
from backoffice.register import load_register
from backoffice.statistics.pipeline import compile_year
from backoffice.statistics.workbook import write_workbook
from pdf_support import page_count, page_texts, to_pdf

COMPILED = datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc)
FOOTER = re.compile(r"^(?P<sheet>.+) Sida (?P<page>\d+) av (?P<pages>\d+) Sammanställd 2026-09-01 kl\. 09\.30 "
                    r"\(svensk tid\)$")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The demo store of the whole Göteborg register (data/skolor.csv), compiled, written and printed."""
    work = tmp_path_factory.mktemp("utskrift")
    register = load_register()
    assert len(register) == 174
    write_demo_store(work / "lager", demo_rows(register, DEMO_YEARS, seed=2025, today=date(2026, 8, 1)))
    compilation = compile_year("2025/26", data_dir=work / "lager", compiled_at=COMPILED)
    workbook = write_workbook(compilation.sheets, work / "sip-2025-26.xlsx", title=compilation.title)
    pdf = to_pdf(workbook, work, work / "lo-profil")
    return workbook, pdf, page_texts(pdf)


def footer(text: str) -> re.Match:
    """The page's footer: its last line."""
    found = FOOTER.match(text.splitlines()[-1])
    assert found, text.splitlines()[-1]
    return found


def test_the_whole_workbook_prints_on_at_most_25_pages_with_a_footer_on_each(printed):
    workbook, pdf, pages = printed
    assert page_count(pdf) == len(pages) <= 25
    footers = [footer(text) for text in pages]
    assert [int(f["page"]) for f in footers] == list(range(1, len(pages) + 1))
    assert {int(f["pages"]) for f in footers} == {len(pages)}
    # Every sheet is printed, in order, under its own name.
    printed_sheets = list(dict.fromkeys(f["sheet"] for f in footers))
    assert printed_sheets == load_workbook(workbook).sheetnames


def test_every_sheet_is_a4_landscape_fitted_to_the_width(printed):
    workbook, _, _ = printed
    for ws in load_workbook(workbook).worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows, ws.title


def test_a_long_list_repeats_its_header_on_every_page(printed):
    _, _, pages = printed
    per_school = [text for text in pages if footer(text)["sheet"] == "Per skola"]
    assert len(per_school) >= 2
    for text in per_school:
        assert text.splitlines()[0].startswith("Skolenhetskod Skolnamn Huvudman"), text.splitlines()[0]


def test_the_total_is_never_alone_and_no_page_ends_with_a_title(printed):
    workbook, _, pages = printed
    titles = {ws.cell(r, 1).value for ws in load_workbook(workbook).worksheets for r in range(1, ws.max_row + 1)
              if ws.cell(r, 1).font.sz == 13}
    assert "Totalt" in titles and "Per huvudman" in titles
    for text in pages:
        lines = text.splitlines()[:-1]
        assert lines and lines[-1] not in titles, lines[-1:]
    (total,) = [text for text in pages if "Hela förvaltningen" in text]
    assert "Per huvudman" in total or "Per huvudmannatyp" in total


def test_the_overview_names_no_server_path_and_says_swedish_time(printed):
    _, _, pages = printed
    first = pages[0]
    assert "Sammanställd 2026-09-01 kl. 09.30 (svensk tid)" in first
    assert "Källor: Lagret (arsuppfoljning:" in first
    assert "/" not in first.split("Källor:")[1].split("Nyckeltal")[0].replace("2025/26", "")

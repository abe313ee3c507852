"""Compiling from the coordinator's page gives the same workbook as `sip-backoffice compile`."""
from __future__ import annotations

import io
import re
from html import unescape
import time

import openpyxl
import requests
from click.testing import CliRunner

from backoffice.cli import main
from backoffice.demo import demo_rows, write_demo_store
from backoffice.register import load_register
from intake_support import page_text, running_server
from test_coordinator_signin import WITHOUT_PROVIDER, csrf_of, sign_in

LASAR = "2024/25"


def cells(workbook) -> dict[str, list[tuple]]:
    """Every sheet's values, except the line that says when it was compiled."""
    return {ws.title: [row for row in ws.iter_rows(values_only=True)
                       if not (row and isinstance(row[0], str) and row[0].startswith("Sammanställd"))
                       and not (row and row[0] == "Sammanställd")]
            for ws in workbook.worksheets}


def test_the_page_compiles_the_same_workbook_as_the_command(built_site, tmp_path):
    data_dir = tmp_path / "store"
    write_demo_store(data_dir, demo_rows(load_register(), ("2023/24", LASAR)))
    with running_server(built_site, data_dir, sign_in=WITHOUT_PROVIDER) as server:
        session = sign_in(server)
        form_page = session.get(f"{server.base_url}/samordnare/sammanstall", timeout=10)
        assert LASAR in form_page.text
        job = session.post(f"{server.base_url}/samordnare/sammanstall",
                           data={"csrf": csrf_of(form_page.text), "lasar": LASAR}, timeout=10)
        for _ in range(300):
            if "Pågår" not in page_text(job.text):
                break
            time.sleep(0.2)
            job = session.get(job.url, timeout=10)
        assert "Klart." in page_text(job.text), page_text(job.text)[:500]
        download = session.get(job.url + "/fil", timeout=30)
        assert download.headers["Content-Disposition"] == 'attachment; filename="sip-2024-25.xlsx"'
        from_page = openpyxl.load_workbook(io.BytesIO(download.content))
        log = page_text(session.get(f"{server.base_url}/samordnare/logg", timeout=10).text)
        assert "sammanställde" in log and "hämtade arbetsbok" in log
    out = tmp_path / "kommandot.xlsx"
    result = CliRunner().invoke(main, ["compile", "--lasar", LASAR, "--data", str(data_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    from_command = openpyxl.load_workbook(out)
    assert from_page.sheetnames == from_command.sheetnames
    assert cells(from_page) == cells(from_command)
    submitted = next(row for row in from_page["Översikt"].iter_rows(values_only=True) if row[0] == "Skolor som skickat in")
    assert submitted[1] > 100  # the demo's answers, counted


def test_a_malformed_school_year_is_refused_on_the_page(built_site, tmp_path):
    with running_server(built_site, tmp_path / "store", sign_in=WITHOUT_PROVIDER) as server:
        session = sign_in(server)
        page = session.get(f"{server.base_url}/samordnare/sammanstall", timeout=10).text
        answer = session.post(f"{server.base_url}/samordnare/sammanstall",
                              data={"csrf": csrf_of(page), "lasar": "2025/27"}, timeout=10)
        assert answer.status_code == 422
        assert "ska skrivas som 2025/26" in page_text(answer.text)
        assert requests.get(f"{server.base_url}/samordnare/sammanstall", timeout=10).status_code == 401


def test_areas_uploaded_on_the_page_filter_the_overview_and_a_school_gets_its_own_template(built_site, tmp_path,
                                                                                          monkeypatch):
    import shutil

    from backoffice.config import REGISTER_PATH

    register_path = tmp_path / "register" / "skolor.csv"
    register_path.parent.mkdir()
    shutil.copy(REGISTER_PATH, register_path)
    monkeypatch.setenv("SIP_REGISTER", str(register_path))
    schools = sorted(load_register(register_path))
    data_dir = tmp_path / "store"
    write_demo_store(data_dir, demo_rows(load_register(register_path), ("2023/24", LASAR)))
    with running_server(built_site, data_dir, sign_in=WITHOUT_PROVIDER) as server:
        session = sign_in(server)
        page = session.get(f"{server.base_url}/samordnare/sammanstall", timeout=10).text
        areas = "skolenhetskod;omrade\n" + "".join(f"{c};{'Norr' if i < 10 else 'Söder'}\n" for i, c in enumerate(schools))
        answer = session.post(f"{server.base_url}/samordnare/omraden", data={"csrf": csrf_of(page)},
                              files={"fil": ("omraden.csv", areas.encode("utf-8"), "text/csv")}, timeout=10)
        assert f"Läste in områden för {len(schools)} skolor" in page_text(answer.text)
        north = session.get(f"{server.base_url}/samordnare/", params={"lasar": LASAR, "omrade": "Norr"}, timeout=10)
        text = page_text(north.text)
        assert "av 10 skolor har svarat" in text
        # The row's template link hands out that school's own template.
        link = re.search(r'href="(/samordnare/mall/arsuppfoljning/\d{8}/\?lasar=[^"]+)"', north.text).group(1)
        template = session.get(server.base_url + unescape(link), timeout=10)
        book = openpyxl.load_workbook(io.BytesIO(template.content))
        code = link.split("/")[4]
        assert code in [str(cell.value) for cell in book["Svar"][2]]
        assert "hämtade mall" in page_text(session.get(f"{server.base_url}/samordnare/logg", timeout=10).text)


def test_a_service_running_all_year_keeps_only_the_latest_finished_jobs(built_site, tmp_path):
    from backoffice.coordinator.jobs import KEEP_FINISHED

    with running_server(built_site, tmp_path / "store", sign_in=WITHOUT_PROVIDER) as server:
        session = sign_in(server)
        page = session.get(f"{server.base_url}/samordnare/sammanstall", timeout=10).text
        finished = []
        for _ in range(KEEP_FINISHED + 2):
            job = session.post(f"{server.base_url}/samordnare/sammanstall",
                               data={"csrf": csrf_of(page), "lasar": LASAR}, timeout=10)
            for _ in range(300):
                if "Pågår" not in page_text(job.text):
                    break
                time.sleep(0.1)
                job = session.get(job.url, timeout=10)
            assert "Klart." in page_text(job.text)
            finished.append(job.url)
        # The oldest compilations' workbooks are let go (the page says so in Swedish); the latest stay.
        assert session.get(finished[0] + "/fil", timeout=10).status_code == 404
        assert session.get(finished[0], timeout=10).status_code == 404
        assert session.get(finished[-1] + "/fil", timeout=10).content[:2] == b"PK"
        assert session.get(finished[2] + "/fil", timeout=10).status_code == 200

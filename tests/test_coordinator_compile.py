"""Compiling from the coordinator's page gives the same workbook as `sip-backoffice compile`."""
from __future__ import annotations

import io
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
        assert "sammanställde" in page_text(session.get(f"{server.base_url}/samordnare/logg", timeout=10).text)
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

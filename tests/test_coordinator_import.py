"""A filled template read in from the coordinator's page: what `sip-backoffice import` does, without a terminal."""
from __future__ import annotations

import io
import re

import openpyxl
import requests

from backoffice.store.files import read_rows
from intake_support import page_text, running_server
from test_coordinator_signin import WITHOUT_PROVIDER, csrf_of, sign_in

SCHOOL, LASAR = "40526633", "2025/26"


def school_template(server, session) -> openpyxl.Workbook:
    """The school's own template, as the overview's Mall column hands it out."""
    overview = session.get(f"{server.base_url}/samordnare/", params={"blankett": "arsuppfoljning", "lasar": LASAR},
                           timeout=10)
    assert f'/samordnare/mall/arsuppfoljning/{SCHOOL}/' in overview.text
    template = session.get(f"{server.base_url}/samordnare/mall/arsuppfoljning/{SCHOOL}/", params={"lasar": LASAR},
                           timeout=10)
    return openpyxl.load_workbook(io.BytesIO(template.content))


def filled(book: openpyxl.Workbook, answers) -> bytes:
    """The rector's answers in the prefilled row (columns C to H), saved as Excel saves it."""
    sheet = book["Svar"]
    for column, value in zip("CDEFGH", answers):
        sheet[f"{column}2"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(server, session, content: bytes, name="algebraskolan.xlsx", form="arsuppfoljning", again=False):
    page = session.get(f"{server.base_url}/samordnare/inlasning", timeout=10).text
    data = {"csrf": csrf_of(page), "blankett": form, **({"igen": "1"} if again else {})}
    return session.post(f"{server.base_url}/samordnare/inlasning", data=data, files={"fil": (name, content)}, timeout=30)


def test_a_filled_template_is_read_in_counted_and_logged_and_the_same_file_again_only_when_asked(built_site, tmp_path):
    data_dir = tmp_path / "store"
    with running_server(built_site, data_dir, sign_in=WITHOUT_PROVIDER) as server:
        session = sign_in(server)
        content = filled(school_template(server, session), [3, 5, "Mer tid för samordning", "ja", 2, "nej"])
        answer = upload(server, session, content)
        text = page_text(answer.text)
        assert answer.status_code == 200, text
        (row,) = read_rows(data_dir, "arsuppfoljning")
        assert (row["skolenhetskod"], row["lasar"], row["sip_initierade"], row["kanal"]) == (SCHOOL, LASAR, "3", "import")
        assert "Läste in 1 rad från algebraskolan.xlsx" in text and row["kvitto"] in text
        # The overview counts the school as answered, and its answer's page says it came by import.
        overview = session.get(f"{server.base_url}/samordnare/", params={"blankett": "arsuppfoljning", "lasar": LASAR},
                               timeout=10)
        assert f'/samordnare/svar/arsuppfoljning/{row["kvitto"]}/' in overview.text
        versions = page_text(session.get(f"{server.base_url}/samordnare/svar/arsuppfoljning/{row['kvitto']}/",
                                         timeout=10).text)
        assert "import" in versions
        log = page_text(session.get(f"{server.base_url}/samordnare/logg", timeout=10).text)
        assert "läste in fil" in log and "algebraskolan.xlsx" in log

        # The same file a second time is refused, saying how to read it in anyway; then it is version 2.
        again = upload(server, session, content)
        assert again.status_code == 422
        assert "har redan lästs in" in page_text(again.text) and "Läs in filen igen" in page_text(again.text)
        assert len(read_rows(data_dir, "arsuppfoljning")) == 1
        assert upload(server, session, content, again=True).status_code == 200
        assert [r["version"] for r in read_rows(data_dir, "arsuppfoljning")] == ["1", "2"]


def test_a_file_with_an_error_reads_in_nothing_and_says_where(built_site, tmp_path):
    data_dir = tmp_path / "store"
    with running_server(built_site, data_dir, sign_in=WITHOUT_PROVIDER) as server:
        session = sign_in(server)
        content = filled(school_template(server, session), [-1, 5, "Mer tid", "ja", 2, "nej"])
        answer = upload(server, session, content, name="fel/../algebraskolan.xlsx")
        text = page_text(answer.text)
        assert answer.status_code == 422
        assert "algebraskolan.xlsx: 1 fel; ingenting har lagts in i lagret" in text
        assert re.search(r"rad 2.*kolumn C", text), text
        assert str(tmp_path) not in text and "/tmp" not in text  # never the server's own paths
        assert read_rows(data_dir, "arsuppfoljning") == []

        # A file that is no table at all, and one in another format, are named and change nothing.
        assert "inte" in page_text(upload(server, session, b"PK\x03\x04 trasig", name="mall.xlsx").text)
        wrong = upload(server, session, b"%PDF-1.4", name="svar.pdf")
        assert wrong.status_code == 422 and "svar.pdf: läs in en Excel-arbetsbok (.xlsx) eller en CSV-fil" in \
            page_text(wrong.text)
        # A name longer than the file system takes is shortened, never an error page.
        chart = "\U0001F4CA"  # four bytes in UTF-8
        long_name = upload(server, session, b"skolenhetskod;lasar\n", name=chart * 200 + ".csv")
        assert long_name.status_code == 422 and chart * 60 + ".csv: " in page_text(long_name.text)
        assert read_rows(data_dir, "arsuppfoljning") == []


def test_without_signing_in_nothing_is_read_in(built_site, tmp_path):
    data_dir = tmp_path / "store"
    with running_server(built_site, data_dir, sign_in=WITHOUT_PROVIDER) as server:
        answer = requests.post(f"{server.base_url}/samordnare/inlasning", data={"blankett": "arsuppfoljning"},
                               files={"fil": ("a.csv", f"skolenhetskod;lasar\n{SCHOOL};{LASAR}\n".encode())}, timeout=10)
        assert answer.status_code == 401 and "Logga in" in answer.text
        assert read_rows(data_dir, "arsuppfoljning") == []

"""A form the code has never seen: a new schema in a copy of forms/ is linked, served, posted, stored
and given a receipt by the real commands (`links`, `serve` under waitress), with no code change."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
import requests

from backoffice.config import FORMS_DIR
from backoffice.intake.shell import END, START, Shell, form_page_file, with_article
from backoffice.register import load_register
from intake_support import (LASAR, SECRET, frictionless_validate, hidden_fields, page_text, receipt_number,
                            serve_command)

FORM_ID = "handledning"
TITLE = "Handledning i SIP-arbetet"
QUESTION = "Hur många gånger fick skolan handledning om SIP under läsåret?"
SCHEMA = f"""
title: Handledning i SIP-arbetet
sip:form:
  title: {TITLE}
  intro: Svara för din skolenhet och det gångna läsåret.
  key: [skolenhetskod, lasar]
  free_text: [kommentar]
fields:
  - name: skolenhetskod
    type: string
    title: Skolenhetskod
    constraints: {{required: true, pattern: "[0-9]{{8}}"}}
  - name: lasar
    type: string
    title: Läsår
    constraints: {{required: true, pattern: "[0-9]{{4}}/[0-9]{{2}}"}}
  - name: tillfallen
    type: integer
    title: {QUESTION}
    constraints: {{required: true, minimum: 0}}
    sip:ui: {{widget: number, group: Handledning}}
  - name: rackte
    type: string
    title: Räckte handledningen?
    constraints: {{required: true, enum: [ja, nej]}}
    sip:ui: {{widget: radio, group: Handledning}}
  - name: kommentar
    type: string
    title: Något mer du vill berätta?
    constraints: {{maxLength: 500}}
    sip:ui: {{widget: textarea, group: Handledning}}
"""
ANSWER = {"tillfallen": "3", "rackte": "nej", "kommentar": "Vi skulle behöva handledning varje termin."}
SIP_BACKOFFICE = str(Path(sys.executable).with_name("sip-backoffice"))


@pytest.fixture
def new_form(tmp_path, built_site):
    """A copy of forms/ with the new schema, a copy of the site with a page for it, and their environment."""
    forms = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms)
    (forms / f"{FORM_ID}.schema.yaml").write_text(SCHEMA, encoding="utf-8")
    env = dict(os.environ, SIP_FORMS=str(forms), SIP_SECRET_KEY=SECRET)
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / form_page_file(FORM_ID)
    if not page.exists():
        # A site built from forms/ alone has no page for the form: make one in the site's frame, its
        # preview rendered by the renderer in a process that reads the copied forms.
        preview = subprocess.run([sys.executable, "-c", "from backoffice.forms.webform import render_form; "
                                  f"print(render_form({FORM_ID!r}))"],
                                 env=env, capture_output=True, text=True, check=True).stdout
        frame = Shell(site).form_page("stickprov")
        page.parent.mkdir(parents=True)
        body = f"<h1>{TITLE}</h1>{START.format(form_id=FORM_ID)}\n{preview}\n{END}"
        page.write_text(with_article(frame, TITLE, body), encoding="utf-8")
    return tmp_path, site, env


def test_a_new_form_is_linked_served_posted_stored_and_receipted(new_form):
    tmp_path, site, env = new_form
    data = tmp_path / "store"
    out = tmp_path / "lankar.csv"
    with serve_command(site, data, env, "--demo-lankar") as (base_url, log):
        made = subprocess.run([SIP_BACKOFFICE, "links", "--form", FORM_ID, "--lasar", LASAR, "--base-url", base_url,
                               "--out", str(out), "--data", str(data)], env=env, capture_output=True, text=True)
        assert made.returncode == 0, made.stdout + made.stderr
        assert TITLE in made.stdout and "120 dagar" in made.stdout  # the default validity of school links
        with open(out, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        assert sorted(r["skolenhetskod"] for r in rows) == sorted(load_register())
        school, link = rows[0]["skolenhetskod"], rows[0]["lank"]

        session = requests.Session()
        form = session.get(link, timeout=10)
        assert form.status_code == 200 and QUESTION in unescape(form.text)
        assert f"{rows[0]['skolnamn']} (skolenhetskod {school})" in page_text(form.text)
        fields = hidden_fields(form.text)
        empty = session.post(f"{base_url}/blanketter/{FORM_ID}/", data=fields, timeout=10)
        assert empty.status_code == 422 and 'class="sip-error-summary"' in empty.text
        assert not (data / f"{FORM_ID}.csv").exists() or len(stored(data)) == 0

        sent = session.post(f"{base_url}/blanketter/{FORM_ID}/", data={**fields, **ANSWER}, timeout=10)
        assert sent.status_code == 200 and [r.status_code for r in sent.history] == [303]
        text = page_text(sent.text)
        assert "Tack! Ditt svar är mottaget" in text and "Version 1 av svaret" in text and ANSWER["kommentar"] in text
        again = session.get(link, timeout=10)
        assert "Skolan har redan svarat" in page_text(again.text)
    (row,) = stored(data)
    assert (row["kvitto"], row["skolenhetskod"], row["lasar"], row["version"], row["kanal"]) == (
        receipt_number(sent.text), school, LASAR, "1", "webb")
    assert {name: row[name] for name in ANSWER} == ANSWER
    checked = frictionless_validate(data)
    assert checked.returncode == 0, checked.stdout[-2000:]
    # `serve --demo-lankar` offered the new form too, read from the forms it was given.
    assert f"{TITLE} – " in log.read_text(encoding="utf-8")


def stored(data_dir) -> list[dict]:
    """The new form's rows in the store's CSV, read as any program would."""
    with open(data_dir / f"{FORM_ID}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))

"""Read a filled template or table into the store from the coordinator's page: `sip-backoffice import`
without a terminal.

The same library function (`backoffice.store.importing.import_table`): validated whole like
`validate`, every row appended in one write or none, each file remembered so that the same file is
not read in twice by mistake. The upload is kept only for the length of the request.
"""
from __future__ import annotations

from pathlib import Path

from flask import request

from backoffice.coordinator.console import blueprint, current_console, log_action, page
from backoffice.coordinator.uploads import display_name, saved_upload
from backoffice.errors import SipError
from backoffice.forms.schema import all_forms

SUFFIXES = (".csv", ".xlsx")
AGAIN_HINT = "kryssa i ”Läs in filen igen, fast den redan har lästs in” och ladda upp den en gång till"


def _intake():
    from backoffice.intake.service import current_intake

    return current_intake()


def _import_forms():
    """The forms a file can be read into here: those the service takes, the anonymous survey not
    (its answers come only from the children and guardians themselves)."""
    served = _intake().forms
    return [f for f in all_forms() if f.id in served and not f.anonymous]


@blueprint.get("/inlasning")
def import_page(message: str = "", problems=(), status: int = 200, chosen: str = ""):
    """Choose the form and the file; after a refusal, what is wrong, row by row."""
    forms = _import_forms()
    return page("Läs in en ifylld mall", "inlasning.html", status, message=message, problems=list(problems),
                forms=forms, chosen=chosen or (forms[0].id if forms else ""))


@blueprint.post("/inlasning")
def upload_import():
    """Validate the uploaded file against the chosen form and append all its rows, or none."""
    from backoffice.store.importing import ImportRefused, import_table

    chosen = request.form.get("blankett", "")
    form = next((f for f in _import_forms() if f.id == chosen), None)
    if form is None:
        return import_page(message="Välj vilken blankett filen hör till.", status=400)
    upload = request.files.get("fil")
    if upload is None or not upload.filename:
        return import_page(message="Välj en fil att läsa in först.", status=400, chosen=chosen)
    name = display_name(upload.filename)
    if Path(name).suffix.lower() not in SUFFIXES:
        return import_page(message=f"{name}: läs in en Excel-arbetsbok (.xlsx) eller en CSV-fil. Spara filen i "
                                   "ett av de formaten och ladda upp den igen.", status=422, chosen=chosen)
    intake = _intake()
    with saved_upload(upload, name) as path:
        try:
            imported = import_table(path, chosen, data_dir=current_console().data_dir, store=intake.store,
                                    register=intake.register, again=request.form.get("igen") == "1",
                                    how_again=AGAIN_HINT)
        except ImportRefused as refused:
            lines = [line.replace(str(path), name) for line in refused.lines()]
            return import_page(message=f"{name}: {len(lines)} fel; ingenting har lagts in i lagret. Rätta felen "
                                       "och ladda upp filen igen.", problems=lines, status=422, chosen=chosen)
        except SipError as error:
            return import_page(message=str(error).replace(str(path), name), status=422, chosen=chosen)
    receipts = imported.receipts
    log_action("läste in fil", blankett=chosen, fil=name, rader=len(receipts),
               kvitto=f"{receipts[0].kvitto}–{receipts[-1].kvitto}" if len(receipts) > 1 else receipts[0].kvitto)
    rows = "1 rad" if len(receipts) == 1 else f"{len(receipts)} rader"
    return import_page(message=f"Läste in {rows} från {name} ({form.title}). Kvitto {receipts[0].kvitto}"
                               + (f" till {receipts[-1].kvitto}." if len(receipts) > 1 else "."), chosen=chosen)

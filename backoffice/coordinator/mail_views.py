"""E-mail from the coordinator's page: upload the schools' addresses, preview a mailing, send it.

The same library as `sip-backoffice register adresser` and `sip-backoffice skicka`; sending runs as
a job with a page that shows how far it has come.
"""
from __future__ import annotations

import datetime as dt
from flask import redirect, request

from backoffice import schoolyear
from backoffice.coordinator import jobs
from backoffice.coordinator.console import base_url, blueprint, current_console, log_action, page, person
from backoffice.coordinator.uploads import saved_upload, table_suffix
from backoffice.errors import SipError
from backoffice.forms.schema import all_forms


def _mail_forms():
    from backoffice.intake.service import current_intake

    served = current_intake().forms
    return [f for f in all_forms() if f.id in served and not f.meeting_link]


def _edition():
    from backoffice.edition import load_edition

    return load_edition()


@blueprint.get("/utskick")
def mail_page(message: str = "", problems=(), status: int = 200):
    """Addresses and mailings: how many schools have an address, and the form to send one."""
    from backoffice.mail.addresses import load_addresses
    from backoffice.mail.mailing import deliveries, refused_records
    from backoffice.register import load_register

    edition = _edition()
    register = load_register(edition.register_path)
    addresses = load_addresses(edition.register_path)
    lasar = schoolyear.last_completed()
    refused = [(f, refused_records(deliveries(current_console().data_dir), f.id, lasar)) for f in _mail_forms()]
    return page("Adresser och utskick", "utskick.html", status, message=message, problems=list(problems),
                addresses=len(addresses), schools=len(register), forms=_mail_forms(), lasar=lasar,
                deadline=(dt.date.today() + dt.timedelta(days=21)).isoformat(), refused=refused)


@blueprint.post("/utskick/adresser")
def upload_addresses():
    """The coordinator's address file, checked whole and kept beside the register, or refused whole."""
    from backoffice.mail.addresses import AddressFileRefused, import_addresses
    from backoffice.register import load_register

    upload = request.files.get("fil")
    if upload is None or not upload.filename:
        return mail_page(message="Välj en fil med adresser först.", status=400)
    edition = _edition()
    with saved_upload(upload, "adresser" + table_suffix(upload.filename)) as path:
        try:
            imported = import_addresses(path, load_register(edition.register_path), edition.register_path)
        except AddressFileRefused as refused:
            lines = [line.replace(str(path), upload.filename) for line in refused.problems]
            return mail_page(message=f"{upload.filename}: {len(lines)} fel; inga adresser har lästs in. Rätta felen "
                                     "och ladda upp filen igen.", problems=lines, status=422)
        except SipError as error:
            return mail_page(message=str(error).replace(str(path), upload.filename), status=422)
    log_action("läste in adresser", fil=upload.filename, antal=len(imported.addresses))
    return mail_page(message=f"Läste in {len(imported.addresses)} adresser från {upload.filename}.")


def _mailing_request():
    from backoffice.mail.service import MailingRequest

    form = request.form
    try:
        deadline = dt.date.fromisoformat(form.get("sista_dag", ""))
    except ValueError:
        raise SipError("Skriv sista svarsdagen som ÅÅÅÅ-MM-DD, till exempel 2026-09-30.") from None
    return MailingRequest(form_id=form.get("blankett", ""), lasar=form.get("lasar", ""),
                          reminder=form.get("mottagare") == "saknade", again=form.get("igen") == "1",
                          base_url=base_url(), deadline=deadline, data_dir=current_console().data_dir)


@blueprint.post("/utskick/forhandsvisa")
def preview_mailing():
    """What a mailing would send: who gets a message, who does not and why, and the first message."""
    from backoffice.mail import service

    try:
        mailing = _mailing_request()
        plan = service.prepare(mailing)
    except SipError as error:
        return mail_page(message=str(error), status=422)
    first = plan.messages[0].message if plan.messages else None
    return page("Förhandsvisa utskicket", "utskick_forhandsvisa.html", plan=plan, mailing=mailing,
                description=service.describe(plan).splitlines(),
                first_text=first.get_body(("plain",)).get_content() if first else "",
                first_subject=first["Subject"] if first else "")


@blueprint.post("/utskick/skicka")
def send_mailing():
    """Send a previewed mailing as a job; the job's page shows the progress and the result."""
    from backoffice.mail import service

    try:
        mailing = _mailing_request()
        plan = service.prepare(mailing)
    except SipError as error:
        return mail_page(message=str(error), status=422)
    from backoffice.coordinator.audit import record

    who, data_dir = person(), current_console().data_dir

    def work(job):
        result = service.send(mailing, plan, progress=job.advance)
        # Logged from the job's own thread: there is no request here, so who and where are given.
        record(data_dir, who, "skickade utskick", blankett=plan.form.id, lasar=plan.lasar, typ=plan.kind,
               levererade=len(result.delivered), avvisade=len(result.refused), ej_levererade=len(result.failed))
        return {"lines": service.summary(plan, result).splitlines()}

    job = jobs.start(current_console().jobs, f"Utskick: {plan.form.title}, läsår {plan.lasar}", who,
                     len(plan.messages), work)
    return redirect(f"/samordnare/jobb/{job.id}", code=303)


@blueprint.get("/jobb/<job_id>")
def job_page(job_id: str):
    """How far a job has come (the page reloads itself until it is done), then its result."""
    from flask import abort

    job = current_console().jobs.get(job_id)
    if job is None or job.owner != person():
        abort(404)
    response = page(job.title, "jobb.html", job=job)
    if not job.finished:
        response.headers["Refresh"] = str(jobs.REFRESH_SECONDS)
    return response

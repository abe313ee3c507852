"""The coordinator's reading pages: the overview per form and school year, an answer's versions, the log,
and the links file (all schools, or only those who have not answered)."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, request

from backoffice import schoolyear
from backoffice.coordinator.audit import recent
from backoffice.coordinator.console import base_url, blueprint, current_console, log_action, page
from backoffice.coordinator.overview import form_overview, school_years
from backoffice.errors import SipError
from backoffice.forms.schema import UnknownFormError, all_forms, load_form


def _intake():
    from backoffice.intake.service import current_intake

    return current_intake()


def _form(form_id: str | None):
    forms = [f for f in all_forms() if f.id in _intake().forms]
    if not forms:
        abort(404)
    if not form_id:
        return forms[0], forms
    try:
        form = load_form(form_id)
    except UnknownFormError:
        abort(404)
    if form.id not in _intake().forms:
        abort(404)
    return form, forms


def _areas() -> dict[str, str]:
    """Areas per school from `omraden.csv` beside the register, when the coordinator keeps one."""
    from backoffice.edition import load_edition
    from backoffice.statistics.inputs import read_areas

    path = load_edition().register_path.with_name("omraden.csv")
    try:
        return read_areas(path) if path.exists() else {}
    except SipError:
        return {}


def _school_year() -> tuple[str, list[str]]:
    years = school_years()
    asked = request.args.get("lasar") or schoolyear.last_completed()
    return (asked if schoolyear.is_valid(asked) else schoolyear.last_completed()), years


@blueprint.get("/")
def overview():
    """Per form and school year: answered of all, the latest receipt, who has not answered."""
    form, forms = _form(request.args.get("blankett"))
    lasar, years = _school_year()
    areas = _areas()
    search, area = request.args.get("sok", ""), request.args.get("omrade", "")
    summary = form_overview(form, _intake().store, _intake().register, lasar, areas=areas, search=search, area=area)
    return page("Samordnarens översikt", "oversikt.html", form=form, forms=forms, years=years, lasar=lasar,
                overview=summary, areas=sorted(set(areas.values())), search=search, area=area,
                local_time=_local)


@blueprint.get("/svar/<form_id>/<kvitto>/")
def answer(form_id: str, kvitto: str):
    """Every version of one answer side by side: which one counts, channel, receipt, time."""
    form, _ = _form(form_id)
    if form.anonymous:
        abort(404)  # the survey has no row view: only its suppressed aggregates
    versions = _intake().store.versions(form.id, kvitto)
    if not versions:
        abort(404)
    school = _intake().register.get(versions[-1].get("skolenhetskod", ""))
    return page(f"Svar {kvitto}", "svar.html", form=form, versions=versions, school=school,
                counting=_counting(versions), local_time=_local, notice=request.args.get("klart", ""))


def _counting(versions: list[dict]) -> dict | None:
    from backoffice.store.versions import is_withdrawn

    latest = versions[-1]
    return None if is_withdrawn(latest) else latest


@blueprint.get("/skola/<form_id>/<code>/")
def school_reports(form_id: str, code: str):
    """A school's reports of a form without a key (deviations, meetings) in a school year, newest first."""
    from backoffice import followup
    from backoffice.store.versions import answer_of

    form, _ = _form(form_id)
    school = _intake().register.get(code)
    if form.keyed or form.anonymous or school is None:
        abort(404)
    lasar, _ = _school_year()
    rows = [row for row in followup.counted_rows(form, _intake().store.read_rows(form.id), lasar)
            if row.get("skolenhetskod") == code]
    rows.sort(key=lambda row: row.get("mottagen", ""), reverse=True)
    return page(f"{form.title}: {school.skolnamn}", "skola.html", form=form, school=school, lasar=lasar,
                rows=rows, answer_of=answer_of, local_time=_local)


@blueprint.get("/logg")
def audit_page():
    """What coordinators have done, newest first."""
    return page("Logg över samordnarnas åtgärder", "logg.html", records=recent(current_console().data_dir),
                local_time=_local)


@blueprint.get("/lankar")
def links_file():
    """The links file of a form and school year, for every school or only those without an answer."""
    from backoffice import followup
    from backoffice.intake.links import link_rows, links_csv

    form, _ = _form(request.args.get("blankett"))
    if form.meeting_link:
        abort(404)
    lasar = schoolyear.parse(request.args.get("lasar") or schoolyear.last_completed())
    only_missing = request.args.get("bara_saknade") == "1"
    intake = _intake()
    rows = link_rows(intake.signer, intake.register, form.id, lasar, base_url())
    if only_missing:
        answered = followup.answered(intake.store, form, lasar)
        rows = [row for row in rows if row["skolenhetskod"] and row["skolenhetskod"] not in answered]
    log_action("hämtade länkar", blankett=form.id, lasar=lasar, antal=len(rows),
               urval="bara saknade" if only_missing else "alla")
    name = f"lankar-{form.id}-{lasar.replace('/', '-')}{'-saknade' if only_missing else ''}.csv"
    return Response(links_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@blueprint.get("/mall/<form_id>/<code>/")
def prefilled_template(form_id: str, code: str):
    """A school's own Excel template for a form and school year, its school and year filled in."""
    from backoffice.forms.template import school_prefill, template_bytes

    form, _ = _form(form_id)
    if form.meeting_link or code not in _intake().register:
        abort(404)
    lasar, _ = _school_year()
    content = template_bytes(form.id, school_prefill(code, lasar, _intake().register))
    log_action("hämtade mall", blankett=form.id, skolenhetskod=code, lasar=lasar)
    name = f"{form.id}-{code}-{lasar.replace('/', '-')}.xlsx"
    return Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _local(stamp: str) -> str:
    """A store time as a Swede reads it (a day alone for anonymous answers)."""
    from backoffice.intake.receipts import local_time

    if not stamp:
        return ""
    try:
        return local_time(stamp)
    except ValueError:
        try:
            return dt.date.fromisoformat(stamp).isoformat()
        except ValueError:
            return stamp

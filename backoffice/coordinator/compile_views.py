"""Compile a school year from the coordinator's page: the same workbook as `sip-backoffice compile`.

Through the library pipeline (`backoffice.statistics.pipeline.compile_year`) as a job, then a
download; the aggregates for the handbook's statistics page can be written at the same time.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Response, abort, redirect, request

from backoffice import schoolyear
from backoffice.coordinator import jobs
from backoffice.coordinator.audit import record
from backoffice.coordinator.console import blueprint, current_console, page, person
from backoffice.coordinator.uploads import saved_upload, table_suffix
from backoffice.errors import SipError


def _register_path() -> Path:
    from backoffice.edition import load_edition

    return load_edition().register_path


def _areas_file() -> Path | None:
    path = _register_path().with_name("omraden.csv")
    return path if path.exists() else None


@blueprint.get("/sammanstall")
def compile_page(message: str = "", status: int = 200):
    """Choose the school year (and grouping by area) and compile."""
    years = sorted({schoolyear.current(), schoolyear.last_completed()} | _stored_years(), reverse=True)
    return page("Sammanställ ett läsår", "sammanstall.html", status, message=message, years=years,
                lasar=schoolyear.last_completed(), areas=_areas_file() is not None)


def _stored_years() -> set[str]:
    from backoffice.forms.schema import all_forms
    from backoffice.intake.service import current_intake

    store = current_intake().store
    years = set()
    for form in all_forms():
        if form.keyed:  # the annual answers say which years the store holds; event forms follow them
            years.update(y for y in (form.year_of(row) for row in store.read_rows(form.id)) if y and schoolyear.is_valid(y))
    return years


@blueprint.post("/omraden")
def upload_areas():
    """The schools' areas (omraden.csv) for the overview's filter and the workbook's grouping, checked whole."""
    import csv
    import io

    from backoffice.statistics.inputs import read_areas
    from backoffice.store.disk import replace_file

    upload = request.files.get("fil")
    if upload is None or not upload.filename:
        return compile_page(message="Välj en fil med områden först.", status=400)
    with saved_upload(upload, "omraden" + table_suffix(upload.filename)) as path:
        try:
            areas = read_areas(path)
        except SipError as error:
            return compile_page(message=str(error).replace(str(path), upload.filename), status=422)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["skolenhetskod", "omrade"])
    writer.writerows(sorted(areas.items()))
    replace_file(_register_path().with_name("omraden.csv"), buffer.getvalue())
    record(current_console().data_dir, person(), "läste in områden", fil=upload.filename, antal=len(areas))
    return compile_page(message=f"Läste in områden för {len(areas)} skolor från {upload.filename}.")


@blueprint.post("/sammanstall")
def start_compile():
    """Compile as a job; its page offers the workbook when it is done."""
    try:
        lasar = schoolyear.parse(request.form.get("lasar"))
    except SipError as error:
        return compile_page(message=str(error), status=422)
    by_area = request.form.get("omraden") == "1" and _areas_file() is not None
    with_aggregates = request.form.get("statistiksidan") == "1"
    who, data_dir, register = person(), current_console().data_dir, _register_path()
    areas = _areas_file() if by_area else None

    def work(job):
        from backoffice.statistics.aggregates import write_aggregates
        from backoffice.statistics.pipeline import compile_year
        from backoffice.statistics.workbook import write_workbook

        compilation = compile_year(lasar, data_dir=data_dir, areas=areas, register=register)
        job.total = len(compilation.sheets) + 1
        job.advance()
        with tempfile.TemporaryDirectory() as scratch:
            path = write_workbook(compilation.sheets, Path(scratch) / "sip.xlsx", title=compilation.title,
                                  progress=job.advance)
            content = path.read_bytes()
        lines = compilation.summary().splitlines()
        if with_aggregates:
            target = aggregates_path()
            write_aggregates(compilation.stats, target)
            lines.append(f"Siffrorna för handbokens statistiksida är skrivna ({target.name}). De syns på "
                         "webbplatsen när den har byggts om.")
        record(data_dir, who, "sammanställde", lasar=lasar, omraden="ja" if areas else "nej",
               statistiksidan="ja" if with_aggregates else "nej")
        return {"lines": lines, "file": content, "file_name": f"sip-{lasar.replace('/', '-')}.xlsx"}

    job = jobs.start(current_console().jobs, f"Sammanställning läsår {lasar}", who, 1, work)
    return redirect(f"/samordnare/jobb/{job.id}", code=303)


def aggregates_path() -> Path:
    """Where the handbook's statistics page reads its figures: $SIP_STATISTIK, else beside this store."""
    import os

    from backoffice.statistics.outputs import FIGURES_ENV, FIGURES_NAME

    override = os.environ.get(FIGURES_ENV)
    return Path(override) if override else current_console().data_dir.parent / FIGURES_NAME


@blueprint.get("/jobb/<job_id>/fil")
def job_file(job_id: str):
    """The file a finished job made (the workbook)."""
    job = current_console().jobs.get(job_id)
    if job is None or job.owner != person() or not job.finished or not isinstance(job.result, dict) \
            or not job.result.get("file"):
        abort(404)
    name = job.result["file_name"]
    record(current_console().data_dir, person(), "hämtade arbetsbok", fil=name)
    return Response(job.result["file"], headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                 "Cache-Control": "no-store"},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

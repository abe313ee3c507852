"""The built site's files, served as they are (a directory's address ends in a slash)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from backoffice.intake.service import current_intake

blueprint = Blueprint("site", __name__)


@blueprint.route("/", defaults={"path": ""})
@blueprint.route("/<path:path>")
def site_file(path: str):
    """One file of the built site; a directory without its slash is redirected to it, query kept."""
    site_dir = current_intake().shell.site_dir
    # safe_join refuses absolute paths and "..": "//tmp" must not become a redirect to http://tmp/.
    target = safe_join(str(site_dir), path)
    if target is None:
        raise NotFound()
    if path and not path.endswith("/") and Path(target).is_dir():
        query = request.query_string.decode("latin-1")
        return redirect("/" + path + "/" + (f"?{query}" if query else ""), code=308)
    if path == "" or path.endswith("/"):
        path += "index.html"
    return send_from_directory(site_dir, path, max_age=300)

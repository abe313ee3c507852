"""The store's `datapackage.json`, derived from the form schemas so that stock Frictionless can check it.

The file is written again whenever it differs from what the schemas say, so edit the schemas in
forms/, never this file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from backoffice.forms.schema import Form, load_form
from backoffice.store.disk import replace_file
from backoffice.store.rows import CHANNELS

PACKAGE_NAME = "datapackage.json"
# File names a form's table can have; other CSV files in the folder (copies, exports) are not the store's.
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

_RECEIVED_AT = {"name": "mottagen", "type": "datetime", "title": "Mottagen",
                "description": "När raden togs emot (UTC).", "constraints": {"required": True}}
_RECEIVED_ON = {"name": "mottagen", "type": "date", "title": "Mottagen",
                "description": "Dagen då svaret togs emot (UTC); anonyma svar sparar inte klockslaget.",
                "constraints": {"required": True}}
_STAMP_FIELDS = [
    {"name": "kvitto", "type": "string", "title": "Kvitto",
     "description": "Kvittonumret avsändaren fick.",
     "constraints": {"required": True, "unique": True, "pattern": "SIP-[0-9]{4}-[0-9A-Z]{6}"}},
    {"name": "version", "type": "integer", "title": "Version",
     "description": "1 för första svaret för en nyckel, sedan +1 för varje nytt svar.",
     "constraints": {"required": True, "minimum": 1}},
    {"name": "kanal", "type": "string", "title": "Kanal",
     "description": "Hur raden kom in: webb (webbformuläret) eller import (mall eller fil).",
     "constraints": {"required": True, "enum": list(CHANNELS)}},
]


def resource(form: Form) -> dict:
    """The data-package resource of one form's CSV: its fields, then the system columns."""
    # UI hints belong to the form, not the store; rows are identified by their receipt.
    fields = [{k: v for k, v in field.items() if not k.startswith("sip:")} for field in form.descriptor["fields"]]
    fields += [_RECEIVED_ON if form.anonymous else _RECEIVED_AT, *_STAMP_FIELDS]
    return {
        "name": form.id,
        "path": f"{form.id}.csv",
        "profile": "tabular-data-resource",
        "title": form.descriptor.get("title", form.id),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "schema": {"fields": fields, "primaryKey": ["kvitto"]},
    }


def package(data_dir: Path) -> dict:
    """The descriptor of every form table in the folder."""
    tables = sorted(p.stem for p in data_dir.glob("*.csv") if _TABLE_NAME.match(p.stem))
    return {
        "name": "sip-uppfoljning",
        "title": "SIP-uppföljning: inkomna svar",
        "profile": "tabular-data-package",
        "resources": [resource(load_form(form_id)) for form_id in tables],
    }


def write_package(data_dir: Path) -> None:
    """Write datapackage.json when it differs from what the schemas say (metadata may be replaced)."""
    target = data_dir / PACKAGE_NAME
    text = json.dumps(package(data_dir), ensure_ascii=False, indent=2) + "\n"
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return
    replace_file(target, text)

"""The store's `datapackage.json`, derived from the form schemas so that stock Frictionless can check it.

It describes every form whose table is in the folder; other files there (a coordinator's own
`lankar.csv`, a copy, an export) are no part of the store: they are left alone and named once in
the log. It is written when a form's table is first stored, or when the description of a form's
table differs from what the file says (checked once per process and form, and again when the file
changed on disk): never on every post. Edit the schemas in forms/, never this file.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from backoffice.forms.schema import Form, form_ids, load_form
from backoffice.store.answers import REASON_LIMIT
from backoffice.store.disk import replace_file
from backoffice.store.rows import CHANNELS

PACKAGE_NAME = "datapackage.json"
log = logging.getLogger("sip.store")
_RECEIPT_PATTERN = "SIP-[0-9]{4}-[0-9A-Z]{6}"

_RECEIVED_AT = {"name": "mottagen", "type": "datetime", "title": "Mottagen",
                "description": "När raden togs emot (UTC).", "constraints": {"required": True}}
_RECEIVED_ON = {"name": "mottagen", "type": "date", "title": "Mottagen",
                "description": "Dagen då svaret togs emot (UTC); anonyma svar sparar inte klockslaget.",
                "constraints": {"required": True}}
_STAMP_FIELDS = [
    {"name": "kvitto", "type": "string", "title": "Kvitto",
     "description": "Kvittonumret avsändaren fick.",
     "constraints": {"required": True, "unique": True, "pattern": _RECEIPT_PATTERN}},
    {"name": "version", "type": "integer", "title": "Version",
     "description": "1 för ett svars första version, sedan +1 för varje ny version av samma svar.",
     "constraints": {"required": True, "minimum": 1}},
    {"name": "kanal", "type": "string", "title": "Kanal",
     "description": "Hur raden kom in: webb (webbformuläret), import (mall eller fil) eller samordnare "
                    "(en rättelse eller återkallelse av SIP-samordnaren).",
     "constraints": {"required": True, "enum": list(CHANNELS)}},
    {"name": "avser", "type": "string", "title": "Avser",
     "description": "Kvittot för den första versionen av svaret som raden är en version av (radens eget "
                    "kvitto för en första version).",
     "constraints": {"required": True, "pattern": _RECEIPT_PATTERN}},
    {"name": "status", "type": "string", "title": "Status",
     "description": "Tomt för ett vanligt svar; återkallad när samordnaren har återkallat svaret (det "
                    "räknas då som inte lämnat).",
     "constraints": {"enum": ["återkallad"]}},
    {"name": "orsak", "type": "string", "title": "Orsak",
     "description": "Samordnarens skäl till en rättelse eller återkallelse (tomt för andra rader).",
     "constraints": {"maxLength": REASON_LIMIT}},
]
# What was checked in this process: (folder, form) → (the form's resource, datapackage.json's stat).
_checked: dict[tuple[str, str], tuple[str, tuple | None]] = {}
_reported: set[tuple[str, str]] = set()


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


def _on_disk(target: Path) -> list[dict]:
    try:
        resources = json.loads(target.read_text(encoding="utf-8")).get("resources", [])
    except (OSError, ValueError, AttributeError):
        return []  # missing or damaged: it is derived, so it is written again in full
    return [r for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)]


def package(data_dir: Path) -> dict:
    """The descriptor of every form table in the folder (a table whose form was removed keeps its old entry)."""
    data_dir = Path(data_dir)
    known = set(form_ids())
    resources = {form_id: resource(load_form(form_id)) for form_id in known if (data_dir / f"{form_id}.csv").exists()}
    for old in _on_disk(data_dir / PACKAGE_NAME):
        if old["name"] not in known and (data_dir / f"{old['name']}.csv").exists():
            resources[old["name"]] = old
    _report_foreign(data_dir, known | set(resources))
    return {
        "name": "sip-uppfoljning",
        "title": "SIP-uppföljning: inkomna svar",
        "profile": "tabular-data-package",
        "resources": [resources[name] for name in sorted(resources)],
    }


def _report_foreign(data_dir: Path, tables: set[str]) -> None:
    for path in sorted(data_dir.glob("*.csv")):
        if path.stem not in tables and (str(data_dir), path.name) not in _reported:
            _reported.add((str(data_dir), path.name))
            log.info("Lagret: %s hör inte till någon blankett och lämnas orörd (den ingår inte i lagret).", path)


def _stat(target: Path) -> tuple | None:
    try:
        stat = os.stat(target)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


_described: dict[Form, str] = {}


def declare(data_dir: Path, form: Form) -> None:
    """Make datapackage.json describe the form's table, writing it only when it differs (hold the store's lock)."""
    data_dir = Path(data_dir)
    target = data_dir / PACKAGE_NAME
    wanted = _described.get(form)
    if wanted is None:  # a Form never changes (an edited schema is a new Form): described once
        wanted = _described[form] = json.dumps(resource(form), sort_keys=True)
    if _checked.get((str(data_dir), form.id)) == (wanted, _stat(target)):
        return
    text = json.dumps(package(data_dir), ensure_ascii=False, indent=2) + "\n"
    try:
        current = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current != text:
        replace_file(target, text)
    _checked[(str(data_dir), form.id)] = (wanted, _stat(target))


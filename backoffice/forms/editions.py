"""An edition's own version of the forms: which forms it uses, which questions it does not ask, its wording.

Declared in the edition's file (`data/editions/<id>.yaml`), so a question about a system the
organisation does not use is never asked, validated, templated, stored or counted there:

    forms:                          # the forms this edition uses (absent: every form in forms/)
      arsuppfoljning:
        omit: [sip_kunnig_utsedd]   # questions this organisation does not ask
        fields:                     # this organisation's wording of a question
          inom_tre_veckor: {title: "…", description: "…", hint: "…"}
      avvikelse: {}
"""
from __future__ import annotations

import copy
from typing import Any

from backoffice.errors import SipError

TEXT_KEYS = ("title", "description")
UI_TEXT_KEYS = ("hint", "placeholder")


class EditionFormError(SipError):
    """An edition's form settings that cannot be applied; the message names the edition and the form."""


def edition_forms() -> tuple[str, dict[str, Any] | None]:
    """(the edition's id, its `forms` section, or None when it uses every form unchanged)."""
    from backoffice.edition import EditionError, edition_id, load_edition

    try:
        edition = load_edition()
    except EditionError:
        return edition_id(), None  # a checkout without editions: the forms as written
    forms = edition.data.get("forms")
    return edition.id, (dict(forms) if isinstance(forms, dict) else None)


def adapt(descriptor: dict, settings: dict | None, where: str) -> dict:
    """The schema as this edition uses it: omitted questions removed, its own wording applied."""
    if not settings:
        return descriptor
    descriptor = copy.deepcopy(descriptor)
    names = [f["name"] for f in descriptor["fields"]]
    omit = set(settings.get("omit") or ())
    unknown = sorted(omit.union(settings.get("fields") or {}) - set(names))
    if unknown:
        raise EditionFormError(f"{where}: fältet {', '.join(unknown)} finns inte i blanketten.")
    info = descriptor.get("sip:form") or {}
    protected = omit & (set(info.get("key") or ()) | set(info.get("one_of") or ()))
    if protected:
        raise EditionFormError(f"{where}: {', '.join(sorted(protected))} identifierar ett svar och kan inte utelämnas.")
    descriptor["fields"] = [f for f in descriptor["fields"] if f["name"] not in omit]
    for field in descriptor["fields"]:
        for key, value in (settings.get("fields") or {}).get(field["name"], {}).items():
            if key in TEXT_KEYS:
                field[key] = str(value)
            elif key in UI_TEXT_KEYS:
                field.setdefault("sip:ui", {})[key] = str(value)
            else:
                raise EditionFormError(f"{where}: {field['name']}.{key} kan inte ändras av en utgåva "
                                       f"(bara {', '.join(TEXT_KEYS + UI_TEXT_KEYS)}).")
    if info:
        info = descriptor["sip:form"]
        info["free_text"] = [n for n in info.get("free_text") or () if n not in omit]
        # A rule about a question that is not asked has nothing to check.
        info["rules"] = [r for r in info.get("rules") or () if not _mentions(r, omit)]
    return descriptor


def _mentions(rule: dict, omitted: set) -> bool:
    named = set((rule.get("if") or {}).keys()) | set((rule.get("then") or {}).keys())
    if rule.get("not_after_today"):
        named.add(rule["not_after_today"])
    return bool(named & omitted)

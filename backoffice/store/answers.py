"""The coordinator's new versions of an answer: a correction or a withdrawal, never a rewrite.

Both stores build them here, from the answer's latest version: a correction carries the corrected
values, a withdrawal the latest values with `status` = `återkallad` (the answer then counts as not
given, until a later correction restores it). Both carry the coordinator's reason (`orsak`),
which the personal-data guard reads like every free-text field, and come on the channel
`samordnare`. The values are checked against the form by the caller (as every append's are).
"""
from __future__ import annotations

from typing import Mapping

from backoffice.errors import InvalidData
from backoffice.forms.schema import Form
from backoffice.store.rows import StoreError, clean
from backoffice.store.versions import is_withdrawn

REASON_LIMIT = 1000


class AnswerNotFound(StoreError):
    """No stored row of the form has the receipt that names the answer."""

    def __init__(self, form_id: str, kvitto: str):
        super().__init__(f"Det finns inget svar med kvittot {kvitto} i blanketten {form_id}. Kontrollera "
                         "kvittonumret.")


class VersionRefused(InvalidData):
    """A correction or withdrawal that cannot be stored as asked; nothing was stored (Swedish message)."""


def check_reason(reason: str | None) -> str:
    """The reason, cleaned; VersionRefused when it is missing, too long or holds personal data."""
    from backoffice.validation.checks import personal_data_message
    from backoffice.validation.guard import find_personal_data

    text = clean(reason).strip()
    if not text:
        raise VersionRefused("Skriv varför svaret rättas eller återkallas (orsak). Ingenting har sparats.")
    if len(text) > REASON_LIMIT:
        raise VersionRefused(f"Orsaken är {len(text)} tecken lång; den får vara högst {REASON_LIMIT} tecken. "
                             "Ingenting har sparats.")
    kinds = find_personal_data(text)
    if kinds:
        raise VersionRefused(f"Orsaken: {personal_data_message(kinds)} Ingenting har sparats.")
    return text


def corrected(form: Form, latest: Mapping[str, str], record: Mapping[str, object]) -> dict[str, str]:
    """The values of a correction: the record's, with fields it leaves out kept from the latest version.

    For a form with a key, the key stays: a correction is a new version of the same answer (an
    answer for the wrong school is withdrawn, and the right school answers).
    """
    values = {name: clean(record[name]) if name in record else latest.get(name, "") for name in form.field_names}
    moved = [name for name in form.key if values[name].strip() != str(latest.get(name, "")).strip()]
    if moved:
        raise VersionRefused(
            f"En rättelse kan inte ändra {', '.join(moved)}: det är svarets nyckel. Återkalla svaret i stället, "
            "och be skolan svara på nytt med rätt uppgifter. Ingenting har sparats.")
    unchanged = all(values[name] == latest.get(name, "") for name in form.field_names)
    if unchanged and not is_withdrawn(latest):
        raise VersionRefused("Rättelsen ändrar ingenting i svaret; ingenting har sparats.")
    return values


def withdrawn(latest: Mapping[str, str], form: Form) -> dict[str, str]:
    """The values of a withdrawal: the latest version's, unchanged (only the status says it is withdrawn)."""
    if is_withdrawn(latest):
        raise VersionRefused(f"Svaret med kvittot {latest.get('avser') or latest.get('kvitto')} är redan "
                             "återkallat; ingenting har sparats.")
    return {name: latest.get(name, "") for name in form.field_names}


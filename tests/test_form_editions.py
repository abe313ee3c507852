"""An edition's own version of a form: questions it does not ask are gone everywhere, its wording used."""
from __future__ import annotations

import pytest

from backoffice.config import forms_dir
from backoffice.forms.editions import EditionFormError
from backoffice.forms.schema import _read_form
from backoffice.validation.checks import build_checks


def form(form_id, settings):
    return _read_form(form_id, forms_dir() / f"{form_id}.schema.yaml", settings, "prov")


def test_an_omitted_question_is_not_in_the_form_nor_in_its_rules():
    annual = form("arsuppfoljning", {"omit": ["sip_kunnig_utsedd", "avvikelser_utredda"]})
    assert "sip_kunnig_utsedd" not in annual.field_names
    assert "avvikelser_utredda" not in annual.field_names
    assert [f.name for f in annual.schema.fields] == list(annual.field_names)
    # Both rules were about the count that is no longer asked: nothing left to check.
    assert annual.rules == ()
    assert not any(type(c).__name__.startswith("FormRule") for c in build_checks(annual, frozenset()))


def test_an_edition_words_a_question_its_own_way():
    meeting = form("motesrapport", {"fields": {"inom_tre_veckor": {
        "title": "Hölls mötet en fredag inom tre veckor (Gävleborgs rutin)?", "hint": "Enligt överenskommelsen i Gävleborg."}}})
    field = meeting.field("inom_tre_veckor")
    assert field.title == "Hölls mötet en fredag inom tre veckor (Gävleborgs rutin)?"
    assert meeting.ui("inom_tre_veckor")["hint"] == "Enligt överenskommelsen i Gävleborg."


@pytest.mark.parametrize("settings, message", [
    ({"omit": ["finns_inte"]}, "fältet finns_inte finns inte i blanketten"),
    ({"omit": ["skolenhetskod"]}, "identifierar ett svar och kan inte utelämnas"),
    ({"fields": {"behov": {"constraints": {}}}}, "kan inte ändras av en utgåva"),
])
def test_settings_that_cannot_apply_are_refused_in_swedish(settings, message):
    with pytest.raises(EditionFormError, match=message):
        form("arsuppfoljning", settings)

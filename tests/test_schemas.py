"""The form schemas: the field contract, Swedish texts, UI hints and Frictionless' own metadata check."""
import copy
import frictionless
import pytest
import yaml

from backoffice.forms import schema as schemas

CONTRACT = {
    "arsuppfoljning": [
        "skolenhetskod", "lasar", "sip_initierade", "sip_deltagit", "behov",
        "avvikelse_utredd", "avvikelser_utredda", "sip_kunnig_utsedd",
    ],
    "avvikelse": [
        "skolenhetskod", "datum", "kategori", "berorda_verksamheter", "lost_i_chefslinjen",
        "handelseanalys", "rapporterad_medcontrol", "beskrivning",
    ],
    "stickprov": [
        "skolenhetskod", "lasar", "dokument_nr", "arendetyp", "samtycke_dokumenterat",
        "samtycke_avgransat", "barnets_delaktighet", "huvudansvarig_namngiven",
        "insatser_med_ansvarig", "mal_kort_sikt", "mal_lang_sikt", "uppfoljning_tid_plats",
        "ratt_arendetyp",
    ],
    "motesrapport": [
        "skolenhetskod", "organisation", "datum", "sammankallande", "antal_verksamheter",
        "alla_kallade_deltog", "ersattare_skickades", "barnet_deltog", "vardnadshavare_deltog",
        "inom_tre_veckor", "huvudansvarig_utsedd", "uppfoljning_bokad", "mal_kort_sikt", "mal_lang_sikt",
    ],
    "delaktighet": [
        "skolenhetskod", "organisation", "lasar", "svarande", "blev_lyssnad", "forstod_beslut",
        "utgar_fran_behov", "vet_vem_kontakta", "kandes_tryggt", "kommentar",
    ],
}
WIDGETS = {"radio", "select", "checkboxes", "textarea", "number", "date", "text"}


def test_form_ids_are_the_five_forms():
    assert schemas.form_ids() == ["arsuppfoljning", "avvikelse", "delaktighet", "motesrapport", "stickprov"]


@pytest.mark.parametrize("form_id", sorted(CONTRACT))
def test_schema_passes_frictionless_metadata_validation(form_id):
    path = schemas.schema_path(form_id)
    report = frictionless.Schema.validate_descriptor(yaml.safe_load(path.read_text("utf-8")))
    assert report.valid, [error.message for error in report.errors]


def test_metadata_validation_would_catch_a_broken_schema():
    # Guards the test above: a field with an unknown type must be reported.
    descriptor = copy.deepcopy(schemas.load_form("avvikelse").descriptor)  # never change the shared one
    descriptor["fields"][0]["type"] = "nonsense"
    assert not frictionless.Schema.validate_descriptor(descriptor).valid


@pytest.mark.parametrize("form_id", sorted(CONTRACT))
def test_field_names_are_the_data_contract(form_id):
    assert schemas.load_form(form_id).schema.field_names == CONTRACT[form_id]


@pytest.mark.parametrize("form_id", sorted(CONTRACT))
def test_every_field_has_swedish_title_description_and_ui_hints(form_id):
    for field in schemas.load_form(form_id).schema.fields:
        assert field.title and field.description, field.name
        ui = schemas.ui_hints(field)
        assert ui["widget"] in WIDGETS, field.name
        assert ui["group"] and ui["hint"], field.name
        # Only the one namespaced key carries custom metadata.
        assert set(field.custom) <= {"sip:ui", "sip:list"}, field.name


@pytest.mark.parametrize(
    "form_id, key",
    [
        ("arsuppfoljning", ["skolenhetskod", "lasar"]),
        ("stickprov", ["skolenhetskod", "lasar", "dokument_nr"]),
        ("avvikelse", []),
    ],
)
def test_form_key_and_primary_key(form_id, key):
    assert list(schemas.load_form(form_id).key) == key
    assert schemas.load_form(form_id).schema.primary_key == key


def test_form_level_texts():
    for form_id in CONTRACT:
        info = schemas.load_form(form_id).descriptor["sip:form"]
        assert info["title"] == schemas.load_form(form_id).title
        assert "personnummer" in info["intro"]
        for name in info["free_text"]:
            assert schemas.load_form(form_id).schema.get_field(name).type == "string"
    assert list(schemas.load_form("arsuppfoljning").free_text) == ["behov"]
    assert list(schemas.load_form("avvikelse").free_text) == ["beskrivning"]


def test_yes_no_fields_and_conditional_field():
    schema = schemas.load_form("arsuppfoljning").schema
    assert schema.get_field("avvikelse_utredd").constraints["enum"] == ["ja", "nej"]
    hints = schemas.ui_hints(schema.get_field("avvikelser_utredda"))
    assert hints["show_if"] == {"avvikelse_utredd": "ja"}
    assert schema.get_field("behov").constraints["maxLength"] == 2000


def test_multi_valued_field_lists_its_values_and_pattern_agrees():
    import re

    field = schemas.load_form("avvikelse").schema.get_field("berorda_verksamheter")
    spec = schemas.list_spec(field)
    assert spec["separator"] == ","
    assert spec["values"] == [
        "skola", "elevhälsa", "förskola", "socialtjänst", "BUP", "habilitering", "primärvård", "annan",
    ]
    pattern = re.compile(field.constraints["pattern"])
    assert pattern.fullmatch(", ".join(spec["values"]))
    assert pattern.fullmatch("skola;BUP")
    assert not pattern.fullmatch("skola, polisen")
    assert schemas.split_list("skola; BUP ,elevhälsa") == ["skola", "BUP", "elevhälsa"]


def test_unknown_form_has_a_swedish_message_listing_the_forms():
    with pytest.raises(schemas.UnknownFormError) as info:
        schemas.load_form("arsupföljning").schema
    assert "Det finns ingen blankett som heter ”arsupföljning”" in str(info.value)
    assert "arsuppfoljning, avvikelse, delaktighet, motesrapport, stickprov" in str(info.value)

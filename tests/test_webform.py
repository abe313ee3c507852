"""The form renderer: what the schema says becomes the right controls, labels and error links."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import yaml

from backoffice.config import FORMS_DIR
from backoffice.forms.webform import Binding, FieldError, FormState, render_form


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each legend/label."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.texts, self._open = [], {"legend": [], "label": []}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.texts:
            self._open.append([tag, ""])

    def handle_data(self, data):
        for item in self._open:
            item[1] += data

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            kind, text = self._open.pop()
            self.texts[kind].append(" ".join(text.split()))

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def schema(form_id):
    with open(FORMS_DIR / f"{form_id}.schema.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_every_question_of_the_deviation_form_becomes_its_control():
    page = Elements(render_form("avvikelse"))
    fields = {f["name"]: f for f in schema("avvikelse")["fields"]}
    # Groups in the order they first appear, each exactly once.
    legends = [t for t in page.texts["legend"] if t in {"Var och när", "Avvikelsen", "Hantering"}]
    assert legends == ["Var och när", "Avvikelsen", "Hantering"]
    assert page.find("input", name="datum", type="date")
    options = [a["value"] for a in page.find("option") if a.get("value")]
    assert options == fields["kategori"]["constraints"]["enum"]
    boxes = [a["value"] for a in page.find("input", name="berorda_verksamheter", type="checkbox")]
    assert boxes == fields["berorda_verksamheter"]["sip:list"]["values"]
    assert [a["value"] for a in page.find("input", name="lost_i_chefslinjen", type="radio")] == ["ja", "nej", "pågår"]
    (area,) = page.find("textarea", name="beskrivning")
    assert area["maxlength"] == "1000"
    # The school comes from the link: no input for it.
    assert not page.find("input", name="skolenhetskod")


def test_labels_hints_and_required_marks_come_from_the_schema():
    html = render_form("arsuppfoljning")
    page = Elements(html)
    fields = {f["name"]: f for f in schema("arsuppfoljning")["fields"]}
    (count,) = page.find("input", name="sip_initierade")
    # A text input with the numeric keyboard: a number input would send "" for "1e", never "1e".
    assert (count["type"], count["inputmode"], count["aria-required"]) == ("text", "numeric", "true")
    label = next(t for t in page.texts["label"] if t.startswith(fields["sip_initierade"]["title"]))
    assert label.endswith("(obligatorisk)")
    assert fields["sip_initierade"]["sip:ui"]["hint"] in html
    assert count["aria-describedby"] == "f-sip_initierade-hint"
    (wrapper,) = page.find("div", id="falt-avvikelser_utredda")
    assert (wrapper["data-show-if"], wrapper["data-show-value"]) == ("avvikelse_utredd", "ja")
    assert "Svara bara om du har svarat ja" in html  # for readers without JavaScript


def test_errors_link_from_the_summary_and_values_are_kept():
    state = FormState(
        values={"sip_initierade": "-1", "behov": "<b>text</b>", "avvikelse_utredd": "ja"},
        errors=[FieldError("sip_initierade", "Värdet är för litet."), FieldError("avvikelse_utredd", "Svara ja eller nej.")],
        binding=Binding("40526633", "Algebraskolan", "2025/26"), token="t", csrf="c")
    html = render_form("arsuppfoljning", state)
    summary = html.split('class="sip-error-summary"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', summary) == ["f-sip_initierade", "f-avvikelse_utredd-0"]
    page = Elements(html)
    (count,) = page.find("input", name="sip_initierade")
    assert count["value"] == "-1" and count["aria-invalid"] == "true"
    assert count["aria-describedby"] == "f-sip_initierade-hint f-sip_initierade-error"
    assert "&lt;b&gt;text&lt;/b&gt;</textarea>" in html  # kept, and escaped
    (yes,) = page.find("input", name="avvikelse_utredd", value="ja")
    (no,) = page.find("input", name="avvikelse_utredd", value="nej")
    assert "checked" in yes and "checked" not in no
    assert "Algebraskolan (skolenhetskod 40526633)" in html
    assert page.find("input", type="hidden", name="lank", value="t")

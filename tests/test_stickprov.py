"""The documentation audit's statistics: requirements from the schema, compliance against plain loops."""
from __future__ import annotations

import pytest

from backoffice.forms.schema import load_form
from backoffice.statistics import stickprov
from backoffice.statistics.compiler import compile_statistics
from stats_support import LASAR, REQUIREMENTS, SCHOOL_ROWS, STICKPROV, latest_by, register


@pytest.fixture(scope="module")
def stats():
    return compile_statistics(LASAR, register(), SCHOOL_ROWS)


def test_requirements_come_from_the_schema():
    requirements = stickprov.requirements(load_form("stickprov"))
    assert [r.field for r in requirements] == REQUIREMENTS
    assert requirements[0].title == "Är samtycket dokumenterat?"
    # The trend reads exactly these of other years' documents.
    assert stickprov.trend_fields(load_form("stickprov")) == tuple(REQUIREMENTS)


def test_audit_compliance_per_requirement_and_school(stats):
    docs = [r for r in latest_by(STICKPROV, ("skolenhetskod", "lasar", "dokument_nr")) if r["lasar"] == LASAR]
    assert stats.audit.dokument == len(docs) == 3
    for req in stats.audit.per_krav:
        assert req.granskade == len(docs)
        assert req.uppfyllda == sum(d[req.field].lower() == "ja" for d in docs)
    met = sum(d[f].lower() == "ja" for d in docs for f in REQUIREMENTS)
    assert stats.audit.andel == pytest.approx(met / (len(docs) * len(REQUIREMENTS)))
    assert stats.audit.helt_uppfyllda == sum(all(d[f].lower() == "ja" for f in REQUIREMENTS) for d in docs)
    angs = next(s for s in stats.schools if s.skolenhetskod == "10000001")
    angs_docs = [d for d in docs if d["skolenhetskod"] == "10000001"]
    assert angs.stickprov_dokument == 2
    assert angs.stickprov_uppfyllda == sum(d[f].lower() == "ja" for d in angs_docs for f in REQUIREMENTS)


def test_case_types_are_counted(stats):
    docs = [r for r in latest_by(STICKPROV, ("skolenhetskod", "lasar", "dokument_nr")) if r["lasar"] == LASAR]
    counted = {c.namn: c.antal for c in stats.audit.per_arendetyp}
    assert counted == {kind: sum(d["arendetyp"] == kind for d in docs) for kind in {d["arendetyp"] for d in docs}}

"""Who has answered a school year: the same answer from plain rows, a table file and the store's index."""
from __future__ import annotations

from backoffice import followup
from backoffice.forms.schema import load_form
from backoffice.store.files import FileStore, read_rows
from test_store import ANSWER, DEVIATION


def test_a_withdrawn_answer_does_not_count_and_a_later_version_restores_it():
    form = load_form("arsuppfoljning")
    rows = [
        dict(ANSWER, mottagen="2025-10-01T08:00:00Z", kvitto="K1", version="1", avser="K1", status=""),
        dict(ANSWER, skolenhetskod="66906957", mottagen="2025-10-02T08:00:00Z", kvitto="K2", version="1",
             avser="K2", status=""),
        dict(ANSWER, mottagen="2025-11-01T08:00:00Z", kvitto="K3", version="2", avser="K1", status="återkallad"),
    ]
    assert list(followup.answers_by_school(form, rows, "2025/26")) == ["66906957"]
    assert followup.missing({"40526633": 1, "66906957": 1, "10000001": 1},
                            followup.answers_by_school(form, rows, "2025/26")) == ["40526633", "10000001"]
    rows.append(dict(ANSWER, mottagen="2025-12-01T08:00:00Z", kvitto="K4", version="3", avser="K1", status=""))
    answered = followup.answers_by_school(form, rows, "2025/26")
    assert (answered["40526633"].rows, answered["40526633"].latest_receipt) == (1, "K4")


def test_rows_of_a_table_file_without_system_columns_count_as_they_are():
    form = load_form("avvikelse")
    rows = [dict(DEVIATION), dict(DEVIATION, datum="2025-08-20"), dict(DEVIATION, skolenhetskod="66906957")]
    answered = followup.answers_by_school(form, rows, "2024/25")
    assert {code: entry.rows for code, entry in answered.items()} == {"40526633": 1, "66906957": 1}
    assert followup.answers_by_school(form, rows, "2025/26")["40526633"].rows == 1


def test_the_latest_version_decides_the_school_year():
    # A report dated in June, corrected to a date in August: it counts in the new school year only.
    form = load_form("avvikelse")
    rows = [dict(DEVIATION, datum="2025-06-30", kvitto="A", avser="A", version="1", mottagen="2025-07-01T08:00:00Z"),
            dict(DEVIATION, datum="2025-08-20", kvitto="B", avser="A", version="2", mottagen="2025-08-21T08:00:00Z")]
    assert followup.answers_by_school(form, rows, "2024/25") == {}
    assert followup.answers_by_school(form, rows, "2025/26")["40526633"].latest_receipt == "B"


def test_answered_asks_the_store_and_agrees_with_its_rows(tmp_path):
    store = FileStore(tmp_path)
    form = load_form("arsuppfoljning")
    (first,) = store.append("arsuppfoljning", [ANSWER])
    store.append("arsuppfoljning", [dict(ANSWER, skolenhetskod="66906957"), dict(ANSWER, lasar="2024/25")])
    store.withdraw("arsuppfoljning", first.kvitto, "Svaret gällde en annan skola.")
    for lasar in ("2024/25", "2025/26"):
        from_rows = followup.answers_by_school(form, read_rows(tmp_path, "arsuppfoljning"), lasar)
        assert followup.answered(store, form, lasar) == from_rows
    assert list(followup.answered(store, form, "2025/26")) == ["66906957"]

    class TableFile:  # anything with read_rows, like a table file read into memory
        def read_rows(self, form_id):
            return [dict(ANSWER)]
    assert list(followup.answered(TableFile(), form, "2025/26")) == ["40526633"]

"""Validation of tables and web-form records: every kind of error found at the right row and column."""
import datetime as dt

import pytest

from backoffice.forms import schema as schemas
from backoffice.validation import sources
from backoffice.validation.table import Problem, validate_records, validate_table
from validate_support import FIXTURES, fixture

BEHOV_ROW_2 = "Mer tid för samordning och en gemensam rutin på skolan."


@pytest.mark.parametrize("name, sheet", [
    ("arsuppfoljning-excel-ansi.csv", None),   # ; cp1252 CRLF, headers in other case, "Läsår" as title
    ("arsuppfoljning-excel-utf8.csv", None),   # ; UTF-8 with BOM, CRLF
    ("arsuppfoljning-utf8-komma.csv", None),   # , plain UTF-8, LF
    ("uppfoljning.xlsx", None),                # first sheet
    ("uppfoljning.xlsx", "Årsuppföljning"),
])
def test_valid_annual_tables(name, sheet):
    result = validate_table(fixture(name), "arsuppfoljning", sheet=sheet)
    assert result.problems == []
    assert result.rows == 5
    assert [row["skolenhetskod"] for row in result.valid_rows] == [
        "40526633", "66906957", "42558944", "19582003", "85656343"]
    first = result.valid_rows[0]
    # Swedish letters come out right whatever the encoding (Frictionless alone guesses cp1255 for ANSI).
    assert first["behov"] == BEHOV_ROW_2
    assert result.valid_rows[4]["behov"] == "Återkoppling från BUP när kallelsen inte besvaras."
    # Yes/no in any case is stored as ja/nej; numbers as written.
    assert [row["avvikelse_utredd"] for row in result.valid_rows] == ["ja", "nej", "ja", "nej", "nej"]
    assert [row["sip_kunnig_utsedd"] for row in result.valid_rows] == ["ja", "ja", "nej", "nej", "ja"]
    assert first["sip_initierade"] == "4" and result.valid_rows[1]["avvikelser_utredda"] == ""


def test_windows_1252_is_decided_not_guessed():
    table = sources.open_table(fixture("arsuppfoljning-excel-ansi.csv"))
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.labels[1] == " Läsår "
    bom = sources.open_table(fixture("arsuppfoljning-excel-utf8.csv"))
    assert (bom.encoding, bom.delimiter) == ("utf-8-sig", ";")
    assert bom.labels[0] == "skolenhetskod"  # no BOM left in the first header
    comma = sources.open_table(fixture("arsuppfoljning-utf8-komma.csv"))
    assert (comma.encoding, comma.delimiter) == ("utf-8", ",")


@pytest.mark.parametrize("encoding, excel_name", [
    ("cp850", "CSV (MS-DOS)"),
    ("mac_roman", "CSV (Macintosh)"),
])
def test_other_code_pages_excel_saves_keep_swedish_letters(tmp_path, encoding, excel_name):
    # Every byte decodes in Windows-1252 too ("Mer tid f”r" for cp850), so nothing would fail loudly.
    text = fixture("arsuppfoljning-excel-ansi.csv").read_bytes().decode("cp1252")
    path = tmp_path / "svar.csv"
    path.write_bytes(text.encode(encoding))
    assert sources.open_table(path).encoding == encoding
    result = validate_table(path, "arsuppfoljning")
    assert result.problems == []
    assert result.valid_rows[0]["behov"] == BEHOV_ROW_2
    assert result.valid_rows[4]["behov"] == "Återkoppling från BUP när kallelsen inte besvaras."


def test_windows_1252_with_typographic_quotes_stays_windows_1252(tmp_path):
    # ” and „ are bytes that cp850 reads as ö and ä; the many real å ä ö still decide.
    text = fixture("arsuppfoljning-excel-ansi.csv").read_bytes().decode("cp1252")
    path = tmp_path / "citat.csv"
    path.write_bytes(text.replace("Mer tid", "”Mer tid” och „stöd”").encode("cp1252"))
    assert sources.open_table(path).encoding == "cp1252"
    assert validate_table(path, "arsuppfoljning").valid_rows[0]["behov"].startswith("”Mer tid” och „stöd”")
    # Even with no å ä ö at all: quotes, an ellipsis and a euro sign are not letters of another code page.
    plain = tmp_path / "utan-bokstaver.csv"
    rows = ["skolenhetskod;lasar;sip_initierade;sip_deltagit;behov;avvikelse_utredd;avvikelser_utredda;sip_kunnig_utsedd",
            "40526633;2025/26;1;1;”Mer tid” … 500 € per termin;nej;;ja"]
    plain.write_bytes("\r\n".join(rows).encode("cp1252"))
    assert validate_table(plain, "arsuppfoljning").valid_rows[0]["behov"] == "”Mer tid” … 500 € per termin"


def test_valid_deviation_table_normalises_choices_and_lists():
    result = validate_table(fixture("avvikelse-excel-ansi.csv"), "avvikelse", today=dt.date(2026, 1, 1))
    assert result.problems == []
    rows = result.valid_rows
    assert rows[1]["berorda_verksamheter"] == "BUP, elevhälsa"        # written "BUP; elevhälsa"
    assert rows[2]["berorda_verksamheter"] == "skola, socialtjänst, BUP"
    assert rows[2]["kategori"] == "Ingen SIP trots behov"              # written in lower case
    assert rows[3]["lost_i_chefslinjen"] == "ja" and rows[3]["rapporterad_medcontrol"] == "nej"


def test_xlsx_named_sheet_with_real_dates():
    result = validate_table(fixture("uppfoljning.xlsx"), "avvikelse", sheet="Avvikelser")
    assert result.problems == []
    assert [row["datum"] for row in result.valid_rows] == ["2025-03-14", "2025-04-02", "2025-05-20", "2025-06-11"]


AVVIKELSE_HEADER = ["skolenhetskod", "datum", "kategori", "berorda_verksamheter", "lost_i_chefslinjen",
                    "handelseanalys", "rapporterad_medcontrol", "beskrivning"]


def test_xlsx_cells_typed_by_excel(tmp_path):
    """Numbers, dates and booleans as Excel stores them: a code typed as a number keeps all its digits,
    a date cell with a hidden time of day is that day, a serial number without a date format is no date."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(AVVIKELSE_HEADER)
    sheet.append([40526633, dt.datetime(2025, 3, 14), "annat", "skola, bup", "Pågår", "Nej", "JA", None])
    sheet.append([66906957.0, dt.datetime(2025, 4, 2, 10, 30), "Annat", "skola", "ja", "nej", "ja", 1212121212])
    sheet.append([42558944, 45730, "Annat", "skola", "ja", "nej", "ja", ""])
    sheet.cell(row=3, column=2).number_format = "yyyy-mm-dd"
    path = tmp_path / "avvikelser.xlsx"
    workbook.save(path)
    result = validate_table(path, "avvikelse", today=dt.date(2026, 1, 1))
    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (3, "beskrivning", "personal-data"),   # an identity number typed as a number is still found
        (4, "datum", "type-error"),            # Excel shows 45730 here, not a date
    ]
    [row] = result.valid_rows
    assert row["skolenhetskod"] == "40526633" and row["datum"] == "2025-03-14"
    assert (row["kategori"], row["berorda_verksamheter"], row["lost_i_chefslinjen"]) == ("Annat", "skola, BUP", "pågår")
    assert (row["handelseanalys"], row["rapporterad_medcontrol"], row["beskrivning"]) == ("nej", "ja", "")


def test_valid_audit_table():
    result = validate_table(fixture("stickprov-excel-utf8.csv"), "stickprov")
    assert result.problems == [] and result.rows == 3
    assert result.valid_rows[2]["arendetyp"] == "skolan kallar"


# One file per kind of error: (file, form, [(row, column name, code)], text the message must contain)
ERROR_FILES = [
    ("fel-heltal.csv", "arsuppfoljning", [(3, "sip_initierade", "type-error")], "inte ett heltal"),
    ("fel-negativt-tal.csv", "arsuppfoljning", [(4, "sip_deltagit", "constraint-error")], "inte vara mindre än 0"),
    ("fel-saknat-varde.csv", "arsuppfoljning", [(5, "sip_kunnig_utsedd", "constraint-error")], "Värdet saknas"),
    ("fel-ja-nej.csv", "arsuppfoljning", [(2, "avvikelse_utredd", "constraint-error")], "Skriv ett av: ja, nej"),
    ("fel-skolenhetskod-form.csv", "arsuppfoljning", [(6, "skolenhetskod", "constraint-error")], "åtta siffror"),
    ("fel-okand-skola.csv", "arsuppfoljning", [(4, "skolenhetskod", "unknown-school")], "finns inte i skolregistret"),
    ("fel-lasar-foljd.csv", "arsuppfoljning", [(3, "lasar", "school-year")], "andra år följer inte"),
    ("fel-lasar-form.csv", "arsuppfoljning", [(2, "lasar", "constraint-error")], "2025/26"),
    ("fel-antal-saknas-vid-ja.csv", "arsuppfoljning", [(2, "avvikelser_utredda", "conditional-count")], "minst 1"),
    ("fel-antal-vid-nej.csv", "arsuppfoljning", [(3, "avvikelser_utredda", "conditional-count")], "0 eller tomt"),
    ("fel-dubblett.csv", "arsuppfoljning", [(7, None, "primary-key")], "finns redan på rad 3"),
    ("fel-saknad-kolumn.csv", "arsuppfoljning", [(1, "sip_kunnig_utsedd", "missing-label")], "Kolumnen ”sip_kunnig_utsedd”"),
    ("fel-okand-kolumn.csv", "arsuppfoljning", [(1, None, "extra-label")], "Kolumn I har rubriken ”Kommentar”"),
    ("fel-dubbel-kolumn.csv", "arsuppfoljning", [(1, "lasar", "duplicate-label")], "kolumn B, I"),
    ("fel-personnummer.csv", "arsuppfoljning", [(4, "behov", "personal-data")], "personnummer"),
    ("fel-samordningsnummer.csv", "arsuppfoljning", [(4, "behov", "personal-data")], "samordningsnummer"),
    ("fel-epost.csv", "arsuppfoljning", [(2, "behov", "personal-data")], "e-postadress"),
    ("fel-telefon.csv", "arsuppfoljning", [(6, "behov", "personal-data")], "telefonnummer"),
    ("fel-for-lang-text.csv", "arsuppfoljning", [(3, "behov", "constraint-error")], "högst 2000 tecken"),
    ("fel-extra-varden.csv", "arsuppfoljning", [(4, None, "extra-cell")], "från kolumn I"),
    ("fel-varde-utan-rubrik.csv", "arsuppfoljning", [(4, None, "extra-cell")], "ett värde i kolumn C, som saknar rubrik"),
    ("fel-datum-i-framtiden.csv", "avvikelse", [(3, "datum", "future-date")], "i framtiden"),
    ("fel-datum-form.csv", "avvikelse", [(4, "datum", "type-error")], "ÅÅÅÅ-MM-DD"),
    ("fel-kategori.csv", "avvikelse", [(2, "kategori", "constraint-error")], "Kallad verksamhet deltog inte"),
    ("fel-verksamhet.csv", "avvikelse", [(5, "berorda_verksamheter", "list-value")], "Värde nummer 2"),
    ("fel-dokument-nr.csv", "stickprov", [(3, "dokument_nr", "constraint-error")], "1 eller mer"),
]
# Values that must never be repeated in a message.
NEVER_ECHOED = {
    "fel-heltal.csv": "tre", "fel-personnummer.csv": "1212", "fel-samordningsnummer.csv": "1272",
    "fel-epost.csv": "example.se", "fel-telefon.csv": "070", "fel-kategori.csv": "Glömde",
    "fel-verksamhet.csv": "polisen", "fel-varde-utan-rubrik.csv": "kommentar", "fel-okand-skola.csv": "12345678", "fel-ja-nej.csv": "kanske",
}


@pytest.mark.parametrize("name, form_id, expected, text", ERROR_FILES, ids=[e[0] for e in ERROR_FILES])
def test_each_kind_of_error_at_its_row_and_column(name, form_id, expected, text):
    result = validate_table(fixture(name), form_id, today=dt.date(2026, 1, 1))
    assert [(p.row, p.field, p.code) for p in result.problems] == expected
    message = result.problems[0].message
    assert text in message
    assert name not in NEVER_ECHOED or NEVER_ECHOED[name] not in message
    # A bad row is not among the valid rows; the others are.
    code = expected[0][2]
    if code in ("missing-label", "duplicate-label"):
        assert result.valid_rows == []  # without a sure column every row is doubtful
    elif code == "extra-label":
        assert len(result.valid_rows) == result.rows  # the form's own columns are all right
    else:
        assert len(result.valid_rows) == result.rows - 1


def test_every_file_in_the_fixture_folder_is_used():
    used = {e[0] for e in ERROR_FILES} | {
        "arsuppfoljning-excel-ansi.csv", "arsuppfoljning-excel-utf8.csv", "arsuppfoljning-utf8-komma.csv",
        "avvikelse-excel-ansi.csv", "stickprov-excel-utf8.csv", "uppfoljning.xlsx",
        "inte-en-tabell.csv", "tom.csv", "trasig.xlsx", "fel-rubrikrad-saknas.csv"}
    present = {p.name for p in FIXTURES.iterdir() if p.name != "README.md"}
    assert present == used


@pytest.mark.parametrize("name, text", [
    ("inte-en-tabell.csv", "inte en textfil"),
    ("tom.csv", "filen är tom"),
    ("trasig.xlsx", "går inte att öppna som Excel-arbetsbok"),
    ("finns-inte.csv", "filen finns inte"),
])
def test_unusable_inputs_raise_a_swedish_source_error(name, text):
    with pytest.raises(sources.SourceError) as info:
        validate_table(fixture(name), "arsuppfoljning")
    assert text in str(info.value)


def test_a_table_without_its_header_row_gets_one_message_repeating_no_cell():
    result = validate_table(fixture("fel-rubrikrad-saknas.csv"), "arsuppfoljning")
    assert [(p.row, p.field, p.code) for p in result.problems] == [(1, None, "no-header")]
    message = result.problems[0].message
    assert "Ingen rubrik i första raden hör till blanketten arsuppfoljning" in message
    assert "skolenhetskod, lasar, sip_initierade" in message and "lägg till den överst" in message
    for cell in ("40526633", "1212", "070", "Eleven"):
        assert cell not in message
    assert result.valid_rows == []


def test_an_unknown_column_heading_with_personal_data_is_not_repeated(tmp_path):
    path = tmp_path / "rubrik.csv"
    path.write_text(HEADER + ";Kontakt sip-samordnare@example.se\n40526633;2025/26;1;1;;nej;;ja;\n", encoding="utf-8")
    result = validate_table(path, "arsuppfoljning")
    assert [(p.row, p.field, p.code) for p in result.problems] == [(1, None, "extra-label")]
    message = result.problems[0].message
    assert message.startswith("Kolumn I har en rubrik som verkar innehålla personuppgifter (den visas inte här)")
    assert "example.se" not in message and "Kontakt" not in message


def test_unknown_sheet_lists_the_sheets():
    with pytest.raises(sources.SourceError) as info:
        validate_table(fixture("uppfoljning.xlsx"), "avvikelse", sheet="Blad9")
    assert "inget blad som heter ”Blad9”" in str(info.value)
    assert "Årsuppföljning, Avvikelser" in str(info.value)


def test_unknown_form():
    with pytest.raises(schemas.UnknownFormError):
        validate_table(fixture("tom.csv"), "enkät")


HEADER = "skolenhetskod;lasar;sip_initierade;sip_deltagit;behov;avvikelse_utredd;avvikelser_utredda;sip_kunnig_utsedd"


def test_all_errors_are_reported_beyond_frictionless_default_limit(tmp_path):
    path = tmp_path / "manga-fel.csv"
    lines = [HEADER] + [f"40526633;{2000 + i % 90}/{(1 + i % 90) % 100:02d};x;y;;ja;;ja" for i in range(700)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    result = validate_table(path, "arsuppfoljning")
    # Per row: two integer type errors and the missing count (the school years are unique per 90 rows).
    duplicates = [p for p in result.problems if p.code == "primary-key"]
    assert len(duplicates) == 700 - 90
    assert len([p for p in result.problems if p.code == "type-error"]) == 1400
    assert len(result.problems) > 1000


def test_blank_rows_are_skipped_and_row_numbers_stay_as_in_the_spreadsheet(tmp_path):
    path = tmp_path / "tomma-rader.csv"
    lines = [HEADER, "40526633;2025/26;1;1;;nej;;ja", ";;;;;;;", "", "66906957;2025/26;tre;1;;nej;;ja", ";;;;;;;"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    result = validate_table(path, "arsuppfoljning")
    assert result.rows == 2
    assert [(p.row, p.field, p.code) for p in result.problems] == [(5, "sip_initierade", "type-error")]


def test_short_rows_count_as_empty_cells(tmp_path):
    path = tmp_path / "korta.csv"
    path.write_text(HEADER + "\n40526633;2025/26;1;1;;nej\n", encoding="utf-8")
    result = validate_table(path, "arsuppfoljning")
    assert [(p.row, p.field, p.code) for p in result.problems] == [(2, "sip_kunnig_utsedd", "constraint-error")]


def test_future_date_is_relative_to_today(tmp_path):
    today = dt.date(2025, 6, 1)
    path = tmp_path / "datum.csv"
    path.write_text(
        "skolenhetskod,datum,kategori,berorda_verksamheter,lost_i_chefslinjen,handelseanalys,rapporterad_medcontrol,beskrivning\n"
        "40526633,2025-06-01,Annat,skola,ja,nej,nej,\n40526633,2025-06-02,Annat,skola,ja,nej,nej,\n", encoding="utf-8")
    result = validate_table(path, "avvikelse", today=today)
    assert [(p.row, p.code) for p in result.problems] == [(3, "future-date")]


def test_keep_rows_false_collects_nothing():
    result = validate_table(fixture("arsuppfoljning-excel-ansi.csv"), "arsuppfoljning", keep_rows=False)
    assert result.valid_rows == [] and result.rows == 5 and result.problems == []


def _record(**changes):
    record = {"skolenhetskod": "40526633", "lasar": "2025/26", "sip_initierade": "4", "sip_deltagit": "7",
              "behov": "Mer tid.", "avvikelse_utredd": "ja", "avvikelser_utredda": "2", "sip_kunnig_utsedd": "ja"}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def test_records_valid():
    assert validate_records("arsuppfoljning", [_record(), _record(lasar="2024/25", avvikelse_utredd="Nej",
                                                                     avvikelser_utredda="")]) == []


def test_records_get_the_same_messages_as_tables():
    table = validate_table(fixture("fel-heltal.csv"), "arsuppfoljning").problems
    records = validate_records("arsuppfoljning", [_record(), _record(lasar="2024/25", sip_initierade="tre")])
    assert records == [Problem(3, "sip_initierade", "type-error", table[0].message)]


def test_records_missing_keys_count_as_empty_and_extra_keys_are_ignored():
    record = _record(sip_kunnig_utsedd=None)
    record["csrf_token"] = "abc"
    problems = validate_records("arsuppfoljning", [record])
    assert [(p.row, p.field, p.code) for p in problems] == [(2, "sip_kunnig_utsedd", "constraint-error")]


def test_records_run_the_guard_and_the_register():
    problems = validate_records("arsuppfoljning", [_record(skolenhetskod="12345678", behov="Ring 0701234567")])
    assert [(p.field, p.code) for p in problems] == [("skolenhetskod", "unknown-school"), ("behov", "personal-data")]
    assert "0701234567" not in problems[1].message


def test_records_with_a_given_register():
    register = {"11112222": object()}
    assert validate_records("arsuppfoljning", [_record(skolenhetskod="11112222")], register=register) == []


def test_normalise_records_matches_what_tables_store():
    from backoffice.validation.table import normalise_records

    table = validate_table(fixture("avvikelse-excel-ansi.csv"), "avvikelse", today=dt.date(2026, 1, 1)).valid_rows
    posted = {"skolenhetskod": " 66906957 ", "datum": "2025-04-02", "kategori": "kallelsen besvarades inte",
              "berorda_verksamheter": "bup;Elevhälsa", "lost_i_chefslinjen": "PÅGÅR", "handelseanalys": "Nej",
              "rapporterad_medcontrol": "nej", "beskrivning": "Ingen återkoppling på kallelsen efter tre veckor."}
    assert normalise_records("avvikelse", [posted]) == [table[1]]
    assert normalise_records("arsuppfoljning", [{"sip_initierade": 3, "avvikelse_utredd": None}])[0]["sip_initierade"] == "3"

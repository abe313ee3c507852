"""The personal-data guard: identity numbers in every common writing, checksum verified; e-mail; phone."""
import datetime as dt

import pytest

import guard_corpus
from guard_corpus import check_digit as luhn_check_digit
from backoffice.validation import guard


def writings(century: str, yymmdd: str, serial3: str) -> dict:
    """Every common writing of one number: 10 or 12 digits, with or without dash/plus."""
    last4 = serial3 + luhn_check_digit(yymmdd + serial3)
    return {
        "10 siffror": f"{yymmdd}{last4}",
        "10 med streck": f"{yymmdd}-{last4}",
        "10 med plus": f"{yymmdd}+{last4}",
        "12 siffror": f"{century}{yymmdd}{last4}",
        "12 med streck": f"{century}{yymmdd}-{last4}",
        "10 med mellanslag": f"{yymmdd} {last4}",
        "12 med mellanslag": f"{century}{yymmdd} {last4}",
        "streck med mellanslag": f"{yymmdd} - {last4}",
        # As Word and Outlook write a typed dash or space: en dash, no-break space, no-break hyphen.
        "10 med tankstreck": f"{yymmdd}\u2013{last4}",
        "12 med tankstreck och mellanslag": f"{century}{yymmdd} \u2013 {last4}",
        "10 med hårt mellanslag": f"{yymmdd}\u00a0{last4}",
        "12 med hårt bindestreck": f"{century}{yymmdd}\u2011{last4}",
    }


def wrong_checksum(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


# Test numbers: 1912-12-12 (Skatteverket's well-known test date) and 2010-10-10, serials 121 and 239.
PERSONNUMMER_CASES = [(w, text) for base in (("19", "121212", "121"), ("20", "101010", "239"))
                      for w, text in writings(*base).items()]
# Samordningsnummer: the day plus 60.
SAMORDNING_CASES = [(w, text) for base in (("19", "121272", "121"), ("20", "101070", "239"))
                    for w, text in writings(*base).items()]


@pytest.mark.parametrize("writing, number", PERSONNUMMER_CASES)
def test_personnummer_found_in_every_writing(writing, number):
    assert guard.find_personal_data(f"Eleven har nummer {number} i journalen.") == [guard.PERSONNUMMER]
    assert guard.identity_kind(number) == guard.PERSONNUMMER


# Written as a personnummer is written (YYMMDD, a dash or plus, four digits), a reader takes the
# number for one even when its check digit is wrong: the guard does too.
WRITTEN_AS_ONE = {"10 med streck", "10 med plus", "streck med mellanslag", "10 med tankstreck"}


@pytest.mark.parametrize("kind, writing, number", [(guard.PERSONNUMMER, *case) for case in PERSONNUMMER_CASES]
                         + [(guard.SAMORDNINGSNUMMER, *case) for case in SAMORDNING_CASES])
def test_wrong_checksum_is_not_a_valid_identity_number(kind, writing, number):
    bad = wrong_checksum(number)
    assert guard.identity_kind(bad) is None
    found = guard.find_personal_data(f"Ärende {bad}.")
    if writing in WRITTEN_AS_ONE:
        assert found == [kind]
    else:
        assert guard.PERSONNUMMER not in found and guard.SAMORDNINGSNUMMER not in found


def test_a_date_time_stamp_of_the_school_year_is_no_identity_number():
    # The same digits as a child's number: 20250101-0900 passes the checksum; its date is recent.
    today = dt.date(2025, 12, 1)
    assert guard.luhn_ok("2501010900")
    assert guard.find_personal_data("Loggat 20250101-0900 och 20251130 1432.", today=today) == []
    assert guard.find_personal_data("Loggat 20250101-0900.", today=dt.date(2030, 1, 1)) == [guard.PERSONNUMMER]


@pytest.mark.parametrize("text", [
    "121212-1213",            # wrong check digit, written as a personnummer
    "121212+1213",
    "12 12 12-1212",          # spaces inside the date
    "121212.1212",
    "121212/1212",
    "121212\n1212",           # a line break between the parts
    "121212-\r\n1212",
    "1212\u200b12-1212",      # a zero-width space inside
    "121212\u00ad-1212",      # a soft hyphen
    "1912-12-12-1212",        # the date written with dashes
    "19121212\u00a01212",
])
def test_personnummer_in_the_writings_that_slipped_through(text):
    assert guard.find_personal_data(f"Eleven {text} kom inte.") == [guard.PERSONNUMMER]


@pytest.mark.parametrize("writing, number", SAMORDNING_CASES)
def test_samordningsnummer_found_in_every_writing(writing, number):
    assert guard.find_personal_data(f"Nummer: {number}") == [guard.SAMORDNINGSNUMMER]


def test_impossible_date_is_not_an_identity_number():
    # 13th month, with a correct Luhn digit for those digits.
    nine = "121312121"
    number = nine + luhn_check_digit(nine)
    assert guard.identity_kind(number) is None


def test_number_inside_a_longer_number_is_not_taken():
    nine = "121212121"
    number = nine + luhn_check_digit(nine)
    assert guard.find_personal_data(f"Fakturanummer 99{number}77") == []


@pytest.mark.parametrize("text", [
    "Kontakta sip-samordnare@example.se vid frågor.",
    "mejla Rektor.Exempel+sip@skola.example.org",
])
def test_email_found(text):
    assert guard.find_personal_data(text) == [guard.EMAIL]


@pytest.mark.parametrize("text", [
    "Ring 070-123 45 67",
    "mobil 0701234567",
    "tel 031-123 45 67",
    "tel 08-123 456 78",
    "+46 70 123 45 67",
    "+46701234567",
    "0046 31 123 45 67",
    "+46 (0)31-12 34 56",
    "(031) 12 34 56",
    "tel 0480-12345",
    "Ring 070 - 123 45 67",
    "Ring 070\u2013123\u00a045\u00a067",   # en dash and no-break spaces, as pasted from Word
    "Ring 070.123.45.67",
    "Ring 031.12.34.56 eller +46.70.123.45.67",
    "Ring 070-123\n45 67",
    "Möte 2025-03-14, ring 070-123 45 67 efteråt",
])
def test_phone_found(text):
    assert guard.find_personal_data(text) == [guard.PHONE]


@pytest.mark.parametrize("text", [
    "Mötet hölls 2025-03-14 kl. 08.30 i rum 12.",
    "Läsåret 2025/26 hade skolan 450 elever och 12 SIP.",
    "Vi behöver mer tid för samordning, 2–3 timmar i veckan.",
    "Skolenhetskod 40526633.",
    # What a rector writes that only looks like a phone or identity number.
    "Mötena hölls 2025-03-14 2025-04-11 och 2025-05-20.",   # dates separated by spaces
    "Mötet 2025-09-01 12 elever deltog.",                  # a date followed by a count
    "SIP-möten 05-03-2025 och 14-03-2025.",                # dates written DD-MM-YYYY
    "Öppet kl 0830-1000 och 1300-1500.",                   # clock times without a colon
    "Tider 08:30–16:30, tel.tid 10-12.",
    "Dnr 2025-0123456 och dnr GRF 2025-01234.",            # diary numbers
    "Beslut dnr 1.2.3-1234/2025.",
    "Budget 1 250 000 kr, 10 000 - 20 000 kr per termin, 12 500:- per elev.",
    "Göteborgs Stad, org.nr 212000-1355.",                 # Luhn-valid, but month 20 is no date
    "Läsåren 2024/25 och 2025/26, vecka 12-14.",
    "Mötet 2025-03-14 1000 deltagare, 2025-03-14 0830.",  # a dashed date and a count or a time
    "Tider 08.30-10.00 och 08.30 10.15, 01.02.2025.",
    "",
    None,
])
def test_ordinary_text_passes(text):
    assert guard.find_personal_data(text) == []


def test_several_kinds_reported_in_fixed_order():
    nine = "121212121"
    number = f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"
    text = f"Ring 070-123 45 67 eller skriv till a@example.se om {number}."
    assert guard.find_personal_data(text) == [guard.PERSONNUMMER, guard.EMAIL, guard.PHONE]


def test_luhn_helper_agrees_with_the_guard():
    for nine in ("121212121", "101010239", "850709123"):
        assert guard.luhn_ok(nine + luhn_check_digit(nine))
        assert not guard.luhn_ok(wrong_checksum(nine + luhn_check_digit(nine)))


# Measured on generated corpora (tests/guard_corpus.py, seeded): the rates are asserted as bounds.

def test_ordinary_text_with_dates_times_diary_numbers_and_amounts_is_never_taken_for_personal_data():
    texts = guard_corpus.ordinary_texts(5000)
    flagged = [text for text in texts if guard.find_personal_data(text, today=guard_corpus.TODAY)]
    assert flagged == []


def test_date_time_stamps_of_the_last_two_school_years_are_never_flagged():
    today = guard_corpus.TODAY
    made = guard_corpus.stamps(5500, today - dt.timedelta(days=730), today + dt.timedelta(days=365))
    assert [text for _, text in made if guard.find_personal_data(text, today=today)] == []


def test_older_date_time_stamps_are_flagged_only_when_they_read_as_a_childs_number():
    # Older than two years, 20190314-1432 is a valid number of a child born that day one time in
    # ten (the checksum's chance), and 190314-1432 is written exactly as a personnummer is: both
    # are flagged on purpose. Stamps written with a colon or with dashes in the date never are.
    today = guard_corpus.TODAY
    made = guard_corpus.stamps(5500, dt.date(2019, 1, 1), today - dt.timedelta(days=732))
    flagged: dict[str, int] = {}
    for shape, text in made:
        flagged[shape] = flagged.get(shape, 0) + bool(guard.find_personal_data(text, today=today))
    per_shape = len(made) // len(guard_corpus.STAMP_SHAPES)
    assert flagged.pop("ÅÅMMDD-TTMM") == per_shape
    compact = ("ÅÅÅÅMMDD-TTMM", "ÅÅÅÅMMDD TTMM", "ÅÅÅÅMMDDTTMM", "ÅÅÅÅ-MM-DD-TTMM", "ÅÅMMDD TTMM")
    assert all(flagged[shape] <= per_shape * 0.15 for shape in compact), flagged
    assert all(count == 0 for shape, count in flagged.items() if shape not in compact), flagged


@pytest.mark.parametrize("options", [{}, {"coordination": True}], ids=["personnummer", "samordningsnummer"])
def test_every_identity_number_is_found_in_every_writing(options):
    kind = guard.SAMORDNINGSNUMMER if options else guard.PERSONNUMMER
    made = guard_corpus.identity_numbers(3400, **options)
    missed = [(writing, text) for writing, text in made
              if guard.find_personal_data(text, today=guard_corpus.TODAY) != [kind]]
    assert missed == []


@pytest.mark.parametrize("options", [{}, {"coordination": True}], ids=["personnummer", "samordningsnummer"])
def test_a_wrong_check_digit_is_found_when_written_as_a_personnummer(options):
    made = guard_corpus.identity_numbers(1400, wrong_check=True, **options)
    assert [text for _, text in made if not guard.find_personal_data(text, today=guard_corpus.TODAY)] == []


def test_every_phone_number_is_found():
    made = guard_corpus.phone_numbers(2000)
    kinds = [guard.find_personal_data(text, today=guard_corpus.TODAY) for _, text in made]
    assert all(kinds)
    # A ten-digit mobile number can also be a valid personnummer (0703124567): then it is named so.
    as_phone = sum(guard.PHONE in found for found in kinds)
    assert as_phone >= len(made) * 0.99


@pytest.mark.parametrize("text, kinds", [
    ("1" * 65_536, []), ("1 " * 32_768, []), ("12-" * 21_845, []), ("@" * 65_536, []), ("a@" * 32_768, []),
    ("0." * 32_768, []), ("12 12 12-" * 7_281, []), ("1\u200b" * 32_768, []), (("x" * 60 + "@") * 1_074, []),
    ("(0)" * 21_845, []), ("1212121212 " * 5_957, [guard.PERSONNUMMER]),
    ("ord " * 16_000 + "070-123 45 67", [guard.PHONE]),
])
def test_a_64_kb_post_of_any_shape_is_read_in_one_pass(text, kinds):
    # Every pattern's parts are bounded, so the work grows with the text's length; a pattern that
    # backtracked over the whole text would make this test take minutes instead of milliseconds.
    assert guard.find_personal_data(text) == kinds

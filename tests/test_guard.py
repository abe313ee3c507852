"""The personal-data guard: identity numbers in every common writing, checksum verified; e-mail; phone."""
import pytest

from backoffice.validation import guard


def luhn_check_digit(nine: str) -> str:
    """The Luhn check digit for nine digits, computed here independently of the guard."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


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


@pytest.mark.parametrize("writing, number", PERSONNUMMER_CASES + SAMORDNING_CASES)
def test_wrong_checksum_is_not_an_identity_number(writing, number):
    bad = wrong_checksum(number)
    assert guard.identity_kind(bad) is None
    assert guard.PERSONNUMMER not in guard.find_personal_data(f"Ärende {bad}.")
    assert guard.SAMORDNINGSNUMMER not in guard.find_personal_data(f"Ärende {bad}.")


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

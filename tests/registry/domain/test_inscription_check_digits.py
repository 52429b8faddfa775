"""The inscription's two check digits (seed 002 S8.3-03): modulo 10 then modulo 11. No database."""

from __future__ import annotations

import pytest

from modules.registry.domain.inscription import (
    Inscription,
    InvalidInscription,
    check_digits,
    inscription_prefix,
    parse_inscription,
)

# Worked by hand. DV1: weights 2,1,2,1… from the rightmost of the 17 routing digits, a product above 9
# counts as its digit sum, DV1 = (10 − sum mod 10) mod 10. DV2: weights 2..9 (then 2 again) from the
# rightmost of the 17 digits followed by DV1, DV2 = 11 − sum mod 11, 10 or 11 → 0.
#
# 1) 001.002.0034.0056.000 → 00100200340056000
#    DV1: non-zero digits from the right: 6·1, 5·2=10→1, 4·1, 3·2, 2·1, 1·2 → 6+1+4+6+2+2 = 21 → 10−1 = 9
#    DV2 over 001002003400560009: 9·2=18, 6·6=36, 5·7=35, 4·2=8, 3·3=9, 2·6=12, 1·9=9 → 127;
#        127 mod 11 = 6 → 11−6 = 5                                             → DVs "95"
# 2) 001.001.0000.0000.000 → 00100100000000000
#    DV1: 1·1 (6th from the left is the 12th from the right, weight 1), 1·2 → 3 → 10−3 = 7
#    DV2 over 001001000000000007: 7·2=14, 1·6=6, 1·9=9 → 29; 29 mod 11 = 7 → 11−7 = 4   → DVs "74"
# 3) 001.002.0030.0007.000 → 00100200300007000
#    DV1: 7·1, 3·2, 2·1, 1·2 → 7+6+2+2 = 17 → 10−7 = 3
#    DV2 over 001002003000070003: 3·2=6, 7·6=42, 3·3=9, 2·6=12, 1·9=9 → 78; 78 mod 11 = 1 → 11−1 = 10
#        → 10 becomes 0                                                          → DVs "30"
HAND_WORKED = [
    ("00100200340056000", "95"),
    ("00100100000000000", "74"),
    ("00100200300007000", "30"),
]

# a sample of legacy inscriptions with their check digits, as the legacy register prints them
LEGACY_SAMPLE = [
    "001.002.0034.0056.000-95",
    "001.001.0000.0000.000-74",
    "001.002.0030.0007.000-30",
    "001.002.0030.0004.000-60",
    "001.002.0030.0016.000-20",
    "001.002.0030.0047.000-50",
]


@pytest.mark.parametrize(("routing", "dv"), HAND_WORKED)
def test_check_digits_match_the_hand_worked_cases(routing: str, dv: str) -> None:
    assert check_digits(routing) == dv


def test_the_dv_routine_matches_every_legacy_inscription_of_the_sample() -> None:
    for legacy in LEGACY_SAMPLE:
        routing, _, dv = legacy.partition("-")
        insc = Inscription(*(int(p) for p in routing.split(".")))
        assert insc.check_digits == dv, legacy
        assert insc.formatted() == legacy
        assert parse_inscription(legacy) == insc


def test_a_mod10_sum_multiple_of_ten_gives_zero() -> None:
    # 000.000.0000.0000.019: 9·2 = 18 → 1+8 = 9, 1·1 = 1 → sum 10 → (10 − 0) mod 10 = 0
    assert check_digits("00000000000000019")[0] == "0"


def test_typed_without_check_digits_is_accepted_and_computed() -> None:
    insc = parse_inscription("1.2.34.56.0")
    assert insc.formatted() == "001.002.0034.0056.000-95"
    assert parse_inscription("00100200340056000").formatted() == "001.002.0034.0056.000-95"
    assert parse_inscription("0010020034005600095") == insc
    assert parse_inscription("001.002.0034.0056.000 - 95") == insc


@pytest.mark.parametrize("typed", ["001.002.0034.0056.000-59", "1.2.34.56.0-00", "0010020034005600096"])
def test_a_wrong_check_digit_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInscription) as err:
        parse_inscription(typed)
    assert err.value.field == "inscription"
    assert "dígitos verificadores" in str(err.value) and "o correto é 95" in str(err.value)


def test_search_prefixes_keep_working_and_a_full_inscription_finds_its_stored_form() -> None:
    assert inscription_prefix("001.002") == "001.002"
    assert inscription_prefix("1.2.34") == "001.002.0034"
    assert inscription_prefix("1.2.34.56.0") == "001.002.0034.0056.000"  # a prefix of the stored form
    assert inscription_prefix("1.2.34.56.0-95") == "001.002.0034.0056.000-95"
    assert inscription_prefix("1.2.34.56.0-11") is None

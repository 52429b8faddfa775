"""Pure registry rules: account check digit, inscription, economias, folding, connections. No database."""

from __future__ import annotations

import pytest

from modules.registry.domain import connections as conn
from modules.registry.domain.account_number import (
    InvalidAccountNumber,
    account_check_digit,
    format_account_number,
    next_account_base,
    parse_account_number,
)
from modules.registry.domain.economies import CategoryShare, InvalidEconomies, parse_shares, validate_shares
from modules.registry.domain.inscription import (
    Inscription,
    InvalidInscription,
    inscription_prefix,
    parse_inscription,
)
from modules.registry.domain.text import fold, normalize_cep


def test_check_digit_worked_example() -> None:
    # 12345: 5*2 + 4*3 + 3*4 + 2*5 + 1*6 = 50; 50 mod 11 = 6; 11 - 6 = 5
    assert account_check_digit(12345) == 5
    assert format_account_number(12345) == "12345-5"
    assert parse_account_number("12345-5") == 12345
    assert parse_account_number(" 123455 ") == 12345


def test_remainder_zero_gives_digit_zero_and_digit_ten_is_never_issued() -> None:
    zero = next(
        b
        for b in range(1, 2000)
        if sum(int(d) * (2 + i % 8) for i, d in enumerate(reversed(str(b)))) % 11 == 0
    )
    one = next(
        b
        for b in range(1, 2000)
        if sum(int(d) * (2 + i % 8) for i, d in enumerate(reversed(str(b)))) % 11 == 1
    )
    assert account_check_digit(zero) == 0
    assert account_check_digit(one) is None
    assert (
        next_account_base(one - 1) == one + 1 or account_check_digit(next_account_base(one - 1)) is not None
    )
    assert next_account_base(one - 1) != one
    with pytest.raises(InvalidAccountNumber):
        format_account_number(one)


@pytest.mark.parametrize("typed", ["12345-4", "12345-6", "12354-5", "", "abc", "0-0", "1234567890-1"])
def test_wrong_digit_or_shape_is_rejected(typed: str) -> None:
    with pytest.raises(InvalidAccountNumber):
        parse_account_number(typed)


def test_every_single_substitution_and_adjacent_swap_is_caught() -> None:
    """The ADR's claim, checked exhaustively over a sample of issued numbers."""
    base = 1000
    for _ in range(300):
        base = next_account_base(base + 37)
        digits = str(base)
        digit = account_check_digit(base)
        variants = set()
        for i in range(len(digits)):
            for d in "0123456789":
                if d != digits[i]:
                    variants.add(digits[:i] + d + digits[i + 1 :])
            if i + 1 < len(digits) and digits[i] != digits[i + 1]:
                variants.add(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
        for variant in variants:
            if variant[0] == "0":
                continue
            assert account_check_digit(int(variant)) != digit, (base, variant)


def test_inscription_parse_format_and_prefix() -> None:
    assert parse_inscription("1.2.34.56.0") == Inscription(1, 2, 34, 56, 0)
    assert parse_inscription("001.002.0034.0056.000").routing() == "001.002.0034.0056.000"
    assert parse_inscription("001.002.0034.0056.000").formatted() == "001.002.0034.0056.000-95"
    assert parse_inscription("00100200340056000") == Inscription(1, 2, 34, 56, 0)
    assert parse_inscription("1.2.34.56") == Inscription(1, 2, 34, 56, 0)
    assert inscription_prefix("1.2") == "001.002"
    assert inscription_prefix("rua 1") is None
    with pytest.raises(InvalidInscription) as err:
        Inscription(1, 2, 34, 56, 1000)
    assert err.value.field == "sublote"
    with pytest.raises(InvalidInscription):
        parse_inscription("1-2-3")


def test_mixed_categories_are_sorted_and_counted() -> None:
    shares = validate_shares([CategoryShare("com", 1), CategoryShare("RES", 2)], {"RES", "COM"})
    assert shares == (CategoryShare("COM", 1), CategoryShare("RES", 2))
    assert parse_shares("RES:2|COM:1") == (CategoryShare("RES", 2), CategoryShare("COM", 1))


@pytest.mark.parametrize(
    ("shares", "field", "message"),
    [
        ([CategoryShare("XYZ", 1)], "categories", "Categoria desconhecida: 'XYZ'."),
        ([CategoryShare("RES", -1)], "economies", "Número de economias não pode ser negativo."),
        (
            [CategoryShare("RES", 1), CategoryShare("RES", 2)],
            "categories",
            "A categoria 'RES' foi informada mais de uma vez.",
        ),
        ([], "categories", "Informe ao menos uma categoria com economias."),
    ],
)
def test_bad_economies(shares: list[CategoryShare], field: str, message: str) -> None:
    with pytest.raises(InvalidEconomies) as err:
        validate_shares(shares, {"RES", "COM"})
    assert (err.value.field, str(err.value)) == (field, message)


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("  JOSÉ  da Conceição-Ávila ") == "jose da conceicao avila"
    assert normalize_cep("78643-000") == "78643000"
    with pytest.raises(ValueError, match="CEP inválido"):
        normalize_cep("1234")


def test_connection_transitions() -> None:
    conn.check_transition(conn.CONNECTED, conn.CUT)
    conn.check_transition(conn.CUT, conn.CONNECTED)
    with pytest.raises(conn.InvalidTransition, match="Não é permitido passar de 'Suprimida' para 'Ligada'"):
        conn.check_transition(conn.SUPPRESSED, conn.CONNECTED)
    with pytest.raises(conn.InvalidTransition, match="já está"):
        conn.check_transition(conn.CUT, conn.CUT)

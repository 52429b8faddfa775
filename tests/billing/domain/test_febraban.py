"""FEBRABAN collection barcode and typeable line: the seed-003 sample (virtual_agency.md §2),
check digits, pt-BR errors naming the wrong block, and a round-trip property."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.billing.domain.febraban import (
    BarcodeInvalid,
    GsanCollectionDocument,
    build_barcode,
    format_typeable_line,
    general_check_digit,
    mod10,
    mod11,
    parse_barcode,
    parse_typeable_line,
    typeable_line,
)

SAMPLE_LINE = "82630000004-7 15290041425-0 00464726201-5 84667291415-3"
SAMPLE_BARCODE = "82630000004152900414250046472620184667291415"


def test_seed_003_sample_line_validates_and_decodes() -> None:
    """virtual_agency.md §2: DESO's extrato de débito, R$ 415,29, company 0041, GSAN free field."""
    decoded = parse_typeable_line(SAMPLE_LINE)

    assert decoded.digits == SAMPLE_BARCODE
    assert (decoded.segment, decoded.value_id) == (2, 6)
    assert decoded.amount == Decimal("415.29")
    assert decoded.company_code == "0041"
    assert decoded.free_field == "4250046472620184667291415"
    assert GsanCollectionDocument.parse(decoded.free_field) == GsanCollectionDocument(
        locality=425, account_number=4647262, sequence=18466729, document_type=14, payment_type=5
    )


def test_seed_003_sample_is_rebuilt_from_its_fields() -> None:
    document = GsanCollectionDocument(
        locality=425, account_number=4647262, sequence=18466729, document_type=14
    )
    barcode = build_barcode(amount=Decimal("415.29"), company_code="0041", free_field=document.free_field())

    assert barcode.digits == SAMPLE_BARCODE
    assert barcode.formatted_typeable_line == SAMPLE_LINE
    assert general_check_digit(SAMPLE_BARCODE) == 3
    assert parse_barcode(SAMPLE_BARCODE) == barcode


def test_every_single_digit_change_of_the_sample_is_rejected() -> None:
    """432 corrupted lines (48 positions × 9 other digits): none validates."""
    line = SAMPLE_LINE.replace(" ", "").replace("-", "")
    accepted = []
    for position in range(48):
        for digit in "0123456789":
            if digit == line[position]:
                continue
            corrupted = line[:position] + digit + line[position + 1 :]
            try:
                parse_typeable_line(corrupted)
            except BarcodeInvalid:
                continue
            accepted.append(corrupted)
    assert accepted == []


@pytest.mark.parametrize(
    ("digits", "dv10", "dv11"),
    [
        ("01230067896", 3, 0),  # the FEBRABAN manual's own examples
        ("82630000004", 7, None),
        ("15290041425", 0, None),
        ("00464726201", 5, None),
        ("84667291415", 3, None),
    ],
)
def test_modulus_functions(digits: str, dv10: int, dv11: int | None) -> None:
    assert mod10(digits) == dv10
    if dv11 is not None:
        assert mod11(digits) == dv11


def test_modulo_11_remainders_0_1_and_10() -> None:
    assert mod11("0") == 0  # remainder 0
    assert mod11("6") == 0  # 12 → remainder 1
    assert mod11("5") == 1  # 10 → remainder 10
    assert mod11("2") == 7  # 4 → 11 − 4


def test_a_mod11_barcode() -> None:
    barcode = build_barcode(amount=Decimal("57.10"), company_code="0123", free_field="1" * 25, value_id=8)
    assert barcode.digits[2] == "8"
    assert int(barcode.digits[3]) == mod11(barcode.digits[:3] + barcode.digits[4:])
    line = barcode.typeable_line
    assert all(int(line[i + 11]) == mod11(line[i : i + 11]) for i in range(0, 48, 12))
    assert parse_typeable_line(line) == barcode


def test_segment_6_uses_an_8_digit_company_code() -> None:
    barcode = build_barcode(
        amount=Decimal("1.00"), company_code="12345678", free_field="9" * 21, segment=6, value_id=6
    )
    decoded = parse_barcode(barcode.digits)
    assert (decoded.company_code, decoded.free_field) == ("12345678", "9" * 21)


def test_wrong_block_is_named() -> None:
    line = SAMPLE_LINE.replace("15290041425-0", "15290041425-9")
    with pytest.raises(BarcodeInvalid) as raised:
        parse_typeable_line(line)
    assert raised.value.message == (
        "Linha digitável inválida: dígito verificador não confere no bloco 2 (bloco 2: dígito 9, esperado 0)."
    )
    assert raised.value.blocks == (2,)
    assert raised.value.field == "typeable_line"


def test_two_wrong_blocks_are_named() -> None:
    line = "82630000004-7 15290041425-1 00464726201-5 84667291415-4"
    with pytest.raises(BarcodeInvalid) as raised:
        parse_typeable_line(line)
    assert raised.value.message == (
        "Linha digitável inválida: dígito verificador não confere nos blocos 2 e 4 "
        "(bloco 2: dígito 1, esperado 0; bloco 4: dígito 4, esperado 3)."
    )
    assert raised.value.blocks == (2, 4)


def test_blocks_right_but_general_digit_wrong() -> None:
    """Position 4 typed wrong and block 1's DV recomputed to match: the general DV still catches it."""
    block = "82620000004"
    line = f"{block}{mod10(block)}152900414250004647262015846672914153"
    with pytest.raises(BarcodeInvalid) as raised:
        parse_typeable_line(line)
    assert raised.value.message == (
        "Linha digitável inválida: Dígito verificador geral (posição 4) não confere: 2 (esperado 3)."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8263000000471529004142500046472620158466729141", "A linha digitável deve ter 48 dígitos (tem 46)."),
        (
            "82630000004-7 15290041425-0 00464726201-5 8466729141X-3",
            "A linha digitável deve conter apenas números.",
        ),
        ("7" * 48, "A linha digitável deve começar com 8 (arrecadação), começa com 7."),
        (
            "825" + "0" * 45,
            "Identificador de valor inválido: 5 (use 6 ou 7 para módulo 10, 8 ou 9 para módulo 11).",
        ),
    ],
)
def test_bad_typeable_lines(text: str, message: str) -> None:
    with pytest.raises(BarcodeInvalid) as raised:
        parse_typeable_line(text)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        (
            {"amount": Decimal("-1.00")},
            "O valor -1.00 está fora do intervalo 0,00 a 999.999.999,99.",
            "amount",
        ),
        (
            {"amount": Decimal("1000000000.00")},
            "O valor 1000000000.00 está fora do intervalo 0,00 a 999.999.999,99.",
            "amount",
        ),
        ({"amount": Decimal("10.005")}, "O valor 10.005 tem mais de duas casas decimais.", "amount"),
        ({"amount": 10.5}, "O valor deve ser um Decimal finito (10.5).", "amount"),
        (
            {"company_code": "41"},
            "O código da empresa (FEBRABAN) deve ter 4 dígitos numéricos ('41').",
            "company_code",
        ),
        (
            {"free_field": "1" * 24},
            f"O campo livre deve ter 25 dígitos numéricos ('{'1' * 24}').",
            "free_field",
        ),
        ({"segment": 8}, "Segmento inválido: 8.", "segment"),
        (
            {"value_id": 5},
            "Identificador de valor inválido: 5 (use 6 ou 7 para módulo 10, 8 ou 9 para módulo 11).",
            "value_id",
        ),
    ],
)
def test_bad_barcode_fields(kwargs: dict[str, object], message: str, field: str) -> None:
    arguments: dict[str, object] = {"amount": Decimal("1.00"), "company_code": "0041", "free_field": "0" * 25}
    arguments.update(kwargs)
    with pytest.raises(BarcodeInvalid) as raised:
        build_barcode(**arguments)  # type: ignore[arg-type]
    assert (raised.value.message, raised.value.field) == (message, field)


def test_gsan_free_field_bounds() -> None:
    with pytest.raises(BarcodeInvalid) as raised:
        GsanCollectionDocument(locality=1000, account_number=1, sequence=1, document_type=1).free_field()
    assert raised.value.message == "O campo localidade (1000) não cabe em 3 dígitos."


def test_format_and_typeable_line() -> None:
    assert format_typeable_line(typeable_line(SAMPLE_BARCODE)) == SAMPLE_LINE


amounts = st.integers(0, 99_999_999_999).map(lambda cents: Decimal(cents) / 100)
digit_strings = st.text(alphabet="0123456789", min_size=25, max_size=25)


@settings(max_examples=300)
@given(
    amount=amounts,
    company=st.text(alphabet="0123456789", min_size=4, max_size=4),
    free_field=digit_strings,
    value_id=st.sampled_from([6, 7, 8, 9]),
)
def test_round_trip(amount: Decimal, company: str, free_field: str, value_id: int) -> None:
    barcode = build_barcode(amount=amount, company_code=company, free_field=free_field, value_id=value_id)
    line = barcode.typeable_line
    assert len(barcode.digits) == 44 and len(line) == 48
    decoded = parse_typeable_line(format_typeable_line(line))
    assert decoded == barcode
    assert decoded.amount == amount
    assert parse_barcode(barcode.digits) == barcode


@settings(max_examples=200)
@given(
    amount=amounts,
    free_field=digit_strings,
    position=st.integers(0, 47),
    shift=st.integers(1, 9),
)
def test_a_single_wrong_digit_of_a_modulo_10_line_is_rejected(
    amount: Decimal, free_field: str, position: int, shift: int
) -> None:
    line = build_barcode(amount=amount, company_code="0041", free_field=free_field).typeable_line
    wrong = line[:position] + str((int(line[position]) + shift) % 10) + line[position + 1 :]
    with pytest.raises(BarcodeInvalid):
        parse_typeable_line(wrong)

"""FEBRABAN collection barcode and typeable-line validation (modulo 10 and modulo 11)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.collection.domain.barcode_check import (
    barcode_problems,
    decode_barcode,
    general_check_digit,
    is_valid_barcode,
    mod10,
    mod11,
    typeable_line_problems,
    typeable_line_to_barcode,
)

# virtual_agency.md §2: the typeable line of seed 003's Extrato de Débito (DESO, segment 2, value id 6).
SEED_003_LINE = "82630000004-7 15290041425-0 00464726201-5 84667291415-3"
SEED_003_BARCODE = "82630000004152900414250046472620184667291415"

# Official GPS slips of the Receita Federal (segment 5, value id 8 = modulo 11), as transcribed in
# gesielr/guiasMEIlast apps/backend/inss/ANALISE_CODIGOS_OFICIAIS.md. The third has DAC 0.
GPS_LINES = [
    "85820000001-5 66980270116-2 30001280018-9 67222025113-0",
    "85810000003-0 03600270100-7 70001280018-4 67222025113-0",
    "85800000001-1 66980270112-0 00001280018-0 67222025113-0",
    "85870000001-4 66980270123-5 60001280018-8 67222025113-0",
]


def test_seed_003_line_decodes_to_the_extrato_barcode_and_amount() -> None:
    assert typeable_line_problems(SEED_003_LINE) == []
    assert typeable_line_to_barcode(SEED_003_LINE) == SEED_003_BARCODE
    fields = decode_barcode(SEED_003_BARCODE)
    assert fields.segment == "2"
    assert fields.value_id == "6"
    assert fields.amount == Decimal("415.29")
    assert fields.company_code == "0041"
    assert fields.free_field == "4250046472620184667291415"


def test_seed_003_block_and_general_check_digits() -> None:
    assert [mod10(block) for block in ("82630000004", "15290041425", "00464726201", "84667291415")] == [
        7,
        0,
        5,
        3,
    ]
    assert general_check_digit(SEED_003_BARCODE) == 3


@pytest.mark.parametrize("line", GPS_LINES)
def test_official_modulo_11_lines_validate(line: str) -> None:
    assert typeable_line_problems(line) == []
    assert is_valid_barcode(typeable_line_to_barcode(line))


def test_modulo_11_remainder_zero_or_one_gives_zero() -> None:
    barcode = typeable_line_to_barcode(GPS_LINES[2])
    assert barcode[3] == "0"
    assert general_check_digit(barcode) == 0


def test_modulo_11_known_digits() -> None:
    # febraban_barcode's own test vectors (WilliamSampaio/febraban_barcode tests).
    assert mod11("01230067896") == 0
    assert mod11("01201611227") == 3


def test_reference_value_ids_have_no_amount() -> None:
    digits = "8270" + "00000041529" + "0041" + "4250046472620184667291415"
    barcode = digits[:3] + str(general_check_digit(digits)) + digits[4:]
    assert decode_barcode(barcode).amount is None
    assert decode_barcode(barcode).reference == "00000041529"


def test_segment_6_company_is_the_cnpj_root() -> None:
    digits = "8660" + "00000001000" + "12345678" + "9" * 21
    barcode = digits[:3] + str(general_check_digit(digits)) + digits[4:]
    fields = decode_barcode(barcode)
    assert fields.company_code == "12345678"
    assert fields.free_field == "9" * 21


def test_wrong_general_digit_is_named_with_the_expected_one() -> None:
    wrong = SEED_003_BARCODE[:3] + "4" + SEED_003_BARCODE[4:]
    assert barcode_problems(wrong) == ["dígito verificador geral inválido: 4 (o módulo 10 dá 3)"]


def test_shape_problems_in_pt_br() -> None:
    assert barcode_problems("8263") == ["o código de barras deve ter 44 dígitos numéricos"]
    assert barcode_problems("2" + SEED_003_BARCODE[1:]) == [
        "o código de barras não é de arrecadação (a posição 1 deve ser 8)",
        "dígito verificador geral inválido: 3 (o módulo 10 dá 6)",
    ]
    assert barcode_problems("825" + SEED_003_BARCODE[3:]) == [
        "identificador de valor inválido na posição 3: 5 (esperado 6, 7, 8 ou 9)"
    ]
    assert typeable_line_problems("8263000000") == ["a linha digitável deve ter 48 dígitos numéricos"]


def test_wrong_block_digit_is_named() -> None:
    line = SEED_003_LINE.replace("00464726201-5", "00464726201-6")
    assert typeable_line_problems(line) == ["dígito do bloco 3 inválido: 6 (o módulo 10 dá 5)"]
    with pytest.raises(ValueError, match="bloco 3"):
        typeable_line_to_barcode(line)


@given(position=st.integers(min_value=0, max_value=43), delta=st.integers(min_value=1, max_value=9))
def test_every_single_digit_change_of_a_modulo_10_barcode_is_caught(position: int, delta: int) -> None:
    digits = list(SEED_003_BARCODE)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not is_valid_barcode("".join(digits))


@given(position=st.integers(min_value=0, max_value=47), delta=st.integers(min_value=1, max_value=9))
def test_every_single_digit_change_of_the_typeable_line_is_caught(position: int, delta: int) -> None:
    digits = list(SEED_003_LINE.replace(" ", "").replace("-", ""))
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert typeable_line_problems("".join(digits)) != []

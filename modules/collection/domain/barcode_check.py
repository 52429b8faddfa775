"""Validation of FEBRABAN collection ("arrecadação") barcodes and typeable lines.

Validation only: billing owns the generator. Layout (FEBRABAN "Layout Padrão de Arrecadação/Recebimento
com Utilização do Código de Barras", §04–§10; the same in versions 04 to 07):

* 44 digits: 1 product ("8"), 2 segment (2 = saneamento), 3 value identifier (6/7 → modulo 10,
  8/9 → modulo 11; 6 and 8 carry a real amount, 7 and 9 a reference), 4 general check digit (DAC),
  5–15 amount or reference, 16–19 company code (16–23 CNPJ root for segment 6), 20–44 free field.
* The DAC covers the other 43 digits (positions 1–3 then 5–44).
* The typeable line is four blocks of 11 barcode digits, each followed by its own check digit computed
  with the same modulus as the DAC: 48 digits.

Modulo 10: weights 2,1,2,1… from the right, the digits of each product are added, DAC = 10 − remainder
(0 when the remainder is 0). Modulo 11: weights 2..9 cycling from the right, DAC = 11 − remainder; a
remainder of 0 or 1 gives 0 (and 10 gives 1, which 11 − 10 already is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

BARCODE_LENGTH = 44
TYPEABLE_LINE_LENGTH = 48
PRODUCT_COLLECTION = "8"
_VALUE_IDS_MOD10 = frozenset("67")
_VALUE_IDS_MOD11 = frozenset("89")
_VALUE_IDS_AMOUNT = frozenset("68")


def mod10(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    remainder = total % 10
    return 0 if remainder == 0 else 10 - remainder


def mod11(digits: str) -> int:
    total = sum(int(char) * (2 + position % 8) for position, char in enumerate(reversed(digits)))
    remainder = total % 11
    return 0 if remainder in (0, 1) else 11 - remainder


def modulus_for(value_id: str) -> int | None:
    """10 or 11 for the value identifier (barcode position 3); None when it is not 6, 7, 8 or 9."""
    if value_id in _VALUE_IDS_MOD10:
        return 10
    if value_id in _VALUE_IDS_MOD11:
        return 11
    return None


def check_digit(digits: str, modulus: int) -> int:
    return mod10(digits) if modulus == 10 else mod11(digits)


def general_check_digit(barcode: str) -> int:
    """The DAC a 44-digit barcode should carry in position 4 (its own position 4 is ignored)."""
    modulus = modulus_for(barcode[2])
    if modulus is None:
        raise ValueError(f"identificador de valor inválido: {barcode[2]!r}")
    return check_digit(barcode[:3] + barcode[4:], modulus)


def barcode_problems(barcode: str) -> list[str]:
    """Why a 44-digit collection barcode is not valid, in pt-BR; empty when it is valid."""
    if not re.fullmatch(r"\d{44}", barcode):
        return [f"o código de barras deve ter {BARCODE_LENGTH} dígitos numéricos"]
    problems = []
    if barcode[0] != PRODUCT_COLLECTION:
        problems.append("o código de barras não é de arrecadação (a posição 1 deve ser 8)")
    modulus = modulus_for(barcode[2])
    if modulus is None:
        problems.append(f"identificador de valor inválido na posição 3: {barcode[2]} (esperado 6, 7, 8 ou 9)")
        return problems
    expected = check_digit(barcode[:3] + barcode[4:], modulus)
    if int(barcode[3]) != expected:
        problems.append(f"dígito verificador geral inválido: {barcode[3]} (o módulo {modulus} dá {expected})")
    return problems


def is_valid_barcode(barcode: str) -> bool:
    return not barcode_problems(barcode)


@dataclass(frozen=True)
class BarcodeFields:
    segment: str
    value_id: str
    amount: Decimal | None
    reference: str
    company_code: str
    free_field: str


def decode_barcode(barcode: str) -> BarcodeFields:
    """Fields of a valid barcode; the amount is None when positions 5–15 hold a reference (ids 7 and 9).

    Segment 6 identifies the company by the 8-digit CNPJ root (positions 16–23) instead of a 4-digit code.
    """
    problems = barcode_problems(barcode)
    if problems:
        raise ValueError("; ".join(problems))
    value_id = barcode[2]
    company_end = 23 if barcode[1] == "6" else 19
    return BarcodeFields(
        segment=barcode[1],
        value_id=value_id,
        amount=Decimal(barcode[4:15]).scaleb(-2) if value_id in _VALUE_IDS_AMOUNT else None,
        reference=barcode[4:15],
        company_code=barcode[15:company_end],
        free_field=barcode[company_end:],
    )


def typeable_line_problems(line: str) -> list[str]:
    """Why a 48-digit typeable line is not valid, in pt-BR (blocks 1 to 4, then the barcode itself)."""
    digits = re.sub(r"[\s.\-]", "", line)
    if not re.fullmatch(r"\d{48}", digits):
        return [f"a linha digitável deve ter {TYPEABLE_LINE_LENGTH} dígitos numéricos"]
    modulus = modulus_for(digits[2])
    if modulus is None:
        return [f"identificador de valor inválido na posição 3: {digits[2]} (esperado 6, 7, 8 ou 9)"]
    problems = []
    for index in range(4):
        block = digits[index * 12 : index * 12 + 11]
        given = int(digits[index * 12 + 11])
        expected = check_digit(block, modulus)
        if given != expected:
            problems.append(
                f"dígito do bloco {index + 1} inválido: {given} (o módulo {modulus} dá {expected})"
            )
    if problems:
        return problems
    return barcode_problems(typeable_line_to_barcode(digits, validate=False))


def typeable_line_to_barcode(line: str, *, validate: bool = True) -> str:
    """The 44-digit barcode of a typeable line (block check digits dropped); punctuation is ignored."""
    digits = re.sub(r"[\s.\-]", "", line)
    if validate:
        problems = typeable_line_problems(digits)
        if problems:
            raise ValueError("; ".join(problems))
    return "".join(digits[index * 12 : index * 12 + 11] for index in range(4))

"""FEBRABAN collection barcode (código de barras de arrecadação) and its typeable line.

Layout of the 44 digits (FEBRABAN "Layout Padrão de Arrecadação/Recebimento com Utilização do Código
de Barras"):

    1      product id: 8 (arrecadação)
    2      segment: 2 = saneamento (water and sewer)
    3      value id: 6 or 7 → check digits modulo 10; 8 or 9 → modulo 11
           (6/8: the value is the amount in reais; 7/9: a reference value, e.g. a quantity of an index)
    4      general check digit over positions 1–3 and 5–44
    5–15   value, 11 digits, in centavos
    16–19  company code given by FEBRABAN (4 digits; for segment 6, 8 digits: the CNPJ root)
    20–44  free field identifying the bill (25 digits; 21 for segment 6)

The typeable line (linha digitável) is the 44 digits cut into 4 blocks of 11, each followed by its
own check digit computed with the same modulus as the general one: 48 digits. The bank reads the
barcode; people type the line, so parsing the line says which block is wrong.

Modulo 10: weights 2, 1, 2, … from the right, the digits of each product summed, DV = (10 − sum mod 10)
mod 10. Modulo 11: weights 2…9 cycling from the right, remainder r of the sum by 11; r = 0 or 1 → 0,
r = 10 → 1, otherwise 11 − r.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

PRODUCT_COLLECTION = 8
SEGMENT_SANITATION = 2
MODULO_10_VALUE_IDS = (6, 7)
MODULO_11_VALUE_IDS = (8, 9)
MAX_AMOUNT = Decimal("999999999.99")


class BarcodeInvalid(ValidationFailed):
    code = ErrorCode.BARCODE_INVALID

    def __init__(self, message: str, *, field: str = "barcode", blocks: tuple[int, ...] = ()) -> None:
        super().__init__(message, field=field)
        self.blocks = blocks


def mod10(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def mod11(digits: str) -> int:
    total = sum(int(char) * (2 + position % 8) for position, char in enumerate(reversed(digits)))
    rest = total % 11
    if rest in (0, 1):
        return 0
    if rest == 10:
        return 1
    return 11 - rest


def modulus_for(value_id: int) -> Callable[[str], int]:
    if value_id in MODULO_10_VALUE_IDS:
        return mod10
    if value_id in MODULO_11_VALUE_IDS:
        return mod11
    raise BarcodeInvalid(
        f"Identificador de valor inválido: {value_id} (use 6 ou 7 para módulo 10, 8 ou 9 para módulo 11).",
        field="value_id",
    )


def company_code_length(segment: int) -> int:
    return 8 if segment == 6 else 4


def general_check_digit(barcode: str) -> int:
    """The DV of position 4, from a 44-digit barcode (its position 4 is ignored) or the 43 other digits."""
    body = barcode[:3] + barcode[4:] if len(barcode) == 44 else barcode
    return modulus_for(int(body[2]))(body)


@dataclass(frozen=True)
class CollectionBarcode:
    segment: int
    value_id: int
    amount: Decimal
    company_code: str
    free_field: str
    digits: str  # the 44 digits

    @property
    def typeable_line(self) -> str:
        return typeable_line(self.digits)

    @property
    def formatted_typeable_line(self) -> str:
        return format_typeable_line(self.typeable_line)


def _only_digits(value: str, length: int, what: str, field: str) -> str:
    if not re.fullmatch(rf"\d{{{length}}}", value):
        raise BarcodeInvalid(f"{what} deve ter {length} dígitos numéricos ({value!r}).", field=field)
    return value


def build_barcode(
    *,
    amount: Decimal,
    company_code: str,
    free_field: str,
    segment: int = SEGMENT_SANITATION,
    value_id: int = 6,
) -> CollectionBarcode:
    modulus = modulus_for(value_id)
    if not 1 <= segment <= 9 or segment == 8:
        raise BarcodeInvalid(f"Segmento inválido: {segment}.", field="segment")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise BarcodeInvalid(f"O valor deve ser um Decimal finito ({amount!r}).", field="amount")
    if amount < 0 or amount > MAX_AMOUNT:
        raise BarcodeInvalid(
            f"O valor {amount} está fora do intervalo 0,00 a 999.999.999,99.", field="amount"
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise BarcodeInvalid(f"O valor {amount} tem mais de duas casas decimais.", field="amount")
    code_length = company_code_length(segment)
    _only_digits(company_code, code_length, "O código da empresa (FEBRABAN)", "company_code")
    _only_digits(free_field, 44 - 19 - (code_length - 4), "O campo livre", "free_field")
    cents = int(amount * 100)
    body = f"{PRODUCT_COLLECTION}{segment}{value_id}{cents:011d}{company_code}{free_field}"
    digits = body[:3] + str(modulus(body)) + body[3:]
    return CollectionBarcode(segment, value_id, amount, company_code, free_field, digits)


def typeable_line(barcode: str) -> str:
    """The 48-digit typeable line of a 44-digit barcode (no separators)."""
    _only_digits(barcode, 44, "O código de barras", "barcode")
    modulus = modulus_for(int(barcode[2]))
    blocks = [barcode[i : i + 11] for i in range(0, 44, 11)]
    return "".join(block + str(modulus(block)) for block in blocks)


def format_typeable_line(line: str) -> str:
    """As printed on the bill: 82630000004-7 15290041425-0 00464726201-5 84667291415-3."""
    return " ".join(f"{line[i : i + 11]}-{line[i + 11]}" for i in range(0, 48, 12))


def parse_barcode(barcode: str) -> CollectionBarcode:
    """Decode and check a 44-digit barcode (as a scanner reads it)."""
    digits = _only_digits(re.sub(r"\s", "", barcode), 44, "O código de barras", "barcode")
    if digits[0] != str(PRODUCT_COLLECTION):
        raise BarcodeInvalid(
            f"O código de barras deve começar com 8 (arrecadação), começa com {digits[0]}.", field="barcode"
        )
    expected = general_check_digit(digits)
    if int(digits[3]) != expected:
        raise BarcodeInvalid(
            f"Dígito verificador geral (posição 4) não confere: {digits[3]} (esperado {expected}).",
            field="barcode",
        )
    segment, value_id = int(digits[1]), int(digits[2])
    code_length = company_code_length(segment)
    return CollectionBarcode(
        segment=segment,
        value_id=value_id,
        amount=(Decimal(int(digits[4:15])) / 100).quantize(Decimal("0.01")),
        company_code=digits[15 : 15 + code_length],
        free_field=digits[15 + code_length :],
        digits=digits,
    )


def parse_typeable_line(text: str) -> CollectionBarcode:
    """Decode a typed line (spaces, dots and hyphens allowed), naming every block whose DV is wrong."""
    line = re.sub(r"[\s.\-]", "", text or "")
    if not line.isdigit():
        raise BarcodeInvalid("A linha digitável deve conter apenas números.", field="typeable_line")
    if len(line) != 48:
        raise BarcodeInvalid(
            f"A linha digitável deve ter 48 dígitos (tem {len(line)}).", field="typeable_line"
        )
    if line[0] != str(PRODUCT_COLLECTION):
        raise BarcodeInvalid(
            f"A linha digitável deve começar com 8 (arrecadação), começa com {line[0]}.",
            field="typeable_line",
        )
    try:
        modulus = modulus_for(int(line[2]))
    except BarcodeInvalid as error:
        raise BarcodeInvalid(error.message, field="typeable_line") from None
    wrong: list[tuple[int, str, int]] = []
    for number in range(1, 5):
        block = line[(number - 1) * 12 : (number - 1) * 12 + 11]
        given = line[(number - 1) * 12 + 11]
        expected = modulus(block)
        if int(given) != expected:
            wrong.append((number, given, expected))
    if wrong:
        details = "; ".join(f"bloco {n}: dígito {g}, esperado {e}" for n, g, e in wrong)
        which = (
            f"no bloco {wrong[0][0]}"
            if len(wrong) == 1
            else "nos blocos " + _join([str(n) for n, _, _ in wrong])
        )
        raise BarcodeInvalid(
            f"Linha digitável inválida: dígito verificador não confere {which} ({details}).",
            field="typeable_line",
            blocks=tuple(n for n, _, _ in wrong),
        )
    barcode = "".join(line[i : i + 11] for i in range(0, 48, 12))
    try:
        return parse_barcode(barcode)
    except BarcodeInvalid as error:
        raise BarcodeInvalid(f"Linha digitável inválida: {error.message}", field="typeable_line") from None


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " e " + items[-1]


# --- free field layouts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GsanCollectionDocument:
    """The 25-digit free field GSAN writes for payment type 5, "documento de cobrança do imóvel"
    (prodigasistemas/gsan, ControladorArrecadacao.obterIdentificacaoPagamento): locality (3),
    matrícula with its DV (9), document sequence (9), document type (2), the constant 1 (the
    matrícula has 9 digits) and the payment type (1). The seed-003 sample of DESO uses it."""

    locality: int
    account_number: int
    sequence: int
    document_type: int
    payment_type: int = 5

    def free_field(self) -> str:
        fields = (
            (self.locality, 3, "localidade"),
            (self.account_number, 9, "matrícula"),
            (self.sequence, 9, "número sequencial do documento"),
            (self.document_type, 2, "tipo de documento"),
            (self.payment_type, 1, "tipo de pagamento"),
        )
        for value, width, name in fields:
            if not 0 <= value < 10**width:
                raise BarcodeInvalid(
                    f"O campo {name} ({value}) não cabe em {width} dígitos.", field="free_field"
                )
        return (
            f"{self.locality:03d}{self.account_number:09d}{self.sequence:09d}"
            f"{self.document_type:02d}1{self.payment_type:01d}"
        )

    @classmethod
    def parse(cls, free_field: str) -> GsanCollectionDocument:
        _only_digits(free_field, 25, "O campo livre", "free_field")
        return cls(
            locality=int(free_field[0:3]),
            account_number=int(free_field[3:12]),
            sequence=int(free_field[12:21]),
            document_type=int(free_field[21:23]),
            payment_type=int(free_field[24]),
        )

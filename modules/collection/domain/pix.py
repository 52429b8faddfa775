"""PIX BR Code payload ("copia e cola"): EMV QRCPS Merchant Presented Mode, as the Banco Central's
"Manual de Padrões para Iniciação do Pix" profiles it.

Every field is ID (2 digits) + length (2 digits) + value. The payload ends with field 63, the CRC16
(CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR) of everything before
it including "6304", in four upper-case hexadecimal digits.

    00 payload format "01" · 01 point of initiation "12" (single use; dynamic) · 26 merchant account:
    00 "br.gov.bcb.pix", 01 key or 25 location URL (without "https://"), 02 message · 52 "0000" ·
    53 "986" (BRL) · 54 amount · 58 "BR" · 59 name (≤ 25) · 60 city (≤ 15) · 62 additional data:
    05 txid (static: up to 25 letters/digits; dynamic: "***", the txid lives at the location) · 63 CRC

Dynamic charges (cobrança with a location) are the ones a bill or a statement carries: the PSP's
location holds amount, due date and late charges. A key-based payload is static; it is kept for
counters and the agency's "pay now" of an exact amount.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

GUI = "br.gov.bcb.pix"
NAME_MAX = 25
CITY_MAX = 15
TXID_STATIC = re.compile(r"[A-Za-z0-9]{1,25}")


def crc16_ccitt(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _field(field_id: str, value: str) -> str:
    if len(value) > 99:
        raise ValidationFailed(
            f"O campo {field_id} do BR Code passa de 99 caracteres.", field=field_id, code=ErrorCode.INVALID
        )
    return f"{field_id}{len(value):02d}{value}"


def _ascii(text: str) -> str:
    """Names, cities and messages go without accents (EMV's character set): 'São Paulo' → 'Sao Paulo'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(char for char in decomposed if not unicodedata.combining(char))
        .encode("ascii", "ignore")
        .decode()
    )


@dataclass(frozen=True)
class PixCharge:
    merchant_name: str
    merchant_city: str
    amount: Decimal | None = None
    txid: str | None = None  # static payloads only; "***" when absent
    key: str | None = None
    location: str | None = None  # dynamic: the PSP's payload URL, with or without "https://"
    message: str | None = None  # static payloads only (field 26-02)


def build_payload(charge: PixCharge) -> str:
    """The "copia e cola" text; raise ValidationFailed (pt-BR, with the field) for what cannot be encoded."""
    if (charge.key is None) == (charge.location is None):
        raise ValidationFailed(
            "Informe a chave Pix ou a URL de localização (uma das duas).", field="key", code=ErrorCode.INVALID
        )
    name = _ascii(charge.merchant_name).strip()
    city = _ascii(charge.merchant_city).strip()
    if not name:
        raise ValidationFailed("Informe o nome do recebedor.", field="merchant_name", code=ErrorCode.INVALID)
    if not city:
        raise ValidationFailed(
            "Informe a cidade do recebedor.", field="merchant_city", code=ErrorCode.INVALID
        )
    account = _field("00", GUI)
    if charge.location is not None:
        location = re.sub(r"^https://", "", charge.location.strip())
        if not location or "://" in location:
            raise ValidationFailed(
                "A URL de localização deve usar https.", field="location", code=ErrorCode.INVALID
            )
        if charge.txid not in (None, "***"):
            raise ValidationFailed(
                "Em cobrança dinâmica o txid fica na localização; não o informe no BR Code.",
                field="txid",
                code=ErrorCode.INVALID,
            )
        account += _field("25", location)
        txid = "***"
    else:
        account += _field("01", (charge.key or "").strip())
        if charge.message:
            account += _field("02", _ascii(charge.message).strip())
        txid = charge.txid or "***"
        if txid != "***" and not TXID_STATIC.fullmatch(txid):
            raise ValidationFailed(
                "O txid deve ter de 1 a 25 letras ou números, sem espaços.",
                field="txid",
                code=ErrorCode.INVALID,
            )
    parts = [_field("00", "01")]
    if charge.location is not None:
        parts.append(_field("01", "12"))
    parts += [_field("26", account), _field("52", "0000"), _field("53", "986")]
    if charge.amount is not None:
        if charge.amount <= 0 or charge.amount != charge.amount.quantize(Decimal("0.01")):
            raise ValidationFailed(
                "O valor deve ser positivo e ter até duas casas decimais.",
                field="amount",
                code=ErrorCode.INVALID,
            )
        parts.append(_field("54", f"{charge.amount:.2f}"))
    parts += [
        _field("58", "BR"),
        _field("59", name[:NAME_MAX]),
        _field("60", city[:CITY_MAX]),
        _field("62", _field("05", txid)),
    ]
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt(body.encode('utf-8')):04X}"


def parse_payload(payload: str) -> dict[str, str]:
    """Top-level fields of a BR Code by ID, after checking its CRC; nested templates stay as text."""
    payload = payload.strip()
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValidationFailed(
            "BR Code sem o campo CRC (6304) no final.", field="payload", code=ErrorCode.INVALID
        )
    expected = f"{crc16_ccitt(payload[:-4].encode('utf-8')):04X}"
    if payload[-4:].upper() != expected:
        raise ValidationFailed(
            f"CRC do BR Code não confere: informado {payload[-4:]}, calculado {expected}.",
            field="payload",
            code=ErrorCode.INVALID,
        )
    return parse_fields(payload)


def parse_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise ValidationFailed(
                f"BR Code malformado na posição {position + 1}.", field="payload", code=ErrorCode.INVALID
            )
        size = int(header[2:])
        value = text[position + 4 : position + 4 + size]
        if len(value) != size:
            raise ValidationFailed(
                f"BR Code malformado na posição {position + 1}.", field="payload", code=ErrorCode.INVALID
            )
        fields[header[:2]] = value
        position += 4 + size
    return fields

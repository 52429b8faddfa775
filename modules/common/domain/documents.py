"""Brazilian taxpayer numbers: CPF and CNPJ (numeric and the alphanumeric CNPJ of July 2026).

Pure functions, no Django. The alphanumeric CNPJ (IN RFB 2.229/2024) keeps the modulo-11 check digits
of the numeric one; each of the 12 base characters is worth its ASCII code minus 48, so digits keep
their value and 'A' is worth 17.
"""

from __future__ import annotations

import re

_CPF_WEIGHTS_1 = range(10, 1, -1)
_CPF_WEIGHTS_2 = range(11, 1, -1)
_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_SHAPE = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")

# What a person reads where a customer has no document on file (legacy registries hold many; ADR 0103).
NO_DOCUMENT = "sem CPF/CNPJ"


def strip_document(value: str) -> str:
    """Drop punctuation and spaces; upper-case letters (alphanumeric CNPJ)."""
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def _mod11_digit(total: int) -> int:
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def cpf_check_digits(base9: str) -> str:
    d1 = _mod11_digit(sum(int(c) * w for c, w in zip(base9, _CPF_WEIGHTS_1, strict=True)))
    d2 = _mod11_digit(sum(int(c) * w for c, w in zip(base9 + str(d1), _CPF_WEIGHTS_2, strict=True)))
    return f"{d1}{d2}"


def is_valid_cpf(value: str) -> bool:
    digits = strip_document(value)
    if not re.fullmatch(r"\d{11}", digits) or digits == digits[0] * 11:
        return False
    return cpf_check_digits(digits[:9]) == digits[9:]


def _cnpj_value(char: str) -> int:
    return ord(char) - 48


def cnpj_check_digits(base12: str) -> str:
    d1 = _mod11_digit(sum(_cnpj_value(c) * w for c, w in zip(base12, _CNPJ_WEIGHTS_1, strict=True)))
    d2 = _mod11_digit(sum(_cnpj_value(c) * w for c, w in zip(base12 + str(d1), _CNPJ_WEIGHTS_2, strict=True)))
    return f"{d1}{d2}"


def is_valid_cnpj(value: str) -> bool:
    chars = strip_document(value)
    if not _CNPJ_SHAPE.match(chars) or chars == chars[0] * 14:
        return False
    return cnpj_check_digits(chars[:12]) == chars[12:]


def document_kind(value: str) -> str | None:
    """'cpf', 'cnpj' or None when the value is neither a valid CPF nor a valid CNPJ."""
    chars = strip_document(value)
    if len(chars) == 11 and is_valid_cpf(chars):
        return "cpf"
    if len(chars) == 14 and is_valid_cnpj(chars):
        return "cnpj"
    return None


def format_document(value: str) -> str:
    chars = strip_document(value)
    if len(chars) == 11:
        return f"{chars[:3]}.{chars[3:6]}.{chars[6:9]}-{chars[9:]}"
    if len(chars) == 14:
        return f"{chars[:2]}.{chars[2:5]}.{chars[5:8]}/{chars[8:12]}-{chars[12:]}"
    return chars


def mask_document(value: str) -> str:
    """Show only what identifies without exposing: ***.456.789-** for a CPF."""
    chars = strip_document(value)
    if len(chars) == 11:
        return f"***.{chars[3:6]}.{chars[6:9]}-**"
    if len(chars) == 14:
        return f"{chars[:2]}.{chars[2:5]}.***/****-{chars[12:]}"
    return "***"


def display_document(value: str | None) -> str:
    """The formatted document, or "sem CPF/CNPJ" when there is none."""
    return format_document(value or "") if strip_document(value or "") else NO_DOCUMENT


def display_masked_document(value: str | None) -> str:
    """The masked document, or "sem CPF/CNPJ" when there is none."""
    return mask_document(value or "") if strip_document(value or "") else NO_DOCUMENT

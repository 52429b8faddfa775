"""Brazilian telephone numbers to E.164 (+55 DDD number), pure.

What callers and registries hold: "+55 11 98765-4321", "(11) 98765-4321", "011 98765 4321" (trunk
0), "0 15 11 98765-4321" (trunk 0 and a carrier code), "98765-4321" (no DDD: the utility's local
DDD when it has one). The national significant number is the DDD (two digits, no zero) and 8 digits
(landline) or 9 starting with 9 (mobile).
"""

from __future__ import annotations

import re


class InvalidPhone(ValueError):
    pass


def _valid_national(digits: str) -> bool:
    if len(digits) not in (10, 11):
        return False
    ddd, number = digits[:2], digits[2:]
    if "0" in ddd:
        return False
    return not (len(number) == 9 and number[0] != "9")


def national_number(raw: str, default_ddd: str = "") -> str:
    """DDD + number, digits only; InvalidPhone when it is not a Brazilian number."""
    text = (raw or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or (digits.startswith("55") and len(digits) in (12, 13)):
        if not digits.startswith("55"):
            raise InvalidPhone("Número estrangeiro: só números do Brasil (+55).")
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
        if len(digits) in (12, 13):  # a carrier code (two digits) before the DDD
            digits = digits[2:]
    if len(digits) in (8, 9) and default_ddd:
        digits = default_ddd + digits
    if not _valid_national(digits):
        raise InvalidPhone("Telefone inválido: informe DDD e número.")
    return digits


def to_e164(raw: str, default_ddd: str = "") -> str:
    return "+55" + national_number(raw, default_ddd)

"""Account number (matrícula) with one check digit: modulo 11, weights 2..9 from the right.

The algorithm and the reasons for it are in docs/adr/0101-account-number-check-digit.md. In short:
DV = (11 - sum(digit * weight) mod 11) mod 11, weights 2, 3, …, 9, 2, 3, … starting at the rightmost
digit of the base. A base whose digit would be 10 is never issued (`next_account_base` skips it) and
is rejected on input, so every single-digit substitution and every swap of two adjacent digits of
the base is caught: 11 is prime, and the weights of neighbours differ by 1 or 7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BASE_DIGITS = 9
_SHAPE = re.compile(r"^\s*(\d{1,9})\s*[-./ ]?\s*(\d)\s*$")


class InvalidAccountNumber(ValueError):
    """Raised with a pt-BR message, for the caller to attach to its field."""


# R-05 (ADR 0225): the check-digit rule is the utility's. "mod11": a base whose digit would be 10 is
# never issued (the default above); "mod11_zero": that digit is written 0 (GSAN's way), so every base
# is issued and a swap that lands on 10/0 is no longer caught. The separator is how it is shown and
# stored: "464726-2" or "464726.2".
RULES = ("mod11", "mod11_zero")
SEPARATORS = ("-", ".")


@dataclass(frozen=True)
class AccountRule:
    kind: str = "mod11"
    separator: str = "-"


DEFAULT_RULE = AccountRule()


def account_check_digit(base: int | str, rule: AccountRule = DEFAULT_RULE) -> int | None:
    """The check digit of a base, or None for a base that is never issued (its digit would be 10)."""
    digits = str(base)
    if not digits.isdigit() or int(digits) <= 0 or len(digits) > MAX_BASE_DIGITS:
        raise InvalidAccountNumber("Matrícula inválida: a base deve ter de 1 a 9 dígitos.")
    total = sum(int(d) * (2 + i % 8) for i, d in enumerate(reversed(digits)))
    digit = (11 - total % 11) % 11
    if digit == 10:
        return 0 if rule.kind == "mod11_zero" else None
    return digit


def is_issuable(base: int, rule: AccountRule = DEFAULT_RULE) -> bool:
    return account_check_digit(base, rule) is not None


def next_account_base(after: int, rule: AccountRule = DEFAULT_RULE) -> int:
    """The first base above `after` that has a decimal check digit."""
    base = after + 1
    while account_check_digit(base, rule) is None:
        base += 1
    return base


def format_account_number(base: int, rule: AccountRule = DEFAULT_RULE) -> str:
    digit = account_check_digit(base, rule)
    if digit is None:
        raise InvalidAccountNumber(f"A base {base} não tem dígito verificador válido e não é emitida.")
    return f"{base}{rule.separator}{digit}"


def parse_account_number(value: str, rule: AccountRule = DEFAULT_RULE) -> int:
    """The base of a typed account number ("12345-6", "123456", "12345.6"); the digit must match."""
    match = _SHAPE.match(value or "")
    if not match:
        raise InvalidAccountNumber(
            "Matrícula inválida: informe a base e o dígito verificador (ex.: 12345-6)."
        )
    base, digit = int(match.group(1)), int(match.group(2))
    if base <= 0:
        raise InvalidAccountNumber("Matrícula inválida: a base deve ser maior que zero.")
    expected = account_check_digit(base, rule)
    if expected is None or expected != digit:
        raise InvalidAccountNumber("Matrícula inválida: dígito verificador não confere.")
    return base


def looks_like_account_number(value: str, rule: AccountRule = DEFAULT_RULE) -> bool:
    try:
        parse_account_number(value, rule)
    except InvalidAccountNumber:
        return False
    return True

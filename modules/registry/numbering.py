"""R-05 (ADR 0225): the matrícula's check digit by the utility's own rule. Every place that issues,
shows or reads a matrícula calls these, never the domain functions with their default rule. A loop over
many matrículas (an import file) reads `account_rule()` once and passes it as `rule`."""

from __future__ import annotations

from .domain import account_number as rules
from .domain import inscription


def account_rule() -> rules.AccountRule:
    from .models_numbering import NumberingSettings

    row = NumberingSettings.objects.filter(pk=1).values_list("account_rule", "account_separator").first()
    if row is None:
        return rules.DEFAULT_RULE
    return rules.AccountRule(kind=row[0], separator=row[1])


def inscription_widths() -> inscription.Widths:
    """R-07 (ADR 0214): the widths of the utility's inscrição (localidade.setor.quadra.lote.sublote)."""
    from .models_numbering import NumberingSettings

    text = NumberingSettings.objects.filter(pk=1).values_list("inscription_widths", flat=True).first()
    return inscription.parse_widths(text) if text else inscription.WIDTHS


def check_digit(base: int | str) -> int | None:
    return rules.account_check_digit(base, account_rule())


def format_account(base: int) -> str:
    return rules.format_account_number(base, account_rule())


def parse_account(value: str, rule: rules.AccountRule | None = None) -> int:
    """The base of a typed matrícula; the digit must match the utility's rule (InvalidAccountNumber)."""
    return rules.parse_account_number(value, rule or account_rule())


def next_base(after: int) -> int:
    return rules.next_account_base(after, account_rule())


def looks_like_account(value: str) -> bool:
    return rules.looks_like_account_number(value, account_rule())

"""Money and typeable-line formatting for the agency's pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from modules.billing.domain.febraban import format_typeable_line
from modules.common.domain.money import format_brl

register = template.Library()


@register.filter
def brl(value: Decimal | None) -> str:
    return format_brl(Decimal(value)) if value is not None else "—"


@register.filter
def typeable(value: str | None) -> str:
    """48 digits as four blocks of 11 digits + check digit: "82600000001-1 57300041202-5 ..."."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return format_typeable_line(digits) if len(digits) == 48 else digits

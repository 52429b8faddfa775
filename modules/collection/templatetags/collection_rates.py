"""`{{ rate|percent }}`: a monthly rate kept as a fraction (0.009300) shown as the Central Bank
publishes it ("0,93 %")."""

from __future__ import annotations

from decimal import Decimal

from django import template

from modules.collection.index_rates import percent_label

register = template.Library()


@register.filter
def percent(rate: Decimal | None) -> str:
    return "—" if rate is None else percent_label(Decimal(rate))

"""Solid-waste charges on their own documents (seed 001 3.2.7.23, 3.2.7.24; ADR 0222): the annual
charge of a property from its tariff (each category's monthly amount per economia × economias × 12)
and its carnê: a configurable number of monthly slips, or one annual slip, that add up to the annual
charge to the cent (each slip truncated, the last one takes the remainder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from .tariffs import DwellingUnits, TariffVersion

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Slip:
    number: int  # 1-based
    of: int
    due_date: dt.date
    amount: Decimal


def annual_solid_waste(version: TariffVersion, units: Sequence[DwellingUnits]) -> Decimal:
    """Twelve months of the categories' solid-waste amounts for these economias (0 when none charges)."""
    monthly = sum(
        ((version.category(u.category_code).solid_waste_amount or Decimal(0)) * u.count for u in units),
        Decimal(0),
    )
    return (monthly * 12).quantize(CENT, rounding=ROUND_DOWN)


def carne_slips(annual: Decimal, installments: int, first_due: dt.date) -> tuple[Slip, ...]:
    """The carnê's slips: `installments` monthly slips (1 = one annual slip), due on `first_due`'s day
    of each following month (day 28 at most). Raises ValidationFailed naming the field."""
    if isinstance(installments, bool) or not isinstance(installments, int) or not 1 <= installments <= 12:
        raise ValidationFailed(
            "O carnê tem de 1 (anual) a 12 parcelas mensais.",
            field="installments",
            code=ErrorCode.CARNE_INSTALLMENTS_INVALID,
        )
    if annual <= 0:
        raise ValidationFailed(
            "O imóvel não tem cobrança de resíduos sólidos na tarifa.",
            field="property",
            code=ErrorCode.NO_SOLID_WASTE,
        )
    each = (annual / installments).quantize(CENT, rounding=ROUND_DOWN)
    start = YearMonth.of(first_due)
    day = min(first_due.day, 28)
    return tuple(
        Slip(
            number=n,
            of=installments,
            due_date=start.plus(n - 1).day(day),
            amount=each if n < installments else annual - each * (installments - 1),
        )
        for n in range(1, installments + 1)
    )

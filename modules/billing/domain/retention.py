"""Tax retention on the invoices of public bodies (seed 001 3.2.7.10; seed 002 S4.4-05; ADR 0221): a
body that pays for many properties withholds federal taxes (IN RFB 1.234/2012, for the federal
administration) and, where the municipality says so, a municipal one, at the rates the utility
records for the body. The withheld amounts are lines of the grouped invoice: rate, base and value;
the body pays the net. The base leaves out the bills whose usage plan is tax-exempt (S5.3-04).
Each line is rounded once by the tenant's rule; the net is the gross less the rounded lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from modules.common.domain.money import Rounding, round_money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class Sphere(StrEnum):
    FEDERAL = "federal"
    MUNICIPAL = "municipal"


SPHERE_LABELS = {
    Sphere.FEDERAL: "Retenção de tributos federais",
    Sphere.MUNICIPAL: "Retenção de tributo municipal",
}


@dataclass(frozen=True)
class RetentionRate:
    sphere: Sphere
    percent: Decimal


@dataclass(frozen=True)
class RetentionLine:
    sphere: Sphere
    description: str
    percent: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Retention:
    gross: Decimal
    lines: tuple[RetentionLine, ...]

    @property
    def withheld(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        return self.gross - self.withheld


def retention(
    gross: Decimal, base: Decimal, rates: Sequence[RetentionRate], rounding: Rounding = Rounding.TRUNCATE
) -> Retention:
    """The grouped invoice's retention lines over `base` (the part of `gross` subject to tax)."""
    lines = tuple(
        RetentionLine(
            rate.sphere,
            f"{SPHERE_LABELS[rate.sphere]} ({format(rate.percent, 'f').replace('.', ',')} %)",
            rate.percent,
            base,
            round_money(base * rate.percent / HUNDRED, rounding),
        )
        for rate in rates
        if rate.percent
    )
    return Retention(gross, lines)

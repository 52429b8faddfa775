"""Retention lines of a paying body's grouped invoice (seed 001 3.2.7.10, S4.4-05): rate, base and
value per sphere, rounded once by the tenant's rule; the net is the gross less the lines."""

from __future__ import annotations

from decimal import Decimal

from modules.billing.domain.retention import RetentionRate, Sphere, retention
from modules.common.domain.money import Rounding

D = Decimal


def test_federal_and_municipal_lines_to_the_cent() -> None:
    # base 1 234.56: federal 5.85 % = 72.221 76 → 72.22; municipal 2 % = 24.6912 → 24.69
    out = retention(
        D("1234.56"),
        D("1234.56"),
        [RetentionRate(Sphere.FEDERAL, D("5.85")), RetentionRate(Sphere.MUNICIPAL, D("2"))],
    )
    assert [(line.description, line.base, line.amount) for line in out.lines] == [
        ("Retenção de tributos federais (5,85 %)", D("1234.56"), D("72.22")),
        ("Retenção de tributo municipal (2 %)", D("1234.56"), D("24.69")),
    ]
    assert (out.withheld, out.net) == (D("96.91"), D("1137.65"))


def test_the_base_leaves_out_exempt_bills_and_half_up_rounds_up() -> None:
    # gross 300.00 of which 100.00 tax-exempt: 4.8 % of 200.00 = 9.60; 1.25 % of 200.40 = 2.505
    out = retention(D("300.00"), D("200.00"), [RetentionRate(Sphere.FEDERAL, D("4.8"))])
    assert (out.withheld, out.net) == (D("9.60"), D("290.40"))
    half = retention(D("200.40"), D("200.40"), [RetentionRate(Sphere.MUNICIPAL, D("1.25"))], Rounding.HALF_UP)
    trunc = retention(D("200.40"), D("200.40"), [RetentionRate(Sphere.MUNICIPAL, D("1.25"))])
    assert (half.withheld, trunc.withheld) == (D("2.51"), D("2.50"))
    assert retention(D("10.00"), D("10.00"), [RetentionRate(Sphere.FEDERAL, D("0"))]).lines == ()

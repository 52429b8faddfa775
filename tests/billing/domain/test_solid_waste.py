"""Solid-waste carnês (seed 001 3.2.7.24): 12 monthly slips or 1 annual slip adding up to the annual
charge to the cent; the annual charge from the tariff's amount per economia."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from modules.billing.domain.solid_waste import annual_solid_waste, carne_slips
from modules.billing.domain.tariffs import Band, CategoryTariff, DwellingUnits, TariffVersion
from modules.common.errors import ValidationFailed

D = Decimal


def test_twelve_slips_add_up_to_the_annual_charge_the_last_takes_the_remainder() -> None:
    slips = carne_slips(D("100.00"), 12, dt.date(2026, 1, 31))
    assert [s.amount for s in slips] == [D("8.33")] * 11 + [D("8.37")]
    assert sum(s.amount for s in slips) == D("100.00")
    assert [s.due_date for s in slips[:3]] == [
        dt.date(2026, 1, 28),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 28),
    ]
    assert (slips[-1].number, slips[-1].of) == (12, 12)


def test_one_annual_slip_and_bad_counts_are_refused_naming_the_field() -> None:
    (annual,) = carne_slips(D("90.00"), 1, dt.date(2026, 3, 10))
    assert (annual.amount, annual.due_date) == (D("90.00"), dt.date(2026, 3, 10))
    for bad in (0, 13):
        with pytest.raises(ValidationFailed) as caught:
            carne_slips(D("90.00"), bad, dt.date(2026, 3, 10))
        assert caught.value.field == "installments"
    with pytest.raises(ValidationFailed) as none:
        carne_slips(D("0.00"), 12, dt.date(2026, 3, 10))
    assert none.value.code == "no_solid_waste"


def test_the_annual_charge_is_twelve_months_per_economia() -> None:
    version = TariffVersion(
        act="Ato RS",
        valid_from=dt.date(2026, 1, 1),
        categories=(
            CategoryTariff("RES", "Residencial", (Band(0, None, D("1.00")),), solid_waste_amount=D("7.50")),
            CategoryTariff("COM", "Comercial", (Band(0, None, D("2.00")),), solid_waste_amount=D("12.35")),
            CategoryTariff("PUB", "Pública", (Band(0, None, D("2.00")),)),
        ),
    )
    # (2 × 7.50 + 1 × 12.35) × 12 = 27.35 × 12 = 328.20
    units = [DwellingUnits("RES", 2), DwellingUnits("COM", 1), DwellingUnits("PUB", 1)]
    assert annual_solid_waste(version, units) == D("328.20")
    assert sum(s.amount for s in carne_slips(D("328.20"), 12, dt.date(2026, 1, 10))) == D("328.20")

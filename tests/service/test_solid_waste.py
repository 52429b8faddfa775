"""Solid-waste carnês (seed 001 3.2.7.23, 3.2.7.24; ADR 0222): 12 monthly slips or 1 annual slip, each
a payable document of its own with a barcode that parses back to its amount, adding up to the annual
charge of the tariff in force; a second carnê of the year is refused and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from modules.billing.domain.febraban import parse_barcode
from modules.billing.services.tariffs import tariff_approve, tariff_create
from modules.collection.models import PaymentDocument
from modules.common.errors import Conflict, ValidationFailed
from modules.service.services.solid_waste import solid_waste_carne_issue
from tests.billing import factories as f


def _tariff_with_solid_waste() -> None:
    doc = f.sorocaba_tariff_json()
    doc["categories"][0]["solid_waste_amount"] = "8.34"
    tariff_approve(actor=f.ACTOR, tariff=tariff_create(actor=f.ACTOR, data=doc), today=dt.date(2025, 1, 1))


@pytest.mark.usefixtures("tenant_alpha")
def test_twelve_monthly_slips_each_with_its_barcode_add_up_to_the_year() -> None:
    f.set_company_code("0562")
    _tariff_with_solid_waste()
    p = f.billable(f.group(), categories=(("RES", 2),))
    docs = solid_waste_carne_issue(
        actor=f.ACTOR, property_id=p.pk, year=2026, installments=12, first_due=dt.date(2026, 1, 10)
    )
    # 2 economias × 8.34 × 12 = 200.16; 200.16 / 12 = 16.68 each, no remainder
    assert [d.amount for d in docs] == [Decimal("16.68")] * 12
    assert sum(d.amount for d in docs) == Decimal("200.16")
    assert [d.valid_until for d in docs][:2] == [dt.date(2026, 1, 10), dt.date(2026, 2, 10)]
    assert {d.kind for d in docs} == {"solid_waste"}
    assert all(parse_barcode(d.barcode).amount == d.amount for d in docs)
    assert len({d.barcode for d in docs}) == 12
    with pytest.raises(Conflict) as again:
        solid_waste_carne_issue(
            actor=f.ACTOR, property_id=p.pk, year=2026, installments=1, first_due=dt.date(2026, 1, 10)
        )
    assert again.value.field == "year"
    assert PaymentDocument.objects.filter(property=p, kind="solid_waste").count() == 12


@pytest.mark.usefixtures("tenant_alpha")
def test_one_annual_slip_and_a_bad_count_writes_nothing() -> None:
    f.set_company_code("0562")
    _tariff_with_solid_waste()
    p = f.billable(f.group())
    with pytest.raises(ValidationFailed) as bad:
        solid_waste_carne_issue(
            actor=f.ACTOR, property_id=p.pk, year=2026, installments=13, first_due=dt.date(2026, 3, 10)
        )
    assert bad.value.field == "installments"
    assert not PaymentDocument.objects.filter(property=p).exists()
    (annual,) = solid_waste_carne_issue(
        actor=f.ACTOR, property_id=p.pk, year=2026, installments=1, first_due=dt.date(2026, 3, 10)
    )
    assert (annual.amount, annual.valid_until) == (Decimal("100.08"), dt.date(2026, 3, 10))  # 8.34 × 12
    assert parse_barcode(annual.barcode).amount == Decimal("100.08")

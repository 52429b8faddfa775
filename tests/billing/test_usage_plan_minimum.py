"""A property's usage plan sets its category's minimum (seed 002 §5.3, S5.3-04): a run bills the
plan's minimum per economia in place of the tariff's, to the cent; without a plan the tariff's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.billing.models import Bill, RunChunk
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import Category, PropertyCategory, UsagePlan
from tests.billing import factories as f

MAY = YearMonth(2025, 5)


@pytest.mark.usefixtures("tenant_alpha")
def test_the_plan_minimum_replaces_the_tariff_minimum_to_the_cent() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    on_plan, plain = f.billable(g), f.billable(g)
    plan = UsagePlan.objects.create(
        category=Category.objects.get(code="RES"), code="P15", name="Mínimo 15", minimum_m3_per_unit=15
    )
    PropertyCategory.objects.filter(property=on_plan).update(usage_plan=plan)
    f.schedule(g, MAY)
    for p in (on_plan, plain):
        reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MAY, MAY.day(10), 5, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MAY, enqueue=False, today=MAY.day(29))
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    # 5 m³ read; the plan bills 15 m³: water 10 × 1.07 + 5 × 1.61 = 18.75, sewer 9.89 + 7.44 = 17.33
    billed = Bill.objects.get(run=run, property=on_plan)
    assert [i.amount for i in billed.items.filter(kind="water").order_by("position")] == [
        Decimal("10.70"),
        Decimal("8.05"),
    ]
    assert billed.total == Decimal("36.08")
    # the test tariff sets no minimum: 5 m³ → water 5 × 1.07 = 5.35, sewer 4.94
    assert Bill.objects.get(run=run, property=plain).total == Decimal("10.29")


@pytest.mark.usefixtures("tenant_alpha")
def test_a_plan_without_a_minimum_keeps_the_tariff_minimum_and_the_plan_minimum_is_per_economia() -> None:
    from modules.billing.domain.calculation import calculate_bill
    from modules.billing.domain.tariffs import DwellingUnits
    from modules.billing.services.tariffs import tariff_version

    version = tariff_version(f.approved_tariff())
    tariff = calculate_bill(version, 5, [DwellingUnits("RES", 2)])
    none_set = calculate_bill(version, 5, [DwellingUnits("RES", 2, None)])
    plan = calculate_bill(version, 5, [DwellingUnits("RES", 2, 15)])
    assert tariff == none_set and tariff.categories[0].billed_m3 == 5
    assert plan.categories[0].billed_m3 == 30  # 15 m³ × 2 economias

"""Billing's section of the configuration document: settings, tariff versions (approved, drafts and,
apart, projections), bill messages and quality tables exported from one utility, imported into
another and exported again give the same section; plan refuses bad input naming its path and
writes nothing."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from modules.billing.configuration import SECTION
from modules.billing.models import BillingSettings, BillText, Tariff
from modules.billing.services.settings import billing_settings_update
from modules.billing.services.tariffs import tariff_create
from modules.billing.services.texts import QualityRow, bill_message_create, quality_table_save
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.registry.models import Category
from tenants.models import Tenant
from tests.billing import factories as f


def _use(schema: str) -> None:
    connection.set_tenant(Tenant.objects.get(schema_name=schema))


@pytest.fixture
def alpha_configured(tenant_alpha: Any) -> Iterator[dict[str, Any]]:
    billing_settings_update(
        actor=f.ACTOR,
        min_days_after_issue=8,
        history_months=18,
        first_bill_min_days=10,
        history_start=dt.date(2025, 1, 1),
        delivery_fee=Decimal("3.50"),
        print_excess_message=False,
        common_area_policy="apportion",
    )
    f.approved_tariff()
    tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(act="Rascunho 2026", valid_from="2026-01-01"))
    tariff_create(
        actor=f.ACTOR,
        data=f.sorocaba_tariff_json(act="Projeção +8 %", valid_from="2026-01-01", category_split="equal"),
        projection=True,
    )
    group = f.group(7)
    bill_message_create(
        actor=f.ACTOR,
        title="Recadastramento do grupo 7",
        body="Atualize seus dados.",
        valid_from=YearMonth(2025, 5),
        valid_until=YearMonth(2025, 8),
        billing_group=group,
        category=Category.objects.get(code="RES"),
    )
    bill_message_create(
        actor=f.ACTOR, title="Débitos vencidos", valid_from=YearMonth(2025, 1), condition="overdue_debts"
    )
    quality_table_save(
        actor=f.ACTOR,
        month=YearMonth(2025, 4),
        title="Qualidade da água",
        rows=[QualityRow("Turbidez (uT)", "30", "31", "30", "≤ 5")],
    )
    yield SECTION.export()
    connection.set_schema_to_public()


def test_export_import_export_gives_the_same_section(alpha_configured: dict[str, Any]) -> None:
    document = alpha_configured
    assert [t["act"] for t in document["tariffs"]] == ["Ato 14.7", "Rascunho 2026"]
    assert [t["act"] for t in document["projections"]] == ["Projeção +8 %"]
    assert document["projections"][0]["category_split"] == "equal"
    assert document["settings"] == {
        "min_days_after_issue": 8,
        "history_months": 18,
        "m3_per_outlet": 0,
        "max_water_leak_percent": 70,
        "max_sewer_leak_percent": 70,
        "first_bill_min_days": 10,
        "history_start": "2025-01",
        "delivery_fee": "3.50",
        "print_excess_message": False,
        "common_area_policy": "apportion",
    }

    _use("beta")
    f.group(7)
    changes = SECTION.plan(copy.deepcopy(document))
    assert {c.path for c in changes} >= {
        "billing.settings.min_days_after_issue",
        "billing.tariffs",
        "billing.projections",
        "billing.messages",
        "billing.water_quality",
    }
    assert not Tariff.objects.exists()  # plan writes nothing

    with transaction.atomic():
        SECTION.apply(copy.deepcopy(document), actor=f.ACTOR)

    again = SECTION.export()
    assert again == document
    assert Tariff.objects.get(act="Ato 14.7").status == "approved"
    assert Tariff.objects.get(act="Projeção +8 %").status == "projection"
    assert AuditEntry.objects.filter(action="billing.tariff_approve").count() == 1
    # importing the same document again changes nothing
    assert SECTION.plan(copy.deepcopy(document)) == []
    with transaction.atomic():
        SECTION.apply(copy.deepcopy(document), actor=f.ACTOR)
    assert SECTION.export() == document
    assert Tariff.objects.count() == 3 and BillText.objects.count() == 3


def test_a_tariff_naming_a_category_the_utility_lacks_is_refused_with_its_path(
    alpha_configured: dict[str, Any],
) -> None:
    document = copy.deepcopy(alpha_configured)
    document["tariffs"][1]["categories"][1]["code"] = "ASSOC"
    _use("beta")
    f.group(7)
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(document)
    assert raised.value.field == "billing.tariffs[1].categories[1].code"
    assert raised.value.code == "config_unknown_category"
    assert "ASSOC" in raised.value.message
    with pytest.raises(ValidationFailed), transaction.atomic():
        SECTION.apply(document, actor=f.ACTOR)
    assert not Tariff.objects.exists() and not BillText.objects.exists()
    assert BillingSettings.current().min_days_after_issue == 5


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            ("tariffs", 0, "categories", 0, "bands", 1, "from_m3"),
            14,
            "billing.tariffs[0].categories[0].bands[1].from_m3",
        ),
        (("settings", "history_months"), 3, "billing.settings.history_months"),
        (("settings", "delivery_fee"), "-1.00", "billing.settings.delivery_fee"),
        (("settings", "history_start"), "2025-13", "billing.settings.history_start"),
        (("messages", 0, "billing_group"), 99, "billing.messages[0].billing_group"),
        (("water_quality", 0, "month"), "2025-13", "billing.water_quality[0].month"),
    ],
)
def test_plan_refuses_bad_input_naming_the_path(
    alpha_configured: dict[str, Any], path: tuple[Any, ...], value: Any, field: str
) -> None:
    document = copy.deepcopy(alpha_configured)
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _use("beta")
    f.group(7)
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(document)
    assert raised.value.field == field


def test_an_approved_version_is_never_changed_in_place_by_an_import(tenant_alpha: Any) -> None:
    f.approved_tariff()
    document = SECTION.export()
    document["tariffs"][0]["categories"][0]["bands"][0]["price"] = "9.99"
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(document)
    assert (raised.value.field, raised.value.code) == ("billing.tariffs[0]", "config_approved_tariff_changed")
    document = SECTION.export()
    document["tariffs"] = []
    with pytest.raises(ValidationFailed) as removed:
        SECTION.plan(document)
    assert removed.value.field == "billing.tariffs"
    assert Tariff.objects.get().valid_from == dt.date(2013, 1, 1)

"""Reading's section of the configuration document: exported from alpha, planned and applied in beta,
exported again the same; bad input refused with the document path; a version in force on a billed
month never changed nor removed by an import; plan writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from modules.billing.models import BillingRun
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry, Regulation
from modules.reading.configuration import SECTION
from modules.reading.models import Holiday, ScheduleSettings
from modules.reading.services import holiday_create
from modules.reading.services.regulation import POLICY_KIND, consumption_policy, consumption_regulation_create
from modules.reading.services.schedule import schedule_settings_update
from modules.registry.models import BillingGroup
from tests.billing import factories as f

JAN = dt.date(2026, 1, 1)


def _alpha_settings() -> None:
    g = f.group()
    consumption_regulation_create(
        actor=f.ACTOR, valid_from=JAN, act="Decreto 1/2026", high_percent=Decimal("55.5")
    )
    consumption_regulation_create(
        actor=f.ACTOR,
        valid_from=dt.date(2026, 7, 1),
        act="Decreto 7/2026",
        average_months=3,
        check_min_average_m3=4,
    )
    schedule_settings_update(actor=f.ACTOR, group=g, nominal_day=9, due_calendar_days=14)
    holiday_create(actor=f.ACTOR, day=dt.date(2026, 1, 20), name="São Sebastião")
    holiday_create(actor=f.ACTOR, day=dt.date(2026, 3, 5), name="Aniversário da cidade")


def _use(tenant_alpha: Any, schema: str) -> None:
    connection.set_tenant(type(tenant_alpha).objects.get(schema_name=schema))


def test_alpha_to_beta_and_back_gives_the_same_section(tenant_alpha: Any) -> None:
    _alpha_settings()
    exported = SECTION.export()
    assert exported == {
        "consumption_regulation": [
            {
                "valid_from": "2026-01-01",
                "act": "Decreto 1/2026",
                "average_months": 6,
                "average_rounding": "down",
                "deviation_months": 12,
                "high_percent": "55.5",
                "low_percent": "30",
                "check_min_average_m3": 0,
                "rollover_window_percent": "10",
            },
            {
                "valid_from": "2026-07-01",
                "act": "Decreto 7/2026",
                "average_months": 3,
                "average_rounding": "down",
                "deviation_months": 12,
                "high_percent": "55.5",
                "low_percent": "30",
                "check_min_average_m3": 4,
                "rollover_window_percent": "10",
            },
        ],
        "schedule_settings": [
            {
                "group": 7,
                "nominal_day": 9,
                "margin_days": 2,
                "route_business_days": 1,
                "batch_lead_business_days": 1,
                "billing_lag_business_days": 1,
                "due_calendar_days": 14,
            }
        ],
        "municipal_holidays": [
            {"date": "2026-01-20", "name": "São Sebastião"},
            {"date": "2026-03-05", "name": "Aniversário da cidade"},
        ],
    }

    _use(tenant_alpha, "beta")
    BillingGroup.objects.get_or_create(code=7, defaults={"name": "Grupo 7"})  # the registry section's work
    audits = AuditEntry.objects.count()
    changes = SECTION.plan(exported)
    assert sorted(c.path for c in changes) == [
        "reading.consumption_regulation[2026-01-01]",
        "reading.consumption_regulation[2026-07-01]",
        "reading.municipal_holidays[2026-01-20]",
        "reading.municipal_holidays[2026-03-05]",
        "reading.schedule_settings[7]",
    ]
    assert {c.kind for c in changes} == {"add"}
    assert not Regulation.objects.filter(kind=POLICY_KIND).exists() and not Holiday.objects.exists()
    assert AuditEntry.objects.count() == audits  # plan writes nothing

    with transaction.atomic():
        SECTION.apply(exported, actor=f.ACTOR)

    assert SECTION.export() == exported
    assert SECTION.plan(exported) == []
    assert consumption_policy(dt.date(2026, 8, 1)).check_min_average_m3 == 4
    assert AuditEntry.objects.filter(action="reading.consumption_regulation_create").count() == 2


def test_an_import_changes_removes_and_renames_what_nothing_billed_used(tenant_alpha: Any) -> None:
    _alpha_settings()
    document = SECTION.export()
    document["consumption_regulation"][1]["low_percent"] = "20"
    del document["consumption_regulation"][0]
    document["schedule_settings"] = []
    document["municipal_holidays"][0]["name"] = "Dia de São Sebastião"

    kinds = {c.path: c.kind for c in SECTION.plan(document)}
    assert kinds == {
        "reading.consumption_regulation[2026-01-01]": "remove",
        "reading.consumption_regulation[2026-07-01]": "change",
        "reading.schedule_settings[7]": "remove",
        "reading.municipal_holidays[2026-01-20]": "change",
    }
    with transaction.atomic():
        SECTION.apply(document, actor=f.ACTOR)

    assert SECTION.export() == document
    assert not ScheduleSettings.objects.exists()
    assert consumption_policy(dt.date(2026, 7, 1)).low_percent == Decimal(20)


def test_a_version_in_force_on_a_billed_month_is_never_changed_by_an_import(tenant_alpha: Any) -> None:
    _alpha_settings()
    BillingRun.objects.create(
        group=BillingGroup.objects.get(code=7), reference=dt.date(2026, 2, 1), created_by="t"
    )
    before = SECTION.export()

    changed = SECTION.export()
    changed["consumption_regulation"][0]["high_percent"] = "60"
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(changed)
    assert (raised.value.field, raised.value.code) == (
        "reading.consumption_regulation[0].valid_from",
        "regulation_month_billed",
    )
    assert "vigorou na referência faturada 02/2026" in raised.value.message

    earlier = SECTION.export()
    earlier["consumption_regulation"].insert(
        0, {**earlier["consumption_regulation"][0], "valid_from": "2025-12-01"}
    )
    earlier["consumption_regulation"][0]["act"] = "Decreto antigo"
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(earlier)
    assert raised.value.field == "reading.consumption_regulation[0].valid_from"
    assert "a nova versão deve começar em 03/2026 ou depois" in raised.value.message

    removed = SECTION.export()
    del removed["consumption_regulation"][0]
    with pytest.raises(ValidationFailed) as raised, transaction.atomic():
        SECTION.apply(removed, actor=f.ACTOR)
    assert raised.value.code == "regulation_month_billed"
    assert SECTION.export() == before


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ([], "reading"),
        ({"routes": []}, "reading.routes"),
        ({"consumption_regulation": {}}, "reading.consumption_regulation"),
        ({"consumption_regulation": [{"valid_from": "2026-01-01", "act": "X", "high_percent": "-1"}]},
         "reading.consumption_regulation[0].high_percent"),
        ({"consumption_regulation": [{"valid_from": "2026-01-15", "act": "X"}]},
         "reading.consumption_regulation[0].valid_from"),
        ({"consumption_regulation": [{"valid_from": "2026-01-01"}]}, "reading.consumption_regulation[0].act"),
        ({"consumption_regulation": [{"valid_from": "2026-01-01", "act": "X"},
                                     {"valid_from": "2026-01-01", "act": "Y"}]},
         "reading.consumption_regulation[1].valid_from"),
        ({"schedule_settings": [{"group": 7, "nominal_day": 5}]}, "reading.schedule_settings[0].margin_days"),
        ({"schedule_settings": [{"group": "sete"}]}, "reading.schedule_settings[0].group"),
        ({"schedule_settings": [{"group": 7, "nominal_day": 40, "margin_days": 2, "route_business_days": 1,
                                 "batch_lead_business_days": 1, "billing_lag_business_days": 1,
                                 "due_calendar_days": 10}]}, "reading.schedule_settings[0].nominal_day"),
        ({"municipal_holidays": [{"date": "2026-02-30", "name": "X"}]}, "reading.municipal_holidays[0].date"),
        ({"municipal_holidays": [{"date": "2026-02-03", "name": ""}]}, "reading.municipal_holidays[0].name"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_the_document_path(tenant_alpha: Any, section: Any, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(section)
    assert raised.value.field == field
    assert not Regulation.objects.filter(kind=POLICY_KIND).exists()


def test_a_group_still_unknown_when_applied_is_refused_and_nothing_stays(tenant_alpha: Any) -> None:
    document = {
        "consumption_regulation": [{"valid_from": "2026-01-01", "act": "Decreto 1/2026"}],
        "schedule_settings": [
            {"group": 99, "nominal_day": 5, "margin_days": 2, "route_business_days": 1,
             "batch_lead_business_days": 1, "billing_lag_business_days": 1, "due_calendar_days": 10}
        ],
        "municipal_holidays": [],
    }  # fmt: skip
    assert [c.path for c in SECTION.plan(document)][-1] == "reading.schedule_settings[99]"
    with pytest.raises(ValidationFailed) as raised, transaction.atomic():
        SECTION.apply(document, actor=f.ACTOR)
    assert (raised.value.field, raised.value.message) == (
        "reading.schedule_settings[0].group",
        "Grupo de faturamento 99 não cadastrado.",
    )
    assert not Regulation.objects.filter(kind=POLICY_KIND).exists()

"""Service rules the API does not show directly: stale copies, maintenance windows, the budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from modules.common.audit import SystemActor
from saas.sla import selectors, services
from saas.sla.domain.periods import YearMonth
from saas.sla.models import Contract, MaintenanceWindow

OPS = SystemActor("tests")
T0 = dt.datetime(2026, 3, 10, 14, 15, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 4, 2, tzinfo=dt.UTC)


def test_resolving_keeps_the_real_attendance_time_even_from_a_stale_copy(public_schema) -> None:
    tenant = services.tenant_by_schema("alpha")
    stale = services.incident_open(actor=OPS, tenant=tenant, priority=0, description="Fora do ar", now=T0)
    services.incident_acknowledge(actor=OPS, incident=stale, now=T0 + dt.timedelta(minutes=7))
    resolved = services.incident_resolve(
        actor=OPS,
        incident=stale,
        solution="Failover",
        root_cause="Disco cheio",
        now=T0 + dt.timedelta(minutes=35),
    )
    assert resolved.acknowledged_at == T0 + dt.timedelta(minutes=7)
    row = selectors.incident_rows([resolved], LATER)[0]
    assert (row.response.value, row.resolution.value) == ("met", "met")


def test_resolving_an_unattended_incident_attends_it_at_that_moment(public_schema) -> None:
    tenant = services.tenant_by_schema("alpha")
    incident = services.incident_open(actor=OPS, tenant=tenant, priority=2, description="Lento", now=T0)
    resolved = services.incident_resolve(
        actor=OPS,
        incident=incident,
        solution="Índice",
        root_cause="Consulta sem índice",
        now=T0 + dt.timedelta(hours=1),
    )
    assert resolved.acknowledged_at == T0 + dt.timedelta(hours=1)
    assert selectors.incident_rows([resolved], LATER)[0].response.value == "breached"


def test_agreed_maintenance_counts_only_when_the_contract_says_so(public_schema) -> None:
    tenant = services.tenant_by_schema("alpha")
    contract = Contract.objects.create(
        tenant=tenant, monthly_value=Decimal("10000.00"), start_date=dt.date(2026, 1, 1)
    )
    services.outage_record(
        actor=OPS, tenant=tenant, start=T0, end=T0 + dt.timedelta(hours=2), cause="Atualização", now=LATER
    )
    MaintenanceWindow.objects.create(
        tenant=tenant, start=T0, end=T0 + dt.timedelta(hours=1), description="Janela acordada"
    )
    march = YearMonth(2026, 3)
    assert selectors.month_report(tenant=tenant, month=march, as_of=LATER).unavailable == dt.timedelta(
        hours=2
    )
    contract.maintenance_excluded = True
    contract.save()
    report = selectors.month_report(tenant=tenant, month=march, as_of=LATER)
    assert report.unavailable == dt.timedelta(hours=1)
    assert report.discount == Decimal("13.89")


def test_error_budget_of_the_contract_year(public_schema) -> None:
    tenant = services.tenant_by_schema("alpha")
    Contract.objects.create(tenant=tenant, monthly_value=Decimal("10000.00"), start_date=dt.date(2025, 7, 1))
    services.outage_record(
        actor=OPS, tenant=tenant, start=T0, end=T0 + dt.timedelta(minutes=40), cause="Banco", now=LATER
    )
    services.outage_record(  # before this contract year: does not count
        actor=OPS,
        tenant=tenant,
        start=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        end=dt.datetime(2025, 6, 1, 1, tzinfo=dt.UTC),
        cause="Antigo",
        now=LATER,
    )
    budget = selectors.error_budget(tenant=tenant, as_of=LATER)
    assert budget is not None
    assert (budget.year_start, budget.year_end) == (dt.date(2025, 7, 1), dt.date(2026, 7, 1))
    assert budget.budget.left_minutes == Decimal("55.0")

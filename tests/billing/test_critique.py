"""The critique's rule set on a real run (ADR 0226): a rule holds the bill out of release, the run's
report counts it, the minimum invoice values leave bills unissued (run) or refuse them (single), and
the API and staff page keep the rules, refusing a bad one by its field with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.billing.models import Bill, BillingRun, BillStatus, CritiqueRule, RunError
from modules.billing.services import runs
from modules.billing.services.critique import (
    RuleInput,
    critique_report,
    critique_rule_create,
    invoice_minimum_update,
)
from modules.billing.services.single import EARLY, bill_issue_single
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import Category
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)
from tests.conftest import bearer

MONTH = YearMonth(2025, 5)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def ready(tenant_alpha: Any) -> Any:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    return g


def _run(g: Any, value: int = 16) -> tuple[Any, BillingRun]:
    p = f.billable(g)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk in run.chunks.order_by("number"):
        runs.chunk_process(chunk_id=chunk.pk)
    run.refresh_from_db()
    return p, run


def _history(p: Any, m3: int, total: str) -> None:
    for month in (3, 4):
        Bill.objects.create(
            property=p,
            reference=dt.date(2025, month, 1),
            due_date=dt.date(2025, month, 25),
            status=BillStatus.PAID,
            total=Decimal(total),
            consumption_m3=m3,
        )


def test_a_value_rule_holds_the_bill_out_of_release_and_the_report_counts_it(ready: Any) -> None:
    rule = critique_rule_create(
        actor=f.ACTOR, data=RuleInput(name="Acima de R$ 40", kind="value_above", threshold="40.00")
    )
    _p, run = _run(ready)  # 16 m³, RES, water and sewer: R$ 40,56
    bill = Bill.objects.get(run=run)
    assert bill.total == Decimal("40.56")
    assert list(bill.anomalies.values_list("code", "message")) == [
        (f"rule:{rule.pk}", "Regra “Acima de R$ 40”: valor R$ 40,56 acima de R$ 40,00.")
    ]
    assert runs.run_release(actor=f.ACTOR, run=run) == 0
    bill.refresh_from_db()
    assert bill.status == BillStatus.DRAFT
    report = critique_report(run)
    assert (report.bills, report.held, report.held_amount, report.below_minimum) == (
        1,
        1,
        Decimal("40.56"),
        0,
    )
    (row,) = report.rows
    assert (row.label, row.bills, row.open, row.amount) == ("Regra: Acima de R$ 40", 1, 1, Decimal("40.56"))


def test_a_rule_of_another_category_or_inactive_holds_nothing(ready: Any) -> None:
    Category.objects.get_or_create(code="COM", defaults={"name": "Comercial"})
    critique_rule_create(
        actor=f.ACTOR,
        data=RuleInput(name="Comercial", kind="value_above", threshold="1.00", category="COM"),
    )
    critique_rule_create(
        actor=f.ACTOR, data=RuleInput(name="Off", kind="value_above", threshold="1.00", active=False)
    )
    _p, run = _run(ready)
    assert not Bill.objects.get(run=run).anomalies.exists()
    assert runs.run_release(actor=f.ACTOR, run=run) == 1


@pytest.mark.parametrize(("percent", "held"), [("60", False), ("50", True)])
def test_consumption_over_the_property_average(ready: Any, percent: str, held: bool) -> None:
    # earlier bills of 10 m³: +60 % → 16 m³ passes (16 is not above 16), +50 % → 16 > 15 is held
    critique_rule_create(
        actor=f.ACTOR,
        data=RuleInput(name="Acima da média", kind="consumption_over_average", threshold=percent),
    )
    p = f.billable(ready)
    _history(p, 10, "20.59")
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    run = runs.run_create(
        actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31)
    )
    for chunk in run.chunks.all():
        runs.chunk_process(chunk_id=chunk.pk)
    messages = list(Bill.objects.get(run=run).anomalies.values_list("message", flat=True))
    assert messages == (
        ["Regra “Acima da média”: consumo 16 m³ mais de 50% acima da média (10 m³)."] if held else []
    )


def test_a_bill_below_the_runs_minimum_is_not_issued(ready: Any) -> None:
    invoice_minimum_update(actor=f.ACTOR, single_bill="0", run_bill="40.57")
    p, run = _run(ready)
    assert not Bill.objects.filter(run=run).exists()
    (error,) = RunError.objects.filter(run=run)
    assert (error.property_id, error.code) == (p.pk, "below_minimum")
    assert error.message == (
        "Fatura de R$ 40,56 abaixo do valor mínimo de R$ 40,57: não emitida; "
        "os lançamentos ficam para a próxima fatura."
    )
    assert (run.bills_count, run.errors_count) == (0, 1)
    assert critique_report(run).below_minimum == 1


def test_a_bill_at_the_runs_minimum_is_issued(ready: Any) -> None:
    invoice_minimum_update(actor=f.ACTOR, single_bill="0", run_bill="40.56")
    _p, run = _run(ready)
    assert Bill.objects.get(run=run).total == Decimal("40.56")


def test_a_single_bill_below_its_minimum_is_refused_naming_the_field(ready: Any) -> None:
    invoice_minimum_update(actor=f.ACTOR, single_bill="50.00", run_bill="0")
    p = f.billable(ready)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    with pytest.raises(ValidationFailed) as raised:
        bill_issue_single(actor=f.ACTOR, property_id=p.pk, reference=MONTH, kind=EARLY, reason="Mudança")
    assert (raised.value.field, raised.value.code) == ("total", "below_minimum")
    assert "R$ 40,56 abaixo do valor mínimo de R$ 50,00" in raised.value.message
    assert not Bill.objects.filter(property=p).exists()


def test_the_api_keeps_rules_and_refuses_a_bad_one_by_its_field(staff: Any) -> None:  # noqa: F811
    audits = AuditEntry.objects.count()
    bad = staff.post(
        "/api/v1/billing/critique-rules", {"name": "x", "kind": "consumption_above", "threshold": "1.5"}
    )
    assert bad.status_code == 400
    assert (bad.json()["field"], bad.json()["detail"]) == (
        "threshold",
        "O limite de consumo é em m³ inteiros.",
    )
    unknown = staff.post(
        "/api/v1/billing/critique-rules",
        {"name": "x", "kind": "value_above", "threshold": "1.00", "category": "ZZZ"},
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "category"
    assert not CritiqueRule.objects.exists() and AuditEntry.objects.count() == audits
    made = staff.post(
        "/api/v1/billing/critique-rules", {"name": "Alto", "kind": "consumption_above", "threshold": "50"}
    )
    assert made.status_code == 201, made.content
    assert made.json()["kind_label"] == "Consumo acima de (m³)"
    listed = staff.get("/api/v1/billing/critique-rules").json()
    assert [r["name"] for r in listed["rules"]] == ["Alto"]
    changed = staff.client.put(
        f"/api/v1/billing/critique-rules/{made.json()['id']}",
        {"name": "Alto", "kind": "consumption_above", "threshold": "60", "active": False},
        content_type="application/json",
        **bearer(staff.client, "gestora", "Senha-forte-123"),
    )
    assert changed.status_code == 200 and changed.json()["threshold"] == "60.00"
    assert changed.json()["active"] is False
    minimum = staff.client.put(
        "/api/v1/billing/invoice-minimum",
        {"single_bill": "5.00", "run_bill": "-1"},
        content_type="application/json",
        **bearer(staff.client, "gestora", "Senha-forte-123"),
    )
    assert minimum.status_code == 400 and minimum.json()["field"] == "run_bill"
    assert staff.get("/api/v1/billing/invoice-minimum").json() == {"single_bill": "0.00", "run_bill": "0.00"}


def test_the_report_through_the_api_and_the_staff_pages(staff: Any) -> None:  # noqa: F811
    critique_rule_create(actor=f.ACTOR, data=RuleInput(name="Alto", kind="value_above", threshold="10.00"))
    g = f.group()
    f.schedule(g, MONTH)
    _p, run = _run(g)
    report = staff.get(f"/api/v1/billing/runs/{run.pk}/critique")
    assert report.status_code == 200
    assert report.json() == {
        "run": run.pk,
        "bills": 1,
        "held": 1,
        "held_amount": "40.56",
        "below_minimum": 0,
        "rows": [
            {
                "code": f"rule:{CritiqueRule.objects.get().pk}",
                "label": "Regra: Alto",
                "bills": 1,
                "open": 1,
                "amount": "40.56",
            }
        ],
    }
    staff.client.force_login(_user())
    page = staff.client.get(f"/faturamento/execucoes/{run.pk}/critica/")
    assert page.status_code == 200
    assert "Regra: Alto" in page.content.decode()
    rules = staff.client.get("/faturamento/critica/")
    assert rules.status_code == 200 and "Valores mínimos de fatura" in rules.content.decode()
    saved = staff.client.post(
        "/faturamento/critica/",
        {"op": "save", "name": "Baixo", "kind": "value_below", "threshold": "5,00", "active": "on"},
    )
    assert saved.status_code == 302
    assert CritiqueRule.objects.filter(name="Baixo", threshold=Decimal("5.00")).exists()


def _user() -> Any:
    from modules.access.models import User

    return User.objects.get(username="gestora")


def test_the_print_shop_file_lists_the_issued_bills_in_route_order_without_those_in_critique(
    staff: Any,  # noqa: F811
) -> None:
    g = f.group()
    f.schedule(g, MONTH)
    first = f.billable(g)
    second = f.billable(g)
    reading_register(actor=f.ACTOR, data=ReadingInput(first.account_number, MONTH, MONTH.day(10), 16, ""))
    reading_register(actor=f.ACTOR, data=ReadingInput(second.account_number, MONTH, MONTH.day(10), 10, ""))
    critique_rule_create(actor=f.ACTOR, data=RuleInput(name="Alto", kind="consumption_above", threshold="12"))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk in run.chunks.all():
        runs.chunk_process(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert runs.run_release(actor=f.ACTOR, run=run) == 1  # the 16 m³ bill stays in critique
    response = staff.get(f"/api/v1/billing/runs/{run.pk}/print-file")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = response.content.decode().splitlines()
    assert header.startswith("grupo;rota;sequencia;matricula;nome;endereco;")
    (row,) = rows
    bill = Bill.objects.get(run=run, property=second)
    cells = row.split(";")
    assert (cells[3], cells[7], cells[9], cells[10], cells[11]) == (
        second.account_number,
        "05/2025",
        "10",
        "20,59",
        bill.typeable_line,
    )

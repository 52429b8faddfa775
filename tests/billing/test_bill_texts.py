"""Bill messages aimed by billing group, category and reference months, with the conditions of seed
001 3.2.7.5 (excess consumption, overdue debts, zero value), and the monthly water-quality table:
edited on pages and in the API, audited, printed on the bill."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from modules.billing.models import Bill, BillAnomaly, BillText, RunChunk
from modules.billing.pdf import render_bill_html
from modules.billing.services import runs
from modules.billing.services.texts import (
    QualityRow,
    bill_message_create,
    messages_for,
    quality_table_save,
)
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import Category
from tests.billing import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
PASSWORD = "Senha-forte-123"


@pytest.fixture
def audit(tenant_alpha: Any) -> Any:
    """The audit rows written during the test (browser tests leave committed, append-only rows)."""
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda: AuditEntry.objects.filter(id__gt=start)


ROWS = [
    QualityRow("Turbidez (uT)", "30", "31", "30", "≤ 5"),
    QualityRow("Cloro residual (mg/L)", "30", "31", "31"),
]


@pytest.fixture
def billed() -> Any:
    """A released-like bill of 05/2025 for a residential property of group 7."""
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    p = f.billable(g)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    return Bill.objects.select_related("property").get(run=run, property=p)


def _titles(bill: Bill, on: dt.date = dt.date(2025, 6, 1)) -> list[str]:
    return [m.title for m in messages_for(bill, on=on)]


def test_messages_are_aimed_by_period_group_and_category(billed: Bill) -> None:
    other = f.group(8)
    com = Category.objects.get(code="COM")
    res = Category.objects.get(code="RES")
    bill_message_create(actor=f.ACTOR, title="Todos", valid_from=YearMonth(2025, 1))
    bill_message_create(actor=f.ACTOR, title="Maio", valid_from=MONTH, valid_until=MONTH)
    bill_message_create(
        actor=f.ACTOR, title="Acabou", valid_from=YearMonth(2025, 1), valid_until=YearMonth(2025, 4)
    )
    bill_message_create(actor=f.ACTOR, title="Depois", valid_from=YearMonth(2025, 6))
    bill_message_create(
        actor=f.ACTOR, title="Grupo 7", valid_from=MONTH, billing_group=billed.property.billing_group
    )
    bill_message_create(actor=f.ACTOR, title="Grupo 8", valid_from=MONTH, billing_group=other)
    bill_message_create(actor=f.ACTOR, title="Residencial", valid_from=MONTH, category=res)
    bill_message_create(actor=f.ACTOR, title="Comercial", valid_from=MONTH, category=com)

    assert _titles(billed) == ["Todos", "Maio", "Grupo 7", "Residencial"]


def test_conditional_messages_appear_exactly_when_their_condition_holds(billed: Bill) -> None:
    for condition, title in (
        ("zero_value", "Fatura zerada"),
        ("excess_consumption", "Consumo acima da média"),
        ("overdue_debts", "Débitos em aberto"),
    ):
        bill_message_create(actor=f.ACTOR, title=title, valid_from=MONTH, condition=condition)
    assert _titles(billed) == []

    BillAnomaly.objects.create(bill=billed, code="high", message="consumo alto")
    old = Bill.objects.create(
        property=billed.property,
        reference=dt.date(2025, 3, 1),
        due_date=dt.date(2025, 4, 15),
        status="released",
        total=Decimal("30.00"),
    )
    assert _titles(billed) == ["Consumo acima da média", "Débitos em aberto"]
    # due after the day the bill is issued: not overdue yet
    assert _titles(billed, on=dt.date(2025, 4, 10)) == ["Consumo acima da média"]

    Bill.objects.filter(pk=old.pk).update(status="paid")
    Bill.objects.filter(pk=billed.pk).update(total=Decimal("0.00"))
    billed.refresh_from_db()
    assert _titles(billed) == ["Fatura zerada", "Consumo acima da média"]


def test_the_bill_prints_its_messages_and_the_quality_table_of_its_month(billed: Bill) -> None:
    bill_message_create(
        actor=f.ACTOR, title="Campanha do grupo 7", body="Feche a torneira.", valid_from=MONTH
    )
    quality_table_save(actor=f.ACTOR, month=YearMonth(2025, 3), title="Qualidade de março", rows=ROWS[:1])
    quality_table_save(actor=f.ACTOR, month=YearMonth(2025, 4), title="Qualidade de abril", rows=ROWS)
    quality_table_save(actor=f.ACTOR, month=YearMonth(2025, 6), title="Qualidade de junho", rows=ROWS)

    html = render_bill_html(billed)

    assert "Campanha do grupo 7" in html and "Feche a torneira." in html
    assert "Qualidade de abril" in html and "Amostras de 04/2025." in html
    assert "Cloro residual (mg/L)" in html
    assert "Qualidade de junho" not in html and "Qualidade de março" not in html


def test_a_message_ending_before_it_starts_is_refused_and_nothing_is_written(audit: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        bill_message_create(actor=f.ACTOR, title="X", valid_from=MONTH, valid_until=YearMonth(2025, 4))
    assert raised.value.field == "valid_until"
    assert not BillText.objects.exists()
    assert not audit().filter(action="billing.message_create").exists()


def test_one_quality_table_per_month() -> None:
    quality_table_save(actor=f.ACTOR, month=MONTH, title="Maio", rows=ROWS)
    with pytest.raises(Conflict) as raised:
        quality_table_save(actor=f.ACTOR, month=MONTH, title="Outra de maio", rows=ROWS)
    assert (raised.value.field, raised.value.code) == ("month", "quality_month_taken")
    assert list(BillText.objects.values_list("title", flat=True)) == ["Maio"]


@pytest.fixture
def staff(alpha_client: Client) -> Client:
    alpha_client.force_login(make_user("alpha", "redatora", PASSWORD, is_admin=True))
    return alpha_client


def test_the_messages_api_adds_and_lists_aimed_messages(staff: Client) -> None:
    f.group(7)
    created = staff.post(
        "/api/v1/billing/messages",
        {
            "title": "Aviso",
            "valid_from": "2025-05",
            "valid_until": "2025-07",
            "billing_group": 7,
            "category": "RES",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {
        "id": 0,
        "title": "Aviso",
        "body": "",
        "valid_from": "2025-05",
        "valid_until": "2025-07",
        "billing_group": 7,
        "category": "RES",
        "condition": "",
    }
    assert [m["title"] for m in staff.get("/api/v1/billing/messages").json()] == ["Aviso"]

    refused = staff.post(
        "/api/v1/billing/messages",
        {"title": "Aviso", "valid_from": "2025-05", "billing_group": 99},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "billing_group" in refused.content.decode()
    assert BillText.objects.count() == 1


def test_the_messages_page_adds_a_message_and_shows_who_did_it(staff: Client) -> None:
    page = staff.get("/faturamento/mensagens/")
    assert page.status_code == 200 and "Nova mensagem" in page.content.decode()
    saved = staff.post(
        "/faturamento/mensagens/",
        {"title": "Débitos", "body": "Regularize.", "valid_from": "2025-05", "condition": "overdue_debts"},
    )
    assert saved.status_code == 302
    text = BillText.objects.get()
    assert (text.condition, text.valid_from) == ("overdue_debts", dt.date(2025, 5, 1))
    html = staff.get("/faturamento/mensagens/").content.decode()
    history = html[html.index("Histórico de alterações") :]
    assert "redatora" in history and "Mensagem da fatura cadastrada" in history

    wrong = staff.post(
        "/faturamento/mensagens/", {"title": "X", "valid_from": "2025-05", "valid_until": "2025-01"}
    )
    assert wrong.status_code == 400 and "anterior à inicial" in wrong.content.decode()
    assert BillText.objects.count() == 1


def test_the_quality_page_edits_the_table_by_month(staff: Client) -> None:
    data = {
        "op": "save",
        "month": "2025-04",
        "title": "Qualidade da água distribuída",
        "note": "",
        "row-TOTAL_FORMS": "2",
        "row-INITIAL_FORMS": "0",
        "row-0-parameter": "Turbidez (uT)",
        "row-0-required": "30",
        "row-0-analysed": "31",
        "row-0-conforming": "30",
        "row-0-standard": "≤ 5",
    }
    saved = staff.post("/faturamento/qualidade-da-agua/nova/", data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    table = BillText.objects.get(kind="water_quality")
    assert (table.valid_from, table.rows) == (
        dt.date(2025, 4, 1),
        [["Turbidez (uT)", "30", "31", "30", "≤ 5"]],
    )

    added = staff.post(f"/faturamento/qualidade-da-agua/{table.pk}/", data | {"op": "add_row"})
    assert 'name="row-2-parameter"' in added.content.decode()

    api = staff.get("/api/v1/billing/water-quality").json()
    assert api[0]["rows"] == [
        {
            "parameter": "Turbidez (uT)",
            "required": "30",
            "analysed": "31",
            "conforming": "30",
            "standard": "≤ 5",
        }
    ]
    page = staff.get(f"/faturamento/qualidade-da-agua/{table.pk}/").content.decode()
    assert "Tabela de qualidade da água cadastrada" in page


def test_the_excess_message_switch_and_the_history_start(billed: Bill) -> None:
    """Seed 001 3.2.7.12.11: switched off, no excess message even when the consumption is high;
    3.2.7.12.6: the printed history starts at the configured month."""
    from modules.billing.pdf_reads import bill_reads
    from modules.billing.services.settings import billing_settings_update

    bill_message_create(
        actor=f.ACTOR, title="Consumo acima da média", valid_from=MONTH, condition="excess_consumption"
    )
    BillAnomaly.objects.create(bill=billed, code="high", message="consumo alto")
    assert _titles(billed) == ["Consumo acima da média"]
    billing_settings_update(actor=f.ACTOR, print_excess_message=False)
    assert _titles(billed) == []
    for month, m3 in ((YearMonth(2025, 2), 9), (YearMonth(2025, 3), 11)):
        Bill.objects.create(
            property=billed.property, reference=month.first_day(), due_date=month.day(20), status="paid",
            total=Decimal("10.00"), consumption_m3=m3,
        )  # fmt: skip
    assert [r for r, _ in bill_reads([billed]).history[billed.pk]][:2] == [
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 1),
    ]
    billing_settings_update(actor=f.ACTOR, history_start=dt.date(2025, 3, 1))
    assert bill_reads([billed]).history[billed.pk][0][0] == dt.date(2025, 3, 1)

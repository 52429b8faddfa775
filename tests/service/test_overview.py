"""The attendance desk's one screen of a property (/servicos/atendimento/imovel/<id>/ and
GET /api/v1/properties/{id}/overview): every block for a profile that grants it and no query for a
block it does not; a query count that does not grow with the number of bills, readings and payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import Bill
from modules.collection.models import Payment
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.reading.models import Reading
from modules.service.models import ServiceCode
from modules.service.services import orders
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2026, 4, 17)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        yield


def _login(client: Any, username: str, grants: tuple[str, ...] | None) -> Any:
    """A user whose profile grants view of `grants` (None: an administrator), logged in."""
    if grants is None:
        make_user("alpha", username, PASSWORD, is_admin=True)
    else:
        profile = Profile.objects.create(name=f"Perfil {username}")
        for function in grants:
            ProfileGrant.objects.create(profile=profile, function=function, can_view=True)
        make_user("alpha", username, PASSWORD).profiles.add(profile)
    assert client.post("/conta/entrar/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _property_with(months: int) -> Any:
    """A property with `months` monthly bills (the older ones late and open), a reading and a payment
    for each, and a service order."""
    prop = reg.prop(holder=reg.customer(name="Joana Prado"))
    agent = cf.agent()
    current = YearMonth.of(TODAY).plus(-1)
    for back in range(months):
        reference = current.plus(-back).first_day()
        due = reference + dt.timedelta(days=40)
        bill = cf.bill(prop, f"{50 + back}.10", due, reference=reference)
        Bill.objects.filter(pk=bill.pk).update(consumption_m3=10 + back)
        Reading.objects.create(
            property=prop,
            reference=reference,
            read_on=reference + dt.timedelta(days=5),
            value=1000 + back,
            consumption_m3=10 + back,
            actor="leiturista",
        )
        if back % 2:
            Payment.objects.create(
                agent=agent,
                channel=Payment.Channel.COUNTER,
                status=Payment.Status.APPLIED,
                bill=bill,
                property=prop,
                amount=bill.total,
                paid_on=due,
                credited_on=due,
                created_by="caixa",
            )
    if not ServiceCode.objects.filter(code="LIG01").exists():
        f.code("LIG01")
    orders.order_open(actor=SystemActor("testes"), code="LIG01", property_id=prop.pk, description="Vazamento")
    return prop


def test_the_page_shows_every_block_with_links_to_bills_and_their_pdf(alpha_client) -> None:
    prop = _property_with(3)
    staff = _login(alpha_client, "atendente", None)
    page = staff.get(f"/servicos/atendimento/imovel/{prop.pk}/").content.decode()
    bill = Bill.objects.filter(property=prop).order_by("-reference").first()
    assert bill is not None
    for text in (
        f"Atendimento · matrícula {prop.account_number}",
        "Joana Prado",
        'href="#bills"',
        "Débitos em aberto",
        "Leituras e consumo",
        "Pagamentos",
        "Parcelamentos",
        "Ordens de serviço",
        "Documentos e certidões",
        "Histórico",
        f'href="/faturamento/faturas/{bill.pk}/"',
        f'href="/faturamento/faturas/{bill.pk}/pdf/"',
        "03/2026",  # the last bill's reference
        "52,10",  # the oldest of the three bills
        "LIG01",
        "Caixa (balcão)",
    ):
        assert text in page, text


def test_the_query_count_does_not_grow_with_bills_readings_and_payments(
    alpha_client, django_assert_max_num_queries
) -> None:
    few, many = _property_with(3), _property_with(30)
    staff = _login(alpha_client, "atendente", None)
    staff.get(f"/servicos/atendimento/imovel/{few.pk}/")  # session, grants and caches warmed
    counts = []
    for prop in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(f"/servicos/atendimento/imovel/{prop.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        staff.get(f"/api/v1/properties/{many.pk}/overview")
    page = staff.get(f"/servicos/atendimento/imovel/{many.pk}/").content.decode()
    # the window is this month and the 12 before: this month is not read yet
    assert page.count("<meter") == 12


def test_a_block_the_profile_does_not_grant_is_neither_shown_nor_queried(alpha_client) -> None:
    prop = _property_with(3)
    clerk = _login(alpha_client, "caixa", ("registry.properties", "billing.bills"))
    with CaptureQueriesContext(connection) as ctx:
        page = clerk.get(f"/servicos/atendimento/imovel/{prop.pk}/").content.decode()
    assert 'id="bills"' in page and "/pdf/" in page
    for hidden in ('id="debts"', 'id="readings"', 'id="payments"', 'id="agreements"', 'id="orders"'):
        assert hidden not in page, hidden
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("reading_reading", "collection_payment", "debt_agreement", "service_serviceorder"):
        assert f'"{table}"' not in sql, table
    body = alpha_client.get(f"/api/v1/properties/{prop.pk}/overview").json()
    assert body["blocks"] == ["registry", "bills"]
    assert set(body) == {"property", "blocks", "registry", "history", "bills"}


def test_the_api_answers_the_same_blocks_with_money_as_strings(alpha_client) -> None:
    prop = _property_with(3)
    make_user("alpha", "integra", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "integra", PASSWORD)
    body = alpha_client.get(f"/api/v1/properties/{prop.pk}/overview", **headers).json()
    assert body["registry"]["account_number"] == prop.account_number
    assert [b["total"] for b in body["bills"]] == ["50.10", "51.10", "52.10"]
    assert body["bills"][0] | {"id": 0} == {
        "id": 0,
        "reference": "2026-03",
        "due_date": "2026-04-10",
        "total": "50.10",
        "status": "released",
        "status_label": "Emitida",
    }
    assert body["consumption"][0]["m3"] == 10 and body["consumption"][0]["reading"]["value"] == 1000
    assert {p["amount"] for p in body["payments"]} == {"51.10"}
    assert [i["original"] for i in body["debts"]["items"]] == ["52.10", "51.10", "50.10"]
    assert isinstance(body["debts"]["totals"]["total"], str)
    assert Decimal(body["debts"]["totals"]["original"]) == Decimal("153.30")
    assert body["orders"][0]["code"] == "LIG01"
    assert body["agreements"] == [] and body["certificates"] == []


def test_unknown_property_and_a_profile_without_the_registry(alpha_client) -> None:
    make_user("alpha", "integra", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "integra", PASSWORD)
    missing = alpha_client.get("/api/v1/properties/999999/overview", **headers)
    assert missing.status_code == 404 and "Imóvel não encontrado" in missing.content.decode()
    prop = reg.prop()
    reader = _login(alpha_client, "leitor", ("billing.bills",))
    assert reader.get(f"/servicos/atendimento/imovel/{prop.pk}/").status_code == 403
    assert reader.get(f"/api/v1/properties/{prop.pk}/overview").status_code == 403
    assert reader.get("/servicos/atendimento/imovel/999999/").status_code == 403


def test_payments_of_the_property_and_of_its_bills_come_newest_first_without_duplicates() -> None:
    """A payment is the property's when either its property or its bill says so (a statement's
    payment has no bill; an old return-file payment carried only the bill)."""
    from modules.service.desk import property_overview

    prop = reg.prop()
    agent = cf.agent()
    bill = cf.bill(prop, "80.00", dt.date(2026, 2, 10), reference=dt.date(2026, 1, 1))

    def paid(on: dt.date, **link: Any) -> Payment:
        return Payment.objects.create(
            agent=agent,
            channel=Payment.Channel.COUNTER,
            status=Payment.Status.APPLIED,
            amount=Decimal("80.00"),
            paid_on=on,
            credited_on=on,
            created_by="caixa",
            **link,
        )

    by_bill = paid(dt.date(2026, 2, 1), bill=bill)
    both = paid(dt.date(2026, 3, 1), bill=bill, property=prop)
    by_property = paid(dt.date(2026, 4, 1), property=prop)
    paid(dt.date(2026, 4, 2), property=reg.prop())  # another property's
    view = property_overview(prop.pk, can=lambda _f: True, today=TODAY)
    assert [p.pk for p in view.payments] == [by_property.pk, both.pk, by_bill.pk]

"""Done-when of the debt issue, across modules: an agreement signed and in force puts its installment
on the next real billing run's bill, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from modules.billing.hooks import pending_items
from modules.billing.models import Bill, RunChunk
from modules.billing.services import runs
from modules.collection import services as collection
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.debt.models import Agreement, InstallmentPolicyVersion
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as bf
from tests.collection import factories as cf
from tests.conftest import bearer, make_user

ACTOR = SystemActor("tests")
JULY = YearMonth(2025, 7)


def test_an_agreement_in_force_bills_its_installment_on_the_next_run_once(tenant_alpha, alpha_client) -> None:
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=6,
        standard_max_installments=6,
        min_installment=Decimal("10.00"),
        rounding="half_up",
    )
    bf.set_company_code("0562")
    bf.approved_tariff()
    group = bf.group()
    bf.schedule(group, JULY)
    home = bf.billable(group)
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        far = dt.date(2025, 8, 14)
        cf.bill(home, "215.29", far, dt.date(2025, 1, 1))
        cf.bill(home, "200.00", far, dt.date(2025, 2, 1))
        make_user("alpha", "chefe", "Senha-forte-123", is_admin=True)
        headers = bearer(alpha_client, "chefe", "Senha-forte-123")
        signed = alpha_client.post(
            "/api/v1/agreements",
            {"property": home.pk, "down_payment": "41.53", "installments": 6},
            content_type="application/json",
            **headers,
        )
        assert signed.status_code == 201, signed.content
        cf.agent()
        collection.return_file_import(
            actor=ACTOR, data=cf.return_file([(signed.json()["down_payment_barcode"], "41.53")])
        )
        assert Agreement.objects.get(pk=signed.json()["id"]).status == "active"
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=True):
        reading_register(actor=ACTOR, data=ReadingInput(home.account_number, JULY, JULY.day(10), 16, ""))
        run = runs.run_create(actor=ACTOR, group=group, reference=JULY, chunk_size=10, enqueue=False)
        for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
            runs.chunk_process(chunk_id=chunk_id)
            runs.chunk_process(chunk_id=chunk_id)  # a redelivered chunk changes nothing
    bill = Bill.objects.get(run=run, property=home)
    installments = [i for i in bill.items.all() if i.kind == "installment"]
    assert [(i.description[:11], i.amount) for i in installments] == [("Parcela 1/6", Decimal("65.90"))]
    water_and_sewer = sum(i.amount for i in bill.items.all() if i.kind in ("water", "sewer"))
    assert bill.total == water_and_sewer + Decimal("65.90")
    assert pending_items([home.pk], JULY) == {}
    assert pending_items([home.pk], JULY.next())[home.pk][0].description.startswith("Parcela 2/6")

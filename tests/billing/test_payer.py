"""Who a bill is issued to: decided once, on the issue date, by the registry's payer rule, and stored on
the bill. The PDF reprints what the bill stored (a transfer afterwards does not rename an old bill)
and the agency names the same person the bill does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from modules.billing.models import Bill, BillingRun, RunChunk
from modules.billing.pdf import render_bill_html
from modules.billing.services import bills as bill_services
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.common.domain.documents import mask_document
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import Customer, PropertyRelation
from portal.selectors import current_holder
from tests.billing import factories as f
from tests.registry.factories import cpf

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
RUN_DAY = dt.date(2025, 5, 31)


@pytest.fixture
def ready() -> Any:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    return g


def _bill(g: Any, p: Any) -> Bill:
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=RUN_DAY)
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    runs.run_release(actor=f.ACTOR, run=BillingRun.objects.get(pk=run.pk), render_pdfs=False)
    return Bill.objects.get(run=run)


def _person(name: str) -> Customer:
    return Customer.objects.create(kind="person", name=name, cpf_cnpj=cpf())


def _transfer(p: Any, role: str, to: Customer, on: dt.date) -> None:
    """What registry's relation_transfer does: the current holder of the role ends on `on`."""
    PropertyRelation.objects.filter(property=p, role=role, end__isnull=True).update(end=on)
    PropertyRelation.objects.create(property=p, customer=to, role=role, start=on)


def test_an_old_bill_reprinted_after_a_transfer_still_shows_whom_it_was_issued_to(ready: Any) -> None:
    p = f.billable(ready)
    seller = PropertyRelation.objects.get(property=p).customer
    bill = _bill(ready, p)
    assert (bill.payer_name, bill.payer_document) == (seller.name, seller.cpf_cnpj)

    buyer = _person("Compradora Nova")
    _transfer(p, "owner", buyer, dt.date(2025, 6, 20))
    tenant = _person("Inquilino Novo")
    PropertyRelation.objects.create(property=p, customer=tenant, role="user", start=dt.date(2025, 6, 21))

    html = render_bill_html(Bill.objects.get(pk=bill.pk))
    assert seller.name in html and mask_document(seller.cpf_cnpj) in html
    assert buyer.name not in html and tenant.name not in html
    assert current_holder(p).customer == tenant  # the agency, today: the tenant


def test_the_run_the_pdf_and_the_agency_name_the_same_payer(ready: Any) -> None:
    """Owner and tenant: the tenant is responsible during the rental (seed 001 3.2.7.21.1). The agency
    used to show the owner while the PDF printed the tenant."""
    p = f.billable(ready)
    owner = PropertyRelation.objects.get(property=p).customer
    tenant = _person("Inquilina Atual")
    PropertyRelation.objects.create(property=p, customer=tenant, role="user", start=dt.date(2024, 3, 1))

    bill = _bill(ready, p)
    holder = current_holder(p)

    assert holder is not None and holder.customer == tenant
    assert (bill.payer_name, bill.payer_document) == (tenant.name, tenant.cpf_cnpj)
    html = render_bill_html(bill)
    assert tenant.name in html and owner.name not in html


def test_the_payer_is_the_one_in_force_on_the_issue_day(ready: Any) -> None:
    p = f.billable(ready)
    owner = PropertyRelation.objects.get(property=p).customer
    later = _person("Inquilino Depois")  # starts after the run's day: not this bill's payer
    PropertyRelation.objects.create(property=p, customer=later, role="user", start=dt.date(2025, 6, 5))

    bill = _bill(ready, p)

    assert bill.payer_name == owner.name


def test_a_rebill_stays_issued_to_whom_the_bill_it_corrects_was(ready: Any) -> None:
    p = f.billable(ready)
    seller = PropertyRelation.objects.get(property=p).customer
    bill = _bill(ready, p)
    _transfer(p, "owner", _person("Comprador"), dt.date(2025, 7, 1))

    new = bill_services.bill_rebill(actor=f.ACTOR, bill=bill, reason="leitura errada", consumption_m3=10)

    assert (new.payer_name, new.payer_document) == (seller.name, seller.cpf_cnpj)


def test_a_bill_without_anyone_responsible_prints_a_dash(ready: Any) -> None:
    p = f.billable(ready)
    PropertyRelation.objects.filter(property=p).delete()
    bill = _bill(ready, p)
    assert (bill.payer_name, bill.payer_document) == ("", "")
    assert "<b>—</b>" in render_bill_html(bill)

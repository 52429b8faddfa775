"""Rental contracts (seed 002 §10.15): registered after the operation's checklist, the tenant answers
for the bills and may negotiate only the contract's months, the daily job gives the unit back to the
owner, and responsibility on any date can be verified."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.billing.models import Bill, BillingRun, RunChunk
from modules.billing.services import runs
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import PermissionDenied, ValidationFailed
from modules.common.models import AuditEntry
from modules.common.tenancy import SCHEMA_HEADER
from modules.debt import services as debt
from modules.debt.models import Agreement, InstallmentPolicyVersion
from modules.reading.services import ReadingInput, reading_register
from modules.registry.domain.rental import Period, references_outside, relation_end
from modules.registry.models import Customer, PropertyRelation, RentalContract
from modules.registry.services.rental import (
    rental_checklist,
    rental_contract_end,
    rental_contract_register,
    rental_contracts_expire,
)
from modules.registry.tasks import rental_contracts_expire_task
from modules.service.models_desk import ProtocolType
from tests.billing import factories as bf
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as rf

ACTOR = SystemActor("tests")
START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
PASSWORD = "Senha-forte-123"


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 15, tzinfo=dt.UTC))


def _tenant(name: str = "Inquilino Teodoro") -> Customer:
    return Customer.objects.create(kind="person", name=name, cpf_cnpj=rf.cpf())


def _register(p: Any, tenant: Customer, start: dt.date = START, end: dt.date = END) -> RentalContract:
    return rental_contract_register(
        actor=ACTOR, prop=p, tenant=tenant, start=start, end=end, documents=rental_checklist(), today=start
    )


# --- pure rules --------------------------------------------------------------------------------------


def test_a_bill_month_is_the_tenants_when_it_overlaps_the_contract() -> None:
    period = Period(dt.date(2024, 1, 15), dt.date(2024, 12, 31))
    assert period.covers_month(dt.date(2024, 1, 1))  # the contract starts within January
    assert period.covers_month(dt.date(2024, 12, 1))
    assert not period.covers_month(dt.date(2023, 12, 1))
    assert not period.covers_month(dt.date(2025, 1, 1))
    assert references_outside([dt.date(2023, 11, 1), dt.date(2024, 5, 1)], [period]) == [dt.date(2023, 11, 1)]
    assert relation_end(END) == dt.date(2025, 1, 1)  # relation ends are exclusive


# --- S10.15-01: register after the checklist ----------------------------------------------------------


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return alpha_client, bearer(alpha_client, "chefe", PASSWORD)


def test_a_contract_without_dates_is_refused_naming_the_field(staff) -> None:
    client, headers = staff
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    url = f"/api/v1/properties/{p.pk}/rental-contracts"
    body = {"tenant": tenant.pk, "documents": rental_checklist()}
    with _at(START):
        no_start = client.post(url, body | {"end": "2024-12-31"}, content_type="application/json", **headers)
        no_end = client.post(url, body | {"start": "2024-01-01"}, content_type="application/json", **headers)
    assert no_start.status_code == 400 and no_start.json()["field"] == "start", no_start.content
    assert no_end.status_code == 400 and no_end.json()["field"] == "end", no_end.content
    assert not RentalContract.objects.filter(property=p).exists()
    assert not PropertyRelation.objects.filter(property=p, customer=tenant).exists()


def test_a_contract_with_an_incomplete_checklist_is_a_conflict_and_writes_nothing(staff) -> None:
    client, headers = staff
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    body = {
        "tenant": tenant.pk,
        "start": "2024-01-01",
        "end": "2024-12-31",
        "documents": rental_checklist()[:-1],
    }
    with _at(START):
        r = client.post(
            f"/api/v1/properties/{p.pk}/rental-contracts", body, content_type="application/json", **headers
        )
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "rental_checklist_incomplete" and rental_checklist()[-1] in r.json()["detail"]
    assert not RentalContract.objects.filter(property=p).exists()
    assert not PropertyRelation.objects.filter(property=p, customer=tenant).exists()


def test_the_checklist_is_the_rental_protocol_types_and_the_contract_is_registered_and_audited(staff) -> None:
    client, headers = staff
    ProtocolType.objects.filter(code="rental_contract").update(checklist=["Contrato assinado", "RG"])
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    url = f"/api/v1/properties/{p.pk}/rental-contracts"
    with _at(START):
        listed = client.get(url, **headers)
        r = client.post(
            url,
            {
                "tenant": tenant.pk,
                "start": "2024-01-01",
                "end": "2024-12-31",
                "documents": ["RG", "Contrato assinado"],
            },
            content_type="application/json",
            **headers,
        )
    assert listed.json()["checklist"] == ["Contrato assinado", "RG"]
    assert r.status_code == 201, r.content
    contract = RentalContract.objects.get(pk=r.json()["id"])
    assert (contract.status, contract.start, contract.end) == ("vigente", START, END)
    assert contract.documents == ["Contrato assinado", "RG"]
    relation = PropertyRelation.objects.get(pk=contract.relation_id)
    assert (relation.customer_id, relation.role, relation.start, relation.end) == (
        tenant.pk,
        "user",
        START,
        None,
    )
    assert AuditEntry.objects.filter(
        action="registry.rental_contract_register", object_id=str(p.pk), after__contract=contract.pk
    ).exists()


def test_a_second_contract_while_one_is_in_force_and_an_extension_are_refused(tenant_alpha) -> None:
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    contract = _register(p, _tenant())
    with pytest.raises(Exception) as second:
        _register(p, _tenant("Outra Inquilina"))
    assert getattr(second.value, "code", "") == "rental_contract_active"
    with pytest.raises(ValidationFailed) as extension:
        rental_contract_end(
            actor=ACTOR,
            contract=contract,
            on=dt.date(2025, 3, 31),
            reason="prorrogação",
            today=dt.date(2025, 4, 1),
        )
    assert extension.value.field == "on" and extension.value.code == "rental_dates_immutable"
    contract.refresh_from_db()
    assert (contract.status, contract.end) == ("vigente", END)


# --- S10.15-02 / -03: the bills, the tenant's negotiation, the daily job --------------------------------


@pytest.fixture
def ready(tenant_alpha) -> Any:
    bf.set_company_code("0562")
    bf.approved_tariff()
    return bf.group()


def _bill(g: Any, p: Any, month: YearMonth) -> Bill:
    bf.schedule(g, month)
    reading_register(actor=bf.ACTOR, data=ReadingInput(p.account_number, month, month.day(10), 16, ""))
    run = runs.run_create(actor=bf.ACTOR, group=g, reference=month, enqueue=False, today=month.last_day())
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    runs.run_release(actor=bf.ACTOR, run=BillingRun.objects.get(pk=run.pk), render_pdfs=False)
    return Bill.objects.get(run=run)


def test_the_bill_of_the_contract_period_is_issued_in_the_tenants_name(ready) -> None:
    p = bf.billable(ready)
    tenant = _tenant()
    _register(p, tenant)
    bill = _bill(ready, p, YearMonth(2024, 5))
    assert (bill.payer_name, bill.payer_document) == (tenant.name, tenant.cpf_cnpj)


def test_after_the_daily_job_the_next_bill_is_in_the_owners_name(ready) -> None:
    p = bf.billable(ready)
    owner = PropertyRelation.objects.get(property=p, role="owner").customer
    tenant = _tenant()
    contract = _register(p, tenant, dt.date(2024, 1, 1), dt.date(2024, 3, 31))  # ended yesterday
    headers = {SCHEMA_HEADER: "alpha"}
    with _at(dt.date(2024, 4, 1)):
        first = rental_contracts_expire_task.apply(headers=headers, throw=True).get()
        again = rental_contracts_expire_task.apply(headers=headers, throw=True).get()
    assert first == {"day": "2024-04-01", "ended": [contract.pk]}
    assert again == {"day": "2024-04-01", "ended": []}  # idempotent
    contract.refresh_from_db()
    assert (contract.status, contract.ended_on) == ("encerrado", dt.date(2024, 3, 31))
    relation = PropertyRelation.objects.get(pk=contract.relation_id)
    assert relation.end == dt.date(2024, 4, 1)
    bill = _bill(ready, p, YearMonth(2024, 4))
    assert (bill.payer_name, bill.payer_document) == (owner.name, owner.cpf_cnpj)
    assert AuditEntry.objects.filter(action="registry.rental_contract_end", object_id=str(p.pk)).count() == 1


def test_the_job_leaves_contracts_in_force_alone(tenant_alpha) -> None:
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    contract = _register(p, _tenant())
    assert rental_contracts_expire(actor=ACTOR, today=END) == []  # the last day is still the tenant's
    contract.refresh_from_db()
    assert contract.status == "vigente"


def test_beat_dispatches_the_expiry_to_every_tenant(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["registry-rental-contracts-expire"]
    assert entry["task"] == "modules.common.tasks.dispatch_to_tenants"
    assert entry["args"] == ["modules.registry.tasks.rental_contracts_expire"]


def _debts(p: Any) -> None:
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0.00"), max_installments=6)
    cf.bill(p, "120.00", dt.date(2024, 1, 10), dt.date(2023, 12, 1))
    cf.bill(p, "95.50", dt.date(2024, 6, 10), dt.date(2024, 5, 1))


def test_a_tenants_agreement_including_a_debt_before_the_contract_is_forbidden(tenant_alpha) -> None:
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    _register(p, tenant)
    _debts(p)
    with pytest.raises(PermissionDenied) as refused:
        debt.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("0"), count=2, as_of=dt.date(2024, 7, 1),
            requester_id=tenant.pk,
        )  # fmt: skip
    assert refused.value.code == "debt_outside_contract" and "12/2023" in refused.value.message
    assert not Agreement.objects.filter(property_id=p.pk).exists()


def test_the_owner_may_negotiate_every_debt(tenant_alpha) -> None:
    owner = rf.customer()
    p = rf.prop(holder=owner, holder_since=dt.date(2020, 1, 1))
    _register(p, _tenant())
    _debts(p)
    agreement = debt.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("0"), count=2, as_of=dt.date(2024, 7, 1),
        requester_id=owner.pk,
    )  # fmt: skip
    assert agreement.bills.count() == 2


def test_the_tenant_negotiates_the_contract_months_through_the_api(staff) -> None:
    client, headers = staff
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    _register(p, tenant)
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0.00"), max_installments=6)
    old = cf.bill(p, "120.00", dt.date(2024, 1, 10), dt.date(2023, 12, 1))
    cf.bill(p, "95.50", dt.date(2024, 6, 10), dt.date(2024, 5, 1))
    body = {"property": p.pk, "down_payment": "0.00", "installments": 2, "requester": tenant.pk}
    with _at(dt.date(2024, 7, 1)):
        refused = client.post("/api/v1/agreements", body, content_type="application/json", **headers)
        old.status = "paid"
        old.save(update_fields=["status"])
        signed = client.post("/api/v1/agreements", body, content_type="application/json", **headers)
    assert refused.status_code == 403, refused.content
    assert signed.status_code == 201, signed.content


# --- S10.15-04: responsibility on any date ------------------------------------------------------------


def test_who_was_responsible_on_a_date(staff) -> None:
    client, headers = staff
    owner = rf.customer("Dona Olímpia")
    p = rf.prop(holder=owner, holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    contract = _register(p, tenant)
    rental_contracts_expire(actor=ACTOR, today=dt.date(2025, 1, 1))
    url = f"/api/v1/properties/{p.pk}/responsible"
    during = client.get(url, {"on": "2024-06-15"}, **headers).json()
    after = client.get(url, {"on": "2025-02-01"}, **headers).json()
    assert during["responsible"]["customer"] == tenant.pk
    assert during["responsible"]["role"] == "user" and during["responsible"]["contract"] == contract.pk
    assert after["responsible"]["customer"] == owner.pk and after["responsible"]["contract"] is None
    assert [(h["start"], h["end"], h["customer"]) for h in after["history"]] == [
        ("2020-01-01", "2023-12-31", owner.pk),
        ("2024-01-01", "2024-12-31", tenant.pk),
        ("2025-01-01", None, owner.pk),
    ]
    assert client.get(url, {"on": "15/06/2024"}, **headers).json()["field"] == "on"


def test_the_pages_register_a_contract_and_show_the_history(staff) -> None:
    client, _ = staff
    client.login(username="chefe", password=PASSWORD)
    p = rf.prop(holder=rf.customer("Dona Olímpia"), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant("Inquilino da Página")
    with _at(START):
        missing = client.post(
            f"/cadastro/locacao/imoveis/{p.pk}/",
            {"tenant": tenant.cpf_cnpj, "start": "2024-01-01", "documents": rental_checklist()},
            follow=True,
        )
        done = client.post(
            f"/cadastro/locacao/imoveis/{p.pk}/",
            {
                "tenant": tenant.cpf_cnpj,
                "start": "2024-01-01",
                "end": "2024-12-31",
                "documents": rental_checklist(),
            },
            follow=True,
        )
        page = client.get(f"/cadastro/locacao/imoveis/{p.pk}/", {"on": "2024-06-15"}).content.decode()
        property_page = client.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert "Informe a data de fim" in missing.content.decode()
    assert "Contrato de locação registrado" in done.content.decode()
    assert RentalContract.objects.filter(property=p, tenant=tenant).count() == 1
    assert "Inquilino da Página</strong> (Usuário (inquilino), contrato de locação" in page
    assert "Histórico de responsáveis" in page and "Dona Olímpia" in page
    assert "Locação e responsáveis" in property_page and "Inquilino da Página" in property_page


def test_the_agreement_wizard_refuses_a_tenant_asking_for_a_debt_before_the_contract(staff) -> None:
    client, _ = staff
    client.login(username="chefe", password=PASSWORD)
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    _register(p, tenant)
    _debts(p)
    with _at(dt.date(2024, 7, 1)):
        page = client.post(
            f"/cobranca/imoveis/{p.pk}/parcelamento/",
            {"down_payment": "0,00", "installments": "2", "requester": tenant.cpf_cnpj, "confirm": "1"},
        ).content.decode()
    assert "O inquilino só pode negociar débitos do período do seu contrato de locação" in page
    assert "12/2023" in page
    assert not Agreement.objects.filter(property_id=p.pk).exists()


def test_a_tenants_statement_at_the_desk_covers_only_the_contract_months(staff) -> None:
    client, _ = staff
    client.login(username="chefe", password=PASSWORD)
    p = rf.prop(holder=rf.customer(), holder_since=dt.date(2020, 1, 1))
    tenant = _tenant()
    _register(p, tenant)
    old = cf.bill(p, "120.00", dt.date(2024, 1, 10), dt.date(2023, 12, 1))
    new = cf.bill(p, "95.50", dt.date(2024, 6, 10), dt.date(2024, 5, 1))
    url = f"/cobranca/imoveis/{p.pk}/"
    body = {"valid_until": "2024-07-05", "requester": tenant.cpf_cnpj}
    with _at(dt.date(2024, 7, 1)):
        refused = client.post(url, body | {"bills": [old.pk, new.pk]}).content.decode()
        issued = client.post(url, body | {"bills": [new.pk]})
    assert "fora dele: 12/2023" in refused
    assert issued.status_code == 302 and "emitido=" in issued["Location"]

"""Exceptions and legal processes on a property (TR S10.13-01/02/03, S10.11-01/02, S10.12-04; ADR
0188): registered, ended and validated through the API and the page; operators only consult; each
lock seen where it acts — the late-payment fine, the cut selection, the billing run, rebill, the
staff 2ª via, debt statements and agreements, and the debt listings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.access.models import Profile, ProfileGrant, User
from modules.billing.models import Bill, LegalProcess, PropertyException, RunError, SecondCopyCharge
from modules.billing.services.legal import exception_create, exception_end, process_create
from modules.collection import services as collection
from modules.collection.late_items import late_charge_items
from modules.collection.models import PaymentDocument
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.models import AuditEntry
from modules.debt.disconnection import ORDER, cut_candidates
from modules.debt.models import Agreement
from modules.debt.selectors import debt_position
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.service.test_invoices import _read, _released, _run

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


class Operator:
    """The standard attendant profile (Atendente): consults exceptions and processes, prints the
    property's last bill, issues statements and agreements — without the special privilege."""

    def __init__(self, client: Any) -> None:
        self.user = make_user("alpha", "operadora", PASSWORD)
        self.user.profiles.add(Profile.objects.get(name="Atendente"))
        # the staff API prints a 2ª via with POST: a counter profile that may, still without the
        # special privilege of execução fiscal and dívida ativa
        counter = Profile.objects.create(name="Balcão (2ª via pela API)")
        ProfileGrant.objects.create(profile=counter, function="billing.bills", can_view=True, can_add=True)
        self.user.profiles.add(counter)
        self.client = client

    def _h(self) -> dict[str, str]:
        return bearer(self.client, "operadora", PASSWORD)

    def get(self, path: str) -> Any:
        return self.client.get(path, **self._h())

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", **self._h())


@pytest.fixture
def operator(staff: Any) -> Operator:  # noqa: F811
    return Operator(staff.client)


def _counts() -> tuple[int, int, int]:
    """Exceptions, processes and the audit rows of their writes (sign-ins and refusals audit too)."""
    writes = AuditEntry.objects.filter(action__startswith="billing.")
    return PropertyException.objects.count(), LegalProcess.objects.count(), writes.count()


def test_exceptions_refuse_overlaps_and_an_end_before_the_start_naming_the_field(staff: Any) -> None:  # noqa: F811
    p = cf.prop()
    url = f"/api/v1/properties/{p.pk}/exceptions"
    fine = staff.post(url, {"kind": "no_fine", "starts_on": "2025-06-01", "reason": "Decisão liminar"})
    assert fine.status_code == 201, fine.content
    body = fine.json()
    assert (body["kind_label"], body["ends_on"], body["in_force"], body["created_by"]) == (
        "Impede multa",
        None,
        True,
        "gestora",
    )
    before = _counts()
    overlap = staff.post(url, {"kind": "no_fine", "starts_on": "2025-07-01", "reason": "Outra"})
    assert overlap.status_code == 400 and overlap.json()["field"] == "starts_on"
    assert overlap.json()["code"] == "exception_overlap" and "sobrepõem" in overlap.json()["detail"]
    backwards = staff.post(
        url, {"kind": "no_cut", "starts_on": "2025-06-01", "ends_on": "2025-05-01", "reason": "x"}
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "ends_on"
    assert _counts() == before  # nothing written
    june = staff.post(
        url, {"kind": "no_cut", "starts_on": "2025-06-01", "ends_on": "2025-06-30", "reason": "a"}
    )
    assert june.status_code == 201
    assert staff.post(url, {"kind": "no_cut", "starts_on": "2025-06-15", "reason": "b"}).status_code == 400
    assert staff.post(url, {"kind": "no_cut", "starts_on": "2025-07-01", "reason": "c"}).status_code == 201
    # ending: not before the start, not into the next one of the same kind
    end = f"{url}/{fine.json()['id']}/end"
    early = staff.post(end, {"ends_on": "2025-05-31", "reason": "Revogada"})
    assert early.status_code == 400 and early.json()["field"] == "ends_on"
    ended = staff.post(end, {"ends_on": "2025-06-10", "reason": "Revogada"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2025-06-10"
    assert ended.json()["ended_by"] == "gestora"
    longer = staff.post(f"{url}/{june.json()['id']}/end", {"ends_on": "2025-07-15", "reason": "x"})
    assert longer.status_code == 400 and longer.json()["field"] == "ends_on"
    assert AuditEntry.objects.filter(action="billing.exception_create").count() == 3
    (audit,) = AuditEntry.objects.filter(action="billing.exception_end")
    assert audit.actor == "gestora" and audit.after == {"ends_on": "2025-06-10"}
    listed = staff.get(url).json()["results"]
    assert len(listed) == 3 and {r["kind"] for r in listed} == {"no_fine", "no_cut"}


def test_processes_validate_their_bills_and_close_once(staff: Any) -> None:  # noqa: F811
    p, other = cf.prop(), cf.prop()
    mine, theirs = cf.bill(p, "80.00", dt.date(2025, 5, 10)), cf.bill(other, "10.00", dt.date(2025, 5, 10))
    url = f"/api/v1/properties/{p.pk}/legal-processes"
    no_bills = staff.post(url, {"kind": "active_debt", "number": "CDA 1/2025", "starts_on": "2025-06-01"})
    assert no_bills.status_code == 400 and no_bills.json()["field"] == "bills"
    foreign = staff.post(
        url, {"kind": "judicial", "number": "1", "starts_on": "2025-06-01", "bills": [mine.pk, theirs.pk]}
    )
    assert foreign.status_code == 400 and foreign.json()["field"] == "bills"
    assert not LegalProcess.objects.exists()
    made = staff.post(
        url, {"kind": "judicial", "number": "0001234-56.2025", "starts_on": "2025-06-01", "bills": [mine.pk]}
    )
    assert made.status_code == 201, made.content
    assert (made.json()["bills"], made.json()["active"], made.json()["kind_label"]) == (
        [mine.pk],
        True,
        "Processo judicial",
    )
    close = f"{url}/{made.json()['id']}/close"
    early = staff.post(close, {"ends_on": "2025-05-01", "reason": "Sentença"})
    assert early.status_code == 400 and early.json()["field"] == "ends_on"
    closed = staff.post(close, {"reason": "Sentença transitada"})
    assert closed.status_code == 200 and closed.json()["ends_on"] == "2025-06-02"
    again = staff.post(close, {"reason": "Outra vez"})
    assert again.status_code == 409 and again.json()["code"] == "legal_process_closed"
    assert (
        AuditEntry.objects.filter(action__in=["billing.process_create", "billing.process_close"]).count() == 2
    )


def test_operators_only_consult_exceptions_and_processes(staff: Any, operator: Operator) -> None:  # noqa: F811
    p = cf.prop()
    exc = exception_create(
        actor=ACTOR, property_id=p.pk, kind="no_cut", starts_on=dt.date(2025, 6, 1), reason="a"
    )
    proc = process_create(
        actor=ACTOR, property_id=p.pk, kind="judicial", number="9", starts_on=dt.date(2025, 6, 1)
    )
    base = f"/api/v1/properties/{p.pk}"
    assert operator.get(f"{base}/exceptions").status_code == 200
    assert [r["id"] for r in operator.get(f"{base}/legal-processes").json()["results"]] == [proc.pk]
    before = _counts()
    writes = [
        (f"{base}/exceptions", {"kind": "no_fine", "starts_on": "2025-06-01", "reason": "x"}),
        (f"{base}/exceptions/{exc.pk}/end", {"reason": "x"}),
        (f"{base}/legal-processes", {"kind": "judicial", "number": "2", "starts_on": "2025-06-01"}),
        (f"{base}/legal-processes/{proc.pk}/close", {"reason": "x"}),
    ]
    for path, body in writes:
        assert operator.post(path, body).status_code == 403, path
    assert _counts() == before
    assert PropertyException.objects.get(pk=exc.pk).ends_on is None
    page_url = f"/servicos/atendimento/imovel/{p.pk}/excecoes-e-processos/"
    client = staff.client
    client.force_login(operator.user)
    page = client.get(page_url)
    text = page.content.decode()
    assert page.status_code == 200 and "Impede corte" in text and "Registrar exceção" not in text
    refused = client.post(
        page_url, {"op": "exception", "kind": "no_fine", "starts_on": "2025-06-01", "reason": "x"}
    )
    assert refused.status_code == 403 and _counts() == before
    # the manager registers and ends from the same page, reached from the one-screen view
    client.force_login(User.objects.get(username="gestora"))
    assert page_url in client.get(f"/servicos/atendimento/imovel/{p.pk}/").content.decode()
    made = client.post(
        page_url, {"op": "exception", "kind": "no_fine", "starts_on": "2025-06-01", "reason": "Lei"}
    )
    assert made.status_code == 302
    assert PropertyException.objects.filter(property=p, kind="no_fine", created_by="gestora").exists()
    overlap = client.post(
        page_url, {"op": "exception", "kind": "no_fine", "starts_on": "2025-06-05", "reason": "x"}
    )
    assert overlap.status_code == 400 and "sobrepõem" in overlap.content.decode()
    ended = client.post(
        page_url, {"op": "exception_end", "target": exc.pk, "ends_on": "2025-06-02", "reason": "Revogada"}
    )
    assert ended.status_code == 302 and PropertyException.objects.get(pk=exc.pk).ends_on == dt.date(
        2025, 6, 2
    )
    closed = client.post(
        page_url, {"op": "process_close", "target": proc.pk, "ends_on": "2025-06-02", "reason": "Fim"}
    )
    assert closed.status_code == 302 and LegalProcess.objects.get(pk=proc.pk).ends_on == dt.date(2025, 6, 2)


def _paid_late(p: Any) -> Any:
    late = cf.bill(p, "100.00", dt.date(2025, 4, 10))
    collection.payment_register(
        actor=ACTOR, barcode=late.barcode, amount=Decimal("100.00"), paid_on=dt.date(2025, 5, 20)
    )
    (item,) = late_charge_items([p.pk], YearMonth(2025, 6))[p.pk]
    return item


def test_impede_multa_a_late_payment_and_an_open_debt_carry_no_fine(staff: Any) -> None:  # noqa: F811
    control, excepted = cf.prop(), cf.prop()
    exception_create(
        actor=ACTOR, property_id=excepted.pk, kind="no_fine", starts_on=dt.date(2025, 4, 1), reason="Hospital"
    )
    charged, spared = _paid_late(control), _paid_late(excepted)
    assert "(multa 0,00," not in charged.description and "(multa 0,00, juros" in spared.description
    assert Decimal("0") < spared.amount < charged.amount  # interest and correction stay
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        for p in (control, excepted):
            cf.bill(p, "50.00", dt.date(2025, 6, 10))
        (open_control,) = debt_position(control.pk, dt.date(2025, 8, 1)).items
        (open_excepted,) = debt_position(excepted.pk, dt.date(2025, 8, 1)).items
        assert open_control.fine > 0 and open_excepted.fine == Decimal("0.00")
        assert open_excepted.interest == open_control.interest


def test_impede_corte_and_processes_leave_the_cut_selection(staff: Any) -> None:  # noqa: F811
    control, excepted, partial, whole = (cf.prop() for _ in range(4))
    bills = {
        p.pk: [cf.bill(p, "40.00", due) for due in (dt.date(2025, 4, 10), dt.date(2025, 5, 10))]
        for p in (control, excepted, partial, whole)
    }
    exception_create(
        actor=ACTOR, property_id=excepted.pk, kind="no_cut", starts_on=dt.date(2025, 6, 1), reason="Escola"
    )
    process_create(
        actor=ACTOR,
        property_id=partial.pk,
        kind="administrative",
        number="PA 7",
        starts_on=dt.date(2025, 6, 1),
        bill_ids=[bills[partial.pk][0].pk],
    )
    process_create(
        actor=ACTOR, property_id=whole.pk, kind="judicial", number="J 8", starts_on=dt.date(2025, 6, 1)
    )
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        rows = cut_candidates(as_of=dt.date(2025, 8, 1), purpose=ORDER, min_days_overdue=30)
        assert {r.property_id: r.bills for r in rows} == {control.pk: 2, partial.pk: 1}
        api = staff.client.get(
            "/api/v1/service/cut-candidates?purpose=order&days=30",
            **bearer(staff.client, "gestora", PASSWORD),
        ).json()["results"]
        assert sorted(r["property"] for r in api) == sorted([control.pk, partial.pk])
        ended = PropertyException.objects.get(property=excepted)
        exception_end(actor=ACTOR, exception_id=ended.pk, ends_on=dt.date(2025, 7, 31), reason="Fim")
        rows = cut_candidates(as_of=dt.date(2025, 8, 1), purpose=ORDER, min_days_overdue=30)
        assert excepted.pk in {r.property_id for r in rows}


def test_impede_faturamento_the_run_skips_the_property_and_reports_it(staff: Any) -> None:  # noqa: F811
    g = f.group()
    f.schedule(g, f.YearMonth(2025, 5))
    billed, blocked = f.billable(g), f.billable(g)
    _read(staff, billed)
    _read(staff, blocked)
    exception_create(
        actor=ACTOR,
        property_id=blocked.pk,
        kind="no_billing",
        starts_on=dt.date(2025, 6, 1),
        reason="Demolição",
    )
    run_id = _run(staff, g)
    assert list(Bill.objects.filter(run_id=run_id).values_list("property_id", flat=True)) == [billed.pk]
    (error,) = RunError.objects.filter(run_id=run_id)
    assert (error.property_id, error.code) == (blocked.pk, "billing_blocked")
    detail = staff.get(f"/api/v1/billing/runs/{run_id}").json()
    assert detail["errors"] == [
        {
            "property": blocked.pk,
            "code": "billing_blocked",
            "detail": "Exceção “Impede faturamento” vigente: imóvel não faturado.",
        }
    ]
    # nor is it billed by hand while the exception lasts
    missed = {"property": blocked.pk, "reference": "2025-05", "kind": "missed", "reason": "Faltou"}
    refused = staff.post("/api/v1/bills/issue", missed)
    assert refused.status_code == 409 and refused.json()["code"] == "billing_blocked"
    assert not Bill.objects.filter(property=blocked).exists()


def test_a_process_on_a_bill_forbids_recalculating_it(staff: Any) -> None:  # noqa: F811
    bill = _released(staff)
    proc = process_create(
        actor=ACTOR,
        property_id=bill.property_id,
        kind="judicial",
        number="0009999-11.2025",
        starts_on=dt.date(2025, 6, 1),
        bill_ids=[bill.pk],
    )
    bills_before = Bill.objects.count()
    refused = staff.post(
        f"/api/v1/bills/{bill.pk}/rebill", {"consumption_m3": 10, "reason": "Leitura errada"}
    )
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "bill_in_legal_process"
    assert (
        "não pode ser recalculada" in refused.json()["detail"]
        and "0009999-11.2025" in refused.json()["detail"]
    )
    assert Bill.objects.count() == bills_before and Bill.objects.get(pk=bill.pk).status == "released"
    staff.post(
        f"/api/v1/properties/{bill.property_id}/legal-processes/{proc.pk}/close",
        {"ends_on": "2025-06-01", "reason": "Acordo"},  # its last day in force: yesterday
    )
    assert (
        staff.post(f"/api/v1/bills/{bill.pk}/rebill", {"consumption_m3": 10, "reason": "x"}).status_code
        == 201
    )


def test_an_execution_locks_second_copies_statements_and_agreements(staff: Any, operator: Operator) -> None:  # noqa: F811
    bill = _released(staff)
    p = bill.property_id
    assert operator.post(f"/api/v1/bills/{bill.pk}/second-copy", {}).status_code == 200
    made = staff.post(
        f"/api/v1/properties/{p}/legal-processes",
        {"kind": "tax_enforcement", "number": "EF 5001/2025", "starts_on": "2025-06-01"},
    )
    assert made.status_code == 201
    copies, documents, agreements = (
        SecondCopyCharge.objects.count(),
        PaymentDocument.objects.count(),
        Agreement.objects.count(),
    )
    copy = operator.post(f"/api/v1/bills/{bill.pk}/second-copy", {})
    assert copy.status_code == 403 and copy.json()["code"] == "legal_locked"
    assert "execução fiscal" in copy.json()["detail"]
    statement = operator.post(f"/api/v1/properties/{p}/statement", {})
    assert statement.status_code == 403 and statement.json()["code"] == "legal_locked"
    agreement = operator.post(
        "/api/v1/agreements", {"property": p, "down_payment": "0.00", "installments": 2}
    )
    assert agreement.status_code == 403 and agreement.json()["code"] == "legal_locked"
    client = staff.client
    client.force_login(operator.user)
    assert client.get(f"/faturamento/faturas/{bill.pk}/2via/").status_code == 403
    assert (SecondCopyCharge.objects.count(), PaymentDocument.objects.count(), Agreement.objects.count()) == (
        copies,
        documents,
        agreements,
    )
    # the debt listing: flagged for everyone, amounts masked without the privilege
    (masked,) = operator.get(f"/api/v1/properties/{p}/debts").json()["items"]
    assert (masked["execution"], masked["masked"], masked["original"], masked["total"]) == (
        True,
        True,
        None,
        None,
    )
    assert operator.get(f"/api/v1/properties/{p}/debts").json()["totals"]["total"] == "0.00"
    page = client.get(f"/cobranca/imoveis/{p}/").content.decode()
    assert "execução fiscal" in page and "valores ocultos" in page
    desk = client.get(f"/servicos/atendimento/imovel/{p}/").content.decode()
    assert "Imóvel em execução fiscal (Execução fiscal nº EF 5001/2025)" in desk
    assert "1 débito(s) em dívida ativa ou execução fiscal oculto(s)" in desk
    # the privileged profile (the manager) still may
    (shown,) = staff.get(f"/api/v1/properties/{p}/debts").json()["items"]
    assert (shown["execution"], shown["masked"], shown["original"]) == (True, False, str(bill.total))
    assert staff.post(f"/api/v1/bills/{bill.pk}/second-copy", {}).status_code == 200
    assert staff.post(f"/api/v1/properties/{p}/statement", {}).status_code == 201
    rows = staff.get(f"/api/v1/properties/{p}/bills?status=execution").json()["results"]
    assert [(r["id"], r["execution"], r["active_debt"]) for r in rows] == [(bill.pk, True, False)]


def test_a_bill_in_active_debt_locks_its_second_copy_and_is_filtered_and_masked(
    staff: Any,  # noqa: F811
    operator: Operator,
) -> None:
    may = _released(staff)
    p = may.property_id
    f.schedule(may.property.billing_group, YearMonth(2025, 6))
    june = staff.post(
        "/api/v1/bills/issue", {"property": p, "reference": "2025-06", "kind": "early", "reason": "x"}
    )
    assert june.status_code == 201
    june_id = june.json()["id"]
    url = f"/api/v1/properties/{p}/legal-processes"
    da = staff.post(
        url, {"kind": "active_debt", "number": "CDA 77/2025", "starts_on": "2025-06-01", "bills": [june_id]}
    )
    assert da.status_code == 201
    refused = operator.post(f"/api/v1/bills/{june_id}/second-copy", {})
    assert refused.status_code == 403 and "dívida ativa" in refused.json()["detail"]
    assert staff.post(f"/api/v1/bills/{june_id}/second-copy", {}).status_code == 200
    # S10.11-01: the flags and their filters next to the bills' own situations
    bills = f"/api/v1/properties/{p}/bills"
    (flagged,) = staff.get(bills + "?status=active_debt").json()["results"]
    assert (flagged["id"], flagged["active_debt"], flagged["legal_process"]) == (
        june_id,
        True,
        "Inscrição em dívida ativa nº CDA 77/2025",
    )
    assert staff.get(bills + "?status=execution").json()["results"] == []
    assert {r["id"] for r in staff.get(bills + "?status=open").json()["results"]} == {may.pk, june_id}
    every = {r["id"]: r for r in staff.get(bills).json()["results"]}
    assert {"due_date", "paid_on", "status", "total", "updated_total", "active_debt", "execution"} <= set(
        every[may.pk]
    )
    assert every[may.pk]["active_debt"] is False
    # S10.11-02: the inscribed debt is masked for the operator, the other one is not
    items = {i["bill"]: i for i in operator.get(f"/api/v1/properties/{p}/debts").json()["items"]}
    assert items[june_id]["masked"] is True and items[june_id]["active_debt"] is True
    assert items[may.pk]["masked"] is False and items[may.pk]["original"] == str(may.total)
    # a statement over the inscribed bill is refused to the operator, over the other one allowed
    only_june = operator.post(f"/api/v1/properties/{p}/statement", {"bills": [june_id]})
    assert only_june.status_code == 403 and only_june.json()["field"] == "bills"
    assert operator.post(f"/api/v1/properties/{p}/statement", {"bills": [may.pk]}).status_code == 201
    staff.post(f"{url}/{da.json()['id']}/close", {"ends_on": "2025-06-01", "reason": "Inscrição cancelada"})
    assert operator.post(f"/api/v1/bills/{june_id}/second-copy", {}).status_code == 200


def test_the_bills_list_filters_by_each_situation_and_flag_with_every_field(staff: Any) -> None:  # noqa: F811
    """S10.11-01: one bill per situation on one property; each filter answers exactly its bills."""
    from modules.debt.models import AgreementBill
    from modules.debt.services import agreement_create

    gestora = User.objects.get(username="gestora")
    p = cf.prop()

    def bill(ref: str, due: dt.date, status: str = "released", **extra: Any) -> Bill:
        made = cf.bill(p, "30.00", due, dt.date.fromisoformat(f"{ref}-01"), status=status)
        if extra:
            Bill.objects.filter(pk=made.pk).update(**extra)
        return made

    installments = bill("2024-07", dt.date(2024, 8, 10))
    agreement_create(
        actor=gestora, property_id=p.pk, down_payment=Decimal("5.00"), count=2, as_of=dt.date(2025, 6, 2)
    )
    assert AgreementBill.objects.filter(bill=installments, active=True).exists()
    paid = bill("2024-01", dt.date(2024, 2, 10))
    collection.payment_register(
        actor=ACTOR, barcode=paid.barcode, amount=Decimal("30.00"), paid_on=dt.date(2024, 2, 9)
    )
    cancelled = bill("2024-02", dt.date(2024, 3, 10), "cancelled")
    rebilled = bill("2024-03", dt.date(2024, 4, 10), "cancelled")
    replacement = bill("2024-03", dt.date(2025, 7, 10), replaces=rebilled)
    draft = bill("2024-04", dt.date(2024, 5, 10), "draft")
    in_process = bill("2024-05", dt.date(2024, 6, 10), hold="in_process")
    awaiting = bill("2024-06", dt.date(2024, 7, 10), hold="awaiting_payment")
    overdue = bill("2024-08", dt.date(2025, 5, 10))
    process_create(
        actor=ACTOR,
        property_id=p.pk,
        kind="active_debt",
        number="CDA 9",
        starts_on=dt.date(2025, 6, 1),
        bill_ids=[overdue.pk],
    )
    process_create(
        actor=ACTOR, property_id=p.pk, kind="tax_enforcement", number="EF 9", starts_on=dt.date(2025, 6, 1)
    )
    expected = {
        "open": {overdue, replacement},
        "overdue": {overdue},
        "paid": {paid},
        "cancelled": {cancelled, rebilled},
        "rebilled": {rebilled},
        "in_installments": {installments},
        "in_process": {in_process},
        "awaiting_payment": {awaiting},
        "draft": {draft},
        "active_debt": {overdue},
        "execution": {in_process, awaiting, installments, overdue, replacement},
    }
    from modules.service.invoices import BILL_FILTERS

    assert set(expected) == set(BILL_FILTERS) - {""}
    url = f"/api/v1/properties/{p.pk}/bills"
    for status, bills in expected.items():
        rows = staff.get(f"{url}?status={status}").json()["results"]
        assert {r["id"] for r in rows} == {b.pk for b in bills}, status
    every = {r["id"]: r for r in staff.get(url).json()["results"]}
    assert len(every) == 9
    fields = {"due_date", "paid_on", "status", "total", "updated_total", "fine", "active_debt", "execution"}
    assert all(fields <= set(r) for r in every.values())
    assert every[paid.pk]["paid_on"] == "2024-02-09" and every[paid.pk]["status"] == "paid"
    assert (every[overdue.pk]["active_debt"], every[overdue.pk]["execution"]) == (True, True)
    assert Decimal(every[overdue.pk]["fine"]) > 0 and every[draft.pk]["execution"] is False
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    page = client.get(f"/servicos/atendimento/imovel/{p.pk}/faturas/?status=active_debt").content.decode()
    assert "Inscritas em dívida ativa" in page and f"/faturamento/faturas/{overdue.pk}/" in page

"""The consumption review (seed 001 3.2.6): a protocol of the review type with its form, its own
Year/Number series, the utility's phases and deadlines, the visit order for the field with the
agenda's warning, the bill changed inside the case only with billing's grant, and the closing with
the laudo (and the changed bill) by e-mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail

from modules.billing.models import Bill, BillStatus
from modules.billing.services.rebill import BillChanges
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, PermissionDenied, ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.models import Reading
from modules.reading.services import ReadingInput, reading_register
from modules.service.domain import reviews as rules
from modules.service.models_desk import ServiceRequest
from modules.service.models_review import ConsumptionReview, ReviewEvent, ReviewSettings
from modules.service.services import orders
from modules.service.services import reviews as svc
from tests.billing import factories as f
from tests.conftest import make_user
from tests.service import factories as sf

from .reviews_data import MONTH, SP, bill_of, billing_ready, form, reviewer

pytestmark = pytest.mark.usefixtures("tenant_alpha")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def ready() -> Any:
    return billing_ready()


def test_the_form_is_stored_whole_on_a_protocol_of_the_review_type(ready: Any) -> None:
    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id, requester_name="Vizinha Ana"))
    review.refresh_from_db()
    assert review.control == "2025/0001" and review.requested_on == dt.date(2025, 6, 2)
    assert review.bill == bill and review.reference == dt.date(2025, 5, 1)
    holder = svc.holder(bill.property_id)
    assert review.customer == holder and review.requester_name == "Vizinha Ana"  # proponente ≠ titular
    assert review.address.startswith("Rua Tiradentes, 100 – Centro – ")
    assert (review.residents, review.has_pool, review.pool_liters) == (3, True, 12000)
    assert (review.has_washing_machine, review.has_water_tank, review.tank_liters) == (True, True, 1000)
    assert review.other_source_label() == "Poço" and "sem vazamento" in review.description
    assert review.origin == "customer"
    protocol = review.protocol
    assert protocol.type_code == "consumption_review" and protocol.property_id == bill.property_id
    assert protocol.unit == "Revisão de consumo" and protocol.expected_on == dt.date(2025, 6, 17)
    # fresh utility: the default phases, the first one's deadline
    assert review.phase == "triage" and review.phase_due_on == dt.date(2025, 6, 4)
    assert AuditEntry.objects.filter(action="service.review_open").count() == 1


def test_the_control_number_runs_per_year_without_gaps() -> None:
    f.set_company_code("0562")
    g = f.group()
    prop = f.billable(g)
    made = []
    cases = (
        (YearMonth(2024, 11), dt.date(2024, 12, 3), 10),
        (YearMonth(2024, 12), dt.date(2024, 12, 20), 20),
        (YearMonth(2025, 1), dt.date(2025, 2, 1), 30),
    )
    for month, today, value in cases:
        f.schedule(g, month)
        with time_machine.travel(dt.datetime.combine(today, dt.time(12), dt.UTC), tick=False):
            reading_register(
                actor=f.ACTOR, data=ReadingInput(prop.account_number, month, month.day(10), value, "")
            )
            made.append(svc.review_open(actor=f.ACTOR, form=form(prop.pk, reference=month)).control)
    assert made == ["2024/0001", "2024/0002", "2025/0001"]


def test_a_month_the_unit_was_neither_read_nor_billed_is_refused_and_nothing_is_written(ready: Any) -> None:
    bill = bill_of(ready)
    with pytest.raises(ValidationFailed) as raised:
        svc.review_open(actor=f.ACTOR, form=form(bill.property_id, reference=YearMonth(2025, 3)))
    assert raised.value.field == "reference" and "03/2025" in raised.value.message
    assert not ConsumptionReview.objects.exists()
    assert not ServiceRequest.objects.filter(type_code="consumption_review").exists()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"residents": -1}, "residents"),
        ({"description": "curto"}, "description"),
        ({"other_source": "rio"}, "other_source"),
        ({"requester_name": "Jo"}, "name"),
        ({"requester_phone": ""}, "phone"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(ready: Any, over: dict[str, Any], field: str) -> None:
    bill = bill_of(ready)
    with pytest.raises(ValidationFailed) as raised:
        svc.review_open(actor=f.ACTOR, form=form(bill.property_id, **over))
    assert raised.value.field == field
    assert not ConsumptionReview.objects.exists() and not ReviewEvent.objects.exists()


def test_phases_move_forward_only_each_with_its_deadline_and_a_timeline_entry(ready: Any) -> None:
    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id))
    review = svc.review_advance(actor=f.ACTOR, review_id=review.pk, phase="analysis", note="Sem vistoria")
    assert review.phase == "analysis" and review.phase_due_on == dt.date(2025, 6, 5)
    with pytest.raises(ValidationFailed) as raised:
        svc.review_advance(actor=f.ACTOR, review_id=review.pk, phase="visit")
    assert "só avança" in raised.value.message
    steps = list(review.events.values_list("action", "from_phase", "to_phase", "note", "actor"))
    assert steps == [
        (
            "open",
            "",
            "triage",
            "Aberta (Pedido do cliente); protocolo " + review.protocol.protocol,
            "sistema:tests",
        ),
        ("phase", "triage", "analysis", "Sem vistoria", "sistema:tests"),
    ]


def test_the_utility_sets_its_own_phases_and_deadlines(ready: Any) -> None:
    svc.review_settings_update(
        actor=f.ACTOR,
        phases=[
            {"code": "recebida", "label": "Recebida", "days": 1},
            {"code": "campo", "label": "Vistoria em campo", "days": 10},
        ],
        visit_code="REVC",
        visit_minutes=45,
    )
    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id))
    assert (review.phase, review.phase_due_on) == ("recebida", dt.date(2025, 6, 3))
    review = svc.review_advance(actor=f.ACTOR, review_id=review.pk, phase="campo")
    assert review.phase_due_on == dt.date(2025, 6, 12) and svc.phase_label("campo") == "Vistoria em campo"
    with pytest.raises(ValidationFailed) as raised:
        svc.review_settings_update(
            actor=f.ACTOR,
            phases=[{"code": "a", "label": "A", "days": 1}] * 2,
            visit_code="REVC",
            visit_minutes=45,
        )
    assert raised.value.field == "phases"
    assert ReviewSettings.objects.get().phases[1]["label"] == "Vistoria em campo"


def test_the_visit_is_a_real_order_and_a_double_booked_technician_is_warned(ready: Any) -> None:
    tech = make_user("alpha", "tecnico")
    first = svc.review_open(actor=f.ACTOR, form=form(bill_of(ready).property_id))
    other_prop = f.billable(ready)
    reading_register(
        actor=f.ACTOR, data=ReadingInput(other_prop.account_number, MONTH, MONTH.day(10), 30, "")
    )
    second = svc.review_open(actor=f.ACTOR, form=form(other_prop.pk))
    at = dt.datetime(2025, 6, 4, 9, 0, tzinfo=SP)
    done = svc.review_visit_schedule(actor=f.ACTOR, review_id=first.pk, at=at, technician_id=tech.pk)
    assert done.warning == "" and done.order.code.code == "REVC"
    assert done.order.property_id == first.property_id and "2025/0001" in done.order.description
    clash = svc.review_visit_schedule(
        actor=f.ACTOR, review_id=second.pk, at=at + dt.timedelta(minutes=30), technician_id=tech.pk
    )
    assert clash.warning == "Atenção: o técnico já tem vistoria nesse horário (revisão 2025/0001)."
    assert clash.review.events.last().note.endswith(clash.warning)
    free = svc.review_visit_schedule(
        actor=f.ACTOR, review_id=second.pk, at=at + dt.timedelta(minutes=60), technician_id=tech.pk
    )
    assert free.warning == "" and free.order.pk == clash.order.pk  # moved, the same order


def test_closing_the_visit_order_writes_its_report_into_the_case(ready: Any) -> None:
    tech = make_user("alpha", "tecnico")
    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id))
    order = svc.review_visit_schedule(
        actor=f.ACTOR, review_id=review.pk, at=dt.datetime(2025, 6, 2, 10, tzinfo=SP), technician_id=tech.pk
    ).order
    orders.order_close(
        actor=f.ACTOR,
        order_id=order.pk,
        executed=True,
        executed_at=dt.datetime(2025, 6, 2, 9, 0, tzinfo=SP),
        team_id=sf.team().pk,
        notes="Vazamento na descarga do banheiro; hidrômetro conferido.",
    )
    review.refresh_from_db()
    assert review.visit_report == (
        f"OS {order.label} executada em 02/06/2025 09:00: "
        "Vazamento na descarga do banheiro; hidrômetro conferido."
    )
    assert review.events.last().action == "visit_done"


def test_the_rebill_needs_billings_grant_and_links_the_new_bill_to_the_case(ready: Any) -> None:
    bill = bill_of(ready)
    assert bill.total == Decimal("40.56")
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id))
    without = reviewer("ana", rebill=False)
    with pytest.raises(PermissionDenied):
        svc.review_rebill(
            actor=without, review_id=review.pk, changes=BillChanges(consumption_m3=10), reason="Vazamento"
        )
    bill.refresh_from_db()
    assert bill.status == BillStatus.RELEASED and Bill.objects.count() == 1
    allowed = reviewer("bia", rebill=True)
    out = svc.review_rebill(
        actor=allowed, review_id=review.pk, changes=BillChanges(consumption_m3=10), reason="Vazamento"
    )
    review.refresh_from_db()
    assert (out.before.total, out.after.total) == (Decimal("40.56"), Decimal("20.59"))
    assert review.new_bill == out.bill and review.new_bill.replaces_id == bill.pk
    assert review.new_bill.consumption_m3 == 10
    bill.refresh_from_db()
    assert bill.status == BillStatus.CANCELLED and bill.cancel_reason.startswith(
        "Revisão de consumo 2025/0001"
    )
    assert review.events.last().note == "Conta alterada: R$ 40,56 → R$ 20,59. Vazamento"


def test_closing_sends_the_laudo_and_the_changed_bill_and_closes_the_protocol(
    ready: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id))
    svc.review_rebill(
        actor=reviewer("bia", rebill=True),
        review_id=review.pk,
        changes=BillChanges(consumption_m3=10),
        reason="Vazamento",
    )
    with django_capture_on_commit_callbacks(execute=True):
        svc.review_close(
            actor=f.ACTOR,
            review_id=review.pk,
            outcome="upheld",
            conclusion="Vazamento interno comprovado na vistoria; consumo faturado pela média.",
        )
    (message,) = mail.outbox
    assert message.to == ["jose@example.com"] and "2025/0001" in message.subject
    names = [a[0] for a in message.attachments]
    assert names == ["laudo-revisao-2025-0001.pdf", "conta-2025-05.pdf"]
    assert all(a[1][:4] == b"%PDF" for a in message.attachments)
    review.refresh_from_db()
    assert review.phase == "closed" and review.outcome == "upheld" and review.emailed_to == "jose@example.com"
    assert (
        review.protocol.status == "closed"
        and review.protocol.closing_reason == "Revisão de consumo procedente"
    )
    assert [e.action for e in review.events.all()][-2:] == ["close", "email"]
    with pytest.raises(Conflict):
        svc.review_rebill(
            actor=reviewer("cida", rebill=True),
            review_id=review.pk,
            changes=BillChanges(consumption_m3=8),
            reason="x",
        )


def test_a_rejected_case_cannot_carry_a_changed_bill(ready: Any) -> None:
    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id))
    svc.review_rebill(
        actor=reviewer("bia", rebill=True),
        review_id=review.pk,
        changes=BillChanges(consumption_m3=10),
        reason="x",
    )
    with pytest.raises(ValidationFailed) as raised:
        svc.review_close(
            actor=f.ACTOR, review_id=review.pk, outcome="rejected", conclusion="Consumo confirmado."
        )
    assert raised.value.field == "outcome"
    review.refresh_from_db()
    assert review.phase == "triage" and not mail.outbox


def test_a_high_reading_of_the_queue_opens_the_case_in_one_click(ready: Any) -> None:
    prop = f.billable(ready)
    for month, value in ((YearMonth(2025, 2), 10), (YearMonth(2025, 3), 20), (YearMonth(2025, 4), 30)):
        f.schedule(ready, month)
        reading_register(
            actor=f.ACTOR, data=ReadingInput(prop.account_number, month, month.day(10), value, "")
        )
    high = reading_register(
        actor=f.ACTOR, data=ReadingInput(prop.account_number, MONTH, MONTH.day(10), 90, "")
    )
    assert "high" in high.flags and high.review == "pending"
    review = svc.review_from_reading(actor=f.ACTOR, reading_id=high.pk)
    assert review.origin == "reading" and review.reading == high and review.bill is None
    assert "consumo 60 m³" in review.description
    with pytest.raises(Conflict) as raised:
        svc.review_from_reading(actor=f.ACTOR, reading_id=high.pk)
    assert "2025/0001" in raised.value.message
    assert ConsumptionReview.objects.count() == 1
    assert Reading.objects.get(pk=high.pk).review == "pending"  # the reading's own analysis goes on


def test_double_booking_rule_is_pure() -> None:
    at = dt.datetime(2025, 6, 4, 9, tzinfo=dt.UTC)
    booked = [rules.Booking("2025/0001", 7, at, at + dt.timedelta(minutes=60))]
    assert rules.double_booking(booked, 7, at + dt.timedelta(minutes=59), 60) != ""
    assert rules.double_booking(booked, 7, at + dt.timedelta(minutes=60), 60) == ""
    assert rules.double_booking(booked, 8, at, 60) == ""
    assert rules.format_control(2024, 12345) == "2024/12345"


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF")
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_printed_form_carries_every_field_of_the_request(ready: Any) -> None:
    """3.2.6.4: each 3.2.6.2.x field on the PDF; the laudo adds the outcome, the new bill and the text."""
    from modules.service.review_pdf import review_form_pdf, review_report_pdf

    bill = bill_of(ready)
    review = svc.review_open(actor=f.ACTOR, form=form(bill.property_id, requester_name="Vizinha Ana"))
    text = _pdf_text(review_form_pdf(review))
    holder = svc.holder(bill.property_id)
    assert holder is not None
    for value in (
        "2025/0001",  # .1 control number
        "05/2025",  # .2 bill month
        holder.name,  # .3 customer
        review.address,  # .4 address
        "02/06/2025",  # .5 request date
        "Vizinha Ana",  # .6 requester
        "Número de moradores 3",  # .7
        "Piscina Sim (12000 litros)",  # .8
        "Máquina de lavar roupa Sim",  # .9
        "Caixa d'água Sim (1000 litros)",  # .10
        "Outra fonte de água Poço",  # .11
        "sem vazamento aparente",  # .12
    ):
        assert value in text, value
    svc.review_rebill(
        actor=reviewer("bia", rebill=True),
        review_id=review.pk,
        changes=BillChanges(consumption_m3=10),
        reason="x",
    )
    svc.review_close(
        actor=f.ACTOR, review_id=review.pk, outcome="upheld", conclusion="Vazamento interno comprovado."
    )
    review.refresh_from_db()
    laudo = _pdf_text(review_report_pdf(review))
    assert "LAUDO DE REVISÃO DE CONSUMO" in laudo and "Resultado Procedente" in laudo
    assert "10 m³, R$ 20,59 (era R$ 40,56)" in laudo and "Vazamento interno comprovado." in laudo

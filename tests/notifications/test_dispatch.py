"""A bill release sends the notices each citizen chose, once, through the providers' local fakes
(SMS gateway, WhatsApp provider, push service, the test mail outbox); the digital bill's PDF goes
with the e-mail; the periodic scan finds the other facts; staff see what was sent to whom."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail

from modules.billing.models import Bill, BillingRun
from modules.billing.services import runs
from modules.collection.models import Payment
from modules.notifications import dispatch, services
from modules.notifications.models import Delivery, PushDevice, Subscription
from modules.registry.models import Customer, Property
from tests.billing import factories as bf
from tests.billing.test_bills_api import _billed, staff  # noqa: F401  (the fixture)
from tests.collection import factories as cf

CHOICE = ["bill_issued", "due_soon", "payment_confirmed", "debt_notice", "protocol_status"]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


def _subscribe(prop: Property, push_service: Any, **channels: bool) -> Any:
    Subscription.objects.update_or_create(
        property=prop,
        defaults={"events": CHOICE, "mobile": "+5511987654321", **channels},
    )
    browser = push_service.subscribe()
    services.push_device_add(prop=prop, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth)
    return browser


def _holder_email(prop: Property, address: str) -> None:
    from modules.registry.models import PropertyRelation

    relation = PropertyRelation.objects.filter(property=prop).select_related("customer").first()
    assert relation is not None
    Customer.objects.filter(pk=relation.customer_id).update(email=address)


def _send_all(ids: list[int]) -> list[str]:
    return [dispatch.delivery_send(pk) for pk in ids]


def test_a_release_sends_each_chosen_channel_once_and_a_rerun_sends_nothing(
    staff: Any,  # noqa: F811
    sms: Any,
    whatsapp: Any,
    push_service: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    prop, run_id = _billed(staff)
    _holder_email(prop, "cliente@example.com")
    browser = _subscribe(prop, push_service, email=True, sms=True, whatsapp=True, push=True)
    from tests.registry import factories as rf

    elsewhere = rf.prop(holder=rf.customer("Outro Cidadão", email="outro@example.com"))
    Subscription.objects.create(property=elsewhere, email=True, events=["bill_issued"])
    cf.bill(elsewhere, "20.00", dt.date(2025, 6, 20))  # a bill of no run: not this release's
    services.digital_bill_set(actor=bf.ACTOR, prop=prop, on=True, source="web")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        runs.run_release(actor=bf.ACTOR, run=BillingRun.objects.get(pk=run_id), render_pdfs=False)
    from modules.billing.hooks import bills_released

    assert [getattr(c, "func", None) for c in callbacks] == [bills_released]  # the hook, on commit

    ids = dispatch.run_bills_notify(run_id)  # what the hook's task runs
    assert ids == 4
    rows = Delivery.objects.filter(property=prop).order_by("channel")
    assert [r.channel for r in rows] == ["email", "push", "sms", "whatsapp"]
    assert not Delivery.objects.filter(property=elsewhere).exists()
    assert _send_all([r.pk for r in rows]) == ["sent"] * 4

    bill = Bill.objects.get(property=prop, run_id=run_id)
    text = (
        f"a conta 05/2025 da matrícula {prop.account_number}, de R$ 40,56, vence em {bill.due_date:%d/%m/%Y}."
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cliente@example.com"]
    assert text in mail.outbox[0].body
    name, pdf, kind = mail.outbox[0].attachments[0]  # the digital bill
    assert (name, kind) == ("conta-2025-05.pdf", "application/pdf") and pdf.startswith(b"%PDF")
    assert [m["to"] for m in sms.messages] == ["+5511987654321"] and text in sms.messages[0]["text"]
    assert [m["to"] for m in whatsapp.messages] == ["5511987654321"] and text in whatsapp.messages[0]["text"]
    pushed = push_service.received
    assert len(pushed) == 1 and pushed[0]["id"] == browser.id and pushed[0]["encoding"] == "aes128gcm"
    payload = json.loads(pushed[0]["payload"])  # decrypted by the fake browser's own key
    assert payload["title"] == "Sua conta de 05/2025 está disponível" and text in payload["body"]
    assert payload["url"] == f"/agencia/imoveis/{prop.pk}/contas/"

    # the release's task again, the scan over the same bills, each delivery's task again: nothing
    assert dispatch.run_bills_notify(run_id) == 0
    assert Delivery.objects.filter(property=prop, event="bill_issued").count() == 4
    assert _send_all([r.pk for r in rows]) == ["sent"] * 4
    assert (len(mail.outbox), len(sms.messages), len(whatsapp.messages), len(pushed)) == (1, 1, 1, 1)


def test_without_an_address_the_delivery_says_why_and_a_provider_failure_is_retried_then_recorded(
    tenant_alpha: Any, sms: Any, whatsapp: Any, push_service: Any
) -> None:
    from tests.registry import factories as rf

    prop = rf.prop(holder=rf.customer("Sem E-mail"))
    Subscription.objects.create(
        property=prop, email=True, whatsapp=True, events=["bill_issued"], mobile="+5511912345678"
    )
    bill = cf.bill(prop, "61.00", dt.date(2025, 6, 20))
    created = dispatch.deliveries_create([dispatch._bill_fact(bill, "bill_issued")])
    by_channel = {d.channel: d for d in Delivery.objects.filter(property=prop)}
    assert by_channel["email"].status == "skipped" and by_channel["email"].error == "Sem e-mail cadastrado."
    assert created == [by_channel["whatsapp"].pk]
    whatsapp.refuse_to.add("5511912345678")
    for _attempt in (1, 2):
        with pytest.raises(dispatch.providers.ProviderFailed):
            dispatch.delivery_send(created[0])
        assert Delivery.objects.get(pk=created[0]).status == "pending"
    assert dispatch.delivery_send(created[0]) == "failed"
    row = Delivery.objects.get(pk=created[0])
    assert row.attempts == 3 and row.error == "O provedor de WhatsApp recusou a mensagem (HTTP 503)."
    assert whatsapp.messages == [] and mail.outbox == []


def test_the_scan_tells_payments_due_dates_and_overdue_bills_once(
    tenant_alpha: Any, sms: Any, push_service: Any
) -> None:
    from tests.registry import factories as rf

    prop = rf.prop(holder=rf.customer("Ana", email="ana@example.com"))
    Subscription.objects.create(property=prop, email=True, sms=True, events=CHOICE, mobile="+5511987650000")
    soon = cf.bill(prop, "30.00", dt.date(2025, 6, 4))  # 2 days ahead; the default is 3
    late = cf.bill(prop, "45.00", dt.date(2025, 5, 20))  # 13 days overdue; notice after 5
    cf.bill(prop, "50.00", dt.date(2025, 6, 30), dt.date(2025, 3, 1))  # far: neither
    Bill.objects.filter(pk__in=[soon.pk, late.pk]).update(issued_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC))
    Bill.objects.filter(property=prop).exclude(pk__in=[soon.pk, late.pk]).update(
        issued_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
    )
    payment = Payment.objects.create(
        agent=cf.agent(),
        channel="counter",
        status="applied",
        property=prop,
        bill=late,
        amount="45.00",
        paid_on=dt.date(2025, 6, 1),
        credited_on=dt.date(2025, 6, 2),
        created_by="t",
    )
    assert dispatch.scan() == 6  # (due_soon, debt_notice, payment) × (email, sms)
    got = sorted((d.event, d.ref, d.channel) for d in Delivery.objects.filter(property=prop))
    assert got == sorted(
        (e, r, c)
        for e, r in (
            ("due_soon", f"bill:{soon.pk}"),
            ("debt_notice", f"bill:{late.pk}"),
            ("payment_confirmed", f"payment:{payment.pk}"),
        )
        for c in ("email", "sms")
    )
    assert dispatch.scan() == 0
    text = Delivery.objects.get(event="payment_confirmed", channel="sms").text
    assert text == (
        "Concessionária Alpha: recebemos o pagamento de R$ 45,00 em 01/06/2025 "
        f"da matrícula {prop.account_number}. Obrigado!"
    )


def test_a_push_device_the_service_forgot_is_dropped(tenant_alpha: Any, push_service: Any) -> None:
    from tests.registry import factories as rf

    prop = rf.prop(holder=rf.customer("Lia"))
    browser = _subscribe(prop, push_service, push=True)
    push_service.gone.add(browser.id)
    bill = cf.bill(prop, "10.00", dt.date(2025, 6, 20))
    [pk] = dispatch.deliveries_create([dispatch._bill_fact(bill, "bill_issued")])
    assert dispatch.delivery_send(pk) == "failed"
    assert PushDevice.objects.get(property=prop).gone_at is not None

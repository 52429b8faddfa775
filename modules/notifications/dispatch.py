"""Sending the notices each citizen chose, once (ADR 0207).

1. A fact (a bill released, a payment applied, a protocol's new status, a planned interruption in
   the street, a bill near its due date or left unpaid) becomes one Delivery row per channel the
   property's citizen turned on, for the notices they chose. The row's key (property, event, fact,
   channel) is unique, so the release re-run, the hook and the periodic scan seeing the same fact
   write nothing new.
2. Each new row is sent by its own task (tasks.notifications_deliver), which claims it with a
   conditional update (pending → sending): a redelivered or repeated task finds it taken and sends
   nothing. A provider failure is retried a few times, then the row says why.

Tenant-aware like every task: the rows and the providers' settings are the tenant's own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.collection.models import Payment
from modules.common.clock import tenant_today
from modules.registry.models import Property
from modules.service.models import ServiceRequest, ServiceRequestEvent, SupplyOutage

from . import providers
from .domain import events as ev
from .models import Delivery, NotificationSettings, PushDevice, Subscription

MAX_ATTEMPTS = 3
SCAN_WINDOW = dt.timedelta(days=2)


@dataclass(frozen=True)
class Fact:
    property_id: int
    event: str
    ref: str
    message: ev.Message
    bill_id: int | None = None  # the digital bill's PDF goes with the e-mail of `bill_issued`


def _agency_url(property_id: int, tail: str = "") -> str:
    try:
        return reverse("agencia:property_home", args=[property_id]) + tail
    except NoReverseMatch:  # a deployment without the agency's URLs
        return ""


def deliveries_create(facts: list[Fact]) -> list[int]:
    """The Delivery rows of `facts` for the channels each citizen chose; the ids of the new ones.
    Runs inside the caller's transaction; a fact already recorded on a channel adds nothing."""
    if not facts:
        return []
    conf = NotificationSettings.current()
    offered = set(conf.offered_events)
    subs = {
        s.property_id: s for s in Subscription.objects.filter(property_id__in={f.property_id for f in facts})
    }
    emails: dict[int, str] = {}
    created: list[int] = []
    for fact in facts:
        sub = subs.get(fact.property_id)
        if sub is None or fact.event not in sub.events or fact.event not in offered:
            continue
        for channel, on in sub.channels().items():
            if not on:
                continue
            destination, missing = _destination(sub, channel, emails)
            attach = (
                fact.bill_id
                if channel == ev.EMAIL and sub.digital_bill and fact.event == ev.BILL_ISSUED
                else None
            )
            try:
                with transaction.atomic():
                    row, new = Delivery.objects.get_or_create(
                        property_id=fact.property_id,
                        event=fact.event,
                        ref=fact.ref,
                        channel=channel,
                        defaults={
                            "destination": destination,
                            "subject": fact.message.subject,
                            "text": fact.message.text,
                            "url": fact.message.url,
                            "attach_bill_id": attach,
                            "status": Delivery.Status.SKIPPED if missing else Delivery.Status.PENDING,
                            "error": missing,
                        },
                    )
            except IntegrityError:  # a concurrent scan wrote it first
                continue
            if new and not missing:
                created.append(row.pk)
    return created


def _destination(sub: Subscription, channel: str, emails: dict[int, str]) -> tuple[str, str]:
    """(address, "") or ("", why there is none)."""
    if channel == ev.EMAIL:
        if sub.property_id not in emails:
            emails[sub.property_id] = providers.holder_email(Property(pk=sub.property_id))
        address = emails[sub.property_id]
        return (address, "") if address else ("", "Sem e-mail cadastrado.")
    if channel in (ev.SMS, ev.WHATSAPP):
        return (sub.mobile, "") if sub.mobile else ("", "Sem celular confirmado.")
    if not PushDevice.objects.filter(property_id=sub.property_id, gone_at__isnull=True).exists():
        return "", "Nenhum aparelho com notificações ativadas."
    return "", ""


def enqueue(ids: list[int]) -> None:
    """Send each delivery by its own task, once the rows are committed."""
    if not ids:
        return
    from .tasks import notifications_deliver

    transaction.on_commit(lambda: [notifications_deliver.delay(pk) for pk in ids])


# --- sending ------------------------------------------------------------------------------------


def delivery_send(delivery_id: int) -> str:
    """Send one delivery if it is still pending; its status after. Idempotent (see module doc)."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1
    )
    row = Delivery.objects.select_related("attach_bill__property").get(pk=delivery_id)
    if not claimed:
        return row.status
    try:
        provider_id = _send(row)
    except providers.ProviderNotConfigured as exc:
        _finish(row, Delivery.Status.FAILED, error=exc.message)
    except providers.ProviderFailed as exc:
        status = Delivery.Status.PENDING if row.attempts < MAX_ATTEMPTS else Delivery.Status.FAILED
        _finish(row, status, error=exc.message[:300])
        if status == Delivery.Status.PENDING:
            raise
    else:
        _finish(row, Delivery.Status.SENT, provider_id=provider_id[:120])
    return row.status


def _send(row: Delivery) -> str:
    if row.channel == ev.EMAIL:
        return providers.send_email(
            to=row.destination, subject=row.subject, text=_with_link(row), bill=row.attach_bill
        )
    if row.channel == ev.SMS:
        return providers.send_sms(row.destination, row.text)
    if row.channel == ev.WHATSAPP:
        return providers.send_whatsapp(row.destination, row.text)
    from .services import vapid_key_ensure

    pem = vapid_key_ensure()
    ids = []
    for device in PushDevice.objects.filter(property_id=row.property_id, gone_at__isnull=True):
        try:
            ids.append(providers.send_push(device, title=row.subject, text=row.text, url=row.url, pem=pem))
        except providers.webpush.PushGone:
            PushDevice.objects.filter(pk=device.pk).update(gone_at=timezone.now())
    if not ids:
        raise providers.ProviderNotConfigured("Nenhum aparelho aceitou a notificação.")
    return ids[0] or f"{len(ids)} aparelho(s)"


def _with_link(row: Delivery) -> str:
    return f"{row.text}\n\nAcesse a agência virtual: {row.url}" if row.url else row.text


def _finish(row: Delivery, status: str, *, provider_id: str = "", error: str = "") -> None:
    row.status = status
    row.provider_id = provider_id
    row.error = error
    row.sent_at = timezone.now() if status == Delivery.Status.SENT else None
    row.save(update_fields=["status", "provider_id", "error", "sent_at"])


# --- facts --------------------------------------------------------------------------------------


def bills_released(run_id: int) -> None:
    """billing's hook (after the release commits): the run's notices, in the background."""
    from .tasks import notifications_bills_released

    notifications_bills_released.delay(run_id)


def _bill_fact(bill: Bill, event: str) -> Fact:
    message = ev.bill_message(
        event=event,
        utility=providers.utility_name(),
        account=bill.property.account_number,
        reference=bill.reference,
        due=bill.due_date,
        total=bill.total,
        url=_agency_url(bill.property_id, "contas/"),
    )
    return Fact(bill.property_id, event, f"bill:{bill.pk}", message, bill.pk)


def _subscribed(event: str) -> list[int]:
    return list(Subscription.objects.filter(events__contains=[event]).values_list("property_id", flat=True))


@transaction.atomic(durable=True)
def run_bills_notify(run_id: int) -> int:
    """`bill_issued` for every issued bill of the run whose citizen asked for it; the new deliveries."""
    bills = Bill.objects.filter(
        run_id=run_id, status=BillStatus.RELEASED, property_id__in=_subscribed(ev.BILL_ISSUED)
    ).select_related("property")
    ids = deliveries_create([_bill_fact(b, ev.BILL_ISSUED) for b in bills])
    enqueue(ids)
    return len(ids)


@transaction.atomic(durable=True)
def scan(now: dt.datetime | None = None) -> int:
    """The periodic pass over the recent facts of every kind (beat, every few minutes); the new
    deliveries. Catches what no hook announces (payments, protocol steps, interruptions, the
    calendar's notices) and a release whose message was lost."""
    now = now or timezone.now()
    today = tenant_today()
    conf = NotificationSettings.current()
    since = now - SCAN_WINDOW
    facts: list[Fact] = []
    issued = Bill.objects.filter(
        status=BillStatus.RELEASED, issued_at__gte=since, property_id__in=_subscribed(ev.BILL_ISSUED)
    ).select_related("property")
    facts += [_bill_fact(b, ev.BILL_ISSUED) for b in issued]
    due_soon = Bill.objects.filter(
        status=BillStatus.RELEASED,
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=conf.due_soon_days),
        property_id__in=_subscribed(ev.DUE_SOON),
    ).select_related("property")
    facts += [_bill_fact(b, ev.DUE_SOON) for b in due_soon]
    overdue_since = today - dt.timedelta(days=conf.debt_notice_days)
    overdue = Bill.objects.filter(
        status=BillStatus.RELEASED,
        due_date__lte=overdue_since,
        due_date__gt=overdue_since - dt.timedelta(days=30),
        property_id__in=_subscribed(ev.DEBT_NOTICE),
    ).select_related("property")
    facts += [_bill_fact(b, ev.DEBT_NOTICE) for b in overdue]
    facts += _payment_facts(since)
    facts += _protocol_facts(since)
    facts += interruption_facts(now)
    ids = deliveries_create(facts)
    enqueue(ids)
    return len(ids)


def _payment_facts(since: dt.datetime) -> list[Fact]:
    payments = Payment.objects.filter(
        status=Payment.Status.APPLIED,
        created_at__gte=since,
        property_id__in=_subscribed(ev.PAYMENT_CONFIRMED),
    ).select_related("property")
    name = providers.utility_name()
    return [
        Fact(
            p.property_id,
            ev.PAYMENT_CONFIRMED,
            f"payment:{p.pk}",
            ev.payment_message(
                utility=name,
                account=p.property.account_number,
                paid_on=p.paid_on,
                amount=p.amount,
                url=_agency_url(p.property_id, "pagamentos/"),
            ),
        )
        for p in payments
        if p.property_id is not None
    ]


def _protocol_facts(since: dt.datetime) -> list[Fact]:
    steps = ServiceRequestEvent.objects.filter(
        at__gte=since, request__property_id__in=_subscribed(ev.PROTOCOL_STATUS)
    ).select_related("request")
    name = providers.utility_name()
    facts = []
    for step in steps:
        if step.request.property_id is None:
            continue
        label = ServiceRequest.Status(step.status).label
        facts.append(
            Fact(
                step.request.property_id,
                ev.PROTOCOL_STATUS,
                f"request-step:{step.pk}",
                ev.protocol_message(
                    utility=name,
                    protocol=step.request.protocol,
                    status_label=str(label),
                    url=_agency_url(step.request.property_id, f"pedidos/{step.request.protocol}/"),
                ),
            )
        )
    return facts


def interruption_facts(now: dt.datetime) -> list[Fact]:
    """A planned interruption (one that has not started) told to the citizens of its streets and
    neighbourhoods. The quality/maps work will emit richer ones through `deliveries_create`."""
    wanted = _subscribed(ev.INTERRUPTION)
    if not wanted:
        return []
    name = providers.utility_name()
    facts = []
    for outage in SupplyOutage.objects.filter(starts_at__gt=now, ends_at__isnull=True).prefetch_related(
        "streets", "neighbourhoods"
    ):
        streets = [s.pk for s in outage.streets.all()]
        hoods = [n.pk for n in outage.neighbourhoods.all()]
        area = Q(street_id__in=streets) | Q(neighbourhood_id__in=hoods)
        props = Property.objects.filter(area, pk__in=wanted).values_list("pk", flat=True)
        message = ev.interruption_message(
            utility=name, description=outage.description, starts=outage.starts_at, ends=outage.expected_end_at
        )
        facts += [Fact(pid, ev.INTERRUPTION, f"outage:{outage.pk}", message) for pid in props]
    return facts

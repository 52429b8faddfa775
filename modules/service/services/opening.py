"""What an opening leaves besides the order, inside the opening's transaction (each helper says so):
the term the code generates (3.2.11.1.18), the e-mail to the execution sector's recipients
(3.2.11.6) and the forecast material sent to the inventory (3.2.11.10), the last two after commit,
so a rolled-back opening mails and reserves nothing."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from modules.common.clock import tenant_zone

from .. import terms
from ..models import ServiceOrder
from ..models_orders import InventoryRequest, OpeningNotice, OrderTerm, SectorRecipient

logger = logging.getLogger(__name__)


def after_open(order: ServiceOrder) -> None:
    """Not durable: called by the opening inside its transaction, once per opened order."""
    term_generate(order)
    notice_schedule(order)
    inventory_schedule(order)


def term_generate(order: ServiceOrder) -> OrderTerm | None:
    """Not durable. The term the code names, rendered now from the version in force on the opening
    date and stored, so its PDF prints the same text later."""
    name = order.code.opening_term.strip()
    if not name:
        return None
    on = order.opened_at.astimezone(tenant_zone()).date()
    kind = terms.kind_for(name)
    text = terms.term_text(kind, name, terms.order_context(order), on)
    term: OrderTerm = OrderTerm.objects.create(
        order=order,
        kind=kind,
        title=text.title,
        body_html=str(text.body_html),
        template_id_used=text.version.pk if text.version else None,
        created_at=timezone.now(),
    )
    return term


def notice_recipients(order: ServiceOrder) -> list[str]:
    """The execution sector's recipients when the code e-mails on opening; none otherwise."""
    notice = OpeningNotice.objects.filter(code_id=order.code_id, is_active=True).first()
    if notice is None or order.sector_id is None:
        return []
    emails = set(SectorRecipient.objects.filter(sector_id=order.sector_id).values_list("email", flat=True))
    if order.sector and order.sector.email:
        emails.add(order.sector.email)
    return sorted(emails)


def notice_schedule(order: ServiceOrder) -> None:
    """Not durable: the e-mail goes on commit (robust: a mail server down never undoes the order)."""
    recipients = notice_recipients(order)
    if not recipients:
        return
    zone = tenant_zone()
    prop = order.property
    subject = f"OS {order.label} aberta: {order.code.code} — {order.code.description}"
    body = "\n".join(
        [
            f"Foi aberta a ordem de serviço {order.label} para o setor {order.sector}.",
            f"Serviço: {order.code.code} — {order.code.description}",
            f"Imóvel: matrícula {prop.account_number}, {prop.street}, {prop.number}" if prop else "",
            f"Aberta em {order.opened_at.astimezone(zone):%d/%m/%Y %H:%M} por {order.opened_by}.",
            f"Prazo: {order.due_at.astimezone(zone):%d/%m/%Y %H:%M}.",
            f"Descrição: {order.description}" if order.description else "",
        ]
    ).strip()
    transaction.on_commit(
        partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False),
        robust=True,
    )


def inventory_lines(order: ServiceOrder) -> list[dict[str, str]]:
    kit = order.code.kit
    if kit is None:
        return []
    return [
        {"material": i.material.code, "quantity": f"{i.quantity:f}", "unit": i.material.unit}
        for i in kit.items.select_related("material").order_by("material__code")
    ]


def inventory_schedule(order: ServiceOrder) -> None:
    """Not durable: a code with a kit reserves its materials; the request row is written with the
    order, and the task that sends it is enqueued on commit."""
    lines = inventory_lines(order)
    if not lines:
        return
    InventoryRequest.objects.create(order=order, lines=lines)
    from ..tasks import inventory_send

    transaction.on_commit(partial(inventory_send.delay, order.pk), robust=True)


def inventory_request_send(*, order_id: int) -> str:
    """Send one order's forecast material to the inventory (the Celery task's one call): the state
    "sent" and the reservation id on success; a failure counts the attempt and raises for a retry
    (InventoryUnavailable) or for the record (InventoryRefused). The provider call runs between two
    short durable transactions, not while holding a lock: its idempotency key makes a second call
    (two deliveries at once, a crash after the answer) reserve nothing more."""
    from .. import inventory

    row = InventoryRequest.objects.select_related("order").filter(order_id=order_id).first()
    if row is None or row.state == InventoryRequest.State.SENT:
        return "nothing"
    if not inventory.configured():
        return "not_configured"
    try:
        reservation = inventory.reserve(
            order_id=order_id, reference=f"OS {row.order.label}", lines=list(row.lines)
        )
    except (inventory.InventoryUnavailable, inventory.InventoryRefused) as exc:
        refused = isinstance(exc, inventory.InventoryRefused)
        with transaction.atomic(durable=True):
            locked = InventoryRequest.objects.select_for_update().get(pk=row.pk)
            locked.attempts += 1
            locked.last_error = str(exc)[:300]
            if refused:
                locked.state = InventoryRequest.State.FAILED
            locked.save(update_fields=["attempts", "last_error", "state"])
        logger.warning("inventory reservation of order %s failed: %s", order_id, exc)
        raise
    with transaction.atomic(durable=True):
        locked = InventoryRequest.objects.select_for_update().get(pk=row.pk)
        locked.attempts += 1
        locked.state = InventoryRequest.State.SENT
        locked.reservation = reservation.id
        locked.last_error = ""
        locked.sent_at = timezone.now()
        locked.save(update_fields=["attempts", "state", "reservation", "last_error", "sent_at"])
    return "sent"

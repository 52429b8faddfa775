"""The ladder's first step (`reminder`): a friendly reminder by e-mail and SMS to the holder of a unit
with a bill overdue for the policy's days, before any notice. SMS goes through the provider interface
of modules/common/sms.py (a local fake server in tests and the demo), e-mail through Django's mail.

One reminder per unit and day: the history line (CollectionEvent, key `reminder:<day>`) is written
only after a channel accepted the message, and a second run finds it and sends nothing; the SMS
carries an idempotency key of the tenant, the unit and the day, so a retried call never sends twice.
Units the policy protects or blocks, and units with a reading under review, are left out as for
notices; a provider's failure leaves the unit for the next run and is counted, never raised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.mail import send_mail
from django.db import transaction

from modules.common.audit import Actor
from modules.common.clock import current_tenant
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError
from modules.common.sms import normalize_phone, sms_client
from modules.registry.models import PropertyRelation

from .cutoff_policy import policy_in_force
from .disconnection import NOTICE, cut_candidates
from .models_cutoff import CollectionBlock, CollectionEvent
from .notices import SELECTION_LIMIT, Selected, among, event_add, excluded_units


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


def reminder_selection(as_of: dt.date) -> list[Selected]:
    """Units with a bill overdue for `reminder_days_overdue` days, not reminded today. A read."""
    policy = policy_in_force(as_of)
    rows = cut_candidates(
        as_of=as_of, purpose=NOTICE, min_days_overdue=policy.reminder_days_overdue, limit=SELECTION_LIMIT
    )
    ids = {c.property_id for c in rows}
    out = excluded_units(ids, as_of, policy, [CollectionBlock.Scope.NOTICES, CollectionBlock.Scope.BOTH])
    out |= among(CollectionEvent.objects.filter(step="reminder", key=f"reminder:{as_of}"), ids)
    return [
        Selected(c.property_id, c.account_number, c.bills, c.total, c.oldest_due)
        for c in rows
        if c.property_id not in out
    ]


def _contacts(property_ids: list[int]) -> dict[int, Contact]:
    out: dict[int, Contact] = {}
    for rel in (
        PropertyRelation.objects.filter(property_id__in=property_ids, end__isnull=True)
        .select_related("customer")
        .order_by("property_id", "role")
    ):
        out.setdefault(rel.property_id, Contact(rel.customer.name, rel.customer.email, rel.customer.phone))
    return out


def _text(sel: Selected) -> str:
    utility = getattr(current_tenant(), "name", "")
    return (
        f"{utility}: a matrícula {sel.account_number} tem {sel.bills} conta(s) em atraso, "
        f"R$ {format_brl(sel.total)}. Pague ou parcele e evite o aviso de corte."
    )


@dataclass(frozen=True)
class ReminderRun:
    sent: list[Selected]
    failed: int
    without_contact: int


def reminders_send(*, actor: Actor, as_of: dt.date) -> ReminderRun:
    """Sends the day's reminders; each unit's history line in its own short transaction, after a
    channel accepted it (the provider call stays outside any transaction)."""
    selection = reminder_selection(as_of)
    contacts = _contacts([s.property_id for s in selection])
    schema = getattr(current_tenant(), "schema_name", "")
    sent: list[Selected] = []
    failed = missing = 0
    for sel in selection:
        contact = contacts.get(sel.property_id)
        channels: list[str] = []
        if contact is None or not (contact.email or contact.phone):
            missing += 1
            continue
        text = _text(sel)
        if contact.phone:
            try:
                sms_client().send(
                    to=normalize_phone(contact.phone),
                    text=text,
                    idempotency_key=f"{schema}:reminder:{sel.property_id}:{as_of}",
                )
                channels.append("SMS")
            except DomainError:
                failed += 1
        if contact.email:
            send_mail("Lembrete de contas em atraso", text, None, [contact.email])
            channels.append("e-mail")
        if not channels:
            continue
        with transaction.atomic(durable=True):
            if event_add(
                property_id=sel.property_id,
                step="reminder",
                action="sent",
                summary=f"Lembrete por {' e '.join(channels)}: {sel.bills} conta(s), "
                f"R$ {format_brl(sel.total)}",
                actor=actor,
                citizen=True,
                key=f"reminder:{as_of}",
            ):
                sent.append(sel)
    return ReminderRun(sent, failed, missing)


def totals(rows: list[Selected]) -> tuple[int, Decimal]:
    return sum(r.bills for r in rows), sum((r.total for r in rows), Decimal("0.00"))

"""Due dates changed for a group of bills at once (seed 002 S13.7-01/-02): the open bills of one or
more billing groups, routes or streets, or those due on a given date, or a list, moved to a new due
date under one reason. Each bill goes through the same rebill as a single change (its check digits
and linha digitável recomputed, a BillNote with before/after, an audit row), all or nothing: a date
the calendar refuses, or a bill that cannot change, writes nothing.

The bills changed are the resend list: their new line goes out in the next delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from modules.common.audit import Actor
from modules.common.errors import ValidationFailed
from modules.common.typed import transaction

from ..errors import ErrorCode
from ..models import Bill, BillStatus
from .rebill import BillChanges, RebillOutcome, rebill_in


@transaction.atomic(durable=True)
def due_dates_bulk_change(
    *,
    actor: Actor,
    new_due_date: dt.date,
    reason: str,
    group_ids: Sequence[int] = (),
    route_ids: Sequence[int] = (),
    street_ids: Sequence[int] = (),
    due_on: dt.date | None = None,
    bill_ids: Sequence[int] = (),
) -> list[RebillOutcome]:
    if not (group_ids or route_ids or street_ids or due_on or bill_ids):
        raise ValidationFailed(
            "Escolha ao menos um critério: grupo, rota, logradouro, vencimento atual ou contas.",
            field="criteria",
            code=ErrorCode.CHANGES_EMPTY,
        )
    bills = Bill.objects.filter(status=BillStatus.RELEASED).exclude(due_date=new_due_date)
    if group_ids:
        bills = bills.filter(property__billing_group_id__in=list(group_ids))
    if route_ids:
        bills = bills.filter(property__route_id__in=list(route_ids))
    if street_ids:
        bills = bills.filter(property__street_id__in=list(street_ids))
    if due_on:
        bills = bills.filter(due_date=due_on)
    if bill_ids:
        bills = bills.filter(pk__in=list(bill_ids))
    chosen = list(bills.order_by("pk").values_list("pk", flat=True))
    changes = BillChanges(due_date=new_due_date)
    return [rebill_in(actor=actor, bill_id=pk, changes=changes, reason=reason) for pk in chosen]

"""Cut notices and cut orders (seed 001 3.2.9.7–3.2.9.15): who is selected under the policy in force,
the notices issued (the bills, the amount, the legal cut day), their cancellation, new cut day and
the block of a unit, the settlement a payment or an agreement brings at once, and the cut orders
generated from expired notices by priority within the daily cap.

Debt sits below service: the cut order is a service order opened through the opener service
registers at start-up (`register_cut_order_opener`), never a second order concept here.

Never selected (issue #16): units the registry protects (`cut_notice_allowed`/`cut_order_allowed`:
hospitals, schools, health-dependent residents), the policy's protected categories (the social
tariff's), bills held (payment awaiting its file, a proceeding), bills under a live agreement, bills
a legal process covers, units with a reading under review, and units blocked for collection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from modules.billing.domain.pricing import ItemKind, PendingItem
from modules.billing.hooks import already_billed
from modules.billing.models import Bill, BillItem, BillStatus
from modules.collection.models import PaymentDocument
from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.bulk import allocate_ids, copy_instances, in_ids
from modules.common.clock import tenant_now, tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.reading.models import Reading, ReviewStatus
from modules.registry.models import Property, PropertyCategory, ServiceConnection

from .cutoff_policy import cut_calendar, earliest_cut_on, policy_in_force, rules_of
from .disconnection import NOTICE, ORDER, CutCandidate, cut_candidates
from .domain.cutoff import cut_day_problem, level_window_problem
from .errors import ErrorCode
from .models import AgreementBill
from .models_cutoff import CollectionBlock, CollectionEvent, CutNotice, CutoffPolicy

LADDER_ACTOR = SystemActor("régua de cobrança")
# the bill lines that are the water supply's charge (3.2.9.7.4: a bill without them is services only)
WATER_KINDS = (ItemKind.WATER, ItemKind.SEWER, ItemKind.FIXED)
SELECTION_LIMIT = 1_000_000
CUT_SITUATIONS = ("cut", "suppressed")

# service registers (actor, property_id, level, reason) -> order id
CutOrderOpener = Callable[[Actor, int, str, str], int]
_OPENER: dict[str, CutOrderOpener] = {}


# service registers (as_of, cut on or before) -> property ids whose meter-stand cut is still open
# with no reconnection ordered: the candidates of the second level (3.2.9.14)
CutEscalation = Callable[[dt.date], list[int]]
_ESCALATION: dict[str, CutEscalation] = {}


# service registers (actor, property_id, description) -> the label of the administrative service
# order that records a change of a notice or a block (3.2.9.9, .10, .15: change, user, date, parecer)
RecordOrderOpener = Callable[[Actor, int, str], str]
_RECORD: dict[str, RecordOrderOpener] = {}


def register_record_order_opener(opener: RecordOrderOpener) -> None:
    _RECORD["record"] = opener


def _record_order(actor: Actor, property_id: int, description: str) -> str:
    """Runs inside the caller's transaction: the automatic service order recording a collection
    change (its user and date are the order's opening; the description carries the change and the
    parecer). Answers " (OS label)" for the history line, or "" when service is not active."""
    opener = _RECORD.get("record")
    return f" (OS {opener(actor, property_id, description)})" if opener else ""


def register_cut_order_opener(opener: CutOrderOpener, escalation: CutEscalation | None = None) -> None:
    _OPENER["cut"] = opener
    if escalation is not None:
        _ESCALATION["branch"] = escalation


@dataclass(frozen=True)
class Selected:
    property_id: int
    account_number: str
    bills: int
    total: Decimal
    oldest_due: dt.date


def event_add(
    *,
    property_id: int,
    step: str,
    action: str,
    summary: str,
    actor: Actor,
    citizen: bool = False,
    key: str = "",
) -> bool:
    """Runs inside the caller's transaction: one line on the property's collection history (the
    attendant's timeline; the agency when `citizen`). With a `key`, a second call writes nothing and
    answers False (the ladder's idempotency)."""
    if key and CollectionEvent.objects.filter(property_id=property_id, step=step, key=key).exists():
        return False
    CollectionEvent.objects.create(
        property_id=property_id,
        at=timezone.now(),
        step=step,
        action=action,
        summary=summary[:300],
        citizen=citizen,
        actor=actor.get_username(),
        key=key,
    )
    return True


def _blocked(as_of: dt.date, scopes: list[str]) -> set[int]:
    return set(
        CollectionBlock.objects.filter(scope__in=scopes, starts_on__lte=as_of)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
        .values_list("property_id", flat=True)
    )


def among(queryset: QuerySet[Any], ids: set[int]) -> set[int]:
    """The property ids of `queryset` that are in `ids`, however many (one array parameter). A read."""
    if not ids:
        return set()
    rows = queryset.filter(property_id__any_of=ids).order_by().values_list("property_id", flat=True)
    return set(rows)  # no ORDER BY nor DISTINCT: the models' orderings would sort the rows for nothing


def excluded_units(ids: set[int], as_of: dt.date, policy: CutoffPolicy, scopes: list[str]) -> set[int]:
    """Among `ids`, the units the policy's protected categories, a block of one of `scopes` in force
    on `as_of` or an open reading review keep out of a ladder step. A read."""
    out = _blocked(as_of, scopes) & ids
    if policy.protected_categories:
        out |= among(PropertyCategory.objects.filter(category__code__in=policy.protected_categories), ids)
    out |= among(Reading.objects.filter(review=ReviewStatus.PENDING), ids)
    return out


def notice_selection(as_of: dt.date, policy: CutoffPolicy | None = None) -> list[Selected]:
    """Who gets a cut notice on `as_of` under the policy in force (3.2.9.7.1–.3, .9, .10), oldest
    debt first. A read."""
    policy = policy or policy_in_force(as_of)
    rows = [
        c
        for c in cut_candidates(
            as_of=as_of, purpose=NOTICE, min_days_overdue=policy.min_days_overdue, limit=SELECTION_LIMIT
        )
        if c.bills >= policy.min_overdue_bills and c.total >= policy.min_debt
    ]
    ids = {c.property_id for c in rows}
    out = excluded_units(ids, as_of, policy, [CollectionBlock.Scope.NOTICES, CollectionBlock.Scope.BOTH])
    if not policy.allow_multiple_pending:
        out |= among(CutNotice.objects.filter(status=CutNotice.Status.PENDING), ids)
    # issued today already: the run's idempotency, whatever the multiple-notice flag says
    out |= among(CutNotice.objects.filter(issued_on=as_of), ids)
    if not policy.notify_already_cut:
        out |= among(ServiceConnection.objects.filter(kind="water", situation__in=CUT_SITUATIONS), ids)
    return [_selected(c) for c in rows if c.property_id not in out]


def _selected(c: CutCandidate) -> Selected:
    return Selected(c.property_id, c.account_number, c.bills, c.total, c.oldest_due)


@transaction.atomic(durable=True)
def notices_issue(*, actor: Actor, as_of: dt.date) -> list[CutNotice]:
    """The day's notices for the selection the preview showed (3.2.9.7, .11): each lists its bills,
    its amount, the notice fee and the day from which the unit may be cut — the earliest legal day
    after delivery (delivered on `as_of`: handed over). Running it twice on a day issues nothing
    more (one notice per unit and day)."""
    return notices_issue_within(actor=actor, as_of=as_of)


def notices_issue_within(
    *, actor: Actor, as_of: dt.date, delivered_on: dt.date | None = None, only: set[int] | None = None
) -> list[CutNotice]:
    """Runs inside the caller's transaction: `notices_issue` for the units of `only` (all when None),
    delivered on `delivered_on` (as_of when None) — the reading batch's last reading day, when the
    notices go to the device with the batch (3.2.9.8): the cut day counts from the latest delivery.

    Set-based (ADR 0211): the selection, the bills of every selected unit, which of them carry the
    water charge, the notices, their payable documents and their history lines are each a fixed
    number of statements whatever the count (200,000 units, 30,000 notices in seconds). A run holds
    the tenant's notice lock to its end, so two runs at once issue each notice once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':debt.cut_notices'))")
    policy = policy_in_force(as_of)
    delivered = max(delivered_on or as_of, as_of)
    cut_from = earliest_cut_on(delivered, policy)
    selection = [s for s in notice_selection(as_of, policy) if only is None or s.property_id in only]
    chosen = {s.property_id for s in selection}
    overdue = Bill.objects.filter(
        status=BillStatus.RELEASED, due_date__lt=as_of - dt.timedelta(days=policy.min_days_overdue)
    )
    if only is not None:
        overdue = overdue.filter(property_id__any_of=chosen)
    bill_ids: dict[int, list[int]] = {pid: [] for pid in chosen}
    for pk, pid in overdue.order_by("due_date", "id").values_list("id", "property_id"):
        if pid in bill_ids:
            bill_ids[pid].append(pk)
    water = set(
        BillItem.objects.filter(bill__in=overdue, kind__in=WATER_KINDS)
        .values_list("bill__property_id", flat=True)
        .distinct()
    )
    user = actor.get_username()
    ids = allocate_ids(CutNotice, len(selection))  # the documents name their notice: ids first
    issued = [
        CutNotice(
            pk=pk,
            property_id=sel.property_id,
            kind=CutNotice.Kind.CUT if sel.property_id in water else CutNotice.Kind.DEBT,
            policy=policy if policy.pk else None,
            issued_on=as_of,
            delivered_on=delivered,
            cut_from=cut_from,
            bill_ids=bill_ids[sel.property_id],
            bills=sel.bills,
            amount=sel.total,
            fee=policy.notice_fee if sel.property_id in water else Decimal("0.00"),
            message=policy.notice_message,
            created_by=user,
        )
        for pk, sel in zip(ids, selection, strict=True)
    ]
    if policy.print_barcode:
        _notice_documents(issued, actor)
    copy_instances(CutNotice, issued)
    now = timezone.now()
    events = []
    for event_id, notice in zip(allocate_ids(CollectionEvent, len(issued)), issued, strict=True):
        then = (
            f"corte a partir de {cut_from:%d/%m/%Y}"
            if notice.kind == CutNotice.Kind.CUT
            else "sem corte: contas só de serviços"
        )
        summary = (
            f"{notice.get_kind_display()} nº {notice.number}: {notice.bills} conta(s), "
            f"R$ {format_brl(notice.amount)}; {then}"
        )
        events.append(
            CollectionEvent(
                pk=event_id,
                property_id=notice.property_id,
                at=now,
                step="notice",
                action="issued",
                summary=summary[:300],
                citizen=True,
                actor=user,
            )
        )
    copy_instances(CollectionEvent, events)
    audit_record(
        actor=actor,
        action="debt.cut_notices_issue",
        object_type="debt.cutnotice",
        after={"as_of": as_of, "count": len(issued), "cut_from": cut_from},
    )
    return issued


def _notice_documents(notices: list[CutNotice], actor: Actor) -> None:
    """Runs inside the caller's transaction, before the notices (ids taken, not yet inserted) are
    written: each one's payable document (3.2.9.7.11) — its bills priced up to the day before the
    cut, one FEBRABAN barcode that settles them all — for the whole run at once (`debt_positions`,
    `documents_create_bulk`), set on `notice.document`; a notice with nothing payable has none."""
    from modules.collection.services import DocumentRequest, documents_create_bulk

    from .selectors import debt_positions

    by_day: dict[tuple[dt.date, dt.date], list[CutNotice]] = {}
    for notice in notices:
        by_day.setdefault((notice.issued_on, notice.cut_from - dt.timedelta(days=1)), []).append(notice)
    for (issued_on, valid_until), group in by_day.items():
        positions = debt_positions({n.property_id: list(n.bill_ids) for n in group}, valid_until)
        payable = [n for n in group if positions[n.property_id].items]
        docs = documents_create_bulk(
            actor=actor,
            kind=PaymentDocument.Kind.STATEMENT,
            requests=[
                DocumentRequest(n.property_id, positions[n.property_id].items, str(n.pk)) for n in payable
            ],
            as_of=issued_on,
            valid_until=valid_until,
            source="debt.cut_notice",
        )
        by_source = {d.source_id: d for d in docs}
        for notice in payable:
            notice.document = by_source.get(str(notice.pk))


def _pending(notice_id: int) -> CutNotice:
    row: CutNotice | None = CutNotice.objects.select_for_update().filter(pk=notice_id).first()
    if row is None:
        raise NotFound("Aviso de corte não encontrado.", field="notice", code=ErrorCode.CUT_NOTICE_NOT_FOUND)
    if row.status != CutNotice.Status.PENDING:
        raise Conflict(
            f"O aviso está “{row.get_status_display()}”: só um aviso pendente muda.",
            field="notice",
            code=ErrorCode.CUT_NOTICE_NOT_PENDING,
        )
    return row


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationFailed("Informe o parecer.", field="reason", code=ErrorCode.INVALID)
    return text


@transaction.atomic(durable=True)
def notice_cancel(*, actor: Actor, notice_id: int, reason: str) -> CutNotice:
    """3.2.9.10: a pending notice cancelled with the parecer; it never becomes a cut order."""
    text = _reason(reason)
    row = _pending(notice_id)
    row.status, row.closed_on, row.closed_reason = CutNotice.Status.CANCELLED, tenant_today(), text
    row.save(update_fields=["status", "closed_on", "closed_reason"])
    order = _record_order(
        actor, row.property_id, f"Cancelamento do aviso de corte nº {row.number}. Parecer: {text}"
    )
    event_add(
        property_id=row.property_id,
        step="notice",
        action="cancelled",
        summary=f"Aviso de corte nº {row.number} cancelado{order}: {text}",
        actor=actor,
        citizen=True,
    )
    audit_record(actor=actor, action="debt.cut_notice_cancel", target=row, reason=text)
    return row


@transaction.atomic(durable=True)
def notice_reschedule(*, actor: Actor, notice_id: int, cut_from: dt.date, reason: str) -> CutNotice:
    """3.2.9.9: the cut day of a pending notice moved (later, or back to no earlier than the earliest
    legal day after its delivery); the day itself must be one a cut may start on."""
    text = _reason(reason)
    row = _pending(notice_id)
    policy = policy_in_force(row.delivered_on)
    earliest = earliest_cut_on(row.delivered_on, policy)
    if cut_from < earliest:
        raise ValidationFailed(
            f"O corte não pode ser antes de {earliest:%d/%m/%Y}: o aviso foi entregue em "
            f"{row.delivered_on:%d/%m/%Y} e a política exige {policy.notice_days} dias.",
            field="cut_from",
            code=ErrorCode.CUT_DAY_NOT_ALLOWED,
        )
    problem = cut_day_problem(
        cut_from, rules_of(policy), cut_calendar(cut_from, cut_from + dt.timedelta(days=1), policy)
    )
    if problem:
        raise ValidationFailed(problem, field="cut_from", code=ErrorCode.CUT_DAY_NOT_ALLOWED)
    before = row.cut_from
    row.cut_from = cut_from
    row.save(update_fields=["cut_from"])
    order = _record_order(
        actor,
        row.property_id,
        f"Alteração do vencimento do aviso de corte nº {row.number}: de {before:%d/%m/%Y} para "
        f"{cut_from:%d/%m/%Y}. Parecer: {text}",
    )
    event_add(
        property_id=row.property_id,
        step="notice",
        action="rescheduled",
        summary=f"Aviso nº {row.number}: corte passa de {before:%d/%m/%Y} para {cut_from:%d/%m/%Y}{order} "
        f"({text})",
        actor=actor,
        citizen=True,
    )
    audit_record(
        actor=actor,
        action="debt.cut_notice_reschedule",
        target=row,
        before={"cut_from": before},
        after={"cut_from": cut_from},
        reason=text,
    )
    return row


@transaction.atomic(durable=True)
def block_create(
    *, actor: Actor, property_id: int, scope: str, ends_on: dt.date | None, reason: str, today: dt.date
) -> CollectionBlock:
    """3.2.9.15: the unit is skipped by the notice and/or the order generation from today until
    `ends_on` (open-ended when None). Raises LookupError for an unknown property."""
    text = _reason(reason)
    if not Property.objects.filter(pk=property_id).exists():
        raise LookupError(property_id)
    if scope not in CollectionBlock.Scope.values:
        raise ValidationFailed("Escopo do bloqueio desconhecido.", field="scope", code=ErrorCode.INVALID)
    if ends_on is not None and ends_on < today:
        raise ValidationFailed(
            "O fim do bloqueio não pode ser antes de hoje.", field="ends_on", code=ErrorCode.INVALID
        )
    block: CollectionBlock = CollectionBlock.objects.create(
        property_id=property_id,
        scope=scope,
        starts_on=today,
        ends_on=ends_on,
        reason=text,
        created_by=actor.get_username(),
    )
    until = f" até {ends_on:%d/%m/%Y}" if ends_on else ""
    order = _record_order(
        actor,
        property_id,
        f"Bloqueio de {block.get_scope_display().lower()}{until}. Parecer: {text}",
    )
    event_add(
        property_id=property_id,
        step="block",
        action="created",
        summary=f"Bloqueio de cobrança ({block.get_scope_display().lower()}){until}{order}: {text}",
        actor=actor,
    )
    audit_record(actor=actor, action="debt.collection_block_create", target=block, reason=text)
    return block


def notices_settle(bill_ids: list[int], actor: Any) -> None:
    """Runs inside the caller's (paying or negotiating) transaction: the pending notices of the
    units these bills belong to, none of whose bills is still open and outside an agreement, are
    settled at once and never become cut orders."""
    properties = set(Bill.objects.filter(id__in=bill_ids).values_list("property_id", flat=True))
    negotiated = set(
        AgreementBill.objects.filter(active=True, bill__property_id__in=properties).values_list(
            "bill_id", flat=True
        )
    )
    who = actor or LADDER_ACTOR
    for notice in CutNotice.objects.select_for_update().filter(
        property_id__in=properties, status=CutNotice.Status.PENDING
    ):
        open_ids = (
            set(
                Bill.objects.filter(id__in=notice.bill_ids, status=BillStatus.RELEASED).values_list(
                    "id", flat=True
                )
            )
            - negotiated
        )
        if open_ids:
            continue
        notice.status, notice.closed_on = CutNotice.Status.SETTLED, tenant_today()
        notice.closed_reason = "Contas do aviso pagas ou parceladas."
        notice.save(update_fields=["status", "closed_on", "closed_reason"])
        event_add(
            property_id=notice.property_id,
            step="notice",
            action="settled",
            summary=f"Aviso de corte nº {notice.number} quitado: pagamento ou parcelamento",
            actor=who,
            citizen=True,
        )


# --- cut orders (3.2.9.11–3.2.9.13) -----------------------------------------------------------------


def order_selection(as_of: dt.date, policy: CutoffPolicy | None = None) -> list[CutNotice]:
    """The expired pending notices that become cut orders on `as_of`, in the policy's priority and
    within its daily cap less the orders already generated that day. Empty on a day a cut may not
    start (the law's weekdays, holidays and their eves). A read."""
    policy = policy or policy_in_force(as_of)
    if cut_day_problem(as_of, rules_of(policy), cut_calendar(as_of, as_of + dt.timedelta(days=1), policy)):
        return []
    if outside_level_window(policy, "meter_stand", as_of):
        return []
    # the expired notices as plain rows (tens of thousands on a city's cut day); only the day's
    # capped few are read as notices with their property (ADR 0211)
    expired = list(
        CutNotice.objects.filter(
            kind=CutNotice.Kind.CUT,
            status=CutNotice.Status.PENDING,
            cut_from__lte=as_of,
            amount__gte=policy.min_notice_amount,
        ).values_list("id", "property_id", "amount", "cut_from", "bill_ids", "property__inscription")
    )
    if not expired:
        return []
    ids = {row[1] for row in expired}
    allowed = {
        c.property_id
        for c in cut_candidates(
            as_of=as_of, purpose=ORDER, min_days_overdue=0, limit=SELECTION_LIMIT, among=ids
        )
    }
    out = excluded_units(ids, as_of, policy, [CollectionBlock.Scope.ORDERS, CollectionBlock.Scope.BOTH])
    rows = [r for r in expired if r[1] in allowed and r[1] not in out]
    listed = {pk for r in rows for pk in r[4]}  # one read for every notice, not one per notice
    still_open = set(
        Bill.objects.filter(id__in=in_ids(listed), status=BillStatus.RELEASED).values_list("id", flat=True)
    )
    rows = [r for r in rows if still_open.intersection(r[4])]
    if policy.order_priority == CutoffPolicy.Priority.AMOUNT:
        rows.sort(key=lambda r: (-r[2], r[3], r[0]))
    elif policy.order_priority == CutoffPolicy.Priority.LOCATION:
        rows.sort(key=lambda r: (r[5], r[0]))
    else:
        rows.sort(key=lambda r: (r[3], r[0]))
    done_today = CutNotice.objects.filter(status=CutNotice.Status.ORDERED, closed_on=as_of).count()
    chosen = [r[0] for r in rows[: max(0, policy.max_orders_per_day - done_today)]]
    by_id = CutNotice.objects.select_related("property").in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


@transaction.atomic(durable=True)
def cut_orders_generate(*, actor: Actor, as_of: dt.date) -> list[CutNotice]:
    """3.2.9.13: the cut orders (level: meter stand) of the day's selection, through service's
    opener; each notice keeps its order. Re-running adds nothing (an ordered notice is no longer
    pending and the cap counts the day's orders)."""
    opener = _OPENER.get("cut")
    if opener is None:
        raise Conflict(
            "Ordens de corte indisponíveis: o módulo de serviços não está ativo.",
            field="step",
            code=ErrorCode.CUT_ORDERS_UNAVAILABLE,
        )
    policy = policy_in_force(as_of)
    done: list[CutNotice] = []
    for notice in order_selection(as_of, policy):
        reason = policy.order_message or f"Corte por falta de pagamento: aviso nº {notice.number}"
        order_id = opener(actor, notice.property_id, "meter_stand", reason)
        notice.status, notice.order_id, notice.closed_on = CutNotice.Status.ORDERED, order_id, as_of
        notice.save(update_fields=["status", "order_id", "closed_on"])
        event_add(
            property_id=notice.property_id,
            step="cut_order",
            action="ordered",
            summary=f"Ordem de corte (cavalete) emitida pelo aviso nº {notice.number}",
            actor=actor,
            citizen=True,
        )
        done.append(notice)
    audit_record(
        actor=actor,
        action="debt.cut_orders_generate",
        object_type="debt.cutnotice",
        after={"as_of": as_of, "count": len(done)},
    )
    return done


def escalation_selection(as_of: dt.date, policy: CutoffPolicy | None = None) -> list[int]:
    """3.2.9.14: the units cut at the meter stand at least `second_level_after_days` ago, still cut
    (no reconnection ordered), still owing an overdue bill and not blocked or protected: the next
    level (the branch) is ordered for them, within the daily cap, never on a day the law forbids."""
    policy = policy or policy_in_force(as_of)
    find = _ESCALATION.get("branch")
    if find is None or cut_day_problem_today(as_of, policy) or outside_level_window(policy, "branch", as_of):
        return []
    ids = set(find(as_of - dt.timedelta(days=policy.second_level_after_days)))
    if not ids:
        return []
    owing = {
        c.property_id
        for c in cut_candidates(
            as_of=as_of, purpose=ORDER, min_days_overdue=0, limit=SELECTION_LIMIT, among=ids
        )
    }
    out = excluded_units(owing, as_of, policy, [CollectionBlock.Scope.ORDERS, CollectionBlock.Scope.BOTH])
    done_today = CollectionEvent.objects.filter(step="cut_order", action="escalated", at__date=as_of).count()
    return sorted(owing - out)[: max(0, policy.max_orders_per_day - done_today)]


@transaction.atomic(durable=True)
def cut_escalations_generate(*, actor: Actor, as_of: dt.date) -> list[int]:
    """The second-level (branch) cut orders of the day's escalation selection, through service's
    opener (an open branch order is answered again, never a second); one history line per order.
    Answers the units that got a new order."""
    opener = _OPENER.get("cut")
    if opener is None:
        return []
    done: list[int] = []
    for property_id in escalation_selection(as_of):
        order_id = opener(
            actor, property_id, "branch", "Corte no ramal: corte no cavalete sem pagamento nem religação"
        )
        if event_add(
            property_id=property_id,
            step="cut_order",
            action="escalated",
            summary=f"Ordem de corte no ramal (2º nível) emitida: OS {order_id}",
            actor=actor,
            citizen=True,
            key=f"branch:{order_id}",
        ):
            done.append(property_id)
    return done


def notices_with_reading_batch(
    actor: Any, group_id: int, property_ids: list[int], delivered_by: dt.date
) -> None:
    """Reading's batch-created hook (3.2.9.8), inside the batch's transaction: when the policy in
    force says so, the group's eligible units get their notices now, delivered with the reading (by
    the window's last day), so the device prints each right after the unit's bill."""
    today = tenant_today()
    if not policy_in_force(today).notices_with_reading_batch:
        return
    notices_issue_within(
        actor=actor or LADDER_ACTOR, as_of=today, delivered_on=delivered_by, only=set(property_ids)
    )


THERMAL_WIDTH = 32  # characters of a 58 mm thermal printer's line


def thermal_lines(notice: CutNotice) -> list[str]:
    """3.2.9.7.6: the notice as the field device's thermal printer prints it after the bill: title,
    unit, bills, total, the cut day (or that a debt notice cuts nothing), the policy's message and,
    when printed, the typeable line of the barcode that settles the bills."""
    import textwrap

    from modules.billing.domain.febraban import format_typeable_line

    w = THERMAL_WIDTH
    lines = [notice.get_kind_display().upper().center(w), f"Nº {notice.number}".center(w), "-" * w]
    lines.append(f"Matrícula: {notice.property.account_number}")
    for b in Bill.objects.filter(id__in=notice.bill_ids).order_by("due_date", "id"):
        left = f"{b.reference:%m/%Y} venc. {b.due_date:%d/%m/%y}"
        right = format_brl(b.total)
        lines.append(left + right.rjust(w - len(left)))
    total = f"R$ {format_brl(notice.amount)}"
    lines.append("TOTAL" + total.rjust(w - 5))
    if notice.kind == CutNotice.Kind.CUT:
        lines += textwrap.wrap(f"Corte a partir de {notice.cut_from:%d/%m/%Y}, em horário comercial.", w)
    else:
        lines += textwrap.wrap("Contas só de serviços: este aviso não leva ao corte.", w)
    if notice.message:
        lines.append("-" * w)
        lines += textwrap.wrap(" ".join(notice.message.split()), w)
    if notice.document_id and notice.document is not None:
        lines.append("-" * w)
        lines += textwrap.wrap(format_typeable_line(notice.document.typeable_line), w)
    return lines


def package_notices(property_ids: list[int]) -> dict[int, dict[str, object]]:
    """Reading's package extras: each unit's latest pending notice with its thermal lines."""
    out: dict[int, dict[str, object]] = {}
    rows = (
        CutNotice.objects.filter(property_id__in=property_ids, status=CutNotice.Status.PENDING)
        .select_related("property", "document")
        .order_by("property_id", "-issued_on", "-id")
    )
    for n in rows:
        if n.property_id in out:
            continue
        out[n.property_id] = {
            "notice": {
                "id": n.pk,
                "number": n.number,
                "kind": n.kind,
                "cut_from": n.cut_from.isoformat() if n.kind == CutNotice.Kind.CUT else None,
                "amount": str(n.amount),
                "print": thermal_lines(n),
            }
        }
    return out


def notice_before_cut(property_id: int, cut_on: dt.date) -> tuple[dt.date, dt.date] | None:
    """Lei 14.015/2020 (no reconnection fee without the prior notice): the (delivered on, ordered
    on) days of the latest cut notice of the unit delivered on or before `cut_on` that led to a cut
    order, or None when no notice preceded the cut. A read: service decides whether that notice
    belongs to the cut being reconnected (no reconnection between its order and now)."""
    row = (
        CutNotice.objects.filter(
            property_id=property_id,
            status=CutNotice.Status.ORDERED,
            delivered_on__lte=cut_on,
            closed_on__lte=cut_on,
        )
        .order_by("-closed_on", "-id")
        .values_list("delivered_on", "closed_on")
        .first()
    )
    return (row[0], row[1]) if row else None


def reconnection_deadline_hours(day: dt.date) -> int:
    """The policy's deadline, in hours, for a reconnection ordered on `day` after payment."""
    return int(policy_in_force(day).reconnection_hours)


def outside_level_window(policy: CutoffPolicy, level: str, as_of: dt.date) -> str | None:
    """3.2.9.12.6: why the orders of `level` are not generated for `as_of` now (its weekdays; its
    hours when `as_of` is today, on the utility's clock), or None when they are."""
    now = tenant_now()
    moment = now.time() if as_of == now.date() else None
    return level_window_problem((policy.level_windows or {}).get(level), as_of, moment)


def cut_day_problem_today(day: dt.date, policy: CutoffPolicy) -> str | None:
    """Why no cut may start on `day` under the policy and the utility's calendar (None: it may)."""
    return cut_day_problem(day, rules_of(policy), cut_calendar(day, day + dt.timedelta(days=1), policy))


NOTICE_FEE_SOURCE = "debt.cut_notice_fee"


def notice_fee_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """billing's item source (3.2.9.7.7): the fee of each charged cut notice, on the unit's next
    bill, once (a fee already on a bill that is not cancelled is not offered again)."""
    rows = list(
        CutNotice.objects.filter(property_id__in=property_ids, fee__gt=0).exclude(
            status=CutNotice.Status.CANCELLED
        )
    )
    billed = already_billed(NOTICE_FEE_SOURCE, [str(n.pk) for n in rows])
    result: dict[int, list[PendingItem]] = {}
    for notice in rows:
        if str(notice.pk) in billed:
            continue
        result.setdefault(notice.property_id, []).append(
            PendingItem(
                kind="service",
                description=f"Taxa do aviso de corte nº {notice.number}",
                amount=notice.fee,
                source=NOTICE_FEE_SOURCE,
                source_id=str(notice.pk),
            )
        )
    return result

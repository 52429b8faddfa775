"""The monthly closing of collection (fechamento mensal, 3.2.8.12, ADR 0237).

A month is closed once, by a batch at the date and time staff set (`closing_schedule`; beat's
`closings_run` runs what is due) or at once (`closing_run`), never while it is still open for
corrections: until its last day plus the longest float of the active agents (the days a bank takes
to credit and send its file) a payment of the month may still arrive.

The figures are computed *as of* an instant (`closing_figures(month, as_of)`): the payments dated in
the month that existed then, each in the situation it had then (a reversal, an attachment or a
transfer made later does not count), so the stored snapshot is reproducible after any correction,
and its SHA-256 shows it never changed. What changes later about a month already closed — a payment
dated in it that arrives late, a reversal, a transfer, a credit — lands in the next closing, as that
month's corrections of closed months.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.typed import transaction

from .documents import held_bills
from .errors import ErrorCode
from .models import (
    CollectingAgent,
    CollectionClosing,
    Payment,
    PaymentAdjustment,
    PaymentTransfer,
    ReturnFile,
    Settlement,
)

ZERO = Decimal("0.00")
C = CollectionClosing


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def earliest_close(month: dt.date) -> dt.date:
    """The first day the month may be closed: after its last day and the longest float of the active
    agents (the last bank file of its payments has arrived)."""
    _, nxt = _month_bounds(month)
    days = CollectingAgent.objects.filter(active=True).aggregate(m=Max("credit_days"))["m"] or 0
    return nxt + dt.timedelta(days=int(days))


def _status_at(p: dict[str, Any], as_of: dt.datetime) -> str:
    """The payment's situation at `as_of`: what a person changed later had not happened yet."""
    if p["resolved_at"] is None or p["resolved_at"] <= as_of:
        return str(p["status"])
    return Payment.Status.REVIEW if p["review_reason"] else Payment.Status.APPLIED


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _paid_at(as_of: dt.datetime, bill_ids: list[int]) -> set[int]:
    """The bills with a settlement live at `as_of`: its payment existed and was applied then (not
    attached later), it had not been reversed or moved away yet, nor moved onto the bill after."""
    moved = {
        (t["payment_id"], t["from_bill_id"], t["to_bill_id"]): t["created_at"]
        for t in PaymentTransfer.objects.filter(payment__settlements__bill_id__in=bill_ids).values(
            "payment_id", "from_bill_id", "to_bill_id", "created_at"
        )
    }
    away = {(p, f): at for (p, f, _t), at in moved.items()}
    onto = {(p, t): at for (p, _f, t), at in moved.items()}
    live: set[int] = set()
    for s in Settlement.objects.filter(bill_id__in=bill_ids).values(
        "bill_id", "reversed", "payment_id", "payment__created_at", "payment__status", "payment__resolved_at",
        "payment__review_reason",
    ):  # fmt: skip
        if s["payment__created_at"] > as_of:
            continue
        resolved = s["payment__resolved_at"]
        if s["payment__review_reason"] and resolved is not None and resolved > as_of:
            continue  # still in review at as_of: attached or applied later
        came = onto.get((s["payment_id"], s["bill_id"]))
        if came is not None and came > as_of:
            continue
        if s["reversed"]:
            left = away.get((s["payment_id"], s["bill_id"]))
            if left is None and s["payment__status"] == Payment.Status.REVERSED:
                left = resolved
            if left is None or left <= as_of:
                continue
        live.add(s["bill_id"])
    return live


def closing_figures(month: dt.date, as_of: dt.datetime, since: dt.datetime | None = None) -> dict[str, Any]:
    """The month's figures as of `as_of` (pure read). `since`: the previous closing's instant, from
    which corrections to months closed before are gathered."""
    first, nxt = _month_bounds(month)
    payments = list(
        Payment.objects.filter(paid_on__gte=first, paid_on__lt=nxt, created_at__lte=as_of).values(
            "id", "agent__code", "agent__name", "channel", "paid_on", "amount", "fee", "status",
            "review_reason",
            "resolved_at", "credited_on",
        )
    )  # fmt: skip
    by_agent: dict[str, dict[str, Any]] = {}
    by_channel: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "amount": ZERO})
    by_day: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "amount": ZERO})
    by_status: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "amount": ZERO})
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    total = ZERO
    for p in payments:
        status = _status_at(p, as_of)
        by_status[status]["count"] += 1
        by_status[status]["amount"] += p["amount"]
        if status not in (Payment.Status.APPLIED,):
            continue
        total += p["amount"]
        a = by_agent.setdefault(
            p["agent__code"], {"name": p["agent__name"], "count": 0, "amount": ZERO, "fees": ZERO}
        )
        a["count"] += 1
        a["amount"] += p["amount"]
        a["fees"] += p["fee"]
        by_channel[p["channel"]]["count"] += 1
        by_channel[p["channel"]]["amount"] += p["amount"]
        by_day[p["paid_on"].isoformat()]["count"] += 1
        by_day[p["paid_on"].isoformat()]["amount"] += p["amount"]
    # what the banks credited in the month (their files' trailers) against the payments they reported
    for p in payments:
        if p["channel"] == Payment.Channel.RETURN_FILE and first <= p["credited_on"] < nxt:
            credited[p["agent__code"]] += p["amount"]
    files = (
        ReturnFile.objects.filter(generated_on__gte=first, generated_on__lt=nxt, created_at__lte=as_of)
        .values("agent__code")
        .annotate(total=Sum("total"))
    )
    reconciliation = {}
    for row in files:
        code = row["agent__code"]
        reconciliation[code] = {
            "files_total": _money(row["total"]),
            "payments_credited": _money(credited.get(code, ZERO)),
            "difference": _money(row["total"] - credited.get(code, ZERO)),
        }
    bank_difference = sum((Decimal(r["difference"]) for r in reconciliation.values()), ZERO)
    # bills due in the month: billed, collected, outstanding, by situation (as they stand at as_of)
    bills = list(
        Bill.objects.filter(due_date__gte=first, due_date__lt=nxt, issued_at__lte=as_of)
        .exclude(status=BillStatus.DRAFT)
        .values("id", "status", "total", "run_id", "cancelled_at")
    )
    paid_at = _paid_at(as_of, [b["id"] for b in bills])
    for b in bills:
        # each bill as it stood at as_of: paid by a settlement live then, cancelled if it was by then
        if b["status"] == BillStatus.CANCELLED and (b["cancelled_at"] is None or b["cancelled_at"] <= as_of):
            continue
        b["status"] = BillStatus.PAID if b["id"] in paid_at else BillStatus.RELEASED
    held = held_bills([b["id"] for b in bills if b["status"] == BillStatus.RELEASED])
    situations: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "amount": ZERO})
    billed = collected = ZERO
    for b in bills:
        if b["status"] == BillStatus.CANCELLED:
            key = "cancelled"
        elif b["status"] == BillStatus.PAID:
            key = "paid"
        elif b["id"] in held:
            key = "installment"
        else:
            key = "pending"
        situations[key]["count"] += 1
        situations[key]["amount"] += b["total"]
        if b["run_id"] is None and key != "cancelled":
            situations["manual_issue"]["count"] += 1
            situations["manual_issue"]["amount"] += b["total"]
        if key != "cancelled":
            billed += b["total"]
        if key == "paid":
            collected += b["total"]
    corrections: list[dict[str, Any]] = []
    if since is not None:
        window = {"created_at__gt": since, "created_at__lte": as_of}
        for p in Payment.objects.filter(paid_on__lt=first, **window).values(
            "id", "paid_on", "amount", "channel"
        ):
            corrections.append(
                {"kind": "late_payment", "payment": p["id"], "paid_on": p["paid_on"].isoformat(),
                 "amount": _money(p["amount"])}
            )  # fmt: skip
        for p in Payment.objects.filter(
            paid_on__lt=first, created_at__lte=since, resolved_at__gt=since, resolved_at__lte=as_of
        ).values("id", "paid_on", "amount", "status"):
            corrections.append(
                {"kind": f"resolved_{p['status']}", "payment": p["id"], "paid_on": p["paid_on"].isoformat(),
                 "amount": _money(p["amount"])}
            )  # fmt: skip
        for t in PaymentTransfer.objects.filter(payment__paid_on__lt=first, **window).values(
            "payment_id", "payment__paid_on", "payment__amount"
        ):
            corrections.append(
                {"kind": "transfer", "payment": t["payment_id"], "paid_on": t["payment__paid_on"].isoformat(),
                 "amount": _money(t["payment__amount"])}
            )  # fmt: skip
        for a in PaymentAdjustment.objects.filter(payment__paid_on__lt=first, **window).values(
            "payment_id", "payment__paid_on", "amount", "kind"
        ):
            corrections.append(
                {"kind": f"adjustment_{a['kind']}", "payment": a["payment_id"],
                 "paid_on": a["payment__paid_on"].isoformat(), "amount": _money(a["amount"])}
            )  # fmt: skip
        corrections.sort(key=lambda c: (c["paid_on"], c["payment"], c["kind"]))

    def _rows(d: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {
            k: {kk: _money(v) if isinstance(v, Decimal) else v for kk, v in d[k].items()} for k in sorted(d)
        }

    return {
        "month": first.isoformat(),
        "as_of": as_of.isoformat(),
        "payments": {"count": sum(a["count"] for a in by_agent.values()), "amount": _money(total)},
        "by_agent": _rows(by_agent),
        "by_channel": _rows(by_channel),
        "by_day": _rows(by_day),
        "by_status": _rows(by_status),
        "bank_reconciliation": reconciliation,
        "bank_difference": _money(bank_difference),
        "bills": {
            "billed": _money(billed),
            "collected": _money(collected),
            "outstanding": _money(billed - collected),
            "by_situation": _rows(situations),
        },
        "corrections": corrections,
        "corrections_amount": _money(sum((Decimal(c["amount"]) for c in corrections), ZERO)),
    }


def digest_of(figures: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def _month(month: dt.date | str) -> dt.date:
    if isinstance(month, str):
        try:
            year, mm = month.split("-")[:2]
            return dt.date(int(year), int(mm), 1)
        except ValueError as exc:
            raise ValidationFailed("Mês no formato AAAA-MM.", field="month", code=ErrorCode.INVALID) from exc
    return month.replace(day=1)


def _refuse_open(month: dt.date, on: dt.date) -> None:
    earliest = earliest_close(month)
    if on < earliest:
        raise Conflict(
            f"O mês {month:%m/%Y} ainda está aberto para correções (arquivos de bancos com até "
            f"{(earliest - _month_bounds(month)[1]).days} dia(s) de float): pode ser fechado a partir de "
            f"{earliest:%d/%m/%Y}.",
            field="month",
            code=ErrorCode.MONTH_OPEN,
        )
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    if (
        C.objects.filter(status=C.Status.CLOSED).exists()
        and not C.objects.filter(month=previous, status=C.Status.CLOSED).exists()
        and C.objects.filter(month__lt=month, status=C.Status.CLOSED).exists()
    ):
        raise Conflict(
            f"Feche antes o mês {previous:%m/%Y}: os meses são fechados em ordem.",
            field="month",
            code=ErrorCode.MONTH_OUT_OF_ORDER,
        )


@transaction.atomic(durable=True)
def closing_schedule(*, actor: Actor, month: dt.date | str, run_at: dt.datetime) -> CollectionClosing:
    """Schedule the closing of a month for `run_at` (the batch runs it then)."""
    first = _month(month)
    existing = C.objects.select_for_update().filter(month=first).first()
    if existing is not None and existing.status == C.Status.CLOSED:
        raise Conflict(f"O mês {first:%m/%Y} já está fechado.", field="month", code=ErrorCode.MONTH_CLOSED)
    _refuse_open(first, timezone.localtime(run_at).date())
    closing, _ = C.objects.update_or_create(
        month=first, defaults={"scheduled_for": run_at, "requested_by": actor.get_username()}
    )
    audit_record(
        actor=actor, action="collection.closing_schedule", target=closing,
        after={"month": first.isoformat(), "scheduled_for": run_at.isoformat()},
    )  # fmt: skip
    return closing


@transaction.atomic(durable=True)
def closing_run(*, actor: Actor, month: dt.date | str, now: dt.datetime | None = None) -> CollectionClosing:
    """Close the month now: compute and freeze its figures. A closed month is never closed again."""
    now = now or timezone.now()
    first = _month(month)
    closing = C.objects.select_for_update().filter(month=first).first()
    if closing is not None and closing.status == C.Status.CLOSED:
        raise Conflict(f"O mês {first:%m/%Y} já está fechado.", field="month", code=ErrorCode.MONTH_CLOSED)
    _refuse_open(first, timezone.localtime(now).date())
    previous = C.objects.filter(month__lt=first, status=C.Status.CLOSED).order_by("-month").first()
    figures = closing_figures(first, now, since=previous.closed_at if previous else None)
    if closing is None:
        closing = C(month=first, scheduled_for=now, requested_by=actor.get_username())
    closing.status = C.Status.CLOSED
    closing.closed_at = now
    closing.figures = figures
    closing.digest = digest_of(figures)
    closing.billed = Decimal(figures["bills"]["billed"])
    closing.collected = Decimal(figures["bills"]["collected"])
    closing.outstanding = Decimal(figures["bills"]["outstanding"])
    closing.payments_amount = Decimal(figures["payments"]["amount"])
    closing.bank_difference = Decimal(figures["bank_difference"])
    closing.corrections_amount = Decimal(figures["corrections_amount"])
    closing.save()
    audit_record(
        actor=actor, action="collection.closing_run", target=closing,
        after={"month": first.isoformat(), "digest": closing.digest, "payments": figures["payments"]},
    )  # fmt: skip
    return closing


def closings_due(now: dt.datetime | None = None) -> list[int]:
    """The batch: run every scheduled closing whose time has come (each in its own transaction; one
    that may not run yet stays scheduled). Idempotent: a closed month is skipped."""
    now = now or timezone.now()
    done = []
    for closing in C.objects.filter(status=C.Status.SCHEDULED, scheduled_for__lte=now).order_by("month"):
        try:
            closing_run(actor=SystemActor("fechamento-agendado"), month=closing.month, now=now)
        except (Conflict, ValidationFailed):
            continue
        done.append(closing.pk)
    return done


def closing_get(month: dt.date | str) -> CollectionClosing:
    first = _month(month)
    closing: CollectionClosing | None = C.objects.filter(month=first).first()
    if closing is None:
        raise NotFound(f"Nenhum fechamento para {first:%m/%Y}.", code=ErrorCode.CLOSING_NOT_FOUND)
    return closing

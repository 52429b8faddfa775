"""Reads of service: the catalogue, the prices in force, the deadline queue, an order with its
history, and the charges an executed order leaves for the next bill (billing's item source)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from modules.billing.hooks import PendingItem, already_billed
from modules.common.clock import tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.reading.services import holidays_between

from .domain.deadlines import Deadline, DeadlineUnit, Remaining, due_at, holiday_window, remaining
from .domain.orders import FINAL, OrderStatus
from .errors import ErrorCode
from .models import (
    Material,
    MaterialPrice,
    PendingCharge,
    ServiceCode,
    ServiceOrder,
    ServicePrice,
    Team,
    TeamMember,
)

CHARGE_SOURCE = "service.charge"


def code_get(code: str) -> ServiceCode:
    row: ServiceCode | None = (
        ServiceCode.objects.select_related("sector", "kit").filter(code=code.strip().upper()).first()
    )
    if row is None:
        raise NotFound(
            f"Código de serviço {code} não encontrado.", field="code", code=ErrorCode.CODE_NOT_FOUND
        )
    return row


def material_get(code: str, field: str = "material") -> Material:
    row: Material | None = Material.objects.filter(code=code.strip().upper()).first()
    if row is None:
        raise NotFound(f"Material {code} não encontrado.", field=field, code=ErrorCode.MATERIAL_NOT_FOUND)
    return row


def team_get(team_id: int, field: str = "team") -> Team:
    row: Team | None = Team.objects.filter(pk=team_id).first()
    if row is None:
        raise NotFound("Equipe não encontrada.", field=field, code=ErrorCode.TEAM_NOT_FOUND)
    return row


def crew_on(team: Team, day: dt.date) -> int:
    """How many people are in the team on `day`."""
    members = TeamMember.objects.filter(team=team, start__lte=day).exclude(end__lt=day)
    count: int = members.values("user_id").distinct().count()
    return count


def price_in_force(service_code: ServiceCode, on: dt.date, field: str = "price") -> Decimal:
    """The code's price on `on`: the latest row that started on or before it."""
    row = ServicePrice.objects.filter(code=service_code, valid_from__lte=on).order_by("-valid_from").first()
    if row is None:
        raise ValidationFailed(
            f"O serviço {service_code.code} não tem preço em vigor em {on:%d/%m/%Y}: cadastre um preço "
            "na tabela do código de serviço.",
            field=field,
            code=ErrorCode.NO_PRICE_IN_FORCE,
        )
    price: Decimal = row.price
    return price


def current_price(service_code: ServiceCode, on: dt.date) -> Decimal | None:
    row = ServicePrice.objects.filter(code=service_code, valid_from__lte=on).order_by("-valid_from").first()
    return row.price if row else None


def material_price_in_force(material: Material, on: dt.date, field: str = "materials") -> Decimal:
    row = MaterialPrice.objects.filter(material=material, valid_from__lte=on).order_by("-valid_from").first()
    if row is None:
        raise ValidationFailed(
            f"O material {material.code} não tem preço em vigor em {on:%d/%m/%Y}.",
            field=field,
            code=ErrorCode.NO_PRICE_IN_FORCE,
        )
    price: Decimal = row.price
    return price


def code_deadline(service_code: ServiceCode) -> Deadline:
    return Deadline(service_code.deadline_value, DeadlineUnit(service_code.deadline_unit))


def order_due_at(opened_at: dt.datetime, deadline: Deadline) -> dt.datetime:
    """The order's due instant on the utility's calendar (national, state and municipal holidays)
    and in its time zone."""
    zone = tenant_zone()
    start, end = holiday_window(opened_at.astimezone(zone).date(), deadline)
    return due_at(opened_at, deadline, zone, holidays_between(start, end))


def order_get(order_id: int) -> ServiceOrder:
    row: ServiceOrder | None = (
        ServiceOrder.objects.select_related("code", "property", "team", "sector", "vehicle")
        .filter(pk=order_id)
        .first()
    )
    if row is None:
        raise NotFound("Ordem de serviço não encontrada.", field="order", code=ErrorCode.ORDER_NOT_FOUND)
    return row


@dataclass(frozen=True)
class QueueRow:
    order: ServiceOrder
    remaining: Remaining


def order_queue(
    *,
    now: dt.datetime,
    status: str = "",
    team_id: int | None = None,
    sector_id: int | None = None,
    code: str = "",
    overdue_only: bool = False,
    property_id: int | None = None,
    by_remaining: bool = False,
) -> QuerySet[ServiceOrder]:
    """Orders as the deadline monitor lists them (3.2.11.23): not final unless a final status is asked
    for; by priority, then the nearest deadline, or (`by_remaining`) by the remaining time alone, the
    overdue first. Both orders are served by a partial index over the open orders (0003_orders)."""
    qs = ServiceOrder.objects.select_related("code", "property", "team", "sector")
    qs = qs.filter(status=status) if status else qs.exclude(status__in=[s.value for s in FINAL])
    if team_id:
        qs = qs.filter(team_id=team_id)
    if sector_id:
        qs = qs.filter(sector_id=sector_id)
    if code:
        qs = qs.filter(code__code=code.strip().upper())
    if property_id:
        qs = qs.filter(property_id=property_id)
    if overdue_only:
        qs = qs.filter(due_at__lt=now).exclude(status__in=[s.value for s in FINAL])
    if by_remaining:
        return qs.order_by("due_at", "id")
    return qs.order_by("priority", "due_at", "id")


def queue_rows(orders: Any, now: dt.datetime) -> list[QueueRow]:
    return [QueueRow(o, remaining(o.due_at, now)) for o in orders]


def remaining_in_unit(orders: list[ServiceOrder], now: dt.datetime) -> dict[int, str]:
    """The time left of each order in its code's unit (pt-BR): business days on the utility's
    calendar for a code counted in days ("2 dias úteis", "vence hoje", "atrasada 3 dias úteis"), clock
    hours for a code counted in hours ("5 h", "atrasada 2 h"). One holiday lookup for the page."""
    if not orders:
        return {}
    from modules.common.domain.calendar import business_days_between

    zone = tenant_zone()
    today = now.astimezone(zone).date()
    dates = [o.due_at.astimezone(zone).date() for o in orders]
    holidays = holidays_between(min([today, *dates]), max([today, *dates]))
    labels: dict[int, str] = {}
    for order, due_day in zip(orders, dates, strict=True):
        if order.code.deadline_unit == DeadlineUnit.HOURS:
            hours = int((order.due_at - now).total_seconds() // 3600)
            labels[order.pk] = f"atrasada {-hours} h" if order.due_at < now else f"{hours} h"
            continue
        days = business_days_between(today, due_day, holidays)
        if order.due_at < now:
            labels[order.pk] = f"atrasada {max(1, -days)} dia(s) útil(eis)" if days < 0 else "atrasada hoje"
        elif days == 0:
            labels[order.pk] = "vence hoje"
        else:
            labels[order.pk] = f"{days} dia(s) útil(eis)"
    return labels


def is_open(order: ServiceOrder) -> bool:
    return OrderStatus(order.status) not in FINAL


def pending_charges(property_ids: list[int]) -> list[PendingCharge]:
    """Charges not cancelled and not yet on a bill that stands (a charge in installments stays
    pending until its last installment is billed: see `charge_items`)."""
    return [row for row, _ in _open_charges(property_ids)]


def _open_charges(property_ids: list[int]) -> list[tuple[PendingCharge, tuple[int, Decimal] | None]]:
    """The pending charges, each with its next installment (number, amount) when it is one in
    installments: one read of what the bills that stand already carry, for every charge at once."""
    from .domain.connections import installment_source_id, split_installments

    rows = list(
        PendingCharge.objects.filter(property_id__in=property_ids, cancelled_at__isnull=True).select_related(
            "order", "installments"
        )
    )
    sources = {
        r.pk: (
            [installment_source_id(r.pk, n) for n in range(1, r.installments.count + 1)]
            if hasattr(r, "installments")
            else [str(r.pk)]
        )
        for r in rows
    }
    billed = already_billed(CHARGE_SOURCE, [source for ids in sources.values() for source in ids])
    plain: list[tuple[PendingCharge, tuple[int, Decimal] | None]] = []
    spread: list[tuple[PendingCharge, tuple[int, Decimal] | None]] = []
    for row in rows:
        if not hasattr(row, "installments"):
            if str(row.pk) not in billed:
                plain.append((row, None))
            continue
        amounts = split_installments(row.amount, row.installments.count)
        number = next((n for n, source in enumerate(sources[row.pk], start=1) if source not in billed), None)
        if number is not None:  # the first installment not yet on a bill that stands
            spread.append((row, (number, amounts[number - 1])))
    return plain + spread


def charge_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """billing's item source: every pending charge of executed orders, on the next bill; a charge in
    installments puts one installment on each bill ("<charge>/<n>")."""
    from .domain.connections import installment_source_id

    result: dict[int, list[PendingItem]] = {}
    for row, installment in _open_charges(property_ids):
        description, amount, source_id = row.description, row.amount, str(row.pk)
        if installment is not None:
            number, amount = installment
            description = f"{row.description} — parcela {number}/{row.installments.count}"[:200]
            source_id = installment_source_id(row.pk, number)
        result.setdefault(row.property_id, []).append(
            PendingItem(
                kind="service",
                description=description,
                amount=amount,
                source=CHARGE_SOURCE,
                source_id=source_id,
            )
        )
    return result


@dataclass(frozen=True)
class ReworkRow:
    team: str
    executed: int
    reworked: int

    @property
    def percent(self) -> Decimal:
        if not self.executed:
            return Decimal("0.0")
        return (Decimal(self.reworked) * 100 / Decimal(self.executed)).quantize(Decimal("0.1"))


def rework_stats(start: dt.date, end: dt.date) -> list[ReworkRow]:
    """Retrabalho por equipe (3.2.11.13): orders executed from `start` to `end` (local dates) by each
    team, and how many of them were regenerated as rework. One grouped query."""
    from django.db.models import Count, Exists, OuterRef, Q

    zone = tenant_zone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rework = ServiceOrder.objects.filter(parent_id=OuterRef("pk"), link="rework")
    rows = (
        ServiceOrder.objects.filter(
            status=OrderStatus.EXECUTED, executed_at__gte=since, executed_at__lt=until
        )
        .annotate(has_rework=Exists(rework))
        .values("team__name")
        .annotate(executed=Count("id"), reworked=Count("id", filter=Q(has_rework=True)))
        .order_by("team__name")
    )
    return [ReworkRow(r["team__name"] or "—", r["executed"], r["reworked"]) for r in rows]

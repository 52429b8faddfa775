"""Reads of the SLA app: a month's figures for one utility, the error budget, health, status history.

Everything is computed from the recorded rows each time it is asked for, with the instant `as_of`
passed in: asking twice with the same rows and the same `as_of` gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q

from modules.common.domain.dates import YearMonth
from tenants.models import Tenant

from .domain.availability import ErrorBudget, availability_percent, contract_year
from .domain.discount import hours, interruption_discount
from .domain.periods import Interval, merge, month_bounds, month_of, subtract, within
from .domain.priorities import Compliance, compliance
from .models import Contract, Incident, IncidentStatus, MaintenanceWindow, Outage, ProbeResult


def zone_of(tenant: Tenant) -> ZoneInfo:
    return ZoneInfo(tenant.timezone or "America/Sao_Paulo")


def current_month(tenant: Tenant, as_of: dt.datetime) -> YearMonth:
    return month_of(as_of, zone_of(tenant))


@dataclass(frozen=True)
class OutageRow:
    outage: Outage
    in_month: dt.timedelta  # the part of this record inside the month (overlaps are merged in the total)

    @property
    def minutes(self) -> Decimal:
        return _minutes(self.in_month)


COMPLIANCE_LABELS = {
    Compliance.MET: "no prazo",
    Compliance.BREACHED: "fora do prazo",
    Compliance.RUNNING: "em aberto",
    Compliance.NO_DEADLINE: "sem prazo",
}


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    response: Compliance
    resolution: Compliance

    @property
    def response_label(self) -> str:
        return COMPLIANCE_LABELS[self.response]

    @property
    def resolution_label(self) -> str:
        return COMPLIANCE_LABELS[self.resolution]

    @property
    def breached(self) -> bool:
        return Compliance.BREACHED in (self.response, self.resolution)


@dataclass(frozen=True)
class MonthReport:
    tenant: Tenant
    month: YearMonth
    as_of: dt.datetime
    contract: Contract | None
    window: Interval  # the month, or its elapsed part while it runs
    closed: bool
    intervals: list[Interval]  # merged, counted unavailability inside the window
    outages: list[OutageRow]
    incidents: list[IncidentRow] = field(default_factory=list)

    @property
    def unavailable(self) -> dt.timedelta:
        return sum((i.duration for i in self.intervals), dt.timedelta(0))

    @property
    def unavailable_seconds(self) -> Decimal:
        return Decimal(self.unavailable // dt.timedelta(microseconds=1)) / Decimal(1_000_000)

    @property
    def unavailable_minutes(self) -> Decimal:
        return _minutes(self.unavailable)

    @property
    def unavailable_hours(self) -> Decimal:
        return hours(self.unavailable)

    @property
    def unavailable_hours_text(self) -> str:
        return f"{self.unavailable_hours.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP)}".replace(
            ".", ","
        )

    @property
    def availability_percent(self) -> Decimal:
        if self.window.duration <= dt.timedelta(0):
            return Decimal("100.000")
        return availability_percent(self.window.duration, self.unavailable)

    @property
    def discount(self) -> Decimal:
        if self.contract is None:
            return Decimal("0.00")
        return interruption_discount(self.contract.monthly_value, self.unavailable)

    @property
    def target_met(self) -> bool | None:
        if self.contract is None:
            return None
        return bool(self.availability_percent >= self.contract.availability_target)

    @property
    def breaches(self) -> list[IncidentRow]:
        return [row for row in self.incidents if row.breached]


def _minutes(duration: dt.timedelta) -> Decimal:
    return (Decimal(duration // dt.timedelta(microseconds=1)) / Decimal(60_000_000)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _overlapping(tenant: Tenant, window: Interval) -> Iterable[Outage]:
    outages: Iterable[Outage] = Outage.objects.filter(tenant=tenant, start__lt=window.end).filter(
        Q(end__isnull=True) | Q(end__gt=window.start)
    )
    return outages


def counted_intervals(
    tenant: Tenant, contract: Contract | None, window: Interval, as_of: dt.datetime
) -> list[Interval]:
    """Unavailability that counts against the vendor inside `window`: outages not excluded under the
    contract, merged (an instant is never counted twice), an outage still open running until
    `as_of`, less agreed maintenance windows when the contract excludes them."""
    outages = [
        Interval(o.start, o.end or max(as_of, o.start))
        for o in _overlapping(tenant, window)
        if not o.excluded and o.start < as_of
    ]
    counted = merge(outages)
    if contract is not None and contract.maintenance_excluded:
        windows = MaintenanceWindow.objects.filter(tenant=tenant, start__lt=window.end, end__gt=window.start)
        counted = subtract(counted, [Interval(w.start, w.end) for w in windows])
    return within(counted, window)


def incident_rows(incidents: Iterable[Incident], as_of: dt.datetime) -> list[IncidentRow]:
    return [
        IncidentRow(
            incident=i,
            response=compliance(due=i.response_due, done_at=i.acknowledged_at, as_of=as_of),
            resolution=compliance(due=i.resolution_due, done_at=i.resolved_at, as_of=as_of),
        )
        for i in incidents
    ]


def month_report(*, tenant: Tenant, month: YearMonth, as_of: dt.datetime) -> MonthReport:
    contract = Contract.objects.filter(tenant=tenant).first()
    bounds = month_bounds(month, zone_of(tenant))
    window = Interval(bounds.start, max(bounds.start, min(bounds.end, as_of)))
    intervals = counted_intervals(tenant, contract, window, as_of)
    rows = []
    for outage in _overlapping(tenant, window):
        piece = Interval(outage.start, outage.end or max(as_of, outage.start)).clip(window)
        rows.append(OutageRow(outage, piece.duration if piece else dt.timedelta(0)))
    rows.sort(key=lambda r: r.outage.start)
    incidents = Incident.objects.filter(
        tenant=tenant, opened_at__gte=bounds.start, opened_at__lt=min(bounds.end, as_of)
    ).order_by("opened_at")
    return MonthReport(
        tenant=tenant,
        month=month,
        as_of=as_of,
        contract=contract,
        window=window,
        closed=as_of >= bounds.end,
        intervals=intervals,
        outages=rows,
        incidents=incident_rows(incidents, as_of),
    )


@dataclass(frozen=True)
class BudgetReport:
    year_start: dt.date
    year_end: dt.date
    budget: ErrorBudget


def error_budget(*, tenant: Tenant, as_of: dt.datetime) -> BudgetReport | None:
    """The contract year's downtime budget (95 minutes by default) and what is left of it."""
    contract = Contract.objects.filter(tenant=tenant).first()
    if contract is None:
        return None
    zone = zone_of(tenant)
    first, nxt = contract_year(contract.start_date, as_of.astimezone(zone).date())
    window = Interval(
        dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.UTC),
        max(dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.UTC), as_of),
    )
    used = sum((i.duration for i in counted_intervals(tenant, contract, window, as_of)), dt.timedelta(0))
    return BudgetReport(first, nxt, ErrorBudget(dt.timedelta(minutes=contract.annual_downtime_minutes), used))


@dataclass(frozen=True)
class Health:
    last_probe: ProbeResult | None
    open_outage: Outage | None

    @property
    def state(self) -> str:
        if self.open_outage is not None:
            return "down"
        if self.last_probe is None:
            return "unknown"
        return "up" if self.last_probe.ok else "down"


def health(tenant: Tenant) -> Health:
    last = ProbeResult.objects.filter(tenant=tenant, applied=True).order_by("-at").first()
    open_outage = (
        Outage.objects.filter(tenant=tenant, end__isnull=True, excluded=False).order_by("start").first()
    )
    return Health(last, open_outage)


@dataclass(frozen=True)
class DayStatus:
    day: dt.date
    unavailable: dt.timedelta

    @property
    def minutes(self) -> Decimal:
        return _minutes(self.unavailable)

    @property
    def level(self) -> str:
        if self.unavailable <= dt.timedelta(0):
            return "ok"
        return "minor" if self.unavailable < dt.timedelta(minutes=30) else "major"


def status_history(*, tenant: Tenant, as_of: dt.datetime, days: int = 90) -> list[DayStatus]:
    """Unavailability per local day over the last `days` days, oldest first (the public status page)."""
    zone = zone_of(tenant)
    contract = Contract.objects.filter(tenant=tenant).first()
    today = as_of.astimezone(zone).date()
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    intervals = counted_intervals(tenant, contract, Interval(start, max(start, as_of)), as_of)
    result = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        day_window = Interval(
            dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC),
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC),
        )
        down = sum((p.duration for i in intervals if (p := i.clip(day_window))), dt.timedelta(0))
        result.append(DayStatus(day, down))
    return result


@dataclass(frozen=True)
class MeasuredAvailability:
    since: dt.datetime | None  # the first probe result (or recorded outage) inside the window
    percent: Decimal | None  # None while nothing has been measured: no figure is better than 100 %


def measured_availability(*, tenant: Tenant, as_of: dt.datetime, days: int = 90) -> MeasuredAvailability:
    """Availability over the part of the last `days` days that was measured: from the first probe
    result (or the start of a recorded outage, if earlier) to `as_of`. Before the probes ever ran the
    status page showed 100 % for a utility nobody had checked; now it shows no figure at all."""
    start = as_of - dt.timedelta(days=days)
    first_probe = (
        ProbeResult.objects.filter(tenant=tenant, at__gte=start, at__lte=as_of)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    contract = Contract.objects.filter(tenant=tenant).first()
    intervals = counted_intervals(tenant, contract, Interval(start, max(start, as_of)), as_of)
    starts = [t for t in [first_probe, *(i.start for i in intervals[:1])] if t is not None]
    if not starts or min(starts) >= as_of:
        return MeasuredAvailability(None, None)
    since = min(starts)
    down = sum((i.duration for i in intervals), dt.timedelta(0))
    return MeasuredAvailability(since, availability_percent(as_of - since, down))


def open_incidents(*, as_of: dt.datetime) -> list[IncidentRow]:
    """Open chamados of every utility, most urgent first: priority, then resolution deadline."""
    qs = Incident.objects.exclude(status=IncidentStatus.CLOSED).select_related("tenant")
    rows = incident_rows(qs, as_of)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda r: (r.incident.priority, r.incident.resolution_due or far))

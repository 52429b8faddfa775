"""Pricing and writing bills: what a billing run (and a rebill) does for a batch of properties.

Loads a chunk's facts in a handful of queries into named read models (`PropertyFacts`: categories,
connections, meters, the month's readings, history where a reading is missing, chosen due days,
other modules' pending items), prices each property with the domain's `price_bill` (the
calculation cached per (m³, economias, service)), and COPYs bills, items and critique anomalies
(ADR 0025). A property that cannot be billed raises `NotBillable` with a stable code and a pt-BR
reason; the caller records it and goes on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from modules.common.audit import SystemActor
from modules.common.clock import febraban_company_code, tenant_today
from modules.common.domain.dates import YearMonth
from modules.metering.models import Installation
from modules.reading.domain.consumption import ConsumptionKind, HistoryEntry
from modules.reading.models import Reading, ReadingSchedule, ReviewStatus
from modules.reading.services import consumption_policy, holidays_between
from modules.registry.domain import connections as conn_rules
from modules.registry.domain.payer import payer_relation
from modules.registry.models import Property, PropertyCategory, PropertyRelation, ServiceConnection
from modules.registry.models_rental import PropertyAddress

from .. import hooks
from ..domain.febraban import build_barcode
from ..domain.pricing import (
    BillingTerms,
    CachedCalculation,
    CommonAreaPolicy,
    CondominiumFacts,
    NotBillable,
    Payer,
    PricedBill,
    PropertyFacts,
    ReadingFact,
    ScheduleDates,
    UnitFact,
    common_area_shares,
    price_bill,
)
from ..domain.tariffs import DwellingUnitMode
from ..errors import ErrorCode
from ..models import CondominiumDependent, DueDayChoice, TariffExemption
from .billing_exceptions import exceptions_in_force
from .settings import billing_settings
from .tariffs import tariff_in_force, tariff_version

ZERO = Decimal("0.00")
STALE_CLAIM = dt.timedelta(minutes=10)
RUN_ACTOR = SystemActor("faturamento")

BILL_COLUMNS = (
    "id",
    "property_id",
    "reference",
    "due_date",
    "status",
    "total",
    "consumption_m3",
    "barcode",
    "typeable_line",
    "cancel_reason",
    "created_at",
    "run_id",
    "tariff_act",
    "consumption_kind",
    "cancelled_by",
    "replaces_id",
    "meter_number",
    "read_on",
    "previous_reading",
    "current_reading",
    "measured_m3",
    "reading_occurrence",
    "payer_name",
    "payer_document",
)
ITEM_COLUMNS = (
    "bill_id",
    "kind",
    "description",
    "category",
    "band",
    "quantity_m3",
    "unit_price",
    "amount",
    "source",
    "source_id",
    "position",
)


@dataclass(frozen=True)
class Context:
    """What every property of a run shares, loaded once per chunk: the domain's terms, the FEBRABAN
    code the barcodes carry, and the calculation remembered across the run's properties."""

    terms: BillingTerms
    company_code: str
    calculate: CachedCalculation

    @property
    def reference(self) -> YearMonth:
        return self.terms.reference


def context_for(reference: YearMonth, group_id: int | None, *, issued_on: dt.date | None = None) -> Context:
    tariff = tariff_in_force(reference.first_day())
    code = febraban_company_code()
    schedule = (
        ReadingSchedule.objects.filter(group_id=group_id, reference=reference.first_day()).first()
        if group_id
        else None
    )
    start = reference.first_day()
    issued_on = issued_on or tenant_today()
    version = tariff_version(tariff)
    rules = billing_settings()
    terms = BillingTerms(
        reference=reference,
        version=version,
        issued_on=issued_on,
        schedule=ScheduleDates(schedule.billing_date, schedule.due_date) if schedule else None,
        holidays=holidays_between(
            start, max(reference.plus(3).last_day(), issued_on + dt.timedelta(days=92))
        ),
        consumption_policy=consumption_policy(start),
        min_days_after_issue=rules.min_days_after_issue,
        m3_per_outlet=rules.m3_per_outlet,
        first_bill_min_days=rules.first_bill_min_days,
        delivery_fee=rules.delivery_fee,
    )
    return Context(terms=terms, company_code=code, calculate=CachedCalculation(version))


def id_array(ids: Sequence[int]) -> RawSQL:
    """`x__in=id_array(ids)`: one array parameter instead of a placeholder per id (a thousand placeholders
    cost more to build and parse than the query itself)."""
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


def _readings(in_ids: RawSQL, reference: dt.date) -> dict[int, ReadingFact]:
    rows = Reading.objects.filter(property_id__in=in_ids, reference=reference).values_list(
        "property_id",
        "consumption_kind",
        "consumption_m3",
        "flags",
        "review",
        "read_on",
        "previous_value",
        "value",
        "installation__meter__number",
        "occurrence__description",
    )
    return {
        pid: ReadingFact(
            kind=ConsumptionKind(kind),
            consumption_m3=m3,
            flags=tuple(flags),
            in_review=review == ReviewStatus.PENDING,
            read_on=read_on,
            previous_value=previous,
            value=value,
            meter_number=meter or "",
            occurrence=occurrence or "",
        )
        for pid, kind, m3, flags, review, read_on, previous, value, meter, occurrence in rows
    }


def _connected(kind: object) -> Exists:
    """Whether the property's connection of `kind` is active (connected or provisional)."""
    return Exists(
        ServiceConnection.objects.filter(property=OuterRef("pk"), kind=kind, situation__in=conn_rules.ACTIVE)
    )


@dataclass(frozen=True)
class _RelationRow:
    role: str
    start: dt.date
    end: dt.date | None
    payer: Payer


def _payers(in_ids: RawSQL, on: dt.date) -> dict[int, Payer]:
    """Each property's payer on `on` (registry.domain.payer), from the relations in force that day."""
    rows: dict[int, list[_RelationRow]] = defaultdict(list)
    for pid, role, start, end, name, document in (
        PropertyRelation.objects.filter(property_id__in=in_ids, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .values_list("property_id", "role", "start", "end", "customer__name", "customer__cpf_cnpj")
    ):
        rows[pid].append(_RelationRow(role, start, end, Payer(name, document or "")))
    payers = {}
    for pid, relations in rows.items():
        chosen = payer_relation(relations, on)
        if chosen is not None:
            payers[pid] = chosen.payer
    return payers


def _common_area_shares(in_ids: RawSQL, reference: dt.date) -> dict[int, int]:
    """Under the apportion policy (ADR 0220): each dependent's share of its condominium's common area,
    the master's volume less the dependents read in the month, split equally among those read (in
    account-number order); a dependent without a reading gets none."""
    masters = set(
        CondominiumDependent.objects.filter(dependent_id__in=in_ids).values_list("master_id", flat=True)
    )
    if not masters:
        return {}
    links = list(
        CondominiumDependent.objects.filter(master_id__in=id_array(sorted(masters)))
        .order_by("master_id", "dependent__account_number")
        .values_list("master_id", "dependent_id")
    )
    read = dict(
        Reading.objects.filter(
            property_id__in=id_array(sorted(masters | {d for _, d in links})), reference=reference
        ).values_list("property_id", "consumption_m3")
    )
    shares: dict[int, int] = {}
    for master in masters:
        if master not in read:
            continue
        dependents = [d for m, d in links if m == master and d in read]
        for dependent, share in zip(
            dependents, common_area_shares(read[master], [read[d] for d in dependents]), strict=True
        ):
            shares[dependent] = share
    return shares


def _condominiums(in_ids: RawSQL, reference: dt.date) -> dict[int, CondominiumFacts]:
    """The masters among the properties, with their dependents' consumption of the month (S14.8)."""
    links = list(
        CondominiumDependent.objects.filter(master_id__in=in_ids).values_list(
            "master_id", "dependent_id", "dependent__account_number"
        )
    )
    if not links:
        return {}
    read = dict(
        Reading.objects.filter(
            property_id__in=id_array([d for _, d, _ in links]), reference=reference
        ).values_list("property_id", "consumption_m3")
    )
    volumes: dict[int, list[int]] = defaultdict(list)
    unread: dict[int, list[str]] = defaultdict(list)
    for master, dependent, account in sorted(links, key=lambda row: row[2]):
        if dependent in read:
            volumes[master].append(read[dependent])
        else:
            unread[master].append(account)
    policy = billing_settings().common_area_policy
    return {
        master: CondominiumFacts(tuple(volumes.get(master, ())), tuple(unread.get(master, ())), policy)
        for master in {m for m, _, _ in links}
    }


def _exemptions(in_ids: RawSQL, reference: dt.date) -> dict[int, frozenset[str]]:
    """The components each property is exempt from in the reference month (3.2.13.10.13)."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for pid, component in (
        TariffExemption.objects.filter(property_id__in=in_ids, valid_from__lte=reference)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=reference))
        .values_list("property_id", "component")
    ):
        kinds[pid].add(component)
    return {pid: frozenset(found) for pid, found in kinds.items()}


def load_facts(ids: Sequence[int], ctx: Context) -> dict[int, PropertyFacts]:
    """Each property's facts for the month, in a handful of queries for the whole chunk. Properties
    that do not exist are left out."""
    ref = ctx.reference.first_day()
    ids = list(ids)
    in_ids = id_array(ids)
    props = list(
        Property.objects.filter(pk__in=in_ids)
        .annotate(
            water_active=_connected(ServiceConnection.Kind.WATER),
            sewer_active=_connected(ServiceConnection.Kind.SEWER),
            sewer_percent=Subquery(
                ServiceConnection.objects.filter(
                    property=OuterRef("pk"), kind=ServiceConnection.Kind.SEWER
                ).values("sewer_share_percent")[:1]
            ),
            connected_on=Subquery(
                ServiceConnection.objects.filter(
                    property=OuterRef("pk"),
                    kind=ServiceConnection.Kind.WATER,
                    situation__in=conn_rules.ACTIVE,
                ).values("since")[:1]
            ),
            alternative_delivery=Exists(
                PropertyAddress.objects.filter(property=OuterRef("pk"), active=True, delivery=True)
            ),
            metered=Exists(
                Installation.objects.filter(
                    connection__property=OuterRef("pk"),
                    connection__kind=ServiceConnection.Kind.WATER,
                    removed_on__isnull=True,
                )
            ),
        )
        .values_list(
            "pk",
            "account_base",
            "status",
            "water_outlets",
            "water_active",
            "sewer_active",
            "sewer_percent",
            "metered",
            "connected_on",
            "alternative_delivery",
        )
    )
    units: dict[int, list[UnitFact]] = defaultdict(list)
    for pid, code, sub, economies, plan_minimum, mode in PropertyCategory.objects.filter(
        property_id__in=in_ids
    ).values_list(
        "property_id",
        "category__code",
        "subcategory__code",
        "economies",
        "usage_plan__minimum_m3_per_unit",
        "usage_plan__dwelling_unit_mode",
    ):
        units[pid].append(
            UnitFact(code, sub or "", economies, plan_minimum, mode or DwellingUnitMode.SPLIT.value)
        )
    metered = {pid for pid, *_, has_meter, _, _ in props if has_meter}
    readings = _readings(in_ids, ref)
    missing = [pid for pid in ids if pid not in readings and pid in metered]
    history: dict[int, list[HistoryEntry]] = defaultdict(list)
    if missing:
        since = ctx.reference.plus(-2 * ctx.terms.consumption_policy.average_months).first_day()
        for pid, r, m3, kind in Reading.objects.filter(
            property_id__in=id_array(missing), reference__lt=ref, reference__gte=since
        ).values_list("property_id", "reference", "consumption_m3", "consumption_kind"):
            history[pid].append(HistoryEntry(YearMonth.of(r), m3, ConsumptionKind(kind)))
    due_days = dict(DueDayChoice.objects.filter(property_id__in=in_ids).values_list("property_id", "day"))
    pending = hooks.pending_items(ids, ctx.reference)
    payers = _payers(in_ids, ctx.terms.issued_on)
    condominiums = _condominiums(in_ids, ref)
    exempt = _exemptions(in_ids, ref)
    exceptions = exceptions_in_force(in_ids, ref)
    shares = (
        _common_area_shares(in_ids, ref)
        if billing_settings().common_area_policy == CommonAreaPolicy.APPORTION
        else {}
    )
    statuses = dict(Property.Status.choices)
    economies_changed = _economies_changed(ids, ctx.reference)
    return {
        pid: PropertyFacts(
            property_id=pid,
            account_base=base,
            active=status == Property.Status.ACTIVE,
            status_label=statuses.get(status, status).lower(),
            units=tuple(units.get(pid, ())),
            water_active=water,
            sewer_active=sewer,
            sewer_percent=sewer_percent,
            metered=pid in metered,
            water_outlets=outlets or 0,
            reading=readings.get(pid),
            history=tuple(history.get(pid, ())),
            due_day=due_days.get(pid),
            pending=tuple(pending.get(pid, ())),
            payer=payers.get(pid),
            economies_changed=pid in economies_changed,
            condominium=condominiums.get(pid),
            exempt=exempt.get(pid, frozenset()),
            exceptions=exceptions.get(pid, ()),
            connected_on=connected_on,
            alternative_delivery=alternative,
            common_area_share_m3=shares.get(pid),
        )
        for pid, base, status, outlets, water, sewer, sewer_percent, _, connected_on, alternative in props
    }


def _economies_changed(property_ids: Sequence[int], reference: YearMonth) -> set[int]:
    """S8.9-04: the properties whose economias registry changed during `reference` (its audited
    `registry.property_economies` writes, in the utility's time zone)."""
    from modules.common.clock import tenant_zone
    from modules.common.models import AuditEntry

    zone = tenant_zone()
    start = dt.datetime.combine(reference.first_day(), dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(reference.plus(1).first_day(), dt.time.min, tzinfo=zone)
    ids = list(property_ids)
    rows = AuditEntry.objects.filter(
        action="registry.property_economies",
        object_type="registry.property",
        object_id__in=[str(i) for i in ids],
        at__gte=start,
        at__lt=end,
    ).values_list("object_id", "before", "after")
    changed = set()
    for object_id, before, after in rows:
        if (before or {}).get("economies_total") != (after or {}).get("economies_total") or (
            (before or {}).get("categories") != (after or {}).get("categories")
        ):
            changed.add(int(object_id))
    return changed


def price_property(
    ctx: Context,
    facts: dict[int, PropertyFacts],
    property_id: int,
    *,
    consumption_override: int | None = None,
) -> PricedBill:
    """The property's bill priced on the run's terms. Raises NotBillable (see `price_bill`)."""
    found = facts.get(property_id)
    if found is None:
        raise NotBillable("Imóvel não encontrado.", code=ErrorCode.NOT_FOUND)
    return price_bill(found, ctx.terms, consumption_override=consumption_override, calculate=ctx.calculate)


def _allocate_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('billing_bill', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def free_field(bill_id: int, account_base: int, reference: YearMonth) -> str:
    """The 25-digit free field of our bills: bill id (12), account base (9), reference YYMM (4)."""
    return f"{bill_id:012d}{account_base:09d}{reference.year % 100:02d}{reference.month:02d}"


def _bill_row(
    bill_id: int,
    p: PricedBill,
    ctx: Context,
    *,
    now: dt.datetime,
    run_id: int | None,
    status: str,
    replaces: int | None,
) -> tuple[object, ...]:
    """One bill in BILL_COLUMNS order."""
    code = build_barcode(
        amount=p.total,
        company_code=ctx.company_code,
        free_field=free_field(bill_id, p.account_base, ctx.reference),
    )
    reading = p.reading
    return (
        bill_id,
        p.property_id,
        ctx.reference.first_day(),
        p.due_date,
        status,
        p.total,
        p.billed_m3,
        code.digits,
        code.typeable_line,
        "",
        now,
        run_id,
        ctx.terms.version.act,
        p.consumption_kind.value,
        "",
        replaces,
        reading.meter_number if reading else "",
        reading.read_on if reading else None,
        reading.previous_value if reading else None,
        reading.value if reading else None,
        reading.consumption_m3 if reading else None,
        reading.occurrence if reading else "",
        p.payer.name if p.payer else "",
        p.payer.document if p.payer else "",
    )


def write_bills(
    ctx: Context,
    priced: Sequence[PricedBill],
    *,
    run_id: int | None,
    status: str,
    replaces: int | None = None,
) -> list[int]:
    """COPY the bills, their items and anomalies (bulk_create measured 6× slower). Runs inside the
    caller's transaction."""
    if not priced:
        return []
    ids = _allocate_ids(len(priced))
    now = timezone.now()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY billing_bill ({', '.join(BILL_COLUMNS)}) FROM STDIN") as copy:
            for bill_id, p in zip(ids, priced, strict=True):
                copy.write_row(
                    _bill_row(bill_id, p, ctx, now=now, run_id=run_id, status=status, replaces=replaces)
                )
        with cursor.copy(f"COPY billing_billitem ({', '.join(ITEM_COLUMNS)}) FROM STDIN") as copy:
            for bill_id, p in zip(ids, priced, strict=True):
                for line in p.lines:
                    copy.write_row(
                        (
                            bill_id,
                            line.kind,
                            line.description,
                            line.category,
                            line.band,
                            line.quantity_m3,
                            line.unit_price,
                            line.amount,
                            line.source,
                            line.source_id,
                            line.position,
                        )
                    )
        if any(p.anomalies for p in priced):
            with cursor.copy("COPY billing_billanomaly (bill_id, code, message) FROM STDIN") as copy:
                for bill_id, p in zip(ids, priced, strict=True):
                    for anomaly in p.anomalies:
                        copy.write_row((bill_id, anomaly.code, anomaly.message[:300]))
    return ids

"""Writes of the reading batch (massa de leitura, seed 001 3.2.4.4): its generation for a group and
month, freezing what a device needs of every property to read; readers and devices and the routes
handed to them; messages to a reader; re-reading lists; the batch's closing (ADR 0200).

Generation reads the group in a handful of set queries (properties, meters, categories, the last
thirteen months of readings) and writes the items with COPY: a 200,000-property group is one
transaction of seconds, not one query per property (tests/benchmarks/reading_batch.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.metering.models import Installation
from modules.registry.models import BillingGroup, Property, PropertyCategory, Route

from ..domain.consumption import ConsumptionKind, HistoryEntry, deviation_average, policy_reading_window
from ..errors import ErrorCode
from ..hooks import batch_created
from ..models import (
    BatchItem,
    BatchRoute,
    Device,
    DevicePosition,
    FieldReadingSettings,
    LocalityType,
    Occurrence,
    Reader,
    ReaderMessage,
    Reading,
    ReadingBatch,
    ReadingSchedule,
    ReviewStatus,
    RouteLocality,
)
from .regulation import consumption_policy

# situations read in the field by default (3.2.4.4.2): a demolished or inactive unit is not visited;
# the utility chooses its own (FieldReadingSettings.readable_statuses, `readable_statuses()`)
READABLE_STATUSES = (Property.Status.ACTIVE, Property.Status.VACANT)


def readable_statuses() -> list[str]:
    """The registry situations the utility reads in the field."""
    return list(field_settings().readable_statuses)


LAST_READINGS = 3  # the last readings the device shows on the property's card
# a reader's track is personal data (LGPD): kept the utility's retention days (FieldReadingSettings),
# then pruned nightly (tasks.device_positions_prune); the reading keeps where it was taken (S12.4-02)
SETTINGS_LIMITS = {
    "max_consecutive_cycles": (0, 24, "O rodízio aceita de 0 (sem controle) a 24 ciclos seguidos."),
    "position_retention_days": (1, 730, "Guarde as posições de 1 a 730 dias."),
}


def field_settings() -> FieldReadingSettings:
    """The utility's field-reading settings (the defaults before any change)."""
    return FieldReadingSettings.objects.filter(pk=1).first() or FieldReadingSettings(pk=1)


SETTINGS_FIELDS = (*SETTINGS_LIMITS, "readable_statuses")


@transaction.atomic(durable=True)
def field_settings_update(
    *, actor: Actor, readable_statuses: list[str] | None = None, **values: int
) -> FieldReadingSettings:
    """Change the rotation limit, the positions' retention and the situations read in the field;
    audited. Refused: a value out of its range, an unknown or empty set of situations, naming the
    field."""
    row = FieldReadingSettings.objects.select_for_update().filter(pk=1).first() or FieldReadingSettings(pk=1)
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    if readable_statuses is not None:
        known = {str(value) for value, _label in Property.Status.choices}
        chosen = sorted(set(readable_statuses))
        if not chosen or any(s not in known for s in chosen):
            raise ValidationFailed(
                "Escolha ao menos uma situação do cadastro para ler (ativo, desocupado, inativo, demolido).",
                field="readable_statuses",
                code=ErrorCode.SETTING_OUT_OF_RANGE,
            )
        row.readable_statuses = chosen
    for name, value in values.items():
        if name not in SETTINGS_LIMITS:
            raise ValidationFailed(
                f"Parâmetro desconhecido: {name}.", field=name, code=ErrorCode.SETTING_OUT_OF_RANGE
            )
        low, high, message = SETTINGS_LIMITS[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(message, field=name, code=ErrorCode.SETTING_OUT_OF_RANGE)
        setattr(row, name, value)
    row.save()
    audit_record(
        actor=actor,
        action="reading.field_settings",
        target=row,
        before=before,
        after={name: getattr(row, name) for name in SETTINGS_FIELDS},
    )
    return row


ITEM_COLUMNS = (
    "batch_id",
    "route_id",
    "property_id",
    "sequence",
    "account_number",
    "address",
    "status",
    "categories",
    "economies",
    "meter_number",
    "dials",
    "previous_value",
    "last_readings",
    "average_m3",
    "expected_low",
    "expected_high",
    "latitude",
    "longitude",
    "reread",
    "reread_reason",
)


def _schedule(group: BillingGroup, month: YearMonth) -> ReadingSchedule:
    schedule: ReadingSchedule | None = ReadingSchedule.objects.filter(
        group=group, reference=month.first_day()
    ).first()
    if schedule is None:
        raise ValidationFailed(
            f"Não há cronograma de leitura do grupo {group.code} para {month.label}: gere o cronograma antes "
            "da carga.",
            field="month",
            code=ErrorCode.NO_SCHEDULE,
        )
    return schedule


@transaction.atomic(durable=True)
def batch_create(*, actor: Actor, group: BillingGroup, month: YearMonth) -> tuple[ReadingBatch, bool]:
    """The group's reading batch for `month`, split by route; (batch, created). Generated again for
    the same group and month it is the one already there (nothing changes). Refused: no schedule
    for the month, no active route, readable properties without route or sequence (3.2.4.3)."""
    BillingGroup.objects.select_for_update().get(pk=group.pk)  # two generations of a group queue
    existing = ReadingBatch.objects.filter(group=group, reference=month.first_day()).first()
    if existing is not None:
        return existing, False
    _schedule(group, month)
    routes = {r.pk: r for r in Route.objects.filter(group=group, active=True)}
    if not routes:
        raise ValidationFailed(
            f"O grupo {group.code} não tem rota de leitura ativa.",
            field="group",
            code=ErrorCode.BATCH_NO_ROUTES,
        )
    props = list(
        Property.objects.filter(billing_group=group, status__in=readable_statuses())
        .order_by("route_id", "route_sequence", "id")
        .values(
            "id",
            "account_number",
            "route_id",
            "route_sequence",
            "status",
            "economies_total",
            "number",
            "complement",
            "latitude",
            "longitude",
            "street__street_type",
            "street__name",
            "neighbourhood__name",
        )
    )
    loose = [p["account_number"] for p in props if p["route_id"] not in routes or p["route_sequence"] is None]
    if loose:
        raise ValidationFailed(
            f"{len(loose)} imóvel(is) do grupo {group.code} sem rota ativa ou sem sequência (ex.: matrícula "
            f"{loose[0]}): dê a rota e a sequência no cadastro antes de gerar a carga.",
            field="group",
            code=ErrorCode.BATCH_UNSEQUENCED,
        )
    now = timezone.now()
    batch = ReadingBatch.objects.create(
        group=group,
        reference=month.first_day(),
        created_at=now,
        created_by=actor.get_username(),
        items_count=len(props),
    )
    per_route: dict[int, int] = defaultdict(int)
    for p in props:
        per_route[p["route_id"]] += 1
    localities = {
        rl.route_id: rl.locality_type
        for rl in RouteLocality.objects.filter(route_id__in=list(routes)).select_related("locality_type")
    }
    batch_routes = {
        route_id: BatchRoute.objects.create(
            batch=batch,
            route_id=route_id,
            code=route.code,
            items_count=per_route.get(route_id, 0),
            locality=localities[route_id].name if route_id in localities else "",
        )
        for route_id, route in sorted(routes.items(), key=lambda kv: (kv[1].sequence, kv[1].code))
    }
    _write_items(batch, batch_routes, props, month, localities)
    schedule = _schedule(group, month)
    batch_created(actor, group.pk, [p["id"] for p in props], schedule.reading_end)
    audit_record(
        actor=actor,
        action="reading.batch_create",
        target=batch,
        after={
            "group": group.code,
            "reference": str(month),
            "items": len(props),
            "routes": len(batch_routes),
        },
    )
    return batch, True


def _meters(group: BillingGroup, month: YearMonth) -> dict[int, tuple[int, str, int, int]]:
    """property id → (installation id, meter number, dials, initial reading) of its water meter."""
    rows = (
        Installation.objects.filter(
            connection__property__billing_group=group,
            connection__kind="water",
            installed_on__lte=month.last_day(),
            removed_on__isnull=True,
        )
        .order_by("installed_on", "id")
        .values_list("connection__property_id", "id", "meter__number", "meter__dials", "initial_reading")
    )
    return {prop: (inst, number, dials, initial) for prop, inst, number, dials, initial in rows}


def _categories(group: BillingGroup) -> dict[int, list[list[Any]]]:
    out: dict[int, list[list[Any]]] = defaultdict(list)
    rows = (
        PropertyCategory.objects.filter(property__billing_group=group)
        .order_by("property_id", "category__code")
        .values_list("property_id", "category__code", "economies")
    )
    for prop, code, economies in rows:
        out[prop].append([code, economies])
    return out


def _history(group: BillingGroup, month: YearMonth) -> dict[int, list[tuple[Any, ...]]]:
    """The last 13 months of each property's readings, oldest first."""
    first = month.plus(-13).first_day()
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = (
        Reading.objects.filter(
            property__billing_group=group, reference__gte=first, reference__lt=month.first_day()
        )
        .order_by("property_id", "reference")
        .values_list(
            "property_id", "reference", "value", "consumption_m3", "consumption_kind", "installation_id"
        )
    )
    for row in rows.iterator(chunk_size=20000):
        out[row[0]].append(row[1:])
    return out


def _address(p: dict[str, Any]) -> str:
    street = f"{p['street__street_type']} {p['street__name']}".strip()
    complement = f" {p['complement']}" if p["complement"] else ""
    return f"{street}, {p['number']}{complement} – {p['neighbourhood__name']}"[:300]


def _write_items(
    batch: ReadingBatch,
    routes: dict[int, BatchRoute],
    props: list[dict[str, Any]],
    month: YearMonth,
    localities: dict[int, LocalityType],
) -> None:
    """COPY the frozen items; the expected window is the regulation's (−low % … +high % of the
    12-month average, `policy_reading_window` over `expected_reading_range`, 3.2.4.4.4), or the
    route's locality type's percentages where it sets them (3.2.4.2)."""
    group = batch.group
    meters, categories, history = _meters(group, month), _categories(group), _history(group, month)
    regulation = consumption_policy(month.first_day())
    policies = {
        route_id: dataclasses.replace(
            regulation,
            high_percent=kind.high_percent if kind.high_percent is not None else regulation.high_percent,
            low_percent=kind.low_percent if kind.low_percent is not None else regulation.low_percent,
        )
        for route_id, kind in localities.items()
    }
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY reading_batchitem ({', '.join(ITEM_COLUMNS)}) FROM STDIN") as copy,
    ):
        for p in props:
            policy = policies.get(p["route_id"], regulation)
            meter = meters.get(p["id"])
            rows = history.get(p["id"], [])
            previous: int | None = None
            average: Decimal | None = None
            low = high = None
            if meter is not None:
                installation_id, _number, dials, initial = meter
                valued = [r for r in rows if r[1] is not None]
                # a swap since the last reading: the new meter starts from its initial reading
                previous = valued[-1][1] if valued and valued[-1][4] == installation_id else initial
                average = deviation_average(
                    tuple(HistoryEntry(YearMonth.of(r[0]), r[2], ConsumptionKind(r[3])) for r in rows),
                    month,
                    policy,
                )
                if average is not None and previous is not None and previous < 10**dials:
                    low, high = policy_reading_window(previous, average, policy, dials)
            copy.write_row(
                (
                    batch.pk,
                    routes[p["route_id"]].pk,
                    p["id"],
                    p["route_sequence"],
                    p["account_number"],
                    _address(p),
                    p["status"],
                    _json(categories.get(p["id"], [])),
                    p["economies_total"],
                    meter[1] if meter else "",
                    meter[2] if meter else None,
                    previous,
                    _json(
                        [
                            {"reference": f"{r[0]:%Y-%m}", "value": r[1], "m3": r[2]}
                            for r in rows[-LAST_READINGS:]
                        ]
                    ),
                    None if average is None else average.quantize(Decimal("0.01")),
                    low,
                    high,
                    p["latitude"],
                    p["longitude"],
                    False,
                    "",
                )
            )


def _json(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def batch_route(batch: ReadingBatch, code: int) -> BatchRoute:
    route: BatchRoute | None = BatchRoute.objects.filter(batch=batch, code=code).first()
    if route is None:
        raise NotFound(
            f"A rota {code} não faz parte da carga {batch.pk}.",
            field="route",
            code=ErrorCode.ROUTE_NOT_IN_BATCH,
        )
    return route


@transaction.atomic(durable=True)
def reader_save(
    *, actor: Actor, user_id: int, employee_number: str, reads: bool = True, active: bool = True
) -> Reader:
    """A staff user as a reader (leiturista, S12.5-02), with the employee number and whether the
    reading activity is allowed."""
    employee_number = employee_number.strip()
    if not employee_number:
        raise ValidationFailed(
            "Informe a matrícula do funcionário.",
            field="employee_number",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    other = Reader.objects.filter(employee_number=employee_number).exclude(user_id=user_id).first()
    if other is not None:
        raise Conflict(
            f"A matrícula {employee_number} já é de outro leiturista.",
            field="employee_number",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    reader: Reader
    reader, _ = Reader.objects.update_or_create(
        user_id=user_id, defaults={"employee_number": employee_number, "reads": reads, "active": active}
    )
    audit_record(
        actor=actor,
        action="reading.reader_save",
        target=reader,
        after={"employee_number": employee_number, "reads": reads, "active": active},
    )
    return reader


@transaction.atomic(durable=True)
def device_save(*, actor: Actor, code: str, label: str = "", reader: Reader | None = None) -> Device:
    """A reader's device, by the id its app generated."""
    code = code.strip()
    if not 4 <= len(code) <= 64:
        raise ValidationFailed(
            "A identificação do aparelho tem de 4 a 64 caracteres.",
            field="code",
            code=ErrorCode.DEVICE_NOT_FOUND,
        )
    device: Device
    device, _ = Device.objects.update_or_create(code=code, defaults={"label": label[:80], "reader": reader})
    audit_record(
        actor=actor,
        action="reading.device_save",
        target=device,
        after={"code": code, "label": device.label, "reader": reader.employee_number if reader else None},
    )
    return device


def consecutive_cycles(route: BatchRoute, reader: Reader) -> int:
    """How many of the group's batches just before this one (month after month back) had the same
    route read by `reader` (S12.5-03)."""
    earlier = (
        BatchRoute.objects.filter(
            batch__group_id=route.batch.group_id,
            batch__reference__lt=route.batch.reference,
            route_id=route.route_id,
        )
        .order_by("-batch__reference")
        .values_list("reader_id", flat=True)[:25]
    )
    count = 0
    for reader_id in earlier:
        if reader_id != reader.pk:
            break
        count += 1
    return count


@transaction.atomic(durable=True)
def route_assign(
    *, actor: Actor, route: BatchRoute, device: Device, override: bool = False, reason: str = ""
) -> BatchRoute:
    """Hand a batch's route to a device and its reader (3.2.4.4). Refused: a closed batch, a device
    without a reader, a reader without the reading activity (S12.5-02), a reader who read this route
    in the utility's limit of consecutive cycles already (rotation, S12.5-03) unless `override` with a
    reason, which the audit keeps."""
    route = BatchRoute.objects.select_for_update().select_related("batch").get(pk=route.pk)
    if route.batch.status != ReadingBatch.Status.OPEN:
        raise Conflict("A carga já foi processada: as rotas não mudam mais.", code=ErrorCode.BATCH_CLOSED)
    reader = device.reader
    if reader is None or not reader.active:
        raise ValidationFailed(
            f"O aparelho {device.code} não tem leiturista ativo: associe um leiturista ao aparelho.",
            field="device",
            code=ErrorCode.READER_CANNOT_READ,
        )
    if not reader.reads:
        raise ValidationFailed(
            f"O leiturista {reader.employee_number} não tem a atividade de leitura.",
            field="device",
            code=ErrorCode.READER_CANNOT_READ,
        )
    limit = field_settings().max_consecutive_cycles
    cycles = consecutive_cycles(route, reader) if limit else 0
    rotated = bool(limit) and cycles >= limit
    if rotated and not (override and reason.strip()):
        raise Conflict(
            f"O leiturista {reader.employee_number} leu a rota {route.code} nos últimos {cycles} ciclos "
            f"(rodízio: no máximo {limit} seguidos). Entregue a rota a outro leiturista ou libere o rodízio "
            "informando o motivo.",
            field="device",
            code=ErrorCode.ROUTE_ROTATION,
        )
    before = {"device": route.device.code if route.device else None}
    route.device, route.reader = device, reader
    route.save(update_fields=["device", "reader"])
    audit_record(
        actor=actor,
        action="reading.route_assign",
        target=route,
        before=before,
        after={
            "device": device.code,
            "reader": reader.employee_number,
            **({"rotation_override": True, "consecutive_cycles": cycles} if rotated else {}),
        },
        reason=reason.strip() if rotated else "",
    )
    return route


@transaction.atomic(durable=True)
def message_send(*, actor: Actor, device: Device, text: str) -> ReaderMessage:
    """A message to a reader's device, handed over in its next package or sync answer."""
    text = text.strip()
    if not text:
        raise ValidationFailed("Escreva a mensagem.", field="text", code=ErrorCode.SETTING_OUT_OF_RANGE)
    message: ReaderMessage = ReaderMessage.objects.create(
        device=device, text=text[:500], created_by=actor.get_username(), created_at=timezone.now()
    )
    audit_record(actor=actor, action="reading.message_send", target=message, after={"device": device.code})
    return message


@transaction.atomic(durable=True)
def positions_prune(*, actor: Actor, now: dt.datetime) -> int:
    """Delete the device positions older than the retention days (LGPD: kept no longer than the
    monitoring needs them). Returns how many went."""
    days = field_settings().position_retention_days
    cutoff = now - dt.timedelta(days=days)
    deleted: tuple[int, dict[str, int]] = DevicePosition.objects.filter(at__lt=cutoff).delete()
    count = deleted[0]
    if count:
        audit_record(
            actor=actor,
            action="reading.device_positions_prune",
            object_type="reading.deviceposition",
            after={"deleted": count, "before": cutoff.isoformat(), "retention_days": days},
        )
    return count


@transaction.atomic(durable=True)
def package_messages(device: Device) -> list[dict[str, Any]]:
    """The messages a device's package hands over (marked delivered)."""
    return messages_deliver(device, timezone.now())


def messages_deliver(device: Device, now: dt.datetime) -> list[dict[str, Any]]:
    """The device's messages not yet handed over, marked delivered. Runs inside the caller's
    transaction (the package's read or the sync's)."""
    pending = list(
        ReaderMessage.objects.select_for_update()
        .filter(device=device, acknowledged_at__isnull=True)
        .order_by("created_at", "id")
    )
    ReaderMessage.objects.filter(pk__in=[m.pk for m in pending], delivered_at__isnull=True).update(
        delivered_at=now
    )
    return [{"id": m.pk, "text": m.text, "at": m.created_at.isoformat()} for m in pending]


@transaction.atomic(durable=True)
def rereading_create(
    *, actor: Actor, batch: ReadingBatch, property_ids: Iterable[int] | None = None, reason: str = ""
) -> int:
    """Send properties back to the field for a new reading (3.2.4.6): those named, or every one
    whose reading waits in the review queue (crítica). Their items are marked; the device gets them
    in its package as revisions, and its new reading replaces the one in review (kept as a
    revision). Returns how many were marked."""
    batch = ReadingBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ReadingBatch.Status.OPEN:
        raise Conflict("A carga já foi processada: não há releitura.", code=ErrorCode.BATCH_CLOSED)
    if property_ids is None:
        ids = set(
            Reading.objects.filter(
                reference=batch.reference,
                review=ReviewStatus.PENDING,
                property_id__in=BatchItem.objects.filter(batch=batch).values("property_id"),
            ).values_list("property_id", flat=True)
        )
    else:
        ids = set(property_ids)
    text = (reason.strip() or "Leitura em análise: confira o hidrômetro.")[:200]
    marked: int = BatchItem.objects.filter(batch=batch, property_id__in=ids).update(
        reread=True, reread_reason=text
    )
    audit_record(
        actor=actor, action="reading.rereading_create", target=batch, after={"items": marked, "reason": text}
    )
    return marked


@transaction.atomic(durable=True)
def batch_close(*, actor: Actor, batch: ReadingBatch) -> ReadingBatch:
    """The batch's return processed: no more readings from devices or files for it."""
    batch = ReadingBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ReadingBatch.Status.CLOSED:
        return batch
    batch.status, batch.closed_at = ReadingBatch.Status.CLOSED, timezone.now()
    batch.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="reading.batch_close", target=batch, after={"status": batch.status})
    return batch


@transaction.atomic(durable=True)
def occurrence_save(
    *,
    actor: Actor,
    code: str,
    description: str,
    action: str,
    review: bool,
    photo_required: bool,
) -> Occurrence:
    """Create or change a reading occurrence of the utility's list (S12.8-02): what it tells the
    consumption rules, whether it goes to review and whether the reader must take a photo."""
    from ..domain.consumption import OccurrenceAction

    code, description = code.strip().upper(), description.strip()
    if not code or len(code) > 10:
        raise ValidationFailed(
            "O código da ocorrência tem de 1 a 10 caracteres.",
            field="code",
            code=ErrorCode.UNKNOWN_OCCURRENCE,
        )
    if not description:
        raise ValidationFailed(
            "Informe a descrição da ocorrência.", field="description", code=ErrorCode.UNKNOWN_OCCURRENCE
        )
    if action not in {a.value for a in OccurrenceAction}:
        raise ValidationFailed(
            "Escolha o que a ocorrência faz com o consumo.", field="action", code=ErrorCode.UNKNOWN_OCCURRENCE
        )
    row = Occurrence.objects.select_for_update().filter(code=code).first()
    before = (
        None
        if row is None
        else {
            "description": row.description,
            "action": row.action,
            "review": row.review,
            "photo_required": row.photo_required,
        }
    )
    occurrence: Occurrence
    occurrence, _ = Occurrence.objects.update_or_create(
        code=code,
        defaults={
            "description": description[:120],
            "action": action,
            "review": review,
            "photo_required": photo_required,
        },
    )
    audit_record(
        actor=actor,
        action="reading.occurrence_save",
        target=occurrence,
        before=before,
        after={
            "description": occurrence.description,
            "action": action,
            "review": review,
            "photo_required": photo_required,
        },
    )
    return occurrence

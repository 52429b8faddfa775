"""A reader's device sync (ADR 0200, the shape of the field sync of ADR 0180/0193): the device's
events in one transaction with a savepoint per event, each answered `accepted`, `duplicate` (its
id was answered before: nothing changes, the first answer is repeated) or `refused` with a code and a
pt-BR reason (nothing of it written but the answer itself).

Refused, never half-applied: an event for a property no open batch holds, a device that does not hold
the property's route, a clock far off the server's, a missing photo the occurrence asks for, a
reading below the previous one without rollover or swap, a month already billed (the server's reading
is reported back, never overwritten), a second different reading for the month.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor
from modules.common.clock import tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from modules.common.models import AuditEntry
from modules.common.staging import stage, staged_inserts

from .. import hooks
from ..domain.consumption import Flag
from ..errors import ErrorCode
from ..models import (
    BatchItem,
    Device,
    DevicePosition,
    ReaderMessage,
    Reading,
    ReadingBatch,
    ReadingEvent,
    ReadingPhoto,
    ReviewStatus,
)
from . import ReadingInput, reading_register_in, reading_replace_in
from .batches import messages_deliver
from .lookups import BatchLookups

MAX_CLOCK_SKEW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class SyncEvent:
    id: uuid.UUID
    property_id: int
    reading: int | None
    read_at: dt.datetime
    occurrence: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    bill_total: Decimal | None = None


@dataclass(frozen=True)
class SyncAnswer:
    id: str
    status: str  # accepted | duplicate | refused
    code: str = ""
    reason: str = ""
    reading_id: int | None = None
    server: dict[str, Any] | None = None  # the server's reading, when it stands against the device's


@dataclass
class SyncResult:
    answers: list[SyncAnswer] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)


class _Refused(DomainError):
    code = ErrorCode.OUTSIDE_BATCH

    def __init__(self, message: str, *, code: str, server: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code)
        self.server = server


def device_get(code: str) -> Device:
    device: Device | None = Device.objects.select_related("reader").filter(code=code, active=True).first()
    if device is None:
        raise NotFound(
            f"Aparelho {code} não cadastrado ou inativo: cadastre-o na página de leituristas.",
            field="device",
            code=ErrorCode.DEVICE_NOT_FOUND,
        )
    return device


@transaction.atomic(durable=True)
def reading_sync(
    *,
    actor: Actor,
    device_code: str,
    events: list[SyncEvent],
    sent_at: dt.datetime | None = None,
    battery: int | None = None,
    acknowledged: list[int] | None = None,
    track: list[tuple[dt.datetime, Decimal, Decimal]] | None = None,
) -> SyncResult:
    """Apply a device's events in their order; partial uploads are the rule (a route goes up every
    few properties). The answer carries the messages waiting for the device. Refused as a whole: a
    device that is not the signed-in reader's.

    What the events need is read once for the upload (ADR 0231): the batch items of its properties
    are locked first (two copies of an upload queue there, and the second then finds the first's
    events answered), then the answered events, photos, occurrences, month's readings, meters, last
    readings and histories in a query each (`BatchLookups`); the readings, event and audit rows are
    inserted at the end, one insert per table."""
    device = device_get(device_code)
    reader_check(actor, device)
    now = timezone.now()
    skew = abs(now - sent_at) if sent_at is not None else dt.timedelta(0)
    items = _items(events)  # locks them: a concurrent copy of this upload waits here
    first = {
        str(pk): (outcome, code, reason)
        for pk, outcome, code, reason in ReadingEvent.objects.filter(
            pk__in=[e.id for e in events]
        ).values_list("pk", "outcome", "code", "reason")
    }
    billed = _billed(items)
    photos = {
        str(e)
        for e in ReadingPhoto.objects.filter(event_id__in=[e.id for e in events]).values_list(
            "event_id", flat=True
        )
    }
    fresh = {e.property_id for e in events if str(e.id) not in first}
    lookups = BatchLookups(
        [i.property for i in items.values() if i.property_id in fresh],
        {i.property_id: i.batch.reference for i in items.values() if i.property_id in fresh},
    )
    answers: list[SyncAnswer] = []
    positions: list[DevicePosition] = []
    refused: list[ReadingEvent] = []
    bills: list[tuple[ReadingEvent, Reading, Decimal]] = []
    with staged_inserts(Reading, ReadingEvent, AuditEntry) as staged:
        for event in events:
            key = str(event.id)
            if key in first:
                _outcome, code, reason = first[key]
                answers.append(
                    SyncAnswer(key, "duplicate", code=code, reason=reason or "Evento já recebido.")
                )
                continue
            mark = staged.mark()
            item = items.get(event.property_id)
            try:
                if skew > MAX_CLOCK_SKEW:
                    raise _Refused(
                        "O relógio do aparelho difere do servidor em "
                        f"{int(skew.total_seconds() // 60)} min: acerte a data e a hora do aparelho "
                        "e envie de novo.",
                        code=ErrorCode.CLOCK_SKEW,
                    )
                reading, row = _apply(
                    actor=actor,
                    device=device,
                    event=event,
                    item=item,
                    billed=billed,
                    photos=photos,
                    lookups=lookups,
                    now=now,
                )
            except DomainError as exc:
                staged.rollback_to(mark)
                server = getattr(exc, "server", None)
                refused.append(_event_row(device, event, item, actor, now, None, "refused", exc))
                answers.append(
                    SyncAnswer(key, "refused", code=str(exc.code), reason=exc.message, server=server)
                )
                first[key] = ("refused", str(exc.code), exc.message)
                continue
            first[key] = ("accepted", "", "")
            if event.bill_total is not None:
                bills.append((row, reading, event.bill_total))
            answers.append(SyncAnswer(key, "accepted", reading_id=reading.pk))
            if event.latitude is not None and event.longitude is not None:
                positions.append(
                    DevicePosition(
                        device=device, at=event.read_at, latitude=event.latitude, longitude=event.longitude
                    )
                )
        # the readings first: billing prices them from the table
        Reading.objects.bulk_create(staged.rows[Reading])
        staged.rows[Reading].clear()
        bills_compare(bills)
        staged.flush()
    # a refused event locks nothing: a concurrent copy may have answered it first (same answer)
    ReadingEvent.objects.bulk_create(refused, ignore_conflicts=True)
    positions += _track(device, track or [], now)
    positions.sort(key=lambda p: p.at)
    DevicePosition.objects.bulk_create(positions)
    _device_seen(device, now, battery, positions[-1] if positions else None)
    if acknowledged:
        ReaderMessage.objects.filter(device=device, pk__in=acknowledged, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
    return SyncResult(answers=answers, messages=messages_deliver(device, now))


def _track(
    device: Device, points: list[tuple[dt.datetime, Decimal, Decimal]], now: dt.datetime
) -> list[DevicePosition]:
    """The fixes the phone took between readings (3.2.5.6), in time order; a point already stored
    (the same upload again) or in the future beyond the clock tolerance is left out."""
    if not points:
        return []
    fresh = sorted({at: (lat, lon) for at, lat, lon in points if at <= now + MAX_CLOCK_SKEW}.items())
    if not fresh:
        return []
    stored = set(
        DevicePosition.objects.filter(device=device, at__gte=fresh[0][0], at__lte=fresh[-1][0]).values_list(
            "at", flat=True
        )
    )
    return [
        DevicePosition(device=device, at=at, latitude=lat, longitude=lon)
        for at, (lat, lon) in fresh
        if at not in stored
    ]


def reader_check(actor: Actor, device: Device) -> None:
    """The signed-in user must be the device's active reader: a phone syncs under its reader's
    sign-in, never under another's (S12.4-02: every reading names who read it)."""
    reader = device.reader
    if reader is None or not reader.active or reader.user_id != actor.pk:
        raise PermissionDenied(
            f"O aparelho {device.code} é de outro leiturista: entre com o usuário do leiturista do aparelho.",
            field="device",
            code=ErrorCode.DEVICE_NOT_READERS,
        )


def _items(events: list[SyncEvent]) -> dict[int, BatchItem]:
    """The open batch item of each property of the events (the latest batch when two are open),
    locked in id order (two syncs lock in the same order and never wait on each other in a cycle)."""
    ids = {e.property_id for e in events if 0 < e.property_id < 2**63}
    found: dict[int, BatchItem] = {}
    if not ids:
        return found
    rows = (
        BatchItem.objects.select_for_update(of=("self",))
        .filter(property_id__in=ids, batch__status=ReadingBatch.Status.OPEN)
        .select_related("batch", "route", "property")
        .order_by("id")
    )
    for item in sorted(rows, key=lambda i: (i.batch.reference, i.pk)):
        found[item.property_id] = item
    return found


def _billed(items: dict[int, BatchItem]) -> set[tuple[int, dt.date]]:
    if not items:
        return set()
    return hooks.billed_months(min(i.batch.reference for i in items.values()))


def _apply(
    *,
    actor: Actor,
    device: Device,
    event: SyncEvent,
    item: BatchItem | None,
    billed: set[tuple[int, dt.date]],
    photos: set[str],
    lookups: BatchLookups,
    now: dt.datetime,
) -> tuple[Reading, ReadingEvent]:
    """One event: its reading and its event row, both staged (refused: nothing written, the reading
    of a re-read under its own savepoint). Runs inside the caller's transaction."""
    if item is None:
        raise _Refused(
            f"O imóvel {event.property_id} não está em nenhuma carga de leitura aberta.",
            code=ErrorCode.OUTSIDE_BATCH,
        )
    if item.route.device_id != device.pk:
        raise _Refused(
            f"O aparelho {device.code} não está designado para a rota {item.route.code} da carga "
            f"{item.batch_id} (imóvel {item.account_number}).",
            code=ErrorCode.DEVICE_NOT_ASSIGNED,
        )
    if event.read_at > now + MAX_CLOCK_SKEW:
        raise _Refused(
            f"Leitura de {item.account_number} com data e hora no futuro "
            f"({event.read_at.astimezone(tenant_zone()):%d/%m/%Y %H:%M}): o relógio do aparelho está "
            "adiantado.",
            code=ErrorCode.CLOCK_SKEW,
        )
    occurrence = lookups.occurrence(event.occurrence) if event.occurrence else None
    if occurrence is not None and occurrence.photo_required and str(event.id) not in photos:
        raise _Refused(
            f"A ocorrência {occurrence.code} ({occurrence.description}) pede foto: envie a foto do imóvel "
            f"{item.account_number} antes da leitura.",
            code=ErrorCode.PHOTO_REQUIRED,
        )
    existing = lookups.existing(item.property_id, item.batch.reference)
    if (item.batch.group_id, item.batch.reference) in billed:
        raise _Refused(
            f"O mês {item.batch.reference:%m/%Y} do imóvel {item.account_number} já foi faturado: vale a "
            "leitura do servidor.",
            code=ErrorCode.READING_BILLED,
            server=_server(existing),
        )
    data = ReadingInput(
        item.property.account_number,
        YearMonth.of(item.batch.reference),
        event.read_at.astimezone(tenant_zone()).date(),
        event.reading,
        event.occurrence,
        device_code=device.code,
        read_at=event.read_at,
        latitude=event.latitude,
        longitude=event.longitude,
    )
    try:
        if (
            existing is not None
            and lookups.stored(existing)
            and item.reread
            and existing.review == ReviewStatus.PENDING
        ):
            with transaction.atomic():  # the re-read deletes the reading in review: undone if refused
                reading = reading_replace_in(
                    actor=actor,
                    reading=existing,
                    data=data,
                    source="device",
                    reason="Releitura em campo",
                    lookups=lookups,
                )
        else:
            reading = reading_register_in(actor=actor, data=data, source="device", lookups=lookups)
    except DomainError as exc:
        if existing is not None:  # the server's reading stands: the device is told what it is
            exc.server = _server(existing)  # type: ignore[attr-defined]
            lookups.keep(existing)
        raise
    row = _event_row(device, event, item, actor, now, reading, "accepted", None)
    stage(row)
    return reading, row


def bills_compare(bills: list[tuple[ReadingEvent, Reading, Decimal]]) -> None:
    """The bills printed on the spot against the server's price of the same readings, priced at
    once: a disagreement sends the reading to review (a critique item), never a second bill. Runs
    inside the caller's transaction (the sync's), after its readings are inserted and before its
    (staged) event rows are."""
    if not bills:
        return
    totals = hooks.readings_price([reading.pk for _row, reading, _total in bills])
    differ: dict[tuple[str, ...], list[int]] = {}  # the flags they end with → the readings
    for row, reading, device_total in bills:
        server_total = totals.get(reading.pk)
        if server_total is None:
            continue
        row.server_total = server_total
        if server_total != device_total:
            reading.flags = sorted({*reading.flags, Flag.BILL_DIFF.value})
            reading.review = ReviewStatus.PENDING
            differ.setdefault(tuple(reading.flags), []).append(reading.pk)
    for flags, ids in differ.items():  # a few sets of flags: an update each
        Reading.objects.filter(pk__in=ids).update(flags=list(flags), review=ReviewStatus.PENDING)


def _server(reading: Reading | None) -> dict[str, Any] | None:
    if reading is None:
        return None
    return {
        "reading": reading.value,
        "occurrence": reading.occurrence.code if reading.occurrence else None,
        "read_on": reading.read_on.isoformat(),
        "consumption_m3": reading.consumption_m3,
    }


def _event_row(
    device: Device,
    event: SyncEvent,
    item: BatchItem | None,
    actor: Actor,
    now: dt.datetime,
    reading: Reading | None,
    outcome: str,
    error: DomainError | None,
) -> ReadingEvent:
    """The event's row (not saved: the caller stages or inserts it)."""
    return ReadingEvent(
        id=event.id,
        device=device,
        item=item,
        reading=reading,
        property_id_sent=event.property_id if abs(event.property_id) < 2**63 else 0,
        value=event.reading,
        occurrence_code=event.occurrence[:10],
        read_at=event.read_at,
        received_at=now,
        latitude=event.latitude,
        longitude=event.longitude,
        outcome=outcome,
        code=str(error.code) if error else "",
        reason=error.message[:300] if error else "",
        device_total=event.bill_total,
        username=actor.get_username(),
    )


def _device_seen(device: Device, now: dt.datetime, battery: int | None, last: DevicePosition | None) -> None:
    update: dict[str, Any] = {"last_seen_at": now}
    if battery is not None:
        update["battery_percent"] = battery
    if last is not None:
        update |= {
            "last_latitude": last.latitude,
            "last_longitude": last.longitude,
            "last_position_at": last.at,
        }
    Device.objects.filter(pk=device.pk).update(**update)


@transaction.atomic(durable=True)
def photo_receive(
    *, actor: Actor, device_code: str, event_id: uuid.UUID, content: bytes, content_type: str
) -> ReadingPhoto:
    """A photo for a reading event the device is about to send; a second photo of the same event is
    kept too. Refused: a device not the signed-in reader's (`actor`), not an image (JPEG, PNG, WEBP),
    larger than 8 MB."""
    from django.core.files.base import ContentFile

    device = device_get(device_code)
    reader_check(actor, device)
    if content_type not in {"image/jpeg", "image/png", "image/webp"}:
        raise ValidationFailed(
            "Envie a foto em JPEG, PNG ou WEBP.", field="image", code=ErrorCode.PHOTO_REQUIRED
        )
    if not content or len(content) > 8 * 1024 * 1024:
        raise ValidationFailed("A foto deve ter até 8 MB.", field="image", code=ErrorCode.PHOTO_REQUIRED)
    photo = ReadingPhoto(
        event_id=event_id, device=device, content_type=content_type, received_at=timezone.now()
    )
    extension = content_type.split("/")[1]
    photo.image.save(f"{event_id}.{extension}", ContentFile(content), save=False)
    photo.save()
    return photo

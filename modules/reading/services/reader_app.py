"""The reader's phone app's settings (ADR 0227), changed by the back office and audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, PermissionDenied, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode

from ..errors import ErrorCode
from ..models import BatchItem, BatchRoute, Device, ReaderAppSettings, ReadingBatch
from .routes import STEP
from .sync import reader_check


@transaction.atomic(durable=True)
def reader_app_settings_update(
    *,
    actor: Actor,
    on_site_billing: bool,
    paper_mm: int,
    roll_length_m: int,
    upload_every: int,
    track_every_s: int | None = None,
) -> ReaderAppSettings:
    if paper_mm not in ReaderAppSettings.Paper.values:
        raise ValidationFailed(
            f"Largura do papel: use 58 ou 80 mm ({paper_mm}).",
            field="paper_mm",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    if not 5 <= roll_length_m <= 100:
        raise ValidationFailed(
            f"Comprimento da bobina: de 5 a 100 m ({roll_length_m}).",
            field="roll_length_m",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    if not 1 <= upload_every <= 100:
        raise ValidationFailed(
            f"Envio automático: a cada 1 a 100 imóveis faturados ({upload_every}).",
            field="upload_every",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    if track_every_s is not None and not 5 <= track_every_s <= 3600:
        raise ValidationFailed(
            f"Posição do trajeto: a cada 5 a 3600 segundos ({track_every_s}).",
            field="track_every_s",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    row = ReaderAppSettings.current()
    track = row.track_every_s if track_every_s is None else track_every_s
    before = {
        "on_site_billing": row.on_site_billing,
        "paper_mm": row.paper_mm,
        "roll_length_m": row.roll_length_m,
        "upload_every": row.upload_every,
        "track_every_s": row.track_every_s,
    }
    row.track_every_s = track
    row.on_site_billing, row.paper_mm = on_site_billing, paper_mm
    row.roll_length_m, row.upload_every = roll_length_m, upload_every
    row.save()
    audit_record(
        actor=actor,
        action="reading.reader_app_settings",
        target=row,
        before=before,
        after={
            "on_site_billing": on_site_billing,
            "paper_mm": paper_mm,
            "roll_length_m": roll_length_m,
            "upload_every": upload_every,
            "track_every_s": track,
        },
    )
    return row


@transaction.atomic(durable=True)
def batch_route_order(*, actor: Actor, route: BatchRoute, device: Device, property_ids: Sequence[int]) -> int:
    """The reader's own order of the route, set on the phone (seed 001 3.2.5.25): the batch's items
    take the order of `property_ids` (every item of the route once), renumbered 10, 20 …, so the
    monitor, the collector file and the next download follow it; the registry's route is the office's
    (the route page adopts an order). Only the device holding the route, under its reader's sign-in;
    refused naming the property: one missing, one of another route, one twice. Returns how many moved."""
    reader_check(actor, device)
    route = BatchRoute.objects.select_for_update().select_related("batch").get(pk=route.pk)
    if route.batch.status != ReadingBatch.Status.OPEN:
        raise Conflict(
            "A carga já foi processada: a ordem da rota não muda mais.", code=ErrorCode.BATCH_CLOSED
        )
    if route.device_id != device.pk:
        raise PermissionDenied(
            f"O aparelho {device.code} não está designado para a rota {route.code} "
            f"da carga {route.batch_id}.",
            field="device",
            code=ErrorCode.DEVICE_NOT_ASSIGNED,
        )
    items = {i.property_id: i for i in BatchItem.objects.filter(route=route).order_by("id")}
    seen: set[int] = set()
    for pid in property_ids:
        if pid in seen:
            raise ValidationFailed(
                f"O imóvel {items[pid].account_number if pid in items else pid} aparece duas vezes na ordem.",
                field="properties",
                code=CommonCode.INVALID,
            )
        if pid not in items:
            raise ValidationFailed(
                f"O imóvel {pid} não é da rota {route.code} desta carga.",
                field="properties",
                code=CommonCode.INVALID,
            )
        seen.add(pid)
    missing = sorted(i.account_number for pid, i in items.items() if pid not in seen)
    if missing:
        raise ValidationFailed(
            f"A ordem deve trazer todos os imóveis da rota: faltam {', '.join(missing[:5])}.",
            field="properties",
            code=CommonCode.INVALID,
        )
    moved: dict[str, list[int]] = {}
    for index, pid in enumerate(property_ids, start=1):
        item = items[pid]
        if item.sequence != index * STEP:
            moved[item.account_number] = [item.sequence, index * STEP]
            item.sequence = index * STEP
    BatchItem.objects.bulk_update(list(items.values()), ["sequence"], batch_size=2000)
    audit_record(
        actor=actor,
        action="reading.batch_route_order",
        target=route,
        after={"device": device.code, "units": len(items), "moved": dict(list(moved.items())[:200])},
    )
    return len(moved)

"""Writes of field work on a phone (3.2.12): the device sync, event by event, each in its own durable
transaction with the device event row that makes a replay harmless; the utility's field settings,
crew badges, each code's closing form, and the nightly pruning of positions (personal data).

A sync never half-applies an event: the event row, the order's move (through services/orders.py, so
charges reach the bill exactly as a back-office closing does), its extras (closing answers, crew,
photo, notice) and the audit rows commit together or not at all. A rejected event writes nothing and
may be sent again once corrected; an event whose id is already stored is reported as already applied
and changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.errors import DomainError, NotFound, ValidationFailed
from modules.common.models import AuditEntry
from modules.common.staging import stage, staged_inserts

from ..domain.field import Mark, execution_seconds
from ..domain.orders import Action
from ..errors import ErrorCode
from ..lookups import Lookups
from ..models import (
    Badge,
    FieldClosing,
    FieldEvent,
    FieldNotice,
    FieldPhoto,
    FieldSettings,
    OrderCrew,
    OrderEvent,
    Position,
    ServiceOrder,
    Team,
    Vehicle,
)
from ..selectors_field import field_settings, team_of
from . import orders, units

KINDS = ("start", "pause", "resume", "close", "not_execute", "photo", "position", "crew", "notice")
DESTINATIONS = {"encerrar": "Encerrar sem execução", "reabrir": "Abrir nova ordem para reprogramar"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class EventIn:
    """One event as the phone sent it: `id` is the device's own uuid for it."""

    id: uuid.UUID
    kind: str
    at: dt.datetime
    order_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventResult:
    id: str
    status: str  # applied | already_applied | rejected
    code: str = ""
    field: str = ""
    message: str = ""
    order_status: str = ""


@transaction.atomic(durable=True)
def field_sync(*, actor: Actor, device_id: str, events: list[EventIn]) -> list[EventResult]:
    """Apply a device's batch in its order, in one transaction with a savepoint per event: a refused
    event rolls back alone (nothing of it written) and does not hold back the day's other work; one
    commit for the batch keeps a 200-order day well inside its 2 seconds."""
    team = team_of(actor, tenant_today())
    known = _known(events)
    # the orders of the events still to apply, locked and read at once in id order (two syncs never
    # wait on each other in a cycle): what is read for them below (marks, charges, dependencies)
    # stays true until the commit; a replayed batch locks nothing
    wanted = {
        e.order_id
        for e in events
        if str(e.id) not in known and e.order_id is not None and 0 < e.order_id < 2**63
    }
    loaded: dict[int, ServiceOrder] = {
        o.pk: o
        for o in ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("code", "property")
        .filter(pk__in=wanted)
        .order_by("pk")
    }
    if loaded:  # read again under the locks: a sync of the same events that held them has committed
        known = _known(events)
    lookups = Lookups()  # the day's codes, teams, materials and prices, read once for the batch
    # each order's marks so far (start, pause…), read once; the batch's own are added as they apply
    marks: dict[int, list[Mark]] = {pk: [] for pk in loaded}
    for order_id, kind, at in FieldEvent.objects.filter(order_id__in=list(loaded)).values_list(
        "order_id", "kind", "at"
    ):
        marks[order_id].append(Mark(kind, at))
    lookups.seed("field_marks", marks)
    lookups.read_charge_amounts(list(loaded))
    units.read_dependencies(lookups, list(loaded))
    lookups.read_orders(list(loaded.values()))
    lookups.read_connection_orders(list(loaded))
    results: dict[str, EventResult] = {}
    positions: list[EventIn] = []
    # the event rows, the orders' history rows and the closings: one insert each at the end, as the
    # audit rows (nothing in the batch reads them back; their foreign keys are checked at commit)
    with staged_inserts(FieldEvent, OrderEvent, FieldClosing, AuditEntry) as staged:
        for index, event in enumerate(events):
            key = str(event.id)
            if key in known:
                results.setdefault(key, EventResult(key, "already_applied", message="Evento já aplicado."))
                continue
            known.add(key)
            if event.kind == "position":
                positions.append(event)
                continue
            mark = staged.mark()
            try:
                with transaction.atomic():  # the event's savepoint
                    order = field_event_apply(
                        actor=actor,
                        device_id=device_id,
                        team=team,
                        event=event,
                        loaded=loaded,
                        lookups=lookups,
                    )
            except DomainError as exc:
                staged.rollback_to(mark)
                known.discard(key)  # nothing was written: the corrected event may come again
                results[key] = EventResult(
                    key,
                    "rejected",
                    code=str(exc.code),
                    field=f"events[{index}].{exc.field}" if exc.field else f"events[{index}]",
                    message=exc.message,
                )
                continue
            except IntegrityError:  # the same id committed meanwhile by a concurrent sync
                staged.rollback_to(mark)
                results[key] = EventResult(key, "already_applied", message="Evento já aplicado.")
                continue
            if event.order_id in marks:
                marks[event.order_id].append(Mark(event.kind, event.at))
            results[key] = EventResult(key, "applied", order_status=order.status if order else "")
        if positions:
            for key, result in field_positions_record(
                actor=actor, device_id=device_id, team=team, events=positions
            ).items():
                results[key] = result
        staged.flush()
    return _in_order(events, results)


def _known(events: list[EventIn]) -> set[str]:
    """The ids of the batch's events already stored (applied by an earlier sync)."""
    return {
        str(pk)
        for pk in FieldEvent.objects.filter(pk__in=[e.id for e in events]).values_list("pk", flat=True)
    }


def _in_order(events: list[EventIn], results: dict[str, EventResult]) -> list[EventResult]:
    seen: set[str] = set()
    out: list[EventResult] = []
    for event in events:
        key = str(event.id)
        if key in seen:
            out.append(EventResult(key, "already_applied", message="Evento já aplicado."))
            continue
        seen.add(key)
        out.append(results[key])
    return out


def field_event_apply(
    *,
    actor: Actor,
    device_id: str,
    team: Team | None,
    event: EventIn,
    loaded: dict[int, ServiceOrder] | None = None,
    lookups: Lookups | None = None,
) -> ServiceOrder | None:
    """One device event: its row (kept for the batch's insert inside `field_sync`, whose locks and
    second read of the stored ids keep a concurrent replay out), then the order's move and what the
    event brought. Raises DomainError with the field named (order,
    payload.reason, payload.data…). Not durable: runs inside the caller's transaction, under a
    savepoint of its own, so a refusal writes nothing (`field_sync`)."""
    if team is None:
        raise ValidationFailed(
            "Seu usuário não está em nenhuma equipe hoje: peça ao supervisor para incluí-lo.",
            field="team",
            code=ErrorCode.FIELD_NO_TEAM,
        )
    order = _order_for(event, team, loaded or {})
    now = timezone.now()
    row = stage(
        FieldEvent(
            id=event.id,
            device_id=device_id,
            kind=event.kind,
            order=order,
            team=team,
            username=actor.get_username(),
            at=event.at,
            received_at=now,
            note=str(event.payload.get("reason", ""))[:300],
        )
    )
    p = event.payload
    if event.kind in {"start", "pause", "resume"}:
        action = {"start": Action.START, "pause": Action.PAUSE, "resume": Action.RESUME}[event.kind]
        try:
            order = orders.order_step_in(
                actor=actor, order_id=order.pk, action=action, note=str(p.get("reason", "")), lookups=lookups
            )
        except DomainError as exc:
            if exc.field == "reason":
                exc.field = "payload.reason"
            raise
    elif event.kind in {"close", "not_execute"}:
        order = _close(actor, order, team, row, p, executed=event.kind == "close", lookups=lookups)
    elif event.kind == "photo":
        _photo(actor, order, row, p)
    elif event.kind == "crew":
        _crew(actor, order, row, p)
    elif event.kind == "notice":
        _notice(actor, order, row, p)
    else:  # the API refuses other kinds before this point
        raise ValidationFailed("Tipo de evento desconhecido.", field="type", code=ErrorCode.INVALID)
    return order


def _order_for(event: EventIn, team: Team, loaded: dict[int, ServiceOrder]) -> ServiceOrder:
    if event.order_id is None:
        raise ValidationFailed("Informe a ordem de serviço do evento.", field="order", code=ErrorCode.INVALID)
    order: ServiceOrder | None = loaded.get(event.order_id) or (
        ServiceOrder.objects.select_related("code", "property").filter(pk=event.order_id).first()
    )
    if order is None:
        raise NotFound(
            f"Ordem de serviço {event.order_id} não encontrada.",
            field="order",
            code=ErrorCode.ORDER_NOT_FOUND,
        )
    if order.team_id is not None and order.team_id != team.pk:
        raise ValidationFailed(
            f"A ordem {order.label} está programada para outra equipe.",
            field="order",
            code=ErrorCode.FIELD_OTHER_TEAM,
        )
    return order


def _decimal(value: Any, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed("Informe um número.", field=field_name, code=ErrorCode.INVALID) from None
    if not number.is_finite() or number < 0:
        raise ValidationFailed("Informe um número positivo.", field=field_name, code=ErrorCode.INVALID)
    return number


def _when(value: Any, field_name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            "Informe a data e a hora no formato ISO 8601.", field=field_name, code=ErrorCode.INVALID
        ) from None
    if parsed.tzinfo is None:
        raise ValidationFailed("Informe a hora com fuso horário.", field=field_name, code=ErrorCode.INVALID)
    return parsed


def closing_answers(answers: Any) -> dict[str, str]:
    """The phone's answers to the code's own closing form as the order engine reads them (text; a
    yes/no queued by an older app as true/false becomes "sim"/"não"); `order_close_in` checks them
    against the code's `ClosingForm` (3.2.11.8, 3.2.12.3) and stores them in `OrderClosingData`."""
    if answers in (None, ""):
        return {}
    if not isinstance(answers, dict):
        raise ValidationFailed(
            "As respostas do formulário devem ser um objeto.",
            field="payload.answers",
            code=ErrorCode.FIELD_CLOSING_FORM,
        )
    clean: dict[str, str] = {}
    for key, value in answers.items():
        if value is None:
            continue
        if isinstance(value, bool):
            clean[str(key)] = "sim" if value else "não"
        else:
            clean[str(key)] = str(value)
    return clean


def _close(
    actor: Actor,
    order: ServiceOrder,
    team: Team,
    row: FieldEvent,
    p: dict[str, Any],
    *,
    executed: bool,
    lookups: Lookups | None = None,
) -> ServiceOrder:
    """Not durable: a closing from the phone, through `orders.order_close_in`; the team and the time
    come from the payload and are required as in the back office."""
    answers = closing_answers(p.get("answers")) if executed else {}
    team_id = p.get("team")
    if team_id not in (None, "") and not isinstance(team_id, int):
        raise ValidationFailed("Informe a equipe pelo número.", field="payload.team", code=ErrorCode.INVALID)
    plate = str(p.get("vehicle_plate") or "").strip().upper().replace("-", "")
    vehicle = Vehicle.objects.filter(plate=plate).first() if plate else None
    destination = ""
    if not executed:
        destination = str(p.get("destination") or "encerrar")
        if destination not in DESTINATIONS:
            raise ValidationFailed(
                "Escolha o destino da ordem não executada: encerrar ou reabrir.",
                field="payload.destination",
                code=ErrorCode.INVALID,
            )
    try:
        closed = orders.order_close_in(
            actor=actor,
            order_id=order.pk,
            executed=executed,
            executed_at=_when(p.get("executed_at"), "payload.executed_at"),
            team_id=team_id or None,
            services=[
                orders.ServiceLine(
                    str(s.get("code", "")),
                    _decimal(s.get("quantity", "1"), f"payload.services[{i}].quantity") or Decimal("1"),
                    _decimal(s.get("amount"), f"payload.services[{i}].amount"),
                )
                for i, s in enumerate(_list(p.get("services"), "payload.services"))
            ],
            materials=[
                orders.MaterialLine(
                    str(m.get("code", "")),
                    _decimal(m.get("quantity"), f"payload.materials[{i}].quantity") or Decimal("0"),
                )
                for i, m in enumerate(_list(p.get("materials"), "payload.materials"))
            ],
            notes=str(p.get("notes") or "")[:4000],
            reason=str(p.get("reason") or "")[:300],
            vehicle_id=vehicle.pk if vehicle else None,
            fields=answers,
            lookups=lookups,
        )
    except DomainError as exc:
        if exc.field and exc.field.startswith("fields."):  # the code's form: the phone sends `answers`
            exc.field = "answers." + exc.field.removeprefix("fields.")
        exc.field = f"payload.{exc.field}" if exc.field else "payload"
        raise
    known: dict[int, list[Mark]] = lookups.memo("field_marks", dict) if lookups else {}
    if closed.pk in known:  # the marks read by the batch, and this closing's own
        marks = [*known[closed.pk], Mark(row.kind, row.at)]
    else:
        marks = [
            Mark(kind, at) for kind, at in FieldEvent.objects.filter(order=closed).values_list("kind", "at")
        ]
    seconds = execution_seconds(marks)
    followup = None
    if destination == "reabrir":
        followup = orders.order_open_in(
            actor=actor,
            code=closed.code.code,
            property_id=closed.property_id,
            description=f"Reaberta: a OS {closed.label} não foi executada ({closed.reason}).",
        )
    closing = FieldClosing(
        order=closed,
        event=row,
        vehicle_plate=plate[:7],
        distance_km=_decimal(p.get("distance_km"), "payload.distance_km"),
        travel_minutes=int(_decimal(p.get("travel_minutes"), "payload.travel_minutes") or 0) or None,
        execution_minutes=round(seconds / 60) if seconds is not None else None,
        destination=destination,
        followup=followup,
    )
    stage(closing)  # the batch writes them at its end (`field_sync`)
    return closed


def _list(value: Any, field_name: str) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValidationFailed("Informe uma lista de itens.", field=field_name, code=ErrorCode.INVALID)
    return value


def photo_check(data: Any) -> tuple[bytes, str, int, int]:
    """(bytes, content type, width, height) of a photo sent as base64, checked by its content (not
    its name or declared type): JPEG, PNG or WebP, at most 8 MB. The bytes are kept as sent, so
    the camera's EXIF (time, place) stays in the file."""
    from PIL import Image, UnidentifiedImageError

    not_image = ValidationFailed(
        "O arquivo enviado não é uma imagem (use JPEG, PNG ou WebP).",
        field="payload.data",
        code=ErrorCode.FIELD_PHOTO_NOT_IMAGE,
    )
    if not isinstance(data, str) or not data:
        raise not_image
    if data.startswith("data:"):
        data = data.split(",", 1)[-1]
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise not_image from None
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationFailed(
            "A foto passa de 8 MB.", field="payload.data", code=ErrorCode.FIELD_PHOTO_NOT_IMAGE
        )
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_image from None
    if kind not in PHOTO_FORMATS:
        raise not_image
    return content, PHOTO_FORMATS[kind], width, height


def _coordinate(value: Any, field_name: str, limit: int) -> Decimal | None:
    number = None if value in (None, "") else _signed(value, field_name)
    if number is not None and abs(number) > limit:
        raise ValidationFailed("Coordenada fora do intervalo.", field=field_name, code=ErrorCode.INVALID)
    return number.quantize(Decimal("0.000001")) if number is not None else None


def _signed(value: Any, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed("Informe um número.", field=field_name, code=ErrorCode.INVALID) from None
    if not number.is_finite():
        raise ValidationFailed("Informe um número.", field=field_name, code=ErrorCode.INVALID)
    return number


def _photo(actor: Actor, order: ServiceOrder, row: FieldEvent, p: dict[str, Any]) -> FieldPhoto:
    content, content_type, width, height = photo_check(p.get("data"))
    extension = content_type.split("/")[1].replace("jpeg", "jpg")
    photo = FieldPhoto(
        order=order,
        property_id=order.property_id,
        event=row,
        content_type=content_type,
        width=width,
        height=height,
        taken_at=_when(p.get("taken_at"), "payload.taken_at") or row.at,
        latitude=_coordinate(p.get("latitude"), "payload.latitude", 90),
        longitude=_coordinate(p.get("longitude"), "payload.longitude", 180),
        caption=str(p.get("caption") or "")[:200],
        received_at=row.received_at,
    )
    photo.image.save(f"os-{order.pk}-{row.pk}.{extension}", ContentFile(content), save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="service.field_photo",
        target=order,
        after={"photo": photo.image.name, "taken_at": photo.taken_at.isoformat()},
    )
    return photo


def _crew(actor: Actor, order: ServiceOrder, row: FieldEvent, p: dict[str, Any]) -> OrderCrew:
    code = str(p.get("badge") or "").strip()
    badge = Badge.objects.filter(code=code, is_active=True).first() if code else None
    if badge is None:
        raise NotFound(
            f"Crachá {code or '(vazio)'} não encontrado ou inativo.",
            field="payload.badge",
            code=ErrorCode.FIELD_BADGE_NOT_FOUND,
        )
    member: OrderCrew
    member, created = OrderCrew.objects.get_or_create(
        order=order, user_id=badge.user_id, defaults={"badge": badge.code, "added_at": row.at}
    )
    if created:
        audit_record(actor=actor, action="service.field_crew", target=order, after={"badge": badge.code})
    return member


def _notice(actor: Actor, order: ServiceOrder, row: FieldEvent, p: dict[str, Any]) -> FieldNotice:
    from ..field_pdf import notice_pdf

    text = str(p.get("text") or "").strip()
    if not text:
        raise ValidationFailed(
            "Escreva o texto do aviso ao cliente.", field="payload.text", code=ErrorCode.REASON_REQUIRED
        )
    photo_ids = [str(x) for x in p.get("photos") or []]
    photos = list(FieldPhoto.objects.filter(order=order, event_id__in=photo_ids))
    if len(photos) != len(set(photo_ids)):
        raise NotFound(
            "Uma das fotos do aviso não foi recebida: envie a foto antes do aviso.",
            field="payload.photos",
            code=ErrorCode.FIELD_PHOTO_NOT_FOUND,
        )
    notice = FieldNotice(order=order, property_id=order.property_id, event=row, text=text, created_at=row.at)
    notice.pdf.save(
        f"aviso-os-{order.pk}-{row.pk}.pdf", ContentFile(notice_pdf(order, text, photos, row.at)), save=False
    )
    notice.save()
    notice.photos.set(photos)
    audit_record(actor=actor, action="service.field_notice", target=order, after={"notice": notice.pdf.name})
    return notice


def field_positions_record(
    *, actor: Actor, device_id: str, team: Team | None, events: list[EventIn]
) -> dict[str, EventResult]:
    """The batch's GPS fixes in bulk, one audit row for them all (a day has hundreds); a malformed
    fix is rejected alone. Positions are personal data: see FieldSettings' retention. Not durable:
    runs inside the caller's transaction (`field_sync`)."""
    results: dict[str, EventResult] = {}
    rows: list[tuple[FieldEvent, Position]] = []
    now = timezone.now()
    for event in events:
        key = str(event.id)
        try:
            if team is None:
                raise ValidationFailed(
                    "Seu usuário não está em nenhuma equipe hoje.", field="team", code=ErrorCode.FIELD_NO_TEAM
                )
            lat = _coordinate(event.payload.get("latitude"), "payload.latitude", 90)
            lon = _coordinate(event.payload.get("longitude"), "payload.longitude", 180)
            if lat is None or lon is None:
                raise ValidationFailed(
                    "Informe latitude e longitude.", field="payload.latitude", code=ErrorCode.INVALID
                )
            speed = _decimal(event.payload.get("speed_kmh"), "payload.speed_kmh")
            accuracy = _decimal(event.payload.get("accuracy_m"), "payload.accuracy_m")
        except DomainError as exc:
            results[key] = EventResult(
                key, "rejected", code=str(exc.code), field=exc.field or "", message=exc.message
            )
            continue
        ev = FieldEvent(
            id=event.id,
            device_id=device_id,
            kind="position",
            team=team,
            username=actor.get_username(),
            at=event.at,
            received_at=now,
        )
        pos = Position(
            team=team,
            username=actor.get_username(),
            device_id=device_id,
            event=ev,
            at=event.at,
            latitude=lat,
            longitude=lon,
            speed_kmh=speed.quantize(Decimal("0.1")) if speed is not None else None,
            accuracy_m=int(accuracy) if accuracy is not None else None,
        )
        rows.append((ev, pos))
        results[key] = EventResult(key, "applied")
    if rows:
        FieldEvent.objects.bulk_create([ev for ev, _ in rows])
        Position.objects.bulk_create([pos for _, pos in rows])
        audit_record(
            actor=actor,
            action="service.field_positions",
            object_type="service.position",
            object_id=device_id[:64],
            after={"positions": len(rows), "team": team.name if team else None},
        )
    return results


@transaction.atomic(durable=True)
def field_settings_update(
    *, actor: Actor, position_retention_days: int, sync_interval_seconds: int
) -> FieldSettings:
    if not 1 <= position_retention_days <= 730:
        raise ValidationFailed(
            "A guarda das posições deve ficar entre 1 e 730 dias.",
            field="position_retention_days",
            code=ErrorCode.INVALID,
        )
    if not 30 <= sync_interval_seconds <= 3600:
        raise ValidationFailed(
            "O intervalo de envio deve ficar entre 30 e 3600 segundos.",
            field="sync_interval_seconds",
            code=ErrorCode.INVALID,
        )
    row = field_settings()
    before = {
        "position_retention_days": row.position_retention_days,
        "sync_interval_seconds": row.sync_interval_seconds,
    }
    row.position_retention_days = position_retention_days
    row.sync_interval_seconds = sync_interval_seconds
    row.save()
    audit_record(
        actor=actor,
        action="service.field_settings",
        target=row,
        before=before,
        after={
            "position_retention_days": position_retention_days,
            "sync_interval_seconds": sync_interval_seconds,
        },
    )
    return row


@transaction.atomic(durable=True)
def badge_set(*, actor: Actor, code: str, user_id: int) -> Badge:
    """Give a staff member a badge code (a new code, or an existing one moved to them)."""
    from modules.access.models import User

    code = code.strip()
    if not code or len(code) > 40:
        raise ValidationFailed(
            "Informe o código do crachá (até 40 caracteres).", field="code", code=ErrorCode.INVALID
        )
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("Usuário não encontrado.", field="user", code=ErrorCode.INVALID)
    badge: Badge
    badge, _ = Badge.objects.update_or_create(code=code, defaults={"user": user, "is_active": True})
    audit_record(
        actor=actor,
        action="service.field_badge_set",
        target=badge,
        after={"code": code, "user": user.username},
    )
    return badge


@transaction.atomic(durable=True)
def positions_prune(*, actor: Actor, now: dt.datetime) -> int:
    """Delete the positions older than the utility's retention days (LGPD: kept no longer than their
    purpose needs). Returns how many went."""
    days = field_settings().position_retention_days
    cutoff = now - dt.timedelta(days=days)
    old = Position.objects.filter(at__lt=cutoff)
    event_ids = list(old.values_list("event_id", flat=True))
    count = len(event_ids)
    if count:
        FieldEvent.objects.filter(pk__in=event_ids).delete()  # cascades to the positions
        audit_record(
            actor=actor,
            action="service.field_positions_prune",
            object_type="service.position",
            after={"deleted": count, "before": cutoff.isoformat(), "retention_days": days},
        )
    return count

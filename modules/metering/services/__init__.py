"""Every write of hydrometry: meters, installation, removal, swap, status changes, calibrations."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.registry.domain import connections as conn_rules
from modules.registry.models import ServiceConnection
from modules.registry.services.connections import connection_change_situation

from .. import events
from ..domain import meters as rules
from ..errors import ErrorCode
from ..models import Calibration, CalibrationPhoto, Installation, Meter, MeteringPolicy, Movement

METER_FIELDS = (
    "manufacturer",
    "model",
    "capacity",
    "diameter_mm",
    "metrological_class",
    "manufacture_year",
    "dials",
    "min_flow",
    "max_flow",
    "jet",
    "mechanism",
    "acquired_on",
    "invoice_number",
    "calibrated_on",
)


def _clean_meter_fields(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in METER_FIELDS}
    if out.get("manufacturer") is not None and not str(out["manufacturer"]).strip():
        raise ValidationFailed("Informe o fabricante.", field="manufacturer", code=CommonCode.INVALID)
    if out.get("metrological_class") and out["metrological_class"] not in rules.METROLOGICAL_CLASSES:
        raise ValidationFailed(
            "Classe metrológica deve ser A, B, C ou D.", field="metrological_class", code=CommonCode.INVALID
        )
    year = out.get("manufacture_year")
    if year is not None and not 1950 <= int(year) <= today.year:
        raise ValidationFailed(
            f"Ano de fabricação inválido (1950 a {today.year}).",
            field="manufacture_year",
            code=CommonCode.INVALID,
        )
    for name, label in (("acquired_on", "A data de aquisição"), ("calibrated_on", "A data de aferição")):
        if out.get(name) and out[name] > today:
            raise ValidationFailed(f"{label} não pode estar no futuro.", field=name, code=CommonCode.INVALID)
    capacity = out.get("capacity")
    if capacity is not None and Decimal(capacity) <= 0:
        raise ValidationFailed(
            "A capacidade deve ser maior que zero.", field="capacity", code=CommonCode.INVALID
        )
    lo, hi = out.get("min_flow"), out.get("max_flow")
    if lo is not None and hi is not None and Decimal(lo) >= Decimal(hi):
        raise ValidationFailed(
            "A vazão mínima deve ser menor que a máxima.", field="min_flow", code=CommonCode.INVALID
        )
    return out


def _move(
    actor: Actor, meter: Meter, to: str, on: dt.date, reason: str, installation: Installation | None = None
) -> None:
    Movement.objects.create(
        meter=meter,
        status_from=meter.status,
        status_to=to,
        on=on,
        reason=reason,
        installation=installation,
        actor=actor.get_username(),
    )
    meter.status = to
    meter.save(update_fields=["status"])


@transaction.atomic(durable=True)
def meter_create(*, actor: Actor, number: str, today: dt.date | None = None, **fields: Any) -> Meter:
    today = today or tenant_today()
    code = rules.normalize_meter_number(number)
    if not code:
        raise ValidationFailed("Informe o número do hidrômetro.", field="number", code=CommonCode.INVALID)
    data = _clean_meter_fields(fields, today)
    if Meter.objects.filter(number=code).exists():
        raise Conflict(f"Já existe o hidrômetro {code}.", field="number", code=CommonCode.DUPLICATE)
    meter: Meter = Meter.objects.create(number=code, status=rules.STOCK, **data)
    Movement.objects.create(
        meter=meter, status_to=rules.STOCK, on=today, reason="cadastro", actor=actor.get_username()
    )
    audit_record(actor=actor, action="metering.meter_create", target=meter, after=snapshot(meter))
    return meter


@transaction.atomic(durable=True)
def meter_batch_create(
    *, actor: Actor, first: str, last: str, today: dt.date | None = None, **fields: Any
) -> list[Meter]:
    """A batch by code range (§9.5): all or nothing; existing codes are listed in the refusal."""
    today = today or tenant_today()
    try:
        codes = rules.expand_range(first, last)
    except rules.MeterRuleError as exc:
        raise ValidationFailed(str(exc), field=exc.field, code=exc.code) from exc
    data = _clean_meter_fields(fields, today)
    existing = sorted(Meter.objects.filter(number__in=codes).values_list("number", flat=True))
    if existing:
        shown = ", ".join(existing[:10]) + (" …" if len(existing) > 10 else "")
        raise Conflict(
            f"Faixa recusada: {len(existing)} código(s) já existem ({shown}).",
            field="first",
            code=CommonCode.DUPLICATE,
        )
    meters: list[Meter] = Meter.objects.bulk_create(
        Meter(number=c, status=rules.STOCK, **data) for c in codes
    )
    Movement.objects.bulk_create(
        Movement(
            meter=m,
            status_to=rules.STOCK,
            on=today,
            reason="cadastro em lote",
            actor=actor.get_username(),
        )
        for m in meters
    )
    audit_record(
        actor=actor,
        action="metering.meter_batch_create",
        object_type="metering.meter",
        object_id=f"{codes[0]}..{codes[-1]}",
        after={"count": len(codes), **data},
    )
    return meters


@transaction.atomic(durable=True)
def meter_update(*, actor: Actor, meter: Meter, today: dt.date | None = None, **fields: Any) -> Meter:
    today = today or tenant_today()
    data = _clean_meter_fields(fields, today)
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    if meter.status == rules.SCRAPPED:
        raise Conflict(
            "Hidrômetro descartado não pode ser alterado.", field="status", code=ErrorCode.METER_SCRAPPED
        )
    before = snapshot(meter)
    for key, value in data.items():
        setattr(meter, key, value)
    meter.save()
    audit_record(
        actor=actor, action="metering.meter_update", target=meter, before=before, after=snapshot(meter)
    )
    return meter


@transaction.atomic(durable=True)
def meter_change_status(
    *, actor: Actor, meter: Meter, status: str, on: dt.date, reason: str = "", today: dt.date | None = None
) -> Meter:
    """Stock ↔ maintenance ↔ scrapped; installing and removing go through their own services."""
    today = today or tenant_today()
    if on > today:
        raise ValidationFailed("A data não pode estar no futuro.", field="on", code=CommonCode.INVALID)
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    try:
        rules.check_status_change(meter.status, status)
    except rules.MeterRuleError as exc:
        raise Conflict(str(exc), field=exc.field, code=exc.code) from exc
    if status == rules.INSTALLED or meter.status == rules.INSTALLED:
        raise ValidationFailed(
            "Use a instalação, a retirada ou a troca para mudar de/para 'Instalado'.",
            field="status",
            code=ErrorCode.INSTALLATION_REQUIRED_FOR_STATUS,
        )
    before = {"status": meter.status}
    _move(actor, meter, status, on, reason)
    audit_record(
        actor=actor,
        action="metering.meter_status",
        target=meter,
        before=before,
        after={"status": status},
        reason=reason,
    )
    return meter


def _water_connection(connection_obj: ServiceConnection) -> ServiceConnection:
    sc: ServiceConnection = (
        ServiceConnection.objects.select_for_update().select_related("property").get(pk=connection_obj.pk)
    )
    if sc.kind != ServiceConnection.Kind.WATER:
        raise ValidationFailed(
            "Hidrômetros são instalados em ligações de água.",
            field="connection",
            code=ErrorCode.NOT_A_WATER_CONNECTION,
        )
    return sc


def _install(
    actor: Actor,
    meter: Meter,
    sc: ServiceConnection,
    installed_on: dt.date,
    initial_reading: int,
    seal: str,
    today: dt.date,
) -> Installation:
    if installed_on > today:
        raise ValidationFailed(
            "A data de instalação não pode estar no futuro.", field="installed_on", code=CommonCode.INVALID
        )
    if initial_reading < 0:
        raise ValidationFailed(
            "A leitura de instalação não pode ser negativa.", field="initial_reading", code=CommonCode.INVALID
        )
    active = (
        Installation.objects.filter(meter=meter, removed_on__isnull=True)
        .select_related("connection__property")
        .first()
    )
    if active is not None:
        raise ValidationFailed(
            f"O hidrômetro {meter.number} já está instalado na matrícula "
            f"{active.connection.property.account_number}: retire-o antes.",
            field="meter",
            code=ErrorCode.METER_ALREADY_INSTALLED,
        )
    try:
        rules.check_installable(meter.status)
    except rules.MeterRuleError as exc:
        raise ValidationFailed(str(exc), field=exc.field, code=exc.code) from exc
    last_removal = (
        Installation.objects.filter(meter=meter)
        .order_by("-removed_on")
        .values_list("removed_on", flat=True)
        .first()
    )
    if last_removal is not None and installed_on < last_removal:
        raise ValidationFailed(
            "A instalação não pode ser anterior à última retirada deste hidrômetro "
            f"({last_removal:%d/%m/%Y}).",
            field="installed_on",
            code=ErrorCode.INSTALLATION_BEFORE_REMOVAL,
        )
    if Installation.objects.filter(connection=sc, removed_on__isnull=True).exists():
        raise Conflict(
            "Esta ligação já tem um hidrômetro instalado: use a troca.",
            field="connection",
            code=ErrorCode.CONNECTION_HAS_METER,
        )
    try:
        with transaction.atomic():
            inst: Installation = Installation.objects.create(
                meter=meter,
                connection=sc,
                installed_on=installed_on,
                initial_reading=initial_reading,
                seal=seal,
                installed_by=actor.get_username(),
            )
    except IntegrityError as exc:  # a concurrent install won the race: the partial unique index says no
        raise Conflict(
            "Instalação concorrente: a ligação ou o hidrômetro acabou de ser ocupado.",
            field="meter",
            code=ErrorCode.CONCURRENT_INSTALLATION,
        ) from exc
    _move(
        actor,
        meter,
        rules.INSTALLED,
        installed_on,
        f"instalado na matrícula {sc.property.account_number}",
        inst,
    )
    if not sc.metered:
        sc.metered = True
        sc.save(update_fields=["metered"])
    return inst


@transaction.atomic(durable=True)
def meter_install(
    *,
    actor: Actor,
    meter: Meter,
    connection_obj: ServiceConnection,
    installed_on: dt.date,
    initial_reading: int,
    seal: str = "",
    activate: bool = False,
    today: dt.date | None = None,
) -> Installation:
    """Install a stock meter on an active water connection (§9.7); an inactive one needs `activate`."""
    return meter_install_within(
        actor=actor,
        meter=meter,
        connection_obj=connection_obj,
        installed_on=installed_on,
        initial_reading=initial_reading,
        seal=seal,
        activate=activate,
        today=today,
    )


def meter_install_within(
    *,
    actor: Actor,
    meter: Meter,
    connection_obj: ServiceConnection,
    installed_on: dt.date,
    initial_reading: int,
    seal: str = "",
    activate: bool = False,
    today: dt.date | None = None,
) -> Installation:
    """Not durable: meter_install's work, also run by service when an installation order is closed."""
    today = today or tenant_today()
    if installed_on > today:
        raise ValidationFailed(
            "A data de instalação não pode estar no futuro.", field="installed_on", code=CommonCode.INVALID
        )
    sc = _water_connection(connection_obj)
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    if sc.situation not in conn_rules.ACTIVE:
        if not activate:
            raise Conflict(
                "A ligação não está ativa: confirme a ativação para instalar o hidrômetro.",
                field="activate",
                code=ErrorCode.REQUIRES_ACTIVATION,
            )
        connection_change_situation(
            actor=actor,
            connection_obj=sc,
            situation=conn_rules.CONNECTED,
            on=installed_on,
            reason="ativada na instalação do hidrômetro",
            today=today,
        )
        sc.refresh_from_db()
    inst = _install(actor, meter, sc, installed_on, initial_reading, seal, today)
    # recorded against the connection, so the property's history shows it
    audit_record(actor=actor, action="metering.meter_install", target=sc, after=snapshot(inst))
    events.announce(
        events.METER_INSTALLED, source=f"metering.installation:{inst.pk}", property_id=sc.property_id
    )
    return inst


def _remove(
    actor: Actor,
    inst: Installation,
    removed_on: dt.date,
    final_reading: int,
    destination: str,
    reason: str,
    today: dt.date,
) -> Installation:
    if destination not in rules.REMOVAL_DESTINATIONS:
        raise ValidationFailed(
            "Destino do hidrômetro retirado: estoque, manutenção ou descarte.",
            field="destination",
            code=CommonCode.INVALID,
        )
    try:
        rules.check_event_dates(installed_on=inst.installed_on, removed_on=removed_on, today=today)
        rules.check_final_reading(initial=inst.initial_reading, final=final_reading)
    except rules.MeterRuleError as exc:
        raise ValidationFailed(str(exc), field=exc.field, code=exc.code) from exc
    inst.removed_on, inst.final_reading = removed_on, final_reading
    inst.removal_reason, inst.removal_destination, inst.removed_by = reason, destination, actor.get_username()
    inst.save()
    meter = Meter.objects.select_for_update().get(pk=inst.meter_id)
    _move(actor, meter, destination, removed_on, reason or "retirada", inst)
    return inst


def _active_installation(sc: ServiceConnection) -> Installation:
    inst: Installation | None = (
        Installation.objects.select_for_update().filter(connection=sc, removed_on__isnull=True).first()
    )
    if inst is None:
        raise NotFound(
            "Esta ligação não tem hidrômetro instalado.",
            field="connection",
            code=ErrorCode.NO_METER_INSTALLED,
        )
    return inst


@transaction.atomic(durable=True)
def meter_remove(
    *,
    actor: Actor,
    connection_obj: ServiceConnection,
    removed_on: dt.date,
    final_reading: int,
    destination: str,
    reason: str = "",
    today: dt.date | None = None,
) -> Installation:
    return meter_remove_within(
        actor=actor,
        connection_obj=connection_obj,
        removed_on=removed_on,
        final_reading=final_reading,
        destination=destination,
        reason=reason,
        today=today,
    )


def meter_remove_within(
    *,
    actor: Actor,
    connection_obj: ServiceConnection,
    removed_on: dt.date,
    final_reading: int,
    destination: str,
    reason: str = "",
    today: dt.date | None = None,
) -> Installation:
    """Not durable: meter_remove's work, also run by service when a removal order is closed."""
    today = today or tenant_today()
    sc = _water_connection(connection_obj)
    inst = _remove(actor, _active_installation(sc), removed_on, final_reading, destination, reason, today)
    audit_record(
        actor=actor, action="metering.meter_remove", target=inst, after=snapshot(inst), reason=reason
    )
    events.announce(events.METER_REMOVED, source=f"metering.removal:{inst.pk}", property_id=sc.property_id)
    return inst


@transaction.atomic(durable=True)
def meter_swap(
    *,
    actor: Actor,
    connection_obj: ServiceConnection,
    new_meter: Meter,
    on: dt.date,
    final_reading: int,
    initial_reading: int,
    destination: str,
    reason: str = "",
    seal: str = "",
    today: dt.date | None = None,
) -> tuple[Installation, Installation]:
    """Troca (§3.2.3.15): the old meter's final reading and the new one's initial reading, one audit row."""
    return meter_swap_within(
        actor=actor,
        connection_obj=connection_obj,
        new_meter=new_meter,
        on=on,
        final_reading=final_reading,
        initial_reading=initial_reading,
        destination=destination,
        reason=reason,
        seal=seal,
        today=today,
    )


def meter_swap_within(
    *,
    actor: Actor,
    connection_obj: ServiceConnection,
    new_meter: Meter,
    on: dt.date,
    final_reading: int,
    initial_reading: int,
    destination: str,
    reason: str = "",
    seal: str = "",
    today: dt.date | None = None,
) -> tuple[Installation, Installation]:
    """Not durable: meter_swap's work, also run by service when a swap order is closed in the field."""
    today = today or tenant_today()
    sc = _water_connection(connection_obj)
    old = _remove(actor, _active_installation(sc), on, final_reading, destination, reason or "troca", today)
    meter = Meter.objects.select_for_update().get(pk=new_meter.pk)
    new = _install(actor, meter, sc, on, initial_reading, seal, today)
    audit_record(
        actor=actor,
        action="metering.meter_swap",
        target=sc,
        before={"meter": old.meter_id, "final_reading": final_reading},
        after={"meter": new.meter_id, "initial_reading": initial_reading, "on": on},
        reason=reason,
    )
    events.announce(events.METER_SWAPPED, source=f"metering.swap:{new.pk}", property_id=sc.property_id)
    return old, new


def _reencode(data: bytes) -> tuple[bytes, int, int]:
    """Keep photos storable (§9.6, S9.6-02): the long edge and the JPEG quality of the utility's
    metering policy (1600 px, 80 % by default), EXIF orientation applied."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationFailed(
            "A foto não é uma imagem válida (use JPEG ou PNG).", field="photos", code=CommonCode.INVALID
        ) from exc
    policy = MeteringPolicy.current()
    image.thumbnail((policy.photo_max_px, policy.photo_max_px))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=policy.photo_quality, optimize=True)
    return out.getvalue(), image.width, image.height


@transaction.atomic(durable=True)
def calibration_record(
    *,
    actor: Actor,
    meter: Meter,
    on: dt.date,
    requester: str,
    result: str,
    photos: Iterable[bytes] = (),
    today: dt.date | None = None,
    **fields: Any,
) -> Calibration:
    today = today or tenant_today()
    if on > today:
        raise ValidationFailed(
            "A data da aferição não pode estar no futuro.", field="on", code=CommonCode.INVALID
        )
    if requester not in Calibration.Requester.values:
        raise ValidationFailed(
            "Solicitante deve ser a concessionária ou o cidadão.", field="requester", code=CommonCode.INVALID
        )
    if result not in Calibration.Result.values:
        raise ValidationFailed(
            "Resultado deve ser aprovado ou reprovado.", field="result", code=CommonCode.INVALID
        )
    encoded = [_reencode(p) for p in photos]
    data = {
        k: v
        for k, v in fields.items()
        if k in ("error_qmin", "error_qt", "error_qmax", "laboratory", "notes")
    }
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    cal: Calibration = Calibration.objects.create(
        meter=meter, on=on, requester=requester, result=result, actor=actor.get_username(), **data
    )
    for i, (content, width, height) in enumerate(encoded, start=1):
        photo = CalibrationPhoto(calibration=cal, width=width, height=height, size_bytes=len(content))
        photo.image.save(f"{meter.number}-{on:%Y%m%d}-{cal.pk}-{i}.jpg", ContentFile(content), save=False)
        photo.save()
    if result == Calibration.Result.APPROVED and (meter.calibrated_on is None or on > meter.calibrated_on):
        meter.calibrated_on = on
        meter.save(update_fields=["calibrated_on"])
    audit_record(actor=actor, action="metering.calibration_record", target=cal, after=snapshot(cal))
    return cal

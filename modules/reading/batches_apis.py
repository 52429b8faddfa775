"""API of reading in the field (ADR 0200).

Back office (`reading.batches`): batches per group and month with their routes and progress, a
route handed to a device, re-readings, the batch's closing, a contractor's collector file out and
back, telemetry (AMR) readings, readers, devices, messages, the live monitor.
Device (`reading.field`): a route's package, the sync of its events, the photos of occurrences.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any, ClassVar

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.models import User
from modules.access.permissions import HasFunction
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import BillingGroup

from . import selectors_batches as sel
from .errors import ErrorCode
from .models import BatchItem, Reader, ReadingBatch
from .selectors_reader import package_extras
from .services import batches as svc
from .services import collector, sync

MAX_EVENTS = 1000


class _BatchesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.batches"


class _DeviceApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.field"


def batch_get(pk: int) -> ReadingBatch:
    batch: ReadingBatch | None = ReadingBatch.objects.select_related("group").filter(pk=pk).first()
    if batch is None:
        raise NotFound("Carga de leitura não encontrada.", field="batch", code=ErrorCode.BATCH_NOT_FOUND)
    return batch


def batch_json(batch: ReadingBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "group": batch.group.code,
        "month": f"{batch.reference:%Y-%m}",
        "status": batch.status,
        "items": batch.items_count,
        "created_at": batch.created_at.isoformat(),
        "routes": [
            {
                "route": p.route.code,
                "items": p.total,
                "read": p.read,
                "pending": p.pending,
                "occurrences": p.occurrences,
                "in_review": p.in_review,
                "rereads": p.rereads,
                "device": p.route.device.code if p.route.device else None,
                "reader": p.route.reader.employee_number if p.route.reader else None,
            }
            for p in sel.progress(batch)
        ],
    }


class ReadingBatchIn(serializers.Serializer):
    group = serializers.IntegerField(min_value=0, max_value=32767)
    month = serializers.RegexField(r"^\d{4}-\d{2}$")


class BatchListApi(_BatchesApi):
    """Batches, newest first; POST generates the group's batch for a month (201; the same group and
    month again: 200 with the batch already there)."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(operation_id="reading_batches_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = ReadingBatch.objects.select_related("group").order_by("-reference", "group__code")[:100]
        return Response(
            {
                "results": [
                    {
                        "id": b.pk,
                        "group": b.group.code,
                        "month": f"{b.reference:%Y-%m}",
                        "status": b.status,
                        "items": b.items_count,
                    }
                    for b in rows
                ]
            }
        )

    @extend_schema(request=ReadingBatchIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ReadingBatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        group = BillingGroup.objects.filter(code=data.validated_data["group"]).first()
        if group is None:
            raise NotFound(
                f"Grupo de faturamento {data.validated_data['group']} não encontrado.",
                field="group",
                code=ErrorCode.NO_BILLING_GROUP,
            )
        try:
            month = YearMonth.parse(data.validated_data["month"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="month", code=ErrorCode.NO_SCHEDULE) from None
        batch, created = svc.batch_create(actor=request.user, group=group, month=month)
        return Response(batch_json(batch), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class BatchDetailApi(_BatchesApi):
    @extend_schema(operation_id="reading_batches_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, id: int) -> Response:
        return Response(batch_json(batch_get(id)))


class BatchCloseApi(_BatchesApi):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, id: int) -> Response:
        batch = svc.batch_close(actor=request.user, batch=batch_get(id))
        return Response(batch_json(batch))


class AssignIn(serializers.Serializer):
    device = serializers.CharField(max_length=64)
    # a reader past the rotation's limit of consecutive cycles (S12.5-03): released with a reason
    override = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RouteDeviceApi(_BatchesApi):
    """Hand the batch's route to a device (and its reader)."""

    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(request=AssignIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, id: int, route: int) -> Response:
        batch_route = svc.batch_route(batch_get(id), route)
        data = AssignIn(data=request.data)
        data.is_valid(raise_exception=True)
        device = sync.device_get(data.validated_data["device"])
        done = svc.route_assign(
            actor=request.user,
            route=batch_route,
            device=device,
            override=data.validated_data["override"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(
            {
                "route": done.code,
                "device": device.code,
                "reader": done.reader.employee_number if done.reader else None,
            }
        )


class RereadIn(serializers.Serializer):
    properties = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=100000
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RereadingApi(_BatchesApi):
    """Send properties back to the field: those listed, or every reading of the batch in review."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=RereadIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, id: int) -> Response:
        data = RereadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = svc.rereading_create(
            actor=request.user,
            batch=batch_get(id),
            property_ids=data.validated_data.get("properties"),
            reason=data.validated_data.get("reason", ""),
        )
        return Response({"marked": marked})


class CollectorFileApi(_BatchesApi):
    """The route's load file for a contractor's collector (CSV, layout in ADR 0200)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, id: int, route: int) -> HttpResponse:
        batch_route = svc.batch_route(batch_get(id), route)
        text = collector.collector_export(actor=request.user, route=batch_route)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="carga-{id}-rota-{route}.csv"'
        return response


class ReturnFileApi(_BatchesApi):
    """A contractor's return file (or a telemetry file with `source=amr`) for the batch."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": OpenApiTypes.OBJECT}, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, id: int) -> Response:
        batch = batch_get(id)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("Envie o arquivo de retorno.", field="file", code=ErrorCode.COLLECTOR_FILE)
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(
                "O arquivo de retorno deve estar em UTF-8.", field="file", code=ErrorCode.COLLECTOR_FILE
            ) from None
        source = "amr" if request.data.get("source") == "amr" else "file"
        report = collector.collector_return(actor=request.user, batch=batch, text=text, source=source)
        return Response({"records": report.records, "accepted": report.accepted, "errors": report.errors})


class AmrReadingIn(serializers.Serializer):
    property = serializers.IntegerField(min_value=1, max_value=2**62)
    reading = serializers.IntegerField(min_value=0, max_value=2**31)
    read_at = serializers.DateTimeField()


class AmrIn(serializers.Serializer):
    readings = AmrReadingIn(many=True, allow_empty=False, max_length=MAX_EVENTS)


class AmrApi(_BatchesApi):
    """Readings from telemetry (AMR): each goes to the open batch holding its property."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=AmrIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = AmrIn(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data["readings"]
        where = dict(
            BatchItem.objects.filter(
                property_id__in=[r["property"] for r in rows], batch__status=ReadingBatch.Status.OPEN
            ).values_list("property_id", "batch_id")
        )
        per_batch: dict[int, list[collector.ReturnLine]] = defaultdict(list)
        errors: list[dict[str, Any]] = []
        for index, r in enumerate(rows, start=1):
            if r["property"] not in where:
                errors.append(
                    {
                        "line": index,
                        "field": "property",
                        "code": ErrorCode.OUTSIDE_BATCH,
                        "detail": f"Leitura {index}: o imóvel {r['property']} não está em nenhuma "
                        "carga aberta.",
                    }
                )
                continue
            per_batch[where[r["property"]]].append(
                collector.ReturnLine(index, r["property"], r["read_at"], r["reading"], "")
            )
        accepted = 0
        for batch_id, lines in sorted(per_batch.items()):
            report = collector.amr_apply(actor=request.user, batch=batch_get(batch_id), lines=lines)
            accepted += report.accepted
            errors += report.errors
        return Response(
            {"records": len(rows), "accepted": accepted, "errors": sorted(errors, key=lambda e: e["line"])}
        )


class PackageApi(_DeviceApi):
    """The JSON a device needs to read the route offline; `device` (the asking device's id) hands
    over its waiting messages."""

    @extend_schema(
        parameters=[OpenApiParameter("device", str, required=False)], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, id: int, route: int) -> Response:
        batch_route = svc.batch_route(batch_get(id), route)
        code = request.query_params.get("device", "")
        messages: list[dict[str, Any]] = []
        if code and batch_route.device is not None and batch_route.device.code == code:
            messages = svc.package_messages(batch_route.device)
        body = sel.package(batch_route, messages)
        body |= package_extras(batch_route)  # h-reader: the reader app's cards, settings, on-site billing
        return Response(body)


class EventIn(serializers.Serializer):
    id = serializers.UUIDField()
    property = serializers.IntegerField(min_value=-(2**62), max_value=2**62)
    reading = serializers.IntegerField(min_value=0, max_value=2**31, required=False, allow_null=True)
    read_at = serializers.DateTimeField()
    occurrence = serializers.CharField(max_length=10, required=False, allow_blank=True)
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    lon = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    bill = serializers.DictField(required=False)


class TrackPointIn(serializers.Serializer):
    at = serializers.DateTimeField()
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    lon = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)


class ReadingSyncIn(serializers.Serializer):
    device = serializers.RegexField(r"^[A-Za-z0-9._:-]{4,64}$")
    events = EventIn(many=True, allow_empty=True, max_length=MAX_EVENTS)
    sent_at = serializers.DateTimeField(required=False)
    battery = serializers.IntegerField(min_value=0, max_value=100, required=False)
    acknowledged = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False
    )
    track = TrackPointIn(many=True, required=False, max_length=5000)  # 3.2.5.6, between readings


def _bill_total(index: int, bill: dict[str, Any] | None) -> Any:
    from decimal import Decimal, InvalidOperation

    if not bill:
        return None
    try:
        total = Decimal(str(bill.get("total", "")))
    except InvalidOperation:
        raise ValidationFailed(
            f'events[{index}].bill.total: informe o total da conta como texto decimal (ex.: "75.07").',
            field=f"events[{index}].bill.total",
            code=ErrorCode.COLLECTOR_FILE,
        ) from None
    if not total.is_finite() or total < 0 or total != total.quantize(Decimal("0.01")):
        raise ValidationFailed(
            f"events[{index}].bill.total: total inválido ({bill.get('total')}).",
            field=f"events[{index}].bill.total",
            code=ErrorCode.COLLECTOR_FILE,
        )
    return total


class SyncApi(_DeviceApi):
    """A device's events (partial uploads welcome); per event `accepted`, `duplicate` (answered
    before: nothing changes) or `refused` with a code and a pt-BR reason; the messages waiting for
    the device come back with the answer."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=ReadingSyncIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ReadingSyncIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        events = [
            sync.SyncEvent(
                id=e["id"],
                property_id=e["property"],
                reading=e.get("reading"),
                read_at=e["read_at"],
                occurrence=(e.get("occurrence") or "").strip(),
                latitude=e.get("lat"),
                longitude=e.get("lon"),
                bill_total=_bill_total(i, e.get("bill")),
            )
            for i, e in enumerate(v["events"])
        ]
        result = sync.reading_sync(
            actor=request.user,
            device_code=v["device"],
            events=events,
            sent_at=v.get("sent_at"),
            battery=v.get("battery"),
            acknowledged=v.get("acknowledged"),
            track=[(t["at"], t["lat"], t["lon"]) for t in v.get("track", [])],
        )
        answers = result.answers
        return Response(
            {
                "device": v["device"],
                "server_time": timezone.now().isoformat(),
                "accepted": sum(a.status == "accepted" for a in answers),
                "duplicate": sum(a.status == "duplicate" for a in answers),
                "refused": sum(a.status == "refused" for a in answers),
                "results": [
                    {
                        "id": a.id,
                        "status": a.status,
                        **({"code": a.code, "reason": a.reason} if a.code or a.status != "accepted" else {}),
                        **({"reading": a.reading_id} if a.reading_id else {}),
                        **({"server": a.server} if a.server else {}),
                    }
                    for a in answers
                ],
                "messages": result.messages,
            }
        )


class PhotoApi(_DeviceApi):
    """A photo of a reading event, sent before the event (`event` is the event's id)."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": OpenApiTypes.OBJECT}, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationFailed(
                "Envie a foto no campo image.", field="image", code=ErrorCode.PHOTO_REQUIRED
            )
        try:
            event_id = uuid.UUID(str(request.data.get("event", "")))
        except ValueError:
            raise ValidationFailed(
                "Informe no campo event o id (uuid) do evento da leitura.",
                field="event",
                code=ErrorCode.PHOTO_REQUIRED,
            ) from None
        photo = sync.photo_receive(
            actor=request.user,
            device_code=str(request.data.get("device", "")),
            event_id=event_id,
            content=upload.read(),
            content_type=upload.content_type or "",
        )
        return Response({"id": photo.pk, "event": str(photo.event_id)}, status=status.HTTP_201_CREATED)


class ReaderIn(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=2**62)
    employee_number = serializers.CharField(max_length=20)
    reads = serializers.BooleanField(default=True)
    active = serializers.BooleanField(default=True)


class ReadersApi(_BatchesApi):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        names = dict(User.objects.values_list("pk", "full_name"))
        return Response(
            {
                "results": [
                    {
                        "user": r.user_id,
                        "name": names.get(r.user_id, ""),
                        "employee_number": r.employee_number,
                        "reads": r.reads,
                        "active": r.active,
                    }
                    for r in Reader.objects.order_by("employee_number")
                ]
            }
        )

    @extend_schema(request=ReaderIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ReaderIn(data=request.data)
        data.is_valid(raise_exception=True)
        if not User.objects.filter(pk=data.validated_data["user"]).exists():
            raise NotFound("Usuário não encontrado.", field="user", code=ErrorCode.READER_CANNOT_READ)
        reader = svc.reader_save(
            actor=request.user,
            user_id=data.validated_data["user"],
            **{k: v for k, v in data.validated_data.items() if k != "user"},
        )
        return Response(
            {"user": reader.user_id, "employee_number": reader.employee_number},
            status=status.HTTP_201_CREATED,
        )


class DeviceIn(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9._:-]{4,64}$")
    label = serializers.CharField(max_length=80, required=False, allow_blank=True)
    reader = serializers.CharField(max_length=20, required=False, allow_blank=True)


class DevicesApi(_BatchesApi):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"results": [_device_json(s) for s in sel.devices_status(timezone.now())]})

    @extend_schema(request=DeviceIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = DeviceIn(data=request.data)
        data.is_valid(raise_exception=True)
        number = data.validated_data.get("reader", "")
        reader = Reader.objects.filter(employee_number=number).first() if number else None
        if number and reader is None:
            raise NotFound(
                f"Leiturista {number} não encontrado.", field="reader", code=ErrorCode.READER_CANNOT_READ
            )
        device = svc.device_save(
            actor=request.user,
            code=data.validated_data["code"],
            label=data.validated_data.get("label", ""),
            reader=reader,
        )
        return Response({"code": device.code, "reader": number or None}, status=status.HTTP_201_CREATED)


def _device_json(s: sel.DeviceStatus) -> dict[str, Any]:
    d = s.device
    return {
        "code": d.code,
        "label": d.label,
        "reader": d.reader.employee_number if d.reader else None,
        "online": s.online,
        "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
        "battery": d.battery_percent,
        "latitude": str(d.last_latitude) if d.last_latitude is not None else None,
        "longitude": str(d.last_longitude) if d.last_longitude is not None else None,
        "routes": s.routes,
        "readings_24h": s.readings_today,
    }


class MessageIn(serializers.Serializer):
    text = serializers.CharField(max_length=500)


class DeviceMessageApi(_BatchesApi):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=MessageIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, code: str) -> Response:
        device = sync.device_get(code)
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = svc.message_send(actor=request.user, device=device, text=data.validated_data["text"])
        return Response({"id": message.pk, "device": device.code}, status=status.HTTP_201_CREATED)


class MonitorApi(_BatchesApi):
    """The devices (online, battery, last position, routes) and, for a batch, its routes' counters."""

    @extend_schema(
        parameters=[OpenApiParameter("batch", int, required=False)], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("batch", "")
        batch = batch_get(int(raw)) if raw.isdigit() else None
        now = timezone.now()
        return Response(
            {
                "devices": [_device_json(s) for s in sel.devices_status(now)],
                "batch": batch_json(batch) if batch else None,
                "trips": [
                    {
                        "device": t.device.code,
                        "started_at": t.started_at.isoformat(),
                        "ended_at": t.ended_at.isoformat(),
                        "minutes": int(t.duration.total_seconds() // 60),
                        "distance_km": str(t.distance_km),
                        "positions": t.positions,
                    }
                    for t in sel.trips(now - dt.timedelta(hours=12))
                ],
                "points": [
                    {"lat": p.latitude, "lon": p.longitude, "label": p.label, "status": p.kind}
                    for p in sel.monitor_points(batch)
                ]
                if batch
                else [],
            }
        )


class OccurrenceIn(serializers.Serializer):
    code = serializers.CharField(max_length=10)
    description = serializers.CharField(max_length=120)
    action = serializers.CharField(max_length=10)
    review = serializers.BooleanField(default=False)
    photo_required = serializers.BooleanField(default=False)


class OccurrencesApi(APIView):
    """The utility's reading occurrences (the list the devices get); POST creates or changes one."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.consumption"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from .models import Occurrence

        return Response({"results": [_occurrence_json(o) for o in Occurrence.objects.order_by("code")]})

    @extend_schema(request=OccurrenceIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = OccurrenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_occurrence_json(svc.occurrence_save(actor=request.user, **data.validated_data)))


def _occurrence_json(o: Any) -> dict[str, Any]:
    return {
        "code": o.code,
        "description": o.description,
        "action": o.action,
        "review": o.review,
        "photo_required": o.photo_required,
    }


class ReadingFieldSettingsIn(serializers.Serializer):
    max_consecutive_cycles = serializers.IntegerField(required=False, help_text="0 a 24; 0: sem rodízio")
    position_retention_days = serializers.IntegerField(required=False, help_text="1 a 730")
    readable_statuses = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, help_text="situações lidas em campo"
    )


class FieldSettingsApi(_BatchesApi):
    """The readers' rotation limit (S12.5-03) and the devices' positions retention (LGPD)."""

    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(operation_id="reading_field_settings", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        row = svc.field_settings()
        return Response({name: getattr(row, name) for name in svc.SETTINGS_FIELDS})

    @extend_schema(
        operation_id="reading_field_settings_update",
        request=ReadingFieldSettingsIn,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request) -> Response:
        data = ReadingFieldSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = svc.field_settings_update(actor=request.user, **data.validated_data)
        return Response({name: getattr(row, name) for name in svc.SETTINGS_FIELDS})

"""The staff API of attendances (function `service.attendances`): list and start, one attendance,
close it (with the protocol by e-mail), the three time indicators; and the protocol types as data.
A queue-ticket or telephony integration starts the attendance here, or calls
`services.attendance.attendance_start` in process."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.errors import NotFound, ValidationFailed

from . import selectors_attendance as reads
from .apis import PAGE_OF_OBJECTS, _page
from .domain.protocols import attendance_times
from .errors import ErrorCode
from .models_desk import Attendance, ProtocolType
from .services import attendance as svc


def attendance_json(a: Attendance) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": a.pk,
        "protocol": a.protocol,
        "channel": a.channel,
        "attendant": a.attendant.username,
        "property": a.property_id,
        "customer": a.customer_id,
        "ticket": a.ticket_id,
        "caller_number": a.caller_number,
        "contact_name": a.contact_name,
        "waiting_since": a.waiting_since.isoformat() if a.waiting_since else None,
        "started_at": a.started_at.isoformat(),
        "ended_at": a.ended_at.isoformat() if a.ended_at else None,
        "hold_seconds": a.hold_seconds,
        "closing": a.closing,
        "emailed_to": a.emailed_to,
    }
    if a.ended_at:
        t = attendance_times(waiting_since=a.waiting_since, started_at=a.started_at, ended_at=a.ended_at)
        body["times"] = {"waiting": t.waiting, "service": t.service, "total": t.total}
    return body


class AttendanceStartIn(serializers.Serializer):
    attendance_channel = serializers.ChoiceField(choices=Attendance.Channel.choices)
    property = serializers.IntegerField(required=False, min_value=1)
    customer = serializers.IntegerField(required=False, min_value=1)
    ticket = serializers.IntegerField(required=False, min_value=1)
    caller_number = serializers.CharField(required=False, max_length=20, allow_blank=True)
    contact_name = serializers.CharField(required=False, max_length=200, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class AttendanceCloseIn(serializers.Serializer):
    closing = serializers.ChoiceField(choices=Attendance.Closing.choices)
    notes = serializers.CharField(required=False, max_length=4000, allow_blank=True)
    send_email = serializers.BooleanField(required=False, default=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    send_sms = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


def _attendance(pk: int) -> Attendance:
    found = reads.attendance_get(pk)
    if found is None:
        raise NotFound("Atendimento não encontrado.", code=ErrorCode.ATTENDANCE_NOT_FOUND)
    return found


def _flt(request: Request) -> reads.AttendanceFilter:
    import datetime as dt

    q = request.query_params

    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(q[name]) if q.get(name) else None
        except ValueError as exc:
            raise ValidationFailed("Data inválida (AAAA-MM-DD).", field=name, code=ErrorCode.INVALID) from exc

    attendant = q.get("attendant", "")
    return reads.AttendanceFilter(
        date_from=day("from"),
        date_to=day("to"),
        attendant_id=int(attendant) if attendant.isdigit() else None,
        channel=q.get("channel", ""),
    )


_FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE),
    OpenApiParameter("to", OpenApiTypes.DATE),
    OpenApiParameter("attendant", int),
    OpenApiParameter("channel", str),
]


class AttendancesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.attendances"

    @extend_schema(
        operation_id="service_attendances_list", parameters=_FILTERS, responses={200: PAGE_OF_OBJECTS}
    )
    def get(self, request: Request) -> Response:
        return _page(request, self, reads.attendance_list(_flt(request)), attendance_json)

    @extend_schema(request=AttendanceStartIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """Start the caller's attendance (409 attendance_open while another is open)."""
        data = AttendanceStartIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = svc.attendance_start(
            request.user,
            v["attendance_channel"],
            property_id=v.get("property"),
            customer_id=v.get("customer"),
            ticket_id=v.get("ticket"),
            caller_number=v.get("caller_number") or None,
            contact_name=v.get("contact_name", ""),
            contact_email=v.get("contact_email", ""),
        )
        return Response(attendance_json(_attendance(item.pk)), status=status.HTTP_201_CREATED)


class AttendanceDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.attendances"

    @extend_schema(operation_id="service_attendance_detail", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        item = _attendance(pk)
        body = attendance_json(item)
        body["subjects"] = [
            {"type": s.type.code, "label": s.type.label, "note": s.note} for s in item.subjects.all()
        ]
        body["protocols"] = [p.protocol for p in reads.attendance_protocols(item)]
        return Response(body)


class AttendanceCloseApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.attendances"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=AttendanceCloseIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = AttendanceCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = svc.attendance_close(
            actor=request.user,
            attendance=_attendance(pk),
            closing=v["closing"],
            notes=v.get("notes", ""),
            send_email=v.get("send_email", False),
            email=v.get("email", ""),
            send_sms=v.get("send_sms", False),
            phone=v.get("phone", ""),
        )
        return Response(attendance_json(_attendance(item.pk)))


class AttendanceIndicatorsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.attendances"

    @extend_schema(parameters=_FILTERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        """S10.1-07: average waiting, service and total seconds of closed attendances."""
        rows, total = reads.attendance_indicators(_flt(request))

        def row(r: reads.IndicatorRow) -> dict[str, Any]:
            return {
                "attendant": r.attendant,
                "channel": r.channel,
                "count": r.count,
                "waiting": r.waiting,
                "service": r.service,
                "total": r.total,
            }

        return Response({"rows": [row(r) for r in rows], "all": row(total)})


class ProtocolTypeIn(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    kind = serializers.ChoiceField(choices=["service", "ombudsman", "agency_problem"])
    label = serializers.CharField(max_length=120)
    deadline_days = serializers.IntegerField(min_value=0, max_value=365)
    queue = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )
    is_active = serializers.BooleanField(required=False, default=True)
    service_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="A OS que o pedido da agência abre, suspensa até a validação (ADR 0223)",
    )
    specifications = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        default=list,
        help_text='VA-23: [{"code": "rua", "label": "Na rua", "deadline_days": 1}]',
    )


class ProtocolTypesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "portal.requests"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="service_protocol_type_set",
        request=ProtocolTypeIn,
        responses={200: {"type": "object"}},
    )
    def post(self, request: Request) -> Response:
        from .services import desk_config

        data = ProtocolTypeIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = desk_config.protocol_type_set(actor=request.user, **data.validated_data)
        return Response(_type_json(row))

    @extend_schema(
        operation_id="service_protocol_types_list",
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    def get(self, request: Request) -> Response:
        return Response([_type_json(t) for t in ProtocolType.objects.all()])


def _type_json(t: ProtocolType) -> dict[str, Any]:
    return {
        "code": t.code,
        "kind": t.kind,
        "label": t.label,
        "deadline_days": t.deadline_days,
        "queue": t.queue,
        "checklist": t.checklist,
        "is_active": t.is_active,
        "service_code": t.service_code,
        "specifications": t.specifications,
    }

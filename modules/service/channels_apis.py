"""APIs of the attendance channels (ADR 0182): tickets for staff under /api/v1/service/, the
telephony's signed endpoints (events and IVR) and the staff CTI endpoints under /api/v1/cti/."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from django.db import IntegrityError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today, tenant_zone
from modules.common.errors import ValidationFailed

from .channels_selectors import monitor_json, queue_monitor, ticket_json
from .errors import ErrorCode
from .models import AttendanceUnit, Call, Campaign, SupplyOutage, Ticket
from .services import campaigns, cti, tickets

# --- tickets ---------------------------------------------------------------------------------------


class AttendanceUnitIn(serializers.Serializer):
    code = serializers.SlugField(max_length=30)
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    priority_streak = serializers.IntegerField(min_value=0, max_value=20, required=False, default=2)


class TicketQueueIn(serializers.Serializer):
    prefix = serializers.CharField(max_length=3)
    name = serializers.CharField(max_length=80)
    priority = serializers.IntegerField(min_value=0, max_value=2, required=False, default=0)
    position = serializers.IntegerField(min_value=0, required=False, default=0)
    is_active = serializers.BooleanField(required=False, default=True)


def unit_json(unit: AttendanceUnit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "address": unit.address,
        "priority_streak": unit.priority_streak,
        "is_active": unit.is_active,
        "queues": [
            {"id": q.pk, "prefix": q.prefix, "name": q.name, "priority": q.priority, "is_active": q.is_active}
            for q in unit.queues.all()
        ],
    }


class TicketApiBase(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.tickets"


class TicketUnitsApi(TicketApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="service_ticket_units_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        units = AttendanceUnit.objects.prefetch_related("queues").order_by("name")
        return Response({"results": [unit_json(u) for u in units]})

    @extend_schema(request=AttendanceUnitIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = AttendanceUnitIn(data=request.data)
        data.is_valid(raise_exception=True)
        unit = tickets.unit_create(actor=request.user, **data.validated_data)
        return Response(unit_json(unit), status=status.HTTP_201_CREATED)


class TicketUnitQueuesApi(TicketApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=TicketQueueIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        tickets.unit_get(pk)  # another utility's unit is not found, whatever the body says
        data = TicketQueueIn(data=request.data)
        data.is_valid(raise_exception=True)
        tickets.queue_set(actor=request.user, unit_id=pk, **data.validated_data)
        return Response(unit_json(tickets.unit_get(pk)), status=status.HTTP_201_CREATED)


class TicketIssueIn(serializers.Serializer):
    """Either `queue` (its id) or `point` (the unit's code) with `type` (the queue's prefix)."""

    queue = serializers.IntegerField(required=False, allow_null=True, default=None)
    point = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    type = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    priority = serializers.CharField(max_length=12, required=False, allow_blank=True, default="none")
    origin = serializers.ChoiceField(
        choices=[("desk", "Balcão"), ("totem", "Totem")], required=False, default="desk"
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    property = serializers.IntegerField(required=False, allow_null=True, default=None)
    customer = serializers.IntegerField(required=False, allow_null=True, default=None)


class TicketsApi(TicketApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(
        operation_id="service_tickets_list",
        parameters=[
            OpenApiParameter("unit", int, required=True),
            OpenApiParameter("day", OpenApiTypes.DATE),
            OpenApiParameter("status", str),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        """The unit's tickets of a day (today by default), with waiting time (issue → call) and
        service time (call → finish) in seconds."""
        try:
            unit = int(request.query_params.get("unit", ""))
            day = dt.date.fromisoformat(request.query_params.get("day") or tenant_today().isoformat())
        except ValueError:
            raise ValidationFailed(
                "Informe a unidade e o dia (AAAA-MM-DD).", field="unit", code=ErrorCode.INVALID
            ) from None
        rows = Ticket.objects.filter(unit_id=unit, day=day).select_related("queue", "unit").order_by("number")
        if request.query_params.get("status"):
            rows = rows.filter(status=request.query_params["status"])
        return Response({"results": [ticket_json(t) for t in rows[:1000]]})

    @extend_schema(request=TicketIssueIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """A ticket issued at the desk (S10.1-06) or by a totem client: `{"point", "type",
        "priority"}` (priority: none, elderly, elderly_80, pregnant, lactating, disabled, lap_child,
        autism) or `{"queue"}`; the short description goes in `note`. A type the point does not
        serve answers 400 `ticket_type_not_served`."""
        data = TicketIssueIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["queue"] is not None:
            queue_id = v["queue"]
        elif v["point"] and v["type"]:
            queue_id = tickets.queue_at(v["point"], v["type"]).pk
        else:
            raise ValidationFailed(
                "Informe o ponto de atendimento (point) e o tipo de senha (type), ou a fila (queue).",
                field="type",
                code=ErrorCode.INVALID,
            )
        ticket = tickets.ticket_issue(
            actor=request.user,
            queue_id=queue_id,
            origin=v["origin"],
            note=v["note"],
            property_id=v["property"],
            customer_id=v["customer"],
            priority_reason=v["priority"] or "none",
        )
        return Response(ticket_json(_ticket(ticket.pk)), status=status.HTTP_201_CREATED)


def _ticket(pk: int) -> Ticket:
    from modules.common.errors import NotFound

    ticket = Ticket.objects.select_related("queue", "unit").filter(pk=pk).first()
    if ticket is None:
        raise NotFound("Senha não encontrada.", field="ticket", code=ErrorCode.TICKET_NOT_FOUND)
    return ticket


class TicketDetailApi(TicketApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ticket_json(_ticket(pk)))


class TicketCallNextIn(serializers.Serializer):
    """The unit by id (`unit`) or by code (`point`)."""

    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    point = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    desk = serializers.CharField(max_length=20)
    queues = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class TicketCallNextApi(TicketApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=TicketCallNextIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """ "Chamar próxima": the next ticket by the unit's priority rule; 409 `no_ticket_waiting`."""
        data = TicketCallNextIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["unit"] is None and not v["point"]:
            raise ValidationFailed(
                "Informe o ponto de atendimento (point) ou a unidade (unit).",
                field="point",
                code=ErrorCode.INVALID,
            )
        unit_id = v["unit"] if v["unit"] is not None else tickets.unit_get(v["point"]).pk
        ticket = tickets.ticket_call_next(
            actor=request.user, unit_id=unit_id, desk=v["desk"], queue_ids=v["queues"] or None
        )
        return Response(ticket_json(_ticket(ticket.pk)))


class TicketActionApi(TicketApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}
    action = ""

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        if self.action == "recall":
            tickets.ticket_recall(actor=request.user, ticket_id=pk)
        else:
            tickets.ticket_finish(actor=request.user, ticket_id=pk, no_show=self.action == "no-show")
        return Response(ticket_json(_ticket(pk)))


class TicketIdentifyIn(serializers.Serializer):
    property = serializers.IntegerField(allow_null=True)
    customer = serializers.IntegerField(required=False, allow_null=True, default=None)


class TicketIdentifyApi(TicketApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=TicketIdentifyIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        """Who the ticket is for, as the attendant found out (the attendance hook reads it)."""
        _ticket(pk)
        data = TicketIdentifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tickets.ticket_identify(
            actor=request.user, ticket_id=pk, property_id=v["property"], customer_id=v["customer"]
        )
        return Response(ticket_json(_ticket(pk)))


class TicketRecallApi(TicketActionApi):
    action = "recall"


class TicketFinishApi(TicketActionApi):
    action = "finish"


class TicketNoShowApi(TicketActionApi):
    action = "no-show"


# --- telephony (signed) ----------------------------------------------------------------------------


class SignedApi(APIView):
    """Called by the utility's telephony system, not by a person: no session or token, the body's
    HMAC signature instead (services/cti.py, docs/cti-webhook.md)."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    def signed_body(self, request: Request) -> dict[str, Any]:
        raw = request.body
        cti.verify_signature(
            timestamp=request.headers.get("X-Manancial-Timestamp", ""),
            signature_header=request.headers.get("X-Manancial-Signature", ""),
            body=raw,
            now=timezone.now(),
        )
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise ValidationFailed("O corpo deve ser JSON.", field="body", code=ErrorCode.INVALID) from None
        if not isinstance(body, dict):
            raise ValidationFailed("O corpo deve ser um objeto JSON.", field="body", code=ErrorCode.INVALID)
        return body


class CtiEventsApi(SignedApi):
    @extend_schema(
        operation_id="cti_events", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        """One call event: call_started, ringing, answered, hung_up or abandoned. A repeated
        `event_id` answers 200 with `duplicate: true` and changes nothing."""
        body = self.signed_body(request)
        try:
            outcome = cti.call_event_record(payload=body)
        except IntegrityError:  # the same event delivered twice at once: the other one recorded it
            return Response({"duplicate": True, "call_id": str(body.get("call_id"))})
        call = outcome.call
        return Response(
            {
                "duplicate": outcome.duplicate,
                "call_id": call.call_id,
                "identified": call.property_id is not None,
                "property": call.property_id,
                "customer": call.customer_id,
            },
            status=status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED,
        )


def _ivr(answer: cti.IvrAnswer) -> Response:
    return Response(
        {"prompts": list(answer.prompts), "text": answer.text, "transfer": answer.transfer, **answer.data}
    )


class IvrOutageApi(SignedApi):
    @extend_schema(
        operation_id="cti_ivr_outage", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = self.signed_body(request)
        return _ivr(
            cti.ivr_outage(
                caller=str(body.get("caller") or ""),
                account_number=str(body.get("account_number") or ""),
                now=timezone.now(),
            )
        )


class IvrProtocolApi(SignedApi):
    @extend_schema(
        operation_id="cti_ivr_protocol", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = self.signed_body(request)
        return _ivr(cti.ivr_protocol(protocol=str(body.get("protocol") or "")))


class IvrDebtsApi(SignedApi):
    @extend_schema(
        operation_id="cti_ivr_debts", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = self.signed_body(request)
        return _ivr(
            cti.ivr_debts(
                caller=str(body.get("caller") or ""),
                account_number=str(body.get("account_number") or ""),
                today=tenant_today(),
            )
        )


class IvrSecondCopyApi(SignedApi):
    @extend_schema(
        operation_id="cti_ivr_second_copy", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = self.signed_body(request)
        return _ivr(
            cti.ivr_second_copy(
                caller=str(body.get("caller") or ""),
                account_number=str(body.get("account_number") or ""),
                now=timezone.now(),
            )
        )


class IvrServicePointsApi(SignedApi):
    @extend_schema(
        operation_id="cti_ivr_service_points",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        self.signed_body(request)
        return _ivr(cti.ivr_service_points())


class IvrInstructionsApi(SignedApi):
    @extend_schema(
        operation_id="cti_ivr_instructions", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = self.signed_body(request)
        return _ivr(
            cti.ivr_instructions(
                topic=str(body.get("topic") or ""),
                caller=str(body.get("caller") or ""),
                account_number=str(body.get("account_number") or ""),
            )
        )


# --- CTI for staff ---------------------------------------------------------------------------------


class CtiApiBase(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.cti"


def matches_json(caller: str) -> dict[str, Any]:
    from modules.registry.models import Property

    matches = cti.caller_matches(caller)
    ids = {pk for m in matches for pk in m.property_ids}
    props = {p.pk: p for p in Property.objects.filter(pk__in=ids).select_related("street", "neighbourhood")}
    return {
        "caller": "+55" + cti.caller_national(caller),
        "matches": [
            {
                "customer": m.customer_id,
                "name": m.customer_name,
                "phone_field": m.phone_field,
                "properties": [
                    {
                        "id": pk,
                        "account_number": props[pk].account_number,
                        "address": f"{props[pk].street}, {props[pk].number}",
                        "neighbourhood": str(props[pk].neighbourhood),
                        "desk_url": f"/servicos/atendimento/imovel/{pk}/",
                    }
                    for pk in m.property_ids
                ],
            }
            for m in matches
        ],
    }


class ScreenPopApi(CtiApiBase):
    @extend_schema(
        operation_id="cti_screen_pop",
        parameters=[OpenApiParameter("caller", str, required=True, description="+55DDDNÚMERO")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        """The customers and properties of a caller's number; `open` is the desk page to open when
        the number names one property."""
        body = matches_json(request.query_params.get("caller", ""))
        props = [p for m in body["matches"] for p in m["properties"]]
        body["open"] = props[0]["desk_url"] if len(props) == 1 else None
        return Response(body)


def call_json(call: Call | None) -> dict[str, Any] | None:
    if call is None:
        return None
    return {
        "call_id": call.call_id,
        "caller": call.caller,
        "queue": call.queue,
        "agent": call.agent,
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        "property": call.property_id,
        "customer": call.customer_id,
    }


class CurrentCallApi(CtiApiBase):
    @extend_schema(operation_id="cti_current_call", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        """The call the signed-in agent answered and is on (the telephony's `agent` is the login)."""
        return Response({"call": call_json(cti.agent_current_call(request.user.get_username()))})


def _period(request: Request) -> tuple[dt.datetime, dt.datetime]:
    zone = tenant_zone()
    try:
        start = dt.date.fromisoformat(request.query_params.get("start") or tenant_today().isoformat())
        end = dt.date.fromisoformat(request.query_params.get("end") or start.isoformat())
    except ValueError:
        raise ValidationFailed(
            "Datas no formato AAAA-MM-DD.", field="start", code=ErrorCode.INVALID
        ) from None
    if end < start:
        raise ValidationFailed("O fim não pode ser antes do início.", field="end", code=ErrorCode.INVALID)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )


class QueueMonitorApi(CtiApiBase):
    @extend_schema(
        operation_id="cti_monitor",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("queue", str),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        start, end = _period(request)
        stats = queue_monitor(start, end, request.query_params.get("queue", ""))
        return Response({"start": start.isoformat(), "end": end.isoformat(), **monitor_json(stats)})


class SupplyOutageIn(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    expected_end_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    neighbourhoods = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    streets = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    sectors = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


def outage_json(o: SupplyOutage) -> dict[str, Any]:
    return {
        "id": o.pk,
        "description": o.description,
        "starts_at": o.starts_at.isoformat(),
        "expected_end_at": o.expected_end_at.isoformat() if o.expected_end_at else None,
        "ends_at": o.ends_at.isoformat() if o.ends_at else None,
        "neighbourhoods": sorted(n.pk for n in o.neighbourhoods.all()),
        "streets": sorted(s.pk for s in o.streets.all()),
        "sectors": sorted(s.pk for s in o.sectors.all()),
    }


class OutagesApi(CtiApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="cti_supply_outages_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = SupplyOutage.objects.prefetch_related("neighbourhoods", "streets", "sectors")[:200]
        return Response({"results": [outage_json(o) for o in rows]})

    @extend_schema(request=SupplyOutageIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = SupplyOutageIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        outage = cti.outage_create(
            actor=request.user,
            description=v["description"],
            starts_at=v["starts_at"],
            expected_end_at=v["expected_end_at"],
            neighbourhood_ids=v["neighbourhoods"],
            street_ids=v["streets"],
            sector_ids=v["sectors"],
        )
        return Response(outage_json(outage), status=status.HTTP_201_CREATED)


class SupplyOutageEndIn(serializers.Serializer):
    ends_at = serializers.DateTimeField()


class OutageEndApi(CtiApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=SupplyOutageEndIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = SupplyOutageEndIn(data=request.data)
        data.is_valid(raise_exception=True)
        outage = cti.outage_end(actor=request.user, outage_id=pk, ends_at=data.validated_data["ends_at"])
        return Response(outage_json(outage))


class CallCampaignIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Campaign.Kind.choices)
    message = serializers.CharField(max_length=500)
    filters = serializers.DictField(required=False, default=dict)


def campaign_json(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "message": c.message,
        "filters": c.filters,
        "campaign_status": c.status,
        "created_at": c.created_at.isoformat(),
        "summary": campaigns.campaign_summary(c),
    }


class CampaignsApi(CtiApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="cti_campaigns_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"results": [campaign_json(c) for c in Campaign.objects.all()[:100]]})

    @extend_schema(request=CallCampaignIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """The campaign and its call list from the filters (neighbourhoods, streets, sectors,
        overdue_days, orders_executed_since)."""
        data = CallCampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = campaigns.campaign_create(actor=request.user, today=tenant_today(), **data.validated_data)
        return Response(campaign_json(campaign), status=status.HTTP_201_CREATED)


class CampaignDetailApi(CtiApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        campaign = campaigns.campaign_get(pk)
        body = campaign_json(campaign)
        body["targets"] = [
            {
                "property": t.property_id,
                "customer": t.customer_id,
                "phone": t.phone,
                "outcome": t.outcome,
                "attempts": t.attempts,
                "answer": t.answer,
            }
            for t in campaign.targets.all()[:2000]
        ]
        return Response(body)


class CampaignStartApi(CtiApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        campaigns.campaign_start(actor=request.user, campaign_id=pk)
        return Response(campaign_json(campaigns.campaign_get(pk)))


class CampaignRefreshApi(CtiApiBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        campaigns.campaign_get(pk)
        campaigns.campaign_refresh(campaign_id=pk)
        return Response(campaign_json(campaigns.campaign_get(pk)))

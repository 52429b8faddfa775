"""Staff API of the consumption review (seed 001 3.2.6): open a case (or from a reading of the
review queue), read it with its timeline, move its phase, schedule the visit, change the bill inside
the case, close it with the laudo, the printed form and laudo as PDF, the visits agenda and the
utility's review settings. Errors carry the service's codes; money is a string."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.billing.services.rebill import BillChanges
from modules.common.api import YearMonthField
from modules.common.clock import tenant_zone

from . import review_pdf
from . import review_selectors as sel
from .domain import reviews as rules
from .models_review import ConsumptionReview
from .services import reviews as svc

FUNCTION = "service.reviews"
SOURCES = [(k, v) for k, v in rules.OTHER_SOURCES.items()]


class ConsumptionReviewIn(serializers.Serializer):
    property = serializers.IntegerField(min_value=1, help_text="id do imóvel")
    reference = YearMonthField(help_text="mês/ano da conta revisada, AAAA-MM")
    requester_name = serializers.CharField(max_length=200)
    requester_phone = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
    requester_email = serializers.EmailField(required=False, allow_blank=True, default="")
    requested_on = serializers.DateField(required=False)
    residents = serializers.IntegerField(min_value=0, max_value=999)
    has_pool = serializers.BooleanField()
    pool_liters = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    has_washing_machine = serializers.BooleanField()
    has_water_tank = serializers.BooleanField()
    tank_liters = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    other_source = serializers.ChoiceField(choices=SOURCES, allow_blank=True)
    description = serializers.CharField(max_length=4000)
    origin = serializers.ChoiceField(
        choices=[("customer", "Pedido do cliente"), ("internal", "Iniciativa interna")], default="customer"
    )
    channel = serializers.ChoiceField(
        choices=[("counter", "Balcão"), ("phone", "Telefone / 0800"), ("email", "E-mail")], default="counter"
    )

    def form(self) -> svc.ReviewForm:
        d = self.validated_data
        return svc.ReviewForm(
            property_id=d["property"],
            reference=d["reference"],
            requester_name=d["requester_name"],
            requester_phone=d["requester_phone"],
            requester_email=d["requester_email"],
            requested_on=d.get("requested_on"),
            residents=d["residents"],
            has_pool=d["has_pool"],
            pool_liters=d.get("pool_liters"),
            has_washing_machine=d["has_washing_machine"],
            has_water_tank=d["has_water_tank"],
            tank_liters=d.get("tank_liters"),
            other_source=d["other_source"],
            description=d["description"],
            origin=d["origin"],
            channel=d["channel"],
        )


def review_json(review: ConsumptionReview, *, events: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": review.pk,
        "control": review.control,
        "protocol": review.protocol.protocol,
        "origin": review.origin,
        "property": review.property_id,
        "account_number": review.property.account_number,
        "customer": review.customer_id,
        "reference": f"{review.reference:%Y-%m}",
        "bill": review.bill_id,
        "bill_total": str(review.bill.total) if review.bill else None,
        "reading": review.reading_id,
        "address": review.address,
        "requested_on": review.requested_on.isoformat(),
        "requester_name": review.requester_name,
        "requester_email": review.requester_email,
        "residents": review.residents,
        "has_pool": review.has_pool,
        "pool_liters": review.pool_liters,
        "has_washing_machine": review.has_washing_machine,
        "has_water_tank": review.has_water_tank,
        "tank_liters": review.tank_liters,
        "other_source": review.other_source,
        "description": review.description,
        "phase": review.phase,
        "phase_label": svc.phase_label(review.phase),
        "phase_due_on": review.phase_due_on.isoformat(),
        "visit_order": review.visit_order.label if review.visit_order else None,
        "visit_at": review.visit_at.astimezone(tenant_zone()).isoformat() if review.visit_at else None,
        "visit_technician": review.visit_technician.get_username() if review.visit_technician else None,
        "visit_report": review.visit_report,
        "outcome": review.outcome,
        "conclusion": review.conclusion,
        "new_bill": review.new_bill_id,
        "new_bill_total": str(review.new_bill.total) if review.new_bill else None,
        "emailed_to": review.emailed_to,
    }
    if events:
        body["events"] = [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "from_phase": e.from_phase,
                "to_phase": e.to_phase,
                "note": e.note,
            }
            for e in review.events.all()
        ]
    return body


class ReviewListApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(
        operation_id="service_reviews_list",
        parameters=[OpenApiParameter("phase", str, description="código da fase; closed: encerradas")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        rows = sel.reviews(phase=request.query_params.get("phase", ""))[:200]
        return Response({"count": len(rows), "results": [review_json(r) for r in rows]})

    @extend_schema(
        operation_id="service_reviews_open", request=ConsumptionReviewIn, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        data = ConsumptionReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = svc.review_open(actor=request.user, form=data.form())
        return Response(review_json(sel.review(review.pk), events=True), status=status.HTTP_201_CREATED)


class ReviewFromReadingIn(serializers.Serializer):
    reading = serializers.IntegerField(min_value=1)


class ReviewFromReadingApi(APIView):
    """One click on the review queue: a high or low reading opens its case (origin "reading")."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(
        operation_id="service_reviews_from_reading",
        request=ReviewFromReadingIn,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = ReviewFromReadingIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = svc.review_from_reading(actor=request.user, reading_id=data.validated_data["reading"])
        return Response(review_json(sel.review(review.pk), events=True), status=status.HTTP_201_CREATED)


class ReviewApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(operation_id="service_review_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(review_json(sel.review(pk), events=True))


class ReviewAdvanceIn(serializers.Serializer):
    phase = serializers.CharField(max_length=20)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReviewAdvanceApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="service_review_advance", request=ReviewAdvanceIn, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, pk: int) -> Response:
        sel.review(pk)
        data = ReviewAdvanceIn(data=request.data)
        data.is_valid(raise_exception=True)
        svc.review_advance(actor=request.user, review_id=pk, **data.validated_data)
        return Response(review_json(sel.review(pk), events=True))


class ReviewVisitIn(serializers.Serializer):
    at = serializers.DateTimeField(help_text="data e hora da vistoria, com fuso")
    technician = serializers.IntegerField(min_value=1, help_text="id do usuário técnico")
    team = serializers.IntegerField(min_value=1, required=False, help_text="equipe do aplicativo de campo")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReviewVisitApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="service_review_visit", request=ReviewVisitIn, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, pk: int) -> Response:
        sel.review(pk)
        data = ReviewVisitIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        done = svc.review_visit_schedule(
            actor=request.user,
            review_id=pk,
            at=d["at"],
            technician_id=d["technician"],
            team_id=d.get("team"),
            note=d["note"],
        )
        return Response({**review_json(sel.review(pk)), "warning": done.warning, "order_id": done.order.pk})


class ReviewRebillIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    consumption_m3 = serializers.IntegerField(required=False, min_value=0)
    reading = serializers.IntegerField(required=False, min_value=0)
    leak_percent = serializers.IntegerField(required=False, min_value=1, max_value=100)
    leak_by_average = serializers.BooleanField(required=False, default=False)

    def changes(self) -> BillChanges:
        d = self.validated_data
        return BillChanges(
            consumption_m3=d.get("consumption_m3"),
            reading=d.get("reading"),
            leak_percent=d.get("leak_percent"),
            leak_by_average=d["leak_by_average"],
        )


class ReviewRebillApi(APIView):
    """The bill changed inside the case (3.2.6.8): also needs billing's right to change bills."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="service_review_rebill", request=ReviewRebillIn, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, pk: int) -> Response:
        sel.review(pk)
        data = ReviewRebillIn(data=request.data)
        data.is_valid(raise_exception=True)
        out = svc.review_rebill(
            actor=request.user, review_id=pk, changes=data.changes(), reason=data.validated_data["reason"]
        )
        change = {"kind": out.kind, "before": out.before.as_json(), "after": out.after.as_json()}
        return Response({**review_json(sel.review(pk)), "change": change}, status=status.HTTP_201_CREATED)


class ReviewCloseIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(k, v) for k, v in rules.OUTCOME_LABELS.items()])
    conclusion = serializers.CharField(max_length=8000)


class ReviewCloseApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="service_review_close", request=ReviewCloseIn, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, pk: int) -> Response:
        sel.review(pk)
        data = ReviewCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        svc.review_close(actor=request.user, review_id=pk, **data.validated_data)
        return Response(review_json(sel.review(pk), events=True))


class ReviewPdfApi(APIView):
    """The printed form (3.2.6.4) or, with `?laudo=1`, the final report (3.2.6.9)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="service_review_pdf",
        parameters=[OpenApiParameter("laudo", bool)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        review = sel.review(pk)
        laudo = request.query_params.get("laudo") in ("1", "true")
        content = review_pdf.review_report_pdf(review) if laudo else review_pdf.review_form_pdf(review)
        name = f"{'laudo' if laudo else 'revisao'}-{review.year}-{review.number:04d}.pdf"
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class ReviewAgendaApi(APIView):
    """3.2.6.6: the technical visits from `start` for `days` days, by technician."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="service_review_agenda",
        parameters=[OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("days", int)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        start, days = sel.agenda_window(request.query_params.get("start"), request.query_params.get("days"))
        visits = sel.agenda(start, days)
        return Response(
            {
                "start": start.isoformat(),
                "days": days,
                "results": [
                    {
                        "review": v.review_id,
                        "control": v.control,
                        "at": v.at.isoformat(),
                        "ends_at": v.ends_at.isoformat(),
                        "technician": v.technician,
                        "account_number": v.account_number,
                        "address": v.address,
                        "order": v.order,
                        "clash": v.clash,
                    }
                    for v in visits
                ],
            }
        )


class ReviewPhaseIn(serializers.Serializer):
    code = serializers.SlugField(max_length=20)
    label = serializers.CharField(max_length=80)
    days = serializers.IntegerField(min_value=0, max_value=365)


class ReviewSettingsIn(serializers.Serializer):
    phases = ReviewPhaseIn(many=True)
    visit_code = serializers.CharField(max_length=20)
    visit_minutes = serializers.IntegerField(min_value=10, max_value=600)


class ReviewSettingsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @staticmethod
    def _body() -> dict[str, Any]:
        row = svc.review_settings()
        return {
            "phases": [{"code": p.code, "label": p.label, "days": p.days} for p in svc.review_phases()],
            "visit_code": row.visit_code,
            "visit_minutes": row.visit_minutes,
        }

    @extend_schema(operation_id="settings_consumption_review_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(self._body())

    @extend_schema(
        operation_id="settings_consumption_review_put",
        request=ReviewSettingsIn,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request) -> Response:
        data = ReviewSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        svc.review_settings_update(actor=request.user, **data.validated_data)
        return Response(self._body())

"""Citizen API: the consumption review (seed 001 3.2.6.1, ADR 0229) asked for on one of the unit's
bills, and the unit's cases with their phases as the customer reads them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.errors import DomainError
from modules.service.domain.reviews import OTHER_SOURCES
from modules.service.models import ServiceRequest
from modules.service.models_review import ConsumptionReview
from modules.service.review_selectors import citizen_steps
from modules.service.services.reviews import phase_label

from ..access import access_property_by_id
from ..services_review import CitizenReviewForm, citizen_review_request, citizen_reviews
from .base import CitizenView


class CitizenReviewInput(serializers.Serializer):
    bill = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="id da conta a revisar (GET properties/{id}/bills)"
    )
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField(help_text="Para onde vai o laudo")
    residents = serializers.IntegerField(min_value=0, max_value=999)
    has_pool = serializers.BooleanField()
    pool_liters = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    has_washing_machine = serializers.BooleanField()
    has_water_tank = serializers.BooleanField()
    tank_liters = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    other_source = serializers.ChoiceField(
        choices=list(OTHER_SOURCES.items()), allow_blank=True, required=False, default=""
    )
    description = serializers.CharField(max_length=4000)


class CitizenReviewStepOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()


class CitizenReviewOutput(serializers.Serializer):
    control = serializers.CharField(help_text="Número da revisão, Ano/Número")
    protocol = serializers.CharField()
    reference = serializers.CharField(help_text="Mês da conta revisada, AAAA-MM")
    phase = serializers.CharField()
    phase_label = serializers.CharField()
    phase_due_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(help_text="procedente/improcedente ao encerrar (vazio antes)")
    conclusion = serializers.CharField()
    steps = CitizenReviewStepOutput(many=True)


def _out(review: ConsumptionReview) -> dict[str, Any]:
    closed = review.is_closed
    return {
        "control": review.control,
        "protocol": review.protocol.protocol,
        "reference": f"{review.reference:%Y-%m}",
        "phase": review.phase,
        "phase_label": phase_label(review.phase),
        "phase_due_on": None if closed else review.phase_due_on,
        "outcome": review.outcome,
        "conclusion": review.conclusion if closed else "",
        "steps": citizen_steps(review),
    }


class CitizenReviewListApi(CitizenView):
    @extend_schema(operation_id="citizen_review_list", responses=CitizenReviewOutput(many=True))
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(CitizenReviewOutput([_out(r) for r in citizen_reviews(prop)], many=True).data)

    @extend_schema(
        operation_id="citizen_review_create", request=CitizenReviewInput, responses={201: CitizenReviewOutput}
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)  # another's or missing: 404 before the body
        data = CitizenReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            review = citizen_review_request(
                grant=self.grant,
                prop=prop,
                form=CitizenReviewForm(
                    bill_id=v["bill"],
                    name=v["name"],
                    phone=v["phone"],
                    email=v["email"],
                    residents=v["residents"],
                    description=v["description"],
                    has_pool=v["has_pool"],
                    pool_liters=v.get("pool_liters"),
                    has_washing_machine=v["has_washing_machine"],
                    has_water_tank=v["has_water_tank"],
                    tank_liters=v.get("tank_liters"),
                    other_source=v.get("other_source") or "",
                ),
                channel=ServiceRequest.Channel.API,
            )
        except DomainError as exc:
            if exc.field == "reference":  # the month is the bill's
                exc.field = "bill"
            raise
        return Response(CitizenReviewOutput(_out(review)).data, status=status.HTTP_201_CREATED)

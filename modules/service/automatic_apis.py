"""Staff API of abertura automática: the rules (event → service code) and the orders they opened."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction

from .models import AutomaticEvent, AutomaticRule
from .services import automatic


class RuleIn(serializers.Serializer):
    event = serializers.ChoiceField(choices=AutomaticEvent.choices)
    occurrence = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    code = serializers.CharField(max_length=20)


def rule_json(rule: AutomaticRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "event": rule.event,
        "event_label": AutomaticEvent(rule.event).label,
        "occurrence": rule.occurrence,
        "code": rule.code.code,
        "code_description": rule.code.description,
    }


class AutomaticRulesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="service_automatic_rules_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = AutomaticRule.objects.select_related("code").order_by("event", "occurrence")
        return Response({"results": [rule_json(r) for r in rows]})

    @extend_schema(request=RuleIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = RuleIn(data=request.data)
        data.is_valid(raise_exception=True)
        rule = automatic.rule_set(actor=request.user, **data.validated_data)
        return Response(rule_json(rule), status=status.HTTP_201_CREATED)


class AutomaticRuleDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"
    function_actions: ClassVar[dict[str, str]] = {"DELETE": "change"}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        automatic.rule_delete(actor=request.user, rule_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""R-05 (ADR 0225): the matrícula's check-digit rule as the utility's setting, for tools."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction

from .models_numbering import NumberingSettings
from .services.numbering import numbering_update


class NumberingSerializer(serializers.Serializer):
    account_rule = serializers.ChoiceField(choices=NumberingSettings.Rule.choices)
    account_separator = serializers.ChoiceField(choices=NumberingSettings.Separator.choices)
    inscription_widths = serializers.ChoiceField(
        choices=NumberingSettings.InscriptionWidths.choices,
        required=False,
        help_text="R-07: larguras de localidade.setor.quadra.lote.sublote (omitido: mantém)",
    )


class NumberingApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.reference"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(operation_id="registry_numbering_get", responses=NumberingSerializer)
    def get(self, request: Request) -> Response:
        row = NumberingSettings.current()
        return Response(NumberingSerializer(row).data)

    @extend_schema(
        operation_id="registry_numbering_set", request=NumberingSerializer, responses=NumberingSerializer
    )
    def put(self, request: Request) -> Response:
        data = NumberingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = numbering_update(actor=request.user, **data.validated_data)
        return Response(NumberingSerializer(row).data)

"""Staff API of the configuration document: export it, import one (or only see its differences)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction

from . import selectors, services


class ChangeOut(serializers.Serializer):
    section = serializers.CharField()
    path = serializers.CharField(help_text="caminho no documento, como agency.units")
    kind = serializers.ChoiceField(choices=["add", "change", "remove"])
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ImportOut(serializers.Serializer):
    applied = serializers.BooleanField(help_text="falso numa simulação (dry_run=1): nada foi gravado")
    changes = ChangeOut(many=True)
    sections = serializers.DictField(
        child=serializers.IntegerField(), help_text="diferenças por seção do documento"
    )


def import_json(result: services.ImportResult) -> dict[str, Any]:
    return {
        "applied": result.applied,
        "changes": [
            {"section": c.section, "path": c.path, "kind": c.kind, "before": c.before, "after": c.after}
            for c in result.changes
        ],
        "sections": result.counts,
    }


class SettingsExportApi(APIView):
    """Every setting of the utility as one versioned JSON document (no customers, no secrets)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "configuration.document"

    @extend_schema(operation_id="settings_export", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(selectors.document_export())


class SettingsImportApi(APIView):
    """A document exported here or by another utility: `dry_run=1` answers the differences and
    writes nothing; without it every section is applied in one transaction, or none."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "configuration.document"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="settings_import",
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("dry_run", bool, description="1: só as diferenças, nada gravado")],
        responses={200: ImportOut},
    )
    def post(self, request: Request) -> Response:
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "sim")
        result = services.settings_import(
            actor=request.user, document=request.data, dry_run=dry_run, origin="API"
        )
        return Response(import_json(result))

"""S10.5-03: a property's timeline – the page `/servicos/atendimento/imovel/<id>/linha-do-tempo/`
(a GET form of type checkboxes) and `GET /api/v1/properties/{id}/timeline?type=a,b`; each type only for
the profiles that grant its function (timeline.TYPES)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.access.views import function_required
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Property

from .errors import ErrorCode
from .timeline import TYPE_LABELS, parse_types, property_timeline, visible_types


@function_required("registry.properties")
def desk_timeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = Property.objects.filter(pk=pk).first()
    if prop is None:
        raise Http404
    shown = visible_types(request.user.can)
    error = ""
    try:
        asked = parse_types(request.GET.getlist("type") or None)
    except ValidationFailed as exc:
        error, asked = exc.message, None
    events = [] if error else property_timeline(pk, types=asked, can=request.user.can)
    return render(
        request,
        "service/desk/timeline.html",
        {
            "p": prop,
            "events": events,
            "error": error,
            "choices": [(t, TYPE_LABELS[t], asked is None or t in asked) for t in shown],
        },
        status=400 if error else 200,
    )


class PropertyTimelineApi(APIView):
    """The property's status-changing records, newest first; `type=a,b` filters (S10.5-03)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(
        parameters=[OpenApiParameter("type", str, description="tipos separados por vírgula")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        asked = parse_types(request.query_params.getlist("type") or None)
        try:
            events = property_timeline(pk, types=asked, can=request.user.can)
        except Property.DoesNotExist:
            raise NotFound(
                "Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND
            ) from None
        return Response(
            {
                "property": pk,
                "types": visible_types(request.user.can),
                "events": [
                    {
                        "at": e.at.isoformat(),
                        "type": e.type,
                        "label": e.label,
                        "summary": e.summary,
                        "link": e.link,
                    }
                    for e in events
                ],
            }
        )

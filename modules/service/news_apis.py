"""Staff APIs of the news and notices (3.2.15.13) and the ticket waiting-time statistics per type
and point (issue 23)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import NotFound, ValidationFailed

from .channels_selectors import ticket_stats, ticket_stats_json
from .errors import ErrorCode
from .models import AttendanceUnit, News
from .news_selectors import news_json
from .services import news as news_services


class NewsIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=News.Kind.choices, required=False, default=News.Kind.NEWS)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=2000)
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    neighbourhoods = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    routes = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    on_agency = serializers.BooleanField(required=False, default=True)
    on_totem = serializers.BooleanField(required=False, default=True)


class NewsPatchIn(NewsIn):
    title = serializers.CharField(max_length=120, required=False)
    body = serializers.CharField(max_length=2000, required=False)
    is_active = serializers.BooleanField(required=False)


def _news(pk: int) -> News:
    news = News.objects.prefetch_related("neighbourhoods", "routes").filter(pk=pk).first()
    if news is None:
        raise NotFound("Notícia ou aviso não encontrado.", field="news", code=ErrorCode.NEWS_NOT_FOUND)
    return news


class NewsBase(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.news"


class NewsListApi(NewsBase):
    @extend_schema(operation_id="service_news_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        """Every news item and notice, published or not, newest first."""
        rows = News.objects.prefetch_related("neighbourhoods", "routes").order_by("-starts_at", "-id")[:500]
        return Response({"results": [news_json(n, staff=True) for n in rows]})

    @extend_schema(request=NewsIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """Publishes: `neighbourhoods` and `routes` empty = every consumer; `ends_at` blank = no end."""
        data = NewsIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        news = news_services.news_create(
            actor=request.user,
            kind=v["kind"],
            title=v["title"],
            body=v["body"],
            starts_at=v["starts_at"],
            ends_at=v["ends_at"],
            neighbourhood_ids=v["neighbourhoods"],
            route_ids=v["routes"],
            on_agency=v["on_agency"],
            on_totem=v["on_totem"],
        )
        return Response(news_json(_news(news.pk), staff=True), status=status.HTTP_201_CREATED)


class NewsDetailApi(NewsBase):
    function_actions: ClassVar[dict[str, str]] = {"PATCH": "change"}

    @extend_schema(operation_id="service_news_detail", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(news_json(_news(pk), staff=True))

    @extend_schema(request=NewsPatchIn, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request, pk: int) -> Response:
        _news(pk)
        data = NewsPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        # partial: the audience changes only when the body names it
        hoods = v.pop("neighbourhoods", None)
        routes = v.pop("routes", None)
        hoods = hoods if "neighbourhoods" in request.data else None
        routes = routes if "routes" in request.data else None
        news_services.news_update(
            actor=request.user, news_id=pk, neighbourhood_ids=hoods, route_ids=routes, **v
        )
        return Response(news_json(_news(pk), staff=True))


class NewsWithdrawApi(NewsBase):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="service_news_withdraw", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        _news(pk)
        news_services.news_withdraw(actor=request.user, news_id=pk)
        return Response(news_json(_news(pk), staff=True))


def stats_period(params: Any) -> tuple[dt.date, dt.date]:
    """`from`/`to` (AAAA-MM-DD, inclusive); today when absent; at most 366 days."""
    today = tenant_today()
    try:
        start = dt.date.fromisoformat(params.get("from") or today.isoformat())
        end = dt.date.fromisoformat(params.get("to") or start.isoformat())
    except ValueError:
        raise ValidationFailed(
            "Datas inválidas: use AAAA-MM-DD em “from” e “to”.", field="from", code=ErrorCode.INVALID
        ) from None
    if end < start:
        raise ValidationFailed("A data final é anterior à inicial.", field="to", code=ErrorCode.INVALID)
    if (end - start).days > 366:
        raise ValidationFailed("Escolha um período de até 366 dias.", field="to", code=ErrorCode.INVALID)
    return start, end


class TicketStatsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.tickets"

    @extend_schema(
        operation_id="service_ticket_stats",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("point", str, description="código do ponto de atendimento"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        """Waiting (issue → call) and service (call → finish) times in seconds per point and ticket
        type over the period: average, 90th percentile and maximum wait; `type` null is the point's
        total."""
        start, end = stats_period(request.query_params)
        unit_id = None
        if request.query_params.get("point"):
            unit = AttendanceUnit.objects.filter(code=request.query_params["point"]).first()
            if unit is None:
                raise NotFound(
                    "Ponto de atendimento não encontrado.", field="point", code=ErrorCode.UNIT_NOT_FOUND
                )
            unit_id = unit.pk
        rows = ticket_stats(start, end, unit_id)
        return Response(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "results": [ticket_stats_json(r) for r in rows],
            }
        )

"""News and notices for the app (3.2.15.13): the public ones for everyone, and a signed-in
citizen's property's, which add those for its neighbourhood or reading route."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from modules.service.news_selectors import news_json, visible_news

from ..access import access_property_by_id
from .base import CitizenView, PublicView


class NewsOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[("news", "Notícia"), ("notice", "Aviso")])
    title = serializers.CharField()
    body = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)


class NewsListOutput(serializers.Serializer):
    results = NewsOutput(many=True)


class PublicNewsApi(PublicView):
    @extend_schema(operation_id="public_news", responses={200: NewsListOutput}, auth=[])
    def get(self, request: Request) -> Response:
        rows = visible_news(channel="agency", limit=20)
        return Response({"results": [news_json(n) for n in rows]})


class PropertyNewsApi(CitizenView):
    @extend_schema(operation_id="citizen_property_news", responses={200: NewsListOutput})
    def get(self, request: Request, property_id: int) -> Response:
        """The news for everyone plus those for this property's neighbourhood or route."""
        prop = access_property_by_id(self.grant, property_id)
        rows = visible_news(channel="agency", property_id=prop.pk, limit=20)
        return Response({"results": [news_json(n) for n in rows]})

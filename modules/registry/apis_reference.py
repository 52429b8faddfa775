"""Staff API of the reference tables, under /api/v1/registry/<table>: list (paged, ?search=,
?inactive=1), create, read, change (PATCH), remove (DELETE: 409 when in use), deactivate and
reactivate; and the order of a billing group's routes. One set of views per table, built from
tables.TABLES, each with its own serializers, so the schema documents every table's fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination

from . import selectors
from .services.reference import (
    reference_create,
    reference_remove,
    reference_set_active,
    reference_update,
    route_reorder,
)
from .tables import TABLES, Table


def _serializers(table: Table) -> tuple[type[serializers.Serializer], type[serializers.Serializer]]:
    name = table.model.__name__
    extra = ("sequence",) if "sequence" in {f.name for f in table.model._meta.fields} else ()
    out_meta = type("Meta", (), {"model": table.model, "fields": ["id", *table.fields, *extra, "active"]})
    in_meta = type("Meta", (), {"model": table.model, "fields": list(table.fields)})
    out = type(f"Reference{name}Out", (serializers.ModelSerializer,), {"Meta": out_meta})
    inp = type(f"Reference{name}In", (serializers.ModelSerializer,), {"Meta": in_meta})
    return inp, out


class ActiveIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RouteOrderIn(serializers.Serializer):
    routes = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="os códigos de todas as rotas do grupo, na ordem",
    )


def _data(request: Request) -> dict[str, Any]:
    data = request.data
    return data.dict() if hasattr(data, "dict") else dict(data)


def _views(table: Table) -> list[URLPattern]:
    inp, out = _serializers(table)
    key = table.key

    class ListCreate(APIView):
        pagination_class = PageNumberPagination
        permission_classes: ClassVar[list[Any]] = [HasFunction]
        function = table.function

        @extend_schema(
            parameters=[
                OpenApiParameter("search", str, description="parte do nome"),
                OpenApiParameter("inactive", int, description="1: inclui as linhas desativadas"),
            ],
            responses={200: out(many=True)},
        )
        def get(self, request: Request) -> Response:
            qs = selectors.reference_rows(
                key,
                text=request.query_params.get("search", ""),
                inactive=request.query_params.get("inactive") == "1",
            )
            paginator = PageNumberPagination()
            page = paginator.paginate_queryset(qs, request, view=self)
            return paginator.get_paginated_response(out(page, many=True).data)

        @extend_schema(request=inp, responses={201: out})
        def post(self, request: Request) -> Response:
            row = reference_create(actor=request.user, table=key, data=_data(request))
            return Response(out(row).data, status=status.HTTP_201_CREATED)

    class Detail(APIView):
        permission_classes: ClassVar[list[Any]] = [HasFunction]
        function = table.function

        @extend_schema(responses={200: out})
        def get(self, request: Request, pk: int) -> Response:
            from .services.reference import row_of

            return Response(out(row_of(table, pk)).data)

        @extend_schema(request=inp, responses={200: out})
        def patch(self, request: Request, pk: int) -> Response:
            row = reference_update(actor=request.user, table=key, pk=pk, data=_data(request))
            return Response(out(row).data)

        @extend_schema(request=None, responses={204: None})
        def delete(self, request: Request, pk: int) -> Response:
            reference_remove(actor=request.user, table=key, pk=pk)
            return Response(status=status.HTTP_204_NO_CONTENT)

    def activation(active: bool) -> type[APIView]:
        class SetActive(APIView):
            permission_classes: ClassVar[list[Any]] = [HasFunction]
            function = table.function
            function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

            @extend_schema(request=ActiveIn, responses={200: out})
            def post(self, request: Request, pk: int) -> Response:
                data = ActiveIn(data=request.data)
                data.is_valid(raise_exception=True)
                row = reference_set_active(
                    actor=request.user,
                    table=key,
                    pk=pk,
                    active=active,
                    reason=data.validated_data.get("reason", ""),
                )
                return Response(out(row).data)

        SetActive.__name__ = f"{table.model.__name__}{'Reactivate' if active else 'Deactivate'}Api"
        return SetActive

    ListCreate.__name__ = f"{table.model.__name__}ListCreateApi"
    Detail.__name__ = f"{table.model.__name__}DetailApi"
    name = f"api-registry-{key}"
    return [
        path(f"registry/{key}", ListCreate.as_view(), name=name),
        path(f"registry/{key}/<int:pk>", Detail.as_view(), name=f"{name}-detail"),
        path(f"registry/{key}/<int:pk>/deactivate", activation(False).as_view(), name=f"{name}-deactivate"),
        path(f"registry/{key}/<int:pk>/reactivate", activation(True).as_view(), name=f"{name}-reactivate"),
    ]


class RouteOrderApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = TABLES["routes"].function
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=RouteOrderIn, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        data = RouteOrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        route_reorder(actor=request.user, group_id=pk, route_codes=data.validated_data["routes"])
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns: list[URLPattern] = [
    *(p for table in TABLES.values() for p in _views(table)),
    path("registry/groups/<int:pk>/route-order", RouteOrderApi.as_view(), name="api-registry-route-order"),
]

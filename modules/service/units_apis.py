"""Staff API of service beyond the property: street search, commercial customers and paying bodies
(lookup and their one screen), an order split with its dependency, the one-action reconnection
order, a code's closing effect, and the standalone documents' due-date change and cancellation."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.errors import NotFound
from modules.registry.models import Customer, Street

from .apis import order_json
from .domain.cuts import EFFECT_LABELS
from .errors import ErrorCode
from .models import ServiceOrder
from .services import units, units_bodies
from .units_selectors import body_overview, customer_overview, street_search


def street_json(row: Street) -> dict[str, Any]:
    return {
        "id": row.pk,
        "street_type": row.street_type,
        "title": row.title,
        "name": row.name,
        "label": str(row),
        "city": row.city.name,
        "state": row.city.state,
        "latitude": str(row.latitude) if row.latitude is not None else None,
        "longitude": str(row.longitude) if row.longitude is not None else None,
    }


class StreetsApi(APIView):
    """Street search (3.2.13.13.1): by code, or by state, city, neighbourhood, type, title and name."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(
        operation_id="service_streets_search",
        parameters=[
            OpenApiParameter("code", int),
            OpenApiParameter("state", str),
            OpenApiParameter("city", str),
            OpenApiParameter("neighbourhood", str),
            OpenApiParameter("street_type", str),
            OpenApiParameter("title", str),
            OpenApiParameter("name", str),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(street_search(request.query_params), request, view=self)
        return paginator.get_paginated_response([street_json(row) for row in page or []])


def _customer_json(c: Customer) -> dict[str, Any]:
    return {
        "id": c.pk,
        "commercial_id": c.commercial_id,
        "name": c.name,
        "document": c.document_display,
        "phone": c.phone,
    }


class CommercialCustomerIn(serializers.Serializer):
    """Either `customer` (one already in the registry) or a new one's `name` and `cpf_cnpj` with its
    address and phone (3.2.13.12.1)."""

    customer = serializers.IntegerField(min_value=1, required=False)
    name = serializers.CharField(max_length=200, required=False)
    cpf_cnpj = serializers.CharField(max_length=18, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    mail_street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mail_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    mail_complement = serializers.CharField(max_length=60, required=False, allow_blank=True)
    mail_neighbourhood = serializers.CharField(max_length=120, required=False, allow_blank=True)
    mail_city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    mail_state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    mail_cep = serializers.CharField(max_length=9, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "customer" not in attrs and not attrs.get("name"):
            raise serializers.ValidationError(
                {"customer": "Informe o cliente já cadastrado ou o nome e o CPF/CNPJ de um novo."}
            )
        return attrs


class CommercialCustomersApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = units_bodies.commercial_customer_search(request.query_params.get("q", ""))
        return Response({"results": [_customer_json(c) for c in rows]})

    @extend_schema(request=CommercialCustomerIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = CommercialCustomerIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "customer" in values:
            c = units_bodies.commercial_customer_register(actor=request.user, customer_id=values["customer"])
        else:
            c = units_bodies.commercial_customer_create(
                actor=request.user, name=values.pop("name"), cpf_cnpj=values.pop("cpf_cnpj", ""), **values
            )
        return Response(_customer_json(c), status=status.HTTP_201_CREATED)


def _doc_json(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "amount": str(d.amount),
        "due_date": d.valid_until.isoformat(),
        "status": d.status,
        "typeable_line": d.typeable_line,
        "source_id": d.source_id,
    }


class CommercialCustomerOverviewApi(APIView):
    """The commercial customer's one screen (3.2.13.12.3): its orders, its service billing and the
    amounts to offset."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        v = customer_overview(pk)
        return Response(
            {
                "customer": _customer_json(v.customer),
                "orders": [order_json(o) for o in v.orders],
                "billing": [_doc_json(d) for d in v.documents],
                "offsetting": {
                    "credits": [
                        {"id": p.pk, "amount": str(p.amount), "status": p.status} for p in v.offset["credits"]
                    ],
                    "credit_total": str(v.offset["credit_total"]),
                    "open_total": str(v.offset["open_total"]),
                    "balance": str(v.offset["balance"]),
                },
            }
        )


class PayingBodyIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    cnpj = serializers.CharField(max_length=18, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_day = serializers.IntegerField(min_value=1, max_value=28, required=False)
    # h-bill (ADR 0221): the rates withheld on the grouped invoice; a rate needs the CNPJ
    federal_retention_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, help_text="retenção federal (%)"
    )
    municipal_retention_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, help_text="retenção municipal (%)"
    )


def _rate(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def _body_json(b: Any) -> dict[str, Any]:
    return {
        "id": b.pk,
        "code": b.code,
        "name": b.name,
        "cnpj": b.cnpj,
        "due_day": b.due_day,
        "federal_retention_percent": _rate(b.federal_retention_percent),
        "municipal_retention_percent": _rate(b.municipal_retention_percent),
    }


class PayingBodiesApi(APIView):
    """Paying bodies (órgão centralizador): lookup by code or name (3.2.13.14) and registration."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.paying_bodies"

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = units_bodies.paying_body_search(request.query_params.get("q", ""))
        return Response({"results": [_body_json(b) for b in rows]})

    @extend_schema(request=PayingBodyIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = PayingBodyIn(data=request.data)
        data.is_valid(raise_exception=True)
        body = units_bodies.paying_body_create(actor=request.user, **data.validated_data)
        return Response(_body_json(body), status=status.HTTP_201_CREATED)


class PayingBodyOverviewApi(APIView):
    """The body's one screen (3.2.13.15): registration and billing data, centralised units,
    invoices, amounts to offset."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.paying_bodies"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        v = body_overview(pk)
        return Response(
            {
                "registration": _body_json(v.body)
                | {"email": v.body.email, "phone": v.body.phone, "address": v.body.address},
                "units": [
                    {"account_number": m.property.account_number, "start": m.start.isoformat()}
                    for m in v.members
                ],
                "invoices": [
                    {
                        "id": i.pk,
                        "reference": i.reference.strftime("%Y-%m"),
                        "due_date": i.due_date.isoformat(),
                        "total": str(i.document.amount),
                        "status": i.document.status,
                        "bills": i.document.lines.count(),
                    }
                    for i in v.invoices
                ],
                "offsetting": {"credit_total": str(v.credit_total), "open_total": str(v.open_total)},
            }
        )


class InvoiceIn(serializers.Serializer):
    reference = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="AAAA-MM")
    due_date = serializers.DateField(required=False)


class PayingBodyInvoicesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.paying_bodies"
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=InvoiceIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        import datetime as dt

        units_bodies.paying_body_get(pk)  # another utility's body is a 404 before any input check
        data = InvoiceIn(data=request.data)
        data.is_valid(raise_exception=True)
        year, month = (int(x) for x in data.validated_data["reference"].split("-"))
        invoice = units_bodies.centralized_invoice_issue(
            actor=request.user,
            body_id=pk,
            reference=dt.date(year, month, 1),
            due_date=data.validated_data.get("due_date"),
        )
        return Response(
            {
                "id": invoice.pk,
                "document": _doc_json(invoice.document),
                "bills": invoice.document.lines.count(),
                # h-bill (ADR 0221): gross, retention lines and the net the document charges
                "gross": str(invoice.gross),
                "retention_base": str(invoice.retention_base),
                "federal_retention": str(invoice.federal_retention),
                "municipal_retention": str(invoice.municipal_retention),
                "net": str(invoice.document.amount),
            },
            status=status.HTTP_201_CREATED,
        )


class SplitIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=300)


class OrderSplitApi(APIView):
    """Split an order into another one it depends on (3.2.13.11.5): 201 with the new order."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=SplitIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = SplitIn(data=request.data)
        data.is_valid(raise_exception=True)
        child = units.order_split(actor=request.user, order_id=pk, **data.validated_data)
        return Response(order_json(child), status=status.HTTP_201_CREATED)


class ReconnectionOrderApi(APIView):
    """One action (S10.8-01): the reconnection order of the property's open cut at its level; the one
    already issued is answered again (200) instead of a second; no open cut → 409."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        before = set(ServiceOrder.objects.filter(property_id=pk).values_list("id", flat=True))
        order = units.open_reconnection_order(actor=request.user, property_id=pk)
        created = order.pk not in before
        return Response(order_json(order), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EffectIn(serializers.Serializer):
    effect = serializers.ChoiceField(choices=[("", "nenhum"), *EFFECT_LABELS.items()], allow_blank=True)


class CodeEffectApi(APIView):
    """Mark a code with what its executed closing does (cut level, reconnection, meter action…)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=EffectIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, code: str) -> Response:
        data = EffectIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = units.code_effect_set(actor=request.user, code=code, effect=data.validated_data["effect"])
        return Response({"code": row.code, "effect": data.validated_data["effect"] or None})


class DueDateIn(serializers.Serializer):
    due_date = serializers.DateField()
    annotation = serializers.CharField(max_length=300)


class AnnotationIn(serializers.Serializer):
    annotation = serializers.CharField(max_length=300)


def _standalone_or_404(pk: int) -> None:
    from modules.collection.models import PaymentDocument

    if not PaymentDocument.objects.filter(Q(pk=pk) & Q(kind=PaymentDocument.Kind.SERVICE_CHARGE)).exists():
        raise NotFound("Documento de cobrança não encontrado.", field="document", code=ErrorCode.INVALID)


class DocumentDueDateApi(APIView):
    """A standalone charge with a new due date (3.2.13.12.10): the new document (201)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=DueDateIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        _standalone_or_404(pk)
        data = DueDateIn(data=request.data)
        data.is_valid(raise_exception=True)
        doc = units_bodies.standalone_due_date_change(
            actor=request.user, document_id=pk, **data.validated_data
        )
        return Response(_doc_json(doc), status=status.HTTP_201_CREATED)


class DocumentCancelApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=AnnotationIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        _standalone_or_404(pk)
        data = AnnotationIn(data=request.data)
        data.is_valid(raise_exception=True)
        doc = units_bodies.standalone_cancel(actor=request.user, document_id=pk, **data.validated_data)
        return Response(_doc_json(doc))

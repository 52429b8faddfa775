"""Staff API of the registry: customers, properties (with search), relations, economias, connections."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import SMALL_INT_MAX, PageNumberPagination
from modules.common.errors import NotFound, ValidationFailed
from modules.common.models import AuditEntry

from . import selectors
from .apis_location import PARTS, location_parts
from .domain.account_number import InvalidAccountNumber
from .domain.economies import CategoryShare
from .errors import ErrorCode
from .models import (
    BillingGroup,
    Customer,
    Neighbourhood,
    Property,
    PropertyRelation,
    Route,
    ServiceConnection,
    Street,
)
from .numbering import parse_account as parse_account_number
from .services.connections import connection_change_situation, connection_create
from .services.customers import clean_document, customer_create, customer_document_register, customer_update
from .services.properties import property_create, property_set_categories, property_update
from .services.relations import relation_transfer

# --- customers ------------------------------------------------------------------------------------


class CustomerIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    cpf_cnpj = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="CPF ou CNPJ; ausente, vazio ou null: cliente sem CPF/CNPJ (cadastro legado)",
    )
    kind = serializers.ChoiceField(
        choices=Customer.Kind.choices,
        required=False,
        help_text="só para cliente sem CPF/CNPJ (padrão: person); com documento, o tipo segue o documento",
    )
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone_home = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone_work = serializers.CharField(max_length=20, required=False, allow_blank=True)
    rg = serializers.CharField(max_length=20, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    mother_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    father_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mail_street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mail_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    mail_complement = serializers.CharField(max_length=60, required=False, allow_blank=True)
    mail_neighbourhood = serializers.CharField(max_length=120, required=False, allow_blank=True)
    mail_city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    mail_state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    mail_cep = serializers.CharField(max_length=9, required=False, allow_blank=True)


class CustomerPatchIn(CustomerIn):
    name = serializers.CharField(max_length=200, required=False)
    # the document identifies the customer: never edited, only registered where there is none
    cpf_cnpj = serializers.CharField(
        max_length=20,
        required=False,
        help_text="só para cliente sem CPF/CNPJ: cadastra o documento (409 se já houver outro)",
    )
    kind = None  # type: ignore[assignment]


class CustomerOut(serializers.ModelSerializer):
    cpf_cnpj = serializers.CharField(allow_null=True, help_text="só os dígitos; null: sem CPF/CNPJ")
    document_display = serializers.CharField(help_text='CPF/CNPJ formatado, ou "sem CPF/CNPJ"')

    class Meta:
        model = Customer
        exclude = ["name_search"]


class PageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


def _page(request: Request, view: APIView, qs: Any, out: type[serializers.Serializer]) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(out(page, many=True).data)


class CustomerListCreateApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.customers"

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="nome (parcial, sem acentos) ou CPF/CNPJ")],
        responses={200: CustomerOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        return _page(
            request, self, selectors.customer_list(text=request.query_params.get("search", "")), CustomerOut
        )

    @extend_schema(request=CustomerIn, responses={201: CustomerOut})
    def post(self, request: Request) -> Response:
        data = CustomerIn(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_create(actor=request.user, **data.validated_data)
        return Response(CustomerOut(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.customers"

    @extend_schema(responses={200: CustomerOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(CustomerOut(get_object_or_404(Customer, pk=pk)).data)

    @extend_schema(request=CustomerPatchIn, responses={200: CustomerOut})
    def patch(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(Customer, pk=pk)
        data = CustomerPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        document = values.pop("cpf_cnpj", None)
        with transaction.atomic():
            if document is not None:
                customer = customer_document_register(
                    actor=request.user, customer=customer, cpf_cnpj=document
                )
            customer = customer_update(actor=request.user, customer=customer, **values)
        return Response(CustomerOut(customer).data)


# --- properties -----------------------------------------------------------------------------------


class CategoryShareIO(serializers.Serializer):
    category = serializers.CharField(max_length=10)
    economies = serializers.IntegerField()
    usage_plan = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text="código do plano de utilização da categoria (vazio: nenhum, o mínimo da tarifa); "
        "omitido: mantém o atual",
    )


class PropertyListOut(serializers.ModelSerializer):
    cpf_cnpj = serializers.CharField(
        source="holder_cpf_cnpj",
        allow_null=True,
        help_text="CPF/CNPJ do titular (null: sem titular ou sem CPF/CNPJ)",
    )
    holder_name = serializers.CharField(allow_null=True)
    street = serializers.CharField(source="street.__str__")
    neighbourhood = serializers.CharField(source="neighbourhood.name")

    class Meta:
        model = Property
        fields = [
            "id",
            "account_number",
            "inscription",
            "street",
            "number",
            "complement",
            "neighbourhood",
            "status",
            "economies_total",
            "holder_name",
            "cpf_cnpj",
        ]


class RelationOut(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")
    cpf_cnpj = serializers.CharField(
        source="customer.cpf_cnpj", allow_null=True, help_text="null: sem CPF/CNPJ"
    )

    class Meta:
        model = PropertyRelation
        fields = ["id", "customer", "customer_name", "cpf_cnpj", "role", "start", "end", "reason"]


class ConnectionOut(serializers.ModelSerializer):
    class Meta:
        model = ServiceConnection
        fields = [
            "id",
            "kind",
            "situation",
            "since",
            "diameter_mm",
            "material",
            "depth_m",
            "street_pavement",
            "sidewalk_pavement",
            "metered",
            "sewer_share_percent",
        ]


class PropertyOut(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    relations = serializers.SerializerMethodField()
    connections = serializers.SerializerMethodField()

    class Meta:
        model = Property
        exclude = ["address_search", "account_base"]

    @extend_schema_field(CategoryShareIO(many=True))
    def get_categories(self, obj: Property) -> list[dict[str, Any]]:
        return [
            {
                "category": c.category.code,
                "economies": c.economies,
                "usage_plan": c.usage_plan.code if c.usage_plan else "",
            }
            for c in obj.categories.all()
        ]

    @extend_schema_field(RelationOut(many=True))
    def get_relations(self, obj: Property) -> list[dict[str, Any]]:
        return RelationOut(obj.relations.select_related("customer").order_by("end", "-start"), many=True).data

    @extend_schema_field(ConnectionOut(many=True))
    def get_connections(self, obj: Property) -> list[dict[str, Any]]:
        return ConnectionOut(obj.connections.all(), many=True).data


class PropertyIn(serializers.Serializer):
    account_number = serializers.CharField(
        max_length=12, required=False, help_text="matrícula com dígito (legado); vazio: a próxima livre"
    )
    inscription = serializers.CharField(
        max_length=40,
        required=False,
        help_text="inscrição digitada, com ou sem os dois dígitos verificadores (DV errado: 400); "
        "em vez de localidade, setor, quadra, lote e sublote",
    )
    locality = serializers.IntegerField(required=False)
    sector = serializers.IntegerField(required=False)
    block = serializers.IntegerField(required=False)
    lot = serializers.IntegerField(required=False)
    sublot = serializers.IntegerField(required=False, default=0)
    street = serializers.IntegerField(help_text="id do logradouro")
    neighbourhood = serializers.IntegerField(help_text="id do bairro")
    number = serializers.CharField(max_length=10)
    complement = serializers.CharField(max_length=60, required=False, allow_blank=True)
    cep = serializers.CharField(max_length=9, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    categories = CategoryShareIO(many=True)
    holder_cpf_cnpj = serializers.CharField(
        max_length=20, required=False, help_text="titular (proprietário e responsável)"
    )
    holder_customer = serializers.IntegerField(
        required=False, help_text="id do titular, para quem não tem CPF/CNPJ (em vez de holder_cpf_cnpj)"
    )
    holder_since = serializers.DateField(required=False)
    special = serializers.ChoiceField(choices=Property.Special.choices, required=False)
    municipal_registration = serializers.CharField(max_length=30, required=False, allow_blank=True)
    residents = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=SMALL_INT_MAX
    )
    water_outlets = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=SMALL_INT_MAX
    )
    built_area = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    has_water_tank = serializers.BooleanField(required=False)
    has_cistern = serializers.BooleanField(required=False)
    has_own_source = serializers.BooleanField(required=False)
    building_status = serializers.ChoiceField(choices=Property.BuildingStatus.choices, required=False)
    street_paving = serializers.ChoiceField(choices=Property.StreetPaving.choices, required=False)
    sidewalk_paving = serializers.ChoiceField(choices=Property.SidewalkPaving.choices, required=False)
    billing_group = serializers.IntegerField(required=False, help_text="id do grupo de faturamento")
    route = serializers.IntegerField(required=False, help_text="id da rota de leitura")
    route_sequence = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="sequência na rota; ausente: derivada do logradouro, quadra, lote, número e complemento",
    )


class PropertyPatchIn(serializers.Serializer):
    street = serializers.IntegerField(required=False)
    neighbourhood = serializers.IntegerField(required=False)
    number = serializers.CharField(max_length=10, required=False)
    complement = serializers.CharField(max_length=60, required=False, allow_blank=True)
    cep = serializers.CharField(max_length=9, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    special = serializers.ChoiceField(choices=Property.Special.choices, required=False)
    municipal_registration = serializers.CharField(max_length=30, required=False, allow_blank=True)
    residents = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=SMALL_INT_MAX
    )
    water_outlets = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=SMALL_INT_MAX
    )
    built_area = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    has_water_tank = serializers.BooleanField(required=False)
    has_cistern = serializers.BooleanField(required=False)
    has_own_source = serializers.BooleanField(required=False)
    building_status = serializers.ChoiceField(choices=Property.BuildingStatus.choices, required=False)
    street_paving = serializers.ChoiceField(choices=Property.StreetPaving.choices, required=False)
    sidewalk_paving = serializers.ChoiceField(choices=Property.SidewalkPaving.choices, required=False)
    cut_notice_allowed = serializers.BooleanField(required=False, help_text="permite aviso de corte")
    cut_order_allowed = serializers.BooleanField(required=False, help_text="permite ordem de corte")


def _resolve_refs(data: dict[str, Any]) -> dict[str, Any]:
    if "street" in data:
        street = Street.objects.filter(pk=data["street"]).first()
        if street is None:
            raise ValidationFailed(
                "Logradouro não encontrado.", field="street", code=ErrorCode.STREET_NOT_FOUND
            )
        data["street"] = street
    if "neighbourhood" in data:
        hood = Neighbourhood.objects.filter(pk=data["neighbourhood"]).first()
        if hood is None:
            raise ValidationFailed(
                "Bairro não encontrado.", field="neighbourhood", code=ErrorCode.NEIGHBOURHOOD_NOT_FOUND
            )
        data["neighbourhood"] = hood
    for name, model in (("billing_group", BillingGroup), ("route", Route)):
        if data.get(name) is not None:
            row = model.objects.filter(pk=data[name]).first()
            if row is None:
                raise ValidationFailed(
                    f"{model._meta.verbose_name.capitalize()} {data[name]} não encontrado(a).",
                    field=name,
                    code=ErrorCode.REFERENCE_NOT_FOUND,
                )
            data[name] = row
    return data


def _customer_by_document(value: str, field: str) -> Customer:
    digits, _ = clean_document(value)
    customer = Customer.objects.filter(cpf_cnpj=digits).first()
    if customer is None:
        raise ValidationFailed(
            "Nenhum cliente cadastrado com este CPF/CNPJ.", field=field, code=ErrorCode.CUSTOMER_NOT_FOUND
        )
    return customer


def _customer_by_document_or_id(document: str | None, pk: int | None, field: str = "cpf_cnpj") -> Customer:
    if document:
        return _customer_by_document(document, field)
    if pk is None:
        raise ValidationFailed(
            "Informe o CPF/CNPJ ou o id do cliente.", field=field, code=ErrorCode.CUSTOMER_REQUIRED
        )
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise ValidationFailed("Cliente não encontrado.", field="customer", code=ErrorCode.CUSTOMER_NOT_FOUND)
    return customer


class PropertyListCreateApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="matrícula (com dígito), inscrição (ou prefixo), CPF/CNPJ, nome do cliente, "
                "logradouro e número, ou número do hidrômetro. Resultados por relevância, no máximo 500: "
                "com mais, `count` é 500 e `count_capped` é true (refine a busca)",
            )
        ],
        responses={200: PropertyListOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        found = selectors.search_properties(request.query_params.get("search", ""))
        response = _page(request, self, found.results, PropertyListOut)
        response.data["count_capped"] = found.truncated  # count is then a floor: "500+"
        return response

    @extend_schema(request=PropertyIn, responses={201: PropertyOut})
    def post(self, request: Request) -> Response:
        data = PropertyIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve_refs(dict(data.validated_data))
        insc = location_parts(values)
        values.pop("inscription", None)
        values |= dict(zip(PARTS, insc.parts(), strict=True))
        account = values.pop("account_number", None)
        if account:
            try:
                values["account_base"] = parse_account_number(account)
            except InvalidAccountNumber as exc:
                raise ValidationFailed(
                    str(exc), field="account_number", code=ErrorCode.ACCOUNT_NUMBER_INVALID
                ) from exc
        holder = values.pop("holder_cpf_cnpj", None)
        holder_id = values.pop("holder_customer", None)
        if holder or holder_id is not None:
            values["holder"] = _customer_by_document_or_id(holder, holder_id, "holder_cpf_cnpj")
        values["categories"] = [CategoryShare(c["category"], c["economies"]) for c in values["categories"]]
        prop = property_create(actor=request.user, **values)
        return Response(PropertyOut(selectors.property_detail(prop.pk)).data, status=status.HTTP_201_CREATED)


class PropertyDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(responses={200: PropertyOut})
    def get(self, request: Request, pk: int) -> Response:
        try:
            return Response(PropertyOut(selectors.property_detail(pk)).data)
        except Property.DoesNotExist as exc:
            raise NotFound("Imóvel não encontrado.", code=ErrorCode.PROPERTY_NOT_FOUND) from exc

    @extend_schema(request=PropertyPatchIn, responses={200: PropertyOut})
    def patch(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = PropertyPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        property_update(actor=request.user, prop=prop, **_resolve_refs(dict(data.validated_data)))
        return Response(PropertyOut(selectors.property_detail(pk)).data)


class CategoriesIn(serializers.Serializer):
    categories = CategoryShareIO(many=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PropertyCategoriesApi(APIView):
    """Economias have their own grant (§8.9: fraud risk)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.economies"

    @extend_schema(request=CategoriesIn, responses={200: PropertyOut})
    def put(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = CategoriesIn(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data["categories"]
        shares = [CategoryShare(c["category"], c["economies"]) for c in rows]
        plans = {c["category"]: c["usage_plan"] for c in rows if "usage_plan" in c}
        property_set_categories(
            actor=request.user,
            prop=prop,
            categories=shares,
            reason=data.validated_data.get("reason", ""),
            plans=plans or None,
        )
        return Response(PropertyOut(selectors.property_detail(pk)).data)


class RelationIn(serializers.Serializer):
    cpf_cnpj = serializers.CharField(max_length=20, required=False, help_text="CPF/CNPJ do cliente")
    customer = serializers.IntegerField(
        required=False, help_text="id do cliente (para quem não tem CPF/CNPJ); um dos dois"
    )
    role = serializers.ChoiceField(choices=PropertyRelation.Role.choices)
    start = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PropertyRelationApi(APIView):
    """Troca de titularidade: starts a relation and ends the current one of the same role."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=RelationIn, responses={201: RelationOut})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = RelationIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = _customer_by_document_or_id(values.pop("cpf_cnpj", None), values.pop("customer", None))
        relation = relation_transfer(actor=request.user, prop=prop, customer=customer, **values)
        return Response(RelationOut(relation).data, status=status.HTTP_201_CREATED)


class ConnectionIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ServiceConnection.Kind.choices)
    situation = serializers.CharField(max_length=24)
    since = serializers.DateField()
    diameter_mm = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    material = serializers.CharField(max_length=40, required=False, allow_blank=True)
    depth_m = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    street_pavement = serializers.CharField(max_length=40, required=False, allow_blank=True)
    sidewalk_pavement = serializers.CharField(max_length=40, required=False, allow_blank=True)
    sewer_share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )


class PropertyConnectionApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(request=ConnectionIn, responses={201: ConnectionOut})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = ConnectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        sc = connection_create(actor=request.user, prop=prop, **data.validated_data)
        return Response(ConnectionOut(sc).data, status=status.HTTP_201_CREATED)


class SituationIn(serializers.Serializer):
    situation = serializers.CharField(max_length=24)
    on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ConnectionSituationApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=SituationIn, responses={200: ConnectionOut})
    def post(self, request: Request, pk: int) -> Response:
        sc = get_object_or_404(ServiceConnection, pk=pk)
        data = SituationIn(data=request.data)
        data.is_valid(raise_exception=True)
        sc = connection_change_situation(actor=request.user, connection_obj=sc, **data.validated_data)
        return Response(ConnectionOut(sc).data)


class HistoryOut(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["at", "actor", "action", "object_type", "object_id", "before", "after", "reason"]


class PropertyHistoryApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(responses={200: HistoryOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            HistoryOut(selectors.property_360(get_object_or_404(Property, pk=pk).pk).history, many=True).data
        )

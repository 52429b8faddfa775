"""Staff API of rental contracts (seed 002 §10.15) and of a unit's alternative addresses (3.2.13.10.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed

from . import selectors_rental as sel
from .errors import ErrorCode
from .models import Customer, Property
from .models_rental import PropertyAddress, RentalContract
from .services import rental, unit_addresses


class RentalContractIn(serializers.Serializer):
    tenant = serializers.IntegerField(help_text="id do cliente inquilino (cadastro)")
    # both mandatory: the service answers 400 naming the one missing (S10.15-01)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    documents = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RentalContractOut(serializers.ModelSerializer):
    tenant_name = serializers.CharField(source="tenant.name")

    class Meta:
        model = RentalContract
        fields = [
            "id",
            "property",
            "tenant",
            "tenant_name",
            "start",
            "end",
            "status",
            "ended_on",
            "end_reason",
            "documents",
            "relation",
            "notes",
            "created_by",
        ]


class RentalContractEndIn(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="último dia do inquilino")
    reason = serializers.CharField(max_length=200)


class PropertyContractsApi(APIView):
    """Rental contracts of a unit: list, and register one (the operation's checklist first)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        return Response(
            {
                "checklist": rental.rental_checklist(),
                "results": RentalContractOut(sel.contracts_of(prop), many=True).data,
            }
        )

    @extend_schema(request=RentalContractIn, responses={201: RentalContractOut})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = RentalContractIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tenant = Customer.objects.filter(pk=v["tenant"]).first()
        if tenant is None:
            raise ValidationFailed(
                "Cliente não encontrado.", field="tenant", code=ErrorCode.CUSTOMER_NOT_FOUND
            )
        contract = rental.rental_contract_register(
            actor=request.user,
            prop=prop,
            tenant=tenant,
            start=v.get("start"),
            end=v.get("end"),
            documents=v.get("documents", []),
            notes=v.get("notes", ""),
        )
        return Response(RentalContractOut(contract).data, status=status.HTTP_201_CREATED)


class ContractEndApi(APIView):
    """Ends a contract early. Its dates are never edited: an extension is a new contract."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=RentalContractEndIn, responses={200: RentalContractOut})
    def post(self, request: Request, pk: int) -> Response:
        contract = rental.contract_get(pk)
        data = RentalContractEndIn(data=request.data)
        data.is_valid(raise_exception=True)
        contract = rental.rental_contract_end(
            actor=request.user, contract=contract, on=data.validated_data.get("on"),
            reason=data.validated_data["reason"],
        )  # fmt: skip
        return Response(RentalContractOut(contract).data)


def _who(relation: Any, contract: Any) -> dict[str, Any] | None:
    if relation is None:
        return None
    return {
        "customer": relation.customer_id,
        "name": relation.customer.name,
        "role": relation.role,
        "role_label": relation.get_role_display(),
        "relation": relation.pk,
        "contract": contract.pk if contract is not None else None,
    }


class PropertyResponsibleApi(APIView):
    """Who answered for the unit's bills on a date (`on`, default today), in what role and through
    which rental contract, and the history of responsible parties (S10.15-04)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="AAAA-MM-DD")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        raw = request.query_params.get("on", "").strip()
        try:
            on = dt.date.fromisoformat(raw) if raw else tenant_today()
        except ValueError:
            raise ValidationFailed(
                "Data inválida: use AAAA-MM-DD.", field="on", code=ErrorCode.RENTAL_DATES_INVALID
            ) from None
        found = sel.responsible_on(prop, on)
        return Response(
            {
                "on": on,
                "responsible": _who(found.relation, found.contract),
                "history": [
                    {"start": h.start, "end": h.end, **(_who(h.relation, h.contract) or {})}
                    for h in sel.responsible_history(prop)
                ],
            }
        )


class UnitAddressIn(serializers.Serializer):
    street = serializers.IntegerField(required=False, allow_null=True, help_text="logradouro do cadastro")
    street_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    number = serializers.CharField(max_length=10, required=False, allow_blank=True)
    complement = serializers.CharField(max_length=60, required=False, allow_blank=True)
    neighbourhood = serializers.IntegerField(required=False, allow_null=True)
    neighbourhood_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    cep = serializers.CharField(max_length=9, required=False, allow_blank=True)
    delivery = serializers.BooleanField(required=False, help_text="as faturas são entregues aqui")


class UnitAddressOut(serializers.ModelSerializer):
    text = serializers.CharField()
    in_town = serializers.BooleanField()

    class Meta:
        model = PropertyAddress
        fields = [
            "id",
            "street",
            "street_name",
            "number",
            "complement",
            "neighbourhood",
            "neighbourhood_name",
            "city",
            "state",
            "cep",
            "delivery",
            "active",
            "text",
            "in_town",
        ]


def _main(prop: Property) -> dict[str, Any]:
    return {
        "street": prop.street_id,
        "street_text": str(prop.street),
        "number": prop.number,
        "complement": prop.complement,
        "neighbourhood": prop.neighbourhood_id,
        "cep": prop.cep,
    }


class PropertyAddressesApi(APIView):
    """The unit's main address (the property's own; changed with PATCH /properties/{id}) and its
    alternative addresses; POST adds an alternative one."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property.objects.select_related("street"), pk=pk)
        delivery = sel.delivery_address(prop.pk)
        return Response(
            {
                "main": _main(prop),
                "delivery": delivery.pk if delivery else None,
                "alternatives": UnitAddressOut(sel.addresses_of(prop), many=True).data,
            }
        )

    @extend_schema(request=UnitAddressIn, responses={201: UnitAddressOut})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = UnitAddressIn(data=request.data)
        data.is_valid(raise_exception=True)
        address = unit_addresses.address_add(actor=request.user, prop=prop, **data.validated_data)
        return Response(UnitAddressOut(address).data, status=status.HTTP_201_CREATED)


class UnitAddressActionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PropertyAddressApi(APIView):
    """PATCH changes an alternative address; POST with action `swap` makes it the main one (the old
    main becomes an alternative), `deactivate` retires it."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change", "PATCH": "change"}

    @extend_schema(request=UnitAddressIn, responses={200: UnitAddressOut})
    def patch(self, request: Request, pk: int, address_id: int) -> Response:
        address = unit_addresses.address_get(pk, address_id)
        data = UnitAddressIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        address = unit_addresses.address_change(actor=request.user, address=address, **data.validated_data)
        return Response(UnitAddressOut(address).data)


class PropertyAddressSwapApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: UnitAddressOut})
    def post(self, request: Request, pk: int, address_id: int) -> Response:
        address = unit_addresses.address_get(pk, address_id)
        old_main = unit_addresses.address_swap(actor=request.user, address=address)
        return Response(UnitAddressOut(old_main).data)


class PropertyAddressDeactivateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=UnitAddressActionIn, responses={200: UnitAddressOut})
    def post(self, request: Request, pk: int, address_id: int) -> Response:
        address = unit_addresses.address_get(pk, address_id)
        data = UnitAddressActionIn(data=request.data)
        data.is_valid(raise_exception=True)
        address = unit_addresses.address_deactivate(
            actor=request.user, address=address, reason=data.validated_data.get("reason", "")
        )
        return Response(UnitAddressOut(address).data)

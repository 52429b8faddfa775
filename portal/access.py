"""Accessors: every object a citizen reaches is looked up through the citizen's scope first, and
"not yours" answers exactly as "missing" does (the Zulip `access_*_by_id` pattern)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from modules.common.errors import ErrorCode, NotFound, PermissionDenied
from modules.registry.models import Property
from modules.service.models import ServiceRequest

from .auth import Grant
from .errors import ErrorCode as AgencyCode
from .models import AgencySettings

PROPERTY_NOT_FOUND = "Imóvel não encontrado."
REQUEST_NOT_FOUND = "Protocolo não encontrado."


def granted_properties(grant: Grant, *, roles: list[str] | None = None) -> QuerySet[Property]:
    """The properties the grant reaches now: a proved CPF/CNPJ reaches every property it is
    currently linked to (re-read on each request, so an ended link stops at once)."""
    if not grant.document:
        return Property.objects.filter(pk=grant.signed_property_id)
    roles = roles if roles is not None else list(AgencySettings.current().sign_in_roles)
    return Property.objects.filter(
        pk__in=Property.objects.filter(
            relations__customer__cpf_cnpj=grant.document,
            relations__end__isnull=True,
            relations__role__in=roles,
        ).values("pk")
    )


def access_property_by_id(grant: Grant, property_id: int) -> Property:
    prop: Property | None = (
        granted_properties(grant)
        .select_related("street", "neighbourhood__city")
        .filter(pk=property_id)
        .first()
    )
    if prop is None:
        raise NotFound(PROPERTY_NOT_FOUND, code=ErrorCode.NOT_FOUND)
    return prop


def granted_requests(grant: Grant) -> QuerySet[ServiceRequest]:
    scope = Q(property__in=granted_properties(grant))
    if grant.document:
        scope |= Q(requester_document=grant.document)
    return ServiceRequest.objects.filter(scope)


def access_request_by_protocol(grant: Grant, protocol: str) -> ServiceRequest:
    found: ServiceRequest | None = granted_requests(grant).filter(protocol=protocol).first()
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND, code=ErrorCode.NOT_FOUND)
    return found


def holder_required(grant: Grant) -> None:
    """The contact data, the notices and the digital bill change only for whoever proved the
    holder's CPF/CNPJ at sign-in (a matrícula alone reaches the bills, not the contacts)."""
    if not grant.verified_holder:
        raise PermissionDenied(
            "Para alterar avisos e contatos, entre com a matrícula e o CPF/CNPJ do titular.",
            code=AgencyCode.HOLDER_REQUIRED,
        )

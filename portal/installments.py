"""VA-32's simulator details that belong to the agency: who asks (CPF do solicitante, PESQUISAR) and
who may sign the agreement online."""

from __future__ import annotations

from modules.common.domain.documents import document_kind, strip_document
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed
from modules.registry.models import Customer, Property, PropertyRelation

from .auth import Grant
from .errors import ErrorCode
from .models import AgencySettings

# Who answers for a property's debt: the one responsible for the bill and the owner (current links).
RESPONSIBLE_ROLES = (PropertyRelation.Role.BILL_PAYER, PropertyRelation.Role.OWNER)


def debt_requester(prop: Property, document: str) -> Customer:
    """The customer with this CPF/CNPJ currently responsible for the property's debt, or a pt-BR
    refusal on the field `cpf`: an invalid number, or one that is not responsible here (a tenant, a
    past holder or a stranger are told the same)."""
    chars = strip_document(document)
    if document_kind(chars) is None:
        raise ValidationFailed(
            "CPF/CNPJ inválido: confira os dígitos (CPF tem 11 números; CNPJ, 14).",
            field="cpf",
            code=CommonCode.INVALID,
        )
    relation: PropertyRelation | None = (
        PropertyRelation.objects.filter(
            property=prop, end__isnull=True, role__in=RESPONSIBLE_ROLES, customer__cpf_cnpj=chars
        )
        .select_related("customer")
        .first()
    )
    if relation is None:
        raise ValidationFailed(
            "Este CPF/CNPJ não é de um cliente responsável pelo débito deste imóvel. Informe o CPF/CNPJ "
            "do proprietário ou do responsável pela conta.",
            field="cpf",
            code=ErrorCode.NOT_RESPONSIBLE,
        )
    customer: Customer = relation.customer
    return customer


def can_sign_online(grant: Grant, agency: AgencySettings) -> bool:
    """An agreement may be signed in the agency (VA-32) where the utility allows it, by a citizen who
    may ask for services and proved the holder's CPF/CNPJ at sign-in."""
    return bool(agency.online_agreements and grant.can_request and grant.verified_holder)

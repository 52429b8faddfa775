"""The data-subject report (LGPD art. 18, II): every personal datum the utility holds on a CPF/CNPJ,
where it came from and who touched it."""

from __future__ import annotations

from typing import Any

from modules.billing.domain.statuses import BillStatus
from modules.billing.models import Bill
from modules.common.clock import tenant_today, tenant_zone
from modules.common.domain.documents import strip_document
from modules.common.errors import NotFound
from modules.common.models import AuditEntry
from modules.registry.models import Customer, PropertyRelation

from .errors import ErrorCode

PERSONAL_FIELDS = (
    "name",
    "cpf_cnpj",
    "rg",
    "birth_date",
    "mother_name",
    "father_name",
    "email",
    "phone",
    "phone_home",
    "phone_work",
    "mail_street",
    "mail_number",
    "mail_complement",
    "mail_neighbourhood",
    "mail_city",
    "mail_state",
    "mail_cep",
)


def subject_get(document: str) -> Customer:
    """The utility's customer of this CPF/CNPJ; another utility's (or nobody's) answers the same 404."""
    digits = strip_document(document)
    customer: Customer | None = Customer.objects.filter(cpf_cnpj=digits).first() if digits else None
    if customer is None:
        raise NotFound("Titular não encontrado.", field="document", code=ErrorCode.SUBJECT_NOT_FOUND)
    return customer


def open_debt(customer: Customer) -> list[Bill]:
    """Released bills past due of the properties the customer is (or was) responsible for."""
    properties = PropertyRelation.objects.filter(
        customer=customer, role__in=[PropertyRelation.Role.BILL_PAYER, PropertyRelation.Role.OWNER]
    ).values("property_id")
    return list(
        Bill.objects.filter(
            property_id__in=properties, status=BillStatus.RELEASED, due_date__lt=tenant_today()
        ).order_by("due_date")
    )


def subject_report(customer: Customer) -> dict[str, Any]:
    zone = tenant_zone()
    fields = {f.name: f for f in Customer._meta.get_fields() if hasattr(f, "verbose_name")}
    data = []
    for name in PERSONAL_FIELDS:
        value = getattr(customer, name)
        if value in ("", None):
            continue
        data.append(
            {
                "field": name,
                "label": str(fields[name].verbose_name),
                "value": value.isoformat() if hasattr(value, "isoformat") else str(value),
            }
        )
    source = "importação do sistema anterior" if customer.legacy_code else "cadastro no Manancial"
    relations = (
        PropertyRelation.objects.filter(customer=customer).select_related("property").order_by("start")
    )
    property_ids = [r.property_id for r in relations]
    bills = Bill.objects.filter(property_id__in=property_ids).exclude(status=BillStatus.DRAFT)
    history = AuditEntry.objects.filter(object_type="registry.customer", object_id=str(customer.pk)).order_by(
        "at"
    )
    return {
        "document": customer.cpf_cnpj,
        "kind": customer.kind,
        "source": source,
        "legacy_code": customer.legacy_code or None,
        "registered_at": customer.created_at.astimezone(zone).isoformat(),
        "personal_data": data,
        "purposes": [
            "prestação do serviço de água e esgoto e faturamento (LGPD, art. 7º, V)",
            "cumprimento de obrigação legal e regulatória (art. 7º, II)",
            "cobrança e exercício regular de direitos (art. 7º, VI)",
        ],
        "properties": [
            {
                "account_number": r.property.account_number,
                "role": r.role,
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
            }
            for r in relations
        ],
        "bills": {"count": bills.count(), "open_overdue": len(open_debt(customer))},
        "accesses": [
            {
                "at": e.at.astimezone(zone).isoformat(),
                "actor": e.actor,
                "action": e.action,
                "fields": sorted(set(e.before or {}) | set(e.after or {})),
            }
            for e in history
        ],
    }

"""Anonymisation on the subject's request (LGPD art. 18, IV and VI; art. 16)."""

from __future__ import annotations

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, ValidationFailed
from modules.registry.models import Customer

from .errors import ErrorCode
from .selectors import PERSONAL_FIELDS, open_debt, subject_get

ANONYMOUS_NAME = "Titular anonimizado"


@transaction.atomic(durable=True)
def subject_anonymise(*, actor: Actor, document: str, reason: str) -> Customer:
    """Blank the subject's personal fields; bills, payments and the history of the properties stay
    (the utility must keep them: LGPD art. 16, I). Refused while the customer has overdue bills:
    the data are needed to collect them (art. 7º, VI, and art. 16, I). The audit row names the
    fields anonymised, never their former values."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe o pedido do titular (protocolo ou motivo).", field="reason", code=ErrorCode.INVALID
        )
    found = subject_get(document)
    customer: Customer = Customer.objects.select_for_update().get(pk=found.pk)
    debt = open_debt(customer)
    if debt:
        raise Conflict(
            f"Anonimização recusada: há {len(debt)} fatura(s) vencida(s) em aberto. Os dados do titular "
            "são necessários para a cobrança e o exercício regular de direitos (LGPD, art. 7º, VI, e "
            "art. 16, I); podem ser anonimizados depois de quitados.",
            field="document",
            code=ErrorCode.OPEN_DEBT,
        )
    cleared = [f for f in PERSONAL_FIELDS if getattr(customer, f) not in ("", None)]
    for field in PERSONAL_FIELDS:
        blank = Customer._meta.get_field(field).null
        setattr(customer, field, None if blank else "")
    customer.name = f"{ANONYMOUS_NAME} {customer.pk}"
    customer.name_search = customer.name.lower()
    customer.save()
    audit_record(
        actor=actor,
        action="privacy.subject_anonymise",
        target=customer,
        after={"anonymised_fields": cleared},
        reason=reason,
    )
    return customer

"""Rental contracts (contrato de locação, seed 002 §10.15): register one after the operation's document
checklist, end it early, and the daily job that ends the expired ones.

While a contract is in force its tenant holds the unit's USER relation, open like every current
relation (the agency, the desk and the debt documents read "current" as `end IS NULL`), so the payer
rule puts the bills in the tenant's name; ending the contract closes that relation the day after its
last day (ends are exclusive) and the owner, whose relation never changed, is responsible again.
ADR 0192.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, NotFound, ValidationFailed

from ..domain.rental import relation_end
from ..errors import ErrorCode
from ..models import Customer, Property, PropertyRelation
from ..models_rental import RentalContract
from .relations import relation_start

# The operation's checklist when the utility configured none: service registers the one of its
# "Registro de contrato de locação" protocol type (an attendance subject edited on the desk's page).
DEFAULT_CHECKLIST: tuple[str, ...] = (
    "Contrato de locação assinado (cópia)",
    "Documento de identidade do inquilino (RG ou CNH)",
    "CPF/CNPJ do inquilino",
    "Autorização ou presença do proprietário",
)
RENTAL_PROTOCOL_TYPE = "rental_contract"

ChecklistProvider = Callable[[], list[str]]
_PROVIDERS: list[ChecklistProvider] = []


def register_checklist_provider(provider: ChecklistProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def rental_checklist() -> list[str]:
    """The documents the attendant must confirm before registering a contract."""
    for provider in _PROVIDERS:
        items = provider()
        if items:
            return items
    return list(DEFAULT_CHECKLIST)


def contract_get(contract_id: int) -> RentalContract:
    contract: RentalContract | None = (
        RentalContract.objects.select_related("tenant", "property").filter(pk=contract_id).first()
    )
    if contract is None:
        raise NotFound(
            "Contrato de locação não encontrado.", field="contract", code=ErrorCode.RENTAL_CONTRACT_NOT_FOUND
        )
    return contract


def _check_dates(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    if start is None:
        raise ValidationFailed(
            "Informe a data de início da vigência do contrato.",
            field="start",
            code=ErrorCode.RENTAL_DATE_REQUIRED,
        )
    if end is None:
        raise ValidationFailed(
            "Informe a data de fim da vigência do contrato.", field="end", code=ErrorCode.RENTAL_DATE_REQUIRED
        )
    if end < start:
        raise ValidationFailed(
            "O fim da vigência não pode ser anterior ao início.",
            field="end",
            code=ErrorCode.RENTAL_DATES_INVALID,
        )
    if start > today:
        raise ValidationFailed(
            f"O início da vigência não pode estar no futuro ({start:%d/%m/%Y}): registre o contrato "
            "quando ele começar.",
            field="start",
            code=ErrorCode.DATE_IN_FUTURE,
        )
    if end < today:
        raise ValidationFailed(
            f"O contrato já terminou ({end:%d/%m/%Y}): só se registra contrato em vigor.",
            field="end",
            code=ErrorCode.RENTAL_DATES_INVALID,
        )
    return start, end


def _check_documents(documents: Iterable[str]) -> list[str]:
    given = {d.strip() for d in documents if d and d.strip()}
    required = rental_checklist()
    missing = [d for d in required if d not in given]
    if missing:  # S10.15-01
        raise Conflict(
            "Confira todos os documentos antes de registrar o contrato: falta " + "; ".join(missing) + ".",
            field="documents",
            code=ErrorCode.RENTAL_CHECKLIST_INCOMPLETE,
        )
    return [d for d in required if d in given]


def _bill_payer_steps_aside(prop: Property, start: dt.date) -> int | None:
    """The one named responsible for the bill outranks the user in the payer rule; during a rental
    the tenant answers for the bills (§10.15), so that relation ends when the contract starts, and at
    its end the owner answers again. Runs inside the caller's transaction (the property is locked)."""
    current = (
        PropertyRelation.objects.select_for_update()
        .filter(property=prop, role=PropertyRelation.Role.BILL_PAYER, end__isnull=True)
        .first()
    )
    if current is None:
        return None
    current.end = max(start, current.start)
    current.reason = (current.reason + " · encerrado pelo contrato de locação").strip(" ·")[:200]
    current.save(update_fields=["end", "reason"])
    customer_id: int = current.customer_id
    return customer_id


@transaction.atomic(durable=True)
def rental_contract_register(
    *,
    actor: Actor,
    prop: Property,
    tenant: Customer,
    start: dt.date | None,
    end: dt.date | None,
    documents: Iterable[str],
    notes: str = "",
    today: dt.date | None = None,
) -> RentalContract:
    """The tenant answers for the unit from `start` to `end` (inclusive): 400 naming the date that is
    missing or wrong, 409 when the checklist is incomplete or another contract is in force. The
    tenant takes the USER relation (the current user's ends on `start`) and the current responsible
    for the bill, if any, steps aside."""
    today = today or tenant_today()
    start, end = _check_dates(start, end, today)
    checked = _check_documents(documents)
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    current = RentalContract.objects.filter(property=prop, status=RentalContract.Status.ACTIVE).first()
    if current is not None:
        raise Conflict(
            f"O imóvel já tem um contrato de locação vigente até {current.end:%d/%m/%Y}: encerre-o antes "
            "(uma prorrogação é um novo contrato).",
            field="property",
            code=ErrorCode.RENTAL_CONTRACT_ACTIVE,
        )
    held = PropertyRelation.objects.filter(
        property=prop, role=PropertyRelation.Role.USER, end__isnull=True, customer=tenant
    ).first()
    # a tenant already registered as the unit's user keeps that relation: the contract dates it
    relation = held or relation_start(
        actor, prop, tenant, PropertyRelation.Role.USER, start, "contrato de locação"
    )
    payer = _bill_payer_steps_aside(prop, start)
    contract: RentalContract = RentalContract.objects.create(
        property=prop,
        tenant=tenant,
        start=start,
        end=end,
        documents=checked,
        relation=relation,
        notes=notes.strip()[:300],
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="registry.rental_contract_register",
        target=prop,
        after={
            "contract": contract.pk,
            "tenant": tenant.pk,
            "start": start,
            "end": end,
            "documents": checked,
            "bill_payer_ended": payer,
        },
    )
    return contract


def contract_close(actor: Actor, contract: RentalContract, last_day: dt.date, reason: str) -> None:
    """Ends the contract on `last_day` and closes the tenant's relation the day after.

    Runs inside the caller's transaction, which holds the contract's row lock.
    """
    contract.status = RentalContract.Status.ENDED
    contract.ended_on = last_day
    contract.end_reason = reason[:200]
    contract.save(update_fields=["status", "ended_on", "end_reason"])
    if contract.relation_id is not None:
        PropertyRelation.objects.filter(pk=contract.relation_id, end__isnull=True).update(
            end=max(relation_end(last_day), contract.start)
        )
    audit_record(
        actor=actor,
        action="registry.rental_contract_end",
        target=contract.property,
        before={"contract": contract.pk, "status": RentalContract.Status.ACTIVE},
        after={"contract": contract.pk, "status": contract.status, "ended_on": last_day},
        reason=reason,
    )


@transaction.atomic(durable=True)
def rental_contract_end(
    *, actor: Actor, contract: RentalContract, on: dt.date | None, reason: str, today: dt.date | None = None
) -> RentalContract:
    """Ends a contract before its end (the tenant left): `on` is the tenant's last day. The dates of a
    contract are never moved later: an extension is a new contract, informed by the owner."""
    today = today or tenant_today()
    contract = RentalContract.objects.select_for_update().select_related("property").get(pk=contract.pk)
    if contract.status != RentalContract.Status.ACTIVE:
        raise Conflict(
            "Este contrato já está encerrado.", field="contract", code=ErrorCode.RENTAL_CONTRACT_ENDED
        )
    if on is None:
        raise ValidationFailed(
            "Informe o último dia do inquilino no imóvel.", field="on", code=ErrorCode.RENTAL_DATE_REQUIRED
        )
    if on > contract.end:
        raise ValidationFailed(
            "A vigência de um contrato não se prorroga: registre um novo contrato informado "
            "pelo proprietário.",
            field="on",
            code=ErrorCode.RENTAL_DATES_IMMUTABLE,
        )
    if on < contract.start or on > today:
        raise ValidationFailed(
            f"O encerramento deve ficar entre o início do contrato ({contract.start:%d/%m/%Y}) e hoje.",
            field="on",
            code=ErrorCode.RENTAL_DATES_INVALID,
        )
    if not (reason or "").strip():
        raise ValidationFailed(
            "Informe o motivo do encerramento.", field="reason", code=ErrorCode.RENTAL_REASON_REQUIRED
        )
    contract_close(actor, contract, on, reason.strip())
    return contract


def rental_contracts_expire(*, actor: Actor, today: dt.date) -> list[int]:
    """The daily job: every contract in force whose end is before `today` ends on its end, and the
    owner is responsible again (S10.15-03). Each contract is its own transaction and is claimed by its
    status under a row lock, so a re-run or a concurrent run ends none twice."""
    ended = []
    due = list(
        RentalContract.objects.filter(status=RentalContract.Status.ACTIVE, end__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        with transaction.atomic(durable=True):
            contract = (
                RentalContract.objects.select_for_update(skip_locked=True)
                .select_related("property")
                .filter(pk=pk, status=RentalContract.Status.ACTIVE)
                .first()
            )
            if contract is None:
                continue
            contract_close(actor, contract, contract.end, "fim da vigência")
            ended.append(pk)
    return ended

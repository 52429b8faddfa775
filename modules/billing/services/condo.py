"""Individualized condominiums (seed 002 §14.8, S14.8-01): link each unit's property (dependent) to
the property of the condominium's main meter (master), and unlink it. One master per dependent; no
chains (a master is never a dependent). The billing run reads the links (services.pricing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Property

from ..errors import ErrorCode
from ..models import CondominiumDependent


@dataclass(frozen=True)
class DependentRow:
    id: int
    property_id: int
    account_number: str
    address: str
    linked_by: str


def _property(pk: int, field: str) -> Property:
    prop: Property | None = Property.objects.select_for_update().filter(pk=pk).first()
    if prop is None:
        raise NotFound(f"Imóvel {pk} não encontrado.", field=field, code=ErrorCode.PROPERTY_NOT_FOUND)
    return prop


def dependents_of(master_id: int) -> list[DependentRow]:
    return [
        DependentRow(
            row.pk, row.dependent_id, row.dependent.account_number, _address(row.dependent), row.created_by
        )
        for row in CondominiumDependent.objects.filter(master_id=master_id)
        .select_related("dependent__street")
        .order_by("dependent__account_number")
    ]


def _address(p: Property) -> str:
    text = f"{p.street}, {p.number}"
    return f"{text} – {p.complement}" if p.complement else text


def master_of(property_id: int) -> Property | None:
    row = CondominiumDependent.objects.filter(dependent_id=property_id).select_related("master").first()
    return row.master if row else None


@transaction.atomic(durable=True)
def dependent_link(*, actor: Actor, master_id: int, dependent_id: int) -> CondominiumDependent:
    """Link `dependent_id` to the master. Refuses (400, field `dependent`) a dependent already under a
    master (this one or another), a dependent that is itself a master, the master itself; and
    (field `master`) a master that is a dependent."""
    master = _property(master_id, "master")
    dependent = _property(dependent_id, "dependent")
    if master.pk == dependent.pk:
        raise ValidationFailed(
            "O imóvel não pode ser dependente de si mesmo.",
            field="dependent",
            code=ErrorCode.DEPENDENT_IS_MASTER_ITSELF,
        )
    current = CondominiumDependent.objects.filter(dependent=dependent).select_related("master").first()
    if current is not None:
        raise ValidationFailed(
            f"O imóvel {dependent.account_number} já é dependente do medidor principal do imóvel "
            f"{current.master.account_number}: desvincule-o antes.",
            field="dependent",
            code=ErrorCode.DEPENDENT_HAS_MASTER,
        )
    if CondominiumDependent.objects.filter(master=dependent).exists():
        raise ValidationFailed(
            f"O imóvel {dependent.account_number} é medidor principal de um condomínio "
            "e não pode ser dependente.",
            field="dependent",
            code=ErrorCode.DEPENDENT_IS_MASTER,
        )
    if CondominiumDependent.objects.filter(dependent=master).exists():
        raise ValidationFailed(
            f"O imóvel {master.account_number} é dependente de outro medidor principal "
            "e não pode ter dependentes.",
            field="master",
            code=ErrorCode.MASTER_IS_DEPENDENT,
        )
    row: CondominiumDependent = CondominiumDependent.objects.create(
        master=master, dependent=dependent, created_by=actor.get_username()
    )
    audit_record(
        actor=actor,
        action="billing.condo_dependent_link",
        target=master,
        after={"dependent": dependent.account_number},
    )
    return row


@transaction.atomic(durable=True)
def dependent_unlink(*, actor: Actor, master_id: int, dependent_id: int) -> None:
    """Unlink a dependent from the master: from the next run on, its consumption is no longer
    subtracted from the master's."""
    master = _property(master_id, "master")
    row = (
        CondominiumDependent.objects.filter(master=master, dependent_id=dependent_id)
        .select_related("dependent")
        .first()
    )
    if row is None:
        raise NotFound(
            "Esse imóvel não é dependente deste medidor principal.",
            field="dependent",
            code=ErrorCode.DEPENDENT_NOT_LINKED,
        )
    account = row.dependent.account_number
    row.delete()
    audit_record(
        actor=actor, action="billing.condo_dependent_unlink", target=master, before={"dependent": account}
    )

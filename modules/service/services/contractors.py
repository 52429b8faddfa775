"""Empreiteiras (3.2.11.26): contractor companies with their field teams and workers, contracts
paid by a fixed monthly value or per executed service, penalties per day of delay or per share of
late orders, and the monthly measurement (medição) of what each contract's teams executed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.domain.documents import strip_document
from modules.common.errors import NotFound, ValidationFailed, clean_or_fail

from ..domain.measurement import ExecutedLine, Terms, measure
from ..domain.orders import OrderStatus
from ..errors import ErrorCode
from ..models import ExecutedService, Sector, ServiceCode, Team
from ..models_orders import Contract, Contractor, ContractorMember, ContractorTeam, ContractPrice, Measurement


def _contractor(contractor_id: int) -> Contractor:
    row: Contractor | None = Contractor.objects.filter(pk=contractor_id).first()
    if row is None:
        raise NotFound("Empreiteira não encontrada.", field="contractor", code=ErrorCode.CONTRACTOR_NOT_FOUND)
    return row


@transaction.atomic(durable=True)
def contractor_create(*, actor: Actor, name: str, cnpj: str = "") -> Contractor:
    name = name.strip()
    if not name:
        raise ValidationFailed("Informe a razão social.", field="name", code=ErrorCode.INVALID)
    if Contractor.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(f"Já existe a empreiteira {name}.", field="name", code=ErrorCode.DUPLICATE)
    digits = strip_document(cnpj)
    if digits and len(digits) != 14:
        raise ValidationFailed("CNPJ deve ter 14 caracteres.", field="cnpj", code=ErrorCode.INVALID)
    row: Contractor = Contractor.objects.create(name=name, cnpj=digits)
    audit_record(
        actor=actor, action="service.contractor_create", target=row, after=snapshot(row, exclude=("id",))
    )
    return row


@transaction.atomic(durable=True)
def contractor_team_create(
    *, actor: Actor, contractor_id: int, name: str, sector: Sector | None = None, special: bool = False
) -> ContractorTeam:
    """A field team of the contractor: a Team like the utility's own (scheduled, closing orders), linked."""
    contractor = _contractor(contractor_id)
    name = name.strip()
    if not name:
        raise ValidationFailed("Informe o nome da equipe.", field="name", code=ErrorCode.INVALID)
    if Team.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(f"Já existe a equipe {name}.", field="name", code=ErrorCode.DUPLICATE)
    team = Team.objects.create(name=name, sector=sector, special=special)
    link: ContractorTeam = ContractorTeam.objects.create(contractor=contractor, team=team)
    audit_record(
        actor=actor,
        action="service.contractor_team_create",
        target=contractor,
        after={"team": team.name, "special": special},
    )
    return link


@transaction.atomic(durable=True)
def contractor_member_add(
    *, actor: Actor, team_id: int, name: str, cpf: str = "", role: str = ""
) -> ContractorMember:
    link = ContractorTeam.objects.select_related("contractor", "team").filter(team_id=team_id).first()
    if link is None:
        raise NotFound("Equipe de empreiteira não encontrada.", field="team", code=ErrorCode.TEAM_NOT_FOUND)
    if not name.strip():
        raise ValidationFailed("Informe o nome do integrante.", field="name", code=ErrorCode.INVALID)
    digits = strip_document(cpf)
    if digits and len(digits) != 11:
        raise ValidationFailed("CPF deve ter 11 dígitos.", field="cpf", code=ErrorCode.INVALID)
    row: ContractorMember = ContractorMember.objects.create(
        team=link, name=name.strip(), cpf=digits, role=role.strip()
    )
    audit_record(
        actor=actor,
        action="service.contractor_member_add",
        target=link.contractor,
        after={"team": link.team.name, "member": row.name, "role": row.role},
    )
    return row


@transaction.atomic(durable=True)
def contract_create(
    *,
    actor: Actor,
    contractor_id: int,
    number: str,
    starts_on: dt.date,
    ends_on: dt.date,
    pricing: str,
    monthly_value: Decimal = Decimal("0"),
    prices: dict[str, Decimal] | None = None,
    penalty_per_day: Decimal = Decimal("0"),
    late_threshold_percent: Decimal = Decimal("0"),
    late_penalty_percent: Decimal = Decimal("0"),
) -> Contract:
    """A contract (3.2.11.26.2–.3): fixed monthly value, or a price per service code."""
    contractor = _contractor(contractor_id)
    if pricing not in Contract.Pricing.values:
        raise ValidationFailed("Forma de pagamento inválida.", field="pricing", code=ErrorCode.INVALID)
    if ends_on < starts_on:
        raise ValidationFailed(
            "O fim da vigência é anterior ao início.", field="ends_on", code=ErrorCode.INVALID
        )
    if Contract.objects.filter(number=number.strip()).exists():
        raise ValidationFailed(f"Já existe o contrato {number}.", field="number", code=ErrorCode.DUPLICATE)
    if pricing == Contract.Pricing.FIXED and monthly_value <= 0:
        raise ValidationFailed(
            "Um contrato de valor fixo precisa do valor mensal.",
            field="monthly_value",
            code=ErrorCode.INVALID,
        )
    if pricing == Contract.Pricing.PER_SERVICE and not prices:
        raise ValidationFailed(
            "Um contrato por serviço precisa da tabela de preços dos serviços.",
            field="prices",
            code=ErrorCode.INVALID,
        )
    row = Contract(
        contractor=contractor,
        number=number.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        pricing=pricing,
        monthly_value=monthly_value,
        penalty_per_day=penalty_per_day,
        late_threshold_percent=late_threshold_percent,
        late_penalty_percent=late_penalty_percent,
    )
    clean_or_fail(row, exclude=["contractor"])
    row.save()
    for index, (code, price) in enumerate(sorted((prices or {}).items())):
        service = ServiceCode.objects.filter(code=code.strip().upper()).first()
        if service is None:
            raise NotFound(
                f"Código de serviço {code} não encontrado.",
                field=f"prices[{index}].code",
                code=ErrorCode.CODE_NOT_FOUND,
            )
        if price < 0:
            raise ValidationFailed("Preço negativo.", field=f"prices[{index}].price", code=ErrorCode.INVALID)
        ContractPrice.objects.create(contract=row, code=service, price=price)
    audit_record(
        actor=actor,
        action="service.contract_create",
        target=row,
        after=snapshot(row, exclude=("id", "contractor"))
        | {"contractor": contractor.name, "prices": {k.upper(): str(v) for k, v in (prices or {}).items()}},
    )
    return row


def _month_lines(contract: Contract, month: YearMonth) -> tuple[list[ExecutedLine], list[bool]]:
    """The executed services of the contract's teams whose execution fell in the month (local dates)
    and within the contract's validity."""
    zone = tenant_zone()
    first = max(month.first_day(), contract.starts_on)
    last = min(month.last_day(), contract.ends_on)
    if first > last:
        return [], []
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    teams = ContractorTeam.objects.filter(contractor_id=contract.contractor_id).values("team_id")
    rows = (
        ExecutedService.objects.filter(
            order__team_id__in=teams,
            order__status=OrderStatus.EXECUTED,
            order__executed_at__gte=start,
            order__executed_at__lt=end,
        )
        .select_related("order", "code")
        .order_by("order__executed_at", "order_id", "id")
    )
    lines: list[ExecutedLine] = []
    late: list[bool] = []
    for r in rows:
        o = r.order
        lines.append(
            ExecutedLine(
                order=o.label,
                code=r.code.code,
                quantity=r.quantity,
                due_on=o.due_at.astimezone(zone).date(),
                executed_on=o.executed_at.astimezone(zone).date(),
            )
        )
        late.append(o.executed_at > o.due_at)
    return lines, late


def contract_terms(contract: Contract) -> Terms:
    return Terms(
        pricing=contract.pricing,
        monthly_value=contract.monthly_value,
        prices={p.code.code: p.price for p in contract.prices.select_related("code")},
        penalty_per_day=contract.penalty_per_day,
        late_threshold_percent=contract.late_threshold_percent,
        late_penalty_percent=contract.late_penalty_percent,
    )


@transaction.atomic(durable=True)
def measurement_compute(*, actor: Actor, contract_id: int, month: YearMonth) -> Measurement:
    """Medição of the contract in `month` (3.2.11.26.4), from the executed orders of its teams;
    computed again (replacing the row) when run again, so late closings of the month are counted."""
    contract = Contract.objects.select_for_update().filter(pk=contract_id).first()
    if contract is None:
        raise NotFound("Contrato não encontrado.", field="contract", code=ErrorCode.CONTRACT_NOT_FOUND)
    if month.last_day() < contract.starts_on or month.first_day() > contract.ends_on:
        raise ValidationFailed(
            f"O contrato {contract.number} não está em vigor em {month.label}.",
            field="month",
            code=ErrorCode.CONTRACT_NOT_IN_FORCE,
        )
    lines, late = _month_lines(contract, month)
    result = measure(contract_terms(contract), lines, late)
    data: dict[str, Any] = {
        "gross": result.gross,
        "penalty_delay": result.penalty_delay,
        "penalty_late_share": result.penalty_late_share,
        "net": result.net,
        "orders": result.orders,
        "late_orders": result.late_orders,
        "late_days": result.late_days,
        "lines": [
            {
                "order": p.order,
                "code": p.code,
                "quantity": f"{p.quantity:f}",
                "unit_price": str(p.unit_price) if p.unit_price is not None else None,
                "amount": str(p.amount),
                "days_late": p.days_late,
            }
            for p in result.lines
        ],
        "computed_at": timezone.now(),
        "computed_by": actor.get_username(),
    }
    row: Measurement
    row, _ = Measurement.objects.update_or_create(contract=contract, month=month.first_day(), defaults=data)
    audit_record(
        actor=actor,
        action="service.measurement_compute",
        target=contract,
        after={
            "month": month.label,
            "gross": str(result.gross),
            "penalties": str(result.penalty_delay + result.penalty_late_share),
            "net": str(result.net),
            "unpriced": list(result.unpriced),
        },
    )
    return row


def measurements_due(today: dt.date) -> list[int]:
    """The contracts whose previous month is measured by the monthly job."""
    previous = YearMonth.of(today).previous()
    return list(
        Contract.objects.filter(starts_on__lte=previous.last_day(), ends_on__gte=previous.first_day())
        .order_by("pk")
        .values_list("pk", flat=True)
    )

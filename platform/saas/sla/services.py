"""Every write of the SLA app: contracts, probe results and outages, incidents, vendor invoices.

Keyword-only, one transaction each, an audit row in the public schema in that transaction. The
instant "now" is read once by the caller and passed down, so a recomputation sees the same clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from tenants.errors import ErrorCode as TenantCode
from tenants.models import Tenant

from .domain import priorities
from .domain.probes import ProbeState, Transition, step
from .errors import ErrorCode
from .models import (
    Contract,
    Incident,
    IncidentChannel,
    IncidentStatus,
    InvoiceLine,
    Outage,
    OutageSource,
    ProbeMonitor,
    ProbeResult,
    VendorInvoice,
)

PROBE_ACTOR = SystemActor("probe")
INVOICE_DUE_DAYS = 15


class UtilityStaffActor:
    """A utility's staff user acting on vendor data: audited in the public schema by name and
    schema only (their id belongs to their own schema and means nothing in public)."""

    pk = None

    def __init__(self, user: Any, schema: str) -> None:
        self.user = user
        self.schema = schema

    def get_username(self) -> str:
        return f"{self.schema}:{self.user.get_username()}"


def tenant_by_schema(schema: str, *, field: str = "tenant") -> Tenant:
    tenant: Tenant | None = Tenant.objects.exclude(schema_name="public").filter(schema_name=schema).first()
    if tenant is None:
        raise NotFound(
            f"Concessionária '{schema}' não encontrada.", field=field, code=TenantCode.TENANT_NOT_FOUND
        )
    return tenant


def _public() -> Any:
    """Writes of this app always go to the public schema, whatever host the request came from."""
    return schema_context("public")


# --- contract -----------------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "monthly_value",
    "start_date",
    "availability_target",
    "annual_downtime_minutes",
    "response_minutes",
    "resolution_hours",
    "maintenance_excluded",
)


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            'Informe um valor em reais, ex.: "10000.00".', field=field, code=CommonCode.INVALID
        ) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "O valor deve ser positivo e ter no máximo duas casas decimais.",
            field=field,
            code=CommonCode.INVALID,
        )
    return amount


@transaction.atomic(durable=True)
def contract_set(
    *, actor: Actor, tenant: Tenant, today: dt.date, reason: str = "", **values: Any
) -> Contract:
    unknown = set(values) - set(CONTRACT_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"Campo desconhecido: {sorted(unknown)[0]}.", field=sorted(unknown)[0], code=CommonCode.INVALID
        )
    if "monthly_value" in values:
        values["monthly_value"] = _money(values["monthly_value"], "monthly_value")
    hours = values.get("resolution_hours")
    if hours is not None:
        expected = {str(p.level) for p in priorities.PRIORITIES}
        if (
            not isinstance(hours, dict)
            or set(hours) != expected
            or any(v is not None and (not isinstance(v, int) or v <= 0) for v in hours.values())
        ):
            raise ValidationFailed(
                "Informe os prazos de solução (horas corridas) das prioridades 0 a 6.",
                field="resolution_hours",
                code=CommonCode.INVALID,
            )
    with _public():
        contract: Contract | None = Contract.objects.select_for_update().filter(tenant=tenant).first()
        before = snapshot(contract) if contract else None
        if contract is None:
            if "monthly_value" not in values:
                raise ValidationFailed(
                    "Informe o valor mensal do serviço.", field="monthly_value", code=CommonCode.INVALID
                )
            values.setdefault("start_date", today)
            contract = Contract(tenant=tenant)
        for name, value in values.items():
            setattr(contract, name, value)
        contract.save()
        contract.refresh_from_db()
        audit_record(
            actor=actor,
            action="sla.contract_set",
            target=contract,
            before=before,
            after=snapshot(contract),
            reason=reason,
        )
    return contract


# --- probes and outages -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def probe_record(
    *,
    tenant_schema: str,
    at: dt.datetime,
    ok: bool,
    status_code: int | None = None,
    latency_ms: int | None = None,
    error: str = "",
    slot: str = "",
) -> ProbeResult:
    """Record one probe result and apply it: the first failure opens an outage at its instant, the
    first success after failures closes it at its instant. A redelivered slot changes nothing; a
    result older than the last one applied is kept but not applied."""
    if at.tzinfo is None:
        raise ValidationFailed("Informe o instante com fuso horário.", field="at", code=CommonCode.INVALID)
    with _public():
        tenant = Tenant.objects.exclude(schema_name="public").filter(schema_name=tenant_schema).first()
        if tenant is None:
            raise ValidationFailed(
                f"Resultado de sonda recusado: concessionária '{tenant_schema}' desconhecida.",
                field="tenant",
                code=TenantCode.TENANT_NOT_FOUND,
            )
        monitor, _ = ProbeMonitor.objects.get_or_create(tenant=tenant)
        monitor = (
            ProbeMonitor.objects.select_for_update(of=("self",))
            .select_related("open_outage")
            .get(pk=monitor.pk)
        )
        if slot:
            existing: ProbeResult | None = ProbeResult.objects.filter(tenant=tenant, slot=slot).first()
            if existing is not None:
                return existing
        open_outage = monitor.open_outage
        state = ProbeState(last_at=monitor.last_at, open_since=open_outage.start if open_outage else None)
        new_state, transition = step(state, at=at, ok=ok)
        result: ProbeResult = ProbeResult.objects.create(
            tenant=tenant,
            at=at,
            slot=slot,
            ok=ok,
            status_code=status_code,
            latency_ms=latency_ms,
            error=error[:300],
            applied=transition is not Transition.STALE,
        )
        if transition is Transition.STALE:
            return result
        if transition is Transition.OPEN:
            open_outage = Outage.objects.create(
                tenant=tenant,
                start=at,
                source=OutageSource.PROBE,
                recorded_by=PROBE_ACTOR.get_username(),
                cause=f"Sonda falhou: {error or status_code or 'sem resposta'}"[:500],
            )
            audit_record(
                actor=PROBE_ACTOR, action="sla.outage_open", target=open_outage, after=snapshot(open_outage)
            )
        elif transition is Transition.CLOSE and open_outage is not None:
            open_outage.end = at
            open_outage.save(update_fields=["end", "updated_at"])
            audit_record(
                actor=PROBE_ACTOR,
                action="sla.outage_close",
                target=open_outage,
                before={"end": None},
                after={"end": at},
            )
            open_outage = None
        monitor.last_at, monitor.last_ok = new_state.last_at, ok
        monitor.open_outage = open_outage
        monitor.save()
    return result


def _check_period(start: dt.datetime, end: dt.datetime | None, now: dt.datetime) -> None:
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ValidationFailed(
            "Informe início e fim com fuso horário (ISO-8601).", field="start", code=CommonCode.INVALID
        )
    if end is not None and end < start:
        raise ValidationFailed(
            "O fim da indisponibilidade não pode ser anterior ao início.",
            field="end",
            code=CommonCode.INVALID,
        )
    if start > now or (end is not None and end > now):
        raise ValidationFailed(
            "Não é possível registrar indisponibilidade no futuro.", field="end", code=CommonCode.INVALID
        )


@transaction.atomic(durable=True)
def outage_record(
    *,
    actor: Actor,
    tenant: Tenant,
    start: dt.datetime,
    end: dt.datetime | None,
    cause: str,
    now: dt.datetime,
    excluded: bool = False,
    reason: str = "",
) -> Outage:
    """A vendor staff member records an outage by hand (e.g. reported by the utility by phone)."""
    _check_period(start, end, now)
    if not cause.strip():
        raise ValidationFailed(
            "Informe a causa da indisponibilidade.", field="cause", code=CommonCode.INVALID
        )
    if excluded and not reason.strip():
        raise ValidationFailed(
            "Uma indisponibilidade excluída do contrato exige o motivo.",
            field="reason",
            code=CommonCode.INVALID,
        )
    with _public():
        outage: Outage = Outage.objects.create(
            tenant=tenant,
            start=start,
            end=end,
            source=OutageSource.MANUAL,
            cause=cause.strip(),
            excluded=excluded,
            exclusion_reason=reason.strip() if excluded else "",
            recorded_by=actor.get_username(),
        )
        audit_record(
            actor=actor, action="sla.outage_record", target=outage, after=snapshot(outage), reason=reason
        )
    return outage


@transaction.atomic(durable=True)
def outage_exclude(*, actor: Actor, outage: Outage, excluded: bool, reason: str) -> Outage:
    """Mark an outage as excluded under the contract (or count it again), with a reason."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe o motivo da exclusão (ou da reinclusão).", field="reason", code=CommonCode.INVALID
        )
    with _public():
        outage = Outage.objects.select_for_update().get(pk=outage.pk)
        before = snapshot(outage, ["excluded", "exclusion_reason"])
        outage.excluded = excluded
        outage.exclusion_reason = reason.strip() if excluded else ""
        outage.save(update_fields=["excluded", "exclusion_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="sla.outage_exclude" if excluded else "sla.outage_include",
            target=outage,
            before=before,
            after=snapshot(outage, ["excluded", "exclusion_reason"]),
            reason=reason.strip(),
        )
    return outage


# --- incidents ------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def incident_open(
    *,
    actor: Actor,
    tenant: Tenant,
    priority: int,
    description: str,
    now: dt.datetime,
    channel: str = IncidentChannel.API,
    opened_at: dt.datetime | None = None,
    scheduled_for: dt.datetime | None = None,
    by_utility: bool = False,
    alert_fingerprint: str = "",
) -> Incident:
    """Open a chamado; the protocol number comes back at once and is never reused (it carries the
    row's id, drawn from a database sequence). `opened_at` is the contact time when the vendor
    registers a call received by phone or e-mail (TR 1.6), never in the future."""
    if not isinstance(priority, int) or isinstance(priority, bool) or priority not in priorities.BY_LEVEL:
        raise ValidationFailed(
            "Prioridade desconhecida: use 0 (Inoperante) a 6 (Baixa).",
            field="priority",
            code=CommonCode.INVALID,
        )
    if not description.strip():
        raise ValidationFailed("Descreva o problema.", field="description", code=CommonCode.INVALID)
    if channel not in IncidentChannel.values:
        raise ValidationFailed("Canal desconhecido.", field="channel", code=CommonCode.INVALID)
    opened = opened_at or now
    if opened > now:
        raise ValidationFailed(
            "A abertura não pode estar no futuro.", field="opened_at", code=CommonCode.INVALID
        )
    with _public():
        contract = Contract.objects.filter(tenant=tenant).first()
        due = priorities.deadlines(
            opened_at=opened,
            level=priority,
            resolution_hours=contract.resolution_hours if contract else priorities.DEFAULT_RESOLUTION_HOURS,
            response_minutes=contract.response_minutes if contract else priorities.RESPONSE_MINUTES,
            scheduled_for=scheduled_for,
        )
        incident: Incident = Incident.objects.create(
            protocol=uuid.uuid4().hex[:20],
            tenant=tenant,
            priority=priority,
            description=description.strip(),
            channel=channel,
            opened_at=opened,
            opened_by=actor.get_username(),
            opened_by_utility=by_utility,
            scheduled_for=scheduled_for,
            response_due=due.response_due,
            resolution_due=due.resolution_due,
            alert_fingerprint=alert_fingerprint,
        )
        incident.protocol = f"{opened:%Y}{incident.pk:06d}"
        incident.save(update_fields=["protocol"])
        audit_record(actor=actor, action="sla.incident_open", target=incident, after=snapshot(incident))
    return incident


def _transition(
    incident: Incident,
    actor: Actor,
    action: str,
    allowed: tuple[str, ...],
    message: str,
    *,
    attend_now: dt.datetime | None = None,
    **changes: Any,
) -> Incident:
    """Apply a status change to the locked row (never to the caller's possibly stale copy). With
    `attend_now`, an incident nobody attended yet counts as attended at that instant. Runs inside the
    caller's transaction (each transition's own)."""
    with _public():
        locked: Incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.status not in allowed:
            raise Conflict(message, field="status", code=ErrorCode.INCIDENT_WRONG_STATUS)
        if attend_now is not None and locked.acknowledged_at is None:
            changes.update(acknowledged_at=attend_now, acknowledged_by=actor.get_username())
        before = snapshot(locked, list(changes))
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        audit_record(
            actor=actor, action=action, target=locked, before=before, after=snapshot(locked, list(changes))
        )
    return locked


@transaction.atomic(durable=True)
def incident_acknowledge(*, actor: Actor, incident: Incident, now: dt.datetime) -> Incident:
    return _transition(
        incident,
        actor,
        "sla.incident_acknowledge",
        (IncidentStatus.OPEN,),
        "O chamado já foi atendido.",
        status=IncidentStatus.ACKNOWLEDGED,
        acknowledged_at=now,
        acknowledged_by=actor.get_username(),
    )


@transaction.atomic(durable=True)
def incident_resolve(
    *, actor: Actor, incident: Incident, solution: str, root_cause: str, now: dt.datetime
) -> Incident:
    if not solution.strip():
        raise ValidationFailed("Descreva a solução aplicada.", field="solution", code=CommonCode.INVALID)
    if not root_cause.strip():
        raise ValidationFailed("Informe a causa raiz.", field="root_cause", code=CommonCode.INVALID)
    changes: dict[str, Any] = {
        "status": IncidentStatus.RESOLVED,
        "resolved_at": now,
        "resolved_by": actor.get_username(),
        "solution": solution.strip(),
        "root_cause": root_cause.strip(),
    }
    return _transition(
        incident,
        actor,
        "sla.incident_resolve",
        (IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED),
        "Só um chamado aberto ou em atendimento pode ser resolvido.",
        attend_now=now,  # solving is also attending
        **changes,
    )


@transaction.atomic(durable=True)
def incident_accept(*, actor: UtilityStaffActor, incident: Incident, now: dt.datetime) -> Incident:
    """The utility agrees with the solution and its root cause (TR 1.6): only then may it close."""
    return _transition(
        incident,
        actor,
        "sla.incident_accept",
        (IncidentStatus.RESOLVED,),
        "Só um chamado resolvido pode receber o aceite da concessionária.",
        accepted_at=now,
        accepted_by=actor.get_username(),
    )


@transaction.atomic(durable=True)
def incident_reject(*, actor: UtilityStaffActor, incident: Incident, reason: str) -> Incident:
    """The utility disagrees: the chamado goes back to the vendor, and the resolution clock keeps running."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe por que a solução não foi aceita.", field="reason", code=CommonCode.INVALID
        )
    return _transition(
        incident,
        actor,
        "sla.incident_reject",
        (IncidentStatus.RESOLVED,),
        "Só um chamado resolvido pode ser recusado.",
        status=IncidentStatus.ACKNOWLEDGED,
        resolved_at=None,
        resolved_by="",
        accepted_at=None,
        accepted_by="",
    )


@transaction.atomic(durable=True)
def incident_close(*, actor: Actor, incident: Incident, now: dt.datetime) -> Incident:
    incident.refresh_from_db()
    if incident.status == IncidentStatus.RESOLVED and not incident.root_cause:
        raise ValidationFailed(
            "Encerramento exige a causa raiz documentada.", field="root_cause", code=CommonCode.INVALID
        )
    if incident.status == IncidentStatus.RESOLVED and incident.accepted_at is None:
        raise Conflict(
            "O chamado só pode ser encerrado após o aceite da concessionária.",
            field="accepted_at",
            code=ErrorCode.ACCEPTANCE_REQUIRED,
        )
    return _transition(
        incident,
        actor,
        "sla.incident_close",
        (IncidentStatus.RESOLVED,),
        "Só um chamado resolvido e aceito pode ser encerrado.",
        status=IncidentStatus.CLOSED,
        closed_at=now,
        closed_by=actor.get_username(),
    )


# --- invoices -------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def invoice_issue(*, actor: Actor, tenant: Tenant, month: YearMonth, now: dt.datetime) -> VendorInvoice:
    """The monthly invoice of a closed month, with the interruption discount as its own line. Issuing
    again returns the invoice already issued, unchanged (the figures are frozen at issue)."""
    from . import selectors

    with _public():
        existing: VendorInvoice | None = VendorInvoice.objects.filter(
            tenant=tenant, month=month.first_day()
        ).first()
        if existing is not None:
            return existing
        report = selectors.month_report(tenant=tenant, month=month, as_of=now)
        if not report.closed:
            raise ValidationFailed(
                "O mês ainda não terminou: a fatura é emitida após o seu encerramento.",
                field="month",
                code=ErrorCode.MONTH_NOT_OVER,
            )
        if report.contract is None:
            raise ValidationFailed(
                "A concessionária não tem contrato cadastrado.", field="contract", code=ErrorCode.NO_CONTRACT
            )
        vms = report.contract.monthly_value
        try:
            with transaction.atomic():
                invoice: VendorInvoice = VendorInvoice.objects.create(
                    number=uuid.uuid4().hex[:20],
                    tenant=tenant,
                    month=month.first_day(),
                    issued_at=now,
                    issued_by=actor.get_username(),
                    due_date=now.date() + dt.timedelta(days=INVOICE_DUE_DAYS),
                    monthly_value=vms,
                    unavailable_seconds=report.unavailable_seconds,
                    discount=report.discount,
                    total=vms - report.discount,
                    interruptions=[
                        {
                            "start": i.start.isoformat(),
                            "end": i.end.isoformat(),
                            "seconds": i.duration.total_seconds(),
                        }
                        for i in report.intervals
                    ],
                )
                invoice.number = f"{now:%Y}/{invoice.pk:06d}"
                invoice.save(update_fields=["number"])
                InvoiceLine.objects.create(
                    invoice=invoice,
                    position=1,
                    amount=vms,
                    description=f"Sistema Comercial: licença, hospedagem e suporte, {month.label}",
                )
                InvoiceLine.objects.create(
                    invoice=invoice,
                    position=2,
                    amount=-report.discount,
                    description=(
                        f"Desconto por interrupções (item 1.8): VMS ÷ 720 h × "
                        f"{report.unavailable_hours_text} h indisponível em {month.label}"
                    ),
                )
                audit_record(actor=actor, action="sla.invoice_issue", target=invoice, after=snapshot(invoice))
        except IntegrityError:  # issued concurrently by someone else: theirs stands
            theirs: VendorInvoice = VendorInvoice.objects.get(tenant=tenant, month=month.first_day())
            return theirs
    return invoice

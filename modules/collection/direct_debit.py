"""Direct debit (débito automático, ADR 0235): agreements, authorisations, remittances and returns.

* An agreement (convênio de débito) belongs to a bank (collecting agent); a bank may hold several,
  and each produces its own remittance, numbered by its own NSA (3.2.8.16).
* An authorisation ties a property to an agreement, a branch and an account. The bank's B records
  create and cancel them; the utility's own enrolment and cancellation are sent to the bank as B
  records in the next remittance. A B record naming no property waits in a queue (3.2.7.17).
* A remittance takes, for one agreement, every open bill due from today to `due_until` whose property
  has an authorisation the bank knows there, unless staff froze the bill or forced it to another
  agreement; a bill refused by the bank goes again only when staff resend it with a reason
  (3.2.7.16). Each bill sent prints "débito automático" instead of its barcode until the bank
  refuses it (`Bill.direct_debit`).
* A return's F records settle through the same judgement as every other channel (`payments_match`):
  a bill paid meanwhile by another channel makes the debit a payment in review (duplicate), never a
  second settlement. Every B and F record is kept with what was made of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.clock import current_tenant, tenant_today
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.typed import transaction
from modules.reading.models import ReadingSchedule
from modules.registry.models import Property

from .bulk import values_update
from .documents import held_bills
from .domain import direct_debit as layout
from .errors import ErrorCode
from .matcher import Incoming, payments_match
from .models import (
    CollectingAgent,
    DirectDebitAgreement,
    DirectDebitAuthorization,
    DirectDebitBillControl,
    DirectDebitEnrolmentQueue,
    DirectDebitItem,
    DirectDebitRemittance,
    DirectDebitReturn,
    DirectDebitReturnRecord,
    Payment,
)

A = DirectDebitAuthorization
I = DirectDebitItem  # noqa: E741
O = DirectDebitReturnRecord.Outcome  # noqa: E741


def _company_name() -> str:
    tenant = current_tenant()
    return (tenant.name if tenant is not None else "") or "CONCESSIONARIA"


def _digits(value: str, size: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > size or not value.replace("-", "").isalnum():
        raise ValidationFailed(
            f"{label}: informe até {size} letras ou dígitos (como no registro B do FEBRABAN).",
            field=field,
            code=ErrorCode.INVALID,
        )
    return value


# --- agreements ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def agreement_create(
    *, actor: Actor, agent_code: str, code: str, name: str = "", layout_version: str = "05"
) -> DirectDebitAgreement:
    agent = CollectingAgent.objects.filter(code=(agent_code or "").strip()).first()
    if agent is None or agent.kind != CollectingAgent.Kind.BANK:
        raise ValidationFailed(
            f"Agente «{agent_code}»: o débito automático é contratado com um banco cadastrado.",
            field="agent",
            code=ErrorCode.AGENT_NOT_FOUND,
        )
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        raise ValidationFailed(
            "Convênio de débito: até 20 caracteres, como no header do arquivo (A.03).",
            field="code",
            code=ErrorCode.INVALID,
        )
    if layout_version not in ("04", "05"):
        raise ValidationFailed(
            "Versão do layout: 04 ou 05 (Padrão FEBRABAN de Débito Automático).",
            field="layout_version",
            code=ErrorCode.INVALID,
        )
    if DirectDebitAgreement.objects.filter(code=code).exists():
        raise Conflict(
            f"O convênio de débito {code} já está cadastrado.", field="code", code=ErrorCode.AGREEMENT_TAKEN
        )
    agreement = DirectDebitAgreement.objects.create(
        agent=agent,
        code=code,
        name=name.strip()[:80],
        layout_version=layout_version,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.debit_agreement_create",
        target=agreement,
        after={"agent": agent.code, "code": code, "layout_version": layout_version},
    )
    return agreement


# --- authorisations ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def authorization_create(
    *,
    actor: Actor,
    property_id: int,
    agreement_id: int,
    branch: str,
    account: str,
    opted_on: dt.date | None = None,
) -> DirectDebitAuthorization:
    """The utility's own enrolment (opt-in at the counter or the agency): active at once, and sent
    to the bank as a B record (inclusão) in the next remittance; debits under it go from the
    remittance after that one, once the bank knows it."""
    prop = Property.objects.select_for_update().filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", code=ErrorCode.PROPERTY_NOT_FOUND)
    agreement = DirectDebitAgreement.objects.filter(pk=agreement_id, active=True).first()
    if agreement is None:
        raise ValidationFailed(
            "Convênio de débito não encontrado ou inativo.",
            field="agreement",
            code=ErrorCode.DEBIT_AGREEMENT_NOT_FOUND,
        )
    branch = _digits(branch, 4, "branch", "Agência")
    account = _digits(account, 14, "account", "Conta")
    active = A.objects.filter(property=prop, status=A.Status.ACTIVE).first()
    if active is not None:
        raise Conflict(
            f"A matrícula {prop.account_number} já tem débito automático ativo no convênio "
            f"{active.agreement.code}; cancele-o antes de cadastrar outro.",
            field="property",
            code=ErrorCode.AUTHORIZATION_ACTIVE,
        )
    auth = A.objects.create(
        property=prop,
        agreement=agreement,
        branch=branch,
        account=account,
        origin=A.Origin.UTILITY,
        pending=A.Pending.INCLUDE,
        opted_on=opted_on or tenant_today(),
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.debit_authorization_create",
        target=auth,
        after={
            "property": prop.account_number,
            "agreement": agreement.code,
            "branch": branch,
            "account": auth.masked_account,
        },
    )
    return auth


@transaction.atomic(durable=True)
def authorization_cancel(*, actor: Actor, authorization_id: int, reason: str) -> DirectDebitAuthorization:
    """Opt-out: no bill goes to debit under it from now on; the bank is told in the next remittance
    (B, exclusão). A debit already sent stays with the bank's answer."""
    if not (reason or "").strip():
        raise ValidationFailed("Informe o motivo do cancelamento.", field="reason", code=ErrorCode.INVALID)
    auth = A.objects.select_for_update().filter(pk=authorization_id).first()
    if auth is None:
        raise NotFound("Autorização de débito não encontrada.", code=ErrorCode.AUTHORIZATION_NOT_FOUND)
    if auth.status != A.Status.ACTIVE:
        raise Conflict(
            "Esta autorização já está cancelada.", field="status", code=ErrorCode.AUTHORIZATION_CANCELLED
        )
    never_sent = auth.pending == A.Pending.INCLUDE
    auth.status = A.Status.CANCELLED
    auth.cancelled_on = tenant_today()
    # an enrolment the bank never received needs no exclusion
    auth.pending = A.Pending.NONE if never_sent else A.Pending.EXCLUDE
    auth.save(update_fields=["status", "cancelled_on", "pending"])
    audit_record(
        actor=actor,
        action="collection.debit_authorization_cancel",
        target=auth,
        before={"status": "active"},
        after={"status": "cancelled", "pending": auth.pending},
        reason=reason.strip(),
    )
    return auth


# --- what staff decide for a bill ----------------------------------------------------------------


def _bill(bill_id: int) -> Bill:
    bill = Bill.objects.select_for_update().filter(pk=bill_id).first()
    if bill is None:
        raise NotFound("Fatura não encontrada.", code=ErrorCode.BILL_NOT_FOUND)
    return bill


@transaction.atomic(durable=True)
def bill_control_set(
    *, actor: Actor, bill_id: int, frozen: bool, forced_agreement_id: int | None, reason: str
) -> DirectDebitBillControl:
    """Freeze a bill out of every remittance, or force it to one agreement (S13.4-03/04)."""
    if not (reason or "").strip():
        raise ValidationFailed("Informe a justificativa.", field="reason", code=ErrorCode.INVALID)
    bill = _bill(bill_id)
    forced = None
    if forced_agreement_id is not None:
        forced = DirectDebitAgreement.objects.filter(pk=forced_agreement_id, active=True).first()
        if forced is None:
            raise ValidationFailed(
                "Convênio de débito não encontrado ou inativo.",
                field="forced_agreement",
                code=ErrorCode.DEBIT_AGREEMENT_NOT_FOUND,
            )
    control, _ = DirectDebitBillControl.objects.get_or_create(
        bill=bill, defaults={"reason": reason.strip()[:300], "updated_by": actor.get_username()}
    )
    before = {"frozen": control.frozen, "forced_agreement": control.forced_agreement_id}
    control.frozen = frozen
    control.forced_agreement = forced
    control.reason = reason.strip()[:300]
    control.updated_by = actor.get_username()
    control.save()
    audit_record(
        actor=actor,
        action="collection.debit_bill_control",
        target=control,
        before=before,
        after={"bill": bill.pk, "frozen": frozen, "forced_agreement": forced.code if forced else None},
        reason=reason.strip(),
    )
    return control


@transaction.atomic(durable=True)
def bill_resend(*, actor: Actor, bill_id: int, reason: str) -> DirectDebitBillControl:
    """Send a bill the bank refused in the next remittance again, with the reason (3.2.7.16)."""
    if not (reason or "").strip():
        raise ValidationFailed("Informe o motivo do reenvio.", field="reason", code=ErrorCode.INVALID)
    bill = _bill(bill_id)
    last = I.objects.filter(bill=bill).order_by("-attempt").first()
    if last is None or last.status != I.Status.REFUSED:
        raise Conflict(
            "Só uma fatura recusada pelo banco no débito automático pode ser reenviada.",
            field="bill",
            code=ErrorCode.DEBIT_NOT_REFUSED,
        )
    if bill.status != BillStatus.RELEASED:
        raise Conflict("A fatura não está mais em aberto.", field="bill", code=ErrorCode.BILL_NOT_OPEN)
    control, _ = DirectDebitBillControl.objects.get_or_create(
        bill=bill, defaults={"reason": reason.strip()[:300], "updated_by": actor.get_username()}
    )
    control.resend_reason = reason.strip()[:200]
    control.frozen = False
    control.updated_by = actor.get_username()
    control.save()
    audit_record(
        actor=actor,
        action="collection.debit_bill_resend",
        target=control,
        after={"bill": bill.pk, "last_code": last.return_code},
        reason=reason.strip(),
    )
    return control


# --- remittances ---------------------------------------------------------------------------------


def _eligible(agreement: DirectDebitAgreement, today: dt.date, due_until: dt.date) -> QuerySet[Bill]:
    """The bills this agreement's remittance would carry (one query)."""
    known_here = A.objects.filter(
        property_id=OuterRef("property_id"), agreement=agreement, status=A.Status.ACTIVE
    ).exclude(pending=A.Pending.INCLUDE)
    any_here = A.objects.filter(property_id=OuterRef("property_id"), agreement=agreement).exclude(
        pending=A.Pending.INCLUDE
    )
    controls = DirectDebitBillControl.objects.filter(bill_id=OuterRef("pk"))
    live = I.objects.filter(bill_id=OuterRef("pk")).exclude(status=I.Status.REFUSED)
    refused = I.objects.filter(bill_id=OuterRef("pk"), status=I.Status.REFUSED)
    return (
        Bill.objects.filter(status=BillStatus.RELEASED, hold="", due_date__gte=today, due_date__lte=due_until)
        .annotate(
            frozen=Exists(controls.filter(frozen=True)),
            forced=Subquery(controls.values("forced_agreement_id")[:1]),
            resend=Subquery(controls.values("resend_reason")[:1]),
            live=Exists(live),
            was_refused=Exists(refused),
            known_here=Exists(known_here),
            any_here=Exists(any_here),
        )
        .filter(frozen=False, live=False)
        .filter(Q(was_refused=False) | ~Q(resend=""))
        .filter((Q(forced__isnull=True) & Q(known_here=True)) | (Q(forced=agreement.pk) & Q(any_here=True)))
    )


def _debit_dates(bill_ids: list[int], today: dt.date) -> dict[int, dt.date]:
    """The day the bank is asked to debit each bill, when it is not its due date: the automatic-debit
    date of its group's schedule for the month (S12.1-01), for a bill on the schedule's due date (a
    rebill with a date of its own keeps it) and while that day is still ahead."""
    out: dict[int, dt.date] = {}
    bills = Bill.objects.filter(pk__in=bill_ids).values_list(
        "id", "property__billing_group_id", "reference", "due_date"
    )
    wanted = {(g, ref) for _, g, ref, _ in bills if g is not None}
    if not wanted:
        return out
    schedules = {
        (g, ref): (due, debit)
        for g, ref, due, debit in ReadingSchedule.objects.filter(
            group_id__in={g for g, _ in wanted}, reference__in={ref for _, ref in wanted}
        ).values_list("group_id", "reference", "due_date", "debit_date")
    }
    for bill_id, group_id, reference, due in bills:
        scheduled = schedules.get((group_id, reference))
        if scheduled and scheduled[0] == due and scheduled[1] != due and scheduled[1] >= today:
            out[bill_id] = scheduled[1]
    return out


@transaction.atomic(durable=True)
def remittance_create(
    *,
    actor: Actor,
    agent_code: str,
    due_until: dt.date,
    agreement_code: str = "",
    today: dt.date | None = None,
) -> list[DirectDebitRemittance]:
    """One remittance per active agreement of the agent (or the one named), each with its next NSA:
    the utility's pending B records and one E record per eligible bill."""
    today = today or tenant_today()
    agent = CollectingAgent.objects.filter(code=(agent_code or "").strip()).first()
    if agent is None:
        raise ValidationFailed(
            f"Agente arrecadador «{agent_code}» não cadastrado.",
            field="agent",
            code=ErrorCode.AGENT_NOT_FOUND,
        )
    agreements = DirectDebitAgreement.objects.select_for_update().filter(agent=agent, active=True)
    if agreement_code:
        agreements = agreements.filter(code=agreement_code.strip().upper())
    chosen = list(agreements.order_by("code"))
    if not chosen:
        raise ValidationFailed(
            f"{agent.name} ({agent.code}) não tem convênio de débito automático ativo"
            + (f" com o código {agreement_code}" if agreement_code else "")
            + "; cadastre-o em Arrecadação › Débito automático.",
            field="agreement" if agreement_code else "agent",
            code=ErrorCode.NO_DEBIT_AGREEMENT,
        )
    if due_until < today:
        raise ValidationFailed(
            "A data-limite de vencimento não pode ser anterior a hoje: o banco recusa débito com data "
            "passada (código 18).",
            field="due_until",
            code=ErrorCode.INVALID,
        )
    made = []
    for agreement in chosen:
        remittance = _remittance_for(actor, agent, agreement, today, due_until)
        if remittance is not None:
            made.append(remittance)
    if not made:
        raise Conflict(
            f"Nenhum débito ou cadastro a enviar para {agent.name} com vencimento até {due_until:%d/%m/%Y}.",
            field="due_until",
            code=ErrorCode.NOTHING_TO_SEND,
        )
    return made


def _remittance_for(
    actor: Actor, agent: CollectingAgent, agreement: DirectDebitAgreement, today: dt.date, due_until: dt.date
) -> DirectDebitRemittance | None:
    """Runs inside the caller's transaction (remittance_create's)."""
    rows = list(
        _eligible(agreement, today, due_until)
        .order_by("due_date", "id")
        .values_list(
            "id", "property_id", "property__account_number", "due_date", "total", "reference", "resend"
        )
    )
    held = held_bills([r[0] for r in rows])
    rows = [r for r in rows if r[0] not in held]
    debit_on = _debit_dates([r[0] for r in rows], today)
    property_ids = {r[1] for r in rows}
    auths: dict[int, DirectDebitAuthorization] = {}
    # the active authorisation here, else (a bill forced here) the latest one here
    for auth in (
        A.objects.filter(property_id__in=property_ids, agreement=agreement)
        .exclude(pending=A.Pending.INCLUDE)
        .order_by("property_id", "status", "-created_at")
    ):
        known = auths.get(auth.property_id)
        if known is None or (known.status != A.Status.ACTIVE and auth.status == A.Status.ACTIVE):
            auths[auth.property_id] = auth
    pending = list(
        A.objects.filter(agreement=agreement).exclude(pending=A.Pending.NONE).select_related("property")
    )
    if not rows and not pending:
        return None
    attempts = dict(
        I.objects.filter(bill_id__in=[r[0] for r in rows])
        .values("bill_id")
        .annotate(last=Max("attempt"))
        .values_list("bill_id", "last")
    )
    agreement.last_sequence += 1
    agreement.save(update_fields=["last_sequence"])
    enrolments = [
        layout.Enrolment(
            customer_id=a.property.account_number,
            branch=a.branch,
            account=a.account,
            on=a.cancelled_on or a.opted_on if a.pending == A.Pending.EXCLUDE else a.opted_on,
            include=a.pending == A.Pending.INCLUDE,
        )
        for a in pending
    ]
    debits = []
    for bill_id, property_id, number, due, total, reference, _resend in rows:
        auth = auths[property_id]
        debits.append(
            layout.Debit(
                customer_id=number,
                branch=auth.branch,
                account=auth.account,
                due_date=debit_on.get(bill_id, due),
                amount=total,
                bill_id=bill_id,
                reference=reference,
                attempt=attempts.get(bill_id, 0) + 1,
            )
        )
    content = layout.remittance_file(
        agreement_code=agreement.code,
        company_name=_company_name(),
        bank_code=agent.code,
        bank_name=agent.name,
        generated_on=today,
        sequence=agreement.last_sequence,
        debits=debits,
        enrolments=enrolments,
        layout_version=agreement.layout_version,
    )
    total = sum((d.amount for d in debits), Decimal("0.00"))
    remittance = DirectDebitRemittance.objects.create(
        agreement=agreement,
        sequence=agreement.last_sequence,
        generated_on=today,
        due_until=due_until,
        debit_count=len(debits),
        enrolment_count=len(enrolments),
        total=total,
        content=content,
        created_by=actor.get_username(),
    )
    first_line = 2 + len(enrolments)
    I.objects.bulk_create(
        (
            I(
                remittance=remittance,
                bill_id=d.bill_id,
                authorization=auths[row[1]],
                attempt=d.attempt,
                amount=d.amount,
                due_date=d.due_date,
                line=first_line + n,
                resend_reason=row[6] or "",
            )
            for n, (d, row) in enumerate(zip(debits, rows, strict=True))
        ),
        batch_size=5000,
    )
    if debits:
        label = f"Débito automático – {agent.name}"[:120]
        Bill.objects.filter(pk__in=I.objects.filter(remittance=remittance).values("bill_id")).update(
            direct_debit=label
        )
        DirectDebitBillControl.objects.filter(bill_id__in=[d.bill_id for d in debits]).exclude(
            resend_reason=""
        ).update(resend_reason="")
    if pending:
        A.objects.filter(pk__in=[a.pk for a in pending]).update(pending=A.Pending.NONE)
    audit_record(
        actor=actor,
        action="collection.debit_remittance_create",
        target=remittance,
        after={
            "agreement": agreement.code,
            "nsa": remittance.sequence,
            "debits": len(debits),
            "enrolments": len(enrolments),
            "total": total,
            "due_until": due_until,
        },
    )
    return remittance


# --- returns -------------------------------------------------------------------------------------


def _agreement_for(header: layout.DebitHeader) -> DirectDebitAgreement:
    agreement = (
        DirectDebitAgreement.objects.select_related("agent")
        .filter(code=header.agreement_code.upper(), agent__code=header.bank_code)
        .first()
    )
    if agreement is None:
        raise ValidationFailed(
            f"Arquivo de débito automático recusado: o convênio {header.agreement_code or '(em branco)'} "
            f"(linha 1, campo A.03) não está cadastrado para o banco {header.bank_code} (campo A.05).",
            field="file",
            code=ErrorCode.UNKNOWN_AGENT,
        )
    return agreement


def _refuse_if_imported(agreement: DirectDebitAgreement, parsed: layout.ParsedDebitFile) -> None:
    earlier = DirectDebitReturn.objects.filter(
        Q(sha256=parsed.sha256)
        | Q(content_sha256=parsed.content_sha256)
        | Q(agreement=agreement, sequence=parsed.header.sequence)
    ).first()
    if earlier is None:
        return
    same = earlier.sha256 == parsed.sha256 or earlier.content_sha256 == parsed.content_sha256
    what = (
        "Este retorno de débito automático já foi importado"
        if same
        else f"O NSA {parsed.header.sequence} (linha 1, campo A.08) do convênio {agreement.code} já foi usado"
    )
    raise Conflict(
        f"{what}: arquivo «{earlier.filename or earlier.pk}» de NSA {earlier.sequence}, importado em "
        f"{timezone.localtime(earlier.created_at):%d/%m/%Y %H:%M}; nada foi aplicado de novo.",
        field="file",
        code=ErrorCode.DUPLICATE_FILE if same else ErrorCode.DUPLICATE_NSA,
    )


def debit_return_import(*, actor: Actor, data: bytes, filename: str = "") -> DirectDebitReturn:
    """All or nothing, once per file: B records create or cancel authorisations (unknown customer ids
    wait in the queue), F records settle their bills (or go to review) or mark the debit refused."""
    from .domain.return_file import Problem, ReturnFileRejected

    parsed = layout.parse_debit_file(data)
    if parsed.header.remittance_code != "2":
        raise ReturnFileRejected(
            [
                Problem(
                    1, "A.02", "este é um arquivo de remessa (código 1), não um retorno do banco (código 2)"
                )
            ]
        )
    if parsed.debits:
        raise ReturnFileRejected([Problem(2, "E.01", "registros E (débitos a enviar) num retorno do banco")])
    agreement = _agreement_for(parsed.header)
    _refuse_if_imported(agreement, parsed)
    try:
        return _debit_return_import(actor, agreement, parsed, filename)
    except IntegrityError as exc:
        _refuse_if_imported(agreement, parsed)
        raise Conflict(
            "Outro arquivo foi importado ao mesmo tempo; nada foi aplicado. Importe novamente.",
            field="file",
            code=ErrorCode.CONCURRENT_IMPORT,
        ) from exc


@transaction.atomic(durable=True)
def _debit_return_import(
    actor: Actor, agreement: DirectDebitAgreement, parsed: layout.ParsedDebitFile, filename: str
) -> DirectDebitReturn:
    rf = DirectDebitReturn.objects.create(
        agreement=agreement,
        sha256=parsed.sha256,
        content_sha256=parsed.content_sha256,
        filename=filename[:200],
        sequence=parsed.header.sequence,
        generated_on=parsed.header.generated_on,
        record_count=parsed.record_count,
        total=parsed.total,
        warnings=[str(w) for w in parsed.warnings[:200]],
        uploaded_by=actor.get_username(),
    )
    records: list[DirectDebitReturnRecord] = []
    queue: list[DirectDebitReturnRecord] = []
    _enrolments(actor, agreement, parsed.enrolments, rf, records, queue)
    _debit_answers(actor, agreement, parsed.returns, rf, records)
    DirectDebitReturnRecord.objects.bulk_create(records, batch_size=5000)
    DirectDebitEnrolmentQueue.objects.bulk_create(
        DirectDebitEnrolmentQueue(record=r, agreement=agreement) for r in queue
    )
    counts = dict.fromkeys(O.values, 0)
    for r in records:
        counts[r.outcome] += 1
    rf.debited_count = counts[O.DEBITED]
    rf.refused_count = counts[O.REFUSED]
    rf.review_count = counts[O.REVIEW] + counts[O.UNMATCHED]
    rf.enrolment_count = counts[O.ENROLLED] + counts[O.CANCELLED]
    rf.unidentified_count = counts[O.UNIDENTIFIED]
    rf.save(
        update_fields=[
            "debited_count",
            "refused_count",
            "review_count",
            "enrolment_count",
            "unidentified_count",
        ]
    )
    audit_record(
        actor=actor,
        action="collection.debit_return_import",
        target=rf,
        after={
            "agreement": agreement.code,
            "nsa": rf.sequence,
            "debited": rf.debited_count,
            "refused": rf.refused_count,
            "review": rf.review_count,
            "enrolments": rf.enrolment_count,
            "unidentified": rf.unidentified_count,
            "total": rf.total,
        },
    )
    return rf


def _enrolments(
    actor: Actor,
    agreement: DirectDebitAgreement,
    enrolments: Sequence[layout.Enrolment],
    rf: DirectDebitReturn,
    records: list[DirectDebitReturnRecord],
    queue: list[DirectDebitReturnRecord],
) -> None:
    """The bank's B records; runs inside the caller's transaction."""
    if not enrolments:
        return
    props = dict(
        Property.objects.filter(account_number__in={e.customer_id for e in enrolments}).values_list(
            "account_number", "id"
        )
    )
    for e in enrolments:
        record = DirectDebitReturnRecord(
            return_file=rf,
            line=e.line,
            kind="B",
            customer_id=e.customer_id,
            branch=e.branch,
            account=e.account,
            on=e.on,
            code="2" if e.include else "1",
        )
        property_id = props.get(e.customer_id)
        if property_id is None:
            record.outcome = O.UNIDENTIFIED
            record.detail = f"Nenhum imóvel com a matrícula «{e.customer_id}» (campo B.02)"
            queue.append(record)
        elif e.include:
            record.outcome = O.ENROLLED
            record.detail = _bank_enrol(actor, agreement, property_id, e.branch, e.account, e.on)
        else:
            record.outcome = O.CANCELLED
            record.detail = _bank_cancel(agreement, property_id, e.on)
        records.append(record)


def _bank_enrol(
    actor: Actor, agreement: DirectDebitAgreement, property_id: int, branch: str, account: str, on: dt.date
) -> str:
    """Runs inside the caller's transaction."""
    active = A.objects.select_for_update().filter(property_id=property_id, status=A.Status.ACTIVE).first()
    if (
        active is not None
        and active.agreement_id == agreement.pk
        and (active.branch, active.account)
        == (
            branch,
            account,
        )
    ):
        if active.pending == A.Pending.INCLUDE:  # the bank confirms the utility's own enrolment
            active.pending = A.Pending.NONE
            active.save(update_fields=["pending"])
        return "Autorização já ativa com esta agência e conta"
    detail = "Autorização incluída pelo banco"
    if active is not None:
        active.status, active.cancelled_on, active.pending = A.Status.CANCELLED, on, A.Pending.NONE
        active.save(update_fields=["status", "cancelled_on", "pending"])
        detail += f"; substitui a do convênio {active.agreement.code} (ag. {active.branch})"
    A.objects.create(
        property_id=property_id,
        agreement=agreement,
        branch=branch,
        account=account,
        origin=A.Origin.BANK,
        opted_on=on,
        created_by=actor.get_username(),
    )
    return detail


def _bank_cancel(agreement: DirectDebitAgreement, property_id: int, on: dt.date) -> str:
    """Runs inside the caller's transaction."""
    n = A.objects.filter(property_id=property_id, agreement=agreement, status=A.Status.ACTIVE).update(
        status=A.Status.CANCELLED, cancelled_on=on, pending=A.Pending.NONE
    )
    return "Autorização excluída pelo banco" if n else "Exclusão sem autorização ativa neste convênio"


def _debit_answers(
    actor: Actor,
    agreement: DirectDebitAgreement,
    answers: Sequence[layout.DebitReturn],
    rf: DirectDebitReturn,
    records: list[DirectDebitReturnRecord],
) -> None:
    """The bank's F records; runs inside the caller's transaction."""
    if not answers:
        return
    items = {
        (item.bill_id, item.attempt): item
        for item in I.objects.select_for_update()
        .filter(
            remittance__agreement=agreement,
            bill_id__in={a.bill_id for a in answers if a.bill_id},
        )
        .select_related("bill", "bill__property")
    }
    debited: list[tuple[layout.DebitReturn, DirectDebitItem, DirectDebitReturnRecord]] = []
    refused: list[DirectDebitItem] = []
    for a in answers:
        record = DirectDebitReturnRecord(
            return_file=rf,
            line=a.line,
            kind="F",
            customer_id=a.customer_id,
            branch=a.branch,
            account=a.account,
            on=a.debited_on,
            amount=a.amount,
            code=a.code,
        )
        records.append(record)
        item = items.get((a.bill_id or 0, a.attempt))
        if item is None or item.bill.property.account_number != a.customer_id:
            record.outcome = O.UNMATCHED
            record.detail = (
                f"Nenhum débito enviado neste convênio para a matrícula «{a.customer_id}» (campo F.02) com o "
                f"uso da empresa «{a.company_use[:18]}» (campo F.08): {a.code_label}"
            )
            continue
        record.item = item
        if item.status != I.Status.SENT:
            record.outcome = O.REVIEW
            record.detail = f"Débito já respondido antes ({item.get_status_display()}); nada aplicado de novo"
            continue
        item.return_code, item.return_label, item.answered_on = a.code, a.code_label[:120], a.debited_on
        if a.debited:
            debited.append((a, item, record))
        else:
            item.status = I.Status.REFUSED
            record.outcome = O.REFUSED
            record.detail = a.code_label
            refused.append(item)
    if debited:
        agent = agreement.agent
        payments = payments_match(
            actor=actor,
            agent=agent,
            channel=Payment.Channel.DIRECT_DEBIT,
            items=[
                Incoming(
                    barcode=item.bill.barcode,
                    amount=a.amount,
                    paid_on=a.debited_on,
                    credited_on=a.debited_on,
                    fee=agent.fee_per_payment,
                    line=a.line,
                    authentication=f"DA {agreement.code} NSA {rf.sequence}"[:40],
                )
                for a, item, _ in debited
            ],
        )
        for (_a, item, record), payment in zip(debited, payments, strict=True):
            item.payment = payment
            if payment.status == Payment.Status.APPLIED:
                item.status, record.outcome, record.detail = (
                    I.Status.DEBITED,
                    O.DEBITED,
                    "Débito efetuado e baixado",
                )
            else:
                item.status, record.outcome = I.Status.REVIEW, O.REVIEW
                record.detail = (
                    f"Debitado, mas {payment.get_review_reason_display().lower()}: {payment.review_detail}"
                )[:300]
    values_update(
        I,
        [item for _, item, _ in debited] + refused,
        ["status", "return_code", "return_label", "answered_on", "payment"],
    )
    if refused:
        # refused: the bill prints its barcode again and may be paid by any other channel
        Bill.objects.filter(pk__in=[i.bill_id for i in refused]).update(direct_debit="")


# --- the unidentified-enrolment queue ------------------------------------------------------------


@transaction.atomic(durable=True)
def enrolment_link(
    *, actor: Actor, queue_id: int, property_id: int, reason: str
) -> DirectDebitEnrolmentQueue:
    """Tie an unidentified B record to a property: its inclusion (or exclusion) applies now."""
    if not (reason or "").strip():
        raise ValidationFailed("Informe a justificativa.", field="reason", code=ErrorCode.INVALID)
    entry = (
        DirectDebitEnrolmentQueue.objects.select_for_update()
        .select_related("record", "agreement")
        .filter(pk=queue_id)
        .first()
    )
    if entry is None:
        raise NotFound("Cadastro não identificado não encontrado.", code=ErrorCode.ENROLMENT_NOT_FOUND)
    if entry.status != DirectDebitEnrolmentQueue.Status.OPEN:
        raise Conflict("Este cadastro já foi tratado.", field="status", code=ErrorCode.ENROLMENT_DONE)
    if not Property.objects.filter(pk=property_id).exists():
        raise ValidationFailed("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    record = entry.record
    # the record's own movement (B.07, kept in `code`): an inclusion enrols, an exclusion cancels
    if record.code == "1":
        detail = _bank_cancel(entry.agreement, property_id, record.on)
    else:
        detail = _bank_enrol(actor, entry.agreement, property_id, record.branch, record.account, record.on)
    entry.status = DirectDebitEnrolmentQueue.Status.LINKED
    entry.property_id = property_id
    entry.resolved_by = actor.get_username()
    entry.resolved_at = timezone.now()
    entry.resolution = reason.strip()[:300]
    entry.save()
    audit_record(
        actor=actor,
        action="collection.debit_enrolment_link",
        target=entry,
        after={"property": property_id, "customer_id": record.customer_id, "detail": detail},
        reason=reason.strip(),
    )
    return entry


@transaction.atomic(durable=True)
def enrolment_discard(*, actor: Actor, queue_id: int, reason: str) -> DirectDebitEnrolmentQueue:
    if not (reason or "").strip():
        raise ValidationFailed("Informe a justificativa.", field="reason", code=ErrorCode.INVALID)
    entry = DirectDebitEnrolmentQueue.objects.select_for_update().filter(pk=queue_id).first()
    if entry is None:
        raise NotFound("Cadastro não identificado não encontrado.", code=ErrorCode.ENROLMENT_NOT_FOUND)
    if entry.status != DirectDebitEnrolmentQueue.Status.OPEN:
        raise Conflict("Este cadastro já foi tratado.", field="status", code=ErrorCode.ENROLMENT_DONE)
    entry.status = DirectDebitEnrolmentQueue.Status.DISCARDED
    entry.resolved_by, entry.resolved_at, entry.resolution = (
        actor.get_username(),
        timezone.now(),
        reason.strip()[:300],
    )
    entry.save()
    audit_record(
        actor=actor, action="collection.debit_enrolment_discard", target=entry, reason=reason.strip()
    )
    return entry

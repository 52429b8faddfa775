"""Registered boletos (cobrança registrada, CNAB 240, ADR 0216).

* An agreement (convênio de cobrança) belongs to a bank; it numbers its titles (nosso número) and its
  remittances (NSA) and names the folder its files are exchanged through (`boleto_bank.DirectoryBank`).
* `boletos_issue` gives every open bill due in a window a boleto: nosso número, bank barcode and
  linha digitável (44/47 digits, modulo 11 and 10), to be registered.
* `boleto_remittance_send` writes one CNAB 240 remittance with what the bank must be told — P+Q with
  movement 01 (entrada) for each boleto to register, 02 (pedido de baixa) for each write-off asked —
  stores it and drops it in the bank's folder.
* A return (`boleto_return_import`, also reached through `services.bank_file_import`, hence the
  upload API and the inbox poller) confirms (02) or rejects (03) registrations, reports payments
  (06, 17) — settled through the same judgement as every channel (`payments_match`), so a bill paid
  meanwhile elsewhere makes the payment a review item, never a second settlement — and write-offs
  (09). Every T+U pair is kept with its outcome; a file is imported once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Exists, OuterRef

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.clock import current_tenant, tenant_now, tenant_today
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.typed import transaction
from modules.registry.models import Property

from .boleto_bank import DirectoryBank
from .bulk import values_update
from .documents import held_bills
from .domain import cnab240 as layout
from .domain.return_file import Problem, ReturnFileRejected
from .errors import ErrorCode
from .matcher import Incoming, payments_match
from .models import (
    BoletoAgreement,
    BoletoFile,
    BoletoReturnRecord,
    CollectingAgent,
    Payment,
    RegisteredBoleto,
)

B = RegisteredBoleto
O = BoletoReturnRecord.Outcome  # noqa: E741


def _digits(value: str, size: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > size:
        raise ValidationFailed(f"{label}: informe até {size} dígitos.", field=field, code=ErrorCode.INVALID)
    return value


@transaction.atomic(durable=True)
def boleto_agreement_create(
    *,
    actor: Actor,
    agent_code: str,
    code: str,
    branch: str,
    account: str,
    wallet: str = "9",
    company_document: str = "",
    bank_dir: str = "",
) -> BoletoAgreement:
    agent = CollectingAgent.objects.filter(code=(agent_code or "").strip()).first()
    if agent is None or agent.kind != CollectingAgent.Kind.BANK:
        raise ValidationFailed(
            f"Agente «{agent_code}»: a cobrança registrada é contratada com um banco cadastrado.",
            field="agent",
            code=ErrorCode.AGENT_NOT_FOUND,
        )
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        raise ValidationFailed(
            "Convênio de cobrança: até 20 caracteres, como no header do arquivo (posições 033-052).",
            field="code",
            code=ErrorCode.INVALID,
        )
    if BoletoAgreement.objects.filter(code=code).exists():
        raise Conflict(
            f"O convênio de cobrança {code} já está cadastrado.", field="code", code=ErrorCode.AGREEMENT_TAKEN
        )
    if bank_dir:
        DirectoryBank.at(bank_dir)
    agreement = BoletoAgreement.objects.create(
        agent=agent,
        code=code,
        branch=_digits(branch, 4, "branch", "Agência"),
        account=_digits(account, 7, "account", "Conta"),
        wallet=_digits(wallet, 1, "wallet", "Carteira"),
        company_document=_digits(company_document or "0", 14, "company_document", "CNPJ"),
        bank_dir=bank_dir,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.boleto_agreement_create",
        target=agreement,
        after={"agent": agent.code, "code": code, "branch": agreement.branch, "account": agreement.account},
    )
    return agreement


def _agreement(code: str, *, lock: bool = False) -> BoletoAgreement:
    qs = BoletoAgreement.objects.select_related("agent")
    if lock:
        qs = qs.select_for_update(of=("self",))
    agreement = qs.filter(code=(code or "").strip().upper(), active=True).first()
    if agreement is None:
        raise NotFound(
            f"Convênio de cobrança registrada «{code}» não encontrado ou inativo.",
            field="agreement",
            code=ErrorCode.BOLETO_AGREEMENT_NOT_FOUND,
        )
    return agreement


@transaction.atomic(durable=True)
def boletos_issue(
    *, actor: Actor, agreement_code: str, due_until: dt.date, today: dt.date | None = None
) -> list[RegisteredBoleto]:
    """A boleto for each open bill due from today to `due_until` that has none alive, is not under
    direct debit and no agreement holds; each waits to be registered in the next remittance."""
    agreement = _agreement(agreement_code, lock=True)
    today = today or tenant_today()
    if due_until < today:
        raise ValidationFailed(
            "O vencimento final deve ser hoje ou depois.", field="due_until", code=ErrorCode.INVALID
        )
    live = B.objects.filter(bill=OuterRef("pk")).exclude(status__in=[B.Status.REJECTED, B.Status.WRITTEN_OFF])
    bills = list(
        Bill.objects.filter(
            status=BillStatus.RELEASED,
            due_date__gte=today,
            due_date__lte=due_until,
            direct_debit="",
            total__gt=0,
        )
        .exclude(Exists(live))
        .order_by("due_date", "pk")
        .only("pk", "due_date", "total")
    )
    held = held_bills([b.pk for b in bills])
    bills = [b for b in bills if b.pk not in held]
    number = agreement.last_our_number
    rows = []
    for bill in bills:
        number += 1
        our_number = f"{number:011d}"
        barcode = layout.boleto_barcode(
            bank_code=agreement.agent.code,
            due=bill.due_date,
            amount=bill.total,
            free=layout.free_field(
                branch=agreement.branch,
                wallet=agreement.wallet,
                our_number=our_number,
                account=agreement.account,
            ),
        )
        rows.append(
            B(
                agreement=agreement,
                bill=bill,
                our_number=our_number,
                due_date=bill.due_date,
                amount=bill.total,
                barcode=barcode,
                typeable_line=layout.boleto_typeable_line(barcode),
                pending=B.Pending.REGISTER,
                created_by=actor.get_username(),
            )
        )
    B.objects.bulk_create(rows, batch_size=5000)
    agreement.last_our_number = number
    agreement.save(update_fields=["last_our_number"])
    audit_record(
        actor=actor,
        action="collection.boletos_issue",
        target=agreement,
        after={"boletos": len(rows), "due_until": due_until.isoformat()},
    )
    return rows


@transaction.atomic(durable=True)
def boleto_write_off_request(*, actor: Actor, boleto_id: int, reason: str) -> RegisteredBoleto:
    """Ask the bank to write a registered boleto off (the bill was cancelled, re-issued or paid by
    another channel); a boleto the bank never received is simply written off here."""
    if not (reason or "").strip():
        raise ValidationFailed("Informe o motivo da baixa.", field="reason", code=ErrorCode.INVALID)
    boleto = B.objects.select_for_update().filter(pk=boleto_id).first()
    if boleto is None:
        raise NotFound("Boleto não encontrado.", code=ErrorCode.BOLETO_NOT_FOUND)
    before = boleto.status
    if boleto.status == B.Status.NEW:
        boleto.status, boleto.pending = B.Status.WRITTEN_OFF, B.Pending.NONE
    elif boleto.status in (B.Status.SENT, B.Status.REGISTERED):
        boleto.pending = B.Pending.WRITE_OFF
    else:
        raise Conflict(
            "Só um boleto registrado (ou enviado) pode ser baixado; "
            f"este está «{boleto.get_status_display()}».",
            field="status",
            code=ErrorCode.BOLETO_NOT_REGISTERED,
        )
    boleto.write_off_reason = reason.strip()[:200]
    boleto.save(update_fields=["status", "pending", "write_off_reason"])
    audit_record(
        actor=actor,
        action="collection.boleto_write_off",
        target=boleto,
        before={"status": before},
        after={"status": boleto.status, "pending": boleto.pending},
        reason=reason,
    )
    return boleto


def _header(agreement: BoletoAgreement, code: str, on: dt.date, sequence: int) -> layout.FileHeader:
    tenant = current_tenant()
    return layout.FileHeader(
        bank_code=agreement.agent.code,
        company_document=agreement.company_document,
        agreement_code=agreement.code,
        branch=agreement.branch,
        account=agreement.account,
        company_name=(tenant.name if tenant is not None else "") or "CONCESSIONARIA",
        bank_name=agreement.agent.name,
        remittance_code=code,
        generated_on=on,
        sequence=sequence,
    )


def _payers(property_ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """(kind, document, name) of each property's payer (registry.domain.payer)."""
    from modules.billing.services.delivery import holder

    out: dict[int, tuple[str, str, str]] = {}
    for pid in set(property_ids):
        customer = holder(pid)
        if customer is None:
            out[pid] = ("0", "", "")
            continue
        document = customer.cpf_cnpj or ""
        kind = "1" if len(document) == 11 else "2" if len(document) == 14 else "0"
        out[pid] = (kind, document, customer.name)
    return out


@transaction.atomic(durable=True)
def boleto_remittance_send(*, actor: Actor, agreement_code: str, today: dt.date | None = None) -> BoletoFile:
    """One CNAB 240 remittance with every registration and write-off waiting; stored, then dropped in
    the bank's folder (when the agreement names one). Refused when nothing waits."""
    agreement = _agreement(agreement_code, lock=True)
    today = today or tenant_today()
    waiting = list(
        B.objects.select_for_update(of=("self",))
        .filter(agreement=agreement)
        .exclude(pending=B.Pending.NONE)
        .select_related("bill__property__street", "bill__property__neighbourhood")
        .order_by("pk")
    )
    if not waiting:
        raise Conflict(
            f"Nada a enviar no convênio {agreement.code}: nenhum boleto a registrar nem baixa pedida.",
            field="agreement",
            code=ErrorCode.NOTHING_TO_SEND,
        )
    payers = _payers([b.bill.property_id for b in waiting])
    city = current_tenant()
    titles = []
    for b in waiting:
        prop: Property = b.bill.property
        kind, document, name = payers[prop.pk]
        titles.append(
            layout.Title(
                movement="01" if b.pending == B.Pending.REGISTER else "02",
                our_number=b.our_number,
                wallet=agreement.wallet,
                document_number=str(b.bill_id),
                due_date=b.due_date,
                amount=b.amount,
                company_use=f"BOL{b.pk}",
                issued_on=today,
                payer_kind=kind,
                payer_document=document,
                payer_name=name or f"MATRICULA {prop.account_number}",
                payer_address=f"{prop.street.name} {prop.number}",
                payer_district=prop.neighbourhood.name,
                payer_zip=prop.cep or "0",
                payer_city=getattr(city, "city", "") or "",
                payer_state=getattr(city, "state", "") or "",
            )
        )
    sequence = agreement.last_sequence + 1
    content = layout.write_file(_header(agreement, "1", today, sequence), titles, now=tenant_now())
    data = content.encode("latin-1")
    stored = BoletoFile.objects.create(
        agreement=agreement,
        direction=BoletoFile.Direction.REMITTANCE,
        sequence=sequence,
        generated_on=today,
        filename=f"CB{agreement.code}{sequence:06d}.REM",
        sha256=hashlib.sha256(data).hexdigest(),
        content_sha256=hashlib.sha256(data).hexdigest(),
        content=content,
        title_count=len(titles),
        total=sum((t.amount for t in titles), Decimal("0.00")),
        summary={
            "register": sum(1 for t in titles if t.movement == "01"),
            "write_off": sum(1 for t in titles if t.movement == "02"),
        },
        created_by=actor.get_username(),
    )
    for b in waiting:
        if b.pending == B.Pending.REGISTER:
            b.status = B.Status.SENT
        else:
            b.status = B.Status.WRITE_OFF_SENT
        b.pending = B.Pending.NONE
    values_update(B, waiting, ["status", "pending"])
    agreement.last_sequence = sequence
    agreement.save(update_fields=["last_sequence"])
    if agreement.bank_dir:
        DirectoryBank.at(agreement.bank_dir).send(stored.filename, data)
    audit_record(
        actor=actor,
        action="collection.boleto_remittance_send",
        target=stored,
        after={"agreement": agreement.code, "nsa": sequence, **stored.summary},
    )
    return stored


# --- returns --------------------------------------------------------------------------------------


def boleto_return_import(*, actor: Actor, data: bytes, filename: str = "") -> BoletoFile:
    """All or nothing, once per file."""
    parsed = layout.parse_file(data)
    if parsed.header.remittance_code != "2":
        raise ReturnFileRejected(
            [
                Problem(
                    1,
                    "143-143",
                    "este é um arquivo de remessa (código 1), não um retorno do banco (código 2)",
                )
            ]
        )
    agreement = (
        BoletoAgreement.objects.select_related("agent")
        .filter(code=parsed.header.agreement_code.upper(), agent__code=parsed.header.bank_code, active=True)
        .first()
    )
    if agreement is None:
        raise ValidationFailed(
            f"Nenhum convênio de cobrança registrada ativo «{parsed.header.agreement_code}» do banco "
            f"{parsed.header.bank_code} (header, posições 033-052).",
            field="file",
            code=ErrorCode.UNKNOWN_AGENT,
        )
    _refuse_if_imported(agreement, parsed)
    try:
        return _return_import(actor, agreement, parsed, data, filename)
    except IntegrityError as exc:
        _refuse_if_imported(agreement, parsed)
        raise Conflict(
            "Outro arquivo foi importado ao mesmo tempo; nada foi aplicado. Importe novamente.",
            field="file",
            code=ErrorCode.CONCURRENT_IMPORT,
        ) from exc


def _refuse_if_imported(agreement: BoletoAgreement, parsed: layout.ParsedCnab) -> None:
    returns = BoletoFile.objects.filter(direction=BoletoFile.Direction.RETURN)
    if (
        returns.filter(sha256=parsed.sha256).exists()
        or returns.filter(content_sha256=parsed.content_sha256).exists()
    ):
        raise Conflict("Este arquivo retorno já foi importado.", field="file", code=ErrorCode.DUPLICATE_FILE)
    if returns.filter(agreement=agreement, sequence=parsed.header.sequence).exists():
        raise Conflict(
            f"O NSA {parsed.header.sequence} do convênio {agreement.code} já foi importado em outro arquivo.",
            field="file",
            code=ErrorCode.DUPLICATE_NSA,
        )


@transaction.atomic(durable=True)
def _return_import(
    actor: Actor, agreement: BoletoAgreement, parsed: layout.ParsedCnab, data: bytes, filename: str
) -> BoletoFile:
    rf = BoletoFile.objects.create(
        agreement=agreement,
        direction=BoletoFile.Direction.RETURN,
        sequence=parsed.header.sequence,
        generated_on=parsed.header.generated_on,
        filename=filename[:200],
        sha256=parsed.sha256,
        content_sha256=parsed.content_sha256,
        content=data.decode("latin-1"),
        title_count=len(parsed.titles),
        total=parsed.total,
        created_by=actor.get_username(),
    )
    boletos = {
        b.our_number: b
        for b in B.objects.select_for_update(of=("self",))
        .filter(agreement=agreement, our_number__in={t.our_number for t in parsed.titles})
        .select_related("bill")
    }
    records: list[BoletoReturnRecord] = []
    paid: list[tuple[layout.Title, RegisteredBoleto, BoletoReturnRecord]] = []
    changed: dict[int, RegisteredBoleto] = {}
    for t in parsed.titles:
        record = BoletoReturnRecord(
            return_file=rf,
            line=t.line,
            movement=t.movement,
            our_number=t.our_number,
            amount=t.amount,
            paid_amount=t.paid_amount,
            occurred_on=t.occurred_on,
        )
        records.append(record)
        boleto = boletos.get(t.our_number)
        if boleto is None:
            record.outcome = O.UNMATCHED
            record.detail = (
                f"Nenhum boleto deste convênio com o nosso número «{t.our_number}» (T.038-057): "
                f"{t.movement_label}"
            )
            continue
        record.boleto = boleto
        if t.movement == "02":
            if boleto.status == B.Status.SENT:
                boleto.status = B.Status.REGISTERED
                changed[boleto.pk] = boleto
            record.outcome, record.detail = O.REGISTERED, "Entrada confirmada pelo banco"
        elif t.movement == "03":
            boleto.status, boleto.reasons = B.Status.REJECTED, ",".join(t.reasons)
            changed[boleto.pk] = boleto
            record.outcome = O.REJECTED
            record.detail = f"Entrada rejeitada pelo banco (motivos {boleto.reasons or '—'})"
        elif t.paid:
            paid.append((t, boleto, record))
        elif t.movement == "09":
            if boleto.status != B.Status.PAID:
                boleto.status = B.Status.WRITTEN_OFF
                changed[boleto.pk] = boleto
            record.outcome, record.detail = O.WRITTEN_OFF, "Baixa confirmada pelo banco"
        else:
            record.outcome, record.detail = O.IGNORED, t.movement_label
    if paid:
        agent = agreement.agent
        payments = payments_match(
            actor=actor,
            agent=agent,
            channel=Payment.Channel.BOLETO,
            items=[
                Incoming(
                    barcode=boleto.bill.barcode,
                    amount=t.paid_amount,
                    paid_on=t.occurred_on or parsed.header.generated_on,
                    credited_on=t.credited_on or t.occurred_on or parsed.header.generated_on,
                    fee=t.fee or agent.fee_per_payment,
                    line=t.line,
                    authentication=f"CNAB {agreement.code} NSA {rf.sequence} NN {t.our_number}"[:40],
                )
                for t, boleto, _ in paid
            ],
        )
        for (_t, boleto, record), payment in zip(paid, payments, strict=True):
            if payment.status == Payment.Status.APPLIED:
                boleto.status, boleto.payment = B.Status.PAID, payment
                changed[boleto.pk] = boleto
                record.outcome, record.detail = O.PAID, "Pago e baixado"
            else:
                if boleto.payment_id is None:
                    boleto.payment = payment
                    changed[boleto.pk] = boleto
                record.outcome = O.REVIEW
                record.detail = (
                    f"Pago, mas {payment.get_review_reason_display().lower()}: {payment.review_detail}"
                )[:300]
    values_update(B, list(changed.values()), ["status", "reasons", "payment"])
    BoletoReturnRecord.objects.bulk_create(records, batch_size=5000)
    counts: dict[str, int] = {}
    for r in records:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    rf.summary = counts
    rf.save(update_fields=["summary"])
    audit_record(
        actor=actor,
        action="collection.boleto_return_import",
        target=rf,
        after={"agreement": agreement.code, "nsa": rf.sequence, **counts},
    )
    return rf


def boleto_bank_poll(*, actor: Actor, agreement_code: str) -> list[tuple[str, BoletoFile | str]]:
    """Import every return waiting in the agreement's bank folder, each once, moving it to
    processados/ or (refused, with the reason) recusados/. Each file in its own transaction."""
    from modules.common.errors import DomainError

    from .services import bank_file_import

    agreement = _agreement(agreement_code)
    bank = DirectoryBank.at(agreement.bank_dir)
    out: list[tuple[str, BoletoFile | str]] = []
    for path in bank.waiting():
        try:
            result = bank_file_import(actor=actor, data=path.read_bytes(), filename=path.name)
        except DomainError as exc:
            bank.done(path, accepted=False)
            out.append((path.name, exc.message))
            continue
        bank.done(path, accepted=True)
        out.append((path.name, result))
    return out


def boleto_for_bill(bill_id: int) -> RegisteredBoleto | None:
    """The bill's live boleto (what its PDF and the agency print instead of the collection barcode)."""
    return (
        B.objects.filter(bill_id=bill_id)
        .exclude(status__in=[B.Status.REJECTED, B.Status.WRITTEN_OFF])
        .order_by("-pk")
        .first()
    )

"""PIX on the bill (ADR 0217): a static BR Code (BACEN's "Manual de Padrões para Iniciação do Pix",
CRC16 CCITT-FALSE, `domain.pix`) with the utility's key, the bill's exact amount and a txid that
names the bill; and the receipts the utility's bank reports, in the BACEN Pix API webhook body
(`{"pix": [{"endToEndId", "txid", "valor", "horario", ...}]}`), reconciled with the bill by that txid
through the same judgement as every channel (`payments_match`).

Each receipt is recorded once (its endToEndId is the payment's authentication); a receipt whose txid
names no bill waits in the review queue as unknown, to be attached on proof (ADR 0236).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_zone
from modules.common.domain.documents import is_valid_cnpj, is_valid_cpf
from modules.common.errors import ValidationFailed
from modules.common.typed import transaction

from .domain.pix import PixCharge, build_payload
from .errors import ErrorCode
from .matcher import Incoming, payments_match
from .models import CollectingAgent, Payment, PixReceiver

TXID = re.compile(r"^FAT(\d{10})([0-9])$")


def _dv(digits: str) -> str:
    """Modulo 10 check digit of the txid's bill number: a mistyped txid names no other bill."""
    total = sum(
        int(c) * (2 if i % 2 == 0 else 1) // 10 + int(c) * (2 if i % 2 == 0 else 1) % 10
        for i, c in enumerate(reversed(digits))
    )
    return str((10 - total % 10) % 10)


def bill_txid(bill_id: int) -> str:
    number = f"{bill_id:010d}"
    return f"FAT{number}{_dv(number)}"


def bill_of_txid(txid: str) -> int | None:
    found = TXID.match((txid or "").strip().upper())
    if found is None or _dv(found.group(1)) != found.group(2):
        return None
    return int(found.group(1))


EVP = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PHONE = re.compile(r"^\+55[1-9][0-9][0-9]{8,9}$")


def pix_key_kind(key: str) -> str:
    """The DICT key kind of a normalised key: cpf, cnpj, email, phone or evp."""
    if "@" in key:
        return "email"
    if key.startswith("+"):
        return "phone"
    if EVP.match(key):
        return "evp"
    return "cpf" if len(key) == 11 else "cnpj"


def pix_key_clean(raw: str) -> str:
    """A PIX key as the DICT stores it (BACEN's rules per kind): CPF or CNPJ with valid check digits,
    digits only; an e-mail, lower case, up to 77 characters; a phone +55 DDD number; a random key
    (EVP) as a lower-case UUID. Refused in pt-BR naming the field `key`."""
    key = (raw or "").strip()

    def bad(text: str) -> ValidationFailed:
        return ValidationFailed(f"Chave Pix «{key}»: {text}", field="key", code=ErrorCode.INVALID)

    if not key:
        raise ValidationFailed("Informe a chave Pix.", field="key", code=ErrorCode.INVALID)
    if "@" in key:
        try:
            validate_email(key)
        except DjangoValidationError:
            raise bad("o e-mail não é válido.") from None
        if len(key) > 77:
            raise bad("o e-mail tem até 77 caracteres.")
        return key.lower()
    if EVP.match(key.lower()):
        return key.lower()
    if key.startswith("+"):
        phone = re.sub(r"[\s()-]", "", key)
        if not PHONE.match(phone):
            raise bad("o telefone é +55, o DDD e o número (ex.: +5579998761111).")
        return phone
    digits = re.sub(r"[.\-/\s]", "", key)
    if digits.isdigit() and len(digits) == 11:
        if not is_valid_cpf(digits):
            raise bad("os dígitos verificadores do CPF não conferem.")
        return digits
    if digits.isdigit() and len(digits) == 14:
        if not is_valid_cnpj(digits):
            raise bad("os dígitos verificadores do CNPJ não conferem.")
        return digits
    raise bad(
        "use um CPF (11 dígitos), um CNPJ (14 dígitos), um e-mail, um telefone (+55 e DDD) "
        "ou uma chave aleatória (EVP, 36 caracteres)."
    )


def pix_receiver_get() -> PixReceiver | None:
    receiver: PixReceiver | None = PixReceiver.objects.select_related("agent").filter(active=True).first()
    return receiver


@transaction.atomic(durable=True)
def pix_receiver_set(
    *, actor: Actor, agent_code: str, key: str, merchant_name: str, merchant_city: str
) -> PixReceiver:
    """The key the bills carry from now on (the previous one is deactivated, kept for the trail)."""
    agent = CollectingAgent.objects.filter(code=(agent_code or "").strip(), active=True).first()
    if agent is None:
        raise ValidationFailed(
            f"Agente «{agent_code}»: informe o banco (agente arrecadador) da conta que recebe o Pix.",
            field="agent",
            code=ErrorCode.AGENT_NOT_FOUND,
        )
    key = pix_key_clean(key)
    # the payload must be encodable: build one now, so a bad name or city is refused here
    build_payload(PixCharge(merchant_name=merchant_name, merchant_city=merchant_city, key=key, txid="TESTE"))
    PixReceiver.objects.filter(active=True).update(active=False)
    receiver = PixReceiver.objects.create(
        agent=agent,
        key=key,
        merchant_name=merchant_name.strip()[:25],
        merchant_city=merchant_city.strip()[:15],
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.pix_receiver_set",
        target=receiver,
        after={
            "agent": agent.code,
            "merchant_name": receiver.merchant_name,
            "merchant_city": receiver.merchant_city,
        },
    )
    return receiver


def bill_pix_payload(bill: Bill) -> str:
    """The bill's "copia e cola" (and QR content), or "" when the utility has no key, the bill is not
    open, or it is under direct debit (not offered for another payment until the debit fails)."""
    if bill.status != BillStatus.RELEASED or bill.direct_debit or bill.total <= 0:
        return ""
    receiver = PixReceiver.objects.filter(active=True).first()
    if receiver is None:
        return ""
    return build_payload(
        PixCharge(
            merchant_name=receiver.merchant_name,
            merchant_city=receiver.merchant_city,
            key=receiver.key,
            amount=bill.total,
            txid=bill_txid(bill.pk),
        )
    )


def _receipt(n: int, raw: Any) -> tuple[str, str, Decimal, dt.date]:
    if not isinstance(raw, dict):
        raise ValidationFailed(
            f"pix[{n}]: cada Pix recebido é um objeto.", field=f"pix[{n}]", code=ErrorCode.INVALID
        )
    e2e = str(raw.get("endToEndId") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9]{32}", e2e):
        raise ValidationFailed(
            f"pix[{n}].endToEndId deve ter 32 letras ou dígitos.",
            field=f"pix[{n}].endToEndId",
            code=ErrorCode.INVALID,
        )
    try:
        amount = Decimal(str(raw.get("valor")))
    except (InvalidOperation, ValueError):
        amount = Decimal("-1")
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            f"pix[{n}].valor deve ser positivo com até duas casas.",
            field=f"pix[{n}].valor",
            code=ErrorCode.INVALID,
        )
    when = parse_datetime(str(raw.get("horario") or ""))
    if when is None or when.tzinfo is None:
        raise ValidationFailed(
            f"pix[{n}].horario deve ser data e hora RFC 3339 com fuso.",
            field=f"pix[{n}].horario",
            code=ErrorCode.INVALID,
        )
    return e2e, str(raw.get("txid") or "").strip(), amount, when.astimezone(tenant_zone()).date()


@transaction.atomic(durable=True)
def pix_receipts_import(*, actor: Actor, payload: Any) -> list[Payment]:
    """The receipts of a BACEN webhook body, each once; returns the payments made now (a receipt
    already recorded is skipped)."""
    receiver = PixReceiver.objects.select_related("agent").filter(active=True).first()
    if receiver is None:
        raise ValidationFailed(
            "Nenhuma chave Pix cadastrada para as contas.", field="pix", code=ErrorCode.INVALID
        )
    items = payload.get("pix") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise ValidationFailed(
            "Envie a lista 'pix' com os recebimentos.", field="pix", code=ErrorCode.INVALID
        )
    receipts = [_receipt(n, raw) for n, raw in enumerate(items)]
    known = set(
        Payment.objects.filter(
            channel=Payment.Channel.PIX, authentication__in=[r[0] for r in receipts]
        ).values_list("authentication", flat=True)
    )
    fresh = []
    for r in receipts:
        if r[0] not in known:
            known.add(r[0])
            fresh.append(r)
    bill_ids = {b for b in (bill_of_txid(r[1]) for r in fresh) if b is not None}
    barcodes = dict(Bill.objects.filter(pk__in=bill_ids).values_list("pk", "barcode"))
    incoming = []
    for e2e, txid, amount, on in fresh:
        bill_id = bill_of_txid(txid)
        barcode = barcodes.get(bill_id, "") if bill_id is not None else ""
        incoming.append(
            Incoming(
                barcode=barcode or f"PIX:{txid}"[:44],
                amount=amount,
                paid_on=on,
                credited_on=on,
                fee=receiver.agent.fee_per_payment,
                authentication=e2e,
            )
        )
    payments = payments_match(actor=actor, agent=receiver.agent, channel=Payment.Channel.PIX, items=incoming)
    audit_record(
        actor=actor,
        action="collection.pix_receipts_import",
        target=receiver,
        after={
            "received": len(receipts),
            "new": len(payments),
            "applied": sum(1 for p in payments if p.status == Payment.Status.APPLIED),
        },
    )
    return payments

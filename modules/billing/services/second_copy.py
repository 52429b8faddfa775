"""The 2ª via printed by staff (TR S10.12-01, -05, -06; seed 001 3.2.13.9.15): the stored original
PDF, byte for byte; every print audited with who, which bill and the fee; a profile without the
grant for every bill prints only the property's last issued bill; the fee in force (an
effective-dated version) goes to the property's next bill unless a profile that may waive it does,
with a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, PermissionDenied, ValidationFailed

from ..domain.pricing import ItemKind, PendingItem
from ..errors import ErrorCode
from ..hooks import already_billed
from ..legal import refuse_locked
from ..models import Bill, BillNote, BillStatus, SecondCopyCharge, SecondCopyFeeVersion

SOURCE = "billing.second_copy"
ISSUED = (BillStatus.RELEASED, BillStatus.PAID)


def fee_in_force(on: dt.date) -> Decimal:
    version = SecondCopyFeeVersion.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return version.amount if version else Decimal("0.00")


@transaction.atomic(durable=True)
def second_copy_fee_set(*, actor: Actor, amount: Decimal, valid_from: dt.date) -> SecondCopyFeeVersion:
    """A new fee from `valid_from` (today or later: a fee already charged is not rewritten)."""
    if amount < 0:
        raise ValidationFailed(
            "A taxa não pode ser negativa.", field="amount", code=ErrorCode.SETTING_OUT_OF_RANGE
        )
    if valid_from < tenant_today():
        raise ValidationFailed(
            "A vigência começa hoje ou depois.", field="valid_from", code=ErrorCode.SETTING_OUT_OF_RANGE
        )
    row: SecondCopyFeeVersion
    row, _ = SecondCopyFeeVersion.objects.update_or_create(
        valid_from=valid_from, defaults={"amount": amount, "created_by": actor.get_username()}
    )
    audit_record(
        actor=actor,
        action="billing.second_copy_fee",
        target=row,
        after={"amount": amount, "valid_from": valid_from},
    )
    return row


def last_issued_bill_id(property_id: int) -> int | None:
    found: int | None = (
        Bill.objects.filter(property_id=property_id, status__in=ISSUED)
        .order_by("-reference", "-id")
        .values_list("id", flat=True)
        .first()
    )
    return found


@transaction.atomic(durable=True)
def bill_second_copy(
    *,
    actor: Actor,
    bill_id: int,
    may_print_any: bool,
    waive_fee: bool = False,
    may_waive: bool = False,
    reason: str = "",
    may_override_legal: bool = False,
) -> SecondCopyCharge:
    """Record a staff 2ª via of the bill (the caller serves the stored PDF). `may_print_any` and
    `may_waive` are the acting profile's grants. Raises NotFound, PermissionDenied (not the last
    bill without the grant; a waiver without it; an execução fiscal on the property or the bill in
    dívida ativa without `may_override_legal`, TR S10.12-04) and ValidationFailed (a waiver without a
    reason)."""
    bill = Bill.objects.select_related("property").filter(pk=bill_id).first()
    if bill is None:
        raise NotFound("Fatura não encontrada.", code=ErrorCode.NOT_FOUND)
    refuse_locked(
        property_id=bill.property_id,
        bill_ids=[bill.pk],
        on=tenant_today(),
        allowed=may_override_legal,
        what="a 2ª via",
    )
    if bill.status in ISSUED and not may_print_any and bill.pk != last_issued_bill_id(bill.property_id):
        raise PermissionDenied(
            "Seu perfil imprime a 2ª via apenas da última fatura do imóvel.",
            code=ErrorCode.SECOND_COPY_NOT_ALLOWED,
        )
    if waive_fee and not may_waive:
        raise PermissionDenied(
            "Seu perfil não pode dispensar a taxa de 2ª via.", code=ErrorCode.SECOND_COPY_NOT_ALLOWED
        )
    if waive_fee and not reason.strip():
        raise ValidationFailed(
            "Informe o motivo da dispensa da taxa.", field="reason", code=ErrorCode.REASON_REQUIRED
        )
    fee = fee_in_force(tenant_today()) if bill.status in ISSUED else Decimal("0.00")
    charge: SecondCopyCharge = SecondCopyCharge.objects.create(
        bill=bill,
        property_id=bill.property_id,
        amount=fee,
        waived=waive_fee and fee > 0,
        reason=reason.strip(),
        created_by=actor.get_username(),
    )
    BillNote.objects.create(
        bill=bill,
        kind="second_copy",
        reason=reason.strip() or "2ª via",
        before={},
        after={"fee": str(fee), "waived": charge.waived},
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="billing.bill_second_copy",
        target=bill,
        reason=reason.strip(),
        after={"fee": fee, "waived": charge.waived},
    )
    return charge


def second_copy_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """Billing's own item source: the fees of staff 2ª vias not waived, until billed once."""
    rows = list(
        SecondCopyCharge.objects.filter(property_id__in=property_ids, waived=False, amount__gt=0)
        .select_related("bill")
        .values_list("id", "property_id", "amount", "bill__reference")
    )
    done = already_billed(SOURCE, [str(r[0]) for r in rows])
    items: dict[int, list[PendingItem]] = {}
    for pk, property_id, amount, ref in rows:
        if str(pk) in done:
            continue
        items.setdefault(property_id, []).append(
            PendingItem(
                kind=ItemKind.SERVICE,
                description=f"Taxa de 2ª via da fatura {ref:%m/%Y}",
                amount=amount,
                source=SOURCE,
                source_id=str(pk),
            )
        )
    return items

"""Writes of the credit bureau listing (negativação, seed 001 3.2.9.16–17): the policy, committing
or undoing a listing, the movement run (inclusions after the notice period, exclusions after payment
or agreement), the return files, and the hook that lifts a listing when its debt is settled.

Every write is audited on the property (object_type "registry.property"), so the attendant sees on
the property what the bureau did and when; the 360° page's panel shows the records and their lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.reading.services import holidays_between

from .bureau_provider import BureauProvider, BureauUnavailable, bureau_provider
from .domain.bureau import LineKind, MovementLine, exclusion_due, listable_on, movement_file, parse_return
from .errors import ErrorCode
from .models_bureau import BureauListing, BureauMovement, BureauMovementLine, BureauPolicy, BureauRecord
from .selectors_bureau import (
    POLICY_FIELDS,
    bureau_preview,
    bureau_rules,
    open_debt_bill_ids,
    policy_snapshot,
)

SYSTEM = SystemActor("debt.bureau")
Status = BureauRecord.Status


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, field=field, code=ErrorCode.INVALID)


def _ids(value: Any, field: str) -> list[int]:
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        raise _invalid("Informe uma lista de códigos.", field)
    out = []
    for item in value:
        text = str(item).strip()
        if not text.isdecimal():
            raise _invalid(f"Código inválido: {text or 'vazio'}.", field)
        out.append(int(text))
    return sorted(set(out))


def bureau_policy_check(values: dict[str, Any]) -> dict[str, Any]:
    """The policy's fields in range, normalized; ValidationFailed naming the field. No database."""
    unknown = sorted(set(values) - set(POLICY_FIELDS))
    if unknown:
        raise _invalid(f"Campo desconhecido: {unknown[0]}.", unknown[0])
    out: dict[str, Any] = {}
    bounds = {
        "min_overdue_count": (1, 120),
        "min_days_overdue": (0, 3650),
        "notice_days": (1, 90),
        "exclusion_business_days": (1, 5),  # Súmula 548: at most 5 business days
    }
    for name, (low, high) in bounds.items():
        if name not in values:
            continue
        raw = values[name]
        if isinstance(raw, bool) or not str(raw).strip().isdecimal():
            raise _invalid("Informe um número inteiro.", name)
        out[name] = int(str(raw).strip())
        if not low <= out[name] <= high:
            raise _invalid(f"Informe um número entre {low} e {high}.", name)
    if "min_debt" in values:
        try:
            amount = Decimal(str(values["min_debt"]).strip())
        except InvalidOperation as exc:
            raise _invalid("Informe um valor em reais (ponto decimal).", "min_debt") from exc
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise _invalid("Informe um valor maior que zero, com até 2 casas decimais.", "min_debt")
        out["min_debt"] = amount
    for name in ("group_ids", "neighbourhood_ids", "localities"):
        if name in values:
            out[name] = _ids(values[name], name)
    return out


@transaction.atomic(durable=True)
def bureau_policy_update(*, actor: Actor, **changes: Any) -> BureauPolicy:
    """The negativação policy (3.2.9.16), audited with before and after; listings already committed
    keep the copy they ran with."""
    checked = bureau_policy_check(changes)
    BureauPolicy.objects.get_or_create(pk=1)
    row: BureauPolicy = BureauPolicy.objects.select_for_update().get(pk=1)
    before = snapshot(row)
    for name, value in checked.items():
        setattr(row, name, value)
    row.save()
    audit_record(
        actor=actor, action="debt.bureau_policy_update", target=row, before=before, after=snapshot(row)
    )
    return row


def _property_audit(actor: Actor, action: str, record: BureauRecord, **after: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="registry.property",
        object_id=record.property_id,
        after={"record": record.pk, "amount": record.amount, **after},
    )


def _holder_names(property_ids: list[int]) -> dict[int, str]:
    from modules.registry.models import PropertyRelation

    names: dict[int, str] = {}
    for prop, name in (
        PropertyRelation.objects.filter(property_id__in=property_ids, end__isnull=True)
        .order_by("property_id", "role")
        .values_list("property_id", "customer__name")
    ):
        names.setdefault(prop, name)
    return names


@transaction.atomic(durable=True)
def bureau_listing_commit(*, actor: Actor, as_of: dt.date) -> BureauListing:
    """Commit the selection of `as_of` (3.2.9.17.4): one record per property, each with its prior
    written notice dated `as_of` (CDC art. 43 §2) and the first day it may be sent. A property already
    in an open record is not selected again, so committing twice lists nobody twice."""
    BureauPolicy.objects.get_or_create(pk=1)
    policy = BureauPolicy.objects.select_for_update().get(pk=1)  # one selection at a time
    rules = bureau_rules(policy_snapshot(policy))
    preview = bureau_preview(as_of)
    listing: BureauListing = BureauListing.objects.create(
        as_of=as_of,
        policy=policy_snapshot(policy),
        count=preview.count,
        amount=preview.amount,
        created_by=actor.get_username(),
    )
    names = _holder_names([c.property_id for c in preview.candidates])
    for candidate in preview.candidates:
        record = BureauRecord.objects.create(
            listing=listing,
            property_id=candidate.property_id,
            document=candidate.document,
            name=names.get(candidate.property_id, ""),
            bill_ids=list(candidate.bill_ids),
            amount=candidate.amount,
            oldest_due=candidate.oldest_due,
            notified_on=as_of,
            listable_on=listable_on(as_of, rules),
        )
        _property_audit(
            actor,
            "debt.bureau_notice",
            record,
            bills=list(candidate.bill_ids),
            listable_on=record.listable_on.isoformat(),
        )
    audit_record(
        actor=actor,
        action="debt.bureau_listing_commit",
        target=listing,
        after={"count": listing.count, "amount": listing.amount, "policy": listing.policy},
    )
    return listing


@transaction.atomic(durable=True)
def bureau_listing_undo(*, actor: Actor, listing_id: int) -> BureauListing:
    """Undo a listing none of whose records was sent yet: its records are deleted (the notices with
    them); one already sent is refused (the bureau knows it: lift it by exclusion)."""
    listing: BureauListing | None = BureauListing.objects.select_for_update().filter(pk=listing_id).first()
    if listing is None:
        raise NotFound("Lote de negativação não encontrado.", code=ErrorCode.BUREAU_LISTING_NOT_FOUND)
    if listing.status == BureauListing.Status.UNDONE:
        return listing  # a replayed undo changes nothing
    records = list(listing.records.select_for_update())
    sent = [r for r in records if r.status not in (Status.NOTIFIED, Status.CANCELLED)]
    if sent:
        raise Conflict(
            f"O lote já tem {len(sent)} inclusão(ões) enviada(s) ao birô; não pode ser desfeito.",
            field="listing",
            code=ErrorCode.BUREAU_LISTING_SENT,
        )
    for record in records:
        _property_audit(actor, "debt.bureau_undo", record, listing=listing.pk)
    BureauRecord.objects.filter(listing=listing).delete()
    listing.status = BureauListing.Status.UNDONE
    listing.undone_at = timezone.now()
    listing.save(update_fields=["status", "undone_at"])
    audit_record(
        actor=actor, action="debt.bureau_listing_undo", target=listing, after={"records": len(records)}
    )
    return listing


def bureau_debts_settled(bill_ids: list[int], actor: Any, *, on: dt.date | None = None) -> None:
    """collection's bills-paid hook, and agreement_create's: a record none of whose bills is still an
    open debt is lifted — cancelled when never sent, otherwise queued for exclusion, due within the
    policy's business days (STJ Súmula 548) counted from `on`. Runs inside the caller's transaction;
    the movement run is enqueued on commit."""
    from modules.billing.models import Bill
    from modules.common.clock import tenant_today

    ids = set(bill_ids)
    records = [
        r
        for r in BureauRecord.objects.select_for_update().filter(
            status__in=[Status.NOTIFIED, Status.INCLUSION_SENT, Status.LISTED, Status.REFUSED],
            property_id__in=Bill.objects.filter(pk__in=ids).values("property_id"),
        )
        if ids & set(r.bill_ids)
    ]
    if not records:
        return
    day = on or tenant_today()
    rules = bureau_rules()
    still_open = open_debt_bill_ids([b for r in records for b in r.bill_ids])
    queued = False
    for record in records:
        if still_open & set(record.bill_ids):
            continue
        record.settled_on = day
        if record.status in (Status.NOTIFIED, Status.REFUSED):
            record.status = Status.CANCELLED
            record.reason = "débito quitado ou negociado antes da inclusão"
            record.save(update_fields=["status", "settled_on", "reason"])
            _property_audit(actor, "debt.bureau_cancel", record)
            continue
        record.status = Status.EXCLUSION_PENDING
        record.exclusion_due = exclusion_due(day, rules, holidays_between(day, day + dt.timedelta(days=30)))
        record.save(update_fields=["status", "settled_on", "exclusion_due"])
        _property_audit(actor, "debt.bureau_exclusion_due", record, due=record.exclusion_due.isoformat())
        queued = True
    if queued:
        from .tasks import bureau_run

        transaction.on_commit(bureau_run.delay)


@transaction.atomic(durable=True)
def bureau_movement_generate(*, actor: Actor, as_of: dt.date) -> BureauMovement | None:
    """One movement file with every inclusion whose notice period has passed (its debt still open)
    and every pending exclusion; None when there is nothing to send. A notified record whose debt
    ended meanwhile is cancelled instead; one partly paid is sent with what is still open."""
    records = list(
        BureauRecord.objects.select_for_update()
        .filter(status__in=[Status.NOTIFIED, Status.EXCLUSION_PENDING])
        .select_related("property")
        .order_by("id")
    )
    inclusions = [r for r in records if r.status == Status.NOTIFIED and r.listable_on <= as_of]
    still_open = open_debt_bill_ids([b for r in inclusions for b in r.bill_ids])
    lines: list[tuple[BureauRecord, LineKind]] = []
    for record in inclusions:
        remaining = [b for b in record.bill_ids if b in still_open]
        if not remaining:
            record.status, record.reason = Status.CANCELLED, "débito quitado ou negociado antes da inclusão"
            record.save(update_fields=["status", "reason"])
            _property_audit(actor, "debt.bureau_cancel", record)
            continue
        if len(remaining) != len(record.bill_ids):
            from modules.billing.models import Bill

            record.bill_ids = remaining
            record.amount = sum(
                Bill.objects.filter(pk__in=remaining).values_list("total", flat=True), Decimal("0.00")
            )
            record.save(update_fields=["bill_ids", "amount"])
        lines.append((record, LineKind.INCLUSION))
    lines += [(r, LineKind.EXCLUSION) for r in records if r.status == Status.EXCLUSION_PENDING]
    if not lines:
        return None
    movement: BureauMovement = BureauMovement.objects.create(generated_on=as_of, content="")
    movement.content = movement_file(
        movement.pk,
        as_of,
        [
            MovementLine(
                kind,
                r.pk,
                r.document,
                r.name,
                r.property.account_number,
                Decimal(r.amount),
                r.oldest_due,
            )
            for r, kind in lines
        ],
    )
    movement.save(update_fields=["content"])
    for number, (record, kind) in enumerate(lines, start=1):
        BureauMovementLine.objects.create(movement=movement, record=record, line=number, kind=kind.value)
        record.status = Status.INCLUSION_SENT if kind is LineKind.INCLUSION else Status.EXCLUSION_SENT
        record.save(update_fields=["status"])
        _property_audit(
            actor,
            "debt.bureau_inclusion_sent" if kind is LineKind.INCLUSION else "debt.bureau_exclusion_sent",
            record,
            movement=movement.pk,
            line=number,
        )
    audit_record(
        actor=actor, action="debt.bureau_movement_generate", target=movement, after={"lines": len(lines)}
    )
    return movement


def bureau_movements_send(*, provider: BureauProvider | None = None) -> list[int]:
    """Send every generated movement not yet acknowledged (the idempotency key makes a resend after a
    lost answer harmless). Each acknowledgement commits on its own; an unreachable bureau leaves the
    rest for the next run."""
    sent = []
    for movement in BureauMovement.objects.filter(status=BureauMovement.Status.GENERATED).order_by("id"):
        bureau = provider or bureau_provider()
        bureau_id = bureau.send(movement_id=movement.pk, content=movement.content)
        BureauMovement.objects.filter(pk=movement.pk, status=BureauMovement.Status.GENERATED).update(
            status=BureauMovement.Status.SENT, bureau_id=bureau_id, sent_at=timezone.now()
        )
        sent.append(movement.pk)
    return sent


@transaction.atomic(durable=True)
def bureau_return_process(*, actor: Actor, content: str) -> BureauMovement:
    """Apply a return file (fetched from the bureau or uploaded by staff): accepted inclusions list the
    record, accepted exclusions lift it, refusals keep the bureau's reason. A file for a movement the
    utility never sent, or naming a line it does not have, is refused with the reason and changes
    nothing; a file already applied changes nothing either."""
    parsed = parse_return(content)
    movement: BureauMovement | None = (
        BureauMovement.objects.select_for_update().filter(pk=parsed.movement_id).first()
    )
    if movement is None or movement.status == BureauMovement.Status.GENERATED:
        raise ValidationFailed(
            f"Linha 1: o movimento {parsed.movement_id} não foi enviado por esta empresa ao birô; "
            "retorno recusado.",
            field="content",
            code=ErrorCode.BUREAU_MOVEMENT_UNKNOWN,
        )
    lines = {line.line: line for line in movement.lines.select_related("record")}
    for answer in parsed.lines:
        if answer.line not in lines:
            raise ValidationFailed(
                f"O movimento {movement.pk} não tem a linha {answer.line}; retorno recusado.",
                field="content",
                code=ErrorCode.BUREAU_RETURN_INVALID,
            )
    for answer in parsed.lines:
        line = lines[answer.line]
        if line.result:
            continue  # already applied
        line.result = "A" if answer.accepted else "R"
        line.protocol, line.reason = answer.protocol, answer.reason[:200]
        line.save(update_fields=["result", "protocol", "reason"])
        _apply_answer(actor, line)
    if all(line.result for line in lines.values()):
        movement.status = BureauMovement.Status.RETURNED
        movement.returned_at = timezone.now()
    movement.return_content = content
    movement.save(update_fields=["status", "returned_at", "return_content"])
    return movement


def _apply_answer(actor: Actor, line: BureauMovementLine) -> None:
    """One answer on its record. Runs inside the caller's transaction."""
    record = BureauRecord.objects.select_for_update().get(pk=line.record_id)
    accepted = line.result == "A"
    if line.kind == BureauMovementLine.Kind.INCLUSION:
        if record.status == Status.EXCLUSION_PENDING:
            # paid while the inclusion was in flight: the exclusion already waits to be sent
            if not accepted:
                record.status, record.reason = Status.CANCELLED, line.reason
        elif accepted:
            record.status, record.protocol = Status.LISTED, line.protocol
        else:
            record.status, record.reason = Status.REFUSED, line.reason
        action = "debt.bureau_listed" if accepted else "debt.bureau_inclusion_refused"
    else:
        if accepted or line.reason == "restrição não encontrada":
            record.status = Status.EXCLUDED
        else:
            record.status = Status.EXCLUSION_PENDING  # retried on the next run until acknowledged
        record.reason = line.reason
        action = "debt.bureau_excluded" if accepted else "debt.bureau_exclusion_refused"
    record.save(update_fields=["status", "protocol", "reason"])
    _property_audit(
        actor, action, record, protocol=line.protocol, reason=line.reason, movement=line.movement_id
    )


def bureau_returns_fetch(*, actor: Actor, provider: BureauProvider | None = None) -> list[int]:
    """Fetch and apply the returns of the movements sent and not yet answered."""
    done = []
    for movement in BureauMovement.objects.filter(status=BureauMovement.Status.SENT).order_by("id"):
        bureau = provider or bureau_provider()
        content = bureau.fetch_return(bureau_id=movement.bureau_id)
        if content is not None:
            bureau_return_process(actor=actor, content=content)
            done.append(movement.pk)
    return done


def bureau_run(*, actor: Actor, as_of: dt.date, provider: BureauProvider | None = None) -> dict[str, Any]:
    """The whole exchange of a day: generate the movement, send what waits, apply the returns. Not one
    transaction (each step commits on its own); re-running it sends nothing twice. An unreachable
    bureau leaves the generated movement to the next run."""
    movement = bureau_movement_generate(actor=actor, as_of=as_of)
    try:
        sent = bureau_movements_send(provider=provider)
        returned = bureau_returns_fetch(actor=actor, provider=provider)
    except BureauUnavailable as exc:
        return {"movement": movement.pk if movement else None, "error": exc.message}
    return {"movement": movement.pk if movement else None, "sent": sent, "returned": returned}

"""Card payment through an accredited operator's hosted checkout (VA-13).

The citizen picks bills and one of the utility's accredited card operators (`card_operators`: the
active gateway accounts that accept card); `card_checkout_create` prices the bills to today and opens
a Pagar.me order whose payment is the hosted checkout, so the card data never touches us. While that
checkout is pending its bills are *em revisão* (`selectors.card_review_bills`): not selectable, and
refused by every other way of paying them. What happens next comes from the gateway only
(`gateway.charge_sync`, from the webhook, the return page or `card_checkouts_expire`): paid settles
the bills once; refused, cancelled or expired cancels the document and the bills are open again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import timezone

from modules.common.audit import Actor, SystemActor
from modules.common.errors import ValidationFailed

from .errors import ErrorCode
from .gateway import charge_sync, gateway_charge_create
from .models import GatewayCharge
from .pagarme import GatewayUnavailable
from .selectors import CARD_PENDING, card_operators

logger = logging.getLogger(__name__)
EXPIRY_ACTOR = SystemActor("collection.card_checkouts_expire")


def card_checkout_create(
    *,
    actor: Actor,
    property_id: int,
    bill_ids: list[int],
    account_id: int,
    today: dt.date,
    success_url: Callable[[int], str],
) -> GatewayCharge:
    """Open the hosted checkout of operator `account_id` for the selected open bills; the charge's
    `checkout_url` is where the customer's browser goes next. `success_url` maps the new document's
    id to the page the operator sends the browser back to. The unit of work is
    `gateway_charge_create`'s transaction."""
    account = next((a for a in card_operators() if a.pk == account_id), None)
    if account is None:
        raise ValidationFailed(
            "Escolha uma das empresas credenciadas para pagamento com cartão.",
            field="operator",
            code=ErrorCode.INVALID,
        )
    return gateway_charge_create(
        actor=actor,
        property_id=property_id,
        bill_ids=bill_ids,
        method=GatewayCharge.Method.CHECKOUT,
        today=today,
        account=account,
        success_url=success_url,
    )


def card_checkouts_expire(*, now: dt.datetime | None = None) -> list[int]:
    """Periodic: ask the gateway about every pending checkout past its deadline (the gateway expires
    it and says so); those that ended are released. Returns the charges whose status changed, so a
    second run over the same rows returns nothing and changes nothing."""
    now = now or timezone.now()
    due = list(
        GatewayCharge.objects.filter(
            method=GatewayCharge.Method.CHECKOUT, status__in=CARD_PENDING, expires_at__lte=now
        ).values_list("pk", "status")
    )
    changed = []
    for pk, before in due:
        try:
            charge_sync(charge_id=pk, actor=EXPIRY_ACTOR)
        except GatewayUnavailable as exc:  # next run retries; the bills were released on read already
            logger.warning("checkout %s: gateway indisponível (%s)", pk, exc.message)
            continue
        if GatewayCharge.objects.filter(pk=pk).exclude(status=before).exists():
            changed.append(pk)
    return changed


def checkout_refresh(charge: GatewayCharge, *, actor: Actor) -> GatewayCharge:
    """The check on read of a pending checkout (the return page): ask the gateway now rather than wait
    for its event. A gateway that does not answer leaves the row as it was."""
    if charge.method != GatewayCharge.Method.CHECKOUT or charge.status not in CARD_PENDING:
        return charge
    try:
        charge_sync(charge_id=charge.pk, actor=actor)
    except GatewayUnavailable as exc:
        logger.warning("checkout %s: gateway indisponível (%s)", charge.pk, exc.message)
        return charge
    charge.refresh_from_db()
    return charge


def checkout_refresh_if_due(charge: GatewayCharge, *, actor: Actor) -> GatewayCharge:
    """On a page read: a pending checkout past its deadline is asked about (and released) now."""
    if charge.expires_at is None or charge.expires_at > timezone.now():
        return charge
    return checkout_refresh(charge, actor=actor)

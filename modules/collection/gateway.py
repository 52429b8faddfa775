"""Gateway charges (Pagar.me) and the webhook that settles them.

The webhook body is never trusted for money: it only tells us which charge to look at. We record the
event by its id, fetch the charge from the API with the tenant's key, and settle from what the API
says. The charge row is locked while we do it and a payment is unique per charge, so replays and
out-of-order events settle the bills at most once.

A card payment through the operator's hosted checkout (method `checkout`, VA-13; created by
`card_checkout.card_checkout_create`) has no charge until the customer pays: its events are matched by
order or checkout id as well, and syncing it reads the order (its checkout and charges). A checkout
that ends unpaid (failed card, cancelled, expired) cancels its document, so its bills, *em revisão*
while it was pending, are open again; a payment arriving after that goes to review, never to a bill
already released.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hmac
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from modules.billing.selectors import HELD_BILLS
from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.clock import tenant_zone
from modules.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from modules.common.typed import transaction
from modules.registry.models import Property

from .documents import held_bills
from .errors import ErrorCode
from .matcher import Incoming, payments_match
from .models import CollectingAgent, GatewayAccount, GatewayCharge, Payment, PaymentDocument, WebhookEvent
from .pagarme import GatewayUnavailable, PagarmeClient, order_body
from .policies import late_charge_rule
from .selectors import card_review_bills, open_bills, payment_review_bills, price_bill
from .services import document_create

GATEWAY_AGENT = "PAGARME"
CHECKOUT_MINUTES = 30  # the hosted card checkout's life (Pagar.me `expires_in` is in minutes)
WEBHOOK_ACTOR = SystemActor("pagarme-webhook")
PAID = ("paid", "overpaid", "underpaid")
CHECKOUT_ENDED = ("failed", "canceled", "expired")


class WebhookRefused(DomainError):
    code = ErrorCode.WEBHOOK_UNAUTHORIZED
    status = 401


def gateway_account() -> GatewayAccount:
    account: GatewayAccount | None = GatewayAccount.objects.filter(provider="pagarme", active=True).first()
    if account is None:
        raise ValidationFailed(
            "A concessionária não tem conta Pagar.me configurada.",
            field="method",
            code=ErrorCode.GATEWAY_NOT_CONFIGURED,
        )
    return account


def client() -> PagarmeClient:
    account = gateway_account()
    return PagarmeClient(account.base_url, account.secret_key)


def _agent() -> CollectingAgent:
    agent: CollectingAgent
    agent, _ = CollectingAgent.objects.get_or_create(
        code=GATEWAY_AGENT,
        defaults={"name": "Pagar.me", "kind": CollectingAgent.Kind.GATEWAY, "credit_days": 1},
    )
    return agent


def _customer(prop: Property) -> dict[str, Any]:
    relation = prop.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    if relation is None:
        return {"name": f"Imóvel {prop.account_number}", "type": "individual"}
    customer = relation.customer
    body: dict[str, Any] = {
        "name": customer.name[:64],
        "type": "company" if customer.kind == "company" else "individual",
        "email": getattr(customer, "email", "") or "sem-email@exemplo.com.br",
    }
    if customer.cpf_cnpj:  # a legacy customer may have none: no key rather than an empty document
        body["document"] = customer.cpf_cnpj
    return body


@transaction.atomic(durable=True)
def gateway_charge_create(
    *,
    actor: Actor,
    property_id: int,
    bill_ids: list[int],
    method: str,
    today: dt.date,
    card_token: str = "",
    account: GatewayAccount | None = None,
    success_url: Callable[[int], str] | None = None,
) -> GatewayCharge:
    """One Pagar.me order for the selected open bills, priced with late charges up to today.

    `checkout` (the hosted card checkout) needs the operator's `account` and `success_url`, which
    maps the new document's id to the agency page the customer's browser comes back to."""
    ids = sorted(set(bill_ids))
    rows = list(
        open_bills(property_id).filter(id__in=ids).values_list("id", "reference", "due_date", "total")
    )
    if not ids or len(rows) != len(ids):
        raise ValidationFailed(
            "Selecione faturas em aberto deste imóvel.", field="bills", code=ErrorCode.INVALID
        )
    held = held_bills(ids)
    if held:
        raise Conflict(
            "Há faturas selecionadas incluídas em parcelamento: " + "; ".join(held.values()),
            field="bills",
            code=ErrorCode.BILLS_IN_AGREEMENT,
        )
    debiting = list(
        open_bills(property_id)
        .filter(id__in=ids)
        .exclude(direct_debit="")
        .values_list("reference", flat=True)
    )
    if debiting:
        # sent for direct debit: not offered for another payment until the bank refuses it (ADR 0235)
        raise Conflict(
            "Há faturas selecionadas em débito automático, aguardando o banco: "
            + ", ".join(f"{r:%m/%Y}" for r in sorted(debiting)),
            field="bills",
            code=ErrorCode.BILLS_IN_DIRECT_DEBIT,
        )
    review = card_review_bills(bill_ids=ids)
    if review:
        raise Conflict(
            "Há faturas selecionadas em revisão (pagamento com cartão em andamento): "
            + ", ".join(sorted(review.values())),
            field="bills",
            code=ErrorCode.BILLS_IN_REVIEW,
        )
    received = payment_review_bills(bill_ids=ids)
    if received:
        raise Conflict(
            "Há faturas selecionadas em conferência (pagamento recebido, em análise): "
            + ", ".join(sorted(received.values())),
            field="bills",
            code=ErrorCode.BILLS_IN_REVIEW,
        )
    rule = late_charge_rule(today)
    # a held bill accrues no late charges while the hold lasts: priced at its face value
    on_hold = set(open_bills(property_id).filter(id__in=ids).filter(HELD_BILLS).values_list("id", flat=True))
    lines = [
        price_bill(pk, ref, due, total, min(today, due) if pk in on_hold else today, rule)
        for pk, ref, due, total in rows
    ]
    return _charge_for(property_id, method, today, actor, lines, card_token, account, success_url)


def _charge_for(
    property_id: int,
    method: str,
    today: dt.date,
    actor: Actor,
    lines: Any,
    card_token: str,
    account: GatewayAccount | None,
    success_url: Callable[[int], str] | None,
) -> GatewayCharge:
    """The guia and its order at the gateway; runs inside gateway_charge_create's transaction (a
    charge the gateway created but we failed to record is found again by its idempotency key)."""
    if method not in GatewayCharge.Method.values:
        raise ValidationFailed(
            "Forma de pagamento deve ser pix, boleto ou credit_card.", field="method", code=ErrorCode.INVALID
        )
    if method == "credit_card" and not card_token:
        raise ValidationFailed(
            "Informe o card_token gerado pelo checkout do Pagar.me.",
            field="card_token",
            code=ErrorCode.INVALID,
        )
    if method == "checkout" and (account is None or success_url is None):
        raise ValidationFailed(
            "O pagamento com cartão no ambiente da operadora é iniciado pela agência virtual.",
            field="method",
            code=ErrorCode.INVALID,
        )
    prop = Property.objects.filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    account = account or gateway_account()
    doc = document_create(
        actor=actor,
        property_id=property_id,
        kind=PaymentDocument.Kind.GATEWAY,
        lines=lines,
        as_of=today,
        valid_until=today + dt.timedelta(days=1),
    )
    cents = int(doc.amount * 100)
    key = f"{connection.schema_name}-doc-{doc.pk}-{method}"
    body = order_body(
        code=f"DOC{doc.pk}",
        amount_cents=cents,
        method=method,
        card_token=card_token,
        description=f"Faturas do imóvel {prop.account_number}",
        customer=_customer(prop),
        due_at=f"{doc.valid_until:%Y-%m-%d}T23:59:59Z",
        success_url=success_url(doc.pk) if success_url else "",
        expires_in_minutes=CHECKOUT_MINUTES,
        metadata={"document": str(doc.pk), "bills": ",".join(str(line.bill_id) for line in lines)},
    )
    order = PagarmeClient(account.base_url, account.secret_key).create_order(idempotency_key=key, body=body)
    charge_data = (order.get("charges") or [{}])[0]
    transaction_data = charge_data.get("last_transaction") or {}
    checkout = (order.get("checkouts") or [{}])[0] if method == "checkout" else {}
    if method == "checkout" and not checkout.get("payment_url"):
        raise GatewayUnavailable("Pagar.me não devolveu o endereço do checkout.")
    charge: GatewayCharge = GatewayCharge.objects.create(
        document=doc,
        method=method,
        amount_cents=cents,
        idempotency_key=key,
        order_id=order["id"],
        charge_id=charge_data.get("id", ""),
        status=charge_data.get("status", "") or order.get("status", "pending"),
        qr_code=transaction_data.get("qr_code", ""),
        qr_code_url=transaction_data.get("qr_code_url", ""),
        boleto_line=transaction_data.get("line", ""),
        boleto_url=transaction_data.get("pdf", ""),
        account=account,
        checkout_id=checkout.get("id", ""),
        checkout_url=checkout.get("payment_url", ""),
        expires_at=_expiry(method, checkout, transaction_data),
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.gateway_charge_create",
        target=charge,
        after={
            "document": doc.pk,
            "amount_cents": cents,
            "method": method,
            "order": order["id"],
            "account": account.pk,
        },
    )
    return charge


def check_webhook_auth(token: str, authorization: str) -> GatewayAccount:
    account: GatewayAccount | None = GatewayAccount.objects.filter(provider="pagarme", active=True).first()
    if account is None:
        raise WebhookRefused("Webhook recusado: segredo da URL inválido.")
    # the secrets are decrypted str on the instance (the field classes are what the type checker sees)
    secret: str = account.webhook_token
    expected_user: str = account.webhook_username
    expected_password: str = account.webhook_password
    if not secret or not hmac.compare_digest(token, secret):
        raise WebhookRefused("Webhook recusado: segredo da URL inválido.")
    if expected_user:
        user, password = "", ""
        if authorization.startswith("Basic "):
            with contextlib.suppress(binascii.Error, UnicodeDecodeError):
                user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        if not (
            hmac.compare_digest(user, expected_user) and hmac.compare_digest(password, expected_password)
        ):
            raise WebhookRefused("Webhook recusado: autenticação básica inválida.")
    return account


def webhook_receive(*, token: str, authorization: str, body: Any) -> dict[str, str]:
    """Record the event once (its own transaction), then sync each charge it names (each in its own:
    `charge_sync`); a replayed event syncs again and settles nothing twice."""
    account = check_webhook_auth(token, authorization)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("id"), str)
        or not isinstance(body.get("type"), str)
    ):
        raise ValidationFailed("Evento sem id ou tipo.", field="id", code=ErrorCode.INVALID)
    data: dict[str, Any] = body["data"] if isinstance(body.get("data"), dict) else {}
    charge_ids, order_ids, checkout_ids = _event_ids(body["type"], data)
    with transaction.atomic(durable=True):  # the event is kept whatever its syncs do
        event, created = WebhookEvent.objects.get_or_create(
            event_id=body["id"][:64],
            defaults={
                "type": body["type"][:60],
                "charge_id": (charge_ids or order_ids or checkout_ids or [""])[0][:64],
            },
        )
    known = list(
        GatewayCharge.objects.filter(
            Q(charge_id__in=charge_ids) | Q(order_id__in=order_ids) | Q(checkout_id__in=checkout_ids)
        ).exclude(charge_id="", order_id="", checkout_id="")
    )
    if not known:
        WebhookEvent.objects.filter(pk=event.pk).update(outcome="cobrança desconhecida")
        wanted = charge_ids or order_ids or checkout_ids
        raise NotFound(
            f"Webhook recusado: cobrança desconhecida ({', '.join(wanted) or 'sem id'}).",
            field="data.id",
            code=ErrorCode.UNKNOWN_CHARGE,
        )
    outcomes = [charge_sync(charge_id=c.pk, account=account) for c in known]
    outcome = "; ".join(outcomes)
    WebhookEvent.objects.filter(pk=event.pk).update(outcome=outcome[:200])
    return {"event": event.event_id, "replayed": str(not created).lower(), "outcome": outcome}


def _event_ids(kind: str, data: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """(charge ids, order ids, checkout ids) an event names: charge.* carries a charge (and its order),
    order.* an order (its charges and checkouts), checkout.* a checkout."""

    def ids(items: Any) -> list[str]:
        return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str) and i["id"]]

    order = data.get("order") if isinstance(data.get("order"), dict) else {}
    if kind.startswith("charge."):
        return ids([data]), ids([order]), []
    if kind.startswith("checkout."):
        return [], ids([order]), ids([data])
    return ids(data.get("charges") or []), ids([data]), ids(data.get("checkouts") or [])


@transaction.atomic(durable=True)
def charge_sync(
    *, charge_id: int, account: GatewayAccount | None = None, actor: Actor = WEBHOOK_ACTOR
) -> str:
    """Fetch the charge from the API and act on what it says; safe to call any number of times.
    `actor` names who asked (the webhook, the return page, the periodic check) in the audit rows."""
    charge = (
        GatewayCharge.objects.select_for_update(of=("self",))
        .select_related("document", "account")
        .get(pk=charge_id)
    )
    account = charge.account or account or gateway_account()
    client = PagarmeClient(account.base_url, account.secret_key)
    if charge.method == GatewayCharge.Method.CHECKOUT:
        remote, status = _checkout_state(client.get_order(charge.order_id))
        if remote.get("id") and not charge.charge_id:
            charge.charge_id = str(remote["id"])[:64]
    else:
        remote = client.get_charge(charge.charge_id)
        status = str(remote.get("status", ""))
    charge.status = status[:20]
    charge.save(update_fields=["status", "charge_id", "updated_at"])
    if charge.method == GatewayCharge.Method.CHECKOUT and status in CHECKOUT_ENDED:
        _release(charge, actor)
    if status not in PAID:
        return f"{charge.charge_id or charge.order_id}: {status or 'sem situação'}"
    if Payment.objects.filter(gateway_charge=charge).exists():
        return f"{charge.charge_id}: já baixada"
    paid_cents = int(remote.get("paid_amount") or 0)
    paid_on = _paid_on(remote.get("paid_at"))
    (payment,) = payments_match(
        actor=actor,
        agent=_agent(),
        channel=Payment.Channel.GATEWAY,
        gateway_charge=charge,
        items=[
            Incoming(
                charge.document.barcode,
                Decimal(paid_cents).scaleb(-2).quantize(Decimal("0.01")),
                paid_on,
                paid_on,
                authentication=charge.charge_id,
            )
        ],
    )
    audit_record(
        actor=actor,
        action="collection.gateway_payment",
        target=payment,
        after={"charge": charge.charge_id, "status": payment.status, "paid_cents": paid_cents},
    )
    return f"{charge.charge_id}: {payment.get_status_display().lower()}"


def _checkout_state(order: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The charge that decides a checkout order (a paid one first, else a failed one) and the status:
    paid/overpaid/underpaid, failed, expired or canceled, else pending while the checkout is open."""
    charges = [c for c in order.get("charges") or [] if isinstance(c, dict)]
    paid = next((c for c in charges if c.get("status") in PAID), None)
    if paid is not None:
        return paid, str(paid["status"])
    failed = next((c for c in charges if c.get("status") == "failed"), None)
    if failed is not None or order.get("status") == "failed":
        return failed or {}, "failed"
    checkout = (order.get("checkouts") or [{}])[0]
    if checkout.get("status") in ("expired", "canceled"):
        return {}, str(checkout["status"])
    if order.get("status") == "canceled":
        return {}, "canceled"
    return {}, "pending"


def _release(charge: GatewayCharge, actor: Actor) -> None:
    """A checkout that ended unpaid: its document is cancelled, so its bills leave *em revisão*. Runs
    inside charge_sync's transaction, with the charge row locked."""
    doc = charge.document
    if doc.status != PaymentDocument.Status.OPEN:
        return
    doc.status = PaymentDocument.Status.CANCELLED
    doc.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="collection.card_checkout_release",
        target=doc,
        before={"status": PaymentDocument.Status.OPEN},
        after={
            "status": doc.status,
            "charge": charge.pk,
            "checkout": charge.checkout_id,
            "why": charge.status,
        },
    )


def _expiry(method: str, checkout: dict[str, Any], last_transaction: dict[str, Any]) -> dt.datetime | None:
    """Until when the customer may pay, as the gateway says: a hosted checkout's deadline, or a PIX QR
    code's (its transaction's `expires_at`); a boleto or a card charge has none here."""
    if method == GatewayCharge.Method.CHECKOUT:
        return _instant(checkout.get("expires_at"))
    if method == GatewayCharge.Method.PIX:
        return _instant(last_transaction.get("expires_at"))
    return None


def _instant(value: Any) -> dt.datetime | None:
    try:
        instant = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


def _paid_on(value: Any) -> dt.date:
    tz = tenant_zone()
    try:
        instant = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        instant = dt.datetime.now(dt.UTC)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(tz).date()

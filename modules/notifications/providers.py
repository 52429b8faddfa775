"""The channels' senders behind one interface (ADR 0207): e-mail (Django's mail backend: SMTP in
production), SMS (the utility's gateway of the attendance channels, modules/service/
channels_providers.py), WhatsApp (a Business messaging provider over HTTP, below; fakes/whatsapp.py
in tests) and Web Push (webpush.py). Each `send_*` answers the provider's id or raises
ProviderFailed; none retries by itself (dispatch.py decides)."""

from __future__ import annotations

from email.utils import formataddr
from typing import Any

import requests
from django.conf import settings
from django.core.mail import EmailMessage

from modules.billing.models import Bill
from modules.billing.pdf import bill_pdf
from modules.common.audit import SystemActor
from modules.common.clock import current_tenant
from modules.common.errors import DomainError, ValidationFailed
from modules.registry.domain.payer import payer_relation
from modules.registry.models import Customer, Property, PropertyRelation
from modules.registry.services.customers import customer_update
from modules.service.channels_providers import sms_send

from . import webpush
from .errors import ErrorCode
from .models import NotificationSettings, PushDevice

TIMEOUT = 10


class ProviderFailed(DomainError):
    code = ErrorCode.PROVIDER_FAILED
    status = 502


class ProviderNotConfigured(DomainError):
    code = ErrorCode.PROVIDER_NOT_CONFIGURED
    status = 400


def utility_name() -> str:
    tenant = current_tenant()
    return getattr(tenant, "name", "") or "Concessionária"


def holder(prop: Property) -> Customer | None:
    relations = PropertyRelation.objects.filter(property=prop, end__isnull=True).select_related("customer")
    relation = payer_relation(list(relations))
    return relation.customer if relation else None


def holder_email(prop: Property) -> str:
    customer = holder(prop)
    return customer.email if customer else ""


def holder_phone_set(prop: Property, mobile: str) -> None:
    """The confirmed mobile on the registry's customer too (3.2.14.1: the back office sees it).
    Runs inside the caller's transaction."""
    customer = holder(prop)
    if customer is not None and customer.phone != mobile:
        customer_update(actor=SystemActor("agencia"), customer=customer, phone=mobile)


def send_email(*, to: str, subject: str, text: str, bill: Bill | None = None) -> str:
    tenant = current_tenant()
    name = utility_name()
    message = EmailMessage(
        subject=f"{name}: {subject}",
        body=f"{text}\n\n{name}",
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[to],
        reply_to=[tenant.email] if tenant and tenant.email else None,
    )
    if bill is not None:  # the digital bill: the PDF itself, the same as the second copy's
        message.attach(f"conta-{bill.reference:%Y-%m}.pdf", bill_pdf(bill), "application/pdf")
    try:
        message.send()
    except OSError as exc:
        raise ProviderFailed(
            f"O servidor de e-mail não aceitou a mensagem: {exc.__class__.__name__}."
        ) from exc
    return message.extra_headers.get("Message-ID", "") or "smtp"


def send_sms(to: str, text: str) -> str:
    try:
        return sms_send(to, text)
    except ValidationFailed as exc:
        raise ProviderNotConfigured(exc.message, field="sms") from exc
    except DomainError as exc:
        raise ProviderFailed(exc.message, field="sms") from exc


def send_whatsapp(to: str, text: str) -> str:
    """A text message through the WhatsApp Business provider (Cloud API shape)."""
    conf = NotificationSettings.current()
    if not conf.whatsapp_base_url:
        raise ProviderNotConfigured("O provedor de WhatsApp não está configurado.", field="whatsapp")
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "to": to.lstrip("+"),
        "type": "text",
        "text": {"body": text},
    }
    try:
        response = requests.post(
            conf.whatsapp_base_url.rstrip("/") + "/v1/messages",
            json=body,
            headers={"Authorization": f"Bearer {conf.whatsapp_token}"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise ProviderFailed(f"O provedor de WhatsApp não respondeu: {exc.__class__.__name__}.") from exc
    if response.status_code >= 400:
        raise ProviderFailed(f"O provedor de WhatsApp recusou a mensagem (HTTP {response.status_code}).")
    return str(response.json()["messages"][0]["id"])


def send_push(device: PushDevice, *, title: str, text: str, url: str, pem: str) -> str:
    conf = NotificationSettings.current()
    subject = conf.vapid_subject or f"mailto:{settings.DEFAULT_FROM_EMAIL}"
    try:
        return webpush.send(
            endpoint=device.endpoint,
            p256dh=device.p256dh,
            auth=device.auth,
            payload={"title": title, "body": text, "url": url},
            pem=pem,
            subject=subject,
        )
    except webpush.PushFailed as exc:
        raise ProviderFailed(str(exc)) from exc

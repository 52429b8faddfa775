"""Every write of the citizens' notices (ADR 0207): the choice of channels and notices with its
consent trail, push devices, the mobile number's confirmation by SMS code, the digital bill, and
the utility's settings. Sending is in dispatch.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.errors import DomainError, ValidationFailed
from modules.common.sms import normalize_phone
from modules.registry.models import Property

from . import providers
from .domain import events as ev
from .errors import ErrorCode
from .models import ConsentRecord, MobileCode, NotificationSettings, PushDevice, Subscription
from .webpush import new_private_key_pem

CODE_TTL = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 3
BLOCK_FOR = dt.timedelta(minutes=30)


class EventNotOffered(DomainError):
    code = ErrorCode.EVENT_NOT_OFFERED
    status = 400


class CodeBlocked(DomainError):
    code = ErrorCode.CODE_BLOCKED
    status = 429


@dataclass(frozen=True)
class Preferences:
    channels: dict[str, bool]
    events: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"channels": dict(self.channels), "events": list(self.events)}


def preferences_of(prop: Property) -> Preferences:
    sub = Subscription.objects.filter(property=prop).first()
    if sub is None:
        return Preferences(dict.fromkeys(ev.CHANNELS, False), [])
    return Preferences(sub.channels(), list(sub.events))


@transaction.atomic(durable=True)
def preferences_set(
    *,
    actor: Actor,
    prop: Property,
    channels: dict[str, bool],
    events: list[str],
    source: str,
    ip: str | None = None,
) -> Preferences:
    """Record the citizen's choice; a consent row for every channel or notice turned on or off
    (LGPD), none for what did not change. A channel left out of `channels` keeps its value."""
    problem = ev.channels_problem(dict(channels))
    if problem:
        raise ValidationFailed(problem, field="channels", code=ErrorCode.CHANNEL_UNKNOWN)
    offered = list(NotificationSettings.current().offered_events)
    problem = ev.events_problem(list(events), offered)
    if problem:
        raise EventNotOffered(problem, field="events")
    sub, _ = Subscription.objects.select_for_update().get_or_create(property=prop)
    before = {"channels": sub.channels(), "events": list(sub.events)}
    consents: list[ConsentRecord] = []
    for channel, on in channels.items():
        if getattr(sub, channel) != on:
            setattr(sub, channel, on)
            consents.append(_consent(prop, ConsentRecord.Subject.CHANNEL, channel, on, source, ip))
    chosen = [e for e in ev.EVENTS if e in events]  # the catalogue's order, whatever the client's
    for code in sorted(set(chosen) ^ set(sub.events)):
        consents.append(_consent(prop, ConsentRecord.Subject.EVENT, code, code in chosen, source, ip))
    sub.events = chosen
    sub.save()
    ConsentRecord.objects.bulk_create(consents)
    after = {"channels": sub.channels(), "events": chosen}
    if consents:
        audit_record(
            actor=actor, action="notifications.preferences_set", target=sub, before=before, after=after
        )
    return Preferences(sub.channels(), chosen)


def _consent(prop: Property, subject: str, code: str, on: bool, source: str, ip: str | None) -> ConsentRecord:
    return ConsentRecord(property=prop, subject=subject, code=code, opted_in=on, source=source, ip=ip or None)


@transaction.atomic(durable=True)
def digital_bill_set(*, actor: Actor, prop: Property, on: bool, source: str, ip: str | None = None) -> bool:
    """Enrol in (or leave) the digital bill: no paper copy in the print-shop file, the PDF by e-mail
    on release. Needs an e-mail on record."""
    sub, _ = Subscription.objects.select_for_update().get_or_create(property=prop)
    if on and not providers.holder_email(prop):
        raise ValidationFailed(
            "Para receber a conta digital, cadastre e confirme um e-mail primeiro.",
            field="digital_bill",
            code=ErrorCode.CHANNEL_NEEDS_CONTACT,
        )
    if sub.digital_bill == on:
        return on
    sub.digital_bill = on
    sub.digital_bill_since = timezone.now() if on else None
    sub.save(update_fields=["digital_bill", "digital_bill_since", "updated_at"])
    ConsentRecord.objects.create(
        property=prop,
        subject=ConsentRecord.Subject.DIGITAL_BILL,
        code="digital_bill",
        opted_in=on,
        source=source,
        ip=ip or None,
    )
    audit_record(actor=actor, action="notifications.digital_bill_set", target=sub, after={"on": on})
    return on


# --- the mobile number, confirmed by an SMS code (3.2.14.1) -------------------------------------


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _blocked(prop: Property, now: dt.datetime) -> MobileCode | None:
    found: MobileCode | None = MobileCode.objects.filter(property=prop, blocked_until__gt=now).first()
    return found


def _block_message(until: dt.datetime) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return f"Código errado três vezes. Por segurança, tente de novo em {minutes} minutos."


@transaction.atomic(durable=True)
def mobile_code_send(*, prop: Property, mobile: str) -> str:
    """Send a 6-digit code to `mobile` (a Brazilian mobile, pt-BR error otherwise); the number in
    E.164. The code itself is never stored, only its HMAC."""
    try:
        number = normalize_phone(mobile)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="mobile", code=ErrorCode.PHONE_INVALID) from exc
    now = timezone.now()
    blocked = _blocked(prop, now)
    if blocked is not None and blocked.blocked_until:
        raise CodeBlocked(_block_message(blocked.blocked_until), field="code")
    code = f"{secrets.randbelow(1_000_000):06d}"
    MobileCode.objects.filter(property=prop, confirmed_at__isnull=True).update(expires_at=now)
    MobileCode.objects.create(
        property=prop, mobile=number, code_hash=_code_hash(code), expires_at=now + CODE_TTL
    )
    text = f"{providers.utility_name()}: seu código de confirmação do celular é {code}. Vale por 10 minutos."
    transaction.on_commit(lambda: providers.send_sms(number, text))
    return number


def mobile_confirm(*, actor: Actor, prop: Property, code: str) -> str:
    """Check the code; the confirmed number. Three wrong codes block the property for BLOCK_FOR.
    A wrong code is counted (committed) before the refusal is raised."""
    confirmed, refusal = _mobile_confirm_step(actor=actor, prop=prop, code=code)
    if refusal is not None:
        raise refusal
    return confirmed


@transaction.atomic(durable=True)
def _mobile_confirm_step(*, actor: Actor, prop: Property, code: str) -> tuple[str, DomainError | None]:
    now = timezone.now()
    blocked = _blocked(prop, now)
    if blocked is not None and blocked.blocked_until:
        return "", CodeBlocked(_block_message(blocked.blocked_until), field="code")
    pending = (
        MobileCode.objects.select_for_update()
        .filter(property=prop, confirmed_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if pending is None:
        return "", ValidationFailed(
            "Código vencido ou inexistente. Peça um novo código.", field="code", code=ErrorCode.CODE_EXPIRED
        )
    if not hmac.compare_digest(pending.code_hash, _code_hash((code or "").strip())):
        pending.attempts += 1
        if pending.attempts >= CODE_MAX_ATTEMPTS:
            pending.blocked_until = now + BLOCK_FOR
            pending.expires_at = now
        pending.save(update_fields=["attempts", "blocked_until", "expires_at"])
        if pending.blocked_until:
            return "", CodeBlocked(_block_message(pending.blocked_until), field="code")
        left = CODE_MAX_ATTEMPTS - pending.attempts
        return "", ValidationFailed(
            f"Código incorreto. Restam {left} tentativa{'s' if left > 1 else ''}.",
            field="code",
            code=ErrorCode.CODE_WRONG,
        )
    pending.confirmed_at = now
    pending.save(update_fields=["confirmed_at"])
    sub, _ = Subscription.objects.select_for_update().get_or_create(property=prop)
    sub.mobile = pending.mobile
    sub.mobile_confirmed_at = now
    sub.save(update_fields=["mobile", "mobile_confirmed_at", "updated_at"])
    providers.holder_phone_set(prop, pending.mobile)
    audit_record(
        actor=actor, action="notifications.mobile_confirm", target=sub, after={"mobile": pending.mobile}
    )
    return pending.mobile, None


# --- push devices ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def push_device_add(*, prop: Property, endpoint: str, p256dh: str, auth: str) -> PushDevice:
    if not endpoint.startswith(("https://", "http://")) or not p256dh or not auth:
        raise ValidationFailed(
            "Inscrição de notificação inválida.", field="subscription", code=ErrorCode.INVALID
        )
    device: PushDevice = PushDevice.objects.update_or_create(
        property=prop, endpoint=endpoint, defaults={"p256dh": p256dh, "auth": auth, "gone_at": None}
    )[0]
    return device


@transaction.atomic(durable=True)
def vapid_key_ensure() -> str:
    """The utility's VAPID private key, made on first use (one per utility, never shared)."""
    conf = NotificationSettings.objects.select_for_update().get_or_create(pk=1)[0]
    if not conf.vapid_private_key:
        conf.vapid_private_key = new_private_key_pem()
        conf.save(update_fields=["vapid_private_key", "updated_at"])
    key: str = conf.vapid_private_key
    return key


@transaction.atomic(durable=True)
def settings_update(
    *,
    actor: Actor,
    offered_events: list[str],
    due_soon_days: int,
    debt_notice_days: int,
    whatsapp_base_url: str,
    whatsapp_token: str,
    vapid_subject: str,
) -> NotificationSettings:
    unknown = sorted(set(offered_events) - set(ev.EVENTS))
    if unknown:
        raise ValidationFailed(
            f"Aviso desconhecido: {', '.join(unknown)}.", field="offered_events", code=ErrorCode.INVALID
        )
    if not 1 <= due_soon_days <= 30:
        raise ValidationFailed(
            "Lembrete de vencimento: de 1 a 30 dias antes.", field="due_soon_days", code=ErrorCode.INVALID
        )
    if not 1 <= debt_notice_days <= 90:
        raise ValidationFailed(
            "Aviso de débito: de 1 a 90 dias após o vencimento.",
            field="debt_notice_days",
            code=ErrorCode.INVALID,
        )
    conf: NotificationSettings = NotificationSettings.objects.select_for_update().get_or_create(pk=1)[0]
    before = {"offered_events": conf.offered_events, "due_soon_days": conf.due_soon_days}
    conf.offered_events = [e for e in ev.EVENTS if e in offered_events]
    conf.due_soon_days = due_soon_days
    conf.debt_notice_days = debt_notice_days
    conf.whatsapp_base_url = whatsapp_base_url
    if whatsapp_token:
        conf.whatsapp_token = whatsapp_token
    conf.vapid_subject = vapid_subject
    conf.save()
    audit_record(
        actor=actor,
        action="notifications.settings_update",
        target=conf,
        before=before,
        after={"offered_events": conf.offered_events, "due_soon_days": conf.due_soon_days},
    )
    return conf

"""CTI with the utility's telephony (3.2.16; ADR 0182, docs/cti-webhook.md): signed call events,
the caller identified by number (screen-pop), supply outages by area, the IVR's answers and the
2nd copy sent by SMS.

Trust: the telephony system signs each request with the utility's shared secret,
`X-Manancial-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with
`X-Manancial-Timestamp` (Unix seconds, five minutes' tolerance against replays); an event's id
makes a resend harmless.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Func, Q
from django.utils import timezone

from modules.billing.models import Bill
from modules.collection.selectors import open_bills
from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from modules.registry.models import Customer, Neighbourhood, Property, PropertyRelation, Sector, Street

from .. import channels_providers
from ..channels_hooks import CallAnswered, announce_call_answered, protocol_lookup
from ..domain.phones import InvalidPhone, national_number
from ..domain.speech import date_words, money_words, number_words
from ..errors import ErrorCode
from ..models import (
    AttendanceUnit,
    Call,
    CallEvent,
    ChannelSettings,
    ProtocolType,
    ServiceOrder,
    SmsMessage,
    SupplyOutage,
)

TELEPHONY = SystemActor("service.cti")
TOLERANCE_SECONDS = 300
EVENT_KINDS = ("call_started", "ringing", "answered", "hung_up", "abandoned")


# --- trust -----------------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(*, timestamp: str, signature_header: str, body: bytes, now: dt.datetime) -> None:
    """PermissionDenied unless the request carries this utility's signature, made lately."""
    secret = ChannelSettings.current().cti_secret
    if not secret:
        raise PermissionDenied(
            "A integração de telefonia não está configurada.", code=ErrorCode.CTI_NOT_CONFIGURED
        )
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise PermissionDenied("Assinatura ausente ou inválida.", code=ErrorCode.SIGNATURE_INVALID) from None
    if abs(now.timestamp() - sent) > TOLERANCE_SECONDS:
        raise PermissionDenied("Assinatura expirada.", code=ErrorCode.SIGNATURE_INVALID)
    if not hmac.compare_digest(signature(secret, timestamp, body), signature_header or ""):
        raise PermissionDenied("Assinatura ausente ou inválida.", code=ErrorCode.SIGNATURE_INVALID)


# --- who is calling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerMatch:
    customer_id: int
    customer_name: str
    phone_field: str
    property_ids: tuple[int, ...]


class Digits(Func):  # type: ignore[misc]
    function = "regexp_replace"
    template = "%(function)s(%(expressions)s, '[^0-9]', '', 'g')"


def caller_national(caller: str) -> str:
    try:
        return national_number(caller, ChannelSettings.current().default_ddd)
    except InvalidPhone as exc:
        raise ValidationFailed(str(exc), field="caller", code=ErrorCode.INVALID_PHONE) from None


def caller_matches(caller: str) -> list[CallerMatch]:
    """The customers one of whose phones is this number (stored in any layout: the comparison is on
    digits, ending in DDD + number), with the properties they hold now. Several matches are listed;
    the number alone does not choose among them."""
    national = caller_national(caller)
    digits = {name: Digits(F(name)) for name in ("phone", "phone_home", "phone_work")}
    rows = (
        Customer.objects.annotate(
            d_phone=digits["phone"], d_home=digits["phone_home"], d_work=digits["phone_work"]
        )
        .filter(Q(d_phone__endswith=national) | Q(d_home__endswith=national) | Q(d_work__endswith=national))
        .order_by("name", "id")
        .values_list("pk", "name", "d_phone", "d_home")[:20]
    )
    customers = list(rows)
    holdings: dict[int, list[int]] = {}
    for customer_id, property_id in (
        PropertyRelation.objects.filter(customer_id__in=[c[0] for c in customers], end__isnull=True)
        .order_by("property_id")
        .values_list("customer_id", "property_id")
        .distinct()
    ):
        holdings.setdefault(customer_id, []).append(property_id)
    result = []
    for pk, name, d_phone, d_home in customers:
        field = (
            "phone"
            if d_phone.endswith(national)
            else "phone_home"
            if d_home.endswith(national)
            else "phone_work"
        )
        result.append(CallerMatch(pk, name, field, tuple(holdings.get(pk, []))))
    return result


def caller_property(caller: str) -> tuple[int | None, int | None]:
    """(customer, property) when the number names exactly one customer with one property."""
    try:
        matches = caller_matches(caller)
    except DomainError:
        return None, None
    if len(matches) != 1:
        return None, None
    only = matches[0]
    return only.customer_id, only.property_ids[0] if len(only.property_ids) == 1 else None


# --- call events -----------------------------------------------------------------------------------


def _parse_at(value: Any) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            "Data e hora inválidas (ISO 8601).", field="at", code=ErrorCode.INVALID
        ) from None
    if at.tzinfo is None:
        raise ValidationFailed(
            "Informe o fuso horário (ISO 8601 com Z ou ±hh:mm).", field="at", code=ErrorCode.INVALID
        )
    return at


def _clean_event(payload: dict[str, Any]) -> dict[str, Any]:
    for name in ("event_id", "call_id", "type", "at"):
        if not str(payload.get(name) or "").strip():
            raise ValidationFailed(f"Campo obrigatório: {name}.", field=name, code=ErrorCode.INVALID)
    if payload["type"] not in EVENT_KINDS:
        raise ValidationFailed("Tipo de evento desconhecido.", field="type", code=ErrorCode.INVALID)
    caller = str(payload.get("caller") or "")
    with contextlib.suppress(InvalidPhone):  # an unidentified or foreign number is kept as received
        caller = "+55" + national_number(caller, ChannelSettings.current().default_ddd) if caller else ""
    return {
        "event_id": str(payload["event_id"])[:80],
        "call_id": str(payload["call_id"])[:80],
        "kind": payload["type"],
        "at": _parse_at(payload["at"]),
        "caller": caller[:20],
        "agent": str(payload.get("agent") or "")[:150],
        "queue": str(payload.get("queue") or "")[:60],
    }


@dataclass(frozen=True)
class EventOutcome:
    call: Call
    duplicate: bool


@transaction.atomic(durable=True)
def call_event_record(*, payload: dict[str, Any], now: dt.datetime | None = None) -> EventOutcome:
    """One event of the telephony system applied to its call; a known event id changes nothing."""
    data = _clean_event(payload)
    known = CallEvent.objects.filter(event_id=data["event_id"]).first()
    if known is not None:
        return EventOutcome(Call.objects.get(call_id=known.call_id), duplicate=True)
    CallEvent.objects.create(**data, received_at=now or timezone.now(), payload=payload)
    call, created = Call.objects.select_for_update().get_or_create(
        call_id=data["call_id"], defaults={"started_at": data["at"], "caller": data["caller"]}
    )
    if created and call.caller:
        call.customer_id, call.property_id = caller_property(call.caller)
    call.caller = call.caller or data["caller"]
    call.queue = data["queue"] or call.queue
    call.agent = data["agent"] or call.agent
    at, kind = data["at"], data["kind"]
    if kind == "call_started":
        call.started_at = min(call.started_at, at)
    elif kind == "ringing":
        call.ringing_at = call.ringing_at or at
    elif kind == "answered":
        call.answered_at = call.answered_at or at
    elif kind == "abandoned":
        call.abandoned = call.answered_at is None
        call.ended_at = call.ended_at or at
    elif kind == "hung_up":
        call.ended_at = call.ended_at or at
    call.save()
    audit_record(
        actor=TELEPHONY,
        action="service.call_event",
        target=call,
        after={"event": data["event_id"], "type": kind, "agent": call.agent},
    )
    if kind == "answered":
        announce_call_answered(
            CallAnswered(call.call_id, call.caller, call.agent, at, call.property_id, call.customer_id)
        )
    return EventOutcome(call, duplicate=False)


def agent_current_call(username: str) -> Call | None:
    """The call this agent answered last and has not ended: what the agent's screen pops."""
    call: Call | None = (
        Call.objects.filter(agent=username, answered_at__isnull=False, ended_at__isnull=True)
        .order_by("-answered_at", "-id")
        .first()
    )
    return call


# --- supply outages --------------------------------------------------------------------------------

OUTAGE_FIELDS = ["description", "starts_at", "expected_end_at", "ends_at"]


def _outage_snap(outage: SupplyOutage) -> dict[str, Any]:
    return snapshot(outage, OUTAGE_FIELDS) | {
        "neighbourhoods": sorted(outage.neighbourhoods.values_list("pk", flat=True)),
        "streets": sorted(outage.streets.values_list("pk", flat=True)),
        "sectors": sorted(outage.sectors.values_list("pk", flat=True)),
    }


@transaction.atomic(durable=True)
def outage_create(
    *,
    actor: Actor,
    description: str,
    starts_at: dt.datetime,
    expected_end_at: dt.datetime | None = None,
    neighbourhood_ids: list[int] = (),  # type: ignore[assignment]
    street_ids: list[int] = (),  # type: ignore[assignment]
    sector_ids: list[int] = (),  # type: ignore[assignment]
) -> SupplyOutage:
    if not (description or "").strip():
        raise ValidationFailed("Descreva o problema.", field="description", code=ErrorCode.INVALID)
    if not (neighbourhood_ids or street_ids or sector_ids):
        raise ValidationFailed(
            "Informe a área: bairros, logradouros ou setores.", field="neighbourhoods", code=ErrorCode.INVALID
        )
    if expected_end_at is not None and expected_end_at <= starts_at:
        raise ValidationFailed(
            "A previsão de normalização deve ser depois do início.",
            field="expected_end_at",
            code=ErrorCode.INVALID,
        )
    for model, ids, name in (
        (Neighbourhood, neighbourhood_ids, "neighbourhoods"),
        (Street, street_ids, "streets"),
        (Sector, sector_ids, "sectors"),
    ):
        if model.objects.filter(pk__in=ids).count() != len(set(ids)):
            raise ValidationFailed("Item da área não encontrado.", field=name, code=ErrorCode.INVALID)
    outage: SupplyOutage = SupplyOutage.objects.create(
        description=description.strip(),
        starts_at=starts_at,
        expected_end_at=expected_end_at,
        created_by=actor.get_username(),
    )
    outage.neighbourhoods.set(neighbourhood_ids)
    outage.streets.set(street_ids)
    outage.sectors.set(sector_ids)
    audit_record(actor=actor, action="service.outage_create", target=outage, after=_outage_snap(outage))
    return outage


@transaction.atomic(durable=True)
def outage_end(*, actor: Actor, outage_id: int, ends_at: dt.datetime) -> SupplyOutage:
    outage: SupplyOutage | None = SupplyOutage.objects.select_for_update().filter(pk=outage_id).first()
    if outage is None:
        raise NotFound("Falta de água não encontrada.", field="outage", code=ErrorCode.OUTAGE_NOT_FOUND)
    if ends_at <= outage.starts_at:
        raise ValidationFailed(
            "A normalização deve ser depois do início.", field="ends_at", code=ErrorCode.INVALID
        )
    before = snapshot(outage, OUTAGE_FIELDS)
    outage.ends_at = ends_at
    outage.save(update_fields=["ends_at"])
    audit_record(
        actor=actor,
        action="service.outage_end",
        target=outage,
        before=before,
        after=snapshot(outage, OUTAGE_FIELDS),
    )
    return outage


def outages_active(at: dt.datetime) -> Any:
    return SupplyOutage.objects.filter(starts_at__lte=at).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))


def outages_for_property(property_id: int, at: dt.datetime) -> list[SupplyOutage]:
    """The outages in force at `at` whose area covers the property: its neighbourhood, its street or
    its commercial sector."""
    prop = (
        Property.objects.filter(pk=property_id)
        .values("neighbourhood_id", "street_id", "sector_ref_id")
        .first()
    )
    if prop is None:
        return []
    area = Q(neighbourhoods=prop["neighbourhood_id"]) | Q(streets=prop["street_id"])
    if prop["sector_ref_id"]:
        area |= Q(sectors=prop["sector_ref_id"])
    return list(outages_active(at).filter(area).distinct().order_by("starts_at", "id"))


# --- IVR -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IvrAnswer:
    """What the IVR plays: `prompts` in order, each a recorded file ("manancial/…", the utility's
    own recordings) or "say:<text>" for text-to-speech; `text` is the same as one sentence."""

    prompts: tuple[str, ...]
    text: str
    data: dict[str, Any]
    transfer: bool = False  # never true for these answers: self-service, no agent


def _property_for_ivr(*, caller: str = "", account_number: str = "") -> Property:
    if account_number:
        from modules.debt.selectors import property_by_account

        pk = property_by_account(account_number)
    else:
        _, pk = caller_property(caller)
    prop: Property | None = (
        Property.objects.filter(pk=pk).select_related("street", "neighbourhood").first() if pk else None
    )
    if prop is None:
        raise NotFound(
            "Imóvel não identificado: informe a matrícula.",
            field="account_number",
            code=ErrorCode.PROPERTY_NOT_FOUND,
        )
    return prop


def _local(at: dt.datetime) -> dt.datetime:
    from modules.common.clock import tenant_zone

    return at.astimezone(tenant_zone())


def ivr_outage(*, caller: str = "", account_number: str = "", now: dt.datetime) -> IvrAnswer:
    """3.2.16.1/.2: is there a supply problem where the caller lives? Told with the expected time."""
    try:
        prop = _property_for_ivr(caller=caller, account_number=account_number)
    except NotFound:
        return IvrAnswer(
            ("manancial/nao-identificado",), "Não identificamos o seu imóvel.", {"identified": False}
        )
    outages = outages_for_property(prop.pk, now)
    if not outages:
        return IvrAnswer(
            ("manancial/sem-falta-de-agua",),
            "Não há falta de água registrada na sua região.",
            {"identified": True, "property": prop.pk, "outages": []},
        )
    first = outages[0]
    prompts = ["manancial/falta-de-agua-na-regiao", f"say:{first.description}"]
    text = f"Há um problema de abastecimento na sua região: {first.description}."
    if first.expected_end_at:
        local = _local(first.expected_end_at)
        eta = f"{date_words(local.date())}, às {number_words(local.hour)} horas"
        eta += f" e {number_words(local.minute)} minutos" if local.minute else ""
        prompts += ["manancial/previsao-de-normalizacao", f"say:{eta}"]
        text += f" Previsão de normalização: {eta}."
    return IvrAnswer(
        tuple(prompts),
        text,
        {
            "identified": True,
            "property": prop.pk,
            "outages": [
                {
                    "id": o.pk,
                    "description": o.description,
                    "expected_end_at": o.expected_end_at.isoformat() if o.expected_end_at else None,
                }
                for o in outages
            ],
        },
    )


ORDER_STATUS_SPOKEN = {
    "pending": "aguardando programação",
    "suspended_for_approval": "aguardando aprovação",
    "scheduled": "programada",
    "in_progress": "em execução",
    "paused": "em execução",
    "executed": "executada",
    "not_executed": "encerrada sem execução",
    "cancelled": "cancelada",
}


def ivr_protocol(*, protocol: str) -> IvrAnswer:
    """The status of a request by its number: a protocol another module registered a lookup for
    (channels_hooks; the agency's protocols, by portal), else a service order "2026/000123" (or the
    digits "2026000123", as a keypad sends it)."""
    other = protocol_lookup(protocol.strip())
    if other is not None:
        return IvrAnswer(
            ("manancial/situacao-do-protocolo", f"say:{other.subject}", f"say:{other.status_label}"),
            f"O protocolo {other.protocol}, {other.subject}, está {other.status_label}.",
            {"found": True, "protocol": other.protocol, "status": other.status},
        )
    digits = "".join(ch for ch in protocol if ch.isdigit())
    order = None
    if len(digits) > 4:
        order = (
            ServiceOrder.objects.filter(year=int(digits[:4]), number=int(digits[4:]))
            .select_related("code")
            .first()
        )
    if order is None:
        return IvrAnswer(
            ("manancial/protocolo-nao-encontrado",), "Protocolo não encontrado.", {"found": False}
        )
    spoken = ORDER_STATUS_SPOKEN.get(order.status, order.get_status_display())
    when = (
        f", prazo {date_words(_local(order.due_at).date())}"
        if order.status in ("pending", "scheduled")
        else ""
    )
    text = f"O protocolo {order.label}, {order.code.description}, está {spoken}{when}."
    return IvrAnswer(
        ("manancial/situacao-do-protocolo", f"say:{order.code.description}", f"say:{spoken}{when}"),
        text,
        {"found": True, "protocol": order.label, "status": order.status},
    )


def ivr_debts(*, caller: str = "", account_number: str = "", today: dt.date) -> IvrAnswer:
    """3.2.16.1: the amount and the due date of each pending bill, spelled out."""
    prop = _property_for_ivr(caller=caller, account_number=account_number)
    bills = list(open_bills(prop.pk).values_list("pk", "due_date", "total"))
    if not bills:
        return IvrAnswer(
            ("manancial/sem-faturas-pendentes",),
            "Não há faturas pendentes.",
            {"property": prop.pk, "bills": [], "total": "0.00"},
        )
    total = sum((t for _, _, t in bills), Decimal("0.00"))
    count = len(bills)
    prompts = [
        "manancial/voce-tem",
        f"say:{number_words(count, feminine=True)}",
        "manancial/fatura-pendente" if count == 1 else "manancial/faturas-pendentes",
    ]
    parts = []
    for _, due, amount in bills:
        spoken = f"{money_words(amount)}, vencimento {date_words(due)}"
        prompts += ["manancial/valor-e-vencimento", f"say:{spoken}"]
        parts.append(spoken)
    prompts += ["manancial/total", f"say:{money_words(total)}", "manancial/segunda-via-por-sms"]
    noun = "fatura pendente" if count == 1 else "faturas pendentes"
    text = f"Você tem {number_words(count, feminine=True)} {noun}: " + "; ".join(parts)
    text += f". Total: {money_words(total)}."
    return IvrAnswer(
        tuple(prompts),
        text,
        {
            "property": prop.pk,
            "bills": [
                {"id": pk, "due_date": due.isoformat(), "amount": str(amount), "overdue": due < today}
                for pk, due, amount in bills
            ],
            "total": str(total),
        },
    )


def ivr_service_points() -> IvrAnswer:
    """3.2.16.1: where to be served in person: each active attendance unit with its address (a unit
    without an address is not told: the caller could not find it)."""
    units = list(AttendanceUnit.objects.filter(is_active=True).exclude(address="").order_by("name"))
    if not units:
        return IvrAnswer(
            ("manancial/sem-postos-de-atendimento",),
            "Não há postos de atendimento presencial cadastrados.",
            {"units": []},
        )
    prompts = ["manancial/postos-de-atendimento"]
    for unit in units:
        prompts.append(f"say:{unit.name}, {unit.address}")
    text = "Postos de atendimento: " + "; ".join(f"{u.name}, {u.address}" for u in units) + "."
    return IvrAnswer(
        tuple(prompts),
        text,
        {"units": [{"id": u.pk, "name": u.name, "address": u.address} for u in units]},
    )


IVR_TOPICS = ("reconnection", "new_connection")


def ivr_instructions(*, topic: str, caller: str = "", account_number: str = "") -> IvrAnswer:
    """3.2.16.1: how to get a reconnection or a new connection, from the utility's own data: the
    request type's deadline and documents (ProtocolType, edited on the desk's page) and, for a
    reconnection of an identified caller, what is pending to pay first."""
    if topic not in IVR_TOPICS:
        raise ValidationFailed(
            "Assunto inválido: use reconnection ou new_connection.", field="topic", code=ErrorCode.INVALID
        )
    kind = ProtocolType.objects.filter(code=topic, is_active=True).first()
    prompts: list[str] = []
    data: dict[str, Any] = {"topic": topic}
    if topic == "reconnection":
        prompts.append("manancial/instrucoes-religacao")
        text = "Para religar, pague as faturas em aberto ou faça um parcelamento."
        with contextlib.suppress(NotFound):
            prop = _property_for_ivr(caller=caller, account_number=account_number)
            totals = list(open_bills(prop.pk).values_list("total", flat=True))
            total = sum(totals, Decimal("0.00"))
            data |= {"property": prop.pk, "open_bills": len(totals), "total": str(total)}
            if totals:
                noun = "fatura" if len(totals) == 1 else "faturas"
                spoken = f"{number_words(len(totals), feminine=True)} {noun}"
                spoken += f", total {money_words(total)}"
                prompts += ["manancial/pendencias-para-religar", f"say:{spoken}"]
                text += f" Pendências do seu imóvel: {spoken}."
    else:
        prompts.append("manancial/instrucoes-ligacao-nova")
        text = "Para pedir uma ligação nova, compareça a um posto de atendimento."
        documents = [str(d) for d in (kind.checklist if kind else []) if str(d).strip()]
        data["documents"] = documents
        if documents:
            prompts += ["manancial/documentos-necessarios", "say:" + ", ".join(documents)]
            text += " Leve: " + ", ".join(documents) + "."
    if kind is not None:
        days = f"{number_words(kind.deadline_days)} {'dia' if kind.deadline_days == 1 else 'dias'}"
        prompts += ["manancial/prazo-de-atendimento", f"say:{days}"]
        text += f" Prazo de atendimento: {days}."
        data["deadline_days"] = kind.deadline_days
    points = ivr_service_points()
    data["units"] = points.data["units"]
    if points.data["units"]:
        prompts += list(points.prompts)
    return IvrAnswer(tuple(prompts), text, data)


def second_copy_text(bill: Bill) -> str:
    return (
        f"2a via matricula {bill.property.account_number}: R$ {bill.total} venc. "
        f"{bill.due_date:%d/%m/%Y}. Linha digitavel: {bill.typeable_line}"
    )


def ivr_second_copy(*, caller: str, account_number: str = "", now: dt.datetime) -> IvrAnswer:
    """3.2.16.1: the typeable line of each pending bill by SMS to the number that called, when it
    is a phone of a customer of the property (never to any number a caller types)."""
    prop = _property_for_ivr(caller=caller, account_number=account_number)
    national = caller_national(caller)
    allowed = {m.customer_id for m in caller_matches(caller) if prop.pk in m.property_ids}
    if not allowed:
        raise PermissionDenied(
            "O número que ligou não é um telefone cadastrado para este imóvel.",
            field="caller",
            code=ErrorCode.INVALID_PHONE,
        )
    bills = list(open_bills(prop.pk).select_related("property").exclude(typeable_line=""))
    sent = [
        sms_record(
            to="+55" + national, text=second_copy_text(b), purpose="second_copy", property_id=prop.pk, now=now
        )
        for b in bills
    ]
    count = len(sent)
    if not count:
        return IvrAnswer(("manancial/sem-faturas-pendentes",), "Não há faturas pendentes.", {"sent": 0})
    return IvrAnswer(
        ("manancial/segunda-via-enviada",),
        f"Enviamos {number_words(count, feminine=True)} {'mensagem' if count == 1 else 'mensagens'} "
        "com a segunda via.",
        {"sent": count, "messages": [m.pk for m in sent]},
    )


@transaction.atomic(durable=True)
def sms_record(*, to: str, text: str, purpose: str, property_id: int | None, now: dt.datetime) -> SmsMessage:
    """One SMS through the gateway and its row; the gateway is called first, so a refused message
    leaves no row claiming it was sent."""
    provider_id = channels_providers.sms_send(to, text)
    message: SmsMessage = SmsMessage.objects.create(
        phone=to, text=text, purpose=purpose, property_id=property_id, provider_id=provider_id, created_at=now
    )
    audit_record(
        actor=TELEPHONY, action="service.sms_send", target=message, after={"phone": to, "purpose": purpose}
    )
    return message


@transaction.atomic(durable=True)
def channel_settings_set(*, actor: Actor, **values: Any) -> ChannelSettings:
    conf = ChannelSettings.current()
    conf = ChannelSettings.objects.select_for_update().get(pk=conf.pk)
    settings_row: ChannelSettings = conf
    before = snapshot(conf)
    for name, value in values.items():
        if name in ("cti_secret", "sms_token", "dialer_token") and not value:
            continue  # a blank secret field keeps the stored one
        setattr(conf, name, value)
    conf.full_clean()
    conf.save()
    audit_record(
        actor=actor, action="service.channel_settings_set", target=conf, before=before, after=snapshot(conf)
    )
    return settings_row

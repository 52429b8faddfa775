"""What a citizen can be told, and how (issue 23, ADR 0207). Pure: no Django, no clock.

The catalogue of events and channels is fixed here (their codes travel in the citizen API); which of
them a utility offers, and how many days before the due date "due_soon" goes out, is the utility's
setting (NotificationSettings). The texts are short enough for one SMS segment group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

BILL_ISSUED = "bill_issued"
DUE_SOON = "due_soon"
PAYMENT_CONFIRMED = "payment_confirmed"
DEBT_NOTICE = "debt_notice"
INTERRUPTION = "interruption"
PROTOCOL_STATUS = "protocol_status"

EVENT_LABELS: dict[str, str] = {
    BILL_ISSUED: "Conta emitida",
    DUE_SOON: "Conta perto do vencimento",
    PAYMENT_CONFIRMED: "Pagamento confirmado",
    DEBT_NOTICE: "Aviso de débito (conta vencida)",
    INTERRUPTION: "Interrupção programada do abastecimento na minha rua",
    PROTOCOL_STATUS: "Andamento dos meus pedidos (protocolos)",
}
EVENTS: tuple[str, ...] = tuple(EVENT_LABELS)

EMAIL = "email"
SMS = "sms"
WHATSAPP = "whatsapp"
PUSH = "push"
CHANNEL_LABELS: dict[str, str] = {
    EMAIL: "E-mail",
    SMS: "SMS",
    WHATSAPP: "WhatsApp",
    PUSH: "Notificação no aplicativo",
}
CHANNELS: tuple[str, ...] = tuple(CHANNEL_LABELS)


def events_problem(events: list[str], offered: list[str]) -> str:
    """The pt-BR reason `events` cannot be chosen, or ""."""
    for code in events:
        if code not in EVENT_LABELS:
            return f"O aviso “{code}” não existe. Os avisos são: {', '.join(EVENTS)}."
        if code not in offered:
            return f"O aviso “{code}” ({EVENT_LABELS[code]}) não é oferecido por esta concessionária."
    if len(set(events)) != len(events):
        return "Um aviso foi escolhido mais de uma vez."
    return ""


def channels_problem(channels: dict[str, object]) -> str:
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        return f"Canal desconhecido: {', '.join(unknown)}. Os canais são: {', '.join(CHANNELS)}."
    if any(not isinstance(v, bool) for v in channels.values()):
        return "Cada canal é ligado (true) ou desligado (false)."
    return ""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # SMS, WhatsApp and push body; also the e-mail's text
    url: str = ""  # where the citizen follows up (the push's click, the e-mail's link)


def _brl(amount: Decimal) -> str:
    whole, cents = f"{amount.quantize(Decimal('0.01')):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"R$ {groups},{cents}"


def bill_message(
    *, event: str, utility: str, account: str, reference: dt.date, due: dt.date, total: Decimal, url: str = ""
) -> Message:
    month = f"{reference:%m/%Y}"
    amount = _brl(total)
    if event == BILL_ISSUED:
        return Message(
            f"Sua conta de {month} está disponível",
            f"{utility}: a conta {month} da matrícula {account}, de {amount}, vence em {due:%d/%m/%Y}.",
            url,
        )
    if event == DUE_SOON:
        return Message(
            f"Sua conta de {month} vence em {due:%d/%m/%Y}",
            f"{utility}: lembrete — a conta {month} da matrícula {account}, de {amount}, "
            f"vence em {due:%d/%m/%Y}.",
            url,
        )
    if event == DEBT_NOTICE:
        return Message(
            f"Conta de {month} em aberto",
            f"{utility}: a conta {month} da matrícula {account}, de {amount}, venceu em "
            f"{due:%d/%m/%Y} e está em aberto. Regularize pela agência virtual.",
            url,
        )
    raise ValueError(event)


def payment_message(
    *, utility: str, account: str, paid_on: dt.date, amount: Decimal, url: str = ""
) -> Message:
    return Message(
        "Pagamento confirmado",
        f"{utility}: recebemos o pagamento de {_brl(amount)} em {paid_on:%d/%m/%Y} "
        f"da matrícula {account}. Obrigado!",
        url,
    )


def protocol_message(*, utility: str, protocol: str, status_label: str, url: str = "") -> Message:
    return Message(
        f"Protocolo {protocol}: {status_label}",
        f"{utility}: o protocolo {protocol} está agora “{status_label}”.",
        url,
    )


def interruption_message(
    *, utility: str, description: str, starts: dt.datetime, ends: dt.datetime | None, url: str = ""
) -> Message:
    until = f" até {ends:%d/%m/%Y %H:%M}" if ends else ""
    return Message(
        "Interrupção programada do abastecimento",
        f"{utility}: {description} — abastecimento interrompido a partir de {starts:%d/%m/%Y %H:%M}{until}.",
        url,
    )


def mask_mobile(e164: str) -> str:
    """+5511912345678 → (11) 9****-5678: enough for its owner to recognise it."""
    digits = e164.removeprefix("+55")
    if len(digits) != 11:
        return e164
    return f"({digits[:2]}) {digits[2]}****-{digits[-4:]}"


def mask_destination(channel: str, destination: str) -> str:
    """What the staff list shows of an address: enough to recognise it, not to harvest it."""
    if channel == EMAIL and "@" in destination:
        name, domain = destination.split("@", 1)
        return f"{name[:2]}***@{domain}"
    if channel in (SMS, WHATSAPP):
        return mask_mobile(destination)
    if channel == PUSH:
        return "aparelho cadastrado"
    return destination


def consent_label(subject: str, code: str) -> str:
    """What a consent row is about, for people: "Canal: SMS", "Aviso: Conta emitida"."""
    if subject == "channel":
        return f"Canal: {CHANNEL_LABELS.get(code, code)}"
    if subject == "event":
        return f"Aviso: {EVENT_LABELS.get(code, code)}"
    return "Conta digital (sem papel)"

"""Collecting agents (agentes arrecadadores): who collects for the utility and under which convênio.

A return file is accepted only from an active agent whose code is the file's bank (header A.05) and,
when the agent has a convênio, whose convênio is the file's (A.03): registering the bank here is what
makes its files importable (`services._agent_for`). A convênio belongs to one agent (a partial unique
index backs the check against a race). Pages, API, `manage.py collecting_agent` and the configuration
document all write through `agent_create` / `agent_update`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.db.models import QuerySet

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import NotFound, ValidationFailed
from modules.common.typed import transaction

from .errors import ErrorCode
from .models import CollectingAgent

FIELDS = (
    "name",
    "kind",
    "agreement_code",
    "contract_number",
    "fee_per_payment",
    "credit_days",
    "active",
    "inbox_dir",
    "report_emails",
)


def agent_list(*, active: bool | None = None) -> QuerySet[CollectingAgent]:
    qs = CollectingAgent.objects.order_by("code")
    return qs if active is None else qs.filter(active=active)


def agent_get(agent_id: int) -> CollectingAgent:
    agent: CollectingAgent | None = CollectingAgent.objects.filter(pk=agent_id).first()
    if agent is None:
        raise NotFound("Agente arrecadador não encontrado.", code=ErrorCode.AGENT_NOT_FOUND)
    return agent


def _clean_code(code: str, kind: str) -> str:
    code = (code or "").strip().upper()
    if kind == CollectingAgent.Kind.BANK and not (len(code) == 3 and code.isdigit()):
        raise ValidationFailed(
            f"Código «{code}»: o código de um banco tem 3 dígitos, como no arquivo retorno (A.05; "
            "ex.: 001 para o Banco do Brasil).",
            field="code",
            code=ErrorCode.INVALID,
        )
    if not code or len(code) > 10 or not code.isalnum():
        raise ValidationFailed(
            "Informe o código do agente: até 10 letras ou dígitos (os 3 dígitos do banco, para bancos).",
            field="code",
            code=ErrorCode.INVALID,
        )
    return code


def report_emails_clean(raw: str) -> str:
    """The finance team's addresses, one list `a@x, b@y`; a bad one is refused by its position."""
    parts = [p for p in re.split(r"[,;\s]+", raw or "") if p]
    for n, address in enumerate(parts, start=1):
        try:
            validate_email(address)
        except DjangoValidationError:
            raise ValidationFailed(
                f"E-mails do resultado dos arquivos: o {n}º endereço, «{address}», não é um e-mail válido.",
                field="report_emails",
                code=ErrorCode.INVALID,
            ) from None
    text = ", ".join(dict.fromkeys(parts))
    if len(text) > 500:
        raise ValidationFailed(
            "E-mails do resultado dos arquivos: até 500 caracteres.",
            field="report_emails",
            code=ErrorCode.INVALID,
        )
    return text


def _validate(agent: CollectingAgent) -> None:
    """Field rules of an agent about to be saved; runs inside the caller's transaction."""
    if agent.kind not in CollectingAgent.Kind.values:
        choices = ", ".join(f"{v} ({label})" for v, label in CollectingAgent.Kind.choices)
        raise ValidationFailed(
            f"Canal «{agent.kind}» desconhecido; use um de: {choices}.",
            field="channel",
            code=ErrorCode.INVALID,
        )
    if not agent.name.strip():
        raise ValidationFailed("Informe o nome do agente.", field="name", code=ErrorCode.INVALID)
    if len(agent.name) > 120:
        raise ValidationFailed("O nome tem até 120 caracteres.", field="name", code=ErrorCode.INVALID)
    if len(agent.agreement_code) > 20:
        raise ValidationFailed(
            "O convênio tem até 20 caracteres, como no arquivo retorno (A.03).",
            field="agreement",
            code=ErrorCode.INVALID,
        )
    if agent.inbox_dir and not (agent.inbox_dir.startswith("/") and len(agent.inbox_dir) <= 300):
        raise ValidationFailed(
            "A pasta de entrada é um caminho absoluto no servidor (ex.: /srv/bancos/001), "
            "até 300 caracteres.",
            field="inbox_dir",
            code=ErrorCode.INVALID,
        )
    agent.report_emails = report_emails_clean(agent.report_emails)
    if len(agent.contract_number) > 40:
        raise ValidationFailed("O contrato tem até 40 caracteres.", field="contract", code=ErrorCode.INVALID)
    fee = agent.fee_per_payment
    if isinstance(fee, int | str) and not isinstance(fee, bool):
        try:
            fee = agent.fee_per_payment = Decimal(str(fee))
        except ArithmeticError:
            fee = None
    if not isinstance(fee, Decimal) or not fee.is_finite() or fee < 0 or fee != fee.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "Tarifa por pagamento: um valor em reais não negativo, com até 2 casas (ex.: 1.20).",
            field="fee",
            code=ErrorCode.INVALID,
        )
    if fee >= Decimal("1000000"):
        raise ValidationFailed(
            "Tarifa por pagamento acima do permitido.", field="fee", code=ErrorCode.INVALID
        )
    if not isinstance(agent.credit_days, int) or not 0 <= agent.credit_days <= 365:
        raise ValidationFailed(
            "Dias para crédito (float): um número inteiro de 0 a 365.",
            field="credit_days",
            code=ErrorCode.INVALID,
        )
    if agent.contract_start and agent.contract_end and agent.contract_end < agent.contract_start:
        raise ValidationFailed(
            "O fim do contrato é anterior ao início.", field="contract_end", code=ErrorCode.INVALID
        )
    if agent.agreement_code:
        other = (
            CollectingAgent.objects.filter(agreement_code=agent.agreement_code).exclude(pk=agent.pk).first()
        )
        if other is not None:
            raise ValidationFailed(
                f"O convênio {agent.agreement_code} já é do agente {other.code} – {other.name}; "
                "um convênio identifica um só agente nos arquivos retorno.",
                field="agreement",
                code=ErrorCode.AGREEMENT_TAKEN,
            )


def _save(agent: CollectingAgent) -> None:
    try:
        with transaction.atomic():
            agent.save()
    except IntegrityError as exc:  # the same convênio or code registered at the same moment
        field = "agreement" if "agent_agreement_once" in str(exc) else "code"
        raise ValidationFailed(
            "O convênio já é de outro agente."
            if field == "agreement"
            else "Já existe um agente com este código.",
            field=field,
            code=ErrorCode.AGREEMENT_TAKEN if field == "agreement" else ErrorCode.AGENT_CODE_TAKEN,
        ) from exc


def agent_register(*, actor: Actor, code: str, name: str, **fields: Any) -> CollectingAgent:
    """A new agent; inside the caller's transaction (the configuration import, the command)."""
    kind = str(fields.get("kind") or CollectingAgent.Kind.BANK)
    code = _clean_code(code, kind)
    if CollectingAgent.objects.filter(code=code).exists():
        raise ValidationFailed(
            f"Já existe um agente com o código {code}; altere-o em vez de cadastrar outro.",
            field="code",
            code=ErrorCode.AGENT_CODE_TAKEN,
        )
    agent = CollectingAgent(code=code, name=(name or "").strip())
    _assign(agent, fields)
    agent.kind = kind
    _validate(agent)
    _save(agent)
    audit_record(
        actor=actor,
        action="collection.agent_register",
        target=agent,
        after={k: v for k, v in {"code": agent.code, **_state(agent)}.items() if v not in (None, "")},
    )
    return agent


def agent_change(*, actor: Actor, agent_id: int, **changes: Any) -> CollectingAgent:
    """Only what is given changes; inside the caller's transaction. A deactivated agent's files are
    refused from then on; its payments stay."""
    unknown = set(changes) - set(FIELDS) - {"contract_start", "contract_end"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"Campo desconhecido: {name}.", field=name, code=ErrorCode.INVALID)
    agent: CollectingAgent | None = CollectingAgent.objects.select_for_update().filter(pk=agent_id).first()
    if agent is None:
        raise NotFound("Agente arrecadador não encontrado.", code=ErrorCode.AGENT_NOT_FOUND)
    before = _state(agent)
    _assign(agent, changes)
    if "name" in changes:
        agent.name = str(changes["name"] or "").strip()
    if "kind" in changes:
        _clean_code(agent.code, agent.kind)
    _validate(agent)
    after = _state(agent)
    if after == before:
        return agent
    _save(agent)
    audit_record(actor=actor, action="collection.agent_change", target=agent, before=before, after=after)
    return agent


def agent_remove(*, actor: Actor, agent_id: int) -> None:
    """An agent with no payment and no return file, removed; inside the caller's transaction (the
    configuration import). An agent with history is deactivated instead, never removed."""
    agent = agent_get(agent_id)
    if agent.payments.exists() or agent.return_files.exists():
        raise ValidationFailed(
            f"O agente {agent.code} tem pagamentos ou arquivos retorno; desative-o em vez de removê-lo.",
            field="code",
            code=ErrorCode.INVALID,
        )
    audit_record(
        actor=actor,
        action="collection.agent_remove",
        target=agent,
        before={"code": agent.code, **_state(agent)},
    )
    agent.delete()


@transaction.atomic(durable=True)
def agent_create(*, actor: Actor, code: str, name: str, **fields: Any) -> CollectingAgent:
    return agent_register(actor=actor, code=code, name=name, **fields)


@transaction.atomic(durable=True)
def agent_update(*, actor: Actor, agent_id: int, **changes: Any) -> CollectingAgent:
    return agent_change(actor=actor, agent_id=agent_id, **changes)


def _assign(agent: CollectingAgent, fields: dict[str, Any]) -> None:
    for name in (*FIELDS, "contract_start", "contract_end"):
        if name in fields and name != "name":
            value = fields[name]
            if name in ("agreement_code", "contract_number"):
                value = str(value or "").strip()
            setattr(agent, name, value)


def _state(agent: CollectingAgent) -> dict[str, Any]:
    return snapshot(agent, [*FIELDS, "contract_start", "contract_end"])

"""Writes of debt's settings that are versions, not a single row: installment policy versions (the
utility's resolutions) and the texts of its documents. Both only grow: a version in force when an
agreement was signed or a document issued is never changed in place; a change is a new version with
its start date (and, for a policy, its act). `debt_settings_update` (the single row) is in
services.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.document_templates import check_template, check_title
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import DocumentTemplate

from .documents import KINDS
from .errors import ErrorCode
from .models import InstallmentPolicyVersion

POLICY_FIELDS = (
    "resolution",
    "monthly_rate",
    "max_installments",
    "standard_max_installments",
    "min_down_payment_rate",
    "down_payment_required",
    "min_installment",
    "min_debt",
    "fine_discount_rate",
    "interest_discount_rate",
    "rounding",
    "leftover",
    "down_payment_days",
    "cancel_after_unpaid",
    "reactivation_fee",
)
# added after the first versions: optional on input (a configuration document written before them
# still imports), with the model's defaults (seed 001 3.2.9.1.8, .10–.13)
OPTIONAL_FIELDS: dict[str, Any] = {
    "representative_name": "",
    "max_replans": 3,
    "replan_max_installments": 12,
    "replan_max_installments_infraction": 6,
    "replan_min_down_payment_rate_infraction": Decimal("0.3000"),
}
ALL_FIELDS = (*POLICY_FIELDS, *OPTIONAL_FIELDS)
RATES = ("monthly_rate", "min_down_payment_rate", "fine_discount_rate", "interest_discount_rate")
MONEY = ("min_installment", "min_debt", "reactivation_fee")
COUNTS = {"max_installments": 360, "down_payment_days": 365, "cancel_after_unpaid": 60}


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, field=field, code=ErrorCode.INVALID)


def policy_values_check(values: dict[str, Any]) -> dict[str, Any]:
    """The policy's fields, complete and in range (a rate is a fraction: 0.0163 is 1,63 %); the
    normalized values, or ValidationFailed naming the field. No database."""
    missing = [name for name in POLICY_FIELDS if values.get(name) in (None, "")]
    if missing:
        raise _invalid("Campo obrigatório.", missing[0])
    unknown = sorted(set(values) - set(ALL_FIELDS))
    if unknown:
        raise _invalid(f"Campo desconhecido: {unknown[0]}.", unknown[0])
    out: dict[str, Any] = {"resolution": str(values["resolution"]).strip()[:200]}
    if not out["resolution"]:
        raise _invalid("Informe o ato que aprova a política (ex.: Resolução nº 12/2025).", "resolution")
    for name in (*RATES, *MONEY):
        try:
            out[name] = Decimal(str(values[name]))
        except ArithmeticError as exc:
            raise _invalid("Informe um número (ponto decimal).", name) from exc
        if not out[name].is_finite():
            raise _invalid("Informe um número (ponto decimal).", name)
    for name in RATES:
        if not Decimal("0") <= out[name] < Decimal("1"):
            raise _invalid("Informe uma fração entre 0 e 1 (0.0163 = 1,63 %).", name)
        if out[name] != out[name].quantize(
            Decimal("0.000001") if name == "monthly_rate" else Decimal("0.0001")
        ):
            raise _invalid("Casas decimais demais para esta taxa.", name)
    for name in MONEY:
        if not Decimal("0") <= out[name] < Decimal("100000000"):
            raise _invalid("Informe um valor entre 0 e 99.999.999,99.", name)
        if out[name] != out[name].quantize(Decimal("0.01")):
            raise _invalid("Informe um valor em reais, com até 2 casas decimais.", name)
    for name in ("min_installment", "min_debt"):
        if out[name] <= 0:
            raise _invalid("Informe um valor maior que zero.", name)
    for name in ("standard_max_installments", *COUNTS):
        value = values[name]
        if isinstance(value, bool) or (not isinstance(value, int) and not str(value).isdecimal()):
            raise _invalid("Informe um número inteiro.", name)
        out[name] = int(value)
        if not 1 <= out[name] <= COUNTS.get(name, 360):
            raise _invalid(f"Informe um número entre 1 e {COUNTS.get(name, 360)}.", name)
    if out["standard_max_installments"] > out["max_installments"]:
        raise _invalid(
            "O limite do atendimento não pode passar do máximo de parcelas.", "standard_max_installments"
        )
    if not isinstance(values["down_payment_required"], bool):
        raise _invalid("Informe verdadeiro ou falso.", "down_payment_required")
    out["down_payment_required"] = values["down_payment_required"]
    for name, choices in (("rounding", ("truncate", "half_up")), ("leftover", ("first", "last"))):
        if values[name] not in choices:
            raise _invalid(f"Use um de: {', '.join(choices)}.", name)
        out[name] = values[name]
    out.update(_optional_values_check(values, out["max_installments"]))
    return out


def _optional_values_check(values: dict[str, Any], max_installments: int) -> dict[str, Any]:
    out = {name: values.get(name, default) for name, default in OPTIONAL_FIELDS.items()}
    out["representative_name"] = str(out["representative_name"] or "").strip()
    if len(out["representative_name"]) > 120:
        raise _invalid("Informe até 120 caracteres.", "representative_name")
    for name, low in (
        ("max_replans", 0),
        ("replan_max_installments", 1),
        ("replan_max_installments_infraction", 1),
    ):
        value = out[name]
        if isinstance(value, bool) or (not isinstance(value, int) and not str(value).isdecimal()):
            raise _invalid("Informe um número inteiro.", name)
        out[name] = int(value)
        if not low <= out[name] <= 360:
            raise _invalid(f"Informe um número entre {low} e 360.", name)
    for name in ("replan_max_installments", "replan_max_installments_infraction"):
        if out[name] > max_installments:
            raise _invalid("O limite do reparcelamento não pode passar do máximo de parcelas.", name)
    if out["replan_max_installments_infraction"] > out["replan_max_installments"]:
        raise _invalid(
            "Com infração o limite de parcelas não pode passar do limite sem infração.",
            "replan_max_installments_infraction",
        )
    name = "replan_min_down_payment_rate_infraction"
    try:
        rate = Decimal(str(out[name]))
    except ArithmeticError as exc:
        raise _invalid("Informe um número (ponto decimal).", name) from exc
    if (
        not rate.is_finite()
        or not Decimal("0") <= rate < Decimal("1")
        or rate != rate.quantize(Decimal("0.0001"))
    ):
        raise _invalid("Informe uma fração entre 0 e 1 com até 4 casas (0.30 = 30 %).", name)
    out[name] = rate
    return out


@transaction.atomic(durable=True)
def installment_policy_create(
    *, actor: Actor, effective_from: dt.date, today: dt.date, **values: Any
) -> InstallmentPolicyVersion:
    """A new version of the installment policy from `effective_from` (today or later: the
    agreements already signed keep the version they were signed under, and a version never starts
    in the past, where it would change what the attendant saw)."""
    checked = policy_values_check(values)
    if effective_from < today:
        raise _invalid("A nova versão começa hoje ou depois: a política não retroage.", "effective_from")
    if InstallmentPolicyVersion.objects.select_for_update().filter(effective_from=effective_from).exists():
        raise Conflict(
            f"Já existe uma versão com vigência a partir de {effective_from:%d/%m/%Y}; escolha outra data.",
            field="effective_from",
            code=ErrorCode.POLICY_VERSION_EXISTS,
        )
    version: InstallmentPolicyVersion = InstallmentPolicyVersion.objects.create(
        effective_from=effective_from, **checked
    )
    audit_record(
        actor=actor, action="debt.installment_policy_create", target=version, after=snapshot(version)
    )
    return version


def template_check(*, kind: str, title: str, body_html: str) -> None:
    """What a text may contain (common.document_templates), refused naming the field. No database."""
    if kind not in KINDS:
        raise _invalid(f"Documento desconhecido: {kind}.", "kind")
    check_title(title)
    check_template(body_html, KINDS[kind].placeholders)


@transaction.atomic(durable=True)
def document_template_create(
    *, actor: Actor, kind: str, valid_from: dt.date, title: str, body_html: str, today: dt.date
) -> DocumentTemplate:
    """A new version of a document's text from `valid_from` (today or later). Documents already
    issued keep the text they were issued with (the version in force among those saved before
    them)."""
    template_check(kind=kind, title=title, body_html=body_html)
    if valid_from < today:
        raise _invalid("A nova versão do texto começa hoje ou depois.", "valid_from")
    if DocumentTemplate.objects.select_for_update().filter(kind=kind, valid_from=valid_from).exists():
        raise Conflict(
            f"Já existe uma versão deste texto a partir de {valid_from:%d/%m/%Y}; escolha outra data.",
            field="valid_from",
            code=ErrorCode.TEMPLATE_VERSION_EXISTS,
        )
    row: DocumentTemplate = DocumentTemplate.objects.create(
        kind=kind,
        valid_from=valid_from,
        title=title.strip(),
        body_html=body_html,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="debt.document_template_create",
        target=row,
        after=snapshot(row, fields=["kind", "valid_from", "title", "body_html"]),
    )
    return row

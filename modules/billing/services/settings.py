"""The utility's billing settings (BillingSettings): the minimum time between a bill's issue and its
due date, the months of consumption history its PDF prints and the m³ an unmetered property bills
per water outlet. Edited by staff, audited with before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..models import BillingSettings

# field: (lowest, highest, pt-BR message)
LIMITS: dict[str, tuple[int, int, str]] = {
    "min_days_after_issue": (
        1,
        30,
        "O prazo mínimo entre a emissão e o vencimento deve ficar entre 1 e 30 dias.",
    ),
    # seed 001 3.2.5.12.1: the bill shows at least the last six months
    "history_months": (6, 24, "O histórico de consumo na fatura deve ter de 6 a 24 meses."),
    "m3_per_outlet": (0, 100, "O consumo por tomada d'água deve ficar entre 0 e 100 m³."),
    # seed 001 3.2.7.12.8-9
    "max_water_leak_percent": (0, 100, "O desconto máximo por vazamento na água deve ficar entre 0 e 100%."),
    "max_sewer_leak_percent": (
        0,
        100,
        "O desconto máximo por vazamento no esgoto deve ficar entre 0 e 100%.",
    ),
}
# h-bill, seed 001 3.2.7.12.5: days between a (re)connection and the reading below which it waits a cycle
LIMITS["first_bill_min_days"] = (0, 90, "Os dias mínimos até a primeira fatura devem ficar entre 0 e 90.")
# the settings that are not whole numbers: 3.2.7.12.6, .7 and .11
TYPED_FIELDS = ("history_start", "delivery_fee", "print_excess_message", "common_area_policy")
SETTINGS_FIELDS = (*LIMITS, *TYPED_FIELDS)
MAX_DELIVERY_FEE = Decimal("1000.00")


def _typed_problem(name: str, value: Any) -> str:
    """The pt-BR message when a typed setting's value is wrong, "" when it is right."""
    if name == "history_start":
        ok = value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime))
        return "" if ok else "Informe o mês inicial do histórico na fatura (AAAA-MM) ou deixe vazio."
    if name == "delivery_fee":
        ok = isinstance(value, Decimal) and value.is_finite() and Decimal(0) <= value <= MAX_DELIVERY_FEE
        return "" if ok else "A taxa de entrega deve ficar entre R$ 0,00 e R$ 1.000,00."
    if name == "common_area_policy":
        ok = value in ("master", "apportion")
        return "" if ok else "A área comum vai na fatura do principal (master) ou é rateada (apportion)."
    return "" if isinstance(value, bool) else "Informe sim ou não para a mensagem de consumo excessivo."


def setting_doc(name: str, value: Any) -> Any:
    """A setting as the configuration document writes it: money as text, a month as AAAA-MM."""
    if name == "delivery_fee":
        return format(value, "f")
    if name == "history_start":
        return f"{value:%Y-%m}" if value else None
    return value


def setting_from_doc(name: str, raw: Any) -> Any:
    """The document's value as the setting stores it; raises ValidationFailed (its own message) when
    it is not one. Whole-number settings come as they are (their limits are checked by the caller)."""
    if name not in TYPED_FIELDS:
        return raw
    value: Any = raw
    try:
        if name == "delivery_fee" and isinstance(raw, str):
            value = Decimal(raw)
        elif name == "history_start" and isinstance(raw, str):
            value = dt.date.fromisoformat(f"{raw}-01")
    except (ArithmeticError, ValueError):
        value = object()
    problem = _typed_problem(name, value)
    if problem or (name == "delivery_fee" and not isinstance(raw, str)):
        raise ValidationFailed(
            problem or 'A taxa de entrega é um texto decimal (ex.: "3.50").',
            field=name,
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    return value


def billing_settings() -> BillingSettings:
    """The utility's settings (the defaults until someone changes them)."""
    return BillingSettings.current()


@transaction.atomic(durable=True)
def billing_settings_update(*, actor: Actor, **fields: Any) -> BillingSettings:
    """Change some of the settings; each value is checked against its limits before anything is
    written. Raises ValidationFailed naming the field."""
    unknown = sorted(set(fields) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationFailed(f"Campos desconhecidos: {', '.join(unknown)}.", code=ErrorCode.UNKNOWN_FIELDS)
    for name, value in fields.items():
        if name in TYPED_FIELDS:
            problem = _typed_problem(name, value)
            if problem:
                raise ValidationFailed(problem, field=name, code=ErrorCode.SETTING_OUT_OF_RANGE)
            continue
        low, high, message = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(message, field=name, code=ErrorCode.SETTING_OUT_OF_RANGE)
    if fields.get("history_start") is not None:
        fields["history_start"] = fields["history_start"].replace(day=1)
    if "delivery_fee" in fields:
        fields["delivery_fee"] = fields["delivery_fee"].quantize(Decimal("0.01"))
    BillingSettings.current()
    row = BillingSettings.objects.select_for_update().get(pk=1)
    before = snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    audit_record(
        actor=actor, action="billing.settings_update", target=row, before=before, after=snapshot(row)
    )
    return row  # type: ignore[no-any-return]  # Django is untyped here

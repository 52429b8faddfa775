"""The consumption regulation as data: what a version of it may say and how it is read.

A version (a `Regulation` row of the utility, with its start month and its act) carries the
parameters `ConsumptionPolicy` reads: the months of the average billed when there is no reading
(§14.6, S14.6-01), its rounding (A7), the months and the +/− bounds of the deviation check (§14.2,
S14.2-02, A6: both bounds are parameters), the average below which the check is skipped and the
end-of-dial window taken as a turnover. `policy_from_payload` is the one reading of a stored or
submitted version; `policy_payload` its one writing (Decimal as string, so a document round-trips).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed

from .consumption import AverageRounding, ConsumptionPolicy


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str  # pt-BR, for pages, the audit trail and error messages
    kind: type  # int or Decimal
    low: Decimal
    high: Decimal
    unit: str = ""


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "average_months", "Meses da média (faturamento pela média)", int, Decimal(1), Decimal(24), "meses"
    ),
    Parameter(
        "deviation_months", "Meses da média da crítica de consumo", int, Decimal(1), Decimal(24), "meses"
    ),
    Parameter("high_percent", "Consumo alto (acima da média)", Decimal, Decimal(0), Decimal(1000), "%"),
    Parameter("low_percent", "Consumo baixo (abaixo da média)", Decimal, Decimal(0), Decimal(100), "%"),
    Parameter(
        "check_min_average_m3", "Média mínima para a crítica de consumo", int, Decimal(0), Decimal(1000), "m³"
    ),
    Parameter(
        "rollover_window_percent", "Janela de virada do hidrômetro", Decimal, Decimal(0), Decimal(50), "%"
    ),
)
ROUNDING_LABELS = {
    AverageRounding.DOWN: "para baixo",
    AverageRounding.HALF_UP: "matemático (0,5 para cima)",
}
FIELD_LABELS = {p.name: p.label for p in PARAMETERS} | {"average_rounding": "Arredondamento da média"}
PAYLOAD_FIELDS = ("average_months", "average_rounding", *(p.name for p in PARAMETERS[1:]))


def _number(parameter: Parameter, raw: Any, field: str) -> int | Decimal:
    bounds = f"de {parameter.low} a {parameter.high}{' ' + parameter.unit if parameter.unit else ''}"
    message = f"{parameter.label}: informe um número {bounds}."
    if isinstance(raw, bool) or raw is None or isinstance(raw, float):
        raise ValidationFailed(message, field=field, code=CommonCode.INVALID)
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationFailed(message, field=field, code=CommonCode.INVALID) from None
    if not value.is_finite() or not parameter.low <= value <= parameter.high:
        raise ValidationFailed(message, field=field, code=CommonCode.INVALID)
    if parameter.kind is int:
        if value != value.to_integral_value():
            raise ValidationFailed(
                f"{parameter.label}: informe um número inteiro {bounds}.",
                field=field,
                code=CommonCode.INVALID,
            )
        return int(value)
    return value


def policy_from_payload(data: Mapping[str, Any], *, path: str = "") -> ConsumptionPolicy:
    """A version's parameters as the policy; a missing one keeps the default (rows written before it
    existed). Raises ValidationFailed whose field is `path` + the parameter's name."""
    defaults = ConsumptionPolicy()
    unknown = sorted(set(data) - set(PAYLOAD_FIELDS))
    if unknown:
        raise ValidationFailed(
            f"Parâmetro desconhecido no regulamento de consumo: {', '.join(unknown)}.",
            field=f"{path}{unknown[0]}",
            code=CommonCode.INVALID,
        )
    values: dict[str, Any] = {}
    for parameter in PARAMETERS:
        if data.get(parameter.name) is not None:
            values[parameter.name] = _number(parameter, data[parameter.name], f"{path}{parameter.name}")
    rounding = data.get("average_rounding")
    if rounding is not None:
        if rounding not in {r.value for r in AverageRounding}:
            raise ValidationFailed(
                "Arredondamento da média: escolha “para baixo” ou “matemático”.",
                field=f"{path}average_rounding",
                code=CommonCode.INVALID,
            )
        values["average_rounding"] = AverageRounding(rounding)
    return ConsumptionPolicy(**{**{n: getattr(defaults, n) for n in PAYLOAD_FIELDS}, **values})


def policy_payload(policy: ConsumptionPolicy) -> dict[str, Any]:
    """What a version stores: integers as integers, percentages as strings (Decimal kept exact)."""
    out: dict[str, Any] = {}
    for name in PAYLOAD_FIELDS:
        value = getattr(policy, name)
        if isinstance(value, AverageRounding):
            out[name] = value.value
        elif isinstance(value, Decimal):
            out[name] = _plain(value)
        else:
            out[name] = value
    return out


def _plain(value: Decimal) -> str:
    """70 → "70", 70.50 → "70.5": the same figure always writes the same string."""
    return format(value.normalize(), "f")


def audited(payload: dict[str, Any]) -> dict[str, Any]:
    """A stored version as the audit trail shows it to people: the rounding in words, not its code."""
    rounding = payload.get("average_rounding")
    if rounding in {r.value for r in AverageRounding}:
        return payload | {"average_rounding": ROUNDING_LABELS[AverageRounding(rounding)]}
    return payload


def policy_labels(policy: ConsumptionPolicy) -> list[tuple[str, str]]:
    """(label, value in words) of each parameter, for the versions page."""
    rows: list[tuple[str, str]] = []
    for parameter in PARAMETERS:
        value = getattr(policy, parameter.name)
        shown = _plain(value).replace(".", ",") if isinstance(value, Decimal) else str(value)
        rows.append((parameter.label, f"{shown} {parameter.unit}".strip()))
    rows.insert(1, (FIELD_LABELS["average_rounding"], ROUNDING_LABELS[policy.average_rounding]))
    return rows

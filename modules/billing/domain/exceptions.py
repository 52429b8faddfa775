"""Billing exceptions (exceções de faturamento, seed 002 §4.7, S4.7-01..05; ADR 0220) as data: what one
property's bills do differently in a window of reference months. Each kind has one effect, applied by
`domain.pricing.price_bill` over the facts; nothing here reads the database or the clock.

- volume (faturamento): `volume_cap` "faturar por até o limite" bills min(consumption, V);
  `excess_only` "faturar apenas o excesso" bills max(consumption − V, 0); `limit_volume` "faturar o
  volume limite" bills V whatever was consumed. The three are one family: two of them never hold in
  the same month (the service refuses the overlap, field `valid_from`).
- `sewer_percent` (percentual de esgoto): the property's own share of the water amount for sewer.
- `due_day` (vencimento): the bill falls due on this day instead of the schedule's.
- `service_type` (esgoto especial / tipo de faturamento): one of the five service types in place of
  the one the connections give, e.g. "água e TEE" for a property on a well with a water connection.
- `exempt` (isenção): one component at 0,00 (the rows of `TariffExemption`, ADR 0190); listed here so
  the simulation takes every exception in one list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .tariffs import ServiceType


class ExceptionKind(StrEnum):
    VOLUME_CAP = "volume_cap"
    EXCESS_ONLY = "excess_only"
    LIMIT_VOLUME = "limit_volume"
    SEWER_PERCENT = "sewer_percent"
    DUE_DAY = "due_day"
    SERVICE_TYPE = "service_type"
    EXEMPT = "exempt"


EXCEPTION_LABELS = {
    ExceptionKind.VOLUME_CAP: "Faturar por até o limite",
    ExceptionKind.EXCESS_ONLY: "Faturar apenas o excesso",
    ExceptionKind.LIMIT_VOLUME: "Faturar o volume limite",
    ExceptionKind.SEWER_PERCENT: "Percentual de esgoto",
    ExceptionKind.DUE_DAY: "Vencimento",
    ExceptionKind.SERVICE_TYPE: "Esgoto especial (tipo de faturamento)",
    ExceptionKind.EXEMPT: "Isenção",
}

SERVICE_TYPE_LABELS = {
    ServiceType.WATER: "Água",
    ServiceType.WATER_SEWER: "Água e esgoto",
    ServiceType.SPECIAL_SEWER: "TEE",
    ServiceType.WATER_SPECIAL_SEWER: "Água e TEE",
    ServiceType.WATER_SEWER_SPECIAL_SEWER: "Água, esgoto e TEE",
}

VOLUME_KINDS = frozenset({ExceptionKind.VOLUME_CAP, ExceptionKind.EXCESS_ONLY, ExceptionKind.LIMIT_VOLUME})
# the parameter each kind needs (the API and the service name it when missing)
PARAMETER = {
    ExceptionKind.VOLUME_CAP: "volume_m3",
    ExceptionKind.EXCESS_ONLY: "volume_m3",
    ExceptionKind.LIMIT_VOLUME: "volume_m3",
    ExceptionKind.SEWER_PERCENT: "percent",
    ExceptionKind.DUE_DAY: "day",
    ExceptionKind.SERVICE_TYPE: "service_type",
    ExceptionKind.EXEMPT: "component",
}


def family(kind: str) -> str:
    """Exceptions of one family never overlap: the three volume kinds are one, the others each theirs."""
    return "volume" if kind in VOLUME_KINDS else kind


@dataclass(frozen=True)
class BillingException:
    """One exception in force in the month being billed, with its parameter."""

    kind: str  # an ExceptionKind value
    volume_m3: int | None = None
    percent: Decimal | None = None
    day: int | None = None
    service_type: str = ""
    component: str = ""


@dataclass(frozen=True)
class VolumeRule:
    """The billed volume after the volume exception, and the sentence the bill prints about it."""

    m3: int
    kind: str
    note: str


def volume_rule(consumption_m3: int, exceptions: Sequence[BillingException]) -> VolumeRule | None:
    """The volume exception's effect on the month's consumption, or None when the month has none."""
    rule = next((e for e in exceptions if e.kind in VOLUME_KINDS), None)
    if rule is None or rule.volume_m3 is None:
        return None
    limit = rule.volume_m3
    if rule.kind == ExceptionKind.VOLUME_CAP:
        m3 = min(consumption_m3, limit)
        note = f"faturado até o limite de {limit} m³"
    elif rule.kind == ExceptionKind.EXCESS_ONLY:
        m3 = max(consumption_m3 - limit, 0)
        note = f"faturado apenas o excesso sobre {limit} m³"
    else:
        m3 = limit
        note = f"faturado o volume limite de {limit} m³"
    return VolumeRule(
        m3, rule.kind, f"Exceção de faturamento: consumo de {consumption_m3} m³, {note} ({m3} m³)."
    )


def first(exceptions: Sequence[BillingException], kind: ExceptionKind) -> BillingException | None:
    return next((e for e in exceptions if e.kind == kind), None)


def exempt_components(exceptions: Sequence[BillingException]) -> frozenset[str]:
    return frozenset(e.component for e in exceptions if e.kind == ExceptionKind.EXEMPT and e.component)

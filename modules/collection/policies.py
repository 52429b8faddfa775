"""The tenant's late-charge rule in force on a date, as the domain's frozen values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from modules.common.domain.dates import YearMonth
from modules.common.domain.money import Rounding

from .domain.late_charges import InterestMethod, LateChargePolicy, RateSeries
from .models import IndexRate, IndexSeries, LateChargePolicyVersion


@dataclass(frozen=True)
class TenantLateCharges:
    policy: LateChargePolicy
    interest_series: RateSeries | None
    correction_series: RateSeries | None
    version_id: int | None


def _series(series: IndexSeries | None) -> RateSeries | None:
    if series is None:
        return None
    # a month's rate is its latest row (a correction is a later row, ADR 0130)
    registered: dict[YearMonth, Decimal] = {}
    estimated: set[YearMonth] = set()
    rows = IndexRate.objects.filter(series=series).order_by("month", "recorded_at", "id")
    for month, rate, provisional in rows.values_list("month", "rate", "provisional"):
        registered[YearMonth.of(month)] = rate
        (estimated.add if provisional else estimated.discard)(YearMonth.of(month))
    return RateSeries(
        registered=registered, provisional=series.provisional_rate, estimated=frozenset(estimated)
    )


def late_charge_rule(on: dt.date) -> TenantLateCharges:
    """The version effective on `on` (the day the debt is updated to); the domain defaults (2 % fine,
    1 % a month provisional, truncation) when the tenant has none yet."""
    version = (
        LateChargePolicyVersion.objects.select_related("interest_index", "correction_index")
        .filter(effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        return TenantLateCharges(LateChargePolicy(), None, None, None)
    policy = LateChargePolicy(
        fine_rate=Decimal(version.fine_rate),
        interest_method=InterestMethod(version.interest_method),
        interest_rate=Decimal(version.interest_rate),
        interest_on_fine=version.interest_on_fine,
        rounding=Rounding(version.rounding),
        accrues_from=version.accrues_from,
    )
    return TenantLateCharges(
        policy, _series(version.interest_index), _series(version.correction_index), version.pk
    )

"""Reads of hydrometry."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .domain import meters as rules
from .models import Installation, Meter, MeteringPolicy


def meter_list(*, status: str = "", number: str = "") -> QuerySet[Meter]:
    qs = Meter.objects.all()
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(number__startswith=rules.normalize_meter_number(number))
    return qs


def meters_expiring(*, as_of: dt.date, policy: MeteringPolicy | None = None) -> QuerySet[Meter]:
    """Installed meters whose calibration ends within the alert lead time (or already ended).

    calibrated_on + N years <= as_of + lead  <=>  calibrated_on <= (as_of + lead) - N years.
    Meters never calibrated are listed too: their validity cannot be proved.
    """
    policy = policy or MeteringPolicy.current()
    horizon = as_of + dt.timedelta(days=policy.alert_days)
    cutoff = rules.add_years(horizon, -policy.validity_years)
    from django.db.models import Q

    return (
        Meter.objects.filter(status=rules.INSTALLED)
        .filter(Q(calibrated_on__lte=cutoff) | Q(calibrated_on__isnull=True))
        .order_by("calibrated_on", "number")
    )


def installation_history(*, connection_id: int) -> QuerySet[Installation]:
    return (
        Installation.objects.filter(connection_id=connection_id)
        .select_related("meter")
        .order_by("-installed_on", "-id")
    )


def active_installation(*, connection_id: int) -> Installation | None:
    installation: Installation | None = (
        Installation.objects.filter(connection_id=connection_id, removed_on__isnull=True)
        .select_related("meter")
        .first()
    )
    return installation

"""The utility's metering policy (MeteringPolicy): how long a calibration is valid (Inmetro: five
years, S9.11-01), how early its expiry is announced and how calibration photos are kept (S9.6-02).
Edited by staff, audited with before and after."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..models import MeteringPolicy

# field: (lowest, highest, pt-BR message)
LIMITS: dict[str, tuple[int, int, str]] = {
    "validity_years": (1, 10, "A validade da aferição deve ficar entre 1 e 10 anos."),
    "alert_days": (0, 365, "A antecedência do alerta deve ficar entre 0 e 365 dias."),
    "photo_max_px": (640, 4000, "O maior lado da foto deve ficar entre 640 e 4000 pixels."),
    "photo_quality": (50, 95, "A qualidade JPEG da foto deve ficar entre 50 % e 95 %."),
}
POLICY_FIELDS = tuple(LIMITS)


def metering_policy() -> MeteringPolicy:
    """The utility's policy (the defaults until someone changes them)."""
    return MeteringPolicy.current()


def check_policy(fields: dict[str, Any], *, path: str = "") -> None:
    """Each value within its limits; raises ValidationFailed naming `path` + the field."""
    unknown = sorted(set(fields) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationFailed(
            f"Campos desconhecidos: {', '.join(unknown)}.",
            field=f"{path}{unknown[0]}",
            code=CommonCode.INVALID,
        )
    for name, value in fields.items():
        low, high, message = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(message, field=f"{path}{name}", code=ErrorCode.SETTING_OUT_OF_RANGE)


def policy_write(*, actor: Actor, **fields: Any) -> MeteringPolicy:
    """Change the policy; runs inside the caller's transaction (the page's, the API's or the
    configuration import's). Raises ValidationFailed naming the field before anything is written."""
    check_policy(fields)
    current = MeteringPolicy.objects.order_by("id").first() or MeteringPolicy.objects.create()
    row: MeteringPolicy = MeteringPolicy.objects.select_for_update().get(pk=current.pk)
    before = snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    audit_record(actor=actor, action="metering.policy_update", target=row, before=before, after=snapshot(row))
    return row


@transaction.atomic(durable=True)
def metering_policy_update(*, actor: Actor, **fields: Any) -> MeteringPolicy:
    """Change some of the policy's values: the expiring list and the validity shown on each meter
    follow at once; photos already stored keep their size."""
    return policy_write(actor=actor, **fields)

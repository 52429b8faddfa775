"""The reader's phone app's settings (ADR 0227), changed by the back office and audited."""

from __future__ import annotations

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..models import ReaderAppSettings


@transaction.atomic(durable=True)
def reader_app_settings_update(
    *, actor: Actor, on_site_billing: bool, paper_mm: int, roll_length_m: int, upload_every: int
) -> ReaderAppSettings:
    if paper_mm not in ReaderAppSettings.Paper.values:
        raise ValidationFailed(
            f"Largura do papel: use 58 ou 80 mm ({paper_mm}).",
            field="paper_mm",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    if not 5 <= roll_length_m <= 100:
        raise ValidationFailed(
            f"Comprimento da bobina: de 5 a 100 m ({roll_length_m}).",
            field="roll_length_m",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    if not 1 <= upload_every <= 100:
        raise ValidationFailed(
            f"Envio automático: a cada 1 a 100 imóveis faturados ({upload_every}).",
            field="upload_every",
            code=ErrorCode.SETTING_OUT_OF_RANGE,
        )
    row = ReaderAppSettings.current()
    before = {
        "on_site_billing": row.on_site_billing,
        "paper_mm": row.paper_mm,
        "roll_length_m": row.roll_length_m,
        "upload_every": row.upload_every,
    }
    row.on_site_billing, row.paper_mm = on_site_billing, paper_mm
    row.roll_length_m, row.upload_every = roll_length_m, upload_every
    row.save()
    audit_record(
        actor=actor,
        action="reading.reader_app_settings",
        target=row,
        before=before,
        after={
            "on_site_billing": on_site_billing,
            "paper_mm": paper_mm,
            "roll_length_m": roll_length_m,
            "upload_every": upload_every,
        },
    )
    return row

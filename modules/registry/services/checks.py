"""Checks shared by the registry's writes."""

from __future__ import annotations

import datetime as dt

from modules.common.errors import ValidationFailed

from ..errors import ErrorCode


def not_future(value: dt.date | None, today: dt.date, field: str, label: str) -> None:
    if value is not None and value > today:
        raise ValidationFailed(
            f"{label} não pode estar no futuro ({value:%d/%m/%Y}).",
            field=field,
            code=ErrorCode.DATE_IN_FUTURE,
        )

"""The groups' schedule settings (ScheduleSettings) and the manual adjustments of a generated month
(S12.1-02: "pequenos ajustes durante o ano"), each audited with who and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.domain.calendar import is_business_day
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.registry.models import BillingGroup

from ..errors import ErrorCode
from ..hooks import billed_months
from ..models import Holiday, Reading, ReadingSchedule, ScheduleSettings
from . import holidays_between

# field: (lowest, highest, pt-BR message)
SETTINGS_LIMITS: dict[str, tuple[int, int, str]] = {
    "nominal_day": (1, 28, "O dia nominal de leitura deve ficar entre 1 e 28."),
    "margin_days": (0, 10, "A margem deve ficar entre 0 e 10 dias."),
    "route_business_days": (1, 10, "Cada rota deve ter de 1 a 10 dias úteis de leitura."),
    "due_calendar_days": (1, 60, "Os dias até o vencimento devem ficar entre 1 e 60."),
    "batch_lead_business_days": (0, 10, "A carga deve ser gerada de 0 a 10 dias úteis antes da leitura."),
    "billing_lag_business_days": (0, 10, "O faturamento deve ocorrer de 0 a 10 dias úteis após a leitura."),
}
SETTINGS_FIELDS = tuple(SETTINGS_LIMITS)
DATE_FIELDS = ("reading_start", "reading_end", "billing_date", "due_date", "debit_date")
DATE_LABELS = {
    "reading_start": "início da leitura",
    "reading_end": "fim da leitura",
    "billing_date": "faturamento",
    "due_date": "vencimento",
}


def schedule_settings(group: BillingGroup) -> ScheduleSettings:
    """The group's settings (the defaults until someone changes them)."""
    row: ScheduleSettings | None = ScheduleSettings.objects.filter(group=group).first()
    return row or ScheduleSettings(group=group)


def check_settings(fields: dict[str, Any], *, path: str = "") -> None:
    """Each value within its limits; raises ValidationFailed naming `path` + the field."""
    unknown = sorted(set(fields) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationFailed(
            f"Campos desconhecidos: {', '.join(unknown)}.",
            field=f"{path}{unknown[0]}",
            code=CommonCode.INVALID,
        )
    for name, value in fields.items():
        low, high, message = SETTINGS_LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(message, field=f"{path}{name}", code=ErrorCode.SETTING_OUT_OF_RANGE)


def settings_write(*, actor: Actor, group: BillingGroup, reason: str = "", **fields: Any) -> ScheduleSettings:
    """Change the group's settings; runs inside the caller's transaction (the page's, the API's or the
    configuration import's). Raises ValidationFailed naming the field, before anything is written."""
    check_settings(fields)
    row, _ = ScheduleSettings.objects.select_for_update().get_or_create(group=group)
    before = snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    audit_record(
        actor=actor,
        action="reading.schedule_settings_update",
        target=row,
        before=before,
        after=snapshot(row),
        reason=reason,
    )
    return row  # type: ignore[no-any-return]  # Django is untyped here


def settings_reset(*, actor: Actor, group: BillingGroup) -> None:
    """Drop the group's settings row (it schedules on the defaults again); runs inside the caller's
    transaction (the configuration import, for a group the document leaves out)."""
    row: ScheduleSettings | None = ScheduleSettings.objects.select_for_update().filter(group=group).first()
    if row is None:
        return
    before = snapshot(row)
    pk = row.pk
    row.delete()
    audit_record(
        actor=actor,
        action="reading.schedule_settings_remove",
        object_type="reading.schedulesettings",
        object_id=pk,
        before=before,
    )


@transaction.atomic(durable=True)
def schedule_settings_update(*, actor: Actor, group: BillingGroup, **fields: Any) -> ScheduleSettings:
    """Change some of the group's schedule settings. Months already generated keep their dates."""
    return settings_write(actor=actor, group=group, **fields)


def _check_dates(schedule: ReadingSchedule, dates: dict[str, dt.date]) -> None:
    """The adjusted month's dates in order, a moved due date on a business day, the readings already
    taken inside the window. Raises ValidationFailed naming the field."""
    start, end, billing, due, debit = (dates[n] for n in DATE_FIELDS)
    if end < start:
        raise ValidationFailed(
            "O fim da leitura não pode ser antes do início.",
            field="reading_end",
            code=ErrorCode.SCHEDULE_DATES,
        )
    if billing < end:
        raise ValidationFailed(
            "O faturamento não pode ser antes do fim da leitura.",
            field="billing_date",
            code=ErrorCode.SCHEDULE_DATES,
        )
    if due <= billing:
        raise ValidationFailed(
            "O vencimento deve ser depois do faturamento.", field="due_date", code=ErrorCode.SCHEDULE_DATES
        )
    if not billing < debit <= due:
        raise ValidationFailed(
            "O débito automático deve ser depois do faturamento e até o vencimento.",
            field="debit_date",
            code=ErrorCode.SCHEDULE_DATES,
        )
    if (
        debit != schedule.debit_date
        and debit != due
        and not is_business_day(debit, holidays_between(debit, debit))
    ):
        raise ValidationFailed(
            f"O débito automático em {debit:%d/%m/%Y} não é dia útil: escolha um dia útil.",
            field="debit_date",
            code=ErrorCode.SCHEDULE_DATES,
        )
    month = YearMonth.of(schedule.reference)
    earliest, latest = month.plus(-1).first_day(), month.plus(1).last_day()
    if start < earliest or end > latest:
        raise ValidationFailed(
            f"A leitura de {month.label} deve ficar entre {earliest:%d/%m/%Y} e {latest:%d/%m/%Y}.",
            field="reading_start" if start < earliest else "reading_end",
            code=ErrorCode.SCHEDULE_DATES,
        )
    if due != schedule.due_date and not is_business_day(due, holidays_between(due, due)):
        holiday = Holiday.objects.filter(date=due).first()
        why = "sábado" if due.weekday() == 5 else "domingo" if due.weekday() == 6 else "feriado"
        if holiday is not None:
            why = f"feriado municipal ({holiday.name})"
        raise ValidationFailed(
            f"O vencimento em {due:%d/%m/%Y} não é dia útil ({why}): escolha um dia útil.",
            field="due_date",
            code=ErrorCode.DUE_DATE_NOT_BUSINESS_DAY,
        )
    outside = (
        Reading.objects.filter(property__billing_group_id=schedule.group_id, reference=schedule.reference)
        .exclude(read_on__range=(start, end))
        .order_by("read_on")
        .values_list("read_on", flat=True)
        .first()
    )
    if outside is not None:
        raise ValidationFailed(
            f"Há leitura registrada em {outside:%d/%m/%Y}, fora da nova janela de leitura: a janela deve "
            "incluir as leituras já feitas.",
            field="reading_start" if outside < start else "reading_end",
            code=ErrorCode.READINGS_OUTSIDE_WINDOW,
        )


@transaction.atomic(durable=True)
def schedule_adjust(
    *, actor: Actor, schedule: ReadingSchedule, reason: str, **dates: dt.date | None
) -> ReadingSchedule:
    """Move a generated month's reading, billing, automatic-debit or due dates by hand: who and why are
    kept on the row and in the audit trail. A debit on the due date follows a moved due date. Refused:
    no reason, a month already billed, dates out of order (the debit after the billing and not after the
    due date), a due or debit date that is not a business day, a window that leaves out readings
    already taken."""
    unknown = sorted(set(dates) - set(DATE_FIELDS))
    if unknown:
        raise ValidationFailed(
            f"Campos desconhecidos: {', '.join(unknown)}.", field=unknown[0], code=CommonCode.INVALID
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Informe o motivo do ajuste.", field="reason", code=CommonCode.INVALID)
    row: ReadingSchedule = (
        ReadingSchedule.objects.select_for_update().select_related("group").get(pk=schedule.pk)
    )
    month = YearMonth.of(row.reference)
    if (row.group_id, row.reference) in billed_months(row.reference):
        raise Conflict(
            f"O grupo {row.group.code} já foi faturado em {month.label}: o cronograma desse mês não pode "
            "mais ser ajustado.",
            code=ErrorCode.SCHEDULE_BILLED,
        )
    before = {n: getattr(row, n) for n in DATE_FIELDS}
    after = before | {n: v for n, v in dates.items() if v is not None}
    if dates.get("debit_date") in (None, before["debit_date"]) and before["debit_date"] == before["due_date"]:
        after["debit_date"] = after["due_date"]  # a debit on the due date follows a moved due date
    if after == before:
        raise ValidationFailed(
            "Nenhuma data foi alterada.", field="reading_start", code=ErrorCode.SCHEDULE_DATES
        )
    _check_dates(row, after)
    for name, value in after.items():
        setattr(row, name, value)
    row.adjusted_by = actor.get_username()
    row.adjusted_at = timezone.now()
    row.adjustment_reason = reason[:300]
    row.save()
    audit_record(
        actor=actor,
        action="reading.schedule_adjust",
        target=row,
        before=before,
        after=after,
        reason=reason,
    )
    return row

"""Every write of reading: schedules, holidays, occurrences, readings (API and file) and their review."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import holidays as holiday_calendars
from django.db import transaction
from holidays.countries.brazil import Brazil

from modules.common.audit import Actor, audit_record
from modules.common.clock import current_tenant
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.registry.models import BillingGroup

from .. import events
from ..domain.consumption import (
    ConsumptionInput,
    MeterReading,
    MeterSwap,
    OccurrenceAction,
    determine_consumption,
)
from ..domain.consumption import Occurrence as OccurrenceRule
from ..domain.schedule import RouteSlot, SchedulePolicy, reading_schedule
from ..errors import ErrorCode
from ..models import (
    Holiday,
    Occurrence,
    Reading,
    ReadingRevision,
    ReadingSchedule,
    ReviewStatus,
    ScheduleSettings,
)
from .lookups import Lookups
from .regulation import POLICY_KIND, consumption_policy

__all__ = ["POLICY_KIND", "consumption_policy"]  # re-exported: billing reads the rules in force here

# The usual occurrence table of GSAN-style utilities (S12.8-02); a utility edits its own rows.
DEFAULT_OCCURRENCES = (
    ("00", "Leitura normal", OccurrenceAction.NORMAL, False),
    ("10", "Impossibilidade de leitura (imóvel fechado)", OccurrenceAction.AVERAGE, False),
    ("11", "Hidrômetro parado", OccurrenceAction.AVERAGE, True),
    ("12", "Hidrômetro embaçado / ilegível", OccurrenceAction.AVERAGE, False),
    ("20", "Virada do hidrômetro", OccurrenceAction.ROLLOVER, False),
    ("30", "Vazamento aparente", OccurrenceAction.NORMAL, True),
    ("40", "Faturar pelo mínimo", OccurrenceAction.MINIMUM, False),
)


def holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """National and state holidays (`holidays` package) plus the utility's municipal table."""
    state = getattr(current_tenant(), "state", "") or None
    if state not in Brazil.subdivisions:  # blank or unknown UF: national holidays only
        state = None
    official = holiday_calendars.country_holidays("BR", subdiv=state, years=range(start.year, end.year + 1))
    municipal = Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True)
    return frozenset(d for d in official if start <= d <= end) | frozenset(municipal)


@transaction.atomic(durable=True)
def schedule_generate(
    *, actor: Actor, group: BillingGroup, first_month: YearMonth, months: int = 12
) -> list[ReadingSchedule]:
    """A year (by default) of the group's reading windows, off weekends and holidays (S12.1-02).
    Months already scheduled keep their dates (they may have been adjusted by hand)."""
    settings_row, _ = ScheduleSettings.objects.get_or_create(group=group)
    routes = [
        RouteSlot(str(r.code), settings_row.route_business_days)
        for r in group.routes.order_by("sequence", "code")
    ] or [RouteSlot("1", settings_row.route_business_days)]
    start = first_month.first_day() - dt.timedelta(days=7)
    end = first_month.plus(months + 1).last_day()
    plan = reading_schedule(
        str(group.code),
        settings_row.nominal_day,
        routes,
        first_month,
        months,
        holidays_between(start, end),
        SchedulePolicy(
            margin_days=settings_row.margin_days,
            batch_lead_business_days=settings_row.batch_lead_business_days,
            billing_lag_business_days=settings_row.billing_lag_business_days,
            due_calendar_days=settings_row.due_calendar_days,
        ),
    )
    out: list[ReadingSchedule] = []
    for month in plan:
        row, _created = ReadingSchedule.objects.get_or_create(
            group=group,
            reference=month.month.first_day(),
            defaults={
                "reading_start": month.reading_start,
                "reading_end": month.reading_end,
                "billing_date": month.billing,
                "due_date": month.due,
                "debit_date": month.due,  # the bank debits on the due date unless moved by hand
            },
        )
        out.append(row)
    audit_record(
        actor=actor,
        action="reading.schedule_generate",
        target=group,
        after={"first_month": str(first_month), "months": months},
    )
    return out


def holiday_add(*, actor: Actor, day: dt.date, name: str) -> Holiday:
    """Add a municipal holiday; runs inside the caller's transaction (the page's, the API's or the
    configuration import's). Refused: no name, a day already there."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Informe o nome do feriado.", field="name", code=CommonCode.INVALID)
    existing = Holiday.objects.filter(date=day).first()
    if existing is not None:
        raise Conflict(
            f"{day:%d/%m/%Y} já é feriado municipal ({existing.name}).",
            field="date",
            code=CommonCode.DUPLICATE,
        )
    holiday: Holiday = Holiday.objects.create(date=day, name=name[:120])
    audit_record(
        actor=actor,
        action="reading.holiday_create",
        target=holiday,
        after={"date": day, "name": holiday.name},
    )
    return holiday


def holiday_rename(*, actor: Actor, day: dt.date, name: str) -> Holiday:
    """Rename a municipal holiday; runs inside the caller's transaction."""
    holiday: Holiday = Holiday.objects.select_for_update().get(date=day)
    before = holiday.name
    holiday.name = name.strip()[:120]
    holiday.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="reading.holiday_change",
        target=holiday,
        before={"date": day, "name": before},
        after={"date": day, "name": holiday.name},
    )
    return holiday


def holiday_delete(*, actor: Actor, day: dt.date, reason: str = "") -> None:
    """Remove a municipal holiday; runs inside the caller's transaction."""
    holiday: Holiday | None = Holiday.objects.select_for_update().filter(date=day).first()
    if holiday is None:
        raise NotFound(
            f"Não há feriado municipal em {day:%d/%m/%Y}.", field="date", code=CommonCode.NOT_FOUND
        )
    pk = holiday.pk
    holiday.delete()
    audit_record(
        actor=actor,
        action="reading.holiday_remove",
        object_type="reading.holiday",
        object_id=pk,
        before={"date": day, "name": holiday.name},
        reason=reason,
    )


@transaction.atomic(durable=True)
def holiday_create(*, actor: Actor, day: dt.date, name: str) -> Holiday:
    """A municipal holiday in the utility's table. Schedules already generated keep their dates
    (adjust them on the schedule page)."""
    return holiday_add(actor=actor, day=day, name=name)


@transaction.atomic(durable=True)
def holiday_remove(*, actor: Actor, day: dt.date, reason: str = "") -> None:
    """Remove a municipal holiday from the utility's table. Schedules already generated keep their
    dates (adjust them on the schedule page)."""
    holiday_delete(actor=actor, day=day, reason=reason)


def _holiday_line(n: int, line: str) -> tuple[dt.date, str] | None:
    """One line of a holiday file, `data;nome` (DD/MM/AAAA or AAAA-MM-DD; `;` or `,`); None for a
    blank line or the header. Raises ValidationFailed naming the line."""
    text = line.strip()
    if not text:
        return None
    sep = ";" if ";" in text else ","
    raw, _, name = (part.strip() for part in text.partition(sep))
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 (a calendar day, no time)
            break
        except ValueError:
            continue
    else:
        if n == 1:  # a header line
            return None
        raise ValidationFailed(
            f"Linha {n}: data inválida “{raw}” (use DD/MM/AAAA).", field="file", code=CommonCode.INVALID
        )
    if not name:
        raise ValidationFailed(
            f"Linha {n}: informe o nome do feriado.", field="file", code=CommonCode.INVALID
        )
    return day, name


@transaction.atomic(durable=True)
def holidays_import(*, actor: Actor, text: str) -> tuple[int, int]:
    """Municipal holidays from a file, one `data;nome` a line (S12.2-01): all or nothing, a bad line
    named; a day already registered is skipped, so the same file twice adds nothing. Returns
    (added, skipped)."""
    parsed: dict[dt.date, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        row = _holiday_line(n, line)
        if row is None:
            continue
        if row[0] in parsed:
            raise ValidationFailed(
                f"Linha {n}: {row[0]:%d/%m/%Y} aparece duas vezes no arquivo.",
                field="file",
                code=CommonCode.INVALID,
            )
        parsed[row[0]] = row[1]
    if not parsed:
        raise ValidationFailed("O arquivo não tem feriados.", field="file", code=CommonCode.INVALID)
    known = set(Holiday.objects.filter(date__in=parsed).values_list("date", flat=True))
    for day in sorted(set(parsed) - known):
        holiday_add(actor=actor, day=day, name=parsed[day])
    return len(parsed) - len(known), len(known)


def holiday_alert(today: dt.date) -> str:
    """A warning when the municipal table stops before the schedule does (S12.2-01): the months past
    the last registered holiday are scheduled without the city's holidays. Blank when none is due."""
    last_schedule = (
        ReadingSchedule.objects.order_by("-reading_end").values_list("reading_end", flat=True).first()
    )
    last_holiday = Holiday.objects.order_by("-date").values_list("date", flat=True).first()
    horizon = max(filter(None, [last_schedule, today.replace(month=12, day=31)]))
    if last_holiday is not None and last_holiday.year >= horizon.year:
        return ""
    if last_holiday is None:
        return (
            f"Nenhum feriado municipal cadastrado: cadastre ou importe os feriados até {horizon:%Y} antes "
            "de gerar o cronograma."
        )
    return (
        f"O último feriado municipal cadastrado é de {last_holiday:%d/%m/%Y}, e o cronograma vai até "
        f"{horizon:%d/%m/%Y}: cadastre ou importe os feriados de {last_holiday.year + 1} a {horizon:%Y}."
    )


# the occurrences whose photo the reader must take before the reading is accepted (ADR 0200)
DEFAULT_PHOTO_REQUIRED = frozenset({"11", "30"})


def occurrences_seed() -> None:
    """The usual occurrence table, for a new utility; idempotent. Runs inside the caller's transaction
    (the tenant's seeding)."""
    for code, description, action, review in DEFAULT_OCCURRENCES:
        Occurrence.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "action": action,
                "review": review,
                "photo_required": code in DEFAULT_PHOTO_REQUIRED,
            },
        )


@dataclass
class ReadingInput:
    account_number: str
    reference: YearMonth
    read_on: dt.date
    value: int | None
    occurrence: str = ""
    # from a device's sync (S12.4-02): which device, the instant on its clock and where
    device_code: str = ""
    read_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@transaction.atomic(durable=True)
def reading_register(*, actor: Actor, data: ReadingInput, source: str = "api") -> Reading:
    """Record one month's reading and the consumption it determines. Refused: a date outside the
    group's reading window, a second different reading for the month, a reading below the previous one
    without turnover or swap. An identical resubmission returns the stored row (batches re-sent)."""
    return _register(actor=actor, data=data, source=source)


def reading_register_in(
    *, actor: Actor, data: ReadingInput, source: str, lookups: Lookups | None = None
) -> Reading:
    """reading_register's work. Runs inside the caller's transaction (the register's own, the
    review's that replaces a reading, or a device sync's, whose `BatchLookups` read what every
    reading of the upload needs once and stage the new rows, ADR 0231)."""
    return _register(actor=actor, data=data, source=source, lookups=lookups)


def _register(*, actor: Actor, data: ReadingInput, source: str, lookups: Lookups | None = None) -> Reading:
    """reading_register's work; runs inside the caller's transaction (the register's own, or the
    review's that replaces a reading)."""
    look = lookups or Lookups()
    prop = look.property(data.account_number)
    reference = data.reference.first_day()
    if prop.billing_group_id is None:
        raise ValidationFailed(
            f"O imóvel {prop.account_number} não tem grupo de faturamento.",
            field="account_number",
            code=ErrorCode.NO_BILLING_GROUP,
        )
    schedule = look.schedule(prop.billing_group_id, reference)
    if schedule is None:
        raise ValidationFailed(
            f"Não há cronograma de leitura do grupo do imóvel para {data.reference.label}.",
            field="reference",
            code=ErrorCode.NO_SCHEDULE,
        )
    if not schedule.reading_start <= data.read_on <= schedule.reading_end:
        raise ValidationFailed(
            f"Leitura em {data.read_on:%d/%m/%Y} fora do cronograma do grupo para {data.reference.label} "
            f"({schedule.reading_start:%d/%m/%Y} a {schedule.reading_end:%d/%m/%Y}).",
            field="read_on",
            code=ErrorCode.READING_OUTSIDE_SCHEDULE,
        )
    occurrence = None
    if data.occurrence:
        occurrence = look.occurrence(data.occurrence)
        if occurrence is None:
            raise ValidationFailed(
                f"Ocorrência {data.occurrence} não cadastrada.",
                field="occurrence",
                code=ErrorCode.UNKNOWN_OCCURRENCE,
            )
    existing = look.existing(prop.pk, reference)
    if existing is not None:
        same = (existing.value, existing.occurrence_id, existing.read_on) == (
            data.value,
            occurrence.pk if occurrence else None,
            data.read_on,
        )
        if same:
            return existing
        raise Conflict(
            f"O imóvel {prop.account_number} já tem leitura para {data.reference.label}.",
            field="account_number",
            code=ErrorCode.READING_EXISTS,
        )
    installation = look.installation(prop.pk, data.read_on)
    if installation is None:
        raise ValidationFailed(
            f"O imóvel {prop.account_number} não tem hidrômetro instalado: ligação sem medição é faturada "
            "por consumo fixo, sem leitura.",
            field="account_number",
            code=ErrorCode.UNMETERED,
        )
    if data.value is None and occurrence is None:
        raise ValidationFailed("Informe a leitura ou uma ocorrência.", field="value", code=CommonCode.INVALID)
    last = look.last(prop.pk, reference)
    dials = installation.meter.dials
    reading: MeterReading | None = None
    swap: MeterSwap | None = None
    if last is not None and last.installation_id not in (None, installation.pk):
        old = last.installation
        assert old is not None
        swap = MeterSwap(
            old_previous=last.value or 0,
            old_final=old.final_reading if old.final_reading is not None else last.value or 0,
            old_digits=old.meter.dials,
            new_initial=installation.initial_reading,
            new_current=data.value,
            new_digits=dials,
        )
        previous = installation.initial_reading
    else:
        previous = last.value if last is not None and last.value is not None else installation.initial_reading
        reading = MeterReading(previous=previous, current=data.value, digits=dials)
    rule = (
        OccurrenceRule(
            occurrence.code, occurrence.description, OccurrenceAction(occurrence.action), occurrence.review
        )
        if occurrence
        else None
    )
    result = determine_consumption(
        ConsumptionInput(
            reference=data.reference,
            reading=reading,
            swap=swap,
            occurrence=rule,
            history=look.history(prop.pk, reference),
        ),
        look.policy(reference),
    )
    row = Reading(
        property=prop,
        reference=reference,
        read_on=data.read_on,
        previous_value=previous,
        value=data.value,
        occurrence=occurrence,
        installation=installation,
        consumption_kind=result.kind.value,
        consumption_m3=result.volume_m3,
        average_m3=None if result.average_m3 is None else result.average_m3.quantize(Decimal("0.01")),
        flags=sorted(f.value for f in result.flags),
        review=ReviewStatus.PENDING if result.needs_review else ReviewStatus.NONE,
        source=source,
        actor=actor.get_username(),
        device_code=data.device_code,
        read_at=data.read_at,
        latitude=data.latitude,
        longitude=data.longitude,
    )
    look.save(row)
    audit_record(
        actor=actor,
        action="reading.register",
        target=row,
        after={
            "property": prop.account_number,
            "reference": str(data.reference),
            "value": data.value,
            "consumption_m3": result.volume_m3,
            "flags": row.flags,
        },
    )
    if occurrence is not None:
        events.announce(
            events.READING_OCCURRENCE,
            source=f"reading.occurrence:{row.pk}",
            property_id=prop.pk,
            occurrence=occurrence.code,
        )
    if row.review == ReviewStatus.PENDING:
        events.announce(events.CONSUMPTION_REVIEW, source=f"reading.review:{row.pk}", property_id=prop.pk)
    return row


def _keep_revision(*, actor: Actor, reading: Reading, reason: str) -> ReadingRevision:
    """Store `reading` as it stands as its next revision before it is replaced; runs inside the
    caller's transaction, which holds the reading's row."""
    last = (
        ReadingRevision.objects.filter(property_id=reading.property_id, reference=reading.reference)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    revision: ReadingRevision = ReadingRevision.objects.create(
        property_id=reading.property_id,
        reference=reading.reference,
        revision=(last or 0) + 1,
        read_on=reading.read_on,
        value=reading.value,
        occurrence_code=reading.occurrence.code if reading.occurrence else "",
        consumption_kind=reading.consumption_kind,
        consumption_m3=reading.consumption_m3,
        flags=list(reading.flags),
        source=reading.source,
        recorded_by=reading.actor,
        recorded_at=reading.created_at,
        replaced_by=actor.get_username(),
        reason=reason,
    )
    return revision


def reading_replace_in(
    *,
    actor: Actor,
    reading: Reading,
    data: ReadingInput,
    source: str,
    reason: str,
    lookups: Lookups | None = None,
) -> Reading:
    """A reading in review replaced by a new one from the field (a re-reading, 3.2.4.6): the old one
    is kept as a revision, never lost. Runs inside the caller's transaction, which holds the row."""
    _keep_revision(actor=actor, reading=reading, reason=reason)
    reading.delete()
    if lookups is not None:
        lookups.forget(reading)
    return _register(actor=actor, data=data, source=source, lookups=lookups)


@transaction.atomic(durable=True)
def reading_review(*, actor: Actor, reading: Reading, value: int | None = None, reason: str = "") -> Reading:
    """Accept a flagged reading, or correct its value (the consumption is determined again); a
    corrected reading is kept as a revision, never lost."""
    reading = (
        Reading.objects.select_for_update(of=("self",))
        .select_related("property", "occurrence")
        .get(pk=reading.pk)
    )
    if reading.review != ReviewStatus.PENDING:
        raise Conflict("Esta leitura não está em análise.", code=ErrorCode.NOT_IN_REVIEW)
    before = {"value": reading.value, "consumption_m3": reading.consumption_m3}
    if value is not None and value != reading.value:
        data = ReadingInput(
            reading.property.account_number,
            YearMonth.of(reading.reference),
            reading.read_on,
            value,
            reading.occurrence.code if reading.occurrence else "",
        )
        _keep_revision(actor=actor, reading=reading, reason=reason)
        reading.delete()
        reading = _register(actor=actor, data=data, source="staff")
    Reading.objects.filter(pk=reading.pk).update(review=ReviewStatus.ACCEPTED)
    reading.review = ReviewStatus.ACCEPTED
    audit_record(
        actor=actor,
        action="reading.review",
        target=reading,
        before=before,
        after={"value": reading.value, "consumption_m3": reading.consumption_m3},
        reason=reason,
    )
    return reading


@dataclass
class FileReport:
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def readings_import(*, actor: Actor, text: str) -> FileReport:
    """A collector's return file: `account_number;reference;read_on;value;occurrence` per line. Each
    line stands alone (a bad line is reported, the others are stored); re-sending a file adds nothing."""
    report = FileReport()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if rows and rows[0] and rows[0][0].strip().lower() == "account_number":
        rows = rows[1:]
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            cells = [*cells, "", "", "", "", ""][:5]
            account, ref, read_on, value, occurrence = (c.strip() for c in cells)
            data = ReadingInput(
                account,
                YearMonth.parse(ref),
                dt.date.fromisoformat(read_on),
                int(value) if value else None,
                occurrence,
            )
            before = Reading.objects.filter(
                property__account_number=account, reference=data.reference.first_day()
            ).exists()
            reading_register(actor=actor, data=data, source="file")
            if before:
                report.unchanged += 1
            else:
                report.created += 1
        except (ValidationFailed, NotFound, Conflict) as exc:
            report.errors.append({"line": number, "code": exc.code, "detail": exc.message})
        except ValueError as exc:
            report.errors.append({"line": number, "code": CommonCode.INVALID, "detail": str(exc)})
    return report


def reading_correct_billed_in(
    *, actor: Actor, property_id: int, reference: dt.date, value: int, reason: str
) -> Reading | None:
    """Runs inside the caller's transaction (rebill's). The month's reading changed after billing
    (seed 001 3.2.7.13.4): the old one kept as a revision, the value and the measured consumption set,
    and the next month's reading, when there is one, measured again from it (its previous reading is
    this value). None when the month has no reading."""
    reading: Reading | None = (
        Reading.objects.select_for_update(of=("self",))
        .select_related("occurrence")
        .filter(property_id=property_id, reference=reference)
        .first()
    )
    if reading is None:
        return None
    _keep_revision(actor=actor, reading=reading, reason=reason)
    before = {"value": reading.value, "consumption_m3": reading.consumption_m3}
    previous = reading.previous_value or 0
    reading.value = value
    reading.consumption_m3 = max(value - previous, 0)
    reading.save(update_fields=["value", "consumption_m3"])
    later: Reading | None = (
        Reading.objects.select_for_update(of=("self",))
        .select_related("occurrence")
        .filter(property_id=property_id, reference__gt=reference)
        .order_by("reference")
        .first()
    )
    if later is not None and later.value is not None and later.value >= value:
        _keep_revision(actor=actor, reading=later, reason=reason)
        later.previous_value = value
        later.consumption_m3 = later.value - value
        later.save(update_fields=["previous_value", "consumption_m3"])
    audit_record(
        actor=actor,
        action="reading.correct_billed",
        target=reading,
        before=before,
        after={"value": value, "consumption_m3": reading.consumption_m3, "next": later.pk if later else None},
        reason=reason,
    )
    return reading

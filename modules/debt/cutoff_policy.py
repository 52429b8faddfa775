"""The utility's cut-off policy: the version in force on a day (defaults on a fresh utility), the cut
calendar (the utility's holidays, plus Carnaval and Corpus Christi when the policy observes them),
the earliest legal cut day after a notice, and the one write that saves a version (PUT: the fields
not sent keep the values in force). A version that allows what Lei 14.015/2020 forbids is refused
naming the field, and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import holidays as holiday_calendars
from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.domain.calendar import Holidays
from modules.common.errors import ValidationFailed
from modules.reading.services import holidays_between

from .domain.cutoff import (
    CUT_LEVELS,
    FEDERAL_FORBIDDEN_WEEKDAYS,
    CutoffRules,
    earliest_cut_date,
    rule_problems,
    search_window,
)
from .errors import ErrorCode
from .ladder import STEP_CODES
from .models_cutoff import CutoffPolicy

# the optional holidays (pontos facultativos) a policy may observe, by the `holidays` package's names
OPTIONAL_NAMES = ("Carnival", "Corpus Christi")
BOOLS = (
    "forbid_holiday_eve",
    "observe_optional_holidays",
    "allow_multiple_pending",
    "notify_already_cut",
    "print_barcode",
    "notices_with_reading_batch",
)
COUNTS: dict[str, tuple[int, int]] = {
    "notice_days": (0, 365),
    "min_overdue_bills": (1, 120),
    "min_days_overdue": (0, 3650),
    "reminder_days_overdue": (0, 3650),
    "max_orders_per_day": (0, 100000),
    "second_level_after_days": (1, 365),
    "reconnection_hours": (1, 720),
}
MONEY = ("min_debt", "notice_fee", "min_notice_amount")
TEXTS = ("notice_message", "order_message")
FIELDS = (
    *COUNTS,
    *BOOLS,
    *MONEY,
    *TEXTS,
    "forbidden_weekdays",
    "business_hours",
    "protected_categories",
    "order_priority",
    "daily_steps",
    "level_windows",
)


def policy_in_force(on: dt.date) -> CutoffPolicy:
    """The version in force on `on`, or the defaults (unsaved) while the utility has saved none."""
    row: CutoffPolicy | None = (
        CutoffPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if row is not None:
        return row
    return CutoffPolicy(
        effective_from=dt.date.min,
        forbidden_weekdays=sorted(FEDERAL_FORBIDDEN_WEEKDAYS),
        business_start=dt.time(8, 0),
        business_end=dt.time(17, 0),
        min_debt=Decimal("0.01"),
        notice_fee=Decimal("0.00"),
        min_notice_amount=Decimal("0.01"),
    )


def rules_of(policy: CutoffPolicy) -> CutoffRules:
    return CutoffRules(
        notice_days=policy.notice_days,
        forbidden_weekdays=frozenset(int(d) for d in policy.forbidden_weekdays),
        forbid_holiday_eve=policy.forbid_holiday_eve,
        business_start=_time(policy.business_start),
        business_end=_time(policy.business_end),
    )


def _time(value: Any) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def cut_calendar(start: dt.date, end: dt.date, policy: CutoffPolicy) -> Holidays:
    """The days no cut starts on for the holiday rule: national, state and municipal holidays (the
    utility's calendar), and Carnaval and Corpus Christi when the policy observes them."""
    days = set(holidays_between(start, end))
    if policy.observe_optional_holidays:
        optional = holiday_calendars.country_holidays(
            "BR", years=range(start.year, end.year + 1), categories=("optional",)
        )
        days |= {d for d, name in optional.items() if start <= d <= end and name in OPTIONAL_NAMES}
    return frozenset(days)


def earliest_cut_on(delivered_on: dt.date, policy: CutoffPolicy | None = None) -> dt.date:
    """The first day at least `notice_days` after the notice's delivery on which the policy in force
    on that day and the utility's calendar let a cut start."""
    policy = policy or policy_in_force(delivered_on)
    rules = rules_of(policy)
    start, end = search_window(delivered_on, rules)
    return earliest_cut_date(delivered_on, rules, cut_calendar(start - dt.timedelta(days=1), end, policy))


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, field=field, code=ErrorCode.INVALID)


def _hhmm(raw: Any, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(raw))
    except ValueError:
        raise _invalid("Informe o horário como HH:MM (ex.: 08:00).", field) from None


def policy_values(values: dict[str, Any], base: CutoffPolicy) -> dict[str, Any]:
    """The version's fields: those sent, checked and normalized, and the rest from `base`. Raises
    ValidationFailed naming the first bad field (the federal law's reasons included). No writes."""
    unknown = sorted(set(values) - set(FIELDS) - {"effective_from"})
    if unknown:
        raise _invalid(f"Campo desconhecido: {unknown[0]}.", unknown[0])
    out: dict[str, Any] = {}
    for name, (low, high) in COUNTS.items():
        raw = values.get(name, getattr(base, name))
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | str)
            or not str(raw).strip().lstrip("-").isdigit()
        ):
            raise _invalid("Informe um número inteiro.", name)
        number = int(raw)
        if not low <= number <= high and name != "notice_days":
            raise _invalid(f"Informe um número entre {low} e {high}.", name)
        out[name] = number
    for name in BOOLS:
        raw = values.get(name, getattr(base, name))
        if not isinstance(raw, bool):
            raise _invalid("Informe verdadeiro ou falso.", name)
        out[name] = raw
    for name in MONEY:
        try:
            amount = Decimal(str(values.get(name, getattr(base, name))))
        except InvalidOperation:
            raise _invalid("Informe um valor em reais (ponto decimal).", name) from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise _invalid("Informe um valor em reais, não negativo, com até 2 casas decimais.", name)
        out[name] = amount
    for name in TEXTS:
        out[name] = str(values.get(name, getattr(base, name)) or "").strip()[:1000]
    days = values.get("forbidden_weekdays", base.forbidden_weekdays)
    if not isinstance(days, list) or any(isinstance(d, bool) or not isinstance(d, int) for d in days):
        raise _invalid(
            "Informe os dias da semana como números (0 = segunda-feira … 6 = domingo).", "forbidden_weekdays"
        )
    out["forbidden_weekdays"] = sorted(set(days))
    hours = values.get(
        "business_hours", [f"{_time(base.business_start):%H:%M}", f"{_time(base.business_end):%H:%M}"]
    )
    if not isinstance(hours, list) or len(hours) != 2:
        raise _invalid(
            'Informe o horário comercial como [início, fim] (ex.: ["08:00", "17:00"]).', "business_hours"
        )
    out["business_start"], out["business_end"] = (
        _hhmm(hours[0], "business_hours"),
        _hhmm(hours[1], "business_hours"),
    )
    categories = values.get("protected_categories", base.protected_categories)
    if not isinstance(categories, list) or any(not isinstance(c, str) for c in categories):
        raise _invalid(
            "Informe os códigos das categorias protegidas (lista de textos).", "protected_categories"
        )
    out["protected_categories"] = sorted({c.strip() for c in categories if c.strip()})
    priority = values.get("order_priority", base.order_priority)
    if priority not in CutoffPolicy.Priority.values:
        raise _invalid("Prioridade desconhecida: use location, notice_due ou amount.", "order_priority")
    out["order_priority"] = priority
    steps = values.get("daily_steps", base.daily_steps)
    if not isinstance(steps, list) or any(s not in STEP_CODES for s in steps):
        raise _invalid(f"Etapas diárias: use códigos entre {', '.join(STEP_CODES)}.", "daily_steps")
    out["daily_steps"] = [c for c in STEP_CODES if c in steps]
    out["level_windows"] = _level_windows(values.get("level_windows", base.level_windows))
    for problem in rule_problems(
        CutoffRules(
            notice_days=out["notice_days"],
            forbidden_weekdays=frozenset(out["forbidden_weekdays"]),
            forbid_holiday_eve=out["forbid_holiday_eve"],
            business_start=out["business_start"],
            business_end=out["business_end"],
        )
    ):
        raise _invalid(problem.message, problem.field)
    return out


def _level_windows(raw: Any) -> dict[str, Any]:
    """3.2.9.12.6: {level: {"weekdays": [0..6], "hours": ["HH:MM", "HH:MM"]}} for the levels of
    CUT_LEVELS, each part optional; an empty window is dropped."""
    field = "level_windows"
    if not isinstance(raw, dict) or any(k not in CUT_LEVELS for k in raw):
        raise _invalid(f"Janelas por nível: use os níveis {', '.join(CUT_LEVELS)}.", field)
    out: dict[str, Any] = {}
    for level, window in raw.items():
        where = f"{field}.{level}"
        if not isinstance(window, dict) or set(window) - {"weekdays", "hours"}:
            raise _invalid('Informe {"weekdays": [...], "hours": ["HH:MM", "HH:MM"]}.', where)
        days = window.get("weekdays") or []
        if not isinstance(days, list) or any(
            isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days
        ):
            raise _invalid("Dias da semana de 0 (segunda-feira) a 6 (domingo).", f"{where}.weekdays")
        hours = window.get("hours") or []
        clean: dict[str, Any] = {}
        if days:
            clean["weekdays"] = sorted(set(days))
        if hours:
            if not isinstance(hours, list) or len(hours) != 2:
                raise _invalid('Informe o horário como ["HH:MM", "HH:MM"].', f"{where}.hours")
            start, end = _hhmm(hours[0], f"{where}.hours"), _hhmm(hours[1], f"{where}.hours")
            if not start < end:
                raise _invalid("O início do horário deve ser antes do fim.", f"{where}.hours")
            clean["hours"] = [f"{start:%H:%M}", f"{end:%H:%M}"]
        if clean:
            out[level] = clean
    return out


def policy_export(policy: CutoffPolicy) -> dict[str, Any]:
    return {
        "effective_from": None if policy.pk is None else policy.effective_from.isoformat(),
        **{name: getattr(policy, name) for name in (*COUNTS, *BOOLS, *TEXTS)},
        **{name: str(getattr(policy, name)) for name in MONEY},
        "forbidden_weekdays": sorted(int(d) for d in policy.forbidden_weekdays),
        "business_hours": [f"{_time(policy.business_start):%H:%M}", f"{_time(policy.business_end):%H:%M}"],
        "protected_categories": list(policy.protected_categories),
        "order_priority": policy.order_priority,
        "daily_steps": list(policy.daily_steps),
        "level_windows": dict(policy.level_windows or {}),
    }


@transaction.atomic(durable=True)
def cutoff_policy_put(
    *, actor: Actor, values: dict[str, Any], today: dt.date, effective_from: dt.date | None = None
) -> CutoffPolicy:
    """Saves the version from `effective_from` (today when not given; never a past day: a version
    that was in force is history). The same day again edits that version in place; audited."""
    start = effective_from or today
    if start < today:
        raise _invalid("A vigência não pode começar antes de hoje.", "effective_from")
    base = policy_in_force(start)
    clean = policy_values(values, base)
    row: CutoffPolicy | None = CutoffPolicy.objects.select_for_update().filter(effective_from=start).first()
    before = snapshot(row, list(clean)) if row is not None else None
    if row is None:
        row = CutoffPolicy(effective_from=start, created_by=actor.get_username())
    for name, value in clean.items():
        setattr(row, name, value)
    row.full_clean(exclude=["created_by"])
    row.save()
    audit_record(
        actor=actor,
        action="debt.cutoff_policy_update" if before else "debt.cutoff_policy_create",
        target=row,
        before=before,
        after=snapshot(row, list(clean)),
    )
    return row

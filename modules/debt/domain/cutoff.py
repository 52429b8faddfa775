"""When a cut for non-payment may start (Lei 14.015/2020, amending Leis 13.460/2017 and 8.987/1995).

The federal floor every utility's policy must keep:

- the customer is told beforehand that the service will be cut **and the day from which** it will be
  (a notice with its days: `notice_days` ≥ 1);
- the cut happens in business hours (`business_hours`, a window inside the working day);
- a cut may not start on a Friday, Saturday or Sunday, on a holiday or on the day before a holiday
  (national, state and municipal: the utility's calendar, a parameter here);
- without that prior notice no reconnection fee may be charged (`reconnection_fee_due`).

A municipality adds more (Thursdays, optional holidays such as Carnaval and Corpus Christi): more
forbidden weekdays and the `observe_optional_holidays` flag widen the rule, never narrow it. Pure
functions: the holidays, the policy and the dates come in; no clock, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from modules.common.domain.calendar import Holidays

ONE_DAY = dt.timedelta(days=1)
# Lei 14.015/2020: Friday, Saturday and Sunday (0 = Monday)
FEDERAL_FORBIDDEN_WEEKDAYS = frozenset({4, 5, 6})
WEEKDAY_NAMES = (
    "segunda-feira",
    "terça-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
    "sábado",
    "domingo",
)
# a notice that names a cut day more than a year away is a typing mistake
MAX_NOTICE_DAYS = 365
# the search for an allowed day stops here: a policy that forbids every day is refused before
SEARCH_DAYS = 400


@dataclass(frozen=True)
class CutoffRules:
    notice_days: int = 15
    forbidden_weekdays: frozenset[int] = field(default=FEDERAL_FORBIDDEN_WEEKDAYS)
    forbid_holiday_eve: bool = True
    business_start: dt.time = dt.time(8, 0)
    business_end: dt.time = dt.time(17, 0)


@dataclass(frozen=True)
class RuleProblem:
    field: str
    message: str


def rule_problems(rules: CutoffRules) -> list[RuleProblem]:
    """What in the policy the federal law (or plain sense) forbids, each naming its field, in pt-BR."""
    problems: list[RuleProblem] = []
    if rules.notice_days < 1:
        problems.append(
            RuleProblem(
                "notice_days",
                "O corte por falta de pagamento exige aviso prévio com a data a partir da qual será "
                "feito (Lei 14.015/2020): o prazo do aviso deve ser de ao menos 1 dia.",
            )
        )
    elif rules.notice_days > MAX_NOTICE_DAYS:
        problems.append(
            RuleProblem("notice_days", f"O prazo do aviso não pode passar de {MAX_NOTICE_DAYS} dias.")
        )
    bad = sorted(d for d in rules.forbidden_weekdays if not 0 <= d <= 6)
    if bad:
        problems.append(
            RuleProblem(
                "forbidden_weekdays", f"Dia da semana inválido: {bad[0]} (0 = segunda-feira … 6 = domingo)."
            )
        )
    missing = sorted(FEDERAL_FORBIDDEN_WEEKDAYS - rules.forbidden_weekdays)
    if missing:
        names = ", ".join(WEEKDAY_NAMES[d] for d in missing)
        problems.append(
            RuleProblem(
                "forbidden_weekdays",
                f"A Lei 14.015/2020 proíbe iniciar o corte na sexta-feira, no sábado e no domingo: "
                f"a política permite {names}.",
            )
        )
    elif not bad and len(rules.forbidden_weekdays) >= 7:
        problems.append(
            RuleProblem(
                "forbidden_weekdays",
                "A política proíbe todos os dias da semana: nenhum corte seria possível.",
            )
        )
    if not rules.forbid_holiday_eve:
        problems.append(
            RuleProblem(
                "forbid_holiday_eve",
                "A Lei 14.015/2020 proíbe iniciar o corte na véspera de feriado: a opção deve ficar marcada.",
            )
        )
    if rules.business_start >= rules.business_end:
        problems.append(
            RuleProblem(
                "business_hours", "O horário comercial deve começar antes de terminar (ex.: 08:00 a 17:00)."
            )
        )
    elif rules.business_start < dt.time(6, 0) or rules.business_end > dt.time(20, 0):
        problems.append(
            RuleProblem(
                "business_hours",
                "O corte ocorre em horário comercial (Lei 14.015/2020): "
                "a janela deve ficar entre 06:00 e 20:00.",
            )
        )
    return problems


def cut_day_problem(day: dt.date, rules: CutoffRules, holidays: Holidays) -> str | None:
    """Why a cut may not start on `day` (pt-BR), or None when it may."""
    if day.weekday() in rules.forbidden_weekdays:
        return f"Corte não pode começar em {WEEKDAY_NAMES[day.weekday()]}."
    if day in holidays:
        return "Corte não pode começar em feriado."
    if rules.forbid_holiday_eve and day + ONE_DAY in holidays:
        return "Corte não pode começar na véspera de feriado."
    return None


def earliest_cut_date(delivered_on: dt.date, rules: CutoffRules, holidays: Holidays) -> dt.date:
    """The first day at least `notice_days` after the notice was delivered on which a cut may start.
    `holidays` must cover the search window (delivered_on .. + notice_days + SEARCH_DAYS + 1)."""
    day = delivered_on + dt.timedelta(days=rules.notice_days)
    for _ in range(SEARCH_DAYS):
        if cut_day_problem(day, rules, holidays) is None:
            return day
        day += ONE_DAY
    raise ValueError("no allowed cut day in the window: the policy forbids every day")


def search_window(delivered_on: dt.date, rules: CutoffRules) -> tuple[dt.date, dt.date]:
    """The dates whose holidays `earliest_cut_date` may look at."""
    start = delivered_on + dt.timedelta(days=rules.notice_days)
    return start, start + dt.timedelta(days=SEARCH_DAYS + 1)


def within_business_hours(moment: dt.time, rules: CutoffRules) -> bool:
    return rules.business_start <= moment < rules.business_end


def reconnection_fee_due(notice_delivered: bool) -> bool:
    """Lei 14.015/2020: without the prior notice no reconnection fee may be charged."""
    return notice_delivered


def weekdays(values: Iterable[int]) -> frozenset[int]:
    return frozenset(int(v) for v in values)


# 3.2.9.12.6: the cut levels whose orders debt generates, in escalation order
CUT_LEVELS = {"meter_stand": "1º nível (cavalete)", "branch": "2º nível (ramal)"}


def level_window_problem(window: dict[str, Any] | None, day: dt.date, moment: dt.time | None) -> str | None:
    """Why a cut order of a level whose generation window is `window` ({"weekdays": [...], "hours":
    ["HH:MM", "HH:MM"]}) is not generated on `day` at `moment` (None: the hour is not checked, a run
    for another day), or None when it may be. An empty window allows every day and hour."""
    if not window:
        return None
    days = window.get("weekdays")
    if days and day.weekday() not in {int(d) for d in days}:
        return "fora dos dias da semana do nível"
    hours = window.get("hours")
    if moment is not None and hours:
        start, end = (dt.time.fromisoformat(str(h)) for h in hours)
        if not start <= moment < end:
            return f"fora do horário do nível ({start:%H:%M}–{end:%H:%M})"
    return None

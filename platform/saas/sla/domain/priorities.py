"""Incident priorities (TR Tabela 1.1) and deadlines (Tabela 1.2), counted in calendar hours.

The resolution deadline includes the response time and runs on a 24×7 clock from the opening (horas
corridas): priority 1 opened on Friday at 23:00 is due on Saturday at 02:00. Priority 6 has no
fixed deadline: it is due at the time agreed with the utility (agendamento), if one was agreed.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Priority:
    level: int
    name: str
    description: str
    resolution_hours: int | None


PRIORITIES: tuple[Priority, ...] = (
    Priority(0, "Inoperante", "Ambiente inacessível com queda completa da solução/sistema.", 1),
    Priority(1, "Crítica", "Problema crítico que impacte na operação normal da solução/sistema.", 3),
    Priority(2, "Alta", "Baixa performance do ambiente, mas grande parte do sistema em funcionamento.", 12),
    Priority(3, "Relatórios", "Relatórios operacionais não acessíveis via gerador de relatórios.", 48),
    Priority(4, "Média", "Resolução de incidentes sem impacto na operação da solução/sistema.", 72),
    Priority(5, "Requisições de Serviços", "Serviços de operação mínima do ambiente.", 96),
    Priority(6, "Baixa", "Serviço agendado e/ou sem necessidade de atendimento urgente.", None),
)
BY_LEVEL: Mapping[int, Priority] = {p.level: p for p in PRIORITIES}
DEFAULT_RESOLUTION_HOURS: Mapping[str, int | None] = {str(p.level): p.resolution_hours for p in PRIORITIES}
RESPONSE_MINUTES = 15


def priority(level: int) -> Priority:
    try:
        return BY_LEVEL[level]
    except KeyError:
        raise ValueError(f"unknown priority {level}") from None


@dataclass(frozen=True)
class Deadlines:
    response_due: dt.datetime
    resolution_due: dt.datetime | None


def deadlines(
    *,
    opened_at: dt.datetime,
    level: int,
    resolution_hours: Mapping[str, int | None] = DEFAULT_RESOLUTION_HOURS,
    response_minutes: int = RESPONSE_MINUTES,
    scheduled_for: dt.datetime | None = None,
) -> Deadlines:
    priority(level)
    hours = resolution_hours.get(str(level))
    resolution_due = scheduled_for if hours is None else opened_at + dt.timedelta(hours=hours)
    return Deadlines(opened_at + dt.timedelta(minutes=response_minutes), resolution_due)


class Compliance(enum.StrEnum):
    MET = "met"
    BREACHED = "breached"
    RUNNING = "running"  # not done yet, still within the deadline
    NO_DEADLINE = "no_deadline"


def compliance(*, due: dt.datetime | None, done_at: dt.datetime | None, as_of: dt.datetime) -> Compliance:
    if due is None:
        return Compliance.NO_DEADLINE
    if done_at is not None:
        return Compliance.MET if done_at <= due else Compliance.BREACHED
    return Compliance.BREACHED if as_of > due else Compliance.RUNNING

"""The service order's life: its states and the one table of what moves it from one to another.

open → (suspended_for_approval →) pending → scheduled → in_progress ⇄ paused → executed | not_executed;
cancelled from any state that is not final. A code that needs approval opens suspended; releasing it
makes it pending. An order is closed from pending, scheduled, in_progress or paused (a field team may
report a job it was not scheduled for). Unscheduling returns a scheduled order to pending (3.2.11.16).
"""

from __future__ import annotations

from enum import StrEnum

from modules.common.errors import Conflict

from ..errors import ErrorCode


class OrderStatus(StrEnum):
    OPEN = "open"
    SUSPENDED_FOR_APPROVAL = "suspended_for_approval"
    PENDING = "pending"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    EXECUTED = "executed"
    NOT_EXECUTED = "not_executed"
    CANCELLED = "cancelled"


STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.OPEN: "Aberta",
    OrderStatus.SUSPENDED_FOR_APPROVAL: "Aguardando aprovação",
    OrderStatus.PENDING: "Pendente",
    OrderStatus.SCHEDULED: "Programada",
    OrderStatus.IN_PROGRESS: "Em execução",
    OrderStatus.PAUSED: "Pausada",
    OrderStatus.EXECUTED: "Executada",
    OrderStatus.NOT_EXECUTED: "Não executada",
    OrderStatus.CANCELLED: "Cancelada",
}

FINAL = frozenset({OrderStatus.EXECUTED, OrderStatus.NOT_EXECUTED, OrderStatus.CANCELLED})


class Action(StrEnum):
    SUSPEND = "suspend"  # on opening, when the code needs approval
    ACCEPT = "accept"  # on opening, when it does not
    RELEASE = "release"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    POSTPONE = "postpone"
    EXECUTE = "execute"
    NOT_EXECUTE = "not_execute"
    CANCEL = "cancel"


ACTION_LABELS: dict[Action, str] = {
    Action.SUSPEND: "suspender para aprovação",
    Action.ACCEPT: "aceitar",
    Action.RELEASE: "liberar",
    Action.SCHEDULE: "programar",
    Action.UNSCHEDULE: "desprogramar",
    Action.START: "iniciar a execução",
    Action.PAUSE: "pausar",
    Action.RESUME: "retomar",
    Action.POSTPONE: "prorrogar o prazo",
    Action.EXECUTE: "encerrar como executada",
    Action.NOT_EXECUTE: "encerrar como não executada",
    Action.CANCEL: "cancelar",
}

S = OrderStatus
_WORKABLE = (S.PENDING, S.SCHEDULED, S.IN_PROGRESS, S.PAUSED)

# (from, action) → to. Postponing keeps the state (it moves the deadline only).
TRANSITIONS: dict[tuple[OrderStatus, Action], OrderStatus] = {
    (S.OPEN, Action.SUSPEND): S.SUSPENDED_FOR_APPROVAL,
    (S.OPEN, Action.ACCEPT): S.PENDING,
    (S.SUSPENDED_FOR_APPROVAL, Action.RELEASE): S.PENDING,
    (S.PENDING, Action.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, Action.SCHEDULE): S.SCHEDULED,  # moved to another team or day
    (S.SCHEDULED, Action.UNSCHEDULE): S.PENDING,
    (S.SCHEDULED, Action.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.PAUSE): S.PAUSED,
    (S.PAUSED, Action.RESUME): S.IN_PROGRESS,
    **{(s, Action.POSTPONE): s for s in (S.SUSPENDED_FOR_APPROVAL, *_WORKABLE)},
    **{(s, Action.EXECUTE): S.EXECUTED for s in _WORKABLE},
    **{(s, Action.NOT_EXECUTE): S.NOT_EXECUTED for s in _WORKABLE},
    **{(s, Action.CANCEL): S.CANCELLED for s in (S.OPEN, S.SUSPENDED_FOR_APPROVAL, *_WORKABLE)},
}


def allowed_actions(status: OrderStatus) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source == status]


def next_status(status: OrderStatus, action: Action) -> OrderStatus:
    """The state `action` leads to from `status`; refuses a move the table does not have."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise Conflict(
            f"Uma ordem de serviço {STATUS_LABELS[status].lower()} não pode {ACTION_LABELS[action]}.",
            field="status",
            code=ErrorCode.TRANSITION_NOT_ALLOWED,
        )
    return target


def postponement_check(done: int, limit: int) -> None:
    """The code allows `limit` postponements (prorrogações, 3.2.11.1.15); the (limit+1)th is refused."""
    if done >= limit:
        raise Conflict(
            f"O prazo desta ordem já foi prorrogado {done} vez(es), o máximo que o código de serviço "
            f"permite ({limit}).",
            field="due_at",
            code=ErrorCode.POSTPONEMENT_LIMIT,
        )

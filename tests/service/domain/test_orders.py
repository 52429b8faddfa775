"""The service order's transition table: every allowed move, every refused one, and the limit of
postponements. No database."""

from __future__ import annotations

import pytest

from modules.common.errors import Conflict
from modules.service.domain.orders import (
    FINAL,
    TRANSITIONS,
    Action,
    OrderStatus,
    allowed_actions,
    next_status,
    postponement_check,
)
from modules.service.errors import ErrorCode

S = OrderStatus


@pytest.mark.parametrize(
    ("source", "action", "target"),
    [
        (S.OPEN, Action.ACCEPT, S.PENDING),
        (S.OPEN, Action.SUSPEND, S.SUSPENDED_FOR_APPROVAL),
        (S.SUSPENDED_FOR_APPROVAL, Action.RELEASE, S.PENDING),
        (S.PENDING, Action.SCHEDULE, S.SCHEDULED),
        (S.SCHEDULED, Action.SCHEDULE, S.SCHEDULED),
        (S.SCHEDULED, Action.UNSCHEDULE, S.PENDING),
        (S.SCHEDULED, Action.START, S.IN_PROGRESS),
        (S.IN_PROGRESS, Action.PAUSE, S.PAUSED),
        (S.PAUSED, Action.RESUME, S.IN_PROGRESS),
        (S.PENDING, Action.POSTPONE, S.PENDING),
        (S.SCHEDULED, Action.EXECUTE, S.EXECUTED),
        (S.IN_PROGRESS, Action.EXECUTE, S.EXECUTED),
        (S.PAUSED, Action.NOT_EXECUTE, S.NOT_EXECUTED),
        (S.PENDING, Action.CANCEL, S.CANCELLED),
        (S.SUSPENDED_FOR_APPROVAL, Action.CANCEL, S.CANCELLED),
    ],
)
def test_allowed_moves(source: OrderStatus, action: Action, target: OrderStatus) -> None:
    assert next_status(source, action) is target


def test_every_move_not_in_the_table_is_refused_with_a_pt_br_message() -> None:
    refused = [(s, a) for s in OrderStatus for a in Action if (s, a) not in TRANSITIONS]
    assert (S.SUSPENDED_FOR_APPROVAL, Action.SCHEDULE) in refused  # 3.2.11.12: not until released
    for source, action in refused:
        with pytest.raises(Conflict) as exc:
            next_status(source, action)
        assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
        assert "não pode" in exc.value.message


def test_a_final_order_allows_nothing() -> None:
    for status in FINAL:
        assert allowed_actions(status) == []


def test_only_non_final_states_can_be_cancelled() -> None:
    cancellable = {s for s in OrderStatus if (s, Action.CANCEL) in TRANSITIONS}
    assert cancellable == set(OrderStatus) - FINAL


def test_the_postponement_past_the_limit_is_refused() -> None:
    postponement_check(0, 2)
    postponement_check(1, 2)
    with pytest.raises(Conflict) as exc:
        postponement_check(2, 2)
    assert exc.value.code == ErrorCode.POSTPONEMENT_LIMIT
    assert "máximo" in exc.value.message

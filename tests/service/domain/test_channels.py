"""The pure rules of the attendance channels: who is called next, phone numbers to E.164, what the
IVR says, and the queue monitor's figures from an Asterisk queue_log-like fixture."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from modules.service.domain.callstats import CallFacts, queue_stats
from modules.service.domain.phones import InvalidPhone, to_e164
from modules.service.domain.speech import date_words, money_words, number_words
from modules.service.domain.tickets import Waiting, pick_next, priority_run

T0 = dt.datetime(2026, 4, 17, 12, 0, tzinfo=dt.UTC)


def w(pk: int, priority: int, minute: int) -> Waiting:
    return Waiting(pk, priority, T0 + dt.timedelta(minutes=minute), pk)


def test_higher_priority_first_then_issue_order() -> None:
    waiting = [w(1, 0, 0), w(2, 1, 5), w(3, 2, 9), w(4, 1, 2)]
    assert pick_next(waiting, [], streak=0).ticket_id == 3  # 80+ before the other priorities
    assert pick_next([x for x in waiting if x.ticket_id != 3], [], streak=0).ticket_id == 4  # oldest priority


def test_after_the_streak_of_priority_calls_a_waiting_normal_is_called() -> None:
    waiting = [w(1, 0, 0), w(2, 1, 5), w(3, 1, 6)]
    assert pick_next(waiting, [1], streak=2).ticket_id == 2
    assert pick_next(waiting, [1, 1], streak=2).ticket_id == 1  # two priorities in a row: the normal one
    assert pick_next(waiting, [0, 1, 1], streak=2).ticket_id == 2  # the normal call reset the streak
    assert pick_next(waiting, [1, 1, 1, 1], streak=0).ticket_id == 2  # strict priority never interleaves


def test_streak_needs_a_normal_waiting_and_nobody_waiting_is_none() -> None:
    assert pick_next([w(2, 1, 0)], [1, 1, 1], streak=2).ticket_id == 2
    assert pick_next([], [1], streak=2) is None
    assert priority_run([2, 1, 0, 1]) == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+55 11 98765-4321", "+5511987654321"),
        ("(11) 98765-4321", "+5511987654321"),
        ("011 98765 4321", "+5511987654321"),
        ("0 15 11 98765-4321", "+5511987654321"),
        ("98765-4321", "+5515987654321"),  # the local DDD
        ("(15) 3232-1000", "+551532321000"),
        ("5515932321000", "+5515932321000"),
    ],
)
def test_phone_to_e164(raw: str, expected: str) -> None:
    assert to_e164(raw, default_ddd="15") == expected


@pytest.mark.parametrize(
    "raw", ["", "+1 212 555 0100", "(10) 98765-4321", "11 88765-43210", "(11) 8765-43212"]
)
def test_invalid_phones(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        to_e164(raw)


def test_speech_in_words() -> None:
    assert number_words(1234) == "mil duzentos e trinta e quatro"
    assert number_words(2026) == "dois mil e vinte e seis"
    assert number_words(100) == "cem"
    assert number_words(2, feminine=True) == "duas"
    assert money_words(Decimal("123.40")) == "cento e vinte e três reais e quarenta centavos"
    assert money_words(Decimal("1.01")) == "um real e um centavo"
    assert money_words(Decimal("0.75")) == "setenta e cinco centavos"
    assert date_words(dt.date(2026, 5, 10)) == "dez de maio de dois mil e vinte e seis"
    assert date_words(dt.date(2026, 3, 1)) == "primeiro de março de dois mil e vinte e seis"


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# like an Asterisk queue_log: ENTERQUEUE → CONNECT (hold time) → COMPLETECALLER, or ABANDON
QUEUE_LOG = [
    CallFacts(at(0), at(20), at(200), False, "ana", "comercial"),
    CallFacts(at(10), at(70), at(130), False, "ana", "comercial"),
    CallFacts(at(30), at(40), at(340), False, "bruno", "comercial"),
    CallFacts(at(50), None, at(140), True, "", "comercial"),
]


def test_queue_stats_from_a_queue_log() -> None:
    stats = queue_stats(QUEUE_LOG)
    assert (stats.calls, stats.answered, stats.abandoned) == (4, 3, 1)
    assert stats.average_wait_seconds == Decimal("30.0")  # (20 + 60 + 10) / 3
    assert stats.max_wait_seconds == 90  # the abandoned caller waited 90 s
    assert stats.abandonment_percent == Decimal("25.0")
    assert [(a.agent, a.answered, a.average_wait_seconds, a.average_talk_seconds) for a in stats.agents] == [
        ("ana", 2, Decimal("40.0"), Decimal("120.0")),
        ("bruno", 1, Decimal("10.0"), Decimal("300.0")),
    ]
    assert queue_stats([]).abandonment_percent == Decimal("0.0")

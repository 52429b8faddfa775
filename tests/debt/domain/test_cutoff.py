"""The earliest legal cut day (Lei 14.015/2020) around every national holiday of 2026, and the
policy checks that refuse what the federal law forbids. No database: the holidays are a parameter."""

from __future__ import annotations

import datetime as dt

import holidays as holiday_calendars
import pytest

from modules.debt.domain.cutoff import (
    CutoffRules,
    cut_day_problem,
    earliest_cut_date,
    reconnection_fee_due,
    rule_problems,
    within_business_hours,
)

D = dt.date
NATIONAL = frozenset(holiday_calendars.country_holidays("BR", years=range(2025, 2028)))
RULES = CutoffRules()  # 15 days, no Friday/Saturday/Sunday, no holiday eve, 08:00–17:00
DAYS = dt.timedelta(days=15)


def test_the_calendar_has_the_national_holidays_this_table_is_about() -> None:
    in_2026 = sorted(d for d in NATIONAL if d.year == 2026)
    assert in_2026 == [
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 21),
        D(2026, 5, 1),
        D(2026, 9, 7),
        D(2026, 10, 12),
        D(2026, 11, 2),
        D(2026, 11, 15),
        D(2026, 11, 20),
        D(2026, 12, 25),
    ]


# (the day the 15 days end on, the first day a cut may start): one or two rows per national holiday
AROUND_NATIONAL = [
    (D(2025, 12, 31), D(2026, 1, 5)),  # Wed, eve of Confraternização (Thu) → Fri, weekend → Mon
    (D(2026, 1, 1), D(2026, 1, 5)),  # the holiday itself
    (D(2026, 4, 1), D(2026, 4, 1)),  # Wed before Good Friday's eve: allowed
    (D(2026, 4, 2), D(2026, 4, 6)),  # Thu, eve of Good Friday → Mon after Easter
    (D(2026, 4, 20), D(2026, 4, 22)),  # Mon, eve of Tiradentes (Tue) → Wed
    (D(2026, 4, 21), D(2026, 4, 22)),
    (D(2026, 4, 30), D(2026, 5, 4)),  # Thu, eve of Dia do Trabalho (Fri) → Mon
    (D(2026, 9, 4), D(2026, 9, 8)),  # Fri → weekend → Independência (Mon) → Tue
    (D(2026, 9, 7), D(2026, 9, 8)),
    (D(2026, 10, 9), D(2026, 10, 13)),  # Fri → Aparecida (Mon) → Tue
    (D(2026, 10, 12), D(2026, 10, 13)),
    (D(2026, 11, 2), D(2026, 11, 3)),  # Finados (Mon) → Tue
    (D(2026, 11, 13), D(2026, 11, 16)),  # Fri → Proclamação on Sunday → Mon (no eve: Tue 17 is no holiday)
    (D(2026, 11, 19), D(2026, 11, 23)),  # Thu, eve of Consciência Negra (Fri) → Mon
    (D(2026, 12, 24), D(2026, 12, 28)),  # Thu, eve of Natal (Fri) → Mon
    (D(2026, 12, 31), D(2027, 1, 4)),  # Thu, eve of 1 Jan 2027 (Fri) → Mon
]


@pytest.mark.parametrize(("lands_on", "expected"), AROUND_NATIONAL)
def test_earliest_cut_day_around_each_national_holiday(lands_on: dt.date, expected: dt.date) -> None:
    assert earliest_cut_date(lands_on - DAYS, RULES, NATIONAL) == expected
    assert cut_day_problem(expected, RULES, NATIONAL) is None


def test_optional_holidays_and_a_state_and_municipal_day_move_the_cut_when_in_the_calendar() -> None:
    carnival = NATIONAL | {D(2026, 2, 16), D(2026, 2, 17)}
    assert earliest_cut_date(D(2026, 2, 16) - DAYS, RULES, NATIONAL) == D(2026, 2, 16)
    assert earliest_cut_date(D(2026, 2, 16) - DAYS, RULES, carnival) == D(2026, 2, 18)
    corpus_christi = NATIONAL | {D(2026, 6, 4)}
    assert earliest_cut_date(D(2026, 6, 3) - DAYS, RULES, corpus_christi) == D(2026, 6, 8)
    sergipe = NATIONAL | {D(2026, 7, 8)}  # Emancipação Política de Sergipe (Wed)
    assert earliest_cut_date(D(2026, 7, 7) - DAYS, RULES, sergipe) == D(2026, 7, 9)
    aracaju = NATIONAL | {D(2026, 3, 17)}  # Aniversário de Aracaju (Tue)
    assert earliest_cut_date(D(2026, 3, 16) - DAYS, RULES, aracaju) == D(2026, 3, 18)


def test_a_municipality_that_also_forbids_thursdays_pushes_the_cut_to_monday() -> None:
    rules = CutoffRules(forbidden_weekdays=frozenset({3, 4, 5, 6}))
    assert earliest_cut_date(D(2026, 3, 5) - DAYS, rules, NATIONAL) == D(2026, 3, 9)
    assert cut_day_problem(D(2026, 3, 5), rules, NATIONAL) == "Corte não pode começar em quinta-feira."


def test_the_notice_days_are_calendar_days_from_delivery() -> None:
    assert earliest_cut_date(D(2026, 3, 2), CutoffRules(notice_days=30), NATIONAL) == D(2026, 4, 1)
    assert earliest_cut_date(D(2026, 3, 2), CutoffRules(notice_days=1), NATIONAL) == D(2026, 3, 3)


@pytest.mark.parametrize(
    ("rules", "field", "fragment"),
    [
        (CutoffRules(notice_days=0), "notice_days", "aviso prévio"),
        (CutoffRules(forbidden_weekdays=frozenset({5, 6})), "forbidden_weekdays", "sexta-feira"),
        (CutoffRules(forbidden_weekdays=frozenset({4, 5})), "forbidden_weekdays", "domingo"),
        (CutoffRules(forbidden_weekdays=frozenset(range(7))), "forbidden_weekdays", "todos os dias"),
        (CutoffRules(forbidden_weekdays=frozenset({4, 5, 6, 9})), "forbidden_weekdays", "inválido: 9"),
        (CutoffRules(forbid_holiday_eve=False), "forbid_holiday_eve", "véspera de feriado"),
        (CutoffRules(business_start=dt.time(17), business_end=dt.time(8)), "business_hours", "começar antes"),
        (CutoffRules(business_start=dt.time(5), business_end=dt.time(17)), "business_hours", "06:00 e 20:00"),
    ],
)
def test_a_policy_the_federal_law_forbids_is_refused_naming_the_field(
    rules: CutoffRules, field: str, fragment: str
) -> None:
    problems = rule_problems(rules)
    assert [p.field for p in problems] == [field]
    assert fragment in problems[0].message


def test_the_default_policy_is_lawful_and_cuts_only_in_business_hours() -> None:
    assert rule_problems(RULES) == []
    assert within_business_hours(dt.time(8, 0), RULES)
    assert not within_business_hours(dt.time(17, 0), RULES)
    assert not within_business_hours(dt.time(7, 59), RULES)


def test_no_reconnection_fee_without_the_prior_notice() -> None:
    assert reconnection_fee_due(notice_delivered=True) is True
    assert reconnection_fee_due(notice_delivered=False) is False

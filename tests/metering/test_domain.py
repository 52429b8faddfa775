"""Pure metering rules: status machine, validity, code ranges, event dates. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from modules.metering.domain import meters as rules


@pytest.mark.parametrize("current", [rules.STOCK, rules.INSTALLED, rules.MAINTENANCE])
@pytest.mark.parametrize("new", [rules.STOCK, rules.INSTALLED, rules.MAINTENANCE, rules.SCRAPPED])
def test_any_status_but_scrapped_moves_anywhere(current: str, new: str) -> None:
    if current == new:
        with pytest.raises(rules.MeterRuleError):
            rules.check_status_change(current, new)
    else:
        rules.check_status_change(current, new)


@pytest.mark.parametrize("new", [rules.STOCK, rules.INSTALLED, rules.MAINTENANCE])
def test_scrapped_never_returns(new: str) -> None:
    with pytest.raises(rules.MeterRuleError, match="descartado não pode voltar"):
        rules.check_status_change(rules.SCRAPPED, new)


def test_validity_is_five_years_and_leap_day_falls_back() -> None:
    assert rules.validity_end(dt.date(2020, 3, 10)) == dt.date(2025, 3, 10)
    assert rules.validity_end(dt.date(2020, 2, 29)) == dt.date(2025, 2, 28)
    # tender example S9.11-01: calibrated 2020-03-10, lead 60 days, job on 2025-01-09 -> alert
    assert rules.is_expiring(dt.date(2020, 3, 10), as_of=dt.date(2025, 1, 9), years=5, lead_days=60)
    assert not rules.is_expiring(dt.date(2020, 3, 10), as_of=dt.date(2025, 1, 8), years=5, lead_days=60)


def test_range_expansion() -> None:
    codes = rules.expand_range("A0001000", "a0001499")
    assert (len(codes), codes[0], codes[-1]) == (500, "A0001000", "A0001499")
    with pytest.raises(rules.MeterRuleError, match="mesmo prefixo"):
        rules.expand_range("A0001", "B0002")
    with pytest.raises(rules.MeterRuleError, match="menor que o início"):
        rules.expand_range("A0010", "A0001")


def test_removal_before_installation_and_in_future() -> None:
    with pytest.raises(rules.MeterRuleError) as err:
        rules.check_event_dates(
            installed_on=dt.date(2025, 5, 1), removed_on=dt.date(2025, 4, 30), today=dt.date(2025, 6, 1)
        )
    assert err.value.field == "removed_on"
    assert "anterior à instalação" in str(err.value)
    with pytest.raises(rules.MeterRuleError, match="futuro"):
        rules.check_event_dates(
            installed_on=dt.date(2025, 5, 1), removed_on=dt.date(2025, 6, 2), today=dt.date(2025, 6, 1)
        )
    with pytest.raises(rules.MeterRuleError, match="menor que a leitura de instalação"):
        rules.check_final_reading(initial=100, final=99)

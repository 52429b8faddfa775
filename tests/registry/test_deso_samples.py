"""The DESO sample of virtual_agency.md R-05: matrícula 464726.2 displayed, 4647262 stored; the
project's modulo 11 (weights 2..9 from the right) gives the sample's digit, and a wrong digit is
refused."""

from __future__ import annotations

import pytest

from modules.registry.domain.account_number import (
    InvalidAccountNumber,
    account_check_digit,
    parse_account_number,
)


def test_the_deso_matricula_check_digit() -> None:
    assert account_check_digit("464726") == 2
    assert parse_account_number("464726.2") == 464726
    assert parse_account_number("4647262") == 464726
    with pytest.raises(InvalidAccountNumber, match="dígito verificador"):
        parse_account_number("464726.3")

"""Who the bills are issued to (registry.domain.payer): one rule for the run, the PDF and the agency.
No database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from modules.registry.domain.payer import payer_relation


@dataclass(frozen=True)
class Rel:
    role: str
    start: dt.date
    end: dt.date | None = None
    name: str = ""


JAN, JUN, DEC = dt.date(2025, 1, 1), dt.date(2025, 6, 1), dt.date(2025, 12, 1)
OWNER = Rel("owner", JAN, name="dona")
TENANT = Rel("user", JUN, name="inquilino")
PAYER = Rel("bill_payer", JAN, name="responsável")


@pytest.mark.parametrize(
    ("relations", "on", "expected"),
    [
        ([OWNER], None, "dona"),
        ([OWNER, TENANT], None, "inquilino"),  # 3.2.7.21.1: during the rental the tenant pays
        ([TENANT, OWNER, PAYER], None, "responsável"),  # the one named responsible for the bill first
        ([OWNER, TENANT], dt.date(2025, 5, 31), "dona"),  # before the rental: the owner
        ([OWNER, TENANT], JUN, "inquilino"),  # the start day is the new relation's
        ([OWNER, Rel("user", JAN, JUN, "antigo")], JUN, "dona"),  # the end day is not the old one's
        ([OWNER, Rel("user", JAN, JUN, "antigo")], dt.date(2025, 5, 31), "antigo"),
        ([Rel("owner", JAN, JUN, "vendedora"), Rel("owner", JUN, None, "compradora")], DEC, "compradora"),
        ([Rel("owner", JAN, JUN, "vendedora"), Rel("owner", JUN, None, "compradora")], JAN, "vendedora"),
        ([], None, None),
        ([Rel("owner", JUN)], JAN, None),  # nobody in force
    ],
)
def test_the_payer_among_the_relations_in_force(
    relations: list[Rel], on: dt.date | None, expected: str | None
) -> None:
    chosen = payer_relation(relations, on)
    assert (chosen.name if chosen else None) == expected

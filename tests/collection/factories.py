"""Bills for collection and debt tests, built directly (billing's run is built elsewhere): a Bill with
one water item and its FEBRABAN barcode, and return files in the FEBRABAN layout."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from modules.billing.domain.febraban import build_barcode
from modules.billing.models import Bill, BillItem, BillStatus
from modules.collection.models import CollectingAgent
from tests.registry import factories as reg

_seq = itertools.count(1)


def company_code() -> str:
    """The test tenant's FEBRABAN code, or "0000" for bills of tests that never set one (these bills
    are rows for collection tests; the utility's own documents refuse without a code)."""
    code = getattr(connection.tenant, "febraban_company_code", "") or ""
    return code if len(code) == 4 and code.isdigit() else "0000"


def bill(
    prop, total: str, due: dt.date, reference: dt.date | None = None, status: str = BillStatus.RELEASED
) -> Bill:
    amount = Decimal(total)
    reference = reference or dt.date(due.year, due.month, 1) - dt.timedelta(days=1)
    reference = reference.replace(day=1)
    free = f"{prop.pk:013d}{reference:%Y%m}{next(_seq):06d}"
    code = build_barcode(amount=amount, company_code=company_code(), free_field=free)
    created = Bill.objects.create(
        property=prop,
        reference=reference,
        due_date=due,
        status=status,
        total=amount,
        barcode=code.digits,
        typeable_line=code.typeable_line,
        issued_at=timezone.now(),
    )
    BillItem.objects.create(bill=created, kind="water", description="Água", amount=amount)
    return created


def prop():
    return reg.prop(holder=reg.customer())


def agent(code: str = "237", agreement: str = "") -> CollectingAgent:
    found, _ = CollectingAgent.objects.get_or_create(
        code=code, defaults={"name": f"Banco {code}", "agreement_code": agreement, "fee_per_payment": "1.50"}
    )
    return found


def return_file(
    payments: list[tuple[str, str]],
    *,
    bank: str = "237",
    agreement: str = "CONV01",
    paid_on: dt.date = dt.date(2025, 6, 10),
    credited_on: dt.date = dt.date(2025, 6, 11),
    nsa: int = 1,
    trailer_total: str | None = None,
    trailer_count: int | None = None,
) -> bytes:
    """A FEBRABAN collection return file (layout 05) with one G record per (barcode, amount)."""
    lines = [
        "A2"
        + agreement.ljust(20)
        + "SAAE TESTE".ljust(20)
        + bank
        + "BANCO TESTE".ljust(20)
        + f"{credited_on:%Y%m%d}"
        + f"{nsa:06d}"
        + "05"
        + "CODIGO DE BARRAS".ljust(17)
        + " " * 52
    ]
    total = Decimal("0.00")
    for index, (barcode, amount) in enumerate(payments, start=1):
        cents = int(Decimal(amount) * 100)
        total += Decimal(amount)
        lines.append(
            "G"
            + "0001000000012345".ljust(20)
            + f"{paid_on:%Y%m%d}"
            + f"{credited_on:%Y%m%d}"
            + barcode
            + f"{cents:012d}"
            + "0000150"
            + f"{index:08d}"
            + "00010001"
            + "1"
            + f"AUT{index:020d}"
            + "1"
            + " " * 9
        )
    shown_total = Decimal(trailer_total) if trailer_total is not None else total
    count = trailer_count if trailer_count is not None else len(lines) + 1
    lines.append("Z" + f"{count:06d}" + f"{int(shown_total * 100):017d}" + " " * 126)
    for line in lines:
        assert len(line) == 150, (len(line), line)
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")

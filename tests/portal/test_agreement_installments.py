"""VA-16 / VA-17 as this product bills them: an agreement's installments ride on the monthly bills,
so the 2ª via of an installment is the 2ª via of the bill that carries it (PDF and typeable line,
from the agreement's page), and an overdue one is paid updated to today through the extrato."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.test import Client

from modules.billing.models import BillItem, BillStatus
from modules.common.audit import SystemActor
from modules.debt import services as debt_services
from modules.debt.models import InstallmentPolicyVersion
from tests.collection import factories as cf

from .conftest import Citizen, sign_in

ACTOR = SystemActor("testes")
TODAY = dt.date(2025, 6, 15)


def test_the_agreement_page_gives_each_billed_installment_its_second_copy_and_update(
    alpha_client: Client, citizen: Citizen, tenant_alpha: Any
) -> None:
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=6,
        standard_max_installments=6,
        min_installment=Decimal("10.00"),
    )
    far = TODAY + dt.timedelta(days=60)
    cf.bill(citizen.home, "215.29", far, dt.date(2025, 1, 1))
    cf.bill(citizen.home, "200.00", far, dt.date(2025, 2, 1))
    agreement = debt_services.agreement_create(
        actor=ACTOR, property_id=citizen.home.pk, down_payment=Decimal("41.53"), count=3, as_of=TODAY
    )
    first, second, third = agreement.installments.order_by("number")
    overdue = cf.bill(citizen.home, "90.00", dt.date(2025, 6, 10), dt.date(2025, 5, 1))
    coming = cf.bill(citizen.home, "95.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1))
    paid = cf.bill(citizen.home, "92.00", dt.date(2025, 5, 10), dt.date(2025, 4, 1), status=BillStatus.PAID)
    for bill, installment in ((overdue, first), (coming, second), (paid, third)):
        BillItem.objects.create(
            bill=bill,
            kind="installment",
            description=f"Parcela {installment.number}",
            amount=installment.amount,
            source="debt.installment",
            source_id=str(installment.pk),
        )
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        sign_in(alpha_client, citizen.home, citizen.cpf)
        base = f"/agencia/imoveis/{citizen.home.pk}"
        page = alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/").content.decode()
        assert (
            f'href="{base}/contas/{overdue.pk}/pdf/"' in page
            and f'href="{base}/contas/{coming.pk}/pdf/"' in page
        )
        assert f"{base}/contas/{paid.pk}/pdf/" not in page  # a paid installment has nothing to pay
        assert 'data-testid="installment-update-1"' in page  # overdue: updated to today
        assert 'data-testid="installment-update-2"' not in page  # not yet due: unchanged
        copy = alpha_client.get(f"{base}/contas/{overdue.pk}/pdf/")
        assert copy.status_code == 200

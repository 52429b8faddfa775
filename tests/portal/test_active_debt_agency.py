"""The agency under dívida ativa: an enrolled bill shows its book line on the bills list and on the
statement page, is not offered for the citizen's statement, and its 2ª via stays refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.collection.models import PaymentDocument
from modules.common.audit import SystemActor
from modules.debt import active_debt_selectors as reads
from modules.debt import active_debt_services as da
from tests.collection import factories as f

from .conftest import Citizen, sign_in


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def test_an_enrolled_bill_shows_its_book_line_and_its_second_copy_is_refused(
    alpha_client: Client, citizen: Citizen
) -> None:
    home = citizen.home
    old = f.bill(home, "57.30", dt.date(2025, 1, 10), dt.date(2024, 12, 1))
    recent = f.bill(home, "61.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1))
    criteria = reads.Criteria(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 60, Decimal("0.01"))
    book = da.active_debt_enrol(actor=SystemActor("tests"), criteria=criteria, as_of=dt.date(2025, 6, 15))
    assert book is not None
    sign_in(alpha_client, home, citizen.customer.cpf_cnpj)
    bills = alpha_client.get(f"/agencia/imoveis/{home.pk}/contas/").content.decode()
    assert f"Inscrita em dívida ativa (livro {book.number}, folha 1, linha 1)" in bills
    statement = alpha_client.get(f"/agencia/imoveis/{home.pk}/extrato/").content.decode()
    assert "Inscrita em dívida ativa" in statement
    # not offered: posting it issues nothing
    posted = alpha_client.post(
        f"/agencia/imoveis/{home.pk}/extrato/", {"bills": [str(old.pk)], "action": "emitir"}
    )
    assert posted.status_code == 400 and "Marque ao menos uma conta" in posted.content.decode()
    assert not PaymentDocument.objects.filter(property=home).exists()
    refused = alpha_client.get(f"/agencia/imoveis/{home.pk}/contas/{old.pk}/pdf/", follow=True)
    assert "inscrita em dívida ativa. Procure um posto de atendimento" in refused.content.decode()
    assert alpha_client.get(f"/agencia/imoveis/{home.pk}/contas/{recent.pk}/pdf/").status_code == 200

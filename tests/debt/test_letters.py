"""Collection letters (3.2.9.6): each filter narrows the fixture, and an issued letter is a payable
statement whose FEBRABAN barcode parses back to its amount and settles the chosen bills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.billing.domain.febraban import parse_barcode
from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from modules.debt.letters import LetterFilters, letter_selection, letters_issue
from modules.debt.models import CollectionEvent
from modules.registry.models import Property
from tests.collection import factories as cf
from tests.registry import factories as reg

ACTOR = SystemActor("tests")
TODAY = dt.date(2026, 4, 13)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 4, 13, 13, tzinfo=dt.UTC), tick=True):
        yield


def _unit(*bills: tuple[str, dt.date], categories: tuple[tuple[str, int], ...] = (("RES", 1),)) -> Property:
    p = reg.prop(holder=reg.customer(), categories=categories)
    for amount, due in bills:
        cf.bill(p, amount, due)
    return p


def test_each_filter_narrows_the_units_in_arrears(tenant_alpha: Any) -> None:
    one = _unit(("50.00", dt.date(2026, 3, 10)))
    three = _unit(
        ("40.00", dt.date(2026, 1, 10)), ("40.00", dt.date(2026, 2, 10)), ("40.00", dt.date(2026, 3, 10))
    )
    shop = _unit(("300.00", dt.date(2025, 11, 10)), categories=(("COM", 1),))
    _unit(("80.00", dt.date(2026, 5, 10)))  # not overdue
    ids = lambda **kw: [r.property_id for r in letter_selection(LetterFilters(**kw), TODAY)]  # noqa: E731
    assert ids() == [shop.pk, three.pk, one.pk]
    assert ids(account_number=one.account_number) == [one.pk]
    assert ids(bills_min=2) == [three.pk]
    assert ids(bills_max=1) == [shop.pk, one.pk]
    assert ids(amount_min=Decimal("100.00")) == [shop.pk, three.pk]
    assert ids(amount_max=Decimal("60.00")) == [one.pk]
    assert ids(months_in_arrears=3) == [shop.pk]  # oldest due before January
    assert ids(categories=("COM",)) == [shop.pk]
    # bills of reference February 2026 on (a bill due 10/03 is February's): both keep one bill
    assert ids(reference_from=dt.date(2026, 2, 1)) == [one.pk, three.pk]
    assert ids(reference_to=dt.date(2026, 1, 1)) == [shop.pk, three.pk]
    Property.objects.filter(pk=one.pk).update(status=Property.Status.INACTIVE)
    assert ids(property_status="inactive") == [one.pk]
    with pytest.raises(ValidationFailed) as bad:
        letter_selection(LetterFilters(amount_min=Decimal("10"), amount_max=Decimal("5")), TODAY)
    assert bad.value.field == "amount_max"


def test_an_issued_letter_carries_a_barcode_that_settles_its_bills(tenant_alpha: Any) -> None:
    p = _unit(("40.00", dt.date(2026, 2, 10)), ("40.00", dt.date(2026, 3, 10)))
    (doc,) = letters_issue(actor=ACTOR, filters=LetterFilters(account_number=p.account_number), as_of=TODAY)
    assert doc.lines.count() == 2
    assert parse_barcode(doc.barcode).amount == doc.amount >= Decimal("80.00")
    assert CollectionEvent.objects.filter(property=p, step="letter").count() == 1


def test_the_letters_page_previews_and_issues(tenant_alpha: Any) -> None:
    from modules.access.models import Profile
    from tests.conftest import TENANTS, host_client, make_user

    make_user("alpha", "gestora", "Senha-forte-123").profiles.add(Profile.objects.get(name="Gestor"))
    staff = host_client(TENANTS["alpha"])
    staff.post("/conta/entrar/", {"username": "gestora", "password": "Senha-forte-123"})
    p = _unit(("40.00", dt.date(2026, 2, 10)), ("40.00", dt.date(2026, 3, 10)))
    page = staff.get("/cobranca/cartas/", {"bills_min": "2"})
    assert page.status_code == 200 and [r.property_id for r in page.context["rows"]] == [p.pk]
    issued = staff.post("/cobranca/cartas/", {"bills_min": "2"})
    assert issued.status_code == 200 and len(issued.context["issued"]) == 1
    pdf = staff.get(f"/cobranca/documentos/{issued.context['issued'][0].pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_letters_api_previews_with_the_filters_and_issues_payable_letters(tenant_alpha: Any) -> None:
    """3.2.9.6 through the staff API: the preview narrows by the filters and writes nothing; the
    issue answers each letter's document with a barcode that parses back to its amount."""
    from modules.collection.models import PaymentDocument
    from tests.conftest import TENANTS, bearer, host_client, make_user

    make_user("alpha", "api", "Senha-forte-123", is_admin=True)
    client = host_client(TENANTS["alpha"])
    headers = bearer(client, "api", "Senha-forte-123")
    p = _unit(("40.00", dt.date(2026, 2, 10)), ("40.00", dt.date(2026, 3, 10)))
    _unit(("50.00", dt.date(2026, 3, 10)))
    shop = _unit(("300.00", dt.date(2025, 11, 10)), categories=(("COM", 1),))

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(f"/api/v1/debt/{path}", body, content_type="application/json", **headers)

    two = post("letters/preview", {"bills_min": 2})
    assert two.status_code == 200 and [r["property"] for r in two.json()["rows"]] == [p.pk]
    assert two.json()["total"] == "80.00"
    assert [r["property"] for r in post("letters/preview", {"categories": ["COM"]}).json()["rows"]] == [
        shop.pk
    ]
    bad = post("letters/preview", {"amount_min": "10", "amount_max": "5"})
    assert bad.status_code == 400 and bad.json()["field"] == "amount_max"
    assert not PaymentDocument.objects.filter(source="debt.collection_letter").exists()
    issued = post("letters", {"bills_min": 2})
    assert issued.status_code == 201 and issued.json()["count"] == 1
    letter = issued.json()["letters"][0]
    assert letter["property"] == p.pk and parse_barcode(letter["barcode"]).amount == Decimal(letter["amount"])

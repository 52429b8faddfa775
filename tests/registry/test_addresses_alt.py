"""A unit's addresses (seed 001 3.2.13.10.3): the main one is the property's own and is always one;
alternative addresses are added, changed, swapped with the main one and deactivated; the one chosen
for delivery is printed on the bill."""

from __future__ import annotations

import datetime as dt

import pytest

from modules.billing.pdf import bill_pdf_path, render_bill_html
from modules.common.audit import SystemActor
from modules.common.models import AuditEntry
from modules.registry.models import Property, PropertyAddress
from modules.registry.services.unit_addresses import address_add, address_deactivate
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as rf

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return alpha_client, bearer(alpha_client, "chefe", PASSWORD)


def _post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_add_change_and_deactivate_alternative_addresses_with_one_delivery(staff) -> None:
    client, headers = staff
    p = rf.prop(holder=rf.customer())
    url = f"/api/v1/properties/{p.pk}/addresses"
    first = _post(
        client,
        url,
        {"street_name": "Rua do Escritório", "number": "10", "city": "Campinas", "state": "sp",
         "cep": "13010-000", "delivery": True},
        headers,
    )  # fmt: skip
    second = _post(
        client,
        url,
        {"street_name": "Av. Paulista", "number": "900", "city": "São Paulo", "delivery": True},
        headers,
    )
    assert first.status_code == 201 and second.status_code == 201, (first.content, second.content)
    assert first.json()["state"] == "SP" and first.json()["cep"] == "13010000"
    listed = client.get(url, **headers).json()
    assert listed["delivery"] == second.json()["id"]  # one delivery address: the last chosen
    assert [a["delivery"] for a in listed["alternatives"]] == [False, True]
    assert listed["main"]["number"] == p.number

    changed = client.patch(
        f"{url}/{first.json()['id']}", {"number": "12"}, content_type="application/json", **headers
    )
    assert changed.status_code == 200 and changed.json()["number"] == "12"
    gone = _post(client, f"{url}/{second.json()['id']}/deactivate", {"reason": "mudou"}, headers)
    again = _post(client, f"{url}/{second.json()['id']}/deactivate", {}, headers)
    assert gone.status_code == 200 and gone.json()["active"] is False and gone.json()["delivery"] is False
    assert again.status_code == 409
    assert client.get(url, **headers).json()["delivery"] is None
    actions = set(AuditEntry.objects.filter(object_id=str(p.pk)).values_list("action", flat=True))
    assert {"registry.address_add", "registry.address_change", "registry.address_deactivate"} <= actions


def test_an_address_needs_a_street(staff) -> None:
    client, headers = staff
    p = rf.prop(holder=rf.customer())
    r = _post(client, f"/api/v1/properties/{p.pk}/addresses", {"number": "1", "city": "Campinas"}, headers)
    assert r.status_code == 400 and r.json()["field"] == "street_name"
    assert not PropertyAddress.objects.filter(property=p).exists()


def test_swap_makes_the_alternative_the_main_address_and_keeps_exactly_one_main(staff) -> None:
    client, headers = staff
    p = rf.prop(holder=rf.customer(), number="123")
    old_street = p.street_id
    other = rf.street("dos Ipês")
    hood = rf.neighbourhood("Jardim Novo")
    url = f"/api/v1/properties/{p.pk}/addresses"
    alt = _post(client, url, {"street": other.pk, "number": "45", "neighbourhood": hood.pk}, headers).json()
    away = _post(client, url, {"street_name": "Rua Longe", "city": "Curitiba"}, headers).json()

    swapped = _post(client, f"{url}/{alt['id']}/swap", {}, headers)
    refused = _post(client, f"{url}/{away['id']}/swap", {}, headers)

    assert swapped.status_code == 200, swapped.content
    p = Property.objects.get(pk=p.pk)
    assert (p.street_id, p.number, p.neighbourhood_id) == (other.pk, "45", hood.pk)
    assert "ipes 45" in p.address_search
    old_main = PropertyAddress.objects.get(pk=swapped.json()["id"])
    assert (old_main.street_id, old_main.number, old_main.active) == (old_street, "123", True)
    assert PropertyAddress.objects.get(pk=alt["id"]).active is False
    assert refused.status_code == 409 and refused.json()["code"] == "address_not_in_town"
    assert AuditEntry.objects.filter(action="registry.address_swap", object_id=str(p.pk)).count() == 1


def test_the_bill_prints_the_active_delivery_address(tenant_alpha) -> None:
    p = rf.prop(holder=rf.customer())
    bill = cf.bill(p, "88.10", dt.date(2025, 7, 10), dt.date(2025, 6, 1))
    plain_path = bill_pdf_path(bill)
    assert "Entrega:" not in render_bill_html(bill)

    address = address_add(
        actor=ACTOR, prop=p, street_name="Caixa Postal 77", city="Campinas", state="SP", delivery=True
    )
    html = render_bill_html(bill)
    assert "<b>Entrega:</b> Caixa Postal 77, S/N – Campinas/SP" in html
    assert bill_pdf_path(bill) != plain_path  # a cached PDF without the address is not served

    address_deactivate(actor=ACTOR, address=address)
    assert "Entrega:" not in render_bill_html(bill)
    assert bill_pdf_path(bill) == plain_path


def test_the_addresses_page_adds_swaps_and_shows_them(staff) -> None:
    client, _ = staff
    client.login(username="chefe", password=PASSWORD)
    p = rf.prop(holder=rf.customer())
    url = f"/cadastro/enderecos/imoveis/{p.pk}/"
    added = client.post(
        url,
        {
            "action": "add",
            "street_name": "Rua da Correspondência",
            "number": "5",
            "city": "Itu",
            "delivery": "1",
        },
        follow=True,
    ).content.decode()
    assert "Endereço alternativo cadastrado." in added and "Rua da Correspondência, 5" in added
    address = PropertyAddress.objects.get(property=p)
    assert address.delivery is True
    page = client.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert "Rua da Correspondência, 5 – Itu" in page  # the 360° page names the delivery address
    client.post(url, {"action": "deactivate", "address": address.pk, "reason": "pedido do cliente"})
    address.refresh_from_db()
    assert address.active is False

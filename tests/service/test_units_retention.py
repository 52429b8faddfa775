"""A paying body's grouped invoice with tax retention (seed 001 3.2.7.10, seed 002 S4.4-05; ADR 0221):
the document charges the net, the PDF prints each withheld tax with rate, base and value, paying the
net settles every member bill at its own total; a rate for a body without a CNPJ is refused naming
the field; bills of a tax-exempt usage plan stay out of the base (S5.3-04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from modules.billing.models import Bill
from modules.collection import services as collection
from modules.collection.models import Settlement
from modules.registry.models import Category, PropertyCategory, UsagePlan
from modules.service import units_pdf
from modules.service.models import CentralizedInvoice, PayingBody
from tests.service.test_units_bodies import A, _body_with_members, _frozen, api, page  # noqa: F401


def test_the_net_invoice_withholds_each_tax_to_the_cent_and_settles_every_bill(api, page) -> None:  # noqa: F811
    pk, bills = _body_with_members(api, page)
    PayingBody.objects.filter(pk=pk).update(
        federal_retention_percent=Decimal("4.80"), municipal_retention_percent=Decimal("2.00")
    )
    # the 67.89 bill's property is on a tax-exempt usage plan: out of the base
    exempt = UsagePlan.objects.create(
        category=Category.objects.get(code="RES"), code="ISE", name="Isento de imposto", tax_mode="exempt"
    )
    PropertyCategory.objects.filter(property_id=bills[1].property_id).update(usage_plan=exempt)
    issued = api.post(f"/api/v1/service/paying-bodies/{pk}/invoices", {"reference": "2026-04"})
    assert issued.status_code == 201, issued.content
    # gross 191.35; base 123.45 + 0.01 = 123.46; federal 4.8 % = 5.926 08 → 5.92; municipal 2 % = 2.4692
    # → 2.46; net 191.35 − 8.38 = 182.97
    assert {
        k: issued.json()[k] for k in ("gross", "retention_base", "federal_retention", "municipal_retention")
    } == {
        "gross": "191.35",
        "retention_base": "123.46",
        "federal_retention": "5.92",
        "municipal_retention": "2.46",
    }
    assert issued.json()["net"] == issued.json()["document"]["amount"] == "182.97"
    invoice = CentralizedInvoice.objects.get(pk=issued.json()["id"])
    html = units_pdf.render_html(
        "service/units/pdf/centralized.html", units_pdf.centralized_context(invoice, detailed=True)
    )
    assert "Retenção de tributos federais" in html and "5,92" in html and "2,46" in html and "182,97" in html
    assert "123,46" in html and "191,35" in html
    payment = collection.payment_register(
        actor=A, barcode=invoice.document.barcode, amount=Decimal("182.97"), paid_on=dt.date(2026, 4, 17)
    )
    assert payment.status == "applied"
    settled = dict(Settlement.objects.filter(payment=payment).values_list("bill_id", "amount"))
    assert settled == {b.pk: b.total for b in bills}
    assert set(Bill.objects.filter(pk__in=[b.pk for b in bills]).values_list("status", flat=True)) == {"paid"}


def test_a_retention_rate_for_a_body_without_a_cnpj_is_refused_naming_the_field(api, page) -> None:  # noqa: F811
    refused = api.post(
        "/api/v1/service/paying-bodies", {"name": "Associação de Bairro", "federal_retention_percent": "4.80"}
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == (
        "retention_without_cnpj",
        "federal_retention_percent",
    )
    assert not PayingBody.objects.filter(name="Associação de Bairro").exists()
    made = api.post(
        "/api/v1/service/paying-bodies",
        {"name": "Receita Federal", "cnpj": "00.394.460/0058-87", "federal_retention_percent": "4.80"},
    )
    assert made.status_code == 201 and made.json()["federal_retention_percent"] == "4.80"

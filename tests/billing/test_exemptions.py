"""Tariff exemptions (seed 001 3.2.13.10.13): an exemption of one component with a window of
reference months zeroes that component's lines on the bills of months inside the window only, shown
as exempt; an overlapping window of the same component is refused; page, API and audit."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from modules.access.models import User
from modules.billing.models import Bill, RunChunk, TariffExemption
from modules.billing.pdf import bill_pdf
from modules.billing.services import exemptions, runs
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages).split())


MAY, JUNE = YearMonth(2025, 5), YearMonth(2025, 6)


def _bill(g: Any, p: Any, month: YearMonth, value: int) -> Bill:
    f.schedule(g, month)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, month, month.day(10), value, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=month, enqueue=False, today=month.day(29))
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    return Bill.objects.get(run=run, property=p)


@pytest.mark.usefixtures("tenant_alpha")
def test_sewer_exempt_in_may_only_to_the_cent_through_runs() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    p = f.billable(g)
    exemptions.exemption_create(
        actor=f.ACTOR, property_id=p.pk, component="sewer", valid_from=MAY, valid_until=MAY, reason="Lei 123"
    )
    may = _bill(g, p, MAY, 16)
    # 16 m³ RES: water 10 × 1.07 + 5 × 1.61 + 1 × 2.33 = 21.08; sewer 9.89 + 7.44 + 2.15 exempt → 0.00
    assert may.total == Decimal("21.08")
    sewer = list(may.items.filter(kind="sewer").order_by("position"))
    assert len(sewer) == 3 and all(i.amount == Decimal("0.00") for i in sewer)
    assert all(i.description.endswith("– isento") for i in sewer)
    assert [i.amount for i in may.items.filter(kind="water").order_by("position")] == [
        Decimal("10.70"),
        Decimal("8.05"),
        Decimal("2.33"),
    ]
    printed = _text(bill_pdf(may))
    assert "Esgoto Residencial – faixa 1 (0 a 10 m³) – isento" in printed
    june = _bill(g, p, JUNE, 32)  # 16 m³ again, outside the window: billed in full
    assert june.total == Decimal("40.56")
    assert not any("isento" in i.description for i in june.items.all())


@pytest.mark.usefixtures("tenant_alpha")
def test_an_open_water_exemption_keeps_the_sewer_and_overlaps_are_refused() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    p = f.billable(g)
    exemptions.exemption_create(
        actor=f.ACTOR,
        property_id=p.pk,
        component="water",
        valid_from=MAY,
        valid_until=None,
        reason="Entidade",
    )
    may = _bill(g, p, MAY, 16)
    assert may.total == Decimal("19.48")  # the sewer, priced on the tariff's water, is still due
    for start, end in ((JUNE, None), (YearMonth(2025, 1), MAY), (YearMonth(2024, 1), None)):
        with pytest.raises(ValidationFailed) as refused:
            exemptions.exemption_create(
                actor=f.ACTOR,
                property_id=p.pk,
                component="water",
                valid_from=start,
                valid_until=end,
                reason="x",
            )
        assert (refused.value.code, refused.value.field) == ("exemption_overlaps", "valid_from")
    assert TariffExemption.objects.filter(property=p).count() == 1
    # another component, or the same one before the window, is fine
    exemptions.exemption_create(
        actor=f.ACTOR,
        property_id=p.pk,
        component="sewer",
        valid_from=MAY,
        valid_until=None,
        reason="Entidade",
    )
    exemptions.exemption_create(
        actor=f.ACTOR, property_id=p.pk, component="water", valid_from=YearMonth(2025, 1),
        valid_until=YearMonth(2025, 4), reason="Anterior",
    )  # fmt: skip
    assert TariffExemption.objects.filter(property=p).count() == 3


def test_exemptions_through_the_api_and_the_page(staff: Any) -> None:  # noqa: F811
    g = f.group()
    p = f.billable(g)
    created = staff.post(
        f"/api/v1/properties/{p.pk}/exemptions",
        {
            "component": "sewer",
            "valid_from": "2025-05",
            "valid_until": "2025-07",
            "reason": "Decreto 45/2025",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {
        "id": 0,
        "component": "sewer",
        "component_label": "Esgoto",
        "valid_from": "2025-05",
        "valid_until": "2025-07",
        "reason": "Decreto 45/2025",
        "created_by": "gestora",
    }
    overlap = staff.post(
        f"/api/v1/properties/{p.pk}/exemptions",
        {"component": "sewer", "valid_from": "2025-07", "reason": "Outro"},
    )
    assert overlap.status_code == 400
    assert (overlap.json()["code"], overlap.json()["field"]) == ("exemption_overlaps", "valid_from")
    assert "05/2025 a 07/2025" in overlap.json()["detail"]
    assert TariffExemption.objects.filter(property=p).count() == 1
    backwards = staff.post(
        f"/api/v1/properties/{p.pk}/exemptions",
        {"component": "water", "valid_from": "2025-07", "valid_until": "2025-05", "reason": "x"},
    )
    assert (backwards.status_code, backwards.json()["field"]) == (400, "valid_until")
    listed = staff.get(f"/api/v1/properties/{p.pk}/exemptions").json()["exemptions"]
    assert [e["component"] for e in listed] == ["sewer"]
    audit = AuditEntry.objects.get(action="billing.exemption_create")
    assert audit.actor == "gestora" and audit.after["reason"] == "Decreto 45/2025"
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    posted = client.post(
        f"/faturamento/imoveis/{p.pk}/isencoes/",
        {"component": "fixed", "valid_from": "2025-05", "valid_until": "", "reason": "Entidade filantrópica"},
    )
    assert posted.status_code == 302
    html = client.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert "Isenções tarifárias" in html and "Entidade filantrópica" in html and "sem fim" in html
    assert TariffExemption.objects.filter(property=p, component="fixed", valid_until__isnull=True).exists()

"""Tariffs without JSON: the form editor of a draft (bands added by a button, problems on the row they
name), the comparison with the version in force, `category_split` read and written (the Querência
rule: split equally between categories), and projections that can never be approved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from modules.billing.models import Bill, BillItem, RunChunk, Tariff, TariffStatus
from modules.billing.services import runs
from modules.billing.services.tariffs import (
    tariff_approve,
    tariff_copy,
    tariff_create,
    tariff_json,
    tariff_update,
)
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
PASSWORD = "Senha-forte-123"


@pytest.fixture
def audit(tenant_alpha: Any) -> Any:
    """The audit rows written during the test (browser tests leave committed, append-only rows)."""
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda: AuditEntry.objects.filter(id__gt=start)


def _editor_post(**overrides: Any) -> dict[str, Any]:
    """The POST of the editor with one category (RES) and the bands given."""
    bands = overrides.pop("bands", [("0", "10", "2.00"), ("11", "", "4,00")])
    data: dict[str, Any] = {
        "op": "save",
        "t-act": "Resolução 7/2026",
        "t-valid_from": "2026-01-01",
        "t-rounding": "half_up",
        "t-sewer_rounding": "per_band",
        "t-category_split": "equal",
        "cat-TOTAL_FORMS": "1",
        "cat-INITIAL_FORMS": "0",
        "cat-0-code": "RES",
        "cat-0-name": "Residencial",
        "cat-0-minimum_m3_per_unit": "10",
        "cat-0-sewer_percent": "80",
        "cat-0-special_sewer_amount": "",
        "cat-0-band-TOTAL_FORMS": str(len(bands)),
        "cat-0-band-INITIAL_FORMS": "0",
        "cat-0-fee-TOTAL_FORMS": "1",
        "cat-0-fee-INITIAL_FORMS": "0",
        "cat-0-fee-0-name": "Tarifa de disponibilidade",
        "cat-0-fee-0-amount": "4.50",
        "cat-0-fee-0-per_dwelling_unit": "on",
    }
    for i, (start, end, price) in enumerate(bands):
        data |= {
            f"cat-0-band-{i}-from_m3": start,
            f"cat-0-band-{i}-to_m3": end,
            f"cat-0-band-{i}-price": price,
        }
    return data | overrides


@pytest.fixture
def staff(alpha_client: Client) -> Client:
    alpha_client.force_login(make_user("alpha", "tarifista", PASSWORD, is_admin=True))
    return alpha_client


def test_the_json_reads_and_writes_category_split() -> None:
    tariff = tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(category_split="equal"))
    assert tariff_json(tariff)["category_split"] == "equal"
    assert tariff_json(tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json()))["category_split"] == (
        "by_dwelling_units"
    )


def test_an_unknown_category_split_is_refused_naming_the_field() -> None:
    from modules.billing.domain.tariffs import TariffInvalid

    with pytest.raises(TariffInvalid) as raised:
        tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(category_split="half"))
    assert raised.value.field == "category_split"
    assert not Tariff.objects.exists()


def test_a_mixed_property_is_billed_splitting_the_consumption_equally() -> None:
    """Seed 001 3.2.7.8.7: residential (3 economias) + commercial (1) at 30 m³ → 15 m³ each, not
    22/8 as by economias."""
    f.set_company_code("0562")
    f.approved_tariff(category_split="equal")
    g = f.group()
    f.schedule(g, MONTH)
    p = f.billable(g, (("RES", 3), ("COM", 1)))
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 30, ""))

    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)

    bill = Bill.objects.get(run=run, property=p)
    water = BillItem.objects.filter(bill=bill, kind="water")
    per_category = {c: sum(i.quantity_m3 or 0 for i in water if i.category == c) for c in ("RES", "COM")}
    assert per_category == {"RES": 15, "COM": 15}


def test_a_projection_is_never_approved_and_becomes_an_act_only_through_a_copy(audit: Any) -> None:
    projection = tariff_create(
        actor=f.ACTOR, data=f.sorocaba_tariff_json(act="Projeção +8 %"), projection=True
    )
    assert projection.status == TariffStatus.PROJECTION

    with pytest.raises(Conflict) as raised:
        tariff_approve(actor=f.ACTOR, tariff=projection, today=dt.date(2026, 1, 1))
    assert raised.value.code == "tariff_is_projection"
    projection.refresh_from_db()
    assert (projection.status, projection.approved_by) == ("projection", "")
    assert not audit().filter(action="billing.tariff_approve").exists()

    draft = tariff_copy(
        actor=f.ACTOR, source=projection, act="Resolução 9/2026", valid_from=dt.date(2026, 2, 1)
    )
    assert draft.status == TariffStatus.DRAFT
    approved = tariff_approve(actor=f.ACTOR, tariff=draft, today=dt.date(2026, 1, 1))
    assert approved.status == TariffStatus.APPROVED
    assert tariff_json(approved)["categories"] == tariff_json(projection)["categories"]
    projection.refresh_from_db()
    assert projection.status == TariffStatus.PROJECTION


def test_the_database_refuses_a_projection_marked_approved() -> None:
    projection = tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(), projection=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tariff.objects.filter(pk=projection.pk).update(approved_by="alguém")


def test_the_api_refuses_to_approve_a_projection(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "tarifista2", PASSWORD, is_admin=True))
    created = alpha_client.post(
        "/api/v1/billing/tariffs",
        f.sorocaba_tariff_json(status="projection"),
        content_type="application/json",
    )
    assert (created.status_code, created.json()["status"]) == (201, "projection")
    refused = alpha_client.post(f"/api/v1/billing/tariffs/{created.json()['id']}/approve")
    assert (refused.status_code, refused.json()["code"]) == (409, "tariff_is_projection")
    assert not Tariff.objects.filter(status=TariffStatus.APPROVED).exists()

    copied = alpha_client.post(
        f"/api/v1/billing/tariffs/{created.json()['id']}/copy",
        {"act": "Resolução 10/2026", "valid_from": "2026-03-01"},
        content_type="application/json",
    )
    assert (copied.status_code, copied.json()["status"]) == (201, "draft")
    approved = alpha_client.post(f"/api/v1/billing/tariffs/{copied.json()['id']}/approve")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")


def test_an_approved_version_is_never_edited() -> None:
    tariff = f.approved_tariff()
    with pytest.raises(Conflict) as raised:
        tariff_update(actor=f.ACTOR, tariff=tariff, data=f.sorocaba_tariff_json(act="Outro"))
    assert raised.value.code == "tariff_not_draft"
    tariff.refresh_from_db()
    assert tariff.act == "Ato 14.7"


def test_the_api_replaces_a_draft_and_refuses_a_gap_naming_the_path(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "tarifista3", PASSWORD, is_admin=True))
    draft = tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json())
    data = f.sorocaba_tariff_json(category_split="equal")
    changed = alpha_client.put(f"/api/v1/billing/tariffs/{draft.pk}", data, content_type="application/json")
    assert (changed.status_code, changed.json()["category_split"]) == (200, "equal")

    data["categories"][0]["bands"][1]["from_m3"] = 13
    refused = alpha_client.put(f"/api/v1/billing/tariffs/{draft.pk}", data, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "categories[0].bands[1].from_m3"
    assert "lacuna" in refused.json()["detail"]
    assert tariff_json(Tariff.objects.get(pk=draft.pk))["categories"][0]["bands"][1]["from_m3"] == 11


def test_the_editor_creates_a_draft_without_json(staff: Client, audit: Any) -> None:
    page = staff.get("/faturamento/tarifas/novo-rascunho/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Adicionar faixa" in html and "textarea" not in html

    saved = staff.post("/faturamento/tarifas/novo-rascunho/", _editor_post())

    tariff = Tariff.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/faturamento/tarifas/{tariff.pk}/"
    data = tariff_json(tariff)
    assert (tariff.status, data["category_split"], data["rounding"]) == ("draft", "equal", "half_up")
    assert data["categories"][0]["bands"] == [
        {"from_m3": 0, "to_m3": 10, "price": "2.00"},
        {"from_m3": 11, "to_m3": None, "price": "4.00"},
    ]
    assert data["categories"][0]["fixed_charges"] == [
        {"name": "Tarifa de disponibilidade", "amount": "4.50", "per_dwelling_unit": True}
    ]
    assert audit().filter(action="billing.tariff_create", object_id=str(tariff.pk)).exists()


def test_an_overlap_is_shown_on_its_row_and_nothing_is_written(staff: Client, audit: Any) -> None:
    response = staff.post(
        "/faturamento/tarifas/novo-rascunho/", _editor_post(bands=[("0", "10", "2.00"), ("9", "", "4.00")])
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "sobreposição de faixas" in html and "(categories[0].bands[1].from_m3)" in html
    # the message sits on the second band row, in its "De" cell
    row = html[html.index('name="cat-0-band-1-from_m3"') :]
    assert row.index("sobreposição") < row.index('name="cat-0-band-1-to_m3"')
    assert not Tariff.objects.exists()
    assert not audit().filter(action__startswith="billing.tariff").exists()


def test_adding_a_band_row_needs_no_script(staff: Client) -> None:
    response = staff.post("/faturamento/tarifas/novo-rascunho/", _editor_post(op="add_band:0"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="cat-0-band-2-from_m3"' in html and 'value="3" id="id_cat-0-band-TOTAL_FORMS"' in html
    assert not Tariff.objects.exists()

    category = staff.post("/faturamento/tarifas/novo-rascunho/", _editor_post(op="add_category"))
    assert 'name="cat-1-code"' in category.content.decode()
    assert 'name="cat-1-band-2-price"' in category.content.decode()


def test_the_editor_edits_a_draft_and_its_page_compares_it_with_the_version_in_force(
    staff: Client, audit: Any
) -> None:
    f.approved_tariff()
    draft = tariff_copy(
        actor=f.ACTOR, source=Tariff.objects.get(), act="Ato 15", valid_from=dt.date(2026, 1, 1)
    )
    page = staff.get(f"/faturamento/tarifas/{draft.pk}/editar/").content.decode()
    assert 'value="1.07"' in page and 'value="Ato 15"' in page

    data = _editor_post(**{"t-act": "Ato 15", "cat-0-code": "RES"})
    saved = staff.post(f"/faturamento/tarifas/{draft.pk}/editar/", data)
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert tariff_json(draft)["categories"][0]["bands"][0]["price"] == "2.00"
    assert audit().filter(action="billing.tariff_update", object_id=str(draft.pk)).exists()

    view = staff.get(f"/faturamento/tarifas/{draft.pk}/").content.decode()
    assert "Diferenças para a vigente (Ato 14.7" in view
    assert "faixa 1: 0 a 10 m³: R$ 1.07 → 0 a 10 m³: R$ 2.00" in view
    assert "COM</td><td>removida" in view
    assert f"/faturamento/simulador/comparar/?proposed={draft.pk}" in view
    assert "Histórico de alterações" in view and "Rascunho de tarifa alterado" in view


def test_the_list_keeps_projections_apart(staff: Client) -> None:
    f.approved_tariff()
    tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(act="Cenário +10 %"), projection=True)
    html = staff.get("/faturamento/tarifas/").content.decode()
    acts, projections = html.split("Projeções (simulações)", 1)
    assert "Ato 14.7" in acts and "Cenário +10 %" not in acts
    assert "Cenário +10 %" in projections
    page = staff.get(f"/faturamento/tarifas/{Tariff.objects.get(act='Cenário +10 %').pk}/").content.decode()
    assert "Aprovar" not in page and "Copiar para um novo rascunho" in page


def test_a_projection_posted_to_approve_on_its_page_stays_a_projection(staff: Client) -> None:
    projection = tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(), projection=True)
    response = staff.post(f"/faturamento/tarifas/{projection.pk}/", {"op": "approve"}, follow=True)
    assert "nunca entra em vigor" in response.content.decode()
    projection.refresh_from_db()
    assert projection.status == TariffStatus.PROJECTION


def test_the_money_of_a_copy_is_the_source_s() -> None:
    source = f.approved_tariff()
    copy = tariff_copy(actor=f.ACTOR, source=source, act="Cópia", valid_from=dt.date(2030, 1, 1))
    assert tariff_json(copy)["categories"] == tariff_json(source)["categories"]
    assert Decimal(tariff_json(copy)["categories"][1]["fixed_charges"][0]["amount"]) == Decimal("5.00")


def test_a_new_projection_is_written_on_the_form_and_listed_apart(staff: Client, audit: Any) -> None:
    page = staff.get("/faturamento/tarifas/novo-rascunho/?projecao=1").content.decode()
    assert "Nova projeção (simulação)" in page and "Salvar projeção" in page
    saved = staff.post("/faturamento/tarifas/novo-rascunho/?projecao=1", _editor_post())
    assert saved.status_code == 302
    assert Tariff.objects.get().status == TariffStatus.PROJECTION
    assert audit().filter(action="billing.tariff_project").exists()


def test_a_draft_is_discarded_and_an_approved_version_is_not(staff: Client, audit: Any) -> None:
    approved = f.approved_tariff()
    draft = tariff_create(
        actor=f.ACTOR, data=f.sorocaba_tariff_json(act="Descartável", valid_from="2030-01-01")
    )
    gone = staff.post(f"/faturamento/tarifas/{draft.pk}/", {"op": "discard"})
    assert gone.status_code == 302 and not Tariff.objects.filter(pk=draft.pk).exists()
    assert audit().filter(action="billing.tariff_discard", object_id=str(draft.pk)).exists()
    staff.post(f"/faturamento/tarifas/{approved.pk}/", {"op": "discard"})
    assert Tariff.objects.filter(pk=approved.pk).exists()
    assert staff.get(f"/faturamento/tarifas/{approved.pk}/editar/").status_code == 302


def test_a_profile_that_only_views_tariffs_cannot_edit_a_draft(alpha_client: Client, audit: Any) -> None:
    from modules.access.models import Profile, ProfileGrant

    profile = Profile.objects.create(name="Consulta de tarifas")
    ProfileGrant.objects.create(profile=profile, function="billing.tariffs", can_view=True)
    reader = make_user("alpha", "leitora", PASSWORD)
    reader.profiles.add(profile)
    alpha_client.force_login(reader)
    draft = tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json())

    assert alpha_client.get(f"/faturamento/tarifas/{draft.pk}/").status_code == 200
    assert alpha_client.post(f"/faturamento/tarifas/{draft.pk}/editar/", _editor_post()).status_code == 403
    alpha_client.post(f"/faturamento/tarifas/{draft.pk}/", {"op": "approve"})
    draft.refresh_from_db()
    assert (draft.status, draft.act) == ("draft", "Ato 14.7")
    assert not audit().filter(action__in=["billing.tariff_update", "billing.tariff_approve"]).exists()

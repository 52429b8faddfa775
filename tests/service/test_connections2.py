"""New connections, second round (seed002 §8, ADR 0191), each acceptance check through the service,
the API and the page a clerk uses: the request type's area (S8.4-03), the CDC's service type and the
sewer-only request linked to its CDC later (S8.4-04/-06), the street's setor (S8.1-04), the phone's
owner, the requester defaulting to the citizen and the attribute lists (S8.1-03/-05/-06), the services
a type charges with their prices (S8.2-01) and their boletos (S8.2-02), the fee in installments, and
the billing critique flagging changed economias (S8.9-04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.billing.domain.febraban import parse_barcode, parse_typeable_line
from modules.billing.models import Bill, RunChunk
from modules.billing.services import runs
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.metering.services import meter_create
from modules.reading.services import ReadingInput, reading_register
from modules.registry.domain.economies import CategoryShare
from modules.registry.models import ServiceConnection, Street
from modules.registry.services.properties import property_set_categories
from modules.service.models import ConnectionRequest, ServiceCode, ServiceOrder, WorkflowDefinition
from modules.service.services import connections as cx
from modules.service.services import connections2 as cx2
from modules.service.services import orders
from tests.billing import factories as bf
from tests.conftest import bearer, make_user

from . import factories as f
from .test_connections import JULY, data, world

PASSWORD = "Senha-forte-123"
API = "/api/v1/service/connection-requests"


def _api(alpha_client, username: str = "balcao") -> dict:
    make_user("alpha", username, PASSWORD, is_admin=True)
    return bearer(alpha_client, username, PASSWORD)


def _login(alpha_client, username: str = "balcao") -> None:
    alpha_client.post("/conta/entrar/", {"username": username, "password": PASSWORD})


def _body(d: cx.RequestInput, **over) -> dict:
    return {k: v for k, v in d.__dict__.items() if k not in ("locality", "category")} | over


def _sewer_type() -> WorkflowDefinition:
    definition = cx.workflow_seed(
        actor=f.ACTOR, feasibility_code="VIAB", execution_code="LIGN", name="Ligação nova de esgoto"
    )
    WorkflowDefinition.objects.filter(pk=definition.pk).update(kind="sewer")
    return definition


def _meter(number: str):
    return meter_create(
        actor=f.ACTOR,
        number=number,
        manufacturer="Elster",
        model="S220",
        capacity="1.5",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2025,
        calibrated_on=dt.date(2025, 3, 1),
    )


def test_a_sewer_request_type_gives_its_orders_the_area_esgoto(tenant_alpha, alpha_client) -> None:
    """S8.4-03: the type is mapped to esgoto on the workflows page; the order created from it says
    area = esgoto in the API response and on the request and generation pages."""
    w = world()
    sewer = _sewer_type()
    headers = _api(alpha_client)
    _login(alpha_client)
    alpha_client.post(
        "/servicos/ligacoes/fluxos/",
        {"action": "type", "definition": sewer.pk, "area": "sewer", "services": "LIGN"},
    )
    sewer.refresh_from_db()
    assert sewer.area == "sewer"
    assert "Esgoto" in alpha_client.get("/servicos/ligacoes/nova/?kind=sewer").content.decode()
    body = _body(data(w, kind="sewer", street_number="300", without_cdc=True))
    created = alpha_client.post(API, body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["area"], out["area_label"]) == ("sewer", "Esgoto")
    assert [(o["area"], o["property"]) for o in out["orders"]] == [("sewer", None)]
    water = alpha_client.post(
        API, _body(data(w, street_number="301", lot=301)), content_type="application/json", **headers
    )
    assert water.json()["orders"][0]["area"] == "water"
    page = alpha_client.get(f"/servicos/ligacoes/{out['id']}/").content.decode()
    assert 'id="area">Esgoto' in page


def test_a_water_order_needs_a_cdc_a_sewer_only_one_is_linked_later(tenant_alpha, alpha_client) -> None:
    """S8.4-04: a water-connection order without CDC is refused (400); the CDC service type takes
    exactly billing's five values. S8.4-06: a sewer-only request is saved without CDC and linked
    later (API and page), with an audit row."""
    w = world()
    _sewer_type()
    headers = _api(alpha_client)
    refused = alpha_client.post(
        API, _body(data(w, street_number="400", without_cdc=True)), content_type="application/json", **headers
    )
    assert refused.status_code == 400 and refused.json()["field"] == "property"
    assert "precisa de um CDC" in refused.json()["detail"]
    five = ["water", "water_sewer", "special_sewer", "water_special_sewer", "water_sewer_special_sewer"]
    assert [c for c, _ in cx2.values("billing")] == five
    for n, value in enumerate(five):
        ok = alpha_client.post(
            API,
            _body(data(w, street_number=str(410 + n), lot=410 + n, service_type=value)),
            content_type="application/json",
            **headers,
        )
        assert ok.status_code == 201 and ok.json()["service_type"] == value
    bad = alpha_client.post(
        API,
        _body(data(w, street_number="420", lot=420, service_type="esgoto")),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "service_type"

    sewer = alpha_client.post(
        API,
        _body(data(w, kind="sewer", street_number="430", without_cdc=True)),
        content_type="application/json",
        **headers,
    ).json()
    assert sewer["account_number"] is None and sewer["service_type"] == "special_sewer"
    cdc = ConnectionRequest.objects.get(street_number="410").target
    linked = alpha_client.post(
        f"{API}/{sewer['id']}/link", {"property_id": cdc.pk}, content_type="application/json", **headers
    )
    assert linked.status_code == 200 and linked.json()["account_number"] == cdc.account_number
    req = ConnectionRequest.objects.get(pk=sewer["id"])
    assert ServiceOrder.objects.get(pk=req.feasibility_order_id).property_id == cdc.pk
    assert ServiceConnection.objects.filter(property=cdc, kind="sewer").exists()
    assert AuditEntry.objects.filter(
        action="service.connection_request_link", object_id=str(req.pk), after__property=cdc.account_number
    ).exists()
    # the page's action
    other = cx.request_register(
        actor=f.ACTOR, data=data(w, kind="sewer", street_number="431", without_cdc=True)
    )
    _login(alpha_client)
    page = alpha_client.get(f"/servicos/ligacoes/{other.pk}/").content.decode()
    assert 'id="no-cdc"' in page and 'id="form-link"' in page
    alpha_client.post(f"/servicos/ligacoes/{other.pk}/", {"action": "link", "property": cdc.pk})
    other.refresh_from_db()
    assert other.target_id == cdc.pk


def test_the_street_setor_phone_owner_requester_and_attribute_lists(tenant_alpha, alpha_client) -> None:
    """S8.1-03 phone owner read back; S8.1-04 street search pre-fills its setor and a street with no
    setor is refused; S8.1-05 requester defaults to the citizen; S8.1-06 the attribute values come
    from the utility's lists and anything else is 400."""
    w = world()
    headers = _api(alpha_client)
    found = alpha_client.get("/api/v1/service/connection-streets?q=rua das palm", **headers).json()
    hit = next(r for r in found["results"] if r["id"] == w["street"].pk)
    assert hit["sector"]["code"] == 3
    bare = Street.objects.create(city=w["street"].city, street_type="Rua", name="Palmital")
    no_sector = alpha_client.post(
        API, _body(data(w, street_id=bare.pk)), content_type="application/json", **headers
    )
    assert no_sector.status_code == 400 and no_sector.json()["field"] == "street"
    _login(alpha_client)
    page = alpha_client.get("/servicos/ligacoes/nova/?street_q=das palmeiras").content.decode()
    assert "setor <strong>3</strong>" in page and 'name="sector" value="3"' in page

    body = _body(
        data(w, street_number="500", lot=500, requester_name="", citizen_name="MARIA DA SILVA"),
        phone_is_owner=False,
        collection_form="debit",
    )
    created = alpha_client.post(API, body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    out = alpha_client.get(f"{API}/{created.json()['id']}", **headers).json()
    assert (out["requester_name"], out["citizen_name"]) == ("MARIA DA SILVA", "MARIA DA SILVA")
    assert (out["phone"], out["phone_is_owner"], out["phone_owner"]) == ("15999990000", False, "munícipe")
    assert out["attributes"]["collection"] == "debit"
    lists = alpha_client.get("/api/v1/service/connection-attributes", **headers).json()
    assert [v["code"] for v in lists["collection"]] == ["normal", "debit", "bank"]
    assert {v["label"] for v in lists["situation"]} == {"Ativa", "Cortada", "Inativa", "Provisória"}
    assert [v["label"] for v in lists["type"]] == ["Consumo fixo", "Hidrometrado"]
    cheque = alpha_client.post(
        API,
        _body(data(w, street_number="501", lot=501), collection_form="cheque"),
        content_type="application/json",
        **headers,
    )
    assert cheque.status_code == 400 and cheque.json()["field"] == "collection_form"
    assert "Débito em conta corrente" in cheque.json()["detail"]
    # the lists are the utility's: a value added on the workflows page is accepted, one made inactive is not
    alpha_client.post(
        "/servicos/ligacoes/fluxos/",
        {
            "action": "attribute",
            "attribute": "collection",
            "code": "cheque",
            "label": "Cheque",
            "active": "1",
        },
    )
    alpha_client.post(
        "/servicos/ligacoes/fluxos/",
        {"action": "attribute", "attribute": "collection", "code": "bank", "label": "Banco", "active": "0"},
    )
    assert "Cheque <small>(cheque)</small>" in alpha_client.get("/servicos/ligacoes/fluxos/").content.decode()
    again = alpha_client.post(
        API,
        cheque_body := _body(data(w, street_number="502", lot=502), collection_form="cheque"),
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 201, again.content
    assert cheque_body["collection_form"] == again.json()["attributes"]["collection"]
    bank = alpha_client.post(
        API,
        _body(data(w, street_number="503", lot=503), collection_form="bank"),
        content_type="application/json",
        **headers,
    )
    assert bank.status_code == 400 and bank.json()["field"] == "collection_form"


def test_the_type_services_with_prices_and_their_boletos(tenant_alpha, alpha_client) -> None:
    """S8.2-01: the water type configured with [LIGN, HID] on the workflows page; opening a request
    of that type lists them with their prices. S8.2-02: the budget accepted to be paid at the counter
    issues one boleto per service with a valid barcode and linha digitável, linked to the request and
    shown and printed on its page."""
    w = world()
    f.code("HID", price="95.50", description="Hidrômetro", price_from=dt.date(2025, 1, 1))
    headers = _api(alpha_client)
    _login(alpha_client)
    definition = cx.workflow_for("water")
    alpha_client.post(
        "/servicos/ligacoes/fluxos/",
        {"action": "type", "definition": definition.pk, "area": "water", "services": "LIGN, hid"},
    )
    listed = alpha_client.get("/api/v1/service/connection-type-services?kind=water", **headers).json()
    assert [(s["code"], s["price"]) for s in listed["services"]] == [("LIGN", "180.00"), ("HID", "95.50")]
    page = alpha_client.get("/servicos/ligacoes/nova/?kind=water").content.decode()
    assert "HID — Hidrômetro" in page and "R$ 95,50" in page

    req = cx.request_register(actor=f.ACTOR, data=data(w, street_number="600", lot=600))
    orders.order_close(
        actor=f.ACTOR,
        order_id=req.feasibility_order_id,
        executed=True,
        executed_at=req.created_at + dt.timedelta(minutes=1),
        team_id=w["team"].pk,
    )
    settled = alpha_client.post(
        f"{API}/{req.pk}/settle", {"settlement": "paid"}, content_type="application/json", **headers
    )
    assert settled.status_code == 200, settled.content
    docs = settled.json()["payment_documents"]
    assert [(d["code"], d["amount"]) for d in docs] == [("LIGN", "180.00"), ("HID", "95.50")]
    for d in docs:
        parsed = parse_barcode(d["barcode"])  # raises on a wrong check digit
        assert parse_typeable_line(d["typeable_line"]).digits == parsed.digits
        assert str(parsed.amount) == d["amount"]
    detail = alpha_client.get(f"/servicos/ligacoes/{req.pk}/").content.decode()
    assert docs[0]["typeable_line"] in detail and "Imprimir" in detail
    pdf = alpha_client.get(f"/servicos/documentos/{docs[0]['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_fee_in_seven_installments_lands_on_seven_bills_to_the_cent(tenant_alpha) -> None:
    """R$ 180,00 in 7 installments: 25,71 on each of six bills and 25,74 on the seventh; the eighth
    bill carries none; more installments than the code allows are refused."""
    w = world()
    ServiceCode.objects.filter(code="LIGN").update(max_installments=7)
    months = [JULY.plus(n) for n in range(8)]
    for month in months[1:]:
        bf.schedule(w["group"], month)
    with time_machine.travel(dt.datetime(2025, 7, 10, 13, tzinfo=dt.UTC), tick=False):
        meter = _meter("Y25N000901")
        req = cx.request_register(actor=f.ACTOR, data=data(w, street_number="700", lot=700))
        at = dt.datetime(2025, 7, 10, 13, tzinfo=dt.UTC)
        orders.order_close(
            actor=f.ACTOR,
            order_id=req.feasibility_order_id,
            executed=True,
            executed_at=at,
            team_id=w["team"].pk,
        )
        with pytest.raises(ValidationFailed):
            cx.request_settle(actor=f.ACTOR, request_id=req.pk, settlement="bill", installments=8)
        cx.request_settle(actor=f.ACTOR, request_id=req.pk, settlement="bill", installments=7)
        cx.request_complete(
            actor=f.ACTOR, request_id=req.pk, team_id=w["team"].pk, executed_at=at, meter_id=meter.pk
        )
        cx2.request_activate(actor=f.ACTOR, request_id=req.pk, usage="RES", service_type="water", economies=1)
    home = req.target
    fees = []
    for n, month in enumerate(months):
        nxt = month.plus(1)
        with time_machine.travel(dt.datetime(nxt.year, nxt.month, 1, 12, tzinfo=dt.UTC), tick=True):
            reading_register(
                actor=f.ACTOR, data=ReadingInput(home.account_number, month, month.day(28), 9 + 10 * n, "")
            )
            run = runs.run_create(
                actor=f.ACTOR, group=w["group"], reference=month, chunk_size=10, enqueue=False
            )
            for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
                runs.chunk_process(chunk_id=chunk_id)
        bill = Bill.objects.get(run=run, property=home)
        fees.append([i.amount for i in bill.items.all() if i.source == "service.charge"])
    assert fees == [[Decimal("25.71")]] * 6 + [[Decimal("25.74")], []]


def test_the_critique_flags_changed_economias(tenant_alpha, alpha_client) -> None:
    """S8.9-04: economias changed during July (registry's audited change): July's billing critique
    flags the property "alteração de economias" (API and the run's critique page); August's does not."""
    bf.set_company_code("0562")
    bf.approved_tariff()
    group = bf.group()
    bf.schedule(group, JULY)
    bf.schedule(group, JULY.plus(1))
    with time_machine.travel(dt.datetime(2025, 7, 5, 12, tzinfo=dt.UTC), tick=True):
        prop = bf.billable(group)
        property_set_categories(actor=f.ACTOR, prop=prop, categories=[CategoryShare("RES", 3)], reason="obra")
    bills = {}
    for month in (JULY, JULY.plus(1)):
        nxt = month.plus(1)
        with time_machine.travel(dt.datetime(nxt.year, nxt.month, 1, 12, tzinfo=dt.UTC), tick=True):
            run = runs.run_create(actor=f.ACTOR, group=group, reference=month, chunk_size=10, enqueue=False)
            for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
                runs.chunk_process(chunk_id=chunk_id)
        bills[month] = Bill.objects.get(run=run, property=prop)
    july, august = bills[JULY], bills[JULY.plus(1)]
    assert "economies_changed" in [a.code for a in july.anomalies.all()]
    assert "economies_changed" not in [a.code for a in august.anomalies.all()]
    headers = _api(alpha_client, "critica")
    out = alpha_client.get(f"/api/v1/bills/{july.pk}", **headers).json()
    assert {"code": "economies_changed", "message": "Alteração de economias no mês de referência."} in out[
        "anomalies"
    ]
    _login(alpha_client, "critica")
    page = alpha_client.get(f"/faturamento/execucoes/{july.run_id}/").content.decode()
    assert "Alteração de economias no mês de referência." in page

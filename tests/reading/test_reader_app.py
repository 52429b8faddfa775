"""The reader's phone app's server side (ADR 0227): the page (reader vs administrator), its service
worker and manifest; who is signed in and their routes; the package's cards, settings and on-site
billing section (the tariff as data, each property's bill facts, overdue bills, what the office
bills); the app's settings; a bill priced by the phone's engine from the package is accepted by the
sync to the cent; the ESC/POS stream the phone prints decodes back to its lines and barcode."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import uuid
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.access.models import Profile
from modules.billing.domain.febraban import parse_barcode
from modules.billing.models import Bill
from modules.common.domain.dates import YearMonth
from modules.reading import hooks
from modules.reading.models import ReaderAppSettings, Reading, ReadingEvent
from modules.reading.services import ReadingInput, occurrences_seed, reading_register
from modules.reading.services import batches as svc
from tests.billing import factories as f
from tests.conftest import bearer, make_user
from tests.reading.reader_engine import STATIC, decode_escpos, node, run_engine

PASSWORD = "Senha-forte-123"
MONTH = YearMonth(2025, 5)
NOW = dt.datetime(2025, 5, 10, 13, 0, tzinfo=dt.UTC)
A = f.ACTOR


def open_band_tariff() -> dict[str, Any]:
    """§14.7's prices with an open last band (a reading far above the average still prices)."""
    body = f.sorocaba_tariff_json(act="Ato leitura no local")
    body["categories"][0]["bands"][-1]["to_m3"] = None
    return body


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tenant_alpha) -> dict[str, Any]:
    occurrences_seed()
    f.set_company_code("0562")
    tariff = f.tariff_create(actor=A, data=open_band_tariff())
    f.tariff_approve(actor=A, tariff=tariff, today=dt.date(2025, 1, 1))
    g = f.group()
    for i in range(-6, 1):
        f.schedule(g, MONTH.plus(i))
    props = [f.billable(g, initial=100) for _ in range(3)]
    value = 100
    for i in range(-6, 0):
        value += 20
        reading_register(
            actor=A, data=ReadingInput(props[0].account_number, MONTH.plus(i), MONTH.plus(i).day(10), value)
        )
    user = make_user("alpha", "leitor1", PASSWORD, full_name="Leitor Um")
    user.profiles.add(Profile.objects.get(name="Leiturista"))
    reader = svc.reader_save(actor=A, user_id=user.pk, employee_number="L-001")
    device = svc.device_save(actor=A, code="PWA-0001", label="Celular", reader=reader)
    batch, _ = svc.batch_create(actor=A, group=g, month=MONTH)
    svc.route_assign(actor=A, route=svc.batch_route(batch, 1), device=device)
    return {"group": g, "props": props, "batch": batch, "last": value, "user": user}


def _client(alpha_client: Any, username: str) -> Any:
    headers = bearer(alpha_client, username, PASSWORD)

    class Api:
        def get(self, path: str, **params: Any) -> Any:
            return alpha_client.get(path, params, **headers)

        def post(self, path: str, body: dict[str, Any]) -> Any:
            return alpha_client.post(path, body, content_type="application/json", **headers)

        def put(self, path: str, body: dict[str, Any]) -> Any:
            return alpha_client.put(path, body, content_type="application/json", **headers)

    return Api()


def test_the_reader_sees_their_routes_and_the_package_carries_cards_settings_and_bill_facts(
    world, alpha_client
):
    api = _client(alpha_client, "leitor1")
    me = api.get("/api/v1/reading/me").json()
    assert (me["employee_number"], me["admin"]) == ("L-001", False)
    [route] = me["routes"]
    assert (route["route"], route["device"], route["items"]) == (1, "PWA-0001", 3)
    pkg = api.get(route["package"], device="PWA-0001").json()
    p0 = world["props"][0]
    card = pkg["cards"][str(p0.pk)]
    assert card["holder"].startswith("Cliente ") and card["average"] == "20.00" and card["block"] == 1
    assert card["category_names"] == ["Residencial (1)"]
    assert pkg["app"] == {
        "on_site_billing": True,
        "paper_mm": 80,
        "roll_length_m": 30,
        "upload_every": 10,
        "track_every_s": 60,
        "excess_percent": "70",
        "rollover_window_percent": "10",
    }
    billing = pkg["billing"]
    assert billing["tariff"]["act"] == "Ato leitura no local" and billing["company_code"] == "0562"
    facts = billing["properties"][str(p0.pk)]
    assert (
        facts["units"] == [["RES", 1]] and facts["service"] == "water_sewer" and facts["due"] == "2025-06-15"
    )
    assert facts["overdue"] == []


def test_the_package_carries_the_months_messages_and_the_latest_water_quality_table(world, alpha_client):
    from modules.billing.models import BillText
    from modules.registry.models import Category

    other = f.group(world["group"].code + 1)
    res = Category.objects.get(code="RES")
    M = BillText.Kind.MESSAGE
    BillText.objects.create(kind=M, valid_from=MONTH.plus(-1).first_day(), title="Para todos")
    BillText.objects.create(
        kind=M, valid_from=MONTH.first_day(), title="Acima da média", condition="excess_consumption"
    )
    BillText.objects.create(kind=M, valid_from=MONTH.first_day(), title="Residencial", category=res)
    BillText.objects.create(
        kind=M, valid_from=MONTH.first_day(), title="Do grupo", billing_group=world["group"]
    )
    BillText.objects.create(kind=M, valid_from=MONTH.first_day(), title="Outro grupo", billing_group=other)
    BillText.objects.create(kind=M, valid_from=MONTH.plus(1).first_day(), title="Mês seguinte")
    BillText.objects.create(
        kind=M, valid_from=MONTH.plus(-3).first_day(), valid_until=MONTH.plus(-1).first_day(), title="Acabou"
    )
    Q = BillText.Kind.WATER_QUALITY
    BillText.objects.create(kind=Q, valid_from=MONTH.plus(-2).first_day(), title="Velha", rows=[])
    BillText.objects.create(
        kind=Q, valid_from=MONTH.plus(-1).first_day(), title="Qualidade", rows=[["Cloro", 30, 31, 31, "x"]]
    )
    BillText.objects.create(kind=Q, valid_from=MONTH.plus(1).first_day(), title="Futura", rows=[])
    api = _client(alpha_client, "leitor1")
    [route] = api.get("/api/v1/reading/me").json()["routes"]
    texts = api.get(route["package"], device="PWA-0001").json()["billing"]["texts"]
    assert [(m["title"], m["category"], m["condition"]) for m in texts["messages"]] == [
        ("Para todos", None, ""),
        ("Acima da média", None, "excess_consumption"),
        ("Residencial", "RES", ""),
        ("Do grupo", None, ""),
    ]
    assert texts["water_quality"] == {
        "title": "Qualidade",
        "month": "04/2025",
        "rows": [["Cloro", 30, 31, 31, "x"]],
    }


def test_an_overdue_bill_goes_to_the_debt_notice_and_an_inactive_property_to_the_office(world, alpha_client):
    p1, p2 = world["props"][1], world["props"][2]
    Bill.objects.create(
        property=p1,
        reference=dt.date(2025, 2, 1),
        due_date=dt.date(2025, 3, 15),
        status="released",
        total=Decimal("48.10"),
    )
    Bill.objects.create(
        property=p1,
        reference=dt.date(2025, 3, 1),
        due_date=dt.date(2025, 4, 15),
        status="released",
        total=Decimal("51.20"),
    )
    Bill.objects.create(
        property=p1,
        reference=dt.date(2025, 4, 1),
        due_date=dt.date(2025, 5, 15),
        status="released",
        total=Decimal("50.00"),
    )
    p2.status = "inactive"
    p2.save(update_fields=["status"])
    pkg = hooks.package_billing(world["group"].pk, MONTH.first_day(), [p1.pk, p2.pk])
    assert pkg is not None
    assert pkg["properties"][str(p1.pk)]["overdue"] == [
        {"reference": "02/2025", "due": "2025-03-15", "total": "48.10"},
        {"reference": "03/2025", "due": "2025-04-15", "total": "51.20"},
    ]
    assert pkg["properties"][str(p2.pk)] == {"office": "Imóvel com situação inativo."}


def test_no_on_site_billing_when_the_utility_turns_it_off(world, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    boss = _client(alpha_client, "chefe")
    bad = boss.put(
        "/api/v1/reading/app-settings",
        {"on_site_billing": False, "paper_mm": 57, "roll_length_m": 30, "upload_every": 10},
    )
    assert bad.status_code == 400 and "paper_mm" in bad.content.decode()
    done = boss.put(
        "/api/v1/reading/app-settings",
        {"on_site_billing": False, "paper_mm": 58, "roll_length_m": 25, "upload_every": 5},
    )
    assert done.status_code == 200, done.content
    assert ReaderAppSettings.current().paper_mm == 58
    reader = _client(alpha_client, "leitor1")
    assert (
        reader.put(
            "/api/v1/reading/app-settings",
            {"on_site_billing": True, "paper_mm": 80, "roll_length_m": 30, "upload_every": 10},
        ).status_code
        == 403
    )
    pkg = reader.get(f"/api/v1/reading/batches/{world['batch'].pk}/routes/1/package").json()
    assert pkg["billing"] is None and pkg["app"]["on_site_billing"] is False and pkg["app"]["paper_mm"] == 58


def test_the_bill_priced_on_the_phone_from_the_package_is_the_servers_to_the_cent(world, alpha_client):
    api = _client(alpha_client, "leitor1")
    pkg = api.get(f"/api/v1/reading/batches/{world['batch'].pk}/routes/1/package").json()
    by_id = {p["id"]: p for p in pkg["properties"]}
    readings = {
        world["props"][0].pk: world["last"] + 43,
        world["props"][1].pk: 116,
        world["props"][2].pk: 100,
    }
    cases = [
        {"tariff": "t", "facts": pkg["billing"]["properties"][str(pid)], "m3": value - by_id[pid]["previous"]}
        for pid, value in readings.items()
    ]
    priced = run_engine({"t": pkg["billing"]["tariff"]}, cases)
    assert [p["billed"] for p in priced] == [43, 16, 0]
    events = [
        {
            "id": str(uuid.uuid4()),
            "property": pid,
            "reading": value,
            "read_at": "2025-05-10T09:30:00-03:00",
            "bill": {"total": p["total"]},
        }
        for (pid, value), p in zip(readings.items(), priced, strict=True)
    ]
    answer = api.post("/api/v1/reading/sync", {"device": "PWA-0001", "events": events}).json()
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 3, answer
    server = hooks.readings_price(
        list(Reading.objects.filter(reference=MONTH.first_day()).values_list("pk", flat=True))
    )
    for e, p in zip(events, priced, strict=True):
        reading = Reading.objects.get(property_id=e["property"], reference=MONTH.first_day())
        assert f"{server[reading.pk]:.2f}" == p["total"] and "bill_diff" not in reading.flags
        event = ReadingEvent.objects.get(pk=e["id"])
        assert event.device_total == event.server_total == Decimal(p["total"])


def test_the_reader_page_has_no_admin_panel_the_administrator_has(world, client):
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    assert client.post("/conta/entrar/", {"username": "leitor1", "password": PASSWORD}).status_code == 302
    page = client.get("/leitura/app/").content.decode()
    assert 'id="readingForm"' in page and 'id="admin"' not in page and 'data-admin="0"' in page
    sw = client.get("/leitura/app/sw.js")
    assert sw["Service-Worker-Allowed"] == "/leitura/app/" and "/leitura/app/" in sw.content.decode()
    manifest = json.loads(client.get("/leitura/app/manifest.webmanifest").content)
    assert manifest["scope"] == "/leitura/app/" and manifest["display"] == "standalone"
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    client.post("/conta/sair/")
    client.post("/conta/entrar/", {"username": "chefe", "password": PASSWORD})
    assert 'id="admin"' in client.get("/leitura/app/").content.decode()


ESCPOS_RUNNER = """
const T = require(process.argv[1] + "/tariff.js");
const P = require(process.argv[1] + "/escpos.js");
const b = JSON.parse(process.argv[2]);
const code = T.barcode(b.total_text, "0562", b.free);
b.typeable = code.formatted; b.barcode = code.digits;
const out = [
  P.bill(b, b.paper), P.debtNotice(b, b.overdue, b.paper),
  P.excessNotice(b, "20.00", "70", b.paper), P.testPattern(b.paper, "agora"),
];
process.stdout.write(JSON.stringify(out.map((r) => Buffer.from(r.toBytes()).toString("base64"))));
"""


@pytest.mark.parametrize("paper, columns", [(80, 48), (58, 32)])
def test_the_escpos_stream_decodes_back_to_the_bill_lines_and_its_barcode(paper, columns):
    bill = {
        "utility": "SAAE Exemplo",
        "reference": "05/2025",
        "account": "123456-7",
        "holder": "Maria da Conceição",
        "address": "Rua Tiradentes, 100 — Centro",
        "meter": "T000000001",
        "categories": "Residencial (1)",
        "economies": 1,
        "previous": 220,
        "previous_date": "2025-04-01",
        "reading": 263,
        "read_on": "2025-05-10",
        "billed": 43,
        "occurrence": "",
        "history": [{"month": "04/25", "m3": 20}],
        "lines": [{"description": "Água Residencial – faixa 1 (0 a 10 m³)", "amount": "10,70"}],
        "total": "163,96",
        "total_text": "163.96",
        "due": "2025-06-15",
        "tariff_act": "Ato leitura no local",
        "free": "9" + "1".zfill(11) + "5000001".zfill(9) + "2505",
        "paper": paper,
        "messages": [{"title": "Economize água", "body": "Feche a torneira ao escovar os dentes."}],
        "water_quality": {
            "title": "Qualidade da água",
            "month": "04/2025",
            "rows": [["Cloro", 30, 31, 31, "0,2 a 5 mg/L"]],
        },
        "overdue": [{"reference": "02/2025", "due": "2025-03-15", "total": "48,10"}],
    }
    done = subprocess.run(
        [node(), "-e", ESCPOS_RUNNER, str(STATIC), json.dumps(bill)],
        capture_output=True,
        text=True,
        check=True,
    )
    receipt, debt, excess, test = (decode_escpos(base64.b64decode(x)) for x in json.loads(done.stdout))
    assert "CONTA DE ÁGUA E ESGOTO" in receipt["lines"] and "Maria da Conceição" in receipt["lines"]
    assert all(len(line) <= columns for line in receipt["lines"])
    assert "TOTAL R$ 163,96" in receipt["lines"] and receipt["cuts"] == 1
    assert any(line.startswith("Consumo faturado (m3)") and line.endswith("43") for line in receipt["lines"])
    [(system, digits)] = receipt["barcodes"]
    parsed = parse_barcode(digits)
    assert system == 70 and parsed.amount == Decimal("163.96") and parsed.company_code == "0562"
    # the utility's message and the water-quality table (Decreto 5.440) after the barcode
    assert "Economize água" in receipt["lines"]
    assert "Feche a torneira ao escovar os dentes." in " ".join(receipt["lines"])
    assert "Qualidade da água (04/2025)" in receipt["lines"]
    assert any(line.startswith("Cloro") and line.endswith("30/31/31") for line in receipt["lines"])
    assert any(line.startswith("02/2025") and line.endswith("48,10") for line in debt["lines"])
    assert "passou 70% da sua média (20.00 m3)" in " ".join(excess["lines"])
    assert "TESTE DE IMPRESSÃO" in test["lines"] and test["barcodes"] == [(70, "0123456789")]


def test_the_app_settings_are_changed_on_the_readers_page(world, client):
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    client.post("/conta/entrar/", {"username": "chefe", "password": PASSWORD})
    page = client.get("/leitura/leituristas/").content.decode()
    assert "Aplicativo do leiturista" in page and 'name="on_site_billing" checked' in page
    client.post(
        "/leitura/leituristas/",
        {"op": "app_settings", "paper_mm": "58", "roll_length_m": "20", "upload_every": "5"},
    )
    row = ReaderAppSettings.current()
    assert (row.on_site_billing, row.paper_mm, row.roll_length_m, row.upload_every) == (False, 58, 20, 5)
    assert (
        "Configuração do aplicativo do leiturista alterada"
        in client.get("/leitura/leituristas/").content.decode()
    )


def test_the_route_reordered_on_the_phone_is_the_batchs_order_and_is_checked(world, alpha_client):
    """3.2.5.25: the reader's order of the route goes back and the next download follows it."""
    from modules.common.models import AuditEntry

    api = _client(alpha_client, "leitor1")
    [route] = api.get("/api/v1/reading/me").json()["routes"]
    url = route["package"].replace("/package", "/order")
    p0, p1, p2 = (p.pk for p in world["props"])
    done = api.put(url, {"device": "PWA-0001", "properties": [p2, p0, p1]})
    assert done.status_code == 200 and done.json() == {"route": 1, "moved": 3}
    pkg = api.get(route["package"], device="PWA-0001").json()
    assert [(p["id"], p["sequence"]) for p in pkg["properties"]] == [(p2, 10), (p0, 20), (p1, 30)]
    assert AuditEntry.objects.filter(action="reading.batch_route_order").count() == 1
    # the same order again moves nothing
    assert api.put(url, {"device": "PWA-0001", "properties": [p2, p0, p1]}).json()["moved"] == 0
    missing = api.put(url, {"device": "PWA-0001", "properties": [p2, p0]})
    assert missing.status_code == 400 and "faltam" in str(missing.json())
    twice = api.put(url, {"device": "PWA-0001", "properties": [p2, p0, p0, p1]})
    assert twice.status_code == 400 and "duas vezes" in str(twice.json())
    stranger = api.put(url, {"device": "PWA-0001", "properties": [p2, p0, p1, 999999]})
    assert stranger.status_code == 400 and "999999" in str(stranger.json())
    # another reader's sign-in cannot reorder this phone's route
    other = make_user("alpha", "leitor2", PASSWORD, full_name="Leitor Dois")
    other.profiles.add(Profile.objects.get(name="Leiturista"))
    svc.reader_save(actor=A, user_id=other.pk, employee_number="L-002")
    refused = _client(alpha_client, "leitor2").put(url, {"device": "PWA-0001", "properties": [p0, p1, p2]})
    assert refused.status_code == 403 and refused.json()["code"] == "device_not_readers"


def test_the_track_between_readings_is_stored_in_order_once(world, alpha_client):
    """3.2.5.6: the fixes the phone took between readings go up with the sync, in time order; the
    same upload again stores nothing twice, a point in the future is left out."""
    from modules.reading.models import DevicePosition

    api = _client(alpha_client, "leitor1")
    t = NOW - dt.timedelta(minutes=30)
    track = [
        {"at": (t + dt.timedelta(minutes=m)).isoformat(), "lat": f"-23.50{m}", "lon": "-47.450000"}
        for m in (2, 0, 1)
    ] + [{"at": (NOW + dt.timedelta(hours=2)).isoformat(), "lat": "-23.6", "lon": "-47.4"}]
    body = {"device": "PWA-0001", "sent_at": NOW.isoformat(), "events": [], "track": track}
    assert api.post("/api/v1/reading/sync", body).status_code == 200
    assert api.post("/api/v1/reading/sync", body).status_code == 200
    rows = list(DevicePosition.objects.filter(device__code="PWA-0001").values_list("at", "latitude"))
    assert [(at - t, str(lat)) for at, lat in rows] == [
        (dt.timedelta(minutes=0), "-23.500000"),
        (dt.timedelta(minutes=1), "-23.501000"),
        (dt.timedelta(minutes=2), "-23.502000"),
    ]
    bad = api.post(
        "/api/v1/reading/sync", body | {"track": [{"at": NOW.isoformat(), "lat": "-91", "lon": "0"}]}
    )
    assert bad.status_code == 400
    assert (
        api.put(
            "/api/v1/reading/app-settings",
            {
                "on_site_billing": True,
                "paper_mm": 80,
                "roll_length_m": 30,
                "upload_every": 10,
                "track_every_s": 4,
            },
        ).status_code
        == 403
    )

"""The reader's app on a phone-sized Chromium (ADR 0227): the reader signs in with the staff sign-in,
downloads the route's package, and the network goes away (context.set_offline). With no signal the
app reloads from its service worker, the whole route is read: a reading outside the window must be
typed again (a mismatch blocks it), an occurrence whose list asks for a photo cannot be saved without
one, each bill is priced on the phone and printed to the captured ESC/POS stream (no printer here:
the Web Serial / Bluetooth print itself cannot be tested, the byte stream is decoded instead). Back
online the queue goes to the sync; the server's price of every reading equals the printed bill to
the cent. Screenshots go to tests/artifacts/reading/ (git-ignored)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application
from playwright.sync_api import expect

from modules.common.tenancy import tenant_context
from tests.collection.test_concurrency import committed_in
from tests.conftest import make_user
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer
from tests.reading.reader_engine import decode_escpos

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "reading"
PASSWORD = "Senha-forte-123"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import Profile
    from modules.common.domain.dates import YearMonth
    from modules.metering.models import Installation
    from modules.reading.services import ReadingInput, occurrences_seed, reading_register
    from modules.reading.services import batches as svc
    from saas.middleware import host_cache
    from tests.billing import factories as f
    from tests.reading.test_reader_app import open_band_tariff

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5]
    with django_db_blocker.unblock(), committed_in("alpha"):
        host_cache.clear()
        with tenant_context("alpha"):
            from django.db import connection

            company_before = connection.tenant.febraban_company_code
            occurrences_seed()
            f.set_company_code("0562")
            tariff = f.tariff_create(actor=f.ACTOR, data=open_band_tariff())
            f.tariff_approve(actor=f.ACTOR, tariff=tariff, today=dt.date(2025, 1, 1))
            from modules.common.clock import tenant_today

            month = YearMonth.of(tenant_today())
            g = f.group(77)
            for i in range(-6, 1):
                f.schedule(g, month.plus(i), start_day=1, end_day=28)
            props = [f.billable(g, initial=100) for _ in range(3)]
            meters = [
                Installation.objects.get(connection__property=p, removed_on__isnull=True).meter.number
                for p in props
            ]
            value = 100
            for i in range(-6, 0):
                value += 20
                reading_register(
                    actor=f.ACTOR,
                    data=ReadingInput(props[0].account_number, month.plus(i), month.plus(i).day(10), value),
                )
            username = f"leitor{tag}"
            user = make_user("alpha", username, PASSWORD, full_name="Leitor de Campo")
            user.profiles.add(Profile.objects.get(name="Leiturista"))
            reader = svc.reader_save(actor=f.ACTOR, user_id=user.pk, employee_number=f"L-{tag}")
            device = svc.device_save(actor=f.ACTOR, code=f"PWA-{tag}", label="Celular", reader=reader)
            batch, _ = svc.batch_create(actor=f.ACTOR, group=g, month=month)
            svc.route_assign(actor=f.ACTOR, route=svc.batch_route(batch, 1), device=device)
            from modules.billing.models import Bill

            for back, total in ((3, "48.10"), (2, "51.20")):  # two overdue bills: the debt notice lists them
                ref = month.plus(-back)
                Bill.objects.create(
                    property=props[2],
                    reference=ref.first_day(),
                    due_date=ref.day(15),
                    status="released",
                    total=Decimal(total),
                )
            message = svc.message_send(actor=f.ACTOR, device=device, text="Cão bravo no 100 da Tiradentes")
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "props": [p.pk for p in props],
                "accounts": [p.account_number for p in props],
                "meters": meters,
                "last": value,
                "month": month,
                "device": device.code,
                "message": message.pk,
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                f.set_company_code(company_before)
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _read(page: Any, pid: int, value: int) -> None:
    page.click(f"button[data-property='{pid}']")
    page.wait_for_selector("#card:not([hidden])")
    page.fill("#reading", str(value))


def test_a_whole_route_read_and_billed_offline_syncs_and_the_server_agrees_to_the_cent(
    browser: Any, world: dict[str, Any]
) -> None:
    from modules.reading import hooks
    from modules.reading.models import Reading, ReadingEvent, ReadingPhoto

    base = f"http://alpha.localhost:{world['port']}"
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="pt-BR",
        timezone_id="America/Sao_Paulo",
        geolocation={"latitude": -23.501, "longitude": -47.452},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p0, p1, p2 = world["props"]
    try:
        page.goto(f"{base}/leitura/app/")
        assert "/conta/entrar/" in page.url  # the staff sign-in, reused
        page.fill("input[name=username]", world["username"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/leitura/app/")
        page.wait_for_selector("#app[data-ready='1']")
        assert page.locator("#admin").count() == 0  # a reader has no administrator panel
        _shot(page, "01-routes")
        page.click("#routeList button:has-text('Baixar carga')")
        page.wait_for_selector(f"button[data-property='{p0}']")
        assert "bobina(s) de 30 m" in page.inner_text("#paper")
        # the office's message comes with the package; read on the phone, its receipt goes back
        assert "Cão bravo" in page.inner_text("#messages")
        page.click("#messages button:has-text('Li a mensagem')")
        page.locator("#messages .tag", has_text="lida").wait_for()
        assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)").endswith(
            "/leitura/app/sw.js"
        )
        _shot(page, "02-route")

        # --- no signal from here on; the app comes back from the service worker ---------------
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#app[data-ready='1']")
        page.wait_for_selector(f"button[data-property='{p0}']")
        assert page.inner_text("#net") == "Sem conexão"
        # the search finds a property by its account number
        page.fill("#search", world["accounts"][2])
        expect(page.locator("#items button")).to_have_count(1)
        page.fill("#search", world["meters"][1])  # by meter number
        expect(page.locator("#items button")).to_have_count(1)
        expect(page.locator("#items button").first).to_have_attribute("data-property", str(world["props"][1]))
        page.fill("#search", "tiradentes")  # by address
        expect(page.locator("#items button")).to_have_count(3)
        page.fill("#search", "")
        page.check("#reverse")  # the route's order reversed
        expect(page.locator("#items button").first).to_have_attribute("data-property", str(world["props"][2]))
        page.uncheck("#reverse")
        page.select_option("#block", "1")
        page.select_option("#status", "unread")
        expect(page.locator("#items button")).to_have_count(3)
        page.select_option("#status", "")

        # 1. outside the window (average 20 m³: +14 … +34): typed again, a mismatch blocks it
        _read(page, p0, world["last"] + 43)
        for label in (
            "Matrícula",
            "Endereço",
            "Titular",
            "Categoria",
            "Economias",
            "Hidrômetro",
            "Localização",
        ):
            assert page.locator("#facts dt", has_text=label).count() == 1
        page.click("#save")
        page.wait_for_selector("#critique:not([hidden])")
        assert "fora da faixa esperada" in page.inner_text("#critiqueText")
        page.fill("#confirm", str(world["last"] + 34))
        page.click("#save")
        assert "não conferem" in page.inner_text("#message")
        _shot(page, "03-critique")
        page.fill("#confirm", str(world["last"] + 43))
        page.click("#save")
        page.wait_for_selector("#billBox:not([hidden])")
        assert "43 m³" in page.inner_text("#bill")
        _shot(page, "04-bill")

        # 2. a leak: the list asks for a photo; not saved without it
        page.click("#next")
        page.wait_for_selector("#readingForm:not([hidden])")
        page.fill("#reading", "116")
        page.select_option("#occurrence", "30")
        page.click("#save")
        assert "exige foto" in page.inner_text("#message")
        page.set_input_files(
            "#photo", files=[{"name": "vazamento.png", "mimeType": "image/png", "buffer": PNG}]
        )
        page.wait_for_selector("#photos img")
        page.click("#save")
        page.wait_for_selector("#billBox:not([hidden])")

        # 3. an ordinary reading, zero consumption: typed again
        page.click("#next")
        page.wait_for_selector("#readingForm:not([hidden])")
        page.fill("#reading", "100")
        page.click("#save")
        page.wait_for_selector("#critique:not([hidden])")
        assert "Consumo zero" in page.inner_text("#critiqueText")
        page.fill("#confirm", "100")
        page.click("#save")
        page.wait_for_selector("#billBox:not([hidden])")
        page.click("#back")
        assert page.inner_text("#pending") == "3 leitura(s) aguardando envio"
        page.select_option("#status", "unread")  # the block's read and unread units
        expect(page.locator("#items button")).to_have_count(0)
        page.select_option("#status", "read")
        expect(page.locator("#items button")).to_have_count(3)
        page.select_option("#status", "")
        _shot(page, "05-route-read-offline")
        with tenant_context("alpha"):
            assert not Reading.objects.filter(
                property_id__in=world["props"], reference=world["month"].first_day()
            ).exists()

        page.click("#testPrint")  # the print-head test, on demand, logged with the prints
        page.locator("#printerState", has_text="Teste de impressão").wait_for()
        prints = page.evaluate("window.readerPrints()")
        assert [p["kind"] for p in prints if p["property"] is None] == ["test"]
        assert [p["kind"] for p in prints if p["property"] == p2] == ["bill", "debt_notice"]
        debt = decode_escpos(base64.b64decode(next(p["data"] for p in prints if p["kind"] == "debt_notice")))
        assert sum(1 for line in debt["lines"] if "venc." in line) == 2
        bills = [p for p in prints if p["kind"] == "bill"]
        assert [p["property"] for p in bills] == [p0, p1, p2]
        assert [p["kind"] for p in prints if p["property"] == p0] == ["bill", "excess_notice"]
        printed: dict[int, Decimal] = {}
        from modules.billing.domain.febraban import parse_barcode

        for job in bills:
            decoded = decode_escpos(base64.b64decode(job["data"]))
            [total_line] = [line for line in decoded["lines"] if line.startswith("TOTAL R$ ")]
            [(system, digits)] = decoded["barcodes"]
            amount = parse_barcode(digits).amount
            assert system == 70 and total_line == f"TOTAL R$ {amount:.2f}".replace(".", ",")
            printed[job["property"]] = amount

        # --- signal again: the queue is sent ---------------------------------------------------
        context.set_offline(False)
        page.locator("#pending", has_text="0 leitura(s)").wait_for(timeout=20000)
        _shot(page, "06-synced")
        with tenant_context("alpha"):
            readings = {
                r.property_id: r
                for r in Reading.objects.filter(
                    property_id__in=world["props"], reference=world["month"].first_day()
                )
            }
            assert set(readings) == {p0, p1, p2}
            assert readings[p0].consumption_m3 == 43 and readings[p2].consumption_m3 == 0
            assert readings[p1].occurrence.code == "30"
            server = hooks.readings_price([r.pk for r in readings.values()])
            for pid, reading in readings.items():
                assert server[reading.pk] == printed[pid], pid
                assert "bill_diff" not in reading.flags
                event = ReadingEvent.objects.get(reading=reading)
                assert event.device_total == event.server_total == printed[pid]
                assert (event.latitude, event.longitude) == (Decimal("-23.501000"), Decimal("-47.452000"))
            leak = ReadingEvent.objects.get(reading=readings[p1])
            assert ReadingPhoto.objects.filter(event_id=leak.pk).count() == 1
            from modules.reading.models import Device, ReaderMessage

            assert ReaderMessage.objects.get(pk=world["message"]).acknowledged_at is not None
            assert Device.objects.get(code=world["device"]).battery_percent is not None
        # the same queue sent again changes nothing (the app has nothing left to send)
        assert page.inner_text("#pending") == "0 leitura(s) aguardando envio"
        assert not [e for e in errors if "Failed to load resource" not in e], errors
    except Exception:
        _shot(page, "99-failure")
        print("MESSAGE:", page.inner_text("#message"), "NET:", page.inner_text("#net"), "ERRORS:", errors)
        raise
    finally:
        context.close()

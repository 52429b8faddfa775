"""The pages of reading in the field in Debian's Chromium, as a supervisor walks them from the menu:
the batches, one batch with its routes' counters, readers and devices, the live monitor with its
coordinate plot. Each has no accessibility violation (axe) nor CSP error. The rows are written
without services (no audit row outlives the test) and removed afterwards. Screenshots go to
tests/artifacts/reading/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import DESKTOP, ROOT, _axe, _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Senha-forte-123"
ARTIFACTS = ROOT / "tests" / "artifacts" / "reading"
GROUP = 93  # a group no other test uses
REFERENCE = dt.date(2031, 6, 1)


def _rows(username: str) -> dict[str, Any]:
    from django.utils import timezone

    from modules.reading.models import (
        BatchItem,
        BatchRoute,
        Device,
        DevicePosition,
        Reader,
        ReaderMessage,
        Reading,
        ReadingBatch,
    )
    from modules.registry.models import Route
    from tests.billing import factories as f
    from tests.conftest import make_user

    # an administrator: the pages show their forms (assignment, re-reading, return file, messages)
    user = make_user("alpha", username, PASSWORD, full_name="Supervisora da Leitura", is_admin=True)
    reader_user = make_user("alpha", f"{username}-leitor", PASSWORD, full_name="Leitor de Campo")
    g = f.group(GROUP)
    Route.objects.get_or_create(group=g, code=2)
    f.schedule(g, __import__("modules.common.domain.dates", fromlist=["YearMonth"]).YearMonth.of(REFERENCE))
    now = timezone.now()
    batch = ReadingBatch.objects.create(group=g, reference=REFERENCE, created_at=now, created_by=username)
    reader = Reader.objects.create(user=reader_user, employee_number=f"L-{random.randint(100, 999)}")
    device = Device.objects.create(
        code=f"PHONE-{random.randint(1000, 9999)}",
        label="Moto G do Leitor",
        reader=reader,
        last_seen_at=now,
        battery_percent=72,
        last_latitude=Decimal("-23.5012"),
        last_longitude=Decimal("-47.4510"),
        last_position_at=now,
    )
    routes = [
        BatchRoute.objects.create(
            batch=batch,
            route=r,
            code=r.code,
            device=device if r.code == 1 else None,
            reader=reader if r.code == 1 else None,
        )
        for r in g.routes.order_by("code")
    ]
    props = []
    for i in range(12):
        p = f.billable(g)
        p.latitude, p.longitude = (
            Decimal("-23.5000") - Decimal(i % 4) / 1000,
            Decimal("-47.4500") - Decimal(i // 4) / 1000,
        )
        p.save(update_fields=["latitude", "longitude"])
        props.append(p)
        route = routes[0] if i < 8 else routes[1]
        BatchItem.objects.create(
            batch=batch,
            route=route,
            property=p,
            sequence=i + 1,
            account_number=p.account_number,
            address=f"Rua Tiradentes, {100 + i}",
            status="active",
            latitude=p.latitude,
            longitude=p.longitude,
        )
        if i < 5:
            Reading.objects.create(
                property=p,
                reference=REFERENCE,
                read_on=REFERENCE,
                value=100 + i,
                occurrence=None,
                consumption_m3=10 + i,
                actor="tests",
                source="device",
                device_code=device.code,
            )
    BatchRoute.objects.filter(pk=routes[0].pk).update(items_count=8)
    BatchRoute.objects.filter(pk=routes[1].pk).update(items_count=4)
    ReadingBatch.objects.filter(pk=batch.pk).update(items_count=12)
    for k in range(6):
        DevicePosition.objects.create(
            device=device,
            at=now - dt.timedelta(minutes=60 - k * 10),
            latitude=Decimal("-23.5000") - Decimal(k % 4) / 1000,
            longitude=Decimal("-47.4500") - Decimal(k // 3) / 1000,
        )
    ReaderMessage.objects.create(
        device=device, text="Volte à base às 16h", created_by=username, created_at=now
    )
    return {
        "batch": batch.pk,
        "device": device.pk,
        "reader": reader.pk,
        "users": [user.pk, reader_user.pk],
        "props": [p.pk for p in props],
    }


def _cleanup() -> None:
    """Everything of the test's group and users, also what an interrupted earlier run left."""
    from modules.access.models import User
    from modules.metering.models import Installation, Meter
    from modules.reading.models import Device, Reader, Reading, ReadingBatch, ReadingSchedule
    from modules.registry.models import BillingGroup, Customer, Property

    props = list(Property.objects.filter(billing_group__code=GROUP).values_list("pk", flat=True))
    users = list(
        User.objects.filter(username__startswith="supervisora-leitura-").values_list("pk", flat=True)
    )
    Reading.objects.filter(property_id__in=props).delete()
    ReadingBatch.objects.filter(group__code=GROUP).delete()
    readers = Reader.objects.filter(user_id__in=users)
    Device.objects.filter(reader__in=readers).delete()
    readers.delete()
    ReadingSchedule.objects.filter(group__code=GROUP).delete()
    customers = list(Customer.objects.filter(relations__property_id__in=props).values_list("pk", flat=True))
    installations = Installation.objects.filter(connection__property_id__in=props)
    meters = list(installations.values_list("meter_id", flat=True))
    installations.delete()
    Meter.objects.filter(pk__in=meters).delete()
    Property.objects.filter(pk__in=props).delete()
    Customer.objects.filter(pk__in=customers).delete()
    group = BillingGroup.objects.filter(code=GROUP).first()
    if group is not None:
        group.routes.all().delete()
        group.delete()
    User.objects.filter(pk__in=users).delete()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from saas.middleware import host_cache

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    username = f"supervisora-leitura-{random.randint(1000, 9999)}"
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("alpha"):
            _cleanup()
            made = _rows(username)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "username": username, **made}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                _cleanup()
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _url(world: dict[str, Any], path: str) -> str:
    return f"http://alpha.localhost:{world['port']}{path}"


def _look(page: Any, name: str, heading: str) -> None:
    assert page.locator("h1").inner_text().startswith(heading), page.url
    _axe(page)
    assert page.csp_errors == [], page.csp_errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_supervisor_walks_the_field_reading_pages_from_the_menu(
    browser: Any, world: dict[str, Any]
) -> None:
    page = browser.new_context(viewport=DESKTOP, locale="pt-BR").new_page()
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(_url(world, "/conta/entrar/"))
    page.fill("#id_username", world["username"])
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(_url(world, "/"))
    menu = page.locator("nav")
    menu.get_by_role("link", name="Cargas de leitura").click()
    _look(page, "cargas", "Cargas de leitura")
    page.get_by_role("link", name=str(world["batch"]), exact=True).click()
    _look(page, "carga", f"Carga {world['batch']}: grupo {GROUP}, 06/2031")
    assert "lidos 5 · pendentes 7" in page.content()
    menu.get_by_role("link", name="Acompanhamento da leitura").click()
    _look(page, "acompanhamento", "Acompanhamento da leitura")
    assert "1 em campo agora" in page.content()
    assert (
        page.locator("svg circle.pt.read").count() == 5 and page.locator("svg circle.pt.pending").count() == 7
    )
    assert page.locator("svg polyline.track").count() == 1
    menu.get_by_role("link", name="Leituristas e aparelhos").click()
    _look(page, "leituristas", "Leituristas e aparelhos")
    assert "Leitor de Campo" in page.content()
    menu.get_by_role("link", name="Ocorrências de leitura", exact=True).click()
    _look(page, "ocorrencias", "Ocorrências de leitura")
    page.goto(_url(world, "/"))
    page.locator("nav").get_by_role("link", name="Roteiros de leitura").click()
    page.select_option("select[name=group]", str(GROUP))
    page.get_by_role("button", name="Ver").click()
    _look(page, "roteiros", "Roteiros de leitura")
    assert "Imóveis sem roteiro (0)" in page.content()
    page.get_by_role("link", name=f"{GROUP}/1", exact=True).click()
    _look(page, "rota", f"Rota {GROUP}/1")
    assert page.get_by_role("button", name="Salvar ordem").count() == 1

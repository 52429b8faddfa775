"""The whole cut-off cycle as staff live it, in Debian's Chromium, on dates the law allows (Lei
14.015/2020): one property from an overdue bill through the reminder (SMS through the fake), the
cut notice with its legal cut day, the meter-stand cut order on that day closed by the field team,
the payment of the notice's barcode at the counter and the reconnection ordered at once — then
closed, with its fee charged because the notice was given. The ladder runs from its page; the
field closing and the counter payment go through the staff API of the same live server. Every row
it commits is deleted afterwards and the order numbers' counter put back."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import make_server

import pytest
import time_machine
from django.core.wsgi import get_wsgi_application

from tests.collection import test_concurrency as concurrency
from tests.conftest import make_user
from tests.debt.test_browser_settings import ARTIFACTS
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Senha-forte-123"
NOTICE_DAY = dt.date(2027, 4, 12)  # a Monday; the cut day comes 15 days later at the earliest


def _travel(day: dt.date, hour: int = 13) -> Any:
    """13:00 UTC is 10:00 in Brasília: business hours."""
    traveller = time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC), tick=True)
    traveller.start()
    return traveller


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.common.audit import SystemActor
    from modules.common.tenancy import tenant_context
    from modules.debt.cutoff_policy import cutoff_policy_put
    from modules.registry.services.connections import connection_create
    from modules.service.models import OrderSequence
    from modules.service.services import units
    from tests.collection import factories as cf
    from tests.registry import factories as reg
    from tests.service import factories as sf

    actor = SystemActor("tests")
    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    name = f"cic{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        with tenant_context("alpha"):
            sequence = dict(OrderSequence.objects.values_list("year", "last"))
        try:
            with concurrency.committed_in("alpha"), tenant_context("alpha"):
                traveller = _travel(NOTICE_DAY)
                try:
                    for code, effect in {
                        "CORTE-X": "cut_meter_stand",
                        "RELIG-X": "reconnect_meter_stand",
                    }.items():
                        sf.code(code, description=f"Serviço {code}", price="25.00")
                        units.code_effect_set(actor=actor, code=code, effect=effect)
                    cutoff_policy_put(actor=actor, values={"reminder_days_overdue": 3}, today=NOTICE_DAY)
                    holder = reg.customer("Joana Corte", email="joana@example.com", phone="(79) 99876-1111")
                    p = reg.prop(holder=holder)
                    connection_create(
                        actor=actor, prop=p, kind="water", situation="connected",
                        since=dt.date(2020, 1, 1), today=NOTICE_DAY,
                    )  # fmt: skip
                    cf.bill(p, "88.00", dt.date(2027, 3, 10))
                    team = sf.team("Equipe Corte Navegador")
                    make_user("alpha", name, PASSWORD, is_admin=True)
                finally:
                    traveller.stop()
                server = make_server(
                    "127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler
                )
                thread = threading.Thread(target=server.serve_forever, daemon=True)
                thread.start()
                try:
                    yield {
                        "base": f"http://alpha.localhost:{server.server_port}",
                        "name": name,
                        "p": p,
                        "team": team.pk,
                    }
                finally:
                    server.shutdown()
                    server.server_close()
        finally:
            with tenant_context("alpha"):
                for year in set(OrderSequence.objects.values_list("year", flat=True)) - set(sequence):
                    OrderSequence.objects.filter(year=year).delete()
                for year, last in sequence.items():
                    OrderSequence.objects.filter(year=year).update(last=last)
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _api(world: dict[str, Any], path: str, body: dict[str, Any]) -> Any:
    def call(url: str, data: dict[str, Any], token: str = "") -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{world['base'].rsplit(':', 1)[1]}{url}",
            data=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", "Host": world["base"].split("//", 1)[1]}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request) as answer:  # noqa: S310 (the local live server)
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{url}: {exc.code} {exc.read().decode()[:500]}") from None

    token = call("/api/v1/auth/token", {"username": world["name"], "password": PASSWORD})["token"]
    return call(path, body, token)


def _login(tab: Any, world: dict[str, Any]) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{world['base']}/conta/entrar/")
    tab.fill("input[name=username]", world["name"])
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state()


def _ladder(tab: Any, world: dict[str, Any], step: str, day: dt.date, shot: str) -> str:
    tab.goto(f"{world['base']}/cobranca/regua/")
    tab.select_option("select[name=step]", step)
    tab.fill("input[name=as_of]", day.isoformat())
    tab.click("button:has-text('Prévia')")
    tab.wait_for_load_state()
    run = tab.locator("button:has-text('Executar esta seleção')")
    if run.count():  # the page offers the run only when the preview selected something
        run.click()
        tab.wait_for_load_state()
    tab.screenshot(path=str(ARTIFACTS / f"cycle-{shot}.png"), full_page=True)
    return str(tab.locator("main").inner_text())


def test_one_property_from_the_overdue_bill_to_the_automatic_reconnection(
    world: dict[str, Any], settings: Any
) -> None:
    from playwright.sync_api import sync_playwright

    from fakes.sms import FakeSms
    from modules.common.tenancy import tenant_context
    from modules.debt.cutoff_policy import earliest_cut_on
    from modules.debt.models import CollectionEvent, CutNotice
    from modules.registry.models import ServiceConnection
    from modules.service.models import PendingCharge, ServiceOrder

    p = world["p"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = chromium.new_page(viewport={"width": 1440, "height": 1000})
        violations: list[str] = []
        tab.on(
            "console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None
        )
        traveller = _travel(NOTICE_DAY)
        try:
            _login(tab, world)
            with FakeSms(token="sms-cycle-token") as fake:
                settings.SMS_API_URL, settings.SMS_API_TOKEN = fake.url, "sms-cycle-token"
                text = _ladder(tab, world, "reminder", NOTICE_DAY, "1-reminder")
                assert "1 registro(s) gravado(s)" in text, text
                assert [m["to"] for m in fake.outbox] == ["+5579998761111"]
            text = _ladder(tab, world, "cut_notice", NOTICE_DAY, "2-notice")
            assert "1 registro(s) gravado(s)" in text, text
            with tenant_context("alpha"):
                notice = CutNotice.objects.get(property=p)
                assert notice.cut_from == earliest_cut_on(NOTICE_DAY) >= NOTICE_DAY + dt.timedelta(days=15)
            tab.goto(f"{world['base']}/cobranca/avisos-de-corte/")
            assert f"{notice.cut_from:%d/%m/%Y}" in tab.locator("main").inner_text()
            tab.screenshot(path=str(ARTIFACTS / "cycle-3-notices.png"), full_page=True)
        finally:
            traveller.stop()

        eve = notice.cut_from - dt.timedelta(days=1)
        traveller = _travel(eve)
        try:
            _login(tab, world)
            _ladder(tab, world, "cut_order", eve, "4-too-early")
            assert tab.locator("button:has-text('Executar esta seleção')").count() == 0
            with tenant_context("alpha"):
                assert not ServiceOrder.objects.filter(property=p, code__code="CORTE-X").exists()
        finally:
            traveller.stop()

        traveller = _travel(notice.cut_from)
        try:
            _login(tab, world)
            assert "1 registro(s) gravado(s)" in _ladder(
                tab, world, "cut_order", notice.cut_from, "5-cut-order"
            )
            with tenant_context("alpha"):
                cut = ServiceOrder.objects.get(property=p, code__code="CORTE-X")
            executed = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()  # the travelled clock
            _api(
                world,
                f"/api/v1/service/orders/{cut.pk}/close",
                {"executed": True, "executed_at": executed, "team": world["team"]},
            )
            with tenant_context("alpha"):
                assert ServiceConnection.objects.get(property=p, kind="water").situation == "cut"
        finally:
            traveller.stop()

        paid_on = notice.cut_from + dt.timedelta(days=1)
        traveller = _travel(paid_on)
        try:
            with tenant_context("alpha"):
                document = CutNotice.objects.get(pk=notice.pk).document
                assert document is not None
            _api(
                world,
                "/api/v1/collection/payments",
                {
                    "barcode": document.barcode,
                    "amount": str(document.amount),
                    "paid_on": (notice.cut_from - dt.timedelta(days=1)).isoformat(),
                },
            )
            with tenant_context("alpha"):
                reconnection = ServiceOrder.objects.get(property=p, code__code="RELIG-X")
                assert reconnection.due_at <= reconnection.opened_at + dt.timedelta(hours=24)
            executed = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            _api(
                world,
                f"/api/v1/service/orders/{reconnection.pk}/close",
                {"executed": True, "executed_at": executed, "team": world["team"]},
            )
            with tenant_context("alpha"):
                assert ServiceConnection.objects.get(property=p, kind="water").situation == "connected"
                fee = PendingCharge.objects.get(order=reconnection)
                assert fee.cancelled_at is None  # the notice was given: the fee is due
                steps = list(
                    CollectionEvent.objects.filter(property=p)
                    .order_by("at", "id")
                    .values_list("step", "action")
                )
            assert steps[:3] == [("reminder", "sent"), ("notice", "issued"), ("cut_order", "ordered")], steps
            _login(tab, world)
            from django.urls import reverse

            tab.goto(f"{world['base']}{reverse('service:desk_timeline', args=[p.pk])}")
            timeline = tab.locator("main").inner_text()
            tab.screenshot(path=str(ARTIFACTS / "cycle-6-timeline.png"), full_page=True)
            assert "Aviso de corte nº" in timeline and "Religa" in timeline
        finally:
            traveller.stop()
        assert violations == []
        chromium.close()

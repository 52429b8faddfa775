"""Every agency (VA) service a citizen uses, in Debian's Chromium driven by Playwright, on both test
utilities (alpha, beta) at phone and desktop widths, and in the totem: the open-debts notice, bills
(PDF, typeable line, e-mail), the debt statement (live totals, PDF), paying online through the local
fake Pagar.me (PIX settled by its webhook, boleto, the card screen), payments, consumption (12/18/24 months),
the certificate and its public verification, the annual declaration, installment simulation and
online signing, the bill simulator, the tariff table, e-mail update, service requests, ombudsman and
"report a problem". axe-core finds no WCAG 2.1 A/AA violation on any of these pages.

As in test_browser.py, the app is served by a real WSGI server in a thread, so every row is
committed by the module fixture (or by the pages themselves) and removed at the end. Screenshots go
to tests/artifacts/portal/ (git-ignored).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import make_server

import pytest
import requests
from django.core import mail
from django.core.wsgi import get_wsgi_application

from modules.common.clock import tenant_today
from modules.common.tenancy import tenant_context

from .test_browser import (
    DESKTOP,
    PHONE,
    _axe,
    _no_overflow,
    _QuietHandler,
    _shot,
    _ThreadingWSGIServer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TOTEM = {"width": 1080, "height": 1920}
TOKEN = "segredo-browser-va"
WEBHOOK_AUTH = "Basic " + base64.b64encode(b"pagarme:senha-webhook").decode()
MARKER = "[teste-navegador]"  # in what the pages create without a property (report a problem)
TARIFF_ACT = "Ato teste-navegador"
SIMPLE_TARIFF = {
    "code": "RES",
    "name": "Residencial",
    "minimum_m3_per_unit": 0,
    "sewer_percent": "92.5",
    "bands": [
        {"from_m3": 0, "to_m3": 10, "price": "2.00"},
        {"from_m3": 11, "to_m3": 15, "price": "3.00"},
        {"from_m3": 16, "to_m3": 20, "price": "4.00"},
    ],
    "fixed_charges": [],
}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@dataclass
class Holder:
    name: str
    cpf: str
    account: str
    property_id: int
    schema: str
    bills: dict[str, int] = field(default_factory=dict)


def _month(today: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before today's."""
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _holder(schema: str, name: str, bills: str) -> Holder:
    """A committed customer and property; `bills`: "money" (two overdue, one open, twelve paid months
    with consumption), "owing" (two overdue), "clean" (last year all paid) or "" (none)."""
    from modules.billing.models import BillStatus
    from modules.collection import services as collection
    from modules.common.audit import SystemActor
    from tests.collection import factories as cf
    from tests.registry import factories as f

    today = tenant_today()
    with tenant_context(schema):
        seed = random.randint(200_000_000, 899_999_999)
        customer = f.customer(name, document=f.cpf(seed), email="cidadao@example.com")
        prop = f.prop(holder=customer, lot=random.randint(2000, 9000), block=random.randint(100, 900))
        made: dict[str, Any] = {}
        if bills in ("money", "owing"):
            made["older"] = cf.bill(prop, "57.30", today - dt.timedelta(days=70), _month(today, 4))
            made["overdue"] = cf.bill(prop, "42.70", today - dt.timedelta(days=40), _month(today, 3))
        if bills == "money":
            made["current"] = cf.bill(prop, "61.00", today + dt.timedelta(days=20), _month(today, 1))
            for back in range(5, 17):  # paid months before, with consumption for the chart
                ref = _month(today, back)
                paid = cf.bill(prop, "48.00", ref + dt.timedelta(days=40), ref, status=BillStatus.PAID)
                paid.consumption_m3 = 8 + (back * 7) % 11
                paid.save(update_fields=["consumption_m3"])
            for key in ("older", "overdue", "current"):
                made[key].consumption_m3 = {"older": 14, "overdue": 17, "current": 12}[key]
                made[key].save(update_fields=["consumption_m3"])
        if bills == "clean":  # last year's bills, each paid before its due date
            for month in (3, 6, 9):
                ref = dt.date(today.year - 1, month, 1)
                paid = cf.bill(prop, "33.00", ref + dt.timedelta(days=40), ref)
                collection.payment_register(
                    actor=SystemActor("tests"),
                    barcode=paid.barcode,
                    amount=paid.total,
                    paid_on=ref + dt.timedelta(days=35),
                )
        return Holder(
            name, customer.cpf_cnpj, prop.account_number, prop.pk, schema, {k: b.pk for k, b in made.items()}
        )


def _remove(people: list[Holder]) -> None:
    from modules.billing.models import Bill, DueDayChoice
    from modules.collection.models import GatewayCharge, Payment, PaymentDocument, Settlement, WebhookEvent
    from modules.debt.models import Agreement, Certificate
    from modules.registry.models import Customer, Property
    from modules.service.models import ServiceRequest
    from portal.models import EmailChange
    from tests.service.factories import committed_orders_remove

    for p in people:
        with tenant_context(p.schema):
            bills = list(Bill.objects.filter(property_id=p.property_id).values_list("pk", flat=True))
            charges = list(
                GatewayCharge.objects.filter(document__property_id=p.property_id).values_list("pk", flat=True)
            )
            payments = Payment.objects.filter(gateway_charge_id__in=charges) | Payment.objects.filter(
                bill_id__in=bills
            )
            Settlement.objects.filter(bill_id__in=bills).delete()
            Settlement.objects.filter(payment__in=payments).delete()
            ids = [c.charge_id for c in GatewayCharge.objects.filter(pk__in=charges)]
            payments.delete()
            WebhookEvent.objects.filter(charge_id__in=ids).delete()
            GatewayCharge.objects.filter(pk__in=charges).delete()
            Agreement.objects.filter(property_id=p.property_id).delete()
            PaymentDocument.objects.filter(property_id=p.property_id).delete()
            Certificate.objects.filter(property_id=p.property_id).delete()
            Bill.objects.filter(property_id=p.property_id).delete()
            ServiceRequest.objects.filter(property_id=p.property_id).delete()
            committed_orders_remove([p.property_id])  # a request from the agency opens one (ADR 0223)
            DueDayChoice.objects.filter(property_id=p.property_id).delete()
            customers = list(Customer.objects.filter(cpf_cnpj=p.cpf).values_list("pk", flat=True))
            EmailChange.objects.filter(customer_id__in=customers).delete()
            Property.objects.filter(pk=p.property_id).delete()
            Customer.objects.filter(pk__in=customers).delete()
    for schema in ("alpha", "beta"):
        with tenant_context(schema):
            ServiceRequest.objects.filter(description__contains=MARKER).delete()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from fakes.pagarme import FakePagarme
    from modules.billing.models import Tariff
    from modules.collection.models import CollectingAgent, GatewayAccount, WebhookEvent
    from portal.models import AgencySettings
    from saas.middleware import host_cache
    from tenants.models import Tenant
    from tests.billing.factories import approved_tariff

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs on this thread
    fake = FakePagarme().start()
    saved: dict[str, Any] = {}
    with django_db_blocker.unblock():
        host_cache.clear()
        names = dict(Tenant.objects.values_list("schema_name", "name"))
        for schema in ("alpha", "beta"):
            with tenant_context(schema):
                existing = GatewayAccount.objects.filter(provider="pagarme").values().first()
                saved[schema] = {
                    "online": AgencySettings.current().online_agreements,
                    "account": existing,
                    "agents": set(CollectingAgent.objects.values_list("pk", flat=True)),
                    "events": set(WebhookEvent.objects.values_list("pk", flat=True)),
                }
                GatewayAccount.objects.update_or_create(
                    provider="pagarme",
                    defaults={
                        "base_url": fake.url,
                        "secret_key": f"sk_test_{schema}",
                        "webhook_token": TOKEN,
                        "webhook_username": "pagarme",
                        "webhook_password": "senha-webhook",
                        "active": True,
                    },
                )
                AgencySettings.objects.filter(pk=1).update(online_agreements=(schema == "alpha"))
                approved_tariff(act=TARIFF_ACT, categories=[SIMPLE_TARIFF])
        people = {
            "maria": _holder("alpha", "Maria da Conceição Souza", "money"),
            "ana": _holder("beta", "Ana Beatriz Rocha", "money"),
            "pedro": _holder("alpha", "Pedro Henrique Alves", "owing"),
            "bruno": _holder("beta", "Bruno Carvalho Dias", "owing"),
            "paulo": _holder("alpha", "Paulo Roberto Nunes", "clean"),
            "lucia": _holder("beta", "Lúcia Fernandes Costa", "clean"),
            "rita": _holder("alpha", "Rita de Cássia Moura", ""),
            "jorge": _holder("beta", "Jorge Luiz Batista", ""),
            "totem": _holder("alpha", "Sebastião Ferreira", "money"),
        }
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "names": names, "fake": fake, **people}
        finally:
            server.shutdown()
            server.server_close()
            fake.stop()
            _remove(list(people.values()))
            for schema in ("alpha", "beta"):
                with tenant_context(schema):
                    s = saved[schema]
                    WebhookEvent.objects.exclude(pk__in=s["events"]).delete()
                    if s["account"]:  # the utility's own account comes back as it was
                        GatewayAccount.objects.filter(pk=s["account"]["id"]).update(**s["account"])
                    else:
                        GatewayAccount.objects.filter(provider="pagarme").delete()
                    CollectingAgent.objects.exclude(pk__in=s["agents"]).delete()
                    AgencySettings.objects.filter(pk=1).update(online_agreements=s["online"])
                    Tariff.objects.filter(act=TARIFF_ACT).delete()
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


def _url(world: dict[str, Any], schema: str, path: str) -> str:
    return f"http://{schema}.localhost:{world['port']}{path}"


def _open(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="pt-BR")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: page.problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # a broken asset or a failing fetch; Chromium's PDF viewer asks for /favicon.ico, which is not ours
    page.on(
        "response",
        lambda r: (
            page.problems.append(f"{r.status} {r.url}")
            if r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and r.request.resource_type != "document"
            else None
        ),
    )
    return page


def _check(page: Any, name: str) -> None:
    """Screenshot, axe, no sideways scrolling, no CSP or console error."""
    _shot(page, name)
    _axe(page)
    _no_overflow(page)
    assert page.problems == [], (page.url, page.problems)


def _enter(page: Any, world: dict[str, Any], who: Holder, prefix: str = "/agencia/") -> str:
    page.goto(_url(world, who.schema, prefix))
    page.fill("#id_account", who.account)
    page.fill("#id_document", who.cpf)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"**{prefix}imoveis/{who.property_id}/")
    return _url(world, who.schema, f"{prefix}imoveis/{who.property_id}/")


def _pdf(page: Any, click: str) -> None:
    """A link or button that answers with a PDF: Chromium shows it in its viewer, so the bytes are
    fetched again with the page's cookies, and the page goes back to where it was."""
    before = page.url
    with page.expect_response(lambda r: r.headers.get("content-type") == "application/pdf") as info:
        page.click(click)
    url = info.value.url
    if page.url != before:
        page.goto(before)
    status, head = page.evaluate(
        "async u => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer());"
        " return [r.status, String.fromCharCode(...b.slice(0, 5))]; }",
        url,
    )
    assert status == 200 and head == "%PDF-", url


def _money(text: str) -> int:
    return int(re.sub(r"\D", "", text))


CASES = [("alpha", "maria", "phone"), ("beta", "ana", "desktop"), ("alpha", "maria", "desktop")]


@pytest.mark.parametrize(("schema", "key", "label"), CASES)
def test_bills_statement_payments_and_consumption(
    browser: Any, world: dict[str, Any], schema: str, key: str, label: str
) -> None:
    who: Holder = world[key]
    page = _open(browser, VIEWPORTS[label])
    home = _enter(page, world, who)
    notice = page.locator(".agency-debts")
    assert "3 contas em aberto" in notice.inner_text()
    assert _money(page.get_by_test_id("debts-total").inner_text()) > 16100  # late charges on top
    tag = f"{label}-{schema}-va"
    _check(page, f"{tag}-01-home-debts")

    notice.get_by_role("link", name="Ver contas e pagar").click()
    page.wait_for_url("**/contas/")
    assert page.get_by_test_id("open-total").inner_text() == "R$ 161,00"
    rows = page.locator("tr.agency-bill")
    assert rows.count() == 15 and page.locator(".agency-status", has_text="Vencida").count() == 2
    _check(page, f"{tag}-02-bills")
    current = page.locator(f"tr[data-bill='{who.bills['current']}']")
    _pdf(page, f"tr[data-bill='{who.bills['current']}'] >> text=Imprimir (PDF)")
    if label == "phone" or schema == "beta":
        mail.outbox.clear()
        current.get_by_role("button", name=re.compile("Enviar por e-mail")).click()
        assert "Enviamos a conta" in page.locator(".agency-messages").inner_text()
        assert mail.outbox and mail.outbox[-1].to == ["cidadao@example.com"]
        current = page.locator(f"tr[data-bill='{who.bills['current']}']")
    current.get_by_role("link", name=re.compile("Linha digitável")).click()
    page.wait_for_url("**/linha/")
    copy = page.locator("[data-copy-target]")
    copy.click()
    page.locator("[data-copy-status]", has_text="Copiado.").wait_for()
    digits = page.evaluate("navigator.clipboard.readText()")
    assert len(digits) == 48 and digits.isdigit()
    _check(page, f"{tag}-03-typeable-line")

    page.goto(home + "extrato/")
    selected = page.get_by_test_id("total-selected")
    everything = page.get_by_test_id("total-all").inner_text()
    assert selected.inner_text() == everything
    page.uncheck(f"#bill-{who.bills['current']}")  # the live total follows (bills.js)
    without_current = _money(selected.inner_text())
    assert without_current == _money(everything) - 6100
    _check(page, f"{tag}-04-statement")
    _pdf(page, "button[value=emitir]")
    page.goto(home + "pagamentos/")
    _check(page, f"{tag}-05-payments")

    page.goto(home + "consumo/")
    assert 0 < page.locator("svg[role=img] rect").count() < 15  # 12 months: not the older ones
    for months, bars in (("18", 15), ("24", 15)):
        page.get_by_role("link", name=f"{months} meses").click()
        page.wait_for_url(f"**meses={months}")
        assert page.locator("svg[role=img] rect").count() == bars
    assert page.locator("[data-testid=consumption-table] tbody tr").count() == 15
    _check(page, f"{tag}-06-consumption")
    page.context.close()


def _deliver(world: dict[str, Any], schema: str, event: dict[str, Any]) -> None:
    hook = requests.post(
        f"http://127.0.0.1:{world['port']}/webhooks/pagarme/{TOKEN}",
        json=event,
        headers={"Authorization": WEBHOOK_AUTH, "Host": f"{schema}.localhost"},
        timeout=10,
    )
    assert hook.status_code == 200, hook.text


def test_pix_payment_through_the_fake_gateway_settles_the_bill(browser: Any, world: dict[str, Any]) -> None:
    from modules.billing.models import Bill, BillStatus
    from modules.collection.models import GatewayCharge

    who: Holder = world["maria"]
    page = _open(browser, PHONE)
    home = _enter(page, world, who)
    page.goto(home + "contas/")
    row = page.locator(f"tr[data-bill='{who.bills['older']}']")
    row.get_by_role("link", name=re.compile("Pagar agora")).click()
    page.wait_for_url("**/pagar/?bills=*")
    assert page.is_checked("#method-pix")
    _check(page, "phone-alpha-va-07-pay-choose")
    page.click("button:has-text('Gerar pagamento')")
    page.wait_for_url(re.compile(r".*/pagar/\d+/$"))
    assert page.locator("[data-charge-label]").inner_text() == "Aguardando pagamento"
    assert page.locator("img.agency-qr").is_visible()
    page.click("text=Copiar código PIX")
    page.locator("[data-copy-status]", has_text="Copiado.").wait_for()
    code = page.evaluate("navigator.clipboard.readText()")
    assert code.startswith("000201") and code == page.locator("#pix-code").inner_text().strip()
    _check(page, "phone-alpha-va-08-pix")

    charge_pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with tenant_context("alpha"):
        charge_id = GatewayCharge.objects.get(pk=charge_pk).charge_id
    event = requests.post(f"{world['fake'].url}/_fake/charges/{charge_id}/pay", json={}, timeout=5).json()
    _deliver(world, "alpha", event)
    # bills.js polls every 3 s and reloads the page once the charge is paid
    page.wait_for_selector("text=Pagamento confirmado. Obrigado!", timeout=15_000)
    assert page.locator("[data-charge-label]").inner_text() == "Pago"
    assert page.locator("img.agency-qr").count() == 0
    _check(page, "phone-alpha-va-09-pix-paid")
    with tenant_context("alpha"):
        assert Bill.objects.get(pk=who.bills["older"]).status == BillStatus.PAID

    page.goto(home + "pagamentos/")
    history = page.locator("main").inner_text()
    assert "Pagar.me" in history and "Baixado" in history
    _check(page, "phone-alpha-va-10-payments-after-pix")
    page.goto(home + "contas/")
    assert page.locator(f"tr[data-bill='{who.bills['older']}'] .agency-status").inner_text() == "Paga"
    page.context.close()


def test_boleto_and_card_on_the_other_utility(browser: Any, world: dict[str, Any]) -> None:
    who: Holder = world["bruno"]
    page = _open(browser, DESKTOP)
    home = _enter(page, world, who)
    page.goto(home + f"pagar/?bills={who.bills['older']}")
    page.click("label[for=method-boleto]")
    page.click("button:has-text('Gerar pagamento')")
    page.wait_for_url(re.compile(r".*/pagar/\d+/$"))
    assert "Boleto" in page.locator("h1").inner_text()
    assert page.locator("#boleto-line").inner_text().strip()
    _check(page, "desktop-beta-va-11-boleto")

    page.goto(home + f"pagar/?bills={who.bills['overdue']}")
    assert page.locator("#card-token").count() == 0  # no pasted card token on the web any more
    page.click("label[for=method-card]")
    page.click("button:has-text('Gerar pagamento')")  # card: the operator screen (VA-13)
    page.wait_for_url("**/pagar/cartao/?bills=*")
    assert "ATENÇÃO" in page.get_by_test_id("card-notice").inner_text()
    assert page.locator("#operator").input_value() != ""  # the one accredited operator, preselected
    _check(page, "desktop-beta-va-12-card-screen")
    page.context.close()


@pytest.mark.parametrize(
    ("schema", "clean", "owing", "label"),
    [
        ("alpha", "paulo", "pedro", "phone"),
        ("beta", "lucia", "bruno", "desktop"),
    ],
)
def test_certificate_public_verification_and_annual_declaration(
    browser: Any, world: dict[str, Any], schema: str, clean: str, owing: str, label: str
) -> None:
    tag = f"{label}-{schema}-va"
    page = _open(browser, VIEWPORTS[label])
    home = _enter(page, world, world[owing])
    page.goto(home + "certidao/")
    assert "Não é possível emitir a certidão negativa" in page.locator("main").inner_text()
    _check(page, f"{tag}-14-certificate-refused")
    page.context.close()

    who: Holder = world[clean]
    page = _open(browser, VIEWPORTS[label])
    home = _enter(page, world, who)
    page.click("text=Certidão negativa de débitos")
    page.wait_for_url("**/certidao/")
    _check(page, f"{tag}-15-certificate")
    page.click("button:has-text('Emitir certidão')")
    page.wait_for_url(re.compile(r".*/certidao/\d+/$"))
    _check(page, f"{tag}-16-certificate-issued")
    _pdf(page, "text=Baixar o documento (PDF)")
    page.locator("a[href*='/certidoes/verificar/']").click()
    page.wait_for_url("**/certidoes/verificar/?codigo=*")
    assert "Documento autêntico" in page.locator("body").inner_text()
    assert who.account in page.locator("body").inner_text()
    _check(page, f"{tag}-17-certificate-verified")

    page.goto(home + "declaracao-anual/")
    last_year = str(tenant_today().year - 1)
    assert page.locator("select option:checked").inner_text() == last_year
    _check(page, f"{tag}-18-declaration")
    page.click("button:has-text('Emitir')")
    page.wait_for_url(re.compile(r".*/certidao/\d+/$"))
    assert last_year in page.locator("main").inner_text()
    _check(page, f"{tag}-19-declaration-issued")
    page.context.close()


def test_installment_simulation_and_online_signing(browser: Any, world: dict[str, Any]) -> None:
    who: Holder = world["pedro"]
    page = _open(browser, DESKTOP)
    home = _enter(page, world, who)
    page.click("text=Simulador de parcelamento")
    page.wait_for_url("**/parcelamento/")
    assert page.locator("input[name=parcelas]").count() >= 2
    _check(page, "desktop-alpha-va-20-installments")
    page.check("input[name=parcelas] >> nth=1")
    page.click("text=Continuar para firmar o parcelamento")
    assert "Termos do parcelamento" in page.locator("main").inner_text()
    _check(page, "desktop-alpha-va-21-installment-terms")
    page.click("text=Li e aceito: firmar o parcelamento")
    page.wait_for_url(re.compile(r".*/parcelamentos/\d+/$"))
    _check(page, "desktop-alpha-va-22-agreement")
    _pdf(page, "text=2ª via da guia da entrada (PDF)")
    _pdf(page, "text=Termo do parcelamento (PDF)")
    page.goto(home + "parcelamento/")
    assert "Este imóvel já tem o parcelamento" in page.locator("main").inner_text()
    page.context.close()

    # beta has no online signing: simulation only, with the way to sign in person
    page = _open(browser, PHONE)
    _enter(page, world, world["ana"])
    page.click("text=Simulador de parcelamento")
    page.wait_for_url("**/parcelamento/")
    assert page.locator("input[name=parcelas]").count() == 0
    assert "procure o atendimento" in page.locator("main").inner_text()
    page.fill("#entrada", page.input_value("#entrada"))
    page.click("button:has-text('Calcular')")
    _check(page, "phone-beta-va-23-installments")
    page.context.close()


@pytest.mark.parametrize(("schema", "label"), [("alpha", "phone"), ("beta", "desktop")])
def test_bill_simulator_and_tariff_table(
    browser: Any, world: dict[str, Any], schema: str, label: str
) -> None:
    page = _open(browser, VIEWPORTS[label])
    page.goto(_url(world, schema, "/agencia/simulador-de-conta/"))
    _check(page, f"{label}-{schema}-va-24-simulator")
    page.select_option("#id_category", "RES")
    page.fill("#id_dwelling_units", "1")
    page.fill("#id_consumption_m3", "16")
    page.select_option("#id_service", "water_sewer")
    page.click("button:has-text('Simular')")
    page.wait_for_url("**consumption_m3=16*")
    assert page.locator("[data-value=water]").inner_text() == "39,00"
    assert page.locator("[data-value=total]").inner_text() == "75,07"
    _check(page, f"{label}-{schema}-va-25-simulated")
    page.goto(_url(world, schema, "/agencia/tarifas/"))
    assert TARIFF_ACT in page.locator("main").inner_text()
    _check(page, f"{label}-{schema}-va-26-tariffs")
    page.context.close()


@pytest.mark.parametrize(
    ("schema", "key", "label"), [("alpha", "rita", "desktop"), ("beta", "jorge", "phone")]
)
def test_email_update_requests_ombudsman_and_problem_report(
    browser: Any, world: dict[str, Any], schema: str, key: str, label: str
) -> None:
    who: Holder = world[key]
    tag = f"{label}-{schema}-va"
    page = _open(browser, VIEWPORTS[label])
    home = _enter(page, world, who)
    mail.outbox.clear()
    page.click("text=Atualizar e-mail")
    page.wait_for_url("**/email/")
    _check(page, f"{tag}-27-email")
    page.fill("#id_email", f"novo.{schema}@example.com")
    page.click("button:has-text('Enviar link de confirmação')")
    page.wait_for_url(home)
    assert "Enviamos um link" in page.locator(".agency-messages").inner_text()
    links = [m for m in mail.outbox if f"novo.{schema}@example.com" in m.to]
    assert links, [m.to for m in mail.outbox]
    link = re.search(r"https?://\S+/email/confirmar/\S+/", links[-1].body).group(0)
    page.goto(link)
    assert "E-mail confirmado" in page.locator("main").inner_text()
    _check(page, f"{tag}-28-email-confirmed")

    page.goto(home + "ouvidoria/")
    _check(page, f"{tag}-29-ombudsman")
    page.locator("label[for=id_type_0]").click()
    if not page.input_value("#id_name"):
        page.fill("#id_name", who.name)
    page.fill("#id_email", "cidadao@example.com")
    page.fill("#id_description", f"Atendimento demorado na agência central. {MARKER}")
    page.click("button:has-text('Enviar manifestação')")
    page.wait_for_url("**/pedidos/*/")
    protocol = page.locator("main").inner_text()
    assert "Protocolo" in protocol or "protocolo" in protocol
    _check(page, f"{tag}-30-ombudsman-protocol")

    page.goto(home + "pedidos/")
    assert page.locator("main a[href*='/pedidos/']").count() >= 1
    _check(page, f"{tag}-31-requests")

    page.goto(_url(world, schema, "/agencia/problema/"))
    _check(page, f"{tag}-32-problem")
    page.fill("#id_description", f"O botão de imprimir não abre no meu celular. {MARKER}")
    page.fill("#id_name", who.name)
    page.click("button:has-text('Enviar')")
    page.wait_for_load_state()
    assert page.locator(".br-message.danger, .agency-error").count() == 0
    _check(page, f"{tag}-33-problem-sent")
    page.context.close()


def test_totem_sign_in_and_bills(browser: Any, world: dict[str, Any]) -> None:
    who: Holder = world["totem"]
    page = _open(browser, TOTEM)
    page.goto(_url(world, "alpha", "/totem/"))
    page.click("#id_account")
    for digit in who.account.replace("-", ""):
        page.click(f".totem-key[data-key='{digit}']")
    page.click("#id_document")
    for digit in who.cpf:
        page.click(f".totem-key[data-key='{digit}']")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"**/totem/imoveis/{who.property_id}/")
    # the totem registers the e-mail with its own keys since 3.2.15.1 (ADR 0224); the ombudsman stays off
    assert page.locator("text=Ouvidoria").count() == 0
    page.click("text=2ª via de conta")
    page.wait_for_url("**/totem/imoveis/*/contas/")
    assert page.locator("tr.agency-bill").count() == 15
    for target in page.locator("tr.agency-bill a, tr.agency-bill button").all()[:6]:
        box = target.bounding_box()
        assert box["height"] >= 48, target.inner_text()  # a finger, not a mouse
    _check(page, "totem-alpha-va-1-bills")
    page.locator(f"tr[data-bill='{who.bills['current']}']").get_by_role(
        "link", name=re.compile("Linha digitável")
    ).click()
    page.wait_for_url("**/totem/imoveis/*/contas/*/linha/")
    _check(page, "totem-alpha-va-2-line")
    page.context.close()

"""In Chromium: the VA-07 alert for a property whose holder has no CPF/CNPJ (no session cookie, the
channels page behind the link) and VA-32's PESQUISAR step of the installment simulator (the
responsible customer's name with the masked CPF, a field error for the sample's 10-digit CPF, the
reactivation option). Same server and helpers as test_browser_services.py; screenshots under
tests/artifacts/portal/."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context
from portal.domain import ALL_TYPES

from .test_browser import DESKTOP, PHONE, _QuietHandler, _ThreadingWSGIServer
from .test_browser_services import Holder, _check, _enter, _holder, _open, _remove, _url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _undocumented(schema: str) -> Holder:
    from modules.registry.services.customers import customer_create
    from tests.registry import factories as f

    with tenant_context(schema):
        customer = customer_create(actor=f.ACTOR, name="Benedita Legado Antigo", cpf_cnpj=None, today=f.TODAY)
        prop = f.prop(holder=customer, lot=random.randint(2000, 9000), block=random.randint(100, 900))
        return Holder(customer.name, "", prop.account_number, prop.pk, schema, {"customer": customer.pk})


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.debt.models import InstallmentPolicyVersion
    from modules.registry.models import Customer, Property
    from portal.models import AgencySettings
    from saas.middleware import host_cache

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs on this thread
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("alpha"):
            agency = AgencySettings.current()
            saved_types = list(agency.request_types)
            saved_fees = dict(InstallmentPolicyVersion.objects.values_list("pk", "reactivation_fee"))
            agency.request_types = [*[t for t in saved_types if t != "document_update"], "document_update"]
            agency.save()
            InstallmentPolicyVersion.objects.update(reactivation_fee="92.35")
        legacy = _undocumented("alpha")
        owing = _holder("alpha", "Pedro Henrique Alves", "owing")
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "legacy": legacy, "owing": owing}
        finally:
            server.shutdown()
            server.server_close()
            _remove([owing])
            with tenant_context("alpha"):
                Property.objects.filter(pk=legacy.property_id).delete()
                Customer.objects.filter(pk=legacy.bills["customer"]).delete()
                AgencySettings.objects.filter(pk=1).update(request_types=saved_types)
                for pk, fee in saved_fees.items():
                    InstallmentPolicyVersion.objects.filter(pk=pk).update(reactivation_fee=fee)
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


@pytest.mark.parametrize("label", ["phone", "desktop"])
def test_the_no_document_alert_and_the_way_to_register_it(
    browser: Any, world: dict[str, Any], label: str
) -> None:
    who: Holder = world["legacy"]
    page = _open(browser, {"phone": PHONE, "desktop": DESKTOP}[label])
    page.goto(_url(world, "alpha", "/agencia/"))
    page.fill("#id_account", who.account)
    page.fill("#id_document", "529.982.247-25")
    page.click("#sign-in-form button[type=submit]")
    alert = page.locator("#document-alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "CPF/CNPJ não cadastrado" in text and ALL_TYPES["document_update"].label in text
    assert page.url.endswith("/agencia/")  # no way in
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    _check(page, f"{label}-alpha-va07-document-alert")
    page.click("#document-alert >> text=Ver os canais de atendimento")
    page.wait_for_url("**/agencia/atendimento/")
    assert "Cadastro do CPF ou CNPJ" in page.locator("main").inner_text()
    _check(page, f"{label}-alpha-va07-channels")
    # the other link: a pass to the CPF/CNPJ update form of this property only, still no session
    page.goto(_url(world, "alpha", "/agencia/"))
    page.fill("#id_account", who.account)
    page.fill("#id_document", "529.982.247-25")
    page.click("#sign-in-form button[type=submit]")
    page.click(f"#document-alert >> text={ALL_TYPES['document_update'].label}")
    page.wait_for_url("**/agencia/cpf-cnpj/**")
    assert who.account in page.locator("main").inner_text()
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    _check(page, f"{label}-alpha-va26-update-with-pass")
    page.context.close()


def test_the_simulator_pesquisar_step(browser: Any, world: dict[str, Any]) -> None:
    who: Holder = world["owing"]
    page = _open(browser, PHONE)
    home = _enter(page, world, who)
    page.goto(home + "parcelamento/")
    page.fill("#cpf", "0015027058")  # the sample's 10 digits
    page.click("button:has-text('Pesquisar')")
    assert "CPF/CNPJ inválido" in page.locator("#cpf-error").inner_text()
    _check(page, "phone-alpha-va32-cpf-invalid")
    page.fill("#cpf", who.cpf)
    page.click("button:has-text('Pesquisar')")
    requester = page.locator("#requester").inner_text()
    assert who.name in requester and who.cpf not in requester and "***." in requester
    page.click("label[for=reativacao-sim]")
    page.click("button:has-text('Calcular')")
    assert page.locator("main .br-message.danger").count() == 0  # the entry restarts at the new minimum
    main = page.locator("main").inner_text()
    assert "reativação de ligação" in main and "Pagamento à vista" in main
    assert "esta simulação não é um contrato" in main
    _check(page, "phone-alpha-va32-pesquisar-reactivation")
    page.context.close()

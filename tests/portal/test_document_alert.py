"""VA-07: a property whose linked customers have no CPF/CNPJ on file. Signing in with one is
impossible, so the agency says how to get it registered — only after the matrícula and its check
digit are right, with no session cookie (web) and no token (API), and a distinct code in the API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modules.common.models import AuditEntry
from modules.registry.domain.account_number import account_check_digit
from modules.registry.models import Property
from modules.registry.services.customers import customer_create, customer_document_register
from modules.registry.services.relations import relation_transfer
from modules.service.models import ServiceRequest
from portal.auth import DOCUMENT_NOT_REGISTERED, SIGN_IN_FAILED
from portal.domain import SignInMode
from portal.models import AgencySettings, CitizenToken
from tests.registry import factories as f

from .conftest import set_mode, sign_in
from .test_sign_in import _wrong_digit

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def services_registry_document(prop: Property) -> str | None:
    return prop.relations.get(end__isnull=True, role="owner").customer.cpf_cnpj


@pytest.fixture
def undocumented(tenant_alpha: Any) -> Property:
    """A legacy property: its holder (owner and responsible for the bill) has no CPF/CNPJ."""
    holder = customer_create(actor=f.ACTOR, name="Maria Aparecida Legado", cpf_cnpj=None, today=f.TODAY)
    return f.prop(holder=holder, number="77")


def _offers_document_update(on: bool) -> None:
    agency = AgencySettings.current()
    types = [t for t in agency.request_types if t != "document_update"]
    agency.request_types = [*types, "document_update"] if on else types
    agency.save()


def test_the_alert_links_the_update_request_and_sets_no_session_cookie(
    alpha_client: Client, undocumented: Property
) -> None:
    _offers_document_update(True)
    response = sign_in(alpha_client, undocumented, f.cpf())
    assert response.status_code == 403
    body = response.content.decode()
    assert "CPF/CNPJ não cadastrado" in body and DOCUMENT_NOT_REGISTERED in body
    link = re.search(r'href="(/agencia/cpf-cnpj/[^"]+/)"', body)
    assert link, "the alert links the CPF/CNPJ update request with a pass"
    assert 'href="/agencia/atendimento/"' in body
    assert "sessionid" not in response.cookies
    assert "portal_grant" not in alpha_client.session
    assert alpha_client.get(f"/agencia/imoveis/{undocumented.pk}/").status_code == 302  # still outside

    # the pass opens that one form (the matrícula, nothing personal), and the request reaches the desk
    form = alpha_client.get(link.group(1))
    assert form.status_code == 200 and undocumented.account_number in form.content.decode()
    assert "Maria Aparecida Legado" not in form.content.decode()
    new_cpf = f.cpf(424_242_424)
    sent = alpha_client.post(
        link.group(1),
        {
            "new_document": new_cpf,
            "name": "Maria Aparecida Legado",
            "phone": "15999991234",
            "email": "maria.legado@example.com",
            "attachments": [SimpleUploadedFile("rg.png", PNG, content_type="image/png")],
        },
    )
    assert sent.status_code == 200 and "Pedido registrado" in sent.content.decode()
    item = ServiceRequest.objects.get(property=undocumented)
    assert (item.type_code, item.new_document) == ("document_update", new_cpf)
    assert item.protocol in sent.content.decode()
    assert services_registry_document(undocumented) is None  # unchanged until the desk approves
    assert "portal_grant" not in alpha_client.session
    # the pass reaches nothing else, and a forged or altered one opens nothing
    assert alpha_client.get(f"/agencia/imoveis/{undocumented.pk}/").status_code == 302
    assert alpha_client.get(link.group(1)[:-6] + "xxxxx/").status_code == 404


def test_an_expired_pass_opens_nothing(alpha_client: Client, undocumented: Property) -> None:
    from portal.views.document_update import document_update_pass

    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)):
        old = document_update_pass(undocumented.pk)
    expired = alpha_client.get(f"/agencia/cpf-cnpj/{old}/")
    assert expired.status_code == 404 and "expirou" in expired.content.decode()


def test_without_the_request_type_the_alert_sends_to_the_channels(
    alpha_client: Client, undocumented: Property
) -> None:
    _offers_document_update(False)
    body = sign_in(alpha_client, undocumented, f.cpf()).content.decode()
    assert "pedidos/novo" not in body
    assert 'href="/agencia/atendimento/"' in body
    channels = alpha_client.get("/agencia/atendimento/").content.decode()
    assert "Canais de atendimento" in channels and "Cadastro do CPF ou CNPJ" in channels


def test_the_alert_never_comes_before_the_check_digit_nor_for_unknown_accounts(
    alpha_client: Client, undocumented: Property
) -> None:
    wrong = alpha_client.post(
        "/agencia/", {"account": _wrong_digit(undocumented.account_number), "document": f.cpf()}
    )
    assert wrong.status_code == 400 and "dígito verificador" in wrong.content.decode()
    assert DOCUMENT_NOT_REGISTERED not in wrong.content.decode()
    bad_cpf = alpha_client.post(
        "/agencia/", {"account": undocumented.account_number, "document": "0015027058"}
    )
    assert bad_cpf.status_code == 400 and DOCUMENT_NOT_REGISTERED not in bad_cpf.content.decode()


def test_a_property_where_someone_has_a_document_keeps_the_one_answer(
    alpha_client: Client, undocumented: Property
) -> None:
    """The owner lacks a document but the tenant (user) has one: somebody can sign in, so a wrong
    CPF is the usual 'wrong or unknown' answer, which tells nothing about the customers."""
    tenant = f.customer("Inquilino Documentado")
    relation_transfer(
        actor=f.ACTOR, prop=undocumented, customer=tenant, role="user", start=f.TODAY, today=f.TODAY
    )
    response = sign_in(alpha_client, undocumented, f.cpf())
    assert response.status_code == 400 and SIGN_IN_FAILED in response.content.decode()
    assert sign_in(alpha_client, undocumented, tenant.cpf_cnpj).status_code == 302


def test_only_the_sign_in_roles_count(alpha_client: Client, undocumented: Property) -> None:
    tenant = f.customer("Inquilino Documentado")
    relation_transfer(
        actor=f.ACTOR, prop=undocumented, customer=tenant, role="user", start=f.TODAY, today=f.TODAY
    )
    agency = AgencySettings.current()
    agency.sign_in_roles = ["owner", "bill_payer"]  # the tenant does not sign in here
    agency.save()
    assert sign_in(alpha_client, undocumented, tenant.cpf_cnpj).status_code == 403


def test_modes_without_a_document_sign_in_as_before(alpha_client: Client, undocumented: Property) -> None:
    set_mode(SignInMode.ACCOUNT_CHECK_DIGIT)
    assert sign_in(alpha_client, undocumented).status_code == 302


def test_once_registered_the_holder_signs_in(alpha_client: Client, undocumented: Property) -> None:
    holder = undocumented.relations.get(role="owner").customer
    customer_document_register(actor=f.ACTOR, customer=holder, cpf_cnpj="529.982.247-25")
    assert sign_in(alpha_client, undocumented, "52998224725").status_code == 302


def test_the_alert_counts_towards_the_account_limit(
    alpha_client: Client, undocumented: Property, settings: Any
) -> None:
    from django.core.cache import cache

    settings.PORTAL_SIGN_IN_LIMIT = 3
    ips = [f"10.7.{undocumented.pk % 250}.{i}" for i in range(4)]
    # account numbers repeat between rolled-back tests: start from clean counters
    for key in [f"portal:signin:acct:{undocumented.account_base}", *(f"portal:signin:ip:{ip}" for ip in ips)]:
        cache.delete(key)
    codes = [
        alpha_client.post(
            "/agencia/", {"account": undocumented.account_number, "document": f.cpf()}, REMOTE_ADDR=ip
        ).status_code
        for ip in ips
    ]
    assert codes == [403, 403, 403, 429]  # per account, from any address


def test_citizen_api_answers_a_distinct_code_and_no_token(
    alpha_client: Client, undocumented: Property
) -> None:
    response = alpha_client.post(
        "/agencia/api/v1/auth/token",
        {"account": undocumented.account_number, "document": f.cpf()},
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    body = response.json()
    assert (body["code"], body["detail"], body["field"]) == (
        "document_not_registered",
        DOCUMENT_NOT_REGISTERED,
        "document",
    )
    assert "token" not in body and CitizenToken.objects.count() == 0
    unknown = alpha_client.post(
        "/agencia/api/v1/auth/token",
        {"account": f"99999-{account_check_digit(99999)}", "document": f.cpf()},
        content_type="application/json",
    )
    assert (unknown.status_code, unknown.json()["code"]) == (400, "sign_in_failed")
    # nothing of the citizen's is written: only the access log's two refused sign-ins
    written = AuditEntry.objects.filter(action__startswith="portal.")
    assert list(written.values_list("action", flat=True)) == ["portal.sign_in_failed"] * 2

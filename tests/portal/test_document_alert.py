"""VA-07: a property whose linked customers have no CPF/CNPJ on file. Signing in with one is
impossible, so the agency says how to get it registered — only after the matrícula and its check
digit are right, with no session cookie (web) and no token (API), and a distinct code in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from modules.common.models import AuditEntry
from modules.registry import services
from modules.registry.domain.account_number import account_check_digit
from modules.registry.models import Property
from portal.auth import DOCUMENT_NOT_REGISTERED, SIGN_IN_FAILED
from portal.domain import SignInMode
from portal.models import AgencySettings, CitizenToken
from tests.registry import factories as f

from .conftest import set_mode, sign_in
from .test_sign_in import _wrong_digit


@pytest.fixture
def undocumented(tenant_alpha: Any) -> Property:
    """A legacy property: its holder (owner and responsible for the bill) has no CPF/CNPJ."""
    holder = services.customer_create(
        actor=f.ACTOR, name="Maria Aparecida Legado", cpf_cnpj=None, today=f.TODAY
    )
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
    assert f'href="/agencia/imoveis/{undocumented.pk}/pedidos/novo/?tipo=document_update"' in body
    assert 'href="/agencia/atendimento/"' in body
    assert "sessionid" not in response.cookies
    assert "portal_grant" not in alpha_client.session
    assert alpha_client.get(f"/agencia/imoveis/{undocumented.pk}/").status_code == 302  # still outside


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
    services.relation_transfer(
        actor=f.ACTOR, prop=undocumented, customer=tenant, role="user", start=f.TODAY, today=f.TODAY
    )
    response = sign_in(alpha_client, undocumented, f.cpf())
    assert response.status_code == 400 and SIGN_IN_FAILED in response.content.decode()
    assert sign_in(alpha_client, undocumented, tenant.cpf_cnpj).status_code == 302


def test_only_the_sign_in_roles_count(alpha_client: Client, undocumented: Property) -> None:
    tenant = f.customer("Inquilino Documentado")
    services.relation_transfer(
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
    services.customer_document_register(actor=f.ACTOR, customer=holder, cpf_cnpj="529.982.247-25")
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
    assert not AuditEntry.objects.filter(action__startswith="portal.").exists()

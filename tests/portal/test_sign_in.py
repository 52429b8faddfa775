"""VA-06 sign-in modes, VA-10 other properties, the one answer for wrong and unknown, throttling,
and the accessors' single 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from modules.registry.domain.account_number import account_check_digit
from portal.auth import SIGN_IN_FAILED
from portal.domain import SignInMode
from tests.registry import factories as f

from .conftest import Citizen, set_mode, sign_in


def _wrong_digit(account_number: str) -> str:
    base, digit = account_number.split("-")
    return f"{base}-{(int(digit) + 1) % 10}"


def test_account_and_the_holders_cpf_open_the_property(alpha_client: Client, citizen: Citizen) -> None:
    response = sign_in(alpha_client, citizen.home, citizen.cpf)
    assert response.status_code == 302
    assert response["Location"] == f"/agencia/imoveis/{citizen.home.pk}/"
    page = alpha_client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Maria da Conceição Souza" in body
    assert citizen.cpf not in body  # never in clear
    assert f"***.{citizen.cpf[3:6]}.{citizen.cpf[6:9]}-**" in body


def test_wrong_cpf_unknown_account_and_unlinked_cpf_all_get_the_same_answer(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    other_cpf = f.cpf()
    unknown = f"99999{account_check_digit(99999)}"
    answers = [
        sign_in(alpha_client, citizen.home, other_cpf),  # valid CPF, no link to the property
        sign_in(alpha_client, citizen.home, stranger.cpf),  # a real customer of another property
        alpha_client.post("/agencia/", {"account": unknown, "document": citizen.cpf}),  # no such account
    ]
    assert {r.status_code for r in answers} == {400}
    for r in answers:
        assert SIGN_IN_FAILED in r.content.decode()
        assert "portal_grant" not in alpha_client.session


def test_a_wrong_check_digit_is_a_typing_error(alpha_client: Client, citizen: Citizen) -> None:
    response = alpha_client.post(
        "/agencia/", {"account": _wrong_digit(citizen.home.account_number), "document": citizen.cpf}
    )
    assert response.status_code == 400
    assert "dígito verificador" in response.content.decode()


@pytest.mark.parametrize("typed", ["{base}{digit}", "{base}.{digit}", "{base}-{digit}"])
def test_the_account_may_be_typed_with_or_without_punctuation(
    alpha_client: Client, citizen: Citizen, typed: str
) -> None:
    base, digit = citizen.home.account_number.split("-")
    response = alpha_client.post(
        "/agencia/", {"account": typed.format(base=base, digit=digit), "document": citizen.cpf}
    )
    assert response.status_code == 302


def test_other_properties_of_the_cpf_are_listed_and_reachable_without_a_new_sign_in(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    body = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/").content.decode()
    assert f"Matrícula {citizen.second.account_number}" in body
    assert stranger.home.account_number not in body
    assert alpha_client.get(f"/agencia/imoveis/{citizen.second.pk}/").status_code == 200


def test_another_citizens_property_and_a_missing_one_answer_the_same_404(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    theirs = alpha_client.get(f"/agencia/imoveis/{stranger.home.pk}/cadastro/")
    missing = alpha_client.get("/agencia/imoveis/987654321/cadastro/")
    assert theirs.status_code == missing.status_code == 404

    def page(response: Any, pk: object) -> str:
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        # the id in a path only, never digits of another number (pk 100 inside matrícula 1001-4)
        return body.replace(nonce, "N").replace(f"/{pk}/", "/X/")

    import difflib

    a, b = page(theirs, stranger.home.pk), page(missing, 987654321)
    assert a == b, "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True)))


def test_an_ended_link_stops_reaching_the_property_at_once(alpha_client: Client, citizen: Citizen) -> None:
    from modules.registry.models import PropertyRelation

    sign_in(alpha_client, citizen.home, citizen.cpf)
    PropertyRelation.objects.filter(property=citizen.second, customer=citizen.customer).update(end=f.TODAY)
    assert alpha_client.get(f"/agencia/imoveis/{citizen.second.pk}/").status_code == 404


def test_account_with_check_digit_only_reaches_that_property_alone(
    alpha_client: Client, citizen: Citizen
) -> None:
    set_mode(SignInMode.ACCOUNT_CHECK_DIGIT)
    response = sign_in(alpha_client, citizen.home)
    assert response.status_code == 302
    body = alpha_client.get(response["Location"]).content.decode()
    assert "Maria C. S." in body  # no CPF proved: the holder's name abbreviated
    assert "Outros imóveis" not in body
    assert alpha_client.get(f"/agencia/imoveis/{citizen.second.pk}/").status_code == 404
    # changing the holder's data needs the CPF/CNPJ
    assert alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/vencimento/").status_code == 200
    post = alpha_client.post(f"/agencia/imoveis/{citizen.home.pk}/vencimento/", {"day": 10})
    assert post.status_code == 302
    assert "Para alterar dados do cadastro" in alpha_client.get(post["Location"]).content.decode()


def test_account_only_mode_is_consultation_only(alpha_client: Client, citizen: Citizen) -> None:
    set_mode(SignInMode.ACCOUNT_ONLY)
    base = citizen.home.account_number.split("-")[0]
    response = alpha_client.post("/agencia/", {"account": base})
    assert response.status_code == 302
    home = alpha_client.get(response["Location"]).content.decode()
    assert "Pedir um serviço" not in home
    denied = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/novo/")
    assert denied.status_code == 302


def test_sign_in_is_throttled_per_ip_and_per_account_with_429(
    settings: Any, alpha_client: Client, citizen: Citizen
) -> None:
    from django.core.cache import cache

    settings.PORTAL_SIGN_IN_LIMIT = 3
    unique_ip = f"10.9.{citizen.home.pk % 250}.{citizen.customer.pk % 250}"
    # account numbers repeat between rolled-back tests: start from clean counters
    for key in [f"portal:signin:ip:{unique_ip}", *(f"portal:signin:ip:10.8.0.{i}" for i in range(5))] + [
        f"portal:signin:acct:{p.account_base}" for p in (citizen.home, citizen.second)
    ]:
        cache.delete(key)
    wrong = f.cpf()
    codes = [
        alpha_client.post(
            "/agencia/",
            {"account": citizen.home.account_number, "document": wrong},
            REMOTE_ADDR=f"10.8.0.{i}",
        ).status_code
        for i in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]  # per account: 3 failures, from any address
    per_ip = [
        alpha_client.post(
            "/agencia/",
            {"account": citizen.second.account_number, "document": citizen.cpf},
            REMOTE_ADDR=unique_ip,
        ).status_code
        for _ in range(4)
    ]
    assert per_ip[:3] == [302, 302, 302] and per_ip[3] == 429


def test_a_property_of_alpha_cannot_be_reached_from_betas_host(citizen: Citizen, beta_client: Client) -> None:
    response = sign_in(beta_client, citizen.home, citizen.cpf)
    assert response.status_code == 400
    assert SIGN_IN_FAILED in response.content.decode()


def test_sign_out_ends_the_session(alpha_client: Client, citizen: Citizen) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    assert alpha_client.post("/agencia/sair/").status_code == 302
    assert alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/").status_code == 302


def test_a_web_session_is_not_a_totem_session(alpha_client: Client, citizen: Citizen) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    response = alpha_client.get(f"/totem/imoveis/{citizen.home.pk}/")
    assert response.status_code == 302 and response["Location"] == "/totem/"


def test_citizen_sign_ins_good_and_bad_are_in_the_access_log(alpha_client: Client, citizen: Citizen) -> None:
    from modules.common.models import AuditEntry

    set_mode("account_check_digit_and_document")
    wrong = sign_in(alpha_client, citizen.home, "529.982.247-25")
    right = sign_in(alpha_client, citizen.home, citizen.cpf)

    assert wrong.status_code != 302 and right.status_code == 302
    rows = list(AuditEntry.objects.filter(action__startswith="portal.sign_in").order_by("id"))
    assert [(r.action, r.object_id, r.after) for r in rows] == [
        ("portal.sign_in_failed", str(citizen.home.pk), {"channel": "web"}),
        ("portal.sign_in", str(citizen.home.pk), {"channel": "web"}),
    ]
    assert all(citizen.cpf not in str(r.after) and r.ip for r in rows)

"""What citizens read in the agency and the totem is pt-BR without jargon: every page a citizen opens
(signed in or not, with bills, a payment, a protocol and a certificate to show), rendered, its
visible text and the attributes people hear or see (alt, title, aria-label, placeholder, button
values) has no English word of tests/common/test_pt_br_words.py, no developer's word ("gateway",
"token", "webhook", "status"…) and no raw code (`waiting_payment`); nor do the citizen API's
refusals a mobile app shows as they come."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from django.test import Client

from modules.billing.models import BillStatus
from modules.collection.models import GatewayCharge
from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.debt import services as debt_services
from portal.bills import charge_label
from tests.billing.factories import approved_tariff
from tests.collection import factories as cf
from tests.common.test_pt_br_words import ENGLISH

from .conftest import WEBHOOK_BASIC, WEBHOOK_TOKEN, Citizen, sign_in

# a developer's words, never a citizen's (issue 12: "Seleção de faturas (gateway)")
JARGON = re.compile(
    r"\b(gateway|token|webhook|status|checkout|callback|endpoint|payload|authorization|header|bearer"
    r"|null|none|true|false)\b",
    re.I,
)
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # a snake_case code shown as it is stored
FIELD_NAME = re.compile(r"^[a-z_]+:")  # a message that starts with the API's field name ("months: …")


class _Visible(HTMLParser):
    """The text a person reads or hears on a page: no script or style, nor a code to copy as it is
    (the typeable line, PIX copia e cola in <code>)."""

    SKIP = frozenset({"script", "style", "template", "code"})
    READ = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        values = dict(attrs)
        self.parts += [v for k in self.READ if (v := values.get(k))]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def leaks(text: str) -> list[str]:
    patterns = (ENGLISH, JARGON, RAW_CODE, FIELD_NAME)
    found = [m.group(0) for pattern in patterns for m in pattern.finditer(text)]
    return sorted(set(found))


def _check(client: Client, url: str, problems: dict[str, list[str]], status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    body = response.content.decode()
    words = leaks(visible_text(body))
    if words:
        problems[url] = words
    return body


SIMPLE_TARIFF = {
    "code": "RES",
    "name": "Residencial",
    "minimum_m3_per_unit": 0,
    "sewer_percent": "80",
    "bands": [{"from_m3": 0, "to_m3": 10, "price": "2.00"}, {"from_m3": 11, "to_m3": None, "price": "3.00"}],
    "fixed_charges": [],
}


@pytest.fixture
def owing(citizen: Citizen) -> dict[str, Any]:
    """Maria's home owes two bills (one overdue) and has a paid one; her second property owes none
    and has a certificate; the utility has a tariff in force."""
    today = tenant_today()
    approved_tariff(act="Resolução 1/2025", categories=[SIMPLE_TARIFF])  # before any bill

    def month(back: int) -> dt.date:
        index = today.year * 12 + today.month - 1 - back
        return dt.date(index // 12, index % 12 + 1, 1)

    p = citizen.home
    made: dict[str, Any] = {
        "paid": cf.bill(p, "38.00", today - dt.timedelta(days=70), month(3), status=BillStatus.PAID),
        "overdue": cf.bill(p, "42.70", today - dt.timedelta(days=40), month(2)),
        "open": cf.bill(p, "61.00", today + dt.timedelta(days=20), month(1)),
    }
    made["certificate"] = debt_services.certificate_issue(
        actor=SystemActor("tests"), property_id=citizen.second.pk, today=today
    )
    return made


PROPERTY_PAGES = (
    "",
    "cadastro/",
    "contas/",
    "extrato/",
    "pagamentos/",
    "consumo/",
    "certidao/",
    "declaracao-anual/",
    "parcelamento/",
    "vencimento/",
    "pedidos/",
    "pedidos/novo/",
    "cpf-cnpj/",
)


def test_no_english_jargon_or_raw_code_on_the_agencys_pages(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, owing: dict[str, Any], fake: Any
) -> None:
    problems: dict[str, list[str]] = {}
    # before signing in, and the refusals of the sign-in page
    for url in ("/agencia/", "/totem/", "/agencia/atendimento/", "/agencia/privacidade/", "/agencia/termos/"):
        _check(alpha_client, url, problems)
    for url in ("/agencia/tarifas/", "/agencia/simulador-de-conta/", "/agencia/problema/"):
        _check(alpha_client, url, problems)
    _check(
        alpha_client,
        "/agencia/simulador-de-conta/?category=RES&dwelling_units=1&consumption_m3=12&service=water_sewer",
        problems,
    )
    _check(alpha_client, "/agencia/email/confirmar/nao-vale/", problems, status=404)
    failed = alpha_client.post(
        "/agencia/", {"account": citizen.home.account_number, "document": stranger.cpf}
    )
    assert failed.status_code == 400
    if words := leaks(visible_text(failed.content.decode())):
        problems["POST /agencia/ (recusa)"] = words

    # signed in, with something to show on every page
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}/"
    request = alpha_client.post(
        f"{base}pedidos/novo/",
        {"type": "water_shortage", "name": "Maria", "phone": "(15) 99999-1234", "email": "maria@example.com"},
    )
    assert request.status_code == 302, request.content.decode()[:2000]
    charge = alpha_client.post(f"{base}pagar/", {"bills": [owing["open"].pk], "method": "pix"})
    assert charge.status_code == 302
    for tail in PROPERTY_PAGES:
        _check(alpha_client, base + tail, problems)
    for url in (
        request["Location"],
        charge["Location"],
        f"{base}contas/{owing['open'].pk}/linha/",
        f"{base}pagar/?bills={owing['open'].pk}",
        f"{base}pagar/cartao/?bills={owing['open'].pk}",
        f"{base}email/",
        f"{base}ouvidoria/",
        f"/agencia/imoveis/{citizen.second.pk}/certidao/{owing['certificate'].pk}/",
    ):
        _check(alpha_client, url, problems)
    _check(alpha_client, f"/agencia/imoveis/{stranger.home.pk}/", problems, status=404)
    status = alpha_client.get(charge["Location"] + "situacao.json").json()
    if words := leaks(status["label"]):
        problems["situacao.json label"] = words
    # paid through the fake gateway's webhook: the charge, the bills and the payments say so
    paid = GatewayCharge.objects.get(pk=int(charge["Location"].rstrip("/").rsplit("/", 1)[1]))
    event = requests.post(f"{fake.url}/_fake/charges/{paid.charge_id}/pay", json={}, timeout=5).json()
    settled = alpha_client.post(
        f"/webhooks/pagarme/{WEBHOOK_TOKEN}", event, content_type="application/json", **WEBHOOK_BASIC
    )
    assert settled.status_code == 200, settled.content
    for url in (charge["Location"], f"{base}contas/", f"{base}pagamentos/", f"{base}extrato/"):
        _check(alpha_client, url, problems)

    # the totem: its own sign-in, home and pages
    totem = Client(HTTP_HOST=alpha_client.defaults["HTTP_HOST"])
    sign_in(totem, citizen.home, citizen.cpf, prefix="/totem/")
    for tail in ("", "contas/", "pedidos/", "tarifas/"):
        url = "/totem/tarifas/" if tail == "tarifas/" else f"/totem/imoveis/{citizen.home.pk}/{tail}"
        _check(totem, url, problems)

    assert problems == {}


def test_the_citizen_apis_refusals_are_plain_pt_br(alpha_client: Client, citizen: Citizen) -> None:
    """What the mobile app shows as it comes: the `detail` of the API's refusals."""
    api = "/agencia/api/v1"
    bad_token = alpha_client.get(f"{api}/properties", HTTP_AUTHORIZATION="Bearer nao-vale")
    broken = alpha_client.get(f"{api}/properties", HTTP_AUTHORIZATION="Bearer dois pedaços")
    refused = alpha_client.post(
        f"{api}/auth/token", {"account": citizen.home.account_number, "document": "52998224725"}
    )
    token = alpha_client.post(
        f"{api}/auth/token", {"account": citizen.home.account_number, "document": citizen.cpf}
    ).json()["token"]
    months = alpha_client.get(
        f"{api}/properties/{citizen.home.pk}/consumption?months=7", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    missing = alpha_client.get(f"{api}/properties/987654321", HTTP_AUTHORIZATION=f"Bearer {token}")

    answers = {"token": bad_token, "header": broken, "sign-in": refused, "months": months, "missing": missing}
    assert {k: r.status_code for k, r in answers.items()} == {
        "token": 401,
        "header": 401,
        "sign-in": 400,
        "months": 400,
        "missing": 404,
    }
    assert {k: leaks(r.json()["detail"]) for k, r in answers.items()} == {k: [] for k in answers}


@pytest.mark.parametrize("status", ["", "pending", "paid", "chargedback", "authorized_pending_capture"])
def test_a_charges_label_is_a_word_whatever_the_gateway_answers(status: str) -> None:
    label = charge_label(GatewayCharge(status=status))
    assert label and leaks(label) == [], label

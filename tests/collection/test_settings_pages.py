"""Collection's settings pages (pt-BR, function `collection.settings`, reachable from "Configurações"):
agents listed, registered, changed and deactivated; a month's rate typed and a BCB CSV imported on
the index page; a new late-charge policy version; who changed what and when under each; a view-only
profile sees them disabled and cannot post."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modules.access.models import Profile
from modules.collection.models import CollectingAgent, IndexRate, LateChargePolicyVersion
from modules.common.models import AuditEntry
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
PASSWORD = "Senha-forte-123"


@pytest.fixture
def gestor(alpha_client: Client) -> Client:
    user = make_user("alpha", "gestora-arrec", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Gestor"))
    alpha_client.force_login(user)
    return alpha_client


def test_the_menu_has_the_settings_under_configuracoes(gestor: Client) -> None:
    home = gestor.get("/").content.decode()
    assert "Configurações" in home
    for url in ("/arrecadacao/configuracoes/agentes/", "/arrecadacao/configuracoes/indices/",
                "/arrecadacao/configuracoes/acrescimos/"):  # fmt: skip
        assert f'href="{url}"' in home


def test_a_clerk_registers_changes_and_deactivates_an_agent_on_the_pages(gestor: Client) -> None:
    page = gestor.get("/arrecadacao/configuracoes/agentes/")
    assert page.status_code == 200 and "Histórico de alterações" in page.content.decode()
    form = {
        "code": "001",
        "name": "Banco do Brasil",
        "kind": "bank",
        "agreement_code": "110288",
        "fee_per_payment": "0,98",
        "credit_days": "2",
        "active": "on",
    }
    saved = gestor.post("/arrecadacao/configuracoes/agentes/novo/", form)
    assert saved.status_code == 302, saved.content.decode()
    agent = CollectingAgent.objects.get(code="001")
    assert (agent.agreement_code, agent.fee_per_payment, agent.credit_days) == ("110288", Decimal("0.98"), 2)
    listed = gestor.get("/arrecadacao/configuracoes/agentes/").content.decode()
    assert "Banco do Brasil" in listed and "Agente arrecadador cadastrado" in listed
    assert "já podem ser importados" in listed

    taken = gestor.post("/arrecadacao/configuracoes/agentes/novo/", {**form, "code": "104", "name": "Caixa"})
    assert taken.status_code == 400
    assert "O convênio 110288 já é do agente 001 – Banco do Brasil" in taken.content.decode()
    assert not CollectingAgent.objects.filter(code="104").exists()

    edit = f"/arrecadacao/configuracoes/agentes/{agent.pk}/"
    changed = gestor.post(edit, {**form, "code": "999", "name": "Banco do Brasil S.A."})
    assert changed.status_code == 302
    agent.refresh_from_db()
    assert (agent.code, agent.name) == ("001", "Banco do Brasil S.A.")  # the code does not change
    off = gestor.post(edit, {"toggle": "disable"})
    assert off.status_code == 302
    agent.refresh_from_db()
    assert not agent.active
    history = gestor.get(edit).content.decode()
    assert "Agente inativo" in history and "Banco do Brasil S.A." in history
    assert AuditEntry.objects.filter(action="collection.agent_change", object_id=str(agent.pk)).count() == 2


def test_rates_are_typed_and_imported_on_the_index_page(gestor: Client) -> None:
    url = "/arrecadacao/configuracoes/indices/SELIC/"
    assert "Taxa provisória: <strong>1 %</strong>" in gestor.get(url).content.decode()
    typed = gestor.post(url, {"form": "rate", "rate-month": "2026-10", "rate-rate_percent": "0,93"})
    assert typed.status_code == 302
    assert IndexRate.objects.get().rate == Decimal("0.009300")
    csv = SimpleUploadedFile("sgs.csv", b'"data";"valor"\n"01/11/2026";"0,95"\n"15/12/2026";"1"\n')
    refused = gestor.post(url, {"form": "csv", "csv-file": csv})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Linha 3, campo data" in body and "nada foi registrado" in body
    assert IndexRate.objects.count() == 1
    csv = SimpleUploadedFile("sgs.csv", b'"data";"valor"\n"01/11/2026";"0,95"\n')
    imported = gestor.post(url, {"form": "csv", "csv-file": csv})
    assert imported.status_code == 302
    page = gestor.get(url).content.decode()
    assert "0,95 %" in page and "Importada do CSV do Banco Central" in page
    assert "Taxa mensal registrada" in page
    overview = gestor.get("/arrecadacao/configuracoes/indices/").content.decode()
    assert "SELIC" in overview and "IPCA" in overview


def test_a_new_policy_version_is_added_on_the_page(gestor: Client) -> None:
    url = "/arrecadacao/configuracoes/acrescimos/"
    page = gestor.get(url).content.decode()
    assert "em vigor" in page and "Política padrão (TR §13.9)" in page
    form = {
        "effective_from": "2027-01-01",
        "resolution": "Decreto 123/2026",
        "fine_percent": "2",
        "interest_method": "pro_rata_die",
        "interest_percent": "1",
        "interest_index": "SELIC",
        "correction_index": "",
        "rounding": "truncate",
    }
    assert gestor.post(url, form).status_code == 302
    version = LateChargePolicyVersion.objects.get(effective_from="2027-01-01")
    assert (version.fine_rate, version.interest_method, version.created_by) == (
        Decimal("0.0200"),
        "pro_rata_die",
        "gestora-arrec",
    )
    again = gestor.post(url, form)
    assert again.status_code == 400 and "Já há uma versão com início em 01/01/2027" in again.content.decode()
    assert "Nova versão da política de acréscimos" in gestor.get(url).content.decode()


def test_a_view_only_profile_sees_the_pages_but_cannot_post(alpha_client: Client) -> None:
    user = make_user("alpha", "consulta-arrec", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Consulta"))
    alpha_client.force_login(user)
    for url in ("/arrecadacao/configuracoes/agentes/", "/arrecadacao/configuracoes/indices/SELIC/",
                "/arrecadacao/configuracoes/acrescimos/"):  # fmt: skip
        assert alpha_client.get(url).status_code == 200
    assert alpha_client.get("/arrecadacao/configuracoes/agentes/novo/").status_code == 403
    assert (
        alpha_client.post(
            "/arrecadacao/configuracoes/acrescimos/", {"effective_from": "2027-01-01"}
        ).status_code
        == 403
    )
    rate = {"form": "rate", "rate-month": "2026-10", "rate-rate_percent": "0,93"}
    assert alpha_client.post("/arrecadacao/configuracoes/indices/SELIC/", rate).status_code == 403
    assert not IndexRate.objects.exists()
    assert LateChargePolicyVersion.objects.count() == 1


def test_the_policy_page_simulates_with_the_registered_and_provisional_rates(gestor: Client) -> None:
    from modules.collection import index_rates
    from modules.collection.models import IndexSeries
    from modules.common.audit import SystemActor
    from modules.common.domain.dates import YearMonth

    index_rates.rate_record(
        actor=SystemActor("tests"),
        series=IndexSeries.objects.get(code="SELIC"),
        month=YearMonth(2026, 10),
        rate=Decimal("0.0093"),
    )
    page = gestor.get(
        "/arrecadacao/configuracoes/acrescimos/",
        {"amount": "100,00", "due_date": "2026-09-10", "paid_on": "2026-11-05"},
    ).content.decode()
    assert "R$ 103,97" in page
    assert "0,93 %" in page and "cadastrada" in page
    assert page.count("provisória</span>") == 1  # November: not registered

"""Staff pages of service as a supervisor uses them: the menu, service codes with their price
history, teams with members, materials and kits, the deadline queue with the overdue highlighted,
and an order opened, scheduled, postponed and closed from its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.service.models import PendingCharge, ServiceCode, ServiceOrder, Team
from tests.conftest import make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    make_user("alpha", "supervisora", PASSWORD, full_name="Supervisora", is_admin=True)
    assert (
        alpha_client.post("/conta/entrar/", {"username": "supervisora", "password": PASSWORD}).status_code
        == 302
    )
    return alpha_client


def test_the_menu_reaches_every_page(staff) -> None:
    home = staff.get("/").content.decode()
    for url in (
        "/servicos/ordens/",
        "/servicos/ordens/nova/",
        "/servicos/codigos/",
        "/servicos/equipes/",
        "/servicos/materiais/",
    ):
        assert url in home
        assert staff.get(url).status_code == 200


def test_a_service_code_is_created_and_its_price_history_grows(staff) -> None:
    created = staff.post(
        "/servicos/codigos/novo/",
        {
            "code": "LIG01",
            "description": "Ligação de água",
            "billing_type": "mandatory",
            "unit": "un",
            "deadline_value": "2",
            "deadline_unit": "business_days",
            "priority": "3",
            "crew_size": "2",
            "max_postponements": "1",
            "max_installments": "3",
            "min_down_payment_percent": "0",
            "print_layouts": "Padrão\nCampo",
            "is_active": "on",
            "price": "35,00",
        },
    )
    assert created.status_code == 302, created.content.decode()
    code = ServiceCode.objects.get(code="LIG01")
    assert code.print_layouts == ["Padrão", "Campo"] and code.crew_size == 2
    added = staff.post(
        f"/servicos/codigos/{code.pk}/",
        {"action": "price", "price-valid_from": "2026-06-01", "price-price": "38,00"},
    )
    assert added.status_code == 302
    page = staff.get(f"/servicos/codigos/{code.pk}/").content.decode()
    assert "Preço em vigor hoje: <strong>R$ 35,00</strong>" in page
    assert "01/06/2026" in page and "(futura)" in page and "38,00" in page
    assert "Histórico de alterações" in page and "Preço de serviço definido" in page
    listing = staff.get("/servicos/codigos/").content.decode()
    assert "LIG01" in listing and "2 dias úteis" in listing and "35,00" in listing


def test_a_bad_code_form_names_the_field_and_writes_nothing(staff) -> None:
    response = staff.post(
        "/servicos/codigos/novo/",
        {
            "code": "X1",
            "description": "",
            "billing_type": "mandatory",
            "deadline_value": "0",
            "deadline_unit": "hours",
        },
    )
    assert response.status_code == 400
    assert "Este campo é obrigatório" in response.content.decode()
    assert not ServiceCode.objects.exists()


def test_teams_sectors_vehicles_and_members(staff) -> None:
    assert staff.post("/servicos/equipes/", {"action": "sector", "sector-name": "Redes"}).status_code == 302
    assert (
        staff.post("/servicos/equipes/", {"action": "team", "team-name": "Equipe Norte"}).status_code == 302
    )
    bad_plate = staff.post("/servicos/equipes/", {"action": "vehicle", "vehicle-plate": "AB-12"})
    assert bad_plate.status_code == 400 and "Placa inválida" in bad_plate.content.decode()
    assert (
        staff.post("/servicos/equipes/", {"action": "vehicle", "vehicle-plate": "abc1d23"}).status_code == 302
    )
    team = Team.objects.get(name="Equipe Norte")
    worker = make_user("alpha", "joao.campo", PASSWORD, full_name="João do Campo")
    joined = staff.post(f"/servicos/equipes/{team.pk}/", {"user": worker.pk, "start": "2026-04-01"})
    assert joined.status_code == 302
    page = staff.get("/servicos/equipes/").content.decode()
    assert "João do Campo" in page and "ABC1D23" in page and "Redes" in page


def test_materials_and_a_kit(staff) -> None:
    assert (
        staff.post(
            "/servicos/materiais/",
            {
                "action": "material",
                "material-code": "tubo20",
                "material-description": "Tubo 20 mm",
                "material-unit": "m",
                "material-price": "12,50",
            },
        ).status_code
        == 302
    )
    refused = staff.post(
        "/servicos/materiais/",
        {"action": "kit", "kit-code": "K1", "kit-description": "Kit", "kit-items": "NAO 2"},
    )
    assert refused.status_code == 400 and "Material NAO não encontrado" in refused.content.decode()
    assert (
        staff.post(
            "/servicos/materiais/",
            {"action": "kit", "kit-code": "K1", "kit-description": "Kit ligação", "kit-items": "TUBO20 6"},
        ).status_code
        == 302
    )
    tubo = f.Material.objects.get(code="TUBO20")
    raised = staff.post(
        "/servicos/materiais/",
        {
            "action": "price",
            "price-material": tubo.pk,
            "price-valid_from": "2026-05-01",
            "price-price": "13,10",
        },
    )
    assert raised.status_code == 302
    page = staff.get("/servicos/materiais/").content.decode()
    assert "12,50" in page and "6 m de Tubo 20 mm" in page and "01/05/2026: R$ 13,10" in page


def test_the_queue_highlights_the_overdue_and_an_order_is_worked_from_its_page(staff) -> None:
    f.code("LIG01", max_postponements=1)
    f.code(
        "VAZ01",
        description="Vazamento",
        priority=1,
        deadline_value=2,
        deadline_unit="hours",
        billing_type="not_billable",
        price=None,
    )
    team = f.team()
    prop = reg.prop()
    opened = staff.post(
        "/servicos/ordens/nova/",
        {"account": prop.account_number, "code": "LIG01", "description": "Pedido no balcão"},
    )
    assert opened.status_code == 302
    order = ServiceOrder.objects.get(code__code="LIG01")
    from modules.service.services import orders as svc

    svc.order_open(
        actor=f.ACTOR, code="VAZ01", property_id=prop.pk, opened_at=dt.datetime(2026, 4, 17, 8, tzinfo=dt.UTC)
    )
    queue = staff.get("/servicos/ordens/").content.decode()
    assert 'class="overdue"' in queue and "atrasada há" in queue
    rows = queue[queue.index("<tbody>") :]
    assert rows.index("VAZ01 — Vazamento") < rows.index("LIG01 — Ligação de água")

    missing = staff.post("/servicos/ordens/nova/", {"account": "9999999", "code": "LIG01"})
    assert missing.status_code == 400 and "Nenhum imóvel com esta matrícula" in missing.content.decode()

    url = f"/servicos/ordens/{order.pk}/"
    page = staff.get(url).content.decode()
    assert "Pendente" in page and "Programar para uma equipe" in page and "restam" in page
    assert (
        staff.post(
            url, {"action": "schedule", "schedule-team": team.pk, "schedule-day": "2026-04-20"}
        ).status_code
        == 302
    )
    assert (
        staff.post(
            url,
            {"action": "postpone", "postpone-due_at": "2026-04-24T10:00", "postpone-reason": "Cliente pediu"},
        ).status_code
        == 302
    )
    again = staff.post(
        url, {"action": "postpone", "postpone-due_at": "2026-04-28T10:00", "postpone-reason": "De novo"}
    )
    assert (
        again.status_code == 400 and "o máximo que o código de serviço permite (1)" in again.content.decode()
    )
    no_team = staff.post(
        url,
        {
            "action": "close",
            "close-executed": "1",
            "close-executed_at": "2026-04-17T13:00",
            "close-quantity": "1",
        },
    )
    assert no_team.status_code == 400 and "Informe a equipe" in no_team.content.decode()
    closed = staff.post(
        url,
        {
            "action": "close",
            "close-executed": "1",
            "close-executed_at": "2026-04-17T13:00",
            "close-team": team.pk,
            "close-quantity": "1",
            "close-notes": "Feito",
        },
    )
    assert closed.status_code == 302
    order.refresh_from_db()
    assert order.status == "executed" and order.postponements == 1
    assert PendingCharge.objects.get(order=order).amount == Decimal("35.00")
    page = staff.get(url).content.decode()
    assert "Executada" in page and "Cobranças na próxima fatura" in page and "R$ 35,00" in page
    assert (
        "Andamento" in page
        and "Programada para Equipe Norte em 20/04/2026" in page
        and "Novo prazo 24/04/2026 10:00" in page
    )
    assert "gerar retrabalho" in page
    reworked = staff.post(url, {"action": "rework", "rework-reason": "Vazamento no cavalete"}, follow=True)
    assert "Retrabalho aberto: OS 2026/" in reworked.content.decode()
    rework = ServiceOrder.objects.get(parent=order)
    assert f"OS {rework.label}</a> (retrabalho" in staff.get(url).content.decode()
    assert (
        f'Retrabalho de</dt><dd><a href="/servicos/ordens/{order.pk}/">OS {order.label}'
        in staff.get(f"/servicos/ordens/{rework.pk}/").content.decode()
    )

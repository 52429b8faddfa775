"""The staff pages of the cut-off side: the policy settings (defaults on a fresh utility, a refusal
of what the law forbids on its field), the ladder's preview and run, the notices with their actions
and blocks, the cut-order queue; the property's timeline shows the collection actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from modules.access.models import Profile
from modules.common.audit import SystemActor
from modules.debt.models import CollectionBlock, CollectionEvent, CutNotice, CutoffPolicy
from modules.registry.services.connections import connection_create
from modules.service.models import ServiceOrder
from tests.collection import factories as cf
from tests.conftest import TENANTS, host_client, make_user
from tests.registry import factories as reg

PASSWORD = "Senha-forte-123"
ACTOR = SystemActor("tests")
FORM = {
    "effective_from": "2026-04-13",
    "notice_days": "20",
    "forbidden_weekdays": ["3", "4", "5", "6"],
    "forbid_holiday_eve": "on",
    "observe_optional_holidays": "on",
    "business_start": "08:00",
    "business_end": "16:00",
    "min_overdue_bills": "1",
    "min_debt": "10,00",
    "min_days_overdue": "15",
    "notice_fee": "0,00",
    "print_barcode": "on",
    "protected_categories": "PUB",
    "notice_message": "Evite o corte: pague até a data.",
    "order_priority": "amount",
    "max_orders_per_day": "40",
    "min_notice_amount": "20,00",
    "order_message": "",
    "second_level_after_days": "30",
    "reconnection_hours": "24",
    "reminder_days_overdue": "3",
    "daily_steps": ["cut_notice"],
}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 4, 13, 13, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha: Any) -> Client:
    make_user("alpha", "gestora", PASSWORD, full_name="Gestora Teste").profiles.add(
        Profile.objects.get(name="Gestor")
    )
    client = host_client(TENANTS["alpha"])
    assert client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    return client


def _owing() -> Any:
    p = reg.prop(holder=reg.customer())
    connection_create(
        actor=ACTOR,
        prop=p,
        kind="water",
        situation="connected",
        since=dt.date(2020, 1, 1),
        today=dt.date(2026, 4, 13),
    )
    cf.bill(p, "70.00", dt.date(2026, 3, 10))
    return p


def test_the_policy_page_shows_the_defaults_saves_a_version_and_refuses_a_friday_cut(staff: Client) -> None:
    page = staff.get("/cobranca/configuracoes/corte/")
    assert page.status_code == 200
    assert "valores padrão" in page.content.decode()
    assert page.context["form"]["notice_days"].value() == 15
    saved = staff.post("/cobranca/configuracoes/corte/", FORM)
    assert saved.status_code == 302
    row = CutoffPolicy.objects.get()
    assert (row.notice_days, row.forbidden_weekdays, row.order_priority) == (20, [3, 4, 5, 6], "amount")
    assert row.protected_categories == ["PUB"] and row.daily_steps == ["cut_notice"]
    refused = staff.post("/cobranca/configuracoes/corte/", {**FORM, "forbidden_weekdays": ["5", "6"]})
    assert refused.status_code == 200
    assert "sexta-feira" in refused.context["form"].errors["forbidden_weekdays"][0]
    assert CutoffPolicy.objects.get().forbidden_weekdays == [3, 4, 5, 6]


def test_the_ladder_page_previews_then_runs_the_same_selection_once(staff: Client) -> None:
    p = _owing()
    preview = staff.get("/cobranca/regua/", {"step": "cut_notice", "as_of": "2026-04-13"})
    assert preview.status_code == 200
    assert preview.context["result"].properties == 1
    assert not CutNotice.objects.exists()
    run = staff.post("/cobranca/regua/", {"step": "cut_notice", "as_of": "2026-04-13"})
    assert run.status_code == 302
    staff.post("/cobranca/regua/", {"step": "cut_notice", "as_of": "2026-04-13"})
    assert CutNotice.objects.filter(property=p).count() == 1
    timeline = staff.get(reverse("service:desk_timeline", args=[p.pk]))
    assert timeline.status_code == 200
    assert "Aviso de corte nº" in timeline.content.decode()


def test_the_notices_page_cancels_reschedules_and_blocks(staff: Client) -> None:
    p = _owing()
    staff.post("/cobranca/regua/", {"step": "cut_notice", "as_of": "2026-04-13"})
    notice = CutNotice.objects.get()
    page = staff.get("/cobranca/avisos-de-corte/")
    assert page.status_code == 200 and notice.number in page.content.decode()
    early = staff.post(
        f"/cobranca/avisos-de-corte/{notice.pk}/nova-data/", {"cut_from": "2026-04-20", "reason": "x"}
    )
    assert early.status_code == 302
    notice.refresh_from_db()
    assert notice.cut_from == dt.date(2026, 4, 28)  # refused: before the earliest legal day
    staff.post(
        f"/cobranca/avisos-de-corte/{notice.pk}/nova-data/", {"cut_from": "2026-05-05", "reason": "Pedido"}
    )
    notice.refresh_from_db()
    assert notice.cut_from == dt.date(2026, 5, 5)
    staff.post(f"/cobranca/avisos-de-corte/{notice.pk}/cancelar/", {"reason": "Contestação"})
    notice.refresh_from_db()
    assert notice.status == CutNotice.Status.CANCELLED
    staff.post("/cobranca/bloqueios/", {"account": p.account_number, "scope": "both", "reason": "Liminar"})
    assert CollectionBlock.objects.filter(property=p, scope="both").count() == 1
    assert staff.get("/cobranca/ordens-de-corte/").status_code == 200
    # 3.2.9.9, .10, .15: each change opened its automatic service order (user, date, parecer), on a
    # fresh utility (the code is made on first use); the refused date change opened none
    orders = list(ServiceOrder.objects.filter(property=p, code__code="COBADM").order_by("id"))
    assert [o.opened_by for o in orders] == ["gestora"] * 3
    assert "de 28/04/2026 para 05/05/2026. Parecer: Pedido" in orders[0].description
    assert f"Cancelamento do aviso de corte nº {notice.number}. Parecer: Contestação" == orders[1].description
    assert orders[2].description == "Bloqueio de avisos e ordens de corte. Parecer: Liminar"
    summaries = list(CollectionEvent.objects.filter(property=p).values_list("summary", flat=True))
    assert sum(f"(OS {o.label})" in s for o in orders for s in summaries) == 3


def test_a_consult_profile_sees_the_pages_but_cannot_run_or_change(tenant_alpha: Any) -> None:
    make_user("alpha", "consulta", PASSWORD).profiles.add(Profile.objects.get(name="Consulta"))
    client = host_client(TENANTS["alpha"])
    client.post("/conta/entrar/", {"username": "consulta", "password": PASSWORD})
    _owing()
    assert client.get("/cobranca/regua/").status_code == 200
    assert client.post("/cobranca/regua/", {"step": "cut_notice", "as_of": "2026-04-13"}).status_code == 403
    assert client.post("/cobranca/configuracoes/corte/", FORM).status_code == 403
    assert not CutNotice.objects.exists() and not CutoffPolicy.objects.exists()


def test_the_agency_shows_the_citizen_the_pending_notice_and_its_cut_day(staff: Client) -> None:
    from tests.portal.conftest import sign_in

    maria = reg.customer("Maria Avisada")
    p = reg.prop(holder=maria)
    cf.bill(p, "70.00", dt.date(2026, 3, 10))
    staff.post("/cobranca/regua/", {"step": "cut_notice", "as_of": "2026-04-13"})
    notice = CutNotice.objects.get(property=p)
    agency = host_client(TENANTS["alpha"])
    assert sign_in(agency, p, maria.cpf_cnpj).status_code == 302
    page = agency.get(f"/agencia/imoveis/{p.pk}/").content.decode()
    assert f"Aviso de corte nº {notice.number}" in page
    assert "28/04/2026" in page


def test_the_policy_page_saves_each_levels_weekdays_and_hours(staff: Client) -> None:
    """3.2.9.12.6 on the page: the 1st level's days and hours and the 2nd level's days are saved
    as the policy's level windows, and shown again in the form."""
    body = {
        **FORM,
        "level1_weekdays": ["0", "1"],
        "level1_start": "08:00",
        "level1_end": "12:00",
        "level2_weekdays": ["2"],
    }
    saved = staff.post("/cobranca/configuracoes/corte/", body)
    assert saved.status_code == 302, saved.context["form"].errors
    assert CutoffPolicy.objects.get().level_windows == {
        "meter_stand": {"weekdays": [0, 1], "hours": ["08:00", "12:00"]},
        "branch": {"weekdays": [2]},
    }
    form = staff.get("/cobranca/configuracoes/corte/").context["form"]
    assert form["level1_weekdays"].value() == [0, 1] and form["level2_weekdays"].value() == [2]
    assert (
        "1º nível (cavalete): dias de geração das ordens"
        in staff.get("/cobranca/configuracoes/corte/").content.decode()
    )

"""Empreiteiras (3.2.11.26): a contractor's teams are scheduled like the utility's own; its contract
pays per executed service or a fixed month, less a penalty per day of delay and a penalty when too
many orders were late; the month's measurement, worked by hand to the cent, on the page, in the PDF
and through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.service.domain.measurement import ExecutedLine, Terms, measure
from modules.service.models_orders import Contract, ContractorTeam, Measurement
from modules.service.services import contractors, orders
from modules.service.tasks import measurements_monthly
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

SP = ZoneInfo("America/Sao_Paulo")
NOW = dt.datetime(2026, 6, 2, 15, 0, tzinfo=dt.UTC)
A = f.ACTOR
PASSWORD = "Senha-forte-123"
MAY = YearMonth(2026, 5)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _local(day: int, hour: int, month: int = 5) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=SP)


def _done(code: str, team_id: int, opened: dt.datetime, executed: dt.datetime, quantity: str = "1") -> None:
    """An order of a 24-hour code opened at `opened` (due 24 h later), executed at `executed`."""
    order = orders.order_open(
        actor=A, code=code, property_id=reg.prop(holder=reg.customer()).pk, opened_at=opened
    )
    orders.order_close(
        actor=A,
        order_id=order.pk,
        executed=True,
        executed_at=executed,
        team_id=team_id,
        services=[orders.ServiceLine(code, Decimal(quantity))],
    )


@pytest.fixture
def month(tenant_alpha):
    """May 2026 for Construtora Alfa's team: two LIG01 and two TRH01 orders, two of them late (2 days
    and 1 day), plus one order by the utility's own team and one the contractor did in June."""
    f.code("LIG01", deadline_value=24, deadline_unit="hours")
    f.code("TRH01", description="Troca de hidrômetro", deadline_value=24, deadline_unit="hours")
    company = contractors.contractor_create(actor=A, name="Construtora Alfa", cnpj="11.222.333/0001-81")
    link = contractors.contractor_team_create(actor=A, contractor_id=company.pk, name="Alfa 1")
    contractors.contractor_member_add(actor=A, team_id=link.team_id, name="José Pereira", role="encanador")
    own = f.team("Equipe própria")
    crew = link.team_id
    _done("LIG01", crew, _local(4, 10), _local(4, 16))  # on time
    _done("LIG01", crew, _local(5, 10), _local(8, 15), quantity="2")  # due 06/05 10:00: 2 days late
    _done("TRH01", crew, _local(9, 10), _local(10, 16))  # due 10/05 10:00, done 16:00: 1 day
    _done("TRH01", crew, _local(12, 10), _local(12, 17), quantity="3")  # on time
    _done("LIG01", own.pk, _local(20, 10), _local(20, 12))  # not the contractor's
    _done("LIG01", crew, _local(1, 8, month=6), _local(1, 11, month=6))  # June
    return company, link


def _per_service(company) -> Contract:
    return contractors.contract_create(
        actor=A,
        contractor_id=company.pk,
        number="CT-12/2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        pricing="per_service",
        prices={"LIG01": Decimal("80.00"), "trh01": Decimal("45.50")},
        penalty_per_day=Decimal("12.35"),
        late_threshold_percent=Decimal("20"),
        late_penalty_percent=Decimal("5"),
    )


def test_measurement_per_executed_service_less_both_penalties_to_the_cent(month) -> None:
    company, _ = month
    contract = _per_service(company)
    m = contractors.measurement_compute(actor=A, contract_id=contract.pk, month=MAY)
    # gross: 1×80 + 2×80 + 1×45,50 + 3×45,50 = 422,00
    # delay: (2 + 1) days × 12,35 = 37,05; late share 2 of 4 = 50 % > 20 % → 5 % of 422,00 = 21,10
    assert (m.gross, m.penalty_delay, m.penalty_late_share, m.net) == (
        Decimal("422.00"),
        Decimal("37.05"),
        Decimal("21.10"),
        Decimal("363.85"),
    )
    assert (m.orders, m.late_orders, m.late_days) == (4, 2, 3)
    assert [(line["code"], line["amount"], line["days_late"]) for line in m.lines] == [
        ("LIG01", "80.00", 0),
        ("LIG01", "160.00", 2),
        ("TRH01", "45.50", 1),
        ("TRH01", "136.50", 0),
    ]
    again = contractors.measurement_compute(actor=A, contract_id=contract.pk, month=MAY)
    assert again.pk == m.pk and Measurement.objects.count() == 1
    assert (
        AuditEntry.objects.filter(action="service.measurement_compute", object_id=str(contract.pk)).count()
        == 2
    )


def test_a_fixed_contract_pays_the_month_less_the_delay(month) -> None:
    company, _ = month
    contract = contractors.contract_create(
        actor=A,
        contractor_id=company.pk,
        number="CT-13/2026",
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 12, 31),
        pricing="fixed",
        monthly_value=Decimal("5000.00"),
        penalty_per_day=Decimal("25.00"),
    )
    m = contractors.measurement_compute(actor=A, contract_id=contract.pk, month=MAY)
    assert (m.gross, m.penalty_delay, m.penalty_late_share, m.net) == (
        Decimal("5000.00"),
        Decimal("75.00"),
        Decimal("0.00"),
        Decimal("4925.00"),
    )
    with pytest.raises(ValidationFailed) as outside:
        contractors.measurement_compute(actor=A, contract_id=contract.pk, month=YearMonth(2026, 4))
    assert outside.value.field == "month"


def test_the_late_share_at_the_tolerance_exactly_is_not_penalised() -> None:
    terms = Terms(
        "per_service", Decimal("0"), {"X": Decimal("10.00")}, Decimal("0"), Decimal("25"), Decimal("10")
    )
    day = dt.date(2026, 5, 4)
    lines = [ExecutedLine(f"2026/00000{i}", "X", Decimal("1"), day, day) for i in range(4)]
    assert measure(terms, lines, [True, False, False, False]).penalty_late_share == Decimal("0.00")
    assert measure(terms, lines, [True, True, False, False]).penalty_late_share == Decimal("4.00")


def test_contract_refusals_name_the_field_and_write_nothing(month) -> None:
    company, _ = month
    base = {
        "actor": A,
        "contractor_id": company.pk,
        "number": "CT-9",
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
    }
    for extra, field in (
        ({"pricing": "fixed"}, "monthly_value"),
        ({"pricing": "per_service"}, "prices"),
        ({"pricing": "per_service", "prices": {"NAO01": Decimal("1")}}, "prices[0].code"),
        ({"pricing": "fixed", "monthly_value": Decimal("1"), "ends_on": dt.date(2025, 1, 1)}, "ends_on"),
    ):
        with pytest.raises(Exception) as refused:
            contractors.contract_create(**(base | extra))
        assert refused.value.field == field
    assert not Contract.objects.exists()


def test_a_contractor_team_is_scheduled_like_an_own_team(month) -> None:
    _, link = month
    order = orders.order_open(actor=A, code="LIG01", property_id=reg.prop(holder=reg.customer()).pk)
    scheduled = orders.order_schedule(
        actor=A, order_id=order.pk, team_id=link.team_id, day=dt.date(2026, 6, 3)
    )
    assert (scheduled.status, scheduled.team_id) == ("scheduled", link.team_id)
    assert ContractorTeam.objects.get(team_id=link.team_id).members.get().name == "José Pereira"


def test_the_monthly_job_measures_the_previous_month_of_every_contract_in_force(
    month, public_schema_run
) -> None:
    company, _ = month
    contract = _per_service(company)
    result = public_schema_run(measurements_monthly)
    assert result == {"month": "2026-05", "contracts": [contract.pk]}
    assert Measurement.objects.get(contract=contract).net == Decimal("363.85")


@pytest.fixture
def public_schema_run():
    from modules.common.tenancy import SCHEMA_HEADER

    def run(task):
        return task.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get()

    return run


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(BytesIO(data)).pages).split())


def test_the_page_and_its_pdf_show_the_figures(month, alpha_client) -> None:
    company, _ = month
    contract = _per_service(company)
    make_user("alpha", "fiscal", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "fiscal", "password": PASSWORD})
    listing = alpha_client.get("/servicos/empreiteiras/").content.decode()
    assert "Construtora Alfa" in listing and "José Pereira (encanador)" in listing and "CT-12/2026" in listing
    computed = alpha_client.post(f"/servicos/empreiteiras/contratos/{contract.pk}/", {"month": "2026-05"})
    assert computed.status_code == 302
    page = alpha_client.get(computed["Location"]).content.decode()
    assert "R$ 422,00" in page and "− R$ 37,05" in page and "− R$ 21,10" in page and "R$ 363,85" in page
    pdf = alpha_client.get(computed["Location"] + "medicao.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "artifacts" / "service"  # git-ignored, to look at
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "measurement.pdf").write_bytes(pdf.content)
    text = _text(pdf.content)
    assert "Boletim de medição" in text.replace("BOLETIM DE MEDIÇÃO", "Boletim de medição")
    assert "422,00" in text and "37,05" in text and "21,10" in text and "363,85" in text


def test_the_api_registers_a_contract_and_computes_its_measurement(month, alpha_client) -> None:
    company, _ = month
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    def post(path, body=None):
        return alpha_client.post(path, body or {}, content_type="application/json", **headers)

    team = post(
        f"/api/v1/service/contractors/{company.pk}/teams", {"name": "Alfa 2", "members": [{"name": "Ana"}]}
    )
    assert team.status_code == 201 and [t["name"] for t in team.json()["teams"]] == ["Alfa 1", "Alfa 2"]
    created = post(
        "/api/v1/service/contracts",
        {
            "contractor": company.pk,
            "number": "CT-12/2026",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "pricing": "per_service",
            "prices": [{"code": "LIG01", "price": "80.00"}, {"code": "TRH01", "price": "45.50"}],
            "penalty_per_day": "12.35",
            "late_threshold_percent": "20",
            "late_penalty_percent": "5",
        },
    )
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    missing = alpha_client.get(f"/api/v1/service/contracts/{cid}/measurements/2026-05", **headers)
    assert missing.status_code == 404
    m = post(f"/api/v1/service/contracts/{cid}/measurements/2026-05")
    assert m.status_code == 200, m.content
    assert {k: m.json()[k] for k in ("gross", "penalty_delay", "penalty_late_share", "net")} == {
        "gross": "422.00",
        "penalty_delay": "37.05",
        "penalty_late_share": "21.10",
        "net": "363.85",
    }
    got = alpha_client.get(f"/api/v1/service/contracts/{cid}/measurements/2026-05", **headers)
    assert got.json()["net"] == "363.85"

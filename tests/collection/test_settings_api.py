"""Collection's settings through the API (issue #13): collecting agents with their convênio, monthly
index rates (by hand and from the Central Bank's CSV) and what the late-charge what-if takes from
them, late-charge policy versions; a rate or version a billed late charge used never changes in place.
Refused input names its field in pt-BR and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import Bill, BillItem
from modules.collection import services
from modules.collection.late_items import late_charge_items
from modules.collection.models import (
    CollectingAgent,
    IndexRate,
    IndexSeries,
    LateChargePolicyVersion,
    Payment,
    ReturnFile,
)
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.models import AuditEntry
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "febraban-return"
BB_FILE = SAMPLES / "03_bb-001_2014-08-06_RCB001455608201413819.ret"
PASSWORD = "Senha-forte-123"
ACTOR = SystemActor("tests")
BB = {"code": "001", "name": "Banco do Brasil", "agreement": "110288", "channel": "bank", "fee": "1.20"}


def _user(client: Client, username: str, *, change: bool) -> dict[str, str]:
    profile = Profile.objects.create(name=f"Arrecadação {username}")
    ProfileGrant.objects.create(
        profile=profile,
        function="collection.settings",
        can_view=True,
        can_add=change,
        can_change=change,
    )
    ProfileGrant.objects.create(
        profile=profile, function="collection.return_files", can_view=True, can_add=True
    )
    ProfileGrant.objects.create(profile=profile, function="collection.payments", can_view=True)
    make_user("alpha", username, PASSWORD).profiles.add(profile)
    return bearer(client, username, PASSWORD)


@pytest.fixture
def clerk(alpha_client: Client) -> dict[str, str]:
    return _user(alpha_client, "arrecadadora", change=True)


def _post(client: Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, body, content_type="application/json", **headers)


# --- agents -----------------------------------------------------------------------------------------


def test_a_bank_registered_through_the_api_makes_its_return_file_importable(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    data = BB_FILE.read_bytes()
    refused = alpha_client.post(
        "/api/v1/collection/return-files", {"file": SimpleUploadedFile("bb.ret", data)}, **clerk
    )
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_agent"

    created = _post(alpha_client, "/api/v1/collection/agents", BB, clerk)

    assert created.status_code == 201, created.content
    body = created.json()
    assert isinstance(body["id"], int)
    assert {k: body[k] for k in ("code", "name", "agreement", "channel", "fee", "credit_days", "active")} == {
        "code": "001",
        "name": "Banco do Brasil",
        "agreement": "110288",
        "channel": "bank",
        "fee": "1.20",
        "credit_days": 1,
        "active": True,
    }
    listed = alpha_client.get("/api/v1/collection/agents", **clerk).json()
    assert [a["code"] for a in listed if a["code"] == "001"] == ["001"]
    assert (
        alpha_client.get(f"/api/v1/collection/agents/{body['id']}", **clerk).json()["agreement"] == "110288"
    )
    audit = AuditEntry.objects.get(action="collection.agent_register")
    assert (audit.actor, audit.after["agreement_code"], audit.after["fee_per_payment"]) == (
        "arrecadadora",
        "110288",
        "1.20",
    )

    imported = alpha_client.post(
        "/api/v1/collection/return-files", {"file": SimpleUploadedFile("bb.ret", data)}, **clerk
    )
    assert imported.status_code == 201, imported.content
    assert (imported.json()["agent"], imported.json()["payment_count"]) == ("001", 28)
    # none of the 28 barcodes is one of this utility's bills: all of them wait in review
    assert Payment.objects.filter(agent__code="001", status=Payment.Status.REVIEW).count() == 28


def test_an_agreement_of_another_agent_is_refused_and_nothing_is_written(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    assert _post(alpha_client, "/api/v1/collection/agents", BB, clerk).status_code == 201
    agents, audits = CollectingAgent.objects.count(), AuditEntry.objects.count()

    again = _post(alpha_client, "/api/v1/collection/agents", {**BB, "code": "104", "name": "Caixa"}, clerk)

    assert again.status_code == 400
    assert again.json()["field"] == "agreement"
    assert again.json()["code"] == "agreement_taken"
    assert again.json()["detail"].startswith("O convênio 110288 já é do agente 001 – Banco do Brasil")
    assert (CollectingAgent.objects.count(), AuditEntry.objects.count()) == (agents, audits)

    caixa = _post(alpha_client, "/api/v1/collection/agents", {**BB, "code": "104", "agreement": "C1"}, clerk)
    moved = alpha_client.patch(
        f"/api/v1/collection/agents/{caixa.json()['id']}",
        {"agreement": "110288"},
        content_type="application/json",
        **clerk,
    )
    assert moved.status_code == 400 and moved.json()["field"] == "agreement"
    assert CollectingAgent.objects.get(code="104").agreement_code == "C1"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**BB, "code": "01"}, "code", "o código de um banco tem 3 dígitos"),
        ({**BB, "channel": "banco"}, "channel", ""),
        ({**BB, "fee": "-1"}, "fee", ""),
        ({**BB, "fee": "1.234"}, "fee", ""),
        ({**BB, "name": ""}, "name", ""),
        ({**BB, "agreement": "X" * 21}, "agreement", ""),
        ({**BB, "contract_start": "2026-05-01", "contract_end": "2026-01-01"}, "contract_end", "anterior"),
    ],
)
def test_bad_agents_are_refused_naming_the_field(
    alpha_client: Client, clerk: dict[str, str], body: dict[str, Any], field: str, message: str
) -> None:
    agents, audits = CollectingAgent.objects.count(), AuditEntry.objects.count()
    response = _post(alpha_client, "/api/v1/collection/agents", body, clerk)
    assert response.status_code == 400, response.content
    assert field in response.json().get("errors", {}) or response.json().get("field") == field
    assert message in response.content.decode()
    assert (CollectingAgent.objects.count(), AuditEntry.objects.count()) == (agents, audits)


def test_patch_changes_only_what_is_given_and_deactivating_refuses_the_files(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    agent_id = _post(alpha_client, "/api/v1/collection/agents", BB, clerk).json()["id"]
    changed = alpha_client.patch(
        f"/api/v1/collection/agents/{agent_id}",
        {"credit_days": 2, "channel": "correspondent"},
        content_type="application/json",
        **clerk,
    )
    assert changed.status_code == 200, changed.content
    agent = CollectingAgent.objects.get(pk=agent_id)
    assert (agent.name, agent.agreement_code, agent.credit_days, agent.kind) == (
        "Banco do Brasil",
        "110288",
        2,
        "correspondent",
    )
    off = alpha_client.patch(
        f"/api/v1/collection/agents/{agent_id}", {"active": False}, content_type="application/json", **clerk
    )
    assert off.json()["active"] is False
    refused = alpha_client.post(
        "/api/v1/collection/return-files",
        {"file": SimpleUploadedFile("bb.ret", BB_FILE.read_bytes())},
        **clerk,
    )
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_agent"
    assert not ReturnFile.objects.exists()
    assert AuditEntry.objects.filter(action="collection.agent_change").count() == 2
    assert alpha_client.get("/api/v1/collection/agents/999999", **clerk).status_code == 404


def test_a_profile_that_only_views_reads_but_cannot_register(alpha_client: Client) -> None:
    headers = _user(alpha_client, "consulta-arrec", change=False)
    assert alpha_client.get("/api/v1/collection/agents", **headers).status_code == 200
    assert _post(alpha_client, "/api/v1/collection/agents", BB, headers).status_code == 403
    rate = {"index": "SELIC", "month": "2026-10", "rate": "0.0093"}
    assert _post(alpha_client, "/api/v1/collection/index-rates", rate, headers).status_code == 403
    assert not CollectingAgent.objects.filter(code="001").exists()
    assert not IndexRate.objects.exists()


# --- index rates and the what-if ---------------------------------------------------------------------


def _simulate(client: Client, headers: dict[str, str], **body: Any) -> Any:
    response = _post(client, "/api/v1/collection/late-charges/simulate", body, headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_registered_rate_is_used_and_the_provisional_one_only_for_the_other_months(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    created = _post(
        alpha_client,
        "/api/v1/collection/index-rates",
        {"index": "SELIC", "month": "2026-10", "rate": "0.0093"},
        clerk,
    )
    assert created.status_code == 201, created.content
    assert (created.json()["month"], created.json()["rate"], created.json()["provisional"]) == (
        "2026-10",
        "0.009300",
        False,
    )

    # due in September, paid in November: October is registered, November takes the provisional 1 %
    body = _simulate(alpha_client, clerk, amount="100.00", due_date="2026-09-10", paid_on="2026-11-05")

    assert [(m["month"], m["rate"], m["provisional"]) for m in body["months"]] == [
        ("2026-10", "0.009300", False),
        ("2026-11", "0.010000", True),
    ]
    # 102.00 × 0.93 % = 0.9486, then 102.9486 × 1 % = 1.029486: 1.978086, truncated
    assert (body["fine"], body["interest"], body["total"]) == ("2.00", "1.97", "103.97")
    # explicit rates still override the series (Tabela 13.1)
    explicit = _simulate(
        alpha_client,
        clerk,
        amount="20.59",
        due_date="2013-04-01",
        paid_on="2013-06-10",
        monthly_rates=["0.01", "0.006"],
    )
    assert explicit["total"] == "21.33"


def test_an_unused_rate_changes_in_place_audited(alpha_client: Client, clerk: dict[str, str]) -> None:
    rate = {"index": "SELIC", "month": "2026-10", "rate": "0.0093"}
    _post(alpha_client, "/api/v1/collection/index-rates", rate, clerk)
    again = _post(alpha_client, "/api/v1/collection/index-rates", {**rate, "rate": "0.0095"}, clerk)
    assert again.status_code == 200 and again.json()["outcome"] == "changed"
    assert list(IndexRate.objects.values_list("rate", flat=True)) == [Decimal("0.009500")]
    audit = AuditEntry.objects.get(action="collection.index_rate_change")
    assert (audit.before["rate"], audit.after["rate"]) == ("0.009300", "0.009500")


def _billed_late_charge(due: dt.date, paid_on: dt.date) -> Bill:
    """A bill paid late at the counter, its charges carried to the next bill (billing's item source)."""
    p = f.prop()
    late = f.bill(p, "100.00", due)
    services.payment_register(actor=ACTOR, barcode=late.barcode, amount=Decimal("100.00"), paid_on=paid_on)
    (item,) = late_charge_items([p.pk], YearMonth.of(paid_on).next())[p.pk]
    later = f.bill(p, "50.00", paid_on + dt.timedelta(days=30), YearMonth.of(paid_on).first_day())
    BillItem.objects.create(
        bill=later,
        kind=item.kind,
        description=item.description,
        amount=item.amount,
        source=item.source,
        source_id=item.source_id,
    )
    return later


def test_a_rate_a_billed_late_charge_used_is_refused_in_place_and_corrected_as_a_new_version(
    alpha_client: Client,
) -> None:
    rate = {"index": "SELIC", "month": "2026-10", "rate": "0.0093"}
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False) as clock:
        clerk = _user(alpha_client, "arrecadadora", change=True)
        _post(alpha_client, "/api/v1/collection/index-rates", rate, clerk)
        bill = _billed_late_charge(dt.date(2026, 9, 10), dt.date(2026, 11, 5))
        billed = BillItem.objects.get(bill=bill, source="collection.late_charge").amount
        audits = AuditEntry.objects.count()
        clock.shift(dt.timedelta(minutes=5))
        refused = _post(alpha_client, "/api/v1/collection/index-rates", {**rate, "rate": "0.0095"}, clerk)
        assert refused.status_code == 400
        assert (refused.json()["code"], refused.json()["field"]) == ("rate_in_use", "rate")
        assert refused.json()["detail"].startswith(
            "A taxa SELIC de 10/2026 (0,93 %) já foi usada em acréscimos faturados e não pode ser alterada"
        )
        assert list(IndexRate.objects.values_list("rate", flat=True)) == [Decimal("0.009300")]
        assert AuditEntry.objects.count() == audits

        no_reason = _post(
            alpha_client,
            "/api/v1/collection/index-rates",
            {**rate, "rate": "0.0095", "correction": True},
            clerk,
        )
        assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"

        corrected = _post(
            alpha_client,
            "/api/v1/collection/index-rates",
            {**rate, "rate": "0.0095", "correction": True, "reason": "taxa oficial do BCB"},
            clerk,
        )
        assert corrected.status_code == 201 and corrected.json()["outcome"] == "corrected"
        body = _simulate(alpha_client, clerk, amount="100.00", due_date="2026-09-10", paid_on="2026-11-05")
        history = alpha_client.get("/api/v1/collection/index-rates?index=SELIC", **clerk).json()

    rows = list(IndexRate.objects.order_by("recorded_at").values_list("rate", "recorded_at"))
    assert [r for r, _ in rows] == [Decimal("0.009300"), Decimal("0.009500")]
    assert rows[0][1] < rows[1][1]
    assert body["months"][0]["rate"] == "0.009500"  # charges computed from now on take the correction
    assert BillItem.objects.get(bill=bill, source="collection.late_charge").amount == billed  # billed stays
    assert [(h["rate"], h["reason"]) for h in history] == [
        ("0.009300", ""),
        ("0.009500", "taxa oficial do BCB"),
    ]


BCB_CSV = b'"data";"valor"\r\n"01/08/2026";"0,87"\r\n"01/09/2026";"0,84"\r\n"01/10/2026";"0,93"\r\n'


def test_the_central_banks_csv_is_imported_and_its_errors_say_line_and_field(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    ok = alpha_client.post(
        "/api/v1/collection/index-rates/csv",
        {"index": "SELIC", "file": SimpleUploadedFile("bcdata.sgs.4390.csv", BCB_CSV)},
        **clerk,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"created": 3, "changed": 0, "corrected": 0, "unchanged": 0}
    assert [(f"{r.month:%Y-%m}", r.rate, r.source) for r in IndexRate.objects.order_by("month")] == [
        ("2026-08", Decimal("0.008700"), "bcb_csv"),
        ("2026-09", Decimal("0.008400"), "bcb_csv"),
        ("2026-10", Decimal("0.009300"), "bcb_csv"),
    ]
    audits = AuditEntry.objects.count()
    bad = b'"data";"valor"\n"01/11/2026";"0,95"\n"15/12/2026";"0,90"\n"01/01/2027";"noventa"\n'
    refused = alpha_client.post(
        "/api/v1/collection/index-rates/csv",
        {"index": "SELIC", "file": SimpleUploadedFile("x.csv", bad)},
        **clerk,
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "index_csv_rejected"
    assert refused.json()["problems"] == [
        "Linha 3, campo data: «15/12/2026» não é o primeiro dia de um mês (dd/mm/aaaa)",
        "Linha 4, campo valor: «noventa» não é uma taxa em percentual entre -100 e 100, com vírgula "
        "decimal e até 4 casas (ex.: 0,93)",
    ]
    assert IndexRate.objects.count() == 3 and AuditEntry.objects.count() == audits
    unknown = alpha_client.post(
        "/api/v1/collection/index-rates/csv",
        {"index": "IGPM", "file": SimpleUploadedFile("x.csv", BCB_CSV)},
        **clerk,
    )
    assert unknown.status_code == 404 and "Índice «IGPM» não cadastrado" in unknown.json()["detail"]


# --- late-charge policy versions -----------------------------------------------------------------


def test_a_new_policy_version_starts_on_its_date_and_the_what_if_follows_it(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    created = _post(
        alpha_client,
        "/api/v1/collection/late-charge-policies",
        {
            "effective_from": "2027-01-01",
            "resolution": "Decreto 123/2026",
            "fine_rate": "0.0200",
            "interest_method": "pro_rata_die",
            "interest_rate": "0.01",
            "interest_index": None,
        },
        clerk,
    )
    assert created.status_code == 201, created.content
    assert created.json()["created_by"] == "arrecadadora"
    listed = alpha_client.get("/api/v1/collection/late-charge-policies", **clerk).json()
    assert [v["effective_from"] for v in listed] == ["2027-01-01", "2000-01-01"]
    before = _simulate(alpha_client, clerk, amount="100.00", due_date="2026-12-10", paid_on="2026-12-25")
    after = _simulate(alpha_client, clerk, amount="100.00", due_date="2027-01-10", paid_on="2027-01-25")
    assert before["interest"] == "0.00"  # the series' months start after the due month
    assert after["interest"] == "0.51"  # 102 × 1 % × 15 / 30, truncated
    assert AuditEntry.objects.filter(action="collection.late_charge_policy_add").count() == 1


def test_a_version_never_starts_on_or_before_a_billed_late_charge(
    alpha_client: Client, clerk: dict[str, str]
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        _billed_late_charge(dt.date(2026, 9, 10), dt.date(2026, 11, 5))
    versions, audits = LateChargePolicyVersion.objects.count(), AuditEntry.objects.count()
    refused = _post(
        alpha_client,
        "/api/v1/collection/late-charge-policies",
        {"effective_from": "2026-11-05", "fine_rate": "0.01"},
        clerk,
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("policy_in_force", "effective_from")
    assert "a partir de 06/11/2026" in refused.json()["detail"]
    assert (LateChargePolicyVersion.objects.count(), AuditEntry.objects.count()) == (versions, audits)
    same_day = _post(
        alpha_client, "/api/v1/collection/late-charge-policies", {"effective_from": "2000-01-01"}, clerk
    )
    assert same_day.status_code == 400 and same_day.json()["field"] == "effective_from"
    ok = _post(
        alpha_client, "/api/v1/collection/late-charge-policies", {"effective_from": "2026-11-06"}, clerk
    )
    assert ok.status_code == 201
    assert ok.json()["interest_index"] == "SELIC"  # what is not given comes from the version in force


def test_the_index_series_are_listed(alpha_client: Client, clerk: dict[str, str]) -> None:
    codes = [s["code"] for s in alpha_client.get("/api/v1/collection/index-series", **clerk).json()]
    assert codes == list(IndexSeries.objects.order_by("code").values_list("code", flat=True))
    assert {"IPCA", "SELIC"} <= set(codes)

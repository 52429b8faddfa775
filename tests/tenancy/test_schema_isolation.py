"""Every operation of the staff, citizen and ops OpenAPI schemas that takes an id is called with the
other utility's objects and tokens, and without a token: it answers 401 or 404 and never the other
utility's data. The operations come from the schemas at test time, so a new endpoint is covered
without writing a test; a path parameter this file does not know how to fill fails its test.

Cases, per operation (utilities are alpha and beta; users and citizens live in their own schema):

* no token, on alpha's host, with beta's ids → 401;
* a beta token (valid on beta) on alpha's host → 401, since alpha has no such user;
* alpha's own valid token, on alpha's host, with beta's ids → 404 (the id is not alpha's);
* ops: no token or a utility's staff token on the vendor's host → 401; the vendor's token on a
  utility's host → 404 (the ops API is not served there).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from modules.common.tenancy import tenant_context
from tests import apischema
from tests.conftest import TENANTS, host_client, make_user

ACTOR_NAME = "tests"
TODAY = dt.date(2025, 6, 15)
OPS_HOST = "localhost"
_names = itertools.count(1)


class BetaWorld:
    """Real objects of beta, made on demand (each once per test) and remembered with the values that
    tell them apart: names, account numbers, barcodes. None of these may reach alpha's answers."""

    def __init__(self) -> None:
        self.made: dict[str, Any] = {}
        self.distinctive: set[str] = set()

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.made:
            with tenant_context("beta"):
                self.made[key] = make()
        return self.made[key]

    def remember(self, *values: Any) -> None:
        self.distinctive.update(str(v) for v in values if v not in (None, ""))

    # --- tenant objects ---------------------------------------------------------------------------

    def prop(self) -> Any:
        def make() -> Any:
            from tests.registry import factories as reg

            _beyond_alpha("registry_property", "registry_customer")
            holder = reg.customer(f"Bartolomeu Exclusivo de Beta {next(_names)}")
            p = reg.prop(holder=holder, number="7777")
            self.remember(holder.name, holder.cpf_cnpj, p.account_number, p.inscription)
            self.made["customer"] = holder
            return p

        return self.get("property", make)

    def customer(self) -> Any:
        self.prop()
        return self.made["customer"]

    def fraud_finding(self) -> Any:
        def make() -> Any:
            from modules.privacy.models import FraudFinding

            _beyond_alpha("privacy_fraudfinding")
            return FraudFinding.objects.create(
                rule="conflict", key=f"beta:{next(_names)}", summary="Achado Exclusivo de Beta"
            )

        return self.get("fraud_finding", make)

    def reference(self, table: str) -> Any:
        """A row of one of the registry's reference tables (/api/v1/registry/<table>/{id})."""

        def make() -> Any:
            from modules.registry.tables import TABLES
            from tests.registry import factories as reg

            _beyond_alpha(TABLES[table].model._meta.db_table)
            row = reg.reference_row(table, f"Exclusiva de Beta {next(_names)}")
            self.remember(getattr(row, "name", ""))
            return row

        return self.get(f"reference:{table}", make)

    def bill(self) -> Any:
        def make() -> Any:
            from tests.collection import factories as col

            _beyond_alpha("billing_bill")
            b = col.bill(self.prop(), "987.65", dt.date(2099, 1, 10))
            self.remember(b.barcode, b.typeable_line)
            return b

        return self.get("bill", make)

    def overdue_bill(self) -> Any:
        def make() -> Any:
            from tests.collection import factories as col

            return col.bill(self.prop(), "876.54", dt.date(2025, 3, 10), dt.date(2025, 2, 1))

        return self.get("overdue_bill", make)

    def payment(self) -> Any:
        def make() -> Any:
            from modules.collection import services as collection
            from modules.common.audit import SystemActor

            _beyond_alpha("collection_payment")
            return collection.payment_register(
                actor=SystemActor(ACTOR_NAME),
                barcode=self.bill().barcode,
                amount=self.bill().total,
                paid_on=TODAY,
            )

        return self.get("payment", make)

    def agreement(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.debt import services as debt
            from modules.debt.models import InstallmentPolicyVersion

            InstallmentPolicyVersion.objects.update(
                min_down_payment_rate=Decimal("0"), min_installment=Decimal("1")
            )
            self.overdue_bill()
            _beyond_alpha("debt_agreement")
            return debt.agreement_create(
                actor=SystemActor(ACTOR_NAME),
                property_id=self.prop().pk,
                down_payment=Decimal("0"),
                count=2,
                as_of=TODAY,
            )

        return self.get("agreement", make)

    def certificate(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.debt import services as debt

            _beyond_alpha("debt_certificate")
            cert = debt.certificate_issue(
                actor=SystemActor(ACTOR_NAME), property_id=self.prop().pk, today=TODAY
            )
            self.remember(cert.code)
            return cert

        return self.get("certificate", make)

    def statement(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.debt import services as debt

            self.bill()
            _beyond_alpha("collection_paymentdocument")
            doc = debt.statement_create(
                actor=SystemActor(ACTOR_NAME),
                property_id=self.prop().pk,
                as_of=TODAY,
                valid_until=TODAY + dt.timedelta(days=7),
            )
            self.remember(doc.barcode)
            return doc

        return self.get("statement", make)

    def charge(self) -> Any:
        def make() -> Any:
            from modules.collection.models import GatewayCharge

            _beyond_alpha("collection_gatewaycharge")
            n = next(_names)
            return GatewayCharge.objects.create(
                document=self.statement(),
                method="pix",
                amount_cents=98765,
                idempotency_key=f"beta-isolation-{n}",
                order_id=f"or_beta_{n}",
                charge_id=f"ch_beta_{n}",
                status="pending",
                qr_code=f"pix-beta-exclusivo-{n}",
            )

        return self.get("charge", make)

    def request(self) -> Any:
        def make() -> Any:
            from modules.service.models import ServiceRequest

            n = next(_names)
            row = ServiceRequest.objects.create(
                protocol=f"2025{900000 + n:07d}"[:12],
                kind="service",
                type_code="other",
                property=self.prop(),
                requester_name=f"Requerente Exclusiva de Beta {n}",
                description="Pedido que só existe em beta",
                channel="web",
            )
            self.remember(row.requester_name)
            return row

        return self.get("request", make)

    def attendance(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.access.models import User
            from modules.service.models import Attendance

            n = next(_names)
            user = User.objects.create(username=f"atendente-beta-{n}")
            row = Attendance.objects.create(
                protocol=f"2025{800000 + n:07d}"[:12],
                channel="phone",
                attendant=user,
                contact_name=f"Contato Exclusivo de Beta {n}",
                caller_number="15999990000",
                started_at=timezone.now(),
            )
            self.remember(row.contact_name)
            return row

        return self.get("attendance", make)

    def tariff(self) -> Any:
        def make() -> Any:
            from tests.billing.factories import approved_tariff

            _beyond_alpha("billing_tariff")
            return approved_tariff(act=f"Ato Exclusivo de Beta {next(_names)}")

        return self.get("tariff", make)

    def bill_message(self) -> Any:
        def make() -> Any:
            from modules.billing.services.texts import bill_message_create
            from modules.common.audit import SystemActor
            from modules.common.domain.dates import YearMonth

            _beyond_alpha("billing_billtext")
            title = f"Mensagem Exclusiva de Beta {next(_names)}"
            self.remember(title)
            return bill_message_create(
                actor=SystemActor(ACTOR_NAME), title=title, valid_from=YearMonth(2025, 1)
            )

        return self.get("bill_message", make)

    def collecting_agent(self) -> Any:
        def make() -> Any:
            from modules.collection.agents import agent_create
            from modules.common.audit import SystemActor

            _beyond_alpha("collection_collectingagent")
            name = f"Banco Exclusivo de Beta {next(_names)}"
            self.remember(name)
            return agent_create(
                actor=SystemActor(ACTOR_NAME), code=f"{900 + next(_names) % 99:03d}", name=name
            )

        return self.get("collecting_agent", make)

    def service_code(self) -> Any:
        def make() -> Any:
            from tests.service.factories import code

            _beyond_alpha("service_servicecode")
            return code(code=f"BETA{next(_names)}", description=f"Serviço Exclusivo de Beta {next(_names)}")

        return self.get("service_code", make)

    def material(self) -> Any:
        def make() -> Any:
            from tests.service.factories import material

            _beyond_alpha("service_material")
            return material(code=f"MATBETA{next(_names)}")

        return self.get("material", make)

    def team(self) -> Any:
        def make() -> Any:
            from tests.service.factories import team

            _beyond_alpha("service_team")
            name = f"Equipe Exclusiva de Beta {next(_names)}"
            self.remember(name)
            return team(name=name)

        return self.get("team", make)

    def order(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.service.services.orders import order_open

            _beyond_alpha("service_serviceorder")
            return order_open(
                actor=SystemActor(ACTOR_NAME), code=self.service_code().code, property_id=self.prop().pk
            )

        return self.get("order", make)

    def automatic_rule(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.service.services.automatic import rule_set

            _beyond_alpha("service_automaticrule")
            return rule_set(
                actor=SystemActor(ACTOR_NAME), event="meter_installed", code=self.service_code().code
            )

        return self.get("automatic_rule", make)

    def quality_table(self) -> Any:
        def make() -> Any:
            from modules.billing.services.texts import QualityRow, quality_table_save
            from modules.common.audit import SystemActor
            from modules.common.domain.dates import YearMonth

            _beyond_alpha("billing_billtext")
            title = f"Qualidade Exclusiva de Beta {next(_names)}"
            self.remember(title)
            return quality_table_save(
                actor=SystemActor(ACTOR_NAME),
                month=YearMonth(2019, 1 + next(_names) % 12),
                title=title,
                rows=[QualityRow("Turbidez (uT)", "30", "31", "30")],
            )

        return self.get("quality_table", make)

    def run(self) -> Any:
        def make() -> Any:
            from modules.billing.models import BillingRun
            from tests.billing.factories import group

            _beyond_alpha("billing_billingrun")
            return BillingRun.objects.create(group=group(88), reference=dt.date(2025, 5, 1))

        return self.get("run", make)

    def metered(self) -> Any:
        def make() -> Any:
            from tests.billing.factories import billable, group

            _beyond_alpha("registry_serviceconnection", "metering_meter")
            p = billable(group(89))
            water = p.connections.get(kind="water")
            meter = water.installations.get().meter
            self.remember(p.account_number, meter.number)
            return water, meter

        return self.get("metered", make)

    def reading(self) -> Any:
        def make() -> Any:
            from modules.reading.models import Reading

            _beyond_alpha("reading_reading")
            return Reading.objects.create(
                property=self.prop(),
                reference=dt.date(2025, 5, 1),
                read_on=TODAY,
                value=1234,
                consumption_m3=0,
                actor=ACTOR_NAME,
            )

        return self.get("reading", make)

    # --- vendor objects of beta (public schema) -----------------------------------------------------

    def incident(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.common.audit import SystemActor
            from saas.sla import services as sla
            from tenants.models import Tenant

            with tenant_context("public"):
                incident = sla.incident_open(
                    actor=SystemActor(ACTOR_NAME),
                    tenant=Tenant.objects.get(schema_name="beta"),
                    priority=3,
                    description="Chamado exclusivo de beta",
                    now=timezone.now(),
                    by_utility=True,
                )
            self.remember(incident.description)
            return incident

        return self.get("incident", make)

    def outage(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.common.audit import SystemActor
            from saas.sla import services as sla
            from tenants.models import Tenant

            now = timezone.now()
            with tenant_context("public"):
                return sla.outage_record(
                    actor=SystemActor(ACTOR_NAME),
                    tenant=Tenant.objects.get(schema_name="beta"),
                    start=now - dt.timedelta(hours=2),
                    end=now - dt.timedelta(hours=1),
                    cause="Queda exclusiva de beta",
                    now=now,
                )

        return self.get("outage", make)

    def invoice(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.common.audit import SystemActor
            from modules.common.domain.dates import YearMonth
            from saas.sla import services as sla
            from saas.sla.models import Contract
            from tenants.models import Tenant

            now = timezone.now()
            with tenant_context("public"):
                beta = Tenant.objects.get(schema_name="beta")
                if not Contract.objects.filter(tenant=beta).exists():
                    sla.contract_set(
                        actor=SystemActor(ACTOR_NAME), tenant=beta, today=now.date(), monthly_value="54321.00"
                    )
                return sla.invoice_issue(
                    actor=SystemActor(ACTOR_NAME),
                    tenant=beta,
                    month=YearMonth.of(now.date()).previous(),
                    now=now,
                )

        return self.get("invoice", make)

    # --- attendance channels (tickets and CTI) ---------------------------------------------------------

    def ticket_unit(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.service.services import tickets

            _beyond_alpha("service_attendanceunit", "service_ticketqueue")
            code = f"beta-{next(_names)}"
            name = f"Posto Exclusivo {code}"
            unit = tickets.unit_create(actor=SystemActor(ACTOR_NAME), code=code, name=name)
            tickets.queue_set(actor=SystemActor(ACTOR_NAME), unit_id=unit.pk, prefix="B", name="Fila de Beta")
            return unit

        return self.get("ticket_unit", make)

    def ticket(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.service.services import tickets

            _beyond_alpha("service_ticket")
            queue = self.ticket_unit().queues.get()
            return tickets.ticket_issue(actor=SystemActor(ACTOR_NAME), queue_id=queue.pk)

        return self.get("ticket", make)

    def supply_outage(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.common.audit import SystemActor
            from modules.service.services import cti

            _beyond_alpha("service_supplyoutage")
            return cti.outage_create(
                actor=SystemActor(ACTOR_NAME),
                description="Falta Exclusiva de Beta",
                starts_at=timezone.now(),
                neighbourhood_ids=[self.prop().neighbourhood_id],
            )

        return self.get("supply_outage", make)

    def campaign(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.common.audit import SystemActor
            from modules.service.services import campaigns

            _beyond_alpha("service_campaign")
            return campaigns.campaign_create(
                actor=SystemActor(ACTOR_NAME),
                name="Campanha Exclusiva de Beta",
                kind="survey",
                message="m",
                filters={"neighbourhoods": [self.prop().neighbourhood_id]},
                today=timezone.now().date(),
            )

        return self.get("campaign", make)

    def contractor(self) -> Any:
        def make() -> Any:
            from modules.common.audit import SystemActor
            from modules.service.services.contractors import contractor_create

            _beyond_alpha("service_contractor")
            name = f"Empreiteira Exclusiva de Beta {next(_names)}"
            self.remember(name)
            return contractor_create(actor=SystemActor(ACTOR_NAME), name=name)

        return self.get("contractor", make)

    def contract(self) -> Any:
        def make() -> Any:
            import datetime as dt
            from decimal import Decimal

            from modules.common.audit import SystemActor
            from modules.service.services.contractors import contract_create

            _beyond_alpha("service_contract")
            number = f"CT-BETA-{next(_names)}"
            self.remember(number)
            return contract_create(
                actor=SystemActor(ACTOR_NAME),
                contractor_id=self.contractor().pk,
                number=number,
                starts_on=dt.date(2020, 1, 1),
                ends_on=dt.date(2099, 12, 31),
                pricing="fixed",
                monthly_value=Decimal("98765.43"),
            )

        return self.get("contract", make)

    def connection_request(self) -> Any:
        def make() -> Any:
            from django.utils import timezone

            from modules.service.models import ConnectionRequest

            _beyond_alpha("service_connectionrequest")
            prop = self.prop()
            return ConnectionRequest.objects.create(
                year=2026,
                number=900001,
                requester_name="Requerente Exclusivo de Beta",
                requester_document="52998224725",
                street_id=prop.street_id,
                street_number="1",
                kind="water",
                status="cancelled",
                target=prop,
                created_at=timezone.now(),
                created_by=ACTOR_NAME,
            )

        return self.get("connection_request", make)


def _beyond_alpha(*tables: str) -> None:
    """Ids are drawn from each schema's own sequences, so beta's next id may be one alpha also has:
    move beta's sequence far past alpha's, or an "alpha answered with alpha's own row" would pass.
    Past alpha's *sequence*, not only its rows: a rolled-back test leaves no row but keeps the numbers
    it drew, and the citizen this test signs in on alpha draws the next one after beta's was chosen."""
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "greatest((SELECT coalesce(max(id), 0) FROM alpha.{t}), "
                "coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0), "
                "(SELECT coalesce(max(id), 0) FROM beta.{t})) + 1000000)".replace("{t}", table),
                [f"beta.{table}", f"alpha.{table}"],
            )


# (the path segment before the parameter, the parameter) → the beta object whose id fills it; where
# two resources share the segment, the two segments before it ("active-debt/notices") tell them apart
IDS: dict[tuple[str, str], Callable[[BetaWorld], Any]] = {
    # staff API
    ("agreements", "id"): lambda w: w.agreement().pk,
    ("runs", "id"): lambda w: w.run().pk,
    ("tariffs", "id"): lambda w: w.tariff().pk,
    ("messages", "id"): lambda w: w.bill_message().pk,
    ("agents", "id"): lambda w: w.collecting_agent().pk,
    ("codes", "code"): lambda w: w.service_code().code,
    ("materials", "code"): lambda w: w.material().code,
    ("orders", "id"): lambda w: w.order().pk,
    ("teams", "id"): lambda w: w.team().pk,
    ("automatic-rules", "id"): lambda w: w.automatic_rule().pk,
    ("water-quality", "id"): lambda w: w.quality_table().pk,
    ("bills", "id"): lambda w: w.bill().pk,
    ("payments", "id"): lambda w: w.payment().pk,
    ("connections", "id"): lambda w: w.metered()[0].pk,
    ("customers", "id"): lambda w: w.customer().pk,
    # LGPD subject report (issue #21): a beta customer's CPF/CNPJ must answer 404 on alpha
    ("subjects", "document"): lambda w: w.customer().cpf_cnpj,
    ("findings", "id"): lambda w: w.fraud_finding().pk,
    ("incidents", "protocol"): lambda w: w.incident().protocol,
    ("meters", "id"): lambda w: w.metered()[1].pk,
    ("properties", "id"): lambda w: w.prop().pk,
    ("readings", "id"): lambda w: w.reading().pk,
    # the registry's reference tables (/api/v1/registry/<table>/{id})
    **{
        (table, "id"): (lambda t: lambda w: w.reference(t).pk)(table)
        for table in (
            "cities",
            "localities",
            "sectors",
            "blocks",
            "neighbourhoods",
            "streets",
            "categories",
            "subcategories",
            "usage-plans",
            "groups",
            "routes",
        )
    },
    # citizen API
    ("properties", "property_id"): lambda w: w.prop().pk,
    ("bills", "bill_id"): lambda w: w.bill().pk,
    ("certificates", "certificate_id"): lambda w: w.certificate().pk,
    ("charges", "charge_id"): lambda w: w.charge().pk,
    ("statements", "document_id"): lambda w: w.statement().pk,
    ("requests", "protocol"): lambda w: w.request().protocol,
    # ops API (vendor objects of beta)
    ("invoices", "id"): lambda w: w.invoice().pk,
    ("outages", "id"): lambda w: w.outage().pk,
    ("tenants", "schema"): lambda w: "beta",
    # attendance channels (staff API)
    ("ticket-units", "id"): lambda w: w.ticket_unit().pk,
    ("tickets", "id"): lambda w: w.ticket().pk,
    ("supply-outages", "id"): lambda w: w.supply_outage().pk,
    ("campaigns", "id"): lambda w: w.campaign().pk,
    ("contractors", "id"): lambda w: w.contractor().pk,
    ("contracts", "id"): lambda w: w.contract().pk,
    ("measurements", "month"): lambda w: "2026-05",
    ("attendances", "id"): lambda w: w.attendance().pk,
    # service beyond the property (units)
    ("commercial-customers", "id"): lambda w: _beta_commercial_customer(w).pk,
    ("paying-bodies", "id"): lambda w: _beta_paying_body(w).pk,
    ("documents", "id"): lambda w: _beta_standalone_document(w).pk,
    ("connection-requests", "id"): lambda w: w.connection_request().pk,
    # exceptions and legal processes of a property (ADR 0188)
    ("exceptions", "exception_id"): lambda w: _beta_exception(w).pk,
    ("legal-processes", "process_id"): lambda w: _beta_process(w).pk,
    ("connection-streets", "id"): lambda w: w.connection_request().street_id,
}


def _fill(path: str, world: BetaWorld) -> str:
    """The path with each {parameter} replaced by a real beta object's id; fails for an unknown one."""
    segments = path.strip("/").split("/")
    filled = []
    for index, segment in enumerate(segments):
        if segment.startswith("{") and segment.endswith("}"):
            key = (segments[index - 1], segment[1:-1])
            longer = ("/".join(segments[max(index - 2, 0) : index]), key[1])
            key = longer if longer in IDS else key
            if key not in IDS:
                pytest.fail(
                    f"{path}: o parâmetro de caminho {key[1]!r} (depois de '/{key[0]}/') não está na tabela "
                    f"IDS de tests/tenancy/test_schema_isolation.py. Acrescente ({key[0]!r}, {key[1]!r}) com "
                    "uma função que crie um objeto real de beta (tests/*/factories.py) e devolva seu id.",
                    pytrace=False,
                )
            filled.append(str(IDS[key](world)))
        else:
            filled.append(segment)
    return "/" + "/".join(filled)


def _with_ids(schema: dict[str, Any]) -> list[Any]:
    """One case per operation with a path parameter, carrying a body shaped as its schema asks, so
    a view that checks its input before looking the object up still reaches the lookup."""
    return [
        pytest.param(method, path, apischema.request_example(schema, op), id=f"{method.upper()} {path}")
        for method, path, op in apischema.operations(schema)
        if apischema.path_parameters(schema["paths"][path], op)
    ]


def _call(client: Client, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    if method in ("post", "put", "patch"):
        return getattr(client, method)(path, body or {}, content_type="application/json", **headers)
    return getattr(client, method)(path, **headers)


def _leaks(response: Any, world: BetaWorld) -> list[str]:
    body = response.content.decode("utf-8", "replace")
    return sorted(value for value in world.distinctive if value in body)


def _staff_token(schema: str, username: str) -> dict[str, str]:
    from modules.access.services.tokens import token_issue

    user = make_user(schema, username, "Senha-forte-123", is_admin=True)
    with tenant_context(schema):
        return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}


def _citizen_token(host_schema: str, client: Client) -> dict[str, str]:
    from tests.registry import factories as reg

    with tenant_context(host_schema):
        holder = reg.customer(f"Cidadã de {host_schema} {next(_names)}")
        prop = reg.prop(holder=holder, number="55")
    response = client.post(
        "/agencia/api/v1/auth/token",
        {"account": prop.account_number, "document": holder.cpf_cnpj},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.fixture
def world(db: None) -> BetaWorld:
    connection.set_schema_to_public()
    return BetaWorld()


def _expect(response: Any, status: int, world: BetaWorld, case: str) -> None:
    assert response.status_code == status, f"{case}: {response.status_code} {response.content[:300]!r}"
    assert not _leaks(response, world), f"{case}: a resposta traz dados de beta: {_leaks(response, world)}"


@pytest.mark.parametrize(("method", "path", "body"), _with_ids(apischema.staff_schema()))
def test_staff_operation_refuses_the_other_utility(
    world: BetaWorld, method: str, path: str, body: Any
) -> None:
    url = _fill(path, world)
    alpha = host_client(TENANTS["alpha"])
    _expect(_call(alpha, method, url, {}, body), 401, world, "sem token")
    _expect(_call(alpha, method, url, _staff_token("beta", "beta-admin"), body), 401, world, "token de beta")
    _expect(_call(alpha, method, url, _staff_token("alpha", "alpha-admin"), body), 404, world, "id de beta")


@pytest.mark.parametrize(("method", "path", "body"), _with_ids(apischema.citizen_schema()))
def test_citizen_operation_refuses_the_other_utility(
    world: BetaWorld, method: str, path: str, body: Any
) -> None:
    url = _fill(path, world)
    alpha, beta = host_client(TENANTS["alpha"]), host_client(TENANTS["beta"])
    _expect(_call(alpha, method, url, {}, body), 401, world, "sem token")
    _expect(
        _call(alpha, method, url, _citizen_token("beta", beta), body), 401, world, "token de cidadão de beta"
    )
    _expect(_call(alpha, method, url, _citizen_token("alpha", alpha), body), 404, world, "id de beta")


@pytest.mark.parametrize(("method", "path", "body"), _with_ids(apischema.ops_schema()))
def test_ops_operation_refuses_utility_tokens_and_utility_hosts(
    world: BetaWorld, method: str, path: str, body: Any
) -> None:
    from modules.access.services.tokens import token_issue

    url = _fill(path, world)
    ops = host_client(OPS_HOST)
    _expect(_call(ops, method, url, {}, body), 401, world, "sem token")
    _expect(
        _call(ops, method, url, _staff_token("beta", "beta-admin"), body),
        401,
        world,
        "token da equipe de beta",
    )
    vendor = make_user("public", "ops-isolation", "Senha-forte-123", is_admin=True)
    with tenant_context("public"):
        vendor_token = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=vendor)}"}
    alpha = host_client(TENANTS["alpha"])
    _expect(_call(alpha, method, url, vendor_token, body), 404, world, "token do fornecedor no host de alpha")


def test_every_schema_has_operations_with_ids() -> None:
    """Guards the generator itself: an empty schema would make the suite above pass vacuously."""
    counts = {
        name: len(_with_ids(schema()))
        for name, schema in (
            ("staff", apischema.staff_schema),
            ("citizen", apischema.citizen_schema),
            ("ops", apischema.ops_schema),
        )
    }
    assert counts["staff"] >= 36 and counts["citizen"] >= 26 and counts["ops"] >= 16, counts


def _beta_commercial_customer(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.service.services.units_bodies import commercial_customer_register

        return commercial_customer_register(actor=SystemActor(ACTOR_NAME), customer_id=w.customer().pk)

    return w.get("commercial_customer", make)


def _beta_paying_body(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.service.services.units_bodies import paying_body_create

        _beyond_alpha("service_payingbody")
        name = f"Órgão Exclusivo de Beta {next(_names)}"
        w.remember(name)
        return paying_body_create(actor=SystemActor(ACTOR_NAME), name=name)

    return w.get("paying_body", make)


def _beta_standalone_document(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.models import PaymentDocument
        from modules.collection.services import document_create
        from modules.common.audit import SystemActor

        _beyond_alpha("collection_paymentdocument")
        return document_create(
            actor=SystemActor(ACTOR_NAME),
            property_id=None,
            customer_id=_beta_commercial_customer(w).pk,
            kind=PaymentDocument.Kind.SERVICE_CHARGE,
            lines=[],
            amount=Decimal("765.43"),
            as_of=TODAY,
            valid_until=TODAY + dt.timedelta(days=10),
        )

    return w.get("standalone_document", make)


def _beta_exception(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.billing.services.legal import exception_create
        from modules.common.audit import SystemActor

        _beyond_alpha("billing_propertyexception")
        return exception_create(
            actor=SystemActor(ACTOR_NAME),
            property_id=w.prop().pk,
            kind="no_fine",
            starts_on=TODAY,
            reason="Exceção exclusiva de beta",
        )

    return w.get("property_exception", make)


def _beta_process(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.billing.services.legal import process_create
        from modules.common.audit import SystemActor

        _beyond_alpha("billing_legalprocess")
        row = process_create(
            actor=SystemActor(ACTOR_NAME),
            property_id=w.prop().pk,
            kind="judicial",
            number="BETA-0001/2026",
            starts_on=TODAY,
        )
        w.remember(row.number)
        return row

    return w.get("legal_process", make)


def _beta_rental_contract(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.registry.services.rental import rental_checklist, rental_contract_register
        from tests.registry import factories as reg

        _beyond_alpha("registry_rentalcontract", "registry_propertyrelation")
        tenant = reg.customer(f"Inquilina Exclusiva de Beta {next(_names)}")
        w.remember(tenant.name)
        return rental_contract_register(
            actor=SystemActor(ACTOR_NAME),
            prop=w.prop(),
            tenant=tenant,
            start=TODAY,
            end=TODAY + dt.timedelta(days=365),
            documents=rental_checklist(),
            today=TODAY,
        )

    return w.get("rental_contract", make)


def _beta_address(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.registry.services.unit_addresses import address_add

        _beyond_alpha("registry_propertyaddress")
        street = f"Travessa Exclusiva de Beta {next(_names)}"
        w.remember(street)
        return address_add(
            actor=SystemActor(ACTOR_NAME), prop=w.prop(), street_name=street, number="9", city="Outra Cidade"
        )

    return w.get("address", make)


IDS |= {
    # rental contracts and a unit's alternative addresses (h-rental)
    ("rental-contracts", "id"): lambda w: _beta_rental_contract(w).pk,
    ("addresses", "address_id"): lambda w: _beta_address(w).pk,
}


def _beta_news(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.service.services.news import news_create

        _beyond_alpha("service_news")
        title = f"Aviso Exclusivo de Beta {next(_names)}"
        w.remember(title)
        return news_create(actor=SystemActor(ACTOR_NAME), title=title, body="Só para a beta.")

    return w.get("news", make)


IDS |= {
    # news and notices to consumers (h-tickets, issue 23)
    ("news", "id"): lambda w: _beta_news(w).pk,
}


def _beta_active_debt(w: BetaWorld) -> Any:
    """Beta's CDA over its overdue bill: the book, the entry, the received notice and the CDA."""

    def make() -> Any:
        from decimal import Decimal

        from modules.common.audit import SystemActor
        from modules.debt import active_debt_selectors as reads
        from modules.debt import active_debt_services as da

        _beyond_alpha(
            "debt_activedebtbook",
            "debt_activedebtentry",
            "debt_activedebtnotice",
            "debt_activedebtcertificate",
        )
        bill = w.overdue_bill()
        actor = SystemActor(ACTOR_NAME)
        on = dt.date(2025, 6, 15)
        criteria = reads.Criteria(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 60, Decimal("0.01"))
        book = da.active_debt_enrol(actor=actor, criteria=criteria, as_of=on)
        entry = reads.entry_get(book.entries.get(bill=bill).pk)
        notice = da.active_debt_notice_issue(
            actor=actor, property_id=bill.property_id, kind="notice", as_of=on
        )
        da.active_debt_notice_receipt(actor=actor, notice_id=notice.pk, received_on=on, today=on)
        cda = da.active_debt_certificate_issue(actor=actor, property_id=bill.property_id, as_of=on)
        w.remember(cda.certificate.code)
        return {"book": book, "entry": entry, "notice": notice, "cda": cda}

    return w.get("active_debt", make)


IDS |= {
    # dívida ativa (h-dativa)
    ("books", "id"): lambda w: _beta_active_debt(w)["book"].pk,
    ("entries", "id"): lambda w: _beta_active_debt(w)["entry"].pk,
    ("active-debt/notices", "id"): lambda w: _beta_active_debt(w)["notice"].pk,
    ("certificates", "id"): lambda w: _beta_active_debt(w)["cda"].pk,
}


def _beta_bureau_listing(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.debt.services_bureau import bureau_listing_commit

        _beyond_alpha("debt_bureaulisting")
        return bureau_listing_commit(actor=SystemActor(ACTOR_NAME), as_of=TODAY)

    return w.get("bureau_listing", make)


IDS |= {
    # credit bureau listings (h-bureau)
    ("bureau-listings", "id"): lambda w: _beta_bureau_listing(w).pk,
}


def _beta_batch_route(w: BetaWorld) -> Any:
    """A reading batch of beta with one route handed to beta's device (ADR 0200)."""

    def make() -> Any:
        from django.utils import timezone

        from modules.reading.models import BatchItem, BatchRoute, ReadingBatch
        from modules.registry.models import BillingGroup, Route

        _beyond_alpha("reading_readingbatch", "reading_batchroute", "reading_batchitem")
        group, _ = BillingGroup.objects.get_or_create(code=91, defaults={"name": "Grupo Exclusivo de Beta"})
        route, _ = Route.objects.get_or_create(group=group, code=91)
        batch = ReadingBatch.objects.create(
            group=group, reference=dt.date(2025, 5, 1), created_at=timezone.now(), created_by=ACTOR_NAME
        )
        batch_route = BatchRoute.objects.create(batch=batch, route=route, code=91, device=_beta_device(w))
        prop = w.prop()
        BatchItem.objects.create(
            batch=batch,
            route=batch_route,
            property=prop,
            sequence=1,
            account_number=prop.account_number,
            address="Rua Exclusiva de Beta, 7777",
            status="active",
        )
        return batch_route

    return w.get("batch_route", make)


def _beta_device(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.reading.models import Device

        _beyond_alpha("reading_device")
        # the code is the path's own value (a 404 may name it); the label is what must not leak
        w.remember("Aparelho Exclusivo de Beta")
        return Device.objects.create(code=f"BETA-DEVICE-{next(_names)}", label="Aparelho Exclusivo de Beta")

    return w.get("reading_device", make)


IDS |= {
    # reading in the field: batches, their routes and devices (h-readbatch)
    ("batches", "id"): lambda w: _beta_batch_route(w).batch_id,
    ("routes", "route"): lambda w: _beta_batch_route(w).code,
    ("devices", "code"): lambda w: _beta_device(w).code,
}


def _beta_review(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.common.audit import SystemActor
        from modules.common.domain.dates import YearMonth
        from modules.service.services.reviews import ReviewForm, review_open

        _beyond_alpha("service_consumptionreview", "portal_servicerequest")
        reading = w.reading()
        name = f"Proponente Exclusivo de Beta {next(_names)}"
        w.remember(name)
        return review_open(
            actor=SystemActor(ACTOR_NAME),
            form=ReviewForm(
                property_id=reading.property_id,
                reference=YearMonth.of(reading.reference),
                requester_name=name,
                requester_phone="",
                residents=2,
                description="Revisão de consumo exclusiva de beta.",
                origin="internal",
                reading_id=reading.pk,
            ),
        )

    return w.get("review", make)


IDS |= {
    # the consumption review (h-review)
    ("reviews", "id"): lambda w: _beta_review(w).pk,
}


def _beta_cut_notice(w: BetaWorld) -> Any:
    def make() -> Any:
        from decimal import Decimal

        from modules.debt.models import CutNotice

        _beyond_alpha("debt_cutnotice")
        return CutNotice.objects.create(
            property=w.prop(),
            issued_on=TODAY,
            delivered_on=TODAY,
            cut_from=TODAY + dt.timedelta(days=15),
            bill_ids=[],
            bills=1,
            amount=Decimal("10.00"),
            created_by=ACTOR_NAME,
        )

    return w.get("cut_notice", make)


IDS |= {
    # cut notices of the collection ladder (h-ladder)
    ("notices", "id"): lambda w: _beta_cut_notice(w).pk,
}


def _beta_debit_agreement(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.direct_debit import agreement_create
        from modules.common.audit import SystemActor
        from tests.collection import factories as col

        _beyond_alpha("collection_directdebitagreement")
        col.agent("237")
        return agreement_create(actor=SystemActor(ACTOR_NAME), agent_code="237", code=f"DABETA{next(_names)}")

    return w.get("debit_agreement", make)


def _beta_debit_authorization(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.models import DirectDebitAuthorization

        _beyond_alpha("collection_directdebitauthorization")
        return DirectDebitAuthorization.objects.create(
            property=w.prop(),
            agreement=_beta_debit_agreement(w),
            branch="7777",
            account="77770001",
            origin="bank",
            opted_on=TODAY,
            created_by=ACTOR_NAME,
        )

    return w.get("debit_authorization", make)


def _beta_debit_remittance(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.direct_debit import remittance_create
        from modules.common.audit import SystemActor

        _beyond_alpha("collection_directdebitremittance", "collection_directdebititem")
        _beta_debit_authorization(w)
        bill = w.bill()  # due in 2099, open: it goes in the remittance
        (remittance,) = remittance_create(
            actor=SystemActor(ACTOR_NAME), agent_code="237", due_until=bill.due_date, today=TODAY
        )
        return remittance

    return w.get("debit_remittance", make)


def _beta_debit_enrolment(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.models import (
            DirectDebitEnrolmentQueue,
            DirectDebitReturn,
            DirectDebitReturnRecord,
        )

        _beyond_alpha("collection_directdebitenrolmentqueue")
        agreement = _beta_debit_agreement(w)
        rf = DirectDebitReturn.objects.create(
            agreement=agreement, sha256=f"{next(_names):064d}", content_sha256=f"{next(_names):064d}",
            sequence=next(_names), generated_on=TODAY, record_count=3, total=0, uploaded_by=ACTOR_NAME,
        )  # fmt: skip
        record = DirectDebitReturnRecord.objects.create(
            return_file=rf, line=2, kind="B", customer_id="BETA-7777", branch="7777", account="1", on=TODAY,
            code="2", outcome="unidentified",
        )  # fmt: skip
        w.remember("BETA-7777")
        return DirectDebitEnrolmentQueue.objects.create(record=record, agreement=agreement)

    return w.get("debit_enrolment", make)


IDS |= {
    # direct debit (h-pay, ADR 0235)
    ("authorizations", "id"): lambda w: _beta_debit_authorization(w).pk,
    ("remittances", "id"): lambda w: _beta_debit_remittance(w).pk,
    ("enrolments", "id"): lambda w: _beta_debit_enrolment(w).pk,
}


def _beta_closing(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.models import CollectionClosing

        _beyond_alpha("collection_collectionclosing")
        return CollectionClosing.objects.create(
            month=dt.date(2001, 1, 1),
            scheduled_for=dt.datetime(2001, 3, 1, tzinfo=dt.UTC),
            requested_by=ACTOR_NAME,
        )

    return w.get("closing", make)


IDS |= {
    # the monthly closing of collection (h-pay, ADR 0237): beta's month that alpha never closed
    ("closings", "month"): lambda w: f"{_beta_closing(w).month:%Y-%m}",
}


IDS |= {
    # the installment booklet of an agreement (citizen API, VA-16, ADR 0213)
    ("agreements", "agreement_id"): lambda w: w.agreement().pk,
}


def _beta_boleto(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection import boletos
        from modules.common.audit import SystemActor
        from tests.collection import factories as col

        _beyond_alpha("collection_boletoagreement", "collection_registeredboleto", "collection_boletofile")
        col.agent("341")
        code = f"CBBETA{next(_names)}"
        actor = SystemActor(ACTOR_NAME)
        boletos.boleto_agreement_create(
            actor=actor, agent_code="341", code=code, branch="7777", account="7777"
        )
        bill = w.bill()  # due in 2099, open: it gets a boleto
        (boleto,) = boletos.boletos_issue(
            actor=actor, agreement_code=code, due_until=bill.due_date, today=TODAY
        )
        sent = boletos.boleto_remittance_send(actor=actor, agreement_code=code, today=TODAY)
        return {"boleto": boleto, "file": sent}

    return w.get("boleto", make)


IDS |= {
    # registered boletos, CNAB 240 (h-pay, ADR 0216)
    ("boletos", "id"): lambda w: _beta_boleto(w)["boleto"].pk,
    ("boletos/remittances", "id"): lambda w: _beta_boleto(w)["file"].pk,
}


def _beta_critique_rule(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.billing.models import CritiqueRule

        _beyond_alpha("billing_critiquerule")
        return CritiqueRule.objects.create(
            name="Regra de Beta", kind="value_above", threshold="999.00", created_by=ACTOR_NAME
        )

    return w.get("critique_rule", make)


def _beta_credit(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.collection.models import PaymentAdjustment

        _beyond_alpha("collection_paymentadjustment")
        payment = w.payment()
        return PaymentAdjustment.objects.create(
            property=w.prop(), payment=payment, kind="credit", cause="duplicate", amount="7.30",
            description="Crédito de Beta", created_by=ACTOR_NAME,
        )  # fmt: skip

    return w.get("credit", make)


def _beta_loss_type(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.service.models import LossType

        return LossType.objects.create(code="BETA77", name="Perda de Beta", nature="fraud")

    return w.get("loss_type", make)


IDS |= {
    # the critique's rules and credits with their ledger (h-docs, ADR 0226, 0228)
    ("loss-types", "code"): lambda w: _beta_loss_type(w).code,
    ("critique-rules", "id"): lambda w: _beta_critique_rule(w).pk,
    ("credits", "id"): lambda w: _beta_credit(w).pk,
}


def _beta_report_definition(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.reports.catalogue import BY_CODE
        from modules.reports.domain.spec import definition_to_dict
        from modules.reports.models import ReportDefinition

        spec = definition_to_dict(BY_CODE["faturamento-por-categoria"]) | {
            "title": "Relatório exclusivo de beta"
        }
        w.remember("Relatório exclusivo de beta")
        return ReportDefinition.objects.create(code="exclusivo-de-beta", spec=spec, created_by=ACTOR_NAME)

    return w.get("report_definition", make)


def _beta_report_run(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.reports.models import ReportRun

        _beyond_alpha("reports_reportrun")
        return ReportRun.objects.create(
            code="exclusivo-de-beta",
            title="Relatório exclusivo de beta",
            params={},
            format="csv",
            status="done",
        )

    return w.get("report_run", make)


IDS |= {
    # the management reports (h-reports, ADR 0233): beta's own definition and beta's run
    ("reports", "code"): lambda w: _beta_report_definition(w).code,
    ("reports/runs", "id"): lambda w: _beta_report_run(w).pk,
}


def _beta_billing_exception(w: BetaWorld) -> Any:
    def make() -> Any:
        from modules.billing.models import BillingExceptionRow

        _beyond_alpha("billing_billingexceptionrow")
        return BillingExceptionRow.objects.create(
            property=w.prop(),
            kind="volume_cap",
            volume_m3=20,
            valid_from=dt.date(2001, 1, 1),
            reason="exceção de beta",
            created_by=ACTOR_NAME,
        )

    return w.get("billing_exception", make)


IDS |= {
    # billing exceptions of a property (h-bill, ADR 0220)
    ("exceptions", "billing_exception_id"): lambda w: _beta_billing_exception(w).pk,
}

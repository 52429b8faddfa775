"""The protocols' move from portal to service keeps every row and every id (ADR 0181): protocols,
their events and files and the yearly series are written under the old state (portal 0005) in a
scratch schema, then the schema migrates forward through service 0004 and portal 0006 and the same
rows are read back through the new models. Runs inside the test's transaction: PostgreSQL rolls the
DDL back with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SCHEMA = "desk_migration"
OLD = [("portal", "0005_agency_disabled_services"), ("service", "0002_automatic_opening")]
NEW = [("portal", "0006_desk_protocols_moved"), ("service", "0004_desk_protocols")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def scratch_schema(db: None) -> Any:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
    connection.set_schema(SCHEMA, include_public=False)
    yield
    connection.set_schema_to_public()


def test_every_protocol_row_and_id_survives_the_move_to_service(scratch_schema: None) -> None:
    old = _migrate(OLD)
    Request = old.get_model("portal", "ServiceRequest")
    Event = old.get_model("portal", "ServiceRequestEvent")
    Attachment = old.get_model("portal", "ServiceRequestAttachment")
    Counter = old.get_model("portal", "ProtocolCounter")
    Counter.objects.create(year=2026, last=41)
    ids = {}
    for n, (kind, type_code) in enumerate(
        [("service", "leak"), ("ombudsman", "complaint"), ("service", "cancellation")]
    ):
        row = Request.objects.create(
            id=1000 + 7 * n,  # ids with gaps, as a live table has
            protocol=f"2026{39 + n:06d}",
            kind=kind,
            type_code=type_code,
            requester_name=f"Pessoa {n}",
            requester_email=f"p{n}@example.com",
            channel="web",
            status="pending" if n else "received",
            expected_on=dt.date(2026, 12, 10 + n),
            unit="Atendimento",
            context={"n": n},
        )
        ids[row.protocol] = row.id
        event = Event.objects.create(
            request=row, status=row.status, unit="Atendimento", note="aberto", actor="web"
        )
        attachment = Attachment.objects.create(
            request=row,
            file=f"portal/requests/{row.protocol}/a.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=9,
        )
        ids[f"event:{row.protocol}"] = event.id
        ids[f"attachment:{row.protocol}"] = attachment.id

    with connection.cursor() as cursor:  # the rows' deferred FK checks run now, as a commit would
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    new = _migrate(NEW)

    Moved = new.get_model("service", "ServiceRequest")
    assert {r.protocol: r.id for r in Moved.objects.all()} == {k: v for k, v in ids.items() if ":" not in k}
    for protocol in ("2026000039", "2026000040", "2026000041"):
        row = Moved.objects.get(protocol=protocol)
        assert [e.id for e in row.events.all()] == [ids[f"event:{protocol}"]]
        assert [a.id for a in row.attachments.all()] == [ids[f"attachment:{protocol}"]]
        assert row.attendance_id is None and row.order_id is None and row.answered_at is None
    assert Moved.objects.get(protocol="2026000040").context == {"n": 1}
    assert new.get_model("service", "ProtocolCounter").objects.get(year=2026).last == 41
    # the types are data now, seeded with the agency's deadlines
    types = new.get_model("service", "ProtocolType").objects
    assert types.get(code="leak").deadline_days == 2
    assert types.get(code="complaint").kind == "ombudsman"
    # the eleven of ADR 0181 and the six of ADR 0223 (five 3.2.14.11 types and "Outros serviços"),
    # seeded from the one tuple of service/domain/protocols.py
    assert types.filter(kind="service").count() == 17
    # portal's state no longer has the models; the tables are the same ones
    with pytest.raises(LookupError):
        new.get_model("portal", "ServiceRequest")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM portal_servicerequest")
        assert cursor.fetchone()[0] == 3

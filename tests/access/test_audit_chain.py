"""The tamper-evident audit (issue #21, ADR 0240): every row chained to the previous one by SHA-256 per
utility, sealed by the database at commit; verification by command, API and page finds the first
broken row; searchable by user, function, object, period and field changed; CSV; legacy logs apart."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from modules.common.audit import SystemActor, audit_batch, audit_record
from modules.common.audit_chain import audit_chain_verify, audit_retention_purge, seal_pending
from modules.common.audit_legacy import legacy_audit_import
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import (
    AuditChain,
    AuditEntry,
    AuditPolicy,
    AuditSeal,
    LegacyAuditEntry,
    LegacyAuditImport,
)
from tests.conftest import bearer, make_user


def _write(n: int, action: str = "tests.chain") -> list[AuditSeal]:
    with transaction.atomic():
        rows = [
            audit_record(
                actor=SystemActor("tests"),
                action=action,
                object_type="registry.property",
                object_id=i,
                before={"status": "ativa"},
                after={"status": f"cortada {i}"},
                reason=f"motivo {i}",
            )
            for i in range(n)
        ]
    seal_pending()
    return [AuditSeal.objects.select_related("entry").get(entry=row) for row in rows]


def _tamper(sql: str, params: list) -> None:
    """What someone with the database's owner role could do: switch the triggers off and edit."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_rows_are_sealed_in_order_each_pointing_at_the_one_before(tenant_alpha) -> None:
    rows = _write(3)
    assert [r.seq for r in rows] == [rows[0].seq, rows[0].seq + 1, rows[0].seq + 2]
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    assert all(len(r.row_hash) == 64 for r in rows)
    head = AuditChain.objects.get(pk=1)
    assert (head.tip_seq, head.tip_hash) == (rows[2].seq, rows[2].row_hash)
    report = audit_chain_verify()
    assert report.ok and report.first_break is None and report.tip_seq == rows[2].seq


def test_editing_a_row_in_the_database_is_found_by_the_verification(tenant_alpha) -> None:
    rows = _write(3)
    _tamper("UPDATE common_auditentry SET reason = 'nada aconteceu' WHERE id = %s", [rows[1].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_break is not None
    assert (report.first_break.entry_id, report.first_break.reason) == (rows[1].pk, "content_changed")


def test_recomputing_the_edited_rows_own_hash_breaks_the_next_link(tenant_alpha) -> None:
    rows = _write(3)
    _tamper('UPDATE common_auditentry SET after = \'{"status": "ativa"}\'::jsonb WHERE id = %s', [rows[0].pk])
    _tamper(
        "UPDATE common_auditseal s SET row_hash = audit_entry_link(s.prev_hash, s.seq, e)"
        " FROM common_auditentry e WHERE e.id = s.entry_id AND s.entry_id = %s",
        [rows[0].pk],
    )
    report = audit_chain_verify()
    assert report.first_break is not None
    assert (report.first_break.entry_id, report.first_break.reason) == (rows[1].pk, "link_broken")


def test_a_deleted_row_is_found_with_or_without_its_seal(tenant_alpha) -> None:
    rows = _write(4)
    _tamper("DELETE FROM common_auditentry WHERE id = %s", [rows[1].pk])
    report = audit_chain_verify()
    assert report.first_break is not None
    assert (report.first_break.entry_id, report.first_break.reason) == (rows[1].pk, "row_missing")
    _tamper("DELETE FROM common_auditseal WHERE entry_id = %s", [rows[1].pk])
    report = audit_chain_verify()
    assert report.first_break is not None
    assert (report.first_break.entry_id, report.first_break.reason) == (rows[2].pk, "row_missing")


def test_a_removed_last_row_is_found(tenant_alpha) -> None:
    rows = _write(2)
    _tamper("DELETE FROM common_auditseal WHERE entry_id = %s", [rows[1].pk])
    _tamper("DELETE FROM common_auditentry WHERE id = %s", [rows[1].pk])
    report = audit_chain_verify()
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.reason) == (rows[1].seq, "tip_missing")


def test_a_row_inserted_past_the_trigger_is_found(tenant_alpha) -> None:
    _write(1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO common_auditentry (at, actor, action, object_type, object_id, reason, user_agent,"
            " request_id, workstation) VALUES (now(), 'intruso', 'x', '', '', '', '', '', '') RETURNING id"
        )
        forged = cursor.fetchone()[0]
        cursor.execute("SET LOCAL session_replication_role = origin")
    report = audit_chain_verify()
    assert report.first_break is not None
    assert (report.first_break.entry_id, report.first_break.reason) == (forged, "unsealed")


def test_the_database_refuses_changes_to_rows_and_seals(tenant_alpha) -> None:
    from django.db import DatabaseError

    with transaction.atomic():
        pending = audit_record(actor=SystemActor("tests"), action="x.y")
    rows = _write(1)
    for sql, key in (
        ("UPDATE common_auditentry SET reason = 'x' WHERE id = %s", pending.pk),
        ("UPDATE common_auditseal SET row_hash = 'x' WHERE entry_id = %s", rows[0].pk),
        ("DELETE FROM common_auditseal WHERE entry_id = %s", rows[0].pk),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql, [key])


def test_a_batch_of_rows_is_chained_in_the_order_written(tenant_alpha) -> None:
    with transaction.atomic(), audit_batch() as batch:
        for i in range(50):
            audit_record(actor=SystemActor("tests"), action="tests.batch", object_id=i)
        batch.flush()
    assert audit_chain_verify().ok
    seqs = list(
        AuditSeal.objects.filter(entry__action="tests.batch")
        .order_by("entry_id")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(seqs[0], seqs[0] + 50))


def test_the_verify_command_names_the_broken_row_and_fails(tenant_alpha, capsys) -> None:
    rows = _write(2)
    call_command("audit_verify", "--schema", "alpha")
    assert "alpha: íntegra" in capsys.readouterr().out
    connection.set_tenant(tenant_alpha)  # the command leaves the connection on the public schema
    _tamper("UPDATE common_auditentry SET actor = 'outra pessoa' WHERE id = %s", [rows[0].pk])
    with pytest.raises(CommandError, match="1 cadeia"):
        call_command("audit_verify", "--schema", "alpha")
    out = capsys.readouterr().out
    assert f"alpha: QUEBRADA na sequência {rows[0].seq} (registro {rows[0].pk})" in out
    assert "O conteúdo do registro foi alterado" in out


def test_verify_api_answers_ok_then_the_first_broken_row(alpha_client) -> None:
    make_user("alpha", "auditora", "Senha-forte-123", is_admin=True)
    make_user("alpha", "semperfil", "Senha-forte-123")
    headers = bearer(alpha_client, "auditora", "Senha-forte-123")
    assert (
        alpha_client.get(
            "/api/v1/audit/verify", **bearer(alpha_client, "semperfil", "Senha-forte-123")
        ).status_code
        == 403
    )
    response = alpha_client.get("/api/v1/audit/verify", **headers)
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["first_break"] is None
    rows = _write(2)
    _tamper("UPDATE common_auditentry SET object_id = '999' WHERE id = %s", [rows[1].pk])
    body = alpha_client.get("/api/v1/audit/verify", **headers).json()
    assert body["ok"] is False
    assert body["first_break"] == {
        "entry_id": rows[1].pk,
        "seq": rows[1].seq,
        "reason": "content_changed",
        "message": "O conteúdo do registro foi alterado depois de gravado.",
    }


def test_verify_page_shows_the_broken_row(alpha_client) -> None:
    make_user("alpha", "auditora", "Senha-forte-123", is_admin=True)
    alpha_client.login(username="auditora", password="Senha-forte-123")
    page = alpha_client.post("/conta/auditoria/verificar/")
    assert page.status_code == 200 and "Cadeia íntegra" in page.content.decode()
    rows = _write(1)
    _tamper("UPDATE common_auditentry SET reason = 'apagado' WHERE id = %s", [rows[0].pk])
    text = alpha_client.post("/conta/auditoria/verificar/").content.decode()
    assert "Cadeia quebrada" in text and f"na sequência {rows[0].seq}" in text and "apagado" in text


def test_two_utilities_have_two_chains(tenant_alpha) -> None:
    rows = _write(1)
    _tamper("UPDATE common_auditentry SET reason = 'x' WHERE id = %s", [rows[0].pk])
    from tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(schema_name="beta"))
    assert audit_chain_verify().ok  # beta's chain is untouched by alpha's break
    connection.set_tenant(Tenant.objects.get(schema_name="alpha"))
    assert not audit_chain_verify().ok


def test_search_by_user_function_object_period_and_field_changed(alpha_client) -> None:
    make_user("alpha", "auditora", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "auditora", "Senha-forte-123")
    with transaction.atomic():
        audit_record(
            actor=SystemActor("faturista"),
            action="billing.bill_cancel",
            object_type="billing.bill",
            object_id=77,
            before={"status": "emitida", "total": "10.00"},
            after={"status": "cancelada", "total": "10.00"},
        )
        audit_record(
            actor=SystemActor("faturista"),
            action="registry.property_update",
            object_type="registry.property",
            object_id=77,
            before={"economies": 1},
            after={"economies": 2},
        )
    results = alpha_client.get(
        "/api/v1/audit?user=sistema:faturista&function=billing&object=billing.bill:77", **headers
    ).json()["results"]
    assert [r["action"] for r in results] == ["billing.bill_cancel"]
    assert results[0]["after"] == {"status": "cancelada"}  # only what changed is kept
    by_field = alpha_client.get("/api/v1/audit?user=sistema:faturista&field=economies", **headers).json()
    assert [r["action"] for r in by_field["results"]] == ["registry.property_update"]
    assert (
        alpha_client.get(
            "/api/v1/audit?user=sistema:faturista&from=2000-01-01&to=2000-01-31", **headers
        ).json()["count"]
        == 0
    )
    assert (
        alpha_client.get("/api/v1/audit?user=sistema:faturista&from=2000-01-01", **headers).json()["count"]
        == 2
    )
    bad = alpha_client.get("/api/v1/audit?from=31/12/2026", **headers)
    assert bad.status_code == 400 and bad.json()["field"] == "from"


def test_audit_page_filters_by_field_and_exports_csv(alpha_client) -> None:
    make_user("alpha", "auditora", "Senha-forte-123", is_admin=True)
    alpha_client.login(username="auditora", password="Senha-forte-123")
    with transaction.atomic():
        audit_record(
            actor=SystemActor("faturista"),
            action="registry.property_update",
            object_type="registry.property",
            object_id=5,
            before={"economies": 1},
            after={"economies": 3},
            reason="vistoria",
        )
    page = alpha_client.get("/conta/auditoria/?field=economies&actor=sistema:faturista")
    assert page.status_code == 200 and "vistoria" in page.content.decode()
    csv = alpha_client.get("/conta/auditoria/?field=economies&actor=sistema:faturista&formato=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Sequência;Quando;Usuário")
    assert len(lines) == 2 and "sistema:faturista" in lines[1] and '{""economies"": 3}' in lines[1]


LEGACY = (
    "DATA_HORA;USUARIO;ACAO;TABELA;MATRICULA;IP;ESTACAO;DESCRICAO;COD_FUNC\r\n"
    "03/02/2019 10:15:00;JSILVA;RECALCULO CONTA;conta;12345-6;10.0.0.8;00:1A:2B:3C:4D:5E;"
    "recalculo ref 01/2019;77\r\n"
    "04/02/2019 08:00;MSOUZA;ESTORNO PAGAMENTO;pagamento;98765-4;10.0.0.9;;estorno;81\r\n"
).encode("latin-1")


def test_legacy_logs_are_kept_apart_marked_and_searchable(alpha_client) -> None:
    make_user("alpha", "auditora", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "auditora", "Senha-forte-123")
    batch = legacy_audit_import(
        actor=SystemActor("tests"), source="GSAN", file_name="log.csv", content=LEGACY
    )
    assert batch.rows == 2 and LegacyAuditEntry.objects.filter(batch=batch).count() == 2
    # only the import itself joins the chain, not the legacy rows
    assert not AuditEntry.objects.filter(actor__in=["JSILVA", "MSOUZA"]).exists()
    assert (
        AuditEntry.objects.filter(action="common.legacy_audit_import", object_id=str(batch.pk)).count() == 1
    )
    row = LegacyAuditEntry.objects.get(batch=batch, line=2)
    assert (row.actor, row.action, row.object_id, row.workstation) == (
        "JSILVA",
        "RECALCULO CONTA",
        "12345-6",
        "00:1A:2B:3C:4D:5E",
    )
    assert row.raw["COD_FUNC"] == "77"  # an unmapped legacy column is kept as it came
    assert row.at == dt.datetime(2019, 2, 3, 12, 15, tzinfo=dt.UTC)  # 10:15 in São Paulo's 2019 summer time
    live = alpha_client.get("/api/v1/audit?user=JSILVA", **headers).json()
    assert live["count"] == 0
    legacy = alpha_client.get("/api/v1/audit?user=JSILVA&source=legado", **headers).json()["results"]
    assert [(r["legacy"], r["source"], r["action"]) for r in legacy] == [(True, "GSAN", "RECALCULO CONTA")]
    alpha_client.login(username="auditora", password="Senha-forte-123")
    page = alpha_client.get("/conta/auditoria/?source=legado&actor=MSOUZA").content.decode()
    assert "legado: GSAN" in page and "ESTORNO PAGAMENTO" in page
    with pytest.raises(Conflict, match="já foi importado"):
        legacy_audit_import(actor=SystemActor("tests"), source="GSAN", file_name="log.csv", content=LEGACY)


def test_a_bad_legacy_line_refuses_the_whole_file(tenant_alpha) -> None:
    content = LEGACY + b"31/02/2019 99:00;JSILVA;X;;;;;;\r\n"
    with pytest.raises(ValidationFailed, match="Linha 4: data e hora inválida"):
        legacy_audit_import(actor=SystemActor("tests"), source="GSAN", file_name="log2.csv", content=content)
    assert not LegacyAuditImport.objects.filter(file_name="log2.csv").exists()
    with pytest.raises(ValidationFailed, match="usuario"):
        legacy_audit_import(
            actor=SystemActor("tests"), source="GSAN", file_name="x.csv", content=b"data;acao\n"
        )


def test_retention_purges_a_prefix_and_what_remains_still_verifies(tenant_alpha) -> None:
    old = _write(3, action="tests.old")
    now = old[-1].entry.at + dt.timedelta(days=400)
    AuditPolicy.objects.update_or_create(pk=1, defaults={"retention_days": 365})
    result = audit_retention_purge(now=now)
    assert result.audit_rows >= 3
    assert not AuditEntry.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert not AuditSeal.objects.filter(pk__in=[r.pk for r in old]).exists()
    head = AuditChain.objects.get(pk=1)
    assert head.anchor_seq >= old[-1].seq
    assert AuditEntry.objects.filter(action="common.audit_purge").exists()
    assert audit_chain_verify().ok


def test_concurrent_writers_commit_one_chain_without_forks(tenant_alpha) -> None:
    """Four threads commit audit rows at once, each on its own connection (real commits, so the
    commit-time trigger runs): the sealing serialises per utility, so the chain has no fork and no gap."""
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name="alpha")
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            connection.set_tenant(tenant)
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=SystemActor(f"t{k}"), action="tests.concurrent", object_id=i)
                    time.sleep(0.001)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    connection.set_tenant(tenant)
    assert audit_chain_verify().ok

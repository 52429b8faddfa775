"""Audit rows: written in the write's transaction, append-only in the app and in the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from modules.access.services.users import user_update
from modules.common.audit import SystemActor, audit_record
from modules.common.models import AppendOnlyError, AuditEntry
from tests.conftest import bearer, make_user


def test_a_write_leaves_who_what_before_after_and_why(tenant_alpha) -> None:
    admin = make_user("alpha", "admin_a", is_admin=True)
    user = make_user("alpha", "joana", email="antigo@exemplo.com")
    user_update(actor=admin, user=user, email="novo@exemplo.com", reason="pedido da servidora")
    entry = AuditEntry.objects.get(action="access.user_update", object_id=str(user.pk))
    assert entry.actor == "admin_a" and entry.actor_id == admin.pk
    assert entry.before == {"email": "antigo@exemplo.com"}
    assert entry.after == {"email": "novo@exemplo.com"}
    assert entry.reason == "pedido da servidora"
    assert entry.object_type == "access.user"


def test_audit_rows_cannot_be_changed_or_deleted_through_the_app(tenant_alpha) -> None:
    with transaction.atomic():
        entry = audit_record(actor=SystemActor("tests"), action="x.y", object_type="t", object_id=1)
    entry.reason = "reescrita"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_the_database_refuses_update_and_delete_of_audit_rows(tenant_alpha) -> None:
    with transaction.atomic():
        entry = audit_record(actor=SystemActor("tests"), action="x.y", object_type="t", object_id=1)
    for sql in (
        "UPDATE common_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM common_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


def test_audit_outside_a_transaction_is_a_bug(tenant_alpha) -> None:
    """The guard: an audit row must share its write's transaction (tests run inside one, so the
    connection's atomic flag is lowered for this call only)."""
    from unittest import mock

    from django.db import connections

    with (
        mock.patch.object(connections["default"], "in_atomic_block", False),
        pytest.raises(RuntimeError, match="inside the transaction"),
    ):
        audit_record(actor=SystemActor("tests"), action="x.y")


def test_audit_search_needs_the_audit_function(alpha_client) -> None:
    make_user("alpha", "semperfil", "Senha-forte-123")
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    assert (
        alpha_client.get("/api/v1/audit", **bearer(alpha_client, "semperfil", "Senha-forte-123")).status_code
        == 403
    )
    response = alpha_client.get(
        "/api/v1/audit?actor=admin_a&action=access.login",
        **bearer(alpha_client, "admin_a", "Senha-forte-123"),
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and all(r["actor"] == "admin_a" and r["action"] == "access.login" for r in results)
    assert results[0]["ip"] == "127.0.0.1"


def test_the_audit_page_shows_changes_in_words_not_raw_dicts(tenant_alpha, alpha_client) -> None:
    from modules.billing.models import Bill

    make_user("alpha", "auditora", is_admin=True)
    with transaction.atomic():
        audit_record(
            actor=SystemActor("tests"),
            action="billing.bill_cancel",
            object_type=Bill._meta.label_lower,
            object_id=1,
            before={"status": "draft", "due_date": "2025-06-10", "cancelled_at": None},
            after={
                "status": "cancelled",
                "due_date": "2025-06-10",
                "cancelled_at": "2025-06-11T13:00:00+00:00",
            },
        )
    assert (
        alpha_client.post(
            "/conta/entrar/", {"username": "auditora", "password": "Senha-forte-123"}
        ).status_code
        == 302
    )

    page = alpha_client.get("/conta/auditoria/").content.decode()

    assert "<td>Fatura cancelada</td><td>Fatura 1</td>" in page
    assert "<b>Situação</b>: Em crítica → Cancelada" in page
    assert "<b>Cancelada em</b>: — → 11/06/2025 10:00" in page  # alpha is on São Paulo time
    assert "<b>Vencimento</b>" not in page  # unchanged fields are not changes
    assert "{&#x27;status&#x27;" not in page and "{'status'" not in page


def test_logout_and_a_refused_page_are_in_the_access_log(tenant_alpha, alpha_client) -> None:
    make_user("alpha", "visitante", "Senha-forte-123")  # no profile: every function is refused
    alpha_client.post("/conta/entrar/", {"username": "visitante", "password": "Senha-forte-123"})

    refused = alpha_client.get("/conta/usuarios/")
    alpha_client.post("/conta/sair/")

    assert refused.status_code == 403
    denied = AuditEntry.objects.get(action="access.denied", actor="visitante")
    assert denied.after == {"function": "access.users", "action": "view", "path": "/conta/usuarios/"}
    assert AuditEntry.objects.filter(action="access.logout", actor="visitante").count() == 1

"""Nothing crosses tenants: records, hosts, tokens, staff pages, cache keys, file paths."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from modules.access.models import User
from modules.common.models import AuditEntry
from tests.conftest import bearer, make_user


def test_a_user_created_in_alpha_does_not_exist_in_beta(tenant_alpha) -> None:
    make_user("alpha", "joana")
    assert User.objects.filter(username="joana").exists()
    connection.set_tenant(type(tenant_alpha).objects.get(schema_name="beta"))
    assert not User.objects.filter(username="joana").exists()


def test_a_login_of_alpha_is_refused_on_beta_host(alpha_client, beta_client) -> None:
    make_user("alpha", "joana", "Senha-forte-123")
    ok = alpha_client.post(
        "/api/v1/auth/token",
        {"username": "joana", "password": "Senha-forte-123"},
        content_type="application/json",
    )
    refused = beta_client.post(
        "/api/v1/auth/token",
        {"username": "joana", "password": "Senha-forte-123"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert refused.status_code == 401
    assert refused.json() == {"code": "invalid_credentials", "detail": "Usuário ou senha inválidos."}


def test_a_token_of_alpha_is_refused_by_beta(alpha_client, beta_client) -> None:
    make_user("alpha", "joana", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "joana", "Senha-forte-123")
    assert alpha_client.get("/api/v1/auth/me", **headers).status_code == 200
    response = beta_client.get("/api/v1/auth/me", **headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "Token inválido ou expirado."


def test_staff_api_lists_only_the_hosts_own_users(alpha_client, beta_client) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    make_user("alpha", "so_em_alpha")
    make_user("beta", "admin_b", "Senha-forte-123", is_admin=True)
    alpha_names = {
        u["username"]
        for u in alpha_client.get(
            "/api/v1/users", **bearer(alpha_client, "admin_a", "Senha-forte-123")
        ).json()["results"]
    }
    beta_names = {
        u["username"]
        for u in beta_client.get("/api/v1/users", **bearer(beta_client, "admin_b", "Senha-forte-123")).json()[
            "results"
        ]
    }
    assert {"admin_a", "so_em_alpha"} <= alpha_names
    assert "so_em_alpha" not in beta_names and "admin_a" not in beta_names
    assert "admin_b" in beta_names


def test_staff_pages_of_alpha_do_not_accept_a_beta_session(alpha_client, beta_client) -> None:
    make_user("alpha", "joana", "Senha-forte-123")
    response = alpha_client.post("/conta/entrar/", {"username": "joana", "password": "Senha-forte-123"})
    assert response.status_code == 302
    assert alpha_client.get("/").status_code == 200
    # the same session cookie presented to the other utility's host is worthless there
    beta_client.cookies = alpha_client.cookies
    response = beta_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/conta/entrar/")


def test_audit_rows_stay_in_the_schema_that_wrote_them(tenant_alpha) -> None:
    from modules.access.services.users import user_create
    from modules.common.audit import SystemActor

    user_create(actor=SystemActor("tests"), username="auditada", full_name="Auditada")
    assert (
        AuditEntry.objects.filter(
            action="access.user_create", object_id__isnull=False, after__username="auditada"
        ).count()
        == 1
    )
    connection.set_tenant(type(tenant_alpha).objects.get(schema_name="beta"))
    assert not AuditEntry.objects.filter(after__username="auditada").exists()


def test_unknown_host_answers_404_not_another_tenants_site(client, db) -> None:
    response = client.get("/", HTTP_HOST="desconhecida.localhost")
    assert response.status_code == 404
    assert b"alpha" not in response.content.lower()


@pytest.mark.django_db
def test_cache_keys_carry_the_schema(tenant_alpha) -> None:
    cache.set("saldo", "alpha-value", 30)
    assert cache.get("saldo") == "alpha-value"
    connection.set_tenant(type(tenant_alpha).objects.get(schema_name="beta"))
    assert cache.get("saldo") is None
    cache.set("saldo", "beta-value", 30)
    connection.set_tenant(tenant_alpha)
    assert cache.get("saldo") == "alpha-value"
    cache.delete("saldo")


def test_file_storage_paths_carry_the_schema(tenant_alpha) -> None:
    name = default_storage.save("docs/teste.txt", ContentFile(b"alpha"))
    path_alpha = default_storage.path(name)
    try:
        assert "/alpha/" in path_alpha
        connection.set_tenant(type(tenant_alpha).objects.get(schema_name="beta"))
        assert not default_storage.exists(name)
        assert "/beta/" in default_storage.path(name)
    finally:
        connection.set_tenant(tenant_alpha)
        default_storage.delete(name)


def test_the_search_path_follows_every_switch_even_after_a_rolled_back_savepoint(tenant_alpha) -> None:
    """TENANT_LIMIT_SET_CALLS sets search_path once per switch: a switch, and a savepoint rolled
    back after a switch (PostgreSQL reverts the SET it holds), must each make the next query use the
    schema Django thinks is active."""
    from django.db import transaction

    from modules.common.tenancy import tenant_context
    from tests.registry import factories as f

    f.customer("Só em Alpha")
    for _ in range(3):
        with tenant_context("beta"):
            assert not User.objects.filter(username="sp-alpha").exists()
            assert not f.Customer.objects.filter(name="Só em Alpha").exists()
        assert f.Customer.objects.filter(name="Só em Alpha").exists()

    beta = type(connection.tenant).objects.get(schema_name="beta")
    alpha = connection.tenant
    try:
        with transaction.atomic():
            connection.set_tenant(beta)
            assert not f.Customer.objects.filter(name="Só em Alpha").exists()  # SET beta in the savepoint
            raise RuntimeError("rolls the savepoint back, and PostgreSQL's SET with it")
    except RuntimeError:
        pass
    # Django still says beta; the database's SET was undone: the next query must re-issue it
    assert connection.schema_name == "beta"
    assert not f.Customer.objects.filter(name="Só em Alpha").exists()
    connection.set_tenant(alpha)
    assert f.Customer.objects.filter(name="Só em Alpha").exists()

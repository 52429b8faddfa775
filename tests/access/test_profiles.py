"""Profiles grant functions per access type; read-only profiles never write; only admins administer."""

from __future__ import annotations

import pytest

from modules.access.models import Profile
from modules.access.services.profiles import profile_save
from modules.access.services.users import user_create, user_update
from modules.common.audit import SystemActor
from modules.common.errors import PermissionDenied
from tests.conftest import bearer, make_user


def test_read_only_profile_reads_but_cannot_write(alpha_client, tenant_alpha) -> None:
    profile = profile_save(
        actor=SystemActor("tests"),
        name="Leitura usuários",
        read_only=True,
        grants={"access.users": ["view", "add"]},
    )
    user = make_user("alpha", "leitor", "Senha-forte-123")
    user.profiles.add(profile)
    headers = bearer(alpha_client, "leitor", "Senha-forte-123")
    assert alpha_client.get("/api/v1/users", **headers).status_code == 200
    response = alpha_client.post(
        "/api/v1/users", {"username": "novo", "full_name": "Novo"}, content_type="application/json", **headers
    )
    assert response.status_code == 403


def test_union_of_profiles_and_revocation_on_the_next_request(alpha_client, tenant_alpha) -> None:
    actor = SystemActor("tests")
    a = profile_save(actor=actor, name="A", grants={"common.audit": ["view"]})
    b = profile_save(actor=actor, name="B", grants={"access.users": ["view"]})
    user = make_user("alpha", "duplo", "Senha-forte-123")
    user.profiles.add(a, b)
    headers = bearer(alpha_client, "duplo", "Senha-forte-123")
    assert alpha_client.get("/api/v1/audit", **headers).status_code == 200
    assert alpha_client.get("/api/v1/users", **headers).status_code == 200
    profile_save(actor=actor, profile=b, name="B", grants={})
    assert alpha_client.get("/api/v1/users", **headers).status_code == 403
    assert alpha_client.get("/api/v1/audit", **headers).status_code == 200


def test_menu_shows_only_granted_functions(alpha_client, tenant_alpha) -> None:
    profile = profile_save(actor=SystemActor("tests"), name="Só auditoria", grants={"common.audit": ["view"]})
    user = make_user("alpha", "auditor", "Senha-forte-123")
    user.profiles.add(profile)
    alpha_client.post("/conta/entrar/", {"username": "auditor", "password": "Senha-forte-123"})
    page = alpha_client.get("/").content.decode()
    assert 'href="/conta/auditoria/"' in page
    assert 'href="/conta/usuarios/"' not in page
    assert alpha_client.get("/conta/usuarios/").status_code == 403


def test_operators_cannot_create_users_or_profiles(tenant_alpha, alpha_client) -> None:
    operator = make_user("alpha", "operador", "Senha-forte-123")
    operator.profiles.add(Profile.objects.get(name="Gestor"))
    with pytest.raises(PermissionDenied):
        user_create(actor=operator, username="x", full_name="X")
    with pytest.raises(PermissionDenied):
        profile_save(actor=operator, name="X", grants={})
    headers = bearer(alpha_client, "operador", "Senha-forte-123")
    response = alpha_client.post(
        "/api/v1/users", {"username": "x", "full_name": "X"}, content_type="application/json", **headers
    )
    assert response.status_code == 403


def test_admin_creates_a_user_with_a_temporary_password(alpha_client, tenant_alpha) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    response = alpha_client.post(
        "/api/v1/users",
        {"username": "nova", "full_name": "Nova Pessoa", "profiles": ["Atendente"]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["profiles"] == ["Atendente"] and body["must_change_password"] is True
    first = alpha_client.post(
        "/api/v1/auth/token",
        {"username": "nova", "password": body["temporary_password"]},
        content_type="application/json",
    )
    assert first.json()["password_change_required"] is True


def test_duplicate_username_is_a_400_naming_the_field(alpha_client) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    response = alpha_client.post(
        "/api/v1/users",
        {"username": "admin_a", "full_name": "Outro"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "username"
    assert response.json()["detail"] == "Já existe um usuário com este nome."


def test_the_users_change_grant_edits_data_but_not_profiles_or_administrators(
    tenant_alpha, alpha_client
) -> None:
    """The page and the service follow one rule (before, the page offered the form and every save
    failed): the grant edits a user's data; profiles, the administrator flag and administrators
    themselves are an administrator's."""
    from modules.common.models import AuditEntry

    keeper = profile_save(
        actor=SystemActor("tests"), name="Cadastro de usuários", grants={"access.users": ["view", "change"]}
    )
    clerk = make_user("alpha", "rh", "Senha-forte-123")
    clerk.profiles.add(keeper)
    joana = make_user("alpha", "joana", email="antigo@exemplo.com")
    chief = make_user("alpha", "chefe", is_admin=True, email="chefe@exemplo.com")
    alpha_client.post("/conta/entrar/", {"username": "rh", "password": "Senha-forte-123"})

    page = alpha_client.get(f"/conta/usuarios/{joana.pk}/").content.decode()
    saved = alpha_client.post(
        f"/conta/usuarios/{joana.pk}/",
        {
            "action": "save",
            "full_name": "Joana Silva",
            "email": "novo@exemplo.com",
            "password_expiry_days": "",
        },
    )
    joana.refresh_from_db()
    assert saved.status_code == 302 and joana.email == "novo@exemplo.com"
    assert "Somente administradores alteram este campo." in page and 'value="reset"' not in page

    with pytest.raises(PermissionDenied):
        user_update(actor=clerk, user=joana, profiles=[keeper])
    with pytest.raises(PermissionDenied):
        user_update(actor=clerk, user=joana, is_admin=True)
    with pytest.raises(PermissionDenied):
        user_update(actor=clerk, user=chief, email="outro@exemplo.com")
    joana.refresh_from_db()
    chief.refresh_from_db()
    assert list(joana.profiles.all()) == [] and not joana.is_admin
    assert chief.email == "chefe@exemplo.com"
    assert AuditEntry.objects.filter(action="access.user_update", object_id=str(chief.pk)).count() == 0

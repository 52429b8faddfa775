"""A new utility's first administrator, created by the vendor (ops API and console): they sign in on
the utility's host with the temporary password, must change it at once, then create the others."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from modules.access.models import User
from modules.common.models import AuditEntry
from tenants.models import ProvisioningState, Tenant
from tests.conftest import bearer, host_client, make_user

TEMPORARY = "Provisoria-2026!"
NEW = "Minha-senha-nova-9"


@pytest.fixture
def vendor(ops_client):
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    return bearer(ops_client, "vendor", "Senha-forte-123", "/ops/api/v1/auth/token")


def _body(**overrides: str) -> dict[str, str]:
    return {
        "username": "chefe",
        "name": "Joana Chefe",
        "email": "Joana@SAAE-alpha.gov.br",
        "temporary_password": TEMPORARY,
        **overrides,
    }


def _users(schema: str, username: str = "chefe") -> int:
    tenant = Tenant.objects.get(schema_name=schema) if schema != "public" else None
    if tenant:
        connection.set_tenant(tenant)
    try:
        return User.objects.filter(username=username).count()
    finally:
        connection.set_schema_to_public()


def _audits(schema: str) -> list[tuple[str, str]]:
    if schema != "public":
        connection.set_tenant(Tenant.objects.get(schema_name=schema))
    try:
        return list(AuditEntry.objects.order_by("pk").values_list("actor", "action"))
    finally:
        connection.set_schema_to_public()


def test_the_vendor_creates_the_first_admin_who_changes_the_password_and_creates_users(
    ops_client, vendor, django_capture_on_commit_callbacks
) -> None:
    public_before, alpha_before = _audits("public"), _audits("alpha")
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_client.post(
            "/ops/api/v1/tenants/alpha/admins", _body(), content_type="application/json", **vendor
        )

    assert response.status_code == 201, response.content
    assert response.json() == {
        "username": "chefe",
        "name": "Joana Chefe",
        "email": "joana@saae-alpha.gov.br",
        "is_admin": True,
        "must_change_password": True,
    }
    assert (_users("alpha"), _users("beta"), _users("public")) == (1, 0, 0)
    assert _audits("public")[len(public_before) :] == [("vendor", "tenant.admin_create")]
    assert _audits("alpha")[len(alpha_before) :] == [("fornecedor:vendor", "access.user_create")]
    [invitation] = mail.outbox
    assert invitation.to == ["joana@saae-alpha.gov.br"]
    assert invitation.subject == "Concessionária Alpha: seu acesso de administrador ao Manancial"
    assert "Endereço de acesso: http://alpha.localhost/conta/entrar/" in invitation.body
    assert "Usuário: chefe" in invitation.body
    assert TEMPORARY not in invitation.body

    # on the utility's host: signed in, but sent to the password change before anything else
    site = host_client("alpha.localhost")
    signed_in = site.post("/conta/entrar/", {"username": "chefe", "password": TEMPORARY})
    assert signed_in.status_code == 302
    assert site.get("/").url == "/conta/senha/"
    assert site.get("/conta/usuarios/novo/").url == "/conta/senha/"
    api = bearer(site, "chefe", TEMPORARY)
    refused = site.get("/api/v1/users", **api)
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"

    changed = site.post(
        "/conta/senha/",
        {"current_password": TEMPORARY, "new_password": NEW, "confirm_password": NEW},
    )
    assert changed.status_code == 302 and changed.url == "/"

    # now an administrator of the utility: creates its other users, on the page and through the API
    page = site.post("/conta/usuarios/novo/", {"username": "atendente1", "full_name": "Ana Atendente"})
    assert page.status_code == 302, page.content.decode()[:2000]
    api = bearer(site, "chefe", NEW)
    created = site.post(
        "/api/v1/users",
        {"username": "leiturista1", "full_name": "Lúcio Leiturista", "profiles": ["Leiturista"]},
        content_type="application/json",
        **api,
    )
    assert created.status_code == 201, created.content
    assert (_users("alpha", "atendente1"), _users("alpha", "leiturista1")) == (1, 1)
    assert (_users("beta", "atendente1"), _users("beta", "leiturista1")) == (0, 0)


@pytest.mark.parametrize(
    ("body", "status", "field", "message"),
    [
        (
            _body(temporary_password="curta"),
            400,
            "temporary_password",
            "A senha deve ter pelo menos 10 caracteres.",
        ),
        (_body(email="nao-e-email"), 400, "email", None),
        (_body(username=""), 400, "username", None),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    ops_client, vendor, django_capture_on_commit_callbacks, body, status, field, message
) -> None:
    public_before, alpha_before = _audits("public"), _audits("alpha")
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_client.post(
            "/ops/api/v1/tenants/alpha/admins", body, content_type="application/json", **vendor
        )
    assert response.status_code == status, response.content
    assert list(response.json()["errors"]) == [field]
    if message:
        assert message in response.json()["errors"][field][0]
    assert _users("alpha", body["username"] or "chefe") == 0
    assert (_audits("public"), _audits("alpha")) == (public_before, alpha_before)
    assert mail.outbox == []


def test_a_duplicate_username_is_a_conflict_and_writes_nothing(
    ops_client, vendor, django_capture_on_commit_callbacks
) -> None:
    make_user("alpha", "chefe")
    public_before, alpha_before = _audits("public"), _audits("alpha")
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_client.post(
            "/ops/api/v1/tenants/alpha/admins", _body(), content_type="application/json", **vendor
        )
    assert response.status_code == 409
    assert response.json()["field"] == "username"
    assert response.json()["detail"] == "Já existe um usuário 'chefe' nesta concessionária."
    assert _users("alpha") == 1
    assert (_audits("public"), _audits("alpha")) == (public_before, alpha_before)
    assert mail.outbox == []


def test_a_utility_not_active_yet_is_refused_with_409(ops_client, vendor) -> None:
    Tenant.objects.filter(schema_name="beta").update(provisioning_state=ProvisioningState.MIGRATED)
    public_before = _audits("public")
    response = ops_client.post(
        "/ops/api/v1/tenants/beta/admins", _body(), content_type="application/json", **vendor
    )
    assert response.status_code == 409
    assert response.json()["code"] == "tenant_not_active"
    assert response.json()["detail"] == (
        "A concessionária Concessionária Beta ainda não está ativa (situação: migrada); crie o "
        "administrador quando a implantação terminar."
    )
    Tenant.objects.filter(schema_name="beta").update(provisioning_state=ProvisioningState.ACTIVE)
    assert _users("beta") == 0 and _audits("public") == public_before and mail.outbox == []
    assert (
        ops_client.post(
            "/ops/api/v1/tenants/beta/admins", _body(), content_type="application/json"
        ).status_code
        == 401
    )


def test_the_console_form_creates_the_admin_and_shows_errors_next_to_the_field(
    ops_client, django_capture_on_commit_callbacks
) -> None:
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    assert (
        ops_client.post(
            "/ops/conta/entrar/", {"username": "vendor", "password": "Senha-forte-123"}
        ).status_code
        == 302
    )
    detail = ops_client.get("/ops/concessionarias/alpha/").content.decode()
    assert 'href="/ops/concessionarias/alpha/administrador/"' in detail
    form = ops_client.get("/ops/concessionarias/alpha/administrador/").content.decode()
    assert "Senha provisória" in form and "http://alpha.localhost/conta/entrar/" in form

    weak = ops_client.post("/ops/concessionarias/alpha/administrador/", _body(temporary_password="fraca"))
    assert weak.status_code == 400
    page = weak.content.decode()
    field_html = page[
        page.index('for="id_temporary_password"') : page.index(
            "</div>", page.index('for="id_temporary_password"')
        )
    ]
    assert "A senha deve ter pelo menos 10 caracteres." in field_html
    assert TEMPORARY not in page and "fraca" not in page  # a password is never echoed back
    assert _users("alpha") == 0

    with django_capture_on_commit_callbacks(execute=True):
        done = ops_client.post("/ops/concessionarias/alpha/administrador/", _body())
    assert done.status_code == 302 and done.url == "/ops/concessionarias/alpha/"
    assert (
        "Administrador chefe criado; convite enviado para joana@saae-alpha.gov.br."
        in ops_client.get(done.url).content.decode()
    )
    assert _users("alpha") == 1 and len(mail.outbox) == 1

    again = ops_client.post("/ops/concessionarias/alpha/administrador/", _body())
    assert (
        again.status_code == 400
        and "Já existe um usuário &#x27;chefe&#x27; nesta concessionária." in again.content.decode()
    )


def test_tenant_command_createsuperuser_makes_an_admin_of_that_utility(public_schema, monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Senha-Do-Dev-42!")
    monkeypatch.setenv("DJANGO_SUPERUSER_FULL_NAME", "Dev Responsável")
    call_command(
        "tenant_command",
        "createsuperuser",
        "--noinput",
        "--username",
        "dev",
        schema_name="alpha",
        stdout=io.StringIO(),
    )
    connection.set_tenant(Tenant.objects.get(schema_name="alpha"))
    user = User.objects.get(username="dev")
    assert (user.is_admin, user.full_name, user.must_change_password) == (True, "Dev Responsável", False)
    assert user.check_password("Senha-Do-Dev-42!")
    assert (
        AuditEntry.objects.filter(action="access.user_create", actor="sistema:createsuperuser").count() == 1
    )
    connection.set_schema_to_public()
    assert _users("public", "dev") == 0 and _users("beta", "dev") == 0

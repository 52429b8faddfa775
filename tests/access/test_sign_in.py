"""Sign-in: generic failures, lockout, access hours, second factor, forced and expired passwords."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from django.utils import timezone

from modules.access.errors import AuthFailed
from modules.access.models import AccessWindow, LoginAttempt, PasswordPolicy, User
from modules.access.services.passwords import password_change, password_change_required
from modules.access.services.second_factor import totp_begin, totp_confirm
from modules.access.services.sign_in import auth_authenticate
from modules.access.services.tokens import token_issue, token_resolve
from modules.access.services.users import user_copy
from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from tests.conftest import bearer, make_user

TOKEN = "/api/v1/auth/token"


def _login(client, username: str, password: str, **extra):
    return client.post(
        TOKEN, {"username": username, "password": password, **extra}, content_type="application/json"
    )


def test_wrong_password_and_unknown_user_get_the_same_401(alpha_client) -> None:
    make_user("alpha", "joana", "Senha-forte-123")
    wrong = _login(alpha_client, "joana", "errada")
    unknown = _login(alpha_client, "ninguem", "errada")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"code": "invalid_credentials", "detail": "Usuário ou senha inválidos."}
    )


def test_inactive_user_gets_the_generic_message(alpha_client) -> None:
    make_user("alpha", "joana", "Senha-forte-123", is_active=False)
    response = _login(alpha_client, "joana", "Senha-forte-123")
    assert response.status_code == 401
    assert response.json()["detail"] == "Usuário ou senha inválidos."


def test_three_failures_lock_the_account_and_record_each_attempt(tenant_alpha, alpha_client) -> None:
    PasswordPolicy.objects.update(max_failed_attempts=3, lockout_minutes=15)
    make_user("alpha", "joana", "Senha-forte-123")
    codes = [
        _login(
            alpha_client,
            "joana",
            "errada",
        ).json()["code"]
        for _ in range(3)
    ]
    assert codes == ["invalid_credentials", "invalid_credentials", "account_locked"]
    attempts = LoginAttempt.objects.filter(username="joana", success=False)
    assert attempts.count() == 3
    assert all(a.ip == "127.0.0.1" and a.user is not None for a in attempts)
    locked = _login(alpha_client, "joana", "Senha-forte-123")
    assert locked.status_code == 401
    assert locked.json()["code"] == "account_locked"
    assert "15 minutos" in locked.json()["detail"]


def test_lock_expires_after_the_configured_time(tenant_alpha) -> None:
    PasswordPolicy.objects.update(max_failed_attempts=2, lockout_minutes=10)
    make_user("alpha", "joana", "Senha-forte-123")
    start = timezone.now()
    for _ in range(2):
        with pytest.raises(AuthFailed):
            auth_authenticate(username="joana", password="x", now=start)
    with pytest.raises(AuthFailed) as still_locked:
        auth_authenticate(username="joana", password="Senha-forte-123", now=start + dt.timedelta(minutes=9))
    assert still_locked.value.code == "account_locked"
    user = auth_authenticate(
        username="joana", password="Senha-forte-123", now=start + dt.timedelta(minutes=11)
    )
    assert user.username == "joana"


def test_unknown_usernames_also_lock_so_lockout_reveals_nothing(tenant_alpha) -> None:
    PasswordPolicy.objects.update(max_failed_attempts=2)
    codes = []
    for _ in range(3):
        with pytest.raises(AuthFailed) as exc:
            auth_authenticate(username="fantasma", password="x")
        codes.append(exc.value.code)
    assert codes == ["invalid_credentials", "invalid_credentials", "account_locked"]


def test_sign_in_outside_access_hours_is_refused_and_audited(tenant_alpha) -> None:
    user = make_user("alpha", "joana", "Senha-forte-123")
    for weekday in range(5):
        AccessWindow.objects.create(user=user, weekday=weekday, start=dt.time(7), end=dt.time(18))
    saturday_noon_sp = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)  # 12:00 in São Paulo
    weekday_1801_sp = dt.datetime(2026, 11, 23, 21, 1, tzinfo=dt.UTC)  # 18:01 in São Paulo
    weekday_0900_sp = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    for moment in (saturday_noon_sp, weekday_1801_sp):
        with pytest.raises(AuthFailed) as exc:
            auth_authenticate(username="joana", password="Senha-forte-123", now=moment)
        assert exc.value.code == "outside_hours"
        assert exc.value.message == "Acesso não permitido neste dia ou horário para este usuário."
    assert auth_authenticate(username="joana", password="Senha-forte-123", now=weekday_0900_sp) == user
    assert LoginAttempt.objects.filter(username="joana", reason="outside_hours").count() == 2


def test_second_factor_is_required_once_confirmed(tenant_alpha, alpha_client) -> None:
    user = make_user("alpha", "joana", "Senha-forte-123")
    secret = totp_begin(user=user)
    with pytest.raises(ValidationFailed):
        totp_confirm(user=user, code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    totp_confirm(user=user, code=pyotp.TOTP(secret).now())
    missing = _login(alpha_client, "joana", "Senha-forte-123")
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    wrong = _login(
        alpha_client,
        "joana",
        "Senha-forte-123",
        otp="123456" if pyotp.TOTP(secret).now() != "123456" else "654321",
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_otp"
    ok = _login(alpha_client, "joana", "Senha-forte-123", otp=pyotp.TOTP(secret).now())
    assert ok.status_code == 200


def test_forced_change_blocks_every_other_api_call_until_done(alpha_client) -> None:
    make_user("alpha", "joana", "Provisoria-123", must_change_password=True, is_admin=True)
    response = _login(alpha_client, "joana", "Provisoria-123")
    assert response.json()["password_change_required"] is True
    headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    blocked = alpha_client.get("/api/v1/users", **headers)
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    same = alpha_client.post(
        "/api/v1/auth/password",
        {"current_password": "Provisoria-123", "new_password": "Provisoria-123"},
        content_type="application/json",
        **headers,
    )
    assert same.status_code == 400 and same.json()["field"] == "new_password"
    changed = alpha_client.post(
        "/api/v1/auth/password",
        {"current_password": "Provisoria-123", "new_password": "Nova-Senha-456"},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 204
    assert alpha_client.get("/api/v1/users", **headers).status_code == 200


def test_expired_password_forces_a_change(tenant_alpha) -> None:
    PasswordPolicy.objects.update(expiry_days=90)
    user = make_user("alpha", "joana", "Senha-forte-123")
    assert not password_change_required(user, user.password_changed_at + dt.timedelta(days=89))
    assert password_change_required(user, user.password_changed_at + dt.timedelta(days=91))


def test_password_history_refuses_the_last_passwords(tenant_alpha) -> None:
    PasswordPolicy.objects.update(history_depth=2)
    user = make_user("alpha", "joana", "Primeira-Senha-1")
    password_change(user=user, current="Primeira-Senha-1", new="Segunda-Senha-2")
    password_change(user=user, current="Segunda-Senha-2", new="Terceira-Senha-3")
    with pytest.raises(ValidationFailed) as exc:
        password_change(user=user, current="Terceira-Senha-3", new="Segunda-Senha-2")
    assert exc.value.code == "password_reused"
    with pytest.raises(ValidationFailed) as weak:
        password_change(user=user, current="Terceira-Senha-3", new="abc123")
    assert weak.value.field == "new_password"
    assert "pelo menos 10 caracteres" in weak.value.message


def test_passwords_are_stored_as_salted_slow_hashes(tenant_alpha) -> None:
    make_user("alpha", "joana", "Senha-forte-123")
    stored = User.objects.get(username="joana").password
    assert "Senha-forte-123" not in stored
    assert stored.split("$")[0] in {"pbkdf2_sha256", "md5"}  # md5 only under test settings, for speed


def test_api_never_exposes_password_or_secrets(alpha_client) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    users = alpha_client.get("/api/v1/users", **headers)
    me = alpha_client.get("/api/v1/auth/me", **headers)

    def keys(value) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    for response in (users, me):
        assert response.status_code == 200
        exposed = keys(response.json())
        assert "password" not in exposed and "totp_secret" not in exposed and "key_hash" not in exposed
        assert "pbkdf2" not in response.content.decode() and "md5$" not in response.content.decode()


def test_token_expires_after_idle_timeout(tenant_alpha) -> None:
    PasswordPolicy.objects.update(idle_timeout_minutes=15)
    user = make_user("alpha", "joana", "Senha-forte-123")
    start = timezone.now()
    key = token_issue(user=user, now=start)
    assert token_resolve(key, now=start + dt.timedelta(minutes=1)) == user
    assert token_resolve(key, now=start + dt.timedelta(minutes=17)) is None


def test_web_session_expires_after_idle_timeout(tenant_alpha, alpha_client) -> None:
    PasswordPolicy.objects.update(idle_timeout_minutes=15)
    make_user("alpha", "joana", "Senha-forte-123")
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert (
            alpha_client.post(
                "/conta/entrar/", {"username": "joana", "password": "Senha-forte-123"}
            ).status_code
            == 302
        )
        assert alpha_client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=14))
        assert alpha_client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        response = alpha_client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/conta/entrar/")
        assert alpha_client.get("/").status_code == 302


def test_web_sign_in_shows_the_pt_br_error(alpha_client) -> None:
    response = alpha_client.post("/conta/entrar/", {"username": "x", "password": "y"})
    assert response.status_code == 401
    assert "Usuário ou senha inválidos." in response.content.decode()


def test_disabling_users_revokes_their_tokens_in_one_operation(alpha_client, tenant_alpha) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    targets = [make_user("alpha", f"op{i}", "Senha-forte-123") for i in range(3)]
    op_headers = bearer(alpha_client, "op0", "Senha-forte-123")
    admin_headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    response = alpha_client.post(
        "/api/v1/users/activation",
        {"users": [u.pk for u in targets], "active": False},
        content_type="application/json",
        **admin_headers,
    )
    assert response.status_code == 200 and response.json() == {"changed": 3}
    assert alpha_client.get("/api/v1/auth/me", **op_headers).status_code == 401
    assert User.objects.filter(pk__in=[u.pk for u in targets], is_active=False).count() == 3


def test_user_copy_keeps_profiles_windows_and_forces_a_new_password(tenant_alpha) -> None:
    from modules.access.models import Profile

    source = make_user("alpha", "modelo", "Senha-forte-123")
    source.profiles.add(Profile.objects.get(name="Atendente"))
    AccessWindow.objects.create(user=source, weekday=0, start=dt.time(8), end=dt.time(17))
    copy, secret = user_copy(actor=SystemActor("tests"), source=source, username="copia", full_name="Cópia")
    assert [p.name for p in copy.profiles.all()] == ["Atendente"]
    assert [(w.weekday, w.start, w.end) for w in copy.access_windows.all()] == [(0, dt.time(8), dt.time(17))]
    assert copy.must_change_password is True
    assert copy.check_password(secret) and not copy.check_password("Senha-forte-123")

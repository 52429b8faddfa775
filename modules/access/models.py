"""Users, profiles and access policy.

The same tables exist in the public schema (vendor users) and in every tenant schema (the utility's
staff): a login lives in exactly one schema, so a Querência login cannot exist in Sorocaba.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models

from modules.common.fields import EncryptedTextField

from .domain.scopes import KIND_LABELS, KINDS, Place, Scope, in_scope
from .functions import ACTIONS


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields: Any) -> User:
        """`createsuperuser` (and `tenant_command createsuperuser --schema X`): an administrator of
        the current schema, made by user_create so the schema's password policy and audit apply. The
        password was typed by the person who will use it, so no forced change; without one
        (--noinput and no DJANGO_SUPERUSER_PASSWORD) the user cannot sign in until an administrator
        resets it."""
        from modules.common.audit import SystemActor

        from .services.users import user_create

        user, _ = user_create(
            actor=SystemActor("createsuperuser"),
            username=username,
            full_name=fields.pop("full_name", "") or username,
            email=fields.pop("email", "") or "",
            password=password,
            is_admin=True,
            must_change_password=password is None,
        )
        if password is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


class User(AbstractBaseUser):
    username = models.CharField("usuário", max_length=150, unique=True)
    full_name = models.CharField("nome completo", max_length=200)
    email = models.EmailField("e-mail", blank=True)
    is_active = models.BooleanField("ativo", default=True)
    is_admin = models.BooleanField("administrador", default=False)
    profiles = models.ManyToManyField("Profile", blank=True, related_name="users", verbose_name="perfis")
    must_change_password = models.BooleanField(default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    password_expiry_days = models.PositiveIntegerField(
        "validade da senha (dias)", null=True, blank=True, help_text="vazio: a da política"
    )
    failed_attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_login_ip = models.GenericIPAddressField(null=True, blank=True)
    totp_secret = EncryptedTextField(blank=True)  # ciphertext in the column (ADR 0012)
    totp_enabled = models.BooleanField("segundo fator (TOTP)", default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = "usuário"

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff(self) -> bool:  # Django's templates and messages framework look for it
        return self.is_active

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    def grants(self) -> dict[str, set[str]]:
        """function code -> actions allowed, the union of every profile's grants (cached per instance)."""
        cached: dict[str, set[str]] | None = getattr(self, "_grants_cache", None)
        if cached is not None:
            return cached
        result: dict[str, set[str]] = {}
        rows = ProfileGrant.objects.filter(profile__users=self, profile__is_active=True).values_list(
            "function", "can_view", "can_add", "can_change", "can_delete", "profile__read_only"
        )
        for function, view, add, change, delete, read_only in rows:
            allowed = result.setdefault(function, set())
            for action, flag in zip(ACTIONS, (view, add, change, delete), strict=True):
                if flag and (action == "view" or not read_only):
                    allowed.add(action)
        self._grants_cache = result
        return result

    def can(self, function: str, action: str = "view") -> bool:
        if not self.is_active:
            return False
        if self.is_admin:
            return True
        return action in self.grants().get(function, set())

    def scopes_for(self, function: str) -> frozenset[Scope] | None:
        """The records `function` is granted on: None for all (no scope rows, or an administrator)."""
        if self.is_admin:
            return None
        cached: dict[str, frozenset[Scope]] | None = getattr(self, "_scopes_cache", None)
        if cached is None:
            cached = {}
            for function_code, kind, value in UserScope.objects.filter(user=self).values_list(
                "function", "kind", "value"
            ):
                cached[function_code] = cached.get(function_code, frozenset()) | {Scope(kind, value)}
            self._scopes_cache = cached
        return cached.get(function)

    def can_on(self, function: str, action: str, place: Place) -> bool:
        """`can`, and the record's place inside the user's scope of that function (S3.4-02)."""
        return self.can(function, action) and in_scope(self.scopes_for(function), place)


class Profile(models.Model):
    """A set of function grants defined by the administrator (perfil / modelo de perfil)."""

    name = models.CharField("nome", max_length=100, unique=True)
    description = models.CharField("descrição", max_length=250, blank=True)
    read_only = models.BooleanField("somente consulta", default=False)
    is_active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "perfil"

    def __str__(self) -> str:
        return self.name


class ProfileGrant(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="grants")
    function = models.CharField(max_length=100)
    can_view = models.BooleanField("consulta", default=True)
    can_add = models.BooleanField("inclusão", default=False)
    can_change = models.BooleanField("alteração", default=False)
    can_delete = models.BooleanField("exclusão", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "function"], name="grant_profile_function")]

    def __str__(self) -> str:
        return f"{self.profile}: {self.function}"


class AccessWindow(models.Model):
    """Days of the week and hours a user may sign in (tender S3.4-04), in the tenant's time zone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_windows")
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (i, d)
            for i, d in enumerate(["segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"])
        ]
    )
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class FieldRight(models.Model):
    """A field a profile may change (seed 002 S4.1-02, example §3.3). A field named by no profile is
    edited by whoever may change its record; once a profile names it, only the users of profiles
    naming it may change it (administrators always)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="field_rights")
    object_type = models.CharField("objeto", max_length=100)
    field = models.CharField("campo", max_length=100)

    class Meta:
        ordering = ["object_type", "field"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "object_type", "field"], name="field_right_unique")
        ]
        verbose_name = "direito de alteração de campo"

    def __str__(self) -> str:
        return f"{self.profile}: {self.object_type}.{self.field}"


class UserScope(models.Model):
    """One place a user's function is limited to (S3.4-02): a department (service sector name), a
    locality code or a sector `"<locality>.<sector>"`. No row for a function: every record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes")
    function = models.CharField("função", max_length=100)
    kind = models.CharField("abrangência", max_length=12, choices=[(k, KIND_LABELS[k]) for k in KINDS])
    value = models.CharField("código", max_length=100)

    class Meta:
        ordering = ["function", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["user", "function", "kind", "value"], name="user_scope_unique")
        ]
        verbose_name = "abrangência de função"

    def __str__(self) -> str:
        return f"{self.user}: {self.function} em {KIND_LABELS[self.kind]} {self.value}"


class PasswordPolicy(models.Model):
    """One row per schema: the administrator's password, lockout and session parameters."""

    min_length = models.PositiveSmallIntegerField(
        "tamanho mínimo", default=10, validators=[MinValueValidator(6)]
    )
    require_upper = models.BooleanField("exigir maiúsculas", default=True)
    require_lower = models.BooleanField("exigir minúsculas", default=True)
    require_digit = models.BooleanField("exigir números", default=True)
    require_special = models.BooleanField("exigir caracteres especiais", default=True)
    expiry_days = models.PositiveIntegerField("validade da senha (dias, 0 = sem validade)", default=90)
    history_depth = models.PositiveSmallIntegerField(
        "senhas anteriores que não podem ser repetidas", default=5
    )
    max_failed_attempts = models.PositiveSmallIntegerField(
        "tentativas antes do bloqueio", default=5, validators=[MinValueValidator(1)]
    )
    lockout_minutes = models.PositiveIntegerField("bloqueio (minutos)", default=15)
    idle_timeout_minutes = models.PositiveIntegerField(
        "sessão expira após inatividade (minutos)", default=30, validators=[MinValueValidator(1)]
    )
    token_ttl_hours = models.PositiveIntegerField("validade do token de API (horas)", default=12)

    class Meta:
        verbose_name = "política de senhas"

    def __str__(self) -> str:
        return "Política de senhas"

    @classmethod
    def current(cls) -> PasswordPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy or cls()


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    success = models.BooleanField(default=False)
    reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M} {'ok' if self.success else self.reason}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the clear token is shown once, at issue."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

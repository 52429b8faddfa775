"""The first administrator of a new utility, created by the vendor from the ops console or its API.

A provisioned utility has no user at all: this creates one administrator inside the utility's own
schema with a temporary password the vendor chose and hands over; at the first sign-in the
existing forced password change (StaffSessionPolicyMiddleware, the API's password_change_required)
makes them pick their own, and from then on they create the utility's other users themselves.
The vendor never keeps a working password of a utility's user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from modules.access.models import User
from modules.access.services.users import user_create
from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.errors import Conflict, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.common.tenancy import tenant_context

from .errors import ErrorCode
from .models import Tenant

# user_create names its fields after the model; the vendor's request names them after the form
_FIELDS = {"password": "temporary_password", "full_name": "name"}


class VendorActor(SystemActor):
    """The vendor's user as seen from inside a utility's schema: its id belongs to the public
    schema's user table, so it is kept out of the tenant's audit actor_id and shown by name."""

    def __init__(self, vendor: Actor) -> None:
        super().__init__(vendor.get_username())

    def get_username(self) -> str:
        return f"fornecedor:{self.name}"


@dataclass(frozen=True)
class AdminRequest:
    username: str
    name: str
    email: str
    temporary_password: str


def _validate(req: AdminRequest) -> AdminRequest:
    username, name, email = req.username.strip(), req.name.strip(), req.email.strip().lower()
    if not username:
        raise ValidationFailed("Informe o nome de usuário.", field="username", code=CommonCode.INVALID)
    if not name:
        raise ValidationFailed("Informe o nome completo.", field="name", code=CommonCode.INVALID)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            "Informe um e-mail válido para o convite.", field="email", code=CommonCode.INVALID
        ) from None
    if not req.temporary_password:
        raise ValidationFailed(
            "Informe a senha provisória.", field="temporary_password", code=CommonCode.INVALID
        )
    return AdminRequest(username, name, email, req.temporary_password)


def _duplicate(username: str) -> Conflict:
    return Conflict(
        f"Já existe um usuário '{username}' nesta concessionária.",
        field="username",
        code=CommonCode.DUPLICATE,
    )


def tenant_admin_create(*, actor: Actor, tenant: Tenant, request: AdminRequest, sign_in_url: str) -> User:
    """Create an administrator in the tenant's schema (must change the password at first sign-in),
    audit it in both schemas, and e-mail the invitation on commit.

    Raises Conflict (409) when the tenant is not active or the username exists there, and
    ValidationFailed naming the field for bad input or a password the tenant's policy refuses.
    """
    req = _validate(request)
    if not tenant.is_active:
        raise Conflict(
            f"A concessionária {tenant.name} ainda não está ativa (situação: "
            f"{tenant.get_provisioning_state_display().lower()}); crie o administrador quando a "
            "implantação terminar.",
            field="schema",
            code=ErrorCode.TENANT_NOT_ACTIVE,
        )
    try:
        with transaction.atomic(durable=True):
            with tenant_context(tenant.schema_name):
                if User.objects.filter(username=req.username).exists():
                    raise _duplicate(req.username)
                try:
                    user, _ = user_create(
                        actor=VendorActor(actor),
                        username=req.username,
                        full_name=req.name,
                        email=req.email,
                        password=req.temporary_password,
                        is_admin=True,
                        must_change_password=True,
                    )
                except ValidationFailed as exc:
                    field = _FIELDS.get(exc.field or "", exc.field)
                    raise ValidationFailed(exc.message, field=field, code=exc.code) from exc
            # the vendor's own trail, in the public schema, in the same transaction
            audit_record(
                actor=actor,
                action="tenant.admin_create",
                target=tenant,
                after={"username": user.username, "email": user.email},
                reason=user.username,
            )
            transaction.on_commit(lambda: _send_invitation(tenant, user.full_name, req, sign_in_url))
    except IntegrityError:  # the same username created at the same moment by another request
        raise _duplicate(req.username) from None
    return user


def _send_invitation(tenant: Tenant, full_name: str, req: AdminRequest, sign_in_url: str) -> None:
    # The temporary password is not in the message: whoever created the user hands it over by
    # another channel, so a mailbox read by someone else does not open the utility's system.
    send_mail(
        subject=f"{tenant.name}: seu acesso de administrador ao Manancial",
        message=(
            f"Olá, {full_name}.\n\n"
            f"Você foi cadastrado(a) como administrador(a) do sistema comercial de {tenant.name}.\n\n"
            f"Endereço de acesso: {sign_in_url}\n"
            f"Usuário: {req.username}\n"
            "Senha: a senha provisória que a equipe Manancial lhe informou.\n\n"
            "No primeiro acesso o sistema pede que você escolha uma senha nova. Depois disso, em "
            "Usuários, você cadastra as demais pessoas da equipe.\n\n"
            "Se você não esperava este convite, ignore esta mensagem.\n\nEquipe Manancial"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[req.email],
    )

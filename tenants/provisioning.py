"""Provisioning a utility: an idempotent, resumable state machine.

requested -> schema_created -> migrated -> seeded -> active; any step may fail, leaving the tenant
in `failed` with the reason and the state to resume from. Every step is idempotent (CREATE SCHEMA
IF NOT EXISTS, migrations, get_or_create seeding), so a retry ends exactly where a clean run ends.

A utility created "from the template of" another one gets that utility's configuration document
(modules.configuration) imported by the last step, seeded -> active: the import makes the settings
equal to the document, so running it again changes nothing, and it is one transaction with the
step, so a refusal leaves the tenant `failed` at `seeded`, to be retried like any other step.
"""

from __future__ import annotations

import importlib
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import available_timezones

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.domain.documents import is_valid_cnpj, strip_document
from modules.common.errors import Conflict, ValidationFailed, clean_or_fail
from modules.common.errors import ErrorCode as CommonCode
from modules.common.tenancy import tenant_context
from modules.configuration.selectors import document_export
from modules.configuration.services import document_apply

from .errors import ErrorCode
from .metrics import PROVISIONING_FAILURES
from .models import Domain, ProvisioningState, Tenant

logger = logging.getLogger(__name__)

SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RESERVED_SCHEMAS = {
    "public",
    "information_schema",
    "pg_catalog",
    "pg_toast",
    "extensions",
    "ops",
    "www",
    "api",
    "static",
}
HOST_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)

ORDER = [
    ProvisioningState.REQUESTED,
    ProvisioningState.SCHEMA_CREATED,
    ProvisioningState.MIGRATED,
    ProvisioningState.SEEDED,
    ProvisioningState.ACTIVE,
]

BRANDING_FIELDS = (
    "legal_name",
    "city",
    "state",
    "address",
    "phone",
    "email",
    "website",
    "whatsapp",
    "primary_color",
    "secondary_color",
    "logo_svg",
    "privacy_notice",
    "terms_of_use",
    "febraban_company_code",
)


@dataclass(frozen=True)
class TenantRequest:
    schema_name: str
    name: str
    domain: str
    timezone: str = "America/Sao_Paulo"
    cnpj: str = ""
    template: str = ""  # schema of an active utility whose configuration the new one starts with


def validate_request(req: TenantRequest) -> TenantRequest:
    schema = (req.schema_name or "").strip()
    if not SCHEMA_RE.match(schema) or schema.startswith("pg_") or schema in RESERVED_SCHEMAS:
        raise ValidationFailed(
            "Nome de esquema inválido: use de 2 a 40 letras minúsculas, dígitos ou '_', começando por letra.",
            field="schema",
            code=CommonCode.INVALID,
        )
    if not (req.name or "").strip():
        raise ValidationFailed("Informe o nome da concessionária.", field="name", code=CommonCode.INVALID)
    domain = (req.domain or "").strip().lower()
    if not HOST_RE.match(domain):
        raise ValidationFailed("Domínio inválido.", field="domain", code=CommonCode.INVALID)
    if req.timezone not in available_timezones():
        raise ValidationFailed(
            f"Fuso horário desconhecido: {req.timezone}.", field="timezone", code=CommonCode.INVALID
        )
    cnpj = strip_document(req.cnpj)
    if cnpj and not is_valid_cnpj(cnpj):
        raise ValidationFailed(
            "CNPJ inválido: dígito verificador não confere.", field="cnpj", code=CommonCode.INVALID
        )
    if Tenant.objects.filter(schema_name=schema).exists():
        raise Conflict(
            f"Já existe uma concessionária com o esquema '{schema}'.",
            field="schema",
            code=CommonCode.DUPLICATE,
        )
    if Domain.objects.filter(domain=domain).exists():
        raise Conflict(f"O domínio '{domain}' já está em uso.", field="domain", code=CommonCode.DUPLICATE)
    template = (req.template or "").strip()
    if template and not _template_source(template):
        raise ValidationFailed(
            f"A concessionária modelo '{template}' não existe ou ainda não está ativa.",
            field="template",
            code=ErrorCode.TENANT_NOT_ACTIVE,
        )
    return TenantRequest(schema, req.name.strip(), domain, req.timezone, cnpj, template)


def _template_source(schema: str) -> Tenant | None:
    tenant: Tenant | None = (
        Tenant.objects.exclude(schema_name="public")
        .filter(schema_name=schema, provisioning_state=ProvisioningState.ACTIVE)
        .first()
    )
    return tenant


def tenant_request(
    *, actor: Actor, request: TenantRequest, branding: dict[str, str] | None = None, enqueue: bool = True
) -> Tenant:
    """Record a new utility in state `requested` and, on commit, start provisioning it as a task."""
    req = validate_request(request)
    extra = {k: v for k, v in (branding or {}).items() if k in BRANDING_FIELDS and v is not None}
    try:
        with transaction.atomic(durable=True):
            tenant: Tenant = Tenant.objects.create(
                schema_name=req.schema_name,
                name=req.name,
                timezone=req.timezone,
                cnpj=req.cnpj,
                template=_template_source(req.template) if req.template else None,
                **extra,
            )
            Domain.objects.create(domain=req.domain, tenant=tenant, is_primary=True)
            audit_record(actor=actor, action="tenant.request", target=tenant, after=snapshot(tenant))
            if enqueue:
                from .tasks import provision_tenant_task

                tenant_id = tenant.pk
                transaction.on_commit(lambda: provision_tenant_task.delay(tenant_id))
    except IntegrityError:
        # a concurrent request for the same schema or host passed the checks above before either
        # committed; the unique constraints stopped the second one, which gets the same answer
        validate_request(req)
        raise
    return tenant


def _set_state(tenant: Tenant, state: str, **fields: object) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(provisioning_state=state, updated_at=timezone.now(), **fields)
    tenant.provisioning_state = state
    for key, value in fields.items():
        setattr(tenant, key, value)


def _step_create_schema(tenant: Tenant) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{tenant.schema_name}"')  # name validated by SCHEMA_RE


def _step_migrate(tenant: Tenant) -> None:
    call_command("migrate_schemas", schema_name=tenant.schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


@transaction.atomic(durable=True)
def tenant_seed(tenant: Tenant) -> None:
    """Load every tenant app's reference data again: idempotent, run after a deploy that brings a
    new module, so utilities provisioned before it get its reference data too."""
    _step_seed(tenant)


def _step_seed(tenant: Tenant) -> None:
    """Each tenant app may ship a `seed` module with `seed_reference_data()`; all are idempotent."""
    with tenant_context(tenant.schema_name):
        for app in settings.TENANT_APPS:
            try:
                module = importlib.import_module(f"{app}.seed")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.seed":
                    raise
                continue
            with transaction.atomic():
                module.seed_reference_data()


TEMPLATE_ACTOR = SystemActor("implantacao")


def _step_apply_template(tenant: Tenant) -> None:
    """The template's configuration document, exported now (its settings as they are today) and
    imported into the new utility; audited in both: the import's own rows in the new schema, and
    one row in the control plane saying which template and how many changes."""
    if tenant.template_id is None:
        return
    source: Tenant = Tenant.objects.get(pk=tenant.template_id)
    with tenant_context(source.schema_name):
        document = document_export()
    with tenant_context(tenant.schema_name):
        result = document_apply(
            actor=TEMPLATE_ACTOR, document=document, origin=f"modelo: {source.schema_name}"
        )
    audit_record(
        actor=TEMPLATE_ACTOR,
        action="tenant.template_apply",
        target=tenant,
        after={"template": source.schema_name, **result.summary()},
        reason=f"criada a partir do modelo de {source.name}",
    )


STEPS: dict[str, tuple[Callable[[Tenant], None], str]] = {
    ProvisioningState.REQUESTED: (_step_create_schema, ProvisioningState.SCHEMA_CREATED),
    ProvisioningState.SCHEMA_CREATED: (_step_migrate, ProvisioningState.MIGRATED),
    ProvisioningState.MIGRATED: (_step_seed, ProvisioningState.SEEDED),
    ProvisioningState.SEEDED: (_step_apply_template, ProvisioningState.ACTIVE),
}


def _lock_key(tenant: Tenant) -> int:
    return zlib.crc32(f"provision:{tenant.schema_name}".encode())


def tenant_provision(*, tenant_id: int) -> Tenant:
    """Run the remaining steps. Safe to call again after a failure or a killed worker."""
    connection.set_schema_to_public()
    tenant: Tenant = Tenant.objects.get(pk=tenant_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(tenant)])
        if not cursor.fetchone()[0]:
            logger.info("provisioning of %s already running elsewhere", tenant.schema_name)
            return tenant
    try:
        if tenant.provisioning_state == ProvisioningState.FAILED:
            _set_state(
                tenant, tenant.provisioning_resume_from or ProvisioningState.REQUESTED, provisioning_error=""
            )
        if tenant.provisioning_state in STEPS:
            tenant.provisioning_attempts += 1
            Tenant.objects.filter(pk=tenant.pk).update(provisioning_attempts=tenant.provisioning_attempts)
        while tenant.provisioning_state in STEPS:
            step, next_state = STEPS[tenant.provisioning_state]
            current = tenant.provisioning_state
            try:
                # one transaction per step: a failed step leaves nothing of itself behind (DDL is
                # transactional in PostgreSQL), and the failure can still be recorded afterwards
                with transaction.atomic(durable=True):
                    step(tenant)
            except Exception as exc:
                connection.set_schema_to_public()
                logger.exception("provisioning of %s failed at %s", tenant.schema_name, current)
                PROVISIONING_FAILURES.inc()
                _set_state(
                    tenant,
                    ProvisioningState.FAILED,
                    provisioning_resume_from=current,
                    provisioning_error=f"{type(exc).__name__}: {exc}"[:2000],
                )
                raise
            extra: dict[str, object] = {"provisioning_resume_from": ""}
            if next_state == ProvisioningState.ACTIVE:
                extra["provisioned_at"] = timezone.now()
            _set_state(tenant, next_state, **extra)
        return tenant
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(tenant)])


@transaction.atomic(durable=True)
def tenant_update_branding(
    *, actor: Actor, tenant: Tenant, changes: dict[str, str], reason: str = ""
) -> Tenant:
    unknown = set(changes) - set(BRANDING_FIELDS) - {"name", "timezone"}
    if unknown:
        raise ValidationFailed(
            f"Campo não editável: {sorted(unknown)[0]}.", field=sorted(unknown)[0], code=CommonCode.INVALID
        )
    if "timezone" in changes and changes["timezone"] not in available_timezones():
        raise ValidationFailed("Fuso horário desconhecido.", field="timezone", code=CommonCode.INVALID)
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = snapshot(tenant)
    for key, value in changes.items():
        setattr(tenant, key, value)
    clean_or_fail(tenant, exclude=["schema_name"])
    tenant.save()
    audit_record(
        actor=actor,
        action="tenant.update",
        target=tenant,
        before=before,
        after=snapshot(tenant),
        reason=reason,
    )
    return tenant


@transaction.atomic(durable=True)
def tenant_domain_add(*, actor: Actor, tenant: Tenant, host: str) -> Domain:
    """An extra host for a utility (its own domain, a CNAME to the primary host): the agency answers
    on it as soon as the Ingress serves it (helm `ingress.customHosts`, docs/agency-deployment.md)."""
    host = (host or "").strip().lower().rstrip(".")
    if not HOST_RE.match(host) or "." not in host:
        raise ValidationFailed(
            "Domínio inválido: informe só o nome do host, como agencia.saae.sp.gov.br.",
            field="domain",
            code=CommonCode.INVALID,
        )
    base = settings.BASE_DOMAIN
    if host != base and host.endswith(f".{base}") and host.count(".") > base.count(".") + 1:
        raise ValidationFailed(
            f"Abaixo de {base} só um nível (o certificado curinga não cobre mais).",
            field="domain",
            code=ErrorCode.DOMAIN_TOO_DEEP,
        )
    Tenant.objects.select_for_update().get(pk=tenant.pk)
    if Domain.objects.filter(domain=host).exists():
        raise Conflict(f"O domínio '{host}' já está em uso.", field="domain", code=CommonCode.DUPLICATE)
    domain: Domain = Domain.objects.create(domain=host, tenant=tenant, is_primary=False)
    audit_record(actor=actor, action="tenant.domain_add", target=tenant, after={"domain": host}, reason=host)
    return domain


@transaction.atomic(durable=True)
def tenant_domain_remove(*, actor: Actor, tenant: Tenant, host: str) -> None:
    domain = Domain.objects.select_for_update().filter(tenant=tenant, domain=host).first()
    if domain is None:
        raise ValidationFailed(
            f"O domínio '{host}' não é desta concessionária.",
            field="domain",
            code=ErrorCode.DOMAIN_NOT_OF_TENANT,
        )
    if domain.is_primary:
        raise Conflict(
            "O domínio principal não pode ser removido.", field="domain", code=ErrorCode.PRIMARY_DOMAIN
        )
    domain.delete()
    audit_record(
        actor=actor, action="tenant.domain_remove", target=tenant, before={"domain": host}, reason=host
    )

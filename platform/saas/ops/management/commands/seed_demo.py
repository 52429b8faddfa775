"""Demo utilities, users and data. Idempotent: a second run changes nothing."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from modules.access.models import Profile, User
from modules.billing.demo import seed_demo_billing
from modules.collection.demo import fake_gateway_url, seed_demo_gateway
from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.tenancy import tenant_context
from modules.debt.demo import seed_demo_debt
from modules.registry.demo import seed_demo_registry
from tenants import provisioning
from tenants.bootstrap import ensure_public_tenant
from tenants.models import Tenant


def _logo(initials: str, colour: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="{initials}">'
        f'<path d="M32 4C32 4 10 30 10 42a22 22 0 0 0 44 0C54 30 32 4 32 4z" fill="#ffffff"/>'
        f'<path d="M32 12C32 12 16 32 16 42a16 16 0 0 0 32 0C48 32 32 12 32 12z" fill="{colour}"/>'
        f'<text x="32" y="50" font-family="sans-serif" font-size="14" font-weight="700" fill="#ffffff" '
        f'text-anchor="middle">{initials}</text></svg>'
    )


DEMO_UTILITIES: list[dict[str, str]] = [
    {
        "schema": "querencia",
        "name": "DAE Querência",
        "timezone": "America/Cuiaba",
        "cnpj": "04215124000145",
        "legal_name": "Departamento de Água e Esgoto de Querência",
        "city": "Querência",
        "state": "MT",
        "address": "Av. Brasil, 1000 – Centro, Querência – MT, 78643-000",
        "phone": "(66) 3529-1000",
        "email": "atendimento@daequerencia.mt.gov.br",
        "whatsapp": "(66) 99900-1000",
        "primary_color": "#0E5A8A",
        "secondary_color": "#083A5A",
        "initials": "DAE",
        "febraban_company_code": "0417",
    },
    {
        "schema": "sorocaba",
        "name": "SAAE Sorocaba",
        "timezone": "America/Sao_Paulo",
        "cnpj": "71480560000139",
        "legal_name": "Serviço Autônomo de Água e Esgoto de Sorocaba",
        "city": "Sorocaba",
        "state": "SP",
        "address": "Av. Pereira da Silva, 1285 – Jardim Santa Rosália, Sorocaba – SP, 18095-340",
        "phone": "0800 770 0195",
        "email": "atendimento@saaesorocaba.sp.gov.br",
        "whatsapp": "(15) 99800-0195",
        "primary_color": "#00695C",
        "secondary_color": "#004D40",
        "initials": "SAAE",
        "febraban_company_code": "0562",
    },
]

DEMO_STAFF = [
    ("atendente", "Ana Paula Ribeiro", "Atendente"),
    ("consulta", "Carlos Eduardo Lima", "Consulta"),
]


def _ensure_user(username: str, full_name: str, *, is_admin: bool, profile: str | None = None) -> bool:
    if User.objects.filter(username=username).exists():
        return False
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            is_admin=is_admin,
            must_change_password=False,
            email=f"{username}@exemplo.com.br",
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        if profile:
            user.profiles.add(Profile.objects.get(name=profile))
    return True


class Command(BaseCommand):
    help = "Cria as concessionárias de demonstração (querencia, sorocaba), usuários e dados. Idempotente."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--properties", type=int, default=600, help="imóveis por concessionária")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = SystemActor("seed_demo")
        ensure_public_tenant()
        if _ensure_user("ops", "Equipe de Operações Manancial", is_admin=True):
            self.stdout.write("usuário ops criado (console de operações)")
        for spec in DEMO_UTILITIES:
            domain = f"{spec['schema']}.{settings.BASE_DOMAIN}"
            tenant = Tenant.objects.filter(schema_name=spec["schema"]).first()
            if tenant is None:
                branding = {k: v for k, v in spec.items() if k in provisioning.BRANDING_FIELDS}
                branding["logo_svg"] = _logo(spec["initials"], spec["primary_color"])
                tenant = provisioning.tenant_request(
                    actor=actor,
                    enqueue=False,
                    branding=branding,
                    request=provisioning.TenantRequest(
                        spec["schema"], spec["name"], domain, spec["timezone"], spec["cnpj"]
                    ),
                )
            if not tenant.is_active:
                self.stdout.write(f"implantando {spec['schema']} …")
                tenant = provisioning.tenant_provision(tenant_id=tenant.pk)
            with tenant_context(tenant.schema_name):
                created = _ensure_user("admin", "Administrador do Sistema", is_admin=True)
                for username, name, profile in DEMO_STAFF:
                    created |= _ensure_user(username, name, is_admin=False, profile=profile)
                reports = seed_demo_registry(opts["properties"], today=tenant_today())
                billing_lines = seed_demo_billing(today=tenant_today())
                seed_demo_debt()
                if seed_demo_gateway(tenant.schema_name):
                    self.stdout.write(f"  conta Pagar.me (falso, {fake_gateway_url()}) criada")
            for report in reports:
                self.stdout.write(
                    f"  {report.entity}: {report.created} criados, {report.updated} alterados, "
                    f"{report.unchanged} sem alteração"
                    + ("" if report.ok else f" – ERROS: {report.errors[:3]}")
                )
            for line in billing_lines:
                self.stdout.write(line)
            state = "usuários criados" if created else "sem alterações"
            port = os.environ.get("DEMO_PORT", "8000")
            self.stdout.write(f"{tenant.name}: http://{domain}:{port}/ ({state})")

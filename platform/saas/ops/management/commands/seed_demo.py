"""Demo utilities, users and data (built by saas.demo). Idempotent: a second run changes nothing."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.tenancy import tenant_context
from saas.demo.billing import seed_demo_billing
from saas.demo.collection import fake_gateway_url, seed_demo_gateway
from saas.demo.debt import seed_demo_debt
from saas.demo.registry import TOWNS, seed_demo_registry
from saas.demo.utilities import DEMO_STAFF, DEMO_UTILITIES, ensure_user, logo_svg
from tenants import provisioning
from tenants.bootstrap import ensure_public_tenant
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Cria as concessionárias de demonstração (querencia, sorocaba), usuários e dados. Idempotente."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--properties", type=int, default=600, help="imóveis por concessionária")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = SystemActor("seed_demo")
        ensure_public_tenant()
        if ensure_user("ops", "Equipe de Operações Manancial", is_admin=True):
            self.stdout.write("usuário ops criado (console de operações)")
        for spec in DEMO_UTILITIES:
            domain = f"{spec['schema']}.{settings.BASE_DOMAIN}"
            tenant = Tenant.objects.filter(schema_name=spec["schema"]).first()
            if tenant is None:
                branding = {k: v for k, v in spec.items() if k in provisioning.BRANDING_FIELDS}
                branding["logo_svg"] = logo_svg(spec["initials"], spec["primary_color"])
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
                created = ensure_user("admin", "Administrador do Sistema", is_admin=True)
                for username, name, profile in DEMO_STAFF:
                    created |= ensure_user(username, name, is_admin=False, profile=profile)
                reports = seed_demo_registry(
                    opts["properties"], today=tenant_today(), town=TOWNS[spec["schema"]]
                )
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

"""The public tenant: the base domain's host, where the vendor's ops console lives."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Domain, ProvisioningState, Tenant


def ensure_public_tenant() -> Tenant:
    with transaction.atomic():
        tenant, _ = Tenant.objects.get_or_create(
            schema_name="public",
            defaults={
                "name": "Manancial",
                "legal_name": "Manancial Tecnologia para Saneamento",
                "provisioning_state": ProvisioningState.ACTIVE,
                "provisioned_at": timezone.now(),
            },
        )
        Domain.objects.get_or_create(
            domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
        )
    return tenant

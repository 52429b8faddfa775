"""The current utility and its clock: which tenant the connection is set to, its time zone, its "today",
and its FEBRABAN company code.

One accessor for every module (there were six copies, one of which read the request's activated time
zone and so was wrong in a task). "Today" is read once per operation and passed down; pure domain code
never calls these, it takes the date as a parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from .errors import ErrorCode, ValidationFailed

DEFAULT_ZONE = "America/Sao_Paulo"


class TenantInfo(Protocol):
    """What the modules read of the current utility (tenants.Tenant has all of it, a test checks;
    modules cannot import the control plane, so they see it through this shape)."""

    pk: int
    schema_name: str
    name: str
    legal_name: str
    cnpj: str
    city: str
    state: str
    address: str
    phone: str
    email: str
    timezone: str
    primary_color: str
    secondary_color: str
    logo_svg: str
    febraban_company_code: str

    @property
    def primary_domain(self) -> str: ...


def current_tenant() -> TenantInfo | None:
    """The utility the connection is set to; None in the public schema (vendor work, beat). The only
    read of `connection.tenant` outside the tenant switch (tests/common/test_ambient_tenant.py)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return None
    return tenant  # type: ignore[no-any-return]


def tenant_zone() -> ZoneInfo:
    tenant = current_tenant()
    return ZoneInfo((tenant.timezone if tenant else "") or DEFAULT_ZONE)


def tenant_now() -> dt.datetime:
    """Now, as an aware datetime in the utility's zone."""
    now: dt.datetime = timezone.now()
    return now.astimezone(tenant_zone())


def tenant_today() -> dt.date:
    """Today in the utility's time zone."""
    return tenant_now().date()


def febraban_company_code() -> str:
    """The utility's FEBRABAN company code (4 digits, the bank's agreement): every barcode it issues
    carries it. Refuses when there is none — a barcode with a made-up code is one no bank credits."""
    tenant = current_tenant()
    code = (tenant.febraban_company_code if tenant else "") or ""
    if len(code) != 4 or not code.isdigit():
        raise ValidationFailed(
            "A concessionária não tem código FEBRABAN (4 dígitos) cadastrado: sem ele não há "
            "código de barras.",
            field="febraban_company_code",
            code=ErrorCode.NO_FEBRABAN_CODE,
        )
    return code

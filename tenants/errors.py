"""The control plane's error codes for utilities (ADR 0016): provisioning, first administrators,
hosts and backups. Stable values clients switch on; the pt-BR message is for people. Values that were
already on the wire before the enum keep their spelling."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    TENANT_NOT_FOUND = "tenant_not_found"
    TENANT_NOT_ACTIVE = "tenant_not_active"
    TENANT_ALREADY_ACTIVE = "already_active"
    PROVISIONING_RUNNING = "provisioning_running"
    DOMAIN_TOO_DEEP = "domain_too_deep"  # more than one level below the base domain: no wildcard cover
    DOMAIN_NOT_OF_TENANT = "domain_not_of_tenant"
    PRIMARY_DOMAIN = "primary_domain"  # the primary host is never removed
    SCHEMA_EXISTS = "schema_exists"  # a restore over an existing schema needs --force
    ARCHIVE_REFUSED = "archive_refused"  # not a backup, cut short, altered, or from a newer version

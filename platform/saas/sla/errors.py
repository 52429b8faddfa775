"""The SLA's error codes (ADR 0016): contracts, probes, outages, incidents and the vendor's invoices.
Stable values clients switch on; the pt-BR message is for people. Values that were already on the
wire before the enum keep their spelling."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"  # the Alertmanager webhook's bearer token
    CONTRACT_NOT_FOUND = "contract_not_found"
    NO_CONTRACT = "no_contract"
    OUTAGE_NOT_FOUND = "outage_not_found"
    INCIDENT_NOT_FOUND = "incident_not_found"
    INCIDENT_WRONG_STATUS = "incident_wrong_status"  # the transition does not start from this status
    ACCEPTANCE_REQUIRED = "acceptance_required"
    INVOICE_NOT_FOUND = "invoice_not_found"
    MONTH_NOT_OVER = "month_not_over"  # the vendor's invoice waits for the month's end

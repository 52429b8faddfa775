"""The codes of service's refusals, the ones clients switch on (ADR 0016; the pt-BR message is for
people). No Django here: domain code imports it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"  # a field malformed, missing or out of range (`field` names it)
    DUPLICATE = "duplicate"
    PROPERTY_NOT_FOUND = "property_not_found"
    # the catalogue
    CODE_NOT_FOUND = "service_code_not_found"
    CODE_INACTIVE = "service_code_inactive"
    MATERIAL_NOT_FOUND = "material_not_found"
    TEAM_NOT_FOUND = "team_not_found"
    SECTOR_NOT_FOUND = "sector_not_found"
    KIT_NOT_FOUND = "kit_not_found"
    NO_PRICE_IN_FORCE = "no_price_in_force"
    TOO_MANY_PRINT_LAYOUTS = "too_many_print_layouts"
    INVALID_PLATE = "invalid_plate"
    MEMBER_OVERLAP = "member_overlap"
    # orders
    ORDER_NOT_FOUND = "order_not_found"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    TARGET_REQUIRED = "target_required"
    POSTPONEMENT_LIMIT = "postponement_limit"
    POSTPONEMENT_NOT_LATER = "postponement_not_later"
    CLOSING_NEEDS_TEAM = "closing_needs_team"
    CLOSING_NEEDS_TIME = "closing_needs_time"
    CLOSING_IN_FUTURE = "closing_in_future"
    CLOSING_NEEDS_REASON = "closing_needs_reason"
    CLOSING_NEEDS_AMOUNT = "closing_needs_amount"
    REASON_REQUIRED = "reason_required"
    SPECIAL_TEAM_REQUIRED = "special_team_required"
    TEAM_INACTIVE = "team_inactive"
    REWORK_NEEDS_EXECUTED = "rework_needs_executed"
    # automatic opening
    AUTOMATIC_RULE_NOT_FOUND = "automatic_rule_not_found"
    # channels: tickets and CTI (ADR 0182)
    UNIT_NOT_FOUND = "attendance_unit_not_found"
    QUEUE_NOT_FOUND = "ticket_queue_not_found"
    TICKET_NOT_FOUND = "ticket_not_found"
    NO_TICKET_WAITING = "no_ticket_waiting"
    TICKET_NOT_CALLED = "ticket_not_called"
    INVALID_PHONE = "invalid_phone"
    SIGNATURE_INVALID = "signature_invalid"
    CTI_NOT_CONFIGURED = "cti_not_configured"
    PROVIDER_NOT_CONFIGURED = "provider_not_configured"
    PROVIDER_FAILED = "provider_failed"
    OUTAGE_NOT_FOUND = "supply_outage_not_found"
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_NOT_DRAFT = "campaign_not_draft"
    # new connections (ADR 0183)
    CONNECTION_REQUEST_NOT_FOUND = "connection_request_not_found"
    CONNECTION_DOCUMENTS_MISSING = "connection_documents_missing"
    CONNECTION_REQUEST_DUPLICATE = "connection_request_duplicate"
    CONNECTION_SITE_NO_SECTOR = "connection_site_no_sector"
    CONNECTION_SEWER_NEEDS_WATER = "connection_sewer_needs_metered_water"
    CONNECTION_FEE_NOT_SETTLED = "connection_fee_not_settled"
    CONNECTION_STEP_INVALID = "connection_step_invalid"
    CONNECTION_INSTALLMENTS_INVALID = "connection_installments_invalid"
    WORKFLOW_NOT_FOUND = "workflow_not_found"

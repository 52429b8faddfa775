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
    # units: cuts, reconnections, meter actions, targets, paying bodies, release letters
    NO_OPEN_CUT = "no_open_cut"
    CUT_LEVEL_MISMATCH = "cut_level_mismatch"
    ALREADY_CUT = "already_cut"
    NO_CODE_FOR_EFFECT = "no_code_for_effect"
    CONNECTION_MISSING = "connection_missing"
    METER_DATA_REQUIRED = "meter_data_required"
    DEPENDENCY_NOT_EXECUTED = "dependency_not_executed"
    OPINION_REQUIRED = "opinion_required"
    STREET_NOT_FOUND = "street_not_found"
    CUSTOMER_NOT_FOUND = "customer_not_found"
    BODY_NOT_FOUND = "paying_body_not_found"
    NOTHING_TO_CENTRALIZE = "nothing_to_centralize"
    DOCUMENT_NOT_OPEN = "document_not_open"
    LETTER_NEEDS_SEWER_ORDER = "letter_needs_sewer_order"

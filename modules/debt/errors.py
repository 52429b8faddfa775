"""The codes of debt's refusals, the ones clients switch on (ADR 0016; the pt-BR message is for
people). No Django here: domain code imports it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # shared meaning, the value every module answers (modules.common.errors.ErrorCode.INVALID once
    # issue 12's branches are merged): a field malformed, missing or out of range (`field` names it)
    INVALID = "invalid"
    PROPERTY_NOT_FOUND = "property_not_found"
    # statements
    BILLS_NOT_OPEN = "bills_not_open"
    NO_OPEN_DEBTS = "no_open_debts"
    BILLS_IN_REVIEW = "bills_in_review"
    # the installment policy
    NO_INSTALLMENT_POLICY = "no_installment_policy"
    DEBT_BELOW_MINIMUM = "debt_below_minimum"
    DOWN_PAYMENT_REQUIRED = "down_payment_required"
    DOWN_PAYMENT_BELOW_MINIMUM = "down_payment_below_minimum"
    DOWN_PAYMENT_NOT_BELOW_DEBT = "down_payment_not_below_debt"
    TOO_MANY_INSTALLMENTS = "too_many_installments"
    INSTALLMENT_BELOW_MINIMUM = "installment_below_minimum"
    ROUNDING_EXCEEDS_INSTALLMENT = "rounding_exceeds_installment"
    EXTENDED_INSTALLMENTS_NOT_ALLOWED = "extended_installments_not_allowed"
    POLICY_VERSION_EXISTS = "policy_version_exists"
    POLICY_VERSION_IN_USE = "policy_version_in_use"
    # document texts (the template checks answer common.document_templates' codes:
    # unknown_placeholder, unknown_tag, unknown_filter, markup_not_allowed)
    TEMPLATE_VERSION_EXISTS = "template_version_exists"
    TEMPLATE_VERSION_IN_FORCE = "template_version_in_force"
    # agreements
    AGREEMENT_NOT_FOUND = "agreement_not_found"
    AGREEMENT_IN_PROGRESS = "agreement_in_progress"
    REINSTALL_NEEDS_ACTIVE_AGREEMENT = "reinstall_needs_active_agreement"
    AGREEMENT_NOT_LIVE = "agreement_not_live"
    # certificates and the annual declaration
    OPEN_DEBTS = "open_debts"
    CERTIFICATE_NOT_FOUND = "certificate_not_found"
    NO_BILLS_IN_YEAR = "no_bills_in_year"
    YEAR_NOT_PAID = "year_not_paid"
    YEAR_PAID_LATE = "year_paid_late"
    # dívida ativa (seed 001 3.2.9.18; ADR 0198)
    ACTIVE_DEBT_NOT_FOUND = "active_debt_not_found"
    NOTHING_TO_ENROL = "nothing_to_enrol"
    NO_OPEN_ACTIVE_DEBT = "no_open_active_debt"
    NOTICE_NOT_RECEIVED = "notice_not_received"
    NOTICE_ALREADY_RECEIVED = "notice_already_received"
    ACTIVE_DEBT_ALREADY_PAID = "active_debt_already_paid"
    ACTIVE_DEBT_ENTRY_CLOSED = "active_debt_entry_closed"
    CDA_FILED = "cda_filed"
    CDA_HAS_AGREEMENT = "cda_has_agreement"
    # credit bureaus (negativação)
    BUREAU_RETURN_INVALID = "bureau_return_invalid"
    BUREAU_MOVEMENT_UNKNOWN = "bureau_movement_unknown"
    BUREAU_LISTING_NOT_FOUND = "bureau_listing_not_found"
    BUREAU_LISTING_SENT = "bureau_listing_sent"
    BUREAU_UNAVAILABLE = "bureau_unavailable"
    # negotiation completeness
    REPLAN_LIMIT_REACHED = "replan_limit_reached"
    BILLS_NOT_NEGOTIABLE = "bills_not_negotiable"
    DISCOUNT_ABOVE_MAXIMUM = "discount_above_maximum"
    AGREEMENT_NOT_ACTIVE = "agreement_not_active"
    # cut-off notices, cut orders and the collection ladder
    CUT_NOTICE_NOT_FOUND = "cut_notice_not_found"
    CUT_NOTICE_NOT_PENDING = "cut_notice_not_pending"
    CUT_DAY_NOT_ALLOWED = "cut_day_not_allowed"
    CUT_ORDERS_UNAVAILABLE = "cut_orders_unavailable"
    UNKNOWN_LADDER_STEP = "unknown_ladder_step"

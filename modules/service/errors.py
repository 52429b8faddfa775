"""The codes of service's refusals, the ones clients switch on (ADR 0016; the pt-BR message is for
people). No Django here: domain code imports it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # a person's order grant limited to departments, localities or sectors that leave this one out (S3.4-02)
    OUTSIDE_SCOPE = "outside_scope"
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
    # batch opening, quality, contractors (h-orders)
    BATCH_EMPTY = "batch_empty"
    BATCH_TOO_LARGE = "batch_too_large"
    BATCH_KEY_REUSED = "batch_key_reused"
    CONTRACTOR_NOT_FOUND = "contractor_not_found"
    CONTRACT_NOT_FOUND = "contract_not_found"
    CONTRACT_NOT_IN_FORCE = "contract_not_in_force"
    LAYOUT_UNKNOWN = "layout_unknown"
    CLOSING_FIELD_REQUIRED = "closing_field_required"
    # protocols and attendances (ADR 0181)
    ILLEGAL_MOVE = "illegal_move"  # a protocol move the rules of domain/protocols.py refuse
    NO_CUSTOMER = "no_customer"
    ATTACHMENT_TYPE = "attachment_type"
    ATTACHMENT_SIZE = "attachment_size"
    PROTOCOL_NOT_FOUND = "protocol_not_found"
    PROTOCOL_TYPE_NOT_FOUND = "protocol_type_not_found"
    ATTENDANCE_OPEN = "attendance_open"  # the attendant already has an open attendance
    ATTENDANCE_CLOSED = "attendance_closed"
    ATTENDANCE_NOT_FOUND = "attendance_not_found"
    NOT_AUTHOR = "not_author"
    # field work on a phone (3.2.12)
    FIELD_NO_TEAM = "field_no_team"
    FIELD_OTHER_TEAM = "field_other_team"
    FIELD_PHOTO_NOT_IMAGE = "field_photo_not_image"
    FIELD_BADGE_NOT_FOUND = "field_badge_not_found"
    FIELD_CLOSING_FORM = "field_closing_form"
    FIELD_PHOTO_NOT_FOUND = "field_photo_not_found"
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
    CONNECTION_CDC_REQUIRED = "connection_cdc_required"
    CONNECTION_NOT_LINKED = "connection_not_linked"
    CONNECTION_ATTRIBUTE_INVALID = "connection_attribute_invalid"
    CONNECTION_AREA_FORBIDDEN = "connection_area_forbidden"
    # tickets by point and type, news (issue 23)
    TICKET_TYPE_NOT_SERVED = "ticket_type_not_served"
    NEWS_NOT_FOUND = "news_not_found"
    # consumption review (seed 001 3.2.6)
    REVIEW_NOT_FOUND = "review_not_found"
    REVIEW_BILL_PERIOD = "review_bill_period"
    REVIEW_ILLEGAL_MOVE = "review_illegal_move"
    REVIEW_REBILL_FORBIDDEN = "review_rebill_forbidden"
    REVIEW_ALREADY_OPEN = "review_already_open"
    # loss charges (perdas, h-docs, ADR 0228)
    LOSS_WITHOUT_INSPECTION = "loss_without_inspection"
    LOSS_NO_FINE = "loss_no_fine"
    LOSS_ALREADY_CHARGED = "loss_already_charged"
    # h-bill (ADR 0221): a retention rate needs the paying body's CNPJ
    RETENTION_WITHOUT_CNPJ = "retention_without_cnpj"

"""The registry's error codes: stable API values that clients switch on (the pt-BR message is for
people). Every DomainError raised in modules/registry names one. No Django here."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # values that clients already receive: kept as they were
    DUPLICATE = "duplicate"
    DOCUMENT_ON_FILE = "document_on_file"
    UNCHANGED = "unchanged"

    DATE_IN_FUTURE = "date_in_future"
    NAME_REQUIRED = "name_required"
    CEP_INVALID = "cep_invalid"

    DOCUMENT_REQUIRED = "document_required"
    DOCUMENT_INVALID = "document_invalid"
    EMAIL_INVALID = "email_invalid"
    CUSTOMER_KIND_UNKNOWN = "customer_kind_unknown"
    CUSTOMER_REQUIRED = "customer_required"
    CUSTOMER_NOT_FOUND = "customer_not_found"

    PROPERTY_NOT_FOUND = "property_not_found"
    PROPERTY_STATUS_UNKNOWN = "property_status_unknown"
    ACCOUNT_NUMBER_INVALID = "account_number_invalid"
    INSCRIPTION_INVALID = "inscription_invalid"
    ECONOMIES_INVALID = "economies_invalid"
    ROUTE_NOT_IN_GROUP = "route_not_in_group"
    COORDINATES_INVALID = "coordinates_invalid"
    BUILT_AREA_NEGATIVE = "built_area_negative"
    STREET_NOT_FOUND = "street_not_found"
    NEIGHBOURHOOD_NOT_FOUND = "neighbourhood_not_found"

    RELATION_ROLE_UNKNOWN = "relation_role_unknown"
    RELATION_ALREADY_HELD = "relation_already_held"
    RELATION_START_BEFORE_CURRENT = "relation_start_before_current"
    RELATION_END_BEFORE_START = "relation_end_before_start"

    CONNECTION_KIND_UNKNOWN = "connection_kind_unknown"
    CONNECTION_SITUATION_UNKNOWN = "connection_situation_unknown"
    CONNECTION_TRANSITION_INVALID = "connection_transition_invalid"
    CONNECTION_DATE_BEFORE_CURRENT = "connection_date_before_current"

    REFERENCE_NOT_FOUND = "reference_not_found"
    REFERENCE_INVALID = "reference_invalid"
    REFERENCE_INACTIVE = "reference_inactive"
    REFERENCE_IN_USE = "reference_in_use"
    ROUTE_ORDER_INVALID = "route_order_invalid"
    # invoices (h-invoices)
    ROUTE_SEQUENCE_INVALID = "route_sequence_invalid"
    # location (h-location)
    CHOICE_INVALID = "choice_invalid"
    LOCATION_TAKEN = "location_taken"
    ROUTE_STEP_INVALID = "route_step_invalid"
    # rental contracts and alternative addresses (h-rental)
    RENTAL_DATE_REQUIRED = "rental_date_required"
    RENTAL_DATES_INVALID = "rental_dates_invalid"
    RENTAL_CHECKLIST_INCOMPLETE = "rental_checklist_incomplete"
    RENTAL_CONTRACT_ACTIVE = "rental_contract_active"
    RENTAL_CONTRACT_NOT_FOUND = "rental_contract_not_found"
    RENTAL_CONTRACT_ENDED = "rental_contract_ended"
    RENTAL_DATES_IMMUTABLE = "rental_dates_immutable"
    RENTAL_REASON_REQUIRED = "rental_reason_required"
    DEBT_OUTSIDE_CONTRACT = "debt_outside_contract"
    NOT_RESPONSIBLE = "not_responsible"
    ADDRESS_NOT_FOUND = "address_not_found"
    ADDRESS_INACTIVE = "address_inactive"
    ADDRESS_STREET_REQUIRED = "address_street_required"
    ADDRESS_NOT_IN_TOWN = "address_not_in_town"
    ADDRESS_MAIN_REQUIRED = "address_main_required"
    NUMBERING_LOCKED = "numbering_locked"

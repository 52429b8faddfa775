"""Billing's error codes: what API clients switch on (the pt-BR message is for people). Values are
stable; a code a raise already passed keeps its value. No Django here: the domain raises them."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # what a billing run cannot bill (NotBillable, one per property, recorded in the run)
    NOT_FOUND = "not_found"  # a property the run was given, a tariff version the API was asked for
    PROPERTY_NOT_ACTIVE = "property_not_active"
    ON_SITE_NOT_ALLOWED = "on_site_not_allowed"  # h-reader: billed at the office, not on the phone
    NO_DWELLING_UNITS = "no_dwelling_units"
    UNKNOWN_CATEGORY = "unknown_category"
    NO_ACTIVE_CONNECTION = "no_active_connection"
    NEGATIVE_TOTAL = "negative_total"
    NO_SCHEDULE = "no_schedule"
    # the calculation
    CONSUMPTION_ABOVE_LAST_BAND = "consumption_above_last_band"
    CONSUMPTION_NOT_INTEGER = "consumption_not_integer"
    CONSUMPTION_NEGATIVE = "consumption_negative"
    DWELLING_UNITS_COUNT_INVALID = "dwelling_units_count_invalid"
    DWELLING_UNITS_REPEATED = "dwelling_units_repeated"
    SEWER_NOT_IN_TARIFF = "sewer_not_in_tariff"
    SPECIAL_SEWER_NOT_IN_TARIFF = "special_sewer_not_in_tariff"
    SEWER_SHARE_NEGATIVE = "sewer_share_negative"
    # tariff versions
    TARIFF_INVALID = "tariff_invalid"
    TARIFF_NOT_DRAFT = "tariff_not_draft"
    TARIFF_IS_PROJECTION = "tariff_is_projection"
    TARIFF_STARTS_IN_BILLED_MONTH = "tariff_starts_in_billed_month"
    NO_TARIFF_IN_FORCE = "no_tariff_in_force"
    AMBIGUOUS_TARIFF = "ambiguous_tariff"
    # the FEBRABAN collection barcode and typeable line
    BARCODE_INVALID = "barcode_invalid"
    # runs
    CHUNK_SIZE_INVALID = "chunk_size_invalid"
    GROUP_NOT_FOUND = "group_not_found"
    READINGS_NOT_CLOSED = "readings_not_closed"
    RUN_EXISTS = "run_exists"
    RUN_RELEASED = "run_released"
    RUN_NOT_DONE = "run_not_done"
    REFERENCE_INVALID = "reference_invalid"
    # bills
    REASON_REQUIRED = "reason_required"
    BILL_NOT_CANCELLABLE = "bill_not_cancellable"
    BILL_IN_CRITIQUE = "bill_in_critique"
    BILL_NOT_IN_CRITIQUE = "bill_not_in_critique"
    NO_OPEN_ANOMALY = "no_open_anomaly"
    # the customer's due day (Lei 9.791/1999)
    DUE_DAY_OUT_OF_RANGE = "due_day_out_of_range"
    DUE_DAY_UNCHANGED = "due_day_unchanged"
    DUE_DAY_CHANGED_RECENTLY = "due_day_changed_recently"
    # the utility's billing settings
    UNKNOWN_FIELDS = "unknown_fields"
    SETTING_OUT_OF_RANGE = "setting_out_of_range"
    # bill messages and the water-quality table
    TEXT_INVALID = "text_invalid"
    QUALITY_MONTH_TAKEN = "quality_month_taken"
    # the configuration document's billing section
    CONFIG_INVALID = "config_invalid"
    CONFIG_UNKNOWN_CATEGORY = "config_unknown_category"
    CONFIG_APPROVED_TARIFF_CHANGED = "config_approved_tariff_changed"
    # rebill (alteração de fatura)
    CHANGES_EMPTY = "changes_empty"
    BILL_NOT_CHANGEABLE = "bill_not_changeable"
    DUE_DATE_INVALID = "due_date_invalid"
    READING_INVALID = "reading_invalid"
    CHANGES_CONFLICT = "changes_conflict"
    LEAK_OVER_LIMIT = "leak_over_limit"
    LEAK_NO_HISTORY = "leak_no_history"
    UNITS_INVALID = "units_invalid"
    # invoices (h-invoices): the staff 2ª via
    SECOND_COPY_NOT_ALLOWED = "second_copy_not_allowed"
    # exceptions and legal processes (TR S10.13, ADR 0188)
    EXCEPTION_OVERLAP = "exception_overlap"
    PROCESS_CLOSED = "legal_process_closed"
    BILL_IN_LEGAL_PROCESS = "bill_in_legal_process"
    LEGAL_LOCKED = "legal_locked"  # execução fiscal / dívida ativa without the special privilege
    BILLING_BLOCKED = "billing_blocked"  # an "impede faturamento" exception: the run skipped it
    INVALID = "invalid"  # a field malformed, missing or out of range (`field` names it)
    PERIOD_INVALID = "period_invalid"
    # individualized condominiums (h-condo): master and dependent meters
    DEPENDENT_HAS_MASTER = "dependent_has_master"
    DEPENDENT_IS_MASTER = "dependent_is_master"
    MASTER_IS_DEPENDENT = "master_is_dependent"
    DEPENDENT_IS_MASTER_ITSELF = "dependent_is_master_itself"
    DEPENDENT_NOT_LINKED = "dependent_not_linked"
    PROPERTY_NOT_FOUND = "property_not_found"
    # tariff exemptions (h-condo)
    EXEMPTION_OVERLAPS = "exemption_overlaps"
    EXEMPTION_COMPONENT_INVALID = "exemption_component_invalid"
    EXEMPTION_WINDOW_INVALID = "exemption_window_invalid"
    EXEMPTION_NOT_FOUND = "exemption_not_found"
    # the sewer-billing notice (h-condo)
    SEWER_NOTICE_NO_SEWER = "sewer_notice_no_sewer"
    # the critique's rule set and the minimum invoice values (h-docs, ADR 0226)
    BELOW_MINIMUM = "below_minimum"
    # h-bill: billing exceptions as data (S4.7), first-bill delay, paying-body retentions
    FIRST_BILL_DELAYED = "first_bill_delayed"
    EXCEPTION_KIND_INVALID = "exception_kind_invalid"
    EXCEPTION_PARAMETER_INVALID = "exception_parameter_invalid"
    EXCEPTION_OVERLAPS = "exception_overlaps"
    EXCEPTION_WINDOW_INVALID = "exception_window_invalid"
    EXCEPTION_NOT_FOUND = "exception_not_found"
    # h-bill: solid-waste carnês (ADR 0222)
    CARNE_INSTALLMENTS_INVALID = "carne_installments_invalid"
    NO_SOLID_WASTE = "no_solid_waste"
    CARNE_EXISTS = "carne_exists"

"""Reading's error codes (ADR 0016): stable values clients switch on; the pt-BR message is for people.
Values that were already on the wire before the enum keep their spelling."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    PROPERTY_NOT_FOUND = "property_not_found"
    NO_BILLING_GROUP = "no_billing_group"
    NO_SCHEDULE = "no_schedule"
    NO_BUSINESS_DAY_IN_MARGIN = "no_business_day_in_margin"
    READING_OUTSIDE_SCHEDULE = "reading_outside_schedule"
    UNKNOWN_OCCURRENCE = "unknown_occurrence"
    READING_EXISTS = "reading_exists"
    UNMETERED = "unmetered"  # a connection without a meter is billed by fixed consumption, unread
    NO_READING = "no_reading"
    READING_TOO_LONG = "reading_too_long"  # more digits than the meter's dial
    READING_BELOW_PREVIOUS = "reading_below_previous"  # with no rollover and no meter swap
    NOT_IN_REVIEW = "not_in_review"
    SETTING_OUT_OF_RANGE = "setting_out_of_range"
    REGULATION_MONTH_BILLED = "regulation_month_billed"  # a version in force on a billed month is kept
    SCHEDULE_BILLED = "schedule_billed"  # a billed month's schedule is never adjusted
    SCHEDULE_DATES = "schedule_dates"  # an adjustment's dates out of order or out of the month
    DUE_DATE_NOT_BUSINESS_DAY = "due_date_not_business_day"
    READINGS_OUTSIDE_WINDOW = "readings_outside_window"  # the adjusted window leaves out readings taken

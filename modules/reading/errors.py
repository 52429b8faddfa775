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
    # reading in the field (ADR 0200)
    BATCH_NO_ROUTES = "batch_no_routes"  # the group has no active route
    BATCH_UNSEQUENCED = "batch_unsequenced"  # readable properties without route or sequence
    BATCH_CLOSED = "batch_closed"
    BATCH_NOT_FOUND = "batch_not_found"
    ROUTE_NOT_IN_BATCH = "route_not_in_batch"
    DEVICE_NOT_FOUND = "device_not_found"
    DEVICE_NOT_ASSIGNED = "device_not_assigned"  # the device does not hold the property's route
    DEVICE_NOT_READERS = "device_not_readers"  # the signed-in user is not the device's reader
    ROUTE_ROTATION = "route_rotation"  # the reader read the route the utility's limit of cycles in a row
    OUTSIDE_BATCH = "outside_batch"  # no open batch holds the property
    CLOCK_SKEW = "clock_skew"  # the device's clock is far off the server's
    PHOTO_REQUIRED = "photo_required"  # the occurrence list asks for a photo that did not come
    READING_BILLED = "reading_billed"  # the month is billed: the server's reading stands
    READER_CANNOT_READ = "reader_cannot_read"  # a reader without the reading activity
    COLLECTOR_FILE = "collector_file"  # a line of a collector's return file that does not parse

"""The codes of the reports' refusals, the ones clients switch on (ADR 0016; the pt-BR message is for
people). No Django here: domain code imports it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REPORT_NOT_FOUND = "report_not_found"
    RUN_NOT_FOUND = "report_run_not_found"
    FILTER_NOT_ALLOWED = "report_filter_not_allowed"
    FILTER_INVALID = "report_filter_invalid"
    FILTER_REQUIRED = "report_filter_required"
    PERIOD_TOO_LONG = "report_period_too_long"
    FORMAT_NOT_AVAILABLE = "report_format_not_available"

"""Metering's error codes (ADR 0016): stable values clients switch on; the pt-BR message is for people."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    METER_NOT_FOUND = "meter_not_found"
    METER_SCRAPPED = "meter_scrapped"  # a scrapped meter never returns to use (tender §9.3)
    METER_NOT_IN_STOCK = "meter_not_in_stock"  # only a meter in stock is installed
    METER_ALREADY_INSTALLED = "meter_already_installed"
    STATUS_UNCHANGED = "status_unchanged"
    INSTALLATION_REQUIRED_FOR_STATUS = "installation_required_for_status"  # to/from "installed"
    NOT_A_WATER_CONNECTION = "not_a_water_connection"
    CONNECTION_HAS_METER = "connection_has_meter"
    NO_METER_INSTALLED = "no_meter_installed"
    CONCURRENT_INSTALLATION = "concurrent_installation"
    INSTALLATION_BEFORE_REMOVAL = "installation_before_removal"
    REMOVAL_BEFORE_INSTALLATION = "removal_before_installation"
    FINAL_READING_BELOW_INITIAL = "final_reading_below_initial"
    REQUIRES_ACTIVATION = "requires_activation"
    SETTING_OUT_OF_RANGE = "setting_out_of_range"

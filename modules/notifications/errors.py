"""The codes of the notifications' refusals (ADR 0016). No Django here."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    EVENT_NOT_OFFERED = "event_not_offered"
    CHANNEL_UNKNOWN = "channel_unknown"
    CHANNEL_NEEDS_CONTACT = "channel_needs_contact"
    PHONE_INVALID = "phone_invalid"
    CODE_WRONG = "code_wrong"
    CODE_EXPIRED = "code_expired"
    CODE_BLOCKED = "code_blocked"
    PROVIDER_NOT_CONFIGURED = "provider_not_configured"
    PROVIDER_FAILED = "provider_failed"

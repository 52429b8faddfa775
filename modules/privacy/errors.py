from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    SUBJECT_NOT_FOUND = "subject_not_found"
    # LGPD art. 16, I and art. 7º, VI: data still needed to collect a debt is kept
    OPEN_DEBT = "open_debt"
    INVALID = "invalid"
    FINDING_NOT_FOUND = "finding_not_found"
    FINDING_CLOSED = "finding_closed"

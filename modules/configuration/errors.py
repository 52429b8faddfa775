"""The codes of the configuration document's refusals (ADR 0016). No Django here."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"  # a field of the document is malformed: `field` is its path
    WRONG_FORMAT = "wrong_format"  # not a Manancial settings document
    NEWER_VERSION = "newer_version"  # written by a newer Manancial than this one
    UNKNOWN_SECTION = "unknown_section"  # a section no module of this installation owns
    PREVIEW_OUTDATED = "preview_outdated"  # the settings changed between the preview and the confirmation

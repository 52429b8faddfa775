"""Reads of the configuration document."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from modules.common.configuration import FORMAT, FORMAT_VERSION

from . import sections


def document_export() -> dict[str, Any]:
    """Every setting of the current utility as one versioned document (no customers, no secrets, no
    database ids), the sections in dependency order."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "sections": {section.key: section.export() for section in sections.all_sections()},
    }

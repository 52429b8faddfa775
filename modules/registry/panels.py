"""Sections that later modules add to the 360° property page (metering adds the meter and its history),
so the registry shows them without importing those modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = Callable[[Any], tuple[str, dict[str, Any]]]
_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(prop: Any) -> list[tuple[str, dict[str, Any]]]:
    return [panel(prop) for panel in _PANELS]

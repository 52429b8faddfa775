"""Whether a customer has an infraction (an irregularity fine on the property), for the re-plan rules
of the installment policy (seed 001 3.2.9.1.11, .13). No module records irregularity fines yet (see
modules/service/timeline.py); the module that adds them registers its source at start-up, and until
then every customer counts as one without an infraction."""

from __future__ import annotations

from collections.abc import Callable

InfractionSource = Callable[[int], bool]  # property id → has an infraction
_SOURCES: dict[str, InfractionSource] = {}


def register_infraction_source(name: str, source: InfractionSource) -> None:
    _SOURCES[name] = source


def has_infraction(property_id: int) -> bool:
    return any(_SOURCES[name](property_id) for name in sorted(_SOURCES))

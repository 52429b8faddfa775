"""A set of legacy files (customers.csv, properties.csv, meters.csv, any present) in dependency order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from modules.common.audit import Actor

from ..files import ImportReport
from .customers import import_customers
from .meters import import_meters
from .properties import import_properties

FILES = ("customers", "properties", "meters")

IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    "customers": import_customers,
    "properties": import_properties,
    "meters": import_meters,
}


def import_directory_files(*, actor: Actor, files: dict[str, bytes], today: dt.date) -> list[ImportReport]:
    """Import the files present, in dependency order; each is its own all-or-nothing transaction."""
    return [IMPORTERS[name](actor=actor, data=files[name], today=today) for name in FILES if name in files]

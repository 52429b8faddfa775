"""Scoped grants (seed 002 S3.4-02, worked example §3.2): a function granted on every record, or only
on the records of given departments (the service sectors orders land in), localities or commercial
sectors. Pure: the user's scopes and the record's place in, a yes or no out.

A function with no scope rows for the user is granted on every record its profiles allow; with scope
rows it is granted only where one of them matches. A locality covers every sector inside it; a
sector (`"<locality code>.<sector code>"`) only itself.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("department", "locality", "sector")
KIND_LABELS = {"department": "departamento", "locality": "localidade", "sector": "setor"}


@dataclass(frozen=True)
class Scope:
    kind: str
    value: str


@dataclass(frozen=True)
class Place:
    """Where a record sits: the department (service sector name) and the locality/sector codes."""

    department: str | None = None
    locality: int | None = None
    sector: int | None = None


def sector_key(locality: int, sector: int) -> str:
    return f"{locality}.{sector}"


def in_scope(scopes: frozenset[Scope] | None, place: Place) -> bool:
    if scopes is None:
        return True
    for scope in scopes:
        if scope.kind == "department" and place.department is not None and scope.value == place.department:
            return True
        if scope.kind == "locality" and place.locality is not None and scope.value == str(place.locality):
            return True
        if (
            scope.kind == "sector"
            and place.locality is not None
            and place.sector is not None
            and scope.value == sector_key(place.locality, place.sector)
        ):
            return True
    return False
